/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The waiter guest (a control domain): polls XEN_DOMCTL_getdomaininfo for
 * domain 1 until it has used CPU time, then powers off. Sharing one CPU
 * with the spin guest, it finishes only if the scheduler's time slices
 * preempt whichever of the two runs first.
 */
#include "domctl.h"
#include "guest.h"

static int d1_has_run(void)
{
	struct xen_domctl op;

	__builtin_memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_getdomaininfo;
	op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op.domain = 1;
	if (guest_hypercall3(__HYPERVISOR_domctl, (unsigned long)(uintptr_t)&op,
		    0, 0) != 0) {
		return -1;
	}
	return op.u.getdomaininfo.domain == 1 &&
	       op.u.getdomaininfo.cpu_time > 0;
}

void guest_main(const struct hvm_start_info *si)
{
	int rc;

	(void)si;
	guest_puts("waiter: waiting for d1 to run\n");
	while ((rc = d1_has_run()) == 0) {
		__asm__ volatile("pause");
	}
	if (rc < 0) {
		guest_puts("waiter: getdomaininfo failed\n");
		guest_shutdown(SHUTDOWN_crash);
		return;
	}
	guest_puts("waiter: d1 has run\n");
	guest_shutdown(SHUTDOWN_poweroff);
}
