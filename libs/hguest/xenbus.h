/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A xenbus client for test guests (prefix hg_xb_): the xenstore wire
 * protocol (docs/misc/xenstore.txt) over the store ring page shared with
 * the store (docs/misc/xenstore-ring.txt).
 *
 * The ring core does not depend on the hosted port: hg_xs_ring_write() and
 * hg_xs_ring_read() move bytes through a struct xenstore_domain_interface
 * in any memory, and hg_xb_new() runs the client over such a page with a
 * caller's transport (notify the store, wait for it). hg_xb_open() is the
 * client of a hosted guest: the ring frame and event channel come from
 * HVM_PARAM_STORE_PFN and HVM_PARAM_STORE_EVTCHN.
 *
 * Calls are synchronous: one request at a time, the reply matched by
 * req_id (replies to earlier, abandoned requests are dropped); watch
 * events that arrive meanwhile are queued for hg_xb_read_watch(). Not
 * thread-safe.
 *
 * Errors: 0 or a negative errno. An XS_ERROR reply gives the errno its name
 * denotes ("ENOENT": -ENOENT). A payload over XENSTORE_PAYLOAD_MAX gives
 * -E2BIG without sending anything. Inconsistent ring indices, a reply
 * header announcing more than XENSTORE_PAYLOAD_MAX bytes, a malformed
 * message, or a non-zero error field on the page give -EIO, for every call
 * until a successful hg_xb_reconnect(). A call that outlives the timeout
 * gives -ETIMEDOUT (if that left a request half-written, the connection is
 * broken too). Strings returned are NUL-terminated heap copies freed with
 * free(); string arrays are one allocation (pointers, NULL, then the
 * strings) freed with one free().
 */
#ifndef LIBS_HGUEST_XENBUS_H
#define LIBS_HGUEST_XENBUS_H

#include <errno.h> /* before io/xs_wire.h: its error table needs EINVAL */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/xs_wire.h"

struct hg;
struct hg_xb;

/* ---- the ring core, on any memory ---------------------------------------- */

/**
 * Copy up to len bytes into the request ring and publish them (req_prod).
 * The number copied (0 when the ring is full), or -EIO when req_prod -
 * req_cons is not within the ring. Does not notify.
 */
int hg_xs_ring_write(
	struct xenstore_domain_interface *intf, const void *data, size_t len);
/**
 * Copy up to len bytes out of the response ring and release them
 * (rsp_cons). The number copied (0 when empty), or -EIO when rsp_prod -
 * rsp_cons is not within the ring. Does not notify.
 */
int hg_xs_ring_read(
	struct xenstore_domain_interface *intf, void *data, size_t len);

/** How the client reaches the store. */
struct hg_xb_transport {
	/** Signal the store's event channel; 0 or -errno. */
	int (*notify)(void *arg);
	/**
	 * Wait up to timeout_ms (-1: forever) for a signal from the store:
	 * 0 (possibly spurious), -ETIMEDOUT, or another -errno.
	 */
	int (*wait)(void *arg, int timeout_ms);
	/**
	 * Optional (may be NULL): forget a pending signal from the store;
	 * called before the client looks at the response ring.
	 */
	void (*ack)(void *arg);
};

/**
 * A client over the ring page intf. If the store offers reconnection and
 * the connection state is XENSTORE_RECONNECT, waits until it is
 * XENSTORE_CONNECTED. NULL with errno on failure.
 */
struct hg_xb *hg_xb_new(struct xenstore_domain_interface *intf,
	const struct hg_xb_transport *t, void *arg);
/** The client of a hosted guest's store ring. NULL with errno. */
struct hg_xb *hg_xb_open(struct hg *hg);
/** Free (queued watch events included); accepts NULL. */
void hg_xb_close(struct hg_xb *xb);
/** Limit of each call, in ms (-1: none); 30000 at first. */
void hg_xb_set_timeout(struct hg_xb *xb, int timeout_ms);
/** The store's event channel (hg_xb_open), or -1. */
int hg_xb_evtchn(const struct hg_xb *xb);
/** Watch events dropped because the queue was full. */
unsigned long hg_xb_dropped_events(const struct hg_xb *xb);

/**
 * Ring reconnection (XENSTORE_SERVER_FEATURE_RECONNECTION): set the
 * connection state to XENSTORE_RECONNECT, notify, and wait until the store
 * sets it back to XENSTORE_CONNECTED. Afterwards the client starts afresh:
 * no partial message, no queued watch events (the store dropped the
 * watches and transactions). -EOPNOTSUPP when the store does not offer it.
 */
int hg_xb_reconnect(struct hg_xb *xb);

/**
 * Send one raw request and wait for its reply: *rtype its type (XS_ERROR
 * included), *reply a heap copy with a NUL after its *rlen bytes.
 */
int hg_xb_request(struct hg_xb *xb, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *rtype, char **reply,
	size_t *rlen);

/** READ: *value (NUL added) and, if len is not NULL, its length. */
int hg_xb_read(struct hg_xb *xb, uint32_t tx_id, const char *path, char **value,
	size_t *len);
int hg_xb_write(struct hg_xb *xb, uint32_t tx_id, const char *path,
	const void *value, size_t len);
int hg_xb_mkdir(struct hg_xb *xb, uint32_t tx_id, const char *path);
int hg_xb_rm(struct hg_xb *xb, uint32_t tx_id, const char *path);
/** DIRECTORY: the children's names. */
int hg_xb_directory(struct hg_xb *xb, uint32_t tx_id, const char *path,
	char ***names, unsigned int *count);
/** GET_PERMS: strings such as "b0", "r3". */
int hg_xb_get_perms(struct hg_xb *xb, uint32_t tx_id, const char *path,
	char ***perms, unsigned int *count);
int hg_xb_set_perms(struct hg_xb *xb, uint32_t tx_id, const char *path,
	const char *const *perms, unsigned int count);
int hg_xb_watch(struct hg_xb *xb, const char *path, const char *token);
int hg_xb_unwatch(struct hg_xb *xb, const char *path, const char *token);
/**
 * The next watch event, queued or arriving within timeout_ms (-1: wait
 * forever, 0: only what is there); -ETIMEDOUT when none.
 */
int hg_xb_read_watch(
	struct hg_xb *xb, int timeout_ms, char **path, char **token);
int hg_xb_transaction_start(struct hg_xb *xb, uint32_t *tx_id);
/** commit false aborts; a conflict gives -EAGAIN. */
int hg_xb_transaction_end(struct hg_xb *xb, uint32_t tx_id, bool commit);
int hg_xb_get_domain_path(struct hg_xb *xb, unsigned int domid, char **path);

/** A wire error name ("EACCES") as a negative errno; -EIO if unknown. */
int hg_xb_error_from_name(const char *name);

#endif /* LIBS_HGUEST_XENBUS_H */
