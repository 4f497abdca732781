/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The environment libfdt.h expects (its <libfdt_env.h>), for the
 * freestanding hypervisor: fixed-width types, big-endian device tree cells
 * and the string functions string.c provides. The system's libfdt.a is
 * linked as is; this header replaces the one that pulls in libc headers.
 */
#ifndef X86_LIBFDT_ENV_H
#define X86_LIBFDT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xen/lib.h"

typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

static inline uint16_t fdt16_to_cpu(fdt16_t x)
{
	return __builtin_bswap16(x);
}

static inline fdt16_t cpu_to_fdt16(uint16_t x)
{
	return __builtin_bswap16(x);
}

static inline uint32_t fdt32_to_cpu(fdt32_t x)
{
	return __builtin_bswap32(x);
}

static inline fdt32_t cpu_to_fdt32(uint32_t x)
{
	return __builtin_bswap32(x);
}

static inline uint64_t fdt64_to_cpu(fdt64_t x)
{
	return __builtin_bswap64(x);
}

static inline fdt64_t cpu_to_fdt64(uint64_t x)
{
	return __builtin_bswap64(x);
}

#endif
