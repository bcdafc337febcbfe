// SPDX-License-Identifier: GPL-2.0
/*
 * CDB decoding (kernel/scsi_cdb.c), built in userspace: a table of CDBs with
 * the operation, LBA range or sense each must produce, on a LUN of 1000
 * blocks of 512 bytes (unless a row says otherwise); the table of supported
 * commands against the parser; UNMAP parameter lists.
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
	u8 dir;
	u32 alloc_len;
	u32 param_len;
	u8 bytchk;
	bool unmap;
	bool ndob;
	bool rctd;
	u64 nr_lbas;		/* capacity, when not NR_LBAS */
};

FIXTURE_VARIANT_ADD(cdb, tur) {
	.cdb = { 0x00 }, .op = KTGT_OP_TEST_UNIT_READY,
};
FIXTURE_VARIANT_ADD(cdb, read10) {
	.cdb = { 0x28, 0, 0, 0, 0, 10, 0, 0, 8, 0 }, .op = KTGT_OP_READ,
	.lba = 10, .nr_blocks = 8, .xfer_len = 4096, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, read10_to_last_block) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe7, 0, 0, 1, 0 }, .op = KTGT_OP_READ,
	.lba = 999, .nr_blocks = 1, .xfer_len = 512, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, read10_past_end) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe7, 0, 0, 2, 0 }, .op = KTGT_OP_READ,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, read10_zero_blocks_at_end) {
	.cdb = { 0x28, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0 }, .op = KTGT_OP_READ,
	.lba = 1000, .nr_blocks = 0, .dir = KTGT_DIR_READ,
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
	.lba = 0, .nr_blocks = 256, .xfer_len = 256 * 512, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, write10_fua) {
	.cdb = { 0x2a, 0x08, 0, 0, 0, 1, 0, 0, 1, 0 }, .op = KTGT_OP_WRITE,
	.lba = 1, .nr_blocks = 1, .xfer_len = 512, .fua = true, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, write12) {
	.cdb = { 0xaa, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0 }, .op = KTGT_OP_WRITE,
	.lba = 2, .nr_blocks = 3, .xfer_len = 1536, .dir = KTGT_DIR_WRITE,
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
FIXTURE_VARIANT_ADD(cdb, read10_naca) {
	/* NACA in the control byte is not supported */
	.cdb = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0x04 }, .op = KTGT_OP_READ,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, read10_reladr) {
	.cdb = { 0x28, 0x01, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_READ,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

/* VERIFY 10/12/16 */
FIXTURE_VARIANT_ADD(cdb, verify10_no_bytchk) {
	.cdb = { 0x2f, 0, 0, 0, 0, 10, 0, 0, 8, 0 }, .op = KTGT_OP_VERIFY,
	.lba = 10, .nr_blocks = 8,
};
FIXTURE_VARIANT_ADD(cdb, verify10_bytchk) {
	.cdb = { 0x2f, 0x12, 0, 0, 0, 10, 0, 0, 8, 0 }, .op = KTGT_OP_VERIFY,
	.lba = 10, .nr_blocks = 8, .xfer_len = 4096, .dir = KTGT_DIR_WRITE, .bytchk = 1,
};
FIXTURE_VARIANT_ADD(cdb, verify10_bytchk_10b) {
	.cdb = { 0x2f, 0x04, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_VERIFY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, verify10_bytchk_11b) {
	.cdb = { 0x2f, 0x06, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_VERIFY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, verify10_vrprotect) {
	.cdb = { 0x2f, 0x20, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_VERIFY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, verify10_fua_reserved) {
	.cdb = { 0x2f, 0x08, 0, 0, 0, 0, 0, 0, 1, 0 }, .op = KTGT_OP_VERIFY,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, verify12_past_end) {
	.cdb = { 0xaf, 0x02, 0, 0, 0x03, 0xe7, 0, 0, 0, 2, 0, 0 }, .op = KTGT_OP_VERIFY,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, verify12_to_last_block) {
	.cdb = { 0xaf, 0x02, 0, 0, 0x03, 0xe7, 0, 0, 0, 1, 0, 0 }, .op = KTGT_OP_VERIFY,
	.lba = 999, .nr_blocks = 1, .xfer_len = 512, .dir = KTGT_DIR_WRITE, .bytchk = 1,
};
FIXTURE_VARIANT_ADD(cdb, verify16_lba_wraps) {
	.cdb = { 0x8f, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 0 },
	.op = KTGT_OP_VERIFY, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, verify16_huge_length) {
	.cdb = { 0x8f, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	.op = KTGT_OP_VERIFY, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};

/* WRITE AND VERIFY 10/12/16: a write that is durable before GOOD */
FIXTURE_VARIANT_ADD(cdb, write_verify10) {
	.cdb = { 0x2e, 0x12, 0, 0, 0, 1, 0, 0, 2, 0 }, .op = KTGT_OP_WRITE,
	.lba = 1, .nr_blocks = 2, .xfer_len = 1024, .fua = true, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, write_verify10_wrprotect) {
	.cdb = { 0x2e, 0x20, 0, 0, 0, 1, 0, 0, 2, 0 }, .op = KTGT_OP_WRITE,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_verify12_fua_reserved) {
	.cdb = { 0xae, 0x08, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, .op = KTGT_OP_WRITE,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_verify12_bytchk_10b) {
	.cdb = { 0xae, 0x04, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, .op = KTGT_OP_WRITE,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_verify16_past_end) {
	.cdb = { 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 1, 0, 0 },
	.op = KTGT_OP_WRITE, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, write_verify16_huge_length) {
	.cdb = { 0x8e, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	.op = KTGT_OP_WRITE, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};

/* PRE-FETCH 10/16 */
FIXTURE_VARIANT_ADD(cdb, prefetch10_immed_group) {
	.cdb = { 0x34, 0x02, 0, 0, 0, 5, 3, 0, 4, 0 }, .op = KTGT_OP_PREFETCH,
	.lba = 5, .nr_blocks = 4,
};
FIXTURE_VARIANT_ADD(cdb, prefetch10_reserved) {
	.cdb = { 0x34, 0x04, 0, 0, 0, 5, 0, 0, 4, 0 }, .op = KTGT_OP_PREFETCH,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, prefetch16_past_end) {
	.cdb = { 0x90, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe9, 0, 0, 0, 0, 0, 0 },
	.op = KTGT_OP_PREFETCH, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, prefetch16_huge_length) {
	.cdb = { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	.op = KTGT_OP_PREFETCH, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};

/* UNMAP: the parameter list comes as Data-Out */
FIXTURE_VARIANT_ADD(cdb, unmap) {
	.cdb = { 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0 }, .op = KTGT_OP_UNMAP,
	.param_len = 24, .xfer_len = 24, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, unmap_no_list) {
	.cdb = { 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, .op = KTGT_OP_UNMAP,
};
FIXTURE_VARIANT_ADD(cdb, unmap_short_list) {
	.cdb = { 0x42, 0, 0, 0, 0, 0, 0, 0, 7, 0 }, .op = KTGT_OP_UNMAP,
	.ret = -EINVAL, .asc = ASC_PARAMETER_LIST_LENGTH,
};
FIXTURE_VARIANT_ADD(cdb, unmap_anchor) {
	.cdb = { 0x42, 0x01, 0, 0, 0, 0, 0, 0, 24, 0 }, .op = KTGT_OP_UNMAP,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, unmap_reserved_lba_bytes) {
	.cdb = { 0x42, 0, 0, 0, 0, 1, 0, 0, 24, 0 }, .op = KTGT_OP_UNMAP,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

/* WRITE SAME 10/16 */
FIXTURE_VARIANT_ADD(cdb, write_same10) {
	.cdb = { 0x41, 0, 0, 0, 0, 2, 0, 0, 10, 0 }, .op = KTGT_OP_WRITE_SAME,
	.lba = 2, .nr_blocks = 10, .xfer_len = 512, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_unmap_to_end) {
	.cdb = { 0x41, 0x08, 0, 0, 0x03, 0xe0, 0, 0, 8, 0 }, .op = KTGT_OP_WRITE_SAME,
	.lba = 992, .nr_blocks = 8, .xfer_len = 512, .dir = KTGT_DIR_WRITE, .unmap = true,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_anchor) {
	.cdb = { 0x41, 0x18, 0, 0, 0, 2, 0, 0, 10, 0 }, .op = KTGT_OP_WRITE_SAME,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_lbdata) {
	.cdb = { 0x41, 0x02, 0, 0, 0, 2, 0, 0, 10, 0 }, .op = KTGT_OP_WRITE_SAME,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_zero_blocks) {
	/* WSNZ: zero blocks is refused, not "to the end" */
	.cdb = { 0x41, 0, 0, 0, 0, 2, 0, 0, 0, 0 }, .op = KTGT_OP_WRITE_SAME,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_zero_blocks_past_end) {
	.cdb = { 0x41, 0, 0, 0, 0x03, 0xe9, 0, 0, 0, 0 }, .op = KTGT_OP_WRITE_SAME,
	.ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, write_same10_wrprotect) {
	.cdb = { 0x41, 0x20, 0, 0, 0, 2, 0, 0, 1, 0 }, .op = KTGT_OP_WRITE_SAME,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_same16_ndob_unmap) {
	.cdb = { 0x93, 0x09, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 5, 0, 0 },
	.op = KTGT_OP_WRITE_SAME, .lba = 7, .nr_blocks = 5, .unmap = true, .ndob = true,
};
FIXTURE_VARIANT_ADD(cdb, write_same16_lba_wraps) {
	.cdb = { 0x93, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 0 },
	.op = KTGT_OP_WRITE_SAME, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, write_same16_over_max_length) {
	/* one block more than KTGT_MAX_WRITE_SAME_BYTES, on a big LUN */
	.cdb = { 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 1, 0, 0 },
	.op = KTGT_OP_WRITE_SAME, .nr_lbas = 1ull << 32,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, write_same16_max_length) {
	.cdb = { 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0 },
	.op = KTGT_OP_WRITE_SAME, .nr_lbas = 1ull << 32,
	.nr_blocks = 0x4000, .xfer_len = 512, .dir = KTGT_DIR_WRITE,
};

/* COMPARE AND WRITE: twice the blocks move, at most KTGT_MAX_CAW_BLOCKS */
FIXTURE_VARIANT_ADD(cdb, caw) {
	.cdb = { 0x89, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xe0, 0, 0, 0, 8, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .lba = 992, .nr_blocks = 8, .fua = true,
	.xfer_len = 8192, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, caw_0blocks) {
	.cdb = { 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .lba = 5, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, caw_max) {
	.cdb = { 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .nr_blocks = 255, .xfer_len = 255 * 1024,
	.dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, caw_past_end) {
	.cdb = { 0x89, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xe0, 0, 0, 0, 9, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, caw_lba_wraps) {
	.cdb = { 0x89, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, caw_wrprotect) {
	.cdb = { 0x89, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, caw_reserved_length_bytes) {
	/* bytes 10-12 are reserved: NUMBER OF LOGICAL BLOCKS is one byte */
	.cdb = { 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0 },
	.op = KTGT_OP_COMPARE_AND_WRITE, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

/* GET LBA STATUS: the starting LBA must be on the medium */
FIXTURE_VARIANT_ADD(cdb, get_lba_status) {
	.cdb = { 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0x03, 0xe7, 0, 0, 0, 24, 0, 0 },
	.op = KTGT_OP_GET_LBA_STATUS, .lba = 999, .alloc_len = 24, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, get_lba_status_at_end) {
	.cdb = { 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 24, 0, 0 },
	.op = KTGT_OP_GET_LBA_STATUS, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, get_lba_status_huge_lba) {
	.cdb = { 0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 24, 0, 0 },
	.op = KTGT_OP_GET_LBA_STATUS, .ret = -ERANGE, .asc = ASC_LBA_OUT_OF_RANGE,
};
FIXTURE_VARIANT_ADD(cdb, get_lba_status_huge_alloc) {
	.cdb = { 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	.op = KTGT_OP_GET_LBA_STATUS, .alloc_len = 0xffffffff, .dir = KTGT_DIR_READ,
};

/* REPORT SUPPORTED OPERATION CODES, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS */
FIXTURE_VARIANT_ADD(cdb, report_opcodes_all) {
	.cdb = { 0xa3, 0x0c, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0 }, .op = KTGT_OP_REPORT_OPCODES,
	.alloc_len = 4096, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, report_opcodes_one_rctd) {
	.cdb = { 0xa3, 0x0c, 0x81, 0x28, 0, 0, 0, 0, 1, 0, 0, 0 },
	.op = KTGT_OP_REPORT_OPCODES, .alloc_len = 256, .dir = KTGT_DIR_READ, .rctd = true,
};
FIXTURE_VARIANT_ADD(cdb, report_opcodes_bad_option) {
	.cdb = { 0xa3, 0x0c, 0x03, 0x28, 0, 0, 0, 0, 1, 0, 0, 0 },
	.op = KTGT_OP_REPORT_OPCODES, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, report_opcodes_reserved) {
	.cdb = { 0xa3, 0x0c, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0 },
	.op = KTGT_OP_REPORT_OPCODES, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, report_tmfs) {
	.cdb = { 0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0 }, .op = KTGT_OP_REPORT_TMFS,
	.alloc_len = 4, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, report_tmfs_short_alloc) {
	.cdb = { 0xa3, 0x0d, 0x80, 0, 0, 0, 0, 0, 0, 3, 0, 0 }, .op = KTGT_OP_REPORT_TMFS,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, maintenance_in_unknown) {
	.cdb = { 0xa3, 0x05 }, .ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

/* MODE SELECT 6/10 */
FIXTURE_VARIANT_ADD(cdb, mode_select6) {
	.cdb = { 0x15, 0x10, 0, 0, 24, 0 }, .op = KTGT_OP_MODE_SELECT,
	.param_len = 24, .xfer_len = 24, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, mode_select6_save_pages) {
	.cdb = { 0x15, 0x11, 0, 0, 24, 0 }, .op = KTGT_OP_MODE_SELECT,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, mode_select10) {
	.cdb = { 0x55, 0x10, 0, 0, 0, 0, 0, 0x01, 0x00, 0 }, .op = KTGT_OP_MODE_SELECT,
	.param_len = 256, .xfer_len = 256, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, mode_select10_no_pf) {
	.cdb = { 0x55, 0, 0, 0, 0, 0, 0, 0, 28, 0 }, .op = KTGT_OP_MODE_SELECT,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, mode_select10_empty_no_pf) {
	.cdb = { 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, .op = KTGT_OP_MODE_SELECT,
};
FIXTURE_VARIANT_ADD(cdb, mode_select10_reserved) {
	.cdb = { 0x55, 0x10, 0x01, 0, 0, 0, 0, 0, 28, 0 }, .op = KTGT_OP_MODE_SELECT,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

/* reservations: RESERVE/RELEASE 6/10, PERSISTENT RESERVE IN/OUT */
FIXTURE_VARIANT_ADD(cdb, reserve6) {
	.cdb = { 0x16 }, .op = KTGT_OP_RESERVE,
};
FIXTURE_VARIANT_ADD(cdb, reserve6_third_party) {
	.cdb = { 0x16, 0x10 }, .op = KTGT_OP_RESERVE,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, release10) {
	.cdb = { 0x57, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, .op = KTGT_OP_RELEASE,
};
FIXTURE_VARIANT_ADD(cdb, reserve10_longid) {
	.cdb = { 0x56, 0x02, 0, 0, 0, 0, 0, 0, 0, 0 }, .op = KTGT_OP_RESERVE,
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, pr_in_read_keys) {
	.cdb = { 0x5e, 0x00, 0, 0, 0, 0, 0, 0x02, 0x00, 0 }, .op = KTGT_OP_PR_IN,
	.alloc_len = 512, .dir = KTGT_DIR_READ,
};
FIXTURE_VARIANT_ADD(cdb, pr_in_unknown_service_action) {
	.cdb = { 0x5e, 0x04, 0, 0, 0, 0, 0, 0, 8, 0 },
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};
FIXTURE_VARIANT_ADD(cdb, pr_out_register) {
	.cdb = { 0x5f, 0x00, 0, 0, 0, 0, 0, 0, 24, 0 }, .op = KTGT_OP_PR_OUT,
	.param_len = 24, .xfer_len = 24, .dir = KTGT_DIR_WRITE,
};
FIXTURE_VARIANT_ADD(cdb, pr_out_reserve_no_list) {
	.cdb = { 0x5f, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0 }, .op = KTGT_OP_PR_OUT,
};
FIXTURE_VARIANT_ADD(cdb, pr_out_unknown_service_action) {
	.cdb = { 0x5f, 0x08, 0, 0, 0, 0, 0, 0, 24, 0 },
	.ret = -EINVAL, .asc = ASC_INVALID_FIELD_IN_CDB,
};

FIXTURE_SETUP(cdb)
{
	self->ret = ktgt_cdb_parse(variant->cdb, 9, variant->nr_lbas ?: NR_LBAS, &self->c);
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
	EXPECT_EQ(variant->dir, self->c.dir);
	EXPECT_EQ(variant->alloc_len, self->c.alloc_len);
	EXPECT_EQ(variant->param_len, self->c.param_len);
	EXPECT_EQ(variant->bytchk, self->c.bytchk);
	EXPECT_EQ(variant->unmap, self->c.unmap);
	EXPECT_EQ(variant->ndob, self->c.ndob);
	EXPECT_EQ(variant->rctd, self->c.rctd);
}

/*
 * What REPORT SUPPORTED OPERATION CODES says is what the parser does: every
 * command in the table decodes to its operation, and every CDB bit its
 * usage data leaves clear is refused with INVALID FIELD IN CDB.
 */
TEST(opcode_table_matches_parser)
{
	struct ktgt_cdb c;
	u32 i, byte, bit;

	for (i = 0; i < ktgt_nr_opcodes; i++) {
		const struct ktgt_opcode_info *info = &ktgt_opcodes[i];
		const struct ktgt_opcode_info *found;
		u8 cdb[16] = { info->opcode, info->sa };
		bool has_sa;

		EXPECT_EQ(info->opcode, info->usage[0]);
		if (info->has_sa)
			EXPECT_EQ(info->sa, info->usage[1]);
		EXPECT_TRUE(info->cdb_len == 6 || info->cdb_len == 10 ||
			    info->cdb_len == 12 || info->cdb_len == 16);
		found = ktgt_opcode_find(info->opcode, info->sa, &has_sa);
		EXPECT_EQ(info, found);
		EXPECT_EQ(info->has_sa, has_sa);

		ktgt_cdb_parse(cdb, 9, NR_LBAS, &c);
		EXPECT_EQ(info->op, c.op);
		EXPECT_NE(ASC_INVALID_OPCODE, c.asc);

		for (byte = 1; byte < info->cdb_len; byte++) {
			for (bit = 0; bit < 8; bit++) {
				u8 mask = info->usage[byte] | (byte == 1 && info->has_sa ? 0x1f : 0);

				if (mask & (1u << bit))
					continue;
				memset(cdb, 0, sizeof(cdb));
				cdb[0] = info->opcode;
				cdb[1] = info->sa;
				cdb[byte] |= 1u << bit;
				EXPECT_EQ(-EINVAL, ktgt_cdb_parse(cdb, 9, NR_LBAS, &c)) {
					TH_LOG("opcode 0x%02x byte %u bit %u", info->opcode, byte, bit);
				}
				EXPECT_EQ(ASC_INVALID_FIELD_IN_CDB, c.asc);
			}
		}
	}
}

/* and every opcode not in the table is refused as such */
TEST(unknown_opcodes)
{
	struct ktgt_cdb c;
	u32 op, i;

	for (op = 0; op < 256; op++) {
		u8 cdb[16] = { op };
		bool listed = false;

		for (i = 0; i < ktgt_nr_opcodes; i++)
			listed |= ktgt_opcodes[i].opcode == op;
		if (listed)
			continue;
		EXPECT_EQ(-EOPNOTSUPP, ktgt_cdb_parse(cdb, 9, NR_LBAS, &c));
		EXPECT_EQ(ASC_INVALID_OPCODE, c.asc);
	}
}

/* UNMAP parameter lists (SBC-3 5.28.2) */
static u32 unmap_list(u8 *p, u32 nr, const u64 *lba, const u32 *len)
{
	u32 i;

	memset(p, 0, 8 + 16 * nr);
	put_unaligned_be16(6 + 16 * nr, p);
	put_unaligned_be16(16 * nr, p + 2);
	for (i = 0; i < nr; i++) {
		put_unaligned_be64(lba[i], p + 8 + 16 * i);
		put_unaligned_be32(len[i], p + 16 + 16 * i);
	}
	return 8 + 16 * nr;
}

TEST(unmap_list_good)
{
	static const u64 lba[] = { 0, 500, 1000 };
	static const u32 len[] = { 10, 500, 0 };
	u8 p[8 + 16 * 3];
	u32 nr, n;
	u16 asc = 0;
	u64 l;

	ASSERT_EQ(0, ktgt_unmap_parse(p, unmap_list(p, 3, lba, len), NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(3, nr);
	ktgt_unmap_desc(p, 1, &l, &n);
	EXPECT_EQ(500, l);
	EXPECT_EQ(500, n);
	/* an empty list, and no list at all */
	EXPECT_EQ(0, ktgt_unmap_parse(p, unmap_list(p, 0, NULL, NULL), NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(0, nr);
	EXPECT_EQ(0, ktgt_unmap_parse(p, 0, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(0, nr);
}

TEST(unmap_list_bad)
{
	static const u64 lba[] = { 0, 999 };
	static const u32 len[] = { 10, 2 };
	static const u64 wrap_lba[] = { ~0ull };
	static const u32 wrap_len[] = { 2 };
	u8 p[8 + 16 * 2];
	u32 nr = 99, size;
	u16 asc = 0;

	/* the second descriptor runs past the end: nothing is done */
	size = unmap_list(p, 2, lba, len);
	EXPECT_EQ(-ERANGE, ktgt_unmap_parse(p, size, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(ASC_LBA_OUT_OF_RANGE, asc);
	EXPECT_EQ(0, nr);
	size = unmap_list(p, 1, wrap_lba, wrap_len);
	EXPECT_EQ(-ERANGE, ktgt_unmap_parse(p, size, NR_LBAS, 1000, &nr, &asc));

	/* more blocks than MAXIMUM UNMAP LBA COUNT */
	size = unmap_list(p, 1, lba, len);
	EXPECT_EQ(-EINVAL, ktgt_unmap_parse(p, size, NR_LBAS, 9, &nr, &asc));
	EXPECT_EQ(ASC_INVALID_FIELD_IN_PARAM_LIST, asc);

	/* a list shorter than its header */
	EXPECT_EQ(-EINVAL, ktgt_unmap_parse(p, 7, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(ASC_PARAMETER_LIST_LENGTH, asc);

	/* a block descriptor data length beyond what was sent */
	size = unmap_list(p, 1, lba, len);
	put_unaligned_be16(32, p + 2);
	EXPECT_EQ(-EINVAL, ktgt_unmap_parse(p, size, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(ASC_INVALID_FIELD_IN_PARAM_LIST, asc);

	/* an UNMAP DATA LENGTH that does not cover the descriptors */
	size = unmap_list(p, 1, lba, len);
	put_unaligned_be16(6, p);
	EXPECT_EQ(-EINVAL, ktgt_unmap_parse(p, size, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(ASC_INVALID_FIELD_IN_PARAM_LIST, asc);
}

TEST(unmap_list_partial_descriptor)
{
	static const u64 lba[] = { 0, 5 };
	static const u32 len[] = { 1, 1 };
	u8 p[8 + 16 * 2];
	u32 nr;
	u16 asc;

	/* an incomplete last descriptor is ignored */
	unmap_list(p, 2, lba, len);
	put_unaligned_be16(6 + 20, p);
	put_unaligned_be16(20, p + 2);
	EXPECT_EQ(0, ktgt_unmap_parse(p, 28, NR_LBAS, 1000, &nr, &asc));
	EXPECT_EQ(1, nr);
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

TEST(miscompare_sense)
{
	u8 s[SCSI_SENSE_LEN];

	EXPECT_EQ(18, ktgt_sense_fixed_info(s, SK_MISCOMPARE, ASC_MISCOMPARE_DURING_VERIFY,
					    0x12345));
	EXPECT_EQ(0xf0, s[0]);	/* VALID, current, fixed */
	EXPECT_EQ(SK_MISCOMPARE, s[2]);
	EXPECT_EQ(0x00012345, get_unaligned_be32(s + 3));
	EXPECT_EQ(0x1d, s[12]);
	EXPECT_EQ(0x00, s[13]);
}

TEST(sense_formats)
{
	u8 s[SCSI_SENSE_BUF_LEN];

	/* fixed, with a 32-bit INFORMATION field */
	EXPECT_EQ(18, ktgt_sense_build(s, false, SK_MEDIUM_ERROR, ASC_READ_ERROR, true, 77));
	EXPECT_EQ(0xf0, s[0]);
	EXPECT_EQ(SK_MEDIUM_ERROR, s[2]);
	EXPECT_EQ(77, get_unaligned_be32(s + 3));
	EXPECT_EQ(0x11, s[12]);
	/* fixed cannot hold a 64-bit LBA: VALID stays clear */
	EXPECT_EQ(18, ktgt_sense_build(s, false, SK_MEDIUM_ERROR, ASC_READ_ERROR, true,
				       1ull << 32));
	EXPECT_EQ(0x70, s[0]);
	EXPECT_EQ(0, get_unaligned_be32(s + 3));
	/* descriptor, no information */
	EXPECT_EQ(8, ktgt_sense_build(s, true, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE,
				      false, 0));
	EXPECT_EQ(0x72, s[0]);
	EXPECT_EQ(SK_ILLEGAL_REQUEST, s[1]);
	EXPECT_EQ(0x21, s[2]);
	EXPECT_EQ(0x00, s[3]);
	EXPECT_EQ(0, s[7]);
	/* descriptor with the information descriptor and all 64 bits */
	EXPECT_EQ(20, ktgt_sense_build(s, true, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, true,
				       0x123456789aull));
	EXPECT_EQ(0x72, s[0]);
	EXPECT_EQ(SK_MEDIUM_ERROR, s[1]);
	EXPECT_EQ(0x0c, s[2]);
	EXPECT_EQ(12, s[7]);
	EXPECT_EQ(0x00, s[8]);
	EXPECT_EQ(0x0a, s[9]);
	EXPECT_EQ(0x80, s[10]);
	EXPECT_EQ(0x123456789aull, get_unaligned_be64(s + 12));
}

TEST_HARNESS_MAIN
