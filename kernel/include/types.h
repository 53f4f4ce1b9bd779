/* Basic fixed-width types (kernel-wide). */
#ifndef _TYPES_H
#define _TYPES_H
#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef long ssize_t;
typedef unsigned long phys_addr_t;
typedef int pid_t;
typedef unsigned int gfp_t;
#endif
#endif
