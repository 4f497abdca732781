/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * p9backend's two transports around the 9P server (p9server.h):
 *
 *   p9x_  Xen 9pfs rings (docs/misc/9pfs.pandoc): the devices of type
 *         "9pfs" under this Dom0's backend directory, found and driven by
 *         libs/xenbus_backend; one 9P session per device, fed by all of
 *         its rings.
 *   p9u_  a Unix stream socket: one 9P session per client connection on
 *         one export given on the command line.
 *
 * Both run on the daemon's libevent loop, single-threaded.
 */
#ifndef P9BACKEND_TRANSPORT_H
#define P9BACKEND_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "p9server.h"

struct event_base;
struct xenif;
struct xsc;

/* ---- Xen rings ---------------------------------------------------------- */

/* Advertised to frontends: "max-rings" and "max-ring-page-order". */
#define P9X_DEFAULT_MAX_RINGS 4u
#define P9X_MAX_RINGS 64u
#define P9X_MAX_RING_ORDER 9u /* the index page holds at most 512 refs */

struct p9x_config {
	unsigned int max_rings;      /* 1..P9X_MAX_RINGS */
	unsigned int max_ring_order; /* 1..P9X_MAX_RING_ORDER */
	bool force_readonly;         /* every export read-only */
};

struct p9x;

/*
 * Serve the 9pfs devices of this Dom0. store is a synchronous store
 * connection for reads and writes; store_path the socket for the watch
 * connection (NULL: the default). NULL with errno.
 */
struct p9x *p9x_new(struct event_base *base, struct xsc *store,
	const char *store_path, struct xenif *xi, const struct p9x_config *cfg);
/* Disconnect every device (leaving the store nodes) and free. */
void p9x_free(struct p9x *x);
/* Devices known / connected. */
unsigned int p9x_devices(const struct p9x *x);
unsigned int p9x_connected(const struct p9x *x);

/* ---- Unix socket -------------------------------------------------------- */

#define P9U_DEFAULT_MSIZE (1024u * 1024u)
#define P9U_MAX_CLIENTS 256u

struct p9u;

/*
 * Listen on path (created with mode 0600; a stale socket file is
 * replaced) and serve ex to every client, msizes up to max_msize. NULL
 * with errno.
 */
struct p9u *p9u_new(struct event_base *base, const char *path,
	struct p9s_export *ex, uint32_t max_msize);
/* Close every client and the listener, and unlink the socket. */
void p9u_free(struct p9u *u);
unsigned int p9u_clients(const struct p9u *u);

#endif /* P9BACKEND_TRANSPORT_H */
