/* SPDX-License-Identifier: MIT */
/*
 * The Xen 9pfs transport: one shared index page plus 2^ring_order data
 * pages per ring, set up as a flex ring (see ring.h).  9P messages travel
 * on it unchanged: a little-endian header of size (u32, whole message),
 * id (u8) and tag (u16), then the body.  Requests go on "out", replies
 * come back on "in" (as seen by the frontend).
 *
 * Layouts and names follow Xen 4.9's public interface
 * (xen/include/public/io/9pfs.h, docs/misc/9pfs.markdown) exactly; this
 * header is our own text.  The index page layout is the header's (refs
 * at byte 132), which the prose diagram in the 9pfs document misdraws.
 *
 * Xenstore (device type "9pfs"): the backend writes "versions" ("1"),
 * "max-rings" and "max-ring-page-order" (1..9); the toolstack writes
 * "path" and "security_model" ("none") in the backend and "tag" in the
 * frontend; the frontend writes
 * "version", "num-rings", "event-channel-<n>" and "ring-ref<n>".
 */
#ifndef __XEN_PUBLIC_IO_9PFS_H__
#define __XEN_PUBLIC_IO_9PFS_H__

#include <stddef.h>
#include <stdint.h>

#include "../grant_table.h"
#include "ring.h"

/* struct xen_9pfs_data_intf, struct xen_9pfs_data and xen_9pfs_*(). */
DEFINE_XEN_FLEX_RING_AND_INTF(xen_9pfs);

__extension__ _Static_assert(offsetof(struct xen_9pfs_data_intf, in_prod) == 4,
	"xen_9pfs_data_intf.in_prod offset");
__extension__ _Static_assert(
	offsetof(struct xen_9pfs_data_intf, out_cons) == 64,
	"xen_9pfs_data_intf.out_cons offset");
__extension__ _Static_assert(
	offsetof(struct xen_9pfs_data_intf, out_prod) == 68,
	"xen_9pfs_data_intf.out_prod offset");
__extension__ _Static_assert(
	offsetof(struct xen_9pfs_data_intf, ring_order) == 128,
	"xen_9pfs_data_intf.ring_order offset");
__extension__ _Static_assert(offsetof(struct xen_9pfs_data_intf, ref) == 132,
	"xen_9pfs_data_intf.ref offset");
__extension__ _Static_assert(sizeof(struct xen_9pfs_data_intf) == 132,
	"xen_9pfs_data_intf is 132 bytes plus refs");

#endif /* __XEN_PUBLIC_IO_9PFS_H__ */
