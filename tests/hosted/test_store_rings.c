/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored serving guest domains over their store rings on xen-hosted
 * (xenstored/ring.c; docs/misc/xenstore.txt "Domain management",
 * docs/misc/xenstore-ring.txt): INTRODUCE maps the ring and binds the
 * channel; guests use the ring through libs/hguest's xenbus client; dom0
 * uses the Unix socket. Covered: every basic operation from a guest,
 * @introduceDomain and @releaseDomain, a dead guest's nodes removed, a
 * hostile guest's ring indices stopping only that guest (error field),
 * and a SIGKILLed xenstored reattaching the rings and watches of running
 * guests. Watches and permissions between domains, more hostile guests,
 * reconnection, quotas and restarts under load: test_store_guests.c.
 */
#include <errno.h>
#include <signal.h>
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

#include "../xenstored/harness.h"
#include "hguest.h"
#include "hvm/params.h"
#include "sched.h"
#include "store_fixture.h"
#include "xenbus.h"
#include "xs_client.h"

#define WAIT_MS XSF_WAIT_MS

/* ---- a guest doing every basic operation over its ring ------------------ */

/* One raw request: 0 when the reply has want_type and, if given, want. */
static int raw_call(struct hg_xb *xb, uint32_t type, const char *payload,
	size_t len, uint32_t want_type, const char *want)
{
	uint32_t rtype;
	char *reply;
	size_t rlen;
	int ret;

	ret = hg_xb_request(xb, type, 0, payload, len, &rtype, &reply, &rlen);
	if (ret != 0) {
		return -1;
	}
	ret = rtype == want_type && (want == NULL || strcmp(reply, want) == 0)
		      ? 0
		      : -1;
	free(reply);
	return ret;
}

/*
 * The messages a guest sends besides the node operations: GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED, SET_PERMS, UNWATCH, RESET_WATCHES, GET_FEATURE,
 * DIRECTORY_PART, and the privileged ones refused with EACCES.
 */
static int guest_other_messages(struct hg *hg, struct hg_xb *xb)
{
	char me[16], home[64], buf[128];
	const char *perms[2];
	size_t n;

	snprintf(me, sizeof(me), "%u", hg_domid(hg));
	snprintf(home, sizeof(home), "/local/domain/%s", me);
	if (raw_call(xb, XS_GET_DOMAIN_PATH, me, strlen(me) + 1,
		    XS_GET_DOMAIN_PATH, home) != 0 ||
		raw_call(xb, XS_IS_DOMAIN_INTRODUCED, me, strlen(me) + 1,
			XS_IS_DOMAIN_INTRODUCED, "T") != 0 ||
		raw_call(xb, XS_GET_FEATURE, NULL, 0, XS_GET_FEATURE, NULL) !=
			0) {
		return -1;
	}
	/* DIRECTORY_PART from offset 0: generation, then the children. */
	n = (size_t)snprintf(buf, sizeof(buf), "%s/data%c0", home, 0) + 1;
	if (raw_call(xb, XS_DIRECTORY_PART, buf, n, XS_DIRECTORY_PART, NULL) !=
		0) {
		return -2;
	}
	/* SET_PERMS on its own node, then what it set is there. */
	snprintf(buf, sizeof(buf), "b%s", me);
	perms[0] = buf;
	if (hg_xb_write(xb, 0, "data/p", "v", 1) != 0 ||
		hg_xb_set_perms(xb, 0, "data/p", perms, 1) != 0) {
		return -3;
	}
	/* UNWATCH of a watch it set; RESET_WATCHES drops the others. */
	if (hg_xb_watch(xb, "data/u", "u") != 0 ||
		hg_xb_unwatch(xb, "data/u", "u") != 0 ||
		hg_xb_unwatch(xb, "data/u", "u") != -ENOENT ||
		raw_call(xb, XS_RESET_WATCHES, NULL, 0, XS_RESET_WATCHES,
			NULL) != 0 ||
		hg_xb_unwatch(xb, "data/w", "tok") != -ENOENT) {
		return -4;
	}
	/* Messages for the privileged domain only. */
	n = (size_t)snprintf(buf, sizeof(buf), "%s%c1%c1%c", me, 0, 0, 0);
	if (raw_call(xb, XS_INTRODUCE, buf, n, XS_ERROR, "EACCES") != 0 ||
		raw_call(xb, XS_RELEASE, me, strlen(me) + 1, XS_ERROR,
			"EACCES") != 0 ||
		raw_call(xb, XS_CONTROL, "print\0x", 8, XS_ERROR, "EACCES") !=
			0) {
		return -5;
	}
	return 0;
}

static int guest_basic(void *arg)
{
	int *pfd = arg;
	struct hg *hg = hg_attach();
	struct hg_xb *xb;
	char *v, **names, *path, *token, **perms;
	unsigned int n;
	uint32_t tx;

	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 10;
	}
	/* Relative paths are below the domain's home. */
	if (hg_xb_write(xb, 0, "data/a", "1", 1) != 0 ||
		hg_xb_mkdir(xb, 0, "data/dir") != 0 ||
		hg_xb_read(xb, 0, "data/a", &v, NULL) != 0 || strcmp(v, "1")) {
		return 11;
	}
	free(v);
	if (hg_xb_directory(xb, 0, "data", &names, &n) != 0 || n != 2) {
		return 12;
	}
	free(names);
	if (hg_xb_get_perms(xb, 0, "data/a", &perms, &n) != 0 || n < 1) {
		return 13;
	}
	free(perms);
	/* A transaction. */
	if (hg_xb_transaction_start(xb, &tx) != 0 ||
		hg_xb_write(xb, tx, "data/t", "x", 1) != 0 ||
		hg_xb_transaction_end(xb, tx, true) != 0) {
		return 14;
	}
	/* Outside its home without permission: refused. */
	if (hg_xb_write(xb, 0, "/tool/x", "1", 1) != -EACCES) {
		return 15;
	}
	if (hg_xb_read(xb, 0, "/nope", &v, NULL) != -ENOENT) {
		return 16;
	}
	/* A watch: the initial event, then dom0's write. */
	if (hg_xb_watch(xb, "data/w", "tok") != 0 ||
		hg_xb_read_watch(xb, WAIT_MS, &path, &token) != 0) {
		return 17;
	}
	free(path);
	free(token);
	if (write(pfd[1], "W", 1) != 1 ||
		hg_xb_read_watch(xb, WAIT_MS, &path, &token) != 0 ||
		strstr(path, "data/w") == NULL || strcmp(token, "tok") != 0) {
		return 18;
	}
	free(path);
	free(token);
	if (hg_xb_rm(xb, 0, "data/a") != 0) {
		return 19;
	}
	if (guest_other_messages(hg, xb) != 0) {
		return 20;
	}
	hg_xb_close(xb);
	hg_shutdown(hg, SHUTDOWN_poweroff);
	hg_close(hg);
	return 0;
}

static void test_guest_does_every_operation_over_its_ring(void **state)
{
	struct xsf *r = *state;
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);
	char path[64], *v;
	size_t len;
	int pfd[2];
	pid_t g;

	assert_int_equal(pipe(pfd), 0);
	g = xht_spawn_guest(r->f->d, domid, h, guest_basic, pfd);
	assert_int_equal(xenif_domain_unpause(r->f->xi, domid), 0);
	assert_int_equal(xsf_expect_byte(pfd[0], 'W'), 0);
	/* dom0 sees what the guest wrote, and fires its watch. */
	snprintf(path, sizeof(path), "/local/domain/%u/data/t", domid);
	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), 0);
	assert_string_equal(v, "x");
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%u/data/w", domid);
	assert_int_equal(xsc_write(r->dom0, 0, path, "go", 2), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* ---- @introduceDomain, @releaseDomain and a dead guest's nodes ---------- */

static int guest_writes_and_dies(void *arg)
{
	struct hg *hg = hg_attach();
	struct hg_xb *xb;

	(void)arg;
	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 20;
	}
	if (hg_xb_write(xb, 0, "data/owned", "mine", 4) != 0) {
		return 21;
	}
	return 0; /* the process ends: the domain dies */
}

static void test_dead_guest_is_released_and_its_nodes_removed(void **state)
{
	struct xsf *r = *state;
	char path[64], *v, *wpath, *token;
	uint8_t h[16];
	uint32_t domid, rtype;
	size_t len;
	pid_t g;

	assert_int_equal(xsc_watch(r->dom0, "@introduceDomain", "in"), 0);
	assert_int_equal(xsc_watch(r->dom0, "@releaseDomain", "out"), 0);
	/* The initial events. */
	assert_int_equal(xsc_read_watch(r->dom0, WAIT_MS, &wpath, &token), 0);
	free(wpath);
	free(token);
	assert_int_equal(xsc_read_watch(r->dom0, WAIT_MS, &wpath, &token), 0);
	free(wpath);
	free(token);
	domid = xsf_make_guest(r, h);
	assert_int_equal(xsc_read_watch(r->dom0, WAIT_MS, &wpath, &token), 0);
	assert_string_equal(wpath, "@introduceDomain");
	free(wpath);
	free(token);
	snprintf(path, sizeof(path), "%u", domid);
	assert_int_equal(xsc_request(r->dom0, XS_IS_DOMAIN_INTRODUCED, 0, path,
				 strlen(path) + 1, &rtype, &v, &len),
		0);
	assert_string_equal(v, "T");
	free(v);
	g = xht_spawn_guest(r->f->d, domid, h, guest_writes_and_dies, NULL);
	assert_int_equal(xenif_domain_unpause(r->f->xi, domid), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	/*
	 * Its death: @releaseDomain (once at its shutdown, once when it is
	 * gone, or once for both), then not introduced, its nodes gone.
	 */
	for (;;) {
		assert_int_equal(
			xsc_read_watch(r->dom0, WAIT_MS, &wpath, &token), 0);
		assert_string_equal(wpath, "@releaseDomain");
		free(wpath);
		free(token);
		snprintf(path, sizeof(path), "%u", domid);
		assert_int_equal(
			xsc_request(r->dom0, XS_IS_DOMAIN_INTRODUCED, 0, path,
				strlen(path) + 1, &rtype, &v, &len),
			0);
		if (strcmp(v, "F") == 0) {
			free(v);
			break;
		}
		assert_string_equal(v, "T");
		free(v);
	}
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), -ENOENT);
}

/* ---- a hostile ring ------------------------------------------------------ */

static int guest_bad_indices(void *arg)
{
	struct hg *hg = hg_attach();
	struct xenstore_domain_interface *intf;
	uint64_t pfn = 0, port = 0;
	int i;

	(void)arg;
	if (hg == NULL || hg_hvm_get_param(hg, HVM_PARAM_STORE_PFN, &pfn) ||
		hg_hvm_get_param(hg, HVM_PARAM_STORE_EVTCHN, &port)) {
		return 30;
	}
	intf = hg_gfn_to_ptr(hg, pfn);
	/* More input than the ring holds. */
	intf->req_prod = intf->req_cons + 5000;
	hg_evtchn_send(hg, (evtchn_port_t)port);
	for (i = 0; i < 500 && intf->error == 0; i++) {
		usleep(10000);
	}
	return intf->error == XENSTORE_ERROR_RINGIDX ? 0 : 31;
}

static void test_bad_ring_indices_stop_only_that_guest(void **state)
{
	struct xsf *r = *state;
	uint8_t h[16], h2[16];
	uint32_t bad = xsf_make_guest(r, h), good;
	int pfd[2];
	pid_t g;

	g = xht_spawn_guest(r->f->d, bad, h, guest_bad_indices, NULL);
	assert_int_equal(xenif_domain_unpause(r->f->xi, bad), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	/* Another guest is served as before. */
	good = xsf_make_guest(r, h2);
	assert_int_equal(pipe(pfd), 0);
	g = xht_spawn_guest(r->f->d, good, h2, guest_basic, pfd);
	assert_int_equal(xenif_domain_unpause(r->f->xi, good), 0);
	assert_int_equal(xsf_expect_byte(pfd[0], 'W'), 0);
	{
		char path[64];

		snprintf(path, sizeof(path), "/local/domain/%u/data/w", good);
		assert_int_equal(xsc_write(r->dom0, 0, path, "go", 2), 0);
	}
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* ---- restart ------------------------------------------------------------- */

static int guest_across_restart(void *arg)
{
	int *pfd = arg;
	struct hg *hg = hg_attach();
	struct hg_xb *xb;
	char *v, *path, *token;
	uint32_t tx;
	char c;
	int i;

	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 40;
	}
	if (hg_xb_write(xb, 0, "data/before", "1", 1) != 0 ||
		hg_xb_watch(xb, "data/later", "w") != 0 ||
		hg_xb_read_watch(xb, WAIT_MS, &path, &token) != 0) {
		return 41;
	}
	free(path);
	free(token);
	if (hg_xb_transaction_start(xb, &tx) != 0 ||
		hg_xb_write(xb, tx, "data/intx", "1", 1) != 0) {
		return 48;
	}
	/* Tell the test, and wait while it kills and restarts the store. */
	if (write(pfd[1], "R", 1) != 1 || read(pfd[0], &c, 1) != 1) {
		return 42;
	}
	/*
	 * The transaction was lost with the daemon: it is served on, but its
	 * commit is refused as a conflict, and a retry succeeds.
	 */
	if (hg_xb_write(xb, tx, "data/intx2", "1", 1) != 0 ||
		hg_xb_transaction_end(xb, tx, true) != -EAGAIN) {
		return 49;
	}
	if (hg_xb_transaction_start(xb, &tx) != 0 ||
		hg_xb_write(xb, tx, "data/intx", "2", 1) != 0 ||
		hg_xb_transaction_end(xb, tx, true) != 0) {
		return 50;
	}
	/* The same ring goes on working; acknowledged data is there. */
	for (i = 0; i < 20; i++) {
		char name[32];

		snprintf(name, sizeof(name), "data/after%d", i);
		if (hg_xb_write(xb, 0, name, "2", 1) != 0) {
			return 43;
		}
	}
	if (hg_xb_read(xb, 0, "data/before", &v, NULL) != 0 ||
		strcmp(v, "1") != 0) {
		return 44;
	}
	free(v);
	/* The watch survived: dom0 writes data/later after telling us. */
	if (write(pfd[1], "A", 1) != 1) {
		return 45;
	}
	for (i = 0; i < 3; i++) {
		if (hg_xb_read_watch(xb, WAIT_MS, &path, &token) != 0) {
			return 46;
		}
		if (strstr(path, "data/later") && strcmp(token, "w") == 0 &&
			read(pfd[0], &c, 1) == 1) {
			free(path);
			free(token);
			break;
		}
		free(path);
		free(token);
	}
	if (i == 3) {
		return 47;
	}
	hg_xb_close(xb);
	hg_shutdown(hg, SHUTDOWN_poweroff);
	hg_close(hg);
	return 0;
}

static void test_killed_store_reattaches_rings_and_watches(void **state)
{
	struct xsf *r = *state;
	int to_test[2], to_guest[2], io[2];
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);
	char path[64], *v;
	size_t len;
	pid_t g;

	assert_int_equal(pipe(to_test), 0);
	assert_int_equal(pipe(to_guest), 0);
	io[0] = to_guest[0];
	io[1] = to_test[1];
	g = xht_spawn_guest(r->f->d, domid, h, guest_across_restart, io);
	assert_int_equal(xenif_domain_unpause(r->f->xi, domid), 0);
	assert_int_equal(xsf_expect_byte(to_test[0], 'R'), 0);
	xsf_kill_store(r);
	xsf_start_store(r);
	assert_int_equal(write(to_guest[1], "g", 1), 1);
	assert_int_equal(xsf_expect_byte(to_test[0], 'A'), 0);
	snprintf(path, sizeof(path), "/local/domain/%u/data/after19", domid);
	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), 0);
	free(v);
	/* Only the retried transaction's write is there. */
	snprintf(path, sizeof(path), "/local/domain/%u/data/intx", domid);
	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), 0);
	assert_string_equal(v, "2");
	free(v);
	snprintf(path, sizeof(path), "/local/domain/%u/data/intx2", domid);
	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), -ENOENT);
	snprintf(path, sizeof(path), "/local/domain/%u/data/later", domid);
	assert_int_equal(xsc_write(r->dom0, 0, path, "now", 3), 0);
	assert_int_equal(write(to_guest[1], "g", 1), 1);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	close(to_test[0]);
	close(to_test[1]);
	close(to_guest[0]);
	close(to_guest[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_guest_does_every_operation_over_its_ring,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_dead_guest_is_released_and_its_nodes_removed,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_ring_indices_stop_only_that_guest, xsf_setup,
			xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_killed_store_reattaches_rings_and_watches,
			xsf_setup, xsf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
