// SPDX-License-Identifier: GPL-2.0
/* Test-only module for the end-to-end tests (CliE2eTest): writes `code` to the isa-debug-exit port
 * 0xf4, which ends a scripted emu run with exit status (code << 1) | 1. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>

static int code = 0x2a;
module_param(code, int, 0444);
MODULE_PARM_DESC(code, "value written to port 0xf4 (default 0x2a)");

static int __init e2e_debugexit_init(void)
{
	unsigned char v = (unsigned char)code;

	printk(KERN_INFO "e2e_debugexit: writing %d to port 0xf4\n", code);
	asm volatile("outb %0, %1" : : "a"(v), "Nd"((unsigned short)0xf4));
	return 0;
}

module_init(e2e_debugexit_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("e2e test module: isa-debug-exit");
