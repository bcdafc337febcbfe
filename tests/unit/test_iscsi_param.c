// SPDX-License-Identifier: GPL-2.0
/*
 * Login key parsing and negotiation (kernel/iscsi_param.c), built in
 * userspace. Each variant is one key offered by an initiator with the answer
 * RFC 7143 requires of a target with ktgt's defaults.
 */
#include "kselftest_harness.h"
#include "iscsi_param.c"

/* offered key=value, the expected reply value or NULL for "no reply" */
FIXTURE(neg) {
	struct ktgt_params ours;
	struct ktgt_neg neg;
	char out[4096];
	struct ktgt_text_buf tb;
};

FIXTURE_VARIANT(neg) {
	const char *offer;
	const char *reply;
	bool discovery;
	size_t field;		/* offsetof the result checked, or ~0 */
	u32 result;
};

#define NO_FIELD ((size_t)~0)
#define F(x) offsetof(struct ktgt_params, x)

FIXTURE_VARIANT_ADD(neg, header_digest_none) {
	.offer = "HeaderDigest=None", .reply = "None",
	.field = F(header_digest), .result = KTGT_DIGEST_NONE,
};
FIXTURE_VARIANT_ADD(neg, header_digest_initiator_first_choice) {
	.offer = "HeaderDigest=CRC32C,None", .reply = "CRC32C",
	.field = F(header_digest), .result = KTGT_DIGEST_CRC32C,
};
FIXTURE_VARIANT_ADD(neg, data_digest_skips_unknown) {
	.offer = "DataDigest=X-md5,None", .reply = "None",
	.field = F(data_digest), .result = KTGT_DIGEST_NONE,
};
FIXTURE_VARIANT_ADD(neg, data_digest_unsupported_only) {
	.offer = "DataDigest=X-md5", .reply = "Reject",
	.field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, max_burst_min) {
	.offer = "MaxBurstLength=16776192", .reply = "1048576",
	.field = F(max_burst), .result = 1048576,
};
FIXTURE_VARIANT_ADD(neg, max_burst_lower_offer_wins) {
	.offer = "MaxBurstLength=65536", .reply = "65536",
	.field = F(max_burst), .result = 65536,
};
FIXTURE_VARIANT_ADD(neg, max_burst_hex) {
	.offer = "MaxBurstLength=0x10000", .reply = "65536",
	.field = F(max_burst), .result = 65536,
};
FIXTURE_VARIANT_ADD(neg, max_burst_below_range) {
	.offer = "MaxBurstLength=511", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, max_burst_above_range) {
	.offer = "MaxBurstLength=16777216", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, max_burst_junk) {
	.offer = "MaxBurstLength=12ab", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, max_burst_empty) {
	.offer = "MaxBurstLength=", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, time2wait_max) {
	.offer = "DefaultTime2Wait=0", .reply = "2",
	.field = F(time2wait), .result = 2,
};
FIXTURE_VARIANT_ADD(neg, time2retain_min) {
	.offer = "DefaultTime2Retain=0", .reply = "0",
	.field = F(time2retain), .result = 0,
};
FIXTURE_VARIANT_ADD(neg, initial_r2t_or_yes) {
	.offer = "InitialR2T=Yes", .reply = "Yes",
	.field = F(initial_r2t), .result = 1,
};
FIXTURE_VARIANT_ADD(neg, initial_r2t_or_no) {
	.offer = "InitialR2T=No", .reply = "No",
	.field = F(initial_r2t), .result = 0,
};
FIXTURE_VARIANT_ADD(neg, immediate_data_and_no) {
	.offer = "ImmediateData=No", .reply = "No",
	.field = F(immediate_data), .result = 0,
};
FIXTURE_VARIANT_ADD(neg, bool_lowercase_rejected) {
	.offer = "ImmediateData=yes", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, erl_min) {
	.offer = "ErrorRecoveryLevel=2", .reply = "0",
	.field = F(erl), .result = 0,
};
FIXTURE_VARIANT_ADD(neg, erl_out_of_range) {
	.offer = "ErrorRecoveryLevel=3", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, max_r2t_min) {
	.offer = "MaxOutstandingR2T=1", .reply = "1",
	.field = F(max_outstanding_r2t), .result = 1,
};
FIXTURE_VARIANT_ADD(neg, max_connections_min) {
	.offer = "MaxConnections=8", .reply = "1",
	.field = F(max_connections), .result = 1,
};
FIXTURE_VARIANT_ADD(neg, ifmarker_and) {
	.offer = "IFMarker=Yes", .reply = "No",
	.field = F(ifmarker), .result = 0,
};
FIXTURE_VARIANT_ADD(neg, markint_irrelevant) {
	.offer = "OFMarkInt=2048~8192", .reply = "Irrelevant", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, task_reporting) {
	.offer = "TaskReporting=ResponseFence,RFC3720", .reply = "RFC3720", .field = NO_FIELD,
};
/* the initiator's declaration is stored; the reply is the target's own */
FIXTURE_VARIANT_ADD(neg, mrdsl_is_declarative) {
	.offer = "MaxRecvDataSegmentLength=65536", .reply = "262144",
	.field = F(max_xmit_dsl), .result = 65536,
};
FIXTURE_VARIANT_ADD(neg, mrdsl_at_minimum) {
	.offer = "MaxRecvDataSegmentLength=512", .reply = "262144",
	.field = F(max_xmit_dsl), .result = 512,
};
FIXTURE_VARIANT_ADD(neg, mrdsl_zero_rejected) {
	.offer = "MaxRecvDataSegmentLength=0", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, mrdsl_too_big_rejected) {
	.offer = "MaxRecvDataSegmentLength=16777216", .reply = "Reject", .field = NO_FIELD,
};
FIXTURE_VARIANT_ADD(neg, discovery_session_key_irrelevant) {
	.offer = "MaxBurstLength=65536", .reply = "Irrelevant", .discovery = true,
	.field = NO_FIELD,
};

FIXTURE_SETUP(neg)
{
	ktgt_params_target_defaults(&self->ours);
	ktgt_neg_init(&self->neg, &self->ours, variant->discovery);
	ktgt_text_buf_init(&self->tb, self->out, sizeof(self->out));
}

FIXTURE_TEARDOWN(neg)
{
}

/* find key=... in a reply and return the value, or NULL */
static const char *reply_value(const char *buf, u32 len, const char *key)
{
	size_t kl = strlen(key);
	const char *p = buf;

	while (p < buf + len) {
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return p + kl + 1;
		p += strlen(p) + 1;
	}
	return NULL;
}

TEST_F(neg, offer)
{
	char seg[512];
	struct ktgt_text_iter it;
	struct ktgt_kv kv;
	char key[64];
	const char *got;
	size_t n = strlen(variant->offer) + 1;

	memcpy(seg, variant->offer, n);
	ktgt_text_iter_init(&it, seg, n);
	ASSERT_EQ(KTGT_TEXT_OK, ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX));
	strcpy(key, kv.key);
	ASSERT_EQ(KTGT_NEG_OK, ktgt_neg_key(&self->neg, &kv));
	ASSERT_EQ(0, ktgt_neg_reply(&self->neg, &self->tb, false));

	got = reply_value(self->out, self->tb.len, key);
	if (variant->reply) {
		EXPECT_STREQ(variant->reply, got ? got : "(none)");
	} else {
		EXPECT_EQ(NULL, got);
	}
	if (variant->field != NO_FIELD) {
		EXPECT_EQ(variant->result,
			  *(u32 *)((char *)&self->neg.result + variant->field));
	}
}

TEST(duplicate_key_is_an_error)
{
	struct ktgt_params ours;
	struct ktgt_neg neg;
	char seg[] = "MaxBurstLength=65536\0MaxBurstLength=65536";
	struct ktgt_text_iter it;
	struct ktgt_kv kv;

	ktgt_params_target_defaults(&ours);
	ktgt_neg_init(&neg, &ours, false);
	ktgt_text_iter_init(&it, seg, sizeof(seg));
	ASSERT_EQ(KTGT_TEXT_OK, ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX));
	ASSERT_EQ(KTGT_NEG_OK, ktgt_neg_key(&neg, &kv));
	ASSERT_EQ(KTGT_TEXT_OK, ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX));
	EXPECT_EQ(KTGT_NEG_DUPLICATE, ktgt_neg_key(&neg, &kv));
}

TEST(unknown_key_is_left_to_caller)
{
	struct ktgt_params ours;
	struct ktgt_neg neg;
	char seg[] = "X-com.example.Foo=1";
	struct ktgt_text_iter it;
	struct ktgt_kv kv;

	ktgt_params_target_defaults(&ours);
	ktgt_neg_init(&neg, &ours, false);
	ktgt_text_iter_init(&it, seg, sizeof(seg));
	ASSERT_EQ(KTGT_TEXT_OK, ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX));
	EXPECT_EQ(KTGT_NEG_UNKNOWN, ktgt_neg_key(&neg, &kv));
	EXPECT_STREQ("X-com.example.Foo", kv.key);
	EXPECT_STREQ("1", kv.value);
}

TEST(first_burst_clamped_to_max_burst)
{
	struct ktgt_params ours;
	struct ktgt_neg neg;
	char seg[] = "MaxBurstLength=8192\0FirstBurstLength=65536";
	char out[256];
	struct ktgt_text_buf tb;
	struct ktgt_text_iter it;
	struct ktgt_kv kv;

	ktgt_params_target_defaults(&ours);
	ktgt_neg_init(&neg, &ours, false);
	ktgt_text_buf_init(&tb, out, sizeof(out));
	ktgt_text_iter_init(&it, seg, sizeof(seg));
	while (ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX) == KTGT_TEXT_OK)
		ASSERT_EQ(KTGT_NEG_OK, ktgt_neg_key(&neg, &kv));
	ASSERT_EQ(0, ktgt_neg_reply(&neg, &tb, false));
	EXPECT_EQ(8192, neg.result.max_burst);
	EXPECT_EQ(8192, neg.result.first_burst);
	EXPECT_STREQ("8192", reply_value(out, tb.len, "FirstBurstLength"));
}

TEST(our_mrdsl_declared_when_leaving_operational)
{
	struct ktgt_params ours;
	struct ktgt_neg neg;
	char out[256];
	struct ktgt_text_buf tb;

	ktgt_params_target_defaults(&ours);
	ktgt_neg_init(&neg, &ours, false);
	ktgt_text_buf_init(&tb, out, sizeof(out));
	ASSERT_EQ(0, ktgt_neg_reply(&neg, &tb, true));
	EXPECT_STREQ("262144", reply_value(out, tb.len, "MaxRecvDataSegmentLength"));
	/* and only once */
	ktgt_text_buf_init(&tb, out, sizeof(out));
	ASSERT_EQ(0, ktgt_neg_reply(&neg, &tb, true));
	EXPECT_EQ(0, tb.len);
}

/* malformed segments: each is refused without reading past its end */
FIXTURE(text) {
	char *seg;
};

FIXTURE_VARIANT(text) {
	const char *data;
	u32 len;
	u32 max_value;
	enum ktgt_text_err err;
};

FIXTURE_VARIANT_ADD(text, no_nul) {
	.data = "InitiatorName=iqn.x", .len = 19, .max_value = 255, .err = KTGT_TEXT_NO_NUL,
};
FIXTURE_VARIANT_ADD(text, no_equals) {
	.data = "InitiatorName", .len = 14, .max_value = 255, .err = KTGT_TEXT_NO_EQUALS,
};
FIXTURE_VARIANT_ADD(text, empty_key) {
	.data = "=x", .len = 3, .max_value = 255, .err = KTGT_TEXT_EMPTY_KEY,
};
FIXTURE_VARIANT_ADD(text, key_64_bytes) {
	.data = "K123456789012345678901234567890123456789012345678901234567890123=1",
	.len = 67, .max_value = 255, .err = KTGT_TEXT_KEY_TOO_LONG,
};
FIXTURE_VARIANT_ADD(text, key_63_bytes_ok) {
	.data = "K12345678901234567890123456789012345678901234567890123456789012=1",
	.len = 66, .max_value = 255, .err = KTGT_TEXT_OK,
};
FIXTURE_VARIANT_ADD(text, value_too_long) {
	.data = "A=123456", .len = 9, .max_value = 5, .err = KTGT_TEXT_VALUE_TOO_LONG,
};
FIXTURE_VARIANT_ADD(text, only_padding) {
	.data = "\0\0\0", .len = 3, .max_value = 255, .err = KTGT_TEXT_END,
};

FIXTURE_SETUP(text)
{
	/* exact-size heap copy, so a read past the end is caught by ASan */
	self->seg = malloc(variant->len ? variant->len : 1);
	ASSERT_NE(NULL, self->seg);
	memcpy(self->seg, variant->data, variant->len);
}

FIXTURE_TEARDOWN(text)
{
	free(self->seg);
}

TEST_F(text, parse)
{
	struct ktgt_text_iter it;
	struct ktgt_kv kv;

	ktgt_text_iter_init(&it, self->seg, variant->len);
	EXPECT_EQ(variant->err, ktgt_text_next(&it, &kv, variant->max_value));
}

TEST(reply_buffer_is_bounded)
{
	char out[16];
	struct ktgt_text_buf tb;

	ktgt_text_buf_init(&tb, out, sizeof(out));
	EXPECT_EQ(0, ktgt_text_add(&tb, "A", "12345"));	/* 8 bytes */
	EXPECT_EQ(-ENOSPC, ktgt_text_add(&tb, "LongKey", "123"));	/* 12 more */
	EXPECT_TRUE(tb.overflow);
	EXPECT_EQ(8, tb.len);
	EXPECT_EQ(0, ktgt_text_add(&tb, "B", "12345"));	/* exactly fills 16 */
	EXPECT_EQ(16, tb.len);
}

TEST(numbers)
{
	u64 v;

	EXPECT_EQ(0, ktgt_parse_number("0", 10, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, ktgt_parse_number("0xff", 255, &v));
	EXPECT_EQ(255, v);
	EXPECT_EQ(-EINVAL, ktgt_parse_number("0x100", 255, &v));
	EXPECT_EQ(-EINVAL, ktgt_parse_number("0x", 255, &v));
	EXPECT_EQ(-EINVAL, ktgt_parse_number("-1", 255, &v));
	EXPECT_EQ(-EINVAL, ktgt_parse_number("99999999999999999999999", ~0ull, &v));
	EXPECT_EQ(0, ktgt_parse_number("18446744073709551615", ~0ull, &v));
	EXPECT_EQ(~0ull, v);
	EXPECT_EQ(-EINVAL, ktgt_parse_number("18446744073709551616", ~0ull, &v));
}

TEST_HARNESS_MAIN
