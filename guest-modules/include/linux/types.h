#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;   /* as Linux (int-ll64.h): printk u64 with %llu */
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef long ssize_t;
typedef int pid_t;
typedef unsigned int gfp_t;
typedef s64 ktime_t;
typedef unsigned long phys_addr_t;
#endif
