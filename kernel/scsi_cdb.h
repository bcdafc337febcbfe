/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CDB decoding (SPC-4, SBC-3). Parsing only fills a typed request and
 * picks the operation; execution never looks at the CDB again.
 * Portable: also built in userspace for unit tests and fuzzing.
 */
#ifndef KTGT_SCSI_CDB_H
#define KTGT_SCSI_CDB_H

#include "portable.h"

#define SCSI_SENSE_LEN		18

enum ktgt_sam_status {
	SAM_GOOD		= 0x00,
	SAM_CHECK_CONDITION	= 0x02,
	SAM_BUSY		= 0x08,
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
};

/* additional sense code and qualifier, as asc << 8 | ascq */
enum ktgt_asc {
	ASC_NONE			= 0x0000,
	ASC_WRITE_ERROR			= 0x0c00,
	ASC_INVALID_FIELD_IN_IU		= 0x0e03,
	ASC_READ_ERROR			= 0x1100,
	ASC_PARAMETER_LIST_LENGTH	= 0x1a00,
	ASC_INVALID_OPCODE		= 0x2000,
	ASC_LBA_OUT_OF_RANGE		= 0x2100,
	ASC_INVALID_FIELD_IN_CDB	= 0x2400,
	ASC_LUN_NOT_SUPPORTED		= 0x2500,
	ASC_WRITE_PROTECTED		= 0x2700,
	ASC_INTERNAL_TARGET_FAILURE	= 0x4400,
	ASC_SAVING_NOT_SUPPORTED	= 0x3900,
	ASC_OUT_OF_RESOURCES		= 0x5503,
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
};

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
	u8 page;		/* INQUIRY VPD page, MODE SENSE page code */
	u8 subpage;
	u8 pc;			/* MODE SENSE page control */
	u8 select_report;	/* REPORT LUNS */
	u64 lba;
	u32 nr_blocks;
	u32 alloc_len;		/* for commands that return parameter data */
	u64 xfer_len;		/* bytes the CDB asks to move */
	u16 asc;		/* on error: ILLEGAL REQUEST with this asc/ascq */
};

int ktgt_cdb_parse(const u8 *cdb, u32 block_shift, u64 nr_lbas, struct ktgt_cdb *c);
u32 ktgt_sense_fixed(u8 *buf, u8 key, u16 asc);

#endif /* KTGT_SCSI_CDB_H */
