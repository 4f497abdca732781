/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xen/common/grant_table.c (grant tables v1) on the fake
 * port: mapping and unmapping with the GTF_reading/GTF_writing protocol
 * of the shared entries, handle checks, maptrack limits, copies, table
 * set-up and queries, the life of domains holding or granting mappings,
 * and a reference model run of random grant/map/unmap sequences.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fake.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"

#define RAM_PAGES 64u
#define ENTRIES_PER_FRAME (4096u / sizeof(struct grant_entry_v1))
#define INITIAL_FRAMES 4u
#define XEN_BITS (GTF_reading | GTF_writing)

/* dom0 (privileged), A (grants), B and C (map and copy). */
static struct domain *dom0, *dom_a, *dom_b, *dom_c;

static int gt_setup(void **state)
{
	fake_reset();
	dom0 = fake_domain_create(0, 1, RAM_PAGES, true);
	dom_a = fake_domain_create(1, 1, RAM_PAGES, false);
	dom_b = fake_domain_create(2, 2, RAM_PAGES, false);
	dom_c = fake_domain_create(3, 1, RAM_PAGES, false);
	if (dom0 == NULL || dom_a == NULL || dom_b == NULL || dom_c == NULL) {
		return -1;
	}
	return 0;
}

static int gt_teardown(void **state)
{
	long live = fake_teardown();

	domain_limits.max_maptrack_frames = 64;
	domain_limits.max_grant_frames = 32;
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static uint16_t flags_of(struct domain *d, grant_ref_t ref)
{
	return __atomic_load_n(
		&fake_grant_entry(d, ref)->flags, __ATOMIC_ACQUIRE);
}

static int16_t map_ref(struct domain *mapper, domid_t dom, grant_ref_t ref,
	uint32_t flags, grant_handle_t *handle, uint64_t *bus)
{
	struct gnttab_map_grant_ref op;

	memset(&op, 0, sizeof(op));
	op.host_addr = 0x40000000;
	op.flags = flags;
	op.ref = ref;
	op.dom = dom;
	op.handle = 0xfeedu;
	op.status = 0x7777;
	assert_int_equal(do_grant_table_op(mapper->vcpu[0],
				 GNTTABOP_map_grant_ref, FAKE_PTR(&op), 1),
		0);
	if (handle != NULL) {
		*handle = op.handle;
	}
	if (bus != NULL) {
		*bus = op.dev_bus_addr;
	}
	return op.status;
}

static int16_t unmap_handle(struct domain *mapper, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op;

	memset(&op, 0, sizeof(op));
	op.host_addr = 0x40000000;
	op.handle = handle;
	op.status = 0x7777;
	assert_int_equal(do_grant_table_op(mapper->vcpu[0],
				 GNTTABOP_unmap_grant_ref, FAKE_PTR(&op), 1),
		0);
	return op.status;
}

static void copy_ptr_gref(struct gnttab_copy_ptr *p, domid_t dom,
	grant_ref_t ref, uint16_t offset)
{
	memset(p, 0, sizeof(*p));
	p->u.ref = ref;
	p->domid = dom;
	p->offset = offset;
}

static void copy_ptr_gmfn(
	struct gnttab_copy_ptr *p, domid_t dom, xen_pfn_t gmfn, uint16_t offset)
{
	memset(p, 0, sizeof(*p));
	p->u.gmfn = gmfn;
	p->domid = dom;
	p->offset = offset;
}

static int16_t do_copy(struct domain *caller, struct gnttab_copy *op)
{
	op->status = 0x7777;
	assert_int_equal(do_grant_table_op(caller->vcpu[0], GNTTABOP_copy,
				 FAKE_PTR(op), 1),
		0);
	return op->status;
}

static int16_t setup_table(struct domain *caller, domid_t dom,
	uint32_t nr_frames, xen_pfn_t *frames)
{
	struct gnttab_setup_table op;

	memset(&op, 0, sizeof(op));
	op.dom = dom;
	op.nr_frames = nr_frames;
	op.status = 0x7777;
	set_xen_guest_handle(op.frame_list, frames);
	assert_int_equal(do_grant_table_op(caller->vcpu[0],
				 GNTTABOP_setup_table, FAKE_PTR(&op), 1),
		0);
	return op.status;
}

static bool domain_still_exists(domid_t id)
{
	struct domain *d = domain_get_any(id);

	if (d == NULL) {
		return false;
	}
	domain_put(d);
	return true;
}

/* ---- mapping ------------------------------------------------------------- */

static void
test_a_read_write_map_sets_reading_and_writing_and_reaches_the_granted_frame(
	void **state)
{
	const struct fake_grant_map *call;
	grant_handle_t h;
	uint64_t bus = 0;

	fake_grant(dom_a, 8, dom_b->domain_id, 5, GTF_permit_access);
	memcpy(fake_ram(dom_a, 5), "granted page", 13);

	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 8, GNTMAP_host_map, &h, &bus),
		GNTST_okay);
	assert_int_equal(flags_of(dom_a, 8),
		GTF_permit_access | GTF_reading | GTF_writing);
	assert_int_equal(bus, 5ull << 12);
	assert_int_equal(fake_grant_map_count(), 1);
	call = fake_grant_map_call(0);
	assert_int_equal(call->mapper, dom_b->domain_id);
	assert_int_equal(call->granter, dom_a->domain_id);
	assert_int_equal(call->gfn, 5);
	assert_false(call->readonly);
	/* The frame the port maps is the granter's page. */
	assert_string_equal((char *)fake_ram(dom_a, call->gfn), "granted page");
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 8), GTF_permit_access);
}

static void test_a_read_only_map_sets_only_reading(void **state)
{
	grant_handle_t h;
	uint64_t bus = 0;

	fake_grant(dom_a, 9, dom_b->domain_id, 6, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 9,
				 GNTMAP_host_map | GNTMAP_readonly, &h, &bus),
		GNTST_okay);
	assert_int_equal(flags_of(dom_a, 9), GTF_permit_access | GTF_reading);
	assert_int_equal(bus, 6ull << 12);
	assert_true(fake_grant_map_call(0)->readonly);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 9), GTF_permit_access);
}

static void
test_a_read_write_map_of_a_read_only_grant_fails_and_a_read_only_one_succeeds(
	void **state)
{
	grant_handle_t h;

	fake_grant(dom_a, 10, dom_b->domain_id, 7,
		GTF_permit_access | GTF_readonly);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 10, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 10), GTF_permit_access | GTF_readonly);
	assert_int_equal(fake_grant_map_count(), 0);

	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 10,
				 GNTMAP_host_map | GNTMAP_readonly, &h, NULL),
		GNTST_okay);
	/* Upgrading to read-write while read-only pinned fails as well. */
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 10, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 10),
		GTF_permit_access | GTF_readonly | GTF_reading);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 10), GTF_permit_access | GTF_readonly);
}

static void
test_an_ungranted_ref_or_a_ref_granted_to_another_domain_cannot_be_mapped(
	void **state)
{
	/* Nothing granted. */
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 11, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 11), 0);
	/* Granted to C, mapped by B. */
	fake_grant(dom_a, 12, dom_c->domain_id, 3, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 12,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 12), GTF_permit_access);
	/* Transfer and sub-page entries are not mappable. */
	fake_grant(dom_a, 13, dom_b->domain_id, 3, GTF_accept_transfer);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 13, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	fake_grant(dom_a, 14, dom_b->domain_id, 3,
		GTF_permit_access | GTF_sub_page);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 14, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 14), GTF_permit_access | GTF_sub_page);
	/* While C holds a pin, B may not pin the same entry. */
	assert_int_equal(map_ref(dom_c, dom_a->domain_id, 12, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	fake_grant(dom_a, 12, dom_b->domain_id, 3, flags_of(dom_a, 12));
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 12, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(fake_grant_map_count(), 1);
}

static void test_a_ref_beyond_the_table_is_a_bad_gntref(void **state)
{
	grant_ref_t last = INITIAL_FRAMES * ENTRIES_PER_FRAME - 1;

	fake_grant(dom_a, last, dom_b->domain_id, 2, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, last, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, last + 1,
				 GNTMAP_host_map, NULL, NULL),
		GNTST_bad_gntref);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 0xffffffffu,
				 GNTMAP_host_map, NULL, NULL),
		GNTST_bad_gntref);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 0x80000000u,
				 GNTMAP_host_map, NULL, NULL),
		GNTST_bad_gntref);
}

static void test_a_missing_or_reserved_domid_is_a_bad_domain(void **state)
{
	assert_int_equal(map_ref(dom_b, 77, 1, GNTMAP_host_map, NULL, NULL),
		GNTST_bad_domain);
	assert_int_equal(
		map_ref(dom_b, DOMID_SELF, 1, GNTMAP_host_map, NULL, NULL),
		GNTST_bad_domain);
	assert_int_equal(
		map_ref(dom_b, DOMID_INVALID, 1, GNTMAP_host_map, NULL, NULL),
		GNTST_bad_domain);
	assert_int_equal(map_ref(dom_b, 0xffff, 1, GNTMAP_host_map, NULL, NULL),
		GNTST_bad_domain);
}

static void test_map_flags_need_a_host_mapping_and_a_ram_frame(void **state)
{
	fake_grant(dom_a, 15, dom_b->domain_id, 4, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 15, 0, NULL, NULL),
		GNTST_bad_gntref);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 15, GNTMAP_device_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 15,
			GNTMAP_host_map | GNTMAP_device_map, NULL, NULL),
		GNTST_general_error);
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 15,
			GNTMAP_host_map | GNTMAP_contains_pte, NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 15), GTF_permit_access);
	/* A frame that is not the granter's RAM. */
	fake_grant(dom_a, 16, dom_b->domain_id, RAM_PAGES, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 16, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_bad_page);
	assert_int_equal(flags_of(dom_a, 16), GTF_permit_access);
	fake_grant(dom_a, 16, dom_b->domain_id, 0xffffffffu,
		GTF_permit_access | GTF_readonly);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 16,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_bad_page);
	assert_int_equal(flags_of(dom_a, 16), GTF_permit_access | GTF_readonly);
	assert_int_equal(fake_grant_map_count(), 0);
}

static void test_a_failing_port_map_undoes_the_pin_and_the_handle(void **state)
{
	grant_handle_t h = 0xabcd;

	fake_grant(dom_a, 17, dom_b->domain_id, 4, GTF_permit_access);
	fake_grant_map_fail(-ENOMEM);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 17, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 17), GTF_permit_access);
	fake_grant_map_fail(0);
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 17, GNTMAP_host_map, &h, NULL),
		GNTST_okay);
	assert_int_equal(h, 0);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
}

static void test_a_domain_may_map_its_own_grant_by_its_id(void **state)
{
	grant_handle_t h;

	fake_grant(dom_a, 18, dom_a->domain_id, 9, GTF_permit_access);
	assert_int_equal(
		map_ref(dom_a, dom_a->domain_id, 18, GNTMAP_host_map, &h, NULL),
		GNTST_okay);
	assert_int_equal(flags_of(dom_a, 18), GTF_permit_access | XEN_BITS);
	assert_int_equal(unmap_handle(dom_a, h), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 18), GTF_permit_access);
}

/* ---- unmapping ----------------------------------------------------------- */

static void test_unmap_clears_the_flags_only_when_the_last_pin_goes(
	void **state)
{
	grant_handle_t rw1, rw2, ro;

	fake_grant(dom_a, 20, dom_b->domain_id, 10, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 20, GNTMAP_host_map,
				 &rw1, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 20, GNTMAP_host_map,
				 &rw2, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 20,
				 GNTMAP_host_map | GNTMAP_readonly, &ro, NULL),
		GNTST_okay);
	assert_int_not_equal(rw1, rw2);
	assert_int_not_equal(rw2, ro);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access | XEN_BITS);

	assert_int_equal(unmap_handle(dom_b, rw1), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access | XEN_BITS);
	assert_int_equal(unmap_handle(dom_b, rw2), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access | GTF_reading);
	assert_int_equal(unmap_handle(dom_b, ro), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access);

	/* Read-only first, then read-write, released in the other order. */
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 20,
				 GNTMAP_host_map | GNTMAP_readonly, &ro, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 20, GNTMAP_host_map,
				 &rw1, NULL),
		GNTST_okay);
	assert_int_equal(unmap_handle(dom_b, ro), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access | XEN_BITS);
	assert_int_equal(unmap_handle(dom_b, rw1), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 20), GTF_permit_access);
}

static void test_a_second_unmap_of_the_same_handle_is_a_bad_handle(void **state)
{
	grant_handle_t h;

	fake_grant(dom_a, 21, dom_b->domain_id, 11, GTF_permit_access);
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 21, GNTMAP_host_map, &h, NULL),
		GNTST_okay);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_bad_handle);
	assert_int_equal(flags_of(dom_a, 21), GTF_permit_access);
	/* Another domain cannot unmap B's handle. */
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 21, GNTMAP_host_map, &h, NULL),
		GNTST_okay);
	assert_int_equal(unmap_handle(dom_c, h), GNTST_bad_handle);
	assert_int_equal(flags_of(dom_a, 21), GTF_permit_access | XEN_BITS);
	assert_int_equal(unmap_handle(dom_b, h), GNTST_okay);
}

static void test_an_out_of_range_handle_is_a_bad_handle(void **state)
{
	grant_handle_t h;

	assert_int_equal(unmap_handle(dom_b, 0), GNTST_bad_handle);
	assert_int_equal(unmap_handle(dom_b, 0xffffffffu), GNTST_bad_handle);
	fake_grant(dom_a, 22, dom_b->domain_id, 12, GTF_permit_access);
	assert_int_equal(
		map_ref(dom_b, dom_a->domain_id, 22, GNTMAP_host_map, &h, NULL),
		GNTST_okay);
	assert_int_equal(unmap_handle(dom_b, h + 1), GNTST_bad_handle);
	assert_int_equal(unmap_handle(dom_b, 512), GNTST_bad_handle);
	assert_int_equal(unmap_handle(dom_b, 0x7fffffffu), GNTST_bad_handle);
	assert_int_equal(
		gnttab_unmap_handle(dom_b, 0xfffffffeu), GNTST_bad_handle);
	assert_int_equal(gnttab_unmap_handle(dom_b, h), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 22), GTF_permit_access);
}

static void test_a_full_maptrack_gives_no_device_space(void **state)
{
	struct domain *mapper;
	grant_handle_t h;
	unsigned int i, nr = 4096 / 8;

	domain_limits.max_maptrack_frames = 1;
	mapper = fake_domain_create(5, 1, RAM_PAGES, false);
	assert_non_null(mapper);
	for (i = 0; i <= nr; i++) {
		fake_grant(dom_a, i, mapper->domain_id, i % RAM_PAGES,
			GTF_permit_access | GTF_readonly);
	}
	for (i = 0; i < nr; i++) {
		assert_int_equal(
			map_ref(mapper, dom_a->domain_id, i,
				GNTMAP_host_map | GNTMAP_readonly, &h, NULL),
			GNTST_okay);
		assert_int_equal(h, i);
	}
	assert_int_equal(map_ref(mapper, dom_a->domain_id, nr,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_no_device_space);
	assert_int_equal(flags_of(dom_a, nr), GTF_permit_access | GTF_readonly);
	/* A freed handle is used again. */
	assert_int_equal(unmap_handle(mapper, 7), GNTST_okay);
	assert_int_equal(map_ref(mapper, dom_a->domain_id, nr,
				 GNTMAP_host_map | GNTMAP_readonly, &h, NULL),
		GNTST_okay);
	assert_int_equal(h, 7);

	/* No maptrack at all. */
	domain_limits.max_maptrack_frames = 0;
	mapper = fake_domain_create(6, 1, RAM_PAGES, false);
	assert_non_null(mapper);
	fake_grant(dom_a, 600, mapper->domain_id, 1, GTF_permit_access);
	assert_int_equal(map_ref(mapper, dom_a->domain_id, 600, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_no_device_space);
	assert_int_equal(flags_of(dom_a, 600), GTF_permit_access);
}

static void test_a_batch_maps_each_op_and_a_bad_address_faults(void **state)
{
	struct gnttab_map_grant_ref ops[3];
	struct gnttab_unmap_grant_ref unmaps[3];
	unsigned int i;

	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 3; i++) {
		fake_grant(dom_a, 30 + i, dom_b->domain_id, 20 + i,
			GTF_permit_access);
		ops[i].flags = GNTMAP_host_map;
		ops[i].ref = 30 + i;
		ops[i].dom = dom_a->domain_id;
	}
	ops[1].ref = 100000;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[1],
				 GNTTABOP_map_grant_ref, FAKE_PTR(ops), 3),
		0);
	assert_int_equal(ops[0].status, GNTST_okay);
	assert_int_equal(ops[1].status, GNTST_bad_gntref);
	assert_int_equal(ops[2].status, GNTST_okay);
	assert_int_equal(ops[2].dev_bus_addr, 22ull << 12);
	assert_int_equal(fake_grant_map_call(0)->vcpu, 1);

	memset(unmaps, 0, sizeof(unmaps));
	unmaps[0].handle = ops[0].handle;
	unmaps[1].handle = ops[0].handle;
	unmaps[2].handle = ops[2].handle;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_unmap_grant_ref, FAKE_PTR(unmaps), 3),
		0);
	assert_int_equal(unmaps[0].status, GNTST_okay);
	assert_int_equal(unmaps[1].status, GNTST_bad_handle);
	assert_int_equal(unmaps[2].status, GNTST_okay);
	assert_int_equal(flags_of(dom_a, 30), GTF_permit_access);
	assert_int_equal(flags_of(dom_a, 32), GTF_permit_access);

	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_map_grant_ref, FAKE_BAD_ADDR, 1),
		-EFAULT);
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_unmap_grant_ref, FAKE_BAD_ADDR, 1),
		-EFAULT);
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_copy,
				 FAKE_BAD_ADDR, 1),
		-EFAULT);
	/* Nothing to do: no access at all. */
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_map_grant_ref, FAKE_BAD_ADDR, 0),
		0);
}

/* ---- copy ---------------------------------------------------------------- */

static void test_copy_between_two_domains_through_their_grants(void **state)
{
	struct gnttab_copy op;
	char *src = fake_ram(dom_a, 3), *dst = fake_ram(dom_c, 4);

	memcpy(src + 100, "hello grant copy", 16);
	fake_grant(dom_a, 40, dom_b->domain_id, 3,
		GTF_permit_access | GTF_readonly);
	fake_grant(dom_c, 41, dom_b->domain_id, 4, GTF_permit_access);

	memset(&op, 0, sizeof(op));
	copy_ptr_gref(&op.source, dom_a->domain_id, 40, 100);
	copy_ptr_gref(&op.dest, dom_c->domain_id, 41, 4000);
	op.len = 16;
	op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_memory_equal(dst + 4000, "hello grant copy", 16);
	assert_int_equal(flags_of(dom_a, 40), GTF_permit_access | GTF_readonly);
	assert_int_equal(flags_of(dom_c, 41), GTF_permit_access);

	/* Writing into a read-only grant fails and leaves it as it was. */
	copy_ptr_gref(&op.source, dom_c->domain_id, 41, 0);
	copy_ptr_gref(&op.dest, dom_a->domain_id, 40, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 40), GTF_permit_access | GTF_readonly);
	assert_int_equal(flags_of(dom_c, 41), GTF_permit_access);

	/* A mapping held meanwhile keeps its flags across the copy. */
	assert_int_equal(map_ref(dom_b, dom_c->domain_id, 41,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_okay);
	copy_ptr_gref(&op.source, dom_a->domain_id, 40, 0);
	copy_ptr_gref(&op.dest, dom_c->domain_id, 41, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_int_equal(flags_of(dom_c, 41), GTF_permit_access | GTF_reading);
	/* A write pin on top of it must pin the same frame. */
	fake_grant_entry(dom_c, 41)->frame = 5;
	assert_int_equal(do_copy(dom_b, &op), GNTST_general_error);
	assert_int_equal(flags_of(dom_c, 41), GTF_permit_access | GTF_reading);
	fake_grant_entry(dom_c, 41)->frame = 4;

	/* C is not the grantee of A's entry. */
	assert_int_equal(do_copy(dom_c, &op), GNTST_general_error);
	/* Bad ref and bad domain. */
	copy_ptr_gref(&op.source, dom_a->domain_id, 99999, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_gntref);
	copy_ptr_gref(&op.source, 99, 40, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_domain);
}

static void test_copy_to_and_from_the_callers_own_frames(void **state)
{
	struct gnttab_copy op;
	char *own = fake_ram(dom_b, 2), *granted = fake_ram(dom_a, 6);

	memcpy(own, "from b", 6);
	fake_grant(dom_a, 42, dom_b->domain_id, 6, GTF_permit_access);

	memset(&op, 0, sizeof(op));
	copy_ptr_gmfn(&op.source, DOMID_SELF, 2, 0);
	copy_ptr_gref(&op.dest, dom_a->domain_id, 42, 10);
	op.len = 6;
	op.flags = GNTCOPY_dest_gref;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_memory_equal(granted + 10, "from b", 6);
	assert_int_equal(flags_of(dom_a, 42), GTF_permit_access);

	memcpy(granted + 50, "from a", 6);
	copy_ptr_gref(&op.source, dom_a->domain_id, 42, 50);
	copy_ptr_gmfn(&op.dest, dom_b->domain_id, 3, 4090);
	op.flags = GNTCOPY_source_gref;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_memory_equal((char *)fake_ram(dom_b, 3) + 4090, "from a", 6);

	/* Within one own frame, overlapping. */
	memcpy(own, "abcdef", 6);
	copy_ptr_gmfn(&op.source, DOMID_SELF, 2, 0);
	copy_ptr_gmfn(&op.dest, DOMID_SELF, 2, 2);
	op.flags = 0;
	op.len = 4;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_memory_equal(own, "ababcd", 6);

	/* Another domain's frame by number: privileged callers only. */
	copy_ptr_gmfn(&op.source, dom_a->domain_id, 6, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_permission_denied);
	copy_ptr_gmfn(&op.dest, dom_a->domain_id, 7, 0);
	copy_ptr_gmfn(&op.source, DOMID_SELF, 1, 0);
	memcpy(fake_ram(dom0, 1), "dom0", 4);
	assert_int_equal(do_copy(dom0, &op), GNTST_okay);
	assert_memory_equal(fake_ram(dom_a, 7), "dom0", 4);
	/* A frame beyond RAM. */
	copy_ptr_gmfn(&op.source, DOMID_SELF, RAM_PAGES, 0);
	copy_ptr_gmfn(&op.dest, DOMID_SELF, 0, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_page);
	copy_ptr_gmfn(&op.source, DOMID_SELF, 0, 0);
	copy_ptr_gmfn(&op.dest, dom_b->domain_id, ~0ul, 0);
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_page);
}

static void test_copy_with_a_bad_offset_or_length_is_a_bad_copy_arg(
	void **state)
{
	struct gnttab_copy op;

	fake_grant(dom_a, 43, dom_b->domain_id, 6, GTF_permit_access);
	memset(&op, 0, sizeof(op));
	copy_ptr_gmfn(&op.source, DOMID_SELF, 2, 4000);
	copy_ptr_gref(&op.dest, dom_a->domain_id, 43, 0);
	op.flags = GNTCOPY_dest_gref;
	op.len = 97;
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_copy_arg);
	assert_int_equal(flags_of(dom_a, 43), GTF_permit_access);
	op.len = 96;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);

	copy_ptr_gmfn(&op.source, DOMID_SELF, 2, 0);
	copy_ptr_gref(&op.dest, dom_a->domain_id, 43, 0xffff);
	op.len = 1;
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_copy_arg);
	copy_ptr_gref(&op.dest, dom_a->domain_id, 43, 0);
	op.len = 0xffff;
	assert_int_equal(do_copy(dom_b, &op), GNTST_bad_copy_arg);
	op.len = 4096;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
	assert_int_equal(flags_of(dom_a, 43), GTF_permit_access);
	/* A copy of nothing does nothing, whatever it names. */
	copy_ptr_gref(&op.dest, 999, 0xffffffu, 0xffff);
	op.len = 0;
	assert_int_equal(do_copy(dom_b, &op), GNTST_okay);
}

/* ---- table set-up and queries -------------------------------------------- */

static void test_setup_table_returns_the_frame_gfns_and_refuses_too_many_frames(
	void **state)
{
	xen_pfn_t frames[40];
	struct gnttab_setup_table op;
	unsigned int i;
	grant_ref_t ref = 5 * ENTRIES_PER_FRAME + 3;

	fake_grant(dom_a, ref, dom_b->domain_id, 1, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, ref, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_bad_gntref);

	memset(frames, 0, sizeof(frames));
	assert_int_equal(setup_table(dom_a, DOMID_SELF, 6, frames), GNTST_okay);
	for (i = 0; i < 6; i++) {
		assert_int_equal(frames[i], FAKE_GNTTAB_GFN_BASE + i);
	}
	assert_int_equal(frames[6], 0);
	/* New frames start empty; their entries are usable now. */
	assert_int_equal(flags_of(dom_a, ref), 0);
	fake_grant(dom_a, ref, dom_b->domain_id, 1, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, ref, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	/* Asking for fewer frames shrinks nothing. */
	assert_int_equal(
		setup_table(dom_a, dom_a->domain_id, 1, frames), GNTST_okay);
	assert_int_equal(flags_of(dom_a, ref), GTF_permit_access | XEN_BITS);

	assert_int_equal(setup_table(dom_a, DOMID_SELF, 33, frames),
		GNTST_general_error);
	assert_int_equal(setup_table(dom_a, DOMID_SELF, 0xffffffffu, frames),
		GNTST_general_error);
	assert_int_equal(
		setup_table(dom_a, DOMID_SELF, 32, frames), GNTST_okay);
	assert_int_equal(frames[31], FAKE_GNTTAB_GFN_BASE + 31);

	/* Other domains' tables: privileged callers only. */
	assert_int_equal(setup_table(dom_b, dom_a->domain_id, 1, frames),
		GNTST_permission_denied);
	assert_int_equal(
		setup_table(dom0, dom_b->domain_id, 5, frames), GNTST_okay);
	assert_int_equal(setup_table(dom0, 1234, 1, frames), GNTST_bad_domain);
	/* A bad frame list. */
	memset(&op, 0, sizeof(op));
	op.dom = DOMID_SELF;
	op.nr_frames = 2;
	set_xen_guest_handle(
		op.frame_list, (xen_pfn_t *)(uintptr_t)FAKE_BAD_ADDR);
	assert_int_equal(do_grant_table_op(dom_c->vcpu[0], GNTTABOP_setup_table,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_bad_virt_addr);
	assert_int_equal(do_grant_table_op(dom_c->vcpu[0], GNTTABOP_setup_table,
				 FAKE_PTR(&op), 2),
		-EINVAL);
	assert_int_equal(do_grant_table_op(dom_c->vcpu[0], GNTTABOP_setup_table,
				 FAKE_BAD_ADDR, 1),
		-EFAULT);
}

static void test_query_size_reports_current_and_maximum_frames(void **state)
{
	struct gnttab_query_size op;
	xen_pfn_t frames[8];

	memset(&op, 0, sizeof(op));
	op.dom = DOMID_SELF;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_query_size,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_okay);
	assert_int_equal(op.nr_frames, INITIAL_FRAMES);
	assert_int_equal(op.max_nr_frames, 32);

	assert_int_equal(setup_table(dom_b, DOMID_SELF, 7, frames), GNTST_okay);
	op.dom = dom_b->domain_id;
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_query_size,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_okay);
	assert_int_equal(op.nr_frames, 7);

	assert_int_equal(do_grant_table_op(dom_c->vcpu[0], GNTTABOP_query_size,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_permission_denied);
	op.dom = 4321;
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_query_size,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_bad_domain);
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_query_size,
				 FAKE_PTR(&op), 0),
		-EINVAL);
}

static void test_only_version_1_exists(void **state)
{
	struct gnttab_set_version sv;
	struct gnttab_get_version gv;

	sv.version = 1;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_set_version,
				 FAKE_PTR(&sv), 1),
		0);
	assert_int_equal(sv.version, 1);
	sv.version = 2;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_set_version,
				 FAKE_PTR(&sv), 1),
		-ENOSYS);
	assert_int_equal(sv.version, 1);
	sv.version = 3;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_set_version,
				 FAKE_PTR(&sv), 1),
		-EINVAL);
	assert_int_equal(sv.version, 1);

	memset(&gv, 0, sizeof(gv));
	gv.dom = DOMID_SELF;
	gv.version = 99;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_get_version,
				 FAKE_PTR(&gv), 1),
		0);
	assert_int_equal(gv.version, 1);
	gv.dom = dom_a->domain_id;
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], GNTTABOP_get_version,
				 FAKE_PTR(&gv), 1),
		-EPERM);
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_get_version,
				 FAKE_PTR(&gv), 1),
		0);
	gv.dom = 555;
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_get_version,
				 FAKE_PTR(&gv), 1),
		-ESRCH);
}

static void test_dump_table_prints_the_entries_in_use(void **state)
{
	struct gnttab_dump_table op;

	fake_grant(dom_a, 44, dom_b->domain_id, 12, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 44, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	fake_console_clear();
	op.dom = DOMID_SELF;
	op.status = 0x7777;
	assert_int_equal(do_grant_table_op(dom_a->vcpu[0], GNTTABOP_dump_table,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_okay);
	assert_non_null(strstr(fake_console(), "d1 grant table"));
	assert_non_null(strstr(fake_console(), "frame c pins r0 w1"));

	op.dom = dom_a->domain_id;
	assert_int_equal(do_grant_table_op(dom_c->vcpu[0], GNTTABOP_dump_table,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_permission_denied);
	assert_int_equal(do_grant_table_op(dom0->vcpu[0], GNTTABOP_dump_table,
				 FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_okay);
}

static void test_swap_grant_ref_swaps_unpinned_entries(void **state)
{
	struct gnttab_swap_grant_ref op;

	fake_grant(dom_a, 45, dom_b->domain_id, 12, GTF_permit_access);
	fake_grant(dom_a, 46, dom_c->domain_id, 13,
		GTF_permit_access | GTF_readonly);
	op.ref_a = 45;
	op.ref_b = 46;
	assert_int_equal(do_grant_table_op(dom_a->vcpu[0],
				 GNTTABOP_swap_grant_ref, FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_okay);
	assert_int_equal(fake_grant_entry(dom_a, 45)->domid, dom_c->domain_id);
	assert_int_equal(fake_grant_entry(dom_a, 46)->frame, 12);

	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 46, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	assert_int_equal(do_grant_table_op(dom_a->vcpu[0],
				 GNTTABOP_swap_grant_ref, FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_eagain);
	op.ref_b = 1u << 30;
	assert_int_equal(do_grant_table_op(dom_a->vcpu[0],
				 GNTTABOP_swap_grant_ref, FAKE_PTR(&op), 1),
		0);
	assert_int_equal(op.status, GNTST_bad_gntref);
}

static void test_unknown_or_malformed_commands_are_refused(void **state)
{
	struct gnttab_query_size op;

	assert_int_equal(
		do_grant_table_op(dom_b->vcpu[0], GNTTABOP_transfer, 0, 1),
		-ENOSYS);
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0], 13, 0, 1), -ENOSYS);
	assert_int_equal(
		do_grant_table_op(dom_b->vcpu[0], 0xfff, 0, 1), -ENOSYS);
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_query_size | 0x1000, 0, 1),
		-EINVAL);
	assert_int_equal(do_grant_table_op(dom_b->vcpu[0],
				 GNTTABOP_map_grant_ref, 0, 0x80000000u),
		-EINVAL);
	/* Through the hypercall entry as a vCPU does. */
	memset(&op, 0, sizeof(op));
	op.dom = DOMID_SELF;
	assert_int_equal(fake_hypercall(dom_b, 1, __HYPERVISOR_grant_table_op,
				 GNTTABOP_query_size, FAKE_PTR(&op), 1, 0, 0),
		0);
	assert_int_equal(op.nr_frames, INITIAL_FRAMES);
	assert_int_equal(
		fake_hypercall(dom_b, 0, __HYPERVISOR_grant_table_op,
			GNTTABOP_query_size, FAKE_PTR(&op), 1ull << 32, 0, 0),
		-EINVAL);
}

/* ---- domain life --------------------------------------------------------- */

static void test_killing_the_mapper_releases_its_mappings_and_clears_the_flags(
	void **state)
{
	domid_t b = dom_b->domain_id;

	fake_grant(dom_a, 50, b, 20, GTF_permit_access);
	fake_grant(dom_a, 51, b, 21, GTF_permit_access | GTF_readonly);
	fake_grant(dom_c, 52, b, 22, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 50, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 50,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 51,
				 GNTMAP_host_map | GNTMAP_readonly, NULL, NULL),
		GNTST_okay);
	assert_int_equal(map_ref(dom_b, dom_c->domain_id, 52, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
	assert_int_equal(dom_a->refcnt, 4);

	assert_int_equal(domain_kill(dom_b), 0);
	assert_false(domain_still_exists(b));
	assert_int_equal(flags_of(dom_a, 50), GTF_permit_access);
	assert_int_equal(flags_of(dom_a, 51), GTF_permit_access | GTF_readonly);
	assert_int_equal(flags_of(dom_c, 52), GTF_permit_access);
	assert_int_equal(dom_a->refcnt, 1);
	assert_int_equal(dom_c->refcnt, 1);
	dom_b = NULL;

	/* A grant of the dead domain may be given to someone else. */
	fake_grant(dom_a, 50, dom_c->domain_id, 20, GTF_permit_access);
	assert_int_equal(map_ref(dom_c, dom_a->domain_id, 50, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_okay);
}

static void test_a_killed_granter_stays_referenced_until_its_last_mapping_goes(
	void **state)
{
	domid_t a = dom_a->domain_id;
	unsigned int before = domain_count();
	grant_handle_t h1, h2;
	uint16_t *flags;

	fake_grant(dom_a, 60, dom_b->domain_id, 30, GTF_permit_access);
	fake_grant(dom_a, 61, dom_b->domain_id, 31, GTF_permit_access);
	assert_int_equal(
		map_ref(dom_b, a, 60, GNTMAP_host_map, &h1, NULL), GNTST_okay);
	assert_int_equal(
		map_ref(dom_b, a, 61, GNTMAP_host_map, &h2, NULL), GNTST_okay);
	flags = &fake_grant_entry(dom_a, 61)->flags;

	assert_int_equal(domain_kill(dom_a), 0);
	assert_true(domain_still_exists(a));
	assert_int_equal(domain_count(), before);
	/* Dying: no new mapping, but the old ones keep working. */
	fake_grant(dom_a, 62, dom_b->domain_id, 32, GTF_permit_access);
	assert_int_equal(map_ref(dom_b, a, 62, GNTMAP_host_map, NULL, NULL),
		GNTST_bad_domain);
	assert_int_equal(unmap_handle(dom_b, h1), GNTST_okay);
	assert_true(domain_still_exists(a));
	assert_int_equal(*flags, GTF_permit_access | XEN_BITS);
	assert_int_equal(unmap_handle(dom_b, h2), GNTST_okay);
	assert_false(domain_still_exists(a));
	assert_int_equal(domain_count(), before - 1);
	dom_a = NULL;
	assert_int_equal(unmap_handle(dom_b, h2), GNTST_bad_handle);
}

static void test_a_dying_domain_cannot_map(void **state)
{
	fake_grant(dom_a, 63, dom_b->domain_id, 1, GTF_permit_access);
	dom_b->refcnt++;
	assert_int_equal(domain_kill(dom_b), 0);
	assert_int_equal(map_ref(dom_b, dom_a->domain_id, 63, GNTMAP_host_map,
				 NULL, NULL),
		GNTST_general_error);
	assert_int_equal(flags_of(dom_a, 63), GTF_permit_access);
	domain_put(dom_b);
	dom_b = NULL;
}

/* ---- reference model ----------------------------------------------------- */

#define MODEL_REFS 12u
#define MODEL_STEPS 4000u
#define MODEL_MAPS 256u

struct model_entry {
	uint16_t guest_flags; /* what the guest wrote (no XEN bits) */
	domid_t domid;
	uint32_t frame;
	unsigned int rd, wr; /* pins */
	domid_t holder;
	uint32_t gfn; /* pinned frame */
};

struct model_map {
	struct domain *mapper;
	grant_handle_t handle;
	grant_ref_t ref;
	bool readonly;
};

static uint64_t model_rng = 0x9e3779b97f4a7c15ull;

static unsigned int model_rand(unsigned int n)
{
	model_rng ^= model_rng << 13;
	model_rng ^= model_rng >> 7;
	model_rng ^= model_rng << 17;
	return (unsigned int)(model_rng % n);
}

/** What map_grant_ref should answer, applying it to the model. */
static int16_t model_map(struct model_entry *m, domid_t mapper, bool ro)
{
	bool pinned = m->rd + m->wr > 0;

	if (pinned && m->holder != mapper) {
		return GNTST_general_error;
	}
	if (!pinned || (!ro && m->wr == 0)) {
		if (!pinned &&
			((m->guest_flags & (GTF_type_mask | GTF_sub_page)) !=
					GTF_permit_access ||
				m->domid != mapper)) {
			return GNTST_general_error;
		}
		if (!ro && (m->guest_flags & GTF_readonly)) {
			return GNTST_general_error;
		}
		if (!pinned) {
			if (m->frame >= RAM_PAGES) {
				return GNTST_bad_page;
			}
			m->holder = mapper;
			m->gfn = m->frame;
		}
	}
	if (ro) {
		m->rd++;
	} else {
		m->wr++;
	}
	return GNTST_okay;
}

static void model_check(struct model_entry *model)
{
	uint16_t want, got;
	unsigned int r;

	for (r = 0; r < MODEL_REFS; r++) {
		want = model[r].guest_flags;
		if (model[r].rd + model[r].wr > 0) {
			want |= GTF_reading;
		}
		if (model[r].wr > 0) {
			want |= GTF_writing;
		}
		got = flags_of(dom_a, r);
		if (got != want) {
			fail_msg("ref %u: flags %#x, model %#x", r, got, want);
		}
	}
}

static void test_random_grant_map_unmap_sequences_match_a_reference_model(
	void **state)
{
	static const uint16_t grant_kinds[] = {
		0,
		GTF_permit_access,
		GTF_permit_access | GTF_readonly,
		GTF_accept_transfer,
		GTF_permit_access | GTF_sub_page,
	};
	struct model_entry model[MODEL_REFS];
	struct model_map maps[MODEL_MAPS];
	struct domain *mappers[2] = {dom_b, dom_c};
	struct grant_entry_v1 *e;
	unsigned int nr_maps = 0, step, r, i, ok_maps = 0;
	struct domain *who;
	uint64_t bus;
	grant_handle_t h;
	int16_t want, got;
	uint16_t xen_bits;
	domid_t grantee;
	bool ro;

	memset(model, 0, sizeof(model));
	for (step = 0; step < MODEL_STEPS; step++) {
		r = model_rand(MODEL_REFS);
		switch (model_rand(4)) {
		case 0:
			/* The guest rewrites an entry, even one in use (a
			 * hostile guest may), keeping Xen's bits. */
			grantee = model_rand(3) == 0
					  ? 7
					  : mappers[model_rand(2)]->domain_id;
			model[r].guest_flags = grant_kinds[model_rand(
				ARRAY_SIZE(grant_kinds))];
			model[r].domid = grantee;
			model[r].frame = model_rand(8) == 0
						 ? RAM_PAGES + 3
						 : model_rand(RAM_PAGES);
			e = fake_grant_entry(dom_a, r);
			xen_bits = flags_of(dom_a, r) & XEN_BITS;
			e->frame = model[r].frame;
			e->domid = grantee;
			__atomic_store_n(&e->flags,
				(uint16_t)(model[r].guest_flags | xen_bits),
				__ATOMIC_RELEASE);
			break;
		case 1:
		case 2:
			if (nr_maps == MODEL_MAPS) {
				break;
			}
			who = mappers[model_rand(2)];
			ro = model_rand(2) == 0;
			want = model_map(&model[r], who->domain_id, ro);
			got = map_ref(who, dom_a->domain_id, r,
				GNTMAP_host_map | (ro ? GNTMAP_readonly : 0),
				&h, &bus);
			if (got != want) {
				fail_msg(
					"step %u: map ref %u by d%u ro %d: %d, "
					"model %d",
					step, r, who->domain_id, ro, got, want);
			}
			if (got == GNTST_okay) {
				assert_int_equal(
					bus, (uint64_t)model[r].gfn << 12);
				maps[nr_maps].mapper = who;
				maps[nr_maps].handle = h;
				maps[nr_maps].ref = r;
				maps[nr_maps].readonly = ro;
				nr_maps++;
				ok_maps++;
			}
			break;
		default:
			if (nr_maps == 0 || model_rand(10) == 0) {
				/* A handle nobody holds. */
				who = mappers[model_rand(2)];
				assert_int_equal(unmap_handle(who,
							 600 + model_rand(100)),
					GNTST_bad_handle);
				break;
			}
			i = model_rand(nr_maps);
			assert_int_equal(
				unmap_handle(maps[i].mapper, maps[i].handle),
				GNTST_okay);
			if (maps[i].readonly) {
				model[maps[i].ref].rd--;
			} else {
				model[maps[i].ref].wr--;
			}
			maps[i] = maps[--nr_maps];
			break;
		}
		model_check(model);
	}
	/* The run exercised mappings at all. */
	assert_true(ok_maps > 100);
	while (nr_maps > 0) {
		nr_maps--;
		assert_int_equal(unmap_handle(maps[nr_maps].mapper,
					 maps[nr_maps].handle),
			GNTST_okay);
		r = maps[nr_maps].ref;
		if (maps[nr_maps].readonly) {
			model[r].rd--;
		} else {
			model[r].wr--;
		}
		model_check(model);
	}
	for (r = 0; r < MODEL_REFS; r++) {
		assert_int_equal(flags_of(dom_a, r) & XEN_BITS, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, gt_setup, gt_teardown)
		T(test_a_read_write_map_sets_reading_and_writing_and_reaches_the_granted_frame),
		T(test_a_read_only_map_sets_only_reading),
		T(test_a_read_write_map_of_a_read_only_grant_fails_and_a_read_only_one_succeeds),
		T(test_an_ungranted_ref_or_a_ref_granted_to_another_domain_cannot_be_mapped),
		T(test_a_ref_beyond_the_table_is_a_bad_gntref),
		T(test_a_missing_or_reserved_domid_is_a_bad_domain),
		T(test_map_flags_need_a_host_mapping_and_a_ram_frame),
		T(test_a_failing_port_map_undoes_the_pin_and_the_handle),
		T(test_a_domain_may_map_its_own_grant_by_its_id),
		T(test_unmap_clears_the_flags_only_when_the_last_pin_goes),
		T(test_a_second_unmap_of_the_same_handle_is_a_bad_handle),
		T(test_an_out_of_range_handle_is_a_bad_handle),
		T(test_a_full_maptrack_gives_no_device_space),
		T(test_a_batch_maps_each_op_and_a_bad_address_faults),
		T(test_copy_between_two_domains_through_their_grants),
		T(test_copy_to_and_from_the_callers_own_frames),
		T(test_copy_with_a_bad_offset_or_length_is_a_bad_copy_arg),
		T(test_setup_table_returns_the_frame_gfns_and_refuses_too_many_frames),
		T(test_query_size_reports_current_and_maximum_frames),
		T(test_only_version_1_exists),
		T(test_dump_table_prints_the_entries_in_use),
		T(test_swap_grant_ref_swaps_unpinned_entries),
		T(test_unknown_or_malformed_commands_are_refused),
		T(test_killing_the_mapper_releases_its_mappings_and_clears_the_flags),
		T(test_a_killed_granter_stays_referenced_until_its_last_mapping_goes),
		T(test_a_dying_domain_cannot_map),
		T(test_random_grant_map_unmap_sequences_match_a_reference_model),
#undef T
	};

	return cmocka_run_group_tests_name("grant_table", tests, NULL, NULL);
}
