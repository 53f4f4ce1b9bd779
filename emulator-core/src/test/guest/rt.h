/* Shared declarations of the freestanding test programs (guest and host builds). */
#ifndef GUEST_RT_H
#define GUEST_RT_H

typedef unsigned long size_t;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

unsigned long guest_main(unsigned long arg);

/* Deterministic pseudo-random stream (xorshift64*). */
static inline u64
rt_next(u64 *state)
{
  u64 x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dUL;
}

/* FNV-1a style mixing of a 64-bit value into a running checksum. */
static inline u64
rt_mix(u64 h, u64 v)
{
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3UL;
  }
  return h;
}

#define RT_FNV_INIT 0xcbf29ce484222325UL

#endif
