/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of libs/hguest without a hypervisor:
 *
 *  - the xenbus client (xenbus.c) against a fake store that serves a
 *    struct xenstore_domain_interface in plain memory: READ, WRITE,
 *    DIRECTORY, permissions, transactions, watch events, ERROR replies;
 *    rings wrapped many times by messages straddling the wrap, the store
 *    consuming and producing a few bytes at a time, free-running indices
 *    crossing 2^32; a hostile store (producer index beyond the ring, an
 *    oversized reply header, the error field, replies of the wrong type or
 *    id); the reconnection handshake; a store in another thread;
 *  - the 2-level event demultiplexer (hg_evt_*) on a shared_info in plain
 *    memory, raised the way Xen raises events;
 *  - grant entries (hg_gnt_*): the fields written, and revocation refused
 *    while the grantee holds the grant.
 *
 * The fake store has its own ring code (byte by byte), not the library's.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hguest.h"
#include "hvm/hvm_op.h"
#include "hvm/params.h"
#include "sched.h"
#include "version.h"
#include "xenbus.h"
#include "xh_proto.h"

/* ---- the fake store ------------------------------------------------------ */

#define F_MAX_NODES 512
#define F_MAX_WATCHES 16
#define F_HDR sizeof(struct xsd_sockmsg)

enum fmode {
	FM_NORMAL,
	FM_JUMP,        /* the next request: rsp_prod jumps past the ring */
	FM_BIGHDR,      /* the next reply announces too long a payload */
	FM_SET_ERROR,   /* the next request: set the error field, no reply */
	FM_STALE_FIRST, /* the next reply follows one with another req_id */
	FM_WRONG_TYPE,  /* the next reply has another type */
	FM_SILENT,      /* requests are consumed and never answered */
};

struct fnode {
	bool used;
	char path[256];
	char *value;
	size_t len;
	char perms[64];
	size_t perms_len;
};

struct fwatch {
	bool used;
	char path[256];
	char token[64];
};

struct fake {
	struct xenstore_domain_interface *intf;
	char in[F_HDR + XENSTORE_PAYLOAD_MAX];
	size_t in_got;
	char *out;
	size_t out_len, out_cap;
	unsigned int max_consume; /* bytes per step, 0: all */
	unsigned int max_produce;
	uint32_t rng;
	struct fnode nodes[F_MAX_NODES];
	struct fwatch watches[F_MAX_WATCHES];
	enum fmode mode;
	bool dead; /* stopped answering (hostile modes) */
	unsigned int notifies;
	unsigned int waits;
	unsigned int requests;
	unsigned int reconnects;
	uint32_t last_tx;
	bool threaded;
	bool stop;
	pthread_t thread;
	int failures;
};

#define FCHECK(f, cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fake: %s:%d: %s\n", __FILE__,         \
				__LINE__, #cond);                              \
			(f)->failures++;                                       \
		}                                                              \
	} while (0)

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static size_t srv_read(struct fake *f, char *dst, size_t max)
{
	struct xenstore_domain_interface *in = f->intf;
	uint32_t cons = __atomic_load_n(&in->req_cons, __ATOMIC_RELAXED);
	uint32_t prod = __atomic_load_n(&in->req_prod, __ATOMIC_ACQUIRE);
	size_t n = 0;

	FCHECK(f, prod - cons <= XENSTORE_RING_SIZE);
	while (n < max && cons != prod) {
		dst[n++] = in->req[MASK_XENSTORE_IDX(cons)];
		cons++;
	}
	__atomic_store_n(&in->req_cons, cons, __ATOMIC_RELEASE);
	return n;
}

static size_t srv_write(struct fake *f, const char *src, size_t len)
{
	struct xenstore_domain_interface *in = f->intf;
	uint32_t prod = __atomic_load_n(&in->rsp_prod, __ATOMIC_RELAXED);
	uint32_t cons = __atomic_load_n(&in->rsp_cons, __ATOMIC_ACQUIRE);
	size_t n = 0;

	FCHECK(f, prod - cons <= XENSTORE_RING_SIZE);
	while (n < len && prod - cons < XENSTORE_RING_SIZE) {
		in->rsp[MASK_XENSTORE_IDX(prod)] = src[n++];
		prod++;
	}
	__atomic_store_n(&in->rsp_prod, prod, __ATOMIC_RELEASE);
	return n;
}

static void out_append(struct fake *f, const void *data, size_t len)
{
	if (len == 0) {
		return;
	}
	if (f->out_len + len > f->out_cap) {
		f->out_cap = (f->out_len + len) * 2 + 256;
		f->out = realloc(f->out, f->out_cap);
		assert_non_null(f->out);
	}
	memcpy(f->out + f->out_len, data, len);
	f->out_len += len;
}

static void send_msg(struct fake *f, uint32_t type, uint32_t req_id,
	uint32_t tx, const void *payload, size_t len)
{
	struct xsd_sockmsg h = {
		.type = type,
		.req_id = req_id,
		.tx_id = tx,
		.len = (uint32_t)len,
	};

	out_append(f, &h, sizeof(h));
	out_append(f, payload, len);
}

/** A message whose payload is two strings, each with its NUL. */
static void send_two(struct fake *f, uint32_t type, uint32_t req_id,
	uint32_t tx, const char *a, const char *b)
{
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	struct xsd_sockmsg h = {
		.type = type,
		.req_id = req_id,
		.tx_id = tx,
		.len = (uint32_t)(la + lb),
	};

	out_append(f, &h, sizeof(h));
	out_append(f, a, la);
	out_append(f, b, lb);
}

/** Copy a string that must fit. */
static void copy_str(struct fake *f, char *dst, size_t size, const char *src)
{
	size_t l = strlen(src);

	FCHECK(f, l < size);
	if (l >= size) {
		l = size - 1;
	}
	memcpy(dst, src, l);
	dst[l] = '\0';
}

static void send_error(
	struct fake *f, const struct xsd_sockmsg *h, const char *name)
{
	send_msg(f, XS_ERROR, h->req_id, h->tx_id, name, strlen(name) + 1);
}

static void send_ok(struct fake *f, const struct xsd_sockmsg *h)
{
	send_msg(f, h->type, h->req_id, h->tx_id, "OK", 3);
}

static struct fnode *node_find(struct fake *f, const char *path)
{
	unsigned int i;

	for (i = 0; i < F_MAX_NODES; i++) {
		if (f->nodes[i].used && strcmp(f->nodes[i].path, path) == 0) {
			return &f->nodes[i];
		}
	}
	return NULL;
}

static struct fnode *node_get(struct fake *f, const char *path)
{
	struct fnode *n = node_find(f, path);
	unsigned int i;

	if (n != NULL) {
		return n;
	}
	for (i = 0; i < F_MAX_NODES; i++) {
		if (!f->nodes[i].used) {
			n = &f->nodes[i];
			memset(n, 0, sizeof(*n));
			n->used = true;
			copy_str(f, n->path, sizeof(n->path), path);
			memcpy(n->perms, "n0", 3);
			n->perms_len = 3;
			return n;
		}
	}
	FCHECK(f, !"node table full");
	return NULL;
}

/** path is below (or is) base. */
static bool is_below(const char *path, const char *base)
{
	size_t l = strlen(base);

	return strncmp(path, base, l) == 0 &&
	       (path[l] == '\0' || path[l] == '/');
}

static void fire_watches(struct fake *f, const char *path)
{
	unsigned int i;

	for (i = 0; i < F_MAX_WATCHES; i++) {
		if (f->watches[i].used && is_below(path, f->watches[i].path)) {
			send_two(f, XS_WATCH_EVENT, 0, 0, path,
				f->watches[i].token);
		}
	}
}

/** The strings of a payload: the first two, NUL-terminated in place. */
static const char *second_str(char *p, size_t len)
{
	size_t l = strnlen(p, len);

	return l + 1 < len ? p + l + 1 : NULL;
}

static void handle_directory(
	struct fake *f, const struct xsd_sockmsg *h, const char *path)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t pl = strlen(path), off = 0, nl;
	unsigned int i;
	const char *rest;
	bool found = node_find(f, path) != NULL;

	for (i = 0; i < F_MAX_NODES; i++) {
		if (!f->nodes[i].used ||
			strncmp(f->nodes[i].path, path, pl) != 0 ||
			f->nodes[i].path[pl] != '/') {
			continue;
		}
		rest = f->nodes[i].path + pl + 1;
		if (strchr(rest, '/') != NULL) {
			continue;
		}
		nl = strlen(rest) + 1;
		FCHECK(f, off + nl <= sizeof(buf));
		memcpy(buf + off, rest, nl);
		off += nl;
		found = true;
	}
	if (!found) {
		send_error(f, h, "ENOENT");
		return;
	}
	send_msg(f, h->type, h->req_id, h->tx_id, buf, off);
}

static void handle(struct fake *f, const struct xsd_sockmsg *h, char *p)
{
	char path[XENSTORE_PAYLOAD_MAX + 1];
	struct fnode *n;
	const char *s2;
	char buf[32];
	size_t plen, vlen;
	unsigned int i;

	f->requests++;
	f->last_tx = h->tx_id;
	memcpy(path, p, h->len);
	path[h->len] = '\0';
	plen = strnlen(p, h->len);
	switch (f->mode) {
	case FM_JUMP:
		__atomic_store_n(&f->intf->rsp_prod,
			f->intf->rsp_cons + XENSTORE_RING_SIZE + 1,
			__ATOMIC_RELEASE);
		f->dead = true;
		return;
	case FM_BIGHDR:
		send_msg(f, h->type, h->req_id, h->tx_id, "xx", 2);
		memcpy(f->out + f->out_len - 2 - F_HDR +
				offsetof(struct xsd_sockmsg, len),
			&(uint32_t){XENSTORE_PAYLOAD_MAX + 1}, 4);
		f->mode = FM_NORMAL;
		return;
	case FM_SET_ERROR:
		__atomic_store_n(&f->intf->error, XENSTORE_ERROR_PROTO,
			__ATOMIC_RELEASE);
		f->dead = true;
		return;
	case FM_SILENT:
		return;
	case FM_STALE_FIRST:
		send_msg(f, h->type, h->req_id - 1, h->tx_id, "stale", 5);
		f->mode = FM_NORMAL;
		break;
	case FM_WRONG_TYPE:
		send_msg(f, XS_DIRECTORY, h->req_id, h->tx_id, "a", 2);
		f->mode = FM_NORMAL;
		return;
	default:
		break;
	}
	if (strncmp(path, "/error/", 7) == 0) {
		send_error(f, h, path + 7);
		return;
	}
	switch (h->type) {
	case XS_READ:
		n = node_find(f, path);
		if (n == NULL) {
			send_error(f, h, "ENOENT");
		} else {
			send_msg(f, h->type, h->req_id, h->tx_id, n->value,
				n->len);
		}
		break;
	case XS_WRITE:
		FCHECK(f, plen < h->len);
		vlen = h->len - plen - 1;
		n = node_get(f, path);
		free(n->value);
		n->value = malloc(vlen + 1);
		memcpy(n->value, p + plen + 1, vlen);
		n->len = vlen;
		/* The event goes out before the reply. */
		fire_watches(f, path);
		send_ok(f, h);
		break;
	case XS_MKDIR:
		if (node_find(f, path) == NULL) {
			node_get(f, path);
			fire_watches(f, path);
		}
		send_ok(f, h);
		break;
	case XS_RM:
		if (node_find(f, path) == NULL) {
			send_error(f, h, "ENOENT");
			break;
		}
		for (i = 0; i < F_MAX_NODES; i++) {
			if (f->nodes[i].used &&
				is_below(f->nodes[i].path, path)) {
				free(f->nodes[i].value);
				f->nodes[i].value = NULL;
				f->nodes[i].used = false;
			}
		}
		fire_watches(f, path);
		send_ok(f, h);
		break;
	case XS_DIRECTORY:
		handle_directory(f, h, path);
		break;
	case XS_GET_PERMS:
		n = node_find(f, path);
		if (n == NULL) {
			send_error(f, h, "ENOENT");
		} else {
			send_msg(f, h->type, h->req_id, h->tx_id, n->perms,
				n->perms_len);
		}
		break;
	case XS_SET_PERMS:
		n = node_find(f, path);
		if (n == NULL) {
			send_error(f, h, "ENOENT");
			break;
		}
		vlen = h->len - plen - 1;
		FCHECK(f, vlen <= sizeof(n->perms));
		memcpy(n->perms, p + plen + 1, vlen);
		n->perms_len = vlen;
		send_ok(f, h);
		break;
	case XS_WATCH:
	case XS_UNWATCH:
		s2 = second_str(p, h->len);
		FCHECK(f, s2 != NULL);
		if (s2 == NULL) {
			send_error(f, h, "EINVAL");
			break;
		}
		for (i = 0; i < F_MAX_WATCHES; i++) {
			if (h->type == XS_WATCH && !f->watches[i].used) {
				f->watches[i].used = true;
				copy_str(f, f->watches[i].path,
					sizeof(f->watches[i].path), path);
				copy_str(f, f->watches[i].token,
					sizeof(f->watches[i].token), s2);
				break;
			}
			if (h->type == XS_UNWATCH && f->watches[i].used &&
				strcmp(f->watches[i].path, path) == 0 &&
				strcmp(f->watches[i].token, s2) == 0) {
				f->watches[i].used = false;
				break;
			}
		}
		if (i == F_MAX_WATCHES) {
			send_error(f, h, "ENOENT");
			break;
		}
		send_ok(f, h);
		if (h->type == XS_WATCH) {
			/* A new watch fires at once, as xenstored does. */
			send_two(f, XS_WATCH_EVENT, 0, 0, path, s2);
		}
		break;
	case XS_TRANSACTION_START:
		FCHECK(f, h->len == 1 && p[0] == '\0');
		send_msg(f, h->type, h->req_id, h->tx_id, "7", 2);
		break;
	case XS_TRANSACTION_END:
		FCHECK(f, h->len == 2 && (p[0] == 'T' || p[0] == 'F'));
		if (h->tx_id == 8) {
			send_error(f, h, "EAGAIN");
		} else {
			send_ok(f, h);
		}
		break;
	case XS_GET_DOMAIN_PATH:
		FCHECK(f, strlen(path) < 16);
		memcpy(buf, "/local/domain/", 14);
		copy_str(f, buf + 14, 16, path);
		send_msg(f, h->type, h->req_id, h->tx_id, buf, strlen(buf) + 1);
		break;
	default:
		send_error(f, h, "EINVAL");
		break;
	}
}

/** The ring reconnection, seen from the store. */
static void fake_reconnect(struct fake *f)
{
	struct xenstore_domain_interface *in = f->intf;
	unsigned int i;

	f->in_got = 0;
	f->out_len = 0;
	for (i = 0; i < F_MAX_WATCHES; i++) {
		f->watches[i].used = false;
	}
	/* Empty queues, at indices of the store's choosing. */
	in->req_cons = in->req_prod = 0x1234;
	in->rsp_cons = in->rsp_prod = 0xfffffff0u;
	in->error = XENSTORE_ERROR_NONE;
	f->dead = false;
	f->mode = FM_NORMAL;
	f->reconnects++;
	__atomic_store_n(&in->connection, XENSTORE_CONNECTED, __ATOMIC_SEQ_CST);
}

/** One turn of the store; true when it did anything. */
static bool fake_step(struct fake *f)
{
	struct xsd_sockmsg h;
	size_t limit, n, m, total;
	bool progress = false;

	if (__atomic_load_n(&f->intf->connection, __ATOMIC_ACQUIRE) ==
		XENSTORE_RECONNECT) {
		fake_reconnect(f);
		return true;
	}
	if (f->dead || f->intf->error != XENSTORE_ERROR_NONE) {
		return false;
	}
	limit = f->max_consume != 0 ? 1 + rnd(&f->rng) % f->max_consume
				    : sizeof(f->in);
	if (limit > sizeof(f->in) - f->in_got) {
		limit = sizeof(f->in) - f->in_got;
	}
	n = srv_read(f, f->in + f->in_got, limit);
	progress = n > 0;
	f->in_got += n;
	while (f->in_got >= F_HDR && !f->dead) {
		memcpy(&h, f->in, F_HDR);
		if (h.len > XENSTORE_PAYLOAD_MAX) {
			FCHECK(f, !"request too long");
			f->dead = true;
			break;
		}
		total = F_HDR + h.len;
		if (f->in_got < total) {
			break;
		}
		handle(f, &h, f->in + F_HDR);
		memmove(f->in, f->in + total, f->in_got - total);
		f->in_got -= total;
	}
	if (f->dead) {
		return true;
	}
	limit = f->max_produce != 0 ? 1 + rnd(&f->rng) % f->max_produce
				    : f->out_len;
	if (limit > f->out_len) {
		limit = f->out_len;
	}
	m = srv_write(f, f->out, limit);
	if (m > 0) {
		memmove(f->out, f->out + m, f->out_len - m);
		f->out_len -= m;
	}
	return progress || m > 0;
}

static int t_notify(void *arg)
{
	struct fake *f = arg;

	f->notifies++;
	return 0;
}

/*
 * In the test's thread the store runs when the client waits; a store that
 * cannot move would never signal, so that is a timeout at once.
 */
static int t_wait(void *arg, int timeout_ms)
{
	struct fake *f = arg;

	f->waits++;
	if (f->threaded) {
		sched_yield();
		return 0;
	}
	if (!fake_step(f)) {
		return -ETIMEDOUT;
	}
	return 0;
}

static const struct hg_xb_transport t_fake = {
	.notify = t_notify,
	.wait = t_wait,
};

struct ctx {
	struct fake *f;
	void *page;
	struct hg_xb *xb;
};

static struct ctx *ctx_new(
	uint32_t req_idx, uint32_t rsp_idx, uint32_t features)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->page = aligned_alloc(4096, 4096);
	assert_non_null(c->page);
	memset(c->page, 0xa5, 4096); /* no assumption about unused bytes */
	c->f = calloc(1, sizeof(*c->f));
	assert_non_null(c->f);
	c->f->intf = c->page;
	c->f->rng = 0x12345678u;
	c->f->intf->req_cons = c->f->intf->req_prod = req_idx;
	c->f->intf->rsp_cons = c->f->intf->rsp_prod = rsp_idx;
	c->f->intf->server_features = features;
	c->f->intf->connection = XENSTORE_CONNECTED;
	c->f->intf->error = XENSTORE_ERROR_NONE;
	c->f->intf->evtchn_port = 0;
	return c;
}

static void ctx_open(struct ctx *c)
{
	c->xb = hg_xb_new(c->f->intf, &t_fake, c->f);
	assert_non_null(c->xb);
}

static void ctx_free(struct ctx *c)
{
	unsigned int i;

	hg_xb_close(c->xb);
	assert_int_equal(c->f->failures, 0);
	for (i = 0; i < F_MAX_NODES; i++) {
		free(c->f->nodes[i].value);
	}
	free(c->f->out);
	free(c->f);
	free(c->page);
	free(c);
}

static int setup(void **state)
{
	struct ctx *c = ctx_new(0, 0,
		XENSTORE_SERVER_FEATURE_RECONNECTION |
			XENSTORE_SERVER_FEATURE_ERROR);

	ctx_open(c);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	ctx_free(*state);
	return 0;
}

static void check_value(
	struct hg_xb *xb, const char *path, const void *want, size_t want_len)
{
	char *v = NULL;
	size_t len = 0;

	assert_int_equal(hg_xb_read(xb, 0, path, &v, &len), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(v, want, want_len);
	assert_int_equal(v[len], '\0');
	free(v);
}

/* ---- xenbus: operations -------------------------------------------------- */

static void test_read_write_mkdir_rm(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	char *v = NULL;

	assert_int_equal(hg_xb_write(xb, 0, "/t/a", "hello", 5), 0);
	check_value(xb, "/t/a", "hello", 5);
	assert_int_equal(hg_xb_write(xb, 0, "/t/empty", NULL, 0), 0);
	check_value(xb, "/t/empty", "", 0);
	assert_int_equal(hg_xb_mkdir(xb, 0, "/t/dir"), 0);
	check_value(xb, "/t/dir", "", 0);
	assert_int_equal(hg_xb_rm(xb, 0, "/t/a"), 0);
	assert_int_equal(hg_xb_read(xb, 0, "/t/a", &v, NULL), -ENOENT);
	assert_null(v);
	assert_int_equal(hg_xb_rm(xb, 0, "/t/a"), -ENOENT);
	/* Each request was followed by a notification. */
	assert_true(c->f->notifies >= 2 * c->f->requests);
}

static void test_directory_and_perms(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	const char *perms[] = {"b1", "r0", "w3"};
	unsigned int count = 99;
	char **names = NULL;

	assert_int_equal(hg_xb_write(xb, 0, "/d/one", "1", 1), 0);
	assert_int_equal(hg_xb_write(xb, 0, "/d/two", "2", 1), 0);
	assert_int_equal(hg_xb_write(xb, 0, "/d/two/deeper", "x", 1), 0);
	assert_int_equal(hg_xb_mkdir(xb, 0, "/d/three"), 0);
	assert_int_equal(hg_xb_directory(xb, 0, "/d", &names, &count), 0);
	assert_int_equal(count, 3);
	assert_string_equal(names[0], "one");
	assert_string_equal(names[1], "two");
	assert_string_equal(names[2], "three");
	assert_null(names[3]);
	free(names);
	assert_int_equal(hg_xb_directory(xb, 0, "/d/one", &names, &count), 0);
	assert_int_equal(count, 0);
	assert_null(names[0]);
	free(names);
	assert_int_equal(
		hg_xb_directory(xb, 0, "/nothere", &names, &count), -ENOENT);
	assert_null(names);

	assert_int_equal(hg_xb_get_perms(xb, 0, "/d/one", &names, &count), 0);
	assert_int_equal(count, 1);
	assert_string_equal(names[0], "n0");
	free(names);
	assert_int_equal(hg_xb_set_perms(xb, 0, "/d/one", perms, 3), 0);
	assert_int_equal(hg_xb_get_perms(xb, 0, "/d/one", &names, &count), 0);
	assert_int_equal(count, 3);
	assert_string_equal(names[0], "b1");
	assert_string_equal(names[1], "r0");
	assert_string_equal(names[2], "w3");
	free(names);
	assert_int_equal(hg_xb_set_perms(xb, 0, "/nothere", perms, 3), -ENOENT);
}

static void test_transactions_and_domain_path(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	uint32_t tx = 0;
	char *path = NULL;

	assert_int_equal(hg_xb_transaction_start(xb, &tx), 0);
	assert_int_equal(tx, 7);
	assert_int_equal(hg_xb_write(xb, tx, "/tx/a", "v", 1), 0);
	assert_int_equal(c->f->last_tx, 7);
	assert_int_equal(hg_xb_transaction_end(xb, tx, true), 0);
	assert_int_equal(hg_xb_transaction_end(xb, 8, true), -EAGAIN);
	assert_int_equal(hg_xb_transaction_end(xb, 9, false), 0);
	assert_int_equal(hg_xb_get_domain_path(xb, 42, &path), 0);
	assert_string_equal(path, "/local/domain/42");
	free(path);
}

static void test_error_replies(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	char *v;

	assert_int_equal(hg_xb_read(xb, 0, "/error/EACCES", &v, NULL), -EACCES);
	assert_int_equal(hg_xb_read(xb, 0, "/error/EEXIST", &v, NULL), -EEXIST);
	assert_int_equal(hg_xb_read(xb, 0, "/error/E2BIG", &v, NULL), -E2BIG);
	assert_int_equal(hg_xb_read(xb, 0, "/error/EPERM", &v, NULL), -EPERM);
	assert_int_equal(hg_xb_read(xb, 0, "/error/EQUOTA", &v, NULL), -EIO);
	assert_int_equal(hg_xb_write(xb, 0, "/error/ENOSPC", "x", 1), -ENOSPC);
	assert_int_equal(hg_xb_error_from_name("EISCONN"), -EISCONN);
	assert_int_equal(hg_xb_error_from_name("ENOTEMPTY"), -ENOTEMPTY);
	assert_int_equal(hg_xb_error_from_name(""), -EIO);
	/* The connection still works. */
	assert_int_equal(hg_xb_write(xb, 0, "/ok", "1", 1), 0);
	check_value(xb, "/ok", "1", 1);
}

static void test_payload_limit_checked_before_sending(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	static char big[XENSTORE_PAYLOAD_MAX + 1];
	uint32_t prod;
	unsigned int notifies;
	char *v = NULL;
	size_t len;

	memset(big, 'v', sizeof(big));
	/* "/big\0" + value: exactly the limit, then one byte more. */
	assert_int_equal(
		hg_xb_write(xb, 0, "/big", big, XENSTORE_PAYLOAD_MAX - 5), 0);
	assert_int_equal(hg_xb_read(xb, 0, "/big", &v, &len), 0);
	assert_int_equal(len, XENSTORE_PAYLOAD_MAX - 5);
	free(v);
	prod = c->f->intf->req_prod;
	notifies = c->f->notifies;
	assert_int_equal(
		hg_xb_write(xb, 0, "/big", big, XENSTORE_PAYLOAD_MAX - 4),
		-E2BIG);
	big[XENSTORE_PAYLOAD_MAX] = '\0';
	assert_int_equal(hg_xb_read(xb, 0, big, &v, NULL), -E2BIG);
	assert_int_equal(c->f->intf->req_prod, prod);
	assert_int_equal(c->f->notifies, notifies);
	check_value(xb, "/big", big, XENSTORE_PAYLOAD_MAX - 5);
}

/* ---- xenbus: the rings --------------------------------------------------- */

/**
 * Many messages of many sizes through both rings, a few bytes a turn; the
 * number of request bytes that went through.
 */
static uint64_t run_wrap(struct ctx *c, unsigned int rounds, uint32_t seed)
{
	struct hg_xb *xb = c->xb;
	uint32_t req0 = c->f->intf->req_prod;
	uint32_t rsp0 = c->f->intf->rsp_prod;
	uint64_t req_bytes = 0, rsp_bytes = 0;
	static char val[XENSTORE_PAYLOAD_MAX];
	char path[32];
	size_t len;
	unsigned int i, j;
	uint32_t s = seed;

	for (i = 0; i < rounds; i++) {
		len = rnd(&s) % 3000;
		if (i % 7 == 0) {
			/* Straddle: a message just over the ring size. */
			len = XENSTORE_RING_SIZE - F_HDR - 5 + (i % 13);
		}
		for (j = 0; j < len; j++) {
			val[j] = (char)('a' + (i + j) % 26);
		}
		snprintf(path, sizeof(path), "/w/%u", i % 5);
		c->f->max_consume = 1 + rnd(&s) % 300;
		c->f->max_produce = 1 + rnd(&s) % 300;
		assert_int_equal(hg_xb_write(xb, 0, path, val, len), 0);
		req_bytes += F_HDR + strlen(path) + 1 + len;
		rsp_bytes += F_HDR + 3;
		check_value(xb, path, val, len);
		req_bytes += F_HDR + strlen(path) + 1;
		rsp_bytes += F_HDR + len;
	}
	/* Exactly the messages went through: the framing held. */
	assert_int_equal(
		(uint32_t)(c->f->intf->req_prod - req0), (uint32_t)req_bytes);
	assert_int_equal(
		(uint32_t)(c->f->intf->rsp_cons - rsp0), (uint32_t)rsp_bytes);
	assert_int_equal(c->f->intf->req_cons, c->f->intf->req_prod);
	assert_int_equal(c->f->intf->rsp_cons, c->f->intf->rsp_prod);
	return req_bytes;
}

static void test_wrap_many_times(void **state)
{
	assert_true(
		run_wrap(*state, 300, 0xdecafbad) > 200 * XENSTORE_RING_SIZE);
}

static void test_wrap_across_index_overflow(void **state)
{
	/* Indices cross 2^32 almost at once; a header straddles the wrap. */
	struct ctx *c = ctx_new(0xffffffffu - 7, 0xffffffffu - 3, 0);

	ctx_open(c);
	assert_true(run_wrap(c, 200, 0x5eed) > 100 * XENSTORE_RING_SIZE);
	ctx_free(c);
}

static void test_ring_core_limits(void **state)
{
	struct ctx *c = *state;
	struct xenstore_domain_interface *in = c->f->intf;
	char buf[3000], out[3000];
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (char)i;
	}
	in->req_cons = in->req_prod = 1000;
	/* Only the free space is taken, wrapping around. */
	assert_int_equal(
		hg_xs_ring_write(in, buf, sizeof(buf)), XENSTORE_RING_SIZE);
	assert_int_equal(in->req_prod, 1000 + XENSTORE_RING_SIZE);
	assert_int_equal(hg_xs_ring_write(in, buf, 1), 0);
	assert_memory_equal(in->req + 1000, buf, 24);
	assert_memory_equal(in->req, buf + 24, XENSTORE_RING_SIZE - 24);
	in->req_cons += 10;
	assert_int_equal(hg_xs_ring_write(in, buf, sizeof(buf)), 10);
	/* A consumer ahead of the producer, or too far behind. */
	in->req_cons = in->req_prod + 1;
	assert_int_equal(hg_xs_ring_write(in, buf, 1), -EIO);
	in->req_cons = in->req_prod - XENSTORE_RING_SIZE - 1;
	assert_int_equal(hg_xs_ring_write(in, buf, 1), -EIO);

	in->rsp_cons = 0xfffffff0u;
	in->rsp_prod = 0xfffffff0u + 40;
	memcpy(in->rsp + 1024 - 16, "0123456789abcdef", 16);
	memcpy(in->rsp, "ghijklmnopqrstuvwxyz0123", 24);
	assert_int_equal(hg_xs_ring_read(in, out, 30), 30);
	assert_memory_equal(out, "0123456789abcdefghijklmnopqrst", 30);
	assert_int_equal(hg_xs_ring_read(in, out, 30), 10);
	assert_int_equal(in->rsp_cons, 0xfffffff0u + 40);
	assert_int_equal(hg_xs_ring_read(in, out, 30), 0);
	in->rsp_prod = in->rsp_cons + XENSTORE_RING_SIZE + 1;
	assert_int_equal(hg_xs_ring_read(in, out, 30), -EIO);
	in->rsp_prod = in->rsp_cons - 1;
	assert_int_equal(hg_xs_ring_read(in, out, 30), -EIO);
	in->rsp_prod = in->rsp_cons + XENSTORE_RING_SIZE;
	assert_int_equal(
		hg_xs_ring_read(in, out, sizeof(out)), XENSTORE_RING_SIZE);
}

/* ---- xenbus: watches ----------------------------------------------------- */

static void expect_event(struct hg_xb *xb, const char *path, const char *token)
{
	char *p = NULL, *t = NULL;

	assert_int_equal(hg_xb_read_watch(xb, 0, &p, &t), 0);
	assert_string_equal(p, path);
	assert_string_equal(t, token);
	free(p);
	free(t);
}

static void test_watch_events(void **state)
{
	struct ctx *c = *state;
	struct hg_xb *xb = c->xb;
	char *p = NULL, *t = NULL;
	char path[32];
	unsigned int i;

	assert_int_equal(hg_xb_watch(xb, "/wa", "tok1"), 0);
	assert_int_equal(hg_xb_watch(xb, "/wa/x", "tok2"), 0);
	/* Their first events may still be in the ring: read_watch pumps. */
	expect_event(xb, "/wa", "tok1");
	expect_event(xb, "/wa/x", "tok2");
	assert_int_equal(hg_xb_read_watch(xb, 0, &p, &t), -ETIMEDOUT);
	assert_null(p);

	/* Events come before the replies and are queued in order. */
	c->f->max_consume = 37;
	c->f->max_produce = 11;
	for (i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/wa/%s%u", i % 2 ? "x/" : "", i);
		assert_int_equal(hg_xb_write(xb, 0, path, "v", 1), 0);
	}
	for (i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/wa/%s%u", i % 2 ? "x/" : "", i);
		expect_event(xb, path, "tok1");
		if (i % 2) {
			expect_event(xb, path, "tok2");
		}
	}
	assert_int_equal(hg_xb_read_watch(xb, 0, &p, &t), -ETIMEDOUT);
	assert_int_equal(hg_xb_unwatch(xb, "/wa", "tok1"), 0);
	assert_int_equal(hg_xb_unwatch(xb, "/wa", "tok1"), -ENOENT);
	assert_int_equal(hg_xb_write(xb, 0, "/wa/x", "v", 1), 0);
	expect_event(xb, "/wa/x", "tok2");
	/* A timed wait with nothing coming. */
	assert_int_equal(hg_xb_read_watch(xb, 50, &p, &t), -ETIMEDOUT);
	assert_int_equal(hg_xb_dropped_events(xb), 0);
}

static void test_watch_event_malformed(void **state)
{
	struct ctx *c = *state;
	char *p, *t;

	/* A WATCH_EVENT without even a path terminator. */
	send_msg(c->f, XS_WATCH_EVENT, 0, 0, "nonul", 5);
	assert_int_equal(hg_xb_read_watch(c->xb, 10, &p, &t), -EIO);
}

/* ---- xenbus: a hostile or failing store ---------------------------------- */

static void test_stale_reply_dropped(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(hg_xb_write(c->xb, 0, "/s", "good", 4), 0);
	c->f->mode = FM_STALE_FIRST;
	check_value(c->xb, "/s", "good", 4);
}

static void test_reply_of_wrong_type(void **state)
{
	struct ctx *c = *state;
	char *v;

	c->f->mode = FM_WRONG_TYPE;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
}

static void test_rsp_prod_beyond_ring(void **state)
{
	struct ctx *c = *state;
	char *v;

	c->f->mode = FM_JUMP;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
	/* And every call after it. */
	assert_int_equal(hg_xb_write(c->xb, 0, "/x", "1", 1), -EIO);
}

static void test_oversized_reply_header(void **state)
{
	struct ctx *c = *state;
	char *v;

	c->f->mode = FM_BIGHDR;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
}

static void test_error_field(void **state)
{
	struct ctx *c = *state;
	uint32_t prod = c->f->intf->req_prod;
	char *v;

	c->f->intf->error = XENSTORE_ERROR_RINGIDX;
	assert_int_equal(hg_xb_write(c->xb, 0, "/x", "1", 1), -EIO);
	assert_int_equal(c->f->intf->req_prod, prod); /* nothing sent */
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
}

static void test_error_field_set_while_waiting(void **state)
{
	struct ctx *c = *state;
	char *v;

	c->f->mode = FM_SET_ERROR;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -EIO);
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), -EIO);
}

static void test_bad_req_cons(void **state)
{
	struct ctx *c = *state;

	c->f->intf->req_cons = c->f->intf->req_prod + 100;
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), -EIO);
}

static void test_timeout(void **state)
{
	struct ctx *c = *state;
	char *v;

	hg_xb_set_timeout(c->xb, 100);
	c->f->mode = FM_SILENT;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -ETIMEDOUT);
	/* The request had gone out whole: the connection is still good. */
	c->f->mode = FM_NORMAL;
	assert_int_equal(hg_xb_write(c->xb, 0, "/x", "1", 1), 0);
	check_value(c->xb, "/x", "1", 1);
}

/* ---- xenbus: reconnection ------------------------------------------------ */

static void test_reconnect(void **state)
{
	struct ctx *c = *state;
	char *p, *t;
	unsigned int notifies;

	assert_int_equal(hg_xb_watch(c->xb, "/r", "t"), 0);
	assert_int_equal(hg_xb_write(c->xb, 0, "/r/a", "1", 1), 0);
	notifies = c->f->notifies;
	assert_int_equal(hg_xb_reconnect(c->xb), 0);
	assert_int_equal(c->f->reconnects, 1);
	assert_int_equal(c->f->intf->connection, XENSTORE_CONNECTED);
	assert_true(c->f->notifies > notifies);
	/* The watches went with the old connection, and their events. */
	assert_int_equal(hg_xb_read_watch(c->xb, 0, &p, &t), -ETIMEDOUT);
	/* New indices of the store's choosing work. */
	assert_int_equal(c->f->intf->rsp_prod, 0xfffffff0u);
	check_value(c->xb, "/r/a", "1", 1);
	run_wrap(c, 20, 77);
}

static void test_reconnect_after_error(void **state)
{
	struct ctx *c = *state;

	c->f->intf->error = XENSTORE_ERROR_PROTO;
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), -EIO);
	assert_int_equal(hg_xb_reconnect(c->xb), 0);
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), 0);
	c->f->mode = FM_JUMP;
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/y"), -EIO);
	assert_int_equal(hg_xb_reconnect(c->xb), 0);
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/y"), 0);
}

static void test_reconnect_unsupported(void **state)
{
	struct ctx *c = ctx_new(5, 5, XENSTORE_SERVER_FEATURE_ERROR);

	ctx_open(c);
	assert_int_equal(hg_xb_reconnect(c->xb), -EOPNOTSUPP);
	assert_int_equal(c->f->intf->connection, XENSTORE_CONNECTED);
	assert_int_equal(c->f->reconnects, 0);
	ctx_free(c);
}

static void test_open_waits_for_reconnection(void **state)
{
	struct ctx *c = ctx_new(5, 5, XENSTORE_SERVER_FEATURE_RECONNECTION);

	/* Someone else asked for a reconnection before we started. */
	c->f->intf->connection = XENSTORE_RECONNECT;
	ctx_open(c);
	assert_int_equal(c->f->intf->connection, XENSTORE_CONNECTED);
	assert_int_equal(c->f->reconnects, 1);
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), 0);
	hg_xb_close(c->xb);
	c->xb = NULL;

	/* Without the feature the field means nothing. */
	c->f->intf->server_features = 0;
	c->f->intf->connection = XENSTORE_RECONNECT;
	ctx_open(c);
	assert_int_equal(c->f->reconnects, 1);
	ctx_free(c);
}

static void test_reconnection_by_someone_else(void **state)
{
	struct ctx *c = *state;
	char *v;

	c->f->intf->connection = XENSTORE_RECONNECT;
	assert_int_equal(hg_xb_read(c->xb, 0, "/x", &v, NULL), -ECONNRESET);
	assert_int_equal(c->f->reconnects, 1);
	assert_int_equal(hg_xb_mkdir(c->xb, 0, "/x"), 0);
}

/* ---- xenbus: a store in another thread ----------------------------------- */

static void *fake_thread(void *arg)
{
	struct fake *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		if (!fake_step(f)) {
			sched_yield();
		}
	}
	return NULL;
}

static void test_threaded_store(void **state)
{
	struct ctx *c = ctx_new(0xfffff000u, 0x7ffffff0u, 0);
	static char val[3000];
	char path[32];
	unsigned int i, j;
	size_t len;

	c->f->threaded = true;
	c->f->max_consume = 97;
	c->f->max_produce = 61;
	ctx_open(c);
	assert_int_equal(
		pthread_create(&c->f->thread, NULL, fake_thread, c->f), 0);
	for (i = 0; i < 400; i++) {
		len = (i * 37) % sizeof(val);
		for (j = 0; j < len; j++) {
			val[j] = (char)(i + j);
		}
		snprintf(path, sizeof(path), "/th/%u", i % 3);
		assert_int_equal(hg_xb_write(c->xb, 0, path, val, len), 0);
		check_value(c->xb, path, val, len);
	}
	__atomic_store_n(&c->f->stop, true, __ATOMIC_RELEASE);
	pthread_join(c->f->thread, NULL);
	ctx_free(c);
}

/* ---- events -------------------------------------------------------------- */

#define WBITS (sizeof(xen_ulong_t) * 8)

/**
 * Raise port as Xen's evtchn_set_pending does; true when the upcall flag
 * went from 0 to 1 (Xen kicks the vCPU then).
 */
static bool xen_raise(struct shared_info *s, evtchn_port_t port)
{
	struct vcpu_info *vi = &s->vcpu_info[0];
	xen_ulong_t bit = (xen_ulong_t)1 << (port % WBITS);
	xen_ulong_t wbit = (xen_ulong_t)1 << (port / WBITS);

	if (__atomic_fetch_or(
		    &s->evtchn_pending[port / WBITS], bit, __ATOMIC_SEQ_CST) &
		bit) {
		return false;
	}
	if (!(__atomic_load_n(&s->evtchn_mask[port / WBITS], __ATOMIC_SEQ_CST) &
		    bit) &&
		!(__atomic_fetch_or(
			  &vi->evtchn_pending_sel, wbit, __ATOMIC_SEQ_CST) &
			wbit)) {
		return __atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
			       __ATOMIC_SEQ_CST) == 0;
	}
	return false;
}

/** Xen's EVTCHNOP_unmask; true when the vCPU must be kicked. */
static bool xen_unmask(struct shared_info *s, evtchn_port_t port)
{
	struct vcpu_info *vi = &s->vcpu_info[0];
	xen_ulong_t bit = (xen_ulong_t)1 << (port % WBITS);
	xen_ulong_t wbit = (xen_ulong_t)1 << (port / WBITS);
	xen_ulong_t old;

	old = __atomic_fetch_and(
		&s->evtchn_mask[port / WBITS], ~bit, __ATOMIC_SEQ_CST);
	if ((old & bit) &&
		(__atomic_load_n(
			 &s->evtchn_pending[port / WBITS], __ATOMIC_SEQ_CST) &
			bit) &&
		!(__atomic_fetch_or(
			  &vi->evtchn_pending_sel, wbit, __ATOMIC_SEQ_CST) &
			wbit)) {
		return __atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
			       __ATOMIC_SEQ_CST) == 0;
	}
	return false;
}

static bool is_pending(struct shared_info *s, evtchn_port_t port)
{
	return (s->evtchn_pending[port / WBITS] >> (port % WBITS)) & 1;
}

static void test_evt_ports_in_several_words(void **state)
{
	struct shared_info *s = calloc(1, sizeof(*s));
	static const evtchn_port_t ports[] = {
		3, 63, 64 + 5, 128 + 63, 20 * 64, 4095};
	struct hg_evt e;
	unsigned int i;

	hg_evt_init(&e, s, 0);
	assert_int_equal(hg_evt_next(&e), 0);
	for (i = 0; i < 6; i++) {
		xen_raise(s, ports[5 - i]);
	}
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 1);
	for (i = 0; i < 6; i++) {
		assert_int_equal(hg_evt_next(&e), ports[i]);
		assert_false(is_pending(s, ports[i]));
		/* The selector was taken whole and the upcall flag cleared. */
		assert_int_equal(s->vcpu_info[0].evtchn_pending_sel, 0);
		assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 0);
	}
	assert_false(hg_evt_busy(&e));
	assert_int_equal(hg_evt_next(&e), 0);
	for (i = 0; i < 64; i++) {
		assert_int_equal(s->evtchn_pending[i], 0);
	}
	free(s);
}

static void test_evt_masked_ports_not_returned(void **state)
{
	struct shared_info *s = calloc(1, sizeof(*s));
	struct hg_evt e;

	hg_evt_init(&e, s, 0);
	hg_evt_mask(s, 70);
	xen_raise(s, 70);
	xen_raise(s, 71);
	assert_int_equal(hg_evt_next(&e), 71);
	assert_int_equal(hg_evt_next(&e), 0);
	assert_true(is_pending(s, 70)); /* it stays pending, masked */
	/* Unmasking a pending port leaves it to Xen's EVTCHNOP_unmask. */
	assert_true(hg_evt_unmask(s, 70));
	assert_true((s->evtchn_mask[1] >> 6) & 1);
	assert_true(xen_unmask(s, 70));
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(hg_evt_next(&e), 70);
	assert_int_equal(hg_evt_next(&e), 0);
	/* A port that is not pending is simply unmasked. */
	hg_evt_mask(s, 71);
	assert_false(hg_evt_unmask(s, 71));
	assert_int_equal(s->evtchn_mask[1], 0);
	free(s);
}

static void test_evt_masked_during_scan(void **state)
{
	struct shared_info *s = calloc(1, sizeof(*s));
	struct hg_evt e;

	hg_evt_init(&e, s, 0);
	xen_raise(s, 10);
	xen_raise(s, 11);
	assert_int_equal(hg_evt_next(&e), 10);
	hg_evt_mask(s, 11);
	assert_int_equal(hg_evt_next(&e), 0);
	assert_true(is_pending(s, 11));
	free(s);
}

static void test_evt_raised_during_scan(void **state)
{
	struct shared_info *s = calloc(1, sizeof(*s));
	struct hg_evt e;

	hg_evt_init(&e, s, 0);
	xen_raise(s, 5);
	xen_raise(s, 200);
	assert_int_equal(hg_evt_next(&e), 5);
	assert_true(hg_evt_busy(&e));
	/* Word 0's selector bit was taken: Xen sets it and the upcall again. */
	xen_raise(s, 6);
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 1);
	assert_int_equal(s->vcpu_info[0].evtchn_pending_sel, 1);
	assert_int_equal(hg_evt_next(&e), 200);
	assert_int_equal(hg_evt_next(&e), 6);
	assert_int_equal(hg_evt_next(&e), 0);
	/* A port raised twice before the scan is returned once. */
	xen_raise(s, 9);
	xen_raise(s, 9);
	assert_int_equal(hg_evt_next(&e), 9);
	assert_int_equal(hg_evt_next(&e), 0);
	free(s);
}

static void test_evt_selector_rules(void **state)
{
	struct shared_info *s = calloc(1, sizeof(*s));
	struct hg_evt e;

	hg_evt_init(&e, s, 0);
	/* Pending without its selector bit: not seen until selected. */
	s->evtchn_pending[2] = 1;
	s->vcpu_info[0].evtchn_upcall_pending = 1;
	assert_int_equal(hg_evt_next(&e), 0);
	assert_int_equal(s->vcpu_info[0].evtchn_upcall_pending, 0);
	s->vcpu_info[0].evtchn_pending_sel = 1ul << 2;
	assert_int_equal(hg_evt_next(&e), 128);
	/* Port 0 is reserved: cleared, never returned. */
	s->evtchn_pending[0] = 1;
	s->vcpu_info[0].evtchn_pending_sel = 1;
	assert_int_equal(hg_evt_next(&e), 0);
	assert_int_equal(s->evtchn_pending[0], 0);
	/* A selected word with nothing pending. */
	s->vcpu_info[0].evtchn_pending_sel = 1ul << 40;
	assert_int_equal(hg_evt_next(&e), 0);
	assert_int_equal(s->vcpu_info[0].evtchn_pending_sel, 0);
	/* Another vCPU's bits are its own. */
	hg_evt_init(&e, s, 1);
	xen_raise(s, 33);
	assert_int_equal(hg_evt_next(&e), 0);
	hg_evt_init(&e, s, 0);
	assert_int_equal(hg_evt_next(&e), 33);
	free(s);
}

/* ---- grants -------------------------------------------------------------- */

static void test_grant_entry_written(void **state)
{
	struct grant_entry_v1 e[2];

	memset(e, 0xff, sizeof(e));
	e[0].flags = 0;
	hg_gnt_set(&e[0], 5, 0x12345, false);
	assert_int_equal(e[0].flags, GTF_permit_access);
	assert_int_equal(e[0].domid, 5);
	assert_int_equal(e[0].frame, 0x12345);
	assert_int_equal(e[1].flags, 0xffff); /* the neighbour untouched */
	hg_gnt_set(&e[1], 0, 7, true);
	assert_int_equal(e[1].flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(e[1].domid, 0);
	assert_int_equal(e[1].frame, 7);
}

static void test_grant_end_access_busy(void **state)
{
	struct grant_entry_v1 e;

	memset(&e, 0, sizeof(e));
	hg_gnt_set(&e, 3, 99, false);
	/* The grantee maps it: Xen sets GTF_reading (and GTF_writing). */
	e.flags |= GTF_reading;
	assert_int_equal(hg_gnt_end(&e), -EBUSY);
	assert_int_equal(e.flags, GTF_permit_access | GTF_reading);
	e.flags |= GTF_writing;
	assert_int_equal(hg_gnt_end(&e), -EBUSY);
	e.flags &= (uint16_t)~GTF_reading;
	assert_int_equal(hg_gnt_end(&e), -EBUSY);
	assert_int_equal(e.flags, GTF_permit_access | GTF_writing);
	/* Unmapped: now it goes. */
	e.flags &= (uint16_t)~GTF_writing;
	assert_int_equal(hg_gnt_end(&e), 0);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.domid, 3);
	assert_int_equal(e.frame, 99);
	/* Ending an ended grant is harmless. */
	assert_int_equal(hg_gnt_end(&e), 0);
	/* A read-only grant in use by a reader. */
	hg_gnt_set(&e, 4, 100, true);
	e.flags |= GTF_reading;
	assert_int_equal(hg_gnt_end(&e), -EBUSY);
	assert_int_equal(
		e.flags, GTF_permit_access | GTF_readonly | GTF_reading);
}

/* ---- a fake xen-hosted: attach, hypercalls, kicks ------------------------ */

#define HS_PAGES 16
#define HS_TOTAL 20 /* RAM, shared_info, 2 grant frames, an ioreq page */
#define HS_DOMID 7
#define HS_STORE_PFN 2
#define HS_STORE_PORT 3
#define HS_CONSOLE_PFN 4
#define HS_OTHER_PORT 20
#define PG 4096u

static const uint8_t hs_handle[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

/* Ways of answering the attach. */
enum hs_attach {
	HA_OK,
	HA_REFUSE,
	HA_SHINFO_IN_RAM,
	HA_NO_FD,
	HA_SHORT_MEMFD,
	HA_BAD_MAGIC,
	HA_WRONG_SEQ,
	HA_WRONG_DOMID,
	HA_SHORT_PAYLOAD,
	HA_NFDS_LIE,
	HA_COUNT,
};

/* Ways of answering the first hypercall after the attach. */
enum hs_hostile {
	HH_NONE,
	HH_PAYLOAD_LEN, /* reply payload of another length */
	HH_WRONG_SEQ,
	HH_EVENT_PORT,  /* an XH_EVENT for a port, not the upcall */
	HH_UNSOLICITED, /* a reply nobody asked for, then the real one */
	HH_HUGE_ERRNO,
	HH_UNKNOWN_TYPE,
	HH_NFDS_LIE, /* says one descriptor, sends none */
	HH_WITH_FD,  /* a good reply carrying a descriptor */
	HH_COUNT,
};

struct hsrv {
	char dir[32];
	char path[64];
	int lfd, fd, memfd;
	uint8_t *mem;
	pthread_t thread;
	enum hs_attach attach;
	enum hs_hostile hostile;
	int failures;
	struct fake *store;
	bool other_raised;
	char console[256];
	size_t console_len;
	evtchn_port_t polled[8];
	unsigned int npolled;
	uint64_t poll_timeout;
	unsigned int unmasks;
	/* Aligned: the structures in the payload are used in place. */
	uint8_t buf[sizeof(struct xh_msg) + XH_MAX_PAYLOAD]
		__attribute__((aligned(8)));
};

#define HSCHECK(s, cond) FCHECK(s, cond)

static struct shared_info *hs_shinfo(struct hsrv *s)
{
	return (struct shared_info *)(s->mem + HS_PAGES * PG);
}

static void hs_send(struct hsrv *s, const struct xh_msg *m, const void *payload,
	size_t len, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cbuf;
	struct iovec iov[2];
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = (void *)m;
	iov[0].iov_len = sizeof(*m);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	if (fd >= 0) {
		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	}
	n = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
	/* A guest that rejected an earlier packet may have hung up. */
	HSCHECK(s, n == (ssize_t)(sizeof(*m) + len) ||
			   (n < 0 && (errno == EPIPE || errno == ECONNRESET)));
}

static void hs_reply_full(struct hsrv *s, const struct xh_msg *req, int64_t ret,
	const void *payload, size_t len, int fd, uint16_t nfds)
{
	struct xh_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_REPLY;
	m.nfds = nfds;
	m.seq = req->seq;
	m.len = (uint32_t)len;
	m.op = req->op;
	m.ret = ret;
	hs_send(s, &m, payload, len, fd);
}

/** The usual reply: the request's payload back. */
static void hs_reply(struct hsrv *s, const struct xh_msg *req, int64_t ret)
{
	hs_reply_full(s, req, ret, s->buf + sizeof(*req), req->len, -1, 0);
}

static void hs_event(struct hsrv *s, uint32_t port)
{
	struct xh_msg m;

	memset(&m, 0, sizeof(m));
	m.magic = XH_MAGIC;
	m.type = XH_EVENT;
	m.args[0] = port;
	hs_send(s, &m, NULL, 0, -1);
}

static void hs_raise(struct hsrv *s, evtchn_port_t port)
{
	if (xen_raise(hs_shinfo(s), port)) {
		hs_event(s, XH_PORT_UPCALL);
	}
}

/** One request from the guest; false at its end. */
static bool hs_recv(struct hsrv *s, struct xh_msg *m)
{
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	ssize_t n;

	if (poll(&pfd, 1, 20000) != 1) {
		HSCHECK(s, !"the guest went quiet");
		return false;
	}
	n = recv(s->fd, s->buf, sizeof(s->buf), 0);
	if (n <= 0) {
		return false;
	}
	HSCHECK(s, (size_t)n >= sizeof(*m));
	memcpy(m, s->buf, sizeof(*m));
	HSCHECK(s, m->magic == XH_MAGIC && m->nfds == 0);
	HSCHECK(s, m->len == (size_t)n - sizeof(*m));
	return true;
}

/** The bytes a pointer argument or handle names, or NULL. */
static void *hs_at(
	struct hsrv *s, const struct xh_msg *m, uint64_t addr, size_t size)
{
	uint64_t off = addr - XH_PTR_BASE;

	if (addr < XH_PTR_BASE || off > m->len || size > m->len - off) {
		HSCHECK(s, !"a pointer outside the payload");
		return NULL;
	}
	return s->buf + sizeof(*m) + off;
}

static void hs_do_attach(struct hsrv *s)
{
	struct xh_attach_reply r;
	struct xh_msg m, bad;

	if (!hs_recv(s, &m)) {
		return;
	}
	HSCHECK(s, m.type == XH_ATTACH && m.len == 16 && m.args[0] == HS_DOMID);
	HSCHECK(s, memcmp(s->buf + sizeof(m), hs_handle, 16) == 0);
	memset(&r, 0, sizeof(r));
	r.domid = HS_DOMID;
	r.nr_pages = HS_PAGES;
	r.shared_info_gfn = HS_PAGES;
	r.grant_gfn = HS_PAGES + 1;
	r.nr_grant_frames = 2;
	r.max_vcpus = 1;
	r.memfd_pages = HS_TOTAL;
	switch (s->attach) {
	case HA_REFUSE:
		hs_reply_full(s, &m, -EPERM, NULL, 0, -1, 0);
		return;
	case HA_SHINFO_IN_RAM:
		r.shared_info_gfn = 3;
		break;
	case HA_NO_FD:
		hs_reply_full(s, &m, 0, &r, sizeof(r), -1, 0);
		return;
	case HA_SHORT_MEMFD:
		r.memfd_pages = HS_TOTAL + 1;
		break;
	case HA_BAD_MAGIC:
		memset(&bad, 0, sizeof(bad));
		bad.magic = XH_MAGIC ^ 1;
		bad.type = XH_REPLY;
		bad.nfds = 1;
		bad.seq = m.seq;
		bad.len = sizeof(r);
		hs_send(s, &bad, &r, sizeof(r), s->memfd);
		return;
	case HA_WRONG_SEQ:
		m.seq++;
		break;
	case HA_WRONG_DOMID:
		r.domid = HS_DOMID + 1;
		break;
	case HA_SHORT_PAYLOAD:
		hs_reply_full(s, &m, 0, &r, sizeof(r) - 8, s->memfd, 1);
		return;
	case HA_NFDS_LIE:
		hs_reply_full(s, &m, 0, &r, sizeof(r), -1, 1);
		return;
	default:
		break;
	}
	hs_reply_full(s, &m, 0, &r, sizeof(r), s->memfd, 1);
}

static void hs_event_channel_op(struct hsrv *s, struct xh_msg *m)
{
	struct evtchn_alloc_unbound *au;
	struct evtchn_bind_interdomain *bi;
	struct evtchn_send *sd;
	struct evtchn_unmask *um;
	bool progress = false;

	switch (m->args[0]) {
	case EVTCHNOP_alloc_unbound:
		au = hs_at(s, m, m->args[1], sizeof(*au));
		HSCHECK(s, au != NULL && au->dom == DOMID_SELF &&
				   au->remote_dom == 0);
		if (au != NULL) {
			au->port = 5;
		}
		hs_reply(s, m, 0);
		return;
	case EVTCHNOP_bind_interdomain:
		bi = hs_at(s, m, m->args[1], sizeof(*bi));
		HSCHECK(s, bi != NULL && bi->remote_dom == 0 &&
				   bi->remote_port == 44);
		if (bi != NULL) {
			bi->local_port = 6;
		}
		hs_reply(s, m, 0);
		return;
	case EVTCHNOP_send:
		sd = hs_at(s, m, m->args[1], sizeof(*sd));
		if (sd == NULL) {
			break;
		}
		if (sd->port == HS_STORE_PORT && s->store != NULL) {
			while (fake_step(s->store)) {
				progress = true;
			}
			if (progress) {
				hs_raise(s, HS_STORE_PORT);
				if (!s->other_raised) {
					s->other_raised = true;
					hs_raise(s, HS_OTHER_PORT);
				}
			}
		} else if (sd->port != HS_STORE_PORT) {
			hs_raise(s, sd->port);
			if (sd->port == 10) {
				hs_raise(s, 11);
			}
		}
		hs_reply(s, m, 0);
		return;
	case EVTCHNOP_unmask:
		um = hs_at(s, m, m->args[1], sizeof(*um));
		s->unmasks++;
		if (um != NULL && xen_unmask(hs_shinfo(s), um->port)) {
			hs_event(s, XH_PORT_UPCALL);
		}
		hs_reply(s, m, 0);
		return;
	case EVTCHNOP_close:
		hs_reply(s, m, 0);
		return;
	default:
		break;
	}
	hs_reply(s, m, -ENOSYS);
}

static void hs_sched_op(struct hsrv *s, struct xh_msg *m)
{
	struct sched_shutdown *sd;
	struct sched_poll *sp;
	evtchn_port_t *ports;
	unsigned int i;

	switch (m->args[0]) {
	case SCHEDOP_block:
		/* An event while blocked: a kick, then the held reply. */
		hs_raise(s, 9);
		hs_reply_full(s, m, 0, NULL, 0, -1, 0);
		return;
	case SCHEDOP_poll:
		sp = hs_at(s, m, m->args[1], sizeof(*sp));
		if (sp == NULL) {
			break;
		}
		ports = hs_at(s, m, (uint64_t)(uintptr_t)sp->ports.p,
			sizeof(*ports) * sp->nr_ports);
		s->npolled = 0;
		for (i = 0; ports != NULL && i < sp->nr_ports && i < 8; i++) {
			s->polled[s->npolled++] = ports[i];
		}
		s->poll_timeout = sp->timeout;
		hs_reply_full(s, m, 0, NULL, 0, -1, 0);
		return;
	case SCHEDOP_yield:
		hs_reply(s, m, 0);
		return;
	case SCHEDOP_shutdown:
		sd = hs_at(s, m, m->args[1], sizeof(*sd));
		HSCHECK(s, sd != NULL && sd->reason == SHUTDOWN_poweroff);
		hs_reply(s, m, 0);
		return;
	default:
		break;
	}
	hs_reply(s, m, -ENOSYS);
}

static void hs_grant_table_op(struct hsrv *s, struct xh_msg *m)
{
	struct gnttab_setup_table *st;
	struct gnttab_query_size *qs;
	xen_pfn_t *frames;
	unsigned int i;

	HSCHECK(s, m->args[2] == 1);
	if (m->args[0] == GNTTABOP_setup_table) {
		st = hs_at(s, m, m->args[1], sizeof(*st));
		if (st == NULL) {
			hs_reply(s, m, -EFAULT);
			return;
		}
		HSCHECK(s, st->dom == DOMID_SELF && st->nr_frames <= 2);
		frames = hs_at(s, m, (uint64_t)(uintptr_t)st->frame_list.p,
			sizeof(*frames) * st->nr_frames);
		for (i = 0; frames != NULL && i < st->nr_frames; i++) {
			frames[i] = HS_PAGES + 1 + i;
		}
		st->status = GNTST_okay;
		hs_reply(s, m, 0);
		return;
	}
	if (m->args[0] == GNTTABOP_query_size) {
		qs = hs_at(s, m, m->args[1], sizeof(*qs));
		if (qs != NULL) {
			qs->nr_frames = 1;
			qs->max_nr_frames = 2;
			qs->status = GNTST_okay;
		}
		hs_reply(s, m, 0);
		return;
	}
	hs_reply(s, m, -ENOSYS);
}

static void hs_hypercall(struct hsrv *s, struct xh_msg *m)
{
	struct xen_hvm_param *hp;
	char *p;

	switch (m->op) {
	case __HYPERVISOR_hvm_op:
		hp = hs_at(s, m, m->args[1], sizeof(*hp));
		HSCHECK(s, m->args[0] == HVMOP_get_param);
		if (hp == NULL || hp->domid != DOMID_SELF) {
			hs_reply(s, m, -EINVAL);
		} else if (hp->index == HVM_PARAM_STORE_PFN) {
			hp->value = HS_STORE_PFN;
			hs_reply(s, m, 0);
		} else if (hp->index == HVM_PARAM_STORE_EVTCHN) {
			hp->value = HS_STORE_PORT;
			hs_reply(s, m, 0);
		} else if (hp->index == HVM_PARAM_CONSOLE_PFN) {
			hp->value = HS_CONSOLE_PFN;
			hs_reply(s, m, 0);
		} else {
			hs_reply(s, m, -EINVAL);
		}
		return;
	case __HYPERVISOR_event_channel_op:
		hs_event_channel_op(s, m);
		return;
	case __HYPERVISOR_sched_op:
		hs_sched_op(s, m);
		return;
	case __HYPERVISOR_grant_table_op:
		hs_grant_table_op(s, m);
		return;
	case __HYPERVISOR_console_io:
		HSCHECK(s, m->args[0] == CONSOLEIO_write);
		p = hs_at(s, m, m->args[2], m->args[1]);
		if (p != NULL &&
			s->console_len + m->args[1] < sizeof(s->console)) {
			memcpy(s->console + s->console_len, p, m->args[1]);
			s->console_len += m->args[1];
		}
		hs_reply(s, m, 0);
		return;
	case __HYPERVISOR_xen_version:
		if (m->args[0] == XENVER_version) {
			hs_reply(s, m, 0x40009);
			return;
		}
		p = hs_at(s, m, m->args[1], sizeof(xen_extraversion_t));
		HSCHECK(s, m->args[0] == XENVER_extraversion);
		if (p != NULL) {
			memcpy(p, ".0-test", 8);
		}
		hs_reply(s, m, 0);
		return;
	default:
		hs_reply(s, m, -ENOSYS);
		return;
	}
}

/** The first hypercall answered the hostile way. */
static void hs_hostile(struct hsrv *s, struct xh_msg *m)
{
	struct evtchn_alloc_unbound *au;
	struct xh_msg e;

	/* It is an alloc_unbound: the answer itself is right. */
	HSCHECK(s, m->op == __HYPERVISOR_event_channel_op &&
			   m->args[0] == EVTCHNOP_alloc_unbound);
	au = hs_at(s, m, m->args[1], sizeof(*au));
	if (au != NULL) {
		au->port = 5;
	}
	switch (s->hostile) {
	case HH_PAYLOAD_LEN:
		hs_reply_full(s, m, 0, s->buf + sizeof(*m), m->len - 1, -1, 0);
		break;
	case HH_WRONG_SEQ:
		m->seq++;
		hs_reply(s, m, 0);
		break;
	case HH_EVENT_PORT:
		hs_event(s, 5);
		hs_reply(s, m, 0);
		break;
	case HH_UNSOLICITED:
		hs_reply(s, m, 0);
		hs_reply(s, m, 0);
		break;
	case HH_HUGE_ERRNO:
		hs_reply(s, m, -100000);
		break;
	case HH_UNKNOWN_TYPE:
		memset(&e, 0, sizeof(e));
		e.magic = XH_MAGIC;
		e.type = 0x77;
		hs_send(s, &e, NULL, 0, -1);
		break;
	case HH_NFDS_LIE:
		hs_reply_full(s, m, 0, s->buf + sizeof(*m), m->len, -1, 1);
		break;
	case HH_WITH_FD:
		hs_reply_full(
			s, m, 0, s->buf + sizeof(*m), m->len, s->memfd, 1);
		break;
	default:
		break;
	}
}

static void *hs_thread(void *arg)
{
	struct hsrv *s = arg;
	struct xh_msg m;
	bool first = true;

	s->fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s->fd < 0) {
		HSCHECK(s, !"accept");
		return NULL;
	}
	hs_do_attach(s);
	if (s->attach != HA_OK) {
		/* The guest gives up: wait for it to hang up. */
		while (hs_recv(s, &m)) {
		}
		return NULL;
	}
	while (hs_recv(s, &m)) {
		HSCHECK(s, m.type == XH_HYPERCALL);
		if (first && s->hostile != HH_NONE) {
			first = false;
			hs_hostile(s, &m);
			continue;
		}
		first = false;
		hs_hypercall(s, &m);
	}
	return NULL;
}

static struct hsrv *hs_start(enum hs_attach attach, enum hs_hostile hostile)
{
	struct hsrv *s = calloc(1, sizeof(*s));
	struct sockaddr_un sa;

	assert_non_null(s);
	s->attach = attach;
	s->hostile = hostile;
	s->fd = -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/hgtestXXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/sock", s->dir);
	s->memfd = memfd_create("hg-test", MFD_CLOEXEC);
	assert_true(s->memfd >= 0);
	assert_int_equal(ftruncate(s->memfd, HS_TOTAL * PG), 0);
	s->mem = mmap(NULL, HS_TOTAL * PG, PROT_READ | PROT_WRITE, MAP_SHARED,
		s->memfd, 0);
	assert_true(s->mem != MAP_FAILED);
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->path);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	assert_int_equal(pthread_create(&s->thread, NULL, hs_thread, s), 0);
	return s;
}

static void hs_stop(struct hsrv *s)
{
	pthread_join(s->thread, NULL);
	assert_int_equal(s->failures, 0);
	if (s->fd >= 0) {
		close(s->fd);
	}
	close(s->lfd);
	close(s->memfd);
	munmap(s->mem, HS_TOTAL * PG);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
}

static struct hg *hs_attach(struct hsrv *s)
{
	struct hg *hg = hg_attach_to(s->path, HS_DOMID, hs_handle);

	assert_non_null(hg);
	return hg;
}

static void test_hg_attach_maps_memory(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct hg *hg;
	uint8_t *p;

	s->mem[3 * PG + 17] = 0x5a;
	hg = hs_attach(s);
	assert_int_equal(hg_domid(hg), HS_DOMID);
	assert_int_equal(hg_nr_pages(hg), HS_PAGES);
	p = hg_gfn_to_ptr(hg, 3);
	assert_non_null(p);
	assert_int_equal(p[17], 0x5a);
	/* Shared: what the guest writes the hypervisor sees. */
	p[18] = 0xa5;
	assert_int_equal(s->mem[3 * PG + 18], 0xa5);
	assert_null(hg_gfn_to_ptr(hg, HS_PAGES));
	assert_ptr_equal(
		(uint8_t *)hg_shared_info(hg), p - 3 * PG + HS_PAGES * PG);
	assert_ptr_equal((uint8_t *)hg_grant_table(hg),
		p - 3 * PG + (HS_PAGES + 1) * PG);
	assert_int_equal(hg_nr_grant_entries(hg), 2 * PG / 8);
	assert_int_equal(hg_grant_gfn(hg), HS_PAGES + 1);
	assert_int_equal(hg_nr_grant_frames(hg), 2);
	assert_int_equal(hg_reply_nfds(hg), 0); /* the memfd was taken */
	hg_close(hg);
	hs_stop(s);
}

static void test_hg_attach_from_environment(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct hg *hg;

	setenv("XEN_HOSTED_SOCKET", s->path, 1);
	setenv("XEN_HOSTED_DOMID", "7", 1);
	setenv("XEN_HOSTED_HANDLE", "00112233-4455-6677-8899-AABBCCDDEEFF", 1);
	hg = hg_attach();
	assert_non_null(hg);
	assert_int_equal(hg_domid(hg), HS_DOMID);
	hg_close(hg);
	hs_stop(s);

	setenv("XEN_HOSTED_DOMID", "7x", 1);
	errno = 0;
	assert_null(hg_attach());
	assert_int_equal(errno, EINVAL);
	setenv("XEN_HOSTED_DOMID", "32752", 1); /* DOMID_FIRST_RESERVED */
	assert_null(hg_attach());
	setenv("XEN_HOSTED_DOMID", "-1", 1);
	assert_null(hg_attach());
	setenv("XEN_HOSTED_DOMID", "7", 1);
	setenv("XEN_HOSTED_HANDLE", "0011223344556677889900aabbccddee0", 1);
	assert_null(hg_attach());
	setenv("XEN_HOSTED_HANDLE", "0011223344556677889900aabbccddeg", 1);
	assert_null(hg_attach());
	unsetenv("XEN_HOSTED_HANDLE");
	assert_null(hg_attach());
	assert_int_equal(errno, EINVAL);
	unsetenv("XEN_HOSTED_SOCKET");
	unsetenv("XEN_HOSTED_DOMID");
}

/** Open descriptors of this process. */
static unsigned int count_fds(void)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		if (fcntl(fd, F_GETFD) >= 0) {
			n++;
		}
	}
	return n;
}

static void test_hg_attach_refused_or_malformed(void **state)
{
	unsigned int fds = count_fds();
	struct hsrv *s;
	unsigned int a;

	for (a = HA_REFUSE; a < HA_COUNT; a++) {
		s = hs_start((enum hs_attach)a, HH_NONE);
		errno = 0;
		assert_null(hg_attach_to(s->path, HS_DOMID, hs_handle));
		if (a == HA_REFUSE) {
			assert_int_equal(errno, EPERM);
		} else {
			assert_int_equal(errno, EPROTO);
		}
		hs_stop(s);
		/* Nothing received was left open. */
		assert_int_equal(count_fds(), fds);
	}
	errno = 0;
	assert_null(hg_attach_to("/nonexistent/hg/socket", 1, hs_handle));
	assert_int_equal(errno, ENOENT);
	assert_null(hg_attach_to("/tmp/x", DOMID_FIRST_RESERVED, hs_handle));
	assert_int_equal(errno, EINVAL);
}

static void test_hg_hypercalls(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct hg *hg = hs_attach(s);
	const evtchn_port_t ports[2] = {3, 9};
	struct grant_entry_v1 *e;
	uint64_t frames[2] = {0, 0};
	uint32_t nr = 0, max = 0;
	char ver[16];
	uint64_t v = 0, deadline;

	assert_int_equal(hg_evtchn_alloc_unbound(hg, 0), 5);
	assert_int_equal(hg_evtchn_bind_interdomain(hg, 0, 44), 6);
	assert_int_equal(hg_evtchn_close(hg, 6), 0);
	assert_int_equal(hg_console_write(hg, "hello, "), 0);
	assert_int_equal(hg_console_write(hg, "console"), 0);
	assert_int_equal(hg_console_write(hg, ""), 0);
	assert_int_equal(hg_xen_version(hg, XENVER_version, NULL, 0), 0x40009);
	memset(ver, 'x', sizeof(ver));
	assert_int_equal(
		hg_xen_version(hg, XENVER_extraversion, ver, sizeof(ver)), 0);
	assert_string_equal(ver, ".0-test");
	assert_int_equal(hg_hvm_get_param(hg, HVM_PARAM_STORE_PFN, &v), 0);
	assert_int_equal(v, HS_STORE_PFN);
	assert_int_equal(hg_hvm_get_param(hg, 99, &v), -EINVAL);
	assert_int_equal(hg_gnttab_query_size(hg, &nr, &max), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(max, 2);
	assert_int_equal(hg_gnttab_setup_table(hg, 2, frames), 0);
	assert_int_equal(frames[0], HS_PAGES + 1);
	assert_int_equal(frames[1], HS_PAGES + 2);
	assert_int_equal(hg_gnttab_setup_table(hg, 3, NULL), -EINVAL);
	deadline = hg_now_ns() + 5000000;
	assert_int_equal(hg_sched_poll(hg, ports, 2, deadline), 0);
	assert_int_equal(s->npolled, 2);
	assert_int_equal(s->polled[0], 3);
	assert_int_equal(s->polled[1], 9);
	assert_int_equal(s->poll_timeout, deadline);
	assert_int_equal(hg_sched_poll(hg, ports, 1, 0), 0);
	assert_int_equal(s->poll_timeout, 0);
	assert_int_equal(hg_sched_yield(hg), 0);
	assert_int_equal(hg_hypercall(hg, 99, 0, NULL, NULL, 0), -ENOSYS);

	/* Grant refs from 8, in frames set up; entries in the memfd. */
	assert_int_equal(hg_gref_alloc(hg), 8);
	assert_int_equal(hg_gref_alloc(hg), 9);
	hg_gref_free(hg, 8);
	assert_int_equal(hg_gref_alloc(hg), 8);
	assert_int_equal(hg_grant_access(hg, 9, 0, 3, true), 0);
	e = (struct grant_entry_v1 *)(s->mem + (HS_PAGES + 1) * PG) + 9;
	assert_int_equal(e->flags, GTF_permit_access | GTF_readonly);
	assert_int_equal(e->frame, 3);
	e->flags |= GTF_reading;
	assert_int_equal(hg_end_access(hg, 9), -EBUSY);
	e->flags &= (uint16_t)~GTF_reading;
	assert_int_equal(hg_end_access(hg, 9), 0);
	assert_int_equal(hg_grant_access(hg, 2 * PG / 8, 0, 3, true), -EINVAL);
	assert_int_equal(hg_grant_access(hg, 10, 0, 1ull << 32, true), -EINVAL);

	/* Test pages skip the store and console frames, and are zeroed. */
	memset(s->mem + 3 * PG, 0xee, PG);
	hg_page_alloc_from(hg, 1);
	assert_int_equal(hg_page_alloc(hg), 1);
	assert_int_equal(hg_page_alloc(hg), 3);
	assert_int_equal(s->mem[3 * PG + 100], 0);
	assert_int_equal(hg_page_alloc(hg), 5);
	hg_page_alloc_from(hg, HS_PAGES - 1);
	assert_int_equal(hg_page_alloc(hg), HS_PAGES - 1);
	assert_int_equal(hg_page_alloc(hg), -ENOMEM);

	assert_int_equal(hg_shutdown(hg, SHUTDOWN_poweroff), 0);
	hg_close(hg);
	assert_int_equal(s->console_len, 14);
	assert_memory_equal(s->console, "hello, console", 14);
	hs_stop(s);
}

static void test_hg_payload_builder(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct hg *hg = hs_attach(s);
	static uint8_t big[XH_MAX_PAYLOAD];
	struct evtchn_alloc_unbound au;
	uint64_t args[2] = {EVTCHNOP_alloc_unbound, 0};
	struct hg_buf b[2];
	uint64_t p1, p2;

	/* By hand: the pointer values and the reply's bytes. */
	hg_payload_reset(hg);
	p1 = hg_payload_put(hg, "abc", 3);
	assert_int_equal(p1, XH_PTR(0));
	memset(&au, 0, sizeof(au));
	au.dom = DOMID_SELF;
	p2 = hg_payload_put(hg, &au, sizeof(au));
	assert_int_equal(p2, XH_PTR(8)); /* 8-byte aligned */
	args[1] = p2;
	assert_int_equal(
		hg_call(hg, __HYPERVISOR_event_channel_op, 2, args), 0);
	assert_int_equal(hg_payload_get(hg, p2, &au, sizeof(au)), 0);
	assert_int_equal(au.port, 5);
	assert_int_equal(hg_payload_get(hg, p2 + 1, &au, sizeof(au)), -EFAULT);
	assert_int_equal(hg_payload_get(hg, 8, &au, 1), -EFAULT);
	assert_int_equal(hg_payload_set_handle(hg, XH_PTR(20), p1), -EFAULT);

	/* Too much: the call is refused before anything is sent. */
	hg_payload_reset(hg);
	assert_int_not_equal(hg_payload_put(hg, big, sizeof(big)), 0);
	assert_int_equal(hg_payload_put(hg, NULL, 1), 0);
	assert_int_equal(
		hg_call(hg, __HYPERVISOR_event_channel_op, 2, args), -E2BIG);
	assert_int_equal(hg_call(hg, 1, 6, args), -EINVAL);

	/* Bad descriptions. */
	memset(b, 0, sizeof(b));
	b[0].data = &au;
	b[0].len = sizeof(au);
	b[0].flags = HG_BUF_IN | HG_BUF_ARG;
	b[0].arg = 2;
	assert_int_equal(
		hg_hypercall(hg, __HYPERVISOR_event_channel_op, 2, args, b, 1),
		-EINVAL);
	b[0].arg = 1;
	b[1].data = &au;
	b[1].len = 4;
	b[1].flags = HG_BUF_IN | HG_BUF_HANDLE;
	b[1].parent = 1;
	assert_int_equal(
		hg_hypercall(hg, __HYPERVISOR_event_channel_op, 2, args, b, 2),
		-EINVAL);
	b[1].parent = 0;
	b[1].handle_off = sizeof(au) - 4;
	assert_int_equal(
		hg_hypercall(hg, __HYPERVISOR_event_channel_op, 2, args, b, 2),
		-EINVAL);
	/* The connection is still good. */
	assert_int_equal(hg_evtchn_alloc_unbound(hg, 0), 5);
	hg_close(hg);
	hs_stop(s);
}

static void test_hg_block_kick_and_ports(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct hg *hg = hs_attach(s);

	assert_int_equal(hg_event_fd(hg) >= 0, 1);
	assert_int_equal(hg_wait_event(hg, 0), 0);
	/* The kick arrives while blocked; the held reply has no payload. */
	assert_int_equal(hg_sched_block(hg), 0);
	assert_int_equal(hg_wait_event(hg, 0), 1);
	assert_int_equal(hg_next_pending(hg), 9);
	assert_int_equal(hg_next_pending(hg), 0);
	assert_int_equal(hg_wait_event(hg, 0), 0);

	/* Waiting for one port sets the others aside. */
	assert_int_equal(hg_evtchn_send(hg, 10), 0); /* raises 10 and 11 */
	assert_int_equal(hg_wait_port(hg, 11, 2000), 1);
	assert_int_equal(hg_wait_event(hg, 0), 1);
	assert_int_equal(hg_next_pending(hg), 10);
	assert_int_equal(hg_next_pending(hg), 0);
	assert_int_equal(hg_wait_port(hg, 11, 30), 0);
	assert_int_equal(hg_wait_port(hg, 0, 30), -EINVAL);

	/* A masked port: no kick; unmasking it asks Xen, which kicks. */
	assert_int_equal(hg_evtchn_mask(hg, 12), 0);
	assert_int_equal(hg_evtchn_send(hg, 12), 0);
	assert_int_equal(hg_wait_event(hg, 30), 0);
	assert_int_equal(hg_next_pending(hg), 0);
	assert_int_equal(hg_evtchn_unmask(hg, 12), 0);
	assert_int_equal(s->unmasks, 1);
	assert_int_equal(hg_wait_event(hg, 2000), 1);
	assert_int_equal(hg_next_pending(hg), 12);
	/* Not pending: unmasked locally, no hypercall. */
	assert_int_equal(hg_evtchn_mask(hg, 13), 0);
	assert_int_equal(hg_evtchn_unmask(hg, 13), 0);
	assert_int_equal(s->unmasks, 1);
	assert_int_equal(hg_evtchn_mask(hg, HG_NR_EVTCHNS), -EINVAL);
	hg_close(hg);
	hs_stop(s);
}

static void test_hg_hostile_replies(void **state)
{
	unsigned int fds = count_fds();
	struct hsrv *s;
	struct hg *hg;
	unsigned int h;
	int rc, fd;

	for (h = HH_PAYLOAD_LEN; h < HH_COUNT; h++) {
		s = hs_start(HA_OK, (enum hs_hostile)h);
		hg = hs_attach(s);
		rc = hg_evtchn_alloc_unbound(hg, 0);
		if (h == HH_WITH_FD) {
			assert_int_equal(rc, 5);
			assert_int_equal(hg_reply_nfds(hg), 1);
			fd = hg_reply_take_fd(hg, 0);
			assert_true(fd >= 0);
			assert_int_equal(hg_reply_take_fd(hg, 0), -1);
			close(fd);
			assert_int_equal(hg_evtchn_alloc_unbound(hg, 0), 5);
			assert_int_equal(hg_reply_nfds(hg), 0);
		} else if (h == HH_UNSOLICITED) {
			/* The extra reply shows up while waiting for events. */
			assert_int_equal(rc, 5);
			assert_int_equal(hg_wait_event(hg, 2000), -EPROTO);
			assert_int_equal(hg_evtchn_alloc_unbound(hg, 0), -EIO);
		} else {
			assert_int_equal(rc, -EPROTO);
			/* Never used again. */
			assert_int_equal(hg_evtchn_alloc_unbound(hg, 0), -EIO);
			assert_int_equal(hg_wait_event(hg, 0), -EIO);
		}
		hg_close(hg);
		hs_stop(s);
		assert_int_equal(count_fds(), fds);
	}
}

static void test_hg_xenbus_over_the_store_port(void **state)
{
	struct hsrv *s = hs_start(HA_OK, HH_NONE);
	struct fake *f = calloc(1, sizeof(*f));
	struct hg_xb *xb;
	struct hg *hg;
	char *p, *t;
	unsigned int i;

	assert_non_null(f);
	f->intf = (void *)(s->mem + HS_STORE_PFN * PG);
	f->intf->req_cons = f->intf->req_prod = 0xfffffe00u;
	f->intf->rsp_cons = f->intf->rsp_prod = 0x77;
	f->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION;
	f->rng = 99;
	s->store = f;
	hg = hs_attach(s);
	xb = hg_xb_open(hg);
	assert_non_null(xb);
	assert_int_equal(hg_xb_evtchn(xb), HS_STORE_PORT);
	assert_int_equal(hg_xb_watch(xb, "/h", "tok"), 0);
	for (i = 0; i < 40; i++) {
		assert_int_equal(hg_xb_write(xb, 0, "/h/k", "value", 5), 0);
		check_value(xb, "/h/k", "value", 5);
	}
	assert_int_equal(hg_xb_read_watch(xb, 1000, &p, &t), 0);
	assert_string_equal(p, "/h");
	free(p);
	free(t);
	assert_int_equal(hg_xb_read_watch(xb, 1000, &p, &t), 0);
	assert_string_equal(p, "/h/k");
	free(p);
	free(t);
	assert_int_equal(hg_xb_reconnect(xb), 0);
	assert_int_equal(f->reconnects, 1);
	check_value(xb, "/h/k", "value", 5);
	/* The other port raised meanwhile was kept for the guest; the
	 * store's own notifications were taken by the client. */
	assert_int_equal(hg_next_pending(hg), HS_OTHER_PORT);
	assert_int_equal(hg_next_pending(hg), 0);
	hg_xb_close(xb);
	hg_close(hg);
	hs_stop(s);
	assert_int_equal(f->failures, 0);
	for (i = 0; i < F_MAX_NODES; i++) {
		free(f->nodes[i].value);
	}
	free(f->out);
	free(f);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_write_mkdir_rm),
		T(test_directory_and_perms),
		T(test_transactions_and_domain_path),
		T(test_error_replies),
		T(test_payload_limit_checked_before_sending),
		T(test_wrap_many_times),
		cmocka_unit_test(test_wrap_across_index_overflow),
		T(test_ring_core_limits),
		T(test_watch_events),
		T(test_watch_event_malformed),
		T(test_stale_reply_dropped),
		T(test_reply_of_wrong_type),
		T(test_rsp_prod_beyond_ring),
		T(test_oversized_reply_header),
		T(test_error_field),
		T(test_error_field_set_while_waiting),
		T(test_bad_req_cons),
		T(test_timeout),
		T(test_reconnect),
		T(test_reconnect_after_error),
		cmocka_unit_test(test_reconnect_unsupported),
		cmocka_unit_test(test_open_waits_for_reconnection),
		T(test_reconnection_by_someone_else),
		cmocka_unit_test(test_threaded_store),
		cmocka_unit_test(test_evt_ports_in_several_words),
		cmocka_unit_test(test_evt_masked_ports_not_returned),
		cmocka_unit_test(test_evt_masked_during_scan),
		cmocka_unit_test(test_evt_raised_during_scan),
		cmocka_unit_test(test_evt_selector_rules),
		cmocka_unit_test(test_grant_entry_written),
		cmocka_unit_test(test_grant_end_access_busy),
		cmocka_unit_test(test_hg_attach_maps_memory),
		cmocka_unit_test(test_hg_attach_from_environment),
		cmocka_unit_test(test_hg_attach_refused_or_malformed),
		cmocka_unit_test(test_hg_hypercalls),
		cmocka_unit_test(test_hg_payload_builder),
		cmocka_unit_test(test_hg_block_kick_and_ports),
		cmocka_unit_test(test_hg_hostile_replies),
		cmocka_unit_test(test_hg_xenbus_over_the_store_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
