/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * ktgt generic netlink interface, described by Documentation/netlink/ktgt.yaml.
 *
 * Every request carries one KTGT_A_TARGET nest. Replies and notifications
 * use the same layout, so what "get" returns can be fed back to "add".
 */
#ifndef _UAPI_LINUX_KTGT_H
#define _UAPI_LINUX_KTGT_H

#define KTGT_FAMILY_NAME	"ktgt"
#define KTGT_FAMILY_VERSION	1
#define KTGT_MCGRP_EVENTS	"events"

/* iSCSI names are at most 223 bytes (RFC 7143 section 4.2.7.1) */
#define KTGT_NAME_MAX		223
#define KTGT_PATH_MAX		4096
#define KTGT_DEFAULT_PORT	3260
#define KTGT_CPULIST_MAX	1024

enum ktgt_nl_cmd {
	KTGT_CMD_UNSPEC,
	KTGT_CMD_TARGET_ADD,	/* TARGET{NAME} */
	KTGT_CMD_TARGET_DEL,	/* TARGET{NAME, [FORCE]} */
	KTGT_CMD_TARGET_GET,	/* do: TARGET{NAME}; dump: every target */
	KTGT_CMD_PORTAL_ADD,	/* TARGET{NAME, PORTAL{ADDR, PORT}} */
	KTGT_CMD_PORTAL_DEL,	/* TARGET{NAME, PORTAL{ADDR, PORT}} */
	KTGT_CMD_LUN_ADD,	/* TARGET{NAME, LUN{ID, PATH | NULL_SIZE, [READONLY], [WRITE_CACHE], [identity]}} */
	KTGT_CMD_LUN_DEL,	/* TARGET{NAME, LUN{ID}, [FORCE]} */
	KTGT_CMD_ACL_ADD,	/* TARGET{NAME, ACL{INITIATOR | ADDRESS, [PREFIX_LEN]}} */
	KTGT_CMD_ACL_DEL,	/* TARGET{NAME, ACL{INITIATOR | ADDRESS, [PREFIX_LEN]}} */
	KTGT_CMD_ACCOUNT_ADD,	/* TARGET{NAME|DISCOVERY, ACCOUNT{USER, SECRET, [OUTGOING]}};
				 * NLM_F_REPLACE: change the secret of an existing one */
	KTGT_CMD_ACCOUNT_DEL,	/* TARGET{NAME|DISCOVERY, ACCOUNT{USER, [OUTGOING]}} */
	KTGT_CMD_TARGET_SET,	/* TARGET{NAME, [PARAMS{...}], [CPUS]}: offers, CPU set */
	KTGT_CMD_SESSION_GET,	/* do: TARGET{NAME, SESSION{TSIH}}; dump: [TARGET{NAME}] */
	KTGT_CMD_SESSION_LOGOUT,	/* TARGET{NAME, SESSION{TSIH}}: force a logout */
	KTGT_CMD_LUN_SET,	/* TARGET{NAME, LUN{ID, [READONLY], [WRITE_CACHE], [RESIZE]}} */
	KTGT_CMD_LOGIN_NTF,	/* notification: TARGET{NAME, TID, SESSION{...}} */
	KTGT_CMD_LOGOUT_NTF,	/* notification: TARGET{NAME, TID, SESSION{...}} */
	KTGT_CMD_REINSTATE_NTF,	/* notification: the session being replaced */
	KTGT_CMD_DISCOVERY_GET,	/* TARGET{DISCOVERY}: reply TARGET{DISCOVERY, ACCOUNT...} */
	KTGT_CMD_LUN_ERROR_NTF,	/* notification: TARGET{NAME, TID, LUN{..., ERROR_LBA, ERROR_ERRNO}} */

	__KTGT_CMD_MAX,
	KTGT_CMD_MAX = (__KTGT_CMD_MAX - 1)
};

enum ktgt_a {
	KTGT_A_UNSPEC,
	KTGT_A_TARGET,		/* nest: enum ktgt_a_target */

	__KTGT_A_MAX,
	KTGT_A_MAX = (__KTGT_A_MAX - 1)
};

enum ktgt_a_target {
	KTGT_A_TARGET_UNSPEC,
	KTGT_A_TARGET_NAME,	/* string, NUL-terminated IQN/EUI/NAA name */
	KTGT_A_TARGET_TID,	/* u32, assigned by the kernel (read only) */
	KTGT_A_TARGET_PORTAL,	/* nest: enum ktgt_a_portal (repeated in replies) */
	KTGT_A_TARGET_LUN,	/* nest: enum ktgt_a_lun (repeated in replies) */
	KTGT_A_TARGET_ACL,	/* nest: enum ktgt_a_acl (repeated in replies) */
	KTGT_A_TARGET_SESSION,	/* nest: enum ktgt_a_session (replies only) */
	KTGT_A_TARGET_ACCOUNT,	/* nest: enum ktgt_a_account (repeated in replies) */
	KTGT_A_TARGET_PARAMS,	/* nest: enum ktgt_a_params, the target's offers */
	KTGT_A_TARGET_CPUS,	/* string: CPU list ("0-3,6") its connections run on; "" none */
	KTGT_A_TARGET_FORCE,	/* flag: TARGET_DEL, LUN_DEL of a target with sessions */
	KTGT_A_TARGET_DISCOVERY,	/* flag, instead of NAME: discovery sessions' accounts */

	__KTGT_A_TARGET_MAX,
	KTGT_A_TARGET_MAX = (__KTGT_A_TARGET_MAX - 1)
};

enum ktgt_a_portal {
	KTGT_A_PORTAL_UNSPEC,
	KTGT_A_PORTAL_ADDR,	/* binary: 4 bytes (IPv4) or 16 bytes (IPv6), network order */
	KTGT_A_PORTAL_PORT,	/* u16, host order; 3260 if absent */

	__KTGT_A_PORTAL_MAX,
	KTGT_A_PORTAL_MAX = (__KTGT_A_PORTAL_MAX - 1)
};

enum ktgt_lun_backend {
	KTGT_BACKEND_BDEV,	/* block device: bios */
	KTGT_BACKEND_FILE,	/* regular file: kernel iov_iter I/O */
	KTGT_BACKEND_NULL,	/* no data: reads return zeros, writes are dropped */
};

/* INQUIRY identity strings of a LUN (tgt's vendor_id, product_id, ...) */
#define KTGT_VENDOR_ID_MAX	8
#define KTGT_PRODUCT_ID_MAX	16
#define KTGT_PRODUCT_REV_MAX	4
#define KTGT_SCSI_SN_MAX	36
#define KTGT_SCSI_ID_MAX	24
/* the null backend: at least one 512-byte block, at most 2^63 bytes */
#define KTGT_NULL_SIZE_MIN	512

enum ktgt_a_lun {
	KTGT_A_LUN_UNSPEC,
	KTGT_A_LUN_ID,		/* u64, 0..16383 */
	KTGT_A_LUN_PATH,	/* string: block device or regular file */
	KTGT_A_LUN_READONLY,	/* u8 0/1, default 0 */
	KTGT_A_LUN_WRITE_CACHE,	/* u8 0/1, default 1 (WCE) */
	KTGT_A_LUN_SIZE,	/* u64 bytes (read only) */
	KTGT_A_LUN_BLOCK_SIZE,	/* u32 bytes (read only) */
	KTGT_A_LUN_BACKEND,	/* u32 enum ktgt_lun_backend (read only) */
	KTGT_A_LUN_PAD,
	KTGT_A_LUN_NULL_SIZE,	/* u64 bytes: the null backend, instead of PATH */
	KTGT_A_LUN_VENDOR_ID,	/* string, 1..8 printable ASCII; default "KTGT" */
	KTGT_A_LUN_PRODUCT_ID,	/* string, 1..16; default "Virtual disk" */
	KTGT_A_LUN_PRODUCT_REV,	/* string, 1..4; default "0001" */
	KTGT_A_LUN_SCSI_SN,	/* string, 1..36: VPD 80 unit serial number */
	KTGT_A_LUN_SCSI_ID,	/* string, 1..24: VPD 83 T10 vendor ID designator */
	KTGT_A_LUN_RESIZE,	/* flag, LUN_SET: read the backing store's size again */
	KTGT_A_LUN_STATS,	/* nest: enum ktgt_a_stats (read only) */
	KTGT_A_LUN_DIRECT,	/* u8 0/1, default 0: a file opened with O_DIRECT */
	KTGT_A_LUN_ERROR_LBA,	/* u64, LUN_ERROR_NTF: the first block that failed */
	KTGT_A_LUN_ERROR_ERRNO,	/* u32, LUN_ERROR_NTF: the backend's error, positive errno */

	__KTGT_A_LUN_MAX,
	KTGT_A_LUN_MAX = (__KTGT_A_LUN_MAX - 1)
};

/*
 * Who may log in to a target (tgt's initiator-name and initiator-address).
 * With entries of both kinds, a login must match one of each; "ALL"
 * matches every initiator. A target without entries takes no logins.
 */
enum ktgt_a_acl {
	KTGT_A_ACL_UNSPEC,
	KTGT_A_ACL_INITIATOR,	/* string: initiator name, or "ALL" */
	KTGT_A_ACL_ADDRESS,	/* binary: 4 (IPv4) or 16 (IPv6) bytes, network order */
	KTGT_A_ACL_PREFIX_LEN,	/* u8: bits of ADDRESS that must match; all if absent */

	__KTGT_A_ACL_MAX,
	KTGT_A_ACL_MAX = (__KTGT_A_ACL_MAX - 1)
};

/* CHAP secrets: RFC 7143 section 12.1.3 wants at least 96 bits */
#define KTGT_CHAP_USER_MAX	255
#define KTGT_CHAP_SECRET_MIN	12
#define KTGT_CHAP_SECRET_MAX	255

/*
 * CHAP accounts of a target (tgt's incominguser/outgoinguser). Incoming
 * accounts authenticate initiators; with any present, logins need CHAP.
 * The one outgoing account authenticates the target (mutual CHAP).
 */
enum ktgt_a_account {
	KTGT_A_ACCOUNT_UNSPEC,
	KTGT_A_ACCOUNT_USER,		/* string */
	KTGT_A_ACCOUNT_SECRET,		/* binary, 12..255 bytes; in replies too (admin only) */
	KTGT_A_ACCOUNT_OUTGOING,	/* flag: the target's own account */

	__KTGT_A_ACCOUNT_MAX,
	KTGT_A_ACCOUNT_MAX = (__KTGT_A_ACCOUNT_MAX - 1)
};

/* digest masks in KTGT_A_PARAMS_*_DIGEST */
#define KTGT_DIGEST_MASK_NONE	(1 << 0)
#define KTGT_DIGEST_MASK_CRC32C	(1 << 1)

/*
 * Login keys (RFC 7143 section 13). In a target, what its logins offer and
 * accept; in a session, what was negotiated.
 */
enum ktgt_a_params {
	KTGT_A_PARAMS_UNSPEC,
	KTGT_A_PARAMS_HEADER_DIGEST,		/* u32 mask: digests allowed / the one in use */
	KTGT_A_PARAMS_DATA_DIGEST,		/* u32 mask */
	KTGT_A_PARAMS_MAX_RECV_DSL,		/* u32, 512..16777215: what the target receives */
	KTGT_A_PARAMS_MAX_BURST,		/* u32, 512..16777215 */
	KTGT_A_PARAMS_FIRST_BURST,		/* u32, 512..16777215, <= MAX_BURST */
	KTGT_A_PARAMS_INITIAL_R2T,		/* u8 0/1 */
	KTGT_A_PARAMS_IMMEDIATE_DATA,		/* u8 0/1 */
	KTGT_A_PARAMS_MAX_OUTSTANDING_R2T,	/* u32, 1..65535 */
	KTGT_A_PARAMS_TIME2WAIT,		/* u32, 0..3600 */
	KTGT_A_PARAMS_TIME2RETAIN,		/* u32, 0..3600 */
	KTGT_A_PARAMS_MAX_XMIT_DSL,		/* u32, sessions only: what the initiator receives */

	__KTGT_A_PARAMS_MAX,
	KTGT_A_PARAMS_MAX = (__KTGT_A_PARAMS_MAX - 1)
};

enum ktgt_a_session {
	KTGT_A_SESSION_UNSPEC,
	KTGT_A_SESSION_TSIH,		/* u16 */
	KTGT_A_SESSION_ISID,		/* u64, low 48 bits */
	KTGT_A_SESSION_INITIATOR,	/* string */
	KTGT_A_SESSION_CONN,		/* nest: enum ktgt_a_conn (repeated) */
	KTGT_A_SESSION_PAD,
	KTGT_A_SESSION_PARAMS,		/* nest: enum ktgt_a_params, as negotiated */
	KTGT_A_SESSION_STATS,		/* nest: enum ktgt_a_stats */

	__KTGT_A_SESSION_MAX,
	KTGT_A_SESSION_MAX = (__KTGT_A_SESSION_MAX - 1)
};

enum ktgt_a_conn {
	KTGT_A_CONN_UNSPEC,
	KTGT_A_CONN_CID,		/* u16 */
	KTGT_A_CONN_PEER_ADDR,		/* binary, 4 or 16 bytes */
	KTGT_A_CONN_PEER_PORT,		/* u16 */
	KTGT_A_CONN_LOCAL_ADDR,		/* binary, 4 or 16 bytes */
	KTGT_A_CONN_LOCAL_PORT,		/* u16 */

	__KTGT_A_CONN_MAX,
	KTGT_A_CONN_MAX = (__KTGT_A_CONN_MAX - 1)
};

/* I/O counters of a session or a LUN, since it was created */
enum ktgt_a_stats {
	KTGT_A_STATS_UNSPEC,
	KTGT_A_STATS_CMDS,		/* u64: SCSI commands answered */
	KTGT_A_STATS_READ_BYTES,	/* u64: bytes read by READ commands */
	KTGT_A_STATS_WRITE_BYTES,	/* u64: bytes written by WRITE commands */
	KTGT_A_STATS_ERRORS,		/* u64: commands answered with a status other than GOOD */
	KTGT_A_STATS_LATENCY_US,	/* u64: total microseconds from command to response */
	KTGT_A_STATS_PAD,

	__KTGT_A_STATS_MAX,
	KTGT_A_STATS_MAX = (__KTGT_A_STATS_MAX - 1)
};

#endif /* _UAPI_LINUX_KTGT_H */
