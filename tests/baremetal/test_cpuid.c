/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the guest CPUID policy (xen/arch/x86/cpuid_policy.c) on
 * synthetic host CPUs: a table of host leaves stands in for the CPUID
 * instruction. QEMU cannot execute AVX-512, so these tests are where the
 * AVX512_4VNNIW/AVX512_4FMAPS rule (leaf 7.0 EDX bits 2 and 3: passed
 * through only when the host has them and AVX512F is offered) is proven.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <string.h>

#include "cpuid_policy.h"

#define MAX_LEAVES 32

struct host_leaf {
	uint32_t leaf, sub;
	uint32_t r[4];
};

/** A synthetic host: the leaves it answers, zeros for the rest. */
struct host {
	struct host_leaf l[MAX_LEAVES];
	unsigned int count;
	unsigned int queries;
};

static void host_set(struct host *h, uint32_t leaf, uint32_t sub, uint32_t a,
	uint32_t b, uint32_t c, uint32_t d)
{
	unsigned int i;

	for (i = 0; i < h->count; i++) {
		if (h->l[i].leaf == leaf && h->l[i].sub == sub) {
			break;
		}
	}
	assert_true(i < MAX_LEAVES);
	if (i == h->count) {
		h->count++;
	}
	h->l[i] = (struct host_leaf){leaf, sub, {a, b, c, d}};
}

static void host_query(void *ctx, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct host *h = ctx;
	unsigned int i;

	h->queries++;
	memset(r, 0, 4 * sizeof(r[0]));
	for (i = 0; i < h->count; i++) {
		if (h->l[i].leaf == leaf && h->l[i].sub == sub) {
			memcpy(r, h->l[i].r, 4 * sizeof(r[0]));
		}
	}
}

#define L1C_BASE (CPUID_1C_XSAVE | CPUID_1C_AVX | CPUID_1C_FMA | (1u << 0))
#define L7D_BOTH (CPUID_7D_AVX512_4VNNIW | CPUID_7D_AVX512_4FMAPS)

/*
 * A host like a Xeon Phi: XSAVE with x87/SSE/AVX and the AVX-512 state
 * components, AVX512F, 4VNNIW and 4FMAPS, VMX and x2APIC.
 */
static void host_avx512(
	struct host *h, uint32_t l7_ebx, uint32_t l7_edx, uint32_t xcr0)
{
	memset(h, 0, sizeof(*h));
	host_set(h, 0, 0, 0x16, 0x756e6547, 0x6c65746e, 0x49656e69);
	host_set(h, 1, 0, 0x50671, 0x00040800,
		L1C_BASE | CPUID_1C_VMX | CPUID_1C_X2APIC | CPUID_1C_MONITOR,
		0x178bfbff);
	host_set(h, 7, 0, 0, l7_ebx, 0, l7_edx);
	host_set(h, 0xd, 0, xcr0, 0x340, 0xa88, 0);
	host_set(h, 0xd, 1, 0xf, 0, 0, 0);
	host_set(h, 0xd, 2, 256, 576, 0, 0);
	host_set(h, 0xd, 5, 64, 1088, 0, 0);
	host_set(h, 0xd, 6, 512, 1152, 0, 0);
	host_set(h, 0xd, 7, 1024, 1664, 0, 0);
	host_set(h, 0xb, 0, 1, 2, 0x100, 0);
	host_set(h, 0x80000000, 0, 0x8000001f, 0, 0, 0);
	host_set(h, 0x80000001, 0, 0, 0, CPUID_81C_SVM | 1u, 0x2c100800);
	host_set(h, 0x80000007, 0, 0, 0, 0, 0x100 | 0x3);
	host_set(h, 0x80000008, 0, 0x3030, 0x1000, 0x7, 0);
	host_set(h, 0x8000000a, 0, 1, 16, 0, 0x1);
}

static void guest_leaf(struct host *h, uint32_t leaf, uint32_t sub,
	uint64_t cr4, uint32_t r[4])
{
	struct cpuid_guest g = {.vcpu_id = 3, .cr4 = cr4};

	cpuid_policy_leaf(host_query, h, &g, leaf, sub, r);
}

static uint32_t guest_7d(struct host *h)
{
	uint32_t r[4];

	guest_leaf(h, 7, 0, 0, r);
	return r[3];
}

static void test_4vnniw_4fmaps_pass_with_host_bits_and_avx512f(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F, L7D_BOTH, 0xe7);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, L7D_BOTH);
	guest_leaf(&h, 7, 0, 0, r);
	assert_true(r[1] & CPUID_7B_AVX512F);
}

static void test_4vnniw_4fmaps_each_follows_its_own_host_bit(void **state)
{
	struct host h;

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F, CPUID_7D_AVX512_4VNNIW, 0xe7);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, CPUID_7D_AVX512_4VNNIW);
	host_avx512(&h, CPUID_7B_AVX512F, CPUID_7D_AVX512_4FMAPS, 0xe7);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, CPUID_7D_AVX512_4FMAPS);
}

static void test_4vnniw_4fmaps_cleared_when_host_lacks_them(void **state)
{
	struct host h;

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F, 0, 0xe7);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, 0);
}

static void test_4vnniw_4fmaps_cleared_without_host_avx512f(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, 0, L7D_BOTH, 0xe7);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, 0);
	guest_leaf(&h, 7, 0, 0, r);
	assert_false(r[1] & CPUID_7B_AVX512F);
}

static void test_4vnniw_4fmaps_cleared_without_avx512_state(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	/* AVX512F in leaf 7 but no opmask/ZMM state: AVX512F not offered. */
	host_avx512(&h, CPUID_7B_AVX512F, L7D_BOTH, 0x07);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, 0);
	guest_leaf(&h, 7, 0, 0, r);
	assert_false(r[1] & CPUID_7B_AVX512F);
	/* ... nor without XSAVE at all. */
	host_avx512(&h, CPUID_7B_AVX512F, L7D_BOTH, 0xe7);
	host_set(&h, 1, 0, 0x50671, 0, L1C_BASE & ~CPUID_1C_XSAVE, 0);
	assert_int_equal(guest_7d(&h) & L7D_BOTH, 0);
}

static void test_leaf7_hides_msr_backed_and_unprovided_features(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F | (1u << 2) | (1u << 14) | (1u << 3),
		(1u << 26) | (1u << 29) | (1u << 10) | L7D_BOTH, 0xe7);
	host_set(&h, 7, 0, 2, CPUID_7B_AVX512F | (1u << 2) | (1u << 3),
		(1u << 16) | (1u << 5) | (1u << 9),
		(1u << 26) | (1u << 10) | L7D_BOTH);
	guest_leaf(&h, 7, 0, 0, r);
	assert_int_equal(r[0], 0); /* no subleaf 1 or 2 */
	assert_int_equal(r[1], CPUID_7B_AVX512F | (1u << 3)); /* BMI1 kept */
	assert_int_equal(r[2], 1u << 9); /* VAES kept, LA57/WAITPKG not */
	assert_int_equal(r[3], (1u << 10) | L7D_BOTH); /* MD_CLEAR kept */
	guest_leaf(&h, 7, 1, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_leaf1_hides_vmx_x2apic_and_sets_hypervisor(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F, 0, 0xe7);
	guest_leaf(&h, 1, 0, 0, r);
	assert_int_equal(r[0], 0x50671);
	assert_false(r[2] & CPUID_1C_VMX);
	assert_false(r[2] & CPUID_1C_X2APIC);
	assert_false(r[2] & CPUID_1C_MONITOR);
	assert_false(r[3] & CPUID_1D_APIC);
	assert_true(r[2] & CPUID_1C_HYPERVISOR);
	assert_true(r[2] & CPUID_1C_AVX);
	assert_int_equal(r[1] >> 24, 3); /* APIC ID: the vCPU */
	assert_int_equal((r[1] >> 16) & 0xff, 1);
	assert_false(r[2] & CPUID_1C_OSXSAVE);
	guest_leaf(&h, 1, 0, 1u << 18, r);
	assert_true(r[2] & CPUID_1C_OSXSAVE);
}

static void test_leaf1_hides_avx_without_its_state(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F | CPUID_7B_AVX2, L7D_BOTH, 0x03);
	guest_leaf(&h, 1, 0, 0, r);
	assert_false(r[2] & (CPUID_1C_AVX | CPUID_1C_FMA));
	guest_leaf(&h, 7, 0, 0, r);
	assert_false(r[1] & (CPUID_7B_AVX2 | CPUID_7B_AVX512F));
	assert_int_equal(r[3] & L7D_BOTH, 0);
}

static void test_leaf_d_offers_only_known_state(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, CPUID_7B_AVX512F, 0, 0x2ff); /* with MPX and PKRU */
	guest_leaf(&h, 0xd, 0, 0, r);
	assert_int_equal(r[0], 0xe7);
	assert_int_equal(r[2], 1664 + 1024); /* Hi16_ZMM ends the area */
	assert_int_equal(r[3], 0);
	guest_leaf(&h, 0xd, 1, 0, r);
	assert_int_equal(r[0], 0x7); /* no XSAVES */
	guest_leaf(&h, 0xd, 3, 0, r);
	assert_int_equal(r[0] | r[1], 0);
	guest_leaf(&h, 0xd, 5, 0, r);
	assert_int_equal(r[0], 64);
	host_avx512(&h, 0, 0, 0x2ff);
	guest_leaf(&h, 0xd, 0, 0, r);
	assert_int_equal(r[0], 0x7);
	assert_int_equal(r[2], 832);
	guest_leaf(&h, 0xd, 5, 0, r);
	assert_int_equal(r[0], 0);
}

static void test_basic_and_extended_ranges_are_capped(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	host_avx512(&h, 0, 0, 0x7);
	guest_leaf(&h, 0, 0, 0, r);
	assert_int_equal(r[0], 0xd);
	assert_int_equal(r[1], 0x756e6547); /* the host's vendor */
	guest_leaf(&h, 0xb, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	guest_leaf(&h, 0x14, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	guest_leaf(&h, 0x80000000, 0, 0, r);
	assert_int_equal(r[0], 0x80000008);
	guest_leaf(&h, 0x8000000a, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	guest_leaf(&h, 0x80000001, 0, 0, r);
	assert_false(r[2] & CPUID_81C_SVM);
	assert_int_equal(r[3], 0x2c100800);
	guest_leaf(&h, 0x80000007, 0, 0, r);
	assert_int_equal(r[3], 0x100);
	guest_leaf(&h, 0x80000008, 0, 0, r);
	assert_int_equal(r[0], 0x3030);
	assert_int_equal(r[1] | r[2], 0);
	guest_leaf(&h, 0xc0000000, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_small_host_answers_only_its_leaves(void **state)
{
	struct host h;
	uint32_t r[4];

	(void)state;
	memset(&h, 0, sizeof(h));
	host_set(&h, 0, 0, 1, 0x68747541, 0x444d4163, 0x69746e65);
	host_set(&h, 1, 0, 0x600, 0, 0, 0);
	host_set(&h, 7, 0, 0, ~0u, ~0u, ~0u); /* beyond its max leaf */
	guest_leaf(&h, 7, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	guest_leaf(&h, 0x80000000, 0, 0, r);
	assert_int_equal(r[0], 0);
	guest_leaf(&h, 1, 0, 0, r);
	assert_int_equal(r[2], CPUID_1C_HYPERVISOR);
}

static void test_xen_leaves(void **state)
{
	struct host h;
	uint32_t r[4];
	char sig[13];

	(void)state;
	host_avx512(&h, 0, 0, 0x7);
	guest_leaf(&h, 0x40000000, 0, 0, r);
	assert_int_equal(r[0], 0x40000002);
	memcpy(sig, &r[1], 12);
	sig[12] = '\0';
	assert_string_equal(sig, "XenVMMXenVMM");
	guest_leaf(&h, 0x40000001, 0, 0, r);
	assert_int_equal(r[0], (4u << 16) | 9u);
	guest_leaf(&h, 0x40000002, 0, 0, r);
	assert_int_equal(r[0], 1);
	assert_int_equal(r[1], 0x40000000);
	guest_leaf(&h, 0x40000100, 0, 0, r);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_4vnniw_4fmaps_pass_with_host_bits_and_avx512f),
		cmocka_unit_test(
			test_4vnniw_4fmaps_each_follows_its_own_host_bit),
		cmocka_unit_test(
			test_4vnniw_4fmaps_cleared_when_host_lacks_them),
		cmocka_unit_test(
			test_4vnniw_4fmaps_cleared_without_host_avx512f),
		cmocka_unit_test(
			test_4vnniw_4fmaps_cleared_without_avx512_state),
		cmocka_unit_test(
			test_leaf7_hides_msr_backed_and_unprovided_features),
		cmocka_unit_test(
			test_leaf1_hides_vmx_x2apic_and_sets_hypervisor),
		cmocka_unit_test(test_leaf1_hides_avx_without_its_state),
		cmocka_unit_test(test_leaf_d_offers_only_known_state),
		cmocka_unit_test(test_basic_and_extended_ranges_are_capped),
		cmocka_unit_test(test_small_host_answers_only_its_leaves),
		cmocka_unit_test(test_xen_leaves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
