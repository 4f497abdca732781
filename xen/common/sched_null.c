/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The null scheduler, as Xen's: every vCPU gets a pCPU of its own for good
 * and no time slicing ever happens. A vCPU inserted while every pCPU is
 * taken waits in a FIFO queue and gets the next pCPU that frees (when an
 * assigned vCPU is removed). A pCPU whose vCPU is not runnable idles: it
 * is never lent to anyone else.
 */
#include "xen/sched_if.h"

struct null_unit {
	struct sched_unit *unit;
	struct null_unit *next; /* on the wait queue */
	bool waiting;
};

struct null_priv {
	struct sched_unit **assigned; /* per pCPU; NULL: free */
	struct null_unit *wq_head;
	struct null_unit *wq_tail;
};

static struct null_priv *null_priv(struct sched_instance *s)
{
	return s->priv;
}

static void null_assign(
	struct null_priv *p, struct sched_unit *u, unsigned int cpu)
{
	p->assigned[cpu] = u;
	u->processor = (int)cpu;
	if (u->vcpu != NULL) {
		u->vcpu->processor = (int)cpu;
	}
}

static int null_init(struct sched_instance *s)
{
	struct null_priv *p;

	p = xzalloc(struct null_priv);
	if (p == NULL) {
		return -ENOMEM;
	}
	p->assigned = xzalloc_array(struct sched_unit *, (size_t)s->nr_cpus);
	if (p->assigned == NULL) {
		xfree(p);
		return -ENOMEM;
	}
	s->priv = p;
	return 0;
}

static void null_deinit(struct sched_instance *s)
{
	struct null_priv *p = null_priv(s);
	struct null_unit *nu;
	unsigned int cpu;

	if (p == NULL) {
		return;
	}
	/* Units still inserted lose their private data. */
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		if (p->assigned[cpu] != NULL) {
			xfree(p->assigned[cpu]->priv);
			p->assigned[cpu]->priv = NULL;
		}
	}
	while (p->wq_head != NULL) {
		nu = p->wq_head;
		p->wq_head = nu->next;
		nu->unit->priv = NULL;
		xfree(nu);
	}
	xfree(p->assigned);
	xfree(p);
	s->priv = NULL;
}

static int null_insert_unit(struct sched_instance *s, struct sched_unit *u)
{
	struct null_priv *p = null_priv(s);
	struct null_unit *nu;
	unsigned int cpu;
	int hint = u->processor;

	nu = xzalloc(struct null_unit);
	if (nu == NULL) {
		return -ENOMEM;
	}
	nu->unit = u;
	u->priv = nu;
	if (hint >= 0 && (unsigned int)hint < s->nr_cpus &&
		p->assigned[hint] == NULL) {
		null_assign(p, u, (unsigned int)hint);
		return 0;
	}
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		if (p->assigned[cpu] == NULL) {
			null_assign(p, u, cpu);
			return 0;
		}
	}
	/* Every pCPU is taken: wait for one. */
	nu->waiting = true;
	if (p->wq_tail != NULL) {
		p->wq_tail->next = nu;
	} else {
		p->wq_head = nu;
	}
	p->wq_tail = nu;
	u->processor = -1;
	if (u->vcpu != NULL) {
		u->vcpu->processor = -1;
	}
	return 0;
}

static void null_remove_unit(struct sched_instance *s, struct sched_unit *u)
{
	struct null_priv *p = null_priv(s);
	struct null_unit *nu = u->priv;
	struct null_unit **pp;
	struct null_unit *prev = NULL;
	struct null_unit *first;
	int cpu = u->processor;

	if (nu == NULL) {
		return;
	}
	if (nu->waiting) {
		for (pp = &p->wq_head; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == nu) {
				*pp = nu->next;
				break;
			}
			prev = *pp;
		}
		if (p->wq_tail == nu) {
			p->wq_tail = prev;
		}
	} else if (cpu >= 0 && (unsigned int)cpu < s->nr_cpus &&
		   p->assigned[cpu] == u) {
		p->assigned[cpu] = NULL;
		/* The first waiter takes the pCPU over. */
		first = p->wq_head;
		if (first != NULL) {
			p->wq_head = first->next;
			if (p->wq_head == NULL) {
				p->wq_tail = NULL;
			}
			first->next = NULL;
			first->waiting = false;
			null_assign(p, first->unit, (unsigned int)cpu);
		}
	}
	xfree(nu);
	u->priv = NULL;
	u->processor = -1;
}

static void null_wake(
	struct sched_instance *s, struct sched_unit *u, uint64_t now)
{
	/* Nothing moves: an assigned vCPU's pCPU just runs it again. */
}

static void null_sleep(
	struct sched_instance *s, struct sched_unit *u, uint64_t now)
{
	/* Its pCPU idles; it stays the vCPU's. */
}

static void null_yield(struct sched_instance *s, struct sched_unit *u)
{
	/* Nobody else may use the pCPU: nothing to give up. */
}

static struct sched_decision null_do_schedule(struct sched_instance *s,
	unsigned int cpu, struct sched_unit *prev, uint64_t now)
{
	struct null_priv *p = null_priv(s);
	struct sched_decision d = {.unit = NULL, .slice_ns = 0};
	struct sched_unit *u;

	if (cpu >= s->nr_cpus) {
		return d;
	}
	u = p->assigned[cpu];
	if (u != NULL && u->runnable) {
		d.unit = u;
	}
	return d;
}

static int null_wake_target(struct sched_instance *s, struct sched_unit *u)
{
	struct null_unit *nu = u->priv;

	if (nu == NULL || nu->waiting || u->processor < 0) {
		return -1;
	}
	return u->processor;
}

const struct scheduler_ops sched_null_ops = {
	.name = "null",
	.init = null_init,
	.deinit = null_deinit,
	.insert_unit = null_insert_unit,
	.remove_unit = null_remove_unit,
	.wake = null_wake,
	.sleep = null_sleep,
	.yield = null_yield,
	.do_schedule = null_do_schedule,
	.wake_target = null_wake_target,
};
