/* Oops/trace output in Linux 5.4's format: dump_stack_print_info, __show_regs, show_opcodes,
 * the stack scan with frame-pointer confirmation ("? " for unconfirmed text addresses),
 * <IRQ>/<NMI>/<#DF> markers, inline SHORT register blocks at interrupt frames, die/oops_begin/end. */
#include "kernel.h"
#include "string.h"
#include "ptrace.h"
#include "sched.h"
#include "smp.h"
#include "io.h"
#include "mm.h"
#include "taint.h"
#include "kallsyms.h"
#include "time.h"
#include "boot.h"

void print_modules(void) __attribute__((weak));
extern char boot_stack[], boot_stack_top[];

#define IRQ_STACK_SIZE 16384
#define IST_STACK_SIZE 8192

/* serialises dumps from several CPUs (re-entrant for the owner, e.g. NMI on top of a dump) */
static volatile int dump_owner = -1;

/* token: bit 0 = nested (already the owner), bit 9 = IF to restore (IRQs are off while held) */
unsigned long dump_lock_get(void)
{
	unsigned long flags = arch_local_irq_save() & 0x200;
	int cpu = smp_processor_id(), old;
	unsigned long spins = 0;
	for (;;) {
		old = -1;
		if (__atomic_compare_exchange_n(&dump_owner, &old, cpu, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return flags;
		if (old == cpu)
			return flags | 1;      /* nested: already owner */
		if (++spins > 200000000UL && panic_cpu == cpu)
			dump_owner = -1;       /* bust during panic */
		cpu_relax();
	}
}

void dump_lock_put(unsigned long token)
{
	if (!(token & 1))
		__atomic_store_n(&dump_owner, -1, __ATOMIC_SEQ_CST);
	if (token & 0x200)
		arch_local_irq_enable();
}

unsigned long printk_cpu_sync_get(void) { return dump_lock_get(); }
void printk_cpu_sync_put(unsigned long token) { dump_lock_put(token); }

void dump_stack_print_info(const char *log_lvl)
{
	printk("%sCPU: %d PID: %d Comm: %.20s %s %s %.*s\n", log_lvl, raw_smp_processor_id(),
	       current ? current->pid : 0, current ? current->comm : "swapper", print_tainted(), UTS_RELEASE,
	       (int)(strchr(UTS_VERSION, ' ') ? strchr(UTS_VERSION, ' ') - UTS_VERSION : (long)strlen(UTS_VERSION)),
	       UTS_VERSION);
	if (dmi_hardware_name)
		printk("%sHardware name: %s\n", log_lvl, dmi_hardware_name);
}

void show_regs_print_info(const char *log_lvl)
{
	dump_stack_print_info(log_lvl);
}

static void show_opcodes(struct pt_regs *regs, const char *loglvl)
{
	u8 op[64];
	unsigned long prologue = regs->ip - 42;
	if (user_mode(regs) || probe_kernel_read(op, (void *)prologue, 64)) {
		printk("%sCode: Bad RIP value.\n", loglvl);
		return;
	}
	printk("%sCode: %42ph <%02x> %21ph\n", loglvl, op, op[42], op + 43);
}

static void show_iret_regs(struct pt_regs *regs)
{
	printk(KERN_DEFAULT "RIP: %04x:%pS\n", (int)regs->cs, (void *)regs->ip);
	show_opcodes(regs, KERN_DEFAULT);
	printk(KERN_DEFAULT "RSP: %04x:%016lx EFLAGS: %08lx", (int)regs->ss, regs->sp, regs->flags);
	if (regs->orig_ax != (unsigned long)-1)
		printk(KERN_CONT " ORIG_RAX: %016lx\n", regs->orig_ax);
	else
		printk(KERN_CONT "\n");
}

void __show_regs(struct pt_regs *regs, enum show_regs_mode mode)
{
	unsigned int fsindex, gsindex, ds, es;
	show_iret_regs(regs);
	printk(KERN_DEFAULT "RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->ax, regs->bx, regs->cx);
	printk(KERN_DEFAULT "RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->dx, regs->si, regs->di);
	printk(KERN_DEFAULT "RBP: %016lx R08: %016lx R09: %016lx\n", regs->bp, regs->r8, regs->r9);
	printk(KERN_DEFAULT "R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk(KERN_DEFAULT "R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	if (mode == SHOW_REGS_SHORT)
		return;
	if (mode == SHOW_REGS_USER) {
		printk(KERN_DEFAULT "FS:  %016llx GS:  %016llx\n", (unsigned long long)rdmsrl(MSR_FS_BASE),
		       (unsigned long long)rdmsrl(MSR_KERNEL_GS_BASE));
		return;
	}
	__asm__("movl %%ds,%0" : "=r"(ds));
	__asm__("movl %%es,%0" : "=r"(es));
	__asm__("movl %%fs,%0" : "=r"(fsindex));
	__asm__("movl %%gs,%0" : "=r"(gsindex));
	unsigned long fs = rdmsrl(MSR_FS_BASE), gs = rdmsrl(MSR_GS_BASE), shadow = rdmsrl(MSR_KERNEL_GS_BASE);
	printk(KERN_DEFAULT "FS:  %016lx(%04x) GS:%016lx(%04x) knlGS:%016lx\n", fs, fsindex & 0xffff, gs,
	       gsindex & 0xffff, shadow);
	printk(KERN_DEFAULT "CS:  %04lx DS: %04x ES: %04x CR0: %016lx\n", regs->cs, ds & 0xffff, es & 0xffff, read_cr0());
	printk(KERN_DEFAULT "CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(), read_cr3(), read_cr4());
}

/* ---- stacks ---- */
enum stack_type { STACK_UNKNOWN, STACK_TASK, STACK_IRQ, STACK_NMI, STACK_DF };
struct stack_info { enum stack_type type; unsigned long *begin, *end, *next_sp; };

static bool in_range(unsigned long *p, unsigned long b, unsigned long e)
{
	return (unsigned long)p >= b && (unsigned long)p < e;
}

static bool get_stack_info(unsigned long *sp, struct task_struct *task, struct stack_info *info)
{
	struct cpu_local *cl = this_cpu_local();
	if (in_range(sp, cl->irq_stack_base, cl->irq_stack_top)) {
		info->type = STACK_IRQ;
		info->begin = (unsigned long *)cl->irq_stack_base;
		info->end = (unsigned long *)cl->irq_stack_top;
		info->next_sp = (unsigned long *)info->end[-1];
		return true;
	}
	if (in_range(sp, cl->nmi_stack_top - IST_STACK_SIZE, cl->nmi_stack_top) ||
	    in_range(sp, cl->df_stack_top - IST_STACK_SIZE, cl->df_stack_top)) {
		bool nmi = in_range(sp, cl->nmi_stack_top - IST_STACK_SIZE, cl->nmi_stack_top);
		unsigned long top = nmi ? cl->nmi_stack_top : cl->df_stack_top;
		info->type = nmi ? STACK_NMI : STACK_DF;
		info->begin = (unsigned long *)(top - IST_STACK_SIZE);
		info->end = (unsigned long *)top;
		info->next_sp = (unsigned long *)((struct pt_regs *)top - 1)->sp;
		return true;
	}
	if (task && task->stack && in_range(sp, (unsigned long)task->stack, (unsigned long)task->stack + THREAD_SIZE)) {
		info->type = STACK_TASK;
		info->begin = task->stack;
		info->end = (unsigned long *)((char *)task->stack + THREAD_SIZE);
		info->next_sp = NULL;
		return true;
	}
	if (in_range(sp, (unsigned long)boot_stack, (unsigned long)boot_stack_top)) {
		info->type = STACK_TASK;
		info->begin = (unsigned long *)boot_stack;
		info->end = (unsigned long *)boot_stack_top;
		info->next_sp = NULL;
		return true;
	}
	return false;
}

static const char *stack_name(enum stack_type t)
{
	return t == STACK_IRQ ? "IRQ" : t == STACK_NMI ? "NMI" : t == STACK_DF ? "#DF" : NULL;
}

static void printk_stack_address(unsigned long address, int reliable, const char *log_lvl)
{
	printk("%s %s%pB\n", log_lvl, reliable ? "" : "? ", (void *)address);
}

static void show_trace(struct task_struct *task, struct pt_regs *regs, unsigned long *stack,
		       unsigned long frame, const char *log_lvl)
{
	struct stack_info info;
	struct pt_regs *pending = NULL;
	int hops = 0;
	printk("%sCall Trace:\n", log_lvl);
	for (; stack && hops < 6; hops++) {
		if (!get_stack_info(stack, task, &info)) {
			stack = (unsigned long *)ALIGN((unsigned long)stack, PAGE_SIZE);
			if (!get_stack_info(stack, task, &info))
				break;
		}
		const char *name = stack_name(info.type);
		if (name)
			printk("%s <%s>\n", log_lvl, name);
		for (; stack < info.end; stack++) {
			if (pending && stack == (unsigned long *)pending) {
				if (kernel_addr_mapped((unsigned long)pending)) {
					__show_regs(pending, user_mode(pending) ? SHOW_REGS_USER : SHOW_REGS_SHORT);
					frame = pending->bp;
				}
				pending = NULL;
			}
			unsigned long addr = *stack;
			if (!kernel_text_address(addr))
				continue;
			int reliable = frame && (frame & 1) == 0 && stack == (unsigned long *)(frame + 8);
			printk_stack_address(addr, reliable, log_lvl);
			if (!reliable)
				continue;
			unsigned long next = 0;
			if (kernel_addr_mapped(frame))
				next = *(unsigned long *)frame;
			if (next & 1) {
				pending = (struct pt_regs *)(next & ~1UL);
				frame = 0;
			} else if (next > frame) {
				frame = next;
			} else {
				frame = 0;
			}
		}
		if (name)
			printk("%s </%s>\n", log_lvl, name);
		stack = info.next_sp;
		if (stack && !kernel_addr_mapped((unsigned long)stack))
			break;
	}
}

void show_trace_log_lvl(struct task_struct *task, struct pt_regs *regs, unsigned long *stack, const char *log_lvl)
{
	if (regs)
		show_trace(task ? task : current, regs, stack ? stack : (unsigned long *)regs->sp, regs->bp, log_lvl);
	else
		show_trace(task ? task : current, NULL, stack, stack ? (unsigned long)stack : 0, log_lvl);
}

noinline void show_stack(struct task_struct *task, unsigned long *sp)
{
	if (!sp || task == NULL || task == current) {
		unsigned long fp = (unsigned long)__builtin_frame_address(0);
		show_trace(current, NULL, (unsigned long *)fp, fp, KERN_DEFAULT);
		return;
	}
	show_trace(task, NULL, sp, *sp, KERN_DEFAULT);
}

noinline void dump_stack(void)
{
	unsigned long nested = dump_lock_get();
	dump_stack_print_info(KERN_DEFAULT);
	show_stack(NULL, NULL);
	dump_lock_put(nested);
}

void show_regs(struct pt_regs *regs)
{
	unsigned long nested = dump_lock_get();
	show_regs_print_info(KERN_DEFAULT);
	__show_regs(regs, user_mode(regs) ? SHOW_REGS_USER : SHOW_REGS_ALL);
	if (!user_mode(regs))
		show_trace_log_lvl(current, regs, NULL, KERN_DEFAULT);
	dump_lock_put(nested);
}

/* ---- oops ---- */
static volatile int die_owner = -1;
static int die_nest_count, die_counter;
static struct pt_regs exec_summary_regs;
static u64 oops_id;

unsigned long oops_begin(void)
{
	unsigned long flags;
	int cpu, old;
	local_irq_save(flags);
	cpu = smp_processor_id();
	for (;;) {
		old = -1;
		if (__atomic_compare_exchange_n(&die_owner, &old, cpu, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) || old == cpu)
			break;
		cpu_relax();
	}
	die_nest_count++;
	console_verbose();
	oops_in_progress++;
	return flags;
}

static void print_oops_end_marker(void)
{
	if (!oops_id)
		oops_id = (rdtsc() * 0x9e3779b97f4a7c15ULL) | 1;
	printk(KERN_WARNING "---[ end trace %016llx ]---\n", (unsigned long long)oops_id);
}

void oops_end(unsigned long flags, struct pt_regs *regs, int signr)
{
	oops_in_progress--;
	add_taint(TAINT_DIE, LOCKDEP_NOW_UNRELIABLE);
	if (!--die_nest_count)
		__atomic_store_n(&die_owner, -1, __ATOMIC_SEQ_CST);
	local_irq_restore(flags);
	print_oops_end_marker();
	__show_regs(&exec_summary_regs, SHOW_REGS_ALL);
	if (!signr)
		return;
	if (in_interrupt())
		panic("Fatal exception in interrupt");
	if (panic_on_oops)
		panic("Fatal exception");
	local_irq_enable();
	do_exit(signr);
}

int __die(const char *str, struct pt_regs *regs, long err)
{
	if (!die_counter)
		exec_summary_regs = *regs;
	printk(KERN_DEFAULT "%s: %04lx [#%d]%s SMP\n", str, err & 0xffff, ++die_counter,
	       preempt_model == PREEMPT_FULL ? " PREEMPT" : "");
	show_regs(regs);
	if (print_modules)
		print_modules();
	else
		printk(KERN_DEFAULT "Modules linked in:\n");
	return 0;
}

void die(const char *str, struct pt_regs *regs, long err)
{
	unsigned long flags = oops_begin();
	int sig = 11;
	if (__die(str, regs, err))
		sig = 0;
	oops_end(flags, regs, sig);
}

/* WARN(cond, fmt, ...): the cut-here line and the message, then the ud2 (BUGFLAG_NO_CUT_HERE) */
void __warn_printk(const char *fmt, ...)
{
	va_list ap;
	printk(KERN_WARNING CUT_HERE);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

extern struct bug_entry __start___bug_table[], __stop___bug_table[];

static unsigned long bug_addr(const struct bug_entry *b)
{
	return (unsigned long)b + b->bug_addr_disp;
}

static struct bug_entry *find_bug(unsigned long addr)
{
	for (struct bug_entry *b = __start___bug_table; b < __stop___bug_table; b++)
		if (bug_addr(b) == addr)
			return b;
	return module_find_bug(addr);
}

/* lib/bug.c (5.4): called by the #UD handler for a kernel-mode ud2 */
enum bug_trap_type report_bug(unsigned long bugaddr, struct pt_regs *regs)
{
	const unsigned char *p = (const unsigned char *)bugaddr;
	if (p[0] != 0x0f || p[1] != 0x0b)           /* is_valid_bugaddr: a ud2 */
		return BUG_TRAP_TYPE_NONE;
	struct bug_entry *bug = find_bug(bugaddr);
	if (!bug)
		return BUG_TRAP_TYPE_NONE;
	const char *file = (const char *)bug + bug->file_disp;
	unsigned int line = bug->line;
	bool warning = bug->flags & BUGFLAG_WARNING;
	if (warning && (bug->flags & BUGFLAG_ONCE)) {
		if (bug->flags & BUGFLAG_DONE)
			return BUG_TRAP_TYPE_WARN;
		bug->flags |= BUGFLAG_DONE;
	}
	if (!(bug->flags & BUGFLAG_NO_CUT_HERE))
		printk(KERN_DEFAULT CUT_HERE);
	if (warning) {
		__warn(file, line, (void *)bugaddr, regs);
		return BUG_TRAP_TYPE_WARN;
	}
	printk(KERN_CRIT "kernel BUG at %s:%u!\n", file, line);
	return BUG_TRAP_TYPE_BUG;
}

void __warn(const char *file, int line, void *caller, struct pt_regs *regs)
{
	printk(KERN_WARNING "WARNING: CPU: %d PID: %d at %s:%d %pS\n", raw_smp_processor_id(),
	       current ? current->pid : 0, file, line, caller);
	if (print_modules)
		print_modules();
	if (regs)
		show_regs(regs);
	else
		dump_stack();
	print_oops_end_marker();
	add_taint(TAINT_WARN, LOCKDEP_STILL_OK);
}
