// SPDX-License-Identifier: GPL-2.0
/*
 * How much Data-In goes to TCP at once (kernel/tx_window.h): all of it when
 * it fits the initiator's window with a page to spare, a piece cut to the
 * window when that piece is worth sending, nothing while data is in flight
 * and the window is (nearly) full, and the window's last bytes, or all of
 * it for TCP to probe a closed window, when nothing is in flight.
 */
#include "kselftest_harness.h"
#include "tx_window.h"

#define PIECE	4096

FIXTURE(window) {
};

FIXTURE_VARIANT(window) {
	s32 room;
	bool idle;
	u32 want;
	u32 expect;
};

/* the payload fits with the margin to spare: all of it, busy or not */
FIXTURE_VARIANT_ADD(window, fits) { 1048576, false, 262144, 262144 };
FIXTURE_VARIANT_ADD(window, fits_exactly_with_margin) { 262144 + PIECE, false, 262144, 262144 };
FIXTURE_VARIANT_ADD(window, small_payload) { 2 * PIECE, false, PIECE, PIECE };
/* cut to the window, one page kept free */
FIXTURE_VARIANT_ADD(window, cut) { 100000, false, 262144, 100000 - PIECE };
FIXTURE_VARIANT_ADD(window, cut_idle) { 100000, true, 262144, 100000 - PIECE };
FIXTURE_VARIANT_ADD(window, smallest_cut) { 2 * PIECE, false, 262144, PIECE };
/* less than a piece beyond the margin while data is in flight: wait */
FIXTURE_VARIANT_ADD(window, wait_nearly_full) { 2 * PIECE - 1, false, 262144, 0 };
FIXTURE_VARIANT_ADD(window, wait_margin_only) { PIECE, false, 262144, 0 };
FIXTURE_VARIANT_ADD(window, wait_closed) { 0, false, 262144, 0 };
FIXTURE_VARIANT_ADD(window, wait_overcommitted) { -65536, false, 262144, 0 };
FIXTURE_VARIANT_ADD(window, wait_small_payload_in_margin) { PIECE + 100, false, 200, 0 };
/* nothing in flight: use the window's last bytes */
FIXTURE_VARIANT_ADD(window, idle_fill) { PIECE + 100, true, 262144, PIECE + 100 };
FIXTURE_VARIANT_ADD(window, idle_fill_one_byte) { 1, true, 262144, 1 };
FIXTURE_VARIANT_ADD(window, idle_fits) { PIECE, true, 1000, 1000 };
/* nothing in flight and a closed window: TCP's persist timer probes it */
FIXTURE_VARIANT_ADD(window, idle_closed) { 0, true, 262144, 262144 };
FIXTURE_VARIANT_ADD(window, idle_shrunk) { -100, true, 262144, 262144 };

FIXTURE_SETUP(window)
{
}

FIXTURE_TEARDOWN(window)
{
}

TEST_F(window, fit)
{
	u32 n = ktgt_window_fit(variant->room, variant->idle, variant->want, PIECE);

	EXPECT_EQ(variant->expect, n);
	EXPECT_LE(n, variant->want);
	/* while data is in flight, a piece never takes the margin */
	if (!variant->idle && n && n < variant->want)
		EXPECT_LE((s32)n, variant->room - PIECE);
}

/* sending what it says, piece after piece, never overruns the window */
TEST(pieces_stay_inside_window)
{
	u32 want = 262144, sent = 0, window = 150000, acked = 0;

	while (sent < want) {
		s32 room = (s32)(acked + window - sent);
		u32 n = ktgt_window_fit(room, sent == acked, want - sent, PIECE);

		if (!n) {
			acked = sent;	/* the ACK we waited for */
			continue;
		}
		if (sent != acked || n < want - sent)
			ASSERT_LE(sent + n, acked + window);
		sent += n;
	}
	EXPECT_EQ(want, sent);
}

TEST_HARNESS_MAIN
