// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Xen 9pfs transport (transport.h, docs/misc/9pfs.pandoc).
 *
 * libs/xenbus_backend finds the devices and drives XenbusState; this file
 * advertises the backend's limits (probe), checks and maps what the
 * frontend wrote (connect), and moves 9P messages between the rings and
 * the device's 9P session.
 *
 * Everything the frontend wrote is untrusted: the store values are
 * bounded when read, the ring order and grant refs are copied out of the
 * index page once and checked, and ring indexes are read from shared
 * memory but only our own copies of out_cons and in_prod are trusted. A
 * frontend that breaks the ring rules (more bytes queued than the ring
 * holds, a message size below the header or above the msize) gets an
 * "error" node and that ring is no longer served; other devices and
 * rings are not affected.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "io/9pfs.h"
#include "log.h"
#include "p9wire.h"
#include "transport.h"
#include "xenbus_backend.h"
#include "xenif.h"

#define P9X_PATH_MAX 4096u
/* Polling a full "in" ring: 1 ms, doubling up to 200 ms while it stays full. */
#define P9X_RETRY_MIN_US 1000u
#define P9X_RETRY_MAX_US 200000u

struct p9x_dev;

struct p9x_ring {
	struct p9x_dev *dev;
	unsigned int idx;
	struct xen_9pfs_data_intf *intf;
	unsigned char *in;  /* replies: we produce */
	unsigned char *out; /* requests: we consume */
	RING_IDX size;      /* bytes in each direction */
	RING_IDX out_cons;  /* our copies of the indexes we own */
	RING_IDX in_prod;
	uint32_t local_port;
	size_t pending; /* bytes of a reply waiting for room in "in" */
	uint8_t *pending_buf;
	bool broken;
};

struct p9x_dev {
	struct p9x *x;
	struct xbb_dev *xdev;
	struct p9s_export *ex;
	struct p9s_session *s;
	struct event *ev;
	struct event *retry;
	unsigned int retry_us;
	unsigned int nr_rings;
	struct p9x_ring *rings;
	uint32_t max_msize;
};

struct p9x {
	struct event_base *base;
	struct xbb *b;
	struct p9x_config cfg;
	unsigned int connected;
	/*
	 * One request and one reply buffer for every device: messages are
	 * handled one at a time, and a reply that must wait is copied to
	 * its ring. XEN_FLEX_RING_SIZE(max_ring_order) bytes each.
	 */
	uint8_t *req;
	uint8_t *rep;
};

static inline RING_IDX load_acquire(const RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void store_release(RING_IDX *p, RING_IDX v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* ---- the export a device names ------------------------------------------ */

/* The toolstack's path, security_model and read_only, as an export. */
static int open_export(
	struct p9x *x, struct xbb_dev *xdev, struct p9s_export **out)
{
	struct p9s_export_config cfg = {0};
	char *path = NULL, *model = NULL, *ro = NULL;
	int ret;

	ret = xbb_read_backend(xdev, "path", P9X_PATH_MAX, &path);
	if (ret != 0) {
		log_warn("%s: no usable path (%s)", xbb_backend_path(xdev),
			strerror(-ret));
		return ret;
	}
	ret = xbb_read_backend(xdev, "security_model", 64, &model);
	if (ret == 0) {
		ret = p9s_security_model_parse(model, &cfg.model);
		if (ret != 0) {
			log_warn("%s: unknown security_model \"%s\"",
				xbb_backend_path(xdev), model);
		}
	} else if (ret == -ENOENT) {
		cfg.model = P9S_SECURITY_NONE;
		ret = 0;
	}
	if (ret == 0 && xbb_read_backend(xdev, "read_only", 8, &ro) == 0) {
		cfg.readonly = strcmp(ro, "0") != 0;
	}
	cfg.readonly = cfg.readonly || x->cfg.force_readonly;
	cfg.path = path;
	if (ret == 0) {
		*out = p9s_export_open(&cfg);
		if (*out == NULL) {
			ret = -errno;
			log_warn("%s: cannot export %s: %s",
				xbb_backend_path(xdev), path, strerror(errno));
		}
	}
	free(path);
	free(model);
	free(ro);
	return ret;
}

/* ---- moving messages ----------------------------------------------------- */

static void ring_break(struct p9x_ring *r, const char *why)
{
	char msg[160];

	r->broken = true;
	log_warn("%s: ring %u: %s; the ring is no longer served",
		xbb_backend_path(r->dev->xdev), r->idx, why);
	snprintf(msg, sizeof(msg), "%d ring %u: %s", EPROTO, r->idx, why);
	(void)xbb_write(r->dev->xdev, "error", msg);
}

/* Put len bytes of reply on "in" if there is room: true when written. */
static bool ring_put(struct p9x_ring *r, const uint8_t *rep, size_t len)
{
	RING_IDX cons = load_acquire(&r->intf->in_cons);
	RING_IDX used = r->in_prod - cons;
	RING_IDX prod;

	if (used > r->size) {
		ring_break(r, "in_cons moved beyond in_prod");
		return false;
	}
	if (r->size - used < len) {
		return false;
	}
	prod = xen_9pfs_mask(r->in_prod, r->size);
	xen_9pfs_write_packet(
		r->in, rep, len, &prod, xen_9pfs_mask(cons, r->size), r->size);
	r->in_prod += (RING_IDX)len;
	store_release(&r->intf->in_prod, r->in_prod);
	return true;
}

/*
 * Serve what is queued on one ring: returns whether the frontend should
 * be notified (something consumed or produced).
 */
static bool ring_serve(struct p9x_ring *r, bool *stalled)
{
	struct p9x_dev *d = r->dev;
	bool notify = false;
	uint8_t hdr[P9_HDR_SIZE];
	RING_IDX prod, avail, cons;
	uint32_t size;
	size_t len;

	while (!r->broken) {
		if (r->pending != 0) {
			if (!ring_put(r, r->pending_buf, r->pending)) {
				*stalled = !r->broken;
				break;
			}
			r->pending = 0;
			notify = true;
		}
		prod = load_acquire(&r->intf->out_prod);
		avail = prod - r->out_cons;
		if (avail > r->size) {
			ring_break(r, "out_prod is beyond the ring");
			break;
		}
		if (avail < P9_HDR_SIZE) {
			break;
		}
		cons = xen_9pfs_mask(r->out_cons, r->size);
		xen_9pfs_read_packet(hdr, r->out, sizeof(hdr),
			xen_9pfs_mask(prod, r->size), &cons, r->size);
		size = p9_get_u32(hdr);
		if (size < P9_HDR_SIZE || size > d->max_msize) {
			ring_break(r, "a message size outside [7, msize]");
			break;
		}
		if (avail < size) {
			break; /* the rest is still being written */
		}
		cons = xen_9pfs_mask(r->out_cons, r->size);
		xen_9pfs_read_packet(d->x->req, r->out, size,
			xen_9pfs_mask(prod, r->size), &cons, r->size);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		r->out_cons += size;
		store_release(&r->intf->out_cons, r->out_cons);
		notify = true;

		len = p9s_handle(
			d->s, d->x->req, size, d->x->rep, d->max_msize);
		if (!ring_put(r, d->x->rep, len)) {
			if (r->broken) {
				break;
			}
			if (r->pending_buf == NULL) {
				r->pending_buf = malloc(d->max_msize);
			}
			if (r->pending_buf == NULL) {
				ring_break(r, "out of memory for a reply");
				break;
			}
			memcpy(r->pending_buf, d->x->rep, len);
			r->pending = len;
			*stalled = true;
			break;
		}
	}
	return notify;
}

static void dev_serve(struct p9x_dev *d)
{
	struct xenif_evtchn *xe = xbb_evtchn(d->xdev);
	bool stalled = false;
	unsigned int i;

	for (i = 0; i < d->nr_rings; i++) {
		struct p9x_ring *r = &d->rings[i];

		if (ring_serve(r, &stalled)) {
			(void)xenif_evtchn_notify(xe, r->local_port);
		}
	}
	if (!stalled) {
		d->retry_us = 0;
	} else if (!evtimer_pending(d->retry, NULL)) {
		struct timeval tv;

		d->retry_us =
			d->retry_us == 0 ? P9X_RETRY_MIN_US : d->retry_us * 2;
		if (d->retry_us > P9X_RETRY_MAX_US) {
			d->retry_us = P9X_RETRY_MAX_US;
		}
		tv.tv_sec = 0;
		tv.tv_usec = (suseconds_t)d->retry_us;
		evtimer_add(d->retry, &tv);
	}
}

static void on_event(evutil_socket_t fd, short what, void *arg)
{
	struct p9x_dev *d = arg;
	struct xenif_evtchn *xe = xbb_evtchn(d->xdev);
	int port;

	(void)fd;
	(void)what;
	while ((port = xenif_evtchn_pending(xe)) >= 0) {
		(void)xenif_evtchn_unmask(xe, (uint32_t)port);
	}
	dev_serve(d);
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dev_serve(arg);
}

/* ---- the device's life --------------------------------------------------- */

static void dev_free(struct p9x_dev *d)
{
	unsigned int i;

	if (d == NULL) {
		return;
	}
	if (d->ev != NULL) {
		event_free(d->ev);
	}
	if (d->retry != NULL) {
		event_free(d->retry);
	}
	p9s_session_free(d->s);
	p9s_export_put(d->ex);
	for (i = 0; d->rings != NULL && i < d->nr_rings; i++) {
		free(d->rings[i].pending_buf);
	}
	free(d->rings);
	free(d);
}

static int dev_probe(struct xbb_dev *xdev)
{
	struct p9x *x = xbb_arg(xdev);
	struct p9s_export *ex = NULL;
	char v[16];
	int ret;

	/* Refuse a device whose export cannot be opened, before InitWait. */
	ret = open_export(x, xdev, &ex);
	p9s_export_put(ex);
	if (ret != 0) {
		return ret;
	}
	ret = xbb_write(xdev, "versions", "1");
	snprintf(v, sizeof(v), "%u", x->cfg.max_rings);
	if (ret == 0) {
		ret = xbb_write(xdev, "max-rings", v);
	}
	snprintf(v, sizeof(v), "%u", x->cfg.max_ring_order);
	if (ret == 0) {
		ret = xbb_write(xdev, "max-ring-page-order", v);
	}
	return ret;
}

/* Map ring i: its index page, then its data pages; bind its channel. */
static int ring_connect(struct p9x_dev *d, unsigned int i)
{
	struct p9x_ring *r = &d->rings[i];
	uint32_t refs[1u << P9X_MAX_RING_ORDER], ref, order;
	uint64_t v, port;
	char key[32];
	unsigned char *data;
	int ret;

	r->dev = d;
	r->idx = i;
	snprintf(key, sizeof(key), "ring-ref%u", i);
	ret = xbb_read_uint(d->xdev, key, UINT32_MAX, &v);
	if (ret != 0) {
		log_warn("%s: %s: %s", xbb_frontend_path(d->xdev), key,
			strerror(-ret));
		return ret;
	}
	snprintf(key, sizeof(key), "event-channel-%u", i);
	ret = xbb_read_uint(d->xdev, key, UINT32_MAX, &port);
	if (ret != 0) {
		log_warn("%s: %s: %s", xbb_frontend_path(d->xdev), key,
			strerror(-ret));
		return ret;
	}
	ref = (uint32_t)v;
	r->intf = xbb_map(d->xdev, &ref, 1, PROT_READ | PROT_WRITE);
	if (r->intf == NULL) {
		ret = -errno;
		log_warn("%s: mapping ring %u's index page (ref %u): %s",
			xbb_frontend_path(d->xdev), i, ref, strerror(errno));
		return ret;
	}
	/* Read once: the frontend may change the page under us. */
	order = __atomic_load_n(&r->intf->ring_order, __ATOMIC_RELAXED);
	if (order < 1 || order > d->x->cfg.max_ring_order) {
		log_warn("%s: ring %u: ring_order %u outside [1, %u]",
			xbb_frontend_path(d->xdev), i, order,
			d->x->cfg.max_ring_order);
		return -EINVAL;
	}
	memcpy(refs, (const void *)r->intf->ref,
		sizeof(refs[0]) * (1u << order));
	data = xbb_map(d->xdev, refs, 1u << order, PROT_READ | PROT_WRITE);
	if (data == NULL) {
		ret = -errno;
		log_warn("%s: mapping ring %u's %u data pages: %s",
			xbb_frontend_path(d->xdev), i, 1u << order,
			strerror(errno));
		return ret;
	}
	r->size = (RING_IDX)XEN_FLEX_RING_SIZE(order);
	r->in = data;
	r->out = data + r->size;
	/* Indexes as the frontend left them (0 on a fresh ring). */
	r->out_cons = load_acquire(&r->intf->out_cons);
	r->in_prod = load_acquire(&r->intf->in_prod);
	ret = xbb_bind(d->xdev, (uint32_t)port);
	if (ret < 0) {
		log_warn("%s: binding ring %u's port %u: %s",
			xbb_frontend_path(d->xdev), i, (unsigned int)port,
			strerror(-ret));
		return ret;
	}
	r->local_port = (uint32_t)ret;
	return 0;
}

static int dev_connect(struct xbb_dev *xdev)
{
	struct p9x *x = xbb_arg(xdev);
	struct p9x_dev *d;
	uint64_t version, nr;
	unsigned int i;
	int ret;

	ret = xbb_read_uint(xdev, "version", 1, &version);
	if (ret != 0 || version != 1) {
		log_warn("%s: unsupported version", xbb_frontend_path(xdev));
		return ret != 0 ? ret : -EINVAL;
	}
	ret = xbb_read_uint(xdev, "num-rings", x->cfg.max_rings, &nr);
	if (ret != 0 || nr == 0) {
		log_warn("%s: num-rings missing or outside [1, %u]",
			xbb_frontend_path(xdev), x->cfg.max_rings);
		return ret != 0 ? ret : -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		return -ENOMEM;
	}
	d->x = x;
	d->xdev = xdev;
	d->nr_rings = (unsigned int)nr;
	d->rings = calloc(d->nr_rings, sizeof(*d->rings));
	if (d->rings == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = open_export(x, xdev, &d->ex);
	for (i = 0; ret == 0 && i < d->nr_rings; i++) {
		ret = ring_connect(d, i);
	}
	if (ret != 0) {
		goto fail;
	}
	/* A message and its reply must each fit the smallest ring. */
	d->max_msize = UINT32_MAX;
	for (i = 0; i < d->nr_rings; i++) {
		if (d->rings[i].size < d->max_msize) {
			d->max_msize = d->rings[i].size;
		}
	}
	d->s = p9s_session_new(d->ex, d->max_msize);
	if (d->s == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	d->ev = event_new(x->base, xenif_evtchn_fd(xbb_evtchn(xdev)),
		EV_READ | EV_PERSIST, on_event, d);
	d->retry = evtimer_new(x->base, on_retry, d);
	if (d->ev == NULL || d->retry == NULL || event_add(d->ev, NULL) != 0) {
		ret = -ENOMEM;
		goto fail;
	}
	xbb_set_priv(xdev, d);
	x->connected++;
	log_info("%s: connected, %u ring(s), msize up to %u",
		xbb_backend_path(xdev), d->nr_rings, d->max_msize);
	dev_serve(d); /* anything queued before we looked */
	return 0;
fail:
	dev_free(d);
	return ret;
}

static void dev_disconnect(struct xbb_dev *xdev)
{
	struct p9x_dev *d = xbb_priv(xdev);

	xbb_set_priv(xdev, NULL);
	if (d != NULL) {
		d->x->connected--;
		log_info("%s: disconnected", xbb_backend_path(xdev));
		dev_free(d);
	}
}

static const struct xbb_ops p9x_ops = {
	.probe = dev_probe,
	.connect = dev_connect,
	.disconnect = dev_disconnect,
};

/* ---- the object ---------------------------------------------------------- */

struct p9x *p9x_new(struct event_base *base, struct xsc *store,
	const char *store_path, struct xenif *xi, const struct p9x_config *cfg)
{
	struct p9x *x;

	if (cfg->max_rings < 1 || cfg->max_rings > P9X_MAX_RINGS ||
		cfg->max_ring_order < 1 ||
		cfg->max_ring_order > P9X_MAX_RING_ORDER) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		return NULL;
	}
	x->base = base;
	x->cfg = *cfg;
	x->req = malloc(XEN_FLEX_RING_SIZE(cfg->max_ring_order));
	x->rep = malloc(XEN_FLEX_RING_SIZE(cfg->max_ring_order));
	if (x->req == NULL || x->rep == NULL) {
		free(x->req);
		free(x->rep);
		free(x);
		errno = ENOMEM;
		return NULL;
	}
	x->b = xbb_new_at(base, store, store_path, xi, "9pfs", &p9x_ops, x);
	if (x->b == NULL) {
		int err = errno;

		free(x->req);
		free(x->rep);
		free(x);
		errno = err;
		return NULL;
	}
	return x;
}

void p9x_free(struct p9x *x)
{
	if (x == NULL) {
		return;
	}
	xbb_free(x->b);
	free(x->req);
	free(x->rep);
	free(x);
}

unsigned int p9x_devices(const struct p9x *x)
{
	return xbb_count(x->b);
}

unsigned int p9x_connected(const struct p9x *x)
{
	return x->connected;
}
