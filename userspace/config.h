/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: tgt's targets.conf. The parser fills a model of targets, portals,
 * LUNs, ACLs and CHAP accounts; the same model holds the running state (from a TARGET_GET
 * dump), so that two models give the plan that turns one into the other,
 * and the writer prints either back in targets.conf syntax. Nothing here
 * talks to the kernel: the plan is applied through a callback.
 */
#ifndef KTGTCTL_CONFIG_H
#define KTGTCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "params.h"
#include "parse.h"
#include "target.h"

/* "include" nests at most this deep */
#define KTGT_CONF_INCLUDE_DEPTH	16
#define KTGT_ACL_ALL		"ALL"
#define KTGT_NULL_STORE		"null-store"

/**
 * struct ktgt_conf_loc - where a directive was written
 * @file: the file name, owned by the &struct ktgt_conf; NULL for the running state
 * @line: the line number, from 1
 */
struct ktgt_conf_loc {
	const char *file;
	unsigned int line;
};

/* The LUN identity directives (as struct ktgt_lun_info's ident[]) */
enum ktgt_conf_ident {
	KTGT_IDENT_VENDOR_ID,
	KTGT_IDENT_PRODUCT_ID,
	KTGT_IDENT_PRODUCT_REV,
	KTGT_IDENT_SCSI_SN,
	KTGT_IDENT_SCSI_ID,
	KTGT_IDENT_NR
};

enum ktgt_conf_store {
	KTGT_STORE_BACKING,	/* backing-store PATH */
	KTGT_STORE_DIRECT,	/* direct-store PATH: as backing-store for ktgt */
	KTGT_STORE_NULL,	/* null-store SIZE (ktgt extension) */
};

/**
 * struct ktgt_conf_lun_opts - the options a store block or a target sets
 * @readonly: 0 or 1, -1 if not set
 * @write_cache: 0 or 1, -1 if not set
 * @ident: the identity strings, NULL if not set
 * @ident_loc: where each identity string was set
 */
struct ktgt_conf_lun_opts {
	int readonly;
	int write_cache;
	int direct;		/* bsoflags direct: O_DIRECT for a file */
	char *ident[KTGT_IDENT_NR];
	struct ktgt_conf_loc ident_loc[KTGT_IDENT_NR];
};

/**
 * struct ktgt_conf_lun - one LUN
 * @id: the LUN number
 * @store: what backs it
 * @path: the backing store path (%KTGT_STORE_BACKING, %KTGT_STORE_DIRECT)
 * @size: the size in bytes (%KTGT_STORE_NULL)
 * @opts: its options; once the target is parsed, readonly and write_cache
 *        are 0 or 1, with the target's defaults applied
 * @explicit_id: @id came from a "lun" directive
 * @loc: where the store was named
 */
struct ktgt_conf_lun {
	uint64_t id;
	enum ktgt_conf_store store;
	char *path;
	uint64_t size;
	struct ktgt_conf_lun_opts opts;
	bool explicit_id;
	struct ktgt_conf_loc loc;
};

/* A string value and where it was set: an ACL, an initiator address. */
struct ktgt_conf_item {
	char *value;
	struct ktgt_conf_loc loc;
};

/**
 * struct ktgt_conf_user - a CHAP account: incominguser or outgoinguser
 * @name: the user name
 * @secret: the secret, NUL-terminated; from the kernel, it may also hold NULs
 * @secret_len: its length in bytes, without the terminator
 * @outgoing: an outgoinguser (the target's own account)
 * @loc: where it was set
 */
struct ktgt_conf_user {
	char *name;
	char *secret;
	size_t secret_len;
	bool outgoing;
	struct ktgt_conf_loc loc;
};

/**
 * struct ktgt_conf_target - one target
 * @name: the iSCSI name, in lower case
 * @loc: where its block starts
 * @portals: where it listens (0.0.0.0:3260 if the block names none)
 * @luns: its LUNs
 * @acls: initiator names, or "ALL" (the only entry if the block has neither
 *        initiator-name nor initiator-address, as with tgt)
 * @addresses: initiator-address values other than ALL
 * @incoming: incominguser accounts
 * @outgoing: outgoinguser accounts (at most one)
 * @defaults: the LUN options set at the target level
 * @params: the login keys it offers; once the block is parsed, every key
 *          the block leaves out has its default (&struct ktgt_param_key def);
 *          from the kernel, the keys it reported
 * @param_line: the line each key was set on, 0 if not set in the file
 * @cpus: the CPUs its connections run on, as the kernel prints the list
 *        ("0-1,3"), or NULL for any CPU
 * @cpus_loc: where cpus was set
 */
struct ktgt_conf_target {
	char *name;
	struct ktgt_conf_loc loc;
	struct ktgt_addr *portals;
	size_t nr_portals;
	struct ktgt_conf_lun *luns;
	size_t nr_luns;
	struct ktgt_conf_item *acls;
	size_t nr_acls;
	struct ktgt_conf_item *addresses;
	size_t nr_addresses;
	struct ktgt_conf_user *incoming;
	size_t nr_incoming;
	struct ktgt_conf_user *outgoing;
	size_t nr_outgoing;
	struct ktgt_conf_lun_opts defaults;
	struct ktgt_params params;
	unsigned int param_line[KTGT_A_PARAMS_MAX + 1];
	char *cpus;
	struct ktgt_conf_loc cpus_loc;
};

/**
 * struct ktgt_conf_error - a problem in a file
 * @text: "file:line: message" (or "file: message" if there is no line)
 * @loc: where
 * @seq: its rank among the errors found
 * @file_rank: the rank of @loc.file among the files read
 */
struct ktgt_conf_error {
	char *text;
	struct ktgt_conf_loc loc;
	size_t seq;
	size_t file_rank;
};

/**
 * struct ktgt_conf - a whole configuration
 * @targets: the targets, in the order of the file or of the dump
 * @nr_targets: their number
 * @files: the names of the files read, for &struct ktgt_conf_loc
 * @nr_files: their number
 * @errors: every problem found, in the order found
 * @nr_errors: their number
 */
struct ktgt_conf {
	struct ktgt_conf_target *targets;
	size_t nr_targets;
	struct ktgt_conf_target discovery;	/* incoming/outgoing users outside targets */
	char **files;
	size_t nr_files;
	struct ktgt_conf_error *errors;
	size_t nr_errors;
};

void ktgt_conf_init(struct ktgt_conf *conf);
void ktgt_conf_free(struct ktgt_conf *conf);
int ktgt_conf_parse_file(struct ktgt_conf *conf, const char *path);
int ktgt_conf_parse_string(struct ktgt_conf *conf, const char *name, const char *text);
int ktgt_conf_resolve_paths(struct ktgt_conf *conf);
void ktgt_conf_sort_errors(struct ktgt_conf *conf);
int ktgt_conf_add_running(struct ktgt_conf *conf, const struct ktgt_target *t);
int ktgt_conf_set_discovery(struct ktgt_conf *conf, const struct ktgt_target *t);
int ktgt_conf_write(FILE *f, const struct ktgt_conf *conf);
const struct ktgt_conf_target *ktgt_conf_find(const struct ktgt_conf *conf, const char *name);

int ktgt_resolve_store(const char *arg, char **path);
const char *ktgt_store_strerror(int err);

/**
 * struct ktgt_plan_op - one step of a plan: one netlink request
 * @cmd: the KTGT_CMD_* that does it
 * @target: the target name, or NULL for the discovery accounts
 * @portal: the portal (PORTAL_ADD, PORTAL_DEL)
 * @lun: the LUN (LUN_ADD, LUN_DEL: what it was, so that it can be put back)
 * @initiator: the ACL entry (ACL_ADD, ACL_DEL)
 * @account: the CHAP account (ACCOUNT_ADD, ACCOUNT_DEL: what it was, secret
 *           included, so that it can be put back)
 * @address: the ACL entry, an initiator-address (ACL_ADD, ACL_DEL), instead
 *           of @initiator
 * @replaced: for an ACCOUNT_ADD that changes an existing account in place
 *            (NLM_F_REPLACE), the account as it was, so that it can be put back
 * @params: the login keys a TARGET_SET sets (only those that change)
 * @old_params: their values before, so that it can be undone
 * @cpus: the CPU list a TARGET_SET sets ("" for any CPU), or NULL to leave it
 * @old_cpus: the CPU list before ("" for any CPU), or NULL
 *
 * The pointers point into the two models the plan was made from.
 */
struct ktgt_plan_op {
	uint8_t cmd;
	const char *target;
	struct ktgt_addr portal;
	const struct ktgt_conf_lun *lun;
	const char *initiator;
	const struct ktgt_conf_user *account;
	const char *address;
	const struct ktgt_conf_user *replaced;
	struct ktgt_params params;
	struct ktgt_params old_params;
	const char *cpus;
	const char *old_cpus;
};

struct ktgt_plan {
	struct ktgt_plan_op *ops;
	size_t nr_ops;
};

/* Do one step (@undo: to undo an earlier one); return 0 or -errno. */
typedef int (*ktgt_plan_fn)(const struct ktgt_plan_op *op, bool undo, void *arg);

int ktgt_plan_diff(struct ktgt_plan *plan, const struct ktgt_conf *cur,
		   const struct ktgt_conf *want);
void ktgt_plan_free(struct ktgt_plan *plan);
struct ktgt_plan_op ktgt_plan_undo(const struct ktgt_plan_op *op);
void ktgt_plan_format(const struct ktgt_plan_op *op, char *buf, size_t len);
void ktgt_plan_print(FILE *f, const struct ktgt_plan *plan);
int ktgt_plan_apply(const struct ktgt_plan *plan, ktgt_plan_fn fn, void *arg);

#endif /* KTGTCTL_CONFIG_H */
