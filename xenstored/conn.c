/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements client connections on the Unix socket: reading
 * and framing requests (struct xsd_sockmsg + payload), holding replies
 * and watch events until the turn's commit, and writing them out.
 *
 * Connection life:
 *
 *   accept --xs_conn_new()--> open --peer closes, I/O error, protocol
 *   violation (xs_conn_close())--> closing --xs_turn_end()--> freed
 *
 * A closing connection reads and sends nothing, and its watches and
 * transactions are gone at once; the struct lives until the end of the
 * turn, because requests of that turn may still point at it.
 *
 * A guest's ring connection (ring.c) is the same struct without a socket:
 * its input comes from xs_ring_pull() and its output goes to
 * xs_ring_push(); it has no libevent events of its own.
 *
 * Invariants:
 *   1. conn->outstanding counts requests of this turn whose replies are
 *      held; processing stops at the domain's "outstanding" quota and
 *      resumes after the next flush.
 *   2. A payload longer than XENSTORE_PAYLOAD_MAX closes the connection
 *      (docs/misc/xenstore.txt: "immediately killed").
 *   3. Input is not read past XS_CONN_IN_MAX unparsed bytes, and a peer
 *      that leaves more than XS_CONN_OUT_MAX unread bytes is dropped.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xenstored.h"

/* Replies and events a ring connection may have waiting for room. */
#define XS_RING_OUT_HIGH (64 * 1024)

static void xs_conn_read_cb(evutil_socket_t fd, short what, void *arg);
static void xs_conn_write_cb(evutil_socket_t fd, short what, void *arg);

bool xs_conn_is_privileged(const struct xs_conn *conn)
{
	return conn->domain->domid == 0;
}

/** Stop serving conn; it is freed at the end of the turn. */
void xs_conn_close(struct xs_conn *conn)
{
	struct xs_txn *txn;

	if (conn->closing) {
		return;
	}
	conn->closing = true;
	conn->xs->conns_closing++;
	if (conn->ev_read) {
		event_del(conn->ev_read);
		event_del(conn->ev_write);
	}
	xs_watch_remove_all(conn);
	while ((txn = TAILQ_FIRST(&conn->txns))) {
		xs_txn_free(txn);
	}
	if (conn->queued) {
		TAILQ_REMOVE(&conn->xs->work, conn, work_link);
		conn->queued = false;
	}
	log_debug("conn %u: closed", conn->id);
}

int xs_conn_new(struct xenstored *xs, int fd, struct xs_conn **out)
{
	struct xs_conn *conn = calloc(1, sizeof(*conn));

	if (!conn) {
		return -ENOMEM;
	}
	conn->xs = xs;
	conn->fd = fd;
	conn->id = ++xs->next_conn_id;
	conn->domain = xs_domain_get(xs, 0, true);
	conn->in = evbuffer_new();
	conn->out = evbuffer_new();
	conn->ev_read = event_new(
		xs->base, fd, EV_READ | EV_PERSIST, xs_conn_read_cb, conn);
	conn->ev_write = event_new(
		xs->base, fd, EV_WRITE | EV_PERSIST, xs_conn_write_cb, conn);
	TAILQ_INIT(&conn->pending);
	TAILQ_INIT(&conn->watches);
	TAILQ_INIT(&conn->txns);
	if (!conn->domain || !conn->in || !conn->out || !conn->ev_read ||
		!conn->ev_write || evutil_make_socket_nonblocking(fd) < 0 ||
		event_add(conn->ev_read, NULL) < 0) {
		conn->fd = -1; /* the caller keeps the descriptor */
		conn->closing = true;
		xs_conn_free(conn);
		return -ENOMEM;
	}
	TAILQ_INSERT_TAIL(&xs->conns, conn, link);
	conn->linked = true;
	xs->conn_count++;
	xs->stats.connections_total++;
	*out = conn;
	return 0;
}

int xs_conn_new_ring(struct xenstored *xs, unsigned int domid,
	struct xs_ring *ring, struct xs_conn **out)
{
	struct xs_conn *conn = calloc(1, sizeof(*conn));

	if (!conn) {
		return -ENOMEM;
	}
	conn->xs = xs;
	conn->fd = -1;
	conn->id = ++xs->next_conn_id;
	conn->domain = xs_domain_get(xs, domid, true);
	conn->in = evbuffer_new();
	conn->out = evbuffer_new();
	TAILQ_INIT(&conn->pending);
	TAILQ_INIT(&conn->watches);
	TAILQ_INIT(&conn->txns);
	if (!conn->domain || !conn->in || !conn->out) {
		conn->closing = true;
		xs_conn_free(conn);
		return -ENOMEM;
	}
	conn->ring = ring;
	TAILQ_INSERT_TAIL(&xs->conns, conn, link);
	conn->linked = true;
	xs->conn_count++;
	xs->stats.connections_total++;
	*out = conn;
	return 0;
}

/**
 * Drop everything in flight on conn (ring reconnection or error): input,
 * output, held replies, watches, transactions. The connection stays.
 */
void xs_conn_reset(struct xs_conn *conn)
{
	struct xs_pending *p;
	struct xs_txn *txn;

	evbuffer_drain(conn->in, evbuffer_get_length(conn->in));
	evbuffer_drain(conn->out, evbuffer_get_length(conn->out));
	if (!TAILQ_EMPTY(&conn->pending)) {
		TAILQ_REMOVE(&conn->xs->dirty, conn, link_dirty);
	}
	while ((p = TAILQ_FIRST(&conn->pending))) {
		TAILQ_REMOVE(&conn->pending, p, link);
		evbuffer_free(p->buf);
		free(p);
	}
	xs_watch_remove_all(conn);
	while ((txn = TAILQ_FIRST(&conn->txns))) {
		xs_txn_free(txn);
	}
	conn->outstanding = 0;
	conn->watches_dirty = true;
	conn->ring_dirty = true;
}

/** Free a connection that is closing (or was never linked). */
void xs_conn_free(struct xs_conn *conn)
{
	struct xs_pending *p;

	if (!conn) {
		return;
	}
	xs_conn_close(conn);
	if (!TAILQ_EMPTY(&conn->pending)) {
		TAILQ_REMOVE(&conn->xs->dirty, conn, link_dirty);
	}
	while ((p = TAILQ_FIRST(&conn->pending))) {
		TAILQ_REMOVE(&conn->pending, p, link);
		evbuffer_free(p->buf);
		free(p);
	}
	if (conn->ev_read) {
		event_free(conn->ev_read);
	}
	if (conn->ev_write) {
		event_free(conn->ev_write);
	}
	if (conn->in) {
		evbuffer_free(conn->in);
	}
	if (conn->out) {
		evbuffer_free(conn->out);
	}
	xs_ring_conn_free(conn);
	if (conn->fd >= 0) {
		close(conn->fd);
	}
	if (conn->linked) {
		TAILQ_REMOVE(&conn->xs->conns, conn, link);
		conn->xs->conn_count--;
	}
	free(conn);
}

void xs_conn_queue_work(struct xs_conn *conn)
{
	if (!conn->queued && !conn->closing) {
		TAILQ_INSERT_TAIL(&conn->xs->work, conn, work_link);
		conn->queued = true;
	}
}

/**
 * Read what the socket has into conn->in with one read() (evbuffer_read
 * would first ask the size with an ioctl: a system call per request).
 */
static void xs_conn_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xs_conn *conn = arg;
	struct evbuffer_iovec vec;
	ssize_t n;

	if (evbuffer_reserve_space(conn->in, 16384, &vec, 1) < 1) {
		return;
	}
	n = read(fd, vec.iov_base, vec.iov_len);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		log_debug("conn %u: %s", conn->id,
			n == 0 ? "end of file" : strerror(errno));
		xs_conn_close(conn);
		return;
	}
	vec.iov_len = n > 0 ? (size_t)n : 0;
	evbuffer_commit_space(conn->in, &vec, 1);
	if (evbuffer_get_length(conn->in) >= XS_CONN_IN_MAX) {
		event_del(conn->ev_read);
	}
	xs_conn_queue_work(conn);
}

/*
 * Note: evbuffer_write() returns -1 without setting errno when the buffer
 * is empty, so it is only ever called on a non-empty buffer.
 */
static void xs_conn_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xs_conn *conn = arg;

	if (evbuffer_get_length(conn->out) == 0) {
		event_del(conn->ev_write);
		return;
	}
	if (evbuffer_write(conn->out, fd) < 0 && errno != EAGAIN &&
		errno != EINTR) {
		log_debug("conn %u: write: %s", conn->id, strerror(errno));
		xs_conn_close(conn);
		return;
	}
	if (evbuffer_get_length(conn->out) == 0) {
		event_del(conn->ev_write);
	}
}

/**
 * Parse and run the complete requests in conn's input, up to its
 * "outstanding" quota. Returns true if input is left for a later turn.
 */
static bool xs_conn_process(struct xs_conn *conn)
{
	struct xenstored *xs = conn->xs;
	struct xs_req req;
	char *payload;

	if (conn->ring) {
		xs_ring_pull(conn);
	}
	while (!conn->closing) {
		if (conn->ring &&
			evbuffer_get_length(conn->out) > XS_RING_OUT_HIGH) {
			/* The guest reads slowly: it kicks us when it did. */
			return false;
		}
		if (xs_domain_quota_exceeded(xs, conn->domain, XS_Q_OUTSTANDING,
			    conn->outstanding + 1)) {
			return true;
		}
		memset(&req, 0, sizeof(req));
		if (evbuffer_copyout(conn->in, &req.hdr, sizeof(req.hdr)) <
			(ssize_t)sizeof(req.hdr)) {
			return false;
		}
		if (xs_proto_check_header(&req.hdr) < 0) {
			log_debug("conn %u: payload of %u bytes: closing",
				conn->id, req.hdr.len);
			xs->stats.requests_bad++;
			if (conn->ring) {
				xs_ring_error(conn, XENSTORE_ERROR_PROTO);
			} else {
				xs_conn_close(conn);
			}
			return false;
		}
		if (evbuffer_get_length(conn->in) <
			sizeof(req.hdr) + req.hdr.len) {
			return false;
		}
		payload = malloc(req.hdr.len + 1);
		if (!payload) {
			return true;
		}
		evbuffer_drain(conn->in, sizeof(req.hdr));
		evbuffer_remove(conn->in, payload, req.hdr.len);
		payload[req.hdr.len] = '\0';
		req.conn = conn;
		req.payload = payload;
		req.seq = ++xs->req_seq;
		conn->outstanding++;
		xs_proto_dispatch(&req);
		free(payload);
	}
	return false;
}

/** Step 2 of a loop turn: run the requests that arrived. */
void xs_conn_process_all(struct xenstored *xs)
{
	struct xs_conn *conn, *next;

	for (conn = TAILQ_FIRST(&xs->work); conn; conn = next) {
		next = TAILQ_NEXT(conn, work_link);
		if (xs_conn_process(conn)) {
			continue;
		}
		if (conn->queued) {
			TAILQ_REMOVE(&xs->work, conn, work_link);
			conn->queued = false;
		}
		if (!conn->closing && !conn->ring &&
			evbuffer_get_length(conn->in) < XS_CONN_IN_MAX) {
			event_add(conn->ev_read, NULL);
		}
	}
}

/** Hold a message for conn until the turn's commit (see xs_conn_flush). */
void xs_conn_queue_msg(struct xs_conn *conn, uint32_t type, uint32_t req_id,
	uint32_t tx_id, const void *data, size_t len, uint64_t seq,
	bool is_event)
{
	struct xsd_sockmsg hdr = {type, req_id, tx_id, (uint32_t)len};
	struct xs_pending *p;

	if (conn->closing) {
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->buf = evbuffer_new()) ||
		evbuffer_add(p->buf, &hdr, sizeof(hdr)) < 0 ||
		evbuffer_add(p->buf, data, len) < 0) {
		log_warn("conn %u: no memory for a reply: closing", conn->id);
		if (p && p->buf) {
			evbuffer_free(p->buf);
		}
		free(p);
		xs_conn_close(conn);
		return;
	}
	p->seq = seq;
	p->is_event = is_event;
	p->type = type;
	p->req_id = req_id;
	p->tx_id = tx_id;
	if (TAILQ_EMPTY(&conn->pending)) {
		TAILQ_INSERT_TAIL(&conn->xs->dirty, conn, link_dirty);
	}
	TAILQ_INSERT_TAIL(&conn->pending, p, link);
}

/** The error reply that replaces a reply whose writes were lost. */
static void xs_conn_replace_with_error(struct xs_pending *p, int err)
{
	const char *name = xs_proto_error_name(err);
	struct xsd_sockmsg hdr = {
		XS_ERROR, p->req_id, p->tx_id, (uint32_t)strlen(name) + 1};

	evbuffer_drain(p->buf, evbuffer_get_length(p->buf));
	evbuffer_add(p->buf, &hdr, sizeof(hdr));
	evbuffer_add(p->buf, name, strlen(name) + 1);
}

/**
 * Step 3 of a loop turn, per connection: release held messages. If the
 * commit failed, messages from requests at or after first_write_seq are
 * replaced by an error reply (events are dropped).
 */
void xs_conn_flush(struct xs_conn *conn, bool commit_ok,
	uint64_t first_write_seq, int commit_err)
{
	struct xs_pending *p;

	while ((p = TAILQ_FIRST(&conn->pending))) {
		TAILQ_REMOVE(&conn->pending, p, link);
		if (!commit_ok && first_write_seq &&
			p->seq >= first_write_seq) {
			if (p->is_event) {
				evbuffer_free(p->buf);
				free(p);
				continue;
			}
			xs_conn_replace_with_error(p, commit_err);
		}
		if (!conn->closing) {
			evbuffer_add_buffer(conn->out, p->buf);
		}
		evbuffer_free(p->buf);
		free(p);
	}
	conn->outstanding = 0;
	if (conn->closing || evbuffer_get_length(conn->out) == 0) {
		return;
	}
	if (conn->ring) {
		xs_ring_push(conn);
		if (evbuffer_get_length(conn->out) > XS_CONN_OUT_MAX) {
			log_warn("dom%u: does not read its ring: stopped",
				conn->domain->domid);
			xs_ring_error(conn, XENSTORE_ERROR_COMM);
		}
		return;
	}
	if (evbuffer_write(conn->out, conn->fd) < 0 && errno != EAGAIN &&
		errno != EINTR) {
		log_debug("conn %u: write: %s", conn->id, strerror(errno));
		xs_conn_close(conn);
		return;
	}
	if (evbuffer_get_length(conn->out) > XS_CONN_OUT_MAX) {
		log_warn("conn %u: peer does not read its replies: closing",
			conn->id);
		xs_conn_close(conn);
	} else if (evbuffer_get_length(conn->out) > 0) {
		event_add(conn->ev_write, NULL);
	} else {
		event_del(conn->ev_write);
	}
}
