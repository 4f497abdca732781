/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt and exception entry: one 16-byte stub per vector at
 * x86_vector_stubs + 16 * vector. A stub pushes a zero error code when the
 * CPU pushes none (all but vectors 8, 10-14, 17, 21, 29 and 30; AMD64
 * Architecture Programmer's Manual vol. 2, 8.2), then the vector, and
 * joins the common path, which saves the general registers as a struct
 * x86_regs (x86.h) and calls x86_trap(regs). The return restores them and
 * IRETs, so handlers of interrupts return to the interrupted code.
 */
#include "x86.h"

	.section .text, "ax"
	.code64
	.balign 16
	.globl x86_vector_stubs
x86_vector_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	cld
	call x86_trap
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq
