/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenbus backend framework (prefix xbb_): what a Dom0 backend daemon
 * needs to serve the devices of one type (docs/misc/xenbus protocol).
 *
 * An xbb watches /local/domain/0/backend/<type> and the @releaseDomain
 * node, on a connection of its own whose socket libevent polls. Each
 * device /local/domain/0/backend/<type>/<frontend-id>/<devid> is checked
 * (its "frontend" must be /local/domain/<frontend-id>/device/<type>/<devid>
 * and its "frontend-id" the directory's domid), then driven:
 *
 *   appears                        backend state InitWait (4 is kept if
 *                                  already Connected: a restarted backend)
 *   frontend Initialised/Connected ops->connect(dev); 0 gives Connected,
 *                                  failure an "error" node and Closed
 *   frontend Closing/Closed, its   ops->disconnect(dev) (if connected),
 *   node gone, or its domain dead  resources released, Closed; a dead
 *                                  frontend domain forgets the device
 *   frontend back to Initialising  InitWait again (a reconnecting frontend)
 *   toolstack sets backend Closing disconnect and Closed (libxl's removal)
 *   backend node removed           disconnect and forget
 *
 * Everything runs from the event loop; store calls use the caller's
 * synchronous xsc. Values written by the frontend are read with the
 * bound-checking helpers below.
 */
#ifndef LIBS_XENBUS_BACKEND_H
#define LIBS_XENBUS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct xenif;
struct xenif_evtchn;
struct xsc;

/* XenbusState (xen/include/public/io/xenbus.h). */
enum xbb_state {
	XBB_UNKNOWN = 0,
	XBB_INITIALISING = 1,
	XBB_INIT_WAIT = 2,
	XBB_INITIALISED = 3,
	XBB_CONNECTED = 4,
	XBB_CLOSING = 5,
	XBB_CLOSED = 6,
	XBB_RECONFIGURING = 7,
	XBB_RECONFIGURED = 8,
};

struct xbb;
struct xbb_dev;

struct xbb_ops {
	/**
	 * Optional: a device was found, before the backend's InitWait (and
	 * again when a restarted backend re-attaches): write the backend's
	 * feature keys. A negative errno refuses the device: an "error" node
	 * and Closed, until the backend node is removed and written again.
	 */
	int (*probe)(struct xbb_dev *dev);
	/**
	 * The frontend is ready: read its ring-refs and channels, map and
	 * bind them. 0 or a negative errno (then everything acquired through
	 * xbb_map/xbb_bind is released and the device is Closed).
	 */
	int (*connect)(struct xbb_dev *dev);
	/** Stop using the device; called only after a successful connect. */
	void (*disconnect)(struct xbb_dev *dev);
};

/**
 * Serve the devices of type. store is the caller's connection, used for
 * reads and writes; path NULL for the watch connection means the same
 * socket as xsc_open(NULL). NULL with errno on failure.
 */
struct xbb *xbb_new(struct event_base *base, struct xsc *store,
	struct xenif *xi, const char *type, const struct xbb_ops *ops,
	void *arg);
/** Like xbb_new, the watch connection opened on store_path. */
struct xbb *xbb_new_at(struct event_base *base, struct xsc *store,
	const char *store_path, struct xenif *xi, const char *type,
	const struct xbb_ops *ops, void *arg);
/**
 * Stop serving: connected devices are disconnected (ops->disconnect) and
 * their resources released, but their store nodes are left as they are so
 * that a new xbb re-attaches. Accepts NULL.
 */
void xbb_free(struct xbb *b);
/** Look at the store again now (normally done on watch events). */
void xbb_rescan(struct xbb *b);
/** Devices currently known. */
unsigned int xbb_count(const struct xbb *b);

void *xbb_arg(const struct xbb_dev *dev);
uint32_t xbb_frontend_id(const struct xbb_dev *dev);
uint32_t xbb_devid(const struct xbb_dev *dev);
const char *xbb_backend_path(const struct xbb_dev *dev);
const char *xbb_frontend_path(const struct xbb_dev *dev);
void xbb_set_priv(struct xbb_dev *dev, void *priv);
void *xbb_priv(const struct xbb_dev *dev);

/**
 * Read <frontend>/<key> as a decimal integer (digits only, no sign, no
 * leading zeros beyond "0", at most max): 0, -ENOENT, -EINVAL (not a
 * number) or -ERANGE (above max).
 */
int xbb_read_uint(
	struct xbb_dev *dev, const char *key, uint64_t max, uint64_t *v);
/**
 * Read <backend>/<key> (written by the toolstack) as a string of at most
 * max bytes without NUL bytes: 0 with *value to free, -ENOENT, -EINVAL
 * (embedded NUL) or -E2BIG.
 */
int xbb_read_backend(
	struct xbb_dev *dev, const char *key, size_t max, char **value);
/** Write <backend>/<key> (a string). */
int xbb_write(struct xbb_dev *dev, const char *key, const char *value);

/**
 * Map n grant refs of the frontend domain (prot PROT_READ[|PROT_WRITE]);
 * unmapped automatically at disconnect. NULL with errno.
 */
void *xbb_map(struct xbb_dev *dev, const uint32_t *refs, uint32_t n, int prot);
/**
 * Bind the frontend's port; the local port (>= 0) or -errno. Closed at
 * disconnect. Notifications arrive on xbb_evtchn(dev).
 */
int xbb_bind(struct xbb_dev *dev, uint32_t port);
/** The device's event channel handle (NULL before xbb_bind). */
struct xenif_evtchn *xbb_evtchn(struct xbb_dev *dev);

#endif /* LIBS_XENBUS_BACKEND_H */
