/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of restarting xenstored on the same database: the
 * tree, values and permissions persist across SIGTERM and SIGKILL, open
 * transactions do not, and SIGTERM/SIGINT end the daemon with status 0
 * (docs/xenstored.md: "Command line", --durability "process").
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

/** Close every connection, SIGTERM (exit 0 asserted), start again. */
static void restart(struct xst_daemon *d)
{
	while (d->conns != NULL) {
		xst_close(d->conns);
	}
	xst_daemon_stop(d);
	xst_daemon_start(d, NULL);
}

/** SIGKILL, then start again on the same database and socket path. */
static void kill_and_restart(struct xst_daemon *d)
{
	while (d->conns != NULL) {
		xst_close(d->conns);
	}
	xst_daemon_kill(d);
	xst_daemon_start(d, NULL);
}

static void test_nodes_values_and_permissions_survive_restart(void **state)
{
	static const char bin[] = {'x', '\0', 'y'};
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *v;

	xst_write(c, 0, "/keep/a", "alpha");
	xst_write(c, 0, "/keep/b/c", "gamma");
	xst_write_bin(c, 0, "/keep/bin", bin, sizeof(bin));
	xst_mkdir(c, 0, "/keep/empty");
	xst_set_perms(c, 0, "/keep/a", "r5,b7,n9");
	xst_set_perms(c, 0, "/keep/b", "b3");
	xst_write(c, 0, "rel", "relative");
	restart(*state);
	c = conn(state);
	xst_assert_dir(c, 0, "/keep", "a,b,bin,empty");
	xst_assert_read(c, 0, "/keep/a", "alpha");
	xst_assert_read(c, 0, "/keep/b/c", "gamma");
	xst_assert_read(c, 0, "/keep/b", "");
	xst_assert_read(c, 0, "/keep/empty", "");
	v = xst_read(c, 0, "/keep/bin", &len);
	assert_int_equal(len, sizeof(bin));
	assert_memory_equal(v, bin, sizeof(bin));
	free(v);
	xst_assert_perms(c, 0, "/keep/a", "r5,b7,n9");
	xst_assert_perms(c, 0, "/keep/b", "b3");
	xst_assert_perms(c, 0, "/keep/b/c", "n0");
	xst_assert_read(c, 0, "/local/domain/0/rel", "relative");
}

static void test_removed_nodes_stay_removed_after_restart(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/gone/a/b", "1");
	xst_write(c, 0, "/gone/keep", "2");
	xst_rm(c, 0, "/gone/a");
	restart(*state);
	c = conn(state);
	xst_assert_path_err(c, XS_READ, 0, "/gone/a", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/gone/a/b", "ENOENT");
	xst_assert_dir(c, 0, "/gone", "keep");
}

static void test_committed_transaction_survives_restart(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx = xst_txn_start(c);

	xst_write(c, tx, "/txn/a", "committed");
	xst_set_perms(c, tx, "/txn/a", "b2");
	xst_txn_end(c, tx, true, NULL);
	restart(*state);
	c = conn(state);
	xst_assert_read(c, 0, "/txn/a", "committed");
	xst_assert_perms(c, 0, "/txn/a", "b2");
}

static void test_open_transaction_is_discarded_by_restart(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/txn/a", "before");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/txn/a", "uncommitted");
	xst_write(c, tx, "/txn/new", "uncommitted");
	restart(*state);
	c = conn(state);
	xst_assert_read(c, 0, "/txn/a", "before");
	xst_assert_path_err(c, XS_READ, 0, "/txn/new", "ENOENT");
	xst_assert_path_err(c, XS_READ, tx, "/txn/a", "ENOENT");
}

static void test_acknowledged_write_survives_sigkill(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/acked", "yes");
	xst_set_perms(c, 0, "/acked", "r4");
	xst_rm(c, 0, "/acked-missing-is-fine");
	kill_and_restart(*state);
	c = conn(state);
	xst_assert_read(c, 0, "/acked", "yes");
	xst_assert_perms(c, 0, "/acked", "r4");
}

static void test_sigint_stops_the_daemon_with_status_0(void **state)
{
	struct xst_daemon *d = *state;
	struct xst_conn *c = conn(state);
	int status;

	xst_write(c, 0, "/int", "1");
	xst_close(c);
	kill(d->pid, SIGINT);
	status = xst_daemon_wait_exit(d, 10000);
	assert_true(status != -1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	xst_daemon_start(d, NULL);
	c = conn(state);
	xst_assert_read(c, 0, "/int", "1");
}

static void test_repeated_restarts_keep_every_round_of_writes(void **state)
{
	struct xst_daemon *d = *state;

	for (unsigned int round = 0; round < 5; round++) {
		struct xst_conn *c = conn(state);
		char path[32];
		char value[32];

		for (unsigned int r = 0; r < round; r++) {
			snprintf(path, sizeof(path), "/rounds/%u", r);
			snprintf(value, sizeof(value), "value %u", r);
			xst_assert_read(c, 0, path, value);
		}
		snprintf(path, sizeof(path), "/rounds/%u", round);
		snprintf(value, sizeof(value), "value %u", round);
		xst_write(c, 0, path, value);
		if (round % 2) {
			kill_and_restart(d);
		} else {
			restart(d);
		}
	}
}

/** The generation count of DIRECTORY_PART for path (first chunk). */
static char *gencnt(struct xst_conn *c, const char *path)
{
	char buf[128];
	uint32_t len = xst_join(buf, sizeof(buf), path, "0", NULL);
	char *v = xst_call_data(c, XS_DIRECTORY_PART, 0, buf, len, &len);

	assert_true(strnlen(v, len) < len);
	return v;
}

static void test_generation_counts_are_not_reused_after_restart(void **state)
{
	struct xst_conn *c = conn(state);
	char *before;
	char *after;

	xst_write(c, 0, "/gen/a", "");
	before = gencnt(c, "/gen");
	kill_and_restart(*state);
	c = conn(state);
	xst_write(c, 0, "/gen/b", "");
	after = gencnt(c, "/gen");
	assert_string_not_equal(before, after);
	free(after);
	xst_rm(c, 0, "/gen/b");
	after = gencnt(c, "/gen");
	assert_string_not_equal(before, after);
	free(after);
	free(before);
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nodes_values_and_permissions_survive_restart),
		T(test_removed_nodes_stay_removed_after_restart),
		T(test_committed_transaction_survives_restart),
		T(test_open_transaction_is_discarded_by_restart),
		T(test_acknowledged_write_survives_sigkill),
		T(test_sigint_stops_the_daemon_with_status_0),
		T(test_repeated_restarts_keep_every_round_of_writes),
		T(test_generation_counts_are_not_reused_after_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
