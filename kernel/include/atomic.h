/* Atomics (lock-prefixed integer instructions only). */
#ifndef _ATOMIC_H
#define _ATOMIC_H
#include "types.h"
#include "compiler.h"
typedef struct { volatile int counter; } atomic_t;
typedef struct { volatile long counter; } atomic_long_t;
#define ATOMIC_INIT(i) { (i) }
static inline int atomic_read(const atomic_t *v) { return READ_ONCE(v->counter); }
static inline void atomic_set(atomic_t *v, int i) { WRITE_ONCE(v->counter, i); }
static inline int atomic_add_return(int i, atomic_t *v) { return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }
static inline void atomic_add(int i, atomic_t *v) { atomic_add_return(i, v); }
static inline void atomic_sub(int i, atomic_t *v) { atomic_add_return(-i, v); }
static inline void atomic_inc(atomic_t *v) { atomic_add_return(1, v); }
static inline void atomic_dec(atomic_t *v) { atomic_add_return(-1, v); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_add_return(1, v); }
static inline int atomic_dec_and_test(atomic_t *v) { return atomic_add_return(-1, v) == 0; }
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{ __atomic_compare_exchange_n(&v->counter, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); return old; }
static inline int atomic_xchg(atomic_t *v, int n) { return __atomic_exchange_n(&v->counter, n, __ATOMIC_SEQ_CST); }
#define cmpxchg(p, o, n) ({ __typeof__(*(p)) __o = (o); __atomic_compare_exchange_n((p), &__o, (n), 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); __o; })
#define xchg(p, n) __atomic_exchange_n((p), (n), __ATOMIC_SEQ_CST)
static inline void set_bit(int nr, volatile unsigned long *a) { __atomic_or_fetch(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST); }
static inline void clear_bit(int nr, volatile unsigned long *a) { __atomic_and_fetch(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST); }
static inline int test_bit(int nr, const volatile unsigned long *a) { return (a[nr / 64] >> (nr % 64)) & 1; }
static inline int test_and_set_bit(int nr, volatile unsigned long *a)
{ return (__atomic_fetch_or(&a[nr / 64], 1UL << (nr % 64), __ATOMIC_SEQ_CST) >> (nr % 64)) & 1; }
static inline int test_and_clear_bit(int nr, volatile unsigned long *a)
{ return (__atomic_fetch_and(&a[nr / 64], ~(1UL << (nr % 64)), __ATOMIC_SEQ_CST) >> (nr % 64)) & 1; }
#endif
