// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: print targets as text (laid out like tgtadm's "show") or JSON.
 *
 * The UAPI has no target state: a target the kernel reports is serving,
 * which tgtadm calls "ready". CHAP secrets, which the kernel reports too,
 * are never printed.
 */
#include <inttypes.h>

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

	fputs(TAB1 "ACL information:\n", f);
	for (i = 0; i < t->nr_acls; i++)
		fprintf(f, TAB2 "%s\n", t->acls[i]);
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

static void json_session(struct json_writer *w, const struct ktgt_session_info *s)
{
	size_t i;

	json_begin_object(w, NULL);
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
	for (i = 0; i < KTGT_LUN_IDENT_NR; i++) {
		if (l->ident[i])
			json_string(w, ident_json[i], l->ident[i]);
	}
	json_end_object(w);
}

/**
 * ktgt_show_json() - write one target as a JSON object
 * @w: the writer, inside an array or at the top level
 * @t: the target
 */
void ktgt_show_json(struct json_writer *w, const struct ktgt_target *t)
{
	size_t i;

	json_begin_object(w, NULL);
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
	json_begin_array(w, "accounts");
	for (i = 0; i < t->nr_accounts; i++) {
		json_begin_object(w, NULL);
		json_string(w, "user", t->accounts[i].user);
		json_bool(w, "outgoing", t->accounts[i].outgoing);
		json_end_object(w);
	}
	json_end_array(w);
	json_begin_array(w, "acls");
	for (i = 0; i < t->nr_acls; i++)
		json_string(w, NULL, t->acls[i]);
	json_end_array(w);
	json_end_object(w);
}
