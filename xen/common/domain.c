/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains: creation, the domain table and domid allocation, references,
 * pause and unpause, shutdown, kill, and the vCPU run states that event
 * delivery and SCHEDOP_block/poll change.
 *
 * Life of a domain: domain_create() puts it in the table with one
 * reference (the table's) and paused once by the controller. domain_kill()
 * tears down what other domains can reach (event channels, mappings it
 * holds), sends VIRQ_DOM_EXC and drops the table's reference; the domain
 * stays visible as dying until the last reference (e.g. a grant mapping
 * of one of its pages) is gone, then domain_free() releases it.
 */
#include "xen/domain.h"

#include "sched.h"
#include "xen/arch/arch.h"
#include "xen/event.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"
#include "xen/sched_if.h"

struct domain_limits domain_limits = {
	.max_domains = 4096,
	.default_max_pages = 256,
	.max_grant_frames = 32,
	.max_maptrack_frames = 64,
	.max_evtchns = EVTCHN_NR_PORTS,
};

static struct domain *domain_table[DOMID_FIRST_RESERVED];
static unsigned int nr_domains;
static domid_t domid_rover = 1;
static struct vcpu *timer_list;

void domain_table_init(void)
{
	memset(domain_table, 0, sizeof(domain_table));
	nr_domains = 0;
	domid_rover = 1;
	timer_list = NULL;
}

unsigned int domain_count(void)
{
	return nr_domains;
}

static int domid_pick(domid_t want, domid_t *out)
{
	unsigned int i;
	domid_t id;

	if (want != 0 && want < DOMID_FIRST_RESERVED) {
		if (domain_table[want] != NULL) {
			return -EEXIST;
		}
		*out = want;
		return 0;
	}
	if (want == 0 && domain_table[0] == NULL) {
		*out = 0;
		return 0;
	}
	for (i = 1; i < DOMID_FIRST_RESERVED; i++) {
		id = domid_rover;
		domid_rover =
			(unsigned int)domid_rover + 1 >= DOMID_FIRST_RESERVED
				? 1
				: (domid_t)(domid_rover + 1);
		if (domain_table[id] == NULL) {
			*out = id;
			return 0;
		}
	}
	return -ENOSPC;
}

static void domain_free(struct domain *d)
{
	unsigned int i;

	if (domain_table[d->domain_id] == d) {
		domain_table[d->domain_id] = NULL;
		nr_domains--;
	}
	for (i = 0; i < d->max_vcpus; i++) {
		if (d->vcpu[i] != NULL) {
			sched_remove_vcpu(d->vcpu[i]);
		}
	}
	dm_destroy(d);
	grant_table_destroy(d);
	evtchn_free_buckets(d);
	arch_domain_destroy(d);
	for (i = 0; i < d->max_vcpus; i++) {
		xfree(d->vcpu[i]);
	}
	printk(XENLOG_DEBUG, "d%u: freed\n", d->domain_id);
	xfree(d);
}

int domain_create(domid_t domid, uint32_t cdf, unsigned int max_vcpus,
	const uint8_t handle[16], bool privileged, struct domain **out)
{
	struct domain *d;
	unsigned int i;
	domid_t id;
	int rc;

	if (max_vcpus == 0) {
		max_vcpus = 1;
	}
	if (max_vcpus > MAX_VCPUS_PER_DOMAIN) {
		return -EINVAL;
	}
	if (nr_domains >= domain_limits.max_domains) {
		return -ENOSPC;
	}
	rc = domid_pick(domid, &id);
	if (rc < 0) {
		return rc;
	}
	d = xzalloc(struct domain);
	if (d == NULL) {
		return -ENOMEM;
	}
	d->domain_id = id;
	if (handle != NULL) {
		memcpy(d->handle, handle, sizeof(d->handle));
	}
	d->cdf = cdf;
	d->is_privileged = privileged;
	d->shutdown_code = ~0u;
	d->refcnt = 1;
	d->controller_pause_count = 1;
	d->target = DOMID_INVALID;
	d->max_pages = domain_limits.default_max_pages;
	d->max_vcpus = max_vcpus;
	d->create_time_ns = arch_now_ns();
	for (i = 0; i < max_vcpus; i++) {
		d->vcpu[i] = xzalloc(struct vcpu);
		if (d->vcpu[i] == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		d->vcpu[i]->vcpu_id = i;
		d->vcpu[i]->domain = d;
		d->vcpu[i]->run_state = VCPU_RUNNABLE;
		d->vcpu[i]->processor = -1;
	}
	rc = arch_domain_create(
		d, domain_limits.max_grant_frames, DM_IOREQ_PAGES);
	if (rc < 0) {
		goto fail_vcpus;
	}
	rc = evtchn_init(d);
	if (rc == 0) {
		rc = grant_table_init(d);
	}
	if (rc == 0) {
		rc = dm_init(d);
	}
	for (i = 0; rc == 0 && i < max_vcpus; i++) {
		rc = sched_insert_vcpu(d->vcpu[i]);
	}
	if (rc < 0) {
		/* Not in the table yet: domain_free releases what exists. */
		domain_free(d);
		return rc;
	}
	domain_table[id] = d;
	nr_domains++;
	printk(XENLOG_DEBUG, "d%u: created (%u vCPU%s%s)\n", id, max_vcpus,
		max_vcpus == 1 ? "" : "s", privileged ? ", privileged" : "");
	*out = d;
	return 0;

fail_vcpus:
fail:
	for (i = 0; i < max_vcpus; i++) {
		xfree(d->vcpu[i]);
	}
	xfree(d);
	return rc;
}

struct domain *domain_get_any(domid_t domid)
{
	struct domain *d;

	if (domid >= DOMID_FIRST_RESERVED) {
		return NULL;
	}
	d = domain_table[domid];
	if (d != NULL) {
		d->refcnt++;
	}
	return d;
}

struct domain *domain_get(domid_t domid)
{
	struct domain *d = domain_get_any(domid);

	if (d != NULL && d->is_dying != DOMDYING_alive) {
		domain_put(d);
		return NULL;
	}
	return d;
}

struct domain *domain_get_next(domid_t domid)
{
	unsigned int i;

	for (i = domid; i < DOMID_FIRST_RESERVED; i++) {
		if (domain_table[i] != NULL) {
			domain_table[i]->refcnt++;
			return domain_table[i];
		}
	}
	return NULL;
}

struct domain *domain_get_target(struct domain *caller, domid_t domid)
{
	if (domid == DOMID_SELF || domid == caller->domain_id) {
		caller->refcnt++;
		return caller;
	}
	return domain_get(domid);
}

void domain_put(struct domain *d)
{
	if (d == NULL) {
		return;
	}
	if (--d->refcnt == 0) {
		domain_free(d);
	}
}

struct domain *hardware_domain(void)
{
	struct domain *d = domain_table[0];

	if (d == NULL || d->is_dying != DOMDYING_alive) {
		return NULL;
	}
	return d;
}

static void domain_update_runnable(struct domain *d)
{
	uint64_t now = arch_now_ns();
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		sched_vcpu_runnable_changed(d->vcpu[i], now);
	}
}

int domain_pause_by_controller(struct domain *d)
{
	if (d->is_dying != DOMDYING_alive) {
		return -EINVAL;
	}
	if (d->controller_pause_count++ == 0) {
		arch_domain_pause(d);
		domain_update_runnable(d);
	}
	return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
	if (d->is_dying != DOMDYING_alive || d->controller_pause_count == 0) {
		return -EINVAL;
	}
	if (--d->controller_pause_count == 0) {
		domain_update_runnable(d);
		arch_domain_unpause(d);
	}
	return 0;
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
	unsigned int i;

	if (d->is_dying != DOMDYING_alive || d->is_shutting_down) {
		return;
	}
	d->is_shutting_down = true;
	/* As Xen: a code recorded by SCHEDOP_shutdown_code wins. */
	if (d->shutdown_code == ~0u) {
		d->shutdown_code = reason;
	}
	reason = d->shutdown_code;
	for (i = 0; i < d->max_vcpus; i++) {
		vcpu_pause(d->vcpu[i]);
	}
	d->is_shut_down = true;
	printk(XENLOG_INFO, "d%u: shut down, reason %u\n", d->domain_id,
		reason);
	arch_domain_shutdown(d, reason);
	send_global_virq(VIRQ_DOM_EXC);
}

void domain_crash(struct domain *d)
{
	domain_shutdown(d, SHUTDOWN_crash);
}

static void timer_list_remove(struct vcpu *v)
{
	struct vcpu **pp;

	if (!v->on_timer_list) {
		return;
	}
	for (pp = &timer_list; *pp != NULL; pp = &(*pp)->timer_next) {
		if (*pp == v) {
			*pp = v->timer_next;
			break;
		}
	}
	v->on_timer_list = false;
	v->timer_next = NULL;
}

int domain_kill(struct domain *d)
{
	unsigned int i;

	if (d->is_dying != DOMDYING_alive) {
		return 0;
	}
	d->is_dying = DOMDYING_dying;
	for (i = 0; i < d->max_vcpus; i++) {
		timer_list_remove(d->vcpu[i]);
		d->vcpu[i]->polling = false;
		vcpu_pause(d->vcpu[i]);
	}
	evtchn_destroy(d);
	grant_table_release_mappings(d);
	arch_domain_kill(d);
	d->is_dying = DOMDYING_dead;
	printk(XENLOG_INFO, "d%u: destroyed\n", d->domain_id);
	if (d->domain_id != 0) {
		send_global_virq(VIRQ_DOM_EXC);
	}
	/* The table's reference; dying domains stay visible until freed. */
	domain_put(d);
	return 0;
}

void domain_table_teardown(void)
{
	unsigned int i;
	struct domain *d;

	/* Guests first, dom0 last, so VIRQ_DOM_EXC never finds it gone. */
	for (i = DOMID_FIRST_RESERVED; i-- > 0;) {
		d = domain_table[i];
		if (d != NULL && d->is_dying == DOMDYING_alive) {
			d->refcnt++;
			domain_kill(d);
			domain_put(d);
		}
	}
}

/* ---- vCPU run states ------------------------------------------------- */

void vcpu_pause(struct vcpu *v)
{
	if (v->pause_count++ == 0) {
		sched_vcpu_runnable_changed(v, arch_now_ns());
	}
}

void vcpu_unpause(struct vcpu *v)
{
	if (v->pause_count > 0 && --v->pause_count == 0) {
		sched_vcpu_runnable_changed(v, arch_now_ns());
	}
}

static void timers_reprogram(void)
{
	uint64_t soonest = 0;
	struct vcpu *v;

	for (v = timer_list; v != NULL; v = v->timer_next) {
		if (soonest == 0 || v->poll_deadline < soonest) {
			soonest = v->poll_deadline;
		}
	}
	arch_timer_program(soonest);
}

void vcpu_block(struct vcpu *v)
{
	v->run_state = VCPU_BLOCKED;
	sched_vcpu_runnable_changed(v, arch_now_ns());
	if (v->polling && v->poll_deadline != 0) {
		if (!v->on_timer_list) {
			v->timer_next = timer_list;
			timer_list = v;
			v->on_timer_list = true;
		}
		timers_reprogram();
	}
}

void vcpu_unblock(struct vcpu *v)
{
	if (v->run_state != VCPU_BLOCKED) {
		return;
	}
	timer_list_remove(v);
	v->polling = false;
	v->run_state = VCPU_RUNNABLE;
	sched_vcpu_runnable_changed(v, arch_now_ns());
	arch_vcpu_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->run_state == VCPU_BLOCKED) {
		vcpu_unblock(v);
	} else {
		arch_vcpu_kick(v);
	}
}

void vcpu_mark_events_pending(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info(v);

	if (__atomic_exchange_n(
		    &vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0) {
		vcpu_kick(v);
	} else if (v->run_state == VCPU_BLOCKED && !v->polling) {
		vcpu_unblock(v);
	}
}

void domain_timers_run(uint64_t now_ns)
{
	struct vcpu *v, *next;
	uint64_t soonest = 0;

	for (v = timer_list; v != NULL; v = next) {
		next = v->timer_next;
		if (v->poll_deadline <= now_ns) {
			v->poll_timed_out = true;
			vcpu_unblock(v);
		} else if (soonest == 0 || v->poll_deadline < soonest) {
			soonest = v->poll_deadline;
		}
	}
	arch_timer_program(soonest);
}
