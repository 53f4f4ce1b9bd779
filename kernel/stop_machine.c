/* Per-CPU stopper threads "migration/N" (the stop class: picked before any other task). */
#include "kernel.h"
#include "stop_machine.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"
#include "wait.h"
#include "boot.h"

struct cpu_stopper {
	raw_spinlock_t lock;
	bool enabled;
	struct list_head works;
	struct task_struct *thread;
};
static struct cpu_stopper stoppers[NR_CPUS];
void sched_set_stop_task(int cpu, struct task_struct *t);

bool stop_one_cpu_nowait(unsigned int cpu, cpu_stop_fn_t fn, void *arg, struct cpu_stop_work *work)
{
	if (cpu >= NR_CPUS)
		return false;
	struct cpu_stopper *s = &stoppers[cpu];
	unsigned long f;
	bool ok = false;
	raw_spin_lock_irqsave(&s->lock, f);
	if (s->enabled && !(work->list.next && work->list.next != &work->list)) {
		work->fn = fn;
		work->arg = arg;
		list_add_tail(&work->list, &s->works);
		ok = true;
	}
	raw_spin_unlock_irqrestore(&s->lock, f);
	if (ok)
		wake_up_process(s->thread);
	return ok;
}

int stop_one_cpu(unsigned int cpu, cpu_stop_fn_t fn, void *arg)
{
	struct completion done;
	struct cpu_stop_work work = { .done = &done };
	int ret = 0;
	struct { int *ret; } r = { &ret };
	(void)r;
	init_completion(&done);
	INIT_LIST_HEAD(&work.list);
	work.arg = arg;
	if (!stop_one_cpu_nowait(cpu, fn, arg, &work))
		return -ENOENT;
	wait_for_completion(&done);
	return (int)(long)work.done == 0 ? 0 : 0;
}

static int cpu_stopper_thread(void *data)
{
	struct cpu_stopper *s = data;
	for (;;) {
		unsigned long f;
		raw_spin_lock_irqsave(&s->lock, f);
		if (list_empty(&s->works)) {
			set_current_state(TASK_INTERRUPTIBLE);
			raw_spin_unlock_irqrestore(&s->lock, f);
			schedule();
			continue;
		}
		struct cpu_stop_work *w = list_first_entry(&s->works, struct cpu_stop_work, list);
		list_del(&w->list);
		raw_spin_unlock_irqrestore(&s->lock, f);
		cpu_stop_fn_t fn = w->fn;
		void *arg = w->arg;
		struct completion *done = w->done;
		fn(arg);
		if (done)
			complete(done);
	}
	return 0;
}

void sched_start_stoppers(void)
{
	int cpu;
	for_each_online_cpu(cpu) {
		struct cpu_stopper *s = &stoppers[cpu];
		raw_spin_lock_init(&s->lock);
		INIT_LIST_HEAD(&s->works);
		s->thread = kthread_create_on_cpu(cpu_stopper_thread, s, cpu, "migration/%u");
		s->thread->policy = SCHED_STOP;
		sched_set_stop_task(cpu, s->thread);
		s->enabled = true;
		wake_up_process(s->thread);
	}
}
