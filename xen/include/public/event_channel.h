/* SPDX-License-Identifier: MIT */
/*
 * Event channels: HYPERVISOR_event_channel_op(cmd, arg) sub-commands and
 * their argument structs, plus the FIFO ABI's shared structures.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/event_channel.h) exactly; this header is our own
 * text.  Unless noted, an op returns 0 or a negative errno value.
 */
#ifndef __XEN_PUBLIC_EVENT_CHANNEL_H__
#define __XEN_PUBLIC_EVENT_CHANNEL_H__

#include <stddef.h>
#include <stdint.h>

#include "xen.h"

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Allocate a port in <dom> that <remote_dom> may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom, remote_dom; /* IN */
	evtchn_port_t port;      /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to an unbound port of <remote_dom>. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;        /* IN */
	evtchn_port_t remote_port; /* IN */
	evtchn_port_t local_port;  /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/* Bind a VIRQ_* to a port on <vcpu>. */
struct evtchn_bind_virq {
	uint32_t virq;      /* IN: VIRQ_* */
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Bind a physical IRQ (privileged). */
struct evtchn_bind_pirq {
	uint32_t pirq; /* IN */
#define BIND_PIRQ__WILL_SHARE 1
	uint32_t flags;     /* IN: BIND_PIRQ__* */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* Allocate a port for IPIs to <vcpu>. */
struct evtchn_bind_ipi {
	uint32_t vcpu;      /* IN */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/* Close a local port; a connected peer sees its end become unbound. */
struct evtchn_close {
	evtchn_port_t port; /* IN */
};
typedef struct evtchn_close evtchn_close_t;

/* Signal the other end of a local port. */
struct evtchn_send {
	evtchn_port_t port; /* IN */
};
typedef struct evtchn_send evtchn_send_t;

/* Query a port of <dom> (only DOMID_SELF unless privileged). */
struct evtchn_status {
	domid_t dom;             /* IN */
	evtchn_port_t port;      /* IN */
#define EVTCHNSTAT_closed 0      /* not in use */
#define EVTCHNSTAT_unbound 1     /* waiting for an interdomain peer */
#define EVTCHNSTAT_interdomain 2 /* connected to another domain */
#define EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define EVTCHNSTAT_virq 4        /* bound to a VIRQ */
#define EVTCHNSTAT_ipi 5         /* bound to an IPI */
	uint32_t status;         /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;           /* OUT: vCPU the port notifies */
	union {
		struct {
			domid_t dom;
		} unbound; /* EVTCHNSTAT_unbound */
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain; /* EVTCHNSTAT_interdomain */
		uint32_t pirq; /* EVTCHNSTAT_pirq */
		uint32_t virq; /* EVTCHNSTAT_virq */
	} u;
};
typedef struct evtchn_status evtchn_status_t;

/* Make <vcpu> the one notified for <port>. */
struct evtchn_bind_vcpu {
	evtchn_port_t port; /* IN */
	uint32_t vcpu;      /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Unmask <port>, re-raising the upcall if it is pending. */
struct evtchn_unmask {
	evtchn_port_t port; /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of <dom>. */
struct evtchn_reset {
	domid_t dom; /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;

/* Switch to the FIFO ABI by registering <vcpu>'s control block. */
struct evtchn_init_control {
	uint64_t control_gfn; /* IN */
	uint32_t offset;      /* IN: of the block within the frame */
	uint32_t vcpu;        /* IN */
	uint8_t link_bits;    /* OUT */
	uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

/* Add one page of event words (FIFO ABI). */
struct evtchn_expand_array {
	uint64_t array_gfn; /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

/* Set the FIFO priority of a port. */
struct evtchn_set_priority {
	uint32_t port;     /* IN */
	uint32_t priority; /* IN: EVTCHN_FIFO_PRIORITY_* range */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* Argument of the old multiplexed event_channel_op_compat hypercall. */
struct evtchn_op {
	uint32_t cmd; /* EVTCHNOP_* */
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/* Ports available with the 2-level ABI: 4096 on x86_64. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* FIFO ABI: priorities run from 0 (highest) to 15 (lowest). */
#define EVTCHN_FIFO_PRIORITY_MAX 0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN 15

#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* One event word per port: four flag bits above a link to the next port. */
typedef uint32_t event_word_t;

#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED 30
#define EVTCHN_FIFO_LINKED 29
#define EVTCHN_FIFO_BUSY 28

#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)

#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

/* Per-vCPU FIFO control block: ready bitmap and per-priority queue heads. */
struct evtchn_fifo_control_block {
	uint32_t ready;
	uint32_t _rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

__extension__ _Static_assert(sizeof(struct evtchn_alloc_unbound) == 8,
	"evtchn_alloc_unbound is 8 bytes");
__extension__ _Static_assert(offsetof(struct evtchn_alloc_unbound, port) == 4,
	"evtchn_alloc_unbound.port offset");
__extension__ _Static_assert(sizeof(struct evtchn_bind_interdomain) == 12,
	"evtchn_bind_interdomain is 12 bytes");
__extension__ _Static_assert(
	offsetof(struct evtchn_bind_interdomain, remote_port) == 4,
	"evtchn_bind_interdomain.remote_port offset");
__extension__ _Static_assert(
	sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq is 12 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq is 12 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_close) == 4, "evtchn_close is 4 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_send) == 4, "evtchn_send is 4 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_status) == 24, "evtchn_status is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct evtchn_status, u) == 16, "evtchn_status.u offset");
__extension__ _Static_assert(
	sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_unmask) == 4, "evtchn_unmask is 4 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_reset) == 2, "evtchn_reset is 2 bytes");
__extension__ _Static_assert(sizeof(struct evtchn_init_control) == 24,
	"evtchn_init_control is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct evtchn_init_control, link_bits) == 16,
	"evtchn_init_control.link_bits offset");
__extension__ _Static_assert(sizeof(struct evtchn_expand_array) == 8,
	"evtchn_expand_array is 8 bytes");
__extension__ _Static_assert(sizeof(struct evtchn_set_priority) == 8,
	"evtchn_set_priority is 8 bytes");
__extension__ _Static_assert(
	sizeof(struct evtchn_op) == 28, "evtchn_op is 28 bytes");
__extension__ _Static_assert(sizeof(struct evtchn_fifo_control_block) == 72,
	"evtchn_fifo_control_block is 72 bytes");

#endif /* __XEN_PUBLIC_EVENT_CHANNEL_H__ */
