/* PVH entry (32-bit protected mode, flat segments, paging off, EBX = hvm_start_info), the
 * interrupt stubs, and the real-mode AP trampoline that main.c copies to 0x8000. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 8, 18          /* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_start32
	.balign 4

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov %ebx, %esi
	mov $boot_stack_top, %esp
	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3: 2 MiB pages identity-mapping 0..4 GiB */
	mov $boot_pdpt + 3, %eax
	mov %eax, boot_pml4
	movl $0, boot_pml4 + 4
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $boot_pd + 3, %eax     /* PD number ecx, present + writable */
	mov %eax, boot_pdpt(,%ecx,8)
	movl $0, boot_pdpt + 4(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jb 1b
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax             /* present, writable, 2 MiB */
	cmp $1536, %ecx
	jb 3f
	or $0x18, %eax             /* last GiB (MMIO): PCD | PWT */
3:	mov %eax, boot_pd(,%ecx,8)
	movl $0, boot_pd + 4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b
	mov %cr4, %eax
	or $0x20, %eax             /* PAE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx      /* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax       /* PG | PE */
	mov %eax, %cr0
	lgdt boot_gdtr
	ljmp $0x08, $start64

	.code64
start64:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov $boot_stack_top, %rsp
	mov %esi, %edi
	call kmain
4:	cli
	hlt
	jmp 4b

	.globl ap_entry64
ap_entry64:                        /* from the trampoline: rsp set, long mode, flat segments */
	call ap_main
5:	cli
	hlt
	jmp 5b

/* Interrupt stubs: push a dummy error code where the CPU does not, then the vector. */
	.macro stub n
isr_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17)
	.else
	push $0
	.endif
	push $\n
	jmp isr_common
	.endm
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,255
	stub \n
	.endr

isr_common:
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi
	cld
	call isr_dispatch
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	add $16, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl isr_table
isr_table:                         /* pairs: vector, stub address */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,255
	.quad \n, isr_\n
	.endr
	.quad -1, 0

boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff   /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff   /* 0x10: data */
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.quad boot_gdt

/* AP trampoline, copied to TRAMPOLINE (0x8000) and entered by SIPI vector 0x08 (CS=0x0800, IP=0). */
#define T(x) ((x) - trampoline_start + 0x8000)
	.section .text
	.globl trampoline_start, trampoline_end, tramp_cr3, tramp_stack
	.code16
trampoline_start:
	cli
	xor %ax, %ax
	mov %ax, %ds
	lgdtl T(tramp_gdtr)
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x18, $T(tramp32)
	.code32
tramp32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov T(tramp_cr3), %eax
	mov %eax, %cr3
	mov %cr4, %eax
	or $0x20, %eax
	mov %eax, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax
	mov %eax, %cr0
	ljmp $0x08, $T(tramp64)
	.code64
tramp64:
	mov T(tramp_stack), %rsp
	mov $ap_entry64, %rax
	jmp *%rax
	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00af9a000000ffff   /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff   /* 0x10: data */
	.quad 0x00cf9a000000ffff   /* 0x18: 32-bit code */
tramp_gdtr:
	.word tramp_gdtr - tramp_gdt - 1
	.long T(tramp_gdt)
	.balign 8
tramp_cr3:   .quad 0
tramp_stack: .quad 0
trampoline_end:

	.section .bss
	.balign 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096 * 4
	.skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
