/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of watches over the socket: WATCH, UNWATCH,
 * RESET_WATCHES and WATCH_EVENT delivery (docs/misc/xenstore.txt,
 * "Watches"; XENSTORE_SERVER_FEATURE_WATCHDEPTH for the depth argument).
 *
 * "No event" is checked with a round trip on the watching connection
 * (xst_expect_no_event): the daemon queues a connection's events before
 * its later replies, so no sleeping is needed.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

static void test_watch_fires_initial_event_with_epath_equal_to_wpath(
	void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w", "");
	xst_watch(c, "/w", "tok");
	xst_expect_no_event(c);
}

static void test_watch_on_missing_node_is_accepted(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/not/yet", "tok");
	xst_write(c, 0, "/not/yet", "now");
	xst_expect_event(c, "/not/yet", "tok");
}

static void test_write_to_watched_node_fires_event(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w", "");
	xst_watch(c, "/w", "tok");
	xst_write(c, 0, "/w", "changed");
	xst_expect_event(c, "/w", "tok");
	xst_expect_no_event(c);
}

static void test_write_to_descendant_fires_event_with_its_path(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w/a/b", "");
	xst_watch(c, "/w", "tok");
	xst_write(c, 0, "/w/a/b", "x");
	xst_expect_event(c, "/w/a/b", "tok");
	xst_mkdir(c, 0, "/w/new");
	xst_expect_event(c, "/w/new", "tok");
}

static void test_write_to_sibling_with_common_prefix_does_not_fire(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w", "");
	xst_watch(c, "/w", "tok");
	xst_write(c, 0, "/wx", "sibling");
	xst_write(c, 0, "/w-b/c", "sibling");
	xst_write(c, 0, "/other", "sibling");
	xst_expect_no_event(c);
}

static void test_write_to_ancestor_does_not_fire(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a/w", "");
	xst_watch(c, "/a/w", "tok");
	xst_write(c, 0, "/a", "parent changed");
	xst_write(c, 0, "/a/sibling", "");
	xst_expect_no_event(c);
}

static void test_watch_on_root_fires_for_any_change(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/", "root");
	xst_write(c, 0, "/any/where", "v");
	xst_expect_event(c, "/any/where", "root");
}

static void test_rm_of_watched_node_fires_event(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w/a", "");
	xst_watch(c, "/w/a", "tok");
	xst_rm(c, 0, "/w/a");
	xst_expect_event(c, "/w/a", "tok");
}

static void test_rm_of_subtree_fires_watches_on_removed_children_with_wpath(
	void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/r/a/b/c", "");
	xst_write(c, 0, "/r/x", "");
	xst_watch(c, "/r", "top");
	xst_watch(c, "/r/a/b", "mid");
	xst_watch(c, "/r/a/b/c", "leaf");
	xst_watch(c, "/r/x", "other");
	xst_rm(c, 0, "/r/a");
	/* The removed node is /r/a: a child of /r ... */
	xst_expect_event(c, "/r/a", "top");
	/* ... and an ancestor of the others, which see their own wpath. */
	xst_expect_event(c, "/r/a/b", "mid");
	xst_expect_event(c, "/r/a/b/c", "leaf");
	xst_barrier(c);
	/* /r/x was neither removed nor below /r/a. */
	for (unsigned int i = 0; i < c->event_count; i++) {
		const char *tok =
			c->events[i].body + strlen(c->events[i].body) + 1;

		assert_string_not_equal(tok, "other");
	}
}

static void test_set_perms_fires_event(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/w", "");
	xst_watch(c, "/w", "tok");
	xst_set_perms(c, 0, "/w", "b0,r3");
	xst_expect_event(c, "/w", "tok");
}

static void test_relative_watch_gives_relative_event_paths(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/local/domain/0/rel", "");
	xst_watch(c, "rel", "tok");
	xst_write(c, 0, "/local/domain/0/rel/x", "1");
	xst_expect_event(c, "rel/x", "tok");
	xst_write(c, 0, "rel", "2");
	xst_expect_event(c, "rel", "tok");
	xst_expect_no_event(c);
}

static void test_absolute_watch_gives_absolute_paths_for_relative_writes(
	void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/local/domain/0/abs", "tok");
	xst_write(c, 0, "abs/y", "1");
	xst_expect_event(c, "/local/domain/0/abs/y", "tok");
}

/** GET_FEATURE without a domid: the features of the caller. */
static unsigned long features(struct xst_conn *c)
{
	char *v = xst_call_data(c, XS_GET_FEATURE, 0, "", 0, NULL);
	unsigned long f = strtoul(v, NULL, 10);

	free(v);
	return f;
}

static void watch_depth(struct xst_conn *c, const char *path, const char *token,
	const char *depth)
{
	char buf[256];
	uint32_t len = xst_join(buf, sizeof(buf), path, token, depth, NULL);

	xst_call_ok(c, XS_WATCH, 0, buf, len);
	xst_expect_event(c, path, token);
}

static void test_watch_depth_limits_matching_levels(void **state)
{
	struct xst_conn *c = conn(state);

	if (!(features(c) & XENSTORE_SERVER_FEATURE_WATCHDEPTH)) {
		skip();
	}
	xst_write(c, 0, "/d/a/b", "");
	watch_depth(c, "/d", "one", "1");
	watch_depth(c, "/d", "zero", "0");
	xst_write(c, 0, "/d/a/b", "2 levels down");
	xst_expect_no_event(c);
	xst_write(c, 0, "/d/a", "1 level down");
	xst_expect_event(c, "/d/a", "one");
	xst_expect_no_event(c);
	xst_write(c, 0, "/d", "the node");
	xst_expect_event(c, "/d", "one");
	xst_expect_event(c, "/d", "zero");
	xst_expect_no_event(c);
}

static void test_watch_with_bad_depth_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	if (!(features(c) & XENSTORE_SERVER_FEATURE_WATCHDEPTH)) {
		skip();
	}
	xst_call_err(c, XS_WATCH, 0, XST_STR("/d\0tok\0x"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/d\0tok\0-1"), "EINVAL");
}

static void test_special_watches_are_accepted_with_initial_event(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "@introduceDomain", "intro");
	xst_watch(c, "@releaseDomain", "release");
	xst_write(c, 0, "/unrelated", "");
	xst_expect_no_event(c);
	xst_unwatch(c, "@introduceDomain", "intro");
	xst_unwatch(c, "@releaseDomain", "release");
}

static void test_duplicate_watch_is_eexist(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/w", "tok");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/w\0tok"), "EEXIST");
	/* Only one event per change: the duplicate was not added. */
	xst_write(c, 0, "/w", "v");
	xst_expect_event(c, "/w", "tok");
	xst_expect_no_event(c);
}

static void test_same_path_with_other_token_is_a_second_watch(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/w", "one");
	xst_watch(c, "/w", "two");
	xst_watch(c, "/w/x", "one");
	xst_write(c, 0, "/w/x", "v");
	xst_expect_event(c, "/w/x", "one");
	xst_expect_event(c, "/w/x", "two");
	xst_expect_event(c, "/w/x", "one");
	xst_expect_no_event(c);
}

static void test_token_may_hold_any_characters(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/w", "token with spaces, dots. and $ymbols!");
	xst_write(c, 0, "/w", "v");
	xst_expect_event(c, "/w", "token with spaces, dots. and $ymbols!");
}

static void test_unwatch_of_unknown_watch_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_UNWATCH, 0, XST_STR("/w\0tok"), "ENOENT");
	xst_watch(c, "/w", "tok");
	xst_call_err(c, XS_UNWATCH, 0, XST_STR("/w\0other"), "ENOENT");
	xst_call_err(c, XS_UNWATCH, 0, XST_STR("/w/x\0tok"), "ENOENT");
}

static void test_unwatch_stops_events(void **state)
{
	struct xst_conn *c = conn(state);

	xst_watch(c, "/w", "tok");
	xst_unwatch(c, "/w", "tok");
	xst_write(c, 0, "/w", "v");
	xst_expect_no_event(c);
	/* It can be set again, with a new initial event. */
	xst_watch(c, "/w", "tok");
}

static void test_every_watching_connection_gets_the_event(void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	struct xst_conn *w = conn(state);

	xst_watch(a, "/shared", "a");
	xst_watch(b, "/shared", "b");
	xst_write(w, 0, "/shared/x", "v");
	xst_expect_event(a, "/shared/x", "a");
	xst_expect_event(b, "/shared/x", "b");
	xst_expect_no_event(a);
	xst_expect_no_event(b);
	xst_expect_no_event(w);
}

static void test_reset_watches_removes_only_the_callers_watches(void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);

	xst_watch(a, "/w", "a");
	xst_watch(a, "/v", "a");
	xst_watch(b, "/w", "b");
	xst_call_ok(a, XS_RESET_WATCHES, 0, XST_STR(""));
	xst_write(b, 0, "/w", "1");
	xst_write(b, 0, "/v", "1");
	xst_expect_event(b, "/w", "b");
	xst_expect_no_event(a);
	/* The same watch can be set again afterwards. */
	xst_watch(a, "/w", "a");
}

static void test_closing_a_watching_connection_keeps_others_served(void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);

	xst_watch(a, "/w", "a");
	xst_watch(b, "/w", "b");
	xst_close(a);
	xst_write(b, 0, "/w", "1");
	xst_expect_event(b, "/w", "b");
}

static void test_watch_with_invalid_path_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_WATCH, 0, XST_STR("/a//b\0tok"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/a/\0tok"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_STR("\0tok"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_STR("/a b\0tok"), "EINVAL");
	xst_expect_no_event(c);
}

static void test_watch_without_token_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_WATCH, 0, XST_STR("/w"), "EINVAL");
	xst_call_err(c, XS_WATCH, 0, XST_RAW("/w\0tok"), "EINVAL");
	xst_call_err(c, XS_UNWATCH, 0, XST_STR("/w"), "EINVAL");
	xst_expect_no_event(c);
}

static void test_transaction_write_fires_only_when_committed(void **state)
{
	struct xst_conn *w = conn(state);
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_watch(w, "/t", "tok");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/t/a", "v");
	xst_expect_no_event(w);
	xst_txn_end(c, tx, true, NULL);
	xst_expect_event(w, "/t/a", "tok");
}

static void test_aborted_transaction_fires_no_event(void **state)
{
	struct xst_conn *w = conn(state);
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_watch(w, "/t", "tok");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/t/a", "v");
	xst_rm(c, tx, "/t/a");
	xst_txn_end(c, tx, false, NULL);
	xst_expect_no_event(w);
}

static void test_failed_transaction_commit_fires_no_event(void **state)
{
	struct xst_conn *w = conn(state);
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/t/a", "0");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/t/a", "in txn");
	xst_write(c, 0, "/t/a", "outside");
	xst_watch(w, "/t", "tok");
	xst_txn_end(c, tx, true, "EAGAIN");
	xst_expect_no_event(w);
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_watch_fires_initial_event_with_epath_equal_to_wpath),
		T(test_watch_on_missing_node_is_accepted),
		T(test_write_to_watched_node_fires_event),
		T(test_write_to_descendant_fires_event_with_its_path),
		T(test_write_to_sibling_with_common_prefix_does_not_fire),
		T(test_write_to_ancestor_does_not_fire),
		T(test_watch_on_root_fires_for_any_change),
		T(test_rm_of_watched_node_fires_event),
		T(test_rm_of_subtree_fires_watches_on_removed_children_with_wpath),
		T(test_set_perms_fires_event),
		T(test_relative_watch_gives_relative_event_paths),
		T(test_absolute_watch_gives_absolute_paths_for_relative_writes),
		T(test_watch_depth_limits_matching_levels),
		T(test_watch_with_bad_depth_is_einval),
		T(test_special_watches_are_accepted_with_initial_event),
		T(test_duplicate_watch_is_eexist),
		T(test_same_path_with_other_token_is_a_second_watch),
		T(test_token_may_hold_any_characters),
		T(test_unwatch_of_unknown_watch_is_enoent),
		T(test_unwatch_stops_events),
		T(test_every_watching_connection_gets_the_event),
		T(test_reset_watches_removes_only_the_callers_watches),
		T(test_closing_a_watching_connection_keeps_others_served),
		T(test_watch_with_invalid_path_is_einval),
		T(test_watch_without_token_is_einval),
		T(test_transaction_write_fires_only_when_committed),
		T(test_aborted_transaction_fires_no_event),
		T(test_failed_transaction_commit_fires_no_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
