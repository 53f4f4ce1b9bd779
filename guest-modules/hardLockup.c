// SPDX-License-Identifier: GPL-2.0
/*
 * hardLockup.ko - the second seed's module, code unchanged (comments translated): its init prints
 * "Simulating hard lockup...", disables local interrupts and spins with cpu_relax(). Timer interrupts
 * stop on that CPU, so only an NMI can see it: the perf-counter NMI watchdog reports
 *   NMI watchdog: Watchdog detected hard LOCKUP on cpu N
 *   RIP: 0010:hardlockup_test_init+0x.../0x1000 [hardLockup]
 * after watchdog_thresh seconds (and panics with "Hard LOCKUP" if kernel.hardlockup_panic is 1).
 * On QEMU TCG (no PMU) use the buddy detector (see docs/modules.md).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
static int __init hardlockup_test_init(void)
{
printk(KERN_INFO "Simulating hard lockup...\n");
// disable interrupts on this CPU
local_irq_disable();
/*
*
*/
// enter an endless loop that simulates a deadlock
while (1) {
// busy loop: the system answers no interrupt
cpu_relax(); // let the CPU optimise the spin (PAUSE)
}
#if 0
// simulate a long blocking I/O operation that cannot be interrupted
msleep(100000); // block for 100 seconds
// re-enable interrupts
local_irq_enable();
#endif
return 0;
}
static void __exit hardlockup_test_exit(void)
{
// re-enable interrupts
local_irq_enable();
printk(KERN_INFO "Hard lockup simulation exit\n");
}
module_init(hardlockup_test_init);
module_exit(hardlockup_test_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Qing");
MODULE_DESCRIPTION("Simulate Hard Lockup for NMI Watchdog Test");
