/* SPDX-License-Identifier: MIT */
/*
 * Version and build information: HYPERVISOR_xen_version(cmd, arg)
 * sub-commands, their buffers, and the XENFEAT_* feature bits reported by
 * XENVER_get_features.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/version.h and features.h) exactly; this header is
 * our own text.  Ops return 0 on success except XENVER_version,
 * XENVER_pagesize and XENVER_build_id, which return a value.
 */
#ifndef __XEN_PUBLIC_VERSION_H__
#define __XEN_PUBLIC_VERSION_H__

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

/* arg: NULL; returns (major << 16) | minor. */
#define XENVER_version 0

/* arg: xen_extraversion_t, e.g. ".0" or "-rc". */
#define XENVER_extraversion 1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

/* arg: struct xen_compile_info. */
#define XENVER_compile_info 2
struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

/* arg: xen_capabilities_info_t, e.g. "xen-3.0-x86_64 hvm-3.0-x86_64". */
#define XENVER_capabilities 3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

/* arg: xen_changeset_info_t. */
#define XENVER_changeset 4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

/* arg: struct xen_platform_parameters; virt_start is the Xen hole. */
#define XENVER_platform_parameters 5
struct xen_platform_parameters {
	xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

/* arg: struct xen_feature_info; one 32-bit word of XENFEAT_* bits. */
#define XENVER_get_features 6
struct xen_feature_info {
	unsigned int submap_idx; /* IN: which word */
	uint32_t submap;         /* OUT */
};
typedef struct xen_feature_info xen_feature_info_t;

/* arg: NULL; returns the page size. */
#define XENVER_pagesize 7

/* arg: xen_domain_handle_t; the caller's UUID as set by the toolstack. */
#define XENVER_guest_handle 8

/* arg: xen_commandline_t; Xen's own command line. */
#define XENVER_commandline 9
typedef char xen_commandline_t[1024];

/*
 * arg: struct xen_build_id with len = room in buf; returns the bytes
 * written, or with a NULL arg the size needed.
 */
#define XENVER_build_id 10
struct xen_build_id {
	uint32_t len;
	unsigned char buf[];
};
typedef struct xen_build_id xen_build_id_t;

/*
 * Feature bits for XENVER_get_features.  Xen keeps these in features.h;
 * the guard below lets such a header coexist with this one.
 */
#ifndef __XEN_PUBLIC_FEATURES_H__
#define __XEN_PUBLIC_FEATURES_H__

#define XENFEAT_writable_page_tables 0       /* PV: PTEs writable directly */
#define XENFEAT_writable_descriptor_tables 1 /* PV: GDT/LDT writable */
#define XENFEAT_auto_translated_physmap 2    /* Xen translates GPFNs */
#define XENFEAT_supervisor_mode_kernel 3     /* kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb 4        /* PAE L3 may be above 4GiB */
#define XENFEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD */
#define XENFEAT_highmem_assist 6             /* MMUEXT_{CLEAR,COPY}_PAGE */
#define XENFEAT_gnttab_map_avail_bits 7      /* GNTMAP_guest_avail_mask */
#define XENFEAT_hvm_callback_vector 8        /* HVM: vector callback */
#define XENFEAT_hvm_safe_pvclock 9           /* HVM: pvclock is safe */
#define XENFEAT_hvm_pirqs 10                 /* HVM: PIRQs over evtchns */
#define XENFEAT_dom0 11                      /* running as dom0 is supported */
/* 12 was XENFEAT_grant_map_identity: deprecated, left undefined. */
#define XENFEAT_memory_op_vnode_supported 13 /* XENMEMF_vnode works */

#define XENFEAT_NR_SUBMAPS 1

#endif /* __XEN_PUBLIC_FEATURES_H__ */

__extension__ _Static_assert(sizeof(struct xen_compile_info) == 144,
	"xen_compile_info is 144 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_compile_info, compile_date) == 112,
	"xen_compile_info.compile_date offset");
__extension__ _Static_assert(
	sizeof(xen_extraversion_t) == 16, "xen_extraversion_t is 16 bytes");
__extension__ _Static_assert(sizeof(xen_capabilities_info_t) == 1024,
	"xen_capabilities_info_t is 1024 bytes");
__extension__ _Static_assert(
	sizeof(xen_changeset_info_t) == 64, "xen_changeset_info_t is 64 bytes");
__extension__ _Static_assert(sizeof(struct xen_platform_parameters) == 8,
	"xen_platform_parameters is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_feature_info) == 8, "xen_feature_info is 8 bytes");
__extension__ _Static_assert(
	sizeof(xen_commandline_t) == 1024, "xen_commandline_t is 1024 bytes");
__extension__ _Static_assert(
	sizeof(struct xen_build_id) == 4, "xen_build_id header is 4 bytes");
__extension__ _Static_assert(
	offsetof(struct xen_build_id, buf) == 4, "xen_build_id.buf offset");

#endif /* __XEN_PUBLIC_VERSION_H__ */
