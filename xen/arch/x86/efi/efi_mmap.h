/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UEFI memory map -> boot_info ranges (UEFI 2.10, 7.2
 * "EFI_BOOT_SERVICES.GetMemoryMap()": descriptors of desc_size bytes, each
 * u32 Type, u64 PhysicalStart, u64 VirtualStart, u64 NumberOfPages,
 * u64 Attribute). Pure code, unit-tested on the host.
 */
#ifndef X86_EFI_MMAP_H
#define X86_EFI_MMAP_H

#include <stddef.h>
#include <stdint.h>

#include "boot_info.h"

/* The memory types of UEFI 2.10, table 7.6. */
enum efi_mmap_type {
	EFI_MMAP_RESERVED = 0,
	EFI_MMAP_LOADER_CODE = 1,
	EFI_MMAP_LOADER_DATA = 2,
	EFI_MMAP_BS_CODE = 3,
	EFI_MMAP_BS_DATA = 4,
	EFI_MMAP_RT_CODE = 5,
	EFI_MMAP_RT_DATA = 6,
	EFI_MMAP_CONVENTIONAL = 7,
	EFI_MMAP_UNUSABLE = 8,
	EFI_MMAP_ACPI_RECLAIM = 9,
	EFI_MMAP_ACPI_NVS = 10,
	EFI_MMAP_MMIO = 11,
	EFI_MMAP_MMIO_PORT = 12,
	EFI_MMAP_PAL_CODE = 13,
	EFI_MMAP_PERSISTENT = 14,
};

/** The boot_mem_type for a UEFI memory type after ExitBootServices. */
uint32_t efi_mmap_type(uint32_t efi_type);
/**
 * Add every descriptor of map (len bytes, desc_size each; desc_size of at
 * least 40 bytes, else nothing is added) to bi.
 */
void efi_mmap_to_boot_info(
	struct boot_info *bi, const uint8_t *map, size_t len, size_t desc_size);

#endif
