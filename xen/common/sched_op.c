/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SCHEDOP_*: yield, block, poll, shutdown (and its remote and code-only
 * forms). A blocking call leaves the vCPU blocked when it returns; the
 * port holds the vCPU until vcpu_unblock() wakes it (arch_vcpu_wake).
 */
#include "sched.h"
#include "xen/arch/arch.h"
#include "xen/event.h"
#include "xen/guest_access.h"
#include "xen/hypercall.h"
#include "xen/sched_if.h"

static bool local_events_need_delivery(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info(v);

	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) !=
		       0 &&
	       __atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST) == 0;
}

static long sched_block(struct vcpu *v)
{
	/* Blocking enables event delivery, as on Xen. */
	__atomic_store_n(
		&vcpu_info(v)->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
	if (local_events_need_delivery(v)) {
		return 0;
	}
	vcpu_block(v);
	return 0;
}

static long sched_poll(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->domain;
	struct sched_poll p;
	evtchn_port_t port;
	unsigned int i;

	if (copy_arg_from_guest(v, &p, arg) != 0) {
		return -EFAULT;
	}
	if (p.nr_ports > POLL_MAX_PORTS) {
		return -EINVAL;
	}
	/* As Xen: an upcall the guest would take ends the poll at once. */
	if (local_events_need_delivery(v)) {
		return 0;
	}
	v->nr_poll_ports = 0;
	for (i = 0; i < p.nr_ports; i++) {
		if (copy_from_guest_offset(v, &port, p.ports, i, 1) != 0) {
			return -EFAULT;
		}
		if (!evtchn_port_is_valid(d, port)) {
			return -EINVAL;
		}
		v->poll_ports[v->nr_poll_ports++] = port;
		if (evtchn_is_pending(d, port)) {
			v->nr_poll_ports = 0;
			return 0;
		}
	}
	if (p.timeout != 0 && p.timeout <= arch_now_ns()) {
		v->nr_poll_ports = 0;
		return 0;
	}
	v->polling = true;
	v->poll_timed_out = false;
	v->poll_deadline = p.timeout;
	vcpu_block(v);
	return 0;
}

long do_sched_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct sched_shutdown sd;
	struct sched_remote_shutdown rs;
	struct domain *d;

	switch (cmd) {
	case SCHEDOP_yield:
		sched_yield_vcpu(v);
		return 0;
	case SCHEDOP_block:
		return sched_block(v);
	case SCHEDOP_poll:
		return sched_poll(v, arg);
	case SCHEDOP_shutdown:
		if (copy_arg_from_guest(v, &sd, arg) != 0) {
			return -EFAULT;
		}
		if (sd.reason > SHUTDOWN_MAX) {
			return -EINVAL;
		}
		domain_shutdown(v->domain, sd.reason);
		return 0;
	case SCHEDOP_shutdown_code:
		if (copy_arg_from_guest(v, &sd, arg) != 0) {
			return -EFAULT;
		}
		if (sd.reason > SHUTDOWN_MAX) {
			return -EINVAL;
		}
		/* As Xen: only the first code recorded counts. */
		if (v->domain->shutdown_code == ~0u) {
			v->domain->shutdown_code = sd.reason;
		}
		return 0;
	case SCHEDOP_remote_shutdown:
		if (copy_arg_from_guest(v, &rs, arg) != 0) {
			return -EFAULT;
		}
		if (!domain_is_control(v->domain)) {
			return -EPERM;
		}
		if (rs.reason > SHUTDOWN_MAX) {
			return -EINVAL;
		}
		d = domain_get(rs.domain_id);
		if (d == NULL) {
			return -ESRCH;
		}
		domain_shutdown(d, rs.reason);
		domain_put(d);
		return 0;
	case SCHEDOP_watchdog:
	case SCHEDOP_pin_override:
		return -EOPNOTSUPP;
	default:
		return -ENOSYS;
	}
}
