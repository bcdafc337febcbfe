// SPDX-License-Identifier: GPL-2.0
/*
 * CDB decoding (kernel/scsi_cdb.c), built in userspace: a table of CDBs with
 * the operation, LBA range or sense each must produce, on a LUN of 1000
 * blocks of 512 bytes.
 */
#include "kselftest_harness.h"
#include "scsi_cdb.c"

#define NR_LBAS 1000

FIXTURE(cdb) {
	struct ktgt_cdb c;
	int ret;
};

FIXTURE_VARIANT(cdb) {
	u8 cdb[16];
	int ret;		/* 0 or the negative errno */
	u8 op;
	u16 asc;		/* when ret != 0 */
	u64 lba;
	u32 nr_blocks;
	u64 xfer_len;
	bool fua;
};

FIXTURE_VARIANT_ADD(cdb, tur) {
	.cdb = { 0x00 }, .op = KTGT_OP_TEST_UNIT_READY,
};
FIXTURE_VARIANT_ADD(cdb, read10) {
	.cdb = { 0x28, 0, 0, 0, 0, 10, 0, 0, 8, 0 }, .op = KTGT_OP_READ,
	.lba = 10, .nr_blocks = 8, .xfer_len = 4096,
};
FIXTURE_VARIANT_ADD(cdb, read10_to_last_block) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe7, 0, 0, 1, 0 }, .op = KTGT_OP_READ,
	.lba = 999, .nr_blocks = 1, .xfer_len = 512,
};
FIXTURE_VARIANT_ADD(cdb, read10_past_end) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe7, 0, 0, 2, 0 }, .op = KTGT_OP_READ,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, read10_zero_blocks_at_end) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0 }, .op = KTGT_OP_READ,
	.lba = 1000, .nr_blocks = 0,
};
FIXTURE_VARIANT_ADD(cdb, read10_zero_blocks_past_end) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe9, 0, 0, 0, 0 }, .op = KTGT_OP_READ,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, read10_rdprotect) {
	.cdb = { 0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_READ,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, read16_lba_wraps) {
	/* LBA 2^64-1 plus 2 blocks must not wrap around into range */
	.cdb = { 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 0 },
	.op = KTGT_OP_READ, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, read16_huge_length) {
	.cdb = { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	.op = KTGT_OP_READ, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, read6_zero_means_256) {
	.cdb = { 0x08, 0, 0, 0, 0, 0 }, .op = KTGT_OP_READ,
	.lba = 0, .nr_blocks = 256, .xfer_len = 256 * 512,
};
FIXTURE_VARIANT_ADD(cdb, write10_fua) {
	.cdb = { 0x2a, 0x08, 0, 0, 0, 1, 0, 0, 1, 0 }, .op = KTGT_OP_WRITE,
	.lba = 1, .nr_blocks = 1, .xfer_len = 512, .fua = true,
};
FIXTURE_VARIANT_ADD(cdb, write12) {
	.cdb = { 0xaa, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0 }, .op = KTGT_OP_WRITE,
	.lba = 2, .nr_blocks = 3, .xfer_len = 1536,
};
FIXTURE_VARIANT_ADD(cdb, write16_wrprotect) {
	.cdb = { 0x8a, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 },
	.op = KTGT_OP_WRITE, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, sync_cache10_range) {
	.cdb = { 0x35, 0, 0, 0, 0x03, 0xe0, 0, 0, 0x10, 0 }, .op = KTGT_OP_SYNC_CACHE,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, inquiry_page_without_evpd) {
	.cdb = { 0x12, 0, 0x80, 0, 0xff, 0 }, .op = KTGT_OP_INQUIRY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, inquiry_cmddt) {
	.cdb = { 0x12, 0x02, 0, 0, 0xff, 0 }, .op = KTGT_OP_INQUIRY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, read_capacity10_lba_without_pmi) {
	.cdb = { 0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, .op = KTGT_OP_READ_CAPACITY10,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, service_action_in_unknown) {
	.cdb = { 0x9e, 0x11 }, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, report_luns_short_alloc) {
	.cdb = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 0, 0 }, .op = KTGT_OP_REPORT_LUNS,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, report_luns_bad_select) {
	.cdb = { 0xa0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0 }, .op = KTGT_OP_REPORT_LUNS,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, mode_sense_saved_values) {
	.cdb = { 0x1a, 0, 0xc8, 0, 0xff, 0 }, .op = KTGT_OP_MODE_SENSE,
	.ret = -EOPNOTSUPP, .asc = ASC_SAVING_NOT_SUPPORTED,
};
FIXTURE_VARIANT_ADD(cdb, unknown_opcode) {
	.cdb = { 0xc0 }, .ret = -EOPNOTSUPP, .asc = ASC_INVALID_OPCODE,
};

FIXTURE_SETUP(cdb)
{
	self->ret = ktgt_cdb_parse(variant->cdb, 9, NR_LBAS, &self->c);
}

FIXTURE_TEARDOWN(cdb)
{
}

TEST_F(cdb, decode)
{
	EXPECT_EQ(variant->ret, self->ret);
	EXPECT_EQ(variant->op, self->c.op);
	if (variant->ret) {
		EXPECT_EQ(variant->asc, self->c.asc);
		return;
	}
	EXPECT_EQ(variant->lba, self->c.lba);
	EXPECT_EQ(variant->nr_blocks, self->c.nr_blocks);
	EXPECT_EQ(variant->xfer_len, self->c.xfer_len);
	EXPECT_EQ(variant->fua, self->c.fua);
}

TEST(fixed_sense)
{
	u8 s[SCSI_SENSE_LEN];

	EXPECT_EQ(18, ktgt_sense_fixed(s, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE));
	EXPECT_EQ(0x70, s[0]);
	EXPECT_EQ(SK_ILLEGAL_REQUEST, s[2]);
	EXPECT_EQ(10, s[7]);
	EXPECT_EQ(0x21, s[12]);
	EXPECT_EQ(0x00, s[13]);
}

TEST_HARNESS_MAIN
