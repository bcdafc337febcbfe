/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How much Data-In to hand TCP at once, given the initiator's receive
 * window. Portable: also built in userspace for the unit tests.
 *
 * TCP holds back a full-sized segment that does not fit what is left of
 * the peer's window. open-iscsi reads its socket from the socket backlog
 * while its transmit worker holds the socket lock, and meanwhile keeps the
 * right edge of its window where it was; once the backlog is read, nothing
 * but its delayed-ACK timer (40 ms) or our persist timer (200 ms) tells us
 * that the window is open again. So Data-In goes out in pieces that fit:
 * a piece cut short by the window ends its skb (MSG_EOR), TCP sends it at
 * once, and the initiator, having read it, answers with its open window.
 * While data is in flight one piece of the window is left free, so that
 * the window we fill is never closed by us.
 */
#ifndef KTGT_TX_WINDOW_H
#define KTGT_TX_WINDOW_H

#include "portable.h"

/**
 * ktgt_window_fit() - bytes of a Data-In payload to send now
 * @room: peer's window right edge minus the bytes TCP already holds
 *	(snd_una + snd_wnd - write_seq); negative when TCP holds more
 * @idle: TCP holds nothing unacknowledged (write_seq == snd_una)
 * @want: bytes of the payload left to send
 * @piece: smallest piece worth cutting, and the margin kept free
 *
 * Return: @want to send all of it; less than @want for a piece cut to the
 * window (send it with MSG_EOR); 0 to wait for the next ACK.
 */
static inline u32 ktgt_window_fit(s32 room, bool idle, u32 want, u32 piece)
{
	s32 usable = room - (s32)piece;

	if (usable >= 0 && (u32)usable >= want)
		return want;
	if (usable >= 0 && (u32)usable >= piece)
		return usable;
	if (!idle)
		return 0;
	/* nothing in flight: fill the window; TCP probes a closed one */
	if (room <= 0 || (u32)room >= want)
		return want;
	return room;
}

#endif /* KTGT_TX_WINDOW_H */
