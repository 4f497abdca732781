// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 9pfs benchmark: p9backend over its Unix socket and over the Xen
 * 9pfs rings of a hosted guest, beside Debian's diod serving the same kind
 * of directory on its socket in the same run, and beside plain local file
 * I/O. One client (tests/p9/p9client.h) drives every 9P server, with the
 * same msize request, so the servers are compared and not the clients.
 *
 * Per transport:
 *   - sequential write of a 64 MiB file (Twrite of msize - 23 bytes);
 *   - sequential read of it (Tread), the page cache warm for every one;
 *   - small files: create + stat + unlink (Tlcreate, Tclunk, Twalk,
 *     Tgetattr, Tclunk, Tunlinkat), files per second.
 * Printed: MiB/s and files/s, and the ratios ours/diod (target >= 1.0).
 * --quick uses 8 MiB and 200 files, as a smoke test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "hguest.h"
#include "p9client.h"
#include "p9front.h"
#include "store_fixture.h"
#include "xenbus.h"
#include "xs_client.h"

#define ROOT 1u
#define MSIZE (512u * 1024u)
#define RING_ORDER 9u /* 1 MiB each way: msize up to 1 MiB */

static bool quick;
static unsigned int rounds = 5;
#define MAX_ROUNDS 5
static size_t file_bytes = 64u << 20;
static unsigned int nfiles = 2000;

struct figures {
	double write_mibs;
	double read_mibs;
	double files_per_s;
	uint32_t msize;
};

#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "bench_p9: " __VA_ARGS__);                     \
		fputc('\n', stderr);                                           \
		exit(1);                                                       \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint8_t *pattern(void)
{
	uint8_t *b = malloc(file_bytes);
	size_t i;

	if (b == NULL) {
		FAIL("no memory");
	}
	for (i = 0; i < file_bytes; i++) {
		b[i] = (uint8_t)(i * 131 + (i >> 12));
	}
	return b;
}

/* ---- the 9P workload
 * ---------------------------------------------------------- */

/*
 * Unlink name in directory fid dfid: Tunlinkat, or where the server lacks
 * it (diod 1.0.24 answers EOPNOTSUPP... as Linux's client expects of older
 * servers) a walk and Tremove.
 */
static int remove_file(
	struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	int ret = p9c_unlinkat(c, dfid, name, flags);

	if (ret != -EOPNOTSUPP && ret != -ENOSYS) {
		return ret;
	}
	ret = p9c_walk(c, dfid, 8, name, NULL);
	return ret != 0 ? ret : p9c_remove(c, 8);
}

/* Tversion and Tattach: 0 or -2. */
static int p9_session(
	struct p9c *c, const char *aname, uint32_t msize, struct figures *f)
{
	int64_t ms = p9c_version(c, msize);

	if (ms <= 0 || p9c_attach_aname(c, ROOT, aname, 0, NULL) != 0) {
		return -2;
	}
	f->msize = (uint32_t)ms;
	return 0;
}

/* One round: 0 and f's figures, or a negative step number. */
static int p9_round(struct p9c *c, struct figures *f)
{
	uint8_t *data = pattern(), *back = malloc(file_bytes);
	struct p9c_attr a;
	char name[32];
	size_t off;
	ssize_t n;
	double t;
	unsigned int i;

	if (back == NULL) {
		return -1;
	}
	if (p9c_walk(c, ROOT, 2, "", NULL) != 0 ||
		p9c_lcreate(c, 2, "big", P9_DOTL_RDWR, 0644, 0, NULL) != 0) {
		return -3;
	}
	t = now_s();
	for (off = 0; off < file_bytes; off += (size_t)n) {
		n = p9c_write(c, 2, off, data + off,
			(uint32_t)(file_bytes - off > MSIZE
					   ? MSIZE
					   : file_bytes - off));
		if (n <= 0) {
			fprintf(stderr,
				"bench_p9: write at %zu (msize %u): %s\n", off,
				f->msize, strerror((int)-n));
			return -4;
		}
	}
	f->write_mibs = (double)file_bytes / (1u << 20) / (now_s() - t);
	if (p9c_clunk(c, 2) != 0 || p9c_walk(c, ROOT, 3, "big", NULL) != 0 ||
		p9c_lopen(c, 3, P9_DOTL_RDONLY, NULL) != 0) {
		return -5;
	}
	t = now_s();
	for (off = 0; off < file_bytes; off += (size_t)n) {
		n = p9c_read(c, 3, off, back + off,
			(uint32_t)(file_bytes - off > MSIZE
					   ? MSIZE
					   : file_bytes - off));
		if (n <= 0) {
			return -6;
		}
	}
	f->read_mibs = (double)file_bytes / (1u << 20) / (now_s() - t);
	if (memcmp(data, back, file_bytes) != 0) {
		return -7;
	}
	(void)p9c_clunk(c, 3);
	(void)remove_file(c, ROOT, "big", 0);
	if (p9c_walk(c, ROOT, 4, "", NULL) != 0 ||
		p9c_mkdir(c, 4, "small", 0755, 0, NULL) != 0 ||
		p9c_walk(c, ROOT, 5, "small", NULL) != 0) {
		return -8;
	}
	t = now_s();
	for (i = 0; i < nfiles; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		int r1 = p9c_walk(c, 5, 6, "", NULL);
		int r2 = r1 ? r1
			    : p9c_lcreate(c, 6, name, P9_DOTL_WRONLY, 0644, 0,
				      NULL);
		int r3 = r2 ? r2 : p9c_clunk(c, 6);
		int r4 = r3 ? r3 : p9c_walk(c, 5, 7, name, NULL);
		int r5 = r4 ? r4 : p9c_getattr(c, 7, &a);
		int r6 = r5 ? r5 : p9c_clunk(c, 7);
		int r7 = r6 ? r6 : remove_file(c, 5, name, 0);

		if (r7 != 0) {
			fprintf(stderr,
				"bench_p9: small file %u: %d %d %d %d %d %d "
				"%d\n",
				i, r1, r2, r3, r4, r5, r6, r7);
			return -9;
		}
	}
	f->files_per_s = nfiles / (now_s() - t);
	(void)p9c_clunk(c, 5);
	(void)remove_file(c, 4, "small", P9_AT_REMOVEDIR);
	(void)p9c_clunk(c, 4);
	free(data);
	free(back);
	return 0;
}

/* ---- plain local I/O
 * ----------------------------------------------------------- */

static void local_workload(const char *dir, struct figures *f)
{
	uint8_t *data = pattern(), *back = malloc(file_bytes);
	char p[256];
	struct stat st;
	size_t off;
	ssize_t n;
	double t;
	unsigned int i;
	int fd;

	snprintf(p, sizeof(p), "%s/big", dir);
	fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
	t = now_s();
	for (off = 0; off < file_bytes; off += (size_t)n) {
		n = pwrite(fd, data + off,
			file_bytes - off > MSIZE ? MSIZE : file_bytes - off,
			(off_t)off);
		if (n <= 0) {
			FAIL("local write");
		}
	}
	f->write_mibs = (double)file_bytes / (1u << 20) / (now_s() - t);
	t = now_s();
	for (off = 0; off < file_bytes; off += (size_t)n) {
		n = pread(fd, back + off,
			file_bytes - off > MSIZE ? MSIZE : file_bytes - off,
			(off_t)off);
		if (n <= 0) {
			FAIL("local read");
		}
	}
	f->read_mibs = (double)file_bytes / (1u << 20) / (now_s() - t);
	close(fd);
	unlink(p);
	t = now_s();
	for (i = 0; i < nfiles; i++) {
		snprintf(p, sizeof(p), "%s/f%u", dir, i);
		fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || close(fd) != 0 || stat(p, &st) != 0 ||
			unlink(p) != 0) {
			FAIL("local small files");
		}
	}
	f->files_per_s = nfiles / (now_s() - t);
	f->msize = MSIZE;
	free(data);
	free(back);
}

/* ---- servers on sockets
 * ------------------------------------------------------- */

static pid_t spawn(const char *const argv[], const char *sock)
{
	pid_t pid = fork();
	int i, fd;

	if (pid == 0) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		if (access(sock, F_OK) == 0) {
			return pid;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	FAIL("%s did not start", argv[0]);
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* A 9P server on sock exporting dir: its pid, or 0 when not installed. */
static pid_t start_server(const char *which, const char *dir, const char *sock)
{
	const char *p9bin = getenv("P9BACKEND_BIN");
	char msz[16];

	snprintf(msz, sizeof(msz), "%u", MSIZE);
	if (strcmp(which, "p9backend") == 0) {
		const char *argv[] = {p9bin, "--xen", "none", "--socket", sock,
			"--export", dir, "--msize", msz, NULL};

		return spawn(argv, sock);
	} else {
		const char *argv[] = {"/usr/sbin/diod", "-f", "-n", "-l", sock,
			"-e", dir, "-L", "stderr", NULL};

		return access(argv[0], X_OK) == 0 ? spawn(argv, sock) : 0;
	}
}

static struct p9c *open_client(const char *which, const char *sock,
	const char *aname, uint32_t msize, struct figures *f)
{
	struct p9c *c = p9c_unix(sock, MSIZE);

	if (c == NULL || p9_session(c, aname, msize, f) != 0) {
		FAIL("connecting to %s", which);
	}
	return c;
}

/* ---- the hosted rings
 * ---------------------------------------------------------- */

static void make_device(struct xsf *r, uint32_t domid, const char *path)
{
	const char *fe[] = {"tag", "bench", NULL};
	const char *be[] = {"path", path, "security_model", "none", NULL};

	xsf_make_device(r, "9pfs", domid, 0, fe, be);
}

struct guest_arg {
	int out; /* figures, written by the guest */
};

static int guest_bench(void *arg)
{
	struct guest_arg *g = arg;
	struct hg *hg = hg_attach();
	struct hg_xb *xb;
	struct p9f *f;
	struct p9c *c;
	struct figures fig = {0};
	int ret;

	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 10;
	}
	f = p9f_connect(hg, xb, 0, 1, RING_ORDER, 20000);
	if (f == NULL) {
		return 11;
	}
	c = p9f_client(f, 0);
	ret = c != NULL ? p9_session(c, "", MSIZE, &fig) : -1;
	for (unsigned int r = 0; ret == 0 && r < rounds; r++) {
		ret = p9_round(c, &fig);
		if (ret == 0 && write(g->out, &fig, sizeof(fig)) !=
					(ssize_t)sizeof(fig)) {
			return 13;
		}
	}
	if (ret != 0) {
		fprintf(stderr, "guest: workload step %d failed\n", -ret);
		return 12;
	}
	p9c_free(c);
	return 0;
}

static void rings(const char *dir, struct figures *f)
{
	const char *p9bin = getenv("P9BACKEND_BIN");
	void *state = NULL;
	struct xsf *r;
	struct guest_arg g;
	uint8_t h[16];
	uint32_t domid;
	int fds[2], status;
	pid_t d, guest;

	if (xsf_start(&state, NULL) != 0) {
		FAIL("xen-hosted and xenstored did not start");
	}
	r = state;
	{
		const char *argv[] = {p9bin, "--xen", "hosted", "--store",
			r->xs->sock, "--max-rings", "1", "--max-ring-order",
			"9", NULL};

		d = fork();
		if (d == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
			execv(argv[0], (char *const *)argv);
			_exit(127);
		}
	}
	if (pipe(fds) != 0) {
		FAIL("pipe");
	}
	g.out = fds[1];
	domid = xsf_make_guest_pages(r, 4096, h);
	make_device(r, domid, dir);
	guest = xht_spawn_guest(r->f->d, domid, h, guest_bench, &g);
	if (xenif_domain_unpause(r->f->xi, domid) != 0) {
		FAIL("unpause");
	}
	for (unsigned int i = 0; i < rounds; i++) {
		if (read(fds[0], &f[i], sizeof(*f)) != (ssize_t)sizeof(*f)) {
			FAIL("the guest gave no figures");
		}
	}
	status = xht_wait_child(guest, 20000);
	if (status != 0) {
		FAIL("guest exit %d", status);
	}
	stop(d);
	close(fds[0]);
	close(fds[1]);
	xsf_teardown(&state);
}

/* ---- main
 * -------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of each figure over the rounds. */
static struct figures median(const struct figures *r)
{
	double w[MAX_ROUNDS], rd[MAX_ROUNDS], fs[MAX_ROUNDS];
	struct figures m = r[0];
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		w[i] = r[i].write_mibs;
		rd[i] = r[i].read_mibs;
		fs[i] = r[i].files_per_s;
	}
	qsort(w, rounds, sizeof(double), cmp_double);
	qsort(rd, rounds, sizeof(double), cmp_double);
	qsort(fs, rounds, sizeof(double), cmp_double);
	m.write_mibs = w[rounds / 2];
	m.read_mibs = rd[rounds / 2];
	m.files_per_s = fs[rounds / 2];
	return m;
}

static void row(const char *name, const struct figures *f)
{
	printf("%-34s %8u %11.1f %10.1f %10.0f\n", name, f->msize,
		f->write_mibs, f->read_mibs, f->files_per_s);
}

static void mkdir_in(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
	if (mkdir(out, 0755) != 0) {
		FAIL("mkdir %s", out);
	}
}

int main(int argc, char **argv)
{
	struct figures local[MAX_ROUNDS], ours[MAX_ROUNDS], ours64[MAX_ROUNDS],
		diod[MAX_ROUNDS], ring[MAX_ROUNDS];
	struct figures mlocal, mours, mours64, mdiod, mring;
	char dir[64], rundir[64], sock[128], dsock[128], cmd[200];
	char dl[128], dours[128], ddiod[128], dring[128];
	struct p9c *c, *c64, *cd = NULL;
	pid_t ps, pd;
	unsigned int r;
	int ret;

	if (argc > 1 && strcmp(argv[1], "--quick") == 0) {
		quick = true;
		file_bytes = 8u << 20;
		nfiles = 200;
		rounds = 1;
	}
	if (getenv("P9BACKEND_BIN") == NULL) {
		FAIL("P9BACKEND_BIN is not set");
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "/tmp/bench_p9.XXXXXX");
	snprintf(rundir, sizeof(rundir), "/tmp/bench_p9run.XXXXXX");
	if (mkdtemp(dir) == NULL || mkdtemp(rundir) == NULL) {
		FAIL("mkdtemp");
	}
	mkdir_in(dl, sizeof(dl), dir, "local");
	mkdir_in(dours, sizeof(dours), dir, "p9backend");
	mkdir_in(ddiod, sizeof(ddiod), dir, "diod");
	mkdir_in(dring, sizeof(dring), dir, "rings");
	snprintf(sock, sizeof(sock), "%s/p9backend.sock", rundir);
	snprintf(dsock, sizeof(dsock), "%s/diod.sock", rundir);

	/*
	 * The socket servers side by side, rounds interleaved so that the
	 * machine's moods fall on both alike; medians are reported.
	 */
	ps = start_server("p9backend", dours, sock);
	pd = start_server("diod", ddiod, dsock);
	c = open_client("p9backend", sock, "", MSIZE, &ours[0]);
	c64 = open_client("p9backend", sock, "", 65536, &ours64[0]);
	if (pd != 0) {
		cd = open_client("diod", dsock, ddiod, MSIZE, &diod[0]);
	}
	for (r = 0; r < rounds; r++) {
		local_workload(dl, &local[r]);
		ours[r].msize = ours[0].msize;
		if ((ret = p9_round(c, &ours[r])) != 0) {
			FAIL("p9backend: step %d", -ret);
		}
		ours64[r].msize = ours64[0].msize;
		if ((ret = p9_round(c64, &ours64[r])) != 0) {
			FAIL("p9backend (64 KiB): step %d", -ret);
		}
		if (cd != NULL) {
			diod[r].msize = diod[0].msize;
			if ((ret = p9_round(cd, &diod[r])) != 0) {
				FAIL("diod: step %d", -ret);
			}
		}
	}
	p9c_free(c);
	p9c_free(c64);
	p9c_free(cd);
	stop(ps);
	if (pd != 0) {
		stop(pd);
	}
	rings(dring, ring);

	mlocal = median(local);
	mours = median(ours);
	mours64 = median(ours64);
	mring = median(ring);
	printf("9pfs benchmark: %zu MiB sequential file, %u small files "
	       "(create + stat + unlink), median of %u round(s)%s\n",
		file_bytes >> 20, nfiles, rounds, quick ? " [quick]" : "");
	printf("%-34s %8s %11s %10s %10s\n", "transport", "msize",
		"write MiB/s", "read MiB/s", "files/s");
	row("local file I/O (same chunks)", &mlocal);
	row("p9backend, Unix socket", &mours);
	row("p9backend, Unix socket", &mours64);
	if (cd != NULL || pd != 0) {
		mdiod = median(diod);
		row("diod, Unix socket", &mdiod);
	}
	row("p9backend, hosted Xen rings", &mring);
	if (pd != 0) {
		printf("ratio p9backend/diod, socket, msize %u both: write "
		       "%.2fx, read %.2fx, small files %.2fx (target >= "
		       "1.0)\n",
			mdiod.msize, mours64.write_mibs / mdiod.write_mibs,
			mours64.read_mibs / mdiod.read_mibs,
			mours64.files_per_s / mdiod.files_per_s);
		printf("ratio p9backend (msize %u)/diod (its largest, %u): "
		       "write %.2fx, read %.2fx, small files %.2fx\n",
			mours.msize, mdiod.msize,
			mours.write_mibs / mdiod.write_mibs,
			mours.read_mibs / mdiod.read_mibs,
			mours.files_per_s / mdiod.files_per_s);
		printf("ratio p9backend hosted rings/diod socket: write "
		       "%.2fx, read %.2fx, small files %.2fx\n",
			mring.write_mibs / mdiod.write_mibs,
			mring.read_mibs / mdiod.read_mibs,
			mring.files_per_s / mdiod.files_per_s);
	} else {
		printf("diod is not installed: no ratio\n");
	}
	printf("ratio p9backend socket/local: write %.2fx, read %.2fx, "
	       "small files %.2fx\n",
		mours.write_mibs / mlocal.write_mibs,
		mours.read_mibs / mlocal.read_mibs,
		mours.files_per_s / mlocal.files_per_s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", dir, rundir);
	return system(cmd) == 0 ? 0 : 1;
}
