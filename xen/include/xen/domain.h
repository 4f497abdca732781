/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs: the core's central structures.
 *
 * A domain lives in the domain table from creation until its last
 * reference is dropped after it was killed; references are held by the
 * table itself and by every grant pin on its pages held by another domain.
 */
#ifndef XEN_DOMAIN_H
#define XEN_DOMAIN_H

#include "event_channel.h"
#include "hvm/params.h"
#include "xen.h"
#include "xen/lib.h"

struct domain;
struct evtchn;
struct grant_table;
struct dm_state;
struct sched_unit;

/* Event channel states, as EVTCHNOP_status reports them. */
enum evtchn_state {
	ECS_FREE = 0,
	ECS_RESERVED,
	ECS_UNBOUND,
	ECS_INTERDOMAIN,
	ECS_PIRQ,
	ECS_VIRQ,
	ECS_IPI,
};

struct evtchn {
	uint8_t state; /* enum evtchn_state */
	uint8_t pad;
	uint16_t notify_vcpu;
	union {
		struct {
			domid_t remote_domid;
		} unbound;
		struct {
			domid_t remote_dom;
			evtchn_port_t remote_port;
		} interdomain;
		uint32_t virq;
	} u;
	uint32_t owner; /* the port's tag for its binder (hosted: a connection)
			 */
};

#define EVTCHN_BUCKET 128
/* Ports of the 2-level ABI: bitmaps in shared_info, one selector word. */
#define EVTCHN_NR_PORTS (sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)
/*
 * The most ports a domain whose events the port demultiplexes itself may
 * have (arch_evtchn_wide_ports(): the hosted port's dom0, whose "kernel"
 * is xen-hosted and which needs a port per introduced guest).
 */
#define EVTCHN_MAX_PORTS (1u << 17)
#define POLL_MAX_PORTS 128

enum vcpu_run_state {
	VCPU_RUNNABLE = 0,
	VCPU_BLOCKED, /* SCHEDOP_block or SCHEDOP_poll: waits for an event */
	VCPU_OFFLINE, /* never started, or its domain is paused/shut down */
};

struct vcpu {
	unsigned int vcpu_id;
	struct domain *domain;
	enum vcpu_run_state run_state;
	unsigned int pause_count; /* > 0: not scheduled */
	bool polling;
	unsigned int nr_poll_ports;
	evtchn_port_t poll_ports[POLL_MAX_PORTS];
	uint64_t poll_deadline; /* ns, 0 = none */
	bool poll_timed_out;
	evtchn_port_t virq_to_port[NR_VIRQS];
	struct sched_unit *sched; /* the scheduler's per-vCPU data */
	int processor;            /* pCPU the scheduler placed it on */
	uint64_t cpu_time_ns;
	struct vcpu *timer_next; /* on the poll-timeout list */
	bool on_timer_list;
	void *arch; /* the port's per-vCPU state */
};

#define MAX_VCPUS_PER_DOMAIN XEN_LEGACY_MAX_VCPUS

enum domain_dying {
	DOMDYING_alive = 0,
	DOMDYING_dying,
	DOMDYING_dead,
};

struct domain {
	domid_t domain_id;
	uint8_t handle[16];
	uint32_t cdf;       /* XEN_DOMCTL_CDF_* from createdomain */
	bool is_privileged; /* may do domctl/sysctl, map foreign */
	enum domain_dying is_dying;
	bool is_shutting_down;
	bool is_shut_down;
	unsigned int shutdown_code; /* SHUTDOWN_*, or ~0u when none */
	unsigned int controller_pause_count;
	unsigned int refcnt;

	uint64_t max_pages; /* RAM frames 0 .. max_pages - 1 */
	uint64_t tot_pages;

	struct shared_info *shared_info; /* set by arch_domain_create() */
	uint64_t hvm_params[HVM_NR_PARAMS];

	unsigned int max_vcpus;
	struct vcpu *vcpu[MAX_VCPUS_PER_DOMAIN];

	struct evtchn **evtchn; /* max_evtchns / EVTCHN_BUCKET buckets */
	unsigned int evtchn_in_use;
	unsigned int max_evtchns;
	/*
	 * A wide port space (more than the 2-level ABI's 4096): pending and
	 * mask bitmaps and the selector words live here, not in shared_info.
	 */
	unsigned long *evtchn_wide;

	struct grant_table *grant_table;
	struct dm_state *dm; /* ioreq servers and DMOP audit */
	domid_t target;      /* device-model target, DOMID_INVALID */

	uint64_t create_time_ns;
	void *arch; /* the port's per-domain state */
};

/* ---- the domain table ---------------------------------------------- */
struct domain_limits {
	unsigned int max_domains; /* including dom0 */
	uint64_t default_max_pages;
	unsigned int max_grant_frames;
	unsigned int max_maptrack_frames;
	unsigned int max_evtchns;
};
extern struct domain_limits domain_limits;

/** Create a domain. domid 0 (after dom0 exists) or >= DOMID_FIRST_RESERVED
 * picks a free id; the new domain is paused once by the controller. */
int domain_create(domid_t domid, uint32_t cdf, unsigned int max_vcpus,
	const uint8_t handle[16], bool privileged, struct domain **out);
/** Kill: close event channels, drop mappings, tell dom0. Idempotent. */
int domain_kill(struct domain *d);
void domain_shutdown(struct domain *d, unsigned int reason);
/** Domain crash: a shutdown with SHUTDOWN_crash. */
void domain_crash(struct domain *d);
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);

/** Look a domain up and take a reference (NULL if none or dying). */
struct domain *domain_get(domid_t domid);
/** Like domain_get, but also finds dying domains. */
struct domain *domain_get_any(domid_t domid);
void domain_put(struct domain *d);
/** The first domain with an id >= domid, referenced; NULL if none. */
struct domain *domain_get_next(domid_t domid);
/** For DOMID_SELF resolution: caller's domain when domid is DOMID_SELF. */
struct domain *domain_get_target(struct domain *caller, domid_t domid);
unsigned int domain_count(void);
/** The domain that receives global VIRQs (VIRQ_DOM_EXC): dom0. */
struct domain *hardware_domain(void);

static inline bool domain_is_control(const struct domain *d)
{
	return d->is_privileged;
}

/** A vCPU's shared vcpu_info (in shared_info for the legacy vCPUs). */
static inline struct vcpu_info *vcpu_info(struct vcpu *v)
{
	return &v->domain->shared_info->vcpu_info[v->vcpu_id];
}

/* ---- vCPU state ---------------------------------------------------- */
/** An event is pending for v: wake it if blocked, else kick it. */
void vcpu_kick(struct vcpu *v);
/** Set evtchn_upcall_pending; kick v when it was clear. */
void vcpu_mark_events_pending(struct vcpu *v);
void vcpu_block(struct vcpu *v);
void vcpu_unblock(struct vcpu *v);
void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
/** Runs timers whose deadline passed; the port calls it. */
void domain_timers_run(uint64_t now_ns);

void domain_table_init(void);
/** Destroy every domain (shutting down). */
void domain_table_teardown(void);

#endif
