/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Connections of the hosted port: one per process acting as a domain
 * (proto/xh_proto.h). Reads requests, runs hypercalls in the core, sends
 * replies (with file descriptors for memory), holds the reply of a vCPU
 * that blocked until the core wakes it, and delivers events.
 *
 * dom0 connections behave like the dom0 kernel's evtchn and gntdev
 * devices: ports and grant mappings made through one belong to it and go
 * away with it, and a pending dom0 port is handed to its connection as
 * XH_EVENT(port) and masked until unmasked. A guest connection is the
 * only vCPU of the domains attached over it (XH_ATTACH, then any number of
 * XH_ATTACH_MORE): each request names the domain it acts for, and closing
 * the connection ends every one of them.
 *
 * Everything a client sends is checked: magic, sizes, message types,
 * attach credentials, and the restriction of a restricted handle.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "event_channel.h"
#include "grant_table.h"
#include "hosted.h"
#include "log.h"
#include "sched.h"
#include "xen/domain.h"
#include "xen/event.h"
#include "xen/gnttab.h"
#include "xen/hypercall.h"

#define MAX_QUEUED 64 /* replies queued before we stop reading */
#define READS_PER_TURN 32
#define NO_RESTRICTION 0xffffffffu

struct outpkt {
	struct outpkt *next;
	size_t len;
	unsigned int nfds;
	int fds[XH_MAX_FDS];
	uint8_t data[];
};

struct hconn {
	uint32_t id;
	int fd;
	struct event *rev;
	struct event *wev;
	struct domain *d; /* dom0, or the first guest domain while attached */
	bool dom0;
	bool attached;
	struct domain **doms; /* guest: every domain attached, referenced */
	unsigned int ndoms, doms_cap;
	uint32_t restrict_domid;
	bool in_dispatch;
	bool dead;
	struct outpkt *outq, **outq_tail;
	unsigned int nout;
	evtchn_port_t *ports; /* dom0: ports bound through this */
	unsigned int nports, ports_cap;
	uint32_t *handles; /* dom0: grant handles mapped through this */
	unsigned int nhandles, handles_cap;
};

static struct hconn **conns; /* by id - 1 */
static unsigned int conns_cap;
static unsigned int nconns;
static struct event *listen_ev;
static int listen_fd = -1;
static struct event *dom0_upcall_ev;
static uint8_t rxbuf[sizeof(struct xh_msg) + XH_MAX_PAYLOAD];

unsigned int hosted_call_fds(const int **fds);

static struct hconn *conn_by_id(uint32_t id)
{
	if (id == 0 || id > conns_cap) {
		return NULL;
	}
	return conns[id - 1];
}

/* ---- output ------------------------------------------------------------ */

static void conn_close(struct hconn *c);

static int send_packet(struct hconn *c, const struct xh_msg *m,
	const void *payload, size_t len, const int *fds, unsigned int nfds)
{
	struct iovec iov[2];
	struct msghdr mh;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * XH_MAX_FDS)];
	} cbuf;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = (void *)m;
	iov[0].iov_len = sizeof(*m);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	if (nfds > 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	n = sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0) {
		return -errno;
	}
	return 0;
}

static void queue_packet(struct hconn *c, const struct xh_msg *m,
	const void *payload, size_t len, const int *fds, unsigned int nfds)
{
	struct outpkt *p;
	unsigned int i;

	p = malloc(sizeof(*p) + sizeof(*m) + len);
	if (p == NULL) {
		log_warn(
			"connection %u: out of memory queueing a reply", c->id);
		c->dead = true;
		return;
	}
	p->next = NULL;
	p->len = sizeof(*m) + len;
	memcpy(p->data, m, sizeof(*m));
	if (len > 0) {
		memcpy(p->data + sizeof(*m), payload, len);
	}
	p->nfds = 0;
	for (i = 0; i < nfds; i++) {
		p->fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
		if (p->fds[i] >= 0) {
			p->nfds++;
		}
	}
	*c->outq_tail = p;
	c->outq_tail = &p->next;
	c->nout++;
	event_add(c->wev, NULL);
	if (c->nout >= MAX_QUEUED) {
		event_del(c->rev); /* backpressure: it must read first */
	}
}

static void conn_send(struct hconn *c, const struct xh_msg *m,
	const void *payload, size_t len, const int *fds, unsigned int nfds)
{
	int rc;

	if (c->dead) {
		return;
	}
	if (c->outq == NULL) {
		rc = send_packet(c, m, payload, len, fds, nfds);
		if (rc == 0) {
			return;
		}
		if (rc != -EAGAIN && rc != -ENOBUFS) {
			log_debug("connection %u: send: %s", c->id,
				strerror(-rc));
			c->dead = true;
			return;
		}
	}
	queue_packet(c, m, payload, len, fds, nfds);
}

static void write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;
	struct outpkt *p;
	unsigned int i;
	int rc;

	(void)fd;
	(void)what;
	while ((p = c->outq) != NULL) {
		rc = send_packet(c, (struct xh_msg *)p->data,
			p->data + sizeof(struct xh_msg),
			p->len - sizeof(struct xh_msg), p->fds, p->nfds);
		if (rc == -EAGAIN || rc == -ENOBUFS) {
			return;
		}
		c->outq = p->next;
		if (c->outq == NULL) {
			c->outq_tail = &c->outq;
		}
		c->nout--;
		for (i = 0; i < p->nfds; i++) {
			close(p->fds[i]);
		}
		free(p);
		if (rc < 0) {
			conn_close(c);
			return;
		}
	}
	event_del(c->wev);
	event_add(c->rev, NULL);
}

static void reply(struct hconn *c, const struct xh_msg *req, int64_t ret,
	const void *payload, size_t len, const int *fds, unsigned int nfds)
{
	struct xh_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_REPLY;
	m.nfds = (uint16_t)nfds;
	m.seq = req->seq;
	m.len = (uint32_t)len;
	m.op = req->op;
	m.ret = ret;
	conn_send(c, &m, payload, len, fds, nfds);
}

void hosted_conn_event(struct hconn *c, uint32_t port, uint32_t domid)
{
	struct xh_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_EVENT;
	m.args[0] = port;
	m.args[1] = domid;
	conn_send(c, &m, NULL, 0, NULL, 0);
}

bool hosted_conn_stoppable(const struct hconn *c)
{
	return c->ndoms <= 1;
}

/* A guest domain whose attach reply waits for its unpause. */
static bool attach_held(const struct domain *d)
{
	const struct hdom *hd = d->arch;

	return hd != NULL && hd->attach_held;
}

/* ---- events and wake-ups from the core ----------------------------------- */

void hosted_conn_kick(struct vcpu *v)
{
	struct hdom *hd = v->domain->arch;

	if (v->domain->domain_id == 0) {
		if (dom0_upcall_ev != NULL) {
			event_active(dom0_upcall_ev, EV_READ, 0);
		}
		return;
	}
	if (hd != NULL && hd->guest != NULL && hd->guest->attached &&
		!hd->attach_held) {
		hosted_conn_event(
			hd->guest, XH_PORT_UPCALL, v->domain->domain_id);
	}
}

void hosted_conn_wake(struct vcpu *v)
{
	struct hvcpu *hv = v->arch;
	struct hconn *c;

	if (hv == NULL || hv->blocked_conn == NULL) {
		return;
	}
	c = hv->blocked_conn;
	hv->blocked_conn = NULL;
	reply(c, &hv->blocked_msg, 0, NULL, 0, NULL, 0);
}

void hosted_dom0_upcall(void)
{
	struct domain *d0 = hardware_domain();
	unsigned long *pending, *mask, *selw, sel, bits;
	unsigned int nwords, nsel, i, w, b;
	struct vcpu_info *vi;
	evtchn_port_t port;
	struct evtchn *chn;
	struct hconn *c;
	bool more = true;

	if (d0 == NULL) {
		return;
	}
	/*
	 * xen-hosted is dom0's kernel: it scans dom0's bitmaps as a 2-level
	 * guest does, with as many selector words as dom0's port space needs
	 * (one for the 2-level ABI, more for the wide space of dom0).
	 */
	evtchn_words(d0, &pending, &mask, &selw, &nwords);
	nsel = (nwords + BITS_PER_ULONG - 1) / BITS_PER_ULONG;
	vi = vcpu_info(d0->vcpu[0]);
	__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	while (more) {
		more = false;
		for (i = 0; i < nsel; i++) {
			sel = __atomic_exchange_n(
				&selw[i], 0, __ATOMIC_SEQ_CST);
			if (sel != 0) {
				more = true;
			}
			for (w = 0; sel != 0 && w < BITS_PER_ULONG; w++) {
				if (!(sel & (1ul << w))) {
					continue;
				}
				bits = __atomic_load_n(
					       &pending[i * BITS_PER_ULONG + w],
					       __ATOMIC_SEQ_CST) &
				       ~__atomic_load_n(
					       &mask[i * BITS_PER_ULONG + w],
					       __ATOMIC_SEQ_CST);
				for (b = 0; bits != 0 && b < BITS_PER_ULONG;
					b++) {
					if (!(bits & (1ul << b))) {
						continue;
					}
					port = (i * BITS_PER_ULONG + w) *
						       BITS_PER_ULONG +
					       b;
					/* Like the evtchn device: mask, then
					 * hand over. */
					set_bit(port, mask);
					clear_bit(port, pending);
					chn = evtchn_from_port(d0, port);
					c = chn != NULL ? conn_by_id(chn->owner)
							: NULL;
					if (c != NULL && c->dom0) {
						hosted_conn_event(c, port, 0);
					}
				}
			}
		}
	}
}

static void dom0_upcall_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	hosted_dom0_upcall();
}

/* ---- attach ----------------------------------------------------------- */

static void attach_reply(
	struct hconn *c, struct domain *d, const struct xh_msg *req)
{
	struct xh_attach_reply r;
	struct hdom *hd = d->arch;
	int fd;

	memset(&r, 0, sizeof(r));
	r.domid = d->domain_id;
	r.max_vcpus = d->max_vcpus;
	if (c->dom0) {
		r.flags = XH_ATTACH_PRIVILEGED | XH_ATTACH_CONTROL;
		reply(c, req, 0, &r, sizeof(r), NULL, 0);
		return;
	}
	r.nr_pages = hd->ram_pages;
	r.shared_info_gfn = hd->shinfo_gfn;
	r.grant_gfn = hd->grant_gfn;
	r.nr_grant_frames = hd->nr_grant_frames;
	r.memfd_pages = hd->total_pages;
	fd = hd->memfd;
	reply(c, req, 0, &r, sizeof(r), &fd, 1);
}

/* The domain an attach names, referenced, after checking its handle. */
static int attach_lookup(struct hconn *c, const struct xh_msg *m,
	const uint8_t *payload, struct domain **out)
{
	struct domain *d;

	if (m->len != 16 || m->args[0] >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	d = domain_get((domid_t)m->args[0]);
	if (d == NULL) {
		return -ESRCH;
	}
	if (memcmp(d->handle, payload, 16) != 0) {
		log_info("connection %u: wrong handle for d%u", c->id,
			d->domain_id);
		domain_put(d);
		return -EPERM;
	}
	*out = d;
	return 0;
}

/*
 * Attach guest domain d (referenced; the reference passes to c on success)
 * to c. Its reply is for the caller to send, unless hd->attach_held: the
 * vCPU starts when the toolstack unpauses the domain.
 */
static int attach_guest(
	struct hconn *c, struct domain *d, const struct xh_msg *m)
{
	struct hdom *hd = d->arch;
	struct domain **n;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	unsigned int cap;

	if (hd->guest != NULL || hd->attached_once || d->is_shut_down) {
		domain_put(d);
		return -EBUSY;
	}
	if (c->ndoms == c->doms_cap) {
		cap = c->doms_cap == 0 ? 4 : c->doms_cap * 2;
		n = realloc(c->doms, sizeof(*n) * cap);
		if (n == NULL) {
			domain_put(d);
			return -ENOMEM;
		}
		c->doms = n;
		c->doms_cap = cap;
	}
	hd->conn_slot = c->ndoms;
	c->doms[c->ndoms++] = d;
	hd->guest = c;
	hd->attached_once = true;
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0) {
		hd->pid = cred.pid;
	}
	log_info("d%u: guest process %d attached (connection %u, %u "
		 "domains)",
		d->domain_id, (int)hd->pid, c->id, c->ndoms);
	if (d->controller_pause_count > 0) {
		hd->attach_held = true;
		hd->attach_msg = *m;
	}
	return 0;
}

static void do_attach(
	struct hconn *c, const struct xh_msg *m, const uint8_t *payload)
{
	struct domain *d;
	int rc;

	rc = attach_lookup(c, m, payload, &d);
	if (rc < 0) {
		reply(c, m, rc, NULL, 0, NULL, 0);
		return;
	}
	if (d->domain_id == 0) {
		c->d = d;
		c->dom0 = true;
		c->attached = true;
		attach_reply(c, d, m);
		return;
	}
	rc = attach_guest(c, d, m);
	if (rc < 0) {
		reply(c, m, rc, NULL, 0, NULL, 0);
		return;
	}
	c->d = d;
	c->attached = true;
	if (!attach_held(d)) {
		attach_reply(c, d, m);
	}
}

/* XH_ATTACH_MORE: one more guest domain on an attached guest connection. */
static void do_attach_more(
	struct hconn *c, const struct xh_msg *m, const uint8_t *payload)
{
	struct domain *d;
	int rc;

	if (c->dom0) {
		reply(c, m, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	rc = attach_lookup(c, m, payload, &d);
	if (rc == 0 && d->domain_id == 0) {
		domain_put(d);
		rc = -EPERM; /* dom0 is no guest */
	}
	if (rc == 0) {
		rc = attach_guest(c, d, m);
	}
	if (rc < 0) {
		reply(c, m, rc, NULL, 0, NULL, 0);
		return;
	}
	if (!attach_held(d)) {
		attach_reply(c, d, m);
	}
}

void hosted_conn_domain_unpaused(struct domain *d)
{
	struct hdom *hd = d->arch;
	struct hconn *c = hd != NULL ? hd->guest : NULL;

	if (c != NULL && hd->attach_held) {
		hd->attach_held = false;
		attach_reply(c, d, &hd->attach_msg);
		/* Events that arrived before it ran. */
		if (vcpu_info(d->vcpu[0])->evtchn_upcall_pending) {
			hosted_conn_event(c, XH_PORT_UPCALL, d->domain_id);
		}
	}
}

/* ---- dom0 bookkeeping ------------------------------------------------- */

static void own_port(struct hconn *c, evtchn_port_t port)
{
	evtchn_port_t *n;

	if (c->nports == c->ports_cap) {
		n = realloc(c->ports, sizeof(*n) * (c->ports_cap * 2 + 8));
		if (n == NULL) {
			return;
		}
		c->ports = n;
		c->ports_cap = c->ports_cap * 2 + 8;
	}
	c->ports[c->nports++] = port;
	evtchn_set_owner(c->d, port, c->id);
}

static void disown_port(struct hconn *c, evtchn_port_t port)
{
	unsigned int i;

	for (i = 0; i < c->nports; i++) {
		if (c->ports[i] == port) {
			c->ports[i] = c->ports[--c->nports];
			return;
		}
	}
}

static void own_handle(struct hconn *c, uint32_t h)
{
	uint32_t *n;

	if (c->nhandles == c->handles_cap) {
		n = realloc(c->handles, sizeof(*n) * (c->handles_cap * 2 + 8));
		if (n == NULL) {
			return;
		}
		c->handles = n;
		c->handles_cap = c->handles_cap * 2 + 8;
	}
	c->handles[c->nhandles++] = h;
}

static void disown_handle(struct hconn *c, uint32_t h)
{
	unsigned int i;

	for (i = 0; i < c->nhandles; i++) {
		if (c->handles[i] == h) {
			c->handles[i] = c->handles[--c->nhandles];
			return;
		}
	}
}

static void *payload_at(
	uint8_t *payload, size_t len, uint64_t addr, size_t size)
{
	uint64_t off;

	if (addr < XH_PTR_BASE) {
		return NULL;
	}
	off = addr - XH_PTR_BASE;
	if (off > len || size > len - off) {
		return NULL;
	}
	return payload + off;
}

/* After a dom0 hypercall: note the ports and mappings it created. */
static void dom0_track(struct hconn *c, const struct xh_msg *m, long rc,
	uint8_t *payload, size_t len)
{
	unsigned int cmd = (unsigned int)m->args[0];
	struct gnttab_map_grant_ref map;
	struct gnttab_unmap_grant_ref unmap;
	uint64_t i, count;
	void *p;

	if (m->op == __HYPERVISOR_event_channel_op && rc == 0) {
		switch (cmd) {
		case EVTCHNOP_bind_interdomain:
			p = payload_at(payload, len, m->args[1],
				sizeof(struct evtchn_bind_interdomain));
			if (p != NULL) {
				own_port(
					c, ((struct evtchn_bind_interdomain *)p)
						   ->local_port);
			}
			break;
		case EVTCHNOP_bind_virq:
			p = payload_at(payload, len, m->args[1],
				sizeof(struct evtchn_bind_virq));
			if (p != NULL) {
				own_port(c,
					((struct evtchn_bind_virq *)p)->port);
			}
			break;
		case EVTCHNOP_alloc_unbound:
			p = payload_at(payload, len, m->args[1],
				sizeof(struct evtchn_alloc_unbound));
			if (p != NULL &&
				(((struct evtchn_alloc_unbound *)p)->dom ==
						DOMID_SELF ||
					((struct evtchn_alloc_unbound *)p)
							->dom == 0)) {
				own_port(c, ((struct evtchn_alloc_unbound *)p)
						    ->port);
			}
			break;
		case EVTCHNOP_close:
			p = payload_at(payload, len, m->args[1],
				sizeof(struct evtchn_close));
			if (p != NULL) {
				disown_port(
					c, ((struct evtchn_close *)p)->port);
			}
			break;
		default:
			break;
		}
	}
	if (m->op == __HYPERVISOR_grant_table_op && rc == 0) {
		count = m->args[2];
		for (i = 0; i < count; i++) {
			if (cmd == GNTTABOP_map_grant_ref) {
				p = payload_at(payload, len,
					m->args[1] + i * sizeof(map),
					sizeof(map));
				if (p == NULL) {
					break;
				}
				memcpy(&map, p, sizeof(map));
				if (map.status == GNTST_okay) {
					own_handle(c, map.handle);
				}
			} else if (cmd == GNTTABOP_unmap_grant_ref) {
				p = payload_at(payload, len,
					m->args[1] + i * sizeof(unmap),
					sizeof(unmap));
				if (p == NULL) {
					break;
				}
				memcpy(&unmap, p, sizeof(unmap));
				if (unmap.status == GNTST_okay) {
					disown_handle(c, unmap.handle);
				}
			} else {
				break;
			}
		}
	}
}

/* ---- requests -------------------------------------------------------- */

static bool restricted_refuses(const struct hconn *c, const struct xh_msg *m)
{
	if (c->restrict_domid == NO_RESTRICTION) {
		return false;
	}
	return m->op != __HYPERVISOR_dm_op || m->args[0] != c->restrict_domid;
}

static void do_hypercall(struct hconn *c, struct domain *d,
	const struct xh_msg *m, uint8_t *payload)
{
	struct vcpu *v = d->vcpu[0];
	struct hvcpu *hv = v->arch;
	struct hdom *hd = d->arch;
	uint64_t args[5];
	const int *fds;
	unsigned int nfds;
	long rc;

	if (restricted_refuses(c, m)) {
		reply(c, m, -EPERM, payload, m->len, NULL, 0);
		return;
	}
	if (m->op > UINT32_MAX) {
		reply(c, m, -ENOSYS, payload, m->len, NULL, 0);
		return;
	}
	if (c->dom0 && m->op == __HYPERVISOR_sched_op &&
		(m->args[0] == SCHEDOP_block || m->args[0] == SCHEDOP_poll)) {
		/* dom0 processes share dom0's vCPU: none may block it. */
		reply(c, m, -EOPNOTSUPP, payload, m->len, NULL, 0);
		return;
	}
	if (hv->blocked_conn != NULL) {
		reply(c, m, -EBUSY, payload, m->len, NULL, 0);
		return;
	}
	memcpy(args, m->args, sizeof(args));
	hosted_call_begin(c, payload, m->len);
	rc = hypercall_dispatch(v, (unsigned int)m->op, args);
	if (c->dom0) {
		dom0_track(c, m, rc, payload, m->len);
	}
	nfds = hosted_call_fds(&fds);
	hosted_call_end();
	if (m->op == __HYPERVISOR_sched_op && v->run_state == VCPU_BLOCKED &&
		hd->guest == c) {
		hv->blocked_conn = c;
		hv->blocked_msg = *m;
		return;
	}
	reply(c, m, rc, payload, m->len, fds, nfds);
}

static void do_foreign_map(
	struct hconn *c, struct domain *self, const struct xh_msg *m)
{
	struct xh_foreign_reply r;
	struct domain *d;
	struct hdom *hd;
	bool allowed;
	int fd;

	if (m->args[0] >= DOMID_FIRST_RESERVED) {
		reply(c, m, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	if (c->restrict_domid != NO_RESTRICTION) {
		allowed = m->args[0] == c->restrict_domid;
	} else {
		allowed = domain_is_control(self) || self->target == m->args[0];
	}
	if (!allowed) {
		reply(c, m, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	d = domain_get((domid_t)m->args[0]);
	if (d == NULL) {
		reply(c, m, -ESRCH, NULL, 0, NULL, 0);
		return;
	}
	hd = d->arch;
	fd = (m->args[1] & 2) ? hd->memfd : hosted_memfd_ro(hd);
	r.nr_pages = hd->total_pages; /* RAM and the hypervisor's pages */
	reply(c, m, fd < 0 ? -EIO : 0, &r, sizeof(r), &fd, fd < 0 ? 0 : 1);
	domain_put(d);
}

static void do_restrict(struct hconn *c, const struct xh_msg *m)
{
	if (!c->dom0) {
		reply(c, m, -EPERM, NULL, 0, NULL, 0);
		return;
	}
	if (m->args[0] >= DOMID_FIRST_RESERVED) {
		reply(c, m, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	if (c->restrict_domid != NO_RESTRICTION &&
		c->restrict_domid != m->args[0]) {
		reply(c, m, -EINVAL, NULL, 0, NULL, 0);
		return;
	}
	c->restrict_domid = (uint32_t)m->args[0];
	reply(c, m, 0, NULL, 0, NULL, 0);
}

/*
 * The domain a request acts for (xh_proto.h: ret 0 is the connection's
 * first domain, else the domid), referenced; NULL when the connection did
 * not attach it.
 */
static struct domain *request_domain(struct hconn *c, const struct xh_msg *m)
{
	struct domain *d;
	struct hdom *hd;
	int64_t id = m->ret;

	if (id == 0) {
		if (c->d == NULL) {
			return NULL;
		}
		id = c->d->domain_id;
	}
	if (id < 0 || id >= DOMID_FIRST_RESERVED) {
		return NULL;
	}
	d = domain_get_any((domid_t)id);
	if (d == NULL) {
		return NULL;
	}
	hd = d->arch;
	if (c->dom0 ? d != c->d : hd == NULL || hd->guest != c) {
		domain_put(d);
		return NULL;
	}
	return d;
}

/* Run request m for domain d; false: the connection must close. */
static bool dispatch(struct hconn *c, struct domain *d, const struct xh_msg *m,
	uint8_t *payload)
{
	if (!c->dom0 && attach_held(d)) {
		return false; /* a paused vCPU sends nothing */
	}
	if (!c->dom0 && d->is_shut_down) {
		if (c->ndoms <= 1) {
			/* Its vCPU never runs again: the request waits for
			 * ever. */
			return true;
		}
		/* The process serves other domains: it must not wait. */
		reply(c, m, -ESHUTDOWN, NULL, 0, NULL, 0);
		return true;
	}
	switch (m->type) {
	case XH_HYPERCALL:
		do_hypercall(c, d, m, payload);
		break;
	case XH_FOREIGN_MAP:
		do_foreign_map(c, d, m);
		break;
	default:
		do_restrict(c, m);
		break;
	}
	return true;
}

static bool handle_packet(struct hconn *c, uint8_t *buf, size_t n)
{
	struct xh_msg m;
	uint8_t *payload = buf + sizeof(m);
	struct domain *d;
	bool ok;

	if (n < sizeof(m)) {
		log_debug("connection %u: short packet", c->id);
		return false;
	}
	memcpy(&m, buf, sizeof(m));
	if (m.magic != XH_MAGIC || m.len != n - sizeof(m) || m.nfds != 0) {
		log_debug("connection %u: malformed packet", c->id);
		return false;
	}
	if (!c->attached) {
		if (m.type != XH_ATTACH) {
			reply(c, &m, -EPERM, NULL, 0, NULL, 0);
			return true;
		}
		do_attach(c, &m, payload);
		return true;
	}
	if (c->d != NULL && attach_held(c->d)) {
		return false; /* a paused vCPU sends nothing */
	}
	switch (m.type) {
	case XH_ATTACH_MORE:
		do_attach_more(c, &m, payload);
		return true;
	case XH_HYPERCALL:
	case XH_FOREIGN_MAP:
	case XH_RESTRICT:
		break;
	default:
		reply(c, &m, -EINVAL, NULL, 0, NULL, 0);
		return true;
	}
	d = request_domain(c, &m);
	if (d == NULL) {
		reply(c, &m, -EPERM, NULL, 0, NULL, 0);
		return true;
	}
	ok = dispatch(c, d, &m, payload);
	domain_put(d);
	return ok;
}

static void close_received_fds(struct msghdr *mh)
{
	struct cmsghdr *cm;
	unsigned int i, n;
	int fd;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
			cm->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		n = (unsigned int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				sizeof(fd));
			close(fd);
		}
	}
}

static void read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c = arg;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} cbuf;
	struct msghdr mh;
	struct iovec iov;
	unsigned int i;
	ssize_t n;

	(void)what;
	c->in_dispatch = true;
	for (i = 0; i < READS_PER_TURN && !c->dead; i++) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = rxbuf;
		iov.iov_len = sizeof(rxbuf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			break;
		}
		if (n <= 0) {
			c->dead = true;
			break;
		}
		close_received_fds(&mh);
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			log_debug("connection %u: oversized packet", c->id);
			c->dead = true;
			break;
		}
		if (!handle_packet(c, rxbuf, (size_t)n)) {
			c->dead = true;
		}
		if (c->nout >= MAX_QUEUED) {
			break;
		}
	}
	c->in_dispatch = false;
	if (c->dead) {
		conn_close(c);
	}
}

/* ---- connection life ---------------------------------------------------- */

static void conn_free(struct hconn *c)
{
	struct outpkt *p;
	unsigned int i;

	while ((p = c->outq) != NULL) {
		c->outq = p->next;
		for (i = 0; i < p->nfds; i++) {
			close(p->fds[i]);
		}
		free(p);
	}
	event_free(c->rev);
	event_free(c->wev);
	close(c->fd);
	conns[c->id - 1] = NULL;
	nconns--;
	free(c->ports);
	free(c->handles);
	free(c->doms);
	free(c);
}

/* The end of guest domain d's attachment to c (closing). */
static void release_guest(struct hconn *c, struct domain *d)
{
	struct hdom *hd = d->arch;
	struct hvcpu *hv = d->vcpu[0]->arch;

	if (hv != NULL && hv->blocked_conn == c) {
		hv->blocked_conn = NULL;
	}
	if (hd != NULL && hd->guest == c) {
		hd->guest = NULL;
		hd->attach_held = false;
		if (d->is_dying == DOMDYING_alive) {
			if (!d->is_shut_down) {
				log_info("d%u: guest process ended "
					 "without shutdown",
					d->domain_id);
				domain_crash(d);
			}
			if (!hosted_config.keep_dead) {
				domain_kill(d);
			}
		}
	}
	domain_put(d);
}

static void conn_release_domain(struct hconn *c)
{
	struct domain *d = c->d;
	struct evtchn *chn;
	unsigned int i;

	c->d = NULL;
	if (!c->dom0) {
		/* domain_kill() finds hd->guest cleared: doms stays put. */
		for (i = 0; i < c->ndoms; i++) {
			release_guest(c, c->doms[i]);
		}
		c->ndoms = 0;
		return;
	}
	if (d == NULL) {
		return;
	}
	for (i = 0; i < c->nports; i++) {
		chn = evtchn_from_port(d, c->ports[i]);
		if (chn != NULL && chn->owner == c->id) {
			evtchn_close(d, c->ports[i]);
		}
	}
	for (i = 0; i < c->nhandles; i++) {
		gnttab_unmap_handle(d, c->handles[i]);
	}
	c->nports = 0;
	c->nhandles = 0;
	domain_put(d);
}

static void conn_close(struct hconn *c)
{
	c->dead = true;
	if (c->in_dispatch) {
		return; /* read_cb finishes the job */
	}
	conn_release_domain(c);
	conn_free(c);
}

/*
 * Domain d of a connection that serves others too was killed: only d
 * leaves it. A reply still held for d is answered -ESRCH, then
 * XH_EVENT(XH_PORT_GONE, domid) tells the process.
 */
static void detach_guest(struct hconn *c, struct domain *d)
{
	struct hdom *hd = d->arch, *moved;
	struct hvcpu *hv = d->vcpu[0]->arch;
	unsigned int i = hd->conn_slot;

	hd->guest = NULL;
	if (hd->attach_held) {
		hd->attach_held = false;
		reply(c, &hd->attach_msg, -ESRCH, NULL, 0, NULL, 0);
	}
	if (hv != NULL && hv->blocked_conn == c) {
		hv->blocked_conn = NULL;
		reply(c, &hv->blocked_msg, -ESRCH, NULL, 0, NULL, 0);
	}
	if (i < c->ndoms && c->doms[i] == d) {
		c->doms[i] = c->doms[--c->ndoms];
		if (i < c->ndoms) {
			moved = c->doms[i]->arch;
			moved->conn_slot = i;
		}
	}
	if (c->d == d) {
		c->d = NULL;
	}
	hosted_conn_event(c, XH_PORT_GONE, d->domain_id);
	log_info("d%u: left connection %u (%u domains remain)", d->domain_id,
		c->id, c->ndoms);
	domain_put(d);
}

void hosted_conn_domain_killed(struct domain *d)
{
	struct hdom *hd = d->arch;
	struct hconn *c;

	if (hd == NULL || hd->guest == NULL) {
		return;
	}
	c = hd->guest;
	if (c->ndoms > 1) {
		detach_guest(c, d);
		return;
	}
	hd->guest = NULL; /* the domain is going already */
	if (c->in_dispatch) {
		c->dead = true;
		return;
	}
	conn_release_domain(c);
	conn_free(c);
}

static void accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hconn *c, **n;
	unsigned int i, cap;
	int cfd;

	(void)what;
	(void)arg;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			log_warn_errno("accept");
		}
		return;
	}
	if (nconns >= hosted_config.max_conns) {
		log_warn("connection refused: %u connections", nconns);
		close(cfd);
		return;
	}
	for (i = 0; i < conns_cap && conns[i] != NULL; i++) {
	}
	if (i == conns_cap) {
		cap = conns_cap == 0 ? 64 : conns_cap * 2;
		n = realloc(conns, sizeof(*n) * cap);
		if (n == NULL) {
			close(cfd);
			return;
		}
		memset(n + conns_cap, 0, sizeof(*n) * (cap - conns_cap));
		conns = n;
		conns_cap = cap;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(cfd);
		return;
	}
	c->id = i + 1;
	c->fd = cfd;
	c->restrict_domid = NO_RESTRICTION;
	c->outq_tail = &c->outq;
	c->rev = event_new(hosted_base, cfd, EV_READ | EV_PERSIST, read_cb, c);
	c->wev =
		event_new(hosted_base, cfd, EV_WRITE | EV_PERSIST, write_cb, c);
	if (c->rev == NULL || c->wev == NULL) {
		if (c->rev != NULL) {
			event_free(c->rev);
		}
		if (c->wev != NULL) {
			event_free(c->wev);
		}
		close(cfd);
		free(c);
		return;
	}
	conns[i] = c;
	nconns++;
	event_add(c->rev, NULL);
}

/* Create the directories above path (mode 0750) where missing. */
static int make_parents(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	size_t i;

	snprintf(dir, sizeof(dir), "%s", path);
	for (i = 1; dir[i] != '\0'; i++) {
		if (dir[i] != '/') {
			continue;
		}
		dir[i] = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			return -errno;
		}
		dir[i] = '/';
	}
	return 0;
}

int hosted_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	rc = make_parents(path);
	if (rc != 0) {
		return rc;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		chmod(path, 0660) != 0 || listen(fd, 512) != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	listen_fd = fd;
	listen_ev = event_new(
		hosted_base, fd, EV_READ | EV_PERSIST, accept_cb, NULL);
	dom0_upcall_ev = event_new(hosted_base, -1, 0, dom0_upcall_cb, NULL);
	if (listen_ev == NULL || dom0_upcall_ev == NULL) {
		return -ENOMEM;
	}
	event_add(listen_ev, NULL);
	return 0;
}

void hosted_conn_close_all(void)
{
	unsigned int i;

	for (i = 0; i < conns_cap; i++) {
		if (conns[i] != NULL) {
			conns[i]->in_dispatch = false;
			conn_close(conns[i]);
		}
	}
	free(conns);
	conns = NULL;
	conns_cap = 0;
	if (listen_ev != NULL) {
		event_free(listen_ev);
		listen_ev = NULL;
	}
	if (dom0_upcall_ev != NULL) {
		event_free(dom0_upcall_ev);
		dom0_upcall_ev = NULL;
	}
	if (listen_fd >= 0) {
		close(listen_fd);
		listen_fd = -1;
	}
}
