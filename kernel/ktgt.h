/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgt: in-kernel iSCSI target. Core objects and their lifetimes.
 *
 * Config objects (targets, LUNs, ACLs, portal bindings) change only under
 * ktgt_cfg_mutex. The data path finds LUNs through an RCU xarray and holds a
 * LUN reference per command. A session holds a target reference; a
 * connection holds its session and portal. Each connection's protocol work
 * runs in one work item (io_work), so connection state needs no lock; I/O
 * completions reach it through an llist.
 */
#ifndef KTGT_H
#define KTGT_H

#include <linux/bvec.h>
#include <linux/cpumask.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/ratelimit.h>
#include <linux/sizes.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/blk_types.h>
#include <linux/ktgt.h>

#include "iscsi_pdu.h"
#include "iscsi_param.h"
#include "iscsi_chap.h"
#include "scsi_cdb.h"

#define KTGT_MAX_LUN		16383
#define KTGT_QUEUE_DEPTH	128	/* commands per session */
#define KTGT_MAX_IO_BYTES	(8u << 20)	/* largest transfer per command */
#define KTGT_LOGIN_BUF		8192	/* login and text reply buffer */
#define KTGT_TEXT_MAX		65536	/* longest text/login request we collect */
#define KTGT_TPGT		1
#define KTGT_LOGIN_TIMEOUT	(15 * HZ)	/* to finish logging in */
#define KTGT_MAX_PENDING_LOGINS	64	/* connections not yet logged in */
#define KTGT_NOP_INTERVAL	(5 * HZ)	/* idle time before we ping */
#define KTGT_NOP_TIMEOUT	(15 * HZ)	/* time to answer a ping */
#define KTGT_ASYNC_LOGOUT_WAIT	(5 * HZ)	/* for initiators asked to log out */

extern struct mutex ktgt_cfg_mutex;
extern struct workqueue_struct *ktgt_io_wq;

/* live objects, in debugfs (ktgt/objects/), so tests can find leaks */
struct ktgt_live_objects {
	atomic_t conns;
	atomic_t sessions;
	atomic_t cmds;
	atomic_t pdus;
	atomic_t uas;			/* unit attention records (scsi_ua.c) */
};

extern struct ktgt_live_objects ktgt_live;

/* where payload bytes went, per CPU (debugfs ktgt/datapath) */
struct ktgt_dp_stats {
	u64 data_in_zerocopy;		/* sent from the command's pages */
	u64 data_in_copied;		/* sent from a kernel buffer */
	u64 data_in_window_cuts;	/* pieces cut to the peer's window */
	u64 data_in_window_waits;	/* Data-In waited for an ACK */
	u64 data_out_direct;		/* received into the command's pages */
	u64 data_out_ahead;		/* ... with (part of) the next header */
	u64 pool_hits;
	u64 pool_misses;
	u64 pool_shrunk;		/* free pages the shrinker took back */
	u64 io_work_runs;		/* per CPU: where connections ran */
};

DECLARE_PER_CPU(struct ktgt_dp_stats, ktgt_dp_stats);

/*
 * Data pages a connection keeps for its next commands: free ones, and
 * ones the network stack still references (Data-In sent by reference and
 * not yet acknowledged), which become free when the stack lets go. The
 * arrays grow to hold every page the pool owns.
 */
struct ktgt_page_pool {
	spinlock_t lock;		/* protects all below but node */
	u32 nr;				/* free pages in pages[] */
	u32 busy_head;			/* oldest in busy[], a ring */
	u32 nr_busy;			/* in busy[] */
	u32 cap;			/* of each array */
	u32 owned;			/* free, busy, or in a command */
	struct page **pages;
	struct page **busy;
	struct list_head node;		/* in the shrinker's list of pools */
};

struct ktgt_cmd;
struct ktgt_lun;

/* a command's hold, or wait, on a LUN's blocks (scsi_range.c) */
struct ktgt_range {
	struct list_head node;		/* lun->ranges, in arrival order */
	u64 start;			/* first block */
	u64 end;			/* first block after */
	bool excl;			/* COMPARE AND WRITE */
	bool granted;
};

/*
 * I/O counters (KTGT_A_STATS_*). A session's are written only by its
 * connection's io_work; a LUN's are per CPU, as many sessions write them.
 */
struct ktgt_io_stats {
	struct u64_stats_sync syncp;
	u64_stats_t cmds;
	u64_stats_t read_bytes;
	u64_stats_t write_bytes;
	u64_stats_t errors;
	u64_stats_t latency_ns;
};

/* a consistent read of struct ktgt_io_stats */
struct ktgt_io_totals {
	u64 cmds;
	u64 read_bytes;
	u64 write_bytes;
	u64 errors;
	u64 latency_ns;
};

/**
 * struct ktgt_backend_ops - how a LUN's data is stored
 * @name: shown to the admin
 * @type: enum ktgt_lun_backend
 * @open: set up @lun from its opened file; fill size and block size
 * @close: undo open
 * @submit: start the read, write or flush of @cmd; completion is reported
 *	with ktgt_cmd_io_done() or ktgt_cmd_io_done_errno(), from any context
 * @rw: read or write @len bytes of @cmd's buffer, from byte @buf_off (a
 *	multiple of the block size), at block @lba, and wait for it; @fua
 *	makes a write durable. Process context. Used by COMPARE AND WRITE.
 * @lba_status: how many blocks from @lba share one provisioning state,
 *	and whether that is mapped; optional (absent: all mapped)
 */
struct ktgt_backend_ops {
	const char *name;
	u32 type;
	int (*open)(struct ktgt_lun *lun);
	void (*close)(struct ktgt_lun *lun);
	void (*submit)(struct ktgt_cmd *cmd);
	int (*rw)(struct ktgt_cmd *cmd, bool write, u32 buf_off, u32 len, u64 lba, bool fua);
	int (*lba_status)(struct ktgt_lun *lun, u64 lba, u64 *nr, bool *mapped);
};

extern const struct ktgt_backend_ops ktgt_bdev_ops;
extern const struct ktgt_backend_ops ktgt_file_ops;
extern const struct ktgt_backend_ops ktgt_null_ops;

/* INQUIRY identity of a LUN; empty strings mean the defaults */
struct ktgt_lun_ident {
	char vendor[KTGT_VENDOR_ID_MAX + 1];
	char product[KTGT_PRODUCT_ID_MAX + 1];
	char revision[KTGT_PRODUCT_REV_MAX + 1];
	char serial[KTGT_SCSI_SN_MAX + 1];
	char scsi_id[KTGT_SCSI_ID_MAX + 1];
};

/* what ktgt_lun_add() is asked for */
struct ktgt_lun_conf {
	const char *path;		/* NULL: the null backend */
	u64 null_size;			/* bytes, for the null backend */
	bool readonly;
	bool write_cache;
	bool direct;			/* files: O_DIRECT, past the page cache */
	struct ktgt_lun_ident ident;
};

struct ktgt_lun {
	struct kref ref;
	struct rcu_head rcu;
	struct ktgt_target *target;
	u64 id;
	char *path;
	struct file *file;
	bool direct;			/* the file is open with O_DIRECT */
	spinlock_t ident_lock;		/* protects ident, serial, scsi_id (lun set) */
	struct ratelimit_state err_rs;	/* LUN_ERROR_NTF events */
	struct block_device *bdev;	/* bdev backend only */
	const struct ktgt_backend_ops *ops;
	u32 block_shift;
	u8 phys_exp;			/* physical block = logical << phys_exp */
	u16 lowest_aligned;		/* first LBA on a physical block boundary */
	u64 nr_blocks;
	bool readonly;
	bool write_cache;		/* WCE; MODE SELECT changes it: READ_ONCE */
	bool lbprz;			/* unmapped blocks read back as zeros */
	bool d_sense;			/* descriptor sense; MODE SELECT: READ_ONCE */
	u64 null_size;			/* null backend: bytes */
	struct ktgt_lun_ident ident;	/* as configured; empty: default */
	char serial[KTGT_SCSI_SN_MAX + 1];	/* VPD 80 */
	char scsi_id[KTGT_SCSI_ID_MAX + 1];	/* VPD 83 T10 vendor ID */
	u8 naa[8];

	spinlock_t range_lock;		/* protects ranges, nr_excl, nr_waiting */
	struct list_head ranges;	/* ktgt_range, held or waiting */
	u32 nr_excl;			/* exclusive ranges in the list */
	u32 nr_waiting;			/* ranges not granted yet */
	struct ktgt_pr *pr;		/* reservations (scsi_pr.c) */
	struct ktgt_io_stats __percpu *stats;
};

struct ktgt_acl {
	struct list_head node;
	char name[KTGT_NAME_MAX + 1];	/* "ALL" or an initiator name; "" for an address */
	u8 family;			/* AF_INET or AF_INET6 for an address, else 0 */
	u8 prefix_len;			/* bits of @addr that must match */
	u8 addr[16];			/* network order, bits past the prefix zero */
};

/* a CHAP account (tgt's incominguser/outgoinguser) */
struct ktgt_account {
	struct list_head node;
	bool outgoing;
	u32 secret_len;
	char user[KTGT_CHAP_USER_MAX + 1];
	u8 secret[KTGT_CHAP_SECRET_MAX];
};

/*
 * A listening socket, shared by the targets bound to it. Bindings (under
 * ktgt_cfg_mutex) keep it listening; references keep its memory, for the
 * connections accepted on it.
 */
struct ktgt_portal {
	struct list_head node;		/* ktgt_portals, under ktgt_cfg_mutex */
	struct kref ref;
	u32 nr_bindings;
	struct sockaddr_storage addr;
	struct socket *sock;
	struct work_struct accept_work;
	void (*saved_data_ready)(struct sock *sk);
};

/* a target's binding to a portal */
struct ktgt_target_portal {
	struct list_head node;
	struct ktgt_portal *portal;
};

struct ktgt_target {
	struct list_head node;		/* ktgt_targets, under ktgt_cfg_mutex */
	struct kref ref;
	u32 tid;
	char name[KTGT_NAME_MAX + 1];
	struct xarray luns;		/* id -> ktgt_lun, RCU readers */
	struct list_head portals;	/* ktgt_target_portal */
	struct list_head acls;		/* ktgt_acl */
	struct list_head accounts;	/* ktgt_account */
	struct ktgt_params params;	/* what this target offers */
	cpumask_var_t cpus;		/* under sess_lock: where sessions run, or empty */
	int last_cpu;			/* under sess_lock: round robin in cpus */

	spinlock_t sess_lock;		/* protects sessions */
	struct list_head sessions;
	wait_queue_head_t sess_wq;	/* woken when a session goes away */
	bool removed;			/* under sess_lock: no new sessions */
	u32 draining;			/* under sess_lock: no new sessions while > 0 */
};

struct ktgt_session {
	struct list_head node;		/* target->sessions, under sess_lock */
	struct kref ref;
	struct ktgt_target *target;	/* NULL for discovery */
	char initiator[KTGT_NAME_MAX + 1];
	u64 isid;
	u16 tsih;
	bool discovery;
	struct ktgt_params params;

	spinlock_t sn_lock;		/* protects the CmdSN window */
	u32 exp_cmdsn;
	u32 outstanding;		/* commands taken in, not answered */
	u32 held;			/* of those, held for a gap in CmdSN */
	DECLARE_BITMAP(ahead, KTGT_QUEUE_DEPTH);	/* bit d: ExpCmdSN + d arrived */
	struct ktgt_conn *conn;		/* one connection per session */

	/* unit attentions, per LUN this I_T nexus has addressed (scsi_ua.c) */
	spinlock_t ua_lock;		/* protects ua_luns; inside sess_lock */
	struct list_head ua_luns;
	bool reinstated;		/* replaced a session of the same nexus */
	struct ktgt_io_stats stats;
};

enum ktgt_conn_state {
	KTGT_CONN_LOGIN,
	KTGT_CONN_FULL_FEATURE,
	KTGT_CONN_LOGOUT,		/* answered a logout; closes after send */
};

enum ktgt_rx_state {
	KTGT_RX_BHS,
	KTGT_RX_AHS,
	KTGT_RX_HDIGEST,
	KTGT_RX_DATA,			/* data segment and padding */
	KTGT_RX_DDIGEST,
};

enum ktgt_rx_sink {
	KTGT_SINK_NONE,
	KTGT_SINK_BUF,			/* conn->rx_buf: login, text, NOP-Out */
	KTGT_SINK_CMD,			/* the command's pages */
	KTGT_SINK_DISCARD,
};

/* conn->flags */
enum {
	KTGT_CONN_DYING,
	KTGT_CONN_CLOSE_AFTER_TX,
	KTGT_CONN_WANT_PING,		/* timeout_work asks io_work for a NOP-In */
	KTGT_CONN_WANT_ASYNC_LOGOUT,	/* the target is going: ask to log out */
	KTGT_CONN_WANT_PR_ABORT,	/* PREEMPT AND ABORT: abort the LUNs in pr_abort */
	KTGT_CONN_TX_NUDGE,		/* window_work: Data-In may use the window's margin */
};

struct ktgt_login;

struct ktgt_conn {
	struct list_head node;		/* every connection, for module exit */
	struct socket *sock;
	struct ktgt_portal *portal;
	struct sockaddr_storage peer;
	struct sockaddr_storage local;
	struct work_struct io_work;
	struct work_struct release_work;
	unsigned long flags;
	u8 state;			/* enum ktgt_conn_state */
	u16 cid;
	struct ktgt_session *sess;	/* set once logged in */
	struct ktgt_login *login;	/* set while logging in */
	struct ktgt_params params;	/* negotiated, once logged in */

	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);

	/* receive side: one PDU at a time */
	u8 rx_state;
	u8 rx_sink;
	struct iscsi_bhs rx_bhs;
	u8 rx_ahs[ISCSI_MAX_AHS_LEN];
	u32 rx_off;			/* bytes of the current part received */
	u32 rx_ahs_len;
	u32 rx_dlen;			/* data segment length, without padding */
	u32 rx_data_off;		/* offset in the sink of data byte 0 */
	__le32 rx_digest;
	u32 rx_crc;			/* data digest so far */
	u8 *rx_scratch;			/* dropped data, when it must be digested */
	u8 *rx_ahead;			/* padding and the next header, read ahead */
	bool hdigest;			/* CRC32C digests, once logged in */
	bool ddigest;
	char *rx_buf;
	u32 rx_buf_size;
	struct ktgt_cmd *rx_cmd;

	/* transmit side */
	struct list_head tx_queue;	/* ktgt_pdu, in send order */
	struct ktgt_pdu *tx_cur;
	u32 stat_sn;

	/* text exchange that did not fit one PDU */
	char *text_out;
	u32 text_out_len;
	u32 text_out_off;
	u32 text_ttt;

	struct list_head cmds;		/* commands awaiting data or backend I/O */
	struct llist_head done;		/* completed by the backend */
	struct ktgt_page_pool pool;	/* data pages for this connection's commands */
	int cpu;			/* io_work runs here; WORK_CPU_UNBOUND: anywhere (login) */
	atomic_t inflight;		/* commands in the backend; wake_up_var() */
	u32 next_ttt;

	/* login timeout, then NOP-In pings of an idle initiator */
	struct delayed_work timeout_work;
	/* Data-In waited for an ACK that may not come soon (tx_window.h) */
	struct delayed_work window_work;
	unsigned long last_rx;		/* jiffies */
	unsigned long ping_sent;	/* jiffies; 0: no ping outstanding */
	u32 ping_ttt;
	bool login_pending;		/* counted in ktgt_nr_logins */
	struct ktgt_pdu *logout_rsp;	/* held until the I/O in flight is done */
	struct ktgt_pdu *tmf_rsp;	/* held until aborted tasks leave the backend */
	u32 tmf_waiting;		/* aborted tasks still in the backend */
	bool tmf_close;			/* TARGET COLD RESET: close after the response */
	/* LUNs whose tasks another nexus's PREEMPT AND ABORT aborts (atomic bitops) */
	DECLARE_BITMAP(pr_abort, KTGT_MAX_LUN + 1);
};

/* one outstanding R2T */
struct ktgt_r2t {
	u32 ttt;
	u32 offset;
	u32 len;
	u32 exp_datasn;
};

#define KTGT_MAX_R2T	16
/* data pages a command holds without a separate bio_vec array: 1 MiB */
#define KTGT_INLINE_BVECS	(SZ_1M / PAGE_SIZE)

struct ktgt_cmd {
	struct list_head node;		/* conn->cmds */
	struct llist_node done_node;
	refcount_t ref;			/* owner + queued PDUs */
	struct ktgt_conn *conn;
	struct ktgt_lun *lun;		/* NULL when the LUN is not mapped */
	u64 lun_id;
	u32 itt;
	u32 edtl;
	struct ktgt_cdb cdb;

	struct bio_vec *bvec;		/* data buffer, page by page */
	u32 nr_pages;
	u32 buf_len;			/* bytes in bvec */
	u32 data_len;			/* bytes moved on the wire */

	/* Data-Out */
	u32 received;			/* bytes received, in order */
	u32 unsol_limit;		/* end of the unsolicited burst */
	u32 r2t_next;			/* first byte not yet requested */
	u32 r2tsn;
	u32 exp_unsol_datasn;
	bool unsol_done;
	u8 nr_r2t;
	struct ktgt_r2t r2t[KTGT_MAX_R2T];

	/* status */
	bool failed;			/* status decided, data is drained */
	bool holds_slot;		/* counted in the session's window */
	bool held;			/* waits for a gap in CmdSN before it */
	u32 cmdsn;
	bool in_backend;
	bool aborted;			/* by task management: no response */
	u64 xfer;			/* bytes the CDB moves, for residuals */
	u32 io_len;			/* bytes read or written on the backend */
	struct work_struct work;	/* file backend */
	u8 status;
	u8 sense_len;
	u8 sense[SCSI_SENSE_BUF_LEN];
	blk_status_t io_status;
	int io_errno;			/* or the backend's errno */
	atomic_t bios;			/* bdev: bios still in flight */
	atomic64_t bad_lba;		/* first block that failed; U64_MAX: unknown */
	bool miscompare;		/* COMPARE AND WRITE: at byte miscompare_off */
	u32 miscompare_off;
	struct ktgt_range range;	/* blocks held for the backend */
	u64 start_ns;			/* when the command arrived, for latency */
	/* last: ktgt_cmd_alloc() zeroes what comes before it */
	struct bio_vec inline_bvec[KTGT_INLINE_BVECS];
};

/* a PDU on the transmit queue */
struct ktgt_pdu {
	struct list_head node;
	struct iscsi_bhs bhs;
	u8 sn_kind;			/* enum ktgt_sn_kind */
	struct ktgt_cmd *cmd;		/* data from the command's pages */
	u32 cmd_off;
	void *data;			/* or from this buffer (kfree'd) */
	u8 inline_data[2 + SCSI_SENSE_BUF_LEN];	/* or this one: sense data */
	u32 dlen;
	u32 sent;
	__le32 hdigest;
	__le32 ddigest;
};

/* what the CmdSN window says of a request */
enum ktgt_cmdsn_verdict {
	KTGT_CMDSN_IGNORE,		/* outside the window, or a duplicate */
	KTGT_CMDSN_RUN,
	KTGT_CMDSN_HOLD,		/* ahead of a gap: wait for it */
};

enum ktgt_sn_kind {
	KTGT_SN_NONE,			/* no StatSN (Data-In without status) */
	KTGT_SN_PEEK,			/* StatSN, not advanced (R2T) */
	KTGT_SN_NEXT,			/* takes a StatSN (responses) */
};

/* main.c */
int ktgt_tsih_alloc(void);
void ktgt_tsih_free(int tsih);

/* pool.c */
int ktgt_pool_init(struct dentry *debugfs);
void ktgt_pool_exit(void);
struct ktgt_cmd *ktgt_cmd_alloc(void);
void ktgt_cmd_release(struct ktgt_cmd *cmd);
struct ktgt_pdu *ktgt_pdu_zalloc(gfp_t gfp);
void ktgt_pdu_release(struct ktgt_pdu *pdu);
int ktgt_page_pool_init(struct ktgt_page_pool *pp);
void ktgt_page_pool_destroy(struct ktgt_page_pool *pp);
u32 ktgt_pages_get(struct ktgt_page_pool *pp, struct bio_vec *bvec, u32 nr);
void ktgt_pages_put(struct ktgt_page_pool *pp, const struct bio_vec *bvec, u32 nr);

/* target.c */
struct ktgt_target *ktgt_target_find(const char *name);
int ktgt_target_add(const char *name, struct netlink_ext_ack *extack);
int ktgt_target_del(struct ktgt_target *t, bool force, struct netlink_ext_ack *extack);
int ktgt_target_next_cpu(struct ktgt_target *t);
int ktgt_target_set_cpus(struct ktgt_target *t, const char *list, struct netlink_ext_ack *extack);
void ktgt_target_put(struct ktgt_target *t);
void ktgt_targets_destroy(void);
int ktgt_target_portal_add(struct ktgt_target *t, const struct sockaddr_storage *ss,
			   struct netlink_ext_ack *extack);
int ktgt_target_portal_del(struct ktgt_target *t, const struct sockaddr_storage *ss);
bool ktgt_target_has_portal(struct ktgt_target *t, struct ktgt_portal *p);
int ktgt_lun_add(struct ktgt_target *t, u64 id, const struct ktgt_lun_conf *conf,
		 struct netlink_ext_ack *extack);
int ktgt_lun_del(struct ktgt_target *t, u64 id, bool force, struct netlink_ext_ack *extack);
int ktgt_lun_set(struct ktgt_lun *lun, int readonly, int write_cache, bool resize,
		 const struct ktgt_lun_ident *ident, struct netlink_ext_ack *extack);
void ktgt_lun_capacity_changed(struct ktgt_lun *lun);
void ktgt_stats_cmd_done(struct ktgt_cmd *cmd);
void ktgt_stats_read(const struct ktgt_io_stats *s, struct ktgt_io_totals *out);
void ktgt_lun_stats_read(struct ktgt_lun *lun, struct ktgt_io_totals *out);
struct ktgt_lun *ktgt_lun_get(struct ktgt_target *t, u64 id);
void ktgt_lun_put(struct ktgt_lun *lun);
int ktgt_acl_add(struct ktgt_target *t, const struct ktgt_acl *entry);
int ktgt_acl_del(struct ktgt_target *t, const struct ktgt_acl *entry);
bool ktgt_acl_allows(struct ktgt_target *t, const char *initiator,
		     const struct sockaddr_storage *peer);
int ktgt_account_add(struct list_head *accounts, const char *user, const u8 *secret, u32 len,
		     bool outgoing, bool replace, struct netlink_ext_ack *extack);
int ktgt_account_del(struct list_head *accounts, const char *user, bool outgoing);
void ktgt_accounts_free(struct list_head *accounts);

/* CHAP accounts for discovery sessions, under ktgt_cfg_mutex */
extern struct list_head ktgt_discovery_accounts;

/* chap_crypto.c */
extern const struct ktgt_chap_ops ktgt_chap_kernel_ops;

extern struct list_head ktgt_targets;

/* portal.c */
struct ktgt_portal *ktgt_portal_bind(const struct sockaddr_storage *ss,
				     struct netlink_ext_ack *extack);
void ktgt_portal_unbind(struct ktgt_portal *p);
bool ktgt_portal_get(struct ktgt_portal *p);
void ktgt_portal_put(struct ktgt_portal *p);
bool ktgt_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* conn.c */
int ktgt_conn_create(struct ktgt_portal *portal, struct socket *sock);
void ktgt_conn_shutdown(struct ktgt_conn *conn);
void ktgt_conn_logged_in(struct ktgt_conn *conn);
void ktgt_conn_ping_answered(struct ktgt_conn *conn, u32 ttt);
void ktgt_conns_destroy(void);
void ktgt_conn_queue(struct ktgt_conn *conn, struct work_struct *work);
struct ktgt_pdu *ktgt_pdu_alloc(u8 opcode, u8 sn_kind, gfp_t gfp);
void ktgt_pdu_free(struct ktgt_pdu *pdu);
void ktgt_pdu_queue(struct ktgt_conn *conn, struct ktgt_pdu *pdu);
void ktgt_send_reject(struct ktgt_conn *conn, const struct iscsi_bhs *bad, u8 reason);

/* login.c */
int ktgt_login_start(struct ktgt_conn *conn);
void ktgt_login_free(struct ktgt_conn *conn);
int ktgt_login_pdu(struct ktgt_conn *conn, void *data, u32 len);

/* session.c */
int ktgt_session_create(struct ktgt_conn *conn, struct ktgt_target *t, const char *initiator,
			u64 isid, bool discovery, u32 cmdsn);
bool ktgt_cmdsn_accept(struct ktgt_session *sess, const struct iscsi_bhs *h, bool take_slot);
enum ktgt_cmdsn_verdict ktgt_cmdsn_take_cmd(struct ktgt_session *sess, const struct iscsi_bhs *h);
bool ktgt_cmdsn_unhold(struct ktgt_session *sess, u32 cmdsn);
void ktgt_session_detach(struct ktgt_conn *conn);
int ktgt_ffp_hdr(struct ktgt_conn *conn);
int ktgt_ffp_data(struct ktgt_conn *conn);
void ktgt_cmdsn_window(struct ktgt_session *sess, u32 *exp_cmdsn, u32 *max_cmdsn);
void ktgt_cmdsn_release(struct ktgt_session *sess, bool held);
void ktgt_sessions_kill(struct ktgt_target *t);
int ktgt_session_logout(struct ktgt_target *t, u16 tsih);
void ktgt_send_async_logout(struct ktgt_conn *conn);
void ktgt_logout_flush(struct ktgt_conn *conn);
void ktgt_tmf_task_done(struct ktgt_conn *conn);
int ktgt_sendtargets(struct ktgt_conn *conn, const char *value, struct ktgt_text_buf *out);

/* scsi.c */
int ktgt_cmd_new(struct ktgt_conn *conn);
int ktgt_cmd_data_out_hdr(struct ktgt_conn *conn);
void ktgt_cmd_data_out_done(struct ktgt_conn *conn);
void ktgt_cmd_immediate_done(struct ktgt_conn *conn);
void ktgt_cmd_io_done(struct ktgt_cmd *cmd, blk_status_t status);
void ktgt_cmd_io_done_errno(struct ktgt_cmd *cmd, int err);
void ktgt_cmd_bad_lba(struct ktgt_cmd *cmd, u64 lba);
void ktgt_cmd_submit(struct ktgt_cmd *cmd);
void ktgt_sense_from_errno(struct ktgt_cmd *cmd, int err);
void ktgt_sense_from_blk_status(struct ktgt_cmd *cmd, blk_status_t status);
void ktgt_cmd_check_info(struct ktgt_cmd *cmd, u8 key, u16 asc, u64 info);
void ktgt_cmd_complete(struct ktgt_cmd *cmd);
void ktgt_cmd_put(struct ktgt_cmd *cmd);
void ktgt_cmds_abort(struct ktgt_conn *conn);
void ktgt_cmds_release_held(struct ktgt_conn *conn);
struct ktgt_cmd *ktgt_cmd_find(struct ktgt_conn *conn, u32 itt);
u64 ktgt_lun_decode(const u8 *lun);
u32 ktgt_tmf_abort(struct ktgt_conn *conn, u64 lun, u32 itt);
void ktgt_nexus_abort_lun(struct ktgt_target *t, u64 lun_id, const char *initiator, u64 isid);
void ktgt_pr_aborts_run(struct ktgt_conn *conn);
int ktgt_cmd_alloc_buf(struct ktgt_cmd *cmd, u32 len);
void ktgt_cmd_copy_in(struct ktgt_cmd *cmd, const u8 *src, u32 len);
void ktgt_cmd_check(struct ktgt_cmd *cmd, u8 key, u16 asc);
void ktgt_lun_encode(u64 id, u8 *out);

/* scsi_emul.c */
void ktgt_scsi_emulate(struct ktgt_cmd *cmd);
u8 *ktgt_cmd_data_copy(struct ktgt_cmd *cmd);
bool ktgt_scsi_check_data(struct ktgt_cmd *cmd);
bool ktgt_verify_compare(struct ktgt_cmd *cmd, u32 *offset);
int ktgt_unmap_each(struct ktgt_cmd *cmd, int (*fn)(struct ktgt_cmd *cmd, u64 lba, u32 nr));
bool ktgt_write_same_zeroes(struct ktgt_cmd *cmd);
struct page *ktgt_write_same_page(struct ktgt_cmd *cmd);
void ktgt_caw_submit(struct ktgt_cmd *cmd);

/* scsi_range.c */
void ktgt_lun_ranges_init(struct ktgt_lun *lun);
bool ktgt_range_lock(struct ktgt_cmd *cmd);
void ktgt_range_unlock(struct ktgt_cmd *cmd);

/* backend_bdev.c */
int ktgt_bdev_init(void);
void ktgt_bdev_exit(void);

/* scsi_ua.c */
void ktgt_ua_session_init(struct ktgt_session *sess);
void ktgt_ua_session_free(struct ktgt_session *sess);
bool ktgt_ua_check(struct ktgt_cmd *cmd);
bool ktgt_ua_pop(struct ktgt_session *sess, u64 lun_id, u16 *asc);
void ktgt_ua_clear(struct ktgt_session *sess, u16 asc);
void ktgt_ua_lun_event(struct ktgt_target *t, u64 lun_id, struct ktgt_session *except,
		       u16 asc);
void ktgt_ua_nexus_event(struct ktgt_target *t, u64 lun_id, const char *initiator, u64 isid,
			 u16 asc);
void ktgt_ua_lun_gone(struct ktgt_target *t, u64 lun_id);
void ktgt_ua_luns_changed(struct ktgt_target *t);
void ktgt_ua_capacity_changed(struct ktgt_lun *lun);
u32 ktgt_ua_sense(u8 *b, bool desc, u16 asc);

/* scsi_pr.c */
int ktgt_pr_lun_init(struct ktgt_lun *lun);
void ktgt_pr_lun_free(struct ktgt_lun *lun);
bool ktgt_pr_check(struct ktgt_cmd *cmd);
void ktgt_pr_emulate(struct ktgt_cmd *cmd, u8 *b, u32 size, u32 *len);
void ktgt_pr_lun_reset(struct ktgt_lun *lun);
void ktgt_pr_target_reset(struct ktgt_target *t);
void ktgt_pr_session_gone(struct ktgt_session *sess);

/* netlink.c */
int ktgt_netlink_init(void);
void ktgt_netlink_exit(void);
void ktgt_nl_notify_session(u8 cmd, struct ktgt_session *sess, gfp_t gfp);
void ktgt_nl_notify_lun(u8 cmd, struct ktgt_lun *lun);
void ktgt_nl_notify_lun_error(struct ktgt_lun *lun, u64 lba, int err);

#endif /* KTGT_H */
