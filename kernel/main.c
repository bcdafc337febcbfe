// SPDX-License-Identifier: GPL-2.0
/*
 * ktgt module init and exit.
 */
#include <linux/debugfs.h>
#include <linux/idr.h>
#include <linux/module.h>

#include "ktgt.h"

/* serializes configuration changes; see ktgt.h */
DEFINE_MUTEX(ktgt_cfg_mutex);
struct workqueue_struct *ktgt_io_wq;
struct ktgt_live_objects ktgt_live;
static DEFINE_IDA(ktgt_tsih_ida);
static struct dentry *ktgt_debugfs;

static void ktgt_debugfs_init(void)
{
	struct dentry *dir;

	ktgt_debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	dir = debugfs_create_dir("objects", ktgt_debugfs);
	debugfs_create_atomic_t("conns", 0444, dir, &ktgt_live.conns);
	debugfs_create_atomic_t("sessions", 0444, dir, &ktgt_live.sessions);
	debugfs_create_atomic_t("cmds", 0444, dir, &ktgt_live.cmds);
	debugfs_create_atomic_t("pdus", 0444, dir, &ktgt_live.pdus);
	debugfs_create_atomic_t("unit_attentions", 0444, dir, &ktgt_live.uas);
}

/**
 * ktgt_tsih_alloc() - pick a Target Session Identifying Handle
 *
 * Return: a TSIH in 1..65535, or a negative errno.
 */
int ktgt_tsih_alloc(void)
{
	return ida_alloc_range(&ktgt_tsih_ida, 1, 0xffff, GFP_KERNEL);
}

/**
 * ktgt_tsih_free() - release a TSIH
 * @tsih: from ktgt_tsih_alloc()
 */
void ktgt_tsih_free(int tsih)
{
	ida_free(&ktgt_tsih_ida, tsih);
}

static int __init ktgt_init(void)
{
	int ret;

	/*
	 * Normal priority, not WQ_HIGHPRI: at nice -20 io_work starved the
	 * softirq thread and the initiator sharing its CPU, which halved 4k
	 * IOPS at QD32 (Documentation/performance.rst).
	 */
	ktgt_io_wq = alloc_workqueue("ktgt_io", WQ_MEM_RECLAIM, 0);
	if (!ktgt_io_wq)
		return -ENOMEM;

	ret = ktgt_bdev_init();
	if (ret)
		goto out_destroy_wq;
	ktgt_debugfs_init();
	ret = ktgt_pool_init(ktgt_debugfs);
	if (ret)
		goto out_remove_debugfs;
	ret = ktgt_netlink_init();
	if (ret)
		goto out_pool_exit;

	pr_info("iSCSI target loaded\n");
	return 0;

out_pool_exit:
	ktgt_pool_exit();
out_remove_debugfs:
	debugfs_remove(ktgt_debugfs);
	ktgt_bdev_exit();
out_destroy_wq:
	destroy_workqueue(ktgt_io_wq);
	return ret;
}

static void __exit ktgt_exit(void)
{
	/* no new config requests, then tear down what they built */
	ktgt_netlink_exit();
	ktgt_targets_destroy();
	ktgt_conns_destroy();
	destroy_workqueue(ktgt_io_wq);
	debugfs_remove(ktgt_debugfs);
	ktgt_pool_exit();
	ktgt_bdev_exit();
	ida_destroy(&ktgt_tsih_ida);
	pr_info("iSCSI target unloaded\n");
}

module_init(ktgt_init);
module_exit(ktgt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("In-kernel iSCSI target");
MODULE_ALIAS_GENL_FAMILY(KTGT_FAMILY_NAME);
