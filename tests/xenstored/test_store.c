/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xenstored/store.c and xenstored/txn.c through the real
 * request path, in process (inproc.h): the tree against a plain reference
 * model under random operations (docs/misc/xenstore.txt, "Database read,
 * write and permissions operations"), a full database (ENOSPC while
 * reads keep working, nothing half-applied), the per-node transaction
 * conflict rules, and DIRECTORY_PART chunking.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inproc.h"
#include "xsclient_errors.h"

/* ---- reference model: a flat list of (path, value) ---- */

#define MODEL_MAX 256

struct model {
	char path[MODEL_MAX][32];
	char value[MODEL_MAX][16];
	int count;
};

static int model_find(const struct model *m, const char *path)
{
	int i;

	for (i = 0; i < m->count; i++) {
		if (strcmp(m->path[i], path) == 0) {
			return i;
		}
	}
	return -1;
}

static void model_add(struct model *m, const char *path, const char *value)
{
	assert_true(m->count < MODEL_MAX);
	snprintf(m->path[m->count], sizeof(m->path[0]), "%s", path);
	snprintf(m->value[m->count], sizeof(m->value[0]), "%s", value);
	m->count++;
}

/** Create path's missing ancestors (and path) with empty values. */
static void model_mkdirs(struct model *m, const char *path)
{
	char buf[32];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (model_find(m, buf) < 0) {
				model_add(m, buf, "");
			}
			*p = c;
			if (c == '\0') {
				break;
			}
		}
	}
}

static bool model_is_below(const char *path, const char *top)
{
	size_t n = strlen(top);

	return strncmp(path, top, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

static int model_rm(struct model *m, const char *path)
{
	char parent[32];
	int i;

	if (model_find(m, path) < 0) {
		snprintf(parent, sizeof(parent), "%s", path);
		*strrchr(parent, '/') = '\0';
		if (parent[0] && model_find(m, parent) < 0) {
			return -ENOENT;
		}
		return 0;
	}
	for (i = 0; i < m->count;) {
		if (model_is_below(m->path[i], path)) {
			m->count--;
			memcpy(m->path[i], m->path[m->count],
				sizeof(m->path[0]));
			memcpy(m->value[i], m->value[m->count],
				sizeof(m->value[0]));
		} else {
			i++;
		}
	}
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** The model's children of path as the wire's NUL-separated list. */
static size_t model_children(const struct model *m, const char *path, char *out)
{
	const char *names[MODEL_MAX];
	size_t n = 0, len = 0, i, plen = strlen(path);

	for (i = 0; i < (size_t)m->count; i++) {
		const char *p = m->path[i];

		if (strncmp(p, path, plen) == 0 && p[plen] == '/' &&
			!strchr(p + plen + 1, '/')) {
			names[n++] = p + plen + 1;
		}
	}
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (i = 0; i < n; i++) {
		memcpy(out + len, names[i], strlen(names[i]) + 1);
		len += strlen(names[i]) + 1;
	}
	return len;
}

static void random_path(char *buf, size_t size)
{
	static const char *const parts[] = {"a", "b", "c", "d"};
	int depth = 1 + rand() % 3, i;
	size_t len = 0;

	for (i = 0; i < depth; i++) {
		len += (size_t)snprintf(
			buf + len, size - len, "/%s", parts[rand() % 4]);
	}
}

static void test_store_matches_reference_model(void **state)
{
	struct inproc ip;
	struct model *m = calloc(1, sizeof(*m));
	char path[32], value[16], expect[4096], *reply;
	uint32_t type;
	size_t len, elen;
	int step, op, ret;

	assert_non_null(m);
	assert_int_equal(inproc_start(&ip, NULL), 0);
	srand(7);
	for (step = 0; step < 3000; step++) {
		random_path(path, sizeof(path));
		op = rand() % 5;
		if (op == 0) {
			snprintf(value, sizeof(value), "v%d", step);
			assert_int_equal(inproc_write(&ip, 0, path, value), 0);
			model_mkdirs(m, path);
			strcpy(m->value[model_find(m, path)], value);
		} else if (op == 1) {
			reply = inproc_str(&ip, XS_MKDIR, 0, path, &type);
			assert_non_null(reply);
			assert_int_equal(type, XS_MKDIR);
			free(reply);
			model_mkdirs(m, path);
		} else if (op == 2) {
			reply = inproc_str(&ip, XS_RM, 0, path, &type);
			assert_non_null(reply);
			ret = model_rm(m, path);
			assert_int_equal(
				type == XS_ERROR ? inproc_errno(reply) : 0,
				ret);
			free(reply);
		} else if (op == 3) {
			assert_int_equal(
				inproc_request(&ip, XS_READ, 0, path,
					strlen(path) + 1, &type, &reply, &len),
				0);
			ret = model_find(m, path);
			if (ret < 0) {
				assert_int_equal(type, XS_ERROR);
				assert_string_equal(reply, "ENOENT");
			} else {
				assert_int_equal(type, XS_READ);
				assert_string_equal(reply, m->value[ret]);
			}
			free(reply);
		} else {
			assert_int_equal(
				inproc_request(&ip, XS_DIRECTORY, 0, path,
					strlen(path) + 1, &type, &reply, &len),
				0);
			if (model_find(m, path) < 0) {
				assert_int_equal(type, XS_ERROR);
			} else {
				elen = model_children(m, path, expect);
				assert_int_equal(type, XS_DIRECTORY);
				assert_int_equal(len, elen);
				assert_memory_equal(reply, expect, len);
			}
			free(reply);
		}
	}
	inproc_stop(&ip);
	free(m);
}

static void test_full_database_gives_enospc_and_reads_keep_working(void **state)
{
	static const char *const args[] = {
		"--database-max-size", "131072", NULL};
	char path[64], big[2000], *reply;
	int i, ret = 0, acked = 0;
	uint32_t type;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		struct inproc ip;

		assert_int_equal(inproc_start(&ip, args), 0);
		for (i = 0; i < 500; i++) {
			snprintf(path, sizeof(path), "/fill/n%d", i);
			ret = inproc_write(&ip, 0, path, big);
			if (ret < 0) {
				break;
			}
			acked++;
		}
		assert_int_equal(ret, -ENOSPC);
		assert_true(acked > 0);
		/* The refused write left nothing behind. */
		reply = inproc_str(&ip, XS_READ, 0, path, &type);
		assert_int_equal(type, XS_ERROR);
		assert_string_equal(reply, "ENOENT");
		free(reply);
		/* Reads of acknowledged writes keep working. */
		reply = inproc_str(&ip, XS_READ, 0, "/fill/n0", &type);
		assert_int_equal(type, XS_READ);
		assert_string_equal(reply, big);
		free(reply);
		/* Deleting frees room; writes work again. */
		reply = inproc_str(&ip, XS_RM, 0, "/fill", &type);
		assert_int_equal(type, XS_RM);
		free(reply);
		assert_int_equal(inproc_write(&ip, 0, "/after", "ok"), 0);
		assert_int_equal(inproc_restart(&ip, args), 0);
		reply = inproc_str(&ip, XS_READ, 0, "/after", &type);
		assert_string_equal(reply, "ok");
		free(reply);
		inproc_stop(&ip);
	}
}

static uint32_t txn_start(struct inproc *ip)
{
	uint32_t type, id;
	char *reply = inproc_str(ip, XS_TRANSACTION_START, 0, "", &type);

	assert_int_equal(type, XS_TRANSACTION_START);
	id = (uint32_t)strtoul(reply, NULL, 10);
	free(reply);
	return id;
}

static int txn_end(struct inproc *ip, uint32_t id, bool commit)
{
	uint32_t type;
	char *reply = inproc_str(
		ip, XS_TRANSACTION_END, id, commit ? "T" : "F", &type);
	int ret = type == XS_ERROR ? inproc_errno(reply) : 0;

	free(reply);
	return ret;
}

static void test_txn_adding_different_children_does_not_conflict(void **state)
{
	struct inproc ip;
	uint32_t t1, t2;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	assert_int_equal(inproc_write(&ip, 0, "/dir/x", "0"), 0);
	t1 = txn_start(&ip);
	t2 = txn_start(&ip);
	assert_int_equal(inproc_write(&ip, t1, "/dir/one", "1"), 0);
	assert_int_equal(inproc_write(&ip, t2, "/dir/two", "2"), 0);
	assert_int_equal(txn_end(&ip, t1, true), 0);
	assert_int_equal(txn_end(&ip, t2, true), 0);
	inproc_stop(&ip);
}

static void test_txn_listing_conflicts_with_a_new_child(void **state)
{
	struct inproc ip;
	uint32_t t1, type;
	char *reply;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	assert_int_equal(inproc_write(&ip, 0, "/dir/x", "0"), 0);
	t1 = txn_start(&ip);
	reply = inproc_str(&ip, XS_DIRECTORY, t1, "/dir", &type);
	assert_int_equal(type, XS_DIRECTORY);
	free(reply);
	assert_int_equal(inproc_write(&ip, t1, "/dir/count", "1"), 0);
	assert_int_equal(inproc_write(&ip, 0, "/dir/new", "n"), 0);
	assert_int_equal(txn_end(&ip, t1, true), -EAGAIN);
	reply = inproc_str(&ip, XS_READ, 0, "/dir/count", &type);
	assert_string_equal(reply, "ENOENT");
	free(reply);
	inproc_stop(&ip);
}

static void test_txn_sees_own_writes_and_commits_atomically(void **state)
{
	struct inproc ip;
	uint32_t t1, type;
	char *reply;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	t1 = txn_start(&ip);
	assert_int_equal(inproc_write(&ip, t1, "/t/a/b", "in"), 0);
	reply = inproc_str(&ip, XS_READ, t1, "/t/a/b", &type);
	assert_string_equal(reply, "in");
	free(reply);
	reply = inproc_str(&ip, XS_DIRECTORY, t1, "/t", &type);
	assert_string_equal(reply, "a");
	free(reply);
	reply = inproc_str(&ip, XS_READ, 0, "/t/a/b", &type);
	assert_string_equal(reply, "ENOENT");
	free(reply);
	reply = inproc_str(&ip, XS_RM, t1, "/t/a", &type);
	free(reply);
	assert_int_equal(inproc_write(&ip, t1, "/t/c", "c"), 0);
	assert_int_equal(txn_end(&ip, t1, true), 0);
	reply = inproc_str(&ip, XS_READ, 0, "/t/a", &type);
	assert_string_equal(reply, "ENOENT");
	free(reply);
	reply = inproc_str(&ip, XS_READ, 0, "/t/c", &type);
	assert_string_equal(reply, "c");
	free(reply);
	inproc_stop(&ip);
}

static void test_directory_part_chunks_a_long_list(void **state)
{
	struct inproc ip;
	char path[96], payload[64], *reply, *all = calloc(1, 65536);
	size_t len, total = 0, off = 0, n;
	uint32_t type;
	int i, count = 0;
	unsigned long gen = 0;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path),
			"/big/child-with-a-rather-long-name-%04d", i);
		assert_int_equal(inproc_write(&ip, 0, path, ""), 0);
	}
	reply = inproc_str(&ip, XS_DIRECTORY, 0, "/big", &type);
	assert_string_equal(reply, "E2BIG");
	free(reply);
	for (;;) {
		n = (size_t)snprintf(payload, sizeof(payload), "/big") + 1;
		n += (size_t)snprintf(
			     payload + n, sizeof(payload) - n, "%zu", off) +
		     1;
		assert_int_equal(inproc_request(&ip, XS_DIRECTORY_PART, 0,
					 payload, n, &type, &reply, &len),
			0);
		assert_int_equal(type, XS_DIRECTORY_PART);
		assert_true(len <= XENSTORE_PAYLOAD_MAX);
		if (gen == 0) {
			gen = strtoul(reply, NULL, 10);
		}
		assert_int_equal(strtoul(reply, NULL, 10), gen);
		n = strlen(reply) + 1;
		memcpy(all + total, reply + n, len - n);
		total += len - n;
		off += len - n;
		if (len >= 2 && reply[len - 1] == '\0' &&
			reply[len - 2] == '\0') {
			total--; /* the terminating empty name */
			free(reply);
			break;
		}
		free(reply);
	}
	for (off = 0; off < total; off += strlen(all + off) + 1) {
		count++;
	}
	assert_int_equal(count, 300);
	free(all);
	inproc_stop(&ip);
}

static void test_failed_write_leaves_no_parents_behind(void **state)
{
	struct inproc ip;
	uint32_t type;
	char *reply;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	reply = inproc_str(&ip, XS_GET_QUOTA, 0, "nodes", &type);
	assert_string_equal(reply, "1000");
	free(reply);
	/* dom0 is exempt until a quota is set for domid 0 itself. */
	assert_non_null(reply = inproc_str(&ip, XS_CONTROL, 0, "quota", &type));
	free(reply);
	assert_int_equal(inproc_request(&ip, XS_SET_QUOTA, 0, "0\0nodes\0005",
				 10, &type, &reply, &(size_t){0}),
		0);
	assert_int_equal(type, XS_SET_QUOTA);
	free(reply);
	/* "/" counts for dom0: 1 + /a/b/c/d/e = 6 > 5. */
	assert_int_equal(inproc_write(&ip, 0, "/a/b/c/d/e", "x"), -ENOSPC);
	reply = inproc_str(&ip, XS_READ, 0, "/a", &type);
	assert_string_equal(reply, "ENOENT");
	free(reply);
	assert_int_equal(inproc_write(&ip, 0, "/a/b", "x"), 0);
	inproc_stop(&ip);
}

static void test_nodes_may_be_owned_by_any_16_bit_domid(void **state)
{
	struct inproc ip;
	uint32_t type;
	char *reply;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	assert_int_equal(inproc_write(&ip, 0, "/odd", "x"), 0);
	assert_int_equal(inproc_request(&ip, XS_SET_PERMS, 0, "/odd\0n65535",
				 12, &type, &reply, &(size_t){0}),
		0);
	assert_int_equal(type, XS_SET_PERMS);
	free(reply);
	assert_int_equal(inproc_write(&ip, 0, "/odd/child", "y"), 0);
	reply = inproc_str(&ip, XS_RM, 0, "/odd", &type);
	assert_int_equal(type, XS_RM);
	free(reply);
	inproc_stop(&ip);
}

static void test_watch_event_longer_than_a_payload_is_dropped(void **state)
{
	struct inproc ip;
	char watch[4096], path[3000];
	uint32_t type;
	size_t n;
	char *reply;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	/* WATCH "/" with a 3000-byte token: fits in its request. */
	watch[0] = '/';
	watch[1] = '\0';
	memset(watch + 2, 't', 3000);
	watch[3002] = '\0';
	assert_int_equal(inproc_request(&ip, XS_WATCH, 0, watch, 3003, &type,
				 &reply, &n),
		0);
	assert_int_equal(type, XS_WATCH);
	free(reply);
	/* Collect the initial event. */
	reply = inproc_str(&ip, XS_GET_DOMAIN_PATH, 0, "0", &type);
	free(reply);
	ip.events = 0;
	/* An event on a 2000-byte path would be 5000 bytes: dropped. */
	memset(path, 'p', sizeof(path));
	path[0] = '/';
	path[2000] = '\0';
	assert_int_equal(inproc_write(&ip, 0, path, "v"), 0);
	assert_int_equal(inproc_write(&ip, 0, "/short", "v"), 0);
	reply = inproc_str(&ip, XS_GET_DOMAIN_PATH, 0, "0", &type);
	assert_non_null(reply);
	free(reply);
	/* The connection still works and got the short event only. */
	assert_int_equal(ip.events, 1);
	assert_memory_equal(ip.last_event, "/short ttt", 10);
	inproc_stop(&ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_matches_reference_model),
		cmocka_unit_test(
			test_full_database_gives_enospc_and_reads_keep_working),
		cmocka_unit_test(
			test_txn_adding_different_children_does_not_conflict),
		cmocka_unit_test(test_txn_listing_conflicts_with_a_new_child),
		cmocka_unit_test(
			test_txn_sees_own_writes_and_commits_atomically),
		cmocka_unit_test(test_directory_part_chunks_a_long_list),
		cmocka_unit_test(test_failed_write_leaves_no_parents_behind),
		cmocka_unit_test(test_nodes_may_be_owned_by_any_16_bit_domid),
		cmocka_unit_test(
			test_watch_event_longer_than_a_payload_is_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
