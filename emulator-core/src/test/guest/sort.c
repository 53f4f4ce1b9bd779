/* Quicksort (with insertion sort for small ranges) and heapsort of pseudo-random keys. */
#include "rt.h"

#define N 3000

static u32 keys[N];
static i64 skeys[N];

static void
insertion_sort(u32 *a, int lo, int hi)
{
  for (int i = lo + 1; i <= hi; i++) {
    u32 v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void
quick_sort(u32 *a, int lo, int hi)
{
  while (hi - lo > 12) {
    u32 p = a[lo + (hi - lo) / 2];
    int i = lo;
    int j = hi;
    while (i <= j) {
      while (a[i] < p) {
        i++;
      }
      while (a[j] > p) {
        j--;
      }
      if (i <= j) {
        u32 t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      quick_sort(a, lo, j);
      lo = i;
    } else {
      quick_sort(a, i, hi);
      hi = j;
    }
  }
  insertion_sort(a, lo, hi);
}

static void
sift_down(i64 *a, int start, int end)
{
  int root = start;
  while (2 * root + 1 <= end) {
    int child = 2 * root + 1;
    if (child + 1 <= end && a[child] < a[child + 1]) {
      child++;
    }
    if (a[root] >= a[child]) {
      return;
    }
    i64 t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

static void
heap_sort(i64 *a, int n)
{
  for (int s = (n - 2) / 2; s >= 0; s--) {
    sift_down(a, s, n - 1);
  }
  for (int end = n - 1; end > 0; end--) {
    i64 t = a[end];
    a[end] = a[0];
    a[0] = t;
    sift_down(a, 0, end - 1);
  }
}

unsigned long
guest_main(unsigned long arg)
{
  u64 st = 0x1234567 + arg;
  for (int i = 0; i < N; i++) {
    keys[i] = (u32)rt_next(&st);
    skeys[i] = (i64)rt_next(&st) >> (i % 40);
  }
  quick_sort(keys, 0, N - 1);
  heap_sort(skeys, N);
  u64 h = RT_FNV_INIT;
  for (int i = 0; i < N; i++) {
    if (i > 0 && (keys[i - 1] > keys[i] || skeys[i - 1] > skeys[i])) {
      return 0xbad;
    }
    h = rt_mix(h, keys[i]);
    h = rt_mix(h, (u64)skeys[i]);
  }
  return h;
}
