/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hosted guest's 9pfs frontend (prefix p9f_), as Linux's 9pnet_xen does
 * it (docs/misc/9pfs.pandoc): wait for the backend's InitWait, check
 * "versions", "max-rings" and "max-ring-page-order", grant an index page
 * and 2^order data pages per ring, allocate a channel per ring, write
 * "version", "num-rings", "ring-ref<N>" and "event-channel-<N>", go
 * Initialised, wait for Connected, go Connected. Each ring then carries
 * 9P messages for a p9c client (p9client.h).
 */
#ifndef TESTS_P9_P9FRONT_H
#define TESTS_P9_P9FRONT_H

#include "p9client.h"

struct hg;
struct hg_xb;
struct p9f;

/*
 * Connect device devid with nr_rings rings of 2^order pages each (the
 * pages and grant refs come from hg). NULL with errno (ETIMEDOUT when the
 * backend never gets to a state, EPROTO when its keys are unusable).
 */
struct p9f *p9f_connect(struct hg *hg, struct hg_xb *xb, unsigned int devid,
	unsigned int nr_rings, unsigned int order, int timeout_ms);
/* A 9P client on ring i (freeing it leaves the ring as it is). */
struct p9c *p9f_client(struct p9f *f, unsigned int ring);
/* The index page of ring i, for tests that break the ring rules. */
void *p9f_intf(struct p9f *f, unsigned int ring);
/* Signal ring i's event channel. */
int p9f_kick(struct p9f *f, unsigned int ring);
/* Go Closing, wait for the backend's Closed, go Closed; free. */
int p9f_close(struct p9f *f);

#endif
