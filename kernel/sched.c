/* Scheduler: per-CPU run queues (round robin), the stop class (per-CPU "migration/N", picked
 * first), idle tasks ("swapper/N", pid 0), kthreads, preemption models none|voluntary|full,
 * sleeping with timeouts (hrtimer based), affinity and migration. */
#include "kernel.h"
#include "string.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"
#include "mm.h"
#include "time.h"
#include "hrtimer.h"
#include "wait.h"
#include "cmdline.h"
#include "ptrace.h"
#include "boot.h"

struct rq {
	raw_spinlock_t lock;
	struct list_head queue;           /* runnable, not running */
	struct task_struct *curr, *idle, *stop;
	int nr_running;                   /* normal tasks: queued + running */
	int cpu;
	unsigned long slice_start;
	u64 idle_ns;
};
static struct rq runqueues[NR_CPUS];
static LIST_HEAD(task_list);
static DEFINE_SPINLOCK(task_list_lock);
static DECLARE_WAIT_QUEUE_HEAD(task_exit_wq);
static pid_t next_pid = 1;
static struct task_struct init_task_struct;
enum preempt_model preempt_model = PREEMPT_NONE;
extern char boot_stack[];
unsigned long __switch_to_asm(struct task_struct *prev, struct task_struct *next);
extern char ret_from_fork[];

#define cpu_rq(c) (&runqueues[c])
#define this_rq() cpu_rq(smp_processor_id())

static int __init preempt_param(char *s)
{
	if (!s)
		return 0;
	if (!strcmp(s, "none"))
		preempt_model = PREEMPT_NONE;
	else if (!strcmp(s, "voluntary"))
		preempt_model = PREEMPT_VOLUNTARY;
	else if (!strcmp(s, "full"))
		preempt_model = PREEMPT_FULL;
	else
		printk(KERN_WARNING "Unsupported preempt mode %s, default to none\n", s);
	return 0;
}
early_param("preempt", preempt_param);

int need_resched(void) { return READ_ONCE(this_cpu_local()->need_resched); }

int task_cpu(const struct task_struct *t) { return t->cpu; }

static void set_need_resched_cpu(int cpu)
{
	if (cpu == smp_processor_id())
		this_cpu_local()->need_resched = 1;
	else
		smp_send_reschedule(cpu);
}

void set_tsk_need_resched(struct task_struct *t)
{
	set_need_resched_cpu(t->cpu);
}

static struct rq *task_rq_lock(struct task_struct *p, unsigned long *f)
{
	for (;;) {
		*f = arch_local_irq_save();
		struct rq *rq = cpu_rq(READ_ONCE(p->cpu));
		arch_spin_lock(&rq->lock);
		if (rq == cpu_rq(p->cpu))
			return rq;
		arch_spin_unlock(&rq->lock);
		arch_local_irq_restore(*f);
	}
}

static void task_rq_unlock(struct rq *rq, unsigned long f)
{
	arch_spin_unlock(&rq->lock);
	arch_local_irq_restore(f);
}

/* enqueue a runnable task on its rq (lock held) */
static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	p->on_rq = 1;
	if (p == rq->stop || p == rq->idle)
		return;
	list_add_tail(&p->run_list, &rq->queue);
	rq->nr_running++;
}

static void check_preempt(struct rq *rq, struct task_struct *p)
{
	if (rq->curr == rq->idle || p == rq->stop || preempt_model == PREEMPT_FULL)
		set_need_resched_cpu(rq->cpu);
}

static bool rq_idle(struct rq *rq)
{
	return READ_ONCE(rq->curr) == rq->idle && list_empty(&rq->queue) &&
	       !(rq->stop && rq->stop->state == TASK_RUNNING);
}

/* wake-up placement (Linux's select_idle_sibling in spirit): stay unless the CPU is busy and an
 * allowed CPU is idle; stop-class and single-CPU tasks never move */
static int wake_select_cpu(struct task_struct *p, struct rq *rq, bool was_new)
{
	int cpu;
	if (p->policy == SCHED_STOP || cpumask_weight(&p->cpus_allowed) == 1)
		return cpumask_test_cpu(rq->cpu, &p->cpus_allowed) ? rq->cpu : cpumask_first(&p->cpus_allowed);
	if (was_new && p->new_cpu >= 0 && cpu_online(p->new_cpu) &&
	    cpumask_test_cpu(p->new_cpu, &p->cpus_allowed))
		return p->new_cpu;      /* placed by the creator (wake_up_new_task_on) */
	if (was_new) {                  /* fork placement: an idle CPU, else the least loaded */
		int best = -1, best_n = 1 << 30;
		for_each_online_cpu(cpu) {
			if (!cpumask_test_cpu(cpu, &p->cpus_allowed))
				continue;
			struct rq *r = cpu_rq(cpu);
			int n = r->nr_running * 2 + (rq_idle(r) ? 0 : 1);
			if (n < best_n) {
				best = cpu;
				best_n = n;
			}
		}
		return best < 0 ? rq->cpu : best;
	}
	if (rq_idle(rq))
		return rq->cpu;
	if (!cpumask_test_cpu(rq->cpu, &p->cpus_allowed) || !cpu_online(rq->cpu))
		goto any;
	for_each_online_cpu(cpu)
		if (cpumask_test_cpu(cpu, &p->cpus_allowed) && rq_idle(cpu_rq(cpu)))
			return cpu;
	return rq->cpu;
any:
	for_each_online_cpu(cpu)
		if (cpumask_test_cpu(cpu, &p->cpus_allowed))
			return cpu;
	return rq->cpu;
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
	unsigned long f;
	struct rq *rq = task_rq_lock(p, &f);
	if (!(p->state & state)) {
		task_rq_unlock(rq, f);
		return 0;
	}
	bool was_new = p->state == TASK_NEW;
	p->state = TASK_RUNNING;
	if (!p->on_rq) {
		int dest = wake_select_cpu(p, rq, was_new);
		if (dest != rq->cpu) {
			/* p is fully switched out (on_rq == 0 under its rq lock): move it to an idle CPU */
			p->cpu = dest;
			arch_spin_unlock(&rq->lock);
			rq = cpu_rq(dest);
			arch_spin_lock(&rq->lock);
		}
		enqueue_task(rq, p);
		check_preempt(rq, p);
	}
	task_rq_unlock(rq, f);
	return 1;
}

int wake_up_process(struct task_struct *p)
{
	return wake_up_state(p, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE | TASK_NEW);
}

/* Start a new task on @cpu (if online and allowed) instead of the fork placement; its later
 * wake-ups are placed as usual within cpus_allowed. */
int wake_up_new_task_on(struct task_struct *p, int cpu)
{
	p->new_cpu = cpu;
	return wake_up_process(p);
}

/* Linux's idle_cpu(): the CPU runs its idle task and has nothing queued */
bool idle_cpu(int cpu)
{
	return cpu_online(cpu) && rq_idle(cpu_rq(cpu));
}

void send_sig_int(struct task_struct *t)
{
	t->sigpending = 1;
	wake_up_state(t, TASK_INTERRUPTIBLE);
}

static struct task_struct *pick_next(struct rq *rq)
{
	if (rq->stop && rq->stop->state == TASK_RUNNING && rq->stop->on_rq)
		return rq->stop;
	if (!list_empty(&rq->queue)) {
		struct task_struct *n = list_first_entry(&rq->queue, struct task_struct, run_list);
		list_del(&n->run_list);
		return n;
	}
	return rq->idle;
}

static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	int dest = prev->migrate_to;
	bool dead = prev->state == TASK_DEAD;
	if (dest >= 0 && !dead && prev->state != TASK_RUNNING) {
		/* went to sleep with a migration pending: move it while its old rq is still locked, so a
		 * concurrent wake-up enqueues it once, on the new CPU */
		prev->cpu = dest;
		prev->migrate_to = -1;
		dest = -1;
	}
	prev->on_cpu = 0;
	arch_spin_unlock(&rq->lock);
	if (dest >= 0 && !dead) {
		prev->migrate_to = -1;
		struct rq *d = cpu_rq(dest);
		arch_spin_lock(&d->lock);
		prev->cpu = dest;
		if (prev->state == TASK_RUNNING) {
			enqueue_task(d, prev);
			check_preempt(d, prev);
		}
		arch_spin_unlock(&d->lock);
	}
	if (dead)
		put_task_struct(prev);
}

void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	arch_local_irq_enable();
}

static void __schedule(bool preempt)
{
	unsigned long f = arch_local_irq_save();
	struct rq *rq = this_rq();
	arch_spin_lock(&rq->lock);
	struct task_struct *prev = rq->curr, *next;
	this_cpu_local()->need_resched = 0;
	if (!preempt && prev->state != TASK_RUNNING &&
	    !(prev->state == TASK_INTERRUPTIBLE && prev->sigpending)) {
		prev->on_rq = 0;
		if (prev != rq->idle && prev != rq->stop)
			rq->nr_running--;
	} else {
		if (!preempt)
			prev->state = TASK_RUNNING;
		if (prev->migrate_to >= 0) {
			prev->on_rq = 0;
			rq->nr_running--;
		} else if (prev != rq->idle && prev != rq->stop) {
			list_add_tail(&prev->run_list, &rq->queue);
		}
	}
	next = pick_next(rq);
	if (next == prev) {
		arch_spin_unlock(&rq->lock);
		arch_local_irq_restore(f);
		return;
	}
	u64 now = ktime_get_ns();
	prev->sum_exec_runtime += now - prev->last_ran;
	next->last_ran = now;
	rq->curr = next;
	rq->slice_start = jiffies;
	next->on_cpu = 1;
	next->cpu = rq->cpu;
	prev->saved_preempt_count = preempt_count();
	__preempt_count_sub(prev->saved_preempt_count - next->saved_preempt_count);
	this_cpu_local()->current_task = next;
	prev = (struct task_struct *)__switch_to_asm(prev, next);
	finish_task_switch(prev);
	arch_local_irq_restore(f);
}

void schedule(void)
{
	if (unlikely(preempt_count() && !oops_in_progress)) {
		static int warned;
		if (!warned++) {
			printk(KERN_ERR "BUG: scheduling while atomic: %s/%d/0x%08x\n", current->comm, current->pid,
			       preempt_count());
			dump_stack();
		}
	}
	__schedule(false);
}

void preempt_schedule(void)
{
	if (preempt_model != PREEMPT_FULL || !need_resched() || irqs_disabled() || preempt_count())
		return;
	__schedule(true);
}

/* entry.S: return from the outermost IRQ on the task stack */
void irqentry_exit_cond_resched(struct pt_regs *regs)
{
	if (preempt_model != PREEMPT_FULL || !(regs->flags & 0x200) || preempt_count() || !need_resched())
		return;
	if (!current || current == this_rq()->idle)
		return;
	do {
		__preempt_count_add(1);
		local_irq_enable();
		__preempt_count_sub(1);
		__schedule(true);
		local_irq_disable();
	} while (need_resched());
}

int _cond_resched(void)
{
	if (need_resched() && !preempt_count() && !irqs_disabled()) {
		__schedule(true);
		return 1;
	}
	return 0;
}

void yield(void)
{
	this_cpu_local()->need_resched = 1;
	__schedule(true);
}

void scheduler_tick(void)
{
	struct rq *rq = this_rq();
	if (rq->curr != rq->idle && !list_empty(&rq->queue) && jiffies - rq->slice_start >= 3)
		this_cpu_local()->need_resched = 1;
}

int nr_running(void)
{
	int cpu, n = 0;
	for_each_online_cpu(cpu)
		n += cpu_rq(cpu)->nr_running;
	return n;
}

/* ---- idle ---- */
__attribute__((section(".cpuidle.text"))) noinline void native_safe_halt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

__attribute__((section(".cpuidle.text"))) noinline void default_idle(void)
{
	u64 t0 = ktime_get_ns();
	native_safe_halt();
	this_rq()->idle_ns += ktime_get_ns() - t0;
}

u64 cpu_idle_time_ns(int cpu)
{
	return cpu_rq(cpu)->idle_ns;
}

__noreturn void cpu_idle_loop(void)
{
	for (;;) {
		while (!need_resched()) {
			local_irq_disable();
			if (need_resched()) {
				local_irq_enable();
				break;
			}
			tick_nohz_idle_enter();
			default_idle();
		}
		tick_nohz_idle_exit();
		__schedule(true);
	}
}

/* ---- tasks ---- */
static void task_init_common(struct task_struct *t, const char *name)
{
	strlcpy(t->comm, name, TASK_COMM_LEN);
	t->migrate_to = -1;
	t->new_cpu = -1;
	atomic_set(&t->usage, 1);
	cpumask_setall(&t->cpus_allowed);
	INIT_LIST_HEAD(&t->run_list);
	t->start_time = ktime_get_ns();
}

static void rq_init(int cpu, struct task_struct *idle)
{
	struct rq *rq = cpu_rq(cpu);
	raw_spin_lock_init(&rq->lock);
	INIT_LIST_HEAD(&rq->queue);
	rq->cpu = cpu;
	rq->idle = rq->curr = idle;
	idle->cpu = cpu;
	idle->on_rq = 1;
	idle->on_cpu = 1;
	idle->flags |= PF_IDLE | PF_KTHREAD;
	cpu_locals[cpu].idle = idle;
}

void sched_init(void)
{
	struct task_struct *t = &init_task_struct;
	task_init_common(t, "swapper/0");
	t->stack = boot_stack;
	t->pid = 0;
	rq_init(0, t);
	this_cpu_local()->current_task = t;
	static const char *names[] = { "none", "voluntary", "full" };
	printk(KERN_INFO "Dynamic Preempt: %s\n", names[preempt_model]);
}

/* cpu < 0: BSP allocates the idle task of -cpu; cpu > 0: the AP installs it as current */
void sched_init_ap(int cpu)
{
	if (cpu < 0) {
		cpu = -cpu;
		struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);
		char name[16];
		snprintf(name, sizeof(name), "swapper/%d", cpu);
		task_init_common(t, name);
		t->stack = vmap_stack_alloc(THREAD_SIZE);
		rq_init(cpu, t);
		return;
	}
	cpu_locals[cpu].idle = cpu_rq(cpu)->idle;
	this_cpu_local()->current_task = cpu_rq(cpu)->idle;
	this_cpu_local()->rq = cpu_rq(cpu);
}

void put_task_struct(struct task_struct *t)
{
	if (!atomic_dec_and_test(&t->usage))
		return;
	if (t == &init_task_struct)
		return;
	vmap_stack_free(t->stack);
	kfree(t);
}

noinline void kthread_entry(struct task_struct *t)
{
	if (READ_ONCE(t->should_stop))        /* stopped before it ever ran: threadfn is not called */
		do_exit(-EINTR);
	long r = t->threadfn(t->data);
	do_exit(r);
}

static int select_cpu(const struct cpumask *allowed)
{
	int cpu, best = -1, best_n = 1 << 30;
	for_each_online_cpu(cpu) {
		if (!cpumask_test_cpu(cpu, allowed))
			continue;
		int n = cpu_rq(cpu)->nr_running;
		if (n < best_n) {
			best = cpu;
			best_n = n;
		}
	}
	return best < 0 ? smp_processor_id() : best;
}

static struct task_struct *create_task(int (*fn)(void *), void *data, const char *name, int cpu)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->stack = vmap_stack_alloc(THREAD_SIZE);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	task_init_common(t, name);
	t->threadfn = fn;
	t->data = data;
	t->flags = PF_KTHREAD;
	t->state = TASK_NEW;
	t->policy = SCHED_NORMAL;
	if (cpu >= 0) {
		cpumask_clear(&t->cpus_allowed);
		cpumask_set_cpu(cpu, &t->cpus_allowed);
		t->cpu = cpu;
	} else {
		t->cpu = select_cpu(&t->cpus_allowed);
	}
	unsigned long *sp = (unsigned long *)((char *)t->stack + THREAD_SIZE - 16);
	*--sp = (unsigned long)ret_from_fork;
	*--sp = 0;                         /* rbp */
	*--sp = 0;                         /* rbx */
	*--sp = (unsigned long)t;          /* r12 */
	*--sp = 0;                         /* r13 */
	*--sp = 0;                         /* r14 */
	*--sp = 0;                         /* r15 */
	t->sp = (unsigned long)sp;
	unsigned long f;
	spin_lock_irqsave(&task_list_lock, f);
	t->pid = next_pid++;
	list_add_tail(&t->tasks, &task_list);
	spin_unlock_irqrestore(&task_list_lock, f);
	return t;
}

struct task_struct *kthread_create_on_cpu(int (*fn)(void *), void *data, unsigned int cpu, const char *namefmt)
{
	char name[TASK_COMM_LEN];
	snprintf(name, sizeof(name), namefmt, cpu);
	return create_task(fn, data, name, cpu);
}

struct task_struct *kthread_create(int (*fn)(void *), void *data, const char *namefmt, ...)
{
	char name[TASK_COMM_LEN];
	va_list ap;
	va_start(ap, namefmt);
	vsnprintf(name, sizeof(name), namefmt, ap);
	va_end(ap);
	return create_task(fn, data, name, -1);
}

void kthread_bind(struct task_struct *k, unsigned int cpu)
{
	cpumask_clear(&k->cpus_allowed);
	cpumask_set_cpu(cpu, &k->cpus_allowed);
	k->cpu = cpu;
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int kthread_wait(struct task_struct *k)
{
	/* sleeps like a shell in wait4(): 'S' in ps; a pending Ctrl-C cannot make it spin */
	DEFINE_WAIT(w);
	get_task_struct(k);
	for (;;) {
		prepare_to_wait(&task_exit_wq, &w, signal_pending(current) ? TASK_UNINTERRUPTIBLE : TASK_INTERRUPTIBLE);
		if (READ_ONCE(k->state) == TASK_DEAD)
			break;
		schedule();
	}
	finish_wait(&task_exit_wq, &w);
	int r = k->exit_code;
	put_task_struct(k);
	return r;
}

int kthread_stop(struct task_struct *k)
{
	get_task_struct(k);
	k->should_stop = 1;
	wake_up_process(k);
	wait_event(task_exit_wq, READ_ONCE(k->state) == TASK_DEAD);
	int r = k->exit_code;
	put_task_struct(k);
	return r;
}

__noreturn void do_exit(long code)
{
	struct task_struct *t = current;
	if (in_interrupt())
		panic("Aiee, killing interrupt handler!");
	if (t->flags & PF_IDLE)
		panic("Attempted to kill the idle task!");
	if (t->pid == 1)
		panic("Attempted to kill init! exitcode=0x%08lx", code);
	if (preempt_count()) {
		printk(KERN_INFO "note: %s[%d] exited with preempt_count %d\n", t->comm, t->pid, preempt_count());
		__preempt_count_sub(preempt_count());
	}
	local_irq_enable();
	unsigned long f;
	spin_lock_irqsave(&task_list_lock, f);
	list_del(&t->tasks);
	spin_unlock_irqrestore(&task_list_lock, f);
	t->exit_code = code;
	/* wake waiters while still runnable, then die */
	f = arch_local_irq_save();
	t->flags |= PF_EXITING;
	arch_local_irq_restore(f);
	local_irq_disable();
	t->state = TASK_DEAD;
	__wake_up(&task_exit_wq, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE, 0);
	__schedule(false);
	BUG();
	for (;;)
		;
}

/* ---- affinity ---- */
int set_cpus_allowed_ptr(struct task_struct *p, const struct cpumask *mask)
{
	struct cpumask m;
	cpumask_and(&m, mask, cpu_online_mask);
	if (cpumask_empty(&m))
		return -EINVAL;
	unsigned long f;
	struct rq *rq = task_rq_lock(p, &f);
	cpumask_copy(&p->cpus_allowed, mask);
	if (cpumask_test_cpu(p->cpu, &m)) {
		task_rq_unlock(rq, f);
		return 0;
	}
	int dest = cpumask_first(&m);
	if (p->state == TASK_NEW || !p->on_rq) {
		p->cpu = dest;
		task_rq_unlock(rq, f);
		return 0;
	}
	if (rq->curr == p) {
		p->migrate_to = dest;
		task_rq_unlock(rq, f);
		if (p == current)
			__schedule(true);
		else
			set_need_resched_cpu(rq->cpu);
		return 0;
	}
	list_del(&p->run_list);
	rq->nr_running--;
	p->on_rq = 0;
	arch_spin_unlock(&rq->lock);
	struct rq *d = cpu_rq(dest);
	arch_spin_lock(&d->lock);
	p->cpu = dest;
	enqueue_task(d, p);
	check_preempt(d, p);
	arch_spin_unlock(&d->lock);
	arch_local_irq_restore(f);
	return 0;
}

int sched_setaffinity(pid_t pid, const struct cpumask *mask)
{
	struct task_struct *t = find_task_by_pid(pid);
	if (!t)
		return -ESRCH;
	return set_cpus_allowed_ptr(t, mask);
}

/* ---- sleeping ---- */
struct sleeper { struct hrtimer timer; struct task_struct *task; };

static enum hrtimer_restart process_timeout(struct hrtimer *t)
{
	wake_up_process(container_of(t, struct sleeper, timer)->task);
	return HRTIMER_NORESTART;
}

long schedule_timeout(long timeout)
{
	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout < 0) {
		current->state = TASK_RUNNING;
		return 0;
	}
	struct sleeper s;
	hrtimer_init(&s.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	s.timer.function = process_timeout;
	s.task = current;
	u64 expire = ktime_get_ns() + (u64)timeout * TICK_NSEC;
	hrtimer_start(&s.timer, expire, HRTIMER_MODE_ABS);
	schedule();
	hrtimer_cancel(&s.timer);
	s64 left = (s64)(expire - ktime_get_ns());
	return left <= 0 ? 0 : DIV_ROUND_UP(left, TICK_NSEC);
}

long schedule_timeout_interruptible(long timeout)
{
	set_current_state(TASK_INTERRUPTIBLE);
	return schedule_timeout(timeout);
}

long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

/* ---- task list ---- */
struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t, *r = NULL;
	unsigned long f;
	spin_lock_irqsave(&task_list_lock, f);
	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid) {
			r = t;
			break;
		}
	spin_unlock_irqrestore(&task_list_lock, f);
	return r;
}

int for_each_task(int (*fn)(struct task_struct *t, void *arg), void *arg)
{
	struct task_struct *t;
	int r = 0, cpu;
	unsigned long f;
	for_each_online_cpu(cpu) {
		r = fn(cpu_rq(cpu)->idle, arg);
		if (r)
			return r;
	}
	spin_lock_irqsave(&task_list_lock, f);
	list_for_each_entry(t, &task_list, tasks) {
		r = fn(t, arg);
		if (r)
			break;
	}
	spin_unlock_irqrestore(&task_list_lock, f);
	return r;
}

char task_state_char(struct task_struct *t)
{
	long s = READ_ONCE(t->state);
	if (t->flags & PF_IDLE)
		return 'I';
	if (s == TASK_RUNNING)
		return 'R';
	if (s & TASK_INTERRUPTIBLE)
		return 'S';
	if (s & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (s & TASK_DEAD)
		return 'X';
	return 'I';
}

/* the init task: pid 1, runs kernel_init(fn) */
struct task_struct *sched_create_init(int (*fn)(void *), void *data)
{
	struct task_struct *t = create_task(fn, data, "init", -1);
	if (t)
		t->cpu = 0;
	return t;
}

void sched_set_stop_task(int cpu, struct task_struct *t)
{
	cpu_rq(cpu)->stop = t;
}

/* debug aid (kcore_nmi_dump): run queue state of every CPU */
void sched_debug_dump(void)
{
	int cpu;
	for_each_online_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);
		printk(KERN_INFO "rq%d: curr=%s/%d locked=%u owner=%d nr=%d stop=%ld\n", cpu, rq->curr->comm,
		       rq->curr->pid, rq->lock.locked, rq->lock.owner_cpu, rq->nr_running,
		       rq->stop ? rq->stop->state : -1L);
	}
}
