// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: parsing and formatting of command-line values.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <linux/ktgt.h>

#include "parse.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_name_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '.' || c == ':';
}

/**
 * ktgt_parse_uint() - parse a decimal number with an upper bound
 * @s: the string, digits only (no sign, no spaces, no base prefix)
 * @max: the largest accepted value
 * @out: the value, set only on success
 *
 * Return: 0, -EINVAL if @s is empty or not all digits, -ERANGE if above @max.
 */
int ktgt_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;
	bool over = false;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = *s - '0';

		if (!is_digit(*s))
			return -EINVAL;
		if (d > max || v > (max - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long long v;
	int err;

	err = ktgt_parse_uint(s, 65535, &v);
	if (err)
		return err;
	if (!v)
		return -ERANGE;
	*port = v;
	return 0;
}

/*
 * Split "HOST[:PORT]" or "[HOST][:PORT]" into its host and port parts. A
 * bare string with two or more colons is an IPv6 address without a port.
 */
static int split_portal(const char *s, char *host, size_t hostlen, const char **port,
			int *family)
{
	const char *end, *colon;
	size_t len;

	*port = NULL;
	if (*s == '[') {
		s++;
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		if (end[1] == ':')
			*port = end + 2;
		*family = AF_INET6;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		end = s + strlen(s);
		*family = AF_INET6;
	} else {
		colon = strchr(s, ':');
		end = colon ? colon : s + strlen(s);
		if (colon)
			*port = colon + 1;
		*family = AF_INET;
	}
	len = end - s;
	if (len >= hostlen)
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	return 0;
}

/**
 * ktgt_parse_portal() - parse a portal address
 * @s: "A.B.C.D[:PORT]", "[IPV6][:PORT]" or a bare IPv6 address
 * @addr: the result; the port defaults to %KTGT_DEFAULT_PORT
 *
 * Return: 0, -EINVAL for a malformed address, -ERANGE for a port not in
 * 1..65535 (-EINVAL if the port is not a number).
 */
int ktgt_parse_portal(const char *s, struct ktgt_addr *addr)
{
	char host[INET6_ADDRSTRLEN];
	const char *port;
	int family, err;

	err = split_portal(s, host, sizeof(host), &port, &family);
	if (err)
		return err;
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(family, host, addr->bytes) != 1)
		return -EINVAL;
	addr->family = family;
	addr->port = KTGT_DEFAULT_PORT;
	return port ? parse_port(port, &addr->port) : 0;
}

/**
 * ktgt_parse_lun() - parse a LUN number
 * @s: a decimal number
 * @lun: the result
 *
 * Return: 0, -EINVAL if not a number, -ERANGE if above %KTGT_LUN_MAX.
 */
int ktgt_parse_lun(const char *s, uint64_t *lun)
{
	unsigned long long v;
	int err;

	err = ktgt_parse_uint(s, KTGT_LUN_MAX, &v);
	if (!err)
		*lun = v;
	return err;
}

/**
 * ktgt_parse_onoff() - parse a boolean option value
 * @s: "on" or "off" (also "yes"/"no" and "1"/"0")
 * @on: the result
 *
 * Return: 0 or -EINVAL.
 */
int ktgt_parse_onoff(const char *s, bool *on)
{
	static const char * const words[][2] = {
		{ "off", "on" }, { "no", "yes" }, { "0", "1" },
	};
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		for (v = 0; v < 2; v++) {
			if (!strcmp(s, words[i][v])) {
				*on = v;
				return 0;
			}
		}
	}
	return -EINVAL;
}

/**
 * ktgt_parse_size() - parse a size in bytes
 * @s: a positive number of bytes, or one with a K, M, G or T suffix (powers of 1024)
 * @size: the result
 *
 * Return: 0 or -EINVAL.
 */
int ktgt_parse_size(const char *s, uint64_t *size)
{
	static const char units[] = "KMGT";
	size_t len = strlen(s);
	unsigned long long v;
	const char *u = NULL;
	char digits[32];
	int shift = 0;

	if (len && !isdigit((unsigned char)s[len - 1])) {
		u = strchr(units, toupper((unsigned char)s[len - 1]));
		if (!u)
			return -EINVAL;
		shift = 10 * (u - units + 1);
		len--;
	}
	if (len >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (ktgt_parse_uint(digits, UINT64_MAX >> shift, &v) || !v)
		return -EINVAL;
	*size = (uint64_t)v << shift;
	return 0;
}

/**
 * ktgt_check_ident() - check a LUN identity string (vendor_id and the like)
 * @s: the string
 * @max: its longest allowed length
 *
 * Return: 0, -EINVAL if it is empty or not printable ASCII, -ERANGE if too long.
 */
int ktgt_check_ident(const char *s, size_t max)
{
	const char *p;

	if (!*s)
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return -EINVAL;
	}
	return strlen(s) > max ? -ERANGE : 0;
}

static size_t hex_run(const char *s)
{
	size_t n = 0;

	while (is_hex(s[n]))
		n++;
	return n;
}

/* "iqn." YYYY-MM "." naming-authority [":" anything] */
static bool check_iqn(const char *s)
{
	static const char date[] = "dddd-dd.";
	size_t i;

	for (i = 0; i < sizeof(date) - 1; i++) {
		if (date[i] == 'd' ? !is_digit(s[i]) : s[i] != date[i])
			return false;
	}
	return s[i] != '\0';
}

/* "eui." and 16 hex digits */
static bool check_eui(const char *s)
{
	return hex_run(s) == 16 && !s[16];
}

/* "naa." and 16 or 32 hex digits */
static bool check_naa(const char *s)
{
	size_t n = hex_run(s);

	return (n == 16 || n == 32) && !s[n];
}

static const struct {
	const char *prefix;
	bool (*check)(const char *rest);
} name_types[] = {
	{ "iqn.", check_iqn },
	{ "eui.", check_eui },
	{ "naa.", check_naa },
};

/**
 * ktgt_check_name() - validate an iSCSI name (RFC 7143 section 4.2.7)
 * @name: "iqn.YYYY-MM.domain[:id]", "eui." + 16 hex digits or "naa." + 16
 *        or 32 hex digits, made of letters, digits, '-', '.' and ':'
 *
 * Return: 0, -ENAMETOOLONG if longer than %KTGT_NAME_MAX, else -EINVAL.
 */
int ktgt_check_name(const char *name)
{
	size_t len = strnlen(name, KTGT_NAME_MAX + 1);
	size_t i;

	if (len > KTGT_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		if (!is_name_char(name[i]))
			return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(name_types); i++) {
		size_t plen = strlen(name_types[i].prefix);

		if (!strncasecmp(name, name_types[i].prefix, plen))
			return name_types[i].check(name + plen) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/**
 * ktgt_name_lower() - normalize an iSCSI name to lower case
 * @name: the name, changed in place
 *
 * iSCSI names compare case-insensitively (RFC 3722 maps them to lower case),
 * and the kernel stores and matches them in that form.
 */
void ktgt_name_lower(char *name)
{
	for (; *name; name++) {
		if (*name >= 'A' && *name <= 'Z')
			*name += 'a' - 'A';
	}
}

/**
 * ktgt_addr_len() - the number of address bytes for @addr's family
 * @addr: the address
 *
 * Return: 4, 16, or 0 for an unknown family.
 */
size_t ktgt_addr_len(const struct ktgt_addr *addr)
{
	switch (addr->family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	return 0;
}

/**
 * ktgt_addr_set() - fill an address from raw bytes
 * @addr: the result
 * @bytes: 4 (IPv4) or 16 (IPv6) bytes in network order
 * @len: the number of bytes
 * @port: the port, host order
 *
 * Return: 0, or -EINVAL if @len is neither 4 nor 16 (@addr is left alone).
 */
int ktgt_addr_set(struct ktgt_addr *addr, const void *bytes, size_t len, uint16_t port)
{
	if (len != 4 && len != 16)
		return -EINVAL;
	memset(addr, 0, sizeof(*addr));
	addr->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(addr->bytes, bytes, len);
	addr->port = port;
	return 0;
}

/**
 * ktgt_format_addr() - print an address, optionally with its port
 * @addr: the address
 * @with_port: append ":PORT", with IPv6 addresses in brackets
 * @buf: the output, at least %KTGT_ADDR_STRLEN bytes to never truncate
 * @len: the size of @buf
 */
void ktgt_format_addr(const struct ktgt_addr *addr, bool with_port, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	bool v6 = addr->family == AF_INET6;

	if (!inet_ntop(addr->family, addr->bytes, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	if (!with_port)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "",
			 addr->port);
}

/**
 * ktgt_format_size() - print a size as tgtadm does: "256 MB" for 256 MiB
 * @bytes: the size
 * @buf: the output
 * @len: the size of @buf
 *
 * The unit is 2^20 bytes, rounded to the nearest.
 */
void ktgt_format_size(uint64_t bytes, char *buf, size_t len)
{
	uint64_t mb = (bytes >> 20) + ((bytes >> 19) & 1);

	snprintf(buf, len, "%" PRIu64 " MB", mb);
}

/**
 * ktgt_parse_acl_addr() - parse an initiator address: IP or IP/PREFIX
 * @s: "192.0.2.7", "192.0.2.0/24", "2001:db8::1" or "2001:db8::/32";
 *     an IPv6 address may be in brackets
 * @out: the range, its address masked to the prefix
 *
 * Return: 0, or -EINVAL.
 */
int ktgt_parse_acl_addr(const char *s, struct ktgt_acl_addr *out)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long prefix;
	unsigned int i, bits;
	char *h = host;

	if (!len || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	if (host[0] == '[' && host[len - 1] == ']') {
		host[len - 1] = '\0';
		h++;
	}
	memset(out, 0, sizeof(*out));
	out->addr.family = strchr(h, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->addr.family, h, out->addr.bytes) != 1)
		return -EINVAL;
	bits = out->addr.family == AF_INET ? 32 : 128;
	out->prefix_len = bits;
	if (slash) {
		if (ktgt_parse_uint(slash + 1, bits, &prefix))
			return -EINVAL;
		out->prefix_len = prefix;
	}
	for (i = 0; i < bits / 8; i++) {
		if (out->prefix_len >= (i + 1) * 8)
			continue;
		out->addr.bytes[i] &= out->prefix_len > i * 8 ?
				      (uint8_t)(0xff << (8 - (out->prefix_len - i * 8))) : 0;
	}
	return 0;
}

/**
 * ktgt_format_acl_addr() - print an initiator address as it is parsed
 * @a: the range
 * @buf: the output, %KTGT_ACL_ADDR_STRLEN bytes to never truncate
 * @len: the size of @buf
 *
 * One address is printed without a prefix, a range as ADDRESS/PREFIX.
 */
void ktgt_format_acl_addr(const struct ktgt_acl_addr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	unsigned int bits = a->addr.family == AF_INET ? 32 : 128;

	if (!inet_ntop(a->addr.family, a->addr.bytes, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	if (a->prefix_len == bits)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "%s/%u", host, a->prefix_len);
}
