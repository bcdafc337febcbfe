// SPDX-License-Identifier: GPL-2.0
/*
 * CDB decoding for SPC-4 and SBC-3 commands.
 *
 * Every check that depends only on the CDB and the LUN geometry is made
 * here, so that the executors see a request that is known to be valid.
 * The table of supported commands drives both decoding and REPORT
 * SUPPORTED OPERATION CODES, so the two cannot disagree.
 */
#include "scsi_cdb.h"

#define CTL	0x00	/* control byte: NACA and linking are not supported */
#define GRP	0x3f	/* group number: accepted and ignored */
#define RW_FLAGS	0x1a	/* DPO, FUA, FUA_NV; no RDPROTECT/WRPROTECT */

const struct ktgt_opcode_info ktgt_opcodes[] = {
	{ 0x00, 0, false, KTGT_OP_TEST_UNIT_READY, 6, { 0x00, 0, 0, 0, 0, CTL } },
	{ 0x03, 0, false, KTGT_OP_REQUEST_SENSE, 6, { 0x03, 0x01, 0, 0, 0xff, CTL } },
	{ 0x08, 0, false, KTGT_OP_READ, 6, { 0x08, 0x1f, 0xff, 0xff, 0xff, CTL } },
	{ 0x0a, 0, false, KTGT_OP_WRITE, 6, { 0x0a, 0x1f, 0xff, 0xff, 0xff, CTL } },
	{ 0x12, 0, false, KTGT_OP_INQUIRY, 6, { 0x12, 0x01, 0xff, 0xff, 0xff, CTL } },
	{ 0x15, 0, false, KTGT_OP_MODE_SELECT, 6, { 0x15, 0x11, 0, 0, 0xff, CTL } },
	{ 0x16, 0, false, KTGT_OP_RESERVE, 6, { 0x16, 0, 0, 0, 0, CTL } },
	{ 0x17, 0, false, KTGT_OP_RELEASE, 6, { 0x17, 0, 0, 0, 0, CTL } },
	{ 0x1a, 0, false, KTGT_OP_MODE_SENSE, 6, { 0x1a, 0x08, 0xff, 0xff, 0xff, CTL } },
	{ 0x1b, 0, false, KTGT_OP_START_STOP, 6, { 0x1b, 0x01, 0, 0x0f, 0xf7, CTL } },
	{ 0x1e, 0, false, KTGT_OP_PREVENT_ALLOW, 6, { 0x1e, 0, 0, 0, 0x03, CTL } },
	{ 0x25, 0, false, KTGT_OP_READ_CAPACITY10, 10, {
		0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0,
		0x01, CTL,
	} },
	{ 0x28, 0, false, KTGT_OP_READ, 10, {
		0x28, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x2a, 0, false, KTGT_OP_WRITE, 10, {
		0x2a, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x2e, 0, false, KTGT_OP_WRITE, 10, {
		0x2e, 0x12, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x2f, 0, false, KTGT_OP_VERIFY, 10, {
		0x2f, 0x16, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x34, 0, false, KTGT_OP_PREFETCH, 10, {
		0x34, 0x02, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x35, 0, false, KTGT_OP_SYNC_CACHE, 10, {
		0x35, 0x06, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x41, 0, false, KTGT_OP_WRITE_SAME, 10, {
		0x41, 0x08, 0xff, 0xff, 0xff, 0xff, GRP, 0xff,
		0xff, CTL,
	} },
	{ 0x42, 0, false, KTGT_OP_UNMAP, 10, { 0x42, 0, 0, 0, 0, 0, GRP, 0xff, 0xff, CTL } },
	{ 0x55, 0, false, KTGT_OP_MODE_SELECT, 10, { 0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, CTL } },
	{ 0x56, 0, false, KTGT_OP_RESERVE, 10, { 0x56, 0, 0, 0, 0, 0, 0, 0, 0, CTL } },
	{ 0x57, 0, false, KTGT_OP_RELEASE, 10, { 0x57, 0, 0, 0, 0, 0, 0, 0, 0, CTL } },
	{ 0x5a, 0, false, KTGT_OP_MODE_SENSE, 10, {
		0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff,
		0xff, CTL,
	} },
	{ 0x5e, 0x00, true, KTGT_OP_PR_IN, 10, { 0x5e, 0x00, 0, 0, 0, 0, 0, 0xff, 0xff, CTL } },
	{ 0x5e, 0x01, true, KTGT_OP_PR_IN, 10, { 0x5e, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, CTL } },
	{ 0x5e, 0x02, true, KTGT_OP_PR_IN, 10, { 0x5e, 0x02, 0, 0, 0, 0, 0, 0xff, 0xff, CTL } },
	{ 0x5e, 0x03, true, KTGT_OP_PR_IN, 10, { 0x5e, 0x03, 0, 0, 0, 0, 0, 0xff, 0xff, CTL } },
	{ 0x5f, 0x00, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x00, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x01, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x01, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x02, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x02, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x03, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x03, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x04, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x04, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x05, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x05, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x06, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x06, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x5f, 0x07, true, KTGT_OP_PR_OUT, 10, {
		0x5f, 0x07, 0xff, 0, 0, 0xff, 0xff, 0xff,
		0xff, CTL,
	} },
	{ 0x88, 0, false, KTGT_OP_READ, 16, {
		0x88, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x89, 0, false, KTGT_OP_COMPARE_AND_WRITE, 16, {
		0x89, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0, 0, 0, 0xff, GRP, CTL,
	} },
	{ 0x8a, 0, false, KTGT_OP_WRITE, 16, {
		0x8a, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x8e, 0, false, KTGT_OP_WRITE, 16, {
		0x8e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x8f, 0, false, KTGT_OP_VERIFY, 16, {
		0x8f, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x90, 0, false, KTGT_OP_PREFETCH, 16, {
		0x90, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x91, 0, false, KTGT_OP_SYNC_CACHE, 16, {
		0x91, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x93, 0, false, KTGT_OP_WRITE_SAME, 16, {
		0x93, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, GRP, CTL,
	} },
	{ 0x9e, 0x10, true, KTGT_OP_READ_CAPACITY16, 16, {
		0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, CTL,
	} },
	{ 0x9e, 0x12, true, KTGT_OP_GET_LBA_STATUS, 16, {
		0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, CTL,
	} },
	{ 0xa0, 0, false, KTGT_OP_REPORT_LUNS, 12, {
		0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff,
		0xff, 0xff, 0, CTL,
	} },
	{ 0xa3, 0x0c, true, KTGT_OP_REPORT_OPCODES, 12, {
		0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0, CTL,
	} },
	{ 0xa3, 0x0d, true, KTGT_OP_REPORT_TMFS, 12, {
		0xa3, 0x0d, 0x80, 0, 0, 0, 0xff, 0xff,
		0xff, 0xff, 0, CTL,
	} },
	{ 0xa8, 0, false, KTGT_OP_READ, 12, {
		0xa8, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, GRP, CTL,
	} },
	{ 0xaa, 0, false, KTGT_OP_WRITE, 12, {
		0xaa, RW_FLAGS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, GRP, CTL,
	} },
	{ 0xae, 0, false, KTGT_OP_WRITE, 12, {
		0xae, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, GRP, CTL,
	} },
	{ 0xaf, 0, false, KTGT_OP_VERIFY, 12, {
		0xaf, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, GRP, CTL,
	} },
};

const u32 ktgt_nr_opcodes = ARRAY_SIZE(ktgt_opcodes);

/**
 * ktgt_opcode_find() - look a command up in the table of supported commands
 * @opcode: operation code
 * @sa: service action, for opcodes that have them
 * @has_sa: set when @opcode is split by service action
 *
 * Return: the entry, or NULL when the command is not supported.
 */
const struct ktgt_opcode_info *ktgt_opcode_find(u8 opcode, u16 sa, bool *has_sa)
{
	u32 i;

	*has_sa = false;
	for (i = 0; i < ktgt_nr_opcodes; i++) {
		const struct ktgt_opcode_info *info = &ktgt_opcodes[i];

		if (info->opcode != opcode)
			continue;
		if (!info->has_sa)
			return info;
		*has_sa = true;
		if (info->sa == sa)
			return info;
	}
	return NULL;
}

static int invalid_field(struct ktgt_cdb *c)
{
	c->asc = ASC_INVALID_FIELD_IN_CDB;
	return -EINVAL;
}

/* what a command that addresses a checked range of blocks moves */
static int parse_lba_op(const u8 *cdb, u32 block_shift, struct ktgt_cdb *c)
{
	switch (c->op) {
	case KTGT_OP_READ:
		c->dir = KTGT_DIR_READ;
		c->xfer_len = (u64)c->nr_blocks << block_shift;
		break;
	case KTGT_OP_WRITE:
		c->dir = KTGT_DIR_WRITE;
		c->xfer_len = (u64)c->nr_blocks << block_shift;
		/* WRITE AND VERIFY: the data must be on the medium before GOOD */
		if ((cdb[0] & 0x1f) == 0x0e)
			c->fua = true;
		break;
	case KTGT_OP_VERIFY:
		c->fua = false;
		c->bytchk = (cdb[1] >> 1) & 0x03;
		/* 11b (one block against each) is optional and not supported */
		if (c->bytchk > 1)
			return invalid_field(c);
		if (c->bytchk) {
			c->dir = KTGT_DIR_WRITE;
			c->xfer_len = (u64)c->nr_blocks << block_shift;
		}
		break;
	case KTGT_OP_COMPARE_AND_WRITE:
		/* the Data-Out is the verify instance, then the write instance */
		if (c->nr_blocks > KTGT_MAX_CAW_BLOCKS)
			return invalid_field(c);
		c->dir = KTGT_DIR_WRITE;
		c->xfer_len = (u64)c->nr_blocks << (block_shift + 1);
		break;
	case KTGT_OP_WRITE_SAME:
		c->fua = false;
		c->unmap = cdb[1] & 0x08;
		c->ndob = cdb[0] == 0x93 && (cdb[1] & 0x01);
		/* WSNZ: zero blocks does not mean "to the end of the medium" */
		if (!c->nr_blocks || c->nr_blocks > KTGT_MAX_WRITE_SAME_BYTES >> block_shift)
			return invalid_field(c);
		if (!c->ndob) {
			c->dir = KTGT_DIR_WRITE;
			c->xfer_len = 1ull << block_shift;
		}
		break;
	default:	/* PRE-FETCH, SYNCHRONIZE CACHE: no FUA bit */
		c->fua = false;
		break;
	}
	return 0;
}

/* the commands that address a range of blocks */
static int parse_lba(const u8 *cdb, u32 len, u32 block_shift, u64 nr_lbas, struct ktgt_cdb *c)
{
	switch (len) {
	case 6:
		c->lba = ktgt_get_be24(cdb + 1) & 0x1fffff;
		c->nr_blocks = cdb[4] ? cdb[4] : 256;
		break;
	case 10:
		c->lba = get_unaligned_be32(cdb + 2);
		c->nr_blocks = get_unaligned_be16(cdb + 7);
		c->fua = cdb[1] & 0x08;
		break;
	case 12:
		c->lba = get_unaligned_be32(cdb + 2);
		c->nr_blocks = get_unaligned_be32(cdb + 6);
		c->fua = cdb[1] & 0x08;
		break;
	default:
		c->lba = get_unaligned_be64(cdb + 2);
		c->nr_blocks = get_unaligned_be32(cdb + 10);
		c->fua = cdb[1] & 0x08;
		break;
	}

	if (c->lba > nr_lbas || c->nr_blocks > nr_lbas - c->lba) {
		c->asc = ASC_LBA_OUT_OF_RANGE;
		return -ERANGE;
	}
	return parse_lba_op(cdb, block_shift, c);
}

/**
 * ktgt_cdb_parse() - decode a CDB and check it against the LUN geometry
 * @cdb: 16 bytes of CDB
 * @block_shift: log2 of the logical block size
 * @nr_lbas: capacity in logical blocks
 * @c: the decoded request
 *
 * Return: 0, or a negative errno with @c->asc set to the ILLEGAL REQUEST
 * additional sense code to report (@c->op is still set when the opcode is
 * known).
 */
int ktgt_cdb_parse(const u8 *cdb, u32 block_shift, u64 nr_lbas, struct ktgt_cdb *c)
{
	const struct ktgt_opcode_info *info;
	bool has_sa;
	u32 i;

	memset(c, 0, sizeof(*c));
	c->opcode = cdb[0];

	info = ktgt_opcode_find(cdb[0], cdb[1] & 0x1f, &has_sa);
	if (!info) {
		if (has_sa)
			return invalid_field(c);
		c->asc = ASC_INVALID_OPCODE;
		return -EOPNOTSUPP;
	}
	c->op = info->op;

	/* a bit the device server does not look at must be zero */
	for (i = 1; i < info->cdb_len; i++) {
		u8 mask = info->usage[i];

		if (i == 1 && info->has_sa)
			mask |= 0x1f;
		if (cdb[i] & ~mask)
			return invalid_field(c);
	}

	switch (c->op) {
	case KTGT_OP_TEST_UNIT_READY:
	case KTGT_OP_RESERVE:
	case KTGT_OP_RELEASE:
		return 0;
	case KTGT_OP_START_STOP:
		c->start = (cdb[4] & 0x01) && !(cdb[4] >> 4);
		return 0;
	case KTGT_OP_PREVENT_ALLOW:
		c->prevent = cdb[4] & 0x03;
		return 0;
	case KTGT_OP_PR_IN:
		c->dir = KTGT_DIR_READ;
		c->sa = cdb[1] & 0x1f;
		c->alloc_len = get_unaligned_be16(cdb + 7);
		return 0;
	case KTGT_OP_PR_OUT:
		c->sa = cdb[1] & 0x1f;
		c->pr_scope = cdb[2] >> 4;
		c->pr_type = cdb[2] & 0x0f;
		c->param_len = get_unaligned_be32(cdb + 5);
		if (c->param_len) {
			c->dir = KTGT_DIR_WRITE;
			c->xfer_len = c->param_len;
		}
		return 0;
	case KTGT_OP_REQUEST_SENSE:
		c->dir = KTGT_DIR_READ;
		c->desc = cdb[1] & 0x01;
		c->alloc_len = cdb[4];
		return 0;
	case KTGT_OP_INQUIRY:
		c->dir = KTGT_DIR_READ;
		c->evpd = cdb[1] & 0x01;
		c->page = cdb[2];
		c->alloc_len = get_unaligned_be16(cdb + 3);
		/* a page code needs EVPD */
		if (!c->evpd && c->page)
			return invalid_field(c);
		return 0;
	case KTGT_OP_MODE_SENSE:
		c->dir = KTGT_DIR_READ;
		c->mode10 = cdb[0] == 0x5a;
		c->dbd = cdb[1] & 0x08;
		c->llbaa = c->mode10 && (cdb[1] & 0x10);
		c->pc = cdb[2] >> 6;
		c->page = cdb[2] & 0x3f;
		c->subpage = cdb[3];
		c->alloc_len = c->mode10 ? get_unaligned_be16(cdb + 7) : cdb[4];
		/* saved values are not supported */
		if (c->pc == 3) {
			c->asc = ASC_SAVING_NOT_SUPPORTED;
			return -EOPNOTSUPP;
		}
		return 0;
	case KTGT_OP_MODE_SELECT:
		c->mode10 = cdb[0] == 0x55;
		c->pf = cdb[1] & 0x10;
		c->param_len = c->mode10 ? get_unaligned_be16(cdb + 7) : cdb[4];
		/* SP: pages cannot be saved; without PF the list is vendor specific */
		if ((cdb[1] & 0x01) || (!c->pf && c->param_len))
			return invalid_field(c);
		if (c->param_len) {
			c->dir = KTGT_DIR_WRITE;
			c->xfer_len = c->param_len;
		}
		return 0;
	case KTGT_OP_READ_CAPACITY10:
		c->dir = KTGT_DIR_READ;
		c->alloc_len = 8;
		/* without PMI the LBA field must be zero (SBC-3 5.15) */
		if (!(cdb[8] & 0x01) && get_unaligned_be32(cdb + 2))
			return invalid_field(c);
		return 0;
	case KTGT_OP_READ_CAPACITY16:
		c->dir = KTGT_DIR_READ;
		c->alloc_len = get_unaligned_be32(cdb + 10);
		return 0;
	case KTGT_OP_REPORT_LUNS:
		c->dir = KTGT_DIR_READ;
		c->select_report = cdb[2];
		c->alloc_len = get_unaligned_be32(cdb + 6);
		if (c->select_report > 2 || c->alloc_len < 16)
			return invalid_field(c);
		return 0;
	case KTGT_OP_REPORT_OPCODES:
		c->dir = KTGT_DIR_READ;
		c->rctd = cdb[2] & 0x80;
		c->rep_opts = cdb[2] & 0x07;
		c->req_opcode = cdb[3];
		c->req_sa = get_unaligned_be16(cdb + 4);
		c->alloc_len = get_unaligned_be32(cdb + 6);
		if (c->rep_opts > 2)
			return invalid_field(c);
		return 0;
	case KTGT_OP_REPORT_TMFS:
		c->dir = KTGT_DIR_READ;
		c->repd = cdb[2] & 0x80;
		c->alloc_len = get_unaligned_be32(cdb + 6);
		if (c->alloc_len < 4)
			return invalid_field(c);
		return 0;
	case KTGT_OP_COMPARE_AND_WRITE:
		/* one byte of NUMBER OF LOGICAL BLOCKS, after the LBA */
		c->lba = get_unaligned_be64(cdb + 2);
		c->nr_blocks = cdb[13];
		c->fua = cdb[1] & 0x08;
		if (c->lba > nr_lbas || c->nr_blocks > nr_lbas - c->lba) {
			c->asc = ASC_LBA_OUT_OF_RANGE;
			return -ERANGE;
		}
		return parse_lba_op(cdb, block_shift, c);
	case KTGT_OP_GET_LBA_STATUS:
		c->dir = KTGT_DIR_READ;
		c->lba = get_unaligned_be64(cdb + 2);
		c->alloc_len = get_unaligned_be32(cdb + 10);
		/* the starting LBA must be on the medium (SBC-3 5.6) */
		if (c->lba >= nr_lbas) {
			c->asc = ASC_LBA_OUT_OF_RANGE;
			return -ERANGE;
		}
		return 0;
	case KTGT_OP_UNMAP:
		c->param_len = get_unaligned_be16(cdb + 7);
		if (c->param_len && c->param_len < 8) {
			c->asc = ASC_PARAMETER_LIST_LENGTH;
			return -EINVAL;
		}
		if (c->param_len) {
			c->dir = KTGT_DIR_WRITE;
			c->xfer_len = c->param_len;
		}
		return 0;
	default:
		return parse_lba(cdb, info->cdb_len, block_shift, nr_lbas, c);
	}
}

/**
 * ktgt_unmap_parse() - check an UNMAP parameter list (SBC-3 5.28.2)
 * @p: the parameter data
 * @len: its length
 * @nr_lbas: capacity in logical blocks
 * @max_lbas: most blocks one UNMAP may deallocate, over all its descriptors
 * @nr_desc: set to the number of block descriptors to process
 * @asc: on error, the ILLEGAL REQUEST additional sense code
 *
 * Every descriptor is checked before any is executed, so a bad list
 * changes nothing.
 *
 * Return: 0 or a negative errno.
 */
int ktgt_unmap_parse(const u8 *p, u32 len, u64 nr_lbas, u32 max_lbas, u32 *nr_desc, u16 *asc)
{
	u64 lba, total = 0;
	u32 bd_len, i, nr;

	*nr_desc = 0;
	if (!len)
		return 0;
	if (len < 8) {
		*asc = ASC_PARAMETER_LIST_LENGTH;
		return -EINVAL;
	}
	bd_len = get_unaligned_be16(p + 2);
	/* the lengths must agree with each other and with what was sent */
	if (bd_len > len - 8 || (u32)get_unaligned_be16(p) + 2 < 8 + bd_len ||
	    bd_len / 16 > KTGT_MAX_UNMAP_DESC) {
		*asc = ASC_INVALID_FIELD_IN_PARAM_LIST;
		return -EINVAL;
	}
	/* an incomplete last descriptor is ignored */
	nr = bd_len / 16;
	for (i = 0; i < nr; i++) {
		u32 n;

		ktgt_unmap_desc(p, i, &lba, &n);
		if (lba > nr_lbas || n > nr_lbas - lba) {
			*asc = ASC_LBA_OUT_OF_RANGE;
			return -ERANGE;
		}
		total += n;
		if (total > max_lbas) {
			*asc = ASC_INVALID_FIELD_IN_PARAM_LIST;
			return -EINVAL;
		}
	}
	*nr_desc = nr;
	return 0;
}

/**
 * ktgt_unmap_desc() - one block descriptor of a checked UNMAP parameter list
 * @p: the parameter data
 * @i: descriptor index
 * @lba: first block
 * @nr_blocks: number of blocks
 */
void ktgt_unmap_desc(const u8 *p, u32 i, u64 *lba, u32 *nr_blocks)
{
	const u8 *d = p + 8 + 16 * i;

	*lba = get_unaligned_be64(d);
	*nr_blocks = get_unaligned_be32(d + 8);
}

/**
 * ktgt_sense_build() - build sense data in either format (SPC-4 4.5)
 * @buf: at least SCSI_SENSE_BUF_LEN bytes
 * @desc: descriptor format (D_SENSE), else fixed
 * @key: sense key
 * @asc: additional sense code << 8 | qualifier
 * @info_valid: the INFORMATION field holds @info
 * @info: an LBA, or a MISCOMPARE's byte offset
 *
 * In fixed format INFORMATION has 32 bits: a larger @info leaves VALID
 * clear, as SPC-4 asks; the descriptor format carries all 64 bits.
 *
 * Return: the sense length.
 */
u32 ktgt_sense_build(u8 *buf, bool desc, u8 key, u16 asc, bool info_valid, u64 info)
{
	if (!desc) {
		if (info_valid && info <= 0xffffffffull)
			return ktgt_sense_fixed_info(buf, key, asc, info);
		return ktgt_sense_fixed(buf, key, asc);
	}
	memset(buf, 0, 8);
	buf[0] = 0x72;
	buf[1] = key;
	buf[2] = asc >> 8;
	buf[3] = asc & 0xff;
	if (!info_valid)
		return 8;
	/* information descriptor */
	buf[7] = 12;
	memset(buf + 8, 0, 12);
	buf[8] = 0x00;
	buf[9] = 0x0a;
	buf[10] = 0x80;		/* VALID */
	put_unaligned_be64(info, buf + 12);
	return 20;
}

/**
 * ktgt_sense_fixed() - build fixed-format sense data
 * @buf: at least SCSI_SENSE_LEN bytes
 * @key: sense key
 * @asc: additional sense code << 8 | qualifier
 *
 * Return: the sense length.
 */
u32 ktgt_sense_fixed(u8 *buf, u8 key, u16 asc)
{
	memset(buf, 0, SCSI_SENSE_LEN);
	buf[0] = 0x70;
	buf[2] = key;
	buf[7] = SCSI_SENSE_LEN - 8;
	buf[12] = asc >> 8;
	buf[13] = asc & 0xff;
	return SCSI_SENSE_LEN;
}

/**
 * ktgt_sense_fixed_info() - fixed-format sense data with the INFORMATION field
 * @buf: at least SCSI_SENSE_LEN bytes
 * @key: sense key
 * @asc: additional sense code << 8 | qualifier
 * @info: the INFORMATION field (an LBA, or a MISCOMPARE's byte offset)
 *
 * Return: the sense length.
 */
u32 ktgt_sense_fixed_info(u8 *buf, u8 key, u16 asc, u32 info)
{
	u32 len = ktgt_sense_fixed(buf, key, asc);

	buf[0] |= 0x80;		/* VALID */
	put_unaligned_be32(info, buf + 3);
	return len;
}
