/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One LUN's pending unit attentions for one I_T nexus: a small bounded
 * queue, oldest first, each condition at most once. Portable: also built
 * in userspace for the unit tests.
 */
#ifndef KTGT_SCSI_UA_QUEUE_H
#define KTGT_SCSI_UA_QUEUE_H

#include "scsi_cdb.h"

#define KTGT_UA_MAX	8	/* conditions queued per LUN and nexus */

struct ktgt_ua_queue {
	u8 nr;
	u16 asc[KTGT_UA_MAX];	/* asc << 8 | ascq, oldest first */
};

/* precedence (SAM-5 5.14): power on and resets first, then the rest */
static inline u8 ktgt_ua_rank(u16 asc)
{
	if (asc == ASC_POWER_ON_RESET)
		return 3;
	if ((asc >> 8) == 0x29)
		return 2;
	return 1;
}

/*
 * Queue a condition. One already pending is not queued again. A full
 * queue keeps only the condition with the highest precedence, which tells
 * the initiator to look at everything again (SPC-4 5.14).
 */
static inline void ktgt_ua_push(struct ktgt_ua_queue *q, u16 asc)
{
	u16 best = asc;
	u32 i;

	for (i = 0; i < q->nr; i++)
		if (q->asc[i] == asc)
			return;
	if (q->nr < KTGT_UA_MAX) {
		q->asc[q->nr++] = asc;
		return;
	}
	for (i = 0; i < q->nr; i++)
		if (ktgt_ua_rank(q->asc[i]) > ktgt_ua_rank(best))
			best = q->asc[i];
	q->asc[0] = best;
	q->nr = 1;
}

/* take the oldest condition; the queue must not be empty */
static inline u16 ktgt_ua_pop_first(struct ktgt_ua_queue *q)
{
	u16 asc = q->asc[0];

	q->nr--;
	memmove(q->asc, q->asc + 1, q->nr * sizeof(q->asc[0]));
	return asc;
}

/* drop one condition wherever it is; returns whether it was there */
static inline bool ktgt_ua_drop(struct ktgt_ua_queue *q, u16 asc)
{
	u32 i;

	for (i = 0; i < q->nr; i++) {
		if (q->asc[i] != asc)
			continue;
		q->nr--;
		memmove(q->asc + i, q->asc + i + 1, (q->nr - i) * sizeof(q->asc[0]));
		return true;
	}
	return false;
}

#endif /* KTGT_SCSI_UA_QUEUE_H */
