// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "ktgt" (Documentation/netlink/ktgt.yaml).
 *
 * pre_doit takes ktgt_cfg_mutex and looks the target up; post_doit drops
 * the mutex. One fill function serves do and dump.
 */
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "ktgt.h"

#define KTGT_NL_NEED_TARGET	0x1
#define KTGT_NL_DISCOVERY_OK	0x2	/* or KTGT_A_TARGET_DISCOVERY instead of a name */

static const struct nla_policy ktgt_portal_policy[KTGT_A_PORTAL_MAX + 1] = {
	[KTGT_A_PORTAL_ADDR] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KTGT_A_PORTAL_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy ktgt_lun_policy[KTGT_A_LUN_MAX + 1] = {
	[KTGT_A_LUN_ID] = NLA_POLICY_MAX(NLA_U64, KTGT_MAX_LUN),
	[KTGT_A_LUN_PATH] = { .type = NLA_NUL_STRING, .len = KTGT_PATH_MAX - 1 },
	[KTGT_A_LUN_READONLY] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTGT_A_LUN_WRITE_CACHE] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTGT_A_LUN_SIZE] = { .type = NLA_REJECT },
	[KTGT_A_LUN_BLOCK_SIZE] = { .type = NLA_REJECT },
	[KTGT_A_LUN_BACKEND] = { .type = NLA_REJECT },
	[KTGT_A_LUN_NULL_SIZE] = NLA_POLICY_MIN(NLA_U64, KTGT_NULL_SIZE_MIN),
	[KTGT_A_LUN_VENDOR_ID] = { .type = NLA_NUL_STRING, .len = KTGT_VENDOR_ID_MAX },
	[KTGT_A_LUN_PRODUCT_ID] = { .type = NLA_NUL_STRING, .len = KTGT_PRODUCT_ID_MAX },
	[KTGT_A_LUN_PRODUCT_REV] = { .type = NLA_NUL_STRING, .len = KTGT_PRODUCT_REV_MAX },
	[KTGT_A_LUN_SCSI_SN] = { .type = NLA_NUL_STRING, .len = KTGT_SCSI_SN_MAX },
	[KTGT_A_LUN_SCSI_ID] = { .type = NLA_NUL_STRING, .len = KTGT_SCSI_ID_MAX },
	[KTGT_A_LUN_RESIZE] = { .type = NLA_FLAG },
	[KTGT_A_LUN_STATS] = { .type = NLA_REJECT },
	[KTGT_A_LUN_DIRECT] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTGT_A_LUN_ERROR_LBA] = { .type = NLA_REJECT },
	[KTGT_A_LUN_ERROR_ERRNO] = { .type = NLA_REJECT },
};

/* requests name a session by TSIH; the rest is read only */
static const struct nla_policy ktgt_session_policy[KTGT_A_SESSION_MAX + 1] = {
	[KTGT_A_SESSION_TSIH] = NLA_POLICY_MIN(NLA_U16, 1),
	[KTGT_A_SESSION_ISID] = { .type = NLA_REJECT },
	[KTGT_A_SESSION_INITIATOR] = { .type = NLA_REJECT },
	[KTGT_A_SESSION_CONN] = { .type = NLA_REJECT },
	[KTGT_A_SESSION_PARAMS] = { .type = NLA_REJECT },
	[KTGT_A_SESSION_STATS] = { .type = NLA_REJECT },
};

static const struct nla_policy ktgt_acl_policy[KTGT_A_ACL_MAX + 1] = {
	[KTGT_A_ACL_INITIATOR] = { .type = NLA_NUL_STRING, .len = KTGT_NAME_MAX },
	[KTGT_A_ACL_ADDRESS] = { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[KTGT_A_ACL_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy ktgt_account_policy[KTGT_A_ACCOUNT_MAX + 1] = {
	[KTGT_A_ACCOUNT_USER] = { .type = NLA_NUL_STRING, .len = KTGT_CHAP_USER_MAX },
	[KTGT_A_ACCOUNT_SECRET] = NLA_POLICY_RANGE(NLA_BINARY, KTGT_CHAP_SECRET_MIN,
						   KTGT_CHAP_SECRET_MAX),
	[KTGT_A_ACCOUNT_OUTGOING] = { .type = NLA_FLAG },
};

/* 512..2^24-1 is past what min/max hold; not const, as 6.1 wants it */
static struct netlink_range_validation ktgt_dsl_range = {
	.min = 512,
	.max = ISCSI_MAX_DSL,
};

static const struct nla_policy ktgt_params_policy[KTGT_A_PARAMS_MAX + 1] = {
	[KTGT_A_PARAMS_HEADER_DIGEST] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[KTGT_A_PARAMS_DATA_DIGEST] = NLA_POLICY_RANGE(NLA_U32, 1, 3),
	[KTGT_A_PARAMS_MAX_RECV_DSL] = NLA_POLICY_FULL_RANGE(NLA_U32, &ktgt_dsl_range),
	[KTGT_A_PARAMS_MAX_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &ktgt_dsl_range),
	[KTGT_A_PARAMS_FIRST_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &ktgt_dsl_range),
	[KTGT_A_PARAMS_INITIAL_R2T] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTGT_A_PARAMS_IMMEDIATE_DATA] = NLA_POLICY_MAX(NLA_U8, 1),
	[KTGT_A_PARAMS_MAX_OUTSTANDING_R2T] = NLA_POLICY_RANGE(NLA_U32, 1, KTGT_MAX_R2T),
	[KTGT_A_PARAMS_TIME2WAIT] = NLA_POLICY_MAX(NLA_U32, 3600),
	[KTGT_A_PARAMS_TIME2RETAIN] = NLA_POLICY_MAX(NLA_U32, 3600),
	[KTGT_A_PARAMS_MAX_XMIT_DSL] = { .type = NLA_REJECT },
};

static const struct nla_policy ktgt_target_policy[KTGT_A_TARGET_MAX + 1] = {
	[KTGT_A_TARGET_NAME] = { .type = NLA_NUL_STRING, .len = KTGT_NAME_MAX },
	[KTGT_A_TARGET_TID] = { .type = NLA_REJECT },
	[KTGT_A_TARGET_PORTAL] = NLA_POLICY_NESTED(ktgt_portal_policy),
	[KTGT_A_TARGET_LUN] = NLA_POLICY_NESTED(ktgt_lun_policy),
	[KTGT_A_TARGET_ACL] = NLA_POLICY_NESTED(ktgt_acl_policy),
	[KTGT_A_TARGET_SESSION] = NLA_POLICY_NESTED(ktgt_session_policy),
	[KTGT_A_TARGET_ACCOUNT] = NLA_POLICY_NESTED(ktgt_account_policy),
	[KTGT_A_TARGET_PARAMS] = NLA_POLICY_NESTED(ktgt_params_policy),
	[KTGT_A_TARGET_CPUS] = { .type = NLA_NUL_STRING, .len = KTGT_CPULIST_MAX },
	[KTGT_A_TARGET_FORCE] = { .type = NLA_FLAG },
	[KTGT_A_TARGET_DISCOVERY] = { .type = NLA_FLAG },
};

static const struct nla_policy ktgt_policy[KTGT_A_MAX + 1] = {
	[KTGT_A_TARGET] = NLA_POLICY_NESTED(ktgt_target_policy),
};

static struct genl_family ktgt_family;

/* RFC 7143 section 4.2.7: iqn., eui. or naa. and a restricted alphabet */
static bool iscsi_name_valid(const char *name)
{
	const char *p;

	if (strncmp(name, "iqn.", 4) && strncmp(name, "eui.", 4) && strncmp(name, "naa.", 4))
		return false;
	if (!name[4])
		return false;
	for (p = name; *p; p++)
		if (!islower(*p) && !isdigit(*p) && *p != '-' && *p != '.' && *p != ':')
			return false;
	return true;
}

static int parse_target(struct genl_info *info, struct nlattr **tb)
{
	return nla_parse_nested(tb, KTGT_A_TARGET_MAX, info->attrs[KTGT_A_TARGET],
				ktgt_target_policy, info->extack);
}

static int ktgt_pre_doit(const ktgt_genl_hook_ops *ops, struct sk_buff *skb,
			 struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, KTGT_A_TARGET)) {
		NL_SET_ERR_MSG_MOD(info->extack, "target nest missing");
		return -EINVAL;
	}
	ret = parse_target(info, tb);
	if (ret)
		return ret;
	if (tb[KTGT_A_TARGET_DISCOVERY]) {
		if (!(ops->internal_flags & KTGT_NL_DISCOVERY_OK) || tb[KTGT_A_TARGET_NAME]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_DISCOVERY],
					    "discovery goes with account requests only, without a name");
			return -EINVAL;
		}
		mutex_lock(&ktgt_cfg_mutex);
		info->user_ptr[0] = NULL;
		return 0;
	}
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb, KTGT_A_TARGET_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "target name missing");
		return -EINVAL;
	}

	mutex_lock(&ktgt_cfg_mutex);
	if (ops->internal_flags & KTGT_NL_NEED_TARGET) {
		t = ktgt_target_find(nla_data(tb[KTGT_A_TARGET_NAME]));
		if (!t) {
			mutex_unlock(&ktgt_cfg_mutex);
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_NAME], "no such target");
			return -ENOENT;
		}
		info->user_ptr[0] = t;
	}
	return 0;
}

static void ktgt_post_doit(const ktgt_genl_hook_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	mutex_unlock(&ktgt_cfg_mutex);
}

static int put_addr(struct sk_buff *skb, int attr_addr, int attr_port,
		    const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		return nla_put_in_addr(skb, attr_addr, sin->sin_addr.s_addr) ?:
		       nla_put_u16(skb, attr_port, ntohs(sin->sin_port));
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		return nla_put_in6_addr(skb, attr_addr, &sin6->sin6_addr) ?:
		       nla_put_u16(skb, attr_port, ntohs(sin6->sin6_port));
	}
	return 0;
}

/* the keys of a target (offers) or of a session (negotiated) */
static int fill_params(struct sk_buff *skb, int attr, const struct ktgt_params *p, bool session)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest ||
	    nla_put_u32(skb, KTGT_A_PARAMS_HEADER_DIGEST, p->header_digest) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_DATA_DIGEST, p->data_digest) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_MAX_RECV_DSL, p->max_recv_dsl) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_MAX_BURST, p->max_burst) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_FIRST_BURST, p->first_burst) ||
	    nla_put_u8(skb, KTGT_A_PARAMS_INITIAL_R2T, p->initial_r2t) ||
	    nla_put_u8(skb, KTGT_A_PARAMS_IMMEDIATE_DATA, p->immediate_data) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_MAX_OUTSTANDING_R2T, p->max_outstanding_r2t) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_TIME2WAIT, p->time2wait) ||
	    nla_put_u32(skb, KTGT_A_PARAMS_TIME2RETAIN, p->time2retain) ||
	    (session && nla_put_u32(skb, KTGT_A_PARAMS_MAX_XMIT_DSL, p->max_xmit_dsl)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* the identity strings that were configured (not the defaults) */
static int fill_lun_ident(struct sk_buff *skb, const struct ktgt_lun_ident *id)
{
	if ((id->vendor[0] && nla_put_string(skb, KTGT_A_LUN_VENDOR_ID, id->vendor)) ||
	    (id->product[0] && nla_put_string(skb, KTGT_A_LUN_PRODUCT_ID, id->product)) ||
	    (id->revision[0] && nla_put_string(skb, KTGT_A_LUN_PRODUCT_REV, id->revision)) ||
	    (id->serial[0] && nla_put_string(skb, KTGT_A_LUN_SCSI_SN, id->serial)) ||
	    (id->scsi_id[0] && nla_put_string(skb, KTGT_A_LUN_SCSI_ID, id->scsi_id)))
		return -EMSGSIZE;
	return 0;
}

static int fill_stats(struct sk_buff *skb, int attr, const struct ktgt_io_totals *v)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest ||
	    nla_put_u64_64bit(skb, KTGT_A_STATS_CMDS, v->cmds, KTGT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, KTGT_A_STATS_READ_BYTES, v->read_bytes, KTGT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, KTGT_A_STATS_WRITE_BYTES, v->write_bytes, KTGT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, KTGT_A_STATS_ERRORS, v->errors, KTGT_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, KTGT_A_STATS_LATENCY_US, div_u64(v->latency_ns, NSEC_PER_USEC),
			      KTGT_A_STATS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* the attributes of one LUN as GET shows it, in replies and notifications */
static int fill_lun_attrs(struct sk_buff *skb, struct ktgt_lun *lun)
{
	struct ktgt_io_totals v;

	ktgt_lun_stats_read(lun, &v);
	if (nla_put_u64_64bit(skb, KTGT_A_LUN_ID, lun->id, KTGT_A_LUN_PAD) ||
	    (lun->path && nla_put_string(skb, KTGT_A_LUN_PATH, lun->path)) ||
	    (!lun->path && nla_put_u64_64bit(skb, KTGT_A_LUN_NULL_SIZE, lun->null_size,
					     KTGT_A_LUN_PAD)) ||
	    fill_lun_ident(skb, &lun->ident) ||
	    nla_put_u8(skb, KTGT_A_LUN_READONLY, READ_ONCE(lun->readonly)) ||
	    nla_put_u8(skb, KTGT_A_LUN_WRITE_CACHE, READ_ONCE(lun->write_cache)) ||
	    nla_put_u64_64bit(skb, KTGT_A_LUN_SIZE,
			      READ_ONCE(lun->nr_blocks) << lun->block_shift, KTGT_A_LUN_PAD) ||
	    nla_put_u32(skb, KTGT_A_LUN_BLOCK_SIZE, 1u << lun->block_shift) ||
	    nla_put_u32(skb, KTGT_A_LUN_BACKEND, lun->ops->type) ||
	    (lun->ops->type == KTGT_BACKEND_FILE &&
	     nla_put_u8(skb, KTGT_A_LUN_DIRECT, lun->direct)) ||
	    fill_stats(skb, KTGT_A_LUN_STATS, &v))
		return -EMSGSIZE;
	return 0;
}

static int fill_lun(struct sk_buff *skb, struct ktgt_lun *lun)
{
	struct nlattr *nest = nla_nest_start(skb, KTGT_A_TARGET_LUN);

	if (!nest || fill_lun_attrs(skb, lun))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_luns(struct sk_buff *skb, struct ktgt_target *t)
{
	struct ktgt_lun *lun;
	unsigned long id;

	xa_for_each(&t->luns, id, lun)
		if (fill_lun(skb, lun))
			return -EMSGSIZE;
	return 0;
}

/* Context: the session is held in its target's list (sess_lock) or by its connection */
static int fill_session(struct sk_buff *skb, struct ktgt_session *sess)
{
	struct ktgt_conn *conn = sess->conn;
	struct nlattr *nest, *cnest;
	struct ktgt_io_totals v;

	ktgt_stats_read(&sess->stats, &v);
	nest = nla_nest_start(skb, KTGT_A_TARGET_SESSION);
	if (!nest ||
	    nla_put_u16(skb, KTGT_A_SESSION_TSIH, sess->tsih) ||
	    nla_put_u64_64bit(skb, KTGT_A_SESSION_ISID, sess->isid, KTGT_A_SESSION_PAD) ||
	    nla_put_string(skb, KTGT_A_SESSION_INITIATOR, sess->initiator) ||
	    fill_params(skb, KTGT_A_SESSION_PARAMS, &sess->params, true) ||
	    fill_stats(skb, KTGT_A_SESSION_STATS, &v))
		return -EMSGSIZE;
	cnest = nla_nest_start(skb, KTGT_A_SESSION_CONN);
	if (!cnest || nla_put_u16(skb, KTGT_A_CONN_CID, conn->cid) ||
	    put_addr(skb, KTGT_A_CONN_PEER_ADDR, KTGT_A_CONN_PEER_PORT, &conn->peer) ||
	    put_addr(skb, KTGT_A_CONN_LOCAL_ADDR, KTGT_A_CONN_LOCAL_PORT, &conn->local))
		return -EMSGSIZE;
	nla_nest_end(skb, cnest);
	nla_nest_end(skb, nest);
	return 0;
}

/* the CPU set as a list, when the target has one; ktgt_cfg_mutex keeps it */
static int fill_cpus(struct sk_buff *skb, struct ktgt_target *t)
{
	char *list;
	int ret;

	if (cpumask_empty(t->cpus))
		return 0;
	list = kasprintf(GFP_KERNEL, "%*pbl", cpumask_pr_args(t->cpus));
	if (!list)
		return -ENOMEM;
	ret = nla_put_string(skb, KTGT_A_TARGET_CPUS, list);
	kfree(list);
	return ret;
}

static int fill_acl(struct sk_buff *skb, const struct ktgt_acl *acl)
{
	struct nlattr *sub = nla_nest_start(skb, KTGT_A_TARGET_ACL);

	if (!sub)
		return -EMSGSIZE;
	if (acl->family) {
		if (nla_put(skb, KTGT_A_ACL_ADDRESS, acl->family == AF_INET ? 4 : 16, acl->addr) ||
		    nla_put_u8(skb, KTGT_A_ACL_PREFIX_LEN, acl->prefix_len))
			return -EMSGSIZE;
	} else if (nla_put_string(skb, KTGT_A_ACL_INITIATOR, acl->name)) {
		return -EMSGSIZE;
	}
	nla_nest_end(skb, sub);
	return 0;
}

static int fill_accounts(struct sk_buff *skb, struct list_head *accounts);

static int fill_target(struct sk_buff *skb, struct ktgt_target *t, u32 portid, u32 seq,
		       int flags, u8 cmd)
{
	struct ktgt_target_portal *tp;
	struct ktgt_session *sess;
	struct ktgt_acl *acl;
	struct nlattr *nest, *sub;
	void *hdr;
	int ret;

	lockdep_assert_held(&ktgt_cfg_mutex);
	hdr = genlmsg_put(skb, portid, seq, &ktgt_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KTGT_A_TARGET);
	if (!nest || nla_put_string(skb, KTGT_A_TARGET_NAME, t->name) ||
	    nla_put_u32(skb, KTGT_A_TARGET_TID, t->tid) ||
	    fill_params(skb, KTGT_A_TARGET_PARAMS, &t->params, false))
		goto out_cancel;

	if (fill_cpus(skb, t))
		goto out_cancel;

	list_for_each_entry(tp, &t->portals, node) {
		sub = nla_nest_start(skb, KTGT_A_TARGET_PORTAL);
		if (!sub ||
		    put_addr(skb, KTGT_A_PORTAL_ADDR, KTGT_A_PORTAL_PORT, &tp->portal->addr))
			goto out_cancel;
		nla_nest_end(skb, sub);
	}
	if (fill_luns(skb, t))
		goto out_cancel;
	list_for_each_entry(acl, &t->acls, node)
		if (fill_acl(skb, acl))
			goto out_cancel;
	if (fill_accounts(skb, &t->accounts))
		goto out_cancel;

	ret = 0;
	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node) {
		ret = fill_session(skb, sess);
		if (ret)
			break;
	}
	spin_unlock(&t->sess_lock);
	if (ret)
		goto out_cancel;

	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

out_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* with the secrets: replies go to the admin only, notifications never have them */
static int fill_accounts(struct sk_buff *skb, struct list_head *accounts)
{
	struct ktgt_account *acct;
	struct nlattr *sub;

	list_for_each_entry(acct, accounts, node) {
		sub = nla_nest_start(skb, KTGT_A_TARGET_ACCOUNT);
		if (!sub || nla_put_string(skb, KTGT_A_ACCOUNT_USER, acct->user) ||
		    nla_put(skb, KTGT_A_ACCOUNT_SECRET, acct->secret_len, acct->secret) ||
		    (acct->outgoing && nla_put_flag(skb, KTGT_A_ACCOUNT_OUTGOING)))
			return -EMSGSIZE;
		nla_nest_end(skb, sub);
	}
	return 0;
}

/* a session as its own message: do and dump of SESSION_GET, and notifications */
static int fill_target_session(struct sk_buff *skb, struct ktgt_target *t,
			       struct ktgt_session *sess, u32 portid, u32 seq, int flags, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ktgt_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, KTGT_A_TARGET);
	if (!nest || nla_put_string(skb, KTGT_A_TARGET_NAME, t->name) ||
	    nla_put_u32(skb, KTGT_A_TARGET_TID, t->tid) || fill_session(skb, sess)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Notifications on the "events" group. A configuration change is sent as
 * the command that made it, a login, logout or reinstatement as a *_NTF
 * command; either way with one target nest in the GET layout holding the
 * target's name and TID and the object concerned (CHAP secrets left out).
 * ktgt_nl_live, read under RCU, keeps them away from a family being
 * unregistered.
 */
static bool ktgt_nl_live;

struct ktgt_ntf {
	struct sk_buff *skb;
	void *hdr;
	struct nlattr *nest;
};

static bool ntf_wanted(void)
{
	return READ_ONCE(ktgt_nl_live) && genl_has_listeners(&ktgt_family, &init_net, 0);
}

static void ntf_multicast(struct sk_buff *skb)
{
	rcu_read_lock();
	if (READ_ONCE(ktgt_nl_live))
		genlmsg_multicast(&ktgt_family, skb, 0, 0, GFP_ATOMIC);
	else
		nlmsg_free(skb);
	rcu_read_unlock();
}

/* @t: the target concerned, or NULL for discovery */
static bool ntf_start(struct ktgt_ntf *n, u8 cmd, struct ktgt_target *t)
{
	if (!ntf_wanted())
		return false;
	n->skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!n->skb)
		goto out_lost;
	n->hdr = genlmsg_put(n->skb, 0, 0, &ktgt_family, 0, cmd);
	n->nest = n->hdr ? nla_nest_start(n->skb, KTGT_A_TARGET) : NULL;
	if (!n->nest || (t && (nla_put_string(n->skb, KTGT_A_TARGET_NAME, t->name) ||
			       nla_put_u32(n->skb, KTGT_A_TARGET_TID, t->tid))) ||
	    (!t && nla_put_flag(n->skb, KTGT_A_TARGET_DISCOVERY))) {
		nlmsg_free(n->skb);
		goto out_lost;
	}
	return true;

out_lost:
	pr_warn_ratelimited("event %u of target %s not sent\n", cmd, t ? t->name : "discovery");
	return false;
}

/* @err: filling the object failed, or the change did not happen */
static void ntf_end(struct ktgt_ntf *n, int err)
{
	if (err) {
		nlmsg_free(n->skb);
		return;
	}
	nla_nest_end(n->skb, n->nest);
	genlmsg_end(n->skb, n->hdr);
	ntf_multicast(n->skb);
}

/**
 * ktgt_nl_notify_session() - tell listeners about a login, logout or reinstatement
 * @cmd: KTGT_CMD_LOGIN_NTF, KTGT_CMD_LOGOUT_NTF or KTGT_CMD_REINSTATE_NTF
 * @sess: a session of a target (not discovery), with its connection
 * @gfp: GFP_ATOMIC under a spinlock
 */
void ktgt_nl_notify_session(u8 cmd, struct ktgt_session *sess, gfp_t gfp)
{
	struct sk_buff *skb;

	if (!ntf_wanted())
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (skb && !fill_target_session(skb, sess->target, sess, 0, 0, 0, cmd)) {
		ntf_multicast(skb);
		return;
	}
	nlmsg_free(skb);
	pr_warn_ratelimited("event %u of session %u not sent\n", cmd, sess->tsih);
}

/**
 * ktgt_nl_notify_lun() - tell listeners a LUN was added, changed or removed
 * @cmd: KTGT_CMD_LUN_ADD, KTGT_CMD_LUN_SET or KTGT_CMD_LUN_DEL
 * @lun: the LUN (still referenced when removed)
 *
 * Context: ktgt_cfg_mutex held.
 */
void ktgt_nl_notify_lun(u8 cmd, struct ktgt_lun *lun)
{
	struct ktgt_ntf n;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (ntf_start(&n, cmd, lun->target))
		ntf_end(&n, fill_lun(n.skb, lun));
}

/**
 * ktgt_nl_notify_lun_error() - tell listeners a command failed in the backend
 * @lun: the LUN
 * @lba: the first block that failed, or U64_MAX when not known
 * @err: the backend's error, a negative errno
 *
 * At most 10 events per LUN every 5 seconds: a dying disk must not flood
 * the listeners.
 *
 * Context: process (a connection's io_work).
 */
void ktgt_nl_notify_lun_error(struct ktgt_lun *lun, u64 lba, int err)
{
	struct nlattr *nest;
	struct ktgt_ntf n;

	if (!ntf_wanted() || !__ratelimit(&lun->err_rs) ||
	    !ntf_start(&n, KTGT_CMD_LUN_ERROR_NTF, lun->target))
		return;
	nest = nla_nest_start(n.skb, KTGT_A_TARGET_LUN);
	if (!nest || fill_lun_attrs(n.skb, lun) ||
	    (lba != U64_MAX && nla_put_u64_64bit(n.skb, KTGT_A_LUN_ERROR_LBA, lba,
						 KTGT_A_LUN_PAD)) ||
	    nla_put_u32(n.skb, KTGT_A_LUN_ERROR_ERRNO, -err)) {
		ntf_end(&n, -EMSGSIZE);
		return;
	}
	nla_nest_end(n.skb, nest);
	ntf_end(&n, 0);
}

static int ktgt_nl_target_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	const char *name;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	name = nla_data(tb[KTGT_A_TARGET_NAME]);
	if (!iscsi_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_NAME],
				    "not an iSCSI name (iqn./eui./naa., lower case, digits, '-', '.', ':')");
		return -EINVAL;
	}
	ret = ktgt_target_add(name, info->extack);
	if (!ret) {
		struct ktgt_target *t = ktgt_target_find(name);
		struct ktgt_ntf n;

		if (ntf_start(&n, KTGT_CMD_TARGET_ADD, t))
			ntf_end(&n, 0);
	}
	return ret;
}

static int ktgt_nl_target_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	bool ntf, force;
	struct ktgt_ntf n;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	force = nla_get_flag(tb[KTGT_A_TARGET_FORCE]);
	/* the notification names the target, which is gone afterwards */
	ntf = ntf_start(&n, KTGT_CMD_TARGET_DEL, t);
	ret = ktgt_target_del(t, force, info->extack);
	if (ntf)
		ntf_end(&n, ret);
	return ret;
}

static int ktgt_nl_target_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = fill_target(msg, info->user_ptr[0], info->snd_portid, info->snd_seq, 0,
			  KTGT_CMD_TARGET_GET);
	if (ret) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG_MOD(info->extack, "target too large for one message");
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: the last TID sent; TIDs only grow, so the cursor is stable */
static int ktgt_nl_target_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ktgt_target *t;
	int ret = 0;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(t, &ktgt_targets, node) {
		if (t->tid <= cb->args[0])
			continue;
		ret = fill_target(skb, t, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  NLM_F_MULTI, KTGT_CMD_TARGET_GET);
		if (ret)
			break;
		cb->args[0] = t->tid;
	}
	mutex_unlock(&ktgt_cfg_mutex);
	/* a target that does not fit an empty message can never be sent */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static int parse_portal(struct genl_info *info, struct nlattr **tb,
			struct sockaddr_storage *ss)
{
	struct nlattr *pt[KTGT_A_PORTAL_MAX + 1];
	struct nlattr *addr;
	u16 port = KTGT_DEFAULT_PORT;
	int ret;

	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb, KTGT_A_TARGET_PORTAL)) {
		NL_SET_ERR_MSG_MOD(info->extack, "portal missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(pt, KTGT_A_PORTAL_MAX, tb[KTGT_A_TARGET_PORTAL],
			       ktgt_portal_policy, info->extack);
	if (ret)
		return ret;
	addr = pt[KTGT_A_PORTAL_ADDR];
	if (!addr) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_PORTAL],
				    "portal address missing");
		return -EINVAL;
	}
	if (pt[KTGT_A_PORTAL_PORT])
		port = nla_get_u16(pt[KTGT_A_PORTAL_PORT]);

	memset(ss, 0, sizeof(*ss));
	if (nla_len(addr) == sizeof(struct in_addr)) {
		struct sockaddr_in *sin = (void *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = nla_get_in_addr(addr);
		sin->sin_port = htons(port);
	} else if (nla_len(addr) == sizeof(struct in6_addr)) {
		struct sockaddr_in6 *sin6 = (void *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = nla_get_in6_addr(addr);
		sin6->sin6_port = htons(port);
	} else {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	return 0;
}

static int ktgt_nl_portal(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	struct sockaddr_storage ss;
	struct ktgt_ntf n;
	struct nlattr *sub;
	int ret;

	ret = parse_target(info, tb) ?: parse_portal(info, tb, &ss);
	if (ret)
		return ret;
	if (info->genlhdr->cmd == KTGT_CMD_PORTAL_ADD) {
		ret = ktgt_target_portal_add(t, &ss, info->extack);
	} else {
		ret = ktgt_target_portal_del(t, &ss);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack, "portal not bound to this target");
	}
	if (ret)
		return ret;
	if (ntf_start(&n, info->genlhdr->cmd, t)) {
		sub = nla_nest_start(n.skb, KTGT_A_TARGET_PORTAL);
		ret = !sub || put_addr(n.skb, KTGT_A_PORTAL_ADDR, KTGT_A_PORTAL_PORT, &ss);
		if (!ret)
			nla_nest_end(n.skb, sub);
		ntf_end(&n, ret);
	}
	return 0;
}

/* an identity string: 1 or more printable ASCII characters (SPC-4 4.4.1) */
static int parse_ident(struct genl_info *info, struct nlattr *attr, char *dst, size_t size)
{
	const char *s;

	if (!attr)
		return 0;
	s = nla_data(attr);
	if (!*s) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "identity string is empty");
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "identity string must be printable ASCII");
			return -EINVAL;
		}
	}
	strscpy(dst, nla_data(attr), size);
	return 0;
}

static int parse_lun_ident(struct genl_info *info, struct nlattr **lt, struct ktgt_lun_ident *id)
{
	return parse_ident(info, lt[KTGT_A_LUN_VENDOR_ID], id->vendor, sizeof(id->vendor)) ?:
	       parse_ident(info, lt[KTGT_A_LUN_PRODUCT_ID], id->product, sizeof(id->product)) ?:
	       parse_ident(info, lt[KTGT_A_LUN_PRODUCT_REV], id->revision,
			   sizeof(id->revision)) ?:
	       parse_ident(info, lt[KTGT_A_LUN_SCSI_SN], id->serial, sizeof(id->serial)) ?:
	       parse_ident(info, lt[KTGT_A_LUN_SCSI_ID], id->scsi_id, sizeof(id->scsi_id));
}

static int lun_set(struct ktgt_target *t, u64 id, struct nlattr **lt, struct genl_info *info)
{
	/* fixed when the LUN is added */
	static const int fixed[] = {
		KTGT_A_LUN_PATH, KTGT_A_LUN_NULL_SIZE, KTGT_A_LUN_DIRECT,
	};
	int readonly = -1, write_cache = -1;
	bool resize = nla_get_flag(lt[KTGT_A_LUN_RESIZE]);
	struct ktgt_lun *lun = xa_load(&t->luns, id);
	struct ktgt_lun_ident ident = {};
	bool has_ident;
	int ret;
	u32 i;

	if (!lun) {
		NL_SET_ERR_MSG_ATTR(info->extack, lt[KTGT_A_LUN_ID], "no such LUN");
		return -ENOENT;
	}
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (lt[fixed[i]]) {
			NL_SET_ERR_MSG_ATTR(info->extack, lt[fixed[i]],
					    "set when the LUN is added; delete the LUN and add it");
			return -EINVAL;
		}
	}
	if (lt[KTGT_A_LUN_READONLY])
		readonly = nla_get_u8(lt[KTGT_A_LUN_READONLY]);
	if (lt[KTGT_A_LUN_WRITE_CACHE])
		write_cache = nla_get_u8(lt[KTGT_A_LUN_WRITE_CACHE]);
	has_ident = lt[KTGT_A_LUN_VENDOR_ID] || lt[KTGT_A_LUN_PRODUCT_ID] ||
		    lt[KTGT_A_LUN_PRODUCT_REV] || lt[KTGT_A_LUN_SCSI_SN] || lt[KTGT_A_LUN_SCSI_ID];
	if (readonly < 0 && write_cache < 0 && !resize && !has_ident) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "nothing to change: give readonly, write-cache, resize or identity");
		return -EINVAL;
	}
	ret = parse_lun_ident(info, lt, &ident);
	if (ret)
		return ret;
	return ktgt_lun_set(lun, readonly, write_cache, resize, has_ident ? &ident : NULL,
			    info->extack);
}

static int ktgt_nl_lun(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1], *lt[KTGT_A_LUN_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	struct ktgt_lun_conf conf = { .write_cache = true };
	u64 id;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb, KTGT_A_TARGET_LUN)) {
		NL_SET_ERR_MSG_MOD(info->extack, "LUN missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(lt, KTGT_A_LUN_MAX, tb[KTGT_A_TARGET_LUN], ktgt_lun_policy,
			       info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, tb[KTGT_A_TARGET_LUN], lt, KTGT_A_LUN_ID)) {
		NL_SET_ERR_MSG_MOD(info->extack, "LUN number missing");
		return -EINVAL;
	}
	id = nla_get_u64(lt[KTGT_A_LUN_ID]);

	if (info->genlhdr->cmd == KTGT_CMD_LUN_DEL) {
		ret = ktgt_lun_del(t, id, nla_get_flag(tb[KTGT_A_TARGET_FORCE]), info->extack);
		if (ret == -ENOENT)
			NL_SET_BAD_ATTR(info->extack, lt[KTGT_A_LUN_ID]);
		return ret;
	}
	if (info->genlhdr->cmd == KTGT_CMD_LUN_SET)
		return lun_set(t, id, lt, info);

	/* a backing store, or a size for the null backend: exactly one */
	if (lt[KTGT_A_LUN_PATH] && lt[KTGT_A_LUN_NULL_SIZE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, lt[KTGT_A_LUN_NULL_SIZE],
				    "a LUN has a backing store path or a null size, not both");
		return -EINVAL;
	}
	if (lt[KTGT_A_LUN_NULL_SIZE]) {
		conf.null_size = nla_get_u64(lt[KTGT_A_LUN_NULL_SIZE]);
		if (conf.null_size > S64_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, lt[KTGT_A_LUN_NULL_SIZE],
					    "null size too large");
			return -EINVAL;
		}
	} else {
		if (NL_REQ_ATTR_CHECK(info->extack, tb[KTGT_A_TARGET_LUN], lt, KTGT_A_LUN_PATH)) {
			NL_SET_ERR_MSG_MOD(info->extack, "backing store path missing");
			return -EINVAL;
		}
		conf.path = nla_data(lt[KTGT_A_LUN_PATH]);
	}
	if (lt[KTGT_A_LUN_READONLY])
		conf.readonly = nla_get_u8(lt[KTGT_A_LUN_READONLY]);
	if (lt[KTGT_A_LUN_WRITE_CACHE])
		conf.write_cache = nla_get_u8(lt[KTGT_A_LUN_WRITE_CACHE]);
	if (lt[KTGT_A_LUN_DIRECT])
		conf.direct = nla_get_u8(lt[KTGT_A_LUN_DIRECT]);
	if (conf.direct && !conf.path) {
		NL_SET_ERR_MSG_ATTR(info->extack, lt[KTGT_A_LUN_DIRECT],
				    "direct is for files, not the null backend");
		return -EINVAL;
	}
	ret = parse_lun_ident(info, lt, &conf.ident);
	if (ret)
		return ret;
	return ktgt_lun_add(t, id, &conf, info->extack);
}

static void ntf_account(u8 cmd, struct ktgt_target *t, const char *user, bool outgoing)
{
	struct ktgt_ntf n;
	struct nlattr *sub;
	int err;

	if (!ntf_start(&n, cmd, t))
		return;
	sub = nla_nest_start(n.skb, KTGT_A_TARGET_ACCOUNT);
	err = !sub || nla_put_string(n.skb, KTGT_A_ACCOUNT_USER, user) ||
	      (outgoing && nla_put_flag(n.skb, KTGT_A_ACCOUNT_OUTGOING));
	if (!err)
		nla_nest_end(n.skb, sub);
	ntf_end(&n, err);
}

/* an ACL nest: an initiator name (or ALL), or an address with its prefix */
static int parse_acl(struct genl_info *info, struct nlattr **tb, struct ktgt_acl *acl)
{
	struct nlattr *at[KTGT_A_ACL_MAX + 1], *addr;
	u32 len, bits, i;
	int ret;

	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb, KTGT_A_TARGET_ACL)) {
		NL_SET_ERR_MSG_MOD(info->extack, "ACL missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(at, KTGT_A_ACL_MAX, tb[KTGT_A_TARGET_ACL], ktgt_acl_policy,
			       info->extack);
	if (ret)
		return ret;
	memset(acl, 0, sizeof(*acl));
	addr = at[KTGT_A_ACL_ADDRESS];
	if (!!at[KTGT_A_ACL_INITIATOR] == !!addr) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACL],
				    "an ACL entry is an initiator name or an address, one of them");
		return -EINVAL;
	}
	if (at[KTGT_A_ACL_INITIATOR]) {
		if (at[KTGT_A_ACL_PREFIX_LEN]) {
			NL_SET_ERR_MSG_ATTR(info->extack, at[KTGT_A_ACL_PREFIX_LEN],
					    "a prefix length goes with an address only");
			return -EINVAL;
		}
		strscpy(acl->name, nla_data(at[KTGT_A_ACL_INITIATOR]), sizeof(acl->name));
		return 0;
	}

	len = nla_len(addr);
	if (len != 4 && len != 16) {
		NL_SET_ERR_MSG_ATTR(info->extack, addr,
				    "address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	acl->family = len == 4 ? AF_INET : AF_INET6;
	bits = len * 8;
	acl->prefix_len = at[KTGT_A_ACL_PREFIX_LEN] ?
			  nla_get_u8(at[KTGT_A_ACL_PREFIX_LEN]) : bits;
	if (acl->prefix_len > bits) {
		NL_SET_ERR_MSG_ATTR(info->extack, at[KTGT_A_ACL_PREFIX_LEN],
				    "prefix longer than the address");
		return -EINVAL;
	}
	memcpy(acl->addr, nla_data(addr), len);
	/* a range is kept as its first address */
	for (i = 0; i < len; i++) {
		if (acl->prefix_len >= (i + 1) * 8)
			continue;
		acl->addr[i] &= acl->prefix_len > i * 8 ?
				(u8)(0xff << (8 - (acl->prefix_len - i * 8))) : 0;
	}
	return 0;
}

static int ktgt_nl_acl(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	struct ktgt_acl acl;
	struct ktgt_ntf n;
	int ret;

	ret = parse_target(info, tb) ?: parse_acl(info, tb, &acl);
	if (ret)
		return ret;

	if (info->genlhdr->cmd == KTGT_CMD_ACL_DEL) {
		ret = ktgt_acl_del(t, &acl);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACL],
					    "no such ACL entry");
	} else if (!acl.family && strcmp(acl.name, "ALL") && !iscsi_name_valid(acl.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACL],
				    "not ALL nor an iSCSI name");
		ret = -EINVAL;
	} else {
		ret = ktgt_acl_add(t, &acl);
		if (ret == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACL],
					    "ACL entry exists");
	}
	if (!ret && ntf_start(&n, info->genlhdr->cmd, t))
		ntf_end(&n, fill_acl(n.skb, &acl));
	return ret;
}

static int ktgt_nl_account(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1], *at[KTGT_A_ACCOUNT_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	struct list_head *accounts = t ? &t->accounts : &ktgt_discovery_accounts;
	bool replace = info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
	const char *user = "";
	bool outgoing;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb,
			      KTGT_A_TARGET_ACCOUNT)) {
		NL_SET_ERR_MSG_MOD(info->extack, "account missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(at, KTGT_A_ACCOUNT_MAX, tb[KTGT_A_TARGET_ACCOUNT],
			       ktgt_account_policy, info->extack);
	if (ret)
		return ret;
	outgoing = nla_get_flag(at[KTGT_A_ACCOUNT_OUTGOING]);
	if (at[KTGT_A_ACCOUNT_USER])
		user = nla_data(at[KTGT_A_ACCOUNT_USER]);

	if (info->genlhdr->cmd == KTGT_CMD_ACCOUNT_DEL) {
		if (!outgoing && !*user) {
			NL_SET_ERR_MSG_MOD(info->extack, "user name missing");
			return -EINVAL;
		}
		ret = ktgt_account_del(accounts, user, outgoing);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack, "no such account");
		else
			ntf_account(KTGT_CMD_ACCOUNT_DEL, t, user, outgoing);
		return ret;
	}
	if (!*user || !at[KTGT_A_ACCOUNT_SECRET]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACCOUNT],
				    "user name and secret needed");
		return -EINVAL;
	}
	ret = ktgt_account_add(accounts, user, nla_data(at[KTGT_A_ACCOUNT_SECRET]),
			       nla_len(at[KTGT_A_ACCOUNT_SECRET]), outgoing, replace, info->extack);
	if (!ret)
		ntf_account(KTGT_CMD_ACCOUNT_ADD, t, user, outgoing);
	return ret;
}

static void set_u32(struct nlattr **pt, int attr, u32 *field)
{
	if (pt[attr])
		*field = nla_get_u32(pt[attr]);
}

static void set_u8(struct nlattr **pt, int attr, u32 *field)
{
	if (pt[attr])
		*field = nla_get_u8(pt[attr]);
}

static int ktgt_nl_target_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1], *pt[KTGT_A_PARAMS_MAX + 1] = {};
	struct ktgt_target *t = info->user_ptr[0];
	struct ktgt_params p = t->params;
	struct ktgt_ntf n;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	if (!tb[KTGT_A_TARGET_PARAMS] && !tb[KTGT_A_TARGET_CPUS]) {
		NL_SET_ERR_MSG_MOD(info->extack, "parameters or CPU list missing");
		return -EINVAL;
	}
	if (tb[KTGT_A_TARGET_PARAMS]) {
		ret = nla_parse_nested(pt, KTGT_A_PARAMS_MAX, tb[KTGT_A_TARGET_PARAMS],
				       ktgt_params_policy, info->extack);
		if (ret)
			return ret;
	}
	set_u32(pt, KTGT_A_PARAMS_HEADER_DIGEST, &p.header_digest);
	set_u32(pt, KTGT_A_PARAMS_DATA_DIGEST, &p.data_digest);
	set_u32(pt, KTGT_A_PARAMS_MAX_RECV_DSL, &p.max_recv_dsl);
	set_u32(pt, KTGT_A_PARAMS_MAX_BURST, &p.max_burst);
	set_u32(pt, KTGT_A_PARAMS_FIRST_BURST, &p.first_burst);
	set_u8(pt, KTGT_A_PARAMS_INITIAL_R2T, &p.initial_r2t);
	set_u8(pt, KTGT_A_PARAMS_IMMEDIATE_DATA, &p.immediate_data);
	set_u32(pt, KTGT_A_PARAMS_MAX_OUTSTANDING_R2T, &p.max_outstanding_r2t);
	set_u32(pt, KTGT_A_PARAMS_TIME2WAIT, &p.time2wait);
	set_u32(pt, KTGT_A_PARAMS_TIME2RETAIN, &p.time2retain);
	if (p.first_burst > p.max_burst) {
		NL_SET_ERR_MSG_ATTR(info->extack, pt[KTGT_A_PARAMS_FIRST_BURST] ?:
				    tb[KTGT_A_TARGET_PARAMS],
				    "FirstBurstLength exceeds MaxBurstLength");
		return -EINVAL;
	}
	if (tb[KTGT_A_TARGET_CPUS]) {
		ret = ktgt_target_set_cpus(t, nla_data(tb[KTGT_A_TARGET_CPUS]), info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, tb[KTGT_A_TARGET_CPUS]);
			return ret;
		}
	}
	t->params = p;
	if (ntf_start(&n, KTGT_CMD_TARGET_SET, t))
		ntf_end(&n, fill_params(n.skb, KTGT_A_TARGET_PARAMS, &p, false));
	return 0;
}

static int parse_tsih(struct genl_info *info, struct nlattr **tb, u16 *tsih)
{
	struct nlattr *st[KTGT_A_SESSION_MAX + 1];
	int ret;

	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb,
			      KTGT_A_TARGET_SESSION)) {
		NL_SET_ERR_MSG_MOD(info->extack, "session missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(st, KTGT_A_SESSION_MAX, tb[KTGT_A_TARGET_SESSION],
			       ktgt_session_policy, info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, tb[KTGT_A_TARGET_SESSION], st,
			      KTGT_A_SESSION_TSIH)) {
		NL_SET_ERR_MSG_MOD(info->extack, "TSIH missing");
		return -EINVAL;
	}
	*tsih = nla_get_u16(st[KTGT_A_SESSION_TSIH]);
	return 0;
}

static struct ktgt_session *session_find(struct ktgt_target *t, u16 tsih)
{
	struct ktgt_session *sess;

	lockdep_assert_held(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		if (sess->tsih == tsih)
			return sess;
	return NULL;
}

static int ktgt_nl_session_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	struct ktgt_session *sess;
	struct sk_buff *msg;
	u16 tsih;
	int ret;

	ret = parse_target(info, tb) ?: parse_tsih(info, tb, &tsih);
	if (ret)
		return ret;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	spin_lock(&t->sess_lock);
	sess = session_find(t, tsih);
	ret = sess ? fill_target_session(msg, t, sess, info->snd_portid, info->snd_seq, 0,
					 KTGT_CMD_SESSION_GET) : -ENOENT;
	spin_unlock(&t->sess_lock);
	if (ret) {
		nlmsg_free(msg);
		if (ret == -ENOENT)
			NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_SESSION],
					    "no such session");
		else
			NL_SET_ERR_MSG_MOD(info->extack, "session too large for one message");
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/* the session of @t with the smallest TSIH above @after, or NULL */
static struct ktgt_session *session_next(struct ktgt_target *t, u16 after)
{
	struct ktgt_session *sess, *next = NULL;

	lockdep_assert_held(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		if (sess->tsih > after && (!next || sess->tsih < next->tsih))
			next = sess;
	return next;
}

/*
 * cb->args[0]: the TID of the target being dumped, args[1]: the last TSIH
 * sent from it. TIDs only grow and each target's sessions go out in TSIH
 * order, so sessions that come or go between calls do not shift the rest.
 */
static int ktgt_nl_session_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ktgt_session *sess;
	struct ktgt_target *t;
	int ret = 0;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(t, &ktgt_targets, node) {
		if (t->tid < cb->args[0])
			continue;
		if (t->tid > cb->args[0]) {
			cb->args[0] = t->tid;
			cb->args[1] = 0;
		}
		do {
			spin_lock(&t->sess_lock);
			sess = session_next(t, cb->args[1]);
			if (sess) {
				ret = fill_target_session(skb, t, sess, NETLINK_CB(cb->skb).portid,
							  cb->nlh->nlmsg_seq, NLM_F_MULTI,
							  KTGT_CMD_SESSION_GET);
				if (!ret)
					cb->args[1] = sess->tsih;
			}
			spin_unlock(&t->sess_lock);
		} while (sess && !ret);
		if (ret)
			break;
	}
	mutex_unlock(&ktgt_cfg_mutex);
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

/* the discovery accounts, as a target nest with the discovery flag */
static int ktgt_nl_discovery_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq, &ktgt_family, 0,
			  KTGT_CMD_DISCOVERY_GET);
	nest = hdr ? nla_nest_start(msg, KTGT_A_TARGET) : NULL;
	if (!nest || nla_put_flag(msg, KTGT_A_TARGET_DISCOVERY) ||
	    fill_accounts(msg, &ktgt_discovery_accounts)) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG_MOD(info->extack, "accounts too large for one message");
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* the mutex is dropped while the initiator logs out: its connection may need it */
static int ktgt_nl_session_logout(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	u16 tsih;
	int ret;

	ret = parse_target(info, tb) ?: parse_tsih(info, tb, &tsih);
	if (ret)
		return ret;
	kref_get(&t->ref);
	mutex_unlock(&ktgt_cfg_mutex);
	ret = ktgt_session_logout(t, tsih);
	mutex_lock(&ktgt_cfg_mutex);
	ktgt_target_put(t);
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_SESSION], "no such session");
	return ret;
}

static const struct genl_ops ktgt_ops[] = {
	{
		.cmd = KTGT_CMD_TARGET_ADD,
		.doit = ktgt_nl_target_add,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KTGT_CMD_TARGET_DEL,
		.doit = ktgt_nl_target_del,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_TARGET_GET,
		.doit = ktgt_nl_target_get,
		.dumpit = ktgt_nl_target_dump,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_PORTAL_ADD,
		.doit = ktgt_nl_portal,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_PORTAL_DEL,
		.doit = ktgt_nl_portal,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_LUN_ADD,
		.doit = ktgt_nl_lun,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_LUN_DEL,
		.doit = ktgt_nl_lun,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_ACL_ADD,
		.doit = ktgt_nl_acl,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_ACL_DEL,
		.doit = ktgt_nl_acl,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_ACCOUNT_ADD,
		.doit = ktgt_nl_account,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET | KTGT_NL_DISCOVERY_OK,
	},
	{
		.cmd = KTGT_CMD_ACCOUNT_DEL,
		.doit = ktgt_nl_account,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET | KTGT_NL_DISCOVERY_OK,
	},
	{
		.cmd = KTGT_CMD_TARGET_SET,
		.doit = ktgt_nl_target_set,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_SESSION_GET,
		.doit = ktgt_nl_session_get,
		.dumpit = ktgt_nl_session_dump,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_SESSION_LOGOUT,
		.doit = ktgt_nl_session_logout,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_LUN_SET,
		.doit = ktgt_nl_lun,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_DISCOVERY_GET,
		.doit = ktgt_nl_discovery_get,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_DISCOVERY_OK,
	},
};

static const struct genl_multicast_group ktgt_mcgrps[] = {
	{ .name = KTGT_MCGRP_EVENTS },
};

static struct genl_family ktgt_family __ro_after_init = {
	.name = KTGT_FAMILY_NAME,
	.version = KTGT_FAMILY_VERSION,
	.maxattr = KTGT_A_MAX,
	.policy = ktgt_policy,
	.netnsok = false,
	.parallel_ops = false,
	.pre_doit = ktgt_pre_doit,
	.post_doit = ktgt_post_doit,
	.module = THIS_MODULE,
	.ops = ktgt_ops,
	.n_ops = ARRAY_SIZE(ktgt_ops),
	.resv_start_op = KTGT_CMD_TARGET_SET + 1,
	.mcgrps = ktgt_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ktgt_mcgrps),
};

/**
 * ktgt_netlink_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int ktgt_netlink_init(void)
{
	int ret = genl_register_family(&ktgt_family);

	if (!ret)
		WRITE_ONCE(ktgt_nl_live, true);
	return ret;
}

/**
 * ktgt_netlink_exit() - unregister the family; no request runs after this
 */
void ktgt_netlink_exit(void)
{
	/* sessions still closing send no event to a family that is gone */
	WRITE_ONCE(ktgt_nl_live, false);
	synchronize_rcu();
	genl_unregister_family(&ktgt_family);
}
