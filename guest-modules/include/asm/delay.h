#include <linux/delay.h>
