// Test-only module exporting a symbol to modules loaded after it.
#include <linux/module.h>
#include <linux/kernel.h>

int kmod_test_value = 42;
int kmod_test_fn(int x)
{
	return x + kmod_test_value;
}
EXPORT_SYMBOL(kmod_test_fn);

static int __init kmod_exporter_init(void) { return 0; }
static void __exit kmod_exporter_exit(void) { }
module_init(kmod_exporter_init);
module_exit(kmod_exporter_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("exports kmod_test_fn");
