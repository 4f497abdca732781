/* SPDX-License-Identifier: GPL-2.0-only */
/* grant_table.h builds on its own and carries Xen's grant table ABI. */
#include <stddef.h>

#include "check.h"
#include "grant_table.h"

int main(void)
{
	static const char *const msgs[] = GNTTABOP_error_msgs;
	struct grant_entry_v1 e = {
		.flags = GTF_permit_access | GTF_readonly,
		.domid = 0,
		.frame = 0x1234,
	};

	CHECK_EQ(GTF_invalid, 0);
	CHECK_EQ(GTF_permit_access, 1);
	CHECK_EQ(GTF_accept_transfer, 2);
	CHECK_EQ(GTF_transitive, 3);
	CHECK_EQ(GTF_readonly, 4);
	CHECK_EQ(GTF_reading, 8);
	CHECK_EQ(GTF_writing, 16);
	CHECK_EQ(GTF_sub_page, 256);
	CHECK_EQ(GTF_transfer_completed, 8);
	CHECK_EQ(e.flags & GTF_type_mask, GTF_permit_access);

	CHECK_EQ(GNTTABOP_map_grant_ref, 0);
	CHECK_EQ(GNTTABOP_unmap_grant_ref, 1);
	CHECK_EQ(GNTTABOP_setup_table, 2);
	CHECK_EQ(GNTTABOP_dump_table, 3);
	CHECK_EQ(GNTTABOP_copy, 5);
	CHECK_EQ(GNTTABOP_query_size, 6);
	CHECK_EQ(GNTTABOP_set_version, 8);
	CHECK_EQ(GNTTABOP_cache_flush, 12);

	CHECK_EQ(GNTMAP_device_map, 1);
	CHECK_EQ(GNTMAP_host_map, 2);
	CHECK_EQ(GNTMAP_readonly, 4);
	CHECK_EQ(GNTMAP_contains_pte, 16);
	CHECK_EQ(GNTMAP_guest_avail_mask, 0xffff0000u);
	CHECK_EQ(GNTCOPY_source_gref, 1);
	CHECK_EQ(GNTCOPY_dest_gref, 2);

	CHECK_EQ(GNTST_okay, 0);
	CHECK_EQ(GNTST_bad_domain, -2);
	CHECK_EQ(GNTST_permission_denied, -8);
	CHECK_EQ(GNTST_eagain, -12);
	CHECK_EQ(sizeof(msgs) / sizeof(msgs[0]), 1 - GNTST_eagain);
	CHECK_EQ(GNTTAB_RESERVED_XENSTORE, 1);

	CHECK_EQ(sizeof(e), 8);
	CHECK_EQ(sizeof(union grant_entry_v2), 16);
	CHECK_EQ(sizeof(struct gnttab_map_grant_ref), 32);
	CHECK_EQ(offsetof(struct gnttab_map_grant_ref, handle), 20);
	CHECK_EQ(sizeof(struct gnttab_unmap_grant_ref), 24);
	CHECK_EQ(sizeof(struct gnttab_setup_table), 24);
	CHECK_EQ(sizeof(struct gnttab_copy), 40);
	CHECK_EQ(offsetof(struct gnttab_copy, dest), 16);
	CHECK_EQ(sizeof(struct gnttab_query_size), 16);
	CHECK_EQ(sizeof(struct gnttab_dump_table), 4);
	CHECK_EQ(sizeof(struct gnttab_set_version), 4);
	return check_result();
}
