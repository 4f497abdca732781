/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels (2-level ABI), as the rest of the core uses them.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include "xen/domain.h"

int evtchn_init(struct domain *d);
/** Close every port of d (at kill); remote ends become unbound. */
void evtchn_destroy(struct domain *d);
void evtchn_free_buckets(struct domain *d);
long do_event_channel_op(struct vcpu *v, unsigned int cmd, uint64_t arg);

/** The port's structure, or NULL when port is not valid in d. */
struct evtchn *evtchn_from_port(struct domain *d, evtchn_port_t port);
bool evtchn_port_is_valid(struct domain *d, evtchn_port_t port);
/** Mark port pending in d and notify its vCPU (2-level rules). */
void evtchn_set_pending(struct domain *d, evtchn_port_t port);
/** Send a per-vCPU VIRQ to v, or a global VIRQ to the hardware domain. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(unsigned int virq);
/** An unbound port in d that remote may bind; the port or -errno. */
int evtchn_alloc_unbound_in(struct domain *d, domid_t remote);
/** Close one port of d as EVTCHNOP_close does. */
int evtchn_close(struct domain *d, evtchn_port_t port);
/** Mask-aware delivery helper also used by EVTCHNOP_unmask. */
int evtchn_unmask(struct domain *d, evtchn_port_t port);
/** Whether port is pending in d. */
bool evtchn_is_pending(struct domain *d, evtchn_port_t port);
/**
 * d's pending and mask bitmaps (nr_words words each) and selector words
 * (one bit per bitmap word) of vCPU 0, wherever they live.
 */
void evtchn_words(struct domain *d, unsigned long **pending,
	unsigned long **mask, unsigned long **sel, unsigned int *nr_words);
/** Tag a port with its binder (hosted: a connection id). */
void evtchn_set_owner(struct domain *d, evtchn_port_t port, uint32_t owner);

#endif
