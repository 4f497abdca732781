/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The image's first bytes and its ways in.
 *
 *  - A multiboot2 header (The Multiboot2 Specification, 3.1): GRUB2 loads
 *    the ELF segments at their physical addresses and enters mb2_entry
 *    (the ELF entry point) in 32-bit protected mode, EAX = 0x36d76289,
 *    EBX = the boot information.
 *  - A Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY (type 18, name "Xen"): a PVH
 *    loader (qemu -kernel) enters pvh_entry in 32-bit protected mode,
 *    paging off, EBX = struct hvm_start_info.
 *  - x86_efi_entry64: the UEFI stub (efi/) copies the segments in place
 *    and jumps here in long mode on the firmware's identity map, RDI = a
 *    struct boot_info below 4 GiB. Its address is published in a note of
 *    our own (name "XenPlat", type 1) so the stub need not know symbols.
 *
 * The 32-bit paths load our GDT and page tables, enable PAE, EFER.LME and
 * paging, and continue in 64-bit code; all three call C on the boot stack.
 *
 * Page tables: an identity map of the low 4 GiB, built at assembly time
 * (the image is linked at its physical address). 2 MiB pages, except the
 * first 2 MiB, which use 4 KiB pages so that start.c can unmap page 0 once
 * the boot information (which loaders may put there) is copied: from then
 * on a NULL dereference faults. The top GiB (MMIO: LAPIC, IOAPIC, PCI holes) is
 * mapped uncached (PCD|PWT).
 */
#include "x86.h"

#define PTE_P 0x001
#define PTE_W 0x002
#define PTE_PWT 0x008
#define PTE_PCD 0x010
#define PTE_PS 0x080

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define MB2_HEADER_LEN (mb2_header_end - mb2_header)

	.section .boot.header, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long MB2_HEADER_LEN
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + MB2_HEADER_LEN)
	/* Module alignment tag (type 6): modules on page boundaries. */
	.balign 8
	.short 6, 0
	.long 8
	/* End tag. */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

/* ELF notes: namesz, descsz, type, name (padded to 4), desc (padded). */
	.section .note.xen, "a", @note
	.balign 4
	.long 4, 8, 18          /* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.quad pvh_entry
	.balign 4
	.long 8, 8, 1           /* our own: the 64-bit UEFI entry */
	.asciz "XenPlat"
	.quad x86_efi_entry64

	.section .text.boot32, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	mov $X86_BOOT_KIND_PVH, %ebp
	xor %esi, %esi
	jmp boot32

	.globl mb2_entry
mb2_entry:
	cli
	cld
	mov $X86_BOOT_KIND_MB2, %ebp
	mov %eax, %esi

/* EBP = kind, ESI = magic, EBX = information pointer; kept to the end. */
boot32:
	lgdt gdt_ptr
	mov $X86_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov $boot_stack_top, %esp
	ljmp $X86_SEL_CODE32, $1f
1:
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
	ljmp $X86_SEL_CODE64, $boot64

	.code64
boot64:
	mov $X86_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov $boot_stack_top, %rsp
	mov %ebp, %edi                  /* zero-extends each */
	mov %esi, %esi
	mov %ebx, %edx
	call x86_boot32
	jmp x86_halt

/* RDI = struct boot_info *, long mode, firmware GDT and page tables. */
	.globl x86_efi_entry64
x86_efi_entry64:
	cli
	cld
	mov %rdi, %rbx
	mov $x86_pml4, %eax
	mov %rax, %cr3
	lgdt gdt_ptr
	mov $boot_stack_top, %rsp
	pushq $X86_SEL_CODE64
	lea 1f(%rip), %rax
	push %rax
	lretq
1:
	mov $X86_SEL_DATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	mov %rbx, %rdi
	call x86_boot_efi
	jmp x86_halt

	.section .data.boot, "aw"
	.balign 16
	.globl x86_gdt
x86_gdt:
	.quad 0                         /* null */
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: flat data */
	.quad 0x00cf9a000000ffff        /* 0x18: 32-bit code */
	.quad 0, 0                      /* 0x20: the BSP's TSS (traps.c) */
x86_gdt_end:

	.balign 8
	.globl gdt_ptr
gdt_ptr:
	.short x86_gdt_end - x86_gdt - 1
	.quad x86_gdt

	.section .data.pagetables, "aw"
	.balign 4096
	.globl x86_pml4
x86_pml4:
	.quad pdpt + PTE_P + PTE_W
	.fill 511, 8, 0
pdpt:
	.quad pd + PTE_P + PTE_W
	.quad pd + 0x1000 + PTE_P + PTE_W
	.quad pd + 0x2000 + PTE_P + PTE_W
	.quad pd + 0x3000 + PTE_P + PTE_W
	.fill 508, 8, 0
pd:
	.quad pt0 + PTE_P + PTE_W
	.set i, 1
	.rept 2047
	.if i >= 1536
	.quad (i << 21) + PTE_P + PTE_W + PTE_PS + PTE_PWT + PTE_PCD
	.else
	.quad (i << 21) + PTE_P + PTE_W + PTE_PS
	.endif
	.set i, i + 1
	.endr
	.globl x86_pt0
x86_pt0:
pt0:
	.set i, 0
	.rept 512
	.quad (i << 12) + PTE_P + PTE_W
	.set i, i + 1
	.endr

	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl boot_stack_top
boot_stack:
	.skip X86_BOOT_STACK_SIZE
boot_stack_top:
