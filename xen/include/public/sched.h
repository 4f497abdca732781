/* SPDX-License-Identifier: MIT */
/*
 * Scheduler control: HYPERVISOR_sched_op(cmd, arg) sub-commands, their
 * argument structs and the shutdown reason codes.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/sched.h) exactly; this header is our own text.
 */
#ifndef __XEN_PUBLIC_SCHED_H__
#define __XEN_PUBLIC_SCHED_H__

#include <stddef.h>
#include <stdint.h>

#include "event_channel.h"

#define SCHEDOP_yield 0           /* arg: NULL; give up the CPU */
#define SCHEDOP_block 1           /* arg: NULL; sleep until an event */
#define SCHEDOP_shutdown 2        /* arg: struct sched_shutdown */
#define SCHEDOP_poll 3            /* arg: struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* arg: struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code 5   /* arg: struct sched_shutdown; record only */
#define SCHEDOP_watchdog 6        /* arg: struct sched_watchdog */
#define SCHEDOP_pin_override 7    /* arg: struct sched_pin_override */

/*
 * For SHUTDOWN_suspend a PV guest passes its start_info MFN as the third
 * argument (rdx); the call returns 1 when the suspend was cancelled.
 */
struct sched_shutdown {
	unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Wait for a pending port, or until system time timeout (0: forever). */
struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port_t) ports;
	unsigned int nr_ports;
	uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

/* Shut another domain down (privileged). */
struct sched_remote_shutdown {
	domid_t domain_id;
	unsigned int reason; /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

/*
 * Watchdog: id 0 creates one armed for timeout seconds and returns its
 * id; a non-zero id is re-armed with timeout, or deleted if timeout is 0.
 */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

/* Hardware domain: pin this vCPU to pcpu; a negative pcpu undoes it. */
struct sched_pin_override {
	int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

/* Shutdown reasons. */
#define SHUTDOWN_poweroff 0   /* exited normally: clean up and destroy */
#define SHUTDOWN_reboot 1     /* destroy, then start again */
#define SHUTDOWN_suspend 2    /* save state, then destroy */
#define SHUTDOWN_crash 3      /* the guest crashed */
#define SHUTDOWN_watchdog 4   /* a watchdog expired: restart */
#define SHUTDOWN_soft_reset 5 /* reset state but keep the memory */
#define SHUTDOWN_MAX 5        /* highest valid reason */

__extension__ _Static_assert(
	sizeof(struct sched_shutdown) == 4, "sched_shutdown is 4 bytes");
__extension__ _Static_assert(
	sizeof(struct sched_poll) == 24, "sched_poll is 24 bytes");
__extension__ _Static_assert(offsetof(struct sched_poll, nr_ports) == 8,
	"sched_poll.nr_ports offset");
__extension__ _Static_assert(offsetof(struct sched_poll, timeout) == 16,
	"sched_poll.timeout offset");
__extension__ _Static_assert(sizeof(struct sched_remote_shutdown) == 8,
	"sched_remote_shutdown is 8 bytes");
__extension__ _Static_assert(
	offsetof(struct sched_remote_shutdown, reason) == 4,
	"sched_remote_shutdown.reason offset");
__extension__ _Static_assert(
	sizeof(struct sched_watchdog) == 8, "sched_watchdog is 8 bytes");
__extension__ _Static_assert(sizeof(struct sched_pin_override) == 4,
	"sched_pin_override is 4 bytes");

#endif /* __XEN_PUBLIC_SCHED_H__ */
