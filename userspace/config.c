// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: tgt's targets.conf, parsed into a model, diffed against the
 * running state into a plan, and written back.
 *
 * The syntax is the one tgt-admin reads (Config::General): one directive and
 * its values per line, "#" starting a comment, values in double quotes when
 * they hold spaces, and <target NAME> ... </target> blocks holding
 * <backing-store PATH>, <direct-store PATH> and <null-store SIZE> blocks.
 * Directive names are case-insensitive. Parsing never stops at an error: it
 * collects every "file:line: message" in the model, so that a file is
 * reported whole and applied only if it has none.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <arpa/inet.h>

#include <linux/ktgt.h>

#include "config.h"

/* The most values a directive takes, plus one to notice extra values */
#define CONF_MAX_WORDS		3
#define CONF_INDENT		"    "

static const struct ktgt_addr default_portal = {
	.family = AF_INET, .port = KTGT_DEFAULT_PORT,
};

/* tgt's limits for the identity strings (usr/scsi.h, usr/spc.c) */
static const struct {
	const char *name;
	size_t max;
} idents[KTGT_IDENT_NR] = {
	[KTGT_IDENT_VENDOR_ID]		= { "vendor_id", 8 },
	[KTGT_IDENT_PRODUCT_ID]		= { "product_id", 16 },
	[KTGT_IDENT_PRODUCT_REV]	= { "product_rev", 4 },
	[KTGT_IDENT_SCSI_SN]		= { "scsi_sn", 36 },
	[KTGT_IDENT_SCSI_ID]		= { "scsi_id", 24 },
};

static const char * const store_names[] = {
	[KTGT_STORE_BACKING]	= "backing-store",
	[KTGT_STORE_DIRECT]	= "direct-store",
	[KTGT_STORE_NULL]	= "null-store",
};

/*
 * Append a zeroed element to the array *@arrp of *@nr elements of @size
 * bytes. Return: the new element, or NULL (the array is unchanged).
 */
static void *grow(void *arrp, size_t *nr, size_t size)
{
	void **arr = arrp;
	char *n = realloc(*arr, (*nr + 1) * size);

	if (!n)
		return NULL;
	*arr = n;
	memset(n + *nr * size, 0, size);
	return n + (*nr)++ * size;
}

static void conf_verror(struct ktgt_conf *conf, const struct ktgt_conf_loc *loc,
			const char *fmt, va_list ap)
{
	struct ktgt_conf_error *e;
	char msg[1024], *p;
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (p = msg; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	n = snprintf(NULL, 0, "%s:%u: %s", loc->file, loc->line, msg) + 1;
	e = grow(&conf->errors, &conf->nr_errors, sizeof(*conf->errors));
	if (!e)
		return;
	e->text = malloc(n);
	if (!e->text) {
		conf->nr_errors--;
		return;
	}
	if (loc->line)
		snprintf(e->text, n, "%s:%u: %s", loc->file, loc->line, msg);
	else
		snprintf(e->text, n, "%s: %s", loc->file, msg);
	e->loc = *loc;
	e->seq = conf->nr_errors - 1;
	while (e->file_rank < conf->nr_files && conf->files[e->file_rank] != loc->file)
		e->file_rank++;
}

static void __attribute__((format(printf, 3, 4)))
conf_error(struct ktgt_conf *conf, const struct ktgt_conf_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verror(conf, loc, fmt, ap);
	va_end(ap);
}

static void opts_init(struct ktgt_conf_lun_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->readonly = -1;
	o->write_cache = -1;
	o->direct = -1;
}

static void opts_free(struct ktgt_conf_lun_opts *o)
{
	int i;

	for (i = 0; i < KTGT_IDENT_NR; i++)
		free(o->ident[i]);
}

static void items_free(struct ktgt_conf_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i].value);
	free(items);
}

static void users_free(struct ktgt_conf_user *users, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(users[i].name);
		free(users[i].secret);
	}
	free(users);
}

static void target_free(struct ktgt_conf_target *t)
{
	size_t i;

	for (i = 0; i < t->nr_luns; i++) {
		free(t->luns[i].path);
		opts_free(&t->luns[i].opts);
	}
	free(t->luns);
	free(t->name);
	free(t->portals);
	items_free(t->acls, t->nr_acls);
	items_free(t->addresses, t->nr_addresses);
	users_free(t->incoming, t->nr_incoming);
	users_free(t->outgoing, t->nr_outgoing);
	opts_free(&t->defaults);
	free(t->cpus);
}

/**
 * ktgt_conf_init() - start an empty configuration
 * @conf: the configuration
 */
void ktgt_conf_init(struct ktgt_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
}

/**
 * ktgt_conf_free() - free everything a configuration holds
 * @conf: the configuration, left empty
 */
void ktgt_conf_free(struct ktgt_conf *conf)
{
	size_t i;

	for (i = 0; i < conf->nr_targets; i++)
		target_free(&conf->targets[i]);
	free(conf->targets);
	target_free(&conf->discovery);
	for (i = 0; i < conf->nr_files; i++)
		free(conf->files[i]);
	free(conf->files);
	for (i = 0; i < conf->nr_errors; i++)
		free(conf->errors[i].text);
	free(conf->errors);
	ktgt_conf_init(conf);
}

/**
 * ktgt_conf_find() - look a target up by name
 * @conf: the configuration
 * @name: the target name, in lower case
 *
 * Return: the target, or NULL.
 */
const struct ktgt_conf_target *ktgt_conf_find(const struct ktgt_conf *conf, const char *name)
{
	size_t i;

	for (i = 0; i < conf->nr_targets; i++) {
		if (!strcmp(conf->targets[i].name, name))
			return &conf->targets[i];
	}
	return NULL;
}

static bool addr_equal(const struct ktgt_addr *a, const struct ktgt_addr *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->bytes, b->bytes, ktgt_addr_len(a));
}

static const struct ktgt_addr *find_portal(const struct ktgt_conf_target *t,
					   const struct ktgt_addr *a)
{
	size_t i;

	for (i = 0; i < t->nr_portals; i++) {
		if (addr_equal(&t->portals[i], a))
			return &t->portals[i];
	}
	return NULL;
}

static const struct ktgt_conf_item *find_item(const struct ktgt_conf_item *items, size_t n,
					      const char *value)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(items[i].value, value))
			return &items[i];
	}
	return NULL;
}

static const struct ktgt_conf_lun *find_lun(const struct ktgt_conf_target *t, uint64_t id)
{
	size_t i;

	for (i = 0; i < t->nr_luns; i++) {
		if (t->luns[i].id == id)
			return &t->luns[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------------
 * The parser
 */

/**
 * struct conf_parser - the state of one ktgt_conf_parse_*() call
 * @conf: the configuration being filled
 * @loc: the file and line being read
 * @dir: the directory of that file, for relative paths
 * @target: the open <target> block, or NULL
 * @store: the open store block in @target, or NULL
 * @stack: the real paths of the files being read, outermost first
 * @depth: their number
 */
struct conf_parser {
	struct ktgt_conf *conf;
	struct ktgt_conf_loc loc;
	char *dir;
	struct ktgt_conf_target *target;
	struct ktgt_conf_lun *store;
	char *stack[KTGT_CONF_INCLUDE_DEPTH + 1];
	int depth;
};

#define perr(p, ...)	conf_error((p)->conf, &(p)->loc, __VA_ARGS__)

/* Where a directive may appear */
enum {
	SCOPE_TOP	= 1 << 0,	/* outside any block */
	SCOPE_TARGET	= 1 << 1,	/* in <target>, outside a store block */
	SCOPE_STORE	= 1 << 2,	/* in a store block */
};

/**
 * struct conf_directive - a directive, or a block's opening tag
 * @name: its name
 * @scope: where it may appear, SCOPE_*
 * @nargs: how many values it takes
 * @arg: for @handle's use (an enum ktgt_conf_ident or ktgt_conf_store)
 * @handle: parse the values; return 0, -EINVAL (reported) or -ENOMEM
 */
struct conf_directive {
	const char *name;
	unsigned int scope;
	int nargs;
	int arg;
	int (*handle)(struct conf_parser *p, const struct conf_directive *d, char **args);
};

static unsigned int cur_scope(const struct conf_parser *p)
{
	if (p->store)
		return SCOPE_STORE;
	return p->target ? SCOPE_TARGET : SCOPE_TOP;
}

static bool has_space(const char *s)
{
	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			return true;
	}
	return false;
}

/*
 * Split @s into words, in place. A word is a run of non-blanks, or a
 * double-quoted string in which \" and \\ stand for " and \. A '#' that
 * starts a word starts a comment. With @tag, @s follows a '<' and must go
 * on to an unquoted '>', after which only a comment may follow. If @quoted
 * is not NULL, @quoted[i] says whether word i was in quotes.
 *
 * Return: the number of words (at most @max), or -EINVAL (reported).
 */
static int split_words(struct conf_parser *p, char *s, bool tag, char **words, bool *quoted,
		       int max)
{
	bool closed = !tag;
	char *out, end;
	int n = 0;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		if (closed && tag) {
			perr(p, "unexpected text after '>'");
			return -EINVAL;
		}
		if (tag && *s == '>') {
			closed = true;
			s++;
			continue;
		}
		if (n == max) {
			perr(p, "too many values");
			return -EINVAL;
		}
		if (quoted)
			quoted[n] = *s == '"';
		words[n++] = out = s;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				*out++ = *s;
			}
			if (!*s) {
				perr(p, "missing closing '\"'");
				return -EINVAL;
			}
			s++;
			if (*s && !isspace((unsigned char)*s) && !(tag && *s == '>')) {
				perr(p, "unexpected text after closing '\"'");
				return -EINVAL;
			}
		} else {
			while (*s && !isspace((unsigned char)*s) && !(tag && *s == '>'))
				*out++ = *s++;
		}
		/* The terminator may overwrite the character that ended the word. */
		end = *s;
		*out = '\0';
		if (end)
			s++;
		closed = closed || end == '>';
	}
	if (!closed) {
		perr(p, "missing '>'");
		return -EINVAL;
	}
	return n;
}

/* @path as given, or relative to the directory of the file being read */
static char *file_relative(const struct conf_parser *p, const char *path)
{
	size_t len;
	char *s;

	if (path[0] == '/' || !p->dir)
		return strdup(path);
	len = strlen(p->dir) + strlen(path) + 2;
	s = malloc(len);
	if (s)
		snprintf(s, len, "%s/%s", p->dir, path);
	return s;
}

static struct ktgt_conf_lun_opts *cur_opts(struct conf_parser *p)
{
	return p->store ? &p->store->opts : &p->target->defaults;
}

static int handle_default_driver(struct conf_parser *p, const struct conf_directive *d,
				 char **args)
{
	if (strcasecmp(args[0], "iscsi")) {
		perr(p, "default-driver '%s' is not supported (ktgt serves iscsi only)", args[0]);
		return -EINVAL;
	}
	return 0;
}

static int parse_path(struct conf_parser *p, const char *path);

static bool has_wildcard(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* include PATTERN: every file it matches, in order; none is fine for a glob */
static int handle_include(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	char *pattern = file_relative(p, args[0]);
	int err = 0, ret;
	glob_t g;
	size_t i;

	if (!pattern)
		return -ENOMEM;
	ret = glob(pattern, 0, NULL, &g);
	if (ret == GLOB_NOMATCH && !has_wildcard(pattern)) {
		perr(p, "cannot include %s: %s", pattern, strerror(ENOENT));
		err = -EINVAL;
	} else if (ret == GLOB_NOSPACE) {
		err = -ENOMEM;
	} else if (ret && ret != GLOB_NOMATCH) {
		perr(p, "cannot include %s: read error", pattern);
		err = -EINVAL;
	}
	for (i = 0; !ret && i < g.gl_pathc && err != -ENOMEM; i++)
		err = parse_path(p, g.gl_pathv[i]);
	if (!ret || ret == GLOB_NOMATCH)
		globfree(&g);
	free(pattern);
	return err;
}

static int handle_portal(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	struct ktgt_addr a, *slot;
	int err = ktgt_parse_portal(args[0], &a);

	if (err == -ERANGE) {
		perr(p, "invalid port in portal '%s' (expected 1..65535)", args[0]);
		return -EINVAL;
	}
	if (err) {
		perr(p, "invalid portal '%s' (expected A.B.C.D[:PORT] or [IPV6][:PORT])", args[0]);
		return -EINVAL;
	}
	if (find_portal(p->target, &a)) {
		perr(p, "duplicate portal '%s'", args[0]);
		return -EINVAL;
	}
	slot = grow(&p->target->portals, &p->target->nr_portals, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	*slot = a;
	return 0;
}

/* null-store SIZE: a number of bytes, or of KiB, MiB, GiB or TiB with K, M, G or T */
/* Open a store: a block, or a one-line directive closed at once by the caller. */
static int open_store(struct conf_parser *p, enum ktgt_conf_store store, const char *arg)
{
	struct ktgt_conf_lun *l;

	l = grow(&p->target->luns, &p->target->nr_luns, sizeof(*l));
	if (!l)
		return -ENOMEM;
	opts_init(&l->opts);
	l->store = store;
	l->loc = p->loc;
	p->store = l;
	if (store == KTGT_STORE_NULL) {
		if (ktgt_parse_size(arg, &l->size))
			perr(p, "invalid size '%s' (expected bytes, or a number with K, M, G or T)",
			     arg);
		return 0;
	}
	if (!*arg) {
		perr(p, "empty %s path", store_names[store]);
		return 0;
	}
	l->path = file_relative(p, arg);
	return l->path ? 0 : -ENOMEM;
}

static int handle_store(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	int err = open_store(p, d->arg, args[0]);

	p->store = NULL;
	return err;
}

/* Add an ACL entry: "ALL" or a lower-case initiator name. */
static int add_acl(struct conf_parser *p, const char *value, const char *directive)
{
	const struct ktgt_conf_item *dup;
	struct ktgt_conf_item *acl;

	dup = find_item(p->target->acls, p->target->nr_acls, value);
	if (dup) {
		perr(p, "%s: %s is already allowed (line %u)", directive, value, dup->loc.line);
		return -EINVAL;
	}
	acl = grow(&p->target->acls, &p->target->nr_acls, sizeof(*acl));
	if (!acl)
		return -ENOMEM;
	acl->loc = p->loc;
	acl->value = strdup(value);
	return acl->value ? 0 : -ENOMEM;
}

/* A.B.C.D or an IPv6 address, with an optional /PREFIX */
static bool check_address(const char *s)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long long prefix;
	uint8_t buf[16];
	int family;

	if (len >= sizeof(host))
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	family = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, host, buf) != 1)
		return false;
	return !slash || !ktgt_parse_uint(slash + 1, family == AF_INET ? 32 : 128, &prefix);
}

static int handle_initiator_address(struct conf_parser *p, const struct conf_directive *d,
				    char **args)
{
	struct ktgt_conf_item *a;

	char canon[KTGT_ACL_ADDR_STRLEN];
	struct ktgt_acl_addr range;

	if (!strcasecmp(args[0], KTGT_ACL_ALL))
		return add_acl(p, KTGT_ACL_ALL, d->name);
	if (!check_address(args[0]) || ktgt_parse_acl_addr(args[0], &range)) {
		perr(p, "invalid initiator address '%s' (expected ALL, or an IPv4 or IPv6 address with an optional /PREFIX)",
		     args[0]);
		return -EINVAL;
	}
	/* as the kernel reports it, so that load compares like with like */
	ktgt_format_acl_addr(&range, canon, sizeof(canon));
	if (find_item(p->target->addresses, p->target->nr_addresses, canon))
		return 0;
	a = grow(&p->target->addresses, &p->target->nr_addresses, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->loc = p->loc;
	a->value = strdup(canon);
	return a->value ? 0 : -ENOMEM;
}

static const char name_expected[] =
	"expected iqn.YYYY-MM.domain[:ID], eui.<16 hex> or naa.<16|32 hex>";

/* Check an iSCSI name, lower-casing it first; report what is wrong with it. */
static int check_name(struct conf_parser *p, const char *what, char *name)
{
	int err;

	ktgt_name_lower(name);
	err = ktgt_check_name(name);
	if (err == -ENAMETOOLONG)
		perr(p, "%s name is longer than %d bytes", what, KTGT_NAME_MAX);
	else if (err)
		perr(p, "invalid %s name '%s' (%s)", what, name, name_expected);
	return err ? -EINVAL : 0;
}

static int handle_initiator_name(struct conf_parser *p, const struct conf_directive *d,
				 char **args)
{
	if (!strcasecmp(args[0], KTGT_ACL_ALL))
		return add_acl(p, KTGT_ACL_ALL, d->name);
	if (check_name(p, "initiator", args[0]))
		return -EINVAL;
	return add_acl(p, args[0], d->name);
}

static int handle_user(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	bool out = d->arg;
	/* outside a target: the accounts of discovery sessions, as with tgt */
	struct ktgt_conf_target *t = p->target ? p->target : &p->conf->discovery;
	struct ktgt_conf_user **users = out ? &t->outgoing : &t->incoming;
	size_t *nr = out ? &t->nr_outgoing : &t->nr_incoming;
	struct ktgt_conf_user *u;
	size_t i, len;

	if (out && *nr) {
		perr(p, "only one outgoinguser per %s (the first is on line %u)",
		     p->target ? "target" : "discovery", (*users)[0].loc.line);
		return -EINVAL;
	}
	for (i = 0; i < *nr; i++) {
		if (!strcmp((*users)[i].name, args[0])) {
			perr(p, "duplicate %s '%s' (line %u)", d->name, args[0],
			     (*users)[i].loc.line);
			return -EINVAL;
		}
	}
	if (!*args[0] || !*args[1]) {
		perr(p, "%s needs a user name and a secret", d->name);
		return -EINVAL;
	}
	if (strlen(args[0]) > KTGT_CHAP_USER_MAX) {
		perr(p, "%s: the user name is longer than %d characters", d->name,
		     KTGT_CHAP_USER_MAX);
		return -EINVAL;
	}
	len = strlen(args[1]);
	if (len < KTGT_CHAP_SECRET_MIN || len > KTGT_CHAP_SECRET_MAX) {
		perr(p, "%s %s: the secret has %zu characters (expected %d to %d)", d->name,
		     args[0], len, KTGT_CHAP_SECRET_MIN, KTGT_CHAP_SECRET_MAX);
		return -EINVAL;
	}
	u = grow(users, nr, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->loc = p->loc;
	u->outgoing = out;
	u->name = strdup(args[0]);
	u->secret = strdup(args[1]);
	u->secret_len = len;
	return u->name && u->secret ? 0 : -ENOMEM;
}

/* readonly and write-cache take 0/1, on/off or yes/no */
static int handle_flag(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	struct ktgt_conf_lun_opts *o = cur_opts(p);
	bool on;

	if (ktgt_parse_onoff(args[0], &on)) {
		perr(p, "invalid value '%s' for %s (expected 1 or 0, on or off, yes or no)",
		     args[0], d->name);
		return -EINVAL;
	}
	if (d->arg)
		o->write_cache = on;
	else
		o->readonly = on;
	return 0;
}

/*
 * tgt's bsoflags: "direct", "sync" or "sync:direct". direct opens a file
 * with O_DIRECT; sync (tgt's O_SYNC) makes every write durable before it
 * is answered, which is what write-cache off does.
 */
static int handle_bsoflags(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	struct ktgt_conf_lun_opts *o = cur_opts(p);
	char *list = strdup(args[0]), *flag, *save = NULL;
	int err = 0;

	if (!list)
		return -ENOMEM;
	o->direct = 0;
	for (flag = strtok_r(list, ":", &save); flag && !err;
	     flag = strtok_r(NULL, ":", &save)) {
		if (!strcmp(flag, "direct")) {
			o->direct = 1;
		} else if (!strcmp(flag, "sync")) {
			o->write_cache = 0;
		} else {
			perr(p, "invalid %s '%s' (expected direct, sync or sync:direct)", d->name,
			     args[0]);
			err = -EINVAL;
		}
	}
	free(list);
	return err;
}

static int handle_lun(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	uint64_t id;

	if (ktgt_parse_lun(args[0], &id)) {
		perr(p, "invalid LUN '%s' (expected 0..%d)", args[0], KTGT_LUN_MAX);
		return -EINVAL;
	}
	if (p->store->explicit_id) {
		perr(p, "lun is set twice in this block");
		return -EINVAL;
	}
	p->store->id = id;
	p->store->explicit_id = true;
	return 0;
}

static int handle_ident(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	struct ktgt_conf_lun_opts *o = cur_opts(p);
	const char *s;

	if (!*args[0]) {
		perr(p, "%s is empty", d->name);
		return -EINVAL;
	}
	if (strlen(args[0]) > idents[d->arg].max) {
		perr(p, "%s '%s' is longer than %zu characters", d->name, args[0],
		     idents[d->arg].max);
		return -EINVAL;
	}
	for (s = args[0]; *s; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			perr(p, "%s must be printable ASCII", d->name);
			return -EINVAL;
		}
	}
	free(o->ident[d->arg]);
	o->ident[d->arg] = strdup(args[0]);
	o->ident_loc[d->arg] = p->loc;
	return o->ident[d->arg] ? 0 : -ENOMEM;
}

/* A login key the target offers: d->arg is its index in ktgt_param_keys[]. */
static int handle_param(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	const struct ktgt_param_key *k = &ktgt_param_keys[d->arg];
	struct ktgt_conf_target *t = p->target;
	char range[64];
	uint32_t val;

	if (ktgt_param_parse(k, args[0], &val)) {
		ktgt_param_range(k, range, sizeof(range));
		perr(p, "invalid value '%s' for %s (expected %s)", args[0], k->name, range);
		return -EINVAL;
	}
	if (t->param_line[k->attr]) {
		perr(p, "%s is set twice in this block (line %u)", k->name,
		     t->param_line[k->attr]);
		return -EINVAL;
	}
	ktgt_params_set(&t->params, k->attr, val);
	t->param_line[k->attr] = p->loc.line;
	return 0;
}

/*
 * A CPU list as the kernel prints it, in a new string: each of its runs
 * starts and ends with a number that @s names, so it is never much longer.
 */
static char *cpus_canon_dup(const char *s, int *err)
{
	size_t len = strlen(s) + 16;
	char *buf = malloc(len);

	*err = buf ? ktgt_cpus_canon(s, buf, len) : -ENOMEM;
	if (*err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* cpus LIST|none: the CPUs the target's connections run on (ktgt extension) */
static int handle_cpus(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	struct ktgt_conf_target *t = p->target;
	int err;

	if (t->cpus_loc.line) {
		perr(p, "cpus is set twice in this block (line %u)", t->cpus_loc.line);
		return -EINVAL;
	}
	t->cpus_loc = p->loc;
	if (!strcasecmp(args[0], "none"))
		return 0;
	t->cpus = cpus_canon_dup(args[0], &err);
	if (err == -ERANGE)
		perr(p, "invalid CPU list '%s' (CPUs are 0..%d, a range is LOW-HIGH)", args[0],
		     KTGT_CPUS_MAX - 1);
	else if (err && err != -ENOMEM)
		perr(p, "invalid CPU list '%s' (expected e.g. 0-3,6 or none)", args[0]);
	return err == -ENOMEM ? err : err ? -EINVAL : 0;
}

#define LUN_SCOPE	(SCOPE_TARGET | SCOPE_STORE)

static const struct conf_directive directives[] = {
	{ "default-driver", SCOPE_TOP, 1, 0, handle_default_driver },
	{ "include", SCOPE_TOP, 1, 0, handle_include },
	{ "portal", SCOPE_TARGET, 1, 0, handle_portal },
	{ "backing-store", SCOPE_TARGET, 1, KTGT_STORE_BACKING, handle_store },
	{ "direct-store", SCOPE_TARGET, 1, KTGT_STORE_DIRECT, handle_store },
	{ "null-store", SCOPE_TARGET, 1, KTGT_STORE_NULL, handle_store },
	{ "initiator-address", SCOPE_TARGET, 1, 0, handle_initiator_address },
	{ "initiator-name", SCOPE_TARGET, 1, 0, handle_initiator_name },
	{ "incominguser", SCOPE_TOP | SCOPE_TARGET, 2, 0, handle_user },
	{ "outgoinguser", SCOPE_TOP | SCOPE_TARGET, 2, 1, handle_user },
	{ "readonly", LUN_SCOPE, 1, 0, handle_flag },
	{ "write-cache", LUN_SCOPE, 1, 1, handle_flag },
	{ "bsoflags", LUN_SCOPE, 1, 0, handle_bsoflags },
	{ "lun", SCOPE_STORE, 1, 0, handle_lun },
	{ "vendor_id", LUN_SCOPE, 1, KTGT_IDENT_VENDOR_ID, handle_ident },
	{ "product_id", LUN_SCOPE, 1, KTGT_IDENT_PRODUCT_ID, handle_ident },
	{ "product_rev", LUN_SCOPE, 1, KTGT_IDENT_PRODUCT_REV, handle_ident },
	{ "scsi_sn", LUN_SCOPE, 1, KTGT_IDENT_SCSI_SN, handle_ident },
	{ "scsi_id", LUN_SCOPE, 1, KTGT_IDENT_SCSI_ID, handle_ident },
	{ "cpus", SCOPE_TARGET, 1, 0, handle_cpus },
};

/* Say where a directive that is in the wrong place belongs. */
static void scope_error(struct conf_parser *p, const struct conf_directive *d, bool tag)
{
	const char *what = tag ? "<" : "'", *end = tag ? ">" : "'";

	if (d->scope == SCOPE_STORE)
		perr(p, "%s%s%s is only allowed in a <backing-store>, <direct-store> or <null-store> block",
		     what, d->name, end);
	else if (d->scope == SCOPE_TOP)
		perr(p, "%s%s%s is not allowed inside <target>", what, d->name, end);
	else if (cur_scope(p) == SCOPE_STORE)
		perr(p, "%s%s%s is not allowed in a store block", what, d->name, end);
	else
		perr(p, "%s%s%s is only allowed inside <target>", what, d->name, end);
}

static const struct conf_directive *find_directive(const struct conf_directive *table,
						   size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(table[i].name, name))
			return &table[i];
	}
	return NULL;
}

/* Check a directive's place and value count, then run it. */
static int run_directive(struct conf_parser *p, const struct conf_directive *d, bool tag,
			 int argc, char **args)
{
	if (!(d->scope & cur_scope(p))) {
		scope_error(p, d, tag);
		return -EINVAL;
	}
	if (argc != d->nargs) {
		perr(p, "%s%s%s takes %d value%s", tag ? "<" : "", d->name, tag ? ">" : "",
		     d->nargs, d->nargs == 1 ? "" : "s");
		return -EINVAL;
	}
	return d->handle(p, d, args);
}

static void close_store(struct conf_parser *p, bool missing)
{
	if (missing)
		conf_error(p->conf, &p->store->loc, "<%s %s> is missing </%s>",
			   store_names[p->store->store],
			   p->store->path ? p->store->path : "", store_names[p->store->store]);
	p->store = NULL;
}

/* Give every LUN without a "lun" directive the next free number from 1. */
static void number_luns(struct conf_parser *p, struct ktgt_conf_target *t)
{
	uint64_t next = 1;
	size_t i, j;

	for (i = 0; i < t->nr_luns; i++) {
		struct ktgt_conf_lun *l = &t->luns[i];

		for (j = 0; j < i && l->explicit_id; j++) {
			if (t->luns[j].explicit_id && t->luns[j].id == l->id) {
				conf_error(p->conf, &l->loc, "duplicate LUN %" PRIu64 " (line %u)",
					   l->id, t->luns[j].loc.line);
				break;
			}
		}
	}
	for (i = 0; i < t->nr_luns; i++) {
		struct ktgt_conf_lun *l = &t->luns[i];

		if (l->explicit_id)
			continue;
		for (j = 0; j < t->nr_luns; j++) {
			if (t->luns[j].explicit_id && t->luns[j].id == next) {
				next++;
				j = -1;
			}
		}
		if (next > KTGT_LUN_MAX)
			conf_error(p->conf, &l->loc, "no LUN number left (the last is %d)",
				   KTGT_LUN_MAX);
		l->id = next++;
	}
}

/* A LUN takes each option it does not set from its target, else the default. */
static int apply_defaults(struct ktgt_conf_lun_opts *o, const struct ktgt_conf_lun_opts *def)
{
	int i;

	if (o->readonly < 0)
		o->readonly = def->readonly < 0 ? 0 : def->readonly;
	if (o->write_cache < 0)
		o->write_cache = def->write_cache < 0 ? 1 : def->write_cache;
	if (o->direct < 0)
		o->direct = def->direct < 0 ? 0 : def->direct;
	for (i = 0; i < KTGT_IDENT_NR; i++) {
		if (o->ident[i] || !def->ident[i])
			continue;
		o->ident[i] = strdup(def->ident[i]);
		if (!o->ident[i])
			return -ENOMEM;
		o->ident_loc[i] = def->ident_loc[i];
	}
	return 0;
}

/*
 * The kernel refuses a FirstBurstLength above MaxBurstLength; a default
 * counts, so that a lower MaxBurstLength alone is caught here, at its line.
 */
static void check_bursts(struct conf_parser *p, const struct ktgt_conf_target *t)
{
	unsigned int fl = t->param_line[KTGT_A_PARAMS_FIRST_BURST];
	unsigned int ml = t->param_line[KTGT_A_PARAMS_MAX_BURST];
	uint32_t first = t->params.val[KTGT_A_PARAMS_FIRST_BURST];
	uint32_t max = t->params.val[KTGT_A_PARAMS_MAX_BURST];
	struct ktgt_conf_loc loc = p->loc;

	if (first <= max)
		return;
	loc.line = fl > ml ? fl : ml;
	conf_error(p->conf, &loc, "FirstBurstLength %u%s exceeds MaxBurstLength %u%s",
		   first, fl ? "" : " (the default)", max, ml ? "" : " (the default)");
}

/* The end of a <target> block: what tgt-admin fills in, LUN numbers. */
static int close_target(struct conf_parser *p, bool missing)
{
	struct ktgt_conf_target *t = p->target;
	struct ktgt_addr *portal;
	size_t i;
	int err;

	if (p->store)
		close_store(p, true);
	if (missing)
		conf_error(p->conf, &t->loc, "<target %s> is missing </target>", t->name);
	p->target = NULL;
	for (i = 0; i < ktgt_nr_param_keys; i++) {
		const struct ktgt_param_key *k = &ktgt_param_keys[i];

		/* declarative: a key left out is the default, not what runs */
		if (!k->session_only && !ktgt_params_has(&t->params, k->attr))
			ktgt_params_set(&t->params, k->attr, k->def);
	}
	check_bursts(p, t);
	number_luns(p, t);
	for (i = 0; i < t->nr_luns; i++) {
		err = apply_defaults(&t->luns[i].opts, &t->defaults);
		if (err)
			return err;
	}
	if (!t->nr_acls && !t->nr_addresses) {
		p->target = t;
		err = add_acl(p, KTGT_ACL_ALL, "");
		p->target = NULL;
		if (err)
			return err;
		t->acls[0].loc = t->loc;
	}
	if (!t->nr_portals) {
		portal = grow(&t->portals, &t->nr_portals, sizeof(*portal));
		if (!portal)
			return -ENOMEM;
		*portal = default_portal;
	}
	return 0;
}

static int open_target(struct conf_parser *p, const struct conf_directive *d, char **args)
{
	const struct ktgt_conf_target *dup;
	struct ktgt_conf_target *t;

	check_name(p, "target", args[0]);
	dup = ktgt_conf_find(p->conf, args[0]);
	if (dup)
		perr(p, "duplicate target %s (first at %s:%u)", args[0], dup->loc.file,
		     dup->loc.line);
	t = grow(&p->conf->targets, &p->conf->nr_targets, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->loc = p->loc;
	opts_init(&t->defaults);
	p->target = t;
	t->name = strdup(args[0]);
	return t->name ? 0 : -ENOMEM;
}

static int open_store_block(struct conf_parser *p, const struct conf_directive *d,
			    char **args)
{
	return open_store(p, d->arg, args[0]);
}

static const struct conf_directive blocks[] = {
	{ "target", SCOPE_TOP, 1, 0, open_target },
	{ "backing-store", SCOPE_TARGET, 1, KTGT_STORE_BACKING, open_store_block },
	{ "direct-store", SCOPE_TARGET, 1, KTGT_STORE_DIRECT, open_store_block },
	{ "null-store", SCOPE_TARGET, 1, KTGT_STORE_NULL, open_store_block },
};

/* An opening tag in the wrong place is most likely a missing closing tag. */
static int open_block(struct conf_parser *p, const struct conf_directive *d, int argc,
		      char **args)
{
	bool is_target = d->handle == open_target;
	struct ktgt_conf_lun *s = p->store;
	int err;

	if (is_target && p->target) {
		perr(p, "<target> inside <target %s> (missing </target>?)", p->target->name);
		err = close_target(p, false);
		if (err)
			return err;
	} else if (!is_target && s) {
		perr(p, "<%s> inside <%s %s> (missing </%s>?)", d->name, store_names[s->store],
		     s->path ? s->path : "", store_names[s->store]);
		close_store(p, false);
	}
	return run_directive(p, d, true, argc, args);
}

static int end_block(struct conf_parser *p, const char *name, int argc)
{
	bool is_target = !strcasecmp(name, "target");
	const struct conf_directive *d;

	d = find_directive(blocks, ARRAY_SIZE(blocks), name);
	if (!d) {
		perr(p, "unknown block </%s>", name);
		return -EINVAL;
	}
	if (argc) {
		perr(p, "</%s> takes no value", d->name);
		return -EINVAL;
	}
	if (is_target && p->target) {
		if (p->store)
			close_store(p, true);
		return close_target(p, false);
	}
	if (!is_target && p->store && !strcmp(store_names[p->store->store], d->name)) {
		close_store(p, false);
		return 0;
	}
	perr(p, "unexpected </%s>", d->name);
	return -EINVAL;
}

/* "<NAME VALUE>" or "</NAME>", after the '<' */
static int parse_tag(struct conf_parser *p, char *s)
{
	char *words[CONF_MAX_WORDS];
	const struct conf_directive *d;
	int n;

	n = split_words(p, s, true, words, NULL, CONF_MAX_WORDS);
	if (n < 0)
		return n;
	if (!n) {
		perr(p, "empty tag");
		return -EINVAL;
	}
	if (words[0][0] == '/')
		return end_block(p, words[0] + 1, n - 1);
	d = find_directive(blocks, ARRAY_SIZE(blocks), words[0]);
	if (!d) {
		perr(p, "unknown block <%s>", words[0]);
		return -EINVAL;
	}
	return open_block(p, d, n - 1, words + 1);
}

static int parse_line(struct conf_parser *p, char *line)
{
	char *words[CONF_MAX_WORDS + 1];
	bool quoted[CONF_MAX_WORDS + 1];
	const struct conf_directive *d;
	const struct ktgt_param_key *k;
	struct conf_directive pd;
	int n;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '<')
		return parse_tag(p, line + 1);
	n = split_words(p, line, false, words, quoted, ARRAY_SIZE(words));
	if (n <= 0)
		return n;
	d = find_directive(directives, ARRAY_SIZE(directives), words[0]);
	k = d ? NULL : ktgt_param_lookup(words[0]);
	if (k && !k->session_only) {
		/* the login keys, as tgt's targets.conf sets them in a <target> */
		pd = (struct conf_directive){ k->name, SCOPE_TARGET, 1, k - ktgt_param_keys,
					      handle_param };
		d = &pd;
	}
	if (!d) {
		perr(p, "unknown directive '%s'", words[0]);
		return -EINVAL;
	}
	/* Config::General's "key = value"; a quoted "=" is a value */
	if (n > 1 && !quoted[1] && !strcmp(words[1], "="))
		return run_directive(p, d, false, n - 2, words + 2);
	return run_directive(p, d, false, n - 1, words + 1);
}

static int parse_stream(struct conf_parser *p, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int err = 0;

	while (err != -ENOMEM && (len = getline(&line, &cap, f)) >= 0) {
		p->loc.line++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (strlen(line) != (size_t)len)
			perr(p, "NUL byte in line");
		else
			err = parse_line(p, line);
	}
	free(line);
	if (err != -ENOMEM && ferror(f)) {
		perr(p, "read error: %s", strerror(errno));
		err = -EINVAL;
	}
	if (p->target && err != -ENOMEM)
		err = close_target(p, true);
	return err == -ENOMEM ? err : 0;
}

static const char *intern_file(struct conf_parser *p, const char *name)
{
	char **slot;

	slot = grow(&p->conf->files, &p->conf->nr_files, sizeof(*slot));
	if (!slot)
		return NULL;
	*slot = strdup(name);
	if (!*slot)
		p->conf->nr_files--;
	return *slot;
}

/* NULL with *@err = 0 for a bare file name: its paths are taken as they are */
static char *dir_of(const char *path, int *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	*err = 0;
	if (!slash)
		return NULL;
	dir = slash == path ? strdup("/") : strndup(path, slash - path);
	if (!dir)
		*err = -ENOMEM;
	return dir;
}

/*
 * Read @f, named @name, as an include of the file being read (or as the
 * first file, when there is none): an error opening it is reported at the
 * include line.
 */
static int parse_named(struct conf_parser *p, const char *name, FILE *f)
{
	struct ktgt_conf_loc saved_loc = p->loc;
	char *saved_dir = p->dir, *real;
	int i, err;

	real = realpath(name, NULL);
	if (!real)
		real = strdup(name);
	if (!real)
		return -ENOMEM;
	for (i = 0; i < p->depth; i++) {
		if (!strcmp(p->stack[i], real)) {
			perr(p, "include loop: %s is already being read", name);
			free(real);
			return -EINVAL;
		}
	}
	if (p->depth > KTGT_CONF_INCLUDE_DEPTH) {
		perr(p, "includes nest more than %d deep", KTGT_CONF_INCLUDE_DEPTH);
		free(real);
		return -EINVAL;
	}
	p->stack[p->depth++] = real;
	p->loc.file = intern_file(p, name);
	p->loc.line = 0;
	p->dir = dir_of(name, &err);
	if (!p->loc.file)
		err = -ENOMEM;
	if (!err)
		err = parse_stream(p, f);
	free(p->dir);
	p->dir = saved_dir;
	p->loc = saved_loc;
	free(p->stack[--p->depth]);
	return err;
}

static int parse_path(struct conf_parser *p, const char *path)
{
	struct stat st;
	FILE *f;
	int err;

	f = fopen(path, "r");
	if (f && !fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		if (p->depth)
			perr(p, "cannot include %s: %s", path, strerror(errno));
		else
			conf_error(p->conf, &(struct ktgt_conf_loc){ .file = path }, "%s",
				   strerror(errno));
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	}
	err = parse_named(p, path, f);
	fclose(f);
	return err;
}

static int parse_result(const struct ktgt_conf *conf, int err)
{
	if (err == -ENOMEM)
		return err;
	return conf->nr_errors ? -EINVAL : 0;
}

/**
 * ktgt_conf_parse_file() - read a targets.conf file and what it includes
 * @conf: the configuration to add the targets to
 * @path: the file
 *
 * Relative paths in the file (includes, stores) are taken from the file's
 * directory.
 *
 * Return: 0, -EINVAL if @conf has errors (in @conf->errors), or -ENOMEM.
 */
int ktgt_conf_parse_file(struct ktgt_conf *conf, const char *path)
{
	struct conf_parser p = { .conf = conf };

	return parse_result(conf, parse_path(&p, path));
}

/**
 * ktgt_conf_parse_string() - read targets.conf text
 * @conf: the configuration to add the targets to
 * @name: the file name to report errors with and to take relative paths from
 * @text: the text
 *
 * Return: 0, -EINVAL if @conf has errors (in @conf->errors), or -ENOMEM.
 */
int ktgt_conf_parse_string(struct ktgt_conf *conf, const char *name, const char *text)
{
	struct conf_parser p = { .conf = conf };
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	if (!f)
		return -ENOMEM;
	err = parse_named(&p, name, f);
	fclose(f);
	return parse_result(conf, err);
}

/* ------------------------------------------------------------------------
 * Checks before a load
 */

/**
 * ktgt_resolve_store() - the absolute path the kernel is to open
 * @arg: a block device or regular file
 * @path: the result, to be freed; NULL on error
 *
 * Return: 0, -errno from realpath() or stat(), -ENODEV if it is neither a
 * block device nor a regular file, -ENAMETOOLONG if it is too long for
 * the kernel. ktgt_store_strerror() says it in words.
 */
int ktgt_resolve_store(const char *arg, char **path)
{
	struct stat st;
	int err = 0;

	*path = realpath(arg, NULL);
	if (!*path)
		return -errno;
	if (stat(*path, &st))
		err = -errno;
	else if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		err = -ENODEV;
	else if (strlen(*path) >= KTGT_PATH_MAX)
		err = -ENAMETOOLONG;
	if (err) {
		free(*path);
		*path = NULL;
	}
	return err;
}

/**
 * ktgt_store_strerror() - describe a ktgt_resolve_store() error
 * @err: the -errno
 *
 * Return: the message.
 */
const char *ktgt_store_strerror(int err)
{
	switch (err) {
	case -ENODEV:
		return "not a block device or regular file";
	case -ENAMETOOLONG:
		return "path is too long";
	}
	return strerror(-err);
}

/*
 * Read one attribute of a block device's SCSI (or other) device from sysfs:
 * /sys/dev/block/MAJ:MIN/NAME, else the device of the disk a partition is
 * on. Return: its bytes, or -1.
 */
static ssize_t read_sysfs_dev(dev_t dev, const char *name, char *buf, size_t len)
{
	static const char * const dirs[] = { "", "../" };
	char path[PATH_MAX];
	ssize_t n = -1;
	size_t i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(dirs) && n < 0; i++) {
		snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/%s%s", major(dev), minor(dev),
			 dirs[i], name);
		f = fopen(path, "re");
		if (!f)
			continue;
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	return n;
}

/* Keep the printable ASCII of @s, without surrounding blanks, at most @max characters */
static char *ident_clean(const char *s, size_t n, size_t max)
{
	char *out = malloc(max + 1), *p = out;

	if (!out)
		return NULL;
	for (; n && (*s == ' ' || *s == '\n' || !*s); s++, n--)
		;
	for (; n && (size_t)(p - out) < max; s++, n--) {
		if (*s >= 0x20 && *s <= 0x7e)
			*p++ = *s;
	}
	while (p > out && p[-1] == ' ')
		p--;
	*p = '\0';
	return out;
}

/*
 * direct-store: as tgt takes its identity from the device (an INQUIRY), take
 * what the kernel knows of it from sysfs: vendor, model and rev of a SCSI
 * device, the unit serial number (VPD page 80h), or the serial of a
 * virtio or NVMe disk. What is set in the file wins; what sysfs lacks stays
 * at the default. Return: 0 or -ENOMEM.
 */
static int direct_store_ident(struct ktgt_conf_lun *l)
{
	static const struct {
		int ident;
		const char *name;
		size_t skip;		/* header bytes before the value */
	} attrs[] = {
		{ KTGT_IDENT_VENDOR_ID, "device/vendor", 0 },
		{ KTGT_IDENT_PRODUCT_ID, "device/model", 0 },
		{ KTGT_IDENT_PRODUCT_REV, "device/rev", 0 },
		{ KTGT_IDENT_SCSI_SN, "device/vpd_pg80", 4 },
		{ KTGT_IDENT_SCSI_SN, "device/serial", 0 },
		{ KTGT_IDENT_SCSI_SN, "serial", 0 },
	};
	struct stat st;
	char buf[256], *v;
	ssize_t n;
	size_t i;

	if (stat(l->path, &st) || !S_ISBLK(st.st_mode))
		return 0;
	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		int k = attrs[i].ident;

		if (l->opts.ident[k])
			continue;
		n = read_sysfs_dev(st.st_rdev, attrs[i].name, buf, sizeof(buf));
		if (n <= (ssize_t)attrs[i].skip)
			continue;
		v = ident_clean(buf + attrs[i].skip, n - attrs[i].skip, idents[k].max);
		if (!v)
			return -ENOMEM;
		if (!*v) {
			free(v);
			continue;
		}
		l->opts.ident[k] = v;
	}
	return 0;
}

/**
 * ktgt_conf_resolve_paths() - turn every store path into the one the kernel opens
 * @conf: a parsed configuration
 *
 * A direct-store also gets the identity strings of its device that the
 * file leaves unset.
 *
 * Return: 0, -EINVAL if a path is not usable (reported in @conf->errors),
 * or -ENOMEM.
 */
int ktgt_conf_resolve_paths(struct ktgt_conf *conf)
{
	size_t i, j;
	char *real;
	int err;

	for (i = 0; i < conf->nr_targets; i++) {
		for (j = 0; j < conf->targets[i].nr_luns; j++) {
			struct ktgt_conf_lun *l = &conf->targets[i].luns[j];

			if (!l->path)
				continue;
			err = ktgt_resolve_store(l->path, &real);
			if (err == -ENOMEM)
				return err;
			if (err) {
				conf_error(conf, &l->loc, "%s: %s", l->path,
					   ktgt_store_strerror(err));
				continue;
			}
			free(l->path);
			l->path = real;
			if (l->store == KTGT_STORE_DIRECT && direct_store_ident(l))
				return -ENOMEM;
		}
	}
	return conf->nr_errors ? -EINVAL : 0;
}

/* Files in the order they were first read, lines in order, then as found */
static int cmp_error(const void *a, const void *b)
{
	const struct ktgt_conf_error *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/**
 * ktgt_conf_sort_errors() - put the errors in the order of the files' lines
 * @conf: the configuration
 */
void ktgt_conf_sort_errors(struct ktgt_conf *conf)
{
	qsort(conf->errors, conf->nr_errors, sizeof(*conf->errors), cmp_error);
}

/* ------------------------------------------------------------------------
 * The running state
 */

/* An account as the kernel reported it, secret and all */
static int copy_account(struct ktgt_conf_target *c, const struct ktgt_account_info *a)
{
	struct ktgt_conf_user **users = a->outgoing ? &c->outgoing : &c->incoming;
	size_t *nr = a->outgoing ? &c->nr_outgoing : &c->nr_incoming;
	struct ktgt_conf_user *u = grow(users, nr, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->outgoing = a->outgoing;
	u->name = strdup(a->user);
	u->secret = malloc(a->secret_len + 1);
	if (!u->name || !u->secret)
		return -ENOMEM;
	if (a->secret_len)
		memcpy(u->secret, a->secret, a->secret_len);
	u->secret[a->secret_len] = '\0';
	u->secret_len = a->secret_len;
	return 0;
}

static int copy_running(struct ktgt_conf_target *c, const struct ktgt_target *t)
{
	size_t i;
	int err, k;

	c->portals = calloc(t->nr_portals, sizeof(*c->portals));
	c->luns = calloc(t->nr_luns, sizeof(*c->luns));
	char addr[KTGT_ACL_ADDR_STRLEN];

	c->acls = calloc(t->nr_acls, sizeof(*c->acls));
	c->addresses = calloc(t->nr_acl_addrs, sizeof(*c->addresses));
	if ((t->nr_portals && !c->portals) || (t->nr_luns && !c->luns) ||
	    (t->nr_acls && !c->acls) || (t->nr_acl_addrs && !c->addresses))
		return -ENOMEM;
	if (t->nr_portals)
		memcpy(c->portals, t->portals, t->nr_portals * sizeof(*c->portals));
	c->nr_portals = t->nr_portals;
	for (i = 0; i < t->nr_luns; i++) {
		struct ktgt_conf_lun *l = &c->luns[c->nr_luns++];

		opts_init(&l->opts);
		l->id = t->luns[i].id;
		l->explicit_id = true;
		l->opts.readonly = t->luns[i].readonly;
		l->opts.write_cache = t->luns[i].write_cache;
		l->opts.direct = t->luns[i].direct;
		for (k = 0; k < KTGT_IDENT_NR; k++) {
			if (!t->luns[i].ident[k])
				continue;
			l->opts.ident[k] = strdup(t->luns[i].ident[k]);
			if (!l->opts.ident[k])
				return -ENOMEM;
		}
		if (t->luns[i].backend == KTGT_BACKEND_NULL) {
			l->store = KTGT_STORE_NULL;
			l->size = t->luns[i].null_size;
			continue;
		}
		l->path = strdup(t->luns[i].path ? t->luns[i].path : "");
		if (!l->path)
			return -ENOMEM;
	}
	for (i = 0; i < t->nr_acls; i++) {
		c->acls[i].value = strdup(t->acls[i]);
		if (!c->acls[i].value)
			return -ENOMEM;
		c->nr_acls++;
	}
	for (i = 0; i < t->nr_acl_addrs; i++) {
		ktgt_format_acl_addr(&t->acl_addrs[i], addr, sizeof(addr));
		c->addresses[i].value = strdup(addr);
		if (!c->addresses[i].value)
			return -ENOMEM;
		c->nr_addresses++;
	}
	for (i = 0; i < t->nr_accounts; i++) {
		err = copy_account(c, &t->accounts[i]);
		if (err)
			return err;
	}
	return 0;
}

/**
 * ktgt_conf_add_running() - add a target as the kernel reported it
 * @conf: the configuration that stands for the running state
 * @t: the target, from ktgt_nl_get()
 *
 * Return: 0, -ENOMEM, or -EPROTO if the kernel left the name out.
 */
int ktgt_conf_add_running(struct ktgt_conf *conf, const struct ktgt_target *t)
{
	struct ktgt_conf_target *c;

	if (!t->name)
		return -EPROTO;
	c = grow(&conf->targets, &conf->nr_targets, sizeof(*c));
	if (!c)
		return -ENOMEM;
	opts_init(&c->defaults);
	c->name = strdup(t->name);
	if (!c->name)
		return -ENOMEM;
	c->params = t->params;
	if (t->cpus && *t->cpus) {
		int err;

		/* canonical already; a list this code cannot read is kept as it is */
		c->cpus = cpus_canon_dup(t->cpus, &err);
		if (err == -ENOMEM)
			return err;
		if (!c->cpus)
			c->cpus = strdup(t->cpus);
		if (!c->cpus)
			return -ENOMEM;
	}
	return copy_running(c, t);
}

/**
 * ktgt_conf_set_discovery() - take the discovery accounts the kernel reported
 * @conf: the configuration that stands for the running state
 * @t: from ktgt_nl_discovery()
 *
 * Return: 0 or -ENOMEM.
 */
int ktgt_conf_set_discovery(struct ktgt_conf *conf, const struct ktgt_target *t)
{
	size_t i;
	int err;

	for (i = 0; i < t->nr_accounts; i++) {
		err = copy_account(&conf->discovery, &t->accounts[i]);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The writer
 */

static bool needs_quotes(const char *s)
{
	return !*s || has_space(s) || strpbrk(s, "\"\\#<>") || *s == '=';
}

static void write_value(FILE *f, const char *s)
{
	if (!needs_quotes(s)) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void write_directive(FILE *f, const char *indent, const char *name, const char *value)
{
	fprintf(f, "%s%s ", indent, name);
	write_value(f, value);
	fputc('\n', f);
}

/* 1G rather than 1073741824 */
static void format_size(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	int i;

	for (i = 0; i < 4; i++) {
		int shift = 10 * (4 - i);

		if (size && !(size & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%" PRIu64 "%c", size >> shift, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, size);
}

static const char *store_value(const struct ktgt_conf_lun *l, char *buf, size_t len)
{
	if (l->store != KTGT_STORE_NULL)
		return l->path ? l->path : "";
	format_size(l->size, buf, len);
	return buf;
}

static bool lun_has_options(const struct ktgt_conf_lun *l)
{
	int i;

	for (i = 0; i < KTGT_IDENT_NR; i++) {
		if (l->opts.ident[i])
			return true;
	}
	return l->opts.readonly > 0 || !l->opts.write_cache || l->opts.direct > 0;
}

static void write_lun(FILE *f, const struct ktgt_conf_lun *l, bool block)
{
	const char *name = store_names[l->store];
	char buf[32];
	int i;

	if (!block) {
		write_directive(f, CONF_INDENT, name, store_value(l, buf, sizeof(buf)));
		return;
	}
	fprintf(f, CONF_INDENT "<%s ", name);
	write_value(f, store_value(l, buf, sizeof(buf)));
	fprintf(f, ">\n" CONF_INDENT CONF_INDENT "lun %" PRIu64 "\n", l->id);
	if (l->opts.readonly > 0)
		fprintf(f, CONF_INDENT CONF_INDENT "readonly 1\n");
	if (!l->opts.write_cache)
		fprintf(f, CONF_INDENT CONF_INDENT "write-cache off\n");
	if (l->opts.direct > 0)
		fprintf(f, CONF_INDENT CONF_INDENT "bsoflags direct\n");
	for (i = 0; i < KTGT_IDENT_NR; i++) {
		if (l->opts.ident[i])
			write_directive(f, CONF_INDENT CONF_INDENT, idents[i].name,
					l->opts.ident[i]);
	}
	fprintf(f, CONF_INDENT "</%s>\n", name);
}

static int cmp_lun(const void *a, const void *b)
{
	const struct ktgt_conf_lun *x = *(const struct ktgt_conf_lun * const *)a;
	const struct ktgt_conf_lun *y = *(const struct ktgt_conf_lun * const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * LUNs in order. As long as they are 1, 2, 3... without options, they are
 * one-line stores, which tgt numbers the same way; from the first that is
 * not, every LUN is a block with its "lun".
 */
static int write_luns(FILE *f, const struct ktgt_conf_target *t)
{
	const struct ktgt_conf_lun **sorted;
	uint64_t next = 1;
	bool block = false;
	size_t i;

	sorted = calloc(t->nr_luns, sizeof(*sorted));
	if (t->nr_luns && !sorted)
		return -ENOMEM;
	for (i = 0; i < t->nr_luns; i++)
		sorted[i] = &t->luns[i];
	qsort(sorted, t->nr_luns, sizeof(*sorted), cmp_lun);
	for (i = 0; i < t->nr_luns; i++) {
		block = block || sorted[i]->id != next++ || lun_has_options(sorted[i]);
		write_lun(f, sorted[i], block);
	}
	free(sorted);
	return 0;
}

static void write_portals(FILE *f, const struct ktgt_conf_target *t)
{
	char buf[KTGT_ADDR_STRLEN];
	size_t i;

	if (!t->nr_portals)
		fprintf(f, CONF_INDENT "# no portal: loading this file listens on 0.0.0.0:%d\n",
			KTGT_DEFAULT_PORT);
	if (t->nr_portals == 1 && addr_equal(&t->portals[0], &default_portal))
		return;
	for (i = 0; i < t->nr_portals; i++) {
		ktgt_format_addr(&t->portals[i], true, buf, sizeof(buf));
		write_directive(f, CONF_INDENT, "portal", buf);
	}
}

static void write_acls(FILE *f, const struct ktgt_conf_target *t)
{
	size_t i;

	if (!t->nr_acls && !t->nr_addresses)
		fprintf(f, CONF_INDENT "# no ACL: loading this file allows ALL\n");
	if (t->nr_acls == 1 && !t->nr_addresses && !strcmp(t->acls[0].value, KTGT_ACL_ALL))
		return;
	for (i = 0; i < t->nr_acls; i++) {
		if (!strcmp(t->acls[i].value, KTGT_ACL_ALL))
			write_directive(f, CONF_INDENT, "initiator-address", KTGT_ACL_ALL);
		else
			write_directive(f, CONF_INDENT, "initiator-name", t->acls[i].value);
	}
	for (i = 0; i < t->nr_addresses; i++)
		write_directive(f, CONF_INDENT, "initiator-address", t->addresses[i].value);
}

/* A line cannot hold a newline, nor a C string a NUL: the kernel's secrets can. */
static bool user_writable(const struct ktgt_conf_user *u)
{
	return !strpbrk(u->name, "\r\n") && strlen(u->secret) == u->secret_len &&
	       !strpbrk(u->secret, "\r\n");
}

static void write_users(FILE *f, const char *name, const struct ktgt_conf_user *u, size_t n,
			const char *indent)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!user_writable(&u[i])) {
			fprintf(f, "%s# an %s whose name or secret has a newline or a NUL byte\n",
				indent, name);
			continue;
		}
		fprintf(f, "%s%s ", indent, name);
		write_value(f, u[i].name);
		fputc(' ', f);
		write_value(f, u[i].secret);
		fputc('\n', f);
	}
}

/* The login keys that are not the default, and the CPU list */
static void write_params(FILE *f, const struct ktgt_conf_target *t)
{
	const struct ktgt_param_key *k;
	char val[32];
	size_t i;

	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (k->session_only || !ktgt_params_has(&t->params, k->attr) ||
		    t->params.val[k->attr] == k->def)
			continue;
		ktgt_param_format(k, t->params.val[k->attr], val, sizeof(val));
		write_directive(f, CONF_INDENT, k->name, val);
	}
	if (t->cpus)
		write_directive(f, CONF_INDENT, "cpus", t->cpus);
}

static int write_target(FILE *f, const struct ktgt_conf_target *t)
{
	int err;

	fprintf(f, "\n<target ");
	write_value(f, t->name);
	fprintf(f, ">\n");
	write_portals(f, t);
	write_params(f, t);
	err = write_luns(f, t);
	if (err)
		return err;
	write_acls(f, t);
	write_users(f, "incominguser", t->incoming, t->nr_incoming, CONF_INDENT);
	write_users(f, "outgoinguser", t->outgoing, t->nr_outgoing, CONF_INDENT);
	fprintf(f, "</target>\n");
	return 0;
}

/**
 * ktgt_conf_write() - print a configuration in targets.conf syntax
 * @f: the output
 * @conf: the configuration; reading the output back gives the same targets
 *
 * Return: 0, -ENOMEM, or -EIO if writing failed.
 */
int ktgt_conf_write(FILE *f, const struct ktgt_conf *conf)
{
	size_t i;
	int err;

	fprintf(f, "default-driver iscsi\n");
	/* discovery's accounts, as tgt has them: outside any target */
	write_users(f, "incominguser", conf->discovery.incoming, conf->discovery.nr_incoming, "");
	write_users(f, "outgoinguser", conf->discovery.outgoing, conf->discovery.nr_outgoing, "");
	for (i = 0; i < conf->nr_targets; i++) {
		err = write_target(f, &conf->targets[i]);
		if (err)
			return err;
	}
	return ferror(f) ? -EIO : 0;
}

/* ------------------------------------------------------------------------
 * Plans
 */

static bool opts_equal(const struct ktgt_conf_lun_opts *a, const struct ktgt_conf_lun_opts *b)
{
	int i;

	for (i = 0; i < KTGT_IDENT_NR; i++) {
		if (!a->ident[i] != !b->ident[i] ||
		    (a->ident[i] && strcmp(a->ident[i], b->ident[i])))
			return false;
	}
	return a->readonly == b->readonly && a->write_cache == b->write_cache &&
	       (a->direct > 0) == (b->direct > 0);
}

/* Whether LUNs with the same number are the same: a store is never the same as a null-store */
static bool lun_equal(const struct ktgt_conf_lun *a, const struct ktgt_conf_lun *b)
{
	if ((a->store == KTGT_STORE_NULL) != (b->store == KTGT_STORE_NULL))
		return false;
	if (a->store == KTGT_STORE_NULL ? a->size != b->size :
	    strcmp(a->path ? a->path : "", b->path ? b->path : ""))
		return false;
	return opts_equal(&a->opts, &b->opts);
}

static struct ktgt_plan_op *plan_add(struct ktgt_plan *plan, uint8_t cmd, const char *target)
{
	struct ktgt_plan_op *op = grow(&plan->ops, &plan->nr_ops, sizeof(*op));

	if (op) {
		op->cmd = cmd;
		op->target = target;
	}
	return op;
}

static int plan_portal(struct ktgt_plan *plan, uint8_t cmd, const char *target,
		       const struct ktgt_addr *a)
{
	struct ktgt_plan_op *op = plan_add(plan, cmd, target);

	if (!op)
		return -ENOMEM;
	op->portal = *a;
	return 0;
}

static int plan_lun(struct ktgt_plan *plan, uint8_t cmd, const char *target,
		    const struct ktgt_conf_lun *l)
{
	struct ktgt_plan_op *op = plan_add(plan, cmd, target);

	if (!op)
		return -ENOMEM;
	op->lun = l;
	return 0;
}

static int plan_acl(struct ktgt_plan *plan, uint8_t cmd, const char *target,
		    const char *initiator)
{
	struct ktgt_plan_op *op = plan_add(plan, cmd, target);

	if (!op)
		return -ENOMEM;
	op->initiator = initiator;
	return 0;
}

static int plan_address(struct ktgt_plan *plan, uint8_t cmd, const char *target,
			const char *address)
{
	struct ktgt_plan_op *op = plan_add(plan, cmd, target);

	if (!op)
		return -ENOMEM;
	op->address = address;
	return 0;
}

/* An account that stays but changes: one request, so it is never missing. */
static int plan_replace(struct ktgt_plan *plan, const char *target,
			const struct ktgt_conf_user *u, const struct ktgt_conf_user *old)
{
	struct ktgt_plan_op *op = plan_add(plan, KTGT_CMD_ACCOUNT_ADD, target);

	if (!op)
		return -ENOMEM;
	op->account = u;
	op->replaced = old;
	return 0;
}

static int plan_account(struct ktgt_plan *plan, uint8_t cmd, const char *target,
			const struct ktgt_conf_user *u)
{
	struct ktgt_plan_op *op = plan_add(plan, cmd, target);

	if (!op)
		return -ENOMEM;
	op->account = u;
	return 0;
}

static const struct ktgt_conf_user *find_user(const struct ktgt_conf_user *users, size_t n,
					      const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(users[i].name, name))
			return &users[i];
	}
	return NULL;
}

static bool user_equal(const struct ktgt_conf_user *a, const struct ktgt_conf_user *b)
{
	return !strcmp(a->name, b->name) && a->secret_len == b->secret_len &&
	       !memcmp(a->secret, b->secret, a->secret_len);
}

/*
 * The CHAP accounts of a target that stays (@cur is NULL for a new one).
 * Incoming accounts are added before others are deleted, so that a target
 * that needs CHAP keeps needing it throughout; one whose secret changed,
 * and the outgoing account, are replaced in place (NLM_F_REPLACE).
 */
static int plan_accounts(struct ktgt_plan *plan, const struct ktgt_conf_target *want,
			 const struct ktgt_conf_target *cur)
{
	const struct ktgt_conf_user *u, *co = NULL, *wo = NULL;
	size_t i, nr_cur = cur ? cur->nr_incoming : 0;
	int err = 0;

	for (i = 0; !err && i < want->nr_incoming; i++) {
		u = find_user(cur ? cur->incoming : NULL, nr_cur, want->incoming[i].name);
		if (!u)
			err = plan_account(plan, KTGT_CMD_ACCOUNT_ADD, want->name,
					   &want->incoming[i]);
	}
	for (i = 0; !err && i < want->nr_incoming; i++) {
		u = find_user(cur ? cur->incoming : NULL, nr_cur, want->incoming[i].name);
		if (u && !user_equal(u, &want->incoming[i]))
			err = plan_replace(plan, want->name, &want->incoming[i], u);
	}
	for (i = 0; !err && i < nr_cur; i++) {
		if (!find_user(want->incoming, want->nr_incoming, cur->incoming[i].name))
			err = plan_account(plan, KTGT_CMD_ACCOUNT_DEL, want->name,
					   &cur->incoming[i]);
	}
	if (cur && cur->nr_outgoing)
		co = &cur->outgoing[0];
	if (want->nr_outgoing)
		wo = &want->outgoing[0];
	if (!err && co && wo && !user_equal(co, wo))
		err = plan_replace(plan, want->name, wo, co);
	else if (!err && co && !wo)
		err = plan_account(plan, KTGT_CMD_ACCOUNT_DEL, want->name, co);
	else if (!err && wo && !co)
		err = plan_account(plan, KTGT_CMD_ACCOUNT_ADD, want->name, wo);
	return err;
}

/*
 * What @from has and @to lacks (the whole of @from if @to is NULL), as
 * requests with @cmds: { ACL, LUN, PORTAL }. A LUN that changed is in both
 * directions, so it is deleted, then added anew. The accounts of a target
 * that goes (once no initiator may log in) go too; plan_accounts() does
 * those of a target that stays.
 */
static int plan_missing(struct ktgt_plan *plan, const struct ktgt_conf_target *from,
			const struct ktgt_conf_target *to, const uint8_t cmds[3])
{
	const struct ktgt_conf_lun *l;
	size_t i;
	int err = 0;

	for (i = 0; !err && i < from->nr_acls; i++) {
		if (!to || !find_item(to->acls, to->nr_acls, from->acls[i].value))
			err = plan_acl(plan, cmds[0], from->name, from->acls[i].value);
	}
	for (i = 0; !err && i < from->nr_addresses; i++) {
		if (!to || !find_item(to->addresses, to->nr_addresses, from->addresses[i].value))
			err = plan_address(plan, cmds[0], from->name, from->addresses[i].value);
	}
	for (i = 0; !err && !to && i < from->nr_incoming; i++)
		err = plan_account(plan, KTGT_CMD_ACCOUNT_DEL, from->name, &from->incoming[i]);
	for (i = 0; !err && !to && i < from->nr_outgoing; i++)
		err = plan_account(plan, KTGT_CMD_ACCOUNT_DEL, from->name, &from->outgoing[i]);
	for (i = 0; !err && i < from->nr_luns; i++) {
		l = to ? find_lun(to, from->luns[i].id) : NULL;
		if (!l || !lun_equal(l, &from->luns[i]))
			err = plan_lun(plan, cmds[1], from->name, &from->luns[i]);
	}
	for (i = 0; !err && i < from->nr_portals; i++) {
		if (!to || !find_portal(to, &from->portals[i]))
			err = plan_portal(plan, cmds[2], from->name, &from->portals[i]);
	}
	return err;
}

/*
 * One TARGET_SET with the login keys and CPU list of @want that differ
 * from @cur's (from a new target's defaults if @cur is NULL), if any. A key
 * @cur does not report (an older kernel) is left alone.
 */
static int plan_target_set(struct ktgt_plan *plan, const struct ktgt_conf_target *want,
			   const struct ktgt_conf_target *cur)
{
	const char *cur_cpus = cur && cur->cpus ? cur->cpus : "";
	const char *want_cpus = want->cpus ? want->cpus : "";
	struct ktgt_params set = { }, old = { };
	const struct ktgt_param_key *k;
	struct ktgt_plan_op *op;
	uint32_t was;
	size_t i;

	for (i = 0; i < ktgt_nr_param_keys; i++) {
		k = &ktgt_param_keys[i];
		if (k->session_only || !ktgt_params_has(&want->params, k->attr))
			continue;
		if (cur && !ktgt_params_has(&cur->params, k->attr))
			continue;
		was = cur ? cur->params.val[k->attr] : k->def;
		if (was == want->params.val[k->attr])
			continue;
		ktgt_params_set(&set, k->attr, want->params.val[k->attr]);
		ktgt_params_set(&old, k->attr, was);
	}
	if (!set.present && !strcmp(cur_cpus, want_cpus))
		return 0;
	op = plan_add(plan, KTGT_CMD_TARGET_SET, want->name);
	if (!op)
		return -ENOMEM;
	op->params = set;
	op->old_params = old;
	if (strcmp(cur_cpus, want_cpus)) {
		op->cpus = want_cpus;
		op->old_cpus = cur_cpus;
	}
	return 0;
}

static const uint8_t del_cmds[3] = { KTGT_CMD_ACL_DEL, KTGT_CMD_LUN_DEL, KTGT_CMD_PORTAL_DEL };

/*
 * LUNs, then accounts, before ACLs, portals last: a new target is reachable
 * once complete, and an initiator it admits needs CHAP if the file says so.
 */
static int plan_additions(struct ktgt_plan *plan, const struct ktgt_conf_target *from,
			  const struct ktgt_conf_target *to)
{
	const struct ktgt_conf_lun *l;
	size_t i;
	int err;

	/* what logins offer is set before any initiator may log in */
	err = plan_target_set(plan, from, to);
	for (i = 0; !err && i < from->nr_luns; i++) {
		l = to ? find_lun(to, from->luns[i].id) : NULL;
		if (!l || !lun_equal(l, &from->luns[i]))
			err = plan_lun(plan, KTGT_CMD_LUN_ADD, from->name, &from->luns[i]);
	}
	if (!err)
		err = plan_accounts(plan, from, to);
	for (i = 0; !err && i < from->nr_acls; i++) {
		if (!to || !find_item(to->acls, to->nr_acls, from->acls[i].value))
			err = plan_acl(plan, KTGT_CMD_ACL_ADD, from->name, from->acls[i].value);
	}
	for (i = 0; !err && i < from->nr_addresses; i++) {
		if (!to || !find_item(to->addresses, to->nr_addresses, from->addresses[i].value))
			err = plan_address(plan, KTGT_CMD_ACL_ADD, from->name,
					   from->addresses[i].value);
	}
	for (i = 0; !err && i < from->nr_portals; i++) {
		if (!to || !find_portal(to, &from->portals[i]))
			err = plan_portal(plan, KTGT_CMD_PORTAL_ADD, from->name,
					  &from->portals[i]);
	}
	return err;
}

/**
 * ktgt_plan_diff() - the requests that turn the running state into the wanted one
 * @plan: the result, to be freed with ktgt_plan_free()
 * @cur: the running state
 * @want: the wanted state
 *
 * Everything to delete comes first (so that a path or portal can move),
 * then everything to add, except for the CHAP accounts of a target that
 * stays (see plan_accounts()). Targets only in @cur are deleted, piece by
 * piece so that each step can be undone.
 *
 * Return: 0 or -ENOMEM.
 */
int ktgt_plan_diff(struct ktgt_plan *plan, const struct ktgt_conf *cur,
		   const struct ktgt_conf *want)
{
	const struct ktgt_conf_target *c, *w;
	size_t i;
	int err = 0;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; !err && i < cur->nr_targets; i++) {
		c = &cur->targets[i];
		w = ktgt_conf_find(want, c->name);
		err = plan_missing(plan, c, w, del_cmds);
		if (!err && !w && !plan_add(plan, KTGT_CMD_TARGET_DEL, c->name))
			err = -ENOMEM;
	}
	for (i = 0; !err && i < want->nr_targets; i++) {
		w = &want->targets[i];
		c = ktgt_conf_find(cur, w->name);
		if (!c && !plan_add(plan, KTGT_CMD_TARGET_ADD, w->name))
			err = -ENOMEM;
		if (!err)
			err = plan_additions(plan, w, c);
	}
	/* last: what discovery lists is there by then */
	if (!err)
		err = plan_accounts(plan, &want->discovery, &cur->discovery);
	if (err)
		ktgt_plan_free(plan);
	return err;
}

void ktgt_plan_free(struct ktgt_plan *plan)
{
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}

static const uint8_t undo_cmds[][2] = {
	{ KTGT_CMD_TARGET_ADD, KTGT_CMD_TARGET_DEL },
	{ KTGT_CMD_PORTAL_ADD, KTGT_CMD_PORTAL_DEL },
	{ KTGT_CMD_LUN_ADD, KTGT_CMD_LUN_DEL },
	{ KTGT_CMD_ACL_ADD, KTGT_CMD_ACL_DEL },
	{ KTGT_CMD_ACCOUNT_ADD, KTGT_CMD_ACCOUNT_DEL },
};

/**
 * ktgt_plan_undo() - the step that undoes another
 * @op: the step
 *
 * Return: @op with its add and del swapped. A LUN_DEL's LUN (an
 * ACCOUNT_DEL's account) is the one deleted, so its undo adds it back as
 * it was.
 */
struct ktgt_plan_op ktgt_plan_undo(const struct ktgt_plan_op *op)
{
	struct ktgt_plan_op undo = *op;
	size_t i;

	if (op->replaced) {
		/* a replacement is undone by replacing back */
		undo.account = op->replaced;
		undo.replaced = op->account;
		return undo;
	}
	if (op->cmd == KTGT_CMD_TARGET_SET) {
		/* set back what was there */
		undo.params = op->old_params;
		undo.old_params = op->params;
		undo.cpus = op->old_cpus;
		undo.old_cpus = op->cpus;
		return undo;
	}
	for (i = 0; i < ARRAY_SIZE(undo_cmds); i++) {
		if (op->cmd == undo_cmds[i][0])
			undo.cmd = undo_cmds[i][1];
		else if (op->cmd == undo_cmds[i][1])
			undo.cmd = undo_cmds[i][0];
	}
	return undo;
}

static void format_lun(const struct ktgt_plan_op *op, bool add, char *buf, size_t len)
{
	const struct ktgt_conf_lun *l = op->lun;
	char size[32];
	size_t n;
	int i;

	if (!add) {
		snprintf(buf, len, "lun del %s %" PRIu64, op->target, l->id);
		return;
	}
	if (l->store == KTGT_STORE_NULL)
		format_size(l->size, size, sizeof(size));
	n = snprintf(buf, len, "lun add %s %" PRIu64 " %s%s%s%s%s", op->target, l->id,
		     l->store == KTGT_STORE_NULL ? KTGT_NULL_STORE " " : "",
		     l->store == KTGT_STORE_NULL ? size : l->path,
		     l->opts.readonly > 0 ? " readonly on" : "",
		     l->opts.write_cache ? "" : " write-cache off",
		     l->opts.direct > 0 ? " direct on" : "");
	for (i = 0; i < KTGT_IDENT_NR && n < len; i++) {
		if (l->opts.ident[i])
			n += snprintf(buf + n, len - n, " %s \"%s\"", idents[i].name,
				      l->opts.ident[i]);
	}
}

/* "target set IQN KEY VALUE... cpus LIST|none", as ktgtctl takes it */
static void format_target_set(const struct ktgt_plan_op *op, char *buf, size_t len)
{
	const struct ktgt_param_key *k;
	char val[32];
	size_t i, n;

	n = snprintf(buf, len, "target set %s", op->target);
	for (i = 0; i < ktgt_nr_param_keys && n < len; i++) {
		k = &ktgt_param_keys[i];
		if (!ktgt_params_has(&op->params, k->attr))
			continue;
		ktgt_param_format(k, op->params.val[k->attr], val, sizeof(val));
		n += snprintf(buf + n, len - n, " %s %s", k->name, val);
	}
	if (op->cpus && n < len)
		snprintf(buf + n, len - n, " cpus %s", *op->cpus ? op->cpus : "none");
}

/**
 * ktgt_plan_format() - describe a step as the ktgtctl command that does it
 * @op: the step; a CHAP secret is written as "<secret>"
 * @buf: the output
 * @len: the size of @buf
 */
void ktgt_plan_format(const struct ktgt_plan_op *op, char *buf, size_t len)
{
	char addr[KTGT_ADDR_STRLEN];

	switch (op->cmd) {
	case KTGT_CMD_TARGET_ADD:
	case KTGT_CMD_TARGET_DEL:
		snprintf(buf, len, "target %s %s", op->cmd == KTGT_CMD_TARGET_ADD ? "add" : "del",
			 op->target);
		break;
	case KTGT_CMD_PORTAL_ADD:
	case KTGT_CMD_PORTAL_DEL:
		ktgt_format_addr(&op->portal, true, addr, sizeof(addr));
		snprintf(buf, len, "portal %s %s %s",
			 op->cmd == KTGT_CMD_PORTAL_ADD ? "add" : "del", op->target, addr);
		break;
	case KTGT_CMD_LUN_ADD:
	case KTGT_CMD_LUN_DEL:
		format_lun(op, op->cmd == KTGT_CMD_LUN_ADD, buf, len);
		break;
	case KTGT_CMD_ACL_ADD:
	case KTGT_CMD_ACL_DEL:
		snprintf(buf, len, "acl %s %s %s%s", op->cmd == KTGT_CMD_ACL_ADD ? "add" : "del",
			 op->target, op->address ? "--address " : "",
			 op->address ? op->address : op->initiator);
		break;
	case KTGT_CMD_ACCOUNT_ADD:
	case KTGT_CMD_ACCOUNT_DEL:
		/* the secret stays out of plans and error messages */
		snprintf(buf, len, "account %s %s %s%s%s%s",
			 op->cmd == KTGT_CMD_ACCOUNT_ADD ? "add" : "del",
			 op->target ? op->target : "discovery",
			 op->account->name, op->cmd == KTGT_CMD_ACCOUNT_ADD ? " <secret>" : "",
			 op->account->outgoing ? " outgoing" : "",
			 op->replaced ? " (replacing the account in place)" : "");
		break;
	case KTGT_CMD_TARGET_SET:
		format_target_set(op, buf, len);
		break;
	default:
		snprintf(buf, len, "command %u %s", op->cmd, op->target);
	}
}

/**
 * ktgt_plan_print() - print a plan, one ktgtctl command per line
 * @f: the output
 * @plan: the plan; an empty plan prints nothing
 */
void ktgt_plan_print(FILE *f, const struct ktgt_plan *plan)
{
	char buf[KTGT_PATH_MAX + 512];
	size_t i;

	for (i = 0; i < plan->nr_ops; i++) {
		ktgt_plan_format(&plan->ops[i], buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
}

/**
 * ktgt_plan_apply() - do every step of a plan, or none
 * @plan: the plan
 * @fn: does one step (and reports its failure); called with @undo set for
 *      the steps that undo those already done, after one failed
 * @arg: passed to @fn
 *
 * Return: 0, or what the step that failed returned, once the steps before
 * it are undone, last first. An undo that fails does not stop the others.
 */
int ktgt_plan_apply(const struct ktgt_plan *plan, ktgt_plan_fn fn, void *arg)
{
	struct ktgt_plan_op undo;
	size_t i, done;
	int err = 0;

	for (done = 0; done < plan->nr_ops; done++) {
		err = fn(&plan->ops[done], false, arg);
		if (err)
			break;
	}
	if (!err)
		return 0;
	for (i = done; i-- > 0;) {
		undo = ktgt_plan_undo(&plan->ops[i]);
		fn(&undo, true, arg);
	}
	return err;
}
