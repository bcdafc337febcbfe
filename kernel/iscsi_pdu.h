/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI wire format (RFC 7143 section 11). Portable: also built in
 * userspace for unit tests.
 */
#ifndef KTGT_ISCSI_PDU_H
#define KTGT_ISCSI_PDU_H

#include "portable.h"

#define ISCSI_BHS_LEN		48
#define ISCSI_RSVD_TAG		0xffffffffu
#define ISCSI_MAX_AHS_LEN	(255 * 4)
#define ISCSI_MAX_DSL		0xffffff

/* opcodes, byte 0 (low 6 bits) */
enum iscsi_opcode {
	ISCSI_OP_NOOP_OUT	= 0x00,
	ISCSI_OP_SCSI_CMD	= 0x01,
	ISCSI_OP_TMF_REQ	= 0x02,
	ISCSI_OP_LOGIN_REQ	= 0x03,
	ISCSI_OP_TEXT_REQ	= 0x04,
	ISCSI_OP_DATA_OUT	= 0x05,
	ISCSI_OP_LOGOUT_REQ	= 0x06,
	ISCSI_OP_SNACK_REQ	= 0x10,

	ISCSI_OP_NOOP_IN	= 0x20,
	ISCSI_OP_SCSI_RSP	= 0x21,
	ISCSI_OP_TMF_RSP	= 0x22,
	ISCSI_OP_LOGIN_RSP	= 0x23,
	ISCSI_OP_TEXT_RSP	= 0x24,
	ISCSI_OP_DATA_IN	= 0x25,
	ISCSI_OP_LOGOUT_RSP	= 0x26,
	ISCSI_OP_R2T		= 0x31,
	ISCSI_OP_ASYNC_MSG	= 0x32,
	ISCSI_OP_REJECT		= 0x3f,
};

#define ISCSI_OPCODE_MASK	0x3f
#define ISCSI_OP_IMMEDIATE	0x40
#define ISCSI_FLAG_FINAL	0x80

/* SCSI Command flags (byte 1) */
#define ISCSI_CMD_READ		0x40
#define ISCSI_CMD_WRITE		0x20
#define ISCSI_CMD_ATTR_MASK	0x07

/* SCSI Response / Data-In flags (byte 1) */
#define ISCSI_RSP_BIDI_OVERFLOW	0x10
#define ISCSI_RSP_BIDI_UNDERFLOW 0x08
#define ISCSI_RSP_OVERFLOW	0x04
#define ISCSI_RSP_UNDERFLOW	0x02
#define ISCSI_DATAIN_ACK	0x40
#define ISCSI_DATAIN_STATUS	0x01

/* Login flags (byte 1) */
#define ISCSI_LOGIN_TRANSIT	0x80
#define ISCSI_LOGIN_CONTINUE	0x40
#define ISCSI_LOGIN_CSG(f)	(((f) >> 2) & 3)
#define ISCSI_LOGIN_NSG(f)	((f) & 3)

enum iscsi_login_stage {
	ISCSI_STAGE_SECURITY	= 0,
	ISCSI_STAGE_OPERATIONAL	= 1,
	ISCSI_STAGE_FULL_FEATURE = 3,
};

/* Login status: class << 8 | detail */
enum iscsi_login_status {
	ISCSI_LOGIN_OK			= 0x0000,
	ISCSI_LOGIN_INITIATOR_ERROR	= 0x0200,
	ISCSI_LOGIN_AUTH_FAILED		= 0x0201,
	ISCSI_LOGIN_AUTHORIZATION	= 0x0202,
	ISCSI_LOGIN_NOT_FOUND		= 0x0203,
	ISCSI_LOGIN_TARGET_REMOVED	= 0x0204,
	ISCSI_LOGIN_UNSUPPORTED_VERSION	= 0x0205,
	ISCSI_LOGIN_TOO_MANY_CONNS	= 0x0206,
	ISCSI_LOGIN_MISSING_PARAM	= 0x0207,
	ISCSI_LOGIN_NO_SESSION_SPAN	= 0x0208,
	ISCSI_LOGIN_NO_SESSION_TYPE	= 0x0209,
	ISCSI_LOGIN_NO_SESSION		= 0x020a,
	ISCSI_LOGIN_INVALID_REQUEST	= 0x020b,
	ISCSI_LOGIN_TARGET_ERROR	= 0x0300,
	ISCSI_LOGIN_SERVICE_UNAVAILABLE	= 0x0301,
	ISCSI_LOGIN_NO_RESOURCES	= 0x0302,
};

/* Reject reasons (RFC 7143 section 11.17.1) */
enum iscsi_reject_reason {
	ISCSI_REJECT_DATA_DIGEST	= 0x02,
	ISCSI_REJECT_SNACK		= 0x03,
	ISCSI_REJECT_PROTOCOL_ERROR	= 0x04,
	ISCSI_REJECT_CMD_NOT_SUPPORTED	= 0x05,
	ISCSI_REJECT_IMM_CMD		= 0x06,
	ISCSI_REJECT_TASK_IN_PROGRESS	= 0x07,
	ISCSI_REJECT_INVALID_DATA_ACK	= 0x08,
	ISCSI_REJECT_INVALID_PDU_FIELD	= 0x09,
	ISCSI_REJECT_OUT_OF_RESOURCES	= 0x0a,
	ISCSI_REJECT_NEGOTIATION_RESET	= 0x0b,
	ISCSI_REJECT_WAITING_LOGOUT	= 0x0c,
};

/* Logout reasons and responses */
#define ISCSI_LOGOUT_REASON_MASK	0x7f
enum iscsi_logout_reason {
	ISCSI_LOGOUT_SESSION		= 0,
	ISCSI_LOGOUT_CONNECTION		= 1,
	ISCSI_LOGOUT_RECOVERY		= 2,
};

enum iscsi_logout_response {
	ISCSI_LOGOUT_OK			= 0,
	ISCSI_LOGOUT_CID_NOT_FOUND	= 1,
	ISCSI_LOGOUT_RECOVERY_UNSUPPORTED = 2,
	ISCSI_LOGOUT_CLEANUP_FAILED	= 3,
};

/* Task management functions and responses */
#define ISCSI_TMF_FUNC_MASK	0x7f
enum iscsi_tmf_response {
	ISCSI_TMF_COMPLETE		= 0,
	ISCSI_TMF_NO_TASK		= 1,
	ISCSI_TMF_NO_LUN		= 2,
	ISCSI_TMF_TASK_ALLEGIANT	= 3,
	ISCSI_TMF_NO_REASSIGN		= 4,
	ISCSI_TMF_NOT_SUPPORTED		= 5,
	ISCSI_TMF_AUTH_FAILED		= 6,
	ISCSI_TMF_REJECTED		= 255,
};

/*
 * Basic Header Segment. The fields from byte 20 on depend on the opcode;
 * the names follow the most common use and the accessors below give the
 * others a name.
 */
struct iscsi_bhs {
	u8	opcode;
	u8	flags;
	u8	rsvd2[2];
	u8	ahslen;		/* TotalAHSLength, 4-byte words */
	u8	dlength[3];	/* DataSegmentLength */
	u8	lun[8];		/* LUN, or ISID + TSIH for login */
	__be32	itt;
	__be32	ttt;		/* TTT, EDTL, CID, RTT */
	__be32	sn;		/* CmdSN or StatSN */
	__be32	exp_sn;		/* ExpStatSN or ExpCmdSN */
	__be32	max_sn;		/* MaxCmdSN; ExpDataSN; RefCmdSN */
	__be32	word9;		/* DataSN, R2TSN, ExpDataSN, status class/detail */
	__be32	word10;		/* BufferOffset, BidiResidual */
	__be32	word11;		/* Residual, DesiredDataTransferLength */
} __packed;

/* view of the same 48 bytes for a SCSI Command PDU */
struct iscsi_scsi_cmd {
	u8	opcode;
	u8	flags;
	u8	rsvd2[2];
	u8	ahslen;
	u8	dlength[3];
	u8	lun[8];
	__be32	itt;
	__be32	edtl;
	__be32	cmdsn;
	__be32	exp_statsn;
	u8	cdb[16];
} __packed;

static inline u32 iscsi_bhs_dlength(const struct iscsi_bhs *h)
{
	return ktgt_get_be24(h->dlength);
}

static inline void iscsi_bhs_set_dlength(struct iscsi_bhs *h, u32 len)
{
	ktgt_put_be24(len, h->dlength);
}

static inline u8 iscsi_bhs_opcode(const struct iscsi_bhs *h)
{
	return h->opcode & ISCSI_OPCODE_MASK;
}

static inline u32 iscsi_pad4(u32 len)
{
	return (4 - (len & 3)) & 3;
}

/* Serial number arithmetic, RFC 1982 with SERIAL_BITS = 32 */
static inline bool iscsi_sn_lt(u32 a, u32 b)
{
	return a != b && (int32_t)(a - b) < 0;
}

static inline bool iscsi_sn_le(u32 a, u32 b)
{
	return a == b || iscsi_sn_lt(a, b);
}

/* ISID is 6 bytes at offset 8 of a login PDU, TSIH the 2 after it */
static inline u64 iscsi_login_isid(const struct iscsi_bhs *h)
{
	return (u64)get_unaligned_be16(h->lun) << 32 | get_unaligned_be32(h->lun + 2);
}

static inline u16 iscsi_login_tsih(const struct iscsi_bhs *h)
{
	return get_unaligned_be16(h->lun + 6);
}

#endif /* KTGT_ISCSI_PDU_H */
