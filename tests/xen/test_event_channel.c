/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xen/common/event_channel.c (2-level ABI) on the fake port,
 * through EVTCHNOP_* hypercalls as guests make them: allocation and
 * binding of every kind of port, delivery through the pending, mask and
 * selector bits and evtchn_upcall_pending, closing, status, reset, port
 * limits and buckets, the death of a peer, hostile arguments, and a
 * reference model run of random operation sequences across three domains.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fake.h"
#include "xen/event.h"
#include "xen/hypercall.h"

#define NOWHERE 77u /* a domid no domain has */

/* dom0 (privileged, 2 vCPUs), A (2 vCPUs) and B (1 vCPU). */
static struct domain *dom0, *dom_a, *dom_b;

static int ev_setup(void **state)
{
	(void)state;
	fake_reset();
	domain_limits.max_evtchns = EVTCHN_NR_PORTS;
	dom0 = fake_domain_create(0, 2, 16, true);
	dom_a = fake_domain_create(1, 2, 16, false);
	dom_b = fake_domain_create(2, 1, 16, false);
	if (dom0 == NULL || dom_a == NULL || dom_b == NULL) {
		return -1;
	}
	return 0;
}

static int ev_teardown(void **state)
{
	long live;

	(void)state;
	live = fake_teardown();
	domain_limits.max_evtchns = EVTCHN_NR_PORTS;
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

/* ---- hypercall helpers --------------------------------------------------- */

static long evtchn_op_on(
	struct domain *d, unsigned int vcpu, unsigned int cmd, void *arg)
{
	return fake_hypercall(d, vcpu, __HYPERVISOR_event_channel_op, cmd,
		FAKE_PTR(arg), 0, 0, 0);
}

static long evtchn_op(struct domain *d, unsigned int cmd, void *arg)
{
	return evtchn_op_on(d, 0, cmd, arg);
}

static long alloc_unbound(
	struct domain *caller, domid_t dom, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a;
	long rc;

	memset(&a, 0, sizeof(a));
	a.dom = dom;
	a.remote_dom = remote;
	a.port = 0xdeadbeefu;
	rc = evtchn_op(caller, EVTCHNOP_alloc_unbound, &a);
	if (port != NULL) {
		*port = a.port;
	}
	return rc;
}

static long bind_interdomain(struct domain *caller, domid_t rdom,
	evtchn_port_t rport, evtchn_port_t *lport)
{
	struct evtchn_bind_interdomain b;
	long rc;

	memset(&b, 0, sizeof(b));
	b.remote_dom = rdom;
	b.remote_port = rport;
	b.local_port = 0xdeadbeefu;
	rc = evtchn_op(caller, EVTCHNOP_bind_interdomain, &b);
	if (lport != NULL) {
		*lport = b.local_port;
	}
	return rc;
}

static long bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu,
	evtchn_port_t *port)
{
	struct evtchn_bind_virq b;
	long rc;

	memset(&b, 0, sizeof(b));
	b.virq = virq;
	b.vcpu = vcpu;
	rc = evtchn_op(caller, EVTCHNOP_bind_virq, &b);
	if (port != NULL) {
		*port = b.port;
	}
	return rc;
}

static long bind_ipi(struct domain *caller, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi b;
	long rc;

	memset(&b, 0, sizeof(b));
	b.vcpu = vcpu;
	rc = evtchn_op(caller, EVTCHNOP_bind_ipi, &b);
	if (port != NULL) {
		*port = b.port;
	}
	return rc;
}

static long bind_vcpu(struct domain *caller, evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

	return evtchn_op(caller, EVTCHNOP_bind_vcpu, &b);
}

static long send_on(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return evtchn_op(caller, EVTCHNOP_send, &s);
}

static long close_port(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_close c = {.port = port};

	return evtchn_op(caller, EVTCHNOP_close, &c);
}

static long unmask_port(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_unmask u = {.port = port};

	return evtchn_op(caller, EVTCHNOP_unmask, &u);
}

static long reset_dom(struct domain *caller, domid_t dom)
{
	struct evtchn_reset r = {.dom = dom};

	return evtchn_op(caller, EVTCHNOP_reset, &r);
}

static long status_of(struct domain *caller, domid_t dom, evtchn_port_t port,
	struct evtchn_status *st)
{
	memset(st, 0xa5, sizeof(*st));
	st->dom = dom;
	st->port = port;
	return evtchn_op(caller, EVTCHNOP_status, st);
}

/* A connected pair: an unbound port of a for b, bound by b. */
static void connect(struct domain *a, struct domain *b, evtchn_port_t *pa,
	evtchn_port_t *pb)
{
	assert_int_equal(alloc_unbound(a, DOMID_SELF, b->domain_id, pa), 0);
	assert_int_equal(bind_interdomain(b, a->domain_id, *pa, pb), 0);
}

/* ---- shared-info helpers ------------------------------------------------- */

static bool is_pending(struct domain *d, evtchn_port_t port)
{
	return test_bit(port, d->shared_info->evtchn_pending);
}

static bool is_masked(struct domain *d, evtchn_port_t port)
{
	return test_bit(port, d->shared_info->evtchn_mask);
}

static void guest_mask(struct domain *d, evtchn_port_t port)
{
	set_bit(port, d->shared_info->evtchn_mask);
}

static bool sel_bit(struct domain *d, unsigned int vcpu, evtchn_port_t port)
{
	return test_bit(port / BITS_PER_ULONG,
		&d->shared_info->vcpu_info[vcpu].evtchn_pending_sel);
}

static uint8_t upcall(struct domain *d, unsigned int vcpu)
{
	return d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What a guest's upcall handler does: take everything, clear all. */
static void guest_ack_all(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		d->shared_info->vcpu_info[i].evtchn_upcall_pending = 0;
		d->shared_info->vcpu_info[i].evtchn_pending_sel = 0;
	}
	memset(d->shared_info->evtchn_pending, 0,
		sizeof(d->shared_info->evtchn_pending));
}

static unsigned int kicks(struct domain *d, unsigned int vcpu)
{
	return fake_kicks(d->vcpu[vcpu]);
}

/* ---- alloc_unbound ------------------------------------------------------- */

static void
test_alloc_unbound_for_itself_gives_the_lowest_free_port_waiting_for_the_remote(
	void **state)
{
	struct evtchn_status st;
	evtchn_port_t p1, p2;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom_a, DOMID_SELF, dom_b->domain_id, &p1), 0);
	assert_int_equal(p1, 1);
	assert_int_equal(
		alloc_unbound(dom_a, dom_a->domain_id, dom_b->domain_id, &p2),
		0);
	assert_int_equal(p2, 2);
	assert_int_equal(status_of(dom_a, DOMID_SELF, p1, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, dom_b->domain_id);
	assert_int_equal(st.vcpu, 0);
	assert_int_equal(dom_a->evtchn_in_use, 2);
	/* A fresh port is neither pending nor delivered. */
	assert_false(is_pending(dom_a, p1));
	assert_int_equal(upcall(dom_a, 0), 0);
}

static void test_the_privileged_domain_may_alloc_unbound_in_another_domain(
	void **state)
{
	struct evtchn_status st;
	evtchn_port_t p;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom0, dom_a->domain_id, dom_b->domain_id, &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(status_of(dom_a, DOMID_SELF, p, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, dom_b->domain_id);
	/* Nothing was allocated in dom0 itself. */
	assert_int_equal(dom0->evtchn_in_use, 0);
	/* B can now bind it. */
	assert_int_equal(bind_interdomain(dom_b, dom_a->domain_id, p, NULL), 0);
}

static void test_an_unprivileged_domain_may_not_alloc_unbound_in_another_domain(
	void **state)
{
	evtchn_port_t p = 0;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom_a, dom_b->domain_id, dom_a->domain_id, &p),
		-EPERM);
	assert_int_equal(alloc_unbound(dom_a, 0, dom_a->domain_id, &p), -EPERM);
	assert_int_equal(dom_b->evtchn_in_use, 0);
	assert_int_equal(dom0->evtchn_in_use, 0);
	assert_int_equal(alloc_unbound(dom_a, NOWHERE, 0, NULL), -ESRCH);
	assert_int_equal(alloc_unbound(dom0, NOWHERE, 0, NULL), -ESRCH);
	assert_int_equal(alloc_unbound(dom0, DOMID_INVALID, 0, NULL), -ESRCH);
	assert_int_equal(alloc_unbound(dom0, DOMID_IDLE, 0, NULL), -ESRCH);
}

static void test_a_remote_domid_self_means_the_calling_domain(void **state)
{
	struct evtchn_status st;
	evtchn_port_t p;

	(void)state;
	/* dom0 allocating in A for DOMID_SELF: the remote is dom0, not A. */
	assert_int_equal(
		alloc_unbound(dom0, dom_a->domain_id, DOMID_SELF, &p), 0);
	assert_int_equal(status_of(dom0, dom_a->domain_id, p, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 0);
	assert_int_equal(bind_interdomain(dom0, dom_a->domain_id, p, NULL), 0);

	assert_int_equal(alloc_unbound(dom_b, DOMID_SELF, DOMID_SELF, &p), 0);
	assert_int_equal(status_of(dom_b, DOMID_SELF, p, &st), 0);
	assert_int_equal(st.u.unbound.dom, dom_b->domain_id);
}

/* ---- bind_interdomain ---------------------------------------------------- */

static void
test_bind_interdomain_links_both_ends_and_sets_the_local_port_pending(
	void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom_a, DOMID_SELF, dom_b->domain_id, &pa), 0);
	assert_int_equal(bind_interdomain(dom_b, dom_a->domain_id, pa, &pb), 0);
	assert_int_equal(pb, 1);

	assert_int_equal(status_of(dom_a, DOMID_SELF, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, dom_b->domain_id);
	assert_int_equal(st.u.interdomain.port, pb);
	assert_int_equal(status_of(dom_b, DOMID_SELF, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, dom_a->domain_id);
	assert_int_equal(st.u.interdomain.port, pa);

	/* The binder's new port is pending and delivered; A sees nothing. */
	assert_true(is_pending(dom_b, pb));
	assert_true(sel_bit(dom_b, 0, pb));
	assert_int_equal(upcall(dom_b, 0), 1);
	assert_int_equal(kicks(dom_b, 0), 1);
	assert_false(is_pending(dom_a, pa));
	assert_int_equal(upcall(dom_a, 0), 0);
}

static void test_bind_interdomain_by_domid_self_binds_a_port_of_the_caller(
	void **state)
{
	evtchn_port_t p, q;

	(void)state;
	assert_int_equal(alloc_unbound(dom_a, DOMID_SELF, DOMID_SELF, &p), 0);
	assert_int_equal(bind_interdomain(dom_a, DOMID_SELF, p, &q), 0);
	assert_int_not_equal(p, q);
	guest_ack_all(dom_a);
	assert_int_equal(send_on(dom_a, q), 0);
	assert_true(is_pending(dom_a, p));
	assert_false(is_pending(dom_a, q));
}

static void test_bind_interdomain_refuses_a_port_meant_for_another_domain(
	void **state)
{
	evtchn_port_t p;
	unsigned int before = dom_b->evtchn_in_use;

	(void)state;
	/* A port A allocated for dom0 cannot be taken by B. */
	assert_int_equal(alloc_unbound(dom_a, DOMID_SELF, 0, &p), 0);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, p, NULL), -EINVAL);
	assert_int_equal(dom_b->evtchn_in_use, before);
	/* Nor by the domain that owns it, unless it is the remote. */
	assert_int_equal(bind_interdomain(dom_a, DOMID_SELF, p, NULL), -EINVAL);
	/* dom0, the intended remote, can. */
	assert_int_equal(bind_interdomain(dom0, dom_a->domain_id, p, NULL), 0);
}

static void test_bind_interdomain_refuses_a_remote_port_that_is_not_unbound(
	void **state)
{
	evtchn_port_t pa, pb, ipi, virq;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	/* Already bound: a second bind is refused. */
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, pa, NULL), -EINVAL);
	assert_int_equal(bind_ipi(dom_a, 0, &ipi), 0);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, ipi, NULL), -EINVAL);
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 0, &virq), 0);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, virq, NULL), -EINVAL);
	/* A free port and the reserved port 0. */
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, 100, NULL), -EINVAL);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, 0, NULL), -EINVAL);
	assert_int_equal(dom_b->evtchn_in_use, 1);
}

static void test_bind_interdomain_refuses_bad_remote_ports(void **state)
{
	(void)state;
	assert_int_equal(bind_interdomain(dom_b, dom_a->domain_id,
				 EVTCHN_NR_PORTS, NULL),
		-EINVAL);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, EVTCHN_BUCKET, NULL),
		-EINVAL);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, 0xffffffffu, NULL),
		-EINVAL);
	assert_int_equal(
		bind_interdomain(dom_b, dom_a->domain_id, 0x80000000u, NULL),
		-EINVAL);
	assert_int_equal(dom_b->evtchn_in_use, 0);
}

static void test_bind_interdomain_to_a_missing_domain_is_esrch(void **state)
{
	(void)state;
	assert_int_equal(bind_interdomain(dom_b, NOWHERE, 1, NULL), -ESRCH);
	assert_int_equal(
		bind_interdomain(dom_b, DOMID_INVALID, 1, NULL), -ESRCH);
	assert_int_equal(bind_interdomain(dom_b, DOMID_XEN, 1, NULL), -ESRCH);
	assert_int_equal(bind_interdomain(dom_b, 0xffff, 1, NULL), -ESRCH);
	assert_int_equal(dom_b->evtchn_in_use, 0);
}

/* ---- send and delivery --------------------------------------------------- */

static void
test_send_across_domains_sets_pending_selector_and_upcall_and_kicks_once(
	void **state)
{
	evtchn_port_t pa, pb, pa2, pb2;
	unsigned int k;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	connect(dom_a, dom_b, &pa2, &pb2);
	guest_ack_all(dom_b);
	k = kicks(dom_b, 0);

	assert_int_equal(send_on(dom_a, pa), 0);
	assert_true(is_pending(dom_b, pb));
	assert_true(sel_bit(dom_b, 0, pb));
	assert_int_equal(upcall(dom_b, 0), 1);
	assert_int_equal(kicks(dom_b, 0), k + 1);
	/* The sender's own port is untouched. */
	assert_false(is_pending(dom_a, pa));
	assert_int_equal(upcall(dom_a, 0), 0);

	/* Already pending: nothing more. */
	assert_int_equal(send_on(dom_a, pa), 0);
	assert_int_equal(kicks(dom_b, 0), k + 1);

	/* Another port while upcall_pending stays set: no second kick. */
	assert_int_equal(send_on(dom_a, pa2), 0);
	assert_true(is_pending(dom_b, pb2));
	assert_int_equal(kicks(dom_b, 0), k + 1);

	/* The guest took the port and its selector but not the upcall flag. */
	clear_bit(pb, dom_b->shared_info->evtchn_pending);
	dom_b->shared_info->vcpu_info[0].evtchn_pending_sel = 0;
	assert_int_equal(send_on(dom_a, pa), 0);
	assert_true(sel_bit(dom_b, 0, pb));
	assert_int_equal(kicks(dom_b, 0), k + 1);

	/* Once the guest clears everything, the next send kicks again. */
	guest_ack_all(dom_b);
	assert_int_equal(send_on(dom_a, pa), 0);
	assert_int_equal(kicks(dom_b, 0), k + 2);
}

static void test_a_masked_port_goes_pending_without_upcall_until_unmasked(
	void **state)
{
	evtchn_port_t pa, pb;
	unsigned int k;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	guest_ack_all(dom_b);
	guest_mask(dom_b, pb);
	k = kicks(dom_b, 0);

	assert_int_equal(send_on(dom_a, pa), 0);
	assert_true(is_pending(dom_b, pb));
	assert_false(sel_bit(dom_b, 0, pb));
	assert_int_equal(upcall(dom_b, 0), 0);
	assert_int_equal(kicks(dom_b, 0), k);

	assert_int_equal(unmask_port(dom_b, pb), 0);
	assert_false(is_masked(dom_b, pb));
	assert_true(is_pending(dom_b, pb));
	assert_true(sel_bit(dom_b, 0, pb));
	assert_int_equal(upcall(dom_b, 0), 1);
	assert_int_equal(kicks(dom_b, 0), k + 1);

	/* Unmasking an unmasked port or a port not pending does nothing. */
	assert_int_equal(unmask_port(dom_b, pb), 0);
	assert_int_equal(kicks(dom_b, 0), k + 1);
	guest_ack_all(dom_b);
	guest_mask(dom_b, pb);
	assert_int_equal(unmask_port(dom_b, pb), 0);
	assert_int_equal(upcall(dom_b, 0), 0);
	assert_int_equal(kicks(dom_b, 0), k + 1);
}

static void test_unmask_of_a_bad_port_is_einval(void **state)
{
	(void)state;
	assert_int_equal(unmask_port(dom_a, EVTCHN_NR_PORTS), -EINVAL);
	assert_int_equal(unmask_port(dom_a, 0xffffffffu), -EINVAL);
	assert_int_equal(unmask_port(dom_a, EVTCHN_BUCKET + 1), -EINVAL);
}

static void test_send_on_an_unbound_port_is_dropped(void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom_a, DOMID_SELF, dom_b->domain_id, &p), 0);
	assert_int_equal(send_on(dom_a, p), 0);
	assert_false(is_pending(dom_a, p));
	assert_int_equal(upcall(dom_a, 0), 0);
	assert_int_equal(upcall(dom_b, 0), 0);
	assert_int_equal(kicks(dom_b, 0), 0);
}

static void test_send_on_a_bad_free_or_virq_port_is_einval(void **state)
{
	evtchn_port_t v;

	(void)state;
	assert_int_equal(send_on(dom_a, 0), -EINVAL);
	assert_int_equal(send_on(dom_a, 5), -EINVAL);
	assert_int_equal(send_on(dom_a, EVTCHN_BUCKET), -EINVAL);
	assert_int_equal(send_on(dom_a, EVTCHN_NR_PORTS), -EINVAL);
	assert_int_equal(send_on(dom_a, 0xffffffffu), -EINVAL);
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 0, &v), 0);
	assert_int_equal(send_on(dom_a, v), -EINVAL);
	assert_false(is_pending(dom_a, v));
}

/* ---- VIRQs --------------------------------------------------------------- */

static void test_bind_virq_binds_dom_exc_on_vcpu_0(void **state)
{
	struct evtchn_status st;
	evtchn_port_t p;

	(void)state;
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &p), 0);
	assert_int_equal(p, 1);
	assert_int_equal(dom0->vcpu[0]->virq_to_port[VIRQ_DOM_EXC], p);
	assert_int_equal(status_of(dom0, DOMID_SELF, p, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.u.virq, VIRQ_DOM_EXC);
	assert_int_equal(st.vcpu, 0);
	assert_false(is_pending(dom0, p));
}

static void test_bind_virq_refuses_a_global_virq_on_another_vcpu(void **state)
{
	(void)state;
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 1, NULL), -EINVAL);
	assert_int_equal(bind_virq(dom0, VIRQ_CONSOLE, 1, NULL), -EINVAL);
	assert_int_equal(
		bind_virq(dom0, VIRQ_DOM_EXC, 0xffffffffu, NULL), -EINVAL);
	assert_int_equal(dom0->evtchn_in_use, 0);
}

static void test_bind_virq_twice_is_eexist(void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &p), 0);
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, NULL), -EEXIST);
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 1, NULL), 0);
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 1, NULL), -EEXIST);
	/* The same per-vCPU VIRQ on the other vCPU is another binding. */
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 0, NULL), 0);
	assert_int_equal(dom0->evtchn_in_use, 1);
	assert_int_equal(dom_a->evtchn_in_use, 2);
}

static void test_bind_virq_refuses_virqs_beyond_nr_virqs(void **state)
{
	(void)state;
	assert_int_equal(bind_virq(dom0, NR_VIRQS, 0, NULL), -EINVAL);
	assert_int_equal(bind_virq(dom0, NR_VIRQS + 1, 0, NULL), -EINVAL);
	assert_int_equal(bind_virq(dom0, 0xffffffffu, 0, NULL), -EINVAL);
	assert_int_equal(bind_virq(dom0, 0x80000000u, 0, NULL), -EINVAL);
	assert_int_equal(dom0->evtchn_in_use, 0);
}

static void test_bind_virq_on_a_vcpu_out_of_range_is_enoent(void **state)
{
	(void)state;
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 2, NULL), -ENOENT);
	assert_int_equal(bind_virq(dom_b, VIRQ_TIMER, 1, NULL), -ENOENT);
	assert_int_equal(
		bind_virq(dom_a, VIRQ_DEBUG, 0xffffffffu, NULL), -ENOENT);
	assert_int_equal(
		bind_virq(dom_a, VIRQ_XENPMU, MAX_VCPUS_PER_DOMAIN, NULL),
		-ENOENT);
	assert_int_equal(dom_a->evtchn_in_use, 0);
}

static void test_a_per_vcpu_virq_reaches_its_vcpu(void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 1, &p), 0);
	send_guest_vcpu_virq(dom_a->vcpu[1], VIRQ_TIMER);
	assert_true(is_pending(dom_a, p));
	assert_true(sel_bit(dom_a, 1, p));
	assert_int_equal(upcall(dom_a, 1), 1);
	assert_int_equal(upcall(dom_a, 0), 0);
	assert_int_equal(kicks(dom_a, 1), 1);
	/* Unbound VIRQs and out-of-range numbers are ignored. */
	send_guest_vcpu_virq(dom_a->vcpu[0], VIRQ_TIMER);
	send_guest_vcpu_virq(dom_a->vcpu[0], NR_VIRQS);
	send_guest_vcpu_virq(dom_a->vcpu[0], 0xffffffffu);
	assert_int_equal(upcall(dom_a, 0), 0);
}

static void test_send_global_virq_goes_to_dom0_only(void **state)
{
	evtchn_port_t p0, pa;

	(void)state;
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &p0), 0);
	assert_int_equal(bind_virq(dom_a, VIRQ_DOM_EXC, 0, &pa), 0);
	send_global_virq(VIRQ_DOM_EXC);
	assert_true(is_pending(dom0, p0));
	assert_int_equal(upcall(dom0, 0), 1);
	assert_int_equal(kicks(dom0, 0), 1);
	assert_false(is_pending(dom_a, pa));
	assert_int_equal(upcall(dom_a, 0), 0);
	/* Out-of-range VIRQs are ignored. */
	send_global_virq(NR_VIRQS);
	send_global_virq(0xffffffffu);
}

static void
test_a_global_virq_moved_to_vcpu_1_is_delivered_there_and_closes_cleanly(
	void **state)
{
	struct evtchn_status st;
	evtchn_port_t p, again;

	(void)state;
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &p), 0);
	assert_int_equal(bind_vcpu(dom0, p, 1), 0);
	assert_int_equal(status_of(dom0, DOMID_SELF, p, &st), 0);
	assert_int_equal(st.vcpu, 1);
	send_global_virq(VIRQ_DOM_EXC);
	assert_true(is_pending(dom0, p));
	assert_int_equal(upcall(dom0, 1), 1);
	assert_true(sel_bit(dom0, 1, p));
	assert_int_equal(upcall(dom0, 0), 0);
	assert_int_equal(kicks(dom0, 1), 1);

	/* Closing it releases the VIRQ: it can be bound again. */
	assert_int_equal(close_port(dom0, p), 0);
	assert_int_equal(dom0->vcpu[0]->virq_to_port[VIRQ_DOM_EXC], 0);
	assert_int_equal(dom0->vcpu[1]->virq_to_port[VIRQ_DOM_EXC], 0);
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &again), 0);
	assert_int_equal(again, p);
}

/* ---- close --------------------------------------------------------------- */

static void
test_closing_an_interdomain_port_leaves_the_other_end_unbound_and_notified(
	void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb, pa2;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	guest_ack_all(dom_b);
	assert_int_equal(close_port(dom_a, pa), 0);

	assert_int_equal(status_of(dom_a, DOMID_SELF, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(status_of(dom_b, DOMID_SELF, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, dom_a->domain_id);
	assert_true(is_pending(dom_b, pb));
	assert_int_equal(upcall(dom_b, 0), 1);

	/* A (and only A) can bind to B's now unbound end again. */
	assert_int_equal(
		bind_interdomain(dom0, dom_b->domain_id, pb, NULL), -EINVAL);
	assert_int_equal(
		bind_interdomain(dom_a, dom_b->domain_id, pb, &pa2), 0);
	assert_int_equal(pa2, pa);
	assert_int_equal(status_of(dom_b, DOMID_SELF, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.port, pa2);
}

static void test_closing_clears_the_ports_pending_bit_and_frees_it_for_reuse(
	void **state)
{
	evtchn_port_t pa, pb, again;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	assert_true(is_pending(dom_b, pb));
	assert_int_equal(close_port(dom_b, pb), 0);
	assert_false(is_pending(dom_b, pb));
	assert_int_equal(dom_b->evtchn_in_use, 0);
	assert_int_equal(bind_ipi(dom_b, 0, &again), 0);
	assert_int_equal(again, pb);
	assert_false(is_pending(dom_b, again));
}

static void test_close_of_port_0_a_free_port_a_bad_port_or_twice_is_einval(
	void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(close_port(dom_a, 0), -EINVAL);
	assert_int_equal(close_port(dom_a, 7), -EINVAL);
	assert_int_equal(close_port(dom_a, EVTCHN_BUCKET), -EINVAL);
	assert_int_equal(close_port(dom_a, EVTCHN_NR_PORTS), -EINVAL);
	assert_int_equal(close_port(dom_a, 0xffffffffu), -EINVAL);
	assert_int_equal(bind_ipi(dom_a, 0, &p), 0);
	assert_int_equal(close_port(dom_a, p), 0);
	assert_int_equal(close_port(dom_a, p), -EINVAL);
	assert_int_equal(dom_a->evtchn_in_use, 0);
	/* Port 0 stays reserved: the next port is 1 again. */
	assert_int_equal(bind_ipi(dom_a, 0, &p), 0);
	assert_int_equal(p, 1);
}

/* ---- status -------------------------------------------------------------- */

static void test_status_reports_each_state(void **state)
{
	struct evtchn_status st;
	evtchn_port_t unb, pa, pb, virq, ipi;

	(void)state;
	assert_int_equal(
		alloc_unbound(dom_a, DOMID_SELF, dom_b->domain_id, &unb), 0);
	connect(dom_a, dom_b, &pa, &pb);
	assert_int_equal(bind_virq(dom_a, VIRQ_DEBUG, 1, &virq), 0);
	assert_int_equal(bind_ipi(dom_a, 1, &ipi), 0);

	assert_int_equal(status_of(dom_a, DOMID_SELF, 0, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(status_of(dom_a, DOMID_SELF, 100, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(st.vcpu, 0);

	assert_int_equal(status_of(dom_a, DOMID_SELF, unb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, dom_b->domain_id);

	assert_int_equal(status_of(dom_a, dom_a->domain_id, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, dom_b->domain_id);
	assert_int_equal(st.u.interdomain.port, pb);

	assert_int_equal(status_of(dom_a, DOMID_SELF, virq, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.u.virq, VIRQ_DEBUG);
	assert_int_equal(st.vcpu, 1);

	assert_int_equal(status_of(dom_a, DOMID_SELF, ipi, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
}

static void test_status_of_another_domain_needs_privilege(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	assert_int_equal(status_of(dom_b, dom_a->domain_id, pa, &st), -EPERM);
	assert_int_equal(status_of(dom_b, 0, 1, &st), -EPERM);
	assert_int_equal(status_of(dom0, dom_a->domain_id, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(status_of(dom0, NOWHERE, 1, &st), -ESRCH);
	assert_int_equal(status_of(dom_b, NOWHERE, 1, &st), -ESRCH);
	assert_int_equal(
		status_of(dom0, dom_a->domain_id, EVTCHN_NR_PORTS, &st),
		-EINVAL);
	assert_int_equal(
		status_of(dom_a, DOMID_SELF, 0xffffffffu, &st), -EINVAL);
	assert_int_equal(
		status_of(dom_a, DOMID_SELF, EVTCHN_BUCKET, &st), -EINVAL);
	/* A device model may look at its target's ports (XSM_TARGET). */
	dom_b->target = dom_a->domain_id;
	assert_int_equal(status_of(dom_b, dom_a->domain_id, pa, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(status_of(dom_b, 0, 1, &st), -EPERM);
}

/* ---- IPIs and bind_vcpu -------------------------------------------------- */

static void test_an_ipi_port_notifies_its_own_domain_on_the_bound_vcpu(
	void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(bind_ipi(dom_a, 1, &p), 0);
	assert_int_equal(send_on(dom_a, p), 0);
	assert_true(is_pending(dom_a, p));
	assert_true(sel_bit(dom_a, 1, p));
	assert_int_equal(upcall(dom_a, 1), 1);
	assert_int_equal(kicks(dom_a, 1), 1);
	assert_int_equal(upcall(dom_a, 0), 0);
	assert_int_equal(kicks(dom_a, 0), 0);
	/* From any vCPU. */
	guest_ack_all(dom_a);
	assert_int_equal(evtchn_op_on(dom_a, 1, EVTCHNOP_send,
				 &(struct evtchn_send){.port = p}),
		0);
	assert_int_equal(upcall(dom_a, 1), 1);
}

static void test_bind_ipi_on_a_vcpu_out_of_range_is_enoent(void **state)
{
	(void)state;
	assert_int_equal(bind_ipi(dom_a, 2, NULL), -ENOENT);
	assert_int_equal(bind_ipi(dom_b, 1, NULL), -ENOENT);
	assert_int_equal(bind_ipi(dom_b, 0xffffffffu, NULL), -ENOENT);
	assert_int_equal(dom_a->evtchn_in_use, 0);
	assert_int_equal(dom_b->evtchn_in_use, 0);
}

static void test_bind_vcpu_moves_interdomain_and_unbound_ports(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pb, pa, unb;

	(void)state;
	connect(dom_b, dom_a, &pb, &pa);
	guest_ack_all(dom_a);
	assert_int_equal(bind_vcpu(dom_a, pa, 1), 0);
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_true(sel_bit(dom_a, 1, pa));
	assert_int_equal(upcall(dom_a, 1), 1);
	assert_int_equal(upcall(dom_a, 0), 0);

	assert_int_equal(alloc_unbound(dom_a, DOMID_SELF, 0, &unb), 0);
	assert_int_equal(bind_vcpu(dom_a, unb, 1), 0);
	assert_int_equal(status_of(dom_a, DOMID_SELF, unb, &st), 0);
	assert_int_equal(st.vcpu, 1);
	/* Back to vCPU 0. */
	assert_int_equal(bind_vcpu(dom_a, pa, 0), 0);
	assert_int_equal(status_of(dom_a, DOMID_SELF, pa, &st), 0);
	assert_int_equal(st.vcpu, 0);
}

static void test_bind_vcpu_refuses_per_vcpu_virqs_ipis_and_bad_arguments(
	void **state)
{
	evtchn_port_t timer, ipi, pa, pb;

	(void)state;
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 0, &timer), 0);
	assert_int_equal(bind_vcpu(dom_a, timer, 1), -EINVAL);
	assert_int_equal(bind_ipi(dom_a, 0, &ipi), 0);
	assert_int_equal(bind_vcpu(dom_a, ipi, 1), -EINVAL);
	connect(dom_b, dom_a, &pb, &pa);
	/* Free, reserved and bad ports. */
	assert_int_equal(bind_vcpu(dom_a, 0, 1), -EINVAL);
	assert_int_equal(bind_vcpu(dom_a, 50, 1), -EINVAL);
	assert_int_equal(bind_vcpu(dom_a, 0xffffffffu, 1), -EINVAL);
	/* A vCPU out of range, whatever the port: Xen checks it first. */
	assert_int_equal(bind_vcpu(dom_a, pa, 2), -ENOENT);
	assert_int_equal(bind_vcpu(dom_a, pa, 0xffffffffu), -ENOENT);
	assert_int_equal(bind_vcpu(dom_a, 0xffffffffu, 2), -ENOENT);
}

/* ---- reset --------------------------------------------------------------- */

static void test_reset_closes_every_port_and_unbinds_the_peers(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb, p;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	assert_int_equal(alloc_unbound(dom_a, DOMID_SELF, 0, NULL), 0);
	assert_int_equal(bind_ipi(dom_a, 1, NULL), 0);
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 1, NULL), 0);
	assert_int_equal(bind_virq(dom_a, VIRQ_DOM_EXC, 0, NULL), 0);
	guest_ack_all(dom_b);

	assert_int_equal(reset_dom(dom_a, DOMID_SELF), 0);
	assert_int_equal(dom_a->evtchn_in_use, 0);
	for (p = 0; p < 8; p++) {
		assert_int_equal(status_of(dom_a, DOMID_SELF, p, &st), 0);
		assert_int_equal(st.status, EVTCHNSTAT_closed);
	}
	assert_int_equal(status_of(dom_b, DOMID_SELF, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, dom_a->domain_id);
	assert_true(is_pending(dom_b, pb));
	/* The VIRQs are free to bind again. */
	assert_int_equal(bind_virq(dom_a, VIRQ_TIMER, 1, NULL), 0);
	assert_int_equal(bind_virq(dom_a, VIRQ_DOM_EXC, 0, NULL), 0);
}

static void test_reset_of_another_domain_needs_privilege(void **state)
{
	evtchn_port_t p;

	(void)state;
	assert_int_equal(bind_ipi(dom_a, 0, &p), 0);
	assert_int_equal(reset_dom(dom_b, dom_a->domain_id), -EPERM);
	assert_int_equal(dom_a->evtchn_in_use, 1);
	assert_int_equal(reset_dom(dom_b, NOWHERE), -ESRCH);
	assert_int_equal(reset_dom(dom0, dom_a->domain_id), 0);
	assert_int_equal(dom_a->evtchn_in_use, 0);
	/* A device model may reset its target (XSM_TARGET). */
	assert_int_equal(bind_ipi(dom_a, 0, NULL), 0);
	dom_b->target = dom_a->domain_id;
	assert_int_equal(reset_dom(dom_b, dom_a->domain_id), 0);
	assert_int_equal(dom_a->evtchn_in_use, 0);
}

/* ---- limits and buckets -------------------------------------------------- */

static void test_a_full_domain_gets_enospc(void **state)
{
	struct domain *d;
	evtchn_port_t p, pa;
	unsigned int i;

	(void)state;
	domain_limits.max_evtchns = 8;
	d = fake_domain_create(9, 1, 4, false);
	domain_limits.max_evtchns = EVTCHN_NR_PORTS;
	assert_non_null(d);
	for (i = 1; i < 8; i++) {
		assert_int_equal(bind_ipi(d, 0, &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(bind_ipi(d, 0, NULL), -ENOSPC);
	assert_int_equal(alloc_unbound(d, DOMID_SELF, 0, NULL), -ENOSPC);
	assert_int_equal(bind_virq(d, VIRQ_TIMER, 0, NULL), -ENOSPC);
	assert_int_equal(d->vcpu[0]->virq_to_port[VIRQ_TIMER], 0);
	/* Binding to a peer needs a local port too. */
	assert_int_equal(alloc_unbound(dom_a, DOMID_SELF, 9, &pa), 0);
	assert_int_equal(
		bind_interdomain(d, dom_a->domain_id, pa, NULL), -ENOSPC);
	/* Xen looks for the local port before it checks the remote one. */
	assert_int_equal(
		bind_interdomain(d, dom_a->domain_id, 0xffffffffu, NULL),
		-ENOSPC);
	/* Ports at and above the limit do not exist. */
	assert_int_equal(send_on(d, 8), -EINVAL);
	assert_int_equal(close_port(d, 8), -EINVAL);
	/* Closing one makes room for exactly one. */
	assert_int_equal(close_port(d, 5), 0);
	assert_int_equal(bind_interdomain(d, dom_a->domain_id, pa, &p), 0);
	assert_int_equal(p, 5);
	assert_int_equal(bind_ipi(d, 0, NULL), -ENOSPC);
}

static void test_buckets_are_allocated_on_first_use(void **state)
{
	struct evtchn_status st;
	evtchn_port_t p;
	unsigned int i;
	long live;

	(void)state;
	assert_non_null(dom_a->evtchn[0]);
	for (i = 1; i < dom_a->max_evtchns / EVTCHN_BUCKET; i++) {
		assert_null(dom_a->evtchn[i]);
	}
	for (i = 1; i < EVTCHN_BUCKET; i++) {
		assert_int_equal(bind_ipi(dom_a, 0, &p), 0);
	}
	assert_int_equal(p, EVTCHN_BUCKET - 1);
	assert_null(dom_a->evtchn[1]);
	assert_int_equal(
		status_of(dom_a, DOMID_SELF, EVTCHN_BUCKET, &st), -EINVAL);

	/* The bucket's allocation failing gives -ENOMEM and nothing else. */
	live = fake_alloc_live();
	fake_fail_allocs_after(0);
	assert_int_equal(bind_ipi(dom_a, 0, NULL), -ENOMEM);
	fake_fail_allocs_after(-1);
	assert_int_equal(fake_alloc_live(), live);
	assert_null(dom_a->evtchn[1]);

	assert_int_equal(bind_ipi(dom_a, 0, &p), 0);
	assert_int_equal(p, EVTCHN_BUCKET);
	assert_non_null(dom_a->evtchn[1]);
	assert_int_equal(fake_alloc_live(), live + 1);
	assert_null(dom_a->evtchn[2]);
	/* The whole new bucket is valid, the next one is not yet. */
	assert_int_equal(
		status_of(dom_a, DOMID_SELF, 2 * EVTCHN_BUCKET - 1, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	assert_int_equal(
		status_of(dom_a, DOMID_SELF, 2 * EVTCHN_BUCKET, &st), -EINVAL);
	/* Other domains still have one bucket. */
	assert_null(dom_b->evtchn[1]);
}

static void test_the_highest_port_works_across_selector_words(void **state)
{
	evtchn_port_t pa, pb;
	unsigned int i;

	(void)state;
	/* Fill B so that its next port is the last one. */
	for (i = 1; i < EVTCHN_NR_PORTS - 1; i++) {
		assert_int_equal(bind_ipi(dom_b, 0, NULL), 0);
	}
	connect(dom_a, dom_b, &pa, &pb);
	assert_int_equal(pb, EVTCHN_NR_PORTS - 1);
	assert_int_equal(bind_ipi(dom_b, 0, NULL), -ENOSPC);
	guest_ack_all(dom_b);
	assert_int_equal(send_on(dom_a, pa), 0);
	assert_true(is_pending(dom_b, pb));
	assert_int_equal(dom_b->shared_info->vcpu_info[0].evtchn_pending_sel,
		1ul << (BITS_PER_ULONG - 1));
	assert_int_equal(upcall(dom_b, 0), 1);
}

/* ---- death of a peer ----------------------------------------------------- */

static void test_killing_a_domain_unbinds_and_notifies_its_peers(void **state)
{
	struct evtchn_status st;
	evtchn_port_t pa, pb, pa0, p0, exc;
	domid_t a = dom_a->domain_id;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	connect(dom_a, dom0, &pa0, &p0);
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &exc), 0);
	guest_ack_all(dom_b);
	guest_ack_all(dom0);

	assert_int_equal(domain_kill(dom_a), 0);
	dom_a = NULL;
	assert_null(domain_get_any(a));

	assert_int_equal(status_of(dom_b, DOMID_SELF, pb, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, a);
	assert_true(is_pending(dom_b, pb));
	assert_int_equal(upcall(dom_b, 0), 1);
	assert_int_equal(status_of(dom0, DOMID_SELF, p0, &st), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_true(is_pending(dom0, p0));
	assert_true(is_pending(dom0, exc));

	/* Sending on the orphan is dropped; the dead domain cannot be bound. */
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(bind_interdomain(dom_b, a, pa, NULL), -ESRCH);
}

static void test_a_dying_peer_still_referenced_gets_no_events(void **state)
{
	evtchn_port_t pa, pb;
	struct domain *a = dom_a;

	(void)state;
	connect(dom_a, dom_b, &pa, &pb);
	guest_ack_all(dom_a);
	a = domain_get(dom_a->domain_id);
	assert_int_equal(domain_kill(a), 0);
	assert_int_equal(a->is_dying, DOMDYING_dead);
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_false(is_pending(a, pa));
	evtchn_set_pending(a, pa);
	assert_false(is_pending(a, pa));
	/* Xen says -EINVAL (dying) where this core says -ESRCH: refused. */
	assert_true(alloc_unbound(dom0, a->domain_id, 0, NULL) < 0);
	domain_put(a);
	dom_a = NULL;
}

/* ---- hostile arguments --------------------------------------------------- */

static void test_bad_argument_addresses_are_efault(void **state)
{
	static const unsigned int cmds[] = {
		EVTCHNOP_bind_interdomain,
		EVTCHNOP_bind_virq,
		EVTCHNOP_close,
		EVTCHNOP_send,
		EVTCHNOP_status,
		EVTCHNOP_alloc_unbound,
		EVTCHNOP_bind_ipi,
		EVTCHNOP_bind_vcpu,
		EVTCHNOP_unmask,
		EVTCHNOP_reset,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		assert_int_equal(
			fake_hypercall(dom_a, 0, __HYPERVISOR_event_channel_op,
				cmds[i], FAKE_BAD_ADDR, 0, 0, 0),
			-EFAULT);
		assert_int_equal(
			fake_hypercall(dom_a, 0, __HYPERVISOR_event_channel_op,
				cmds[i], 0, 0, 0, 0),
			-EFAULT);
		assert_int_equal(
			fake_hypercall(dom_a, 0, __HYPERVISOR_event_channel_op,
				cmds[i], FAKE_BAD_ADDR + FAKE_BAD_LEN - 2, 0, 0,
				0),
			-EFAULT);
		assert_int_equal(
			fake_hypercall(dom_a, 0, __HYPERVISOR_event_channel_op,
				cmds[i], UINT64_MAX - 1, 0, 0, 0),
			-EFAULT);
	}
	assert_int_equal(dom_a->evtchn_in_use, 0);
}

static void test_a_result_that_cannot_be_copied_back_is_efault(void **state)
{
	struct evtchn_alloc_unbound a = {.dom = DOMID_SELF, .remote_dom = 0};
	struct evtchn_status st = {.dom = DOMID_SELF, .port = 0};

	(void)state;
	fake_fail_copies_after(1);
	assert_int_equal(evtchn_op(dom_a, EVTCHNOP_alloc_unbound, &a), -EFAULT);
	fake_fail_copies_after(1);
	assert_int_equal(evtchn_op(dom_a, EVTCHNOP_status, &st), -EFAULT);
	fake_fail_copies_after(-1);
}

static void test_unknown_and_unsupported_commands_are_refused(void **state)
{
	uint8_t buf[64];

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(evtchn_op(dom_a, 14, buf), -ENOSYS);
	assert_int_equal(evtchn_op(dom_a, 0xffffffffu, buf), -ENOSYS);
	assert_int_equal(evtchn_op(dom_a, EVTCHNOP_bind_pirq, buf), -EPERM);
}

/* ---- reference model ----------------------------------------------------- */

#define M_DOMS 3
#define M_VCPUS 2
#define M_MAX_PORTS 150

struct m_port {
	uint8_t state; /* enum evtchn_state */
	uint8_t notify;
	domid_t rdom;
	evtchn_port_t rport;
	uint32_t virq;
	bool pending;
	bool masked;
};

struct m_dom {
	struct domain *d;
	domid_t id;
	unsigned int max;
	bool bucket1;
	struct m_port p[M_MAX_PORTS];
	evtchn_port_t v2p[M_VCPUS][NR_VIRQS];
	unsigned long sel[M_VCPUS];
	uint8_t upcall[M_VCPUS];
	unsigned int kicks[M_VCPUS];
};

static struct m_dom md[M_DOMS];
static uint64_t m_rng;

static unsigned int m_rand(unsigned int n)
{
	m_rng ^= m_rng << 13;
	m_rng ^= m_rng >> 7;
	m_rng ^= m_rng << 17;
	return (unsigned int)((m_rng >> 11) % n);
}

static int m_find(domid_t id)
{
	unsigned int i;

	for (i = 0; i < M_DOMS; i++) {
		if (md[i].id == id) {
			return (int)i;
		}
	}
	return -1;
}

static bool m_valid(const struct m_dom *m, evtchn_port_t port)
{
	return port < m->max && (port < EVTCHN_BUCKET || m->bucket1);
}

static int m_free_port(struct m_dom *m)
{
	evtchn_port_t port;

	for (port = 1; port < m->max; port++) {
		if (port >= EVTCHN_BUCKET) {
			m->bucket1 = true;
		}
		if (m->p[port].state == ECS_FREE) {
			return (int)port;
		}
	}
	return -ENOSPC;
}

static void m_mark_events_pending(struct m_dom *m, unsigned int v)
{
	if (m->upcall[v] == 0) {
		m->upcall[v] = 1;
		m->kicks[v]++;
	}
}

static void m_set_pending(struct m_dom *m, evtchn_port_t port)
{
	struct m_port *mp = &m->p[port];
	unsigned long bit = 1ul << (port / BITS_PER_ULONG);

	if (mp->pending) {
		return;
	}
	mp->pending = true;
	if (!mp->masked && !(m->sel[mp->notify] & bit)) {
		m->sel[mp->notify] |= bit;
		m_mark_events_pending(m, mp->notify);
	}
}

static void m_port_init(struct m_port *mp, uint8_t state, unsigned int vcpu)
{
	memset(mp, 0, sizeof(*mp));
	mp->state = state;
	mp->notify = (uint8_t)vcpu;
}

static bool m_virq_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

static long m_close(struct m_dom *m, evtchn_port_t port)
{
	struct m_port *mp;
	struct m_dom *r;
	int ri;

	if (!m_valid(m, port)) {
		return -EINVAL;
	}
	mp = &m->p[port];
	switch (mp->state) {
	case ECS_FREE:
	case ECS_RESERVED:
		return -EINVAL;
	case ECS_VIRQ:
		m->v2p[m_virq_global(mp->virq) ? 0 : mp->notify][mp->virq] = 0;
		break;
	case ECS_INTERDOMAIN:
		ri = m_find(mp->rdom);
		assert_true(ri >= 0);
		r = &md[ri];
		r->p[mp->rport].state = ECS_UNBOUND;
		r->p[mp->rport].rdom = m->id;
		m_set_pending(r, mp->rport);
		break;
	default:
		break;
	}
	mp->state = ECS_FREE;
	mp->notify = 0;
	mp->pending = false;
	return 0;
}

/* Pick a port: mostly one in use, sometimes anything, sometimes hostile. */
static evtchn_port_t m_pick_port(const struct m_dom *m)
{
	evtchn_port_t port;
	unsigned int tries;

	switch (m_rand(8)) {
	case 0:
		return m_rand(m->max + 4);
	case 1:
		return m_rand(2) ? 0xffffffffu : EVTCHN_NR_PORTS + m_rand(3);
	default:
		for (tries = 0; tries < 16; tries++) {
			port = 1 + m_rand(m->max - 1);
			if (m->p[port].state != ECS_FREE) {
				return port;
			}
		}
		return m_rand(m->max);
	}
}

static domid_t m_pick_dom(unsigned int self)
{
	switch (m_rand(6)) {
	case 0:
		return DOMID_SELF;
	case 1:
		return m_rand(2) ? NOWHERE : DOMID_INVALID;
	case 2:
		return md[self].id;
	default:
		return md[m_rand(M_DOMS)].id;
	}
}

static uint32_t m_pick_virq(void)
{
	static const uint32_t virqs[] = {VIRQ_TIMER, VIRQ_DEBUG, VIRQ_DOM_EXC,
		VIRQ_CON_RING, NR_VIRQS, 0xffffffffu};

	return virqs[m_rand(ARRAY_SIZE(virqs))];
}

static uint32_t m_pick_vcpu(void)
{
	return m_rand(8) == 0 ? 2 + m_rand(3) : m_rand(M_VCPUS);
}

static void m_step(unsigned int step)
{
	unsigned int i = m_rand(M_DOMS), v, op = m_rand(16);
	struct m_dom *m = &md[i], *r;
	evtchn_port_t port, out = 0;
	long want = 0, got;
	domid_t dom, remote;
	uint32_t virq;
	int ti, ri, fp;

	switch (op) {
	case 0:
	case 1:
	case 2: /* alloc_unbound */
		dom = m_pick_dom(i);
		remote = m_pick_dom(i);
		got = alloc_unbound(m->d, dom, remote, &out);
		ti = dom == DOMID_SELF ? (int)i : m_find(dom);
		if (ti < 0) {
			want = -ESRCH;
		} else if (ti != (int)i) {
			want = -EPERM;
		} else if ((fp = m_free_port(m)) < 0) {
			want = fp;
		} else {
			m_port_init(&m->p[fp], ECS_UNBOUND, 0);
			m->p[fp].rdom = remote == DOMID_SELF ? m->id : remote;
			assert_int_equal(out, fp);
		}
		break;
	case 3:
	case 4:
	case 5: /* bind_interdomain */
		dom = m_pick_dom(i);
		if (m_rand(2)) {
			/* Aim at a port that waits for us. */
			for (ri = 0; ri < M_DOMS; ri++) {
				for (port = 1; port < md[ri].max; port++) {
					if (md[ri].p[port].state ==
							ECS_UNBOUND &&
						md[ri].p[port].rdom == m->id) {
						break;
					}
				}
				if (port < md[ri].max) {
					dom = md[ri].id;
					break;
				}
			}
		}
		ri = dom == DOMID_SELF ? (int)i : m_find(dom);
		port = ri >= 0 && m_rand(4) != 0 ? m_pick_port(&md[ri])
						 : m_rand(M_MAX_PORTS);
		if (ri >= 0) {
			for (fp = 1; fp < (int)md[ri].max; fp++) {
				if (md[ri].p[fp].state == ECS_UNBOUND &&
					md[ri].p[fp].rdom == m->id &&
					m_rand(2)) {
					port = (evtchn_port_t)fp;
					break;
				}
			}
		}
		got = bind_interdomain(m->d, dom, port, &out);
		if (ri < 0) {
			want = -ESRCH;
			break;
		}
		r = &md[ri];
		fp = m_free_port(m);
		if (fp < 0) {
			want = fp;
		} else if (!m_valid(r, port) ||
			   r->p[port].state != ECS_UNBOUND ||
			   r->p[port].rdom != m->id) {
			want = -EINVAL;
		} else {
			m_port_init(&m->p[fp], ECS_INTERDOMAIN, 0);
			m->p[fp].rdom = r->id;
			m->p[fp].rport = port;
			r->p[port].state = ECS_INTERDOMAIN;
			r->p[port].rdom = m->id;
			r->p[port].rport = (evtchn_port_t)fp;
			m_set_pending(m, (evtchn_port_t)fp);
			assert_int_equal(out, fp);
		}
		break;
	case 6:
	case 7: /* send */
		port = m_pick_port(m);
		got = send_on(m->d, port);
		if (!m_valid(m, port)) {
			want = -EINVAL;
			break;
		}
		switch (m->p[port].state) {
		case ECS_INTERDOMAIN:
			m_set_pending(
				&md[m_find(m->p[port].rdom)], m->p[port].rport);
			break;
		case ECS_IPI:
			m_set_pending(m, port);
			break;
		case ECS_UNBOUND:
			break;
		default:
			want = -EINVAL;
			break;
		}
		break;
	case 8: /* close, then the guest unmasks the port for its next use */
		port = m_pick_port(m);
		got = close_port(m->d, port);
		want = m_close(m, port);
		if (want == 0) {
			clear_bit(port, m->d->shared_info->evtchn_mask);
			m->p[port].masked = false;
		}
		break;
	case 9: /* unmask */
		port = m_pick_port(m);
		got = unmask_port(m->d, port);
		if (!m_valid(m, port)) {
			want = -EINVAL;
		} else if (m->p[port].masked) {
			m->p[port].masked = false;
			if (m->p[port].pending &&
				!(m->sel[m->p[port].notify] &
					(1ul << (port / BITS_PER_ULONG)))) {
				m->sel[m->p[port].notify] |=
					1ul << (port / BITS_PER_ULONG);
				m_mark_events_pending(m, m->p[port].notify);
			}
		}
		break;
	case 10: /* the guest masks a port it uses, or acks one */
		port = m_pick_port(m);
		got = 0;
		if (port > 0 && port < m->max && m->p[port].state != ECS_FREE) {
			if (m_rand(2)) {
				set_bit(port, m->d->shared_info->evtchn_mask);
				m->p[port].masked = true;
			} else {
				clear_bit(port,
					m->d->shared_info->evtchn_pending);
				m->p[port].pending = false;
			}
		}
		break;
	case 11: /* the guest's upcall handler runs on one vCPU */
		v = m_rand(M_VCPUS);
		got = 0;
		m->d->shared_info->vcpu_info[v].evtchn_upcall_pending = 0;
		m->d->shared_info->vcpu_info[v].evtchn_pending_sel = 0;
		m->upcall[v] = 0;
		m->sel[v] = 0;
		break;
	case 12: /* bind_ipi */
		v = m_pick_vcpu();
		got = bind_ipi(m->d, v, &out);
		if (v >= M_VCPUS) {
			want = -ENOENT;
		} else if ((fp = m_free_port(m)) < 0) {
			want = fp;
		} else {
			m_port_init(&m->p[fp], ECS_IPI, v);
			assert_int_equal(out, fp);
		}
		break;
	case 13: /* bind_virq */
		virq = m_pick_virq();
		v = m_pick_vcpu();
		got = bind_virq(m->d, virq, v, &out);
		if (virq >= NR_VIRQS || (m_virq_global(virq) && v != 0)) {
			want = -EINVAL;
		} else if (v >= M_VCPUS) {
			want = -ENOENT;
		} else if (m->v2p[v][virq] != 0) {
			want = -EEXIST;
		} else if ((fp = m_free_port(m)) < 0) {
			want = fp;
		} else {
			m_port_init(&m->p[fp], ECS_VIRQ, v);
			m->p[fp].virq = virq;
			m->v2p[v][virq] = (evtchn_port_t)fp;
			assert_int_equal(out, fp);
		}
		break;
	case 14: /* bind_vcpu */
		port = m_pick_port(m);
		v = m_pick_vcpu();
		got = bind_vcpu(m->d, port, v);
		if (v >= M_VCPUS) {
			want = -ENOENT;
		} else if (!m_valid(m, port)) {
			want = -EINVAL;
		} else if (m->p[port].state == ECS_UNBOUND ||
			   m->p[port].state == ECS_INTERDOMAIN ||
			   (m->p[port].state == ECS_VIRQ &&
				   m_virq_global(m->p[port].virq))) {
			m->p[port].notify = (uint8_t)v;
		} else {
			want = -EINVAL;
		}
		break;
	default: /* the hypervisor raises VIRQs; now and then a reset */
		got = 0;
		if (m_rand(40) == 0) {
			got = reset_dom(m->d, DOMID_SELF);
			for (port = 1; port < m->max; port++) {
				if (m_valid(m, port) &&
					m->p[port].state != ECS_FREE) {
					m_close(m, port);
				}
			}
			for (port = 0; port < m->max; port++) {
				clear_bit(port, m->d->shared_info->evtchn_mask);
				m->p[port].masked = false;
			}
		} else if (m_rand(3) == 0) {
			/* Global VIRQs go to dom0, never to these domains. */
			send_global_virq(VIRQ_DOM_EXC);
			send_global_virq(VIRQ_CON_RING);
		} else {
			v = m_rand(M_VCPUS);
			virq = m_pick_virq();
			send_guest_vcpu_virq(m->d->vcpu[v], virq);
			if (virq < NR_VIRQS && m->v2p[v][virq] != 0) {
				m_set_pending(m, m->v2p[v][virq]);
			}
		}
		break;
	}
	if (got != want) {
		fail_msg("step %u: op %u on d%u: got %ld, model %ld", step, op,
			m->id, got, want);
	}
}

static void m_compare(unsigned int step)
{
	struct evtchn_status st;
	unsigned int i, v, in_use;
	evtchn_port_t port;
	struct m_dom *m;
	struct m_port *mp;
	long rc;

	for (i = 0; i < M_DOMS; i++) {
		m = &md[i];
		in_use = 0;
		for (port = 0; port <= m->max; port++) {
			rc = status_of(dom0, m->id, port, &st);
			if (!m_valid(m, port)) {
				if (rc != -EINVAL) {
					fail_msg("step %u: d%u port %u: "
						 "status %ld for an invalid "
						 "port",
						step, m->id, port, rc);
				}
				continue;
			}
			assert_int_equal(rc, 0);
			mp = &m->p[port];
			if (mp->state != ECS_FREE &&
				mp->state != ECS_RESERVED) {
				in_use++;
			}
			switch (mp->state) {
			case ECS_FREE:
			case ECS_RESERVED:
				assert_int_equal(st.status, EVTCHNSTAT_closed);
				break;
			case ECS_UNBOUND:
				assert_int_equal(st.status, EVTCHNSTAT_unbound);
				assert_int_equal(st.u.unbound.dom, mp->rdom);
				break;
			case ECS_INTERDOMAIN:
				assert_int_equal(
					st.status, EVTCHNSTAT_interdomain);
				assert_int_equal(
					st.u.interdomain.dom, mp->rdom);
				assert_int_equal(
					st.u.interdomain.port, mp->rport);
				break;
			case ECS_VIRQ:
				assert_int_equal(st.status, EVTCHNSTAT_virq);
				assert_int_equal(st.u.virq, mp->virq);
				break;
			default:
				assert_int_equal(st.status, EVTCHNSTAT_ipi);
				break;
			}
			assert_int_equal(st.vcpu, mp->notify);
			if (is_pending(m->d, port) != mp->pending ||
				is_masked(m->d, port) != mp->masked) {
				fail_msg("step %u: d%u port %u: pending %d "
					 "masked %d, model %d %d",
					step, m->id, port,
					is_pending(m->d, port),
					is_masked(m->d, port), mp->pending,
					mp->masked);
			}
		}
		assert_int_equal(m->d->evtchn_in_use, in_use);
		for (v = 0; v < M_VCPUS; v++) {
			if (m->d->shared_info->vcpu_info[v]
						.evtchn_pending_sel !=
					m->sel[v] ||
				upcall(m->d, v) != m->upcall[v] ||
				kicks(m->d, v) != m->kicks[v]) {
				fail_msg("step %u: d%u vCPU %u: sel %lx "
					 "upcall %u kicks %u, model %lx %u %u",
					step, m->id, v,
					(unsigned long)m->d->shared_info
						->vcpu_info[v]
						.evtchn_pending_sel,
					upcall(m->d, v), kicks(m->d, v),
					m->sel[v], m->upcall[v], m->kicks[v]);
			}
			assert_memory_equal(m->d->vcpu[v]->virq_to_port,
				m->v2p[v], sizeof(m->v2p[v]));
		}
	}
}

static void test_random_sequences_across_three_domains_match_a_reference_model(
	void **state)
{
	static const unsigned int limits[M_DOMS] = {20, M_MAX_PORTS, 70};
	static const uint64_t seeds[] = {0x9e3779b97f4a7c15ull, 42, 0xfeed};
	unsigned int s, i, step;
	evtchn_port_t exc;

	(void)state;
	/* dom0 listens for VIRQ_DOM_EXC; the model domains must not. */
	assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &exc), 0);
	for (s = 0; s < ARRAY_SIZE(seeds); s++) {
		memset(md, 0, sizeof(md));
		m_rng = seeds[s];
		for (i = 0; i < M_DOMS; i++) {
			domain_limits.max_evtchns = limits[i];
			md[i].d = fake_domain_create(
				(domid_t)(10 + 10 * s + i), M_VCPUS, 4, false);
			domain_limits.max_evtchns = EVTCHN_NR_PORTS;
			assert_non_null(md[i].d);
			md[i].id = md[i].d->domain_id;
			md[i].max = limits[i];
			md[i].p[0].state = ECS_RESERVED;
		}
		for (step = 0; step < 4000; step++) {
			m_step(step);
			m_compare(step);
		}
		for (i = 0; i < M_DOMS; i++) {
			assert_int_equal(domain_kill(md[i].d), 0);
		}
	}
	assert_true(is_pending(dom0, exc));
}

/* ---- a wide port space (the hosted port's dom0) -------------------------- */

static int wide_setup(void **state)
{
	(void)state;
	fake_reset();
	domain_limits.max_evtchns = EVTCHN_NR_PORTS;
	fake_set_wide_ports(10000); /* rounded up to 3 x 4096 */
	dom0 = fake_domain_create(0, 1, 16, true);
	dom_a = fake_domain_create(1, 1, 16, false);
	dom_b = NULL;
	return dom0 == NULL || dom_a == NULL ? -1 : 0;
}

static void test_wide_dom0_binds_and_receives_beyond_4096_ports(void **state)
{
	unsigned long *pending, *mask, *sel;
	unsigned int nwords, i;
	evtchn_port_t gport, lport = 0, aport;
	struct evtchn_send snd;

	(void)state;
	assert_int_equal(dom0->max_evtchns, 3 * EVTCHN_NR_PORTS);
	assert_int_equal(dom_a->max_evtchns, EVTCHN_NR_PORTS);
	/* Fill dom0 past the 2-level ABI's 4096 ports. */
	for (i = 0; i < EVTCHN_NR_PORTS + 10; i++) {
		assert_int_equal(alloc_unbound(dom0, DOMID_SELF, 1, &lport), 0);
	}
	assert_true(lport > EVTCHN_NR_PORTS);
	/* A guest channel to dom0 lands on a port beyond 4096 too. */
	assert_int_equal(alloc_unbound(dom0, 1, 0, &gport), 0);
	assert_int_equal(bind_interdomain(dom0, 1, gport, &lport), 0);
	assert_true(lport >= EVTCHN_NR_PORTS);
	evtchn_words(dom0, &pending, &mask, &sel, &nwords);
	assert_int_equal(nwords, 3 * EVTCHN_NR_PORTS / BITS_PER_ULONG);
	/* Binding marked it pending; take that away as dom0's kernel would. */
	clear_bit(lport, pending);
	memset(sel, 0, 3 * sizeof(*sel));
	dom0->shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
	/* The 2-level bitmaps in shared_info are not used for dom0. */
	aport = gport;
	snd.port = aport;
	assert_int_equal(evtchn_op(dom_a, EVTCHNOP_send, &snd), 0);
	assert_true(evtchn_is_pending(dom0, lport));
	assert_true(test_bit(lport / BITS_PER_ULONG, sel));
	assert_int_equal(
		dom0->shared_info->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_false(test_bit(
		lport % EVTCHN_NR_PORTS, dom0->shared_info->evtchn_pending));
	/* Masked ports beyond 4096 hold their event until unmasked. */
	clear_bit(lport, pending);
	memset(sel, 0, 3 * sizeof(*sel));
	set_bit(lport, mask);
	assert_int_equal(evtchn_op(dom_a, EVTCHNOP_send, &snd), 0);
	assert_true(evtchn_is_pending(dom0, lport));
	assert_false(test_bit(lport / BITS_PER_ULONG, sel));
	assert_int_equal(evtchn_unmask(dom0, lport), 0);
	assert_true(test_bit(lport / BITS_PER_ULONG, sel));
	/* Ports past the wide space do not exist. */
	assert_null(evtchn_from_port(dom0, 3 * EVTCHN_NR_PORTS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_wide_dom0_binds_and_receives_beyond_4096_ports,
			wide_setup, ev_teardown),
#define T(fn) cmocka_unit_test_setup_teardown(fn, ev_setup, ev_teardown)
		T(test_alloc_unbound_for_itself_gives_the_lowest_free_port_waiting_for_the_remote),
		T(test_the_privileged_domain_may_alloc_unbound_in_another_domain),
		T(test_an_unprivileged_domain_may_not_alloc_unbound_in_another_domain),
		T(test_a_remote_domid_self_means_the_calling_domain),
		T(test_bind_interdomain_links_both_ends_and_sets_the_local_port_pending),
		T(test_bind_interdomain_by_domid_self_binds_a_port_of_the_caller),
		T(test_bind_interdomain_refuses_a_port_meant_for_another_domain),
		T(test_bind_interdomain_refuses_a_remote_port_that_is_not_unbound),
		T(test_bind_interdomain_refuses_bad_remote_ports),
		T(test_bind_interdomain_to_a_missing_domain_is_esrch),
		T(test_send_across_domains_sets_pending_selector_and_upcall_and_kicks_once),
		T(test_a_masked_port_goes_pending_without_upcall_until_unmasked),
		T(test_unmask_of_a_bad_port_is_einval),
		T(test_send_on_an_unbound_port_is_dropped),
		T(test_send_on_a_bad_free_or_virq_port_is_einval),
		T(test_bind_virq_binds_dom_exc_on_vcpu_0),
		T(test_bind_virq_refuses_a_global_virq_on_another_vcpu),
		T(test_bind_virq_twice_is_eexist),
		T(test_bind_virq_refuses_virqs_beyond_nr_virqs),
		T(test_bind_virq_on_a_vcpu_out_of_range_is_enoent),
		T(test_a_per_vcpu_virq_reaches_its_vcpu),
		T(test_send_global_virq_goes_to_dom0_only),
		T(test_a_global_virq_moved_to_vcpu_1_is_delivered_there_and_closes_cleanly),
		T(test_closing_an_interdomain_port_leaves_the_other_end_unbound_and_notified),
		T(test_closing_clears_the_ports_pending_bit_and_frees_it_for_reuse),
		T(test_close_of_port_0_a_free_port_a_bad_port_or_twice_is_einval),
		T(test_status_reports_each_state),
		T(test_status_of_another_domain_needs_privilege),
		T(test_an_ipi_port_notifies_its_own_domain_on_the_bound_vcpu),
		T(test_bind_ipi_on_a_vcpu_out_of_range_is_enoent),
		T(test_bind_vcpu_moves_interdomain_and_unbound_ports),
		T(test_bind_vcpu_refuses_per_vcpu_virqs_ipis_and_bad_arguments),
		T(test_reset_closes_every_port_and_unbinds_the_peers),
		T(test_reset_of_another_domain_needs_privilege),
		T(test_a_full_domain_gets_enospc),
		T(test_buckets_are_allocated_on_first_use),
		T(test_the_highest_port_works_across_selector_words),
		T(test_killing_a_domain_unbinds_and_notifies_its_peers),
		T(test_a_dying_peer_still_referenced_gets_no_events),
		T(test_bad_argument_addresses_are_efault),
		T(test_a_result_that_cannot_be_copied_back_is_efault),
		T(test_unknown_and_unsupported_commands_are_refused),
		T(test_random_sequences_across_three_domains_match_a_reference_model),
#undef T
	};

	return cmocka_run_group_tests_name("event_channel", tests, NULL, NULL);
}
