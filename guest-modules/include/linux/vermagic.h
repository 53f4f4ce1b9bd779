#ifndef _LINUX_VERMAGIC_H
#define _LINUX_VERMAGIC_H
#include <linux/emu_module_abi.h>
#define VERMAGIC_STRING EMU_VERMAGIC_STRING
#endif
