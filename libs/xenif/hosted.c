/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted backend of the Dom0 interface library: talks to xen-hosted
 * over its socket (xen/arch/hosted/proto/xh_proto.h) as dom0.
 *
 * Like the Linux devices, each handle is its own connection: an event
 * channel handle (like /dev/xen/evtchn) owns the ports bound through it
 * and receives XH_EVENT(port) for them; a grant handle (like gntdev) owns
 * its mappings; both go away when the connection closes. dom0's handle,
 * which proves a connection may act as dom0, is read from
 * $XEN_HOSTED_DOM0_HANDLE or from the file "<socket>.dom0".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "domctl.h"
#include "event_channel.h"
#include "grant_table.h"
#include "hvm/dm_op.h"
#include "hvm/hvm_op.h"
#include "sysctl.h"
#include "xen.h"
#include "xenif_priv.h"
#include "xh_proto.h"

#define PAGE 4096u

/* One connection to xen-hosted. */
struct xh_conn {
	int fd;
	uint32_t seq;
	bool keep_events; /* an event channel handle; others drop events */
	uint32_t *events; /* ports that arrived while waiting */
	unsigned int ev_head, nevents, events_cap;
	int evfd; /* event channel handle: readable while events are queued */
	int epfd; /* event channel handle: the socket and evfd, for callers */
	uint8_t buf[sizeof(struct xh_msg) + XH_MAX_PAYLOAD];
};

struct hosted_priv {
	char path[108];
	struct xh_conn conn;
};

struct gnt_map {
	struct gnt_map *next;
	void *addr;
	uint32_t count;
	grant_handle_t *handles;
};

struct gnt_priv {
	struct xh_conn conn;
	struct gnt_map *maps;
};

static int parse_handle(const char *hex, uint8_t out[16])
{
	unsigned int i, v;

	for (i = 0; i < 16; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			return -EINVAL;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int dom0_handle(const char *path, uint8_t out[16])
{
	char file[160], hex[40];
	const char *env = getenv("XEN_HOSTED_DOM0_HANDLE");
	ssize_t n;
	int fd;

	if (env != NULL && strlen(env) >= 32) {
		return parse_handle(env, out);
	}
	snprintf(file, sizeof(file), "%s.dom0", path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return -errno;
	}
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 32) {
		return -EINVAL;
	}
	hex[n] = '\0';
	return parse_handle(hex, out);
}

static void close_fds(const int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		close(fds[i]);
	}
}

static int queue_event(struct xh_conn *c, uint32_t port)
{
	uint64_t one = 1;
	uint32_t *n;

	if (c->ev_head > 0 && c->ev_head == c->nevents) {
		c->ev_head = c->nevents = 0;
	}
	if (c->nevents == c->events_cap) {
		n = realloc(c->events, sizeof(*n) * (c->events_cap * 2 + 16));
		if (n == NULL) {
			return -ENOMEM;
		}
		c->events = n;
		c->events_cap = c->events_cap * 2 + 16;
	}
	c->events[c->nevents++] = port;
	/*
	 * Events read while a call waited for its reply leave the socket
	 * quiet: the eventfd keeps the handle's descriptor readable.
	 */
	if (c->evfd >= 0 && write(c->evfd, &one, sizeof(one)) < 0) {
		/* the counter is already non-zero: readable anyway */
	}
	return 0;
}

/** The oldest queued event, or -1. */
static int dequeue_event(struct xh_conn *c)
{
	uint64_t count;
	uint32_t port;

	if (c->ev_head == c->nevents) {
		return -1;
	}
	port = c->events[c->ev_head++];
	if (c->ev_head == c->nevents) {
		c->ev_head = c->nevents = 0;
		if (c->evfd >= 0 && read(c->evfd, &count, sizeof(count)) < 0) {
			/* nothing to reset */
		}
	}
	return (int)port;
}

/*
 * Receive one packet: header into *m, payload into c->buf after the
 * header, descriptors into fds (at most maxfds; extra ones closed).
 */
static int recv_packet(struct xh_conn *c, int flags, struct xh_msg *m, int *fds,
	unsigned int maxfds, unsigned int *nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * XH_MAX_FDS)];
	} cbuf;
	struct msghdr mh;
	struct iovec iov;
	struct cmsghdr *cm;
	unsigned int i, n = 0, got;
	int fd;
	ssize_t r;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = c->buf;
	iov.iov_len = sizeof(c->buf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof(cbuf.buf);
	do {
		r = recvmsg(c->fd, &mh, flags | MSG_CMSG_CLOEXEC);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		return -errno;
	}
	if (r == 0) {
		return -ECONNRESET;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
			cm->cmsg_type != SCM_RIGHTS) {
			continue;
		}
		got = (unsigned int)((cm->cmsg_len - CMSG_LEN(0)) /
				     sizeof(int));
		for (i = 0; i < got; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				sizeof(fd));
			if (fds != NULL && n < maxfds) {
				fds[n++] = fd;
			} else {
				close(fd);
			}
		}
	}
	if (nfds != NULL) {
		*nfds = n;
	} else {
		close_fds(fds, n);
	}
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		(size_t)r < sizeof(*m)) {
		if (fds != NULL) {
			close_fds(fds, n);
		}
		return -EPROTO;
	}
	memcpy(m, c->buf, sizeof(*m));
	if (m->magic != XH_MAGIC || m->len != (size_t)r - sizeof(*m)) {
		if (fds != NULL) {
			close_fds(fds, n);
		}
		return -EPROTO;
	}
	return 0;
}

/*
 * One request and its reply. payload (len bytes) is sent and, on
 * return, holds the reply's payload (at most len bytes are copied back).
 * Events arriving meanwhile are queued. Returns the reply's ret.
 */
static long xh_call(struct xh_conn *c, uint16_t type, uint64_t op,
	const uint64_t *args, unsigned int nargs, void *payload, size_t len,
	int *fds, unsigned int maxfds, unsigned int *nfds)
{
	struct xh_msg m, r;
	struct iovec iov[2];
	struct msghdr mh;
	unsigned int got;
	ssize_t n;
	int rc;

	if (len > XH_MAX_PAYLOAD || nargs > 6) {
		return -E2BIG;
	}
	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = type;
	m.seq = ++c->seq;
	m.len = (uint32_t)len;
	m.op = op;
	if (nargs > 0) {
		memcpy(m.args, args, sizeof(uint64_t) * nargs);
	}
	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = &m;
	iov[0].iov_len = sizeof(m);
	iov[1].iov_base = payload;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	do {
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return -errno;
	}
	for (;;) {
		rc = recv_packet(c, 0, &r, fds, maxfds, &got);
		if (rc < 0) {
			return rc;
		}
		if (r.type == XH_EVENT) {
			close_fds(fds, got);
			if (c->keep_events && r.args[0] <= UINT32_MAX) {
				queue_event(c, (uint32_t)r.args[0]);
			}
			continue;
		}
		if (r.type != XH_REPLY || r.seq != m.seq) {
			close_fds(fds, got);
			return -EPROTO;
		}
		break;
	}
	if (r.nfds != got) {
		close_fds(fds, got);
		return -EPROTO;
	}
	if (nfds != NULL) {
		*nfds = got;
	}
	if (payload != NULL && r.len > 0) {
		memcpy(payload, c->buf + sizeof(r), r.len < len ? r.len : len);
	}
	return r.ret;
}

static int conn_open(struct xh_conn *c, const char *path)
{
	struct sockaddr_un sa;
	uint8_t handle[16];
	struct xh_attach_reply ar;
	uint64_t args[1] = {0};
	long rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->evfd = -1;
	c->epfd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	rc = dom0_handle(path, handle);
	if (rc < 0) {
		return (int)rc;
	}
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		close(c->fd);
		c->fd = -1;
		return (int)rc;
	}
	memcpy(&ar, handle, sizeof(handle));
	rc = xh_call(
		c, XH_ATTACH, 0, args, 1, &ar, sizeof(handle), NULL, 0, NULL);
	if (rc < 0) {
		close(c->fd);
		c->fd = -1;
		return (int)rc;
	}
	return 0;
}

static void conn_close(struct xh_conn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	if (c->evfd >= 0) {
		close(c->evfd);
	}
	if (c->epfd >= 0) {
		close(c->epfd);
	}
	c->evfd = c->epfd = -1;
	free(c->events);
	c->events = NULL;
}

static long hypercall(struct xh_conn *c, unsigned int op, uint64_t a0,
	uint64_t a1, uint64_t a2, void *payload, size_t len)
{
	uint64_t args[3] = {a0, a1, a2};

	return xh_call(
		c, XH_HYPERCALL, op, args, 3, payload, len, NULL, 0, NULL);
}

/* ---- the handle ------------------------------------------------------- */

static int h_open(struct xenif *xi, const char *arg)
{
	struct hosted_priv *p;
	const char *path = arg;
	int rc;

	if (path == NULL) {
		path = getenv("XEN_HOSTED_SOCKET");
	}
	if (path == NULL || path[0] == '\0') {
		path = XENIF_HOSTED_DEFAULT_SOCKET;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return -ENOMEM;
	}
	if (strlen(path) >= sizeof(p->path)) {
		free(p);
		return -ENAMETOOLONG;
	}
	strcpy(p->path, path);
	rc = conn_open(&p->conn, p->path);
	if (rc < 0) {
		free(p);
		return rc;
	}
	xi->priv = p;
	xi->fd = p->conn.fd;
	return 0;
}

static void h_close(struct xenif *xi)
{
	struct hosted_priv *p = xi->priv;

	conn_close(&p->conn);
	free(p);
}

static struct xh_conn *main_conn(struct xenif *xi)
{
	return &((struct hosted_priv *)xi->priv)->conn;
}

/* ---- event channels --------------------------------------------------- */

static int he_open(struct xenif_evtchn *xe)
{
	struct hosted_priv *p = xe->xi->priv;
	struct xh_conn *c = calloc(1, sizeof(*c));
	int rc;

	if (c == NULL) {
		return -ENOMEM;
	}
	rc = conn_open(c, p->path);
	if (rc < 0) {
		free(c);
		return rc;
	}
	c->keep_events = true;
	c->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->evfd < 0 || c->epfd < 0 ||
		epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->fd,
			&(struct epoll_event){.events = EPOLLIN}) < 0 ||
		epoll_ctl(c->epfd, EPOLL_CTL_ADD, c->evfd,
			&(struct epoll_event){.events = EPOLLIN}) < 0) {
		rc = -errno;
		conn_close(c);
		free(c);
		return rc;
	}
	xe->priv = c;
	xe->fd = c->epfd;
	return 0;
}

static void he_close(struct xenif_evtchn *xe)
{
	conn_close(xe->priv);
	free(xe->priv);
}

static int he_fd(const struct xenif_evtchn *xe)
{
	return xe->fd;
}

static int he_bind_interdomain(
	struct xenif_evtchn *xe, uint32_t domid, uint32_t remote_port)
{
	struct evtchn_bind_interdomain b = {0};
	long rc;

	if (domid >= DOMID_FIRST_RESERVED && domid != DOMID_SELF) {
		return -EINVAL;
	}
	b.remote_dom = (domid_t)domid;
	b.remote_port = remote_port;
	rc = hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_bind_interdomain, XH_PTR(0), 0, &b, sizeof(b));
	return rc < 0 ? (int)rc : (int)b.local_port;
}

static int he_bind_unbound(struct xenif_evtchn *xe, uint32_t remote_domid)
{
	struct evtchn_alloc_unbound a = {0};
	long rc;

	if (remote_domid >= DOMID_FIRST_RESERVED &&
		remote_domid != DOMID_SELF) {
		return -EINVAL;
	}
	a.dom = DOMID_SELF;
	a.remote_dom = (domid_t)remote_domid;
	rc = hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_alloc_unbound, XH_PTR(0), 0, &a, sizeof(a));
	return rc < 0 ? (int)rc : (int)a.port;
}

static int he_bind_virq(struct xenif_evtchn *xe, unsigned int virq)
{
	struct evtchn_bind_virq b = {0};
	long rc;

	b.virq = virq;
	b.vcpu = 0;
	rc = hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_bind_virq, XH_PTR(0), 0, &b, sizeof(b));
	return rc < 0 ? (int)rc : (int)b.port;
}

static int he_unbind(struct xenif_evtchn *xe, uint32_t port)
{
	struct evtchn_close c = {.port = port};

	return (int)hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_close, XH_PTR(0), 0, &c, sizeof(c));
}

static int he_notify(struct xenif_evtchn *xe, uint32_t port)
{
	struct evtchn_send s = {.port = port};

	return (int)hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_send, XH_PTR(0), 0, &s, sizeof(s));
}

static int he_pending(struct xenif_evtchn *xe)
{
	struct xh_conn *c = xe->priv;
	struct xh_msg m;
	int rc;

	for (;;) {
		rc = dequeue_event(c);
		if (rc >= 0) {
			return rc;
		}
		rc = recv_packet(c, MSG_DONTWAIT, &m, NULL, 0, NULL);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
			return -EAGAIN;
		}
		if (rc < 0) {
			return rc;
		}
		if (m.type != XH_EVENT || m.args[0] > INT32_MAX) {
			return -EPROTO;
		}
		queue_event(c, (uint32_t)m.args[0]);
	}
}

static int he_unmask(struct xenif_evtchn *xe, uint32_t port)
{
	struct evtchn_unmask u = {.port = port};

	return (int)hypercall(xe->priv, __HYPERVISOR_event_channel_op,
		EVTCHNOP_unmask, XH_PTR(0), 0, &u, sizeof(u));
}

/* ---- grant mapping ----------------------------------------------------- */

static int gntst_errno(int16_t st)
{
	switch (st) {
	case GNTST_bad_domain:
		return -ESRCH;
	case GNTST_permission_denied:
		return -EPERM;
	case GNTST_no_device_space:
		return -ENOSPC;
	case GNTST_eagain:
		return -EAGAIN;
	default:
		return -EINVAL;
	}
}

static int hg_open(struct xenif_gnttab *xg)
{
	struct hosted_priv *p = xg->xi->priv;
	struct gnt_priv *g = calloc(1, sizeof(*g));
	int rc;

	if (g == NULL) {
		return -ENOMEM;
	}
	rc = conn_open(&g->conn, p->path);
	if (rc < 0) {
		free(g);
		return rc;
	}
	xg->priv = g;
	xg->fd = g->conn.fd;
	return 0;
}

static void unmap_handles(
	struct gnt_priv *g, const grant_handle_t *h, uint32_t count)
{
	struct gnttab_unmap_grant_ref *ops;
	uint32_t i, chunk;

	while (count > 0) {
		chunk = count > 256 ? 256 : count;
		ops = calloc(chunk, sizeof(*ops));
		if (ops == NULL) {
			return;
		}
		for (i = 0; i < chunk; i++) {
			ops[i].handle = h[i];
		}
		hypercall(&g->conn, __HYPERVISOR_grant_table_op,
			GNTTABOP_unmap_grant_ref, XH_PTR(0), chunk, ops,
			sizeof(*ops) * chunk);
		free(ops);
		h += chunk;
		count -= chunk;
	}
}

static void hg_close(struct xenif_gnttab *xg)
{
	struct gnt_priv *g = xg->priv;
	struct gnt_map *m;

	while ((m = g->maps) != NULL) {
		g->maps = m->next;
		munmap(m->addr, (size_t)m->count * PAGE);
		free(m->handles);
		free(m);
	}
	/* Closing the connection releases the mappings in the hypervisor. */
	conn_close(&g->conn);
	free(g);
}

static void *hg_map(struct xenif_gnttab *xg, uint32_t domid,
	const uint32_t *refs, uint32_t count, int prot)
{
	struct gnt_priv *g = xg->priv;
	struct gnttab_map_grant_ref *ops = NULL;
	grant_handle_t *handles;
	struct gnt_map *m;
	int fds[XH_MAX_FDS];
	unsigned int nfds, k;
	uint32_t done = 0, chunk, i;
	uint8_t *base;
	int err = 0;
	long rc;

	if (domid >= DOMID_FIRST_RESERVED || count > (1u << 20) ||
		(prot & ~(PROT_READ | PROT_WRITE)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	base = mmap(NULL, (size_t)count * PAGE, PROT_NONE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	handles = calloc(count, sizeof(*handles));
	m = calloc(1, sizeof(*m));
	if (base == MAP_FAILED || handles == NULL || m == NULL) {
		err = ENOMEM;
		goto fail;
	}
	while (done < count) {
		chunk = count - done > XH_MAX_FDS ? XH_MAX_FDS : count - done;
		free(ops);
		ops = calloc(chunk, sizeof(*ops));
		if (ops == NULL) {
			err = ENOMEM;
			goto fail;
		}
		for (i = 0; i < chunk; i++) {
			ops[i].flags = GNTMAP_host_map;
			if (!(prot & PROT_WRITE)) {
				ops[i].flags |= GNTMAP_readonly;
			}
			ops[i].ref = refs[done + i];
			ops[i].dom = (domid_t)domid;
		}
		rc = xh_call(&g->conn, XH_HYPERCALL,
			__HYPERVISOR_grant_table_op,
			(uint64_t[]){GNTTABOP_map_grant_ref, XH_PTR(0), chunk},
			3, ops, sizeof(*ops) * chunk, fds, XH_MAX_FDS, &nfds);
		if (rc < 0) {
			err = (int)-rc;
			goto fail;
		}
		/* One descriptor per successful op, in order. */
		k = 0;
		for (i = 0; i < chunk; i++) {
			if (ops[i].status != GNTST_okay) {
				err = -gntst_errno(ops[i].status);
				continue;
			}
			handles[done + i] = ops[i].handle;
			if (k >= nfds) {
				err = EPROTO;
				continue;
			}
			if (err == 0 &&
				mmap(base + (size_t)(done + i) * PAGE, PAGE,
					prot, MAP_SHARED | MAP_FIXED, fds[k],
					(off_t)ops[i].dev_bus_addr) ==
					MAP_FAILED) {
				err = errno;
			}
			k++;
		}
		close_fds(fds, nfds);
		if (err != 0) {
			/* Undo this chunk's successful maps, then the rest. */
			for (i = 0; i < chunk; i++) {
				if (ops[i].status == GNTST_okay) {
					unmap_handles(g, &handles[done + i], 1);
				}
			}
			goto fail;
		}
		done += chunk;
	}
	free(ops);
	m->addr = base;
	m->count = count;
	m->handles = handles;
	m->next = g->maps;
	g->maps = m;
	return base;

fail:
	if (done > 0) {
		unmap_handles(g, handles, done);
	}
	free(ops);
	free(handles);
	free(m);
	if (base != MAP_FAILED) {
		munmap(base, (size_t)count * PAGE);
	}
	errno = err;
	return NULL;
}

static int hg_unmap(struct xenif_gnttab *xg, void *addr, uint32_t count)
{
	struct gnt_priv *g = xg->priv;
	struct gnt_map **pp, *m;

	for (pp = &g->maps; (m = *pp) != NULL; pp = &m->next) {
		if (m->addr == addr) {
			break;
		}
	}
	if (m == NULL || m->count != count) {
		return -EINVAL;
	}
	*pp = m->next;
	munmap(m->addr, (size_t)m->count * PAGE);
	unmap_handles(g, m->handles, m->count);
	free(m->handles);
	free(m);
	return 0;
}

/* ---- foreign memory ---------------------------------------------------- */

static void *h_foreign_map(struct xenif *xi, uint32_t domid, int prot,
	const uint64_t *gfns, size_t count, int *errs)
{
	struct xh_foreign_reply r;
	uint64_t args[2];
	unsigned int nfds;
	size_t i, ok = 0;
	uint8_t *base;
	int fd, e;
	long rc;

	if (domid >= DOMID_FIRST_RESERVED || count > (1u << 24) ||
		(prot & ~(PROT_READ | PROT_WRITE)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	args[0] = domid;
	args[1] = (prot & PROT_WRITE) ? 2 : 1;
	memset(&r, 0, sizeof(r));
	rc = xh_call(main_conn(xi), XH_FOREIGN_MAP, 0, args, 2, &r, sizeof(r),
		&fd, 1, &nfds);
	if (rc < 0 || nfds != 1) {
		if (rc >= 0) {
			close_fds(&fd, nfds);
		}
		errno = rc < 0 ? (int)-rc : EPROTO;
		return NULL;
	}
	base = mmap(NULL, count * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		-1, 0);
	if (base == MAP_FAILED) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		e = 0;
		if (gfns[i] >= r.nr_pages) {
			e = -EINVAL;
		} else if (mmap(base + i * PAGE, PAGE, prot,
				   MAP_SHARED | MAP_FIXED, fd,
				   (off_t)(gfns[i] * PAGE)) == MAP_FAILED) {
			e = -errno;
		} else {
			ok++;
		}
		if (errs != NULL) {
			errs[i] = e;
		}
	}
	close(fd);
	if (ok == 0) {
		munmap(base, count * PAGE);
		errno = EINVAL;
		return NULL;
	}
	return base;
}

static int h_foreign_unmap(struct xenif *xi, void *addr, size_t count)
{
	(void)xi;
	return munmap(addr, count * PAGE) == 0 ? 0 : -errno;
}

/* ---- DMOP --------------------------------------------------------------- */

static int h_restrict(struct xenif *xi, uint32_t domid)
{
	uint64_t args[1] = {domid};

	return (int)xh_call(
		main_conn(xi), XH_RESTRICT, 0, args, 1, NULL, 0, NULL, 0, NULL);
}

static int h_dmop(struct xenif *xi, uint32_t domid, unsigned int nr_bufs,
	struct xenif_dmop_buf *bufs)
{
	struct xen_dm_op_buf *desc;
	size_t total, off;
	uint8_t *payload;
	unsigned int i;
	long rc;

	if (domid >= DOMID_FIRST_RESERVED || nr_bufs > 16) {
		return -EINVAL;
	}
	total = sizeof(*desc) * nr_bufs;
	for (i = 0; i < nr_bufs; i++) {
		if (bufs[i].size > XH_MAX_PAYLOAD) {
			return -E2BIG;
		}
		total += (bufs[i].size + 7) & ~(size_t)7;
	}
	if (total > XH_MAX_PAYLOAD) {
		return -E2BIG;
	}
	payload = calloc(1, total);
	if (payload == NULL) {
		return -ENOMEM;
	}
	desc = (struct xen_dm_op_buf *)payload;
	off = sizeof(*desc) * nr_bufs;
	for (i = 0; i < nr_bufs; i++) {
		desc[i].h.p = (void *)(uintptr_t)XH_PTR(off);
		desc[i].size = bufs[i].size;
		memcpy(payload + off, bufs[i].p, bufs[i].size);
		off += (bufs[i].size + 7) & ~(size_t)7;
	}
	rc = hypercall(main_conn(xi), __HYPERVISOR_dm_op, domid, nr_bufs,
		XH_PTR(0), payload, total);
	off = sizeof(*desc) * nr_bufs;
	for (i = 0; i < nr_bufs; i++) {
		memcpy(bufs[i].p, payload + off, bufs[i].size);
		off += (bufs[i].size + 7) & ~(size_t)7;
	}
	free(payload);
	return (int)rc;
}

/* ---- domains ------------------------------------------------------------ */

static long domctl(struct xenif *xi, struct xen_domctl *op)
{
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return hypercall(main_conn(xi), __HYPERVISOR_domctl, XH_PTR(0), 0, 0,
		op, sizeof(*op));
}

static void info_from(
	struct xenif_dominfo *out, const struct xen_domctl_getdomaininfo *in)
{
	memset(out, 0, sizeof(*out));
	out->domid = in->domain;
	out->flags = in->flags;
	out->tot_pages = in->tot_pages;
	out->max_pages = in->max_pages;
	out->nr_online_vcpus = in->nr_online_vcpus;
	memcpy(out->handle, in->handle, sizeof(out->handle));
	xenif_dominfo_decode_flags(out);
}

static int h_getinfo(struct xenif *xi, uint32_t first, unsigned int max,
	struct xenif_dominfo *out)
{
	struct xen_sysctl *op;
	struct xen_domctl_getdomaininfo *list;
	size_t hdr = (sizeof(*op) + 7) & ~(size_t)7;
	unsigned int chunk, got = 0, i;
	uint8_t *payload;
	long rc;

	if (first >= DOMID_FIRST_RESERVED) {
		return 0;
	}
	chunk = (XH_MAX_PAYLOAD - (unsigned int)hdr) / sizeof(*list);
	payload = malloc(XH_MAX_PAYLOAD);
	if (payload == NULL) {
		return -ENOMEM;
	}
	while (got < max && first < DOMID_FIRST_RESERVED) {
		unsigned int want = max - got < chunk ? max - got : chunk;

		memset(payload, 0, hdr + want * sizeof(*list));
		op = (struct xen_sysctl *)payload;
		op->cmd = XEN_SYSCTL_getdomaininfolist;
		op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
		op->u.getdomaininfolist.first_domain = (domid_t)first;
		op->u.getdomaininfolist.max_domains = want;
		op->u.getdomaininfolist.buffer.p =
			(void *)(uintptr_t)XH_PTR(hdr);
		rc = hypercall(main_conn(xi), __HYPERVISOR_sysctl, XH_PTR(0), 0,
			0, payload, hdr + want * sizeof(*list));
		if (rc < 0) {
			free(payload);
			return (int)rc;
		}
		op = (struct xen_sysctl *)payload;
		if (op->u.getdomaininfolist.num_domains > want) {
			free(payload);
			return -EPROTO;
		}
		list = (struct xen_domctl_getdomaininfo *)(payload + hdr);
		for (i = 0; i < op->u.getdomaininfolist.num_domains; i++) {
			info_from(&out[got++], &list[i]);
			first = list[i].domain + 1u;
		}
		if (op->u.getdomaininfolist.num_domains < want) {
			break;
		}
	}
	free(payload);
	return (int)got;
}

static int h_create(
	struct xenif *xi, struct xenif_domain_config *cfg, uint32_t *domid)
{
	struct xen_domctl op;
	static const uint8_t zero[16];
	long rc;

	if (cfg->max_vcpus > 1 || cfg->domid >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_createdomain;
	op.domain = (domid_t)cfg->domid;
	op.u.createdomain.flags = cfg->flags;
	if (memcmp(cfg->handle, zero, sizeof(zero)) == 0) {
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		if (fd < 0 || read(fd, cfg->handle, 16) != 16) {
			if (fd >= 0) {
				close(fd);
			}
			return -EIO;
		}
		close(fd);
	}
	memcpy(op.u.createdomain.handle, cfg->handle, 16);
	rc = domctl(xi, &op);
	if (rc < 0) {
		return (int)rc;
	}
	*domid = op.domain;
	if (cfg->max_pages != 0) {
		memset(&op, 0, sizeof(op));
		op.cmd = XEN_DOMCTL_max_mem;
		op.domain = (domid_t)*domid;
		op.u.max_mem.max_memkb = cfg->max_pages * 4;
		rc = domctl(xi, &op);
		if (rc < 0) {
			memset(&op, 0, sizeof(op));
			op.cmd = XEN_DOMCTL_destroydomain;
			op.domain = (domid_t)*domid;
			domctl(xi, &op);
			return (int)rc;
		}
	}
	return 0;
}

static int simple_domctl(struct xenif *xi, uint32_t cmd, uint32_t domid)
{
	struct xen_domctl op;

	if (domid >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = cmd;
	op.domain = (domid_t)domid;
	return (int)domctl(xi, &op);
}

static int h_destroy(struct xenif *xi, uint32_t domid)
{
	return simple_domctl(xi, XEN_DOMCTL_destroydomain, domid);
}

static int h_pause(struct xenif *xi, uint32_t domid)
{
	return simple_domctl(xi, XEN_DOMCTL_pausedomain, domid);
}

static int h_unpause(struct xenif *xi, uint32_t domid)
{
	return simple_domctl(xi, XEN_DOMCTL_unpausedomain, domid);
}

static int h_max_mem(struct xenif *xi, uint32_t domid, uint64_t max_kb)
{
	struct xen_domctl op;

	if (domid >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	memset(&op, 0, sizeof(op));
	op.cmd = XEN_DOMCTL_max_mem;
	op.domain = (domid_t)domid;
	op.u.max_mem.max_memkb = max_kb;
	return (int)domctl(xi, &op);
}

static int hvm_param(struct xenif *xi, unsigned int cmd, uint32_t domid,
	uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p;
	long rc;

	if (domid >= DOMID_FIRST_RESERVED && domid != DOMID_SELF) {
		return -EINVAL;
	}
	memset(&p, 0, sizeof(p));
	p.domid = (domid_t)domid;
	p.index = index;
	p.value = *value;
	rc = hypercall(main_conn(xi), __HYPERVISOR_hvm_op, cmd, XH_PTR(0), 0,
		&p, sizeof(p));
	if (rc == 0) {
		*value = p.value;
	}
	return (int)rc;
}

static int h_param_set(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t value)
{
	return hvm_param(xi, HVMOP_set_param, domid, index, &value);
}

static int h_param_get(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t *value)
{
	*value = 0;
	return hvm_param(xi, HVMOP_get_param, domid, index, value);
}

static int h_alloc_unbound(
	struct xenif *xi, uint32_t domid, uint32_t remote_domid)
{
	struct evtchn_alloc_unbound a = {0};
	long rc;

	if (domid >= DOMID_FIRST_RESERVED ||
		remote_domid >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	a.dom = (domid_t)domid;
	a.remote_dom = (domid_t)remote_domid;
	rc = hypercall(main_conn(xi), __HYPERVISOR_event_channel_op,
		EVTCHNOP_alloc_unbound, XH_PTR(0), 0, &a, sizeof(a));
	return rc < 0 ? (int)rc : (int)a.port;
}

const struct xenif_ops xenif_hosted_ops = {
	.name = "hosted",
	.open = h_open,
	.close = h_close,
	.evtchn_open = he_open,
	.evtchn_close = he_close,
	.evtchn_fd = he_fd,
	.evtchn_bind_interdomain = he_bind_interdomain,
	.evtchn_bind_unbound = he_bind_unbound,
	.evtchn_bind_virq = he_bind_virq,
	.evtchn_unbind = he_unbind,
	.evtchn_notify = he_notify,
	.evtchn_pending = he_pending,
	.evtchn_unmask = he_unmask,
	.gnttab_open = hg_open,
	.gnttab_close = hg_close,
	.gnttab_map = hg_map,
	.gnttab_unmap = hg_unmap,
	.foreign_map = h_foreign_map,
	.foreign_unmap = h_foreign_unmap,
	.restrict_domid = h_restrict,
	.dmop = h_dmop,
	.domain_getinfo = h_getinfo,
	.domain_create = h_create,
	.domain_destroy = h_destroy,
	.domain_pause = h_pause,
	.domain_unpause = h_unpause,
	.domain_set_max_mem = h_max_mem,
	.hvm_param_set = h_param_set,
	.hvm_param_get = h_param_get,
	.evtchn_alloc_unbound = h_alloc_unbound,
};
