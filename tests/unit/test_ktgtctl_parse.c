// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ktgtctl's pure parts: portal, LUN, name and on/off parsing,
 * size and address formatting, JSON output and the command table lookup.
 * The sources under test are included directly since each test is built
 * alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params.c"
#include "parse.c"
#include "json.c"
#include "cli.c"

#include "kselftest_harness.h"

/* Portals: what goes in, the error, and the canonical form coming out. */
FIXTURE(portal) {};
FIXTURE_SETUP(portal) {}
FIXTURE_TEARDOWN(portal) {}

FIXTURE_VARIANT(portal) {
	const char *in;
	int err;
	const char *out;
};

FIXTURE_VARIANT_ADD(portal, v4_port) { .in = "192.0.2.1:3261", .out = "192.0.2.1:3261" };
FIXTURE_VARIANT_ADD(portal, v4_default_port) { .in = "192.0.2.1", .out = "192.0.2.1:3260" };
FIXTURE_VARIANT_ADD(portal, v4_any) { .in = "0.0.0.0", .out = "0.0.0.0:3260" };
FIXTURE_VARIANT_ADD(portal, v4_port_max) { .in = "10.0.0.1:65535", .out = "10.0.0.1:65535" };
FIXTURE_VARIANT_ADD(portal, v4_port_1) { .in = "10.0.0.1:1", .out = "10.0.0.1:1" };
FIXTURE_VARIANT_ADD(portal, v4_port_zeros) { .in = "10.0.0.1:03260", .out = "10.0.0.1:3260" };
FIXTURE_VARIANT_ADD(portal, v6_port) { .in = "[::1]:3261", .out = "[::1]:3261" };
FIXTURE_VARIANT_ADD(portal, v6_default_port) { .in = "[2001:db8::5]", .out = "[2001:db8::5]:3260" };
FIXTURE_VARIANT_ADD(portal, v6_bare) { .in = "2001:db8::5", .out = "[2001:db8::5]:3260" };
FIXTURE_VARIANT_ADD(portal, v6_any) { .in = "[::]:3260", .out = "[::]:3260" };
FIXTURE_VARIANT_ADD(portal, v6_mapped) {
	.in = "[::ffff:192.0.2.1]:860", .out = "[::ffff:192.0.2.1]:860",
};
FIXTURE_VARIANT_ADD(portal, port_0) { .in = "192.0.2.1:0", .err = -ERANGE };
FIXTURE_VARIANT_ADD(portal, port_65536) { .in = "192.0.2.1:65536", .err = -ERANGE };
FIXTURE_VARIANT_ADD(portal, port_huge) {
	.in = "192.0.2.1:999999999999999999999999999", .err = -ERANGE,
};
FIXTURE_VARIANT_ADD(portal, v6_port_0) { .in = "[::1]:0", .err = -ERANGE };
FIXTURE_VARIANT_ADD(portal, port_abc) { .in = "192.0.2.1:abc", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_empty) { .in = "192.0.2.1:", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_sign) { .in = "192.0.2.1:+80", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_negative) { .in = "192.0.2.1:-1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_space) { .in = "192.0.2.1: 80", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_hex) { .in = "192.0.2.1:0x50", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, port_trailing) { .in = "192.0.2.1:80 ", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, empty) { .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, colon_only) { .in = ":3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, garbage) { .in = "not an address", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, hostname) { .in = "localhost:3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v4_short) { .in = "192.0.2", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v4_octet) { .in = "256.0.0.1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v4_two_ports) { .in = "192.0.2.1:80:81", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v4_in_brackets) { .in = "[192.0.2.1]:3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v6_unclosed) { .in = "[::1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v6_junk_after) { .in = "[::1]x", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v6_empty) { .in = "[]:3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v6_scope) { .in = "[fe80::1%eth0]:3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(portal, v6_bad) { .in = "[::g]:3260", .err = -EINVAL };

TEST_F(portal, parse)
{
	char out[KTGT_ADDR_STRLEN];
	struct ktgt_addr addr;

	ASSERT_EQ(variant->err, ktgt_parse_portal(variant->in, &addr));
	if (variant->err)
		return;
	ktgt_format_addr(&addr, true, out, sizeof(out));
	EXPECT_STREQ(variant->out, out);
}

TEST(portal_bytes)
{
	static const uint8_t v4[] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0 };
	struct ktgt_addr addr;

	ASSERT_EQ(0, ktgt_parse_portal("192.0.2.1:3260", &addr));
	EXPECT_EQ(AF_INET, addr.family);
	EXPECT_EQ(4U, ktgt_addr_len(&addr));
	EXPECT_EQ(0, memcmp(addr.bytes, v4, sizeof(v4)));
	EXPECT_EQ(3260, addr.port);

	v6[15] = 1;
	ASSERT_EQ(0, ktgt_parse_portal("[::1]:860", &addr));
	EXPECT_EQ(AF_INET6, addr.family);
	EXPECT_EQ(16U, ktgt_addr_len(&addr));
	EXPECT_EQ(0, memcmp(addr.bytes, v6, sizeof(v6)));
	EXPECT_EQ(860, addr.port);
}

TEST(portal_too_long)
{
	char in[512];
	struct ktgt_addr addr;

	memset(in, '1', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	EXPECT_EQ(-EINVAL, ktgt_parse_portal(in, &addr));
	in[0] = '[';
	EXPECT_EQ(-EINVAL, ktgt_parse_portal(in, &addr));
}

TEST(addr_set_and_format)
{
	static const uint8_t v4[] = { 10, 1, 2, 3 };
	char out[KTGT_ADDR_STRLEN];
	struct ktgt_addr addr;

	ASSERT_EQ(0, ktgt_addr_set(&addr, v4, 4, 51000));
	ktgt_format_addr(&addr, false, out, sizeof(out));
	EXPECT_STREQ("10.1.2.3", out);
	ktgt_format_addr(&addr, true, out, sizeof(out));
	EXPECT_STREQ("10.1.2.3:51000", out);
	EXPECT_EQ(-EINVAL, ktgt_addr_set(&addr, v4, 3, 0));
	EXPECT_EQ(-EINVAL, ktgt_addr_set(&addr, v4, 0, 0));
	/* a short buffer truncates, it never overflows */
	ktgt_format_addr(&addr, true, out, 4);
	EXPECT_STREQ("10.", out);
}

/* initiator-address values: parsed, masked to the prefix, printed back */
FIXTURE(acl_addr) {};
FIXTURE_SETUP(acl_addr) {}
FIXTURE_TEARDOWN(acl_addr) {}
FIXTURE_VARIANT(acl_addr) {
	const char *in;
	int err;
	const char *out;
};
FIXTURE_VARIANT_ADD(acl_addr, v4) { .in = "192.0.2.7", .out = "192.0.2.7" };
FIXTURE_VARIANT_ADD(acl_addr, v4_full_prefix) { .in = "192.0.2.7/32", .out = "192.0.2.7" };
FIXTURE_VARIANT_ADD(acl_addr, v4_range) { .in = "192.0.2.7/24", .out = "192.0.2.0/24" };
FIXTURE_VARIANT_ADD(acl_addr, v4_odd_prefix) { .in = "10.255.255.255/9", .out = "10.128.0.0/9" };
FIXTURE_VARIANT_ADD(acl_addr, v4_any) { .in = "10.1.2.3/0", .out = "0.0.0.0/0" };
FIXTURE_VARIANT_ADD(acl_addr, v6) { .in = "2001:db8::1", .out = "2001:db8::1" };
FIXTURE_VARIANT_ADD(acl_addr, v6_brackets) { .in = "[2001:db8::1]/32", .out = "2001:db8::/32" };
FIXTURE_VARIANT_ADD(acl_addr, v6_range) { .in = "2001:db8:ffff::/36", .out = "2001:db8:f000::/36" };
FIXTURE_VARIANT_ADD(acl_addr, v4_prefix_too_long) { .in = "10.0.0.0/33", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, v6_prefix_too_long) { .in = "::1/129", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, empty_prefix) { .in = "10.0.0.0/", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, negative_prefix) { .in = "10.0.0.0/-1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, not_an_address) { .in = "10.0.0", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, name) { .in = "ALL", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, empty) { .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, port) { .in = "10.0.0.1:3260", .err = -EINVAL };
FIXTURE_VARIANT_ADD(acl_addr, too_long) {
	.in = "1111:2222:3333:4444:5555:6666:7777:8888:9999:0000", .err = -EINVAL,
};

TEST_F(acl_addr, parse)
{
	char out[KTGT_ACL_ADDR_STRLEN];
	struct ktgt_acl_addr a;

	ASSERT_EQ(variant->err, ktgt_parse_acl_addr(variant->in, &a));
	if (variant->err)
		return;
	ktgt_format_acl_addr(&a, out, sizeof(out));
	EXPECT_STREQ(variant->out, out);
}

FIXTURE(lun) {};
FIXTURE_SETUP(lun) {}
FIXTURE_TEARDOWN(lun) {}

FIXTURE_VARIANT(lun) {
	const char *in;
	int err;
	uint64_t out;
};

FIXTURE_VARIANT_ADD(lun, zero) { .in = "0", .out = 0 };
FIXTURE_VARIANT_ADD(lun, one) { .in = "1", .out = 1 };
FIXTURE_VARIANT_ADD(lun, max) { .in = "16383", .out = 16383 };
FIXTURE_VARIANT_ADD(lun, leading_zeros) { .in = "000042", .out = 42 };
FIXTURE_VARIANT_ADD(lun, max_plus_1) { .in = "16384", .err = -ERANGE };
FIXTURE_VARIANT_ADD(lun, big) { .in = "4294967296", .err = -ERANGE };
FIXTURE_VARIANT_ADD(lun, u64_overflow) { .in = "18446744073709551616", .err = -ERANGE };
FIXTURE_VARIANT_ADD(lun, empty) { .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, negative) { .in = "-1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, plus) { .in = "+1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, hex) { .in = "0x10", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, junk_after) { .in = "1a", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, space_before) { .in = " 1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, space_after) { .in = "1 ", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, float) { .in = "1.0", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, word) { .in = "lun", .err = -EINVAL };
FIXTURE_VARIANT_ADD(lun, big_junk) { .in = "99999999999999999999x", .err = -EINVAL };

TEST_F(lun, parse)
{
	uint64_t out = 12345;

	ASSERT_EQ(variant->err, ktgt_parse_lun(variant->in, &out));
	if (variant->err) {
		EXPECT_EQ(12345U, out);	/* untouched on failure */
	} else {
		EXPECT_EQ(variant->out, out);
	}
}

TEST(uint_bounds)
{
	unsigned long long v;

	EXPECT_EQ(0, ktgt_parse_uint("0", 0, &v));
	EXPECT_EQ(0U, v);
	EXPECT_EQ(-ERANGE, ktgt_parse_uint("1", 0, &v));
	EXPECT_EQ(0, ktgt_parse_uint("18446744073709551615", ULLONG_MAX, &v));
	EXPECT_EQ(ULLONG_MAX, v);
	EXPECT_EQ(-ERANGE, ktgt_parse_uint("18446744073709551616", ULLONG_MAX, &v));
	EXPECT_EQ(-ERANGE, ktgt_parse_uint("65536", 65535, &v));
	EXPECT_EQ(0, ktgt_parse_uint("65535", 65535, &v));
	EXPECT_EQ(65535U, v);
}

FIXTURE(name) {};
FIXTURE_SETUP(name) {}
FIXTURE_TEARDOWN(name) {}

FIXTURE_VARIANT(name) {
	const char *in;
	int err;
};

FIXTURE_VARIANT_ADD(name, iqn) { .in = "iqn.2012-11.li.cudd.router:htpc1" };
FIXTURE_VARIANT_ADD(name, iqn_no_suffix) { .in = "iqn.2001-04.com.example" };
FIXTURE_VARIANT_ADD(name, iqn_colons) { .in = "iqn.1993-08.org.debian:01:4d3ee1b5f6a" };
FIXTURE_VARIANT_ADD(name, iqn_upper) { .in = "IQN.2024-01.Org.Example:Disk-1" };
FIXTURE_VARIANT_ADD(name, eui) { .in = "eui.02004567A425678D" };
FIXTURE_VARIANT_ADD(name, naa16) { .in = "naa.52004567BA64678D" };
FIXTURE_VARIANT_ADD(name, naa32) { .in = "naa.62004567BA64678D0123456789ABCDEF" };
FIXTURE_VARIANT_ADD(name, empty) { .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, no_type) { .in = "target1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, all) { .in = "ALL", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_only) { .in = "iqn.", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_no_authority) { .in = "iqn.2024-01.", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_no_dot) { .in = "iqn.2024-01", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_bad_month) { .in = "iqn.2024-1.org.example", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_bad_year) { .in = "iqn.24-01.org.example", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_space) { .in = "iqn.2024-01.org.example:a b", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_newline) { .in = "iqn.2024-01.org.example:a\n", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_underscore) { .in = "iqn.2024-01.org.ex_ample", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_slash) { .in = "iqn.2024-01.org.example:a/b", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, iqn_utf8) { .in = "iqn.2024-01.org.example:\xc3\xa9", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, eui_short) { .in = "eui.02004567A425678", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, eui_long) { .in = "eui.02004567A425678D0", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, eui_not_hex) { .in = "eui.02004567A425678G", .err = -EINVAL };
FIXTURE_VARIANT_ADD(name, naa_24) { .in = "naa.0123456789abcdef01234567", .err = -EINVAL };

TEST_F(name, check)
{
	EXPECT_EQ(variant->err, ktgt_check_name(variant->in));
}

TEST(name_length)
{
	static const char prefix[] = "iqn.2024-01.org.example:";
	char name[KTGT_NAME_MAX + 2];

	memset(name, 'a', sizeof(name));
	memcpy(name, prefix, sizeof(prefix) - 1);
	name[KTGT_NAME_MAX] = '\0';
	EXPECT_EQ(0, ktgt_check_name(name));
	name[KTGT_NAME_MAX] = 'a';
	name[KTGT_NAME_MAX + 1] = '\0';
	EXPECT_EQ(-ENAMETOOLONG, ktgt_check_name(name));
}

TEST(name_lower)
{
	char name[] = "IQN.2024-01.Org.Example:Disk-1";
	char eui[] = "eui.02004567A425678D";

	ktgt_name_lower(name);
	EXPECT_STREQ("iqn.2024-01.org.example:disk-1", name);
	EXPECT_EQ(0, ktgt_check_name(name));
	ktgt_name_lower(eui);
	EXPECT_STREQ("eui.02004567a425678d", eui);
}

FIXTURE(onoff) {};
FIXTURE_SETUP(onoff) {}
FIXTURE_TEARDOWN(onoff) {}

FIXTURE_VARIANT(onoff) {
	const char *in;
	int err;
	bool on;
};

FIXTURE_VARIANT_ADD(onoff, on) { .in = "on", .on = true };
FIXTURE_VARIANT_ADD(onoff, off) { .in = "off", .on = false };
FIXTURE_VARIANT_ADD(onoff, yes) { .in = "yes", .on = true };
FIXTURE_VARIANT_ADD(onoff, no) { .in = "no", .on = false };
FIXTURE_VARIANT_ADD(onoff, one) { .in = "1", .on = true };
FIXTURE_VARIANT_ADD(onoff, zero) { .in = "0", .on = false };
FIXTURE_VARIANT_ADD(onoff, empty) { .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(onoff, upper) { .in = "ON", .err = -EINVAL };
FIXTURE_VARIANT_ADD(onoff, prefix) { .in = "o", .err = -EINVAL };
FIXTURE_VARIANT_ADD(onoff, longer) { .in = "onn", .err = -EINVAL };
FIXTURE_VARIANT_ADD(onoff, two) { .in = "2", .err = -EINVAL };

TEST_F(onoff, parse)
{
	bool on = !variant->on;

	ASSERT_EQ(variant->err, ktgt_parse_onoff(variant->in, &on));
	if (!variant->err)
		EXPECT_EQ(variant->on, on);
}

TEST(size)
{
	static const struct {
		uint64_t bytes;
		const char *out;
	} cases[] = {
		{ 0, "0 MB" },
		{ 524287, "0 MB" },
		{ 524288, "1 MB" },
		{ 1048576, "1 MB" },
		{ 1572863, "1 MB" },
		{ 1572864, "2 MB" },
		{ 268435456, "256 MB" },
		{ UINT64_MAX, "17592186044416 MB" },
	};
	char out[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ktgt_format_size(cases[i].bytes, out, sizeof(out));
		EXPECT_STREQ(cases[i].out, out);
	}
}

/* Run @fn on a memory stream and return what it wrote (to be freed). */
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

FIXTURE(json_escape) {};
FIXTURE_SETUP(json_escape) {}
FIXTURE_TEARDOWN(json_escape) {}

FIXTURE_VARIANT(json_escape) {
	const char *in;
	const char *out;
};

FIXTURE_VARIANT_ADD(json_escape, empty) { .in = "", .out = "\"\"" };
FIXTURE_VARIANT_ADD(json_escape, plain) {
	.in = "iqn.2024-01.org.example:t1", .out = "\"iqn.2024-01.org.example:t1\"",
};
FIXTURE_VARIANT_ADD(json_escape, slash_kept) { .in = "/dev/ram0", .out = "\"/dev/ram0\"" };
FIXTURE_VARIANT_ADD(json_escape, quote) { .in = "a\"b", .out = "\"a\\\"b\"" };
FIXTURE_VARIANT_ADD(json_escape, backslash) { .in = "a\\b", .out = "\"a\\\\b\"" };
FIXTURE_VARIANT_ADD(json_escape, short_escapes) {
	.in = "\b\f\n\r\t", .out = "\"\\b\\f\\n\\r\\t\"",
};
FIXTURE_VARIANT_ADD(json_escape, controls) {
	.in = "\x01\x1f\x7f", .out = "\"\\u0001\\u001f\\u007f\"",
};
FIXTURE_VARIANT_ADD(json_escape, utf8_2) { .in = "caf\xc3\xa9", .out = "\"caf\xc3\xa9\"" };
FIXTURE_VARIANT_ADD(json_escape, utf8_3) { .in = "\xe2\x82\xac", .out = "\"\xe2\x82\xac\"" };
FIXTURE_VARIANT_ADD(json_escape, utf8_4) {
	.in = "\xf0\x9f\x98\x80", .out = "\"\xf0\x9f\x98\x80\"",
};
FIXTURE_VARIANT_ADD(json_escape, bad_byte) { .in = "a\xff" "b", .out = "\"a\\ufffdb\"" };
FIXTURE_VARIANT_ADD(json_escape, truncated) { .in = "a\xc3", .out = "\"a\\ufffd\"" };
FIXTURE_VARIANT_ADD(json_escape, truncated_3) {
	.in = "\xe2\x82" "x", .out = "\"\\ufffd\\ufffdx\"",
};
FIXTURE_VARIANT_ADD(json_escape, overlong) {
	.in = "\xc0\xaf", .out = "\"\\ufffd\\ufffd\"",
};
FIXTURE_VARIANT_ADD(json_escape, overlong_3) {
	.in = "\xe0\x80\xaf", .out = "\"\\ufffd\\ufffd\\ufffd\"",
};
FIXTURE_VARIANT_ADD(json_escape, surrogate) {
	.in = "\xed\xa0\x80", .out = "\"\\ufffd\\ufffd\\ufffd\"",
};
FIXTURE_VARIANT_ADD(json_escape, above_max) {
	.in = "\xf4\x90\x80\x80", .out = "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
};
FIXTURE_VARIANT_ADD(json_escape, max) { .in = "\xf4\x8f\xbf\xbf", .out = "\"\xf4\x8f\xbf\xbf\"" };

TEST_F(json_escape, escape)
{
	char *out = CAPTURE(f, json_escape(f, variant->in));

	EXPECT_STREQ(variant->out, out);
	free(out);
}

static void write_doc(FILE *f, int indent)
{
	struct json_writer w;

	json_init(&w, f, indent);
	json_begin_object(&w, NULL);
	json_string(&w, "name", "t\"1");
	json_uint(&w, "tid", 18446744073709551615ULL);
	json_bool(&w, "ro", false);
	json_string(&w, "path", NULL);
	json_begin_array(&w, "empty");
	json_end_array(&w);
	json_begin_array(&w, "list");
	json_string(&w, NULL, "ALL");
	json_begin_object(&w, NULL);
	json_bool(&w, "x", true);
	json_end_object(&w);
	json_end_array(&w);
	json_begin_object(&w, "none");
	json_end_object(&w);
	json_end_object(&w);
}

TEST(json_compact)
{
	char *out = CAPTURE(f, write_doc(f, 0));

	EXPECT_STREQ("{\"name\":\"t\\\"1\",\"tid\":18446744073709551615,\"ro\":false,"
		     "\"path\":null,\"empty\":[],\"list\":[\"ALL\",{\"x\":true}],"
		     "\"none\":{}}\n", out);
	free(out);
}

TEST(json_pretty)
{
	char *out = CAPTURE(f, write_doc(f, 2));

	EXPECT_STREQ("{\n"
		     "  \"name\": \"t\\\"1\",\n"
		     "  \"tid\": 18446744073709551615,\n"
		     "  \"ro\": false,\n"
		     "  \"path\": null,\n"
		     "  \"empty\": [],\n"
		     "  \"list\": [\n"
		     "    \"ALL\",\n"
		     "    {\n"
		     "      \"x\": true\n"
		     "    }\n"
		     "  ],\n"
		     "  \"none\": {}\n"
		     "}\n", out);
	free(out);
}

TEST(json_empty_array)
{
	struct json_writer w;
	char *out = CAPTURE(f, ({
		json_init(&w, f, 2);
		json_begin_array(&w, NULL);
		json_end_array(&w);
	}));

	EXPECT_STREQ("[]\n", out);
	free(out);
}

static int run_nothing(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	return CLI_OK;
}

static const struct cli_cmd lookup_table[] = {
	{ .name = "add", .run = run_nothing },
	{ .name = "acl", .run = run_nothing },
	{ .name = "del", .run = run_nothing },
	{ .name = "delete", .run = run_nothing },
	{ .name = "show", .run = run_nothing },
	{ }
};

FIXTURE(lookup) {};
FIXTURE_SETUP(lookup) {}
FIXTURE_TEARDOWN(lookup) {}

FIXTURE_VARIANT(lookup) {
	const char *word;
	const char *found;	/* NULL: no match */
	bool ambiguous;
};

FIXTURE_VARIANT_ADD(lookup, exact) { .word = "show", .found = "show" };
FIXTURE_VARIANT_ADD(lookup, prefix) { .word = "sh", .found = "show" };
FIXTURE_VARIANT_ADD(lookup, one_letter) { .word = "s", .found = "show" };
FIXTURE_VARIANT_ADD(lookup, ambiguous) { .word = "a", .ambiguous = true };
FIXTURE_VARIANT_ADD(lookup, disambiguated) { .word = "ad", .found = "add" };
FIXTURE_VARIANT_ADD(lookup, exact_beats_prefix) { .word = "del", .found = "del" };
FIXTURE_VARIANT_ADD(lookup, longer_name) { .word = "dele", .found = "delete" };
FIXTURE_VARIANT_ADD(lookup, ambiguous_prefix) { .word = "de", .ambiguous = true };
FIXTURE_VARIANT_ADD(lookup, unknown) { .word = "x" };
FIXTURE_VARIANT_ADD(lookup, longer_than_name) { .word = "shows" };
FIXTURE_VARIANT_ADD(lookup, empty) { .word = "" };
FIXTURE_VARIANT_ADD(lookup, case_matters) { .word = "SHOW" };

TEST_F(lookup, lookup)
{
	const struct cli_cmd *cmd;
	bool ambiguous = !variant->ambiguous;

	cmd = cli_lookup(lookup_table, variant->word, &ambiguous);
	EXPECT_EQ(variant->ambiguous, ambiguous);
	if (variant->found) {
		ASSERT_NE(NULL, cmd);
		EXPECT_STREQ(variant->found, cmd->name);
	} else {
		EXPECT_EQ(NULL, cmd);
	}
}

static int run_count(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	*(int *)ctx = argc;
	return 42;
}

static const struct cli_cmd dispatch_sub[] = {
	{ .name = "add", .args = "A [B]", .help = "h", .run = run_count, .min_args = 1,
	  .max_args = 2 },
	{ }
};

static const struct cli_cmd dispatch_top[] = {
	{ .name = "obj", .sub = dispatch_sub },
	{ }
};

static int dispatch_quietly(int argc, char **argv, int *seen, char *err, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	int ret;
	size_t n;

	if (!tmp || saved < 0)
		return -1;
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	ret = cli_dispatch(dispatch_top, NULL, argc, argv, false, seen);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, len - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	return ret;
}

/* Only the paths that print nothing on stdout; the CLI test covers the rest. */
FIXTURE(dispatch) {};
FIXTURE_SETUP(dispatch) {}
FIXTURE_TEARDOWN(dispatch) {}

FIXTURE_VARIANT(dispatch) {
	char *argv[6];
	int ret;
	int seen;		/* the argc the command got, -1 if it did not run */
	const char *error;	/* the message after "ktgtctl: " */
};

FIXTURE_VARIANT_ADD(dispatch, one_arg) {
	.argv = { "obj", "add", "x" }, .ret = 42, .seen = 1,
};
FIXTURE_VARIANT_ADD(dispatch, prefixes) {
	.argv = { "o", "a", "x", "y" }, .ret = 42, .seen = 2,
};
FIXTURE_VARIANT_ADD(dispatch, too_many) {
	.argv = { "obj", "add", "x", "y", "z" }, .ret = CLI_USAGE, .seen = -1,
	.error = "usage: ktgtctl obj add A [B]",
};
FIXTURE_VARIANT_ADD(dispatch, too_few) {
	.argv = { "obj", "add" }, .ret = CLI_USAGE, .seen = -1,
	.error = "usage: ktgtctl obj add A [B]",
};
FIXTURE_VARIANT_ADD(dispatch, unknown_object) {
	.argv = { "nope" }, .ret = CLI_USAGE, .seen = -1,
	.error = "unknown object 'nope' (try 'ktgtctl help')",
};
FIXTURE_VARIANT_ADD(dispatch, unknown_command) {
	.argv = { "obj", "nope" }, .ret = CLI_USAGE, .seen = -1,
	.error = "unknown command 'nope' (try 'ktgtctl obj help')",
};
FIXTURE_VARIANT_ADD(dispatch, missing_command) {
	.argv = { "obj" }, .ret = CLI_USAGE, .seen = -1,
	.error = "missing command (try 'ktgtctl obj help')",
};
FIXTURE_VARIANT_ADD(dispatch, nothing) {
	.argv = { }, .ret = CLI_USAGE, .seen = -1,
	.error = "missing object (try 'ktgtctl help')",
};
FIXTURE_VARIANT_ADD(dispatch, control_chars) {
	.argv = { "a\nb\tc" }, .ret = CLI_USAGE, .seen = -1,
	.error = "unknown object 'a?b?c' (try 'ktgtctl help')",
};

TEST_F(dispatch, run)
{
	char err[256], want[256];
	int argc = 0, seen = -1;

	while (variant->argv[argc])
		argc++;
	EXPECT_EQ(variant->ret, dispatch_quietly(argc, (char **)variant->argv, &seen, err,
						 sizeof(err)));
	EXPECT_EQ(variant->seen, seen);
	snprintf(want, sizeof(want), "ktgtctl: %s\n", variant->error);
	EXPECT_STREQ(variant->error ? want : "", err);
}

TEST(error_one_line)
{
	char err[256];
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	ASSERT_NE(NULL, tmp);
	dup2(fileno(tmp), STDERR_FILENO);
	EXPECT_EQ(CLI_ERR, cli_error(CLI_ERR, "kernel said '%s'", "a\r\nb\x7f"));
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(err, 1, sizeof(err) - 1, tmp);
	err[n] = '\0';
	fclose(tmp);
	EXPECT_STREQ("ktgtctl: kernel said 'a??b?'\n", err);
}

/* Login keys: RFC 7143 names in any case, values by type and range. */
FIXTURE(param) {};
FIXTURE_SETUP(param) {}
FIXTURE_TEARDOWN(param) {}

FIXTURE_VARIANT(param) {
	const char *key;
	const char *in;
	int err;
	uint32_t val;
	const char *out;
};

FIXTURE_VARIANT_ADD(param, digest_none) {
	.key = "HeaderDigest", .in = "None", .val = 1, .out = "None",
};
FIXTURE_VARIANT_ADD(param, digest_crc) {
	.key = "datadigest", .in = "crc32c", .val = 2, .out = "CRC32C",
};
FIXTURE_VARIANT_ADD(param, digest_both) {
	.key = "DataDigest", .in = "CRC32C,None", .val = 3, .out = "None,CRC32C",
};
FIXTURE_VARIANT_ADD(param, digest_both_other_order) {
	.key = "DataDigest", .in = "None,CRC32C", .val = 3, .out = "None,CRC32C",
};
FIXTURE_VARIANT_ADD(param, digest_twice) { .key = "DataDigest", .in = "None,None", .err = -EINVAL };
FIXTURE_VARIANT_ADD(param, digest_empty) { .key = "DataDigest", .in = "", .err = -EINVAL };
FIXTURE_VARIANT_ADD(param, digest_trailing_comma) {
	.key = "DataDigest", .in = "None,", .err = -EINVAL,
};
FIXTURE_VARIANT_ADD(param, digest_unknown) { .key = "DataDigest", .in = "MD5", .err = -EINVAL };
FIXTURE_VARIANT_ADD(param, bool_yes) { .key = "IMMEDIATEDATA", .in = "yes", .val = 1, .out = "Yes" };
FIXTURE_VARIANT_ADD(param, bool_no) { .key = "InitialR2T", .in = "No", .val = 0, .out = "No" };
FIXTURE_VARIANT_ADD(param, bool_one) { .key = "InitialR2T", .in = "1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(param, dsl_min) {
	.key = "MaxRecvDataSegmentLength", .in = "512", .val = 512, .out = "512",
};
FIXTURE_VARIANT_ADD(param, dsl_max) {
	.key = "MaxBurstLength", .in = "16777215", .val = 16777215, .out = "16777215",
};
FIXTURE_VARIANT_ADD(param, dsl_below) { .key = "FirstBurstLength", .in = "511", .err = -ERANGE };
FIXTURE_VARIANT_ADD(param, dsl_above) {
	.key = "FirstBurstLength", .in = "16777216", .err = -ERANGE,
};
FIXTURE_VARIANT_ADD(param, huge) {
	.key = "FirstBurstLength", .in = "99999999999999999999999", .err = -ERANGE,
};
FIXTURE_VARIANT_ADD(param, r2t_zero) { .key = "MaxOutstandingR2T", .in = "0", .err = -ERANGE };
FIXTURE_VARIANT_ADD(param, time2wait_zero) {
	.key = "DefaultTime2Wait", .in = "0", .val = 0, .out = "0",
};
FIXTURE_VARIANT_ADD(param, time2retain_above) {
	.key = "DefaultTime2Retain", .in = "3601", .err = -ERANGE,
};
FIXTURE_VARIANT_ADD(param, negative) { .key = "DefaultTime2Retain", .in = "-1", .err = -EINVAL };
FIXTURE_VARIANT_ADD(param, hex) { .key = "MaxBurstLength", .in = "0x1000", .err = -EINVAL };

TEST_F(param, parse)
{
	const struct ktgt_param_key *k = ktgt_param_lookup(variant->key);
	uint32_t val = 12345;
	char buf[32];

	ASSERT_NE(NULL, k);
	EXPECT_EQ(0, strcasecmp(variant->key, k->name));
	ASSERT_EQ(variant->err, ktgt_param_parse(k, variant->in, &val));
	if (variant->err) {
		EXPECT_EQ(12345U, val);
		return;
	}
	EXPECT_EQ(variant->val, val);
	ktgt_param_format(k, val, buf, sizeof(buf));
	EXPECT_STREQ(variant->out, buf);
}

/* One entry per attribute, each with a distinct name. */
TEST(param_table)
{
	uint32_t seen = 0;
	size_t i;

	EXPECT_EQ((size_t)KTGT_A_PARAMS_MAX, ktgt_nr_param_keys);
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		const struct ktgt_param_key *k = &ktgt_param_keys[i];

		EXPECT_EQ(k, ktgt_param_lookup(k->name));
		EXPECT_GT(k->attr, 0);
		EXPECT_LE(k->attr, KTGT_A_PARAMS_MAX);
		EXPECT_FALSE(seen & (1u << k->attr));
		seen |= 1u << k->attr;
		EXPECT_EQ(k->attr == KTGT_A_PARAMS_MAX_XMIT_DSL, k->session_only);
	}
	EXPECT_EQ(NULL, ktgt_param_lookup("MaxConnections"));
	EXPECT_EQ(NULL, ktgt_param_lookup(""));
}

TEST_HARNESS_MAIN
