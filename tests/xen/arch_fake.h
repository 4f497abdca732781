/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake port for unit tests of the hypervisor core: every arch_* function
 * of xen/include/xen/arch/arch.h, in plain host memory, plus helpers to
 * create domains, reach their memory, run hypercalls as one of their vCPUs
 * and inspect what the core asked of the port.
 *
 * Guest memory and hypercall arguments: a guest address is a host pointer,
 * so tests pass pointers to their own buffers (FAKE_PTR). Addresses in
 * [FAKE_BAD_ADDR, FAKE_BAD_ADDR + FAKE_BAD_LEN), address 0 and ranges that
 * wrap around fault (-EFAULT), as does everything after
 * fake_fail_copies_after().
 *
 * Frame numbers: RAM is gfn 0 .. max_pages - 1; shared_info, the
 * grant-table frames and the ioreq pages sit at the fixed gfns below, above
 * any RAM a test creates.
 */
#ifndef TESTS_XEN_ARCH_FAKE_H
#define TESTS_XEN_ARCH_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grant_table.h"
#include "xen/arch/arch.h"
#include "xen/domain.h"

#define FAKE_PTR(p) ((uint64_t)(uintptr_t)(p))
#define FAKE_BAD_ADDR 0xdead0000ull
#define FAKE_BAD_LEN 0x10000ull
#define FAKE_NR_CPUS 2u
#define FAKE_SHARED_INFO_GFN 0x100000ull
#define FAKE_GNTTAB_GFN_BASE 0x101000ull
#define FAKE_IOREQ_GFN_BASE 0x102000ull

/** What the fake keeps per domain, in d->arch. */
struct fake_domain {
	uint8_t *ram;
	uint64_t ram_pages;
	struct shared_info *shared_info;
	uint8_t *grant;
	unsigned int grant_frames;
	uint8_t *ioreq;
	unsigned int ioreq_pages;
	unsigned int pause_calls;
	unsigned int unpause_calls;
	bool killed;
	bool shut_down;
	unsigned int shutdown_reason;
};

/** What the fake keeps per vCPU, in v->arch. */
struct fake_vcpu {
	unsigned int kicks;
	unsigned int wakes;
};

/** One arch_grant_map() call. */
struct fake_grant_map {
	domid_t mapper;
	unsigned int vcpu;
	domid_t granter;
	uint64_t gfn;
	bool readonly;
	int rc;
};

/* ---- set-up ------------------------------------------------------------ */
/** dom0's wide port space for domains created from now on (0: 2-level). */
void fake_set_wide_ports(unsigned int ports);
/** Reset every fake counter, the clock, the console and the domain table. */
void fake_reset(void);
/** Destroy every domain (domain_table_teardown) and check nothing leaked:
 * returns the number of arch_alloc blocks still live. */
long fake_teardown(void);
/**
 * domain_create() with ram_pages frames of RAM (0: the default) and
 * max_vcpus vCPUs; domid 0 picks one (after dom0 exists). The domain is
 * left paused by the controller as domain_create leaves it. NULL on error.
 */
struct domain *fake_domain_create(domid_t domid, unsigned int max_vcpus,
	uint64_t ram_pages, bool privileged);
struct fake_domain *fake_dom(struct domain *d);

/* ---- memory ------------------------------------------------------------ */
/** RAM frame gfn of d (NULL out of range), as the guest sees it. */
void *fake_ram(struct domain *d, uint64_t gfn);
/** Grant-table frame i of d, as the guest sees it. */
void *fake_gnttab_frame(struct domain *d, unsigned int i);
/** Entry ref of d's version 1 grant table (for refs inside the frames). */
struct grant_entry_v1 *fake_grant_entry(struct domain *d, uint32_t ref);
/** Write a grant as a guest does: frame and domid, then flags. */
void fake_grant(struct domain *d, uint32_t ref, domid_t grantee, uint64_t gfn,
	uint16_t flags);
/** Live arch_alloc() blocks. */
long fake_alloc_live(void);
/** Let the next n arch_alloc() calls succeed and the following fail; -1:
 * never fail. */
void fake_fail_allocs_after(long n);
/** Same for arch_copy_from_guest / arch_copy_to_guest calls together. */
void fake_fail_copies_after(long n);
/** Make arch_domain_set_max_pages() fail with -EBUSY. */
void fake_set_max_pages_busy(bool busy);

/* ---- hypercalls -------------------------------------------------------- */
/** Run hypercall op as vCPU vcpu of d, through hypercall_dispatch(). */
long fake_hypercall(struct domain *d, unsigned int vcpu, unsigned int op,
	uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);

/* ---- what the core asked of the port ----------------------------------- */
unsigned int fake_kicks(const struct vcpu *v);
unsigned int fake_wakes(const struct vcpu *v);
unsigned int fake_grant_map_count(void);
/** The i-th arch_grant_map() call since fake_reset(), NULL if none. */
const struct fake_grant_map *fake_grant_map_call(unsigned int i);
/** Make arch_grant_map() fail with rc from now on (0: succeed again). */
void fake_grant_map_fail(int rc);

/* ---- time and console -------------------------------------------------- */
void fake_set_now(uint64_t ns);
void fake_advance(uint64_t ns);
/** The deadline last given to arch_timer_program() (0: none). */
uint64_t fake_timer_deadline(void);
/** All arch_console_write() output since the last clear (NUL-terminated;
 * only the last 64 KiB are kept). */
const char *fake_console(void);
void fake_console_clear(void);

#endif
