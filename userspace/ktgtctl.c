// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: configure the ktgt in-kernel iSCSI target over generic netlink.
 *
 * Every argument is checked before the kernel is asked anything, so a bad
 * command line fails the same way with or without the module (exit 2).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <linux/ktgt.h>

#include "cli.h"
#include "config.h"
#include "json.h"
#include "nl.h"
#include "parse.h"
#include "show.h"

#define KTGTCTL_VERSION	"0.1"

struct ktgtctl {
	bool json;
	bool dry_run;
	bool force;
	unsigned int watch;		/* stats: seconds between reports, 0 for one */
	const char *force_opt;		/* how --force and --watch were spelled */
	const char *watch_opt;
	const char *address;		/* acl: --address ADDR[/PREFIX] */
	const char *address_opt;
	int undo_failed;
	struct ktgt_nl *nl;
};

/* Validate an iSCSI name from the command line, and bring it to lower case. */
static int check_name_arg(const char *what, char *name)
{
	int err;

	ktgt_name_lower(name);
	err = ktgt_check_name(name);
	if (err == -ENAMETOOLONG)
		return cli_error(CLI_USAGE, "%s name is longer than %d bytes", what,
				 KTGT_NAME_MAX);
	if (err)
		return cli_error(CLI_USAGE,
				 "invalid %s name '%s' (expected iqn.YYYY-MM.domain[:ID], eui.<16 hex> or naa.<16|32 hex>)",
				 what, name);
	return CLI_OK;
}

static int check_target_arg(char *name)
{
	return check_name_arg("target", name);
}

static int connect_kernel(struct ktgtctl *c)
{
	int err;

	c->nl = ktgt_nl_alloc();
	if (!c->nl)
		return cli_error(CLI_ERR, "%s", strerror(ENOMEM));
	err = ktgt_nl_connect(c->nl);
	if (err)
		return cli_error(CLI_ERR, "%s", ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

/* Send a request that changes something; @object names it in errors. */
static int send_request(struct ktgtctl *c, const struct cli_cmd *cmd, const char *object,
			const struct ktgt_request *req)
{
	int err = connect_kernel(c);

	if (err)
		return err;
	err = ktgt_nl_do(c->nl, cmd->id, req);
	if (err)
		return cli_error(CLI_ERR, "%s %s: %s", object, cmd->name,
				 ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

static int del_discovery_account(const struct ktgt_target *t, void *arg)
{
	struct ktgtctl *c = arg;
	struct ktgt_account_spec acct = { };
	struct ktgt_request req = { .discovery = true, .account = &acct };
	size_t i;
	int err;

	for (i = 0; i < t->nr_accounts; i++) {
		acct.user = t->accounts[i].user;
		acct.outgoing = t->accounts[i].outgoing;
		err = ktgt_nl_do(c->nl, KTGT_CMD_ACCOUNT_DEL, &req);
		if (err && err != -ENOENT)
			return err;
	}
	return 0;
}

static int flush_discovery(struct ktgtctl *c)
{
	int err = ktgt_nl_discovery(c->nl, del_discovery_account, c);

	if (err)
		return cli_error(CLI_ERR, "discovery accounts: %s", ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

/* target add|del IQN */
static int cmd_target(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct ktgt_request req = { .name = argv[0], .force = c->force };
	int err = check_target_arg(argv[0]);

	if (err)
		return err;
	return send_request(ctx, cmd, "target", &req);
}

/* a CPU list as the kernel takes it: "0-3,6", or "none" */
static int parse_cpus_arg(const char *arg, const char **cpus)
{
	if (!strcmp(arg, "none")) {
		*cpus = "";
		return CLI_OK;
	}
	if (!*arg || strspn(arg, "0123456789,-") != strlen(arg) || !isdigit((unsigned char)*arg))
		return cli_error(CLI_USAGE, "invalid CPU list '%s' (expected e.g. 0-3,6 or none)",
				 arg);
	*cpus = arg;
	return CLI_OK;
}

struct name_list {
	char **names;
	size_t nr;
};

static int collect_name(const struct ktgt_target *t, void *arg)
{
	struct name_list *l = arg;
	char **names;

	if (!t->name)
		return 0;
	names = realloc(l->names, (l->nr + 1) * sizeof(*names));
	if (!names)
		return -ENOMEM;
	l->names = names;
	l->names[l->nr] = strdup(t->name);
	if (!l->names[l->nr])
		return -ENOMEM;
	l->nr++;
	return 0;
}

/*
 * target flush: delete every target (with --force, those with sessions
 * too), then the discovery accounts. ktgt.service stops with it, before
 * the module is unloaded.
 */
static int cmd_target_flush(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct name_list l = { };
	struct ktgt_request req = { .force = c->force };
	int err, ret;
	size_t i;

	ret = connect_kernel(c);
	if (ret)
		return ret;
	err = ktgt_nl_get(c->nl, NULL, collect_name, &l);
	if (err)
		ret = cli_error(CLI_ERR, "target flush: %s", ktgt_nl_strerror(c->nl, err));
	for (i = 0; !err && i < l.nr; i++) {
		req.name = l.names[i];
		err = ktgt_nl_do(c->nl, KTGT_CMD_TARGET_DEL, &req);
		/* one already gone is what was asked */
		if (err == -ENOENT)
			err = 0;
		if (err)
			ret = cli_error(CLI_ERR, "target del %s: %s", l.names[i],
					ktgt_nl_strerror(c->nl, err));
	}
	if (!ret)
		ret = flush_discovery(c);
	for (i = 0; i < l.nr; i++)
		free(l.names[i]);
	free(l.names);
	return ret;
}

/* KEY VALUE [KEY VALUE...]; a key given twice takes its last value */
static int parse_param_args(int argc, char **argv, struct ktgt_params *p, const char **cpus)
{
	const struct ktgt_param_key *k;
	char range[64];
	uint32_t val;
	int i, err;

	if (argc % 2)
		return cli_error(CLI_USAGE, "missing value after '%s'", argv[argc - 1]);
	for (i = 0; i < argc; i += 2) {
		if (!strcasecmp(argv[i], "cpus")) {
			err = parse_cpus_arg(argv[i + 1], cpus);
			if (err)
				return err;
			continue;
		}
		k = ktgt_param_lookup(argv[i]);
		if (!k || k->session_only)
			return cli_error(CLI_USAGE,
					 "unknown login key '%s' (try 'ktgtctl target set --help')",
					 argv[i]);
		err = ktgt_param_parse(k, argv[i + 1], &val);
		if (err) {
			ktgt_param_range(k, range, sizeof(range));
			return cli_error(CLI_USAGE, "invalid value '%s' for %s (expected %s)",
					 argv[i + 1], k->name, range);
		}
		ktgt_params_set(p, k->attr, val);
	}
	return CLI_OK;
}

/* target set IQN KEY VALUE [KEY VALUE...] */
static int cmd_target_set(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgt_params params = { };
	struct ktgt_request req = { .name = argv[0], .params = &params };
	int err = check_target_arg(argv[0]);

	if (!err)
		err = parse_param_args(argc - 1, argv + 1, &params, &req.cpus);
	if (err)
		return err;
	return send_request(ctx, cmd, "target", &req);
}

/* portal add|del IQN IP[:PORT] */
static int cmd_portal(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgt_addr portal;
	struct ktgt_request req = { .name = argv[0], .portal = &portal };
	int err = check_target_arg(argv[0]);

	if (err)
		return err;
	err = ktgt_parse_portal(argv[1], &portal);
	if (err == -ERANGE)
		return cli_error(CLI_USAGE, "invalid port in portal '%s' (expected 1..65535)",
				 argv[1]);
	if (err)
		return cli_error(CLI_USAGE,
				 "invalid portal '%s' (expected A.B.C.D[:PORT] or [IPV6][:PORT])",
				 argv[1]);
	return send_request(ctx, cmd, "portal", &req);
}

static int *lun_option(struct ktgt_lun_spec *lun, const char *key)
{
	if (!strcmp(key, "readonly"))
		return &lun->readonly;
	if (!strcmp(key, "write-cache"))
		return &lun->write_cache;
	if (!strcmp(key, "direct"))
		return &lun->direct;
	return NULL;
}

/* The identity options, as targets.conf names them (enum ktgt_conf_ident order) */
static const struct {
	const char *name;
	size_t max;
} lun_idents[KTGT_LUN_IDENT_NR] = {
	{ "vendor_id", KTGT_VENDOR_ID_MAX },
	{ "product_id", KTGT_PRODUCT_ID_MAX },
	{ "product_rev", KTGT_PRODUCT_REV_MAX },
	{ "scsi_sn", KTGT_SCSI_SN_MAX },
	{ "scsi_id", KTGT_SCSI_ID_MAX },
};

static bool is_lun_ident(const char *key)
{
	size_t i;

	for (i = 0; i < KTGT_LUN_IDENT_NR; i++)
		if (!strcmp(key, lun_idents[i].name))
			return true;
	return false;
}

/* an identity option: the value is the next word */
static int parse_lun_ident(const char *key, const char *val, struct ktgt_lun_spec *lun)
{
	size_t i;
	int err;

	for (i = 0; i < KTGT_LUN_IDENT_NR; i++) {
		if (strcmp(key, lun_idents[i].name))
			continue;
		err = ktgt_check_ident(val, lun_idents[i].max);
		if (err == -ERANGE)
			return cli_error(CLI_USAGE, "%s '%s' is too long (at most %zu characters)",
					 key, val, lun_idents[i].max);
		if (err)
			return cli_error(CLI_USAGE, "invalid %s '%s' (expected printable ASCII)",
					 key, val);
		lun->ident[i] = val;
		return CLI_OK;
	}
	return -ENOENT;
}

/*
 * [readonly on|off] [write-cache on|off] [vendor_id S] [product_id S]
 * [product_rev S] [scsi_sn S] [scsi_id S], in any order; the last one wins.
 * With @set (lun set), also [resize].
 */
static int parse_lun_options(int argc, char **argv, struct ktgt_lun_spec *lun, bool set)
{
	int i, *opt, err;
	bool on;

	for (i = 0; i < argc; i += 2) {
		if (set && !strcmp(argv[i], "resize")) {
			lun->resize = true;
			i--;
			continue;
		}
		opt = lun_option(lun, argv[i]);
		if (set && opt == &lun->direct)
			opt = NULL;	/* only when the LUN is added */
		if (!opt && set && !is_lun_ident(argv[i]))
			return cli_error(CLI_USAGE,
					 "unknown LUN option '%s' (expected readonly, write-cache, resize, vendor_id, product_id, product_rev, scsi_sn or scsi_id)",
					 argv[i]);
		if (!opt && !is_lun_ident(argv[i]))
			return cli_error(CLI_USAGE,
					 "unknown LUN option '%s' (expected readonly, write-cache, direct, vendor_id, product_id, product_rev, scsi_sn or scsi_id)",
					 argv[i]);
		if (i + 1 == argc)
			return cli_error(CLI_USAGE, opt ? "missing on|off after '%s'" :
					 "missing value after '%s'", argv[i]);
		if (!opt) {
			err = parse_lun_ident(argv[i], argv[i + 1], lun);
			if (err)
				return err;
			continue;
		}
		if (ktgt_parse_onoff(argv[i + 1], &on))
			return cli_error(CLI_USAGE,
					 "invalid value '%s' for %s (expected on or off)",
					 argv[i + 1], argv[i]);
		*opt = on;
	}
	return CLI_OK;
}

/* The kernel opens the backing store itself, so give it an absolute path. */
static int resolve_backing_store(const char *arg, char **path)
{
	int err;

	if (!*arg)
		return cli_error(CLI_USAGE, "empty backing store path");
	err = ktgt_resolve_store(arg, path);
	if (err)
		return cli_error(CLI_ERR, "%s: %s", arg, ktgt_store_strerror(err));
	return CLI_OK;
}

/* lun add IQN LUN PATH|null-store SIZE [OPTIONS], lun set IQN LUN OPTIONS, lun del IQN LUN */
static int cmd_lun(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct ktgt_lun_spec lun = { .readonly = -1, .write_cache = -1 };
	struct ktgt_request req = { .name = argv[0], .lun = &lun };
	char *path = NULL;
	int err;

	err = check_target_arg(argv[0]);
	if (err)
		return err;
	err = ktgt_parse_lun(argv[1], &lun.id);
	if (err)
		return cli_error(CLI_USAGE, "invalid LUN '%s' (expected 0..%d)", argv[1],
				 KTGT_LUN_MAX);
	if (cmd->id == KTGT_CMD_LUN_ADD && !strcmp(argv[2], KTGT_NULL_STORE)) {
		/* the null backend: a size instead of a path */
		if (argc < 4)
			return cli_error(CLI_USAGE, "missing SIZE after %s", KTGT_NULL_STORE);
		if (ktgt_parse_size(argv[3], &lun.null_size) || lun.null_size < KTGT_NULL_SIZE_MIN)
			return cli_error(CLI_USAGE,
					 "invalid size '%s' (expected at least 512 bytes: a number with K, M, G or T)",
					 argv[3]);
		err = parse_lun_options(argc - 4, argv + 4, &lun, false);
	} else if (cmd->id == KTGT_CMD_LUN_ADD) {
		err = parse_lun_options(argc - 3, argv + 3, &lun, false);
		if (!err)
			err = resolve_backing_store(argv[2], &path);
		lun.path = path;
	} else if (cmd->id == KTGT_CMD_LUN_SET) {
		err = parse_lun_options(argc - 2, argv + 2, &lun, true);
	} else {
		req.force = c->force;
	}
	if (!err)
		err = send_request(ctx, cmd, "lun", &req);
	free(path);
	return err;
}

/* acl add|del IQN ALL|INITIATOR and acl add|del IQN --address ADDR[/PREFIX] */
static int cmd_acl(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct ktgt_request req = { .name = argv[0], .initiator = argc > 1 ? argv[1] : NULL };
	struct ktgt_acl_addr addr;
	int err = check_target_arg(argv[0]);

	if (err)
		return err;
	if (c->address) {
		if (argc > 1)
			return cli_error(CLI_USAGE, "give an initiator or --address, not both");
		if (ktgt_parse_acl_addr(c->address, &addr))
			return cli_error(CLI_USAGE,
					 "invalid address '%s' (expected an IPv4 or IPv6 address, with an optional /PREFIX)",
					 c->address);
		req.acl_addr = &addr;
		return send_request(ctx, cmd, "acl", &req);
	}
	if (argc < 2)
		return cli_error(CLI_USAGE, "usage: %s acl %s %s", CLI_PROG, cmd->name, cmd->args);
	if (!strcasecmp(argv[1], KTGT_ACL_ALL))
		req.initiator = KTGT_ACL_ALL;
	else
		err = check_name_arg("initiator", argv[1]);
	if (err)
		return err;
	return send_request(ctx, cmd, "acl", &req);
}

/* account add IQN USER SECRET [outgoing] and account del IQN USER [outgoing] */
static int cmd_account(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	bool add = cmd->id == KTGT_CMD_ACCOUNT_ADD;
	struct ktgt_account_spec acct = { .user = argv[1] };
	struct ktgt_request req = { .name = argv[0], .account = &acct };
	int err = CLI_OK, nopt = add ? 3 : 2;
	size_t len;

	if (!strcmp(argv[0], "discovery")) {
		req.name = NULL;
		req.discovery = true;
	} else {
		err = check_target_arg(argv[0]);
	}
	if (err)
		return err;
	if (!*acct.user || strlen(acct.user) > KTGT_CHAP_USER_MAX)
		return cli_error(CLI_USAGE, "invalid CHAP user name '%s'", acct.user);
	if (argc > nopt) {
		if (strcmp(argv[nopt], "outgoing"))
			return cli_error(CLI_USAGE, "unknown option '%s' (expected outgoing)",
					 argv[nopt]);
		acct.outgoing = 1;
	}
	if (add) {
		acct.secret = argv[2];
		len = strlen(acct.secret);
		if (len < KTGT_CHAP_SECRET_MIN || len > KTGT_CHAP_SECRET_MAX)
			return cli_error(CLI_USAGE, "a CHAP secret has %d to %d characters",
					 KTGT_CHAP_SECRET_MIN, KTGT_CHAP_SECRET_MAX);
	}
	return send_request(ctx, cmd, "account", &req);
}

struct show_ctx {
	FILE *f;
	struct json_writer *json;
	const char *name;		/* only this target, or NULL */
};

static int show_one(const struct ktgt_target *t, void *arg)
{
	struct show_ctx *sc = arg;

	if (sc->json)
		ktgt_show_json(sc->json, t);
	else
		ktgt_show_text(sc->f, t);
	return 0;
}

static int show_discovery(const struct ktgt_target *t, void *arg)
{
	struct show_ctx *sc = arg;

	if (sc->json)
		ktgt_show_discovery_json(sc->json, t);
	else
		ktgt_show_discovery_text(sc->f, t);
	return 0;
}

/*
 * show [IQN]: the output is buffered and written only once the kernel has
 * said everything, so a failure never leaves half a listing (or half a
 * JSON document) on stdout.
 */
static int cmd_show(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct json_writer w;
	struct show_ctx sc = { .json = c->json ? &w : NULL };
	char *name = argc ? argv[0] : NULL;
	char *buf = NULL;
	size_t len = 0;
	int err;

	bool discovery = name && !strcmp(name, "discovery");

	err = name && !discovery ? check_target_arg(name) : CLI_OK;
	if (err)
		return err;
	err = connect_kernel(c);
	if (err)
		return err;
	sc.f = open_memstream(&buf, &len);
	if (!sc.f)
		return cli_error(CLI_ERR, "%s", strerror(errno));
	json_init(&w, sc.f, 2);
	if (discovery) {
		err = ktgt_nl_discovery(c->nl, show_discovery, &sc);
	} else {
		if (sc.json)
			json_begin_array(sc.json, NULL);
		err = ktgt_nl_get(c->nl, name, show_one, &sc);
		if (sc.json)
			json_end_array(sc.json);
	}
	fclose(sc.f);
	if (!err)
		fwrite(buf, 1, len, stdout);
	free(buf);
	if (err)
		return cli_error(CLI_ERR, "%s: %s", cmd->name, ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

static int session_one(const struct ktgt_target *t, void *arg)
{
	struct show_ctx *sc = arg;
	size_t i;

	for (i = 0; i < t->nr_sessions; i++) {
		if (sc->name && (!t->name || strcmp(sc->name, t->name)))
			continue;
		if (sc->json)
			ktgt_show_session_json(sc->json, t, &t->sessions[i]);
		else
			ktgt_show_session_text(sc->f, t, &t->sessions[i]);
	}
	return 0;
}

/* session show [IQN]: every session, from a dump of sessions */
static int cmd_session_show(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct json_writer w;
	struct show_ctx sc = { .json = c->json ? &w : NULL, .name = argc ? argv[0] : NULL };
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = sc.name ? check_target_arg(argv[0]) : CLI_OK;
	if (!err)
		err = connect_kernel(c);
	if (err)
		return err;
	sc.f = open_memstream(&buf, &len);
	if (!sc.f)
		return cli_error(CLI_ERR, "%s", strerror(errno));
	json_init(&w, sc.f, 2);
	if (sc.json)
		json_begin_array(sc.json, NULL);
	err = ktgt_nl_sessions(c->nl, session_one, &sc);
	if (sc.json)
		json_end_array(sc.json);
	fclose(sc.f);
	if (!err)
		fwrite(buf, 1, len, stdout);
	free(buf);
	if (err)
		return cli_error(CLI_ERR, "session show: %s", ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

/* session logout IQN TSIH */
static int cmd_session_logout(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgt_request req = { .name = argv[0] };
	unsigned long tsih;
	char *end;
	int err = check_target_arg(argv[0]);

	if (err)
		return err;
	errno = 0;
	tsih = strtoul(argv[1], &end, 0);
	if (errno || end == argv[1] || *end || !tsih || tsih > 0xffff || argv[1][0] == '-')
		return cli_error(CLI_USAGE, "invalid TSIH '%s' (expected 1..65535)", argv[1]);
	req.tsih = tsih;
	return send_request(ctx, cmd, "session", &req);
}

static int stats_one(const struct ktgt_target *t, void *arg)
{
	struct show_ctx *sc = arg;

	if (sc->name && (!t->name || strcmp(sc->name, t->name)))
		return 0;
	if (sc->json)
		ktgt_show_stats_json(sc->json, t);
	else
		ktgt_show_stats_text(sc->f, t);
	return 0;
}

/* One report of stats: buffered, so that it is written whole or not at all. */
static int stats_report(struct ktgtctl *c, const char *name)
{
	struct json_writer w;
	struct show_ctx sc = { .json = c->json ? &w : NULL, .name = name };
	char *buf = NULL;
	size_t len = 0;
	int err;

	sc.f = open_memstream(&buf, &len);
	if (!sc.f)
		return cli_error(CLI_ERR, "%s", strerror(errno));
	/* with --watch, each report is one line of JSON */
	json_init(&w, sc.f, c->watch ? 0 : 2);
	if (sc.json) {
		json_begin_object(sc.json, NULL);
		json_uint(sc.json, "time", (uint64_t)time(NULL));
		json_begin_array(sc.json, "targets");
	} else if (c->watch) {
		fprintf(sc.f, "# %lld\n", (long long)time(NULL));
	}
	err = ktgt_nl_get(c->nl, name, stats_one, &sc);
	if (sc.json) {
		json_end_array(sc.json);
		json_end_object(sc.json);
	}
	fclose(sc.f);
	if (!err) {
		fwrite(buf, 1, len, stdout);
		fflush(stdout);
	}
	free(buf);
	if (err)
		return cli_error(CLI_ERR, "stats: %s", ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

/* stats [IQN], once or every --watch seconds until interrupted */
static int cmd_stats(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	int err;

	err = argc ? check_target_arg(argv[0]) : CLI_OK;
	if (!err)
		err = connect_kernel(c);
	while (!err) {
		err = stats_report(c, argc ? argv[0] : NULL);
		if (!c->watch || err)
			break;
		sleep(c->watch);
	}
	return err;
}

static int monitor_one(uint8_t ev, const struct ktgt_target *t, void *arg)
{
	struct ktgtctl *c = arg;
	struct json_writer w;

	if (c->json) {
		json_init(&w, stdout, 0);
		ktgt_show_event_json(&w, ev, t);
	} else {
		ktgt_show_event_text(stdout, ev, t);
	}
	if (fflush(stdout) || ferror(stdout))
		return -EIO;
	return 0;
}

/* monitor: one line per event, until interrupted */
static int cmd_monitor(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	int err = connect_kernel(c);

	if (err)
		return err;
	err = ktgt_nl_monitor(c->nl, monitor_one, c);
	if (err == -EIO)
		return cli_error(CLI_ERR, "stdout: %s", strerror(errno));
	return cli_error(CLI_ERR, "monitor: %s", ktgt_nl_strerror(c->nl, err));
}

static int add_running(const struct ktgt_target *t, void *arg)
{
	return ktgt_conf_add_running(arg, t);
}

static int set_discovery(const struct ktgt_target *t, void *arg)
{
	return ktgt_conf_set_discovery(arg, t);
}

/* The running state, as a configuration. */
static int read_running(struct ktgtctl *c, struct ktgt_conf *cur)
{
	int err = connect_kernel(c);

	if (err)
		return err;
	err = ktgt_nl_get(c->nl, NULL, add_running, cur);
	if (!err)
		err = ktgt_nl_discovery(c->nl, set_discovery, cur);
	if (err)
		return cli_error(CLI_ERR, "cannot read the running targets: %s",
				 ktgt_nl_strerror(c->nl, err));
	return CLI_OK;
}

/*
 * Parse @path and check that the kernel can do what it says, reporting
 * every problem as "file:line: message".
 */
static int read_config(struct ktgt_conf *conf, const char *path)
{
	size_t i;
	int err;

	err = ktgt_conf_parse_file(conf, path);
	if (err != -ENOMEM)
		err = ktgt_conf_resolve_paths(conf);
	if (err == -ENOMEM)
		return cli_error(CLI_ERR, "%s", strerror(ENOMEM));
	ktgt_conf_sort_errors(conf);
	for (i = 0; i < conf->nr_errors; i++)
		fprintf(stderr, "%s\n", conf->errors[i].text);
	if (conf->nr_errors)
		return cli_error(CLI_ERR, "%s: %zu error%s, nothing changed", path,
				 conf->nr_errors, conf->nr_errors == 1 ? "" : "s");
	return CLI_OK;
}

/* One step of a plan: one request. */
static int apply_step(const struct ktgt_plan_op *op, bool undo, void *arg)
{
	struct ktgtctl *c = arg;
	struct ktgt_lun_spec lun = { .readonly = -1, .write_cache = -1 };
	struct ktgt_account_spec acct = { };
	struct ktgt_request req = { .name = op->target, .initiator = op->initiator,
				    .discovery = !op->target };
	char what[KTGT_PATH_MAX + 512];
	struct ktgt_acl_addr addr;
	int err, i;

	if (op->address) {
		/* checked by the parser, or formatted from the kernel's */
		if (ktgt_parse_acl_addr(op->address, &addr)) {
			cli_error(CLI_ERR, "bad initiator-address '%s'", op->address);
			return -EINVAL;
		}
		req.acl_addr = &addr;
	}
	req.replace = op->replaced != NULL;
	if (op->cmd == KTGT_CMD_TARGET_SET) {
		req.params = op->params.present ? &op->params : NULL;
		req.cpus = op->cpus;
	}
	if (op->cmd == KTGT_CMD_PORTAL_ADD || op->cmd == KTGT_CMD_PORTAL_DEL)
		req.portal = &op->portal;
	if (op->lun) {
		lun.id = op->lun->id;
		req.lun = &lun;
	}
	if (op->cmd == KTGT_CMD_LUN_ADD) {
		if (op->lun->store == KTGT_STORE_NULL)
			lun.null_size = op->lun->size;
		else
			lun.path = op->lun->path;
		lun.readonly = op->lun->opts.readonly;
		lun.write_cache = op->lun->opts.write_cache;
		lun.direct = op->lun->opts.direct;
		for (i = 0; i < KTGT_LUN_IDENT_NR; i++)
			lun.ident[i] = op->lun->opts.ident[i];
	}
	if (op->account) {
		acct.user = op->account->name;
		acct.outgoing = op->account->outgoing;
		req.account = &acct;
	}
	if (op->cmd == KTGT_CMD_ACCOUNT_ADD) {
		acct.secret = op->account->secret;
		acct.secret_len = op->account->secret_len;
	}
	err = ktgt_nl_do(c->nl, op->cmd, &req);
	if (err) {
		ktgt_plan_format(op, what, sizeof(what));
		cli_error(CLI_ERR, "%s%s: %s", undo ? "rolling back: " : "", what,
			  ktgt_nl_strerror(c->nl, err));
		c->undo_failed += undo;
	}
	return err;
}

/* load [--dry-run] FILE */
static int cmd_load(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgtctl *c = ctx;
	struct ktgt_conf want, cur;
	struct ktgt_plan plan = { };
	int ret;

	if (!*argv[0])
		return cli_error(CLI_USAGE, "empty file name");
	ktgt_conf_init(&want);
	ktgt_conf_init(&cur);
	ret = read_config(&want, argv[0]);
	if (!ret)
		ret = read_running(c, &cur);
	if (!ret && ktgt_plan_diff(&plan, &cur, &want))
		ret = cli_error(CLI_ERR, "%s", strerror(ENOMEM));
	if (!ret && c->dry_run)
		ktgt_plan_print(stdout, &plan);
	else if (!ret && ktgt_plan_apply(&plan, apply_step, c))
		ret = c->undo_failed ?
		      cli_error(CLI_ERR, "%s: %d step%s could not be undone: the running targets are partly changed",
				argv[0], c->undo_failed, c->undo_failed == 1 ? "" : "s") :
		      cli_error(CLI_ERR, "%s: not loaded, the running targets are as they were",
				argv[0]);
	ktgt_plan_free(&plan);
	ktgt_conf_free(&cur);
	ktgt_conf_free(&want);
	return ret;
}

/* Replace @path with @len bytes of @buf, or leave it alone. */
static int write_file(const char *path, const char *buf, size_t len)
{
	size_t tlen = strlen(path) + sizeof(".XXXXXX");
	char *tmp = malloc(tlen);
	int fd, err = 0;
	FILE *f;

	if (!tmp)
		return cli_error(CLI_ERR, "%s", strerror(ENOMEM));
	snprintf(tmp, tlen, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		goto out_free;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		goto out_unlink;
	}
	errno = EIO;
	if (fwrite(buf, 1, len, f) != len || fflush(f) || fsync(fd))
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
out_unlink:
	if (err)
		unlink(tmp);
out_free:
	free(tmp);
	if (err)
		return cli_error(CLI_ERR, "%s: %s", path, strerror(err));
	return CLI_OK;
}

/* save [FILE] */
static int cmd_save(const struct cli_cmd *cmd, int argc, char **argv, void *ctx)
{
	struct ktgt_conf cur;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	if (argc && !*argv[0])
		return cli_error(CLI_USAGE, "empty file name");
	ktgt_conf_init(&cur);
	ret = read_running(ctx, &cur);
	if (!ret) {
		f = open_memstream(&buf, &len);
		if (!f || ktgt_conf_write(f, &cur) || fclose(f))
			ret = cli_error(CLI_ERR, "%s", strerror(ENOMEM));
	}
	if (!ret && argc)
		ret = write_file(argv[0], buf, len);
	else if (!ret)
		fwrite(buf, 1, len, stdout);
	free(buf);
	ktgt_conf_free(&cur);
	return ret;
}

static const struct cli_cmd target_cmds[] = {
	{
		.name = "add", .args = "IQN", .help = "create a target",
		.run = cmd_target, .id = KTGT_CMD_TARGET_ADD, .min_args = 1, .max_args = 1,
	}, {
		.name = "del", .args = "[--force] IQN", .help = "delete a target and everything in it",
		.details = "A target with sessions is not deleted unless --force is given: then\n"
			   "each initiator is asked to log out (Async logout request), and after\n"
			   "a few seconds the connections still open are closed. The command\n"
			   "returns once their I/O is done.\n",
		.run = cmd_target, .id = KTGT_CMD_TARGET_DEL, .min_args = 1, .max_args = 1,
	}, {
		.name = "flush", .args = "[--force]",
		.help = "delete every target, and the discovery accounts",
		.details = "As target del, for each target: one with sessions stays unless\n"
			   "--force is given. ktgt.service runs 'ktgtctl --force target flush'\n"
			   "when it stops, before it unloads the module.\n",
		.run = cmd_target_flush, .id = KTGT_CMD_TARGET_DEL, .min_args = 0, .max_args = 0,
	}, {
		.name = "set", .args = "IQN KEY VALUE [KEY VALUE...]",
		.help = "change the login keys the target offers, or its CPU set",
		.details = "KEY is an RFC 7143 login key, in any case, or cpus:\n"
			   "  HeaderDigest, DataDigest        None, CRC32C or CRC32C,None\n"
			   "  MaxRecvDataSegmentLength        512..16777215\n"
			   "  MaxBurstLength                  512..16777215\n"
			   "  FirstBurstLength                512..MaxBurstLength\n"
			   "  InitialR2T, ImmediateData       Yes or No\n"
			   "  MaxOutstandingR2T               1..65535 (the kernel may allow fewer)\n"
			   "  DefaultTime2Wait                0..3600\n"
			   "  DefaultTime2Retain              0..3600\n"
			   "  cpus                            CPU list (0-3,6) or none\n"
			   "Sessions already logged in keep what they negotiated; later logins\n"
			   "get the new offers. show lists both. With cpus, each session's\n"
			   "work runs on one CPU of the list (round robin), at once.\n",
		.run = cmd_target_set, .id = KTGT_CMD_TARGET_SET, .min_args = 3, .max_args = 63,
	},
	{ }
};

#define PORTAL_DETAILS \
	"IP is A.B.C.D or [IPV6] (0.0.0.0 and [::] mean every address).\n" \
	"PORT defaults to 3260.\n"

static const struct cli_cmd portal_cmds[] = {
	{
		.name = "add", .args = "IQN IP[:PORT]", .help = "listen for the target on IP:PORT",
		.details = PORTAL_DETAILS,
		.run = cmd_portal, .id = KTGT_CMD_PORTAL_ADD, .min_args = 2, .max_args = 2,
	}, {
		.name = "del", .args = "IQN IP[:PORT]", .help = "stop listening on IP:PORT",
		.details = PORTAL_DETAILS,
		.run = cmd_portal, .id = KTGT_CMD_PORTAL_DEL, .min_args = 2, .max_args = 2,
	},
	{ }
};

static const struct cli_cmd lun_cmds[] = {
	{
		.name = "add",
		.args = "IQN LUN PATH|null-store SIZE [readonly on|off] [write-cache on|off] "
			"[direct on|off] [vendor_id S] [product_id S] [product_rev S] [scsi_sn S] "
			"[scsi_id S]",
		.help = "export a block device, a regular file or nothing (null-store) as LUN",
		.details = "LUN is 0..16383. PATH is a block device or a regular file; it is\n"
			   "resolved to an absolute path (write ./null-store for a file of that\n"
			   "name). null-store SIZE keeps no data: reads return zeros and writes\n"
			   "are dropped; SIZE is bytes or a number with K, M, G or T.\n"
			   "readonly defaults to off and write-cache to on. direct on opens a\n"
			   "file with O_DIRECT (past the page cache; its filesystem must allow\n"
			   "it). vendor_id (8\n"
			   "characters), product_id (16), product_rev (4), scsi_sn (36) and\n"
			   "scsi_id (24) set the INQUIRY identity, in printable ASCII.\n",
		.run = cmd_lun, .id = KTGT_CMD_LUN_ADD, .min_args = 3, .max_args = 20,
	}, {
		.name = "del", .args = "[--force] IQN LUN", .help = "remove a LUN",
		.details = "With sessions logged in to the target, the LUN is not removed unless\n"
			   "--force is given: then the sessions are asked to log out (Async\n"
			   "logout request), and closed if they do not, and their I/O drains\n"
			   "before the command returns.\n",
		.run = cmd_lun, .id = KTGT_CMD_LUN_DEL, .min_args = 2, .max_args = 2,
	}, {
		.name = "set", .args = "IQN LUN [readonly on|off] [write-cache on|off] [resize] "
			"[vendor_id S] [product_id S] [product_rev S] [scsi_sn S] [scsi_id S]",
		.help = "change a LUN's flags or identity, or take the new size of its backing store",
		.details = "resize reads the size of the block device or file again, after it\n"
			   "was grown or shrunk. readonly off is refused for a LUN added\n"
			   "read-only (its backing store is open for reading only). The\n"
			   "identity options change those strings only; the sessions get\n"
			   "INQUIRY DATA HAS CHANGED.\n",
		.run = cmd_lun, .id = KTGT_CMD_LUN_SET, .min_args = 3, .max_args = 17,
	},
	{ }
};

#define ACL_DETAILS \
	"ALL admits every initiator. Entries name initiators, or with --address\n" \
	"give an IPv4 or IPv6 address or ADDRESS/PREFIX range (tgt's\n" \
	"initiator-address). With entries of both kinds, a login must match one\n" \
	"of each; a target without entries takes no logins. A refused login gets\n" \
	"status 0x0202 (authorization failure).\n"

static const struct cli_cmd acl_cmds[] = {
	{
		.name = "add", .args = "IQN ALL|INITIATOR|--address ADDR[/PREFIX]",
		.help = "allow an initiator to log in",
		.details = ACL_DETAILS,
		.run = cmd_acl, .id = KTGT_CMD_ACL_ADD, .min_args = 1, .max_args = 2,
	}, {
		.name = "del", .args = "IQN ALL|INITIATOR|--address ADDR[/PREFIX]",
		.help = "remove an ACL entry",
		.details = ACL_DETAILS,
		.run = cmd_acl, .id = KTGT_CMD_ACL_DEL, .min_args = 1, .max_args = 2,
	},
	{ }
};

#define ACCOUNT_DETAILS \
	"Incoming accounts authenticate initiators: with any, logins need CHAP.\n" \
	"The outgoing account (at most one) is the target's own, for mutual CHAP.\n" \
	"Secrets have 12 to 255 characters. With the word discovery instead of\n" \
	"IQN, the account is for discovery sessions (SendTargets), which then\n" \
	"need CHAP too (tgt's incominguser outside any target).\n"

static const struct cli_cmd account_cmds[] = {
	{
		.name = "add", .args = "IQN|discovery USER SECRET [outgoing]",
		.help = "add a CHAP account (tgt's incominguser or outgoinguser)",
		.details = ACCOUNT_DETAILS,
		.run = cmd_account, .id = KTGT_CMD_ACCOUNT_ADD, .min_args = 3, .max_args = 4,
	}, {
		.name = "del", .args = "IQN|discovery USER [outgoing]", .help = "remove a CHAP account",
		.details = ACCOUNT_DETAILS,
		.run = cmd_account, .id = KTGT_CMD_ACCOUNT_DEL, .min_args = 2, .max_args = 3,
	},
	{ }
};

static const struct cli_cmd session_cmds[] = {
	{
		.name = "show", .args = "[IQN]",
		.help = "list sessions: initiator, address, ISID, TSIH, CID, keys, I/O counters",
		.details = "With -j, print a JSON array of sessions.\n",
		.run = cmd_session_show, .min_args = 0, .max_args = 1,
	}, {
		.name = "logout", .args = "IQN TSIH", .help = "make a session log out",
		.details = "The initiator is asked to log out (Async logout request); if it has\n"
			   "not after a few seconds, its connection is closed. The command\n"
			   "returns once the session is gone. An initiator may log in again.\n",
		.run = cmd_session_logout, .id = KTGT_CMD_SESSION_LOGOUT,
		.min_args = 2, .max_args = 2,
	},
	{ }
};

static const struct cli_cmd top_cmds[] = {
	{ .name = "target", .sub = target_cmds },
	{ .name = "portal", .sub = portal_cmds },
	{ .name = "lun", .sub = lun_cmds },
	{ .name = "acl", .sub = acl_cmds },
	{ .name = "account", .sub = account_cmds },
	{ .name = "session", .sub = session_cmds },
	{
		.name = "show", .args = "[IQN|discovery]",
		.help = "show one target, or all of them: sessions, portals, LUNs, accounts, ACLs",
		.details = "With -j, print a JSON array of targets. show discovery lists the\n"
			   "CHAP accounts of discovery sessions.\n",
		.run = cmd_show, .min_args = 0, .max_args = 1,
	}, {
		.name = "stats", .args = "[--watch SECONDS] [IQN]",
		.help = "I/O counters per session and per LUN",
		.details = "One line per session and per LUN: commands, bytes read and written,\n"
			   "errors (commands not answered GOOD), and the average latency in\n"
			   "microseconds, from arrival to response. With --watch, a new report\n"
			   "every SECONDS, headed by '# UNIX-TIME' (with -j, one JSON object per\n"
			   "line).\n",
		.run = cmd_stats, .min_args = 0, .max_args = 1,
	}, {
		.name = "monitor", .args = "",
		.help = "print events as they happen: logins, logouts, LUN errors, config changes",
		.details = "One line per event: NAME TARGET and what it concerns. Names:\n"
			   "login, logout, reinstate (a session replaced by a new login),\n"
			   "lun-error (a command failed in the backend: lba, error),\n"
			   "target-add, target-del, target-set, portal-add, portal-del,\n"
			   "lun-add, lun-del, lun-set, acl-add, acl-del, account-add,\n"
			   "account-del. With -j, one JSON object per line.\n",
		.run = cmd_monitor, .min_args = 0, .max_args = 0,
	}, {
		.name = "load", .args = "FILE",
		.help = "make the running targets what a tgt targets.conf file says",
		.details = "The whole file is checked first; every problem is reported as\n"
			   "FILE:LINE: MESSAGE, and then nothing changes. Otherwise the targets,\n"
			   "portals, LUNs, CHAP accounts and ACLs that differ from the running\n"
			   "ones are added or deleted, and if one step fails, the steps already\n"
			   "done are undone. Targets the file does not name are deleted. With -n,\n"
			   "print the steps (as ktgtctl commands, secrets left out) instead of\n"
			   "doing them.\n",
		.run = cmd_load, .min_args = 1, .max_args = 1,
	}, {
		.name = "save", .args = "[FILE]",
		.help = "write the running targets in targets.conf syntax, to FILE or stdout",
		.details = "FILE is replaced as a whole, or left as it was. It holds the CHAP\n"
			   "secrets: it is created readable by its owner only.\n",
		.run = cmd_save, .min_args = 0, .max_args = 1,
	},
	{ }
};

static const char options_help[] =
	"  -j, --json     print show output as JSON\n"
	"  -n, --dry-run  load: print the plan, change nothing\n"
	"  -f, --force    target del, lun del: also with sessions (they are logged out)\n"
	"  -w, --watch S  stats: report every S seconds\n"
	"  -a, --address ADDR[/PREFIX]  acl: an initiator address instead of a name\n"
	"  -h, --help     show help (also after OBJECT or COMMAND)\n"
	"  -V, --version  print the version\n";

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "force", no_argument, NULL, 'f' },
	{ "watch", required_argument, NULL, 'w' },
	{ "address", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ }
};

/* How option @short_opt was written: "--long" as given, else "-x". */
static const char *opt_spelling(char **argv, char short_opt)
{
	static char buf[3][3];
	const char *arg = argv[optind - 1];
	int slot = short_opt == 'f' ? 0 : short_opt == 'w' ? 1 : 2;

	if (!strncmp(arg, "--", 2))
		return arg;
	if (optarg && !strcmp(arg, optarg))
		arg = argv[optind - 2];	/* -w SECONDS, -a ADDR */
	if (!strncmp(arg, "--", 2))
		return arg;
	snprintf(buf[slot], sizeof(buf[0]), "-%c", short_opt);
	return buf[slot];
}

/* --force and --watch are options of a few commands only */
static int check_command_options(const struct ktgtctl *c, int argc, char **argv)
{
	const struct cli_cmd *cmd = NULL;
	bool ambiguous;

	if (argc)
		cmd = cli_lookup(top_cmds, argv[0], &ambiguous);
	if (cmd && cmd->sub)
		cmd = argc > 1 ? cli_lookup(cmd->sub, argv[1], &ambiguous) : NULL;
	if (!cmd)
		return CLI_OK;	/* the dispatcher says what is wrong */
	if (c->force_opt && cmd->id != KTGT_CMD_TARGET_DEL && cmd->id != KTGT_CMD_LUN_DEL)
		return cli_error(CLI_USAGE, "unknown option '%s' (try '%s --help')", c->force_opt,
				 CLI_PROG);
	if (c->watch_opt && cmd->run != cmd_stats)
		return cli_error(CLI_USAGE, "unknown option '%s' (try '%s --help')", c->watch_opt,
				 CLI_PROG);
	if (c->address && cmd->run != cmd_acl)
		return cli_error(CLI_USAGE, "unknown option '%s' (try '%s --help')",
				 c->address_opt, CLI_PROG);
	return CLI_OK;
}

static int bad_option(char **argv)
{
	const char *arg = argv[optind - 1];

	if (!optopt || !strncmp(arg, "--", 2))
		return cli_error(CLI_USAGE, "unknown option '%s' (try '%s --help')", arg, CLI_PROG);
	return cli_error(CLI_USAGE, "unknown option '-%c' (try '%s --help')", optopt, CLI_PROG);
}

int main(int argc, char **argv)
{
	struct ktgtctl c = { };
	bool help = false;
	unsigned long n;
	char *end;
	int opt, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "jnfw:a:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 'n':
			c.dry_run = true;
			break;
		case 'a':
			c.address = optarg;
			c.address_opt = opt_spelling(argv, 'a');
			break;
		case 'f':
			c.force = true;
			c.force_opt = opt_spelling(argv, 'f');
			break;
		case 'w':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !n || n > 86400 || *optarg == '-')
				return cli_error(CLI_USAGE,
						 "invalid --watch '%s' (expected 1..86400 seconds)",
						 optarg);
			c.watch = n;
			c.watch_opt = opt_spelling(argv, 'w');
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			printf("%s %s (netlink family %s version %d)\n", CLI_PROG,
			       KTGTCTL_VERSION, KTGT_FAMILY_NAME, KTGT_FAMILY_VERSION);
			return CLI_OK;
		default:
			return bad_option(argv);
		}
	}

	ret = help ? CLI_OK : check_command_options(&c, argc - optind, argv + optind);
	if (ret)
		return ret;
	ret = cli_dispatch(top_cmds, options_help, argc - optind, argv + optind, help, &c);
	ktgt_nl_free(c.nl);
	if (fflush(stdout) || ferror(stdout))
		return cli_error(CLI_ERR, "stdout: %s", strerror(errno));
	return ret;
}
