// SPDX-License-Identifier: GPL-2.0
/*
 * Block device backend: bios built straight from the command's pages.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/log2.h>

#include "ktgt.h"

static int bdev_open(struct ktgt_lun *lun)
{
	struct block_device *bdev = I_BDEV(lun->file->f_mapping->host);

	lun->bdev = bdev;
	lun->block_shift = ilog2(bdev_logical_block_size(bdev));
	lun->nr_blocks = bdev_nr_bytes(bdev) >> lun->block_shift;
	return 0;
}

static void bdev_close(struct ktgt_lun *lun)
{
	lun->bdev = NULL;
}

static void bdev_end_io(struct bio *bio)
{
	struct ktgt_cmd *cmd = bio->bi_private;

	/* any failed bio fails the command; which error wins does not matter */
	if (bio->bi_status)
		WRITE_ONCE(cmd->io_status, bio->bi_status);
	bio_put(bio);
	if (atomic_dec_and_test(&cmd->bios))
		ktgt_cmd_io_done(cmd, READ_ONCE(cmd->io_status));
}

static void bdev_submit(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	sector_t sector = cmd->cdb.lba << (lun->block_shift - SECTOR_SHIFT);
	struct blk_plug plug;
	struct bio *bio = NULL;
	blk_opf_t opf;
	u32 i;

	cmd->io_status = BLK_STS_OK;
	/* one reference for the submitter, so no bio can complete the command early */
	atomic_set(&cmd->bios, 1);

	if (cmd->cdb.op == KTGT_OP_SYNC_CACHE) {
		bio = bio_alloc(lun->bdev, 0, REQ_OP_WRITE | REQ_PREFLUSH, GFP_NOIO);
		bio->bi_end_io = bdev_end_io;
		bio->bi_private = cmd;
		atomic_inc(&cmd->bios);
		submit_bio(bio);
		goto out_put;
	}

	if (cmd->cdb.op == KTGT_OP_READ) {
		opf = REQ_OP_READ;
	} else {
		opf = REQ_OP_WRITE;
		/* WCE=0 means every write is durable before GOOD */
		if (cmd->cdb.fua || !lun->write_cache)
			opf |= REQ_FUA;
	}

	blk_start_plug(&plug);
	for (i = 0; i < cmd->nr_pages; i++) {
		struct bio_vec *bv = &cmd->bvec[i];

		while (!bio ||
		       bio_add_page(bio, bv->bv_page, bv->bv_len, bv->bv_offset) != bv->bv_len) {
			if (bio) {
				sector = bio_end_sector(bio);
				atomic_inc(&cmd->bios);
				submit_bio(bio);
			}
			bio = bio_alloc(lun->bdev, min_t(u32, cmd->nr_pages - i, BIO_MAX_VECS),
					opf, GFP_NOIO);
			bio->bi_iter.bi_sector = sector;
			bio->bi_end_io = bdev_end_io;
			bio->bi_private = cmd;
		}
	}
	atomic_inc(&cmd->bios);
	submit_bio(bio);
	blk_finish_plug(&plug);
out_put:
	if (atomic_dec_and_test(&cmd->bios))
		ktgt_cmd_io_done(cmd, READ_ONCE(cmd->io_status));
}

const struct ktgt_backend_ops ktgt_bdev_ops = {
	.name	= "bdev",
	.type	= KTGT_BACKEND_BDEV,
	.open	= bdev_open,
	.close	= bdev_close,
	.submit	= bdev_submit,
};
