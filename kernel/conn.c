// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: socket callbacks, the receive and transmit state machines,
 * and teardown.
 *
 * sk_data_ready and sk_write_space queue the connection's io_work, which
 * receives and sends within a fixed budget, as nvmet-tcp does. All protocol
 * state of a connection is touched only from io_work; the backend hands
 * completed commands over through conn->done.
 */
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <linux/wait_bit.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktgt.h"
#include "tx_window.h"

#define KTGT_IO_BUDGET		64	/* rounds per io_work run; PDUs each way per round */
#define KTGT_SCRATCH		PAGE_SIZE
/* read ahead past data segments of up to this many page pieces */
#define KTGT_RX_AHEAD_SEGS	4
#define KTGT_RX_AHEAD_PAD	4	/* room for the padding before the header */
#define KTGT_RX_AHEAD		64	/* padding and header, one kmalloc() */

static LIST_HEAD(ktgt_conns);			/* oldest first */
static DEFINE_SPINLOCK(ktgt_conns_lock);	/* protects ktgt_conns, ktgt_nr_logins */
static DECLARE_WAIT_QUEUE_HEAD(ktgt_conns_wq);
static unsigned int ktgt_nr_logins;		/* connections still logging in */

/**
 * ktgt_conn_queue() - queue work for a connection, on its CPU if it has one
 * @conn: connection
 * @work: its io_work, or one of its commands' backend work
 *
 * A target pinned to a CPU set (ktgtctl target set ... cpus) gives each
 * connection one CPU of the set; everything the connection does runs there.
 */
void ktgt_conn_queue(struct ktgt_conn *conn, struct work_struct *work)
{
	queue_work_on(READ_ONCE(conn->cpu), ktgt_io_wq, work);
}

static void ktgt_conn_data_ready(struct sock *sk)
{
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		ktgt_conn_queue(conn, &conn->io_work);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_conn_write_space(struct sock *sk)
{
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		ktgt_conn_queue(conn, &conn->io_work);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_conn_state_change(struct sock *sk)
{
	void (*state_change)(struct sock *sk) = NULL;
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn) {
		state_change = conn->saved_state_change;
		switch (sk->sk_state) {
		case TCP_FIN_WAIT1:
		case TCP_CLOSE_WAIT:
		case TCP_CLOSE:
			ktgt_conn_shutdown(conn);
			break;
		}
	}
	read_unlock_bh(&sk->sk_callback_lock);
	if (state_change)
		state_change(sk);
}

/**
 * ktgt_conn_shutdown() - start tearing a connection down
 * @conn: connection
 *
 * Context: any; the work happens in release_work.
 */
void ktgt_conn_shutdown(struct ktgt_conn *conn)
{
	if (!test_and_set_bit(KTGT_CONN_DYING, &conn->flags))
		queue_work(ktgt_io_wq, &conn->release_work);
}

/**
 * ktgt_pdu_alloc() - a PDU to send, with its opcode set
 * @opcode: target opcode
 * @sn_kind: how StatSN is filled in at send time
 * @gfp: allocation flags
 *
 * Return: the PDU, or NULL.
 */
struct ktgt_pdu *ktgt_pdu_alloc(u8 opcode, u8 sn_kind, gfp_t gfp)
{
	struct ktgt_pdu *pdu = ktgt_pdu_zalloc(gfp);

	if (!pdu)
		return NULL;
	atomic_inc(&ktgt_live.pdus);
	pdu->bhs.opcode = opcode;
	pdu->bhs.flags = ISCSI_FLAG_FINAL;
	pdu->sn_kind = sn_kind;
	return pdu;
}

/**
 * ktgt_pdu_free() - free a PDU that was not queued, or has been sent
 * @pdu: PDU from ktgt_pdu_alloc()
 */
void ktgt_pdu_free(struct ktgt_pdu *pdu)
{
	atomic_dec(&ktgt_live.pdus);
	if (pdu->cmd)
		ktgt_cmd_put(pdu->cmd);
	ktgt_pdu_release(pdu);
}

/**
 * ktgt_pdu_queue() - queue a PDU for sending
 * @conn: connection
 * @pdu: PDU; its data length is set from @pdu->dlen
 *
 * Context: io_work.
 */
void ktgt_pdu_queue(struct ktgt_conn *conn, struct ktgt_pdu *pdu)
{
	iscsi_bhs_set_dlength(&pdu->bhs, pdu->dlen);
	list_add_tail(&pdu->node, &conn->tx_queue);
}

/**
 * ktgt_send_reject() - answer a PDU with a Reject carrying its header
 * @conn: connection
 * @bad: the offending header
 * @reason: enum iscsi_reject_reason
 */
void ktgt_send_reject(struct ktgt_conn *conn, const struct iscsi_bhs *bad, u8 reason)
{
	struct ktgt_pdu *pdu = ktgt_pdu_alloc(ISCSI_OP_REJECT, KTGT_SN_NEXT, GFP_KERNEL);

	pr_warn_ratelimited("rejecting opcode 0x%02x from %pISpc: reason 0x%02x\n",
			    bad->opcode, &conn->peer, reason);
	if (!pdu)
		return;
	pdu->data = kmemdup(bad, ISCSI_BHS_LEN, GFP_KERNEL);
	if (!pdu->data) {
		ktgt_pdu_free(pdu);
		return;
	}
	pdu->dlen = ISCSI_BHS_LEN;
	pdu->bhs.rsvd2[0] = reason;
	pdu->bhs.itt = cpu_to_be32(ISCSI_RSVD_TAG);
	ktgt_pdu_queue(conn, pdu);
}

/* ---- digests (RFC 7143 section 13.1: CRC32C, sent little-endian) ---- */

static __le32 digest_final(u32 crc)
{
	return cpu_to_le32(~crc);
}

/* CRC32C over part of a command's buffer: whole pages, offset 0 */
static u32 crc_cmd_pages(u32 crc, struct ktgt_cmd *cmd, u32 off, u32 len)
{
	while (len) {
		u32 poff = offset_in_page(off), n = min_t(u32, len, PAGE_SIZE - poff);
		u8 *p = kmap_local_page(cmd->bvec[off >> PAGE_SHIFT].bv_page);

		crc = crc32c(crc, p + poff, n);
		kunmap_local(p);
		off += n;
		len -= n;
	}
	return crc;
}

/* ---- receive ---- */

static int recv_iter(struct ktgt_conn *conn, struct msghdr *msg, int flags)
{
	int ret = sock_recvmsg(conn->sock, msg, flags | MSG_DONTWAIT | MSG_NOSIGNAL);

	if (ret == 0)
		return -ECONNRESET;
	if (ret > 0)
		WRITE_ONCE(conn->last_rx, jiffies);
	return ret;
}

static int recv_kvec(struct ktgt_conn *conn, void *buf, size_t len, int flags)
{
	struct msghdr msg = { };
	struct kvec kv = { .iov_base = buf, .iov_len = len };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, len);
	return recv_iter(conn, &msg, flags);
}

/*
 * Drop data we do not keep. Without a data digest TCP drops it without a
 * copy; with one, it must be read to be checked.
 */
static int recv_discard(struct ktgt_conn *conn, u32 len)
{
	int ret;

	if (!conn->ddigest)
		return recv_kvec(conn, NULL, len, MSG_TRUNC);
	if (!conn->rx_scratch) {
		conn->rx_scratch = kmalloc(KTGT_SCRATCH, GFP_KERNEL);
		if (!conn->rx_scratch)
			return -ENOMEM;
	}
	ret = recv_kvec(conn, conn->rx_scratch, min_t(u32, len, KTGT_SCRATCH), 0);
	if (ret > 0)
		conn->rx_crc = crc32c(conn->rx_crc, conn->rx_scratch, ret);
	return ret;
}

/*
 * The rest of a small data segment (at most KTGT_RX_AHEAD_SEGS page pieces),
 * its padding and the next PDU's header, in one recvmsg(): a 4k write then
 * takes the socket lock once, not twice. Return: as recv_iter().
 */
static int recv_cmd_pages_ahead(struct ktgt_conn *conn, struct ktgt_cmd *cmd, u32 off,
				u32 len, u32 pad)
{
	struct bio_vec bv[KTGT_RX_AHEAD_SEGS + 1];
	u8 *ahead = conn->rx_ahead + KTGT_RX_AHEAD_PAD - pad;
	struct msghdr msg = { };
	u32 n = 0, left = len;

	while (left) {
		u32 poff = offset_in_page(off), c = min_t(u32, left, PAGE_SIZE - poff);

		bvec_set_page(&bv[n++], cmd->bvec[off >> PAGE_SHIFT].bv_page, c, poff);
		off += c;
		left -= c;
	}
	bvec_set_page(&bv[n++], virt_to_page(ahead), pad + ISCSI_BHS_LEN, offset_in_page(ahead));
	iov_iter_bvec(&msg.msg_iter, ITER_DEST, bv, n, len + pad + ISCSI_BHS_LEN);
	return recv_iter(conn, &msg, 0);
}

/*
 * Data past the command's buffer (EDTL above what the CDB moves) is dropped.
 * Return: bytes received, which may run into @pad and the next header (see
 * ktgt_rx_ahead()), or an errno.
 */
static int recv_cmd_pages(struct ktgt_conn *conn, struct ktgt_cmd *cmd, u32 off, u32 len,
			  u32 pad)
{
	struct msghdr msg = { };
	int ret;

	if (off >= cmd->buf_len)
		return recv_discard(conn, len);
	if (!conn->ddigest && len <= cmd->buf_len - off &&
	    offset_in_page(off) + len <= KTGT_RX_AHEAD_SEGS * PAGE_SIZE) {
		ret = recv_cmd_pages_ahead(conn, cmd, off, len, pad);
	} else {
		iov_iter_bvec(&msg.msg_iter, ITER_DEST, cmd->bvec, cmd->nr_pages, cmd->buf_len);
		iov_iter_advance(&msg.msg_iter, off);
		iov_iter_truncate(&msg.msg_iter, len);
		ret = recv_iter(conn, &msg, 0);
	}
	if (ret <= 0)
		return ret;
	this_cpu_add(ktgt_dp_stats.data_out_direct, min_t(u32, ret, len));
	if (conn->ddigest)
		conn->rx_crc = crc_cmd_pages(conn->rx_crc, cmd, off, ret);
	return ret;
}

/* where the data segment of the PDU whose header just arrived goes */
static int ktgt_rx_hdr(struct ktgt_conn *conn)
{
	struct iscsi_bhs *h = &conn->rx_bhs;
	u32 limit;

	conn->rx_dlen = iscsi_bhs_dlength(h);
	conn->rx_sink = KTGT_SINK_DISCARD;
	conn->rx_data_off = 0;
	conn->rx_cmd = NULL;

	switch (conn->state) {
	case KTGT_CONN_LOGIN:
		if (iscsi_bhs_opcode(h) != ISCSI_OP_LOGIN_REQ || conn->rx_dlen > KTGT_TEXT_MAX)
			return 0;	/* ktgt_login_pdu() answers it */
		conn->rx_sink = KTGT_SINK_BUF;
		limit = conn->rx_buf_size;
		break;
	case KTGT_CONN_FULL_FEATURE:
		limit = conn->params.max_recv_dsl;
		if (conn->rx_dlen > limit) {
			ktgt_send_reject(conn, h, ISCSI_REJECT_PROTOCOL_ERROR);
			conn->rx_sink = KTGT_SINK_NONE;	/* drain, then ignore */
			return 0;
		}
		return ktgt_ffp_hdr(conn);
	default:
		return 0;
	}
	if (conn->rx_dlen > limit) {
		char *buf = kvmalloc(conn->rx_dlen, GFP_KERNEL);

		if (!buf)
			return -ENOMEM;
		kvfree(conn->rx_buf);
		conn->rx_buf = buf;
		conn->rx_buf_size = conn->rx_dlen;
	}
	return 0;
}

static int ktgt_rx_done(struct ktgt_conn *conn)
{
	int ret;

	switch (conn->state) {
	case KTGT_CONN_LOGIN:
		if (conn->rx_sink != KTGT_SINK_BUF)
			return ktgt_login_pdu(conn, NULL, 0);
		return ktgt_login_pdu(conn, conn->rx_buf, conn->rx_dlen);
	case KTGT_CONN_FULL_FEATURE:
		if (conn->rx_sink == KTGT_SINK_NONE)
			return 0;
		ret = ktgt_ffp_data(conn);
		if (!ret)
			ktgt_cmds_release_held(conn);
		return ret;
	default:
		return 0;
	}
}

/* receive the data segment and its padding into the chosen sink */
static int ktgt_rx_data(struct ktgt_conn *conn)
{
	u32 total = conn->rx_dlen + iscsi_pad4(conn->rx_dlen);
	u32 left = total - conn->rx_off;
	u8 pad[4];
	int ret;

	if (conn->rx_off >= conn->rx_dlen) {
		ret = recv_kvec(conn, pad, left, 0);
		if (ret > 0 && conn->ddigest)
			conn->rx_crc = crc32c(conn->rx_crc, pad, ret);
		return ret;
	}

	left = conn->rx_dlen - conn->rx_off;
	switch (conn->rx_sink) {
	case KTGT_SINK_BUF:
		ret = recv_kvec(conn, conn->rx_buf + conn->rx_off, left, 0);
		if (ret > 0 && conn->ddigest)
			conn->rx_crc = crc32c(conn->rx_crc, conn->rx_buf + conn->rx_off, ret);
		return ret;
	case KTGT_SINK_CMD:
		return recv_cmd_pages(conn, conn->rx_cmd, conn->rx_data_off + conn->rx_off, left,
				      total - conn->rx_dlen);
	default:
		return recv_discard(conn, left);
	}
}

/* the header and AHS are in (and checked): route the data segment */
static int ktgt_rx_hdr_done(struct ktgt_conn *conn)
{
	int ret = ktgt_rx_hdr(conn);

	if (ret)
		return ret;
	conn->rx_off = 0;
	if (conn->rx_dlen) {
		conn->rx_crc = ~0;
		conn->rx_state = KTGT_RX_DATA;
		return 0;
	}
	conn->rx_state = KTGT_RX_BHS;
	return ktgt_rx_done(conn);
}

/*
 * A data digest error: the data must not be used. At ERL 0 the answer is a
 * Reject and session recovery (RFC 7143 sections 7.8 and 11.17.1).
 */
static void ktgt_rx_bad_data_digest(struct ktgt_conn *conn)
{
	pr_warn_ratelimited("data digest error from %pISpc, opcode 0x%02x\n",
			    &conn->peer, conn->rx_bhs.opcode);
	conn->rx_cmd = NULL;
	ktgt_send_reject(conn, &conn->rx_bhs, ISCSI_REJECT_DATA_DIGEST);
	conn->state = KTGT_CONN_LOGOUT;
	set_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags);
}

static u32 hdr_crc(struct ktgt_conn *conn)
{
	return crc32c(crc32c(~0, &conn->rx_bhs, ISCSI_BHS_LEN), conn->rx_ahs, conn->rx_ahs_len);
}

/*
 * The data segment's receive ran @ahead bytes into the next PDU's header
 * (recv_cmd_pages_ahead()); now that the PDU is handled, they are its start.
 */
static void ktgt_rx_ahead(struct ktgt_conn *conn, u32 ahead)
{
	this_cpu_inc(ktgt_dp_stats.data_out_ahead);
	memcpy(&conn->rx_bhs, conn->rx_ahead + KTGT_RX_AHEAD_PAD, ahead);
	conn->rx_off = ahead;
}

/*
 * Receive into a fixed-size part of the PDU, unless it is already in.
 * Return: bytes, or an errno.
 */
static int rx_part(struct ktgt_conn *conn, void *buf, u32 len)
{
	int ret;

	if (conn->rx_off >= len)
		return 0;
	ret = recv_kvec(conn, (u8 *)buf + conn->rx_off, len - conn->rx_off, 0);

	if (ret > 0)
		conn->rx_off += ret;
	return ret;
}

/*
 * The budget counts PDUs (their headers), not parts: a write with its
 * immediate data costs what a read costs, and a QD32 burst of writes is
 * not cut in two before its responses go out.
 *
 * Return: number of PDU headers received, or a negative errno.
 */
static int ktgt_rx(struct ktgt_conn *conn, int budget)
{
	int done = 0, ret;
	u32 total, ahead;

	while (done < budget && !test_bit(KTGT_CONN_DYING, &conn->flags)) {
		switch (conn->rx_state) {
		case KTGT_RX_BHS:
			ret = rx_part(conn, &conn->rx_bhs, ISCSI_BHS_LEN);
			if (ret < 0)
				goto out;
			if (conn->rx_off < ISCSI_BHS_LEN)
				continue;
			conn->rx_off = 0;
			conn->rx_ahs_len = conn->rx_bhs.ahslen * 4;
			conn->rx_state = conn->rx_ahs_len ? KTGT_RX_AHS :
					 conn->hdigest ? KTGT_RX_HDIGEST : KTGT_RX_BHS;
			if (conn->rx_state != KTGT_RX_BHS)
				continue;
			break;
		case KTGT_RX_AHS:
			ret = rx_part(conn, conn->rx_ahs, conn->rx_ahs_len);
			if (ret < 0)
				goto out;
			if (conn->rx_off < conn->rx_ahs_len)
				continue;
			conn->rx_off = 0;
			if (conn->hdigest) {
				conn->rx_state = KTGT_RX_HDIGEST;
				continue;
			}
			break;
		case KTGT_RX_HDIGEST:
			ret = rx_part(conn, &conn->rx_digest, sizeof(conn->rx_digest));
			if (ret < 0)
				goto out;
			if (conn->rx_off < sizeof(conn->rx_digest))
				continue;
			/* the header cannot be trusted: nothing to answer, drop */
			if (conn->rx_digest != digest_final(hdr_crc(conn))) {
				pr_warn_ratelimited("header digest error from %pISpc\n",
						    &conn->peer);
				return -EPROTO;
			}
			break;
		case KTGT_RX_DATA:
			ret = ktgt_rx_data(conn);
			if (ret < 0)
				goto out;
			conn->rx_off += ret;
			total = conn->rx_dlen + iscsi_pad4(conn->rx_dlen);
			if (conn->rx_off < total)
				continue;
			ahead = conn->rx_off - total;	/* bytes of the next header */
			conn->rx_off = 0;
			if (conn->ddigest) {
				conn->rx_state = KTGT_RX_DDIGEST;
				continue;
			}
			conn->rx_state = KTGT_RX_BHS;
			ret = ktgt_rx_done(conn);
			if (ret)
				return ret;
			if (ahead)
				ktgt_rx_ahead(conn, ahead);
			continue;
		case KTGT_RX_DDIGEST:
			ret = rx_part(conn, &conn->rx_digest, sizeof(conn->rx_digest));
			if (ret < 0)
				goto out;
			if (conn->rx_off < sizeof(conn->rx_digest))
				continue;
			conn->rx_off = 0;
			conn->rx_state = KTGT_RX_BHS;
			if (conn->rx_digest != digest_final(conn->rx_crc)) {
				ktgt_rx_bad_data_digest(conn);
				continue;
			}
			ret = ktgt_rx_done(conn);
			if (ret)
				return ret;
			continue;
		}

		/* the header is complete and checked */
		conn->rx_off = 0;
		done++;
		ret = ktgt_rx_hdr_done(conn);
		if (ret)
			return ret;
	}
	return done;
out:
	return ret == -EAGAIN ? done : ret;
}

/* ---- transmit ---- */

static void ktgt_fill_sn(struct ktgt_conn *conn, struct ktgt_pdu *pdu)
{
	struct ktgt_session *sess = conn->sess;

	if (pdu->sn_kind == KTGT_SN_NEXT)
		pdu->bhs.sn = cpu_to_be32(conn->stat_sn++);
	else if (pdu->sn_kind == KTGT_SN_PEEK)
		pdu->bhs.sn = cpu_to_be32(conn->stat_sn);
	/* login responses carry the values of the login itself */
	if (sess && iscsi_bhs_opcode(&pdu->bhs) != ISCSI_OP_LOGIN_RSP) {
		u32 exp, max;

		ktgt_cmdsn_window(sess, &exp, &max);
		pdu->bhs.exp_sn = cpu_to_be32(exp);
		pdu->bhs.max_sn = cpu_to_be32(max);
	}
}

/* digests start with the first PDU after the final login response */
static void ktgt_fill_digests(struct ktgt_conn *conn, struct ktgt_pdu *pdu)
{
	static const u8 zero_pad[4];
	u32 crc;

	if (iscsi_bhs_opcode(&pdu->bhs) == ISCSI_OP_LOGIN_RSP)
		return;
	if (conn->hdigest)
		pdu->hdigest = digest_final(crc32c(~0, &pdu->bhs, ISCSI_BHS_LEN));
	if (conn->ddigest && pdu->dlen) {
		if (pdu->cmd)
			crc = crc_cmd_pages(~0, pdu->cmd, pdu->cmd_off, pdu->dlen);
		else
			crc = crc32c(~0, pdu->data, pdu->dlen);
		crc = crc32c(crc, zero_pad, iscsi_pad4(pdu->dlen));
		pdu->ddigest = digest_final(crc);
	}
}

/* the parts of a PDU on the wire, in order */
enum { SEG_BHS, SEG_HDIGEST, SEG_DATA, SEG_PAD, SEG_DDIGEST, NR_SEGS };

static s32 tx_room(const struct tcp_sock *tp)
{
	return READ_ONCE(tp->snd_una) + READ_ONCE(tp->snd_wnd) - READ_ONCE(tp->write_seq);
}

static bool tx_idle(const struct tcp_sock *tp)
{
	return READ_ONCE(tp->write_seq) == READ_ONCE(tp->snd_una);
}

static bool tx_pace = true;
module_param(tx_pace, bool, 0644);
MODULE_PARM_DESC(tx_pace, "Send Data-In in pieces that fit the initiator's receive window (default: on)");

/*
 * Data-In bytes to send now (kernel/tx_window.h says why). A piece cut to
 * the window gets MSG_EOR; 0 means wait: with SOCK_NOSPACE set, the next
 * ACK calls ktgt_conn_write_space(), which queues io_work.
 *
 * An initiator that read our last piece from its socket backlog acks it
 * only when its delayed-ACK timer fires (40 ms): if no ACK came within a
 * tick, window_work lets the next piece use the margin, and the initiator,
 * reading it outside its backlog, answers with its open window.
 */
static u32 ktgt_tx_fit(struct ktgt_conn *conn, u32 want, int *flags)
{
	struct sock *sk = conn->sock->sk;
	const struct tcp_sock *tp = tcp_sk(sk);
	bool nudge;
	u32 n;

	if (!READ_ONCE(tx_pace))
		return want;
	nudge = test_bit(KTGT_CONN_TX_NUDGE, &conn->flags);
	n = ktgt_window_fit(tx_room(tp), nudge || tx_idle(tp), want, PAGE_SIZE);
	if (!n) {
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		/* pairs with the barrier in tcp_check_space() */
		smp_mb__after_atomic();
		n = ktgt_window_fit(tx_room(tp), tx_idle(tp), want, PAGE_SIZE);
		if (!n) {
			this_cpu_inc(ktgt_dp_stats.data_in_window_waits);
			if (tx_room(tp) > 0)
				queue_delayed_work(ktgt_io_wq, &conn->window_work, 1);
			return 0;
		}
	}
	if (nudge)
		clear_bit(KTGT_CONN_TX_NUDGE, &conn->flags);
	if (n < want) {
		*flags = (*flags & ~MSG_MORE) | MSG_EOR;
		this_cpu_inc(ktgt_dp_stats.data_in_window_cuts);
	}
	return n;
}

static void ktgt_conn_window_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(to_delayed_work(w), struct ktgt_conn,
					      window_work);

	if (test_bit(KTGT_CONN_DYING, &conn->flags))
		return;
	set_bit(KTGT_CONN_TX_NUDGE, &conn->flags);
	ktgt_conn_queue(conn, &conn->io_work);
}

/* Return: 1 when the PDU is out, 0 when the socket is full, or an errno */
static int ktgt_send_pdu(struct ktgt_conn *conn, struct ktgt_pdu *pdu, bool more)
{
	static const u8 zero_pad[4];
	bool login = iscsi_bhs_opcode(&pdu->bhs) == ISCSI_OP_LOGIN_RSP;
	struct ktgt_cmd *cmd = pdu->cmd;
	bool dd = conn->ddigest && pdu->dlen && !login;
	bool hd = conn->hdigest && !login;
	const u32 len[NR_SEGS] = { ISCSI_BHS_LEN, hd ? 4 : 0, pdu->dlen, iscsi_pad4(pdu->dlen),
				   dd ? 4 : 0 };
	const void *buf[NR_SEGS] = { &pdu->bhs, &pdu->hdigest, pdu->data, zero_pad,
				     &pdu->ddigest };
	struct msghdr msg = { };
	u32 start = 0, off, i, j;
	struct kvec kv;
	int ret;

	for (i = 0; i < NR_SEGS; start += len[i++]) {
		while (pdu->sent < start + len[i]) {
			int flags = MSG_DONTWAIT | MSG_NOSIGNAL;

			off = pdu->sent - start;
			/* more of this PDU, or another PDU, follows */
			for (j = i + 1; j < NR_SEGS && !len[j]; j++)
				;
			if (j < NR_SEGS || more)
				flags |= MSG_MORE;
			if (i == SEG_DATA && cmd) {
				/* the command's pages go out without a copy */
				u32 n = ktgt_tx_fit(conn, len[i] - off, &flags);

				if (!n)
					return 0;
				ret = ktgt_send_pages(conn->sock, cmd->bvec, cmd->nr_pages,
						      cmd->buf_len, pdu->cmd_off + off,
						      n, flags);
				if (ret > 0)
					this_cpu_add(ktgt_dp_stats.data_in_zerocopy, ret);
			} else {
				kv.iov_base = (u8 *)buf[i] + off;
				kv.iov_len = len[i] - off;
				iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &kv, 1, kv.iov_len);
				msg.msg_flags = flags;
				ret = sock_sendmsg(conn->sock, &msg);
				if (ret > 0 && i == SEG_DATA &&
				    iscsi_bhs_opcode(&pdu->bhs) == ISCSI_OP_DATA_IN)
					this_cpu_add(ktgt_dp_stats.data_in_copied, ret);
			}
			if (ret == -EAGAIN)
				return 0;
			if (ret < 0)
				return ret;
			pdu->sent += ret;
		}
	}
	return 1;
}

/* Return: number of PDUs sent, or a negative errno */
static int ktgt_tx(struct ktgt_conn *conn, int budget)
{
	int done = 0, ret;

	while (done < budget) {
		struct ktgt_pdu *pdu = conn->tx_cur;

		if (!pdu) {
			pdu = list_first_entry_or_null(&conn->tx_queue, struct ktgt_pdu, node);
			if (!pdu)
				break;
			list_del(&pdu->node);
			conn->tx_cur = pdu;
			ktgt_fill_sn(conn, pdu);
			ktgt_fill_digests(conn, pdu);
		}
		ret = ktgt_send_pdu(conn, pdu, !list_empty(&conn->tx_queue));
		if (ret <= 0)
			return ret;
		conn->tx_cur = NULL;
		ktgt_pdu_free(pdu);
		done++;
	}
	if (!conn->tx_cur && list_empty(&conn->tx_queue) &&
	    test_bit(KTGT_CONN_CLOSE_AFTER_TX, &conn->flags))
		ktgt_conn_shutdown(conn);
	return done;
}

/* a NOP-In that asks the initiator to answer (RFC 7143 section 11.19) */
static void ktgt_send_ping(struct ktgt_conn *conn)
{
	struct ktgt_pdu *pdu;

	if (conn->state != KTGT_CONN_FULL_FEATURE || READ_ONCE(conn->ping_sent))
		return;
	pdu = ktgt_pdu_alloc(ISCSI_OP_NOOP_IN, KTGT_SN_PEEK, GFP_KERNEL);
	if (!pdu)
		return;
	conn->ping_ttt = conn->next_ttt++;
	if (conn->ping_ttt == ISCSI_RSVD_TAG)
		conn->ping_ttt = conn->next_ttt++;
	pdu->bhs.itt = cpu_to_be32(ISCSI_RSVD_TAG);
	pdu->bhs.ttt = cpu_to_be32(conn->ping_ttt);
	WRITE_ONCE(conn->ping_sent, jiffies | 1);
	ktgt_pdu_queue(conn, pdu);
}

/**
 * ktgt_conn_ping_answered() - a NOP-Out with the reserved ITT arrived
 * @conn: connection
 * @ttt: its Target Transfer Tag
 *
 * Context: io_work.
 */
void ktgt_conn_ping_answered(struct ktgt_conn *conn, u32 ttt)
{
	if (READ_ONCE(conn->ping_sent) && ttt == conn->ping_ttt)
		WRITE_ONCE(conn->ping_sent, 0);
}

/*
 * One timer per connection: first the login timeout, then, once logged
 * in, a NOP-In ping after KTGT_NOP_INTERVAL without traffic and a drop when
 * the ping goes unanswered for KTGT_NOP_TIMEOUT.
 */
static void ktgt_conn_timeout(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(to_delayed_work(w), struct ktgt_conn,
					      timeout_work);
	unsigned long ping_sent = READ_ONCE(conn->ping_sent);

	if (test_bit(KTGT_CONN_DYING, &conn->flags))
		return;
	switch (READ_ONCE(conn->state)) {
	case KTGT_CONN_LOGIN:
		pr_info_ratelimited("login from %pISpc timed out\n", &conn->peer);
		ktgt_conn_shutdown(conn);
		return;
	case KTGT_CONN_FULL_FEATURE:
		if (ping_sent && time_after(jiffies, ping_sent + KTGT_NOP_TIMEOUT)) {
			pr_info_ratelimited("%pISpc did not answer NOP-In: closing\n", &conn->peer);
			ktgt_conn_shutdown(conn);
			return;
		}
		if (!ping_sent &&
		    time_after(jiffies, READ_ONCE(conn->last_rx) + KTGT_NOP_INTERVAL)) {
			set_bit(KTGT_CONN_WANT_PING, &conn->flags);
			ktgt_conn_queue(conn, &conn->io_work);
		}
		break;
	default:
		break;
	}
	queue_delayed_work(ktgt_io_wq, &conn->timeout_work, HZ);
}

/**
 * ktgt_conn_logged_in() - the connection left the login phase
 * @conn: connection
 *
 * Context: io_work.
 */
void ktgt_conn_logged_in(struct ktgt_conn *conn)
{
	spin_lock(&ktgt_conns_lock);
	ktgt_nr_logins--;
	conn->login_pending = false;
	spin_unlock(&ktgt_conns_lock);
	conn->hdigest = conn->params.header_digest == KTGT_DIGEST_CRC32C;
	conn->ddigest = conn->params.data_digest == KTGT_DIGEST_CRC32C;
	conn->last_rx = jiffies;
	conn->state = KTGT_CONN_FULL_FEATURE;
	mod_delayed_work(ktgt_io_wq, &conn->timeout_work, HZ);
}

static int ktgt_process_done(struct ktgt_conn *conn)
{
	struct llist_node *list = llist_del_all(&conn->done);
	struct ktgt_cmd *cmd, *tmp;
	int n = 0;

	list = llist_reverse_order(list);
	llist_for_each_entry_safe(cmd, tmp, list, done_node) {
		ktgt_cmd_complete(cmd);
		n++;
	}
	return n;
}

static void ktgt_io_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(w, struct ktgt_conn, io_work);
	int rounds = KTGT_IO_BUDGET, ret;
	bool pending;

	this_cpu_inc(ktgt_dp_stats.io_work_runs);
	do {
		if (test_bit(KTGT_CONN_DYING, &conn->flags))
			return;
		pending = ktgt_process_done(conn) > 0;
		if (test_and_clear_bit(KTGT_CONN_WANT_PING, &conn->flags))
			ktgt_send_ping(conn);
		if (test_and_clear_bit(KTGT_CONN_WANT_ASYNC_LOGOUT, &conn->flags))
			ktgt_send_async_logout(conn);
		/* not while a PDU's data goes into a command that may be aborted */
		if (conn->rx_state == KTGT_RX_BHS &&
		    test_and_clear_bit(KTGT_CONN_WANT_PR_ABORT, &conn->flags))
			ktgt_pr_aborts_run(conn);
		ktgt_logout_flush(conn);

		ret = ktgt_rx(conn, KTGT_IO_BUDGET);
		if (ret < 0)
			goto fail;
		pending |= ret > 0;
		pending |= conn->rx_state == KTGT_RX_BHS &&
			   test_bit(KTGT_CONN_WANT_PR_ABORT, &conn->flags);

		ret = ktgt_tx(conn, KTGT_IO_BUDGET);
		if (ret < 0)
			goto fail;
		pending |= ret > 0;
	} while (pending && --rounds);

	/* out of budget: let other connections run, then continue */
	if (pending)
		ktgt_conn_queue(conn, &conn->io_work);
	return;
fail:
	if (ret != -ECONNRESET && ret != -EPIPE)
		pr_info_ratelimited("connection from %pISpc closed: %d\n", &conn->peer, ret);
	ktgt_conn_shutdown(conn);
}

static void ktgt_conn_release_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(w, struct ktgt_conn, release_work);
	struct sock *sk = conn->sock->sk;
	struct ktgt_pdu *pdu, *tmp;

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = conn->saved_data_ready;
	sk->sk_write_space = conn->saved_write_space;
	sk->sk_state_change = conn->saved_state_change;
	write_unlock_bh(&sk->sk_callback_lock);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	cancel_delayed_work_sync(&conn->timeout_work);

	/*
	 * io_work sees DYING and stops; backend completions may still queue
	 * it, which is harmless. Commands in the backend own their pages, so
	 * wait for them before anything is freed.
	 */
	cancel_work_sync(&conn->io_work);
	/* only a running io_work, now done, arms it */
	cancel_delayed_work_sync(&conn->window_work);
	ktgt_cmds_abort(conn);
	wait_var_event(&conn->inflight, !atomic_read(&conn->inflight));
	cancel_work_sync(&conn->io_work);
	ktgt_cmds_abort(conn);

	if (conn->logout_rsp)
		ktgt_pdu_free(conn->logout_rsp);
	if (conn->tmf_rsp)
		ktgt_pdu_free(conn->tmf_rsp);
	if (conn->tx_cur)
		ktgt_pdu_free(conn->tx_cur);
	list_for_each_entry_safe(pdu, tmp, &conn->tx_queue, node) {
		list_del(&pdu->node);
		ktgt_pdu_free(pdu);
	}

	ktgt_login_free(conn);
	ktgt_session_detach(conn);
	/* others queue io_work through the target's session list until now */
	cancel_work_sync(&conn->io_work);
	sock_release(conn->sock);
	ktgt_portal_put(conn->portal);
	kvfree(conn->rx_buf);
	kfree(conn->rx_ahead);
	kfree(conn->rx_scratch);
	kfree(conn->text_out);
	ktgt_page_pool_destroy(&conn->pool);

	spin_lock(&ktgt_conns_lock);
	list_del(&conn->node);
	if (conn->login_pending)
		ktgt_nr_logins--;
	spin_unlock(&ktgt_conns_lock);
	wake_up_all(&ktgt_conns_wq);
	kfree(conn);
	atomic_dec(&ktgt_live.conns);
}

/**
 * ktgt_conn_create() - take over an accepted socket
 * @portal: the portal it arrived on
 * @sock: the new socket
 *
 * Return: 0, or a negative errno (the caller then releases @sock).
 */
int ktgt_conn_create(struct ktgt_portal *portal, struct socket *sock)
{
	struct ktgt_conn *conn;
	struct sock *sk = sock->sk;
	int ret;

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	if (!ktgt_portal_get(portal)) {
		ret = -ENODEV;
		goto out_free_conn;
	}
	conn->portal = portal;
	conn->sock = sock;
	conn->cpu = WORK_CPU_UNBOUND;
	INIT_WORK(&conn->io_work, ktgt_io_work);
	INIT_WORK(&conn->release_work, ktgt_conn_release_work);
	INIT_LIST_HEAD(&conn->tx_queue);
	INIT_LIST_HEAD(&conn->cmds);
	init_llist_head(&conn->done);
	ktgt_params_rfc_defaults(&conn->params);

	if (kernel_getpeername(sock, (struct sockaddr *)&conn->peer) < 0 ||
	    kernel_getsockname(sock, (struct sockaddr *)&conn->local) < 0) {
		ret = -ENOTCONN;
		goto out_put_portal;
	}

	/* kmalloc() aligns it to its size, so it never straddles a page */
	conn->rx_ahead = kmalloc(KTGT_RX_AHEAD, GFP_KERNEL);
	if (!conn->rx_ahead) {
		ret = -ENOMEM;
		goto out_put_portal;
	}
	conn->rx_buf_size = KTGT_LOGIN_BUF;
	conn->rx_buf = kvmalloc(conn->rx_buf_size, GFP_KERNEL);
	if (!conn->rx_buf) {
		ret = -ENOMEM;
		goto out_free_ahead;
	}
	ret = ktgt_page_pool_init(&conn->pool);
	if (ret)
		goto out_free_buf;
	ret = ktgt_login_start(conn);
	if (ret)
		goto out_destroy_pool;

	tcp_sock_set_nodelay(sk);
	INIT_DELAYED_WORK(&conn->timeout_work, ktgt_conn_timeout);
	INIT_DELAYED_WORK(&conn->window_work, ktgt_conn_window_work);

	/* at the cap, the oldest connection still logging in makes room */
	spin_lock(&ktgt_conns_lock);
	if (ktgt_nr_logins >= KTGT_MAX_PENDING_LOGINS) {
		struct ktgt_conn *old;

		list_for_each_entry(old, &ktgt_conns, node) {
			if (READ_ONCE(old->state) == KTGT_CONN_LOGIN &&
			    !test_bit(KTGT_CONN_DYING, &old->flags)) {
				pr_info_ratelimited("too many pending logins: dropping %pISpc\n",
						    &old->peer);
				ktgt_conn_shutdown(old);
				break;
			}
		}
	}
	ktgt_nr_logins++;
	conn->login_pending = true;
	list_add_tail(&conn->node, &ktgt_conns);
	spin_unlock(&ktgt_conns_lock);
	queue_delayed_work(ktgt_io_wq, &conn->timeout_work, KTGT_LOGIN_TIMEOUT);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = conn;
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = ktgt_conn_data_ready;
	sk->sk_write_space = ktgt_conn_write_space;
	sk->sk_state_change = ktgt_conn_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	atomic_inc(&ktgt_live.conns);
	pr_debug("connection from %pISpc on %pISpc\n", &conn->peer, &conn->local);
	/* the login PDU may already be queued on the socket */
	ktgt_conn_queue(conn, &conn->io_work);
	return 0;

out_destroy_pool:
	ktgt_page_pool_destroy(&conn->pool);
out_free_buf:
	kvfree(conn->rx_buf);
out_free_ahead:
	kfree(conn->rx_ahead);
out_put_portal:
	ktgt_portal_put(portal);
out_free_conn:
	kfree(conn);
	return ret;
}

/**
 * ktgt_conns_destroy() - end every connection, at module exit
 *
 * Return: when the last connection is gone.
 */
void ktgt_conns_destroy(void)
{
	struct ktgt_conn *conn;

	spin_lock(&ktgt_conns_lock);
	list_for_each_entry(conn, &ktgt_conns, node)
		ktgt_conn_shutdown(conn);
	spin_unlock(&ktgt_conns_lock);
	wait_event(ktgt_conns_wq, list_empty_careful(&ktgt_conns));
}
