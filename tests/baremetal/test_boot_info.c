/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the common boot information (xen/arch/x86/boot_info.c)
 * and of the boot paths that fill it: Xen PVH start_info (boot_pvh.c),
 * multiboot2 tags (boot_mb2.c) and UEFI memory maps (efi/efi_mmap.c).
 * Loader structures are built in host memory; a "physical address" is a
 * host pointer, as it is an identity-mapped one on the machine.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdlib.h>
#include <string.h>

#include "boot_info.h"
#include "efi_mmap.h"
#include "hvm/start_info.h"
#include "xen/errno.h"

#define PA(p) ((uint64_t)(uintptr_t)(p))

static struct boot_info bi;

static void expect_range(
	unsigned int i, uint64_t start, uint64_t end, uint32_t type)
{
	assert_true(i < bi.mem_count);
	assert_int_equal(bi.mem[i].start, start);
	assert_int_equal(bi.mem[i].start + bi.mem[i].len, end);
	assert_int_equal(bi.mem[i].type, type);
}

static void test_boot_info_sorts_and_merges(void **state)
{
	(void)state;
	boot_info_init(&bi, BOOT_LOADER_NONE);
	boot_info_add_mem(&bi, 0x200000, 0x100000, BOOT_MEM_RAM);
	boot_info_add_mem(&bi, 0x100000, 0x100000, BOOT_MEM_RAM);
	boot_info_add_mem(&bi, 0x0, 0x9f000, BOOT_MEM_RAM);
	boot_info_add_mem(&bi, 0x500000, 0, BOOT_MEM_RAM); /* ignored */
	boot_info_finish(&bi);
	assert_int_equal(bi.mem_count, 2);
	expect_range(0, 0, 0x9f000, BOOT_MEM_RAM);
	expect_range(1, 0x100000, 0x300000, BOOT_MEM_RAM);
	assert_int_equal(boot_info_ram_bytes(&bi), 0x9f000 + 0x200000);
}

static void test_boot_info_reserved_wins_over_ram(void **state)
{
	(void)state;
	boot_info_init(&bi, BOOT_LOADER_NONE);
	boot_info_add_mem(&bi, 0x100000, 0x400000, BOOT_MEM_RAM);
	boot_info_add_mem(&bi, 0x200000, 0x1000, BOOT_MEM_RESERVED);
	boot_info_add_mem(&bi, 0x300000, 0x200000, BOOT_MEM_ACPI);
	boot_info_add_mem(&bi, 0x300000, 0x1000, 99); /* unknown: reserved */
	boot_info_finish(&bi);
	assert_int_equal(bi.mem_count, 5);
	expect_range(0, 0x100000, 0x200000, BOOT_MEM_RAM);
	expect_range(1, 0x200000, 0x201000, BOOT_MEM_RESERVED);
	expect_range(2, 0x201000, 0x300000, BOOT_MEM_RAM);
	expect_range(3, 0x300000, 0x301000, BOOT_MEM_RESERVED);
	expect_range(4, 0x301000, 0x500000, BOOT_MEM_ACPI);
}

static void test_boot_info_counts_what_does_not_fit(void **state)
{
	unsigned int i;

	(void)state;
	boot_info_init(&bi, BOOT_LOADER_NONE);
	for (i = 0; i < BOOT_MEM_MAX + 3; i++) {
		/* Gaps between them: nothing merges. */
		boot_info_add_mem(&bi, i * 0x2000ull, 0x1000, BOOT_MEM_RAM);
	}
	assert_int_equal(bi.mem_count, BOOT_MEM_MAX);
	assert_int_equal(bi.mem_dropped, 3);
	for (i = 0; i < BOOT_MOD_MAX + 1; i++) {
		boot_info_add_module(&bi, 0x1000, 1, NULL);
	}
	assert_int_equal(bi.mod_dropped, 1);
	assert_string_equal(bi.mod[0].cmdline, "");
}

static void test_boot_info_strings_are_bounded(void **state)
{
	char big[BOOT_CMDLINE_LEN * 2];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	boot_info_init(&bi, BOOT_LOADER_NONE);
	boot_info_set_cmdline(&bi, big, SIZE_MAX);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_LEN - 1);
	boot_info_set_cmdline(&bi, "console=none loglvl=debug", 12);
	assert_string_equal(bi.cmdline, "console=none");
	boot_info_add_module(&bi, 1, 2, big);
	assert_int_equal(strlen(bi.mod[0].cmdline), BOOT_MOD_CMDLINE_LEN - 1);
}

static void test_pvh_start_info_is_converted(void **state)
{
	static struct hvm_memmap_table_entry mm[3] = {
		{0x0, 0x9fc00, XEN_HVM_MEMMAP_TYPE_RAM, 0},
		{0x100000, 0x1ff00000, XEN_HVM_MEMMAP_TYPE_RAM, 0},
		{0xfec00000, 0x1000, XEN_HVM_MEMMAP_TYPE_PMEM, 0},
	};
	static struct hvm_modlist_entry mods[2];
	static const char cmd[] = "console=com1 test=exit";
	static const char mod1[] = "dom0 tree";
	static uint8_t rsdp[36] = "RSD PTR ";
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.nr_modules = 2,
		.modlist_paddr = PA(mods),
		.cmdline_paddr = PA(cmd),
		.rsdp_paddr = PA(rsdp),
		.memmap_paddr = PA(mm),
		.memmap_entries = 3,
	};

	(void)state;
	mods[0].paddr = 0x800000;
	mods[0].size = 0x1234;
	mods[1].paddr = 0x900000;
	mods[1].size = 10;
	mods[1].cmdline_paddr = PA(mod1);
	assert_int_equal(boot_pvh_parse(&bi, &si), 0);
	assert_int_equal(bi.loader, BOOT_LOADER_PVH);
	assert_string_equal(bi.cmdline, cmd);
	assert_int_equal(bi.mod_count, 2);
	assert_int_equal(bi.mod[0].start, 0x800000);
	assert_int_equal(bi.mod[0].len, 0x1234);
	assert_string_equal(bi.mod[1].cmdline, mod1);
	assert_int_equal(bi.rsdp_len, 36);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_int_equal(bi.mem_count, 3);
	expect_range(2, 0xfec00000, 0xfec01000, BOOT_MEM_RESERVED);
}

static void test_pvh_version_0_has_no_memory_map(void **state)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 0,
		.memmap_paddr = 0x1234, /* must not be read */
		.memmap_entries = 5,
	};

	(void)state;
	assert_int_equal(boot_pvh_parse(&bi, &si), 0);
	assert_int_equal(bi.mem_count, 0);
	si.magic = 0;
	assert_int_equal(boot_pvh_parse(&bi, &si), -EINVAL);
	assert_int_equal(boot_pvh_parse(&bi, NULL), -EINVAL);
}

/* A multiboot2 information builder over an 8-aligned buffer. */
struct mb2_buf {
	uint8_t b[4096] __attribute__((aligned(8)));
	uint32_t len;
};

static uint8_t *mb2_tag(struct mb2_buf *m, uint32_t type, uint32_t size)
{
	uint8_t *t = m->b + m->len;

	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	m->len += (size + 7) & ~7u;
	memcpy(m->b, &m->len, 4);
	return t;
}

static void mb2_start(struct mb2_buf *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

static void mb2_mmap_entry(
	uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
	memcpy(p, &base, 8);
	memcpy(p + 8, &len, 8);
	memcpy(p + 16, &type, 4);
}

static void test_mb2_tags_are_converted(void **state)
{
	static struct mb2_buf m;
	const char cmd[] = "/boot/xen loglvl=debug";
	uint32_t v;
	uint8_t *t;

	(void)state;
	mb2_start(&m);
	t = mb2_tag(&m, 1, 8 + sizeof(cmd));
	memcpy(t + 8, cmd, sizeof(cmd));
	t = mb2_tag(&m, 3, 16 + 5);
	v = 0x400000;
	memcpy(t + 8, &v, 4);
	v = 0x401000;
	memcpy(t + 12, &v, 4);
	memcpy(t + 16, "dtb\0", 5);
	t = mb2_tag(&m, 6, 16 + 2 * 24);
	v = 24;
	memcpy(t + 8, &v, 4);
	mb2_mmap_entry(t + 16, 0x100000, 0x7f00000, 1);
	mb2_mmap_entry(t + 40, 0xe0000, 0x20000, 2);
	t = mb2_tag(&m, 14, 8 + 20);
	memcpy(t + 8, "RSD PTR ", 8);
	mb2_tag(&m, 0, 8);
	assert_int_equal(boot_mb2_parse(&bi, MB2_BOOTLOADER_MAGIC, m.b), 0);
	assert_int_equal(bi.loader, BOOT_LOADER_MULTIBOOT2);
	assert_string_equal(bi.cmdline, "loglvl=debug"); /* path dropped */
	assert_int_equal(bi.mod_count, 1);
	assert_int_equal(bi.mod[0].start, 0x400000);
	assert_int_equal(bi.mod[0].len, 0x1000);
	assert_string_equal(bi.mod[0].cmdline, "dtb");
	assert_int_equal(bi.mem_count, 2);
	expect_range(0, 0xe0000, 0x100000, BOOT_MEM_RESERVED);
	expect_range(1, 0x100000, 0x8000000, BOOT_MEM_RAM);
	assert_int_equal(bi.rsdp_len, 20);
}

static void test_mb2_rejects_bad_information(void **state)
{
	static struct mb2_buf m;
	uint32_t big = 1000;

	(void)state;
	mb2_start(&m);
	mb2_tag(&m, 0, 8);
	assert_int_equal(boot_mb2_parse(&bi, 0x2badb002, m.b), -EINVAL);
	assert_int_equal(boot_mb2_parse(&bi, MB2_BOOTLOADER_MAGIC, m.b), 0);
	/* A tag running past total_size. */
	mb2_start(&m);
	mb2_tag(&m, 1, 16);
	memcpy(m.b + 12, &big, 4);
	assert_int_equal(
		boot_mb2_parse(&bi, MB2_BOOTLOADER_MAGIC, m.b), -EINVAL);
	/* No end tag. */
	mb2_start(&m);
	mb2_tag(&m, 1, 16);
	assert_int_equal(
		boot_mb2_parse(&bi, MB2_BOOTLOADER_MAGIC, m.b), -EINVAL);
}

static void efi_desc(uint8_t *d, uint32_t type, uint64_t start, uint64_t pages)
{
	memset(d, 0, 48);
	memcpy(d, &type, 4);
	memcpy(d + 8, &start, 8);
	memcpy(d + 24, &pages, 8);
}

static void test_efi_memory_map_is_converted(void **state)
{
	uint8_t map[6 * 48];

	(void)state;
	efi_desc(map + 0 * 48, EFI_MMAP_BS_CODE, 0x0, 0xa0);
	efi_desc(map + 1 * 48, EFI_MMAP_CONVENTIONAL, 0x100000, 0x100);
	efi_desc(map + 2 * 48, EFI_MMAP_LOADER_DATA, 0x200000, 0x100);
	efi_desc(map + 3 * 48, EFI_MMAP_RT_DATA, 0x300000, 0x10);
	efi_desc(map + 4 * 48, EFI_MMAP_ACPI_NVS, 0x310000, 0x10);
	efi_desc(map + 5 * 48, EFI_MMAP_ACPI_RECLAIM, 0x320000, 0x10);
	boot_info_init(&bi, BOOT_LOADER_UEFI);
	efi_mmap_to_boot_info(&bi, map, sizeof(map), 48);
	boot_info_finish(&bi);
	assert_int_equal(bi.mem_count, 5);
	expect_range(0, 0, 0xa0000, BOOT_MEM_RAM);
	expect_range(1, 0x100000, 0x300000, BOOT_MEM_RAM);
	expect_range(2, 0x300000, 0x310000, BOOT_MEM_RESERVED);
	expect_range(3, 0x310000, 0x320000, BOOT_MEM_NVS);
	expect_range(4, 0x320000, 0x330000, BOOT_MEM_ACPI);
	/* A descriptor size below the specification's adds nothing, and a
	 * partial trailing descriptor is not read. */
	boot_info_init(&bi, BOOT_LOADER_UEFI);
	efi_mmap_to_boot_info(&bi, map, sizeof(map), 32);
	assert_int_equal(bi.mem_count, 0);
	efi_mmap_to_boot_info(&bi, map, 48 + 47, 48);
	assert_int_equal(bi.mem_count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_info_sorts_and_merges),
		cmocka_unit_test(test_boot_info_reserved_wins_over_ram),
		cmocka_unit_test(test_boot_info_counts_what_does_not_fit),
		cmocka_unit_test(test_boot_info_strings_are_bounded),
		cmocka_unit_test(test_pvh_start_info_is_converted),
		cmocka_unit_test(test_pvh_version_0_has_no_memory_map),
		cmocka_unit_test(test_mb2_tags_are_converted),
		cmocka_unit_test(test_mb2_rejects_bad_information),
		cmocka_unit_test(test_efi_memory_map_is_converted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
