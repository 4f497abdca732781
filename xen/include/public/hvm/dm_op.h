/* SPDX-License-Identifier: MIT */
/*
 * Device model operations: HYPERVISOR_dm_op(domid, nr_bufs, bufs).
 * bufs[0] holds a struct xen_dm_op; later buffers carry op-specific
 * arrays (e.g. dirty bitmaps, modified_memory extents).
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/hvm/dm_op.h) exactly; this header is our own text.
 * The _t typedefs of the op structs come from later Xen releases.
 *
 * An ioreq server is an emulator for part of a domain's port, MMIO or
 * PCI config space.  The default server is set up through the
 * HVM_PARAM_IOREQ_PFN / BUFIOREQ_* params; others through the ops below.
 */
#ifndef __XEN_PUBLIC_HVM_DM_OP_H__
#define __XEN_PUBLIC_HVM_DM_OP_H__

#include <stddef.h>
#include <stdint.h>

#include "../event_channel.h"
#include "../xen.h"

typedef uint16_t ioservid_t;

/*
 * Create a server.  handle_bufioreq is an HVM_IOREQSRV_BUFIOREQ_*; with
 * _OFF there is no buffered ring and every request is synchronous.
 */
#define XEN_DMOP_create_ioreq_server 1

struct xen_dm_op_create_ioreq_server {
	uint8_t handle_bufioreq; /* IN */
	uint8_t pad[3];
	ioservid_t id; /* OUT */
};
typedef struct xen_dm_op_create_ioreq_server xen_dm_op_create_ioreq_server_t;

/*
 * Where a server's pages live: the frame of its shared_iopage, the frame
 * of its buffered_iopage and the buffered ring's port (both 0 without a
 * buffered ring).  The per-vCPU ports are in the ioreq_t slots.
 */
#define XEN_DMOP_get_ioreq_server_info 2

struct xen_dm_op_get_ioreq_server_info {
	ioservid_t id; /* IN */
	uint16_t pad;
	evtchn_port_t bufioreq_port;   /* OUT */
	uint64_aligned_t ioreq_pfn;    /* OUT */
	uint64_aligned_t bufioreq_pfn; /* OUT */
};
typedef struct xen_dm_op_get_ioreq_server_info
	xen_dm_op_get_ioreq_server_info_t;

/*
 * Claim or release an inclusive range for a server.  A request reaches
 * a server only if it lies wholly inside one of its ranges.
 */
#define XEN_DMOP_map_io_range_to_ioreq_server 3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4

struct xen_dm_op_ioreq_server_range {
	ioservid_t id; /* IN */
	uint16_t pad;
	uint32_t type;               /* IN: XEN_DMOP_IO_RANGE_* */
#define XEN_DMOP_IO_RANGE_PORT 0     /* port I/O */
#define XEN_DMOP_IO_RANGE_MEMORY 1   /* MMIO */
#define XEN_DMOP_IO_RANGE_PCI 2      /* config space, XEN_DMOP_PCI_SBDF */
	uint64_aligned_t start, end; /* IN */
};
typedef struct xen_dm_op_ioreq_server_range xen_dm_op_ioreq_server_range_t;

/* Segment, bus, device, function packed for XEN_DMOP_IO_RANGE_PCI. */
#define XEN_DMOP_PCI_SBDF(s, b, d, f)                                          \
	(((0xffff & (s)) << 16) | ((0xff & (b)) << 8) | ((0x1f & (d)) << 3) |  \
		(0x07 & (f)))

/* Enable or disable a server; it gets no requests while disabled. */
#define XEN_DMOP_set_ioreq_server_state 5

struct xen_dm_op_set_ioreq_server_state {
	ioservid_t id;   /* IN */
	uint8_t enabled; /* IN */
	uint8_t pad;
};
typedef struct xen_dm_op_set_ioreq_server_state
	xen_dm_op_set_ioreq_server_state_t;

/* Destroy a server and drop all its ranges. */
#define XEN_DMOP_destroy_ioreq_server 6

struct xen_dm_op_destroy_ioreq_server {
	ioservid_t id; /* IN */
	uint16_t pad;
};
typedef struct xen_dm_op_destroy_ioreq_server xen_dm_op_destroy_ioreq_server_t;

/* Dirty tracking of nr pages from first_pfn; the bitmap is bufs[1]. */
#define XEN_DMOP_track_dirty_vram 7

struct xen_dm_op_track_dirty_vram {
	uint32_t nr; /* IN */
	uint32_t pad;
	uint64_aligned_t first_pfn; /* IN */
};
typedef struct xen_dm_op_track_dirty_vram xen_dm_op_track_dirty_vram_t;

/* Drive a PCI INTx pin (level 1 = asserted). */
#define XEN_DMOP_set_pci_intx_level 8

struct xen_dm_op_set_pci_intx_level {
	uint16_t domain;           /* IN: PCI segment */
	uint8_t bus, device, intx; /* IN */
	uint8_t level;             /* IN */
};
typedef struct xen_dm_op_set_pci_intx_level xen_dm_op_set_pci_intx_level_t;

/* Drive an ISA IRQ line 0-15 (level 1 = asserted). */
#define XEN_DMOP_set_isa_irq_level 9

struct xen_dm_op_set_isa_irq_level {
	uint8_t isa_irq; /* IN */
	uint8_t level;   /* IN */
};
typedef struct xen_dm_op_set_isa_irq_level xen_dm_op_set_isa_irq_level_t;

/* Route PCI link 0-3 to ISA IRQ 1-15, or 0 to disconnect it. */
#define XEN_DMOP_set_pci_link_route 10

struct xen_dm_op_set_pci_link_route {
	uint8_t link;    /* IN */
	uint8_t isa_irq; /* IN */
};
typedef struct xen_dm_op_set_pci_link_route xen_dm_op_set_pci_link_route_t;

/*
 * Mark pages the emulator wrote as dirty.  bufs[1] holds nr_extents
 * struct xen_dm_op_modified_memory_extent; on failure nr_extents is the
 * failing index + 1.
 */
#define XEN_DMOP_modified_memory 11

struct xen_dm_op_modified_memory {
	uint32_t nr_extents; /* IN/OUT */
	uint32_t opaque;     /* must be 0 (continuation state) */
};
typedef struct xen_dm_op_modified_memory xen_dm_op_modified_memory_t;

struct xen_dm_op_modified_memory_extent {
	uint32_t nr; /* IN: pages */
	uint32_t pad;
	uint64_aligned_t first_pfn; /* IN */
};

/* Set the hvmmem_type_t of nr pages from first_pfn. */
#define XEN_DMOP_set_mem_type 12

struct xen_dm_op_set_mem_type {
	uint32_t nr;       /* IN */
	uint16_t mem_type; /* IN: hvmmem_type_t */
	uint16_t pad;
	uint64_aligned_t first_pfn; /* IN */
};
typedef struct xen_dm_op_set_mem_type xen_dm_op_set_mem_type_t;

/* Queue an event for injection into vCPU vcpuid. */
#define XEN_DMOP_inject_event 13

struct xen_dm_op_inject_event {
	uint32_t vcpuid; /* IN */
	uint8_t vector;  /* IN */
	uint8_t type;    /* IN: XEN_DMOP_EVENT_* (the x86 event types) */
#define XEN_DMOP_EVENT_ext_int 0    /* external interrupt */
#define XEN_DMOP_EVENT_nmi 2        /* NMI */
#define XEN_DMOP_EVENT_hw_exc 3     /* hardware exception */
#define XEN_DMOP_EVENT_sw_int 4     /* INT n */
#define XEN_DMOP_EVENT_pri_sw_exc 5 /* ICEBP */
#define XEN_DMOP_EVENT_sw_exc 6     /* INT3, INTO */
	uint8_t insn_len;           /* IN */
	uint8_t pad0;
	uint32_t error_code; /* IN: ~0 for none */
	uint32_t pad1;
	uint64_aligned_t cr2; /* IN: for #PF */
};
typedef struct xen_dm_op_inject_event xen_dm_op_inject_event_t;

/* Raise an MSI from an emulated device. */
#define XEN_DMOP_inject_msi 14

struct xen_dm_op_inject_msi {
	uint32_t data; /* IN */
	uint32_t pad;
	uint64_aligned_t addr; /* IN: 0xfeexxxxx */
};
typedef struct xen_dm_op_inject_msi xen_dm_op_inject_msi_t;

/*
 * Send accesses to pages of p2m type <type> (only HVMMEM_ioreq_server)
 * to a server; flags 0 unmaps.  Only WRITE is accepted so far.
 */
#define XEN_DMOP_map_mem_type_to_ioreq_server 15

struct xen_dm_op_map_mem_type_to_ioreq_server {
	ioservid_t id;  /* IN */
	uint16_t type;  /* IN: hvmmem_type_t */
	uint32_t flags; /* IN: XEN_DMOP_IOREQ_MEM_ACCESS_* */
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ (1u << 0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE (1u << 1)
	uint64_t opaque; /* must be 0 (continuation state) */
};
typedef struct xen_dm_op_map_mem_type_to_ioreq_server
	xen_dm_op_map_mem_type_to_ioreq_server_t;

struct xen_dm_op {
	uint32_t op; /* XEN_DMOP_* */
	uint32_t pad;
	union {
		struct xen_dm_op_create_ioreq_server create_ioreq_server;
		struct xen_dm_op_get_ioreq_server_info get_ioreq_server_info;
		struct xen_dm_op_ioreq_server_range
			map_io_range_to_ioreq_server;
		struct xen_dm_op_ioreq_server_range
			unmap_io_range_from_ioreq_server;
		struct xen_dm_op_set_ioreq_server_state set_ioreq_server_state;
		struct xen_dm_op_destroy_ioreq_server destroy_ioreq_server;
		struct xen_dm_op_track_dirty_vram track_dirty_vram;
		struct xen_dm_op_set_pci_intx_level set_pci_intx_level;
		struct xen_dm_op_set_isa_irq_level set_isa_irq_level;
		struct xen_dm_op_set_pci_link_route set_pci_link_route;
		struct xen_dm_op_modified_memory modified_memory;
		struct xen_dm_op_set_mem_type set_mem_type;
		struct xen_dm_op_inject_event inject_event;
		struct xen_dm_op_inject_msi inject_msi;
		struct xen_dm_op_map_mem_type_to_ioreq_server
			map_mem_type_to_ioreq_server;
	} u;
};

/* One buffer of a dm_op call. */
struct xen_dm_op_buf {
	XEN_GUEST_HANDLE(void) h;
	xen_ulong_t size;
};
typedef struct xen_dm_op_buf xen_dm_op_buf_t;
DEFINE_XEN_GUEST_HANDLE(xen_dm_op_buf_t);

__extension__ _Static_assert(sizeof(struct xen_dm_op_create_ioreq_server) == 6,
	"xen_dm_op_create_ioreq_server is 6 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op_create_ioreq_server, id) == 4,
	"xen_dm_op_create_ioreq_server.id offset");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op_get_ioreq_server_info) == 24,
	"xen_dm_op_get_ioreq_server_info is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op_get_ioreq_server_info, ioreq_pfn) == 8,
	"xen_dm_op_get_ioreq_server_info.ioreq_pfn offset");
__extension__ _Static_assert(sizeof(struct xen_dm_op_ioreq_server_range) == 24,
	"xen_dm_op_ioreq_server_range is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op_ioreq_server_range, start) == 8,
	"xen_dm_op_ioreq_server_range.start offset");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op_set_ioreq_server_state) == 4,
	"xen_dm_op_set_ioreq_server_state is 4 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_destroy_ioreq_server) == 4,
	"xen_dm_op_destroy_ioreq_server is 4 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_track_dirty_vram) == 16,
	"xen_dm_op_track_dirty_vram is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_set_pci_intx_level) == 6,
	"xen_dm_op_set_pci_intx_level is 6 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_set_isa_irq_level) == 2,
	"xen_dm_op_set_isa_irq_level is 2 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_set_pci_link_route) == 2,
	"xen_dm_op_set_pci_link_route is 2 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_modified_memory) == 8,
	"xen_dm_op_modified_memory is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op_modified_memory_extent) == 16,
	"xen_dm_op_modified_memory_extent is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_set_mem_type) == 16,
	"xen_dm_op_set_mem_type is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_dm_op_inject_event) == 24,
	"xen_dm_op_inject_event is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op_inject_event, error_code) == 8,
	"xen_dm_op_inject_event.error_code offset");
__extension__ _Static_assert(offsetof(struct xen_dm_op_inject_event, cr2) == 16,
	"xen_dm_op_inject_event.cr2 offset");
__extension__ _Static_assert(sizeof(struct xen_dm_op_inject_msi) == 16,
	"xen_dm_op_inject_msi is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server) == 16,
	"xen_dm_op_map_mem_type_to_ioreq_server is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op) == 32, "xen_dm_op is 32 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op, u) == 8, "xen_dm_op.u offset");
__extension__ _Static_assert(
	sizeof(struct xen_dm_op_buf) == 16, "xen_dm_op_buf is 16 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_dm_op_buf, size) == 8, "xen_dm_op_buf.size offset");

#endif /* __XEN_PUBLIC_HVM_DM_OP_H__ */
