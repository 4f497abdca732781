/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The multiboot2 boot path (GRUB2, BIOS): the loader enters the image in
 * 32-bit protected mode with EAX = 0x36d76289 and EBX = the physical
 * address of the boot information, a u32 total_size, a u32 reserved and
 * then 8-byte aligned tags (u32 type, u32 size) up to an end tag of type 0.
 * Layouts follow "The Multiboot2 Specification", section 3.6.
 *
 * The tags read here: 1 command line, 3 module, 6 memory map (entries of
 * entry_size bytes: u64 base, u64 length, u32 type, u32 reserved; type 1
 * available, 3 ACPI reclaimable, 4 NVS, 5 bad RAM, others reserved),
 * 14 and 15 copies of the ACPI 1.0 and 2.0 RSDP.
 */
#include "boot_info.h"
#include "xen/lib.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

/* The information is read through packed accessors: GRUB aligns the tags
 * but a bad loader might not, and unaligned reads are fine on x86. */
static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void mb2_mmap(struct boot_info *bi, const uint8_t *tag, uint32_t size)
{
	uint32_t entry_size = rd32(tag + 8), off;
	uint32_t type;

	if (entry_size < 24) {
		return;
	}
	for (off = 16; off <= size && entry_size <= size - off;
		off += entry_size) {
		type = rd32(tag + off + 16);
		boot_info_add_mem(bi, rd64(tag + off), rd64(tag + off + 8),
			type <= BOOT_MEM_BAD ? type : BOOT_MEM_RESERVED);
	}
}

/*
 * GRUB2 puts the image's own path first ("/boot/xen console=com1"); a
 * first word that looks like a path (starts with '/' or a GRUB device
 * "(hd0,1)") is dropped so only options remain.
 */
static void mb2_cmdline(struct boot_info *bi, const char *s, size_t max)
{
	size_t i = 0;

	if (max > 0 && (s[0] == '/' || s[0] == '(')) {
		while (i < max && s[i] != '\0' && s[i] != ' ') {
			i++;
		}
		while (i < max && s[i] == ' ') {
			i++;
		}
	}
	boot_info_set_cmdline(bi, s + i, max - i);
}

static void mb2_tag(
	struct boot_info *bi, const uint8_t *tag, uint32_t type, uint32_t size)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		mb2_cmdline(bi, (const char *)tag + 8, size - 8);
		break;
	case MB2_TAG_MODULE:
		if (size >= 16) {
			uint32_t start = rd32(tag + 8), end = rd32(tag + 12);
			char cmd[BOOT_MOD_CMDLINE_LEN];
			size_t n = MIN(size - 16, sizeof(cmd) - 1);

			memcpy(cmd, tag + 16, n);
			cmd[n] = '\0';
			boot_info_add_module(
				bi, start, end > start ? end - start : 0, cmd);
		}
		break;
	case MB2_TAG_MMAP:
		if (size >= 16) {
			mb2_mmap(bi, tag, size);
		}
		break;
	case MB2_TAG_ACPI_OLD:
		if (bi->rsdp_len == 0) {
			boot_info_set_rsdp(bi, tag + 8, size - 8);
		}
		break;
	case MB2_TAG_ACPI_NEW:
		boot_info_set_rsdp(bi, tag + 8, size - 8);
		break;
	default:
		break;
	}
}

int boot_mb2_parse(struct boot_info *bi, uint32_t magic, const void *mbi)
{
	const uint8_t *p = mbi;
	uint32_t total, off, type, size;

	boot_info_init(bi, BOOT_LOADER_MULTIBOOT2);
	if (magic != MB2_BOOTLOADER_MAGIC || p == NULL) {
		return -EINVAL;
	}
	total = rd32(p);
	for (off = 8; off < total && total - off >= 8;
		off += (size + 7) & ~7u) {
		type = rd32(p + off);
		size = rd32(p + off + 4);
		if (size < 8 || size > total - off) {
			return -EINVAL;
		}
		if (type == MB2_TAG_END) {
			boot_info_finish(bi);
			return 0;
		}
		mb2_tag(bi, p + off, type, size);
	}
	return -EINVAL; /* no end tag inside total_size */
}
