/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * HVMOP_set_param / HVMOP_get_param: the per-domain parameters PV and PVH
 * guests read at start (store and console frame and event channel). The
 * toolstack (the control domain) sets them; a guest may read its own and
 * set only the few Xen lets a guest set itself.
 */
#include "hvm/hvm_op.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"

static bool guest_may_set(uint32_t index)
{
	return index == HVM_PARAM_CALLBACK_IRQ;
}

static long hvm_param(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct domain *curr = v->domain, *d;
	struct xen_hvm_param p;
	long rc = 0;

	if (copy_arg_from_guest(v, &p, arg) != 0) {
		return -EFAULT;
	}
	if (p.index >= HVM_NR_PARAMS) {
		return -EINVAL;
	}
	d = domain_get_target(curr, p.domid);
	if (d == NULL) {
		return -ESRCH;
	}
	if (d != curr && !domain_is_control(curr) &&
		curr->target != d->domain_id) {
		domain_put(d);
		return -EPERM;
	}
	if (cmd == HVMOP_set_param) {
		if (d == curr && !domain_is_control(curr) &&
			!guest_may_set(p.index)) {
			rc = -EPERM;
		} else {
			d->hvm_params[p.index] = p.value;
		}
	} else {
		p.value = d->hvm_params[p.index];
		if (copy_arg_to_guest(v, arg, &p) != 0) {
			rc = -EFAULT;
		}
	}
	domain_put(d);
	return rc;
}

long do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case HVMOP_set_param:
	case HVMOP_get_param:
		return hvm_param(v, cmd, arg);
	default:
		return -ENOSYS;
	}
}
