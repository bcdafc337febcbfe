// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions and the full-feature phase outside SCSI commands: the CmdSN
 * window, NOP-Out, Text (SendTargets), Logout and task management.
 */
#include <linux/inet.h>
#include <linux/slab.h>

#include "ktgt.h"

/**
 * ktgt_session_create() - a login completed: create its session
 * @conn: the connection, which becomes the session's only one
 * @t: target (its reference passes to the session), NULL for discovery
 * @initiator: initiator name
 * @isid: initiator session ID
 * @discovery: a Discovery session
 * @cmdsn: CmdSN of the login, the first ExpCmdSN
 *
 * A session with the same initiator name and ISID is reinstated: its
 * connection is closed (RFC 7143 section 6.3.5).
 *
 * Return: 0, -ENODEV when the target is being removed, or -ENOMEM.
 */
int ktgt_session_create(struct ktgt_conn *conn, struct ktgt_target *t, const char *initiator,
			u64 isid, bool discovery, u32 cmdsn)
{
	struct ktgt_session *sess, *old;
	int tsih;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return -ENOMEM;
	tsih = ktgt_tsih_alloc();
	if (tsih < 0) {
		kfree(sess);
		return tsih;
	}
	sess->tsih = tsih;
	sess->isid = isid;
	sess->discovery = discovery;
	strscpy(sess->initiator, initiator, sizeof(sess->initiator));
	sess->params = conn->params;
	sess->exp_cmdsn = cmdsn;
	spin_lock_init(&sess->sn_lock);
	ktgt_ua_session_init(sess);
	u64_stats_init(&sess->stats.syncp);
	sess->conn = conn;
	INIT_LIST_HEAD(&sess->node);
	atomic_inc(&ktgt_live.sessions);

	if (t) {
		spin_lock(&t->sess_lock);
		if (t->removed || t->draining) {
			spin_unlock(&t->sess_lock);
			ktgt_tsih_free(tsih);
			kfree(sess);
			return -ENODEV;
		}
		list_for_each_entry(old, &t->sessions, node) {
			if (old->isid == isid && !strcmp(old->initiator, initiator)) {
				pr_info("%s: reinstating session %u of %s\n", t->name,
					old->tsih, initiator);
				ktgt_nl_notify_session(KTGT_CMD_REINSTATE_NTF, old, GFP_ATOMIC);
				ktgt_conn_shutdown(old->conn);
				/* a new I_T nexus: it hears of the loss first */
				sess->reinstated = true;
			}
		}
		list_add_tail(&sess->node, &t->sessions);
		WRITE_ONCE(conn->cpu, ktgt_target_next_cpu(t));
		spin_unlock(&t->sess_lock);
		pr_info("%s: session %u from %s (%pISpc)\n", t->name, sess->tsih,
			initiator, &conn->peer);
	}
	sess->target = t;
	conn->sess = sess;
	if (t)
		ktgt_nl_notify_session(KTGT_CMD_LOGIN_NTF, sess, GFP_KERNEL);
	return 0;
}

/**
 * ktgt_session_detach() - end the session of a closing connection
 * @conn: connection, in its release work
 */
void ktgt_session_detach(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;
	struct ktgt_target *t;

	if (!sess)
		return;
	t = sess->target;
	if (t) {
		spin_lock(&t->sess_lock);
		list_del(&sess->node);
		spin_unlock(&t->sess_lock);
		pr_info("%s: session %u from %s closed\n", t->name, sess->tsih, sess->initiator);
		/* I_T nexus loss releases its SPC-2 reservations */
		ktgt_pr_session_gone(sess);
		ktgt_ua_session_free(sess);
		ktgt_nl_notify_session(KTGT_CMD_LOGOUT_NTF, sess, GFP_KERNEL);
		wake_up_all(&t->sess_wq);
		ktgt_target_put(t);
	}
	ktgt_tsih_free(sess->tsih);
	kfree(sess);
	conn->sess = NULL;
	atomic_dec(&ktgt_live.sessions);
}

static bool sessions_gone(struct ktgt_target *t)
{
	bool empty;

	spin_lock(&t->sess_lock);
	empty = list_empty(&t->sessions);
	spin_unlock(&t->sess_lock);
	return empty;
}

/**
 * ktgt_sessions_kill() - close every session of a removed target and wait
 * @t: target, already marked removed
 */
void ktgt_sessions_kill(struct ktgt_target *t)
{
	struct ktgt_session *sess;

	/* ask first: initiators that log out cleanly lose no I/O */
	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node) {
		set_bit(KTGT_CONN_WANT_ASYNC_LOGOUT, &sess->conn->flags);
		ktgt_conn_queue(sess->conn, &sess->conn->io_work);
	}
	spin_unlock(&t->sess_lock);
	if (wait_event_timeout(t->sess_wq, sessions_gone(t), KTGT_ASYNC_LOGOUT_WAIT))
		return;

	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		ktgt_conn_shutdown(sess->conn);
	spin_unlock(&t->sess_lock);
	wait_event(t->sess_wq, sessions_gone(t));
}

/* is @sess, with TSIH @tsih, still one of the target's sessions? */
static bool session_present(struct ktgt_target *t, struct ktgt_session *sess, u16 tsih)
{
	struct ktgt_session *s;
	bool found = false;

	spin_lock(&t->sess_lock);
	list_for_each_entry(s, &t->sessions, node)
		found |= s == sess && s->tsih == tsih;
	spin_unlock(&t->sess_lock);
	return found;
}

/**
 * ktgt_session_logout() - ask one session to log out, and drop it if it does not
 * @t: its target, with a reference held by the caller
 * @tsih: the session
 *
 * Sends an Async logout request, waits KTGT_ASYNC_LOGOUT_WAIT for the
 * initiator to log out, then closes the connection and waits until the
 * session is gone (its I/O done). @sess is compared, never dereferenced,
 * once the lock is dropped.
 *
 * Context: process, no ktgt_cfg_mutex (the connection may need it).
 * Return: 0, or -ENOENT when the target has no such session.
 */
int ktgt_session_logout(struct ktgt_target *t, u16 tsih)
{
	struct ktgt_session *s, *sess = NULL;

	spin_lock(&t->sess_lock);
	list_for_each_entry(s, &t->sessions, node) {
		if (s->tsih == tsih) {
			sess = s;
			set_bit(KTGT_CONN_WANT_ASYNC_LOGOUT, &s->conn->flags);
			queue_work(ktgt_io_wq, &s->conn->io_work);
			break;
		}
	}
	spin_unlock(&t->sess_lock);
	if (!sess)
		return -ENOENT;
	if (wait_event_timeout(t->sess_wq, !session_present(t, sess, tsih),
			       KTGT_ASYNC_LOGOUT_WAIT))
		return 0;

	spin_lock(&t->sess_lock);
	list_for_each_entry(s, &t->sessions, node)
		if (s == sess && s->tsih == tsih)
			ktgt_conn_shutdown(s->conn);
	spin_unlock(&t->sess_lock);
	wait_event(t->sess_wq, !session_present(t, sess, tsih));
	return 0;
}

/**
 * ktgt_send_async_logout() - ask the initiator to log out (AsyncEvent 1)
 * @conn: connection
 *
 * Context: io_work.
 */
void ktgt_send_async_logout(struct ktgt_conn *conn)
{
	struct ktgt_pdu *pdu;

	if (conn->state != KTGT_CONN_FULL_FEATURE)
		return;
	pdu = ktgt_pdu_alloc(ISCSI_OP_ASYNC_MSG, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return;
	pdu->bhs.itt = cpu_to_be32(ISCSI_RSVD_TAG);
	/* AsyncEvent 1, Parameter3: seconds the initiator has to log out */
	pdu->bhs.word9 = cpu_to_be32(1 << 24);
	put_unaligned_be16(KTGT_ASYNC_LOGOUT_WAIT / HZ, (u8 *)&pdu->bhs.word10 + 2);
	ktgt_pdu_queue(conn, pdu);
}

/**
 * ktgt_cmdsn_window() - ExpCmdSN and MaxCmdSN, read together
 * @sess: session
 * @exp_cmdsn: the next CmdSN the session expects
 * @max_cmdsn: the last CmdSN the session may send
 *
 * The window shrinks by one for each command taken in and grows back when
 * it is answered, so MaxCmdSN never goes backwards. Commands held for a
 * gap are inside the window already and do not shrink it.
 */
void ktgt_cmdsn_window(struct ktgt_session *sess, u32 *exp_cmdsn, u32 *max_cmdsn)
{
	spin_lock(&sess->sn_lock);
	*exp_cmdsn = sess->exp_cmdsn;
	*max_cmdsn = sess->exp_cmdsn + KTGT_QUEUE_DEPTH - 1 - (sess->outstanding - sess->held);
	spin_unlock(&sess->sn_lock);
}

/*
 * Where a non-immediate request falls in the window. Ahead of ExpCmdSN but
 * inside the window, it is marked in the ahead bitmap; ExpCmdSN then moves
 * past it once the gap before it is filled (RFC 7143 section 4.2.2.1).
 */
static enum ktgt_cmdsn_verdict cmdsn_take(struct ktgt_session *sess, u32 cmdsn)
{
	u32 d = cmdsn - sess->exp_cmdsn;

	lockdep_assert_held(&sess->sn_lock);
	if (!d) {
		sess->exp_cmdsn++;
		bitmap_shift_right(sess->ahead, sess->ahead, 1, KTGT_QUEUE_DEPTH);
		/* the gap is filled: ExpCmdSN moves past what arrived early */
		while (test_bit(0, sess->ahead)) {
			sess->exp_cmdsn++;
			bitmap_shift_right(sess->ahead, sess->ahead, 1, KTGT_QUEUE_DEPTH);
		}
		return KTGT_CMDSN_RUN;
	}
	/* beyond MaxCmdSN, behind ExpCmdSN (serial arithmetic), or a duplicate */
	if (d > KTGT_QUEUE_DEPTH - 1 - (sess->outstanding - sess->held) ||
	    test_bit(d, sess->ahead))
		return KTGT_CMDSN_IGNORE;
	set_bit(d, sess->ahead);
	return KTGT_CMDSN_HOLD;
}

/**
 * ktgt_cmdsn_accept() - may this request run, by CmdSN?
 * @sess: session
 * @h: request header, not a SCSI Command (see ktgt_cmdsn_take_cmd())
 * @take_slot: the request occupies a queue slot until answered
 *
 * Immediate requests always run and do not advance ExpCmdSN. Others inside
 * the window run; one ahead of ExpCmdSN (a gap before it) runs too, since
 * only SCSI commands are ordered, and counts as received for the gap.
 * Requests outside the window and duplicates are ignored (RFC 7143 section
 * 4.2.2.1).
 *
 * Return: true when the request is to be executed.
 */
bool ktgt_cmdsn_accept(struct ktgt_session *sess, const struct iscsi_bhs *h, bool take_slot)
{
	u32 cmdsn = be32_to_cpu(h->sn);
	enum ktgt_cmdsn_verdict v;

	if (h->opcode & ISCSI_OP_IMMEDIATE)
		return true;
	spin_lock(&sess->sn_lock);
	v = cmdsn_take(sess, cmdsn);
	if (v != KTGT_CMDSN_IGNORE && take_slot)
		sess->outstanding++;
	spin_unlock(&sess->sn_lock);
	if (v == KTGT_CMDSN_IGNORE)
		pr_debug("ignoring CmdSN %u, expected %u\n", cmdsn, sess->exp_cmdsn);
	return v != KTGT_CMDSN_IGNORE;
}

/**
 * ktgt_cmdsn_take_cmd() - place a SCSI Command in CmdSN order
 * @sess: session
 * @h: the command's header
 *
 * A command ahead of ExpCmdSN inside the window is held: it takes a slot
 * and receives its data, but is not executed until every command before
 * it has arrived (ktgt_cmds_release_held()).
 *
 * Return: whether to run, hold or ignore the command.
 */
enum ktgt_cmdsn_verdict ktgt_cmdsn_take_cmd(struct ktgt_session *sess, const struct iscsi_bhs *h)
{
	u32 cmdsn = be32_to_cpu(h->sn);
	enum ktgt_cmdsn_verdict v = KTGT_CMDSN_RUN;

	spin_lock(&sess->sn_lock);
	if (!(h->opcode & ISCSI_OP_IMMEDIATE)) {
		v = cmdsn_take(sess, cmdsn);
		if (v != KTGT_CMDSN_IGNORE)
			sess->outstanding++;
		if (v == KTGT_CMDSN_HOLD)
			sess->held++;
	}
	spin_unlock(&sess->sn_lock);
	if (v == KTGT_CMDSN_IGNORE)
		pr_debug("ignoring CmdSN %u, expected %u\n", cmdsn, sess->exp_cmdsn);
	return v;
}

/**
 * ktgt_cmdsn_release() - a command that took a slot was answered or dropped
 * @sess: session
 * @held: it was still held for a gap
 */
void ktgt_cmdsn_release(struct ktgt_session *sess, bool held)
{
	spin_lock(&sess->sn_lock);
	sess->outstanding--;
	if (held)
		sess->held--;
	spin_unlock(&sess->sn_lock);
}

/**
 * ktgt_cmdsn_unhold() - ExpCmdSN has passed a held command: it may run
 * @sess: session
 * @cmdsn: the command's CmdSN
 *
 * Return: true when @cmdsn is behind ExpCmdSN now (and no longer counted
 * as held).
 */
bool ktgt_cmdsn_unhold(struct ktgt_session *sess, u32 cmdsn)
{
	bool passed;

	spin_lock(&sess->sn_lock);
	passed = (s32)(cmdsn - sess->exp_cmdsn) < 0;
	if (passed)
		sess->held--;
	spin_unlock(&sess->sn_lock);
	return passed;
}

static __be16 *sa_port(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return &((struct sockaddr_in6 *)ss)->sin6_port;
	return &((struct sockaddr_in *)ss)->sin_port;
}

/* "IP:port,TPGT", with the IPv6 address in brackets */
static void portal_address(struct ktgt_conn *conn, struct ktgt_portal *p, char *buf, size_t len)
{
	struct sockaddr_storage ss = p->addr;

	/* a wildcard portal is reached at the address this connection used */
	if (inet_addr_is_any((struct sockaddr *)&ss)) {
		__be16 port = *sa_port(&ss);

		ss = conn->local;
		*sa_port(&ss) = port;
	}
	snprintf(buf, len, "%pISpc,%u", &ss, KTGT_TPGT);
}

/**
 * ktgt_sendtargets() - answer SendTargets (RFC 7143 appendix C)
 * @conn: connection
 * @value: "All", a target name, or "" for the session's own target
 * @out: reply buffer
 *
 * Lists the targets reachable through this connection's portal that the
 * initiator may log in to, each with every portal it is bound to.
 *
 * Return: 0 or -ENOSPC.
 */
int ktgt_sendtargets(struct ktgt_conn *conn, const char *value, struct ktgt_text_buf *out)
{
	struct ktgt_session *sess = conn->sess;
	struct ktgt_target_portal *tp;
	struct ktgt_target *t;
	char addr[64];
	int ret = 0;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(t, &ktgt_targets, node) {
		if (!strcmp(value, "All")) {
			/* every target */
		} else if (!*value) {
			if (t != sess->target)
				continue;
		} else if (strcmp(value, t->name)) {
			continue;
		}
		if (!ktgt_target_has_portal(t, conn->portal) ||
		    !ktgt_acl_allows(t, sess->initiator, &conn->peer))
			continue;
		ret = ktgt_text_add(out, "TargetName", t->name);
		list_for_each_entry(tp, &t->portals, node) {
			if (ret)
				break;
			portal_address(conn, tp->portal, addr, sizeof(addr));
			ret = ktgt_text_add(out, "TargetAddress", addr);
		}
		if (ret)
			break;
	}
	mutex_unlock(&ktgt_cfg_mutex);
	return ret;
}

static void text_send_chunk(struct ktgt_conn *conn, const struct iscsi_bhs *req)
{
	u32 left = conn->text_out_len - conn->text_out_off;
	u32 len = min(left, conn->params.max_xmit_dsl);
	struct ktgt_pdu *pdu;

	pdu = ktgt_pdu_alloc(ISCSI_OP_TEXT_RSP, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return;
	pdu->data = kmemdup(conn->text_out + conn->text_out_off, len, GFP_KERNEL);
	if (len && !pdu->data) {
		ktgt_pdu_free(pdu);
		return;
	}
	pdu->dlen = len;
	pdu->bhs.itt = req->itt;
	conn->text_out_off += len;
	if (conn->text_out_off < conn->text_out_len) {
		/* more to come: the initiator asks for it with our TTT */
		pdu->bhs.flags = ISCSI_LOGIN_CONTINUE;
		conn->text_ttt = conn->next_ttt++;
		if (conn->text_ttt == ISCSI_RSVD_TAG)
			conn->text_ttt = conn->next_ttt++;
		pdu->bhs.ttt = cpu_to_be32(conn->text_ttt);
	} else {
		pdu->bhs.ttt = cpu_to_be32(ISCSI_RSVD_TAG);
		kfree(conn->text_out);
		conn->text_out = NULL;
	}
	ktgt_pdu_queue(conn, pdu);
}

static int handle_text(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u32 ttt = be32_to_cpu(h->ttt);
	struct ktgt_text_buf out;
	struct ktgt_text_iter it;
	enum ktgt_text_err err;
	struct ktgt_kv kv;
	char *buf;

	if (ttt != ISCSI_RSVD_TAG) {
		if (!conn->text_out || ttt != conn->text_ttt) {
			ktgt_send_reject(conn, h, ISCSI_REJECT_INVALID_PDU_FIELD);
			return 0;
		}
		text_send_chunk(conn, h);
		return 0;
	}
	if (!(h->flags & ISCSI_FLAG_FINAL)) {
		/* multi-PDU text requests are not needed for SendTargets */
		ktgt_send_reject(conn, h, ISCSI_REJECT_CMD_NOT_SUPPORTED);
		return 0;
	}

	buf = kmalloc(KTGT_TEXT_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ktgt_text_buf_init(&out, buf, KTGT_TEXT_MAX);
	ktgt_text_iter_init(&it, conn->rx_buf, conn->rx_dlen);
	while ((err = ktgt_text_next(&it, &kv, ISCSI_VALUE_MAX)) == KTGT_TEXT_OK) {
		if (!strcmp(kv.key, "SendTargets"))
			ktgt_sendtargets(conn, kv.value, &out);
		else
			ktgt_text_add(&out, kv.key, "NotUnderstood");
	}
	if (err != KTGT_TEXT_END) {
		kfree(buf);
		pr_info_ratelimited("text request from %pISpc: %s\n", &conn->peer,
				    ktgt_text_strerror(err));
		ktgt_send_reject(conn, h, ISCSI_REJECT_PROTOCOL_ERROR);
		return 0;
	}
	if (out.overflow)
		pr_warn_ratelimited("SendTargets reply to %pISpc truncated\n", &conn->peer);

	kfree(conn->text_out);
	conn->text_out = buf;
	conn->text_out_len = out.len;
	conn->text_out_off = 0;
	text_send_chunk(conn, h);
	return 0;
}

static int handle_nop_out(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	struct ktgt_pdu *pdu;

	if (h->itt == cpu_to_be32(ISCSI_RSVD_TAG)) {
		/* an answer to our ping must be immediate (RFC 7143 11.18) */
		if (!(h->opcode & ISCSI_OP_IMMEDIATE))
			ktgt_send_reject(conn, h, ISCSI_REJECT_PROTOCOL_ERROR);
		else
			ktgt_conn_ping_answered(conn, be32_to_cpu(h->ttt));
		return 0;
	}
	if (!ktgt_cmdsn_accept(conn->sess, h, false))
		return 0;
	pdu = ktgt_pdu_alloc(ISCSI_OP_NOOP_IN, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	if (conn->rx_dlen) {
		pdu->data = kmemdup(conn->rx_buf, conn->rx_dlen, GFP_KERNEL);
		if (!pdu->data) {
			ktgt_pdu_free(pdu);
			return -ENOMEM;
		}
		pdu->dlen = conn->rx_dlen;
	}
	memcpy(pdu->bhs.lun, h->lun, sizeof(h->lun));
	pdu->bhs.itt = h->itt;
	pdu->bhs.ttt = cpu_to_be32(ISCSI_RSVD_TAG);
	ktgt_pdu_queue(conn, pdu);
	return 0;
}

static int handle_logout(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u8 reason = h->flags & ISCSI_LOGOUT_REASON_MASK;
	u16 cid = be32_to_cpu(h->ttt) >> 16;
	u8 response = ISCSI_LOGOUT_OK;
	struct ktgt_pdu *pdu;

	if (!ktgt_cmdsn_accept(conn->sess, h, false))
		return 0;
	if (reason == ISCSI_LOGOUT_RECOVERY)
		response = ISCSI_LOGOUT_RECOVERY_UNSUPPORTED;	/* ERL 0 */
	else if (reason == ISCSI_LOGOUT_CONNECTION && cid != conn->cid)
		response = ISCSI_LOGOUT_CID_NOT_FOUND;
	else if (reason > ISCSI_LOGOUT_RECOVERY)
		response = ISCSI_LOGOUT_CLEANUP_FAILED;

	pdu = ktgt_pdu_alloc(ISCSI_OP_LOGOUT_RSP, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	pdu->bhs.rsvd2[0] = response;
	pdu->bhs.itt = h->itt;
	put_unaligned_be16(conn->params.time2wait, &pdu->bhs.word10);
	put_unaligned_be16(conn->params.time2retain, (u8 *)&pdu->bhs.word10 + 2);
	if (response != ISCSI_LOGOUT_OK) {
		ktgt_pdu_queue(conn, pdu);
		return 0;
	}

	/*
	 * Tasks still waiting for data are terminated; those in the backend
	 * finish first, so the response goes out once nothing is in flight
	 * (RFC 7143 section 11.14).
	 */
	conn->state = KTGT_CONN_LOGOUT;
	ktgt_cmds_abort(conn);
	conn->logout_rsp = pdu;
	ktgt_logout_flush(conn);
	return 0;
}

/**
 * ktgt_logout_flush() - send a held Logout Response once no I/O is left
 * @conn: connection
 *
 * Context: io_work.
 */
void ktgt_logout_flush(struct ktgt_conn *conn)
{
	if (!conn->logout_rsp || atomic_read(&conn->inflight) || !llist_empty(&conn->done))
		return;
	ktgt_pdu_queue(conn, conn->logout_rsp);
	conn->logout_rsp = NULL;
	set_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags);
}

enum ktgt_tmf_function {
	TMF_ABORT_TASK = 1,
	TMF_ABORT_TASK_SET,
	TMF_CLEAR_ACA,
	TMF_CLEAR_TASK_SET,
	TMF_LUN_RESET,
	TMF_TARGET_WARM_RESET,
	TMF_TARGET_COLD_RESET,
	TMF_TASK_REASSIGN,
};

static void tmf_send(struct ktgt_conn *conn)
{
	ktgt_pdu_queue(conn, conn->tmf_rsp);
	conn->tmf_rsp = NULL;
	if (conn->tmf_close) {
		conn->state = KTGT_CONN_LOGOUT;
		set_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags);
	}
}

/**
 * ktgt_tmf_task_done() - an aborted task left the backend
 * @conn: connection
 *
 * Context: io_work.
 */
void ktgt_tmf_task_done(struct ktgt_conn *conn)
{
	if (!--conn->tmf_waiting && conn->tmf_rsp)
		tmf_send(conn);
}

/*
 * Task management (RFC 7143 section 11.5). The scope is this session's
 * tasks; the response waits until every aborted task has left the
 * backend.
 */
static u8 tmf_run(struct ktgt_conn *conn, const struct iscsi_bhs *h, u8 func)
{
	u64 lun = ktgt_lun_decode(h->lun);
	struct ktgt_lun *l;

	switch (func) {
	case TMF_ABORT_TASK:
		return ktgt_tmf_abort(conn, lun, be32_to_cpu(h->ttt)) ? ISCSI_TMF_COMPLETE :
									ISCSI_TMF_NO_TASK;
	case TMF_ABORT_TASK_SET:
	case TMF_CLEAR_TASK_SET:
	case TMF_LUN_RESET:
		l = ktgt_lun_get(conn->sess->target, lun);
		if (!l)
			return ISCSI_TMF_NO_LUN;
		ktgt_tmf_abort(conn, lun, ISCSI_RSVD_TAG);
		if (func == TMF_LUN_RESET) {
			/* SAM-5 7.7: the other nexuses hear of it; SPC-2 reservations go */
			ktgt_pr_lun_reset(l);
			ktgt_ua_lun_event(conn->sess->target, lun, conn->sess,
					  ASC_BUS_DEVICE_RESET);
		}
		ktgt_lun_put(l);
		return ISCSI_TMF_COMPLETE;
	case TMF_TARGET_COLD_RESET:
		conn->tmf_close = true;
		fallthrough;
	case TMF_TARGET_WARM_RESET:
		ktgt_tmf_abort(conn, U64_MAX, ISCSI_RSVD_TAG);
		/* a reset of every LU (SAM-5 7.8) */
		ktgt_pr_target_reset(conn->sess->target);
		ktgt_ua_lun_event(conn->sess->target, U64_MAX, conn->sess, ASC_BUS_DEVICE_RESET);
		return ISCSI_TMF_COMPLETE;
	case TMF_TASK_REASSIGN:
		return ISCSI_TMF_NO_REASSIGN;	/* ERL 0 */
	case TMF_CLEAR_ACA:
		return ISCSI_TMF_NOT_SUPPORTED;	/* NACA is not supported */
	default:
		return ISCSI_TMF_REJECTED;
	}
}

static int handle_tmf(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u8 func = h->flags & ISCSI_TMF_FUNC_MASK;
	struct ktgt_pdu *pdu;
	u8 response;

	if (!ktgt_cmdsn_accept(conn->sess, h, false))
		return 0;
	pdu = ktgt_pdu_alloc(ISCSI_OP_TMF_RSP, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	/* one function at a time: initiators wait for each answer */
	response = conn->tmf_rsp ? ISCSI_TMF_REJECTED : tmf_run(conn, h, func);
	pr_info_ratelimited("task management function %u from %pISpc: response %u\n",
			    func, &conn->peer, response);
	pdu->bhs.rsvd2[0] = response;
	pdu->bhs.itt = h->itt;
	if (response == ISCSI_TMF_REJECTED || !conn->tmf_waiting) {
		ktgt_pdu_queue(conn, pdu);
		if (conn->tmf_close && !conn->tmf_rsp) {
			conn->state = KTGT_CONN_LOGOUT;
			set_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags);
		}
		return 0;
	}
	conn->tmf_rsp = pdu;
	return 0;
}

/**
 * ktgt_ffp_hdr() - a full-feature phase header arrived: route its data
 * @conn: connection
 *
 * Return: 0, or a negative errno to drop the connection.
 */
int ktgt_ffp_hdr(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u8 op = iscsi_bhs_opcode(h);

	if (conn->sess->discovery && op != ISCSI_OP_TEXT_REQ && op != ISCSI_OP_LOGOUT_REQ &&
	    op != ISCSI_OP_NOOP_OUT) {
		ktgt_send_reject(conn, h, ISCSI_REJECT_PROTOCOL_ERROR);
		conn->rx_sink = KTGT_SINK_NONE;
		return 0;
	}

	switch (op) {
	case ISCSI_OP_SCSI_CMD:
		return ktgt_cmd_new(conn);
	case ISCSI_OP_DATA_OUT:
		return ktgt_cmd_data_out_hdr(conn);
	case ISCSI_OP_NOOP_OUT:
	case ISCSI_OP_TEXT_REQ:
	case ISCSI_OP_LOGOUT_REQ:
	case ISCSI_OP_TMF_REQ:
		conn->rx_sink = KTGT_SINK_BUF;
		return 0;
	default:
		ktgt_send_reject(conn, h, ISCSI_REJECT_CMD_NOT_SUPPORTED);
		conn->rx_sink = KTGT_SINK_NONE;
		return 0;
	}
}

/**
 * ktgt_ffp_data() - a full-feature phase PDU is complete: handle it
 * @conn: connection
 *
 * Return: 0, or a negative errno to drop the connection.
 */
int ktgt_ffp_data(struct ktgt_conn *conn)
{
	switch (iscsi_bhs_opcode(&conn->rx_bhs)) {
	case ISCSI_OP_SCSI_CMD:
		ktgt_cmd_immediate_done(conn);
		return 0;
	case ISCSI_OP_DATA_OUT:
		ktgt_cmd_data_out_done(conn);
		return 0;
	case ISCSI_OP_NOOP_OUT:
		return handle_nop_out(conn);
	case ISCSI_OP_TEXT_REQ:
		if (!ktgt_cmdsn_accept(conn->sess, &conn->rx_bhs, false))
			return 0;
		return handle_text(conn);
	case ISCSI_OP_LOGOUT_REQ:
		return handle_logout(conn);
	case ISCSI_OP_TMF_REQ:
		return handle_tmf(conn);
	}
	return 0;
}
