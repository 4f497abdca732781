/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one description of the machine that every boot path hands to the
 * common x86 start (start.c): memory map, command line, modules and the
 * ACPI RSDP. Boot-path code (boot_pvh.c, boot_mb2.c, efi/) only fills this
 * structure; nothing after x86_start() looks at a loader's own format.
 *
 * The structure is self-contained (fixed arrays, no pointers), so the UEFI
 * stub can build it anywhere below 4 GiB and the start code copies it into
 * the image before the page allocator may hand that memory out.
 *
 * Invariants after boot_info_finish():
 *  1. mem[] is sorted by start, entries do not overlap and adjacent entries
 *     of one type are merged.
 *  2. Every string is NUL-terminated within its array.
 *  3. Entries that did not fit are counted in mem_dropped / mod_dropped
 *     rather than silently lost.
 *
 * Pure code: no I/O, no allocation; unit-tested on the host
 * (tests/baremetal/test_boot_info.c).
 */
#ifndef X86_BOOT_INFO_H
#define X86_BOOT_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MEM_MAX 256
#define BOOT_MOD_MAX 16
#define BOOT_CMDLINE_LEN 1024
#define BOOT_MOD_CMDLINE_LEN 128
#define BOOT_RSDP_LEN 36 /* an ACPI 2.0 RSDP; version 1 uses 20 bytes */

/* Types of memory ranges; usable RAM is the only one we allocate from. */
enum boot_mem_type {
	BOOT_MEM_RAM = 1,      /* free for the hypervisor */
	BOOT_MEM_RESERVED = 2, /* firmware, MMIO, anything unknown */
	BOOT_MEM_ACPI = 3,     /* ACPI tables (reclaimable after parsing) */
	BOOT_MEM_NVS = 4,      /* ACPI NVS: preserve */
	BOOT_MEM_BAD = 5,      /* defective RAM */
};

struct boot_mem_range {
	uint64_t start;
	uint64_t len;
	uint32_t type; /* enum boot_mem_type */
	uint32_t pad;
};

struct boot_module {
	uint64_t start;
	uint64_t len;
	char cmdline[BOOT_MOD_CMDLINE_LEN];
};

enum boot_loader {
	BOOT_LOADER_NONE = 0,
	BOOT_LOADER_PVH,
	BOOT_LOADER_MULTIBOOT2,
	BOOT_LOADER_UEFI,
};

struct boot_info {
	uint32_t loader; /* enum boot_loader */
	uint32_t mem_count;
	uint32_t mem_dropped;
	uint32_t mod_count;
	uint32_t mod_dropped;
	uint32_t rsdp_len; /* 0: no RSDP found by the loader */
	char cmdline[BOOT_CMDLINE_LEN];
	struct boot_mem_range mem[BOOT_MEM_MAX];
	struct boot_module mod[BOOT_MOD_MAX];
	uint8_t rsdp[BOOT_RSDP_LEN]; /* a copy: the original may be reused */
};

/** Empty bi and record which loader fills it. */
void boot_info_init(struct boot_info *bi, enum boot_loader loader);
/** Append a memory range (any order, may overlap); zero lengths ignored. */
void boot_info_add_mem(
	struct boot_info *bi, uint64_t start, uint64_t len, uint32_t type);
/** Append a module; cmdline may be NULL. */
void boot_info_add_module(struct boot_info *bi, uint64_t start, uint64_t len,
	const char *cmdline);
/** Copy at most max bytes of s (stops at NUL) as the command line. */
void boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t max);
/** Keep a copy of the RSDP (len bytes at p; clipped to BOOT_RSDP_LEN). */
void boot_info_set_rsdp(struct boot_info *bi, const void *p, size_t len);
/**
 * Sort and normalise mem[] (invariant 1). Where ranges overlap the more
 * restrictive type wins (RAM < ACPI < NVS < reserved < bad), so firmware
 * maps that disagree never make reserved memory usable.
 */
void boot_info_finish(struct boot_info *bi);
/** Bytes of BOOT_MEM_RAM in bi. */
uint64_t boot_info_ram_bytes(const struct boot_info *bi);
const char *boot_loader_name(enum boot_loader loader);

/* ---- boot_pvh.c: Xen PVH (struct hvm_start_info) --------------------- */
/**
 * Fill bi from the PVH start_info at physical address si (identity
 * mapped). -EINVAL when the magic is wrong.
 */
int boot_pvh_parse(struct boot_info *bi, const void *si);

/* ---- boot_mb2.c: multiboot2 boot information ------------------------- */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u
/**
 * Fill bi from the multiboot2 information at mbi (identity mapped);
 * -EINVAL for a wrong magic or a malformed tag list.
 */
int boot_mb2_parse(struct boot_info *bi, uint32_t magic, const void *mbi);

#endif
