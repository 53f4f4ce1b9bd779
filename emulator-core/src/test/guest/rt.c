/* memcpy/memset/memmove/memcmp for the guest build (gcc may emit calls to them). */
#include "rt.h"

void *
memcpy(void *dst, const void *src, size_t n)
{
  void *d = dst;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

void *
memset(void *dst, int c, size_t n)
{
  void *d = dst;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
  if ((const u8 *)dst <= (const u8 *)src || (const u8 *)dst >= (const u8 *)src + n) {
    return memcpy(dst, src, n);
  }
  const u8 *s = (const u8 *)src + n - 1;
  u8 *d = (u8 *)dst + n - 1;
  __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
  const u8 *x = a;
  const u8 *y = b;
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) {
      return x[i] < y[i] ? -1 : 1;
    }
  }
  return 0;
}
