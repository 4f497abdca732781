/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored between guest domains on xen-hosted (docs/misc/xenstore.txt,
 * docs/misc/xenstore-ring.txt, docs/xenstored.md): watches and
 * permissions across domains, hostile guests (an oversized message
 * header, unknown message types, a request flood, watch and node floods,
 * a guest that never reads) each stopping or refusing only that guest
 * while another guest's READ latency stays bounded, ring reconnection,
 * per-domain quotas and usage reports (GET_QUOTA/SET_QUOTA, CONTROL quota
 * and domains, `xenstore stats domains`), and 100 guests writing while
 * xenstored is SIGKILLed and restarted twice.
 *
 * Guests are forked processes (tests/hosted/harness.h) that use their
 * ring through libs/hguest's xenbus client or, to misbehave, the ring page
 * directly. Each talks to the test over a pair of pipes (struct chan) and
 * ends with an exit status: 0, or a number naming the check that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "hguest.h"
#include "hvm/params.h"
#include "sched.h"
#include "store_fixture.h"
#include "xenbus.h"
#include "xs_client.h"

#define WAIT_MS XSF_WAIT_MS
/* How long a guest waits for the test's next word. */
#define GUEST_WAIT_MS 60000

/* ---- talking to guests --------------------------------------------------- */

/** Two pipes between the test and one guest, and the guest's pid. */
struct chan {
	int to_guest[2];
	int to_test[2];
	pid_t pid;
};

/** What the test passes to a guest function. */
struct garg {
	struct chan ch;
	uint32_t peer; /* another guest's domid */
	int n;         /* a count the guest needs */
};

static void chan_open(struct chan *c)
{
	/* Close on exec: a (re)started xenstored must not hold them. */
	assert_int_equal(pipe2(c->to_guest, O_CLOEXEC), 0);
	assert_int_equal(pipe2(c->to_test, O_CLOEXEC), 0);
	c->pid = -1;
}

/** Fork the guest of domid and unpause it; the test keeps its pipe ends. */
static void spawn(struct xsf *r, uint32_t domid, const uint8_t h[16],
	int (*fn)(void *arg), struct garg *a)
{
	a->ch.pid = xht_spawn_guest(r->f->d, domid, h, fn, a);
	assert_true(a->ch.pid > 0);
	/* The guest's ends: its exit is then an end of file for the test. */
	close(a->ch.to_test[1]);
	close(a->ch.to_guest[0]);
	a->ch.to_test[1] = -1;
	a->ch.to_guest[0] = -1;
	assert_int_equal(xenif_domain_unpause(r->f->xi, domid), 0);
}

static void chan_close(struct chan *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (c->to_guest[i] >= 0) {
			close(c->to_guest[i]);
		}
		if (c->to_test[i] >= 0) {
			close(c->to_test[i]);
		}
	}
}

/** Read exactly len bytes from fd within timeout_ms: 0 or -1. */
static int read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		if (poll(&p, 1, timeout_ms) != 1) {
			return -1;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0) {
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* Guest side. */

static int g_put(const struct garg *a, char c)
{
	return write(a->ch.to_test[1], &c, 1) == 1 ? 0 : -1;
}

static int g_put_data(const struct garg *a, const void *data, size_t len)
{
	return write(a->ch.to_test[1], data, len) == (ssize_t)len ? 0 : -1;
}

/** Wait for the test's word want: 0, or -1 for another word or none. */
static int g_get(const struct garg *a, char want)
{
	char c;

	if (read_full(a->ch.to_guest[0], &c, 1, GUEST_WAIT_MS) < 0) {
		return -1;
	}
	return c == want ? 0 : -1;
}

/** Whether the test said want (without waiting). */
static bool g_said(const struct garg *a, char want)
{
	char c;

	return read_full(a->ch.to_guest[0], &c, 1, 0) == 0 && c == want;
}

/* Test side. */

static void t_put(const struct garg *a, char c)
{
	assert_int_equal(write(a->ch.to_guest[1], &c, 1), 1);
}

/** Fail with the guest's exit status when it does not send len bytes. */
static void t_get_data(const struct garg *a, void *buf, size_t len)
{
	if (read_full(a->ch.to_test[0], buf, len, WAIT_MS) < 0) {
		fail_msg("guest %d said nothing; exit status %d", a->ch.pid,
			xht_wait_child(a->ch.pid, WAIT_MS));
	}
}

static void t_expect(const struct garg *a, char want)
{
	char c;

	t_get_data(a, &c, 1);
	if (c != want) {
		fail_msg("guest %d said '%c', not '%c'", a->ch.pid, c, want);
	}
}

static void t_wait_exit(const struct garg *a)
{
	assert_int_equal(xht_wait_child(a->ch.pid, WAIT_MS), 0);
}

/* ---- guest helpers ------------------------------------------------------- */

static int guest_open(struct hg **hg, struct hg_xb **xb)
{
	*hg = hg_attach();
	if (*hg == NULL) {
		return -1;
	}
	*xb = hg_xb_open(*hg);
	return *xb == NULL ? -1 : 0;
}

/** The guest's store ring page and its event channel. */
static struct xenstore_domain_interface *guest_ring(
	struct hg *hg, evtchn_port_t *port)
{
	uint64_t pfn, p;

	if (hg_hvm_get_param(hg, HVM_PARAM_STORE_PFN, &pfn) < 0 ||
		hg_hvm_get_param(hg, HVM_PARAM_STORE_EVTCHN, &p) < 0) {
		return NULL;
	}
	*port = (evtchn_port_t)p;
	return hg_gfn_to_ptr(hg, pfn);
}

/** READ path and compare with want: 0, or the error, or -EBADMSG. */
static int read_is(struct hg_xb *xb, const char *path, const char *want)
{
	char *v;
	int rc = hg_xb_read(xb, 0, path, &v, NULL);

	if (rc < 0) {
		return rc;
	}
	rc = strcmp(v, want) == 0 ? 0 : -EBADMSG;
	free(v);
	return rc;
}

/** The next watch event within timeout_ms is (path, token): 0 or -1. */
static int event_is(
	struct hg_xb *xb, int timeout_ms, const char *path, const char *token)
{
	char *p, *t;
	int ok;

	if (hg_xb_read_watch(xb, timeout_ms, &p, &t) < 0) {
		return -1;
	}
	ok = strcmp(p, path) == 0 && strcmp(t, token) == 0;
	free(p);
	free(t);
	return ok ? 0 : -1;
}

/** No watch event is queued after a round trip to the store. */
static int no_event(struct hg_xb *xb)
{
	char *p, *t, *v;

	if (hg_xb_get_domain_path(xb, 0, &v) < 0) {
		return -1;
	}
	free(v);
	if (hg_xb_read_watch(xb, 0, &p, &t) != -ETIMEDOUT) {
		return -1;
	}
	return 0;
}

static uint32_t wait_ring_error(
	struct xenstore_domain_interface *intf, int timeout_ms)
{
	int i;

	for (i = 0; i < timeout_ms / 10; i++) {
		uint32_t e = __atomic_load_n(&intf->error, __ATOMIC_ACQUIRE);

		if (e != XENSTORE_ERROR_NONE) {
			return e;
		}
		usleep(10000);
	}
	return XENSTORE_ERROR_NONE;
}

/* ---- test helpers -------------------------------------------------------- */

static void path_of(char *buf, size_t len, uint32_t domid, const char *rel)
{
	snprintf(buf, len, "/local/domain/%u%s%s", domid, *rel ? "/" : "", rel);
}

static void assert_read(struct xsf *r, const char *path, const char *want)
{
	char *v;
	size_t len;

	assert_int_equal(xsc_read(r->dom0, 0, path, &v, &len), 0);
	assert_string_equal(v, want);
	free(v);
}

/** CONTROL with up to two arguments; the reply text (caller frees). */
static char *control(struct xsf *r, const char *cmd, const char *arg)
{
	const char *argv[2] = {cmd, arg};
	char *out;
	size_t len;

	assert_int_equal(
		xsc_control(r->dom0, argv, arg ? 2 : 1, &out, &len), 0);
	return out;
}

/** The number after "key: " in text, or -1. */
static long long text_value(const char *text, const char *key)
{
	char pat[96];
	const char *at;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	if (strncmp(text, pat + 1, strlen(pat + 1)) == 0) {
		at = text + strlen(pat + 1);
	} else if ((at = strstr(text, pat)) != NULL) {
		at += strlen(pat);
	} else {
		return -1;
	}
	return strtoll(at, NULL, 10);
}

/** Assert CONTROL quota <domid> shows "<name>: <used>/<limit>". */
static void assert_usage(
	struct xsf *r, uint32_t domid, const char *name, int used, int limit)
{
	char id[16], want[64], *q;

	snprintf(id, sizeof(id), "%u", domid);
	q = control(r, "quota", id);
	snprintf(want, sizeof(want), "\n%s: %d/%d\n", name, used, limit);
	if (strstr(q, want) == NULL) {
		fail_msg("CONTROL quota %u lacks \"%s: %d/%d\":\n%s", domid,
			name, used, limit, q);
	}
	free(q);
}

/** A request from dom0 that must succeed with reply type type. */
static char *dom0_call(
	struct xsf *r, uint32_t type, const char *payload, size_t len)
{
	uint32_t rtype;
	char *reply;
	size_t rlen;

	assert_int_equal(xsc_request(r->dom0, type, 0, payload, len, &rtype,
				 &reply, &rlen),
		0);
	if (rtype != type) {
		fail_msg("request %u: %s", type, reply);
	}
	return reply;
}

static void set_quota(
	struct xsf *r, uint32_t domid, const char *name, const char *value)
{
	char msg[64];
	int n = snprintf(
		msg, sizeof(msg), "%u%c%s%c%s%c", domid, 0, name, 0, value, 0);

	free(dom0_call(r, XS_SET_QUOTA, msg, (size_t)n));
}

/** GET_QUOTA [<domid>|]<name>| (domid < 0: the global value). */
static long long get_quota(struct xsf *r, long domid, const char *name)
{
	char msg[64], *v;
	long long value;
	int n;

	if (domid < 0) {
		n = snprintf(msg, sizeof(msg), "%s%c", name, 0);
	} else {
		n = snprintf(msg, sizeof(msg), "%ld%c%s%c", domid, 0, name, 0);
	}
	v = dom0_call(r, XS_GET_QUOTA, msg, (size_t)n);
	value = strtoll(v, NULL, 10);
	free(v);
	return value;
}

/* ---- 1. watches across domains ------------------------------------------- */

static int guest_b_shares(void *arg)
{
	struct garg *a = arg;
	struct hg *hg;
	struct hg_xb *xb;
	char reader[16], owner[16];
	const char *perms[2] = {owner, reader};

	if (guest_open(&hg, &xb) < 0) {
		return 10;
	}
	snprintf(owner, sizeof(owner), "n%u", hg_domid(hg));
	snprintf(reader, sizeof(reader), "r%u", a->peer);
	/* data/shared readable by A; data/secret inherits "only B". */
	if (hg_xb_write(xb, 0, "data/shared", "0", 1) != 0 ||
		hg_xb_set_perms(xb, 0, "data/shared", perms, 2) != 0 ||
		hg_xb_write(xb, 0, "data/secret", "0", 1) != 0) {
		return 11;
	}
	if (g_put(a, 'P') < 0 || g_get(a, 'g') < 0) {
		return 12;
	}
	/* The secret first: an event for it would come before shared's. */
	if (hg_xb_write(xb, 0, "data/secret", "1", 1) != 0 ||
		hg_xb_write(xb, 0, "data/shared", "1", 1) != 0) {
		return 13;
	}
	if (g_put(a, 'D') < 0 || g_get(a, 'q') < 0) {
		return 14;
	}
	return 0;
}

static int guest_a_watches(void *arg)
{
	struct garg *a = arg;
	struct hg *hg;
	struct hg_xb *xb;
	char shared[64], secret[64], data[64];
	int i, s = 0, d = 0;

	if (guest_open(&hg, &xb) < 0) {
		return 20;
	}
	path_of(shared, sizeof(shared), a->peer, "data/shared");
	path_of(secret, sizeof(secret), a->peer, "data/secret");
	path_of(data, sizeof(data), a->peer, "data");
	/* Each watch fires once when set, whatever A may read. */
	if (hg_xb_watch(xb, shared, "s") != 0 ||
		event_is(xb, WAIT_MS, shared, "s") != 0 ||
		hg_xb_watch(xb, secret, "x") != 0 ||
		event_is(xb, WAIT_MS, secret, "x") != 0 ||
		hg_xb_watch(xb, data, "d") != 0 ||
		event_is(xb, WAIT_MS, data, "d") != 0) {
		return 21;
	}
	if (g_put(a, 'W') < 0 || g_get(a, 'c') < 0) {
		return 22;
	}
	/*
	 * B wrote secret, then shared: the first events are shared's, on
	 * the watch of the node and on the watch of its parent (which A
	 * cannot read: what counts is the node that changed).
	 */
	for (i = 0; i < 2; i++) {
		char *p, *t;

		if (hg_xb_read_watch(xb, WAIT_MS, &p, &t) != 0) {
			return 23;
		}
		if (strcmp(p, shared) != 0) {
			return 24; /* an event for the secret */
		}
		s += strcmp(t, "s") == 0;
		d += strcmp(t, "d") == 0;
		free(p);
		free(t);
	}
	if (s != 1 || d != 1 || no_event(xb) != 0) {
		return 25;
	}
	if (read_is(xb, shared, "1") != 0 ||
		read_is(xb, secret, "1") != -EACCES) {
		return 26;
	}
	/* dom0 changes and removes the secret, then writes shared. */
	if (g_put(a, 'E') < 0 || g_get(a, 'c') < 0) {
		return 27;
	}
	for (i = 0; i < 2; i++) {
		char *p, *t;

		if (hg_xb_read_watch(xb, WAIT_MS, &p, &t) != 0) {
			return 28;
		}
		if (strcmp(p, shared) != 0) {
			return 29;
		}
		free(p);
		free(t);
	}
	if (no_event(xb) != 0 || read_is(xb, shared, "3") != 0) {
		return 30;
	}
	return 0;
}

static void test_guest_watches_another_guests_node_only_where_it_may_read(
	void **state)
{
	struct xsf *r = *state;
	struct garg ga = {0}, gb = {0};
	uint8_t ha[16], hb[16];
	uint32_t a = xsf_make_guest(r, ha), b = xsf_make_guest(r, hb);
	char path[64];

	chan_open(&ga.ch);
	chan_open(&gb.ch);
	gb.peer = a;
	ga.peer = b;
	spawn(r, b, hb, guest_b_shares, &gb);
	t_expect(&gb, 'P');
	spawn(r, a, ha, guest_a_watches, &ga);
	t_expect(&ga, 'W');
	t_put(&gb, 'g');
	t_expect(&gb, 'D');
	t_put(&ga, 'c');
	t_expect(&ga, 'E');
	/* Nor from dom0's changes of the secret, removal included. */
	path_of(path, sizeof(path), b, "data/secret");
	assert_int_equal(xsc_write(r->dom0, 0, path, "2", 1), 0);
	assert_int_equal(xsc_rm(r->dom0, 0, path), 0);
	path_of(path, sizeof(path), b, "data/shared");
	assert_int_equal(xsc_write(r->dom0, 0, path, "3", 1), 0);
	t_put(&ga, 'c');
	t_wait_exit(&ga);
	t_put(&gb, 'q');
	t_wait_exit(&gb);
	chan_close(&ga.ch);
	chan_close(&gb.ch);
}

/* ---- 2. permissions between domains -------------------------------------- */

static int guest_b_owns(void *arg)
{
	struct garg *a = arg;
	struct hg *hg;
	struct hg_xb *xb;
	char owner[16], both[16], other[16];
	const char *grant[2] = {owner, both}, *give[1] = {other};

	if (guest_open(&hg, &xb) < 0) {
		return 10;
	}
	snprintf(owner, sizeof(owner), "n%u", hg_domid(hg));
	snprintf(both, sizeof(both), "b%u", a->peer);
	snprintf(other, sizeof(other), "n%u", a->peer);
	if (hg_xb_write(xb, 0, "data/x", "v", 1) != 0 || g_put(a, 'P') < 0 ||
		g_get(a, 'g') < 0) {
		return 11;
	}
	if (hg_xb_set_perms(xb, 0, "data/x", grant, 2) != 0) {
		return 12;
	}
	/* Its owner cannot give the node away. */
	if (hg_xb_set_perms(xb, 0, "data/x", give, 1) != -EPERM) {
		return 13;
	}
	if (g_put(a, 'G') < 0 || g_get(a, 'q') < 0) {
		return 14;
	}
	return 0;
}

static int guest_a_tries(void *arg)
{
	struct garg *a = arg;
	struct hg *hg;
	struct hg_xb *xb;
	char x[64], y[64], home[64], mine[16], bown[16], rb[16];
	const char *take[1] = {mine}, *give[1] = {bown};
	const char *share[2] = {mine, rb};
	char **names, **perms;
	unsigned int n;

	if (guest_open(&hg, &xb) < 0) {
		return 20;
	}
	path_of(x, sizeof(x), a->peer, "data/x");
	path_of(y, sizeof(y), a->peer, "data/y");
	path_of(home, sizeof(home), a->peer, "");
	snprintf(mine, sizeof(mine), "n%u", hg_domid(hg));
	snprintf(bown, sizeof(bown), "n%u", a->peer);
	snprintf(rb, sizeof(rb), "r%u", a->peer);
	/* Nothing of B's home without a grant. */
	if (read_is(xb, x, "v") != -EACCES ||
		hg_xb_write(xb, 0, x, "w", 1) != -EACCES ||
		hg_xb_mkdir(xb, 0, y) != -EACCES ||
		hg_xb_rm(xb, 0, x) != -EACCES ||
		hg_xb_directory(xb, 0, home, &names, &n) != -EACCES ||
		hg_xb_get_perms(xb, 0, x, &perms, &n) != -EACCES ||
		hg_xb_set_perms(xb, 0, x, take, 1) != -EACCES) {
		return 21;
	}
	if (g_put(a, 'R') < 0 || g_get(a, 'g') < 0) {
		return 22;
	}
	/* B granted read and write on data/x. */
	if (read_is(xb, x, "v") != 0 || hg_xb_write(xb, 0, x, "w", 1) != 0 ||
		read_is(xb, x, "w") != 0) {
		return 23;
	}
	if (hg_xb_get_perms(xb, 0, x, &perms, &n) != 0 || n != 2 ||
		strcmp(perms[0], bown) != 0 || perms[1][0] != 'b') {
		return 24;
	}
	free(perms);
	/* Write access is not ownership; the rest of B's home stays shut. */
	if (hg_xb_set_perms(xb, 0, x, take, 1) != -EACCES ||
		read_is(xb, home, "") != -EACCES ||
		hg_xb_mkdir(xb, 0, y) != -EACCES) {
		return 25;
	}
	/* Its own node: other entries may change, the owner may not. */
	if (hg_xb_write(xb, 0, "data/mine", "m", 1) != 0 ||
		hg_xb_set_perms(xb, 0, "data/mine", give, 1) != -EPERM ||
		hg_xb_set_perms(xb, 0, "data/mine", share, 2) != 0) {
		return 26;
	}
	if (g_put(a, 'A') < 0 || g_get(a, 'o') < 0) {
		return 27;
	}
	/* dom0 made A the owner of B's data/x: now A may set its perms. */
	if (hg_xb_set_perms(xb, 0, x, share, 2) != 0 || g_put(a, 'O') < 0 ||
		g_get(a, 'q') < 0) {
		return 28;
	}
	return 0;
}

static void test_guests_reach_each_others_nodes_only_as_permitted(void **state)
{
	struct xsf *r = *state;
	struct garg ga = {0}, gb = {0};
	uint8_t ha[16], hb[16];
	uint32_t a = xsf_make_guest(r, ha), b = xsf_make_guest(r, hb);
	char x[64], mine[64], owner[16];
	const char *perms[1] = {owner};
	char **got;
	unsigned int n;

	chan_open(&ga.ch);
	chan_open(&gb.ch);
	gb.peer = a;
	ga.peer = b;
	spawn(r, b, hb, guest_b_owns, &gb);
	t_expect(&gb, 'P');
	spawn(r, a, ha, guest_a_tries, &ga);
	t_expect(&ga, 'R');
	t_put(&gb, 'g');
	t_expect(&gb, 'G');
	t_put(&ga, 'g');
	t_expect(&ga, 'A');
	/* dom0 reads, writes, and hands nodes to another owner. */
	path_of(x, sizeof(x), b, "data/x");
	path_of(mine, sizeof(mine), a, "data/mine");
	assert_read(r, x, "w");
	assert_read(r, mine, "m");
	assert_int_equal(xsc_write(r->dom0, 0, x, "d0", 2), 0);
	snprintf(owner, sizeof(owner), "n%u", a);
	assert_int_equal(xsc_set_perms(r->dom0, 0, x, perms, 1), 0);
	assert_int_equal(xsc_get_perms(r->dom0, 0, x, &got, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(got[0], owner);
	free(got);
	assert_int_equal(xsc_get_perms(r->dom0, 0, mine, &got, &n), 0);
	assert_int_equal(n, 2);
	free(got);
	t_put(&ga, 'o');
	t_expect(&ga, 'O');
	assert_int_equal(xsc_get_perms(r->dom0, 0, x, &got, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(got[0], owner);
	free(got);
	assert_int_equal(xsc_rm(r->dom0, 0, mine), 0);
	t_put(&ga, 'q');
	t_put(&gb, 'q');
	t_wait_exit(&ga);
	t_wait_exit(&gb);
	chan_close(&ga.ch);
	chan_close(&gb.ch);
}

/* ---- 3. hostile guests --------------------------------------------------- */

#define PROBE_READS 200

struct lat {
	uint32_t median_us, max_us, errors;
};

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/** A well-behaved guest: on 'm', time PROBE_READS READs; 'q' ends. */
static int guest_probe(void *arg)
{
	struct garg *a = arg;
	uint32_t us[PROBE_READS];
	struct hg *hg;
	struct hg_xb *xb;
	struct lat l;
	uint64_t t0;
	int i;
	char c;

	if (guest_open(&hg, &xb) < 0 ||
		hg_xb_write(xb, 0, "data/p", "1", 1) != 0 ||
		g_put(a, 'P') < 0) {
		return 10;
	}
	for (;;) {
		if (read_full(a->ch.to_guest[0], &c, 1, GUEST_WAIT_MS) < 0) {
			return 11;
		}
		if (c == 'q') {
			return 0;
		}
		memset(&l, 0, sizeof(l));
		for (i = 0; i < PROBE_READS; i++) {
			t0 = hg_now_ns();
			if (read_is(xb, "data/p", "1") != 0) {
				l.errors++;
			}
			us[i] = (uint32_t)((hg_now_ns() - t0) / 1000);
		}
		qsort(us, PROBE_READS, sizeof(us[0]), cmp_u32);
		l.median_us = us[PROBE_READS / 2];
		l.max_us = us[PROBE_READS - 1];
		if (g_put_data(a, &l, sizeof(l)) < 0) {
			return 12;
		}
	}
}

static void probe_start(struct xsf *r, struct garg *p)
{
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);

	chan_open(&p->ch);
	spawn(r, domid, h, guest_probe, p);
	t_expect(p, 'P');
}

static void probe_begin(struct garg *p)
{
	t_put(p, 'm');
}

static struct lat probe_end(struct garg *p)
{
	struct lat l;

	t_get_data(p, &l, sizeof(l));
	assert_int_equal(l.errors, 0);
	return l;
}

static struct lat probe_measure(struct garg *p)
{
	probe_begin(p);
	return probe_end(p);
}

static void probe_stop(struct garg *p)
{
	t_put(p, 'q');
	t_wait_exit(p);
	chan_close(&p->ch);
}

/** The well-behaved guest's median READ latency stays bounded. */
static void assert_bounded(
	const struct lat *before, const struct lat *during, const char *what)
{
	print_message("    %s: median READ %u us before, %u us during "
		      "(max %u us)\n",
		what, before->median_us, during->median_us, during->max_us);
	if (during->median_us > 20 * before->median_us &&
		during->median_us > 50000) {
		fail_msg("%s: median READ of another guest went from %u us "
			 "to %u us",
			what, before->median_us, during->median_us);
	}
}

/** Copy len bytes into the request ring at req_prod and publish them. */
static int raw_put(
	struct xenstore_domain_interface *intf, const void *data, uint32_t len)
{
	uint32_t prod = intf->req_prod, i;

	if (prod - __atomic_load_n(&intf->req_cons, __ATOMIC_ACQUIRE) + len >
		XENSTORE_RING_SIZE) {
		return -1; /* no room */
	}
	for (i = 0; i < len; i++) {
		intf->req[MASK_XENSTORE_IDX(prod + i)] =
			((const char *)data)[i];
	}
	__atomic_store_n(&intf->req_prod, prod + len, __ATOMIC_RELEASE);
	return 0;
}

/* a. An oversized message header: XENSTORE_ERROR_PROTO. */

static int guest_oversized_header(void *arg)
{
	struct garg *a = arg;
	struct xsd_sockmsg hdr = {XS_READ, 77, 0, XENSTORE_PAYLOAD_MAX + 1};
	struct xsd_sockmsg more = {XS_READ, 78, 0, 0};
	struct xenstore_domain_interface *intf;
	struct hg *hg;
	struct hg_xb *xb;
	evtchn_port_t port;
	uint32_t rsp_prod, err;

	if (guest_open(&hg, &xb) < 0 || !(intf = guest_ring(hg, &port)) ||
		hg_xb_write(xb, 0, "data/ok", "1", 1) != 0) {
		return 20;
	}
	rsp_prod = intf->rsp_prod;
	if (raw_put(intf, &hdr, sizeof(hdr)) < 0 ||
		hg_evtchn_send(hg, port) < 0) {
		return 21;
	}
	err = wait_ring_error(intf, WAIT_MS);
	if (err != XENSTORE_ERROR_PROTO) {
		return 22;
	}
	if (intf->rsp_prod != rsp_prod) {
		return 23; /* no reply to a stopped ring */
	}
	if (g_put(a, 'S') < 0) {
		return 24;
	}
	/* Keep poking the stopped ring while the other guest is timed. */
	while (!g_said(a, 'c')) {
		raw_put(intf, &more, sizeof(more));
		hg_evtchn_send(hg, port);
		usleep(1000);
	}
	if (intf->error != XENSTORE_ERROR_PROTO || intf->rsp_prod != rsp_prod) {
		return 25;
	}
	/* The client sees the error field; a reconnection serves it again. */
	if (read_is(xb, "data/ok", "1") != -EIO || hg_xb_reconnect(xb) != 0) {
		return 26;
	}
	if (intf->error != XENSTORE_ERROR_NONE ||
		intf->connection != XENSTORE_CONNECTED ||
		read_is(xb, "data/ok", "1") != 0) {
		return 27;
	}
	return 0;
}

static void test_oversized_message_header_stops_only_that_guest(void **state)
{
	struct xsf *r = *state;
	struct garg probe = {0}, bad = {0};
	struct lat before, during;
	uint8_t h[16];
	uint32_t domid;

	probe_start(r, &probe);
	before = probe_measure(&probe);
	domid = xsf_make_guest(r, h);
	chan_open(&bad.ch);
	spawn(r, domid, h, guest_oversized_header, &bad);
	t_expect(&bad, 'S');
	during = probe_measure(&probe);
	t_put(&bad, 'c');
	t_wait_exit(&bad);
	assert_bounded(&before, &during, "stopped ring poked");
	probe_stop(&probe);
	chan_close(&bad.ch);
}

/* b. Unknown message types: error replies, the ring goes on. */

static int expect_error(struct hg_xb *xb, uint32_t type, const void *payload,
	size_t len, const char *err)
{
	uint32_t rtype;
	char *reply;
	size_t rlen;
	int ok;

	if (hg_xb_request(xb, type, 0, payload, len, &rtype, &reply, &rlen) !=
		0) {
		return -1;
	}
	ok = rtype == XS_ERROR && strcmp(reply, err) == 0;
	free(reply);
	return ok ? 0 : -1;
}

static int guest_garbage(void *arg)
{
	struct garg *a = arg;
	struct xenstore_domain_interface *intf;
	struct hg *hg;
	struct hg_xb *xb;
	evtchn_port_t port;
	uint32_t count = 0;

	if (guest_open(&hg, &xb) < 0 || !(intf = guest_ring(hg, &port)) ||
		hg_xb_write(xb, 0, "data/ok", "1", 1) != 0) {
		return 30;
	}
	if (expect_error(xb, 9999, "abcd", 4, "ENOSYS") != 0 ||
		expect_error(xb, 0xdeadbeef, NULL, 0, "ENOSYS") != 0 ||
		expect_error(xb, XS_WATCH_EVENT, "a\0b", 4, "EINVAL") != 0 ||
		expect_error(xb, XS_ERROR, "EIO", 4, "EINVAL") != 0) {
		return 31;
	}
	if (intf->error != XENSTORE_ERROR_NONE ||
		read_is(xb, "data/ok", "1") != 0 || g_put(a, 'S') < 0) {
		return 32;
	}
	while (!g_said(a, 'c')) {
		if (expect_error(xb, 4242 + count % 7, "zz", 2, "ENOSYS") !=
			0) {
			return 33;
		}
		count++;
	}
	if (intf->error != XENSTORE_ERROR_NONE ||
		read_is(xb, "data/ok", "1") != 0 ||
		g_put_data(a, &count, sizeof(count)) < 0) {
		return 34;
	}
	return 0;
}

static void test_unknown_message_types_get_error_replies_not_a_stop(
	void **state)
{
	struct xsf *r = *state;
	struct garg probe = {0}, bad = {0};
	struct lat before, during;
	long long bad0, bad1;
	uint32_t domid, count;
	uint8_t h[16];
	char *s;

	probe_start(r, &probe);
	before = probe_measure(&probe);
	s = control(r, "stats", NULL);
	bad0 = text_value(s, "bad-requests");
	free(s);
	domid = xsf_make_guest(r, h);
	chan_open(&bad.ch);
	spawn(r, domid, h, guest_garbage, &bad);
	t_expect(&bad, 'S');
	during = probe_measure(&probe);
	t_put(&bad, 'c');
	t_get_data(&bad, &count, sizeof(count));
	t_wait_exit(&bad);
	assert_bounded(&before, &during, "unknown types");
	s = control(r, "stats", NULL);
	bad1 = text_value(s, "bad-requests");
	free(s);
	assert_true(bad0 >= 0);
	assert_int_equal(bad1 - bad0, 4 + (long long)count);
	probe_stop(&probe);
	chan_close(&bad.ch);
}

/* c. A request flood: bounded buffering, every reply when it reads. */

#define FLOOD_N 10000

struct flood {
	struct hg *hg;
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	uint32_t sent, got; /* requests on the ring; replies checked */
	size_t off;         /* bytes of the current request on the ring */
	char req[32];
	char rx[sizeof(struct xsd_sockmsg) + 64];
	size_t rx_got;
};

static const char flood_path[] = "data/f";

#define FLOOD_REQ_LEN (sizeof(struct xsd_sockmsg) + sizeof(flood_path))

/** Put requests (up to number limit) while they fit; 1 if any moved. */
static int flood_put(struct flood *f, uint32_t limit)
{
	struct xsd_sockmsg h = {XS_READ, 0, 0, sizeof(flood_path)};
	int n, moved = 0;

	while (f->sent < limit) {
		if (f->off == 0) {
			h.req_id = f->sent + 1;
			memcpy(f->req, &h, sizeof(h));
			memcpy(f->req + sizeof(h), flood_path,
				sizeof(flood_path));
		}
		n = hg_xs_ring_write(
			f->intf, f->req + f->off, FLOOD_REQ_LEN - f->off);
		if (n < 0) {
			return n;
		}
		if (n == 0) {
			break;
		}
		moved = 1;
		f->off += (size_t)n;
		if (f->off == FLOOD_REQ_LEN) {
			f->off = 0;
			f->sent++;
		}
	}
	return moved;
}

/** Take replies; each must be the READ reply "x" to the next request. */
static int flood_take(struct flood *f)
{
	struct xsd_sockmsg h;
	int n, moved = 0;
	size_t want;

	for (;;) {
		if (f->rx_got >= sizeof(h)) {
			memcpy(&h, f->rx, sizeof(h));
			if (h.len > 64) {
				return -EPROTO;
			}
			if (f->rx_got == sizeof(h) + h.len) {
				if (h.type != XS_READ ||
					h.req_id != f->got + 1 || h.len != 1 ||
					f->rx[sizeof(h)] != 'x') {
					return -EPROTO;
				}
				f->got++;
				f->rx_got = 0;
				continue;
			}
			want = sizeof(h) + h.len - f->rx_got;
		} else {
			want = sizeof(h) - f->rx_got;
		}
		n = hg_xs_ring_read(f->intf, f->rx + f->rx_got, want);
		if (n < 0) {
			return n;
		}
		if (n == 0) {
			return moved;
		}
		moved = 1;
		f->rx_got += (size_t)n;
	}
}

/**
 * Move requests (up to limit) and, with take, replies, until done() or
 * nothing moved for idle_ms: 1 when done, 0 when idle, or -errno.
 */
static int flood_run(struct flood *f, uint32_t limit, bool take,
	bool (*done)(struct flood *f, const struct garg *a),
	const struct garg *a, int idle_ms)
{
	uint64_t last = hg_now_ns();
	int in, out;

	while (!done(f, a)) {
		hg_evtchn_clear(f->hg, f->port);
		in = take ? flood_take(f) : 0;
		out = flood_put(f, limit);
		if (in < 0 || out < 0) {
			return in < 0 ? in : out;
		}
		if (in || out) {
			hg_evtchn_send(f->hg, f->port);
			last = hg_now_ns();
			continue;
		}
		if (hg_now_ns() - last > (uint64_t)idle_ms * 1000000) {
			return 0;
		}
		hg_wait_port(f->hg, f->port, 20);
	}
	return 1;
}

static bool flood_all_sent(struct flood *f, const struct garg *a)
{
	(void)a;
	return f->sent == FLOOD_N;
}

static bool flood_all_got(struct flood *f, const struct garg *a)
{
	(void)a;
	return f->got == FLOOD_N;
}

static bool flood_told_to_stop(struct flood *f, const struct garg *a)
{
	(void)f;
	return g_said(a, 'c');
}

static bool flood_drained(struct flood *f, const struct garg *a)
{
	(void)a;
	return f->got == f->sent && f->off == 0;
}

static int guest_flooder(void *arg)
{
	struct garg *a = arg;
	struct flood f = {0};
	struct hg_xb *xb;
	uint32_t counts[2];

	if (guest_open(&f.hg, &xb) < 0 ||
		!(f.intf = guest_ring(f.hg, &f.port)) ||
		hg_xb_write(xb, 0, flood_path, "x", 1) != 0) {
		return 40;
	}
	/* 1. Pipelined requests, no reply read: the store stops taking. */
	if (flood_run(&f, FLOOD_N, false, flood_all_sent, a, 500) < 0) {
		return 41;
	}
	counts[0] = f.sent;
	if (g_put_data(a, counts, sizeof(counts[0])) < 0 || g_get(a, 'r') < 0) {
		return 42;
	}
	/* 2. Reading: every reply, in order, and the rest of the 10,000. */
	if (flood_run(&f, FLOOD_N, true, flood_all_got, a, WAIT_MS) != 1) {
		return 43;
	}
	if (g_put(a, 'A') < 0 || g_get(a, 'l') < 0) {
		return 44;
	}
	/* 3. Pipelining at full speed until told to stop, then drain. */
	if (flood_run(&f, UINT32_MAX, true, flood_told_to_stop, a, WAIT_MS) !=
			1 ||
		flood_run(&f, f.sent + (f.off > 0), true, flood_drained, a,
			WAIT_MS) != 1) {
		return 45;
	}
	counts[0] = f.sent;
	counts[1] = f.intf->error;
	if (g_put_data(a, counts, sizeof(counts)) < 0) {
		return 46;
	}
	return 0;
}

static void test_request_flood_is_bounded_and_answered_when_the_flooder_reads(
	void **state)
{
	struct xsf *r = *state;
	struct garg probe = {0}, fl = {0};
	struct lat before, stalled, reading, flooding;
	uint32_t domid, taken, counts[2];
	uint8_t h[16];

	probe_start(r, &probe);
	before = probe_measure(&probe);
	domid = xsf_make_guest(r, h);
	chan_open(&fl.ch);
	spawn(r, domid, h, guest_flooder, &fl);
	t_get_data(&fl, &taken, sizeof(taken));
	print_message("    the store took %u of %u pipelined requests from a "
		      "guest that reads no reply\n",
		taken, FLOOD_N);
	/* Replies wait in bounded buffers: the store stops taking input. */
	assert_true(taken > 0 && taken < FLOOD_N);
	stalled = probe_measure(&probe);
	t_put(&fl, 'r');
	probe_begin(&probe);
	t_expect(&fl, 'A'); /* it got all 10,000 replies, in order */
	reading = probe_end(&probe);
	t_put(&fl, 'l');
	flooding = probe_measure(&probe);
	t_put(&fl, 'c');
	t_get_data(&fl, counts, sizeof(counts));
	t_wait_exit(&fl);
	assert_true(counts[0] > FLOOD_N);
	assert_int_equal(counts[1], XENSTORE_ERROR_NONE);
	assert_bounded(&before, &stalled, "flooder not reading");
	assert_bounded(&before, &reading, "flooder reading");
	assert_bounded(&before, &flooding, "flooder pipelining");
	probe_stop(&probe);
	chan_close(&fl.ch);
}

/* d. Watch and node floods: the quotas' errors (docs/xenstored.md). */

static int guest_quota_flood(void *arg)
{
	struct garg *a = arg;
	struct xenstore_domain_interface *intf;
	struct hg *hg;
	struct hg_xb *xb;
	evtchn_port_t port;
	char path[32];
	uint32_t i;
	int rc;

	if (guest_open(&hg, &xb) < 0 || !(intf = guest_ring(hg, &port))) {
		return 50;
	}
	for (i = 0;; i++) {
		snprintf(path, sizeof(path), "data/w%u", i);
		rc = hg_xb_watch(xb, path, "t");
		if (rc != 0 || event_is(xb, WAIT_MS, path, "t") != 0) {
			break;
		}
	}
	if (rc != -E2BIG || i != (uint32_t)a->n) {
		return 51;
	}
	for (i = 0;; i++) {
		snprintf(path, sizeof(path), "data/n%u", i);
		rc = hg_xb_write(xb, 0, path, "x", 1);
		if (rc != 0) {
			break;
		}
	}
	if (rc != -ENOSPC || g_put_data(a, &i, sizeof(i)) < 0) {
		return 52;
	}
	/* Changing a node creates none; removing one makes room for one. */
	if (hg_xb_write(xb, 0, "data/n0", "y", 1) != 0 ||
		hg_xb_rm(xb, 0, "data/n0") != 0 ||
		hg_xb_write(xb, 0, "data/again", "z", 1) != 0 ||
		hg_xb_write(xb, 0, "data/more", "z", 1) != -ENOSPC) {
		return 53;
	}
	if (intf->error != XENSTORE_ERROR_NONE || g_put(a, 'S') < 0) {
		return 54;
	}
	/* Keep hitting both quotas while the other guest is timed. */
	while (!g_said(a, 'c')) {
		if (hg_xb_watch(xb, "data/more", "t") != -E2BIG ||
			hg_xb_write(xb, 0, "data/more", "z", 1) != -ENOSPC) {
			return 55;
		}
	}
	if (intf->error != XENSTORE_ERROR_NONE ||
		read_is(xb, "data/again", "z") != 0) {
		return 56;
	}
	return 0;
}

static void test_watch_and_node_floods_get_e2big_and_enospc(void **state)
{
	struct xsf *r = *state;
	struct garg probe = {0}, fl = {0};
	struct lat before, during;
	uint32_t domid, written;
	uint8_t h[16];

	probe_start(r, &probe);
	before = probe_measure(&probe);
	domid = xsf_make_guest(r, h);
	set_quota(r, domid, "watches", "5");
	set_quota(r, domid, "nodes", "20");
	fl.n = 5;
	chan_open(&fl.ch);
	spawn(r, domid, h, guest_quota_flood, &fl);
	t_get_data(&fl, &written, sizeof(written));
	/* Its home and data/ are two of its 20 nodes. */
	assert_int_equal(written, 18);
	t_expect(&fl, 'S');
	assert_usage(r, domid, "nodes", 20, 20);
	assert_usage(r, domid, "watches", 5, 5);
	during = probe_measure(&probe);
	t_put(&fl, 'c');
	t_wait_exit(&fl);
	assert_bounded(&before, &during, "quota floods");
	probe_stop(&probe);
	chan_close(&fl.ch);
}

/* e. A guest that never reads while dom0 fires watch events at it. */

#define SINK_WATCHES 100
#define SINK_TOKEN_LEN 3000
#define SINK_WRITES 300

static int guest_never_reads(void *arg)
{
	struct garg *a = arg;
	struct xenstore_domain_interface *intf;
	char token[SINK_TOKEN_LEN + 1];
	struct hg *hg;
	struct hg_xb *xb;
	evtchn_port_t port;
	int i;

	if (guest_open(&hg, &xb) < 0 || !(intf = guest_ring(hg, &port))) {
		return 60;
	}
	/* Long tokens: each of dom0's writes queues ~300 KB of events. */
	memset(token, 'k', SINK_TOKEN_LEN);
	token[SINK_TOKEN_LEN] = '\0';
	for (i = 0; i < SINK_WATCHES; i++) {
		snprintf(token, 8, "t%04d", i);
		token[5] = 'k';
		if (hg_xb_watch(xb, "data/hot", token) != 0) {
			return 61;
		}
	}
	/* From now on it neither reads its ring nor signals the store. */
	if (g_put(a, 'W') < 0 || g_get(a, 'c') < 0) {
		return 62;
	}
	return intf->error == XENSTORE_ERROR_COMM ? 0 : 63;
}

static void test_guest_that_never_reads_is_stopped_and_memory_stays_bounded(
	void **state)
{
	struct xsf *r = *state;
	struct garg probe = {0}, sink = {0};
	struct lat before, during;
	long rss0, rss, peak;
	char path[64], val[16];
	uint32_t domid;
	uint8_t h[16];
	int i;

	probe_start(r, &probe);
	before = probe_measure(&probe);
	domid = xsf_make_guest(r, h);
	chan_open(&sink.ch);
	spawn(r, domid, h, guest_never_reads, &sink);
	t_expect(&sink, 'W');
	assert_usage(r, domid, "watches", SINK_WATCHES, 128);
	path_of(path, sizeof(path), domid, "data/hot");
	rss0 = peak = xht_pid_rss_kib(r->xs->pid);
	assert_true(rss0 > 0);
	probe_begin(&probe);
	/* ~90 MB of events if nothing stopped them. */
	for (i = 0; i < SINK_WRITES; i++) {
		snprintf(val, sizeof(val), "%d", i);
		assert_int_equal(
			xsc_write(r->dom0, 0, path, val, strlen(val)), 0);
		rss = xht_pid_rss_kib(r->xs->pid);
		peak = rss > peak ? rss : peak;
	}
	during = probe_end(&probe);
	print_message(
		"    xenstored RSS %ld KiB before, peak %ld KiB\n", rss0, peak);
	/*
	 * conn.c: replies and events a guest leaves unread beyond
	 * XS_CONN_OUT_MAX (16 MiB) stop its ring with XENSTORE_ERROR_COMM,
	 * which drops them and its watches.
	 */
	t_put(&sink, 'c');
	t_wait_exit(&sink);
	assert_usage(r, domid, "watches", 0, 128);
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer keeps freed memory in quarantine: no RSS bound. */
	(void)peak;
#else
	assert_true(peak - rss0 < 64 * 1024);
#endif
	assert_bounded(&before, &during, "events for a guest not reading");
	probe_stop(&probe);
	chan_close(&sink.ch);
}

/* ---- 4. reconnection ----------------------------------------------------- */

static int guest_reconnects(void *arg)
{
	struct garg *a = arg;
	struct xenstore_domain_interface *intf;
	struct hg *hg;
	struct hg_xb *xb;
	evtchn_port_t port;
	uint32_t tx;

	if (guest_open(&hg, &xb) < 0 || !(intf = guest_ring(hg, &port))) {
		return 70;
	}
	if (hg_xb_write(xb, 0, "data/r", "0", 1) != 0 ||
		hg_xb_watch(xb, "data/r", "tok") != 0 ||
		event_is(xb, WAIT_MS, "data/r", "tok") != 0 ||
		hg_xb_transaction_start(xb, &tx) != 0 ||
		hg_xb_write(xb, tx, "data/t", "x", 1) != 0) {
		return 71;
	}
	if (g_put(a, 'S') < 0 || g_get(a, 'g') < 0) {
		return 72;
	}
	if (hg_xb_reconnect(xb) != 0) {
		return 73;
	}
	if (intf->connection != XENSTORE_CONNECTED ||
		intf->error != XENSTORE_ERROR_NONE) {
		return 74;
	}
	/* The transaction is gone, and what it wrote. */
	if (hg_xb_write(xb, tx, "data/t2", "y", 1) != -ENOENT ||
		hg_xb_transaction_end(xb, tx, true) != -ENOENT ||
		read_is(xb, "data/t", "x") != -ENOENT) {
		return 75;
	}
	/* The watch is gone: no event for a write of its node. */
	if (hg_xb_unwatch(xb, "data/r", "tok") != -ENOENT ||
		hg_xb_write(xb, 0, "data/r", "1", 1) != 0 ||
		read_is(xb, "data/r", "1") != 0 || no_event(xb) != 0) {
		return 76;
	}
	if (g_put(a, 'R') < 0 || g_get(a, 'g') < 0) {
		return 77;
	}
	/* dom0 wrote data/r meanwhile: still no event; a new watch works. */
	if (no_event(xb) != 0 || hg_xb_watch(xb, "data/r", "new") != 0 ||
		event_is(xb, WAIT_MS, "data/r", "new") != 0 ||
		g_put(a, 'N') < 0 ||
		event_is(xb, WAIT_MS, "data/r", "new") != 0) {
		return 78;
	}
	return 0;
}

/** With restart, xenstored is SIGKILLed and restarted first. */
static void reconnect(struct xsf *r, bool restart)
{
	struct garg g = {0};
	uint8_t h[16];
	uint32_t domid = xsf_make_guest(r, h);
	char path[64];

	chan_open(&g.ch);
	spawn(r, domid, h, guest_reconnects, &g);
	t_expect(&g, 'S');
	if (restart) {
		/*
		 * The watch is restored. The transaction is lost, but may be
		 * taken on again at once: a kill between a turn's replies
		 * and its req_cons makes the daemon run the guest's last
		 * request (the write in it) again.
		 */
		xsf_kill_store(r);
		xsf_start_store(r);
	} else {
		assert_usage(r, domid, "transactions", 1, 10);
	}
	assert_usage(r, domid, "watches", 1, 128);
	t_put(&g, 'g');
	t_expect(&g, 'R');
	assert_usage(r, domid, "watches", 0, 128);
	assert_usage(r, domid, "transactions", 0, 10);
	path_of(path, sizeof(path), domid, "data/r");
	assert_read(r, path, "1");
	assert_int_equal(xsc_write(r->dom0, 0, path, "2", 1), 0);
	t_put(&g, 'g');
	t_expect(&g, 'N');
	assert_int_equal(xsc_write(r->dom0, 0, path, "3", 1), 0);
	t_wait_exit(&g);
	chan_close(&g.ch);
}

static void test_reconnection_drops_watches_and_transactions(void **state)
{
	reconnect(*state, false);
}

static void test_reconnection_after_a_restart_drops_them_too(void **state)
{
	reconnect(*state, true);
}

/* ---- 5. per-domain quotas and reports ------------------------------------ */

static int guest_uses_quota(void *arg)
{
	struct garg *a = arg;
	struct hg *hg;
	struct hg_xb *xb;
	uint32_t tx, tx2;
	char *v;
	int i;

	if (guest_open(&hg, &xb) < 0) {
		return 80;
	}
	for (i = 0; i < 3; i++) {
		char path[16];

		snprintf(path, sizeof(path), "data/w%d", i);
		if (hg_xb_watch(xb, path, "t") != 0 ||
			event_is(xb, WAIT_MS, path, "t") != 0) {
			return 81;
		}
	}
	if (hg_xb_watch(xb, "data/w3", "t") != -E2BIG) {
		return 82;
	}
	if (hg_xb_write(xb, 0, "data/a", "1", 1) != 0 ||
		hg_xb_write(xb, 0, "data/b", "2", 1) != 0 ||
		hg_xb_transaction_start(xb, &tx) != 0 ||
		hg_xb_transaction_start(xb, &tx2) != -ENOSPC) {
		return 83;
	}
	/* Quotas and reports are for the privileged domain only. */
	if (hg_xb_get_domain_path(xb, hg_domid(hg), &v) != 0) {
		return 84;
	}
	free(v);
	{
		uint32_t rtype;
		size_t rlen;

		if (hg_xb_request(xb, XS_GET_QUOTA, 0, "watches", 8, &rtype, &v,
			    &rlen) != 0 ||
			rtype != XS_ERROR || strcmp(v, "EACCES") != 0) {
			return 85;
		}
		free(v);
		if (hg_xb_request(xb, XS_CONTROL, 0, "domains", 8, &rtype, &v,
			    &rlen) != 0 ||
			rtype != XS_ERROR || strcmp(v, "EACCES") != 0) {
			return 86;
		}
		free(v);
	}
	if (g_put(a, 'U') < 0 || g_get(a, 'q') < 0) {
		return 87;
	}
	return 0;
}

/** The line of CONTROL domains (all pages) about domid; caller frees. */
static char *domains_line(struct xsf *r, uint32_t domid, unsigned int *pages)
{
	char first[24], want[16], *text, *line = NULL, *at, *end;
	long long next = 0;

	*pages = 0;
	snprintf(want, sizeof(want), "%u: ", domid);
	do {
		snprintf(first, sizeof(first), "%lld", next);
		text = control(r, "domains", first);
		(*pages)++;
		for (at = text; *at; at = end + 1) {
			end = strchr(at, '\n');
			assert_non_null(end);
			if (strncmp(at, want, strlen(want)) == 0) {
				assert_null(line);
				line = strndup(at, (size_t)(end - at));
			}
		}
		next = text_value(text, "next");
		free(text);
	} while (next >= 0);
	return line;
}

/** Run the CLI with args under the daemon's socket; its stdout. */
static char *run_cli(struct xsf *r, const char *args)
{
	const char *cli = getenv("XENSTORE_CLI");
	char cmd[512], *out = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *p;

	if (cli == NULL) {
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "XENSTORED_PATH='%s' '%s' %s", r->xs->sock,
		cli, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = realloc(out, len + n + 1);
		assert_non_null(out);
		memcpy(out + len, buf, n);
		len += n;
		out[len] = '\0';
	}
	assert_int_equal(pclose(p), 0);
	return out ? out : strdup("");
}

static void test_domain_quotas_and_usage_are_reported_to_dom0(void **state)
{
	struct xsf *r = *state;
	struct garg g = {0};
	uint8_t h[16], h2[16];
	uint32_t domid = xsf_make_guest(r, h), other = xsf_make_guest(r, h2);
	char want[160], *line, *out;
	unsigned int pages;

	/* GET_QUOTA/SET_QUOTA for one domain leave the others alone. */
	assert_int_equal(get_quota(r, domid, "watches"), 128);
	set_quota(r, domid, "watches", "3");
	set_quota(r, domid, "transactions", "1");
	assert_int_equal(get_quota(r, domid, "watches"), 3);
	assert_int_equal(get_quota(r, domid, "transactions"), 1);
	assert_int_equal(get_quota(r, -1, "watches"), 128);
	assert_int_equal(get_quota(r, other, "watches"), 128);
	chan_open(&g.ch);
	spawn(r, domid, h, guest_uses_quota, &g);
	t_expect(&g, 'U');
	/* Its home, data/, data/a and data/b; 3 watches; 1 transaction. */
	assert_usage(r, domid, "nodes", 4, 1000);
	assert_usage(r, domid, "watches", 3, 3);
	assert_usage(r, domid, "transactions", 1, 1);
	line = domains_line(r, domid, &pages);
	assert_non_null(line);
	snprintf(want, sizeof(want),
		"%u: nodes=4 watches=3 transactions=1 introduced=yes "
		"ring=yes",
		domid);
	assert_string_equal(line, want);
	free(line);
	line = domains_line(r, other, &pages);
	assert_non_null(line);
	snprintf(want, sizeof(want),
		"%u: nodes=1 watches=0 transactions=0 introduced=yes "
		"ring=yes",
		other);
	assert_string_equal(line, want);
	free(line);
	line = domains_line(r, 0, &pages);
	assert_non_null(line);
	assert_non_null(strstr(line, "introduced=no ring=no"));
	free(line);
	/* The CLI: the same lines, and JSON with typed members. */
	out = run_cli(r, "stats domains");
	if (out != NULL) {
		snprintf(want, sizeof(want),
			"\n%u: nodes=4 watches=3 transactions=1 "
			"introduced=yes ring=yes\n",
			domid);
		assert_non_null(strstr(out, want));
		assert_null(strstr(out, "next:"));
		free(out);
		out = run_cli(r, "--json stats domains");
		snprintf(want, sizeof(want),
			"\"domid\": %u,\n      \"nodes\": 4,\n      "
			"\"watches\": 3,\n      \"transactions\": 1,\n      "
			"\"introduced\": true,\n      \"ring\": true\n",
			domid);
		if (strstr(out, want) == NULL) {
			fail_msg("xenstore --json stats domains:\n%s", out);
		}
		free(out);
	}
	t_put(&g, 'q');
	t_wait_exit(&g);
	chan_close(&g.ch);
}

/* ---- 6. restarts under load ---------------------------------------------- */

#define LOAD_GUESTS 100
#define LOAD_KEYS 8
/* How long the guests write between the test's steps. */
#define LOAD_STEP_US 300000

enum { REP_READY = 1, REP_DONE, REP_PINGED, REP_FAILED };

/* One guest's word to the test: atomic on a pipe (< PIPE_BUF). */
struct load_report {
	uint32_t domid, kind, last_ack, stage;
	int32_t err;
};

struct load_arg {
	int report_wr, report_rd; /* one pipe for every guest's reports */
	int stop_wr, stop_rd;     /* closed by the test: stop writing */
};

static int load_report(const struct load_arg *a, uint32_t domid, uint32_t kind,
	uint32_t last, uint32_t stage, int err)
{
	struct load_report rep = {domid, kind, last, stage, err};

	if (write(a->report_wr, &rep, sizeof(rep)) != sizeof(rep)) {
		return 99;
	}
	return kind == REP_FAILED ? 90 + (int)stage : 0;
}

/**
 * Watch /tool/ping, then write increasing counters to data/k<i % 8>
 * until the stop pipe ends; report the last acknowledged one, then wait
 * for dom0's "final" ping.
 */
static int guest_loader(void *arg)
{
	struct load_arg *a = arg;
	struct pollfd stop = {.fd = a->stop_rd, .events = POLLIN};
	uint32_t i = 0, last = 0, domid;
	char path[32], val[16], *p, *t, *v;
	struct hg *hg;
	struct hg_xb *xb;
	bool ping, final;
	int rc;

	close(a->stop_wr); /* the test's close is then an end of file */
	close(a->report_rd);
	if (guest_open(&hg, &xb) < 0) {
		return 80;
	}
	domid = hg_domid(hg);
	rc = hg_xb_watch(xb, "/tool/ping", "p");
	if (rc == 0) {
		rc = hg_xb_read_watch(xb, WAIT_MS, &p, &t);
	}
	if (rc != 0) {
		return load_report(a, domid, REP_FAILED, 0, 1, rc);
	}
	free(p);
	free(t);
	if (load_report(a, domid, REP_READY, 0, 0, 0) != 0) {
		return 81;
	}
	while (poll(&stop, 1, 0) == 0) {
		i++;
		snprintf(path, sizeof(path), "data/k%u", i % LOAD_KEYS);
		snprintf(val, sizeof(val), "%u", i);
		rc = hg_xb_write(xb, 0, path, val, strlen(val));
		if (rc != 0) {
			return load_report(a, domid, REP_FAILED, last, 2, rc);
		}
		last = i;
	}
	if (load_report(a, domid, REP_DONE, last, 0, 0) != 0) {
		return 82;
	}
	/* Events of the restarts may come first: look at the value. */
	do {
		rc = hg_xb_read_watch(xb, 30000, &p, &t);
		if (rc != 0) {
			return load_report(a, domid, REP_FAILED, last, 3, rc);
		}
		ping = strcmp(p, "/tool/ping") == 0 && strcmp(t, "p") == 0;
		free(p);
		free(t);
		if (!ping) {
			return load_report(a, domid, REP_FAILED, last, 4, 0);
		}
		rc = hg_xb_read(xb, 0, "/tool/ping", &v, NULL);
		if (rc != 0) {
			return load_report(a, domid, REP_FAILED, last, 5, rc);
		}
		final = strcmp(v, "final") == 0;
		free(v);
	} while (!final);
	return load_report(a, domid, REP_PINGED, last, 0, 0);
}

/** Collect one report of kind from each guest; store last_ack by index. */
static void load_collect(int fd, uint32_t kind, const uint32_t *domids,
	uint32_t *last, unsigned int n)
{
	struct load_report rep;
	unsigned int got = 0, i;

	while (got < n) {
		if (read_full(fd, &rep, sizeof(rep), 30000) < 0) {
			fail_msg("%u of %u guests reported (kind %u)", got, n,
				kind);
		}
		if (rep.kind == REP_FAILED) {
			fail_msg("guest dom%u failed at stage %u: %s (last "
				 "acknowledged write %u)",
				rep.domid, rep.stage, strerror(-rep.err),
				rep.last_ack);
		}
		assert_int_equal(rep.kind, kind);
		for (i = 0; i < n && domids[i] != rep.domid; i++) {
		}
		assert_true(i < n);
		if (last != NULL) {
			last[i] = rep.last_ack;
		}
		got++;
	}
}

/** The value of the guest's data/k<i>, or 0 when there is none. */
static uint32_t load_key(struct xsf *r, uint32_t domid, uint32_t i)
{
	char path[64], *v;
	uint32_t n;
	size_t len;

	snprintf(path, sizeof(path), "/local/domain/%u/data/k%u", domid, i);
	if (xsc_read(r->dom0, 0, path, &v, &len) != 0) {
		return 0;
	}
	n = (uint32_t)strtoul(v, NULL, 10);
	free(v);
	return n;
}

/** Wait until the guest's data/k0 holds more than seen. */
static void load_wait_progress(struct xsf *r, uint32_t domid, uint32_t seen)
{
	int64_t deadline = xst_now_ms() + 30000;

	while (load_key(r, domid, 0) <= seen) {
		if (xst_now_ms() > deadline) {
			fail_msg("dom%u wrote nothing after the restarts",
				domid);
		}
		usleep(1000);
	}
}

static void test_acknowledged_writes_and_watches_survive_kills_under_load(
	void **state)
{
	static uint32_t domids[LOAD_GUESTS], last[LOAD_GUESTS];
	static uint32_t seen[LOAD_GUESTS];
	static pid_t pids[LOAD_GUESTS];
	struct xsf *r = *state;
	const char *perms[1] = {"r0"};
	int rep[2], stop[2], kill_no;
	struct load_arg la;
	char path[64], val[16], want[128], *line;
	unsigned long long total = 0;
	unsigned int i, j, pages;
	uint8_t h[16];

	/* Close on exec: the restarted xenstored must not keep stop open. */
	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	assert_int_equal(pipe2(stop, O_CLOEXEC), 0);
	la = (struct load_arg){rep[1], rep[0], stop[1], stop[0]};
	assert_int_equal(xsc_write(r->dom0, 0, "/tool/ping", "0", 1), 0);
	assert_int_equal(xsc_set_perms(r->dom0, 0, "/tool/ping", perms, 1), 0);
	for (i = 0; i < LOAD_GUESTS; i++) {
		domids[i] = xsf_make_guest_pages(r, 32, h);
		pids[i] = xht_spawn_guest(
			r->f->d, domids[i], h, guest_loader, &la);
		assert_true(pids[i] > 0);
		assert_int_equal(xenif_domain_unpause(r->f->xi, domids[i]), 0);
	}
	close(rep[1]);
	close(stop[0]);
	load_collect(rep[0], REP_READY, domids, NULL, LOAD_GUESTS);
	for (kill_no = 0; kill_no < 2; kill_no++) {
		usleep(LOAD_STEP_US);
		xsf_kill_store(r);
		xsf_start_store(r);
	}
	/* Every guest goes on writing after the second restart. */
	for (i = 0; i < LOAD_GUESTS; i++) {
		seen[i] = load_key(r, domids[i], 0);
	}
	for (i = 0; i < LOAD_GUESTS; i++) {
		load_wait_progress(r, domids[i], seen[i]);
	}
	close(stop[1]);
	load_collect(rep[0], REP_DONE, domids, last, LOAD_GUESTS);
	/* Every acknowledged write is there: each key's last value. */
	for (i = 0; i < LOAD_GUESTS; i++) {
		assert_true(last[i] >= LOAD_KEYS && last[i] > seen[i]);
		total += last[i];
		for (j = last[i] - LOAD_KEYS + 1; j <= last[i]; j++) {
			snprintf(path, sizeof(path),
				"/local/domain/%u/data/k%u", domids[i],
				j % LOAD_KEYS);
			snprintf(val, sizeof(val), "%u", j);
			assert_read(r, path, val);
		}
	}
	print_message("    %u guests, %llu acknowledged writes across 2 "
		      "kills\n",
		LOAD_GUESTS, total);
	/* Every ring reattached, its watch restored, nothing left open. */
	for (i = 0; i < LOAD_GUESTS; i += 33) {
		line = domains_line(r, domids[i], &pages);
		assert_non_null(line);
		snprintf(want, sizeof(want),
			"%u: nodes=%u watches=1 transactions=0 "
			"introduced=yes ring=yes",
			domids[i], 2 + LOAD_KEYS);
		assert_string_equal(line, want);
		free(line);
	}
	assert_true(pages > 1); /* 101 domains do not fit in one reply */
	assert_int_equal(xsc_write(r->dom0, 0, "/tool/ping", "final", 5), 0);
	load_collect(rep[0], REP_PINGED, domids, NULL, LOAD_GUESTS);
	for (i = 0; i < LOAD_GUESTS; i++) {
		assert_int_equal(xht_wait_child(pids[i], WAIT_MS), 0);
	}
	close(rep[0]);
}

static int setup_many(void **state)
{
	static const char *const args[] = {"--max-domains", "200", NULL};

	return xsf_start(state, args);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_guest_watches_another_guests_node_only_where_it_may_read,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_guests_reach_each_others_nodes_only_as_permitted,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_oversized_message_header_stops_only_that_guest,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_unknown_message_types_get_error_replies_not_a_stop,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_request_flood_is_bounded_and_answered_when_the_flooder_reads,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_watch_and_node_floods_get_e2big_and_enospc,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_guest_that_never_reads_is_stopped_and_memory_stays_bounded,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_reconnection_drops_watches_and_transactions,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_reconnection_after_a_restart_drops_them_too,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_domain_quotas_and_usage_are_reported_to_dom0,
			xsf_setup, xsf_teardown),
		cmocka_unit_test_setup_teardown(
			test_acknowledged_writes_and_watches_survive_kills_under_load,
			setup_many, xsf_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
