/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which commands a reservation lets through (SPC-4 5.13.1 table 66 and
 * SBC-3 4.17), and the checks of PERSISTENT RESERVE OUT parameters that
 * depend only on their bytes. Portable: also built in userspace for
 * the unit tests.
 */
#ifndef KTGT_SCSI_PR_RULES_H
#define KTGT_SCSI_PR_RULES_H

#include "scsi_cdb.h"

/* PERSISTENT RESERVE OUT service actions */
enum ktgt_pr_out_sa {
	PR_OUT_REGISTER			= 0x00,
	PR_OUT_RESERVE			= 0x01,
	PR_OUT_RELEASE			= 0x02,
	PR_OUT_CLEAR			= 0x03,
	PR_OUT_PREEMPT			= 0x04,
	PR_OUT_PREEMPT_AND_ABORT	= 0x05,
	PR_OUT_REGISTER_IGNORE		= 0x06,
	PR_OUT_REGISTER_AND_MOVE	= 0x07,
};

/* PERSISTENT RESERVE IN service actions */
enum ktgt_pr_in_sa {
	PR_IN_READ_KEYS			= 0x00,
	PR_IN_READ_RESERVATION		= 0x01,
	PR_IN_REPORT_CAPABILITIES	= 0x02,
	PR_IN_READ_FULL_STATUS		= 0x03,
};

/* persistent reservation types */
enum ktgt_pr_type {
	PR_TYPE_NONE			= 0x0,
	PR_TYPE_WE			= 0x1,	/* write exclusive */
	PR_TYPE_EA			= 0x3,	/* exclusive access */
	PR_TYPE_WE_RO			= 0x5,	/* ... registrants only */
	PR_TYPE_EA_RO			= 0x6,
	PR_TYPE_WE_AR			= 0x7,	/* ... all registrants */
	PR_TYPE_EA_AR			= 0x8,
};

#define PR_SCOPE_LU	0x0

/* the decoded 24-byte PERSISTENT RESERVE OUT parameter list */
struct ktgt_pr_out_param {
	u64 key;		/* RESERVATION KEY */
	u64 sa_key;		/* SERVICE ACTION RESERVATION KEY */
	bool spec_i_pt;
	bool all_tg_pt;
	bool aptpl;
	bool unreg;		/* REGISTER AND MOVE */
	u16 rel_tgt_port;	/* REGISTER AND MOVE */
	u32 tid_off;		/* REGISTER AND MOVE: the TransportID */
	u32 tid_len;
};

bool ktgt_pr_type_valid(u8 type);
bool ktgt_pr_type_all_reg(u8 type);
bool ktgt_pr_type_reg_only(u8 type);
bool ktgt_pr_allowed(const struct ktgt_cdb *c, u8 type, bool holder, bool registered);
bool ktgt_spc2_allowed(const struct ktgt_cdb *c);
int ktgt_pr_out_param_parse(u8 sa, const u8 *p, u32 len, struct ktgt_pr_out_param *out,
			    u16 *asc);
int ktgt_pr_tid_parse(const u8 *p, u32 len, char *name, u32 name_size, u64 *isid);
u32 ktgt_pr_tid_fill(u8 *b, const char *name, u64 isid);

#endif /* KTGT_SCSI_PR_RULES_H */
