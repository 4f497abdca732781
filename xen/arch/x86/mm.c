/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory management of the machine: the physical page allocator (pmm.c)
 * fed with the boot memory map, and the heap (heap.c) on top of it.
 *
 * What is usable: BOOT_MEM_RAM ranges of the boot information, minus the
 * first MiB (real-mode structures, the AP trampoline), the image itself
 * (including its bss, page tables and stacks) and every boot module.
 * Only RAM below 4 GiB is managed for now: head.S identity maps exactly
 * that, so a physical address is also the pointer to it.
 */
#include "heap.h"
#include "pmm.h"
#include "x86.h"
#include "xen/arch/arch.h"
#include "xen/lib.h"

#define MM_LIMIT (4ull << 30)
#define MM_LOW_RESERVED (1ull << 20)

static uint64_t mm_bitmap[PMM_BITMAP_WORDS(MM_LIMIT >> PMM_FRAME_SHIFT)];
static struct pmm mm_pmm;
static struct heap mm_heap;
static uint64_t mm_usable;
static volatile int mm_lock;

static void lock(void)
{
	while (__atomic_exchange_n(&mm_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		cpu_relax();
	}
}

static void unlock(void)
{
	__atomic_store_n(&mm_lock, 0, __ATOMIC_RELEASE);
}

/* Called with mm_lock held (from heap_alloc) or by mm_alloc_pages. */
static void *pages_alloc_locked(size_t count)
{
	uint64_t pa;
	void *p;

	if (pmm_alloc(&mm_pmm, count, 1, &pa) != 0) {
		return NULL;
	}
	p = (void *)(uintptr_t)pa;
	memset(p, 0, count * PMM_FRAME_SIZE);
	return p;
}

static void pages_free_locked(void *p, size_t count)
{
	pmm_free(&mm_pmm, (uint64_t)(uintptr_t)p, count);
}

int mm_init(const struct boot_info *bi)
{
	unsigned int i;

	pmm_init(&mm_pmm, mm_bitmap, MM_LIMIT >> PMM_FRAME_SHIFT);
	for (i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type == BOOT_MEM_RAM) {
			pmm_add_free(&mm_pmm, bi->mem[i].start, bi->mem[i].len);
		}
	}
	pmm_reserve(&mm_pmm, 0, MM_LOW_RESERVED);
	pmm_reserve(&mm_pmm, (uint64_t)(uintptr_t)x86_image_start,
		(uint64_t)(x86_image_end - x86_image_start));
	for (i = 0; i < bi->mod_count; i++) {
		pmm_reserve(&mm_pmm, bi->mod[i].start, bi->mod[i].len);
	}
	mm_usable = mm_pmm.free_count * PMM_FRAME_SIZE;
	heap_init(&mm_heap, pages_alloc_locked, pages_free_locked);
	return mm_pmm.free_count > 0 ? 0 : -ENOMEM;
}

uint64_t mm_free_bytes(void)
{
	return mm_pmm.free_count * PMM_FRAME_SIZE;
}

uint64_t mm_usable_bytes(void)
{
	return mm_usable;
}

void *mm_alloc_pages(size_t count)
{
	void *p;

	lock();
	p = pages_alloc_locked(count);
	unlock();
	return p;
}

void mm_free_pages(void *p, size_t count)
{
	lock();
	pages_free_locked(p, count);
	unlock();
}

void *arch_alloc(size_t size)
{
	void *p;

	lock();
	p = heap_alloc(&mm_heap, size);
	unlock();
	return p;
}

void arch_free(void *p)
{
	lock();
	heap_free(&mm_heap, p);
	unlock();
}
