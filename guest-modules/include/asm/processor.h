#include <linux/processor.h>
