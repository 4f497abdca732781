/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a guest sees: what the host reports, filtered by what this
 * hypervisor offers (AMD64 APM vol. 3, appendix E; Intel SDM vol. 2A,
 * CPUID). A pure function of the host's answers, the vCPU's number and
 * its CR4, so that it is unit-tested on the host with synthetic CPUs
 * (tests/baremetal/test_cpuid.c); svm.c answers the CPUID intercept with
 * it.
 *
 * The policy, leaf by leaf (anything not listed reads as zeros):
 *   0           the host's vendor; highest basic leaf at most 0xd
 *   1           family/model/stepping; one logical CPU, APIC ID = vCPU;
 *               hypervisor bit set; VMX, SMX, MONITOR, x2APIC, APIC,
 *               TSC-deadline, thermal, debug-store and machine-check
 *               features hidden (nothing emulates them); OSXSAVE follows
 *               the guest's CR4; AVX (with FMA, F16C) only when the host
 *               has AVX state in XCR0's supported bits
 *   2, 4        caches, as the host
 *   7.0         the host's features minus those needing state or MSRs
 *               the port does not provide (SGX, MPX, PT, PKU, LA57,
 *               WAITPKG, CET, AMX, the speculation-control MSRs, hybrid,
 *               PCONFIG); AVX-512 only when AVX512F is offered, which needs
 *               the host's AVX512F and its opmask/ZMM state components;
 *               AVX512_4VNNIW (EDX 2) and AVX512_4FMAPS (EDX 3) pass
 *               through only when the host has them and AVX512F is
 *               offered; subleaf count 0
 *   0xd         the offered state components (x87, SSE, AVX, AVX-512),
 *               the largest area they need, XSAVEOPT/XSAVEC/XGETBV1 but not
 *               XSAVES or XFD
 *   0x40000000  Xen's leaves: signature "XenVMMXenVMM", version 4.9, one
 *   .. +2       hypercall page through MSR 0x40000000
 *   0x80000000  highest extended leaf at most 0x80000008
 *   0x80000001  the host's, minus SVM, SKINIT, IBS, LWP, watchdog, OSVW,
 *               MONITORX, the extended APIC space and performance counters
 *   0x80000002  brand string and cache leaves as the host; 0x80000007 only
 *   .. 8        the invariant TSC; 0x80000008 only the address sizes
 */
#ifndef X86_CPUID_POLICY_H
#define X86_CPUID_POLICY_H

#include <stdint.h>

#define CPUID_XEN_BASE 0x40000000u
#define CPUID_XEN_HYPERCALL_MSR 0x40000000u
#define CPUID_XEN_VERSION ((4u << 16) | 9u) /* as XENVER_version answers */

/* Leaf 1 ECX */
#define CPUID_1C_MONITOR (1u << 3)
#define CPUID_1C_VMX (1u << 5)
#define CPUID_1C_FMA (1u << 12)
#define CPUID_1C_X2APIC (1u << 21)
#define CPUID_1C_XSAVE (1u << 26)
#define CPUID_1C_OSXSAVE (1u << 27)
#define CPUID_1C_AVX (1u << 28)
#define CPUID_1C_F16C (1u << 29)
#define CPUID_1C_HYPERVISOR (1u << 31)
/* Leaf 1 EDX */
#define CPUID_1D_APIC (1u << 9)
/* Leaf 7.0 EBX, EDX */
#define CPUID_7B_AVX2 (1u << 5)
#define CPUID_7B_AVX512F (1u << 16)
#define CPUID_7D_AVX512_4VNNIW (1u << 2)
#define CPUID_7D_AVX512_4FMAPS (1u << 3)
/* Leaf 0x80000001 ECX */
#define CPUID_81C_SVM (1u << 2)
/* XCR0 state components */
#define XSTATE_X87 (1u << 0)
#define XSTATE_SSE (1u << 1)
#define XSTATE_AVX (1u << 2)
#define XSTATE_AVX512 (7u << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */

/** Ask the host's CPU (or a test's table) for leaf.sub into r (EAX..EDX). */
typedef void (*cpuid_host_fn)(
	void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4]);

/** The guest context a leaf depends on. */
struct cpuid_guest {
	unsigned int vcpu_id;
	uint64_t cr4; /* CR4.OSXSAVE (bit 18) shows in leaf 1 */
};

/**
 * What the guest sees for leaf.sub (EAX, EBX, ECX, EDX into out), given the
 * host's CPUID through host(ctx, ...). Pure: no other input, no effect.
 */
void cpuid_policy_leaf(cpuid_host_fn host, void *ctx,
	const struct cpuid_guest *g, uint32_t leaf, uint32_t sub,
	uint32_t out[4]);

#endif
