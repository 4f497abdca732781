/* SPDX-License-Identifier: GPL-2.0-only */
/* arch-x86/xen-x86_64.h builds on its own and has the x86_64 frame. */
#include <stddef.h>

#include "arch-x86/xen-x86_64.h"
#include "check.h"

int main(void)
{
	CHECK_EQ(sizeof(struct cpu_user_regs), 200);
	CHECK_EQ(offsetof(struct cpu_user_regs, rax), 80);
	CHECK_EQ(offsetof(struct cpu_user_regs, rip), 128);
	CHECK_EQ(offsetof(struct cpu_user_regs, rsp), 152);
	CHECK_EQ(sizeof(struct arch_vcpu_info), 16);
	CHECK_EQ(sizeof(struct iret_context), 72);
	CHECK(HYPERVISOR_VIRT_START == 0xFFFF800000000000UL);
	CHECK(HYPERVISOR_VIRT_END == 0xFFFF880000000000UL);
	CHECK_EQ(MACH2PHYS_NR_ENTRIES, 0x4000000000UL >> 3);
	CHECK_EQ(FLAT_KERNEL_CS, 0xe033);
	CHECK_EQ(FLAT_KERNEL_SS, 0xe02b);
	CHECK_EQ(VGCF_in_syscall, 256);
	CHECK_EQ(xen_pfn_to_cr3(0x1234), 0x1234000);
	CHECK_EQ(xen_cr3_to_pfn(0x1234000), 0x1234);
	return check_result();
}
