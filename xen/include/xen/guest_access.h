/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copying hypercall arguments from and to the calling guest through guest
 * handles (XEN_GUEST_HANDLE). All go through the port's arch_copy_*.
 */
#ifndef XEN_GUEST_ACCESS_H
#define XEN_GUEST_ACCESS_H

#include "xen/arch/arch.h"

#define guest_addr(hnd) ((uint64_t)(uintptr_t)(hnd).p)

/* Copy nr elements at element offset off of handle hnd. */
#define copy_from_guest_offset(v, dst, hnd, off, nr)                           \
	arch_copy_from_guest((v), (dst),                                       \
		guest_addr(hnd) + (uint64_t)(off) * sizeof(*(hnd).p),          \
		(size_t)(nr) * sizeof(*(hnd).p))
#define copy_to_guest_offset(v, hnd, off, src, nr)                             \
	arch_copy_to_guest((v),                                                \
		guest_addr(hnd) + (uint64_t)(off) * sizeof(*(hnd).p), (src),   \
		(size_t)(nr) * sizeof(*(hnd).p))
#define copy_from_guest(v, dst, hnd, nr)                                       \
	copy_from_guest_offset(v, dst, hnd, 0, nr)
#define copy_to_guest(v, hnd, src, nr) copy_to_guest_offset(v, hnd, 0, src, nr)

/* A whole argument structure at a raw guest address. */
#define copy_arg_from_guest(v, dst, addr)                                      \
	arch_copy_from_guest((v), (dst), (addr), sizeof(*(dst)))
#define copy_arg_to_guest(v, addr, src)                                        \
	arch_copy_to_guest((v), (addr), (src), sizeof(*(src)))

#endif
