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
};

static const struct nla_policy ktgt_acl_policy[KTGT_A_ACL_MAX + 1] = {
	[KTGT_A_ACL_INITIATOR] = { .type = NLA_NUL_STRING, .len = KTGT_NAME_MAX },
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
	[KTGT_A_TARGET_SESSION] = { .type = NLA_REJECT },
	[KTGT_A_TARGET_ACCOUNT] = NLA_POLICY_NESTED(ktgt_account_policy),
	[KTGT_A_TARGET_PARAMS] = NLA_POLICY_NESTED(ktgt_params_policy),
	[KTGT_A_TARGET_CPUS] = { .type = NLA_NUL_STRING, .len = KTGT_CPULIST_MAX },
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

	if (GENL_REQ_ATTR_CHECK(info, KTGT_A_TARGET))
		return -EINVAL;
	ret = parse_target(info, tb);
	if (ret)
		return ret;
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

static int fill_luns(struct sk_buff *skb, struct ktgt_target *t)
{
	struct ktgt_lun *lun;
	struct nlattr *nest;
	unsigned long id;

	xa_for_each(&t->luns, id, lun) {
		nest = nla_nest_start(skb, KTGT_A_TARGET_LUN);
		if (!nest ||
		    nla_put_u64_64bit(skb, KTGT_A_LUN_ID, id, KTGT_A_LUN_PAD) ||
		    (lun->path && nla_put_string(skb, KTGT_A_LUN_PATH, lun->path)) ||
		    (!lun->path && nla_put_u64_64bit(skb, KTGT_A_LUN_NULL_SIZE, lun->null_size,
						     KTGT_A_LUN_PAD)) ||
		    fill_lun_ident(skb, &lun->ident) ||
		    nla_put_u8(skb, KTGT_A_LUN_READONLY, lun->readonly) ||
		    nla_put_u8(skb, KTGT_A_LUN_WRITE_CACHE, lun->write_cache) ||
		    nla_put_u64_64bit(skb, KTGT_A_LUN_SIZE, lun->nr_blocks << lun->block_shift,
				      KTGT_A_LUN_PAD) ||
		    nla_put_u32(skb, KTGT_A_LUN_BLOCK_SIZE, 1u << lun->block_shift) ||
		    nla_put_u32(skb, KTGT_A_LUN_BACKEND, lun->ops->type))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int fill_session(struct sk_buff *skb, struct ktgt_session *sess)
{
	struct ktgt_conn *conn = sess->conn;
	struct nlattr *nest, *cnest;

	nest = nla_nest_start(skb, KTGT_A_TARGET_SESSION);
	if (!nest ||
	    nla_put_u16(skb, KTGT_A_SESSION_TSIH, sess->tsih) ||
	    nla_put_u64_64bit(skb, KTGT_A_SESSION_ISID, sess->isid, KTGT_A_SESSION_PAD) ||
	    nla_put_string(skb, KTGT_A_SESSION_INITIATOR, sess->initiator) ||
	    fill_params(skb, KTGT_A_SESSION_PARAMS, &sess->params, true))
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

static int fill_target(struct sk_buff *skb, struct ktgt_target *t, u32 portid, u32 seq,
		       int flags)
{
	struct ktgt_target_portal *tp;
	struct ktgt_account *acct;
	struct ktgt_session *sess;
	struct ktgt_acl *acl;
	struct nlattr *nest, *sub;
	void *hdr;
	int ret;

	lockdep_assert_held(&ktgt_cfg_mutex);
	hdr = genlmsg_put(skb, portid, seq, &ktgt_family, flags, KTGT_CMD_TARGET_GET);
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
	list_for_each_entry(acl, &t->acls, node) {
		sub = nla_nest_start(skb, KTGT_A_TARGET_ACL);
		if (!sub || nla_put_string(skb, KTGT_A_ACL_INITIATOR, acl->name))
			goto out_cancel;
		nla_nest_end(skb, sub);
	}

	list_for_each_entry(acct, &t->accounts, node) {
		sub = nla_nest_start(skb, KTGT_A_TARGET_ACCOUNT);
		if (!sub || nla_put_string(skb, KTGT_A_ACCOUNT_USER, acct->user) ||
		    nla_put(skb, KTGT_A_ACCOUNT_SECRET, acct->secret_len, acct->secret) ||
		    (acct->outgoing && nla_put_flag(skb, KTGT_A_ACCOUNT_OUTGOING)))
			goto out_cancel;
		nla_nest_end(skb, sub);
	}

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
	return ktgt_target_add(name, info->extack);
}

static int ktgt_nl_target_del(struct sk_buff *skb, struct genl_info *info)
{
	return ktgt_target_del(info->user_ptr[0]);
}

static int ktgt_nl_target_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = fill_target(msg, info->user_ptr[0], info->snd_portid, info->snd_seq, 0);
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
				  NLM_F_MULTI);
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
	int ret;

	ret = parse_target(info, tb) ?: parse_portal(info, tb, &ss);
	if (ret)
		return ret;
	if (info->genlhdr->cmd == KTGT_CMD_PORTAL_ADD)
		return ktgt_target_portal_add(t, &ss, info->extack);
	ret = ktgt_target_portal_del(t, &ss);
	if (ret)
		NL_SET_ERR_MSG_MOD(info->extack, "portal not bound to this target");
	return ret;
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
		ret = ktgt_lun_del(t, id);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, lt[KTGT_A_LUN_ID], "no such LUN");
		return ret;
	}

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
	ret = parse_lun_ident(info, lt, &conf.ident);
	if (ret)
		return ret;
	return ktgt_lun_add(t, id, &conf, info->extack);
}

static int ktgt_nl_acl(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1], *at[KTGT_A_ACL_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
	const char *name;
	int ret;

	ret = parse_target(info, tb);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[KTGT_A_TARGET], tb, KTGT_A_TARGET_ACL)) {
		NL_SET_ERR_MSG_MOD(info->extack, "ACL missing");
		return -EINVAL;
	}
	ret = nla_parse_nested(at, KTGT_A_ACL_MAX, tb[KTGT_A_TARGET_ACL], ktgt_acl_policy,
			       info->extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(info->extack, tb[KTGT_A_TARGET_ACL], at, KTGT_A_ACL_INITIATOR)) {
		NL_SET_ERR_MSG_MOD(info->extack, "initiator name missing");
		return -EINVAL;
	}
	name = nla_data(at[KTGT_A_ACL_INITIATOR]);

	if (info->genlhdr->cmd == KTGT_CMD_ACL_DEL) {
		ret = ktgt_acl_del(t, name);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, at[KTGT_A_ACL_INITIATOR],
					    "no such ACL entry");
		return ret;
	}
	if (strcmp(name, "ALL") && !iscsi_name_valid(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, at[KTGT_A_ACL_INITIATOR],
				    "not ALL nor an iSCSI name");
		return -EINVAL;
	}
	ret = ktgt_acl_add(t, name);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, at[KTGT_A_ACL_INITIATOR], "ACL entry exists");
	return ret;
}

static int ktgt_nl_account(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[KTGT_A_TARGET_MAX + 1], *at[KTGT_A_ACCOUNT_MAX + 1];
	struct ktgt_target *t = info->user_ptr[0];
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
		ret = ktgt_account_del(t, user, outgoing);
		if (ret)
			NL_SET_ERR_MSG_MOD(info->extack, "no such account");
		return ret;
	}
	if (!*user || !at[KTGT_A_ACCOUNT_SECRET]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[KTGT_A_TARGET_ACCOUNT],
				    "user name and secret needed");
		return -EINVAL;
	}
	return ktgt_account_add(t, user, nla_data(at[KTGT_A_ACCOUNT_SECRET]),
				nla_len(at[KTGT_A_ACCOUNT_SECRET]), outgoing, info->extack);
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
	return 0;
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
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_ACCOUNT_DEL,
		.doit = ktgt_nl_account,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
	},
	{
		.cmd = KTGT_CMD_TARGET_SET,
		.doit = ktgt_nl_target_set,
		.flags = GENL_ADMIN_PERM,
		.internal_flags = KTGT_NL_NEED_TARGET,
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
	return genl_register_family(&ktgt_family);
}

/**
 * ktgt_netlink_exit() - unregister the family; no request runs after this
 */
void ktgt_netlink_exit(void)
{
	genl_unregister_family(&ktgt_family);
}
