// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed ktgt netlink requests, sent raw with libmnl: wrong attribute
 * types and lengths, missing attributes, huge strings, unknown attributes,
 * and (with --unprivileged, run without CAP_NET_ADMIN) every operation.
 * Each must fail with the expected errno and, where the request reached
 * the family's policy or handlers, an extack message. Prints TAP (the
 * plan last) for tests/vm/test_netlink.sh, which imports them.
 *
 * usage: nl_malformed TARGET_IQN          (the target must exist)
 *        nl_malformed --unprivileged TARGET_IQN
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/ktgt.h>

static struct mnl_socket *nl;
static unsigned int portid;
static uint16_t family;
static int tap_n, tap_failed;
static const char *iqn;
static char buf[16384];	/* MNL_SOCKET_BUFFER_SIZE is a function call */

struct reply {
	int err;		/* 0 for an ack, else a positive errno */
	bool done;
	char msg[256];		/* NLMSGERR_ATTR_MSG, or "" */
	bool has_offs;		/* NLMSGERR_ATTR_OFFS: the bad attribute */
	bool has_miss;		/* NLMSGERR_ATTR_MISS_TYPE: the missing one */
};

static int ack_attr(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		snprintf(r->msg, sizeof(r->msg), "%.*s", (int)mnl_attr_get_payload_len(a),
			 (const char *)mnl_attr_get_payload(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		r->has_offs = true;
		break;
#ifdef NLMSGERR_ATTR_MISS_TYPE
	case NLMSGERR_ATTR_MISS_TYPE:
		r->has_miss = true;
		break;
#endif
	}
	return MNL_CB_OK;
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct reply *r = data;
	const struct nlmsgerr *e;
	int err;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* a dump's end carries its error, then the TLVs */
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		r->err = -err;
		r->done = true;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			mnl_attr_parse(nlh, sizeof(err), ack_attr, r);
		return MNL_CB_STOP;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return MNL_CB_OK;	/* a reply: the request worked */
	e = mnl_nlmsg_get_payload(nlh);
	r->err = -e->error;
	r->done = true;
	/* NETLINK_CAP_ACK: the request is not echoed, the TLVs follow */
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_parse(nlh, sizeof(*e), ack_attr, r);
	return MNL_CB_STOP;
}

/* errors, acks and the end of dumps go to on_msg() too, not libmnl's defaults */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = on_msg,
	[NLMSG_DONE] = on_msg,
};

static struct reply transact(struct nlmsghdr *nlh)
{
	struct reply r = { };
	unsigned int seq = nlh->nlmsg_seq;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r.err = errno;
		snprintf(r.msg, sizeof(r.msg), "(send failed)");
		return r;
	}
	while (!r.done) {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			r.err = errno;
			snprintf(r.msg, sizeof(r.msg), "(receive failed)");
			break;
		}
		ret = mnl_cb_run2(buf, ret, seq, portid, on_msg, &r, ctl_cbs, NLMSG_MIN_TYPE);
		if (ret <= 0 && !r.done) {
			r.err = ret ? errno : EPROTO;
			snprintf(r.msg, sizeof(r.msg), "(no error or ack)");
			break;
		}
	}
	return r;
}

static struct nlmsghdr *start(uint16_t type, uint8_t cmd, uint16_t flags)
{
	static unsigned int seq;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq + time(NULL);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = KTGT_FAMILY_VERSION;
	return nlh;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == GENL_ID_CTRL)
		mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
	return MNL_CB_OK;
}

static int resolve_family(void)
{
	struct nlmsghdr *nlh = start(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	int ret;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, KTGT_FAMILY_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			return -1;
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, family_msg, &family);
	} while (ret > 0);
	return family ? 0 : -1;
}

/* a target nest with the test target's name; the caller ends it */
static struct nlattr *target_nest(struct nlmsghdr *nlh)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, KTGT_A_TARGET);

	mnl_attr_put_strz(nlh, KTGT_A_TARGET_NAME, iqn);
	return t;
}

/*
 * expect: check an outcome. @want_msg: an extack message must come back
 * (or, for a missing attribute, the missing attribute's type).
 */
static void expect(const char *desc, struct nlmsghdr *nlh, int want_err, bool want_msg)
{
	struct reply r = transact(nlh);
	bool ok = r.err == want_err &&
		  (!want_msg || r.msg[0] || (r.has_miss && want_err == EINVAL));

	tap_n++;
	tap_failed += !ok;
	printf("%sok %d - %s: %s%s%s%s\n", ok ? "" : "not ", tap_n, desc,
	       r.err ? strerror(r.err) : "accepted", r.msg[0] ? " \"" : "", r.msg,
	       r.msg[0] ? "\"" : (r.has_miss ? " (missing attribute reported)" : ""));
	if (!ok)
		printf("# wanted %s%s\n", want_err ? strerror(want_err) : "success",
		       want_msg ? " with an extack message" : "");
	fflush(stdout);
}

static void malformed(void)
{
	static char huge[8192];
	struct nlmsghdr *nlh;
	struct nlattr *t, *n;

	memset(huge, 'a', sizeof(huge) - 1);
	memcpy(huge, "iqn.", 4);

	/* wrong types and lengths */
	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	mnl_attr_put_u32(nlh, KTGT_A_TARGET, 7);
	expect("target add: target attribute a u32, not a nest", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	t = mnl_attr_nest_start(nlh, KTGT_A_TARGET);
	mnl_attr_put_u32(nlh, KTGT_A_TARGET_NAME, 0x71716971);
	mnl_attr_nest_end(nlh, t);
	expect("target add: name a u32 without NUL", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_DEL, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_LUN);
	mnl_attr_put_u32(nlh, KTGT_A_LUN_ID, 1);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("lun del: LUN id a u32, not a u64", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_SET, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_LUN);
	mnl_attr_put_u64(nlh, KTGT_A_LUN_ID, 1);
	mnl_attr_put_u8(nlh, KTGT_A_LUN_READONLY, 2);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("lun set: readonly 2", nlh, ERANGE, true);

	nlh = start(family, KTGT_CMD_PORTAL_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_PORTAL);
	mnl_attr_put(nlh, KTGT_A_PORTAL_ADDR, 5, "\x7f\0\0\1\1");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("portal add: a 5-byte address", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_ACL_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_ACL);
	mnl_attr_put(nlh, KTGT_A_ACL_ADDRESS, 4, "\x0a\0\0\0");
	mnl_attr_put_u8(nlh, KTGT_A_ACL_PREFIX_LEN, 33);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("acl add: IPv4 address with a /33 prefix", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_ACL_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_ACL);
	mnl_attr_put_strz(nlh, KTGT_A_ACL_INITIATOR, "ALL");
	mnl_attr_put(nlh, KTGT_A_ACL_ADDRESS, 4, "\x0a\0\0\0");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("acl add: a name and an address in one entry", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_ACCOUNT_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_ACCOUNT);
	mnl_attr_put_strz(nlh, KTGT_A_ACCOUNT_USER, "alice");
	mnl_attr_put(nlh, KTGT_A_ACCOUNT_SECRET, 5, "short");
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("account add: a 5-byte secret", nlh, ERANGE, true);

	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	t = target_nest(nlh);
	mnl_attr_put_u32(nlh, KTGT_A_TARGET_TID, 1);
	mnl_attr_nest_end(nlh, t);
	expect("target add: the read-only TID", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	t = target_nest(nlh);
	mnl_attr_put(nlh, KTGT_A_TARGET_DISCOVERY, 0, NULL);
	mnl_attr_nest_end(nlh, t);
	expect("target add: the discovery flag", nlh, EINVAL, true);

	/* missing attributes */
	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	expect("target add: no target nest", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_TARGET_DEL, 0);
	t = mnl_attr_nest_start(nlh, KTGT_A_TARGET);
	mnl_attr_nest_end(nlh, t);
	expect("target del: no name", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_ADD, 0);
	t = target_nest(nlh);
	mnl_attr_nest_end(nlh, t);
	expect("lun add: no LUN nest", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_LUN);
	mnl_attr_put_u64(nlh, KTGT_A_LUN_ID, 3);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("lun add: no path", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_PORTAL_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_PORTAL);
	mnl_attr_put_u16(nlh, KTGT_A_PORTAL_PORT, 3261);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("portal add: no address", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_SESSION_LOGOUT, 0);
	t = target_nest(nlh);
	mnl_attr_nest_end(nlh, t);
	expect("session logout: no session", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_SESSION_GET, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_SESSION);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("session get: no TSIH", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_TARGET_SET, 0);
	t = target_nest(nlh);
	mnl_attr_nest_end(nlh, t);
	expect("target set: no parameters", nlh, EINVAL, true);

	/* huge strings */
	nlh = start(family, KTGT_CMD_TARGET_ADD, 0);
	t = mnl_attr_nest_start(nlh, KTGT_A_TARGET);
	mnl_attr_put_strz(nlh, KTGT_A_TARGET_NAME, huge);
	mnl_attr_nest_end(nlh, t);
	expect("target add: an 8 KiB name", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_LUN);
	mnl_attr_put_u64(nlh, KTGT_A_LUN_ID, 3);
	mnl_attr_put_strz(nlh, KTGT_A_LUN_PATH, huge);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("lun add: an 8 KiB path", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_ACL_ADD, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_ACL);
	mnl_attr_put_strz(nlh, KTGT_A_ACL_INITIATOR, huge + sizeof(huge) - 1000);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("acl add: a 1000-byte initiator name", nlh, EINVAL, true);

	/* unknown attributes */
	nlh = start(family, KTGT_CMD_TARGET_GET, 0);
	t = target_nest(nlh);
	mnl_attr_put_u32(nlh, 100, 1);
	mnl_attr_nest_end(nlh, t);
	expect("target get: unknown attribute 100 in the target nest", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_TARGET_GET, 0);
	t = target_nest(nlh);
	mnl_attr_nest_end(nlh, t);
	mnl_attr_put_u32(nlh, 60, 1);
	expect("target get: unknown top-level attribute 60", nlh, EINVAL, true);

	nlh = start(family, KTGT_CMD_LUN_SET, 0);
	t = target_nest(nlh);
	n = mnl_attr_nest_start(nlh, KTGT_A_TARGET_LUN);
	mnl_attr_put_u64(nlh, KTGT_A_LUN_ID, 1);
	mnl_attr_put_u8(nlh, 77, 1);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, t);
	expect("lun set: unknown attribute 77 in the LUN nest", nlh, EINVAL, true);

	/* and a good request still works */
	nlh = start(family, KTGT_CMD_TARGET_GET, 0);
	t = target_nest(nlh);
	mnl_attr_nest_end(nlh, t);
	expect("target get: a well-formed request", nlh, 0, false);
}

/*
 * Without CAP_NET_ADMIN every operation is refused by the generic netlink
 * core (GENL_ADMIN_PERM), before the family sees it: EPERM, no message.
 */
static void unprivileged(void)
{
	static const uint8_t cmds[] = {
		KTGT_CMD_TARGET_ADD, KTGT_CMD_TARGET_DEL, KTGT_CMD_TARGET_GET,
		KTGT_CMD_PORTAL_ADD, KTGT_CMD_LUN_ADD, KTGT_CMD_LUN_DEL, KTGT_CMD_ACL_ADD,
		KTGT_CMD_ACCOUNT_ADD, KTGT_CMD_TARGET_SET, KTGT_CMD_SESSION_GET,
		KTGT_CMD_SESSION_LOGOUT, KTGT_CMD_LUN_SET, KTGT_CMD_DISCOVERY_GET,
	};
	struct nlmsghdr *nlh;
	struct nlattr *t;
	char desc[64];
	size_t i;

	for (i = 0; i < sizeof(cmds); i++) {
		nlh = start(family, cmds[i], 0);
		t = target_nest(nlh);
		mnl_attr_nest_end(nlh, t);
		snprintf(desc, sizeof(desc), "unprivileged: command %u", cmds[i]);
		expect(desc, nlh, EPERM, false);
	}
	nlh = start(family, KTGT_CMD_TARGET_GET, NLM_F_DUMP);
	expect("unprivileged: target dump", nlh, EPERM, false);
	nlh = start(family, KTGT_CMD_SESSION_GET, NLM_F_DUMP);
	expect("unprivileged: session dump", nlh, EPERM, false);
}

int main(int argc, char **argv)
{
	bool unpriv = argc == 3 && !strcmp(argv[1], "--unprivileged");
	int one = 1;

	if (argc != 2 && !unpriv) {
		fprintf(stderr, "usage: %s [--unprivileged] TARGET_IQN\n", argv[0]);
		return 2;
	}
	iqn = argv[argc - 1];
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("netlink socket");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (resolve_family()) {
		fprintf(stderr, "the %s family is not there\n", KTGT_FAMILY_NAME);
		return 1;
	}
	if (unpriv)
		unprivileged();
	else
		malformed();
	mnl_socket_close(nl);
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
