/* SPDX-License-Identifier: MIT */
/*
 * Grant tables: the shared table of grant entries through which a domain
 * lets another map, copy or transfer its pages, and the
 * HYPERVISOR_grant_table_op(cmd, args, count) sub-commands.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/grant_table.h) exactly; this header is our own text.
 *
 * Granting: write frame and domid, then (after a write barrier) flags.
 * Revoking: atomically clear flags only while neither GTF_reading nor
 * GTF_writing is set.  Tags: [XEN] written by Xen, [GST] by the guest.
 */
#ifndef __XEN_PUBLIC_GRANT_TABLE_H__
#define __XEN_PUBLIC_GRANT_TABLE_H__

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

/* Index of an entry in a grant table. */
typedef uint32_t grant_ref_t;

/* Version 1 grant entry. */
struct grant_entry_v1 {
	uint16_t flags; /* GTF_* [XEN,GST] */
	domid_t domid;  /* the grantee [GST] */
	/*
	 * permit_access: the GFN the grantee may use [GST];
	 * accept_transfer: the GFN to transfer into [GST], and once the
	 * transfer completes the new MFN [XEN].
	 */
	uint32_t frame;
};
typedef struct grant_entry_v1 grant_entry_v1_t;

/* Entries kept for the toolstack across a grant table reset. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* Entry type, in flags[1:0]. */
#define GTF_invalid (0U << 0)         /* nothing granted */
#define GTF_permit_access (1U << 0)   /* map or copy allowed */
#define GTF_accept_transfer (2U << 0) /* a page may be transferred in */
#define GTF_transitive (3U << 0)      /* re-grant of another grant (v2) */
#define GTF_type_mask (3U << 0)

/* Flags of permit_access entries. */
#define _GTF_readonly (2)
#define GTF_readonly (1U << _GTF_readonly) /* grantee may only read [GST] */
#define _GTF_reading (3)
#define GTF_reading (1U << _GTF_reading) /* currently mapped/copied [XEN] */
#define _GTF_writing (4)
#define GTF_writing (1U << _GTF_writing) /* currently writable [XEN] */
#define _GTF_PWT (5)
#define GTF_PWT (1U << _GTF_PWT) /* cache attributes for the mapping */
#define _GTF_PCD (6)
#define GTF_PCD (1U << _GTF_PCD)
#define _GTF_PAT (7)
#define GTF_PAT (1U << _GTF_PAT)
#define _GTF_sub_page (8)
#define GTF_sub_page (1U << _GTF_sub_page) /* v2 sub-page grant */

/* Flags of accept_transfer entries. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed (1U << _GTF_transfer_completed)

/* Version 2 entries: a common header and a 16-byte union. */
struct grant_entry_header {
	uint16_t flags;
	domid_t domid;
};
typedef struct grant_entry_header grant_entry_header_t;

union grant_entry_v2 {
	grant_entry_header_t hdr;

	/* Whole-page grants (as in v1, with a 64-bit frame). */
	struct {
		grant_entry_header_t hdr;
		uint32_t pad0;
		uint64_t frame;
	} full_page;

	/* GTF_sub_page: bytes [page_off, page_off + length) of frame. */
	struct {
		grant_entry_header_t hdr;
		uint16_t page_off;
		uint16_t length;
		uint64_t frame;
	} sub_page;

	/* GTF_transitive: grant <gref> of <trans_domid> is passed on. */
	struct {
		grant_entry_header_t hdr;
		domid_t trans_domid;
		uint16_t pad0;
		grant_ref_t gref;
	} transitive;

	uint32_t __spacer[4];
};
typedef union grant_entry_v2 grant_entry_v2_t;

/* v2 keeps GTF_reading / GTF_writing in a separate status array. */
typedef uint16_t grant_status_t;

/* HYPERVISOR_grant_table_op commands. */
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* Names a mapping made by map_grant_ref. */
typedef uint32_t grant_handle_t;

/* Map grant <ref> of <dom> at host_addr and/or for device DMA. */
struct gnttab_map_grant_ref {
	uint64_t host_addr;    /* IN: address, or PTE if contains_pte */
	uint32_t flags;        /* IN: GNTMAP_* */
	grant_ref_t ref;       /* IN */
	domid_t dom;           /* IN */
	int16_t status;        /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT */
	uint64_t dev_bus_addr; /* OUT: for GNTMAP_device_map */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

/* Undo a map_grant_ref; zero addresses are skipped. */
struct gnttab_unmap_grant_ref {
	uint64_t host_addr;    /* IN */
	uint64_t dev_bus_addr; /* IN */
	grant_handle_t handle; /* IN */
	int16_t status;        /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Size <dom>'s table to nr_frames and return the frames holding it. */
struct gnttab_setup_table {
	domid_t dom;                            /* IN */
	uint32_t nr_frames;                     /* IN */
	int16_t status;                         /* OUT: GNTST_* */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

/* Print <dom>'s table on the Xen console (debugging). */
struct gnttab_dump_table {
	domid_t dom;    /* IN */
	int16_t status; /* OUT: GNTST_* */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/* Give page <mfn> to <domid> through its accept_transfer grant <ref>. */
struct gnttab_transfer {
	xen_pfn_t mfn;   /* IN */
	domid_t domid;   /* IN */
	grant_ref_t ref; /* IN */
	int16_t status;  /* OUT: GNTST_* */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/*
 * Copy len bytes between two pages, each named by a grant reference or
 * a local frame; neither side may cross a page boundary.
 */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref (1)
#define GNTCOPY_dest_gref (1 << _GNTCOPY_dest_gref)

struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref; /* with GNTCOPY_*_gref */
			xen_pfn_t gmfn;  /* otherwise */
		} u;
		domid_t domid;
		uint16_t offset;
	} source, dest; /* IN */
	uint16_t len;   /* IN */
	uint16_t flags; /* IN: GNTCOPY_* */
	int16_t status; /* OUT: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

/* Current and maximum table size of <dom>, in frames. */
struct gnttab_query_size {
	domid_t dom;            /* IN */
	uint32_t nr_frames;     /* OUT */
	uint32_t max_nr_frames; /* OUT */
	int16_t status;         /* OUT: GNTST_* */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

/* Unmap host_addr and move the mapping of new_addr there. */
struct gnttab_unmap_and_replace {
	uint64_t host_addr;    /* IN */
	uint64_t new_addr;     /* IN */
	grant_handle_t handle; /* IN */
	int16_t status;        /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

/* Select table format 1 or 2; returns the version in force. */
struct gnttab_set_version {
	uint32_t version; /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

/* v2: the frames of <dom>'s status array. */
struct gnttab_get_status_frames {
	uint32_t nr_frames;                    /* IN */
	domid_t dom;                           /* IN */
	int16_t status;                        /* OUT: GNTST_* */
	XEN_GUEST_HANDLE(uint64_t) frame_list; /* OUT */
};
typedef struct gnttab_get_status_frames gnttab_get_status_frames_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_status_frames_t);

/* Table format currently used by <dom>. */
struct gnttab_get_version {
	domid_t dom; /* IN */
	uint16_t pad;
	uint32_t version; /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

/* Swap two entries of the caller's table. */
struct gnttab_swap_grant_ref {
	grant_ref_t ref_a; /* IN */
	grant_ref_t ref_b; /* IN */
	int16_t status;    /* OUT: GNTST_* */
};
typedef struct gnttab_swap_grant_ref gnttab_swap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_swap_grant_ref_t);

/* Clean and/or invalidate caches for part of a page (ARM). */
struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr;
		grant_ref_t ref;
	} a;
	uint16_t offset; /* within the page */
	uint16_t length;
#define GNTTAB_CACHE_CLEAN (1 << 0)
#define GNTTAB_CACHE_INVAL (1 << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1U << 31)
	uint32_t op;
};
typedef struct gnttab_cache_flush gnttab_cache_flush_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_cache_flush_t);

/* map_grant_ref flags. */
#define _GNTMAP_device_map (0)
#define GNTMAP_device_map (1 << _GNTMAP_device_map) /* for device DMA */
#define _GNTMAP_host_map (1)
#define GNTMAP_host_map (1 << _GNTMAP_host_map) /* for CPU access */
#define _GNTMAP_readonly (2)
#define GNTMAP_readonly (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map (1 << _GNTMAP_application_map) /* user too */
#define _GNTMAP_contains_pte (4)
#define GNTMAP_contains_pte                                                    \
	(1 << _GNTMAP_contains_pte) /* host_addr is a PTE                      \
				     */
#define _GNTMAP_can_fail (5)
#define GNTMAP_can_fail (1 << _GNTMAP_can_fail)

/* Bits 16-31 are copied into the PTE's software-available bits. */
#define _GNTMAP_guest_avail0 (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-operation status codes. */
#define GNTST_okay (0)
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)

/* Text for each status, indexed by -status. */
/* clang-format off */
#define GNTTABOP_error_msgs {                                                  \
	"success",                                                             \
	"unspecified error",                                                   \
	"no such domain",                                                      \
	"bad grant reference",                                                 \
	"bad mapping handle",                                                  \
	"bad virtual address",                                                 \
	"bad device address",                                                  \
	"I/O MMU has no free slot",                                            \
	"permission denied",                                                   \
	"bad page",                                                            \
	"copy crosses a page boundary",                                        \
	"page address too large",                                              \
	"try again"                                                            \
}
/* clang-format on */

__extension__ _Static_assert(
	sizeof(struct grant_entry_v1) == 8, "grant_entry_v1 is 8 bytes");
__extension__ _Static_assert(offsetof(struct grant_entry_v1, domid) == 2,
	"grant_entry_v1.domid offset");
__extension__ _Static_assert(offsetof(struct grant_entry_v1, frame) == 4,
	"grant_entry_v1.frame offset");
__extension__ _Static_assert(sizeof(struct grant_entry_header) == 4,
	"grant_entry_header is 4 bytes");
__extension__ _Static_assert(
	sizeof(union grant_entry_v2) == 16, "grant_entry_v2 is 16 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_map_grant_ref) == 32,
	"gnttab_map_grant_ref is 32 bytes");
__extension__ _Static_assert(offsetof(struct gnttab_map_grant_ref, dom) == 16,
	"gnttab_map_grant_ref.dom offset");
__extension__ _Static_assert(
	offsetof(struct gnttab_map_grant_ref, status) == 18,
	"gnttab_map_grant_ref.status offset");
__extension__ _Static_assert(
	offsetof(struct gnttab_map_grant_ref, handle) == 20,
	"gnttab_map_grant_ref.handle offset");
__extension__ _Static_assert(
	offsetof(struct gnttab_map_grant_ref, dev_bus_addr) == 24,
	"gnttab_map_grant_ref.dev_bus_addr offset");
__extension__ _Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24,
	"gnttab_unmap_grant_ref is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct gnttab_unmap_grant_ref, status) == 20,
	"gnttab_unmap_grant_ref.status offset");
__extension__ _Static_assert(sizeof(struct gnttab_setup_table) == 24,
	"gnttab_setup_table is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct gnttab_setup_table, frame_list) == 16,
	"gnttab_setup_table.frame_list offset");
__extension__ _Static_assert(
	sizeof(struct gnttab_dump_table) == 4, "gnttab_dump_table is 4 bytes");
__extension__ _Static_assert(
	sizeof(struct gnttab_transfer) == 24, "gnttab_transfer is 24 bytes");
__extension__ _Static_assert(
	sizeof(struct gnttab_copy_ptr) == 16, "gnttab_copy_ptr is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct gnttab_copy) == 40, "gnttab_copy is 40 bytes");
__extension__ _Static_assert(
	offsetof(struct gnttab_copy, len) == 32, "gnttab_copy.len offset");
__extension__ _Static_assert(offsetof(struct gnttab_copy, status) == 36,
	"gnttab_copy.status offset");
__extension__ _Static_assert(sizeof(struct gnttab_query_size) == 16,
	"gnttab_query_size is 16 bytes");
__extension__ _Static_assert(offsetof(struct gnttab_query_size, status) == 12,
	"gnttab_query_size.status offset");
__extension__ _Static_assert(sizeof(struct gnttab_unmap_and_replace) == 24,
	"gnttab_unmap_and_replace is 24 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_set_version) == 4,
	"gnttab_set_version is 4 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_get_status_frames) == 16,
	"gnttab_get_status_frames is 16 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_get_version) == 8,
	"gnttab_get_version is 8 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_swap_grant_ref) == 12,
	"gnttab_swap_grant_ref is 12 bytes");
__extension__ _Static_assert(sizeof(struct gnttab_cache_flush) == 16,
	"gnttab_cache_flush is 16 bytes");

#endif /* __XEN_PUBLIC_GRANT_TABLE_H__ */
