/* A small vsnprintf (%d %i %u %x %X %o %c %s %p %%, l/ll, width, '-', '0') into a buffer. */
#include "rt.h"
#include <stdarg.h>

static char out[8192];

static int
put_num(char *b, int pos, int cap, u64 v, int base, int neg, int upper, int width, int left, int zero)
{
  char tmp[24];
  int n = 0;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    tmp[n++] = digits[v % (u64)base];
    v /= (u64)base;
  } while (v);
  int len = n + (neg ? 1 : 0);
  int pad = width > len ? width - len : 0;
  if (!left && !zero) {
    while (pad-- > 0 && pos < cap) {
      b[pos++] = ' ';
    }
  }
  if (neg && pos < cap) {
    b[pos++] = '-';
  }
  if (!left && zero) {
    while (pad-- > 0 && pos < cap) {
      b[pos++] = '0';
    }
  }
  while (n > 0 && pos < cap) {
    b[pos++] = tmp[--n];
  }
  while (left && pad-- > 0 && pos < cap) {
    b[pos++] = ' ';
  }
  return pos;
}

static int
mini_vsnprintf(char *b, int cap, const char *f, va_list ap)
{
  int pos = 0;
  for (; *f && pos < cap - 1; f++) {
    if (*f != '%') {
      b[pos++] = *f;
      continue;
    }
    f++;
    int left = 0;
    int zero = 0;
    int width = 0;
    int lng = 0;
    for (; *f == '-' || *f == '0'; f++) {
      left |= *f == '-';
      zero |= *f == '0';
    }
    for (; *f >= '0' && *f <= '9'; f++) {
      width = width * 10 + (*f - '0');
    }
    for (; *f == 'l'; f++) {
      lng++;
    }
    switch (*f) {
    case 'd':
    case 'i': {
      i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
      pos = put_num(b, pos, cap - 1, v < 0 ? -(u64)v : (u64)v, 10, v < 0, 0, width, left, zero);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      u64 v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned);
      int base = *f == 'u' ? 10 : *f == 'o' ? 8 : 16;
      pos = put_num(b, pos, cap - 1, v, base, 0, *f == 'X', width, left, zero);
      break;
    }
    case 'p':
      pos = put_num(b, pos, cap - 1, (u64)va_arg(ap, void *), 16, 0, 0, 16, 0, 1);
      break;
    case 'c':
      b[pos++] = (char)va_arg(ap, int);
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      int len = 0;
      while (s[len]) {
        len++;
      }
      for (int p = len; !left && p < width && pos < cap - 1; p++) {
        b[pos++] = ' ';
      }
      for (int i = 0; i < len && pos < cap - 1; i++) {
        b[pos++] = s[i];
      }
      for (int p = len; left && p < width && pos < cap - 1; p++) {
        b[pos++] = ' ';
      }
      break;
    }
    case '%':
      b[pos++] = '%';
      break;
    default:
      b[pos++] = '?';
      break;
    }
  }
  b[pos] = 0;
  return pos;
}

static int
mini_snprintf(char *b, int cap, const char *f, ...)
{
  va_list ap;
  va_start(ap, f);
  int n = mini_vsnprintf(b, cap, f, ap);
  va_end(ap);
  return n;
}

unsigned long
guest_main(unsigned long arg)
{
  static const char *const words[] = {"alpha", "beta", "gamma", "delta", "", "epsilon"};
  u64 st = 0xf00d + arg;
  u64 h = RT_FNV_INIT;
  int pos = 0;
  for (int i = 0; i < 200; i++) {
    u64 r = rt_next(&st);
    pos += mini_snprintf(out + pos, (int)sizeof out - pos, "[%d|%5u|%-6x|%08lX|%lld|%o|%c|%-7s|%7s]\n",
                         (int)r, (unsigned)(r >> 7), (unsigned)(r >> 13), r, (long long)r >> 3,
                         (unsigned)(r & 0777), 'A' + (int)(r % 26), words[r % 6], words[(r >> 8) % 6]);
    if (pos > (int)sizeof out - 200) {
      for (int k = 0; k < pos; k++) {
        h = (h ^ (u8)out[k]) * 0x100000001b3UL;
      }
      pos = 0;
    }
  }
  for (int k = 0; k < pos; k++) {
    h = (h ^ (u8)out[k]) * 0x100000001b3UL;
  }
  return h;
}
