/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xen/common/sched_op.c on the fake port, through
 * __HYPERVISOR_sched_op as guests call it: SCHEDOP_block and the events
 * that end it, SCHEDOP_poll with its ports, masks and timeouts,
 * SCHEDOP_shutdown and shutdown_code, remote_shutdown, yield, and hostile
 * arguments.
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
#include "sched.h"
#include "xen/event.h"
#include "xen/hypercall.h"

#define MS 1000000ull
#define NOWHERE 77u

/* dom0 (privileged) listening for VIRQ_DOM_EXC, A (2 vCPUs), B. */
static struct domain *dom0, *dom_a, *dom_b;
static evtchn_port_t dom_exc;
/* A's port pa (notifying vCPU 0) is connected to B's port pb. */
static evtchn_port_t pa, pb;
/* A's port pa1 (notifying vCPU 1) is connected to B's port pb1. */
static evtchn_port_t pa1, pb1;

static long evtchn(struct domain *d, unsigned int cmd, void *arg)
{
	return fake_hypercall(d, 0, __HYPERVISOR_event_channel_op, cmd,
		FAKE_PTR(arg), 0, 0, 0);
}

static void connect(struct domain *a, struct domain *b, evtchn_port_t *p_a,
	evtchn_port_t *p_b)
{
	struct evtchn_alloc_unbound u = {.dom = DOMID_SELF};
	struct evtchn_bind_interdomain bi;

	u.remote_dom = b->domain_id;
	assert_int_equal(evtchn(a, EVTCHNOP_alloc_unbound, &u), 0);
	bi.remote_dom = a->domain_id;
	bi.remote_port = u.port;
	assert_int_equal(evtchn(b, EVTCHNOP_bind_interdomain, &bi), 0);
	*p_a = u.port;
	*p_b = bi.local_port;
}

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

static int so_setup(void **state)
{
	struct evtchn_bind_virq bv = {.virq = VIRQ_DOM_EXC, .vcpu = 0};
	struct evtchn_bind_vcpu bc;

	(void)state;
	fake_reset();
	dom0 = fake_domain_create(0, 1, 16, true);
	dom_a = fake_domain_create(1, 2, 16, false);
	dom_b = fake_domain_create(2, 1, 16, false);
	if (dom0 == NULL || dom_a == NULL || dom_b == NULL) {
		return -1;
	}
	if (evtchn(dom0, EVTCHNOP_bind_virq, &bv) != 0) {
		return -1;
	}
	dom_exc = bv.port;
	connect(dom_a, dom_b, &pa, &pb);
	connect(dom_a, dom_b, &pa1, &pb1);
	bc.port = pa1;
	bc.vcpu = 1;
	if (evtchn(dom_a, EVTCHNOP_bind_vcpu, &bc) != 0) {
		return -1;
	}
	guest_ack_all(dom0);
	guest_ack_all(dom_a);
	guest_ack_all(dom_b);
	return 0;
}

static int so_teardown(void **state)
{
	long live;

	(void)state;
	live = fake_teardown();
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static long sched_op(
	struct domain *d, unsigned int vcpu, unsigned int cmd, uint64_t arg)
{
	return fake_hypercall(
		d, vcpu, __HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static long poll_ports(struct domain *d, unsigned int vcpu,
	evtchn_port_t *ports, unsigned int n, uint64_t timeout)
{
	struct sched_poll p;

	memset(&p, 0, sizeof(p));
	set_xen_guest_handle(p.ports, ports);
	p.nr_ports = n;
	p.timeout = timeout;
	return sched_op(d, vcpu, SCHEDOP_poll, FAKE_PTR(&p));
}

static long shutdown(struct domain *d, unsigned int cmd, unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};

	return sched_op(d, 0, cmd, FAKE_PTR(&s));
}

static long remote_shutdown(
	struct domain *caller, domid_t dom, unsigned int reason)
{
	struct sched_remote_shutdown s;

	memset(&s, 0, sizeof(s));
	s.domain_id = dom;
	s.reason = reason;
	return sched_op(caller, 0, SCHEDOP_remote_shutdown, FAKE_PTR(&s));
}

static long send_on(struct domain *d, evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return evtchn(d, EVTCHNOP_send, &s);
}

static struct vcpu_info *vi(struct domain *d, unsigned int vcpu)
{
	return &d->shared_info->vcpu_info[vcpu];
}

static void mask(struct domain *d, evtchn_port_t port)
{
	set_bit(port, d->shared_info->evtchn_mask);
}

static bool dom_exc_pending(void)
{
	return test_bit(dom_exc, dom0->shared_info->evtchn_pending);
}

/* ---- SCHEDOP_block ------------------------------------------------------- */

static void test_block_with_nothing_pending_blocks_until_a_send_wakes_it(
	void **state)
{
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_block, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_int_equal(fake_wakes(v), 0);
	/* The other vCPU is not affected. */
	assert_int_equal(dom_a->vcpu[1]->run_state, VCPU_RUNNABLE);

	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_wakes(v), 1);
	assert_int_equal(fake_kicks(v), 0);
	assert_int_equal(vi(dom_a, 0)->evtchn_upcall_pending, 1);
}

static void test_block_with_an_event_pending_returns_at_once(void **state)
{
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(vi(dom_a, 0)->evtchn_upcall_pending, 1);
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_block, 0), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_wakes(v), 0);
}

static void test_block_enables_event_delivery(void **state)
{
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	/* Events disabled with one pending: block enables and returns. */
	vi(dom_a, 0)->evtchn_upcall_mask = 1;
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_block, 0), 0);
	assert_int_equal(vi(dom_a, 0)->evtchn_upcall_mask, 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);

	/* Events disabled with none pending: enabled, and it blocks. */
	guest_ack_all(dom_a);
	vi(dom_a, 0)->evtchn_upcall_mask = 1;
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_block, 0), 0);
	assert_int_equal(vi(dom_a, 0)->evtchn_upcall_mask, 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
}

static void test_block_ignores_a_pending_port_that_is_masked(void **state)
{
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	mask(dom_a, pa);
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_true(test_bit(pa, dom_a->shared_info->evtchn_pending));
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_block, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	/* Sending again on the masked port does not wake it either. */
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	/* Unmasking delivers and wakes. */
	assert_int_equal(evtchn(dom_a, EVTCHNOP_unmask,
				 &(struct evtchn_unmask){.port = pa}),
		0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_wakes(v), 1);
}

static void test_a_virq_wakes_a_blocked_vcpu(void **state)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_TIMER, .vcpu = 1};
	struct vcpu *v = dom_a->vcpu[1];

	(void)state;
	assert_int_equal(evtchn(dom_a, EVTCHNOP_bind_virq, &b), 0);
	assert_int_equal(sched_op(dom_a, 1, SCHEDOP_block, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	send_guest_vcpu_virq(v, VIRQ_TIMER);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_wakes(v), 1);
	assert_int_equal(vi(dom_a, 1)->evtchn_upcall_pending, 1);
}

/* ---- SCHEDOP_poll -------------------------------------------------------- */

static void test_poll_returns_at_once_when_a_polled_port_is_pending(
	void **state)
{
	evtchn_port_t ports[3];
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	mask(dom_a, pa1);
	assert_int_equal(send_on(dom_b, pb1), 0);
	ports[0] = pa;
	ports[1] = pa1;
	ports[2] = 0xffffffffu; /* never looked at */
	assert_int_equal(poll_ports(dom_a, 0, ports, 3, 0), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_false(v->polling);
}

static void test_poll_returns_at_once_when_an_upcall_is_pending_and_enabled(
	void **state)
{
	evtchn_port_t port = pa;
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	vi(dom_a, 0)->evtchn_upcall_pending = 1;
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, 0), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	/* With event delivery disabled it polls. */
	vi(dom_a, 0)->evtchn_upcall_mask = 1;
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_true(v->polling);
}

static void test_poll_blocks_until_an_event_on_a_polled_port_even_if_masked(
	void **state)
{
	evtchn_port_t ports[2] = {pa, pa1};
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	mask(dom_a, pa);
	mask(dom_a, pa1);
	assert_int_equal(poll_ports(dom_a, 0, ports, 2, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_true(v->polling);
	assert_int_equal(v->nr_poll_ports, 2);
	assert_int_equal(fake_timer_deadline(), 0);

	/* pa1 notifies vCPU 1, but vCPU 0 polls it: vCPU 0 wakes. */
	assert_int_equal(send_on(dom_b, pb1), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_false(v->polling);
	assert_int_equal(fake_wakes(v), 1);
	/* Masked: no upcall anywhere. */
	assert_int_equal(vi(dom_a, 0)->evtchn_upcall_pending, 0);
	assert_int_equal(vi(dom_a, 1)->evtchn_upcall_pending, 0);
	/* A later event on the other polled port wakes nothing more. */
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(fake_wakes(v), 1);
}

static void test_poll_is_not_woken_by_a_masked_event_on_another_port(
	void **state)
{
	evtchn_port_t port = pa;
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	vi(dom_a, 0)->evtchn_upcall_mask = 1;
	mask(dom_a, pa1);
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, 0), 0);
	assert_int_equal(send_on(dom_b, pb1), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_int_equal(fake_wakes(v), 0);
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_wakes(v), 1);
}

static void test_poll_times_out_through_the_timer(void **state)
{
	evtchn_port_t port = pa;
	struct vcpu *v = dom_a->vcpu[0];
	uint64_t deadline = arch_now_ns() + 5 * MS;

	(void)state;
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, deadline), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_int_equal(fake_timer_deadline(), deadline);

	fake_advance(4 * MS);
	domain_timers_run(arch_now_ns());
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_int_equal(fake_timer_deadline(), deadline);

	fake_advance(1 * MS);
	domain_timers_run(arch_now_ns());
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_true(v->poll_timed_out);
	assert_int_equal(fake_wakes(v), 1);
	assert_int_equal(fake_timer_deadline(), 0);
	/* The port fires afterwards: no second wake. */
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(fake_wakes(v), 1);
}

static void test_an_event_before_the_timeout_cancels_the_timer(void **state)
{
	evtchn_port_t port = pa, port1 = pa1;
	struct vcpu *v0 = dom_a->vcpu[0], *v1 = dom_a->vcpu[1];
	uint64_t now = arch_now_ns();

	(void)state;
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, now + 3 * MS), 0);
	assert_int_equal(poll_ports(dom_a, 1, &port1, 1, now + 7 * MS), 0);
	assert_int_equal(fake_timer_deadline(), now + 3 * MS);
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(v0->run_state, VCPU_RUNNABLE);
	assert_false(v0->poll_timed_out);

	fake_advance(3 * MS);
	domain_timers_run(arch_now_ns());
	assert_int_equal(fake_wakes(v0), 1);
	assert_int_equal(v1->run_state, VCPU_BLOCKED);
	assert_int_equal(fake_timer_deadline(), now + 7 * MS);
	fake_advance(4 * MS);
	domain_timers_run(arch_now_ns());
	assert_int_equal(v1->run_state, VCPU_RUNNABLE);
	assert_true(v1->poll_timed_out);
	assert_int_equal(fake_wakes(v0), 1);
	assert_int_equal(fake_wakes(v1), 1);
}

static void test_poll_with_a_timeout_already_past_returns_at_once(void **state)
{
	evtchn_port_t port = pa;
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, arch_now_ns()), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(poll_ports(dom_a, 0, &port, 1, 1), 0);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(fake_timer_deadline(), 0);
}

static void test_poll_takes_up_to_128_ports(void **state)
{
	evtchn_port_t ports[POLL_MAX_PORTS + 1];
	struct vcpu *v = dom_a->vcpu[0];
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		ports[i] = i % EVTCHN_BUCKET;
	}
	assert_int_equal(
		poll_ports(dom_a, 0, ports, POLL_MAX_PORTS + 1, 0), -EINVAL);
	assert_int_equal(poll_ports(dom_a, 0, ports, 0xffffffffu, 0), -EINVAL);
	assert_int_equal(poll_ports(dom_a, 0, NULL, 0x80000000u, 0), -EINVAL);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_int_equal(poll_ports(dom_a, 0, ports, POLL_MAX_PORTS, 0), 0);
	assert_int_equal(v->run_state, VCPU_BLOCKED);
	assert_int_equal(v->nr_poll_ports, POLL_MAX_PORTS);
}

static void test_poll_rejects_invalid_ports(void **state)
{
	evtchn_port_t ports[2];
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	ports[0] = pa;
	ports[1] = EVTCHN_NR_PORTS;
	assert_int_equal(poll_ports(dom_a, 0, ports, 2, 0), -EINVAL);
	ports[1] = 0xffffffffu;
	assert_int_equal(poll_ports(dom_a, 0, ports, 2, 0), -EINVAL);
	ports[1] = EVTCHN_BUCKET; /* its bucket does not exist */
	assert_int_equal(poll_ports(dom_a, 0, ports, 2, 0), -EINVAL);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_false(v->polling);
	/* An event on the port after a refused poll wakes nothing. */
	assert_int_equal(send_on(dom_b, pb), 0);
	assert_int_equal(fake_wakes(v), 0);
}

static void test_poll_with_bad_addresses_is_efault(void **state)
{
	struct vcpu *v = dom_a->vcpu[0];

	(void)state;
	assert_int_equal(
		sched_op(dom_a, 0, SCHEDOP_poll, FAKE_BAD_ADDR), -EFAULT);
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_poll, 0), -EFAULT);
	assert_int_equal(
		poll_ports(dom_a, 0, (evtchn_port_t *)(uintptr_t)FAKE_BAD_ADDR,
			1, 0),
		-EFAULT);
	assert_int_equal(poll_ports(dom_a, 0, NULL, 2, 0), -EFAULT);
	assert_int_equal(v->run_state, VCPU_RUNNABLE);
	assert_false(v->polling);
}

/* ---- shutdown ------------------------------------------------------------ */

static void test_shutdown_with_each_reason_shuts_the_domain_down_and_tells_dom0(
	void **state)
{
	struct domain *d;
	unsigned int reason;

	(void)state;
	for (reason = 0; reason <= SHUTDOWN_MAX; reason++) {
		d = fake_domain_create(10 + reason, 2, 4, false);
		assert_non_null(d);
		guest_ack_all(dom0);
		assert_int_equal(shutdown(d, SCHEDOP_shutdown, reason), 0);
		assert_true(d->is_shut_down);
		assert_int_equal(d->shutdown_code, reason);
		assert_int_equal(fake_dom(d)->shutdown_reason, reason);
		assert_int_equal(d->vcpu[0]->pause_count, 1);
		assert_int_equal(d->vcpu[1]->pause_count, 1);
		assert_true(dom_exc_pending());
		/* Shutting down does not destroy. */
		assert_int_equal(d->is_dying, DOMDYING_alive);
	}
}

static void test_shutdown_with_a_bad_reason_is_einval(void **state)
{
	(void)state;
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown, SHUTDOWN_MAX + 1), -EINVAL);
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown, 0xffffffffu), -EINVAL);
	assert_int_equal(shutdown(dom_a, SCHEDOP_shutdown, 0x100), -EINVAL);
	assert_false(dom_a->is_shutting_down);
	assert_false(dom_exc_pending());
	assert_int_equal(
		sched_op(dom_a, 0, SCHEDOP_shutdown, FAKE_BAD_ADDR), -EFAULT);
	assert_int_equal(sched_op(dom_a, 0, SCHEDOP_shutdown, 0), -EFAULT);
	assert_false(dom_a->is_shutting_down);
}

static void test_a_second_shutdown_keeps_the_first_reason(void **state)
{
	(void)state;
	assert_int_equal(shutdown(dom_a, SCHEDOP_shutdown, SHUTDOWN_reboot), 0);
	guest_ack_all(dom0);
	assert_int_equal(shutdown(dom_a, SCHEDOP_shutdown, SHUTDOWN_crash), 0);
	assert_int_equal(dom_a->shutdown_code, SHUTDOWN_reboot);
	assert_int_equal(dom_a->vcpu[0]->pause_count, 1);
	assert_false(dom_exc_pending());
}

static void test_shutdown_code_records_the_code_the_next_shutdown_reports(
	void **state)
{
	(void)state;
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown_code, SHUTDOWN_crash), 0);
	assert_int_equal(dom_a->shutdown_code, SHUTDOWN_crash);
	assert_false(dom_a->is_shutting_down);
	assert_false(dom_a->is_shut_down);
	assert_false(dom_exc_pending());
	/* As Xen: the first code recorded stays. */
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown_code, SHUTDOWN_reboot), 0);
	assert_int_equal(dom_a->shutdown_code, SHUTDOWN_crash);
	/* And wins over the reason of the shutdown itself. */
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown, SHUTDOWN_poweroff), 0);
	assert_true(dom_a->is_shut_down);
	assert_int_equal(dom_a->shutdown_code, SHUTDOWN_crash);
	assert_int_equal(fake_dom(dom_a)->shutdown_reason, SHUTDOWN_crash);
	assert_true(dom_exc_pending());
}

static void test_shutdown_code_refuses_bad_reasons_and_addresses(void **state)
{
	(void)state;
	assert_int_equal(
		shutdown(dom_a, SCHEDOP_shutdown_code, 0xffffffffu), -EINVAL);
	assert_int_equal(
		sched_op(dom_a, 0, SCHEDOP_shutdown_code, FAKE_BAD_ADDR),
		-EFAULT);
	assert_int_equal(dom_a->shutdown_code, ~0u);
}

static void test_remote_shutdown_is_for_the_privileged_domain_only(void **state)
{
	(void)state;
	assert_int_equal(
		remote_shutdown(dom_b, dom_a->domain_id, SHUTDOWN_poweroff),
		-EPERM);
	assert_int_equal(
		remote_shutdown(dom_b, dom_b->domain_id, SHUTDOWN_poweroff),
		-EPERM);
	assert_false(dom_a->is_shutting_down);
	assert_false(dom_b->is_shutting_down);

	assert_int_equal(
		remote_shutdown(dom0, dom_a->domain_id, SHUTDOWN_reboot), 0);
	assert_true(dom_a->is_shut_down);
	assert_int_equal(dom_a->shutdown_code, SHUTDOWN_reboot);
	assert_true(dom_exc_pending());
	assert_false(dom0->is_shutting_down);
}

static void test_remote_shutdown_refuses_missing_domains_and_bad_reasons(
	void **state)
{
	struct domain *ref;

	(void)state;
	assert_int_equal(
		remote_shutdown(dom0, NOWHERE, SHUTDOWN_poweroff), -ESRCH);
	assert_int_equal(
		remote_shutdown(dom0, DOMID_SELF, SHUTDOWN_poweroff), -ESRCH);
	assert_int_equal(
		remote_shutdown(dom0, dom_a->domain_id, SHUTDOWN_MAX + 1),
		-EINVAL);
	assert_false(dom_a->is_shutting_down);
	assert_int_equal(
		sched_op(dom0, 0, SCHEDOP_remote_shutdown, FAKE_BAD_ADDR),
		-EFAULT);
	/* A dying domain is not found. */
	ref = domain_get(dom_b->domain_id);
	assert_int_equal(domain_kill(dom_b), 0);
	assert_int_equal(
		remote_shutdown(dom0, ref->domain_id, SHUTDOWN_poweroff),
		-ESRCH);
	assert_false(ref->is_shut_down);
	domain_put(ref);
	dom_b = NULL;
}

/* ---- yield and unknown commands ------------------------------------------ */

static void test_yield_returns_at_once(void **state)
{
	(void)state;
	assert_int_equal(sched_op(dom_a, 1, SCHEDOP_yield, 0), 0);
	assert_int_equal(dom_a->vcpu[1]->run_state, VCPU_RUNNABLE);
}

static void test_unknown_commands_are_enosys(void **state)
{
	(void)state;
	assert_int_equal(sched_op(dom_a, 0, 8, 0), -ENOSYS);
	assert_int_equal(sched_op(dom_a, 0, 0xffffffffu, 0), -ENOSYS);
	assert_int_equal(fake_hypercall(dom_a, 0, __HYPERVISOR_sched_op,
				 0x100000000ull + SCHEDOP_yield, 0, 0, 0, 0),
		0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, so_setup, so_teardown)
		T(test_block_with_nothing_pending_blocks_until_a_send_wakes_it),
		T(test_block_with_an_event_pending_returns_at_once),
		T(test_block_enables_event_delivery),
		T(test_block_ignores_a_pending_port_that_is_masked),
		T(test_a_virq_wakes_a_blocked_vcpu),
		T(test_poll_returns_at_once_when_a_polled_port_is_pending),
		T(test_poll_returns_at_once_when_an_upcall_is_pending_and_enabled),
		T(test_poll_blocks_until_an_event_on_a_polled_port_even_if_masked),
		T(test_poll_is_not_woken_by_a_masked_event_on_another_port),
		T(test_poll_times_out_through_the_timer),
		T(test_an_event_before_the_timeout_cancels_the_timer),
		T(test_poll_with_a_timeout_already_past_returns_at_once),
		T(test_poll_takes_up_to_128_ports),
		T(test_poll_rejects_invalid_ports),
		T(test_poll_with_bad_addresses_is_efault),
		T(test_shutdown_with_each_reason_shuts_the_domain_down_and_tells_dom0),
		T(test_shutdown_with_a_bad_reason_is_einval),
		T(test_a_second_shutdown_keeps_the_first_reason),
		T(test_shutdown_code_records_the_code_the_next_shutdown_reports),
		T(test_shutdown_code_refuses_bad_reasons_and_addresses),
		T(test_remote_shutdown_is_for_the_privileged_domain_only),
		T(test_remote_shutdown_refuses_missing_domains_and_bad_reasons),
		T(test_yield_returns_at_once),
		T(test_unknown_commands_are_enosys),
#undef T
	};

	return cmocka_run_group_tests_name("sched_op", tests, NULL, NULL);
}
