/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of vsnprintk() (xen/common/lib.c): each conversion the core
 * uses, widths and zero padding, and truncation, compared with the host's
 * snprintf where the two must agree.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch_fake.h"

static char out[256];

static __attribute__((format(printf, 3, 4))) int fmt(
	char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintk(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* vsnprintk and the host's vsnprintf give the same text and length. */
static __attribute__((format(printf, 1, 2))) void same(const char *f, ...)
{
	char want[256];
	va_list ap, ap2;
	int n, m;

	va_start(ap, f);
	va_copy(ap2, ap);
	memset(out, 'Z', sizeof(out));
	n = vsnprintk(out, sizeof(out), f, ap);
	m = vsnprintf(want, sizeof(want), f, ap2);
	va_end(ap2);
	va_end(ap);
	if (n != m || strcmp(out, want) != 0) {
		fail_msg("format \"%s\": got \"%s\" (%d), want \"%s\" (%d)", f,
			out, n, want, m);
	}
}

static void test_signed_decimals_match_printf(void **state)
{
	(void)state;
	same("%d", 0);
	same("%d", 42);
	same("%d", -42);
	same("%d", INT_MAX);
	same("%d", INT_MIN);
	same("%i", -7);
	same("%ld", LONG_MAX);
	same("%ld", LONG_MIN);
	same("%lld", LLONG_MAX);
	same("%lld", LLONG_MIN);
	same("a%db%dc", 1, -1);
}

static void test_unsigned_and_hex_match_printf(void **state)
{
	(void)state;
	same("%u", 0u);
	same("%u", UINT_MAX);
	same("%x", 0u);
	same("%x", 0xdeadbeefu);
	same("%X", 0xdeadbeefu);
	same("%lx", ULONG_MAX);
	same("%lx", 0x123456789abcdefUL);
	same("%lu", ULONG_MAX);
	same("%llu", ULLONG_MAX);
	same("%llu", 0ULL);
	same("%llx", 0xfedcba9876543210ULL);
	same("%zu", SIZE_MAX);
	same("%zx", (size_t)0xabc);
}

static void test_strings_characters_and_percent_match_printf(void **state)
{
	const char *volatile null_str = NULL;

	(void)state;
	same("%s", "hello");
	same("%s", "");
	same("[%s|%s]", "a", "bc");
	same("%c", 'A');
	same("%c%c%c", 'x', ' ', '~');
	same("%%");
	same("100%% of %d", 3);
	same("no conversions at all");
	same("%s", "(d3) tab\there");
	assert_int_equal(fmt(out, sizeof(out), "%s", null_str), 6);
	assert_string_equal(out, "(null)");
}

static void test_pointers_print_in_hex_with_0x(void **state)
{
	int x;

	(void)state;
	same("%p", (void *)&x);
	same("%p", (void *)(uintptr_t)0xdeadbeefu);
	assert_int_equal(
		fmt(out, sizeof(out), "%p", (void *)(uintptr_t)0x1f), 4);
	assert_string_equal(out, "0x1f");
}

static void test_width_and_zero_padding_match_printf(void **state)
{
	(void)state;
	same("%5d", 42);
	same("%05d", 42);
	same("%5d", -42);
	same("%05d", -42);
	same("%3d", -42);
	same("%2d", 12345);
	same("%1d", 0);
	same("%08x", 0xbeefu);
	same("%8x", 0xbeefu);
	same("%016lx", 0x1234UL);
	same("%02x%02x", 0x1u, 0xabu);
	same("%10u", 7u);
	same("%010llu", 12345ULL);
	same("%020lld", -12345LL);
	same("%4X", 0xau);
}

static void test_truncation_keeps_a_terminated_prefix_and_counts_everything(
	void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 5, "hello world"), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'Z');

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 4, "%d", 123456), 6);
	assert_string_equal(buf, "123");

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 6, "%s-%s", "abcd", "efgh"), 9);
	assert_string_equal(buf, "abcd-");

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 3, "%08x", 0x1u), 8);
	assert_string_equal(buf, "00");

	/* Exactly fitting, and one short. */
	assert_int_equal(fmt(buf, 8, "%s", "1234567"), 7);
	assert_string_equal(buf, "1234567");
	assert_int_equal(fmt(buf, 7, "%s", "1234567"), 7);
	assert_string_equal(buf, "123456");

	/* Size 1 holds only the terminator; size 0 touches nothing. */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 1, "%d", 42), 2);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'Z');
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(fmt(buf, 0, "%s", "anything"), 8);
	assert_int_equal(buf[0], 'Z');
	assert_int_equal(fmt(NULL, 0, "%llu", ULLONG_MAX), 20);
}

static void test_snprintk_is_vsnprintk(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(snprintk(buf, sizeof(buf), "(d%u) %s", 3u, "hi"), 7);
	assert_string_equal(buf, "(d3) hi");
	assert_int_equal(snprintk(buf, 4, "(d%u) %s", 32767u, "hi"), 11);
	assert_string_equal(buf, "(d3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_decimals_match_printf),
		cmocka_unit_test(test_unsigned_and_hex_match_printf),
		cmocka_unit_test(
			test_strings_characters_and_percent_match_printf),
		cmocka_unit_test(test_pointers_print_in_hex_with_0x),
		cmocka_unit_test(test_width_and_zero_padding_match_printf),
		cmocka_unit_test(
			test_truncation_keeps_a_terminated_prefix_and_counts_everything),
		cmocka_unit_test(test_snprintk_is_vsnprintk),
	};

	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
