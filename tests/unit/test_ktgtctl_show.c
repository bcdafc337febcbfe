// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ktgtctl's "show" output, text and JSON, from targets built
 * by hand (test_ktgtctl_nl.c covers decoding them from netlink).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "params.c"
#include "parse.c"
#include "json.c"
#include "show.c"

#include "kselftest_harness.h"

static struct ktgt_conn_info conns[] = {
	{
		.cid = 0, .has_peer = true, .has_local = true,
		.peer = { .family = AF_INET, .bytes = { 172, 16, 1, 13 }, .port = 51234 },
		.local = { .family = AF_INET, .bytes = { 127, 0, 0, 1 }, .port = 3260 },
	},
	{
		.cid = 1, .has_peer = true,
		.peer = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 },
			  .port = 40000 },
	},
	{ .cid = 2 },
};

#define P(attr)	(1u << KTGT_A_PARAMS_##attr)
#define TARGET_KEYS (P(HEADER_DIGEST) | P(DATA_DIGEST) | P(MAX_RECV_DSL) | P(MAX_BURST) | \
		     P(FIRST_BURST) | P(INITIAL_R2T) | P(IMMEDIATE_DATA) |		  \
		     P(MAX_OUTSTANDING_R2T) | P(TIME2WAIT) | P(TIME2RETAIN))

/* What a TARGET_GET reply holds: every key but MAX_XMIT_DSL, the session's */
static const struct ktgt_params offers = {
	.val = {
		[KTGT_A_PARAMS_HEADER_DIGEST] = KTGT_DIGEST_MASK_NONE | KTGT_DIGEST_MASK_CRC32C,
		[KTGT_A_PARAMS_DATA_DIGEST] = KTGT_DIGEST_MASK_CRC32C,
		[KTGT_A_PARAMS_MAX_RECV_DSL] = 262144,
		[KTGT_A_PARAMS_MAX_BURST] = 1048576,
		[KTGT_A_PARAMS_FIRST_BURST] = 262144,
		[KTGT_A_PARAMS_INITIAL_R2T] = 0,
		[KTGT_A_PARAMS_IMMEDIATE_DATA] = 1,
		[KTGT_A_PARAMS_MAX_OUTSTANDING_R2T] = 16,
		[KTGT_A_PARAMS_TIME2WAIT] = 2,
		[KTGT_A_PARAMS_TIME2RETAIN] = 20,
	},
	.present = TARGET_KEYS,
};

static const struct ktgt_params negotiated = {
	.val = {
		[KTGT_A_PARAMS_HEADER_DIGEST] = KTGT_DIGEST_MASK_CRC32C,
		[KTGT_A_PARAMS_DATA_DIGEST] = KTGT_DIGEST_MASK_NONE,
		[KTGT_A_PARAMS_MAX_RECV_DSL] = 262144,
		[KTGT_A_PARAMS_MAX_BURST] = 131072,
		[KTGT_A_PARAMS_FIRST_BURST] = 32768,
		[KTGT_A_PARAMS_INITIAL_R2T] = 1,
		[KTGT_A_PARAMS_IMMEDIATE_DATA] = 0,
		[KTGT_A_PARAMS_MAX_OUTSTANDING_R2T] = 1,
		[KTGT_A_PARAMS_TIME2WAIT] = 0,
		[KTGT_A_PARAMS_TIME2RETAIN] = 0,
		[KTGT_A_PARAMS_MAX_XMIT_DSL] = 65536,
	},
	.present = TARGET_KEYS | P(MAX_XMIT_DSL),
};

static struct ktgt_session_info sessions[] = {
	{
		.tsih = 1, .isid = 0x23d000000ULL,
		.initiator = "iqn.1993-08.org.debian:01:4d3ee1b5f6a",
		.conns = conns, .nr_conns = 3, .params = negotiated,
	},
};

static struct ktgt_addr portals[] = {
	{ .family = AF_INET, .bytes = { 127, 0, 0, 1 }, .port = 3260 },
	{ .family = AF_INET6, .port = 860 },
};

static struct ktgt_lun_info luns[] = {
	{
		.id = 1, .path = "/dev/ram0", .size = 268435456, .block_size = 512,
		.backend = KTGT_BACKEND_BDEV, .readonly = false, .write_cache = true,
	},
	{
		.id = 16383, .path = "/srv/disk \"2\".img", .size = 1000000, .block_size = 4096,
		.backend = KTGT_BACKEND_FILE, .readonly = true, .write_cache = false,
	},
	{ .id = 7, .backend = KTGT_BACKEND_UNKNOWN },
	{
		.id = 8, .null_size = 1073741824, .size = 1073741824, .block_size = 512,
		.backend = KTGT_BACKEND_NULL, .write_cache = true,
		.ident = { "ACME", NULL, NULL, "SN \"8\"", NULL },
	},
};

static const char *acls[] = { "ALL", "iqn.1993-08.org.debian:01:4d3ee1b5f6a" };

static struct ktgt_acl_addr acl_addrs[] = {
	{ .addr = { .family = AF_INET, .bytes = { 192, 0, 2, 0 } }, .prefix_len = 24 },
	{ .addr = { .family = AF_INET6, .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	  .prefix_len = 128 },
};

#define SECRET	"never-print-me"

/* In the kernel's order: text lists the outgoing account last all the same. */
static struct ktgt_account_info accounts[] = {
	{ .user = "alice", .secret = (const uint8_t *)SECRET "1", .secret_len = 15 },
	{ .user = "target", .secret = (const uint8_t *)SECRET "2", .secret_len = 15,
	  .outgoing = true },
	{ .user = "bob \"b\"", .secret = (const uint8_t *)SECRET "3", .secret_len = 15 },
};

static const struct ktgt_target full = {
	.tid = 1, .name = "iqn.2012-11.li.cudd.router:htpc1",
	.portals = portals, .nr_portals = 2,
	.luns = luns, .nr_luns = 4,
	.acls = acls, .nr_acls = 2,
	.acl_addrs = acl_addrs, .nr_acl_addrs = 2,
	.accounts = accounts, .nr_accounts = 3,
	.sessions = sessions, .nr_sessions = 1,
	.params = offers,
};

static const struct ktgt_target empty = { .tid = 4294967295U };

static const char full_text[] =
	"Target 1: iqn.2012-11.li.cudd.router:htpc1\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    Login parameters:\n"
	"        HeaderDigest: None,CRC32C\n"
	"        DataDigest: CRC32C\n"
	"        MaxRecvDataSegmentLength: 262144\n"
	"        MaxBurstLength: 1048576\n"
	"        FirstBurstLength: 262144\n"
	"        InitialR2T: No\n"
	"        ImmediateData: Yes\n"
	"        MaxOutstandingR2T: 16\n"
	"        DefaultTime2Wait: 2\n"
	"        DefaultTime2Retain: 20\n"
	"    I_T nexus information:\n"
	"        I_T nexus: 1\n"
	"            Initiator: iqn.1993-08.org.debian:01:4d3ee1b5f6a\n"
	"            ISID: 0x23d000000\n"
	"            Negotiated parameters:\n"
	"                HeaderDigest: CRC32C\n"
	"                DataDigest: None\n"
	"                MaxRecvDataSegmentLength: 262144\n"
	"                MaxBurstLength: 131072\n"
	"                FirstBurstLength: 32768\n"
	"                InitialR2T: Yes\n"
	"                ImmediateData: No\n"
	"                MaxOutstandingR2T: 1\n"
	"                DefaultTime2Wait: 0\n"
	"                DefaultTime2Retain: 0\n"
	"                MaxXmitDataSegmentLength: 65536\n"
	"            Connection: 0\n"
	"                IP Address: 172.16.1.13\n"
	"            Connection: 1\n"
	"                IP Address: 2001:db8::7\n"
	"            Connection: 2\n"
	"    Portal information:\n"
	"        127.0.0.1:3260\n"
	"        [::]:860\n"
	"    LUN information:\n"
	"        LUN: 1\n"
	"            Type: disk\n"
	"            Size: 256 MB, Block size: 512\n"
	"            Readonly: No\n"
	"            Write cache: Yes\n"
	"            Backing store type: bdev\n"
	"            Backing store path: /dev/ram0\n"
	"        LUN: 16383\n"
	"            Type: disk\n"
	"            Size: 1 MB, Block size: 4096\n"
	"            Readonly: Yes\n"
	"            Write cache: No\n"
	"            Backing store type: file\n"
	"            Direct I/O: No\n"
	"            Backing store path: /srv/disk \"2\".img\n"
	"        LUN: 7\n"
	"            Type: disk\n"
	"            Size: 0 MB, Block size: 0\n"
	"            Readonly: No\n"
	"            Write cache: No\n"
	"            Backing store type: unknown\n"
	"            Backing store path: None\n"
	"        LUN: 8\n"
	"            Type: disk\n"
	"            Size: 1024 MB, Block size: 512\n"
	"            Readonly: No\n"
	"            Write cache: Yes\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"            Vendor: ACME\n"
	"            SCSI SN: SN \"8\"\n"
	"    Account information:\n"
	"        alice\n"
	"        bob \"b\"\n"
	"        target (outgoing)\n"
	"    ACL information:\n"
	"        ALL\n"
	"        iqn.1993-08.org.debian:01:4d3ee1b5f6a\n"
	"        192.0.2.0/24\n"
	"        2001:db8::1\n";

static const char empty_text[] =
	"Target 4294967295: None\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"    Portal information:\n"
	"    LUN information:\n"
	"    Account information:\n"
	"    ACL information:\n";

static const char both_json[] =
	"[\n"
	"  {\n"
	"    \"tid\": 1,\n"
	"    \"name\": \"iqn.2012-11.li.cudd.router:htpc1\",\n"
	"    \"driver\": \"iscsi\",\n"
	"    \"state\": \"ready\",\n"
	"    \"params\": {\n"
	"      \"HeaderDigest\": \"None,CRC32C\",\n"
	"      \"DataDigest\": \"CRC32C\",\n"
	"      \"MaxRecvDataSegmentLength\": 262144,\n"
	"      \"MaxBurstLength\": 1048576,\n"
	"      \"FirstBurstLength\": 262144,\n"
	"      \"InitialR2T\": false,\n"
	"      \"ImmediateData\": true,\n"
	"      \"MaxOutstandingR2T\": 16,\n"
	"      \"DefaultTime2Wait\": 2,\n"
	"      \"DefaultTime2Retain\": 20\n"
	"    },\n"
	"    \"sessions\": [\n"
	"      {\n"
	"        \"tsih\": 1,\n"
	"        \"initiator\": \"iqn.1993-08.org.debian:01:4d3ee1b5f6a\",\n"
	"        \"isid\": 9613344768,\n"
	"        \"params\": {\n"
	"          \"HeaderDigest\": \"CRC32C\",\n"
	"          \"DataDigest\": \"None\",\n"
	"          \"MaxRecvDataSegmentLength\": 262144,\n"
	"          \"MaxBurstLength\": 131072,\n"
	"          \"FirstBurstLength\": 32768,\n"
	"          \"InitialR2T\": true,\n"
	"          \"ImmediateData\": false,\n"
	"          \"MaxOutstandingR2T\": 1,\n"
	"          \"DefaultTime2Wait\": 0,\n"
	"          \"DefaultTime2Retain\": 0,\n"
	"          \"MaxXmitDataSegmentLength\": 65536\n"
	"        },\n"
	"        \"connections\": [\n"
	"          {\n"
	"            \"cid\": 0,\n"
	"            \"peer\": {\n"
	"              \"address\": \"172.16.1.13\",\n"
	"              \"port\": 51234\n"
	"            },\n"
	"            \"local\": {\n"
	"              \"address\": \"127.0.0.1\",\n"
	"              \"port\": 3260\n"
	"            }\n"
	"          },\n"
	"          {\n"
	"            \"cid\": 1,\n"
	"            \"peer\": {\n"
	"              \"address\": \"2001:db8::7\",\n"
	"              \"port\": 40000\n"
	"            }\n"
	"          },\n"
	"          {\n"
	"            \"cid\": 2\n"
	"          }\n"
	"        ]\n"
	"      }\n"
	"    ],\n"
	"    \"portals\": [\n"
	"      {\n"
	"        \"address\": \"127.0.0.1\",\n"
	"        \"port\": 3260\n"
	"      },\n"
	"      {\n"
	"        \"address\": \"::\",\n"
	"        \"port\": 860\n"
	"      }\n"
	"    ],\n"
	"    \"luns\": [\n"
	"      {\n"
	"        \"lun\": 1,\n"
	"        \"type\": \"disk\",\n"
	"        \"size\": 268435456,\n"
	"        \"block_size\": 512,\n"
	"        \"readonly\": false,\n"
	"        \"write_cache\": true,\n"
	"        \"backing_store_type\": \"bdev\",\n"
	"        \"backing_store_path\": \"/dev/ram0\"\n"
	"      },\n"
	"      {\n"
	"        \"lun\": 16383,\n"
	"        \"type\": \"disk\",\n"
	"        \"size\": 1000000,\n"
	"        \"block_size\": 4096,\n"
	"        \"readonly\": true,\n"
	"        \"write_cache\": false,\n"
	"        \"backing_store_type\": \"file\",\n"
	"        \"backing_store_path\": \"/srv/disk \\\"2\\\".img\",\n"
	"        \"direct\": false\n"
	"      },\n"
	"      {\n"
	"        \"lun\": 7,\n"
	"        \"type\": \"disk\",\n"
	"        \"size\": 0,\n"
	"        \"block_size\": 0,\n"
	"        \"readonly\": false,\n"
	"        \"write_cache\": false,\n"
	"        \"backing_store_type\": \"unknown\",\n"
	"        \"backing_store_path\": null\n"
	"      },\n"
	"      {\n"
	"        \"lun\": 8,\n"
	"        \"type\": \"disk\",\n"
	"        \"size\": 1073741824,\n"
	"        \"block_size\": 512,\n"
	"        \"readonly\": false,\n"
	"        \"write_cache\": true,\n"
	"        \"backing_store_type\": \"null\",\n"
	"        \"backing_store_path\": null,\n"
	"        \"vendor_id\": \"ACME\",\n"
	"        \"scsi_sn\": \"SN \\\"8\\\"\"\n"
	"      }\n"
	"    ],\n"
	"    \"accounts\": [\n"
	"      {\n"
	"        \"user\": \"alice\",\n"
	"        \"outgoing\": false\n"
	"      },\n"
	"      {\n"
	"        \"user\": \"target\",\n"
	"        \"outgoing\": true\n"
	"      },\n"
	"      {\n"
	"        \"user\": \"bob \\\"b\\\"\",\n"
	"        \"outgoing\": false\n"
	"      }\n"
	"    ],\n"
	"    \"acls\": [\n"
	"      \"ALL\",\n"
	"      \"iqn.1993-08.org.debian:01:4d3ee1b5f6a\"\n"
	"    ],\n"
	"    \"initiator_addresses\": [\n"
	"      \"192.0.2.0/24\",\n"
	"      \"2001:db8::1\"\n"
	"    ]\n"
	"  },\n"
	"  {\n"
	"    \"tid\": 4294967295,\n"
	"    \"name\": null,\n"
	"    \"driver\": \"iscsi\",\n"
	"    \"state\": \"ready\",\n"
	"    \"sessions\": [],\n"
	"    \"portals\": [],\n"
	"    \"luns\": [],\n"
	"    \"accounts\": [],\n"
	"    \"acls\": [],\n"
	"    \"initiator_addresses\": []\n"
	"  }\n"
	"]\n";

/* What @stmt wrote to the stream @f, to be freed. */
#define CAPTURE(f, stmt) ({					\
	char *__buf = NULL;					\
	size_t __len = 0;					\
	FILE *f = open_memstream(&__buf, &__len);		\
								\
	ASSERT_NE(NULL, f);					\
	stmt;							\
	fclose(f);						\
	__buf;							\
})

TEST(text_full)
{
	char *out = CAPTURE(f, ktgt_show_text(f, &full));

	EXPECT_STREQ(full_text, out);
	/* the kernel reports secrets, but show never prints them */
	EXPECT_TRUE(!strstr(out, SECRET));
	free(out);
}

TEST(text_empty)
{
	char *out = CAPTURE(f, ktgt_show_text(f, &empty));

	EXPECT_STREQ(empty_text, out);
	free(out);
}

TEST(json_list)
{
	struct json_writer w;
	char *out = CAPTURE(f, ({
		json_init(&w, f, 2);
		json_begin_array(&w, NULL);
		ktgt_show_json(&w, &full);
		ktgt_show_json(&w, &empty);
		json_end_array(&w);
	}));

	EXPECT_STREQ(both_json, out);
	EXPECT_TRUE(!strstr(out, SECRET));
	EXPECT_TRUE(!strstr(out, "secret"));
	free(out);
}

/* monitor's lines: the event, the target, what the event carries */
TEST(event_text)
{
	static const char *acl[] = { "ALL" };
	struct ktgt_target lun_ev = { .name = "iqn.2024-01.org.example:t", .luns = luns,
				      .nr_luns = 1 };
	struct ktgt_target acl_ev = { .name = "iqn.2024-01.org.example:t", .acls = acl,
				      .nr_acls = 1, .acl_addrs = acl_addrs, .nr_acl_addrs = 1 };
	struct ktgt_target acct_ev = { .discovery = true, .accounts = &accounts[1],
				       .nr_accounts = 1 };
	char *out;

	out = CAPTURE(f, ktgt_show_event_text(f, KTGT_CMD_LOGIN_NTF, &full));
	EXPECT_EQ(0, strncmp(out, "login iqn.2012-11.li.cudd.router:htpc1 tsih ", 44));
	EXPECT_TRUE(!strstr(out, SECRET));
	free(out);
	out = CAPTURE(f, ktgt_show_event_text(f, KTGT_CMD_LUN_SET, &lun_ev));
	EXPECT_EQ(0, strncmp(out, "lun-set iqn.2024-01.org.example:t lun ", 38));
	EXPECT_TRUE(strstr(out, " readonly ") && strstr(out, " write-cache "));
	free(out);
	out = CAPTURE(f, ktgt_show_event_text(f, KTGT_CMD_ACL_DEL, &acl_ev));
	EXPECT_STREQ("acl-del iqn.2024-01.org.example:t acl ALL address 192.0.2.0/24\n", out);
	free(out);
	out = CAPTURE(f, ktgt_show_event_text(f, KTGT_CMD_ACCOUNT_ADD, &acct_ev));
	EXPECT_STREQ("account-add discovery account target outgoing\n", out);
	free(out);
	EXPECT_STREQ("reinstate", ktgt_event_name(KTGT_CMD_REINSTATE_NTF));
	EXPECT_STREQ("lun-error", ktgt_event_name(KTGT_CMD_LUN_ERROR_NTF));
	EXPECT_EQ(NULL, ktgt_event_name(KTGT_CMD_TARGET_GET));
	EXPECT_EQ(NULL, ktgt_event_name(250));
}

/* lun-error: the failing block and the error, in text and JSON */
TEST(event_lun_error)
{
	struct ktgt_lun_info l = { .id = 5, .path = "/dev/dm-0", .size = 1 << 20,
				   .write_cache = true, .has_error = true, .error_errno = EIO,
				   .has_error_lba = true, .error_lba = 2048 };
	struct ktgt_target t = { .name = "iqn.2024-01.org.example:t", .luns = &l, .nr_luns = 1 };
	char *out = CAPTURE(f, ktgt_show_event_text(f, KTGT_CMD_LUN_ERROR_NTF, &t));
	struct json_writer w;

	EXPECT_EQ(0, strncmp(out, "lun-error iqn.2024-01.org.example:t lun 5 ", 42));
	EXPECT_TRUE(strstr(out, " lba 2048 error Input/output error\n") != NULL) {
		fprintf(stderr, "#   got %s", out);
	}
	free(out);
	out = CAPTURE(f, ({
		json_init(&w, f, 0);
		ktgt_show_event_json(&w, KTGT_CMD_LUN_ERROR_NTF, &t);
	}));
	EXPECT_TRUE(strstr(out, "\"error_lba\":2048") && strstr(out, "\"error_errno\":5"))
		fprintf(stderr, "#   got %s", out);
	free(out);
}

/* stats: one line per session and LUN, the average latency per command */
TEST(stats_text)
{
	struct ktgt_lun_info l = { .id = 2, .stats = { .present = true, .cmds = 4,
		.read_bytes = 4096, .write_bytes = 512, .errors = 1, .latency_us = 1000 } };
	struct ktgt_target t = { .name = "iqn.2024-01.org.example:t", .luns = &l, .nr_luns = 1 };
	char *out = CAPTURE(f, ktgt_show_stats_text(f, &t));

	EXPECT_STREQ("lun iqn.2024-01.org.example:t 2: commands 4 read_bytes 4096 "
		     "write_bytes 512 errors 1 avg_latency_us 250\n", out);
	free(out);
}

/* Only the keys the kernel sent are listed, in the table's order. */
TEST(text_some_params)
{
	struct ktgt_target t = { .tid = 3 };
	char *out;

	ktgt_params_set(&t.params, KTGT_A_PARAMS_TIME2RETAIN, 7);
	ktgt_params_set(&t.params, KTGT_A_PARAMS_DATA_DIGEST, 0);
	out = CAPTURE(f, ktgt_show_text(f, &t));
	EXPECT_STREQ("Target 3: None\n"
		     "    System information:\n"
		     "        Driver: iscsi\n"
		     "        State: ready\n"
		     "    Login parameters:\n"
		     "        DataDigest: 0x0\n"
		     "        DefaultTime2Retain: 7\n"
		     "    I_T nexus information:\n"
		     "    Portal information:\n"
		     "    LUN information:\n"
		     "    Account information:\n"
		     "    ACL information:\n", out);
	free(out);
}

/* Names from the kernel are not checked: they must still come out as valid JSON. */
TEST(json_hostile_strings)
{
	const char *bad_acls[] = { "a\"b\\c\n\x01\xff" };
	struct ktgt_target t = {
		.tid = 2, .name = "iqn.2024-01.org.example:\t\xc3",
		.acls = bad_acls, .nr_acls = 1,
	};
	struct json_writer w;
	char *out = CAPTURE(f, ({
		json_init(&w, f, 0);
		ktgt_show_json(&w, &t);
	}));

	EXPECT_STREQ("{\"tid\":2,\"name\":\"iqn.2024-01.org.example:\\t\\ufffd\","
		     "\"driver\":\"iscsi\",\"state\":\"ready\",\"sessions\":[],"
		     "\"portals\":[],\"luns\":[],\"accounts\":[],"
		     "\"acls\":[\"a\\\"b\\\\c\\n\\u0001\\ufffd\"],\"initiator_addresses\":[]}\n", out);
	free(out);
}

TEST_HARNESS_MAIN
