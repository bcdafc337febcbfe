// SPDX-License-Identifier: GPL-2.0
/*
 * Targets, LUNs, ACLs and portal bindings: the configuration model.
 * Everything here runs under ktgt_cfg_mutex unless said otherwise.
 */
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <linux/jhash.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "ktgt.h"

LIST_HEAD(ktgt_targets);
LIST_HEAD(ktgt_discovery_accounts);
static u32 ktgt_next_tid = 1;

/**
 * ktgt_target_find() - look a target up by name
 * @name: IQN
 *
 * Context: ktgt_cfg_mutex held.
 * Return: the target, or NULL. No reference is taken.
 */
struct ktgt_target *ktgt_target_find(const char *name)
{
	struct ktgt_target *t;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(t, &ktgt_targets, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void ktgt_target_release(struct kref *ref)
{
	struct ktgt_target *t = container_of(ref, struct ktgt_target, ref);

	xa_destroy(&t->luns);
	free_cpumask_var(t->cpus);
	kfree(t);
}

/**
 * ktgt_target_put() - drop a target reference
 * @t: the target
 */
void ktgt_target_put(struct ktgt_target *t)
{
	kref_put(&t->ref, ktgt_target_release);
}

/**
 * ktgt_target_add() - create a target
 * @name: IQN, already validated by the netlink policy
 * @extack: for error messages
 *
 * Return: 0 or a negative errno.
 */
int ktgt_target_add(const char *name, struct netlink_ext_ack *extack)
{
	struct ktgt_target *t;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (ktgt_target_find(name)) {
		NL_SET_ERR_MSG_MOD(extack, "target already exists");
		return -EEXIST;
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	if (!zalloc_cpumask_var(&t->cpus, GFP_KERNEL)) {
		kfree(t);
		return -ENOMEM;
	}
	t->last_cpu = -1;
	kref_init(&t->ref);
	strscpy(t->name, name, sizeof(t->name));
	t->tid = ktgt_next_tid++;
	xa_init(&t->luns);
	INIT_LIST_HEAD(&t->portals);
	INIT_LIST_HEAD(&t->acls);
	INIT_LIST_HEAD(&t->accounts);
	INIT_LIST_HEAD(&t->sessions);
	spin_lock_init(&t->sess_lock);
	init_waitqueue_head(&t->sess_wq);
	ktgt_params_target_defaults(&t->params);
	list_add_tail(&t->node, &ktgt_targets);
	pr_info("target %u %s added\n", t->tid, t->name);
	return 0;
}

/**
 * ktgt_target_next_cpu() - the CPU for a target's next connection
 * @t: the target
 *
 * A target without a CPU set still gives each connection one CPU, the
 * next online one across all targets. Work that follows the CPU of
 * whatever callback queued it moves between CPUs and costs about a fifth
 * of the 4k read IOPS of a session; following the CPU that last received
 * a segment (sk_incoming_cpu, as nvmet-tcp does) cost 1M reads 20 to 40 %.
 *
 * Return: the next CPU of the target's set, or of all online CPUs when the
 * target has no set; round robin.
 */
int ktgt_target_next_cpu(struct ktgt_target *t)
{
	static atomic_t next_any = ATOMIC_INIT(0);

	lockdep_assert_held(&t->sess_lock);
	if (cpumask_empty(t->cpus))
		return cpumask_local_spread((unsigned int)atomic_inc_return(&next_any) %
					    num_online_cpus(), NUMA_NO_NODE);
	t->last_cpu = cpumask_next(t->last_cpu, t->cpus);
	if (t->last_cpu >= nr_cpu_ids)
		t->last_cpu = cpumask_first(t->cpus);
	return t->last_cpu;
}

/**
 * ktgt_target_set_cpus() - pin a target's connections to a CPU set
 * @t: the target
 * @list: CPU list ("0-3,6"), or "" for no pinning
 * @extack: for error messages
 *
 * Sessions are spread over the set, one CPU each; those already logged in
 * move at once.
 *
 * Return: 0, -EINVAL for a bad list or an offline CPU, or -ENOMEM.
 */
int ktgt_target_set_cpus(struct ktgt_target *t, const char *list, struct netlink_ext_ack *extack)
{
	struct ktgt_session *sess;
	cpumask_var_t mask;
	int ret = 0;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	ret = *list ? cpulist_parse(list, mask) : 0;
	if (ret) {
		if (ret == -ERANGE)
			NL_SET_ERR_MSG_MOD(extack, "CPU list names a CPU that does not exist");
		else
			NL_SET_ERR_MSG_MOD(extack, "bad CPU list");
		ret = -EINVAL;
		goto out_free_mask;
	}
	if (!cpumask_subset(mask, cpu_online_mask)) {
		NL_SET_ERR_MSG_MOD(extack, "CPU list names a CPU that is not online");
		ret = -EINVAL;
		goto out_free_mask;
	}

	spin_lock(&t->sess_lock);
	cpumask_copy(t->cpus, mask);
	t->last_cpu = -1;
	list_for_each_entry(sess, &t->sessions, node)
		WRITE_ONCE(sess->conn->cpu, ktgt_target_next_cpu(t));
	spin_unlock(&t->sess_lock);
out_free_mask:
	free_cpumask_var(mask);
	return ret;
}

static void ktgt_lun_release(struct kref *ref)
{
	struct ktgt_lun *lun = container_of(ref, struct ktgt_lun, ref);

	lun->ops->close(lun);
	if (lun->file)
		filp_close(lun->file, NULL);
	ktgt_pr_lun_free(lun);
	kfree(lun->path);
	free_percpu(lun->stats);
	kfree_rcu(lun, rcu);
}

/**
 * ktgt_lun_put() - drop a LUN reference
 * @lun: the LUN
 */
void ktgt_lun_put(struct ktgt_lun *lun)
{
	kref_put(&lun->ref, ktgt_lun_release);
}

/**
 * ktgt_lun_get() - find a LUN for the data path
 * @t: target
 * @id: LUN number
 *
 * Context: any; uses RCU.
 * Return: the LUN with a reference held, or NULL.
 */
struct ktgt_lun *ktgt_lun_get(struct ktgt_target *t, u64 id)
{
	struct ktgt_lun *lun;

	if (id > KTGT_MAX_LUN)
		return NULL;
	rcu_read_lock();
	lun = xa_load(&t->luns, id);
	if (lun && !kref_get_unless_zero(&lun->ref))
		lun = NULL;
	rcu_read_unlock();
	return lun;
}

/* open the backing store of a LUN and pick its backend */
static int lun_open_backend(struct ktgt_lun *lun, const struct ktgt_lun_conf *conf,
			    struct netlink_ext_ack *extack)
{
	umode_t mode;
	int ret;

	if (!conf->path) {
		lun->ops = &ktgt_null_ops;
		lun->null_size = conf->null_size;
		return 0;
	}
	lun->path = kstrdup(conf->path, GFP_KERNEL);
	if (!lun->path)
		return -ENOMEM;

	/* O_EXCL claims a block device; it is ignored for regular files */
	lun->file = filp_open(conf->path,
			      (conf->readonly ? O_RDONLY : O_RDWR) | O_LARGEFILE | O_EXCL |
			      (conf->direct ? O_DIRECT : 0), 0);
	if (IS_ERR(lun->file) && conf->direct && PTR_ERR(lun->file) == -EINVAL) {
		lun->file = NULL;
		NL_SET_ERR_MSG_MOD(extack, "the backing store's filesystem cannot do direct I/O");
		return -EINVAL;
	}
	if (IS_ERR(lun->file)) {
		ret = PTR_ERR(lun->file);
		lun->file = NULL;
		ktgt_extack_fmt(extack, "cannot open the backing store",
				"cannot open %s (error %d)", conf->path, ret);
		return ret;
	}

	mode = file_inode(lun->file)->i_mode;
	lun->direct = conf->direct;
	if (S_ISBLK(mode) && conf->direct) {
		NL_SET_ERR_MSG_MOD(extack, "direct is for files; a block device gets bios already");
		return -EINVAL;
	} else if (S_ISBLK(mode)) {
		lun->ops = &ktgt_bdev_ops;
	} else if (S_ISREG(mode)) {
		lun->ops = &ktgt_file_ops;
	} else {
		NL_SET_ERR_MSG_MOD(extack, "backing store is not a block device or regular file");
		return -EINVAL;
	}
	return 0;
}

/* the unit serial number and T10 vendor ID designator, from the identity or derived */
static void lun_names_update(struct ktgt_lun *lun)
{
	struct ktgt_target *t = lun->target;

	if (lun->ident.serial[0])
		strscpy(lun->serial, lun->ident.serial, sizeof(lun->serial));
	else
		snprintf(lun->serial, sizeof(lun->serial), "KTGT%04x%04llx%08x", t->tid, lun->id,
			 jhash(t->name, strlen(t->name), (u32)lun->id));
	strscpy(lun->scsi_id, lun->ident.scsi_id[0] ? lun->ident.scsi_id : lun->serial,
		sizeof(lun->scsi_id));
}

/**
 * ktgt_lun_add() - map a block device, a file, or nothing (null) as a LUN
 * @t: target
 * @id: LUN number
 * @conf: backing store, flags and identity; the strings were checked by
 *	the netlink policy and ktgt_nl_lun()
 * @extack: for error messages
 *
 * Return: 0 or a negative errno.
 */
int ktgt_lun_add(struct ktgt_target *t, u64 id, const struct ktgt_lun_conf *conf,
		 struct netlink_ext_ack *extack)
{
	struct ktgt_lun *lun;
	u32 hash;
	int ret, cpu;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (id > KTGT_MAX_LUN) {
		NL_SET_ERR_MSG_MOD(extack, "LUN number out of range (0-16383)");
		return -ERANGE;
	}
	if (xa_load(&t->luns, id)) {
		NL_SET_ERR_MSG_MOD(extack, "LUN already exists");
		return -EEXIST;
	}

	lun = kzalloc(sizeof(*lun), GFP_KERNEL);
	if (!lun)
		return -ENOMEM;
	kref_init(&lun->ref);
	ktgt_lun_ranges_init(lun);
	lun->target = t;
	lun->id = id;
	lun->readonly = conf->readonly;
	lun->write_cache = conf->write_cache;
	lun->ident = conf->ident;
	spin_lock_init(&lun->ident_lock);
	ratelimit_state_init(&lun->err_rs, 5 * HZ, 10);
	ratelimit_set_flags(&lun->err_rs, RATELIMIT_MSG_ON_RELEASE);
	lun->stats = alloc_percpu(struct ktgt_io_stats);
	if (!lun->stats) {
		ret = -ENOMEM;
		goto out_free_lun;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(lun->stats, cpu)->syncp);

	ret = lun_open_backend(lun, conf, extack);
	if (ret)
		goto out_close_file;
	ret = lun->ops->open(lun);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "backing store cannot be used");
		goto out_close_file;
	}
	if (!lun->nr_blocks) {
		NL_SET_ERR_MSG_MOD(extack, "backing store is empty");
		ret = -EINVAL;
		goto out_close_backend;
	}

	hash = jhash(t->name, strlen(t->name), (u32)id);
	lun_names_update(lun);
	/* NAA 3: locally assigned, 60 bits of our own */
	put_unaligned_be64(0x3ull << 60 | (u64)(t->tid & 0xfff) << 48 | (id & 0xffff) << 32 | hash,
			   lun->naa);

	ret = ktgt_pr_lun_init(lun);
	if (ret)
		goto out_close_backend;
	ret = xa_insert(&t->luns, id, lun, GFP_KERNEL);
	if (ret)
		goto out_free_pr;
	ktgt_ua_luns_changed(t);
	pr_info("target %s: LUN %llu is %s (%s, %llu blocks of %u bytes)\n", t->name, id,
		lun->path ?: "null", lun->ops->name, lun->nr_blocks, 1u << lun->block_shift);
	ktgt_nl_notify_lun(KTGT_CMD_LUN_ADD, lun);
	return 0;

out_free_pr:
	ktgt_pr_lun_free(lun);
out_close_backend:
	lun->ops->close(lun);
out_close_file:
	if (lun->file)
		filp_close(lun->file, NULL);
	kfree(lun->path);
	free_percpu(lun->stats);
out_free_lun:
	kfree(lun);
	return ret;
}

static u32 target_nr_sessions(struct ktgt_target *t)
{
	struct ktgt_session *sess;
	u32 n = 0;

	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		n++;
	spin_unlock(&t->sess_lock);
	return n;
}

/*
 * Log every session of @t out (Async logout, then a drop) and wait until
 * their I/O is done, with logins refused meanwhile. The mutex is dropped
 * while waiting: connections take it to log in or answer SendTargets.
 */
static void target_drain(struct ktgt_target *t)
{
	lockdep_assert_held(&ktgt_cfg_mutex);
	spin_lock(&t->sess_lock);
	t->draining++;
	spin_unlock(&t->sess_lock);
	kref_get(&t->ref);
	mutex_unlock(&ktgt_cfg_mutex);

	ktgt_sessions_kill(t);

	mutex_lock(&ktgt_cfg_mutex);
	spin_lock(&t->sess_lock);
	t->draining--;
	spin_unlock(&t->sess_lock);
	ktgt_target_put(t);
}

/**
 * ktgt_lun_del() - unmap a LUN; commands in flight keep it alive
 * @t: target
 * @id: LUN number
 * @force: with sessions logged in, log them out and wait for their I/O
 * @extack: for error messages
 *
 * Return: 0, -ENOENT, or -EBUSY when the target has sessions and @force
 * is not set.
 */
int ktgt_lun_del(struct ktgt_target *t, u64 id, bool force, struct netlink_ext_ack *extack)
{
	struct ktgt_lun *lun;
	u32 busy;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (!xa_load(&t->luns, id)) {
		NL_SET_ERR_MSG_MOD(extack, "no such LUN");
		return -ENOENT;
	}
	busy = target_nr_sessions(t);
	if (busy && !force) {
		ktgt_extack_fmt(extack, "the target has sessions; force logs them out",
				"the target has %u session%s; force logs them out", busy,
				busy == 1 ? "" : "s");
		return -EBUSY;
	}
	/* gone for new commands first; the drain then waits for the others */
	lun = xa_erase(&t->luns, id);
	ktgt_ua_lun_gone(t, id);
	ktgt_ua_luns_changed(t);
	if (busy)
		target_drain(t);
	ktgt_nl_notify_lun(KTGT_CMD_LUN_DEL, lun);
	ktgt_lun_put(lun);
	return 0;
}

/**
 * ktgt_lun_capacity_changed() - the LUN's size changed under the initiators
 * @lun: the LUN, with its new nr_blocks
 *
 * Every I_T nexus gets a CAPACITY DATA HAS CHANGED unit attention; lun set
 * tells netlink listeners.
 *
 * Context: ktgt_cfg_mutex held.
 */
void ktgt_lun_capacity_changed(struct ktgt_lun *lun)
{
	lockdep_assert_held(&ktgt_cfg_mutex);
	pr_info("target %s: LUN %llu has now %llu blocks\n", lun->target->name, lun->id,
		READ_ONCE(lun->nr_blocks));
	ktgt_ua_capacity_changed(lun);
}

static int lun_resize(struct ktgt_lun *lun, struct netlink_ext_ack *extack)
{
	u64 bytes, nr;

	if (lun->bdev) {
		bytes = bdev_nr_bytes(lun->bdev);
	} else if (lun->file && S_ISREG(file_inode(lun->file)->i_mode)) {
		bytes = i_size_read(file_inode(lun->file));
	} else {
		NL_SET_ERR_MSG_MOD(extack, "this backing store has no size to read again");
		return -EOPNOTSUPP;
	}
	nr = bytes >> lun->block_shift;
	if (!nr) {
		NL_SET_ERR_MSG_MOD(extack, "backing store is empty now");
		return -EINVAL;
	}
	if (nr == lun->nr_blocks)
		return 0;
	WRITE_ONCE(lun->nr_blocks, nr);
	ktgt_lun_capacity_changed(lun);
	return 0;
}

/* take the strings @ident gives; Return: whether the INQUIRY data changed */
static bool lun_ident_set(struct ktgt_lun *lun, const struct ktgt_lun_ident *ident)
{
	struct ktgt_lun_ident old = lun->ident;
	bool changed;

	spin_lock(&lun->ident_lock);
	if (ident->vendor[0])
		strscpy(lun->ident.vendor, ident->vendor, sizeof(lun->ident.vendor));
	if (ident->product[0])
		strscpy(lun->ident.product, ident->product, sizeof(lun->ident.product));
	if (ident->revision[0])
		strscpy(lun->ident.revision, ident->revision, sizeof(lun->ident.revision));
	if (ident->serial[0])
		strscpy(lun->ident.serial, ident->serial, sizeof(lun->ident.serial));
	if (ident->scsi_id[0])
		strscpy(lun->ident.scsi_id, ident->scsi_id, sizeof(lun->ident.scsi_id));
	lun_names_update(lun);
	changed = memcmp(&old, &lun->ident, sizeof(old));
	spin_unlock(&lun->ident_lock);
	return changed;
}

/**
 * ktgt_lun_set() - change a LUN's flags or identity, or take its new size
 * @lun: the LUN
 * @readonly: 0 or 1, or -1 to leave it
 * @write_cache: 0 or 1, or -1 to leave it
 * @resize: read the backing store's size again
 * @ident: identity strings to change (the others stay), or NULL
 * @extack: for error messages
 *
 * Context: ktgt_cfg_mutex held.
 * Return: 0 or a negative errno.
 */
int ktgt_lun_set(struct ktgt_lun *lun, int readonly, int write_cache, bool resize,
		 const struct ktgt_lun_ident *ident, struct netlink_ext_ack *extack)
{
	int ret;

	lockdep_assert_held(&ktgt_cfg_mutex);
	/* the store was opened read-only: it cannot take writes now (a null LUN can) */
	if (readonly == 0 && lun->file && !(lun->file->f_mode & FMODE_WRITE)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the LUN was added read-only; delete it and add it writable");
		return -EPERM;
	}
	if (resize) {
		ret = lun_resize(lun, extack);
		if (ret)
			return ret;
	}
	if (readonly >= 0)
		WRITE_ONCE(lun->readonly, readonly);
	if (write_cache >= 0)
		WRITE_ONCE(lun->write_cache, write_cache);
	if (ident && lun_ident_set(lun, ident))
		ktgt_ua_lun_event(lun->target, lun->id, NULL, ASC_INQUIRY_DATA_CHANGED);
	ktgt_nl_notify_lun(KTGT_CMD_LUN_SET, lun);
	return 0;
}

static void stats_add(struct ktgt_io_stats *s, u64 rd, u64 wr, bool err, u64 lat)
{
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->cmds);
	u64_stats_add(&s->read_bytes, rd);
	u64_stats_add(&s->write_bytes, wr);
	u64_stats_add(&s->errors, err);
	u64_stats_add(&s->latency_ns, lat);
	u64_stats_update_end(&s->syncp);
}

/**
 * ktgt_stats_cmd_done() - count an answered command in its session and LUN
 * @cmd: the command, its status decided
 *
 * Context: io_work of the command's connection, the only writer of the
 * session's counters.
 */
void ktgt_stats_cmd_done(struct ktgt_cmd *cmd)
{
	u64 lat = ktime_get_ns() - cmd->start_ns, rd = 0, wr = 0;
	bool err = cmd->status != SAM_GOOD;
	struct ktgt_io_stats *s;

	if (!err && cmd->cdb.op == KTGT_OP_READ)
		rd = cmd->data_len;
	else if (!err && cmd->cdb.op == KTGT_OP_WRITE)
		wr = cmd->data_len;
	stats_add(&cmd->conn->sess->stats, rd, wr, err, lat);
	if (!cmd->lun)
		return;
	s = get_cpu_ptr(cmd->lun->stats);
	stats_add(s, rd, wr, err, lat);
	put_cpu_ptr(cmd->lun->stats);
}

static void stats_sum(const struct ktgt_io_stats *s, struct ktgt_io_totals *out)
{
	struct ktgt_io_totals v;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		v.cmds = u64_stats_read(&s->cmds);
		v.read_bytes = u64_stats_read(&s->read_bytes);
		v.write_bytes = u64_stats_read(&s->write_bytes);
		v.errors = u64_stats_read(&s->errors);
		v.latency_ns = u64_stats_read(&s->latency_ns);
	} while (u64_stats_fetch_retry(&s->syncp, start));
	out->cmds += v.cmds;
	out->read_bytes += v.read_bytes;
	out->write_bytes += v.write_bytes;
	out->errors += v.errors;
	out->latency_ns += v.latency_ns;
}

/**
 * ktgt_stats_read() - read a session's counters
 * @s: the counters
 * @out: their values
 */
void ktgt_stats_read(const struct ktgt_io_stats *s, struct ktgt_io_totals *out)
{
	memset(out, 0, sizeof(*out));
	stats_sum(s, out);
}

/**
 * ktgt_lun_stats_read() - add up a LUN's per-CPU counters
 * @lun: the LUN
 * @out: their totals
 */
void ktgt_lun_stats_read(struct ktgt_lun *lun, struct ktgt_io_totals *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu)
		stats_sum(per_cpu_ptr(lun->stats, cpu), out);
}

static bool acl_equal(const struct ktgt_acl *a, const struct ktgt_acl *b)
{
	if (a->family != b->family)
		return false;
	if (!a->family)
		return !strcmp(a->name, b->name);
	return a->prefix_len == b->prefix_len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static struct ktgt_acl *acl_find(struct ktgt_target *t, const struct ktgt_acl *entry)
{
	struct ktgt_acl *acl;

	list_for_each_entry(acl, &t->acls, node)
		if (acl_equal(acl, entry))
			return acl;
	return NULL;
}

/**
 * ktgt_acl_add() - allow an initiator name, an address range, or "ALL"
 * @t: target
 * @entry: the entry, checked by the caller (address bits past the prefix zero)
 *
 * Return: 0, -EEXIST or -ENOMEM.
 */
int ktgt_acl_add(struct ktgt_target *t, const struct ktgt_acl *entry)
{
	struct ktgt_acl *acl;

	lockdep_assert_held(&ktgt_cfg_mutex);
	if (acl_find(t, entry))
		return -EEXIST;
	acl = kmemdup(entry, sizeof(*acl), GFP_KERNEL);
	if (!acl)
		return -ENOMEM;
	list_add_tail(&acl->node, &t->acls);
	return 0;
}

/**
 * ktgt_acl_del() - remove an ACL entry
 * @t: target
 * @entry: an entry equal to the one to remove
 *
 * Return: 0 or -ENOENT.
 */
int ktgt_acl_del(struct ktgt_target *t, const struct ktgt_acl *entry)
{
	struct ktgt_acl *acl;

	lockdep_assert_held(&ktgt_cfg_mutex);
	acl = acl_find(t, entry);
	if (!acl)
		return -ENOENT;
	list_del(&acl->node);
	kfree(acl);
	return 0;
}

/* the peer's address, an IPv4-mapped IPv6 one as IPv4 */
static int peer_addr(const struct sockaddr_storage *peer, const u8 **addr)
{
	const struct sockaddr_in6 *sin6 = (const void *)peer;

	if (peer->ss_family == AF_INET) {
		*addr = (const u8 *)&((const struct sockaddr_in *)peer)->sin_addr;
		return AF_INET;
	}
	if (peer->ss_family != AF_INET6)
		return 0;
	if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
		*addr = (const u8 *)&sin6->sin6_addr.s6_addr32[3];
		return AF_INET;
	}
	*addr = sin6->sin6_addr.s6_addr;
	return AF_INET6;
}

static bool acl_addr_match(const struct ktgt_acl *acl, int family, const u8 *addr)
{
	u32 full = acl->prefix_len / 8, rest = acl->prefix_len % 8;

	if (acl->family != family)
		return false;
	if (memcmp(acl->addr, addr, full))
		return false;
	return !rest || !((acl->addr[full] ^ addr[full]) & (0xff << (8 - rest)));
}

/**
 * ktgt_acl_allows() - may this initiator log in to the target?
 * @t: target
 * @initiator: initiator name
 * @peer: the address the initiator connects from
 *
 * As tgt does: with initiator-name entries the name must match one, with
 * address entries the address must fall in one; "ALL" matches everyone.
 * A target without entries takes no logins.
 *
 * Context: ktgt_cfg_mutex held.
 * Return: true when allowed.
 */
bool ktgt_acl_allows(struct ktgt_target *t, const char *initiator,
		     const struct sockaddr_storage *peer)
{
	bool names = false, name_ok = false, addrs = false, addr_ok = false, all = false;
	struct ktgt_acl *acl;
	const u8 *addr = NULL;
	int family;

	lockdep_assert_held(&ktgt_cfg_mutex);
	family = peer_addr(peer, &addr);
	list_for_each_entry(acl, &t->acls, node) {
		if (acl->family) {
			addrs = true;
			addr_ok |= addr && acl_addr_match(acl, family, addr);
		} else if (!strcmp(acl->name, "ALL")) {
			all = true;
		} else {
			names = true;
			name_ok |= !strcasecmp(acl->name, initiator);
		}
	}
	if (!names && !addrs)
		return all;
	return (!names || name_ok) && (!addrs || addr_ok || all);
}

static struct ktgt_account *account_find(struct list_head *accounts, const char *user,
					 bool outgoing)
{
	struct ktgt_account *a;

	list_for_each_entry(a, accounts, node)
		if (a->outgoing == outgoing && (outgoing || !strcmp(a->user, user)))
			return a;
	return NULL;
}

/**
 * ktgt_account_add() - add a CHAP account to a target, or for discovery
 * @accounts: the target's accounts, or ktgt_discovery_accounts
 * @user: CHAP name
 * @secret: CHAP secret
 * @len: its length, checked by the netlink policy
 * @outgoing: the target's own account (at most one), else an initiator's
 * @replace: an existing account takes the new name and secret, in place,
 *	so that logins never find it missing (NLM_F_REPLACE)
 * @extack: for error messages
 *
 * Return: 0, -EEXIST or -ENOMEM.
 */
int ktgt_account_add(struct list_head *accounts, const char *user, const u8 *secret, u32 len,
		     bool outgoing, bool replace, struct netlink_ext_ack *extack)
{
	struct ktgt_account *a;

	lockdep_assert_held(&ktgt_cfg_mutex);
	a = account_find(accounts, user, outgoing);
	if (a && replace) {
		/* logins copy accounts under the mutex: no one sees it half done */
		strscpy(a->user, user, sizeof(a->user));
		memzero_explicit(a->secret, sizeof(a->secret));
		memcpy(a->secret, secret, len);
		a->secret_len = len;
		return 0;
	}
	if (a) {
		if (outgoing)
			NL_SET_ERR_MSG_MOD(extack, "there is an outgoing account already");
		else
			NL_SET_ERR_MSG_MOD(extack, "account exists");
		return -EEXIST;
	}
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	a->outgoing = outgoing;
	strscpy(a->user, user, sizeof(a->user));
	memcpy(a->secret, secret, len);
	a->secret_len = len;
	list_add_tail(&a->node, accounts);
	return 0;
}

static void account_free(struct ktgt_account *a)
{
	list_del(&a->node);
	kfree_sensitive(a);
}

/**
 * ktgt_account_del() - remove a CHAP account
 * @accounts: the target's accounts, or ktgt_discovery_accounts
 * @user: CHAP name (ignored for the outgoing account)
 * @outgoing: which kind
 *
 * Return: 0 or -ENOENT.
 */
int ktgt_account_del(struct list_head *accounts, const char *user, bool outgoing)
{
	struct ktgt_account *a;

	lockdep_assert_held(&ktgt_cfg_mutex);
	a = account_find(accounts, user, outgoing);
	if (!a)
		return -ENOENT;
	account_free(a);
	return 0;
}

/**
 * ktgt_accounts_free() - remove every account of a list
 * @accounts: the list
 */
void ktgt_accounts_free(struct list_head *accounts)
{
	struct ktgt_account *acct;

	while ((acct = list_first_entry_or_null(accounts, struct ktgt_account, node)))
		account_free(acct);
}

/**
 * ktgt_target_portal_add() - let the target accept logins on a portal
 * @t: target
 * @ss: IP address and port
 * @extack: for error messages
 *
 * Return: 0 or a negative errno.
 */
int ktgt_target_portal_add(struct ktgt_target *t, const struct sockaddr_storage *ss,
			   struct netlink_ext_ack *extack)
{
	struct ktgt_target_portal *tp;
	struct ktgt_portal *p;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(tp, &t->portals, node) {
		if (ktgt_sockaddr_equal(&tp->portal->addr, ss)) {
			NL_SET_ERR_MSG_MOD(extack, "portal already bound to this target");
			return -EEXIST;
		}
	}
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	p = ktgt_portal_bind(ss, extack);
	if (IS_ERR(p)) {
		kfree(tp);
		return PTR_ERR(p);
	}
	tp->portal = p;
	list_add_tail(&tp->node, &t->portals);
	return 0;
}

static void target_portal_unbind(struct ktgt_target_portal *tp)
{
	list_del(&tp->node);
	ktgt_portal_unbind(tp->portal);
	kfree(tp);
}

/**
 * ktgt_target_portal_del() - stop accepting logins for the target on a portal
 * @t: target
 * @ss: IP address and port
 *
 * Return: 0 or -ENOENT.
 */
int ktgt_target_portal_del(struct ktgt_target *t, const struct sockaddr_storage *ss)
{
	struct ktgt_target_portal *tp;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(tp, &t->portals, node) {
		if (ktgt_sockaddr_equal(&tp->portal->addr, ss)) {
			target_portal_unbind(tp);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * ktgt_target_has_portal() - is the target reachable through this portal?
 * @t: target
 * @p: portal a connection arrived on
 *
 * Context: ktgt_cfg_mutex held.
 * Return: true when bound.
 */
bool ktgt_target_has_portal(struct ktgt_target *t, struct ktgt_portal *p)
{
	struct ktgt_target_portal *tp;

	lockdep_assert_held(&ktgt_cfg_mutex);
	list_for_each_entry(tp, &t->portals, node)
		if (tp->portal == p)
			return true;
	return false;
}

/**
 * ktgt_target_del() - remove a target, ending its sessions
 * @t: target, found under ktgt_cfg_mutex
 * @force: end the sessions it has; without it, a target with sessions stays
 * @extack: for error messages
 *
 * Unlinks the target so that no new login finds it, then drops the mutex
 * while sessions end: their connections' work takes the mutex to log in.
 *
 * Context: ktgt_cfg_mutex held on entry and on return.
 * Return: 0, or -EBUSY when it has sessions and @force is not set.
 */
int ktgt_target_del(struct ktgt_target *t, bool force, struct netlink_ext_ack *extack)
{
	struct ktgt_target_portal *tp, *tmp_tp;
	struct ktgt_acl *acl, *tmp_acl;
	struct ktgt_session *sess;
	struct ktgt_lun *lun;
	unsigned long id;
	u32 busy = 0;

	lockdep_assert_held(&ktgt_cfg_mutex);
	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		busy++;
	if (busy && !force) {
		spin_unlock(&t->sess_lock);
		ktgt_extack_fmt(extack, "the target has sessions; force logs them out",
				"the target has %u session%s; force logs them out", busy,
				busy == 1 ? "" : "s");
		return -EBUSY;
	}
	t->removed = true;
	spin_unlock(&t->sess_lock);
	list_del(&t->node);
	kref_get(&t->ref);
	mutex_unlock(&ktgt_cfg_mutex);

	ktgt_sessions_kill(t);

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry_safe(tp, tmp_tp, &t->portals, node)
		target_portal_unbind(tp);
	list_for_each_entry_safe(acl, tmp_acl, &t->acls, node) {
		list_del(&acl->node);
		kfree(acl);
	}
	ktgt_accounts_free(&t->accounts);
	xa_for_each(&t->luns, id, lun) {
		xa_erase(&t->luns, id);
		ktgt_lun_put(lun);
	}
	pr_info("target %u %s removed\n", t->tid, t->name);
	ktgt_target_put(t);	/* the lookup reference */
	ktgt_target_put(t);	/* the list's reference */
	return 0;
}

/**
 * ktgt_targets_destroy() - remove every target, at module exit
 */
void ktgt_targets_destroy(void)
{
	struct ktgt_target *t;

	mutex_lock(&ktgt_cfg_mutex);
	while ((t = list_first_entry_or_null(&ktgt_targets, struct ktgt_target, node)))
		ktgt_target_del(t, true, NULL);
	ktgt_accounts_free(&ktgt_discovery_accounts);
	mutex_unlock(&ktgt_cfg_mutex);
}
