/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.efi: a UEFI application (GNU-EFI) that carries the hypervisor's ELF
 * image (efi_blob.S) and starts it the way the other boot paths do, with a
 * struct boot_info.
 *
 *  1. Copy the ELF's PT_LOAD segments to their physical addresses (pages
 *     allocated there as EfiLoaderData) and find the 64-bit entry in the
 *     image's "XenPlat" note (head.S).
 *  2. Build the boot information below 4 GiB: the command line from the
 *     first line of xen.cfg beside the application, else from LoadOptions
 *     (what the UEFI shell passes, minus the program name); each further
 *     line of xen.cfg names a module, "path [command line]", path from
 *     the root of the same volume, loaded below 4 GiB; the ACPI RSDP from
 *     the configuration table.
 *  3. GetMemoryMap, then ExitBootServices with its key; when the map
 *     changed in between (EFI_INVALID_PARAMETER) get it again and retry
 *     (UEFI 2.10, 7.4 "EFI_BOOT_SERVICES.ExitBootServices()"). Nothing may
 *     allocate or print between the last GetMemoryMap and the exit.
 *  4. Turn the UEFI memory descriptors into boot_info ranges (efi_mmap.c)
 *     and jump to the entry, which never returns.
 *
 * GNU-EFI calls efi_main with the System V convention (its crt0), and
 * firmware services through uefi_call_wrapper.
 */
#include <efi.h>
#include <efilib.h>

#include "boot_info.h"
#include "efi_mmap.h"

#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define XENPLAT_NOTE_ENTRY64 1
#define EBS_TRIES 8
#define CFG_MAX 4096
#define PATH_MAX_CHARS 256

/* ELF-64 Object File Format, version 1.5: the parts the loader reads. */
struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

extern const uint8_t efi_xen_elf_start[], efi_xen_elf_end[];

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static void fail(const CHAR16 *what, EFI_STATUS s)
{
	Print(L"xen.efi: %s: %r\n", what, s);
}

/* Find our note with the 64-bit entry in a PT_NOTE segment. */
static uint64_t note_entry(const uint8_t *seg, uint64_t len)
{
	uint64_t off = 0;

	while (len >= 12 && off <= len - 12) {
		const uint32_t *n = (const uint32_t *)(seg + off);
		uint64_t name_len = (n[0] + 3) & ~3u;
		uint64_t desc_len = (n[1] + 3) & ~3u;
		const uint8_t *name = seg + off + 12;

		if (name_len + desc_len > len - off - 12) {
			break;
		}
		if (n[2] == XENPLAT_NOTE_ENTRY64 && n[0] == 8 &&
			CompareMem(name, "XenPlat", 8) == 0 && n[1] == 8) {
			return *(const uint64_t *)(name + name_len);
		}
		off += 12 + name_len + desc_len;
	}
	return 0;
}

/* Step 1: place the image; returns its 64-bit entry, 0 on failure. */
static uint64_t load_elf(void)
{
	const uint8_t *elf = efi_xen_elf_start;
	uint64_t size = (uint64_t)(efi_xen_elf_end - efi_xen_elf_start);
	const struct elf64_ehdr *eh = (const void *)elf;
	uint64_t entry = 0, i;
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS s;

	if (size < sizeof(*eh) || CompareMem(eh->ident, "\177ELF", 4) != 0 ||
		eh->phentsize != sizeof(struct elf64_phdr) ||
		eh->phoff > size ||
		(uint64_t)eh->phnum * sizeof(struct elf64_phdr) >
			size - eh->phoff) {
		fail(L"embedded image", EFI_LOAD_ERROR);
		return 0;
	}
	for (i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *ph =
			(const void *)(elf + eh->phoff + i * sizeof(*ph));

		if (ph->offset > size || ph->filesz > size - ph->offset ||
			ph->filesz > ph->memsz) {
			fail(L"embedded image segment", EFI_LOAD_ERROR);
			return 0;
		}
		if (ph->type == ELF_PT_NOTE) {
			entry = note_entry(elf + ph->offset, ph->filesz);
		}
		if (ph->type != ELF_PT_LOAD || ph->memsz == 0) {
			continue;
		}
		addr = ph->paddr & ~0xfffull;
		s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress,
			EfiLoaderData,
			EFI_SIZE_TO_PAGES(ph->paddr - addr + ph->memsz), &addr);
		if (EFI_ERROR(s)) {
			fail(L"memory for the image is taken", s);
			return 0;
		}
		CopyMem((void *)ph->paddr, elf + ph->offset, ph->filesz);
		ZeroMem((uint8_t *)ph->paddr + ph->filesz,
			ph->memsz - ph->filesz);
	}
	if (entry == 0) {
		fail(L"no 64-bit entry note in the image", EFI_LOAD_ERROR);
	}
	return entry;
}

/* Narrow a UCS-2 command line to ASCII ('?' for the rest), stopping at
 * the first control character; skip_first drops the program name. */
static void set_cmdline_ucs2(
	struct boot_info *bi, const CHAR16 *w, UINTN chars, BOOLEAN skip_first)
{
	char buf[BOOT_CMDLINE_LEN];
	UINTN i = 0, n = 0;

	if (skip_first) {
		while (i < chars && w[i] != 0 && w[i] != L' ') {
			i++;
		}
	}
	for (; i < chars && w[i] >= 0x20 && n + 1 < sizeof(buf); i++) {
		buf[n++] = w[i] < 0x7f ? (char)w[i] : '?';
	}
	buf[n] = '\0';
	boot_info_set_cmdline(bi, buf, n);
}

/* "\EFI\BOOT\BOOTX64.EFI" -> "\EFI\BOOT\xen.cfg" in a new pool string. */
static CHAR16 *cfg_path(EFI_LOADED_IMAGE *li)
{
	CHAR16 *img = DevicePathToStr(li->FilePath), *p;
	UINTN cut = 0, i;

	if (img == NULL) {
		return NULL;
	}
	for (i = 0; img[i] != 0; i++) {
		if (img[i] == L'\\' || img[i] == L'/') {
			cut = i + 1;
		}
	}
	p = AllocatePool((cut + 8) * sizeof(CHAR16));
	if (p != NULL) {
		CopyMem(p, img, cut * sizeof(CHAR16));
		CopyMem(p + cut, L"xen.cfg", 8 * sizeof(CHAR16));
	}
	FreePool(img);
	return p;
}

/* Read a whole file of the volume into pages below 4 GiB. */
static EFI_STATUS load_file(EFI_FILE_HANDLE root, const CHAR16 *path,
	EFI_PHYSICAL_ADDRESS *addr, UINTN *size)
{
	EFI_FILE_HANDLE f;
	EFI_FILE_INFO *info;
	EFI_STATUS s;

	s = uefi_call_wrapper(
		root->Open, 5, root, &f, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(s)) {
		return s;
	}
	info = LibFileInfo(f);
	if (info == NULL) {
		uefi_call_wrapper(f->Close, 1, f);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	FreePool(info);
	*addr = 0xffffffffull;
	s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
		EfiLoaderData, EFI_SIZE_TO_PAGES(*size ? *size : 1), addr);
	if (!EFI_ERROR(s)) {
		s = uefi_call_wrapper(f->Read, 3, f, size, (void *)*addr);
	}
	uefi_call_wrapper(f->Close, 1, f);
	return s;
}

/* A module line of xen.cfg: "path [command line]". */
static void load_module(
	struct boot_info *bi, EFI_FILE_HANDLE root, const char *line)
{
	CHAR16 path[PATH_MAX_CHARS];
	EFI_PHYSICAL_ADDRESS addr;
	UINTN n = 0, size;
	EFI_STATUS s;

	while (line[n] != '\0' && line[n] != ' ' && n + 1 < PATH_MAX_CHARS) {
		path[n] = line[n] == '/' ? L'\\' : (CHAR16)line[n];
		n++;
	}
	path[n] = 0;
	while (line[n] == ' ') {
		n++;
	}
	s = load_file(root, path, &addr, &size);
	if (EFI_ERROR(s)) {
		Print(L"xen.efi: module %s: %r\n", path, s);
		return;
	}
	boot_info_add_module(bi, addr, size, line + n);
}

/*
 * xen.cfg beside the application: the command line, then modules, one a
 * line. FALSE when there is no such file.
 */
static BOOLEAN read_cfg(struct boot_info *bi, EFI_LOADED_IMAGE *li)
{
	EFI_FILE_HANDLE root = LibOpenRoot(li->DeviceHandle);
	CHAR16 *path = cfg_path(li);
	EFI_PHYSICAL_ADDRESS addr;
	UINTN len = 0, i, start, line = 0;
	EFI_STATUS s = EFI_NOT_FOUND;
	char *buf;

	if (root != NULL && path != NULL) {
		s = load_file(root, path, &addr, &len);
	}
	if (path != NULL) {
		FreePool(path);
	}
	if (EFI_ERROR(s) || len >= CFG_MAX) {
		return FALSE;
	}
	buf = (char *)addr;
	buf[len] = '\0'; /* the allocation is whole pages */
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n' && buf[i] != '\r') {
			continue;
		}
		buf[i] = '\0';
		if (line++ == 0) {
			boot_info_set_cmdline(bi, buf + start, i - start);
		} else if (i > start) {
			load_module(bi, root, buf + start);
		}
		start = i + 1;
	}
	return TRUE;
}

static void find_rsdp(struct boot_info *bi, EFI_SYSTEM_TABLE *st)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	UINTN i;

	for (i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

		if (CompareGuid(&t->VendorGuid, &acpi20) == 0) {
			boot_info_set_rsdp(bi, t->VendorTable, BOOT_RSDP_LEN);
			return;
		}
		if (CompareGuid(&t->VendorGuid, &acpi10) == 0) {
			boot_info_set_rsdp(bi, t->VendorTable, 20);
		}
	}
}

/* Step 3: leave boot services; the map buffer comes from the caller. */
static EFI_STATUS exit_boot_services(EFI_HANDLE image, uint8_t *map,
	UINTN map_cap, UINTN *map_len, UINTN *desc_size)
{
	UINTN key;
	UINT32 desc_ver;
	EFI_STATUS s = EFI_INVALID_PARAMETER;
	unsigned int tries;

	for (tries = 0; tries < EBS_TRIES && s == EFI_INVALID_PARAMETER;
		tries++) {
		*map_len = map_cap;
		s = uefi_call_wrapper(BS->GetMemoryMap, 5, map_len,
			(EFI_MEMORY_DESCRIPTOR *)map, &key, desc_size,
			&desc_ver);
		if (EFI_ERROR(s)) {
			return s;
		}
		s = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
	}
	return s;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_PHYSICAL_ADDRESS bi_addr = 0xffffffffull, map_addr = 0xffffffffull;
	struct boot_info *bi;
	UINTN map_len = 0, desc_size = 0, key, map_cap;
	UINT32 desc_ver;
	uint64_t entry;
	EFI_STATUS s;

	InitializeLib(image, st);
	Print(L"xen.efi: loading the hypervisor\n");
	entry = load_elf();
	if (entry == 0) {
		return EFI_LOAD_ERROR;
	}
	s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
		EfiLoaderData, EFI_SIZE_TO_PAGES(sizeof(*bi)), &bi_addr);
	if (EFI_ERROR(s)) {
		fail(L"boot information", s);
		return s;
	}
	bi = (struct boot_info *)bi_addr;
	boot_info_init(bi, BOOT_LOADER_UEFI);
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol,
		(void **)&li);
	if (li != NULL && !read_cfg(bi, li) && li->LoadOptionsSize > 0) {
		set_cmdline_ucs2(bi, li->LoadOptions,
			li->LoadOptionsSize / sizeof(CHAR16), TRUE);
	}
	find_rsdp(bi, st);
	/* Room for the map as it is now plus what the allocation adds. */
	uefi_call_wrapper(BS->GetMemoryMap, 5, &map_len, NULL, &key, &desc_size,
		&desc_ver);
	map_cap = map_len + 16 * (desc_size ? desc_size : 48);
	s = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress,
		EfiLoaderData, EFI_SIZE_TO_PAGES(map_cap), &map_addr);
	if (EFI_ERROR(s)) {
		fail(L"memory map buffer", s);
		return s;
	}
	map_cap = EFI_SIZE_TO_PAGES(map_cap) * EFI_PAGE_SIZE;
	Print(L"xen.efi: exiting boot services\n");
	s = exit_boot_services(
		image, (uint8_t *)map_addr, map_cap, &map_len, &desc_size);
	if (EFI_ERROR(s)) {
		fail(L"ExitBootServices", s);
		return s;
	}
	efi_mmap_to_boot_info(
		bi, (const uint8_t *)map_addr, map_len, desc_size);
	((void (*)(struct boot_info *))entry)(bi);
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}
