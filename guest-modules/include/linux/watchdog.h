#include <linux/nmi.h>
