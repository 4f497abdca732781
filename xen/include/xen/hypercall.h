/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercall entry: the port decodes the call and hands it here.
 */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include "xen/domain.h"

/** Run hypercall op for v with its raw arguments; the result or -errno. */
long hypercall_dispatch(
	struct vcpu *v, unsigned int op, const uint64_t args[5]);

long do_sched_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
long do_console_io(
	struct vcpu *v, unsigned int cmd, unsigned int count, uint64_t buffer);
long do_xen_version(struct vcpu *v, unsigned int cmd, uint64_t arg);
long do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
long do_memory_op(struct vcpu *v, unsigned int cmd, uint64_t arg);
long do_domctl(struct vcpu *v, uint64_t arg);
long do_sysctl(struct vcpu *v, uint64_t arg);
long do_dm_op(
	struct vcpu *v, domid_t domid, unsigned int nr_bufs, uint64_t bufs);

struct xen_domctl_getdomaininfo;
/** Fill a getdomaininfo record for d (domctl and sysctl share it). */
void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

/* Per-domain DMOP state (xen/common/dm.c); the port reserves the pages. */
#define DM_IOREQ_PAGES 16
int dm_init(struct domain *d);
void dm_destroy(struct domain *d);

/* The console's per-domain line buffer and the hypervisor's own log. */
void console_init(void);
/** The command line XENVER_commandline reports. */
void xen_version_set_commandline(const char *s);

#endif
