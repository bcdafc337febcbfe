// SPDX-License-Identifier: GPL-2.0
/*
 * Regular file backend: kernel iov_iter I/O over the command's pages, run
 * from a work item since it may block.
 */
#include <linux/fs.h>
#include <linux/uio.h>
#include <linux/blkdev.h>

#include "ktgt.h"

#define KTGT_FILE_BLOCK_SHIFT	9

static int file_open(struct ktgt_lun *lun)
{
	lun->block_shift = KTGT_FILE_BLOCK_SHIFT;
	lun->nr_blocks = i_size_read(file_inode(lun->file)) >> KTGT_FILE_BLOCK_SHIFT;
	return 0;
}

static void file_close(struct ktgt_lun *lun)
{
}

static void file_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_lun *lun = cmd->lun;
	loff_t pos = cmd->cdb.lba << lun->block_shift;
	struct iov_iter iter;
	ssize_t ret;

	switch (cmd->cdb.op) {
	case KTGT_OP_READ:
		iov_iter_bvec(&iter, ITER_DEST, cmd->bvec, cmd->nr_pages, cmd->io_len);
		ret = vfs_iter_read(lun->file, &iter, &pos, 0);
		break;
	case KTGT_OP_WRITE:
		iov_iter_bvec(&iter, ITER_SOURCE, cmd->bvec, cmd->nr_pages, cmd->io_len);
		/* WCE=0 or FUA: durable before GOOD */
		ret = vfs_iter_write(lun->file, &iter, &pos,
				     cmd->cdb.fua || !lun->write_cache ? RWF_DSYNC : 0);
		break;
	default:
		ret = vfs_fsync(lun->file, 1);
		ktgt_cmd_io_done(cmd, errno_to_blk_status(ret));
		return;
	}
	if (ret >= 0 && ret != cmd->io_len)
		ret = -EIO;	/* the file shrank under us */
	ktgt_cmd_io_done(cmd, errno_to_blk_status(ret < 0 ? ret : 0));
}

static void file_submit(struct ktgt_cmd *cmd)
{
	INIT_WORK(&cmd->work, file_work);
	queue_work(ktgt_io_wq, &cmd->work);
}

const struct ktgt_backend_ops ktgt_file_ops = {
	.name	= "file",
	.type	= KTGT_BACKEND_FILE,
	.open	= file_open,
	.close	= file_close,
	.submit	= file_submit,
};
