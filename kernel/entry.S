/* Interrupt/exception entry, context switch, AP trampoline.
 * Every entry saves a Linux-layout struct pt_regs (ptrace.h) and sets RBP = &regs | 1 so the
 * frame-pointer unwinder recognises the interrupt frame (Linux's ENCODE_FRAME_POINTER).
 * orig_ax: error code for exceptions that push one, -1 for other exceptions and NMI, ~vector for IRQs.
 * IRQs switch to the per-CPU IRQ stack (top word = pointer to the regs on the interrupted stack). */
#include "ptrace.h"
#include "percpu.h"

	.macro SAVE_REGS
	cld
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	leaq 1(%rsp), %rbp
	.endm

	.macro RESTORE_REGS_IRET
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	addq $8, %rsp
	iretq
	.endm

/* exception on the current stack: handler(regs, error_code) */
	.macro idtentry name handler has_error_code
	.globl \name
	.type \name, @function
\name:
	.if \has_error_code == 0
	pushq $-1
	.endif
	SAVE_REGS
	movq %rsp, %rdi
	.if \has_error_code == 0
	xorl %esi, %esi                  /* as Linux: no error code -> 0 ("divide error: 0000") */
	.else
	movq PTREGS_ORIG_AX(%rsp), %rsi
	.endif
	movq $-1, PTREGS_ORIG_AX(%rsp)   /* as Linux: no ORIG_RAX for exceptions */
	movq %rsp, %rbx
	andq $~15, %rsp
	call \handler
	movq %rbx, %rsp
	jmp exception_return
	.size \name, . - \name
	.endm

/* system vector with its own C handler, run on the IRQ stack: handler(regs) */
	.macro apicinterrupt num name handler
	.globl \name
	.type \name, @function
	.p2align 4
\name:
	pushq $~(\num)
	SAVE_REGS
	movq %rsp, %rdi
	movq %rsp, %rbx
	incl %gs:0x40                 /* cpu_local.irq_count (starts at -1) */
	jnz 1f
	movq %gs:CPU_LOCAL_IRQSTACK, %rsp
	pushq %rdi                    /* top word: regs on the interrupted stack */
	pushq $0
1:	andq $~15, %rsp
	call \handler
	movq %rbx, %rsp
	decl %gs:0x40
	jmp interrupt_return
	.size \name, . - \name
	.endm

	.text
/* common return from IRQs: preempt=full preemption check, then iret */
interrupt_return:
	testb $3, PTREGS_CS(%rsp)
	jnz 2f
	cmpl $-1, %gs:0x40
	jne 2f
	movq %rsp, %rdi
	call irqentry_exit_cond_resched
2:	RESTORE_REGS_IRET

exception_return:
	RESTORE_REGS_IRET

	idtentry divide_error do_divide_error 0
	idtentry debug do_debug 0
	idtentry int3 do_int3 0
	idtentry overflow do_overflow 0
	idtentry bounds do_bounds 0
	idtentry invalid_op do_invalid_op 0
	idtentry device_not_available do_device_not_available 0
	idtentry double_fault do_double_fault 1
	idtentry coprocessor_segment_overrun do_coprocessor_segment_overrun 0
	idtentry invalid_TSS do_invalid_TSS 1
	idtentry segment_not_present do_segment_not_present 1
	idtentry stack_segment do_stack_segment 1
	idtentry general_protection do_general_protection 1
	idtentry page_fault do_page_fault 1
	idtentry spurious_interrupt_bug do_spurious_interrupt_bug 0
	idtentry coprocessor_error do_coprocessor_error 0
	idtentry alignment_check do_alignment_check 1
	idtentry machine_check do_machine_check 0
	idtentry simd_coprocessor_error do_simd_coprocessor_error 0
	idtentry virtualization_exception do_virtualization_exception 0
	idtentry control_protection do_control_protection 1
	idtentry reserved_exception do_reserved_exception 0

	apicinterrupt 0xec apic_timer_interrupt smp_apic_timer_interrupt
	apicinterrupt 0xfd reschedule_interrupt smp_reschedule_interrupt
	apicinterrupt 0xfc call_function_interrupt smp_call_function_interrupt
	apicinterrupt 0xfb call_function_single_interrupt smp_call_function_single_interrupt
	apicinterrupt 0xf8 reboot_interrupt smp_reboot_interrupt
	apicinterrupt 0xfe error_interrupt smp_error_interrupt
	apicinterrupt 0xff spurious_interrupt smp_spurious_interrupt

/* NMI: IST stack (per CPU); pt_regs sit at the top of the NMI stack. */
	.globl nmi
	.type nmi, @function
nmi:
	pushq $-1
	SAVE_REGS
	.size nmi, . - nmi
/* Linux 5.4 calls do_nmi from end_repeat_nmi (after its nested-NMI handling), so NMI call traces
 * end in " end_repeat_nmi+0x.../0x..."; the name is kept for that */
	.type end_repeat_nmi, @function
end_repeat_nmi:
	movq %rsp, %rdi
	movq %rsp, %rbx
	andq $~15, %rsp
	call do_nmi
	movq %rbx, %rsp
	RESTORE_REGS_IRET
	.size end_repeat_nmi, . - end_repeat_nmi

/* external (IOAPIC) interrupts 0x20..0xeb: stubs push ~vector and jump to common_interrupt */
	.p2align 4
common_interrupt:
	SAVE_REGS
	movq %rsp, %rdi
	movq %rsp, %rbx
	incl %gs:0x40
	jnz 1f
	movq %gs:CPU_LOCAL_IRQSTACK, %rsp
	pushq %rdi
	pushq $0
1:	andq $~15, %rsp
	call do_IRQ
	movq %rbx, %rsp
	decl %gs:0x40
	jmp interrupt_return

	.p2align 4
	.globl irq_entries_start
irq_entries_start:
	vector = 0x20
	.rept (0xec - 0x20)
	pushq $(~vector)
	jmp common_interrupt
	.p2align 4
	vector = vector + 1
	.endr

/* switch_to(prev, next): saves callee-saved registers on prev's stack, prev->sp = rsp,
 * rsp = next->sp, restores; returns prev (in rax) in next's context. */
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	pushq %rbp
	movq %rsp, %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	movq %rdi, %rax
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size __switch_to_asm, . - __switch_to_asm

/* first return of a new task: rax = prev; r12 = task */
	.globl ret_from_fork
	.type ret_from_fork, @function
ret_from_fork:
	movq %rax, %rdi
	call schedule_tail
	movq %r12, %rdi
	xorl %ebp, %ebp
	call kthread_entry
	ud2
	.size ret_from_fork, . - ret_from_fork

	.section .note.GNU-stack, "", @progbits

/* AP trampoline: copied to TRAMPOLINE_PHYS (0x8000), entered by SIPI in real mode (CS=0x0800).
 * real mode -> 32-bit protected mode -> long mode (trampoline page table with the identity map)
 * -> ap_entry64 in the higher half. The BSP fills tr_cr3/tr_stack/tr_cpu before each SIPI. */
#define TRAMP_BASE 0x8000
#define TR(x) (TRAMP_BASE + (x) - tr_start)
	.section .trampoline, "ax"
	.code16
	.globl tr_start, tr_cr3, tr_stack, tr_cpu, tr_alive
tr_start:
	cli
	cld
	mov $(TRAMP_BASE >> 4), %ax      /* = CS after SIPI vector 0x08 (no segment register reads) */
	mov %ax, %ds
	lgdtl (tr_gdtr - tr_start)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $TR(tr_pm32)
	.code32
tr_pm32:
	mov $0x18, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $0xa0, %eax
	mov %eax, %cr4
	mov TR(tr_cr3), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax
	mov %eax, %cr0
	ljmp $0x10, $TR(tr_lm64)
	.code64
tr_lm64:
	movq TR(tr_stack), %rsp
	movq TR(tr_entry), %rax
	jmp *%rax
	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
tr_gdtr:
	.word 31
	.long TR(tr_gdt)
	.balign 8
tr_cr3: .long 0, 0
tr_stack: .quad 0
tr_entry: .quad ap_entry64
tr_cpu: .quad 0
tr_alive: .quad 0
	.globl tr_end
tr_end:

	.text
	.code64
ap_entry64:
	movabs $boot_gdtr_high, %rax
	lgdt (%rax)
	movabs $boot_pml4, %rax
	movabs $0xffffffff80000000, %rcx
	subq %rcx, %rax
	movq %rax, %cr3
	mov $0x18, %ax
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	movq $TR(tr_cpu), %rax
	movabs $0xffff888000000000, %rcx
	addq %rcx, %rax
	movq (%rax), %rdi
	xorl %ebp, %ebp
	call ap_start
	ud2
	.section .note.GNU-stack, "", @progbits
