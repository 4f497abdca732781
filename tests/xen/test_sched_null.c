/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The null scheduler driven directly through its ops, with fake domains,
 * vCPUs and times.
 */
#include <stdint.h>
#include <stdlib.h>

/* cmocka.h needs these three first; keep clang-format from sorting them. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "xen/sched_if.h"

#define NR_CPUS 2
#define MAX_UNITS 4

struct fixture {
	struct sched_instance s;
	struct domain *d;
	struct vcpu *v[MAX_UNITS];
	struct sched_unit *u[MAX_UNITS];
	unsigned int nr;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->s.ops = &sched_null_ops;
	f->s.nr_cpus = NR_CPUS;
	assert_int_equal(f->s.ops->init(&f->s), 0);
	f->d = calloc(1, sizeof(*f->d));
	assert_non_null(f->d);
	f->d->domain_id = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		if (f->u[i] != NULL) {
			f->s.ops->remove_unit(&f->s, f->u[i]);
			free(f->u[i]);
		}
		free(f->v[i]);
	}
	f->s.ops->deinit(&f->s);
	free(f->d);
	free(f);
	return 0;
}

/** Insert a new vCPU (processor hint, -1: none); returns its index. */
static unsigned int add_unit(struct fixture *f, int hint)
{
	unsigned int i = f->nr++;
	struct vcpu *v = calloc(1, sizeof(*v));
	struct sched_unit *u = calloc(1, sizeof(*u));

	assert_true(i < MAX_UNITS);
	assert_non_null(v);
	assert_non_null(u);
	v->vcpu_id = i;
	v->domain = f->d;
	v->run_state = VCPU_RUNNABLE;
	v->processor = hint;
	u->vcpu = v;
	u->processor = hint;
	assert_int_equal(f->s.ops->insert_unit(&f->s, u), 0);
	f->v[i] = v;
	f->u[i] = u;
	return i;
}

static void wake(struct fixture *f, unsigned int i, uint64_t now)
{
	f->u[i]->runnable = true;
	f->s.ops->wake(&f->s, f->u[i], now);
}

static void block(struct fixture *f, unsigned int i, uint64_t now)
{
	f->u[i]->runnable = false;
	f->s.ops->sleep(&f->s, f->u[i], now);
}

static void remove_unit(struct fixture *f, unsigned int i)
{
	f->s.ops->remove_unit(&f->s, f->u[i]);
	free(f->u[i]);
	f->u[i] = NULL;
}

static struct sched_decision pick(
	struct fixture *f, unsigned int cpu, uint64_t now)
{
	return f->s.ops->do_schedule(&f->s, cpu, NULL, now);
}

static void each_vcpu_gets_a_pcpu_of_its_own(void **state)
{
	struct fixture *f = *state;
	struct sched_decision d0;
	struct sched_decision d1;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);

	assert_int_not_equal(f->u[a]->processor, -1);
	assert_int_not_equal(f->u[b]->processor, -1);
	assert_int_not_equal(f->u[a]->processor, f->u[b]->processor);
	assert_int_equal(f->v[a]->processor, f->u[a]->processor);
	wake(f, a, 0);
	wake(f, b, 0);
	d0 = pick(f, (unsigned int)f->u[a]->processor, 0);
	d1 = pick(f, (unsigned int)f->u[b]->processor, 0);
	assert_ptr_equal(d0.unit, f->u[a]);
	assert_ptr_equal(d1.unit, f->u[b]);
}

static void a_free_hinted_pcpu_is_taken(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 1);

	assert_int_equal(f->u[a]->processor, 1);
	/* Its hint is taken: the other free pCPU. */
	assert_int_equal(f->u[b]->processor, 0);
}

static void a_vcpu_keeps_running_without_time_slices(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int cpu;
	uint64_t now;
	struct sched_decision d;

	wake(f, a, 0);
	cpu = (unsigned int)f->u[a]->processor;
	for (now = 0; now < 10000000000ull; now += 1000000000ull) {
		d = pick(f, cpu, now);
		assert_ptr_equal(d.unit, f->u[a]);
		assert_int_equal(d.slice_ns, 0);
	}
}

static void a_third_vcpu_waits_and_takes_over_a_freed_pcpu(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);
	unsigned int c = add_unit(f, -1);
	unsigned int cpu_b = (unsigned int)f->u[b]->processor;
	struct sched_decision d;

	assert_int_equal(f->u[c]->processor, -1);
	assert_int_equal(f->v[c]->processor, -1);
	wake(f, a, 0);
	wake(f, b, 0);
	wake(f, c, 0);
	/* Waiting: nowhere to run, nobody to kick. */
	assert_int_equal(f->s.ops->wake_target(&f->s, f->u[c]), -1);
	assert_ptr_equal(pick(f, 0, 0).unit,
		f->u[a]->processor == 0 ? f->u[a] : f->u[b]);
	assert_ptr_equal(pick(f, 1, 0).unit,
		f->u[a]->processor == 1 ? f->u[a] : f->u[b]);

	remove_unit(f, b);
	assert_int_equal(f->u[c]->processor, (int)cpu_b);
	assert_int_equal(f->v[c]->processor, (int)cpu_b);
	d = pick(f, cpu_b, 1000);
	assert_ptr_equal(d.unit, f->u[c]);
	assert_int_equal(d.slice_ns, 0);
	assert_int_equal(f->s.ops->wake_target(&f->s, f->u[c]), (int)cpu_b);
}

static void waiters_get_freed_pcpus_in_arrival_order(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);
	unsigned int c = add_unit(f, -1);
	unsigned int e = add_unit(f, -1);
	int cpu_a = f->u[a]->processor;
	int cpu_b = f->u[b]->processor;

	remove_unit(f, b);
	assert_int_equal(f->u[c]->processor, cpu_b);
	assert_int_equal(f->u[e]->processor, -1);
	remove_unit(f, a);
	assert_int_equal(f->u[e]->processor, cpu_a);
}

static void a_removed_waiter_leaves_the_queue(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);
	unsigned int c = add_unit(f, -1);
	unsigned int e = add_unit(f, -1);
	int cpu_a = f->u[a]->processor;

	(void)b;
	remove_unit(f, c);
	remove_unit(f, a);
	assert_int_equal(f->u[e]->processor, cpu_a);
}

static void a_blocked_vcpu_leaves_its_pcpu_idle_and_is_not_replaced(
	void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);
	unsigned int c = add_unit(f, -1);
	unsigned int cpu_a = (unsigned int)f->u[a]->processor;
	struct sched_decision d;

	wake(f, a, 0);
	wake(f, b, 0);
	wake(f, c, 0);
	assert_ptr_equal(pick(f, cpu_a, 0).unit, f->u[a]);
	block(f, a, 1000);
	d = pick(f, cpu_a, 1000);
	assert_null(d.unit);
	assert_int_equal(d.slice_ns, 0);
	/* The waiter does not get the idle pCPU. */
	assert_int_equal(f->u[c]->processor, -1);
	assert_int_equal(f->u[a]->processor, (int)cpu_a);

	wake(f, a, 2000);
	assert_int_equal(f->s.ops->wake_target(&f->s, f->u[a]), (int)cpu_a);
	assert_ptr_equal(pick(f, cpu_a, 2000).unit, f->u[a]);
}

static void wake_target_is_the_assigned_pcpu(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int b = add_unit(f, -1);

	wake(f, a, 0);
	wake(f, b, 0);
	assert_int_equal(
		f->s.ops->wake_target(&f->s, f->u[a]), f->u[a]->processor);
	assert_int_equal(
		f->s.ops->wake_target(&f->s, f->u[b]), f->u[b]->processor);
}

static void yield_keeps_the_vcpu_on_its_pcpu(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, -1);
	unsigned int cpu;

	wake(f, a, 0);
	cpu = (unsigned int)f->u[a]->processor;
	assert_ptr_equal(pick(f, cpu, 0).unit, f->u[a]);
	f->s.ops->yield(&f->s, f->u[a]);
	assert_ptr_equal(pick(f, cpu, 10).unit, f->u[a]);
}

static void an_unassigned_pcpu_idles(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 0);

	wake(f, a, 0);
	assert_null(pick(f, 1, 0).unit);
	assert_null(pick(f, NR_CPUS, 0).unit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			each_vcpu_gets_a_pcpu_of_its_own, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_free_hinted_pcpu_is_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_vcpu_keeps_running_without_time_slices, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_third_vcpu_waits_and_takes_over_a_freed_pcpu, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			waiters_get_freed_pcpus_in_arrival_order, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_removed_waiter_leaves_the_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_blocked_vcpu_leaves_its_pcpu_idle_and_is_not_replaced,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			wake_target_is_the_assigned_pcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(
			yield_keeps_the_vcpu_on_its_pcpu, setup, teardown),
		cmocka_unit_test_setup_teardown(
			an_unassigned_pcpu_idles, setup, teardown),
	};

	return cmocka_run_group_tests_name("sched_null", tests, NULL, NULL);
}
