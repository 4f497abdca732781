/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of guest-physical memory (xen/arch/x86/p2m.c): the nested page
 * tables map exactly the domain's frames with the flags SVM needs, and
 * guest-virtual copies walk the guest's own page tables (4 KiB, 2 MiB and
 * 1 GiB pages, read-only and absent entries, tables outside RAM) and
 * refuse what they must. Host memory stands in for physical memory: the
 * page source hands out 4 KiB-aligned heap pages, whose addresses fit the
 * page-table address field.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "p2m.h"
#include "x86.h"
#include "xen/errno.h"

#define P 0x1ull
#define W 0x2ull
#define U 0x4ull
#define PS 0x80ull
#define ADDR 0x000ffffffffff000ull
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)

static size_t pages_out;
static size_t fail_after = SIZE_MAX; /* allocations left before failing */

void *mm_alloc_pages(size_t count)
{
	void *p;

	if (fail_after == 0) {
		return NULL;
	}
	fail_after--;
	p = aligned_alloc(4096, count * 4096);
	assert_non_null(p);
	memset(p, 0, count * 4096);
	pages_out += count;
	return p;
}

void mm_free_pages(void *p, size_t count)
{
	pages_out -= count;
	free(p);
}

static int setup(void **state)
{
	(void)state;
	pages_out = 0;
	fail_after = SIZE_MAX;
	return 0;
}

/* The NPT leaf for gfn, walked independently of p2m.c; 0 if absent. */
static uint64_t npt_lookup(const struct p2m *p, uint64_t gfn)
{
	const uint64_t *t = p->npt_pml4;
	uint64_t e = 0;
	int level;

	for (level = 3; level >= 0; level--) {
		e = t[(gfn >> (9 * level)) & 511];
		if ((e & P) == 0) {
			return 0;
		}
		assert_int_equal(e & (P | W | U), P | W | U);
		t = (const uint64_t *)(uintptr_t)(e & ADDR);
	}
	return e;
}

static void test_p2m_maps_every_frame_and_nothing_else(void **state)
{
	struct p2m p;
	uint64_t gfn, e;

	(void)state;
	assert_int_equal(p2m_init(&p, 600, 4, 2), 0);
	assert_int_equal(p.xen_page_count, 7);
	for (gfn = 0; gfn < 600 + 7; gfn++) {
		e = npt_lookup(&p, gfn);
		assert_int_equal(
			e & ADDR, (uint64_t)(uintptr_t)p2m_gfn_to_ptr(&p, gfn));
	}
	assert_int_equal(npt_lookup(&p, 607), 0);
	assert_int_equal(npt_lookup(&p, 1ull << 30), 0);
	assert_null(p2m_gfn_to_ptr(&p, 607));
	assert_ptr_equal(
		p2m_gfn_to_ptr(&p, p2m_shared_info_gfn(&p)), p.xen_pages);
	p2m_fini(&p);
	assert_int_equal(pages_out, 0);
}

static void test_p2m_init_failure_leaves_nothing(void **state)
{
	struct p2m p;
	size_t n;

	(void)state;
	for (n = 0; n < 6; n++) {
		fail_after = n;
		assert_int_equal(p2m_init(&p, 1024, 1, 1), -ENOMEM);
		assert_int_equal(pages_out, 0);
	}
}

static const struct p2m_walk_ctx paging_off = {0, 0, 0, 0};

static void test_p2m_copy_without_paging_uses_physical_addresses(void **state)
{
	struct p2m p;
	uint8_t buf[16], back[16];
	unsigned int i;

	(void)state;
	assert_int_equal(p2m_init(&p, 16, 1, 0), 0);
	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i + 1);
	}
	/* Across the boundary of frames 2 and 3. */
	assert_int_equal(
		p2m_copy(&p, &paging_off, 0x2ff8, buf, sizeof(buf), true), 0);
	assert_memory_equal((uint8_t *)p2m_gfn_to_ptr(&p, 2) + 0xff8, buf, 8);
	assert_memory_equal(p2m_gfn_to_ptr(&p, 3), buf + 8, 8);
	assert_int_equal(
		p2m_copy(&p, &paging_off, 0x2ff8, back, sizeof(back), false),
		0);
	assert_memory_equal(back, buf, sizeof(buf));
	/* The last RAM byte, shared_info and the grant frame, then nothing. */
	assert_int_equal(
		p2m_copy(&p, &paging_off, 16 * 4096 - 1, back, 1, false), 0);
	assert_int_equal(
		p2m_copy(&p, &paging_off, 18 * 4096 - 8, back, 8, false), 0);
	assert_int_equal(
		p2m_copy(&p, &paging_off, 18 * 4096 - 4, back, 8, false),
		-EFAULT);
	p2m_fini(&p);
}

/* Guest page tables in guest RAM: PML4 gfn 1, PDPT 2, PD 3, PT 4. */
static void guest_tables(struct p2m *p, struct p2m_walk_ctx *w)
{
	uint64_t *pml4 = p2m_gfn_to_ptr(p, 1), *pdpt = p2m_gfn_to_ptr(p, 2);
	uint64_t *pd = p2m_gfn_to_ptr(p, 3), *pt = p2m_gfn_to_ptr(p, 4);

	pml4[0] = 0x2000 | P | W;
	pdpt[0] = 0x3000 | P | W;
	pdpt[1] = 0x0 | P | W | PS;  /* VA 1 GiB: a 1 GiB page at 0 */
	pdpt[2] = 0x7fff000 | P | W; /* a table beyond RAM */
	pd[2] = 0x4000 | P | W;      /* VA 4 MiB: the page table */
	pd[3] = 0x200000 | P | PS;   /* VA 6 MiB: read-only 2 MiB */
	pt[0] = 0xa000 | P | W;      /* VA 4 MiB -> gfn 10 */
	pt[1] = 0xb000 | P;          /* VA 4 MiB + 4 KiB -> gfn 11, RO */
	pt[2] = 0xc000;              /* absent */
	w->cr0 = CR0_PG | 1;
	w->cr3 = 0x1000;
	w->cr4 = CR4_PAE;
	w->efer = EFER_LMA;
}

static void test_p2m_copy_walks_the_guest_page_tables(void **state)
{
	struct p2m p;
	struct p2m_walk_ctx w;
	uint8_t *g10, *g11, *g512, buf[8];
	uint64_t v = 0x1122334455667788ull, got;

	(void)state;
	assert_int_equal(p2m_init(&p, 1024, 1, 0), 0);
	guest_tables(&p, &w);
	g10 = p2m_gfn_to_ptr(&p, 10);
	g11 = p2m_gfn_to_ptr(&p, 11);
	g512 = p2m_gfn_to_ptr(&p, 512);
	/* A 4 KiB page, and a read across into the read-only one. */
	assert_int_equal(p2m_copy(&p, &w, 0x400010, &v, 8, true), 0);
	assert_memory_equal(g10 + 0x10, &v, 8);
	memcpy(g10 + 0xffc, "abcd", 4);
	memcpy(g11, "efgh", 4);
	assert_int_equal(p2m_copy(&p, &w, 0x400ffc, buf, 8, false), 0);
	assert_memory_equal(buf, "abcdefgh", 8);
	/* Writes to the read-only page fault, even partly. */
	assert_int_equal(p2m_copy(&p, &w, 0x400ffc, buf, 8, true), -EFAULT);
	assert_int_equal(p2m_copy(&p, &w, 0x401000, buf, 1, true), -EFAULT);
	/* 2 MiB page: VA 6 MiB + 0x10 is guest-physical 2 MiB + 0x10. */
	memcpy(g512 + 0x10, &v, 8);
	assert_int_equal(p2m_copy(&p, &w, 0x600010, &got, 8, false), 0);
	assert_int_equal(got, v);
	assert_int_equal(p2m_copy(&p, &w, 0x600010, &got, 8, true), -EFAULT);
	/* 1 GiB page: VA 1 GiB + 0xa010 is guest-physical 0xa010. */
	assert_int_equal(
		p2m_copy(&p, &w, (1ull << 30) + 0xa010, &got, 8, false), 0);
	assert_int_equal(got, v);
	/* Absent entries, a table beyond RAM, an empty PML4 slot. */
	assert_int_equal(p2m_copy(&p, &w, 0x402000, buf, 1, false), -EFAULT);
	assert_int_equal(p2m_copy(&p, &w, 2ull << 30, buf, 1, false), -EFAULT);
	assert_int_equal(p2m_copy(&p, &w, 1ull << 39, buf, 1, false), -EFAULT);
	p2m_fini(&p);
}

static void test_p2m_copy_refuses_32_bit_paging(void **state)
{
	struct p2m p;
	struct p2m_walk_ctx w;
	uint8_t b;

	(void)state;
	assert_int_equal(p2m_init(&p, 64, 1, 0), 0);
	guest_tables(&p, &w);
	w.efer = 0; /* paging on, not long mode */
	assert_int_equal(p2m_copy(&p, &w, 0x400000, &b, 1, false), -EFAULT);
	w.cr4 = 0;
	assert_int_equal(p2m_copy(&p, &w, 0x400000, &b, 1, false), -EFAULT);
	assert_int_equal(p2m_copy(&p, &w, 0x400000, &b, 0, false), 0);
	p2m_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_p2m_maps_every_frame_and_nothing_else, setup),
		cmocka_unit_test_setup(
			test_p2m_init_failure_leaves_nothing, setup),
		cmocka_unit_test_setup(
			test_p2m_copy_without_paging_uses_physical_addresses,
			setup),
		cmocka_unit_test_setup(
			test_p2m_copy_walks_the_guest_page_tables, setup),
		cmocka_unit_test_setup(
			test_p2m_copy_refuses_32_bit_paging, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
