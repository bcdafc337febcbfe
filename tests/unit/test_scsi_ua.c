// SPDX-License-Identifier: GPL-2.0
/*
 * The unit attention queue (kernel/scsi_ua_queue.h), built in userspace:
 * order, each condition once, the bound and what a full queue keeps.
 */
#include "kselftest_harness.h"
#include "scsi_ua_queue.h"

TEST(oldest_first_each_once)
{
	struct ktgt_ua_queue q = {};

	ktgt_ua_push(&q, ASC_POWER_ON_RESET);
	ktgt_ua_push(&q, ASC_REPORTED_LUNS_CHANGED);
	ktgt_ua_push(&q, ASC_POWER_ON_RESET);
	ktgt_ua_push(&q, ASC_MODE_PARAMETERS_CHANGED);
	ASSERT_EQ(3, q.nr);
	EXPECT_EQ(ASC_POWER_ON_RESET, ktgt_ua_pop_first(&q));
	EXPECT_EQ(ASC_REPORTED_LUNS_CHANGED, ktgt_ua_pop_first(&q));
	/* once reported it may be established again */
	ktgt_ua_push(&q, ASC_REPORTED_LUNS_CHANGED);
	EXPECT_EQ(ASC_MODE_PARAMETERS_CHANGED, ktgt_ua_pop_first(&q));
	EXPECT_EQ(ASC_REPORTED_LUNS_CHANGED, ktgt_ua_pop_first(&q));
	EXPECT_EQ(0, q.nr);
}

TEST(drop_one_condition)
{
	struct ktgt_ua_queue q = {};

	ktgt_ua_push(&q, ASC_BUS_DEVICE_RESET);
	ktgt_ua_push(&q, ASC_REPORTED_LUNS_CHANGED);
	ktgt_ua_push(&q, ASC_CAPACITY_CHANGED);
	EXPECT_TRUE(ktgt_ua_drop(&q, ASC_REPORTED_LUNS_CHANGED));
	EXPECT_FALSE(ktgt_ua_drop(&q, ASC_REPORTED_LUNS_CHANGED));
	ASSERT_EQ(2, q.nr);
	EXPECT_EQ(ASC_BUS_DEVICE_RESET, ktgt_ua_pop_first(&q));
	EXPECT_EQ(ASC_CAPACITY_CHANGED, ktgt_ua_pop_first(&q));
}

/* a full queue collapses to the condition with the highest precedence */
TEST(full_queue_keeps_the_highest_precedence)
{
	static const u16 codes[] = {
		ASC_MODE_PARAMETERS_CHANGED, ASC_RESERVATIONS_PREEMPTED,
		ASC_RESERVATIONS_RELEASED, ASC_REGISTRATIONS_PREEMPTED, ASC_CAPACITY_CHANGED,
		ASC_REPORTED_LUNS_CHANGED, ASC_BUS_DEVICE_RESET, 0x2a02,
	};
	struct ktgt_ua_queue q = {};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		ktgt_ua_push(&q, codes[i]);
	ASSERT_EQ(KTGT_UA_MAX, q.nr);
	ktgt_ua_push(&q, ASC_NEXUS_LOSS);
	ASSERT_EQ(1, q.nr);
	/* 29h/03h and 29h/07h rank alike: the newest stays */
	EXPECT_EQ(ASC_NEXUS_LOSS, q.asc[0]);

	/* power on outranks everything */
	memset(&q, 0, sizeof(q));
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		ktgt_ua_push(&q, codes[i]);
	ktgt_ua_push(&q, ASC_POWER_ON_RESET);
	ASSERT_EQ(1, q.nr);
	EXPECT_EQ(ASC_POWER_ON_RESET, q.asc[0]);

	/* without a reset pending the newcomer is kept if nothing outranks it */
	memset(&q, 0, sizeof(q));
	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (codes[i] != ASC_BUS_DEVICE_RESET)
			ktgt_ua_push(&q, codes[i]);
	ktgt_ua_push(&q, 0x2a10);
	ASSERT_EQ(KTGT_UA_MAX, q.nr);
	ktgt_ua_push(&q, 0x2a11);
	ASSERT_EQ(1, q.nr);
	EXPECT_EQ(0x2a11, q.asc[0]);
}

TEST_HARNESS_MAIN
