// SPDX-License-Identifier: GPL-2.0
/*
 * Reservation rules that depend only on the command and the reservation:
 * which commands a persistent or SPC-2 reservation lets through, and the
 * decoding of PERSISTENT RESERVE OUT parameter lists and iSCSI
 * TransportIDs. The state itself is kept in scsi_pr.c.
 */
#include "scsi_pr_rules.h"

/**
 * ktgt_pr_type_valid() - is this a persistent reservation type we know?
 * @type: TYPE field
 *
 * Return: true for the six types of SPC-4 table 169.
 */
bool ktgt_pr_type_valid(u8 type)
{
	switch (type) {
	case PR_TYPE_WE:
	case PR_TYPE_EA:
	case PR_TYPE_WE_RO:
	case PR_TYPE_EA_RO:
	case PR_TYPE_WE_AR:
	case PR_TYPE_EA_AR:
		return true;
	}
	return false;
}

/**
 * ktgt_pr_type_all_reg() - is every registrant a reservation holder?
 * @type: reservation type
 *
 * Return: true for the all registrants types.
 */
bool ktgt_pr_type_all_reg(u8 type)
{
	return type == PR_TYPE_WE_AR || type == PR_TYPE_EA_AR;
}

/**
 * ktgt_pr_type_reg_only() - does registering give access?
 * @type: reservation type
 *
 * Return: true for the registrants only and all registrants types.
 */
bool ktgt_pr_type_reg_only(u8 type)
{
	return type == PR_TYPE_WE_RO || type == PR_TYPE_EA_RO || ktgt_pr_type_all_reg(type);
}

static bool type_exclusive_access(u8 type)
{
	return type == PR_TYPE_EA || type == PR_TYPE_EA_RO || type == PR_TYPE_EA_AR;
}

enum pr_class {
	PR_CLASS_ALLOWED,	/* never conflicts */
	PR_CLASS_READ,		/* reads the medium */
	PR_CLASS_WRITE,		/* changes the medium or the LU's state */
	PR_CLASS_MODE_SENSE,
};

static enum pr_class pr_class(const struct ktgt_cdb *c)
{
	switch (c->op) {
	case KTGT_OP_INQUIRY:
	case KTGT_OP_REPORT_LUNS:
	case KTGT_OP_REQUEST_SENSE:
	case KTGT_OP_TEST_UNIT_READY:
	case KTGT_OP_READ_CAPACITY10:
	case KTGT_OP_READ_CAPACITY16:
	case KTGT_OP_REPORT_OPCODES:
	case KTGT_OP_REPORT_TMFS:
	case KTGT_OP_PR_IN:
	case KTGT_OP_PR_OUT:	/* checked by the service action itself */
	case KTGT_OP_RESERVE:	/* CRH=1: see scsi_pr.c */
	case KTGT_OP_RELEASE:
		return PR_CLASS_ALLOWED;
	case KTGT_OP_START_STOP:
		return c->start ? PR_CLASS_ALLOWED : PR_CLASS_WRITE;
	case KTGT_OP_PREVENT_ALLOW:
		return c->prevent ? PR_CLASS_WRITE : PR_CLASS_ALLOWED;
	case KTGT_OP_MODE_SENSE:
		return PR_CLASS_MODE_SENSE;
	case KTGT_OP_READ:
	case KTGT_OP_VERIFY:
	case KTGT_OP_PREFETCH:
		return PR_CLASS_READ;
	case KTGT_OP_WRITE:
	case KTGT_OP_WRITE_SAME:
	case KTGT_OP_UNMAP:
	case KTGT_OP_SYNC_CACHE:
	case KTGT_OP_MODE_SELECT:
		return PR_CLASS_WRITE;
	}
	/* anything newer: by the direction of its data */
	return c->dir == KTGT_DIR_WRITE ? PR_CLASS_WRITE : PR_CLASS_READ;
}

/**
 * ktgt_pr_allowed() - may a command run while a persistent reservation is held?
 * @c: the decoded CDB
 * @type: the reservation's type
 * @holder: the command's I_T nexus holds the reservation (every registrant
 *	does for the all registrants types)
 * @registered: the command's I_T nexus is registered
 *
 * Return: true when the command runs, false for RESERVATION CONFLICT.
 */
bool ktgt_pr_allowed(const struct ktgt_cdb *c, u8 type, bool holder, bool registered)
{
	bool reg_access = registered && ktgt_pr_type_reg_only(type);

	if (holder)
		return true;
	switch (pr_class(c)) {
	case PR_CLASS_ALLOWED:
		return true;
	case PR_CLASS_READ:
		return !type_exclusive_access(type) || reg_access;
	case PR_CLASS_MODE_SENSE:
		return !type_exclusive_access(type) || registered;
	case PR_CLASS_WRITE:
	default:
		return reg_access;
	}
}

/**
 * ktgt_spc2_allowed() - may a command run while another I_T nexus holds an
 *	SPC-2 reservation?
 * @c: the decoded CDB
 *
 * Return: true for the commands SPC-2 lets through; RELEASE completes with
 * GOOD and changes nothing.
 */
bool ktgt_spc2_allowed(const struct ktgt_cdb *c)
{
	switch (c->op) {
	case KTGT_OP_INQUIRY:
	case KTGT_OP_REPORT_LUNS:
	case KTGT_OP_REQUEST_SENSE:
	case KTGT_OP_RELEASE:
	case KTGT_OP_REPORT_OPCODES:
	case KTGT_OP_REPORT_TMFS:
		return true;
	}
	return false;
}

/**
 * ktgt_pr_out_param_parse() - decode a PERSISTENT RESERVE OUT parameter list
 * @sa: service action
 * @p: the parameter data
 * @len: its length (the PARAMETER LIST LENGTH)
 * @out: the decoded fields
 * @asc: on error, the ILLEGAL REQUEST additional sense code
 *
 * Return: 0, or -EINVAL with @asc set.
 */
int ktgt_pr_out_param_parse(u8 sa, const u8 *p, u32 len, struct ktgt_pr_out_param *out,
			    u16 *asc)
{
	memset(out, 0, sizeof(*out));
	*asc = ASC_PARAMETER_LIST_LENGTH;
	if (sa == PR_OUT_REGISTER_AND_MOVE) {
		if (len < 24)
			return -EINVAL;
		out->key = get_unaligned_be64(p);
		out->sa_key = get_unaligned_be64(p + 8);
		out->unreg = p[17] & 0x02;
		out->aptpl = p[17] & 0x01;
		out->rel_tgt_port = get_unaligned_be16(p + 18);
		out->tid_len = get_unaligned_be32(p + 20);
		out->tid_off = 24;
		if (out->tid_len > len - 24 || len - 24 - out->tid_len >= 4)
			return -EINVAL;
		if (out->tid_len < 24) {
			*asc = ASC_INVALID_FIELD_IN_PARAM_LIST;
			return -EINVAL;
		}
		return 0;
	}
	/* without SPEC_I_PT the list is exactly 24 bytes (SPC-4 6.16.3) */
	if (len < 24)
		return -EINVAL;
	out->key = get_unaligned_be64(p);
	out->sa_key = get_unaligned_be64(p + 8);
	out->spec_i_pt = p[20] & 0x08;
	out->all_tg_pt = p[20] & 0x04;
	out->aptpl = p[20] & 0x01;
	if (!out->spec_i_pt && len != 24)
		return -EINVAL;
	*asc = ASC_INVALID_FIELD_IN_PARAM_LIST;
	/* SPEC_I_PT and ALL_TG_PT only mean something to the register actions */
	if (out->spec_i_pt && sa != PR_OUT_REGISTER)
		return -EINVAL;
	if (out->all_tg_pt && sa != PR_OUT_REGISTER && sa != PR_OUT_REGISTER_IGNORE)
		return -EINVAL;
	return 0;
}

/**
 * ktgt_pr_tid_parse() - decode an iSCSI TransportID (SPC-4 7.6.4.6)
 * @p: the TransportID
 * @len: bytes available
 * @name: the iSCSI name, NUL terminated
 * @name_size: size of @name
 * @isid: the ISID for format 01b ("name,i,0x<isid>"); U64_MAX for format
 *	00b, which names an initiator without a port
 *
 * Return: the TransportID's length, or -EINVAL.
 */
int ktgt_pr_tid_parse(const u8 *p, u32 len, char *name, u32 name_size, u64 *isid)
{
	u32 tlen, n, i;
	const char *s, *sep;
	u64 v = 0;

	if (len < 24 || (p[0] & 0x0f) != 0x5 || (p[0] >> 6) > 1)
		return -EINVAL;
	tlen = 4 + get_unaligned_be16(p + 2);
	if (tlen > len || tlen < 24 || tlen % 4)
		return -EINVAL;
	s = (const char *)p + 4;
	n = strnlen(s, tlen - 4);
	if (n == tlen - 4)
		return -EINVAL;		/* not NUL terminated */
	*isid = U64_MAX;
	if (p[0] >> 6) {
		/* the separator may be in either case (SPC-4 7.6.4.6) */
		if (n < 18)
			return -EINVAL;
		sep = s + n - 17;
		if (sep[0] != ',' || (sep[1] | 0x20) != 'i' || sep[2] != ',' ||
		    sep[3] != '0' || (sep[4] | 0x20) != 'x')
			return -EINVAL;
		for (i = 0; i < 12; i++) {
			int h = ktgt_hex_digit(sep[5 + i]);

			if (h < 0)
				return -EINVAL;
			v = v << 4 | h;
		}
		*isid = v;
		n = sep - s;
	}
	if (!n || n >= name_size)
		return -EINVAL;
	memcpy(name, s, n);
	name[n] = '\0';
	return tlen;
}

/**
 * ktgt_pr_tid_fill() - encode an iSCSI TransportID, format 01b
 * @b: at least 4 + round_up(strlen(@name) + 19, 4) bytes
 * @name: initiator name
 * @isid: ISID
 *
 * Return: its length.
 */
u32 ktgt_pr_tid_fill(u8 *b, const char *name, u64 isid)
{
	u32 n = strlen(name), len, i;
	static const char hex[] = "0123456789abcdef";
	char *s = (char *)b + 4;

	memcpy(s, name, n);
	memcpy(s + n, ",i,0x", 5);
	for (i = 0; i < 12; i++)
		s[n + 5 + i] = hex[(isid >> (44 - 4 * i)) & 0xf];
	n += 17;
	len = n + 1;
	while (len % 4)
		len++;
	if (len < 20)
		len = 20;
	memset(s + n, 0, len - n);
	b[0] = 0x40 | 0x5;
	b[1] = 0;
	put_unaligned_be16(len, b + 2);
	return 4 + len;
}
