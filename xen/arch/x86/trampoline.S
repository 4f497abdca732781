/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Application processors' way in. smp.c copies x86_trampoline_start ..
 * x86_trampoline_end to a free page below 1 MiB and sends STARTUP IPIs
 * naming that page: each AP begins there in real mode with CS = page << 8,
 * IP = 0. The trampoline loads head.S's GDT (through a pointer it carries,
 * addressed relative to CS), enters protected mode and jumps into the
 * image, which then takes the same path to long mode as the boot CPU and
 * calls smp_ap_main(x86_ap_cpu) on the stack at x86_ap_stack_top. The boot
 * CPU starts one AP at a time, so those two words are enough.
 */
#include "x86.h"

	.section .text, "ax"
	.code16
	.globl x86_trampoline_start
x86_trampoline_start:
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_ptr - x86_trampoline_start
	mov %cr0, %eax
	or $1, %eax                     /* CR0.PE */
	mov %eax, %cr0
	ljmpl $X86_SEL_CODE32, $ap_entry32
	.balign 8
tramp_gdt_ptr:
	.short 6 * 8 - 1
	.long x86_gdt
	.globl x86_trampoline_end
x86_trampoline_end:

	.code32
ap_entry32:
	mov $X86_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %cr4, %eax
	or $0x20, %eax                  /* CR4.PAE */
	mov %eax, %cr4
	mov $x86_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx           /* EFER */
	rdmsr
	or $0x100, %eax                 /* EFER.LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax            /* CR0.PG | CR0.PE */
	mov %eax, %cr0
	ljmp $X86_SEL_CODE64, $ap_entry64

	.code64
ap_entry64:
	mov $X86_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov x86_ap_stack_top(%rip), %rsp
	mov x86_ap_cpu(%rip), %edi
	call smp_ap_main
1:	cli
	hlt
	jmp 1b
