/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CDB decoding (SPC-4, SBC-3). Parsing only fills a typed request and
 * picks the operation; execution never looks at the CDB again.
 * Portable: also built in userspace for unit tests and fuzzing.
 */
#ifndef KTGT_SCSI_CDB_H
#define KTGT_SCSI_CDB_H

#include "portable.h"

#define SCSI_SENSE_LEN		18	/* fixed format */
#define SCSI_SENSE_BUF_LEN	32	/* room for either format */

enum ktgt_sam_status {
	SAM_GOOD		= 0x00,
	SAM_CHECK_CONDITION	= 0x02,
	SAM_BUSY		= 0x08,
	SAM_RESERVATION_CONFLICT = 0x18,
	SAM_TASK_SET_FULL	= 0x28,
};

enum ktgt_sense_key {
	SK_NO_SENSE		= 0x0,
	SK_NOT_READY		= 0x2,
	SK_MEDIUM_ERROR		= 0x3,
	SK_HARDWARE_ERROR	= 0x4,
	SK_ILLEGAL_REQUEST	= 0x5,
	SK_UNIT_ATTENTION	= 0x6,
	SK_DATA_PROTECT		= 0x7,
	SK_ABORTED_COMMAND	= 0xb,
	SK_MISCOMPARE		= 0xe,
};

/* additional sense code and qualifier, as asc << 8 | ascq */
enum ktgt_asc {
	ASC_NONE			= 0x0000,
	ASC_WRITE_ERROR			= 0x0c00,
	ASC_MISCOMPARE_DURING_VERIFY	= 0x1d00,
	ASC_INVALID_FIELD_IN_IU		= 0x0e03,
	ASC_READ_ERROR			= 0x1100,
	ASC_PARAMETER_LIST_LENGTH	= 0x1a00,
	ASC_INVALID_OPCODE		= 0x2000,
	ASC_LBA_OUT_OF_RANGE		= 0x2100,
	ASC_INVALID_FIELD_IN_CDB	= 0x2400,
	ASC_INVALID_FIELD_IN_PARAM_LIST	= 0x2600,
	ASC_LUN_NOT_SUPPORTED		= 0x2500,
	ASC_WRITE_PROTECTED		= 0x2700,
	ASC_INTERNAL_TARGET_FAILURE	= 0x4400,
	ASC_DATA_PHASE_ERROR		= 0x4b00,
	ASC_SAVING_NOT_SUPPORTED	= 0x3900,
	ASC_OUT_OF_RESOURCES		= 0x5503,
	ASC_SPACE_ALLOC_FAILED		= 0x2707,
	/* unit attentions, and the reservation codes of SPC-4 */
	ASC_POWER_ON_RESET		= 0x2900,
	ASC_BUS_DEVICE_RESET		= 0x2903,
	ASC_NEXUS_LOSS			= 0x2907,
	ASC_MODE_PARAMETERS_CHANGED	= 0x2a01,
	ASC_RESERVATIONS_PREEMPTED	= 0x2a03,
	ASC_RESERVATIONS_RELEASED	= 0x2a04,
	ASC_REGISTRATIONS_PREEMPTED	= 0x2a05,
	ASC_CAPACITY_CHANGED		= 0x2a09,
	ASC_REPORTED_LUNS_CHANGED	= 0x3f0e,
	ASC_INQUIRY_DATA_CHANGED	= 0x3f03,
	ASC_INVALID_RELEASE_OF_PR	= 0x2604,
	ASC_INSUFFICIENT_REG_RESOURCES	= 0x5504,
	ASC_COMMANDS_CLEARED_BY_OTHER	= 0x2f00,
};

enum ktgt_scsi_op {
	KTGT_OP_INVALID = 0,
	KTGT_OP_TEST_UNIT_READY,
	KTGT_OP_REQUEST_SENSE,
	KTGT_OP_INQUIRY,
	KTGT_OP_MODE_SENSE,
	KTGT_OP_READ_CAPACITY10,
	KTGT_OP_READ_CAPACITY16,
	KTGT_OP_REPORT_LUNS,
	KTGT_OP_READ,
	KTGT_OP_WRITE,
	KTGT_OP_SYNC_CACHE,
	KTGT_OP_START_STOP,
	KTGT_OP_PREVENT_ALLOW,
	KTGT_OP_VERIFY,
	KTGT_OP_PREFETCH,
	KTGT_OP_UNMAP,
	KTGT_OP_WRITE_SAME,
	KTGT_OP_MODE_SELECT,
	KTGT_OP_REPORT_OPCODES,
	KTGT_OP_REPORT_TMFS,
	KTGT_OP_COMPARE_AND_WRITE,
	KTGT_OP_GET_LBA_STATUS,
	KTGT_OP_RESERVE,	/* RESERVE(6)/(10), SPC-2 */
	KTGT_OP_RELEASE,	/* RELEASE(6)/(10), SPC-2 */
	KTGT_OP_PR_IN,
	KTGT_OP_PR_OUT,
};

/*
 * Limits the executors honour, advertised in the Block Limits VPD page and
 * checked by the parser.
 */
/*
 * WRITE SAME covers at most what one WRITE may move: initiators (libiscsi
 * among them) prepare a WRITE SAME of MAXIMUM WRITE SAME LENGTH with one WRITE.
 */
#define KTGT_MAX_WRITE_SAME_BYTES	0x800000ull	/* 8 MiB */
#define KTGT_MAX_UNMAP_BYTES		0x10000000ull	/* all descriptors of one UNMAP: 256 MiB */
#define KTGT_MAX_UNMAP_DESC		4095	/* what a 16-bit list length holds */
/* COMPARE AND WRITE: NUMBER OF LOGICAL BLOCKS, at most (VPD B0 byte 5) */
#define KTGT_MAX_CAW_BLOCKS		255

/**
 * struct ktgt_opcode_info - one command the device server supports
 * @opcode: CDB byte 0
 * @sa: service action (CDB byte 1, bits 4:0) when @has_sa
 * @has_sa: the opcode is split by service action
 * @op: enum ktgt_scsi_op it decodes to
 * @cdb_len: CDB length
 * @usage: CDB usage data (SPC-4 6.35.3): the bits the device server looks
 *	at. The parser rejects any other bit with INVALID FIELD IN CDB, so
 *	REPORT SUPPORTED OPERATION CODES always tells the truth.
 */
struct ktgt_opcode_info {
	u8 opcode;
	u8 sa;
	bool has_sa;
	u8 op;
	u8 cdb_len;
	u8 usage[16];
};

extern const struct ktgt_opcode_info ktgt_opcodes[];
extern const u32 ktgt_nr_opcodes;

enum ktgt_data_dir {
	KTGT_DIR_NONE,
	KTGT_DIR_READ,		/* Data-In: target to initiator */
	KTGT_DIR_WRITE,		/* Data-Out: initiator to target */
};

/* the CDB, decoded */
struct ktgt_cdb {
	u8 opcode;		/* CDB byte 0, for logs */
	u8 op;			/* enum ktgt_scsi_op */
	u8 dir;			/* enum ktgt_data_dir */
	bool fua;
	bool evpd;		/* INQUIRY */
	bool dbd;		/* MODE SENSE: no block descriptors */
	bool llbaa;		/* MODE SENSE(10) */
	bool mode10;		/* MODE SENSE(10), not (6) */
	bool desc;		/* REQUEST SENSE: descriptor format */
	bool unmap;		/* WRITE SAME: the range may be deallocated */
	bool ndob;		/* WRITE SAME(16): no data-out, the pattern is zeros */
	bool pf;		/* MODE SELECT: page format */
	bool rctd;		/* REPORT SUPPORTED OPCODES: timeout descriptors */
	bool repd;		/* REPORT SUPPORTED TMFS: extended parameter data */
	u8 bytchk;		/* VERIFY: 0 check the medium, 1 compare with Data-Out */
	u8 rep_opts;		/* REPORT SUPPORTED OPCODES: reporting options */
	u8 req_opcode;		/* REPORT SUPPORTED OPCODES: requested opcode */
	u16 req_sa;		/* and service action */
	u8 page;		/* INQUIRY VPD page, MODE SENSE page code */
	u8 subpage;
	u8 pc;			/* MODE SENSE page control */
	u8 select_report;	/* REPORT LUNS */
	u64 lba;
	u32 nr_blocks;
	u32 alloc_len;		/* for commands that return parameter data */
	u32 param_len;		/* for commands that take a parameter list */
	u64 xfer_len;		/* bytes the CDB asks to move */
	u16 asc;		/* on error: ILLEGAL REQUEST with this asc/ascq */
	u8 sa;			/* PERSISTENT RESERVE IN/OUT: service action */
	u8 pr_type;		/* PERSISTENT RESERVE OUT: type */
	u8 pr_scope;		/* and scope */
	bool start;		/* START STOP UNIT: START, power condition 0 */
	u8 prevent;		/* PREVENT ALLOW MEDIUM REMOVAL: PREVENT */
};

int ktgt_cdb_parse(const u8 *cdb, u32 block_shift, u64 nr_lbas, struct ktgt_cdb *c);
u32 ktgt_sense_fixed(u8 *buf, u8 key, u16 asc);
u32 ktgt_sense_fixed_info(u8 *buf, u8 key, u16 asc, u32 info);
u32 ktgt_sense_build(u8 *buf, bool desc, u8 key, u16 asc, bool info_valid, u64 info);
const struct ktgt_opcode_info *ktgt_opcode_find(u8 opcode, u16 sa, bool *has_sa);
int ktgt_unmap_parse(const u8 *p, u32 len, u64 nr_lbas, u32 max_lbas, u32 *nr_desc, u16 *asc);
void ktgt_unmap_desc(const u8 *p, u32 i, u64 *lba, u32 *nr_blocks);

#endif /* KTGT_SCSI_CDB_H */
