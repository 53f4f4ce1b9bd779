/* PVH entry (32-bit protected mode, paging off, EBX = hvm_start_info physical address).
 * Builds the boot page tables:
 *   PML4[0]   -> identity map of 0..1 GiB (2 MiB pages; removed once the kernel runs high)
 *   PML4[273] -> direct map: 0xffff888000000000 + phys for 0..4 GiB (2 MiB pages, 3..4 GiB uncached)
 *   PML4[511] -> PDPT[510]: kernel image 0xffffffff80000000 + phys (0..1 GiB);
 *                PDPT[511]: module area (filled by mm.c)
 * then enables long mode and calls kmain(start_info_phys) on boot_stack. */
#include "ptrace.h"
#define KERNEL_VMA 0xffffffff80000000
#define PHYS(x) ((x) - KERNEL_VMA)

	.section .note.Xen, "a", @note
	.balign 4
	.long 4            /* namesz */
	.long 8            /* descsz */
	.long 18           /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad PHYS(pvh_start32)
	.balign 4

	.section .boot.text, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli
	cld
	mov %ebx, %esi
	mov $PHYS(boot_stack_top), %esp
	/* PML4 */
	mov $PHYS(boot_pdpt_ident), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pml4)
	mov $PHYS(boot_pdpt_direct), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pml4) + 273*8
	mov $PHYS(boot_pdpt_kernel), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pml4) + 511*8
	/* identity and kernel PDPT entries -> boot_pd_low (0..1 GiB) */
	mov $PHYS(boot_pd_low), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pdpt_ident)
	mov %eax, PHYS(boot_pdpt_kernel) + 510*8
	/* direct map PDPT[0..3] -> boot_pd_direct + i*4096 */
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $12, %eax
	add $PHYS(boot_pd_direct), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pdpt_direct)(,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jb 1b
	/* boot_pd_low: 512 x 2 MiB (not global: the identity half is dropped later) */
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, PHYS(boot_pd_low)(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jb 2b
	/* boot_pd_direct: 2048 x 2 MiB = 4 GiB; entries >= 1536 (3 GiB+) get PCD|PWT */
	xor %ecx, %ecx
3:	mov %ecx, %eax
	mov %ecx, %edx
	shr $11, %edx             /* high dword of phys = ecx >> 11 (always 0 here) */
	shl $21, %eax
	or $0x83, %eax
	cmp $1536, %ecx
	jb 4f
	or $0x18, %eax
4:	mov %eax, PHYS(boot_pd_direct)(,%ecx,8)
	mov %edx, PHYS(boot_pd_direct)+4(,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 3b

	mov %cr4, %eax
	or $0xa0, %eax            /* PAE | PGE */
	mov %eax, %cr4
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx     /* EFER.LME | NXE? (LME only: NX not needed) */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax      /* PG | WP | PE */
	mov %eax, %cr0
	lgdt PHYS(boot_gdtr)
	ljmp $0x10, $PHYS(start64)

	.code64
start64:
	movabs $higher_half, %rax
	jmp *%rax

	.text
higher_half:
	movabs $boot_gdtr_high, %rax
	lgdt (%rax)
	mov $0x18, %ax
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %fs
	mov %ax, %gs
	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov %esi, %edi
	call kmain
5:	cli
	hlt
	jmp 5b

	.section .rodata
	.balign 16
	.globl boot_gdt
boot_gdt:                     /* Linux layout: 0x10 kernel CS, 0x18 kernel DS */
	.quad 0
	.quad 0x00cf9a000000ffff  /* 0x08: 32-bit code */
	.quad 0x00af9a000000ffff  /* 0x10: 64-bit code */
	.quad 0x00cf92000000ffff  /* 0x18: data */
boot_gdt_end:
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
	.balign 8
	.globl boot_gdtr_high
boot_gdtr_high:
	.word boot_gdt_end - boot_gdt - 1
	.quad boot_gdt

	.section .bss
	.balign 4096
	.globl boot_pml4, boot_pdpt_ident, boot_pdpt_kernel, boot_pdpt_direct, boot_pd_low, boot_pd_direct
	.globl boot_stack, boot_stack_top
boot_pml4: .skip 4096
boot_pdpt_ident: .skip 4096
boot_pdpt_kernel: .skip 4096
boot_pdpt_direct: .skip 4096
boot_pd_low: .skip 4096
boot_pd_direct: .skip 4096*4
boot_stack: .skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
