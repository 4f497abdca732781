/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of quotas and of CONTROL over the socket: GET_QUOTA,
 * SET_QUOTA and their enforcement, the -Q style options, the config file's
 * "domain-quota", SIGHUP, and the CONTROL commands help, log, quota,
 * quota-soft, stats and memreport (docs/misc/xenstore.txt: "GET_QUOTA",
 * "SET_QUOTA", "CONTROL"; docs/xenstored.md: "Quotas", "Configuration
 * file").
 *
 * Socket connections speak for dom0, which quotas exempt unless a value is
 * set for domid 0 itself; the enforcement tests therefore set one, through
 * SET_QUOTA "0|<quota>|<value>|" or the config file, and check the error
 * that docs/xenstored.md names for each quota.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

/** SET_QUOTA for domid 0: "0|<name>|<value>|". */
static void set_dom0_quota(
	struct xst_conn *c, const char *name, const char *value)
{
	char buf[128];
	uint32_t len = xst_join(buf, sizeof(buf), "0", name, value, NULL);

	xst_call_ok(c, XS_SET_QUOTA, 0, buf, len);
}

/** Assert GET_QUOTA with the given arguments gives "<expected>|". */
static void assert_quota(struct xst_conn *c, const char *domid,
	const char *name, const char *expected)
{
	char buf[128];
	uint32_t len;
	char *v;

	if (domid != NULL) {
		len = xst_join(buf, sizeof(buf), domid, name, NULL);
	} else {
		len = xst_join(buf, sizeof(buf), name, NULL);
	}
	v = xst_call_data(c, XS_GET_QUOTA, 0, buf, len, &len);
	if (len != strlen(expected) + 1 || strcmp(v, expected) != 0) {
		fail_msg("GET_QUOTA %s%s%s: expected \"%s\", got \"%.*s\"",
			domid ? domid : "", domid ? "|" : "", name, expected,
			(int)len, v);
	}
	free(v);
}

static void test_get_quota_without_arguments_lists_quota_names(void **state)
{
	static const char *const names[] = {"nodes", "watches", "transactions",
		"node-size", "node-permissions", "path-max", "outstanding",
		"transaction-nodes"};
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *list;

	list = xst_call_data(c, XS_GET_QUOTA, 0, "", 0, &len);
	assert_int_equal(list[len - 1], '\0');
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		bool found = false;

		/* Names are separated by blanks. */
		for (const char *p = list; (p = strstr(p, names[i])) != NULL;
			p += n) {
			if ((p == list || p[-1] == ' ') &&
				(p[n] == ' ' || p[n] == '\0')) {
				found = true;
			}
		}
		if (!found) {
			fail_msg("GET_QUOTA list \"%s\" lacks \"%s\"", list,
				names[i]);
		}
	}
	free(list);
}

static void test_global_quota_defaults_match_documentation(void **state)
{
	struct xst_conn *c = conn(state);

	assert_quota(c, NULL, "nodes", "1000");
	assert_quota(c, NULL, "node-size", "2048");
	assert_quota(c, NULL, "watches", "128");
	assert_quota(c, NULL, "transactions", "10");
	assert_quota(c, NULL, "transaction-nodes", "1024");
	assert_quota(c, NULL, "node-permissions", "5");
	assert_quota(c, NULL, "path-max", "2048");
	assert_quota(c, NULL, "outstanding", "20");
}

static void test_command_line_options_set_global_quotas(void **state)
{
	struct xst_conn *c;

	xst_daemon_start_args(*state, "-E", "123", "-S", "456", "-W", "7", "-t",
		"8", "-A", "9", "-M", "321", "-Q", "outstanding=11", "-Q",
		"transaction-nodes=12", NULL);
	c = conn(state);
	assert_quota(c, NULL, "nodes", "123");
	assert_quota(c, NULL, "node-size", "456");
	assert_quota(c, NULL, "watches", "7");
	assert_quota(c, NULL, "transactions", "8");
	assert_quota(c, NULL, "node-permissions", "9");
	assert_quota(c, NULL, "path-max", "321");
	assert_quota(c, NULL, "outstanding", "11");
	assert_quota(c, NULL, "transaction-nodes", "12");
}

static void test_set_quota_global_is_read_back(void **state)
{
	struct xst_conn *c = conn(state);
	char buf[64];
	uint32_t len = xst_join(buf, sizeof(buf), "nodes", "500", NULL);

	xst_call_ok(c, XS_SET_QUOTA, 0, buf, len);
	assert_quota(c, NULL, "nodes", "500");
}

static void test_set_quota_for_a_domain_is_read_back(void **state)
{
	struct xst_conn *c = conn(state);
	char buf[64];
	uint32_t len = xst_join(buf, sizeof(buf), "7", "watches", "3", NULL);

	set_dom0_quota(c, "watches", "2");
	assert_quota(c, "0", "watches", "2");
	xst_call_ok(c, XS_SET_QUOTA, 0, buf, len);
	assert_quota(c, "7", "watches", "3");
	/* The global value is unchanged. */
	assert_quota(c, NULL, "watches", "128");
}

static void test_unknown_quota_name_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_GET_QUOTA, 0, XST_STR("bogus"), "EINVAL");
	xst_call_err(c, XS_SET_QUOTA, 0, XST_STR("bogus\0001"), "EINVAL");
	xst_call_err(c, XS_GET_QUOTA, 0, XST_STR("0\0bogus"), "EINVAL");
}

static void test_set_quota_with_bad_value_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_SET_QUOTA, 0, XST_STR("nodes\0many"), "EINVAL");
	xst_call_err(c, XS_SET_QUOTA, 0, XST_STR("nodes\0-5"), "EINVAL");
	xst_call_err(c, XS_SET_QUOTA, 0, XST_STR("nodes"), "EINVAL");
	xst_call_err(c, XS_SET_QUOTA, 0, "", 0, "EINVAL");
	assert_quota(c, NULL, "nodes", "1000");
}

static void test_global_quota_does_not_restrict_dom0(void **state)
{
	struct xst_conn *c;
	uint32_t t1;
	uint32_t t2;

	xst_daemon_start_args(*state, "-W", "1", "-t", "1", NULL);
	c = conn(state);
	xst_watch(c, "/a", "t");
	xst_watch(c, "/b", "t");
	xst_watch(c, "/c", "t");
	t1 = xst_txn_start(c);
	t2 = xst_txn_start(c);
	xst_txn_end(c, t1, false, NULL);
	xst_txn_end(c, t2, false, NULL);
}

static void test_watches_quota_for_dom0_gives_e2big(void **state)
{
	struct xst_conn *c = conn(state);

	set_dom0_quota(c, "watches", "2");
	xst_watch(c, "/a", "t");
	xst_watch(c, "/b", "t");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/c\0t"), "E2BIG");
	xst_unwatch(c, "/a", "t");
	xst_watch(c, "/c", "t");
}

static void test_watches_quota_counts_all_connections_of_the_domain(
	void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);

	set_dom0_quota(a, "watches", "2");
	xst_watch(a, "/a", "t");
	xst_watch(b, "/b", "t");
	xst_call_err(b, XS_WATCH, 0, XST_STR("/c\0t"), "E2BIG");
	/* Closing a connection gives its watches back (once the daemon
	 * has seen the close: poll for it). */
	xst_close(a);
	for (int64_t end = xst_now_ms() + XST_TIMEOUT_MS;;) {
		struct xst_msg m;

		xst_call(b, XS_WATCH, 0, XST_STR("/c\0t"), &m);
		if (m.hdr.type == XS_WATCH) {
			xst_msg_fini(&m);
			break;
		}
		xst_assert_error(&m, "E2BIG");
		xst_msg_fini(&m);
		assert_true(xst_now_ms() < end);
		usleep(1000);
	}
	xst_expect_event(b, "/c", "t");
}

static void test_zero_quota_disables_the_check(void **state)
{
	struct xst_conn *c = conn(state);

	set_dom0_quota(c, "watches", "1");
	xst_watch(c, "/a", "t");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/b\0t"), "E2BIG");
	set_dom0_quota(c, "watches", "0");
	xst_watch(c, "/b", "t");
	xst_watch(c, "/c", "t");
}

static void test_watches_quota_from_config_file_gives_e2big(void **state)
{
	static const char config[] =
		"{ \"domain-quota\": { \"0\": { \"watches\": 2 } } }\n";
	struct xst_daemon *d = *state;
	struct xst_conn *c;
	char path[256];

	xst_daemon_write_file(d, "config.json", config, sizeof(config) - 1);
	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_start_args(d, "--config", path, NULL);
	c = conn(state);
	assert_quota(c, "0", "watches", "2");
	xst_watch(c, "/a", "t");
	xst_watch(c, "/b", "t");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/c\0t"), "E2BIG");
}

static void test_sighup_rereads_quotas_from_config_file(void **state)
{
	static const char before[] =
		"{ \"domain-quota\": { \"0\": { \"watches\": 50 } } }\n";
	static const char after[] =
		"{ \"domain-quota\": { \"0\": { \"watches\": 1 } } }\n";
	struct xst_daemon *d = *state;
	int64_t deadline;
	struct xst_conn *c;
	char path[256];

	xst_daemon_write_file(d, "config.json", before, sizeof(before) - 1);
	xst_daemon_file(d, "config.json", path, sizeof(path));
	xst_daemon_start_args(d, "--config", path, NULL);
	c = conn(state);
	assert_quota(c, "0", "watches", "50");
	xst_daemon_write_file(d, "config.json", after, sizeof(after) - 1);
	kill(d->pid, SIGHUP);
	deadline = xst_now_ms() + XST_TIMEOUT_MS;
	for (;;) {
		char *v = xst_call_data(
			c, XS_GET_QUOTA, 0, XST_STR("0\0watches"), NULL);
		bool done = strcmp(v, "1") == 0;

		free(v);
		if (done) {
			break;
		}
		if (xst_now_ms() > deadline) {
			fail_msg("SIGHUP did not apply the new watches quota");
		}
		usleep(2000);
	}
	xst_watch(c, "/a", "t");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/b\0t"), "E2BIG");
}

static void test_transactions_quota_gives_enospc(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t t1;
	uint32_t t2;

	set_dom0_quota(c, "transactions", "2");
	t1 = xst_txn_start(c);
	t2 = xst_txn_start(c);
	xst_call_err(c, XS_TRANSACTION_START, 0, XST_STR(""), "ENOSPC");
	xst_txn_end(c, t1, false, NULL);
	t1 = xst_txn_start(c);
	xst_txn_end(c, t1, false, NULL);
	xst_txn_end(c, t2, false, NULL);
}

static void test_node_size_quota_gives_enospc(void **state)
{
	struct xst_conn *c = conn(state);
	char big[201];
	char buf[256];
	uint32_t len;

	memset(big, 'v', 200);
	big[200] = '\0';
	set_dom0_quota(c, "node-size", "100");
	xst_write(c, 0, "/small", "fits");
	len = xst_join(buf, sizeof(buf), "/small", NULL);
	memcpy(buf + len, big, 200);
	xst_call_err(c, XS_WRITE, 0, buf, len + 200, "ENOSPC");
	xst_assert_read(c, 0, "/small", "fits");
	len = xst_join(buf, sizeof(buf), "/new", NULL);
	memcpy(buf + len, big, 200);
	xst_call_err(c, XS_WRITE, 0, buf, len + 200, "ENOSPC");
	xst_assert_path_err(c, XS_READ, 0, "/new", "ENOENT");
}

static void test_node_permissions_quota_gives_enospc(void **state)
{
	struct xst_conn *c = conn(state);

	set_dom0_quota(c, "node-permissions", "2");
	xst_write(c, 0, "/p", "");
	xst_set_perms(c, 0, "/p", "b0,r1");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0b0\0r1\0r2"), "ENOSPC");
	xst_assert_perms(c, 0, "/p", "b0,r1");
}

static void test_path_max_quota_gives_einval(void **state)
{
	struct xst_conn *c = conn(state);
	char path[128];

	memset(path, 'x', sizeof(path));
	memcpy(path, "/long/", 6);
	path[120] = '\0';
	set_dom0_quota(c, "path-max", "40");
	xst_write(c, 0, "/short", "ok");
	xst_assert_path_err(c, XS_WRITE, 0, path, "EINVAL");
	xst_assert_path_err(c, XS_MKDIR, 0, path, "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, "/long", "ENOENT");
	memcpy(path, "relative/", 9);
	xst_assert_path_err(c, XS_WRITE, 0, path, "EINVAL");
}

static void test_nodes_quota_gives_enospc_and_rm_frees_it(void **state)
{
	struct xst_conn *c = conn(state);
	unsigned int created = 0;
	char path[64];

	set_dom0_quota(c, "nodes", "60");
	xst_mkdir(c, 0, "/nq");
	for (;;) {
		struct xst_msg m;

		assert_true(created <= 60);
		snprintf(path, sizeof(path), "/nq/n%u", created);
		xst_call(c, XS_WRITE, 0, path, (uint32_t)strlen(path) + 1, &m);
		if (m.hdr.type == XS_ERROR) {
			xst_assert_error(&m, "ENOSPC");
			xst_msg_fini(&m);
			break;
		}
		xst_msg_fini(&m);
		created++;
	}
	assert_true(created > 0);
	xst_assert_path_err(c, XS_READ, 0, path, "ENOENT");
	/* Changing an existing node creates none. */
	xst_write(c, 0, "/nq/n0", "changed");
	/* A write needing several new nodes creates none of them. */
	xst_assert_path_err(c, XS_WRITE, 0, "/nq/x/y/z", "ENOSPC");
	xst_assert_path_err(c, XS_READ, 0, "/nq/x", "ENOENT");
	xst_assert_path_err(c, XS_MKDIR, 0, "/nq/x", "ENOSPC");
	/* Removing a node gives one back. */
	xst_rm(c, 0, "/nq/n0");
	xst_write(c, 0, path, "now fits");
}

static void test_transaction_nodes_quota_gives_enospc(void **state)
{
	struct xst_conn *c = conn(state);
	bool refused = false;
	uint32_t tx;

	set_dom0_quota(c, "transaction-nodes", "5");
	tx = xst_txn_start(c);
	for (unsigned int i = 0; i < 20 && !refused; i++) {
		char path[64];
		struct xst_msg m;

		snprintf(path, sizeof(path), "/tq/n%u", i);
		xst_call(c, XS_WRITE, tx, path, (uint32_t)strlen(path) + 1, &m);
		if (m.hdr.type == XS_ERROR) {
			xst_assert_error(&m, "ENOSPC");
			refused = true;
		}
		xst_msg_fini(&m);
	}
	if (refused) {
		xst_txn_end(c, tx, false, NULL);
	} else {
		/* The limit may also be applied at commit time. */
		xst_txn_end(c, tx, true, "ENOSPC");
	}
	xst_assert_path_err(c, XS_READ, 0, "/tq/n19", "ENOENT");
}

/** Pipeline count requests without reading, then check the replies. */
static void pipeline_in_order(struct xst_conn *c, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		char path[64];
		int n = snprintf(path, sizeof(path), "/pl/n%u", i / 2);

		/* Alternate WRITE (creating) and READ of the same node. */
		xst_send_msg(c, i % 2 ? XS_READ : XS_WRITE, 1000 + i, 0, path,
			(uint32_t)n + 1);
	}
	for (unsigned int i = 0; i < count; i++) {
		struct xst_msg m;

		assert_int_equal(xst_recv(c, &m, XST_TIMEOUT_MS), 0);
		assert_int_equal(m.hdr.req_id, 1000 + i);
		assert_int_equal(m.hdr.type, i % 2 ? XS_READ : XS_WRITE);
		xst_msg_fini(&m);
	}
}

static void test_pipelined_requests_are_all_answered_in_order(void **state)
{
	struct xst_conn *c = conn(state);

	pipeline_in_order(c, 100);
}

static void test_outstanding_quota_delays_but_never_refuses(void **state)
{
	struct xst_conn *c = conn(state);

	set_dom0_quota(c, "outstanding", "5");
	pipeline_in_order(c, 100);
	xst_assert_read(c, 0, "/pl/n49", "");
}

/** CONTROL with NUL-terminated arguments; returns the reply payload. */
static char *control(struct xst_conn *c, const char *cmd, const char *arg1,
	const char *arg2, const char *arg3)
{
	char buf[256];
	uint32_t len = xst_join(buf, sizeof(buf), cmd, arg1, arg2, arg3, NULL);
	char *v = xst_call_data(c, XS_CONTROL, 0, buf, len, &len);

	/* Printable text: replies are shown by xenstore-control. */
	for (uint32_t i = 0; i < len; i++) {
		assert_true(v[i] == '\0' || v[i] == '\n' || v[i] == '\t' ||
			    (v[i] >= 0x20 && v[i] < 0x7f));
	}
	return v;
}

static void test_control_help_lists_the_commands(void **state)
{
	static const char *const cmds[] = {
		"help", "log", "quota", "quota-soft", "stats", "memreport"};
	struct xst_conn *c = conn(state);
	char *help = control(c, "help", NULL, NULL, NULL);

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strstr(help, cmds[i]) == NULL) {
			fail_msg(
				"CONTROL help lacks \"%s\": %s", cmds[i], help);
		}
	}
	free(help);
}

static void test_control_commands_answer(void **state)
{
	static const char *const cmds[] = {
		"log", "quota", "quota-soft", "stats", "memreport"};
	struct xst_conn *c = conn(state);

	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		free(control(c, cmds[i], NULL, NULL, NULL));
	}
}

static void test_control_quota_shows_quota_names(void **state)
{
	struct xst_conn *c = conn(state);
	char *q = control(c, "quota", NULL, NULL, NULL);

	assert_non_null(strstr(q, "nodes"));
	assert_non_null(strstr(q, "watches"));
	assert_non_null(strstr(q, "transactions"));
	free(q);
}

static void test_control_quota_set_changes_the_global_quota(void **state)
{
	struct xst_conn *c = conn(state);

	free(control(c, "quota", "set", "nodes", "321"));
	assert_quota(c, NULL, "nodes", "321");
}

static void test_control_quota_for_domain_0_answers(void **state)
{
	struct xst_conn *c = conn(state);

	free(control(c, "quota", "0", NULL, NULL));
}

static void test_control_unknown_command_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_CONTROL, 0, XST_STR("no-such-command"), "EINVAL");
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)
#define S(f) cmocka_unit_test_setup_teardown(f, xst_setup_stopped, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_get_quota_without_arguments_lists_quota_names),
		T(test_global_quota_defaults_match_documentation),
		S(test_command_line_options_set_global_quotas),
		T(test_set_quota_global_is_read_back),
		T(test_set_quota_for_a_domain_is_read_back),
		T(test_unknown_quota_name_is_einval),
		T(test_set_quota_with_bad_value_is_einval),
		S(test_global_quota_does_not_restrict_dom0),
		T(test_watches_quota_for_dom0_gives_e2big),
		T(test_watches_quota_counts_all_connections_of_the_domain),
		T(test_zero_quota_disables_the_check),
		S(test_watches_quota_from_config_file_gives_e2big),
		S(test_sighup_rereads_quotas_from_config_file),
		T(test_transactions_quota_gives_enospc),
		T(test_node_size_quota_gives_enospc),
		T(test_node_permissions_quota_gives_enospc),
		T(test_path_max_quota_gives_einval),
		T(test_nodes_quota_gives_enospc_and_rm_frees_it),
		T(test_transaction_nodes_quota_gives_enospc),
		T(test_pipelined_requests_are_all_answered_in_order),
		T(test_outstanding_quota_delays_but_never_refuses),
		T(test_control_help_lists_the_commands),
		T(test_control_commands_answer),
		T(test_control_quota_shows_quota_names),
		T(test_control_quota_set_changes_the_global_quota),
		T(test_control_quota_for_domain_0_answers),
		T(test_control_unknown_command_is_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
