/* CRC-32 (IEEE, table driven) and CRC-32C (bitwise) over a generated buffer; Adler-32 too. */
#include "rt.h"

#define LEN 32768

static u32 table[256];
static u8 buf[LEN];

static void
crc32_init(void)
{
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) {
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
}

static u32
crc32(const u8 *p, size_t n)
{
  u32 c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  }
  return c ^ 0xffffffffu;
}

static u32
crc32c_bitwise(const u8 *p, size_t n)
{
  u32 c = ~0u;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) {
      c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
    }
  }
  return ~c;
}

static u32
adler32(const u8 *p, size_t n)
{
  u32 a = 1;
  u32 b = 0;
  for (size_t i = 0; i < n; i++) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return b << 16 | a;
}

unsigned long
guest_main(unsigned long arg)
{
  crc32_init();
  u64 st = 0xc0ffee + arg;
  for (int i = 0; i < LEN; i += 8) {
    u64 v = rt_next(&st);
    memcpy(buf + i, &v, 8);
  }
  u64 h = RT_FNV_INIT;
  h = rt_mix(h, crc32((const u8 *)"123456789", 9)); /* check value 0xcbf43926 */
  h = rt_mix(h, crc32(buf, LEN));
  h = rt_mix(h, crc32c_bitwise(buf, LEN / 4));
  h = rt_mix(h, adler32(buf, LEN));
  return h;
}
