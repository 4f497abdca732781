/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler interface. The core keeps each vCPU's run state; a
 * scheduler decides which runnable vCPU each physical CPU runs and for how
 * long. Two implementations: "null" (sched_null.c: one vCPU pinned per
 * pCPU, no time slicing) and the general-purpose default "credit"
 * (sched_credit.c: weighted fair share with time slices).
 *
 * All times are nanoseconds of the port's monotonic clock (arch_now_ns).
 * The core calls the hooks from one thread; schedulers keep no locks.
 */
#ifndef XEN_SCHED_IF_H
#define XEN_SCHED_IF_H

#include "xen/domain.h"

/** The scheduler's view of one vCPU; priv is the scheduler's own. */
struct sched_unit {
	struct vcpu *vcpu;
	int processor; /* pCPU it is placed on; -1 when none */
	bool runnable; /* kept by the core: wake sets, sleep clears */
	void *priv;
};

struct sched_instance;

/** What a pCPU runs next: unit NULL is the idle vCPU; slice 0: no limit. */
struct sched_decision {
	struct sched_unit *unit;
	uint64_t slice_ns;
};

struct scheduler_ops {
	const char *name; /* as given to the sched= option */
	int (*init)(struct sched_instance *s);
	void (*deinit)(struct sched_instance *s);
	/** A new vCPU (not runnable yet); choose u->processor. */
	int (*insert_unit)(struct sched_instance *s, struct sched_unit *u);
	void (*remove_unit)(struct sched_instance *s, struct sched_unit *u);
	/** u became runnable (u->runnable already true). */
	void (*wake)(
		struct sched_instance *s, struct sched_unit *u, uint64_t now);
	/** u stopped being runnable (u->runnable already false). */
	void (*sleep)(
		struct sched_instance *s, struct sched_unit *u, uint64_t now);
	/** u gives up the rest of its slice. */
	void (*yield)(struct sched_instance *s, struct sched_unit *u);
	/** Pick what cpu runs from now; prev is what it ran (NULL: idle). */
	struct sched_decision (*do_schedule)(struct sched_instance *s,
		unsigned int cpu, struct sched_unit *prev, uint64_t now);
	/**
	 * A pCPU that the scheduler wants to reschedule after a wake, or -1
	 * (the port then sends it a reschedule interrupt).
	 */
	int (*wake_target)(struct sched_instance *s, struct sched_unit *u);
};

struct sched_instance {
	const struct scheduler_ops *ops;
	unsigned int nr_cpus;
	void *priv;
};

extern const struct scheduler_ops sched_null_ops;
extern const struct scheduler_ops sched_credit_ops;

/** Find a scheduler by name ("null", "credit"); NULL if unknown. */
const struct scheduler_ops *scheduler_find(const char *name);

/* ---- the core's one scheduler instance (sched.c) ---------------------- */
/** Start the named scheduler (NULL: the default) on nr_cpus pCPUs. */
int sched_init(const char *name, unsigned int nr_cpus);
void sched_deinit(void);
const char *sched_name(void);
int sched_insert_vcpu(struct vcpu *v);
void sched_remove_vcpu(struct vcpu *v);
/** Tell the scheduler about a change of v's runnability. */
void sched_vcpu_runnable_changed(struct vcpu *v, uint64_t now);
void sched_yield_vcpu(struct vcpu *v);
struct sched_decision sched_pick(
	unsigned int cpu, struct sched_unit *prev, uint64_t now);
/** Whether the core considers v runnable (not blocked, not paused). */
bool vcpu_runnable(const struct vcpu *v);
/**
 * The pCPU to reschedule now that v became runnable (the scheduler's
 * wake_target), or -1; the port sends it a reschedule interrupt.
 */
int sched_wake_target(struct vcpu *v);

/* ---- the credit scheduler's per-domain parameters (sched_credit.c) ---- */
#define CSCHED_DEFAULT_WEIGHT 256u
#define CSCHED_MAX_WEIGHT 65535u
#define CSCHED_MAX_CAP 65535u
/**
 * A domain's weight (its relative share, 1 .. CSCHED_MAX_WEIGHT) and cap
 * (at most this percentage of one pCPU; 0: no cap) on credit instance s.
 * A domain the instance does not know yet gets the defaults; its settings
 * are forgotten when its last vCPU is removed. -EINVAL for a value out of
 * range or when s does not run "credit".
 */
int csched_set_weight(
	struct sched_instance *s, domid_t domid, unsigned int weight);
int csched_get_weight(
	struct sched_instance *s, domid_t domid, unsigned int *weight);
int csched_set_cap(struct sched_instance *s, domid_t domid, unsigned int cap);
int csched_get_cap(struct sched_instance *s, domid_t domid, unsigned int *cap);
/** The same on the core's instance (sched.c); -EINVAL unless it is credit. */
int sched_credit_set_weight(domid_t domid, unsigned int weight);
int sched_credit_get_weight(domid_t domid, unsigned int *weight);
int sched_credit_set_cap(domid_t domid, unsigned int cap);
int sched_credit_get_cap(domid_t domid, unsigned int *cap);

#endif
