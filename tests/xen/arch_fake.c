/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake port for unit tests of the hypervisor core: see arch_fake.h.
 */
#include "arch_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xen/hypercall.h"

#define FAKE_PAGE 4096u
#define FAKE_CONSOLE_SIZE 65536u
#define FAKE_MAX_GRANT_MAPS 4096u

static long alloc_live;
static long allocs_left = -1;
static long copies_left = -1;
static bool max_pages_busy;
static uint64_t now_ns;
static uint64_t timer_deadline;
static char console_buf[FAKE_CONSOLE_SIZE + 1];
static size_t console_len;
static struct fake_grant_map grant_maps[FAKE_MAX_GRANT_MAPS];
static unsigned int nr_grant_maps;
static int grant_map_rc;

/* ---- set-up -------------------------------------------------------------- */

static unsigned int fake_wide; /* dom0's wide port space, 0: none */

void fake_reset(void)
{
	fake_wide = 0;
	allocs_left = -1;
	copies_left = -1;
	max_pages_busy = false;
	now_ns = 1000000000ull;
	timer_deadline = 0;
	fake_console_clear();
	memset(grant_maps, 0, sizeof(grant_maps));
	nr_grant_maps = 0;
	grant_map_rc = 0;
	domain_table_init();
}

long fake_teardown(void)
{
	domain_table_teardown();
	return alloc_live;
}

struct domain *fake_domain_create(domid_t domid, unsigned int max_vcpus,
	uint64_t ram_pages, bool privileged)
{
	uint64_t saved = domain_limits.default_max_pages;
	uint8_t handle[16] = {0};
	struct domain *d = NULL;
	int rc;

	handle[0] = (uint8_t)domid;
	handle[1] = (uint8_t)(domid >> 8);
	if (ram_pages != 0) {
		domain_limits.default_max_pages = ram_pages;
	}
	rc = domain_create(domid, 0, max_vcpus, handle, privileged, &d);
	domain_limits.default_max_pages = saved;
	return rc < 0 ? NULL : d;
}

struct fake_domain *fake_dom(struct domain *d)
{
	return d->arch;
}

/* ---- memory -------------------------------------------------------------- */

void *arch_alloc(size_t size)
{
	void *p;

	if (allocs_left == 0) {
		return NULL;
	}
	if (allocs_left > 0) {
		allocs_left--;
	}
	p = calloc(1, size);
	if (p != NULL) {
		alloc_live++;
	}
	return p;
}

void arch_free(void *p)
{
	if (p != NULL) {
		alloc_live--;
		free(p);
	}
}

long fake_alloc_live(void)
{
	return alloc_live;
}

void fake_fail_allocs_after(long n)
{
	allocs_left = n;
}

void fake_fail_copies_after(long n)
{
	copies_left = n;
}

void fake_set_max_pages_busy(bool busy)
{
	max_pages_busy = busy;
}

static void fake_domain_free(struct domain *d, struct fake_domain *fd)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus && i < MAX_VCPUS_PER_DOMAIN; i++) {
		if (d->vcpu[i] != NULL) {
			free(d->vcpu[i]->arch);
			d->vcpu[i]->arch = NULL;
		}
	}
	if (fd != NULL) {
		free(fd->ram);
		free(fd->shared_info);
		free(fd->grant);
		free(fd->ioreq);
		free(fd);
	}
	d->arch = NULL;
	d->shared_info = NULL;
}

int arch_domain_create(
	struct domain *d, unsigned int grant_frames, unsigned int ioreq_pages)
{
	struct fake_domain *fd;
	unsigned int i;

	fd = calloc(1, sizeof(*fd));
	if (fd == NULL) {
		return -ENOMEM;
	}
	d->arch = fd;
	fd->ram_pages = d->max_pages;
	fd->ram = calloc(d->max_pages ? d->max_pages : 1, FAKE_PAGE);
	fd->shared_info = calloc(1, FAKE_PAGE);
	fd->grant = calloc(grant_frames ? grant_frames : 1, FAKE_PAGE);
	fd->grant_frames = grant_frames;
	fd->ioreq = calloc(ioreq_pages ? ioreq_pages : 1, FAKE_PAGE);
	fd->ioreq_pages = ioreq_pages;
	if (fd->ram == NULL || fd->shared_info == NULL || fd->grant == NULL ||
		fd->ioreq == NULL) {
		fake_domain_free(d, fd);
		return -ENOMEM;
	}
	for (i = 0; i < d->max_vcpus && i < MAX_VCPUS_PER_DOMAIN; i++) {
		if (d->vcpu[i] == NULL) {
			continue;
		}
		d->vcpu[i]->arch = calloc(1, sizeof(struct fake_vcpu));
		if (d->vcpu[i]->arch == NULL) {
			fake_domain_free(d, fd);
			return -ENOMEM;
		}
	}
	d->shared_info = fd->shared_info;
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
	fake_domain_free(d, d->arch);
}

int arch_domain_set_max_pages(struct domain *d, uint64_t pages)
{
	struct fake_domain *fd = d->arch;
	uint8_t *ram;

	if (max_pages_busy) {
		return -EBUSY;
	}
	if (pages == 0 || pages > SIZE_MAX / FAKE_PAGE) {
		return -EINVAL;
	}
	ram = calloc(pages, FAKE_PAGE);
	if (ram == NULL) {
		return -ENOMEM;
	}
	memcpy(ram, fd->ram,
		(pages < fd->ram_pages ? pages : fd->ram_pages) * FAKE_PAGE);
	free(fd->ram);
	fd->ram = ram;
	fd->ram_pages = pages;
	d->max_pages = pages;
	return 0;
}

void *arch_domain_ram_page(struct domain *d, uint64_t gfn)
{
	struct fake_domain *fd = d->arch;

	if (fd == NULL || gfn >= fd->ram_pages) {
		return NULL;
	}
	return fd->ram + gfn * FAKE_PAGE;
}

void *arch_gnttab_frame(struct domain *d, unsigned int i)
{
	struct fake_domain *fd = d->arch;

	if (fd == NULL || i >= fd->grant_frames) {
		return NULL;
	}
	return fd->grant + (size_t)i * FAKE_PAGE;
}

uint64_t arch_gnttab_frame_gfn(struct domain *d, unsigned int i)
{
	return FAKE_GNTTAB_GFN_BASE + i;
}

void *arch_ioreq_page(struct domain *d, unsigned int i)
{
	struct fake_domain *fd = d->arch;

	if (fd == NULL || i >= fd->ioreq_pages) {
		return NULL;
	}
	return fd->ioreq + (size_t)i * FAKE_PAGE;
}

uint64_t arch_ioreq_page_gfn(struct domain *d, unsigned int i)
{
	return FAKE_IOREQ_GFN_BASE + i;
}

uint64_t arch_shared_info_gfn(struct domain *d)
{
	return FAKE_SHARED_INFO_GFN;
}

void *fake_ram(struct domain *d, uint64_t gfn)
{
	return arch_domain_ram_page(d, gfn);
}

void *fake_gnttab_frame(struct domain *d, unsigned int i)
{
	return arch_gnttab_frame(d, i);
}

struct grant_entry_v1 *fake_grant_entry(struct domain *d, uint32_t ref)
{
	unsigned int per = FAKE_PAGE / sizeof(struct grant_entry_v1);
	struct grant_entry_v1 *frame = arch_gnttab_frame(d, ref / per);

	return frame == NULL ? NULL : &frame[ref % per];
}

void fake_grant(struct domain *d, uint32_t ref, domid_t grantee, uint64_t gfn,
	uint16_t flags)
{
	struct grant_entry_v1 *e = fake_grant_entry(d, ref);

	if (e == NULL) {
		return;
	}
	e->frame = (uint32_t)gfn;
	e->domid = grantee;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

/* ---- guest memory -------------------------------------------------------- */

static int guest_range_ok(uint64_t addr, size_t len)
{
	if (copies_left == 0) {
		return -EFAULT;
	}
	if (copies_left > 0) {
		copies_left--;
	}
	if (len == 0) {
		return 0;
	}
	if (addr == 0 || addr + len < addr) {
		return -EFAULT;
	}
	if (addr < FAKE_BAD_ADDR + FAKE_BAD_LEN && addr + len > FAKE_BAD_ADDR) {
		return -EFAULT;
	}
	return 0;
}

int arch_copy_from_guest(struct vcpu *v, void *dst, uint64_t addr, size_t len)
{
	int rc = guest_range_ok(addr, len);

	if (rc == 0 && len > 0) {
		memmove(dst, (const void *)(uintptr_t)addr, len);
	}
	return rc;
}

int arch_copy_to_guest(
	struct vcpu *v, uint64_t addr, const void *src, size_t len)
{
	int rc = guest_range_ok(addr, len);

	if (rc == 0 && len > 0) {
		memmove((void *)(uintptr_t)addr, src, len);
	}
	return rc;
}

/* ---- grants -------------------------------------------------------------- */

int arch_grant_map(struct vcpu *mapper, struct domain *granter, uint64_t gfn,
	bool readonly, uint64_t *dev_bus_addr)
{
	struct fake_grant_map *m;

	if (nr_grant_maps < FAKE_MAX_GRANT_MAPS) {
		m = &grant_maps[nr_grant_maps];
		m->mapper = mapper->domain->domain_id;
		m->vcpu = mapper->vcpu_id;
		m->granter = granter->domain_id;
		m->gfn = gfn;
		m->readonly = readonly;
		m->rc = grant_map_rc;
	}
	nr_grant_maps++;
	if (grant_map_rc != 0) {
		return grant_map_rc;
	}
	*dev_bus_addr = gfn << 12;
	return 0;
}

unsigned int fake_grant_map_count(void)
{
	return nr_grant_maps;
}

const struct fake_grant_map *fake_grant_map_call(unsigned int i)
{
	if (i >= nr_grant_maps || i >= FAKE_MAX_GRANT_MAPS) {
		return NULL;
	}
	return &grant_maps[i];
}

void fake_grant_map_fail(int rc)
{
	grant_map_rc = rc;
}

/* ---- vCPUs and domains --------------------------------------------------- */

void arch_vcpu_kick(struct vcpu *v)
{
	struct fake_vcpu *fv = v->arch;

	if (fv != NULL) {
		fv->kicks++;
	}
}

void arch_vcpu_wake(struct vcpu *v)
{
	struct fake_vcpu *fv = v->arch;

	if (fv != NULL) {
		fv->wakes++;
	}
}

unsigned int fake_kicks(const struct vcpu *v)
{
	const struct fake_vcpu *fv = v->arch;

	return fv == NULL ? 0 : fv->kicks;
}

unsigned int fake_wakes(const struct vcpu *v)
{
	const struct fake_vcpu *fv = v->arch;

	return fv == NULL ? 0 : fv->wakes;
}

void arch_domain_pause(struct domain *d)
{
	struct fake_domain *fd = d->arch;

	if (fd != NULL) {
		fd->pause_calls++;
	}
}

void arch_domain_unpause(struct domain *d)
{
	struct fake_domain *fd = d->arch;

	if (fd != NULL) {
		fd->unpause_calls++;
	}
}

void arch_domain_kill(struct domain *d)
{
	struct fake_domain *fd = d->arch;

	if (fd != NULL) {
		fd->killed = true;
	}
}

void arch_domain_shutdown(struct domain *d, unsigned int reason)
{
	struct fake_domain *fd = d->arch;

	if (fd != NULL) {
		fd->shut_down = true;
		fd->shutdown_reason = reason;
	}
}

long fake_hypercall(struct domain *d, unsigned int vcpu, unsigned int op,
	uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	uint64_t args[5] = {a0, a1, a2, a3, a4};

	if (vcpu >= d->max_vcpus || d->vcpu[vcpu] == NULL) {
		return -EINVAL;
	}
	return hypercall_dispatch(d->vcpu[vcpu], op, args);
}

/* ---- time and console ---------------------------------------------------- */

uint64_t arch_now_ns(void)
{
	return now_ns;
}

void fake_set_now(uint64_t ns)
{
	now_ns = ns;
}

void fake_advance(uint64_t ns)
{
	now_ns += ns;
}

void arch_timer_program(uint64_t deadline_ns)
{
	timer_deadline = deadline_ns;
}

uint64_t fake_timer_deadline(void)
{
	return timer_deadline;
}

void arch_console_write(const char *s, size_t len)
{
	size_t drop;

	if (len >= FAKE_CONSOLE_SIZE) {
		s += len - FAKE_CONSOLE_SIZE;
		len = FAKE_CONSOLE_SIZE;
	}
	if (console_len + len > FAKE_CONSOLE_SIZE) {
		drop = console_len + len - FAKE_CONSOLE_SIZE;
		memmove(console_buf, console_buf + drop, console_len - drop);
		console_len -= drop;
	}
	memcpy(console_buf + console_len, s, len);
	console_len += len;
	console_buf[console_len] = '\0';
}

const char *fake_console(void)
{
	return console_buf;
}

void fake_console_clear(void)
{
	console_len = 0;
	console_buf[0] = '\0';
}

unsigned int arch_nr_cpus(void)
{
	return FAKE_NR_CPUS;
}

void fake_set_wide_ports(unsigned int ports)
{
	fake_wide = ports;
}

unsigned int arch_evtchn_wide_ports(struct domain *d)
{
	return d->domain_id == 0 ? fake_wide : 0;
}
