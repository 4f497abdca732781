/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of transactions over the socket: TRANSACTION_START,
 * TRANSACTION_END, and the node operations with a tx_id
 * (docs/misc/xenstore.txt, "Transactions").
 *
 * Conflicts follow the "conflicting writes only" plan of the spec: a
 * commit fails with EAGAIN when a node the transaction read or wrote was
 * changed meanwhile; transactions on disjoint existing nodes both commit.
 * test_different_children_of_one_parent_in_two_transactions only reports
 * which way the daemon decides, since creating children changes their
 * common parent's children list.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

static void test_transaction_start_gives_nonzero_decimal_id(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t a = xst_txn_start(c);
	uint32_t b = xst_txn_start(c);

	assert_int_not_equal(a, 0);
	assert_int_not_equal(b, 0);
	assert_int_not_equal(a, b);
	xst_txn_end(c, a, false, NULL);
	xst_txn_end(c, b, false, NULL);
}

static void test_transaction_sees_its_own_writes(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "old");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "new");
	xst_write(c, tx, "/fresh/child", "c");
	xst_assert_read(c, tx, "/n", "new");
	xst_assert_read(c, tx, "/fresh/child", "c");
	xst_assert_read(c, tx, "/fresh", "");
	xst_assert_dir(c, tx, "/fresh", "child");
	xst_txn_end(c, tx, true, NULL);
}

static void test_others_see_transaction_writes_only_after_commit(void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_conn *o = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "old");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "new");
	xst_write(c, tx, "/created", "c");
	xst_assert_read(o, 0, "/n", "old");
	xst_assert_read(c, 0, "/n", "old");
	xst_assert_path_err(o, XS_READ, 0, "/created", "ENOENT");
	xst_txn_end(c, tx, true, NULL);
	xst_assert_read(o, 0, "/n", "new");
	xst_assert_read(o, 0, "/created", "c");
}

static void test_aborted_transaction_discards_its_writes(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "old");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "new");
	xst_write(c, tx, "/created/deep", "c");
	xst_rm(c, tx, "/n");
	xst_txn_end(c, tx, false, NULL);
	xst_assert_read(c, 0, "/n", "old");
	xst_assert_path_err(c, XS_READ, 0, "/created", "ENOENT");
}

static void test_write_write_conflict_gives_eagain_to_second_commit(
	void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	uint32_t ta;
	uint32_t tb;

	xst_write(a, 0, "/n", "0");
	ta = xst_txn_start(a);
	tb = xst_txn_start(b);
	xst_write(a, ta, "/n", "a");
	xst_write(b, tb, "/n", "b");
	xst_txn_end(a, ta, true, NULL);
	xst_txn_end(b, tb, true, "EAGAIN");
	xst_assert_read(b, 0, "/n", "a");
}

static void test_write_outside_conflicts_with_transaction_that_read_node(
	void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_conn *o = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "0");
	tx = xst_txn_start(c);
	xst_assert_read(c, tx, "/n", "0");
	xst_write(c, tx, "/m", "derived from n");
	xst_write(o, 0, "/n", "1");
	xst_txn_end(c, tx, true, "EAGAIN");
	xst_assert_path_err(c, XS_READ, 0, "/m", "ENOENT");
	xst_assert_read(c, 0, "/n", "1");
}

static void test_failed_commit_leaves_store_unchanged(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/a", "0");
	xst_write(c, 0, "/b", "0");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/a", "tx");
	xst_write(c, tx, "/b", "tx");
	xst_write(c, tx, "/new/node", "tx");
	xst_rm(c, tx, "/b");
	xst_write(c, 0, "/a", "outside");
	xst_txn_end(c, tx, true, "EAGAIN");
	xst_assert_read(c, 0, "/a", "outside");
	xst_assert_read(c, 0, "/b", "0");
	xst_assert_path_err(c, XS_READ, 0, "/new", "ENOENT");
}

static void test_transactions_on_disjoint_existing_nodes_both_commit(
	void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	uint32_t ta;
	uint32_t tb;

	xst_write(a, 0, "/x/a", "0");
	xst_write(a, 0, "/x/b", "0");
	ta = xst_txn_start(a);
	tb = xst_txn_start(b);
	xst_assert_read(a, ta, "/x/a", "0");
	xst_write(a, ta, "/x/a", "1");
	xst_assert_read(b, tb, "/x/b", "0");
	xst_write(b, tb, "/x/b", "2");
	xst_txn_end(a, ta, true, NULL);
	xst_txn_end(b, tb, true, NULL);
	xst_assert_read(a, 0, "/x/a", "1");
	xst_assert_read(a, 0, "/x/b", "2");
}

static void test_different_children_of_one_parent_in_two_transactions(
	void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	struct xst_msg m;
	const char *err;
	uint32_t ta;
	uint32_t tb;

	xst_write(a, 0, "/parent", "");
	ta = xst_txn_start(a);
	tb = xst_txn_start(b);
	xst_write(a, ta, "/parent/a", "1");
	xst_write(b, tb, "/parent/b", "2");
	xst_txn_end(a, ta, true, NULL);
	xst_call(b, XS_TRANSACTION_END, tb, XST_STR("T"), &m);
	err = xst_msg_error(&m);
	/* Both outcomes are allowed; the store must match the answer. */
	if (err == NULL) {
		print_message("note: creating /parent/a and /parent/b in two "
			      "transactions: both commit\n");
		xst_assert_dir(a, 0, "/parent", "a,b");
	} else {
		print_message("note: creating /parent/a and /parent/b in two "
			      "transactions: the second commit gets %s\n",
			err);
		assert_string_equal(err, "EAGAIN");
		xst_assert_dir(a, 0, "/parent", "a");
	}
	xst_msg_fini(&m);
}

static void test_unknown_transaction_id_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/n", "0");
	xst_assert_path_err(c, XS_READ, 4242, "/n", "ENOENT");
	xst_call_err(c, XS_WRITE, 4242, XST_RAW("/n\0v"), "ENOENT");
	xst_assert_path_err(c, XS_DIRECTORY, 4242, "/", "ENOENT");
	xst_txn_end(c, 4242, true, "ENOENT");
	xst_txn_end(c, 4242, false, "ENOENT");
	xst_assert_read(c, 0, "/n", "0");
}

static void test_transaction_id_of_another_connection_is_enoent(void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	uint32_t ta;

	xst_write(a, 0, "/n", "0");
	ta = xst_txn_start(a);
	xst_call_err(b, XS_WRITE, ta, XST_RAW("/n\0b"), "ENOENT");
	xst_txn_end(b, ta, true, "ENOENT");
	xst_txn_end(a, ta, true, NULL);
	xst_assert_read(a, 0, "/n", "0");
}

static void test_transaction_id_is_invalid_after_end(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "v");
	xst_txn_end(c, tx, true, NULL);
	xst_assert_path_err(c, XS_READ, tx, "/n", "ENOENT");
	xst_txn_end(c, tx, true, "ENOENT");
	tx = xst_txn_start(c);
	xst_txn_end(c, tx, false, NULL);
	xst_txn_end(c, tx, false, "ENOENT");
}

static void test_transaction_start_with_nonzero_tx_id_is_refused(void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_msg m;
	uint32_t tx;

	tx = xst_txn_start(c);
	/* "It is not legal to send non-0 tx_id in TRANSACTION_START." */
	xst_call(c, XS_TRANSACTION_START, tx, XST_STR(""), &m);
	assert_int_equal(m.hdr.type, XS_ERROR);
	print_message("note: TRANSACTION_START with tx_id of an open "
		      "transaction gives %s\n",
		m.body);
	xst_msg_fini(&m);
	xst_call(c, XS_TRANSACTION_START, 999, XST_STR(""), &m);
	assert_int_equal(m.hdr.type, XS_ERROR);
	print_message("note: TRANSACTION_START with unknown tx_id gives %s\n",
		m.body);
	xst_msg_fini(&m);
	xst_txn_end(c, tx, false, NULL);
}

static void test_transaction_end_with_bad_argument_is_einval(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "0");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "1");
	xst_call_err(c, XS_TRANSACTION_END, tx, XST_STR("X"), "EINVAL");
	xst_call_err(c, XS_TRANSACTION_END, tx, XST_STR("true"), "EINVAL");
	xst_call_err(c, XS_TRANSACTION_END, tx, XST_RAW("T"), "EINVAL");
	xst_assert_read(c, 0, "/n", "0");
}

static void test_directory_part_in_transaction_sees_transaction_children(
	void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *reply;
	uint32_t tx;
	size_t glen;

	xst_write(c, 0, "/dp/old", "");
	tx = xst_txn_start(c);
	xst_write(c, tx, "/dp/new", "");
	reply = xst_call_data(
		c, XS_DIRECTORY_PART, tx, XST_STR("/dp\0000"), &len);
	glen = strlen(reply) + 1;
	assert_true(glen < len);
	assert_non_null(memmem(reply + glen, len - glen, "new\0", 4));
	assert_non_null(memmem(reply + glen, len - glen, "old\0", 4));
	free(reply);
	xst_assert_dir(c, tx, "/dp", "new,old");
	reply = xst_call_data(
		c, XS_DIRECTORY_PART, 0, XST_STR("/dp\0000"), &len);
	glen = strlen(reply) + 1;
	assert_null(memmem(reply + glen, len - glen, "new\0", 4));
	free(reply);
	xst_assert_dir(c, 0, "/dp", "old");
	xst_txn_end(c, tx, true, NULL);
	xst_assert_dir(c, 0, "/dp", "new,old");
}

static void test_rm_in_transaction_is_visible_outside_only_after_commit(
	void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/r/a/b", "v");
	tx = xst_txn_start(c);
	xst_rm(c, tx, "/r/a");
	xst_assert_path_err(c, XS_READ, tx, "/r/a", "ENOENT");
	xst_assert_path_err(c, XS_READ, tx, "/r/a/b", "ENOENT");
	xst_assert_dir(c, tx, "/r", "");
	xst_assert_read(c, 0, "/r/a/b", "v");
	xst_txn_end(c, tx, true, NULL);
	xst_assert_path_err(c, XS_READ, 0, "/r/a", "ENOENT");
	xst_assert_dir(c, 0, "/r", "");
}

static void test_rm_with_missing_parent_in_transaction_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	tx = xst_txn_start(c);
	xst_assert_path_err(c, XS_RM, tx, "/none/x", "ENOENT");
	xst_txn_end(c, tx, false, NULL);
}

static void test_set_perms_in_transaction_applies_at_commit(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/p", "");
	tx = xst_txn_start(c);
	xst_set_perms(c, tx, "/p", "b0,r9");
	xst_assert_perms(c, tx, "/p", "b0,r9");
	xst_assert_perms(c, 0, "/p", "n0");
	xst_txn_end(c, tx, true, NULL);
	xst_assert_perms(c, 0, "/p", "b0,r9");
}

static void test_two_transactions_of_one_connection_are_independent(
	void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t t1;
	uint32_t t2;

	t1 = xst_txn_start(c);
	t2 = xst_txn_start(c);
	xst_write(c, t1, "/one", "1");
	xst_write(c, t2, "/two", "2");
	xst_assert_path_err(c, XS_READ, t2, "/one", "ENOENT");
	xst_assert_path_err(c, XS_READ, t1, "/two", "ENOENT");
	xst_txn_end(c, t1, true, NULL);
	xst_txn_end(c, t2, false, NULL);
	xst_assert_read(c, 0, "/one", "1");
	xst_assert_path_err(c, XS_READ, 0, "/two", "ENOENT");
}

static void test_read_only_transaction_commits(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	xst_write(c, 0, "/n", "v");
	tx = xst_txn_start(c);
	xst_assert_read(c, tx, "/n", "v");
	xst_assert_dir(c, tx, "/n", "");
	xst_txn_end(c, tx, true, NULL);
}

static void test_reset_watches_also_ends_transactions(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	tx = xst_txn_start(c);
	xst_write(c, tx, "/n", "v");
	xst_call_ok(c, XS_RESET_WATCHES, 0, XST_STR(""));
	xst_assert_path_err(c, XS_READ, tx, "/n", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/n", "ENOENT");
}

static void test_closing_connection_discards_its_transaction(void **state)
{
	struct xst_conn *a = conn(state);
	struct xst_conn *b = conn(state);
	uint32_t tx;

	tx = xst_txn_start(a);
	xst_write(a, tx, "/n", "v");
	xst_close(a);
	xst_assert_path_err(b, XS_READ, 0, "/n", "ENOENT");
	xst_write(b, 0, "/n", "b");
	xst_assert_read(b, 0, "/n", "b");
}

static void test_invalid_path_in_transaction_is_einval(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t tx;

	tx = xst_txn_start(c);
	xst_assert_path_err(c, XS_WRITE, tx, "/a//b", "EINVAL");
	xst_assert_path_err(c, XS_READ, tx, "@introduceDomain", "EINVAL");
	xst_txn_end(c, tx, true, NULL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_transaction_start_gives_nonzero_decimal_id),
		T(test_transaction_sees_its_own_writes),
		T(test_others_see_transaction_writes_only_after_commit),
		T(test_aborted_transaction_discards_its_writes),
		T(test_write_write_conflict_gives_eagain_to_second_commit),
		T(test_write_outside_conflicts_with_transaction_that_read_node),
		T(test_failed_commit_leaves_store_unchanged),
		T(test_transactions_on_disjoint_existing_nodes_both_commit),
		T(test_different_children_of_one_parent_in_two_transactions),
		T(test_unknown_transaction_id_is_enoent),
		T(test_transaction_id_of_another_connection_is_enoent),
		T(test_transaction_id_is_invalid_after_end),
		T(test_transaction_start_with_nonzero_tx_id_is_refused),
		T(test_transaction_end_with_bad_argument_is_einval),
		T(test_directory_part_in_transaction_sees_transaction_children),
		T(test_rm_in_transaction_is_visible_outside_only_after_commit),
		T(test_rm_with_missing_parent_in_transaction_is_enoent),
		T(test_set_perms_in_transaction_applies_at_commit),
		T(test_two_transactions_of_one_connection_are_independent),
		T(test_read_only_transaction_commits),
		T(test_reset_watches_also_ends_transactions),
		T(test_closing_connection_discards_its_transaction),
		T(test_invalid_path_in_transaction_is_einval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
