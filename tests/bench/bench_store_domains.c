/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored with thousands of guest domains on xen-hosted: starts
 * xen-hosted ($XEN_HOSTED_BIN, --max-domains 10100, 8 pages per domain)
 * and xenstored ($XENSTORED_BIN, --xen hosted, its database under
 * $BENCH_DIR or /var/tmp: a disk file system, as bench_xenstored.c), then
 * creates 10,000 guest domains, each with a store ring (frame 1) and an
 * event channel. The guests are a few worker processes, each attaching
 * its share of the domains over one connection (hg_attach_more), and
 * speaking the xenstore protocol on the rings themselves: every domain
 * has one request in flight at a time, many domains at once.
 *
 * Figures: domain creation and attach; the time to introduce every domain
 * (home directory, its permissions and INTRODUCE, from dom0); READ
 * latency from one domain with 10 domains introduced and with all of them
 * (target: p99 within 1.5x); xenstored's RSS per idle introduced domain;
 * aggregate ops/s of 80% READ / 20% WRITE of the domains' own data/
 * nodes from all domains at once; the time to restart xenstored (SIGTERM,
 * start) until every ring is reattached and a request from the last
 * domain is answered, then a READ from every domain; the time xenstored
 * takes to release the domains of a worker that ends (they all die at
 * once: VIRQ_DOM_EXC) and remove their nodes.
 *
 * dom0 is limited to the 2-level event-channel ABI's 4096 ports (the core
 * implements no FIFO ABI), and xenstored needs one dom0 port per ring: if
 * INTRODUCE runs out of them, the figures are for the domains introduced
 * so far and the shortfall is printed as a MISS.
 *
 * PASS/MISS lines are figures; the exit status is non-zero only when
 * something breaks (an error reply, a lost reply or event, a daemon that
 * does not start). --quick: 200 domains and short loads (smoke test).
 * --domains N changes the number of domains.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hguest.h"
#include "hvm/params.h"
#include "io/xs_wire.h"
#include "xenbus.h"
#include "xenif.h"
#include "xs_client.h"

#define TMPFS_MAGIC_NUMBER 0x01021994
#define STORE_PFN 1
#define DOM_PAGES 8
#define MAX_DOMAINS 10000u
#define MAX_WORKERS 8u
#define MAX_SAMPLES (1u << 20) /* READ latencies per worker */
#define KEYS 4                 /* data/k0 .. data/k3 per domain */
#define READ_PERCENT 80
#define STALL_MS 60000 /* no reply for this long: broken */
#define FEW 10         /* the small store: domains introduced */

/* ---- shared between the bench and its workers ------------------------- */

struct gdom_info {
	uint32_t domid;
	uint32_t port; /* the guest's store event channel */
	uint8_t handle[16];
};

struct shared {
	struct gdom_info dom[MAX_DOMAINS];
	float samples[MAX_WORKERS][MAX_SAMPLES];
};

enum cmd_op { CMD_ATTACH = 1, CMD_OPS, CMD_QUIT };
enum ops_mode { MODE_INIT, MODE_READ, MODE_MIX };

struct cmd {
	uint32_t op;
	uint32_t first, count; /* the worker's local domains [first, +count) */
	uint32_t mode;         /* CMD_OPS: enum ops_mode */
	uint32_t per_dom;      /* CMD_OPS: ops per domain; 0: for secs */
	double secs;
};

struct result {
	int32_t err;
	uint32_t nsamples; /* READ latencies in shared->samples[worker] */
	uint64_t ops, reads, writes, errors;
	double secs;
};

static struct shared *sh;
static bool quick;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---- a worker: many guest domains on one connection --------------------- */

struct gdom {
	struct hg *hg;
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	uint32_t req_id;
	uint32_t left; /* ops still to issue (per_dom mode) */
	double t0;
	bool busy;
	bool is_read;
};

struct worker {
	unsigned int index;
	unsigned int first; /* global index of local domain 0 */
	unsigned int n;
	struct gdom *g;
	uint32_t *by_domid; /* local index + 1 */
	uint64_t rnd;
};

static uint32_t next_rnd(struct worker *w)
{
	w->rnd ^= w->rnd << 13;
	w->rnd ^= w->rnd >> 7;
	w->rnd ^= w->rnd << 17;
	return (uint32_t)w->rnd;
}

static int attach_all(struct worker *w, const char *sock)
{
	struct gdom_info *di;
	struct gdom *gd;
	uint64_t port;
	unsigned int i;
	int rc;

	w->g = calloc(w->n, sizeof(*w->g));
	w->by_domid = calloc(DOMID_FIRST_RESERVED, sizeof(*w->by_domid));
	if (w->g == NULL || w->by_domid == NULL) {
		return -ENOMEM;
	}
	for (i = 0; i < w->n; i++) {
		di = &sh->dom[w->first + i];
		gd = &w->g[i];
		gd->hg = i == 0 ? hg_attach_to(sock, di->domid, di->handle)
				: hg_attach_more(
					  w->g[0].hg, di->domid, di->handle);
		if (gd->hg == NULL) {
			return -errno;
		}
		rc = hg_hvm_get_param(gd->hg, HVM_PARAM_STORE_EVTCHN, &port);
		if (rc < 0) {
			return rc;
		}
		gd->port = (evtchn_port_t)port;
		gd->intf = hg_gfn_to_ptr(gd->hg, STORE_PFN);
		if (gd->intf == NULL) {
			return -EINVAL;
		}
		w->by_domid[di->domid] = i + 1;
	}
	return 0;
}

static int issue(struct worker *w, struct gdom *gd, uint32_t mode)
{
	char buf[sizeof(struct xsd_sockmsg) + 64];
	struct xsd_sockmsg *h = (struct xsd_sockmsg *)buf;
	char *p = buf + sizeof(*h);
	uint32_t key, r = next_rnd(w);
	int n, len;

	if (mode == MODE_INIT) {
		gd->is_read = false;
		key = gd->left - 1;
	} else {
		gd->is_read = mode == MODE_READ || r % 100 < READ_PERCENT;
		key = (r / 100) % KEYS;
	}
	n = snprintf(p, 32, "data/k%u", key) + 1;
	len = n;
	if (!gd->is_read) {
		len += snprintf(p + n, 32, "value-%u", r % 100000);
	}
	h->type = gd->is_read ? XS_READ : XS_WRITE;
	h->req_id = ++gd->req_id;
	h->tx_id = 0;
	h->len = (uint32_t)len;
	if (hg_xs_ring_write(gd->intf, buf, sizeof(*h) + (size_t)len) !=
		(int)(sizeof(*h) + (size_t)len)) {
		return -EIO; /* one request at a time: the ring has room */
	}
	gd->t0 = now_us();
	gd->busy = true;
	return hg_evtchn_send(gd->hg, gd->port);
}

static void ring_copy(const char *ring, uint32_t idx, void *out, uint32_t len)
{
	uint32_t off = MASK_XENSTORE_IDX(idx), first = XENSTORE_RING_SIZE - off;

	if (first > len) {
		first = len;
	}
	memcpy(out, ring + off, first);
	memcpy((char *)out + first, ring, len - first);
}

/** 1 with the reply's header taken off the ring, 0 if incomplete. */
static int take_reply(struct gdom *gd, struct xsd_sockmsg *hdr)
{
	struct xenstore_domain_interface *intf = gd->intf;
	uint32_t cons = intf->rsp_cons;
	uint32_t prod = __atomic_load_n(&intf->rsp_prod, __ATOMIC_ACQUIRE);
	uint32_t avail = prod - cons;

	if (avail > XENSTORE_RING_SIZE) {
		return -EIO;
	}
	if (avail < sizeof(*hdr)) {
		return 0;
	}
	ring_copy(intf->rsp, cons, hdr, sizeof(*hdr));
	if (hdr->len > XENSTORE_PAYLOAD_MAX) {
		return -EIO;
	}
	if (avail < sizeof(*hdr) + hdr->len) {
		return 0;
	}
	__atomic_store_n(&intf->rsp_cons,
		cons + (uint32_t)sizeof(*hdr) + hdr->len, __ATOMIC_RELEASE);
	if (hdr->req_id != gd->req_id) {
		return -EPROTO;
	}
	return 1;
}

/**
 * A reply of gd may be there: account for it and issue the next op. 1 when
 * a reply was taken, 0 when none is there, or -errno.
 */
static int complete(struct worker *w, struct gdom *gd, const struct cmd *c,
	double end, struct result *res, unsigned int *active)
{
	float *samples = sh->samples[w->index];
	struct xsd_sockmsg hdr;
	double t;
	int rc;

	rc = take_reply(gd, &hdr);
	if (rc <= 0) {
		return rc;
	}
	t = now_us();
	gd->busy = false;
	res->ops++;
	if (hdr.type == XS_ERROR) {
		res->errors++;
	}
	if (gd->is_read) {
		res->reads++;
		if (res->nsamples < MAX_SAMPLES) {
			samples[res->nsamples++] = (float)(t - gd->t0);
		}
	} else {
		res->writes++;
	}
	if (c->per_dom ? --gd->left > 0 : t < end) {
		rc = issue(w, gd, c->mode);
		return rc < 0 ? rc : 1;
	}
	(*active)--;
	return 1;
}

static void run_ops(struct worker *w, const struct cmd *c, struct result *res)
{
	double start = now_us(), end = start + c->secs * 1e6, progress;
	unsigned int i, active = 0;
	struct hg *which;
	struct gdom *gd;
	uint32_t idx;
	int rc = 0;

	if (c->first > w->n || c->count > w->n - c->first) {
		res->err = -EINVAL;
		return;
	}
	for (i = c->first; rc == 0 && i < c->first + c->count; i++) {
		gd = &w->g[i];
		gd->left = c->per_dom;
		rc = issue(w, gd, c->mode);
		active++;
	}
	progress = now_us();
	while (rc >= 0 && active > 0) {
		rc = hg_wait_any(w->g[0].hg, 1000, &which);
		if (rc < 0) {
			break;
		}
		if (rc == 0) {
			/* A lost event leaves its domain waiting: broken. */
			if (now_us() - progress > STALL_MS * 1e3) {
				rc = -ETIMEDOUT;
			}
			continue;
		}
		idx = w->by_domid[hg_domid(which)];
		if (idx == 0) {
			continue;
		}
		gd = &w->g[idx - 1];
		while (hg_next_pending(which) != 0) {
		}
		if (gd->busy) {
			rc = complete(w, gd, c, end, res, &active);
			if (rc > 0) {
				progress = now_us();
			}
		}
	}
	res->err = rc < 0 ? rc : 0;
	res->secs = (now_us() - start) / 1e6;
}

static void worker_main(struct worker *w, int fd, const char *sock)
{
	struct result res;
	struct cmd c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		if (recv(fd, &c, sizeof(c), 0) != (ssize_t)sizeof(c)) {
			_exit(1);
		}
		memset(&res, 0, sizeof(res));
		switch (c.op) {
		case CMD_ATTACH:
			res.err = attach_all(w, sock);
			break;
		case CMD_OPS:
			run_ops(w, &c, &res);
			break;
		default:
			/* Closing the connection ends every domain on it. */
			_exit(0);
		}
		if (send(fd, &res, sizeof(res), 0) != (ssize_t)sizeof(res)) {
			_exit(1);
		}
	}
}

/* ---- the bench ---------------------------------------------------------- */

struct wproc {
	pid_t pid;
	int fd;
	unsigned int first, n; /* global indices */
};

struct bench {
	unsigned int ndoms, nworkers, introduced;
	struct xht_daemon *xh;
	struct xenif *xi;
	struct xsc *xs;
	char dir[128], sock[160], db[160], log[160];
	pid_t xs_pid;
	struct wproc w[MAX_WORKERS];
	int failures;
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

struct stats {
	double median, p99, mean;
	size_t n;
};

static struct stats summarize(float *v, size_t n)
{
	struct stats s = {0, 0, 0, n};
	size_t i;

	if (n == 0) {
		return s;
	}
	qsort(v, n, sizeof(*v), cmp_float);
	for (i = 0; i < n; i++) {
		s.mean += v[i];
	}
	s.mean /= (double)n;
	s.median = v[n / 2];
	s.p99 = v[(size_t)((double)n * 0.99)];
	return s;
}

static void print_stats(const char *name, struct stats s)
{
	printf("%-44s median %7.1f us  p99 %7.1f us  mean %7.1f us\n", name,
		s.median, s.p99, s.mean);
}

static void target(const char *name, double value, const char *unit,
	double limit, bool at_most)
{
	bool ok = at_most ? value <= limit : value >= limit;

	printf("%-44s %10.2f%s (target %s %.2f%s) %s\n", name, value, unit,
		at_most ? "<=" : ">=", limit, unit, ok ? "PASS" : "MISS");
}

static void fail(struct bench *b, const char *what, int err)
{
	fprintf(stderr, "bench_store_domains: %s: %s\n", what, strerror(-err));
	b->failures++;
}

/** Start xenstored (not waiting for it). */
static int store_spawn(struct bench *b)
{
	const char *bin = getenv("XENSTORED_BIN");
	int fd;

	if (!bin) {
		fprintf(stderr,
			"bench_store_domains: XENSTORED_BIN is not set\n");
		return -EINVAL;
	}
	b->xs_pid = fork();
	if (b->xs_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
		}
		execl(bin, bin, "--socket", b->sock, "--database", b->db,
			"--xen", "hosted", "--log-level", "info", (char *)NULL);
		_exit(127);
	}
	return b->xs_pid > 0 ? 0 : -errno;
}

/** Start xenstored and connect to its socket as dom0. */
static int store_start(struct bench *b)
{
	double deadline = now_us() + 60e6;
	int rc = store_spawn(b);

	if (rc < 0) {
		return rc;
	}
	while (xsc_open(b->sock, &b->xs) < 0) {
		if (now_us() > deadline ||
			waitpid(b->xs_pid, NULL, WNOHANG) == b->xs_pid) {
			b->xs_pid = 0;
			return -EIO;
		}
		usleep(500);
	}
	return 0;
}

static void store_stop(struct bench *b)
{
	xsc_close(b->xs);
	b->xs = NULL;
	if (b->xs_pid > 0) {
		kill(b->xs_pid, SIGTERM);
		waitpid(b->xs_pid, NULL, 0);
		b->xs_pid = 0;
	}
}

/** Whether xenstored's log says dom0 ran out of event channels. */
static bool store_out_of_ports(struct bench *b)
{
	char line[512];
	bool found = false;
	FILE *f = fopen(b->log, "r");

	if (!f) {
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "cannot bind event channel") &&
			strstr(line, "No space left")) {
			found = true;
		}
	}
	fclose(f);
	return found;
}

static int worker_call(struct wproc *w, const struct cmd *c)
{
	return send(w->fd, c, sizeof(*c), 0) == (ssize_t)sizeof(*c) ? 0
								    : -errno;
}

static int worker_result(struct wproc *w, struct result *r)
{
	ssize_t n = recv(w->fd, r, sizeof(*r), 0);

	if (n != (ssize_t)sizeof(*r)) {
		return n < 0 ? -errno : -EPIPE;
	}
	return r->err;
}

/**
 * Run c on every worker with its share of the global domains
 * [first, first + count) (c->first and c->count are set per worker);
 * sums the results into *sum and gathers the READ latencies into lat.
 */
static int workers_run(struct bench *b, struct cmd c, unsigned int first,
	unsigned int count, struct result *sum, float **lat)
{
	struct result r[MAX_WORKERS];
	bool asked[MAX_WORKERS] = {false};
	unsigned int i, lo, hi, nlat = 0;
	int rc = 0, err;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < b->nworkers; i++) {
		lo = first > b->w[i].first ? first : b->w[i].first;
		hi = first + count < b->w[i].first + b->w[i].n
			     ? first + count
			     : b->w[i].first + b->w[i].n;
		if (c.op == CMD_OPS && lo >= hi) {
			continue;
		}
		c.first = c.op == CMD_OPS ? lo - b->w[i].first : 0;
		c.count = c.op == CMD_OPS ? hi - lo : 0;
		err = worker_call(&b->w[i], &c);
		if (err < 0 && rc == 0) {
			rc = err;
		}
		asked[i] = err == 0;
	}
	for (i = 0; i < b->nworkers; i++) {
		if (!asked[i]) {
			continue;
		}
		err = worker_result(&b->w[i], &r[i]);
		if (err < 0 && rc == 0) {
			rc = err;
		}
		sum->ops += r[i].ops;
		sum->reads += r[i].reads;
		sum->writes += r[i].writes;
		sum->errors += r[i].errors;
		sum->nsamples += r[i].nsamples;
		if (r[i].secs > sum->secs) {
			sum->secs = r[i].secs;
		}
	}
	if (lat) {
		*lat = malloc(sizeof(float) * (sum->nsamples + 1));
		for (i = 0; *lat && i < b->nworkers; i++) {
			if (asked[i]) {
				memcpy(*lat + nlat, sh->samples[i],
					sizeof(float) * r[i].nsamples);
				nlat += r[i].nsamples;
			}
		}
	}
	if (rc == 0 && sum->errors > 0) {
		rc = -EREMOTEIO;
	}
	return rc;
}

static int start_workers(struct bench *b)
{
	unsigned int i, per = (b->ndoms + b->nworkers - 1) / b->nworkers;
	struct worker w;
	int sv[2];

	for (i = 0; i < b->nworkers; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) <
			0) {
			return -errno;
		}
		b->w[i].first = i * per;
		b->w[i].n = i * per >= b->ndoms        ? 0
			    : b->ndoms - i * per < per ? b->ndoms - i * per
						       : per;
		b->w[i].pid = fork();
		if (b->w[i].pid == 0) {
			close(sv[0]);
			memset(&w, 0, sizeof(w));
			w.index = i;
			w.first = b->w[i].first;
			w.n = b->w[i].n;
			w.rnd = 0x9e3779b97f4a7c15ull * (i + 1);
			worker_main(&w, sv[1], b->xh->sock);
			_exit(0);
		}
		close(sv[1]);
		if (b->w[i].pid < 0) {
			return -errno;
		}
		b->w[i].fd = sv[0];
	}
	return 0;
}

static void stop_workers(struct bench *b)
{
	struct cmd c = {.op = CMD_QUIT};
	unsigned int i;

	for (i = 0; i < b->nworkers; i++) {
		if (b->w[i].pid > 0) {
			worker_call(&b->w[i], &c);
			close(b->w[i].fd);
			waitpid(b->w[i].pid, NULL, 0);
			b->w[i].pid = 0;
		}
	}
}

static int create_domains(struct bench *b)
{
	struct xenif_domain_config cfg;
	unsigned int i;
	double t0 = now_us();
	int port, rc = 0;

	for (i = 0; rc == 0 && i < b->ndoms; i++) {
		memset(&cfg, 0, sizeof(cfg));
		cfg.max_pages = DOM_PAGES;
		rc = xenif_domain_create(b->xi, &cfg, &sh->dom[i].domid);
		if (rc < 0) {
			break;
		}
		memcpy(sh->dom[i].handle, cfg.handle, 16);
		port = xenif_evtchn_alloc_unbound(b->xi, sh->dom[i].domid, 0);
		if (port < 0) {
			rc = port;
			break;
		}
		sh->dom[i].port = (uint32_t)port;
		rc = xenif_hvm_param_set(b->xi, sh->dom[i].domid,
			HVM_PARAM_STORE_PFN, STORE_PFN);
		if (rc == 0) {
			rc = xenif_hvm_param_set(b->xi, sh->dom[i].domid,
				HVM_PARAM_STORE_EVTCHN, (uint64_t)port);
		}
		if (rc == 0) {
			rc = xenif_domain_unpause(b->xi, sh->dom[i].domid);
		}
	}
	if (rc < 0) {
		return rc;
	}
	printf("%-44s %8.0f ms (%.0f per second)\n", "create domains",
		(now_us() - t0) / 1e3, b->ndoms / ((now_us() - t0) / 1e6));
	return 0;
}

/**
 * The toolstack's part for domains [from, to): home directory owned by the
 * domain, then INTRODUCE. 1 (not an error) when dom0 has no event channel
 * left for xenstored: b->introduced says how far it went.
 */
static int introduce(
	struct bench *b, unsigned int from, unsigned int to, float *intro_lat)
{
	char path[64], own[16], msg[64], *reply;
	const char *perms[1] = {own};
	uint32_t domid, rtype;
	unsigned int i;
	size_t rlen;
	double t0;
	int rc = 0;

	for (i = from; rc == 0 && i < to; i++) {
		domid = sh->dom[i].domid;
		snprintf(path, sizeof(path), "/local/domain/%u", domid);
		snprintf(own, sizeof(own), "n%u", domid);
		rc = xsc_mkdir(b->xs, 0, path);
		if (rc == 0) {
			rc = xsc_set_perms(b->xs, 0, path, perms, 1);
		}
		if (rc < 0) {
			break;
		}
		rlen = (size_t)snprintf(msg, sizeof(msg), "%u%c%d%c%u%c", domid,
			0, STORE_PFN, 0, sh->dom[i].port, 0);
		t0 = now_us();
		rc = xsc_request(b->xs, XS_INTRODUCE, 0, msg, rlen, &rtype,
			&reply, &rlen);
		if (intro_lat) {
			intro_lat[i - from] = (float)(now_us() - t0);
		}
		if (rc < 0) {
			break;
		}
		if (rtype != XS_INTRODUCE) {
			if (store_out_of_ports(b)) {
				free(reply);
				xsc_rm(b->xs, 0, path);
				return 1;
			}
			fprintf(stderr, "INTRODUCE dom%u: %s\n", domid, reply);
			rc = -EIO;
		}
		free(reply);
		b->introduced = i + 1;
	}
	return rc;
}

#define BLOCKS 9

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/**
 * READ latency, one request at a time, from the first domain, in BLOCKS
 * blocks: *s over every sample, *p99 the median of the blocks' p99s (a
 * burst of other work on this machine spoils one block, not the figure).
 */
static int read_latency(struct bench *b, struct stats *s, double *p99)
{
	struct cmd c = {.op = CMD_OPS, .mode = MODE_READ};
	unsigned int per = quick ? 500 : 2500, i, n = 0;
	double bp99[BLOCKS];
	struct result sum;
	float *all, *lat = NULL;
	int rc;

	all = malloc(sizeof(float) * per * BLOCKS);
	if (!all) {
		return -ENOMEM;
	}
	c.per_dom = 200; /* warm-up */
	rc = workers_run(b, c, 0, 1, &sum, NULL);
	c.per_dom = per;
	for (i = 0; rc == 0 && i < BLOCKS; i++) {
		rc = workers_run(b, c, 0, 1, &sum, &lat);
		if (rc == 0 && lat && sum.nsamples == per) {
			memcpy(all + n, lat, sizeof(float) * per);
			n += per;
			bp99[i] = summarize(lat, per).p99;
		} else if (rc == 0) {
			rc = -EIO;
		}
		free(lat);
		lat = NULL;
	}
	if (rc == 0) {
		*s = summarize(all, n);
		qsort(bp99, BLOCKS, sizeof(double), cmp_double);
		*p99 = bp99[BLOCKS / 2];
	}
	free(all);
	return rc;
}

/** The number of domain homes under /local/domain, or -errno. */
static int count_homes(struct bench *b)
{
	unsigned int n;
	char **names;
	int rc;

	rc = xsc_directory(b->xs, 0, "/local/domain", &names, &n);
	if (rc < 0) {
		return rc;
	}
	free(names);
	return (int)n;
}

/**
 * A worker's process ends: its domains crash and are destroyed
 * at once, and xenstored, told by VIRQ_DOM_EXC, releases those it knew and
 * removes their nodes. Timed until the last home is gone.
 */
static int death(struct bench *b)
{
	struct cmd c = {.op = CMD_QUIT};
	struct wproc *w = NULL;
	double t0, deadline;
	unsigned int dead, i;
	int before, n;

	/* The last worker with introduced domains; not the first one. */
	for (i = 1; i < b->nworkers; i++) {
		if (b->w[i].n > 0 && b->w[i].first < b->introduced) {
			w = &b->w[i];
		}
	}
	if (!w) {
		return 0;
	}
	dead = b->introduced - w->first < w->n ? b->introduced - w->first
					       : w->n;
	if (xsc_open(b->sock, &b->xs) < 0) {
		return -EIO;
	}
	before = count_homes(b);
	if (before < 0) {
		return before;
	}
	t0 = now_us();
	worker_call(w, &c);
	close(w->fd);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
	deadline = now_us() + 600e6;
	while ((n = count_homes(b)) > before - (int)dead) {
		if (n < 0 || now_us() > deadline) {
			return n < 0 ? n : -ETIMEDOUT;
		}
		usleep(10000);
	}
	if (n != before - (int)dead) {
		return -EIO;
	}
	printf("%-44s %8.0f ms (%u introduced, %u in all)\n",
		"a worker ends: its dead domains released",
		(now_us() - t0) / 1e3, dead, w->n);
	return 0;
}

static int run(struct bench *b)
{
	struct cmd c = {0};
	struct stats few_s, all_s, intro_s, load_s;
	double few_p99, all_p99;
	struct result sum;
	float *lat = NULL, *intro_lat;
	long rss_few, rss_all;
	double t0, intro_us, secs;
	char name[80];
	int rc, more;

	/* Domains, attached by the workers over one connection each. */
	rc = create_domains(b);
	if (rc < 0) {
		fail(b, "creating domains", rc);
		return rc;
	}
	t0 = now_us();
	c.op = CMD_ATTACH;
	rc = workers_run(b, c, 0, b->ndoms, &sum, NULL);
	if (rc < 0) {
		fail(b, "attaching domains", rc);
		return rc;
	}
	snprintf(name, sizeof(name), "attach %u domains over %u connections",
		b->ndoms, b->nworkers);
	printf("%-44s %8.0f ms\n", name, (now_us() - t0) / 1e3);
	printf("%-44s %8ld descriptors, %ld KiB RSS\n", "xen-hosted",
		xht_fd_count(b->xh), xht_rss_kib(b->xh));

	/* The small store: FEW domains. */
	intro_lat = calloc(b->ndoms, sizeof(float));
	if (!intro_lat) {
		return -ENOMEM;
	}
	t0 = now_us();
	rc = introduce(b, 0, FEW, intro_lat);
	intro_us = now_us() - t0;
	c.op = CMD_OPS;
	c.mode = MODE_INIT;
	c.per_dom = KEYS;
	if (rc == 0) {
		rc = workers_run(b, c, 0, FEW, &sum, NULL);
	}
	if (rc == 0) {
		rc = read_latency(b, &few_s, &few_p99);
	}
	if (rc != 0) {
		rc = rc < 0 ? rc : -ENOSPC;
		fail(b, "the small store", rc);
		free(intro_lat);
		return rc;
	}
	snprintf(
		name, sizeof(name), "READ from one domain, %u introduced", FEW);
	print_stats(name, few_s);
	printf("%-44s %7.1f us\n", "  p99, median of 9 blocks", few_p99);
	usleep(200000);
	rss_few = xht_pid_rss_kib(b->xs_pid);

	/* Every domain. */
	t0 = now_us();
	more = introduce(b, FEW, b->ndoms, intro_lat + FEW);
	intro_us += now_us() - t0;
	if (more < 0) {
		fail(b, "introducing", more);
		free(intro_lat);
		return more;
	}
	intro_s = summarize(intro_lat, b->introduced);
	free(intro_lat);
	snprintf(name, sizeof(name), "introduce %u domains", b->introduced);
	printf("%-44s %8.0f ms (%.0f per second; home dir, perms, "
	       "INTRODUCE)\n",
		name, intro_us / 1e3, b->introduced / (intro_us / 1e6));
	print_stats("  INTRODUCE alone", intro_s);
	if (more) {
		printf("  dom0 is out of event channels after %u domains "
		       "(2-level ABI: 4096 ports per domain)\n",
			b->introduced);
	}
	usleep(200000);
	rss_all = xht_pid_rss_kib(b->xs_pid);
	rc = read_latency(b, &all_s, &all_p99);
	if (rc < 0) {
		fail(b, "READ latency with every domain", rc);
		return rc;
	}
	snprintf(name, sizeof(name), "READ from one domain, %u introduced",
		b->introduced);
	print_stats(name, all_s);
	printf("%-44s %7.1f us\n", "  p99, median of 9 blocks", all_p99);
	printf("%-44s %8.2f KiB per domain (%ld KiB -> %ld KiB)\n",
		"xenstored RSS per idle introduced domain",
		(double)(rss_all - rss_few) / (b->introduced - FEW), rss_few,
		rss_all);

	/* Everyone at once. */
	c.mode = MODE_INIT;
	c.per_dom = KEYS;
	t0 = now_us();
	rc = workers_run(b, c, FEW, b->introduced - FEW, &sum, NULL);
	if (rc < 0) {
		fail(b, "writing the domains' nodes", rc);
		return rc;
	}
	printf("%-44s %8.0f writes/s (%llu)\n", "first WRITEs, every domain",
		sum.ops / ((now_us() - t0) / 1e6), (unsigned long long)sum.ops);
	c.mode = MODE_MIX;
	c.per_dom = 0;
	c.secs = quick ? 2 : 10;
	rc = workers_run(b, c, 0, b->introduced, &sum, &lat);
	if (rc < 0) {
		fail(b, "mixed load", rc);
		free(lat);
		return rc;
	}
	load_s = summarize(lat, sum.nsamples);
	free(lat);
	printf("%-44s %8.0f ops/s (%llu READ, %llu WRITE, %.1f s)\n",
		"80% READ / 20% WRITE, all domains at once", sum.ops / sum.secs,
		(unsigned long long)sum.reads, (unsigned long long)sum.writes,
		sum.secs);
	print_stats("  READ under that load", load_s);

	/* Restart: SIGTERM, start, the last domain's request answered. */
	t0 = now_us();
	store_stop(b);
	secs = (now_us() - t0) / 1e6;
	rc = store_spawn(b);
	c.mode = MODE_READ;
	c.per_dom = 1;
	if (rc == 0) {
		rc = workers_run(b, c, b->introduced - 1, 1, &sum, NULL);
	}
	if (rc < 0) {
		fail(b, "the last domain after the restart", rc);
		return rc;
	}
	printf("%-44s %8.0f ms (of which stopping %.0f ms)\n",
		"restart until the last ring answers", (now_us() - t0) / 1e3,
		secs * 1e3);
	t0 = now_us();
	rc = workers_run(b, c, 0, b->introduced, &sum, NULL);
	if (rc < 0) {
		fail(b, "every domain after the restart", rc);
		return rc;
	}
	printf("%-44s %8.0f ms\n", "then one READ from every domain",
		(now_us() - t0) / 1e3);
	rc = death(b);
	if (rc < 0) {
		fail(b, "domains dying", rc);
		return rc;
	}

	printf("\ntargets (ratios measured in this run):\n");
	target("domains introduced", b->introduced, "", b->ndoms, false);
	target("READ p99 (block median), all / 10 domains", all_p99 / few_p99,
		"x", 1.5, true);
	printf("%-44s %10.2fx (all samples, noise included)\n",
		"READ p99, all / 10 domains", all_s.p99 / few_s.p99);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b;
	const char *base = getenv("BENCH_DIR");
	char maxdoms[16], cmd[300];
	const char *xh_args[] = {"--max-domains", maxdoms, "--default-pages",
		"8", "--log-level", "warn", NULL};
	struct statfs sfs;
	int i, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&b, 0, sizeof(b));
	b.ndoms = MAX_DOMAINS;
	b.nworkers = 4;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			quick = true;
			b.ndoms = 200;
			b.nworkers = 2;
		} else if (strcmp(argv[i], "--domains") == 0 && i + 1 < argc) {
			b.ndoms = (unsigned int)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(stderr, "usage: %s [--quick] [--domains N]\n",
				argv[0]);
			return 2;
		}
	}
	if (b.ndoms <= FEW || b.ndoms > MAX_DOMAINS) {
		fprintf(stderr, "bench_store_domains: 11 to %u domains\n",
			MAX_DOMAINS);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	snprintf(b.dir, sizeof(b.dir), "%s/xs-domains-XXXXXX",
		base ? base : "/var/tmp");
	if (!mkdtemp(b.dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(b.sock, sizeof(b.sock), "%s/sock", b.dir);
	snprintf(b.db, sizeof(b.db), "%s/db.sqlite", b.dir);
	snprintf(b.log, sizeof(b.log), "%s/xenstored.log", b.dir);
	if (statfs(b.dir, &sfs) == 0) {
		printf("database in %s (%s); %u domains, %u worker processes\n",
			b.dir,
			sfs.f_type == TMPFS_MAGIC_NUMBER ? "tmpfs" : "disk",
			b.ndoms, b.nworkers);
	}
	snprintf(maxdoms, sizeof(maxdoms), "%u", b.ndoms + 100);
	b.xh = xht_start(xh_args);
	rc = b.xh ? start_workers(&b) : -EIO;
	if (rc == 0) {
		b.xi = xenif_open(XENIF_HOSTED, b.xh->sock);
		rc = b.xi ? store_start(&b) : -errno;
	}
	if (rc < 0) {
		fail(&b, "starting xen-hosted, xenstored and the workers", rc);
	} else {
		run(&b);
	}
	store_stop(&b);
	stop_workers(&b);
	xenif_close(b.xi);
	if (b.xh && xht_stop(b.xh) != 0) {
		fprintf(stderr, "bench_store_domains: xen-hosted did not stop "
				"cleanly\n");
		b.failures++;
	}
	if (b.failures) {
		snprintf(cmd, sizeof(cmd), "tail -n 20 '%s' >&2", b.log);
		if (system(cmd) != 0) {
			fprintf(stderr, "(no xenstored log)\n");
		}
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench_store_domains: cannot remove %s\n",
			b.dir);
	}
	return b.failures ? 1 : 0;
}
