// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's side of CHAP: hashes from the crypto API, the kernel's
 * random source, and crypto_memneq() for constant-time compares.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/random.h>

#include "ktgt.h"

static const char *chap_hash_name(u8 alg)
{
	switch (alg) {
	case CHAP_ALG_MD5:
		return "md5";
	case CHAP_ALG_SHA256:
		return "sha256";
	case CHAP_ALG_SHA3_256:
		return "sha3-256";
	}
	return NULL;
}

static int chap_hash(u8 alg, u8 id, const u8 *secret, u32 secret_len,
		     const u8 *challenge, u32 challenge_len, u8 *out)
{
	const char *name = chap_hash_name(alg);
	struct crypto_shash *tfm;
	int ret;

	if (!name)
		return -EINVAL;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm)) {
		pr_warn_ratelimited("no %s for CHAP: %ld\n", name, PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		ret = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, &id, 1) ?:
		      crypto_shash_update(desc, secret, secret_len) ?:
		      crypto_shash_update(desc, challenge, challenge_len) ?:
		      crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return ret;
}

static void chap_random(void *buf, u32 len)
{
	get_random_bytes(buf, len);
}

static int chap_memneq(const void *a, const void *b, u32 len)
{
	return crypto_memneq(a, b, len);
}

const struct ktgt_chap_ops ktgt_chap_kernel_ops = {
	.hash = chap_hash,
	.random = chap_random,
	.memneq = chap_memneq,
};
