// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI commands the target answers itself (SPC-4, SBC-3): INQUIRY and its
 * VPD pages, MODE SENSE/SELECT, READ CAPACITY, REPORT LUNS, REQUEST SENSE,
 * REPORT SUPPORTED OPERATION CODES and TASK MANAGEMENT FUNCTIONS, and the
 * commands that only need GOOD; plus the helpers that look at the Data-Out
 * of VERIFY, UNMAP and WRITE SAME for the backends.
 */
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "ktgt.h"

#define KTGT_VENDOR	"KTGT"
#define KTGT_PRODUCT	"Virtual disk"
#define KTGT_REVISION	"0001"

/* an INQUIRY text field: left-aligned, space-padded (SPC-4 4.4.1) */
static void put_ascii(u8 *dst, const char *s, const char *dflt, u32 width)
{
	if (!s || !*s)
		s = dflt;
	memset(dst, ' ', width);
	memcpy(dst, s, min_t(size_t, strlen(s), width));
}

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
	if (cmd->lun) {
		spin_lock(&cmd->lun->ident_lock);
		put_ascii(b + 8, cmd->lun->ident.vendor, KTGT_VENDOR, 8);
		put_ascii(b + 16, cmd->lun->ident.product, KTGT_PRODUCT, 16);
		put_ascii(b + 32, cmd->lun->ident.revision, KTGT_REVISION, 4);
		spin_unlock(&cmd->lun->ident_lock);
	} else {
		put_ascii(b + 8, NULL, KTGT_VENDOR, 8);
		put_ascii(b + 16, NULL, KTGT_PRODUCT, 16);
		put_ascii(b + 32, NULL, KTGT_REVISION, 4);
	}
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

	/* T10 vendor ID, logical unit: the vendor, then scsi_id */
	spin_lock(&lun->ident_lock);
	n = 8 + strlen(lun->scsi_id);
	b[off] = 0x02;
	b[off + 1] = 0x01;
	b[off + 3] = n;
	put_ascii(b + off + 4, lun->ident.vendor, KTGT_VENDOR, 8);
	memcpy(b + off + 12, lun->scsi_id, n - 8);
	spin_unlock(&lun->ident_lock);
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
	static const u8 pages[] = { 0x00, 0x80, 0x83, 0x86, 0xb0, 0xb1, 0xb2 };
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
		spin_lock(&lun->ident_lock);
		b[3] = strlen(lun->serial);
		memcpy(b + 4, lun->serial, b[3]);
		spin_unlock(&lun->ident_lock);
		*len = 4 + b[3];
		return 0;
	case 0x83:
		*len = vpd_device_id(cmd, b);
		return 0;
	case 0x86:	/* extended INQUIRY data */
		b[3] = 0x3c;
		b[5] = 0x01;		/* SIMPSUP: every task is SIMPLE */
		b[6] = 0x01;		/* V_SUP: a volatile cache, SYNCHRONIZE CACHE */
		put_unaligned_be16(SCSI_SENSE_BUF_LEN, b + 10);	/* maximum sense length */
		*len = 64;
		return 0;
	case 0xb0:
		max_blocks = KTGT_MAX_IO_BYTES >> lun->block_shift;
		b[3] = 0x3c;
		put_unaligned_be16(1, b + 6);		/* optimal granularity */
		put_unaligned_be32(max_blocks, b + 8);	/* maximum transfer length */
		put_unaligned_be32(max_blocks, b + 12);	/* optimal transfer length */
		b[4] = 0x01;				/* WSNZ */
		b[5] = KTGT_MAX_CAW_BLOCKS;		/* maximum compare and write length */
		put_unaligned_be32(KTGT_MAX_UNMAP_BYTES >> lun->block_shift, b + 20);
		put_unaligned_be32(KTGT_MAX_UNMAP_DESC, b + 24);
		put_unaligned_be32(1, b + 28);		/* optimal unmap granularity */
		put_unaligned_be64(KTGT_MAX_WRITE_SAME_BYTES >> lun->block_shift, b + 36);
		*len = 64;
		return 0;
	case 0xb1:
		b[3] = 0x3c;
		put_unaligned_be16(1, b + 4);		/* non-rotating medium */
		*len = 64;
		return 0;
	case 0xb2:	/* logical block provisioning */
		b[3] = 0x04;
		b[5] = 0xe0 | (lun->lbprz ? 0x04 : 0);	/* LBPU, LBPWS, LBPWS10 */
		b[6] = 0x02;				/* thin provisioned */
		*len = 8;
		return 0;
	}
	return -EINVAL;
}

/* page control 1 gives the changeable bits, anything else the current values */
static u32 mode_page(struct ktgt_lun *lun, u8 pc, u8 page, u8 *b)
{
	bool changeable = pc == 1;

	switch (page) {
	case 0x01:	/* read-write error recovery */
		b[0] = 0x01;
		b[1] = 0x0a;
		return 12;
	case 0x08:	/* caching */
		b[0] = 0x08;
		b[1] = 0x12;
		if (changeable || READ_ONCE(lun->write_cache))
			b[2] = 0x04;	/* WCE */
		return 20;
	case 0x0a:	/* control */
		b[0] = 0x0a;
		b[1] = 0x0a;
		if (changeable || READ_ONCE(lun->d_sense))
			b[2] = 0x04;	/* D_SENSE */
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
			off += mode_page(lun, c->pc, all_pages[i], b + off);
	} else {
		n = mode_page(lun, c->pc, c->page, b + off);
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

/**
 * ktgt_cmd_data_copy() - a copy of the command's Data-Out, in one piece
 * @cmd: command whose io_len bytes have arrived
 *
 * For parameter lists (MODE SELECT, UNMAP, PERSISTENT RESERVE OUT), not
 * for medium data.
 *
 * Return: the copy (free it with kvfree()), or NULL.
 */
u8 *ktgt_cmd_data_copy(struct ktgt_cmd *cmd)
{
	u32 i, n, len = cmd->io_len;
	u8 *p = kvmalloc(len, GFP_KERNEL);

	if (!p)
		return NULL;
	for (i = 0; i * PAGE_SIZE < len; i++) {
		n = min_t(u32, PAGE_SIZE, len - i * PAGE_SIZE);
		memcpy_from_page(p + i * PAGE_SIZE, cmd->bvec[i].bv_page, 0, n);
	}
	return p;
}

/*
 * MODE SELECT (SPC-4 6.11): a header, at most one block descriptor that
 * must match the LUN, then pages. Only WCE in the caching page may change;
 * any other bit that differs from the current value is refused, and
 * nothing changes unless the whole list is good.
 */
static int emulate_mode_select(struct ktgt_cmd *cmd, u16 *asc)
{
	struct ktgt_lun *lun = cmd->lun;
	u32 hdr = cmd->cdb.mode10 ? 8 : 4, len = cmd->io_len, bd, off, n, i;
	u8 cur[32], chg[32];
	bool wce = READ_ONCE(lun->write_cache);
	bool d_sense = READ_ONCE(lun->d_sense);
	int ret = -EINVAL;
	u8 *p;

	if (!len)
		return 0;
	if (len < hdr) {
		*asc = ASC_PARAMETER_LIST_LENGTH;
		return -EINVAL;
	}
	p = ktgt_cmd_data_copy(cmd);
	if (!p)
		return -ENOMEM;
	*asc = ASC_INVALID_FIELD_IN_PARAM_LIST;
	bd = cmd->cdb.mode10 ? get_unaligned_be16(p + 6) : p[3];
	/* LONGLBA descriptors are not used here */
	if ((cmd->cdb.mode10 && (p[4] & 0x01)) || (bd != 0 && bd != 8) || hdr + bd > len)
		goto out;
	if (bd && ktgt_get_be24(p + hdr + 5) != 1u << lun->block_shift)
		goto out;
	for (off = hdr + bd; off < len; off += n) {
		/* no subpages; PS is ignored */
		if ((p[off] & 0x40) || off + 2 > len)
			goto out;
		memset(cur, 0, sizeof(cur));
		memset(chg, 0, sizeof(chg));
		n = mode_page(lun, 0, p[off] & 0x3f, cur);
		mode_page(lun, 1, p[off] & 0x3f, chg);
		if (!n || p[off + 1] + 2 != n || off + n > len)
			goto out;
		for (i = 2; i < n; i++)
			if ((p[off + i] ^ cur[i]) & ~chg[i])
				goto out;
		if ((p[off] & 0x3f) == 0x08)
			wce = p[off + 2] & 0x04;
		if ((p[off] & 0x3f) == 0x0a)
			d_sense = p[off + 2] & 0x04;
	}
	if (wce != READ_ONCE(lun->write_cache) || d_sense != READ_ONCE(lun->d_sense)) {
		WRITE_ONCE(lun->write_cache, wce);
		WRITE_ONCE(lun->d_sense, d_sense);
		ktgt_ua_lun_event(lun->target, lun->id, cmd->conn->sess,
				  ASC_MODE_PARAMETERS_CHANGED);
	}
	ret = 0;
out:
	kvfree(p);
	return ret;
}

/* the timeout descriptor of REPORT SUPPORTED OPERATION CODES: unspecified */
static u32 rsoc_timeouts(u8 *b)
{
	put_unaligned_be16(0x0a, b);
	return 12;
}

static int emulate_report_opcodes(struct ktgt_cmd *cmd, u8 *b, u32 *len)
{
	const struct ktgt_cdb *c = &cmd->cdb;
	const struct ktgt_opcode_info *info;
	bool has_sa, want_sa;
	u32 i, off = 4;

	if (c->rep_opts == 0) {
		for (i = 0; i < ktgt_nr_opcodes; i++) {
			info = &ktgt_opcodes[i];
			b[off] = info->opcode;
			if (info->has_sa)
				put_unaligned_be16(info->sa, b + off + 2);
			b[off + 5] = (c->rctd ? 0x02 : 0) | (info->has_sa ? 0x01 : 0);
			put_unaligned_be16(info->cdb_len, b + off + 6);
			off += 8;
			if (c->rctd)
				off += rsoc_timeouts(b + off);
		}
		put_unaligned_be32(off - 4, b);
		*len = off;
		return 0;
	}

	info = ktgt_opcode_find(c->req_opcode, c->req_sa, &has_sa);
	/* 001b names an opcode without service actions, 010b one with */
	want_sa = c->rep_opts == 2;
	if ((info || has_sa) && has_sa != want_sa)
		return -EINVAL;
	if (!info) {
		b[1] = 0x01;	/* not supported */
		*len = 4;
		return 0;
	}
	b[1] = (c->rctd ? 0x80 : 0) | 0x03;	/* supported, as the standard says */
	put_unaligned_be16(info->cdb_len, b + 2);
	memcpy(b + 4, info->usage, info->cdb_len);
	off = 4 + info->cdb_len;
	if (c->rctd)
		off += rsoc_timeouts(b + off);
	*len = off;
	return 0;
}

/*
 * GET LBA STATUS (SBC-3 5.6): descriptors from the requested block on, as
 * many as the allocation length holds (at least one), each a run of blocks
 * in one provisioning state, as the backend knows it.
 */
static u32 emulate_get_lba_status(struct ktgt_cmd *cmd, u8 *b, u32 size)
{
	struct ktgt_lun *lun = cmd->lun;
	u32 off = 8, room = max(24u, min(size, cmd->cdb.alloc_len));
	u64 lba = cmd->cdb.lba, nr;
	bool mapped;

	while (lba < lun->nr_blocks && off + 16 <= room) {
		nr = lun->nr_blocks - lba;
		mapped = true;
		if (lun->ops->lba_status && lun->ops->lba_status(lun, lba, &nr, &mapped)) {
			/* cannot tell: say mapped, which is never wrong for a read */
			nr = lun->nr_blocks - lba;
			mapped = true;
		}
		nr = clamp_t(u64, nr, 1, min_t(u64, U32_MAX, lun->nr_blocks - lba));
		put_unaligned_be64(lba, b + off);
		put_unaligned_be32(nr, b + off + 8);
		b[off + 12] = mapped ? 0x00 : 0x01;	/* mapped, or deallocated */
		off += 16;
		lba += nr;
	}
	put_unaligned_be32(off - 4, b);
	return off;
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
	u16 asc = ASC_INVALID_FIELD_IN_CDB, ua;
	int ret = 0;
	u8 *b;

	if (c->op == KTGT_OP_REPORT_LUNS)
		size = 8 + 8 * (KTGT_MAX_LUN + 1);
	if (c->op == KTGT_OP_PR_IN)
		size = U16_MAX;		/* the most its allocation length asks for */
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
	case KTGT_OP_PREFETCH:		/* no cache to fill: the range is checked */
	case KTGT_OP_VERIFY:		/* BYTCHK 0: the medium is memory or a file */
		break;
	case KTGT_OP_MODE_SELECT:
		ret = emulate_mode_select(cmd, &asc);
		break;
	case KTGT_OP_REPORT_OPCODES:
		ret = emulate_report_opcodes(cmd, b, &len);
		break;
	case KTGT_OP_REPORT_TMFS:
		/* session.c: ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LU RESET */
		b[0] = 0x80 | 0x40 | 0x10 | 0x08;
		len = 4;
		if (c->repd) {
			b[3] = 0x0c;
			len = 16;
		}
		break;
	case KTGT_OP_REQUEST_SENSE:
		/* a pending unit attention is reported, and cleared */
		if (lun && ktgt_ua_pop(cmd->conn->sess, lun->id, &ua)) {
			len = ktgt_ua_sense(b, c->desc, ua);
			break;
		}
		/* no deferred errors are kept, so there is never other sense to report */
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
		b[13] = lun->phys_exp;			/* logical blocks per physical */
		b[14] = 0x80 | (lun->lbprz ? 0x40 : 0) | (lun->lowest_aligned >> 8 & 0x3f);
		b[15] = lun->lowest_aligned & 0xff;	/* LBPME, LBPRZ, lowest aligned */
		len = 32;
		break;
	case KTGT_OP_REPORT_LUNS:
		len = emulate_report_luns(cmd, b, size);
		ktgt_ua_clear(cmd->conn->sess, ASC_REPORTED_LUNS_CHANGED);
		break;
	case KTGT_OP_RESERVE:
	case KTGT_OP_RELEASE:
	case KTGT_OP_PR_IN:
	case KTGT_OP_PR_OUT:
		ktgt_pr_emulate(cmd, b, size, &len);
		break;
	case KTGT_OP_GET_LBA_STATUS:
		len = emulate_get_lba_status(cmd, b, size);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}

	if (ret == -ENODEV) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
	} else if (ret == -EOPNOTSUPP) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
	} else if (ret == -ENOMEM) {
		cmd->failed = true;
		cmd->status = SAM_BUSY;
	} else if (ret) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, asc);
	} else if (c->dir == KTGT_DIR_READ && !cmd->failed) {
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

/**
 * ktgt_scsi_check_data() - check the Data-Out of UNMAP and WRITE SAME
 * @cmd: command whose data is in
 *
 * Return: true when the backend has work to do; false when the command is
 * answered already (nothing to do, or CHECK CONDITION).
 */
bool ktgt_scsi_check_data(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	u32 nr_desc;
	u16 asc;
	int ret;
	u8 *p;

	if (cmd->cdb.op != KTGT_OP_UNMAP)
		return true;	/* WRITE SAME: any block is a pattern */
	if (!cmd->io_len)
		return false;
	p = ktgt_cmd_data_copy(cmd);
	if (!p) {
		cmd->failed = true;
		cmd->status = SAM_BUSY;
		return false;
	}
	ret = ktgt_unmap_parse(p, cmd->io_len, lun->nr_blocks,
			       KTGT_MAX_UNMAP_BYTES >> lun->block_shift, &nr_desc, &asc);
	kvfree(p);
	if (ret) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, asc);
		return false;
	}
	return nr_desc;
}

/**
 * ktgt_unmap_each() - call @fn for each block range of a checked UNMAP
 * @cmd: UNMAP command that ktgt_scsi_check_data() accepted
 * @fn: deallocates @nr blocks from @lba; returns 0 or a negative errno
 *
 * Context: process, may sleep.
 * Return: 0, or the first error of @fn.
 */
int ktgt_unmap_each(struct ktgt_cmd *cmd, int (*fn)(struct ktgt_cmd *cmd, u64 lba, u32 nr))
{
	struct ktgt_lun *lun = cmd->lun;
	u32 i, nr_desc, nr;
	int ret;
	u16 asc;
	u64 lba;
	u8 *p;

	p = ktgt_cmd_data_copy(cmd);
	if (!p)
		return -ENOMEM;
	ret = ktgt_unmap_parse(p, cmd->io_len, lun->nr_blocks,
			       KTGT_MAX_UNMAP_BYTES >> lun->block_shift, &nr_desc, &asc);
	for (i = 0; !ret && i < nr_desc; i++) {
		ktgt_unmap_desc(p, i, &lba, &nr);
		if (nr)
			ret = fn(cmd, lba, nr);
	}
	kvfree(p);
	return ret;
}

/**
 * ktgt_write_same_zeroes() - whether a WRITE SAME writes zeros
 * @cmd: WRITE SAME command whose data is in
 *
 * Return: true for NDOB or an all-zero block.
 */
bool ktgt_write_same_zeroes(struct ktgt_cmd *cmd)
{
	u8 *p;
	bool zero;

	if (cmd->cdb.ndob)
		return true;
	p = kmap_local_page(cmd->bvec[0].bv_page);
	zero = !memchr_inv(p, 0, 1u << cmd->lun->block_shift);
	kunmap_local(p);
	return zero;
}

/* compare @len bytes from the buffer's start with those from page @second */
static bool compare_pages(struct ktgt_cmd *cmd, u32 len, u32 second, u32 *offset)
{
	u32 i, j, n;
	bool same = true;
	u8 *a, *b;

	for (i = 0; same && i * PAGE_SIZE < len; i++) {
		n = min_t(u32, PAGE_SIZE, len - i * PAGE_SIZE);
		a = kmap_local_page(cmd->bvec[i].bv_page);
		b = kmap_local_page(cmd->bvec[second + i].bv_page);
		if (memcmp(a, b, n)) {
			for (j = 0; a[j] == b[j]; j++)
				;
			*offset = i * PAGE_SIZE + j;
			same = false;
		}
		kunmap_local(b);
		kunmap_local(a);
	}
	return same;
}

/**
 * ktgt_verify_compare() - compare VERIFY's Data-Out with the medium read
 * @cmd: VERIFY with BYTCHK 1; its buffer holds the Data-Out, then from the
 *	next page boundary what the backend read
 * @offset: set to the first byte that differs
 *
 * Return: true when the two are the same.
 */
bool ktgt_verify_compare(struct ktgt_cmd *cmd, u32 *offset)
{
	return compare_pages(cmd, cmd->io_len, DIV_ROUND_UP(cmd->io_len, PAGE_SIZE), offset);
}

/*
 * COMPARE AND WRITE (SBC-3 5.3), with the blocks held exclusively
 * (scsi_range.c): read them, compare them with the verify instance, and
 * write the write instance only when all are equal. The buffer holds the
 * verify instance, the write instance, then from the next page boundary
 * what was read.
 */
static void caw_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_lun *lun = cmd->lun;
	u32 len = cmd->io_len / 2, read_off = round_up(cmd->io_len, PAGE_SIZE);
	bool fua = cmd->cdb.fua || !READ_ONCE(lun->write_cache);
	int ret;

	ret = lun->ops->rw(cmd, false, read_off, len, cmd->cdb.lba, false);
	if (ret)
		goto out;
	if (!compare_pages(cmd, len, read_off / PAGE_SIZE, &cmd->miscompare_off)) {
		cmd->miscompare = true;
		goto out;
	}
	ret = lun->ops->rw(cmd, true, len, len, cmd->cdb.lba, fua);
out:
	ktgt_cmd_io_done_errno(cmd, ret);
}

/**
 * ktgt_caw_submit() - start a COMPARE AND WRITE
 * @cmd: the command, holding its blocks exclusively
 */
void ktgt_caw_submit(struct ktgt_cmd *cmd)
{
	INIT_WORK(&cmd->work, caw_work);
	queue_work(ktgt_io_wq, &cmd->work);
}

/**
 * ktgt_write_same_page() - a page full of a WRITE SAME's pattern block
 * @cmd: WRITE SAME command whose data is in; the block size is at most a page
 *
 * Return: the page (free it with __free_page()), or NULL.
 */
struct page *ktgt_write_same_page(struct ktgt_cmd *cmd)
{
	u32 bs = 1u << cmd->lun->block_shift, off;
	struct page *page;
	u8 *src, *dst;

	if (bs > PAGE_SIZE)
		return NULL;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page || cmd->cdb.ndob)
		return page;
	src = kmap_local_page(cmd->bvec[0].bv_page);
	dst = kmap_local_page(page);
	for (off = 0; off < PAGE_SIZE; off += bs)
		memcpy(dst + off, src, bs);
	kunmap_local(dst);
	kunmap_local(src);
	return page;
}
