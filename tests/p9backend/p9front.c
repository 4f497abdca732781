// SPDX-License-Identifier: GPL-2.0-only
/* A hosted guest's 9pfs frontend (p9front.h). */
#include "p9front.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hguest.h"
#include "io/9pfs.h"
#include "xenbus.h"

#define P9F_MAX_RINGS 8u

struct p9f_ring {
	struct p9f *f;
	struct xen_9pfs_data_intf *intf;
	unsigned char *in, *out;
	RING_IDX size;
	evtchn_port_t port;
	int timeout_ms;
};

struct p9f {
	struct hg *hg;
	struct hg_xb *xb;
	unsigned int devid;
	unsigned int nr;
	int timeout_ms;
	struct p9f_ring rings[P9F_MAX_RINGS];
};

static int fe_write(struct p9f *f, const char *key, const char *v)
{
	char p[96];

	snprintf(p, sizeof(p), "device/9pfs/%u/%s", f->devid, key);
	return hg_xb_write(f->xb, 0, p, v, strlen(v));
}

static int be_read_uint(struct p9f *f, const char *key, unsigned long *v)
{
	char p[128], *s, *end;
	int ret;

	snprintf(p, sizeof(p), "/local/domain/0/backend/9pfs/%u/%u/%s",
		hg_domid(f->hg), f->devid, key);
	ret = hg_xb_read(f->xb, 0, p, &s, NULL);
	if (ret != 0) {
		return ret;
	}
	*v = strtoul(s, &end, 10);
	ret = *s != '\0' && *end == '\0' ? 0 : -EPROTO;
	free(s);
	return ret;
}

static int wait_backend_state(struct p9f *f, unsigned long want)
{
	unsigned long st;
	int i;

	for (i = 0; i < f->timeout_ms / 5; i++) {
		if (be_read_uint(f, "state", &st) == 0 && st == want) {
			return 0;
		}
		usleep(5000);
	}
	return -ETIMEDOUT;
}

/* ---- the ring transport ----------------------------------------------------
 */

static int ring_send(void *ctx, const void *msg, size_t len)
{
	struct p9f_ring *r = ctx;
	RING_IDX cons, prod, mprod;
	int waited = 0;

	if (len > r->size) {
		return -EMSGSIZE;
	}
	for (;;) {
		cons = __atomic_load_n(&r->intf->out_cons, __ATOMIC_ACQUIRE);
		prod = r->intf->out_prod;
		if (r->size - (prod - cons) >= len) {
			break;
		}
		if (waited++ > r->timeout_ms) {
			return -ETIMEDOUT;
		}
		(void)hg_wait_port(r->f->hg, r->port, 1);
	}
	mprod = xen_9pfs_mask(prod, r->size);
	xen_9pfs_write_packet(r->out, msg, len, &mprod,
		xen_9pfs_mask(cons, r->size), r->size);
	__atomic_store_n(
		&r->intf->out_prod, prod + (RING_IDX)len, __ATOMIC_RELEASE);
	return hg_evtchn_send(r->f->hg, r->port);
}

static ssize_t ring_recv(void *ctx, void *buf, size_t cap)
{
	struct p9f_ring *r = ctx;
	RING_IDX cons, prod, mcons;
	uint8_t hdr[4];
	uint32_t size = 0;
	int waited = 0, ret;

	for (;;) {
		prod = __atomic_load_n(&r->intf->in_prod, __ATOMIC_ACQUIRE);
		cons = r->intf->in_cons;
		if (prod - cons >= 4) {
			mcons = xen_9pfs_mask(cons, r->size);
			xen_9pfs_read_packet(hdr, r->in, 4,
				xen_9pfs_mask(prod, r->size), &mcons, r->size);
			size = p9_get_u32(hdr);
			if (size < 7 || size > cap || size > r->size) {
				return -EPROTO;
			}
			if (prod - cons >= size) {
				break;
			}
		}
		if (waited > r->timeout_ms) {
			return -ETIMEDOUT;
		}
		ret = hg_wait_port(r->f->hg, r->port, 10);
		if (ret < 0) {
			return ret;
		}
		if (ret == 0) {
			waited += 10;
		}
	}
	mcons = xen_9pfs_mask(cons, r->size);
	xen_9pfs_read_packet(buf, r->in, size, xen_9pfs_mask(prod, r->size),
		&mcons, r->size);
	__atomic_store_n(
		&r->intf->in_cons, cons + (RING_IDX)size, __ATOMIC_RELEASE);
	(void)hg_evtchn_send(r->f->hg, r->port);
	return size;
}

/* ---- setup ------------------------------------------------------------------
 */

/* n consecutive zeroed pages granted to dom0: the first gfn, or -errno. */
static int64_t grant_pages(struct p9f *f, unsigned int n, uint32_t *refs)
{
	int64_t first = -1, gfn;
	unsigned int i;
	int ref;

	for (i = 0; i < n; i++) {
		gfn = hg_page_alloc(f->hg);
		if (gfn < 0) {
			return gfn;
		}
		if (i == 0) {
			first = gfn;
		} else if (hg_gfn_to_ptr(f->hg, (uint64_t)gfn) !=
			   (uint8_t *)hg_gfn_to_ptr(f->hg, (uint64_t)first) +
				   (size_t)i * 4096) {
			return -ENOMEM; /* not contiguous for us */
		}
		ref = hg_gref_alloc(f->hg);
		if (ref < 0) {
			return ref;
		}
		if (hg_grant_access(f->hg, (grant_ref_t)ref, 0, (uint64_t)gfn,
			    false) != 0) {
			return -EIO;
		}
		refs[i] = (uint32_t)ref;
	}
	return first;
}

static int ring_setup(struct p9f *f, unsigned int i, unsigned int order)
{
	struct p9f_ring *r = &f->rings[i];
	uint32_t iref, refs[1u << 9];
	int64_t ipage, data;
	char key[32], v[32];
	int port, ret;

	r->f = f;
	r->timeout_ms = f->timeout_ms;
	ipage = grant_pages(f, 1, &iref);
	if (ipage < 0) {
		return (int)ipage;
	}
	data = grant_pages(f, 1u << order, refs);
	if (data < 0) {
		return (int)data;
	}
	r->intf = hg_gfn_to_ptr(f->hg, (uint64_t)ipage);
	r->intf->ring_order = order;
	memcpy(r->intf->ref, refs, sizeof(refs[0]) << order);
	r->size = (RING_IDX)XEN_FLEX_RING_SIZE(order);
	r->in = hg_gfn_to_ptr(f->hg, (uint64_t)data);
	r->out = r->in + r->size;
	port = hg_evtchn_alloc_unbound(f->hg, 0);
	if (port < 0) {
		return port;
	}
	r->port = (evtchn_port_t)port;
	snprintf(key, sizeof(key), "ring-ref%u", i);
	snprintf(v, sizeof(v), "%u", iref);
	ret = fe_write(f, key, v);
	snprintf(key, sizeof(key), "event-channel-%u", i);
	snprintf(v, sizeof(v), "%d", port);
	return ret != 0 ? ret : fe_write(f, key, v);
}

struct p9f *p9f_connect(struct hg *hg, struct hg_xb *xb, unsigned int devid,
	unsigned int nr_rings, unsigned int order, int timeout_ms)
{
	struct p9f *f = calloc(1, sizeof(*f));
	unsigned long versions, max_rings, max_order;
	char v[16];
	unsigned int i;
	int ret;

	if (f == NULL) {
		return NULL;
	}
	f->hg = hg;
	f->xb = xb;
	f->devid = devid;
	f->nr = nr_rings;
	f->timeout_ms = timeout_ms;
	ret = wait_backend_state(f, 2);
	if (ret == 0 && (be_read_uint(f, "versions", &versions) != 0 ||
				be_read_uint(f, "max-rings", &max_rings) != 0 ||
				be_read_uint(f, "max-ring-page-order",
					&max_order) != 0 ||
				versions != 1)) {
		ret = -EPROTO;
	}
	if (ret == 0 && (nr_rings == 0 || nr_rings > P9F_MAX_RINGS ||
				nr_rings > max_rings || order > max_order)) {
		ret = -EINVAL;
	}
	if (ret == 0) {
		ret = fe_write(f, "version", "1");
	}
	snprintf(v, sizeof(v), "%u", nr_rings);
	if (ret == 0) {
		ret = fe_write(f, "num-rings", v);
	}
	for (i = 0; ret == 0 && i < nr_rings; i++) {
		ret = ring_setup(f, i, order);
	}
	if (ret == 0) {
		ret = fe_write(f, "state", "3");
	}
	if (ret == 0) {
		ret = wait_backend_state(f, 4);
	}
	if (ret == 0) {
		ret = fe_write(f, "state", "4");
	}
	if (ret != 0) {
		free(f);
		errno = -ret;
		return NULL;
	}
	return f;
}

struct p9c *p9f_client(struct p9f *f, unsigned int ring)
{
	struct p9c_transport t = {ring_send, ring_recv, NULL, &f->rings[ring]};

	if (ring >= f->nr) {
		errno = EINVAL;
		return NULL;
	}
	return p9c_new(&t, f->rings[ring].size);
}

void *p9f_intf(struct p9f *f, unsigned int ring)
{
	return ring < f->nr ? f->rings[ring].intf : NULL;
}

int p9f_kick(struct p9f *f, unsigned int ring)
{
	return ring < f->nr ? hg_evtchn_send(f->hg, f->rings[ring].port)
			    : -EINVAL;
}

int p9f_close(struct p9f *f)
{
	int ret = fe_write(f, "state", "5");

	if (ret == 0) {
		ret = wait_backend_state(f, 6);
	}
	if (ret == 0) {
		ret = fe_write(f, "state", "6");
	}
	free(f);
	return ret;
}
