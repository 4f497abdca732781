/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl: the toolstack's domain control, for the control domain only.
 * createdomain, destroydomain, pause/unpause, getdomaininfo, max_mem,
 * max_vcpus, setdomainhandle. The interface version must match.
 */
#include "domctl.h"

#include "xen/arch/arch.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"
#include "xen/sched_if.h"

void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	unsigned int i, online = 0, blocked = 0, running = 0;
	uint64_t cpu = 0;
	uint32_t flags = 0;
	struct vcpu *v;

	memset(info, 0, sizeof(*info));
	for (i = 0; i < d->max_vcpus; i++) {
		v = d->vcpu[i];
		if (v == NULL) {
			continue;
		}
		online++;
		cpu += v->cpu_time_ns;
		if (v->run_state == VCPU_BLOCKED) {
			blocked++;
		} else if (vcpu_runnable(v)) {
			running++;
		}
	}
	info->domain = d->domain_id;
	if (d->is_dying != DOMDYING_alive) {
		flags |= XEN_DOMINF_dying;
	}
	if (d->cdf & XEN_DOMCTL_CDF_hvm_guest) {
		flags |= XEN_DOMINF_hvm_guest;
	}
	if (d->cdf & XEN_DOMCTL_CDF_hap) {
		flags |= XEN_DOMINF_hap;
	}
	if (d->is_shut_down) {
		flags |= XEN_DOMINF_shutdown;
		flags |= (d->shutdown_code & XEN_DOMINF_shutdownmask)
			 << XEN_DOMINF_shutdownshift;
	}
	if (d->controller_pause_count > 0) {
		flags |= XEN_DOMINF_paused;
	}
	if (online > 0 && blocked == online) {
		flags |= XEN_DOMINF_blocked;
	}
	if (running > 0) {
		flags |= XEN_DOMINF_running;
	}
	info->flags = flags;
	info->tot_pages = d->tot_pages;
	info->max_pages = d->max_pages;
	info->shared_info_frame =
		d->shared_info != NULL ? arch_shared_info_gfn(d) : 0;
	info->cpu_time = cpu;
	info->nr_online_vcpus = online;
	info->max_vcpu_id =
		d->max_vcpus == 0 ? XEN_INVALID_MAX_VCPU_ID : d->max_vcpus - 1;
	memcpy(info->handle, d->handle, sizeof(info->handle));
}

static long domctl_createdomain(struct xen_domctl *op)
{
	struct domain *d;
	domid_t want = op->domain;
	uint32_t known = XEN_DOMCTL_CDF_hvm_guest | XEN_DOMCTL_CDF_hap |
			 XEN_DOMCTL_CDF_s3_integrity | XEN_DOMCTL_CDF_oos_off |
			 XEN_DOMCTL_CDF_xs_domain;
	int rc;

	if (op->u.createdomain.flags & ~known) {
		return -EINVAL;
	}
	/* 0 and the reserved ids ask for any free id. */
	if (want >= DOMID_FIRST_RESERVED) {
		want = 0;
	}
	rc = domain_create(want == 0 ? (domid_t)DOMID_FIRST_RESERVED : want,
		op->u.createdomain.flags, 1, op->u.createdomain.handle, false,
		&d);
	if (rc < 0) {
		return rc;
	}
	op->domain = d->domain_id;
	return 0;
}

long do_domctl(struct vcpu *v, uint64_t arg)
{
	struct domain *curr = v->domain, *d = NULL;
	struct xen_domctl op;
	bool copyback = false;
	long rc;

	if (copy_arg_from_guest(v, &op, arg) != 0) {
		return -EFAULT;
	}
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION) {
		return -EACCES;
	}
	if (!domain_is_control(curr)) {
		return -EPERM;
	}
	switch (op.cmd) {
	case XEN_DOMCTL_createdomain:
		rc = domctl_createdomain(&op);
		copyback = rc == 0;
		break;
	case XEN_DOMCTL_getdomaininfo:
		d = domain_get_next(op.domain);
		if (d == NULL) {
			rc = -ESRCH;
			break;
		}
		domain_getinfo(d, &op.u.getdomaininfo);
		op.domain = d->domain_id;
		rc = 0;
		copyback = true;
		break;
	case XEN_DOMCTL_destroydomain:
	case XEN_DOMCTL_pausedomain:
	case XEN_DOMCTL_unpausedomain:
	case XEN_DOMCTL_max_mem:
	case XEN_DOMCTL_max_vcpus:
	case XEN_DOMCTL_setdomainhandle:
		d = op.cmd == XEN_DOMCTL_destroydomain
			    ? domain_get_any(op.domain)
			    : domain_get(op.domain);
		if (d == NULL) {
			rc = -ESRCH;
			break;
		}
		if (d == curr && op.cmd != XEN_DOMCTL_max_mem &&
			op.cmd != XEN_DOMCTL_setdomainhandle) {
			rc = -EINVAL;
			break;
		}
		switch (op.cmd) {
		case XEN_DOMCTL_destroydomain:
			rc = domain_kill(d);
			break;
		case XEN_DOMCTL_pausedomain:
			rc = domain_pause_by_controller(d);
			break;
		case XEN_DOMCTL_unpausedomain:
			rc = domain_unpause_by_controller(d);
			break;
		case XEN_DOMCTL_max_mem:
			rc = arch_domain_set_max_pages(
				d, op.u.max_mem.max_memkb >> (PAGE_SHIFT - 10));
			break;
		case XEN_DOMCTL_max_vcpus:
			/* vCPUs are made at creation; the count cannot grow. */
			rc = op.u.max_vcpus.max >= 1 &&
					     op.u.max_vcpus.max <= d->max_vcpus
				     ? 0
				     : -EINVAL;
			break;
		default: /* XEN_DOMCTL_setdomainhandle */
			memcpy(d->handle, op.u.setdomainhandle.handle,
				sizeof(d->handle));
			rc = 0;
			break;
		}
		break;
	default:
		rc = -ENOSYS;
		break;
	}
	domain_put(d);
	if (copyback && copy_arg_to_guest(v, arg, &op) != 0) {
		rc = -EFAULT;
	}
	return rc;
}
