/* 128-bit arithmetic via __int128: mul, div, mod (libgcc __udivti3/__divti3/__umodti3), shifts. */
#include "rt.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static u128
mulmod(u128 a, u128 b, u128 m)
{
  u128 r = 0;
  a %= m;
  while (b) {
    if (b & 1) {
      r = (r + a) % m;
    }
    a = (a << 1) % m;
    b >>= 1;
  }
  return r;
}

static u128
powmod(u128 b, u128 e, u128 m)
{
  u128 r = 1;
  while (e) {
    if (e & 1) {
      r = mulmod(r, b, m);
    }
    b = mulmod(b, b, m);
    e >>= 1;
  }
  return r;
}

unsigned long
guest_main(unsigned long arg)
{
  u64 st = 0x128128 + arg;
  u64 h = RT_FNV_INIT;
  for (int i = 0; i < 300; i++) {
    u128 a = (u128)rt_next(&st) << 64 | rt_next(&st);
    u128 b = (u128)rt_next(&st) << (i % 64) | 1;
    i128 sa = (i128)a >> (i % 7);
    i128 sb = -(i128)(b >> 3) - 1;
    u128 p = a * b;
    h = rt_mix(h, (u64)(p >> 64));
    h = rt_mix(h, (u64)p);
    h = rt_mix(h, (u64)(a / b));
    h = rt_mix(h, (u64)(a % b));
    h = rt_mix(h, (u64)(sa / sb));
    h = rt_mix(h, (u64)(sa % sb));
    h = rt_mix(h, (u64)((u128)sa >> 100));
  }
  /* 2^127-1 is a Mersenne prime: Fermat test with base 3 */
  u128 m = ((u128)1 << 127) - 1;
  h = rt_mix(h, (u64)powmod(3, m - 1, m));
  return h;
}
