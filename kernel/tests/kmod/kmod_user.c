// Test-only module using kmod_exporter's symbol.
#include <linux/module.h>
#include <linux/kernel.h>

int kmod_test_fn(int x);
int (*kmod_user_ptr)(int) = kmod_test_fn;

static int __init kmod_user_init(void) { return kmod_test_fn(1) == 43 ? 0 : -EINVAL; }
static void __exit kmod_user_exit(void) { }
module_init(kmod_user_init);
module_exit(kmod_user_exit);
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("uses kmod_test_fn");
