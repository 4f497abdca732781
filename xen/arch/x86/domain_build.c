/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a domain at boot from a PVH kernel module: an ELF64 x86-64
 * image with a XEN_ELFNOTE_PHYS32_ENTRY note (type 18, name "Xen"). Its
 * PT_LOAD segments are copied to their physical addresses in the domain's
 * RAM, and vCPU 0 starts at the note's entry as the PVH ABI says: 32-bit
 * protected mode, paging off, EBX = the guest-physical address of a
 * struct hvm_start_info (xen/include/public/hvm/start_info.h).
 *
 * Guest-physical page 1 (0x1000) holds the start_info, its memory map and
 * the module's command line; the image must leave it alone (test guests
 * load at 1 MiB). Every length and offset in the module is checked against
 * the module and the domain's RAM before use.
 */
#include "hvm/start_info.h"
#include "svm.h"
#include "x86.h"
#include "xen/domain.h"
#include "xen/lib.h"

#define ELF_PT_LOAD 1
#define ELF_PT_NOTE 4
#define ELF_EM_X86_64 62
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define BUILD_INFO_GPA 0x1000ull
#define BUILD_MEMMAP_OFF 0x40
#define BUILD_CMDLINE_OFF 0x100

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

static const struct elf64_phdr *phdr(const uint8_t *img, unsigned int i)
{
	const struct elf64_ehdr *eh = (const void *)img;

	return (const void *)(img + eh->phoff + i * sizeof(struct elf64_phdr));
}

/* The PVH entry from a PT_NOTE segment; 0 when absent. */
static uint64_t pvh_entry(const uint8_t *seg, uint64_t len)
{
	uint64_t off = 0, name_len, desc_len;
	const uint32_t *n;
	uint64_t v = 0;

	while (len >= 12 && off <= len - 12) {
		n = (const void *)(seg + off);
		name_len = ((uint64_t)n[0] + 3) & ~3ull;
		desc_len = ((uint64_t)n[1] + 3) & ~3ull;
		if (name_len + desc_len > len - off - 12) {
			return 0;
		}
		if (n[2] == XEN_ELFNOTE_PHYS32_ENTRY && n[0] == 4 &&
			memcmp(seg + off + 12, "Xen", 4) == 0 &&
			(n[1] == 4 || n[1] == 8)) {
			memcpy(&v, seg + off + 12 + name_len, n[1]);
			return v;
		}
		off += 12 + name_len + desc_len;
	}
	return 0;
}

/* Check the image; its PVH entry, or 0 when it is not one we can load. */
static uint64_t image_check(
	const uint8_t *img, uint64_t size, uint64_t ram_bytes)
{
	const struct elf64_ehdr *eh = (const void *)img;
	const struct elf64_phdr *ph;
	uint64_t entry = 0;
	unsigned int i;

	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\2\1", 6) != 0 ||
		eh->machine != ELF_EM_X86_64 || eh->phentsize != sizeof(*ph) ||
		eh->phoff > size ||
		(uint64_t)eh->phnum * sizeof(*ph) > size - eh->phoff) {
		return 0;
	}
	for (i = 0; i < eh->phnum; i++) {
		ph = phdr(img, i);
		if (ph->offset > size || ph->filesz > size - ph->offset ||
			ph->filesz > ph->memsz) {
			return 0;
		}
		if (ph->type == ELF_PT_LOAD &&
			(ph->memsz > ram_bytes ||
				ph->paddr > ram_bytes - ph->memsz ||
				ph->paddr < BUILD_INFO_GPA + PAGE_SIZE)) {
			return 0; /* outside RAM or over the start_info */
		}
		if (ph->type == ELF_PT_NOTE && entry == 0) {
			entry = pvh_entry(img + ph->offset, ph->filesz);
		}
	}
	return entry < ram_bytes ? entry : 0;
}

/* Copy a span into guest RAM (the caller checked it lies inside). */
static void guest_write(
	struct domain *d, uint64_t gpa, const void *src, uint64_t len)
{
	struct x86_domain *xd = d->arch;

	memcpy(xd->p2m.ram + gpa, src, len);
}

static void write_start_info(struct domain *d, const char *cmdline)
{
	struct x86_domain *xd = d->arch;
	struct hvm_start_info si;
	struct hvm_memmap_table_entry mm[2];
	size_t len = strnlen(cmdline, PAGE_SIZE - BUILD_CMDLINE_OFF - 1);

	memset(&si, 0, sizeof(si));
	memset(mm, 0, sizeof(mm));
	mm[0].addr = 0;
	mm[0].size = xd->p2m.ram_pages * PAGE_SIZE;
	mm[0].type = XEN_HVM_MEMMAP_TYPE_RAM;
	mm[1].addr = mm[0].size;
	mm[1].size = (uint64_t)xd->p2m.xen_page_count * PAGE_SIZE;
	mm[1].type = XEN_HVM_MEMMAP_TYPE_RESERVED;
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.cmdline_paddr = BUILD_INFO_GPA + BUILD_CMDLINE_OFF;
	si.memmap_paddr = BUILD_INFO_GPA + BUILD_MEMMAP_OFF;
	si.memmap_entries = 2;
	guest_write(d, BUILD_INFO_GPA, &si, sizeof(si));
	guest_write(d, BUILD_INFO_GPA + BUILD_MEMMAP_OFF, mm, sizeof(mm));
	guest_write(d, si.cmdline_paddr, cmdline, len);
}

int domain_build_pvh(const struct domain_build_args *a, struct domain **out)
{
	const uint8_t *img = (const uint8_t *)(uintptr_t)a->kernel->start;
	const struct elf64_ehdr *eh = (const void *)img;
	const struct elf64_phdr *ph;
	uint64_t saved_pages = domain_limits.default_max_pages;
	uint8_t handle[16] = {0};
	struct x86_domain *xd;
	struct domain *d;
	uint64_t entry;
	unsigned int i;
	int rc;

	domain_limits.default_max_pages = a->mem_pages;
	rc = domain_create(a->domid, 0, a->vcpus, handle, a->privileged, &d);
	domain_limits.default_max_pages = saved_pages;
	if (rc != 0) {
		return rc;
	}
	xd = d->arch;
	entry = image_check(img, a->kernel->len, xd->p2m.ram_pages * PAGE_SIZE);
	if (entry == 0 || entry > UINT32_MAX) {
		domain_kill(d);
		return -EINVAL;
	}
	for (i = 0; i < eh->phnum; i++) {
		ph = phdr(img, i);
		if (ph->type == ELF_PT_LOAD) {
			guest_write(d, ph->paddr, img + ph->offset, ph->filesz);
		}
	}
	write_start_info(d, a->cmdline);
	rc = svm_vcpu_init(d->vcpu[0], (uint32_t)entry, BUILD_INFO_GPA);
	if (rc != 0) {
		domain_kill(d);
		return rc;
	}
	printk(XENLOG_INFO, "d%u: %lu MiB, PVH entry 0x%lx, \"%s\"\n",
		d->domain_id, (unsigned long)(xd->p2m.ram_pages >> 8),
		(unsigned long)entry, a->cmdline);
	*out = d;
	return 0;
}
