/*
 * Compiler idioms on integer bits: ctz/clz (rep bsf / bsr), popcount (libgcc), bswap, rotates,
 * overflow builtins (seto/setc/jo), division by constants (mul-high), 8/16-bit arithmetic,
 * bit-fields, struct copies, function pointers.
 */
#include "rt.h"

struct packed {
  unsigned a : 3;
  unsigned b : 7;
  signed c : 5;
  unsigned d : 17;
};

struct big {
  u64 w[9];
  u16 h[3];
  u8 t;
};

typedef u64 (*op_fn)(u64, u64);

static u64 op_add(u64 a, u64 b) { return a + b; }
static u64 op_rot(u64 a, u64 b) { return (a << (b & 63)) | (a >> (-b & 63)); }
static u64 op_div(u64 a, u64 b) { return a / 10 + (u64)((i64)b / -7) + (a % 1000003); }
static u64 op_mix(u64 a, u64 b) { return __builtin_bswap64(a) ^ __builtin_bswap32((u32)b); }

static const op_fn ops[] = {op_add, op_rot, op_div, op_mix};

static struct big
make_big(u64 seed)
{
  struct big g;
  for (int i = 0; i < 9; i++) {
    g.w[i] = seed * (u64)(i + 1);
  }
  g.h[0] = (u16)seed;
  g.h[1] = (u16)(seed >> 16);
  g.h[2] = (u16)(seed >> 32);
  g.t = (u8)(seed >> 56);
  return g;
}

unsigned long
guest_main(unsigned long arg)
{
  u64 st = 0xb175 + arg;
  u64 h = RT_FNV_INIT;
  struct packed pk = {0, 0, 0, 0};
  struct big acc = make_big(1);
  for (int i = 0; i < 3000; i++) {
    u64 x = rt_next(&st);
    u64 y = rt_next(&st) >> (i & 31);
    h = rt_mix(h, x ? (u64)__builtin_ctzll(x) : 64);
    h = rt_mix(h, y ? (u64)__builtin_clzll(y) : 64);
    h = rt_mix(h, (u64)__builtin_popcountll(x ^ y));
    h = rt_mix(h, (u64)__builtin_ctz((u32)x | 0x80000000u) + (u64)__builtin_clz((u32)y | 1));
    u64 r;
    h = rt_mix(h, (u64)__builtin_mul_overflow(x, y, &r) * 3 + (u64)__builtin_add_overflow((i64)x, (i64)y, (i64 *)&r));
    h = rt_mix(h, r);
    i64 sr;
    h = rt_mix(h, (u64)__builtin_sub_overflow((int)x, (int)y, (int *)&sr));
    u8 b8 = (u8)x;
    u16 b16 = (u16)y;
    b8 = (u8)(b8 * 7 + (b8 >> 3));
    b16 = (u16)((b16 ^ (u16)(b16 << 5)) / 3);
    signed char sc = (signed char)(b8 - 100);
    short ss = (short)(b16 - 30000);
    h = rt_mix(h, (u64)(b8 + b16) + (u64)(i64)(sc * ss) + (u64)(i64)(ss / (sc | 1)));
    pk.a += (unsigned)x;
    pk.b ^= (unsigned)(x >> 3);
    pk.c = (int)(pk.c + (int)(y & 7) - 3);
    pk.d += (unsigned)(y >> 5);
    h = rt_mix(h, (u64)pk.a << 48 | (u64)pk.b << 32 | (u64)(u32)pk.c << 20 | pk.d);
    struct big g = make_big(x);
    if (y & 1) {
      acc = g;
    } else {
      acc.w[i % 9] += g.w[(i + 3) % 9];
    }
    h = rt_mix(h, ops[i & 3](x, y));
    u64 q = x / 1000000007u;
    i64 sq = (i64)x / 12345;
    h = rt_mix(h, q + (u64)sq + (x % 97) + (u64)((i64)y % -13));
  }
  for (int i = 0; i < 9; i++) {
    h = rt_mix(h, acc.w[i]);
  }
  h = rt_mix(h, (u64)acc.h[0] << 32 | (u64)acc.h[1] << 16 | acc.h[2]);
  return rt_mix(h, acc.t);
}
