/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's ELF image inside xen.efi, as read-only data that
 * GNU-EFI's linker script merges into .data. XEN_ELF names the file (the
 * build passes the path of the "xen" target).
 */
	.section .rodata.xenelf, "a"
	.balign 16
	.globl efi_xen_elf_start
efi_xen_elf_start:
	.incbin XEN_ELF
	.globl efi_xen_elf_end
efi_xen_elf_end:
	.section .note.GNU-stack, "", @progbits
