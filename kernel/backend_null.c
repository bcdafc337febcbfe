// SPDX-License-Identifier: GPL-2.0
/*
 * Null backend, for benchmarks (like LIO's nullio): no data is kept.
 * Reads return zeros, writes, UNMAP and WRITE SAME are dropped, flushes
 * succeed at once. The size is whatever the admin asked for.
 */
#include <linux/highmem.h>

#include "ktgt.h"

#define KTGT_NULL_BLOCK_SHIFT	9

static int null_open(struct ktgt_lun *lun)
{
	lun->block_shift = KTGT_NULL_BLOCK_SHIFT;
	lun->nr_blocks = lun->null_size >> KTGT_NULL_BLOCK_SHIFT;
	lun->lbprz = true;	/* every block reads as zeros */
	return 0;
}

static void null_close(struct ktgt_lun *lun)
{
}

/* zeros into @len bytes of the buffer from @off */
static void null_zero(struct ktgt_cmd *cmd, u32 off, u32 len)
{
	u32 n;

	while (len) {
		n = min_t(u32, len, PAGE_SIZE - off % PAGE_SIZE);
		memzero_page(cmd->bvec[off / PAGE_SIZE].bv_page, off % PAGE_SIZE, n);
		off += n;
		len -= n;
	}
}

static void null_submit(struct ktgt_cmd *cmd)
{
	switch (cmd->cdb.op) {
	case KTGT_OP_READ:
		null_zero(cmd, 0, cmd->io_len);
		break;
	case KTGT_OP_VERIFY:
		/* the medium, for the compare that follows completion */
		null_zero(cmd, round_up(cmd->io_len, PAGE_SIZE), cmd->io_len);
		break;
	default:
		break;
	}
	ktgt_cmd_io_done(cmd, BLK_STS_OK);
}

static int null_rw(struct ktgt_cmd *cmd, bool write, u32 buf_off, u32 len, u64 lba, bool fua)
{
	if (!write)
		null_zero(cmd, buf_off, len);
	return 0;
}

/* nothing is ever stored: every block is deallocated, and reads as zeros */
static int null_lba_status(struct ktgt_lun *lun, u64 lba, u64 *nr, bool *mapped)
{
	*nr = lun->nr_blocks - lba;
	*mapped = false;
	return 0;
}

const struct ktgt_backend_ops ktgt_null_ops = {
	.name	= "null",
	.type	= KTGT_BACKEND_NULL,
	.open	= null_open,
	.close	= null_close,
	.submit	= null_submit,
	.rw	= null_rw,
	.lba_status = null_lba_status,
};
