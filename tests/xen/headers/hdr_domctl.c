/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl.h builds on its own and carries Xen 4.9's domctl ABI subset. */
#include <stddef.h>

#include "check.h"
#include "domctl.h"

int main(void)
{
	struct xen_domctl d = {
		.cmd = XEN_DOMCTL_max_mem,
		.interface_version = XEN_DOMCTL_INTERFACE_VERSION,
		.domain = 1,
	};
	uint32_t flags =
		XEN_DOMINF_shutdown |
		((uint32_t)1 << XEN_DOMINF_shutdownshift); /* SHUTDOWN_reboot */

	d.u.max_mem.max_memkb = 1024;

	CHECK_EQ(XEN_DOMCTL_INTERFACE_VERSION, 0x0d);
	CHECK_EQ(XEN_DOMCTL_createdomain, 1);
	CHECK_EQ(XEN_DOMCTL_destroydomain, 2);
	CHECK_EQ(XEN_DOMCTL_pausedomain, 3);
	CHECK_EQ(XEN_DOMCTL_unpausedomain, 4);
	CHECK_EQ(XEN_DOMCTL_getdomaininfo, 5);
	CHECK_EQ(XEN_DOMCTL_setvcpuaffinity, 9);
	CHECK_EQ(XEN_DOMCTL_max_mem, 11);
	CHECK_EQ(XEN_DOMCTL_max_vcpus, 15);
	CHECK_EQ(XEN_DOMCTL_setdomainhandle, 17);
	CHECK_EQ(XEN_DOMCTL_soft_reset, 79);
	CHECK_EQ(XEN_DOMCTL_CDF_hvm_guest, 1);
	CHECK_EQ(XEN_DOMCTL_CDF_hap, 2);
	CHECK_EQ(XEN_DOMCTL_CDF_xs_domain, 16);

	CHECK_EQ(XEN_DOMINF_dying, 1);
	CHECK_EQ(XEN_DOMINF_hvm_guest, 2);
	CHECK_EQ(XEN_DOMINF_shutdown, 4);
	CHECK_EQ(XEN_DOMINF_paused, 8);
	CHECK_EQ(XEN_DOMINF_blocked, 16);
	CHECK_EQ(XEN_DOMINF_running, 32);
	CHECK_EQ(XEN_DOMINF_xs_domain, 128);
	CHECK_EQ((flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask,
		1);

	CHECK_EQ(sizeof(d), 144);
	CHECK_EQ(offsetof(struct xen_domctl, u), 16);
	CHECK_EQ(offsetof(struct xen_domctl, u.max_mem.max_memkb), 16);
	CHECK_EQ(sizeof(struct xen_domctl_createdomain), 28);
	CHECK_EQ(sizeof(struct xen_domctl_getdomaininfo), 96);
	CHECK_EQ(offsetof(struct xen_domctl_getdomaininfo, handle), 76);
	CHECK_EQ(d.u.max_mem.max_memkb, 1024);
	return check_result();
}
