/* Not provided by the SDK yet: poll an atomic_t or use msleep() instead. */
#include <linux/atomic.h>
