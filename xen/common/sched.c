/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core's scheduler glue: one scheduler instance for the whole
 * hypervisor, the struct sched_unit of every vCPU, runnability changes
 * turned into wake/sleep, and the vCPUs' CPU time.
 *
 * Before sched_init() (and after sched_deinit()) vCPUs get no unit: the
 * glue functions then do nothing, so the core works without a scheduler
 * (unit tests of other parts). A vCPU inserted is not runnable as far as
 * the scheduler knows until sched_vcpu_runnable_changed() is called.
 */
#include "xen/sched_if.h"

/** A unit and its place on the glue's list of all units. */
struct sched_glue_unit {
	struct sched_unit unit; /* first: a unit pointer is a glue pointer */
	struct sched_glue_unit *prev;
	struct sched_glue_unit *next;
};

/** What a pCPU runs according to the last sched_pick(), and since when. */
struct sched_glue_pcpu {
	struct sched_unit *curr;
	uint64_t since;
};

static struct sched_instance sched_core;
static bool sched_up;
static struct sched_glue_pcpu *sched_pcpus;
static struct sched_glue_unit *sched_units;

static const struct scheduler_ops *const schedulers[] = {
	&sched_credit_ops,
	&sched_null_ops,
};

#define SCHED_DEFAULT_NAME "credit"

static bool sched_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct scheduler_ops *scheduler_find(const char *name)
{
	unsigned int i;

	if (name == NULL) {
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(schedulers); i++) {
		if (sched_streq(schedulers[i]->name, name)) {
			return schedulers[i];
		}
	}
	return NULL;
}

int sched_init(const char *name, unsigned int nr_cpus)
{
	const struct scheduler_ops *ops;
	size_t n = nr_cpus;
	int rc;

	if (sched_up) {
		return -EBUSY;
	}
	ops = scheduler_find(name != NULL ? name : SCHED_DEFAULT_NAME);
	if (ops == NULL || nr_cpus == 0) {
		return -EINVAL;
	}
	sched_pcpus = xzalloc_array(struct sched_glue_pcpu, n);
	if (sched_pcpus == NULL) {
		return -ENOMEM;
	}
	sched_core.ops = ops;
	sched_core.nr_cpus = nr_cpus;
	sched_core.priv = NULL;
	rc = ops->init(&sched_core);
	if (rc < 0) {
		xfree(sched_pcpus);
		sched_pcpus = NULL;
		sched_core.ops = NULL;
		sched_core.nr_cpus = 0;
		return rc;
	}
	sched_units = NULL;
	sched_up = true;
	return 0;
}

void sched_deinit(void)
{
	if (!sched_up) {
		return;
	}
	/* vCPUs still inserted lose their unit. */
	while (sched_units != NULL) {
		sched_remove_vcpu(sched_units->unit.vcpu);
	}
	sched_core.ops->deinit(&sched_core);
	xfree(sched_pcpus);
	sched_pcpus = NULL;
	sched_core.ops = NULL;
	sched_core.nr_cpus = 0;
	sched_core.priv = NULL;
	sched_up = false;
}

const char *sched_name(void)
{
	return sched_up ? sched_core.ops->name : NULL;
}

bool vcpu_runnable(const struct vcpu *v)
{
	const struct domain *d = v->domain;

	if (v->run_state != VCPU_RUNNABLE || v->pause_count != 0) {
		return false;
	}
	if (d == NULL) {
		return true;
	}
	return d->is_dying == DOMDYING_alive && !d->is_shutting_down &&
	       !d->is_shut_down && d->controller_pause_count == 0;
}

int sched_insert_vcpu(struct vcpu *v)
{
	struct sched_glue_unit *g;
	int rc;

	if (!sched_up) {
		return 0;
	}
	if (v->sched != NULL) {
		return -EEXIST;
	}
	g = xzalloc(struct sched_glue_unit);
	if (g == NULL) {
		return -ENOMEM;
	}
	g->unit.vcpu = v;
	/* The vCPU's processor, when valid, is the scheduler's hint. */
	g->unit.processor = v->processor >= 0 && (unsigned int)v->processor <
							 sched_core.nr_cpus
				    ? v->processor
				    : -1;
	g->unit.runnable = false;
	rc = sched_core.ops->insert_unit(&sched_core, &g->unit);
	if (rc < 0) {
		xfree(g);
		return rc;
	}
	g->next = sched_units;
	if (sched_units != NULL) {
		sched_units->prev = g;
	}
	sched_units = g;
	v->sched = &g->unit;
	v->processor = g->unit.processor;
	return 0;
}

void sched_remove_vcpu(struct vcpu *v)
{
	struct sched_glue_unit *g;
	struct sched_unit *u = v->sched;
	unsigned int cpu;

	if (!sched_up || u == NULL) {
		return;
	}
	g = (struct sched_glue_unit *)u;
	/* A pCPU running it runs nothing as far as accounting goes. */
	for (cpu = 0; cpu < sched_core.nr_cpus; cpu++) {
		if (sched_pcpus[cpu].curr == u) {
			sched_pcpus[cpu].curr = NULL;
		}
	}
	sched_core.ops->remove_unit(&sched_core, u);
	if (g->prev != NULL) {
		g->prev->next = g->next;
	} else {
		sched_units = g->next;
	}
	if (g->next != NULL) {
		g->next->prev = g->prev;
	}
	xfree(g);
	v->sched = NULL;
	v->processor = -1;
}

void sched_vcpu_runnable_changed(struct vcpu *v, uint64_t now)
{
	struct sched_unit *u = v->sched;
	bool runnable;

	if (!sched_up || u == NULL) {
		return;
	}
	runnable = vcpu_runnable(v);
	if (runnable == u->runnable) {
		return;
	}
	u->runnable = runnable;
	if (runnable) {
		sched_core.ops->wake(&sched_core, u, now);
	} else {
		sched_core.ops->sleep(&sched_core, u, now);
	}
	v->processor = u->processor;
}

int sched_wake_target(struct vcpu *v)
{
	struct sched_unit *u = v->sched;

	if (!sched_up || u == NULL || !u->runnable) {
		return -1;
	}
	return sched_core.ops->wake_target(&sched_core, u);
}

void sched_yield_vcpu(struct vcpu *v)
{
	struct sched_unit *u = v->sched;

	if (!sched_up || u == NULL || sched_core.ops->yield == NULL) {
		return;
	}
	sched_core.ops->yield(&sched_core, u);
}

/*
 * The glue charges CPU time to what it recorded as the pCPU's current unit
 * (prev, unless prev was removed since), and passes that record on as prev.
 */
struct sched_decision sched_pick(
	unsigned int cpu, struct sched_unit *prev, uint64_t now)
{
	struct sched_decision d = {.unit = NULL, .slice_ns = 0};
	struct sched_glue_pcpu *pc;
	struct sched_unit *curr;

	(void)prev;
	if (!sched_up || cpu >= sched_core.nr_cpus) {
		return d;
	}
	pc = &sched_pcpus[cpu];
	curr = pc->curr;
	if (curr != NULL && now > pc->since) {
		curr->vcpu->cpu_time_ns += now - pc->since;
	}
	d = sched_core.ops->do_schedule(&sched_core, cpu, curr, now);
	pc->curr = d.unit;
	pc->since = now;
	if (d.unit != NULL) {
		d.unit->processor = (int)cpu;
		d.unit->vcpu->processor = (int)cpu;
	}
	return d;
}

/* ---- the credit scheduler's parameters on the core's instance ---- */

static struct sched_instance *sched_credit_instance(void)
{
	return sched_up && sched_core.ops == &sched_credit_ops ? &sched_core
							       : NULL;
}

int sched_credit_set_weight(domid_t domid, unsigned int weight)
{
	struct sched_instance *s = sched_credit_instance();

	return s != NULL ? csched_set_weight(s, domid, weight) : -EINVAL;
}

int sched_credit_get_weight(domid_t domid, unsigned int *weight)
{
	struct sched_instance *s = sched_credit_instance();

	return s != NULL ? csched_get_weight(s, domid, weight) : -EINVAL;
}

int sched_credit_set_cap(domid_t domid, unsigned int cap)
{
	struct sched_instance *s = sched_credit_instance();

	return s != NULL ? csched_set_cap(s, domid, cap) : -EINVAL;
}

int sched_credit_get_cap(domid_t domid, unsigned int *cap)
{
	struct sched_instance *s = sched_credit_instance();

	return s != NULL ? csched_get_cap(s, domid, cap) : -EINVAL;
}
