/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny checker shared by the header tests: CHECK(cond) records and
 * prints a failure instead of aborting, so one run reports every wrong
 * value; main() returns check_result().
 *
 * Include it after the header under test, which must come first.
 */
#ifndef TESTS_XEN_HEADERS_CHECK_H
#define TESTS_XEN_HEADERS_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			check_failures++;                                      \
		}                                                              \
	} while (0)

/* Compare two integer values, printing both on a mismatch. */
#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long check_a_ = (long long)(a);                           \
		long long check_b_ = (long long)(b);                           \
		if (check_a_ != check_b_) {                                    \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n",  \
				__FILE__, __LINE__, #a, check_a_, check_b_);   \
			check_failures++;                                      \
		}                                                              \
	} while (0)

static inline int check_result(void)
{
	return check_failures == 0 ? 0 : 1;
}

#endif /* TESTS_XEN_HEADERS_CHECK_H */
