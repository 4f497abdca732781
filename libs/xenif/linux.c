/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenif Linux backend: the Dom0 interface over the Linux Xen drivers.
 *
 *   /dev/xen/evtchn     event channels: bind ioctls, read() of pending
 *                       ports, write() of a port to unmask it;
 *   /dev/xen/gntdev     grant maps: MAP_GRANT_REF gives an mmap() offset;
 *   /dev/xen/privcmd    hypercalls, foreign maps (MMAPBATCH_V2), DMOPs
 *                       and the restriction to one target domain;
 *   /dev/xen/hypercall  pages that are safe to hand to hypercalls (when
 *                       the kernel has it; else an mlock'ed page).
 *
 * The ioctl layouts are in linux_uapi.h; every system call goes through
 * xenif_linux_sys (linux_sys.h) so that the tests can fake the kernel.
 *
 * domctl and sysctl carry an interface version that must equal the
 * running hypervisor's (else -EACCES). We speak our own headers' version
 * and those of the Xen releases 4.9 to 4.22, find the right one by trying
 * (each -EACCES moves on to the next candidate) and keep it. Only layouts
 * that we know for each of those versions are used: the domctl and sysctl
 * headers, getdomaininfo's leading fields (domain ... cpupool are the same
 * from 4.9 on), max_mem, and createdomain laid out per version.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domctl.h"
#include "event_channel.h"
#include "hvm/hvm_op.h"
#include "linux_sys.h"
#include "linux_uapi.h"
#include "sysctl.h"
#include "xen.h"
#include "xenif_priv.h"

/* ---- the system boundary ------------------------------------------------- */

static int sys_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return open(path, flags, mode);
}

static int sys_close(int fd)
{
	return close(fd);
}

static int sys_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static void *sys_mmap(
	void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	return mmap(addr, len, prot, flags, fd, offset);
}

static int sys_munmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

static ssize_t sys_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

static ssize_t sys_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

static int sys_access(const char *path, int mode)
{
	return access(path, mode);
}

static int sys_mlock(const void *addr, size_t len)
{
	return mlock(addr, len);
}

const struct xenif_linux_sys xenif_linux_sys_default = {
	.open = sys_open,
	.close = sys_close,
	.ioctl = sys_ioctl,
	.mmap = sys_mmap,
	.munmap = sys_munmap,
	.read = sys_read,
	.write = sys_write,
	.access = sys_access,
	.mlock = sys_mlock,
};

struct xenif_linux_sys xenif_linux_sys = {
	.open = sys_open,
	.close = sys_close,
	.ioctl = sys_ioctl,
	.mmap = sys_mmap,
	.munmap = sys_munmap,
	.read = sys_read,
	.write = sys_write,
	.access = sys_access,
	.mlock = sys_mlock,
};

const char *xenif_linux_dev_prefix = XENIF_LINUX_DEV_PREFIX_DEFAULT;

#define SYS (&xenif_linux_sys)

/* ---- small helpers ------------------------------------------------------- */

#define LX_PAGE_SIZE 4096u
#define LX_PAGE_SHIFT 12
/* The most pages one grant or foreign map may span (4 GiB). */
#define LX_MAX_MAP_PAGES (1u << 20)
/* Pending ports read from the evtchn device at a time. */
#define LX_EVTCHN_READ_PORTS 64u
/* Event channel ports are below 2^17 (FIFO ABI); anything else is bogus. */
#define LX_EVTCHN_MAX_PORT ((1u << 17) - 1)

/* The negative errno of the call that just failed (never 0). */
static int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static bool domid_ok(uint32_t domid)
{
	return domid < DOMID_FIRST_RESERVED;
}

/* prot as the API allows it: PROT_READ, optionally with PROT_WRITE. */
static bool prot_ok(int prot)
{
	return (prot & PROT_READ) != 0 &&
	       (prot & ~(PROT_READ | PROT_WRITE)) == 0;
}

static int dev_path(char *buf, size_t size, const char *name)
{
	const char *prefix = xenif_linux_dev_prefix;
	int n;

	if (prefix == NULL) {
		prefix = XENIF_LINUX_DEV_PREFIX_DEFAULT;
	}
	n = snprintf(buf, size, "%s/%s", prefix, name);
	if (n < 0 || (size_t)n >= size) {
		return -ENAMETOOLONG;
	}
	return 0;
}

static int dev_open(const char *name, int flags)
{
	char path[PATH_MAX];
	int rc;
	int fd;

	rc = dev_path(path, sizeof(path), name);
	if (rc < 0) {
		return rc;
	}
	fd = SYS->open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		return neg_errno();
	}
	return fd;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Mappings a handle made: address, size in pages and, for grant maps, the
 * gntdev offset needed to release them.
 */
struct lx_map {
	struct lx_map *next;
	void *addr;
	size_t pages;
	uint64_t index;
};

static int map_add(
	struct lx_map **list, void *addr, size_t pages, uint64_t index)
{
	struct lx_map *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		return -ENOMEM;
	}
	m->addr = addr;
	m->pages = pages;
	m->index = index;
	m->next = *list;
	*list = m;
	return 0;
}

static struct lx_map **map_find(struct lx_map **list, const void *addr)
{
	struct lx_map **pp;

	for (pp = list; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->addr == addr) {
			return pp;
		}
	}
	return NULL;
}

/* ---- the privcmd handle -------------------------------------------------- */

/*
 * The hypercall page: the domctl or sysctl structure (or another small
 * argument) at its start, getdomaininfolist's output record further on.
 */
#define HB_ARG 0u
#define HB_ARG_SIZE 256u
#define HB_INFO 2048u

/* domctl: cmd, interface_version, domain, then the 128-byte union. */
#define DOMCTL_CMD 0u
#define DOMCTL_VERSION 4u
#define DOMCTL_DOMAIN 8u
#define DOMCTL_U 16u
/* sysctl: cmd, interface_version, then the union. */
#define SYSCTL_CMD 0u
#define SYSCTL_VERSION 4u
#define SYSCTL_U 8u

/* getdomaininfolist in the sysctl union */
#define GDIL_FIRST 0u
#define GDIL_MAX 4u
#define GDIL_BUFFER 8u
#define GDIL_NUM 16u

/* struct xen_domctl_getdomaininfo: the leading fields every version has */
#define GDI_DOMAIN 0u
#define GDI_FLAGS 4u
#define GDI_TOT_PAGES 8u
#define GDI_MAX_PAGES 16u
#define GDI_NR_ONLINE_VCPUS 64u
#define GDI_HANDLE 76u
#define GDI_PREFIX_SIZE 96u

/*
 * The domctl and sysctl interface versions of Xen's releases, from each
 * release tag's xen/include/public/{domctl,sysctl}.h. Tried newest first.
 */
struct xen_abi {
	const char *release;
	uint32_t domctl;
	uint32_t sysctl;
};

static const struct xen_abi xen_abis[] = {
	{"4.22", 0x18, 0x16},
	{"4.21", 0x17, 0x16},
	{"4.19-4.20", 0x17, 0x15},
	{"4.18", 0x16, 0x15},
	{"4.17", 0x15, 0x15},
	{"4.16", 0x14, 0x14},
	{"4.15", 0x13, 0x13},
	{"4.14", 0x12, 0x13},
	{"4.13", 0x12, 0x12},
	{"4.12", 0x11, 0x12},
	{"4.11", 0x10, 0x11},
	{"4.10", 0x0e, 0x10},
	{"4.9", 0x0d, 0x0f},
};

#define NR_ABIS (sizeof(xen_abis) / sizeof(xen_abis[0]))

enum ctl_kind {
	CTL_DOMCTL,
	CTL_SYSCTL,
};

struct lx_xenif {
	uint8_t *hbuf; /* one page of hypercall-safe memory */
	int hcall_fd;  /* /dev/xen/hypercall, or -1: hbuf is mlock'ed */
	bool ver_known[2];
	uint32_t ver[2];     /* per ctl_kind, the version that worked */
	struct lx_map *maps; /* foreign maps */
};

static struct lx_xenif *lx_of(struct xenif *xi)
{
	return xi->priv;
}

static int hb_alloc(struct lx_xenif *lx)
{
	char path[PATH_MAX];
	void *p;
	int rc;
	int fd;

	rc = dev_path(path, sizeof(path), "hypercall");
	if (rc < 0) {
		return rc;
	}
	if (SYS->access(path, F_OK) == 0) {
		fd = SYS->open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			return neg_errno();
		}
		p = SYS->mmap(NULL, LX_PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			rc = neg_errno();
			SYS->close(fd);
			return rc;
		}
		lx->hcall_fd = fd;
		lx->hbuf = p;
		return 0;
	}
	/* Older kernels: a locked anonymous page (it must not move). */
	p = SYS->mmap(NULL, LX_PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		return neg_errno();
	}
	if (SYS->mlock(p, LX_PAGE_SIZE) < 0) {
		rc = neg_errno();
		SYS->munmap(p, LX_PAGE_SIZE);
		return rc;
	}
	lx->hcall_fd = -1;
	lx->hbuf = p;
	return 0;
}

static int lx_open(struct xenif *xi, const char *arg)
{
	struct lx_xenif *lx;
	int rc;
	int fd;

	(void)arg;
	lx = calloc(1, sizeof(*lx));
	if (lx == NULL) {
		return -ENOMEM;
	}
	lx->hcall_fd = -1;
	fd = dev_open("privcmd", O_RDWR);
	if (fd < 0) {
		free(lx);
		return fd;
	}
	rc = hb_alloc(lx);
	if (rc < 0) {
		SYS->close(fd);
		free(lx);
		return rc;
	}
	xi->fd = fd;
	xi->priv = lx;
	return 0;
}

static void lx_close(struct xenif *xi)
{
	struct lx_xenif *lx = lx_of(xi);
	struct lx_map *m;

	if (lx == NULL) {
		return;
	}
	while (lx->maps != NULL) {
		m = lx->maps;
		lx->maps = m->next;
		SYS->munmap(m->addr, m->pages << LX_PAGE_SHIFT);
		free(m);
	}
	SYS->munmap(lx->hbuf, LX_PAGE_SIZE);
	if (lx->hcall_fd >= 0) {
		SYS->close(lx->hcall_fd);
	}
	if (xi->fd >= 0) {
		SYS->close(xi->fd);
		xi->fd = -1;
	}
	free(lx);
	xi->priv = NULL;
}

static int hypercall(struct xenif *xi, uint64_t op, uint64_t a0, uint64_t a1)
{
	struct xenif_privcmd_hypercall hc;
	int rc;

	memset(&hc, 0, sizeof(hc));
	hc.op = op;
	hc.arg[0] = a0;
	hc.arg[1] = a1;
	rc = SYS->ioctl(xi->fd, XENIF_IOCTL_PRIVCMD_HYPERCALL, &hc);
	if (rc < 0) {
		return neg_errno();
	}
	return rc;
}

static uint32_t abi_version(const struct xen_abi *abi, enum ctl_kind kind)
{
	return kind == CTL_DOMCTL ? abi->domctl : abi->sysctl;
}

static bool in_list(const uint32_t *list, size_t n, uint32_t v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i] == v) {
			return true;
		}
	}
	return false;
}

static size_t add_candidate(uint32_t *list, size_t n, uint32_t v)
{
	if (!in_list(list, n, v)) {
		list[n++] = v;
	}
	return n;
}

/*
 * The interface versions to try for kind, best guess first: those of the
 * releases whose other version we already know, then our headers', then
 * every release's, newest first.
 */
static size_t ctl_candidates(
	const struct lx_xenif *lx, enum ctl_kind kind, uint32_t *list)
{
	enum ctl_kind other = kind == CTL_DOMCTL ? CTL_SYSCTL : CTL_DOMCTL;
	size_t n = 0;
	size_t i;

	if (lx->ver_known[other]) {
		for (i = 0; i < NR_ABIS; i++) {
			if (abi_version(&xen_abis[i], other) ==
				lx->ver[other]) {
				n = add_candidate(list, n,
					abi_version(&xen_abis[i], kind));
			}
		}
	}
	n = add_candidate(list, n,
		kind == CTL_DOMCTL ? XEN_DOMCTL_INTERFACE_VERSION
				   : XEN_SYSCTL_INTERFACE_VERSION);
	for (i = 0; i < NR_ABIS; i++) {
		n = add_candidate(list, n, abi_version(&xen_abis[i], kind));
	}
	return n;
}

/*
 * Errors that the kernel (or Xen before it looks at the version) gives
 * whatever the version: they end the search without teaching us one.
 */
static bool ctl_error_is_local(int rc)
{
	switch (rc) {
	case -EFAULT:
	case -EPERM:
	case -ENOTTY:
	case -EINTR:
	case -ENOMEM:
	case -EBADF:
		return true;
	default:
		return false;
	}
}

/* Fills the domctl/sysctl in buf (zeroed) for one interface version. */
typedef void (*ctl_fill_fn)(uint8_t *buf, uint32_t version, const void *ctx);

/*
 * Issue a domctl or sysctl built by fill. Until a version has worked,
 * -EACCES (a version mismatch) moves on to the next candidate. On return
 * the structure as the hypervisor left it is at the start of the
 * hypercall page; *used (may be NULL) is the version it was built for.
 */
static int ctl_call(struct xenif *xi, enum ctl_kind kind, ctl_fill_fn fill,
	const void *ctx, uint32_t *used)
{
	struct lx_xenif *lx = lx_of(xi);
	uint32_t cands[NR_ABIS + 1];
	uint64_t op;
	size_t n;
	size_t i;
	int rc = -EACCES;

	op = kind == CTL_DOMCTL ? __HYPERVISOR_domctl : __HYPERVISOR_sysctl;
	if (lx->ver_known[kind]) {
		cands[0] = lx->ver[kind];
		n = 1;
	} else {
		n = ctl_candidates(lx, kind, cands);
	}
	for (i = 0; i < n; i++) {
		memset(lx->hbuf + HB_ARG, 0, HB_ARG_SIZE);
		fill(lx->hbuf + HB_ARG, cands[i], ctx);
		put32(lx->hbuf + HB_ARG +
				(kind == CTL_DOMCTL ? DOMCTL_VERSION
						    : SYSCTL_VERSION),
			cands[i]);
		rc = hypercall(xi, op, (uintptr_t)(lx->hbuf + HB_ARG), 0);
		if (rc == -EACCES) {
			continue;
		}
		if (used != NULL) {
			*used = cands[i];
		}
		if (!ctl_error_is_local(rc)) {
			lx->ver_known[kind] = true;
			lx->ver[kind] = cands[i];
		}
		return rc;
	}
	return rc;
}

/* ---- event channels ------------------------------------------------------ */

struct lx_evtchn {
	uint32_t *bound; /* ports bound through this handle */
	size_t nbound;
	size_t bound_cap;
	uint32_t *queue; /* pending ports read but not yet reported */
	size_t qhead;
	size_t qlen;
	size_t qcap;
};

static struct lx_evtchn *lxe_of(const struct xenif_evtchn *xe)
{
	return xe->priv;
}

static int lx_evtchn_open(struct xenif_evtchn *xe)
{
	struct lx_evtchn *le = calloc(1, sizeof(*le));
	int fd;

	if (le == NULL) {
		return -ENOMEM;
	}
	fd = dev_open("evtchn", O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		free(le);
		return fd;
	}
	xe->fd = fd;
	xe->priv = le;
	return 0;
}

static void lx_evtchn_close(struct xenif_evtchn *xe)
{
	struct lx_evtchn *le = lxe_of(xe);

	/* Closing the device unbinds every port bound through it. */
	if (xe->fd >= 0) {
		SYS->close(xe->fd);
		xe->fd = -1;
	}
	if (le != NULL) {
		free(le->bound);
		free(le->queue);
		free(le);
		xe->priv = NULL;
	}
}

static int lx_evtchn_fd(const struct xenif_evtchn *xe)
{
	return xe->fd;
}

static int grow(uint32_t **arr, size_t *cap, size_t need)
{
	uint32_t *n;
	size_t c = *cap != 0 ? *cap : 16;

	if (need <= *cap) {
		return 0;
	}
	while (c < need) {
		c *= 2;
	}
	n = realloc(*arr, c * sizeof(**arr));
	if (n == NULL) {
		return -ENOMEM;
	}
	*arr = n;
	*cap = c;
	return 0;
}

static bool queued(const struct lx_evtchn *le, uint32_t port)
{
	return in_list(le->queue + le->qhead, le->qlen, port);
}

/* Append to the pending queue (room must have been made). */
static void queue_push(struct lx_evtchn *le, uint32_t port)
{
	le->queue[le->qhead + le->qlen] = port;
	le->qlen++;
}

static int queue_room(struct lx_evtchn *le, size_t n)
{
	if (le->qlen == 0) {
		le->qhead = 0;
	} else if (le->qhead > 0) {
		memmove(le->queue, le->queue + le->qhead,
			le->qlen * sizeof(*le->queue));
		le->qhead = 0;
	}
	return grow(&le->queue, &le->qcap, le->qlen + n);
}

static void queue_remove(struct lx_evtchn *le, uint32_t port)
{
	uint32_t *q = le->queue + le->qhead;
	size_t i;
	size_t j = 0;

	for (i = 0; i < le->qlen; i++) {
		if (q[i] != port) {
			q[j++] = q[i];
		}
	}
	le->qlen = j;
}

/*
 * A bind ioctl: the driver returns the new local port. Room in the bound
 * list is made first so that a port is never left bound but unknown.
 */
static int evtchn_bind(struct xenif_evtchn *xe, unsigned long req, void *arg)
{
	struct lx_evtchn *le = lxe_of(xe);
	struct xenif_ioctl_evtchn_unbind ub;
	int rc;

	rc = grow(&le->bound, &le->bound_cap, le->nbound + 1);
	if (rc < 0) {
		return rc;
	}
	rc = SYS->ioctl(xe->fd, req, arg);
	if (rc < 0) {
		return neg_errno();
	}
	if ((unsigned int)rc > LX_EVTCHN_MAX_PORT) {
		/* Not a port: give it back if it was one, and fail. */
		ub.port = (uint32_t)rc;
		SYS->ioctl(xe->fd, XENIF_IOCTL_EVTCHN_UNBIND, &ub);
		return -EIO;
	}
	le->bound[le->nbound++] = (uint32_t)rc;
	return rc;
}

static int lx_evtchn_bind_interdomain(
	struct xenif_evtchn *xe, uint32_t domid, uint32_t remote_port)
{
	struct xenif_ioctl_evtchn_bind_interdomain b;

	if (domid > UINT16_MAX || remote_port > LX_EVTCHN_MAX_PORT) {
		return -EINVAL;
	}
	memset(&b, 0, sizeof(b));
	b.remote_domain = domid;
	b.remote_port = remote_port;
	return evtchn_bind(xe, XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static int lx_evtchn_bind_unbound(
	struct xenif_evtchn *xe, uint32_t remote_domid)
{
	struct xenif_ioctl_evtchn_bind_unbound_port b;

	if (remote_domid > UINT16_MAX) {
		return -EINVAL;
	}
	memset(&b, 0, sizeof(b));
	b.remote_domain = remote_domid;
	return evtchn_bind(xe, XENIF_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

static int lx_evtchn_bind_virq(struct xenif_evtchn *xe, unsigned int virq)
{
	struct xenif_ioctl_evtchn_bind_virq b;

	if (virq >= NR_VIRQS) {
		return -EINVAL;
	}
	memset(&b, 0, sizeof(b));
	b.virq = virq;
	return evtchn_bind(xe, XENIF_IOCTL_EVTCHN_BIND_VIRQ, &b);
}

static int lx_evtchn_unbind(struct xenif_evtchn *xe, uint32_t port)
{
	struct lx_evtchn *le = lxe_of(xe);
	struct xenif_ioctl_evtchn_unbind ub;
	size_t i;

	if (port > LX_EVTCHN_MAX_PORT) {
		return -EINVAL;
	}
	memset(&ub, 0, sizeof(ub));
	ub.port = port;
	if (SYS->ioctl(xe->fd, XENIF_IOCTL_EVTCHN_UNBIND, &ub) < 0) {
		return neg_errno();
	}
	for (i = 0; i < le->nbound; i++) {
		if (le->bound[i] == port) {
			le->bound[i] = le->bound[--le->nbound];
			break;
		}
	}
	queue_remove(le, port);
	return 0;
}

static int lx_evtchn_notify(struct xenif_evtchn *xe, uint32_t port)
{
	struct xenif_ioctl_evtchn_notify n;

	if (port > LX_EVTCHN_MAX_PORT) {
		return -EINVAL;
	}
	memset(&n, 0, sizeof(n));
	n.port = port;
	if (SYS->ioctl(xe->fd, XENIF_IOCTL_EVTCHN_NOTIFY, &n) < 0) {
		return neg_errno();
	}
	return 0;
}

/*
 * The driver's ring of pending ports overflowed (read() gave EFBIG): the
 * ports that did not fit are lost, masked. Reset the ring and report
 * every port we have bound as pending; a spurious event is harmless, a
 * lost one is not, and unmasking each port re-arms it.
 */
static int evtchn_overflow(struct xenif_evtchn *xe)
{
	struct lx_evtchn *le = lxe_of(xe);
	size_t i;
	int rc;

	if (SYS->ioctl(xe->fd, XENIF_IOCTL_EVTCHN_RESET, NULL) < 0) {
		return neg_errno();
	}
	rc = queue_room(le, le->nbound);
	if (rc < 0) {
		return rc;
	}
	for (i = 0; i < le->nbound; i++) {
		if (!queued(le, le->bound[i])) {
			queue_push(le, le->bound[i]);
		}
	}
	return 0;
}

/* Read what the driver has pending into the queue; -EAGAIN if nothing. */
static int evtchn_fill(struct xenif_evtchn *xe)
{
	struct lx_evtchn *le = lxe_of(xe);
	uint32_t ports[LX_EVTCHN_READ_PORTS];
	size_t n;
	size_t i;
	ssize_t got;
	int rc;

	rc = queue_room(le, LX_EVTCHN_READ_PORTS);
	if (rc < 0) {
		return rc;
	}
	got = SYS->read(xe->fd, ports, sizeof(ports));
	if (got < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return -EAGAIN;
		}
		if (errno == EFBIG) {
			return evtchn_overflow(xe);
		}
		return neg_errno();
	}
	if (got == 0) {
		return -EAGAIN;
	}
	if ((size_t)got > sizeof(ports) || got % sizeof(ports[0]) != 0) {
		return -EIO;
	}
	n = (size_t)got / sizeof(ports[0]);
	rc = -EIO;
	for (i = 0; i < n; i++) {
		/* A port number the driver cannot have given is dropped. */
		if (ports[i] > LX_EVTCHN_MAX_PORT) {
			continue;
		}
		if (!queued(le, ports[i])) {
			queue_push(le, ports[i]);
		}
		rc = 0;
	}
	return rc;
}

static int lx_evtchn_pending(struct xenif_evtchn *xe)
{
	struct lx_evtchn *le = lxe_of(xe);
	uint32_t port;
	int rc;

	if (le->qlen == 0) {
		rc = evtchn_fill(xe);
		if (rc < 0) {
			return rc;
		}
		if (le->qlen == 0) {
			return -EAGAIN;
		}
	}
	port = le->queue[le->qhead];
	le->qhead++;
	le->qlen--;
	return (int)port;
}

static int lx_evtchn_unmask(struct xenif_evtchn *xe, uint32_t port)
{
	ssize_t n;

	if (port > LX_EVTCHN_MAX_PORT) {
		return -EINVAL;
	}
	n = SYS->write(xe->fd, &port, sizeof(port));
	if (n < 0) {
		return neg_errno();
	}
	if (n != (ssize_t)sizeof(port)) {
		return -EIO;
	}
	return 0;
}

/* ---- grant maps ---------------------------------------------------------- */

struct lx_gnttab {
	struct lx_map *maps;
};

static int lx_gnttab_open(struct xenif_gnttab *xg)
{
	struct lx_gnttab *lg = calloc(1, sizeof(*lg));
	int fd;

	if (lg == NULL) {
		return -ENOMEM;
	}
	fd = dev_open("gntdev", O_RDWR);
	if (fd < 0) {
		free(lg);
		return fd;
	}
	xg->fd = fd;
	xg->priv = lg;
	return 0;
}

static int gntdev_release(struct xenif_gnttab *xg, uint64_t index, size_t pages)
{
	struct xenif_ioctl_gntdev_unmap_grant_ref u;

	memset(&u, 0, sizeof(u));
	u.index = index;
	u.count = (uint32_t)pages;
	if (SYS->ioctl(xg->fd, XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) < 0) {
		return neg_errno();
	}
	return 0;
}

/* Mappings still there when the handle closes are unmapped with it. */
static void lx_gnttab_close(struct xenif_gnttab *xg)
{
	struct lx_gnttab *lg = xg->priv;
	struct lx_map *m;

	if (lg != NULL) {
		while (lg->maps != NULL) {
			m = lg->maps;
			lg->maps = m->next;
			SYS->munmap(m->addr, m->pages << LX_PAGE_SHIFT);
			gntdev_release(xg, m->index, m->pages);
			free(m);
		}
		free(lg);
		xg->priv = NULL;
	}
	if (xg->fd >= 0) {
		SYS->close(xg->fd);
		xg->fd = -1;
	}
}

static void *lx_gnttab_map(struct xenif_gnttab *xg, uint32_t domid,
	const uint32_t *refs, uint32_t count, int prot)
{
	struct lx_gnttab *lg = xg->priv;
	struct xenif_ioctl_gntdev_map_grant_ref *req;
	size_t len;
	uint64_t index;
	uint32_t i;
	void *addr;
	int rc;

	if (!domid_ok(domid) || !prot_ok(prot) || count == 0 ||
		count > LX_MAX_MAP_PAGES) {
		errno = EINVAL;
		return NULL;
	}
	len = (size_t)count << LX_PAGE_SHIFT;
	req = calloc(
		1, offsetof(struct xenif_ioctl_gntdev_map_grant_ref, refs) +
			   count * sizeof(req->refs[0]));
	if (req == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	req->count = count;
	for (i = 0; i < count; i++) {
		req->refs[i].domid = domid;
		req->refs[i].ref = refs[i];
	}
	if (SYS->ioctl(xg->fd, XENIF_IOCTL_GNTDEV_MAP_GRANT_REF, req) < 0) {
		rc = neg_errno();
		free(req);
		errno = -rc;
		return NULL;
	}
	index = req->index;
	free(req);
	/* The offset must be a page and mmap()'s off_t must hold the end. */
	if ((index & (LX_PAGE_SIZE - 1)) != 0 ||
		index > (uint64_t)INT64_MAX - len) {
		gntdev_release(xg, index, count);
		errno = EIO;
		return NULL;
	}
	/* Without PROT_WRITE the driver maps with GNTMAP_readonly. */
	addr = SYS->mmap(NULL, len, prot, MAP_SHARED, xg->fd, (off_t)index);
	if (addr == MAP_FAILED) {
		rc = neg_errno();
		gntdev_release(xg, index, count);
		errno = -rc;
		return NULL;
	}
	rc = map_add(&lg->maps, addr, count, index);
	if (rc < 0) {
		SYS->munmap(addr, len);
		gntdev_release(xg, index, count);
		errno = -rc;
		return NULL;
	}
	return addr;
}

static int lx_gnttab_unmap(struct xenif_gnttab *xg, void *addr, uint32_t count)
{
	struct lx_gnttab *lg = xg->priv;
	struct lx_map **pp = map_find(&lg->maps, addr);
	struct lx_map *m;
	int rc;

	if (pp == NULL || (*pp)->pages != count) {
		return -EINVAL;
	}
	m = *pp;
	if (SYS->munmap(m->addr, m->pages << LX_PAGE_SHIFT) < 0) {
		return neg_errno();
	}
	/* The pages are gone from our address space either way. */
	*pp = m->next;
	rc = gntdev_release(xg, m->index, m->pages);
	free(m);
	return rc;
}

/* ---- foreign memory ------------------------------------------------------ */

static void *lx_foreign_map(struct xenif *xi, uint32_t domid, int prot,
	const uint64_t *gfns, size_t count, int *errs)
{
	struct lx_xenif *lx = lx_of(xi);
	struct xenif_privcmd_mmapbatch_v2 b;
	xenif_linux_pfn_t *arr = NULL;
	int *err = errs;
	size_t len;
	size_t ok;
	size_t i;
	void *addr;
	int first_err = 0;
	int rc;

	if (!domid_ok(domid) || !prot_ok(prot) || count == 0 ||
		count > LX_MAX_MAP_PAGES) {
		errno = EINVAL;
		return NULL;
	}
	len = count << LX_PAGE_SHIFT;
	if (sizeof(xenif_linux_pfn_t) != sizeof(uint64_t)) {
		arr = calloc(count, sizeof(*arr));
		if (arr == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		for (i = 0; i < count; i++) {
			if (gfns[i] > (xenif_linux_pfn_t)-1) {
				free(arr);
				errno = EINVAL;
				return NULL;
			}
			arr[i] = (xenif_linux_pfn_t)gfns[i];
		}
	}
	if (err == NULL) {
		err = calloc(count, sizeof(*err));
		if (err == NULL) {
			free(arr);
			errno = ENOMEM;
			return NULL;
		}
	} else {
		memset(err, 0, count * sizeof(*err));
	}
	addr = SYS->mmap(NULL, len, prot, MAP_SHARED, xi->fd, 0);
	if (addr == MAP_FAILED) {
		rc = neg_errno();
		goto fail;
	}
	memset(&b, 0, sizeof(b));
	b.num = (uint32_t)count;
	b.dom = (uint16_t)domid;
	b.addr = (uintptr_t)addr;
	b.arr = arr != NULL ? arr
			    : (const xenif_linux_pfn_t *)(const void *)gfns;
	b.err = err;
	/* ENOENT: some frame is paged out; err[] says which. */
	if (SYS->ioctl(xi->fd, XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 &&
		errno != ENOENT) {
		rc = neg_errno();
		SYS->munmap(addr, len);
		goto fail;
	}
	ok = 0;
	for (i = 0; i < count; i++) {
		if (err[i] > 0 || err[i] < -4095) {
			err[i] = -EIO;
		}
		if (err[i] == 0) {
			ok++;
		} else if (first_err == 0) {
			first_err = err[i];
		}
	}
	if (ok == 0) {
		rc = first_err != 0 ? first_err : -EIO;
		SYS->munmap(addr, len);
		goto fail;
	}
	rc = map_add(&lx->maps, addr, count, 0);
	if (rc < 0) {
		SYS->munmap(addr, len);
		goto fail;
	}
	if (err != errs) {
		free(err);
	}
	free(arr);
	return addr;

fail:
	if (err != errs) {
		free(err);
	}
	free(arr);
	errno = -rc;
	return NULL;
}

static int lx_foreign_unmap(struct xenif *xi, void *addr, size_t count)
{
	struct lx_xenif *lx = lx_of(xi);
	struct lx_map **pp = map_find(&lx->maps, addr);
	struct lx_map *m;

	if (pp == NULL || (*pp)->pages != count) {
		return -EINVAL;
	}
	m = *pp;
	if (SYS->munmap(m->addr, m->pages << LX_PAGE_SHIFT) < 0) {
		return neg_errno();
	}
	*pp = m->next;
	free(m);
	return 0;
}

/* ---- device-model operations --------------------------------------------- */

static int lx_restrict(struct xenif *xi, uint32_t domid)
{
	uint16_t dom;

	if (!domid_ok(domid)) {
		return -EINVAL;
	}
	dom = (uint16_t)domid;
	if (SYS->ioctl(xi->fd, XENIF_IOCTL_PRIVCMD_RESTRICT, &dom) < 0) {
		return neg_errno();
	}
	return 0;
}

static int lx_dmop(struct xenif *xi, uint32_t domid, unsigned int nr_bufs,
	struct xenif_dmop_buf *bufs)
{
	struct xenif_privcmd_dm_op op;
	struct xenif_privcmd_dm_op_buf *ub;
	unsigned int i;
	int rc = 0;

	if (!domid_ok(domid) || nr_bufs == 0 || nr_bufs > UINT16_MAX) {
		return -EINVAL;
	}
	for (i = 0; i < nr_bufs; i++) {
		if (bufs[i].p == NULL && bufs[i].size != 0) {
			return -EINVAL;
		}
	}
	ub = calloc(nr_bufs, sizeof(*ub));
	if (ub == NULL) {
		return -ENOMEM;
	}
	for (i = 0; i < nr_bufs; i++) {
		ub[i].uptr = bufs[i].p;
		ub[i].size = bufs[i].size;
	}
	memset(&op, 0, sizeof(op));
	op.dom = (uint16_t)domid;
	op.num = (uint16_t)nr_bufs;
	op.ubufs = ub;
	if (SYS->ioctl(xi->fd, XENIF_IOCTL_PRIVCMD_DM_OP, &op) < 0) {
		rc = neg_errno();
	}
	free(ub);
	return rc;
}

/* ---- domains ------------------------------------------------------------- */

static void fill_getdomaininfolist(
	uint8_t *buf, uint32_t version, const void *ctx)
{
	const uint32_t *first = ctx;
	uint8_t *u = buf + SYSCTL_U;

	(void)version;
	put32(buf + SYSCTL_CMD, XEN_SYSCTL_getdomaininfolist);
	put16(u + GDIL_FIRST, (uint16_t)*first);
	put32(u + GDIL_MAX, 1);
	/* The record lands further on in the same hypercall page. */
	put64(u + GDIL_BUFFER, (uintptr_t)(buf - HB_ARG + HB_INFO));
}

static void decode_info(const uint8_t *rec, struct xenif_dominfo *out)
{
	memset(out, 0, sizeof(*out));
	out->domid = get16(rec + GDI_DOMAIN);
	out->flags = get32(rec + GDI_FLAGS);
	out->tot_pages = get64(rec + GDI_TOT_PAGES);
	out->max_pages = get64(rec + GDI_MAX_PAGES);
	out->nr_online_vcpus = get32(rec + GDI_NR_ONLINE_VCPUS);
	memcpy(out->handle, rec + GDI_HANDLE, sizeof(out->handle));
	xenif_dominfo_decode_flags(out);
}

/*
 * One getdomaininfolist record at a time: the record's size differs
 * between versions (and architectures) but its leading fields do not,
 * so asking for one record never depends on the stride.
 */
static int lx_domain_getinfo(struct xenif *xi, uint32_t first, unsigned int max,
	struct xenif_dominfo *out)
{
	struct lx_xenif *lx = lx_of(xi);
	const uint8_t *rec = lx->hbuf + HB_INFO;
	uint32_t next = first;
	uint32_t num;
	uint32_t domid;
	unsigned int n = 0;
	int rc;

	if (max > INT_MAX) {
		max = INT_MAX;
	}
	while (n < max && next < DOMID_FIRST_RESERVED) {
		memset(lx->hbuf + HB_INFO, 0, GDI_PREFIX_SIZE);
		rc = ctl_call(
			xi, CTL_SYSCTL, fill_getdomaininfolist, &next, NULL);
		if (rc < 0) {
			return rc;
		}
		num = get32(lx->hbuf + HB_ARG + SYSCTL_U + GDIL_NUM);
		if (num == 0) {
			break;
		}
		domid = get16(rec + GDI_DOMAIN);
		if (num != 1 || domid < next || domid >= DOMID_FIRST_RESERVED) {
			return -EIO;
		}
		decode_info(rec, &out[n]);
		n++;
		next = domid + 1;
	}
	return (int)n;
}

/* A domctl that carries nothing but the domain. */
struct simple_ctx {
	uint32_t cmd;
	uint32_t domid;
};

static void fill_simple(uint8_t *buf, uint32_t version, const void *ctx)
{
	const struct simple_ctx *c = ctx;

	(void)version;
	put32(buf + DOMCTL_CMD, c->cmd);
	put16(buf + DOMCTL_DOMAIN, (uint16_t)c->domid);
}

static int domctl_simple(struct xenif *xi, uint32_t cmd, uint32_t domid)
{
	struct simple_ctx c = {.cmd = cmd, .domid = domid};

	if (!domid_ok(domid)) {
		return -EINVAL;
	}
	return ctl_call(xi, CTL_DOMCTL, fill_simple, &c, NULL);
}

struct max_mem_ctx {
	uint32_t domid;
	uint64_t kb;
};

static void fill_max_mem(uint8_t *buf, uint32_t version, const void *ctx)
{
	const struct max_mem_ctx *c = ctx;

	(void)version;
	put32(buf + DOMCTL_CMD, XEN_DOMCTL_max_mem);
	put16(buf + DOMCTL_DOMAIN, (uint16_t)c->domid);
	put64(buf + DOMCTL_U, c->kb);
}

static int lx_domain_set_max_mem(
	struct xenif *xi, uint32_t domid, uint64_t max_kb)
{
	struct max_mem_ctx c = {.domid = domid, .kb = max_kb};

	if (!domid_ok(domid)) {
		return -EINVAL;
	}
	return ctl_call(xi, CTL_DOMCTL, fill_max_mem, &c, NULL);
}

struct max_vcpus_ctx {
	uint32_t domid;
	uint32_t max;
};

static void fill_max_vcpus(uint8_t *buf, uint32_t version, const void *ctx)
{
	const struct max_vcpus_ctx *c = ctx;

	(void)version;
	put32(buf + DOMCTL_CMD, XEN_DOMCTL_max_vcpus);
	put16(buf + DOMCTL_DOMAIN, (uint16_t)c->domid);
	put32(buf + DOMCTL_U, c->max);
}

/*
 * struct xen_domctl_createdomain by interface version. All start with
 * ssidref, handle and flags; then
 *   <= 0x10 (4.9-4.11)  arch                   (vCPUs: XEN_DOMCTL_max_vcpus)
 *   0x11 (4.12)         max_vcpus, max_evtchn_port, max_grant_frames,
 *                       max_maptrack_frames, arch
 *   0x12 (4.13, 4.14)   iommu_opts before max_vcpus; frames < 0: default
 *   0x13 (4.15)         ..., vmtrace_size, arch
 *   0x14 (4.16)         ..., grant_opts, vmtrace_size, arch
 *   0x15, 0x16 (4.17, 4.18)  ..., vmtrace_size, cpupool_id, arch
 *   >= 0x17 (4.19-4.22) ..., grant_opts, altp2m, vmtrace_size, cpupool_id,
 *                       arch
 * Our own headers' version lays it out as 4.9 does.
 */
#define CD_SSIDREF 0u
#define CD_HANDLE 4u
#define CD_FLAGS 20u

/* XEN_DOMCTL_CDF_hvm (4.9: _hvm_guest) */
#define LX_CDF_HVM (1u << 0)
/* An HVM guest with the full set of emulated devices (device model). */
#define LX_HVM_EMU_FLAGS                                                       \
	(XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET | XEN_X86_EMU_PM |               \
		XEN_X86_EMU_RTC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC |       \
		XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU | XEN_X86_EMU_PIT |        \
		XEN_X86_EMU_USE_PIRQ)
/* The toolstack's customary limits. */
#define LX_MAX_EVTCHN_PORT 1023u
#define LX_MAX_GRANT_FRAMES_412 32u
#define LX_MAX_MAPTRACK_FRAMES_412 1024u
#define LX_GRANT_VERSION 1u

struct create_ctx {
	const struct xenif_domain_config *cfg;
	uint32_t max_vcpus;
};

static bool create_is_old(uint32_t version)
{
	return version <= 0x10 || version == XEN_DOMCTL_INTERFACE_VERSION;
}

static void fill_create(uint8_t *buf, uint32_t version, const void *ctx)
{
	const struct create_ctx *c = ctx;
	uint8_t *u = buf + DOMCTL_U;
	uint32_t arch;
	uint32_t off;

	put32(buf + DOMCTL_CMD, XEN_DOMCTL_createdomain);
	put16(buf + DOMCTL_DOMAIN, (uint16_t)c->cfg->domid);
	put32(u + CD_SSIDREF, 0);
	memcpy(u + CD_HANDLE, c->cfg->handle, sizeof(c->cfg->handle));
	put32(u + CD_FLAGS, c->cfg->flags);
	if (create_is_old(version)) {
		arch = 24;
	} else if (version == 0x11) {
		put32(u + 24, c->max_vcpus);
		put32(u + 28, LX_MAX_EVTCHN_PORT);
		put32(u + 32, LX_MAX_GRANT_FRAMES_412);
		put32(u + 36, LX_MAX_MAPTRACK_FRAMES_412);
		arch = 40;
	} else {
		/* iommu_opts at 24 stays 0 */
		put32(u + 28, c->max_vcpus);
		put32(u + 32, LX_MAX_EVTCHN_PORT);
		put32(u + 36, (uint32_t)-1);
		put32(u + 40, (uint32_t)-1);
		off = 44;
		if (version >= 0x14) {
			put32(u + off, LX_GRANT_VERSION);
			off += 4;
		}
		if (version >= 0x17) {
			off += 4; /* altp2m options: none */
		}
		if (version >= 0x13) {
			off += 4; /* vmtrace_size: 0 */
		}
		if (version >= 0x15) {
			off += 4; /* cpupool_id: 0 */
		}
		arch = off;
	}
	/* arch: x86's emulation_flags first; PV guests emulate nothing */
	if ((c->cfg->flags & LX_CDF_HVM) != 0) {
		put32(u + arch, LX_HVM_EMU_FLAGS);
	}
}

static bool handle_is_zero(const uint8_t *h)
{
	size_t i;

	for (i = 0; i < 16; i++) {
		if (h[i] != 0) {
			return false;
		}
	}
	return true;
}

/* A random (version 4) UUID for a domain created without a handle. */
static int random_handle(uint8_t *h)
{
	ssize_t n;
	size_t got = 0;
	int rc = 0;
	int fd;

	fd = SYS->open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return neg_errno();
	}
	while (got < 16) {
		n = SYS->read(fd, h + got, 16 - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			rc = n < 0 ? neg_errno() : -EIO;
			break;
		}
		got += (size_t)n;
	}
	SYS->close(fd);
	if (rc == 0) {
		h[6] = (uint8_t)((h[6] & 0x0f) | 0x40);
		h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	}
	return rc;
}

static int lx_domain_destroy(struct xenif *xi, uint32_t domid)
{
	int rc;

	/* Xen gives -EAGAIN while it is still tearing the domain down. */
	do {
		rc = domctl_simple(xi, XEN_DOMCTL_destroydomain, domid);
	} while (rc == -EAGAIN);
	return rc;
}

static int lx_domain_create(
	struct xenif *xi, struct xenif_domain_config *cfg, uint32_t *domid)
{
	struct lx_xenif *lx = lx_of(xi);
	struct create_ctx c;
	struct max_vcpus_ctx mv;
	struct max_mem_ctx mm;
	uint32_t version = 0;
	uint32_t id;
	int rc;

	if (cfg->domid != 0 && !domid_ok(cfg->domid)) {
		return -EINVAL;
	}
	if (cfg->max_pages > UINT64_MAX / (LX_PAGE_SIZE / 1024)) {
		return -EINVAL;
	}
	if (handle_is_zero(cfg->handle)) {
		rc = random_handle(cfg->handle);
		if (rc < 0) {
			return rc;
		}
	}
	c.cfg = cfg;
	c.max_vcpus = cfg->max_vcpus != 0 ? cfg->max_vcpus : 1;
	rc = ctl_call(xi, CTL_DOMCTL, fill_create, &c, &version);
	if (rc < 0) {
		return rc;
	}
	id = get16(lx->hbuf + HB_ARG + DOMCTL_DOMAIN);
	if (id == 0 || !domid_ok(id)) {
		return -EIO;
	}
	if (cfg->domid != 0 && id != cfg->domid) {
		lx_domain_destroy(xi, id);
		return -EIO;
	}
	if (create_is_old(version)) {
		mv.domid = id;
		mv.max = c.max_vcpus;
		rc = ctl_call(xi, CTL_DOMCTL, fill_max_vcpus, &mv, NULL);
		if (rc < 0) {
			lx_domain_destroy(xi, id);
			return rc;
		}
	}
	if (cfg->max_pages != 0) {
		mm.domid = id;
		mm.kb = cfg->max_pages * (LX_PAGE_SIZE / 1024);
		rc = ctl_call(xi, CTL_DOMCTL, fill_max_mem, &mm, NULL);
		if (rc < 0) {
			lx_domain_destroy(xi, id);
			return rc;
		}
	}
	*domid = id;
	return 0;
}

static int lx_domain_pause(struct xenif *xi, uint32_t domid)
{
	return domctl_simple(xi, XEN_DOMCTL_pausedomain, domid);
}

static int lx_domain_unpause(struct xenif *xi, uint32_t domid)
{
	return domctl_simple(xi, XEN_DOMCTL_unpausedomain, domid);
}

/* HVMOP_{set,get}_param with struct xen_hvm_param in the hypercall page. */
static int hvm_param(struct xenif *xi, unsigned int op, uint32_t domid,
	uint32_t index, uint64_t *value)
{
	struct lx_xenif *lx = lx_of(xi);
	struct xen_hvm_param p;
	int rc;

	if (!domid_ok(domid) && domid != DOMID_SELF) {
		return -EINVAL;
	}
	memset(&p, 0, sizeof(p));
	p.domid = (domid_t)domid;
	p.index = index;
	p.value = *value;
	memcpy(lx->hbuf + HB_ARG, &p, sizeof(p));
	rc = hypercall(
		xi, __HYPERVISOR_hvm_op, op, (uintptr_t)(lx->hbuf + HB_ARG));
	if (rc < 0) {
		return rc;
	}
	memcpy(&p, lx->hbuf + HB_ARG, sizeof(p));
	*value = p.value;
	return 0;
}

static int lx_hvm_param_set(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t value)
{
	return hvm_param(xi, HVMOP_set_param, domid, index, &value);
}

static int lx_hvm_param_get(
	struct xenif *xi, uint32_t domid, uint32_t index, uint64_t *value)
{
	uint64_t v = 0;
	int rc;

	rc = hvm_param(xi, HVMOP_get_param, domid, index, &v);
	if (rc == 0) {
		*value = v;
	}
	return rc;
}

static int lx_evtchn_alloc_unbound(
	struct xenif *xi, uint32_t domid, uint32_t remote_domid)
{
	struct lx_xenif *lx = lx_of(xi);
	struct evtchn_alloc_unbound a;
	int rc;

	if ((!domid_ok(domid) && domid != DOMID_SELF) ||
		(!domid_ok(remote_domid) && remote_domid != DOMID_SELF)) {
		return -EINVAL;
	}
	memset(&a, 0, sizeof(a));
	a.dom = (domid_t)domid;
	a.remote_dom = (domid_t)remote_domid;
	memcpy(lx->hbuf + HB_ARG, &a, sizeof(a));
	rc = hypercall(xi, __HYPERVISOR_event_channel_op,
		EVTCHNOP_alloc_unbound, (uintptr_t)(lx->hbuf + HB_ARG));
	if (rc < 0) {
		return rc;
	}
	memcpy(&a, lx->hbuf + HB_ARG, sizeof(a));
	if (a.port > LX_EVTCHN_MAX_PORT) {
		return -EIO;
	}
	return (int)a.port;
}

const struct xenif_ops xenif_linux_ops = {
	.name = "linux",
	.open = lx_open,
	.close = lx_close,
	.evtchn_open = lx_evtchn_open,
	.evtchn_close = lx_evtchn_close,
	.evtchn_fd = lx_evtchn_fd,
	.evtchn_bind_interdomain = lx_evtchn_bind_interdomain,
	.evtchn_bind_unbound = lx_evtchn_bind_unbound,
	.evtchn_bind_virq = lx_evtchn_bind_virq,
	.evtchn_unbind = lx_evtchn_unbind,
	.evtchn_notify = lx_evtchn_notify,
	.evtchn_pending = lx_evtchn_pending,
	.evtchn_unmask = lx_evtchn_unmask,
	.gnttab_open = lx_gnttab_open,
	.gnttab_close = lx_gnttab_close,
	.gnttab_map = lx_gnttab_map,
	.gnttab_unmap = lx_gnttab_unmap,
	.foreign_map = lx_foreign_map,
	.foreign_unmap = lx_foreign_unmap,
	.restrict_domid = lx_restrict,
	.dmop = lx_dmop,
	.domain_getinfo = lx_domain_getinfo,
	.domain_create = lx_domain_create,
	.domain_destroy = lx_domain_destroy,
	.domain_pause = lx_domain_pause,
	.domain_unpause = lx_domain_unpause,
	.domain_set_max_mem = lx_domain_set_max_mem,
	.hvm_param_set = lx_hvm_param_set,
	.hvm_param_get = lx_hvm_param_get,
	.evtchn_alloc_unbound = lx_evtchn_alloc_unbound,
};
