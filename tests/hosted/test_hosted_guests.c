/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of xen-hosted with guest processes (libs/hguest) and
 * dom0 (libs/xenif): two guests ping-pong over an interdomain event
 * channel; a guest grants a page that dom0 maps read-write and read-only,
 * an ungranted reference cannot be mapped and unmapping clears the status
 * flags; SCHEDOP_block and SCHEDOP_poll hold the guest until an event or
 * the timeout; a paused guest starts only when unpaused; a guest's exit
 * gives dom0 VIRQ_DOM_EXC and the domain is gone; a process with a wrong
 * handle or a garbage packet cannot harm anyone, nor can a guest making
 * 20,000 random hypercalls with random arguments.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "fixture.h"
#include "hguest.h"
#include "sched.h"
#include "xen.h"
#include "xenif.h"
#include "xh_proto.h"

#define WAIT_MS 10000

static int setup_keep_dead(void **state)
{
	static const char *const args[] = {"--keep-dead", NULL};

	return xhf_start(state, args);
}

static uint32_t new_domain(struct xhf *f, uint8_t handle[16])
{
	struct xenif_domain_config cfg = {.max_pages = 64};
	uint32_t domid;

	assert_int_equal(xenif_domain_create(f->xi, &cfg, &domid), 0);
	memcpy(handle, cfg.handle, 16);
	return domid;
}

/* ---- ping-pong ----------------------------------------------------------- */

#define ROUNDS 500

struct pingpong {
	uint32_t peer;
	evtchn_port_t port; /* A's unbound port for B */
};

static int guest_ponger(void *arg)
{
	struct pingpong *pp = arg;
	struct hg *hg = hg_attach();
	int i;

	if (hg == NULL) {
		return 10;
	}
	for (i = 0; i < ROUNDS; i++) {
		if (hg_wait_port(hg, pp->port, WAIT_MS) != 1) {
			return 11;
		}
		if (hg_evtchn_send(hg, pp->port) != 0) {
			return 12;
		}
	}
	hg_close(hg);
	return 0;
}

static int guest_pinger(void *arg)
{
	struct pingpong *pp = arg;
	struct hg *hg = hg_attach();
	int port, i;

	if (hg == NULL) {
		return 20;
	}
	port = hg_evtchn_bind_interdomain(hg, (domid_t)pp->peer, pp->port);
	if (port <= 0) {
		return 21;
	}
	/* Binding marks our end pending once; take that away first. */
	if (hg_wait_port(hg, (evtchn_port_t)port, WAIT_MS) != 1) {
		return 22;
	}
	for (i = 0; i < ROUNDS; i++) {
		if (hg_evtchn_send(hg, (evtchn_port_t)port) != 0) {
			return 23;
		}
		if (hg_wait_port(hg, (evtchn_port_t)port, WAIT_MS) != 1) {
			return 24;
		}
	}
	hg_close(hg);
	return 0;
}

static void test_two_guests_ping_pong_over_an_interdomain_channel(void **state)
{
	struct xhf *f = *state;
	uint8_t ha[16], hb[16];
	uint32_t a = new_domain(f, ha), b = new_domain(f, hb);
	struct pingpong pa, pb;
	pid_t ga, gb;
	int port;

	port = xenif_evtchn_alloc_unbound(f->xi, a, b);
	assert_true(port > 0);
	pa.peer = b;
	pa.port = (evtchn_port_t)port;
	pb.peer = a;
	pb.port = (evtchn_port_t)port;
	ga = xht_spawn_guest(f->d, a, ha, guest_ponger, &pa);
	gb = xht_spawn_guest(f->d, b, hb, guest_pinger, &pb);
	assert_int_equal(xenif_domain_unpause(f->xi, a), 0);
	assert_int_equal(xenif_domain_unpause(f->xi, b), 0);
	assert_int_equal(xht_wait_child(gb, 60000), 0);
	assert_int_equal(xht_wait_child(ga, 60000), 0);
}

/* ---- grants ------------------------------------------------------------- */

struct grant_test {
	int to_parent[2];
	int to_guest[2];
};

struct grant_info {
	uint32_t rw, ro, none;
};

static const char guest_text[] = "hello from the guest";
static const char dom0_text[] = "written by dom0";

static int expect_byte(int fd, char want)
{
	char c;

	return read(fd, &c, 1) == 1 && c == want ? 0 : -1;
}

static int guest_granter(void *arg)
{
	struct grant_test *t = arg;
	struct hg *hg = hg_attach();
	struct grant_info gi;
	struct grant_entry_v1 *gt;
	int64_t gfn;
	char *page;
	int rw, ro, none;

	if (hg == NULL) {
		return 30;
	}
	gfn = hg_page_alloc(hg);
	rw = hg_gref_alloc(hg);
	ro = hg_gref_alloc(hg);
	none = hg_gref_alloc(hg);
	if (gfn < 0 || rw < 0 || ro < 0 || none < 0) {
		return 31;
	}
	page = hg_gfn_to_ptr(hg, (uint64_t)gfn);
	memcpy(page, guest_text, sizeof(guest_text));
	if (hg_grant_access(hg, (grant_ref_t)rw, 0, (uint64_t)gfn, false) !=
			0 ||
		hg_grant_access(hg, (grant_ref_t)ro, 0, (uint64_t)gfn, true) !=
			0) {
		return 32;
	}
	gi.rw = (uint32_t)rw;
	gi.ro = (uint32_t)ro;
	gi.none = (uint32_t)none;
	if (write(t->to_parent[1], &gi, sizeof(gi)) != sizeof(gi)) {
		return 33;
	}
	/* dom0 has both mapped: the status flags say so. */
	if (expect_byte(t->to_guest[0], 'M') != 0) {
		return 34;
	}
	gt = hg_grant_table(hg);
	if ((gt[rw].flags & (GTF_reading | GTF_writing)) !=
			(GTF_reading | GTF_writing) ||
		(gt[ro].flags & (GTF_reading | GTF_writing)) != GTF_reading) {
		return 35;
	}
	if (hg_end_access(hg, (grant_ref_t)rw) != -EBUSY) {
		return 36;
	}
	if (strcmp(page, dom0_text) != 0) {
		return 37;
	}
	if (write(t->to_parent[1], "C", 1) != 1) {
		return 38;
	}
	/* dom0 unmapped: the flags are clear and the grants can end. */
	if (expect_byte(t->to_guest[0], 'U') != 0) {
		return 39;
	}
	if ((gt[rw].flags & (GTF_reading | GTF_writing)) != 0 ||
		(gt[ro].flags & (GTF_reading | GTF_writing)) != 0) {
		return 40;
	}
	if (hg_end_access(hg, (grant_ref_t)rw) != 0 ||
		hg_end_access(hg, (grant_ref_t)ro) != 0) {
		return 41;
	}
	hg_close(hg);
	return 0;
}

static void test_dom0_maps_a_granted_page_read_write_and_read_only(void **state)
{
	struct xhf *f = *state;
	struct xenif_gnttab *xg = xenif_gnttab_open(f->xi);
	struct grant_test t;
	struct grant_info gi;
	uint8_t h[16];
	uint32_t domid = new_domain(f, h);
	char *rw, *ro;
	pid_t g;

	assert_non_null(xg);
	assert_int_equal(pipe(t.to_parent), 0);
	assert_int_equal(pipe(t.to_guest), 0);
	g = xht_spawn_guest(f->d, domid, h, guest_granter, &t);
	assert_int_equal(xenif_domain_unpause(f->xi, domid), 0);
	assert_int_equal(read(t.to_parent[0], &gi, sizeof(gi)), sizeof(gi));

	rw = xenif_gnttab_map(xg, domid, &gi.rw, 1, PROT_READ | PROT_WRITE);
	assert_non_null(rw);
	assert_string_equal(rw, guest_text);
	ro = xenif_gnttab_map(xg, domid, &gi.ro, 1, PROT_READ);
	assert_non_null(ro);
	/* A read-only grant cannot be mapped writable... */
	assert_null(
		xenif_gnttab_map(xg, domid, &gi.ro, 1, PROT_READ | PROT_WRITE));
	/* ...nor can its read-only mapping be made writable. */
	assert_int_equal(mprotect(ro, 4096, PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	/* An ungranted reference, or one beyond the table, is refused. */
	assert_null(xenif_gnttab_map(xg, domid, &gi.none, 1, PROT_READ));
	{
		uint32_t huge = 1u << 30;

		assert_null(xenif_gnttab_map(xg, domid, &huge, 1, PROT_READ));
	}
	memcpy(rw, dom0_text, sizeof(dom0_text));
	assert_string_equal(ro, dom0_text);
	assert_int_equal(write(t.to_guest[1], "M", 1), 1);
	assert_int_equal(expect_byte(t.to_parent[0], 'C'), 0);
	assert_int_equal(xenif_gnttab_unmap(xg, rw, 1), 0);
	assert_int_equal(xenif_gnttab_unmap(xg, ro, 1), 0);
	/* Double unmap: nothing left to unmap. */
	assert_int_equal(xenif_gnttab_unmap(xg, rw, 1), -EINVAL);
	assert_int_equal(write(t.to_guest[1], "U", 1), 1);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	xenif_gnttab_close(xg);
	close(t.to_parent[0]);
	close(t.to_parent[1]);
	close(t.to_guest[0]);
	close(t.to_guest[1]);
}

/* ---- blocking ------------------------------------------------------------ */

struct block_test {
	evtchn_port_t port;
	int to_parent[2];
};

static int guest_blocker(void *arg)
{
	struct block_test *t = arg;
	struct hg *hg = hg_attach();
	uint64_t t0;
	evtchn_port_t p;

	if (hg == NULL) {
		return 50;
	}
	/* Poll with a timeout and nothing pending: returns at the timeout. */
	t0 = hg_now_ns();
	if (hg_sched_poll(hg, &t->port, 1, t0 + 50000000ull) != 0) {
		return 51;
	}
	if (hg_now_ns() - t0 < 45000000ull) {
		return 52;
	}
	if (write(t->to_parent[1], "P", 1) != 1) {
		return 53;
	}
	/* Block until dom0's notification arrives. */
	for (;;) {
		if (hg_sched_block(hg) != 0) {
			return 54;
		}
		p = hg_next_pending(hg);
		if (p == t->port) {
			break;
		}
	}
	hg_shutdown(hg, SHUTDOWN_poweroff);
	hg_close(hg);
	return 0;
}

static void test_blocked_guest_waits_for_dom0s_event(void **state)
{
	struct xhf *f = *state;
	struct xenif_evtchn *xe = xenif_evtchn_open(f->xi);
	struct block_test t;
	uint8_t h[16];
	uint32_t domid = new_domain(f, h);
	int gport, local;
	pid_t g;

	assert_non_null(xe);
	assert_int_equal(pipe(t.to_parent), 0);
	gport = xenif_evtchn_alloc_unbound(f->xi, domid, 0);
	assert_true(gport > 0);
	t.port = (evtchn_port_t)gport;
	g = xht_spawn_guest(f->d, domid, h, guest_blocker, &t);
	assert_int_equal(xenif_domain_unpause(f->xi, domid), 0);
	assert_int_equal(expect_byte(t.to_parent[0], 'P'), 0);
	local = xenif_evtchn_bind_interdomain(xe, domid, (uint32_t)gport);
	assert_true(local > 0);
	/* The guest now blocks; it is still there 200 ms later. */
	usleep(200000);
	assert_int_equal(xht_wait_child(g, 0), -1);
	assert_int_equal(xenif_evtchn_notify(xe, (uint32_t)local), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	xenif_evtchn_close(xe);
	close(t.to_parent[0]);
	close(t.to_parent[1]);
}

/* ---- pause, death, bad clients ---------------------------------------------
 */

static int guest_marker(void *arg)
{
	int *fd = arg;
	struct hg *hg = hg_attach();

	if (hg == NULL) {
		return 60;
	}
	if (write(*fd, "R", 1) != 1) {
		return 61;
	}
	hg_console_write(hg, "guest running\n");
	hg_shutdown(hg, SHUTDOWN_reboot);
	hg_close(hg);
	return 0;
}

static void test_paused_guest_runs_only_when_unpaused(void **state)
{
	struct xhf *f = *state;
	struct pollfd p;
	struct xenif_dominfo info;
	uint8_t h[16];
	uint32_t domid = new_domain(f, h);
	int pfd[2];
	pid_t g;

	assert_int_equal(pipe(pfd), 0);
	g = xht_spawn_guest(f->d, domid, h, guest_marker, &pfd[1]);
	p.fd = pfd[0];
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 300), 0);
	assert_int_equal(xenif_domain_info(f->xi, domid, &info), 0);
	assert_true(info.paused);
	assert_int_equal(xenif_domain_unpause(f->xi, domid), 0);
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	/* --keep-dead: the domain stays, shut down with the guest's reason. */
	assert_int_equal(xenif_domain_info(f->xi, domid, &info), 0);
	assert_true(info.shutdown);
	assert_int_equal(info.shutdown_reason, SHUTDOWN_reboot);
	assert_int_equal(xenif_domain_destroy(f->xi, domid), 0);
	assert_int_equal(xenif_domain_info(f->xi, domid, &info), -ESRCH);
	close(pfd[0]);
	close(pfd[1]);
}

static int guest_exits(void *arg)
{
	struct hg *hg = hg_attach();

	(void)arg;
	if (hg == NULL) {
		return 70;
	}
	/* No shutdown: the process just ends, as a crash would. */
	return 0;
}

static void test_guest_exit_gives_virq_dom_exc_and_the_domain_goes(void **state)
{
	struct xhf *f = *state;
	struct xenif_evtchn *xe = xenif_evtchn_open(f->xi);
	struct xenif_dominfo info;
	uint8_t h[16];
	uint32_t domid = new_domain(f, h);
	int virq;
	pid_t g;

	assert_non_null(xe);
	virq = xenif_evtchn_bind_virq(xe, VIRQ_DOM_EXC);
	assert_true(virq > 0);
	g = xht_spawn_guest(f->d, domid, h, guest_exits, NULL);
	assert_int_equal(xenif_domain_unpause(f->xi, domid), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	assert_int_equal(xhf_wait_port(xe, WAIT_MS), virq);
	assert_int_equal(xenif_domain_info(f->xi, domid, &info), -ESRCH);
	xenif_evtchn_close(xe);
}

static int raw_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void test_wrong_handles_and_garbage_are_refused(void **state)
{
	struct xhf *f = *state;
	struct xenif_dominfo info;
	struct xh_msg m, r;
	uint8_t h[16], bad[16];
	uint8_t pkt[sizeof(m) + 16];
	uint32_t domid = new_domain(f, h);
	char junk[7] = "garbage";
	int fd;

	/* A wrong handle: refused, the domain untouched. */
	fd = raw_connect(f->d->sock);
	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_ATTACH;
	m.seq = 1;
	m.len = 16;
	m.args[0] = domid;
	memcpy(bad, h, 16);
	bad[0] ^= 1;
	memcpy(pkt, &m, sizeof(m));
	memcpy(pkt + sizeof(m), bad, 16);
	assert_int_equal(send(fd, pkt, sizeof(pkt), 0), (ssize_t)sizeof(pkt));
	assert_int_equal(recv(fd, &r, sizeof(r), 0), (ssize_t)sizeof(r));
	assert_int_equal(r.ret, -EPERM);
	/* A hypercall before attaching is refused too. */
	m.type = XH_HYPERCALL;
	m.len = 0;
	m.seq = 2;
	assert_int_equal(send(fd, &m, sizeof(m), 0), (ssize_t)sizeof(m));
	assert_int_equal(recv(fd, &r, sizeof(r), 0), (ssize_t)sizeof(r));
	assert_int_equal(r.ret, -EPERM);
	/* Garbage closes the connection. */
	assert_int_equal(
		send(fd, junk, sizeof(junk), 0), (ssize_t)sizeof(junk));
	assert_int_equal(recv(fd, &r, sizeof(r), 0), 0);
	close(fd);
	assert_int_equal(xenif_domain_info(f->xi, domid, &info), 0);
	assert_false(info.dying);
	assert_int_equal(xenif_domain_destroy(f->xi, domid), 0);
}

/* ---- a hostile guest ----------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int guest_fuzzer(void *arg)
{
	struct hg *hg = hg_attach();
	uint64_t seed = (uint64_t)(uintptr_t)arg, args[5];
	unsigned int i, j, op, len;
	uint8_t junk[512];
	uint64_t base;

	if (hg == NULL) {
		return 80;
	}
	for (i = 0; i < 20000; i++) {
		op = (unsigned int)(rnd(&seed) % 48);
		if (op == __HYPERVISOR_sched_op) {
			continue; /* blocking or shutting down ends the run */
		}
		len = (unsigned int)(rnd(&seed) % sizeof(junk));
		for (j = 0; j < len; j++) {
			junk[j] = (uint8_t)rnd(&seed);
		}
		hg_payload_reset(hg);
		base = hg_payload_put(hg, junk, len);
		for (j = 0; j < 5; j++) {
			switch (rnd(&seed) % 4) {
			case 0:
				args[j] = rnd(&seed) % 64; /* a small command */
				break;
			case 1:
				args[j] = base + rnd(&seed) % (len + 16);
				break;
			case 2:
				args[j] = rnd(&seed);
				break;
			default:
				args[j] = base;
				break;
			}
		}
		if (hg_call(hg, op, 5, args) == -ECONNRESET) {
			return 81;
		}
	}
	hg_close(hg);
	return 0;
}

static void test_random_hypercalls_from_a_guest_leave_the_host_working(
	void **state)
{
	struct xhf *f = *state;
	struct xenif_dominfo info;
	uint8_t h[16], h2[16];
	uint32_t domid = new_domain(f, h), other;
	pid_t g;
	int pfd[2];

	g = xht_spawn_guest(f->d, domid, h, guest_fuzzer,
		(void *)(uintptr_t)0x9e3779b97f4a7c15ull);
	assert_int_equal(xenif_domain_unpause(f->xi, domid), 0);
	assert_int_equal(xht_wait_child(g, 60000), 0);
	/* The host still runs, dom0 still works, a new guest still runs. */
	assert_true(xht_running(f->d));
	assert_int_equal(xenif_domain_info(f->xi, 0, &info), 0);
	other = new_domain(f, h2);
	assert_int_equal(pipe(pfd), 0);
	g = xht_spawn_guest(f->d, other, h2, guest_marker, &pfd[1]);
	assert_int_equal(xenif_domain_unpause(f->xi, other), 0);
	assert_int_equal(expect_byte(pfd[0], 'R'), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* ---- several domains on one connection (XH_ATTACH_MORE) ------------------ */

#define XV_VERSION 0 /* XENVER_version */

/** 0 once domid no longer exists (within WAIT_MS), else -1. */
static int wait_gone(struct xhf *f, uint32_t domid)
{
	struct xenif_dominfo info;
	int i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (xenif_domain_info(f->xi, domid, &info) == -ESRCH) {
			return 0;
		}
		usleep(10000);
	}
	return -1;
}

struct multi {
	uint32_t b;     /* the second domain, attached with hg_attach_more */
	uint8_t hb[16]; /* its handle */
	uint32_t c;     /* a third one, when not 0 */
	uint8_t hc[16];
	int to_parent[2];
	int to_guest[2];
};

/** A and B on one connection: events between them, routed by domain. */
static int guest_two_domains(void *arg)
{
	struct multi *t = arg;
	struct hg *ha = hg_attach(), *hb, *which;
	evtchn_port_t pa, pb;
	int i, rc;

	if (ha == NULL) {
		return 90;
	}
	hb = hg_attach_more(ha, t->b, t->hb);
	if (hb == NULL || hg_domid(hb) != t->b) {
		return 91;
	}
	/* Already attached here: refused locally. */
	if (hg_attach_more(ha, t->b, t->hb) != NULL || errno != EBUSY) {
		return 92;
	}
	rc = hg_evtchn_alloc_unbound(ha, (domid_t)t->b);
	if (rc <= 0) {
		return 93;
	}
	pa = (evtchn_port_t)rc;
	rc = hg_evtchn_bind_interdomain(hb, (domid_t)hg_domid(ha), pa);
	if (rc <= 0) {
		return 94;
	}
	pb = (evtchn_port_t)rc;
	/* The bind sets B's new port pending (as Xen does). */
	if (hg_wait_port(hb, pb, WAIT_MS) != 1) {
		return 95;
	}
	/* Old kicks gone, A's send kicks B, found from A's side. */
	while (hg_wait_any(ha, 0, &which) == 1) {
	}
	if (hg_evtchn_send(ha, pa) != 0 ||
		hg_wait_any(ha, WAIT_MS, &which) != 1 || which != hb ||
		hg_wait_port(hb, pb, WAIT_MS) != 1) {
		return 96;
	}
	for (i = 0; i < 100; i++) {
		/* B's kick comes before A's reply: it is kept for B. */
		if (hg_evtchn_send(ha, pa) != 0 ||
			hg_wait_port(hb, pb, WAIT_MS) != 1) {
			return 96;
		}
		if (hg_evtchn_send(hb, pb) != 0 ||
			hg_wait_port(ha, pa, WAIT_MS) != 1) {
			return 97;
		}
	}
	/* B's poll is held for B alone: the timeout releases it. */
	if (hg_sched_poll(hb, &pb, 1, hg_now_ns() + 50000000ull) != 0) {
		return 98;
	}
	if (hg_evtchn_send(ha, pa) != 0 ||
		hg_sched_poll(hb, &pb, 1, hg_now_ns() + 10000000000ull) != 0 ||
		hg_wait_port(hb, pb, WAIT_MS) != 1) {
		return 99;
	}
	hg_shutdown(hb, SHUTDOWN_poweroff);
	/* A shut-down domain of a shared connection: an error, no wait. */
	if (hg_xen_version(hb, XV_VERSION, NULL, 0) != -ESHUTDOWN) {
		return 100;
	}
	hg_shutdown(ha, SHUTDOWN_poweroff);
	hg_close(hb);
	hg_close(ha);
	return 0;
}

static void test_two_domains_on_one_connection_exchange_events(void **state)
{
	struct xhf *f = *state;
	struct multi t;
	uint8_t ha[16];
	uint32_t a = new_domain(f, ha);
	pid_t g;

	memset(&t, 0, sizeof(t));
	t.b = new_domain(f, t.hb);
	assert_int_equal(xenif_domain_unpause(f->xi, t.b), 0);
	g = xht_spawn_guest(f->d, a, ha, guest_two_domains, &t);
	assert_int_equal(xenif_domain_unpause(f->xi, a), 0);
	assert_int_equal(xht_wait_child(g, WAIT_MS * 2), 0);
	/* Both shut down, then ended with the connection. */
	assert_int_equal(wait_gone(f, a), 0);
	assert_int_equal(wait_gone(f, t.b), 0);
}

/** Send one request packet (no payload) and read the reply's header. */
static int64_t raw_request(int fd, uint16_t type, uint32_t seq, int64_t ret,
	uint64_t op, uint64_t arg0, const uint8_t *handle)
{
	uint8_t pkt[sizeof(struct xh_msg) + 16];
	struct xh_msg m, r;
	size_t len = sizeof(m);

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = type;
	m.seq = seq;
	m.ret = ret;
	m.op = op;
	m.args[0] = arg0;
	if (handle != NULL) {
		m.len = 16;
		memcpy(pkt + sizeof(m), handle, 16);
		len += 16;
	}
	memcpy(pkt, &m, sizeof(m));
	assert_int_equal(send(fd, pkt, len, 0), (ssize_t)len);
	/* Descriptors of an attach reply are dropped by the kernel. */
	assert_true(recv(fd, &r, sizeof(r), 0) >= (ssize_t)sizeof(r));
	assert_int_equal(r.type, XH_REPLY);
	assert_int_equal(r.seq, seq);
	return r.ret;
}

static void test_requests_for_domains_not_attached_are_refused(void **state)
{
	struct xhf *f = *state;
	uint8_t ha[16], hb[16], hc[16], bad[16];
	uint32_t a = new_domain(f, ha), b = new_domain(f, hb);
	uint32_t c = new_domain(f, hc);
	int fd;

	assert_int_equal(xenif_domain_unpause(f->xi, a), 0);
	assert_int_equal(xenif_domain_unpause(f->xi, b), 0);
	assert_int_equal(xenif_domain_unpause(f->xi, c), 0);
	fd = raw_connect(f->d->sock);
	/* XH_ATTACH_MORE before XH_ATTACH: not attached yet. */
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 1, 0, 0, b, hb), -EPERM);
	assert_int_equal(raw_request(fd, XH_ATTACH, 2, 0, 0, a, ha), 0);
	/* B exists but is not attached here; C is someone else's later. */
	assert_int_equal(raw_request(fd, XH_HYPERCALL, 3, b,
				 __HYPERVISOR_xen_version, XV_VERSION, NULL),
		-EPERM);
	assert_int_equal(raw_request(fd, XH_HYPERCALL, 4, 0x7fef,
				 __HYPERVISOR_xen_version, XV_VERSION, NULL),
		-EPERM);
	assert_int_equal(raw_request(fd, XH_HYPERCALL, 5, -1,
				 __HYPERVISOR_xen_version, XV_VERSION, NULL),
		-EPERM);
	assert_int_equal(raw_request(fd, XH_HYPERCALL, 6, 0x10000 + a,
				 __HYPERVISOR_xen_version, XV_VERSION, NULL),
		-EPERM);
	assert_int_equal(
		raw_request(fd, XH_FOREIGN_MAP, 7, b, 0, a, NULL), -EPERM);
	/* 0 and A's own id both act for A. */
	assert_true(raw_request(fd, XH_HYPERCALL, 8, 0,
			    __HYPERVISOR_xen_version, XV_VERSION, NULL) > 0);
	assert_true(raw_request(fd, XH_HYPERCALL, 9, a,
			    __HYPERVISOR_xen_version, XV_VERSION, NULL) > 0);
	/* A second attach is checked like a first one. */
	memcpy(bad, hb, 16);
	bad[3] ^= 0x40;
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 10, 0, 0, b, bad), -EPERM);
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 11, 0, 0, 0, hb), -EPERM);
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 12, 0, 0, 0x7ff0, hb), -EINVAL);
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 13, 0, 0, 0x7000, hb), -ESRCH);
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 14, 0, 0, a, ha), -EBUSY);
	assert_int_equal(raw_request(fd, XH_ATTACH_MORE, 15, 0, 0, b, hb), 0);
	assert_int_equal(
		raw_request(fd, XH_ATTACH_MORE, 16, 0, 0, b, hb), -EBUSY);
	/* Now B works, C still does not. */
	assert_true(raw_request(fd, XH_HYPERCALL, 17, b,
			    __HYPERVISOR_xen_version, XV_VERSION, NULL) > 0);
	assert_int_equal(raw_request(fd, XH_HYPERCALL, 18, c,
				 __HYPERVISOR_xen_version, XV_VERSION, NULL),
		-EPERM);
	close(fd);
	assert_int_equal(xenif_domain_destroy(f->xi, c), 0);
}

/** Attach A, B and C, report B's departure, then end without shutdown. */
static int guest_three_domains_end(void *arg)
{
	struct multi *t = arg;
	struct hg *ha = hg_attach(), *hb, *hc, *which = NULL;
	char c;

	if (ha == NULL || (hb = hg_attach_more(ha, t->b, t->hb)) == NULL ||
		(hc = hg_attach_more(ha, t->c, t->hc)) == NULL) {
		return 110;
	}
	if (write(t->to_parent[1], "A", 1) != 1 ||
		expect_byte(t->to_guest[0], 'D') != 0) {
		return 111;
	}
	/* dom0 destroyed B: only B leaves the connection. */
	while (which != hb) {
		if (hg_wait_any(ha, WAIT_MS, &which) != 1) {
			return 112;
		}
	}
	if (!hg_gone(hb) || hg_xen_version(hb, XV_VERSION, NULL, 0) != -ESRCH) {
		return 112;
	}
	if (hg_xen_version(ha, XV_VERSION, NULL, 0) <= 0 ||
		hg_xen_version(hc, XV_VERSION, NULL, 0) <= 0) {
		return 113;
	}
	hg_close(hb);
	c = 'G';
	if (write(t->to_parent[1], &c, 1) != 1) {
		return 114;
	}
	/* End without a shutdown: A and C die with the connection. */
	if (expect_byte(t->to_guest[0], 'E') != 0) {
		return 115;
	}
	return 0;
}

static void test_closing_a_shared_connection_kills_every_domain(void **state)
{
	struct xhf *f = *state;
	struct xenif_evtchn *xe = xenif_evtchn_open(f->xi);
	struct xenif_dominfo info;
	struct multi t;
	uint8_t ha[16];
	uint32_t a = new_domain(f, ha);
	int i, virq;
	pid_t g;

	assert_non_null(xe);
	virq = xenif_evtchn_bind_virq(xe, VIRQ_DOM_EXC);
	assert_true(virq > 0);
	memset(&t, 0, sizeof(t));
	t.b = new_domain(f, t.hb);
	t.c = new_domain(f, t.hc);
	assert_int_equal(pipe(t.to_parent), 0);
	assert_int_equal(pipe(t.to_guest), 0);
	assert_int_equal(xenif_domain_unpause(f->xi, t.b), 0);
	assert_int_equal(xenif_domain_unpause(f->xi, t.c), 0);
	g = xht_spawn_guest(f->d, a, ha, guest_three_domains_end, &t);
	assert_int_equal(xenif_domain_unpause(f->xi, a), 0);
	assert_int_equal(expect_byte(t.to_parent[0], 'A'), 0);
	assert_int_equal(xenif_domain_destroy(f->xi, t.b), 0);
	assert_int_equal(write(t.to_guest[1], "D", 1), 1);
	assert_int_equal(expect_byte(t.to_parent[0], 'G'), 0);
	assert_int_equal(xenif_domain_info(f->xi, a, &info), 0);
	assert_false(info.dying);
	assert_int_equal(write(t.to_guest[1], "E", 1), 1);
	assert_int_equal(xht_wait_child(g, WAIT_MS), 0);
	/* Neither was shut down: both crashed and destroyed. */
	assert_int_equal(xhf_wait_port(xe, WAIT_MS), virq);
	assert_int_equal(wait_gone(f, a), 0);
	assert_int_equal(wait_gone(f, t.c), 0);
	xenif_evtchn_close(xe);
	for (i = 0; i < 2; i++) {
		close(t.to_parent[i]);
		close(t.to_guest[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_two_guests_ping_pong_over_an_interdomain_channel,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_dom0_maps_a_granted_page_read_write_and_read_only,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_blocked_guest_waits_for_dom0s_event, xhf_setup,
			xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_paused_guest_runs_only_when_unpaused,
			setup_keep_dead, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_guest_exit_gives_virq_dom_exc_and_the_domain_goes,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_wrong_handles_and_garbage_are_refused, xhf_setup,
			xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_random_hypercalls_from_a_guest_leave_the_host_working,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_two_domains_on_one_connection_exchange_events,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_requests_for_domains_not_attached_are_refused,
			xhf_setup, xhf_teardown),
		cmocka_unit_test_setup_teardown(
			test_closing_a_shared_connection_kills_every_domain,
			xhf_setup, xhf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
