/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the core needs from a port: the only functions xen/common/ calls
 * outside itself. The hosted port (xen/arch/hosted/) implements them for a
 * Linux process; the bare-metal port for the machine; tests/xen/ has a
 * fake for unit tests.
 */
#ifndef XEN_ARCH_ARCH_H
#define XEN_ARCH_ARCH_H

#include "xen/lib.h"

struct domain;
struct vcpu;

/* ---- memory -------------------------------------------------------- */
void *arch_alloc(size_t size); /* zeroed; NULL when out of memory */
void arch_free(void *p);

/**
 * Give d its RAM (d->max_pages frames), its shared_info page (set
 * d->shared_info) and room for grant_frames grant-table frames and
 * ioreq_pages ioreq pages, all addressable by the core and all zeroed.
 */
int arch_domain_create(
	struct domain *d, unsigned int grant_frames, unsigned int ioreq_pages);
void arch_domain_destroy(struct domain *d);
/** Change d's RAM size; -EBUSY when the port cannot any more. */
int arch_domain_set_max_pages(struct domain *d, uint64_t pages);
/** The core's pointer to RAM frame gfn of d, NULL when out of range. */
void *arch_domain_ram_page(struct domain *d, uint64_t gfn);
/** Grant-table frame i of d (0 <= i < grant_frames), and its gfn. */
void *arch_gnttab_frame(struct domain *d, unsigned int i);
uint64_t arch_gnttab_frame_gfn(struct domain *d, unsigned int i);
/** ioreq page i of d and its gfn (device models map it by gfn). */
void *arch_ioreq_page(struct domain *d, unsigned int i);
uint64_t arch_ioreq_page_gfn(struct domain *d, unsigned int i);
uint64_t arch_shared_info_gfn(struct domain *d);

/* ---- guest memory access for hypercall arguments ------------------- */
/** 0, or -EFAULT when [addr, addr + len) is not the caller's to read. */
int arch_copy_from_guest(struct vcpu *v, void *dst, uint64_t addr, size_t len);
int arch_copy_to_guest(
	struct vcpu *v, uint64_t addr, const void *src, size_t len);

/* ---- grants -------------------------------------------------------- */
/**
 * Let mapper's vCPU map RAM frame gfn of granter (the core has checked the
 * grant). Fills *dev_bus_addr with what the mapper uses to reach it.
 */
int arch_grant_map(struct vcpu *mapper, struct domain *granter, uint64_t gfn,
	bool readonly, uint64_t *dev_bus_addr);

/**
 * A port space wider than the 2-level ABI's for d (0: the 2-level ABI):
 * only for a domain whose events the port reads itself, never a guest.
 */
unsigned int arch_evtchn_wide_ports(struct domain *d);

/* ---- vCPUs and domains --------------------------------------------- */
/** v runs and has a new upcall pending: interrupt it. */
void arch_vcpu_kick(struct vcpu *v);
/** v was blocked and may run again (its blocking hypercall returns). */
void arch_vcpu_wake(struct vcpu *v);
void arch_domain_pause(struct domain *d);
void arch_domain_unpause(struct domain *d);
/** d is being killed: the port lets go of whatever runs it. */
void arch_domain_kill(struct domain *d);
/** d shut down with reason (SHUTDOWN_*). */
void arch_domain_shutdown(struct domain *d, unsigned int reason);

/* ---- time and console ---------------------------------------------- */
uint64_t arch_now_ns(void);
/** Call domain_timers_run() at or after deadline_ns (0: no timer). */
void arch_timer_program(uint64_t deadline_ns);
void arch_console_write(const char *s, size_t len);
/** Number of physical CPUs the schedulers may place vCPUs on. */
unsigned int arch_nr_cpus(void);

#endif
