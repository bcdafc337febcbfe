/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: the iSCSI login keys (RFC 7143 section 13) a target offers and a
 * session negotiated, as one table that parsing, the netlink codec, show
 * and JSON all walk, so that no key has code of its own.
 */
#ifndef KTGTCTL_PARAMS_H
#define KTGTCTL_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ktgt.h>

enum ktgt_param_type {
	KTGT_PARAM_DIGEST,	/* u32 mask of KTGT_DIGEST_MASK_*: "None", "CRC32C", both */
	KTGT_PARAM_NUMBER,	/* u32, decimal */
	KTGT_PARAM_BOOL,	/* u8 0/1: "No", "Yes" */
};

/**
 * struct ktgt_param_key - one login key
 * @name: its RFC 7143 name, also the key in show and JSON output
 * @attr: its KTGT_A_PARAMS_* attribute
 * @type: how it is encoded and written
 * @min: the smallest value the UAPI accepts
 * @max: the largest value the UAPI accepts
 * @session_only: reported for sessions, never set (the initiator's
 *                MaxRecvDataSegmentLength, what the target may send)
 * @def: what a new target offers (kernel/iscsi_param.c's
 *       ktgt_params_target_defaults()); load sets a key the file leaves
 *       out back to it, save leaves out a key that has it
 */
struct ktgt_param_key {
	const char *name;
	int attr;
	enum ktgt_param_type type;
	uint32_t min;
	uint32_t max;
	bool session_only;
	uint32_t def;
};

/**
 * struct ktgt_params - values of login keys, by attribute
 * @val: the value of each KTGT_A_PARAMS_* attribute
 * @present: bit n is set if attribute n has a value
 */
struct ktgt_params {
	uint32_t val[KTGT_A_PARAMS_MAX + 1];
	uint32_t present;
};

extern const struct ktgt_param_key ktgt_param_keys[];
extern const size_t ktgt_nr_param_keys;

const struct ktgt_param_key *ktgt_param_lookup(const char *name);
int ktgt_param_parse(const struct ktgt_param_key *k, const char *s, uint32_t *val);
void ktgt_param_format(const struct ktgt_param_key *k, uint32_t val, char *buf, size_t len);
void ktgt_param_range(const struct ktgt_param_key *k, char *buf, size_t len);

/* The highest CPU number a CPU list may name, plus one */
#define KTGT_CPUS_MAX	8192
int ktgt_cpus_canon(const char *s, char *buf, size_t len);

static inline bool ktgt_params_has(const struct ktgt_params *p, int attr)
{
	return p->present & (1u << attr);
}

static inline void ktgt_params_set(struct ktgt_params *p, int attr, uint32_t val)
{
	p->val[attr] = val;
	p->present |= 1u << attr;
}

#endif /* KTGTCTL_PARAMS_H */
