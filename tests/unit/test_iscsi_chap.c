// SPDX-License-Identifier: GPL-2.0
/*
 * The CHAP engine (kernel/iscsi_chap.c), built in userspace with a stand-in
 * hash: value decoding and its bounds, algorithm choice, and each way a
 * login's CHAP exchange must fail.
 */
#include "kselftest_harness.h"
#include "iscsi_param.c"
#include "iscsi_chap.c"

/* not a real hash: enough that any change of id, secret or challenge shows */
static int fake_hash(u8 alg, u8 id, const u8 *secret, u32 slen, const u8 *chal, u32 clen,
		     u8 *out)
{
	u32 n = ktgt_chap_digest_len(alg), i;

	for (i = 0; i < n; i++)
		out[i] = id ^ (u8)(i * 7) ^ secret[i % slen] ^ chal[i % clen] ^ alg;
	return 0;
}

static void fake_random(void *buf, u32 len)
{
	memset(buf, 0x5a, len);
}

static int plain_memneq(const void *a, const void *b, u32 len)
{
	return memcmp(a, b, len) != 0;
}

static const struct ktgt_chap_ops ops = {
	.hash = fake_hash, .random = fake_random, .memneq = plain_memneq,
};

static const u8 alice_secret[] = "alice-secret-1";
static const u8 target_secret[] = "target-secret-1";
static const struct ktgt_chap_secret incoming[] = {
	{ "alice", alice_secret, sizeof(alice_secret) - 1 },
};
static const struct ktgt_chap_secret outgoing = {
	"target", target_secret, sizeof(target_secret) - 1,
};
static const struct ktgt_chap_creds creds = {
	.incoming = incoming, .nr_incoming = 1, .outgoing = &outgoing,
};

TEST(decode_hex_and_base64)
{
	u8 b[8];

	EXPECT_EQ(3, ktgt_chap_decode("0x0a0B0c", b, sizeof(b)));
	EXPECT_EQ(0x0a, b[0]);
	EXPECT_EQ(0x0c, b[2]);
	EXPECT_EQ(2, ktgt_chap_decode("0xabc", b, sizeof(b)));	/* implied leading 0 */
	EXPECT_EQ(0x0a, b[0]);
	EXPECT_EQ(3, ktgt_chap_decode("0bQUJD", b, sizeof(b)));	/* "ABC" */
	EXPECT_EQ('C', b[2]);
	EXPECT_EQ(1, ktgt_chap_decode("0bQQ==", b, sizeof(b)));
	EXPECT_EQ('A', b[0]);
	EXPECT_EQ(-EINVAL, ktgt_chap_decode("0xzz", b, sizeof(b)));
	EXPECT_EQ(-EINVAL, ktgt_chap_decode("1234", b, sizeof(b)));
	EXPECT_EQ(-EINVAL, ktgt_chap_decode("0x", b, sizeof(b)));
	EXPECT_EQ(-EINVAL, ktgt_chap_decode("0bQ=QQ", b, sizeof(b)));
}

TEST(decode_refuses_oversize_before_writing)
{
	u8 b[4 + 1];

	b[4] = 0xee;
	EXPECT_EQ(-E2BIG, ktgt_chap_decode("0x0102030405", b, 4));
	EXPECT_EQ(-E2BIG, ktgt_chap_decode("0bAAAAAAAA", b, 4));	/* 6 bytes */
	EXPECT_EQ(0xee, b[4]);
}

TEST(encode)
{
	const u8 v[] = { 0x00, 0xab, 0x10 };
	char s[9], small[8];

	ASSERT_EQ(0, ktgt_chap_encode(v, 3, s, sizeof(s)));
	EXPECT_STREQ("0x00ab10", s);
	EXPECT_EQ(-ENOSPC, ktgt_chap_encode(v, 3, small, sizeof(small)));
}

FIXTURE(chap) {
	struct ktgt_chap chap;
	char out[2048];
	struct ktgt_text_buf tb;
	const char *why;
};

FIXTURE_SETUP(chap)
{
	memset(&self->chap, 0, sizeof(self->chap));
	ktgt_text_buf_init(&self->tb, self->out, sizeof(self->out));
	self->why = NULL;
}

FIXTURE_TEARDOWN(chap)
{
}

static const char *reply(struct _test_data_chap *self, const char *key)
{
	const char *p = self->out;
	size_t kl = strlen(key);

	while (p < self->out + self->tb.len) {
		if (!strncmp(p, key, kl) && p[kl] == '=')
			return p + kl + 1;
		p += strlen(p) + 1;
	}
	return NULL;
}

/* the response a good initiator computes to our challenge */
static void good_response(struct ktgt_chap *chap, const u8 *secret, u32 len, char *hex)
{
	u8 d[CHAP_MAX_DIGEST];

	fake_hash(chap->alg, chap->id, secret, len, chap->challenge, chap->challenge_len, d);
	ktgt_chap_encode(d, ktgt_chap_digest_len(chap->alg), hex, 2 * CHAP_MAX_DIGEST + 3);
}

TEST_F(chap, one_way_sha256_first_choice)
{
	struct ktgt_chap_keys a = { .a = "99,7,5", .seen = true }, r = { .seen = true };
	char hex[2 * CHAP_MAX_DIGEST + 3];

	ASSERT_EQ(0, ktgt_chap_step(&self->chap, &a, &creds, &ops, &self->tb, &self->why));
	EXPECT_STREQ("7", reply(self, "CHAP_A"));
	EXPECT_STREQ("90", reply(self, "CHAP_I"));	/* 0x5a */
	EXPECT_EQ(2 + 64, strlen(reply(self, "CHAP_C")));
	ASSERT_EQ(CHAP_AWAIT_R, self->chap.state);

	good_response(&self->chap, alice_secret, sizeof(alice_secret) - 1, hex);
	r.n = "alice";
	r.r = hex;
	ktgt_text_buf_init(&self->tb, self->out, sizeof(self->out));
	ASSERT_EQ(0, ktgt_chap_step(&self->chap, &r, &creds, &ops, &self->tb, &self->why));
	EXPECT_EQ(CHAP_DONE, self->chap.state);
	EXPECT_EQ(0, self->tb.len);	/* one-way: nothing to say */
}

TEST_F(chap, mutual_answers_the_initiator)
{
	struct ktgt_chap_keys a = { .a = "5", .seen = true };
	struct ktgt_chap_keys r = { .n = "alice", .i = "3", .c = "0x0102030405060708",
				    .seen = true };
	char hex[2 * CHAP_MAX_DIGEST + 3], want[2 * CHAP_MAX_DIGEST + 3];
	const u8 ichal[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	u8 d[CHAP_MAX_DIGEST];

	ASSERT_EQ(0, ktgt_chap_step(&self->chap, &a, &creds, &ops, &self->tb, &self->why));
	good_response(&self->chap, alice_secret, sizeof(alice_secret) - 1, hex);
	r.r = hex;
	ktgt_text_buf_init(&self->tb, self->out, sizeof(self->out));
	ASSERT_EQ(0, ktgt_chap_step(&self->chap, &r, &creds, &ops, &self->tb, &self->why));
	fake_hash(5, 3, target_secret, sizeof(target_secret) - 1, ichal, sizeof(ichal), d);
	ktgt_chap_encode(d, 16, want, sizeof(want));
	EXPECT_STREQ("target", reply(self, "CHAP_N"));
	EXPECT_STREQ(want, reply(self, "CHAP_R"));
}

/* each way the second step must fail, and the reason logged */
FIXTURE(chap_bad) {
	struct ktgt_chap chap;
	char out[2048];
	struct ktgt_text_buf tb;
	const char *why;
};

FIXTURE_SETUP(chap_bad)
{
	memset(&self->chap, 0, sizeof(self->chap));
	ktgt_text_buf_init(&self->tb, self->out, sizeof(self->out));
	self->why = NULL;
}

FIXTURE_TEARDOWN(chap_bad)
{
}

FIXTURE_VARIANT(chap_bad) {
	const char *n, *r, *i, *c;
	bool reflect;
	bool no_outgoing;
	const char *why;
};

#define GOOD "good"	/* stands for the right response */

FIXTURE_VARIANT_ADD(chap_bad, wrong_response) {
	.n = "alice", .r = "0x00000000000000000000000000000000", .why = "wrong CHAP response",
};
FIXTURE_VARIANT_ADD(chap_bad, short_response) {
	.n = "alice", .r = "0x0000", .why = "bad CHAP_R",
};
FIXTURE_VARIANT_ADD(chap_bad, oversized_response) {
	.n = "alice", .r = "0x000000000000000000000000000000000000000000000000000000000000000000",
	.why = "bad CHAP_R",
};
FIXTURE_VARIANT_ADD(chap_bad, unknown_name) {
	.n = "mallory", .r = GOOD, .why = "unknown CHAP_N",
};
FIXTURE_VARIANT_ADD(chap_bad, missing_name) {
	.r = GOOD, .why = "CHAP keys out of order",
};
FIXTURE_VARIANT_ADD(chap_bad, identifier_over_255) {
	.n = "alice", .r = GOOD, .i = "256", .c = "0x0102", .why = "bad CHAP_I",
};
FIXTURE_VARIANT_ADD(chap_bad, challenge_over_1024_bytes) {
	.n = "alice", .r = GOOD, .i = "1", .c = "long", .why = "bad CHAP_C",
};
FIXTURE_VARIANT_ADD(chap_bad, reflected_challenge) {
	.n = "alice", .r = GOOD, .i = "1", .reflect = true, .why = "reflected CHAP_C",
};
FIXTURE_VARIANT_ADD(chap_bad, mutual_without_outgoing_account) {
	.n = "alice", .r = GOOD, .i = "1", .c = "0x0102", .no_outgoing = true,
	.why = "mutual CHAP asked, but the target has no outgoing account",
};

TEST_F(chap_bad, refused)
{
	struct ktgt_chap_creds cr = creds;
	struct ktgt_chap_keys a = { .a = "5", .seen = true }, r = { .seen = true };
	char hex[2 * CHAP_MAX_DIGEST + 3], chal[2 * CHAP_MAX_DIGEST + 3];
	static char longc[2 + 2 * 1025 + 1];

	ASSERT_EQ(0, ktgt_chap_step(&self->chap, &a, &creds, &ops, &self->tb, &self->why));
	good_response(&self->chap, alice_secret, sizeof(alice_secret) - 1, hex);
	r.n = variant->n;
	r.r = variant->r && !strcmp(variant->r, GOOD) ? hex : variant->r;
	r.i = variant->i;
	r.c = variant->c;
	if (variant->c && !strcmp(variant->c, "long")) {
		memset(longc, 'a', sizeof(longc) - 1);
		longc[0] = '0';
		longc[1] = 'x';
		r.c = longc;
	}
	if (variant->reflect) {
		ktgt_chap_encode(self->chap.challenge, self->chap.challenge_len, chal, sizeof(chal));
		r.c = chal;
	}
	if (variant->no_outgoing)
		cr.outgoing = NULL;
	EXPECT_EQ(-EPROTO, ktgt_chap_step(&self->chap, &r, &cr, &ops, &self->tb, &self->why));
	EXPECT_STREQ(variant->why, self->why ? self->why : "(none)");
	EXPECT_NE(CHAP_DONE, self->chap.state);
}

TEST(no_common_algorithm)
{
	struct ktgt_chap chap = { };
	struct ktgt_chap_keys a = { .a = "6,99,x", .seen = true };
	char out[256];
	struct ktgt_text_buf tb;
	const char *why = NULL;

	ktgt_text_buf_init(&tb, out, sizeof(out));
	EXPECT_EQ(-EPROTO, ktgt_chap_step(&chap, &a, &creds, &ops, &tb, &why));
	EXPECT_STREQ("no common CHAP algorithm", why);
}

TEST(response_before_challenge)
{
	struct ktgt_chap chap = { };
	struct ktgt_chap_keys r = { .n = "alice", .r = "0x00", .seen = true };
	char out[256];
	struct ktgt_text_buf tb;
	const char *why = NULL;

	ktgt_text_buf_init(&tb, out, sizeof(out));
	EXPECT_EQ(-EPROTO, ktgt_chap_step(&chap, &r, &creds, &ops, &tb, &why));
	EXPECT_STREQ("CHAP keys out of order", why);
}

TEST(repeated_chap_key)
{
	struct ktgt_chap_keys k = { };
	char a1[] = "CHAP_A", v[] = "5";
	struct ktgt_kv kv = { a1, v };

	EXPECT_EQ(1, ktgt_chap_key(&k, &kv));
	EXPECT_EQ(-EEXIST, ktgt_chap_key(&k, &kv));
	kv.key = "CHAP_X";
	EXPECT_EQ(0, ktgt_chap_key(&k, &kv));
	kv.key = "CHAP_AA";
	EXPECT_EQ(0, ktgt_chap_key(&k, &kv));
}

TEST_HARNESS_MAIN
