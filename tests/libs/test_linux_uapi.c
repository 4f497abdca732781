/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Our copy of the Linux Xen drivers' ioctl interface (libs/xenif/
 * linux_uapi.h) against the kernel's own uapi headers as the system ships
 * them: every ioctl number, structure size and field offset must agree.
 * <xen/privcmd.h> needs the kernel-internal <xen/interface/xen.h> and
 * cannot be included here; its numbers are checked against the values
 * the kernel header spells out.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/types.h>

/* The kernel headers name these Xen types without defining them. */
typedef __u16 domid_t;
typedef __u32 grant_ref_t;

#include <xen/evtchn.h>
#include <xen/gntalloc.h>
#include <xen/gntdev.h>
/* clang-format on */

#include "linux_uapi.h"

#define SAME_SIZE(ours, theirs)                                                \
	assert_int_equal(sizeof(struct ours), sizeof(struct theirs))
#define SAME_OFFSET(ours, theirs, field)                                       \
	assert_int_equal(                                                      \
		offsetof(struct ours, field), offsetof(struct theirs, field))

static void test_evtchn_ioctls_match_the_kernel_header(void **state)
{
	assert_int_equal(XENIF_IOCTL_EVTCHN_BIND_VIRQ, IOCTL_EVTCHN_BIND_VIRQ);
	assert_int_equal(XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN,
		IOCTL_EVTCHN_BIND_INTERDOMAIN);
	assert_int_equal(XENIF_IOCTL_EVTCHN_BIND_UNBOUND_PORT,
		IOCTL_EVTCHN_BIND_UNBOUND_PORT);
	assert_int_equal(XENIF_IOCTL_EVTCHN_UNBIND, IOCTL_EVTCHN_UNBIND);
	assert_int_equal(XENIF_IOCTL_EVTCHN_NOTIFY, IOCTL_EVTCHN_NOTIFY);
	assert_int_equal(XENIF_IOCTL_EVTCHN_RESET, IOCTL_EVTCHN_RESET);
	assert_int_equal(
		XENIF_IOCTL_EVTCHN_RESTRICT_DOMID, IOCTL_EVTCHN_RESTRICT_DOMID);
}

static void test_evtchn_structs_match_the_kernel_header(void **state)
{
	SAME_SIZE(xenif_ioctl_evtchn_bind_virq, ioctl_evtchn_bind_virq);
	SAME_SIZE(xenif_ioctl_evtchn_bind_interdomain,
		ioctl_evtchn_bind_interdomain);
	SAME_OFFSET(xenif_ioctl_evtchn_bind_interdomain,
		ioctl_evtchn_bind_interdomain, remote_domain);
	SAME_OFFSET(xenif_ioctl_evtchn_bind_interdomain,
		ioctl_evtchn_bind_interdomain, remote_port);
	SAME_SIZE(xenif_ioctl_evtchn_bind_unbound_port,
		ioctl_evtchn_bind_unbound_port);
	SAME_SIZE(xenif_ioctl_evtchn_unbind, ioctl_evtchn_unbind);
	SAME_SIZE(xenif_ioctl_evtchn_notify, ioctl_evtchn_notify);
	SAME_SIZE(
		xenif_ioctl_evtchn_restrict_domid, ioctl_evtchn_restrict_domid);
}

static void test_gntdev_ioctls_match_the_kernel_header(void **state)
{
	assert_int_equal(
		XENIF_IOCTL_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_MAP_GRANT_REF);
	assert_int_equal(XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF,
		IOCTL_GNTDEV_UNMAP_GRANT_REF);
	assert_int_equal(XENIF_IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR,
		IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR);
	assert_int_equal(
		XENIF_IOCTL_GNTDEV_SET_MAX_GRANTS, IOCTL_GNTDEV_SET_MAX_GRANTS);
	assert_int_equal(XENIF_IOCTL_GNTDEV_SET_UNMAP_NOTIFY,
		IOCTL_GNTDEV_SET_UNMAP_NOTIFY);
	assert_int_equal(
		XENIF_UNMAP_NOTIFY_CLEAR_BYTE, UNMAP_NOTIFY_CLEAR_BYTE);
	assert_int_equal(
		XENIF_UNMAP_NOTIFY_SEND_EVENT, UNMAP_NOTIFY_SEND_EVENT);
}

static void test_gntdev_structs_match_the_kernel_header(void **state)
{
	SAME_SIZE(xenif_ioctl_gntdev_grant_ref, ioctl_gntdev_grant_ref);
	SAME_OFFSET(xenif_ioctl_gntdev_grant_ref, ioctl_gntdev_grant_ref, ref);
	SAME_SIZE(xenif_ioctl_gntdev_map_grant_ref, ioctl_gntdev_map_grant_ref);
	SAME_OFFSET(xenif_ioctl_gntdev_map_grant_ref,
		ioctl_gntdev_map_grant_ref, count);
	SAME_OFFSET(xenif_ioctl_gntdev_map_grant_ref,
		ioctl_gntdev_map_grant_ref, index);
	SAME_OFFSET(xenif_ioctl_gntdev_map_grant_ref,
		ioctl_gntdev_map_grant_ref, refs);
	SAME_SIZE(xenif_ioctl_gntdev_unmap_grant_ref,
		ioctl_gntdev_unmap_grant_ref);
	SAME_OFFSET(xenif_ioctl_gntdev_unmap_grant_ref,
		ioctl_gntdev_unmap_grant_ref, count);
	SAME_SIZE(xenif_ioctl_gntdev_get_offset_for_vaddr,
		ioctl_gntdev_get_offset_for_vaddr);
	SAME_OFFSET(xenif_ioctl_gntdev_get_offset_for_vaddr,
		ioctl_gntdev_get_offset_for_vaddr, count);
	SAME_SIZE(
		xenif_ioctl_gntdev_set_max_grants, ioctl_gntdev_set_max_grants);
	SAME_SIZE(xenif_ioctl_gntdev_unmap_notify, ioctl_gntdev_unmap_notify);
	SAME_OFFSET(xenif_ioctl_gntdev_unmap_notify, ioctl_gntdev_unmap_notify,
		action);
	SAME_OFFSET(xenif_ioctl_gntdev_unmap_notify, ioctl_gntdev_unmap_notify,
		event_channel_port);
}

static void test_gntalloc_ioctls_and_structs_match_the_kernel_header(
	void **state)
{
	assert_int_equal(
		XENIF_IOCTL_GNTALLOC_ALLOC_GREF, IOCTL_GNTALLOC_ALLOC_GREF);
	assert_int_equal(
		XENIF_IOCTL_GNTALLOC_DEALLOC_GREF, IOCTL_GNTALLOC_DEALLOC_GREF);
	assert_int_equal(XENIF_IOCTL_GNTALLOC_SET_UNMAP_NOTIFY,
		IOCTL_GNTALLOC_SET_UNMAP_NOTIFY);
	assert_int_equal(XENIF_GNTALLOC_FLAG_WRITABLE, GNTALLOC_FLAG_WRITABLE);
	SAME_SIZE(xenif_ioctl_gntalloc_alloc_gref, ioctl_gntalloc_alloc_gref);
	SAME_OFFSET(xenif_ioctl_gntalloc_alloc_gref, ioctl_gntalloc_alloc_gref,
		flags);
	SAME_OFFSET(xenif_ioctl_gntalloc_alloc_gref, ioctl_gntalloc_alloc_gref,
		count);
	SAME_OFFSET(xenif_ioctl_gntalloc_alloc_gref, ioctl_gntalloc_alloc_gref,
		index);
	SAME_OFFSET(xenif_ioctl_gntalloc_alloc_gref, ioctl_gntalloc_alloc_gref,
		gref_ids);
	SAME_SIZE(
		xenif_ioctl_gntalloc_dealloc_gref, ioctl_gntalloc_dealloc_gref);
	SAME_OFFSET(xenif_ioctl_gntalloc_dealloc_gref,
		ioctl_gntalloc_dealloc_gref, count);
	SAME_SIZE(
		xenif_ioctl_gntalloc_unmap_notify, ioctl_gntalloc_unmap_notify);
	SAME_OFFSET(xenif_ioctl_gntalloc_unmap_notify,
		ioctl_gntalloc_unmap_notify, event_channel_port);
}

/*
 * <xen/privcmd.h>: type 'P', no direction bits, the size of the argument
 * structure (64-bit layouts).
 */
static void test_privcmd_ioctls_have_the_kernel_numbers(void **state)
{
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_HYPERCALL, _IOC(_IOC_NONE, 'P', 0, 48));
	assert_int_equal(XENIF_IOCTL_PRIVCMD_MMAP, _IOC(_IOC_NONE, 'P', 2, 16));
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_MMAPBATCH, _IOC(_IOC_NONE, 'P', 3, 24));
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2, _IOC(_IOC_NONE, 'P', 4, 32));
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_DM_OP, _IOC(_IOC_NONE, 'P', 5, 16));
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_RESTRICT, _IOC(_IOC_NONE, 'P', 6, 2));
	assert_int_equal(
		XENIF_IOCTL_PRIVCMD_MMAP_RESOURCE, _IOC(_IOC_NONE, 'P', 7, 32));
	/* the values as they come out on x86_64 */
	assert_int_equal(XENIF_IOCTL_PRIVCMD_HYPERCALL, 0x305000);
	assert_int_equal(XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2, 0x205004);
	assert_int_equal(XENIF_IOCTL_PRIVCMD_DM_OP, 0x105005);
	assert_int_equal(XENIF_IOCTL_PRIVCMD_RESTRICT, 0x25006);
}

static void test_privcmd_structs_have_the_kernel_layouts(void **state)
{
	assert_int_equal(offsetof(struct xenif_privcmd_hypercall, arg), 8);
	assert_int_equal(offsetof(struct xenif_privcmd_mmapbatch_v2, dom), 4);
	assert_int_equal(offsetof(struct xenif_privcmd_mmapbatch_v2, addr), 8);
	assert_int_equal(offsetof(struct xenif_privcmd_mmapbatch_v2, arr), 16);
	assert_int_equal(offsetof(struct xenif_privcmd_mmapbatch_v2, err), 24);
	assert_int_equal(sizeof(xenif_linux_pfn_t), 8);
	assert_int_equal(offsetof(struct xenif_privcmd_dm_op, num), 2);
	assert_int_equal(offsetof(struct xenif_privcmd_dm_op, ubufs), 8);
	assert_int_equal(offsetof(struct xenif_privcmd_dm_op_buf, size), 8);
	assert_int_equal(offsetof(struct xenif_privcmd_mmap_resource, type), 4);
	assert_int_equal(offsetof(struct xenif_privcmd_mmap_resource, num), 16);
	assert_int_equal(
		offsetof(struct xenif_privcmd_mmap_resource, addr), 24);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evtchn_ioctls_match_the_kernel_header),
		cmocka_unit_test(test_evtchn_structs_match_the_kernel_header),
		cmocka_unit_test(test_gntdev_ioctls_match_the_kernel_header),
		cmocka_unit_test(test_gntdev_structs_match_the_kernel_header),
		cmocka_unit_test(
			test_gntalloc_ioctls_and_structs_match_the_kernel_header),
		cmocka_unit_test(test_privcmd_ioctls_have_the_kernel_numbers),
		cmocka_unit_test(test_privcmd_structs_have_the_kernel_layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
