/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's scheduler glue (sched.c): the one scheduler instance, units of
 * vCPUs, runnability and CPU time, with fake domains and times.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs these three first; keep clang-format from sorting them. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "arch_fake.h"
#include "xen/sched_if.h"

#define MS 1000000ull

struct fixture {
	struct domain d;
	struct vcpu v[3];
	long live;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int i;

	assert_non_null(f);
	f->d.domain_id = 3;
	for (i = 0; i < 3; i++) {
		f->v[i].vcpu_id = i;
		f->v[i].domain = &f->d;
		f->v[i].run_state = VCPU_RUNNABLE;
		f->v[i].processor = -1;
		f->d.vcpu[i] = &f->v[i];
	}
	f->d.max_vcpus = 3;
	f->live = fake_alloc_live();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sched_deinit();
	assert_int_equal(fake_alloc_live(), f->live);
	free(f);
	return 0;
}

static void schedulers_are_found_by_name(void **state)
{
	(void)state;
	assert_ptr_equal(scheduler_find("null"), &sched_null_ops);
	assert_ptr_equal(scheduler_find("credit"), &sched_credit_ops);
	assert_null(scheduler_find("credit2"));
	assert_null(scheduler_find(""));
	assert_null(scheduler_find(NULL));
}

static void the_default_scheduler_is_credit(void **state)
{
	(void)state;
	assert_null(sched_name());
	assert_int_equal(sched_init(NULL, 2), 0);
	assert_string_equal(sched_name(), "credit");
	assert_int_equal(sched_init("null", 2), -EBUSY);
	sched_deinit();
	assert_null(sched_name());
	assert_int_equal(sched_init("null", 1), 0);
	assert_string_equal(sched_name(), "null");
}

static void an_unknown_scheduler_or_no_pcpu_is_refused(void **state)
{
	(void)state;
	assert_int_equal(sched_init("bvt", 2), -EINVAL);
	assert_int_equal(sched_init("credit", 0), -EINVAL);
	assert_null(sched_name());
}

static void a_vcpu_is_runnable_only_when_nothing_holds_it(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = &f->v[0];

	assert_true(vcpu_runnable(v));
	v->run_state = VCPU_BLOCKED;
	assert_false(vcpu_runnable(v));
	v->run_state = VCPU_OFFLINE;
	assert_false(vcpu_runnable(v));
	v->run_state = VCPU_RUNNABLE;
	v->pause_count = 1;
	assert_false(vcpu_runnable(v));
	v->pause_count = 0;
	f->d.controller_pause_count = 1;
	assert_false(vcpu_runnable(v));
	f->d.controller_pause_count = 0;
	f->d.is_shut_down = true;
	assert_false(vcpu_runnable(v));
	f->d.is_shut_down = false;
	f->d.is_dying = DOMDYING_dying;
	assert_false(vcpu_runnable(v));
	f->d.is_dying = DOMDYING_alive;
	assert_true(vcpu_runnable(v));
}

static void without_a_scheduler_vcpus_get_no_unit(void **state)
{
	struct fixture *f = *state;
	struct sched_decision d;

	assert_int_equal(sched_insert_vcpu(&f->v[0]), 0);
	assert_null(f->v[0].sched);
	sched_vcpu_runnable_changed(&f->v[0], 0);
	sched_yield_vcpu(&f->v[0]);
	assert_int_equal(sched_wake_target(&f->v[0]), -1);
	d = sched_pick(0, NULL, 0);
	assert_null(d.unit);
	sched_remove_vcpu(&f->v[0]);
}

static void an_inserted_vcpu_runs_once_runnable(void **state)
{
	struct fixture *f = *state;
	struct vcpu *v = &f->v[0];
	struct sched_decision d;

	assert_int_equal(sched_init("null", 2), 0);
	f->d.controller_pause_count = 1;
	assert_int_equal(sched_insert_vcpu(v), 0);
	assert_non_null(v->sched);
	assert_ptr_equal(v->sched->vcpu, v);
	assert_int_equal(v->processor, 0);
	assert_int_equal(sched_insert_vcpu(v), -EEXIST);
	assert_null(sched_pick(0, NULL, 0).unit);

	/* Still paused: nothing changes. */
	sched_vcpu_runnable_changed(v, 0);
	assert_false(v->sched->runnable);
	f->d.controller_pause_count = 0;
	sched_vcpu_runnable_changed(v, 1 * MS);
	assert_true(v->sched->runnable);
	assert_int_equal(sched_wake_target(v), 0);
	d = sched_pick(0, NULL, 1 * MS);
	assert_ptr_equal(d.unit, v->sched);

	v->run_state = VCPU_BLOCKED;
	sched_vcpu_runnable_changed(v, 2 * MS);
	assert_false(v->sched->runnable);
	assert_int_equal(sched_wake_target(v), -1);
	assert_null(sched_pick(0, d.unit, 2 * MS).unit);
}

static void the_vcpus_cpu_time_counts_what_it_ran(void **state)
{
	struct fixture *f = *state;
	struct vcpu *a = &f->v[0];
	struct vcpu *b = &f->v[1];
	struct sched_decision d;

	assert_int_equal(sched_init("null", 2), 0);
	assert_int_equal(sched_insert_vcpu(a), 0);
	assert_int_equal(sched_insert_vcpu(b), 0);
	assert_int_equal(a->processor, 0);
	assert_int_equal(b->processor, 1);
	sched_vcpu_runnable_changed(a, 0);
	sched_vcpu_runnable_changed(b, 0);
	d = sched_pick(0, NULL, 10 * MS);
	assert_ptr_equal(d.unit, a->sched);
	d = sched_pick(0, d.unit, 25 * MS);
	assert_int_equal(a->cpu_time_ns, 15 * MS);
	assert_int_equal(b->cpu_time_ns, 0);

	a->pause_count = 1;
	sched_vcpu_runnable_changed(a, 30 * MS);
	d = sched_pick(0, d.unit, 30 * MS);
	assert_null(d.unit);
	assert_int_equal(a->cpu_time_ns, 20 * MS);
	/* Idle time is nobody's. */
	d = sched_pick(0, NULL, 90 * MS);
	assert_int_equal(a->cpu_time_ns, 20 * MS);
}

static void removing_a_running_vcpu_charges_it_no_more(void **state)
{
	struct fixture *f = *state;
	struct vcpu *victim;
	struct vcpu *other;
	struct sched_decision d;

	assert_int_equal(sched_init("credit", 1), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[0]), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[1]), 0);
	sched_vcpu_runnable_changed(&f->v[0], 0);
	sched_vcpu_runnable_changed(&f->v[1], 0);
	d = sched_pick(0, NULL, 0);
	assert_non_null(d.unit);
	victim = d.unit->vcpu;
	other = victim == &f->v[0] ? &f->v[1] : &f->v[0];
	sched_remove_vcpu(victim);
	assert_null(victim->sched);
	assert_int_equal(victim->processor, -1);
	d = sched_pick(0, NULL, 5 * MS);
	assert_ptr_equal(d.unit, other->sched);
	assert_int_equal(victim->cpu_time_ns, 0);
	assert_int_equal(other->cpu_time_ns, 0);
	d = sched_pick(0, d.unit, 8 * MS);
	assert_int_equal(other->cpu_time_ns, 3 * MS);
}

static void yield_hands_the_pcpu_to_another_vcpu(void **state)
{
	struct fixture *f = *state;
	struct sched_decision d;
	struct sched_unit *first;

	assert_int_equal(sched_init("credit", 1), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[0]), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[1]), 0);
	sched_vcpu_runnable_changed(&f->v[0], 0);
	sched_vcpu_runnable_changed(&f->v[1], 0);
	d = sched_pick(0, NULL, 0);
	first = d.unit;
	assert_non_null(first);
	assert_int_equal(d.slice_ns, 30 * MS);
	sched_yield_vcpu(first->vcpu);
	d = sched_pick(0, first, 1 * MS);
	assert_non_null(d.unit);
	assert_ptr_not_equal(d.unit, first);
}

static void deinit_takes_the_units_of_remaining_vcpus(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sched_init("credit", 2), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[0]), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[1]), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[2]), 0);
	sched_vcpu_runnable_changed(&f->v[1], 0);
	assert_non_null(sched_pick(0, NULL, 0).unit);
	sched_deinit();
	assert_null(f->v[0].sched);
	assert_null(f->v[1].sched);
	assert_null(f->v[2].sched);
	assert_int_equal(f->v[1].processor, -1);
	assert_int_equal(fake_alloc_live(), f->live);
}

static void credit_parameters_apply_to_the_core_instance(void **state)
{
	struct fixture *f = *state;
	unsigned int w;
	unsigned int cap;

	assert_int_equal(sched_credit_set_weight(3, 512), -EINVAL);
	assert_int_equal(sched_init("null", 1), 0);
	assert_int_equal(sched_credit_set_weight(3, 512), -EINVAL);
	assert_int_equal(sched_credit_get_weight(3, &w), -EINVAL);
	sched_deinit();

	assert_int_equal(sched_init("credit", 1), 0);
	assert_int_equal(sched_insert_vcpu(&f->v[0]), 0);
	assert_int_equal(sched_credit_set_weight(3, 512), 0);
	assert_int_equal(sched_credit_get_weight(3, &w), 0);
	assert_int_equal(w, 512);
	assert_int_equal(sched_credit_set_weight(3, 0), -EINVAL);
	assert_int_equal(sched_credit_set_cap(3, 40), 0);
	assert_int_equal(sched_credit_get_cap(3, &cap), 0);
	assert_int_equal(cap, 40);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(schedulers_are_found_by_name),
		T(the_default_scheduler_is_credit),
		T(an_unknown_scheduler_or_no_pcpu_is_refused),
		T(a_vcpu_is_runnable_only_when_nothing_holds_it),
		T(without_a_scheduler_vcpus_get_no_unit),
		T(an_inserted_vcpu_runs_once_runnable),
		T(the_vcpus_cpu_time_counts_what_it_ran),
		T(removing_a_running_vcpu_charges_it_no_more),
		T(yield_hands_the_pcpu_to_another_vcpu),
		T(deinit_takes_the_units_of_remaining_vcpus),
		T(credit_parameters_apply_to_the_core_instance),
	};

	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
