/* SPDX-License-Identifier: GPL-2.0-only */
/* sysctl.h builds on its own and carries Xen 4.9's sysctl ABI subset. */
#include <stddef.h>

#include "check.h"
#include "sysctl.h"

int main(void)
{
	xen_domctl_getdomaininfo_t infos[4];
	struct xen_sysctl s = {
		.cmd = XEN_SYSCTL_getdomaininfolist,
		.interface_version = XEN_SYSCTL_INTERFACE_VERSION,
	};

	s.u.getdomaininfolist.first_domain = 0;
	s.u.getdomaininfolist.max_domains = 4;
	set_xen_guest_handle(s.u.getdomaininfolist.buffer, infos);
	CHECK(s.u.getdomaininfolist.buffer.p == infos);

	CHECK_EQ(XEN_SYSCTL_INTERFACE_VERSION, 0x0f);
	CHECK_EQ(XEN_SYSCTL_readconsole, 1);
	CHECK_EQ(XEN_SYSCTL_physinfo, 3);
	CHECK_EQ(XEN_SYSCTL_sched_id, 4);
	CHECK_EQ(XEN_SYSCTL_getdomaininfolist, 6);
	CHECK_EQ(XEN_SYSCTL_debug_keys, 7);
	CHECK_EQ(XEN_SYSCTL_livepatch_op, 27);
	CHECK_EQ(XEN_SYSCTL_PHYSCAP_hvm, 1);
	CHECK_EQ(XEN_SYSCTL_PHYSCAP_hvm_directio, 2);

	CHECK_EQ(sizeof(s), 136);
	CHECK_EQ(offsetof(struct xen_sysctl, u), 8);
	CHECK_EQ(sizeof(struct xen_sysctl_physinfo), 104);
	CHECK_EQ(offsetof(struct xen_sysctl_physinfo, total_pages), 32);
	CHECK_EQ(offsetof(struct xen_sysctl_physinfo, capabilities), 96);
	CHECK_EQ(sizeof(struct xen_sysctl_getdomaininfolist), 24);
	CHECK_EQ(
		offsetof(struct xen_sysctl_getdomaininfolist, num_domains), 16);
	CHECK_EQ(sizeof(struct xen_sysctl_readconsole), 24);
	return check_result();
}
