/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dom0 interface library's front: picks a backend at run time and
 * forwards each call through its ops table (xenif_priv.h).
 */
#include "xenif.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "domctl.h"
#include "xen.h"
#include "xenif_priv.h"

static enum xenif_backend pick_backend(void)
{
	const char *s = getenv("XEN_HOSTED_SOCKET");

	if (s != NULL && s[0] != '\0') {
		return XENIF_HOSTED;
	}
	if (access("/dev/xen/privcmd", F_OK) == 0) {
		return XENIF_LINUX;
	}
	return XENIF_HOSTED;
}

struct xenif *xenif_open(enum xenif_backend which, const char *hosted_socket)
{
	struct xenif *xi;
	int rc;

	if (which == XENIF_AUTO) {
		which = pick_backend();
	}
	if (which != XENIF_LINUX && which != XENIF_HOSTED) {
		errno = EINVAL;
		return NULL;
	}
	xi = calloc(1, sizeof(*xi));
	if (xi == NULL) {
		return NULL;
	}
	xi->kind = which;
	xi->fd = -1;
	xi->ops = which == XENIF_LINUX ? &xenif_linux_ops : &xenif_hosted_ops;
	rc = xi->ops->open(xi, hosted_socket);
	if (rc < 0) {
		free(xi);
		errno = -rc;
		return NULL;
	}
	return xi;
}

void xenif_close(struct xenif *xi)
{
	if (xi == NULL) {
		return;
	}
	xi->ops->close(xi);
	free(xi);
}

enum xenif_backend xenif_backend(const struct xenif *xi)
{
	return xi->kind;
}

const char *xenif_backend_name(const struct xenif *xi)
{
	return xi->ops->name;
}

struct xenif_evtchn *xenif_evtchn_open(struct xenif *xi)
{
	struct xenif_evtchn *xe;
	int rc;

	if (xi == NULL) {
		errno = EINVAL;
		return NULL;
	}
	xe = calloc(1, sizeof(*xe));
	if (xe == NULL) {
		return NULL;
	}
	xe->xi = xi;
	xe->fd = -1;
	rc = xi->ops->evtchn_open(xe);
	if (rc < 0) {
		free(xe);
		errno = -rc;
		return NULL;
	}
	return xe;
}

void xenif_evtchn_close(struct xenif_evtchn *xe)
{
	if (xe == NULL) {
		return;
	}
	xe->xi->ops->evtchn_close(xe);
	free(xe);
}

int xenif_evtchn_fd(const struct xenif_evtchn *xe)
{
	return xe->xi->ops->evtchn_fd(xe);
}

int xenif_evtchn_bind_interdomain(
	struct xenif_evtchn *xe, uint32_t domid, uint32_t remote_port)
{
	return xe->xi->ops->evtchn_bind_interdomain(xe, domid, remote_port);
}

int xenif_evtchn_bind_unbound(struct xenif_evtchn *xe, uint32_t remote_domid)
{
	return xe->xi->ops->evtchn_bind_unbound(xe, remote_domid);
}

int xenif_evtchn_bind_virq(struct xenif_evtchn *xe, unsigned int virq)
{
	return xe->xi->ops->evtchn_bind_virq(xe, virq);
}

int xenif_evtchn_unbind(struct xenif_evtchn *xe, uint32_t port)
{
	return xe->xi->ops->evtchn_unbind(xe, port);
}

int xenif_evtchn_notify(struct xenif_evtchn *xe, uint32_t port)
{
	return xe->xi->ops->evtchn_notify(xe, port);
}

int xenif_evtchn_pending(struct xenif_evtchn *xe)
{
	return xe->xi->ops->evtchn_pending(xe);
}

int xenif_evtchn_unmask(struct xenif_evtchn *xe, uint32_t port)
{
	return xe->xi->ops->evtchn_unmask(xe, port);
}

struct xenif_gnttab *xenif_gnttab_open(struct xenif *xi)
{
	struct xenif_gnttab *xg;
	int rc;

	if (xi == NULL) {
		errno = EINVAL;
		return NULL;
	}
	xg = calloc(1, sizeof(*xg));
	if (xg == NULL) {
		return NULL;
	}
	xg->xi = xi;
	xg->fd = -1;
	rc = xi->ops->gnttab_open(xg);
	if (rc < 0) {
		free(xg);
		errno = -rc;
		return NULL;
	}
	return xg;
}

void xenif_gnttab_close(struct xenif_gnttab *xg)
{
	if (xg == NULL) {
		return;
	}
	xg->xi->ops->gnttab_close(xg);
	free(xg);
}

void *xenif_gnttab_map(struct xenif_gnttab *xg, uint32_t domid,
	const uint32_t *refs, uint32_t count, int prot)
{
	if (refs == NULL || count == 0) {
		errno = EINVAL;
		return NULL;
	}
	return xg->xi->ops->gnttab_map(xg, domid, refs, count, prot);
}

int xenif_gnttab_unmap(struct xenif_gnttab *xg, void *addr, uint32_t count)
{
	if (addr == NULL || count == 0) {
		return -EINVAL;
	}
	return xg->xi->ops->gnttab_unmap(xg, addr, count);
}

void *xenif_foreign_map(struct xenif *xi, uint32_t domid, int prot,
	const uint64_t *gfns, size_t count, int *errs)
{
	if (gfns == NULL || count == 0) {
		errno = EINVAL;
		return NULL;
	}
	return xi->ops->foreign_map(xi, domid, prot, gfns, count, errs);
}

int xenif_foreign_unmap(struct xenif *xi, void *addr, size_t count)
{
	if (addr == NULL || count == 0) {
		return -EINVAL;
	}
	return xi->ops->foreign_unmap(xi, addr, count);
}

int xenif_restrict(struct xenif *xi, uint32_t domid)
{
	return xi->ops->restrict_domid(xi, domid);
}

int xenif_dmop(struct xenif *xi, uint32_t domid, unsigned int nr_bufs,
	struct xenif_dmop_buf *bufs)
{
	if (nr_bufs == 0 || bufs == NULL) {
		return -EINVAL;
	}
	return xi->ops->dmop(xi, domid, nr_bufs, bufs);
}

void xenif_dominfo_decode_flags(struct xenif_dominfo *info)
{
	uint32_t f = info->flags;

	info->dying = (f & XEN_DOMINF_dying) != 0;
	info->shutdown = (f & XEN_DOMINF_shutdown) != 0;
	info->paused = (f & XEN_DOMINF_paused) != 0;
	info->running = (f & XEN_DOMINF_running) != 0;
	info->blocked = (f & XEN_DOMINF_blocked) != 0;
	info->hvm = (f & XEN_DOMINF_hvm_guest) != 0;
	info->shutdown_reason =
		(f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
}

int xenif_domain_getinfo(struct xenif *xi, uint32_t first, unsigned int max,
	struct xenif_dominfo *out)
{
	if (max == 0) {
		return 0;
	}
	if (out == NULL) {
		return -EINVAL;
	}
	return xi->ops->domain_getinfo(xi, first, max, out);
}

int xenif_domain_info(
	struct xenif *xi, uint32_t domid, struct xenif_dominfo *out)
{
	int rc = xenif_domain_getinfo(xi, domid, 1, out);

	if (rc < 0) {
		return rc;
	}
	if (rc == 0 || out->domid != domid) {
		return -ESRCH;
	}
	return 0;
}

int xenif_domain_create(
	struct xenif *xi, struct xenif_domain_config *cfg, uint32_t *domid)
{
	if (cfg == NULL || domid == NULL) {
		return -EINVAL;
	}
	return xi->ops->domain_create(xi, cfg, domid);
}

int xenif_domain_destroy(struct xenif *xi, uint32_t domid)
{
	return xi->ops->domain_destroy(xi, domid);
}

int xenif_domain_pause(struct xenif *xi, uint32_t domid)
{
	return xi->ops->domain_pause(xi, domid);
}

int xenif_domain_unpause(struct xenif *xi, uint32_t domid)
{
	return xi->ops->domain_unpause(xi, domid);
}

int xenif_domain_set_max_mem(struct xenif *xi, uint32_t domid, uint64_t max_kb)
{
	return xi->ops->domain_set_max_mem(xi, domid, max_kb);
}

int xenif_hvm_param_set(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t value)
{
	return xi->ops->hvm_param_set(xi, domid, index, value);
}

int xenif_hvm_param_get(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t *value)
{
	if (value == NULL) {
		return -EINVAL;
	}
	return xi->ops->hvm_param_get(xi, domid, index, value);
}

int xenif_evtchn_alloc_unbound(
	struct xenif *xi, uint32_t domid, uint32_t remote_domid)
{
	return xi->ops->evtchn_alloc_unbound(xi, domid, remote_domid);
}
