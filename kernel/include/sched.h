/* Tasks, scheduler, kthreads. Owner: kcore.
 * Classes: stop (per-CPU "migration/N", highest priority, runs before anything), normal (round robin),
 * idle ("swapper/N", pid 0). Preemption: preempt=none|voluntary|full (kernel/sched.c). */
#ifndef _SCHED_H
#define _SCHED_H
#include "types.h"
#include "list.h"
#include "percpu.h"
#include "cpumask.h"
#include "preempt.h"

#define TASK_COMM_LEN 16
#define TASK_RUNNING 0x0
#define TASK_INTERRUPTIBLE 0x1
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_DEAD 0x80
#define TASK_NEW 0x800

#define PF_IDLE 0x2
#define PF_EXITING 0x4
#define PF_KTHREAD 0x200000

#define SCHED_NORMAL 0
#define SCHED_STOP 99         /* stop class (internal) */
#define THREAD_SIZE 16384

struct task_struct {
	unsigned long sp;                 /* 0x00: saved rsp while switched out (switch_to) */
	volatile long state;
	void *stack;                      /* THREAD_SIZE bytes, lowest address */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned int flags;               /* PF_* */
	int policy;                       /* SCHED_NORMAL / SCHED_STOP */
	int cpu;                          /* CPU whose run queue owns it */
	int on_rq;
	int on_cpu;
	struct cpumask cpus_allowed;
	struct list_head run_list;
	struct list_head tasks;           /* all tasks */
	int (*threadfn)(void *data);
	void *data;
	volatile int should_stop;
	volatile int sigpending;          /* set by send_sig_int (Ctrl-C): interruptible sleeps return */
	int exit_code;
	atomic_t usage;
	u64 start_time;                   /* ns since boot */
	u64 sum_exec_runtime;             /* ns */
	u64 last_ran;
	void *wait_exit;                  /* internal */
	int saved_preempt_count;          /* internal: preempt_count while switched out */
	int migrate_to;                   /* internal: -1, or CPU to move to at the next switch */
	void *fs_private;                 /* kuser: per-task fs state (cwd) */
	void *tty_private;                /* kuser */
	int new_cpu;                      /* internal: -1, or the CPU a TASK_NEW task starts on */
};

static __always_inline struct task_struct *get_current(void)
{ struct task_struct *t; __asm__ volatile("movq %%gs:0x10, %0" : "=r"(t)); return t; }
#define current get_current()

static inline void get_task_struct(struct task_struct *t) { atomic_inc(&t->usage); }
void put_task_struct(struct task_struct *t);

#define __set_current_state(s) do { current->state = (s); } while (0)
#define set_current_state(s) do { WRITE_ONCE(current->state, (s)); smp_mb(); } while (0)

void schedule(void);
int _cond_resched(void);
/* preempt=voluntary: a reschedule point (msleep, console_getc, ...); no-op for none/full */
#define might_sleep() do { if (preempt_model == PREEMPT_VOLUNTARY) _cond_resched(); } while (0)
#define cond_resched() _cond_resched()
void yield(void);
int need_resched(void);
void set_tsk_need_resched(struct task_struct *t);
#define MAX_SCHEDULE_TIMEOUT LONG_MAX
long schedule_timeout(long timeout);                 /* jiffies; returns jiffies left */
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);
int wake_up_process(struct task_struct *t);          /* 1 if it was woken */
int wake_up_new_task_on(struct task_struct *t, int cpu); /* start a TASK_NEW task on cpu */
bool idle_cpu(int cpu);                           /* runs its idle task, nothing queued */
int wake_up_state(struct task_struct *t, unsigned int state);

/* kthreads: created sleeping (TASK_NEW) until wake_up_process(); comm = formatted name */
struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data), void *data, unsigned int cpu, const char *namefmt);
__printf(3, 4) struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *namefmt, ...);
#define kthread_run(fn, data, namefmt, ...) ({					\
	struct task_struct *__k = kthread_create(fn, data, namefmt, ##__VA_ARGS__);	\
	if (__k)								\
		wake_up_process(__k);						\
	__k;									\
})
int kthread_stop(struct task_struct *k);             /* sets should_stop, wakes it, waits; returns threadfn's result */
bool kthread_should_stop(void);
void kthread_bind(struct task_struct *k, unsigned int cpu);
int kthread_wait(struct task_struct *k);            /* waits for exit without asking it to stop; returns exit code */
__noreturn void do_exit(long code);

int set_cpus_allowed_ptr(struct task_struct *t, const struct cpumask *mask);  /* migrates if needed; -EINVAL if empty */
#define set_cpus_allowed(t, mask) set_cpus_allowed_ptr(t, mask)
int sched_setaffinity(pid_t pid, const struct cpumask *mask);

void send_sig_int(struct task_struct *t);            /* Ctrl-C: sigpending=1 + wake if interruptible */
static inline int signal_pending(struct task_struct *t) { return t->sigpending; }
static inline void clear_sigpending(struct task_struct *t) { t->sigpending = 0; }

struct task_struct *find_task_by_pid(pid_t pid);
/* iterate all tasks (under the task list lock: fn must not sleep); stops when fn returns nonzero */
int for_each_task(int (*fn)(struct task_struct *t, void *arg), void *arg);
char task_state_char(struct task_struct *t);        /* 'R' 'S' 'D' 'I' 'X' as ps */
int task_cpu(const struct task_struct *t);
int nr_running(void);
#endif
