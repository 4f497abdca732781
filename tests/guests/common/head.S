/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test guests' way in, as a PVH kernel: a Xen ELF note
 * XEN_ELFNOTE_PHYS32_ENTRY (type 18, name "Xen") names guest_entry32,
 * which the hypervisor enters in 32-bit protected mode with paging off and
 * EBX = the guest-physical address of a struct hvm_start_info.
 *
 * The guest maps its first GiB 1:1 with 2 MiB pages, enters long mode and
 * calls guest_main(start_info) on a 16 KiB stack; if that returns, it
 * halts with interrupts off.
 */
#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_PS 0x080

	.section .note.xen, "a", @note
	.balign 4
	.long 4, 8, 18                  /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.quad guest_entry32

	.section .text.entry, "ax"
	.code32
	.globl guest_entry32
guest_entry32:
	cli
	cld
	lgdt guest_gdt_ptr
	mov %cr4, %eax
	or $0x20, %eax                  /* CR4.PAE */
	mov %eax, %cr4
	mov $guest_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx           /* EFER */
	rdmsr
	or $0x100, %eax                 /* EFER.LME */
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax            /* CR0.PG | CR0.PE */
	mov %eax, %cr0
	ljmp $0x08, $guest_entry64

	.code64
guest_entry64:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $guest_stack_top, %rsp
	mov %ebx, %edi
	call guest_main
1:	cli
	hlt
	jmp 1b

	.section .data, "aw"
	.balign 8
guest_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
guest_gdt_end:
guest_gdt_ptr:
	.short guest_gdt_end - guest_gdt - 1
	.quad guest_gdt

	.balign 4096
guest_pml4:
	.quad guest_pdpt + PTE_P + PTE_W
	.fill 511, 8, 0
guest_pdpt:
	.quad guest_pd + PTE_P + PTE_W
	.fill 511, 8, 0
guest_pd:
	.set i, 0
	.rept 512
	.quad (i << 21) + PTE_P + PTE_W + PTE_PS
	.set i, i + 1
	.endr

	.section .bss, "aw", @nobits
	.balign 16
guest_stack:
	.skip 16384
guest_stack_top:
	.section .note.GNU-stack, "", @progbits
