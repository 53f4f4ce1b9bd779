/* Sieve of Eratosthenes on a bit array, plus a prime-gap histogram. */
#include "rt.h"

#define LIMIT 400000

static u64 bits[LIMIT / 64 + 1];

unsigned long
guest_main(unsigned long arg)
{
  u32 limit = LIMIT - (u32)(arg & 0xff);
  memset(bits, 0, sizeof bits);
  for (u32 i = 2; (u64)i * i < limit; i++) {
    if (!(bits[i >> 6] >> (i & 63) & 1)) {
      for (u32 j = i * i; j < limit; j += i) {
        bits[j >> 6] |= 1UL << (j & 63);
      }
    }
  }
  u32 count = 0;
  u64 sum = 0;
  u32 gaps[64] = {0};
  u32 prev = 2;
  for (u32 i = 2; i < limit; i++) {
    if (!(bits[i >> 6] >> (i & 63) & 1)) {
      count++;
      sum += i;
      u32 g = i - prev;
      gaps[g < 63 ? g : 63]++;
      prev = i;
    }
  }
  u64 h = rt_mix(RT_FNV_INIT, count);
  h = rt_mix(h, sum);
  for (int i = 0; i < 64; i++) {
    h = rt_mix(h, gaps[i]);
  }
  return h;
}
