/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator: one bit per 4 KiB frame below a limit, set
 * when the frame is not free (never RAM, reserved, or allocated).
 *
 * Invariants:
 *  1. free_count is the number of clear bits.
 *  2. Frame 0 is never free (physical address 0 means "none").
 *  3. A frame is free only if some pmm_add_free() covered it entirely and
 *     no later pmm_reserve() touched it; pmm_free() returns only frames
 *     that pmm_alloc() handed out.
 *
 * Callers serialise (one CPU at boot; a lock around it later). Pure code:
 * unit-tested on the host (tests/baremetal/test_pmm.c).
 */
#ifndef X86_PMM_H
#define X86_PMM_H

#include <stdbool.h>
#include <stdint.h>

#define PMM_FRAME_SHIFT 12
#define PMM_FRAME_SIZE (1ull << PMM_FRAME_SHIFT)

struct pmm {
	uint64_t *bitmap; /* borrowed: (frame_count + 63) / 64 words */
	uint64_t frame_count;
	uint64_t free_count;
	uint64_t hint; /* where the next search starts */
};

/** Words of bitmap storage pmm_init() needs for frame_count frames. */
#define PMM_BITMAP_WORDS(frame_count) (((frame_count) + 63) / 64)

/** Start with every frame unavailable; borrows bitmap. */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t frame_count);
/** Make the whole frames inside [start, start + len) free. */
void pmm_add_free(struct pmm *p, uint64_t start, uint64_t len);
/** Make every frame touching [start, start + len) unavailable. */
void pmm_reserve(struct pmm *p, uint64_t start, uint64_t len);
/**
 * Allocate count contiguous frames whose first frame number is a multiple
 * of align (a power of two, in frames; 0 or 1: any). Sets *paddr.
 * -EINVAL for count 0 or a bad align, -ENOMEM when no run fits.
 */
int pmm_alloc(struct pmm *p, uint64_t count, uint64_t align, uint64_t *paddr);
/** Give back count frames from paddr, as pmm_alloc() returned them. */
void pmm_free(struct pmm *p, uint64_t paddr, uint64_t count);
/** Whether the frame holding paddr is free. */
bool pmm_is_free(const struct pmm *p, uint64_t paddr);

#endif
