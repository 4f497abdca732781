/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler driven directly through its ops, with fake domains,
 * vCPUs and a simulated clock: pCPUs reschedule when their slice ends
 * (or when a wake targets them), and the tests add up who ran how long.
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

#define MS 1000000ull
#define SEC (1000 * MS)
#define SLICE (30 * MS)
#define MAX_CPUS 4
#define MAX_UNITS 8

struct fixture {
	struct sched_instance s;
	struct domain *d[MAX_UNITS];
	unsigned int nr_doms;
	struct vcpu *v[MAX_UNITS];
	struct sched_unit *u[MAX_UNITS];
	unsigned int nr;
	/* The simulation: what each pCPU runs, since when, until when. */
	uint64_t now;
	struct sched_unit *curr[MAX_CPUS];
	uint64_t since[MAX_CPUS];
	uint64_t until[MAX_CPUS]; /* UINT64_MAX: idle with no limit */
	uint64_t ran[MAX_UNITS];
};

static struct fixture *fixture_new(unsigned int nr_cpus)
{
	struct fixture *f = calloc(1, sizeof(*f));
	unsigned int cpu;

	assert_non_null(f);
	f->s.ops = &sched_credit_ops;
	f->s.nr_cpus = nr_cpus;
	assert_int_equal(f->s.ops->init(&f->s), 0);
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		f->until[cpu] = UINT64_MAX;
	}
	return f;
}

static int setup_one_cpu(void **state)
{
	*state = fixture_new(1);
	return 0;
}

static int setup_two_cpus(void **state)
{
	*state = fixture_new(2);
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
	for (i = 0; i < f->nr_doms; i++) {
		free(f->d[i]);
	}
	free(f);
	return 0;
}

static struct domain *domain_of(struct fixture *f, domid_t domid)
{
	struct domain *d;
	unsigned int i;

	for (i = 0; i < f->nr_doms; i++) {
		if (f->d[i]->domain_id == domid) {
			return f->d[i];
		}
	}
	assert_true(f->nr_doms < MAX_UNITS);
	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	d->domain_id = domid;
	f->d[f->nr_doms++] = d;
	return d;
}

/** Insert a vCPU of domain domid (not runnable yet); returns its index. */
static unsigned int add_unit(struct fixture *f, domid_t domid)
{
	unsigned int i = f->nr;
	struct vcpu *v = calloc(1, sizeof(*v));
	struct sched_unit *u = calloc(1, sizeof(*u));

	assert_true(i < MAX_UNITS);
	assert_non_null(v);
	assert_non_null(u);
	v->domain = domain_of(f, domid);
	v->vcpu_id = i;
	v->run_state = VCPU_RUNNABLE;
	v->processor = -1;
	u->vcpu = v;
	u->processor = -1;
	assert_int_equal(f->s.ops->insert_unit(&f->s, u), 0);
	assert_true(
		u->processor >= 0 && (unsigned int)u->processor < f->s.nr_cpus);
	assert_int_equal(v->processor, u->processor);
	f->v[i] = v;
	f->u[i] = u;
	f->nr++;
	return i;
}

static int index_of(struct fixture *f, struct sched_unit *u)
{
	unsigned int i;

	for (i = 0; i < f->nr; i++) {
		if (f->u[i] == u) {
			return (int)i;
		}
	}
	return -1;
}

/** Reschedule cpu at f->now, charging what it ran to its unit. */
static struct sched_decision resched(struct fixture *f, unsigned int cpu)
{
	struct sched_decision d;
	int i;

	if (f->curr[cpu] != NULL) {
		i = index_of(f, f->curr[cpu]);
		if (i >= 0) {
			f->ran[i] += f->now - f->since[cpu];
		}
	}
	d = f->s.ops->do_schedule(&f->s, cpu, f->curr[cpu], f->now);
	if (d.unit != NULL) {
		assert_int_equal(d.unit->processor, (int)cpu);
		assert_true(d.unit->runnable);
	}
	f->curr[cpu] = d.unit;
	f->since[cpu] = f->now;
	f->until[cpu] = d.slice_ns != 0 ? f->now + d.slice_ns : UINT64_MAX;
	return d;
}

/** Make unit i runnable at f->now and kick the pCPU the scheduler names. */
static int wake(struct fixture *f, unsigned int i)
{
	int cpu;

	f->u[i]->runnable = true;
	f->s.ops->wake(&f->s, f->u[i], f->now);
	cpu = f->s.ops->wake_target(&f->s, f->u[i]);
	if (cpu >= 0) {
		resched(f, (unsigned int)cpu);
	}
	return cpu;
}

/** Unit i blocks at f->now; its pCPU reschedules if it was running it. */
static void block(struct fixture *f, unsigned int i)
{
	unsigned int cpu;

	f->u[i]->runnable = false;
	f->s.ops->sleep(&f->s, f->u[i], f->now);
	for (cpu = 0; cpu < f->s.nr_cpus; cpu++) {
		if (f->curr[cpu] == f->u[i]) {
			resched(f, cpu);
		}
	}
}

/** Run the pCPUs until f->now + duration, every unit CPU-bound. */
static void run_for(struct fixture *f, uint64_t duration)
{
	uint64_t end = f->now + duration;
	unsigned int cpu;
	unsigned int first;
	int i;

	for (;;) {
		first = 0;
		for (cpu = 1; cpu < f->s.nr_cpus; cpu++) {
			if (f->until[cpu] < f->until[first]) {
				first = cpu;
			}
		}
		if (f->until[first] > end) {
			break;
		}
		f->now = f->until[first];
		resched(f, first);
	}
	f->now = end;
	/* Charge the partial slices up to the end. */
	for (cpu = 0; cpu < f->s.nr_cpus; cpu++) {
		i = index_of(f, f->curr[cpu]);
		if (f->curr[cpu] != NULL && i >= 0) {
			f->ran[i] += end - f->since[cpu];
		}
		f->since[cpu] = end;
	}
}

static void reset_ran(struct fixture *f)
{
	unsigned int i;

	for (i = 0; i < MAX_UNITS; i++) {
		f->ran[i] = 0;
	}
}

static void assert_share(uint64_t ran, uint64_t total, double expect)
{
	double share = (double)ran / (double)total;

	if (share < expect - 0.05 || share > expect + 0.05) {
		fail_msg("share %.3f, expected %.3f +- 0.05", share, expect);
	}
}

/* ---- the tests ------------------------------------------------------ */

static void two_cpu_bound_vcpus_on_one_pcpu_share_it_evenly(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);

	wake(f, a);
	wake(f, b);
	run_for(f, 10 * SEC);
	assert_share(f->ran[a], 10 * SEC, 0.5);
	assert_share(f->ran[b], 10 * SEC, 0.5);
}

static void two_vcpus_of_one_domain_share_a_pcpu_evenly(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 1);

	wake(f, a);
	wake(f, b);
	run_for(f, 10 * SEC);
	assert_share(f->ran[a], 10 * SEC, 0.5);
	assert_share(f->ran[b], 10 * SEC, 0.5);
}

static void weight_512_gets_twice_the_time_of_weight_256(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);

	assert_int_equal(csched_set_weight(&f->s, 1, 512), 0);
	wake(f, a);
	wake(f, b);
	run_for(f, 1 * SEC);
	reset_ran(f);
	run_for(f, 30 * SEC);
	assert_share(f->ran[a], 30 * SEC, 2.0 / 3);
	assert_share(f->ran[b], 30 * SEC, 1.0 / 3);
}

static void a_weight_change_takes_effect_while_running(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);

	wake(f, a);
	wake(f, b);
	run_for(f, 3 * SEC);
	assert_int_equal(csched_set_weight(&f->s, 2, 768), 0);
	run_for(f, 1 * SEC);
	reset_ran(f);
	run_for(f, 30 * SEC);
	assert_share(f->ran[a], 30 * SEC, 0.25);
	assert_share(f->ran[b], 30 * SEC, 0.75);
}

static void slices_are_30_ms(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	struct sched_decision d;
	unsigned int n;

	wake(f, a);
	wake(f, b);
	for (n = 0; n < 100; n++) {
		d = resched(f, 0);
		assert_non_null(d.unit);
		assert_int_equal(d.slice_ns, SLICE);
		f->now += d.slice_ns;
	}
	/* Alone, a vCPU still gets 30 ms slices. */
	f->s.ops->remove_unit(&f->s, f->u[b]);
	free(f->u[b]);
	f->u[b] = NULL;
	f->curr[0] = NULL;
	d = resched(f, 0);
	assert_ptr_equal(d.unit, f->u[a]);
	assert_int_equal(d.slice_ns, SLICE);
}

static void an_idle_pcpu_has_no_slice(void **state)
{
	struct fixture *f = *state;
	struct sched_decision d;

	(void)add_unit(f, 1);
	d = resched(f, 0);
	assert_null(d.unit);
	assert_int_equal(d.slice_ns, 0);
}

static void a_vcpu_waking_from_block_preempts_a_cpu_hog(void **state)
{
	struct fixture *f = *state;
	unsigned int hog = add_unit(f, 1);
	unsigned int io = add_unit(f, 2);
	unsigned int n;

	wake(f, hog);
	run_for(f, 1 * SEC);
	for (n = 0; n < 20; n++) {
		/* Mid-slice, the I/O vCPU's event comes in. */
		f->now += 7 * MS;
		assert_ptr_equal(f->curr[0], f->u[hog]);
		assert_int_equal(wake(f, io), 0);
		assert_ptr_equal(f->curr[0], f->u[io]);
		f->now += 1 * MS;
		block(f, io);
		assert_ptr_equal(f->curr[0], f->u[hog]);
		run_for(f, 100 * MS);
	}
	/* The hog still had nearly all of the pCPU. */
	assert_true(f->ran[io] == 20 * MS);
}

static void a_waking_vcpu_does_not_preempt_an_equal_one(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);

	wake(f, a);
	f->now += 1 * MS;
	/* a runs boosted: b, boosted too, waits its turn. */
	assert_int_equal(wake(f, b), -1);
	assert_ptr_equal(f->curr[0], f->u[a]);
}

static void a_vcpu_waking_without_credit_does_not_preempt(void **state)
{
	struct fixture *f = *state;
	unsigned int low = add_unit(f, 1);
	unsigned int high = add_unit(f, 2);

	assert_int_equal(csched_set_weight(&f->s, 1, 1), 0);
	assert_int_equal(csched_set_weight(&f->s, 2, 65535), 0);
	wake(f, low);
	wake(f, high);
	run_for(f, 1 * SEC + 5 * MS);
	assert_ptr_equal(f->curr[0], f->u[high]);
	block(f, low);
	assert_int_equal(wake(f, low), -1);
	assert_ptr_equal(f->curr[0], f->u[high]);
}

static void yield_lets_the_other_vcpu_run(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	struct sched_unit *first;
	struct sched_unit *other;

	wake(f, a);
	wake(f, b);
	run_for(f, 1 * SEC + 5 * MS);
	first = f->curr[0];
	other = first == f->u[a] ? f->u[b] : f->u[a];
	f->s.ops->yield(&f->s, first);
	resched(f, 0);
	assert_ptr_equal(f->curr[0], other);
	/* It got a whole slice, and then the yielder runs again. */
	assert_int_equal(f->until[0] - f->now, SLICE);
	f->now = f->until[0];
	resched(f, 0);
	assert_ptr_equal(f->curr[0], first);
}

static void a_vcpu_alone_keeps_running_after_yield(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);

	wake(f, a);
	run_for(f, 100 * MS);
	f->s.ops->yield(&f->s, f->u[a]);
	resched(f, 0);
	assert_ptr_equal(f->curr[0], f->u[a]);
}

static void a_waking_vcpu_is_sent_to_an_idle_pcpu(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	unsigned int c = add_unit(f, 3);
	int cpu_a;

	wake(f, a);
	cpu_a = f->u[a]->processor;
	assert_ptr_equal(f->curr[cpu_a], f->u[a]);
	/* c was placed with a, but the other pCPU is idle. */
	assert_int_equal(f->u[c]->processor, cpu_a);
	assert_int_equal(wake(f, c), 1 - cpu_a);
	assert_int_equal(f->u[c]->processor, 1 - cpu_a);
	assert_int_equal(f->v[c]->processor, 1 - cpu_a);
	assert_ptr_equal(f->curr[1 - cpu_a], f->u[c]);
	/* Both busy: b stays on its pCPU and, boosted, preempts there. */
	run_for(f, 100 * MS);
	assert_int_equal(f->u[b]->processor, 1 - cpu_a);
	assert_int_equal(wake(f, b), 1 - cpu_a);
	assert_ptr_equal(f->curr[1 - cpu_a], f->u[b]);
}

static void an_idle_pcpu_steals_from_a_busy_runqueue(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	unsigned int c = add_unit(f, 3);
	unsigned int queued;
	int cpu_a;

	wake(f, a);
	wake(f, b);
	run_for(f, 100 * MS);
	cpu_a = f->u[a]->processor;
	assert_ptr_equal(f->curr[cpu_a], f->u[a]);
	assert_ptr_equal(f->curr[1 - cpu_a], f->u[b]);
	/* Both pCPUs busy: c joins a's runqueue (and, boosted, preempts a). */
	wake(f, c);
	assert_int_equal(f->u[c]->processor, cpu_a);
	queued = f->curr[cpu_a] == f->u[c] ? a : c;
	/* The other pCPU goes idle and takes the queued vCPU over. */
	f->now += 1 * MS;
	block(f, b);
	assert_ptr_equal(f->curr[1 - cpu_a], f->u[queued]);
	assert_int_equal(f->u[queued]->processor, 1 - cpu_a);
	assert_int_equal(f->v[queued]->processor, 1 - cpu_a);
	/* Each pCPU now runs one vCPU; nobody waits. */
	run_for(f, 1000 * MS);
	reset_ran(f);
	run_for(f, 1000 * MS);
	assert_int_equal(f->ran[a], 1000 * MS);
	assert_int_equal(f->ran[c], 1000 * MS);
}

static void three_cpu_bound_vcpus_share_two_pcpus_evenly(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	unsigned int c = add_unit(f, 3);

	wake(f, a);
	wake(f, b);
	wake(f, c);
	run_for(f, 1 * SEC);
	reset_ran(f);
	run_for(f, 30 * SEC);
	assert_share(f->ran[a], 30 * SEC, 2.0 / 3);
	assert_share(f->ran[b], 30 * SEC, 2.0 / 3);
	assert_share(f->ran[c], 30 * SEC, 2.0 / 3);
}

static void removing_the_running_vcpu_lets_the_next_one_run(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);
	struct sched_unit *gone;
	struct sched_unit *other;
	struct sched_decision d;

	wake(f, a);
	wake(f, b);
	run_for(f, 1 * SEC + 10 * MS);
	gone = f->curr[0];
	other = gone == f->u[a] ? f->u[b] : f->u[a];
	f->s.ops->remove_unit(&f->s, gone);
	f->u[index_of(f, gone)] = NULL;
	free(gone);
	f->curr[0] = NULL;
	d = resched(f, 0);
	assert_ptr_equal(d.unit, other);
	assert_int_equal(d.slice_ns, SLICE);
	run_for(f, 1 * SEC);
	assert_ptr_equal(f->curr[0], other);
}

static void removing_the_only_vcpu_leaves_its_pcpu_idle(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);

	wake(f, a);
	run_for(f, 45 * MS);
	f->s.ops->remove_unit(&f->s, f->u[a]);
	free(f->u[a]);
	f->u[a] = NULL;
	f->curr[0] = NULL;
	assert_null(resched(f, 0).unit);
}

static void a_blocked_vcpu_is_not_scheduled(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);
	unsigned int b = add_unit(f, 2);

	wake(f, a);
	wake(f, b);
	run_for(f, 200 * MS);
	block(f, b);
	reset_ran(f);
	run_for(f, 1 * SEC);
	assert_int_equal(f->ran[b], 0);
	assert_int_equal(f->ran[a], 1 * SEC);
}

static void a_capped_domain_gets_no_more_than_its_cap(void **state)
{
	struct fixture *f = *state;
	unsigned int a = add_unit(f, 1);

	assert_int_equal(csched_set_cap(&f->s, 1, 50), 0);
	wake(f, a);
	run_for(f, 1 * SEC);
	reset_ran(f);
	run_for(f, 30 * SEC);
	assert_share(f->ran[a], 30 * SEC, 0.5);
}

static void weights_and_caps_are_kept_per_domain(void **state)
{
	struct fixture *f = *state;
	unsigned int w;
	unsigned int cap;
	unsigned int a = add_unit(f, 7);

	assert_int_equal(csched_get_weight(&f->s, 7, &w), 0);
	assert_int_equal(w, 256);
	assert_int_equal(csched_set_weight(&f->s, 7, 1000), 0);
	assert_int_equal(csched_get_weight(&f->s, 7, &w), 0);
	assert_int_equal(w, 1000);
	assert_int_equal(csched_get_weight(&f->s, 8, &w), 0);
	assert_int_equal(w, 256);
	assert_int_equal(csched_set_weight(&f->s, 7, 0), -EINVAL);
	assert_int_equal(csched_set_weight(&f->s, 7, 65536), -EINVAL);
	assert_int_equal(csched_set_cap(&f->s, 7, 20), 0);
	assert_int_equal(csched_get_cap(&f->s, 7, &cap), 0);
	assert_int_equal(cap, 20);

	/* Forgotten with the domain's last vCPU. */
	f->s.ops->remove_unit(&f->s, f->u[a]);
	free(f->u[a]);
	f->u[a] = NULL;
	assert_int_equal(csched_get_weight(&f->s, 7, &w), 0);
	assert_int_equal(w, 256);
	assert_int_equal(csched_get_cap(&f->s, 7, &cap), 0);
	assert_int_equal(cap, 0);
}

static void parameters_need_a_credit_instance(void **state)
{
	struct sched_instance null_s = {.ops = &sched_null_ops, .nr_cpus = 1};
	unsigned int w;

	(void)state;
	assert_int_equal(csched_set_weight(&null_s, 1, 100), -EINVAL);
	assert_int_equal(csched_get_weight(&null_s, 1, &w), -EINVAL);
	assert_int_equal(csched_set_weight(NULL, 1, 100), -EINVAL);
}

#define T1(name) cmocka_unit_test_setup_teardown(name, setup_one_cpu, teardown)
#define T2(name) cmocka_unit_test_setup_teardown(name, setup_two_cpus, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T1(two_cpu_bound_vcpus_on_one_pcpu_share_it_evenly),
		T1(two_vcpus_of_one_domain_share_a_pcpu_evenly),
		T1(weight_512_gets_twice_the_time_of_weight_256),
		T1(a_weight_change_takes_effect_while_running),
		T1(slices_are_30_ms),
		T1(an_idle_pcpu_has_no_slice),
		T1(a_vcpu_waking_from_block_preempts_a_cpu_hog),
		T1(a_waking_vcpu_does_not_preempt_an_equal_one),
		T1(a_vcpu_waking_without_credit_does_not_preempt),
		T1(yield_lets_the_other_vcpu_run),
		T1(a_vcpu_alone_keeps_running_after_yield),
		T2(a_waking_vcpu_is_sent_to_an_idle_pcpu),
		T2(an_idle_pcpu_steals_from_a_busy_runqueue),
		T2(three_cpu_bound_vcpus_share_two_pcpus_evenly),
		T1(removing_the_running_vcpu_lets_the_next_one_run),
		T1(removing_the_only_vcpu_leaves_its_pcpu_idle),
		T1(a_blocked_vcpu_is_not_scheduled),
		T1(a_capped_domain_gets_no_more_than_its_cap),
		T1(weights_and_caps_are_kept_per_domain),
		cmocka_unit_test(parameters_need_a_credit_instance),
	};

	return cmocka_run_group_tests_name("sched_credit", tests, NULL, NULL);
}
