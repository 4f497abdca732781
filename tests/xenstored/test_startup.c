/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of xenstored's start-up: a database that is not one,
 * or that cannot be created, and bad configuration files or options make
 * the daemon exit with a non-zero status and a message on stderr, never a
 * crash; good ones are honoured (docs/xenstored.md: "Command line",
 * "Configuration file").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define EXIT_TIMEOUT_MS 10000

/**
 * Run the daemon with args to its exit; assert it exited by itself with a
 * non-zero status and logged a message containing each of the needles.
 */
static void assert_refused(struct xst_daemon *d, const char *const *args,
	const char *needle1, const char *needle2)
{
	char *log;
	int status;

	/* Only this run's messages count. */
	assert_int_equal(
		truncate(d->log, 0) == 0 || access(d->log, F_OK) != 0, 1);
	status = xst_daemon_run_to_exit(d, args, EXIT_TIMEOUT_MS);
	log = xst_daemon_log(d);

	if (status == -1) {
		fail_msg("daemon still running after %d ms; log:\n%s",
			EXIT_TIMEOUT_MS, log);
	}
	if (WIFSIGNALED(status)) {
		fail_msg("daemon died of signal %d; log:\n%s", WTERMSIG(status),
			log);
	}
	if (WEXITSTATUS(status) == 0) {
		fail_msg("daemon exited with status 0; log:\n%s", log);
	}
	if (strlen(log) == 0) {
		fail_msg("daemon exited with %d and said nothing",
			WEXITSTATUS(status));
	}
	if ((needle1 && strstr(log, needle1) == NULL) ||
		(needle2 && strstr(log, needle2) == NULL)) {
		fail_msg("message lacks \"%s\"%s%s%s:\n%s", needle1,
			needle2 ? " or \"" : "", needle2 ? needle2 : "",
			needle2 ? "\"" : "", log);
	}
	print_message(
		"note: refused with: %.*s\n", (int)strcspn(log, "\n"), log);
	free(log);
}

static void test_garbage_database_file_is_refused_with_a_message(void **state)
{
	struct xst_daemon *d = *state;
	const char *const args[] = {
		"--socket", d->sock, "--database", d->db, NULL};
	char junk[8192];
	unsigned int seed = 7;

	for (size_t i = 0; i < sizeof(junk); i++) {
		seed = seed * 1103515245u + 12345u;
		junk[i] = (char)(seed >> 16);
	}
	xst_daemon_write_file(d, "db.sqlite", junk, sizeof(junk));
	assert_refused(d, args, d->db, NULL);
}

static void test_text_file_as_database_is_refused_with_a_message(void **state)
{
	static const char text[] = "this is not an SQLite database\n";
	struct xst_daemon *d = *state;
	const char *const args[] = {
		"--socket", d->sock, "--database", d->db, NULL};

	xst_daemon_write_file(d, "db.sqlite", text, sizeof(text) - 1);
	assert_refused(d, args, d->db, NULL);
}

static void test_database_in_unwritable_directory_is_refused_with_a_message(
	void **state)
{
	struct xst_daemon *d = *state;
	char ro[256];
	char run[256];
	char db[300];
	char sock[300];
	const char *const args[] = {"--socket", sock, "--database", db, NULL};

	/* Root writes anywhere: the daemon then runs as nobody. */
	d->drop_privileges = true;
	assert_int_equal(chmod(d->dir, 0755), 0);
	xst_daemon_file(d, "ro", ro, sizeof(ro));
	xst_daemon_file(d, "run", run, sizeof(run));
	assert_int_equal(mkdir(ro, 0555), 0);
	assert_int_equal(mkdir(run, 0777), 0);
	assert_int_equal(chmod(run, 0777), 0);
	snprintf(db, sizeof(db), "%s/db.sqlite", ro);
	snprintf(sock, sizeof(sock), "%s/sock", run);
	assert_refused(d, args, db, NULL);
}

static void test_missing_database_directory_is_created(void **state)
{
	struct xst_daemon *d = *state;
	struct xst_conn *c;

	/* As /var/lib/xenstored of the default path: one missing level. */
	snprintf(d->db, sizeof(d->db), "%s/xenstored/db.sqlite", d->dir);
	xst_daemon_start(d, NULL);
	c = xst_connect(d);
	xst_write(c, 0, "/created", "yes");
	xst_assert_read(c, 0, "/created", "yes");
	assert_int_equal(access(d->db, F_OK), 0);
}

static void test_config_with_unknown_key_is_refused_naming_the_key(void **state)
{
	static const char config[] = "{ \"no-such-key\": 1 }\n";
	struct xst_daemon *d = *state;
	char path[256];
	const char *const args[] = {"--socket", d->sock, "--database", d->db,
		"--config", path, NULL};

	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	assert_refused(d, args, "no-such-key", NULL);
}

static void test_config_with_bad_value_is_refused_naming_the_key(void **state)
{
	static const char config[] = "{ \"quota\": { \"nodes\": \"many\" } }\n";
	struct xst_daemon *d = *state;
	char path[256];
	const char *const args[] = {"--socket", d->sock, "--database", d->db,
		"--config", path, NULL};

	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	assert_refused(d, args, "nodes", NULL);
}

static void test_config_with_unknown_quota_name_is_refused(void **state)
{
	static const char config[] = "{ \"quota\": { \"bogus-quota\": 5 } }\n";
	struct xst_daemon *d = *state;
	char path[256];
	const char *const args[] = {"--socket", d->sock, "--database", d->db,
		"--config", path, NULL};

	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	assert_refused(d, args, "bogus-quota", NULL);
}

static void test_config_that_is_not_json_is_refused(void **state)
{
	static const char config[] = "socket = /tmp/x\n";
	struct xst_daemon *d = *state;
	char path[256];
	const char *const args[] = {"--socket", d->sock, "--database", d->db,
		"--config", path, NULL};

	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	assert_refused(d, args, path, NULL);
}

static void test_missing_config_file_is_refused(void **state)
{
	struct xst_daemon *d = *state;
	char path[256];
	const char *const args[] = {"--socket", d->sock, "--database", d->db,
		"--config", path, NULL};

	xst_daemon_file(d, "config.json", path, sizeof(path));
	assert_refused(d, args, path, NULL);
}

static void test_unknown_option_and_bad_values_are_refused(void **state)
{
	struct xst_daemon *d = *state;
	const char *const unknown[] = {"--socket", d->sock, "--database", d->db,
		"--no-such-option", NULL};
	const char *const level[] = {"--socket", d->sock, "--database", d->db,
		"--log-level", "loud", NULL};
	const char *const quota[] = {"--socket", d->sock, "--database", d->db,
		"-Q", "nodes=lots", NULL};
	const char *const durability[] = {"--socket", d->sock, "--database",
		d->db, "--durability", "forever", NULL};

	assert_refused(d, unknown, NULL, NULL);
	assert_refused(d, level, NULL, NULL);
	assert_refused(d, quota, NULL, NULL);
	assert_refused(d, durability, NULL, NULL);
}

static void test_help_and_version_exit_with_status_0(void **state)
{
	struct xst_daemon *d = *state;
	const char *const help[] = {"--help", NULL};
	const char *const version[] = {"--version", NULL};
	int status;

	status = xst_daemon_run_to_exit(d, help, EXIT_TIMEOUT_MS);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	status = xst_daemon_run_to_exit(d, version, EXIT_TIMEOUT_MS);
	assert_true(status != -1 && WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_command_line_wins_over_config_file(void **state)
{
	struct xst_daemon *d = *state;
	char config[512];
	char path[256];
	char other[256];
	struct xst_conn *c;
	char *v;
	int n;

	xst_daemon_file(d, "other-sock", other, sizeof(other));
	n = snprintf(config, sizeof(config),
		"{ \"socket\": \"%s\", \"quota\": { \"watches\": 33 } }\n",
		other);
	xst_daemon_write_file(d, "config.json", config, (size_t)n);
	xst_daemon_file(d, "config.json", path, sizeof(path));
	/* xst_daemon_start() waits on d->sock, given with --socket. */
	xst_daemon_start_args(d, "--config", path, "-W", "44", NULL);
	assert_int_not_equal(access(other, F_OK), 0);
	c = xst_connect(d);
	v = xst_call_data(c, XS_GET_QUOTA, 0, XST_STR("watches"), NULL);
	assert_string_equal(v, "44");
	free(v);
}

static void test_config_file_values_apply_without_options(void **state)
{
	static const char config[] =
		"{ \"log-level\": \"warn\", \"durability\": \"process\", "
		"\"quota\": { \"nodes\": 77, \"watches\": 66 }, "
		"\"quota-soft\": { \"nodes\": 70 } }\n";
	struct xst_daemon *d = *state;
	char path[256];
	struct xst_conn *c;
	char *v;

	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_start_args(d, "--config", path, NULL);
	c = xst_connect(d);
	v = xst_call_data(c, XS_GET_QUOTA, 0, XST_STR("nodes"), NULL);
	assert_string_equal(v, "77");
	free(v);
	v = xst_call_data(c, XS_GET_QUOTA, 0, XST_STR("watches"), NULL);
	assert_string_equal(v, "66");
	free(v);
}

static void test_database_max_size_refuses_writes_with_enospc(void **state)
{
	struct xst_daemon *d = *state;
	char value[3001];
	bool refused = false;
	struct xst_conn *c;

	memset(value, 'z', 3000);
	value[3000] = '\0';
	xst_daemon_start_args(d, "--database-max-size", "262144", NULL);
	c = xst_connect(d);
	for (unsigned int i = 0; i < 400 && !refused; i++) {
		char buf[3100];
		char path[32];
		struct xst_msg m;
		uint32_t len;

		snprintf(path, sizeof(path), "/fill/%u", i);
		len = xst_join(buf, sizeof(buf), path, NULL);
		memcpy(buf + len, value, 3000);
		xst_call(c, XS_WRITE, 0, buf, len + 3000, &m);
		if (m.hdr.type == XS_ERROR) {
			xst_assert_error(&m, "ENOSPC");
			refused = true;
		}
		xst_msg_fini(&m);
	}
	assert_true(refused);
	/* Reads still work, and so does the rest of the protocol. */
	xst_assert_read(c, 0, "/fill/0", value);
	xst_watch(c, "/fill", "t");
}

#define S(f) cmocka_unit_test_setup_teardown(f, xst_setup_stopped, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		S(test_garbage_database_file_is_refused_with_a_message),
		S(test_text_file_as_database_is_refused_with_a_message),
		S(test_database_in_unwritable_directory_is_refused_with_a_message),
		S(test_missing_database_directory_is_created),
		S(test_config_with_unknown_key_is_refused_naming_the_key),
		S(test_config_with_bad_value_is_refused_naming_the_key),
		S(test_config_with_unknown_quota_name_is_refused),
		S(test_config_that_is_not_json_is_refused),
		S(test_missing_config_file_is_refused),
		S(test_unknown_option_and_bad_values_are_refused),
		S(test_help_and_version_exit_with_status_0),
		S(test_command_line_wins_over_config_file),
		S(test_config_file_values_apply_without_options),
		S(test_database_max_size_refuses_writes_with_enospc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
