/* SPDX-License-Identifier: GPL-2.0-only */
/* memory.h builds on its own and carries Xen's memory_op ABI. */
#include <stddef.h>

#include "check.h"
#include "memory.h"

int main(void)
{
	xen_pfn_t frames[4];
	struct xen_memory_reservation r = {
		.nr_extents = 4,
		.extent_order = 0,
		.mem_flags = XENMEMF_node(1),
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, frames);
	CHECK(r.extent_start.p == frames);
	CHECK_EQ(XENMEMF_get_node(r.mem_flags), 1);

	CHECK_EQ(XENMEM_increase_reservation, 0);
	CHECK_EQ(XENMEM_decrease_reservation, 1);
	CHECK_EQ(XENMEM_maximum_ram_page, 2);
	CHECK_EQ(XENMEM_populate_physmap, 6);
	CHECK_EQ(XENMEM_add_to_physmap, 7);
	CHECK_EQ(XENMEM_memory_map, 9);
	CHECK_EQ(XENMEM_exchange, 11);
	CHECK_EQ(XENMEM_remove_from_physmap, 15);
	CHECK_EQ(XENMEM_add_to_physmap_batch, 23);
	CHECK_EQ(XENMEM_claim_pages, 24);
	CHECK_EQ(XENMEM_reserved_device_memory_map, 27);

	CHECK_EQ(XENMAPSPACE_shared_info, 0);
	CHECK_EQ(XENMAPSPACE_grant_table, 1);
	CHECK_EQ(XENMAPSPACE_gmfn, 2);
	CHECK_EQ(XENMAPSPACE_gmfn_range, 3);
	CHECK_EQ(XENMAPSPACE_gmfn_foreign, 4);
	CHECK_EQ(XENMAPIDX_grant_table_status, 0x80000000u);

	CHECK_EQ(sizeof(r), 32);
	CHECK_EQ(offsetof(struct xen_memory_reservation, domid), 24);
	CHECK_EQ(sizeof(struct xen_memory_exchange), 72);
	CHECK_EQ(sizeof(struct xen_add_to_physmap), 24);
	CHECK_EQ(sizeof(struct xen_add_to_physmap_batch), 32);
	CHECK_EQ(sizeof(struct xen_remove_from_physmap), 16);
	CHECK_EQ(sizeof(struct xen_memory_map), 16);
	CHECK_EQ(sizeof(struct xen_vnuma_topology_info), 40);
	return check_result();
}
