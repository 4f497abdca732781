/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xen/common/domain.c on the fake port: creation and
 * destruction, domid allocation and limits, references keeping a killed
 * domain visible as dying, controller pause counting, shutdown, crash and
 * kill with their VIRQ_DOM_EXC to dom0, and allocation failures at every
 * step of domain_create leaving nothing behind.
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
#include "xen/sched_if.h"

static struct domain *dom0;
static evtchn_port_t dom_exc; /* dom0's VIRQ_DOM_EXC port */

static int dom_setup(void **state)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_DOM_EXC, .vcpu = 0};

	(void)state;
	fake_reset();
	dom0 = fake_domain_create(0, 1, 16, true);
	if (dom0 == NULL) {
		return -1;
	}
	if (fake_hypercall(dom0, 0, __HYPERVISOR_event_channel_op,
		    EVTCHNOP_bind_virq, FAKE_PTR(&b), 0, 0, 0) != 0) {
		return -1;
	}
	dom_exc = b.port;
	return 0;
}

static int dom_teardown(void **state)
{
	long live;

	(void)state;
	(void)fake_teardown();
	sched_deinit();
	live = fake_alloc_live();
	domain_limits.max_domains = 4096;
	if (live != 0) {
		fprintf(stderr, "%ld allocations leaked\n", live);
		return -1;
	}
	return 0;
}

static bool dom_exc_pending(void)
{
	return test_bit(dom_exc, dom0->shared_info->evtchn_pending);
}

static void dom_exc_clear(void)
{
	clear_bit(dom_exc, dom0->shared_info->evtchn_pending);
	dom0->shared_info->vcpu_info[0].evtchn_upcall_pending = 0;
	dom0->shared_info->vcpu_info[0].evtchn_pending_sel = 0;
}

static int create(domid_t want, unsigned int vcpus, struct domain **out)
{
	static const uint8_t handle[16] = {0xde, 0xad, 0xbe, 0xef};

	return domain_create(want, 0, vcpus, handle, false, out);
}

/* ---- creation and destruction -------------------------------------------- */

static void test_a_created_domain_is_in_the_table_paused_once_with_its_vcpus(
	void **state)
{
	struct domain *d = NULL, *got;
	unsigned int i;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 3, &d), 0);
	assert_non_null(d);
	assert_int_equal(domain_count(), 2);
	assert_int_equal(d->controller_pause_count, 1);
	assert_int_equal(d->is_dying, DOMDYING_alive);
	assert_false(d->is_shut_down);
	assert_int_equal(d->shutdown_code, ~0u);
	assert_int_equal(d->refcnt, 1);
	assert_int_equal(d->max_vcpus, 3);
	assert_int_equal(d->target, DOMID_INVALID);
	assert_int_equal(d->handle[0], 0xde);
	assert_non_null(d->shared_info);
	assert_non_null(d->evtchn[0]);
	for (i = 0; i < 3; i++) {
		assert_non_null(d->vcpu[i]);
		assert_int_equal(d->vcpu[i]->vcpu_id, i);
		assert_ptr_equal(d->vcpu[i]->domain, d);
		assert_int_equal(d->vcpu[i]->run_state, VCPU_RUNNABLE);
	}
	assert_null(d->vcpu[3]);
	got = domain_get(d->domain_id);
	assert_ptr_equal(got, d);
	assert_int_equal(d->refcnt, 2);
	domain_put(got);
	assert_int_equal(d->refcnt, 1);
	/* DOMID_SELF resolves to the caller. */
	got = domain_get_target(d, DOMID_SELF);
	assert_ptr_equal(got, d);
	domain_put(got);
	assert_ptr_equal(hardware_domain(), dom0);
}

static void test_killing_a_domain_without_references_frees_it(void **state)
{
	struct domain *d;
	long live = fake_alloc_live();
	domid_t id;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 2, &d), 0);
	id = d->domain_id;
	assert_true(fake_alloc_live() > live);
	assert_int_equal(domain_kill(d), 0);
	assert_null(domain_get(id));
	assert_null(domain_get_any(id));
	assert_int_equal(domain_count(), 1);
	assert_int_equal(fake_alloc_live(), live);
}

static void test_too_many_vcpus_is_einval_and_zero_means_one(void **state)
{
	struct domain *d = NULL;

	(void)state;
	assert_int_equal(
		create(DOMID_FIRST_RESERVED, MAX_VCPUS_PER_DOMAIN + 1, &d),
		-EINVAL);
	assert_int_equal(
		create(DOMID_FIRST_RESERVED, 0xffffffffu, &d), -EINVAL);
	assert_int_equal(domain_count(), 1);
	assert_int_equal(create(DOMID_FIRST_RESERVED, 0, &d), 0);
	assert_int_equal(d->max_vcpus, 1);
	assert_int_equal(
		create(DOMID_FIRST_RESERVED, MAX_VCPUS_PER_DOMAIN, &d), 0);
	assert_int_equal(d->max_vcpus, MAX_VCPUS_PER_DOMAIN);
}

/* ---- domids -------------------------------------------------------------- */

static void test_automatic_domids_count_up_from_1_and_skip_taken_ones(
	void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	assert_int_equal(d->domain_id, 1);
	/* 0 once dom0 exists also picks one. */
	assert_int_equal(create(0, 1, &d), 0);
	assert_int_equal(d->domain_id, 2);
	assert_int_equal(create(4, 1, &d), 0);
	assert_int_equal(d->domain_id, 4);
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	assert_int_equal(d->domain_id, 3);
	assert_int_equal(create(DOMID_SELF, 1, &d), 0);
	assert_int_equal(d->domain_id, 5);
	assert_int_equal(create(0xffff, 1, &d), 0);
	assert_int_equal(d->domain_id, 6);
	assert_int_equal(domain_count(), 7);
}

static void test_an_explicit_domid_is_used_once_and_then_eexist(void **state)
{
	struct domain *d, *again = NULL;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED - 1, 1, &d), 0);
	assert_int_equal(d->domain_id, DOMID_FIRST_RESERVED - 1);
	assert_int_equal(create(DOMID_FIRST_RESERVED - 1, 1, &again), -EEXIST);
	assert_null(again);
	assert_int_equal(create(42, 1, &d), 0);
	assert_int_equal(create(42, 1, &again), -EEXIST);
	assert_null(again);
	assert_int_equal(domain_count(), 3);
}

static void test_max_domains_is_enospc(void **state)
{
	struct domain *d;

	(void)state;
	domain_limits.max_domains = 3;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), -ENOSPC);
	assert_int_equal(create(100, 1, &d), -ENOSPC);
	assert_int_equal(domain_count(), 3);
	/* A killed domain frees its slot. */
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(create(100, 1, &d), 0);
}

/* ---- references ---------------------------------------------------------- */

static void test_a_reference_keeps_a_killed_domain_visible_as_dying(
	void **state)
{
	struct domain *d, *ref, *next;
	domid_t id;
	long live = fake_alloc_live();

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	id = d->domain_id;
	ref = domain_get(id);
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(d->is_dying, DOMDYING_dead);
	/* Killing again is harmless. */
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(d->refcnt, 1);

	assert_null(domain_get(id));
	next = domain_get_any(id);
	assert_ptr_equal(next, d);
	domain_put(next);
	next = domain_get_next(id);
	assert_ptr_equal(next, d);
	domain_put(next);
	/* Its id is not free yet; nor can it be paused. */
	assert_int_equal(create(id, 1, &next), -EEXIST);
	assert_int_equal(domain_pause_by_controller(d), -EINVAL);
	assert_int_equal(domain_unpause_by_controller(d), -EINVAL);
	assert_int_equal(domain_count(), 2);

	domain_put(ref);
	assert_null(domain_get_any(id));
	assert_int_equal(domain_count(), 1);
	assert_int_equal(fake_alloc_live(), live);
	assert_int_equal(create(id, 1, &d), 0);
}

static void test_lookups_of_reserved_and_missing_domids_find_nothing(
	void **state)
{
	(void)state;
	assert_null(domain_get(1));
	assert_null(domain_get_any(1));
	assert_null(domain_get(DOMID_SELF));
	assert_null(domain_get_any(DOMID_IDLE));
	assert_null(domain_get_any(0xffff));
	assert_null(domain_get_next(1));
	assert_null(domain_get_next(DOMID_FIRST_RESERVED));
	assert_null(domain_get_target(dom0, 17));
	domain_put(NULL);
}

/* ---- pause --------------------------------------------------------------- */

static void test_controller_pauses_are_counted_and_an_extra_unpause_is_einval(
	void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 2, &d), 0);
	assert_int_equal(d->controller_pause_count, 1);
	assert_int_equal(domain_pause_by_controller(d), 0);
	assert_int_equal(d->controller_pause_count, 2);
	assert_int_equal(fake_dom(d)->pause_calls, 0);
	assert_int_equal(domain_unpause_by_controller(d), 0);
	assert_int_equal(fake_dom(d)->unpause_calls, 0);
	assert_int_equal(domain_unpause_by_controller(d), 0);
	assert_int_equal(d->controller_pause_count, 0);
	assert_int_equal(fake_dom(d)->unpause_calls, 1);
	assert_int_equal(domain_unpause_by_controller(d), -EINVAL);
	assert_int_equal(d->controller_pause_count, 0);
	assert_int_equal(fake_dom(d)->unpause_calls, 1);

	assert_int_equal(domain_pause_by_controller(d), 0);
	assert_int_equal(fake_dom(d)->pause_calls, 1);
	assert_int_equal(domain_pause_by_controller(d), 0);
	assert_int_equal(fake_dom(d)->pause_calls, 1);
	assert_int_equal(d->controller_pause_count, 2);
}

static void test_vcpu_pauses_nest(void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	vcpu_pause(d->vcpu[0]);
	vcpu_pause(d->vcpu[0]);
	assert_int_equal(d->vcpu[0]->pause_count, 2);
	vcpu_unpause(d->vcpu[0]);
	vcpu_unpause(d->vcpu[0]);
	assert_int_equal(d->vcpu[0]->pause_count, 0);
	/* An unbalanced unpause does not wrap. */
	vcpu_unpause(d->vcpu[0]);
	assert_int_equal(d->vcpu[0]->pause_count, 0);
}

/* ---- shutdown, crash, kill ----------------------------------------------- */

static void test_shutdown_records_the_code_pauses_the_vcpus_and_tells_dom0(
	void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 2, &d), 0);
	dom_exc_clear();
	domain_shutdown(d, SHUTDOWN_reboot);
	assert_true(d->is_shutting_down);
	assert_true(d->is_shut_down);
	assert_int_equal(d->shutdown_code, SHUTDOWN_reboot);
	assert_int_equal(d->vcpu[0]->pause_count, 1);
	assert_int_equal(d->vcpu[1]->pause_count, 1);
	assert_true(fake_dom(d)->shut_down);
	assert_int_equal(fake_dom(d)->shutdown_reason, SHUTDOWN_reboot);
	assert_true(dom_exc_pending());
	assert_int_equal(
		dom0->shared_info->vcpu_info[0].evtchn_upcall_pending, 1);
	/* The domain stays until the toolstack destroys it. */
	assert_int_equal(d->is_dying, DOMDYING_alive);

	/* A second shutdown changes nothing and says nothing. */
	dom_exc_clear();
	domain_shutdown(d, SHUTDOWN_poweroff);
	assert_int_equal(d->shutdown_code, SHUTDOWN_reboot);
	assert_int_equal(d->vcpu[0]->pause_count, 1);
	assert_false(dom_exc_pending());
}

static void test_crash_is_a_shutdown_with_the_crash_code(void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	dom_exc_clear();
	domain_crash(d);
	assert_true(d->is_shut_down);
	assert_int_equal(d->shutdown_code, SHUTDOWN_crash);
	assert_int_equal(fake_dom(d)->shutdown_reason, SHUTDOWN_crash);
	assert_true(dom_exc_pending());
}

static void test_kill_sends_dom_exc_and_pauses_the_vcpus(void **state)
{
	struct domain *d, *ref;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 2, &d), 0);
	ref = domain_get(d->domain_id);
	dom_exc_clear();
	assert_int_equal(domain_kill(d), 0);
	assert_true(dom_exc_pending());
	assert_true(fake_dom(d)->killed);
	assert_int_equal(d->vcpu[0]->pause_count, 1);
	assert_int_equal(d->vcpu[1]->pause_count, 1);
	/* Shutting down a dead domain does nothing. */
	dom_exc_clear();
	domain_shutdown(d, SHUTDOWN_poweroff);
	assert_false(d->is_shut_down);
	assert_false(dom_exc_pending());
	/* Nor does killing it again. */
	assert_int_equal(domain_kill(d), 0);
	assert_false(dom_exc_pending());
	domain_put(ref);
}

static void test_without_dom0_the_dom_exc_goes_nowhere(void **state)
{
	struct domain *d;

	(void)state;
	assert_int_equal(create(DOMID_FIRST_RESERVED, 1, &d), 0);
	assert_int_equal(domain_kill(dom0), 0);
	dom0 = NULL;
	assert_null(hardware_domain());
	domain_shutdown(d, SHUTDOWN_poweroff);
	assert_true(d->is_shut_down);
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(domain_count(), 0);
}

/* ---- allocation failures ------------------------------------------------- */

static void create_under_failures(unsigned int vcpus)
{
	struct domain *d = NULL;
	unsigned int before = domain_count();
	long live = fake_alloc_live();
	long n;
	int rc;

	for (n = 0;; n++) {
		fake_fail_allocs_after(n);
		rc = create(DOMID_FIRST_RESERVED, vcpus, &d);
		fake_fail_allocs_after(-1);
		if (rc == 0) {
			break;
		}
		assert_int_equal(rc, -ENOMEM);
		assert_int_equal(fake_alloc_live(), live);
		assert_int_equal(domain_count(), before);
		assert_true(n < 1000);
	}
	/* Several allocations were failed in turn before one succeeded. */
	assert_true(n > (long)vcpus + 1);
	assert_int_equal(domain_count(), before + 1);
	assert_non_null(d);
	assert_int_equal(d->max_vcpus, vcpus);
	assert_int_equal(domain_kill(d), 0);
	assert_int_equal(fake_alloc_live(), live);
}

static void test_an_allocation_failure_at_any_step_of_create_leaks_nothing(
	void **state)
{
	(void)state;
	create_under_failures(1);
	create_under_failures(3);
}

static void
test_with_a_scheduler_an_allocation_failure_at_any_step_leaks_nothing(
	void **state)
{
	(void)state;
	assert_int_equal(sched_init("credit", 2), 0);
	create_under_failures(1);
	create_under_failures(4);
	sched_deinit();
	assert_int_equal(sched_init("null", 2), 0);
	create_under_failures(2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, dom_setup, dom_teardown)
		T(test_a_created_domain_is_in_the_table_paused_once_with_its_vcpus),
		T(test_killing_a_domain_without_references_frees_it),
		T(test_too_many_vcpus_is_einval_and_zero_means_one),
		T(test_automatic_domids_count_up_from_1_and_skip_taken_ones),
		T(test_an_explicit_domid_is_used_once_and_then_eexist),
		T(test_max_domains_is_enospc),
		T(test_a_reference_keeps_a_killed_domain_visible_as_dying),
		T(test_lookups_of_reserved_and_missing_domids_find_nothing),
		T(test_controller_pauses_are_counted_and_an_extra_unpause_is_einval),
		T(test_vcpu_pauses_nest),
		T(test_shutdown_records_the_code_pauses_the_vcpus_and_tells_dom0),
		T(test_crash_is_a_shutdown_with_the_crash_code),
		T(test_kill_sends_dom_exc_and_pauses_the_vcpus),
		T(test_without_dom0_the_dom_exc_goes_nowhere),
		T(test_an_allocation_failure_at_any_step_of_create_leaks_nothing),
		T(test_with_a_scheduler_an_allocation_failure_at_any_step_leaks_nothing),
#undef T
	};

	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
