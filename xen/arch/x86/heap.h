/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor heap behind arch_alloc()/arch_free(): power-of-two size
 * classes from 32 to 2048 bytes carved out of whole pages, and runs of
 * pages for anything larger. Every block starts with a 16-byte header that
 * records its class (or page count) and a magic value, so arch_free()
 * needs only the pointer and catches frees of foreign pointers.
 *
 * Invariants:
 *  1. A block on a class free list has that class's header and no other
 *     list holds it.
 *  2. Memory handed out is zeroed.
 *
 * Pages come from the caller's page source (the physical page allocator on
 * the machine, a test double on the host). Callers serialise. Pure code:
 * unit-tested on the host (tests/baremetal/test_heap.c).
 */
#ifndef X86_HEAP_H
#define X86_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_CLASS_COUNT 7 /* 32, 64, ..., 2048 */

struct heap_block; /* a free block; private to heap.c */

struct heap {
	/** count contiguous zeroed 4 KiB pages, or NULL. */
	void *(*page_alloc)(size_t count);
	void (*page_free)(void *p, size_t count);
	struct heap_block *free[HEAP_CLASS_COUNT];
	size_t bytes_in_use; /* what callers asked for and still hold */
	size_t bad_frees;    /* pointers arch_free() refused */
};

void heap_init(struct heap *h, void *(*page_alloc)(size_t count),
	void (*page_free)(void *p, size_t count));
/** size zeroed bytes, 16-byte aligned; NULL for 0 or when out of memory. */
void *heap_alloc(struct heap *h, size_t size);
/** Free a heap_alloc() result; NULL is fine; a foreign pointer is
 * counted in bad_frees and otherwise ignored. */
void heap_free(struct heap *h, void *p);

#endif
