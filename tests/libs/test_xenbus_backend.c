// SPDX-License-Identifier: GPL-2.0-only
/*
 * libs/xenbus_backend against the real xen-hosted and xenstored: the test
 * is the toolstack (it creates the frontend and backend nodes in one
 * transaction, as xl does) and runs the backend framework on its own event
 * loop; a forked guest is the frontend, through libs/hguest's xenbus
 * client. Covered: both sides reaching Connected with connect() given the
 * frontend's ring-ref and event-channel (the granted page mapped, the port
 * bound), bad ring-refs refused with an error node, the frontend closing,
 * the guest dying, and a new framework re-attaching a Connected device.
 */
#include <errno.h>
#include <event2/event.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "hguest.h"
#include "sched.h"
#include "store_fixture.h"
#include "xenbus.h"
#include "xenbus_backend.h"
#include "xs_client.h"

#define WAIT_MS XSF_WAIT_MS
#define TYPE "vtest"
#define MAXDEV 2

/* ---- the frontend: a guest ------------------------------------------------
 */

struct gcfg {
	int to_test[2];
	int to_guest[2];
	unsigned int ndev;
	const char *ring[MAXDEV]; /* NULL: a real grant of a page */
};

static int put(
	struct hg_xb *xb, unsigned int dev, const char *key, const char *v)
{
	char p[96];

	snprintf(p, sizeof(p), "device/" TYPE "/%u/%s", dev, key);
	return hg_xb_write(xb, 0, p, v, strlen(v));
}

/* Poll the backend's state until it is want. */
static int wait_backend(struct hg *hg, struct hg_xb *xb, const char *want)
{
	char p[96], *v;
	int i, ok;

	snprintf(p, sizeof(p), "/local/domain/0/backend/" TYPE "/%u/0/state",
		hg_domid(hg));
	for (i = 0; i < WAIT_MS / 10; i++) {
		if (hg_xb_read(xb, 0, p, &v, NULL) == 0) {
			ok = strcmp(v, want) == 0;
			free(v);
			if (ok) {
				return 0;
			}
		}
		usleep(10000);
	}
	return -1;
}

static int guest_frontend(void *arg)
{
	struct gcfg *c = arg;
	struct hg *hg = hg_attach();
	struct hg_xb *xb;
	char v[32], cmd;
	unsigned int i;
	int64_t gfn;
	int ref, port;

	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 10;
	}
	for (i = 0; i < c->ndev; i++) {
		port = hg_evtchn_alloc_unbound(hg, 0);
		if (port < 0) {
			return 11;
		}
		if (c->ring[i] == NULL) {
			gfn = hg_page_alloc(hg);
			ref = hg_gref_alloc(hg);
			if (gfn < 0 || ref < 0 ||
				hg_grant_access(hg, (grant_ref_t)ref, 0,
					(uint64_t)gfn, false) != 0) {
				return 12;
			}
			memcpy(hg_gfn_to_ptr(hg, (uint64_t)gfn), "hello", 6);
			snprintf(v, sizeof(v), "%d", ref);
		} else {
			snprintf(v, sizeof(v), "%s", c->ring[i]);
		}
		if (put(xb, i, "ring-ref", v) != 0) {
			return 13;
		}
		snprintf(v, sizeof(v), "%d", port);
		if (put(xb, i, "event-channel", v) != 0 ||
			put(xb, i, "state", "3") != 0) {
			return 14;
		}
	}
	if (write(c->to_test[1], "I", 1) != 1) {
		return 15;
	}
	for (;;) {
		if (read(c->to_guest[0], &cmd, 1) != 1) {
			return 16;
		}
		switch (cmd) {
		case 'C': /* the backend Connected, then so are we */
			if (wait_backend(hg, xb, "4") != 0 ||
				put(xb, 0, "state", "4") != 0) {
				return 17;
			}
			break;
		case 'X': /* close */
			if (put(xb, 0, "state", "5") != 0 ||
				wait_backend(hg, xb, "6") != 0 ||
				put(xb, 0, "state", "6") != 0) {
				return 18;
			}
			break;
		default: /* die */
			return 0;
		}
		if (write(c->to_test[1], &cmd, 1) != 1) {
			return 19;
		}
	}
}

/* ---- the backend: the framework in the test process ---------------------- */

struct ctx {
	int connects;
	int disconnects;
	uint64_t ring;
	uint64_t evtchn;
	int local_port;
	char page[8];
};

static int be_connect(struct xbb_dev *dev)
{
	struct ctx *c = xbb_arg(dev);
	uint64_t ring, evtchn;
	uint32_t ref;
	void *p;
	int ret;

	ret = xbb_read_uint(dev, "ring-ref", UINT32_MAX, &ring);
	if (ret == 0) {
		ret = xbb_read_uint(dev, "event-channel", UINT32_MAX, &evtchn);
	}
	if (ret != 0) {
		return ret;
	}
	ref = (uint32_t)ring;
	p = xbb_map(dev, &ref, 1, PROT_READ | PROT_WRITE);
	if (p == NULL) {
		return -errno;
	}
	memcpy(c->page, p, sizeof(c->page));
	c->local_port = xbb_bind(dev, (uint32_t)evtchn);
	if (c->local_port < 0) {
		return c->local_port;
	}
	c->ring = ring;
	c->evtchn = evtchn;
	c->connects++;
	return 0;
}

static void be_disconnect(struct xbb_dev *dev)
{
	struct ctx *c = xbb_arg(dev);

	c->disconnects++;
}

static const struct xbb_ops ops = {
	.connect = be_connect,
	.disconnect = be_disconnect,
};

/* probe: device 0 gets a feature key, device 1 is refused. */
static int be_probe(struct xbb_dev *dev)
{
	char *v;
	int ret;

	if (xbb_devid(dev) == 1) {
		return -ENOENT;
	}
	/* The toolstack's own key, read back through the helper. */
	ret = xbb_read_backend(dev, "frontend", 256, &v);
	if (ret != 0) {
		return ret;
	}
	ret = strcmp(v, xbb_frontend_path(dev)) == 0 ? 0 : -EINVAL;
	free(v);
	if (ret == 0 && xbb_read_backend(dev, "frontend", 4, &v) != -E2BIG) {
		ret = -EINVAL;
	}
	return ret == 0 ? xbb_write(dev, "feature-test", "1") : ret;
}

static const struct xbb_ops probe_ops = {
	.probe = be_probe,
	.connect = be_connect,
	.disconnect = be_disconnect,
};

static void run(struct event_base *base, int ms)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = ms * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Run the loop until fd gives a byte; 0 if it is want. */
static int expect_looping(struct event_base *base, int fd, char want)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char c;
	int i;

	for (i = 0; i < WAIT_MS / 20; i++) {
		if (poll(&pfd, 1, 0) == 1) {
			return read(fd, &c, 1) == 1 && c == want ? 0 : -1;
		}
		run(base, 20);
	}
	return -1;
}

/* Run the loop until the store node path holds want. */
static int wait_node(struct event_base *base, struct xsc *xs, const char *path,
	const char *want)
{
	char *v;
	size_t len;
	int i, ok;

	for (i = 0; i < WAIT_MS / 20; i++) {
		if (xsc_read(xs, 0, path, &v, &len) == 0) {
			ok = strcmp(v, want) == 0;
			free(v);
			if (ok) {
				return 0;
			}
		}
		run(base, 20);
	}
	return -1;
}

static int wait_count(struct event_base *base, int *counter, int want)
{
	int i;

	for (i = 0; i < WAIT_MS / 20 && *counter != want; i++) {
		run(base, 20);
	}
	return *counter == want ? 0 : -1;
}

/* ---- the toolstack --------------------------------------------------------
 */

static void make_device(struct xsf *r, uint32_t domid, unsigned int devid)
{
	xsf_make_device(r, TYPE, domid, devid, NULL, NULL);
}

static void state_path(
	char *buf, size_t n, bool backend, uint32_t domid, unsigned int devid)
{
	if (backend) {
		snprintf(buf, n, "/local/domain/0/backend/" TYPE "/%u/%u/state",
			domid, devid);
	} else {
		snprintf(buf, n, "/local/domain/%u/device/" TYPE "/%u/state",
			domid, devid);
	}
}

struct run {
	struct event_base *base;
	struct xbb *b;
	struct ctx c;
	struct gcfg g;
	uint32_t domid;
	pid_t pid;
};

/* A guest with g's devices, started; the framework serving them. */
static void start(struct xsf *r, struct run *t)
{
	uint8_t h[16];
	unsigned int i;

	t->base = event_base_new();
	assert_non_null(t->base);
	t->b = xbb_new_at(
		t->base, r->dom0, r->xs->sock, r->f->xi, TYPE, &ops, &t->c);
	assert_non_null(t->b);
	assert_int_equal(pipe(t->g.to_test), 0);
	assert_int_equal(pipe(t->g.to_guest), 0);
	t->domid = xsf_make_guest(r, h);
	for (i = 0; i < t->g.ndev; i++) {
		make_device(r, t->domid, i);
	}
	t->pid = xht_spawn_guest(r->f->d, t->domid, h, guest_frontend, &t->g);
	assert_int_equal(xenif_domain_unpause(r->f->xi, t->domid), 0);
	assert_int_equal(expect_looping(t->base, t->g.to_test[0], 'I'), 0);
}

static void command(struct run *t, char cmd)
{
	assert_int_equal(write(t->g.to_guest[1], &cmd, 1), 1);
	assert_int_equal(expect_looping(t->base, t->g.to_test[0], cmd), 0);
}

/* Both sides Connected, connect() given what the frontend wrote. */
static void connect_both(struct xsf *r, struct run *t)
{
	char p[128];

	command(t, 'C');
	assert_int_equal(t->c.connects, 1);
	assert_string_equal(t->c.page, "hello");
	assert_true(t->c.ring >= 8);
	assert_true(t->c.local_port >= 0);
	state_path(p, sizeof(p), true, t->domid, 0);
	assert_int_equal(wait_node(t->base, r->dom0, p, "4"), 0);
	state_path(p, sizeof(p), false, t->domid, 0);
	assert_int_equal(wait_node(t->base, r->dom0, p, "4"), 0);
}

/* The guest dies: disconnect() and the device forgotten. */
static void kill_guest(struct run *t, int disconnects)
{
	char cmd = 'D';
	int i;

	assert_int_equal(write(t->g.to_guest[1], &cmd, 1), 1);
	assert_int_equal(xht_wait_child(t->pid, WAIT_MS), 0);
	assert_int_equal(
		wait_count(t->base, &t->c.disconnects, disconnects), 0);
	for (i = 0; i < WAIT_MS / 20 && xbb_count(t->b) != 0; i++) {
		run(t->base, 20);
	}
	assert_int_equal(xbb_count(t->b), 0);
}

static void finish(struct run *t)
{
	xbb_free(t->b);
	event_base_free(t->base);
	close(t->g.to_test[0]);
	close(t->g.to_test[1]);
	close(t->g.to_guest[0]);
	close(t->g.to_guest[1]);
}

/* ---- the tests ------------------------------------------------------------
 */

static void test_both_sides_reach_connected(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};

	start(r, &t);
	connect_both(r, &t);
	assert_int_equal(t.c.disconnects, 0);
	assert_int_equal(xbb_count(t.b), 1);
	kill_guest(&t, 1);
	finish(&t);
}

static void test_bad_ring_ref_closes_with_error(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 2, .ring = {"12ab", "4294967296"}}};
	char p[128], *v;
	size_t len;
	unsigned int i;

	start(r, &t);
	for (i = 0; i < 2; i++) {
		state_path(p, sizeof(p), true, t.domid, i);
		assert_int_equal(wait_node(t.base, r->dom0, p, "6"), 0);
		snprintf(p, sizeof(p),
			"/local/domain/0/backend/" TYPE "/%u/%u/error", t.domid,
			i);
		assert_int_equal(xsc_read(r->dom0, 0, p, &v, &len), 0);
		assert_true(len > 0);
		free(v);
	}
	run(t.base, 100);
	assert_int_equal(t.c.connects, 0);
	assert_int_equal(t.c.disconnects, 0);
	kill_guest(&t, 0);
	finish(&t);
}

static void test_frontend_closing_closes_backend(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};
	char p[128];

	start(r, &t);
	connect_both(r, &t);
	command(&t, 'X');
	assert_int_equal(t.c.disconnects, 1);
	state_path(p, sizeof(p), true, t.domid, 0);
	assert_int_equal(wait_node(t.base, r->dom0, p, "6"), 0);
	/* Still known until its backend node goes or its domain dies. */
	assert_int_equal(xbb_count(t.b), 1);
	kill_guest(&t, 1);
	finish(&t);
}

static void test_guest_death_disconnects_and_forgets(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};

	start(r, &t);
	connect_both(r, &t);
	kill_guest(&t, 1);
	/* Its backend node is left to the toolstack; not picked up again. */
	run(t.base, 100);
	assert_int_equal(xbb_count(t.b), 0);
	assert_int_equal(t.c.connects, 1);
	finish(&t);
}

static void test_hot_unplug_disconnects_and_forgets(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};
	char p[128];
	int i;

	start(r, &t);
	connect_both(r, &t);
	snprintf(
		p, sizeof(p), "/local/domain/0/backend/" TYPE "/%u/0", t.domid);
	assert_int_equal(xsc_rm(r->dom0, 0, p), 0);
	assert_int_equal(wait_count(t.base, &t.c.disconnects, 1), 0);
	for (i = 0; i < WAIT_MS / 20 && xbb_count(t.b) != 0; i++) {
		run(t.base, 20);
	}
	assert_int_equal(xbb_count(t.b), 0);
	kill_guest(&t, 1);
	finish(&t);
}

static void test_toolstack_closing_the_backend_disconnects(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};
	char p[128];

	start(r, &t);
	connect_both(r, &t);
	/* libxl's device removal: online 0, backend state Closing. */
	snprintf(p, sizeof(p), "/local/domain/0/backend/" TYPE "/%u/0/online",
		t.domid);
	assert_int_equal(xsc_write(r->dom0, 0, p, "0", 1), 0);
	state_path(p, sizeof(p), true, t.domid, 0);
	assert_int_equal(xsc_write(r->dom0, 0, p, "5", 1), 0);
	assert_int_equal(wait_count(t.base, &t.c.disconnects, 1), 0);
	assert_int_equal(wait_node(t.base, r->dom0, p, "6"), 0);
	/* And it stays closed: the frontend is still Connected. */
	run(t.base, 200);
	assert_int_equal(t.c.connects, 1);
	kill_guest(&t, 1);
	finish(&t);
}

static void test_restarted_backend_reattaches(void **state)
{
	struct xsf *r = *state;
	struct run t = {.g = {.ndev = 1}};
	char p[128];

	start(r, &t);
	connect_both(r, &t);
	/* The backend goes away (its nodes stay), a new one starts. */
	xbb_free(t.b);
	assert_int_equal(t.c.disconnects, 1);
	memset(t.c.page, 0, sizeof(t.c.page));
	t.b = xbb_new_at(
		t.base, r->dom0, r->xs->sock, r->f->xi, TYPE, &ops, &t.c);
	assert_non_null(t.b);
	assert_int_equal(wait_count(t.base, &t.c.connects, 2), 0);
	assert_string_equal(t.c.page, "hello");
	assert_int_equal(xbb_count(t.b), 1);
	state_path(p, sizeof(p), true, t.domid, 0);
	assert_int_equal(wait_node(t.base, r->dom0, p, "4"), 0);
	kill_guest(&t, 2);
	finish(&t);
}

static void test_bad_frontend_or_frontend_id_is_refused(void **state)
{
	struct xsf *r = *state;
	struct ctx c = {0};
	struct event_base *base = event_base_new();
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);
	char p[128], bad[96], *v;
	size_t len;
	struct xbb *b;
	unsigned int i;

	/* Device 0 names another device's frontend, 1 another domain. */
	make_device(r, domid, 0);
	make_device(r, domid, 1);
	snprintf(p, sizeof(p), "/local/domain/0/backend/" TYPE "/%u/0/frontend",
		domid);
	snprintf(bad, sizeof(bad), "/local/domain/%u/device/" TYPE "/1", domid);
	assert_int_equal(xsc_write(r->dom0, 0, p, bad, strlen(bad)), 0);
	snprintf(p, sizeof(p),
		"/local/domain/0/backend/" TYPE "/%u/1/frontend-id", domid);
	assert_int_equal(xsc_write(r->dom0, 0, p, "0", 1), 0);
	assert_non_null(base);
	b = xbb_new_at(base, r->dom0, r->xs->sock, r->f->xi, TYPE, &ops, &c);
	assert_non_null(b);
	for (i = 0; i < 2; i++) {
		state_path(p, sizeof(p), true, domid, i);
		assert_int_equal(wait_node(base, r->dom0, p, "6"), 0);
		snprintf(p, sizeof(p),
			"/local/domain/0/backend/" TYPE "/%u/%u/error", domid,
			i);
		assert_int_equal(xsc_read(r->dom0, 0, p, &v, &len), 0);
		free(v);
	}
	run(base, 100);
	assert_int_equal(xbb_count(b), 0);
	assert_int_equal(c.connects, 0);
	xbb_free(b);
	event_base_free(base);
}

static void test_probe_writes_features_before_initwait_or_refuses(void **state)
{
	struct xsf *r = *state;
	struct ctx c = {0};
	struct event_base *base = event_base_new();
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);
	char p[128], *v;
	size_t len;
	struct xbb *b;

	make_device(r, domid, 0);
	make_device(r, domid, 1);
	assert_non_null(base);
	b = xbb_new_at(
		base, r->dom0, r->xs->sock, r->f->xi, TYPE, &probe_ops, &c);
	assert_non_null(b);
	state_path(p, sizeof(p), true, domid, 0);
	assert_int_equal(wait_node(base, r->dom0, p, "2"), 0);
	snprintf(p, sizeof(p),
		"/local/domain/0/backend/" TYPE "/%u/0/feature-test", domid);
	assert_int_equal(xsc_read(r->dom0, 0, p, &v, &len), 0);
	assert_string_equal(v, "1");
	free(v);
	/* The refused device: an error and Closed, and it stays so. */
	state_path(p, sizeof(p), true, domid, 1);
	assert_int_equal(wait_node(base, r->dom0, p, "6"), 0);
	snprintf(p, sizeof(p), "/local/domain/0/backend/" TYPE "/%u/1/error",
		domid);
	assert_int_equal(xsc_read(r->dom0, 0, p, &v, &len), 0);
	assert_non_null(strstr(v, "2 "));
	free(v);
	state_path(p, sizeof(p), false, domid, 1);
	assert_int_equal(xsc_write(r->dom0, 0, p, "3", 1), 0);
	run(base, 200);
	state_path(p, sizeof(p), true, domid, 1);
	assert_int_equal(wait_node(base, r->dom0, p, "6"), 0);
	assert_int_equal(c.connects, 0);
	assert_int_equal(xbb_count(b), 2);
	xbb_free(b);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_both_sides_reach_connected,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_ring_ref_closes_with_error, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_frontend_or_frontend_id_is_refused, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_frontend_closing_closes_backend, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_guest_death_disconnects_and_forgets, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_hot_unplug_disconnects_and_forgets, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_restarted_backend_reattaches, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_toolstack_closing_the_backend_disconnects,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_probe_writes_features_before_initwait_or_refuses,
			xsf_setup, xsf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
