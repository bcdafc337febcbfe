// SPDX-License-Identifier: GPL-2.0
/*
 * CHAP for iSCSI login (RFC 1994, RFC 7143 section 12.1.3).
 *
 * The target answers CHAP_A with its algorithm, an identifier and a
 * challenge, then checks CHAP_N/CHAP_R against its incoming accounts and,
 * for mutual CHAP, answers the initiator's own challenge. Every length is
 * checked before anything is decoded, and responses are compared in
 * constant time.
 */
#include "iscsi_chap.h"

#ifdef KTGT_USERSPACE
#include <stdio.h>
#define scnprintf snprintf
#else
#include <linux/kernel.h>
#endif

/**
 * ktgt_chap_digest_len() - length of an algorithm's digest
 * @alg: CHAP_A value
 *
 * Return: bytes, or 0 for an algorithm we do not support.
 */
u32 ktgt_chap_digest_len(u8 alg)
{
	switch (alg) {
	case CHAP_ALG_MD5:
		return 16;
	case CHAP_ALG_SHA256:
	case CHAP_ALG_SHA3_256:
		return 32;
	}
	return 0;
}

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int decode_hex(const char *s, size_t n, u8 *out, u32 max)
{
	u32 len = (n + 1) / 2, i;
	int hi, lo;

	/* an odd number of digits has an implied leading zero */
	if (!n || len > max)
		return -E2BIG;
	for (i = 0; i < len; i++) {
		if (i == 0 && (n & 1)) {
			hi = 0;
			lo = ktgt_hex_digit(*s++);
		} else {
			hi = ktgt_hex_digit(*s++);
			lo = ktgt_hex_digit(*s++);
		}
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = hi << 4 | lo;
	}
	return len;
}

static int decode_b64(const char *s, size_t n, u8 *out, u32 max)
{
	u32 len = 0, bits = 0, acc = 0, pad = 0;
	size_t i;
	int d;

	if (!n || n % 4 || n / 4 * 3 > max + 2)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (s[i] == '=') {
			if (i < n - 2)
				return -EINVAL;
			pad++;
			continue;
		}
		d = b64_digit(s[i]);
		if (d < 0 || pad)
			return -EINVAL;
		acc = (acc << 6 | d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len >= max)
				return -E2BIG;
			out[len++] = acc >> bits;
		}
	}
	return len;
}

/**
 * ktgt_chap_decode() - decode a CHAP binary value: 0x hex or 0b base64
 * @s: the value
 * @out: buffer
 * @max: its size
 *
 * Return: the number of bytes, -E2BIG when the value could not fit @max
 * (found from its length, before decoding), or -EINVAL for junk.
 */
int ktgt_chap_decode(const char *s, u8 *out, u32 max)
{
	size_t n = strlen(s);

	if (n < 3 || s[0] != '0')
		return -EINVAL;
	if (s[1] == 'x' || s[1] == 'X')
		return decode_hex(s + 2, n - 2, out, max);
	if (s[1] == 'b' || s[1] == 'B')
		return decode_b64(s + 2, n - 2, out, max);
	return -EINVAL;
}

/**
 * ktgt_chap_encode() - encode binary as "0x" and lower-case hex
 * @in: bytes
 * @len: how many
 * @out: buffer
 * @out_size: at least 2 * @len + 3
 *
 * Return: 0 or -ENOSPC.
 */
int ktgt_chap_encode(const u8 *in, u32 len, char *out, u32 out_size)
{
	static const char hex[] = "0123456789abcdef";
	u32 i;

	if (out_size < 2 * len + 3)
		return -ENOSPC;
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < len; i++) {
		out[2 + 2 * i] = hex[in[i] >> 4];
		out[3 + 2 * i] = hex[in[i] & 15];
	}
	out[2 + 2 * len] = '\0';
	return 0;
}

/**
 * ktgt_chap_key() - collect a CHAP_* key of a login request
 * @keys: this request's CHAP keys
 * @kv: the pair
 *
 * Return: 1 when @kv was a CHAP key, 0 when it is not, -EEXIST for a
 * repeated one.
 */
int ktgt_chap_key(struct ktgt_chap_keys *keys, const struct ktgt_kv *kv)
{
	const char **slot;

	if (strncmp(kv->key, "CHAP_", 5) || !kv->key[5] || kv->key[6])
		return 0;
	switch (kv->key[5]) {
	case 'A':
		slot = &keys->a;
		break;
	case 'I':
		slot = &keys->i;
		break;
	case 'C':
		slot = &keys->c;
		break;
	case 'N':
		slot = &keys->n;
		break;
	case 'R':
		slot = &keys->r;
		break;
	default:
		return 0;
	}
	if (*slot)
		return -EEXIST;
	*slot = kv->value;
	keys->seen = true;
	return 1;
}

/* the initiator's first choice among the algorithms we support */
static u8 pick_alg(const char *list)
{
	const char *s = list;
	u64 v;
	char num[8];
	size_t n;

	for (;;) {
		n = strcspn(s, ",");
		if (n && n < sizeof(num)) {
			memcpy(num, s, n);
			num[n] = '\0';
			if (!ktgt_parse_number(num, 255, &v) && ktgt_chap_digest_len(v))
				return v;
		}
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

static int add_hex(struct ktgt_text_buf *out, const char *key, const u8 *v, u32 len)
{
	char buf[2 * CHAP_MAX_DIGEST + 3];

	return ktgt_chap_encode(v, len, buf, sizeof(buf)) ?: ktgt_text_add(out, key, buf);
}

static int chap_challenge(struct ktgt_chap *chap, const struct ktgt_chap_keys *in,
			  const struct ktgt_chap_ops *ops, struct ktgt_text_buf *out,
			  const char **why)
{
	if (!in->a || in->n || in->r || in->i || in->c) {
		*why = "CHAP keys out of order";
		return -EPROTO;
	}
	chap->alg = pick_alg(in->a);
	if (!chap->alg) {
		ktgt_text_add(out, "CHAP_A", "Reject");
		*why = "no common CHAP algorithm";
		return -EPROTO;
	}
	chap->challenge_len = ktgt_chap_digest_len(chap->alg);
	ops->random(&chap->id, 1);
	ops->random(chap->challenge, chap->challenge_len);
	if (ktgt_text_add_u32(out, "CHAP_A", chap->alg) ||
	    ktgt_text_add_u32(out, "CHAP_I", chap->id) ||
	    add_hex(out, "CHAP_C", chap->challenge, chap->challenge_len))
		return -ENOSPC;
	chap->state = CHAP_AWAIT_R;
	return 0;
}

/* mutual CHAP: answer the initiator's challenge with our outgoing account */
static int chap_mutual(struct ktgt_chap *chap, const struct ktgt_chap_keys *in,
		       const struct ktgt_chap_creds *creds, const struct ktgt_chap_ops *ops,
		       struct ktgt_text_buf *out, const char **why)
{
	u8 challenge[CHAP_MAX_CHALLENGE], digest[CHAP_MAX_DIGEST];
	u32 dlen = ktgt_chap_digest_len(chap->alg);
	int clen, ret;
	u64 id;

	if (!in->i || !in->c) {
		*why = "CHAP_I or CHAP_C missing";
		return -EPROTO;
	}
	if (ktgt_parse_number(in->i, 255, &id)) {
		*why = "bad CHAP_I";
		return -EPROTO;
	}
	clen = ktgt_chap_decode(in->c, challenge, sizeof(challenge));
	if (clen <= 0) {
		*why = "bad CHAP_C";
		return -EPROTO;
	}
	/* a reflected challenge would make us answer for the initiator */
	if ((u32)clen == chap->challenge_len &&
	    !ops->memneq(challenge, chap->challenge, clen)) {
		*why = "reflected CHAP_C";
		return -EPROTO;
	}
	if (!creds->outgoing) {
		*why = "mutual CHAP asked, but the target has no outgoing account";
		return -EPROTO;
	}
	ret = ops->hash(chap->alg, id, creds->outgoing->secret, creds->outgoing->secret_len,
			challenge, clen, digest);
	if (ret)
		return ret;
	if (ktgt_text_add(out, "CHAP_N", creds->outgoing->user) ||
	    add_hex(out, "CHAP_R", digest, dlen))
		return -ENOSPC;
	return 0;
}

static int chap_verify(struct ktgt_chap *chap, const struct ktgt_chap_keys *in,
		       const struct ktgt_chap_creds *creds, const struct ktgt_chap_ops *ops,
		       struct ktgt_text_buf *out, const char **why)
{
	u8 response[CHAP_MAX_DIGEST], expected[CHAP_MAX_DIGEST];
	u32 dlen = ktgt_chap_digest_len(chap->alg), i;
	const struct ktgt_chap_secret *acct = NULL;
	int rlen, ret;

	if (!in->n || !in->r || in->a) {
		*why = "CHAP keys out of order";
		return -EPROTO;
	}
	rlen = ktgt_chap_decode(in->r, response, sizeof(response));
	if (rlen != (int)dlen) {
		*why = "bad CHAP_R";
		return -EPROTO;
	}
	for (i = 0; i < creds->nr_incoming; i++)
		if (!strcmp(creds->incoming[i].user, in->n))
			acct = &creds->incoming[i];
	if (!acct) {
		*why = "unknown CHAP_N";
		return -EPROTO;
	}
	ret = ops->hash(chap->alg, chap->id, acct->secret, acct->secret_len,
			chap->challenge, chap->challenge_len, expected);
	if (ret)
		return ret;
	if (ops->memneq(response, expected, dlen)) {
		*why = "wrong CHAP response";
		return -EPROTO;
	}
	chap->user = acct->user;
	if (in->i || in->c) {
		ret = chap_mutual(chap, in, creds, ops, out, why);
		if (ret)
			return ret;
	}
	chap->state = CHAP_DONE;
	return 0;
}

/**
 * ktgt_chap_step() - run one login request through CHAP
 * @chap: this login's CHAP state
 * @in: the request's CHAP keys
 * @creds: the target's accounts
 * @ops: hash, random source, constant-time compare
 * @out: reply buffer
 * @why: set to a reason on failure, for the log
 *
 * Return: 0 (see @chap->state for whether CHAP is done), -EPROTO when
 * authentication fails (login status 0x0201), or another errno.
 */
int ktgt_chap_step(struct ktgt_chap *chap, const struct ktgt_chap_keys *in,
		   const struct ktgt_chap_creds *creds, const struct ktgt_chap_ops *ops,
		   struct ktgt_text_buf *out, const char **why)
{
	switch (chap->state) {
	case CHAP_AWAIT_A:
		return chap_challenge(chap, in, ops, out, why);
	case CHAP_AWAIT_R:
		return chap_verify(chap, in, creds, ops, out, why);
	default:
		if (in->seen) {
			*why = "CHAP keys after CHAP completed";
			return -EPROTO;
		}
		return 0;
	}
}
