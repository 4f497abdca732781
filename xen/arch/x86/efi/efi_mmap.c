/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UEFI memory map conversion (efi_mmap.h). After ExitBootServices the
 * loader's and boot services' memory is free RAM like conventional memory
 * (the hypervisor copies the boot information and reserves its image and
 * modules before allocating); runtime services memory, MMIO and anything
 * unknown stay reserved.
 */
#include "efi_mmap.h"

#include "xen/lib.h"

#define EFI_PAGE_SHIFT 12

uint32_t efi_mmap_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_MMAP_LOADER_CODE:
	case EFI_MMAP_LOADER_DATA:
	case EFI_MMAP_BS_CODE:
	case EFI_MMAP_BS_DATA:
	case EFI_MMAP_CONVENTIONAL:
		return BOOT_MEM_RAM;
	case EFI_MMAP_UNUSABLE:
		return BOOT_MEM_BAD;
	case EFI_MMAP_ACPI_RECLAIM:
		return BOOT_MEM_ACPI;
	case EFI_MMAP_ACPI_NVS:
		return BOOT_MEM_NVS;
	default:
		return BOOT_MEM_RESERVED;
	}
}

void efi_mmap_to_boot_info(
	struct boot_info *bi, const uint8_t *map, size_t len, size_t desc_size)
{
	uint32_t type;
	uint64_t start, pages;
	size_t off;

	if (desc_size < 40) {
		return;
	}
	for (off = 0; off <= len && desc_size <= len - off; off += desc_size) {
		memcpy(&type, map + off, 4);
		memcpy(&start, map + off + 8, 8);
		memcpy(&pages, map + off + 24, 8);
		if (pages > (UINT64_MAX >> EFI_PAGE_SHIFT)) {
			pages = UINT64_MAX >> EFI_PAGE_SHIFT;
		}
		boot_info_add_mem(bi, start, pages << EFI_PAGE_SHIFT,
			efi_mmap_type(type));
	}
}
