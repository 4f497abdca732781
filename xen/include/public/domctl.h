/* SPDX-License-Identifier: MIT */
/*
 * Domain control (toolstack only): HYPERVISOR_domctl(struct xen_domctl *).
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/domctl.h, interface version 0x0000000d) exactly;
 * this header is our own text.  It is a subset: every XEN_DOMCTL_* number
 * is listed, but only the argument structs below are described.  The
 * union is padded to 128 bytes as in Xen, so the struct size is exact.
 */
#ifndef __XEN_PUBLIC_DOMCTL_H__
#define __XEN_PUBLIC_DOMCTL_H__

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION 0x0000000d

/*
 * XEN_DOMCTL_createdomain.  xen_domctl.domain is IN/OUT: 0 asks Xen to
 * pick the id.
 */
struct xen_domctl_createdomain {
	uint32_t ssidref;
	xen_domain_handle_t handle;
#define _XEN_DOMCTL_CDF_hvm_guest 0
#define XEN_DOMCTL_CDF_hvm_guest (1U << _XEN_DOMCTL_CDF_hvm_guest) /* HVM */
#define _XEN_DOMCTL_CDF_hap 1
#define XEN_DOMCTL_CDF_hap                                                     \
	(1U << _XEN_DOMCTL_CDF_hap) /* use HAP if possible                     \
				     */
#define _XEN_DOMCTL_CDF_s3_integrity 2
#define XEN_DOMCTL_CDF_s3_integrity (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off 3
#define XEN_DOMCTL_CDF_oos_off (1U << _XEN_DOMCTL_CDF_oos_off)
#define _XEN_DOMCTL_CDF_xs_domain 4
#define XEN_DOMCTL_CDF_xs_domain (1U << _XEN_DOMCTL_CDF_xs_domain)
	uint32_t flags; /* XEN_DOMCTL_CDF_* */
	struct xen_arch_domainconfig config;
};
typedef struct xen_domctl_createdomain xen_domctl_createdomain_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_createdomain_t);

/* XEN_DOMCTL_getdomaininfo: the first domain with id >= domctl.domain. */
struct xen_domctl_getdomaininfo {
	domid_t domain; /* also written to domctl.domain */
#define _XEN_DOMINF_dying 0
#define XEN_DOMINF_dying (1U << _XEN_DOMINF_dying) /* being destroyed */
#define _XEN_DOMINF_hvm_guest 1
#define XEN_DOMINF_hvm_guest (1U << _XEN_DOMINF_hvm_guest) /* HVM guest */
#define _XEN_DOMINF_shutdown 2
#define XEN_DOMINF_shutdown (1U << _XEN_DOMINF_shutdown) /* has shut down */
#define _XEN_DOMINF_paused 3
#define XEN_DOMINF_paused (1U << _XEN_DOMINF_paused) /* paused by tools */
#define _XEN_DOMINF_blocked 4
#define XEN_DOMINF_blocked                                                     \
	(1U << _XEN_DOMINF_blocked) /* waiting for events                      \
				     */
#define _XEN_DOMINF_running 5
#define XEN_DOMINF_running (1U << _XEN_DOMINF_running) /* on a CPU now */
#define _XEN_DOMINF_debugged 6
#define XEN_DOMINF_debugged                                                    \
	(1U << _XEN_DOMINF_debugged) /* under a debugger                       \
				      */
#define _XEN_DOMINF_xs_domain 7
#define XEN_DOMINF_xs_domain                                                   \
	(1U << _XEN_DOMINF_xs_domain) /* xenstore domain                       \
				       */
#define _XEN_DOMINF_hap 8
#define XEN_DOMINF_hap (1U << _XEN_DOMINF_hap) /* uses HAP */
/* Bits 16-23: the SHUTDOWN_* reason once XEN_DOMINF_shutdown is set. */
#define XEN_DOMINF_shutdownmask 255
#define XEN_DOMINF_shutdownshift 16
	uint32_t flags; /* XEN_DOMINF_* */
	uint64_aligned_t tot_pages;
	uint64_aligned_t max_pages;
	uint64_aligned_t outstanding_pages;
	uint64_aligned_t shr_pages;
	uint64_aligned_t paged_pages;
	uint64_aligned_t shared_info_frame; /* GMFN of the shared info page */
	uint64_aligned_t cpu_time;          /* ns */
	uint32_t nr_online_vcpus;
#define XEN_INVALID_MAX_VCPU_ID (~0U) /* the domain has no vCPUs */
	uint32_t max_vcpu_id;
	uint32_t ssidref;
	xen_domain_handle_t handle;
	uint32_t cpupool;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_setvcpuaffinity / XEN_DOMCTL_getvcpuaffinity */
struct xen_domctl_vcpuaffinity {
	uint32_t vcpu; /* IN */
#define _XEN_VCPUAFFINITY_HARD 0
#define XEN_VCPUAFFINITY_HARD (1U << _XEN_VCPUAFFINITY_HARD)
#define _XEN_VCPUAFFINITY_SOFT 1
#define XEN_VCPUAFFINITY_SOFT (1U << _XEN_VCPUAFFINITY_SOFT)
#define _XEN_VCPUAFFINITY_FORCE 2 /* also undo SCHEDOP_pin_override */
#define XEN_VCPUAFFINITY_FORCE (1U << _XEN_VCPUAFFINITY_FORCE)
	uint32_t flags; /* IN */
	/* set: IN, then OUT the effective masks; get: OUT. */
	struct xenctl_bitmap cpumap_hard;
	struct xenctl_bitmap cpumap_soft;
};
typedef struct xen_domctl_vcpuaffinity xen_domctl_vcpuaffinity_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_vcpuaffinity_t);

/* XEN_DOMCTL_max_mem */
struct xen_domctl_max_mem {
	uint64_aligned_t max_memkb; /* IN */
};
typedef struct xen_domctl_max_mem xen_domctl_max_mem_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_max_mem_t);

/* XEN_DOMCTL_max_vcpus */
struct xen_domctl_max_vcpus {
	uint32_t max;
};
typedef struct xen_domctl_max_vcpus xen_domctl_max_vcpus_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_max_vcpus_t);

/* XEN_DOMCTL_setdomainhandle */
struct xen_domctl_setdomainhandle {
	xen_domain_handle_t handle;
};
typedef struct xen_domctl_setdomainhandle xen_domctl_setdomainhandle_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_setdomainhandle_t);

struct xen_domctl {
	uint32_t cmd;
#define XEN_DOMCTL_createdomain 1
#define XEN_DOMCTL_destroydomain 2
#define XEN_DOMCTL_pausedomain 3
#define XEN_DOMCTL_unpausedomain 4
#define XEN_DOMCTL_getdomaininfo 5
#define XEN_DOMCTL_getmemlist 6
/* 7 and 8 were getpageframeinfo and getpageframeinfo2 */
#define XEN_DOMCTL_setvcpuaffinity 9
#define XEN_DOMCTL_shadow_op 10
#define XEN_DOMCTL_max_mem 11
#define XEN_DOMCTL_setvcpucontext 12
#define XEN_DOMCTL_getvcpucontext 13
#define XEN_DOMCTL_getvcpuinfo 14
#define XEN_DOMCTL_max_vcpus 15
#define XEN_DOMCTL_scheduler_op 16
#define XEN_DOMCTL_setdomainhandle 17
#define XEN_DOMCTL_setdebugging 18
#define XEN_DOMCTL_irq_permission 19
#define XEN_DOMCTL_iomem_permission 20
#define XEN_DOMCTL_ioport_permission 21
#define XEN_DOMCTL_hypercall_init 22
#define XEN_DOMCTL_arch_setup 23 /* obsolete (IA64) */
#define XEN_DOMCTL_settimeoffset 24
#define XEN_DOMCTL_getvcpuaffinity 25
#define XEN_DOMCTL_real_mode_area 26 /* obsolete (PPC) */
#define XEN_DOMCTL_resumedomain 27
#define XEN_DOMCTL_sendtrigger 28
#define XEN_DOMCTL_subscribe 29
#define XEN_DOMCTL_gethvmcontext 33
#define XEN_DOMCTL_sethvmcontext 34
#define XEN_DOMCTL_set_address_size 35
#define XEN_DOMCTL_get_address_size 36
#define XEN_DOMCTL_assign_device 37
#define XEN_DOMCTL_bind_pt_irq 38
#define XEN_DOMCTL_memory_mapping 39
#define XEN_DOMCTL_ioport_mapping 40
#define XEN_DOMCTL_pin_mem_cacheattr 41
#define XEN_DOMCTL_set_ext_vcpucontext 42
#define XEN_DOMCTL_get_ext_vcpucontext 43
#define XEN_DOMCTL_set_opt_feature 44 /* obsolete (IA64) */
#define XEN_DOMCTL_test_assign_device 45
#define XEN_DOMCTL_set_target 46
#define XEN_DOMCTL_deassign_device 47
#define XEN_DOMCTL_unbind_pt_irq 48
#define XEN_DOMCTL_set_cpuid 49
#define XEN_DOMCTL_get_device_group 50
#define XEN_DOMCTL_set_machine_address_size 51
#define XEN_DOMCTL_get_machine_address_size 52
#define XEN_DOMCTL_suppress_spurious_page_faults 53
#define XEN_DOMCTL_debug_op 54
#define XEN_DOMCTL_gethvmcontext_partial 55
#define XEN_DOMCTL_vm_event_op 56
#define XEN_DOMCTL_mem_sharing_op 57
#define XEN_DOMCTL_disable_migrate 58
#define XEN_DOMCTL_gettscinfo 59
#define XEN_DOMCTL_settscinfo 60
#define XEN_DOMCTL_getpageframeinfo3 61
#define XEN_DOMCTL_setvcpuextstate 62
#define XEN_DOMCTL_getvcpuextstate 63
#define XEN_DOMCTL_set_access_required 64
#define XEN_DOMCTL_audit_p2m 65
#define XEN_DOMCTL_set_virq_handler 66
#define XEN_DOMCTL_set_broken_page_p2m 67
#define XEN_DOMCTL_setnodeaffinity 68
#define XEN_DOMCTL_getnodeaffinity 69
#define XEN_DOMCTL_set_max_evtchn 70
#define XEN_DOMCTL_cacheflush 71
#define XEN_DOMCTL_get_vcpu_msrs 72
#define XEN_DOMCTL_set_vcpu_msrs 73
#define XEN_DOMCTL_setvnumainfo 74
#define XEN_DOMCTL_psr_cmt_op 75
#define XEN_DOMCTL_monitor_op 77
#define XEN_DOMCTL_psr_cat_op 78
#define XEN_DOMCTL_soft_reset 79
#define XEN_DOMCTL_gdbsx_guestmemio 1000
#define XEN_DOMCTL_gdbsx_pausevcpu 1001
#define XEN_DOMCTL_gdbsx_unpausevcpu 1002
#define XEN_DOMCTL_gdbsx_domstatus 1003
	uint32_t interface_version; /* XEN_DOMCTL_INTERFACE_VERSION */
	domid_t domain;
	union {
		struct xen_domctl_createdomain createdomain;
		struct xen_domctl_getdomaininfo getdomaininfo;
		struct xen_domctl_vcpuaffinity vcpuaffinity;
		struct xen_domctl_max_mem max_mem;
		struct xen_domctl_max_vcpus max_vcpus;
		struct xen_domctl_setdomainhandle setdomainhandle;
		uint8_t pad[128];
	} u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

__extension__ _Static_assert(sizeof(struct xen_domctl_createdomain) == 28,
	"xen_domctl_createdomain is 28 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_createdomain, flags) == 20,
	"xen_domctl_createdomain.flags offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_createdomain, config) == 24,
	"xen_domctl_createdomain.config offset");
__extension__ _Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 96,
	"xen_domctl_getdomaininfo is 96 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, flags) == 4,
	"xen_domctl_getdomaininfo.flags offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8,
	"xen_domctl_getdomaininfo.tot_pages offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, shared_info_frame) == 48,
	"xen_domctl_getdomaininfo.shared_info_frame offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, cpu_time) == 56,
	"xen_domctl_getdomaininfo.cpu_time offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, nr_online_vcpus) == 64,
	"xen_domctl_getdomaininfo.nr_online_vcpus offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, handle) == 76,
	"xen_domctl_getdomaininfo.handle offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl_getdomaininfo, cpupool) == 92,
	"xen_domctl_getdomaininfo.cpupool offset");
__extension__ _Static_assert(sizeof(struct xen_domctl_vcpuaffinity) == 40,
	"xen_domctl_vcpuaffinity is 40 bytes");
__extension__ _Static_assert(sizeof(struct xen_domctl_max_mem) == 8,
	"xen_domctl_max_mem is 8 bytes");
__extension__ _Static_assert(sizeof(struct xen_domctl_max_vcpus) == 4,
	"xen_domctl_max_vcpus is 4 bytes");
__extension__ _Static_assert(sizeof(struct xen_domctl_setdomainhandle) == 16,
	"xen_domctl_setdomainhandle is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_domctl) == 144, "xen_domctl is 144 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_domctl, domain) == 8, "xen_domctl.domain offset");
__extension__ _Static_assert(
	offsetof(struct xen_domctl, u) == 16, "xen_domctl.u offset");

#endif /* __XEN_PUBLIC_DOMCTL_H__ */
