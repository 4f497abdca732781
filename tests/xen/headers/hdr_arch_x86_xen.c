/* SPDX-License-Identifier: GPL-2.0-only */
/* arch-x86/xen.h builds on its own and has the x86_64 types and layouts. */
#include <stddef.h>

#include "arch-x86/xen.h"
#include "check.h"

int main(void)
{
	XEN_GUEST_HANDLE(const_trap_info_t) h;
	struct trap_info ti = {0};

	set_xen_guest_handle(h, &ti);
	CHECK(h.p == &ti);
	TI_SET_DPL(&ti, 3);
	TI_SET_IF(&ti, 1);
	CHECK_EQ(TI_GET_DPL(&ti), 3);
	CHECK(TI_GET_IF(&ti) != 0);

	CHECK_EQ(sizeof(xen_pfn_t), 8);
	CHECK_EQ(sizeof(xen_ulong_t), 8);
	CHECK_EQ(XEN_LEGACY_MAX_VCPUS, 32);
	CHECK_EQ(FIRST_RESERVED_GDT_ENTRY, 7168);
	CHECK_EQ(sizeof(struct arch_shared_info), 48);
	CHECK_EQ(sizeof(struct vcpu_guest_context), 5168);
	CHECK_EQ(offsetof(struct vcpu_guest_context, user_regs), 520);
	CHECK_EQ(offsetof(struct vcpu_guest_context, gs_base_user), 5160);
	CHECK_EQ(VGCF_online, 32);
	CHECK_EQ(XEN_X86_EMU_ALL, 0x3ff);
	return check_result();
}
