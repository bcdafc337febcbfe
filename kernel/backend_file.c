// SPDX-License-Identifier: GPL-2.0
/*
 * Regular file backend: kernel iov_iter I/O over the command's pages, run
 * from a work item since it may block. UNMAP punches holes
 * (FALLOC_FL_PUNCH_HOLE), or writes zeros where the file system cannot.
 */
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/uio.h>
#include <linux/blkdev.h>

#include "ktgt.h"

#define KTGT_FILE_BLOCK_SHIFT	9
#define KTGT_PATTERN_VECS	64	/* pages per write of a WRITE SAME pattern */

static int file_open(struct ktgt_lun *lun)
{
	struct super_block *sb = file_inode(lun->file)->i_sb;

	lun->block_shift = KTGT_FILE_BLOCK_SHIFT;
	/* direct I/O must be aligned to the filesystem device's sectors */
	if (lun->direct && sb->s_bdev)
		lun->block_shift = max_t(u32, KTGT_FILE_BLOCK_SHIFT,
					 ilog2(bdev_logical_block_size(sb->s_bdev)));
	/*
	 * The page cache takes writes of any 512-byte block, so a file has
	 * no physical block of its own to report: exponent 0, as tgt and
	 * LIO's fileio say.
	 */
	lun->phys_exp = 0;
	lun->nr_blocks = i_size_read(file_inode(lun->file)) >> lun->block_shift;
	lun->lbprz = true;	/* holes read as zeros, and so do zero writes */
	return 0;
}

static void file_close(struct ktgt_lun *lun)
{
}

static bool file_sync_writes(struct ktgt_cmd *cmd)
{
	/* WCE=0 or FUA: durable before GOOD */
	return cmd->cdb.fua || !READ_ONCE(cmd->lun->write_cache);
}

/* write @page (a pattern, or zeros) over @nr blocks from @lba */
static int file_write_page(struct ktgt_cmd *cmd, struct page *page, u64 lba, u64 nr)
{
	struct ktgt_lun *lun = cmd->lun;
	struct bio_vec bv[KTGT_PATTERN_VECS];
	u64 left = nr << lun->block_shift;
	loff_t pos = lba << lun->block_shift;
	struct iov_iter iter;
	u32 i, len;
	ssize_t ret;

	for (i = 0; i < KTGT_PATTERN_VECS; i++)
		bvec_set_page(&bv[i], page, PAGE_SIZE, 0);
	while (left) {
		len = min_t(u64, left, KTGT_PATTERN_VECS * PAGE_SIZE);
		iov_iter_bvec(&iter, ITER_SOURCE, bv, KTGT_PATTERN_VECS, len);
		ret = vfs_iter_write(lun->file, &iter, &pos, file_sync_writes(cmd) ? RWF_DSYNC : 0);
		if (ret >= 0 && ret != len)
			ret = -EIO;
		if (ret < 0) {
			ktgt_cmd_bad_lba(cmd, pos >> lun->block_shift);
			return ret;
		}
		left -= len;
	}
	return 0;
}

static int file_zero_range(struct ktgt_cmd *cmd, u64 lba, u64 nr)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int ret;

	if (!page)
		return -ENOMEM;
	ret = file_write_page(cmd, page, lba, nr);
	__free_page(page);
	return ret;
}

static int file_unmap_range(struct ktgt_cmd *cmd, u64 lba, u32 nr)
{
	struct ktgt_lun *lun = cmd->lun;
	int ret;

	ret = vfs_fallocate(lun->file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			    lba << lun->block_shift, (u64)nr << lun->block_shift);
	if (ret == -EOPNOTSUPP)
		ret = file_zero_range(cmd, lba, nr);
	return ret;
}

static int file_write_same(struct ktgt_cmd *cmd)
{
	struct page *page;
	int ret;

	if (cmd->cdb.unmap && ktgt_write_same_zeroes(cmd))
		return file_unmap_range(cmd, cmd->cdb.lba, cmd->cdb.nr_blocks);
	page = ktgt_write_same_page(cmd);
	if (!page)
		return -ENOMEM;
	ret = file_write_page(cmd, page, cmd->cdb.lba, cmd->cdb.nr_blocks);
	__free_page(page);
	return ret;
}

/* I/O over @len bytes of the buffer from @buf_off; a short transfer fails at its end */
static ssize_t file_iter(struct ktgt_cmd *cmd, bool write, u32 buf_off, u32 len, loff_t pos,
			 rwf_t flags)
{
	struct ktgt_lun *lun = cmd->lun;
	struct iov_iter iter;
	ssize_t ret;

	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, cmd->bvec, cmd->nr_pages,
		      buf_off + len);
	iov_iter_advance(&iter, buf_off);
	if (write)
		ret = vfs_iter_write(lun->file, &iter, &pos, flags);
	else
		ret = vfs_iter_read(lun->file, &iter, &pos, flags);
	if (ret >= 0 && ret != len) {
		/* pos is past what was done: the block that failed, or EOF */
		ret = -EIO;
	}
	if (ret < 0)
		ktgt_cmd_bad_lba(cmd, pos >> lun->block_shift);
	return ret < 0 ? ret : 0;
}

static int file_rw(struct ktgt_cmd *cmd, bool write, u32 buf_off, u32 len, u64 lba, bool fua)
{
	return file_iter(cmd, write, buf_off, len, lba << cmd->lun->block_shift,
			 write && fua ? RWF_DSYNC : 0);
}

/*
 * GET LBA STATUS: holes (SEEK_HOLE/SEEK_DATA) are deallocated, data is
 * mapped. A block partly in a hole is mapped.
 */
static int file_lba_status(struct ktgt_lun *lun, u64 lba, u64 *nr, bool *mapped)
{
	loff_t pos = lba << lun->block_shift, end = lun->nr_blocks << lun->block_shift;
	loff_t data, hole;
	u32 bs = 1u << lun->block_shift;

	data = vfs_llseek(lun->file, pos, SEEK_DATA);
	if (data == -ENXIO)
		data = end;		/* a hole to the end */
	else if (data < 0)
		return data;
	if (data >= pos + bs) {
		*mapped = false;
		*nr = (min(data, end) >> lun->block_shift) - lba;
		return 0;
	}
	hole = vfs_llseek(lun->file, max(data, pos), SEEK_HOLE);
	if (hole < 0)
		return hole;
	*mapped = true;
	*nr = (round_up(min(hole, end), bs) >> lun->block_shift) - lba;
	return 0;
}

static void file_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_lun *lun = cmd->lun;
	loff_t pos = cmd->cdb.lba << lun->block_shift;
	int ret;

	switch (cmd->cdb.op) {
	case KTGT_OP_READ:
		ret = file_iter(cmd, false, 0, cmd->io_len, pos, 0);
		break;
	case KTGT_OP_VERIFY:
		/* the medium goes to the second half; the compare follows completion */
		ret = file_iter(cmd, false, round_up(cmd->io_len, PAGE_SIZE), cmd->io_len, pos, 0);
		break;
	case KTGT_OP_WRITE:
		ret = file_iter(cmd, true, 0, cmd->io_len, pos,
				file_sync_writes(cmd) ? RWF_DSYNC : 0);
		break;
	case KTGT_OP_UNMAP:
	case KTGT_OP_WRITE_SAME:
		if (cmd->cdb.op == KTGT_OP_UNMAP)
			ret = ktgt_unmap_each(cmd, file_unmap_range);
		else
			ret = file_write_same(cmd);
		/* a punched hole is durable once the metadata is */
		if (!ret && !READ_ONCE(lun->write_cache))
			ret = vfs_fsync(lun->file, 1);
		break;
	default:
		ret = vfs_fsync(lun->file, 1);
		break;
	}
	ktgt_cmd_io_done_errno(cmd, ret);
}

static void file_submit(struct ktgt_cmd *cmd)
{
	INIT_WORK(&cmd->work, file_work);
	ktgt_conn_queue(cmd->conn, &cmd->work);
}

const struct ktgt_backend_ops ktgt_file_ops = {
	.name	= "file",
	.type	= KTGT_BACKEND_FILE,
	.open	= file_open,
	.close	= file_close,
	.submit	= file_submit,
	.rw	= file_rw,
	.lba_status = file_lba_status,
};
