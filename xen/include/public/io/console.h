/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring page: a 1KiB input ring (backend to guest) and a
 * 2KiB output ring (guest to backend), each with free-running indexes.
 * The producer writes data, then (after a write barrier) its prod index,
 * then notifies the console event channel.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/io/console.h) exactly; this header is our own
 * text.  (The "connection" byte after out_prod came after 4.9.)
 */
#ifndef __XEN_PUBLIC_IO_CONSOLE_H__
#define __XEN_PUBLIC_IO_CONSOLE_H__

#include <stddef.h>
#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* Offset of index idx in the ring array ring (in or out). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
	char in[1024];
	char out[2048];
	XENCONS_RING_IDX in_cons, in_prod;
	XENCONS_RING_IDX out_cons, out_prod;
};

__extension__ _Static_assert(sizeof(struct xencons_interface) == 3088,
	"xencons_interface is 3088 bytes");
__extension__ _Static_assert(offsetof(struct xencons_interface, out) == 1024,
	"xencons_interface.out offset");
__extension__ _Static_assert(
	offsetof(struct xencons_interface, in_cons) == 3072,
	"xencons_interface.in_cons offset");
__extension__ _Static_assert(
	offsetof(struct xencons_interface, out_cons) == 3080,
	"xencons_interface.out_cons offset");

#endif /* __XEN_PUBLIC_IO_CONSOLE_H__ */
