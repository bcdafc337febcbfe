/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktgtctl: parsing and formatting of command-line values. Nothing here
 * talks to the kernel, so the unit tests include parse.c directly.
 */
#ifndef KTGTCTL_PARSE_H
#define KTGTCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define KTGT_LUN_MAX		16383
/* "[" + IPv6 + "]:" + port + NUL */
#define KTGT_ADDR_STRLEN	(46 + 9)

/**
 * struct ktgt_addr - an IPv4 or IPv6 address and TCP port
 * @family: AF_INET or AF_INET6
 * @bytes: the address in network order (4 or 16 bytes used)
 * @port: the TCP port in host order
 */
struct ktgt_addr {
	int family;
	uint8_t bytes[16];
	uint16_t port;
};

int ktgt_parse_uint(const char *s, unsigned long long max, unsigned long long *out);
int ktgt_parse_portal(const char *s, struct ktgt_addr *addr);
int ktgt_parse_lun(const char *s, uint64_t *lun);
int ktgt_parse_onoff(const char *s, bool *on);
int ktgt_parse_size(const char *s, uint64_t *size);
int ktgt_check_ident(const char *s, size_t max);
int ktgt_check_name(const char *name);
void ktgt_name_lower(char *name);

size_t ktgt_addr_len(const struct ktgt_addr *addr);
int ktgt_addr_set(struct ktgt_addr *addr, const void *bytes, size_t len, uint16_t port);
void ktgt_format_addr(const struct ktgt_addr *addr, bool with_port, char *buf, size_t len);
void ktgt_format_size(uint64_t bytes, char *buf, size_t len);

/**
 * struct ktgt_acl_addr - an initiator address range (tgt's initiator-address)
 * @addr: the first address of the range (bits past the prefix are zero)
 * @prefix_len: the bits that must match, 32 or 128 for one address
 */
struct ktgt_acl_addr {
	struct ktgt_addr addr;
	unsigned int prefix_len;
};

/* "A.B.C.D/32" or an IPv6 address with a prefix, plus NUL */
#define KTGT_ACL_ADDR_STRLEN	(46 + 5)

int ktgt_parse_acl_addr(const char *s, struct ktgt_acl_addr *out);
void ktgt_format_acl_addr(const struct ktgt_acl_addr *a, char *buf, size_t len);

#endif /* KTGTCTL_PARSE_H */
