/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the command-line parser (xen/arch/x86/cmdline.c): every
 * option, defaults, sizes and what happens to bad input.
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

#include "cmdline.h"
#include "xen/lib.h"

static void test_cmdline_defaults(void **state)
{
	struct cmdline_opts o;

	(void)state;
	cmdline_parse(&o, "");
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1);
	assert_int_equal(o.loglvl, XENLOG_INFO);
	assert_string_equal(o.sched, "");
	assert_int_equal(o.dom0_mem, 0);
	assert_string_equal(o.test, "");
	assert_int_equal(o.error_count, 0);
	cmdline_parse(&o, NULL);
	assert_int_equal(o.error_count, 0);
}

static void test_cmdline_every_option(void **state)
{
	struct cmdline_opts o;

	(void)state;
	cmdline_parse(&o, "  console=none\tloglvl=debug sched=null "
			  "dom0_mem=512M smp=2 test=fault  ");
	assert_int_equal(o.console, CMDLINE_CONSOLE_NONE);
	assert_int_equal(o.loglvl, XENLOG_DEBUG);
	assert_string_equal(o.sched, "null");
	assert_int_equal(o.dom0_mem, 512ull << 20);
	assert_int_equal(o.max_cpus, 2);
	assert_string_equal(o.test, "fault");
	assert_int_equal(o.error_count, 0);
	cmdline_parse(&o, "loglvl=err sched=credit loglvl=warning");
	assert_int_equal(o.loglvl, XENLOG_WARNING); /* the last one wins */
	assert_string_equal(o.sched, "credit");
}

static void test_cmdline_bad_values_keep_defaults(void **state)
{
	struct cmdline_opts o;

	(void)state;
	cmdline_parse(&o, "console=com9 loglvl sched=fifo dom0_mem=12Q "
			  "smp=0 bogus test=");
	assert_int_equal(o.console, CMDLINE_CONSOLE_COM1);
	assert_int_equal(o.loglvl, XENLOG_INFO);
	assert_string_equal(o.sched, "");
	assert_int_equal(o.dom0_mem, 0);
	assert_int_equal(o.max_cpus, 0);
	assert_int_equal(o.error_count, 7);
	assert_string_equal(o.errors[0], "console");
	assert_string_equal(o.errors[3], "dom0_mem");
}

static void test_cmdline_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(cmdline_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cmdline_parse_size("64k", &v), 0);
	assert_int_equal(v, 64ull << 10);
	assert_int_equal(cmdline_parse_size("3G", &v), 0);
	assert_int_equal(v, 3ull << 30);
	assert_int_equal(cmdline_parse_size("", &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("M", &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("1MB", &v), -EINVAL);
	assert_int_equal(
		cmdline_parse_size("99999999999999999999", &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("17179869184G", &v), -EINVAL);
}

static void test_cmdline_long_values_are_refused(void **state)
{
	struct cmdline_opts o;
	char s[128] = "test=";

	(void)state;
	memset(s + 5, 'x', 60);
	cmdline_parse(&o, s);
	assert_string_equal(o.test, "");
	assert_int_equal(o.error_count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_defaults),
		cmocka_unit_test(test_cmdline_every_option),
		cmocka_unit_test(test_cmdline_bad_values_keep_defaults),
		cmocka_unit_test(test_cmdline_sizes),
		cmocka_unit_test(test_cmdline_long_values_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
