/* CPU masks (NR_CPUS <= 64: one word). */
#ifndef _CPUMASK_H
#define _CPUMASK_H
#include "types.h"
#include "percpu.h"
#include "atomic.h"
typedef struct cpumask { unsigned long bits[1]; } cpumask_t;
extern struct cpumask __cpu_online_mask, __cpu_possible_mask;
#define cpu_online_mask (&__cpu_online_mask)
#define cpu_possible_mask (&__cpu_possible_mask)
extern unsigned int nr_cpu_ids;
#define cpumask_bits(m) ((m)->bits)
static inline void cpumask_set_cpu(int c, struct cpumask *m) { set_bit(c, m->bits); }
static inline void cpumask_clear_cpu(int c, struct cpumask *m) { clear_bit(c, m->bits); }
static inline int cpumask_test_cpu(int c, const struct cpumask *m) { return test_bit(c, m->bits); }
static inline void cpumask_clear(struct cpumask *m) { m->bits[0] = 0; }
static inline void cpumask_setall(struct cpumask *m) { m->bits[0] = nr_cpu_ids >= 64 ? ~0UL : (1UL << nr_cpu_ids) - 1; }
static inline void cpumask_copy(struct cpumask *d, const struct cpumask *s) { d->bits[0] = s->bits[0]; }
static inline int cpumask_empty(const struct cpumask *m) { return m->bits[0] == 0; }
static inline int cpumask_weight(const struct cpumask *m)
{ unsigned long b = m->bits[0]; int n = 0; while (b) { b &= b - 1; n++; } return n; }
static inline int cpumask_equal(const struct cpumask *a, const struct cpumask *b) { return a->bits[0] == b->bits[0]; }
static inline void cpumask_and(struct cpumask *d, const struct cpumask *a, const struct cpumask *b) { d->bits[0] = a->bits[0] & b->bits[0]; }
static inline void cpumask_or(struct cpumask *d, const struct cpumask *a, const struct cpumask *b) { d->bits[0] = a->bits[0] | b->bits[0]; }
static inline void cpumask_andnot(struct cpumask *d, const struct cpumask *a, const struct cpumask *b) { d->bits[0] = a->bits[0] & ~b->bits[0]; }
/* lowest set bit by a plain loop: no bsf/tzcnt (keeps the emulator's instruction set small) */
static inline int __lowest_bit(unsigned long b) { int n = 0; while (!(b & 1)) { b >>= 1; n++; } return n; }
static inline int cpumask_first(const struct cpumask *m) { return m->bits[0] ? __lowest_bit(m->bits[0]) : (int)nr_cpu_ids; }
static inline int cpumask_next(int n, const struct cpumask *m)
{ n++; if (n >= 64) return nr_cpu_ids; unsigned long b = m->bits[0] >> n; return b ? n + __lowest_bit(b) : (int)nr_cpu_ids; }
#define for_each_cpu(c, m) for ((c) = cpumask_first(m); (c) < (int)nr_cpu_ids; (c) = cpumask_next((c), (m)))
#define for_each_online_cpu(c) for_each_cpu(c, cpu_online_mask)
#define for_each_possible_cpu(c) for_each_cpu(c, cpu_possible_mask)
#define cpu_online(c) cpumask_test_cpu((c), cpu_online_mask)
/* "0-3,5" <-> mask (Linux bitmap list format). parse returns 0 or -EINVAL/-ERANGE. */
int cpulist_parse(const char *buf, struct cpumask *m);
int cpumap_print_list(char *buf, int size, const struct cpumask *m);  /* "0-3,5" (no newline) */
#endif
