/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the hypervisor heap (xen/arch/x86/heap.c) on a page source
 * made of host memory that counts what is outstanding.
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

#include "heap.h"

static size_t pages_out;
static size_t page_budget = SIZE_MAX;

static void *fake_page_alloc(size_t count)
{
	void *p;

	if (count > page_budget) {
		return NULL;
	}
	p = aligned_alloc(4096, count * 4096);
	if (p != NULL) {
		memset(p, 0, count * 4096);
		pages_out += count;
		page_budget -= count;
	}
	return p;
}

static void fake_page_free(void *p, size_t count)
{
	pages_out -= count;
	page_budget += count;
	free(p);
}

static int setup(void **state)
{
	(void)state;
	pages_out = 0;
	page_budget = SIZE_MAX;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0) {
			return false;
		}
	}
	return true;
}

static void test_heap_blocks_are_zeroed_and_aligned(void **state)
{
	struct heap h;
	uint8_t *a, *b;

	(void)state;
	heap_init(&h, fake_page_alloc, fake_page_free);
	a = heap_alloc(&h, 40);
	assert_non_null(a);
	assert_int_equal((uintptr_t)a % 16, 0);
	memset(a, 0xff, 40);
	heap_free(&h, a);
	b = heap_alloc(&h, 40);
	assert_ptr_equal(a, b); /* reused, and zeroed again */
	assert_true(all_zero(b, 40));
	heap_free(&h, b);
}

static void test_heap_large_blocks_use_whole_pages(void **state)
{
	struct heap h;
	uint8_t *p;

	(void)state;
	heap_init(&h, fake_page_alloc, fake_page_free);
	p = heap_alloc(&h, 3 * 4096);
	assert_non_null(p);
	assert_int_equal(pages_out, 4); /* the header needs a fourth */
	assert_true(all_zero(p, 3 * 4096));
	heap_free(&h, p);
	assert_int_equal(pages_out, 0);
	assert_int_equal(h.bytes_in_use, 0);
}

static void test_heap_refuses_zero_and_foreign_pointers(void **state)
{
	struct heap h;
	uint64_t junk[8] = {0};

	(void)state;
	heap_init(&h, fake_page_alloc, fake_page_free);
	assert_null(heap_alloc(&h, 0));
	heap_free(&h, NULL);
	heap_free(&h, &junk[2]);
	heap_free(&h, (uint8_t *)&junk[2] + 1);
	assert_int_equal(h.bad_frees, 2);
}

static void test_heap_reports_exhaustion(void **state)
{
	struct heap h;

	(void)state;
	heap_init(&h, fake_page_alloc, fake_page_free);
	page_budget = 1;
	assert_null(heap_alloc(&h, 5000));
	assert_non_null(heap_alloc(&h, 100)); /* fills the one page */
	page_budget = 0;
	assert_null(heap_alloc(&h, 3000));
}

static void test_heap_random_use_keeps_blocks_apart(void **state)
{
	struct heap h;
	uint8_t *p[200];
	size_t len[200], i, j, step;

	(void)state;
	srand(7);
	heap_init(&h, fake_page_alloc, fake_page_free);
	memset(p, 0, sizeof(p));
	for (step = 0; step < 20000; step++) {
		i = (size_t)rand() % 200;
		if (p[i] != NULL) {
			for (j = 0; j < len[i]; j++) {
				assert_int_equal(p[i][j], (uint8_t)i);
			}
			heap_free(&h, p[i]);
			p[i] = NULL;
			continue;
		}
		len[i] = 1 + (size_t)rand() % 6000;
		p[i] = heap_alloc(&h, len[i]);
		assert_non_null(p[i]);
		assert_true(all_zero(p[i], len[i]));
		memset(p[i], (int)i, len[i]);
	}
	for (i = 0; i < 200; i++) {
		heap_free(&h, p[i]);
	}
	assert_int_equal(h.bytes_in_use, 0);
	assert_int_equal(h.bad_frees, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_heap_blocks_are_zeroed_and_aligned, setup),
		cmocka_unit_test_setup(
			test_heap_large_blocks_use_whole_pages, setup),
		cmocka_unit_test_setup(
			test_heap_refuses_zero_and_foreign_pointers, setup),
		cmocka_unit_test_setup(test_heap_reports_exhaustion, setup),
		cmocka_unit_test_setup(
			test_heap_random_use_keeps_blocks_apart, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
