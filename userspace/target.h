/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: one target as KTGT_CMD_TARGET_GET describes it, decoded from
 * netlink by nl.c and printed by show.c. Strings point into the netlink
 * message and are NULL when the kernel left them out.
 */
#ifndef KTGTCTL_TARGET_H
#define KTGTCTL_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "parse.h"

/* KTGT_A_LUN_BACKEND was absent */
#define KTGT_BACKEND_UNKNOWN	UINT32_MAX

/* LUN identity strings, in the order of enum ktgt_conf_ident */
#define KTGT_LUN_IDENT_NR	5
/* KTGT_A_STATS_*: I/O counters of a session or LUN */
struct ktgt_stats_info {
	bool present;			/* false from older kernels */
	uint64_t cmds;
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t errors;
	uint64_t latency_us;		/* total over @cmds */
};

struct ktgt_lun_info {
	uint64_t id;
	const char *path;		/* NULL for the null backend */
	uint64_t null_size;		/* the null backend: its size in bytes */
	const char *ident[KTGT_LUN_IDENT_NR];	/* as configured; NULL: default */
	uint64_t size;
	uint32_t block_size;
	uint32_t backend;
	bool readonly;
	bool write_cache;
	bool direct;			/* a file opened with O_DIRECT */
	bool has_error;			/* a lun-error event: error_errno is set */
	bool has_error_lba;
	uint64_t error_lba;
	uint32_t error_errno;		/* positive errno */
	struct ktgt_stats_info stats;
};

struct ktgt_conn_info {
	uint16_t cid;
	bool has_peer;
	bool has_local;
	struct ktgt_addr peer;
	struct ktgt_addr local;
};

struct ktgt_session_info {
	uint16_t tsih;
	uint64_t isid;
	const char *initiator;
	struct ktgt_conn_info *conns;
	size_t nr_conns;
	struct ktgt_params params;	/* as negotiated; none from older kernels */
	struct ktgt_stats_info stats;
};

/*
 * A CHAP account. The secret is binary and not NUL-terminated; it is never
 * printed by show, only written back by save.
 */
struct ktgt_account_info {
	const char *user;
	const uint8_t *secret;
	size_t secret_len;
	bool outgoing;
};

struct ktgt_target {
	uint32_t tid;
	const char *name;
	struct ktgt_addr *portals;
	size_t nr_portals;
	struct ktgt_lun_info *luns;
	size_t nr_luns;
	const char **acls;
	size_t nr_acls;
	struct ktgt_acl_addr *acl_addrs;	/* initiator-address entries */
	size_t nr_acl_addrs;
	struct ktgt_account_info *accounts;
	size_t nr_accounts;
	struct ktgt_session_info *sessions;
	size_t nr_sessions;
	struct ktgt_params params;	/* what logins offer; none from older kernels */
	const char *cpus;		/* CPU list its connections run on, or NULL */
	bool discovery;			/* discovery's accounts, not a target */
};

#endif /* KTGTCTL_TARGET_H */
