/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Requests from unprivileged domains, through the real request path in
 * process (inproc.h): the permission matrix of docs/misc/xenstore.txt
 * (owner, n/r/w/b entries, default access, SET_TARGET), ownership of
 * created nodes, SET_PERMS rules, per-domain quotas (xenstored/domain.c),
 * watch events filtered by read access, and the messages reserved to the
 * privileged domain. Domains reach the daemon over rings in a later
 * component; here a test connection simply speaks for a domid.
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

/** The error of a request with a payload of len bytes, or 0. */
static int req_err_len(
	struct inproc *ip, uint32_t type, const char *payload, size_t len)
{
	uint32_t rtype;
	char *reply;
	int ret;

	assert_int_equal(inproc_request(ip, type, 0, payload, len, &rtype,
				 &reply, &(size_t){0}),
		0);
	ret = rtype == XS_ERROR ? inproc_errno(reply) : 0;
	free(reply);
	return ret;
}

/* A literal payload with its final NUL (embedded NULs kept). */
#define req_err(ip, type, lit) req_err_len(ip, type, lit, sizeof(lit))

static int set_perms(struct inproc *ip, const char *path, const char *perms)
{
	char buf[256];
	size_t n = strlen(path) + 1, len = n, i;
	uint32_t type;
	char *reply;
	int ret;

	memcpy(buf, path, n);
	/* perms: space-separated entries */
	for (i = 0; perms[i]; i++) {
		buf[len++] = perms[i] == ' ' ? '\0' : perms[i];
	}
	buf[len++] = '\0';
	assert_int_equal(inproc_request(ip, XS_SET_PERMS, 0, buf, len, &type,
				 &reply, &(size_t){0}),
		0);
	ret = type == XS_ERROR ? inproc_errno(reply) : 0;
	free(reply);
	return ret;
}

static char *get_perms(struct inproc *ip, const char *path)
{
	uint32_t type;
	size_t len, i;
	char *reply;

	assert_int_equal(inproc_request(ip, XS_GET_PERMS, 0, path,
				 strlen(path) + 1, &type, &reply, &len),
		0);
	for (i = 0; i + 1 < len; i++) {
		if (reply[i] == '\0') {
			reply[i] = ' ';
		}
	}
	return reply;
}

/** dom0 makes /local/domain/5 owned by 5 and a few test nodes. */
static void setup_tree(struct inproc *ip)
{
	inproc_use(ip, 0);
	assert_int_equal(inproc_write(ip, 0, "/local/domain/5/x", "mine"), 0);
	assert_int_equal(set_perms(ip, "/local/domain/5", "n5"), 0);
	assert_int_equal(set_perms(ip, "/local/domain/5/x", "n5"), 0);
	assert_int_equal(inproc_write(ip, 0, "/secret", "s"), 0);
	assert_int_equal(inproc_write(ip, 0, "/readable", "r"), 0);
	assert_int_equal(set_perms(ip, "/readable", "n0 r5"), 0);
	assert_int_equal(inproc_write(ip, 0, "/writable", "w"), 0);
	assert_int_equal(set_perms(ip, "/writable", "n0 w5"), 0);
	assert_int_equal(inproc_write(ip, 0, "/both", "b"), 0);
	assert_int_equal(set_perms(ip, "/both", "n0 b5 n6"), 0);
	assert_int_equal(inproc_write(ip, 0, "/public", "p"), 0);
	assert_int_equal(set_perms(ip, "/public", "r0 n6"), 0);
}

static void test_permission_matrix_by_domain(void **state)
{
	static const struct {
		const char *path;
		unsigned int domid;
		int read, write;
	} cases[] = {
		{"/secret", 5, -EACCES, -EACCES},
		{"/readable", 5, 0, -EACCES},
		{"/writable", 5, -EACCES, 0},
		{"/both", 5, 0, 0},
		{"/both", 6, -EACCES, -EACCES},
		{"/public", 5, 0, -EACCES},
		{"/public", 6, -EACCES, -EACCES},
		{"/public", 7, 0, -EACCES},
		{"/local/domain/5/x", 5, 0, 0},
		{"/local/domain/5/x", 6, -EACCES, -EACCES},
		{"/secret", 0, 0, 0},
	};
	struct inproc ip;
	int idx[8] = {0};
	size_t i;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	setup_tree(&ip);
	idx[5] = inproc_connect(&ip, 5);
	idx[6] = inproc_connect(&ip, 6);
	idx[7] = inproc_connect(&ip, 7);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char w[128];

		inproc_use(&ip, idx[cases[i].domid]);
		assert_int_equal(req_err_len(&ip, XS_READ, cases[i].path,
					 strlen(cases[i].path) + 1),
			cases[i].read);
		snprintf(w, sizeof(w), "%s", cases[i].path);
		assert_int_equal(
			inproc_write(&ip, 0, w, "new"), cases[i].write);
	}
	inproc_stop(&ip);
}

static void test_domain_owns_what_it_creates_and_relative_paths(void **state)
{
	struct inproc ip;
	char *perms;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	setup_tree(&ip);
	inproc_connect(&ip, 5);
	assert_int_equal(inproc_write(&ip, 0, "data/a/b", "v"), 0);
	perms = get_perms(&ip, "/local/domain/5/data/a/b");
	assert_string_equal(perms, "n5");
	free(perms);
	/* Creating needs write access to the nearest existing ancestor. */
	assert_int_equal(inproc_write(&ip, 0, "/secret/child", "x"), -EACCES);
	assert_int_equal(inproc_write(&ip, 0, "/writable/child", "x"), 0);
	perms = get_perms(&ip, "/writable/child");
	assert_string_equal(perms, "n5 w5");
	free(perms);
	inproc_stop(&ip);
}

static void test_set_perms_rules_for_unprivileged_domains(void **state)
{
	struct inproc ip;
	char *perms;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	setup_tree(&ip);
	inproc_connect(&ip, 5);
	/* The owner may change the other entries... */
	assert_int_equal(set_perms(&ip, "/local/domain/5/x", "n5 r6"), 0);
	perms = get_perms(&ip, "/local/domain/5/x");
	assert_string_equal(perms, "n5 r6");
	free(perms);
	/* ...but not give the node away; others may not touch it. */
	assert_int_equal(set_perms(&ip, "/local/domain/5/x", "n6"), -EPERM);
	assert_int_equal(set_perms(&ip, "/both", "n0 b5"), -EACCES);
	/* More entries than the node-permissions quota (5). */
	assert_int_equal(
		set_perms(&ip, "/local/domain/5/x", "n5 r1 r2 r3 r4 r6"),
		-ENOSPC);
	inproc_stop(&ip);
}

static void test_target_domain_acts_as_the_owner(void **state)
{
	struct inproc ip;
	struct xs_domain *dom;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	setup_tree(&ip);
	/* A device model domain (6) serving domain 5. Both introduced. */
	xs_domain_get(&ip.xs, 5, true)->introduced = true;
	dom = xs_domain_get(&ip.xs, 6, true);
	dom->introduced = true;
	assert_int_equal(req_err(&ip, XS_SET_TARGET, "6"), -EINVAL);
	{
		uint32_t type;
		char *reply;

		assert_int_equal(inproc_request(&ip, XS_SET_TARGET, 0, "6\0005",
					 4, &type, &reply, &(size_t){0}),
			0);
		assert_int_equal(type, XS_SET_TARGET);
		free(reply);
	}
	assert_int_equal(dom->target, 5);
	inproc_connect(&ip, 6);
	assert_int_equal(req_err(&ip, XS_READ, "/local/domain/5/x"), 0);
	assert_int_equal(inproc_write(&ip, 0, "/local/domain/5/x", "dm"), 0);
	/* It also inherits 5's grants: /readable grants r5. */
	assert_int_equal(req_err(&ip, XS_READ, "/readable"), 0);
	inproc_stop(&ip);
}

static void test_unprivileged_quotas_apply(void **state)
{
	static const char *const args[] = {
		"-E", "6", "-W", "2", "-t", "1", "-S", "64", NULL};
	struct inproc ip;
	char big[100];
	uint32_t type, tx;
	char *reply;

	assert_int_equal(inproc_start(&ip, args), 0);
	setup_tree(&ip); /* dom5 owns 2 nodes */
	inproc_connect(&ip, 5);
	assert_int_equal(inproc_write(&ip, 0, "a", ""), 0);
	assert_int_equal(inproc_write(&ip, 0, "b", ""), 0);
	assert_int_equal(inproc_write(&ip, 0, "c", ""), 0);
	assert_int_equal(inproc_write(&ip, 0, "d", ""), 0); /* 6 nodes */
	assert_int_equal(inproc_write(&ip, 0, "e", ""), -ENOSPC);
	assert_int_equal(req_err(&ip, XS_RM, "d"), 0);
	assert_int_equal(inproc_write(&ip, 0, "e", ""), 0);
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(inproc_write(&ip, 0, "a", big), -ENOSPC);
	assert_int_equal(req_err(&ip, XS_WATCH, "a\0t1"), 0);
	assert_int_equal(req_err(&ip, XS_WATCH, "b\0t2"), 0);
	assert_int_equal(req_err(&ip, XS_WATCH, "c\0t3"), -E2BIG);
	reply = inproc_str(&ip, XS_TRANSACTION_START, 0, "", &type);
	assert_int_equal(type, XS_TRANSACTION_START);
	tx = (uint32_t)strtoul(reply, NULL, 10);
	free(reply);
	assert_true(tx != 0);
	assert_int_equal(req_err(&ip, XS_TRANSACTION_START, ""), -ENOSPC);
	/* dom0 is exempt from the global values. */
	inproc_use(&ip, 0);
	assert_int_equal(inproc_write(&ip, 0, "/d0/a/b/c/d/e/f/g", ""), 0);
	inproc_stop(&ip);
}

static void test_watch_events_need_read_access(void **state)
{
	struct inproc ip;
	int w;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	setup_tree(&ip);
	w = inproc_connect(&ip, 5);
	assert_int_equal(req_err(&ip, XS_WATCH, "/\0all"), 0);
	/* Collect the initial event, then count from zero. */
	assert_int_equal(req_err(&ip, XS_GET_DOMAIN_PATH, "5"), 0);
	assert_int_equal(ip.events, 1);
	ip.events = 0;
	inproc_use(&ip, 0);
	assert_int_equal(inproc_write(&ip, 0, "/secret", "s2"), 0);
	assert_int_equal(inproc_write(&ip, 0, "/readable", "r2"), 0);
	inproc_use(&ip, w);
	/* A round trip collects what was queued: one event only. */
	assert_int_equal(req_err(&ip, XS_GET_DOMAIN_PATH, "5"), 0);
	assert_int_equal(ip.events, 1);
	assert_string_equal(ip.last_event, "/readable all");
	inproc_stop(&ip);
}

static void test_privileged_messages_are_refused(void **state)
{
	struct inproc ip;

	assert_int_equal(inproc_start(&ip, NULL), 0);
	inproc_connect(&ip, 5);
	assert_int_equal(req_err(&ip, XS_CONTROL, "stats"), -EACCES);
	assert_int_equal(req_err(&ip, XS_GET_QUOTA, "nodes"), -EACCES);
	assert_int_equal(req_err(&ip, XS_SET_QUOTA, "nodes\0009"), -EACCES);
	assert_int_equal(req_err(&ip, XS_INTRODUCE, "3\0001\0002"), -EACCES);
	assert_int_equal(req_err(&ip, XS_RELEASE, "3"), -EACCES);
	assert_int_equal(req_err(&ip, XS_SET_FEATURE, "3\0004"), -EACCES);
	assert_int_equal(req_err(&ip, XS_GET_FEATURE, "3"), -EACCES);
	assert_int_equal(req_err_len(&ip, XS_GET_FEATURE, NULL, 0), 0);
	assert_int_equal(req_err(&ip, XS_SET_PERMS, "/\0b5"), -EACCES);
	inproc_stop(&ip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permission_matrix_by_domain),
		cmocka_unit_test(
			test_domain_owns_what_it_creates_and_relative_paths),
		cmocka_unit_test(test_set_perms_rules_for_unprivileged_domains),
		cmocka_unit_test(test_target_domain_acts_as_the_owner),
		cmocka_unit_test(test_unprivileged_quotas_apply),
		cmocka_unit_test(test_watch_events_need_read_access),
		cmocka_unit_test(test_privileged_messages_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
