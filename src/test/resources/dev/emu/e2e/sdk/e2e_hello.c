// SPDX-License-Identifier: GPL-2.0
/* Test-only module for the end-to-end tests (ModulesE2eTest): built with scripts/emu-module-build at
 * test time, loaded through --module-dir. Prints a greeting `count` times; says goodbye on rmmod. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>

static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "how many greetings to print (default 1)");

static char *who = "world";
module_param(who, charp, 0444);
MODULE_PARM_DESC(who, "whom to greet (default world)");

static int __init e2e_hello_init(void)
{
	int i;

	for (i = 0; i < count; i++)
		printk(KERN_INFO "e2e_hello: hello %s #%d\n", who, i);
	return 0;
}

static void __exit e2e_hello_exit(void)
{
	printk(KERN_INFO "e2e_hello: goodbye %s\n", who);
}

module_init(e2e_hello_init);
module_exit(e2e_hello_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("emu e2e tests");
MODULE_DESCRIPTION("e2e test module: greets and says goodbye");
