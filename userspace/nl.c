// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: the ktgt generic netlink family, through libnl-genl-3.
 *
 * Every request carries one KTGT_A_TARGET nest and every TARGET_GET reply
 * is one message with one KTGT_A_TARGET nest (include/uapi/linux/ktgt.h).
 * Replies are decoded leniently: unknown attributes are ignored, and a
 * missing attribute takes its UAPI default. Attributes of the wrong size
 * are an error.
 *
 * The socket asks for extended acks so that the kernel's error messages
 * reach the user. libnl 3.7 has no accessor for them, so on_error() reads
 * the NLMSGERR_ATTR_MSG TLV itself.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <linux/ktgt.h>

#include "nl.h"

/* Room for the longest request: a LUN_ADD with a KTGT_PATH_MAX path. */
#define KTGT_NL_MSG_SIZE	(2 * KTGT_PATH_MAX)

/**
 * struct ktgt_nl - a generic netlink socket bound to the ktgt family
 * @sk: the socket
 * @family: the family id
 * @errmsg: what went wrong in the last call, if more than an errno says:
 *          the kernel's extack message, or a libnl error
 */
struct ktgt_nl {
	struct nl_sock *sk;
	int family;
	char errmsg[256];
};

/* The state of one request while its replies come in. */
struct ktgt_reply {
	struct ktgt_nl *nl;
	ktgt_target_fn fn;
	void *arg;
	int err;
	bool done;
};

static const struct nla_policy top_policy[KTGT_A_MAX + 1] = {
	[KTGT_A_TARGET]			= { .type = NLA_NESTED },
};

static const struct nla_policy target_policy[KTGT_A_TARGET_MAX + 1] = {
	[KTGT_A_TARGET_NAME]		= { .type = NLA_STRING },
	[KTGT_A_TARGET_TID]		= { .type = NLA_U32 },
	[KTGT_A_TARGET_PORTAL]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_LUN]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_ACL]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_SESSION]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_ACCOUNT]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_PARAMS]		= { .type = NLA_NESTED },
	[KTGT_A_TARGET_CPUS]		= { .type = NLA_STRING },
	[KTGT_A_TARGET_DISCOVERY]	= { .type = NLA_FLAG },
};

static const struct nla_policy portal_policy[KTGT_A_PORTAL_MAX + 1] = {
	[KTGT_A_PORTAL_ADDR]		= { .minlen = 4, .maxlen = 16 },
	[KTGT_A_PORTAL_PORT]		= { .type = NLA_U16 },
};

static const struct nla_policy lun_policy[KTGT_A_LUN_MAX + 1] = {
	[KTGT_A_LUN_ID]			= { .type = NLA_U64 },
	[KTGT_A_LUN_PATH]		= { .type = NLA_STRING },
	[KTGT_A_LUN_READONLY]		= { .type = NLA_U8 },
	[KTGT_A_LUN_WRITE_CACHE]	= { .type = NLA_U8 },
	[KTGT_A_LUN_SIZE]		= { .type = NLA_U64 },
	[KTGT_A_LUN_BLOCK_SIZE]		= { .type = NLA_U32 },
	[KTGT_A_LUN_BACKEND]		= { .type = NLA_U32 },
	[KTGT_A_LUN_NULL_SIZE]		= { .type = NLA_U64 },
	[KTGT_A_LUN_VENDOR_ID]		= { .type = NLA_STRING },
	[KTGT_A_LUN_PRODUCT_ID]		= { .type = NLA_STRING },
	[KTGT_A_LUN_PRODUCT_REV]	= { .type = NLA_STRING },
	[KTGT_A_LUN_SCSI_SN]		= { .type = NLA_STRING },
	[KTGT_A_LUN_SCSI_ID]		= { .type = NLA_STRING },
	[KTGT_A_LUN_STATS]		= { .type = NLA_NESTED },
	[KTGT_A_LUN_DIRECT]		= { .type = NLA_U8 },
	[KTGT_A_LUN_ERROR_LBA]		= { .type = NLA_U64 },
	[KTGT_A_LUN_ERROR_ERRNO]	= { .type = NLA_U32 },
};

static const struct nla_policy stats_policy[KTGT_A_STATS_MAX + 1] = {
	[KTGT_A_STATS_CMDS]		= { .type = NLA_U64 },
	[KTGT_A_STATS_READ_BYTES]	= { .type = NLA_U64 },
	[KTGT_A_STATS_WRITE_BYTES]	= { .type = NLA_U64 },
	[KTGT_A_STATS_ERRORS]		= { .type = NLA_U64 },
	[KTGT_A_STATS_LATENCY_US]	= { .type = NLA_U64 },
};

static const struct nla_policy acl_policy[KTGT_A_ACL_MAX + 1] = {
	[KTGT_A_ACL_INITIATOR]		= { .type = NLA_STRING },
	[KTGT_A_ACL_ADDRESS]		= { .minlen = 4, .maxlen = 16 },
	[KTGT_A_ACL_PREFIX_LEN]		= { .type = NLA_U8 },
};

static const struct nla_policy account_policy[KTGT_A_ACCOUNT_MAX + 1] = {
	[KTGT_A_ACCOUNT_USER]		= { .type = NLA_STRING },
	[KTGT_A_ACCOUNT_SECRET]		= { .type = NLA_UNSPEC },
	[KTGT_A_ACCOUNT_OUTGOING]	= { .type = NLA_FLAG },
};

static const struct nla_policy session_policy[KTGT_A_SESSION_MAX + 1] = {
	[KTGT_A_SESSION_TSIH]		= { .type = NLA_U16 },
	[KTGT_A_SESSION_ISID]		= { .type = NLA_U64 },
	[KTGT_A_SESSION_INITIATOR]	= { .type = NLA_STRING },
	[KTGT_A_SESSION_CONN]		= { .type = NLA_NESTED },
	[KTGT_A_SESSION_PARAMS]		= { .type = NLA_NESTED },
	[KTGT_A_SESSION_STATS]		= { .type = NLA_NESTED },
};

static const struct nla_policy conn_policy[KTGT_A_CONN_MAX + 1] = {
	[KTGT_A_CONN_CID]		= { .type = NLA_U16 },
	[KTGT_A_CONN_PEER_ADDR]		= { .minlen = 4, .maxlen = 16 },
	[KTGT_A_CONN_PEER_PORT]		= { .type = NLA_U16 },
	[KTGT_A_CONN_LOCAL_ADDR]	= { .minlen = 4, .maxlen = 16 },
	[KTGT_A_CONN_LOCAL_PORT]	= { .type = NLA_U16 },
};

/*
 * Parse a nest with a policy. libnl ignores trailing bytes that do not form
 * an attribute; here they mean the nest is malformed (or not a nest at all).
 */
static int parse_nest(struct nlattr **tb, int max, struct nlattr *nest,
		      const struct nla_policy *policy)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		;
	if (rem > 0 || nla_parse_nested(tb, max, nest, policy))
		return -EPROTO;
	return 0;
}

/* A NUL-terminated string attribute, or NULL if absent or unterminated. */
static const char *get_str(const struct nlattr *a)
{
	if (!a || !memchr(nla_data(a), '\0', nla_len(a)))
		return NULL;
	return nla_data(a);
}

static uint16_t get_u16(const struct nlattr *a, uint16_t def)
{
	return a ? nla_get_u16(a) : def;
}

static uint32_t get_u32(const struct nlattr *a, uint32_t def)
{
	return a ? nla_get_u32(a) : def;
}

static uint64_t get_u64(const struct nlattr *a, uint64_t def)
{
	return a ? nla_get_u64(a) : def;
}

static bool get_flag(const struct nlattr *a, bool def)
{
	return a ? nla_get_u8(a) : def;
}

/* Return: 0, -ENODATA if @addr is absent, -EPROTO if it is not 4 or 16 bytes. */
static int get_addr(const struct nlattr *addr, const struct nlattr *port,
		    uint16_t def_port, struct ktgt_addr *out)
{
	if (!addr)
		return -ENODATA;
	if (ktgt_addr_set(out, nla_data(addr), nla_len(addr), get_u16(port, def_port)))
		return -EPROTO;
	return 0;
}

/* A STATS nest, if present: an older kernel sends none. */
static int parse_stats(struct nlattr *nest, struct ktgt_stats_info *st)
{
	struct nlattr *tb[KTGT_A_STATS_MAX + 1];
	int err;

	memset(st, 0, sizeof(*st));
	if (!nest)
		return 0;
	err = parse_nest(tb, KTGT_A_STATS_MAX, nest, stats_policy);
	if (err)
		return err;
	st->present = true;
	st->cmds = get_u64(tb[KTGT_A_STATS_CMDS], 0);
	st->read_bytes = get_u64(tb[KTGT_A_STATS_READ_BYTES], 0);
	st->write_bytes = get_u64(tb[KTGT_A_STATS_WRITE_BYTES], 0);
	st->errors = get_u64(tb[KTGT_A_STATS_ERRORS], 0);
	st->latency_us = get_u64(tb[KTGT_A_STATS_LATENCY_US], 0);
	return 0;
}

/*
 * Each parse_*() below decodes one nest. It returns 0, -ENODATA to skip an
 * entry that lacks its key attribute, or another -errno to fail the reply.
 */
static int parse_portal(struct nlattr *nest, struct ktgt_addr *p)
{
	struct nlattr *tb[KTGT_A_PORTAL_MAX + 1];
	int err;

	err = parse_nest(tb, KTGT_A_PORTAL_MAX, nest, portal_policy);
	if (err)
		return err;
	return get_addr(tb[KTGT_A_PORTAL_ADDR], tb[KTGT_A_PORTAL_PORT], KTGT_DEFAULT_PORT, p);
}

/* The identity attributes, in the order of enum ktgt_conf_ident */
static const int lun_ident_attrs[KTGT_LUN_IDENT_NR] = {
	KTGT_A_LUN_VENDOR_ID, KTGT_A_LUN_PRODUCT_ID, KTGT_A_LUN_PRODUCT_REV,
	KTGT_A_LUN_SCSI_SN, KTGT_A_LUN_SCSI_ID,
};

static int parse_lun(struct nlattr *nest, struct ktgt_lun_info *l)
{
	struct nlattr *tb[KTGT_A_LUN_MAX + 1];
	int err, i;

	err = parse_nest(tb, KTGT_A_LUN_MAX, nest, lun_policy);
	if (err)
		return err;
	if (!tb[KTGT_A_LUN_ID])
		return -ENODATA;
	l->id = get_u64(tb[KTGT_A_LUN_ID], 0);
	l->path = get_str(tb[KTGT_A_LUN_PATH]);
	l->readonly = get_flag(tb[KTGT_A_LUN_READONLY], false);
	l->write_cache = get_flag(tb[KTGT_A_LUN_WRITE_CACHE], true);
	l->direct = get_flag(tb[KTGT_A_LUN_DIRECT], false);
	l->has_error = tb[KTGT_A_LUN_ERROR_ERRNO] != NULL;
	l->error_errno = get_u32(tb[KTGT_A_LUN_ERROR_ERRNO], 0);
	l->has_error_lba = tb[KTGT_A_LUN_ERROR_LBA] != NULL;
	l->error_lba = get_u64(tb[KTGT_A_LUN_ERROR_LBA], 0);
	l->size = get_u64(tb[KTGT_A_LUN_SIZE], 0);
	l->block_size = get_u32(tb[KTGT_A_LUN_BLOCK_SIZE], 0);
	l->backend = get_u32(tb[KTGT_A_LUN_BACKEND], KTGT_BACKEND_UNKNOWN);
	l->null_size = get_u64(tb[KTGT_A_LUN_NULL_SIZE], 0);
	for (i = 0; i < KTGT_LUN_IDENT_NR; i++)
		l->ident[i] = get_str(tb[lun_ident_attrs[i]]);
	return parse_stats(tb[KTGT_A_LUN_STATS], &l->stats);
}

/* An initiator name goes to t->acls, an address range to t->acl_addrs. */
static int parse_acl(struct nlattr *nest, struct ktgt_target *t)
{
	struct nlattr *tb[KTGT_A_ACL_MAX + 1];
	struct ktgt_acl_addr *a;
	int err;

	err = parse_nest(tb, KTGT_A_ACL_MAX, nest, acl_policy);
	if (err)
		return err;
	if (tb[KTGT_A_ACL_ADDRESS]) {
		a = &t->acl_addrs[t->nr_acl_addrs];
		if (ktgt_addr_set(&a->addr, nla_data(tb[KTGT_A_ACL_ADDRESS]),
				  nla_len(tb[KTGT_A_ACL_ADDRESS]), 0))
			return -EPROTO;
		a->prefix_len = tb[KTGT_A_ACL_PREFIX_LEN] ? nla_get_u8(tb[KTGT_A_ACL_PREFIX_LEN]) :
							   ktgt_addr_len(&a->addr) * 8;
		t->nr_acl_addrs++;
		return 0;
	}
	t->acls[t->nr_acls] = get_str(tb[KTGT_A_ACL_INITIATOR]);
	if (!t->acls[t->nr_acls])
		return -ENODATA;
	t->nr_acls++;
	return 0;
}

/* An account without a user name is skipped; one without a secret has none. */
static int parse_account(struct nlattr *nest, struct ktgt_account_info *acct)
{
	struct nlattr *tb[KTGT_A_ACCOUNT_MAX + 1];
	int err;

	err = parse_nest(tb, KTGT_A_ACCOUNT_MAX, nest, account_policy);
	if (err)
		return err;
	acct->user = get_str(tb[KTGT_A_ACCOUNT_USER]);
	if (!acct->user)
		return -ENODATA;
	acct->secret = tb[KTGT_A_ACCOUNT_SECRET] ? nla_data(tb[KTGT_A_ACCOUNT_SECRET]) : NULL;
	acct->secret_len = tb[KTGT_A_ACCOUNT_SECRET] ? nla_len(tb[KTGT_A_ACCOUNT_SECRET]) : 0;
	acct->outgoing = tb[KTGT_A_ACCOUNT_OUTGOING] != NULL;
	return 0;
}

/* The type of each key's attribute, from the table of keys. */
static int param_nla_type(const struct ktgt_param_key *k)
{
	return k->type == KTGT_PARAM_BOOL ? NLA_U8 : NLA_U32;
}

/* A PARAMS nest, if present: an older kernel sends none. */
static int parse_params(struct nlattr *nest, struct ktgt_params *p)
{
	struct nla_policy policy[KTGT_A_PARAMS_MAX + 1] = { };
	struct nlattr *tb[KTGT_A_PARAMS_MAX + 1];
	const struct ktgt_param_key *k;
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	if (!nest)
		return 0;
	for (i = 0; i < ktgt_nr_param_keys; i++)
		policy[ktgt_param_keys[i].attr].type = param_nla_type(&ktgt_param_keys[i]);
	err = parse_nest(tb, KTGT_A_PARAMS_MAX, nest, policy);
	if (err)
		return err;
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (!tb[k->attr])
			continue;
		ktgt_params_set(p, k->attr, k->type == KTGT_PARAM_BOOL ?
				nla_get_u8(tb[k->attr]) : nla_get_u32(tb[k->attr]));
	}
	return 0;
}

static int parse_conn(struct nlattr *nest, struct ktgt_conn_info *c)
{
	struct nlattr *tb[KTGT_A_CONN_MAX + 1];
	int err;

	err = parse_nest(tb, KTGT_A_CONN_MAX, nest, conn_policy);
	if (err)
		return err;
	c->cid = get_u16(tb[KTGT_A_CONN_CID], 0);
	err = get_addr(tb[KTGT_A_CONN_PEER_ADDR], tb[KTGT_A_CONN_PEER_PORT], 0, &c->peer);
	if (err && err != -ENODATA)
		return err;
	c->has_peer = !err;
	err = get_addr(tb[KTGT_A_CONN_LOCAL_ADDR], tb[KTGT_A_CONN_LOCAL_PORT], 0, &c->local);
	if (err && err != -ENODATA)
		return err;
	c->has_local = !err;
	return 0;
}

static size_t count_nested(struct nlattr *nest, int type)
{
	struct nlattr *a;
	size_t n = 0;
	int rem;

	nla_for_each_nested(a, nest, rem)
		n += nla_type(a) == type;
	return n;
}

static int parse_session(struct nlattr *nest, struct ktgt_session_info *s)
{
	struct nlattr *tb[KTGT_A_SESSION_MAX + 1];
	size_t n = count_nested(nest, KTGT_A_SESSION_CONN);
	struct nlattr *a;
	int rem, err;

	err = parse_nest(tb, KTGT_A_SESSION_MAX, nest, session_policy);
	if (err)
		return err;
	s->tsih = get_u16(tb[KTGT_A_SESSION_TSIH], 0);
	s->isid = get_u64(tb[KTGT_A_SESSION_ISID], 0);
	s->initiator = get_str(tb[KTGT_A_SESSION_INITIATOR]);
	err = parse_params(tb[KTGT_A_SESSION_PARAMS], &s->params);
	if (!err)
		err = parse_stats(tb[KTGT_A_SESSION_STATS], &s->stats);
	if (err)
		return err;
	s->nr_conns = 0;
	s->conns = calloc(n, sizeof(*s->conns));
	if (n && !s->conns)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != KTGT_A_SESSION_CONN)
			continue;
		err = parse_conn(a, &s->conns[s->nr_conns]);
		if (err)
			goto out_free_conns;
		s->nr_conns++;
	}
	return 0;

out_free_conns:
	free(s->conns);
	s->conns = NULL;
	return err;
}

/**
 * ktgt_target_free() - free what ktgt_nl_parse_target() allocated
 * @t: the target; the strings belong to the netlink message
 */
void ktgt_target_free(struct ktgt_target *t)
{
	size_t i;

	for (i = 0; i < t->nr_sessions; i++)
		free(t->sessions[i].conns);
	free(t->sessions);
	free(t->portals);
	free(t->luns);
	free(t->acls);
	free(t->acl_addrs);
	free(t->accounts);
	memset(t, 0, sizeof(*t));
}

static int alloc_lists(struct ktgt_target *t, struct nlattr *nest)
{
	size_t np = count_nested(nest, KTGT_A_TARGET_PORTAL);
	size_t nl = count_nested(nest, KTGT_A_TARGET_LUN);
	size_t na = count_nested(nest, KTGT_A_TARGET_ACL);
	size_t ns = count_nested(nest, KTGT_A_TARGET_SESSION);
	size_t nc = count_nested(nest, KTGT_A_TARGET_ACCOUNT);

	t->portals = calloc(np, sizeof(*t->portals));
	t->luns = calloc(nl, sizeof(*t->luns));
	t->acls = calloc(na, sizeof(*t->acls));
	t->acl_addrs = calloc(na, sizeof(*t->acl_addrs));
	t->sessions = calloc(ns, sizeof(*t->sessions));
	t->accounts = calloc(nc, sizeof(*t->accounts));
	if ((np && !t->portals) || (nl && !t->luns) || (na && (!t->acls || !t->acl_addrs)) ||
	    (ns && !t->sessions) || (nc && !t->accounts))
		return -ENOMEM;
	return 0;
}

/* Decode one repeated nest of the target into the next free slot of its list. */
static int parse_entry(struct ktgt_target *t, struct nlattr *a)
{
	int err;

	switch (nla_type(a)) {
	case KTGT_A_TARGET_PORTAL:
		err = parse_portal(a, &t->portals[t->nr_portals]);
		t->nr_portals += !err;
		break;
	case KTGT_A_TARGET_LUN:
		err = parse_lun(a, &t->luns[t->nr_luns]);
		t->nr_luns += !err;
		break;
	case KTGT_A_TARGET_ACL:
		err = parse_acl(a, t);
		break;
	case KTGT_A_TARGET_SESSION:
		err = parse_session(a, &t->sessions[t->nr_sessions]);
		t->nr_sessions += !err;
		break;
	case KTGT_A_TARGET_ACCOUNT:
		err = parse_account(a, &t->accounts[t->nr_accounts]);
		t->nr_accounts += !err;
		break;
	default:
		return 0;
	}
	return err == -ENODATA ? 0 : err;
}

/**
 * ktgt_nl_parse_target() - decode one TARGET_GET reply
 * @nlh: the message
 * @t: the result, to be freed with ktgt_target_free() on success
 *
 * Return: 0, -EPROTO if the message is malformed, or -ENOMEM.
 */
int ktgt_nl_parse_target(struct nlmsghdr *nlh, struct ktgt_target *t)
{
	struct nlattr *tb[KTGT_A_MAX + 1];
	struct nlattr *tt[KTGT_A_TARGET_MAX + 1];
	struct nlattr *nest, *a;
	int rem, err;

	memset(t, 0, sizeof(*t));
	if (genlmsg_parse(nlh, 0, tb, KTGT_A_MAX, top_policy) || !tb[KTGT_A_TARGET])
		return -EPROTO;
	nest = tb[KTGT_A_TARGET];
	err = parse_nest(tt, KTGT_A_TARGET_MAX, nest, target_policy);
	if (err)
		return err;
	t->name = get_str(tt[KTGT_A_TARGET_NAME]);
	t->tid = get_u32(tt[KTGT_A_TARGET_TID], 0);
	t->cpus = get_str(tt[KTGT_A_TARGET_CPUS]);
	t->discovery = tt[KTGT_A_TARGET_DISCOVERY] != NULL;
	err = parse_params(tt[KTGT_A_TARGET_PARAMS], &t->params);
	if (err)
		return err;

	err = alloc_lists(t, nest);
	if (err)
		goto out_free;
	nla_for_each_nested(a, nest, rem) {
		err = parse_entry(t, a);
		if (err)
			goto out_free;
	}
	return 0;

out_free:
	ktgt_target_free(t);
	return err;
}

static int put_portal(struct nl_msg *msg, const struct ktgt_addr *p)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_PORTAL | NLA_F_NESTED);

	if (!nest || nla_put(msg, KTGT_A_PORTAL_ADDR, ktgt_addr_len(p), p->bytes) ||
	    nla_put_u16(msg, KTGT_A_PORTAL_PORT, p->port))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

static int put_lun(struct nl_msg *msg, const struct ktgt_lun_spec *l)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_LUN | NLA_F_NESTED);
	int i;

	if (!nest || nla_put_u64(msg, KTGT_A_LUN_ID, l->id) ||
	    (l->path && nla_put_string(msg, KTGT_A_LUN_PATH, l->path)) ||
	    (l->null_size && nla_put_u64(msg, KTGT_A_LUN_NULL_SIZE, l->null_size)) ||
	    (l->readonly >= 0 && nla_put_u8(msg, KTGT_A_LUN_READONLY, l->readonly)) ||
	    (l->write_cache >= 0 && nla_put_u8(msg, KTGT_A_LUN_WRITE_CACHE, l->write_cache)) ||
	    (l->direct > 0 && nla_put_u8(msg, KTGT_A_LUN_DIRECT, 1)) ||
	    (l->resize && nla_put_flag(msg, KTGT_A_LUN_RESIZE)))
		return -EMSGSIZE;
	for (i = 0; i < KTGT_LUN_IDENT_NR; i++) {
		if (l->ident[i] && nla_put_string(msg, lun_ident_attrs[i], l->ident[i]))
			return -EMSGSIZE;
	}
	return nla_nest_end(msg, nest);
}

static int put_acl(struct nl_msg *msg, const char *initiator)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_ACL | NLA_F_NESTED);

	if (!nest || nla_put_string(msg, KTGT_A_ACL_INITIATOR, initiator))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

static int put_acl_addr(struct nl_msg *msg, const struct ktgt_acl_addr *a)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_ACL | NLA_F_NESTED);

	if (!nest || nla_put(msg, KTGT_A_ACL_ADDRESS, ktgt_addr_len(&a->addr), a->addr.bytes) ||
	    nla_put_u8(msg, KTGT_A_ACL_PREFIX_LEN, a->prefix_len))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

static int put_account(struct nl_msg *msg, const struct ktgt_account_spec *a)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_ACCOUNT | NLA_F_NESTED);
	size_t len = a->secret_len ? a->secret_len : (a->secret ? strlen(a->secret) : 0);

	if (!nest || (a->user && nla_put_string(msg, KTGT_A_ACCOUNT_USER, a->user)) ||
	    (a->secret && nla_put(msg, KTGT_A_ACCOUNT_SECRET, len, a->secret)) ||
	    (a->outgoing && nla_put_flag(msg, KTGT_A_ACCOUNT_OUTGOING)))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

/* The keys present in @p, each as its type in the table says. */
static int put_params(struct nl_msg *msg, const struct ktgt_params *p)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_PARAMS | NLA_F_NESTED);
	const struct ktgt_param_key *k;
	size_t i;
	int err;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (!ktgt_params_has(p, k->attr))
			continue;
		err = k->type == KTGT_PARAM_BOOL ? nla_put_u8(msg, k->attr, p->val[k->attr]) :
						   nla_put_u32(msg, k->attr, p->val[k->attr]);
		if (err)
			return -EMSGSIZE;
	}
	return nla_nest_end(msg, nest);
}

static int put_session(struct nl_msg *msg, uint16_t tsih)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET_SESSION | NLA_F_NESTED);

	if (!nest || nla_put_u16(msg, KTGT_A_SESSION_TSIH, tsih))
		return -EMSGSIZE;
	return nla_nest_end(msg, nest);
}

/**
 * ktgt_nl_put_request() - append the KTGT_A_TARGET nest of a request
 * @msg: the message, after its genetlink header
 * @req: what to put in the nest; a dump sends it empty
 *
 * Return: 0 or -EMSGSIZE.
 */
int ktgt_nl_put_request(struct nl_msg *msg, const struct ktgt_request *req)
{
	struct nlattr *nest = nla_nest_start(msg, KTGT_A_TARGET | NLA_F_NESTED);

	if (!nest || (req->name && nla_put_string(msg, KTGT_A_TARGET_NAME, req->name)) ||
	    (req->portal && put_portal(msg, req->portal)) ||
	    (req->lun && put_lun(msg, req->lun)) ||
	    (req->initiator && put_acl(msg, req->initiator)) ||
	    (req->account && put_account(msg, req->account)) ||
	    (req->params && put_params(msg, req->params)) ||
	    (req->cpus && nla_put_string(msg, KTGT_A_TARGET_CPUS, req->cpus)) ||
	    (req->tsih && put_session(msg, req->tsih)) ||
	    (req->force && nla_put_flag(msg, KTGT_A_TARGET_FORCE)) ||
	    (req->acl_addr && put_acl_addr(msg, req->acl_addr)) ||
	    (req->discovery && nla_put_flag(msg, KTGT_A_TARGET_DISCOVERY)))
		return -EMSGSIZE;
	return nla_nest_end_keep_empty(msg, nest) ? -EMSGSIZE : 0;
}

static void set_errmsg(struct ktgt_nl *nl, const char *fmt, const char *arg)
{
	snprintf(nl->errmsg, sizeof(nl->errmsg), fmt, arg);
}

/* A failure inside libnl: keep its message, since no errno matches it well. */
static int lib_error(struct ktgt_nl *nl, int nlerr)
{
	set_errmsg(nl, "netlink: %s", nl_geterror(nlerr));
	return -EIO;
}

/*
 * Keep the NLMSGERR_ATTR_MSG text of an error or done message whose TLVs
 * start @off bytes into its payload.
 */
static void save_extack(struct ktgt_nl *nl, struct nlmsghdr *nlh, size_t off)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	int len = nlmsg_datalen(nlh);
	struct nlattr *msg;

	off = NLMSG_ALIGN(off);
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len < 0 || off >= (size_t)len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      len - off, NULL))
		return;
	msg = tb[NLMSGERR_ATTR_MSG];
	if (msg)
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%.*s",
			 (int)strnlen(nla_data(msg), nla_len(msg)), (char *)nla_data(msg));
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct ktgt_reply *r = arg;
	size_t off = sizeof(*e);

	/* Unless capped, the request we sent sits between the error and its TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	save_extack(r->nl, nlh, off);
	r->err = e->error < 0 ? e->error : -EIO;
	r->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct ktgt_reply *r = arg;

	r->done = true;
	return NL_STOP;
}

/* The end of a dump, which carries the dump's error code, if any. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ktgt_reply *r = arg;
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			save_extack(r->nl, nlh, sizeof(err));
			r->err = err;
		}
	}
	r->done = true;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ktgt_reply *r = arg;
	struct ktgt_target t;
	int err;

	if (!r->fn || nlh->nlmsg_type != r->nl->family)
		return NL_OK;
	err = ktgt_nl_parse_target(nlh, &t);
	if (err) {
		set_errmsg(r->nl, "cannot decode the kernel's reply: %s", strerror(-err));
	} else {
		err = r->fn(&t, r->arg);
		ktgt_target_free(&t);
	}
	if (!err)
		return NL_OK;
	r->err = err;
	return NL_STOP;
}

static int transact(struct ktgt_nl *nl, uint8_t cmd, int flags, const struct ktgt_request *req,
		    ktgt_target_fn fn, void *arg)
{
	struct ktgt_reply r = { .nl = nl, .fn = fn, .arg = arg };
	struct nl_msg *msg;
	struct nl_cb *cb;
	int err = -ENOMEM;

	nl->errmsg[0] = '\0';
	msg = nlmsg_alloc_size(KTGT_NL_MSG_SIZE);
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!msg || !cb)
		goto out;
	err = -EMSGSIZE;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 KTGT_FAMILY_VERSION))
		goto out;
	err = ktgt_nl_put_request(msg, req);
	if (err)
		goto out;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);
	err = nl_send_auto(nl->sk, msg);
	if (err < 0) {
		err = lib_error(nl, err);
		goto out;
	}
	while (!r.done && !r.err) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !r.err)
			r.err = lib_error(nl, err);
	}
	err = r.err;
out:
	if (cb)
		nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

/**
 * ktgt_nl_do() - send a request and wait for its ack
 * @nl: the connected socket
 * @cmd: a KTGT_CMD_* that changes something
 * @req: its attributes
 *
 * Return: 0 or -errno; ktgt_nl_strerror() says more.
 */
int ktgt_nl_do(struct ktgt_nl *nl, uint8_t cmd, const struct ktgt_request *req)
{
	return transact(nl, cmd, req->replace ? NLM_F_REPLACE : 0, req, NULL, NULL);
}

/**
 * ktgt_nl_get() - get one target, or dump them all
 * @nl: the connected socket
 * @name: the target, or NULL for every target
 * @fn: called for each target
 * @arg: passed to @fn
 *
 * Return: 0, what @fn returned, or -errno; ktgt_nl_strerror() says more.
 */
int ktgt_nl_get(struct ktgt_nl *nl, const char *name, ktgt_target_fn fn, void *arg)
{
	struct ktgt_request req = { .name = name };

	return transact(nl, KTGT_CMD_TARGET_GET, name ? 0 : NLM_F_DUMP, &req, fn, arg);
}

/**
 * ktgt_nl_sessions() - dump every session of every target
 * @nl: the connected socket
 * @fn: called for each session, as a target holding that one session
 * @arg: passed to @fn
 *
 * Return: 0, what @fn returned, or -errno; ktgt_nl_strerror() says more.
 */
int ktgt_nl_sessions(struct ktgt_nl *nl, ktgt_target_fn fn, void *arg)
{
	struct ktgt_request req = { };

	return transact(nl, KTGT_CMD_SESSION_GET, NLM_F_DUMP, &req, fn, arg);
}

/**
 * ktgt_nl_discovery() - get the CHAP accounts of discovery sessions
 * @nl: the connected socket
 * @fn: called once, with a target whose discovery flag is set, and no name
 * @arg: passed to @fn
 *
 * Return: 0, what @fn returned, or -errno; ktgt_nl_strerror() says more.
 */
int ktgt_nl_discovery(struct ktgt_nl *nl, ktgt_target_fn fn, void *arg)
{
	struct ktgt_request req = { .discovery = true };

	return transact(nl, KTGT_CMD_DISCOVERY_GET, 0, &req, fn, arg);
}

struct ktgt_monitor {
	struct ktgt_nl *nl;
	ktgt_event_fn fn;
	void *arg;
	int err;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ktgt_monitor *m = arg;
	struct genlmsghdr *g;
	struct ktgt_target t;
	int err;

	if (nlh->nlmsg_type != m->nl->family || !genlmsg_valid_hdr(nlh, 0))
		return NL_OK;
	g = nlmsg_data(nlh);
	err = ktgt_nl_parse_target(nlh, &t);
	if (err) {
		set_errmsg(m->nl, "cannot decode an event: %s", strerror(-err));
	} else {
		err = m->fn(g->cmd, &t, m->arg);
		ktgt_target_free(&t);
	}
	if (!err)
		return NL_OK;
	m->err = err;
	return NL_STOP;
}

/**
 * ktgt_nl_monitor() - receive the "events" group's notifications until told to stop
 * @nl: the connected socket; it is given over to the group
 * @fn: called for each notification
 * @arg: passed to @fn
 *
 * Return: what @fn returned, or -errno (-ENOBUFS when events were lost
 * because they came faster than they were read).
 */
int ktgt_nl_monitor(struct ktgt_nl *nl, ktgt_event_fn fn, void *arg)
{
	struct ktgt_monitor m = { .nl = nl, .fn = fn, .arg = arg };
	int grp, err;

	nl->errmsg[0] = '\0';
	grp = genl_ctrl_resolve_grp(nl->sk, KTGT_FAMILY_NAME, KTGT_MCGRP_EVENTS);
	if (grp < 0)
		return lib_error(nl, grp);
	err = nl_socket_add_membership(nl->sk, grp);
	if (err)
		return lib_error(nl, err);
	nl_socket_disable_seq_check(nl->sk);
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &m);
	while (!m.err) {
		err = nl_recvmsgs_default(nl->sk);
		if (err == -NLE_NOMEM) {
			set_errmsg(nl, "%s", "events were lost: the socket buffer overran");
			return -ENOBUFS;
		}
		if (err < 0 && !m.err)
			return lib_error(nl, err);
	}
	return m.err;
}

/**
 * ktgt_nl_strerror() - describe the last error
 * @nl: the socket
 * @err: the -errno a ktgt_nl_*() call returned
 *
 * Return: the kernel's extack message if it sent one, else strerror(-@err).
 */
const char *ktgt_nl_strerror(const struct ktgt_nl *nl, int err)
{
	return nl->errmsg[0] ? nl->errmsg : strerror(-err);
}

struct ktgt_nl *ktgt_nl_alloc(void)
{
	struct ktgt_nl *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return NULL;
	}
	return nl;
}

void ktgt_nl_free(struct ktgt_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/**
 * ktgt_nl_connect() - connect to generic netlink and look up the ktgt family
 * @nl: from ktgt_nl_alloc()
 *
 * Return: 0, -ENOENT if the module is not loaded, or another -errno;
 * ktgt_nl_strerror() says more.
 */
int ktgt_nl_connect(struct ktgt_nl *nl)
{
	int fd, one = 1, err;

	nl->errmsg[0] = '\0';
	err = genl_connect(nl->sk);
	if (err)
		return lib_error(nl, err);
	/* Best effort: without them, errors come without the kernel's text. */
	fd = nl_socket_get_fd(nl->sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* Size each receive buffer to the message, however many LUNs it lists. */
	nl_socket_enable_msg_peek(nl->sk);

	nl->family = genl_ctrl_resolve(nl->sk, KTGT_FAMILY_NAME);
	if (nl->family == -NLE_OBJ_NOTFOUND) {
		set_errmsg(nl, "the %s module is not loaded (modprobe ktgt)", KTGT_FAMILY_NAME);
		return -ENOENT;
	}
	if (nl->family < 0)
		return lib_error(nl, nl->family);
	return 0;
}
