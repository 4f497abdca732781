/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted port's arch_* functions: domain memory in memfds, guest
 * memory access through the current call's payload, grant maps as file
 * descriptors, vCPU kicks and wakes as socket messages, time from
 * CLOCK_MONOTONIC and timers on libevent.
 */
#include "xen/arch/arch.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"
#include "log.h"
#include "xen/domain.h"

struct hosted_config hosted_config = {
	.socket_path = "/run/xen-hosted/socket",
	.max_domains = 4096,
	.dom0_pages = 256,
	.default_pages = 256,
	.max_pages = 262144, /* 1 GiB */
	.grant_frames = 32,
	.dom0_evtchns = 65536,
	.sched = NULL,
	.nr_cpus = 2,
	.max_conns = 8192,
};

struct event_base *hosted_base;

/* The hypercall being run: its payload and the fds its reply will carry. */
static struct {
	struct hconn *conn;
	uint8_t *payload;
	size_t len;
} call;

static int call_fds[XH_MAX_FDS];
static unsigned int call_nfds;
static struct event *timer_ev;
static struct event *trim_ev;

void *arch_alloc(size_t size)
{
	return calloc(1, size);
}

void arch_free(void *p)
{
	free(p);
}

void hosted_call_begin(struct hconn *c, uint8_t *payload, size_t len)
{
	call.conn = c;
	call.payload = payload;
	call.len = len;
	call_nfds = 0;
}

void hosted_call_end(void)
{
	call.conn = NULL;
	call.payload = NULL;
	call.len = 0;
}

int hosted_call_add_fd(int fd)
{
	if (call_nfds >= XH_MAX_FDS) {
		return -ENOSPC;
	}
	call_fds[call_nfds++] = fd;
	return 0;
}

unsigned int hosted_call_fds(const int **fds);
unsigned int hosted_call_fds(const int **fds)
{
	*fds = call_fds;
	return call_nfds;
}

static int payload_range(uint64_t addr, size_t len, size_t *off)
{
	uint64_t o;

	if (call.payload == NULL || addr < XH_PTR_BASE) {
		return -EFAULT;
	}
	o = addr - XH_PTR_BASE;
	if (o > call.len || len > call.len - o) {
		return -EFAULT;
	}
	*off = (size_t)o;
	return 0;
}

int arch_copy_from_guest(struct vcpu *v, void *dst, uint64_t addr, size_t len)
{
	size_t off;

	(void)v;
	if (len == 0) {
		return 0;
	}
	if (payload_range(addr, len, &off) != 0) {
		return -EFAULT;
	}
	memcpy(dst, call.payload + off, len);
	return 0;
}

int arch_copy_to_guest(
	struct vcpu *v, uint64_t addr, const void *src, size_t len)
{
	size_t off;

	(void)v;
	if (len == 0) {
		return 0;
	}
	if (payload_range(addr, len, &off) != 0) {
		return -EFAULT;
	}
	memcpy(call.payload + off, src, len);
	return 0;
}

/* ---- domain memory --------------------------------------------------- */

static int hdom_layout(struct hdom *hd, uint64_t ram_pages, unsigned int grant,
	unsigned int ioreq)
{
	uint64_t total = ram_pages + 1 + grant + ioreq;
	uint8_t *mem;

	if (ftruncate(hd->memfd, (off_t)(total * XH_PAGE_SIZE)) != 0) {
		return -errno;
	}
	mem = mmap(NULL, total * XH_PAGE_SIZE, PROT_READ | PROT_WRITE,
		MAP_SHARED, hd->memfd, 0);
	if (mem == MAP_FAILED) {
		return -errno;
	}
	hd->mem = mem;
	hd->ram_pages = ram_pages;
	hd->shinfo_gfn = ram_pages;
	hd->grant_gfn = ram_pages + 1;
	hd->nr_grant_frames = grant;
	hd->ioreq_gfn = ram_pages + 1 + grant;
	hd->nr_ioreq = ioreq;
	hd->total_pages = total;
	return 0;
}

int arch_domain_create(
	struct domain *d, unsigned int grant_frames, unsigned int ioreq_pages)
{
	struct hdom *hd;
	char name[32];
	int rc;
	unsigned int i;

	if (d->max_pages > hosted_config.max_pages) {
		d->max_pages = hosted_config.max_pages;
	}
	hd = calloc(1, sizeof(*hd));
	if (hd == NULL) {
		return -ENOMEM;
	}
	snprintf(name, sizeof(name), "xen-d%u", d->domain_id);
	hd->memfd = memfd_create(name, MFD_CLOEXEC);
	hd->memfd_ro = -1;
	if (hd->memfd < 0) {
		rc = -errno;
		log_warn_errno("d%u: memfd_create", d->domain_id);
		free(hd);
		return rc;
	}
	rc = hdom_layout(hd, d->max_pages, grant_frames, ioreq_pages);
	if (rc < 0) {
		log_warn("d%u: cannot lay out memory: %s", d->domain_id,
			strerror(-rc));
		close(hd->memfd);
		free(hd);
		return rc;
	}
	for (i = 0; i < d->max_vcpus; i++) {
		d->vcpu[i]->arch = calloc(1, sizeof(struct hvcpu));
		if (d->vcpu[i]->arch == NULL) {
			munmap(hd->mem, hd->total_pages * XH_PAGE_SIZE);
			close(hd->memfd);
			free(hd);
			return -ENOMEM;
		}
	}
	d->arch = hd;
	d->tot_pages = d->max_pages;
	d->shared_info =
		(struct shared_info *)(hd->mem + hd->shinfo_gfn * XH_PAGE_SIZE);
	/* Every event starts masked off for the 2-level ABI: none. */
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
	struct hdom *hd = d->arch;
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		if (d->vcpu[i] != NULL) {
			free(d->vcpu[i]->arch);
			d->vcpu[i]->arch = NULL;
		}
	}
	if (hd == NULL) {
		return;
	}
	if (hd->mem != NULL) {
		munmap(hd->mem, hd->total_pages * XH_PAGE_SIZE);
	}
	if (hd->memfd >= 0) {
		close(hd->memfd);
	}
	if (hd->memfd_ro >= 0) {
		close(hd->memfd_ro);
	}
	free(hd);
	d->arch = NULL;
	d->shared_info = NULL;
	/*
	 * A freed domain leaves holes in the heap; give them back to the
	 * system once a burst of destructions is over.
	 */
	if (trim_ev != NULL) {
		struct timeval tv = {0, 100000};

		evtimer_add(trim_ev, &tv);
	}
}

/* Whether page n of the memfd holds data (was ever written). */
static bool page_has_data(int fd, uint64_t n)
{
	off_t off = (off_t)(n * XH_PAGE_SIZE);

	return lseek(fd, off, SEEK_DATA) == off;
}

int arch_domain_set_max_pages(struct domain *d, uint64_t pages)
{
	struct hdom *hd = d->arch;
	unsigned int nxen = 1 + hd->nr_grant_frames + hd->nr_ioreq, i, n = 0;
	uint64_t old_xen = hd->shinfo_gfn;
	uint8_t *old_mem = hd->mem;
	uint64_t old_total = hd->total_pages;
	uint8_t *copy;
	uint16_t *which;
	int rc;

	if (hd->attached_once) {
		return -EBUSY;
	}
	if (pages == 0 || pages > hosted_config.max_pages) {
		return -EINVAL;
	}
	if (pages == hd->ram_pages) {
		return 0;
	}
	/*
	 * Move the hypervisor's pages (shared_info, grant frames, ioreq
	 * pages) behind the new RAM. Only pages ever written are copied, so
	 * untouched ones stay holes; the old places are punched out so the
	 * RAM that now covers them starts zeroed.
	 */
	copy = malloc((size_t)nxen * XH_PAGE_SIZE);
	which = malloc(sizeof(*which) * nxen);
	if (copy == NULL || which == NULL) {
		free(copy);
		free(which);
		return -ENOMEM;
	}
	for (i = 0; i < nxen; i++) {
		if (page_has_data(hd->memfd, old_xen + i)) {
			memcpy(copy + (size_t)n * XH_PAGE_SIZE,
				old_mem + (old_xen + i) * XH_PAGE_SIZE,
				XH_PAGE_SIZE);
			which[n++] = (uint16_t)i;
		}
	}
	if (fallocate(hd->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		    (off_t)(old_xen * XH_PAGE_SIZE),
		    (off_t)nxen * XH_PAGE_SIZE) != 0) {
		rc = -errno;
		goto out;
	}
	rc = hdom_layout(hd, pages, hd->nr_grant_frames, hd->nr_ioreq);
	if (rc < 0) {
		/* Put the pages back where they were. */
		for (i = 0; i < n; i++) {
			memcpy(old_mem + (old_xen + which[i]) * XH_PAGE_SIZE,
				copy + (size_t)i * XH_PAGE_SIZE, XH_PAGE_SIZE);
		}
		goto out;
	}
	munmap(old_mem, old_total * XH_PAGE_SIZE);
	for (i = 0; i < n; i++) {
		memcpy(hd->mem + (hd->shinfo_gfn + which[i]) * XH_PAGE_SIZE,
			copy + (size_t)i * XH_PAGE_SIZE, XH_PAGE_SIZE);
	}
	d->max_pages = pages;
	d->tot_pages = pages;
	d->shared_info =
		(struct shared_info *)(hd->mem + hd->shinfo_gfn * XH_PAGE_SIZE);
	if (hd->memfd_ro >= 0) {
		close(hd->memfd_ro);
		hd->memfd_ro = -1;
	}
out:
	free(copy);
	free(which);
	return rc;
}

int hosted_memfd_ro(struct hdom *hd)
{
	char path[64];

	if (hd->memfd_ro < 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", hd->memfd);
		hd->memfd_ro = open(path, O_RDONLY | O_CLOEXEC);
	}
	return hd->memfd_ro;
}

void *arch_domain_ram_page(struct domain *d, uint64_t gfn)
{
	struct hdom *hd = d->arch;

	if (hd == NULL || gfn >= hd->ram_pages) {
		return NULL;
	}
	return hd->mem + gfn * XH_PAGE_SIZE;
}

void *arch_gnttab_frame(struct domain *d, unsigned int i)
{
	struct hdom *hd = d->arch;

	if (hd == NULL || i >= hd->nr_grant_frames) {
		return NULL;
	}
	return hd->mem + (hd->grant_gfn + i) * XH_PAGE_SIZE;
}

uint64_t arch_gnttab_frame_gfn(struct domain *d, unsigned int i)
{
	struct hdom *hd = d->arch;

	return hd->grant_gfn + i;
}

void *arch_ioreq_page(struct domain *d, unsigned int i)
{
	struct hdom *hd = d->arch;

	if (hd == NULL || i >= hd->nr_ioreq) {
		return NULL;
	}
	return hd->mem + (hd->ioreq_gfn + i) * XH_PAGE_SIZE;
}

uint64_t arch_ioreq_page_gfn(struct domain *d, unsigned int i)
{
	struct hdom *hd = d->arch;

	return hd->ioreq_gfn + i;
}

uint64_t arch_shared_info_gfn(struct domain *d)
{
	struct hdom *hd = d->arch;

	return hd->shinfo_gfn;
}

int arch_grant_map(struct vcpu *mapper, struct domain *granter, uint64_t gfn,
	bool readonly, uint64_t *dev_bus_addr)
{
	struct hdom *hd = granter->arch;
	int fd;

	(void)mapper;
	if (hd == NULL || gfn >= hd->ram_pages) {
		return -EINVAL;
	}
	fd = readonly ? hosted_memfd_ro(hd) : hd->memfd;
	if (fd < 0) {
		return -EIO;
	}
	if (hosted_call_add_fd(fd) != 0) {
		return -ENOSPC;
	}
	*dev_bus_addr = gfn * XH_PAGE_SIZE;
	return 0;
}

/* ---- vCPUs and domains ----------------------------------------------- */

void arch_vcpu_kick(struct vcpu *v)
{
	hosted_conn_kick(v);
}

void arch_vcpu_wake(struct vcpu *v)
{
	hosted_conn_wake(v);
}

void arch_domain_pause(struct domain *d)
{
	struct hdom *hd = d->arch;

	if (hd != NULL && hd->pid > 0 && hd->guest != NULL && !hd->stopped &&
		hosted_conn_stoppable(hd->guest)) {
		if (kill(hd->pid, SIGSTOP) == 0) {
			hd->stopped = true;
		}
	}
}

void arch_domain_unpause(struct domain *d)
{
	struct hdom *hd = d->arch;

	if (hd == NULL) {
		return;
	}
	if (hd->stopped) {
		kill(hd->pid, SIGCONT);
		hd->stopped = false;
	}
	hosted_conn_domain_unpaused(d);
}

void arch_domain_shutdown(struct domain *d, unsigned int reason)
{
	log_info("d%u: shut down (reason %u)", d->domain_id, reason);
	if (d->domain_id == 0) {
		/* dom0 shutting down stops the host, as on a machine. */
		event_base_loopbreak(hosted_base);
	}
}

void arch_domain_kill(struct domain *d)
{
	struct hdom *hd = d->arch;

	if (hd != NULL && hd->stopped) {
		kill(hd->pid, SIGCONT);
		hd->stopped = false;
	}
	hosted_conn_domain_killed(d);
}

/* ---- time and console ------------------------------------------------ */

uint64_t arch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	domain_timers_run(arch_now_ns());
}

static void trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	malloc_trim(0);
}

void hosted_timer_init(void)
{
	timer_ev = evtimer_new(hosted_base, timer_cb, NULL);
	trim_ev = evtimer_new(hosted_base, trim_cb, NULL);
	if (timer_ev == NULL || trim_ev == NULL) {
		fatalx("cannot create the timer event");
	}
}

void arch_timer_program(uint64_t deadline_ns)
{
	uint64_t now, delta;
	struct timeval tv;

	if (timer_ev == NULL) {
		return;
	}
	if (deadline_ns == 0) {
		evtimer_del(timer_ev);
		return;
	}
	now = arch_now_ns();
	delta = deadline_ns > now ? deadline_ns - now : 0;
	tv.tv_sec = (time_t)(delta / 1000000000ull);
	tv.tv_usec = (suseconds_t)((delta % 1000000000ull) / 1000);
	evtimer_add(timer_ev, &tv);
}

void arch_console_write(const char *s, size_t len)
{
	/* The daemon's stderr is the hypervisor console (journald). */
	fwrite(s, 1, len, stderr);
}

unsigned int arch_evtchn_wide_ports(struct domain *d)
{
	/* dom0's events are read by xen-hosted itself, never by a guest. */
	return d->domain_id == 0 ? hosted_config.dom0_evtchns : 0;
}

unsigned int arch_nr_cpus(void)
{
	return hosted_config.nr_cpus;
}
