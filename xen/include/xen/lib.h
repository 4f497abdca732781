/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's own small library: fixed-width types, errno values, bit
 * operations on shared pages, allocation and printk. xen/common/ is
 * freestanding: it includes only compiler headers and this.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/errno.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BITS_PER_ULONG (8 * sizeof(unsigned long))

/* String and memory functions: libc's on the hosted port, ours on bare
 * metal; the same prototypes either way. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);

/* Allocation, zeroed; from the port. */
void *xzalloc_bytes(size_t size);
void xfree(void *p);
#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n)                                                 \
	((n) > SIZE_MAX / sizeof(type)                                         \
			? NULL                                                 \
			: (type *)xzalloc_bytes(sizeof(type) * (n)))

/* printk with a level prefix "(XEN) " as Xen prints. */
enum printk_level {
	XENLOG_ERR = 3,
	XENLOG_WARNING = 4,
	XENLOG_INFO = 6,
	XENLOG_DEBUG = 7,
};
void printk(enum printk_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vsnprintk(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintk(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void printk_set_level(enum printk_level level);
/** Append guest console output to the console ring. */
void console_ring_write(const char *s, size_t len);
/** Copy up to size bytes of the console ring from index *idx on. */
size_t console_ring_read(char *buf, size_t size, uint64_t *idx);

/* Atomic bit operations on words other processors or processes share. */
static inline bool test_and_set_bit(unsigned int nr, volatile void *addr)
{
	volatile unsigned long *w =
		(volatile unsigned long *)addr + nr / BITS_PER_ULONG;
	unsigned long m = 1ul << (nr % BITS_PER_ULONG);

	return (__atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m) != 0;
}

static inline bool test_and_clear_bit(unsigned int nr, volatile void *addr)
{
	volatile unsigned long *w =
		(volatile unsigned long *)addr + nr / BITS_PER_ULONG;
	unsigned long m = 1ul << (nr % BITS_PER_ULONG);

	return (__atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

static inline void set_bit(unsigned int nr, volatile void *addr)
{
	(void)test_and_set_bit(nr, addr);
}

static inline void clear_bit(unsigned int nr, volatile void *addr)
{
	(void)test_and_clear_bit(nr, addr);
}

static inline bool test_bit(unsigned int nr, const volatile void *addr)
{
	const volatile unsigned long *w =
		(const volatile unsigned long *)addr + nr / BITS_PER_ULONG;

	return ((__atomic_load_n(w, __ATOMIC_SEQ_CST) >>
			(nr % BITS_PER_ULONG)) &
		       1) != 0;
}

#endif
