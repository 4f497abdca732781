/* SPDX-License-Identifier: MIT */
/*
 * System control (toolstack only): HYPERVISOR_sysctl(struct xen_sysctl *).
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/sysctl.h, interface version 0x0000000F) exactly;
 * this header is our own text.  It is a subset: every XEN_SYSCTL_* number
 * is listed, but only the argument structs below are described.  The
 * union is padded to 128 bytes as in Xen, so the struct size is exact.
 */
#ifndef __XEN_PUBLIC_SYSCTL_H__
#define __XEN_PUBLIC_SYSCTL_H__

#include <stddef.h>
#include <stdint.h>

#include "domctl.h"
#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x0000000F

/* XEN_SYSCTL_readconsole: copy out (and optionally clear) Xen's log. */
struct xen_sysctl_readconsole {
	uint8_t clear;       /* IN: clear the ring after reading */
	uint8_t incremental; /* IN: start at index, not at the oldest byte */
	uint8_t pad0, pad1;
	uint32_t index; /* IN: start; OUT: where reading ended */
	XEN_GUEST_HANDLE_64(char) buffer; /* IN */
	uint32_t count;                   /* IN: buffer size; OUT: bytes */
};
typedef struct xen_sysctl_readconsole xen_sysctl_readconsole_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_readconsole_t);

/* XEN_SYSCTL_physinfo: the host's CPUs and memory. */
#define _XEN_SYSCTL_PHYSCAP_hvm 0
#define XEN_SYSCTL_PHYSCAP_hvm (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_hvm_directio 1
#define XEN_SYSCTL_PHYSCAP_hvm_directio (1u << _XEN_SYSCTL_PHYSCAP_hvm_directio)
struct xen_sysctl_physinfo {
	uint32_t threads_per_core;
	uint32_t cores_per_socket;
	uint32_t nr_cpus;     /* online */
	uint32_t max_cpu_id;  /* highest possible */
	uint32_t nr_nodes;    /* online */
	uint32_t max_node_id; /* highest possible */
	uint32_t cpu_khz;
	uint64_aligned_t total_pages;
	uint64_aligned_t free_pages;
	uint64_aligned_t scrub_pages;
	uint64_aligned_t outstanding_pages;
	uint32_t hw_cap[8];
	uint32_t capabilities; /* XEN_SYSCTL_PHYSCAP_* */
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_physinfo_t);

/* XEN_SYSCTL_sched_id: the XEN_SCHEDULER_* in use. */
struct xen_sysctl_sched_id {
	uint32_t sched_id; /* OUT */
};
typedef struct xen_sysctl_sched_id xen_sysctl_sched_id_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_sched_id_t);

/*
 * XEN_SYSCTL_getdomaininfolist: getdomaininfo records for up to
 * max_domains domains with id >= first_domain, in id order.
 */
struct xen_sysctl_getdomaininfolist {
	domid_t first_domain;                                   /* IN */
	uint32_t max_domains;                                   /* IN */
	XEN_GUEST_HANDLE_64(xen_domctl_getdomaininfo_t) buffer; /* IN */
	uint32_t num_domains;                                   /* OUT */
};
typedef struct xen_sysctl_getdomaininfolist xen_sysctl_getdomaininfolist_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_getdomaininfolist_t);

/* XEN_SYSCTL_debug_keys: act as if the keys were typed on Xen's console. */
struct xen_sysctl_debug_keys {
	XEN_GUEST_HANDLE_64(char) keys; /* IN */
	uint32_t nr_keys;               /* IN */
};
typedef struct xen_sysctl_debug_keys xen_sysctl_debug_keys_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_debug_keys_t);

struct xen_sysctl {
	uint32_t cmd;
#define XEN_SYSCTL_readconsole 1
#define XEN_SYSCTL_tbuf_op 2
#define XEN_SYSCTL_physinfo 3
#define XEN_SYSCTL_sched_id 4
#define XEN_SYSCTL_perfc_op 5
#define XEN_SYSCTL_getdomaininfolist 6
#define XEN_SYSCTL_debug_keys 7
#define XEN_SYSCTL_getcpuinfo 8
#define XEN_SYSCTL_availheap 9
#define XEN_SYSCTL_get_pmstat 10
#define XEN_SYSCTL_cpu_hotplug 11
#define XEN_SYSCTL_pm_op 12
#define XEN_SYSCTL_page_offline_op 14
#define XEN_SYSCTL_lockprof_op 15
#define XEN_SYSCTL_cputopoinfo 16
#define XEN_SYSCTL_numainfo 17
#define XEN_SYSCTL_cpupool_op 18
#define XEN_SYSCTL_scheduler_op 19
#define XEN_SYSCTL_gcov_op 20
#define XEN_SYSCTL_psr_cmt_op 21
#define XEN_SYSCTL_pcitopoinfo 22
#define XEN_SYSCTL_psr_cat_op 23
#define XEN_SYSCTL_tmem_op 24
#define XEN_SYSCTL_get_cpu_levelling_caps 25
#define XEN_SYSCTL_get_cpu_featureset 26
#define XEN_SYSCTL_livepatch_op 27
	uint32_t interface_version; /* XEN_SYSCTL_INTERFACE_VERSION */
	union {
		struct xen_sysctl_readconsole readconsole;
		struct xen_sysctl_physinfo physinfo;
		struct xen_sysctl_sched_id sched_id;
		struct xen_sysctl_getdomaininfolist getdomaininfolist;
		struct xen_sysctl_debug_keys debug_keys;
		uint8_t pad[128];
	} u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

__extension__ _Static_assert(sizeof(struct xen_sysctl_readconsole) == 24,
	"xen_sysctl_readconsole is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_readconsole, buffer) == 8,
	"xen_sysctl_readconsole.buffer offset");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_readconsole, count) == 16,
	"xen_sysctl_readconsole.count offset");
__extension__ _Static_assert(sizeof(struct xen_sysctl_physinfo) == 104,
	"xen_sysctl_physinfo is 104 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_physinfo, total_pages) == 32,
	"xen_sysctl_physinfo.total_pages offset");
__extension__ _Static_assert(offsetof(struct xen_sysctl_physinfo, hw_cap) == 64,
	"xen_sysctl_physinfo.hw_cap offset");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_physinfo, capabilities) == 96,
	"xen_sysctl_physinfo.capabilities offset");
__extension__ _Static_assert(sizeof(struct xen_sysctl_sched_id) == 4,
	"xen_sysctl_sched_id is 4 bytes");
__extension__ _Static_assert(sizeof(struct xen_sysctl_getdomaininfolist) == 24,
	"xen_sysctl_getdomaininfolist is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_getdomaininfolist, max_domains) == 4,
	"xen_sysctl_getdomaininfolist.max_domains offset");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_getdomaininfolist, buffer) == 8,
	"xen_sysctl_getdomaininfolist.buffer offset");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl_getdomaininfolist, num_domains) == 16,
	"xen_sysctl_getdomaininfolist.num_domains offset");
__extension__ _Static_assert(sizeof(struct xen_sysctl_debug_keys) == 16,
	"xen_sysctl_debug_keys is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_sysctl) == 136, "xen_sysctl is 136 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_sysctl, u) == 8, "xen_sysctl.u offset");

#endif /* __XEN_PUBLIC_SYSCTL_H__ */
