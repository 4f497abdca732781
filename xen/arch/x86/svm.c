/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM with nested paging: enabling it, a VMCB per vCPU, the run loop
 * and the intercepts (AMD64 Architecture Programmer's Manual vol. 2,
 * chapter 15; VMCB layout appendix B, exit codes appendix C).
 *
 * Instruction lengths are known per intercept, never read from NRIP
 * (QEMU's emulation does not fill it): VMMCALL 3 bytes, CPUID 2, RDMSR and
 * WRMSR 2, HLT 1; an I/O intercept gives the next RIP in EXITINFO2.
 *
 * Intercepted: VMRUN (required), VMMCALL (the hypercall path into
 * xen/common), CPUID (the guest policy of cpuid_policy.c), HLT (blocks
 * the vCPU; not intercepted when every vCPU has a CPU of its own under
 * sched=null, see svm_set_hlt_native), every I/O port and MSR (permission
 * maps all ones), physical interrupts and NMIs (back to the host),
 * shutdown (a triple fault crashes the domain) and nested page faults
 * (crash: every frame a domain may touch is mapped at creation).
 *
 * Counted: every exit, and the HLT exits among them (svm_exit_counts,
 * logged when the run ends).
 *
 * Events reach a vCPU through the upcall vector the guest set with
 * HVM_PARAM_CALLBACK_IRQ (type HVM_PARAM_CALLBACK_TYPE_VECTOR), raised
 * while its vcpu_info's evtchn_upcall_pending is set: injected as
 * an external interrupt when the guest can take one, else a virtual
 * interrupt request (V_IRQ) with the VINTR intercept makes the CPU exit as
 * soon as it can, and the vector goes in then. An event whose delivery an
 * exit interrupted (EXITINTINFO) is injected again.
 *
 * Context: any CPU, interrupts disabled outside the guest; the exit
 * handlers run under the core lock (smp_core_lock), VMRUN outside it.
 */
#include "svm.h"

#include "cpuid_policy.h"
#include "hvm/params.h"
#include "x86.h"
#include "xen/domain.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched_if.h"

#define MSR_EFER 0xc0000080
#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define MSR_PAT 0x277
#define MSR_XEN_HYPERCALL_PAGE 0x40000000
#define EFER_SVME (1ull << 12)
#define EFER_LMA (1ull << 10)
#define VM_CR_SVMDIS (1ull << 4)

#define SVM_IOPM_PAGES 3
#define SVM_MSRPM_PAGES 2
#define SVM_VINTR_MASKING (1u << 24)

#define VINTR_V_IRQ (1u << 8)
#define VINTR_PRIO_MAX (0xfu << 16)
#define VINTR_IGN_TPR (1u << 20)
#define RFLAGS_IF (1ull << 9)

#define EVENTINJ_VALID (1ull << 31)
#define EVENTINJ_EXCEPTION (3ull << 8)
#define EVENTINJ_ERR_VALID (1ull << 11)

/* Segment attributes: descriptor bits 40-47 and 52-55 packed in 12 bits. */
#define SEG_CODE32 0xc9b /* G, D, P, S, execute/read, accessed */
#define SEG_DATA32 0xc93 /* G, B, P, S, read/write, accessed */
#define SEG_TSS32_BUSY 0x08b
#define SEG_LDT 0x082
#define SEG_L (1u << 9)

_Static_assert(__builtin_offsetof(struct svm_gprs, r8) == 0x30,
	"svm_entry.S expects r8 at 0x30");
_Static_assert(__builtin_offsetof(struct svm_gprs, r15) == 0x68,
	"svm_entry.S expects r15 at 0x68");

static bool svm_up;
static uint32_t svm_asid_count;
static uint8_t *svm_iopm;  /* shared by every vCPU: intercept all ports */
static uint8_t *svm_msrpm; /* and every MSR */

/* The guest's HLT halts the CPU itself (svm_set_hlt_native). */
static bool svm_hlt_native;

/* Per CPU: the host state area, the host's VMSAVE area, the last VMCB,
 * and exit counts (svm_exit_counts). */
static struct {
	uint8_t *hsave;
	uint8_t *host_save;
	const uint8_t *last_vmcb;
	uint64_t exits;
	uint64_t hlt_exits;
} svm_cpu[ACPI_MAX_CPUS];

void svm_set_hlt_native(bool on)
{
	svm_hlt_native = on;
}

void svm_exit_counts(uint64_t *exits, uint64_t *hlt_exits)
{
	unsigned int i;

	*exits = *hlt_exits = 0;
	for (i = 0; i < ACPI_MAX_CPUS; i++) {
		*exits += __atomic_load_n(&svm_cpu[i].exits, __ATOMIC_RELAXED);
		*hlt_exits += __atomic_load_n(
			&svm_cpu[i].hlt_exits, __ATOMIC_RELAXED);
	}
}

uint32_t svm_asid_limit(void)
{
	return svm_asid_count;
}

bool svm_available(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x8000000a) {
		return false;
	}
	cpuid(0x80000001, 0, r);
	if ((r[2] & (1u << 2)) == 0) {
		return false; /* no SVM */
	}
	if ((rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) != 0) {
		return false; /* disabled by the firmware */
	}
	cpuid(0x8000000a, 0, r);
	svm_asid_count = r[1];
	return (r[3] & 1u) != 0; /* nested paging */
}

static void host_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	(void)ctx;
	cpuid(leaf, sub, r);
}

/* The leaf the policy's AVX-512 rules shape, as the host and a guest see
 * it. */
static void log_cpuid_policy(void)
{
	struct cpuid_guest g = {.vcpu_id = 0, .cr4 = 0};
	uint32_t host[4], guest[4];

	cpuid(7, 0, host);
	cpuid_policy_leaf(host_cpuid, NULL, &g, 7, 0, guest);
	printk(XENLOG_INFO,
		"cpuid: host leaf 7.0 ebx 0x%08x ecx 0x%08x edx 0x%08x\n",
		host[1], host[2], host[3]);
	printk(XENLOG_INFO,
		"cpuid: guest leaf 7.0 ebx 0x%08x ecx 0x%08x edx 0x%08x\n",
		guest[1], guest[2], guest[3]);
}

int svm_cpu_init(void)
{
	unsigned int cpu = smp_cpu_id();

	if (!svm_available()) {
		return -ENODEV;
	}
	if (svm_iopm == NULL) {
		svm_iopm = mm_alloc_pages(SVM_IOPM_PAGES);
		svm_msrpm = mm_alloc_pages(SVM_MSRPM_PAGES);
		if (svm_iopm == NULL || svm_msrpm == NULL) {
			return -ENOMEM;
		}
		memset(svm_iopm, 0xff, SVM_IOPM_PAGES * PAGE_SIZE);
		memset(svm_msrpm, 0xff, SVM_MSRPM_PAGES * PAGE_SIZE);
	}
	svm_cpu[cpu].hsave = mm_alloc_pages(1);
	svm_cpu[cpu].host_save = mm_alloc_pages(1);
	if (svm_cpu[cpu].hsave == NULL || svm_cpu[cpu].host_save == NULL) {
		return -ENOMEM;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uint64_t)(uintptr_t)svm_cpu[cpu].hsave);
	if (!svm_up) {
		printk(XENLOG_INFO,
			"svm: enabled with nested paging, %u ASIDs\n",
			svm_asid_count);
		log_cpuid_policy();
	}
	svm_up = true;
	return 0;
}

static void set_seg(struct svm_vcpu *s, unsigned int off, uint16_t sel,
	uint16_t attrib, uint32_t limit, uint64_t base)
{
	VMCB16(s, off) = sel;
	VMCB16(s, off + 2) = attrib;
	VMCB32(s, off + 4) = limit;
	VMCB64(s, off + 8) = base;
}

/* The PVH entry state: 32-bit flat protected mode, paging off. */
static void vmcb_pvh_state(struct svm_vcpu *s)
{
	unsigned int off;

	set_seg(s, VMCB_CS, 0x08, SEG_CODE32, 0xffffffff, 0);
	for (off = VMCB_ES; off <= VMCB_GS; off += 16) {
		if (off != VMCB_CS) {
			set_seg(s, off, 0x10, SEG_DATA32, 0xffffffff, 0);
		}
	}
	set_seg(s, VMCB_GDTR, 0, 0, 0xffff, 0);
	set_seg(s, VMCB_IDTR, 0, 0, 0xffff, 0);
	set_seg(s, VMCB_LDTR, 0, SEG_LDT, 0xffff, 0);
	set_seg(s, VMCB_TR, 0, SEG_TSS32_BUSY, 0x67, 0);
	VMCB8(s, VMCB_CPL) = 0;
	VMCB64(s, VMCB_EFER) = EFER_SVME;
	VMCB64(s, VMCB_CR0) = 0x11; /* PE, ET */
	VMCB64(s, VMCB_CR3) = 0;
	VMCB64(s, VMCB_CR4) = 0;
	VMCB64(s, VMCB_DR6) = 0xffff0ff0;
	VMCB64(s, VMCB_DR7) = 0x400;
	VMCB64(s, VMCB_RFLAGS) = 0x2;
	VMCB64(s, VMCB_G_PAT) = 0x0007040600070406ull; /* the reset PAT */
}

int svm_vcpu_init(struct vcpu *v, uint32_t entry, uint32_t ebx)
{
	struct x86_domain *xd = v->domain->arch;
	struct svm_vcpu *s = v->arch;

	if (!svm_up) {
		return -ENODEV;
	}
	if (s->vmcb == NULL) {
		s->vmcb = mm_alloc_pages(1);
		if (s->vmcb == NULL) {
			return -ENOMEM;
		}
	}
	memset(s->vmcb, 0, PAGE_SIZE);
	memset(&s->gprs, 0, sizeof(s->gprs));
	s->running_cpu = -1;
	s->first_cpu = -1;
	VMCB32(s, VMCB_INTERCEPT_MISC1) =
		SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_CPUID |
		SVM_INTERCEPT_HLT | SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
		SVM_INTERCEPT_SHUTDOWN;
	VMCB32(s, VMCB_INTERCEPT_MISC2) =
		SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL;
	VMCB64(s, VMCB_IOPM_BASE) = (uint64_t)(uintptr_t)svm_iopm;
	VMCB64(s, VMCB_MSRPM_BASE) = (uint64_t)(uintptr_t)svm_msrpm;
	VMCB32(s, VMCB_ASID) = xd->asid;
	VMCB8(s, VMCB_TLB_CONTROL) = 1; /* flush everything on first run */
	VMCB32(s, VMCB_VINTR) = SVM_VINTR_MASKING;
	VMCB64(s, VMCB_NP_ENABLE) = 1;
	VMCB64(s, VMCB_N_CR3) = (uint64_t)(uintptr_t)xd->p2m.npt_pml4;
	vmcb_pvh_state(s);
	VMCB64(s, VMCB_RIP) = entry;
	s->gprs.rbx = ebx;
	return 0;
}

void svm_vcpu_fini(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;

	if (s != NULL && s->vmcb != NULL) {
		mm_free_pages(s->vmcb, 1);
		s->vmcb = NULL;
	}
}

static void inject_gp(struct svm_vcpu *s)
{
	VMCB64(s, VMCB_EVENTINJ) =
		13 | EVENTINJ_EXCEPTION | EVENTINJ_ERR_VALID | EVENTINJ_VALID;
}

static bool guest_in_64bit_mode(struct svm_vcpu *s)
{
	return (VMCB64(s, VMCB_EFER) & EFER_LMA) != 0 &&
	       (VMCB16(s, VMCB_CS + 2) & SEG_L) != 0;
}

/* VMMCALL: Xen's HVM hypercall registers, 64-bit or 32-bit. */
static void exit_vmmcall(struct vcpu *v, struct svm_vcpu *s)
{
	struct svm_gprs *g = &s->gprs;
	uint64_t args[5];
	unsigned int op = (unsigned int)VMCB64(s, VMCB_RAX);
	long rc;

	if (guest_in_64bit_mode(s)) {
		args[0] = g->rdi;
		args[1] = g->rsi;
		args[2] = g->rdx;
		args[3] = g->r10;
		args[4] = g->r8;
	} else {
		args[0] = (uint32_t)g->rbx;
		args[1] = (uint32_t)g->rcx;
		args[2] = (uint32_t)g->rdx;
		args[3] = (uint32_t)g->rsi;
		args[4] = (uint32_t)g->rdi;
	}
	VMCB64(s, VMCB_RIP) += 3;
	rc = hypercall_dispatch(v, op, args);
	VMCB64(s, VMCB_RAX) = (uint64_t)rc;
}

/* CPUID: the guest policy (cpuid_policy.h). */
static void exit_cpuid(struct vcpu *v, struct svm_vcpu *s)
{
	struct cpuid_guest g = {
		.vcpu_id = v->vcpu_id,
		.cr4 = VMCB64(s, VMCB_CR4),
	};
	uint32_t r[4];

	cpuid_policy_leaf(host_cpuid, NULL, &g, (uint32_t)VMCB64(s, VMCB_RAX),
		(uint32_t)s->gprs.rcx, r);
	VMCB64(s, VMCB_RAX) = r[0];
	s->gprs.rbx = r[1];
	s->gprs.rcx = r[2];
	s->gprs.rdx = r[3];
	VMCB64(s, VMCB_RIP) += 2;
}

/* Xen's hypercall page: entry i is "mov $i, %eax; vmmcall; ret". */
static void fill_hypercall_page(struct domain *d, uint64_t gpa)
{
	struct x86_domain *xd = d->arch;
	uint8_t *page = p2m_gfn_to_ptr(&xd->p2m, gpa >> PAGE_SHIFT), *e;
	unsigned int i;

	if (page == NULL) {
		return;
	}
	for (i = 0; i < PAGE_SIZE / 32; i++) {
		e = page + i * 32;
		memset(e, 0xcc, 32); /* int3 padding */
		e[0] = 0xb8;
		memcpy(e + 1, &i, 4);
		e[5] = 0x0f;
		e[6] = 0x01;
		e[7] = 0xd9;
		e[8] = 0xc3;
	}
}

static void exit_msr(struct vcpu *v, struct svm_vcpu *s)
{
	uint32_t msr = (uint32_t)s->gprs.rcx;
	bool write = VMCB64(s, VMCB_EXITINFO1) == 1;
	uint64_t val = (s->gprs.rdx << 32) | (uint32_t)VMCB64(s, VMCB_RAX);

	switch (msr) {
	case MSR_EFER:
		if (write) {
			VMCB64(s, VMCB_EFER) = val | EFER_SVME;
		} else {
			val = VMCB64(s, VMCB_EFER) & ~EFER_SVME;
		}
		break;
	case MSR_PAT:
		if (write) {
			VMCB64(s, VMCB_G_PAT) = val;
		} else {
			val = VMCB64(s, VMCB_G_PAT);
		}
		break;
	case MSR_XEN_HYPERCALL_PAGE:
		if (!write) {
			inject_gp(s);
			return;
		}
		fill_hypercall_page(v->domain, val & ~0xfffull);
		break;
	default:
		printk(XENLOG_DEBUG, "d%u: %s of MSR 0x%x: #GP\n",
			v->domain->domain_id, write ? "write" : "read", msr);
		inject_gp(s);
		return;
	}
	if (!write) {
		VMCB64(s, VMCB_RAX) = (uint32_t)val;
		s->gprs.rdx = val >> 32;
	}
	VMCB64(s, VMCB_RIP) += 2;
}

/* I/O ports: no devices yet; reads see all ones, writes vanish. */
static void exit_ioio(struct svm_vcpu *s)
{
	uint64_t info = VMCB64(s, VMCB_EXITINFO1);
	uint64_t mask = (info & 0x10)   ? 0xff
			: (info & 0x20) ? 0xffff
					: 0xffffffffull;

	if ((info & 1) != 0 && (info & 4) == 0) {
		VMCB64(s, VMCB_RAX) = (VMCB64(s, VMCB_RAX) & ~mask) | mask;
	}
	VMCB64(s, VMCB_RIP) = VMCB64(s, VMCB_EXITINFO2);
}

static void crash(struct vcpu *v, struct svm_vcpu *s, const char *why)
{
	printk(XENLOG_INFO,
		"d%u: %s (exit 0x%lx, info 0x%lx 0x%lx, rip 0x%lx): crashed\n",
		v->domain->domain_id, why,
		(unsigned long)VMCB64(s, VMCB_EXITCODE),
		(unsigned long)VMCB64(s, VMCB_EXITINFO1),
		(unsigned long)VMCB64(s, VMCB_EXITINFO2),
		(unsigned long)VMCB64(s, VMCB_RIP));
	domain_crash(v->domain);
}

static void vintr_request(struct svm_vcpu *s, bool on)
{
	if (on) {
		VMCB32(s, VMCB_VINTR) |=
			VINTR_V_IRQ | VINTR_PRIO_MAX | VINTR_IGN_TPR;
		VMCB32(s, VMCB_INTERCEPT_MISC1) |= SVM_INTERCEPT_VINTR;
	} else {
		VMCB32(s, VMCB_VINTR) &=
			~(VINTR_V_IRQ | VINTR_PRIO_MAX | VINTR_IGN_TPR);
		VMCB32(s, VMCB_INTERCEPT_MISC1) &= ~SVM_INTERCEPT_VINTR;
	}
}

/*
 * Before an entry: put a pending upcall in, or ask to exit when possible.
 * As on Xen, the callback vector is raised while the guest's
 * evtchn_upcall_pending is set (the guest clears it in its handler), not
 * only after a kick: a vCPU woken from a block (HLT exit, SCHEDOP_block)
 * gets its upcall too. evtchn_upcall_mask is a PV guest's business; an HVM
 * guest masks with IF.
 */
static void deliver_upcall(struct vcpu *v, struct svm_vcpu *s)
{
	uint64_t cb = v->domain->hvm_params[HVM_PARAM_CALLBACK_IRQ];

	if (!s->upcall_pending &&
		(v->vcpu_id >= XEN_LEGACY_MAX_VCPUS ||
			__atomic_load_n(&vcpu_info(v)->evtchn_upcall_pending,
				__ATOMIC_ACQUIRE) == 0)) {
		return;
	}
	if ((cb >> 56) != HVM_PARAM_CALLBACK_TYPE_VECTOR || (cb & 0xff) < 32) {
		s->upcall_pending = 0; /* no vector: the guest polls */
		return;
	}
	if ((VMCB64(s, VMCB_EVENTINJ) & EVENTINJ_VALID) != 0) {
		vintr_request(s, true); /* after the event going in now */
		return;
	}
	if ((VMCB64(s, VMCB_RFLAGS) & RFLAGS_IF) == 0 ||
		(VMCB64(s, VMCB_INT_SHADOW) & 1) != 0) {
		vintr_request(s, true);
		return;
	}
	VMCB64(s, VMCB_EVENTINJ) = (cb & 0xff) | EVENTINJ_VALID;
	s->upcall_pending = 0;
	vintr_request(s, false);
}

/* Handle one exit; false when the host must take over (IRQ, block). */
static bool handle_exit(struct vcpu *v, struct svm_vcpu *s)
{
	switch (VMCB64(s, VMCB_EXITCODE)) {
	case SVM_EXIT_VMMCALL:
		exit_vmmcall(v, s);
		return true;
	case SVM_EXIT_CPUID:
		exit_cpuid(v, s);
		return true;
	case SVM_EXIT_MSR:
		exit_msr(v, s);
		return true;
	case SVM_EXIT_IOIO:
		exit_ioio(s);
		return true;
	case SVM_EXIT_HLT:
		VMCB64(s, VMCB_RIP) += 1;
		if (!vcpu_info(v)->evtchn_upcall_pending) {
			vcpu_block(v);
		}
		return false;
	case SVM_EXIT_VINTR:
		vintr_request(s, false); /* deliver_upcall() injects now */
		return true;
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
		return false;
	case SVM_EXIT_SHUTDOWN:
		crash(v, s, "triple fault");
		return false;
	case SVM_EXIT_NPF:
		crash(v, s, "nested page fault");
		return false;
	case SVM_EXIT_INVALID:
		crash(v, s, "VMRUN refused the VMCB");
		return false;
	default:
		crash(v, s, "unexpected exit");
		return false;
	}
}

/*
 * Called with the core lock held, which is dropped only around the world
 * switch itself; returns with it held.
 */
void svm_vcpu_run(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;
	unsigned int cpu = smp_cpu_id();
	uint64_t intinfo;

	if (s->vmcb == NULL) {
		/* Only vCPU 0 is started (domain_build.c); VCPUOP_up is not
		 * here yet. */
		vcpu_block(v);
		return;
	}
	if (s->first_cpu < 0) {
		s->first_cpu = (int)cpu;
		printk(XENLOG_INFO, "d%uv%u: first run on cpu %u\n",
			v->domain->domain_id, v->vcpu_id, cpu);
		if (v->vcpu_id < XEN_LEGACY_MAX_VCPUS) {
			time_pvclock_fill(&vcpu_info(v)->time);
		}
	}
	s->running_cpu = (int)cpu;
	if (svm_hlt_native) {
		VMCB32(s, VMCB_INTERCEPT_MISC1) &= ~SVM_INTERCEPT_HLT;
	} else {
		VMCB32(s, VMCB_INTERCEPT_MISC1) |= SVM_INTERCEPT_HLT;
	}
	do {
		deliver_upcall(v, s);
		/* One ASID per domain: another VMCB on this CPU, or this one
		 * after another CPU, must not see stale translations. */
		if (svm_cpu[cpu].last_vmcb != s->vmcb) {
			VMCB8(s, VMCB_TLB_CONTROL) = 1;
			svm_cpu[cpu].last_vmcb = s->vmcb;
		}
		smp_core_unlock();
		svm_world_switch((uint64_t)(uintptr_t)s->vmcb, &s->gprs,
			(uint64_t)(uintptr_t)svm_cpu[cpu].host_save);
		smp_core_lock();
		VMCB8(s, VMCB_TLB_CONTROL) = 0;
		svm_cpu[cpu].exits++;
		if (VMCB64(s, VMCB_EXITCODE) == SVM_EXIT_HLT) {
			svm_cpu[cpu].hlt_exits++;
		}
		intinfo = VMCB64(s, VMCB_EXITINTINFO);
		VMCB64(s, VMCB_EVENTINJ) =
			(intinfo & EVENTINJ_VALID) != 0 ? intinfo : 0;
	} while (handle_exit(v, s) && vcpu_runnable(v));
	s->running_cpu = -1;
}

void svm_vcpu_kick(struct vcpu *v)
{
	struct svm_vcpu *s = v->arch;

	if (s != NULL && s->running_cpu >= 0) {
		smp_kick_cpu((unsigned int)s->running_cpu);
	}
}
