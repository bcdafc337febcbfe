// SPDX-License-Identifier: GPL-2.0
/*
 * Reservations: SPC-2 RESERVE/RELEASE, and SPC-4 persistent reservations
 * (PERSISTENT RESERVE IN/OUT), per LUN.
 *
 * An SPC-2 reservation belongs to one session (an I_T nexus instance) and
 * goes with it: logout, connection loss, reinstatement, LUN reset and
 * target reset release it. A persistent registration belongs to an I_T
 * nexus by name (initiator name and ISID; we have one target port) and
 * outlives sessions. The conflict rules are in scsi_pr_rules.c; we report
 * CRH=1 and follow SPC-4 5.13.3 for RESERVE/RELEASE while persistent
 * reservations exist.
 *
 * APTPL: with APTPL set by the last register action, the state is written
 * to a file in the pr_dir module parameter's directory before the command
 * completes, and read back when the LUN is added again (after a module
 * reload). The file is written in full to a temporary name, synced, and
 * renamed over the old one, so a crash leaves either the old or the new
 * state (Documentation/design.rst).
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "ktgt.h"
#include "scsi_pr_rules.h"

static char *pr_dir = "/var/lib/ktgt/pr";
module_param(pr_dir, charp, 0444);
MODULE_PARM_DESC(pr_dir, "directory for persistent reservations kept across restarts (APTPL)");

#define KTGT_PR_MAX_REGS	64		/* registrations per LUN */
#define KTGT_PR_PARAM_MAX	1024		/* longest PR OUT parameter list */
#define KTGT_PR_FILE_MAX	32768		/* KTGT_PR_MAX_REGS lines and more */

struct ktgt_pr_reg {
	struct list_head node;		/* pr->regs, in registration order */
	u64 key;
	u64 isid;
	bool all_tg_pt;
	char initiator[KTGT_NAME_MAX + 1];
};

/* a LUN's reservations */
struct ktgt_pr {
	struct mutex lock;		/* protects all below */
	struct list_head regs;		/* struct ktgt_pr_reg */
	u32 nr_regs;
	u32 generation;
	/* the persistent reservation: NULL when none; any registrant for AR */
	struct ktgt_pr_reg *holder;
	u8 type;
	u8 scope;
	bool aptpl;
	struct ktgt_session *spc2;	/* SPC-2 reservation holder, or NULL */
	bool active;			/* holder or spc2: read without the lock */
};

static void pr_update_active(struct ktgt_pr *pr)
{
	lockdep_assert_held(&pr->lock);
	WRITE_ONCE(pr->active, pr->holder || pr->spc2);
}

static struct ktgt_pr_reg *reg_find(struct ktgt_pr *pr, const char *initiator, u64 isid)
{
	struct ktgt_pr_reg *reg;

	list_for_each_entry(reg, &pr->regs, node)
		if (reg->isid == isid && !strcmp(reg->initiator, initiator))
			return reg;
	return NULL;
}

static struct ktgt_pr_reg *reg_of(struct ktgt_pr *pr, struct ktgt_session *sess)
{
	lockdep_assert_held(&pr->lock);
	return reg_find(pr, sess->initiator, sess->isid);
}

static bool is_holder(struct ktgt_pr *pr, struct ktgt_pr_reg *reg)
{
	return reg && pr->holder && (reg == pr->holder || ktgt_pr_type_all_reg(pr->type));
}

static void conflict(struct ktgt_cmd *cmd)
{
	cmd->failed = true;
	cmd->status = SAM_RESERVATION_CONFLICT;
	cmd->sense_len = 0;
}

/**
 * ktgt_pr_check() - may this command run under the LUN's reservations?
 * @cmd: a command to a mapped LUN, decoded
 *
 * Context: io_work.
 * Return: true when @cmd was answered with RESERVATION CONFLICT.
 */
bool ktgt_pr_check(struct ktgt_cmd *cmd)
{
	struct ktgt_session *sess = cmd->conn->sess;
	struct ktgt_pr *pr = cmd->lun->pr;
	struct ktgt_pr_reg *reg;
	bool ok = true;

	if (!READ_ONCE(pr->active))
		return false;
	mutex_lock(&pr->lock);
	if (pr->spc2) {
		if (pr->spc2 != sess)
			ok = ktgt_spc2_allowed(&cmd->cdb);
	} else if (pr->holder) {
		reg = reg_of(pr, sess);
		ok = ktgt_pr_allowed(&cmd->cdb, pr->type, is_holder(pr, reg), reg);
	}
	mutex_unlock(&pr->lock);
	if (ok)
		return false;
	conflict(cmd);
	return true;
}

/* ---- SPC-2 RESERVE and RELEASE ---- */

static void spc2_reserve(struct ktgt_cmd *cmd, struct ktgt_pr *pr)
{
	struct ktgt_session *sess = cmd->conn->sess;
	struct ktgt_pr_reg *reg;

	mutex_lock(&pr->lock);
	reg = reg_of(pr, sess);
	if (pr->spc2 && pr->spc2 != sess) {
		conflict(cmd);
	} else if (pr->holder) {
		/* SPC-4 5.13.3: GOOD and no change for a holder or a registrant with access */
		if (!is_holder(pr, reg) && !(reg && ktgt_pr_type_reg_only(pr->type)))
			conflict(cmd);
	} else {
		pr->spc2 = sess;
		pr_update_active(pr);
	}
	mutex_unlock(&pr->lock);
}

static void spc2_release(struct ktgt_cmd *cmd, struct ktgt_pr *pr)
{
	struct ktgt_session *sess = cmd->conn->sess;
	struct ktgt_pr_reg *reg;

	mutex_lock(&pr->lock);
	reg = reg_of(pr, sess);
	if (pr->spc2 == sess) {
		pr->spc2 = NULL;
		pr_update_active(pr);
	} else if (!pr->spc2 && pr->holder && !is_holder(pr, reg) &&
		   !(reg && ktgt_pr_type_reg_only(pr->type))) {
		conflict(cmd);
	}
	/* otherwise GOOD, and another nexus's reservation stays (SPC-2 7.17) */
	mutex_unlock(&pr->lock);
}

static void spc2_release_if(struct ktgt_lun *lun, struct ktgt_session *sess)
{
	struct ktgt_pr *pr = lun->pr;

	mutex_lock(&pr->lock);
	if (pr->spc2 && (!sess || pr->spc2 == sess)) {
		pr->spc2 = NULL;
		pr_update_active(pr);
	}
	mutex_unlock(&pr->lock);
}

/**
 * ktgt_pr_lun_reset() - a LOGICAL UNIT RESET releases the SPC-2 reservation
 * @lun: LUN
 */
void ktgt_pr_lun_reset(struct ktgt_lun *lun)
{
	spc2_release_if(lun, NULL);
}

static void spc2_release_all(struct ktgt_target *t, struct ktgt_session *sess)
{
	struct ktgt_lun *lun;
	unsigned long id;
	void *entry;

	xa_for_each(&t->luns, id, entry) {
		lun = ktgt_lun_get(t, id);
		if (!lun)
			continue;
		spc2_release_if(lun, sess);
		ktgt_lun_put(lun);
	}
}

/**
 * ktgt_pr_target_reset() - a target reset releases every SPC-2 reservation
 * @t: target
 */
void ktgt_pr_target_reset(struct ktgt_target *t)
{
	spc2_release_all(t, NULL);
}

/**
 * ktgt_pr_session_gone() - an I_T nexus is lost: release its SPC-2 reservations
 * @sess: the closing session, off its target's list
 */
void ktgt_pr_session_gone(struct ktgt_session *sess)
{
	if (sess->target)
		spc2_release_all(sess->target, sess);
}

/* ---- PERSISTENT RESERVE IN ---- */

static u32 pr_in_read_keys(struct ktgt_pr *pr, u8 *b, u32 size)
{
	struct ktgt_pr_reg *reg;
	u32 off = 8;

	list_for_each_entry(reg, &pr->regs, node) {
		if (off + 8 <= size)
			put_unaligned_be64(reg->key, b + off);
		off += 8;
	}
	put_unaligned_be32(pr->generation, b);
	put_unaligned_be32(off - 8, b + 4);
	return min(off, size);
}

static u32 pr_in_read_reservation(struct ktgt_pr *pr, u8 *b)
{
	put_unaligned_be32(pr->generation, b);
	if (!pr->holder)
		return 8;
	put_unaligned_be32(16, b + 4);
	/* all registrants types report key 0 (SPC-4 6.15.3.3) */
	if (!ktgt_pr_type_all_reg(pr->type))
		put_unaligned_be64(pr->holder->key, b + 8);
	b[21] = pr->scope << 4 | pr->type;
	return 24;
}

static u32 pr_in_report_capabilities(struct ktgt_pr *pr, u8 *b)
{
	put_unaligned_be16(8, b);
	/* CRH, ATP_C (our one target port), PTPL_C; no SIP_C */
	b[2] = 0x10 | 0x04 | 0x01;
	b[3] = 0x80 | (pr->aptpl ? 0x01 : 0);	/* TMV, PTPL_A */
	b[4] = 0x80 | 0x40 | 0x20 | 0x08 | 0x02;	/* WE_AR, EA_RO, WE_RO, EA, WE */
	b[5] = 0x01;				/* EA_AR */
	return 8;
}

static u32 pr_in_read_full_status(struct ktgt_pr *pr, u8 *b, u32 size)
{
	struct ktgt_pr_reg *reg;
	u8 d[24 + 4 + KTGT_NAME_MAX + 24];
	u32 off = 8, n;

	list_for_each_entry(reg, &pr->regs, node) {
		memset(d, 0, sizeof(d));
		put_unaligned_be64(reg->key, d);
		if (reg->all_tg_pt)
			d[12] |= 0x02;
		if (is_holder(pr, reg)) {
			d[12] |= 0x01;
			d[13] = pr->scope << 4 | pr->type;
		}
		put_unaligned_be16(1, d + 18);	/* relative target port */
		n = ktgt_pr_tid_fill(d + 24, reg->initiator, reg->isid);
		put_unaligned_be32(n, d + 20);
		n += 24;
		if (off + n <= size)
			memcpy(b + off, d, n);
		off += n;
	}
	put_unaligned_be32(pr->generation, b);
	put_unaligned_be32(off - 8, b + 4);
	return min(off, size);
}

static void pr_in(struct ktgt_cmd *cmd, struct ktgt_pr *pr, u8 *b, u32 size, u32 *len)
{
	mutex_lock(&pr->lock);
	switch (cmd->cdb.sa) {
	case PR_IN_READ_KEYS:
		*len = pr_in_read_keys(pr, b, size);
		break;
	case PR_IN_READ_RESERVATION:
		*len = pr_in_read_reservation(pr, b);
		break;
	case PR_IN_REPORT_CAPABILITIES:
		*len = pr_in_report_capabilities(pr, b);
		break;
	case PR_IN_READ_FULL_STATUS:
		*len = pr_in_read_full_status(pr, b, size);
		break;
	}
	mutex_unlock(&pr->lock);
}

/* ---- APTPL state file ---- */

/* "<target>-<lun>", with any '/' of the name replaced */
static char *pr_file_name(struct ktgt_lun *lun, const char *suffix)
{
	char *name = kasprintf(GFP_KERNEL, "%s-%llu%s", lun->target->name, lun->id, suffix);
	char *p;

	for (p = name; p && *p; p++)
		if (*p == '/')
			*p = '_';
	return name;
}

static int pr_serialize(struct ktgt_pr *pr, char *buf, u32 size)
{
	struct ktgt_pr_reg *reg;
	int holder = -1, i = 0;
	u32 n;

	list_for_each_entry(reg, &pr->regs, node) {
		if (reg == pr->holder)
			holder = i;
		i++;
	}
	n = scnprintf(buf, size, "ktgt-pr 1\naptpl %u\ngeneration %u\nreservation %u %u %d\n",
		      pr->aptpl, pr->generation, pr->type, pr->scope, holder);
	list_for_each_entry(reg, &pr->regs, node)
		n += scnprintf(buf + n, size - n, "reg %llx %llx %u %s\n", reg->key, reg->isid,
			       reg->all_tg_pt, reg->initiator);
	return n;
}

static int pr_write_file(const char *path, const char *buf, u32 len)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	int ret;

	f = filp_open(path, O_WRONLY | O_CREAT | O_TRUNC | O_LARGEFILE | O_NOFOLLOW, 0600);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, buf, len, &pos);
	ret = n < 0 ? n : n != len ? -EIO : 0;
	if (!ret)
		ret = vfs_fsync(f, 0);
	filp_close(f, NULL);
	return ret;
}

/* rename @from to @to inside @dir, replacing @to */
static int pr_rename(struct path *dir, const char *from, const char *to)
{
	struct renamedata rd = {};
	struct dentry *old, *new, *trap;
	int ret;

	ret = mnt_want_write(dir->mnt);
	if (ret)
		return ret;
	trap = lock_rename(dir->dentry, dir->dentry);
	if (IS_ERR(trap)) {
		ret = PTR_ERR(trap);
		goto out_drop_write;
	}
	old = lookup_one_len(from, dir->dentry, strlen(from));
	if (IS_ERR(old)) {
		ret = PTR_ERR(old);
		goto out_unlock;
	}
	new = lookup_one_len(to, dir->dentry, strlen(to));
	if (IS_ERR(new)) {
		ret = PTR_ERR(new);
		goto out_put_old;
	}
	ret = -ENOENT;
	if (d_really_is_negative(old))
		goto out_put_new;
	ktgt_renamedata_mnt(&rd, dir->mnt);
	rd.old_dir = d_inode(dir->dentry);
	rd.old_dentry = old;
	rd.new_dir = d_inode(dir->dentry);
	rd.new_dentry = new;
	ret = vfs_rename(&rd);
out_put_new:
	dput(new);
out_put_old:
	dput(old);
out_unlock:
	unlock_rename(dir->dentry, dir->dentry);
out_drop_write:
	mnt_drop_write(dir->mnt);
	return ret;
}

/* write the LUN's state: a temporary file, synced, renamed over the old */
static int pr_save(struct ktgt_lun *lun)
{
	struct ktgt_pr *pr = lun->pr;
	char *name, *tmp = NULL, *path = NULL, *buf;
	struct file *d;
	struct path dir;
	int ret = -ENOMEM, len;

	lockdep_assert_held(&pr->lock);
	buf = kvmalloc(KTGT_PR_FILE_MAX, GFP_KERNEL);
	name = pr_file_name(lun, "");
	tmp = pr_file_name(lun, ".tmp");
	if (!buf || !name || !tmp)
		goto out_free;
	path = kasprintf(GFP_KERNEL, "%s/%s", pr_dir, tmp);
	if (!path)
		goto out_free;
	len = pr_serialize(pr, buf, KTGT_PR_FILE_MAX);

	ret = kern_path(pr_dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (ret)
		goto out_free;
	ret = pr_write_file(path, buf, len);
	if (!ret)
		ret = pr_rename(&dir, tmp, name);
	path_put(&dir);
	if (ret)
		goto out_free;
	/* and the directory entry */
	d = filp_open(pr_dir, O_RDONLY | O_DIRECTORY, 0);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto out_free;
	}
	ret = vfs_fsync(d, 0);
	filp_close(d, NULL);
out_free:
	if (ret)
		pr_warn_ratelimited("%s LUN %llu: cannot save persistent reservations in %s (error %d)\n",
				    lun->target->name, lun->id, pr_dir, ret);
	kfree(path);
	kfree(tmp);
	kfree(name);
	kvfree(buf);
	return ret;
}

static struct ktgt_pr_reg *reg_new(struct ktgt_pr *pr, const char *initiator, u64 isid, u64 key)
{
	struct ktgt_pr_reg *reg;

	if (pr->nr_regs >= KTGT_PR_MAX_REGS)
		return NULL;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return NULL;
	strscpy(reg->initiator, initiator, sizeof(reg->initiator));
	reg->isid = isid;
	reg->key = key;
	list_add_tail(&reg->node, &pr->regs);
	pr->nr_regs++;
	return reg;
}

static void pr_clear_state(struct ktgt_pr *pr)
{
	struct ktgt_pr_reg *reg, *tmp;

	list_for_each_entry_safe(reg, tmp, &pr->regs, node) {
		list_del(&reg->node);
		kfree(reg);
	}
	pr->nr_regs = 0;
	pr->holder = NULL;
	pr->type = 0;
	pr->scope = 0;
}

/* @all: a snapshot to roll back to, which keeps its state without APTPL too */
static int pr_parse_file(struct ktgt_pr *pr, char *buf, bool all)
{
	char initiator[KTGT_NAME_MAX + 1];
	unsigned int aptpl, type, scope, atp;
	char *line, *s = buf;
	int holder = -1, i = 0, version;
	struct ktgt_pr_reg *reg;
	unsigned long long key, isid;

	line = strsep(&s, "\n");
	if (!line || sscanf(line, "ktgt-pr %d", &version) != 1 || version != 1)
		return -EINVAL;
	line = strsep(&s, "\n");
	if (!line || sscanf(line, "aptpl %u", &aptpl) != 1)
		return -EINVAL;
	if (!aptpl && !all)
		return 0;	/* APTPL was turned off: nothing survives */
	line = strsep(&s, "\n");
	if (!line || sscanf(line, "generation %u", &pr->generation) != 1)
		return -EINVAL;
	line = strsep(&s, "\n");
	if (!line || sscanf(line, "reservation %u %u %d", &type, &scope, &holder) != 3)
		return -EINVAL;
	while ((line = strsep(&s, "\n")) && *line) {
		BUILD_BUG_ON(KTGT_NAME_MAX != 223);
		if (sscanf(line, "reg %llx %llx %u %223s", &key, &isid, &atp, initiator) != 4 ||
		    !key)
			return -EINVAL;
		reg = reg_new(pr, initiator, isid, key);
		if (!reg)
			return -ENOMEM;
		reg->all_tg_pt = atp;
		if (i++ == holder)
			pr->holder = reg;
	}
	if (holder >= 0) {
		if (!pr->holder || !ktgt_pr_type_valid(type) || scope != PR_SCOPE_LU)
			return -EINVAL;
		pr->type = type;
		pr->scope = scope;
	}
	pr->aptpl = aptpl;
	return 0;
}

/* read back the state of a LUN added again; no file is no state */
static void pr_load(struct ktgt_lun *lun)
{
	struct ktgt_pr *pr = lun->pr;
	char *name, *path = NULL, *buf = NULL;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	int ret;

	name = pr_file_name(lun, "");
	if (name)
		path = kasprintf(GFP_KERNEL, "%s/%s", pr_dir, name);
	if (!path)
		goto out_free;
	f = filp_open(path, O_RDONLY | O_LARGEFILE | O_NOFOLLOW, 0);
	if (IS_ERR(f))
		goto out_free;
	buf = kvzalloc(KTGT_PR_FILE_MAX + 1, GFP_KERNEL);
	n = buf ? kernel_read(f, buf, KTGT_PR_FILE_MAX, &pos) : -ENOMEM;
	filp_close(f, NULL);
	mutex_lock(&pr->lock);
	ret = n < 0 ? n : n == KTGT_PR_FILE_MAX ? -EFBIG : pr_parse_file(pr, buf, false);
	if (ret) {
		pr_warn("%s LUN %llu: ignoring %s (error %d)\n", lun->target->name, lun->id,
			path, ret);
		pr_clear_state(pr);
		pr->aptpl = false;
		pr->generation = 0;
	} else if (pr->aptpl) {
		pr_info("%s LUN %llu: %u registrations restored from %s\n", lun->target->name,
			lun->id, pr->nr_regs, path);
	}
	pr_update_active(pr);
	mutex_unlock(&pr->lock);
out_free:
	kvfree(buf);
	kfree(path);
	kfree(name);
}

/* ---- PERSISTENT RESERVE OUT ---- */

/* a nexus lost its registration to another: tell it (SPC-4 5.13.11.4) */
static void reg_remove(struct ktgt_lun *lun, struct ktgt_pr_reg *reg, u16 ua)
{
	struct ktgt_pr *pr = lun->pr;
	struct ktgt_pr_reg *next;

	if (ua)
		ktgt_ua_nexus_event(lun->target, lun->id, reg->initiator, reg->isid, ua);
	if (pr->holder == reg) {
		/* all registrants: the reservation stays while one is left */
		pr->holder = NULL;
		if (ktgt_pr_type_all_reg(pr->type)) {
			list_for_each_entry(next, &pr->regs, node)
				if (next != reg) {
					pr->holder = next;
					break;
				}
		}
	}
	list_del(&reg->node);
	pr->nr_regs--;
	kfree(reg);
}

/* tell every registrant but @except */
static void ua_registrants(struct ktgt_lun *lun, struct ktgt_pr_reg *except, u16 asc)
{
	struct ktgt_pr_reg *reg;

	list_for_each_entry(reg, &lun->pr->regs, node)
		if (reg != except)
			ktgt_ua_nexus_event(lun->target, lun->id, reg->initiator, reg->isid, asc);
}

/* PREEMPT (AND ABORT) takes @reg away; with @abort its nexus's tasks on the LUN go */
static void reg_preempt(struct ktgt_lun *lun, struct ktgt_pr_reg *reg, bool abort)
{
	if (abort)
		ktgt_nexus_abort_lun(lun->target, lun->id, reg->initiator, reg->isid);
	reg_remove(lun, reg, ASC_REGISTRATIONS_PREEMPTED);
}

/* remove every registration with @key but @self's; returns how many */
static u32 remove_key(struct ktgt_lun *lun, u64 key, struct ktgt_pr_reg *self, bool abort)
{
	struct ktgt_pr_reg *reg, *tmp;
	u32 n = 0;

	list_for_each_entry_safe(reg, tmp, &lun->pr->regs, node) {
		if (reg == self || reg->key != key)
			continue;
		reg_preempt(lun, reg, abort);
		n++;
	}
	return n;
}

static void out_check(struct ktgt_cmd *cmd, u16 asc)
{
	ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, asc);
}

static void pr_register(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg,
			const struct ktgt_pr_out_param *p, bool ignore)
{
	struct ktgt_session *sess = cmd->conn->sess;
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_pr *pr = lun->pr;
	bool was_holder;
	u8 type;

	if (!reg) {
		if (!ignore && p->key) {
			conflict(cmd);
			return;
		}
		if (!p->sa_key)
			return;		/* nothing to do, and the generation stays */
		reg = reg_new(pr, sess->initiator, sess->isid, p->sa_key);
		if (!reg) {
			ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INSUFFICIENT_REG_RESOURCES);
			return;
		}
		reg->all_tg_pt = p->all_tg_pt;
	} else if (!ignore && p->key != reg->key) {
		conflict(cmd);
		return;
	} else if (p->sa_key) {
		reg->key = p->sa_key;
	} else {
		/* unregister; a holder's reservation goes, except with all registrants */
		was_holder = pr->holder == reg;
		type = pr->type;
		reg_remove(lun, reg, 0);
		if (was_holder && !pr->holder) {
			if (type == PR_TYPE_WE_RO || type == PR_TYPE_EA_RO)
				ua_registrants(lun, NULL, ASC_RESERVATIONS_RELEASED);
			pr->type = 0;
			pr->scope = 0;
		}
	}
	pr->aptpl = p->aptpl;
	pr->generation++;
}

static void pr_reserve(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg)
{
	struct ktgt_pr *pr = cmd->lun->pr;
	const struct ktgt_cdb *c = &cmd->cdb;

	if (pr->holder) {
		/* only the holder, asking for what it has, gets GOOD */
		if (!is_holder(pr, reg) || pr->type != c->pr_type || pr->scope != c->pr_scope)
			conflict(cmd);
		return;
	}
	pr->holder = reg;
	pr->type = c->pr_type;
	pr->scope = c->pr_scope;
}

static void pr_release(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_pr *pr = lun->pr;
	const struct ktgt_cdb *c = &cmd->cdb;
	u8 type = pr->type;

	if (!pr->holder || !is_holder(pr, reg))
		return;		/* GOOD, nothing changes (SPC-4 5.13.11.2.2) */
	if (pr->type != c->pr_type || pr->scope != c->pr_scope) {
		out_check(cmd, ASC_INVALID_RELEASE_OF_PR);
		return;
	}
	pr->holder = NULL;
	pr->type = 0;
	pr->scope = 0;
	if (ktgt_pr_type_reg_only(type))
		ua_registrants(lun, reg, ASC_RESERVATIONS_RELEASED);
}

static void pr_clear(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg)
{
	struct ktgt_lun *lun = cmd->lun;

	ua_registrants(lun, reg, ASC_RESERVATIONS_PREEMPTED);
	pr_clear_state(lun->pr);
	lun->pr->generation++;
}

static void pr_preempt(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg,
		       const struct ktgt_pr_out_param *p, bool abort)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_pr *pr = lun->pr;
	const struct ktgt_cdb *c = &cmd->cdb;
	struct ktgt_pr_reg *r, *tmp;
	bool changed;

	if (!pr->holder || (!ktgt_pr_type_all_reg(pr->type) && p->sa_key != pr->holder->key)) {
		/* no reservation to take: only registrations go */
		if (!p->sa_key) {
			out_check(cmd, ASC_INVALID_FIELD_IN_PARAM_LIST);
			return;
		}
		if (!remove_key(lun, p->sa_key, reg, abort)) {
			conflict(cmd);
			return;
		}
		pr->generation++;
		return;
	}
	if (ktgt_pr_type_all_reg(pr->type) && p->sa_key) {
		if (!remove_key(lun, p->sa_key, reg, abort)) {
			conflict(cmd);
			return;
		}
		pr->generation++;
		return;
	}
	/*
	 * Take the reservation: with all registrants and key 0, every other
	 * registration goes; otherwise those with the holder's key.
	 */
	changed = pr->type != c->pr_type || pr->scope != c->pr_scope;
	list_for_each_entry_safe(r, tmp, &pr->regs, node) {
		if (r == reg || (p->sa_key && r->key != p->sa_key))
			continue;
		reg_preempt(lun, r, abort);
	}
	pr->holder = reg;
	pr->type = c->pr_type;
	pr->scope = c->pr_scope;
	if (changed)
		ua_registrants(lun, reg, ASC_RESERVATIONS_RELEASED);
	pr->generation++;
}

static void pr_register_and_move(struct ktgt_cmd *cmd, struct ktgt_pr_reg *reg,
				 const struct ktgt_pr_out_param *p, const u8 *data)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_pr *pr = lun->pr;
	char name[KTGT_NAME_MAX + 1];
	struct ktgt_pr_reg *dest;
	u64 isid;

	if (!reg || reg->key != p->key || !is_holder(pr, reg) ||
	    ktgt_pr_type_all_reg(pr->type)) {
		conflict(cmd);
		return;
	}
	if (!p->sa_key || p->rel_tgt_port != 1 ||
	    ktgt_pr_tid_parse(data + p->tid_off, p->tid_len, name, sizeof(name), &isid) < 0 ||
	    isid == U64_MAX || (isid == reg->isid && !strcmp(name, reg->initiator))) {
		out_check(cmd, ASC_INVALID_FIELD_IN_PARAM_LIST);
		return;
	}
	dest = reg_find(pr, name, isid);
	if (!dest)
		dest = reg_new(pr, name, isid, p->sa_key);
	if (!dest) {
		ktgt_cmd_check(cmd, SK_ILLEGAL_REQUEST, ASC_INSUFFICIENT_REG_RESOURCES);
		return;
	}
	/* the destination holds a reservation of the CDB's type (SPC-4 5.13.8) */
	pr->holder = dest;
	pr->type = cmd->cdb.pr_type;
	pr->scope = cmd->cdb.pr_scope;
	if (p->unreg)
		reg_remove(lun, reg, 0);
	pr->aptpl = p->aptpl;
	pr->generation++;
}

static void pr_out(struct ktgt_cmd *cmd, struct ktgt_pr *pr)
{
	const struct ktgt_cdb *c = &cmd->cdb;
	struct ktgt_pr_out_param p;
	struct ktgt_pr_reg *reg;
	char *snap = NULL;
	bool was_aptpl;
	u8 *data;
	u16 asc;

	if (cmd->io_len < c->param_len || c->param_len > KTGT_PR_PARAM_MAX) {
		out_check(cmd, ASC_PARAMETER_LIST_LENGTH);
		return;
	}
	switch (c->sa) {
	case PR_OUT_RESERVE:
	case PR_OUT_RELEASE:
	case PR_OUT_PREEMPT:
	case PR_OUT_PREEMPT_AND_ABORT:
	case PR_OUT_REGISTER_AND_MOVE:
		if (c->pr_scope != PR_SCOPE_LU || !ktgt_pr_type_valid(c->pr_type)) {
			out_check(cmd, ASC_INVALID_FIELD_IN_CDB);
			return;
		}
		break;
	}
	data = ktgt_cmd_data_copy(cmd);
	snap = kvmalloc(KTGT_PR_FILE_MAX, GFP_KERNEL);
	if (!data || !snap) {
		cmd->failed = true;
		cmd->status = SAM_BUSY;
		goto out_free;
	}
	if (ktgt_pr_out_param_parse(c->sa, data, c->param_len, &p, &asc)) {
		out_check(cmd, asc);
		goto out_free;
	}
	/* SPEC_I_PT is not supported: REPORT CAPABILITIES says SIP_C=0 */
	if (p.spec_i_pt) {
		out_check(cmd, ASC_INVALID_FIELD_IN_PARAM_LIST);
		goto out_free;
	}

	mutex_lock(&pr->lock);
	/* another nexus's SPC-2 reservation stops PR OUT (SPC-4 5.13.3) */
	if (pr->spc2 && pr->spc2 != cmd->conn->sess) {
		conflict(cmd);
		goto out_unlock;
	}
	was_aptpl = pr->aptpl;
	pr_serialize(pr, snap, KTGT_PR_FILE_MAX);
	reg = reg_of(pr, cmd->conn->sess);
	/* every action but the register ones needs this nexus's registered key */
	if (c->sa != PR_OUT_REGISTER && c->sa != PR_OUT_REGISTER_IGNORE &&
	    (!reg || reg->key != p.key)) {
		conflict(cmd);
		goto out_unlock;
	}
	switch (c->sa) {
	case PR_OUT_REGISTER:
	case PR_OUT_REGISTER_IGNORE:
		pr_register(cmd, reg, &p, c->sa == PR_OUT_REGISTER_IGNORE);
		break;
	case PR_OUT_RESERVE:
		pr_reserve(cmd, reg);
		break;
	case PR_OUT_RELEASE:
		pr_release(cmd, reg);
		break;
	case PR_OUT_CLEAR:
		pr_clear(cmd, reg);
		break;
	case PR_OUT_PREEMPT:
	case PR_OUT_PREEMPT_AND_ABORT:
		/* the preempted nexuses abort their tasks from their own io_work */
		pr_preempt(cmd, reg, &p, c->sa == PR_OUT_PREEMPT_AND_ABORT);
		break;
	case PR_OUT_REGISTER_AND_MOVE:
		pr_register_and_move(cmd, reg, &p, data);
		break;
	}
	/*
	 * GOOD only once the state is on stable storage; if it cannot be
	 * saved, the state goes back to what it was (unit attentions already
	 * established stay).
	 */
	if (!cmd->failed && (pr->aptpl || was_aptpl) && pr_save(cmd->lun)) {
		ktgt_cmd_check(cmd, SK_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE);
		pr_clear_state(pr);
		if (pr_parse_file(pr, snap, true))
			pr_clear_state(pr);	/* cannot happen: we wrote it */
	}
	pr_update_active(pr);
out_unlock:
	mutex_unlock(&pr->lock);
out_free:
	kvfree(snap);
	kvfree(data);
}

/**
 * ktgt_pr_emulate() - RESERVE, RELEASE, PERSISTENT RESERVE IN and OUT
 * @cmd: command, checked by ktgt_pr_check()
 * @b: buffer for the data PERSISTENT RESERVE IN returns
 * @size: its size
 * @len: set to the data's length
 *
 * Sets @cmd's status: GOOD, RESERVATION CONFLICT or CHECK CONDITION.
 */
void ktgt_pr_emulate(struct ktgt_cmd *cmd, u8 *b, u32 size, u32 *len)
{
	struct ktgt_pr *pr = cmd->lun->pr;

	switch (cmd->cdb.op) {
	case KTGT_OP_RESERVE:
		spc2_reserve(cmd, pr);
		break;
	case KTGT_OP_RELEASE:
		spc2_release(cmd, pr);
		break;
	case KTGT_OP_PR_IN:
		pr_in(cmd, pr, b, size, len);
		break;
	case KTGT_OP_PR_OUT:
		pr_out(cmd, pr);
		break;
	}
}

/**
 * ktgt_pr_lun_init() - a new LUN's reservation state, restored if kept
 * @lun: LUN being added, with its target and id set
 *
 * Return: 0 or -ENOMEM.
 */
int ktgt_pr_lun_init(struct ktgt_lun *lun)
{
	struct ktgt_pr *pr = kzalloc(sizeof(*pr), GFP_KERNEL);

	if (!pr)
		return -ENOMEM;
	mutex_init(&pr->lock);
	INIT_LIST_HEAD(&pr->regs);
	lun->pr = pr;
	pr_load(lun);
	return 0;
}

/**
 * ktgt_pr_lun_free() - free a LUN's reservation state
 * @lun: LUN being released
 */
void ktgt_pr_lun_free(struct ktgt_lun *lun)
{
	struct ktgt_pr *pr = lun->pr;

	if (!pr)
		return;
	pr_clear_state(pr);
	mutex_destroy(&pr->lock);
	kfree(pr);
	lun->pr = NULL;
}
