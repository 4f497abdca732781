/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor heap (heap.h).
 */
#include "heap.h"

#include "xen/lib.h"

#define HEAP_PAGE 4096u
#define HEAP_MIN_SHIFT 5             /* 32 bytes */
#define HEAP_MAGIC_SMALL 0x48534d4cu /* "HSML" */
#define HEAP_MAGIC_LARGE 0x484c5247u /* "HLRG" */
#define HEAP_MAGIC_FREE 0x48465245u  /* "HFRE" */

struct heap_hdr {
	uint32_t magic;
	uint32_t cls;  /* size class; page count for large blocks */
	uint64_t size; /* bytes asked for */
};

struct heap_block {
	struct heap_hdr hdr;
	struct heap_block *next;
};

_Static_assert(sizeof(struct heap_hdr) == 16, "heap header is 16 bytes");

static size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + HEAP_MIN_SHIFT);
}

void heap_init(struct heap *h, void *(*page_alloc)(size_t count),
	void (*page_free)(void *p, size_t count))
{
	memset(h, 0, sizeof(*h));
	h->page_alloc = page_alloc;
	h->page_free = page_free;
}

/* Carve a fresh page into free blocks of class cls. */
static int refill(struct heap *h, unsigned int cls)
{
	size_t bs = class_size(cls), off;
	uint8_t *page = h->page_alloc(1);
	struct heap_block *b;

	if (page == NULL) {
		return -ENOMEM;
	}
	for (off = 0; off + bs <= HEAP_PAGE; off += bs) {
		b = (struct heap_block *)(page + off);
		b->hdr.magic = HEAP_MAGIC_FREE;
		b->hdr.cls = cls;
		b->next = h->free[cls];
		h->free[cls] = b;
	}
	return 0;
}

static void *alloc_large(struct heap *h, size_t size)
{
	size_t pages =
		(size + sizeof(struct heap_hdr) + HEAP_PAGE - 1) / HEAP_PAGE;
	struct heap_hdr *hdr;

	if (pages > UINT32_MAX) {
		return NULL;
	}
	hdr = h->page_alloc(pages);
	if (hdr == NULL) {
		return NULL;
	}
	hdr->magic = HEAP_MAGIC_LARGE;
	hdr->cls = (uint32_t)pages;
	hdr->size = size;
	h->bytes_in_use += size;
	return hdr + 1;
}

void *heap_alloc(struct heap *h, size_t size)
{
	unsigned int cls = 0;
	struct heap_block *b;

	if (size == 0 || size > SIZE_MAX - HEAP_PAGE) {
		return NULL;
	}
	while (cls < HEAP_CLASS_COUNT &&
		class_size(cls) - sizeof(struct heap_hdr) < size) {
		cls++;
	}
	if (cls == HEAP_CLASS_COUNT) {
		return alloc_large(h, size);
	}
	if (h->free[cls] == NULL && refill(h, cls) != 0) {
		return NULL;
	}
	b = h->free[cls];
	h->free[cls] = b->next;
	memset(b, 0, class_size(cls));
	b->hdr.magic = HEAP_MAGIC_SMALL;
	b->hdr.cls = cls;
	b->hdr.size = size;
	h->bytes_in_use += size;
	return &b->hdr + 1;
}

void heap_free(struct heap *h, void *p)
{
	struct heap_hdr *hdr;
	struct heap_block *b;

	if (p == NULL) {
		return;
	}
	if (((uintptr_t)p & 15) != 0) {
		h->bad_frees++;
		return;
	}
	hdr = (struct heap_hdr *)p - 1;
	if (hdr->magic == HEAP_MAGIC_LARGE &&
		((uintptr_t)hdr & (HEAP_PAGE - 1)) == 0) {
		h->bytes_in_use -= MIN(h->bytes_in_use, (size_t)hdr->size);
		hdr->magic = 0;
		h->page_free(hdr, (size_t)hdr->cls);
		return;
	}
	if (hdr->magic != HEAP_MAGIC_SMALL || hdr->cls >= HEAP_CLASS_COUNT) {
		h->bad_frees++;
		return;
	}
	h->bytes_in_use -= MIN(h->bytes_in_use, (size_t)hdr->size);
	b = (struct heap_block *)hdr;
	b->hdr.magic = HEAP_MAGIC_FREE;
	b->next = h->free[hdr->cls];
	h->free[hdr->cls] = b;
}
