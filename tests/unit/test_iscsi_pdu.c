// SPDX-License-Identifier: GPL-2.0
/*
 * The iSCSI wire format helpers (kernel/iscsi_pdu.h) in userspace: header
 * layout, 24-bit lengths, padding, login ISID/TSIH, and RFC 1982 serial
 * number comparisons, whose wrap-around the CmdSN window relies on.
 */
#include "kselftest_harness.h"
#include "iscsi_pdu.h"

TEST(bhs_layout)
{
	struct iscsi_bhs h;

	EXPECT_EQ(48, sizeof(struct iscsi_bhs));
	EXPECT_EQ(48, sizeof(struct iscsi_scsi_cmd));
	EXPECT_EQ(20, offsetof(struct iscsi_bhs, ttt));
	EXPECT_EQ(24, offsetof(struct iscsi_bhs, sn));
	EXPECT_EQ(36, offsetof(struct iscsi_bhs, word9));
	EXPECT_EQ(32, offsetof(struct iscsi_scsi_cmd, cdb));
	memset(&h, 0, sizeof(h));
	h.opcode = ISCSI_OP_SCSI_CMD | ISCSI_OP_IMMEDIATE;
	EXPECT_EQ(ISCSI_OP_SCSI_CMD, iscsi_bhs_opcode(&h));
}

TEST(data_segment_length_is_24_bits)
{
	struct iscsi_bhs h;

	memset(&h, 0xff, sizeof(h));
	iscsi_bhs_set_dlength(&h, 0x123456);
	EXPECT_EQ(0x12, h.dlength[0]);
	EXPECT_EQ(0x56, h.dlength[2]);
	EXPECT_EQ(0x123456, iscsi_bhs_dlength(&h));
	EXPECT_EQ(0xff, h.ahslen);	/* neighbours untouched */
	EXPECT_EQ(0xff, h.lun[0]);
	iscsi_bhs_set_dlength(&h, ISCSI_MAX_DSL);
	EXPECT_EQ(ISCSI_MAX_DSL, iscsi_bhs_dlength(&h));
}

TEST(padding)
{
	EXPECT_EQ(0, iscsi_pad4(0));
	EXPECT_EQ(3, iscsi_pad4(1));
	EXPECT_EQ(2, iscsi_pad4(2));
	EXPECT_EQ(1, iscsi_pad4(3));
	EXPECT_EQ(0, iscsi_pad4(4));
	EXPECT_EQ(3, iscsi_pad4(ISCSI_MAX_DSL - 2));
}

TEST(login_isid_and_tsih)
{
	struct iscsi_bhs h;
	const u8 lun[8] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbe, 0xef };

	memset(&h, 0, sizeof(h));
	memcpy(h.lun, lun, sizeof(lun));
	EXPECT_EQ(0x80123456789aull, iscsi_login_isid(&h));
	EXPECT_EQ(0xbeef, iscsi_login_tsih(&h));
}

/* a, b, a < b, a <= b (RFC 1982 with SERIAL_BITS 32) */
FIXTURE(sn) {
};

FIXTURE_VARIANT(sn) {
	u32 a, b;
	bool lt, le;
};

FIXTURE_VARIANT_ADD(sn, equal) { .a = 5, .b = 5, .lt = false, .le = true };
FIXTURE_VARIANT_ADD(sn, simple) { .a = 5, .b = 6, .lt = true, .le = true };
FIXTURE_VARIANT_ADD(sn, greater) { .a = 6, .b = 5, .lt = false, .le = false };
FIXTURE_VARIANT_ADD(sn, across_the_wrap) { .a = 0xfffffffe, .b = 2, .lt = true, .le = true };
FIXTURE_VARIANT_ADD(sn, behind_the_wrap) { .a = 2, .b = 0xfffffffe, .lt = false, .le = false };
FIXTURE_VARIANT_ADD(sn, just_under_half) { .a = 0, .b = 0x7fffffff, .lt = true, .le = true };

FIXTURE_SETUP(sn)
{
}

FIXTURE_TEARDOWN(sn)
{
}

TEST_F(sn, compare)
{
	EXPECT_EQ(variant->lt, iscsi_sn_lt(variant->a, variant->b));
	EXPECT_EQ(variant->le, iscsi_sn_le(variant->a, variant->b));
}

TEST_HARNESS_MAIN
