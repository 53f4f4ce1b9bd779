/* SMP: AP bring-up (INIT-SIPI-SIPI through the real-mode trampoline at 0x8000), cross-CPU function
 * calls, reschedule/stop IPIs, NMI backtraces, smp_send_stop for panic, cpumask helpers. */
#include "kernel.h"
#include "string.h"
#include "smp.h"
#include "apic.h"
#include "irq.h"
#include "mm.h"
#include "io.h"
#include "nmi.h"
#include "delay.h"
#include "sched.h"
#include "spinlock.h"
#include "ptrace.h"
#include "time.h"
#include "boot.h"

#define TRAMPOLINE_PHYS 0x8000
struct cpumask __cpu_online_mask, __cpu_possible_mask;
unsigned int nr_cpu_ids = 1;
volatile int stopping_cpus;
extern char tr_start[], tr_end[], tr_cr3[], tr_stack[], tr_cpu[], tr_alive[];

unsigned int num_online_cpus(void)
{
	return cpumask_weight(cpu_online_mask);
}

static void *tramp(char *sym) { return (char *)__va(TRAMPOLINE_PHYS) + (sym - tr_start); }

void cpu_alloc_stacks(int cpu);
unsigned long dump_lock_get(void);
void dump_lock_put(unsigned long token);
static void hrtimer_cpu_init_ap(void) { hrtimer_cpu_init(); }

void ap_start(int cpu)
{
	cpu_init(cpu);
	apic_init_ap();
	sched_init_ap(cpu);             /* current = idle task of this CPU */
	hrtimer_cpu_init_ap();
	cpumask_set_cpu(cpu, cpu_online_mask);
	*(volatile u64 *)tramp(tr_alive) = 1;
	local_irq_enable();
	cpu_idle_loop();
}

void smp_prepare_boot_cpu(void)
{
	cpumask_set_cpu(0, cpu_online_mask);
	cpumask_set_cpu(0, cpu_possible_mask);
}

/* number of decimal digits of val (Linux's num_digits) */
static int num_digits(int val)
{
	int m = 10, d = 1;
	if (val < 0) {
		d++;
		val = -val;
	}
	while (val >= m) {
		m *= 10;
		d++;
	}
	return d;
}

static bool wait_alive(unsigned long us)
{
	volatile u64 *alive = tramp(tr_alive);
	u64 start = ktime_get_ns();
	while (!*alive) {
		if (ktime_get_ns() - start > us * 1000)
			return false;
		cpu_relax();
	}
	return true;
}

void smp_init(void)
{
	int cpu;
	unsigned int i;
	for (i = 0; i < nr_cpus_possible; i++)
		cpumask_set_cpu(i, cpu_possible_mask);
	nr_cpu_ids = nr_cpus_possible;
	printk(KERN_INFO "smpboot: Allowing %u CPUs, 0 hotplug CPUs\n", nr_cpus_possible);
	if (nr_cpus_possible < 2)
		return;
	memcpy(__va(TRAMPOLINE_PHYS), tr_start, tr_end - tr_start);
	*(u32 *)tramp(tr_cr3) = __pa(tramp_pml4);
	printk(KERN_INFO "smp: Bringing up secondary CPUs ...\n");
	/* announce_cpu() (arch/x86/kernel/smpboot.c): one node; the BSP's column is padded and every
	 * "#N" is right-aligned to the width of the largest CPU number plus its '#' */
	int width = num_digits(nr_cpus_possible) + 1;
	printk(KERN_INFO "x86: Booting SMP configuration:\n");
	printk(KERN_INFO ".... node %*s#%d, CPUs:  ", 2 - num_digits(0), " ", 0);
	printk(KERN_CONT "%*s", width + 1, " ");
	for (cpu = 1; cpu < (int)nr_cpus_possible; cpu++) {
		struct task_struct *idle = NULL;
		cpu_alloc_stacks(cpu);
		sched_init_ap(-cpu);        /* negative: allocate the idle task for cpu without switching */
		idle = cpu_locals[cpu].idle;
		*(u64 *)tramp(tr_stack) = (u64)idle->stack + THREAD_SIZE - 16;
		*(u64 *)tramp(tr_cpu) = cpu;
		*(volatile u64 *)tramp(tr_alive) = 0;
		u32 id = apic_id_of_cpu[cpu];
		apic_send_init(id);
		udelay(10);
		apic_send_sipi(id, TRAMPOLINE_PHYS >> 12);
		if (!wait_alive(10000)) {
			apic_send_sipi(id, TRAMPOLINE_PHYS >> 12);
			if (!wait_alive(1000000)) {
				printk(KERN_CONT "\n");
				printk(KERN_ERR "smpboot: do_boot_cpu failed(-1) to wakeup CPU#%d\n", cpu);
				continue;
			}
		}
		printk(KERN_CONT "%*s#%d", width - num_digits(cpu), " ", cpu);
	}
	printk(KERN_CONT "\n");
	printk(KERN_INFO "smp: Brought up 1 node, %u CPUs\n", num_online_cpus());
	printk(KERN_INFO "smpboot: Max logical packages: 1\n");
	printk(KERN_INFO "smpboot: Total of %u processors activated (%u.%02u BogoMIPS)\n", num_online_cpus(),
	       (tsc_khz / 500) * num_online_cpus(), ((tsc_khz / 5) % 100));
}

/* ---- function calls ---- */
struct call_single_data {
	struct call_single_data *next;
	smp_call_func_t func;
	void *info;
	volatile int done;
	int free_after;
};
struct call_queue { raw_spinlock_t lock; struct call_single_data *head, *tail; };
static DEFINE_PER_CPU(struct call_queue, call_queues);

static void queue_call(int cpu, struct call_single_data *csd)
{
	struct call_queue *q = per_cpu_ptr(&call_queues, cpu);
	unsigned long f;
	raw_spin_lock_irqsave(&q->lock, f);
	csd->next = NULL;
	if (q->tail)
		q->tail->next = csd;
	else
		q->head = csd;
	q->tail = csd;
	raw_spin_unlock_irqrestore(&q->lock, f);
	apic_send_ipi(cpu, CALL_FUNCTION_SINGLE_VECTOR);
}

static void run_call_queue(void)
{
	struct call_queue *q = this_cpu_ptr(&call_queues);
	for (;;) {
		raw_spin_lock(&q->lock);
		struct call_single_data *c = q->head;
		if (c) {
			q->head = c->next;
			if (!q->head)
				q->tail = NULL;
		}
		raw_spin_unlock(&q->lock);
		if (!c)
			return;
		c->func(c->info);
		if (c->free_after)
			kfree(c);
		else
			__atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
	}
}

void smp_call_function_single_interrupt(struct pt_regs *regs)
{
	struct pt_regs *old = set_irq_regs(regs);
	apic_eoi();
	irq_enter();
	inc_irq_stat(irq_call_count);
	run_call_queue();
	irq_exit();
	set_irq_regs(old);
}

void smp_call_function_interrupt(struct pt_regs *regs)
{
	smp_call_function_single_interrupt(regs);
}

int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait)
{
	if (cpu == smp_processor_id()) {
		unsigned long f;
		local_irq_save(f);
		func(info);
		local_irq_restore(f);
		return 0;
	}
	if (cpu < 0 || cpu >= NR_CPUS || !cpu_online(cpu))
		return -ENXIO;
	if (wait) {
		struct call_single_data c = { .func = func, .info = info };
		queue_call(cpu, &c);
		while (!__atomic_load_n(&c.done, __ATOMIC_SEQ_CST))
			cpu_relax();
		return 0;
	}
	struct call_single_data *c = kzalloc(sizeof(*c), GFP_ATOMIC);
	if (!c)
		return -ENOMEM;
	c->func = func;
	c->info = info;
	c->free_after = 1;
	queue_call(cpu, c);
	return 0;
}

void smp_call_function(smp_call_func_t func, void *info, int wait)
{
	int cpu;
	preempt_disable();
	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			smp_call_function_single(cpu, func, info, wait);
	preempt_enable();
}

void on_each_cpu(smp_call_func_t func, void *info, int wait)
{
	preempt_disable();
	smp_call_function(func, info, wait);
	unsigned long f;
	local_irq_save(f);
	func(info);
	local_irq_restore(f);
	preempt_enable();
}

static void do_flush_tlb(void *unused)
{
	write_cr3(read_cr3());
}

void flush_tlb_all(void)
{
	if (irqs_disabled())
		do_flush_tlb(NULL);
	else
		on_each_cpu(do_flush_tlb, NULL, 1);
}

void smp_send_reschedule(int cpu)
{
	apic_send_ipi(cpu, RESCHEDULE_VECTOR);
}

void smp_reschedule_interrupt(struct pt_regs *regs)
{
	apic_eoi();
	inc_irq_stat(irq_resched_count);
	this_cpu_local()->need_resched = 1;
}

/* ---- stopping CPUs (panic, reboot) ---- */
__noreturn void stop_this_cpu(void)
{
	local_irq_disable();
	cpumask_clear_cpu(smp_processor_id(), cpu_online_mask);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | 0xec);
	apic_write(APIC_LVTPC, APIC_DM_NMI | APIC_LVT_MASKED);
	for (;;)
		halt();
}

void smp_reboot_interrupt(struct pt_regs *regs)
{
	apic_eoi();
	stop_this_cpu();
}

void smp_nmi_stop_check(struct pt_regs *regs)
{
	if (stopping_cpus && smp_processor_id() != panic_cpu && smp_processor_id() != stopping_cpus - 1)
		stop_this_cpu();
}

void smp_send_stop(void)
{
	int cpu, me = smp_processor_id();
	if (num_online_cpus() <= 1)
		return;
	stopping_cpus = me + 1;
	for_each_online_cpu(cpu)
		if (cpu != me)
			apic_send_ipi(cpu, REBOOT_VECTOR);
	u64 start = ktime_get_ns();
	while (num_online_cpus() > 1 && ktime_get_ns() - start < NSEC_PER_SEC)
		cpu_relax();
	if (num_online_cpus() > 1) {
		printk(KERN_INFO "smp: Shutting down cpus with NMI\n");
		for_each_online_cpu(cpu)
			if (cpu != me)
				apic_send_nmi(cpu);
		start = ktime_get_ns();
		while (num_online_cpus() > 1 && ktime_get_ns() - start < 10 * NSEC_PER_MSEC)
			cpu_relax();
	}
}

/* ---- NMI backtraces ---- */
static unsigned long backtrace_mask[1];
static volatile int backtrace_flag;

bool nmi_cpu_backtrace(struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	if (!test_bit(cpu, backtrace_mask))
		return false;
	unsigned long nested = dump_lock_get();
	if (regs && cpu_in_idle(regs->ip)) {
		printk(KERN_WARNING "NMI backtrace for cpu %d skipped: idling at %pS\n", cpu, (void *)regs->ip);
	} else {
		printk(KERN_WARNING "NMI backtrace for cpu %d\n", cpu);
		if (regs)
			show_regs(regs);
		else
			dump_stack();
	}
	dump_lock_put(nested);
	clear_bit(cpu, backtrace_mask);
	return true;
}

static int nmi_backtrace_handler(unsigned int type, struct pt_regs *regs)
{
	return nmi_cpu_backtrace(regs) ? NMI_HANDLED : NMI_DONE;
}

static void nmi_trigger_cpumask_backtrace(const struct cpumask *mask, bool exclude_self)
{
	int this_cpu = get_cpu(), cpu;
	if (__atomic_exchange_n(&backtrace_flag, 1, __ATOMIC_SEQ_CST)) {
		put_cpu();
		return;
	}
	backtrace_mask[0] = mask->bits[0] & cpu_online_mask->bits[0];
	if (exclude_self)
		clear_bit(this_cpu, backtrace_mask);
	/* as Linux: this CPU first (dump_stack), then NMIs to the others */
	if (test_bit(this_cpu, backtrace_mask))
		nmi_cpu_backtrace(NULL);
	if (backtrace_mask[0]) {
		struct cpumask others = { { backtrace_mask[0] } };
		printk(KERN_INFO "Sending NMI from CPU %d to CPUs %*pbl:\n", this_cpu, (int)nr_cpu_ids, others.bits);
		for_each_cpu(cpu, &others)
			apic_send_nmi(cpu);
	}
	u64 start = ktime_get_ns();
	while (backtrace_mask[0] && ktime_get_ns() - start < 10 * NSEC_PER_SEC) {
		touch_softlockup_watchdog();
		mdelay(1);
	}
	backtrace_mask[0] = 0;
	__atomic_store_n(&backtrace_flag, 0, __ATOMIC_SEQ_CST);
	put_cpu();
}

bool trigger_all_cpu_backtrace(void)
{
	nmi_trigger_cpumask_backtrace(cpu_online_mask, false);
	return true;
}

bool trigger_allbutself_cpu_backtrace(void)
{
	nmi_trigger_cpumask_backtrace(cpu_online_mask, true);
	return true;
}

bool trigger_cpumask_backtrace(struct cpumask *mask)
{
	nmi_trigger_cpumask_backtrace(mask, false);
	return true;
}

bool trigger_single_cpu_backtrace(int cpu)
{
	struct cpumask m = { { 1UL << cpu } };
	nmi_trigger_cpumask_backtrace(&m, false);
	return true;
}

void nmi_init(void)
{
	nmi_register(NMI_LOCAL, nmi_backtrace_handler);
}

/* ---- cpulist ---- */
int cpulist_parse(const char *buf, struct cpumask *m)
{
	unsigned long bits = 0;
	const char *p = buf;
	while (*p && *p != '\n') {
		char *end;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned long a = simple_strtoul(p, &end, 10), b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			b = simple_strtoul(p, &end, 10);
			p = end;
		}
		if (a > b)
			return -EINVAL;
		if (b >= nr_cpu_ids || b >= 64)
			return -ERANGE;
		for (; a <= b; a++)
			bits |= 1UL << a;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	m->bits[0] = bits;
	return 0;
}

int cpumap_print_list(char *buf, int size, const struct cpumask *m)
{
	return scnprintf(buf, size, "%*pbl", (int)nr_cpu_ids, m->bits);
}
