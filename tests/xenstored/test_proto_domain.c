/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of the domain management messages, the feature
 * messages and unknown message types over the socket
 * (docs/misc/xenstore.txt: "Defined Xenstore message types",
 * "Domain management and xenstored communications").
 *
 * This build has no hypervisor interface, so INTRODUCE with good
 * arguments cannot map a ring: any ERROR is accepted there, but the daemon
 * must keep serving. Argument errors are EINVAL, unknown domains ENOENT,
 * and unknown types ENOSYS (EINVAL accepted for WATCH_EVENT and ERROR,
 * which are "not valid in client sent messages").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

/** Send a request of type with the NUL-terminated arguments; expect err. */
static void args_err(struct xst_conn *c, uint32_t type, const char *err,
	const char *a, const char *b, const char *d)
{
	char buf[256];
	uint32_t len = xst_join(buf, sizeof(buf), a, b, d, NULL);

	xst_call_err(c, type, 0, buf, len, err);
}

/** The daemon still answers on a new connection. */
static void assert_still_serving(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/alive", "yes");
	xst_assert_read(c, 0, "/alive", "yes");
	xst_close(c);
}

static void test_introduce_with_missing_arguments_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_INTRODUCE, 0, "", 0, "EINVAL");
	args_err(c, XS_INTRODUCE, "EINVAL", "5", NULL, NULL);
	args_err(c, XS_INTRODUCE, "EINVAL", "5", "4096", NULL);
	assert_still_serving(state);
}

static void test_introduce_of_domain_0_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	args_err(c, XS_INTRODUCE, "EINVAL", "0", "4096", "7");
	assert_still_serving(state);
}

static void test_introduce_with_non_numeric_arguments_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	args_err(c, XS_INTRODUCE, "EINVAL", "abc", "4096", "7");
	args_err(c, XS_INTRODUCE, "EINVAL", "5x", "4096", "7");
	args_err(c, XS_INTRODUCE, "EINVAL", "5", "4096", "seven");
	args_err(c, XS_INTRODUCE, "EINVAL", "", "4096", "7");
	assert_still_serving(state);
}

static void test_introduce_without_hypervisor_fails_but_daemon_serves(
	void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_conn *w = conn(state);
	struct xst_msg m;
	char buf[64];
	uint32_t len = xst_join(buf, sizeof(buf), "5", "4096", "7", NULL);
	uint32_t ilen;
	char *intro;

	xst_watch(w, "@introduceDomain", "intro");
	xst_call(c, XS_INTRODUCE, 0, buf, len, &m);
	assert_int_equal(m.hdr.type, XS_ERROR);
	print_message("note: INTRODUCE 5 4096 7 without a hypervisor gives "
		      "%s\n",
		m.body);
	xst_msg_fini(&m);
	/* A failed INTRODUCE introduces nothing and fires nothing. */
	intro = xst_call_data(
		c, XS_IS_DOMAIN_INTRODUCED, 0, XST_STR("5"), &ilen);
	assert_int_equal(ilen, 2);
	assert_string_equal(intro, "F");
	free(intro);
	xst_expect_no_event(w);
	assert_still_serving(state);
}

static void test_release_of_unknown_domain_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_RELEASE, 0, XST_STR("77"), "ENOENT");
	assert_still_serving(state);
}

static void test_release_with_bad_argument_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_RELEASE, 0, "", 0, "EINVAL");
	xst_call_err(c, XS_RELEASE, 0, XST_STR(""), "EINVAL");
	xst_call_err(c, XS_RELEASE, 0, XST_STR("abc"), "EINVAL");
	xst_call_err(c, XS_RELEASE, 0, XST_RAW("77"), "EINVAL");
	assert_still_serving(state);
}

static void test_resume_of_unknown_domain_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_RESUME, 0, XST_STR("77"), "ENOENT");
	assert_still_serving(state);
}

static void test_resume_with_bad_argument_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_RESUME, 0, "", 0, "EINVAL");
	xst_call_err(c, XS_RESUME, 0, XST_STR("x"), "EINVAL");
	assert_still_serving(state);
}

static void test_set_target_with_bad_arguments_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_SET_TARGET, 0, "", 0, "EINVAL");
	args_err(c, XS_SET_TARGET, "EINVAL", "5", NULL, NULL);
	args_err(c, XS_SET_TARGET, "EINVAL", "a", "b", NULL);
	args_err(c, XS_SET_TARGET, "EINVAL", "5", "x", NULL);
	assert_still_serving(state);
}

static void test_set_target_with_good_arguments_gets_a_reply(void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_msg m;

	xst_call(c, XS_SET_TARGET, 0, XST_STR("5\0006"), &m);
	print_message("note: SET_TARGET 5 6 (domains not introduced) gives "
		      "%s\n",
		m.hdr.type == XS_ERROR ? m.body : "OK");
	xst_msg_fini(&m);
	assert_still_serving(state);
}

static void test_is_domain_introduced_of_unknown_domain_is_f(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *v;

	v = xst_call_data(c, XS_IS_DOMAIN_INTRODUCED, 0, XST_STR("77"), &len);
	assert_int_equal(len, 2);
	assert_string_equal(v, "F");
	free(v);
}

/** Parse a "<decimal>|" reply. */
static unsigned long parse_decimal(const char *v, uint32_t len)
{
	char *end;
	unsigned long n;

	assert_true(len >= 2);
	assert_int_equal(v[len - 1], '\0');
	n = strtoul(v, &end, 10);
	assert_true(end != v && *end == '\0');
	return n;
}

static void test_get_feature_gives_supported_features_as_decimal(void **state)
{
	struct xst_conn *c = conn(state);
	unsigned long f;
	uint32_t len;
	char *v;

	v = xst_call_data(c, XS_GET_FEATURE, 0, "", 0, &len);
	f = parse_decimal(v, len);
	print_message("note: GET_FEATURE gives %lu\n", f);
	/* Only the feature bits of xenstore-ring.txt exist. */
	assert_int_equal(f & ~0xful, 0);
	free(v);
}

static void test_set_feature_of_unintroduced_domain_is_read_back(void **state)
{
	struct xst_conn *c = conn(state);
	unsigned long supported;
	char num[24];
	char buf[64];
	uint32_t len;
	char *v;

	v = xst_call_data(c, XS_GET_FEATURE, 0, "", 0, &len);
	supported = parse_decimal(v, len);
	free(v);
	snprintf(num, sizeof(num), "%lu", supported);
	len = xst_join(buf, sizeof(buf), "9", num, NULL);
	xst_call_ok(c, XS_SET_FEATURE, 0, buf, len);
	v = xst_call_data(c, XS_GET_FEATURE, 0, XST_STR("9"), &len);
	assert_int_equal(parse_decimal(v, len), supported);
	free(v);
	xst_call_ok(c, XS_SET_FEATURE, 0, XST_STR("9\0000"));
	v = xst_call_data(c, XS_GET_FEATURE, 0, XST_STR("9"), &len);
	assert_int_equal(parse_decimal(v, len), 0);
	free(v);
}

static void test_set_feature_with_unsupported_bit_is_refused(void **state)
{
	struct xst_conn *c = conn(state);
	unsigned long supported;
	struct xst_msg m;
	char num[24];
	char buf[64];
	uint32_t len;
	char *v;

	v = xst_call_data(c, XS_GET_FEATURE, 0, "", 0, &len);
	supported = parse_decimal(v, len);
	free(v);
	snprintf(num, sizeof(num), "%lu", supported | 0x100ul);
	len = xst_join(buf, sizeof(buf), "9", num, NULL);
	xst_call(c, XS_SET_FEATURE, 0, buf, len, &m);
	assert_int_equal(m.hdr.type, XS_ERROR);
	xst_msg_fini(&m);
}

static void test_set_feature_with_bad_arguments_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(c, XS_SET_FEATURE, 0, "", 0, "EINVAL");
	xst_call_err(c, XS_SET_FEATURE, 0, XST_STR("9"), "EINVAL");
	xst_call_err(c, XS_SET_FEATURE, 0, XST_STR("x\0000"), "EINVAL");
	xst_call_err(c, XS_SET_FEATURE, 0, XST_STR("9\000x"), "EINVAL");
	xst_call_err(c, XS_GET_FEATURE, 0, XST_STR("x"), "EINVAL");
}

/** Send a message of a type the daemon must not accept; check the error. */
static void assert_type_refused(
	struct xst_conn *c, uint32_t type, bool einval_ok)
{
	struct xst_msg m;

	xst_call(c, type, 0, XST_STR("/x"), &m);
	if (m.hdr.type != XS_ERROR) {
		fail_msg("type %u: expected an ERROR reply, got type %u", type,
			m.hdr.type);
	}
	if (!(strcmp(m.body, "ENOSYS") == 0 ||
		    (einval_ok && strcmp(m.body, "EINVAL") == 0))) {
		fail_msg("type %u: expected ENOSYS%s, got %s", type,
			einval_ok ? " or EINVAL" : "", m.body);
	}
	xst_msg_fini(&m);
}

static void test_unknown_types_get_enosys(void **state)
{
	struct xst_conn *c = conn(state);
	static const uint32_t types[] = {
		20, 27, 28, 100, 0xfffe, XS_INVALID, 0x10000, 0xffffffff};

	for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		assert_type_refused(c, types[i], false);
	}
	assert_still_serving(state);
}

static void test_client_sent_watch_event_and_error_are_refused(void **state)
{
	struct xst_conn *c = conn(state);

	assert_type_refused(c, XS_WATCH_EVENT, true);
	assert_type_refused(c, XS_ERROR, true);
	xst_expect_no_event(c);
	assert_still_serving(state);
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_introduce_with_missing_arguments_is_einval),
		T(test_introduce_of_domain_0_is_einval),
		T(test_introduce_with_non_numeric_arguments_is_einval),
		T(test_introduce_without_hypervisor_fails_but_daemon_serves),
		T(test_release_of_unknown_domain_is_enoent),
		T(test_release_with_bad_argument_is_einval),
		T(test_resume_of_unknown_domain_is_enoent),
		T(test_resume_with_bad_argument_is_einval),
		T(test_set_target_with_bad_arguments_is_einval),
		T(test_set_target_with_good_arguments_gets_a_reply),
		T(test_is_domain_introduced_of_unknown_domain_is_f),
		T(test_get_feature_gives_supported_features_as_decimal),
		T(test_set_feature_of_unintroduced_domain_is_read_back),
		T(test_set_feature_with_unsupported_bit_is_refused),
		T(test_set_feature_with_bad_arguments_is_einval),
		T(test_unknown_types_get_enosys),
		T(test_client_sent_watch_event_and_error_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
