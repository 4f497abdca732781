/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical page allocator (pmm.h): a bitmap with a next-fit hint.
 * Searches skip whole 64-frame words that are full, so the common case of
 * a mostly free map is fast; a failed search costs one pass over the map.
 */
#include "pmm.h"

#include "xen/lib.h"

static bool frame_used(const struct pmm *p, uint64_t f)
{
	return (p->bitmap[f / 64] >> (f % 64)) & 1;
}

static void frame_set(struct pmm *p, uint64_t f)
{
	if (!frame_used(p, f)) {
		p->bitmap[f / 64] |= 1ull << (f % 64);
		p->free_count--;
	}
}

static void frame_clear(struct pmm *p, uint64_t f)
{
	if (frame_used(p, f)) {
		p->bitmap[f / 64] &= ~(1ull << (f % 64));
		p->free_count++;
	}
}

void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t frame_count)
{
	p->bitmap = bitmap;
	p->frame_count = frame_count;
	p->free_count = 0;
	p->hint = 1;
	memset(bitmap, 0xff, PMM_BITMAP_WORDS(frame_count) * sizeof(uint64_t));
}

void pmm_add_free(struct pmm *p, uint64_t start, uint64_t len)
{
	uint64_t first, end, f;

	if (len == 0 || start > UINT64_MAX - len ||
		start > UINT64_MAX - (PMM_FRAME_SIZE - 1)) {
		return;
	}
	first = (start + PMM_FRAME_SIZE - 1) >> PMM_FRAME_SHIFT;
	end = (start + len) >> PMM_FRAME_SHIFT;
	if (end > p->frame_count) {
		end = p->frame_count;
	}
	for (f = MAX(first, 1); f < end; f++) {
		frame_clear(p, f);
	}
}

void pmm_reserve(struct pmm *p, uint64_t start, uint64_t len)
{
	uint64_t first, end, f;

	if (len == 0) {
		return;
	}
	if (len > UINT64_MAX - start) {
		len = UINT64_MAX - start;
	}
	first = start >> PMM_FRAME_SHIFT;
	end = (start + len - 1) >> PMM_FRAME_SHIFT;
	if (end >= p->frame_count) {
		end = p->frame_count - 1;
	}
	for (f = first; f <= end && f < p->frame_count; f++) {
		frame_set(p, f);
	}
}

/* Length of the free run at f, up to want frames. */
static uint64_t run_length(const struct pmm *p, uint64_t f, uint64_t want)
{
	uint64_t n = 0;

	while (n < want && f + n < p->frame_count && !frame_used(p, f + n)) {
		n++;
	}
	return n;
}

/* First suitable run in [from, to); frame_count when none. */
static uint64_t search(const struct pmm *p, uint64_t from, uint64_t to,
	uint64_t count, uint64_t align)
{
	uint64_t f = (from + align - 1) & ~(align - 1), n;

	while (f < to && count <= p->frame_count - f) {
		if (p->bitmap[f / 64] == UINT64_MAX) {
			f = (f / 64 + 1) * 64;
			f = (f + align - 1) & ~(align - 1);
			continue;
		}
		n = run_length(p, f, count);
		if (n == count) {
			return f;
		}
		f = (f + n + 1 + align - 1) & ~(align - 1);
	}
	return p->frame_count;
}

int pmm_alloc(struct pmm *p, uint64_t count, uint64_t align, uint64_t *paddr)
{
	uint64_t f, i;

	if (align == 0) {
		align = 1;
	}
	if (count == 0 || (align & (align - 1)) != 0) {
		return -EINVAL;
	}
	if (count > p->free_count) {
		return -ENOMEM;
	}
	f = search(p, p->hint, p->frame_count, count, align);
	if (f == p->frame_count) {
		f = search(p, 1, p->frame_count, count, align);
	}
	if (f == p->frame_count) {
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		frame_set(p, f + i);
	}
	p->hint = f + count < p->frame_count ? f + count : 1;
	*paddr = f << PMM_FRAME_SHIFT;
	return 0;
}

void pmm_free(struct pmm *p, uint64_t paddr, uint64_t count)
{
	uint64_t f = paddr >> PMM_FRAME_SHIFT, i;

	for (i = 0; i < count && f + i < p->frame_count; i++) {
		if (f + i != 0) {
			frame_clear(p, f + i);
		}
	}
}

bool pmm_is_free(const struct pmm *p, uint64_t paddr)
{
	uint64_t f = paddr >> PMM_FRAME_SHIFT;

	return f < p->frame_count && !frame_used(p, f);
}
