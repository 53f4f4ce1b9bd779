// SPDX-License-Identifier: GPL-2.0
/*
 * softLockup.ko - the first seed's test module: its init function prints "softlockup_init" and then
 * loops forever without scheduling. Load it in the background so the shell stays usable:
 *
 *     insmod softLockup.ko &
 *
 * With preempt=none (the default) or preempt=voluntary nothing else can run on that CPU, so after
 * 2*watchdog_thresh seconds (20-24 s by default) the soft lockup detector reports
 *   watchdog: BUG: soft lockup - CPU#N stuck for 22s! [insmod:PID]
 *   RIP: 0010:softlockup_init+0x.../0x1000 [softLockup]
 * and panics if kernel.softlockup_panic is 1. With preempt=full the loop is preempted and the detector
 * stays quiet (use spinlock_lockup.ko to soft-lock under preempt=full). The module never finishes
 * loading, so it cannot be removed.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>

static int __init softlockup_init(void)
{
	printk(KERN_INFO "softlockup_init\n");
	while (1)
		;
	return 0;
}

static void __exit softlockup_exit(void)
{
	printk(KERN_INFO "softlockup_exit\n");
}

module_init(softlockup_init);
module_exit(softlockup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Soft lockup test: init loops forever without scheduling");
MODULE_AUTHOR("emu project");
