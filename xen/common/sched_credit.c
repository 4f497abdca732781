/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The credit scheduler, modelled on Xen's (xen/common/sched_credit.c):
 * weighted fair share of the pCPUs among domains.
 *
 * - Every accounting period (30 ms) the pCPUs' time is handed out as
 *   credit to the domains in proportion to their weight, never more than
 *   their vCPUs can use nor than their cap (the excess goes to the
 *   others); a domain's share is split evenly among its vCPUs, again
 *   within what each can use: a whole period for a runnable vCPU, what it
 *   ran in the period for one that is blocked now. Running debits a vCPU's
 *   credit by the time it ran. Credit stays within [-slice, slice]: above,
 *   it is halved (as Xen does when a vCPU stops earning).
 * - A vCPU's priority: UNDER with credit >= 0, OVER below; BOOST when it
 *   wakes with credit >= 0, until it is next descheduled, so that I/O-bound
 *   vCPUs preempt CPU hogs.
 * - Each pCPU has a runqueue ordered by priority, FIFO within a priority;
 *   a vCPU runs for slices of 30 ms. A pCPU with nothing better than OVER
 *   work steals the best queued vCPU of another pCPU (load balancing).
 * - A capped domain's vCPUs are parked (not scheduled) once their credit
 *   falls below their share of the cap, until it is positive again.
 *
 * There is no timer of its own: the accounting runs inside do_schedule
 * for every period that elapsed by `now`.
 */
#include "xen/sched_if.h"

#define CSCHED_TSLICE_NS 30000000ull
#define CSCHED_ACCT_NS 30000000ull
/* Accounting periods credited at most at once after a long gap. */
#define CSCHED_MAX_CATCHUP 4u

#define CSCHED_PRI_BOOST 2
#define CSCHED_PRI_UNDER 1
#define CSCHED_PRI_OVER 0
#define CSCHED_PRI_IDLE (-1)

struct csched_dom {
	struct csched_dom *next;
	domid_t domid;
	unsigned int weight;
	unsigned int cap; /* percent of one pCPU; 0: none */
	unsigned int nr_units;
	struct csched_unit *units; /* its units, by dom_next */
	/* Scratch of one accounting run. */
	unsigned int nr_active;
	uint64_t peak;
	uint64_t share;
	bool settled;
};

struct csched_unit {
	struct sched_unit *unit;
	struct csched_dom *dom;
	struct csched_unit *rq_prev; /* on its pCPU's runqueue */
	struct csched_unit *rq_next;
	struct csched_unit *all_prev; /* on the list of all units */
	struct csched_unit *all_next;
	struct csched_unit *dom_next; /* on its domain's list */
	int64_t credit;               /* ns of pCPU time */
	int pri;
	bool queued;
	bool running; /* curr of pCPU unit->processor */
	bool yielded;
	bool parked;
	uint64_t burned; /* ns run since the last accounting */
	/* Scratch of one accounting run. */
	uint64_t peak;
	uint64_t grant;
	bool settled;
};

struct csched_pcpu {
	struct csched_unit *rq_head;
	struct csched_unit *rq_tail;
	unsigned int nr_queued;
	struct csched_unit *curr; /* NULL: idle */
	uint64_t start;           /* curr debited up to here */
	unsigned int load;        /* units placed on this pCPU */
};

struct csched_priv {
	struct csched_pcpu *pcpus;
	struct csched_dom *doms;
	struct csched_unit *units;
	uint64_t next_acct;
	bool acct_started;
	unsigned int nr_parked;
};

static struct csched_priv *csched_priv(struct sched_instance *s)
{
	return s->priv;
}

static struct csched_unit *csched_unit(struct sched_unit *u)
{
	return u->priv;
}

static domid_t csched_unit_domid(const struct sched_unit *u)
{
	if (u->vcpu == NULL || u->vcpu->domain == NULL) {
		return DOMID_IDLE;
	}
	return u->vcpu->domain->domain_id;
}

/* ---- per-domain records --------------------------------------------- */

static struct csched_dom *csched_dom_find(struct csched_priv *p, domid_t domid)
{
	struct csched_dom *sd;

	for (sd = p->doms; sd != NULL; sd = sd->next) {
		if (sd->domid == domid) {
			return sd;
		}
	}
	return NULL;
}

static struct csched_dom *csched_dom_get(struct csched_priv *p, domid_t domid)
{
	struct csched_dom *sd = csched_dom_find(p, domid);

	if (sd != NULL) {
		return sd;
	}
	sd = xzalloc(struct csched_dom);
	if (sd == NULL) {
		return NULL;
	}
	sd->domid = domid;
	sd->weight = CSCHED_DEFAULT_WEIGHT;
	sd->cap = 0;
	sd->next = p->doms;
	p->doms = sd;
	return sd;
}

static void csched_dom_drop(struct csched_priv *p, struct csched_dom *sd)
{
	struct csched_dom **pp;

	for (pp = &p->doms; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == sd) {
			*pp = sd->next;
			xfree(sd);
			return;
		}
	}
}

/* ---- runqueues ------------------------------------------------------ */

static bool csched_pcpu_idle(const struct csched_pcpu *pc)
{
	return pc->curr == NULL && pc->rq_head == NULL;
}

static void csched_rq_remove(struct csched_priv *p, struct csched_unit *cu)
{
	struct csched_pcpu *pc = &p->pcpus[cu->unit->processor];

	if (!cu->queued) {
		return;
	}
	if (cu->rq_prev != NULL) {
		cu->rq_prev->rq_next = cu->rq_next;
	} else {
		pc->rq_head = cu->rq_next;
	}
	if (cu->rq_next != NULL) {
		cu->rq_next->rq_prev = cu->rq_prev;
	} else {
		pc->rq_tail = cu->rq_prev;
	}
	cu->rq_prev = NULL;
	cu->rq_next = NULL;
	cu->queued = false;
	pc->nr_queued--;
}

static void csched_rq_append(struct csched_pcpu *pc, struct csched_unit *cu)
{
	cu->rq_next = NULL;
	cu->rq_prev = pc->rq_tail;
	if (pc->rq_tail != NULL) {
		pc->rq_tail->rq_next = cu;
	} else {
		pc->rq_head = cu;
	}
	pc->rq_tail = cu;
}

/**
 * Queue cu on its pCPU behind every unit of its priority or better. A unit
 * that yielded goes also behind one lower-priority unit, if any (Xen's
 * __runq_insert).
 */
static void csched_rq_insert(struct csched_priv *p, struct csched_unit *cu)
{
	struct csched_pcpu *pc = &p->pcpus[cu->unit->processor];
	struct csched_unit *it;

	if (cu->queued) {
		return;
	}
	for (it = pc->rq_head; it != NULL; it = it->rq_next) {
		if (cu->pri > it->pri) {
			break;
		}
	}
	if (cu->yielded && it != NULL) {
		it = it->rq_next;
	}
	if (it == NULL) {
		csched_rq_append(pc, cu);
	} else {
		cu->rq_next = it;
		cu->rq_prev = it->rq_prev;
		if (it->rq_prev != NULL) {
			it->rq_prev->rq_next = cu;
		} else {
			pc->rq_head = cu;
		}
		it->rq_prev = cu;
	}
	cu->queued = true;
	pc->nr_queued++;
}

/** Re-order a runqueue by priority after an accounting; stable. */
static void csched_rq_sort(struct csched_pcpu *pc)
{
	struct csched_unit *it;
	struct csched_unit *next;
	struct csched_unit *head[CSCHED_PRI_BOOST + 1] = {NULL};
	struct csched_unit *tail[CSCHED_PRI_BOOST + 1] = {NULL};
	int pri;

	for (it = pc->rq_head; it != NULL; it = next) {
		next = it->rq_next;
		pri = it->pri;
		it->rq_next = NULL;
		it->rq_prev = tail[pri];
		if (tail[pri] != NULL) {
			tail[pri]->rq_next = it;
		} else {
			head[pri] = it;
		}
		tail[pri] = it;
	}
	pc->rq_head = NULL;
	pc->rq_tail = NULL;
	for (pri = CSCHED_PRI_BOOST; pri >= CSCHED_PRI_OVER; pri--) {
		if (head[pri] == NULL) {
			continue;
		}
		head[pri]->rq_prev = pc->rq_tail;
		if (pc->rq_tail != NULL) {
			pc->rq_tail->rq_next = head[pri];
		} else {
			pc->rq_head = head[pri];
		}
		pc->rq_tail = tail[pri];
	}
}

/** Place cu (neither queued nor running) on pCPU cpu. */
static void csched_place(
	struct csched_priv *p, struct csched_unit *cu, unsigned int cpu)
{
	struct sched_unit *u = cu->unit;

	if (u->processor >= 0) {
		p->pcpus[u->processor].load--;
	}
	u->processor = (int)cpu;
	if (u->vcpu != NULL) {
		u->vcpu->processor = (int)cpu;
	}
	p->pcpus[cpu].load++;
}

static int csched_credit_pri(const struct csched_unit *cu)
{
	return cu->credit < 0 ? CSCHED_PRI_OVER : CSCHED_PRI_UNDER;
}

/* ---- accounting ----------------------------------------------------- */

/** Debit what pCPU cpu's current unit ran up to now. */
static void csched_burn(struct csched_priv *p, unsigned int cpu, uint64_t now)
{
	struct csched_pcpu *pc = &p->pcpus[cpu];

	if (now <= pc->start) {
		return;
	}
	if (pc->curr != NULL) {
		pc->curr->credit -= (int64_t)(now - pc->start);
		pc->curr->burned += now - pc->start;
	}
	pc->start = now;
}

/** Split total among the domains by weight, within their peaks. */
static void csched_share_out(struct csched_priv *p, uint64_t total)
{
	struct csched_dom *sd;
	uint64_t wsum;
	uint64_t fair;
	uint64_t capped;
	bool again = true;

	while (again) {
		again = false;
		wsum = 0;
		for (sd = p->doms; sd != NULL; sd = sd->next) {
			if (sd->peak > 0 && !sd->settled) {
				wsum += sd->weight;
			}
		}
		if (wsum == 0) {
			return;
		}
		capped = 0;
		for (sd = p->doms; sd != NULL; sd = sd->next) {
			if (sd->peak == 0 || sd->settled) {
				continue;
			}
			fair = total * sd->weight / wsum;
			if (fair >= sd->peak) {
				/* Its excess goes to the others. */
				sd->share = sd->peak;
				sd->settled = true;
				capped += sd->peak;
				again = true;
			}
		}
		total -= capped;
	}
	for (sd = p->doms; sd != NULL; sd = sd->next) {
		if (sd->peak > 0 && !sd->settled) {
			sd->share = total * sd->weight / wsum;
		}
	}
}

/** Split a domain's share evenly among its units, within their peaks. */
static void csched_share_dom(struct csched_dom *sd)
{
	struct csched_unit *cu;
	uint64_t total = sd->share;
	uint64_t fair;
	uint64_t capped;
	unsigned int n;
	bool again = true;

	while (again) {
		again = false;
		n = 0;
		for (cu = sd->units; cu != NULL; cu = cu->dom_next) {
			if (cu->peak > 0 && !cu->settled) {
				n++;
			}
		}
		if (n == 0) {
			return;
		}
		fair = total / n;
		capped = 0;
		for (cu = sd->units; cu != NULL; cu = cu->dom_next) {
			if (cu->peak == 0 || cu->settled) {
				continue;
			}
			if (fair >= cu->peak) {
				cu->grant = cu->peak;
				cu->settled = true;
				capped += cu->peak;
				again = true;
			}
		}
		total -= capped;
	}
	for (cu = sd->units; cu != NULL; cu = cu->dom_next) {
		if (cu->peak > 0 && !cu->settled) {
			cu->grant = total / n;
		}
	}
}

static void csched_park(struct csched_priv *p, struct csched_unit *cu)
{
	cu->parked = true;
	p->nr_parked++;
	csched_rq_remove(p, cu);
}

static void csched_unpark(struct csched_priv *p, struct csched_unit *cu)
{
	cu->parked = false;
	p->nr_parked--;
	if (cu->unit->runnable && !cu->running) {
		csched_rq_insert(p, cu);
	}
}

/** Credit one unit its grant and settle its priority and parking. */
static void csched_acct_unit(struct csched_priv *p, struct csched_unit *cu)
{
	struct csched_dom *sd = cu->dom;
	int64_t credit_cap;
	unsigned int n;

	cu->credit += (int64_t)cu->grant;
	if (cu->credit < -(int64_t)CSCHED_TSLICE_NS) {
		cu->credit = -(int64_t)CSCHED_TSLICE_NS;
	}
	if (cu->credit > (int64_t)CSCHED_TSLICE_NS) {
		cu->credit /= 2;
	}
	/* A boost lasts until the unit has run. */
	if (!(cu->pri == CSCHED_PRI_BOOST && cu->queued)) {
		cu->pri = csched_credit_pri(cu);
	}
	if (sd->cap == 0) {
		if (cu->parked) {
			csched_unpark(p, cu);
		}
		return;
	}
	/* Xen's: parked below its share of one slice's worth of cap. */
	n = MAX(sd->nr_active, 1u);
	credit_cap =
		(int64_t)(((uint64_t)sd->cap * CSCHED_TSLICE_NS / 100 + n - 1) /
			  n);
	if (!cu->parked && cu->credit < -credit_cap) {
		csched_park(p, cu);
	} else if (cu->parked && cu->credit >= 0) {
		csched_unpark(p, cu);
	}
}

static void csched_acct(
	struct sched_instance *s, uint64_t now, unsigned int periods)
{
	struct csched_priv *p = csched_priv(s);
	uint64_t period = (uint64_t)periods * CSCHED_ACCT_NS;
	struct csched_dom *sd;
	struct csched_unit *cu;
	unsigned int cpu;

	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		csched_burn(p, cpu, now);
	}
	/* What each unit and domain can use. */
	for (sd = p->doms; sd != NULL; sd = sd->next) {
		sd->nr_active = 0;
		sd->peak = 0;
		sd->share = 0;
		sd->settled = false;
		for (cu = sd->units; cu != NULL; cu = cu->dom_next) {
			if (cu->unit->runnable || cu->running) {
				cu->peak = period;
			} else {
				cu->peak = MIN(cu->burned, period);
			}
			cu->burned = 0;
			cu->grant = 0;
			cu->settled = false;
			if (cu->peak > 0) {
				sd->nr_active++;
				sd->peak += cu->peak;
			}
		}
		if (sd->cap != 0) {
			sd->peak =
				MIN(sd->peak, (uint64_t)sd->cap * period / 100);
		}
	}
	csched_share_out(p, (uint64_t)s->nr_cpus * period);
	for (sd = p->doms; sd != NULL; sd = sd->next) {
		csched_share_dom(sd);
		for (cu = sd->units; cu != NULL; cu = cu->dom_next) {
			if (cu->peak > 0 || cu->parked) {
				csched_acct_unit(p, cu);
			}
		}
	}
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		csched_rq_sort(&p->pcpus[cpu]);
	}
}

/* Run the accounting for every period that ended by now. */
static void csched_acct_due(struct sched_instance *s, uint64_t now)
{
	struct csched_priv *p = csched_priv(s);
	uint64_t periods;

	if (!p->acct_started) {
		p->acct_started = true;
		p->next_acct = now + CSCHED_ACCT_NS;
		return;
	}
	if (now < p->next_acct) {
		return;
	}
	periods = (now - p->next_acct) / CSCHED_ACCT_NS + 1;
	csched_acct(s, now,
		(unsigned int)MIN(periods, (uint64_t)CSCHED_MAX_CATCHUP));
	p->next_acct += periods * CSCHED_ACCT_NS;
}

/* ---- load balancing ------------------------------------------------- */

/**
 * The best queued unit of another pCPU, if better than pri: from the peer
 * whose head has the highest priority, the longest runqueue on a tie.
 */
static struct csched_unit *csched_steal(
	struct sched_instance *s, unsigned int cpu, int pri)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_pcpu *best = NULL;
	struct csched_pcpu *pc;
	struct csched_unit *cu;
	unsigned int i;

	for (i = 1; i < s->nr_cpus; i++) {
		pc = &p->pcpus[(cpu + i) % s->nr_cpus];
		if (pc->rq_head == NULL || pc->rq_head->pri <= pri) {
			continue;
		}
		if (best == NULL || pc->rq_head->pri > best->rq_head->pri ||
			(pc->rq_head->pri == best->rq_head->pri &&
				pc->nr_queued > best->nr_queued)) {
			best = pc;
		}
	}
	if (best == NULL) {
		return NULL;
	}
	cu = best->rq_head;
	csched_rq_remove(p, cu);
	csched_place(p, cu, cpu);
	return cu;
}

/* ---- the hooks ------------------------------------------------------ */

static int csched_init(struct sched_instance *s)
{
	struct csched_priv *p;

	p = xzalloc(struct csched_priv);
	if (p == NULL) {
		return -ENOMEM;
	}
	p->pcpus = xzalloc_array(struct csched_pcpu, (size_t)s->nr_cpus);
	if (p->pcpus == NULL) {
		xfree(p);
		return -ENOMEM;
	}
	s->priv = p;
	return 0;
}

static void csched_deinit(struct sched_instance *s)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_dom *sd;
	struct csched_unit *cu;

	if (p == NULL) {
		return;
	}
	while (p->units != NULL) {
		cu = p->units;
		p->units = cu->all_next;
		cu->unit->priv = NULL;
		xfree(cu);
	}
	while (p->doms != NULL) {
		sd = p->doms;
		p->doms = sd->next;
		xfree(sd);
	}
	xfree(p->pcpus);
	xfree(p);
	s->priv = NULL;
}

static int csched_insert_unit(struct sched_instance *s, struct sched_unit *u)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_unit *cu;
	unsigned int cpu;
	unsigned int best;
	int hint = u->processor;

	cu = xzalloc(struct csched_unit);
	if (cu == NULL) {
		return -ENOMEM;
	}
	cu->dom = csched_dom_get(p, csched_unit_domid(u));
	if (cu->dom == NULL) {
		xfree(cu);
		return -ENOMEM;
	}
	cu->dom->nr_units++;
	cu->dom_next = cu->dom->units;
	cu->dom->units = cu;
	cu->unit = u;
	cu->credit = 0;
	cu->pri = CSCHED_PRI_UNDER;
	u->priv = cu;

	/* The least loaded pCPU; the hint, then the lowest on a tie. */
	best = hint >= 0 && (unsigned int)hint < s->nr_cpus ? (unsigned int)hint
							    : 0;
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		if (p->pcpus[cpu].load < p->pcpus[best].load) {
			best = cpu;
		}
	}
	u->processor = -1;
	csched_place(p, cu, best);

	cu->all_next = p->units;
	if (p->units != NULL) {
		p->units->all_prev = cu;
	}
	p->units = cu;
	return 0;
}

static void csched_remove_unit(struct sched_instance *s, struct sched_unit *u)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_unit *cu = csched_unit(u);
	struct csched_unit **pp;
	struct csched_pcpu *pc;

	if (cu == NULL) {
		return;
	}
	pc = &p->pcpus[u->processor];
	csched_rq_remove(p, cu);
	if (cu->running && pc->curr == cu) {
		pc->curr = NULL;
	}
	if (cu->parked) {
		p->nr_parked--;
	}
	pc->load--;
	if (cu->all_prev != NULL) {
		cu->all_prev->all_next = cu->all_next;
	} else {
		p->units = cu->all_next;
	}
	if (cu->all_next != NULL) {
		cu->all_next->all_prev = cu->all_prev;
	}
	for (pp = &cu->dom->units; *pp != NULL; pp = &(*pp)->dom_next) {
		if (*pp == cu) {
			*pp = cu->dom_next;
			break;
		}
	}
	if (--cu->dom->nr_units == 0) {
		csched_dom_drop(p, cu->dom);
	}
	xfree(cu);
	u->priv = NULL;
	u->processor = -1;
}

static void csched_wake(
	struct sched_instance *s, struct sched_unit *u, uint64_t now)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_unit *cu = csched_unit(u);
	unsigned int cpu;

	if (cu == NULL || cu->running || cu->queued || cu->parked) {
		return;
	}
	/* Waking with credit left: boosted ahead of CPU hogs. */
	cu->pri = cu->credit >= 0 ? CSCHED_PRI_BOOST : CSCHED_PRI_OVER;
	if (!csched_pcpu_idle(&p->pcpus[u->processor])) {
		for (cpu = 0; cpu < s->nr_cpus; cpu++) {
			if (csched_pcpu_idle(&p->pcpus[cpu])) {
				csched_place(p, cu, cpu);
				break;
			}
		}
	}
	csched_rq_insert(p, cu);
}

static void csched_sleep(
	struct sched_instance *s, struct sched_unit *u, uint64_t now)
{
	struct csched_unit *cu = csched_unit(u);

	/* A running unit leaves its pCPU at the next do_schedule. */
	if (cu != NULL && cu->queued) {
		csched_rq_remove(csched_priv(s), cu);
	}
}

static void csched_yield(struct sched_instance *s, struct sched_unit *u)
{
	struct csched_unit *cu = csched_unit(u);

	if (cu != NULL && cu->running) {
		cu->yielded = true;
	}
}

static struct sched_decision csched_do_schedule(struct sched_instance *s,
	unsigned int cpu, struct sched_unit *prev, uint64_t now)
{
	struct csched_priv *p = csched_priv(s);
	struct sched_decision d = {.unit = NULL, .slice_ns = 0};
	struct csched_pcpu *pc;
	struct csched_unit *cu;
	struct csched_unit *next;

	if (cpu >= s->nr_cpus) {
		return d;
	}
	pc = &p->pcpus[cpu];
	/* prev is what the core ran; our own record is authoritative. */
	csched_burn(p, cpu, now);
	csched_acct_due(s, now);

	cu = pc->curr;
	if (cu != NULL) {
		pc->curr = NULL;
		cu->running = false;
		cu->pri = csched_credit_pri(cu);
		if (cu->unit->runnable && !cu->parked) {
			csched_rq_insert(p, cu);
		}
		cu->yielded = false;
	}

	next = pc->rq_head;
	if (next == NULL || next->pri <= CSCHED_PRI_OVER) {
		cu = csched_steal(
			s, cpu, next != NULL ? next->pri : CSCHED_PRI_IDLE);
		if (cu != NULL) {
			next = cu;
		}
	}
	pc->start = MAX(pc->start, now);
	if (next == NULL) {
		/* Parked units may be let go at the next accounting. */
		if (p->nr_parked > 0) {
			d.slice_ns = p->next_acct > now ? p->next_acct - now
							: CSCHED_ACCT_NS;
		}
		return d;
	}
	csched_rq_remove(p, next);
	next->running = true;
	pc->curr = next;
	d.unit = next->unit;
	d.slice_ns = CSCHED_TSLICE_NS;
	return d;
}

static int csched_wake_target(struct sched_instance *s, struct sched_unit *u)
{
	struct csched_priv *p = csched_priv(s);
	struct csched_unit *cu = csched_unit(u);
	struct csched_pcpu *pc;
	unsigned int cpu;

	if (cu == NULL || !cu->queued) {
		return -1;
	}
	pc = &p->pcpus[u->processor];
	if (pc->curr == NULL || cu->pri > pc->curr->pri) {
		return u->processor;
	}
	/* An idle pCPU would steal it. */
	for (cpu = 0; cpu < s->nr_cpus; cpu++) {
		if (csched_pcpu_idle(&p->pcpus[cpu])) {
			return (int)cpu;
		}
	}
	return -1;
}

const struct scheduler_ops sched_credit_ops = {
	.name = "credit",
	.init = csched_init,
	.deinit = csched_deinit,
	.insert_unit = csched_insert_unit,
	.remove_unit = csched_remove_unit,
	.wake = csched_wake,
	.sleep = csched_sleep,
	.yield = csched_yield,
	.do_schedule = csched_do_schedule,
	.wake_target = csched_wake_target,
};

/* ---- per-domain parameters ----------------------------------------- */

static struct csched_priv *csched_priv_checked(struct sched_instance *s)
{
	if (s == NULL || s->ops != &sched_credit_ops) {
		return NULL;
	}
	return csched_priv(s);
}

int csched_set_weight(
	struct sched_instance *s, domid_t domid, unsigned int weight)
{
	struct csched_priv *p = csched_priv_checked(s);
	struct csched_dom *sd;

	if (p == NULL || weight == 0 || weight > CSCHED_MAX_WEIGHT) {
		return -EINVAL;
	}
	sd = csched_dom_get(p, domid);
	if (sd == NULL) {
		return -ENOMEM;
	}
	sd->weight = weight;
	return 0;
}

int csched_get_weight(
	struct sched_instance *s, domid_t domid, unsigned int *weight)
{
	struct csched_priv *p = csched_priv_checked(s);
	struct csched_dom *sd;

	if (p == NULL) {
		return -EINVAL;
	}
	sd = csched_dom_find(p, domid);
	*weight = sd != NULL ? sd->weight : CSCHED_DEFAULT_WEIGHT;
	return 0;
}

int csched_set_cap(struct sched_instance *s, domid_t domid, unsigned int cap)
{
	struct csched_priv *p = csched_priv_checked(s);
	struct csched_dom *sd;

	if (p == NULL || cap > CSCHED_MAX_CAP) {
		return -EINVAL;
	}
	sd = csched_dom_get(p, domid);
	if (sd == NULL) {
		return -ENOMEM;
	}
	sd->cap = cap;
	return 0;
}

int csched_get_cap(struct sched_instance *s, domid_t domid, unsigned int *cap)
{
	struct csched_priv *p = csched_priv_checked(s);
	struct csched_dom *sd;

	if (p == NULL) {
		return -EINVAL;
	}
	sd = csched_dom_find(p, domid);
	*cap = sd != NULL ? sd->cap : 0;
	return 0;
}
