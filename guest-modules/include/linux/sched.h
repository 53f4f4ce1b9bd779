/* Scheduling from a module: schedule, cond_resched, sleeping, the current task's pid/comm. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H
#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/nmi.h>
#define TASK_RUNNING 0x0
#define TASK_INTERRUPTIBLE 0x1
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_COMM_LEN 16
#define MAX_SCHEDULE_TIMEOUT LONG_MAX
struct task_struct;
void schedule(void);
int _cond_resched(void);
#define cond_resched() _cond_resched()
void yield(void);
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
int wake_up_process(struct task_struct *t);
/* The current task (opaque to modules): its pid and comm through accessors. */
struct task_struct *emu_get_current(void);
#define current emu_get_current()
pid_t emu_task_pid(struct task_struct *t);
const char *emu_task_comm(struct task_struct *t);
#define task_pid_nr(t) emu_task_pid(t)
int emu_signal_pending(struct task_struct *t);
#define signal_pending(t) emu_signal_pending(t)
#endif
