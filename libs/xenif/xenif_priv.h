/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the Dom0 interface library: the ops table each backend fills and
 * the handle structures xenif.c hands out. Only xenif.c and the backends
 * (linux.c, hosted.c) include this.
 *
 * Every op returns what the public function of the same name returns
 * (negative errno, or NULL with errno set); xenif.c checks arguments that
 * do not depend on the backend (NULL handles, zero counts) first.
 */
#ifndef LIBS_XENIF_PRIV_H
#define LIBS_XENIF_PRIV_H

#include "xenif.h"

struct xenif_ops {
	const char *name;
	/* arg: the hosted socket path or NULL; sets xi->priv as it likes */
	int (*open)(struct xenif *xi, const char *arg);
	void (*close)(struct xenif *xi);

	int (*evtchn_open)(struct xenif_evtchn *xe);
	void (*evtchn_close)(struct xenif_evtchn *xe);
	int (*evtchn_fd)(const struct xenif_evtchn *xe);
	int (*evtchn_bind_interdomain)(
		struct xenif_evtchn *xe, uint32_t domid, uint32_t remote_port);
	int (*evtchn_bind_unbound)(
		struct xenif_evtchn *xe, uint32_t remote_domid);
	int (*evtchn_bind_virq)(struct xenif_evtchn *xe, unsigned int virq);
	int (*evtchn_unbind)(struct xenif_evtchn *xe, uint32_t port);
	int (*evtchn_notify)(struct xenif_evtchn *xe, uint32_t port);
	int (*evtchn_pending)(struct xenif_evtchn *xe);
	int (*evtchn_unmask)(struct xenif_evtchn *xe, uint32_t port);

	int (*gnttab_open)(struct xenif_gnttab *xg);
	void (*gnttab_close)(struct xenif_gnttab *xg);
	void *(*gnttab_map)(struct xenif_gnttab *xg, uint32_t domid,
		const uint32_t *refs, uint32_t count, int prot);
	int (*gnttab_unmap)(
		struct xenif_gnttab *xg, void *addr, uint32_t count);

	void *(*foreign_map)(struct xenif *xi, uint32_t domid, int prot,
		const uint64_t *gfns, size_t count, int *errs);
	int (*foreign_unmap)(struct xenif *xi, void *addr, size_t count);

	int (*restrict_domid)(struct xenif *xi, uint32_t domid);
	int (*dmop)(struct xenif *xi, uint32_t domid, unsigned int nr_bufs,
		struct xenif_dmop_buf *bufs);

	int (*domain_getinfo)(struct xenif *xi, uint32_t first,
		unsigned int max, struct xenif_dominfo *out);
	int (*domain_create)(struct xenif *xi, struct xenif_domain_config *cfg,
		uint32_t *domid);
	int (*domain_destroy)(struct xenif *xi, uint32_t domid);
	int (*domain_pause)(struct xenif *xi, uint32_t domid);
	int (*domain_unpause)(struct xenif *xi, uint32_t domid);
	int (*domain_set_max_mem)(
		struct xenif *xi, uint32_t domid, uint64_t max_kb);
	int (*hvm_param_set)(struct xenif *xi, uint32_t domid, uint32_t index,
		uint64_t value);
	int (*hvm_param_get)(struct xenif *xi, uint32_t domid, uint32_t index,
		uint64_t *value);
	int (*evtchn_alloc_unbound)(
		struct xenif *xi, uint32_t domid, uint32_t remote_domid);
};

struct xenif {
	const struct xenif_ops *ops;
	enum xenif_backend kind;
	int fd;     /* privcmd, or the hosted socket; -1 if none */
	void *priv; /* the backend's own state */
};

struct xenif_evtchn {
	struct xenif *xi;
	int fd;
	void *priv;
};

struct xenif_gnttab {
	struct xenif *xi;
	int fd;
	void *priv;
};

extern const struct xenif_ops xenif_linux_ops;
extern const struct xenif_ops xenif_hosted_ops;

/** Decode XEN_DOMINF_* flags into the booleans of struct xenif_dominfo. */
void xenif_dominfo_decode_flags(struct xenif_dominfo *info);

#endif
