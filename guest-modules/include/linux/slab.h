#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H
#include <linux/types.h>
#define GFP_KERNEL 0u
#define GFP_ATOMIC 1u
#define __GFP_ZERO 0x100u
void *kmalloc(size_t size, gfp_t flags);
void *kzalloc(size_t size, gfp_t flags);
void kfree(const void *p);
#endif
