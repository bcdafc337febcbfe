// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI commands the target answers itself (SPC-4, SBC-3): INQUIRY and its
 * VPD pages, MODE SENSE, READ CAPACITY, REPORT LUNS, REQUEST SENSE and the
 * commands that only need GOOD.
 */
#include <linux/slab.h>

#include "ktgt.h"

#define KTGT_VENDOR	"KTGT    "
#define KTGT_PRODUCT	"Virtual disk    "
#define KTGT_REVISION	"0001"

static u32 emulate_std_inquiry(struct ktgt_cmd *cmd, u8 *b)
{
	static const u16 versions[] = { 0x00a0 /* SAM-5 */, 0x0960 /* iSCSI */,
					0x0460 /* SPC-4 */, 0x04c0 /* SBC-3 */ };
	u32 i;

	b[0] = cmd->lun ? 0x00 : 0x7f;	/* disk, or PQ 3: no LUN here */
	b[2] = 0x06;			/* SPC-4 */
	b[3] = 0x12;			/* HiSup, response data format 2 */
	b[4] = 66 - 5;
	b[7] = 0x02;			/* CmdQue */
	memcpy(b + 8, KTGT_VENDOR, 8);
	memcpy(b + 16, KTGT_PRODUCT, 16);
	memcpy(b + 32, KTGT_REVISION, 4);
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		put_unaligned_be16(versions[i], b + 58 + 2 * i);
	return 66;
}

static u32 vpd_device_id(struct ktgt_cmd *cmd, u8 *b)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_target *t = lun->target;
	u32 off = 4, n;

	/* NAA, logical unit */
	b[off] = 0x01;
	b[off + 1] = 0x03;
	b[off + 3] = 8;
	memcpy(b + off + 4, lun->naa, 8);
	off += 12;

	/* T10 vendor ID, logical unit */
	n = 8 + strlen(lun->serial);
	b[off] = 0x02;
	b[off + 1] = 0x01;
	b[off + 3] = n;
	memcpy(b + off + 4, KTGT_VENDOR, 8);
	memcpy(b + off + 12, lun->serial, n - 8);
	off += 4 + n;

	/* SCSI name string, target port: "<iqn>,t,0x0001", NUL-padded to 4 */
	n = snprintf(b + off + 4, 256, "%s,t,0x%04x", t->name, KTGT_TPGT) + 1;
	n = round_up(n, 4);
	b[off] = 0x53;
	b[off + 1] = 0x98;
	b[off + 3] = n;
	off += 4 + n;

	/* relative target port 1 */
	b[off] = 0x51;
	b[off + 1] = 0x94;
	b[off + 3] = 4;
	put_unaligned_be16(1, b + off + 6);
	off += 8;

	put_unaligned_be16(off - 4, b + 2);
	return off;
}

static int emulate_vpd(struct ktgt_cmd *cmd, u8 *b, u32 *len)
{
	static const u8 pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1 };
	struct ktgt_lun *lun = cmd->lun;
	u32 max_blocks;

	if (!lun)
		return -ENODEV;
	b[0] = 0x00;
	b[1] = cmd->cdb.page;
	switch (cmd->cdb.page) {
	case 0x00:
		b[3] = sizeof(pages);
		memcpy(b + 4, pages, sizeof(pages));
		*len = 4 + sizeof(pages);
		return 0;
	case 0x80:
		b[3] = strlen(lun->serial);
		memcpy(b + 4, lun->serial, b[3]);
		*len = 4 + b[3];
		return 0;
	case 0x83:
		*len = vpd_device_id(cmd, b);
		return 0;
	case 0xb0:
		max_blocks = KTGT_MAX_IO_BYTES >> lun->block_shift;
		b[3] = 0x3c;
		put_unaligned_be16(1, b + 6);		/* optimal granularity */
		put_unaligned_be32(max_blocks, b + 8);	/* maximum transfer length */
		put_unaligned_be32(max_blocks, b + 12);	/* optimal transfer length */
		*len = 64;
		return 0;
	case 0xb1:
		b[3] = 0x3c;
		put_unaligned_be16(1, b + 4);		/* non-rotating medium */
		*len = 64;
		return 0;
	}
	return -EINVAL;
}

static u32 mode_page(struct ktgt_cmd *cmd, u8 page, u8 *b)
{
	bool changeable = cmd->cdb.pc == 1;

	switch (page) {
	case 0x01:	/* read-write error recovery */
		b[0] = 0x01;
		b[1] = 0x0a;
		return 12;
	case 0x08:	/* caching */
		b[0] = 0x08;
		b[1] = 0x12;
		if (!changeable && cmd->lun->write_cache)
			b[2] = 0x04;	/* WCE */
		return 20;
	case 0x0a:	/* control */
		b[0] = 0x0a;
		b[1] = 0x0a;
		return 12;
	case 0x1c:	/* informational exceptions */
		b[0] = 0x1c;
		b[1] = 0x0a;
		return 12;
	}
	return 0;
}

static int emulate_mode_sense(struct ktgt_cmd *cmd, u8 *b, u32 *len)
{
	static const u8 all_pages[] = { 0x01, 0x08, 0x0a, 0x1c };
	struct ktgt_lun *lun = cmd->lun;
	const struct ktgt_cdb *c = &cmd->cdb;
	u32 hdr = c->mode10 ? 8 : 4, bd = 0, off, i, n;

	if (c->subpage && !(c->page == 0x3f && c->subpage == 0xff))
		return -EINVAL;
	off = hdr;
	if (!c->dbd) {
		u64 blocks = min_t(u64, lun->nr_blocks, U32_MAX);

		bd = 8;
		put_unaligned_be32(blocks, b + off);
		put_unaligned_be32(1u << lun->block_shift, b + off + 4);
		b[off + 4] = 0;		/* density code */
		off += bd;
	}
	if (c->page == 0x3f) {
		for (i = 0; i < ARRAY_SIZE(all_pages); i++)
			off += mode_page(cmd, all_pages[i], b + off);
	} else {
		n = mode_page(cmd, c->page, b + off);
		if (!n)
			return -EINVAL;
		off += n;
	}

	if (c->mode10) {
		put_unaligned_be16(off - 2, b);
		b[3] = (lun->readonly ? 0x80 : 0) | 0x10;	/* WP, DPOFUA */
		put_unaligned_be16(bd, b + 6);
	} else {
		b[0] = off - 1;
		b[2] = (lun->readonly ? 0x80 : 0) | 0x10;
		b[3] = bd;
	}
	*len = off;
	return 0;
}

static u32 emulate_report_luns(struct ktgt_cmd *cmd, u8 *b, u32 size)
{
	struct ktgt_target *t = cmd->conn->sess->target;
	struct ktgt_lun *lun;
	unsigned long id;
	u32 off = 8;

	/* select report 1 is well-known LUNs only, of which we have none */
	if (cmd->cdb.select_report != 1) {
		xa_for_each(&t->luns, id, lun) {
			if (off + 8 > size)
				break;
			ktgt_lun_encode(id, b + off);
			off += 8;
		}
	}
	put_unaligned_be32(off - 8, b);
	return off;
}

/**
 * ktgt_scsi_emulate() - run a command that the target answers itself
 * @cmd: command whose CDB was decoded and checked
 *
 * Sets the status, and for commands that return data, the command's buffer
 * and transfer lengths. The caller sends the answer.
 */
void ktgt_scsi_emulate(struct ktgt_cmd *cmd)
{
	const struct ktgt_cdb *c = &cmd->cdb;
	struct ktgt_lun *lun = cmd->lun;
	u32 size = PAGE_SIZE, len = 0;
	int ret = 0;
	u8 *b;

	if (c->op == KTGT_OP_REPORT_LUNS)
		size = 8 + 8 * (KTGT_MAX_LUN + 1);
	b = kvzalloc(size, GFP_KERNEL);
	if (!b) {
		cmd->failed = true;
		cmd->status = SAM_BUSY;
		return;
	}

	switch (c->op) {
	case KTGT_OP_TEST_UNIT_READY:
	case KTGT_OP_START_STOP:
	case KTGT_OP_PREVENT_ALLOW:
		break;
	case KTGT_OP_REQUEST_SENSE:
		/* no deferred errors are kept, so there is never sense to report */
		if (c->desc) {
			b[0] = 0x72;
			len = 8;
		} else {
			len = ktgt_sense_fixed(b, SK_NO_SENSE, ASC_NONE);
		}
		break;
	case KTGT_OP_INQUIRY:
		if (c->evpd)
			ret = emulate_vpd(cmd, b, &len);
		else
			len = emulate_std_inquiry(cmd, b);
		break;
	case KTGT_OP_MODE_SENSE:
		ret = emulate_mode_sense(cmd, b, &len);
		break;
	case KTGT_OP_READ_CAPACITY10:
		put_unaligned_be32(min_t(u64, lun->nr_blocks - 1, U32_MAX), b);
		put_unaligned_be32(1u << lun->block_shift, b + 4);
		len = 8;
		break;
	case KTGT_OP_READ_CAPACITY16:
		put_unaligned_be64(lun->nr_blocks - 1, b);
		put_unaligned_be32(1u << lun->block_shift, b + 8);
		len = 32;
		break;
	case KTGT_OP_REPORT_LUNS:
		len = emulate_report_luns(cmd, b, size);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}

	if (ret == -ENODEV) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
	} else if (ret == -EOPNOTSUPP) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	} else if (ret) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
	} else if (c->dir == KTGT_DIR_READ) {
		/* the device sends min(allocation length, what it has) */
		cmd->xfer = min(len, c->alloc_len);
		cmd->data_len = min_t(u64, cmd->xfer, cmd->edtl);
		if (ktgt_cmd_alloc_buf(cmd, cmd->data_len)) {
			cmd->failed = true;
			cmd->status = SAM_BUSY;
		} else {
			ktgt_cmd_copy_in(cmd, b, cmd->data_len);
		}
	}
	kvfree(b);
}

