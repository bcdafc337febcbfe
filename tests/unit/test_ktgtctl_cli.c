// SPDX-License-Identifier: GPL-2.0
/*
 * Runs build/ktgtctl (or $KTGTCTL) with good and bad command lines, and
 * checks the exit code (0 ok, 1 error, 2 usage), that errors are exactly
 * one "ktgtctl: " line on stderr, and that help goes to stdout. Bad command
 * lines fail before ktgtctl talks to the kernel, so none of this needs the
 * module; the cases that do need it to be absent skip if it is loaded.
 * load and save have their own cases at the end: a file with errors gets
 * one "file:line: message" line on stderr per error, then the "ktgtctl: "
 * line (the fixture files are in tests/unit/data/cli/).
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define IQN	"iqn.2024-01.org.example:t1"
#define A10	"aaaaaaaaaa"
#define A100	A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
/* 224 bytes: one more than KTGT_NAME_MAX */
#define IQN_224	"iqn.2024-01.org.example:" A100 A100

#define NOT_LOADED "ktgtctl: the ktgt module is not loaded (modprobe ktgt)"

/* build/ktgtctl, next to build/tests/unit/ where this test lives */
static const char *ktgtctl_path(char *buf, size_t len)
{
	const char *env = getenv("KTGTCTL");
	ssize_t n;
	int ups;

	if (env)
		return env;
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	for (ups = 0; ups < 3; ups++) {
		char *slash = strrchr(buf, '/');

		if (!slash)
			return NULL;
		*slash = '\0';
	}
	strncat(buf, "/ktgtctl", len - strlen(buf) - 1);
	return buf;
}

/* Everything written to @f, which is closed; NULL if out of memory. */
static char *slurp(FILE *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;

	rewind(f);
	while (mem && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	if (mem)
		fclose(mem);
	fclose(f);
	return buf;
}

/* Run @prog with @args; return its exit status, and its output in @out and @err. */
static int run(const char *prog, const char *const *args, char **out, char **err)
{
	const char *argv[16] = { "ktgtctl" };
	FILE *fout = tmpfile(), *ferr = tmpfile();
	int i, status;
	pid_t pid;

	if (!fout || !ferr)
		return -1;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		dup2(open("/dev/null", O_RDONLY), STDIN_FILENO);
		dup2(fileno(fout), STDOUT_FILENO);
		dup2(fileno(ferr), STDERR_FILENO);
		execv(prog, (char **)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	*out = slurp(fout);
	*err = slurp(ferr);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool ktgt_loaded(void)
{
	return !access("/sys/module/ktgt", F_OK);
}

FIXTURE(cli) {
	char path[PATH_MAX];
	const char *prog;
};

FIXTURE_SETUP(cli)
{
	self->prog = ktgtctl_path(self->path, sizeof(self->path));
	if (!self->prog || access(self->prog, X_OK))
		SKIP(return, "no ktgtctl binary (make ktgtctl, or set KTGTCTL)");
}

FIXTURE_TEARDOWN(cli) {}

FIXTURE_VARIANT(cli) {
	const char *args[14];
	int code;
	const char *out;	/* expected on stdout (a substring); NULL: stdout is empty */
	const char *err;	/* expected in the one stderr line; NULL: stderr is empty */
	bool without_module;	/* the result holds only without the module */
};

/* Usage errors: exit 2 */
FIXTURE_VARIANT_ADD(cli, nothing) { .code = 2, .err = "ktgtctl: missing object" };
FIXTURE_VARIANT_ADD(cli, unknown_object) {
	.args = { "frobnicate" }, .code = 2, .err = "unknown object 'frobnicate'",
};
FIXTURE_VARIANT_ADD(cli, unknown_command) {
	.args = { "target", "frob" }, .code = 2, .err = "unknown command 'frob'",
};
FIXTURE_VARIANT_ADD(cli, missing_command) {
	.args = { "lun" }, .code = 2, .err = "missing command",
};
FIXTURE_VARIANT_ADD(cli, target_add_no_name) {
	.args = { "target", "add" }, .code = 2, .err = "usage: ktgtctl target add IQN",
};
FIXTURE_VARIANT_ADD(cli, target_add_extra) {
	.args = { "target", "add", IQN, "more" }, .code = 2,
	.err = "usage: ktgtctl target add IQN",
};
FIXTURE_VARIANT_ADD(cli, target_del_no_name) {
	.args = { "target", "del" }, .code = 2, .err = "usage: ktgtctl target del [--force] IQN",
};
FIXTURE_VARIANT_ADD(cli, target_bad_name) {
	.args = { "target", "add", "mytarget" }, .code = 2,
	.err = "invalid target name 'mytarget' (expected iqn.YYYY-MM.domain[:ID], "
	       "eui.<16 hex> or naa.<16|32 hex>)",
};
FIXTURE_VARIANT_ADD(cli, target_empty_name) {
	.args = { "target", "add", "" }, .code = 2, .err = "invalid target name ''",
};
FIXTURE_VARIANT_ADD(cli, target_long_name) {
	.args = { "target", "add", IQN_224 }, .code = 2,
	.err = "target name is longer than 223 bytes",
};
FIXTURE_VARIANT_ADD(cli, target_name_newline) {
	.args = { "target", "add", IQN "\nx" }, .code = 2,
	.err = "invalid target name '" IQN "?x'",
};
FIXTURE_VARIANT_ADD(cli, portal_missing) {
	.args = { "portal", "add", IQN }, .code = 2,
	.err = "usage: ktgtctl portal add IQN IP[:PORT]",
};
FIXTURE_VARIANT_ADD(cli, portal_port_0) {
	.args = { "portal", "add", IQN, "192.0.2.1:0" }, .code = 2,
	.err = "invalid port in portal '192.0.2.1:0' (expected 1..65535)",
};
FIXTURE_VARIANT_ADD(cli, portal_port_65536) {
	.args = { "portal", "del", IQN, "[::1]:65536" }, .code = 2,
	.err = "invalid port in portal '[::1]:65536'",
};
FIXTURE_VARIANT_ADD(cli, portal_port_abc) {
	.args = { "portal", "add", IQN, "192.0.2.1:abc" }, .code = 2,
	.err = "invalid portal '192.0.2.1:abc'",
};
FIXTURE_VARIANT_ADD(cli, portal_garbage) {
	.args = { "portal", "add", IQN, "example.com" }, .code = 2,
	.err = "invalid portal 'example.com'",
};
FIXTURE_VARIANT_ADD(cli, portal_bad_target) {
	.args = { "portal", "add", "x", "192.0.2.1" }, .code = 2,
	.err = "invalid target name 'x'",
};
FIXTURE_VARIANT_ADD(cli, lun_missing_path) {
	.args = { "lun", "add", IQN, "1" }, .code = 2,
	.err = "usage: ktgtctl lun add IQN LUN PATH|null-store SIZE [readonly on|off]",
};
FIXTURE_VARIANT_ADD(cli, lun_too_many) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "readonly", "on", "write-cache", "on",
		  "vendor_id", "V", "x" },
	.code = 2, .err = "unknown LUN option 'x'",
};
FIXTURE_VARIANT_ADD(cli, lun_too_big) {
	.args = { "lun", "add", IQN, "16384", "/dev/null" }, .code = 2,
	.err = "invalid LUN '16384' (expected 0..16383)",
};
FIXTURE_VARIANT_ADD(cli, lun_not_a_number) {
	.args = { "lun", "del", IQN, "one" }, .code = 2, .err = "invalid LUN 'one'",
};
FIXTURE_VARIANT_ADD(cli, lun_negative) {
	.args = { "lun", "del", IQN, "--", "-1" }, .code = 2, .err = "invalid LUN '-1'",
};
FIXTURE_VARIANT_ADD(cli, lun_option_no_value) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "readonly" }, .code = 2,
	.err = "missing on|off after 'readonly'",
};
FIXTURE_VARIANT_ADD(cli, lun_ident_no_value) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "scsi_sn" }, .code = 2,
	.err = "missing value after 'scsi_sn'",
};
FIXTURE_VARIANT_ADD(cli, lun_ident_too_long) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "vendor_id", "NINECHARS" }, .code = 2,
	.err = "vendor_id 'NINECHARS' is too long (at most 8 characters)",
};
FIXTURE_VARIANT_ADD(cli, lun_ident_not_ascii) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "product_id", "caf\xc3\xa9" }, .code = 2,
	.err = "invalid product_id",
};
FIXTURE_VARIANT_ADD(cli, lun_null_no_size) {
	.args = { "lun", "add", IQN, "1", "null-store" }, .code = 2,
	.err = "missing SIZE after null-store",
};
FIXTURE_VARIANT_ADD(cli, lun_null_bad_size) {
	.args = { "lun", "add", IQN, "1", "null-store", "1X" }, .code = 2,
	.err = "invalid size '1X'",
};
FIXTURE_VARIANT_ADD(cli, lun_null_too_small) {
	.args = { "lun", "add", IQN, "1", "null-store", "511" }, .code = 2,
	.err = "invalid size '511'",
};
FIXTURE_VARIANT_ADD(cli, lun_option_bad_value) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "write-cache", "maybe" }, .code = 2,
	.err = "invalid value 'maybe' for write-cache (expected on or off)",
};
FIXTURE_VARIANT_ADD(cli, lun_unknown_option) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "fast", "on" }, .code = 2,
	.err = "unknown LUN option 'fast'",
};
FIXTURE_VARIANT_ADD(cli, lun_empty_path) {
	.args = { "lun", "add", IQN, "1", "" }, .code = 2, .err = "empty backing store path",
};
FIXTURE_VARIANT_ADD(cli, acl_bad_initiator) {
	.args = { "acl", "add", IQN, "someone" }, .code = 2,
	.err = "invalid initiator name 'someone'",
};
FIXTURE_VARIANT_ADD(cli, acl_missing) {
	.args = { "acl", "del", IQN }, .code = 2,
	.err = "usage: ktgtctl acl del IQN ALL|INITIATOR",
};
FIXTURE_VARIANT_ADD(cli, show_bad_name) {
	.args = { "show", "nope" }, .code = 2, .err = "invalid target name 'nope'",
};
FIXTURE_VARIANT_ADD(cli, show_two_names) {
	.args = { "show", IQN, IQN }, .code = 2, .err = "usage: ktgtctl show [IQN|discovery]",
};
FIXTURE_VARIANT_ADD(cli, load_no_file) {
	.args = { "load" }, .code = 2, .err = "usage: ktgtctl load FILE",
};
FIXTURE_VARIANT_ADD(cli, load_two_files) {
	.args = { "load", "a.conf", "b.conf" }, .code = 2, .err = "usage: ktgtctl load FILE",
};
FIXTURE_VARIANT_ADD(cli, load_empty_name) {
	.args = { "load", "" }, .code = 2, .err = "ktgtctl: empty file name",
};
FIXTURE_VARIANT_ADD(cli, load_unknown_option) {
	.args = { "load", "--force", "a.conf" }, .code = 2, .err = "unknown option '--force'",
};
FIXTURE_VARIANT_ADD(cli, load_ambiguous_prefix) {
	.args = { "l", "a.conf" }, .code = 2, .err = "ambiguous",
};
FIXTURE_VARIANT_ADD(cli, save_two_files) {
	.args = { "save", "a.conf", "b.conf" }, .code = 2, .err = "usage: ktgtctl save [FILE]",
};
FIXTURE_VARIANT_ADD(cli, save_empty_name) {
	.args = { "save", "" }, .code = 2, .err = "ktgtctl: empty file name",
};
FIXTURE_VARIANT_ADD(cli, account_short_secret) {
	.args = { "account", "add", IQN, "alice", "short" }, .code = 2,
	.err = "a CHAP secret has 12 to 255 characters",
};
FIXTURE_VARIANT_ADD(cli, account_bad_option) {
	.args = { "account", "add", IQN, "alice", "secretsecret12", "incoming" }, .code = 2,
	.err = "unknown option 'incoming' (expected outgoing)",
};
FIXTURE_VARIANT_ADD(cli, account_del_missing_user) {
	.args = { "account", "del", IQN }, .code = 2,
	.err = "usage: ktgtctl account del IQN|discovery USER [outgoing]",
};
FIXTURE_VARIANT_ADD(cli, set_no_key) {
	.args = { "target", "set", IQN }, .code = 2,
	.err = "usage: ktgtctl target set IQN KEY VALUE [KEY VALUE...]",
};
FIXTURE_VARIANT_ADD(cli, set_missing_value) {
	.args = { "target", "set", IQN, "MaxBurstLength", "65536", "ImmediateData" },
	.code = 2, .err = "ktgtctl: missing value after 'ImmediateData'",
};
FIXTURE_VARIANT_ADD(cli, set_unknown_key) {
	.args = { "target", "set", IQN, "MaxConnections", "2" }, .code = 2,
	.err = "unknown login key 'MaxConnections'",
};
FIXTURE_VARIANT_ADD(cli, set_session_only_key) {
	.args = { "target", "set", IQN, "MaxXmitDataSegmentLength", "8192" }, .code = 2,
	.err = "unknown login key 'MaxXmitDataSegmentLength'",
};
FIXTURE_VARIANT_ADD(cli, set_too_small) {
	.args = { "target", "set", IQN, "maxburstlength", "511" }, .code = 2,
	.err = "invalid value '511' for MaxBurstLength (expected 512..16777215)",
};
FIXTURE_VARIANT_ADD(cli, set_too_big) {
	.args = { "target", "set", IQN, "FirstBurstLength", "16777216" }, .code = 2,
	.err = "invalid value '16777216' for FirstBurstLength (expected 512..16777215)",
};
FIXTURE_VARIANT_ADD(cli, set_cpus_letters) {
	.args = { "target", "set", IQN, "cpus", "all" }, .code = 2,
	.err = "invalid CPU list 'all' (expected e.g. 0-3,6 or none)",
};
FIXTURE_VARIANT_ADD(cli, set_cpus_leading_comma) {
	.args = { "target", "set", IQN, "cpus", ",1" }, .code = 2,
	.err = "invalid CPU list ',1'",
};
FIXTURE_VARIANT_ADD(cli, set_cpus_missing) {
	.args = { "target", "set", IQN, "MaxBurstLength", "65536", "cpus" }, .code = 2,
	.err = "ktgtctl: missing value after 'cpus'",
};
FIXTURE_VARIANT_ADD(cli, set_time2wait) {
	.args = { "target", "set", IQN, "DefaultTime2Wait", "3601" }, .code = 2,
	.err = "(expected 0..3600)",
};
FIXTURE_VARIANT_ADD(cli, set_not_a_number) {
	.args = { "target", "set", IQN, "MaxOutstandingR2T", "0x10" }, .code = 2,
	.err = "invalid value '0x10' for MaxOutstandingR2T",
};
FIXTURE_VARIANT_ADD(cli, set_bad_bool) {
	.args = { "target", "set", IQN, "InitialR2T", "on" }, .code = 2,
	.err = "invalid value 'on' for InitialR2T (expected Yes or No)",
};
FIXTURE_VARIANT_ADD(cli, set_bad_digest) {
	.args = { "target", "set", IQN, "DataDigest", "CRC32C,CRC32C" }, .code = 2,
	.err = "invalid value 'CRC32C,CRC32C' for DataDigest",
};
FIXTURE_VARIANT_ADD(cli, set_bad_target) {
	.args = { "target", "set", "mytarget", "InitialR2T", "Yes" }, .code = 2,
	.err = "invalid target name 'mytarget'",
};
FIXTURE_VARIANT_ADD(cli, set_no_module) {
	.args = { "target", "set", IQN, "headerdigest", "crc32c,none", "ImmediateData", "no" },
	.code = 1, .err = NOT_LOADED, .without_module = true,
};
FIXTURE_VARIANT_ADD(cli, help_set) {
	.args = { "target", "set", "--help" }, .code = 0, .out = "DefaultTime2Retain",
};
FIXTURE_VARIANT_ADD(cli, unknown_long_option) {
	.args = { "--bogus", "show" }, .code = 2, .err = "unknown option '--bogus'",
};
FIXTURE_VARIANT_ADD(cli, unknown_short_option) {
	.args = { "show", "-x" }, .code = 2, .err = "unknown option '-x'",
};

/* Errors: exit 1 */
FIXTURE_VARIANT_ADD(cli, lun_missing_file) {
	.args = { "lun", "add", IQN, "1", "/nonexistent/ktgt.img" }, .code = 1,
	.err = "ktgtctl: /nonexistent/ktgt.img: No such file or directory",
};
FIXTURE_VARIANT_ADD(cli, lun_char_device) {
	.args = { "lun", "add", IQN, "1", "/dev/null" }, .code = 1,
	.err = "ktgtctl: /dev/null: not a block device or regular file",
};
FIXTURE_VARIANT_ADD(cli, show_no_module) {
	.args = { "show" }, .code = 1, .err = NOT_LOADED, .without_module = true,
};
FIXTURE_VARIANT_ADD(cli, show_json_no_module) {
	.args = { "-j", "show", IQN }, .code = 1, .err = NOT_LOADED, .without_module = true,
};
FIXTURE_VARIANT_ADD(cli, target_add_no_module) {
	.args = { "target", "add", IQN }, .code = 1, .err = NOT_LOADED, .without_module = true,
};
FIXTURE_VARIANT_ADD(cli, acl_all_no_module) {
	.args = { "acl", "add", IQN, "all" }, .code = 1, .err = NOT_LOADED,
	.without_module = true,
};
FIXTURE_VARIANT_ADD(cli, lun_file_no_module) {
	.args = { "lun", "add", IQN, "0", "/proc/self/exe", "readonly", "on" }, .code = 1,
	.err = NOT_LOADED, .without_module = true,
};

/* Help and version: exit 0, on stdout */
FIXTURE_VARIANT_ADD(cli, help) {
	.args = { "--help" }, .code = 0, .out = "Usage: ktgtctl [OPTIONS] OBJECT COMMAND",
};
FIXTURE_VARIANT_ADD(cli, help_word) {
	.args = { "help" }, .code = 0, .out = "ktgtctl lun add IQN LUN PATH",
};
FIXTURE_VARIANT_ADD(cli, help_object) {
	.args = { "portal", "help" }, .code = 0, .out = "Usage: ktgtctl portal COMMAND",
};
FIXTURE_VARIANT_ADD(cli, help_object_option) {
	.args = { "acl", "-h" }, .code = 0, .out = "ktgtctl acl add IQN ALL|INITIATOR",
};
FIXTURE_VARIANT_ADD(cli, help_command) {
	.args = { "lun", "add", "--help" }, .code = 0,
	.out = "Usage: ktgtctl lun add IQN LUN PATH|null-store SIZE [readonly on|off]",
};
FIXTURE_VARIANT_ADD(cli, help_command_word) {
	.args = { "show", "help" }, .code = 0, .out = "Usage: ktgtctl show [IQN|discovery]",
};
FIXTURE_VARIANT_ADD(cli, help_before_bad_args) {
	.args = { "-h", "portal", "add", "x" }, .code = 0, .out = "Usage: ktgtctl portal add",
};
FIXTURE_VARIANT_ADD(cli, help_load) {
	.args = { "load", "--help" }, .code = 0, .out = "Usage: ktgtctl load FILE",
};
FIXTURE_VARIANT_ADD(cli, help_save) {
	.args = { "save", "help" }, .code = 0, .out = "Usage: ktgtctl save [FILE]",
};
FIXTURE_VARIANT_ADD(cli, save_no_module) {
	.args = { "save" }, .code = 1, .err = NOT_LOADED, .without_module = true,
};
FIXTURE_VARIANT_ADD(cli, account_no_module) {
	.args = { "account", "add", IQN, "tgt", "secretsecret12", "outgoing" }, .code = 1,
	.err = NOT_LOADED, .without_module = true,
};
/* options of some commands only; the values of the new commands */
FIXTURE_VARIANT_ADD(cli, force_on_target_add) {
	.args = { "target", "add", "--force", IQN }, .code = 2,
	.err = "unknown option '--force' (try 'ktgtctl --help')",
};
FIXTURE_VARIANT_ADD(cli, watch_on_show) {
	.args = { "-w", "2", "show" }, .code = 2, .err = "unknown option '-w'",
};
FIXTURE_VARIANT_ADD(cli, watch_zero) {
	.args = { "stats", "--watch", "0" }, .code = 2,
	.err = "invalid --watch '0' (expected 1..86400 seconds)",
};
FIXTURE_VARIANT_ADD(cli, address_on_lun_del) {
	.args = { "lun", "del", IQN, "1", "--address", "10.0.0.1" }, .code = 2,
	.err = "unknown option '--address'",
};
FIXTURE_VARIANT_ADD(cli, acl_bad_address) {
	.args = { "acl", "add", IQN, "--address", "10.0.0.0/33" }, .code = 2,
	.err = "invalid address '10.0.0.0/33' (expected an IPv4 or IPv6 address, with an optional /PREFIX)",
};
FIXTURE_VARIANT_ADD(cli, acl_name_and_address) {
	.args = { "acl", "add", IQN, "ALL", "-a", "10.0.0.1" }, .code = 2,
	.err = "give an initiator or --address, not both",
};
FIXTURE_VARIANT_ADD(cli, acl_neither) {
	.args = { "acl", "del", IQN }, .code = 2,
	.err = "usage: ktgtctl acl del IQN ALL|INITIATOR|--address ADDR[/PREFIX]",
};
FIXTURE_VARIANT_ADD(cli, lun_set_nothing) {
	.args = { "lun", "set", IQN, "1" }, .code = 2,
	.err = "usage: ktgtctl lun set IQN LUN [readonly on|off] [write-cache on|off] [resize]",
};
FIXTURE_VARIANT_ADD(cli, lun_set_bad_option) {
	.args = { "lun", "set", IQN, "1", "grow" }, .code = 2,
	.err = "unknown LUN option 'grow' (expected readonly, write-cache, resize, vendor_id,",
};
FIXTURE_VARIANT_ADD(cli, lun_set_direct) {
	.args = { "lun", "set", IQN, "1", "direct", "on" }, .code = 2,
	.err = "unknown LUN option 'direct' (expected readonly, write-cache, resize,",
};
FIXTURE_VARIANT_ADD(cli, lun_add_direct_bad) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "direct", "maybe" }, .code = 2,
	.err = "invalid value 'maybe' for direct (expected on or off)",
};
FIXTURE_VARIANT_ADD(cli, lun_add_resize) {
	.args = { "lun", "add", IQN, "1", "/dev/null", "resize" }, .code = 2,
	.err = "unknown LUN option 'resize'",
};
FIXTURE_VARIANT_ADD(cli, session_logout_tsih_zero) {
	.args = { "session", "logout", IQN, "0" }, .code = 2,
	.err = "invalid TSIH '0' (expected 1..65535)",
};
FIXTURE_VARIANT_ADD(cli, session_logout_tsih_big) {
	.args = { "session", "logout", IQN, "65536" }, .code = 2,
	.err = "invalid TSIH '65536' (expected 1..65535)",
};
FIXTURE_VARIANT_ADD(cli, session_show_bad_name) {
	.args = { "session", "show", "target1" }, .code = 2, .err = "invalid target name 'target1'",
};
FIXTURE_VARIANT_ADD(cli, monitor_extra) {
	.args = { "monitor", "now" }, .code = 2, .err = "usage: ktgtctl monitor",
};
FIXTURE_VARIANT_ADD(cli, flush_extra) {
	.args = { "target", "flush", IQN }, .code = 2, .err = "usage: ktgtctl target flush [--force]",
};
FIXTURE_VARIANT_ADD(cli, account_discovery_short_secret) {
	.args = { "account", "add", "discovery", "disco", "short" }, .code = 2,
	.err = "a CHAP secret has 12 to 255 characters",
};
FIXTURE_VARIANT_ADD(cli, version) {
	.args = { "--version" }, .code = 0, .out = "ktgtctl ",
};

TEST_F(cli, run)
{
	char *out = NULL, *err = NULL;
	int code;

	if (variant->without_module && ktgt_loaded())
		SKIP(return, "the ktgt module is loaded");
	code = run(self->prog, variant->args, &out, &err);
	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, err);
	EXPECT_EQ(variant->code, code);

	if (variant->out) {
		EXPECT_NE(NULL, strstr(out, variant->out)) TH_LOG("stdout: %s", out);
	} else {
		EXPECT_STREQ("", out);
	}

	if (variant->err) {
		/* exactly one line, "ktgtctl: ..." */
		EXPECT_EQ(0, strncmp(err, "ktgtctl: ", 9)) TH_LOG("stderr: %s", err);
		EXPECT_NE(NULL, strstr(err, variant->err)) TH_LOG("stderr: %s", err);
		EXPECT_EQ(strchr(err, '\n'), err + strlen(err) - 1) TH_LOG("stderr: %s", err);
	} else {
		EXPECT_STREQ("", err);
	}
	free(out);
	free(err);
}

/* tests/unit/data/cli, wherever the test runs from */
static void data_dir(char *buf, size_t len)
{
	char src[PATH_MAX];

	snprintf(src, sizeof(src), "%s", __FILE__);
	snprintf(buf, len, "%s/data/cli", dirname(src));
}

/* @text with each '@' replaced by @dir, to be freed */
static char *expand(const char *text, const char *dir)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	for (; *text; text++) {
		if (*text == '@')
			fputs(dir, f);
		else
			fputc(*text, f);
	}
	fclose(f);
	return buf;
}

/*
 * load and save, with files: '@' in the arguments and in the expected
 * output stands for tests/unit/data/cli. A load checks the file before it
 * talks to the kernel, so a bad file fails the same with or without the
 * module.
 */
FIXTURE(file) {
	char path[PATH_MAX];
	char dir[PATH_MAX];
	const char *prog;
};

FIXTURE_SETUP(file)
{
	self->prog = ktgtctl_path(self->path, sizeof(self->path));
	if (!self->prog || access(self->prog, X_OK))
		SKIP(return, "no ktgtctl binary (make ktgtctl, or set KTGTCTL)");
	data_dir(self->dir, sizeof(self->dir));
}

FIXTURE_TEARDOWN(file) {}

FIXTURE_VARIANT(file) {
	const char *args[6];
	int code;
	const char *err;	/* all of stderr */
	const char *absent;	/* a file that must not exist afterwards */
	bool without_module;
};

#define BAD_ERRORS \
	"@/bad.conf:4: unknown directive 'frobnicate'\n" \
	"@/bad.conf:5: incominguser alice: the secret has 5 characters (expected 12 to 255)\n" \
	"@/bad.conf:7: only one outgoinguser per target (the first is on line 6)\n" \
	"@/bad.conf:8: invalid initiator address '192.0.2.300' (expected ALL, or an IPv4 or IPv6 address with an optional /PREFIX)\n" \
	"@/bad.conf:9: @/missing.img: No such file or directory\n" \
	"@/bad-include.conf:1: duplicate target iqn.2024-01.org.example:bad (first at @/bad.conf:3)\n" \
	"@/bad-include.conf:3: <target iqn.2024-01.org.example:other> is missing </target>\n" \
	"@/bad-include.conf:4: invalid port in portal '192.0.2.1:0' (expected 1..65535)\n" \
	"ktgtctl: @/bad.conf: 8 errors, nothing changed\n"

FIXTURE_VARIANT_ADD(file, load_bad) {
	.args = { "load", "@/bad.conf" }, .code = 1, .err = BAD_ERRORS,
};
FIXTURE_VARIANT_ADD(file, load_bad_dry_run) {
	.args = { "--dry-run", "load", "@/bad.conf" }, .code = 1, .err = BAD_ERRORS,
};
FIXTURE_VARIANT_ADD(file, load_missing) {
	.args = { "load", "@/missing.conf" }, .code = 1,
	.err = "@/missing.conf: No such file or directory\n"
	       "ktgtctl: @/missing.conf: 1 error, nothing changed\n",
};
FIXTURE_VARIANT_ADD(file, load_directory) {
	.args = { "-n", "load", "@" }, .code = 1,
	.err = "@: Is a directory\nktgtctl: @: 1 error, nothing changed\n",
};
FIXTURE_VARIANT_ADD(file, load_good_no_module) {
	.args = { "-n", "load", "@/good.conf" }, .code = 1, .err = NOT_LOADED "\n",
	.without_module = true,
};
FIXTURE_VARIANT_ADD(file, save_no_module) {
	.args = { "save", "@/never-written.conf" }, .code = 1, .err = NOT_LOADED "\n",
	.absent = "@/never-written.conf", .without_module = true,
};

TEST_F(file, run)
{
	char *args[ARRAY_SIZE(variant->args)] = { };
	char *out = NULL, *err = NULL, *want;
	size_t i;
	int code;

	if (variant->without_module && ktgt_loaded())
		SKIP(return, "the ktgt module is loaded");
	for (i = 0; i < ARRAY_SIZE(variant->args) && variant->args[i]; i++) {
		args[i] = expand(variant->args[i], self->dir);
		ASSERT_NE(NULL, args[i]);
	}
	code = run(self->prog, (const char *const *)args, &out, &err);
	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, err);
	EXPECT_EQ(variant->code, code);
	EXPECT_STREQ("", out);
	want = expand(variant->err, self->dir);
	ASSERT_NE(NULL, want);
	EXPECT_STREQ(want, err);
	free(want);
	if (variant->absent) {
		want = expand(variant->absent, self->dir);
		ASSERT_NE(NULL, want);
		EXPECT_NE(0, access(want, F_OK)) TH_LOG("%s exists", want);
		free(want);
	}
	for (i = 0; i < ARRAY_SIZE(args); i++)
		free(args[i]);
	free(out);
	free(err);
}

TEST_HARNESS_MAIN
