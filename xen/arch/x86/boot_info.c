/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building and normalising the common boot information (boot_info.h).
 * Pure code shared by every boot path and by the host unit tests.
 */
#include "boot_info.h"

#include "xen/lib.h"

void boot_info_init(struct boot_info *bi, enum boot_loader loader)
{
	memset(bi, 0, sizeof(*bi));
	bi->loader = loader;
}

static uint64_t range_end(const struct boot_mem_range *r)
{
	return r->start + r->len;
}

void boot_info_add_mem(
	struct boot_info *bi, uint64_t start, uint64_t len, uint32_t type)
{
	struct boot_mem_range *r;

	if (len == 0) {
		return;
	}
	if (len > UINT64_MAX - start) {
		len = UINT64_MAX - start; /* clip a range that wraps */
	}
	if (type < BOOT_MEM_RAM || type > BOOT_MEM_BAD) {
		type = BOOT_MEM_RESERVED;
	}
	/* Firmware maps come sorted and fragmented: extend the last range
	 * when this one continues it, so long maps still fit. */
	r = bi->mem_count > 0 ? &bi->mem[bi->mem_count - 1] : NULL;
	if (r != NULL && r->type == type && range_end(r) == start) {
		r->len += len;
		return;
	}
	if (bi->mem_count == BOOT_MEM_MAX) {
		bi->mem_dropped++;
		return;
	}
	r = &bi->mem[bi->mem_count++];
	r->start = start;
	r->len = len;
	r->type = type;
	r->pad = 0;
}

static void copy_string(char *dst, size_t dst_len, const char *s, size_t max)
{
	size_t n = 0;

	if (s != NULL) {
		while (n < max && n + 1 < dst_len && s[n] != '\0') {
			dst[n] = s[n];
			n++;
		}
	}
	dst[n] = '\0';
}

void boot_info_add_module(
	struct boot_info *bi, uint64_t start, uint64_t len, const char *cmdline)
{
	struct boot_module *m;

	if (bi->mod_count == BOOT_MOD_MAX) {
		bi->mod_dropped++;
		return;
	}
	m = &bi->mod[bi->mod_count++];
	m->start = start;
	m->len = len;
	copy_string(m->cmdline, sizeof(m->cmdline), cmdline, SIZE_MAX);
}

void boot_info_set_cmdline(struct boot_info *bi, const char *s, size_t max)
{
	copy_string(bi->cmdline, sizeof(bi->cmdline), s, max);
}

void boot_info_set_rsdp(struct boot_info *bi, const void *p, size_t len)
{
	if (len > BOOT_RSDP_LEN) {
		len = BOOT_RSDP_LEN;
	}
	memcpy(bi->rsdp, p, len);
	bi->rsdp_len = (uint32_t)len;
}

/*
 * Rank of a type when ranges overlap: the higher rank wins. RAM loses to
 * everything; ACPI tables (reclaimable) to NVS; reserved and bad RAM win.
 */
static unsigned int type_rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_RAM:
		return 0;
	case BOOT_MEM_ACPI:
		return 1;
	case BOOT_MEM_NVS:
		return 2;
	case BOOT_MEM_RESERVED:
		return 3;
	default:
		return 4; /* BOOT_MEM_BAD */
	}
}

/* The type that covers address a, or 0 when none does. */
static uint32_t type_at(const struct boot_info *bi, uint64_t a)
{
	uint32_t best = 0;
	unsigned int i;

	for (i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_range *r = &bi->mem[i];

		if (a >= r->start && a < range_end(r) &&
			(best == 0 || type_rank(r->type) > type_rank(best))) {
			best = r->type;
		}
	}
	return best;
}

static void sort_points(uint64_t *p, unsigned int n)
{
	unsigned int i, j;
	uint64_t v;

	for (i = 1; i < n; i++) {
		v = p[i];
		for (j = i; j > 0 && p[j - 1] > v; j--) {
			p[j] = p[j - 1];
		}
		p[j] = v;
	}
}

/*
 * Cut the address space at every range boundary; each piece between two
 * consecutive boundaries gets the winning type of whatever covers it, and
 * neighbours of one type merge. O(n^2) on at most BOOT_MEM_MAX ranges.
 */
void boot_info_finish(struct boot_info *bi)
{
	static uint64_t points[2 * BOOT_MEM_MAX];
	static struct boot_mem_range out[BOOT_MEM_MAX];
	unsigned int n = 0, count = 0, i;
	uint32_t type;

	for (i = 0; i < bi->mem_count; i++) {
		points[n++] = bi->mem[i].start;
		points[n++] = range_end(&bi->mem[i]);
	}
	sort_points(points, n);
	for (i = 0; i + 1 < n; i++) {
		if (points[i] == points[i + 1]) {
			continue;
		}
		type = type_at(bi, points[i]);
		if (type == 0) {
			continue;
		}
		if (count > 0 && out[count - 1].type == type &&
			range_end(&out[count - 1]) == points[i]) {
			out[count - 1].len += points[i + 1] - points[i];
			continue;
		}
		if (count == BOOT_MEM_MAX) {
			bi->mem_dropped++;
			continue;
		}
		out[count].start = points[i];
		out[count].len = points[i + 1] - points[i];
		out[count].type = type;
		out[count].pad = 0;
		count++;
	}
	memcpy(bi->mem, out, sizeof(out[0]) * count);
	bi->mem_count = count;
}

uint64_t boot_info_ram_bytes(const struct boot_info *bi)
{
	uint64_t total = 0;
	unsigned int i;

	for (i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type == BOOT_MEM_RAM) {
			total += bi->mem[i].len;
		}
	}
	return total;
}

const char *boot_loader_name(enum boot_loader loader)
{
	switch (loader) {
	case BOOT_LOADER_PVH:
		return "pvh";
	case BOOT_LOADER_MULTIBOOT2:
		return "multiboot2";
	case BOOT_LOADER_UEFI:
		return "uefi";
	default:
		return "none";
	}
}
