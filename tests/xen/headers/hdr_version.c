/* SPDX-License-Identifier: GPL-2.0-only */
/* version.h builds on its own and carries Xen's xen_version ABI. */
#include <stddef.h>

#include "check.h"
#include "version.h"

int main(void)
{
	CHECK_EQ(XENVER_version, 0);
	CHECK_EQ(XENVER_extraversion, 1);
	CHECK_EQ(XENVER_compile_info, 2);
	CHECK_EQ(XENVER_capabilities, 3);
	CHECK_EQ(XENVER_changeset, 4);
	CHECK_EQ(XENVER_platform_parameters, 5);
	CHECK_EQ(XENVER_get_features, 6);
	CHECK_EQ(XENVER_pagesize, 7);
	CHECK_EQ(XENVER_guest_handle, 8);
	CHECK_EQ(XENVER_commandline, 9);
	CHECK_EQ(XENVER_build_id, 10);

	CHECK_EQ(XEN_EXTRAVERSION_LEN, 16);
	CHECK_EQ(XEN_CAPABILITIES_INFO_LEN, 1024);
	CHECK_EQ(XEN_CHANGESET_INFO_LEN, 64);
	CHECK_EQ(sizeof(xen_commandline_t), 1024);
	CHECK_EQ(sizeof(struct xen_compile_info), 144);
	CHECK_EQ(sizeof(struct xen_feature_info), 8);
	CHECK_EQ(offsetof(struct xen_build_id, buf), 4);

	CHECK_EQ(XENFEAT_writable_page_tables, 0);
	CHECK_EQ(XENFEAT_auto_translated_physmap, 2);
	CHECK_EQ(XENFEAT_hvm_callback_vector, 8);
	CHECK_EQ(XENFEAT_dom0, 11);
	CHECK_EQ(XENFEAT_NR_SUBMAPS, 1);
	return check_result();
}
