// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI commands over iSCSI: set-up from the SCSI Command PDU, collecting
 * write data (immediate, unsolicited, R2T), execution, and the Data-In and
 * SCSI Response PDUs that answer them.
 */
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "ktgt.h"

static void cmd_free(struct ktgt_cmd *cmd)
{
	ktgt_pages_put(&cmd->conn->pool, cmd->bvec, cmd->nr_pages);
	if (cmd->lun)
		ktgt_lun_put(cmd->lun);
	ktgt_cmd_release(cmd);
	atomic_dec(&ktgt_live.cmds);
}

/**
 * ktgt_cmd_put() - drop a command reference
 * @cmd: command
 */
void ktgt_cmd_put(struct ktgt_cmd *cmd)
{
	if (refcount_dec_and_test(&cmd->ref))
		cmd_free(cmd);
}

/**
 * ktgt_cmd_find() - the command with this Initiator Task Tag
 * @conn: connection
 * @itt: tag
 *
 * Return: the command while it awaits data or the backend, or NULL.
 */
struct ktgt_cmd *ktgt_cmd_find(struct ktgt_conn *conn, u32 itt)
{
	struct ktgt_cmd *cmd;

	list_for_each_entry(cmd, &conn->cmds, node)
		if (cmd->itt == itt)
			return cmd;
	return NULL;
}

/**
 * ktgt_cmd_alloc_buf() - give a command a data buffer of whole pages
 * @cmd: command
 * @len: bytes
 *
 * Return: 0 or -ENOMEM (pages allocated so far are freed with the command).
 */
int ktgt_cmd_alloc_buf(struct ktgt_cmd *cmd, u32 len)
{
	u32 i, nr = DIV_ROUND_UP(len, PAGE_SIZE);

	if (!len)
		return 0;
	if (nr > ARRAY_SIZE(cmd->inline_bvec)) {
		cmd->bvec = kvmalloc_array(nr, sizeof(*cmd->bvec), GFP_KERNEL);
		if (!cmd->bvec)
			return -ENOMEM;
	}
	/* cmd_free() gives back the pages it got, even when some are missing */
	cmd->nr_pages = ktgt_pages_get(&cmd->conn->pool, cmd->bvec, nr);
	if (cmd->nr_pages < nr)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		cmd->bvec[i].bv_offset = 0;
		cmd->bvec[i].bv_len = min_t(u32, PAGE_SIZE, len - i * PAGE_SIZE);
	}
	cmd->buf_len = len;
	return 0;
}

/**
 * ktgt_cmd_copy_in() - fill the start of a command's buffer
 * @cmd: command, with a buffer of at least @len bytes
 * @src: data
 * @len: bytes
 */
void ktgt_cmd_copy_in(struct ktgt_cmd *cmd, const u8 *src, u32 len)
{
	u32 i, n;

	for (i = 0; len; i++, src += n, len -= n) {
		n = min_t(u32, len, PAGE_SIZE);
		memcpy_to_page(cmd->bvec[i].bv_page, 0, src, n);
	}
}

static bool cmd_d_sense(struct ktgt_cmd *cmd)
{
	return cmd->lun && READ_ONCE(cmd->lun->d_sense);
}

/**
 * ktgt_cmd_check() - end a command with CHECK CONDITION
 * @cmd: command
 * @key: sense key
 * @asc: additional sense code and qualifier
 *
 * The sense data is in the format the LUN's control mode page asks for
 * (D_SENSE): fixed by default.
 */
void ktgt_cmd_check(struct ktgt_cmd *cmd, u8 key, u16 asc)
{
	cmd->failed = true;
	cmd->status = SAM_CHECK_CONDITION;
	cmd->sense_len = ktgt_sense_build(cmd->sense, cmd_d_sense(cmd), key, asc, false, 0);
}

/**
 * ktgt_cmd_check_info() - CHECK CONDITION with the INFORMATION field set
 * @cmd: command
 * @key: sense key
 * @asc: additional sense code and qualifier
 * @info: an LBA, or a MISCOMPARE's byte offset
 */
void ktgt_cmd_check_info(struct ktgt_cmd *cmd, u8 key, u16 asc, u64 info)
{
	cmd->failed = true;
	cmd->status = SAM_CHECK_CONDITION;
	cmd->sense_len = ktgt_sense_build(cmd->sense, cmd_d_sense(cmd), key, asc, true, info);
}

static bool cmd_writes(struct ktgt_cmd *cmd)
{
	return cmd->cdb.op != KTGT_OP_READ && cmd->cdb.op != KTGT_OP_VERIFY;
}

/**
 * ktgt_sense_from_errno() - the one place a backend error becomes status
 * @cmd: command whose backend I/O failed
 * @err: negative errno
 *
 * A medium error carries the first block known to have failed (VALID and
 * INFORMATION), or the command's first block when the backend cannot
 * tell; never GOOD.
 */
void ktgt_sense_from_errno(struct ktgt_cmd *cmd, int err)
{
	u64 lba = atomic64_read(&cmd->bad_lba);

	switch (err) {
	case -ENOMEM:
	case -EAGAIN:
	case -EBUSY:
		cmd->failed = true;
		cmd->status = SAM_BUSY;
		return;
	case -EOPNOTSUPP:
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
		return;
	case -ENOSPC:
	case -EDQUOT:
		/* thin provisioning ran out of space (SBC-3 4.7.3.7) */
		ktgt_cmd_check(cmd, SK_DATA_PROTECT, ASC_SPACE_ALLOC_FAILED);
		return;
	case -EROFS:
	case -EPERM:
	case -EACCES:
		ktgt_cmd_check(cmd, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
		return;
	case -EIO:
	case -ENODATA:		/* BLK_STS_MEDIUM */
	case -EILSEQ:		/* BLK_STS_PROTECTION */
	case -EREMOTEIO:	/* BLK_STS_TARGET */
		break;
	default:
		ktgt_cmd_check(cmd, SK_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE);
		return;
	}
	/* MEDIUM ERROR: unrecovered read error, or write error */
	if (lba == U64_MAX && cmd->cdb.op != KTGT_OP_UNMAP && cmd->cdb.op != KTGT_OP_SYNC_CACHE)
		lba = cmd->cdb.lba;
	if (lba == U64_MAX)
		ktgt_cmd_check(cmd, SK_MEDIUM_ERROR,
			       cmd_writes(cmd) ? ASC_WRITE_ERROR : ASC_READ_ERROR);
	else
		ktgt_cmd_check_info(cmd, SK_MEDIUM_ERROR,
				    cmd_writes(cmd) ? ASC_WRITE_ERROR : ASC_READ_ERROR, lba);
}

/**
 * ktgt_sense_from_blk_status() - status for a failed block layer request
 * @cmd: command whose bios failed
 * @status: their block status
 */
void ktgt_sense_from_blk_status(struct ktgt_cmd *cmd, blk_status_t status)
{
	ktgt_sense_from_errno(cmd, blk_status_to_errno(status));
}

/**
 * ktgt_cmd_bad_lba() - note a block the backend failed to read or write
 * @cmd: command
 * @lba: the first block of the failed part
 *
 * Context: any. The lowest block noted goes into the sense data.
 */
void ktgt_cmd_bad_lba(struct ktgt_cmd *cmd, u64 lba)
{
	s64 old = atomic64_read(&cmd->bad_lba);

	while ((u64)old > lba && !atomic64_try_cmpxchg(&cmd->bad_lba, &old, lba))
		;
}

/**
 * ktgt_lun_decode() - a single-level LUN, peripheral or flat (SAM-5 4.7)
 * @lun: the 8-byte LUN field
 *
 * Return: the LUN number, or U64_MAX for anything else.
 */
u64 ktgt_lun_decode(const u8 *lun)
{
	if (get_unaligned_be16(lun + 2) || get_unaligned_be32(lun + 4))
		return U64_MAX;
	switch (lun[0] >> 6) {
	case 0:
		return lun[0] ? U64_MAX : lun[1];
	case 1:
		return (lun[0] & 0x3f) << 8 | lun[1];
	default:
		return U64_MAX;
	}
}

/**
 * ktgt_lun_encode() - a LUN number in single-level SAM format
 * @id: LUN number, at most KTGT_MAX_LUN
 * @out: 8 bytes
 */
void ktgt_lun_encode(u64 id, u8 *out)
{
	memset(out, 0, 8);
	if (id < 256) {
		out[1] = id;
	} else {
		out[0] = 0x40 | (id >> 8);
		out[1] = id & 0xff;
	}
}

/* decode, check and size a new command; on error it is marked failed */
static int cmd_setup(struct ktgt_cmd *cmd, const struct iscsi_scsi_cmd *req)
{
	struct ktgt_conn *conn = cmd->conn;
	struct ktgt_lun *lun;
	u32 bs_shift = 9;
	u64 nr_blocks = 0;
	int ret;

	cmd->lun_id = ktgt_lun_decode(req->lun);
	cmd->lun = ktgt_lun_get(conn->sess->target, cmd->lun_id);
	lun = cmd->lun;
	if (lun) {
		bs_shift = lun->block_shift;
		nr_blocks = lun->nr_blocks;
	}

	ret = ktgt_cdb_parse(req->cdb, bs_shift, nr_blocks, &cmd->cdb);
	cmd->xfer = cmd->cdb.xfer_len;
	if (!lun && cmd->cdb.op != KTGT_OP_INQUIRY && cmd->cdb.op != KTGT_OP_REPORT_LUNS &&
	    cmd->cdb.op != KTGT_OP_REQUEST_SENSE) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
		return 0;
	}
	/* a unit attention, then reservations, come before the CDB's own errors */
	if (lun && (ktgt_ua_check(cmd) || ktgt_pr_check(cmd)))
		return 0;
	if (ret) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, cmd->cdb.asc);
		return 0;
	}
	switch (cmd->cdb.op) {
	case KTGT_OP_WRITE:
	case KTGT_OP_WRITE_SAME:
	case KTGT_OP_UNMAP:
	case KTGT_OP_COMPARE_AND_WRITE:
		if (lun->readonly) {
			ktgt_cmd_check(cmd, SK_DATA_PROTECT, ASC_WRITE_PROTECTED);
			return 0;
		}
		break;
	}
	if (cmd->cdb.op != KTGT_OP_READ && cmd->cdb.dir != KTGT_DIR_WRITE)
		return 0;	/* emulated: sized when executed */

	if (cmd->xfer > KTGT_MAX_IO_BYTES) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
		return 0;
	}
	/* only what both the CDB and EDTL cover moves (RFC 7143 11.4.5.2) */
	cmd->data_len = min_t(u64, cmd->edtl, cmd->xfer);
	if (cmd->cdb.op == KTGT_OP_READ) {
		cmd->io_len = round_up(cmd->data_len, 1u << bs_shift);
		return ktgt_cmd_alloc_buf(cmd, cmd->io_len);
	}

	/* Data-Out: blocks, or a parameter list */
	if (cmd->data_len && !(req->flags & ISCSI_CMD_WRITE)) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
		return 0;
	}
	switch (cmd->cdb.op) {
	case KTGT_OP_WRITE:
	case KTGT_OP_VERIFY:
		if (cmd->data_len & ((1u << bs_shift) - 1)) {
			ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_IU);
			return 0;
		}
		break;
	case KTGT_OP_WRITE_SAME:
	case KTGT_OP_COMPARE_AND_WRITE:
		/* exactly one block of pattern; both instances of the blocks */
		if (cmd->edtl != cmd->xfer) {
			ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
			return 0;
		}
		break;
	}
	cmd->io_len = cmd->data_len;
	/* VERIFY reads the medium into a second half, page aligned */
	if (cmd->cdb.op == KTGT_OP_VERIFY)
		return ktgt_cmd_alloc_buf(cmd, round_up(cmd->io_len, PAGE_SIZE) + cmd->io_len);
	/* COMPARE AND WRITE too, after its two instances */
	if (cmd->cdb.op == KTGT_OP_COMPARE_AND_WRITE && cmd->io_len)
		return ktgt_cmd_alloc_buf(cmd, round_up(cmd->io_len, PAGE_SIZE) + cmd->io_len / 2);
	return ktgt_cmd_alloc_buf(cmd, cmd->io_len);
}

/* a command leaves the connection's list once it is answered or dropped */
static void cmd_retire(struct ktgt_cmd *cmd)
{
	list_del_init(&cmd->node);
	if (cmd->holds_slot)
		ktgt_cmdsn_release(cmd->conn->sess, cmd->held);
	cmd->holds_slot = false;
	cmd->held = false;
}

static void cmd_residual(struct ktgt_cmd *cmd, u8 *flags, u32 *residual)
{
	if (cmd->edtl < cmd->xfer) {
		*flags |= ISCSI_RSP_OVERFLOW;
		*residual = min_t(u64, cmd->xfer - cmd->edtl, U32_MAX);
	} else if (cmd->edtl > cmd->xfer) {
		*flags |= ISCSI_RSP_UNDERFLOW;
		*residual = cmd->edtl - cmd->xfer;
	}
}

static u32 queue_data_in(struct ktgt_cmd *cmd)
{
	struct ktgt_conn *conn = cmd->conn;
	u32 off = 0, datasn = 0, burst = 0, len, residual = 0;
	struct ktgt_pdu *pdu;
	u8 rflags = 0;
	bool last;

	cmd_residual(cmd, &rflags, &residual);
	while (off < cmd->data_len) {
		len = min3(cmd->data_len - off, conn->params.max_xmit_dsl,
			   conn->params.max_burst - burst);
		last = off + len == cmd->data_len;
		pdu = ktgt_pdu_alloc(ISCSI_OP_DATA_IN, last ? KTGT_SN_NEXT : KTGT_SN_NONE,
				     GFP_KERNEL);
		if (!pdu)
			break;	/* the initiator times the command out */
		refcount_inc(&cmd->ref);
		pdu->cmd = cmd;
		pdu->cmd_off = off;
		pdu->dlen = len;
		pdu->bhs.flags = 0;
		pdu->bhs.itt = cpu_to_be32(cmd->itt);
		pdu->bhs.ttt = cpu_to_be32(ISCSI_RSVD_TAG);
		pdu->bhs.word9 = cpu_to_be32(datasn++);
		pdu->bhs.word10 = cpu_to_be32(off);
		burst += len;
		if (burst == conn->params.max_burst || last) {
			pdu->bhs.flags |= ISCSI_FLAG_FINAL;
			burst = 0;
		}
		if (last) {
			/* phase collapse: status rides on the last Data-In */
			pdu->bhs.flags |= ISCSI_DATAIN_STATUS | rflags;
			pdu->bhs.rsvd2[1] = cmd->status;
			pdu->bhs.word11 = cpu_to_be32(residual);
		}
		ktgt_pdu_queue(conn, pdu);
		off += len;
	}
	return datasn;
}

static void queue_response(struct ktgt_cmd *cmd, u32 datasn)
{
	struct ktgt_pdu *pdu;
	u32 residual = 0;
	u8 rflags = 0;

	pdu = ktgt_pdu_alloc(ISCSI_OP_SCSI_RSP, KTGT_SN_NEXT, GFP_KERNEL);
	if (!pdu)
		return;
	if (cmd->sense_len) {
		u8 *data = pdu->inline_data;

		if (2 + cmd->sense_len > sizeof(pdu->inline_data))
			data = kzalloc(2 + cmd->sense_len, GFP_KERNEL);
		if (!data) {
			ktgt_pdu_free(pdu);
			return;
		}
		put_unaligned_be16(cmd->sense_len, data);
		memcpy(data + 2, cmd->sense, cmd->sense_len);
		pdu->data = data;
		pdu->dlen = 2 + cmd->sense_len;
	}
	cmd_residual(cmd, &rflags, &residual);
	pdu->bhs.flags = ISCSI_FLAG_FINAL | rflags;
	pdu->bhs.rsvd2[1] = cmd->status;
	pdu->bhs.itt = cpu_to_be32(cmd->itt);
	pdu->bhs.word9 = cpu_to_be32(datasn);	/* ExpDataSN */
	pdu->bhs.word11 = cpu_to_be32(residual);
	ktgt_pdu_queue(cmd->conn, pdu);
}

/* answer the command and let it go */
static void cmd_respond(struct ktgt_cmd *cmd)
{
	u32 datasn = 0;

	cmd_retire(cmd);
	ktgt_stats_cmd_done(cmd);
	if (cmd->status == SAM_GOOD && cmd->cdb.dir == KTGT_DIR_READ && cmd->data_len)
		queue_data_in(cmd);
	else
		queue_response(cmd, datasn);
	ktgt_cmd_put(cmd);
}

/**
 * ktgt_cmd_submit() - hand a command to its backend
 * @cmd: command that holds the blocks it changes (scsi_range.c)
 *
 * Context: process.
 */
void ktgt_cmd_submit(struct ktgt_cmd *cmd)
{
	if (cmd->cdb.op == KTGT_OP_COMPARE_AND_WRITE)
		ktgt_caw_submit(cmd);
	else
		cmd->lun->ops->submit(cmd);
}

static void cmd_exec(struct ktgt_cmd *cmd)
{
	switch (cmd->cdb.op) {
	case KTGT_OP_READ:
	case KTGT_OP_WRITE:
	case KTGT_OP_VERIFY:		/* io_len is 0 without BYTCHK */
	case KTGT_OP_COMPARE_AND_WRITE:	/* and for 0 blocks */
		if (!cmd->io_len)
			break;
		goto submit;
	case KTGT_OP_UNMAP:
	case KTGT_OP_WRITE_SAME:
		/* the parameter data decides; answered here when bad or empty */
		if (!ktgt_scsi_check_data(cmd))
			break;
		fallthrough;
	case KTGT_OP_SYNC_CACHE:
		goto submit;
	default:
		ktgt_scsi_emulate(cmd);
		break;
	}
	cmd_respond(cmd);
	return;
submit:
	cmd->in_backend = true;
	atomic_inc(&cmd->conn->inflight);
	/* a command that must wait for its blocks is submitted once they are free */
	if (ktgt_range_lock(cmd))
		ktgt_cmd_submit(cmd);
}

/* ---- write data ---- */

static void queue_r2ts(struct ktgt_cmd *cmd)
{
	struct ktgt_conn *conn = cmd->conn;
	u32 max = min_t(u32, conn->params.max_outstanding_r2t, KTGT_MAX_R2T);
	struct ktgt_r2t *r2t;
	struct ktgt_pdu *pdu;

	while (cmd->nr_r2t < max && cmd->r2t_next < cmd->data_len) {
		pdu = ktgt_pdu_alloc(ISCSI_OP_R2T, KTGT_SN_PEEK, GFP_KERNEL);
		if (!pdu)
			return;	/* the initiator times the command out */
		r2t = &cmd->r2t[cmd->nr_r2t++];
		r2t->ttt = conn->next_ttt++;
		if (r2t->ttt == ISCSI_RSVD_TAG)
			r2t->ttt = conn->next_ttt++;
		r2t->offset = cmd->r2t_next;
		r2t->len = min(cmd->data_len - cmd->r2t_next, conn->params.max_burst);
		r2t->exp_datasn = 0;
		cmd->r2t_next += r2t->len;

		ktgt_lun_encode(cmd->lun_id, pdu->bhs.lun);
		pdu->bhs.itt = cpu_to_be32(cmd->itt);
		pdu->bhs.ttt = cpu_to_be32(r2t->ttt);
		pdu->bhs.word9 = cpu_to_be32(cmd->r2tsn++);
		pdu->bhs.word10 = cpu_to_be32(r2t->offset);
		pdu->bhs.word11 = cpu_to_be32(r2t->len);
		ktgt_pdu_queue(conn, pdu);
	}
}

/* move a command on once more of its data has arrived */
static void cmd_advance(struct ktgt_cmd *cmd)
{
	if (cmd->held)
		return;		/* a command before it in CmdSN order is missing */
	if (!cmd->unsol_done)
		return;		/* unsolicited Data-Out still to come */
	if (cmd->failed) {
		/* answer once the initiator has ended every sequence */
		if (!cmd->nr_r2t)
			cmd_respond(cmd);
		return;
	}
	if (cmd->cdb.dir == KTGT_DIR_WRITE && cmd->received < cmd->data_len) {
		cmd->r2t_next = max(cmd->r2t_next, cmd->received);
		queue_r2ts(cmd);
		return;
	}
	cmd_exec(cmd);
}

static void cmd_drop(struct ktgt_cmd *cmd)
{
	cmd_retire(cmd);
	ktgt_cmd_put(cmd);
}

/**
 * ktgt_cmd_new() - a SCSI Command header arrived
 * @conn: connection
 *
 * Return: 0, or a negative errno to drop the connection.
 */
int ktgt_cmd_new(struct ktgt_conn *conn)
{
	const struct iscsi_scsi_cmd *req = (const void *)&conn->rx_bhs;
	struct ktgt_params *p = &conn->params;
	enum ktgt_cmdsn_verdict sn;
	u32 dlen = conn->rx_dlen;
	struct ktgt_cmd *cmd;
	int ret;

	conn->rx_sink = KTGT_SINK_NONE;	/* ignored unless taken below */
	sn = ktgt_cmdsn_take_cmd(conn->sess, &conn->rx_bhs);
	if (sn == KTGT_CMDSN_IGNORE)
		return 0;

	cmd = ktgt_cmd_alloc();
	if (!cmd)
		return -ENOMEM;
	atomic_inc(&ktgt_live.cmds);
	cmd->bvec = cmd->inline_bvec;
	refcount_set(&cmd->ref, 1);
	INIT_LIST_HEAD(&cmd->range.node);
	atomic64_set(&cmd->bad_lba, U64_MAX);
	cmd->conn = conn;
	cmd->start_ns = ktime_get_ns();
	cmd->holds_slot = !(req->opcode & ISCSI_OP_IMMEDIATE);
	cmd->held = sn == KTGT_CMDSN_HOLD;
	cmd->cmdsn = be32_to_cpu(req->cmdsn);
	cmd->itt = be32_to_cpu(req->itt);
	cmd->edtl = be32_to_cpu(req->edtl);
	list_add_tail(&cmd->node, &conn->cmds);

	if (dlen && (!p->immediate_data || dlen > cmd->edtl ||
		     dlen > min(p->first_burst, cmd->edtl))) {
		ktgt_send_reject(conn, &conn->rx_bhs,
				 dlen > cmd->edtl ? ISCSI_REJECT_PROTOCOL_ERROR :
				 ISCSI_REJECT_NEGOTIATION_RESET);
		cmd_drop(cmd);
		conn->rx_sink = KTGT_SINK_DISCARD;
		return 0;
	}

	ret = cmd_setup(cmd, req);
	if (ret) {
		cmd_drop(cmd);
		return ret;
	}
	cmd->unsol_limit = min(p->first_burst, cmd->edtl);
	cmd->unsol_done = req->flags & ISCSI_FLAG_FINAL;
	conn->rx_cmd = cmd;
	conn->rx_sink = cmd->failed || cmd->cdb.dir != KTGT_DIR_WRITE ?
			KTGT_SINK_DISCARD : KTGT_SINK_CMD;
	conn->rx_data_off = 0;
	return 0;
}

/**
 * ktgt_cmd_immediate_done() - the SCSI Command PDU and its immediate data are in
 * @conn: connection
 */
void ktgt_cmd_immediate_done(struct ktgt_conn *conn)
{
	struct ktgt_cmd *cmd = conn->rx_cmd;

	conn->rx_cmd = NULL;
	if (!cmd)
		return;
	cmd->received = conn->rx_dlen;
	cmd_advance(cmd);
}

static struct ktgt_r2t *r2t_find(struct ktgt_cmd *cmd, u32 ttt)
{
	u32 i;

	for (i = 0; i < cmd->nr_r2t; i++)
		if (cmd->r2t[i].ttt == ttt)
			return &cmd->r2t[i];
	return NULL;
}

/* why a Data-Out cannot be taken for its command, or NULL */
static const char *data_out_check(struct ktgt_conn *conn, struct ktgt_cmd *cmd, u32 ttt,
				  u32 datasn, u32 off, u32 end)
{
	struct ktgt_r2t *r2t;

	if (ttt == ISCSI_RSVD_TAG) {
		if (conn->params.initial_r2t || cmd->unsol_done)
			return "unsolicited data not allowed";
		if (datasn != cmd->exp_unsol_datasn)
			return "DataSN";
		if (end > cmd->unsol_limit || end < off)
			return "beyond FirstBurstLength";
		cmd->exp_unsol_datasn++;
	} else {
		r2t = r2t_find(cmd, ttt);
		if (!r2t)
			return "unknown TTT";
		if (datasn != r2t->exp_datasn)
			return "DataSN";
		if (end > r2t->offset + r2t->len || end < off)
			return "beyond the R2T";
		r2t->exp_datasn++;
	}
	if (off != cmd->received)
		return "offset out of order";
	return NULL;
}

/**
 * ktgt_cmd_data_out_hdr() - a Data-Out header arrived: check it, route its data
 * @conn: connection
 *
 * Data must arrive in order (DataPDUInOrder and DataSequenceInOrder are
 * Yes), inside the burst it answers, with the expected DataSN. A Data-Out
 * that breaks a rule fails its command with CHECK CONDITION, ABORTED
 * COMMAND: its data and the rest of the command's are dropped, nothing is
 * written, and the session stays up. The command is answered once the
 * initiator has ended every sequence it started (F bit).
 *
 * Return: 0, or -EPROTO to drop the connection (data for a command that
 * is already executing).
 */
int ktgt_cmd_data_out_hdr(struct ktgt_conn *conn)
{
	const struct iscsi_bhs *h = &conn->rx_bhs;
	u32 ttt = be32_to_cpu(h->ttt), off = be32_to_cpu(h->word10);
	u32 datasn = be32_to_cpu(h->word9), dlen = conn->rx_dlen;
	struct ktgt_cmd *cmd;
	const char *why;

	conn->rx_sink = KTGT_SINK_DISCARD;
	conn->rx_cmd = NULL;
	cmd = ktgt_cmd_find(conn, be32_to_cpu(h->itt));
	if (!cmd) {
		/* data for a command we ignored (CmdSN) or already answered */
		pr_debug("Data-Out for unknown ITT 0x%x\n", be32_to_cpu(h->itt));
		return 0;
	}
	if (cmd->in_backend) {
		pr_warn_ratelimited("Data-Out from %pISpc for ITT 0x%x, which is executing\n",
				    &conn->peer, cmd->itt);
		return -EPROTO;
	}

	why = cmd->cdb.dir != KTGT_DIR_WRITE && !cmd->failed ? "not a write" :
	      data_out_check(conn, cmd, ttt, datasn, off, off + dlen);
	if (why) {
		pr_warn_ratelimited("bad Data-Out from %pISpc (%s): ITT 0x%x TTT 0x%x DataSN %u offset %u length %u\n",
				    &conn->peer, why, cmd->itt, ttt, datasn, off, dlen);
		if (!cmd->failed)
			ktgt_cmd_check(cmd, SK_ABORTED_COMMAND, ASC_DATA_PHASE_ERROR);
	}

	conn->rx_cmd = cmd;
	if (!cmd->failed) {
		conn->rx_sink = KTGT_SINK_CMD;
		conn->rx_data_off = off;
	}
	return 0;
}

/**
 * ktgt_cmd_data_out_done() - a Data-Out's data is in
 * @conn: connection
 */
void ktgt_cmd_data_out_done(struct ktgt_conn *conn)
{
	struct ktgt_cmd *cmd = conn->rx_cmd;
	u32 ttt = be32_to_cpu(conn->rx_bhs.ttt);
	bool final = conn->rx_bhs.flags & ISCSI_FLAG_FINAL;
	struct ktgt_r2t *r2t;

	conn->rx_cmd = NULL;
	if (!cmd)
		return;
	if (!cmd->failed)
		cmd->received += conn->rx_dlen;
	if (ttt == ISCSI_RSVD_TAG) {
		if (final)
			cmd->unsol_done = true;
	} else {
		/* a sequence ends with its last byte, or with the F bit */
		r2t = r2t_find(cmd, ttt);
		if (r2t && (final || cmd->received >= r2t->offset + r2t->len))
			*r2t = cmd->r2t[--cmd->nr_r2t];
	}
	cmd_advance(cmd);
}

/**
 * ktgt_cmds_release_held() - run the held commands that are in order now
 * @conn: connection
 *
 * Called once a request is complete, so a command that filled a gap in
 * CmdSN is delivered before those that waited for it, which then follow
 * in CmdSN order.
 *
 * Context: io_work.
 */
void ktgt_cmds_release_held(struct ktgt_conn *conn)
{
	struct ktgt_cmd *cmd, *first;

	while (READ_ONCE(conn->sess->held)) {
		first = NULL;
		list_for_each_entry(cmd, &conn->cmds, node)
			if (cmd->held && (!first || (s32)(cmd->cmdsn - first->cmdsn) < 0))
				first = cmd;
		if (!first || !ktgt_cmdsn_unhold(conn->sess, first->cmdsn))
			return;
		first->held = false;
		cmd_advance(first);
	}
}

/* ---- completion and teardown ---- */

/**
 * ktgt_cmd_io_done() - the backend finished a command
 * @cmd: command
 * @status: outcome
 *
 * Context: any (bio completion, workqueue).
 */
void ktgt_cmd_io_done(struct ktgt_cmd *cmd, blk_status_t status)
{
	struct ktgt_conn *conn = cmd->conn;

	cmd->io_status = status;
	ktgt_range_unlock(cmd);
	llist_add(&cmd->done_node, &conn->done);
	ktgt_conn_queue(conn, &conn->io_work);
	/* last: once this reaches zero the connection may be freed */
	if (atomic_dec_and_test(&conn->inflight))
		wake_up_var(&conn->inflight);
}

/**
 * ktgt_cmd_io_done_errno() - the backend finished a command, with an errno
 * @cmd: command
 * @err: 0 or a negative errno
 *
 * Context: any.
 */
void ktgt_cmd_io_done_errno(struct ktgt_cmd *cmd, int err)
{
	cmd->io_errno = err;
	ktgt_cmd_io_done(cmd, err ? BLK_STS_IOERR : BLK_STS_OK);
}

/**
 * ktgt_cmd_complete() - answer a command the backend finished
 * @cmd: command
 *
 * Context: io_work.
 */
void ktgt_cmd_complete(struct ktgt_cmd *cmd)
{
	struct ktgt_conn *conn = cmd->conn;
	u32 offset;

	cmd->in_backend = false;
	if (cmd->aborted) {
		/* task management took it: no response */
		cmd_drop(cmd);
		ktgt_tmf_task_done(conn);
		return;
	}
	if (cmd->io_errno || cmd->io_status != BLK_STS_OK)
		ktgt_nl_notify_lun_error(cmd->lun, atomic64_read(&cmd->bad_lba),
					 cmd->io_errno ?: blk_status_to_errno(cmd->io_status));
	if (cmd->io_errno)
		ktgt_sense_from_errno(cmd, cmd->io_errno);
	else if (cmd->io_status != BLK_STS_OK)
		ktgt_sense_from_blk_status(cmd, cmd->io_status);
	else if (cmd->miscompare)
		ktgt_cmd_check_info(cmd, SK_MISCOMPARE, ASC_MISCOMPARE_DURING_VERIFY,
				    cmd->miscompare_off);
	else if (cmd->cdb.op == KTGT_OP_VERIFY && !ktgt_verify_compare(cmd, &offset))
		/* VERIFY with BYTCHK: the medium was read, compare it */
		ktgt_cmd_check_info(cmd, SK_MISCOMPARE, ASC_MISCOMPARE_DURING_VERIFY, offset);
	cmd_respond(cmd);
}

/**
 * ktgt_tmf_abort() - abort tasks for task management
 * @conn: connection
 * @lun: LUN whose tasks go, or U64_MAX for every LUN
 * @itt: the one task (ABORT TASK), or ISCSI_RSVD_TAG for all of them
 *
 * Tasks still waiting for data are freed at once. Tasks in the backend
 * cannot be called back: they are marked, get no response, and each counts
 * down conn->tmf_waiting as it completes, so the TMF response can wait
 * for them and nothing is freed under I/O.
 *
 * Context: io_work.
 * Return: the number of tasks found.
 */
u32 ktgt_tmf_abort(struct ktgt_conn *conn, u64 lun, u32 itt)
{
	struct ktgt_cmd *cmd, *tmp;
	u32 found = 0;

	list_for_each_entry_safe(cmd, tmp, &conn->cmds, node) {
		if ((itt != ISCSI_RSVD_TAG && cmd->itt != itt) ||
		    (lun != U64_MAX && cmd->lun_id != lun))
			continue;
		found++;
		if (!cmd->in_backend) {
			cmd_drop(cmd);
		} else if (!cmd->aborted) {
			cmd->aborted = true;
			conn->tmf_waiting++;
		}
	}
	return found;
}

/**
 * ktgt_nexus_abort_lun() - have an I_T nexus abort its tasks on a LUN
 * @t: target
 * @lun_id: LUN
 * @initiator: the nexus's initiator name
 * @isid: and ISID
 *
 * For PREEMPT AND ABORT (SPC-4 5.13.11.2.4): a connection's commands are
 * only touched by its own io_work, so the LUN is marked on the connection
 * and its io_work does the abort (ktgt_pr_aborts_run()). The caller does
 * not wait for it.
 */
void ktgt_nexus_abort_lun(struct ktgt_target *t, u64 lun_id, const char *initiator, u64 isid)
{
	struct ktgt_session *sess;
	struct ktgt_conn *conn;

	if (lun_id > KTGT_MAX_LUN)
		return;
	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node) {
		if (sess->isid != isid || strcmp(sess->initiator, initiator))
			continue;
		conn = sess->conn;
		set_bit(lun_id, conn->pr_abort);
		/* the LUN's bit is seen before the flag that sends io_work to it */
		smp_mb__before_atomic();
		set_bit(KTGT_CONN_WANT_PR_ABORT, &conn->flags);
		ktgt_conn_queue(conn, &conn->io_work);
	}
	spin_unlock(&t->sess_lock);
}

/**
 * ktgt_pr_aborts_run() - abort the tasks another nexus preempted
 * @conn: connection, between two received PDUs (no command is being
 *	received into)
 *
 * Each marked LUN's tasks go as if by ABORT TASK SET from this nexus.
 * Tasks in the backend count in conn->tmf_waiting like a TMF's, which only
 * delays a TMF response that is waiting anyway. As TAS is 0 in the control
 * mode page, the nexus gets COMMANDS CLEARED BY ANOTHER INITIATOR if it
 * lost tasks (SAM-5 5.6).
 *
 * Context: io_work.
 */
void ktgt_pr_aborts_run(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;
	unsigned long lun;

	for_each_set_bit(lun, conn->pr_abort, KTGT_MAX_LUN + 1) {
		clear_bit(lun, conn->pr_abort);
		if (!ktgt_tmf_abort(conn, lun, ISCSI_RSVD_TAG) || !sess)
			continue;
		pr_info_ratelimited("%s LUN %lu: tasks of %pISpc aborted by PREEMPT AND ABORT\n",
				    sess->target->name, lun, &conn->peer);
		ktgt_ua_nexus_event(sess->target, lun, sess->initiator, sess->isid,
				    ASC_COMMANDS_CLEARED_BY_OTHER);
	}
}

/**
 * ktgt_cmds_abort() - free the commands of a closing connection
 * @conn: connection, whose io_work no longer runs
 *
 * Commands still in the backend are left alone; they reach conn->done
 * when they complete and a later call frees them.
 */
void ktgt_cmds_abort(struct ktgt_conn *conn)
{
	struct llist_node *list = llist_del_all(&conn->done);
	struct ktgt_cmd *cmd, *tmp;

	llist_for_each_entry_safe(cmd, tmp, list, done_node) {
		cmd->in_backend = false;
		cmd_drop(cmd);
	}
	list_for_each_entry_safe(cmd, tmp, &conn->cmds, node)
		if (!cmd->in_backend)
			cmd_drop(cmd);
	conn->rx_cmd = NULL;
}
