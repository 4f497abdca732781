/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the physical page allocator (xen/arch/x86/pmm.c): what
 * becomes free, alignment, exhaustion, and a reference model (a plain
 * array of frame states) replayed against random operations.
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

#include "pmm.h"
#include "xen/errno.h"

#define FRAMES 4096u /* 16 MiB */
#define MiB (1ull << 20)

static uint64_t bitmap[PMM_BITMAP_WORDS(FRAMES)];

static void test_pmm_starts_with_nothing_free(void **state)
{
	struct pmm p;
	uint64_t pa;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	assert_int_equal(p.free_count, 0);
	assert_int_equal(pmm_alloc(&p, 1, 1, &pa), -ENOMEM);
}

static void test_pmm_free_ranges_are_whole_frames_only(void **state)
{
	struct pmm p;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	/* 0x1800..0x4800 holds whole frames 2 and 3 only. */
	pmm_add_free(&p, 0x1800, 0x3000);
	assert_int_equal(p.free_count, 2);
	assert_false(pmm_is_free(&p, 0x1000));
	assert_true(pmm_is_free(&p, 0x2000));
	assert_true(pmm_is_free(&p, 0x3fff));
	assert_false(pmm_is_free(&p, 0x4000));
}

static void test_pmm_frame_zero_is_never_free(void **state)
{
	struct pmm p;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, 0, 4 * PMM_FRAME_SIZE);
	assert_false(pmm_is_free(&p, 0));
	assert_int_equal(p.free_count, 3);
	pmm_free(&p, 0, 1);
	assert_false(pmm_is_free(&p, 0));
}

static void test_pmm_reserve_covers_partial_frames(void **state)
{
	struct pmm p;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, MiB, 8 * MiB);
	/* One byte into a frame reserves the frame. */
	pmm_reserve(&p, 2 * MiB + 0xfff, 2);
	assert_false(pmm_is_free(&p, 2 * MiB));
	assert_false(pmm_is_free(&p, 2 * MiB + 0x1000));
	assert_true(pmm_is_free(&p, 2 * MiB + 0x2000));
	assert_int_equal(p.free_count, 8 * MiB / PMM_FRAME_SIZE - 2);
}

static void test_pmm_beyond_the_limit_is_ignored(void **state)
{
	struct pmm p;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, 15 * MiB, 100 * MiB);
	assert_int_equal(p.free_count, MiB / PMM_FRAME_SIZE);
	pmm_reserve(&p, 15 * MiB, UINT64_MAX);
	assert_int_equal(p.free_count, 0);
}

static void test_pmm_alloc_honours_alignment(void **state)
{
	struct pmm p;
	uint64_t pa;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, 0x3000, 8 * MiB);
	assert_int_equal(pmm_alloc(&p, 1, 1, &pa), 0);
	assert_int_equal(pa, 0x3000);
	assert_int_equal(pmm_alloc(&p, 3, 512, &pa), 0);
	assert_int_equal(pa % (2 * MiB), 0);
	assert_int_equal(pmm_alloc(&p, 1, 3, &pa), -EINVAL);
	assert_int_equal(pmm_alloc(&p, 0, 1, &pa), -EINVAL);
}

static void test_pmm_finds_a_run_after_fragmentation(void **state)
{
	struct pmm p;
	uint64_t pa, i;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, PMM_FRAME_SIZE, 255 * PMM_FRAME_SIZE);
	/* Reserve every 4th frame: the longest run is 3 frames. */
	for (i = 4; i < 256; i += 4) {
		pmm_reserve(&p, i * PMM_FRAME_SIZE, 1);
	}
	assert_int_equal(pmm_alloc(&p, 4, 1, &pa), -ENOMEM);
	assert_int_equal(pmm_alloc(&p, 3, 1, &pa), 0);
	assert_int_equal(pa % (4 * PMM_FRAME_SIZE), PMM_FRAME_SIZE);
}

static void test_pmm_exhausts_and_recovers(void **state)
{
	struct pmm p;
	uint64_t pa[16], extra;
	unsigned int i;

	(void)state;
	pmm_init(&p, bitmap, FRAMES);
	pmm_add_free(&p, MiB, 16 * PMM_FRAME_SIZE);
	for (i = 0; i < 16; i++) {
		assert_int_equal(pmm_alloc(&p, 1, 1, &pa[i]), 0);
	}
	assert_int_equal(pmm_alloc(&p, 1, 1, &extra), -ENOMEM);
	pmm_free(&p, pa[7], 1);
	assert_int_equal(pmm_alloc(&p, 1, 1, &extra), 0);
	assert_int_equal(extra, pa[7]);
}

/* Random alloc/free against an array of frame states. */
static void test_pmm_matches_a_reference_model(void **state)
{
	static uint8_t model[FRAMES]; /* 1: free */
	struct {
		uint64_t pa, count;
	} held[64];
	unsigned int nheld = 0, step, i;
	uint64_t free_model, pa, count, f;
	struct pmm p;

	(void)state;
	srand(42);
	pmm_init(&p, bitmap, FRAMES);
	memset(model, 0, sizeof(model));
	pmm_add_free(&p, 1 * MiB, 6 * MiB);
	pmm_reserve(&p, 3 * MiB, 100000);
	for (f = 1 * MiB / PMM_FRAME_SIZE; f < 7 * MiB / PMM_FRAME_SIZE; f++) {
		model[f] = 1;
	}
	for (f = 3 * MiB / PMM_FRAME_SIZE;
		f <= (3 * MiB + 99999) / PMM_FRAME_SIZE; f++) {
		model[f] = 0;
	}
	for (step = 0; step < 5000; step++) {
		if (nheld < 64 && (rand() % 3 != 0 || nheld == 0)) {
			count = 1 + (uint64_t)(rand() % 40);
			if (pmm_alloc(&p, count, 1, &pa) == 0) {
				for (f = 0; f < count; f++) {
					assert_int_equal(
						model[pa / PMM_FRAME_SIZE + f],
						1);
					model[pa / PMM_FRAME_SIZE + f] = 0;
				}
				held[nheld].pa = pa;
				held[nheld++].count = count;
			}
		} else {
			i = (unsigned int)rand() % nheld;
			pmm_free(&p, held[i].pa, held[i].count);
			for (f = 0; f < held[i].count; f++) {
				model[held[i].pa / PMM_FRAME_SIZE + f] = 1;
			}
			held[i] = held[--nheld];
		}
		free_model = 0;
		for (f = 0; f < FRAMES; f++) {
			free_model += model[f];
		}
		assert_int_equal(p.free_count, free_model);
	}
	for (f = 0; f < FRAMES; f++) {
		assert_int_equal(pmm_is_free(&p, f * PMM_FRAME_SIZE), model[f]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmm_starts_with_nothing_free),
		cmocka_unit_test(test_pmm_free_ranges_are_whole_frames_only),
		cmocka_unit_test(test_pmm_frame_zero_is_never_free),
		cmocka_unit_test(test_pmm_reserve_covers_partial_frames),
		cmocka_unit_test(test_pmm_beyond_the_limit_is_ignored),
		cmocka_unit_test(test_pmm_alloc_honours_alignment),
		cmocka_unit_test(test_pmm_finds_a_run_after_fragmentation),
		cmocka_unit_test(test_pmm_exhausts_and_recovers),
		cmocka_unit_test(test_pmm_matches_a_reference_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
