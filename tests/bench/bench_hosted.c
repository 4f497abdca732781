/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted port's benchmark: starts xen-hosted ($XEN_HOSTED_BIN) and
 * measures, with real processes:
 *
 *   - event-channel round trip between two guest domains (a send from
 *     one, the other wakes from SCHEDOP_block... or waits on its socket,
 *     and sends back): median and p99 of each round trip;
 *   - grant map + unmap of one page by dom0 (libs/xenif), per second, and
 *     of 16 pages at once;
 *   - domain create + destroy by dom0, per second;
 *   - 1000 domains each with an event channel to dom0: time to set up,
 *     descriptors and RSS of xen-hosted per domain.
 *
 * Figures only: the exit status is non-zero only when something breaks.
 * --quick runs small sizes as a smoke test.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hguest.h"
#include "xenif.h"

static bool quick;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "bench_hosted: " __VA_ARGS__);                 \
		fputc('\n', stderr);                                           \
		exit(1);                                                       \
	} while (0)

static uint32_t create(struct xenif *xi, uint8_t handle[16], uint64_t pages)
{
	struct xenif_domain_config cfg = {.max_pages = pages};
	uint32_t domid;
	int rc = xenif_domain_create(xi, &cfg, &domid);

	if (rc != 0) {
		FAIL("create: %s", strerror(-rc));
	}
	if (handle != NULL) {
		memcpy(handle, cfg.handle, 16);
	}
	return domid;
}

/* ---- event-channel round trip ------------------------------------------- */

struct rt {
	uint32_t peer;
	evtchn_port_t port;
	unsigned int rounds;
	int result[2];
};

static int ponger(void *arg)
{
	struct rt *r = arg;
	struct hg *hg = hg_attach();
	unsigned int i;

	if (hg == NULL) {
		return 2;
	}
	for (i = 0; i < r->rounds; i++) {
		if (hg_wait_port(hg, r->port, 10000) != 1 ||
			hg_evtchn_send(hg, r->port) != 0) {
			return 3;
		}
	}
	hg_close(hg);
	return 0;
}

static int pinger(void *arg)
{
	struct rt *r = arg;
	struct hg *hg = hg_attach();
	uint64_t *t, t0;
	unsigned int i;
	int port;

	t = calloc(r->rounds, sizeof(*t));
	if (hg == NULL || t == NULL) {
		return 2;
	}
	port = hg_evtchn_bind_interdomain(hg, (domid_t)r->peer, r->port);
	if (port <= 0 || hg_wait_port(hg, (evtchn_port_t)port, 10000) != 1) {
		return 3;
	}
	for (i = 0; i < r->rounds; i++) {
		t0 = now_ns();
		if (hg_evtchn_send(hg, (evtchn_port_t)port) != 0 ||
			hg_wait_port(hg, (evtchn_port_t)port, 10000) != 1) {
			return 4;
		}
		t[i] = now_ns() - t0;
	}
	if (write(r->result[1], t, sizeof(*t) * r->rounds) !=
		(ssize_t)(sizeof(*t) * r->rounds)) {
		return 5;
	}
	hg_close(hg);
	return 0;
}

static void bench_roundtrip(struct xht_daemon *d, struct xenif *xi)
{
	struct rt r;
	uint8_t ha[16], hb[16];
	uint32_t a = create(xi, ha, 64), b = create(xi, hb, 64);
	uint64_t *t;
	size_t got = 0;
	ssize_t n;
	pid_t ga, gb;
	int port;

	r.rounds = quick ? 2000 : 20000;
	t = calloc(r.rounds, sizeof(*t));
	if (t == NULL || pipe(r.result) != 0) {
		FAIL("out of memory");
	}
	port = xenif_evtchn_alloc_unbound(xi, a, b);
	if (port <= 0) {
		FAIL("alloc_unbound: %s", strerror(-port));
	}
	r.port = (evtchn_port_t)port;
	r.peer = b;
	ga = xht_spawn_guest(d, a, ha, ponger, &r);
	r.peer = a;
	gb = xht_spawn_guest(d, b, hb, pinger, &r);
	xenif_domain_unpause(xi, a);
	xenif_domain_unpause(xi, b);
	while (got < sizeof(*t) * r.rounds) {
		n = read(r.result[0], (char *)t + got,
			sizeof(*t) * r.rounds - got);
		if (n <= 0) {
			FAIL("round-trip guest failed");
		}
		got += (size_t)n;
	}
	if (xht_wait_child(gb, 10000) != 0 || xht_wait_child(ga, 10000) != 0) {
		FAIL("round-trip guests failed");
	}
	qsort(t, r.rounds, sizeof(*t), cmp_u64);
	printf("event-channel round trip, guest to guest (%u rounds): "
	       "median %.1f us, p99 %.1f us\n",
		r.rounds, t[r.rounds / 2] / 1e3, t[r.rounds * 99 / 100] / 1e3);
	close(r.result[0]);
	close(r.result[1]);
	free(t);
}

/* ---- grant map + unmap ----------------------------------------------------
 */

struct gr {
	int to_parent[2];
	int to_guest[2];
};

#define GRANT_PAGES 16

static int granter(void *arg)
{
	struct gr *g = arg;
	struct hg *hg = hg_attach();
	uint32_t refs[GRANT_PAGES];
	int64_t gfn;
	unsigned int i;
	int ref;
	char c;

	if (hg == NULL) {
		return 2;
	}
	for (i = 0; i < GRANT_PAGES; i++) {
		gfn = hg_page_alloc(hg);
		ref = hg_gref_alloc(hg);
		if (gfn < 0 || ref < 0 ||
			hg_grant_access(hg, (grant_ref_t)ref, 0, (uint64_t)gfn,
				false) != 0) {
			return 3;
		}
		refs[i] = (uint32_t)ref;
	}
	if (write(g->to_parent[1], refs, sizeof(refs)) != sizeof(refs) ||
		read(g->to_guest[0], &c, 1) != 1) {
		return 4;
	}
	hg_close(hg);
	return 0;
}

static void bench_grants(struct xht_daemon *d, struct xenif *xi)
{
	struct xenif_gnttab *xg = xenif_gnttab_open(xi);
	uint32_t refs[GRANT_PAGES];
	unsigned int i, n = quick ? 2000 : 20000;
	uint8_t h[16];
	uint32_t domid = create(xi, h, 64);
	uint64_t t0, t1;
	struct gr g;
	void *p;
	pid_t pid;

	if (xg == NULL || pipe(g.to_parent) != 0 || pipe(g.to_guest) != 0) {
		FAIL("gnttab open");
	}
	pid = xht_spawn_guest(d, domid, h, granter, &g);
	xenif_domain_unpause(xi, domid);
	if (read(g.to_parent[0], refs, sizeof(refs)) != sizeof(refs)) {
		FAIL("granter failed");
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		p = xenif_gnttab_map(xg, domid, &refs[i % GRANT_PAGES], 1,
			PROT_READ | PROT_WRITE);
		if (p == NULL) {
			FAIL("map: %s", strerror(errno));
		}
		((volatile char *)p)[0] = (char)i;
		if (xenif_gnttab_unmap(xg, p, 1) != 0) {
			FAIL("unmap");
		}
	}
	t1 = now_ns();
	printf("grant map + write + unmap, 1 page: %.0f per second "
	       "(%.1f us each)\n",
		n / ((t1 - t0) / 1e9), (t1 - t0) / 1e3 / n);
	t0 = now_ns();
	for (i = 0; i < n / 16; i++) {
		p = xenif_gnttab_map(
			xg, domid, refs, GRANT_PAGES, PROT_READ | PROT_WRITE);
		if (p == NULL || xenif_gnttab_unmap(xg, p, GRANT_PAGES) != 0) {
			FAIL("batch map");
		}
	}
	t1 = now_ns();
	printf("grant map + unmap, 16 pages at once: %.0f pages per second\n",
		(n / 16) * 16.0 / ((t1 - t0) / 1e9));
	if (write(g.to_guest[1], "x", 1) != 1 ||
		xht_wait_child(pid, 10000) != 0) {
		FAIL("granter exit");
	}
	xenif_gnttab_close(xg);
}

/* ---- domains
 * ------------------------------------------------------------------ */

static void bench_domains(struct xht_daemon *d, struct xenif *xi)
{
	unsigned int i, n = quick ? 200 : 2000, many = quick ? 200 : 1000;
	struct xenif_evtchn *xe = xenif_evtchn_open(xi);
	uint32_t *ids = calloc(many, sizeof(*ids));
	long fd0, rss0, fd1, rss1;
	uint64_t t0, t1;
	int port;

	if (xe == NULL || ids == NULL) {
		FAIL("evtchn open");
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		uint32_t id = create(xi, NULL, 256);

		if (xenif_domain_destroy(xi, id) != 0) {
			FAIL("destroy");
		}
	}
	t1 = now_ns();
	printf("domain create + destroy (1 MiB RAM): %.0f per second\n",
		n / ((t1 - t0) / 1e9));
	usleep(300000);
	fd0 = xht_fd_count(d);
	rss0 = xht_rss_kib(d);
	t0 = now_ns();
	for (i = 0; i < many; i++) {
		ids[i] = create(xi, NULL, 32);
		port = xenif_evtchn_alloc_unbound(xi, ids[i], 0);
		if (port <= 0 || xenif_evtchn_bind_interdomain(
					 xe, ids[i], (uint32_t)port) <= 0) {
			FAIL("channel");
		}
	}
	t1 = now_ns();
	fd1 = xht_fd_count(d);
	rss1 = xht_rss_kib(d);
	printf("%u domains with a channel to dom0: set up in %.0f ms; "
	       "xen-hosted per domain: %.2f descriptors, %.1f KiB RSS\n",
		many, (t1 - t0) / 1e6, (double)(fd1 - fd0) / many,
		(double)(rss1 - rss0) / many);
	for (i = 0; i < many; i++) {
		xenif_domain_destroy(xi, ids[i]);
	}
	xenif_evtchn_close(xe);
	free(ids);
}

int main(int argc, char **argv)
{
	static const char *const args[] = {"--max-domains", "2000", NULL};
	struct xht_daemon *d;
	struct xenif *xi;

	quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	d = xht_start(args);
	if (d == NULL) {
		FAIL("xen-hosted did not start");
	}
	xi = xenif_open(XENIF_HOSTED, d->sock);
	if (xi == NULL) {
		FAIL("xenif_open: %s", strerror(errno));
	}
	bench_roundtrip(d, xi);
	bench_grants(d, xi);
	bench_domains(d, xi);
	xenif_close(xi);
	if (xht_stop(d) != 0) {
		FAIL("xen-hosted did not stop cleanly");
	}
	return 0;
}
