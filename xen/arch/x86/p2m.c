/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-physical memory and nested page tables (p2m.h).
 *
 * NPT entries use the long-mode page-table format (AMD64 APM vol. 2,
 * 15.25.5): the nested walk treats every access as a user access, so each
 * level sets U as well as P and W. Leaves are 4 KiB pages with write-back
 * memory type (PAT index 0).
 */
#include "p2m.h"

#include "x86.h"
#include "xen/lib.h"

#define PTE_P 0x001ull
#define PTE_W 0x002ull
#define PTE_U 0x004ull
#define PTE_PS 0x080ull
#define PTE_ADDR 0x000ffffffffff000ull
#define NPT_FLAGS (PTE_P | PTE_W | PTE_U)

#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)

/* The entry for gfn at the leaf level, allocating tables on the way. */
static uint64_t *npt_leaf(struct p2m *p, uint64_t gfn)
{
	uint64_t *table = p->npt_pml4, *next;
	unsigned int level;
	unsigned int idx;

	for (level = 3; level > 0; level--) {
		idx = (unsigned int)(gfn >> (9 * level)) & 511;
		if ((table[idx] & PTE_P) == 0) {
			next = mm_alloc_pages(1);
			if (next == NULL) {
				return NULL;
			}
			p->npt_table_count++;
			table[idx] = (uint64_t)(uintptr_t)next | NPT_FLAGS;
		}
		table = (uint64_t *)(uintptr_t)(table[idx] & PTE_ADDR);
	}
	return &table[gfn & 511];
}

static int npt_map(struct p2m *p, uint64_t gfn, const void *host)
{
	uint64_t *pte = npt_leaf(p, gfn);

	if (pte == NULL) {
		return -ENOMEM;
	}
	*pte = (uint64_t)(uintptr_t)host | NPT_FLAGS;
	return 0;
}

static void npt_free(uint64_t *table, unsigned int level)
{
	unsigned int i;

	if (level > 0) {
		for (i = 0; i < 512; i++) {
			if (table[i] & PTE_P) {
				npt_free((uint64_t *)(uintptr_t)(table[i] &
								 PTE_ADDR),
					level - 1);
			}
		}
	}
	mm_free_pages(table, 1);
}

void p2m_fini(struct p2m *p)
{
	if (p->npt_pml4 != NULL) {
		npt_free(p->npt_pml4, 3);
	}
	if (p->ram != NULL) {
		mm_free_pages(p->ram, p->ram_pages);
	}
	if (p->xen_pages != NULL) {
		mm_free_pages(p->xen_pages, p->xen_page_count);
	}
	memset(p, 0, sizeof(*p));
}

int p2m_init(struct p2m *p, uint64_t ram_pages, unsigned int grant_frames,
	unsigned int ioreq_pages)
{
	uint64_t gfn;

	memset(p, 0, sizeof(*p));
	p->ram_pages = ram_pages;
	p->grant_frames = grant_frames;
	p->ioreq_pages = ioreq_pages;
	p->xen_page_count = 1 + grant_frames + ioreq_pages;
	p->ram = mm_alloc_pages(ram_pages);
	p->xen_pages = mm_alloc_pages(p->xen_page_count);
	p->npt_pml4 = mm_alloc_pages(1);
	if (p->ram == NULL || p->xen_pages == NULL || p->npt_pml4 == NULL) {
		goto fail;
	}
	for (gfn = 0; gfn < ram_pages + p->xen_page_count; gfn++) {
		if (npt_map(p, gfn, p2m_gfn_to_ptr(p, gfn)) != 0) {
			goto fail;
		}
	}
	return 0;
fail:
	p2m_fini(p);
	return -ENOMEM;
}

void *p2m_gfn_to_ptr(const struct p2m *p, uint64_t gfn)
{
	if (gfn < p->ram_pages) {
		return p->ram + gfn * PAGE_SIZE;
	}
	if (gfn - p->ram_pages < p->xen_page_count) {
		return p->xen_pages + (gfn - p->ram_pages) * PAGE_SIZE;
	}
	return NULL;
}

uint64_t p2m_shared_info_gfn(const struct p2m *p)
{
	return p->ram_pages;
}

/*
 * Translate guest-virtual va: its guest-physical address, or ~0 when it is
 * not mapped (or not writable and write is asked for).
 */
static uint64_t guest_walk(const struct p2m *p, const struct p2m_walk_ctx *w,
	uint64_t va, bool write)
{
	uint64_t entry = w->cr3, *table;
	int level;

	if ((w->cr0 & CR0_PG) == 0) {
		return va;
	}
	if ((w->efer & EFER_LMA) == 0 || (w->cr4 & CR4_PAE) == 0) {
		return ~0ull; /* 32-bit paging: not walked yet */
	}
	for (level = 3; level >= 0; level--) {
		table = p2m_gfn_to_ptr(p, (entry & PTE_ADDR) >> PAGE_SHIFT);
		if (table == NULL) {
			return ~0ull;
		}
		entry = table[(va >> (12 + 9 * level)) & 511];
		if ((entry & PTE_P) == 0 || (write && (entry & PTE_W) == 0)) {
			return ~0ull;
		}
		if ((level == 1 || level == 2) && (entry & PTE_PS) != 0) {
			uint64_t span = 1ull << (12 + 9 * level);

			return ((entry & PTE_ADDR) & ~(span - 1)) |
			       (va & (span - 1));
		}
	}
	return (entry & PTE_ADDR) | (va & (PAGE_SIZE - 1));
}

int p2m_copy(const struct p2m *p, const struct p2m_walk_ctx *w, uint64_t va,
	void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf, *host;
	uint64_t gpa;
	size_t chunk;

	while (len > 0) {
		gpa = guest_walk(p, w, va, to_guest);
		if (gpa == ~0ull) {
			return -EFAULT;
		}
		host = p2m_gfn_to_ptr(p, gpa >> PAGE_SHIFT);
		if (host == NULL) {
			return -EFAULT;
		}
		host += gpa & (PAGE_SIZE - 1);
		chunk = MIN(len, PAGE_SIZE - (size_t)(gpa & (PAGE_SIZE - 1)));
		if (to_guest) {
			memcpy(host, b, chunk);
		} else {
			memcpy(b, host, chunk);
		}
		b += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}
