/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xenstored/path.c (docs/misc/xenstore.txt path rules),
 * xenstored/perms.c (permission strings and the access rule),
 * xenstored/hash.c, xenstored/proto.c argument splitting and error
 * names, and xenstored/config.c (command line and the JSON file, with
 * good and bad files in tests/xenstored/data/).
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

#include "xenstored.h"

static struct xenstored unit_xs;
static struct xs_conn unit_conn;

/** A connection of domain domid (not on any socket). */
static struct xs_conn *unit_conn_of(unsigned int domid)
{
	unit_conn.xs = &unit_xs;
	unit_conn.domain = xs_domain_get(&unit_xs, domid, true);
	return &unit_conn;
}

static int unit_setup(void **state)
{
	memset(&unit_xs, 0, sizeof(unit_xs));
	xs_config_init(&unit_xs.cfg);
	xs_config_merge(&unit_xs.cfg, &unit_xs.cfg);
	LIST_INIT(&unit_xs.domains);
	return 0;
}

static int unit_teardown(void **state)
{
	xs_domain_free_all(&unit_xs);
	xs_config_fini(&unit_xs.cfg);
	return 0;
}

static void test_path_validity_follows_the_spec(void **state)
{
	char longp[XENSTORE_ABS_PATH_MAX + 2];

	assert_true(xs_path_is_valid("/"));
	assert_true(xs_path_is_valid("/local/domain/0/name"));
	assert_true(xs_path_is_valid("/a-b_c@d/0"));
	assert_false(xs_path_is_valid(""));
	assert_false(xs_path_is_valid("a/b"));
	assert_false(xs_path_is_valid("/a//b"));
	assert_false(xs_path_is_valid("/a/"));
	assert_false(xs_path_is_valid("/a b"));
	assert_false(xs_path_is_valid("/a.b"));
	assert_false(xs_path_is_valid("/a\tb"));
	memset(longp, 'x', sizeof(longp));
	longp[0] = '/';
	longp[XENSTORE_ABS_PATH_MAX] = '\0';
	assert_true(xs_path_is_valid(longp));
	longp[XENSTORE_ABS_PATH_MAX] = 'x';
	longp[XENSTORE_ABS_PATH_MAX + 1] = '\0';
	assert_false(xs_path_is_valid(longp));
}

static void test_relative_paths_resolve_below_the_domain(void **state)
{
	char *out;

	assert_int_equal(
		xs_path_resolve(unit_conn_of(7), "device/vif", false, &out), 0);
	assert_string_equal(out, "/local/domain/7/device/vif");
	free(out);
	assert_int_equal(
		xs_path_resolve(unit_conn_of(0), "@releaseDomain", false, &out),
		-EINVAL);
	assert_int_equal(
		xs_path_resolve(unit_conn_of(0), "@releaseDomain", true, &out),
		0);
	assert_string_equal(out, "@releaseDomain");
	free(out);
	assert_int_equal(
		xs_path_resolve(unit_conn_of(0), "", false, &out), -EINVAL);
}

static void test_path_max_quota_measures_the_domain_relative_part(void **state)
{
	char rel[40], *out;

	unit_xs.cfg.quota[XS_Q_PATH_MAX] = 10;
	assert_int_equal(xs_path_domain_relative_len("/local/domain/3/abc"), 3);
	assert_int_equal(xs_path_domain_relative_len("/vm/abc"), 7);
	snprintf(rel, sizeof(rel), "0123456789");
	assert_int_equal(xs_path_resolve(unit_conn_of(3), rel, false, &out), 0);
	free(out);
	snprintf(rel, sizeof(rel), "0123456789a");
	assert_int_equal(
		xs_path_resolve(unit_conn_of(3), rel, false, &out), -EINVAL);
	/* dom0 is exempt unless a quota is set for it. */
	assert_int_equal(xs_path_resolve(unit_conn_of(0), rel, false, &out), 0);
	free(out);
}

static void test_path_helpers(void **state)
{
	char *parent;

	assert_int_equal(xs_path_parent("/a/b/c", &parent), 0);
	assert_string_equal(parent, "/a/b");
	free(parent);
	assert_int_equal(xs_path_parent("/a", &parent), 0);
	assert_string_equal(parent, "/");
	free(parent);
	assert_int_equal(xs_path_parent("/", &parent), -EINVAL);
	assert_true(xs_path_is_child("/a/b", "/a"));
	assert_true(xs_path_is_child("/a", "/a"));
	assert_true(xs_path_is_child("/a", "/"));
	assert_false(xs_path_is_child("/ab", "/a"));
	assert_int_equal(xs_path_depth_below("/a/b/c", "/a"), 2);
	assert_int_equal(xs_path_depth_below("/a", "/"), 1);
	assert_int_equal(xs_path_depth_below("/a", "/a"), 0);
}

static void test_perms_parse_and_format_round_trip(void **state)
{
	static const char wire[] = "b0\0r3\0w5\0n65535";
	struct xs_perm *perms;
	char *out;
	size_t len;

	assert_int_equal(xs_perms_parse(wire, sizeof(wire), 4, &perms), 0);
	assert_int_equal(perms[0].access, XS_PERM_BOTH);
	assert_int_equal(perms[1].id, 3);
	assert_int_equal(perms[1].access, XS_PERM_READ);
	assert_int_equal(perms[2].access, XS_PERM_WRITE);
	assert_int_equal(perms[3].id, 65535);
	assert_int_equal(xs_perms_format(perms, 4, &out, &len), 0);
	assert_int_equal(len, sizeof(wire));
	assert_memory_equal(out, wire, len);
	free(out);
	free(perms);
}

static void test_perms_reject_malformed_entries(void **state)
{
	struct xs_perm *perms;

	assert_int_equal(xs_perms_parse("x0", 3, 1, &perms), -EINVAL);
	assert_int_equal(xs_perms_parse("r", 2, 1, &perms), -EINVAL);
	assert_int_equal(xs_perms_parse("r-1", 4, 1, &perms), -EINVAL);
	assert_int_equal(xs_perms_parse("r65536", 7, 1, &perms), -EINVAL);
	assert_int_equal(xs_perms_parse("r1x", 4, 1, &perms), -EINVAL);
	assert_int_equal(xs_perms_parse("r1", 3, 2, &perms), -EINVAL);
}

static void test_perms_access_rule(void **state)
{
	/* Owned by 5, others read, 7 none, 8 write. */
	const struct xs_perm perms[] = {
		{5, XS_PERM_READ}, {7, XS_PERM_NONE}, {8, XS_PERM_WRITE}};

	assert_int_equal(
		xs_perms_access(unit_conn_of(0), perms, 3), XS_PERM_BOTH);
	assert_int_equal(
		xs_perms_access(unit_conn_of(5), perms, 3), XS_PERM_BOTH);
	assert_int_equal(
		xs_perms_access(unit_conn_of(6), perms, 3), XS_PERM_READ);
	assert_int_equal(
		xs_perms_access(unit_conn_of(7), perms, 3), XS_PERM_NONE);
	assert_int_equal(
		xs_perms_access(unit_conn_of(8), perms, 3), XS_PERM_WRITE);
	/* A domain targeting the owner acts as the owner. */
	unit_conn_of(9)->domain->target = 5;
	assert_int_equal(
		xs_perms_access(unit_conn_of(9), perms, 3), XS_PERM_BOTH);
}

static void test_hash_put_get_remove_and_grow(void **state)
{
	struct xs_hash *h = xs_hash_new();
	char key[32];
	int i, values[1000];

	assert_non_null(h);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/k/%d", i);
		values[i] = i;
		assert_int_equal(xs_hash_put(h, key, &values[i]), 0);
	}
	assert_int_equal(xs_hash_count(h), 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "/k/%d", i);
		assert_ptr_equal(xs_hash_get(h, key), &values[i]);
	}
	assert_ptr_equal(xs_hash_remove(h, "/k/10"), &values[10]);
	assert_null(xs_hash_get(h, "/k/10"));
	assert_null(xs_hash_remove(h, "/k/10"));
	assert_int_equal(xs_hash_count(h), 999);
	xs_hash_free(h);
}

static void test_proto_splits_arguments_exactly(void **state)
{
	struct xs_req req = {0};
	const char *argv[2];

	req.payload = "a\0b";
	req.hdr.len = 4;
	assert_int_equal(xs_proto_get_args(&req, argv, 2), 0);
	assert_string_equal(argv[1], "b");
	assert_int_equal(xs_proto_get_args(&req, argv, 1), -EINVAL);
	req.hdr.len = 3; /* "b" without its NUL */
	assert_int_equal(xs_proto_get_args(&req, argv, 2), -EINVAL);
	assert_string_equal(xs_proto_error_name(-ENOENT), "ENOENT");
	assert_string_equal(xs_proto_error_name(-E2BIG), "E2BIG");
	assert_string_equal(xs_proto_error_name(-ENAMETOOLONG), "EIO");
}

static char *unit_data(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", getenv("TEST_DATA_DIR"), name);
	return path;
}

static void test_config_file_sets_every_key(void **state)
{
	struct xs_config cfg;

	xs_config_init(&cfg);
	assert_int_equal(
		xs_config_load_file(&cfg, unit_data("config-good.json")), 0);
	assert_string_equal(cfg.socket_path, "/tmp/xs-config-test/sock");
	assert_int_equal(cfg.log_level, LOG_LEVEL_DEBUG);
	assert_true(cfg.power_durable);
	assert_int_equal(cfg.db_max_size, 1048576);
	assert_int_equal(cfg.quota[XS_Q_NODES], 50);
	assert_int_equal(cfg.quota[XS_Q_WATCHES], 7);
	assert_int_equal(cfg.quota_soft[XS_Q_NODES], 40);
	assert_int_equal(cfg.domain_quota_count, 2);
	xs_config_fini(&cfg);
}

static void test_config_file_errors_are_refused(void **state)
{
	static const char *const bad[] = {"config-unknown-quota.json",
		"config-negative.json", "config-unknown-key.json",
		"config-bad-level.json", "config-bad-domid.json",
		"config-duplicate.json", "config-truncated.json",
		"config-missing.json"};
	struct xs_config cfg;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xs_config_init(&cfg);
		assert_int_equal(
			xs_config_load_file(&cfg, unit_data(bad[i])), -EINVAL);
		xs_config_fini(&cfg);
	}
}

static void test_command_line_wins_over_the_file(void **state)
{
	char *argv[] = {"xenstored", "-W", "99", "--quota", "nodes=5",
		"--log-level", "warn", "--durability", "process", NULL};
	char *bad[] = {"xenstored", "--quota", "nodes=x", NULL};
	struct xs_config cli, file;
	bool exit_now;

	xs_config_init(&cli);
	assert_int_equal(xs_config_parse_args(&cli, 9, argv, &exit_now), 0);
	assert_false(exit_now);
	xs_config_init(&file);
	assert_int_equal(
		xs_config_load_file(&file, unit_data("config-good.json")), 0);
	xs_config_merge(&file, &cli);
	assert_int_equal(file.quota[XS_Q_WATCHES], 99);
	assert_int_equal(file.quota[XS_Q_NODES], 5);
	assert_int_equal(file.log_level, LOG_LEVEL_WARN);
	assert_int_equal(file.quota[XS_Q_NODE_SIZE], 2048); /* default */
	xs_config_fini(&file);
	xs_config_fini(&cli);
	xs_config_init(&cli);
	assert_int_equal(
		xs_config_parse_args(&cli, 3, bad, &exit_now), -EINVAL);
	xs_config_fini(&cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_validity_follows_the_spec),
		cmocka_unit_test_setup_teardown(
			test_relative_paths_resolve_below_the_domain,
			unit_setup, unit_teardown),
		cmocka_unit_test_setup_teardown(
			test_path_max_quota_measures_the_domain_relative_part,
			unit_setup, unit_teardown),
		cmocka_unit_test(test_path_helpers),
		cmocka_unit_test(test_perms_parse_and_format_round_trip),
		cmocka_unit_test(test_perms_reject_malformed_entries),
		cmocka_unit_test_setup_teardown(
			test_perms_access_rule, unit_setup, unit_teardown),
		cmocka_unit_test(test_hash_put_get_remove_and_grow),
		cmocka_unit_test(test_proto_splits_arguments_exactly),
		cmocka_unit_test(test_config_file_sets_every_key),
		cmocka_unit_test(test_config_file_errors_are_refused),
		cmocka_unit_test(test_command_line_wins_over_the_file),
	};

	log_init("test_units", LOG_LEVEL_ERR);
	log_set_enabled(false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
