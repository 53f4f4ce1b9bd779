/*
 * CpuBench workload: a CPU-bound mix typical of kernel-ish integer code (table CRC, insertion
 * and shell sorts, a sieve, a switch-dispatched state machine, multiply/divide, string copies).
 * guest_main(iterations) returns a checksum that depends on every iteration.
 */
#include "rt.h"

#define BUF 4096
#define KEYS 512
#define SIEVE 16384

static u32 crc_table[256];
static u8 data[BUF];
static u8 copy[BUF];
static u32 keys[KEYS];
static u8 composite[SIEVE];

static void
crc_init(void)
{
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) {
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    crc_table[i] = c;
  }
}

static u32
crc(const u8 *p, size_t n, u32 c)
{
  c = ~c;
  for (size_t i = 0; i < n; i++) {
    c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  }
  return ~c;
}

static void
shell_sort(u32 *a, int n)
{
  static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
  for (int g = 0; g < 8; g++) {
    int gap = gaps[g];
    for (int i = gap; i < n; i++) {
      u32 v = a[i];
      int j = i;
      while (j >= gap && a[j - gap] > v) {
        a[j] = a[j - gap];
        j -= gap;
      }
      a[j] = v;
    }
  }
}

static u32
sieve(void)
{
  memset(composite, 0, sizeof composite);
  u32 count = 0;
  for (u32 i = 2; i < SIEVE; i++) {
    if (!composite[i]) {
      count++;
      for (u32 j = i * 2; j < SIEVE; j += i) {
        composite[j] = 1;
      }
    }
  }
  return count;
}

static u64
state_machine(const u8 *p, size_t n)
{
  u64 acc = 0;
  int state = 0;
  for (size_t i = 0; i < n; i++) {
    u8 c = p[i];
    switch ((state + c) & 7) {
    case 0: acc += c; state = 1; break;
    case 1: acc ^= acc << 3; state = 2; break;
    case 2: acc -= c * 7u; state = 4; break;
    case 3: acc = (acc >> 5) | (acc << 59); state = 0; break;
    case 4: acc *= 0x9e37u; state = 3; break;
    case 5: acc += acc / ((u64)c + 1); state = 6; break;
    case 6: state = c & 3; break;
    default: acc = ~acc; state = 5; break;
    }
  }
  return acc;
}

unsigned long
guest_main(unsigned long iterations)
{
  crc_init();
  u64 st = 0x5eed;
  for (int i = 0; i < BUF; i += 8) {
    u64 v = rt_next(&st);
    memcpy(data + i, &v, 8);
  }
  u64 h = RT_FNV_INIT;
  for (unsigned long it = 0; it < iterations; it++) {
    data[it % BUF] ^= (u8)it;
    h = rt_mix(h, crc(data, BUF, (u32)it));
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (u32)rt_next(&st);
    }
    shell_sort(keys, KEYS);
    h = rt_mix(h, keys[it % KEYS]);
    h = rt_mix(h, sieve());
    memcpy(copy, data, BUF);
    h = rt_mix(h, state_machine(copy, BUF));
  }
  return h;
}
