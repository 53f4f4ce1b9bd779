/* PVH entry: 32-bit protected mode, flat segments, paging off, EBX = hvm_start_info (physical).
 * Builds identity + higher-half page tables, enables long mode and jumps to kmain(start_info). */
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
	/* PML4[0] and PML4[511] -> pdpt; pdpt[0] -> pd (identity 0..1G), pdpt[510] -> pd (higher half) */
	mov $PHYS(boot_pdpt), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pml4)
	mov %eax, PHYS(boot_pml4) + 511*8
	mov $PHYS(boot_pd), %eax
	or $0x3, %eax
	mov %eax, PHYS(boot_pdpt)
	mov %eax, PHYS(boot_pdpt) + 510*8
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, PHYS(boot_pd)(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jb 1b
	mov %cr4, %eax
	or $0x20, %eax            /* PAE */
	mov %eax, %cr4
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx     /* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax      /* PG | PE */
	mov %eax, %cr0
	lgdt PHYS(boot_gdtr)
	ljmp $0x08, $PHYS(start64)

	.code64
start64:
	movabs $higher_half, %rax
	jmp *%rax
higher_half:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	movabs $boot_stack_top, %rsp
	mov %esi, %edi
	call kmain
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff  /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff  /* 0x10: data */
boot_gdtr:
	.word boot_gdtr - boot_gdt - 1
	.long PHYS(boot_gdt)

	.section .bss
	.balign 4096
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096
boot_stack: .skip 16384
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
