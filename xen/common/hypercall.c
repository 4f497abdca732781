/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall dispatch: the port decodes a call (VMMCALL registers on bare
 * metal, a socket message on the hosted port) and hands the number and
 * raw arguments here. Unknown or unsupported calls give -ENOSYS, as Xen.
 */
#include "xen/hypercall.h"

#include "xen/event.h"
#include "xen/gnttab.h"

long hypercall_dispatch(struct vcpu *v, unsigned int op, const uint64_t args[5])
{
	switch (op) {
	case __HYPERVISOR_sched_op:
		return do_sched_op(v, (unsigned int)args[0], args[1]);
	case __HYPERVISOR_event_channel_op:
		return do_event_channel_op(v, (unsigned int)args[0], args[1]);
	case __HYPERVISOR_grant_table_op:
		if (args[2] > UINT32_MAX) {
			return -EINVAL;
		}
		return do_grant_table_op(v, (unsigned int)args[0], args[1],
			(unsigned int)args[2]);
	case __HYPERVISOR_console_io:
		if (args[1] > UINT32_MAX) {
			return -EINVAL;
		}
		return do_console_io(v, (unsigned int)args[0],
			(unsigned int)args[1], args[2]);
	case __HYPERVISOR_xen_version:
		return do_xen_version(v, (unsigned int)args[0], args[1]);
	case __HYPERVISOR_hvm_op:
		return do_hvm_op(v, (unsigned int)args[0], args[1]);
	case __HYPERVISOR_memory_op:
		return do_memory_op(v, (unsigned int)args[0], args[1]);
	case __HYPERVISOR_domctl:
		return do_domctl(v, args[0]);
	case __HYPERVISOR_sysctl:
		return do_sysctl(v, args[0]);
	case __HYPERVISOR_dm_op:
		if (args[0] > UINT16_MAX || args[1] > UINT32_MAX) {
			return -EINVAL;
		}
		return do_dm_op(
			v, (domid_t)args[0], (unsigned int)args[1], args[2]);
	default:
		return -ENOSYS;
	}
}
