/*
 * Entry of every freestanding test program. The loader (GuestProgramRunner / CpuBench) puts the
 * CPU in 64-bit mode with RIP = _start (the image's load address) and RDI = the argument.
 * The checksum returned by guest_main is written to port 0x504 (low dword, then high dword)
 * and left in RAX; then the CPU halts.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	lea	__stack_top(%rip), %rsp
	call	guest_main
	mov	%rax, %rbx
	mov	$0x504, %dx
	out	%eax, %dx
	shr	$32, %rax
	out	%eax, %dx
	mov	%rbx, %rax
1:	hlt
	jmp	1b
	.section .note.GNU-stack,"",@progbits
