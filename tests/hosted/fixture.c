/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted integration tests' cmocka fixture (fixture.h).
 */
#include "fixture.h"

#include <poll.h>
#include <stdlib.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

int xhf_start(void **state, const char *const *args)
{
	struct xhf *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->d = xht_start(args);
	assert_non_null(f->d);
	f->xi = xenif_open(XENIF_HOSTED, f->d->sock);
	assert_non_null(f->xi);
	*state = f;
	return 0;
}

int xhf_setup(void **state)
{
	return xhf_start(state, NULL);
}

int xhf_teardown(void **state)
{
	struct xhf *f = *state;
	bool alive = xht_running(f->d);

	xenif_close(f->xi);
	if (!alive) {
		xht_print_log(f->d);
	}
	assert_int_equal(xht_stop(f->d), 0);
	free(f);
	assert_true(alive);
	return 0;
}

int xhf_wait_port(struct xenif_evtchn *xe, int timeout_ms)
{
	struct pollfd p = {.fd = xenif_evtchn_fd(xe), .events = POLLIN};
	int port = xenif_evtchn_pending(xe);

	if (port >= 0) {
		return port;
	}
	if (poll(&p, 1, timeout_ms) <= 0) {
		return -1;
	}
	return xenif_evtchn_pending(xe);
}
