// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for ktgtctl's targets.conf support (userspace/config.c): every
 * directive, errors with their file and line, includes, the seed's file,
 * save round trips, plans between a file and a running state, and their
 * rollback. The fixture files are in tests/unit/data/.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "params.c"
#include "parse.c"
#include "config.c"

#include "kselftest_harness.h"

#define T	"iqn.2024-01.org.example:t"
#define HEAD	"default-driver iscsi\n\n<target " T ">\n"
#define TAIL	"</target>\n"
#define IN	"    "
/* 0,2,4,...,398 */
#define EVEN_CPUS \
	"0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,38,40,42,44,46,48," \
	"50,52,54,56,58,60,62,64,66,68,70,72,74,76,78,80,82,84,86,88,90,92,94," \
	"96,98,100,102,104,106,108,110,112,114,116,118,120,122,124,126,128,130," \
	"132,134,136,138,140,142,144,146,148,150,152,154,156,158,160,162,164," \
	"166,168,170,172,174,176,178,180,182,184,186,188,190,192,194,196,198," \
	"200,202,204,206,208,210,212,214,216,218,220,222,224,226,228,230,232," \
	"234,236,238,240,242,244,246,248,250,252,254,256,258,260,262,264,266," \
	"268,270,272,274,276,278,280,282,284,286,288,290,292,294,296,298,300," \
	"302,304,306,308,310,312,314,316,318,320,322,324,326,328,330,332,334," \
	"336,338,340,342,344,346,348,350,352,354,356,358,360,362,364,366,368," \
	"370,372,374,376,378,380,382,384,386,388,390,392,394,396,398"
#define S10	"0123456789"
#define S50	S10 S10 S10 S10 S10
/* the longest CHAP secret (and user name): 255 characters */
#define S255	S50 S50 S50 S50 S50 "abcde"

/* tests/unit/data/NAME, wherever the test runs from */
static const char *data_path(const char *name)
{
	static char buf[PATH_MAX];
	char src[PATH_MAX];

	snprintf(src, sizeof(src), "%s", __FILE__);
	snprintf(buf, sizeof(buf), "%s/data/%s", dirname(src), name);
	return buf;
}

/* What ktgt_conf_write() prints, as a string to free */
static char *conf_text(const struct ktgt_conf *conf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (ktgt_conf_write(f, conf)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static char *plan_text(const struct ktgt_plan *plan)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	ktgt_plan_print(f, plan);
	fclose(f);
	return buf;
}

static void dump_errors(const struct ktgt_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr_errors; i++)
		fprintf(stderr, "#   %s\n", conf->errors[i].text);
}

static bool has_error(const struct ktgt_conf *conf, const char *msg)
{
	size_t i;

	for (i = 0; i < conf->nr_errors; i++) {
		if (!strcmp(conf->errors[i].text, msg))
			return true;
	}
	return false;
}

/*
 * Every directive: a file in, what save writes for it out. The output is
 * canonical: defaults are left out, target-level options move into each
 * LUN, and LUNs are in order.
 */
FIXTURE(directive) {
	struct ktgt_conf conf;
};
FIXTURE_SETUP(directive) { ktgt_conf_init(&self->conf); }
FIXTURE_TEARDOWN(directive) { ktgt_conf_free(&self->conf); }

FIXTURE_VARIANT(directive) {
	const char *in;
	const char *out;
};

FIXTURE_VARIANT_ADD(directive, default_driver) {
	.in = "default-driver iscsi\n",
	.out = "default-driver iscsi\n",
};
FIXTURE_VARIANT_ADD(directive, default_driver_case) {
	.in = "Default-Driver ISCSI\n# nothing else\n",
	.out = "default-driver iscsi\n",
};
FIXTURE_VARIANT_ADD(directive, empty_target) {
	.in = "<target " T ">\n</target>\n",
	.out = HEAD TAIL,
};
FIXTURE_VARIANT_ADD(directive, target_lower_case) {
	.in = "<target IQN.2024-01.org.Example:T>\n</target>\n",
	.out = HEAD TAIL,
};
FIXTURE_VARIANT_ADD(directive, eui_target) {
	.in = "<target eui.0123456789ABCDEF>\n</target>\n",
	.out = "default-driver iscsi\n\n<target eui.0123456789abcdef>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, tag_spacing_comments) {
	.in = "  < target " T " >   # a comment\n\t# another\n\n</target>#comment\n",
	.out = NULL,
};
FIXTURE_VARIANT_ADD(directive, portal) {
	.in = "<target " T ">\nportal 192.0.2.1\nportal [2001:db8::1]:860\n</target>\n",
	.out = HEAD IN "portal 192.0.2.1:3260\n" IN "portal [2001:db8::1]:860\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, portal_default_written_once) {
	.in = "<target " T ">\nportal 0.0.0.0:3260\n</target>\n",
	.out = HEAD TAIL,
};
FIXTURE_VARIANT_ADD(directive, key_equals_value) {
	.in = "<target " T ">\nportal = 192.0.2.1:3261\n</target>\n",
	.out = HEAD IN "portal 192.0.2.1:3261\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, backing_store) {
	.in = "<target " T ">\nbacking-store /dev/vg/lv\n</target>\n",
	.out = HEAD IN "backing-store /dev/vg/lv\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, direct_store) {
	.in = "<target " T ">\ndirect-store /dev/sdb\n</target>\n",
	.out = HEAD IN "direct-store /dev/sdb\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, null_store) {
	.in = "<target " T ">\nnull-store 64M\nnull-store 1000\n</target>\n",
	.out = HEAD IN "null-store 64M\n" IN "null-store 1000\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, store_blocks) {
	.in = "<target " T ">\n<backing-store /a>\n</backing-store>\n"
	      "<direct-store /b>\n</direct-store>\n<null-store 2G>\n</null-store>\n</target>\n",
	.out = HEAD IN "backing-store /a\n" IN "direct-store /b\n" IN "null-store 2G\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, quoted_path) {
	.in = "<target " T ">\n<backing-store \"/srv/a \\\"b\\\" #c.img\">\n</backing-store>\n"
	      "backing-store \"/srv/d e\"\n</target>\n",
	.out = HEAD IN "backing-store \"/srv/a \\\"b\\\" #c.img\"\n" IN "backing-store \"/srv/d e\"\n"
	       TAIL,
};
FIXTURE_VARIANT_ADD(directive, lun_numbers) {
	.in = "<target " T ">\nbacking-store /a\n<backing-store /c>\nlun 2\n</backing-store>\n"
	      "backing-store /b\n</target>\n",
	.out = HEAD IN "backing-store /a\n" IN "backing-store /c\n" IN "backing-store /b\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, lun_gap) {
	.in = "<target " T ">\nbacking-store /a\n<backing-store /c>\nlun 5\n</backing-store>\n"
	      "backing-store /b\n</target>\n",
	.out = HEAD IN "backing-store /a\n" IN "backing-store /b\n" IN "<backing-store /c>\n"
	       IN IN "lun 5\n" IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, lun_zero_and_max) {
	.in = "<target " T ">\n<backing-store /b>\nlun 16383\n</backing-store>\n"
	      "<backing-store /a>\nlun 0\n</backing-store>\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 0\n" IN "</backing-store>\n"
	       IN "<backing-store /b>\n" IN IN "lun 16383\n" IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, readonly) {
	.in = "<target " T ">\n<backing-store /a>\nreadonly 1\n</backing-store>\n"
	      "<backing-store /b>\nreadonly off\n</backing-store>\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "readonly 1\n"
	       IN "</backing-store>\n" IN "<backing-store /b>\n" IN IN "lun 2\n"
	       IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, write_cache) {
	.in = "<target " T ">\n<backing-store /a>\nwrite-cache off\n</backing-store>\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "write-cache off\n"
	       IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, bsoflags_direct) {
	.in = "<target " T ">\n<backing-store /a>\nbsoflags direct\n</backing-store>\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "bsoflags direct\n"
	       IN "</backing-store>\n" TAIL,
};
/* tgt's sync (O_SYNC): every write durable first, which write-cache off is */
FIXTURE_VARIANT_ADD(directive, bsoflags_sync_direct) {
	.in = "<target " T ">\n<backing-store /a>\nbsoflags sync:direct\n</backing-store>\n"
	      "</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "write-cache off\n"
	       IN IN "bsoflags direct\n" IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, target_level_defaults) {
	.in = "<target " T ">\nbacking-store /a\n<backing-store /b>\nwrite-cache on\n"
	      "</backing-store>\nwrite-cache no\nreadonly yes\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "readonly 1\n"
	       IN IN "write-cache off\n" IN "</backing-store>\n" IN "<backing-store /b>\n"
	       IN IN "lun 2\n" IN IN "readonly 1\n" IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, identity) {
	.in = "<target " T ">\nvendor_id ACME\n<backing-store /a>\nvendor_id KTGT\n"
	      "product_id \"Disk One\"\nproduct_rev 0001\nscsi_sn SN1\nscsi_id ID1\n"
	      "</backing-store>\nbacking-store /b\n</target>\n",
	.out = HEAD IN "<backing-store /a>\n" IN IN "lun 1\n" IN IN "vendor_id KTGT\n"
	       IN IN "product_id \"Disk One\"\n" IN IN "product_rev 0001\n"
	       IN IN "scsi_sn SN1\n" IN IN "scsi_id ID1\n" IN "</backing-store>\n"
	       IN "<backing-store /b>\n" IN IN "lun 2\n" IN IN "vendor_id ACME\n"
	       IN "</backing-store>\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, initiator_name) {
	.in = "<target " T ">\ninitiator-name iqn.1993-08.org.Debian:01:AB\n"
	      "initiator-name naa.0123456789abcdef\n</target>\n",
	.out = HEAD IN "initiator-name iqn.1993-08.org.debian:01:ab\n"
	       IN "initiator-name naa.0123456789abcdef\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, initiator_address_all) {
	.in = "<target " T ">\ninitiator-address all\n</target>\n",
	.out = HEAD TAIL,
};
FIXTURE_VARIANT_ADD(directive, initiator_address) {
	.in = "<target " T ">\ninitiator-address 192.0.2.7\ninitiator-address 2001:db8::/32\n"
	      "</target>\n",
	.out = HEAD IN "initiator-address 192.0.2.7\n" IN "initiator-address 2001:db8::/32\n"
	       TAIL,
};
FIXTURE_VARIANT_ADD(directive, all_and_name) {
	.in = "<target " T ">\ninitiator-address ALL\ninitiator-name iqn.1993-08.org.debian:01:ab\n"
	      "</target>\n",
	.out = HEAD IN "initiator-address ALL\n" IN "initiator-name iqn.1993-08.org.debian:01:ab\n"
	       TAIL,
};
FIXTURE_VARIANT_ADD(directive, users) {
	.in = "<target " T ">\nincominguser alice secretsecret12\nincominguser bob \"pass word 12\"\n"
	      "outgoinguser tgt secretsecret34\n</target>\n",
	.out = HEAD IN "incominguser alice secretsecret12\n"
	       IN "incominguser bob \"pass word 12\"\n" IN "outgoinguser tgt secretsecret34\n" TAIL,
};
/* the limits: 12 and 255 characters; a user may also be an outgoinguser */
FIXTURE_VARIANT_ADD(directive, user_secret_lengths) {
	.in = "<target " T ">\noutgoinguser alice " S255 "\nincominguser alice 123456789012\n"
	      "</target>\n",
	.out = HEAD IN "incominguser alice 123456789012\n" IN "outgoinguser alice " S255 "\n" TAIL,
};
/* a quoted "=" is a value, not Config::General's "key = value" */
FIXTURE_VARIANT_ADD(directive, user_named_equals) {
	.in = "<target " T ">\nincominguser \"=\" \"=secret #123\"\nincominguser = x secretsecret12\n"
	      "</target>\n",
	.out = HEAD IN "incominguser \"=\" \"=secret #123\"\n" IN "incominguser x secretsecret12\n"
	       TAIL,
};

/* login keys as tgt writes them; save writes those that are not the default */
FIXTURE_VARIANT_ADD(directive, login_keys) {
	.in = "<target " T ">\nMaxRecvDataSegmentLength 65536\nMaxBurstLength 131072\n"
	      "FirstBurstLength 8192\nInitialR2T Yes\nImmediateData No\nMaxOutstandingR2T 1\n"
	      "HeaderDigest CRC32C\nDataDigest None\nDefaultTime2Wait 0\n"
	      "DefaultTime2Retain 0\n</target>\n",
	.out = HEAD IN "HeaderDigest CRC32C\n" IN "DataDigest None\n"
	       IN "MaxRecvDataSegmentLength 65536\n" IN "MaxBurstLength 131072\n"
	       IN "FirstBurstLength 8192\n" IN "InitialR2T Yes\n" IN "ImmediateData No\n"
	       IN "MaxOutstandingR2T 1\n" IN "DefaultTime2Wait 0\n" IN "DefaultTime2Retain 0\n"
	       TAIL,
};
FIXTURE_VARIANT_ADD(directive, login_keys_at_default) {
	.in = "<target " T ">\nMaxRecvDataSegmentLength 262144\nMaxBurstLength 1048576\n"
	      "FirstBurstLength 262144\nInitialR2T No\nImmediateData Yes\nMaxOutstandingR2T 16\n"
	      "HeaderDigest CRC32C,None\nDataDigest None,CRC32C\nDefaultTime2Wait 2\n"
	      "DefaultTime2Retain 20\n</target>\n",
	.out = HEAD TAIL,
};
FIXTURE_VARIANT_ADD(directive, login_keys_any_case) {
	.in = "<target " T ">\nmaxburstlength = 524288\nheaderdigest crc32c,none\n"
	      "INITIALR2T yes\n</target>\n",
	.out = HEAD IN "MaxBurstLength 524288\n" IN "InitialR2T Yes\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, cpus) {
	.in = "<target " T ">\ncpus 3,0,1\nbacking-store /a\n</target>\n",
	.out = HEAD IN "cpus 0-1,3\n" IN "backing-store /a\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, cpus_ranges_merged) {
	.in = "<target " T ">\ncpus 4-6,0-2,3,10-10\n</target>\n",
	.out = HEAD IN "cpus 0-6,10\n" TAIL,
};
/* a list longer than any fixed buffer: every even CPU */
FIXTURE_VARIANT_ADD(directive, cpus_long) {
	.in = "<target " T ">\ncpus " EVEN_CPUS "\n</target>\n",
	.out = HEAD IN "cpus " EVEN_CPUS "\n" TAIL,
};
FIXTURE_VARIANT_ADD(directive, cpus_none) {
	.in = "<target " T ">\ncpus none\n</target>\n",
	.out = HEAD TAIL,
};

TEST_F(directive, save)
{
	char *out;

	ASSERT_EQ(0, ktgt_conf_parse_string(&self->conf, "mem.conf", variant->in))
		dump_errors(&self->conf);
	out = conf_text(&self->conf);
	ASSERT_NE(NULL, out);
	EXPECT_STREQ(variant->out ? variant->out : HEAD TAIL, out);
	free(out);
}

/* Errors: the file, the error every parse must report (among others). */
FIXTURE(error) {
	struct ktgt_conf conf;
};
FIXTURE_SETUP(error) { ktgt_conf_init(&self->conf); }
FIXTURE_TEARDOWN(error) { ktgt_conf_free(&self->conf); }

FIXTURE_VARIANT(error) {
	const char *in;
	const char *err;
	size_t nr_errors;
};

#define TGT	"<target " T ">\n"

FIXTURE_VARIANT_ADD(error, unknown_directive) {
	.in = TGT "backing-store /a\nfrobnicate 1\n</target>\n",
	.err = "mem.conf:3: unknown directive 'frobnicate'", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, unknown_block) {
	.in = TGT "<disk /a>\n</target>\n",
	.err = "mem.conf:2: unknown block <disk>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, missing_end_target) {
	.in = "default-driver iscsi\n" TGT "backing-store /a\n",
	.err = "mem.conf:2: <target " T "> is missing </target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, duplicate_target) {
	.in = TGT "</target>\n\n<target IQN.2024-01.org.example:t>\n</target>\n",
	.err = "mem.conf:4: duplicate target " T " (first at mem.conf:1)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_iqn) {
	.in = "<target iqn.2024-1.org.example:t>\n</target>\n",
	.err = "mem.conf:1: invalid target name 'iqn.2024-1.org.example:t' (expected iqn.YYYY-MM.domain[:ID], eui.<16 hex> or naa.<16|32 hex>)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_name_chars) {
	.in = "<target iqn.2024-01.org.example:a_b>\n</target>\n",
	.err = "mem.conf:1: invalid target name 'iqn.2024-01.org.example:a_b' (expected iqn.YYYY-MM.domain[:ID], eui.<16 hex> or naa.<16|32 hex>)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_initiator_name) {
	.in = TGT "initiator-name bob\n</target>\n",
	.err = "mem.conf:2: invalid initiator name 'bob' (expected iqn.YYYY-MM.domain[:ID], eui.<16 hex> or naa.<16|32 hex>)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_portal) {
	.in = TGT "portal 192.0.2.300\n</target>\n",
	.err = "mem.conf:2: invalid portal '192.0.2.300' (expected A.B.C.D[:PORT] or [IPV6][:PORT])",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_port) {
	.in = TGT "portal 192.0.2.3:65536\n</target>\n",
	.err = "mem.conf:2: invalid port in portal '192.0.2.3:65536' (expected 1..65535)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, duplicate_portal) {
	.in = TGT "portal 192.0.2.3\nportal 192.0.2.3:3260\n</target>\n",
	.err = "mem.conf:3: duplicate portal '192.0.2.3:3260'", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, lun_out_of_range) {
	.in = TGT "<backing-store /a>\nlun 16384\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: invalid LUN '16384' (expected 0..16383)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, lun_not_a_number) {
	.in = TGT "<backing-store /a>\nlun -1\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: invalid LUN '-1' (expected 0..16383)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, duplicate_lun) {
	.in = TGT "<backing-store /a>\nlun 4\n</backing-store>\n"
	      "<direct-store /b>\nlun 4\n</direct-store>\n</target>\n",
	.err = "mem.conf:5: duplicate LUN 4 (line 2)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, lun_twice) {
	.in = TGT "<backing-store /a>\nlun 4\nlun 5\n</backing-store>\n</target>\n",
	.err = "mem.conf:4: lun is set twice in this block", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, lun_outside_store) {
	.in = TGT "lun 1\n</target>\n",
	.err = "mem.conf:2: 'lun' is only allowed in a <backing-store>, <direct-store> or <null-store> block",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, nested_target) {
	.in = TGT "backing-store /a\n<target iqn.2024-01.org.example:u>\n</target>\n",
	.err = "mem.conf:3: <target> inside <target " T "> (missing </target>?)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, nested_store) {
	.in = TGT "<backing-store /a>\n<backing-store /b>\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: <backing-store> inside <backing-store /a> (missing </backing-store>?)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, unterminated_store) {
	.in = TGT "<direct-store /dev/sdb>\nlun 1\n</target>\n",
	.err = "mem.conf:2: <direct-store /dev/sdb> is missing </direct-store>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, unterminated_store_at_eof) {
	.in = TGT "<direct-store /dev/sdb>\n",
	.err = "mem.conf:2: <direct-store /dev/sdb> is missing </direct-store>", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, wrong_end_tag) {
	.in = TGT "<direct-store /dev/sdb>\n</backing-store>\n</direct-store>\n</target>\n",
	.err = "mem.conf:3: unexpected </backing-store>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, stray_end_target) {
	.in = "</target>\n",
	.err = "mem.conf:1: unexpected </target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, end_tag_value) {
	.in = TGT "</target " T ">\n",
	.err = "mem.conf:2: </target> takes no value", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, missing_gt) {
	.in = "<target " T "\n</target>\n",
	.err = "mem.conf:1: missing '>'", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, text_after_gt) {
	.in = "<target " T "> portal 1.2.3.4\n</target>\n",
	.err = "mem.conf:1: unexpected text after '>'", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, target_without_name) {
	.in = "<target>\n</target>\n",
	.err = "mem.conf:1: <target> takes 1 value", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, unclosed_quote) {
	.in = TGT "backing-store \"/a b\n</target>\n",
	.err = "mem.conf:2: missing closing '\"'", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, too_many_values) {
	.in = TGT "backing-store /a /b\n</target>\n",
	.err = "mem.conf:2: backing-store takes 1 value", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, too_few_values) {
	.in = TGT "incominguser alice\n</target>\n",
	.err = "mem.conf:2: incominguser takes 2 values", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, way_too_many_values) {
	.in = TGT "portal 1 2 3 4 5\n</target>\n",
	.err = "mem.conf:2: too many values", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, default_driver_iser) {
	.in = "default-driver iser\n",
	.err = "mem.conf:1: default-driver 'iser' is not supported (ktgt serves iscsi only)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, default_driver_in_target) {
	.in = TGT "default-driver iscsi\n</target>\n",
	.err = "mem.conf:2: 'default-driver' is not allowed inside <target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, include_in_target) {
	.in = TGT "include /dev/null\n</target>\n",
	.err = "mem.conf:2: 'include' is not allowed inside <target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, portal_outside_target) {
	.in = "portal 127.0.0.1\n",
	.err = "mem.conf:1: 'portal' is only allowed inside <target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, portal_in_store) {
	.in = TGT "<backing-store /a>\nportal 127.0.0.1\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: 'portal' is not allowed in a store block", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, store_outside_target) {
	.in = "<backing-store /a>\n</backing-store>\n",
	.err = "mem.conf:1: <backing-store> is only allowed inside <target>", .nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, bad_readonly) {
	.in = TGT "readonly maybe\n</target>\n",
	.err = "mem.conf:2: invalid value 'maybe' for readonly (expected 1 or 0, on or off, yes or no)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_bsoflags) {
	.in = TGT "<backing-store /a>\nbsoflags direct:async\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: invalid bsoflags 'direct:async' (expected direct, sync or sync:direct)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_write_cache) {
	.in = TGT "<backing-store /a>\nwrite-cache 2\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: invalid value '2' for write-cache (expected 1 or 0, on or off, yes or no)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, vendor_id_too_long) {
	.in = TGT "vendor_id ABCDEFGHI\n</target>\n",
	.err = "mem.conf:2: vendor_id 'ABCDEFGHI' is longer than 8 characters", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_null_size) {
	.in = TGT "null-store 12X\n</target>\n",
	.err = "mem.conf:2: invalid size '12X' (expected bytes, or a number with K, M, G or T)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_initiator_address) {
	.in = TGT "initiator-address 192.0.2.0/33\n</target>\n",
	.err = "mem.conf:2: invalid initiator address '192.0.2.0/33' (expected ALL, or an IPv4 or IPv6 address with an optional /PREFIX)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, duplicate_acl) {
	.in = TGT "initiator-address ALL\ninitiator-name all\n</target>\n",
	.err = "mem.conf:3: initiator-name: ALL is already allowed (line 2)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, two_outgoing_users) {
	.in = TGT "outgoinguser a secretsecret12\noutgoinguser b secretsecret12\n</target>\n",
	.err = "mem.conf:3: only one outgoinguser per target (the first is on line 2)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, short_secret) {
	.in = TGT "incominguser alice 12345678901\n</target>\n",
	.err = "mem.conf:2: incominguser alice: the secret has 11 characters (expected 12 to 255)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, long_secret) {
	.in = TGT "outgoinguser tgt " S255 "x\n</target>\n",
	.err = "mem.conf:2: outgoinguser tgt: the secret has 256 characters (expected 12 to 255)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, empty_secret) {
	.in = TGT "incominguser alice \"\"\n</target>\n",
	.err = "mem.conf:2: incominguser needs a user name and a secret", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, long_user) {
	.in = TGT "incominguser " S255 "x secretsecret12\n</target>\n",
	.err = "mem.conf:2: incominguser: the user name is longer than 255 characters",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, duplicate_incoming_user) {
	.in = TGT "incominguser alice secretsecret12\nincominguser alice secretsecret34\n"
	      "</target>\n",
	.err = "mem.conf:3: duplicate incominguser 'alice' (line 2)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, two_discovery_outgoing) {
	.in = "outgoinguser tgt secretsecret12\noutgoinguser tgt2 secretsecret12\n",
	.err = "mem.conf:2: only one outgoinguser per discovery (the first is on line 1)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, user_in_store) {
	.in = TGT "<backing-store /a>\nincominguser a secretsecret12\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: 'incominguser' is not allowed in a store block", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, missing_include) {
	.in = "include /nonexistent/ktgt.conf\n",
	.err = "mem.conf:1: cannot include /nonexistent/ktgt.conf: No such file or directory",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, every_error_reported) {
	.in = TGT "bogus\nportal x\n<backing-store /a>\nlun y\n</backing-store>\n</target>\nfoo\n",
	.err = "mem.conf:8: unknown directive 'foo'", .nr_errors = 4,
};

FIXTURE_VARIANT_ADD(error, bad_bool_key) {
	.in = TGT "backing-store /a\nInitialR2T maybe\n</target>\n",
	.err = "mem.conf:3: invalid value 'maybe' for InitialR2T (expected Yes or No)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_digest) {
	.in = TGT "HeaderDigest MD5\n</target>\n",
	.err = "mem.conf:2: invalid value 'MD5' for HeaderDigest (expected None, CRC32C or CRC32C,None)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, digest_twice_in_list) {
	.in = TGT "\nDataDigest None,None\n</target>\n",
	.err = "mem.conf:3: invalid value 'None,None' for DataDigest (expected None, CRC32C or CRC32C,None)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, key_out_of_range) {
	.in = TGT "MaxRecvDataSegmentLength 511\nMaxOutstandingR2T 0\n</target>\n",
	.err = "mem.conf:3: invalid value '0' for MaxOutstandingR2T (expected 1..65535)",
	.nr_errors = 2,
};
FIXTURE_VARIANT_ADD(error, key_not_a_number) {
	.in = TGT "DefaultTime2Wait 2s\n</target>\n",
	.err = "mem.conf:2: invalid value '2s' for DefaultTime2Wait (expected 0..3600)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, key_twice) {
	.in = TGT "MaxBurstLength 524288\nbacking-store /a\nmaxburstlength 524288\n</target>\n",
	.err = "mem.conf:4: MaxBurstLength is set twice in this block (line 2)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, key_outside_target) {
	.in = "ImmediateData No\n",
	.err = "mem.conf:1: 'ImmediateData' is only allowed inside <target>", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, key_in_store) {
	.in = TGT "<backing-store /a>\nImmediateData No\n</backing-store>\n</target>\n",
	.err = "mem.conf:3: 'ImmediateData' is not allowed in a store block", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, session_only_key) {
	.in = TGT "MaxXmitDataSegmentLength 8192\n</target>\n",
	.err = "mem.conf:2: unknown directive 'MaxXmitDataSegmentLength'", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, key_without_value) {
	.in = TGT "FirstBurstLength\n</target>\n",
	.err = "mem.conf:2: FirstBurstLength takes 1 value", .nr_errors = 1,
};
/* the kernel wants FirstBurstLength <= MaxBurstLength, defaults included */
FIXTURE_VARIANT_ADD(error, max_burst_below_default_first) {
	.in = TGT "backing-store /a\nMaxBurstLength 131072\n</target>\n",
	.err = "mem.conf:3: FirstBurstLength 262144 (the default) exceeds MaxBurstLength 131072",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, first_burst_above_default_max) {
	.in = TGT "FirstBurstLength 2097152\n</target>\n",
	.err = "mem.conf:2: FirstBurstLength 2097152 exceeds MaxBurstLength 1048576 (the default)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, first_burst_above_max) {
	.in = TGT "FirstBurstLength 65536\nMaxBurstLength 8192\n</target>\n",
	.err = "mem.conf:3: FirstBurstLength 65536 exceeds MaxBurstLength 8192", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, bad_cpus) {
	.in = TGT "cpus 0-3,x\n</target>\n",
	.err = "mem.conf:2: invalid CPU list '0-3,x' (expected e.g. 0-3,6 or none)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, cpus_trailing_comma) {
	.in = TGT "cpus 1,\n</target>\n",
	.err = "mem.conf:2: invalid CPU list '1,' (expected e.g. 0-3,6 or none)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, cpus_backwards) {
	.in = TGT "cpus 3-1\n</target>\n",
	.err = "mem.conf:2: invalid CPU list '3-1' (CPUs are 0..8191, a range is LOW-HIGH)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, cpus_too_high) {
	.in = TGT "cpus 8192\n</target>\n",
	.err = "mem.conf:2: invalid CPU list '8192' (CPUs are 0..8191, a range is LOW-HIGH)",
	.nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, cpus_twice) {
	.in = TGT "cpus none\ncpus 1\n</target>\n",
	.err = "mem.conf:3: cpus is set twice in this block (line 2)", .nr_errors = 1,
};
FIXTURE_VARIANT_ADD(error, cpus_outside_target) {
	.in = "cpus 1\n",
	.err = "mem.conf:1: 'cpus' is only allowed inside <target>", .nr_errors = 1,
};

TEST_F(error, reported)
{
	ASSERT_EQ(-EINVAL, ktgt_conf_parse_string(&self->conf, "mem.conf", variant->in));
	EXPECT_TRUE(has_error(&self->conf, variant->err)) {
		fprintf(stderr, "#   want %s\n", variant->err);
		dump_errors(&self->conf);
	}
	EXPECT_EQ(variant->nr_errors, self->conf.nr_errors)
		dump_errors(&self->conf);
}

/* Identity strings, null stores and initiator addresses parse cleanly */
TEST(identity_null_and_address_parse)
{
	struct ktgt_conf conf;

	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_string(&conf, "mem.conf",
					    TGT "vendor_id ACME\nnull-store 1G\n"
					    "initiator-address 192.0.2.0/24\n"
					    "<backing-store /a>\nproduct_id P\nproduct_rev 1\n"
					    "scsi_sn SN\nscsi_id ID\n</backing-store>\n</target>\n"))
		dump_errors(&conf);
	EXPECT_EQ(0U, conf.nr_errors)
		dump_errors(&conf);
	ktgt_conf_free(&conf);
}

TEST(supported_file_passes)
{
	struct ktgt_conf conf;

	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_file(&conf, data_path("seed.conf")));
	EXPECT_EQ(0U, conf.nr_errors);
	ktgt_conf_free(&conf);
}

/* CHAP accounts are loaded: in the model, with their secrets, and not refused */
TEST(chap_supported)
{
	struct ktgt_conf conf;
	const struct ktgt_conf_target *t;

	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_string(&conf, "mem.conf",
					    TGT "incominguser alice secretsecret12\n"
					    "outgoinguser tgt \"secret secret 34\"\n"
					    "incominguser bob secretsecret56\n</target>\n"));
	EXPECT_EQ(0U, conf.nr_errors)
		dump_errors(&conf);
	t = &conf.targets[0];
	ASSERT_EQ(2, t->nr_incoming);
	EXPECT_STREQ("alice", t->incoming[0].name);
	EXPECT_STREQ("secretsecret12", t->incoming[0].secret);
	EXPECT_EQ(14, t->incoming[0].secret_len);
	EXPECT_FALSE(t->incoming[0].outgoing);
	EXPECT_EQ(2, t->incoming[0].loc.line);
	EXPECT_STREQ("bob", t->incoming[1].name);
	ASSERT_EQ(1, t->nr_outgoing);
	EXPECT_STREQ("tgt", t->outgoing[0].name);
	EXPECT_STREQ("secret secret 34", t->outgoing[0].secret);
	EXPECT_EQ(16, t->outgoing[0].secret_len);
	EXPECT_TRUE(t->outgoing[0].outgoing);
	ktgt_conf_free(&conf);
}

/* The seed's targets.conf, as it is. */
TEST(seed)
{
	static const char * const names[] = {
		"iqn.2012-11.li.cudd.router:htpc1", "iqn.2012-11.li.cudd.router:htpc2",
	};
	static const char * const paths[] = { "/dev/sdb", "/dev/sdc" };
	struct ktgt_conf conf;
	char addr[KTGT_ADDR_STRLEN];
	char *out;
	size_t i;

	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_file(&conf, data_path("seed.conf")))
		dump_errors(&conf);
	ASSERT_EQ(2, conf.nr_targets);
	for (i = 0; i < 2; i++) {
		const struct ktgt_conf_target *t = &conf.targets[i];

		EXPECT_STREQ(names[i], t->name);
		ASSERT_EQ(1, t->nr_luns);
		EXPECT_EQ(1, t->luns[0].id);
		EXPECT_EQ(KTGT_STORE_DIRECT, t->luns[0].store);
		EXPECT_STREQ(paths[i], t->luns[0].path);
		EXPECT_EQ(0, t->luns[0].opts.readonly);
		EXPECT_EQ(1, t->luns[0].opts.write_cache);
		ASSERT_EQ(1, t->nr_acls);
		EXPECT_STREQ("ALL", t->acls[0].value);
		ASSERT_EQ(1, t->nr_portals);
		ktgt_format_addr(&t->portals[0], true, addr, sizeof(addr));
		EXPECT_STREQ("0.0.0.0:3260", addr);
	}
	EXPECT_EQ(8, conf.targets[1].loc.line);
	out = conf_text(&conf);
	EXPECT_STREQ("default-driver iscsi\n\n<target iqn.2012-11.li.cudd.router:htpc1>\n"
		     IN "direct-store /dev/sdb\n</target>\n\n"
		     "<target iqn.2012-11.li.cudd.router:htpc2>\n"
		     IN "direct-store /dev/sdc\n</target>\n", out);
	free(out);
	ktgt_conf_free(&conf);
}

/* Includes: globs in order, relative to the including file. */
TEST(include)
{
	static const char * const names[] = {
		"iqn.2024-01.org.example:a", "iqn.2024-01.org.example:b",
		"iqn.2024-01.org.example:single",
	};
	struct ktgt_conf conf;
	char want[PATH_MAX];
	size_t i;

	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_file(&conf, data_path("include/main.conf")))
		dump_errors(&conf);
	ASSERT_EQ(3, conf.nr_targets);
	for (i = 0; i < 3; i++)
		EXPECT_STREQ(names[i], conf.targets[i].name);
	/* a relative store path is relative to the file that names it */
	snprintf(want, sizeof(want), "%s", data_path("include/conf.d/a.img"));
	EXPECT_STREQ(want, conf.targets[0].luns[0].path);
	snprintf(want, sizeof(want), "%s", data_path("include/conf.d/a.conf"));
	EXPECT_STREQ(want, conf.targets[0].loc.file);
	EXPECT_EQ(1, conf.targets[0].loc.line);
	EXPECT_STREQ("/srv/single.img", conf.targets[2].luns[0].path);
	ktgt_conf_free(&conf);
}

TEST(include_loop)
{
	struct ktgt_conf conf;
	char want[PATH_MAX * 2];

	ktgt_conf_init(&conf);
	ASSERT_EQ(-EINVAL, ktgt_conf_parse_file(&conf, data_path("loop/a.conf")));
	ASSERT_EQ(1, conf.nr_errors);
	snprintf(want, sizeof(want), "%s:4: include loop: ", data_path("loop/b.conf"));
	strcat(want, data_path("loop/a.conf"));
	strcat(want, " is already being read");
	EXPECT_STREQ(want, conf.errors[0].text);
	/* both targets are read once */
	EXPECT_EQ(2, conf.nr_targets);
	ktgt_conf_free(&conf);
}

/* load prints the errors of every file in line order */
TEST(sorted_errors)
{
	static const char * const want[] = {
		"mem.conf:1: <target " T "> is missing </target>",
		"mem.conf:2: unknown directive 'frobnicate'",
		"mem.conf:4: <backing-store /a> is missing </backing-store>",
		"mem.conf:6: invalid LUN 'x' (expected 0..16383)",
		"mem.conf:7: lun is set twice in this block",
	};
	struct ktgt_conf conf;
	size_t i;

	ktgt_conf_init(&conf);
	ASSERT_EQ(-EINVAL, ktgt_conf_parse_string(&conf, "mem.conf",
						  TGT "frobnicate\ninitiator-address 192.0.2.1\n"
						  "<backing-store /a>\nlun 1\nlun x\nlun 2\n"));
	ASSERT_EQ(ARRAY_SIZE(want), conf.nr_errors);
	ktgt_conf_sort_errors(&conf);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_STREQ(want[i], conf.errors[i].text);
	ktgt_conf_free(&conf);
}

TEST(missing_file)
{
	struct ktgt_conf conf;

	ktgt_conf_init(&conf);
	ASSERT_EQ(-EINVAL, ktgt_conf_parse_file(&conf, "/nonexistent/targets.conf"));
	ASSERT_EQ(1, conf.nr_errors);
	EXPECT_STREQ("/nonexistent/targets.conf: No such file or directory", conf.errors[0].text);
	ktgt_conf_free(&conf);
}

/* load -> save -> load gives the same targets, and save -> load -> save the same text. */
FIXTURE(roundtrip) {
	struct ktgt_conf first, second;
};
FIXTURE_SETUP(roundtrip)
{
	ktgt_conf_init(&self->first);
	ktgt_conf_init(&self->second);
}
FIXTURE_TEARDOWN(roundtrip)
{
	ktgt_conf_free(&self->first);
	ktgt_conf_free(&self->second);
}

FIXTURE_VARIANT(roundtrip) {
	const char *file;
};

FIXTURE_VARIANT_ADD(roundtrip, seed) { .file = "seed.conf" };
FIXTURE_VARIANT_ADD(roundtrip, all) { .file = "all.conf" };
FIXTURE_VARIANT_ADD(roundtrip, include) { .file = "include/main.conf" };
FIXTURE_VARIANT_ADD(roundtrip, params) { .file = "params.conf" };

TEST_F(roundtrip, fixed_point)
{
	struct ktgt_plan plan;
	char *one, *two;

	ASSERT_EQ(0, ktgt_conf_parse_file(&self->first, data_path(variant->file)))
		dump_errors(&self->first);
	one = conf_text(&self->first);
	ASSERT_NE(NULL, one);
	ASSERT_EQ(0, ktgt_conf_parse_string(&self->second, "saved.conf", one)) {
		fprintf(stderr, "%s", one);
		dump_errors(&self->second);
	}
	two = conf_text(&self->second);
	EXPECT_STREQ(one, two);
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &self->first, &self->second));
	EXPECT_EQ(0, plan.nr_ops);
	ktgt_plan_free(&plan);
	free(one);
	free(two);
}

/*
 * Plans: a running state (written as a file) and a wanted file, and the
 * steps between them, deletions first.
 */
FIXTURE(plan) {
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
};
FIXTURE_SETUP(plan)
{
	ktgt_conf_init(&self->cur);
	ktgt_conf_init(&self->want);
	memset(&self->plan, 0, sizeof(self->plan));
}
FIXTURE_TEARDOWN(plan)
{
	ktgt_plan_free(&self->plan);
	ktgt_conf_free(&self->cur);
	ktgt_conf_free(&self->want);
}

FIXTURE_VARIANT(plan) {
	const char *cur;
	const char *want;
	const char *plan;
};

#define SEED \
	"<target iqn.2012-11.li.cudd.router:htpc1>\n direct-store /dev/sdb\n</target>\n" \
	"<target iqn.2012-11.li.cudd.router:htpc2>\n direct-store /dev/sdc\n</target>\n"
#define H1	"iqn.2012-11.li.cudd.router:htpc1"
#define H2	"iqn.2012-11.li.cudd.router:htpc2"

FIXTURE_VARIANT_ADD(plan, from_nothing) {
	.cur = "",
	.want = SEED,
	.plan = "target add " H1 "\nlun add " H1 " 1 /dev/sdb\nacl add " H1 " ALL\n"
		"portal add " H1 " 0.0.0.0:3260\n"
		"target add " H2 "\nlun add " H2 " 1 /dev/sdc\nacl add " H2 " ALL\n"
		"portal add " H2 " 0.0.0.0:3260\n",
};
FIXTURE_VARIANT_ADD(plan, unchanged) {
	.cur = SEED, .want = SEED, .plan = "",
};
FIXTURE_VARIANT_ADD(plan, unchanged_but_spelled_differently) {
	.cur = SEED,
	.want = "<target IQN.2012-11.li.cudd.router:HTPC2>\n<backing-store /dev/sdc>\nlun 1\n"
		"write-cache on\n</backing-store>\ninitiator-address ALL\nportal 0.0.0.0\n</target>\n"
		"<target iqn.2012-11.li.cudd.router:htpc1>\n direct-store /dev/sdb\n</target>\n",
	.plan = "",
};
FIXTURE_VARIANT_ADD(plan, to_nothing) {
	.cur = SEED,
	.want = "default-driver iscsi\n",
	.plan = "acl del " H1 " ALL\nlun del " H1 " 1\nportal del " H1 " 0.0.0.0:3260\n"
		"target del " H1 "\n"
		"acl del " H2 " ALL\nlun del " H2 " 1\nportal del " H2 " 0.0.0.0:3260\n"
		"target del " H2 "\n",
};
FIXTURE_VARIANT_ADD(plan, remove_lun_add_acl) {
	.cur = "<target " T ">\nportal 127.0.0.1\nbacking-store /a\nbacking-store /b\n</target>\n",
	.want = "<target " T ">\nportal 127.0.0.1\nbacking-store /a\n"
		"initiator-name iqn.1993-08.org.debian:01:ab\n</target>\n",
	.plan = "acl del " T " ALL\nlun del " T " 2\nacl add " T " iqn.1993-08.org.debian:01:ab\n",
};
FIXTURE_VARIANT_ADD(plan, lun_changed) {
	.cur = "<target " T ">\nbacking-store /a\nbacking-store /b\nbacking-store /c\n</target>\n",
	.want = "<target " T ">\nbacking-store /a\nbacking-store /B\n<backing-store /c>\n"
		"readonly 1\nwrite-cache off\n</backing-store>\n</target>\n",
	.plan = "lun del " T " 2\nlun del " T " 3\nlun add " T " 2 /B\n"
		"lun add " T " 3 /c readonly on write-cache off\n",
};
FIXTURE_VARIANT_ADD(plan, lun_becomes_direct) {
	.cur = "<target " T ">\nbacking-store /a\n</target>\n",
	.want = "<target " T ">\n<backing-store /a>\nbsoflags direct\n</backing-store>\n</target>\n",
	.plan = "lun del " T " 1\nlun add " T " 1 /a direct on\n",
};
FIXTURE_VARIANT_ADD(plan, portal_moved) {
	.cur = "<target " T ">\nportal 127.0.0.1\nportal [::1]\n</target>\n",
	.want = "<target " T ">\nportal [::1]\nportal 192.0.2.1:3261\n</target>\n",
	.plan = "portal del " T " 127.0.0.1:3260\nportal add " T " 192.0.2.1:3261\n",
};
FIXTURE_VARIANT_ADD(plan, target_renamed) {
	.cur = "<target " T ">\nbacking-store /a\n</target>\n",
	.want = "<target " T "2>\nbacking-store /a\n</target>\n",
	.plan = "acl del " T " ALL\nlun del " T " 1\nportal del " T " 0.0.0.0:3260\n"
		"target del " T "\n"
		"target add " T "2\nlun add " T "2 1 /a\nacl add " T "2 ALL\n"
		"portal add " T "2 0.0.0.0:3260\n",
};

/* CHAP accounts: secrets never in the plan; a target that needs CHAP never stops needing it */
#define USERS(a, b, o) \
	"<target " T ">\nbacking-store /a\n" a b o "</target>\n"
#define ALICE		"incominguser alice secretsecret01\n"
#define ALICE2		"incominguser alice secretsecret02\n"
#define BOB		"incominguser bob secretsecret03\n"
#define CAROL		"incominguser carol secretsecret04\n"
#define TGT1		"outgoinguser tgt1 secretsecret05\n"
#define TGT1B		"outgoinguser tgt1 secretsecret06\n"
#define TGT2		"outgoinguser tgt2 secretsecret05\n"

FIXTURE_VARIANT_ADD(plan, accounts_from_nothing) {
	.cur = "",
	.want = USERS(ALICE, BOB, TGT1),
	.plan = "target add " T "\nlun add " T " 1 /a\naccount add " T " alice <secret>\n"
		"account add " T " bob <secret>\naccount add " T " tgt1 <secret> outgoing\n"
		"acl add " T " ALL\nportal add " T " 0.0.0.0:3260\n",
};
FIXTURE_VARIANT_ADD(plan, accounts_unchanged) {
	.cur = USERS(ALICE, BOB, TGT1),
	.want = USERS(BOB, ALICE, TGT1),
	.plan = "",
};
FIXTURE_VARIANT_ADD(plan, accounts_added) {
	.cur = USERS("", "", ""),
	.want = USERS(ALICE, "", TGT1),
	.plan = "account add " T " alice <secret>\naccount add " T " tgt1 <secret> outgoing\n",
};
FIXTURE_VARIANT_ADD(plan, accounts_removed) {
	.cur = USERS(ALICE, BOB, TGT1),
	.want = USERS("", "", ""),
	.plan = "account del " T " alice\naccount del " T " bob\naccount del " T " tgt1 outgoing\n",
};
/*
 * carol comes in before bob goes; alice's new secret replaces the old one
 * in place, as the new outgoing account does, so neither is ever missing
 */
FIXTURE_VARIANT_ADD(plan, accounts_changed) {
	.cur = USERS(ALICE, BOB, TGT1),
	.want = USERS(CAROL, ALICE2, TGT2),
	.plan = "account add " T " carol <secret>\n"
		"account add " T " alice <secret> (replacing the account in place)\n"
		"account del " T " bob\n"
		"account add " T " tgt2 <secret> outgoing (replacing the account in place)\n",
};
FIXTURE_VARIANT_ADD(plan, outgoing_secret_changed) {
	.cur = USERS(ALICE, "", TGT1),
	.want = USERS(ALICE, "", TGT1B),
	.plan = "account add " T " tgt1 <secret> outgoing (replacing the account in place)\n",
};
/* incoming and outgoing accounts of the same name are two accounts */
FIXTURE_VARIANT_ADD(plan, incoming_becomes_outgoing) {
	.cur = USERS("incominguser tgt1 secretsecret05\n", "", ""),
	.want = USERS("", "", TGT1),
	.plan = "account del " T " tgt1\naccount add " T " tgt1 <secret> outgoing\n",
};
/* a target that goes: its ACLs first, so that no one logs in without CHAP */
FIXTURE_VARIANT_ADD(plan, accounts_of_deleted_target) {
	.cur = USERS(ALICE, "", TGT1),
	.want = "",
	.plan = "acl del " T " ALL\naccount del " T " alice\naccount del " T " tgt1 outgoing\n"
		"lun del " T " 1\nportal del " T " 0.0.0.0:3260\ntarget del " T "\n",
};

/* login keys and cpus: one target set, before any LUN, ACL or portal */
#define KEYS(k) "<target " T ">\nbacking-store /a\n" k "</target>\n"

FIXTURE_VARIANT_ADD(plan, keys_from_nothing) {
	.cur = "",
	.want = KEYS("MaxBurstLength 524288\nImmediateData Yes\ncpus 1\nInitialR2T Yes\n"),
	.plan = "target add " T "\ntarget set " T " MaxBurstLength 524288 InitialR2T Yes cpus 1\n"
		"lun add " T " 1 /a\nacl add " T " ALL\nportal add " T " 0.0.0.0:3260\n",
};
FIXTURE_VARIANT_ADD(plan, keys_at_default_from_nothing) {
	.cur = "",
	.want = KEYS("MaxBurstLength 1048576\ncpus none\n"),
	.plan = "target add " T "\nlun add " T " 1 /a\nacl add " T " ALL\n"
		"portal add " T " 0.0.0.0:3260\n",
};
FIXTURE_VARIANT_ADD(plan, keys_unchanged) {
	.cur = KEYS("HeaderDigest CRC32C\nMaxBurstLength 524288\ncpus 0-1\n"),
	.want = KEYS("maxburstlength 524288\nHeaderDigest crc32c\ncpus 1,0\n"),
	.plan = "",
};
FIXTURE_VARIANT_ADD(plan, keys_changed) {
	.cur = KEYS("HeaderDigest CRC32C\nMaxBurstLength 524288\n"),
	.want = KEYS("HeaderDigest None,CRC32C\nMaxBurstLength 524288\nDataDigest CRC32C\n"
		     "DefaultTime2Retain 0\n"),
	.plan = "target set " T " HeaderDigest None,CRC32C DataDigest CRC32C DefaultTime2Retain 0\n",
};
/* declarative: a key the file leaves out goes back to the default */
FIXTURE_VARIANT_ADD(plan, keys_removed) {
	.cur = KEYS("ImmediateData No\nMaxOutstandingR2T 4\ncpus 1\n"),
	.want = KEYS(""),
	.plan = "target set " T " ImmediateData Yes MaxOutstandingR2T 16 cpus none\n",
};
FIXTURE_VARIANT_ADD(plan, cpus_changed) {
	.cur = KEYS("cpus 0\n"),
	.want = KEYS("cpus 0-1\n"),
	.plan = "target set " T " cpus 0-1\n",
};
FIXTURE_VARIANT_ADD(plan, keys_before_lun_and_acl) {
	.cur = KEYS(""),
	.want = "<target " T ">\nbacking-store /a\nbacking-store /b\nFirstBurstLength 65536\n"
		"initiator-name iqn.1993-08.org.debian:01:ab\n</target>\n",
	.plan = "acl del " T " ALL\ntarget set " T " FirstBurstLength 65536\nlun add " T " 2 /b\n"
		"acl add " T " iqn.1993-08.org.debian:01:ab\n",
};
/* a target that goes needs no target set */
FIXTURE_VARIANT_ADD(plan, keys_of_deleted_target) {
	.cur = KEYS("MaxBurstLength 524288\ncpus 1\n"),
	.want = "",
	.plan = "acl del " T " ALL\nlun del " T " 1\nportal del " T " 0.0.0.0:3260\n"
		"target del " T "\n",
};

TEST_F(plan, diff)
{
	char *text;

	ASSERT_EQ(0, ktgt_conf_parse_string(&self->cur, "cur.conf", variant->cur));
	ASSERT_EQ(0, ktgt_conf_parse_string(&self->want, "want.conf", variant->want));
	ASSERT_EQ(0, ktgt_plan_diff(&self->plan, &self->cur, &self->want));
	text = plan_text(&self->plan);
	EXPECT_STREQ(variant->plan, text);
	free(text);
}

/* The running state comes from the kernel as struct ktgt_target. */
TEST(plan_from_running)
{
	static struct ktgt_addr portals[] = {
		{ .family = AF_INET, .bytes = { 127, 0, 0, 1 }, .port = 3260 },
	};
	static struct ktgt_lun_info luns[] = {
		{ .id = 1, .path = "/tmp/sdb.img", .write_cache = true },
		{ .id = 2, .path = "/tmp/extra.img", .readonly = true, .write_cache = true },
	};
	static const char *acls[] = { "ALL" };
	static const struct ktgt_target running = {
		.tid = 1, .name = H1, .portals = portals, .nr_portals = 1,
		.luns = luns, .nr_luns = 2, .acls = acls, .nr_acls = 1,
	};
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	char *text;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " H1 ">\nportal 127.0.0.1:3260\n"
					    "direct-store /tmp/sdb.img\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	text = plan_text(&plan);
	EXPECT_STREQ("lun del " H1 " 2\n", text);
	free(text);
	ktgt_plan_free(&plan);

	/* and save writes the running state so that it loads back the same */
	text = conf_text(&cur);
	EXPECT_STREQ("default-driver iscsi\n\n<target " H1 ">\n" IN "portal 127.0.0.1:3260\n"
		     IN "backing-store /tmp/sdb.img\n" IN "<backing-store /tmp/extra.img>\n"
		     IN IN "lun 2\n" IN IN "readonly 1\n" IN "</backing-store>\n" TAIL, text);
	ktgt_conf_free(&want);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "saved.conf", text));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	EXPECT_EQ(0, plan.nr_ops);
	ktgt_plan_free(&plan);
	free(text);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/*
 * A null LUN and identity strings from the kernel: save writes them, the
 * saved file loads back to the same state, and an identity change is a
 * LUN replaced.
 */
TEST(null_and_identity_from_running)
{
	static struct ktgt_lun_info luns[] = {
		{ .id = 1, .null_size = 1ull << 30, .backend = KTGT_BACKEND_NULL,
		  .write_cache = true },
		{ .id = 2, .path = "/tmp/a.img", .backend = KTGT_BACKEND_FILE, .write_cache = true,
		  .ident = { "ACME", "Disk One", NULL, "SN1", NULL } },
	};
	static struct ktgt_addr portals[] = {
		{ .family = AF_INET, .bytes = { 127, 0, 0, 1 }, .port = 3260 },
	};
	static const char *acls[] = { "ALL" };
	static const struct ktgt_target running = {
		.tid = 1, .name = H1, .portals = portals, .nr_portals = 1,
		.luns = luns, .nr_luns = 2, .acls = acls, .nr_acls = 1,
	};
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	char *text;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	text = conf_text(&cur);
	EXPECT_STREQ("default-driver iscsi\n\n<target " H1 ">\n" IN "portal 127.0.0.1:3260\n"
		     IN "null-store 1G\n"
		     IN "<backing-store /tmp/a.img>\n" IN IN "lun 2\n"
		     IN IN "vendor_id ACME\n" IN IN "product_id \"Disk One\"\n"
		     IN IN "scsi_sn SN1\n" IN "</backing-store>\n" TAIL, text);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "saved.conf", text));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	EXPECT_EQ(0, plan.nr_ops);
	ktgt_plan_free(&plan);
	free(text);

	/* another size, another serial number: both LUNs are replaced */
	ktgt_conf_free(&want);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " H1 ">\nportal 127.0.0.1:3260\nnull-store 2G\n"
					    "<backing-store /tmp/a.img>\nvendor_id ACME\n"
					    "product_id \"Disk One\"\nscsi_sn SN2\n"
					    "</backing-store>\ninitiator-name ALL\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	text = plan_text(&plan);
	EXPECT_STREQ("lun del " H1 " 1\nlun del " H1 " 2\n"
		     "lun add " H1 " 1 null-store 2G\n"
		     "lun add " H1 " 2 /tmp/a.img vendor_id \"ACME\" product_id \"Disk One\""
		     " scsi_sn \"SN2\"\n", text);
	free(text);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/* Accounts come from the kernel with their secrets, which save writes. */
TEST(accounts_from_running)
{
	static struct ktgt_account_info accounts[] = {
		{ .user = "alice", .secret = (const uint8_t *)"secretsecret01", .secret_len = 14 },
		{ .user = "tgt", .secret = (const uint8_t *)"secret \"02\" #x", .secret_len = 14,
		  .outgoing = true },
		{ .user = "bob", .secret = (const uint8_t *)"secretsecret03", .secret_len = 14 },
	};
	static const char *acls[] = { "ALL" };
	static const struct ktgt_target running = {
		.tid = 1, .name = T, .acls = acls, .nr_acls = 1,
		.accounts = accounts, .nr_accounts = 3,
	};
	static const char saved[] = HEAD
		IN "# no portal: loading this file listens on 0.0.0.0:3260\n"
		IN "incominguser alice secretsecret01\n" IN "incominguser bob secretsecret03\n"
		IN "outgoinguser tgt \"secret \\\"02\\\" #x\"\n" TAIL;
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	char *text;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	ASSERT_EQ(2, cur.targets[0].nr_incoming);
	ASSERT_EQ(1, cur.targets[0].nr_outgoing);
	EXPECT_TRUE(cur.targets[0].outgoing[0].outgoing);
	EXPECT_EQ(14, cur.targets[0].outgoing[0].secret_len);
	text = conf_text(&cur);
	ASSERT_NE(NULL, text);
	EXPECT_STREQ(saved, text);
	/* loading the saved file back changes nothing but the portal it adds */
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "saved.conf", text))
		dump_errors(&want);
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	free(text);
	text = plan_text(&plan);
	EXPECT_STREQ("portal add " T " 0.0.0.0:3260\n", text);
	free(text);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/*
 * A secret set by another tool may hold what a line cannot: it is written as
 * a comment, and a file with that user replaces it whatever its secret.
 */
TEST(account_not_writable)
{
	struct ktgt_plan_op undo;
	static struct ktgt_account_info accounts[] = {
		{ .user = "nul", .secret = (const uint8_t *)"secretsecret\0" "01", .secret_len = 15 },
		{ .user = "lf", .secret = (const uint8_t *)"secret\nsecret02", .secret_len = 15,
		  .outgoing = true },
	};
	static const char *acls[] = { "ALL" };
	static struct ktgt_addr portals[] = { { .family = AF_INET, .port = 3260 } };
	static const struct ktgt_target running = {
		.tid = 1, .name = T, .acls = acls, .nr_acls = 1, .portals = portals, .nr_portals = 1,
		.accounts = accounts, .nr_accounts = 2,
	};
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	char *text;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	text = conf_text(&cur);
	ASSERT_NE(NULL, text);
	EXPECT_STREQ(HEAD IN "# an incominguser whose name or secret has a newline or a NUL byte\n"
		     IN "# an outgoinguser whose name or secret has a newline or a NUL byte\n"
		     TAIL, text);
	free(text);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    TGT "incominguser nul secretsecret\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	text = plan_text(&plan);
	EXPECT_STREQ("account add " T " nul <secret> (replacing the account in place)\n"
		     "account del " T " lf outgoing\n", text);
	free(text);
	/* undoing the replacement puts the secret back as it was, NUL and all */
	ASSERT_EQ(KTGT_CMD_ACCOUNT_ADD, plan.ops[0].cmd);
	ASSERT_NE(NULL, plan.ops[0].replaced);
	undo = ktgt_plan_undo(&plan.ops[0]);
	EXPECT_EQ(KTGT_CMD_ACCOUNT_ADD, undo.cmd);
	ASSERT_EQ(15, undo.account->secret_len);
	EXPECT_EQ(0, memcmp("secretsecret\0" "01", undo.account->secret, 15));
	EXPECT_EQ(plan.ops[0].account, undo.replaced);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/* What tgt syntax cannot say is written as a comment. */
TEST(save_lossy)
{
	static const struct ktgt_target running = { .tid = 1, .name = T };
	struct ktgt_conf cur;
	char *text;

	ktgt_conf_init(&cur);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	text = conf_text(&cur);
	EXPECT_STREQ(HEAD IN "# no portal: loading this file listens on 0.0.0.0:3260\n"
		     IN "# no ACL: loading this file allows ALL\n" TAIL, text);
	free(text);
	ktgt_conf_free(&cur);
}

/* Applying a plan: a step fails, and those before it are undone, last first. */
struct fake_kernel {
	size_t fail_at;
	size_t calls;
	char log[2048];
};

static int fake_step(const struct ktgt_plan_op *op, bool undo, void *arg)
{
	struct fake_kernel *k = arg;
	char buf[256];

	ktgt_plan_format(op, buf, sizeof(buf));
	snprintf(k->log + strlen(k->log), sizeof(k->log) - strlen(k->log), "%s%s\n",
		 undo ? "undo: " : "", buf);
	return ++k->calls == k->fail_at ? -EBUSY : 0;
}

FIXTURE(apply) {
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
};
FIXTURE_SETUP(apply)
{
	ktgt_conf_init(&self->cur);
	ktgt_conf_init(&self->want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&self->cur, "cur.conf",
					    "<target " T ">\nbacking-store /a\n"
					    "<backing-store /b>\nreadonly 1\n</backing-store>\n"
					    "</target>\n"));
	ASSERT_EQ(0, ktgt_conf_parse_string(&self->want, "want.conf",
					    "<target " T ">\nbacking-store /a\n</target>\n"
					    "<target " T "2>\nbacking-store /c\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&self->plan, &self->cur, &self->want));
}
FIXTURE_TEARDOWN(apply)
{
	ktgt_plan_free(&self->plan);
	ktgt_conf_free(&self->cur);
	ktgt_conf_free(&self->want);
}

FIXTURE_VARIANT(apply) {
	size_t fail_at;
	const char *log;
};

FIXTURE_VARIANT_ADD(apply, all_done) {
	.fail_at = 0,
	.log = "lun del " T " 2\ntarget add " T "2\nlun add " T "2 1 /c\nacl add " T "2 ALL\n"
	       "portal add " T "2 0.0.0.0:3260\n",
};
FIXTURE_VARIANT_ADD(apply, first_fails) {
	.fail_at = 1,
	.log = "lun del " T " 2\n",
};
FIXTURE_VARIANT_ADD(apply, last_fails) {
	.fail_at = 5,
	.log = "lun del " T " 2\ntarget add " T "2\nlun add " T "2 1 /c\nacl add " T "2 ALL\n"
	       "portal add " T "2 0.0.0.0:3260\n"
	       "undo: acl del " T "2 ALL\nundo: lun del " T "2 1\nundo: target del " T "2\n"
	       "undo: lun add " T " 2 /b readonly on\n",
};

TEST_F(apply, rollback)
{
	struct fake_kernel k = { .fail_at = variant->fail_at };

	EXPECT_EQ(variant->fail_at ? -EBUSY : 0, ktgt_plan_apply(&self->plan, fake_step, &k));
	EXPECT_STREQ(variant->log, k.log);
}

/* A step that fails after an account changed: the old secret comes back. */
struct secret_log {
	size_t fail_at;
	size_t calls;
	char log[1024];
};

static int secret_step(const struct ktgt_plan_op *op, bool undo, void *arg)
{
	struct secret_log *k = arg;
	char buf[256];

	ktgt_plan_format(op, buf, sizeof(buf));
	snprintf(k->log + strlen(k->log), sizeof(k->log) - strlen(k->log), "%s%s%s%s\n",
		 undo ? "undo: " : "", buf, op->cmd == KTGT_CMD_ACCOUNT_ADD ? " = " : "",
		 op->cmd == KTGT_CMD_ACCOUNT_ADD ? op->account->secret : "");
	return ++k->calls == k->fail_at ? -EBUSY : 0;
}

TEST(apply_accounts_rollback)
{
	struct secret_log k = { .fail_at = 5 };
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&cur, "cur.conf", USERS(ALICE, BOB, TGT1)));
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " T ">\nbacking-store /a\n" ALICE2 CAROL TGT2
					    "portal 127.0.0.1\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	EXPECT_EQ(-EBUSY, ktgt_plan_apply(&plan, secret_step, &k));
	EXPECT_STREQ("portal del " T " 0.0.0.0:3260\n"
		     "account add " T " carol <secret> = secretsecret04\n"
		     "account add " T " alice <secret> (replacing the account in place) = secretsecret02\n"
		     "account del " T " bob\n"
		     "account add " T " tgt2 <secret> outgoing (replacing the account in place) = secretsecret05\n"
		     "undo: account add " T " bob <secret> = secretsecret03\n"
		     "undo: account add " T " alice <secret> (replacing the account in place) = secretsecret01\n"
		     "undo: account del " T " carol\n"
		     "undo: portal add " T " 0.0.0.0:3260\n", k.log);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/* Before a load, store paths become what the kernel opens. */
TEST(resolve_paths)
{
	char dir[] = "/tmp/ktgt-conf-XXXXXX", text[512], want[600];
	struct ktgt_conf conf;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(want, sizeof(want), "%s/disk.img", dir);
	f = fopen(want, "w");
	ASSERT_NE(NULL, f);
	fclose(f);
	snprintf(text, sizeof(text),
		 "<target " T ">\nbacking-store %s/./disk.img\nbacking-store /dev/null\n"
		 "backing-store %s/missing.img\n</target>\n", dir, dir);
	ktgt_conf_init(&conf);
	ASSERT_EQ(0, ktgt_conf_parse_string(&conf, "mem.conf", text));
	EXPECT_EQ(-EINVAL, ktgt_conf_resolve_paths(&conf));
	EXPECT_STREQ(want, conf.targets[0].luns[0].path);
	ASSERT_EQ(2, conf.nr_errors);
	EXPECT_STREQ("mem.conf:3: /dev/null: not a block device or regular file", conf.errors[0].text);
	snprintf(text, sizeof(text), "mem.conf:4: %s/missing.img: No such file or directory", dir);
	EXPECT_STREQ(text, conf.errors[1].text);
	ktgt_conf_free(&conf);
	unlink(want);
	rmdir(dir);
}

/* Accounts outside any target are discovery's, as with tgt: parsed, written, planned */
TEST(discovery_accounts)
{
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	struct ktgt_plan_op undo;
	char *text;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&cur, "cur.conf",
					    "incominguser disco secretsecret01\n"
					    "incominguser old secretsecret02\n"));
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "default-driver iscsi\n"
					    "incominguser disco secretsecret09\n"
					    "outgoinguser tgt secretsecret03\n"
					    "incominguser new secretsecret04\n"));
	ASSERT_EQ(2, want.discovery.nr_incoming);
	ASSERT_EQ(1, want.discovery.nr_outgoing);
	EXPECT_EQ(0, want.nr_targets);
	text = conf_text(&want);
	EXPECT_STREQ("default-driver iscsi\n"
		     "incominguser disco secretsecret09\n"
		     "incominguser new secretsecret04\n"
		     "outgoinguser tgt secretsecret03\n", text);
	free(text);
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	text = plan_text(&plan);
	EXPECT_STREQ("account add discovery new <secret>\n"
		     "account add discovery disco <secret> (replacing the account in place)\n"
		     "account del discovery old\n"
		     "account add discovery tgt <secret> outgoing\n", text);
	free(text);
	EXPECT_EQ(NULL, plan.ops[0].target);
	undo = ktgt_plan_undo(&plan.ops[1]);
	EXPECT_STREQ("secretsecret01", undo.account->secret);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

/* CPU lists compare as the kernel prints them */
TEST(cpus_canon)
{
	static const struct {
		const char *in, *out;
		int err;
	} cases[] = {
		{ "0", "0", 0 }, { "0,1", "0-1", 0 }, { "1,0", "0-1", 0 }, { "0-1,3", "0-1,3", 0 },
		{ "3,0-1", "0-1,3", 0 }, { "0-3,2-5,7", "0-5,7", 0 }, { "5-5", "5", 0 },
		{ "8191", "8191", 0 }, { "0,2,4", "0,2,4", 0 }, { "63-64", "63-64", 0 },
		{ "", NULL, -EINVAL }, { ",", NULL, -EINVAL }, { "1,,2", NULL, -EINVAL },
		{ "-1", NULL, -EINVAL }, { "1-", NULL, -EINVAL }, { "1-2-3", NULL, -EINVAL },
		{ "a", NULL, -EINVAL }, { " 1", NULL, -EINVAL }, { "8192", NULL, -ERANGE },
		{ "2-1", NULL, -ERANGE }, { "99999999999999999999", NULL, -ERANGE },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].err, ktgt_cpus_canon(cases[i].in, buf, sizeof(buf)))
			TH_LOG("%s", cases[i].in);
		if (!cases[i].err)
			EXPECT_STREQ(cases[i].out, buf);
	}
	/* a list that does not fit */
	EXPECT_EQ(-ENOSPC, ktgt_cpus_canon("0,2,4,6,8", buf, 6));
}

/* What the kernel reports, with every key: save writes only those not the default */
TEST(params_from_running)
{
	static struct ktgt_addr portals[] = {
		{ .family = AF_INET, .bytes = { 127, 0, 0, 1 }, .port = 3260 },
	};
	static const char *acls[] = { "ALL" };
	struct ktgt_target running = {
		.tid = 1, .name = T, .portals = portals, .nr_portals = 1,
		.acls = acls, .nr_acls = 1,
	};
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	size_t i;
	char *text;

	for (i = 0; i < ktgt_nr_param_keys; i++) {
		if (!ktgt_param_keys[i].session_only)
			ktgt_params_set(&running.params, ktgt_param_keys[i].attr,
					ktgt_param_keys[i].def);
	}
	/* a fresh target: no key, no cpus */
	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	text = conf_text(&cur);
	EXPECT_STREQ(HEAD IN "portal 127.0.0.1:3260\n" TAIL, text);
	free(text);
	ktgt_conf_free(&cur);

	/* two keys and a CPU list set */
	ktgt_conf_init(&cur);
	ktgt_params_set(&running.params, KTGT_A_PARAMS_MAX_BURST, 524288);
	ktgt_params_set(&running.params, KTGT_A_PARAMS_HEADER_DIGEST, KTGT_DIGEST_MASK_CRC32C);
	running.cpus = "0-1,3";
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	text = conf_text(&cur);
	EXPECT_STREQ(HEAD IN "portal 127.0.0.1:3260\n" IN "HeaderDigest CRC32C\n"
		     IN "MaxBurstLength 524288\n" IN "cpus 0-1,3\n" TAIL, text);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "saved.conf", text));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	EXPECT_EQ(0, plan.nr_ops);
	ktgt_plan_free(&plan);
	free(text);

	/* the same CPUs spelled otherwise is no change; one key different is */
	ktgt_conf_free(&want);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " T ">\nportal 127.0.0.1\ncpus 3,1,0\n"
					    "HeaderDigest CRC32C\nMaxBurstLength 786432\n"
					    "</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	text = plan_text(&plan);
	EXPECT_STREQ("target set " T " MaxBurstLength 786432\n", text);
	free(text);
	ASSERT_EQ(1, plan.nr_ops);
	EXPECT_EQ(NULL, plan.ops[0].cpus);
	EXPECT_EQ(1u << KTGT_A_PARAMS_MAX_BURST, plan.ops[0].params.present);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&want);
	ktgt_conf_free(&cur);

	/* an older kernel reports no keys: they are left alone */
	memset(&running.params, 0, sizeof(running.params));
	running.cpus = NULL;
	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_add_running(&cur, &running));
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " T ">\nportal 127.0.0.1\n"
					    "MaxBurstLength 786432\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	EXPECT_EQ(0, plan.nr_ops);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&want);
	ktgt_conf_free(&cur);
}

/* A step after a target set fails: the old values and CPU list are set back. */
TEST(apply_target_set_rollback)
{
	struct fake_kernel k = { .fail_at = 3 };
	struct ktgt_conf cur, want;
	struct ktgt_plan plan;
	struct ktgt_plan_op undo;

	ktgt_conf_init(&cur);
	ktgt_conf_init(&want);
	ASSERT_EQ(0, ktgt_conf_parse_string(&cur, "cur.conf",
					    KEYS("MaxBurstLength 524288\nInitialR2T Yes\n")));
	ASSERT_EQ(0, ktgt_conf_parse_string(&want, "want.conf",
					    "<target " T ">\nbacking-store /a\nbacking-store /b\n"
					    "MaxBurstLength 786432\ncpus 0\nportal 127.0.0.1\n"
					    "InitialR2T Yes\n</target>\n"));
	ASSERT_EQ(0, ktgt_plan_diff(&plan, &cur, &want));
	ASSERT_EQ(4, plan.nr_ops);
	undo = ktgt_plan_undo(&plan.ops[1]);
	EXPECT_EQ(KTGT_CMD_TARGET_SET, undo.cmd);
	EXPECT_STREQ("", undo.cpus);
	EXPECT_EQ(524288, undo.params.val[KTGT_A_PARAMS_MAX_BURST]);
	EXPECT_EQ(-EBUSY, ktgt_plan_apply(&plan, fake_step, &k));
	EXPECT_STREQ("portal del " T " 0.0.0.0:3260\n"
		     "target set " T " MaxBurstLength 786432 cpus 0\n"
		     "lun add " T " 2 /b\n"
		     "undo: target set " T " MaxBurstLength 524288 cpus none\n"
		     "undo: portal add " T " 0.0.0.0:3260\n", k.log);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
}

TEST_HARNESS_MAIN
