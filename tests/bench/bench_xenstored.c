/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenstored benchmark: starts the daemon (XENSTORED_BIN) with its
 * database under $BENCH_DIR or /var/tmp (a disk file system, not tmpfs),
 * and measures over the Unix socket, one request at a time:
 *
 *   READ and durable WRITE round trips (10k distinct keys in one
 *   directory), DIRECTORY of a 1000-child node, transactions (16 clients
 *   on one shared counter, 16 on disjoint nodes: commits/s, conflicts),
 *   watch fan-out (100 watchers, 1000 writes), a 1000-domain x 50-node
 *   tree (create rate, READ p99 against the empty store, daemon RSS per
 *   node) and the restart time with that tree.
 *
 * It prints each figure and each target ratio with PASS or MISS. A MISS is
 * a figure, not a failure: the exit status is non-zero only when
 * something breaks (an error reply, a lost event, a daemon that does not
 * start). --quick runs small sizes, as a smoke test.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "io/xs_wire.h"
#include "xs_client.h"

#define TMPFS_MAGIC_NUMBER 0x01021994

struct bench {
	bool quick;
	char dir[128];
	char sock[160];
	char db[160];
	pid_t pid;
	int failures;
};

struct stats {
	double median, p99, mean;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct stats summarize(double *v, size_t n)
{
	struct stats s = {0, 0, 0};
	size_t i;

	if (n == 0) {
		return s;
	}
	qsort(v, n, sizeof(*v), cmp_double);
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
	printf("%-36s median %8.1f us   p99 %8.1f us   mean %8.1f us\n", name,
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
	fprintf(stderr, "bench: %s: %s\n", what, strerror(-err));
	b->failures++;
}

static long rss_kib(pid_t pid)
{
	char path[64], line[128];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) {
			break;
		}
	}
	fclose(f);
	return kib;
}

static struct xsc *connect_retry(struct bench *b, int timeout_ms)
{
	double deadline = now_us() + timeout_ms * 1000.0;
	struct xsc *x;

	while (xsc_open(b->sock, &x) < 0) {
		if (now_us() > deadline) {
			return NULL;
		}
		usleep(500);
	}
	return x;
}

static int daemon_start(struct bench *b)
{
	const char *bin = getenv("XENSTORED_BIN");

	if (!bin) {
		fprintf(stderr, "bench: XENSTORED_BIN is not set\n");
		return -1;
	}
	b->pid = fork();
	if (b->pid == 0) {
		execl(bin, bin, "--socket", b->sock, "--database", b->db,
			"--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	return b->pid > 0 ? 0 : -1;
}

static void daemon_stop(struct bench *b)
{
	int status;

	if (b->pid > 0) {
		kill(b->pid, SIGTERM);
		waitpid(b->pid, &status, 0);
		b->pid = 0;
	}
}

/** n synchronous READs of path; fills lat (microseconds). */
static int time_reads(struct xsc *x, const char *path, double *lat, size_t n)
{
	size_t i, len;
	char *v;
	int ret;

	for (i = 0; i < n; i++) {
		double t0 = now_us();

		ret = xsc_read(x, 0, path, &v, &len);
		lat[i] = now_us() - t0;
		if (ret < 0) {
			return ret;
		}
		free(v);
	}
	return 0;
}

static int bench_basic(struct bench *b, struct xsc *x, struct stats *read_s,
	struct stats *write_s, struct stats *dir_s)
{
	size_t nread = b->quick ? 2000 : 20000;
	size_t nwrite = b->quick ? 1000 : 10000;
	size_t ndir = b->quick ? 500 : 2000, i;
	double *lat = calloc(nread > nwrite ? nread : nwrite, sizeof(double));
	char path[64];
	unsigned int count;
	char **names;
	int ret;

	ret = xsc_write(x, 0, "/bench/read", "value", 5);
	for (i = 0; ret == 0 && i < 1000; i++) { /* warm-up */
		ret = time_reads(x, "/bench/read", lat, 1);
	}
	if (ret == 0) {
		ret = time_reads(x, "/bench/read", lat, nread);
	}
	if (ret < 0) {
		free(lat);
		return ret;
	}
	*read_s = summarize(lat, nread);
	print_stats("READ (empty store)", *read_s);
	for (i = 0; i < nwrite; i++) {
		double t0;

		snprintf(path, sizeof(path), "/bench/write/k%05zu", i);
		t0 = now_us();
		ret = xsc_write(x, 0, path, "v", 1);
		lat[i] = now_us() - t0;
		if (ret < 0) {
			free(lat);
			return ret;
		}
	}
	*write_s = summarize(lat, nwrite);
	print_stats("WRITE, 10k new keys in one dir", *write_s);
	for (i = 0; i < 1000; i++) {
		/* Names 0..999 fill 3890 bytes: one DIRECTORY payload. */
		snprintf(path, sizeof(path), "/bench/dir/%zu", i);
		ret = xsc_write(x, 0, path, "", 0);
		if (ret < 0) {
			free(lat);
			return ret;
		}
	}
	for (i = 0; i < ndir; i++) {
		double t0 = now_us();

		ret = xsc_directory(x, 0, "/bench/dir", &names, &count);
		lat[i] = now_us() - t0;
		if (ret < 0 || count != 1000) {
			free(lat);
			return ret < 0 ? ret : -EIO;
		}
		free(names);
	}
	*dir_s = summarize(lat, ndir);
	print_stats("DIRECTORY of 1000 children", *dir_s);
	free(lat);
	return 0;
}

struct txn_worker {
	struct bench *b;
	const char *path;
	unsigned int commits;
	unsigned long conflicts;
	int err;
};

/** One client: read, +1, write, commit; retry on EAGAIN. */
static void *txn_worker_run(void *arg)
{
	struct txn_worker *w = arg;
	struct xsc *x = NULL;
	unsigned int done = 0;
	char *v, num[32];
	uint32_t tx;
	size_t len;
	int ret;

	ret = xsc_open(w->b->sock, &x);
	while (ret == 0 && done < w->commits) {
		ret = xsc_transaction_start(x, &tx);
		if (ret < 0) {
			break;
		}
		ret = xsc_read(x, tx, w->path, &v, &len);
		if (ret < 0) {
			break;
		}
		snprintf(num, sizeof(num), "%ld", strtol(v, NULL, 10) + 1);
		free(v);
		ret = xsc_write(x, tx, w->path, num, strlen(num));
		if (ret == 0) {
			ret = xsc_transaction_end(x, tx, true);
		}
		if (ret == -EAGAIN) {
			w->conflicts++;
			ret = 0;
			continue;
		}
		done++;
	}
	w->err = ret;
	xsc_close(x);
	return NULL;
}

static int bench_txn(struct bench *b, struct xsc *x, bool shared,
	unsigned long *conflicts_out)
{
	unsigned int clients = 16, per = b->quick ? 20 : 200, i;
	struct txn_worker w[16];
	pthread_t th[16];
	char paths[16][64];
	unsigned long conflicts = 0;
	double t0, secs;
	char *v;
	size_t len;
	int ret;

	for (i = 0; i < clients; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/bench/txn/%s%u",
			shared ? "shared" : "own", shared ? 0 : i);
		ret = xsc_write(x, 0, paths[i], "0", 1);
		if (ret < 0) {
			return ret;
		}
		w[i] = (struct txn_worker){b, paths[i], per, 0, 0};
	}
	t0 = now_us();
	for (i = 0; i < clients; i++) {
		pthread_create(&th[i], NULL, txn_worker_run, &w[i]);
	}
	for (i = 0; i < clients; i++) {
		pthread_join(th[i], NULL);
		conflicts += w[i].conflicts;
		if (w[i].err < 0) {
			return w[i].err;
		}
	}
	secs = (now_us() - t0) / 1e6;
	ret = xsc_read(x, 0, paths[0], &v, &len);
	if (ret < 0) {
		return ret;
	}
	if (strtoul(v, NULL, 10) != (shared ? clients * per : per)) {
		fprintf(stderr, "bench: counter %s is %s\n", paths[0], v);
		free(v);
		return -EIO;
	}
	free(v);
	printf("%-36s %8.0f commits/s   conflicts %lu (%.1f%% of attempts)\n",
		shared ? "16 clients, one shared counter"
		       : "16 clients, disjoint nodes",
		clients * per / secs, conflicts,
		100.0 * conflicts / (conflicts + clients * per));
	*conflicts_out = conflicts;
	return 0;
}

static int bench_watch(struct bench *b, struct xsc *x, struct stats *s)
{
	unsigned int watchers = 100, writes = b->quick ? 100 : 1000, i, j;
	struct xsc **w = calloc(watchers, sizeof(*w));
	double *lat = calloc(writes, sizeof(double));
	unsigned long events = 0;
	char *p, *t, val[16];
	int ret = 0;

	for (i = 0; ret == 0 && i < watchers; i++) {
		ret = xsc_open(b->sock, &w[i]);
		if (ret == 0) {
			ret = xsc_watch(w[i], "/bench/fan", "tok");
		}
		if (ret == 0) { /* the initial event */
			ret = xsc_read_watch(w[i], 5000, &p, &t);
			if (ret == 0) {
				events++;
				free(p);
				free(t);
			}
		}
	}
	for (i = 0; ret == 0 && i < writes; i++) {
		double t0 = now_us();

		snprintf(val, sizeof(val), "%u", i);
		ret = xsc_write(x, 0, "/bench/fan", val, strlen(val));
		for (j = 0; ret == 0 && j < watchers; j++) {
			ret = xsc_read_watch(w[j], 5000, &p, &t);
			if (ret == 0) {
				events++;
				free(p);
				free(t);
			}
		}
		lat[i] = now_us() - t0;
	}
	for (i = 0; i < watchers; i++) {
		xsc_close(w[i]);
	}
	free(w);
	if (ret == 0) {
		*s = summarize(lat, writes);
		print_stats("write until 100 watchers have it", *s);
		printf("%-36s %lu (expected %u)\n", "watch events received",
			events, watchers * (writes + 1));
		if (events != watchers * (writes + 1)) {
			ret = -EIO;
		}
	}
	free(lat);
	return ret;
}

static int bench_tree(struct bench *b, struct xsc *x, struct stats *read_s,
	double *rss_per_node, double *restart_ms)
{
	unsigned int doms = b->quick ? 100 : 1000, per = 50, d, n;
	size_t nread = b->quick ? 2000 : 20000, i;
	double *lat = calloc(nread, sizeof(double));
	long rss0, rss1;
	char path[96], *v;
	size_t len;
	double t0, secs;
	int ret = 0;

	rss0 = rss_kib(b->pid);
	t0 = now_us();
	for (d = 1; ret == 0 && d <= doms; d++) {
		for (n = 0; ret == 0 && n < per; n++) {
			snprintf(path, sizeof(path),
				"/local/domain/%u/data/node%02u", d, n);
			ret = xsc_write(x, 0, path, "some-value", 10);
		}
	}
	if (ret < 0) {
		free(lat);
		return ret;
	}
	secs = (now_us() - t0) / 1e6;
	rss1 = rss_kib(b->pid);
	printf("%-36s %8.0f nodes/s (%u nodes)\n", "create, 1000 domains x 50",
		doms * per / secs, doms * per);
	srand(1);
	for (i = 0; ret == 0 && i < nread; i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/data/node%02u",
			1 + rand() % doms, rand() % per);
		t0 = now_us();
		ret = xsc_read(x, 0, path, &v, &len);
		lat[i] = now_us() - t0;
		free(ret == 0 ? v : NULL);
	}
	if (ret < 0) {
		free(lat);
		return ret;
	}
	*read_s = summarize(lat, nread);
	print_stats("READ, random node of the tree", *read_s);
	*rss_per_node = (double)(rss1 - rss0) * 1024.0 / (doms * per);
	printf("%-36s %ld KiB -> %ld KiB\n", "daemon RSS", rss0, rss1);
	free(lat);
	/* Restart: SIGTERM, start, first READ of a deep node. */
	daemon_stop(b);
	t0 = now_us();
	if (daemon_start(b) < 0) {
		return -EIO;
	}
	x = connect_retry(b, 10000);
	if (!x) {
		return -EIO;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/data/node%02u", doms,
		per - 1);
	ret = xsc_read(x, 0, path, &v, &len);
	*restart_ms = (now_us() - t0) / 1000.0;
	if (ret == 0) {
		free(v);
	}
	xsc_close(x);
	return ret;
}

int main(int argc, char **argv)
{
	struct bench b = {0};
	struct stats read_s, write_s, dir_s, fan_s, tree_s;
	unsigned long shared_conflicts = 0, own_conflicts = 0;
	double rss_per_node = 0, restart_ms = 0;
	const char *base = getenv("BENCH_DIR");
	struct statfs sfs;
	struct xsc *x;
	char cmd[200];
	int ret;

	b.quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	snprintf(b.dir, sizeof(b.dir), "%s/xs-bench-XXXXXX",
		base ? base : "/var/tmp");
	if (!mkdtemp(b.dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(b.sock, sizeof(b.sock), "%s/sock", b.dir);
	snprintf(b.db, sizeof(b.db), "%s/db.sqlite", b.dir);
	if (statfs(b.dir, &sfs) == 0) {
		printf("database in %s (%s)\n", b.dir,
			sfs.f_type == TMPFS_MAGIC_NUMBER ? "tmpfs" : "disk");
	}
	if (daemon_start(&b) < 0 || !(x = connect_retry(&b, 10000))) {
		fprintf(stderr, "bench: the daemon did not start\n");
		return 1;
	}
	ret = bench_basic(&b, x, &read_s, &write_s, &dir_s);
	if (ret < 0) {
		fail(&b, "read/write/directory", ret);
	}
	if (ret == 0 && (ret = bench_txn(&b, x, true, &shared_conflicts))) {
		fail(&b, "shared transactions", ret);
	}
	if (ret == 0 && (ret = bench_txn(&b, x, false, &own_conflicts))) {
		fail(&b, "disjoint transactions", ret);
	}
	if (ret == 0 && (ret = bench_watch(&b, x, &fan_s))) {
		fail(&b, "watch fan-out", ret);
	}
	if (ret == 0) {
		/* x stays open on the old daemon; closed below. */
		ret = bench_tree(&b, x, &tree_s, &rss_per_node, &restart_ms);
		if (ret < 0) {
			fail(&b, "1000-domain tree", ret);
		}
	}
	xsc_close(x);
	if (ret == 0) {
		printf("\ntargets (ratios measured in this run):\n");
		target("durable WRITE / READ (median)",
			write_s.median / read_s.median, "x", 1.2, true);
		target("DIRECTORY(1000) / READ (median)",
			dir_s.median / read_s.median, "x", 1.5, true);
		target("conflicts, disjoint transactions",
			(double)own_conflicts, "", 0, true);
		target("READ p99, 50k-node tree / empty store",
			tree_s.p99 / read_s.p99, "x", 1.2, true);
		target("RSS growth per node", rss_per_node, " B", 100, true);
		target("restart with the tree", restart_ms, " ms", 1000, true);
	}
	daemon_stop(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b.dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "bench: cannot remove %s\n", b.dir);
	}
	return b.failures ? 1 : 0;
}
