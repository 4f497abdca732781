/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op: the queries a guest or the toolstack makes about a domain's
 * memory. A domain's RAM is given whole by the port at creation
 * (d->max_pages frames from 0), so reservations report that.
 */
#include "memory.h"

#include "xen/guest_access.h"
#include "xen/hypercall.h"

static long reservation_query(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct domain *curr = v->domain, *d;
	domid_t domid;
	long rc;

	if (copy_arg_from_guest(v, &domid, arg) != 0) {
		return -EFAULT;
	}
	d = domain_get_target(curr, domid);
	if (d == NULL) {
		return -ESRCH;
	}
	if (d != curr && !domain_is_control(curr) &&
		curr->target != d->domain_id) {
		domain_put(d);
		return -EPERM;
	}
	switch (cmd) {
	case XENMEM_current_reservation:
		rc = (long)d->tot_pages;
		break;
	case XENMEM_maximum_reservation:
		rc = (long)d->max_pages;
		break;
	default: /* XENMEM_maximum_gpfn */
		rc = d->max_pages == 0 ? 0 : (long)(d->max_pages - 1);
		break;
	}
	domain_put(d);
	return rc;
}

long do_memory_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		return reservation_query(v, cmd, arg);
	case XENMEM_maximum_ram_page:
		if (!domain_is_control(v->domain)) {
			return -EPERM;
		}
		return 0x100000; /* 4 GiB of machine frames */
	default:
		return -ENOSYS;
	}
}
