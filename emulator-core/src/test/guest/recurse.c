/* Deep and branchy recursion: Ackermann, naive Fibonacci, Towers of Hanoi, permutations. */
#include "rt.h"

static u64 moves;

static u64
ackermann(u64 m, u64 n)
{
  if (m == 0) {
    return n + 1;
  }
  if (n == 0) {
    return ackermann(m - 1, 1);
  }
  return ackermann(m - 1, ackermann(m, n - 1));
}

static u64
fib(u32 n)
{
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void
hanoi(int n, int from, int to, int via, u64 *h)
{
  if (n == 0) {
    return;
  }
  hanoi(n - 1, from, via, to, h);
  moves++;
  *h = rt_mix(*h, (u64)(from * 3 + to));
  hanoi(n - 1, via, to, from, h);
}

static void
permute(int *a, int k, int n, u64 *h)
{
  if (k == n) {
    u64 v = 0;
    for (int i = 0; i < n; i++) {
      v = v * 10 + (u64)a[i];
    }
    *h ^= v * 0x9e3779b97f4a7c15UL;
    *h = (*h << 7) | (*h >> 57);
    return;
  }
  for (int i = k; i < n; i++) {
    int t = a[k];
    a[k] = a[i];
    a[i] = t;
    permute(a, k + 1, n, h);
    a[i] = a[k];
    a[k] = t;
  }
}

unsigned long
guest_main(unsigned long arg)
{
  u64 h = RT_FNV_INIT;
  h = rt_mix(h, ackermann(2, 300 + (arg & 7)));
  h = rt_mix(h, ackermann(3, 5));
  h = rt_mix(h, fib(22));
  hanoi(14, 1, 3, 2, &h);
  h = rt_mix(h, moves);
  int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  permute(a, 0, 8, &h);
  return h;
}
