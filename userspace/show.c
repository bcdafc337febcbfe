// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: print targets as text (laid out like tgtadm's "show") or JSON.
 *
 * The UAPI has no target state: a target the kernel reports is serving,
 * which tgtadm calls "ready". CHAP secrets, which the kernel reports too,
 * are never printed.
 */
#include <inttypes.h>
#include <string.h>

#include <linux/ktgt.h>

#include "show.h"

#define TAB1 "    "
#define TAB2 TAB1 TAB1
#define TAB3 TAB2 TAB1
#define TAB4 TAB2 TAB2

#define KTGT_DRIVER	"iscsi"
#define KTGT_STATE	"ready"
#define KTGT_LUN_TYPE	"disk"

static const char *yes_no(bool v)
{
	return v ? "Yes" : "No";
}

static const char *or_none(const char *s)
{
	return s ? s : "None";
}

static const char *backend_name(uint32_t backend)
{
	switch (backend) {
	case KTGT_BACKEND_BDEV:
		return "bdev";
	case KTGT_BACKEND_FILE:
		return "file";
	case KTGT_BACKEND_NULL:
		return "null";
	}
	return "unknown";
}

/* One "Key: value" line per key present; nothing if the kernel sent none. */
static void text_params(FILE *f, const char *indent, const char *title,
			const struct ktgt_params *p)
{
	const struct ktgt_param_key *k;
	char val[32];
	size_t i;

	if (!p->present)
		return;
	fprintf(f, "%s%s:\n", indent, title);
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (!ktgt_params_has(p, k->attr))
			continue;
		ktgt_param_format(k, p->val[k->attr], val, sizeof(val));
		fprintf(f, "%s" TAB1 "%s: %s\n", indent, k->name, val);
	}
}

static void text_sessions(FILE *f, const struct ktgt_target *t)
{
	char addr[KTGT_ADDR_STRLEN];
	size_t i, j;

	fputs(TAB1 "I_T nexus information:\n", f);
	for (i = 0; i < t->nr_sessions; i++) {
		const struct ktgt_session_info *s = &t->sessions[i];

		fprintf(f, TAB2 "I_T nexus: %u\n", s->tsih);
		fprintf(f, TAB3 "Initiator: %s\n", or_none(s->initiator));
		fprintf(f, TAB3 "ISID: 0x%" PRIx64 "\n", s->isid);
		text_params(f, TAB3, "Negotiated parameters", &s->params);
		for (j = 0; j < s->nr_conns; j++) {
			const struct ktgt_conn_info *c = &s->conns[j];

			fprintf(f, TAB3 "Connection: %u\n", c->cid);
			if (!c->has_peer)
				continue;
			ktgt_format_addr(&c->peer, false, addr, sizeof(addr));
			fprintf(f, TAB4 "IP Address: %s\n", addr);
		}
	}
}

static void text_portals(FILE *f, const struct ktgt_target *t)
{
	char addr[KTGT_ADDR_STRLEN];
	size_t i;

	fputs(TAB1 "Portal information:\n", f);
	for (i = 0; i < t->nr_portals; i++) {
		ktgt_format_addr(&t->portals[i], true, addr, sizeof(addr));
		fprintf(f, TAB2 "%s\n", addr);
	}
}

/* tgtadm's names for the identity strings, in enum ktgt_conf_ident order */
static const char * const ident_text[KTGT_LUN_IDENT_NR] = {
	"Vendor", "Product", "Revision", "SCSI SN", "SCSI ID",
};
static const char * const ident_json[KTGT_LUN_IDENT_NR] = {
	"vendor_id", "product_id", "product_rev", "scsi_sn", "scsi_id",
};

static void text_luns(FILE *f, const struct ktgt_target *t)
{
	char size[32];
	size_t i, j;

	fputs(TAB1 "LUN information:\n", f);
	for (i = 0; i < t->nr_luns; i++) {
		const struct ktgt_lun_info *l = &t->luns[i];

		ktgt_format_size(l->size, size, sizeof(size));
		fprintf(f, TAB2 "LUN: %" PRIu64 "\n", l->id);
		fprintf(f, TAB3 "Type: %s\n", KTGT_LUN_TYPE);
		fprintf(f, TAB3 "Size: %s, Block size: %" PRIu32 "\n", size, l->block_size);
		fprintf(f, TAB3 "Readonly: %s\n", yes_no(l->readonly));
		fprintf(f, TAB3 "Write cache: %s\n", yes_no(l->write_cache));
		fprintf(f, TAB3 "Backing store type: %s\n", backend_name(l->backend));
		if (l->backend == KTGT_BACKEND_FILE)
			fprintf(f, TAB3 "Direct I/O: %s\n", yes_no(l->direct));
		fprintf(f, TAB3 "Backing store path: %s\n", or_none(l->path));
		for (j = 0; j < KTGT_LUN_IDENT_NR; j++) {
			if (l->ident[j])
				fprintf(f, TAB3 "%s: %s\n", ident_text[j], l->ident[j]);
		}
	}
}

/* As tgtadm: incoming users, then the outgoing one */
static void text_accounts(FILE *f, const struct ktgt_target *t)
{
	size_t i;

	fputs(TAB1 "Account information:\n", f);
	for (i = 0; i < t->nr_accounts; i++) {
		if (!t->accounts[i].outgoing)
			fprintf(f, TAB2 "%s\n", t->accounts[i].user);
	}
	for (i = 0; i < t->nr_accounts; i++) {
		if (t->accounts[i].outgoing)
			fprintf(f, TAB2 "%s (outgoing)\n", t->accounts[i].user);
	}
}

static void text_acls(FILE *f, const struct ktgt_target *t)
{
	size_t i;

	char addr[KTGT_ACL_ADDR_STRLEN];

	fputs(TAB1 "ACL information:\n", f);
	for (i = 0; i < t->nr_acls; i++)
		fprintf(f, TAB2 "%s\n", t->acls[i]);
	for (i = 0; i < t->nr_acl_addrs; i++) {
		ktgt_format_acl_addr(&t->acl_addrs[i], addr, sizeof(addr));
		fprintf(f, TAB2 "%s\n", addr);
	}
}

/**
 * ktgt_show_text() - print one target like "tgtadm --mode target --op show"
 * @f: the output
 * @t: the target
 */
void ktgt_show_text(FILE *f, const struct ktgt_target *t)
{
	fprintf(f, "Target %" PRIu32 ": %s\n", t->tid, or_none(t->name));
	fputs(TAB1 "System information:\n", f);
	fprintf(f, TAB2 "Driver: %s\n", KTGT_DRIVER);
	fprintf(f, TAB2 "State: %s\n", KTGT_STATE);
	if (t->cpus)
		fprintf(f, TAB2 "CPUs: %s\n", t->cpus);
	text_params(f, TAB1, "Login parameters", &t->params);
	text_sessions(f, t);
	text_portals(f, t);
	text_luns(f, t);
	text_accounts(f, t);
	text_acls(f, t);
}

/* {"address": "192.0.2.1", "port": 3260} */
static void json_addr(struct json_writer *w, const char *key, const struct ktgt_addr *a)
{
	char addr[KTGT_ADDR_STRLEN];

	ktgt_format_addr(a, false, addr, sizeof(addr));
	json_begin_object(w, key);
	json_string(w, "address", addr);
	json_uint(w, "port", a->port);
	json_end_object(w);
}

/*
 * "params": {"HeaderDigest": "None", "MaxBurstLength": 262144,
 * "ImmediateData": true, ...}, left out if the kernel sent none
 */
static void json_params(struct json_writer *w, const struct ktgt_params *p)
{
	const struct ktgt_param_key *k;
	char val[32];
	size_t i;

	if (!p->present)
		return;
	json_begin_object(w, "params");
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (!ktgt_params_has(p, k->attr))
			continue;
		switch (k->type) {
		case KTGT_PARAM_DIGEST:
			ktgt_param_format(k, p->val[k->attr], val, sizeof(val));
			json_string(w, k->name, val);
			break;
		case KTGT_PARAM_BOOL:
			json_bool(w, k->name, p->val[k->attr]);
			break;
		case KTGT_PARAM_NUMBER:
			json_uint(w, k->name, p->val[k->attr]);
			break;
		}
	}
	json_end_object(w);
}

/* "stats": {"commands": 12, ...}, left out if the kernel sent none */
static void json_stats(struct json_writer *w, const struct ktgt_stats_info *st)
{
	if (!st->present)
		return;
	json_begin_object(w, "stats");
	json_uint(w, "commands", st->cmds);
	json_uint(w, "read_bytes", st->read_bytes);
	json_uint(w, "write_bytes", st->write_bytes);
	json_uint(w, "errors", st->errors);
	json_uint(w, "latency_us", st->latency_us);
	json_uint(w, "avg_latency_us", st->cmds ? st->latency_us / st->cmds : 0);
	json_end_object(w);
}

static void json_session_members(struct json_writer *w, const struct ktgt_session_info *s)
{
	size_t i;

	json_uint(w, "tsih", s->tsih);
	json_string(w, "initiator", s->initiator);
	json_uint(w, "isid", s->isid);
	json_params(w, &s->params);
	json_begin_array(w, "connections");
	for (i = 0; i < s->nr_conns; i++) {
		const struct ktgt_conn_info *c = &s->conns[i];

		json_begin_object(w, NULL);
		json_uint(w, "cid", c->cid);
		if (c->has_peer)
			json_addr(w, "peer", &c->peer);
		if (c->has_local)
			json_addr(w, "local", &c->local);
		json_end_object(w);
	}
	json_end_array(w);
	json_stats(w, &s->stats);
}

static void json_session(struct json_writer *w, const struct ktgt_session_info *s)
{
	json_begin_object(w, NULL);
	json_session_members(w, s);
	json_end_object(w);
}

static void json_lun(struct json_writer *w, const struct ktgt_lun_info *l)
{
	size_t i;

	json_begin_object(w, NULL);
	json_uint(w, "lun", l->id);
	json_string(w, "type", KTGT_LUN_TYPE);
	json_uint(w, "size", l->size);
	json_uint(w, "block_size", l->block_size);
	json_bool(w, "readonly", l->readonly);
	json_bool(w, "write_cache", l->write_cache);
	json_string(w, "backing_store_type", backend_name(l->backend));
	json_string(w, "backing_store_path", l->path);
	if (l->backend == KTGT_BACKEND_FILE)
		json_bool(w, "direct", l->direct);
	if (l->has_error_lba)
		json_uint(w, "error_lba", l->error_lba);
	if (l->has_error) {
		json_uint(w, "error_errno", l->error_errno);
		json_string(w, "error", strerror((int)l->error_errno));
	}
	for (i = 0; i < KTGT_LUN_IDENT_NR; i++) {
		if (l->ident[i])
			json_string(w, ident_json[i], l->ident[i]);
	}
	json_stats(w, &l->stats);
	json_end_object(w);
}

static void json_target(struct json_writer *w, const char *key, const struct ktgt_target *t);

/* the CHAP accounts, names only: secrets are never printed */
static void json_accounts(struct json_writer *w, const struct ktgt_target *t)
{
	size_t i;

	json_begin_array(w, "accounts");
	for (i = 0; i < t->nr_accounts; i++) {
		json_begin_object(w, NULL);
		json_string(w, "user", t->accounts[i].user);
		json_bool(w, "outgoing", t->accounts[i].outgoing);
		json_end_object(w);
	}
	json_end_array(w);
}

/**
 * ktgt_show_json() - write one target as a JSON object
 * @w: the writer, inside an array or at the top level
 * @t: the target
 */
void ktgt_show_json(struct json_writer *w, const struct ktgt_target *t)
{
	json_target(w, NULL, t);
}

/* A target as show -j writes it, as member @key of an object (or NULL). */
static void json_target(struct json_writer *w, const char *key, const struct ktgt_target *t)
{
	char addr[KTGT_ACL_ADDR_STRLEN];
	size_t i;

	json_begin_object(w, key);
	json_uint(w, "tid", t->tid);
	json_string(w, "name", t->name);
	json_string(w, "driver", KTGT_DRIVER);
	json_string(w, "state", KTGT_STATE);
	if (t->cpus)
		json_string(w, "cpus", t->cpus);
	json_params(w, &t->params);
	json_begin_array(w, "sessions");
	for (i = 0; i < t->nr_sessions; i++)
		json_session(w, &t->sessions[i]);
	json_end_array(w);
	json_begin_array(w, "portals");
	for (i = 0; i < t->nr_portals; i++)
		json_addr(w, NULL, &t->portals[i]);
	json_end_array(w);
	json_begin_array(w, "luns");
	for (i = 0; i < t->nr_luns; i++)
		json_lun(w, &t->luns[i]);
	json_end_array(w);
	json_accounts(w, t);
	json_begin_array(w, "acls");
	for (i = 0; i < t->nr_acls; i++)
		json_string(w, NULL, t->acls[i]);
	json_end_array(w);
	json_begin_array(w, "initiator_addresses");
	for (i = 0; i < t->nr_acl_addrs; i++) {
		ktgt_format_acl_addr(&t->acl_addrs[i], addr, sizeof(addr));
		json_string(w, NULL, addr);
	}
	json_end_array(w);
	json_end_object(w);
}

static uint64_t avg_latency(const struct ktgt_stats_info *st)
{
	return st->cmds ? st->latency_us / st->cmds : 0;
}

static void text_stats(FILE *f, const struct ktgt_stats_info *st)
{
	fprintf(f, "commands %" PRIu64 " read_bytes %" PRIu64 " write_bytes %" PRIu64
		" errors %" PRIu64 " avg_latency_us %" PRIu64, st->cmds, st->read_bytes,
		st->write_bytes, st->errors, avg_latency(st));
}

/**
 * ktgt_show_session_text() - print one session, with its connections and counters
 * @f: the output
 * @t: its target
 * @s: the session
 */
void ktgt_show_session_text(FILE *f, const struct ktgt_target *t,
			    const struct ktgt_session_info *s)
{
	char addr[KTGT_ADDR_STRLEN];
	size_t i;

	fprintf(f, "Session %u: %s\n", s->tsih, or_none(s->initiator));
	fprintf(f, TAB1 "Target: %s\n", or_none(t->name));
	fprintf(f, TAB1 "ISID: 0x%012" PRIx64 "\n", s->isid);
	for (i = 0; i < s->nr_conns; i++) {
		const struct ktgt_conn_info *c = &s->conns[i];

		fprintf(f, TAB1 "Connection: %u\n", c->cid);
		if (c->has_peer) {
			ktgt_format_addr(&c->peer, true, addr, sizeof(addr));
			fprintf(f, TAB2 "Initiator address: %s\n", addr);
		}
		if (c->has_local) {
			ktgt_format_addr(&c->local, true, addr, sizeof(addr));
			fprintf(f, TAB2 "Target address: %s\n", addr);
		}
	}
	text_params(f, TAB1, "Negotiated parameters", &s->params);
	if (s->stats.present) {
		fputs(TAB1 "I/O: ", f);
		text_stats(f, &s->stats);
		fputc('\n', f);
	}
}

/**
 * ktgt_show_session_json() - one session as an object with its target's name
 * @w: the writer, inside an array
 * @t: its target
 * @s: the session
 */
void ktgt_show_session_json(struct json_writer *w, const struct ktgt_target *t,
			    const struct ktgt_session_info *s)
{
	json_begin_object(w, NULL);
	json_string(w, "target", t->name);
	json_uint(w, "tid", t->tid);
	json_session_members(w, s);
	json_end_object(w);
}

/**
 * ktgt_show_stats_text() - one line of counters per session and per LUN
 * @f: the output
 * @t: a target, as TARGET_GET reports it
 */
void ktgt_show_stats_text(FILE *f, const struct ktgt_target *t)
{
	size_t i;

	for (i = 0; i < t->nr_sessions; i++) {
		const struct ktgt_session_info *s = &t->sessions[i];

		fprintf(f, "session %s %u %s: ", or_none(t->name), s->tsih, or_none(s->initiator));
		text_stats(f, &s->stats);
		fputc('\n', f);
	}
	for (i = 0; i < t->nr_luns; i++) {
		fprintf(f, "lun %s %" PRIu64 ": ", or_none(t->name), t->luns[i].id);
		text_stats(f, &t->luns[i].stats);
		fputc('\n', f);
	}
}

/**
 * ktgt_show_stats_json() - a target's counters: {"target", "sessions", "luns"}
 * @w: the writer, inside an array
 * @t: a target, as TARGET_GET reports it
 */
void ktgt_show_stats_json(struct json_writer *w, const struct ktgt_target *t)
{
	size_t i;

	json_begin_object(w, NULL);
	json_string(w, "target", t->name);
	json_uint(w, "tid", t->tid);
	json_begin_array(w, "sessions");
	for (i = 0; i < t->nr_sessions; i++) {
		json_begin_object(w, NULL);
		json_uint(w, "tsih", t->sessions[i].tsih);
		json_string(w, "initiator", t->sessions[i].initiator);
		json_stats(w, &t->sessions[i].stats);
		json_end_object(w);
	}
	json_end_array(w);
	json_begin_array(w, "luns");
	for (i = 0; i < t->nr_luns; i++) {
		json_begin_object(w, NULL);
		json_uint(w, "lun", t->luns[i].id);
		json_stats(w, &t->luns[i].stats);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

static const char *const event_names[] = {
	[KTGT_CMD_TARGET_ADD] = "target-add",
	[KTGT_CMD_TARGET_DEL] = "target-del",
	[KTGT_CMD_TARGET_SET] = "target-set",
	[KTGT_CMD_PORTAL_ADD] = "portal-add",
	[KTGT_CMD_PORTAL_DEL] = "portal-del",
	[KTGT_CMD_LUN_ADD] = "lun-add",
	[KTGT_CMD_LUN_DEL] = "lun-del",
	[KTGT_CMD_LUN_SET] = "lun-set",
	[KTGT_CMD_ACL_ADD] = "acl-add",
	[KTGT_CMD_ACL_DEL] = "acl-del",
	[KTGT_CMD_ACCOUNT_ADD] = "account-add",
	[KTGT_CMD_ACCOUNT_DEL] = "account-del",
	[KTGT_CMD_LOGIN_NTF] = "login",
	[KTGT_CMD_LOGOUT_NTF] = "logout",
	[KTGT_CMD_REINSTATE_NTF] = "reinstate",
	[KTGT_CMD_LUN_ERROR_NTF] = "lun-error",
};

/**
 * ktgt_event_name() - what a notification's command is called in monitor's output
 * @cmd: KTGT_CMD_*
 *
 * Return: its name, or NULL for a command that is not a notification.
 */
const char *ktgt_event_name(uint8_t cmd)
{
	if (cmd >= sizeof(event_names) / sizeof(event_names[0]))
		return NULL;
	return event_names[cmd];
}

/**
 * ktgt_show_event_text() - one line for a notification
 * @f: the output
 * @cmd: its command
 * @t: its target nest: the name, and the object concerned
 */
void ktgt_show_event_text(FILE *f, uint8_t cmd, const struct ktgt_target *t)
{
	char addr[KTGT_ADDR_STRLEN], size[32], val[32];
	const struct ktgt_param_key *k;
	size_t i;

	fprintf(f, "%s %s", ktgt_event_name(cmd) ? ktgt_event_name(cmd) : "unknown",
		t->discovery ? "discovery" : or_none(t->name));
	for (i = 0; i < t->nr_sessions; i++) {
		const struct ktgt_session_info *s = &t->sessions[i];

		fprintf(f, " tsih %u initiator %s isid 0x%012" PRIx64, s->tsih,
			or_none(s->initiator), s->isid);
		if (s->nr_conns && s->conns[0].has_peer) {
			ktgt_format_addr(&s->conns[0].peer, true, addr, sizeof(addr));
			fprintf(f, " address %s", addr);
		}
	}
	for (i = 0; i < t->nr_portals; i++) {
		ktgt_format_addr(&t->portals[i], true, addr, sizeof(addr));
		fprintf(f, " portal %s", addr);
	}
	for (i = 0; i < t->nr_luns; i++) {
		const struct ktgt_lun_info *l = &t->luns[i];

		ktgt_format_size(l->size, size, sizeof(size));
		fprintf(f, " lun %" PRIu64 " path %s size %s readonly %s write-cache %s", l->id,
			or_none(l->path), size, l->readonly ? "on" : "off",
			l->write_cache ? "on" : "off");
		if (l->has_error_lba)
			fprintf(f, " lba %" PRIu64, l->error_lba);
		if (l->has_error)
			fprintf(f, " error %s", strerror((int)l->error_errno));
	}
	for (i = 0; i < t->nr_acls; i++)
		fprintf(f, " acl %s", t->acls[i]);
	for (i = 0; i < t->nr_acl_addrs; i++) {
		ktgt_format_acl_addr(&t->acl_addrs[i], addr, sizeof(addr));
		fprintf(f, " address %s", addr);
	}
	for (i = 0; i < t->nr_accounts; i++)
		fprintf(f, " account %s%s", t->accounts[i].user,
			t->accounts[i].outgoing ? " outgoing" : "");
	for (i = 0; t->params.present && i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (!ktgt_params_has(&t->params, k->attr))
			continue;
		ktgt_param_format(k, t->params.val[k->attr], val, sizeof(val));
		fprintf(f, " %s=%s", k->name, val);
	}
	fputc('\n', f);
}

/**
 * ktgt_show_event_json() - a notification as one JSON object
 * @w: the writer
 * @cmd: its command
 * @t: its target nest
 *
 * {"event": "login", "target": {...as show -j, with what the event carries}}
 */
void ktgt_show_event_json(struct json_writer *w, uint8_t cmd, const struct ktgt_target *t)
{
	json_begin_object(w, NULL);
	json_string(w, "event", ktgt_event_name(cmd) ? ktgt_event_name(cmd) : "unknown");
	json_uint(w, "cmd", cmd);
	json_target(w, "target", t);
	json_end_object(w);
}

/**
 * ktgt_show_discovery_text() - print the CHAP accounts of discovery sessions
 * @f: the output
 * @t: as ktgt_nl_discovery() reports them
 */
void ktgt_show_discovery_text(FILE *f, const struct ktgt_target *t)
{
	fputs("Discovery:\n", f);
	text_accounts(f, t);
}

/**
 * ktgt_show_discovery_json() - {"discovery": true, "accounts": [...]}
 * @w: the writer
 * @t: as ktgt_nl_discovery() reports them
 */
void ktgt_show_discovery_json(struct json_writer *w, const struct ktgt_target *t)
{
	json_begin_object(w, NULL);
	json_bool(w, "discovery", true);
	json_accounts(w, t);
	json_end_object(w);
}
