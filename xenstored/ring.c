/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements guest connections over the store ring page
 * (struct xenstore_domain_interface, docs/misc/xenstore-ring.txt) and the
 * hypervisor side of the daemon: mapping rings, binding event channels,
 * VIRQ_DOM_EXC, through libs/xenif (hosted or Linux backend).
 *
 * A ring connection is an ordinary struct xs_conn whose bytes come from
 * and go to the ring instead of a socket: xs_ring_pull() copies input into
 * conn->in, xs_ring_push() copies conn->out to the output ring.
 *
 * Exactly once across restarts: input is taken from the ring into memory
 * (rd) at once, but the consumer offset the guest sees (req_cons) is
 * published only at the end of the turn, after the replies are on the
 * ring. When the turn committed writes, or left input that was taken but
 * not yet run, the ring's state goes into the same SQLite commit
 * (ring_state: offsets, the output not yet on the ring, the input not yet
 * run); a restarted daemon compares it with the ring and publishes what
 * was committed (xs_ring_restore()). Read-only requests may be answered
 * twice after a crash, never lost.
 *
 * Untrusted guests: ring offsets are checked (more than a ring's worth of
 * data is an error: XENSTORE_ERROR_RINGIDX), oversized messages are a
 * protocol error (XENSTORE_ERROR_PROTO); an errored connection ignores
 * its ring until the guest asks for a reconnection.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xen.h"
#include "xenif.h"
#include "xenstored.h"

#define XS_FEATURES                                                            \
	(XENSTORE_SERVER_FEATURE_RECONNECTION |                                \
		XENSTORE_SERVER_FEATURE_ERROR |                                \
		XENSTORE_SERVER_FEATURE_WATCHDEPTH)

struct xs_ring {
	struct xs_domain *dom;
	struct xenstore_domain_interface *intf;
	bool kva;              /* dom0's page from /proc/xen/xsd_kva */
	uint32_t local_port;   /* our end of the event channel */
	uint32_t rd;           /* input taken so far (not yet published) */
	uint32_t req_cons_old; /* req_cons published at the turn's start */
	bool pulled;           /* input taken this turn */
	bool errored;          /* stopped: error field set */
	struct xs_conn *conn;
	bool touched; /* on xs_hyp.touched */
	TAILQ_ENTRY(xs_ring) touched_link;
};
TAILQ_HEAD(xs_ring_list, xs_ring);

struct xs_hyp {
	struct xenif *xi;
	struct xenif_evtchn *xe;
	struct event *ev;
	int virq_port;
	struct xs_conn **by_port; /* local port -> ring connection */
	unsigned int by_port_len;
	/*
	 * Rings that may have state to store or input to publish at the end
	 * of the turn (pulled, watches_dirty, ring_dirty): the turn's end
	 * looks at these only, not at every connection.
	 */
	struct xs_ring_list touched;
};

static void xs_ring_event_cb(evutil_socket_t fd, short what, void *arg);

bool xs_ring_available(const struct xenstored *xs)
{
	return xs->hyp != NULL;
}

static int xs_ring_set_port(struct xs_hyp *h, uint32_t port, struct xs_conn *c)
{
	struct xs_conn **n;
	unsigned int len;

	if (port >= h->by_port_len) {
		if (port > (1u << 20)) {
			return -EINVAL;
		}
		len = port + 64;
		n = realloc(h->by_port, sizeof(*n) * len);
		if (!n) {
			return -ENOMEM;
		}
		memset(n + h->by_port_len, 0,
			sizeof(*n) * (len - h->by_port_len));
		h->by_port = n;
		h->by_port_len = len;
	}
	h->by_port[port] = c;
	return 0;
}

/** Have the turn's end look at conn's ring (see xs_hyp.touched). */
static void xs_ring_touch(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;

	if (!r->touched && conn->xs->hyp) {
		r->touched = true;
		TAILQ_INSERT_TAIL(&conn->xs->hyp->touched, r, touched_link);
	}
}

static void xs_ring_notify(struct xenstored *xs, struct xs_ring *r)
{
	xenif_evtchn_notify(xs->hyp->xe, r->local_port);
}

/* ---- opening the hypervisor interface ---------------------------------- */

static int xs_ring_open_dom0(struct xenstored *xs);

int xs_ring_init(struct xenstored *xs)
{
	const char *mode = xs->cfg.xen_mode;
	enum xenif_backend which = XENIF_AUTO;
	struct xs_hyp *h;
	const char *env;

	if (strcmp(mode, "none") == 0) {
		return 0;
	}
	if (strcmp(mode, "hosted") == 0) {
		which = XENIF_HOSTED;
	} else if (strcmp(mode, "linux") == 0) {
		which = XENIF_LINUX;
	} else {
		env = getenv("XEN_HOSTED_SOCKET");
		if (env && *env) {
			which = XENIF_HOSTED;
		} else if (access("/dev/xen/privcmd", F_OK) == 0) {
			which = XENIF_LINUX;
		} else {
			log_info("no hypervisor interface: serving the socket "
				 "only");
			return 0;
		}
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		return -ENOMEM;
	}
	h->virq_port = -1;
	TAILQ_INIT(&h->touched);
	h->xi = xenif_open(which, NULL);
	if (h->xi) {
		h->xe = xenif_evtchn_open(h->xi);
	}
	if (!h->xi || !h->xe) {
		log_err("hypervisor interface (%s): %s", mode, strerror(errno));
		xenif_close(h->xi);
		free(h);
		return -EIO;
	}
	h->ev = event_new(xs->base, xenif_evtchn_fd(h->xe),
		EV_READ | EV_PERSIST, xs_ring_event_cb, xs);
	if (!h->ev || event_add(h->ev, NULL) < 0) {
		xenif_evtchn_close(h->xe);
		xenif_close(h->xi);
		free(h);
		return -ENOMEM;
	}
	xs->hyp = h;
	h->virq_port = xenif_evtchn_bind_virq(h->xe, VIRQ_DOM_EXC);
	if (h->virq_port < 0) {
		log_warn("cannot bind VIRQ_DOM_EXC: %s; dead domains are "
			 "found only by RELEASE",
			strerror(-h->virq_port));
	}
	log_info("hypervisor interface: %s", xenif_backend_name(h->xi));
	return xs_ring_open_dom0(xs);
}

void xs_ring_fini(struct xenstored *xs)
{
	struct xs_hyp *h = xs->hyp;

	if (!h) {
		return;
	}
	if (h->ev) {
		event_free(h->ev);
	}
	xenif_evtchn_close(h->xe);
	xenif_close(h->xi);
	free(h->by_port);
	free(h);
	xs->hyp = NULL;
}

/* ---- ring connections ------------------------------------------------- */

static void xs_ring_unmap(struct xenstored *xs, struct xs_ring *r)
{
	if (!r->intf) {
		return;
	}
	if (r->kva) {
		munmap(r->intf, XS_PAGE_SIZE);
	} else {
		xenif_foreign_unmap(xs->hyp->xi, r->intf, 1);
	}
	r->intf = NULL;
}

/** Called by xs_conn_free() for a ring connection. */
void xs_ring_conn_free(struct xs_conn *conn)
{
	struct xenstored *xs = conn->xs;
	struct xs_ring *r = conn->ring;

	if (!r) {
		return;
	}
	if (xs->hyp) {
		if (r->touched) {
			TAILQ_REMOVE(&xs->hyp->touched, r, touched_link);
		}
		if (r->local_port < xs->hyp->by_port_len &&
			xs->hyp->by_port[r->local_port] == conn) {
			xs->hyp->by_port[r->local_port] = NULL;
		}
		xenif_evtchn_unbind(xs->hyp->xe, r->local_port);
		xs_ring_unmap(xs, r);
	}
	if (r->dom && r->dom->conn == conn) {
		r->dom->conn = NULL;
	}
	free(r);
	conn->ring = NULL;
}

/**
 * A connection for domid over the ring at intf, bound to the guest's
 * port. The ring is advertised our features and left connected.
 */
static int xs_ring_conn_new(struct xenstored *xs, unsigned int domid,
	struct xenstore_domain_interface *intf, bool kva, uint32_t guest_port,
	struct xs_conn **out)
{
	struct xs_conn *conn;
	struct xs_ring *r;
	int port, ret;

	r = calloc(1, sizeof(*r));
	if (!r) {
		return -ENOMEM;
	}
	port = xenif_evtchn_bind_interdomain(xs->hyp->xe, domid, guest_port);
	if (port < 0) {
		log_info("dom%u: cannot bind event channel %u: %s", domid,
			guest_port, strerror(-port));
		free(r);
		return port;
	}
	r->intf = intf;
	r->kva = kva;
	r->local_port = (uint32_t)port;
	ret = xs_conn_new_ring(xs, domid, r, &conn);
	if (ret == 0) {
		ret = xs_ring_set_port(xs->hyp, r->local_port, conn);
		if (ret < 0) {
			conn->ring = NULL;
			xs_conn_close(conn);
		}
	}
	if (ret < 0) {
		xenif_evtchn_unbind(xs->hyp->xe, r->local_port);
		free(r);
		return ret;
	}
	r->dom = conn->domain;
	r->dom->conn = conn;
	r->conn = conn;
	xs_ring_touch(conn); /* INTRODUCE's ring_dirty, a restart's state */
	r->rd = __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE);
	r->req_cons_old = r->rd;
	/* Features first, before any data moves (xenstore-ring.txt). */
	__atomic_fetch_or(
		&intf->server_features, XS_FEATURES, __ATOMIC_SEQ_CST);
	*out = conn;
	return 0;
}

/** dom0's own ring on a real Xen host: /proc/xen/xsd_kva and xsd_port. */
static int xs_ring_open_dom0(struct xenstored *xs)
{
	struct xenstore_domain_interface *intf;
	struct xs_conn *conn;
	char buf[32];
	uint64_t port;
	ssize_t n;
	int fd, ret;

	fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return 0; /* not a Linux dom0 with xenfs */
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (xs_parse_uint(buf, UINT32_MAX, &port) < 0) {
		log_warn("/proc/xen/xsd_port: bad value '%s'", buf);
		return 0;
	}
	fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		log_warn_errno("/proc/xen/xsd_kva");
		return 0;
	}
	intf = mmap(
		NULL, XS_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (intf == MAP_FAILED) {
		log_warn_errno("mapping /proc/xen/xsd_kva");
		return 0;
	}
	ret = xs_ring_conn_new(xs, 0, intf, true, (uint32_t)port, &conn);
	if (ret < 0) {
		munmap(intf, XS_PAGE_SIZE);
		return ret;
	}
	log_info("dom0: ring of the kernel's xenbus connected (port %u)",
		(unsigned int)port);
	/* As Xen's daemon: the kernel waits for an event to probe xenbus. */
	xs_ring_notify(xs, conn->ring);
	xs_conn_queue_work(conn);
	return 0;
}

int xs_ring_introduce(struct xenstored *xs, unsigned int domid, int64_t gfn,
	uint32_t port, struct xs_conn **out)
{
	struct xenstore_domain_interface *intf;
	uint64_t frame = (uint64_t)gfn;
	int err = 0, ret;

	if (!xs->hyp) {
		return -ENOSYS;
	}
	intf = xenif_foreign_map(
		xs->hyp->xi, domid, PROT_READ | PROT_WRITE, &frame, 1, &err);
	if (!intf) {
		log_info("dom%u: cannot map ring frame %lld: %s", domid,
			(long long)gfn, strerror(errno));
		return -EINVAL;
	}
	ret = xs_ring_conn_new(xs, domid, intf, false, port, out);
	if (ret < 0) {
		xenif_foreign_unmap(xs->hyp->xi, intf, 1);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	return 0;
}

/* ---- moving bytes ------------------------------------------------------- */

/** Stop serving the ring: set its error field and tell the guest. */
void xs_ring_error(struct xs_conn *conn, uint32_t err)
{
	struct xs_ring *r = conn->ring;

	if (!r || r->errored) {
		return;
	}
	log_info("dom%u: ring error %u: connection stopped",
		conn->domain->domid, err);
	r->errored = true;
	__atomic_store_n(&r->intf->error, err, __ATOMIC_SEQ_CST);
	xs_conn_reset(conn);
	xs_ring_touch(conn);
	xs_ring_notify(conn->xs, r);
}

/** Take the input the guest produced into conn->in. */
void xs_ring_pull(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;
	struct xenstore_domain_interface *intf = r->intf;
	uint32_t prod, avail, off, chunk;

	/* Every request of a ring connection comes through here first. */
	xs_ring_touch(conn);
	if (r->errored || conn->closing) {
		return;
	}
	prod = __atomic_load_n(&intf->req_prod, __ATOMIC_ACQUIRE);
	avail = prod - r->rd;
	if (avail > XENSTORE_RING_SIZE) {
		xs_ring_error(conn, XENSTORE_ERROR_RINGIDX);
		return;
	}
	while (avail > 0 && evbuffer_get_length(conn->in) < XS_CONN_IN_MAX) {
		off = MASK_XENSTORE_IDX(r->rd);
		chunk = XENSTORE_RING_SIZE - off;
		if (chunk > avail) {
			chunk = avail;
		}
		if (evbuffer_add(conn->in, (const char *)intf->req + off,
			    chunk) < 0) {
			return;
		}
		r->rd += chunk;
		avail -= chunk;
		r->pulled = true;
	}
}

/** Put as much of conn->out on the output ring as fits. */
void xs_ring_push(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;
	struct xenstore_domain_interface *intf = r->intf;
	uint32_t cons, prod, space, off, chunk;
	bool moved = false;
	size_t len;

	if (r->errored) {
		evbuffer_drain(conn->out, evbuffer_get_length(conn->out));
		return;
	}
	cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
	prod = intf->rsp_prod;
	if (prod - cons > XENSTORE_RING_SIZE) {
		xs_ring_error(conn, XENSTORE_ERROR_RINGIDX);
		return;
	}
	while ((len = evbuffer_get_length(conn->out)) > 0) {
		space = XENSTORE_RING_SIZE - (prod - cons);
		if (space == 0) {
			break;
		}
		off = MASK_XENSTORE_IDX(prod);
		chunk = XENSTORE_RING_SIZE - off;
		if (chunk > space) {
			chunk = space;
		}
		if (chunk > len) {
			chunk = (uint32_t)len;
		}
		evbuffer_remove(conn->out, (char *)intf->rsp + off, chunk);
		prod += chunk;
		moved = true;
	}
	if (moved) {
		__atomic_store_n(&intf->rsp_prod, prod, __ATOMIC_RELEASE);
		xs_ring_notify(conn->xs, r);
	}
}

/** After the turn's replies are on the ring: show the guest our progress. */
static void xs_ring_publish(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;

	if (r->errored) {
		return;
	}
	if (__atomic_load_n(&r->intf->req_cons, __ATOMIC_ACQUIRE) != r->rd) {
		__atomic_store_n(&r->intf->req_cons, r->rd, __ATOMIC_RELEASE);
		xs_ring_notify(conn->xs, r);
	}
	r->req_cons_old = r->rd;
	r->pulled = false;
	/*
	 * The frontend signals new requests only when it finds the ring
	 * empty (Linux: "if (prod <= intf->req_cons) notify"): what it wrote
	 * while req_cons lagged behind is ours to find.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->intf->req_prod, __ATOMIC_ACQUIRE) != r->rd) {
		xs_conn_queue_work(conn);
	}
}

/** The ring asked for a reconnection: reset it (xenstore-ring.txt). */
static void xs_ring_reconnect(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;
	struct xenstore_domain_interface *intf = r->intf;

	log_info("dom%u: ring reconnection", conn->domain->domid);
	xs_conn_reset(conn);
	xs_ring_touch(conn);
	intf->req_cons = 0;
	intf->req_prod = 0;
	intf->rsp_cons = 0;
	intf->rsp_prod = 0;
	intf->error = XENSTORE_ERROR_NONE;
	r->rd = 0;
	r->req_cons_old = 0;
	r->pulled = false;
	r->errored = false;
	conn->restored = false;  /* no transaction of before is taken on */
	conn->ring_dirty = true; /* forget the stored state */
	__atomic_store_n(
		&intf->connection, XENSTORE_CONNECTED, __ATOMIC_SEQ_CST);
	xs_ring_notify(conn->xs, r);
}

/** The guest signalled its ring: take input, send output. */
static void xs_ring_kick(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;

	if (conn->closing) {
		return;
	}
	if (__atomic_load_n(&r->intf->connection, __ATOMIC_ACQUIRE) ==
		XENSTORE_RECONNECT) {
		xs_ring_reconnect(conn);
		return;
	}
	if (r->errored) {
		return;
	}
	xs_ring_push(conn);
	xs_conn_queue_work(conn);
}

/* ---- dead domains ---------------------------------------------------------
 */

#define XS_DOMINFO_BATCH 256

/** An introduced domain the hypervisor lists (or not: info NULL). */
static void xs_ring_check_one(struct xenstored *xs, unsigned int domid,
	const struct xenif_dominfo *info, struct xs_domain **gone,
	unsigned int *ngone)
{
	struct xs_domain *dom = xs_domain_get(xs, domid, false);

	if (!dom || !dom->introduced || domid == 0) {
		return;
	}
	if (!info || info->dying) {
		log_info("dom%u: gone", domid);
		gone[(*ngone)++] = dom;
		return;
	}
	if (info->shutdown && !dom->shutdown_reported) {
		dom->shutdown_reported = true;
		xs_watch_fire_special(
			xs, "@releaseDomain", domid, ++xs->req_seq);
	}
}

/**
 * VIRQ_DOM_EXC: look at every introduced domain. One sweep of the
 * hypervisor's domain list (XS_DOMINFO_BATCH records per call, in domid
 * order) rather than a call per domain; the domains that died are
 * cleaned up together (one scan of the tree for all of them).
 */
static void xs_ring_check_domains(struct xenstored *xs)
{
	struct xenif_dominfo *info;
	struct xs_domain **gone;
	unsigned int domid = 1, ngone = 0, d;
	int n, i;

	info = calloc(XS_DOMINFO_BATCH, sizeof(*info));
	gone = calloc(XS_DOMID_MAX + 1, sizeof(*gone));
	if (!info || !gone) {
		log_warn("no memory to look at the domains");
		free(info);
		free(gone);
		return;
	}
	for (;;) {
		n = xenif_domain_getinfo(
			xs->hyp->xi, domid, XS_DOMINFO_BATCH, info);
		if (n < 0) {
			log_warn("domain list: %s", strerror(-n));
			break;
		}
		for (i = 0; i < n && info[i].domid <= XS_DOMID_MAX; i++) {
			/* Not listed: gone. */
			for (d = domid; d < info[i].domid; d++) {
				xs_ring_check_one(xs, d, NULL, gone, &ngone);
			}
			if (info[i].domid >= domid) {
				xs_ring_check_one(xs, info[i].domid, &info[i],
					gone, &ngone);
				domid = info[i].domid + 1;
			}
		}
		if (n < XS_DOMINFO_BATCH || i < n) {
			for (d = domid; d <= XS_DOMID_MAX; d++) {
				xs_ring_check_one(xs, d, NULL, gone, &ngone);
			}
			break;
		}
	}
	xs_domains_gone(xs, gone, ngone);
	free(info);
	free(gone);
}

static void xs_ring_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xenstored *xs = arg;
	struct xs_hyp *h = xs->hyp;
	struct xs_conn *conn;
	bool dom_exc = false;
	int port, n;

	(void)fd;
	(void)what;
	for (n = 0; n < 4096; n++) {
		port = xenif_evtchn_pending(h->xe);
		if (port < 0) {
			break;
		}
		xenif_evtchn_unmask(h->xe, (uint32_t)port);
		if (port == h->virq_port) {
			dom_exc = true;
			continue;
		}
		conn = (unsigned int)port < h->by_port_len ? h->by_port[port]
							   : NULL;
		if (conn) {
			xs_ring_kick(conn);
		}
	}
	if (dom_exc) {
		xs_ring_check_domains(xs);
	}
}

/* ---- the end of a turn ------------------------------------------------------
 */

/** The bytes conn will write: what is queued plus what is held. */
static int xs_ring_output_copy(struct xs_conn *conn, struct evbuffer *out)
{
	struct xs_pending *p;

	if (evbuffer_add_buffer_reference(out, conn->out) < 0) {
		return -ENOMEM;
	}
	TAILQ_FOREACH(p, &conn->pending, link) {
		if (evbuffer_add_buffer_reference(out, p->buf) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int xs_ring_store_state(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;
	struct xs_db_ring st;
	struct evbuffer *out = evbuffer_new();
	int ret;

	if (!out) {
		return -ENOMEM;
	}
	ret = xs_ring_output_copy(conn, out);
	if (ret == 0) {
		st.req_cons_old = r->req_cons_old;
		st.req_cons_new = r->rd;
		st.rsp_prod = r->intf->rsp_prod;
		st.output_len = evbuffer_get_length(out);
		st.output = evbuffer_pullup(out, -1);
		st.input_len = evbuffer_get_length(conn->in);
		st.input = evbuffer_pullup(conn->in, -1);
		ret = xs_db_ring_put(conn->xs->db, conn->domain->domid, &st);
	}
	evbuffer_free(out);
	return ret;
}

static int xs_ring_store_watches(struct xs_conn *conn)
{
	struct xs_db_watch *w;
	struct xs_watch *watch;
	unsigned int n = 0, i = 0;
	int ret;

	TAILQ_FOREACH(watch, &conn->watches, conn_link) {
		n++;
	}
	w = calloc(n ? n : 1, sizeof(*w));
	if (!w) {
		return -ENOMEM;
	}
	TAILQ_FOREACH(watch, &conn->watches, conn_link) {
		w[i].path = watch->path;
		w[i].token = watch->token;
		w[i].depth = watch->depth;
		i++;
	}
	ret = xs_db_watches_put(conn->xs->db, conn->domain->domid, w, n);
	free(w);
	return ret;
}

/**
 * Before the turn's commit: store what a restarted daemon needs of each
 * ring the turn touched (see the top of this file).
 */
void xs_ring_turn_persist(struct xenstored *xs)
{
	struct xs_conn *conn;
	struct xs_ring *r;
	bool batch;
	int ret = 0;

	if (!xs->hyp) {
		return;
	}
	batch = xs_db_in_batch(xs->db);
	TAILQ_FOREACH(r, &xs->hyp->touched, touched_link) {
		conn = r->conn;
		if (conn->closing) {
			continue;
		}
		if (conn->watches_dirty) {
			ret = xs_ring_store_watches(conn);
			conn->watches_dirty = false;
		}
		if (ret == 0 && !conn->ring->errored &&
			(conn->ring_dirty ||
				(conn->ring->pulled &&
					(batch || evbuffer_get_length(
							  conn->in) > 0)))) {
			ret = xs_ring_store_state(conn);
			conn->ring_dirty = false;
		}
		if (ret < 0) {
			log_warn("dom%u: ring state not stored: %s",
				conn->domain->domid, strerror(-ret));
			ret = 0;
		}
	}
}

/** After the turn's flush: publish the input taken. */
void xs_ring_turn_publish(struct xenstored *xs)
{
	struct xs_ring *r, *next;
	struct xs_conn *conn;

	if (!xs->hyp) {
		return;
	}
	for (r = TAILQ_FIRST(&xs->hyp->touched); r; r = next) {
		next = TAILQ_NEXT(r, touched_link);
		conn = r->conn;
		if (!conn->closing && r->pulled) {
			xs_ring_publish(conn);
		}
		/* Kept while something is left for a later turn (the state
		 * of a stopped ring is not stored: its reconnection is). */
		if (!r->pulled && !conn->watches_dirty &&
			(!conn->ring_dirty || r->errored)) {
			TAILQ_REMOVE(&xs->hyp->touched, r, touched_link);
			r->touched = false;
		}
	}
}

/* ---- restart
 * ------------------------------------------------------------------ */

struct xs_ring_restore_ctx {
	struct xenstored *xs;
	struct xs_conn *conn;
	unsigned int restored, gone;
};

static int xs_ring_restore_watch(const struct xs_db_watch *w, void *arg)
{
	struct xs_ring_restore_ctx *ctx = arg;
	int ret;

	ret = xs_watch_add(
		ctx->conn, w->path, w->token, w->depth, ++ctx->xs->req_seq);
	if (ret == 0) {
		/* Events of the restart's gap may be lost: fire once. */
		xs_watch_initial_event(
			ctx->conn, w->path, w->token, ctx->xs->req_seq);
	}
	return 0;
}

/** Bring the ring in line with the last commit (see the file's top). */
static void xs_ring_restore_state(struct xs_conn *conn)
{
	struct xs_ring *r = conn->ring;
	struct xenstore_domain_interface *intf = r->intf;
	uint32_t req_cons = intf->req_cons, sent;
	struct xs_db_ring st;

	if (xs_db_ring_get(conn->xs->db, conn->domain->domid, &st) < 0) {
		r->rd = req_cons;
		r->req_cons_old = req_cons;
		return;
	}
	if (req_cons == st.req_cons_old || req_cons == st.req_cons_new) {
		/* Committed: its input is taken and its leftovers ours. */
		r->rd = st.req_cons_new;
		evbuffer_add(conn->in, st.input, st.input_len);
	} else {
		r->rd = req_cons; /* later read-only turns went further */
	}
	r->req_cons_old = req_cons;
	r->pulled = r->rd != req_cons;
	sent = intf->rsp_prod - st.rsp_prod;
	if (sent < st.output_len) {
		evbuffer_add(conn->out, (const char *)st.output + sent,
			st.output_len - sent);
		log_info("dom%u: %zu bytes of replies resent after restart",
			conn->domain->domid, st.output_len - sent);
	}
	free(st.output);
	free(st.input);
}

static int xs_ring_restore_one(const struct xs_db_domain *d, void *arg)
{
	struct xs_ring_restore_ctx *ctx = arg;
	struct xenstored *xs = ctx->xs;
	struct xenif_dominfo info;
	struct xs_domain *dom;
	struct xs_conn *conn;
	int ret;

	ret = xenif_domain_info(xs->hyp->xi, d->domid, &info);
	if (ret == -ESRCH || (ret == 0 && info.dying)) {
		dom = xs_domain_get(xs, d->domid, true);
		if (dom) {
			dom->introduced = true;
			ctx->gone++;
		}
		return 0; /* xs_ring_check_domains() releases it below */
	}
	ret = xs_ring_introduce(xs, d->domid, d->gfn, d->port, &conn);
	if (ret < 0) {
		log_warn("dom%u: cannot reattach its ring: %s", d->domid,
			strerror(-ret));
		return 0;
	}
	conn->domain->introduced = true;
	conn->domain->gfn = d->gfn;
	conn->domain->port = d->port;
	conn->domain->target = d->target;
	conn->domain->shutdown_reported = ret == 0 && info.shutdown;
	ctx->conn = conn;
	conn->restored = true;
	xs_ring_restore_state(conn);
	xs_db_watches(xs->db, d->domid, xs_ring_restore_watch, ctx);
	xs_ring_push(conn);
	xs_conn_queue_work(conn);
	ctx->restored++;
	return 0;
}

/** At start: reattach every domain introduced before the restart. */
int xs_ring_restore(struct xenstored *xs)
{
	struct xs_ring_restore_ctx ctx = {.xs = xs};
	int ret;

	if (!xs->hyp) {
		return 0;
	}
	ret = xs_db_domains(xs->db, xs_ring_restore_one, &ctx);
	if (ret < 0) {
		return ret;
	}
	if (ctx.gone > 0) {
		xs_ring_check_domains(xs);
	}
	if (ctx.restored > 0 || ctx.gone > 0) {
		log_info("restart: %u domains reattached, %u gone meanwhile",
			ctx.restored, ctx.gone);
	}
	return 0;
}
