/* SPDX-License-Identifier: MIT */
/*
 * Start of day information for PVH (and HVM) guests, whose physical
 * address is passed in %ebx.  Every field is little endian; an address
 * of 0 means "not present", since nothing is loaded at address 0.
 *
 * Layouts, names and values follow Xen's public interface
 * (xen/include/public/arch-x86/hvm/start_info.h) exactly; this header is
 * our own text.  Xen 4.9 shipped version 0 (40 bytes, up to rsdp_paddr);
 * we describe version 1, which appends the memory map fields and is
 * otherwise identical, so a version 0 reader sees the same layout.
 */
#ifndef __XEN_PUBLIC_HVM_START_INFO_H__
#define __XEN_PUBLIC_HVM_START_INFO_H__

#include <stddef.h>
#include <stdint.h>

/* "xEn3" with the top bit of the 'E' set. */
#define XEN_HVM_START_MAGIC_VALUE 0x336ec578

/* Memory map entry types (the ACPI address range types). */
#define XEN_HVM_MEMMAP_TYPE_RAM 1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI 3
#define XEN_HVM_MEMMAP_TYPE_NVS 4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM 7

struct hvm_start_info {
	uint32_t magic;         /* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;       /* 0 or 1 */
	uint32_t flags;         /* SIF_* */
	uint32_t nr_modules;    /* entries at modlist_paddr */
	uint64_t modlist_paddr; /* array of struct hvm_modlist_entry */
	uint64_t cmdline_paddr; /* NUL-terminated command line */
	uint64_t rsdp_paddr;    /* ACPI RSDP */
	/* Version 1 onwards. */
	uint64_t memmap_paddr;   /* array of struct hvm_memmap_table_entry */
	uint32_t memmap_entries; /* 0: no memory map given */
	uint32_t reserved;       /* zero */
};

struct hvm_modlist_entry {
	uint64_t paddr;         /* start of the module */
	uint64_t size;          /* its length in bytes */
	uint64_t cmdline_paddr; /* its command line */
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;     /* base of the region */
	uint64_t size;     /* bytes */
	uint32_t type;     /* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved; /* zero */
};

__extension__ _Static_assert(sizeof(struct hvm_start_info) == 56,
	"hvm_start_info (version 1) is 56 bytes");
__extension__ _Static_assert(
	offsetof(struct hvm_start_info, modlist_paddr) == 16,
	"hvm_start_info.modlist_paddr offset");
__extension__ _Static_assert(offsetof(struct hvm_start_info, rsdp_paddr) == 32,
	"hvm_start_info.rsdp_paddr offset");
__extension__ _Static_assert(
	offsetof(struct hvm_start_info, memmap_paddr) == 40,
	"version 0 ends where memmap_paddr starts");
__extension__ _Static_assert(
	offsetof(struct hvm_start_info, memmap_entries) == 48,
	"hvm_start_info.memmap_entries offset");
__extension__ _Static_assert(sizeof(struct hvm_modlist_entry) == 32,
	"hvm_modlist_entry is 32 bytes");
__extension__ _Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	"hvm_memmap_table_entry is 24 bytes");

#endif /* __XEN_PUBLIC_HVM_START_INFO_H__ */
