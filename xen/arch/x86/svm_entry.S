/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SVM world switch: svm_world_switch(vmcb, gprs, host_save).
 *
 * VMRUN swaps RAX, RSP, RIP, RFLAGS, the control registers, EFER and the
 * CS/SS/DS/ES/GDTR/IDTR state; VMLOAD/VMSAVE swap FS, GS, TR, LDTR and the
 * SYSCALL/SYSENTER MSRs; the other general registers are ours to switch
 * (AMD64 APM vol. 2, 15.5 and 15.5.2). GIF is cleared around the whole
 * sequence and RFLAGS.IF set just before VMRUN, so a physical interrupt
 * arriving while the guest runs exits with SVM_EXIT_INTR and stays pending
 * until the caller enables interrupts again (returns with IF clear).
 */
	.section .text, "ax"
	.code64
	.globl svm_world_switch
svm_world_switch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rsi                       /* gprs */
	push %rdx                       /* host save area */
	push %rdi                       /* vmcb */
	clgi
	mov %rdx, %rax
	vmsave %rax                     /* the host's FS/GS/TR/LDTR/MSRs */
	mov %rdi, %rax
	vmload %rax                     /* the guest's */
	mov 0x08(%rsi), %rcx
	mov 0x10(%rsi), %rdx
	mov 0x00(%rsi), %rbx
	mov 0x28(%rsi), %rbp
	mov 0x20(%rsi), %rdi
	mov 0x30(%rsi), %r8
	mov 0x38(%rsi), %r9
	mov 0x40(%rsi), %r10
	mov 0x48(%rsi), %r11
	mov 0x50(%rsi), %r12
	mov 0x58(%rsi), %r13
	mov 0x60(%rsi), %r14
	mov 0x68(%rsi), %r15
	mov 0x18(%rsi), %rsi
	sti
	vmrun %rax
	cli
	/* RAX is the VMCB address again, RSP ours; the rest is the guest's. */
	vmsave %rax
	push %rsi
	mov 0x18(%rsp), %rsi            /* gprs (above guest rsi, vmcb, save) */
	mov %rbx, 0x00(%rsi)
	mov %rcx, 0x08(%rsi)
	mov %rdx, 0x10(%rsi)
	mov %rdi, 0x20(%rsi)
	mov %rbp, 0x28(%rsi)
	mov %r8, 0x30(%rsi)
	mov %r9, 0x38(%rsi)
	mov %r10, 0x40(%rsi)
	mov %r11, 0x48(%rsi)
	mov %r12, 0x50(%rsi)
	mov %r13, 0x58(%rsi)
	mov %r14, 0x60(%rsi)
	mov %r15, 0x68(%rsi)
	pop %rax
	mov %rax, 0x18(%rsi)
	pop %rdi                        /* vmcb */
	pop %rax                        /* host save area */
	vmload %rax
	stgi
	pop %rsi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.section .note.GNU-stack, "", @progbits
