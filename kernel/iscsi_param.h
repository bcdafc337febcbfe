/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Login and text key parsing and negotiation (RFC 7143 sections 6 and 13).
 * Portable: also built in userspace for unit tests and fuzzing.
 */
#ifndef KTGT_ISCSI_PARAM_H
#define KTGT_ISCSI_PARAM_H

#include "portable.h"

#define ISCSI_KEY_NAME_MAX	63
#define ISCSI_VALUE_MAX		255
#define ISCSI_LONG_VALUE_MAX	8192	/* CHAP_C/CHAP_R and text values */

enum ktgt_digest {
	KTGT_DIGEST_NONE	= 1 << 0,
	KTGT_DIGEST_CRC32C	= 1 << 1,
};

/*
 * Session and connection parameters, once negotiated. Typed, so the data
 * path never re-parses a string.
 */
struct ktgt_params {
	u32 header_digest;	/* enum ktgt_digest: one bit once negotiated */
	u32 data_digest;
	u32 max_connections;
	u32 initial_r2t;
	u32 immediate_data;
	u32 max_recv_dsl;	/* what the target accepts (declared by us) */
	u32 max_xmit_dsl;	/* what the initiator accepts (declared by it) */
	u32 max_burst;
	u32 first_burst;
	u32 time2wait;
	u32 time2retain;
	u32 max_outstanding_r2t;
	u32 data_pdu_in_order;
	u32 data_seq_in_order;
	u32 erl;
	u32 ifmarker;
	u32 ofmarker;
};

/* One key=value pair of a text or login data segment, NUL-terminated */
struct ktgt_kv {
	const char *key;
	const char *value;
};

enum ktgt_text_err {
	KTGT_TEXT_OK = 0,
	KTGT_TEXT_END,
	KTGT_TEXT_NO_NUL,	/* segment does not end in NUL */
	KTGT_TEXT_NO_EQUALS,
	KTGT_TEXT_KEY_TOO_LONG,
	KTGT_TEXT_VALUE_TOO_LONG,
	KTGT_TEXT_EMPTY_KEY,
};

/*
 * Cursor over a data segment of key=value\0 pairs. The segment is split in
 * place: each '=' becomes a NUL, so key and value are C strings.
 */
struct ktgt_text_iter {
	char *pos;
	char *end;
};

/* Bounded output for replies */
struct ktgt_text_buf {
	char *buf;
	u32 len;
	u32 size;
	bool overflow;
};

/* Negotiation state of one login (or text exchange) */
struct ktgt_neg {
	const struct ktgt_params *ours;	/* target's limits and preferences */
	struct ktgt_params result;	/* RFC defaults, then negotiated values */
	u64 offered;			/* keys seen, by index: a repeat is an error */
	u32 order[32];			/* reply order for this PDU */
	u32 nr_order;
	char reply[32][16];		/* per-key reply value for this PDU */
	bool discovery;
	bool declared_mrdsl;		/* we sent our MaxRecvDataSegmentLength */
};

enum ktgt_neg_result {
	KTGT_NEG_OK = 0,		/* consumed (answered or not needed) */
	KTGT_NEG_UNKNOWN,		/* not an operational key: caller's */
	KTGT_NEG_DUPLICATE,		/* protocol error: login reject */
	KTGT_NEG_OVERFLOW,		/* reply does not fit */
};

void ktgt_params_rfc_defaults(struct ktgt_params *p);
void ktgt_params_target_defaults(struct ktgt_params *p);

void ktgt_text_iter_init(struct ktgt_text_iter *it, void *data, u32 len);
enum ktgt_text_err ktgt_text_next(struct ktgt_text_iter *it, struct ktgt_kv *kv,
				  u32 max_value);
const char *ktgt_text_strerror(enum ktgt_text_err err);

void ktgt_text_buf_init(struct ktgt_text_buf *tb, char *buf, u32 size);
int ktgt_text_add(struct ktgt_text_buf *tb, const char *key, const char *value);
int ktgt_text_add_u32(struct ktgt_text_buf *tb, const char *key, u32 value);

int ktgt_parse_number(const char *s, u64 max, u64 *out);

void ktgt_neg_init(struct ktgt_neg *neg, const struct ktgt_params *ours, bool discovery);
enum ktgt_neg_result ktgt_neg_key(struct ktgt_neg *neg, const struct ktgt_kv *kv);
bool ktgt_neg_known(const struct ktgt_kv *kv);
int ktgt_neg_reply(struct ktgt_neg *neg, struct ktgt_text_buf *out, bool leaving_operational);

#endif /* KTGT_ISCSI_PARAM_H */
