// SPDX-License-Identifier: GPL-2.0
/*
 * Per-LUN LBA range lock: COMPARE AND WRITE is atomic against every other
 * write to its blocks.
 *
 * Commands that touch the medium take their block range before they reach
 * the backend: COMPARE AND WRITE exclusively; WRITE, WRITE SAME, UNMAP and
 * the reads shared (they need no order among themselves, only against a
 * compare and write: a read must see the blocks before or after it, never
 * halfway, which a device like brd that copies with memcpy does not
 * promise). Ranges are granted in arrival order: a request waits for every
 * earlier held or waiting range it conflicts with, so a COMPARE AND WRITE
 * is not starved by a stream of writes. Without a COMPARE AND WRITE in the
 * list, a shared range is granted without looking at the others, so reads
 * and writes pay one list insertion each.
 *
 * Taking a range never sleeps: a command that must wait stays on the list
 * and is sent to the backend from a work item once the ranges before it
 * are released. A waiting command counts as in the backend (in_backend,
 * conn->inflight), so task management and connection teardown wait for it
 * like for any other I/O, and it always gets to run: every granted range
 * belongs to a command that is executing and will complete.
 */
#include "ktgt.h"

/**
 * ktgt_lun_ranges_init() - set up a LUN's range lock
 * @lun: new LUN
 */
void ktgt_lun_ranges_init(struct ktgt_lun *lun)
{
	spin_lock_init(&lun->range_lock);
	INIT_LIST_HEAD(&lun->ranges);
}

static bool range_conflict(const struct ktgt_range *a, const struct ktgt_range *b)
{
	return a->start < b->end && b->start < a->end && (a->excl || b->excl);
}

/* may @r run, given the ranges that arrived before it? */
static bool range_free(struct ktgt_lun *lun, struct ktgt_range *r)
{
	struct ktgt_range *o;

	lockdep_assert_held(&lun->range_lock);
	list_for_each_entry(o, &lun->ranges, node) {
		if (o == r)
			break;
		if (range_conflict(o, r))
			return false;
	}
	return true;
}

/* the range a command changes, or false when it changes no blocks */
static bool cmd_range(struct ktgt_cmd *cmd, struct ktgt_range *r)
{
	switch (cmd->cdb.op) {
	case KTGT_OP_COMPARE_AND_WRITE:
		r->excl = true;
		break;
	case KTGT_OP_READ:
	case KTGT_OP_VERIFY:
	case KTGT_OP_WRITE:
	case KTGT_OP_WRITE_SAME:
		r->excl = false;
		break;
	case KTGT_OP_UNMAP:
		/* its descriptors may be anywhere: the whole medium */
		r->excl = false;
		r->start = 0;
		r->end = U64_MAX;
		return true;
	default:
		return false;
	}
	r->start = cmd->cdb.lba;
	r->end = cmd->cdb.lba + cmd->cdb.nr_blocks;
	return true;
}

/**
 * ktgt_range_lock() - take the blocks a command changes, or queue for them
 * @cmd: command about to go to the backend (in_backend and counted in
 *	conn->inflight already)
 *
 * Context: any; does not sleep.
 * Return: true when @cmd may be submitted now; false when it waits, and
 * will be submitted (ktgt_cmd_submit()) from a work item once it may run.
 */
bool ktgt_range_lock(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_range *r = &cmd->range;
	unsigned long flags;
	bool granted;

	if (!cmd_range(cmd, r))
		return true;
	spin_lock_irqsave(&lun->range_lock, flags);
	list_add_tail(&r->node, &lun->ranges);
	if (r->excl)
		lun->nr_excl++;
	granted = (!r->excl && !lun->nr_excl) || range_free(lun, r);
	r->granted = granted;
	if (!granted)
		lun->nr_waiting++;
	spin_unlock_irqrestore(&lun->range_lock, flags);
	/*
	 * Not r->granted: once the lock is dropped, ktgt_range_unlock() may
	 * grant a waiting @cmd and queue its submission, which must then be
	 * the only one.
	 */
	return granted;
}

static void range_granted_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);

	ktgt_cmd_submit(cmd);
}

/**
 * ktgt_range_unlock() - release a command's range; start those now free
 * @cmd: command whose backend I/O is done (or that took no range)
 *
 * Context: any (bio completion included).
 */
void ktgt_range_unlock(struct ktgt_cmd *cmd)
{
	struct ktgt_lun *lun = cmd->lun;
	struct ktgt_range *r = &cmd->range, *o;
	struct ktgt_cmd *next;
	unsigned long flags;

	if (!lun || list_empty(&r->node))
		return;
	spin_lock_irqsave(&lun->range_lock, flags);
	list_del_init(&r->node);
	if (r->excl)
		lun->nr_excl--;
	list_for_each_entry(o, &lun->ranges, node) {
		if (!lun->nr_waiting)
			break;
		if (o->granted || !range_free(lun, o))
			continue;
		o->granted = true;
		lun->nr_waiting--;
		next = container_of(o, struct ktgt_cmd, range);
		/* the backend may sleep, and this may be a bio completion */
		INIT_WORK(&next->work, range_granted_work);
		ktgt_conn_queue(next->conn, &next->work);
	}
	spin_unlock_irqrestore(&lun->range_lock, flags);
}
