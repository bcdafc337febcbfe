// SPDX-License-Identifier: GPL-2.0
/*
 * Block device backend: bios built straight from the command's pages.
 * UNMAP and WRITE SAME use the block layer's synchronous helpers from a
 * work item: discard where the device has it, write-zeroes (or zero
 * writes, which the block layer falls back to) where it does not.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/log2.h>

#include "ktgt.h"

/* a bio that remembers where it started, for the sense of a failed one */
struct ktgt_bio {
	sector_t start;			/* KTGT_NO_SECTOR: a flush */
	struct bio bio;
};

#define KTGT_NO_SECTOR	((sector_t)-1)

static struct bio_set ktgt_bio_set;

/**
 * ktgt_bdev_init() - set up the block device backend
 *
 * Return: 0 or a negative errno.
 */
int ktgt_bdev_init(void)
{
	return bioset_init(&ktgt_bio_set, BIO_POOL_SIZE, offsetof(struct ktgt_bio, bio),
			   BIOSET_NEED_BVECS);
}

/**
 * ktgt_bdev_exit() - undo ktgt_bdev_init()
 */
void ktgt_bdev_exit(void)
{
	bioset_exit(&ktgt_bio_set);
}

static struct bio *bdev_bio_alloc(struct block_device *bdev, u32 nr_vecs, blk_opf_t opf,
				  sector_t sector)
{
	struct bio *bio = bio_alloc_bioset(bdev, nr_vecs, opf, GFP_NOIO, &ktgt_bio_set);

	bio->bi_iter.bi_sector = sector;
	container_of(bio, struct ktgt_bio, bio)->start = sector;
	return bio;
}

static u64 sector_lba(struct ktgt_lun *lun, sector_t sector)
{
	return sector >> (lun->block_shift - SECTOR_SHIFT);
}

static int bdev_open(struct ktgt_lun *lun)
{
	struct block_device *bdev = I_BDEV(lun->file->f_mapping->host);

	lun->bdev = bdev;
	lun->block_shift = ilog2(bdev_logical_block_size(bdev));
	lun->phys_exp = ilog2(bdev_physical_block_size(bdev)) - lun->block_shift;
	/* what sd turns back into the same alignment_offset */
	lun->lowest_aligned = bdev_alignment_offset(bdev) >> lun->block_shift;
	lun->nr_blocks = bdev_nr_bytes(bdev) >> lun->block_shift;
	/* without discard, UNMAP writes zeros */
	lun->lbprz = !bdev_max_discard_sectors(bdev);
	return 0;
}

static void bdev_close(struct ktgt_lun *lun)
{
	lun->bdev = NULL;
}

static void bdev_cmd_done(struct ktgt_cmd *cmd);

static void bdev_end_io(struct bio *bio)
{
	struct ktgt_cmd *cmd = bio->bi_private;

	/* any failed bio fails the command; its first block goes in the sense */
	if (bio->bi_status) {
		sector_t start = container_of(bio, struct ktgt_bio, bio)->start;

		WRITE_ONCE(cmd->io_status, bio->bi_status);
		if (start != KTGT_NO_SECTOR)
			ktgt_cmd_bad_lba(cmd, sector_lba(cmd->lun, start));
	}
	bio_put(bio);
	if (atomic_dec_and_test(&cmd->bios))
		bdev_cmd_done(cmd);
}

static sector_t lba_sector(struct ktgt_lun *lun, u64 lba)
{
	return lba << (lun->block_shift - SECTOR_SHIFT);
}

/* bios over @nr pages of @bv from @sector; each holds a reference on cmd->bios */
static void bdev_submit_pages(struct ktgt_cmd *cmd, blk_opf_t opf, struct bio_vec *bv, u32 nr,
			      sector_t sector)
{
	struct block_device *bdev = cmd->lun->bdev;
	struct blk_plug plug;
	struct bio *bio = NULL;
	u32 i;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		while (!bio ||
		       bio_add_page(bio, bv[i].bv_page, bv[i].bv_len, bv[i].bv_offset) !=
		       bv[i].bv_len) {
			if (bio) {
				sector = bio_end_sector(bio);
				atomic_inc(&cmd->bios);
				submit_bio(bio);
			}
			bio = bdev_bio_alloc(bdev, min_t(u32, nr - i, BIO_MAX_VECS), opf, sector);
			bio->bi_end_io = bdev_end_io;
			bio->bi_private = cmd;
		}
	}
	atomic_inc(&cmd->bios);
	submit_bio(bio);
	blk_finish_plug(&plug);
}

static int bdev_unmap_range(struct ktgt_cmd *cmd, u64 lba, u32 nr)
{
	struct ktgt_lun *lun = cmd->lun;
	sector_t sector = lba_sector(lun, lba);
	sector_t nr_sects = lba_sector(lun, nr);
	int ret = -EOPNOTSUPP;

	if (!lun->lbprz)
		ret = blkdev_issue_discard(lun->bdev, sector, nr_sects, GFP_KERNEL);
	if (ret == -EOPNOTSUPP)
		ret = blkdev_issue_zeroout(lun->bdev, sector, nr_sects, GFP_KERNEL, 0);
	return ret;
}

/* write the pattern page over the range, a bio of up to BIO_MAX_VECS pages at a time */
static int bdev_write_pattern(struct ktgt_cmd *cmd, struct page *page)
{
	struct ktgt_lun *lun = cmd->lun;
	u64 left = (u64)cmd->cdb.nr_blocks << lun->block_shift;
	sector_t sector = lba_sector(lun, cmd->cdb.lba);
	blk_opf_t opf = REQ_OP_WRITE;
	struct bio *bio;
	u32 n;
	int ret;

	if (cmd->cdb.fua || !READ_ONCE(lun->write_cache))
		opf |= REQ_FUA;
	while (left) {
		bio = bio_alloc(lun->bdev, min_t(u64, DIV_ROUND_UP(left, PAGE_SIZE), BIO_MAX_VECS),
				opf, GFP_KERNEL);
		bio->bi_iter.bi_sector = sector;
		while (left) {
			n = min_t(u64, left, PAGE_SIZE);
			if (bio_add_page(bio, page, n, 0) != n)
				break;
			left -= n;
		}
		sector = bio_end_sector(bio);
		ret = submit_bio_wait(bio);
		bio_put(bio);
		if (ret)
			return ret;
	}
	return 0;
}

static int bdev_write_same(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	struct page *page;
	int ret;

	if (ktgt_write_same_zeroes(cmd))
		/* REQ_OP_WRITE_ZEROES where the device has it, else zero writes */
		return blkdev_issue_zeroout(lun->bdev, lba_sector(lun, cmd->cdb.lba),
					    lba_sector(lun, cmd->cdb.nr_blocks), GFP_KERNEL,
					    cmd->cdb.unmap ? 0 : BLKDEV_ZERO_NOUNMAP);
	page = ktgt_write_same_page(cmd);
	if (!page)
		return -ENOMEM;
	ret = bdev_write_pattern(cmd, page);
	__free_page(page);
	return ret;
}

/* COMPARE AND WRITE: part of the buffer, and wait */
static int bdev_rw(struct ktgt_cmd *cmd, bool write, u32 buf_off, u32 len, u64 lba, bool fua)
{
	struct ktgt_lun *lun = cmd->lun;
	blk_opf_t opf = write ? REQ_OP_WRITE | (fua ? REQ_FUA : 0) : REQ_OP_READ;
	sector_t sector = lba_sector(lun, lba);
	struct bio *bio;
	u32 n, done;
	int ret;

	while (len) {
		done = 0;
		bio = bdev_bio_alloc(lun->bdev, min_t(u32, DIV_ROUND_UP(len, PAGE_SIZE) + 1,
						      BIO_MAX_VECS), opf, sector);
		while (len) {
			struct bio_vec *bv = &cmd->bvec[buf_off / PAGE_SIZE];
			u32 pgoff = buf_off % PAGE_SIZE;

			n = min(len, (u32)PAGE_SIZE - pgoff);
			if (bio_add_page(bio, bv->bv_page, n, pgoff) != n)
				break;
			buf_off += n;
			len -= n;
			done += n;
		}
		ret = submit_bio_wait(bio);
		bio_put(bio);
		if (ret) {
			ktgt_cmd_bad_lba(cmd, sector_lba(lun, sector));
			return ret;
		}
		sector += done >> SECTOR_SHIFT;
	}
	return 0;
}

/*
 * A read, write or verify failed: a bio tells only that one of its blocks
 * did. Find the first block that fails on its own, as a disk reports the
 * first unrecovered error, going block by block from the start of the
 * first failed bio. A write rewrites the same data; a read reads into the
 * command's buffer, which is not sent.
 */
static void bdev_locate_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_lun *lun = cmd->lun;
	u32 bs = 1u << lun->block_shift, base = 0;
	u64 lba, end = cmd->cdb.lba + (cmd->io_len >> lun->block_shift);
	bool write = cmd->cdb.op == KTGT_OP_WRITE;
	bool fua = cmd->cdb.fua || !READ_ONCE(lun->write_cache);

	if (cmd->cdb.op == KTGT_OP_VERIFY)
		base = round_up(cmd->io_len, PAGE_SIZE);
	for (lba = atomic64_read(&cmd->bad_lba); lba < end; lba++) {
		if (bdev_rw(cmd, write, base + ((lba - cmd->cdb.lba) << lun->block_shift), bs, lba,
			    fua)) {
			atomic64_set(&cmd->bad_lba, lba);
			break;
		}
	}
	ktgt_cmd_io_done(cmd, READ_ONCE(cmd->io_status));
}

/* every bio of a command is done */
static void bdev_cmd_done(struct ktgt_cmd *cmd)
{
	blk_status_t status = READ_ONCE(cmd->io_status);

	switch (cmd->cdb.op) {
	case KTGT_OP_READ:
	case KTGT_OP_WRITE:
	case KTGT_OP_VERIFY:
		if (status == BLK_STS_OK || atomic64_read(&cmd->bad_lba) == U64_MAX)
			break;
		/* sleeps, and this may be a bio completion */
		INIT_WORK(&cmd->work, bdev_locate_work);
		queue_work(ktgt_io_wq, &cmd->work);
		return;
	}
	ktgt_cmd_io_done(cmd, status);
}

/* UNMAP and WRITE SAME: synchronous helpers, so from a work item */
static void bdev_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_lun *lun = cmd->lun;
	int ret;

	if (cmd->cdb.op == KTGT_OP_UNMAP)
		ret = ktgt_unmap_each(cmd, bdev_unmap_range);
	else
		ret = bdev_write_same(cmd);
	/* WCE=0: durable before GOOD */
	if (!ret && !READ_ONCE(lun->write_cache))
		ret = blkdev_issue_flush(lun->bdev);
	ktgt_cmd_io_done(cmd, errno_to_blk_status(ret));
}

static void bdev_submit(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	sector_t sector = lba_sector(lun, cmd->cdb.lba);
	struct bio *bio;
	blk_opf_t opf;
	u32 half;

	cmd->io_status = BLK_STS_OK;
	/* one reference for the submitter, so no bio can complete the command early */
	atomic_set(&cmd->bios, 1);

	switch (cmd->cdb.op) {
	case KTGT_OP_UNMAP:
	case KTGT_OP_WRITE_SAME:
		INIT_WORK(&cmd->work, bdev_work);
		ktgt_conn_queue(cmd->conn, &cmd->work);
		return;
	case KTGT_OP_SYNC_CACHE:
		bio = bdev_bio_alloc(lun->bdev, 0, REQ_OP_WRITE | REQ_PREFLUSH, 0);
		container_of(bio, struct ktgt_bio, bio)->start = KTGT_NO_SECTOR;
		bio->bi_end_io = bdev_end_io;
		bio->bi_private = cmd;
		atomic_inc(&cmd->bios);
		submit_bio(bio);
		break;
	case KTGT_OP_VERIFY:
		/* read the medium into the second half; the compare follows completion */
		half = DIV_ROUND_UP(cmd->io_len, PAGE_SIZE);
		bdev_submit_pages(cmd, REQ_OP_READ, cmd->bvec + half, cmd->nr_pages - half, sector);
		break;
	case KTGT_OP_READ:
		bdev_submit_pages(cmd, REQ_OP_READ, cmd->bvec, cmd->nr_pages, sector);
		break;
	default:
		opf = REQ_OP_WRITE;
		/* WCE=0 means every write is durable before GOOD */
		if (cmd->cdb.fua || !READ_ONCE(lun->write_cache))
			opf |= REQ_FUA;
		bdev_submit_pages(cmd, opf, cmd->bvec, cmd->nr_pages, sector);
		break;
	}
	if (atomic_dec_and_test(&cmd->bios))
		bdev_cmd_done(cmd);
}

const struct ktgt_backend_ops ktgt_bdev_ops = {
	.name	= "bdev",
	.type	= KTGT_BACKEND_BDEV,
	.open	= bdev_open,
	.close	= bdev_close,
	.submit	= bdev_submit,
	.rw	= bdev_rw,
};
