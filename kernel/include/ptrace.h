/* struct pt_regs exactly as Linux x86-64 (entry code saves this layout; orig_ax = ~vector for IRQs,
 * error code for exceptions that push one, -1 otherwise). Owner: kcore. */
#ifndef _PTRACE_H
#define _PTRACE_H

#define PTREGS_R15 0
#define PTREGS_R14 8
#define PTREGS_R13 16
#define PTREGS_R12 24
#define PTREGS_BP 32
#define PTREGS_BX 40
#define PTREGS_R11 48
#define PTREGS_R10 56
#define PTREGS_R9 64
#define PTREGS_R8 72
#define PTREGS_AX 80
#define PTREGS_CX 88
#define PTREGS_DX 96
#define PTREGS_SI 104
#define PTREGS_DI 112
#define PTREGS_ORIG_AX 120
#define PTREGS_IP 128
#define PTREGS_CS 136
#define PTREGS_FLAGS 144
#define PTREGS_SP 152
#define PTREGS_SS 160
#define PTREGS_SIZE 168

#ifndef __ASSEMBLY__
#include "types.h"
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long orig_ax;          /* ~vector (IRQ), error code (exception), -1 */
	unsigned long ip, cs, flags, sp, ss;
};
static inline int user_mode(struct pt_regs *r) { return (r->cs & 3) != 0; }
static inline unsigned long instruction_pointer(struct pt_regs *r) { return r->ip; }

/* regs of the interrupted context while handling an IRQ/NMI on this CPU (NULL otherwise) */
struct pt_regs *get_irq_regs(void);
struct pt_regs *set_irq_regs(struct pt_regs *new_regs);   /* returns the old value */

/* dumpstack.c (Linux 5.4 formats) */
enum show_regs_mode { SHOW_REGS_SHORT, SHOW_REGS_USER, SHOW_REGS_ALL };
struct task_struct;
void show_regs(struct pt_regs *regs);        /* CPU/Hardware lines? no: Linux show_regs = show_regs_print_info + __show_regs(ALL) + Call Trace */
void __show_regs(struct pt_regs *regs, enum show_regs_mode mode);
void show_stack(struct task_struct *task, unsigned long *sp);   /* "Call Trace:" + frames */
void show_trace_log_lvl(struct task_struct *task, struct pt_regs *regs, unsigned long *stack, const char *log_lvl);
void dump_stack_print_info(const char *log_lvl);   /* "CPU: N PID: N Comm: ..." + "Hardware name: ..." */
void show_regs_print_info(const char *log_lvl);
extern const char *dmi_hardware_name;              /* NULL without SMBIOS */
unsigned long oops_begin(void);
void oops_end(unsigned long flags, struct pt_regs *regs, int signr);
#endif
#endif
