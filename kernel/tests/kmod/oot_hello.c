// A test-only out-of-tree module for the host loader test (built without --intree).
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>

static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "how many times");

static char *who = "world";
module_param(who, charp, 0444);
MODULE_PARM_DESC(who, "whom to greet");

static int __init oot_hello_init(void)
{
	int i;

	for (i = 0; i < count; i++)
		pr_info("hello, %s\n", who);
	return 0;
}

static void __exit oot_hello_exit(void)
{
	pr_info("goodbye, %s\n", who);
}

module_init(oot_hello_init);
module_exit(oot_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Out-of-tree test module");
