/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of GET_PERMS and SET_PERMS over the socket
 * (docs/misc/xenstore.txt: the introduction on permissions, "GET_PERMS",
 * "SET_PERMS").
 *
 * Every socket connection speaks for dom0, which is privileged, so access
 * checks against other domains cannot be driven from here; these tests
 * cover what a socket client observes: the string format, the owner first,
 * inheritance by new nodes, validation, and the special watch paths.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

static void test_new_top_level_node_is_owned_by_dom0_without_access_for_others(
	void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/x", "v");
	xst_assert_perms(c, 0, "/x", "n0");
}

static void test_set_perms_round_trips_entries_in_order(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "v");
	xst_set_perms(c, 0, "/p", "r5,b7,w9,n3");
	xst_assert_perms(c, 0, "/p", "r5,b7,w9,n3");
	xst_set_perms(c, 0, "/p", "b0");
	xst_assert_perms(c, 0, "/p", "b0");
}

static void test_set_perms_first_entry_becomes_the_owner(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "v");
	xst_set_perms(c, 0, "/p", "n12,r0");
	xst_assert_perms(c, 0, "/p", "n12,r0");
	/* dom0 is privileged: it may still read, write and chown. */
	xst_assert_read(c, 0, "/p", "v");
	xst_write(c, 0, "/p", "w");
	xst_assert_read(c, 0, "/p", "w");
	xst_set_perms(c, 0, "/p", "b4");
	xst_assert_perms(c, 0, "/p", "b4");
}

static void test_new_nodes_inherit_parent_permissions(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_set_perms(c, 0, "/p", "b3,r5");
	xst_write(c, 0, "/p/c/d", "v");
	xst_assert_perms(c, 0, "/p/c", "b3,r5");
	xst_assert_perms(c, 0, "/p/c/d", "b3,r5");
	xst_mkdir(c, 0, "/p/m");
	xst_assert_perms(c, 0, "/p/m", "b3,r5");
}

static void test_write_keeps_existing_permissions(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "one");
	xst_set_perms(c, 0, "/p", "w2,r6");
	xst_write(c, 0, "/p", "two");
	xst_mkdir(c, 0, "/p");
	xst_assert_perms(c, 0, "/p", "w2,r6");
}

static void test_set_perms_with_unknown_access_letter_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0x5"), "EINVAL");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0b0\0R5"), "EINVAL");
	xst_assert_perms(c, 0, "/p", "n0");
}

static void test_set_perms_without_domid_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0r"), "EINVAL");
	xst_assert_perms(c, 0, "/p", "n0");
}

static void test_set_perms_with_non_numeric_domid_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0rabc"), "EINVAL");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p\0r5x"), "EINVAL");
	xst_assert_perms(c, 0, "/p", "n0");
}

static void test_set_perms_without_any_entry_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/p"), "EINVAL");
	xst_assert_perms(c, 0, "/p", "n0");
}

static void test_set_perms_with_last_entry_missing_its_nul_is_einval(
	void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_call_err(c, XS_SET_PERMS, 0, XST_RAW("/p\0b0\0r5"), "EINVAL");
	xst_assert_perms(c, 0, "/p", "n0");
}

static void test_set_perms_on_missing_node_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/missing\0b0"), "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/missing", "ENOENT");
}

static void test_get_perms_of_missing_node_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_GET_PERMS, 0, "/missing", "ENOENT");
}

static void test_get_perms_with_invalid_path_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_GET_PERMS, 0, "/a//b", "EINVAL");
	xst_assert_path_err(c, XS_GET_PERMS, 0, "", "EINVAL");
	xst_call_err(c, XS_SET_PERMS, 0, XST_STR("/a/\0b0"), "EINVAL");
}

static void test_perms_work_with_relative_paths(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "rel", "v");
	xst_set_perms(c, 0, "rel", "b0,r8");
	xst_assert_perms(c, 0, "/local/domain/0/rel", "b0,r8");
	xst_assert_perms(c, 0, "rel", "b0,r8");
}

/** Assert a GET_PERMS reply is a list of <letter><domid>, owner first. */
static void assert_well_formed_perms(struct xst_conn *c, const char *path)
{
	uint32_t len;
	char *list;

	list = xst_call_data(
		c, XS_GET_PERMS, 0, path, (uint32_t)strlen(path) + 1, &len);
	assert_true(len >= 3);
	assert_int_equal(list[len - 1], '\0');
	for (uint32_t off = 0; off < len; off += strlen(list + off) + 1) {
		const char *p = list + off;

		assert_non_null(strchr("wrbn", p[0]));
		assert_true(p[0] != '\0' && p[1] != '\0');
		assert_int_equal(strspn(p + 1, "0123456789"), strlen(p + 1));
	}
	free(list);
}

static void test_special_watch_paths_have_permissions_that_can_be_set(
	void **state)
{
	struct xst_conn *c = conn(state);

	assert_well_formed_perms(c, "@introduceDomain");
	assert_well_formed_perms(c, "@releaseDomain");
	xst_set_perms(c, 0, "@introduceDomain", "n0,r5");
	xst_assert_perms(c, 0, "@introduceDomain", "n0,r5");
	xst_set_perms(c, 0, "@releaseDomain", "n0,r6,r7");
	xst_assert_perms(c, 0, "@releaseDomain", "n0,r6,r7");
	/* The two are separate. */
	xst_assert_perms(c, 0, "@introduceDomain", "n0,r5");
}

static void test_special_path_perms_reject_bad_strings(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(
		c, XS_SET_PERMS, 0, XST_STR("@releaseDomain\0q1"), "EINVAL");
	assert_well_formed_perms(c, "@releaseDomain");
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_new_top_level_node_is_owned_by_dom0_without_access_for_others),
		T(test_set_perms_round_trips_entries_in_order),
		T(test_set_perms_first_entry_becomes_the_owner),
		T(test_new_nodes_inherit_parent_permissions),
		T(test_write_keeps_existing_permissions),
		T(test_set_perms_with_unknown_access_letter_is_einval),
		T(test_set_perms_without_domid_is_einval),
		T(test_set_perms_with_non_numeric_domid_is_einval),
		T(test_set_perms_without_any_entry_is_einval),
		T(test_set_perms_with_last_entry_missing_its_nul_is_einval),
		T(test_set_perms_on_missing_node_is_enoent),
		T(test_get_perms_of_missing_node_is_enoent),
		T(test_get_perms_with_invalid_path_is_einval),
		T(test_perms_work_with_relative_paths),
		T(test_special_watch_paths_have_permissions_that_can_be_set),
		T(test_special_path_perms_reject_bad_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
