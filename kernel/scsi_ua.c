// SPDX-License-Identifier: GPL-2.0
/*
 * Unit attention conditions (SAM-5 5.14, SPC-4 5.14): one bounded queue per
 * LUN and I_T nexus.
 *
 * A session is one I_T nexus (initiator name and ISID, and our one target
 * port). It keeps a record for each LUN it has addressed; the record is
 * created by the session's first command to the LUN and starts with POWER
 * ON, RESET, OR BUS DEVICE RESET OCCURRED (or I_T NEXUS LOSS OCCURRED for a
 * reinstated session), so every new nexus sees the LUN appear once. Events
 * (resets, LUN inventory, capacity, reservations, mode pages) only add to
 * records that exist: a nexus without one gets the power-on condition,
 * which has the highest precedence, on its first command anyway. Records
 * go with the session, and with the LUN.
 */
#include <linux/slab.h>

#include "ktgt.h"
#include "scsi_ua_queue.h"

struct ktgt_ua_lun {
	struct list_head node;		/* sess->ua_luns */
	u64 lun_id;
	struct ktgt_ua_queue q;
};

static struct ktgt_ua_lun *ua_find(struct ktgt_session *sess, u64 lun_id)
{
	struct ktgt_ua_lun *u;

	lockdep_assert_held(&sess->ua_lock);
	list_for_each_entry(u, &sess->ua_luns, node)
		if (u->lun_id == lun_id)
			return u;
	return NULL;
}

/**
 * ktgt_ua_session_init() - a new session has no unit attention records
 * @sess: session, before it is on its target's list
 */
void ktgt_ua_session_init(struct ktgt_session *sess)
{
	spin_lock_init(&sess->ua_lock);
	INIT_LIST_HEAD(&sess->ua_luns);
}

/**
 * ktgt_ua_session_free() - free a closing session's records
 * @sess: session, already off its target's list
 */
void ktgt_ua_session_free(struct ktgt_session *sess)
{
	struct ktgt_ua_lun *u, *tmp;

	list_for_each_entry_safe(u, tmp, &sess->ua_luns, node) {
		list_del(&u->node);
		kfree(u);
		atomic_dec(&ktgt_live.uas);
	}
}

/* commands a unit attention does not stop (SPC-4 5.14) */
static bool ua_exempt(u8 op)
{
	return op == KTGT_OP_INQUIRY || op == KTGT_OP_REPORT_LUNS || op == KTGT_OP_REQUEST_SENSE;
}

/**
 * ktgt_ua_check() - report a pending unit attention instead of running
 * @cmd: a command to a mapped LUN, decoded
 *
 * Creates the nexus's record for the LUN on its first command. INQUIRY,
 * REPORT LUNS and REQUEST SENSE run anyway; any other command ends with
 * CHECK CONDITION, UNIT ATTENTION and the oldest condition, which is then
 * cleared.
 *
 * Context: io_work.
 * Return: true when @cmd was answered (unit attention, or BUSY when the
 * record could not be allocated).
 */
bool ktgt_ua_check(struct ktgt_cmd *cmd)
{
	struct ktgt_session *sess = cmd->conn->sess;
	struct ktgt_ua_lun *u, *new = NULL;
	u16 asc = 0;

	spin_lock(&sess->ua_lock);
	u = ua_find(sess, cmd->lun_id);
	if (!u) {
		/* only this session's io_work adds records, so none can appear */
		spin_unlock(&sess->ua_lock);
		new = kzalloc(sizeof(*new), GFP_KERNEL);
		if (!new) {
			cmd->failed = true;
			cmd->status = SAM_BUSY;
			return true;
		}
		atomic_inc(&ktgt_live.uas);
		new->lun_id = cmd->lun_id;
		ktgt_ua_push(&new->q, sess->reinstated ? ASC_NEXUS_LOSS : ASC_POWER_ON_RESET);
		spin_lock(&sess->ua_lock);
		list_add_tail(&new->node, &sess->ua_luns);
		u = new;
	}
	if (u->q.nr && !ua_exempt(cmd->cdb.op))
		asc = ktgt_ua_pop_first(&u->q);
	spin_unlock(&sess->ua_lock);
	if (!asc)
		return false;
	ktgt_cmd_check(cmd, SK_UNIT_ATTENTION, asc);
	return true;
}

/**
 * ktgt_ua_pop() - take the oldest unit attention, for REQUEST SENSE
 * @sess: session
 * @lun_id: LUN
 * @asc: set to the condition
 *
 * Return: true when there was one; it is cleared.
 */
bool ktgt_ua_pop(struct ktgt_session *sess, u64 lun_id, u16 *asc)
{
	struct ktgt_ua_lun *u;
	bool found = false;

	spin_lock(&sess->ua_lock);
	u = ua_find(sess, lun_id);
	if (u && u->q.nr) {
		*asc = ktgt_ua_pop_first(&u->q);
		found = true;
	}
	spin_unlock(&sess->ua_lock);
	return found;
}

/**
 * ktgt_ua_clear() - clear one condition on every LUN of a session
 * @sess: session
 * @asc: the condition (REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED)
 */
void ktgt_ua_clear(struct ktgt_session *sess, u16 asc)
{
	struct ktgt_ua_lun *u;

	spin_lock(&sess->ua_lock);
	list_for_each_entry(u, &sess->ua_luns, node)
		ktgt_ua_drop(&u->q, asc);
	spin_unlock(&sess->ua_lock);
}

/* add @asc to @sess's record for @lun_id, or to all its records for U64_MAX */
static void ua_add(struct ktgt_session *sess, u64 lun_id, u16 asc)
{
	struct ktgt_ua_lun *u;

	spin_lock(&sess->ua_lock);
	list_for_each_entry(u, &sess->ua_luns, node)
		if (lun_id == U64_MAX || u->lun_id == lun_id)
			ktgt_ua_push(&u->q, asc);
	spin_unlock(&sess->ua_lock);
}

/**
 * ktgt_ua_lun_event() - establish a unit attention for every nexus of a LUN
 * @t: target
 * @lun_id: LUN, or U64_MAX for every LUN
 * @except: the nexus that caused it and does not get it, or NULL
 * @asc: the condition
 */
void ktgt_ua_lun_event(struct ktgt_target *t, u64 lun_id, struct ktgt_session *except,
		       u16 asc)
{
	struct ktgt_session *sess;

	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		if (sess != except)
			ua_add(sess, lun_id, asc);
	spin_unlock(&t->sess_lock);
}

/**
 * ktgt_ua_nexus_event() - establish a unit attention for one I_T nexus
 * @t: target
 * @lun_id: LUN
 * @initiator: the nexus's initiator name
 * @isid: and ISID
 * @asc: the condition
 */
void ktgt_ua_nexus_event(struct ktgt_target *t, u64 lun_id, const char *initiator, u64 isid,
			 u16 asc)
{
	struct ktgt_session *sess;

	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node)
		if (sess->isid == isid && !strcmp(sess->initiator, initiator))
			ua_add(sess, lun_id, asc);
	spin_unlock(&t->sess_lock);
}

/**
 * ktgt_ua_lun_gone() - forget a removed LUN's records
 * @t: target
 * @lun_id: LUN
 */
void ktgt_ua_lun_gone(struct ktgt_target *t, u64 lun_id)
{
	struct ktgt_session *sess;
	struct ktgt_ua_lun *u;

	spin_lock(&t->sess_lock);
	list_for_each_entry(sess, &t->sessions, node) {
		spin_lock(&sess->ua_lock);
		u = ua_find(sess, lun_id);
		if (u) {
			list_del(&u->node);
			kfree(u);
			atomic_dec(&ktgt_live.uas);
		}
		spin_unlock(&sess->ua_lock);
	}
	spin_unlock(&t->sess_lock);
}

/**
 * ktgt_ua_luns_changed() - the target's LUN inventory changed
 * @t: target
 *
 * Every nexus gets REPORTED LUNS DATA HAS CHANGED on the LUNs it uses.
 */
void ktgt_ua_luns_changed(struct ktgt_target *t)
{
	ktgt_ua_lun_event(t, U64_MAX, NULL, ASC_REPORTED_LUNS_CHANGED);
}

/**
 * ktgt_ua_capacity_changed() - a LUN was resized
 * @lun: the LUN, with its new size in place
 *
 * Every nexus gets CAPACITY DATA HAS CHANGED.
 */
void ktgt_ua_capacity_changed(struct ktgt_lun *lun)
{
	ktgt_ua_lun_event(lun->target, lun->id, NULL, ASC_CAPACITY_CHANGED);
}

/**
 * ktgt_ua_sense() - REQUEST SENSE parameter data for a unit attention
 * @b: at least SCSI_SENSE_LEN bytes, zeroed
 * @desc: descriptor format
 * @asc: the condition
 *
 * Return: the data's length.
 */
u32 ktgt_ua_sense(u8 *b, bool desc, u16 asc)
{
	if (!desc)
		return ktgt_sense_fixed(b, SK_UNIT_ATTENTION, asc);
	b[0] = 0x72;
	b[1] = SK_UNIT_ATTENTION;
	b[2] = asc >> 8;
	b[3] = asc & 0xff;
	return 8;
}
