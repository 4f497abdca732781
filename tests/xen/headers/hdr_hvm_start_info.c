/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm/start_info.h builds on its own and has Xen's PVH start layout. */
#include <stddef.h>

#include "check.h"
#include "hvm/start_info.h"

int main(void)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
	};

	CHECK_EQ(si.magic, 0x336ec578);
	CHECK_EQ(sizeof(si), 56);
	CHECK_EQ(offsetof(struct hvm_start_info, modlist_paddr), 16);
	CHECK_EQ(offsetof(struct hvm_start_info, rsdp_paddr), 32);
	CHECK_EQ(offsetof(struct hvm_start_info, memmap_paddr), 40);
	CHECK_EQ(sizeof(struct hvm_modlist_entry), 32);
	CHECK_EQ(sizeof(struct hvm_memmap_table_entry), 24);
	CHECK_EQ(XEN_HVM_MEMMAP_TYPE_RAM, 1);
	CHECK_EQ(XEN_HVM_MEMMAP_TYPE_PMEM, 7);
	return check_result();
}
