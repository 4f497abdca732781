/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenif Linux backend against a fake kernel: xenif_linux_sys is
 * pointed at small fake devices (evtchn keeping bound and pending ports,
 * gntdev keeping grant maps, privcmd answering hypercalls as a Xen of a
 * chosen interface version would) and every op is driven through the
 * public API, checking the bytes each ioctl and hypercall receives.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "domctl.h"
#include "event_channel.h"
#include "hvm/hvm_op.h"
#include "linux_sys.h"
#include "linux_uapi.h"
#include "sched.h"
#include "sysctl.h"
#include "xen.h"
#include "xenif.h"

#define PREFIX "/fake/xen"
#define PAGE 4096u

/* ---- the fake kernel ----------------------------------------------------- */

enum fkind {
	F_NONE = 0,
	F_PRIVCMD,
	F_HYPERCALL,
	F_EVTCHN,
	F_GNTDEV,
	F_URANDOM,
	F_NKINDS,
};

static const char *const fk_paths[F_NKINDS] = {
	[F_PRIVCMD] = PREFIX "/privcmd",
	[F_HYPERCALL] = PREFIX "/hypercall",
	[F_EVTCHN] = PREFIX "/evtchn",
	[F_GNTDEV] = PREFIX "/gntdev",
	[F_URANDOM] = "/dev/urandom",
};

#define FD_BASE 100
#define MAX_FDS 32
#define MAX_MAPS 64
#define MAX_REQS 256
#define MAX_DOMS 8
#define MAX_CALLS 64

/* gfns the fake privcmd treats specially */
#define GFN_PAGED 0xbad0u
#define GFN_INVALID 0x100000u

struct fmap {
	bool live;
	void *addr;
	size_t len;
	enum fkind kind;
	int prot;
	int flags;
	off_t off;
};

struct fgrant {
	bool live;
	uint64_t index;
	uint32_t count;
};

struct fdom {
	bool live;
	uint16_t domid;
	uint32_t flags;
	uint64_t tot_pages;
	uint64_t max_pages;
	uint32_t vcpus;
	uint8_t handle[16];
	uint64_t max_kb;
	uint32_t max_vcpus;
	uint64_t params[64];
};

static struct fake {
	bool present[F_NKINDS];
	int open_flags[F_NKINDS];
	enum fkind fds[MAX_FDS];
	struct fmap maps[MAX_MAPS];
	int mmap_errno; /* next device mmap fails with this */
	int mlock_errno;
	int mlock_calls;
	void *mlocked;
	void *hbuf;  /* the page hypercall arguments must be in */
	int outside; /* hypercall arguments found elsewhere */

	/* every ioctl, and a copy of the last argument */
	unsigned long reqs[MAX_REQS];
	int nreqs;
	uint8_t arg[512];
	unsigned long fail_req;
	int fail_errno;
	int fail_times;

	/* evtchn */
	uint32_t next_port;
	uint32_t bound[64];
	int nbound;
	uint32_t pending[256];
	int npending;
	bool overflow;
	int resets;
	int reads;
	ssize_t short_read; /* a read returns this many bytes, once */
	uint32_t unmasked[64];
	int nunmasked;
	uint32_t notified;

	/* gntdev */
	struct fgrant grants[16];
	uint64_t next_index;
	uint64_t bogus_index;
	uint32_t map_refs[32][2];
	uint32_t map_count;
	uint64_t unmap_index;
	uint32_t unmap_count;

	/* privcmd: a Xen */
	uint32_t domctl_version;
	uint32_t sysctl_version;
	uint32_t dc_versions[MAX_CALLS];
	uint32_t dc_cmds[MAX_CALLS];
	int ndc;
	uint32_t sc_versions[MAX_CALLS];
	int nsc;
	struct fdom doms[MAX_DOMS];
	uint16_t next_domid;
	uint8_t create_u[128];
	int destroy_eagain;
	int max_vcpus_errno;
	int restricted;
	uint16_t dm_dom;
	uint16_t dm_num;
	struct xenif_privcmd_dm_op_buf dm_bufs[8];
	uint32_t batch_num;
	uint16_t batch_dom;
	uint64_t batch_addr;
	uint32_t next_unbound;
	struct evtchn_alloc_unbound last_alloc;
} fk;

static int fk_fail(int e)
{
	errno = e;
	return -1;
}

static enum fkind fd_kind(int fd)
{
	if (fd < FD_BASE || fd >= FD_BASE + MAX_FDS) {
		return F_NONE;
	}
	return fk.fds[fd - FD_BASE];
}

static int fake_open(const char *path, int flags, ...)
{
	int k;
	int i;

	for (k = 1; k < F_NKINDS; k++) {
		if (strcmp(path, fk_paths[k]) == 0) {
			break;
		}
	}
	if (k == F_NKINDS || !fk.present[k]) {
		return fk_fail(ENOENT);
	}
	for (i = 0; i < MAX_FDS; i++) {
		if (fk.fds[i] == F_NONE) {
			fk.fds[i] = (enum fkind)k;
			fk.open_flags[k] = flags;
			return FD_BASE + i;
		}
	}
	return fk_fail(EMFILE);
}

static int fake_close(int fd)
{
	if (fd_kind(fd) == F_NONE) {
		return fk_fail(EBADF);
	}
	fk.fds[fd - FD_BASE] = F_NONE;
	return 0;
}

static int fake_access(const char *path, int mode)
{
	int k;

	for (k = 1; k < F_NKINDS; k++) {
		if (strcmp(path, fk_paths[k]) == 0 && fk.present[k]) {
			return 0;
		}
	}
	return fk_fail(ENOENT);
}

static struct fmap *map_of(const void *addr)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++) {
		if (fk.maps[i].live && fk.maps[i].addr == addr) {
			return &fk.maps[i];
		}
	}
	return NULL;
}

static int live_maps(void)
{
	int i;
	int n = 0;

	for (i = 0; i < MAX_MAPS; i++) {
		n += fk.maps[i].live ? 1 : 0;
	}
	return n;
}

static int open_fds(void)
{
	int i;
	int n = 0;

	for (i = 0; i < MAX_FDS; i++) {
		n += fk.fds[i] != F_NONE ? 1 : 0;
	}
	return n;
}

static struct fgrant *grant_at(uint64_t index)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (fk.grants[i].live && fk.grants[i].index == index) {
			return &fk.grants[i];
		}
	}
	return NULL;
}

static void *fake_mmap(
	void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	enum fkind k = fd_kind(fd);
	struct fgrant *g;
	void *p;
	size_t i;
	int slot;

	if ((flags & MAP_ANONYMOUS) != 0) {
		k = F_NONE;
	} else if (k == F_NONE) {
		errno = EBADF;
		return MAP_FAILED;
	}
	if (k != F_NONE && fk.mmap_errno != 0) {
		errno = fk.mmap_errno;
		fk.mmap_errno = 0;
		return MAP_FAILED;
	}
	if (k == F_GNTDEV) {
		g = grant_at((uint64_t)off);
		if (g == NULL || (size_t)g->count * PAGE != len) {
			errno = EINVAL;
			return MAP_FAILED;
		}
	}
	for (slot = 0; slot < MAX_MAPS; slot++) {
		if (!fk.maps[slot].live) {
			break;
		}
	}
	assert_true(slot < MAX_MAPS);
	p = mmap(addr, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		-1, 0);
	if (p == MAP_FAILED) {
		return p;
	}
	if (k == F_GNTDEV) {
		/* each granted page starts with its grant's index in pages */
		for (i = 0; i < len / PAGE; i++) {
			*(uint64_t *)((uint8_t *)p + i * PAGE) =
				(uint64_t)off / PAGE + i;
		}
	}
	if (k == F_HYPERCALL) {
		fk.hbuf = p;
	}
	fk.maps[slot] = (struct fmap){.live = true,
		.addr = p,
		.len = len,
		.kind = k,
		.prot = prot,
		.flags = flags,
		.off = off};
	return p;
}

static int fake_munmap(void *addr, size_t len)
{
	struct fmap *m = map_of(addr);

	if (m == NULL || m->len != len) {
		return fk_fail(EINVAL);
	}
	m->live = false;
	if (fk.mlocked == addr) {
		fk.mlocked = NULL;
	}
	return munmap(addr, len);
}

static int fake_mlock(const void *addr, size_t len)
{
	fk.mlock_calls++;
	if (fk.mlock_errno != 0) {
		return fk_fail(fk.mlock_errno);
	}
	assert_int_equal(len, PAGE);
	assert_int_equal((uintptr_t)addr % PAGE, 0);
	fk.mlocked = (void *)addr;
	fk.hbuf = (void *)addr;
	return 0;
}

static ssize_t fake_read(int fd, void *buf, size_t len)
{
	enum fkind k = fd_kind(fd);
	size_t n;
	ssize_t s;

	if (k == F_URANDOM) {
		memset(buf, 0xab, len);
		return (ssize_t)len;
	}
	if (k != F_EVTCHN) {
		return fk_fail(EBADF);
	}
	fk.reads++;
	if (fk.overflow) {
		return fk_fail(EFBIG);
	}
	if (fk.short_read != 0) {
		s = fk.short_read;
		fk.short_read = 0;
		memset(buf, 0, (size_t)s);
		return s;
	}
	if (fk.npending == 0) {
		return fk_fail(EAGAIN);
	}
	n = len / 4;
	if (n > (size_t)fk.npending) {
		n = (size_t)fk.npending;
	}
	memcpy(buf, fk.pending, n * 4);
	memmove(fk.pending, fk.pending + n, (fk.npending - n) * 4);
	fk.npending -= (int)n;
	return (ssize_t)(n * 4);
}

static ssize_t fake_write(int fd, const void *buf, size_t len)
{
	size_t i;

	if (fd_kind(fd) != F_EVTCHN) {
		return fk_fail(EBADF);
	}
	if (len % 4 != 0) {
		return fk_fail(EINVAL);
	}
	for (i = 0; i < len / 4; i++) {
		memcpy(&fk.unmasked[fk.nunmasked++],
			(const uint8_t *)buf + i * 4, 4);
	}
	return (ssize_t)len;
}

static bool in_hbuf(uint64_t p, size_t len)
{
	uintptr_t base = (uintptr_t)fk.hbuf;

	if (fk.hbuf == NULL || p < base || p + len > base + PAGE) {
		fk.outside++;
		return false;
	}
	return true;
}

static int evtchn_bound_idx(uint32_t port)
{
	int i;

	for (i = 0; i < fk.nbound; i++) {
		if (fk.bound[i] == port) {
			return i;
		}
	}
	return -1;
}

static int fake_evtchn_ioctl(unsigned long req, void *arg)
{
	uint32_t port;
	int i;

	if (req == XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN ||
		req == XENIF_IOCTL_EVTCHN_BIND_UNBOUND_PORT ||
		req == XENIF_IOCTL_EVTCHN_BIND_VIRQ) {
		port = fk.next_port++;
		fk.bound[fk.nbound++] = port;
		return (int)port;
	}
	if (req == XENIF_IOCTL_EVTCHN_UNBIND) {
		memcpy(&port, arg, 4);
		i = evtchn_bound_idx(port);
		if (i < 0) {
			return fk_fail(ENOTCONN);
		}
		fk.bound[i] = fk.bound[--fk.nbound];
		return 0;
	}
	if (req == XENIF_IOCTL_EVTCHN_NOTIFY) {
		memcpy(&port, arg, 4);
		if (evtchn_bound_idx(port) < 0) {
			return fk_fail(ENOTCONN);
		}
		fk.notified = port;
		return 0;
	}
	if (req == XENIF_IOCTL_EVTCHN_RESET) {
		fk.resets++;
		fk.overflow = false;
		fk.npending = 0;
		return 0;
	}
	return fk_fail(ENOTTY);
}

static int fake_gntdev_ioctl(unsigned long req, void *arg)
{
	struct xenif_ioctl_gntdev_map_grant_ref *m = arg;
	struct xenif_ioctl_gntdev_unmap_grant_ref *u = arg;
	struct fgrant *g;
	uint32_t i;
	int slot;

	if (req == XENIF_IOCTL_GNTDEV_MAP_GRANT_REF) {
		fk.map_count = m->count;
		for (i = 0; i < m->count && i < 32; i++) {
			fk.map_refs[i][0] = m->refs[i].domid;
			fk.map_refs[i][1] = m->refs[i].ref;
		}
		for (slot = 0; slot < 16; slot++) {
			if (!fk.grants[slot].live) {
				break;
			}
		}
		assert_true(slot < 16);
		fk.grants[slot] = (struct fgrant){.live = true,
			.index = fk.next_index,
			.count = m->count};
		m->index = fk.bogus_index != 0 ? fk.bogus_index : fk.next_index;
		fk.next_index += (uint64_t)m->count * PAGE;
		return 0;
	}
	if (req == XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF) {
		fk.unmap_index = u->index;
		fk.unmap_count = u->count;
		g = grant_at(u->index);
		if (g == NULL || g->count != u->count) {
			return fk_fail(EINVAL);
		}
		g->live = false;
		return 0;
	}
	return fk_fail(ENOTTY);
}

static struct fdom *dom_find(uint16_t domid)
{
	int i;

	for (i = 0; i < MAX_DOMS; i++) {
		if (fk.doms[i].live && fk.doms[i].domid == domid) {
			return &fk.doms[i];
		}
	}
	return NULL;
}

static struct fdom *dom_add(uint16_t domid, uint32_t flags)
{
	int i;

	for (i = 0; i < MAX_DOMS; i++) {
		if (!fk.doms[i].live) {
			fk.doms[i] = (struct fdom){
				.live = true, .domid = domid, .flags = flags};
			return &fk.doms[i];
		}
	}
	fail();
	return NULL;
}

static void put_info(uint8_t *rec, const struct fdom *d)
{
	memset(rec, 0, 112);
	memcpy(rec + 0, &d->domid, 2);
	memcpy(rec + 4, &d->flags, 4);
	memcpy(rec + 8, &d->tot_pages, 8);
	memcpy(rec + 16, &d->max_pages, 8);
	memcpy(rec + 64, &d->vcpus, 4);
	memcpy(rec + 76, d->handle, 16);
}

static int xen_sysctl(uint8_t *sc)
{
	uint32_t cmd;
	uint32_t ver;
	uint16_t first;
	uint32_t max;
	uint64_t buffer;
	uint32_t num = 0;
	const struct fdom *best;
	int i;

	memcpy(&cmd, sc, 4);
	memcpy(&ver, sc + 4, 4);
	if (fk.nsc < MAX_CALLS) {
		fk.sc_versions[fk.nsc] = ver;
	}
	fk.nsc++;
	if (ver != fk.sysctl_version) {
		return -EACCES;
	}
	if (cmd != XEN_SYSCTL_getdomaininfolist) {
		return -ENOSYS;
	}
	memcpy(&first, sc + 8, 2);
	memcpy(&max, sc + 12, 4);
	memcpy(&buffer, sc + 16, 8);
	/* records of 112 bytes, as Xen 4.17 on x86 */
	while (num < max) {
		best = NULL;
		for (i = 0; i < MAX_DOMS; i++) {
			if (fk.doms[i].live && fk.doms[i].domid >= first &&
				(best == NULL ||
					fk.doms[i].domid < best->domid)) {
				best = &fk.doms[i];
			}
		}
		if (best == NULL) {
			break;
		}
		if (!in_hbuf(buffer + num * 112, 112)) {
			return -EFAULT;
		}
		put_info((uint8_t *)(uintptr_t)(buffer + num * 112), best);
		first = (uint16_t)(best->domid + 1);
		num++;
	}
	memcpy(sc + 24, &num, 4);
	return 0;
}

static int xen_domctl(uint8_t *dc)
{
	uint32_t cmd;
	uint32_t ver;
	uint16_t domid;
	struct fdom *d;

	memcpy(&cmd, dc, 4);
	memcpy(&ver, dc + 4, 4);
	memcpy(&domid, dc + 8, 2);
	if (fk.ndc < MAX_CALLS) {
		fk.dc_versions[fk.ndc] = ver;
		fk.dc_cmds[fk.ndc] = cmd;
	}
	fk.ndc++;
	if (ver != fk.domctl_version) {
		return -EACCES;
	}
	if (cmd == XEN_DOMCTL_createdomain) {
		memcpy(fk.create_u, dc + 16, sizeof(fk.create_u));
		if (domid == 0) {
			domid = fk.next_domid++;
		}
		if (dom_find(domid) != NULL) {
			return -EEXIST;
		}
		d = dom_add(domid, XEN_DOMINF_paused);
		memcpy(d->handle, dc + 16 + 4, 16);
		memcpy(dc + 8, &domid, 2);
		return 0;
	}
	d = dom_find(domid);
	if (d == NULL) {
		return -ESRCH;
	}
	switch (cmd) {
	case XEN_DOMCTL_destroydomain:
		if (fk.destroy_eagain > 0) {
			fk.destroy_eagain--;
			return -EAGAIN;
		}
		d->live = false;
		return 0;
	case XEN_DOMCTL_pausedomain:
		d->flags |= XEN_DOMINF_paused;
		return 0;
	case XEN_DOMCTL_unpausedomain:
		d->flags &= ~XEN_DOMINF_paused;
		return 0;
	case XEN_DOMCTL_max_mem:
		memcpy(&d->max_kb, dc + 16, 8);
		return 0;
	case XEN_DOMCTL_max_vcpus:
		if (fk.max_vcpus_errno != 0) {
			return -fk.max_vcpus_errno;
		}
		memcpy(&d->max_vcpus, dc + 16, 4);
		return 0;
	default:
		return -ENOSYS;
	}
}

static int xen_hypercall(const struct xenif_privcmd_hypercall *hc)
{
	struct xen_hvm_param *p;
	struct evtchn_alloc_unbound *a;
	struct fdom *d;

	switch (hc->op) {
	case __HYPERVISOR_domctl:
		if (!in_hbuf(hc->arg[0], 144)) {
			return -EFAULT;
		}
		return xen_domctl((uint8_t *)(uintptr_t)hc->arg[0]);
	case __HYPERVISOR_sysctl:
		if (!in_hbuf(hc->arg[0], 136)) {
			return -EFAULT;
		}
		return xen_sysctl((uint8_t *)(uintptr_t)hc->arg[0]);
	case __HYPERVISOR_hvm_op:
		if (!in_hbuf(hc->arg[1], sizeof(*p))) {
			return -EFAULT;
		}
		p = (struct xen_hvm_param *)(uintptr_t)hc->arg[1];
		d = dom_find(p->domid);
		if (d == NULL) {
			return -ESRCH;
		}
		if (p->index >= 64) {
			return -EINVAL;
		}
		if (hc->arg[0] == HVMOP_set_param) {
			d->params[p->index] = p->value;
			return 0;
		}
		if (hc->arg[0] == HVMOP_get_param) {
			p->value = d->params[p->index];
			return 0;
		}
		return -ENOSYS;
	case __HYPERVISOR_event_channel_op:
		if (hc->arg[0] != EVTCHNOP_alloc_unbound) {
			return -ENOSYS;
		}
		if (!in_hbuf(hc->arg[1], sizeof(*a))) {
			return -EFAULT;
		}
		a = (struct evtchn_alloc_unbound *)(uintptr_t)hc->arg[1];
		fk.last_alloc = *a;
		if (dom_find(a->dom) == NULL) {
			return -ESRCH;
		}
		a->port = fk.next_unbound++;
		return 0;
	default:
		return -ENOSYS;
	}
}

static int fake_privcmd_ioctl(unsigned long req, void *arg)
{
	const struct xenif_privcmd_dm_op *op = arg;
	struct xenif_privcmd_mmapbatch_v2 *b = arg;
	struct fmap *m;
	bool paged = false;
	uint64_t gfn;
	uint32_t i;
	uint16_t dom;
	int rc;

	if (req == XENIF_IOCTL_PRIVCMD_HYPERCALL) {
		if (fk.restricted >= 0) {
			return fk_fail(EPERM);
		}
		rc = xen_hypercall(arg);
		return rc < 0 ? fk_fail(-rc) : rc;
	}
	if (req == XENIF_IOCTL_PRIVCMD_RESTRICT) {
		memcpy(&dom, arg, 2);
		if (fk.restricted >= 0 && fk.restricted != dom) {
			return fk_fail(EINVAL);
		}
		fk.restricted = dom;
		return 0;
	}
	if (req == XENIF_IOCTL_PRIVCMD_DM_OP) {
		if (fk.restricted >= 0 && fk.restricted != op->dom) {
			return fk_fail(EPERM);
		}
		fk.dm_dom = op->dom;
		fk.dm_num = op->num;
		for (i = 0; i < op->num && i < 8; i++) {
			fk.dm_bufs[i] = op->ubufs[i];
		}
		return 0;
	}
	if (req == XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2) {
		fk.batch_num = b->num;
		fk.batch_dom = b->dom;
		fk.batch_addr = b->addr;
		m = map_of((void *)(uintptr_t)b->addr);
		if (m == NULL || m->kind != F_PRIVCMD ||
			m->len != (size_t)b->num * PAGE) {
			return fk_fail(EINVAL);
		}
		for (i = 0; i < b->num; i++) {
			gfn = b->arr[i];
			if (gfn == GFN_PAGED) {
				b->err[i] = -ENOENT;
				paged = true;
			} else if (gfn >= GFN_INVALID) {
				b->err[i] = -EINVAL;
			} else {
				b->err[i] = 0;
				*(uint64_t *)((uint8_t *)m->addr + i * PAGE) =
					gfn;
			}
		}
		return paged ? fk_fail(ENOENT) : 0;
	}
	return fk_fail(ENOTTY);
}

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	enum fkind k = fd_kind(fd);
	size_t size = _IOC_SIZE(req);

	if (fk.nreqs < MAX_REQS) {
		fk.reqs[fk.nreqs] = req;
	}
	fk.nreqs++;
	memset(fk.arg, 0, sizeof(fk.arg));
	if (req == XENIF_IOCTL_GNTDEV_MAP_GRANT_REF) {
		size = 16 + 8 * (size_t)((uint32_t *)arg)[0];
	}
	if (arg != NULL) {
		memcpy(fk.arg, arg,
			size < sizeof(fk.arg) ? size : sizeof(fk.arg));
	}
	if (fk.fail_times != 0 && fk.fail_req == req) {
		fk.fail_times--;
		return fk_fail(fk.fail_errno);
	}
	switch (k) {
	case F_EVTCHN:
		return fake_evtchn_ioctl(req, arg);
	case F_GNTDEV:
		return fake_gntdev_ioctl(req, arg);
	case F_PRIVCMD:
		return fake_privcmd_ioctl(req, arg);
	default:
		return fk_fail(ENOTTY);
	}
}

static const struct xenif_linux_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
	.read = fake_read,
	.write = fake_write,
	.access = fake_access,
	.mlock = fake_mlock,
};

static int setup(void **state)
{
	int k;

	memset(&fk, 0, sizeof(fk));
	for (k = 1; k < F_NKINDS; k++) {
		fk.present[k] = true;
	}
	fk.next_port = 5;
	fk.next_index = 0x10000;
	fk.domctl_version = XEN_DOMCTL_INTERFACE_VERSION;
	fk.sysctl_version = XEN_SYSCTL_INTERFACE_VERSION;
	fk.next_domid = 1;
	fk.restricted = -1;
	fk.next_unbound = 40;
	dom_add(0, XEN_DOMINF_running);
	xenif_linux_sys = fake_sys;
	xenif_linux_dev_prefix = PREFIX;
	return 0;
}

static int teardown(void **state)
{
	int i;

	/* whatever the test did, nothing may be left open or mapped */
	assert_int_equal(open_fds(), 0);
	assert_int_equal(live_maps(), 0);
	for (i = 0; i < 16; i++) {
		assert_false(fk.grants[i].live);
	}
	xenif_linux_sys = xenif_linux_sys_default;
	xenif_linux_dev_prefix = XENIF_LINUX_DEV_PREFIX_DEFAULT;
	return 0;
}

static struct xenif *open_linux(void)
{
	struct xenif *xi = xenif_open(XENIF_LINUX, NULL);

	assert_non_null(xi);
	return xi;
}

static unsigned long last_req(void)
{
	assert_true(fk.nreqs > 0 && fk.nreqs <= MAX_REQS);
	return fk.reqs[fk.nreqs - 1];
}

static uint32_t arg32(size_t off)
{
	uint32_t v;

	memcpy(&v, fk.arg + off, 4);
	return v;
}

static uint64_t arg64(size_t off)
{
	uint64_t v;

	memcpy(&v, fk.arg + off, 8);
	return v;
}

static uint32_t u32_at(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

/* ---- opening ------------------------------------------------------------- */

static void test_open_fails_with_enoent_when_dev_xen_is_missing(void **state)
{
	int k;

	for (k = 1; k < F_NKINDS; k++) {
		fk.present[k] = false;
	}
	errno = 0;
	assert_null(xenif_open(XENIF_LINUX, NULL));
	assert_int_equal(errno, ENOENT);
}

static void test_open_maps_the_hypercall_page_from_the_hypercall_device(
	void **state)
{
	struct xenif *xi = open_linux();

	assert_string_equal(xenif_backend_name(xi), "linux");
	assert_int_equal(xenif_backend(xi), XENIF_LINUX);
	assert_non_null(fk.hbuf);
	assert_int_equal(fk.mlock_calls, 0);
	assert_int_equal(fk.open_flags[F_PRIVCMD] & O_ACCMODE, O_RDWR);
	assert_true((fk.open_flags[F_PRIVCMD] & O_CLOEXEC) != 0);
	assert_int_equal(xenif_domain_pause(xi, 0), 0);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
}

static void test_open_locks_an_anonymous_page_without_the_hypercall_device(
	void **state)
{
	struct xenif *xi;

	fk.present[F_HYPERCALL] = false;
	xi = open_linux();
	assert_int_equal(fk.mlock_calls, 1);
	assert_non_null(fk.mlocked);
	assert_int_equal(xenif_domain_pause(xi, 0), 0);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
	assert_null(fk.mlocked);
}

static void test_open_fails_when_the_page_cannot_be_locked(void **state)
{
	fk.present[F_HYPERCALL] = false;
	fk.mlock_errno = EPERM;
	errno = 0;
	assert_null(xenif_open(XENIF_LINUX, NULL));
	assert_int_equal(errno, EPERM);
}

static void test_open_fails_when_the_hypercall_page_cannot_be_mapped(
	void **state)
{
	fk.mmap_errno = ENOMEM;
	errno = 0;
	assert_null(xenif_open(XENIF_LINUX, NULL));
	assert_int_equal(errno, ENOMEM);
}

/* ---- event channels ------------------------------------------------------ */

static void test_evtchn_open_uses_a_nonblocking_cloexec_device(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	int fl;

	assert_non_null(xe);
	fl = fk.open_flags[F_EVTCHN];
	assert_int_equal(fl & O_ACCMODE, O_RDWR);
	assert_true((fl & O_NONBLOCK) != 0);
	assert_true((fl & O_CLOEXEC) != 0);
	assert_int_equal(fd_kind(xenif_evtchn_fd(xe)), F_EVTCHN);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_open_fails_with_enoent_without_the_device(void **state)
{
	struct xenif *xi = open_linux();

	fk.present[F_EVTCHN] = false;
	errno = 0;
	assert_null(xenif_evtchn_open(xi));
	assert_int_equal(errno, ENOENT);
	xenif_close(xi);
}

static void test_evtchn_bind_interdomain_passes_domain_and_port(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	int port;

	port = xenif_evtchn_bind_interdomain(xe, 7, 33);
	assert_int_equal(port, 5);
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN);
	assert_int_equal(arg32(0), 7);
	assert_int_equal(arg32(4), 33);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_bind_unbound_and_virq_pass_their_arguments(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	assert_int_equal(xenif_evtchn_bind_unbound(xe, 12), 5);
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_BIND_UNBOUND_PORT);
	assert_int_equal(arg32(0), 12);
	assert_int_equal(xenif_evtchn_bind_virq(xe, VIRQ_DOM_EXC), 6);
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_BIND_VIRQ);
	assert_int_equal(arg32(0), VIRQ_DOM_EXC);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_bad_arguments_are_rejected_with_einval(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	fk.nreqs = 0;
	assert_int_equal(
		xenif_evtchn_bind_interdomain(xe, 0x10000, 1), -EINVAL);
	assert_int_equal(
		xenif_evtchn_bind_interdomain(xe, 1, 1u << 20), -EINVAL);
	assert_int_equal(xenif_evtchn_bind_unbound(xe, 0x10000), -EINVAL);
	assert_int_equal(xenif_evtchn_bind_virq(xe, NR_VIRQS), -EINVAL);
	assert_int_equal(xenif_evtchn_unbind(xe, 0x80000000u), -EINVAL);
	assert_int_equal(xenif_evtchn_notify(xe, 0x80000000u), -EINVAL);
	assert_int_equal(xenif_evtchn_unmask(xe, 0x80000000u), -EINVAL);
	/* none of them reached the driver */
	assert_int_equal(fk.nreqs, 0);
	assert_int_equal(fk.nunmasked, 0);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_errors_from_the_driver_propagate(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	fk.fail_req = XENIF_IOCTL_EVTCHN_BIND_INTERDOMAIN;
	fk.fail_errno = ESRCH;
	fk.fail_times = 1;
	assert_int_equal(xenif_evtchn_bind_interdomain(xe, 3, 4), -ESRCH);
	assert_int_equal(xenif_evtchn_notify(xe, 9), -ENOTCONN);
	assert_int_equal(xenif_evtchn_unbind(xe, 9), -ENOTCONN);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_notify_and_unbind_name_the_port(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	int port = xenif_evtchn_bind_unbound(xe, 1);

	assert_int_equal(xenif_evtchn_notify(xe, (uint32_t)port), 0);
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_NOTIFY);
	assert_int_equal(arg32(0), port);
	assert_int_equal(fk.notified, port);
	assert_int_equal(xenif_evtchn_unbind(xe, (uint32_t)port), 0);
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_UNBIND);
	assert_int_equal(arg32(0), port);
	assert_int_equal(fk.nbound, 0);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_a_port_number_the_driver_cannot_give_is_refused(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	fk.next_port = 1u << 20;
	assert_int_equal(xenif_evtchn_bind_unbound(xe, 1), -EIO);
	/* and it was handed back */
	assert_int_equal(last_req(), XENIF_IOCTL_EVTCHN_UNBIND);
	assert_int_equal(fk.nbound, 0);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_pending_reads_ports_and_buffers_the_rest(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	assert_int_equal(xenif_evtchn_pending(xe), -EAGAIN);
	assert_int_equal(fk.reads, 1);
	fk.pending[0] = 5;
	fk.pending[1] = 9;
	fk.pending[2] = 7;
	fk.npending = 3;
	assert_int_equal(xenif_evtchn_pending(xe), 5);
	assert_int_equal(fk.reads, 2);
	assert_int_equal(xenif_evtchn_pending(xe), 9);
	assert_int_equal(xenif_evtchn_pending(xe), 7);
	/* three ports, one read */
	assert_int_equal(fk.reads, 2);
	assert_int_equal(xenif_evtchn_pending(xe), -EAGAIN);
	assert_int_equal(fk.reads, 3);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_unmask_writes_the_port_back(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	fk.pending[0] = 11;
	fk.npending = 1;
	assert_int_equal(xenif_evtchn_pending(xe), 11);
	assert_int_equal(xenif_evtchn_unmask(xe, 11), 0);
	assert_int_equal(fk.nunmasked, 1);
	assert_int_equal(fk.unmasked[0], 11);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_unbind_drops_a_buffered_port(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	int a = xenif_evtchn_bind_unbound(xe, 1);
	int b = xenif_evtchn_bind_unbound(xe, 1);

	fk.pending[0] = (uint32_t)a;
	fk.pending[1] = (uint32_t)b;
	fk.npending = 2;
	assert_int_equal(xenif_evtchn_pending(xe), a);
	assert_int_equal(xenif_evtchn_unbind(xe, (uint32_t)b), 0);
	assert_int_equal(xenif_evtchn_pending(xe), -EAGAIN);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_overflow_resets_the_ring_and_reports_every_bound_port(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	int a = xenif_evtchn_bind_unbound(xe, 1);
	int b = xenif_evtchn_bind_virq(xe, VIRQ_DOM_EXC);
	int got[2];

	fk.overflow = true;
	got[0] = xenif_evtchn_pending(xe);
	got[1] = xenif_evtchn_pending(xe);
	assert_int_equal(fk.resets, 1);
	assert_true(
		(got[0] == a && got[1] == b) || (got[0] == b && got[1] == a));
	assert_int_equal(xenif_evtchn_pending(xe), -EAGAIN);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

static void test_evtchn_a_malformed_read_is_an_io_error(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);

	fk.short_read = 3;
	assert_int_equal(xenif_evtchn_pending(xe), -EIO);
	/* an impossible port number is dropped, not reported */
	fk.pending[0] = 0xffffffffu;
	fk.npending = 1;
	assert_int_equal(xenif_evtchn_pending(xe), -EIO);
	xenif_evtchn_close(xe);
	xenif_close(xi);
}

/* ---- grant maps ---------------------------------------------------------- */

static void test_gnttab_map_passes_count_and_refs_and_mmaps_at_the_index(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t refs[3] = {8, 9, 100};
	struct fmap *m;
	uint8_t *p;

	assert_non_null(xg);
	assert_true((fk.open_flags[F_GNTDEV] & O_CLOEXEC) != 0);
	p = xenif_gnttab_map(xg, 4, refs, 3, PROT_READ | PROT_WRITE);
	assert_non_null(p);
	/* struct ioctl_gntdev_map_grant_ref: count, pad, index, refs[] */
	assert_int_equal(arg32(0), 3);
	assert_int_equal(arg32(16), 4);
	assert_int_equal(arg32(20), 8);
	assert_int_equal(arg32(24), 4);
	assert_int_equal(arg32(28), 9);
	assert_int_equal(arg32(32), 4);
	assert_int_equal(arg32(36), 100);
	m = map_of(p);
	assert_non_null(m);
	assert_int_equal(m->kind, F_GNTDEV);
	assert_int_equal(m->off, 0x10000);
	assert_int_equal(m->len, 3 * PAGE);
	assert_int_equal(m->prot, PROT_READ | PROT_WRITE);
	assert_true((m->flags & MAP_SHARED) != 0);
	assert_int_equal(*(uint64_t *)(p + 2 * PAGE), 0x10000 / PAGE + 2);
	assert_int_equal(xenif_gnttab_unmap(xg, p, 3), 0);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_map_read_only_mmaps_without_prot_write(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t ref = 3;
	void *p = xenif_gnttab_map(xg, 1, &ref, 1, PROT_READ);

	assert_non_null(p);
	assert_int_equal(map_of(p)->prot, PROT_READ);
	assert_int_equal(xenif_gnttab_unmap(xg, p, 1), 0);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_unmap_releases_the_index_of_that_mapping(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t refs[2] = {1, 2};
	void *a = xenif_gnttab_map(xg, 1, refs, 2, PROT_READ);
	void *b = xenif_gnttab_map(xg, 1, refs, 1, PROT_READ);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(xenif_gnttab_unmap(xg, b, 1), 0);
	assert_int_equal(last_req(), XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF);
	assert_int_equal(fk.unmap_index, 0x10000 + 2 * PAGE);
	assert_int_equal(fk.unmap_count, 1);
	assert_null(map_of(b));
	assert_int_equal(xenif_gnttab_unmap(xg, a, 2), 0);
	assert_int_equal(fk.unmap_index, 0x10000);
	assert_int_equal(fk.unmap_count, 2);
	assert_int_equal(arg64(0), 0x10000);
	assert_int_equal(arg32(8), 2);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_unmap_rejects_unknown_address_and_wrong_count(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t refs[2] = {1, 2};
	uint8_t *a = xenif_gnttab_map(xg, 1, refs, 2, PROT_READ);

	assert_int_equal(xenif_gnttab_unmap(xg, a, 1), -EINVAL);
	assert_int_equal(xenif_gnttab_unmap(xg, a + PAGE, 1), -EINVAL);
	assert_int_equal(xenif_gnttab_unmap(xg, NULL, 1), -EINVAL);
	assert_non_null(map_of(a));
	assert_int_equal(xenif_gnttab_unmap(xg, a, 2), 0);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_map_rejects_bad_prot_domid_and_count(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t ref = 1;

	fk.nreqs = 0;
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 1, PROT_WRITE));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 1, PROT_READ | PROT_EXEC));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_gnttab_map(xg, DOMID_SELF, &ref, 1, PROT_READ));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 0, PROT_READ));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, NULL, 1, PROT_READ));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(fk.nreqs, 0);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_map_errors_from_the_driver_propagate(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t ref = 1;

	fk.fail_req = XENIF_IOCTL_GNTDEV_MAP_GRANT_REF;
	fk.fail_errno = ENOSPC;
	fk.fail_times = 1;
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 1, PROT_READ));
	assert_int_equal(errno, ENOSPC);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_map_gives_the_grant_back_when_mmap_fails(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t ref = 1;

	fk.mmap_errno = EFAULT;
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 1, PROT_READ));
	assert_int_equal(errno, EFAULT);
	assert_int_equal(last_req(), XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF);
	assert_int_equal(fk.unmap_index, 0x10000);
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_map_refuses_a_misaligned_index_from_the_driver(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t ref = 1;

	fk.bogus_index = 0x10001;
	errno = 0;
	assert_null(xenif_gnttab_map(xg, 1, &ref, 1, PROT_READ));
	assert_int_equal(errno, EIO);
	assert_int_equal(last_req(), XENIF_IOCTL_GNTDEV_UNMAP_GRANT_REF);
	/* our fake then has no grant at that index; release it properly */
	fk.grants[0].live = false;
	xenif_gnttab_close(xg);
	xenif_close(xi);
}

static void test_gnttab_close_unmaps_what_is_left(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t refs[2] = {1, 2};

	assert_non_null(xenif_gnttab_map(xg, 1, refs, 2, PROT_READ));
	assert_non_null(xenif_gnttab_map(xg, 2, refs, 1, PROT_READ));
	assert_int_equal(live_maps(), 2 + 1); /* and the hypercall page */
	xenif_gnttab_close(xg);
	assert_int_equal(live_maps(), 1);
	xenif_close(xi);
}

static void test_gnttab_open_fails_with_enoent_without_the_device(void **state)
{
	struct xenif *xi = open_linux();

	fk.present[F_GNTDEV] = false;
	errno = 0;
	assert_null(xenif_gnttab_open(xi));
	assert_int_equal(errno, ENOENT);
	xenif_close(xi);
}

/* ---- foreign maps -------------------------------------------------------- */

static void test_foreign_map_batches_gfns_and_reports_partial_errors(
	void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfns[3] = {0x10, GFN_INVALID, 0x30};
	int errs[3] = {99, 99, 99};
	uint8_t *p;
	struct fmap *m;

	p = xenif_foreign_map(xi, 3, PROT_READ | PROT_WRITE, gfns, 3, errs);
	assert_non_null(p);
	m = map_of(p);
	assert_int_equal(m->kind, F_PRIVCMD);
	assert_int_equal(m->len, 3 * PAGE);
	assert_int_equal(m->prot, PROT_READ | PROT_WRITE);
	assert_int_equal(last_req(), XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2);
	assert_int_equal(fk.batch_num, 3);
	assert_int_equal(fk.batch_dom, 3);
	assert_int_equal(fk.batch_addr, (uintptr_t)p);
	/* privcmd_mmapbatch_v2: num, dom, addr at 8 */
	assert_int_equal(arg32(0), 3);
	assert_int_equal(arg64(8), (uintptr_t)p);
	assert_int_equal(errs[0], 0);
	assert_int_equal(errs[1], -EINVAL);
	assert_int_equal(errs[2], 0);
	assert_int_equal(*(uint64_t *)(p + 2 * PAGE), 0x30);
	assert_int_equal(xenif_foreign_unmap(xi, p, 3), 0);
	xenif_close(xi);
}

static void test_foreign_map_reports_paged_out_frames_as_enoent(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfns[2] = {GFN_PAGED, 0x1};
	int errs[2];
	void *p;

	p = xenif_foreign_map(xi, 3, PROT_READ, gfns, 2, errs);
	assert_non_null(p);
	assert_int_equal(errs[0], -ENOENT);
	assert_int_equal(errs[1], 0);
	assert_int_equal(map_of(p)->prot, PROT_READ);
	assert_int_equal(xenif_foreign_unmap(xi, p, 2), 0);
	xenif_close(xi);
}

static void test_foreign_map_fails_only_when_every_frame_failed(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfns[2] = {GFN_INVALID, GFN_INVALID + 1};
	int errs[2];

	errno = 0;
	assert_null(xenif_foreign_map(xi, 3, PROT_READ, gfns, 2, errs));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(errs[0], -EINVAL);
	assert_int_equal(errs[1], -EINVAL);
	/* the privcmd mapping went again */
	assert_int_equal(live_maps(), 1);
	xenif_close(xi);
}

static void test_foreign_map_works_without_an_error_array(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfns[2] = {0x5, GFN_INVALID};
	uint8_t *p;

	p = xenif_foreign_map(xi, 3, PROT_READ, gfns, 2, NULL);
	assert_non_null(p);
	assert_int_equal(*(uint64_t *)p, 0x5);
	assert_int_equal(xenif_foreign_unmap(xi, p, 2), 0);
	xenif_close(xi);
}

static void test_foreign_map_ioctl_errors_propagate(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfn = 1;

	fk.fail_req = XENIF_IOCTL_PRIVCMD_MMAPBATCH_V2;
	fk.fail_errno = EPERM;
	fk.fail_times = 1;
	errno = 0;
	assert_null(xenif_foreign_map(xi, 3, PROT_READ, &gfn, 1, NULL));
	assert_int_equal(errno, EPERM);
	assert_int_equal(live_maps(), 1);
	xenif_close(xi);
}

static void test_foreign_map_rejects_bad_arguments(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfn = 1;

	errno = 0;
	assert_null(xenif_foreign_map(xi, 0x8000, PROT_READ, &gfn, 1, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_foreign_map(xi, 3, 0, &gfn, 1, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_foreign_map(xi, 3, PROT_READ, &gfn, 0, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(xenif_foreign_map(
		xi, 3, PROT_READ, &gfn, (size_t)1 << 40, NULL));
	assert_int_equal(errno, EINVAL);
	xenif_close(xi);
}

static void test_foreign_unmap_checks_address_and_count(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfns[2] = {1, 2};
	uint8_t *p = xenif_foreign_map(xi, 3, PROT_READ, gfns, 2, NULL);

	assert_non_null(p);
	assert_int_equal(xenif_foreign_unmap(xi, p, 1), -EINVAL);
	assert_int_equal(xenif_foreign_unmap(xi, p + PAGE, 1), -EINVAL);
	assert_int_equal(xenif_foreign_unmap(xi, p, 2), 0);
	assert_int_equal(xenif_foreign_unmap(xi, p, 2), -EINVAL);
	xenif_close(xi);
}

static void test_close_unmaps_foreign_maps_left_behind(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t gfn = 1;

	assert_non_null(xenif_foreign_map(xi, 3, PROT_READ, &gfn, 1, NULL));
	xenif_close(xi);
}

/* ---- device-model operations --------------------------------------------- */

static void test_restrict_then_dmop_passes_domain_and_buffers(void **state)
{
	struct xenif *xi = open_linux();
	uint8_t op[16] = {1};
	uint8_t extra[8];
	struct xenif_dmop_buf bufs[2] = {
		{.p = op, .size = sizeof(op)},
		{.p = extra, .size = sizeof(extra)},
	};
	uint16_t dom;

	assert_int_equal(xenif_restrict(xi, 5), 0);
	assert_int_equal(last_req(), XENIF_IOCTL_PRIVCMD_RESTRICT);
	memcpy(&dom, fk.arg, 2);
	assert_int_equal(dom, 5);
	assert_int_equal(xenif_dmop(xi, 5, 2, bufs), 0);
	assert_int_equal(last_req(), XENIF_IOCTL_PRIVCMD_DM_OP);
	assert_int_equal(fk.dm_dom, 5);
	assert_int_equal(fk.dm_num, 2);
	assert_ptr_equal(fk.dm_bufs[0].uptr, op);
	assert_int_equal(fk.dm_bufs[0].size, sizeof(op));
	assert_ptr_equal(fk.dm_bufs[1].uptr, extra);
	assert_int_equal(fk.dm_bufs[1].size, sizeof(extra));
	/* the kernel now refuses other targets and plain hypercalls */
	assert_int_equal(xenif_dmop(xi, 6, 1, bufs), -EPERM);
	assert_int_equal(xenif_domain_pause(xi, 5), -EPERM);
	xenif_close(xi);
}

static void test_dmop_and_restrict_reject_bad_arguments(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dmop_buf bad = {.p = NULL, .size = 8};
	uint8_t b[4];
	struct xenif_dmop_buf good = {.p = b, .size = sizeof(b)};

	fk.nreqs = 0;
	assert_int_equal(xenif_dmop(xi, 1, 1, &bad), -EINVAL);
	assert_int_equal(xenif_dmop(xi, 1, 0, &good), -EINVAL);
	assert_int_equal(xenif_dmop(xi, DOMID_SELF, 1, &good), -EINVAL);
	assert_int_equal(xenif_dmop(xi, 1, 0x10000, &good), -EINVAL);
	assert_int_equal(xenif_restrict(xi, DOMID_INVALID), -EINVAL);
	assert_int_equal(fk.nreqs, 0);
	xenif_close(xi);
}

/* ---- domains ------------------------------------------------------------- */

static void add_test_domains(void)
{
	struct fdom *d;
	int i;

	d = dom_add(7, XEN_DOMINF_blocked | XEN_DOMINF_hvm_guest);
	d->tot_pages = 1000;
	d->max_pages = 2000;
	d->vcpus = 2;
	for (i = 0; i < 16; i++) {
		d->handle[i] = (uint8_t)(0x70 + i);
	}
	d = dom_add(3, XEN_DOMINF_paused | XEN_DOMINF_shutdown |
			       (SHUTDOWN_reboot << XEN_DOMINF_shutdownshift));
	d->tot_pages = 300;
	d->vcpus = 1;
}

static void test_domain_getinfo_lists_domains_in_order(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dominfo info[4];

	add_test_domains();
	assert_int_equal(xenif_domain_getinfo(xi, 0, 4, info), 3);
	assert_int_equal(info[0].domid, 0);
	assert_true(info[0].running);
	assert_int_equal(info[1].domid, 3);
	assert_true(info[1].paused);
	assert_true(info[1].shutdown);
	assert_int_equal(info[1].shutdown_reason, SHUTDOWN_reboot);
	assert_int_equal(info[1].tot_pages, 300);
	assert_int_equal(info[2].domid, 7);
	assert_true(info[2].hvm);
	assert_true(info[2].blocked);
	assert_false(info[2].paused);
	assert_int_equal(info[2].tot_pages, 1000);
	assert_int_equal(info[2].max_pages, 2000);
	assert_int_equal(info[2].nr_online_vcpus, 2);
	assert_memory_equal(info[2].handle, dom_find(7)->handle, 16);
	assert_int_equal(xenif_domain_getinfo(xi, 4, 4, info), 1);
	assert_int_equal(info[0].domid, 7);
	assert_int_equal(xenif_domain_getinfo(xi, 1, 1, info), 1);
	assert_int_equal(info[0].domid, 3);
	assert_int_equal(xenif_domain_getinfo(xi, 8, 4, info), 0);
	assert_int_equal(xenif_domain_getinfo(xi, 0x7ff0, 4, info), 0);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
}

static void test_domain_info_reports_esrch_for_a_missing_domain(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dominfo info;

	add_test_domains();
	assert_int_equal(xenif_domain_info(xi, 3, &info), 0);
	assert_int_equal(info.domid, 3);
	assert_int_equal(xenif_domain_info(xi, 4, &info), -ESRCH);
	assert_int_equal(xenif_domain_info(xi, 9, &info), -ESRCH);
	xenif_close(xi);
}

static void test_domain_getinfo_retries_interface_versions_on_eacces(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dominfo info;
	int i;

	/* Xen 4.17 */
	fk.sysctl_version = 0x15;
	fk.domctl_version = 0x15;
	add_test_domains();
	assert_int_equal(xenif_domain_info(xi, 7, &info), 0);
	assert_int_equal(info.tot_pages, 1000);
	assert_true(fk.nsc >= 2);
	/* first ours, then the others; the last one tried was right */
	assert_int_equal(fk.sc_versions[0], XEN_SYSCTL_INTERFACE_VERSION);
	assert_int_equal(fk.sc_versions[fk.nsc - 1], 0x15);
	for (i = 0; i < fk.nsc - 1; i++) {
		assert_int_not_equal(fk.sc_versions[i], 0x15);
	}
	/* remembered: one call for the next request */
	fk.nsc = 0;
	assert_int_equal(xenif_domain_info(xi, 3, &info), 0);
	assert_int_equal(fk.nsc, 1);
	/*
	 * and the domctl versions of the releases with that sysctl version
	 * (4.17 to 4.20) are tried first
	 */
	assert_int_equal(xenif_domain_pause(xi, 7), 0);
	assert_true(fk.ndc >= 1 && fk.ndc <= 3);
	assert_int_not_equal(fk.dc_versions[0], XEN_DOMCTL_INTERFACE_VERSION);
	assert_int_equal(fk.dc_versions[fk.ndc - 1], 0x15);
	fk.ndc = 0;
	assert_int_equal(xenif_domain_unpause(xi, 7), 0);
	assert_int_equal(fk.ndc, 1);
	xenif_close(xi);
}

static void test_domain_getinfo_fails_with_eacces_when_no_version_matches(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dominfo info;
	int i;
	int j;

	fk.sysctl_version = 0x99;
	assert_int_equal(xenif_domain_getinfo(xi, 0, 1, &info), -EACCES);
	/* every known version once: 4.9's 0x0f ... 4.22's 0x16 */
	assert_int_equal(fk.nsc, 0x16 - 0x0f + 1);
	for (i = 0; i < fk.nsc; i++) {
		for (j = 0; j < i; j++) {
			assert_int_not_equal(
				fk.sc_versions[i], fk.sc_versions[j]);
		}
	}
	/* nothing was learnt: the next call searches again */
	fk.sysctl_version = 0x12;
	assert_int_equal(xenif_domain_getinfo(xi, 0, 1, &info), 1);
	xenif_close(xi);
}

static void test_domain_pause_unpause_and_max_mem_issue_their_domctls(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_dominfo info;

	add_test_domains();
	assert_int_equal(xenif_domain_unpause(xi, 3), 0);
	assert_int_equal(fk.dc_cmds[fk.ndc - 1], XEN_DOMCTL_unpausedomain);
	assert_int_equal(xenif_domain_info(xi, 3, &info), 0);
	assert_false(info.paused);
	assert_int_equal(xenif_domain_pause(xi, 3), 0);
	assert_int_equal(fk.dc_cmds[fk.ndc - 1], XEN_DOMCTL_pausedomain);
	assert_int_equal(xenif_domain_info(xi, 3, &info), 0);
	assert_true(info.paused);
	assert_int_equal(xenif_domain_set_max_mem(xi, 7, 524288), 0);
	assert_int_equal(fk.dc_cmds[fk.ndc - 1], XEN_DOMCTL_max_mem);
	assert_int_equal(dom_find(7)->max_kb, 524288);
	assert_int_equal(xenif_domain_pause(xi, 4), -ESRCH);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
}

static void test_domain_destroy_retries_while_xen_says_eagain(void **state)
{
	struct xenif *xi = open_linux();

	add_test_domains();
	fk.destroy_eagain = 2;
	assert_int_equal(xenif_domain_destroy(xi, 7), 0);
	assert_int_equal(fk.ndc, 3);
	assert_null(dom_find(7));
	assert_int_equal(xenif_domain_destroy(xi, 7), -ESRCH);
	xenif_close(xi);
}

static void test_domain_ops_reject_reserved_domids(void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_domain_config cfg = {.domid = DOMID_SELF};
	uint32_t domid;
	uint64_t v;

	fk.nreqs = 0;
	assert_int_equal(xenif_domain_pause(xi, DOMID_SELF), -EINVAL);
	assert_int_equal(xenif_domain_unpause(xi, 0x10000), -EINVAL);
	assert_int_equal(xenif_domain_destroy(xi, DOMID_IDLE), -EINVAL);
	assert_int_equal(xenif_domain_set_max_mem(xi, DOMID_IO, 1), -EINVAL);
	assert_int_equal(xenif_domain_create(xi, &cfg, &domid), -EINVAL);
	assert_int_equal(
		xenif_hvm_param_get(xi, DOMID_INVALID, 1, &v), -EINVAL);
	assert_int_equal(xenif_evtchn_alloc_unbound(xi, 1, 0x10000), -EINVAL);
	assert_int_equal(fk.nreqs, 0);
	xenif_close(xi);
}

static void test_domain_create_with_our_headers_sets_vcpus_separately(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_domain_config cfg;
	uint32_t domid = 0;
	struct fdom *d;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_vcpus = 2;
	cfg.max_pages = 256;
	cfg.flags = 0;
	memset(cfg.handle, 0x42, 16);
	assert_int_equal(xenif_domain_create(xi, &cfg, &domid), 0);
	assert_int_equal(domid, 1);
	assert_int_equal(fk.dc_cmds[0], XEN_DOMCTL_createdomain);
	assert_int_equal(fk.dc_cmds[1], XEN_DOMCTL_max_vcpus);
	assert_int_equal(fk.dc_cmds[2], XEN_DOMCTL_max_mem);
	d = dom_find(1);
	assert_non_null(d);
	assert_int_equal(d->max_vcpus, 2);
	assert_int_equal(d->max_kb, 1024);
	assert_int_equal(d->handle[0], 0x42);
	/* 4.9 layout: ssidref, handle, flags, then the arch part (PV: 0) */
	assert_int_equal(u32_at(fk.create_u, 20), 0);
	assert_int_equal(u32_at(fk.create_u, 24), 0);
	xenif_close(xi);
}

static void test_domain_create_destroys_the_domain_when_max_vcpus_fails(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_domain_config cfg;
	uint32_t domid = 0xdead;

	memset(&cfg, 0, sizeof(cfg));
	fk.max_vcpus_errno = EINVAL;
	assert_int_equal(xenif_domain_create(xi, &cfg, &domid), -EINVAL);
	assert_int_equal(domid, 0xdead);
	assert_int_equal(fk.dc_cmds[fk.ndc - 1], XEN_DOMCTL_destroydomain);
	assert_null(dom_find(1));
	xenif_close(xi);
}

static void test_domain_create_makes_a_random_handle_when_none_is_given(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_domain_config cfg;
	uint32_t domid;

	memset(&cfg, 0, sizeof(cfg));
	cfg.domid = 9;
	assert_int_equal(xenif_domain_create(xi, &cfg, &domid), 0);
	assert_int_equal(domid, 9);
	/* version 4 UUID from /dev/urandom's bytes */
	assert_int_equal(cfg.handle[6] & 0xf0, 0x40);
	assert_int_equal(cfg.handle[8] & 0xc0, 0x80);
	assert_memory_equal(dom_find(9)->handle, cfg.handle, 16);
	xenif_close(xi);
}

static void test_domain_create_on_xen_4_17_lays_out_createdomain_for_it(
	void **state)
{
	struct xenif *xi = open_linux();
	struct xenif_domain_config cfg;
	uint32_t domid;
	int i;

	fk.domctl_version = 0x15;
	memset(&cfg, 0, sizeof(cfg));
	cfg.max_vcpus = 4;
	cfg.flags = 1; /* XEN_DOMCTL_CDF_hvm */
	cfg.handle[0] = 1;
	assert_int_equal(xenif_domain_create(xi, &cfg, &domid), 0);
	assert_int_equal(u32_at(fk.create_u, 20), 1);
	assert_int_equal(u32_at(fk.create_u, 24), 0);    /* iommu_opts */
	assert_int_equal(u32_at(fk.create_u, 28), 4);    /* max_vcpus */
	assert_int_equal(u32_at(fk.create_u, 32), 1023); /* max_evtchn_port */
	assert_int_equal(u32_at(fk.create_u, 36), 0xffffffffu);
	assert_int_equal(u32_at(fk.create_u, 40), 0xffffffffu);
	assert_int_equal(u32_at(fk.create_u, 44), 1);     /* grant_opts */
	assert_int_equal(u32_at(fk.create_u, 48), 0);     /* vmtrace_size */
	assert_int_equal(u32_at(fk.create_u, 52), 0);     /* cpupool_id */
	assert_int_equal(u32_at(fk.create_u, 56), 0x3ff); /* emulation */
	/* no separate max_vcpus, no max_mem */
	for (i = 0; i < fk.ndc; i++) {
		assert_int_not_equal(fk.dc_cmds[i], XEN_DOMCTL_max_vcpus);
		assert_int_not_equal(fk.dc_cmds[i], XEN_DOMCTL_max_mem);
	}
	xenif_close(xi);
}

static void test_domain_create_places_the_arch_part_per_version(void **state)
{
	static const struct {
		uint32_t version;
		uint32_t arch;
		uint32_t max_vcpus; /* offset, 0: a separate domctl */
	} cases[] = {
		{0x0d, 24, 0},
		{0x0e, 24, 0},
		{0x10, 24, 0},
		{0x11, 40, 24},
		{0x12, 44, 28},
		{0x13, 48, 28},
		{0x14, 52, 28},
		{0x15, 56, 28},
		{0x16, 56, 28},
		{0x17, 60, 28},
		{0x18, 60, 28},
	};
	struct xenif_domain_config cfg;
	struct xenif *xi;
	struct fdom *d;
	uint32_t domid;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xi = open_linux();
		fk.domctl_version = cases[i].version;
		memset(&cfg, 0, sizeof(cfg));
		cfg.max_vcpus = 3;
		cfg.flags = 1;
		cfg.handle[0] = 1;
		assert_int_equal(xenif_domain_create(xi, &cfg, &domid), 0);
		assert_int_equal(u32_at(fk.create_u, cases[i].arch), 0x3ff);
		d = dom_find((uint16_t)domid);
		if (cases[i].max_vcpus != 0) {
			assert_int_equal(
				u32_at(fk.create_u, cases[i].max_vcpus), 3);
			assert_int_equal(d->max_vcpus, 0);
		} else {
			assert_int_equal(d->max_vcpus, 3);
		}
		d->live = false;
		xenif_close(xi);
	}
}

static void test_hvm_param_set_and_get_round_trip(void **state)
{
	struct xenif *xi = open_linux();
	uint64_t v = 0;

	add_test_domains();
	assert_int_equal(xenif_hvm_param_set(xi, 7, 2, 0xfeedull << 32), 0);
	assert_int_equal(xenif_hvm_param_get(xi, 7, 2, &v), 0);
	assert_int_equal(v, 0xfeedull << 32);
	assert_int_equal(xenif_hvm_param_get(xi, 4, 2, &v), -ESRCH);
	assert_int_equal(xenif_hvm_param_set(xi, 7, 99, 1), -EINVAL);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
}

static void test_evtchn_alloc_unbound_returns_the_port(void **state)
{
	struct xenif *xi = open_linux();

	add_test_domains();
	assert_int_equal(xenif_evtchn_alloc_unbound(xi, 7, 0), 40);
	assert_int_equal(fk.last_alloc.dom, 7);
	assert_int_equal(fk.last_alloc.remote_dom, 0);
	assert_int_equal(xenif_evtchn_alloc_unbound(xi, 4, 0), -ESRCH);
	assert_int_equal(fk.outside, 0);
	xenif_close(xi);
}

static void test_hypercall_ioctl_errors_propagate(void **state)
{
	struct xenif *xi = open_linux();

	fk.fail_req = XENIF_IOCTL_PRIVCMD_HYPERCALL;
	fk.fail_errno = ENOMEM;
	fk.fail_times = 1;
	assert_int_equal(xenif_domain_pause(xi, 0), -ENOMEM);
	/* a kernel error teaches nothing: the next call still searches */
	assert_int_equal(xenif_domain_pause(xi, 0), 0);
	xenif_close(xi);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_fails_with_enoent_when_dev_xen_is_missing),
		T(test_open_maps_the_hypercall_page_from_the_hypercall_device),
		T(test_open_locks_an_anonymous_page_without_the_hypercall_device),
		T(test_open_fails_when_the_page_cannot_be_locked),
		T(test_open_fails_when_the_hypercall_page_cannot_be_mapped),
		T(test_evtchn_open_uses_a_nonblocking_cloexec_device),
		T(test_evtchn_open_fails_with_enoent_without_the_device),
		T(test_evtchn_bind_interdomain_passes_domain_and_port),
		T(test_evtchn_bind_unbound_and_virq_pass_their_arguments),
		T(test_evtchn_bad_arguments_are_rejected_with_einval),
		T(test_evtchn_errors_from_the_driver_propagate),
		T(test_evtchn_notify_and_unbind_name_the_port),
		T(test_evtchn_a_port_number_the_driver_cannot_give_is_refused),
		T(test_evtchn_pending_reads_ports_and_buffers_the_rest),
		T(test_evtchn_unmask_writes_the_port_back),
		T(test_evtchn_unbind_drops_a_buffered_port),
		T(test_evtchn_overflow_resets_the_ring_and_reports_every_bound_port),
		T(test_evtchn_a_malformed_read_is_an_io_error),
		T(test_gnttab_map_passes_count_and_refs_and_mmaps_at_the_index),
		T(test_gnttab_map_read_only_mmaps_without_prot_write),
		T(test_gnttab_unmap_releases_the_index_of_that_mapping),
		T(test_gnttab_unmap_rejects_unknown_address_and_wrong_count),
		T(test_gnttab_map_rejects_bad_prot_domid_and_count),
		T(test_gnttab_map_errors_from_the_driver_propagate),
		T(test_gnttab_map_gives_the_grant_back_when_mmap_fails),
		T(test_gnttab_map_refuses_a_misaligned_index_from_the_driver),
		T(test_gnttab_close_unmaps_what_is_left),
		T(test_gnttab_open_fails_with_enoent_without_the_device),
		T(test_foreign_map_batches_gfns_and_reports_partial_errors),
		T(test_foreign_map_reports_paged_out_frames_as_enoent),
		T(test_foreign_map_fails_only_when_every_frame_failed),
		T(test_foreign_map_works_without_an_error_array),
		T(test_foreign_map_ioctl_errors_propagate),
		T(test_foreign_map_rejects_bad_arguments),
		T(test_foreign_unmap_checks_address_and_count),
		T(test_close_unmaps_foreign_maps_left_behind),
		T(test_restrict_then_dmop_passes_domain_and_buffers),
		T(test_dmop_and_restrict_reject_bad_arguments),
		T(test_domain_getinfo_lists_domains_in_order),
		T(test_domain_info_reports_esrch_for_a_missing_domain),
		T(test_domain_getinfo_retries_interface_versions_on_eacces),
		T(test_domain_getinfo_fails_with_eacces_when_no_version_matches),
		T(test_domain_pause_unpause_and_max_mem_issue_their_domctls),
		T(test_domain_destroy_retries_while_xen_says_eagain),
		T(test_domain_ops_reject_reserved_domids),
		T(test_domain_create_with_our_headers_sets_vcpus_separately),
		T(test_domain_create_destroys_the_domain_when_max_vcpus_fails),
		T(test_domain_create_makes_a_random_handle_when_none_is_given),
		T(test_domain_create_on_xen_4_17_lays_out_createdomain_for_it),
		T(test_domain_create_places_the_arch_part_per_version),
		T(test_hvm_param_set_and_get_round_trip),
		T(test_evtchn_alloc_unbound_returns_the_port),
		T(test_hypercall_ioctl_errors_propagate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
