/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: talking to the ktgt generic netlink family.
 */
#ifndef KTGTCTL_NL_H
#define KTGTCTL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "target.h"

struct ktgt_nl;
struct nl_msg;
struct nlmsghdr;

/**
 * struct ktgt_lun_spec - the LUN nest of a request
 * @id: the LUN number
 * @path: the backing store, NULL to leave it out (LUN_DEL, null backend)
 * @null_size: the size of a null-backend LUN in bytes, 0 to leave it out
 * @ident: identity strings (enum ktgt_conf_ident order), NULL to leave out
 * @readonly: 0 or 1, or -1 to leave it out (the kernel default is 0)
 * @write_cache: 0 or 1, or -1 to leave it out (the kernel default is 1)
 */
struct ktgt_lun_spec {
	uint64_t id;
	const char *path;
	uint64_t null_size;
	const char *ident[KTGT_LUN_IDENT_NR];
	int readonly;
	int write_cache;
	int direct;			/* > 0: KTGT_A_LUN_DIRECT */
	bool resize;
};

/**
 * struct ktgt_account_spec - the ACCOUNT nest of a request
 * @user: the CHAP name
 * @secret: the CHAP secret, NULL to leave it out (ACCOUNT_DEL)
 * @secret_len: its length in bytes, or 0 for strlen(@secret)
 * @outgoing: tgt's outgoinguser (the target's own account) if nonzero,
 *            else an incominguser
 */
struct ktgt_account_spec {
	const char *user;
	const char *secret;
	size_t secret_len;
	int outgoing;
};

/**
 * struct ktgt_request - what goes in the KTGT_A_TARGET nest of a request
 * @name: the target name, NULL to leave it out (a dump)
 * @portal: a PORTAL nest, or NULL
 * @lun: a LUN nest, or NULL
 * @initiator: an ACL nest with this initiator, or NULL
 * @account: an ACCOUNT nest, or NULL
 * @params: a PARAMS nest with the keys present in it, or NULL
 * @cpus: a CPU list for the target ("" for none), or NULL
 * @tsih: a SESSION nest with this TSIH, or 0 for none
 * @force: KTGT_A_TARGET_FORCE (delete even with sessions logged in)
 * @acl_addr: an ACL nest with this address range, or NULL
 * @discovery: KTGT_A_TARGET_DISCOVERY instead of @name (discovery's accounts)
 * @replace: NLM_F_REPLACE (ACCOUNT_ADD: change an existing account in place)
 */
struct ktgt_request {
	const char *name;
	const struct ktgt_addr *portal;
	const struct ktgt_lun_spec *lun;
	const char *initiator;
	const struct ktgt_account_spec *account;
	const struct ktgt_params *params;
	const char *cpus;
	uint16_t tsih;
	bool force;
	const struct ktgt_acl_addr *acl_addr;
	bool discovery;
	bool replace;
};

/* Called once per target in a reply; a nonzero return stops and is returned. */
typedef int (*ktgt_target_fn)(const struct ktgt_target *t, void *arg);

struct ktgt_nl *ktgt_nl_alloc(void);
void ktgt_nl_free(struct ktgt_nl *nl);
int ktgt_nl_connect(struct ktgt_nl *nl);
const char *ktgt_nl_strerror(const struct ktgt_nl *nl, int err);
int ktgt_nl_do(struct ktgt_nl *nl, uint8_t cmd, const struct ktgt_request *req);
int ktgt_nl_get(struct ktgt_nl *nl, const char *name, ktgt_target_fn fn, void *arg);
int ktgt_nl_sessions(struct ktgt_nl *nl, ktgt_target_fn fn, void *arg);
int ktgt_nl_discovery(struct ktgt_nl *nl, ktgt_target_fn fn, void *arg);

/*
 * Called once per notification with its command (KTGT_CMD_*) and its
 * target nest, decoded; a nonzero return stops ktgt_nl_monitor().
 */
typedef int (*ktgt_event_fn)(uint8_t cmd, const struct ktgt_target *t, void *arg);
int ktgt_nl_monitor(struct ktgt_nl *nl, ktgt_event_fn fn, void *arg);

/* The message codec, exposed for the unit tests. */
int ktgt_nl_put_request(struct nl_msg *msg, const struct ktgt_request *req);
int ktgt_nl_parse_target(struct nlmsghdr *nlh, struct ktgt_target *t);
void ktgt_target_free(struct ktgt_target *t);

#endif /* KTGTCTL_NL_H */
