// SPDX-License-Identifier: GPL-2.0-only
/*
 * p9backend on the Xen 9pfs transport, end to end on the hosted port: a
 * running xen-hosted and xenstored (tests/hosted/store_fixture.h), the
 * p9backend daemon started with --xen hosted, the test as the toolstack
 * (the 9pfs device nodes as xl writes them: backend path and
 * security_model, frontend tag), and a forked guest as the frontend
 * (p9front.h) running a file-system workload over its rings.
 *
 * Covered: the handshake (versions, max-rings, max-ring-page-order, then
 * Connected), a workload on two rings of one device (mkdir trees, create,
 * write, read back, rename, readdir, unlink, xattrs, locks, symlinks,
 * fsync) whose results the test checks in Dom0, escape attempts that
 * fail, a guest that breaks the ring rules (an error node; the daemon and
 * another device keep working), a device whose export is missing
 * (refused before InitWait), the guest dying, and a restarted daemon
 * re-attaching to Connected rings.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "hguest.h"
#include "io/9pfs.h"
#include "p9client.h"
#include "p9front.h"
#include "store_fixture.h"
#include "xenbus.h"
#include "xs_client.h"

#define WAIT_MS XSF_WAIT_MS
#define ORDER 4 /* 16 pages: 32 KiB each way */
#define ROOT 1u

/* ---- the daemon ------------------------------------------------------------
 */

struct p9d {
	pid_t pid;
	char log[256];
};

/* The daemon of the running test, killed by the teardown if it failed. */
static pid_t live_pid;

static int teardown(void **state)
{
	if (live_pid > 0) {
		kill(live_pid, SIGKILL);
		waitpid(live_pid, NULL, 0);
	}
	live_pid = 0;
	return xsf_teardown(state);
}

static void p9d_start(struct xsf *r, struct p9d *d)
{
	const char *bin = getenv("P9BACKEND_BIN");
	int fd;

	assert_non_null(bin);
	snprintf(d->log, sizeof(d->log), "%s/p9backend.log", r->xs->dir);
	d->pid = fork();
	assert_true(d->pid >= 0);
	live_pid = d->pid;
	if (d->pid == 0) {
		fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execl(bin, bin, "--xen", "hosted", "--store", r->xs->sock,
			"--max-rings", "4", "--max-ring-order", "6",
			"--log-level", "debug", (char *)NULL);
		_exit(127);
	}
}

static void p9d_print_log(struct p9d *d)
{
	char line[512];
	FILE *f = fopen(d->log, "r");

	if (f == NULL) {
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		fprintf(stderr, "p9backend: %s", line);
	}
	fclose(f);
}

/* SIGTERM; the daemon must still be running and exit 0. */
static void p9d_stop(struct p9d *d)
{
	int status = 0;

	if (waitpid(d->pid, &status, WNOHANG) != 0) {
		p9d_print_log(d);
		fail_msg("p9backend died before the end (status %#x)", status);
	}
	kill(d->pid, SIGTERM);
	assert_int_equal(xht_wait_child(d->pid, WAIT_MS), 0);
	d->pid = 0;
	live_pid = 0;
}

/* ---- the toolstack
 * ----------------------------------------------------------- */

static void make_device(struct xsf *r, uint32_t domid, unsigned int devid,
	const char *path, const char *model)
{
	const char *fe[] = {"tag", "share", NULL};
	const char *be[] = {"path", path, "security_model", model, NULL};

	xsf_make_device(r, "9pfs", domid, devid, fe, be);
}

static int wait_node(struct xsf *r, const char *path, const char *want)
{
	char *v;
	size_t len;
	int i, ok;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (xsc_read(r->dom0, 0, path, &v, &len) == 0) {
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

static char *read_node(struct xsf *r, const char *path)
{
	char *v = NULL;
	size_t len;

	return xsc_read(r->dom0, 0, path, &v, &len) == 0 ? v : NULL;
}

/* ---- the guest
 * ---------------------------------------------------------------- */

enum gmode {
	G_WORKLOAD, /* the workload and escape attempts, then exit */
	G_BREAK,    /* break dev 0's ring 0 and dev 1's ring 1, use dev 1 */
	G_HOLD,     /* connect, write a file, then wait for commands */
	G_STALL,    /* pipeline reads whose replies overflow the in ring */
	G_STRESS,   /* both rings, random pipelined reads and writes */
};

struct gcfg {
	enum gmode mode;
	unsigned int ndev;
	int to_test[2];
	int to_guest[2];
};

#define CHECK(cond, code)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "guest: %s failed (line %d)\n", #cond, \
				__LINE__);                                     \
			return (code);                                         \
		}                                                              \
	} while (0)

static int count_entry(
	void *arg, const struct p9_qid *q, uint8_t type, const char *name)
{
	(void)q;
	(void)type;
	(void)name;
	(*(int *)arg)++;
	return 0;
}

/* A client on ring with a session: version and attach as ROOT. */
static struct p9c *session(struct p9f *f, unsigned int ring)
{
	struct p9c *c = p9f_client(f, ring);

	if (c == NULL || p9c_version(c, 65536) <= 0 ||
		p9c_attach(c, ROOT, 0, NULL) != 0) {
		p9c_free(c);
		return NULL;
	}
	return c;
}

static int workload(struct p9f *f)
{
	struct p9c *c = session(f, 0), *c2 = p9f_client(f, 1);
	static uint8_t big[100000], back[100000];
	struct p9c_attr a;
	struct p9_qid rq, q;
	char buf[256];
	uint8_t ltype;
	int i, n;

	CHECK(c != NULL && c2 != NULL, 20);
	/* The second ring shares the device's session: no new version. */
	CHECK(p9c_walk(c2, ROOT, 50, "", &q) == 0, 21);
	CHECK(p9c_clunk(c2, 50) == 0, 21);
	CHECK(p9c_walk(c, ROOT, 2, "", NULL) == 0, 22);
	CHECK(p9c_mkdir(c, 2, "tree", 0755, 0, NULL) == 0, 22);
	CHECK(p9c_walk(c, ROOT, 3, "tree", NULL) == 0, 22);
	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof(buf), "d%d", i);
		CHECK(p9c_mkdir(c, 3, buf, 0700, 0, NULL) == 0, 23);
	}
	CHECK(p9c_walk(c, ROOT, 4, "tree/d0", NULL) == 0, 24);
	CHECK(p9c_mkdir(c, 4, "deep", 0755, 0, NULL) == 0, 24);
	/* A file of 100,000 bytes, written through ring 0, read on 1. */
	for (i = 0; i < (int)sizeof(big); i++) {
		big[i] = (uint8_t)(i * 7 + 3);
	}
	CHECK(p9c_walk(c, ROOT, 5, "tree", NULL) == 0, 25);
	CHECK(p9c_lcreate(c, 5, "data.bin", P9_DOTL_RDWR, 0644, 0, NULL) == 0,
		25);
	for (i = 0; i < (int)sizeof(big); i += n) {
		n = (int)p9c_write(c, 5, (uint64_t)i, big + i,
			(uint32_t)(sizeof(big) - (size_t)i));
		CHECK(n > 0, 26);
	}
	CHECK(p9c_fsync(c, 5) == 0, 26);
	CHECK(p9c_walk(c2, ROOT, 6, "tree/data.bin", NULL) == 0, 27);
	CHECK(p9c_lopen(c2, 6, P9_DOTL_RDONLY, NULL) == 0, 27);
	for (i = 0; i < (int)sizeof(back); i += n) {
		n = (int)p9c_read(c2, 6, (uint64_t)i, back + i,
			(uint32_t)(sizeof(back) - (size_t)i));
		CHECK(n > 0, 28);
	}
	CHECK(memcmp(big, back, sizeof(big)) == 0, 28);
	CHECK(p9c_getattr(c2, 6, &a) == 0 && a.size == sizeof(big) &&
			(a.mode & 07777) == 0644,
		29);
	/* Locks: fid 5 holds a write lock, fid 6 sees it. */
	CHECK(p9c_lock(c, 5, P9_LOCK_TYPE_WRLCK, 0, 0, 1) == P9_LOCK_SUCCESS,
		30);
	ltype = P9_LOCK_TYPE_RDLCK;
	CHECK(p9c_getlock(c2, 6, &ltype, 0, 0, 2) == 0 &&
			ltype == P9_LOCK_TYPE_WRLCK,
		30);
	CHECK(p9c_lock(c, 5, P9_LOCK_TYPE_UNLCK, 0, 0, 1) == P9_LOCK_SUCCESS,
		30);
	/* Xattrs. */
	CHECK(p9c_walk(c, ROOT, 7, "tree/data.bin", NULL) == 0, 31);
	CHECK(p9c_xattr_set(c, 7, "user.color", "blue", 4, 0) == 0, 31);
	CHECK(p9c_xattr_get(c, 5, 8, "user.color", buf, sizeof(buf)) == 4 &&
			memcmp(buf, "blue", 4) == 0,
		31);
	/* Rename, symlink, readdir, unlink. */
	CHECK(p9c_renameat(c, 3, "d4", 3, "renamed") == 0, 32);
	CHECK(p9c_symlink(c, 3, "link", "data.bin", 0) == 0, 33);
	CHECK(p9c_walk(c, ROOT, 9, "tree/link", NULL) == 0, 33);
	CHECK(p9c_readlink(c, 9, buf, sizeof(buf)) == 8 &&
			strcmp(buf, "data.bin") == 0,
		33);
	CHECK(p9c_walk(c, ROOT, 10, "tree", NULL) == 0, 34);
	CHECK(p9c_lopen(c, 10, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, NULL) == 0,
		34);
	n = 0;
	/* . .. d0-d3 renamed data.bin link */
	CHECK(p9c_readdir_all(c, 10, count_entry, &n) == 9 && n == 9, 34);
	CHECK(p9c_unlinkat(c, 3, "d3", P9_AT_REMOVEDIR) == 0, 35);
	CHECK(p9c_unlinkat(c, 3, "d3", P9_AT_REMOVEDIR) == -ENOENT, 35);
	/* Escapes: ".." at the root is the root; the link is not a way. */
	CHECK(p9c_walk(c, ROOT, 11, "..", &q) == 0, 36);
	CHECK(p9c_walk(c, ROOT, 12, "", NULL) == 0, 36);
	CHECK(p9c_getattr(c, 12, &a) == 0, 36);
	rq = a.qid;
	CHECK(q.path == rq.path, 36);
	CHECK(p9c_walk(c, ROOT, 13, "../../..", &q) == 0 && q.path == rq.path,
		37);
	CHECK(p9c_symlink(c, 2, "out", "/", 0) == 0, 38);
	CHECK(p9c_walk(c, ROOT, 14, "out/etc", NULL) < 0, 38);
	CHECK(p9c_walk(c, ROOT, 15, "tree/../../etc", NULL) < 0, 39);
	CHECK(p9c_lcreate(c, 2, "../escape", P9_DOTL_RDWR, 0644, 0, NULL) < 0,
		40);
	/* Clunk what remains open. */
	for (i = 2; i <= 13; i++) {
		if (i != 8) {
			(void)p9c_clunk(c, (uint32_t)i);
		}
	}
	p9c_free(c);
	p9c_free(c2);
	return 0;
}

/*
 * Ten Treads of 16,000 bytes sent before any reply is taken: their replies
 * (160 KB) overflow the 32 KiB "in" ring, so the backend must hold a reply
 * until the guest makes room, and every reply must still arrive, in order,
 * whole.
 */
static int stall(struct p9f *f)
{
	struct p9c *c = session(f, 0);
	static uint8_t data[16000], msg[64], rep[17000];
	struct p9_out o;
	struct p9_in in;
	const uint8_t *d;
	uint32_t n;
	int i;
	ssize_t len;

	CHECK(c != NULL, 50);
	for (i = 0; i < (int)sizeof(data); i++) {
		data[i] = (uint8_t)(i * 13);
	}
	CHECK(p9c_walk(c, ROOT, 2, "", NULL) == 0, 51);
	CHECK(p9c_lcreate(c, 2, "stall", P9_DOTL_RDWR, 0600, 0, NULL) == 0, 51);
	CHECK(p9c_write(c, 2, 0, data, 8000) == 8000, 51);
	CHECK(p9c_write(c, 2, 8000, data + 8000, 8000) == 8000, 51);
	for (i = 0; i < 10; i++) {
		p9_out_init(&o, msg, sizeof(msg));
		p9_out_begin(&o, P9_TREAD, (uint16_t)(100 + i));
		p9_out_u32(&o, 2);
		p9_out_u64(&o, 0);
		p9_out_u32(&o, sizeof(data));
		CHECK(p9c_send(c, msg, p9_out_end(&o)) == 0, 52);
	}
	usleep(100000); /* the backend fills "in" and waits */
	for (i = 0; i < 10; i++) {
		len = p9c_recv(c, rep, sizeof(rep));
		CHECK(len == (ssize_t)(P9_IOHDR_SIZE + sizeof(data)), 53);
		p9_in_init(&in, rep, (size_t)len);
		(void)p9_in_u32(&in);
		CHECK(p9_in_u8(&in) == P9_RREAD, 54);
		CHECK(p9_in_u16(&in) == 100 + i, 54);
		n = p9_in_u32(&in);
		d = p9_in_take(&in, n);
		CHECK(d != NULL && n == sizeof(data) &&
				memcmp(d, data, sizeof(data)) == 0,
			55);
	}
	CHECK(p9c_clunk(c, 2) == 0, 56);
	p9c_free(c);
	return 0;
}

/*
 * Both rings at once, 400 rounds: on each ring up to 8 Treads (up to
 * 16,000 bytes) and Twrites (up to 3,000) at random offsets are sent
 * before any reply is read,
 * so the replies overflow the 32 KiB "in" rings again and again; then the
 * replies are read and each must have its request's tag, type and size,
 * and every read the bytes the file holds. A framing slip anywhere shows
 * as a wrong tag or size.
 */
static int stress(struct p9f *f)
{
	struct p9c *c[2] = {session(f, 0), p9f_client(f, 1)};
	static uint8_t file[65536], msg[16384 + 64], rep[16384 + 64];
	uint32_t count[2][8], off[2][8];
	unsigned int nb[2];
	bool wr[2][8];
	struct p9_out o;
	struct p9_in in;
	const uint8_t *d;
	unsigned int seed = 12345, i, k, n, ring;
	ssize_t len;
	uint32_t got;

	CHECK(c[0] != NULL && c[1] != NULL, 60);
	for (i = 0; i < sizeof(file); i++) {
		file[i] = (uint8_t)(i * 29 + 7);
	}
	CHECK(p9c_walk(c[0], ROOT, 2, "", NULL) == 0, 61);
	CHECK(p9c_lcreate(c[0], 2, "stress", P9_DOTL_RDWR, 0600, 0, NULL) == 0,
		61);
	for (i = 0; i < sizeof(file); i += 8192) {
		CHECK(p9c_write(c[0], 2, i, file + i, 8192) == 8192, 61);
	}
	for (k = 0; k < 400; k++) {
		/* A batch on each ring, then the replies, ring 1's first. */
		for (ring = 0; ring < 2; ring++) {
			n = nb[ring] = 1 + rand_r(&seed) % 8;
			for (i = 0; i < n; i++) {
				/*
				 * Writes stay small so that a batch fits the
				 * 32 KiB "out" ring; the replies of reads do
				 * not fit "in".
				 */
				wr[ring][i] = rand_r(&seed) % 3 == 0;
				count[ring][i] =
					1 +
					rand_r(&seed) %
						(wr[ring][i] ? 3000 : 16000);
				off[ring][i] = rand_r(&seed) %
					       (sizeof(file) - count[ring][i]);
				p9_out_init(&o, msg, sizeof(msg));
				p9_out_begin(&o,
					wr[ring][i] ? P9_TWRITE : P9_TREAD,
					(uint16_t)(200 + 10 * ring + i));
				p9_out_u32(&o, 2);
				p9_out_u64(&o, off[ring][i]);
				p9_out_u32(&o, count[ring][i]);
				if (wr[ring][i]) {
					/* The same bytes: the file stays. */
					p9_out_data(&o, file + off[ring][i],
						count[ring][i]);
				}
				CHECK(p9c_send(c[ring], msg, p9_out_end(&o)) ==
						0,
					62);
			}
		}
		for (ring = 2; ring-- > 0;) {
			for (i = 0; i < nb[ring]; i++) {
				len = p9c_recv(c[ring], rep, sizeof(rep));
				CHECK(len >= (ssize_t)P9_IOHDR_SIZE, 63);
				p9_in_init(&in, rep, (size_t)len);
				(void)p9_in_u32(&in);
				CHECK(p9_in_u8(&in) == (wr[ring][i] ? P9_RWRITE
								    : P9_RREAD),
					64);
				CHECK(p9_in_u16(&in) == 200 + 10 * ring + i,
					65);
				got = p9_in_u32(&in);
				CHECK(got == count[ring][i], 66);
				if (!wr[ring][i]) {
					d = p9_in_take(&in, got);
					CHECK(d != NULL &&
							memcmp(d,
								file + off[ring]
									  [i],
								got) == 0,
						67);
				}
				CHECK(p9_in_done(&in), 68);
			}
		}
	}
	CHECK(p9c_clunk(c[0], 2) == 0, 69);
	p9c_free(c[0]);
	p9c_free(c[1]);
	return 0;
}

static int guest_main(void *arg)
{
	struct gcfg *g = arg;
	struct hg *hg = hg_attach();
	struct hg_xb *xb;
	struct p9f *f[2] = {NULL, NULL};
	struct p9c *c;
	struct xen_9pfs_data_intf *intf;

	unsigned int i;
	char cmd;
	int ret = 0;

	if (hg == NULL || (xb = hg_xb_open(hg)) == NULL) {
		return 10;
	}
	for (i = 0; i < g->ndev; i++) {
		f[i] = p9f_connect(hg, xb, i, 2, ORDER, WAIT_MS);
		if (f[i] == NULL) {
			fprintf(stderr, "guest: dev %u: %s\n", i,
				strerror(errno));
			return 11;
		}
	}
	switch (g->mode) {
	case G_WORKLOAD:
		ret = workload(f[0]);
		if (ret == 0) {
			ret = p9f_close(f[0]) == 0 ? 0 : 12;
		}
		return ret;
	case G_BREAK:
		/* Device 0, ring 0: out_prod far beyond what the ring holds. */
		intf = p9f_intf(f[0], 0);
		__atomic_store_n(&intf->out_prod, 1u << 30, __ATOMIC_RELEASE);
		CHECK(p9f_kick(f[0], 0) == 0, 13);
		/* Device 1, ring 1: a message claiming more than the msize. */
		c = p9f_client(f[1], 1);
		CHECK(c != NULL, 13);
		{
			uint8_t big[7] = {0x40, 0x9c, 0, 0, P9_TVERSION, 1, 0};

			CHECK(p9c_send(c, big, sizeof(big)) == 0, 13);
		}
		p9c_free(c);
		/* Device 1's ring 0 works regardless. */
		c = session(f[1], 0);
		CHECK(c != NULL, 13);
		CHECK(p9c_walk(c, ROOT, 2, "", NULL) == 0, 13);
		CHECK(p9c_lcreate(c, 2, "after", P9_DOTL_WRONLY, 0600, 0,
			      NULL) == 0,
			13);
		CHECK(p9c_write(c, 2, 0, "ok", 2) == 2, 13);
		CHECK(p9c_clunk(c, 2) == 0, 13);
		p9c_free(c);
		return 0;
	case G_STALL:
		return stall(f[0]);
	case G_STRESS:
		return stress(f[0]);
	case G_HOLD:
		c = session(f[0], 0);
		CHECK(c != NULL, 14);
		CHECK(p9c_walk(c, ROOT, 2, "", NULL) == 0, 14);
		CHECK(p9c_lcreate(c, 2, "before", P9_DOTL_WRONLY, 0600, 0,
			      NULL) == 0,
			14);
		CHECK(p9c_clunk(c, 2) == 0, 14);
		p9c_free(c);
		if (write(g->to_test[1], "H", 1) != 1) {
			return 15;
		}
		if (read(g->to_guest[0], &cmd, 1) != 1) {
			return 16;
		}
		if (cmd == 'R') {
			/*
			 * After a backend restart the rings carry on; the
			 * session is new, so version and attach again.
			 */
			c = session(f[0], 1);
			CHECK(c != NULL, 17);
			CHECK(p9c_walk(c, ROOT, 2, "before", NULL) == 0, 17);
			CHECK(p9c_clunk(c, 2) == 0, 17);
			p9c_free(c);
			c = session(f[0], 0);
			CHECK(c != NULL, 18);
			p9c_free(c);
			if (write(g->to_test[1], "R", 1) != 1) {
				return 19;
			}
			if (read(g->to_guest[0], &cmd, 1) != 1) {
				return 16;
			}
		}
		return 0; /* die with the rings connected */
	}
	return 99;
}

/* ---- the tests
 * ------------------------------------------------------------------ */

struct run {
	struct p9d d;
	struct gcfg g;
	char dir[2][64];
	uint32_t domid;
	pid_t pid;
};

static void start(
	struct xsf *r, struct run *t, enum gmode mode, unsigned int ndev)
{
	uint8_t h[16];
	unsigned int i;

	t->g.mode = mode;
	t->g.ndev = ndev;
	assert_int_equal(pipe(t->g.to_test), 0);
	assert_int_equal(pipe(t->g.to_guest), 0);
	for (i = 0; i < 2; i++) {
		snprintf(t->dir[i], sizeof(t->dir[i]), "/tmp/p9rings.XXXXXX");
		assert_non_null(mkdtemp(t->dir[i]));
	}
	p9d_start(r, &t->d);
	t->domid = xsf_make_guest_pages(r, 2048, h);
	for (i = 0; i < ndev; i++) {
		make_device(r, t->domid, i, t->dir[i], "none");
	}
	t->pid = xht_spawn_guest(r->f->d, t->domid, h, guest_main, &t->g);
	assert_int_equal(xenif_domain_unpause(r->f->xi, t->domid), 0);
}

static void finish(struct xsf *r, struct run *t, bool failed)
{
	char cmd[160];
	unsigned int i;

	(void)r;
	if (failed) {
		p9d_print_log(&t->d);
	}
	if (t->d.pid > 0) {
		p9d_stop(&t->d);
	}
	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir[i]);
		assert_int_equal(system(cmd), 0);
	}
	close(t->g.to_test[0]);
	close(t->g.to_test[1]);
	close(t->g.to_guest[0]);
	close(t->g.to_guest[1]);
}

/* Start a guest in mode with ndev devices; it must exit 0 in timeout_ms. */
static void run_guest(struct xsf *r, struct run *t, enum gmode mode,
	unsigned int ndev, int timeout_ms)
{
	int status;

	start(r, t, mode, ndev);
	status = xht_wait_child(t->pid, timeout_ms);
	if (status != 0) {
		finish(r, t, true);
	}
	assert_int_equal(status, 0);
}

/* The value of path once it exists (to free), or NULL after WAIT_MS. */
static char *wait_read_node(struct xsf *r, const char *path)
{
	char *v = NULL;
	int i;

	for (i = 0; i < WAIT_MS / 10 && v == NULL; i++) {
		v = read_node(r, path);
		if (v == NULL) {
			usleep(10000);
		}
	}
	return v;
}

static void be_path(char *buf, size_t n, uint32_t domid, unsigned int devid,
	const char *key)
{
	snprintf(buf, n, "/local/domain/0/backend/9pfs/%u/%u/%s", domid, devid,
		key);
}

static void test_workload_over_two_rings_lands_in_dom0(void **state)
{
	struct xsf *r = *state;
	struct run t = {0};
	char p[256], *v;
	uint8_t back[100000];
	struct stat st;
	ssize_t n;
	int fd, i;

	run_guest(r, &t, G_WORKLOAD, 1, 60000);
	/* The handshake as advertised. */
	be_path(p, sizeof(p), t.domid, 0, "versions");
	v = read_node(r, p);
	assert_non_null(v);
	assert_string_equal(v, "1");
	free(v);
	be_path(p, sizeof(p), t.domid, 0, "max-rings");
	v = read_node(r, p);
	assert_string_equal(v, "4");
	free(v);
	be_path(p, sizeof(p), t.domid, 0, "max-ring-page-order");
	v = read_node(r, p);
	assert_string_equal(v, "6");
	free(v);
	/* The guest closed: the backend went Closed. */
	be_path(p, sizeof(p), t.domid, 0, "state");
	assert_int_equal(wait_node(r, p, "6"), 0);
	/* Everything the guest did, as Dom0 sees it. */
	snprintf(p, sizeof(p), "%s/tree/data.bin", t.dir[0]);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, back, sizeof(back));
	close(fd);
	assert_int_equal(n, (ssize_t)sizeof(back));
	for (i = 0; i < (int)sizeof(back); i++) {
		if (back[i] != (uint8_t)(i * 7 + 3)) {
			fail_msg("byte %d differs", i);
		}
	}
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(getxattr(p, "user.color", back, sizeof(back)), 4);
	assert_memory_equal(back, "blue", 4);
	snprintf(p, sizeof(p), "%s/tree/renamed", t.dir[0]);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(p, sizeof(p), "%s/tree/d0/deep", t.dir[0]);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof(p), "%s/tree/d3", t.dir[0]);
	assert_int_equal(stat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/tree/link", t.dir[0]);
	n = readlink(p, (char *)back, sizeof(back));
	assert_int_equal(n, 8);
	assert_memory_equal(back, "data.bin", 8);
	/* Nothing escaped: no "escape" anywhere near. */
	snprintf(p, sizeof(p), "%s/../escape", t.dir[0]);
	assert_int_equal(stat(p, &st), -1);
	finish(r, &t, false);
}

static void test_broken_ring_is_dropped_and_others_keep_working(void **state)
{
	struct xsf *r = *state;
	struct run t = {0};
	char p[256], *v;
	struct stat st;

	run_guest(r, &t, G_BREAK, 2, 60000);
	be_path(p, sizeof(p), t.domid, 0, "error");
	v = wait_read_node(r, p);
	assert_non_null(v);
	assert_non_null(strstr(v, "ring 0"));
	free(v);
	be_path(p, sizeof(p), t.domid, 1, "error");
	v = wait_read_node(r, p);
	assert_non_null(v);
	assert_non_null(strstr(v, "ring 1: a message size"));
	free(v);
	snprintf(p, sizeof(p), "%s/after", t.dir[1]);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 2);
	finish(r, &t, false); /* the daemon is still running */
}

static void test_full_in_ring_holds_replies_until_there_is_room(void **state)
{
	struct xsf *r = *state;
	struct run t = {0};

	run_guest(r, &t, G_STALL, 1, 60000);
	finish(r, &t, false);
}

static void test_pipelined_traffic_on_both_rings_keeps_its_framing(void **state)
{
	struct xsf *r = *state;
	struct run t = {0};

	run_guest(r, &t, G_STRESS, 1, 120000);
	finish(r, &t, false);
}

static void test_missing_export_is_refused_before_initwait(void **state)
{
	struct xsf *r = *state;
	struct run t = {0};
	uint8_t h[16];
	char p[256], *v;

	assert_int_equal(pipe(t.g.to_test), 0);
	assert_int_equal(pipe(t.g.to_guest), 0);
	for (int i = 0; i < 2; i++) {
		snprintf(t.dir[i], sizeof(t.dir[i]), "/tmp/p9rings.XXXXXX");
		assert_non_null(mkdtemp(t.dir[i]));
	}
	p9d_start(r, &t.d);
	t.domid = xsf_make_guest_pages(r, 256, h);
	make_device(r, t.domid, 0, "/nonexistent/p9/export", "none");
	make_device(r, t.domid, 1, t.dir[1], "no-such-model");
	for (int i = 0; i < 2; i++) {
		be_path(p, sizeof(p), t.domid, (unsigned int)i, "state");
		assert_int_equal(wait_node(r, p, "6"), 0);
		be_path(p, sizeof(p), t.domid, (unsigned int)i, "error");
		v = read_node(r, p);
		assert_non_null(v);
		free(v);
		be_path(p, sizeof(p), t.domid, (unsigned int)i, "versions");
		assert_null(read_node(r, p));
	}
	assert_int_equal(xenif_domain_destroy(r->f->xi, t.domid), 0);
	finish(r, &t, false);
}

static void test_restarted_daemon_reattaches_and_guest_death_closes(
	void **state)
{
	struct xsf *r = *state;
	struct run t = {0};
	char p[256], c;
	int status;

	start(r, &t, G_HOLD, 1);
	if (xsf_expect_byte(t.g.to_test[0], 'H') != 0) {
		finish(r, &t, true);
		fail();
	}
	/* The daemon goes (its devices stay Connected) and comes back. */
	p9d_stop(&t.d);
	be_path(p, sizeof(p), t.domid, 0, "state");
	assert_int_equal(wait_node(r, p, "4"), 0);
	p9d_start(r, &t.d);
	c = 'R';
	assert_int_equal(write(t.g.to_guest[1], &c, 1), 1);
	if (xsf_expect_byte(t.g.to_test[0], 'R') != 0) {
		finish(r, &t, true);
		fail();
	}
	/* The guest dies with its rings connected: the device closes. */
	c = 'D';
	assert_int_equal(write(t.g.to_guest[1], &c, 1), 1);
	status = xht_wait_child(t.pid, WAIT_MS);
	assert_int_equal(status, 0);
	assert_int_equal(wait_node(r, p, "6"), 0);
	finish(r, &t, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_workload_over_two_rings_lands_in_dom0, xsf_setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_broken_ring_is_dropped_and_others_keep_working,
			xsf_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_full_in_ring_holds_replies_until_there_is_room,
			xsf_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_pipelined_traffic_on_both_rings_keeps_its_framing,
			xsf_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_missing_export_is_refused_before_initwait,
			xsf_setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_restarted_daemon_reattaches_and_guest_death_closes,
			xsf_setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
