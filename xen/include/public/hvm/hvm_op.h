/* SPDX-License-Identifier: MIT */
/*
 * HVM control: HYPERVISOR_hvm_op(cmd, arg) sub-commands and their
 * argument structs.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/hvm/hvm_op.h, interface 0x00040900) exactly; this
 * header is our own text.  Ops 2-4 (IRQ levels, PCI link routes) moved
 * to XEN_DMOP_* in 4.9 and are not described here.
 */
#ifndef __XEN_PUBLIC_HVM_HVM_OP_H__
#define __XEN_PUBLIC_HVM_HVM_OP_H__

#include <stddef.h>
#include <stdint.h>

#include "../event_channel.h"
#include "../xen.h"

/* Read or write one HVM_PARAM_* of a domain. */
#define HVMOP_set_param 0
#define HVMOP_get_param 1
struct xen_hvm_param {
	domid_t domid;  /* IN */
	uint32_t index; /* IN: HVM_PARAM_* */
	uint64_t value; /* IN for set, OUT for get */
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);

/* Flush every vCPU's TLB (arg: NULL). */
#define HVMOP_flush_tlbs 5

/* p2m types visible through get_mem_type / XEN_DMOP_set_mem_type. */
typedef enum {
	HVMMEM_ram_rw,       /* ordinary RAM */
	HVMMEM_ram_ro,       /* RAM, writes dropped */
	HVMMEM_mmio_dm,      /* all accesses go to the device model */
	HVMMEM_unused,       /* placeholder; cannot be set */
	HVMMEM_ioreq_server, /* claimed by an ioreq server (from ram_rw) */
} hvmmem_type_t;

/* A PV driver tells Xen a top-level page table is about to go away. */
#define HVMOP_pagetable_dying 9
struct xen_hvm_pagetable_dying {
	domid_t domid;
	uint16_t pad[3];
	uint64_t gpa; /* guest physical address of the top-level table */
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_pagetable_dying_t);

/* Xen system time in ns since boot. */
#define HVMOP_get_time 10
struct xen_hvm_get_time {
	uint64_t now; /* OUT */
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_time_t);

/* Emit a trace record; extra holds up to 7 32-bit words. */
#define HVMOP_xentrace 11
struct xen_hvm_xentrace {
	uint16_t event, extra_bytes;
	uint8_t extra[7 * sizeof(uint32_t)];
};
typedef struct xen_hvm_xentrace xen_hvm_xentrace_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_xentrace_t);

/* Deprecated in favour of XENMEM_access_op. */
#define HVMOP_set_mem_access 12
#define HVMOP_get_mem_access 13

/* The hvmmem_type_t of one pfn. */
#define HVMOP_get_mem_type 15
struct xen_hvm_get_mem_type {
	domid_t domid;     /* IN */
	uint16_t mem_type; /* OUT: hvmmem_type_t */
	uint16_t pad[2];
	uint64_t pfn; /* IN */
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_get_mem_type_t);

/* handle_bufioreq values of XEN_DMOP_create_ioreq_server. */
#define HVM_IOREQSRV_BUFIOREQ_OFF 0
#define HVM_IOREQSRV_BUFIOREQ_LEGACY 1
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC 2 /* pointers updated as one 64-bit op */

/* Deliver event channel upcalls for <vcpu> on a LAPIC vector. */
#define HVMOP_set_evtchn_upcall_vector 23
struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_evtchn_upcall_vector_t);

/* Raise a vm_event to the monitor (arg: NULL). */
#define HVMOP_guest_request_vm_event 24

/* Alternate p2m views. */
#define HVMOP_altp2m 25
#define HVMOP_ALTP2M_INTERFACE_VERSION 0x00000001

struct xen_hvm_altp2m_domain_state {
	uint8_t state; /* IN/OUT: on or off */
};
typedef struct xen_hvm_altp2m_domain_state xen_hvm_altp2m_domain_state_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_domain_state_t);

struct xen_hvm_altp2m_vcpu_enable_notify {
	uint32_t vcpu_id;
	uint32_t pad;
	uint64_t gfn; /* #VE information page */
};
typedef struct xen_hvm_altp2m_vcpu_enable_notify
	xen_hvm_altp2m_vcpu_enable_notify_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_vcpu_enable_notify_t);

struct xen_hvm_altp2m_view {
	uint16_t view;                  /* IN/OUT */
	uint16_t hvmmem_default_access; /* xenmem_access_t; ignored */
};
typedef struct xen_hvm_altp2m_view xen_hvm_altp2m_view_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_view_t);

struct xen_hvm_altp2m_set_mem_access {
	uint16_t view;
	uint16_t hvmmem_access; /* xenmem_access_t */
	uint32_t pad;
	uint64_t gfn;
};
typedef struct xen_hvm_altp2m_set_mem_access xen_hvm_altp2m_set_mem_access_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_set_mem_access_t);

struct xen_hvm_altp2m_change_gfn {
	uint16_t view;
	uint16_t pad1;
	uint32_t pad2;
	uint64_t old_gfn;
	uint64_t new_gfn; /* ~0: restore the original mapping */
};
typedef struct xen_hvm_altp2m_change_gfn xen_hvm_altp2m_change_gfn_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_change_gfn_t);

struct xen_hvm_altp2m_op {
	uint32_t version; /* HVMOP_ALTP2M_INTERFACE_VERSION */
	uint32_t cmd;
#define HVMOP_altp2m_get_domain_state 1
#define HVMOP_altp2m_set_domain_state 2
#define HVMOP_altp2m_vcpu_enable_notify 3
#define HVMOP_altp2m_create_p2m 4
#define HVMOP_altp2m_destroy_p2m 5
#define HVMOP_altp2m_switch_p2m 6
#define HVMOP_altp2m_set_mem_access 7
#define HVMOP_altp2m_change_gfn 8
	domid_t domain;
	uint16_t pad1;
	uint32_t pad2;
	union {
		struct xen_hvm_altp2m_domain_state domain_state;
		struct xen_hvm_altp2m_vcpu_enable_notify enable_notify;
		struct xen_hvm_altp2m_view view;
		struct xen_hvm_altp2m_set_mem_access set_mem_access;
		struct xen_hvm_altp2m_change_gfn change_gfn;
		uint8_t pad[64];
	} u;
};
typedef struct xen_hvm_altp2m_op xen_hvm_altp2m_op_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_altp2m_op_t);

__extension__ _Static_assert(
	sizeof(struct xen_hvm_param) == 16, "xen_hvm_param is 16 bytes");
__extension__ _Static_assert(offsetof(struct xen_hvm_param, index) == 4,
	"xen_hvm_param.index offset");
__extension__ _Static_assert(offsetof(struct xen_hvm_param, value) == 8,
	"xen_hvm_param.value offset");
__extension__ _Static_assert(sizeof(struct xen_hvm_pagetable_dying) == 16,
	"xen_hvm_pagetable_dying is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_hvm_get_time) == 8, "xen_hvm_get_time is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_hvm_xentrace) == 32, "xen_hvm_xentrace is 32 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_get_mem_type) == 16,
	"xen_hvm_get_mem_type is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8,
	"xen_hvm_evtchn_upcall_vector is 8 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_altp2m_domain_state) == 1,
	"xen_hvm_altp2m_domain_state is 1 byte");
__extension__ _Static_assert(
	sizeof(struct xen_hvm_altp2m_vcpu_enable_notify) == 16,
	"xen_hvm_altp2m_vcpu_enable_notify is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_altp2m_view) == 4,
	"xen_hvm_altp2m_view is 4 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_altp2m_set_mem_access) == 16,
	"xen_hvm_altp2m_set_mem_access is 16 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_altp2m_change_gfn) == 24,
	"xen_hvm_altp2m_change_gfn is 24 bytes");
__extension__ _Static_assert(sizeof(struct xen_hvm_altp2m_op) == 80,
	"xen_hvm_altp2m_op is 80 bytes");
__extension__ _Static_assert(offsetof(struct xen_hvm_altp2m_op, u) == 16,
	"xen_hvm_altp2m_op.u offset");

#endif /* __XEN_PUBLIC_HVM_HVM_OP_H__ */
