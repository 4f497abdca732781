/* SPDX-License-Identifier: GPL-2.0-only */
/* xen.h builds on its own and carries Xen's core ABI values. */
#include <stddef.h>

#include "check.h"
#include "xen.h"

int main(void)
{
	struct shared_info si;
	struct start_info st;
	xen_domain_handle_t h;

	CHECK_EQ(__HYPERVISOR_memory_op, 12);
	CHECK_EQ(__HYPERVISOR_console_io, 18);
	CHECK_EQ(__HYPERVISOR_grant_table_op, 20);
	CHECK_EQ(__HYPERVISOR_sched_op, 29);
	CHECK_EQ(__HYPERVISOR_event_channel_op, 32);
	CHECK_EQ(__HYPERVISOR_hvm_op, 34);
	CHECK_EQ(__HYPERVISOR_sysctl, 35);
	CHECK_EQ(__HYPERVISOR_domctl, 36);
	CHECK_EQ(__HYPERVISOR_dm_op, 41);
	CHECK_EQ(__HYPERVISOR_arch_0, 48);

	CHECK_EQ(VIRQ_TIMER, 0);
	CHECK_EQ(VIRQ_CONSOLE, 2);
	CHECK_EQ(VIRQ_DOM_EXC, 3);
	CHECK_EQ(VIRQ_DEBUGGER, 6);
	CHECK_EQ(VIRQ_ENOMEM, 12);
	CHECK_EQ(NR_VIRQS, 24);

	CHECK_EQ(DOMID_FIRST_RESERVED, 0x7FF0);
	CHECK_EQ(DOMID_SELF, 0x7FF0);
	CHECK_EQ(DOMID_IO, 0x7FF1);
	CHECK_EQ(DOMID_XEN, 0x7FF2);
	CHECK_EQ(DOMID_COW, 0x7FF3);
	CHECK_EQ(DOMID_INVALID, 0x7FF4);
	CHECK_EQ(DOMID_IDLE, 0x7FFF);
	CHECK_EQ(sizeof(domid_t), 2);

	CHECK_EQ(CONSOLEIO_write, 0);
	CHECK_EQ(CONSOLEIO_read, 1);
	CHECK_EQ(SIF_PRIVILEGED, 1);
	CHECK_EQ(SIF_INITDOMAIN, 2);
	CHECK_EQ(SIF_MOD_START_PFN, 8);
	CHECK_EQ(MAX_VIRT_CPUS, 32);
	CHECK_EQ(MAX_GUEST_CMDLINE, 1024);

	CHECK_EQ(sizeof(struct vcpu_info), 64);
	CHECK_EQ(sizeof(struct vcpu_time_info), 32);
	CHECK_EQ(sizeof(struct shared_info), 3136);
	CHECK_EQ(sizeof(si.evtchn_pending) * 8, 4096);
	CHECK_EQ(sizeof(si.evtchn_mask) * 8, 4096);
	CHECK_EQ(offsetof(struct shared_info, wc_sec_hi), 3084);
	CHECK_EQ(sizeof(struct start_info), 1168);
	CHECK_EQ(offsetof(struct start_info, console.domU.evtchn), 80);
	CHECK_EQ(sizeof(st.magic), 32);
	CHECK_EQ(sizeof(h), 16);
	CHECK_EQ(sizeof(struct mmu_update), 16);
	CHECK_EQ(sizeof(struct multicall_entry), 64);

	/* Guest handles are one pointer wide and settable. */
	{
		XEN_GUEST_HANDLE(uint64) hnd;
		uint64_t v = 7;

		set_xen_guest_handle(hnd, &v);
		CHECK(hnd.p == &v);
		CHECK_EQ(sizeof(hnd), sizeof(void *));
	}
	return check_result();
}
