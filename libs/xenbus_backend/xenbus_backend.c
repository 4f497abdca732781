// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenbus backend framework (xenbus_backend.h). A watch event is
 * handled for what it names: a frontend's state looks at that device, a
 * path under backend/<type>/<domid>/<devid> at that device (added, still
 * there, or gone), a shallower path at that domain or the whole type, and
 * @releaseDomain at the liveness of each device's frontend domain. So on a
 * host with thousands of devices an event costs a few store reads, not a
 * pass over all of them. Each handling is idempotent, so coalesced or
 * spurious events do no harm; xbb_rescan() still makes the full pass.
 */
#include "xenbus_backend.h"

#include <errno.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenif.h"
#include "xs_client.h"

#define XBB_MAX_DOMID 0x7fefu /* DOMID_FIRST_RESERVED - 1 */

struct xbb_map_rec {
	struct xbb_map_rec *next;
	void *addr;
	uint32_t n;
};

struct xbb_dev {
	struct xbb_dev *next;
	struct xbb *b;
	uint32_t fe_id;
	uint32_t devid;
	char *bepath;
	char *fepath;
	char *festate; /* <frontend>/state, watched */
	bool watching;
	bool connected;
	bool failed;  /* connect failed: wait for the frontend to restart */
	bool refused; /* probe failed: nothing until the node is re-created */
	bool seen;    /* found by the current pass */
	void *priv;
	struct xenif_gnttab *xg;
	struct xenif_evtchn *xe;
	struct xbb_map_rec *maps;
};

struct xbb {
	struct event_base *base;
	struct xsc *store;
	struct xsc *wconn;
	struct event *ev;
	struct xenif *xi;
	char *type;
	char *root; /* /local/domain/0/backend/<type> */
	const struct xbb_ops *ops;
	void *arg;
	struct xbb_dev *devs;
};

/* ---- small helpers ------------------------------------------------------ */

static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	const char *p;

	if (s == NULL || *s == '\0' || (s[0] == '0' && s[1] != '\0')) {
		return -EINVAL;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9') {
			return -EINVAL;
		}
		if (x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) {
			return -ERANGE;
		}
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (x > max) {
		return -ERANGE;
	}
	*v = x;
	return 0;
}

static int read_uint_path(
	struct xsc *xs, const char *path, uint64_t max, uint64_t *v)
{
	char *s;
	size_t len;
	int ret = xsc_read(xs, 0, path, &s, &len);

	if (ret != 0) {
		return ret;
	}
	ret = strlen(s) == len ? parse_uint(s, max, v) : -EINVAL;
	free(s);
	return ret;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *p = malloc(n);

	if (p != NULL) {
		snprintf(p, n, "%s/%s", a, b);
	}
	return p;
}

static void write_state(struct xbb_dev *dev, enum xbb_state s)
{
	char v[4];

	snprintf(v, sizeof(v), "%d", (int)s);
	(void)xbb_write(dev, "state", v);
}

static int backend_state(struct xbb_dev *dev)
{
	char *p = path_join(dev->bepath, "state");
	uint64_t v = 0;

	if (p == NULL ||
		read_uint_path(dev->b->store, p, XBB_RECONFIGURED, &v) != 0) {
		v = XBB_UNKNOWN;
	}
	free(p);
	return (int)v;
}

static void set_error(struct xbb_dev *dev, int err, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%d %s", err < 0 ? -err : err, what);
	(void)xbb_write(dev, "error", msg);
}

/* ---- resources ---------------------------------------------------------- */

static void release(struct xbb_dev *dev)
{
	struct xbb_map_rec *m;

	while ((m = dev->maps) != NULL) {
		dev->maps = m->next;
		xenif_gnttab_unmap(dev->xg, m->addr, m->n);
		free(m);
	}
	if (dev->xg != NULL) {
		xenif_gnttab_close(dev->xg);
		dev->xg = NULL;
	}
	if (dev->xe != NULL) {
		xenif_evtchn_close(dev->xe);
		dev->xe = NULL;
	}
}

static void disconnect(struct xbb_dev *dev)
{
	if (dev->connected) {
		dev->connected = false;
		if (dev->b->ops->disconnect != NULL) {
			dev->b->ops->disconnect(dev);
		}
	}
	release(dev);
}

static void forget(struct xbb_dev *dev)
{
	struct xbb_dev **pp;

	disconnect(dev);
	if (dev->watching) {
		(void)xsc_unwatch(dev->b->wconn, dev->festate, "fe");
	}
	for (pp = &dev->b->devs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == dev) {
			*pp = dev->next;
			break;
		}
	}
	free(dev->bepath);
	free(dev->fepath);
	free(dev->festate);
	free(dev);
}

/* ---- the state machine -------------------------------------------------- */

/* Whether the frontend domain is gone (or going). */
static bool frontend_dead(struct xbb_dev *dev)
{
	struct xenif_dominfo info;
	char home[48], *v;
	size_t len;
	int ret;

	if (dev->b->xi != NULL) {
		ret = xenif_domain_info(dev->b->xi, dev->fe_id, &info);
		if (ret == -ESRCH || (ret == 0 && info.dying)) {
			return true;
		}
	}
	snprintf(home, sizeof(home), "/local/domain/%u", dev->fe_id);
	ret = xsc_read(dev->b->store, 0, home, &v, &len);
	if (ret == 0) {
		free(v);
	}
	return ret == -ENOENT;
}

static void try_connect(struct xbb_dev *dev)
{
	int ret = dev->b->ops->connect != NULL ? dev->b->ops->connect(dev) : 0;

	if (ret == 0) {
		dev->connected = true;
		write_state(dev, XBB_CONNECTED);
		return;
	}
	release(dev);
	dev->failed = true;
	set_error(dev, ret, "connecting to the frontend");
	write_state(dev, XBB_CLOSING);
	write_state(dev, XBB_CLOSED);
}

/* Returns false when the device was forgotten. */
static bool update(struct xbb_dev *dev)
{
	uint64_t fe = XBB_UNKNOWN;
	int be, ret;

	if (frontend_dead(dev)) {
		disconnect(dev);
		if (backend_state(dev) != XBB_CLOSED) {
			write_state(dev, XBB_CLOSED);
		}
		forget(dev);
		return false;
	}
	if (dev->refused) {
		return true;
	}
	ret = read_uint_path(
		dev->b->store, dev->festate, XBB_RECONFIGURED, &fe);
	if (ret != 0) {
		fe = ret == -ENOENT ? XBB_CLOSED : XBB_UNKNOWN;
	}
	be = backend_state(dev);
	/*
	 * The toolstack removes a device as libxl does: the backend's state
	 * set to Closing (and online to 0). Disconnect and go Closed; no new
	 * connection until the frontend starts again.
	 */
	if (be == XBB_CLOSING) {
		disconnect(dev);
		dev->failed = true;
		write_state(dev, XBB_CLOSED);
		return true;
	}
	switch (fe) {
	case XBB_INITIALISED:
	case XBB_CONNECTED:
		if (!dev->connected && !dev->failed) {
			try_connect(dev);
		}
		break;
	case XBB_CLOSING:
	case XBB_CLOSED:
		disconnect(dev);
		if (be != XBB_CLOSED) {
			write_state(dev, XBB_CLOSED);
		}
		break;
	case XBB_INITIALISING:
	case XBB_INIT_WAIT:
		/* A frontend starting (again) after Closed. */
		if (!dev->connected && be != XBB_INIT_WAIT) {
			dev->failed = false;
			write_state(dev, XBB_INIT_WAIT);
		}
		break;
	default:
		break;
	}
	return true;
}

/* ---- discovery ---------------------------------------------------------- */

static struct xbb_dev *find(struct xbb *b, uint32_t fe_id, uint32_t devid)
{
	struct xbb_dev *d;

	for (d = b->devs; d != NULL; d = d->next) {
		if (d->fe_id == fe_id && d->devid == devid) {
			return d;
		}
	}
	return NULL;
}

/* A new device: checked, watched, InitWait. NULL when it is refused. */
static struct xbb_dev *add(struct xbb *b, uint32_t fe_id, uint32_t devid)
{
	struct xbb_dev *dev = calloc(1, sizeof(*dev));
	char want[160], *fe = NULL, *p;
	size_t len;
	uint64_t id;
	int be, ret;

	if (dev == NULL) {
		return NULL;
	}
	dev->b = b;
	dev->fe_id = fe_id;
	dev->devid = devid;
	snprintf(want, sizeof(want), "%s/%u/%u", b->root, fe_id, devid);
	dev->bepath = strdup(want);
	snprintf(want, sizeof(want), "/local/domain/%u/device/%s/%u", fe_id,
		b->type, devid);
	dev->fepath = strdup(want);
	dev->festate = path_join(want, "state");
	if (dev->bepath == NULL || dev->fepath == NULL ||
		dev->festate == NULL) {
		goto refuse;
	}
	/* A device of a dead domain is left to the toolstack. */
	if (frontend_dead(dev)) {
		goto refuse;
	}
	/*
	 * The toolstack's frontend and frontend-id must name this device
	 * (not there yet: looked at again on the next event).
	 */
	p = path_join(dev->bepath, "frontend-id");
	ret = p == NULL ? -ENOMEM
			: read_uint_path(b->store, p, XBB_MAX_DOMID, &id);
	free(p);
	if (ret == -ENOENT || ret == -ENOMEM) {
		goto refuse;
	}
	if (ret != 0 || id != fe_id) {
		goto bad;
	}
	p = path_join(dev->bepath, "frontend");
	ret = p == NULL ? -ENOMEM : xsc_read(b->store, 0, p, &fe, &len);
	free(p);
	if (ret == -ENOENT || ret == -ENOMEM) {
		goto refuse;
	}
	if (ret != 0 || strlen(fe) != len || strcmp(fe, dev->fepath) != 0) {
		free(fe);
		goto bad;
	}
	free(fe);
	dev->next = b->devs;
	b->devs = dev;
	if (xsc_watch(b->wconn, dev->festate, "fe") == 0) {
		dev->watching = true;
	}
	be = backend_state(dev);
	ret = b->ops->probe != NULL ? b->ops->probe(dev) : 0;
	if (ret != 0) {
		dev->refused = true;
		if (be != XBB_CLOSED) {
			set_error(dev, ret, "setting up the backend");
			write_state(dev, XBB_CLOSED);
		}
		return dev;
	}
	if (be != XBB_CONNECTED && be != XBB_INIT_WAIT) {
		write_state(dev, XBB_INIT_WAIT);
	}
	return dev;
bad:
	/* Written once: a refused device is not looked at again. */
	if (backend_state(dev) != XBB_CLOSED) {
		set_error(dev, EINVAL, "bad frontend or frontend-id");
		write_state(dev, XBB_CLOSED);
	}
refuse:
	free(dev->bepath);
	free(dev->fepath);
	free(dev->festate);
	free(dev);
	return NULL;
}

static void scan_domain(struct xbb *b, const char *dom)
{
	char *p = path_join(b->root, dom), **ids = NULL;
	unsigned int n = 0, i;
	uint64_t fe_id, devid;
	struct xbb_dev *dev;

	if (p == NULL || parse_uint(dom, XBB_MAX_DOMID, &fe_id) != 0 ||
		xsc_directory(b->store, 0, p, &ids, &n) != 0) {
		free(p);
		return;
	}
	free(p);
	for (i = 0; i < n; i++) {
		if (parse_uint(ids[i], UINT32_MAX, &devid) != 0) {
			continue;
		}
		dev = find(b, (uint32_t)fe_id, (uint32_t)devid);
		if (dev == NULL) {
			dev = add(b, (uint32_t)fe_id, (uint32_t)devid);
		}
		if (dev != NULL) {
			dev->seen = true;
		}
	}
	free(ids);
}

void xbb_rescan(struct xbb *b)
{
	struct xbb_dev *d, *next;
	char **doms = NULL;
	unsigned int n = 0, i;

	for (d = b->devs; d != NULL; d = d->next) {
		d->seen = false;
	}
	if (xsc_directory(b->store, 0, b->root, &doms, &n) == 0) {
		for (i = 0; i < n; i++) {
			scan_domain(b, doms[i]);
		}
		free(doms);
	}
	for (d = b->devs; d != NULL; d = next) {
		next = d->next;
		if (!d->seen) {
			forget(d); /* hot-unplug: the backend node is gone */
		} else {
			(void)update(d);
		}
	}
}

/* The device whose frontend state node is path, or NULL. */
static struct xbb_dev *find_festate(struct xbb *b, const char *path)
{
	struct xbb_dev *d;

	for (d = b->devs; d != NULL; d = d->next) {
		if (strcmp(d->festate, path) == 0) {
			return d;
		}
	}
	return NULL;
}

/* Whether the backend node of dev is still there. */
static bool backend_exists(struct xbb_dev *dev)
{
	char *v;
	size_t len;
	int ret = xsc_read(dev->b->store, 0, dev->bepath, &v, &len);

	if (ret == 0) {
		free(v);
	}
	return ret != -ENOENT;
}

/*
 * An event under the backend root: "" (the root), "<domid>" or
 * "<domid>/<devid>[/...]".
 */
static void backend_event(struct xbb *b, const char *rel)
{
	char dom[16];
	const char *slash = strchr(rel, '/'), *end;
	uint64_t fe_id, devid;
	struct xbb_dev *dev;
	char id[16];
	size_t n;

	if (*rel == '\0') {
		xbb_rescan(b);
		return;
	}
	n = slash != NULL ? (size_t)(slash - rel) : strlen(rel);
	if (n >= sizeof(dom)) {
		return;
	}
	memcpy(dom, rel, n);
	dom[n] = '\0';
	if (parse_uint(dom, XBB_MAX_DOMID, &fe_id) != 0) {
		return;
	}
	if (slash == NULL) {
		/* The domain's directory: new devices, or all of them gone. */
		for (dev = b->devs; dev != NULL; dev = dev->next) {
			dev->seen = dev->fe_id != fe_id;
		}
		scan_domain(b, dom);
		for (dev = b->devs; dev != NULL;) {
			struct xbb_dev *next = dev->next;

			if (!dev->seen) {
				forget(dev);
			}
			dev = next;
		}
		return;
	}
	end = strchr(slash + 1, '/');
	n = end != NULL ? (size_t)(end - slash - 1) : strlen(slash + 1);
	if (n >= sizeof(id)) {
		return;
	}
	memcpy(id, slash + 1, n);
	id[n] = '\0';
	if (parse_uint(id, UINT32_MAX, &devid) != 0) {
		return;
	}
	dev = find(b, (uint32_t)fe_id, (uint32_t)devid);
	if (dev == NULL) {
		dev = add(b, (uint32_t)fe_id, (uint32_t)devid);
		if (dev != NULL) {
			(void)update(dev);
		}
	} else if (!backend_exists(dev)) {
		forget(dev); /* hot-unplug */
	} else {
		(void)update(dev); /* e.g. the toolstack's Closing */
	}
}

static void release_event(struct xbb *b)
{
	struct xbb_dev *dev, *next;

	for (dev = b->devs; dev != NULL; dev = next) {
		next = dev->next;
		if (frontend_dead(dev)) {
			(void)update(dev); /* disconnects and forgets */
		}
	}
}

static void watch_event(struct xbb *b, const char *path, const char *token)
{
	size_t rl = strlen(b->root);
	struct xbb_dev *dev;

	if (strcmp(token, "fe") == 0) {
		dev = find_festate(b, path);
		if (dev != NULL) {
			(void)update(dev);
		}
	} else if (strcmp(token, "rel") == 0) {
		release_event(b);
	} else if (strncmp(path, b->root, rl) == 0 &&
		   (path[rl] == '\0' || path[rl] == '/')) {
		backend_event(b, path[rl] == '/' ? path + rl + 1 : "");
	}
}

static void on_watch(evutil_socket_t fd, short what, void *arg)
{
	struct xbb *b = arg;
	char *path, *token;

	(void)fd;
	(void)what;
	while (xsc_read_watch(b->wconn, 0, &path, &token) == 0) {
		watch_event(b, path, token);
		free(path);
		free(token);
	}
}

/* ---- the object --------------------------------------------------------- */

struct xbb *xbb_new_at(struct event_base *base, struct xsc *store,
	const char *store_path, struct xenif *xi, const char *type,
	const struct xbb_ops *ops, void *arg)
{
	struct xbb *b;
	size_t n;
	int ret;

	if (base == NULL || store == NULL || type == NULL || ops == NULL ||
		*type == '\0' || strchr(type, '/') != NULL) {
		errno = EINVAL;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		return NULL;
	}
	b->base = base;
	b->store = store;
	b->xi = xi;
	b->ops = ops;
	b->arg = arg;
	b->type = strdup(type);
	n = strlen(type) + sizeof("/local/domain/0/backend/");
	b->root = malloc(n);
	if (b->type == NULL || b->root == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	snprintf(b->root, n, "/local/domain/0/backend/%s", type);
	ret = xsc_open(store_path, &b->wconn);
	if (ret != 0) {
		goto fail;
	}
	ret = xsc_watch(b->wconn, b->root, "be");
	if (ret == 0) {
		ret = xsc_watch(b->wconn, "@releaseDomain", "rel");
	}
	if (ret != 0) {
		goto fail;
	}
	b->ev = event_new(
		base, xsc_fd(b->wconn), EV_READ | EV_PERSIST, on_watch, b);
	if (b->ev == NULL || event_add(b->ev, NULL) != 0) {
		ret = -ENOMEM;
		goto fail;
	}
	xbb_rescan(b);
	/*
	 * Events that arrived during the synchronous calls above are queued
	 * in the client, not on the socket: drain them now.
	 */
	on_watch(-1, 0, b);
	return b;
fail:
	xbb_free(b);
	errno = -ret;
	return NULL;
}

struct xbb *xbb_new(struct event_base *base, struct xsc *store,
	struct xenif *xi, const char *type, const struct xbb_ops *ops,
	void *arg)
{
	return xbb_new_at(base, store, NULL, xi, type, ops, arg);
}

void xbb_free(struct xbb *b)
{
	if (b == NULL) {
		return;
	}
	while (b->devs != NULL) {
		forget(b->devs);
	}
	if (b->ev != NULL) {
		event_free(b->ev);
	}
	xsc_close(b->wconn);
	free(b->type);
	free(b->root);
	free(b);
}

unsigned int xbb_count(const struct xbb *b)
{
	const struct xbb_dev *d;
	unsigned int n = 0;

	for (d = b->devs; d != NULL; d = d->next) {
		n++;
	}
	return n;
}

/* ---- per device --------------------------------------------------------- */

void *xbb_arg(const struct xbb_dev *dev)
{
	return dev->b->arg;
}

uint32_t xbb_frontend_id(const struct xbb_dev *dev)
{
	return dev->fe_id;
}

uint32_t xbb_devid(const struct xbb_dev *dev)
{
	return dev->devid;
}

const char *xbb_backend_path(const struct xbb_dev *dev)
{
	return dev->bepath;
}

const char *xbb_frontend_path(const struct xbb_dev *dev)
{
	return dev->fepath;
}

void xbb_set_priv(struct xbb_dev *dev, void *priv)
{
	dev->priv = priv;
}

void *xbb_priv(const struct xbb_dev *dev)
{
	return dev->priv;
}

int xbb_read_uint(
	struct xbb_dev *dev, const char *key, uint64_t max, uint64_t *v)
{
	char *p = path_join(dev->fepath, key);
	int ret;

	if (p == NULL) {
		return -ENOMEM;
	}
	ret = read_uint_path(dev->b->store, p, max, v);
	free(p);
	return ret;
}

int xbb_read_backend(
	struct xbb_dev *dev, const char *key, size_t max, char **value)
{
	char *p = path_join(dev->bepath, key), *v;
	size_t len;
	int ret;

	if (p == NULL) {
		return -ENOMEM;
	}
	ret = xsc_read(dev->b->store, 0, p, &v, &len);
	free(p);
	if (ret != 0) {
		return ret;
	}
	if (strlen(v) != len || len > max) {
		free(v);
		return len > max ? -E2BIG : -EINVAL;
	}
	*value = v;
	return 0;
}

int xbb_write(struct xbb_dev *dev, const char *key, const char *value)
{
	char *p = path_join(dev->bepath, key);
	int ret;

	if (p == NULL) {
		return -ENOMEM;
	}
	ret = xsc_write(dev->b->store, 0, p, value, strlen(value));
	free(p);
	return ret;
}

void *xbb_map(struct xbb_dev *dev, const uint32_t *refs, uint32_t n, int prot)
{
	struct xbb_map_rec *m;
	void *addr;

	if (dev->b->xi == NULL || n == 0) {
		errno = EINVAL;
		return NULL;
	}
	if (dev->xg == NULL) {
		dev->xg = xenif_gnttab_open(dev->b->xi);
		if (dev->xg == NULL) {
			return NULL;
		}
	}
	m = malloc(sizeof(*m));
	if (m == NULL) {
		return NULL;
	}
	addr = xenif_gnttab_map(dev->xg, dev->fe_id, refs, n, prot);
	if (addr == NULL) {
		free(m);
		return NULL;
	}
	m->addr = addr;
	m->n = n;
	m->next = dev->maps;
	dev->maps = m;
	return addr;
}

int xbb_bind(struct xbb_dev *dev, uint32_t port)
{
	if (dev->b->xi == NULL) {
		return -EINVAL;
	}
	if (dev->xe == NULL) {
		dev->xe = xenif_evtchn_open(dev->b->xi);
		if (dev->xe == NULL) {
			return errno != 0 ? -errno : -EIO;
		}
	}
	return xenif_evtchn_bind_interdomain(dev->xe, dev->fe_id, port);
}

struct xenif_evtchn *xbb_evtchn(struct xbb_dev *dev)
{
	return dev->xe;
}
