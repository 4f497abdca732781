/* SPDX-License-Identifier: MIT */
/*
 * Memory reservation and physmap control: HYPERVISOR_memory_op(cmd, arg)
 * sub-commands and their argument structs.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/memory.h) exactly; this header is our own text.
 * The tools-only paging, access and sharing ops have their numbers here
 * but not their structs.
 */
#ifndef __XEN_PUBLIC_MEMORY_H__
#define __XEN_PUBLIC_MEMORY_H__

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

/*
 * Grow, shrink or populate a domain's memory in extents of
 * 2^extent_order pages.  Returns the number of extents done.
 */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_populate_physmap 6

/* mem_flags: address width limit, NUMA node and allocation modifiers. */
#define XENMEMF_address_bits(x) (x)
#define XENMEMF_get_address_bits(x) (0xffu & (x))
#define XENMEMF_node(x) (((x) + 1) << 8)
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18) /* the node is a virtual node */

struct xen_memory_reservation {
	/* Frames freed, populated or returned, one per extent. */
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
	xen_ulong_t nr_extents;
	unsigned int extent_order;
	unsigned int mem_flags; /* XENMEMF_* */
	domid_t domid;          /* DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

/* Swap the extents of 'in' for fresh ones described by 'out'. */
#define XENMEM_exchange 11
struct xen_memory_exchange {
	struct xen_memory_reservation in;
	struct xen_memory_reservation out;
	xen_ulong_t nr_exchanged; /* OUT; the caller must zero it */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

/* Highest machine frame number (arg: NULL). */
#define XENMEM_maximum_ram_page 2

/* Current / maximum pages of a domain (arg: domid_t *). */
#define XENMEM_current_reservation 3
#define XENMEM_maximum_reservation 4

/* Highest GPFN in use by a domain (arg: domid_t *). */
#define XENMEM_maximum_gpfn 14

/* Frames backing the machine-to-phys table, one per 2MiB. */
#define XENMEM_machphys_mfn_list 5
struct xen_machphys_mfn_list {
	unsigned int max_extents;                 /* IN */
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT */
	unsigned int nr_extents;                  /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* As machphys_mfn_list, for the compat (32-bit) table. */
#define XENMEM_machphys_compat_mfn_list 25

/* Where the M2P is mapped in the guest. */
#define XENMEM_machphys_mapping 12
struct xen_machphys_mapping {
	xen_ulong_t v_start, v_end;
	xen_ulong_t max_mfn;
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

/* Spaces add_to_physmap can take pages from. */
#define XENMAPSPACE_shared_info 0  /* the shared info page */
#define XENMAPSPACE_grant_table 1  /* a grant table frame */
#define XENMAPSPACE_gmfn 2         /* another GMFN of the domain */
#define XENMAPSPACE_gmfn_range 3   /* a run of GMFNs (add_to_physmap only) */
#define XENMAPSPACE_gmfn_foreign 4 /* a foreign GMFN (batch only) */
#define XENMAPSPACE_dev_mmio 5     /* device MMIO (ARM only) */

/* Place a page of <space> at gpfn in <domid>'s physmap. */
#define XENMEM_add_to_physmap 7
struct xen_add_to_physmap {
	domid_t domid;
	uint16_t size;      /* pages, for XENMAPSPACE_gmfn_range */
	unsigned int space; /* XENMAPSPACE_* */
#define XENMAPIDX_grant_table_status 0x80000000
	xen_ulong_t idx; /* index within the space */
	xen_pfn_t gpfn;
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

/* Batched add_to_physmap, with a per-page error array. */
#define XENMEM_add_to_physmap_batch 23
struct xen_add_to_physmap_batch {
	domid_t domid;
	uint16_t space; /* XENMAPSPACE_* */
	uint16_t size;  /* number of pages */
	union xen_add_to_physmap_batch_extra {
		domid_t foreign_domid; /* XENMAPSPACE_gmfn_foreign */
		uint16_t res0;         /* zero for other spaces */
	} u;
	XEN_GUEST_HANDLE(xen_ulong_t) idxs; /* IN */
	XEN_GUEST_HANDLE(xen_pfn_t) gpfns;  /* IN */
	XEN_GUEST_HANDLE(int) errs;         /* OUT */
};
typedef struct xen_add_to_physmap_batch xen_add_to_physmap_batch_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_batch_t);

/* Drop whatever is mapped at gpfn. */
#define XENMEM_remove_from_physmap 15
struct xen_remove_from_physmap {
	domid_t domid;
	xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* 8 was XENMEM_translate_gpfn_list; it is gone. */

/* The caller's (9) or the host's (10) E820-style memory map. */
#define XENMEM_memory_map 9
#define XENMEM_machine_memory_map 10
struct xen_memory_map {
	unsigned int nr_entries;       /* IN: capacity; OUT: entries written */
	XEN_GUEST_HANDLE(void) buffer; /* e820 entries */
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

/* Set the memory map another domain will see (privileged). */
#define XENMEM_set_memory_map 13
struct xen_foreign_memory_map {
	domid_t domid;
	struct xen_memory_map map;
};
typedef struct xen_foreign_memory_map xen_foreign_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_foreign_memory_map_t);

/* Populate-on-demand target. */
#define XENMEM_set_pod_target 16
#define XENMEM_get_pod_target 17
struct xen_pod_target {
	uint64_t target_pages;    /* IN */
	uint64_t tot_pages;       /* OUT */
	uint64_t pod_cache_pages; /* OUT */
	uint64_t pod_entries;     /* OUT */
	domid_t domid;            /* IN */
};
typedef struct xen_pod_target xen_pod_target_t;

/* Tools-only ops (structs not described here). */
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19

#define XENMEM_paging_op 20
#define XENMEM_paging_op_nominate 0
#define XENMEM_paging_op_evict 1
#define XENMEM_paging_op_prep 2

#define XENMEM_access_op 21
#define XENMEM_access_op_set_access 0
#define XENMEM_access_op_get_access 1
#define XENMEM_access_op_set_access_multi 4

#define XENMEM_sharing_op 22
#define XENMEM_sharing_op_nominate_gfn 0
#define XENMEM_sharing_op_nominate_gref 1
#define XENMEM_sharing_op_share 2
#define XENMEM_sharing_op_debug_gfn 3
#define XENMEM_sharing_op_debug_mfn 4
#define XENMEM_sharing_op_debug_gref 5
#define XENMEM_sharing_op_add_physmap 6
#define XENMEM_sharing_op_audit 7
#define XENMEM_sharing_op_range_share 8

/* Claim nr_extents pages for a domain, or drop the claim with 0. */
#define XENMEM_claim_pages 24

/* Regions reserved for devices (RMRRs). */
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_RDM_ALL 1 /* flags: every region, not just one device's */
struct xen_reserved_device_memory {
	xen_pfn_t start_pfn;
	xen_ulong_t nr_pages;
};
typedef struct xen_reserved_device_memory xen_reserved_device_memory_t;
DEFINE_XEN_GUEST_HANDLE(xen_reserved_device_memory_t);

/* vNUMA topology of a domain. */
#define XENMEM_get_vnumainfo 26

struct xen_vmemrange {
	uint64_t start, end;
	unsigned int flags;
	unsigned int nid;
};
typedef struct xen_vmemrange xen_vmemrange_t;
DEFINE_XEN_GUEST_HANDLE(xen_vmemrange_t);

struct xen_vnuma_topology_info {
	domid_t domid; /* IN */
	uint16_t pad;
	unsigned int nr_vnodes;     /* IN: capacity; OUT: count */
	unsigned int nr_vcpus;      /* IN: capacity; OUT: count */
	unsigned int nr_vmemranges; /* IN: capacity; OUT: count */
	union {
		XEN_GUEST_HANDLE(uint) h;
		uint64_t pad;
	} vdistance; /* OUT: nr_vnodes^2 distances */
	union {
		XEN_GUEST_HANDLE(uint) h;
		uint64_t pad;
	} vcpu_to_vnode; /* OUT */
	union {
		XEN_GUEST_HANDLE(xen_vmemrange_t) h;
		uint64_t pad;
	} vmemrange; /* OUT */
};
typedef struct xen_vnuma_topology_info xen_vnuma_topology_info_t;
DEFINE_XEN_GUEST_HANDLE(xen_vnuma_topology_info_t);

/* The next free sub-op number is 28. */

__extension__ _Static_assert(sizeof(struct xen_memory_reservation) == 32,
	"xen_memory_reservation is 32 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_memory_reservation, nr_extents) == 8,
	"xen_memory_reservation.nr_extents offset");
__extension__ _Static_assert(
	offsetof(struct xen_memory_reservation, mem_flags) == 20,
	"xen_memory_reservation.mem_flags offset");
__extension__ _Static_assert(
	offsetof(struct xen_memory_reservation, domid) == 24,
	"xen_memory_reservation.domid offset");
__extension__ _Static_assert(sizeof(struct xen_memory_exchange) == 72,
	"xen_memory_exchange is 72 bytes");
__extension__ _Static_assert(sizeof(struct xen_machphys_mfn_list) == 24,
	"xen_machphys_mfn_list is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_machphys_mapping) == 24,
	"xen_machphys_mapping is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_add_to_physmap) == 24,
	"xen_add_to_physmap is 24 bytes");
__extension__ _Static_assert(offsetof(struct xen_add_to_physmap, space) == 4,
	"xen_add_to_physmap.space offset");
__extension__ _Static_assert(offsetof(struct xen_add_to_physmap, idx) == 8,
	"xen_add_to_physmap.idx offset");
__extension__ _Static_assert(offsetof(struct xen_add_to_physmap, gpfn) == 16,
	"xen_add_to_physmap.gpfn offset");
__extension__ _Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32,
	"xen_add_to_physmap_batch is 32 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_add_to_physmap_batch, idxs) == 8,
	"xen_add_to_physmap_batch.idxs offset");
__extension__ _Static_assert(sizeof(struct xen_remove_from_physmap) == 16,
	"xen_remove_from_physmap is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_memory_map) == 16, "xen_memory_map is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_foreign_memory_map) == 24,
	"xen_foreign_memory_map is 24 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_pod_target) == 40, "xen_pod_target is 40 bytes");
__extension__ _Static_assert(sizeof(struct xen_reserved_device_memory) == 16,
	"xen_reserved_device_memory is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_vmemrange) == 24, "xen_vmemrange is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_vnuma_topology_info) == 40,
	"xen_vnuma_topology_info is 40 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_vnuma_topology_info, vdistance) == 16,
	"xen_vnuma_topology_info.vdistance offset");

#endif /* __XEN_PUBLIC_MEMORY_H__ */
