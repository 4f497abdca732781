/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysctl: host-wide queries for the control domain: the domain list, the
 * physical machine, the scheduler in use and the console ring.
 */
#include "sysctl.h"

#include "xen/arch/arch.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"
#include "xen/sched_if.h"

#define GETDOMAININFOLIST_MAX 1024

static long getdomaininfolist(
	struct vcpu *v, struct xen_sysctl_getdomaininfolist *l)
{
	struct xen_domctl_getdomaininfo info;
	unsigned int n = 0, max = l->max_domains;
	unsigned int next = l->first_domain;
	struct domain *d;

	if (max > GETDOMAININFOLIST_MAX) {
		max = GETDOMAININFOLIST_MAX;
	}
	while (n < max && next < DOMID_FIRST_RESERVED) {
		d = domain_get_next((domid_t)next);
		if (d == NULL) {
			break;
		}
		domain_getinfo(d, &info);
		next = d->domain_id + 1u;
		domain_put(d);
		if (copy_to_guest_offset(v, l->buffer, n, &info, 1) != 0) {
			return -EFAULT;
		}
		n++;
	}
	l->num_domains = n;
	return 0;
}

static long readconsole(struct vcpu *v, struct xen_sysctl_readconsole *rc)
{
	char chunk[256];
	uint32_t done = 0, want;
	uint64_t idx = rc->incremental ? rc->index : 0;
	size_t got;

	while (done < rc->count) {
		want = MIN(rc->count - done, (uint32_t)sizeof(chunk));
		got = console_ring_read(chunk, want, &idx);
		if (got == 0) {
			break;
		}
		if (copy_to_guest_offset(v, rc->buffer, done, chunk, got) !=
			0) {
			return -EFAULT;
		}
		done += (uint32_t)got;
	}
	rc->count = done;
	rc->index = (uint32_t)idx;
	return 0;
}

long do_sysctl(struct vcpu *v, uint64_t arg)
{
	struct xen_sysctl op;
	long rc;

	if (copy_arg_from_guest(v, &op, arg) != 0) {
		return -EFAULT;
	}
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION) {
		return -EACCES;
	}
	if (!domain_is_control(v->domain)) {
		return -EPERM;
	}
	switch (op.cmd) {
	case XEN_SYSCTL_getdomaininfolist:
		rc = getdomaininfolist(v, &op.u.getdomaininfolist);
		break;
	case XEN_SYSCTL_physinfo:
		memset(&op.u.physinfo, 0, sizeof(op.u.physinfo));
		op.u.physinfo.threads_per_core = 1;
		op.u.physinfo.cores_per_socket = arch_nr_cpus();
		op.u.physinfo.nr_cpus = arch_nr_cpus();
		op.u.physinfo.max_cpu_id = arch_nr_cpus() - 1;
		op.u.physinfo.nr_nodes = 1;
		op.u.physinfo.total_pages = 0;
		rc = 0;
		break;
	case XEN_SYSCTL_readconsole:
		rc = readconsole(v, &op.u.readconsole);
		break;
	default:
		rc = -ENOSYS;
		break;
	}
	if (rc == 0 && copy_arg_to_guest(v, arg, &op) != 0) {
		rc = -EFAULT;
	}
	return rc;
}
