// SPDX-License-Identifier: GPL-2.0
/*
 * Login and text key parsing and negotiation, RFC 7143 sections 6 and 13.
 *
 * Values are parsed once into struct ktgt_params. Replies are built per
 * PDU after every key of that PDU has been seen, so cross-key rules
 * (FirstBurstLength <= MaxBurstLength) apply before anything is sent.
 */
#include "iscsi_param.h"

#ifndef KTGT_USERSPACE
#include <linux/module.h>
#else
#include <stdio.h>
#define scnprintf snprintf
#endif

enum ktgt_key_type {
	KEY_NUM_MIN,	/* result = min(offer, ours) */
	KEY_NUM_MAX,	/* result = max(offer, ours) */
	KEY_BOOL_AND,
	KEY_BOOL_OR,
	KEY_DIGEST,	/* list of None/CRC32C: first offered that we allow */
	KEY_DECLARE,	/* declarative number: store the offer, no reply */
	KEY_LIST_RFC3720, /* TaskReporting: we only do RFC3720 */
	KEY_IRRELEVANT,	/* obsolete marker intervals */
};

/* keys only meaningful in a Normal session (RFC 7143 section 13) */
#define KEY_F_NORMAL_ONLY	0x1

struct ktgt_key_def {
	const char *name;
	u8 type;
	u8 flags;
	u32 min;
	u32 max;
	size_t offset;		/* into struct ktgt_params; unused for some types */
};

#define P(field) offsetof(struct ktgt_params, field)

static const struct ktgt_key_def ktgt_keys[] = {
	{ "HeaderDigest", KEY_DIGEST, 0, 0, 0, P(header_digest) },
	{ "DataDigest", KEY_DIGEST, 0, 0, 0, P(data_digest) },
	{ "MaxConnections", KEY_NUM_MIN, KEY_F_NORMAL_ONLY, 1, 65535, P(max_connections) },
	{ "InitialR2T", KEY_BOOL_OR, KEY_F_NORMAL_ONLY, 0, 1, P(initial_r2t) },
	{ "ImmediateData", KEY_BOOL_AND, KEY_F_NORMAL_ONLY, 0, 1, P(immediate_data) },
	{ "MaxRecvDataSegmentLength", KEY_DECLARE, 0, 512, 16777215, P(max_xmit_dsl) },
	{ "MaxBurstLength", KEY_NUM_MIN, KEY_F_NORMAL_ONLY, 512, 16777215, P(max_burst) },
	{ "FirstBurstLength", KEY_NUM_MIN, KEY_F_NORMAL_ONLY, 512, 16777215, P(first_burst) },
	{ "DefaultTime2Wait", KEY_NUM_MAX, 0, 0, 3600, P(time2wait) },
	{ "DefaultTime2Retain", KEY_NUM_MIN, 0, 0, 3600, P(time2retain) },
	{ "MaxOutstandingR2T", KEY_NUM_MIN, KEY_F_NORMAL_ONLY, 1, 65535, P(max_outstanding_r2t) },
	{ "DataPDUInOrder", KEY_BOOL_OR, KEY_F_NORMAL_ONLY, 0, 1, P(data_pdu_in_order) },
	{ "DataSequenceInOrder", KEY_BOOL_OR, KEY_F_NORMAL_ONLY, 0, 1, P(data_seq_in_order) },
	{ "ErrorRecoveryLevel", KEY_NUM_MIN, 0, 0, 2, P(erl) },
	{ "IFMarker", KEY_BOOL_AND, 0, 0, 1, P(ifmarker) },
	{ "OFMarker", KEY_BOOL_AND, 0, 0, 1, P(ofmarker) },
	{ "IFMarkInt", KEY_IRRELEVANT, 0, 0, 0, 0 },
	{ "OFMarkInt", KEY_IRRELEVANT, 0, 0, 0, 0 },
	{ "TaskReporting", KEY_LIST_RFC3720, KEY_F_NORMAL_ONLY, 0, 0, 0 },
};

#undef P

/**
 * ktgt_params_rfc_defaults() - the values that apply when a key is not offered
 * @p: parameters to fill
 */
void ktgt_params_rfc_defaults(struct ktgt_params *p)
{
	*p = (struct ktgt_params) {
		.header_digest = KTGT_DIGEST_NONE,
		.data_digest = KTGT_DIGEST_NONE,
		.max_connections = 1,
		.initial_r2t = 1,
		.immediate_data = 1,
		.max_recv_dsl = 8192,
		.max_xmit_dsl = 8192,
		.max_burst = 262144,
		.first_burst = 65536,
		.time2wait = 2,
		.time2retain = 20,
		.max_outstanding_r2t = 1,
		.data_pdu_in_order = 1,
		.data_seq_in_order = 1,
		.erl = 0,
		.ifmarker = 0,
		.ofmarker = 0,
	};
}

/**
 * ktgt_params_target_defaults() - what ktgt offers and accepts by default
 * @p: parameters to fill
 *
 * Digests: the initiator's first choice of None and CRC32C. One connection
 * per session, ERL 0, in-order data only.
 */
void ktgt_params_target_defaults(struct ktgt_params *p)
{
	ktgt_params_rfc_defaults(p);
	p->header_digest = KTGT_DIGEST_NONE | KTGT_DIGEST_CRC32C;
	p->data_digest = KTGT_DIGEST_NONE | KTGT_DIGEST_CRC32C;
	p->initial_r2t = 0;
	p->max_recv_dsl = 262144;
	p->max_xmit_dsl = 262144;
	p->max_burst = 1048576;
	p->first_burst = 262144;
	p->max_outstanding_r2t = 16;
}

/**
 * ktgt_text_iter_init() - start walking a data segment of key=value pairs
 * @it: cursor
 * @data: the data segment
 * @len: its length, without padding
 */
void ktgt_text_iter_init(struct ktgt_text_iter *it, void *data, u32 len)
{
	it->pos = data;
	it->end = it->pos + len;
}

/**
 * ktgt_text_next() - take the next key=value pair
 * @it: cursor
 * @kv: filled with pointers into the segment, both NUL-terminated (the
 *	'=' is overwritten)
 * @max_value: longest value accepted
 *
 * Return: KTGT_TEXT_OK with @kv set, KTGT_TEXT_END after the last pair, or
 * the reason the segment is malformed. Never reads past the segment.
 */
enum ktgt_text_err ktgt_text_next(struct ktgt_text_iter *it, struct ktgt_kv *kv,
				  u32 max_value)
{
	char *nul, *eq;
	size_t n;

	/* padding NULs between pairs are tolerated */
	while (it->pos < it->end && !*it->pos)
		it->pos++;
	if (it->pos >= it->end)
		return KTGT_TEXT_END;

	nul = memchr(it->pos, 0, it->end - it->pos);
	if (!nul)
		return KTGT_TEXT_NO_NUL;
	eq = memchr(it->pos, '=', nul - it->pos);
	if (!eq)
		return KTGT_TEXT_NO_EQUALS;
	n = eq - it->pos;
	if (!n)
		return KTGT_TEXT_EMPTY_KEY;
	if (n > ISCSI_KEY_NAME_MAX)
		return KTGT_TEXT_KEY_TOO_LONG;
	if ((size_t)(nul - eq - 1) > max_value)
		return KTGT_TEXT_VALUE_TOO_LONG;

	*eq = '\0';
	kv->key = it->pos;
	kv->value = eq + 1;
	it->pos = nul + 1;
	return KTGT_TEXT_OK;
}

/**
 * ktgt_text_strerror() - describe a malformed-segment error
 * @err: the error
 *
 * Return: a static string.
 */
const char *ktgt_text_strerror(enum ktgt_text_err err)
{
	switch (err) {
	case KTGT_TEXT_OK:
	case KTGT_TEXT_END:
		return "ok";
	case KTGT_TEXT_NO_NUL:
		return "key=value pair not NUL-terminated";
	case KTGT_TEXT_NO_EQUALS:
		return "key without '='";
	case KTGT_TEXT_KEY_TOO_LONG:
		return "key name over 63 bytes";
	case KTGT_TEXT_VALUE_TOO_LONG:
		return "value too long";
	case KTGT_TEXT_EMPTY_KEY:
		return "empty key name";
	}
	return "unknown";
}

/**
 * ktgt_text_buf_init() - set up a bounded reply buffer
 * @tb: the buffer
 * @buf: storage
 * @size: its size in bytes
 */
void ktgt_text_buf_init(struct ktgt_text_buf *tb, char *buf, u32 size)
{
	tb->buf = buf;
	tb->len = 0;
	tb->size = size;
	tb->overflow = false;
}

/**
 * ktgt_text_add() - append key=value and its NUL
 * @tb: the buffer
 * @key: key name
 * @value: value
 *
 * Return: 0, or -ENOSPC (and @tb->overflow set) when it does not fit; the
 * buffer is then left as it was.
 */
int ktgt_text_add(struct ktgt_text_buf *tb, const char *key, const char *value)
{
	size_t kl = strlen(key), vl = strlen(value);
	size_t need = kl + 1 + vl + 1;

	if (need > tb->size - tb->len) {
		tb->overflow = true;
		return -ENOSPC;
	}
	memcpy(tb->buf + tb->len, key, kl);
	tb->buf[tb->len + kl] = '=';
	memcpy(tb->buf + tb->len + kl + 1, value, vl);
	tb->buf[tb->len + need - 1] = '\0';
	tb->len += need;
	return 0;
}

/**
 * ktgt_text_add_u32() - append key=<decimal value>
 * @tb: the buffer
 * @key: key name
 * @value: value
 *
 * Return: 0 or -ENOSPC.
 */
int ktgt_text_add_u32(struct ktgt_text_buf *tb, const char *key, u32 value)
{
	char num[12];

	scnprintf(num, sizeof(num), "%u", value);
	return ktgt_text_add(tb, key, num);
}

/**
 * ktgt_parse_number() - parse an RFC 7143 numerical value (decimal or 0x hex)
 * @s: the string
 * @max: largest value accepted
 * @out: the value
 *
 * Return: 0, or -EINVAL for junk, an empty string or a value above @max.
 */
int ktgt_parse_number(const char *s, u64 max, u64 *out)
{
	unsigned int base = 10;
	u64 v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = base == 16 ? ktgt_hex_digit(*s) : (*s >= '0' && *s <= '9' ? *s - '0' : -1);
		/* checked before it can wrap */
		if (d < 0 || (u64)d > max || v > (max - d) / base)
			return -EINVAL;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int parse_bool(const char *s)
{
	if (!strcmp(s, "Yes"))
		return 1;
	if (!strcmp(s, "No"))
		return 0;
	return -1;
}

static u32 *param_field(struct ktgt_params *p, const struct ktgt_key_def *def)
{
	return (u32 *)((char *)p + def->offset);
}

static u32 param_value(const struct ktgt_params *p, const struct ktgt_key_def *def)
{
	return *(const u32 *)((const char *)p + def->offset);
}

/* first value of a comma-separated list that we allow, or 0 */
static u32 pick_digest(const char *list, u32 allowed)
{
	const char *s = list, *comma;
	size_t n;

	while (*s) {
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		if (n == 4 && !memcmp(s, "None", 4) && (allowed & KTGT_DIGEST_NONE))
			return KTGT_DIGEST_NONE;
		if (n == 6 && !memcmp(s, "CRC32C", 6) && (allowed & KTGT_DIGEST_CRC32C))
			return KTGT_DIGEST_CRC32C;
		if (!comma)
			break;
		s = comma + 1;
	}
	return 0;
}

static bool list_has(const char *list, const char *want)
{
	size_t wl = strlen(want);
	const char *s = list, *comma;

	for (;;) {
		comma = strchr(s, ',');
		if ((comma ? (size_t)(comma - s) : strlen(s)) == wl && !memcmp(s, want, wl))
			return true;
		if (!comma)
			return false;
		s = comma + 1;
	}
}

/**
 * ktgt_neg_init() - start negotiating a login
 * @neg: state to set up
 * @ours: the target's limits and preferences
 * @discovery: a Discovery session, where session keys are irrelevant
 */
void ktgt_neg_init(struct ktgt_neg *neg, const struct ktgt_params *ours, bool discovery)
{
	memset(neg, 0, sizeof(*neg));
	neg->ours = ours;
	ktgt_params_rfc_defaults(&neg->result);
	neg->result.max_recv_dsl = ours->max_recv_dsl;
	neg->discovery = discovery;
}

static void set_reply(struct ktgt_neg *neg, u32 idx, const char *value)
{
	size_t n = min_t(size_t, strlen(value), sizeof(neg->reply[idx]) - 1);

	BUILD_BUG_ON(ARRAY_SIZE(ktgt_keys) > ARRAY_SIZE(neg->order));
	memcpy(neg->reply[idx], value, n);
	neg->reply[idx][n] = '\0';
	neg->order[neg->nr_order++] = idx;
}

static void set_reply_u32(struct ktgt_neg *neg, u32 idx, u32 v)
{
	char num[12];

	scnprintf(num, sizeof(num), "%u", v);
	set_reply(neg, idx, num);
}

static void negotiate(struct ktgt_neg *neg, u32 idx, const char *value)
{
	const struct ktgt_key_def *def = &ktgt_keys[idx];
	u32 ours = def->type == KEY_DIGEST || def->type == KEY_DECLARE ||
		   def->type == KEY_IRRELEVANT || def->type == KEY_LIST_RFC3720 ?
		   0 : param_value(neg->ours, def);
	u32 *res = param_field(&neg->result, def);
	u64 num;
	int b;

	if (neg->discovery && (def->flags & KEY_F_NORMAL_ONLY)) {
		set_reply(neg, idx, "Irrelevant");
		return;
	}

	switch (def->type) {
	case KEY_NUM_MIN:
	case KEY_NUM_MAX:
		if (ktgt_parse_number(value, def->max, &num) || num < def->min) {
			set_reply(neg, idx, "Reject");
			return;
		}
		if (def->type == KEY_NUM_MIN)
			*res = min_t(u32, num, ours);
		else
			*res = max_t(u32, num, ours);
		set_reply_u32(neg, idx, *res);
		return;
	case KEY_BOOL_AND:
	case KEY_BOOL_OR:
		b = parse_bool(value);
		if (b < 0) {
			set_reply(neg, idx, "Reject");
			return;
		}
		*res = def->type == KEY_BOOL_AND ? (b && ours) : (b || ours);
		set_reply(neg, idx, *res ? "Yes" : "No");
		return;
	case KEY_DIGEST:
		*res = pick_digest(value, param_value(neg->ours, def));
		if (!*res) {
			*res = KTGT_DIGEST_NONE;
			set_reply(neg, idx, "Reject");
			return;
		}
		set_reply(neg, idx, *res == KTGT_DIGEST_CRC32C ? "CRC32C" : "None");
		return;
	case KEY_DECLARE:
		if (ktgt_parse_number(value, def->max, &num) || num < def->min) {
			set_reply(neg, idx, "Reject");
			return;
		}
		*res = num;
		return;
	case KEY_LIST_RFC3720:
		set_reply(neg, idx, list_has(value, "RFC3720") ? "RFC3720" : "Reject");
		return;
	case KEY_IRRELEVANT:
		set_reply(neg, idx, "Irrelevant");
		return;
	}
}

/* the key's index in ktgt_keys[], or -1 */
static int kv_index(const struct ktgt_kv *kv)
{
	size_t kl = (size_t)(kv->value - 1 - kv->key);
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ktgt_keys); i++)
		if (strlen(ktgt_keys[i].name) == kl && !memcmp(ktgt_keys[i].name, kv->key, kl))
			return i;
	return -1;
}

/**
 * ktgt_neg_key() - negotiate one operational key
 * @neg: negotiation state
 * @kv: the pair offered by the initiator
 *
 * Return: KTGT_NEG_OK when the key was handled (its reply is queued for
 * ktgt_neg_reply()), KTGT_NEG_UNKNOWN when it is not an operational key,
 * or KTGT_NEG_DUPLICATE when the key was already offered in this login.
 */
enum ktgt_neg_result ktgt_neg_key(struct ktgt_neg *neg, const struct ktgt_kv *kv)
{
	int i = kv_index(kv);

	if (i < 0)
		return KTGT_NEG_UNKNOWN;
	if (neg->offered & (1ull << i))
		return KTGT_NEG_DUPLICATE;
	neg->offered |= 1ull << i;
	negotiate(neg, i, kv->value);
	return KTGT_NEG_OK;
}

/**
 * ktgt_neg_known() - is this an operational key that ktgt_neg_key() takes?
 * @kv: the pair
 *
 * Return: true for the keys of RFC 7143 section 13 that are negotiated here.
 */
bool ktgt_neg_known(const struct ktgt_kv *kv)
{
	return kv_index(kv) >= 0;
}

static int key_index(const char *name)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(ktgt_keys); i++)
		if (!strcmp(ktgt_keys[i].name, name))
			return i;
	return -1;
}

/**
 * ktgt_neg_reply() - write this PDU's answers and apply cross-key rules
 * @neg: negotiation state
 * @out: bounded reply buffer
 * @leaving_operational: the login leaves the operational stage with this
 *	reply, so the target's own declarations must go out now
 *
 * Return: 0, or -ENOSPC when the reply does not fit.
 */
int ktgt_neg_reply(struct ktgt_neg *neg, struct ktgt_text_buf *out, bool leaving_operational)
{
	struct ktgt_params *r = &neg->result;
	int fb = key_index("FirstBurstLength");
	u64 mrdsl = 1ull << key_index("MaxRecvDataSegmentLength");
	u32 i, idx;

	/* RFC 7143 13.14: FirstBurstLength must not exceed MaxBurstLength */
	if (r->first_burst > r->max_burst) {
		r->first_burst = r->max_burst;
		scnprintf(neg->reply[fb], sizeof(neg->reply[fb]), "%u", r->first_burst);
	}

	for (i = 0; i < neg->nr_order; i++) {
		idx = neg->order[i];
		if (ktgt_text_add(out, ktgt_keys[idx].name, neg->reply[idx]))
			return -ENOSPC;
	}
	neg->nr_order = 0;

	/* declare ours when the initiator declares its own, or at the latest now */
	if ((leaving_operational || (neg->offered & mrdsl)) && !neg->declared_mrdsl) {
		if (ktgt_text_add_u32(out, "MaxRecvDataSegmentLength", r->max_recv_dsl))
			return -ENOSPC;
		neg->declared_mrdsl = true;
	}
	return 0;
}
