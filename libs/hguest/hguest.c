/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hguest: a guest domain of the hosted port in a Linux process (hguest.h).
 *
 * The socket carries one request at a time: a hypercall is sent and the
 * call waits for the reply with its seq; XH_EVENT kicks that arrive
 * meanwhile are remembered for the domain they name. Several domains may
 * share one socket (hg_attach_more): struct hg_sock holds what they share,
 * each struct hg one domain's state. Every packet read is checked before
 * use, and descriptors that arrive where none are expected are closed.
 */
#include "hguest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvm/hvm_op.h"
#include "hvm/params.h"
#include "sched.h"
#include "version.h"
#include "xh_proto.h"

#define HG_WORD_BITS (sizeof(xen_ulong_t) * 8)
#define HG_NR_WORDS (HG_NR_EVTCHNS / HG_WORD_BITS)
#define HG_GNT_PER_FRAME (XH_PAGE_SIZE / sizeof(struct grant_entry_v1))
#define HG_MAX_GRANT_FRAMES 4096u
#define HG_MAX_MEM_PAGES (1ull << 28) /* 1 TiB: more is a confused peer */
#define HG_MAX_BUFS 16u
#define HG_MAX_ARGS 5u
#define HG_MAX_ERRNO 4095
#define HG_CONSOLE_CHUNK 32768u

/* Results of next_packet(). */
#define PKT_TIMEOUT 0
#define PKT_EVENT 1
#define PKT_REPLY 2

TAILQ_HEAD(hg_list, hg);

/* The connection, shared by the domains attached over it. */
struct hg_sock {
	int fd;
	bool broken; /* protocol error or lost connection */
	uint32_t seq;
	unsigned int refs;     /* struct hg using it */
	struct hg *first;      /* the XH_ATTACH domain, while open */
	struct hg **by_domid;  /* with several domains: DOMID_FIRST_RESERVED */
	struct hg_list kicked; /* domains with a kick not yet taken */
	uint8_t rx[sizeof(struct xh_msg) + XH_MAX_PAYLOAD];
};

struct hg {
	struct hg_sock *sock;
	bool more; /* attached with XH_ATTACH_MORE: requests name it */
	bool gone; /* XH_PORT_GONE: destroyed, no longer attached */
	unsigned int domid;
	struct xh_attach_reply info;
	uint8_t *mem; /* the whole memfd */
	size_t mem_len;
	struct shared_info *shinfo;
	struct grant_entry_v1 *gnt;
	unsigned int nr_grefs;
	bool kicked; /* an XH_EVENT came and was not waited (on sock->kicked) */
	TAILQ_ENTRY(hg) kick_link;
	struct hg_evt evt;
	xen_ulong_t aside[HG_NR_WORDS]; /* ports found by hg_wait_port */
	size_t pl_len;                  /* payload being built */
	bool pl_full;
	size_t reply_len;     /* payload the last reply returned */
	int rfds[XH_MAX_FDS]; /* descriptors the last reply carried */
	unsigned int nrfds;
	xen_ulong_t *gref_used;     /* bitmap of allocated grant refs */
	unsigned int gnt_frames_up; /* frames set up in the table; 0: ask */
	uint64_t next_gfn;          /* page allocator */
	bool skip_known;
	uint64_t skip[2]; /* store and console frames */
	/* Last: its pages are touched only as far as payloads go. */
	uint8_t payload[XH_MAX_PAYLOAD];
};

/* ---- small helpers ------------------------------------------------------- */

uint64_t hg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/** Deadline for timeout_ms from now; 0 when timeout_ms < 0 (none). */
static uint64_t deadline_of(int timeout_ms)
{
	if (timeout_ms < 0) {
		return 0;
	}
	return hg_now_ns() + (uint64_t)timeout_ms * 1000000ull;
}

/** Milliseconds left until deadline (rounded up); -1 for no deadline. */
static int ms_left(uint64_t deadline)
{
	uint64_t now, left;

	if (deadline == 0) {
		return -1;
	}
	now = hg_now_ns();
	if (now >= deadline) {
		return 0;
	}
	left = (deadline - now + 999999ull) / 1000000ull;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static int fail(struct hg *hg, int err)
{
	hg->sock->broken = true;
	return err;
}

/** Note a kick for hg (queued for hg_wait_any). */
static void set_kick(struct hg *hg)
{
	if (!hg->kicked) {
		hg->kicked = true;
		TAILQ_INSERT_TAIL(&hg->sock->kicked, hg, kick_link);
	}
}

/** Take hg's kick: true if it had one. */
static bool take_kick(struct hg *hg)
{
	if (!hg->kicked) {
		return false;
	}
	hg->kicked = false;
	TAILQ_REMOVE(&hg->sock->kicked, hg, kick_link);
	return true;
}

/** The domain domid of the connection; NULL if it is not ours (now). */
static struct hg *sock_domain(struct hg_sock *so, uint64_t domid)
{
	if (domid >= DOMID_FIRST_RESERVED) {
		return NULL;
	}
	if (so->by_domid != NULL) {
		return so->by_domid[domid];
	}
	if (so->first != NULL && so->first->domid == domid) {
		return so->first;
	}
	return NULL;
}

static void close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
}

static void drop_reply_fds(struct hg *hg)
{
	close_fds(hg->rfds, hg->nrfds);
	hg->nrfds = 0;
}

/* ---- the socket ---------------------------------------------------------- */

static int send_msg(
	struct hg *hg, const struct xh_msg *m, const void *payload, size_t len)
{
	struct iovec iov[2];
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = (void *)m;
	iov[0].iov_len = sizeof(*m);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	do {
		n = sendmsg(hg->sock->fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		return fail(hg, errno == EPIPE ? -ECONNRESET : -errno);
	}
	if ((size_t)n != sizeof(*m) + len) {
		return fail(hg, -EIO);
	}
	return 0;
}

/** Descriptors of a received message, into fds[]; false if too many. */
static bool collect_fds(struct msghdr *mh, int *fds, unsigned int *nfds)
{
	struct cmsghdr *cm;
	unsigned int i, n;
	bool ok = true;
	int fd;

	*nfds = 0;
	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
			cm->cmsg_type != SCM_RIGHTS ||
			cm->cmsg_len < CMSG_LEN(0)) {
			ok = false;
			continue;
		}
		n = (unsigned int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
				sizeof(fd));
			if (*nfds < XH_MAX_FDS) {
				fds[(*nfds)++] = fd;
			} else {
				close(fd);
				ok = false;
			}
		}
	}
	return ok;
}

/**
 * Receive one packet within timeout_ms (-1: forever) and check its frame.
 * 1 with *m, the payload in sock->rx and the descriptors in fds[]; 0 on
 * timeout; -errno (the connection is then broken).
 */
static int recv_packet(struct hg *hg, int timeout_ms, struct xh_msg *m,
	int *fds, unsigned int *nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * XH_MAX_FDS)];
	} cbuf;
	uint64_t deadline = deadline_of(timeout_ms);
	struct pollfd pfd;
	struct msghdr mh;
	struct iovec iov;
	bool fds_ok;
	ssize_t n;
	int rc;

	*nfds = 0;
	for (;;) {
		pfd.fd = hg->sock->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, ms_left(deadline));
		if (rc < 0 && errno == EINTR) {
			continue;
		}
		if (rc < 0) {
			return fail(hg, -errno);
		}
		if (rc == 0) {
			return 0;
		}
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = hg->sock->rx;
		iov.iov_len = sizeof(hg->sock->rx);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		n = recvmsg(hg->sock->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			continue;
		}
		if (n < 0) {
			return fail(hg, -errno);
		}
		if (n == 0) {
			return fail(hg, -ECONNRESET);
		}
		break;
	}
	fds_ok = collect_fds(&mh, fds, nfds);
	if (!fds_ok || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		(size_t)n < sizeof(*m)) {
		close_fds(fds, *nfds);
		*nfds = 0;
		return fail(hg, -EPROTO);
	}
	memcpy(m, hg->sock->rx, sizeof(*m));
	if (m->magic != XH_MAGIC || m->len > XH_MAX_PAYLOAD ||
		m->len != (size_t)n - sizeof(*m) || m->nfds != *nfds) {
		close_fds(fds, *nfds);
		*nfds = 0;
		return fail(hg, -EPROTO);
	}
	return 1;
}

/**
 * Read one packet: PKT_EVENT (a kick, remembered for the domain it names,
 * or that domain's departure), PKT_REPLY (its descriptors in hg->rfds: hg
 * is the domain waiting for it), PKT_TIMEOUT, or -errno.
 */
static int next_packet(struct hg *hg, int timeout_ms, struct xh_msg *m)
{
	int fds[XH_MAX_FDS];
	unsigned int nfds;
	struct hg *to;
	int rc;

	if (hg->sock->broken) {
		return -EIO;
	}
	rc = recv_packet(hg, timeout_ms, m, fds, &nfds);
	if (rc <= 0) {
		return rc;
	}
	switch (m->type) {
	case XH_EVENT:
		if (m->len != 0 || nfds != 0 ||
			(m->args[0] != XH_PORT_UPCALL &&
				m->args[0] != XH_PORT_GONE) ||
			m->args[1] >= DOMID_FIRST_RESERVED) {
			close_fds(fds, nfds);
			return fail(hg, -EPROTO);
		}
		/* None: a domain closed here; its events are no one's. */
		to = sock_domain(hg->sock, m->args[1]);
		if (to != NULL) {
			if (m->args[0] == XH_PORT_GONE) {
				to->gone = true;
			}
			set_kick(to);
		}
		return PKT_EVENT;
	case XH_REPLY:
		drop_reply_fds(hg);
		memcpy(hg->rfds, fds, sizeof(int) * nfds);
		hg->nrfds = nfds;
		return PKT_REPLY;
	default:
		close_fds(fds, nfds);
		return fail(hg, -EPROTO);
	}
}

/** Wait for the reply to request seq, op; kicks meanwhile are kept. */
static int wait_reply(
	struct hg *hg, uint32_t seq, uint64_t op, struct xh_msg *m)
{
	int rc;

	for (;;) {
		rc = next_packet(hg, -1, m);
		if (rc < 0) {
			return rc;
		}
		if (rc != PKT_REPLY) {
			continue;
		}
		if (m->seq != seq || m->op != op || m->ret < -HG_MAX_ERRNO) {
			drop_reply_fds(hg);
			return fail(hg, -EPROTO);
		}
		return 0;
	}
}

/* ---- attaching ----------------------------------------------------------- */

static int connect_socket(const char *path, int *out)
{
	struct sockaddr_un sa;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -ENAMETOOLONG;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -errno;
	}
	do {
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	} while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

/** The attach reply describes a memory layout we can use. */
static bool layout_ok(const struct xh_attach_reply *r, unsigned int domid)
{
	uint64_t total = r->memfd_pages;

	if (r->domid != domid || r->max_vcpus == 0) {
		return false;
	}
	if (total == 0 || total > HG_MAX_MEM_PAGES || r->nr_pages == 0 ||
		r->nr_pages > total) {
		return false;
	}
	if (r->shared_info_gfn < r->nr_pages || r->shared_info_gfn >= total) {
		return false;
	}
	if (r->nr_grant_frames > HG_MAX_GRANT_FRAMES) {
		return false;
	}
	if (r->nr_grant_frames > 0 &&
		(r->grant_gfn < r->nr_pages || r->grant_gfn >= total ||
			r->nr_grant_frames > total - r->grant_gfn ||
			(r->shared_info_gfn >= r->grant_gfn &&
				r->shared_info_gfn <
					r->grant_gfn + r->nr_grant_frames))) {
		return false;
	}
	return true;
}

static int map_memory(struct hg *hg, int memfd)
{
	struct stat st;
	size_t len;
	void *p;

	len = (size_t)hg->info.memfd_pages * XH_PAGE_SIZE;
	if (fstat(memfd, &st) != 0) {
		return -errno;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0 ||
		(uint64_t)st.st_size < (uint64_t)len) {
		return -EPROTO; /* mapping it would fault past its end */
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (p == MAP_FAILED) {
		return -errno;
	}
	hg->mem = p;
	hg->mem_len = len;
	hg->shinfo = (struct shared_info *)(hg->mem + hg->info.shared_info_gfn *
							      XH_PAGE_SIZE);
	if (hg->info.nr_grant_frames > 0) {
		hg->gnt = (struct grant_entry_v1 *)(hg->mem +
						    hg->info.grant_gfn *
							    XH_PAGE_SIZE);
	}
	hg->nr_grefs =
		hg->info.nr_grant_frames * (unsigned int)HG_GNT_PER_FRAME;
	return 0;
}

static int do_attach(
	struct hg *hg, unsigned int domid, const uint8_t handle[16])
{
	struct xh_msg m, r;
	int memfd, rc;

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = hg->more ? XH_ATTACH_MORE : XH_ATTACH;
	m.seq = ++hg->sock->seq;
	m.len = 16;
	m.args[0] = domid;
	rc = send_msg(hg, &m, handle, 16);
	if (rc < 0) {
		return rc;
	}
	rc = wait_reply(hg, m.seq, m.op, &r);
	if (rc < 0) {
		return rc;
	}
	if (r.ret < 0) {
		drop_reply_fds(hg);
		return (int)r.ret;
	}
	if (r.ret != 0 || r.len != sizeof(hg->info)) {
		drop_reply_fds(hg);
		return fail(hg, -EPROTO);
	}
	memcpy(&hg->info, hg->sock->rx + sizeof(r), sizeof(hg->info));
	if (hg->nrfds == 0 && (hg->info.flags & XH_ATTACH_PRIVILEGED)) {
		return -EOPNOTSUPP; /* a dom0 connection: no memory to map */
	}
	if (hg->nrfds != 1 || !layout_ok(&hg->info, domid)) {
		drop_reply_fds(hg);
		return fail(hg, -EPROTO);
	}
	memfd = hg->rfds[0];
	hg->rfds[0] = -1;
	hg->nrfds = 0;
	rc = map_memory(hg, memfd);
	close(memfd);
	if (rc < 0) {
		return rc;
	}
	hg->domid = domid;
	hg_evt_init(&hg->evt, hg->shinfo, 0);
	if (hg->nr_grefs > 0) {
		hg->gref_used =
			calloc((hg->nr_grefs + HG_WORD_BITS - 1) / HG_WORD_BITS,
				sizeof(xen_ulong_t));
		if (hg->gref_used == NULL) {
			return -ENOMEM;
		}
	}
	return 0;
}

/** A struct hg on so (referenced); the payload buffer stays untouched. */
static struct hg *hg_new(struct hg_sock *so)
{
	struct hg *hg = malloc(sizeof(*hg));
	unsigned int i;

	if (hg == NULL) {
		return NULL;
	}
	memset(hg, 0, offsetof(struct hg, payload));
	for (i = 0; i < XH_MAX_FDS; i++) {
		hg->rfds[i] = -1;
	}
	hg->sock = so;
	so->refs++;
	return hg;
}

struct hg *hg_attach_to(
	const char *path, unsigned int domid, const uint8_t handle[16])
{
	struct hg_sock *so;
	struct hg *hg;
	int rc;

	if (path == NULL || handle == NULL || domid >= DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return NULL;
	}
	so = calloc(1, sizeof(*so));
	if (so == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	so->fd = -1;
	TAILQ_INIT(&so->kicked);
	hg = hg_new(so);
	if (hg == NULL) {
		free(so);
		errno = ENOMEM;
		return NULL;
	}
	rc = connect_socket(path, &so->fd);
	if (rc == 0) {
		rc = do_attach(hg, domid, handle);
	}
	if (rc < 0) {
		hg_close(hg);
		errno = -rc;
		return NULL;
	}
	so->first = hg;
	return hg;
}

struct hg *hg_attach_more(
	struct hg *first, unsigned int domid, const uint8_t handle[16])
{
	struct hg_sock *so;
	struct hg *hg;
	int rc;

	if (first == NULL || handle == NULL || domid == 0 ||
		domid >= DOMID_FIRST_RESERVED) {
		errno = EINVAL;
		return NULL;
	}
	so = first->sock;
	if (so->broken) {
		errno = EIO;
		return NULL;
	}
	if (sock_domain(so, domid) != NULL) {
		errno = EBUSY;
		return NULL;
	}
	if (so->by_domid == NULL) {
		so->by_domid =
			calloc(DOMID_FIRST_RESERVED, sizeof(*so->by_domid));
		if (so->by_domid == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		if (so->first != NULL) {
			so->by_domid[so->first->domid] = so->first;
		}
	}
	hg = hg_new(so);
	if (hg == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	hg->more = true;
	rc = do_attach(hg, domid, handle);
	if (rc < 0) {
		hg_close(hg);
		errno = -rc;
		return NULL;
	}
	so->by_domid[domid] = hg;
	return hg;
}

bool hg_gone(const struct hg *hg)
{
	return hg->gone;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

static int parse_handle(const char *s, uint8_t handle[16])
{
	unsigned int n = 0;
	int v;

	for (; *s != '\0'; s++) {
		if (*s == '-') {
			continue;
		}
		v = hexval(*s);
		if (v < 0 || n >= 32) {
			return -EINVAL;
		}
		if (n % 2 == 0) {
			handle[n / 2] = (uint8_t)(v << 4);
		} else {
			handle[n / 2] |= (uint8_t)v;
		}
		n++;
	}
	return n == 32 ? 0 : -EINVAL;
}

static int parse_domid(const char *s, unsigned int *domid)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9') {
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v >= DOMID_FIRST_RESERVED) {
		return -EINVAL;
	}
	*domid = (unsigned int)v;
	return 0;
}

struct hg *hg_attach(void)
{
	const char *path = getenv("XEN_HOSTED_SOCKET");
	const char *ds = getenv("XEN_HOSTED_DOMID");
	const char *hs = getenv("XEN_HOSTED_HANDLE");
	uint8_t handle[16];
	unsigned int domid;

	if (path == NULL || ds == NULL || hs == NULL ||
		parse_domid(ds, &domid) != 0 || parse_handle(hs, handle) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return hg_attach_to(path, domid, handle);
}

void hg_close(struct hg *hg)
{
	struct hg_sock *so;

	if (hg == NULL) {
		return;
	}
	so = hg->sock;
	drop_reply_fds(hg);
	take_kick(hg);
	if (hg->mem != NULL) {
		munmap(hg->mem, hg->mem_len);
	}
	if (so->first == hg) {
		so->first = NULL;
	}
	if (so->by_domid != NULL && hg->domid < DOMID_FIRST_RESERVED &&
		so->by_domid[hg->domid] == hg) {
		so->by_domid[hg->domid] = NULL;
	}
	free(hg->gref_used);
	free(hg);
	if (--so->refs == 0) {
		if (so->fd >= 0) {
			close(so->fd);
		}
		free(so->by_domid);
		free(so);
	}
}

unsigned int hg_domid(const struct hg *hg)
{
	return hg->domid;
}

uint64_t hg_nr_pages(const struct hg *hg)
{
	return hg->info.nr_pages;
}

void *hg_gfn_to_ptr(struct hg *hg, uint64_t gfn)
{
	if (gfn >= hg->info.nr_pages) {
		return NULL;
	}
	return hg->mem + gfn * XH_PAGE_SIZE;
}

struct shared_info *hg_shared_info(struct hg *hg)
{
	return hg->shinfo;
}

struct grant_entry_v1 *hg_grant_table(struct hg *hg)
{
	return hg->gnt;
}

unsigned int hg_nr_grant_entries(const struct hg *hg)
{
	return hg->nr_grefs;
}

uint64_t hg_grant_gfn(const struct hg *hg)
{
	return hg->info.grant_gfn;
}

unsigned int hg_nr_grant_frames(const struct hg *hg)
{
	return hg->info.nr_grant_frames;
}

/* ---- hypercalls ---------------------------------------------------------- */

void hg_payload_reset(struct hg *hg)
{
	hg->pl_len = 0;
	hg->pl_full = false;
	hg->reply_len = 0;
}

uint64_t hg_payload_put(struct hg *hg, const void *data, size_t len)
{
	size_t off = (hg->pl_len + 7) & ~(size_t)7;

	if (hg->pl_full || off > XH_MAX_PAYLOAD || len > XH_MAX_PAYLOAD - off) {
		hg->pl_full = true;
		return 0;
	}
	memset(hg->payload + hg->pl_len, 0, off - hg->pl_len);
	if (data != NULL) {
		memcpy(hg->payload + off, data, len);
	} else {
		memset(hg->payload + off, 0, len);
	}
	hg->pl_len = off + len;
	return XH_PTR(off);
}

/** The bytes [ptr, ptr + len) of the payload's first limit bytes. */
static uint8_t *payload_at(
	struct hg *hg, uint64_t ptr, size_t len, size_t limit)
{
	uint64_t off;

	if (ptr < XH_PTR_BASE) {
		return NULL;
	}
	off = ptr - XH_PTR_BASE;
	if (off > limit || len > limit - off) {
		return NULL;
	}
	return hg->payload + off;
}

int hg_payload_set_handle(struct hg *hg, uint64_t at, uint64_t ptr)
{
	uint8_t *p = payload_at(hg, at, sizeof(ptr), hg->pl_len);

	if (p == NULL) {
		return -EFAULT;
	}
	memcpy(p, &ptr, sizeof(ptr));
	return 0;
}

int hg_payload_get(struct hg *hg, uint64_t ptr, void *out, size_t len)
{
	uint8_t *p = payload_at(hg, ptr, len, hg->reply_len);

	if (p == NULL) {
		return -EFAULT;
	}
	memcpy(out, p, len);
	return 0;
}

long hg_call(struct hg *hg, unsigned int op, unsigned int nargs,
	const uint64_t *args)
{
	struct xh_msg m, r;
	int rc;

	hg->reply_len = 0;
	if (hg->sock->broken) {
		return -EIO;
	}
	if (hg->gone) {
		return -ESRCH;
	}
	if (nargs > HG_MAX_ARGS || (nargs > 0 && args == NULL)) {
		return -EINVAL;
	}
	if (hg->pl_full) {
		return -E2BIG;
	}
	drop_reply_fds(hg);
	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_HYPERCALL;
	m.seq = ++hg->sock->seq;
	m.len = (uint32_t)hg->pl_len;
	m.op = op;
	m.ret = hg->more ? (int64_t)hg->domid : 0; /* the domain acted for */
	if (nargs > 0) {
		memcpy(m.args, args, sizeof(uint64_t) * nargs);
	}
	rc = send_msg(hg, &m, hg->payload, hg->pl_len);
	if (rc < 0) {
		return rc;
	}
	rc = wait_reply(hg, m.seq, m.op, &r);
	if (rc < 0) {
		return rc;
	}
	if (r.len == m.len) {
		memcpy(hg->payload, hg->sock->rx + sizeof(r), r.len);
		hg->reply_len = r.len;
	} else if (r.len != 0 || (r.ret >= 0 && op != __HYPERVISOR_sched_op)) {
		/* Only errors and held SCHEDOP replies come without it. */
		drop_reply_fds(hg);
		return fail(hg, -EPROTO);
	}
	return (long)r.ret;
}

long hg_hypercall(struct hg *hg, unsigned int op, unsigned int nargs,
	const uint64_t *args, const struct hg_buf *bufs, unsigned int nbufs)
{
	uint64_t a[HG_MAX_ARGS] = {0};
	uint64_t ptrs[HG_MAX_BUFS];
	const struct hg_buf *b, *parent;
	unsigned int i;
	long rc;

	if (nargs > HG_MAX_ARGS || nbufs > HG_MAX_BUFS ||
		(nargs > 0 && args == NULL) || (nbufs > 0 && bufs == NULL)) {
		return -EINVAL;
	}
	if (nargs > 0) {
		memcpy(a, args, sizeof(uint64_t) * nargs);
	}
	hg_payload_reset(hg);
	for (i = 0; i < nbufs; i++) {
		b = &bufs[i];
		if (b->len > 0 && b->data == NULL &&
			(b->flags & (HG_BUF_IN | HG_BUF_OUT))) {
			return -EINVAL;
		}
		ptrs[i] = hg_payload_put(
			hg, (b->flags & HG_BUF_IN) ? b->data : NULL, b->len);
		if (ptrs[i] == 0) {
			return -E2BIG;
		}
		if (b->flags & HG_BUF_ARG) {
			if (b->arg >= nargs) {
				return -EINVAL;
			}
			a[b->arg] = ptrs[i];
		}
		if (b->flags & HG_BUF_HANDLE) {
			if (b->parent >= i) {
				return -EINVAL;
			}
			parent = &bufs[b->parent];
			if (b->handle_off > parent->len ||
				parent->len - b->handle_off < 8) {
				return -EINVAL;
			}
			hg_payload_set_handle(
				hg, ptrs[b->parent] + b->handle_off, ptrs[i]);
		}
	}
	rc = hg_call(hg, op, nargs, a);
	for (i = 0; i < nbufs; i++) {
		b = &bufs[i];
		if ((b->flags & HG_BUF_OUT) && b->len > 0) {
			/* Nothing comes back when the reply had no payload. */
			hg_payload_get(hg, ptrs[i], b->data, b->len);
		}
	}
	return rc;
}

unsigned int hg_reply_nfds(const struct hg *hg)
{
	return hg->nrfds;
}

int hg_reply_take_fd(struct hg *hg, unsigned int i)
{
	int fd;

	if (i >= hg->nrfds) {
		return -1;
	}
	fd = hg->rfds[i];
	hg->rfds[i] = -1;
	return fd;
}

/** One argument structure, in and out, as args[1] of a cmd-style call. */
static long call_struct(struct hg *hg, unsigned int op, unsigned int cmd,
	void *arg, size_t len, unsigned int flags)
{
	struct hg_buf b;
	uint64_t args[2];

	memset(&b, 0, sizeof(b));
	b.data = arg;
	b.len = len;
	b.flags = flags | HG_BUF_ARG;
	b.arg = 1;
	args[0] = cmd;
	args[1] = 0;
	return hg_hypercall(hg, op, 2, args, &b, 1);
}

int hg_evtchn_alloc_unbound(struct hg *hg, domid_t remote_dom)
{
	struct evtchn_alloc_unbound op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.dom = DOMID_SELF;
	op.remote_dom = remote_dom;
	rc = call_struct(hg, __HYPERVISOR_event_channel_op,
		EVTCHNOP_alloc_unbound, &op, sizeof(op),
		HG_BUF_IN | HG_BUF_OUT);
	if (rc < 0) {
		return (int)rc;
	}
	if (op.port == 0 || op.port >= HG_NR_EVTCHNS) {
		return -EPROTO;
	}
	return (int)op.port;
}

int hg_evtchn_bind_interdomain(
	struct hg *hg, domid_t remote_dom, evtchn_port_t remote_port)
{
	struct evtchn_bind_interdomain op;
	long rc;

	memset(&op, 0, sizeof(op));
	op.remote_dom = remote_dom;
	op.remote_port = remote_port;
	rc = call_struct(hg, __HYPERVISOR_event_channel_op,
		EVTCHNOP_bind_interdomain, &op, sizeof(op),
		HG_BUF_IN | HG_BUF_OUT);
	if (rc < 0) {
		return (int)rc;
	}
	if (op.local_port == 0 || op.local_port >= HG_NR_EVTCHNS) {
		return -EPROTO;
	}
	return (int)op.local_port;
}

int hg_evtchn_send(struct hg *hg, evtchn_port_t port)
{
	struct evtchn_send op = {.port = port};

	return (int)call_struct(hg, __HYPERVISOR_event_channel_op,
		EVTCHNOP_send, &op, sizeof(op), HG_BUF_IN);
}

int hg_evtchn_close(struct hg *hg, evtchn_port_t port)
{
	struct evtchn_close op = {.port = port};

	return (int)call_struct(hg, __HYPERVISOR_event_channel_op,
		EVTCHNOP_close, &op, sizeof(op), HG_BUF_IN);
}

int hg_evtchn_mask(struct hg *hg, evtchn_port_t port)
{
	if (port >= HG_NR_EVTCHNS) {
		return -EINVAL;
	}
	hg_evt_mask(hg->shinfo, port);
	return 0;
}

int hg_evtchn_unmask(struct hg *hg, evtchn_port_t port)
{
	struct evtchn_unmask op = {.port = port};

	if (port >= HG_NR_EVTCHNS) {
		return -EINVAL;
	}
	if (!hg_evt_unmask(hg->shinfo, port)) {
		return 0;
	}
	return (int)call_struct(hg, __HYPERVISOR_event_channel_op,
		EVTCHNOP_unmask, &op, sizeof(op), HG_BUF_IN);
}

static int sched_simple(struct hg *hg, unsigned int cmd)
{
	uint64_t args[2] = {cmd, 0};

	return (int)hg_hypercall(hg, __HYPERVISOR_sched_op, 2, args, NULL, 0);
}

int hg_sched_block(struct hg *hg)
{
	return sched_simple(hg, SCHEDOP_block);
}

int hg_sched_yield(struct hg *hg)
{
	return sched_simple(hg, SCHEDOP_yield);
}

int hg_sched_poll(struct hg *hg, const evtchn_port_t *ports, unsigned int n,
	uint64_t deadline_ns)
{
	struct sched_poll sp;
	struct hg_buf b[2];
	uint64_t args[2] = {SCHEDOP_poll, 0};

	if (n > 0 && ports == NULL) {
		return -EINVAL;
	}
	memset(&sp, 0, sizeof(sp));
	memset(b, 0, sizeof(b));
	sp.nr_ports = n;
	sp.timeout = deadline_ns;
	b[0].data = &sp;
	b[0].len = sizeof(sp);
	b[0].flags = HG_BUF_IN | HG_BUF_ARG;
	b[0].arg = 1;
	b[1].data = (void *)ports;
	b[1].len = sizeof(*ports) * n;
	b[1].flags = HG_BUF_IN | HG_BUF_HANDLE;
	b[1].parent = 0;
	b[1].handle_off = offsetof(struct sched_poll, ports);
	return (int)hg_hypercall(hg, __HYPERVISOR_sched_op, 2, args, b, 2);
}

int hg_shutdown(struct hg *hg, unsigned int reason)
{
	struct sched_shutdown op = {.reason = reason};

	return (int)call_struct(hg, __HYPERVISOR_sched_op, SCHEDOP_shutdown,
		&op, sizeof(op), HG_BUF_IN);
}

int hg_console_write(struct hg *hg, const char *str)
{
	size_t len, off = 0, n;
	struct hg_buf b;
	uint64_t args[3];
	long rc;

	if (str == NULL) {
		return -EINVAL;
	}
	len = strlen(str);
	while (off < len) {
		n = len - off > HG_CONSOLE_CHUNK ? HG_CONSOLE_CHUNK : len - off;
		memset(&b, 0, sizeof(b));
		b.data = (void *)(str + off);
		b.len = n;
		b.flags = HG_BUF_IN | HG_BUF_ARG;
		b.arg = 2;
		args[0] = CONSOLEIO_write;
		args[1] = n;
		args[2] = 0;
		rc = hg_hypercall(hg, __HYPERVISOR_console_io, 3, args, &b, 1);
		if (rc < 0) {
			return (int)rc;
		}
		off += n;
	}
	return 0;
}

long hg_xen_version(struct hg *hg, unsigned int cmd, void *buf, size_t len)
{
	struct hg_buf b;
	uint64_t args[2] = {cmd, 0};

	if (buf == NULL || len == 0) {
		return hg_hypercall(
			hg, __HYPERVISOR_xen_version, 2, args, NULL, 0);
	}
	memset(&b, 0, sizeof(b));
	b.data = buf;
	b.len = len;
	b.flags = HG_BUF_OUT | HG_BUF_ARG;
	b.arg = 1;
	return hg_hypercall(hg, __HYPERVISOR_xen_version, 2, args, &b, 1);
}

int hg_hvm_get_param(struct hg *hg, uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p;
	long rc;

	memset(&p, 0, sizeof(p));
	p.domid = DOMID_SELF;
	p.index = index;
	rc = call_struct(hg, __HYPERVISOR_hvm_op, HVMOP_get_param, &p,
		sizeof(p), HG_BUF_IN | HG_BUF_OUT);
	if (rc < 0) {
		return (int)rc;
	}
	*value = p.value;
	return 0;
}

int hg_gnttab_setup_table(
	struct hg *hg, unsigned int nr_frames, uint64_t *frames)
{
	struct gnttab_setup_table op;
	struct hg_buf b[2];
	uint64_t args[3] = {GNTTABOP_setup_table, 0, 1};
	xen_pfn_t *list;
	unsigned int i;
	long rc;

	if (nr_frames == 0 || nr_frames > hg->info.nr_grant_frames) {
		return -EINVAL;
	}
	list = calloc(nr_frames, sizeof(*list));
	if (list == NULL) {
		return -ENOMEM;
	}
	memset(&op, 0, sizeof(op));
	memset(b, 0, sizeof(b));
	op.dom = DOMID_SELF;
	op.nr_frames = nr_frames;
	b[0].data = &op;
	b[0].len = sizeof(op);
	b[0].flags = HG_BUF_IN | HG_BUF_OUT | HG_BUF_ARG;
	b[0].arg = 1;
	b[1].data = list;
	b[1].len = sizeof(*list) * nr_frames;
	b[1].flags = HG_BUF_OUT | HG_BUF_HANDLE;
	b[1].parent = 0;
	b[1].handle_off = offsetof(struct gnttab_setup_table, frame_list);
	rc = hg_hypercall(hg, __HYPERVISOR_grant_table_op, 3, args, b, 2);
	if (rc == 0 && op.status != GNTST_okay) {
		rc = -EIO;
	}
	for (i = 0; rc == 0 && i < nr_frames; i++) {
		if (list[i] != hg->info.grant_gfn + i) {
			rc = -EPROTO; /* not the frames the attach gave */
		} else if (frames != NULL) {
			frames[i] = list[i];
		}
	}
	free(list);
	if (rc < 0) {
		return (int)rc;
	}
	if (nr_frames > hg->gnt_frames_up) {
		hg->gnt_frames_up = nr_frames;
	}
	return 0;
}

int hg_gnttab_query_size(
	struct hg *hg, uint32_t *nr_frames, uint32_t *max_nr_frames)
{
	struct gnttab_query_size op;
	uint64_t args[3] = {GNTTABOP_query_size, 0, 1};
	struct hg_buf b;
	long rc;

	memset(&op, 0, sizeof(op));
	memset(&b, 0, sizeof(b));
	op.dom = DOMID_SELF;
	b.data = &op;
	b.len = sizeof(op);
	b.flags = HG_BUF_IN | HG_BUF_OUT | HG_BUF_ARG;
	b.arg = 1;
	rc = hg_hypercall(hg, __HYPERVISOR_grant_table_op, 3, args, &b, 1);
	if (rc < 0) {
		return (int)rc;
	}
	if (op.status != GNTST_okay) {
		return -EIO;
	}
	hg->gnt_frames_up = op.nr_frames < hg->info.nr_grant_frames
				    ? op.nr_frames
				    : hg->info.nr_grant_frames;
	if (nr_frames != NULL) {
		*nr_frames = op.nr_frames;
	}
	if (max_nr_frames != NULL) {
		*max_nr_frames = op.max_nr_frames;
	}
	return 0;
}

/* ---- events -------------------------------------------------------------- */

void hg_evt_init(struct hg_evt *e, struct shared_info *s, unsigned int vcpu)
{
	memset(e, 0, sizeof(*e));
	e->s = s;
	e->vcpu = vcpu < XEN_LEGACY_MAX_VCPUS ? vcpu : 0;
}

bool hg_evt_busy(const struct hg_evt *e)
{
	return e->sel != 0 || e->bits != 0;
}

evtchn_port_t hg_evt_next(struct hg_evt *e)
{
	struct shared_info *s = e->s;
	struct vcpu_info *vi = &s->vcpu_info[e->vcpu];
	xen_ulong_t bit, old;
	evtchn_port_t port;
	unsigned int b;

	for (;;) {
		while (e->bits != 0) {
			b = (unsigned int)__builtin_ctzl(e->bits);
			bit = (xen_ulong_t)1 << b;
			e->bits &= ~bit;
			port = (evtchn_port_t)(e->word * HG_WORD_BITS + b);
			if (__atomic_load_n(&s->evtchn_mask[e->word],
				    __ATOMIC_SEQ_CST) &
				bit) {
				continue; /* masked since: it stays pending */
			}
			old = __atomic_fetch_and(&s->evtchn_pending[e->word],
				~bit, __ATOMIC_SEQ_CST);
			if ((old & bit) && port != 0) {
				return port;
			}
		}
		if (e->sel != 0) {
			e->word = (unsigned int)__builtin_ctzl(e->sel);
			e->sel &= e->sel - 1;
			e->bits = __atomic_load_n(&s->evtchn_pending[e->word],
					  __ATOMIC_SEQ_CST) &
				  ~__atomic_load_n(&s->evtchn_mask[e->word],
					  __ATOMIC_SEQ_CST);
			continue;
		}
		/* A new scan: as Linux's xen_evtchn_handle_events(). */
		__atomic_store_n(
			&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
		e->sel = __atomic_exchange_n(
			&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		if (e->sel == 0) {
			return 0;
		}
	}
}

void hg_evt_mask(struct shared_info *s, evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % HG_WORD_BITS);

	if (port >= HG_NR_EVTCHNS) {
		return;
	}
	__atomic_fetch_or(
		&s->evtchn_mask[port / HG_WORD_BITS], bit, __ATOMIC_SEQ_CST);
}

bool hg_evt_unmask(struct shared_info *s, evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % HG_WORD_BITS);
	unsigned int w = port / HG_WORD_BITS;

	if (port >= HG_NR_EVTCHNS) {
		return false;
	}
	/* Clear the mask before looking at pending: no event is missed. */
	__atomic_fetch_and(&s->evtchn_mask[w], ~bit, __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) & bit)) {
		return false;
	}
	__atomic_fetch_or(&s->evtchn_mask[w], bit, __ATOMIC_SEQ_CST);
	return true;
}

int hg_event_fd(const struct hg *hg)
{
	return hg->sock->fd;
}

static bool aside_any(const struct hg *hg)
{
	unsigned int w;

	for (w = 0; w < HG_NR_WORDS; w++) {
		if (hg->aside[w] != 0) {
			return true;
		}
	}
	return false;
}

/** Wait for a kick or the upcall flag: 1, 0 on timeout, or -errno. */
static int wait_kick(struct hg *hg, int timeout_ms)
{
	uint64_t deadline = deadline_of(timeout_ms);
	struct xh_msg m;
	int rc;

	for (;;) {
		if (take_kick(hg)) {
			return hg->gone ? -ESRCH : 1;
		}
		if (hg->gone) {
			return -ESRCH;
		}
		if (__atomic_load_n(
			    &hg->shinfo->vcpu_info[0].evtchn_upcall_pending,
			    __ATOMIC_SEQ_CST)) {
			return 1;
		}
		rc = next_packet(hg, ms_left(deadline), &m);
		if (rc < 0) {
			return rc;
		}
		if (rc == PKT_TIMEOUT) {
			return 0;
		}
		if (rc == PKT_REPLY) {
			/* No request is outstanding. */
			drop_reply_fds(hg);
			return fail(hg, -EPROTO);
		}
	}
}

int hg_wait_event(struct hg *hg, int timeout_ms)
{
	if (hg->sock->broken) {
		return -EIO;
	}
	if (hg_evt_busy(&hg->evt) || aside_any(hg)) {
		return 1;
	}
	return wait_kick(hg, timeout_ms);
}

int hg_wait_any(struct hg *hg, int timeout_ms, struct hg **which)
{
	uint64_t deadline = deadline_of(timeout_ms);
	struct hg_sock *so = hg->sock;
	struct xh_msg m;
	struct hg *k;
	int rc;

	if (which == NULL) {
		return -EINVAL;
	}
	for (;;) {
		k = TAILQ_FIRST(&so->kicked);
		if (k != NULL) {
			take_kick(k);
			*which = k;
			return 1;
		}
		rc = next_packet(hg, ms_left(deadline), &m);
		if (rc < 0) {
			return rc;
		}
		if (rc == PKT_TIMEOUT) {
			return 0;
		}
		if (rc == PKT_REPLY) {
			/* No request is outstanding. */
			drop_reply_fds(hg);
			return fail(hg, -EPROTO);
		}
	}
}

evtchn_port_t hg_next_pending(struct hg *hg)
{
	unsigned int w, b;

	for (w = 0; w < HG_NR_WORDS; w++) {
		if (hg->aside[w] != 0) {
			b = (unsigned int)__builtin_ctzl(hg->aside[w]);
			hg->aside[w] &= ~((xen_ulong_t)1 << b);
			return (evtchn_port_t)(w * HG_WORD_BITS + b);
		}
	}
	return hg_evt_next(&hg->evt);
}

int hg_wait_port(struct hg *hg, evtchn_port_t port, int timeout_ms)
{
	uint64_t deadline = deadline_of(timeout_ms);
	xen_ulong_t bit = (xen_ulong_t)1 << (port % HG_WORD_BITS);
	unsigned int w = port / HG_WORD_BITS;
	evtchn_port_t p;
	int rc;

	if (port == 0 || port >= HG_NR_EVTCHNS) {
		return -EINVAL;
	}
	for (;;) {
		if (hg->aside[w] & bit) {
			hg->aside[w] &= ~bit;
			return 1;
		}
		while ((p = hg_evt_next(&hg->evt)) != 0) {
			if (p == port) {
				return 1;
			}
			hg->aside[p / HG_WORD_BITS] |= (xen_ulong_t)1
						       << (p % HG_WORD_BITS);
		}
		rc = wait_kick(hg, ms_left(deadline));
		if (rc <= 0) {
			return rc;
		}
	}
}

void hg_evtchn_clear(struct hg *hg, evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % HG_WORD_BITS);
	unsigned int w = port / HG_WORD_BITS;

	if (port >= HG_NR_EVTCHNS) {
		return;
	}
	hg->aside[w] &= ~bit;
	__atomic_fetch_and(
		&hg->shinfo->evtchn_pending[w], ~bit, __ATOMIC_SEQ_CST);
}

/* ---- grants -------------------------------------------------------------- */

void hg_gnt_set(
	struct grant_entry_v1 *e, domid_t domid, uint32_t frame, bool readonly)
{
	uint16_t flags =
		(uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));

	__atomic_store_n(&e->frame, frame, __ATOMIC_RELAXED);
	__atomic_store_n(&e->domid, domid, __ATOMIC_RELAXED);
	/* The grantee must not see the flags before frame and domid. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

int hg_gnt_end(struct grant_entry_v1 *e)
{
	uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);

	do {
		if (flags & (GTF_reading | GTF_writing)) {
			return -EBUSY;
		}
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false,
		__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
	return 0;
}

int hg_grant_access(struct hg *hg, grant_ref_t ref, domid_t domid, uint64_t gfn,
	bool readonly)
{
	if (ref >= hg->nr_grefs || gfn > UINT32_MAX) {
		return -EINVAL;
	}
	hg_gnt_set(&hg->gnt[ref], domid, (uint32_t)gfn, readonly);
	return 0;
}

int hg_end_access(struct hg *hg, grant_ref_t ref)
{
	if (ref >= hg->nr_grefs) {
		return -EINVAL;
	}
	return hg_gnt_end(&hg->gnt[ref]);
}

int hg_gref_alloc(struct hg *hg)
{
	unsigned int limit, ref, w;
	xen_ulong_t bit;
	int rc;

	if (hg->nr_grefs == 0) {
		return -ENOSPC;
	}
	if (hg->gnt_frames_up == 0) {
		rc = hg_gnttab_query_size(hg, NULL, NULL);
		if (rc < 0) {
			return rc;
		}
	}
	for (;;) {
		limit = hg->gnt_frames_up * (unsigned int)HG_GNT_PER_FRAME;
		for (ref = GNTTAB_NR_RESERVED_ENTRIES; ref < limit; ref++) {
			w = ref / HG_WORD_BITS;
			bit = (xen_ulong_t)1 << (ref % HG_WORD_BITS);
			if (hg->gref_used[w] == ~(xen_ulong_t)0) {
				ref = (w + 1) * HG_WORD_BITS - 1;
				continue;
			}
			if (!(hg->gref_used[w] & bit)) {
				hg->gref_used[w] |= bit;
				return (int)ref;
			}
		}
		if (hg->gnt_frames_up >= hg->info.nr_grant_frames) {
			return -ENOSPC;
		}
		rc = hg_gnttab_setup_table(hg, hg->gnt_frames_up + 1, NULL);
		if (rc < 0) {
			return rc;
		}
	}
}

void hg_gref_free(struct hg *hg, grant_ref_t ref)
{
	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= hg->nr_grefs) {
		return;
	}
	hg->gref_used[ref / HG_WORD_BITS] &=
		~((xen_ulong_t)1 << (ref % HG_WORD_BITS));
}

/* ---- test pages ---------------------------------------------------------- */

void hg_page_alloc_from(struct hg *hg, uint64_t gfn)
{
	hg->next_gfn = gfn;
}

int64_t hg_page_alloc(struct hg *hg)
{
	static const uint32_t params[2] = {
		HVM_PARAM_STORE_PFN,
		HVM_PARAM_CONSOLE_PFN,
	};
	unsigned int i;
	uint64_t gfn;

	if (!hg->skip_known) {
		for (i = 0; i < 2; i++) {
			if (hg_hvm_get_param(hg, params[i], &hg->skip[i])) {
				hg->skip[i] = UINT64_MAX;
			}
		}
		hg->skip_known = true;
	}
	while (hg->next_gfn < hg->info.nr_pages) {
		gfn = hg->next_gfn++;
		if (gfn == hg->skip[0] || gfn == hg->skip[1]) {
			continue;
		}
		memset(hg->mem + gfn * XH_PAGE_SIZE, 0, XH_PAGE_SIZE);
		return (int64_t)gfn;
	}
	return -ENOMEM;
}
