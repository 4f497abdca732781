/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bare-metal port's arch_* functions (xen/include/xen/arch/arch.h)
 * that are not the heap (mm.c) or the clock (time.c): domain memory
 * (p2m.c) and vCPU state (svm.c), guest memory access, the timer and the
 * console. Without SVM and nested paging no domain can be created
 * (-EOPNOTSUPP), so the functions acting on domains are never reached.
 *
 * Grant maps need NPT changes in the mapper's address space, which this
 * port does not make yet: arch_grant_map() answers -EOPNOTSUPP.
 */
#include "xen/arch/arch.h"

#include "p2m.h"
#include "svm.h"
#include "x86.h"
#include "xen/domain.h"
#include "xen/sched_if.h"

int arch_domain_create(
	struct domain *d, unsigned int grant_frames, unsigned int ioreq_pages)
{
	struct x86_domain *xd;
	unsigned int i;
	int rc;

	if (!x86_svm_enabled) {
		return -EOPNOTSUPP;
	}
	/* One ASID per domain id; a new domain's first VMRUN flushes the
	 * whole TLB (svm_vcpu_init), so a reused id inherits nothing. */
	if (d->domain_id + 1u >= svm_asid_limit()) {
		return -ENOSPC;
	}
	xd = arch_alloc(sizeof(*xd));
	if (xd == NULL) {
		return -ENOMEM;
	}
	rc = p2m_init(&xd->p2m, d->max_pages, grant_frames, ioreq_pages);
	if (rc != 0) {
		arch_free(xd);
		return rc;
	}
	xd->asid = d->domain_id + 1u; /* 0 is the host's */
	d->arch = xd;
	for (i = 0; i < d->max_vcpus; i++) {
		d->vcpu[i]->arch = arch_alloc(sizeof(struct svm_vcpu));
		if (d->vcpu[i]->arch == NULL) {
			arch_domain_destroy(d);
			return -ENOMEM;
		}
	}
	d->tot_pages = d->max_pages;
	d->shared_info =
		p2m_gfn_to_ptr(&xd->p2m, p2m_shared_info_gfn(&xd->p2m));
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
	struct x86_domain *xd = d->arch;
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		if (d->vcpu[i] != NULL && d->vcpu[i]->arch != NULL) {
			svm_vcpu_fini(d->vcpu[i]);
			arch_free(d->vcpu[i]->arch);
			d->vcpu[i]->arch = NULL;
		}
	}
	if (xd != NULL) {
		p2m_fini(&xd->p2m);
		arch_free(xd);
		d->arch = NULL;
	}
	d->shared_info = NULL;
}

int arch_domain_set_max_pages(struct domain *d, uint64_t pages)
{
	struct x86_domain *xd = d->arch;

	/* RAM is one contiguous allocation made at creation. */
	return pages == xd->p2m.ram_pages ? 0 : -EBUSY;
}

void *arch_domain_ram_page(struct domain *d, uint64_t gfn)
{
	struct x86_domain *xd = d->arch;

	if (xd == NULL || gfn >= xd->p2m.ram_pages) {
		return NULL;
	}
	return p2m_gfn_to_ptr(&xd->p2m, gfn);
}

void *arch_gnttab_frame(struct domain *d, unsigned int i)
{
	struct x86_domain *xd = d->arch;

	if (xd == NULL || i >= xd->p2m.grant_frames) {
		return NULL;
	}
	return p2m_gfn_to_ptr(&xd->p2m, arch_gnttab_frame_gfn(d, i));
}

uint64_t arch_gnttab_frame_gfn(struct domain *d, unsigned int i)
{
	struct x86_domain *xd = d->arch;

	return xd->p2m.ram_pages + 1 + i;
}

void *arch_ioreq_page(struct domain *d, unsigned int i)
{
	struct x86_domain *xd = d->arch;

	if (xd == NULL || i >= xd->p2m.ioreq_pages) {
		return NULL;
	}
	return p2m_gfn_to_ptr(&xd->p2m, arch_ioreq_page_gfn(d, i));
}

uint64_t arch_ioreq_page_gfn(struct domain *d, unsigned int i)
{
	struct x86_domain *xd = d->arch;

	return xd->p2m.ram_pages + 1 + xd->p2m.grant_frames + i;
}

uint64_t arch_shared_info_gfn(struct domain *d)
{
	struct x86_domain *xd = d->arch;

	return p2m_shared_info_gfn(&xd->p2m);
}

static void walk_ctx(struct vcpu *v, struct p2m_walk_ctx *w)
{
	struct svm_vcpu *s = v->arch;

	w->cr0 = VMCB64(s, VMCB_CR0);
	w->cr3 = VMCB64(s, VMCB_CR3);
	w->cr4 = VMCB64(s, VMCB_CR4);
	w->efer = VMCB64(s, VMCB_EFER);
}

int arch_copy_from_guest(struct vcpu *v, void *dst, uint64_t addr, size_t len)
{
	struct x86_domain *xd = v->domain->arch;
	struct p2m_walk_ctx w;

	if (len == 0) {
		return 0;
	}
	walk_ctx(v, &w);
	return p2m_copy(&xd->p2m, &w, addr, dst, len, false);
}

int arch_copy_to_guest(
	struct vcpu *v, uint64_t addr, const void *src, size_t len)
{
	struct x86_domain *xd = v->domain->arch;
	struct p2m_walk_ctx w;

	if (len == 0) {
		return 0;
	}
	walk_ctx(v, &w);
	return p2m_copy(&xd->p2m, &w, addr, (void *)src, len, true);
}

int arch_grant_map(struct vcpu *mapper, struct domain *granter, uint64_t gfn,
	bool readonly, uint64_t *dev_bus_addr)
{
	(void)mapper;
	(void)granter;
	(void)gfn;
	(void)readonly;
	(void)dev_bus_addr;
	return -EOPNOTSUPP;
}

unsigned int arch_evtchn_wide_ports(struct domain *d)
{
	(void)d;
	return 0;
}

/* Make every CPU running one of d's vCPUs leave it. */
static void kick_domain(struct domain *d)
{
	unsigned int i;

	for (i = 0; i < d->max_vcpus; i++) {
		svm_vcpu_kick(d->vcpu[i]);
	}
}

void arch_vcpu_kick(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;

	/* Delivered through the upcall vector at the next entry. */
	if (s != NULL) {
		s->upcall_pending = 1;
		svm_vcpu_kick(v);
	}
}

void arch_vcpu_wake(struct vcpu *v)
{
	int cpu = sched_wake_target(v);

	if (cpu >= 0) {
		smp_kick_cpu((unsigned int)cpu);
	}
}

void arch_domain_pause(struct domain *d)
{
	kick_domain(d);
}

void arch_domain_unpause(struct domain *d)
{
	(void)d;
}

void arch_domain_kill(struct domain *d)
{
	kick_domain(d);
}

void arch_domain_shutdown(struct domain *d, unsigned int reason)
{
	kick_domain(d);
	x86_domain_shut_down(d, reason);
}

/*
 * Each CPU's LAPIC timer ends its time slices (x86_slice_program); the boot
 * CPU's also serves the core's timers (arch_timer_program), so a deadline
 * set on another CPU kicks the boot CPU, whose loop reprograms. Each
 * interrupt runs whatever is due.
 */
static uint64_t core_deadline;
static uint64_t slice_deadline[ACPI_MAX_CPUS];

static void timer_reprogram(unsigned int cpu)
{
	uint64_t next = slice_deadline[cpu], now;

	if (cpu == 0 && core_deadline != 0 &&
		(next == 0 || core_deadline < next)) {
		next = core_deadline;
	}
	if (next == 0) {
		lapic_timer_oneshot(0);
		return;
	}
	now = arch_now_ns();
	lapic_timer_oneshot(next > now ? next - now : 1);
}

void arch_timer_program(uint64_t deadline_ns)
{
	unsigned int cpu = smp_cpu_id();

	core_deadline = deadline_ns;
	if (cpu == 0) {
		timer_reprogram(0);
	} else {
		smp_kick_cpu(0);
	}
}

void x86_slice_program(uint64_t deadline_ns)
{
	unsigned int cpu = smp_cpu_id();

	slice_deadline[cpu] = deadline_ns;
	timer_reprogram(cpu);
}

/* The LAPIC timer's interrupt: never taken while this CPU holds the core
 * lock (interrupts are on only outside it). */
void x86_timer_interrupt(void)
{
	unsigned int cpu = smp_cpu_id();
	uint64_t now = arch_now_ns();

	if (slice_deadline[cpu] != 0 && now >= slice_deadline[cpu]) {
		slice_deadline[cpu] = 0; /* the run loop picks again */
	}
	if (cpu == 0 && core_deadline != 0 && now >= core_deadline) {
		core_deadline = 0;
		smp_core_lock();
		domain_timers_run(now); /* may program the next one */
		smp_core_unlock();
	}
	timer_reprogram(cpu);
}

void arch_console_write(const char *s, size_t len)
{
	if (x86_opts.console == CMDLINE_CONSOLE_COM1) {
		ns16550_write(s, len);
	}
}

unsigned int arch_nr_cpus(void)
{
	return x86_sched_cpus();
}
