// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: the table of login keys, and their values as text.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "params.h"
#include "parse.h"

/* What one data segment, burst or FirstBurst may be (RFC 7143: 2^24 - 1). */
#define DSL_MIN		512
#define DSL_MAX		16777215
#define DIGEST_ALL	(KTGT_DIGEST_MASK_NONE | KTGT_DIGEST_MASK_CRC32C)

#define KEY(n, a, t, lo, hi, d, ...) \
	{ .name = n, .attr = KTGT_A_PARAMS_##a, .type = KTGT_PARAM_##t, .min = lo, .max = hi, \
	  .def = d, __VA_ARGS__ }

/* In the order show lists them: RFC 7143 section 13's, then the session's. */
const struct ktgt_param_key ktgt_param_keys[] = {
	KEY("HeaderDigest", HEADER_DIGEST, DIGEST, 1, DIGEST_ALL, DIGEST_ALL),
	KEY("DataDigest", DATA_DIGEST, DIGEST, 1, DIGEST_ALL, DIGEST_ALL),
	KEY("MaxRecvDataSegmentLength", MAX_RECV_DSL, NUMBER, DSL_MIN, DSL_MAX, 262144),
	KEY("MaxBurstLength", MAX_BURST, NUMBER, DSL_MIN, DSL_MAX, 1048576),
	KEY("FirstBurstLength", FIRST_BURST, NUMBER, DSL_MIN, DSL_MAX, 262144),
	KEY("InitialR2T", INITIAL_R2T, BOOL, 0, 1, 0),
	KEY("ImmediateData", IMMEDIATE_DATA, BOOL, 0, 1, 1),
	KEY("MaxOutstandingR2T", MAX_OUTSTANDING_R2T, NUMBER, 1, 65535, 16),
	KEY("DefaultTime2Wait", TIME2WAIT, NUMBER, 0, 3600, 2),
	KEY("DefaultTime2Retain", TIME2RETAIN, NUMBER, 0, 3600, 20),
	/* the initiator's MaxRecvDataSegmentLength: what the target may send */
	KEY("MaxXmitDataSegmentLength", MAX_XMIT_DSL, NUMBER, DSL_MIN, DSL_MAX, 0,
	    .session_only = true),
};

const size_t ktgt_nr_param_keys = ARRAY_SIZE(ktgt_param_keys);

/**
 * ktgt_param_lookup() - find a key by its RFC 7143 name, in any case
 * @name: the name
 *
 * Return: the key, or NULL if there is none by that name.
 */
const struct ktgt_param_key *ktgt_param_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ktgt_nr_param_keys; i++) {
		if (!strcasecmp(ktgt_param_keys[i].name, name))
			return &ktgt_param_keys[i];
	}
	return NULL;
}

/* "None", "CRC32C", or both in either order, comma-separated */
static int parse_digest(const char *s, uint32_t *mask)
{
	char buf[32], *word, *save = NULL;
	uint32_t m = 0, bit;

	if (!*s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return -EINVAL;
	for (word = strtok_r(buf, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		if (!strcasecmp(word, "None"))
			bit = KTGT_DIGEST_MASK_NONE;
		else if (!strcasecmp(word, "CRC32C"))
			bit = KTGT_DIGEST_MASK_CRC32C;
		else
			return -EINVAL;
		if (m & bit)
			return -EINVAL;
		m |= bit;
	}
	*mask = m;
	return 0;
}

/**
 * ktgt_param_parse() - parse the value of a key from the command line
 * @k: the key
 * @s: the value: decimal, Yes/No, or None/CRC32C (case-insensitive)
 * @val: the value as the netlink attribute holds it, set only on success
 *
 * Return: 0, -EINVAL if @s is not a value of @k's type, -ERANGE if out of
 * the UAPI's range.
 */
int ktgt_param_parse(const struct ktgt_param_key *k, const char *s, uint32_t *val)
{
	unsigned long long v;
	int err;

	switch (k->type) {
	case KTGT_PARAM_DIGEST:
		return parse_digest(s, val);
	case KTGT_PARAM_BOOL:
		if (!strcasecmp(s, "Yes"))
			*val = 1;
		else if (!strcasecmp(s, "No"))
			*val = 0;
		else
			return -EINVAL;
		return 0;
	case KTGT_PARAM_NUMBER:
		err = ktgt_parse_uint(s, UINT32_MAX, &v);
		if (err == -ERANGE || (!err && (v < k->min || v > k->max)))
			return -ERANGE;
		if (!err)
			*val = v;
		return err;
	}
	return -EINVAL;
}

/**
 * ktgt_param_format() - write a value as show prints it
 * @k: the key
 * @val: its value
 * @buf: the result
 * @len: the size of @buf
 *
 * Digest masks print as "None", "CRC32C" or "None,CRC32C".
 */
void ktgt_param_format(const struct ktgt_param_key *k, uint32_t val, char *buf, size_t len)
{
	switch (k->type) {
	case KTGT_PARAM_DIGEST:
		snprintf(buf, len, "%s%s%s",
			 val & KTGT_DIGEST_MASK_NONE ? "None" : "",
			 (val & DIGEST_ALL) == DIGEST_ALL ? "," : "",
			 val & KTGT_DIGEST_MASK_CRC32C ? "CRC32C" : "");
		if (!(val & DIGEST_ALL))
			snprintf(buf, len, "0x%x", val);
		return;
	case KTGT_PARAM_BOOL:
		snprintf(buf, len, "%s", val ? "Yes" : "No");
		return;
	case KTGT_PARAM_NUMBER:
		snprintf(buf, len, "%u", val);
		return;
	}
}

/**
 * ktgt_param_range() - describe the values a key takes, for error messages
 * @k: the key
 * @buf: the result
 * @len: the size of @buf
 */
void ktgt_param_range(const struct ktgt_param_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case KTGT_PARAM_DIGEST:
		snprintf(buf, len, "None, CRC32C or CRC32C,None");
		return;
	case KTGT_PARAM_BOOL:
		snprintf(buf, len, "Yes or No");
		return;
	case KTGT_PARAM_NUMBER:
		snprintf(buf, len, "%u..%u", k->min, k->max);
		return;
	}
}

/* one number of a CPU list */
static int parse_cpu(const char **s, unsigned int *cpu)
{
	unsigned long v = 0;

	if (!isdigit((unsigned char)**s))
		return -EINVAL;
	while (isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		if (v >= KTGT_CPUS_MAX)
			return -ERANGE;
		(*s)++;
	}
	*cpu = v;
	return 0;
}

/**
 * ktgt_cpus_canon() - write a CPU list as the kernel prints it
 * @s: the list: numbers and ranges N-M, comma-separated, in any order,
 *     overlapping or not ("0,1,3", "3,0-1")
 * @buf: the result, ranges merged in increasing order ("0-1,3")
 * @len: the size of @buf
 *
 * So that two lists naming the same CPUs compare equal as strings.
 *
 * Return: 0, -EINVAL if @s is not a CPU list, -ERANGE if it names a CPU
 * from %KTGT_CPUS_MAX on, or a range whose end is below its start,
 * -ENOSPC if @buf is too small.
 */
int ktgt_cpus_canon(const char *s, char *buf, size_t len)
{
	uint64_t map[KTGT_CPUS_MAX / 64] = { };
	unsigned int lo, hi, c, end;
	size_t n = 0;
	int err, w;

	do {
		err = parse_cpu(&s, &lo);
		hi = lo;
		if (!err && *s == '-') {
			s++;
			err = parse_cpu(&s, &hi);
			if (!err && hi < lo)
				err = -ERANGE;
		}
		if (err)
			return err;
		for (c = lo; c <= hi; c++)
			map[c / 64] |= 1ull << (c % 64);
	} while (*s++ == ',');
	if (s[-1])
		return -EINVAL;
	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (c = 0; c < KTGT_CPUS_MAX; c = end + 1) {
		end = c;
		if (!(map[c / 64] & (1ull << (c % 64))))
			continue;
		while (end + 1 < KTGT_CPUS_MAX && (map[(end + 1) / 64] & (1ull << ((end + 1) % 64))))
			end++;
		if (end == c)
			w = snprintf(buf + n, len - n, "%s%u", n ? "," : "", c);
		else
			w = snprintf(buf + n, len - n, "%s%u-%u", n ? "," : "", c, end);
		if (w < 0 || (size_t)w >= len - n)
			return -ENOSPC;
		n += w;
	}
	return 0;
}
