/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dom0 hypervisor interface (prefix xenif_): event channels, grant
 * mapping, foreign memory, device-model operations and domain control, for
 * every Dom0 daemon and tool. One API, two backends chosen at run time:
 *
 *   linux   the Linux Xen drivers: /dev/xen/evtchn, /dev/xen/gntdev and
 *           /dev/xen/privcmd (their ioctls as the kernel's uapi defines);
 *   hosted  the hosted hypervisor port (xen-hosted) over its Unix socket.
 *
 * xenif_open(XENIF_AUTO) picks hosted when $XEN_HOSTED_SOCKET is set, else
 * linux when /dev/xen/privcmd exists, else hosted on its default socket.
 *
 * Errors: functions returning int give 0 (or a port, index or count) on
 * success and a negative errno on failure; functions returning a pointer
 * give NULL and set errno. Handles are not thread-safe: one thread each.
 */
#ifndef LIBS_XENIF_H
#define LIBS_XENIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum xenif_backend {
	XENIF_AUTO = 0,
	XENIF_LINUX,
	XENIF_HOSTED,
};

/** A connection to the hypervisor (privcmd on Linux, a socket hosted). */
struct xenif;
/** A set of bound event channels (one /dev/xen/evtchn open on Linux). */
struct xenif_evtchn;
/** A grant mapping device (one /dev/xen/gntdev open on Linux). */
struct xenif_gnttab;

/**
 * Open the interface. hosted_socket overrides $XEN_HOSTED_SOCKET for the
 * hosted backend (NULL: the environment, then XENIF_HOSTED_DEFAULT_SOCKET).
 */
struct xenif *xenif_open(enum xenif_backend which, const char *hosted_socket);
void xenif_close(struct xenif *xi);
enum xenif_backend xenif_backend(const struct xenif *xi);
const char *xenif_backend_name(const struct xenif *xi);

#define XENIF_HOSTED_DEFAULT_SOCKET "/run/xen-hosted/socket"

/* ---- event channels ----------------------------------------------------
 * Ports bound through a handle belong to it and are closed with it. A port
 * reported by xenif_evtchn_pending() stays masked until it is unmasked.
 */
struct xenif_evtchn *xenif_evtchn_open(struct xenif *xi);
void xenif_evtchn_close(struct xenif_evtchn *xe);
/** Readable (poll/libevent) when xenif_evtchn_pending() may have a port. */
int xenif_evtchn_fd(const struct xenif_evtchn *xe);
/** Bind to (domid, remote_port); returns the local port. */
int xenif_evtchn_bind_interdomain(
	struct xenif_evtchn *xe, uint32_t domid, uint32_t remote_port);
/** Allocate an unbound local port that remote_domid may bind. */
int xenif_evtchn_bind_unbound(struct xenif_evtchn *xe, uint32_t remote_domid);
/** Bind a virtual IRQ (VIRQ_DOM_EXC, ...); returns the local port. */
int xenif_evtchn_bind_virq(struct xenif_evtchn *xe, unsigned int virq);
int xenif_evtchn_unbind(struct xenif_evtchn *xe, uint32_t port);
int xenif_evtchn_notify(struct xenif_evtchn *xe, uint32_t port);
/** Next pending port (>= 0), -EAGAIN when none is pending. */
int xenif_evtchn_pending(struct xenif_evtchn *xe);
int xenif_evtchn_unmask(struct xenif_evtchn *xe, uint32_t port);

/* ---- grant mapping -------------------------------------------------- */
struct xenif_gnttab *xenif_gnttab_open(struct xenif *xi);
void xenif_gnttab_close(struct xenif_gnttab *xg);
/**
 * Map count grant references of one domain at consecutive pages. prot is
 * PROT_READ or PROT_READ | PROT_WRITE (a read-only map asks the hypervisor
 * for a read-only mapping). Returns the address, or NULL with errno.
 */
void *xenif_gnttab_map(struct xenif_gnttab *xg, uint32_t domid,
	const uint32_t *refs, uint32_t count, int prot);
/** Unmap what xenif_gnttab_map() returned (same count). */
int xenif_gnttab_unmap(struct xenif_gnttab *xg, void *addr, uint32_t count);

/* ---- foreign memory (privileged, like privcmd) ---------------------- */
/**
 * Map count frames of domain domid by guest frame number, consecutively.
 * errs (may be NULL) receives a per-frame result (0 or -errno); the call
 * fails as a whole only if no frame could be mapped.
 */
void *xenif_foreign_map(struct xenif *xi, uint32_t domid, int prot,
	const uint64_t *gfns, size_t count, int *errs);
int xenif_foreign_unmap(struct xenif *xi, void *addr, size_t count);

/* ---- device-model operations --------------------------------------- */
struct xenif_dmop_buf {
	void *p;
	size_t size;
};
/**
 * Restrict this handle to one target domain, irrevocably: afterwards the
 * handle may issue only DMOPs for that domain (privcmd's restriction).
 */
int xenif_restrict(struct xenif *xi, uint32_t domid);
/** HYPERVISOR_dm_op(domid, nr_bufs, bufs); bufs[0] holds struct xen_dm_op. */
int xenif_dmop(struct xenif *xi, uint32_t domid, unsigned int nr_bufs,
	struct xenif_dmop_buf *bufs);

/* ---- domains ------------------------------------------------------- */
struct xenif_dominfo {
	uint32_t domid;
	uint32_t flags; /* XEN_DOMINF_* as the hypervisor reports them */
	bool dying;
	bool shutdown;
	bool paused;
	bool running;
	bool blocked;
	bool hvm;
	unsigned int shutdown_reason; /* SHUTDOWN_* when shutdown */
	uint64_t tot_pages;
	uint64_t max_pages;
	uint32_t nr_online_vcpus;
	uint8_t handle[16];
};
/**
 * Fill up to max records for the domains with domid >= first, in domid
 * order; returns how many were filled.
 */
int xenif_domain_getinfo(struct xenif *xi, uint32_t first, unsigned int max,
	struct xenif_dominfo *out);
/** One domain's record; -ESRCH when it does not exist. */
int xenif_domain_info(
	struct xenif *xi, uint32_t domid, struct xenif_dominfo *out);

struct xenif_domain_config {
	uint32_t domid;     /* 0: let the hypervisor choose */
	uint32_t max_vcpus; /* 0: one */
	uint64_t max_pages; /* 0: the hypervisor's default */
	uint32_t flags;     /* XEN_DOMCTL_CDF_* */
	uint8_t handle[16]; /* all zero: a random one is made */
};
/** Create a domain (paused); *domid receives its id. */
int xenif_domain_create(
	struct xenif *xi, struct xenif_domain_config *cfg, uint32_t *domid);
int xenif_domain_destroy(struct xenif *xi, uint32_t domid);
int xenif_domain_pause(struct xenif *xi, uint32_t domid);
int xenif_domain_unpause(struct xenif *xi, uint32_t domid);
int xenif_domain_set_max_mem(struct xenif *xi, uint32_t domid, uint64_t max_kb);
int xenif_hvm_param_set(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t value);
int xenif_hvm_param_get(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t *value);
/**
 * Allocate an unbound port in domain domid that remote_domid may bind
 * (the toolstack's way to give a guest its store and console channels).
 */
int xenif_evtchn_alloc_unbound(
	struct xenif *xi, uint32_t domid, uint32_t remote_domid);

#endif
