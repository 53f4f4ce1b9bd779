/* Exceptions -> Linux-format oopses, NMI dispatch, device IRQ dispatch and /proc/interrupts. */
#include "kernel.h"
#include "string.h"
#include "ptrace.h"
#include "irq.h"
#include "nmi.h"
#include "smp.h"
#include "io.h"
#include "apic.h"
#include "spinlock.h"
#include "sched.h"
#include "boot.h"
#include "mm.h"
#include "cmdline.h"

DEFINE_PER_CPU(irq_cpustat_t, irq_stat);
int __die(const char *str, struct pt_regs *regs, long err);
void smp_nmi_stop_check(struct pt_regs *regs);
void sched_debug_dump(void);

struct pt_regs *get_irq_regs(void)
{
	return this_cpu_local()->irq_regs;
}

struct pt_regs *set_irq_regs(struct pt_regs *r)
{
	struct cpu_local *cl = this_cpu_local();
	struct pt_regs *old = cl->irq_regs;
	cl->irq_regs = r;
	return old;
}

void irq_enter(void) { __preempt_count_add(HARDIRQ_OFFSET); }
void irq_exit(void) { __preempt_count_sub(HARDIRQ_OFFSET); }
void nmi_enter(void) { __preempt_count_add(NMI_OFFSET + HARDIRQ_OFFSET); }
void nmi_exit(void) { __preempt_count_sub(NMI_OFFSET + HARDIRQ_OFFSET); }

/* ---- exceptions ---- */
static void do_error_trap(struct pt_regs *regs, long error_code, const char *str)
{
	die(str, regs, error_code);
}

#define DO_ERROR(name, str) \
	void name(struct pt_regs *regs, long error_code) { do_error_trap(regs, error_code, str); }
DO_ERROR(do_divide_error, "divide error")
DO_ERROR(do_overflow, "overflow")
DO_ERROR(do_bounds, "bounds")

/* ud2: a WARN prints its report and continues after the ud2; a BUG prints "kernel BUG at" first */
void do_invalid_op(struct pt_regs *regs, long error_code)
{
	if (!(regs->cs & 3) && report_bug(regs->ip, regs) == BUG_TRAP_TYPE_WARN) {
		regs->ip += 2;
		return;
	}
	do_error_trap(regs, error_code, "invalid opcode");
}
DO_ERROR(do_device_not_available, "device not available")
DO_ERROR(do_coprocessor_segment_overrun, "coprocessor segment overrun")
DO_ERROR(do_invalid_TSS, "invalid TSS")
DO_ERROR(do_segment_not_present, "segment not present")
DO_ERROR(do_stack_segment, "stack segment")
DO_ERROR(do_general_protection, "general protection fault")
DO_ERROR(do_spurious_interrupt_bug, "spurious interrupt bug")
DO_ERROR(do_coprocessor_error, "coprocessor error")
DO_ERROR(do_alignment_check, "alignment check")
DO_ERROR(do_simd_coprocessor_error, "simd exception")
DO_ERROR(do_virtualization_exception, "virtualization exception")
DO_ERROR(do_control_protection, "control protection fault")
DO_ERROR(do_reserved_exception, "reserved exception")

void do_debug(struct pt_regs *regs, long error_code) { }
void do_int3(struct pt_regs *regs, long error_code) { }

void do_machine_check(struct pt_regs *regs, long error_code)
{
	panic("Machine check");
}

void do_double_fault(struct pt_regs *regs, long error_code)
{
	/* a kernel stack overflow runs into the guard page below the (vmap'd) stack: the CPU cannot
	 * push the #PF frame and raises #DF instead (Linux 5.4 handle_stack_overflow) */
	unsigned long cr2 = read_cr2();
	struct task_struct *tsk = current;
	if (tsk && tsk->stack && (unsigned long)tsk->stack - 1 - cr2 < PAGE_SIZE) {
		printk(KERN_EMERG "BUG: stack guard page was hit at %px (stack is %px..%px)\n", (void *)cr2,
		       tsk->stack, (char *)tsk->stack + THREAD_SIZE - 1);
		die("kernel stack overflow (double-fault)", regs, 0);
		panic("kernel stack overflow (double-fault)");
	}
	printk(KERN_EMERG "PANIC: double fault, error_code: 0x%lx\n", error_code);
	die("double fault", regs, error_code);
	panic("Machine halted.");
}

#define X86_PF_PROT 1
#define X86_PF_WRITE 2
#define X86_PF_USER 4
#define X86_PF_RSVD 8
#define X86_PF_INSTR 16
#define X86_PF_PK 32

static void show_fault_oops(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	if (address < 4096 && !user_mode(regs))
		printk(KERN_ALERT "BUG: kernel NULL pointer dereference, address: %px\n", (void *)address);
	else
		printk(KERN_ALERT "BUG: unable to handle page fault for address: %px\n", (void *)address);
	printk(KERN_ALERT "#PF: %s %s in %s mode\n", (error_code & X86_PF_USER) ? "user" : "supervisor",
	       (error_code & X86_PF_INSTR) ? "instruction fetch" :
	       (error_code & X86_PF_WRITE) ? "write access" : "read access",
	       user_mode(regs) ? "user" : "kernel");
	printk(KERN_ALERT "#PF: error_code(0x%04lx) - %s\n", error_code,
	       !(error_code & X86_PF_PROT) ? "not-present page" :
	       (error_code & X86_PF_RSVD) ? "reserved bit violation" :
	       (error_code & X86_PF_PK) ? "protection keys violation" : "permissions violation");
	dump_pagetable(address);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code)
{
	unsigned long address = read_cr2();
	unsigned long flags = oops_begin();
	int sig = 9;
	show_fault_oops(regs, error_code, address);
	if (__die("Oops", regs, error_code))
		sig = 0;
	printk(KERN_DEFAULT "CR2: %016lx\n", address);
	oops_end(flags, regs, sig);
}

/* ---- NMI ---- */
#define NMI_SLOTS 8
static nmi_handler_t nmi_handlers[NMI_MAX][NMI_SLOTS];
static DEFINE_SPINLOCK(nmi_reg_lock);

int nmi_register(unsigned int type, nmi_handler_t fn)
{
	int i, r = -EBUSY;
	if (type >= NMI_MAX)
		return -EINVAL;
	spin_lock(&nmi_reg_lock);
	for (i = 0; i < NMI_SLOTS; i++) {
		if (!nmi_handlers[type][i]) {
			WRITE_ONCE(nmi_handlers[type][i], fn);
			r = 0;
			break;
		}
	}
	spin_unlock(&nmi_reg_lock);
	return r;
}

int nmi_unregister(unsigned int type, nmi_handler_t fn)
{
	int i;
	if (type >= NMI_MAX)
		return -EINVAL;
	spin_lock(&nmi_reg_lock);
	for (i = 0; i < NMI_SLOTS; i++)
		if (nmi_handlers[type][i] == fn)
			WRITE_ONCE(nmi_handlers[type][i], NULL);
	spin_unlock(&nmi_reg_lock);
	return 0;
}

/* noinline (as the NOKPROBE functions of Linux 5.4): NMI traces read nmi_handle, default_do_nmi,
 * do_nmi, end_repeat_nmi */
static noinline int nmi_handle(unsigned int type, struct pt_regs *regs)
{
	int i, handled = 0;
	for (i = 0; i < NMI_SLOTS; i++) {
		nmi_handler_t fn = READ_ONCE(nmi_handlers[type][i]);
		if (fn)
			handled += fn(type, regs);
	}
	return handled;
}

/* hidden debug aid: kcore_nmi_dump makes an unknown NMI (QEMU monitor "nmi") dump registers */
static int unknown_nmi_show_regs;
static int __init nmi_dump_setup(char *s)
{
	unknown_nmi_show_regs = 1;
	return 0;
}
early_param("kcore_nmi_dump", nmi_dump_setup);

static void unknown_nmi_error(unsigned char reason, struct pt_regs *regs)
{
	if (nmi_handle(NMI_UNKNOWN, regs))
		return;
	printk(KERN_EMERG "Uhhuh. NMI received for unknown reason %02x on CPU %d.\n", reason, smp_processor_id());
	printk(KERN_EMERG "Do you have a strange power saving mode enabled?\n");
	printk(KERN_EMERG "Dazed and confused, but trying to continue\n");
	if (unknown_nmi_show_regs) {
		show_regs(regs);
		if (smp_processor_id() == 0)
			sched_debug_dump();
	}
}

static noinline void default_do_nmi(struct pt_regs *regs)
{
	int handled = nmi_handle(NMI_LOCAL, regs);
	if (handled)
		return;
	/* external NMI sources (port 0x61), then "unknown" */
	unsigned char reason = inb(0x61);
	if ((reason & 0xc0) && reason != 0xff && smp_processor_id() == 0) {
		if (reason & 0x80)
			printk(KERN_EMERG "NMI: PCI system error (SERR) for reason %02x on CPU %d.\n", reason,
			       smp_processor_id());
		else
			printk(KERN_EMERG "NMI: IOCK error (debug interrupt?) for reason %02x on CPU %d.\n",
			       reason, smp_processor_id());
		printk(KERN_EMERG "Dazed and confused, but trying to continue\n");
	} else {
		unknown_nmi_error(reason, regs);
	}
}

void do_nmi(struct pt_regs *regs)
{
	nmi_enter();
	inc_irq_stat(__nmi_count);
	struct pt_regs *old = set_irq_regs(regs);
	smp_nmi_stop_check(regs);
	default_do_nmi(regs);
	set_irq_regs(old);
	nmi_exit();
}

/* ---- device IRQs ---- */
struct irq_desc { irq_handler_t handler; const char *name; void *dev; bool level; };
static struct irq_desc irq_descs[NR_IRQS];
void ioapic_route(unsigned int irq, int vector, bool level, bool low);

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name, void *dev)
{
	if (irq >= NR_IRQS || !handler)
		return -EINVAL;
	if (irq_descs[irq].handler)
		return -EBUSY;
	irq_descs[irq].handler = handler;
	irq_descs[irq].name = name;
	irq_descs[irq].dev = dev;
	ioapic_route(irq, ISA_IRQ_VECTOR(irq), false, false);
	return 0;
}

void do_IRQ(struct pt_regs *regs)
{
	int vector = ~regs->orig_ax;
	irq_enter();
	struct pt_regs *old = set_irq_regs(regs);
	int irq = vector - ISA_IRQ_VECTOR(0);
	if (irq >= 0 && irq < NR_IRQS && irq_descs[irq].handler) {
		__this_cpu_inc(irq_stat.irq_count[irq]);
		irq_descs[irq].handler(irq, irq_descs[irq].dev);
	} else {
		__this_cpu_inc(irq_stat.irq_spurious_count);
	}
	apic_eoi();
	set_irq_regs(old);
	irq_exit();
}

void smp_spurious_interrupt(struct pt_regs *regs)
{
	inc_irq_stat(irq_spurious_count);
	if (~regs->orig_ax != 0xff)
		apic_eoi();
}

void smp_error_interrupt(struct pt_regs *regs)
{
	apic_write(APIC_ESR, 0);
	inc_irq_stat(irq_err_count);
	apic_eoi();
}

/* /proc/interrupts, Linux layout */
int show_interrupts(char *buf, int size)
{
	int n = 0, cpu, i;
	const int prec = 3;
	/* snprintf-style: returns the full length even when it does not fit (the reader retries) */
#define P(...) n += snprintf(buf + (n < size ? n : size), n < size ? size - n : 0, __VA_ARGS__)
	P("%*s", prec + 8, "");
	for_each_online_cpu(cpu)
		P("CPU%-8d", cpu);
	P("\n");
	for (i = 0; i < NR_IRQS; i++) {
		if (!irq_descs[i].handler)
			continue;
		P("%*d: ", prec, i);
		for_each_online_cpu(cpu)
			P("%10u ", per_cpu(irq_stat, cpu).irq_count[i]);
		P(" %8s", "IO-APIC");
		P(" %*d", prec, i);
		P("-%-8s", "edge");
		P("  %s\n", irq_descs[i].name);
	}
#define ROW(tag, field, desc) do {					\
		P("%*s: ", prec, tag);					\
		for_each_online_cpu(cpu) {				\
			P("%10u ", per_cpu(irq_stat, cpu).field);	\
		}							\
		P("  %s\n", desc);					\
	} while (0)
	ROW("NMI", __nmi_count, "Non-maskable interrupts");
	ROW("LOC", apic_timer_irqs, "Local timer interrupts");
	ROW("SPU", irq_spurious_count, "Spurious interrupts");
	ROW("PMI", apic_perf_irqs, "Performance monitoring interrupts");
	ROW("RES", irq_resched_count, "Rescheduling interrupts");
	ROW("CAL", irq_call_count, "Function call interrupts");
	unsigned int err = 0;
	for_each_online_cpu(cpu)
		err += per_cpu(irq_stat, cpu).irq_err_count;
	P("ERR: %10u\n", err);
	P("MIS: %10u\n", 0);
	return n;
#undef ROW
#undef P
}
