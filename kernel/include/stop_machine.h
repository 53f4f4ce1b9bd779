/* Per-CPU stop class ("migration/N"): highest-priority kthread per CPU that runs queued works. */
#ifndef _STOP_MACHINE_H
#define _STOP_MACHINE_H
#include "types.h"
#include "list.h"
typedef int (*cpu_stop_fn_t)(void *arg);
struct cpu_stop_work {
	struct list_head list;
	cpu_stop_fn_t fn;
	void *arg;
	void *done;            /* internal */
};
/* queue fn(arg) on cpu's stopper; returns false if cpu is offline or work_buf is still queued */
bool stop_one_cpu_nowait(unsigned int cpu, cpu_stop_fn_t fn, void *arg, struct cpu_stop_work *work_buf);
int stop_one_cpu(unsigned int cpu, cpu_stop_fn_t fn, void *arg);   /* waits; returns fn's result */
#endif
