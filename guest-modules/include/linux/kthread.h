/* Kernel threads: created sleeping, started with wake_up_process (kthread_run does both). */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/sched.h>
struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data), void *data, unsigned int cpu, const char *namefmt);
__printf(3, 4) struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt, ...);
#define kthread_run(fn, data, namefmt, ...) ({ struct task_struct *__k = kthread_create(fn, data, namefmt, ##__VA_ARGS__); \
	if (__k) wake_up_process(__k); __k; })
int kthread_stop(struct task_struct *k);
bool kthread_should_stop(void);
void kthread_bind(struct task_struct *k, unsigned int cpu);
#define IS_ERR_OR_NULL(p) (!(p) || (unsigned long)(p) >= (unsigned long)-4095)
#define IS_ERR(p) ((unsigned long)(p) >= (unsigned long)-4095)
#define PTR_ERR(p) ((long)(p))
#endif
