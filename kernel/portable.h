/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol parsers (PDU headers, login text, CDBs) build both in the
 * kernel and in userspace, where they get unit tests and fuzzers. This
 * header gives them the few kernel types and helpers they use.
 */
#ifndef KTGT_PORTABLE_H
#define KTGT_PORTABLE_H

#ifdef KTGT_USERSPACE
#include "ktgt_user.h"
#else /* kernel */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include "compat.h"
#endif

static inline int ktgt_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline u32 ktgt_get_be24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static inline void ktgt_put_be24(u32 v, u8 *p)
{
	p[0] = v >> 16;
	p[1] = v >> 8;
	p[2] = v;
}

#endif /* KTGT_PORTABLE_H */
