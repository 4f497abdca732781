/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels with the 2-level ABI: ports, their states, and delivery
 * through the pending and mask bitmaps of shared_info and the upcall
 * flags of vcpu_info, exactly as PV and PVH guests expect:
 *
 *   set pending bit -> if unmasked and the word's selector bit was clear,
 *   set it -> if evtchn_upcall_pending was clear, set it and kick the vCPU.
 *
 * Port 0 is reserved. Ports live in buckets of EVTCHN_BUCKET, allocated on
 * first use, so thousands of domains cost little. Every port number, domid
 * and vCPU number from a guest is checked before use.
 */
#include "xen/arch/arch.h"
#include "xen/event.h"
#include "xen/guest_access.h"
#include "xen/sched_if.h"

static bool virq_is_global(unsigned int virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port)
{
	return port < d->max_evtchns && d->evtchn != NULL &&
	       d->evtchn[port / EVTCHN_BUCKET] != NULL;
}

/* ---- where the bits live ------------------------------------------------ */

static unsigned long *pending_words(struct domain *d)
{
	return d->evtchn_wide != NULL
		       ? d->evtchn_wide
		       : (unsigned long *)d->shared_info->evtchn_pending;
}

static unsigned long *mask_words(struct domain *d)
{
	return d->evtchn_wide != NULL
		       ? d->evtchn_wide + d->max_evtchns / BITS_PER_ULONG
		       : (unsigned long *)d->shared_info->evtchn_mask;
}

static unsigned long *sel_words(struct vcpu *v)
{
	struct domain *d = v->domain;

	return d->evtchn_wide != NULL
		       ? d->evtchn_wide + 2 * (d->max_evtchns / BITS_PER_ULONG)
		       : (unsigned long *)&vcpu_info(v)->evtchn_pending_sel;
}

bool evtchn_is_pending(struct domain *d, evtchn_port_t port)
{
	return port < d->max_evtchns && test_bit(port, pending_words(d));
}

void evtchn_words(struct domain *d, unsigned long **pending,
	unsigned long **mask, unsigned long **sel, unsigned int *nr_words)
{
	*pending = pending_words(d);
	*mask = mask_words(d);
	*sel = sel_words(d->vcpu[0]);
	*nr_words = d->max_evtchns / BITS_PER_ULONG;
}

struct evtchn *evtchn_from_port(struct domain *d, evtchn_port_t port)
{
	if (!evtchn_port_is_valid(d, port)) {
		return NULL;
	}
	return &d->evtchn[port / EVTCHN_BUCKET][port % EVTCHN_BUCKET];
}

int evtchn_init(struct domain *d)
{
	unsigned int wide = arch_evtchn_wide_ports(d), words;

	d->max_evtchns = domain_limits.max_evtchns;
	if (d->max_evtchns > EVTCHN_NR_PORTS || d->max_evtchns == 0) {
		d->max_evtchns = EVTCHN_NR_PORTS;
	}
	if (wide > EVTCHN_NR_PORTS) {
		/* Whole selector words: multiples of 64 * 64 ports. */
		wide = MIN(wide, EVTCHN_MAX_PORTS);
		d->max_evtchns = (wide + EVTCHN_NR_PORTS - 1) /
				 EVTCHN_NR_PORTS * EVTCHN_NR_PORTS;
		words = d->max_evtchns / BITS_PER_ULONG;
		d->evtchn_wide = xzalloc_array(
			unsigned long, 2 * words + words / BITS_PER_ULONG);
		if (d->evtchn_wide == NULL) {
			return -ENOMEM;
		}
	}
	d->evtchn = xzalloc_array(struct evtchn *,
		(d->max_evtchns + EVTCHN_BUCKET - 1) / EVTCHN_BUCKET);
	if (d->evtchn == NULL) {
		return -ENOMEM;
	}
	d->evtchn[0] = xzalloc_array(struct evtchn, EVTCHN_BUCKET);
	if (d->evtchn[0] == NULL) {
		return -ENOMEM;
	}
	d->evtchn[0][0].state = ECS_RESERVED;
	d->evtchn_in_use = 0;
	return 0;
}

void evtchn_free_buckets(struct domain *d)
{
	unsigned int i;

	for (i = 0; d->evtchn != NULL &&
		    i < (d->max_evtchns + EVTCHN_BUCKET - 1) / EVTCHN_BUCKET;
		i++) {
		xfree(d->evtchn[i]);
	}
	xfree(d->evtchn);
	d->evtchn = NULL;
	xfree(d->evtchn_wide);
	d->evtchn_wide = NULL;
}

static int get_free_port(struct domain *d)
{
	unsigned int port, b;

	for (port = 1; port < d->max_evtchns; port++) {
		b = port / EVTCHN_BUCKET;
		if (d->evtchn[b] == NULL) {
			d->evtchn[b] =
				xzalloc_array(struct evtchn, EVTCHN_BUCKET);
			if (d->evtchn[b] == NULL) {
				return -ENOMEM;
			}
		}
		if (d->evtchn[b][port % EVTCHN_BUCKET].state == ECS_FREE) {
			return (int)port;
		}
	}
	return -ENOSPC;
}

static void port_init(struct domain *d, struct evtchn *chn, evtchn_port_t port,
	enum evtchn_state state, unsigned int vcpu)
{
	memset(chn, 0, sizeof(*chn));
	chn->state = (uint8_t)state;
	chn->notify_vcpu = (uint16_t)vcpu;
	d->evtchn_in_use++;
	/* A port starts neither pending nor masked. */
	clear_bit(port, pending_words(d));
	clear_bit(port, mask_words(d));
}

static void port_free(struct domain *d, struct evtchn *chn)
{
	memset(chn, 0, sizeof(*chn));
	d->evtchn_in_use--;
}

void evtchn_set_owner(struct domain *d, evtchn_port_t port, uint32_t owner)
{
	struct evtchn *chn = evtchn_from_port(d, port);

	if (chn != NULL) {
		chn->owner = owner;
	}
}

static void wake_pollers(struct domain *d, evtchn_port_t port)
{
	unsigned int i, j;
	struct vcpu *v;

	for (i = 0; i < d->max_vcpus; i++) {
		v = d->vcpu[i];
		if (!v->polling) {
			continue;
		}
		for (j = 0; j < v->nr_poll_ports; j++) {
			if (v->poll_ports[j] == port) {
				vcpu_unblock(v);
				break;
			}
		}
	}
}

void evtchn_set_pending(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_from_port(d, port);
	struct vcpu *v;

	if (chn == NULL || d->is_dying != DOMDYING_alive) {
		return;
	}
	v = d->vcpu[chn->notify_vcpu < d->max_vcpus ? chn->notify_vcpu : 0];
	if (test_and_set_bit(port, pending_words(d))) {
		return;
	}
	if (!test_bit(port, mask_words(d)) &&
		!test_and_set_bit(port / BITS_PER_ULONG, sel_words(v))) {
		vcpu_mark_events_pending(v);
	}
	wake_pollers(d, port);
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
	struct evtchn *chn = evtchn_from_port(d, port);
	struct vcpu *v;

	if (chn == NULL) {
		return -EINVAL;
	}
	v = d->vcpu[chn->notify_vcpu < d->max_vcpus ? chn->notify_vcpu : 0];
	if (test_and_clear_bit(port, mask_words(d)) &&
		test_bit(port, pending_words(d)) &&
		!test_and_set_bit(port / BITS_PER_ULONG, sel_words(v))) {
		vcpu_mark_events_pending(v);
	}
	return 0;
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
	evtchn_port_t port;

	if (virq >= NR_VIRQS) {
		return;
	}
	port = v->virq_to_port[virq];
	if (port != 0) {
		evtchn_set_pending(v->domain, port);
	}
}

void send_global_virq(unsigned int virq)
{
	struct domain *d = hardware_domain();

	if (d != NULL && virq < NR_VIRQS) {
		send_guest_vcpu_virq(d->vcpu[0], virq);
	}
}

/* ---- the operations ---------------------------------------------------- */

int evtchn_alloc_unbound_in(struct domain *d, domid_t remote)
{
	struct evtchn *chn;
	int port = get_free_port(d);

	if (port < 0) {
		return port;
	}
	chn = evtchn_from_port(d, (evtchn_port_t)port);
	port_init(d, chn, (evtchn_port_t)port, ECS_UNBOUND, 0);
	chn->u.unbound.remote_domid = remote;
	return port;
}

static long evtchn_alloc_unbound(struct vcpu *v, struct evtchn_alloc_unbound *a)
{
	struct domain *curr = v->domain, *d;
	struct evtchn *chn;
	int port;

	d = domain_get_target(curr, a->dom);
	if (d == NULL) {
		return -ESRCH;
	}
	if (d != curr && !domain_is_control(curr) &&
		curr->target != d->domain_id) {
		domain_put(d);
		return -EPERM;
	}
	port = get_free_port(d);
	if (port < 0) {
		domain_put(d);
		return port;
	}
	chn = evtchn_from_port(d, (evtchn_port_t)port);
	port_init(d, chn, (evtchn_port_t)port, ECS_UNBOUND, 0);
	chn->u.unbound.remote_domid =
		a->remote_dom == DOMID_SELF ? curr->domain_id : a->remote_dom;
	a->port = (evtchn_port_t)port;
	domain_put(d);
	return 0;
}

static long evtchn_bind_interdomain(
	struct vcpu *v, struct evtchn_bind_interdomain *b)
{
	struct domain *ld = v->domain, *rd;
	struct evtchn *lchn, *rchn;
	int lport;

	rd = domain_get_target(ld, b->remote_dom);
	if (rd == NULL) {
		return -ESRCH;
	}
	/* As Xen: the local port first (-ENOSPC), then the remote end. */
	lport = get_free_port(ld);
	if (lport < 0) {
		domain_put(rd);
		return lport;
	}
	rchn = evtchn_from_port(rd, b->remote_port);
	if (rchn == NULL || rchn->state != ECS_UNBOUND ||
		rchn->u.unbound.remote_domid != ld->domain_id) {
		domain_put(rd);
		return -EINVAL;
	}
	lchn = evtchn_from_port(ld, (evtchn_port_t)lport);
	port_init(ld, lchn, (evtchn_port_t)lport, ECS_INTERDOMAIN, 0);
	lchn->u.interdomain.remote_dom = rd->domain_id;
	lchn->u.interdomain.remote_port = b->remote_port;
	rchn->state = ECS_INTERDOMAIN;
	rchn->u.interdomain.remote_dom = ld->domain_id;
	rchn->u.interdomain.remote_port = (evtchn_port_t)lport;
	/* The remote end may have been notified while unbound. */
	evtchn_set_pending(ld, (evtchn_port_t)lport);
	b->local_port = (evtchn_port_t)lport;
	domain_put(rd);
	return 0;
}

static long evtchn_bind_virq(struct vcpu *v, struct evtchn_bind_virq *b)
{
	struct domain *d = v->domain;
	struct evtchn *chn;
	struct vcpu *target;
	int port;

	if (b->virq >= NR_VIRQS) {
		return -EINVAL;
	}
	if (virq_is_global(b->virq) && b->vcpu != 0) {
		return -EINVAL;
	}
	if (b->vcpu >= d->max_vcpus) {
		return -ENOENT;
	}
	target = d->vcpu[b->vcpu];
	if (target->virq_to_port[b->virq] != 0) {
		return -EEXIST;
	}
	port = get_free_port(d);
	if (port < 0) {
		return port;
	}
	chn = evtchn_from_port(d, (evtchn_port_t)port);
	port_init(d, chn, (evtchn_port_t)port, ECS_VIRQ, b->vcpu);
	chn->u.virq = b->virq;
	target->virq_to_port[b->virq] = (evtchn_port_t)port;
	b->port = (evtchn_port_t)port;
	return 0;
}

static long evtchn_bind_ipi(struct vcpu *v, struct evtchn_bind_ipi *b)
{
	struct domain *d = v->domain;
	int port;

	if (b->vcpu >= d->max_vcpus) {
		return -ENOENT;
	}
	port = get_free_port(d);
	if (port < 0) {
		return port;
	}
	port_init(d, evtchn_from_port(d, (evtchn_port_t)port),
		(evtchn_port_t)port, ECS_IPI, b->vcpu);
	b->port = (evtchn_port_t)port;
	return 0;
}

static long evtchn_close_port(
	struct domain *d, evtchn_port_t port, bool notify_remote)
{
	struct evtchn *chn = evtchn_from_port(d, port);
	struct evtchn *rchn;
	struct domain *rd;
	unsigned int vid;

	if (chn == NULL) {
		return -EINVAL;
	}
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		return -EINVAL;
	case ECS_VIRQ:
		/* A global VIRQ stays in vCPU 0's table after bind_vcpu. */
		vid = virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu;
		if (vid < d->max_vcpus && chn->u.virq < NR_VIRQS &&
			d->vcpu[vid]->virq_to_port[chn->u.virq] == port) {
			d->vcpu[vid]->virq_to_port[chn->u.virq] = 0;
		}
		break;
	case ECS_INTERDOMAIN:
		rd = domain_get_any(chn->u.interdomain.remote_dom);
		if (rd != NULL) {
			rchn = evtchn_from_port(
				rd, chn->u.interdomain.remote_port);
			if (rchn != NULL && rchn->state == ECS_INTERDOMAIN &&
				rchn->u.interdomain.remote_dom ==
					d->domain_id &&
				rchn->u.interdomain.remote_port == port) {
				/* The far end waits for a new peer: us. */
				rchn->state = ECS_UNBOUND;
				rchn->u.unbound.remote_domid = d->domain_id;
				if (notify_remote) {
					evtchn_set_pending(rd,
						chn->u.interdomain.remote_port);
				}
			}
			domain_put(rd);
		}
		break;
	default:
		break;
	}
	clear_bit(port, pending_words(d));
	port_free(d, chn);
	return 0;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
	return (int)evtchn_close_port(d, port, false);
}

void evtchn_destroy(struct domain *d)
{
	evtchn_port_t port;
	struct evtchn *chn;

	for (port = 1; port < d->max_evtchns; port++) {
		chn = evtchn_from_port(d, port);
		if (chn != NULL && chn->state != ECS_FREE &&
			chn->state != ECS_RESERVED) {
			/* Tell peers their channel lost its other end. */
			evtchn_close_port(d, port, true);
		}
	}
}

static long evtchn_send(struct vcpu *v, evtchn_port_t port)
{
	struct domain *ld = v->domain, *rd;
	struct evtchn *chn = evtchn_from_port(ld, port);

	if (chn == NULL) {
		return -EINVAL;
	}
	switch (chn->state) {
	case ECS_INTERDOMAIN:
		rd = domain_get(chn->u.interdomain.remote_dom);
		if (rd != NULL) {
			evtchn_set_pending(rd, chn->u.interdomain.remote_port);
			domain_put(rd);
		}
		return 0;
	case ECS_IPI:
		evtchn_set_pending(ld, port);
		return 0;
	case ECS_UNBOUND:
		/* Nobody listens yet; the notification is dropped. */
		return 0;
	default:
		return -EINVAL;
	}
}

static long evtchn_status(struct vcpu *v, struct evtchn_status *st)
{
	struct domain *curr = v->domain, *d;
	struct evtchn *chn;
	long rc = 0;

	d = domain_get_target(curr, st->dom);
	if (d == NULL) {
		return -ESRCH;
	}
	if (d != curr && !domain_is_control(curr) &&
		curr->target != d->domain_id) { /* XSM_TARGET, as Xen */
		domain_put(d);
		return -EPERM;
	}
	chn = evtchn_from_port(d, st->port);
	if (chn == NULL) {
		domain_put(d);
		return -EINVAL;
	}
	memset(&st->u, 0, sizeof(st->u));
	st->vcpu = chn->notify_vcpu;
	switch (chn->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		st->status = EVTCHNSTAT_closed;
		break;
	case ECS_UNBOUND:
		st->status = EVTCHNSTAT_unbound;
		st->u.unbound.dom = chn->u.unbound.remote_domid;
		break;
	case ECS_INTERDOMAIN:
		st->status = EVTCHNSTAT_interdomain;
		st->u.interdomain.dom = chn->u.interdomain.remote_dom;
		st->u.interdomain.port = chn->u.interdomain.remote_port;
		break;
	case ECS_VIRQ:
		st->status = EVTCHNSTAT_virq;
		st->u.virq = chn->u.virq;
		break;
	case ECS_IPI:
		st->status = EVTCHNSTAT_ipi;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	domain_put(d);
	return rc;
}

static long evtchn_bind_vcpu(struct vcpu *v, struct evtchn_bind_vcpu *b)
{
	struct domain *d = v->domain;
	struct evtchn *chn = evtchn_from_port(d, b->port);

	/* As Xen: the vCPU is checked before the port. */
	if (b->vcpu >= d->max_vcpus) {
		return -ENOENT;
	}
	if (chn == NULL) {
		return -EINVAL;
	}
	switch (chn->state) {
	case ECS_VIRQ:
		if (!virq_is_global(chn->u.virq)) {
			return -EINVAL;
		}
		/* Global VIRQs are delivered through vCPU 0's table only. */
		chn->notify_vcpu = (uint16_t)b->vcpu;
		return 0;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
	case ECS_PIRQ:
		chn->notify_vcpu = (uint16_t)b->vcpu;
		return 0;
	default:
		return -EINVAL;
	}
}

static long evtchn_reset(struct vcpu *v, domid_t dom)
{
	struct domain *curr = v->domain, *d;
	evtchn_port_t port;

	d = domain_get_target(curr, dom);
	if (d == NULL) {
		return -ESRCH;
	}
	if (d != curr && !domain_is_control(curr) &&
		curr->target != d->domain_id) { /* XSM_TARGET, as Xen */
		domain_put(d);
		return -EPERM;
	}
	for (port = 1; port < d->max_evtchns; port++) {
		struct evtchn *chn = evtchn_from_port(d, port);

		if (chn != NULL && chn->state != ECS_FREE) {
			evtchn_close_port(d, port, true);
		}
	}
	domain_put(d);
	return 0;
}

#define EVTCHN_OP(type, fn)                                                    \
	do {                                                                   \
		type a_;                                                       \
		if (copy_arg_from_guest(v, &a_, arg) != 0) {                   \
			return -EFAULT;                                        \
		}                                                              \
		rc = fn(v, &a_);                                               \
		if (rc == 0 && copy_arg_to_guest(v, arg, &a_) != 0) {          \
			rc = -EFAULT;                                          \
		}                                                              \
	} while (0)

long do_event_channel_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	long rc;

	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
		EVTCHN_OP(struct evtchn_alloc_unbound, evtchn_alloc_unbound);
		return rc;
	case EVTCHNOP_bind_interdomain:
		EVTCHN_OP(struct evtchn_bind_interdomain,
			evtchn_bind_interdomain);
		return rc;
	case EVTCHNOP_bind_virq:
		EVTCHN_OP(struct evtchn_bind_virq, evtchn_bind_virq);
		return rc;
	case EVTCHNOP_bind_ipi:
		EVTCHN_OP(struct evtchn_bind_ipi, evtchn_bind_ipi);
		return rc;
	case EVTCHNOP_status:
		EVTCHN_OP(struct evtchn_status, evtchn_status);
		return rc;
	case EVTCHNOP_bind_vcpu:
		EVTCHN_OP(struct evtchn_bind_vcpu, evtchn_bind_vcpu);
		return rc;
	case EVTCHNOP_close: {
		struct evtchn_close c;

		if (copy_arg_from_guest(v, &c, arg) != 0) {
			return -EFAULT;
		}
		return evtchn_close_port(v->domain, c.port, true);
	}
	case EVTCHNOP_send: {
		struct evtchn_send s;

		if (copy_arg_from_guest(v, &s, arg) != 0) {
			return -EFAULT;
		}
		return evtchn_send(v, s.port);
	}
	case EVTCHNOP_unmask: {
		struct evtchn_unmask u;

		if (copy_arg_from_guest(v, &u, arg) != 0) {
			return -EFAULT;
		}
		return evtchn_unmask(v->domain, u.port);
	}
	case EVTCHNOP_reset: {
		struct evtchn_reset r;

		if (copy_arg_from_guest(v, &r, arg) != 0) {
			return -EFAULT;
		}
		return evtchn_reset(v, r.dom);
	}
	case EVTCHNOP_bind_pirq:
		return -EPERM; /* no physical IRQs are given to guests here */
	case EVTCHNOP_init_control:
	case EVTCHNOP_expand_array:
	case EVTCHNOP_set_priority:
		return -EOPNOTSUPP; /* the FIFO ABI: guests fall back to 2-level
				     */
	default:
		return -ENOSYS;
	}
}
