/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest CPUID policy (cpuid_policy.h has it leaf by leaf). Every leaf
 * is computed from the host's answers on each call: a guest executes CPUID
 * rarely, and a policy without state cannot go stale.
 */
#include "cpuid_policy.h"

#include <stdbool.h>
#include <stddef.h>

#define BASIC_MAX 0xdu
#define EXT_MAX 0x80000008u
#define CR4_OSXSAVE (1ull << 18)

/* Leaf 1 features nothing here emulates. */
#define HIDE_1C                                                                \
	((1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) |           \
		(1u << 8) | (1u << 11) | (1u << 15) | (1u << 18) |             \
		(1u << 21) | (1u << 24))
#define HIDE_1D                                                                \
	((1u << 7) | (1u << 9) | (1u << 14) | (1u << 21) | (1u << 22) |        \
		(1u << 28) | (1u << 29) | (1u << 31))
/* Leaf 7.0: SGX, PQM, MPX, PQE, Intel PT. */
#define HIDE_7B ((1u << 2) | (1u << 12) | (1u << 14) | (1u << 15) | (1u << 25))
/* Leaf 7.0: PKU, OSPKE, WAITPKG, CET_SS, LA57, SGX_LC, PKS. */
#define HIDE_7C                                                                \
	((1u << 3) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 16) |          \
		(1u << 30) | (1u << 31))
/* Leaf 7.0: hybrid, PCONFIG, CET_IBT, AMX, speculation-control MSRs. */
#define HIDE_7D                                                                \
	((1u << 15) | (1u << 18) | (1u << 20) | (1u << 22) | (1u << 24) |      \
		(1u << 25) | (1u << 26) | (1u << 27) | (1u << 28) |            \
		(1u << 29) | (1u << 30) | (1u << 31))
/* AVX-512 features beyond AVX512F, and AVX512F itself. */
#define AVX512_7B                                                              \
	((1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) |      \
		(1u << 28) | (1u << 30) | (1u << 31))
#define AVX512_7C ((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) | (1u << 14))
#define AVX512_7D                                                              \
	(CPUID_7D_AVX512_4VNNIW | CPUID_7D_AVX512_4FMAPS | (1u << 8) |         \
		(1u << 23))
/* Leaf 0x80000001 ECX: CmpLegacy, ExtApicSpace, SVM, OSVW, IBS, SKINIT,
 * WDT, LWP, topology extensions, performance counters, MONITORX. */
#define HIDE_81C                                                               \
	((1u << 1) | (1u << 2) | (1u << 3) | (1u << 9) | (1u << 10) |          \
		(1u << 12) | (1u << 13) | (1u << 15) | (1u << 22) |            \
		(1u << 23) | (1u << 24) | (1u << 26) | (1u << 27) |            \
		(1u << 28) | (1u << 29))
#define INVARIANT_TSC (1u << 8)

/** What the host offers that whole groups of features depend on. */
struct offer {
	uint32_t xcr0; /* state components offered (low word) */
	bool avx;
	bool avx512f;
};

static void host_leaf(cpuid_host_fn host, void *ctx, uint32_t leaf,
	uint32_t sub, uint32_t r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	host(ctx, leaf, sub, r);
}

static struct offer offer_of(cpuid_host_fn host, void *ctx)
{
	struct offer o = {.xcr0 = XSTATE_X87 | XSTATE_SSE};
	uint32_t l0[4], l1[4], l7[4], ld[4];
	uint32_t max;

	host_leaf(host, ctx, 0, 0, l0);
	max = l0[0];
	host_leaf(host, ctx, 1, 0, l1);
	if (max < 0xd || (l1[2] & CPUID_1C_XSAVE) == 0) {
		return o; /* no XSAVE: no AVX state either */
	}
	host_leaf(host, ctx, 0xd, 0, ld);
	o.avx = (l1[2] & CPUID_1C_AVX) != 0 && (ld[0] & XSTATE_AVX) != 0;
	if (!o.avx) {
		return o;
	}
	o.xcr0 |= XSTATE_AVX;
	host_leaf(host, ctx, 7, 0, l7);
	o.avx512f = (l7[1] & CPUID_7B_AVX512F) != 0 &&
		    (ld[0] & XSTATE_AVX512) == XSTATE_AVX512;
	if (o.avx512f) {
		o.xcr0 |= XSTATE_AVX512;
	}
	return o;
}

static void leaf1(
	const struct offer *o, const struct cpuid_guest *g, uint32_t r[4])
{
	r[1] = (r[1] & 0xffffu) | (1u << 16) | ((g->vcpu_id & 0xffu) << 24);
	r[2] &= ~(HIDE_1C | CPUID_1C_OSXSAVE);
	if (!o->avx) {
		r[2] &= ~(CPUID_1C_AVX | CPUID_1C_FMA | CPUID_1C_F16C);
	}
	if ((r[2] & CPUID_1C_XSAVE) != 0 && (g->cr4 & CR4_OSXSAVE) != 0) {
		r[2] |= CPUID_1C_OSXSAVE;
	}
	r[2] |= CPUID_1C_HYPERVISOR;
	r[3] &= ~HIDE_1D;
}

static void leaf7(const struct offer *o, uint32_t sub, uint32_t r[4])
{
	uint32_t host_edx = r[3];

	if (sub != 0) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	r[0] = 0; /* no further subleaves */
	r[1] &= ~HIDE_7B;
	r[2] &= ~HIDE_7C;
	r[3] &= ~HIDE_7D;
	if (!o->avx) {
		r[1] &= ~CPUID_7B_AVX2;
	}
	if (!o->avx512f) {
		r[1] &= ~AVX512_7B;
		r[2] &= ~AVX512_7C;
		r[3] &= ~AVX512_7D;
	}
	/* 4VNNIW and 4FMAPS: the host's bits, and only beside AVX512F. */
	r[3] &= ~(CPUID_7D_AVX512_4VNNIW | CPUID_7D_AVX512_4FMAPS);
	if (o->avx512f) {
		r[3] |= host_edx &
			(CPUID_7D_AVX512_4VNNIW | CPUID_7D_AVX512_4FMAPS);
	}
}

/* The end of the furthest offered component's area: the XSAVE size. */
static uint32_t xsave_size(cpuid_host_fn host, void *ctx, uint32_t xcr0)
{
	uint32_t size = 576; /* legacy area and header */
	uint32_t r[4];
	unsigned int i;

	for (i = 2; i < 32; i++) {
		if ((xcr0 & (1u << i)) == 0) {
			continue;
		}
		host_leaf(host, ctx, 0xd, i, r);
		if (r[1] + r[0] > size) {
			size = r[1] + r[0];
		}
	}
	return size;
}

static void leafd(cpuid_host_fn host, void *ctx, const struct offer *o,
	uint32_t sub, uint32_t r[4])
{
	if (sub == 0) {
		r[0] &= o->xcr0;
		r[2] = xsave_size(host, ctx, r[0]);
		r[3] = 0;
	} else if (sub == 1) {
		r[0] &= 0x7; /* XSAVEOPT, XSAVEC, XGETBV1; no XSAVES, XFD */
		r[1] = r[2] = r[3] = 0;
	} else if (sub >= 32 || (o->xcr0 & (1u << sub)) == 0) {
		r[0] = r[1] = r[2] = r[3] = 0;
	}
}

static void xen_leaf(uint32_t leaf, uint32_t r[4])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf - CPUID_XEN_BASE) {
	case 0:
		r[0] = CPUID_XEN_BASE + 2;
		r[1] = 0x566e6558; /* "XenV" */
		r[2] = 0x65584d4d; /* "MMXe" */
		r[3] = 0x4d4d566e; /* "nVMM" */
		break;
	case 1:
		r[0] = CPUID_XEN_VERSION;
		break;
	case 2:
		r[0] = 1; /* hypercall pages */
		r[1] = CPUID_XEN_HYPERCALL_MSR;
		break;
	default:
		break;
	}
}

static void basic_leaf(cpuid_host_fn host, void *ctx,
	const struct cpuid_guest *g, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct offer o;

	host_leaf(host, ctx, 0, 0, r);
	if (leaf > r[0] || leaf > BASIC_MAX) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	if (leaf == 0) {
		r[0] = r[0] < BASIC_MAX ? r[0] : BASIC_MAX;
		return;
	}
	o = offer_of(host, ctx);
	host_leaf(host, ctx, leaf, sub, r);
	switch (leaf) {
	case 1:
		leaf1(&o, g, r);
		break;
	case 2:
	case 4:
		break;
	case 7:
		leaf7(&o, sub, r);
		break;
	case 0xd:
		leafd(host, ctx, &o, sub, r);
		break;
	default:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	}
}

static void ext_leaf(cpuid_host_fn host, void *ctx, uint32_t leaf, uint32_t sub,
	uint32_t r[4])
{
	host_leaf(host, ctx, 0x80000000u, 0, r);
	if (r[0] < 0x80000000u || leaf > r[0] || leaf > EXT_MAX) {
		r[0] = r[1] = r[2] = r[3] = 0;
		return;
	}
	if (leaf == 0x80000000u) {
		r[0] = r[0] < EXT_MAX ? r[0] : EXT_MAX;
		return;
	}
	host_leaf(host, ctx, leaf, sub, r);
	switch (leaf) {
	case 0x80000001u:
		r[2] &= ~HIDE_81C;
		break;
	case 0x80000007u:
		r[0] = r[1] = r[2] = 0;
		r[3] &= INVARIANT_TSC;
		break;
	case 0x80000008u:
		r[0] &= 0xffffu; /* physical and linear address sizes */
		r[1] = r[2] = r[3] = 0;
		break;
	default: /* brand string, L1/L2/L3 caches */
		break;
	}
}

void cpuid_policy_leaf(cpuid_host_fn host, void *ctx,
	const struct cpuid_guest *g, uint32_t leaf, uint32_t sub,
	uint32_t out[4])
{
	if (leaf < CPUID_XEN_BASE) {
		basic_leaf(host, ctx, g, leaf, sub, out);
	} else if (leaf < CPUID_XEN_BASE + 0x10000u) {
		xen_leaf(leaf, out);
	} else if (leaf >= 0x80000000u && leaf < 0x80010000u) {
		ext_leaf(host, ctx, leaf, sub, out);
	} else {
		out[0] = out[1] = out[2] = out[3] = 0;
	}
}
