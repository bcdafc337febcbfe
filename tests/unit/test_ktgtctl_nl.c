// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ktgtctl's netlink codec: the requests it builds, how it
 * decodes TARGET_GET replies (including from a newer or odder kernel), and
 * how it reads errors and extack messages. The last tests use a real
 * generic netlink socket, but not the ktgt family: this host may not have
 * it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "nl.c"
#include "params.c"
#include "parse.c"

#include "kselftest_harness.h"

#define TEST_FAMILY	0x42

static struct nl_msg *new_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(KTGT_NL_MSG_SIZE);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, TEST_FAMILY, 0, 0, cmd,
				KTGT_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The attribute of @type inside @nest, checking there is exactly one. */
static struct nlattr *only(struct nlattr *nest, int type)
{
	struct nlattr *a, *found = NULL;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == type) {
			if (found)
				return NULL;
			found = a;
		}
	}
	return found;
}

static int count_attrs(struct nlattr *nest)
{
	struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem)
		n++;
	return n;
}

/* Build a request and return its KTGT_A_TARGET nest (in @msg). */
static struct nlattr *encode(struct __test_metadata *_metadata, struct nl_msg **msg,
			     uint8_t cmd, const struct ktgt_request *req)
{
	struct nlattr *tb[KTGT_A_MAX + 1];
	struct nlmsghdr *nlh;

	*msg = new_msg(cmd);
	if (!*msg)
		return NULL;
	if (ktgt_nl_put_request(*msg, req))
		return NULL;
	nlh = nlmsg_hdr(*msg);
	if (genlmsg_parse(nlh, 0, tb, KTGT_A_MAX, NULL))
		return NULL;
	if (!tb[KTGT_A_TARGET] || !(tb[KTGT_A_TARGET]->nla_type & NLA_F_NESTED))
		return NULL;
	/* exactly one TARGET nest, nothing else */
	if (genlmsg_attrlen(genlmsg_hdr(nlh), 0) != nla_total_size(nla_len(tb[KTGT_A_TARGET])))
		return NULL;
	return tb[KTGT_A_TARGET];
}

TEST(request_target)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1" };
	struct nl_msg *msg;
	struct nlattr *t = encode(_metadata, &msg, KTGT_CMD_TARGET_ADD, &req);

	ASSERT_NE(NULL, t);
	EXPECT_EQ(KTGT_CMD_TARGET_ADD, genlmsg_hdr(nlmsg_hdr(msg))->cmd);
	EXPECT_EQ(KTGT_FAMILY_VERSION, genlmsg_hdr(nlmsg_hdr(msg))->version);
	EXPECT_EQ(1, count_attrs(t));
	ASSERT_NE(NULL, only(t, KTGT_A_TARGET_NAME));
	EXPECT_STREQ(req.name, nla_data(only(t, KTGT_A_TARGET_NAME)));
	EXPECT_EQ((int)strlen(req.name) + 1, nla_len(only(t, KTGT_A_TARGET_NAME)));
	nlmsg_free(msg);
}

TEST(request_dump_has_empty_nest)
{
	struct ktgt_request req = { };
	struct nl_msg *msg;
	struct nlattr *t = encode(_metadata, &msg, KTGT_CMD_TARGET_GET, &req);

	ASSERT_NE(NULL, t);
	EXPECT_EQ(0, nla_len(t));
	nlmsg_free(msg);
}

FIXTURE(portal_request) {};
FIXTURE_SETUP(portal_request) {}
FIXTURE_TEARDOWN(portal_request) {}

FIXTURE_VARIANT(portal_request) {
	const char *portal;
	int len;
	uint8_t bytes[16];
	uint16_t port;
};

FIXTURE_VARIANT_ADD(portal_request, v4) {
	.portal = "192.0.2.1:3261", .len = 4, .bytes = { 192, 0, 2, 1 }, .port = 3261,
};
FIXTURE_VARIANT_ADD(portal_request, v6) {
	.portal = "[2001:db8::1]", .len = 16,
	.bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, .port = 3260,
};

TEST_F(portal_request, encode)
{
	struct ktgt_addr addr;
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1", .portal = &addr };
	struct nlattr *tb[KTGT_A_PORTAL_MAX + 1];
	struct nlattr *t, *p;
	struct nl_msg *msg;

	ASSERT_EQ(0, ktgt_parse_portal(variant->portal, &addr));
	t = encode(_metadata, &msg, KTGT_CMD_PORTAL_ADD, &req);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(2, count_attrs(t));
	p = only(t, KTGT_A_TARGET_PORTAL);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->nla_type & NLA_F_NESTED);
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_PORTAL_MAX, p, NULL));
	ASSERT_NE(NULL, tb[KTGT_A_PORTAL_ADDR]);
	EXPECT_EQ(variant->len, nla_len(tb[KTGT_A_PORTAL_ADDR]));
	EXPECT_EQ(0, memcmp(variant->bytes, nla_data(tb[KTGT_A_PORTAL_ADDR]), variant->len));
	ASSERT_NE(NULL, tb[KTGT_A_PORTAL_PORT]);
	EXPECT_EQ(2, nla_len(tb[KTGT_A_PORTAL_PORT]));
	EXPECT_EQ(variant->port, nla_get_u16(tb[KTGT_A_PORTAL_PORT]));
	nlmsg_free(msg);
}

FIXTURE(lun_request) {};
FIXTURE_SETUP(lun_request) {}
FIXTURE_TEARDOWN(lun_request) {}

FIXTURE_VARIANT(lun_request) {
	uint8_t cmd;
	struct ktgt_lun_spec lun;
	int nr_attrs;
};

FIXTURE_VARIANT_ADD(lun_request, add_defaults) {
	.cmd = KTGT_CMD_LUN_ADD, .nr_attrs = 2,
	.lun = { .id = 3, .path = "/dev/ram0", .readonly = -1, .write_cache = -1 },
};
FIXTURE_VARIANT_ADD(lun_request, add_options) {
	.cmd = KTGT_CMD_LUN_ADD, .nr_attrs = 4,
	.lun = { .id = 16383, .path = "/srv/a.img", .readonly = 1, .write_cache = 0 },
};
FIXTURE_VARIANT_ADD(lun_request, add_readonly_off) {
	.cmd = KTGT_CMD_LUN_ADD, .nr_attrs = 3,
	.lun = { .id = 0, .path = "/srv/a.img", .readonly = 0, .write_cache = -1 },
};
FIXTURE_VARIANT_ADD(lun_request, add_direct) {
	.cmd = KTGT_CMD_LUN_ADD, .nr_attrs = 3,
	.lun = { .id = 2, .path = "/srv/a.img", .readonly = -1, .write_cache = -1, .direct = 1 },
};
FIXTURE_VARIANT_ADD(lun_request, add_direct_off) {
	.cmd = KTGT_CMD_LUN_ADD, .nr_attrs = 2,
	.lun = { .id = 2, .path = "/srv/a.img", .readonly = -1, .write_cache = -1, .direct = 0 },
};
FIXTURE_VARIANT_ADD(lun_request, del) {
	.cmd = KTGT_CMD_LUN_DEL, .nr_attrs = 1,
	.lun = { .id = 9, .readonly = -1, .write_cache = -1 },
};

static void check_flag(struct __test_metadata *_metadata, struct nlattr *a, int want)
{
	if (want < 0) {
		EXPECT_EQ(NULL, a);
		return;
	}
	ASSERT_NE(NULL, a);
	EXPECT_EQ(1, nla_len(a));
	EXPECT_EQ(want, nla_get_u8(a));
}

TEST_F(lun_request, encode)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1", .lun = &variant->lun };
	struct nlattr *tb[KTGT_A_LUN_MAX + 1];
	struct nlattr *t, *l;
	struct nl_msg *msg;

	t = encode(_metadata, &msg, variant->cmd, &req);
	ASSERT_NE(NULL, t);
	l = only(t, KTGT_A_TARGET_LUN);
	ASSERT_NE(NULL, l);
	EXPECT_TRUE(l->nla_type & NLA_F_NESTED);
	EXPECT_EQ(variant->nr_attrs, count_attrs(l));
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_LUN_MAX, l, NULL));
	ASSERT_NE(NULL, tb[KTGT_A_LUN_ID]);
	EXPECT_EQ(8, nla_len(tb[KTGT_A_LUN_ID]));
	EXPECT_EQ(variant->lun.id, nla_get_u64(tb[KTGT_A_LUN_ID]));
	if (variant->lun.path) {
		ASSERT_NE(NULL, tb[KTGT_A_LUN_PATH]);
		EXPECT_STREQ(variant->lun.path, nla_data(tb[KTGT_A_LUN_PATH]));
	} else {
		EXPECT_EQ(NULL, tb[KTGT_A_LUN_PATH]);
	}
	check_flag(_metadata, tb[KTGT_A_LUN_READONLY], variant->lun.readonly);
	check_flag(_metadata, tb[KTGT_A_LUN_WRITE_CACHE], variant->lun.write_cache);
	/* only "on" is sent: off is the default */
	check_flag(_metadata, tb[KTGT_A_LUN_DIRECT], variant->lun.direct > 0 ? 1 : -1);
	nlmsg_free(msg);
}

/* a null LUN: a size instead of a path; identity strings as given */
TEST(request_null_lun_with_identity)
{
	struct ktgt_lun_spec lun = {
		.id = 4, .null_size = 1ULL << 30, .readonly = -1, .write_cache = -1,
		.ident = { "ACME", "Null Disk", "0042", NULL, "ID-4" },
	};
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1", .lun = &lun };
	struct nlattr *tb[KTGT_A_LUN_MAX + 1];
	struct nlattr *t, *l;
	struct nl_msg *msg;

	t = encode(_metadata, &msg, KTGT_CMD_LUN_ADD, &req);
	ASSERT_NE(NULL, t);
	l = only(t, KTGT_A_TARGET_LUN);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(6, count_attrs(l));
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_LUN_MAX, l, NULL));
	EXPECT_EQ(NULL, tb[KTGT_A_LUN_PATH]);
	ASSERT_NE(NULL, tb[KTGT_A_LUN_NULL_SIZE]);
	EXPECT_EQ(1ULL << 30, nla_get_u64(tb[KTGT_A_LUN_NULL_SIZE]));
	EXPECT_STREQ("ACME", nla_data(tb[KTGT_A_LUN_VENDOR_ID]));
	EXPECT_STREQ("Null Disk", nla_data(tb[KTGT_A_LUN_PRODUCT_ID]));
	EXPECT_STREQ("0042", nla_data(tb[KTGT_A_LUN_PRODUCT_REV]));
	EXPECT_EQ(NULL, tb[KTGT_A_LUN_SCSI_SN]);
	EXPECT_STREQ("ID-4", nla_data(tb[KTGT_A_LUN_SCSI_ID]));
	nlmsg_free(msg);
}

TEST(request_longest_path_fits)
{
	char path[KTGT_PATH_MAX];
	char name[KTGT_NAME_MAX + 1];
	struct ktgt_lun_spec lun = { .id = 1, .path = path, .readonly = 1, .write_cache = 1 };
	struct ktgt_request req = { .name = name, .lun = &lun };
	struct nlattr *tb[KTGT_A_LUN_MAX + 1];
	struct nl_msg *msg;
	struct nlattr *t;

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	t = encode(_metadata, &msg, KTGT_CMD_LUN_ADD, &req);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_LUN_MAX, only(t, KTGT_A_TARGET_LUN), NULL));
	EXPECT_EQ(KTGT_PATH_MAX, nla_len(tb[KTGT_A_LUN_PATH]));
	nlmsg_free(msg);
}

TEST(request_acl)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1", .initiator = "ALL" };
	struct nlattr *tb[KTGT_A_ACL_MAX + 1];
	struct nl_msg *msg;
	struct nlattr *t, *a;

	t = encode(_metadata, &msg, KTGT_CMD_ACL_ADD, &req);
	ASSERT_NE(NULL, t);
	a = only(t, KTGT_A_TARGET_ACL);
	ASSERT_NE(NULL, a);
	EXPECT_TRUE(a->nla_type & NLA_F_NESTED);
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_ACL_MAX, a, NULL));
	EXPECT_STREQ("ALL", nla_data(tb[KTGT_A_ACL_INITIATOR]));
	nlmsg_free(msg);
}

FIXTURE(account_request) {};
FIXTURE_SETUP(account_request) {}
FIXTURE_TEARDOWN(account_request) {}

FIXTURE_VARIANT(account_request) {
	uint8_t cmd;
	struct ktgt_account_spec acct;
	int nr_attrs;
	int secret_len;		/* on the wire; 0: no SECRET */
};

FIXTURE_VARIANT_ADD(account_request, add_incoming) {
	.cmd = KTGT_CMD_ACCOUNT_ADD, .nr_attrs = 2, .secret_len = 14,
	.acct = { .user = "alice", .secret = "secretsecret12" },
};
FIXTURE_VARIANT_ADD(account_request, add_outgoing) {
	.cmd = KTGT_CMD_ACCOUNT_ADD, .nr_attrs = 3, .secret_len = 14,
	.acct = { .user = "tgt", .secret = "secretsecret34", .outgoing = 1 },
};
/* a secret from the kernel, which may hold NULs: sent as it is, no terminator */
FIXTURE_VARIANT_ADD(account_request, add_binary_secret) {
	.cmd = KTGT_CMD_ACCOUNT_ADD, .nr_attrs = 2, .secret_len = 13,
	.acct = { .user = "bob", .secret = "secret\0secret", .secret_len = 13 },
};
FIXTURE_VARIANT_ADD(account_request, del_incoming) {
	.cmd = KTGT_CMD_ACCOUNT_DEL, .nr_attrs = 1,
	.acct = { .user = "alice" },
};
FIXTURE_VARIANT_ADD(account_request, del_outgoing) {
	.cmd = KTGT_CMD_ACCOUNT_DEL, .nr_attrs = 2,
	.acct = { .user = "tgt", .outgoing = 1 },
};

TEST_F(account_request, encode)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1",
				    .account = &variant->acct };
	struct nlattr *tb[KTGT_A_ACCOUNT_MAX + 1];
	struct nlattr *t, *a;
	struct nl_msg *msg;

	t = encode(_metadata, &msg, variant->cmd, &req);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(2, count_attrs(t));
	a = only(t, KTGT_A_TARGET_ACCOUNT);
	ASSERT_NE(NULL, a);
	EXPECT_TRUE(a->nla_type & NLA_F_NESTED);
	EXPECT_EQ(variant->nr_attrs, count_attrs(a));
	ASSERT_EQ(0, nla_parse_nested(tb, KTGT_A_ACCOUNT_MAX, a, NULL));
	ASSERT_NE(NULL, tb[KTGT_A_ACCOUNT_USER]);
	EXPECT_STREQ(variant->acct.user, nla_data(tb[KTGT_A_ACCOUNT_USER]));
	if (variant->secret_len) {
		ASSERT_NE(NULL, tb[KTGT_A_ACCOUNT_SECRET]);
		EXPECT_EQ(variant->secret_len, nla_len(tb[KTGT_A_ACCOUNT_SECRET]));
		EXPECT_EQ(0, memcmp(variant->acct.secret, nla_data(tb[KTGT_A_ACCOUNT_SECRET]),
				    variant->secret_len));
	} else {
		EXPECT_EQ(NULL, tb[KTGT_A_ACCOUNT_SECRET]);
	}
	if (variant->acct.outgoing) {
		ASSERT_NE(NULL, tb[KTGT_A_ACCOUNT_OUTGOING]);
		EXPECT_EQ(0, nla_len(tb[KTGT_A_ACCOUNT_OUTGOING]));
	} else {
		EXPECT_EQ(NULL, tb[KTGT_A_ACCOUNT_OUTGOING]);
	}
	nlmsg_free(msg);
}

/* Only the keys set go out, booleans as u8 and the rest as u32. */
TEST(request_params)
{
	struct ktgt_params params = { };
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1", .params = &params };
	struct nlattr *t, *p;
	struct nl_msg *msg;

	ktgt_params_set(&params, KTGT_A_PARAMS_MAX_BURST, 131072);
	ktgt_params_set(&params, KTGT_A_PARAMS_IMMEDIATE_DATA, 0);
	ktgt_params_set(&params, KTGT_A_PARAMS_HEADER_DIGEST, KTGT_DIGEST_MASK_CRC32C);
	t = encode(_metadata, &msg, KTGT_CMD_TARGET_SET, &req);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(2, count_attrs(t));
	p = only(t, KTGT_A_TARGET_PARAMS);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(p->nla_type & NLA_F_NESTED);
	EXPECT_EQ(3, count_attrs(p));
	ASSERT_NE(NULL, only(p, KTGT_A_PARAMS_MAX_BURST));
	EXPECT_EQ(4, nla_len(only(p, KTGT_A_PARAMS_MAX_BURST)));
	EXPECT_EQ(131072U, nla_get_u32(only(p, KTGT_A_PARAMS_MAX_BURST)));
	ASSERT_NE(NULL, only(p, KTGT_A_PARAMS_IMMEDIATE_DATA));
	EXPECT_EQ(1, nla_len(only(p, KTGT_A_PARAMS_IMMEDIATE_DATA)));
	EXPECT_EQ(0, nla_get_u8(only(p, KTGT_A_PARAMS_IMMEDIATE_DATA)));
	ASSERT_NE(NULL, only(p, KTGT_A_PARAMS_HEADER_DIGEST));
	EXPECT_EQ(2U, nla_get_u32(only(p, KTGT_A_PARAMS_HEADER_DIGEST)));
	nlmsg_free(msg);
}

/* Helpers that play the kernel: each returns nonzero if the message is full. */
static struct nlattr *nest(struct nl_msg *msg, int type)
{
	return nla_nest_start(msg, type | NLA_F_NESTED);
}

static int put_reply_portal(struct nl_msg *msg, const void *addr, int len, int port)
{
	struct nlattr *p = nest(msg, KTGT_A_TARGET_PORTAL);

	if (!p || (addr && nla_put(msg, KTGT_A_PORTAL_ADDR, len, addr)) ||
	    (port >= 0 && nla_put_u16(msg, KTGT_A_PORTAL_PORT, port)))
		return -1;
	return nla_nest_end(msg, p);
}

static int put_reply_account(struct nl_msg *msg, const char *user, const void *secret,
			     int len, bool outgoing)
{
	struct nlattr *a = nest(msg, KTGT_A_TARGET_ACCOUNT);

	if (!a || (user && nla_put_string(msg, KTGT_A_ACCOUNT_USER, user)) ||
	    (secret && nla_put(msg, KTGT_A_ACCOUNT_SECRET, len, secret)) ||
	    (outgoing && nla_put_flag(msg, KTGT_A_ACCOUNT_OUTGOING)))
		return -1;
	return nla_nest_end(msg, a);
}

static int put_reply_conn(struct nl_msg *msg, uint16_t cid, const void *peer, int len,
			  uint16_t port)
{
	struct nlattr *c = nest(msg, KTGT_A_SESSION_CONN);

	if (!c || nla_put_u16(msg, KTGT_A_CONN_CID, cid) ||
	    (peer && nla_put(msg, KTGT_A_CONN_PEER_ADDR, len, peer)) ||
	    (peer && nla_put_u16(msg, KTGT_A_CONN_PEER_PORT, port)) ||
	    nla_put_u32(msg, 70, 0xdead))	/* an attribute from the future */
		return -1;
	return nla_nest_end(msg, c);
}

/* A PARAMS nest of @type: u8 for the booleans, u32 for the rest. */
static int put_reply_params(struct nl_msg *msg, int type, bool session)
{
	struct nlattr *p = nest(msg, type);

	if (!p || nla_put_u32(msg, KTGT_A_PARAMS_HEADER_DIGEST, 3) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_DATA_DIGEST, session ? 2 : 1) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_MAX_RECV_DSL, 262144) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_MAX_BURST, session ? 131072 : 1048576) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_FIRST_BURST, 65536) ||
	    nla_put_u8(msg, KTGT_A_PARAMS_INITIAL_R2T, 1) ||
	    nla_put_u8(msg, KTGT_A_PARAMS_IMMEDIATE_DATA, session ? 0 : 1) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_MAX_OUTSTANDING_R2T, 16) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_TIME2WAIT, 2) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_TIME2RETAIN, 3600) ||
	    (session && nla_put_u32(msg, KTGT_A_PARAMS_MAX_XMIT_DSL, 8192)) ||
	    nla_put_u32(msg, KTGT_A_PARAMS_MAX + 1, 7))	/* a key from the future */
		return -1;
	return nla_nest_end(msg, p);
}

/* A target with everything, plus attributes this ktgtctl does not know. */
static struct nl_msg *full_reply(void)
{
	static const uint8_t v4[] = { 192, 0, 2, 1 }, peer[] = { 198, 51, 100, 7 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct nl_msg *msg = new_msg(KTGT_CMD_TARGET_GET);
	struct nlattr *t, *l, *a, *s, *u;

	if (!msg)
		return NULL;
	t = nest(msg, KTGT_A_TARGET);
	if (!t || nla_put_string(msg, KTGT_A_TARGET_NAME, "iqn.2024-01.org.example:t1") ||
	    nla_put_u32(msg, KTGT_A_TARGET_TID, 7) ||
	    put_reply_params(msg, KTGT_A_TARGET_PARAMS, false) ||
	    put_reply_portal(msg, v4, 4, 3261) || put_reply_portal(msg, v6, 16, -1))
		goto fail;

	l = nest(msg, KTGT_A_TARGET_LUN);
	if (!l || nla_put_u64(msg, KTGT_A_LUN_ID, 1) ||
	    nla_put_string(msg, KTGT_A_LUN_PATH, "/dev/ram0") ||
	    nla_put_u8(msg, KTGT_A_LUN_READONLY, 1) ||
	    nla_put_u8(msg, KTGT_A_LUN_WRITE_CACHE, 0) ||
	    nla_put_u64(msg, KTGT_A_LUN_SIZE, 268435456) ||
	    nla_put_u32(msg, KTGT_A_LUN_BLOCK_SIZE, 4096) ||
	    nla_put_u32(msg, KTGT_A_LUN_BACKEND, KTGT_BACKEND_FILE) ||
	    nla_put_string(msg, 60, "future"))
		goto fail;
	nla_nest_end(msg, l);
	/* only the key: everything else takes its default */
	l = nest(msg, KTGT_A_TARGET_LUN);
	if (!l || nla_put_u64(msg, KTGT_A_LUN_ID, 16383))
		goto fail;
	nla_nest_end(msg, l);
	l = nest(msg, KTGT_A_TARGET_LUN);
	if (!l || nla_put_u64(msg, KTGT_A_LUN_ID, 5) ||
	    nla_put_u64(msg, KTGT_A_LUN_NULL_SIZE, 1ULL << 30) ||
	    nla_put_u32(msg, KTGT_A_LUN_BACKEND, KTGT_BACKEND_NULL) ||
	    nla_put_string(msg, KTGT_A_LUN_VENDOR_ID, "ACME") ||
	    nla_put_string(msg, KTGT_A_LUN_SCSI_SN, "SN1") ||
	    nla_put_string(msg, KTGT_A_LUN_SCSI_ID, "ID1"))
		goto fail;
	nla_nest_end(msg, l);

	a = nest(msg, KTGT_A_TARGET_ACL);
	if (!a || nla_put_string(msg, KTGT_A_ACL_INITIATOR, "ALL"))
		goto fail;
	nla_nest_end(msg, a);

	/* the secret is binary: it may hold a NUL, and has no terminator */
	if (put_reply_account(msg, "alice", "secret\0secret", 13, false) ||
	    put_reply_account(msg, "tgt", "secretsecret34", 14, true) ||
	    put_reply_account(msg, "nosecret", NULL, 0, false))
		goto fail;

	s = nest(msg, KTGT_A_TARGET_SESSION);
	if (!s || nla_put_u16(msg, KTGT_A_SESSION_TSIH, 3) ||
	    nla_put_u64(msg, KTGT_A_SESSION_ISID, 0x23d000000ULL) ||
	    nla_put_string(msg, KTGT_A_SESSION_INITIATOR, "iqn.1993-08.org.debian:01:abc") ||
	    put_reply_conn(msg, 0, peer, 4, 51000) || put_reply_conn(msg, 1, v6, 16, 52000) ||
	    put_reply_conn(msg, 2, NULL, 0, 0) ||
	    put_reply_params(msg, KTGT_A_SESSION_PARAMS, true))
		goto fail;
	nla_nest_end(msg, s);

	/* a nest type from the future, and a flag */
	u = nest(msg, 50);
	if (!u || nla_put_u32(msg, 1, 1))
		goto fail;
	nla_nest_end(msg, u);
	if (nla_put_flag(msg, 51))
		goto fail;
	nla_nest_end(msg, t);
	if (nla_put_u32(msg, KTGT_A_MAX + 1, 5))	/* beside the TARGET nest */
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

TEST(reply_full)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct nl_msg *msg = full_reply();
	const struct ktgt_session_info *s;
	struct ktgt_target t;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, ktgt_nl_parse_target(nlmsg_hdr(msg), &t));
	EXPECT_STREQ("iqn.2024-01.org.example:t1", t.name);
	EXPECT_EQ(7U, t.tid);

	ASSERT_EQ(2U, t.nr_portals);
	EXPECT_EQ(AF_INET, t.portals[0].family);
	EXPECT_EQ(3261, t.portals[0].port);
	EXPECT_EQ(AF_INET6, t.portals[1].family);
	EXPECT_EQ(0, memcmp(v6, t.portals[1].bytes, 16));
	EXPECT_EQ(KTGT_DEFAULT_PORT, t.portals[1].port);

	ASSERT_EQ(3U, t.nr_luns);
	EXPECT_EQ(1U, t.luns[0].id);
	EXPECT_STREQ("/dev/ram0", t.luns[0].path);
	EXPECT_TRUE(t.luns[0].readonly);
	EXPECT_FALSE(t.luns[0].write_cache);
	EXPECT_EQ(268435456U, t.luns[0].size);
	EXPECT_EQ(4096U, t.luns[0].block_size);
	EXPECT_EQ((uint32_t)KTGT_BACKEND_FILE, t.luns[0].backend);
	EXPECT_EQ(16383U, t.luns[1].id);
	EXPECT_EQ(NULL, t.luns[1].path);
	EXPECT_FALSE(t.luns[1].readonly);
	EXPECT_TRUE(t.luns[1].write_cache);
	EXPECT_EQ(KTGT_BACKEND_UNKNOWN, t.luns[1].backend);
	EXPECT_EQ(0U, t.luns[1].null_size);
	EXPECT_EQ(NULL, t.luns[1].ident[0]);
	/* the null LUN and its identity */
	EXPECT_EQ(5U, t.luns[2].id);
	EXPECT_EQ(NULL, t.luns[2].path);
	EXPECT_EQ(KTGT_BACKEND_NULL, t.luns[2].backend);
	EXPECT_EQ(1ULL << 30, t.luns[2].null_size);
	EXPECT_STREQ("ACME", t.luns[2].ident[0]);
	EXPECT_EQ(NULL, t.luns[2].ident[1]);
	EXPECT_EQ(NULL, t.luns[2].ident[2]);
	EXPECT_STREQ("SN1", t.luns[2].ident[3]);
	EXPECT_STREQ("ID1", t.luns[2].ident[4]);

	ASSERT_EQ(1U, t.nr_acls);
	EXPECT_STREQ("ALL", t.acls[0]);

	ASSERT_EQ(3U, t.nr_accounts);
	EXPECT_STREQ("alice", t.accounts[0].user);
	EXPECT_EQ(13U, t.accounts[0].secret_len);
	EXPECT_EQ(0, memcmp("secret\0secret", t.accounts[0].secret, 13));
	EXPECT_FALSE(t.accounts[0].outgoing);
	EXPECT_STREQ("tgt", t.accounts[1].user);
	EXPECT_EQ(14U, t.accounts[1].secret_len);
	EXPECT_EQ(0, memcmp("secretsecret34", t.accounts[1].secret, 14));
	EXPECT_TRUE(t.accounts[1].outgoing);
	EXPECT_STREQ("nosecret", t.accounts[2].user);
	EXPECT_EQ(NULL, t.accounts[2].secret);
	EXPECT_EQ(0U, t.accounts[2].secret_len);

	ASSERT_EQ(1U, t.nr_sessions);
	s = &t.sessions[0];
	EXPECT_EQ(3, s->tsih);
	EXPECT_EQ(0x23d000000ULL, s->isid);
	EXPECT_STREQ("iqn.1993-08.org.debian:01:abc", s->initiator);
	ASSERT_EQ(3U, s->nr_conns);
	EXPECT_EQ(0, s->conns[0].cid);
	EXPECT_TRUE(s->conns[0].has_peer);
	EXPECT_FALSE(s->conns[0].has_local);
	EXPECT_EQ(AF_INET, s->conns[0].peer.family);
	EXPECT_EQ(51000, s->conns[0].peer.port);
	EXPECT_EQ(AF_INET6, s->conns[1].peer.family);
	EXPECT_EQ(52000, s->conns[1].peer.port);
	EXPECT_FALSE(s->conns[2].has_peer);

	/* every key but the session's own, and nothing from the future */
	EXPECT_EQ(0x7feU, t.params.present);
	EXPECT_EQ(3U, t.params.val[KTGT_A_PARAMS_HEADER_DIGEST]);
	EXPECT_EQ(1U, t.params.val[KTGT_A_PARAMS_DATA_DIGEST]);
	EXPECT_EQ(262144U, t.params.val[KTGT_A_PARAMS_MAX_RECV_DSL]);
	EXPECT_EQ(1048576U, t.params.val[KTGT_A_PARAMS_MAX_BURST]);
	EXPECT_EQ(65536U, t.params.val[KTGT_A_PARAMS_FIRST_BURST]);
	EXPECT_EQ(1U, t.params.val[KTGT_A_PARAMS_INITIAL_R2T]);
	EXPECT_EQ(1U, t.params.val[KTGT_A_PARAMS_IMMEDIATE_DATA]);
	EXPECT_EQ(16U, t.params.val[KTGT_A_PARAMS_MAX_OUTSTANDING_R2T]);
	EXPECT_EQ(2U, t.params.val[KTGT_A_PARAMS_TIME2WAIT]);
	EXPECT_EQ(3600U, t.params.val[KTGT_A_PARAMS_TIME2RETAIN]);
	EXPECT_EQ(0xffeU, s->params.present);
	EXPECT_EQ(2U, s->params.val[KTGT_A_PARAMS_DATA_DIGEST]);
	EXPECT_EQ(131072U, s->params.val[KTGT_A_PARAMS_MAX_BURST]);
	EXPECT_EQ(0U, s->params.val[KTGT_A_PARAMS_IMMEDIATE_DATA]);
	EXPECT_EQ(8192U, s->params.val[KTGT_A_PARAMS_MAX_XMIT_DSL]);

	ktgt_target_free(&t);
	nlmsg_free(msg);
}

/* target set: the CPU list goes as a string; "" clears it */
TEST(request_cpus)
{
	static const char *const lists[] = { "0-3,6", "" };
	size_t i;

	for (i = 0; i < 2; i++) {
		struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1",
					    .cpus = lists[i] };
		struct nl_msg *msg;
		struct nlattr *t = encode(_metadata, &msg, KTGT_CMD_TARGET_SET, &req);

		ASSERT_NE(NULL, t);
		EXPECT_EQ(2, count_attrs(t));
		ASSERT_NE(NULL, only(t, KTGT_A_TARGET_CPUS));
		EXPECT_STREQ(lists[i], nla_data(only(t, KTGT_A_TARGET_CPUS)));
		nlmsg_free(msg);
	}
}

/* a reply's CPU list, and none when the target is not pinned */
TEST(reply_cpus)
{
	struct nl_msg *msg = new_msg(KTGT_CMD_TARGET_GET);
	struct ktgt_target tt;
	struct nlattr *t;

	ASSERT_NE(NULL, msg);
	t = nest(msg, KTGT_A_TARGET);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, nla_put_string(msg, KTGT_A_TARGET_NAME, "iqn.2024-01.org.example:t1"));
	ASSERT_EQ(0, nla_put_string(msg, KTGT_A_TARGET_CPUS, "1,3-5"));
	nla_nest_end(msg, t);
	ASSERT_EQ(0, ktgt_nl_parse_target(nlmsg_hdr(msg), &tt));
	EXPECT_STREQ("1,3-5", tt.cpus);
	ktgt_target_free(&tt);
	nlmsg_free(msg);

	msg = full_reply();
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, ktgt_nl_parse_target(nlmsg_hdr(msg), &tt));
	EXPECT_EQ(NULL, tt.cpus);
	ktgt_target_free(&tt);
	nlmsg_free(msg);
}

/* Entries without their key attribute are skipped, not fatal. */
TEST(reply_skips_keyless_entries)
{
	struct nl_msg *msg = new_msg(KTGT_CMD_TARGET_GET);
	struct nlattr *t, *e;
	struct ktgt_target tt;

	ASSERT_NE(NULL, msg);
	t = nest(msg, KTGT_A_TARGET);
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, put_reply_portal(msg, NULL, 0, 3260));
	e = nest(msg, KTGT_A_TARGET_LUN);
	ASSERT_EQ(0, nla_put_string(msg, KTGT_A_LUN_PATH, "/dev/ram0"));
	nla_nest_end(msg, e);
	e = nest(msg, KTGT_A_TARGET_ACL);
	nla_nest_end_keep_empty(msg, e);
	ASSERT_EQ(0, put_reply_account(msg, NULL, "secretsecret12", 14, true));
	nla_nest_end(msg, t);

	ASSERT_EQ(0, ktgt_nl_parse_target(nlmsg_hdr(msg), &tt));
	EXPECT_EQ(NULL, tt.name);
	EXPECT_EQ(0U, tt.tid);
	EXPECT_EQ(0U, tt.nr_portals);
	EXPECT_EQ(0U, tt.nr_luns);
	EXPECT_EQ(0U, tt.nr_acls);
	EXPECT_EQ(0U, tt.nr_accounts);
	/* no PARAMS nest, as from a kernel before TARGET_SET */
	EXPECT_EQ(0U, tt.params.present);
	ktgt_target_free(&tt);
	nlmsg_free(msg);
}

/* Malformed replies: each variant adds one bad thing to a target nest. */
FIXTURE(bad_reply) {
	struct nl_msg *msg;
	struct nlattr *target;
};

FIXTURE_VARIANT(bad_reply) {
	int (*put)(struct nl_msg *msg);
	int err;
};

FIXTURE_SETUP(bad_reply)
{
	self->msg = new_msg(KTGT_CMD_TARGET_GET);
	ASSERT_NE(NULL, self->msg);
	self->target = nest(self->msg, KTGT_A_TARGET);
	ASSERT_NE(NULL, self->target);
	ASSERT_EQ(0, nla_put_string(self->msg, KTGT_A_TARGET_NAME, "iqn.2024-01.org.x:y"));
}

FIXTURE_TEARDOWN(bad_reply)
{
	nlmsg_free(self->msg);
}

static int put_short_tid(struct nl_msg *msg)
{
	return nla_put_u16(msg, KTGT_A_TARGET_TID, 1);
}

static int put_5_byte_portal(struct nl_msg *msg)
{
	return put_reply_portal(msg, "12345", 5, 3260);
}

static int put_3_byte_peer(struct nl_msg *msg)
{
	struct nlattr *s = nest(msg, KTGT_A_TARGET_SESSION);

	return !s || put_reply_conn(msg, 0, "abc", 3, 1) || nla_nest_end(msg, s);
}

static int put_short_lun_id(struct nl_msg *msg)
{
	struct nlattr *l = nest(msg, KTGT_A_TARGET_LUN);

	return !l || nla_put_u32(msg, KTGT_A_LUN_ID, 1) || nla_nest_end(msg, l);
}

static int put_unterminated_name(struct nl_msg *msg)
{
	return nla_put(msg, KTGT_A_TARGET_NAME, 3, "abc");
}

static int put_unterminated_acl(struct nl_msg *msg)
{
	struct nlattr *a = nest(msg, KTGT_A_TARGET_ACL);

	return !a || nla_put(msg, KTGT_A_ACL_INITIATOR, 3, "ALL") || nla_nest_end(msg, a);
}

static int put_unterminated_user(struct nl_msg *msg)
{
	struct nlattr *a = nest(msg, KTGT_A_TARGET_ACCOUNT);

	return !a || nla_put(msg, KTGT_A_ACCOUNT_USER, 5, "alice") || nla_nest_end(msg, a);
}

static int put_account_not_nested(struct nl_msg *msg)
{
	return nla_put_u32(msg, KTGT_A_TARGET_ACCOUNT, 1);
}

static int put_short_max_burst(struct nl_msg *msg)
{
	struct nlattr *p = nest(msg, KTGT_A_TARGET_PARAMS);

	return !p || nla_put_u16(msg, KTGT_A_PARAMS_MAX_BURST, 1) || nla_nest_end(msg, p);
}

static int put_session_params_not_nested(struct nl_msg *msg)
{
	struct nlattr *s = nest(msg, KTGT_A_TARGET_SESSION);

	return !s || nla_put_u32(msg, KTGT_A_SESSION_PARAMS, 1) || nla_nest_end(msg, s);
}

static int put_nothing(struct nl_msg *msg)
{
	return 0;
}

FIXTURE_VARIANT_ADD(bad_reply, short_tid) { .put = put_short_tid, .err = -EPROTO };
FIXTURE_VARIANT_ADD(bad_reply, portal_addr_5_bytes) {
	.put = put_5_byte_portal, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, peer_addr_3_bytes) { .put = put_3_byte_peer, .err = -EPROTO };
FIXTURE_VARIANT_ADD(bad_reply, short_lun_id) { .put = put_short_lun_id, .err = -EPROTO };
FIXTURE_VARIANT_ADD(bad_reply, unterminated_name) {
	.put = put_unterminated_name, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, unterminated_acl) {
	.put = put_unterminated_acl, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, unterminated_user) {
	.put = put_unterminated_user, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, account_not_nested) {
	.put = put_account_not_nested, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, short_max_burst) {
	.put = put_short_max_burst, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, session_params_not_nested) {
	.put = put_session_params_not_nested, .err = -EPROTO,
};
FIXTURE_VARIANT_ADD(bad_reply, control) { .put = put_nothing, .err = 0 };

TEST_F(bad_reply, parse)
{
	struct ktgt_target t;

	ASSERT_EQ(0, variant->put(self->msg));
	nla_nest_end(self->msg, self->target);
	ASSERT_EQ(variant->err, ktgt_nl_parse_target(nlmsg_hdr(self->msg), &t));
	if (!variant->err)
		ktgt_target_free(&t);
}

TEST(reply_without_target)
{
	struct nl_msg *msg = new_msg(KTGT_CMD_TARGET_GET);
	struct ktgt_target t;

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-EPROTO, ktgt_nl_parse_target(nlmsg_hdr(msg), &t));
	ASSERT_EQ(0, nla_put_u32(msg, KTGT_A_TARGET, 1));	/* not a nest */
	EXPECT_EQ(-EPROTO, ktgt_nl_parse_target(nlmsg_hdr(msg), &t));
	nlmsg_free(msg);
}

static int collect(const struct ktgt_target *t, void *arg)
{
	char **names = arg;

	*names = strdup(t->name ? t->name : "(null)");
	return 0;
}

TEST(on_valid_calls_back)
{
	struct ktgt_nl nl = { .family = TEST_FAMILY };
	char *name = NULL;
	struct ktgt_reply r = { .nl = &nl, .fn = collect, .arg = &name };
	struct nl_msg *msg = full_reply();

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(NL_OK, on_valid(msg, &r));
	EXPECT_EQ(0, r.err);
	ASSERT_NE(NULL, name);
	EXPECT_STREQ("iqn.2024-01.org.example:t1", name);
	free(name);

	/* a message from another family is not ours to decode */
	name = NULL;
	nl.family = TEST_FAMILY + 1;
	EXPECT_EQ(NL_OK, on_valid(msg, &r));
	EXPECT_EQ(NULL, name);
	nlmsg_free(msg);
}

TEST(on_valid_reports_bad_reply)
{
	struct ktgt_nl nl = { .family = TEST_FAMILY };
	char *name = NULL;
	struct ktgt_reply r = { .nl = &nl, .fn = collect, .arg = &name };
	struct nl_msg *msg = new_msg(KTGT_CMD_TARGET_GET);

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(NL_STOP, on_valid(msg, &r));
	EXPECT_EQ(-EPROTO, r.err);
	EXPECT_EQ(NULL, name);
	EXPECT_STREQ("cannot decode the kernel's reply: Protocol error",
		     ktgt_nl_strerror(&nl, r.err));
	nlmsg_free(msg);
}

/*
 * An NLMSG_ERROR as the kernel sends it: the error, the request's header
 * (and, unless capped, the whole request), then the extack TLVs.
 */
FIXTURE(error_msg) {};
FIXTURE_SETUP(error_msg) {}
FIXTURE_TEARDOWN(error_msg) {}

FIXTURE_VARIANT(error_msg) {
	int error;
	bool capped;
	bool tlvs;
	const char *text;	/* NLMSGERR_ATTR_MSG, NULL for none */
	int text_len;		/* its length on the wire, 0 for strlen + 1 */
	const char *want;
};

FIXTURE_VARIANT_ADD(error_msg, capped_extack) {
	.error = -EEXIST, .capped = true, .tlvs = true,
	.text = "ktgt: target already exists", .want = "ktgt: target already exists",
};
FIXTURE_VARIANT_ADD(error_msg, uncapped_extack) {
	.error = -ENOENT, .tlvs = true,
	.text = "ktgt: no such target", .want = "ktgt: no such target",
};
FIXTURE_VARIANT_ADD(error_msg, no_tlvs) {
	.error = -EPERM, .capped = true, .want = "Operation not permitted",
};
FIXTURE_VARIANT_ADD(error_msg, tlvs_without_text) {
	.error = -EINVAL, .capped = true, .tlvs = true, .want = "Invalid argument",
};
FIXTURE_VARIANT_ADD(error_msg, unterminated_text) {
	.error = -EBUSY, .capped = true, .tlvs = true, .text = "busyXXXX", .text_len = 4,
	.want = "busy",
};

static struct nl_msg *error_reply(const FIXTURE_VARIANT(error_msg) *v, int type)
{
	struct nl_msg *req = new_msg(KTGT_CMD_TARGET_ADD);
	struct ktgt_request kreq = { .name = "iqn.2024-01.org.example:t1" };
	int flags = (v->capped ? NLM_F_CAPPED : 0) | (v->tlvs ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	struct nlmsgerr e = { .error = v->error };
	int len = v->text_len ? v->text_len : (v->text ? (int)strlen(v->text) + 1 : 0);

	if (!req || !msg || ktgt_nl_put_request(req, &kreq))
		goto fail;
	e.msg = *nlmsg_hdr(req);
	if (type == NLMSG_DONE) {
		if (nlmsg_append(msg, &e.error, sizeof(e.error), NLMSG_ALIGNTO))
			goto fail;
	} else if (nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO) ||
		   (!v->capped && nlmsg_append(msg, nlmsg_data(nlmsg_hdr(req)),
					       nlmsg_datalen(nlmsg_hdr(req)), NLMSG_ALIGNTO))) {
		goto fail;
	}
	if (v->tlvs && (nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20) ||
			(v->text && nla_put(msg, NLMSGERR_ATTR_MSG, len, v->text))))
		goto fail;
	nlmsg_free(req);
	return msg;
fail:
	nlmsg_free(req);
	nlmsg_free(msg);
	return NULL;
}

TEST_F(error_msg, on_error)
{
	struct ktgt_nl nl = { .family = TEST_FAMILY };
	struct ktgt_reply r = { .nl = &nl };
	struct nl_msg *msg = error_reply(variant, NLMSG_ERROR);

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(NL_STOP, on_error(NULL, nlmsg_data(nlmsg_hdr(msg)), &r));
	EXPECT_EQ(variant->error, r.err);
	EXPECT_TRUE(r.done);
	EXPECT_STREQ(variant->want, ktgt_nl_strerror(&nl, r.err));
	nlmsg_free(msg);
}

/* A dump that fails after it started ends with NLMSG_DONE carrying the error. */
TEST_F(error_msg, on_finish)
{
	struct ktgt_nl nl = { .family = TEST_FAMILY };
	struct ktgt_reply r = { .nl = &nl };
	struct nl_msg *msg = error_reply(variant, NLMSG_DONE);

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(NL_STOP, on_finish(msg, &r));
	EXPECT_EQ(variant->error, r.err);
	EXPECT_TRUE(r.done);
	EXPECT_STREQ(variant->want, ktgt_nl_strerror(&nl, r.err));
	nlmsg_free(msg);
}

TEST(on_finish_ok)
{
	struct ktgt_nl nl = { .family = TEST_FAMILY };
	struct ktgt_reply r = { .nl = &nl };
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	int zero = 0;

	ASSERT_NE(NULL, msg);
	EXPECT_EQ(NL_STOP, on_finish(msg, &r));		/* no payload at all */
	EXPECT_EQ(0, r.err);
	EXPECT_TRUE(r.done);
	ASSERT_EQ(0, nlmsg_append(msg, &zero, sizeof(zero), NLMSG_ALIGNTO));
	EXPECT_EQ(NL_STOP, on_finish(msg, &r));
	EXPECT_EQ(0, r.err);
	nlmsg_free(msg);
}

static bool ktgt_loaded(void)
{
	return !access("/sys/module/ktgt", F_OK);
}

TEST(connect_without_module)
{
	struct ktgt_nl *nl;
	int err;

	if (ktgt_loaded())
		SKIP(return, "the ktgt module is loaded");
	nl = ktgt_nl_alloc();
	ASSERT_NE(NULL, nl);
	err = ktgt_nl_connect(nl);
	EXPECT_EQ(-ENOENT, err);
	EXPECT_STREQ("the ktgt module is not loaded (modprobe ktgt)", ktgt_nl_strerror(nl, err));
	ktgt_nl_free(nl);
}

/*
 * The real send/receive loop against the kernel's own nlctrl family, which
 * is always there: a command it lacks fails with a plain errno, and a dump
 * whose attributes fail its strict policy fails with an extack message.
 */
FIXTURE(nlctrl) {
	struct ktgt_nl *nl;
};

FIXTURE_SETUP(nlctrl)
{
	int err;

	self->nl = ktgt_nl_alloc();
	ASSERT_NE(NULL, self->nl);
	err = ktgt_nl_connect(self->nl);
	if (err && err != -ENOENT)
		SKIP(return, "no generic netlink: %s", ktgt_nl_strerror(self->nl, err));
	self->nl->family = genl_ctrl_resolve(self->nl->sk, "nlctrl");
	ASSERT_LT(0, self->nl->family);
}

FIXTURE_TEARDOWN(nlctrl)
{
	ktgt_nl_free(self->nl);
}

TEST_F(nlctrl, unknown_command)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1" };
	int err;

	err = ktgt_nl_do(self->nl, 200, &req);
	EXPECT_EQ(-EOPNOTSUPP, err);
	EXPECT_STREQ(strerror(EOPNOTSUPP), ktgt_nl_strerror(self->nl, err));
}

static int count_targets(const struct ktgt_target *t, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

TEST_F(nlctrl, extack)
{
	struct ktgt_request req = { .name = "iqn.2024-01.org.example:t1" };
	const char *msg;
	int n = 0, err;

	/* our TARGET nest lands on CTRL_ATTR_FAMILY_ID, a u16 */
	err = transact(self->nl, CTRL_CMD_GETPOLICY, NLM_F_DUMP, &req, count_targets, &n);
	EXPECT_EQ(-EINVAL, err);
	EXPECT_EQ(0, n);
	msg = ktgt_nl_strerror(self->nl, err);
	TH_LOG("the kernel said: %s", msg);
	EXPECT_STRNE(strerror(EINVAL), msg);
	EXPECT_NE(0, strncmp(msg, "netlink: ", 9));
}

TEST_HARNESS_MAIN
