/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen PVH boot path: QEMU's -kernel (or Xen itself) enters the image at
 * its XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode with EBX holding
 * the physical address of a struct hvm_start_info
 * (xen/include/public/hvm/start_info.h). This file turns that structure
 * into the common boot information; every address in it is physical and
 * identity mapped when this runs.
 */
#include "boot_info.h"
#include "hvm/start_info.h"
#include "xen/lib.h"

static const void *phys(uint64_t paddr)
{
	return (const void *)(uintptr_t)paddr;
}

int boot_pvh_parse(struct boot_info *bi, const void *p)
{
	const struct hvm_start_info *si = p;
	const struct hvm_modlist_entry *mods;
	const struct hvm_memmap_table_entry *mm;
	const char *mod_cmdline;
	unsigned int i;

	boot_info_init(bi, BOOT_LOADER_PVH);
	if (si == NULL || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		return -EINVAL;
	}
	if (si->cmdline_paddr != 0) {
		boot_info_set_cmdline(bi, phys(si->cmdline_paddr), SIZE_MAX);
	}
	mods = phys(si->modlist_paddr);
	for (i = 0; mods != NULL && i < si->nr_modules; i++) {
		mod_cmdline = mods[i].cmdline_paddr != 0
				      ? phys(mods[i].cmdline_paddr)
				      : NULL;
		boot_info_add_module(
			bi, mods[i].paddr, mods[i].size, mod_cmdline);
	}
	if (si->rsdp_paddr != 0) {
		boot_info_set_rsdp(bi, phys(si->rsdp_paddr), BOOT_RSDP_LEN);
	}
	/* Version 0 has no memory map; the caller then has none either. */
	mm = si->version >= 1 ? phys(si->memmap_paddr) : NULL;
	for (i = 0; mm != NULL && i < si->memmap_entries; i++) {
		/* The HVM types are the ACPI ones; PMEM and above: reserved. */
		boot_info_add_mem(bi, mm[i].addr, mm[i].size,
			mm[i].type <= XEN_HVM_MEMMAP_TYPE_UNUSABLE
				? mm[i].type
				: BOOT_MEM_RESERVED);
	}
	boot_info_finish(bi);
	return 0;
}
