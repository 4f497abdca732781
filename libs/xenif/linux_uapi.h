/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Linux Xen drivers' user interface as the xenif Linux backend uses it:
 * ioctl numbers and argument structures of /dev/xen/evtchn, /dev/xen/gntdev,
 * /dev/xen/gntalloc and /dev/xen/privcmd.
 *
 * Our own text. The numbers and layouts are those of the kernel's uapi
 * headers (include/uapi/xen/{evtchn,gntdev,gntalloc,privcmd}.h); every name
 * carries a XENIF_ / xenif_ prefix so that this header and the system ones
 * can be compiled together (tests/libs/test_linux_uapi.c compares them).
 * The layouts below are those of a 64-bit (LP64) build.
 */
#ifndef LIBS_XENIF_LINUX_UAPI_H
#define LIBS_XENIF_LINUX_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#if UINTPTR_MAX != UINT64_MAX
#error "linux_uapi.h describes the 64-bit (LP64) layouts only"
#endif

/* The frame number type of privcmd's batch maps (the kernel's xen_pfn_t). */
#if defined(__x86_64__) || defined(__i386__)
typedef unsigned long xenif_linux_pfn_t;
#else
typedef uint64_t xenif_linux_pfn_t;
#endif

/* ---- /dev/xen/evtchn ('E') ------------------------------------------
 * Bind ioctls return the local port; read() gives pending ports as 32-bit
 * numbers, each masked until written back.
 */
struct xenif_ioctl_evtchn_bind_virq {
	uint32_t virq;
};
_Static_assert(sizeof(struct xenif_ioctl_evtchn_bind_virq) == 4,
	"evtchn_bind_virq layout");
#define XENIF_IOCTL_EVTCHN_BIND_VIRQ                                           \
	_IOC(_IOC_NONE, 'E', 0, sizeof(struct xenif_ioctl_evtchn_bind_virq))

struct xenif_ioctl_evtchn_bind_interdomain {
	uint32_t remote_domain;
	uint32_t remote_port;
};
_Static_assert(sizeof(struct xenif_ioctl_evtchn_bind_interdomain) == 8,
	"evtchn_bind_interdomain layout");
#define XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN                                    \
	_IOC(_IOC_NONE, 'E', 1,                                                \
		sizeof(struct xenif_ioctl_evtchn_bind_interdomain))

struct xenif_ioctl_evtchn_bind_unbound_port {
	uint32_t remote_domain;
};
_Static_assert(sizeof(struct xenif_ioctl_evtchn_bind_unbound_port) == 4,
	"evtchn_bind_unbound_port layout");
#define XENIF_IOCTL_EVTCHN_BIND_UNBOUND_PORT                                   \
	_IOC(_IOC_NONE, 'E', 2,                                                \
		sizeof(struct xenif_ioctl_evtchn_bind_unbound_port))

struct xenif_ioctl_evtchn_unbind {
	uint32_t port;
};
_Static_assert(
	sizeof(struct xenif_ioctl_evtchn_unbind) == 4, "evtchn_unbind layout");
#define XENIF_IOCTL_EVTCHN_UNBIND                                              \
	_IOC(_IOC_NONE, 'E', 3, sizeof(struct xenif_ioctl_evtchn_unbind))

struct xenif_ioctl_evtchn_notify {
	uint32_t port;
};
_Static_assert(
	sizeof(struct xenif_ioctl_evtchn_notify) == 4, "evtchn_notify layout");
#define XENIF_IOCTL_EVTCHN_NOTIFY                                              \
	_IOC(_IOC_NONE, 'E', 4, sizeof(struct xenif_ioctl_evtchn_notify))

/* Empty the pending-port ring and clear its overflow error. */
#define XENIF_IOCTL_EVTCHN_RESET _IOC(_IOC_NONE, 'E', 5, 0)

struct xenif_ioctl_evtchn_restrict_domid {
	uint16_t domid;
};
_Static_assert(sizeof(struct xenif_ioctl_evtchn_restrict_domid) == 2,
	"evtchn_restrict_domid layout");
#define XENIF_IOCTL_EVTCHN_RESTRICT_DOMID                                      \
	_IOC(_IOC_NONE, 'E', 6,                                                \
		sizeof(struct xenif_ioctl_evtchn_restrict_domid))

/* ---- /dev/xen/gntdev ('G') ------------------------------------------ */
struct xenif_ioctl_gntdev_grant_ref {
	uint32_t domid;
	uint32_t ref;
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_grant_ref) == 8,
	"gntdev_grant_ref layout");

/*
 * In: count and refs[count] (the structure is allocated with room for
 * count entries); out: index, the mmap() offset of the mapping.
 */
struct xenif_ioctl_gntdev_map_grant_ref {
	uint32_t count;
	uint32_t pad;
	uint64_t index;
	struct xenif_ioctl_gntdev_grant_ref refs[1];
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_map_grant_ref) == 24,
	"gntdev_map_grant_ref layout");
_Static_assert(offsetof(struct xenif_ioctl_gntdev_map_grant_ref, refs) == 16,
	"gntdev_map_grant_ref refs offset");
#define XENIF_IOCTL_GNTDEV_MAP_GRANT_REF                                       \
	_IOC(_IOC_NONE, 'G', 0, sizeof(struct xenif_ioctl_gntdev_map_grant_ref))

struct xenif_ioctl_gntdev_unmap_grant_ref {
	uint64_t index;
	uint32_t count;
	uint32_t pad;
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_unmap_grant_ref) == 16,
	"gntdev_unmap_grant_ref layout");
#define XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF                                     \
	_IOC(_IOC_NONE, 'G', 1,                                                \
		sizeof(struct xenif_ioctl_gntdev_unmap_grant_ref))

struct xenif_ioctl_gntdev_get_offset_for_vaddr {
	uint64_t vaddr;
	uint64_t offset;
	uint32_t count;
	uint32_t pad;
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_get_offset_for_vaddr) == 24,
	"gntdev_get_offset_for_vaddr layout");
#define XENIF_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR                                \
	_IOC(_IOC_NONE, 'G', 2,                                                \
		sizeof(struct xenif_ioctl_gntdev_get_offset_for_vaddr))

struct xenif_ioctl_gntdev_set_max_grants {
	uint32_t count;
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_set_max_grants) == 4,
	"gntdev_set_max_grants layout");
#define XENIF_IOCTL_GNTDEV_SET_MAX_GRANTS                                      \
	_IOC(_IOC_NONE, 'G', 3,                                                \
		sizeof(struct xenif_ioctl_gntdev_set_max_grants))

/* What happens when the last mapping of a page goes (both devices). */
#define XENIF_UNMAP_NOTIFY_CLEAR_BYTE 0x1
#define XENIF_UNMAP_NOTIFY_SEND_EVENT 0x2

struct xenif_ioctl_gntdev_unmap_notify {
	uint64_t index;
	uint32_t action;
	uint32_t event_channel_port;
};
_Static_assert(sizeof(struct xenif_ioctl_gntdev_unmap_notify) == 16,
	"gntdev_unmap_notify layout");
#define XENIF_IOCTL_GNTDEV_SET_UNMAP_NOTIFY                                    \
	_IOC(_IOC_NONE, 'G', 7, sizeof(struct xenif_ioctl_gntdev_unmap_notify))

/* ---- /dev/xen/gntalloc ('G', numbers shared with gntdev's space) --- */
#define XENIF_GNTALLOC_FLAG_WRITABLE 1

/*
 * In: domid, flags, count; out: index (the mmap() offset) and
 * gref_ids[count] (allocated with room for count entries).
 */
struct xenif_ioctl_gntalloc_alloc_gref {
	uint16_t domid;
	uint16_t flags;
	uint32_t count;
	uint64_t index;
	uint32_t gref_ids[1];
};
_Static_assert(sizeof(struct xenif_ioctl_gntalloc_alloc_gref) == 24,
	"gntalloc_alloc_gref layout");
_Static_assert(offsetof(struct xenif_ioctl_gntalloc_alloc_gref, gref_ids) == 16,
	"gntalloc_alloc_gref gref_ids offset");
#define XENIF_IOCTL_GNTALLOC_ALLOC_GREF                                        \
	_IOC(_IOC_NONE, 'G', 5, sizeof(struct xenif_ioctl_gntalloc_alloc_gref))

struct xenif_ioctl_gntalloc_dealloc_gref {
	uint64_t index;
	uint32_t count;
};
/* 12 bytes of members, padded to 16 by the uint64_t's alignment. */
_Static_assert(sizeof(struct xenif_ioctl_gntalloc_dealloc_gref) == 16,
	"gntalloc_dealloc_gref layout");
#define XENIF_IOCTL_GNTALLOC_DEALLOC_GREF                                      \
	_IOC(_IOC_NONE, 'G', 6,                                                \
		sizeof(struct xenif_ioctl_gntalloc_dealloc_gref))

struct xenif_ioctl_gntalloc_unmap_notify {
	uint64_t index;
	uint32_t action;
	uint32_t event_channel_port;
};
_Static_assert(sizeof(struct xenif_ioctl_gntalloc_unmap_notify) == 16,
	"gntalloc_unmap_notify layout");
#define XENIF_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY                                  \
	_IOC(_IOC_NONE, 'G', 7,                                                \
		sizeof(struct xenif_ioctl_gntalloc_unmap_notify))

/* ---- /dev/xen/privcmd ('P') ----------------------------------------- */
/* A raw hypercall; the ioctl returns the hypercall's result. */
struct xenif_privcmd_hypercall {
	uint64_t op;
	uint64_t arg[5];
};
_Static_assert(sizeof(struct xenif_privcmd_hypercall) == 48,
	"privcmd_hypercall layout");
#define XENIF_IOCTL_PRIVCMD_HYPERCALL                                          \
	_IOC(_IOC_NONE, 'P', 0, sizeof(struct xenif_privcmd_hypercall))

struct xenif_privcmd_mmap_entry {
	uint64_t va;
	uint64_t mfn;
	uint64_t npages;
};
_Static_assert(sizeof(struct xenif_privcmd_mmap_entry) == 24,
	"privcmd_mmap_entry layout");

struct xenif_privcmd_mmap {
	int num;
	uint16_t dom;
	struct xenif_privcmd_mmap_entry *entry;
};
_Static_assert(sizeof(struct xenif_privcmd_mmap) == 16, "privcmd_mmap layout");
#define XENIF_IOCTL_PRIVCMD_MMAP                                               \
	_IOC(_IOC_NONE, 'P', 2, sizeof(struct xenif_privcmd_mmap))

/* Version 1 batch map: errors are or'd into the frame numbers. */
#define XENIF_PRIVCMD_MMAPBATCH_MFN_ERROR 0xf0000000U
#define XENIF_PRIVCMD_MMAPBATCH_PAGED_ERROR 0x80000000U

struct xenif_privcmd_mmapbatch {
	int num;
	uint16_t dom;
	uint64_t addr;
	xenif_linux_pfn_t *arr;
};
_Static_assert(sizeof(struct xenif_privcmd_mmapbatch) == 24,
	"privcmd_mmapbatch layout");
#define XENIF_IOCTL_PRIVCMD_MMAPBATCH                                          \
	_IOC(_IOC_NONE, 'P', 3, sizeof(struct xenif_privcmd_mmapbatch))

/*
 * Version 2: addr is the start of a fresh privcmd mmap() of num pages;
 * err[num] receives 0 or -errno per frame. The ioctl fails with ENOENT
 * when some frame is paged out (err[] still valid), else succeeds even
 * if single frames failed.
 */
struct xenif_privcmd_mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	const xenif_linux_pfn_t *arr;
	int *err;
};
_Static_assert(sizeof(struct xenif_privcmd_mmapbatch_v2) == 32,
	"privcmd_mmapbatch_v2 layout");
_Static_assert(offsetof(struct xenif_privcmd_mmapbatch_v2, addr) == 8,
	"privcmd_mmapbatch_v2 addr offset");
#define XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2                                       \
	_IOC(_IOC_NONE, 'P', 4, sizeof(struct xenif_privcmd_mmapbatch_v2))

struct xenif_privcmd_dm_op_buf {
	void *uptr;
	size_t size;
};
_Static_assert(sizeof(struct xenif_privcmd_dm_op_buf) == 16,
	"privcmd_dm_op_buf layout");

struct xenif_privcmd_dm_op {
	uint16_t dom;
	uint16_t num;
	const struct xenif_privcmd_dm_op_buf *ubufs;
};
_Static_assert(
	sizeof(struct xenif_privcmd_dm_op) == 16, "privcmd_dm_op layout");
#define XENIF_IOCTL_PRIVCMD_DM_OP                                              \
	_IOC(_IOC_NONE, 'P', 5, sizeof(struct xenif_privcmd_dm_op))

/* The argument is a pointer to one 16-bit domain id. */
#define XENIF_IOCTL_PRIVCMD_RESTRICT _IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))

struct xenif_privcmd_mmap_resource {
	uint16_t dom;
	uint32_t type;
	uint32_t id;
	uint32_t idx;
	uint64_t num;
	uint64_t addr;
};
_Static_assert(sizeof(struct xenif_privcmd_mmap_resource) == 32,
	"privcmd_mmap_resource layout");
#define XENIF_IOCTL_PRIVCMD_MMAP_RESOURCE                                      \
	_IOC(_IOC_NONE, 'P', 7, sizeof(struct xenif_privcmd_mmap_resource))

#endif
