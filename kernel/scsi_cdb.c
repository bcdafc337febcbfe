// SPDX-License-Identifier: GPL-2.0
/*
 * CDB decoding for SPC-4 and SBC-3 commands.
 *
 * Every check that depends only on the CDB and the LUN geometry is made
 * here, so that the executors see a request that is known to be valid.
 */
#include "scsi_cdb.h"

static int invalid_field(struct ktgt_cdb *c)
{
	c->asc = ASC_INVALID_FIELD_IN_CDB;
	return -EINVAL;
}

/* READ/WRITE 6/10/12/16 and SYNCHRONIZE CACHE 10/16 */
static int parse_rw(const u8 *cdb, u32 block_shift, u64 nr_lbas, struct ktgt_cdb *c)
{
	switch (cdb[0]) {
	case 0x08: /* READ(6) */
	case 0x0a: /* WRITE(6) */
		c->lba = ktgt_get_be24(cdb + 1) & 0x1fffff;
		c->nr_blocks = cdb[4] ? cdb[4] : 256;
		break;
	case 0x28: /* READ(10) */
	case 0x2a: /* WRITE(10) */
		c->lba = get_unaligned_be32(cdb + 2);
		c->nr_blocks = get_unaligned_be16(cdb + 7);
		break;
	case 0xa8: /* READ(12) */
	case 0xaa: /* WRITE(12) */
		c->lba = get_unaligned_be32(cdb + 2);
		c->nr_blocks = get_unaligned_be32(cdb + 6);
		break;
	case 0x88: /* READ(16) */
	case 0x8a: /* WRITE(16) */
		c->lba = get_unaligned_be64(cdb + 2);
		c->nr_blocks = get_unaligned_be32(cdb + 10);
		break;
	case 0x35: /* SYNCHRONIZE CACHE(10) */
		c->lba = get_unaligned_be32(cdb + 2);
		c->nr_blocks = get_unaligned_be16(cdb + 7);
		break;
	case 0x91: /* SYNCHRONIZE CACHE(16) */
		c->lba = get_unaligned_be64(cdb + 2);
		c->nr_blocks = get_unaligned_be32(cdb + 10);
		break;
	}

	if (cdb[0] != 0x08 && cdb[0] != 0x0a && cdb[0] != 0x35 && cdb[0] != 0x91) {
		/* RDPROTECT/WRPROTECT need protection information: we have none */
		if (cdb[1] & 0xe0)
			return invalid_field(c);
		c->fua = cdb[1] & 0x08;
	}

	if (c->lba > nr_lbas || c->nr_blocks > nr_lbas - c->lba) {
		c->asc = ASC_LBA_OUT_OF_RANGE;
		return -ERANGE;
	}
	if (c->op != KTGT_OP_SYNC_CACHE)
		c->xfer_len = (u64)c->nr_blocks << block_shift;
	return 0;
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
	memset(c, 0, sizeof(*c));
	c->opcode = cdb[0];

	switch (cdb[0]) {
	case 0x00:
		c->op = KTGT_OP_TEST_UNIT_READY;
		return 0;
	case 0x03:
		c->op = KTGT_OP_REQUEST_SENSE;
		c->dir = KTGT_DIR_READ;
		c->desc = cdb[1] & 0x01;
		c->alloc_len = cdb[4];
		return 0;
	case 0x12:
		c->op = KTGT_OP_INQUIRY;
		c->dir = KTGT_DIR_READ;
		c->evpd = cdb[1] & 0x01;
		c->page = cdb[2];
		c->alloc_len = get_unaligned_be16(cdb + 3);
		/* CMDDT is obsolete; a page code needs EVPD */
		if ((cdb[1] & 0x02) || (!c->evpd && c->page))
			return invalid_field(c);
		return 0;
	case 0x1a:
	case 0x5a:
		c->op = KTGT_OP_MODE_SENSE;
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
	case 0x1b:
		c->op = KTGT_OP_START_STOP;
		return 0;
	case 0x1e:
		c->op = KTGT_OP_PREVENT_ALLOW;
		return 0;
	case 0x25:
		c->op = KTGT_OP_READ_CAPACITY10;
		c->dir = KTGT_DIR_READ;
		c->alloc_len = 8;
		/* without PMI the LBA field must be zero (SBC-3 5.15) */
		if (!(cdb[8] & 0x01) && get_unaligned_be32(cdb + 2))
			return invalid_field(c);
		return 0;
	case 0x9e:
		if ((cdb[1] & 0x1f) != 0x10)
			return invalid_field(c);
		c->op = KTGT_OP_READ_CAPACITY16;
		c->dir = KTGT_DIR_READ;
		c->alloc_len = get_unaligned_be32(cdb + 10);
		return 0;
	case 0xa0:
		c->op = KTGT_OP_REPORT_LUNS;
		c->dir = KTGT_DIR_READ;
		c->select_report = cdb[2];
		c->alloc_len = get_unaligned_be32(cdb + 6);
		if (c->select_report > 2 || c->alloc_len < 16)
			return invalid_field(c);
		return 0;
	case 0x08:
	case 0x28:
	case 0xa8:
	case 0x88:
		c->op = KTGT_OP_READ;
		c->dir = KTGT_DIR_READ;
		return parse_rw(cdb, block_shift, nr_lbas, c);
	case 0x0a:
	case 0x2a:
	case 0xaa:
	case 0x8a:
		c->op = KTGT_OP_WRITE;
		c->dir = KTGT_DIR_WRITE;
		return parse_rw(cdb, block_shift, nr_lbas, c);
	case 0x35:
	case 0x91:
		c->op = KTGT_OP_SYNC_CACHE;
		return parse_rw(cdb, block_shift, nr_lbas, c);
	}

	c->asc = ASC_INVALID_OPCODE;
	return -EOPNOTSUPP;
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
