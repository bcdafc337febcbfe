/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CHAP for iSCSI login (RFC 1994, RFC 7143 section 12.1.3). Portable: the
 * hash and the random source come from the caller, so this builds in
 * userspace for unit tests.
 */
#ifndef KTGT_ISCSI_CHAP_H
#define KTGT_ISCSI_CHAP_H

#include "iscsi_param.h"

#define CHAP_MAX_DIGEST		32
#define CHAP_MAX_CHALLENGE	1024	/* an initiator's challenge, RFC 7143 12.1.3 */
#define CHAP_MAX_NAME		255
#define CHAP_MAX_SECRET		255

enum ktgt_chap_alg {
	CHAP_ALG_MD5		= 5,
	CHAP_ALG_SHA256		= 7,
	CHAP_ALG_SHA3_256	= 8,
};

enum ktgt_chap_state {
	CHAP_AWAIT_A,		/* the initiator's CHAP_A list */
	CHAP_AWAIT_R,		/* CHAP_N and CHAP_R, maybe CHAP_I and CHAP_C */
	CHAP_DONE,
};

struct ktgt_chap_secret {
	const char *user;
	const u8 *secret;
	u32 secret_len;
};

/* the accounts a login checks against */
struct ktgt_chap_creds {
	const struct ktgt_chap_secret *incoming;
	u32 nr_incoming;
	const struct ktgt_chap_secret *outgoing;	/* NULL: no mutual CHAP */
};

struct ktgt_chap_ops {
	/* out = H(id || secret || challenge); Return: 0 or an errno */
	int (*hash)(u8 alg, u8 id, const u8 *secret, u32 secret_len,
		    const u8 *challenge, u32 challenge_len, u8 *out);
	void (*random)(void *buf, u32 len);
	/* 0 when equal, in time independent of the contents */
	int (*memneq)(const void *a, const void *b, u32 len);
};

/* CHAP_* keys of one login request, NULL when absent */
struct ktgt_chap_keys {
	const char *a, *i, *c, *n, *r;
	bool seen;
};

struct ktgt_chap {
	u8 state;
	u8 alg;
	u8 id;
	u32 challenge_len;
	u8 challenge[CHAP_MAX_DIGEST];
	const char *user;	/* the incoming account that matched */
};

u32 ktgt_chap_digest_len(u8 alg);
int ktgt_chap_decode(const char *s, u8 *out, u32 max);
int ktgt_chap_encode(const u8 *in, u32 len, char *out, u32 out_size);
int ktgt_chap_key(struct ktgt_chap_keys *keys, const struct ktgt_kv *kv);
int ktgt_chap_step(struct ktgt_chap *chap, const struct ktgt_chap_keys *in,
		   const struct ktgt_chap_creds *creds, const struct ktgt_chap_ops *ops,
		   struct ktgt_text_buf *out, const char **why);

#endif /* KTGT_ISCSI_CHAP_H */
