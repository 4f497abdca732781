/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cmocka fixture of the tests of xenstored serving hosted guests
 * (prefix xsf_): a running xen-hosted (fixture.h), xenstored started with
 * `--xen hosted` in its own directory (tests/xenstored/harness.h), a dom0
 * connection to its socket, and what a toolstack does to give a guest
 * domain its store ring (xsf_make_guest()).
 *
 * Teardown prints xenstored's log when it died (or with XHT_VERBOSE set)
 * and fails the test when it died.
 */
#ifndef TESTS_HOSTED_STORE_FIXTURE_H
#define TESTS_HOSTED_STORE_FIXTURE_H

#include <stdint.h>

#include "../xenstored/harness.h"
#include "fixture.h"

/* How long a guest or the test waits for a reply, event or child. */
#define XSF_WAIT_MS 10000
/* The guest frame of the store ring. */
#define XSF_STORE_PFN 1

struct xsc;

struct xsf {
	struct xhf *f;
	struct xst_daemon *xs;
	struct xsc *dom0; /* a dom0 connection to xenstored's socket */
};

/**
 * Start xen-hosted with hosted_args (NULL-terminated, may be NULL) and
 * xenstored on it; *state = the fixture.
 */
int xsf_start(void **state, const char *const *hosted_args);
int xsf_setup(void **state);
int xsf_teardown(void **state);
/** (Re)start xenstored on its database and connect r->dom0. */
void xsf_start_store(struct xsf *r);
/** SIGKILL xenstored (r->dom0 is closed first). */
void xsf_kill_store(struct xsf *r);

/**
 * What a toolstack does: a domain of max_pages pages (0: 64) with a store
 * ring (frame XSF_STORE_PFN) and channel, its home /local/domain/<id>
 * owned by it, then INTRODUCE. Returns the domid; handle is its handle.
 */
uint32_t xsf_make_guest_pages(
	struct xsf *r, uint64_t max_pages, uint8_t handle[16]);
uint32_t xsf_make_guest(struct xsf *r, uint8_t handle[16]);

/**
 * What a toolstack does to give domid a device, in one transaction: the
 * frontend /local/domain/<domid>/device/<type>/<devid> (the guest's, dom0
 * may read) with backend, backend-id, state 1 and the pairs of fe_kv; the
 * backend /local/domain/0/backend/<type>/<domid>/<devid> (dom0's, the
 * guest may read) with frontend, frontend-id, online, state 1 and the
 * pairs of be_kv. fe_kv and be_kv are NULL-terminated key, value lists
 * (or NULL).
 */
void xsf_make_device(struct xsf *r, const char *type, uint32_t domid,
	unsigned int devid, const char *const *fe_kv, const char *const *be_kv);

/** Read one byte from fd: 0 if it is want, else -1. */
int xsf_expect_byte(int fd, char want);

#endif
