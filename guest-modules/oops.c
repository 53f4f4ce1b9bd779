// SPDX-License-Identifier: GPL-2.0
/*
 * oops.ko - exercises the oops path from a module's init (in the insmod task):
 *   insmod oops.ko                 NULL pointer dereference (default, type=null)
 *   insmod oops.ko type=bug        BUG()  -> "invalid opcode: 0000 [#1] SMP"
 *   insmod oops.ko type=divzero    integer divide by zero -> "divide error: 0000 [#1] SMP"
 *   insmod oops.ko type=warn       WARN_ON(1): a warning with a backtrace, then init returns 0
 *   insmod oops.ko type=panic      panic("oops.ko: requested panic")
 * The faulting functions are in the module's core text, so RIP shows e.g.
 *   RIP: 0010:oops_null_deref+0x.../0x... [oops]  and the trace goes through oops_init.
 * oops_kind() comes first in .text so that the faulting instructions lie more than 42 bytes into
 * the page: the "Code:" line can then show its 42 bytes before RIP (Linux prints "Code: Bad RIP
 * value." when they would start in the unmapped page before a module's text).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/string.h>

static char *type = "null";
module_param(type, charp, 0444);
MODULE_PARM_DESC(type, "what to do: null (NULL dereference, default), bug (BUG()), divzero (divide by zero), warn (WARN_ON), panic");

static int divisor;
module_param(divisor, int, 0444);
MODULE_PARM_DESC(divisor, "divisor used by type=divzero (default 0)");

enum oops_kind { OOPS_NULL, OOPS_BUG, OOPS_DIVZERO, OOPS_WARN, OOPS_PANIC, OOPS_UNKNOWN };

static noinline __attribute__((section(".text"))) enum oops_kind oops_kind(const char *t)
{
	if (!strcmp(t, "null"))
		return OOPS_NULL;
	if (!strcmp(t, "bug"))
		return OOPS_BUG;
	if (!strcmp(t, "divzero"))
		return OOPS_DIVZERO;
	if (!strcmp(t, "warn"))
		return OOPS_WARN;
	if (!strcmp(t, "panic"))
		return OOPS_PANIC;
	return OOPS_UNKNOWN;
}

static noinline __attribute__((cold)) int oops_null_deref(void)
{
	int *volatile p = NULL;

	*p = 0x1234;
	return *p;
}

static noinline __attribute__((cold)) void oops_bug(void)
{
	BUG();
}

static volatile int oops_sink;

static noinline __attribute__((cold)) int oops_divzero(int d)
{
	volatile int num = 42;

	oops_sink = num / d;    /* stored to a volatile: the idiv cannot be optimized away */
	return oops_sink;
}

static int __init oops_init(void)
{
	printk(KERN_INFO "oops: type=%s\n", type);
	switch (oops_kind(type)) {
	case OOPS_NULL:
		return oops_null_deref();
	case OOPS_BUG:
		oops_bug();
		return 0;
	case OOPS_DIVZERO:
		return oops_divzero(divisor) < 0 ? -EINVAL : 0;
	case OOPS_WARN:
		WARN_ON(1);
		return 0;
	case OOPS_PANIC:
		panic("oops.ko: requested panic");
	default:
		break;
	}
	printk(KERN_ERR "oops: unknown type '%s' (null, bug, divzero, warn, panic)\n", type);
	return -EINVAL;
}

static void __exit oops_exit(void)
{
	printk(KERN_INFO "oops: unloaded\n");
}

module_init(oops_init);
module_exit(oops_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Oops test: NULL dereference, BUG() or divide by zero, chosen by a parameter");
MODULE_AUTHOR("emu project");
