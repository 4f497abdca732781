/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cmocka fixture of the hosted integration tests (prefix xhf_): a
 * running xen-hosted (harness.h) and a dom0 handle on it (libs/xenif).
 * Teardown fails the test when the daemon died or did not stop cleanly.
 */
#ifndef TESTS_HOSTED_FIXTURE_H
#define TESTS_HOSTED_FIXTURE_H

#include "harness.h"
#include "xenif.h"

struct xhf {
	struct xht_daemon *d;
	struct xenif *xi;
};

/** Start xen-hosted with extra arguments (may be NULL); *state = fixture. */
int xhf_start(void **state, const char *const *args);
int xhf_setup(void **state);
int xhf_teardown(void **state);
/** The next pending port of xe within timeout_ms, or -1. */
int xhf_wait_port(struct xenif_evtchn *xe, int timeout_ms);

#endif
