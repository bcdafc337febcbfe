// SPDX-License-Identifier: GPL-2.0
/*
 * Reservation rules (kernel/scsi_pr_rules.c), built in userspace: which
 * commands each persistent reservation type lets through, for the holder,
 * a registrant and a stranger (SPC-4 table 66, SBC-3 table 13); what an
 * SPC-2 reservation lets through; PERSISTENT RESERVE OUT parameter lists;
 * iSCSI TransportIDs.
 */
#include "kselftest_harness.h"
#include "scsi_cdb.c"
#include "scsi_pr_rules.c"

enum { A = 1, C = 0 };	/* allowed, conflict */

FIXTURE(access) {
	struct ktgt_cdb c;
};

/*
 * One command against every type. Columns: the holder; then a registered
 * non-holder and an unregistered nexus, for WE, EA, WE-RO, EA-RO, WE-AR,
 * EA-AR (a registrant of an all registrants type is a holder).
 */
FIXTURE_VARIANT(access) {
	u8 cdb[16];
	u8 reg[6];
	u8 unreg[6];
};

#define TYPES { PR_TYPE_WE, PR_TYPE_EA, PR_TYPE_WE_RO, PR_TYPE_EA_RO, PR_TYPE_WE_AR, PR_TYPE_EA_AR }

FIXTURE_VARIANT_ADD(access, read10) {
	.cdb = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 },
	.reg = { A, C, A, A, A, A }, .unreg = { A, C, A, C, A, C },
};
FIXTURE_VARIANT_ADD(access, write10) {
	.cdb = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 },
	.reg = { C, C, A, A, A, A }, .unreg = { C, C, C, C, C, C },
};
FIXTURE_VARIANT_ADD(access, sync_cache10) {
	.cdb = { 0x35 },
	.reg = { C, C, A, A, A, A }, .unreg = { C, C, C, C, C, C },
};
FIXTURE_VARIANT_ADD(access, mode_select6) {
	.cdb = { 0x15, 0x10, 0, 0, 0, 0 },
	.reg = { C, C, A, A, A, A }, .unreg = { C, C, C, C, C, C },
};
FIXTURE_VARIANT_ADD(access, mode_sense6) {
	.cdb = { 0x1a, 0, 0x3f, 0, 0xff, 0 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, C, A, C, A, C },
};
FIXTURE_VARIANT_ADD(access, verify10) {
	.cdb = { 0x2f, 0, 0, 0, 0, 0, 0, 0, 1, 0 },
	.reg = { A, C, A, A, A, A }, .unreg = { A, C, A, C, A, C },
};
FIXTURE_VARIANT_ADD(access, test_unit_ready) {
	.cdb = { 0x00 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, inquiry) {
	.cdb = { 0x12, 0, 0, 0, 0x60, 0 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, read_capacity10) {
	.cdb = { 0x25 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, pr_in) {
	.cdb = { 0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, start_unit) {
	.cdb = { 0x1b, 0, 0, 0, 0x01, 0 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, stop_unit) {
	.cdb = { 0x1b, 0, 0, 0, 0x00, 0 },
	.reg = { C, C, A, A, A, A }, .unreg = { C, C, C, C, C, C },
};
FIXTURE_VARIANT_ADD(access, allow_removal) {
	.cdb = { 0x1e, 0, 0, 0, 0, 0 },
	.reg = { A, A, A, A, A, A }, .unreg = { A, A, A, A, A, A },
};
FIXTURE_VARIANT_ADD(access, prevent_removal) {
	.cdb = { 0x1e, 0, 0, 0, 1, 0 },
	.reg = { C, C, A, A, A, A }, .unreg = { C, C, C, C, C, C },
};

FIXTURE_SETUP(access)
{
	ASSERT_EQ(0, ktgt_cdb_parse(variant->cdb, 9, 1000, &self->c));
}

FIXTURE_TEARDOWN(access)
{
}

TEST_F(access, by_type)
{
	static const u8 types[] = TYPES;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		/* the holder may do anything */
		EXPECT_TRUE(ktgt_pr_allowed(&self->c, types[i], true, true));
		EXPECT_EQ(variant->reg[i],
			  ktgt_pr_allowed(&self->c, types[i], ktgt_pr_type_all_reg(types[i]), true)) {
			TH_LOG("type %u, registered", types[i]);
		}
		EXPECT_EQ(variant->unreg[i], ktgt_pr_allowed(&self->c, types[i], false, false)) {
			TH_LOG("type %u, not registered", types[i]);
		}
	}
}

TEST(types)
{
	u32 t;

	for (t = 0; t < 16; t++) {
		bool known = t == 1 || t == 3 || (t >= 5 && t <= 8);

		EXPECT_EQ(known, ktgt_pr_type_valid(t));
	}
	EXPECT_TRUE(ktgt_pr_type_all_reg(PR_TYPE_WE_AR));
	EXPECT_FALSE(ktgt_pr_type_all_reg(PR_TYPE_WE_RO));
	EXPECT_TRUE(ktgt_pr_type_reg_only(PR_TYPE_EA_RO));
	EXPECT_FALSE(ktgt_pr_type_reg_only(PR_TYPE_EA));
}

TEST(spc2)
{
	static const struct {
		u8 cdb[16];
		bool allowed;
	} rows[] = {
		{ { 0x12, 0, 0, 0, 0x60, 0 }, true },		/* INQUIRY */
		{ { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0 }, true },	/* REPORT LUNS */
		{ { 0x03, 0, 0, 0, 18, 0 }, true },		/* REQUEST SENSE */
		{ { 0x17 }, true },				/* RELEASE(6): GOOD, no effect */
		{ { 0x16 }, false },				/* RESERVE(6) */
		{ { 0x00 }, false },				/* TEST UNIT READY */
		{ { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, false },	/* READ(10) */
		{ { 0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0 }, false },	/* PR IN */
	};
	struct ktgt_cdb c;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		ASSERT_EQ(0, ktgt_cdb_parse(rows[i].cdb, 9, 1000, &c));
		EXPECT_EQ(rows[i].allowed, ktgt_spc2_allowed(&c)) {
			TH_LOG("opcode 0x%02x", rows[i].cdb[0]);
		}
	}
}

static void param(u8 *p, u64 key, u64 sa_key, u8 flags)
{
	memset(p, 0, 24);
	put_unaligned_be64(key, p);
	put_unaligned_be64(sa_key, p + 8);
	p[20] = flags;
}

TEST(pr_out_params)
{
	struct ktgt_pr_out_param o;
	u8 p[64];
	u16 asc;

	param(p, 0x1122, 0x3344, 0x05);
	ASSERT_EQ(0, ktgt_pr_out_param_parse(PR_OUT_REGISTER, p, 24, &o, &asc));
	EXPECT_EQ(0x1122, o.key);
	EXPECT_EQ(0x3344, o.sa_key);
	EXPECT_TRUE(o.aptpl);
	EXPECT_TRUE(o.all_tg_pt);
	EXPECT_FALSE(o.spec_i_pt);

	/* without SPEC_I_PT the list is exactly 24 bytes */
	EXPECT_EQ(-EINVAL, ktgt_pr_out_param_parse(PR_OUT_REGISTER, p, 23, &o, &asc));
	EXPECT_EQ(ASC_PARAMETER_LIST_LENGTH, asc);
	EXPECT_EQ(-EINVAL, ktgt_pr_out_param_parse(PR_OUT_REGISTER, p, 28, &o, &asc));
	EXPECT_EQ(ASC_PARAMETER_LIST_LENGTH, asc);

	/* ALL_TG_PT and SPEC_I_PT belong to the register actions */
	param(p, 1, 0, 0x04);
	EXPECT_EQ(-EINVAL, ktgt_pr_out_param_parse(PR_OUT_RESERVE, p, 24, &o, &asc));
	EXPECT_EQ(ASC_INVALID_FIELD_IN_PARAM_LIST, asc);
	param(p, 1, 0, 0x08);
	EXPECT_EQ(-EINVAL, ktgt_pr_out_param_parse(PR_OUT_REGISTER_IGNORE, p, 24, &o, &asc));
	EXPECT_EQ(0, ktgt_pr_out_param_parse(PR_OUT_REGISTER, p, 24, &o, &asc));
	EXPECT_TRUE(o.spec_i_pt);
}

TEST(transport_ids)
{
	const char *name = "iqn.2026-11.org.ktgt:initiator";
	char got[224];
	u8 b[300], mv[340];
	struct ktgt_pr_out_param o;
	u32 len;
	u64 isid;
	u16 asc;

	len = ktgt_pr_tid_fill(b, name, 0x23d000000001ull);
	EXPECT_EQ(0, len % 4);
	EXPECT_EQ(0x45, b[0]);
	EXPECT_EQ((int)len, ktgt_pr_tid_parse(b, len, got, sizeof(got), &isid));
	EXPECT_STREQ(name, got);
	EXPECT_EQ(0x23d000000001ull, isid);
	/* a name without the port (format 00b) */
	b[0] = 0x05;
	memset(b + 4 + strlen(name), 0, len - 4 - strlen(name));
	EXPECT_EQ((int)len, ktgt_pr_tid_parse(b, len, got, sizeof(got), &isid));
	EXPECT_EQ(U64_MAX, isid);
	/* not iSCSI, too short, not terminated */
	b[0] = 0x41;
	EXPECT_EQ(-EINVAL, ktgt_pr_tid_parse(b, len, got, sizeof(got), &isid));
	b[0] = 0x45;
	EXPECT_EQ(-EINVAL, ktgt_pr_tid_parse(b, len - 4, got, sizeof(got), &isid));
	memset(b + 4, 'x', len - 4);
	EXPECT_EQ(-EINVAL, ktgt_pr_tid_parse(b, len, got, sizeof(got), &isid));
	/* a bad ISID */
	len = ktgt_pr_tid_fill(b, name, 1);
	b[4 + strlen(name) + 6] = 'g';
	EXPECT_EQ(-EINVAL, ktgt_pr_tid_parse(b, len, got, sizeof(got), &isid));

	/* REGISTER AND MOVE carries one */
	memset(mv, 0, sizeof(mv));
	put_unaligned_be64(7, mv);
	put_unaligned_be64(8, mv + 8);
	mv[17] = 0x02;
	put_unaligned_be16(1, mv + 18);
	len = ktgt_pr_tid_fill(mv + 24, name, 0x400001370000ull);
	put_unaligned_be32(len, mv + 20);
	ASSERT_EQ(0, ktgt_pr_out_param_parse(PR_OUT_REGISTER_AND_MOVE, mv, 24 + len, &o, &asc));
	EXPECT_TRUE(o.unreg);
	EXPECT_EQ(len, o.tid_len);
	EXPECT_EQ(-EINVAL, ktgt_pr_out_param_parse(PR_OUT_REGISTER_AND_MOVE, mv, 24 + len - 1,
						   &o, &asc));
	EXPECT_EQ(ASC_PARAMETER_LIST_LENGTH, asc);
}

TEST_HARNESS_MAIN
