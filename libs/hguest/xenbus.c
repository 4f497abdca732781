/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenbus client of test guests (xenbus.h): xenstore messages over the
 * store ring page, following docs/misc/xenstore-ring.txt:
 *
 *  - indices are free-running 32-bit counters, used modulo the ring size
 *    (MASK_XENSTORE_IDX); prod - cons beyond the ring size is an error;
 *  - producing: read the consumer index, then write the data, then (write
 *    barrier) publish the producer index, then notify;
 *  - consuming: read the producer index, then (read barrier) the data,
 *    then (full barrier) publish the consumer index, then notify;
 *  - only the store writes the server features and the error field; the
 *    guest sets the connection state to XENSTORE_RECONNECT, the store back
 *    to XENSTORE_CONNECTED.
 *
 * Everything from the ring is copied to private memory before it is
 * parsed, so the store cannot change a message while we look at it.
 */
#include "xenbus.h"

#include <errno.h> /* before xs_wire.h: it defines xsd_errors after EINVAL */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hguest.h"
#include "hvm/params.h"

#define XB_HDR sizeof(struct xsd_sockmsg)
#define XB_DEFAULT_TIMEOUT_MS 30000
#define XB_MAX_QUEUED_EVENTS 4096u

struct xb_event {
	struct xb_event *next;
	char *path;
	char *token;
};

struct hg_xb {
	struct xenstore_domain_interface *intf;
	struct hg_xb_transport t;
	void *arg;
	struct hg *hg; /* hg_xb_open() only */
	int port;
	int timeout_ms;
	bool broken;
	uint32_t next_req_id;
	/* the message being received */
	size_t rx_got;
	struct xsd_sockmsg rx_hdr;
	/* the reply awaited */
	bool awaiting;
	uint32_t await_id;
	bool have_reply;
	struct xsd_sockmsg reply_hdr;
	char *reply;
	/* watch events */
	struct xb_event *ev_head, **ev_tail;
	unsigned int ev_count;
	unsigned long ev_dropped;
	char rx[XB_HDR + XENSTORE_PAYLOAD_MAX];
	char tx[XB_HDR + XENSTORE_PAYLOAD_MAX];
	char scratch[XENSTORE_PAYLOAD_MAX];
};

/* ---- the ring core ------------------------------------------------------- */

int hg_xs_ring_write(
	struct xenstore_domain_interface *intf, const void *data, size_t len)
{
	XENSTORE_RING_IDX cons, prod, used, off, chunk;
	const char *src = data;
	size_t done = 0;

	cons = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
	prod = __atomic_load_n(&intf->req_prod, __ATOMIC_RELAXED);
	used = prod - cons;
	if (used > XENSTORE_RING_SIZE) {
		return -EIO;
	}
	/* The data goes in only after the consumer index was read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (done < len && used < XENSTORE_RING_SIZE) {
		off = MASK_XENSTORE_IDX(prod);
		chunk = XENSTORE_RING_SIZE - off;
		if (chunk > XENSTORE_RING_SIZE - used) {
			chunk = XENSTORE_RING_SIZE - used;
		}
		if (chunk > len - done) {
			chunk = (XENSTORE_RING_IDX)(len - done);
		}
		memcpy(intf->req + off, src + done, chunk);
		prod += chunk;
		used += chunk;
		done += chunk;
	}
	if (done > 0) {
		/* The store must not see the new index before the data. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		__atomic_store_n(&intf->req_prod, prod, __ATOMIC_RELEASE);
	}
	return (int)done;
}

int hg_xs_ring_read(
	struct xenstore_domain_interface *intf, void *data, size_t len)
{
	XENSTORE_RING_IDX cons, prod, avail, off, chunk;
	char *dst = data;
	size_t done = 0;

	prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE);
	cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_RELAXED);
	avail = prod - cons;
	if (avail > XENSTORE_RING_SIZE) {
		return -EIO;
	}
	/* The data is read only after the producer index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	while (done < len && avail > 0) {
		off = MASK_XENSTORE_IDX(cons);
		chunk = XENSTORE_RING_SIZE - off;
		if (chunk > avail) {
			chunk = avail;
		}
		if (chunk > len - done) {
			chunk = (XENSTORE_RING_IDX)(len - done);
		}
		memcpy(dst + done, intf->rsp + off, chunk);
		cons += chunk;
		avail -= chunk;
		done += chunk;
	}
	if (done > 0) {
		/* The store must not see the space free before we copied. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		__atomic_store_n(&intf->rsp_cons, cons, __ATOMIC_RELEASE);
	}
	return (int)done;
}

/* ---- helpers ------------------------------------------------------------- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xb_deadline(int timeout_ms)
{
	if (timeout_ms < 0) {
		return 0;
	}
	return mono_ns() + (uint64_t)timeout_ms * 1000000ull;
}

/** Wait for the store until deadline (0: none): 0 or -errno. */
static int xb_wait(struct hg_xb *xb, uint64_t deadline)
{
	uint64_t now, left;
	int ms = -1;
	int rc;

	if (deadline != 0) {
		now = mono_ns();
		if (now >= deadline) {
			return -ETIMEDOUT;
		}
		left = (deadline - now + 999999ull) / 1000000ull;
		ms = left > INT_MAX ? INT_MAX : (int)left;
	}
	rc = xb->t.wait(xb->arg, ms);
	return rc < 0 ? rc : 0;
}

static int xb_notify(struct hg_xb *xb)
{
	return xb->t.notify(xb->arg);
}

/** Signals until now are acted on: the ring is looked at next. */
static void xb_ack(struct hg_xb *xb)
{
	if (xb->t.ack != NULL) {
		xb->t.ack(xb->arg);
	}
}

static void free_events(struct hg_xb *xb)
{
	struct xb_event *e;

	while ((e = xb->ev_head) != NULL) {
		xb->ev_head = e->next;
		free(e->path);
		free(e->token);
		free(e);
	}
	xb->ev_tail = &xb->ev_head;
	xb->ev_count = 0;
}

/** Forget every message in flight (after a reconnection). */
static void xb_reset(struct hg_xb *xb)
{
	xb->rx_got = 0;
	xb->have_reply = false;
	free(xb->reply);
	xb->reply = NULL;
	free_events(xb);
	xb->broken = false;
}

static bool reconnecting(struct hg_xb *xb)
{
	uint32_t f =
		__atomic_load_n(&xb->intf->server_features, __ATOMIC_ACQUIRE);

	return (f & XENSTORE_SERVER_FEATURE_RECONNECTION) &&
	       __atomic_load_n(&xb->intf->connection, __ATOMIC_ACQUIRE) !=
		       XENSTORE_CONNECTED;
}

/** Wait until the store sets the state back to XENSTORE_CONNECTED. */
static int wait_connected(struct hg_xb *xb, uint64_t deadline)
{
	int rc;

	while (__atomic_load_n(&xb->intf->connection, __ATOMIC_ACQUIRE) !=
		XENSTORE_CONNECTED) {
		rc = xb_wait(xb, deadline);
		if (rc < 0) {
			return rc;
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/** Whether the ring may be used: 0, -EIO, or -ECONNRESET. */
static int xb_check(struct hg_xb *xb)
{
	int rc;

	if (xb->broken) {
		return -EIO;
	}
	if (__atomic_load_n(&xb->intf->error, __ATOMIC_ACQUIRE) !=
		XENSTORE_ERROR_NONE) {
		xb->broken = true;
		return -EIO;
	}
	if (reconnecting(xb)) {
		/* Someone else reset the ring: what was in flight is gone. */
		rc = wait_connected(xb, xb_deadline(xb->timeout_ms));
		if (rc < 0) {
			xb->broken = true;
			return -EIO;
		}
		xb_reset(xb);
		return -ECONNRESET;
	}
	return 0;
}

/* ---- receiving ----------------------------------------------------------- */

static char *dup_bytes(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static int queue_event(struct hg_xb *xb, const char *payload, size_t len)
{
	const char *nul = memchr(payload, '\0', len);
	const char *token, *tend;
	struct xb_event *e;

	if (nul == NULL) {
		return -EIO; /* no path */
	}
	token = nul + 1;
	tend = memchr(token, '\0', (size_t)(payload + len - token));
	if (tend == NULL) {
		tend = payload + len;
	}
	if (xb->ev_count >= XB_MAX_QUEUED_EVENTS) {
		xb->ev_dropped++;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL) {
		return -ENOMEM;
	}
	e->path = dup_bytes(payload, (size_t)(nul - payload));
	e->token = dup_bytes(token, (size_t)(tend - token));
	if (e->path == NULL || e->token == NULL) {
		free(e->path);
		free(e->token);
		free(e);
		return -ENOMEM;
	}
	*xb->ev_tail = e;
	xb->ev_tail = &e->next;
	xb->ev_count++;
	return 0;
}

/** A whole message arrived in xb->rx. */
static int dispatch(struct hg_xb *xb)
{
	const char *payload = xb->rx + XB_HDR;
	size_t len = xb->rx_hdr.len;

	if (xb->rx_hdr.type == XS_WATCH_EVENT) {
		return queue_event(xb, payload, len);
	}
	if (!xb->awaiting || xb->have_reply ||
		xb->rx_hdr.req_id != xb->await_id) {
		return 0; /* the reply of an abandoned request */
	}
	xb->reply = dup_bytes(payload, len);
	if (xb->reply == NULL) {
		return -ENOMEM;
	}
	xb->reply_hdr = xb->rx_hdr;
	xb->have_reply = true;
	return 0;
}

/** Take in what the response ring holds; notify if anything was taken. */
static int xb_pump(struct hg_xb *xb)
{
	bool consumed = false;
	size_t want;
	int n, rc = 0;

	for (;;) {
		if (xb->rx_got >= XB_HDR) {
			if (xb->rx_got == XB_HDR + xb->rx_hdr.len) {
				xb->rx_got = 0;
				rc = dispatch(xb);
				if (rc < 0) {
					break;
				}
				continue;
			}
			want = XB_HDR + xb->rx_hdr.len - xb->rx_got;
		} else {
			want = XB_HDR - xb->rx_got;
		}
		n = hg_xs_ring_read(xb->intf, xb->rx + xb->rx_got, want);
		if (n < 0) {
			rc = n;
			break;
		}
		if (n == 0) {
			break;
		}
		consumed = true;
		xb->rx_got += (size_t)n;
		if (xb->rx_got == XB_HDR) {
			memcpy(&xb->rx_hdr, xb->rx, XB_HDR);
			if (xb->rx_hdr.len > XENSTORE_PAYLOAD_MAX) {
				rc = -EIO;
				break;
			}
		}
	}
	if (rc < 0) {
		xb->broken = true;
		return -EIO;
	}
	if (consumed) {
		return xb_notify(xb);
	}
	return 0;
}

/* ---- requests ------------------------------------------------------------ */

static int xb_send(struct hg_xb *xb, size_t total, uint64_t deadline)
{
	size_t off = 0;
	int n, rc;

	while (off < total) {
		rc = xb_check(xb);
		if (rc == 0) {
			n = hg_xs_ring_write(
				xb->intf, xb->tx + off, total - off);
			if (n > 0) {
				off += (size_t)n;
				rc = xb_notify(xb);
				if (rc == 0) {
					continue;
				}
			} else if (n < 0) {
				rc = -EIO;
			} else {
				/* Full: keep the other direction moving. */
				rc = xb_pump(xb);
				if (rc == 0) {
					rc = xb_wait(xb, deadline);
				}
			}
		}
		if (rc < 0) {
			if (off > 0 && rc != -ECONNRESET) {
				xb->broken = true; /* half a message */
			}
			return rc;
		}
	}
	return 0;
}

int hg_xb_request(struct hg_xb *xb, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *rtype, char **reply,
	size_t *rlen)
{
	uint64_t deadline = xb_deadline(xb->timeout_ms);
	struct xsd_sockmsg h;
	int rc;

	*reply = NULL;
	if (len > XENSTORE_PAYLOAD_MAX) {
		return -E2BIG;
	}
	if (len > 0 && payload == NULL) {
		return -EINVAL;
	}
	rc = xb_check(xb);
	if (rc < 0) {
		return rc;
	}
	/* Earlier events and stale replies out of the way first. */
	rc = xb_pump(xb);
	if (rc < 0) {
		return rc;
	}
	h.type = type;
	h.req_id = xb->next_req_id++;
	h.tx_id = tx_id;
	h.len = (uint32_t)len;
	memcpy(xb->tx, &h, XB_HDR);
	if (len > 0) {
		memcpy(xb->tx + XB_HDR, payload, len);
	}
	free(xb->reply);
	xb->reply = NULL;
	xb->have_reply = false;
	xb->awaiting = true;
	xb->await_id = h.req_id;
	rc = xb_send(xb, XB_HDR + len, deadline);
	while (rc == 0) {
		xb_ack(xb);
		rc = xb_pump(xb);
		if (rc < 0 || xb->have_reply) {
			break;
		}
		rc = xb_check(xb);
		if (rc == 0) {
			rc = xb_wait(xb, deadline);
		}
	}
	xb->awaiting = false;
	if (rc < 0) {
		return rc;
	}
	*rtype = xb->reply_hdr.type;
	*rlen = xb->reply_hdr.len;
	*reply = xb->reply;
	xb->reply = NULL;
	xb->have_reply = false;
	return 0;
}

int hg_xb_error_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (strcmp(name, xsd_errors[i].errstring) == 0) {
			return -xsd_errors[i].errnum;
		}
	}
	return -EIO;
}

/**
 * A request whose reply must be of its own type: the reply (NUL added) in
 * *reply and *rlen if reply is not NULL.
 */
static int xb_call(struct hg_xb *xb, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, char **reply, size_t *rlen)
{
	uint32_t rtype;
	size_t n;
	char *r;
	int rc;

	rc = hg_xb_request(xb, type, tx_id, payload, len, &rtype, &r, &n);
	if (rc < 0) {
		return rc;
	}
	if (rtype == XS_ERROR) {
		rc = hg_xb_error_from_name(r);
		free(r);
		return rc;
	}
	if (rtype != type) {
		free(r);
		return -EIO;
	}
	if (reply != NULL) {
		*reply = r;
		if (rlen != NULL) {
			*rlen = n;
		}
	} else {
		free(r);
	}
	return 0;
}

/** Append len bytes to the scratch payload at *off; -E2BIG if too long. */
static int put_bytes(struct hg_xb *xb, size_t *off, const void *s, size_t len)
{
	if (len > XENSTORE_PAYLOAD_MAX - *off) {
		return -E2BIG;
	}
	memcpy(xb->scratch + *off, s, len);
	*off += len;
	return 0;
}

/** Append a string with its NUL. */
static int put_str(struct hg_xb *xb, size_t *off, const char *s)
{
	if (s == NULL) {
		return -EINVAL;
	}
	return put_bytes(xb, off, s, strlen(s) + 1);
}

static int path_call(struct hg_xb *xb, uint32_t type, uint32_t tx_id,
	const char *path, char **reply, size_t *rlen)
{
	size_t off = 0;
	int rc;

	rc = put_str(xb, &off, path);
	if (rc < 0) {
		return rc;
	}
	return xb_call(xb, type, tx_id, xb->scratch, off, reply, rlen);
}

/** NUL-separated strings as one allocation of pointers and strings. */
static int split(const char *s, size_t len, char ***out, unsigned int *count)
{
	unsigned int n = 0, i;
	size_t pos, l;
	char **v, *dst;

	for (pos = 0; pos < len; pos += l + 1) {
		l = strnlen(s + pos, len - pos);
		n++;
	}
	v = malloc(sizeof(char *) * (n + 1) + len + 1);
	if (v == NULL) {
		return -ENOMEM;
	}
	dst = (char *)(v + n + 1);
	memcpy(dst, s, len);
	dst[len] = '\0';
	for (i = 0, pos = 0; i < n; i++, pos += l + 1) {
		l = strnlen(dst + pos, len - pos);
		v[i] = dst + pos;
	}
	v[n] = NULL;
	*out = v;
	*count = n;
	return 0;
}

int hg_xb_read(struct hg_xb *xb, uint32_t tx_id, const char *path, char **value,
	size_t *len)
{
	size_t n;
	int rc;

	*value = NULL;
	rc = path_call(xb, XS_READ, tx_id, path, value, &n);
	if (rc == 0 && len != NULL) {
		*len = n;
	}
	return rc;
}

int hg_xb_write(struct hg_xb *xb, uint32_t tx_id, const char *path,
	const void *value, size_t len)
{
	size_t off = 0;
	int rc;

	rc = put_str(xb, &off, path);
	if (rc == 0 && len > 0) {
		rc = value != NULL ? put_bytes(xb, &off, value, len) : -EINVAL;
	}
	if (rc < 0) {
		return rc;
	}
	return xb_call(xb, XS_WRITE, tx_id, xb->scratch, off, NULL, NULL);
}

int hg_xb_mkdir(struct hg_xb *xb, uint32_t tx_id, const char *path)
{
	return path_call(xb, XS_MKDIR, tx_id, path, NULL, NULL);
}

int hg_xb_rm(struct hg_xb *xb, uint32_t tx_id, const char *path)
{
	return path_call(xb, XS_RM, tx_id, path, NULL, NULL);
}

static int list_call(struct hg_xb *xb, uint32_t type, uint32_t tx_id,
	const char *path, char ***out, unsigned int *count)
{
	char *r;
	size_t n;
	int rc;

	*out = NULL;
	*count = 0;
	rc = path_call(xb, type, tx_id, path, &r, &n);
	if (rc < 0) {
		return rc;
	}
	rc = split(r, n, out, count);
	free(r);
	return rc;
}

int hg_xb_directory(struct hg_xb *xb, uint32_t tx_id, const char *path,
	char ***names, unsigned int *count)
{
	return list_call(xb, XS_DIRECTORY, tx_id, path, names, count);
}

int hg_xb_get_perms(struct hg_xb *xb, uint32_t tx_id, const char *path,
	char ***perms, unsigned int *count)
{
	return list_call(xb, XS_GET_PERMS, tx_id, path, perms, count);
}

int hg_xb_set_perms(struct hg_xb *xb, uint32_t tx_id, const char *path,
	const char *const *perms, unsigned int count)
{
	size_t off = 0;
	unsigned int i;
	int rc;

	if (count > 0 && perms == NULL) {
		return -EINVAL;
	}
	rc = put_str(xb, &off, path);
	for (i = 0; rc == 0 && i < count; i++) {
		rc = put_str(xb, &off, perms[i]);
	}
	if (rc < 0) {
		return rc;
	}
	return xb_call(xb, XS_SET_PERMS, tx_id, xb->scratch, off, NULL, NULL);
}

static int watch_call(
	struct hg_xb *xb, uint32_t type, const char *path, const char *token)
{
	size_t off = 0;
	int rc;

	rc = put_str(xb, &off, path);
	if (rc == 0) {
		rc = put_str(xb, &off, token);
	}
	if (rc < 0) {
		return rc;
	}
	return xb_call(xb, type, 0, xb->scratch, off, NULL, NULL);
}

int hg_xb_watch(struct hg_xb *xb, const char *path, const char *token)
{
	return watch_call(xb, XS_WATCH, path, token);
}

int hg_xb_unwatch(struct hg_xb *xb, const char *path, const char *token)
{
	return watch_call(xb, XS_UNWATCH, path, token);
}

int hg_xb_read_watch(
	struct hg_xb *xb, int timeout_ms, char **path, char **token)
{
	uint64_t deadline = timeout_ms > 0 ? xb_deadline(timeout_ms) : 0;
	struct xb_event *e;
	int rc;

	*path = NULL;
	*token = NULL;
	for (;;) {
		if (xb->ev_head == NULL) {
			rc = xb_check(xb);
			if (rc == 0) {
				xb_ack(xb);
				rc = xb_pump(xb);
			}
			if (rc < 0) {
				return rc;
			}
		}
		e = xb->ev_head;
		if (e != NULL) {
			xb->ev_head = e->next;
			if (xb->ev_head == NULL) {
				xb->ev_tail = &xb->ev_head;
			}
			xb->ev_count--;
			*path = e->path;
			*token = e->token;
			free(e);
			return 0;
		}
		if (timeout_ms == 0) {
			return -ETIMEDOUT;
		}
		rc = xb_wait(xb, deadline);
		if (rc < 0) {
			return rc;
		}
	}
}

int hg_xb_transaction_start(struct hg_xb *xb, uint32_t *tx_id)
{
	char *r = NULL, *end;
	unsigned long v;
	int rc;

	rc = xb_call(xb, XS_TRANSACTION_START, 0, "", 1, &r, NULL);
	if (rc < 0) {
		return rc;
	}
	errno = 0;
	v = strtoul(r, &end, 10);
	if (r[0] < '0' || r[0] > '9' || *end != '\0' || errno != 0 || v == 0 ||
		v > UINT32_MAX) {
		rc = -EIO;
	} else {
		*tx_id = (uint32_t)v;
	}
	free(r);
	return rc;
}

int hg_xb_transaction_end(struct hg_xb *xb, uint32_t tx_id, bool commit)
{
	return xb_call(xb, XS_TRANSACTION_END, tx_id, commit ? "T" : "F", 2,
		NULL, NULL);
}

int hg_xb_get_domain_path(struct hg_xb *xb, unsigned int domid, char **path)
{
	char buf[16];
	int n;

	*path = NULL;
	n = snprintf(buf, sizeof(buf), "%u", domid);
	return xb_call(
		xb, XS_GET_DOMAIN_PATH, 0, buf, (size_t)n + 1, path, NULL);
}

/* ---- connections --------------------------------------------------------- */

static struct hg_xb *xb_alloc(struct xenstore_domain_interface *intf,
	const struct hg_xb_transport *t, void *arg)
{
	struct hg_xb *xb = calloc(1, sizeof(*xb));

	if (xb == NULL) {
		return NULL;
	}
	xb->intf = intf;
	xb->t = *t;
	xb->arg = arg;
	xb->port = -1;
	xb->timeout_ms = XB_DEFAULT_TIMEOUT_MS;
	xb->next_req_id = 1;
	xb->ev_tail = &xb->ev_head;
	return xb;
}

/** A connection state of XENSTORE_RECONNECT found at start: wait it out. */
static struct hg_xb *xb_start(struct hg_xb *xb)
{
	int rc;

	if (reconnecting(xb)) {
		rc = wait_connected(xb, xb_deadline(xb->timeout_ms));
		if (rc < 0) {
			free(xb);
			errno = -rc;
			return NULL;
		}
	}
	return xb;
}

struct hg_xb *hg_xb_new(struct xenstore_domain_interface *intf,
	const struct hg_xb_transport *t, void *arg)
{
	struct hg_xb *xb;

	if (intf == NULL || t == NULL || t->notify == NULL || t->wait == NULL) {
		errno = EINVAL;
		return NULL;
	}
	xb = xb_alloc(intf, t, arg);
	if (xb == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return xb_start(xb);
}

static int hg_notify(void *arg)
{
	struct hg_xb *xb = arg;

	return hg_evtchn_send(xb->hg, (evtchn_port_t)xb->port);
}

static int hg_wait(void *arg, int timeout_ms)
{
	struct hg_xb *xb = arg;
	int rc;

	rc = hg_wait_port(xb->hg, (evtchn_port_t)xb->port, timeout_ms);
	if (rc < 0) {
		return rc;
	}
	return rc == 0 ? -ETIMEDOUT : 0;
}

static void hg_ack(void *arg)
{
	struct hg_xb *xb = arg;

	hg_evtchn_clear(xb->hg, (evtchn_port_t)xb->port);
}

static const struct hg_xb_transport hg_transport = {
	.notify = hg_notify,
	.wait = hg_wait,
	.ack = hg_ack,
};

struct hg_xb *hg_xb_open(struct hg *hg)
{
	uint64_t pfn, port;
	void *page;
	struct hg_xb *xb;
	int rc;

	rc = hg_hvm_get_param(hg, HVM_PARAM_STORE_PFN, &pfn);
	if (rc == 0) {
		rc = hg_hvm_get_param(hg, HVM_PARAM_STORE_EVTCHN, &port);
	}
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	page = hg_gfn_to_ptr(hg, pfn);
	if (page == NULL || port == 0 || port >= HG_NR_EVTCHNS) {
		errno = ENXIO; /* no store set up for us */
		return NULL;
	}
	xb = xb_alloc(page, &hg_transport, NULL);
	if (xb == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	xb->arg = xb;
	xb->hg = hg;
	xb->port = (int)port;
	return xb_start(xb);
}

void hg_xb_close(struct hg_xb *xb)
{
	if (xb == NULL) {
		return;
	}
	free_events(xb);
	free(xb->reply);
	free(xb);
}

void hg_xb_set_timeout(struct hg_xb *xb, int timeout_ms)
{
	xb->timeout_ms = timeout_ms < 0 ? -1 : timeout_ms;
}

int hg_xb_evtchn(const struct hg_xb *xb)
{
	return xb->port;
}

unsigned long hg_xb_dropped_events(const struct hg_xb *xb)
{
	return xb->ev_dropped;
}

int hg_xb_reconnect(struct hg_xb *xb)
{
	uint32_t f =
		__atomic_load_n(&xb->intf->server_features, __ATOMIC_ACQUIRE);
	int rc;

	if (!(f & XENSTORE_SERVER_FEATURE_RECONNECTION)) {
		return -EOPNOTSUPP;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(
		&xb->intf->connection, XENSTORE_RECONNECT, __ATOMIC_SEQ_CST);
	rc = xb_notify(xb);
	if (rc == 0) {
		rc = wait_connected(xb, xb_deadline(xb->timeout_ms));
	}
	if (rc < 0) {
		xb->broken = true;
		return rc;
	}
	xb_reset(xb);
	return 0;
}
