/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every public header in one translation unit, leaf headers first, to
 * catch clashing definitions; then a few values that cross headers.
 */
#include "arch-x86/xen-x86_64.h"
#include "arch-x86/xen.h"
#include "check.h"
#include "domctl.h"
#include "event_channel.h"
#include "grant_table.h"
#include "hvm/dm_op.h"
#include "hvm/hvm_op.h"
#include "hvm/ioreq.h"
#include "hvm/params.h"
#include "hvm/start_info.h"
#include "io/9pfs.h"
#include "io/console.h"
#include "io/pvcalls.h"
#include "io/ring.h"
#include "io/xenbus.h"
#include "io/xs_wire.h"
#include "memory.h"
#include "sched.h"
#include "sysctl.h"
#include "version.h"
#include "xen.h"

int main(void)
{
	struct xen_sysctl_getdomaininfolist l;
	struct xen_domctl_getdomaininfo info;

	set_xen_guest_handle(l.buffer, &info);
	CHECK(l.buffer.p == &info);
	CHECK_EQ(sizeof(struct shared_info), 3136);
	CHECK_EQ(sizeof(struct vcpu_info), 64);
	CHECK_EQ(sizeof(grant_entry_v1_t), 8);
	CHECK_EQ(sizeof(ioreq_t), 32);
	CHECK_EQ(sizeof(struct hvm_start_info), 56);
	CHECK_EQ(sizeof(struct xen_dm_op), 32);
	CHECK_EQ(sizeof(struct xencons_interface), 3088);
	CHECK_EQ(sizeof(struct xenstore_domain_interface), 2080);
	CHECK_EQ(EVTCHN_2L_NR_CHANNELS,
		sizeof(((struct shared_info *)0)->evtchn_pending) * 8);
	CHECK_EQ(VIRQ_DOM_EXC, 3);
	CHECK_EQ(GTF_permit_access, 1);
	CHECK_EQ(HVM_PARAM_STORE_PFN, 1);
	CHECK_EQ(SCHEDOP_shutdown, 2);
	CHECK_EQ(XenbusStateConnected, 4);
	CHECK_EQ(XEN_LEGACY_MAX_VCPUS,
		sizeof(((struct shared_info *)0)->vcpu_info) /
			sizeof(struct vcpu_info));
	return check_result();
}
