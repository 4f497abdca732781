/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration tests of the node operations of xenstored over its socket:
 * READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART and GET_DOMAIN_PATH,
 * and the path rules (docs/misc/xenstore.txt: the introduction on paths,
 * "Database read, write and permissions operations", GET_DOMAIN_PATH).
 *
 * Each test runs against a fresh daemon (xst_setup/xst_teardown), so tests
 * are independent and a crash fails the test that caused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Children made for the DIRECTORY_PART tests: 300 names of 20 bytes. */
#define MANY_CHILDREN 300
#define MAX_CHUNKS 64

static struct xst_conn *conn(void **state)
{
	return xst_connect(*state);
}

static void test_write_then_read_returns_value(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a", "hello");
	xst_assert_read(c, 0, "/a", "hello");
}

static void test_write_overwrites_value(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a", "one");
	xst_write(c, 0, "/a", "two");
	xst_assert_read(c, 0, "/a", "two");
}

static void test_write_creates_missing_parents_with_empty_values(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a/b/c", "leaf");
	xst_assert_read(c, 0, "/a/b/c", "leaf");
	xst_assert_read(c, 0, "/a/b", "");
	xst_assert_read(c, 0, "/a", "");
	xst_assert_dir(c, 0, "/a", "b");
	xst_assert_dir(c, 0, "/a/b", "c");
}

static void test_write_without_value_stores_empty_value(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_ok(c, XS_WRITE, 0, XST_STR("/empty"));
	xst_assert_read(c, 0, "/empty", "");
}

static void test_write_binary_value_with_nuls_round_trips(void **state)
{
	struct xst_conn *c = conn(state);
	static const char value[] = {'a', '\0', 'b', '\0', '\0', 'c'};
	uint32_t len;
	char *got;

	xst_write_bin(c, 0, "/bin", value, sizeof(value));
	got = xst_read(c, 0, "/bin", &len);
	assert_int_equal(len, sizeof(value));
	assert_memory_equal(got, value, sizeof(value));
	free(got);
}

static void test_write_of_3000_byte_value_round_trips(void **state)
{
	struct xst_conn *c = conn(state);
	char value[3001];
	uint32_t len;
	char *got;

	for (int i = 0; i < 3000; i++) {
		value[i] = (char)('a' + i % 26);
	}
	value[3000] = '\0';
	xst_write(c, 0, "/big", value);
	got = xst_read(c, 0, "/big", &len);
	assert_int_equal(len, 3000);
	assert_memory_equal(got, value, 3000);
	free(got);
}

static void test_read_of_missing_node_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_READ, 0, "/no/such/node", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/nosuch", "ENOENT");
}

static void test_mkdir_creates_node_and_missing_parents(void **state)
{
	struct xst_conn *c = conn(state);

	xst_mkdir(c, 0, "/m/n/o");
	xst_assert_read(c, 0, "/m/n/o", "");
	xst_assert_read(c, 0, "/m/n", "");
	xst_assert_read(c, 0, "/m", "");
	xst_assert_dir(c, 0, "/m/n/o", "");
}

static void test_mkdir_leaves_existing_values_unchanged(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/m", "parent");
	xst_write(c, 0, "/m/n", "node");
	xst_mkdir(c, 0, "/m/n");
	xst_assert_read(c, 0, "/m/n", "node");
	xst_mkdir(c, 0, "/m/n/o");
	xst_assert_read(c, 0, "/m/n", "node");
	xst_assert_read(c, 0, "/m", "parent");
	xst_assert_read(c, 0, "/m/n/o", "");
}

static void test_rm_removes_node_and_all_children(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/r/a/x", "1");
	xst_write(c, 0, "/r/a/y/z", "2");
	xst_write(c, 0, "/r/b", "3");
	xst_rm(c, 0, "/r/a");
	xst_assert_path_err(c, XS_READ, 0, "/r/a", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/r/a/x", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/r/a/y/z", "ENOENT");
	xst_assert_dir(c, 0, "/r", "b");
	xst_assert_read(c, 0, "/r/b", "3");
}

static void test_rm_of_missing_node_with_existing_parent_is_ok(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/p", "");
	xst_rm(c, 0, "/p/missing");
	xst_assert_read(c, 0, "/p", "");
}

static void test_rm_of_missing_node_with_missing_parent_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_RM, 0, "/nope/missing", "ENOENT");
}

static void test_rm_of_root_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/keep", "v");
	xst_assert_path_err(c, XS_RM, 0, "/", "EINVAL");
	xst_assert_read(c, 0, "/keep", "v");
}

static void test_directory_lists_immediate_children_only(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/d/a", "1");
	xst_write(c, 0, "/d/b/deep", "2");
	xst_mkdir(c, 0, "/d/c");
	xst_assert_dir(c, 0, "/d", "a,b,c");
}

static void test_directory_of_root_includes_new_top_level_node(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *list;
	bool found = false;

	xst_write(c, 0, "/toplevel", "");
	list = xst_call_data(c, XS_DIRECTORY, 0, XST_STR("/"), &len);
	for (uint32_t off = 0; off < len; off += strlen(list + off) + 1) {
		if (strcmp(list + off, "toplevel") == 0) {
			found = true;
		}
	}
	assert_true(found);
	free(list);
}

static void test_directory_of_node_without_children_is_empty(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *list;

	xst_write(c, 0, "/leaf", "v");
	list = xst_call_data(c, XS_DIRECTORY, 0, XST_STR("/leaf"), &len);
	assert_int_equal(len, 0);
	free(list);
}

static void test_directory_of_missing_node_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_DIRECTORY, 0, "/missing", "ENOENT");
}

/** Pipeline count WRITEs of /big/<20-byte name> and check every reply. */
static void create_children(
	struct xst_conn *c, const char *parent, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		char buf[128];
		int n = snprintf(buf, sizeof(buf), "%s/child-%013u", parent, i);

		xst_send(c, XS_WRITE, 0, buf, (uint32_t)n + 1);
	}
	for (unsigned int i = 0; i < count; i++) {
		struct xst_msg m;

		assert_int_equal(xst_recv(c, &m, XST_TIMEOUT_MS), 0);
		assert_int_equal(m.hdr.type, XS_WRITE);
		xst_msg_fini(&m);
	}
	/* The replies above used req_ids the helpers do not know of. */
	xst_barrier(c);
}

/** One DIRECTORY_PART chunk, split into its generation and its names. */
struct chunk {
	char gen[32];
	char *names; /* the bytes after "<gencnt>|" */
	uint32_t len;
	bool last; /* ended with an empty name, or had none */
};

static void read_chunk(struct xst_conn *c, uint32_t tx_id, const char *path,
	uint32_t offset, struct chunk *ch)
{
	char req[256];
	char off[16];
	uint32_t len;
	uint32_t glen;
	char *body;

	snprintf(off, sizeof(off), "%u", offset);
	len = xst_join(req, sizeof(req), path, off, NULL);
	body = xst_call_data(c, XS_DIRECTORY_PART, tx_id, req, len, &len);
	glen = (uint32_t)strnlen(body, len);
	if (glen == 0 || glen >= len || glen >= sizeof(ch->gen)) {
		fail_msg("DIRECTORY_PART %s %u: no <gencnt>| in the reply",
			path, offset);
	}
	memcpy(ch->gen, body, glen + 1);
	ch->len = len - glen - 1;
	ch->names = malloc(ch->len + 1);
	assert_non_null(ch->names);
	memcpy(ch->names, body + glen + 1, ch->len + 1);
	if (ch->len > 0 && ch->names[ch->len - 1] != '\0') {
		fail_msg("DIRECTORY_PART %s %u: names not NUL-terminated", path,
			offset);
	}
	/* The end is an empty name after the last one (or nothing left). */
	ch->last = ch->len == 0 || ch->len == 1 ||
		   (ch->len >= 2 && ch->names[ch->len - 2] == '\0');
	if (ch->last && ch->len > 0) {
		ch->len--;
	}
	free(body);
}

/**
 * Read a whole children list with DIRECTORY_PART, following the byte
 * offsets; asserts the generation count is the same in every chunk.
 * Returns the NUL-separated names; *chunks is the number of requests.
 */
static char *read_all_parts(struct xst_conn *c, uint32_t tx_id,
	const char *path, uint32_t *len, unsigned int *chunks)
{
	char *all = NULL;
	char gen[32] = "";
	uint32_t total = 0;
	unsigned int n = 0;

	for (;;) {
		struct chunk ch;

		assert_true(n < MAX_CHUNKS);
		read_chunk(c, tx_id, path, total, &ch);
		n++;
		if (n == 1) {
			strcpy(gen, ch.gen);
		} else {
			assert_string_equal(ch.gen, gen);
		}
		all = realloc(all, total + ch.len + 1);
		assert_non_null(all);
		memcpy(all + total, ch.names, ch.len);
		total += ch.len;
		free(ch.names);
		if (ch.last) {
			break;
		}
		assert_true(ch.len > 0);
	}
	all[total] = '\0';
	*len = total;
	*chunks = n;
	return all;
}

static void test_directory_part_gives_gencnt_and_all_children(void **state)
{
	struct xst_conn *c = conn(state);
	unsigned int chunks;
	uint32_t len;
	char *names;

	xst_write(c, 0, "/dp/a", "");
	xst_write(c, 0, "/dp/bb", "");
	xst_write(c, 0, "/dp/ccc", "");
	names = read_all_parts(c, 0, "/dp", &len, &chunks);
	assert_int_equal(len, strlen("a") + strlen("bb") + strlen("ccc") + 3);
	assert_non_null(memmem(names, len, "a\0", 2));
	assert_non_null(memmem(names, len, "bb\0", 3));
	assert_non_null(memmem(names, len, "ccc\0", 4));
	free(names);
}

static void test_directory_part_gencnt_is_stable_without_changes(void **state)
{
	struct xst_conn *c = conn(state);
	struct chunk a;
	struct chunk b;

	xst_write(c, 0, "/dp/a", "");
	read_chunk(c, 0, "/dp", 0, &a);
	read_chunk(c, 0, "/dp", 0, &b);
	assert_string_equal(a.gen, b.gen);
	free(a.names);
	free(b.names);
}

static void test_directory_part_of_missing_node_is_enoent(void **state)
{
	struct xst_conn *c = conn(state);

	xst_call_err(
		c, XS_DIRECTORY_PART, 0, XST_STR("/missing\0000"), "ENOENT");
}

static void test_directory_part_chunks_a_list_longer_than_payload_max(
	void **state)
{
	struct xst_conn *c = conn(state);
	unsigned int chunks;
	unsigned int count = 0;
	uint32_t len;
	char *names;

	create_children(c, "/big", MANY_CHILDREN);
	names = read_all_parts(c, 0, "/big", &len, &chunks);
	/* 300 names of "child-" + 13 digits, each with its NUL. */
	assert_int_equal(len, MANY_CHILDREN * 20);
	assert_true(chunks >= 2);
	for (uint32_t off = 0; off < len; off += strlen(names + off) + 1) {
		assert_int_equal(strlen(names + off), 19);
		count++;
	}
	assert_int_equal(count, MANY_CHILDREN);
	for (unsigned int i = 0; i < MANY_CHILDREN; i++) {
		char want[32];

		snprintf(want, sizeof(want), "child-%013u", i);
		assert_non_null(memmem(names, len, want, strlen(want) + 1));
	}
	free(names);
}

static void test_directory_part_gencnt_changes_when_children_change(
	void **state)
{
	struct xst_conn *c = conn(state);
	struct chunk first;
	struct chunk second;

	create_children(c, "/big", MANY_CHILDREN);
	read_chunk(c, 0, "/big", 0, &first);
	assert_false(first.last);
	xst_write(c, 0, "/big/added-between-chunks", "");
	read_chunk(c, 0, "/big", first.len, &second);
	assert_string_not_equal(first.gen, second.gen);
	free(first.names);
	free(second.names);
}

static void test_directory_of_long_list_never_exceeds_payload_max(void **state)
{
	struct xst_conn *c = conn(state);
	struct xst_msg m;

	create_children(c, "/big", MANY_CHILDREN);
	/* The list is 6000 bytes: the reply must be an error (xs_wire.h
	 * limits payloads in both directions; xst_recv() asserts it). */
	xst_call(c, XS_DIRECTORY, 0, XST_STR("/big"), &m);
	assert_int_equal(m.hdr.type, XS_ERROR);
	xst_msg_fini(&m);
	xst_assert_read(c, 0, "/big/child-0000000000007", "");
}

static void test_relative_path_resolves_against_local_domain_0(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "rel/x", "relative");
	xst_assert_read(c, 0, "/local/domain/0/rel/x", "relative");
	xst_assert_read(c, 0, "rel/x", "relative");
	xst_assert_dir(c, 0, "rel", "x");
	xst_mkdir(c, 0, "rel/y");
	xst_assert_read(c, 0, "/local/domain/0/rel/y", "");
	xst_rm(c, 0, "rel/x");
	xst_assert_path_err(c, XS_READ, 0, "/local/domain/0/rel/x", "ENOENT");
}

static void test_empty_path_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_READ, 0, "", "EINVAL");
	xst_assert_path_err(c, XS_WRITE, 0, "", "EINVAL");
	xst_assert_path_err(c, XS_MKDIR, 0, "", "EINVAL");
	xst_assert_path_err(c, XS_RM, 0, "", "EINVAL");
	xst_assert_path_err(c, XS_DIRECTORY, 0, "", "EINVAL");
}

static void test_doubled_slash_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_assert_path_err(c, XS_WRITE, 0, "/a//b", "EINVAL");
	xst_assert_path_err(c, XS_MKDIR, 0, "//a", "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, "/a//b", "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, "/a", "ENOENT");
}

static void test_trailing_slash_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a", "v");
	xst_assert_path_err(c, XS_READ, 0, "/a/", "EINVAL");
	xst_assert_path_err(c, XS_WRITE, 0, "/b/", "EINVAL");
	xst_assert_path_err(c, XS_RM, 0, "/a/", "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, "/b", "ENOENT");
}

static void test_characters_outside_the_path_set_are_einval(void **state)
{
	static const char *const bad[] = {
		"/a b",
		"/a.b",
		"/a$",
		"/a\\b",
		"/a:b",
		"/a*",
		"/\xc3\xa9",
		"/a\tb",
		"/a~",
		"/a,b",
	};
	struct xst_conn *c = conn(state);

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		xst_assert_path_err(c, XS_WRITE, 0, bad[i], "EINVAL");
		xst_assert_path_err(c, XS_READ, 0, bad[i], "EINVAL");
	}
	/* Every permitted character: alphanumerics and -/_@. */
	xst_write(c, 0, "/Az09-_@/x", "ok");
	xst_assert_read(c, 0, "/Az09-_@/x", "ok");
}

/** A path of exactly len bytes: "/" + segments of 63 letters. */
static void make_long_path(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		buf[i] = i % 64 == 0 ? '/' : 'p';
	}
	/* The path must not end with a slash. */
	if (buf[len - 1] == '/') {
		buf[len - 1] = 'q';
	}
	buf[len] = '\0';
}

static void test_absolute_path_of_3072_bytes_is_accepted(void **state)
{
	struct xst_conn *c = conn(state);
	char path[XENSTORE_ABS_PATH_MAX + 1];

	make_long_path(path, XENSTORE_ABS_PATH_MAX);
	assert_int_equal(strlen(path), 3072);
	xst_write(c, 0, path, "deep");
	xst_assert_read(c, 0, path, "deep");
}

static void test_absolute_path_over_3072_bytes_is_einval(void **state)
{
	struct xst_conn *c = conn(state);
	char path[XENSTORE_ABS_PATH_MAX + 2];

	make_long_path(path, XENSTORE_ABS_PATH_MAX + 1);
	xst_assert_path_err(c, XS_WRITE, 0, path, "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, path, "EINVAL");
	xst_assert_path_err(c, XS_MKDIR, 0, path, "EINVAL");
	/* Nothing of it was created. */
	path[64] = '\0';
	xst_assert_path_err(c, XS_READ, 0, path, "ENOENT");
}

static void test_payload_without_nul_terminator_is_einval(void **state)
{
	struct xst_conn *c = conn(state);

	xst_write(c, 0, "/a", "v");
	xst_call_err(c, XS_READ, 0, XST_RAW("/a"), "EINVAL");
	xst_call_err(c, XS_WRITE, 0, XST_RAW("/b"), "EINVAL");
	xst_call_err(c, XS_MKDIR, 0, XST_RAW("/c"), "EINVAL");
	xst_call_err(c, XS_RM, 0, XST_RAW("/a"), "EINVAL");
	xst_call_err(c, XS_DIRECTORY, 0, XST_RAW("/a"), "EINVAL");
	xst_call_err(c, XS_GET_PERMS, 0, XST_RAW("/a"), "EINVAL");
	xst_assert_path_err(c, XS_READ, 0, "/b", "ENOENT");
	xst_assert_path_err(c, XS_READ, 0, "/c", "ENOENT");
	xst_assert_read(c, 0, "/a", "v");
}

static void test_special_paths_are_einval_for_node_operations(void **state)
{
	struct xst_conn *c = conn(state);
	static const char *const paths[] = {
		"@introduceDomain",
		"@releaseDomain",
		"@other",
	};

	for (unsigned int i = 0; i < 3; i++) {
		xst_assert_path_err(c, XS_READ, 0, paths[i], "EINVAL");
		xst_assert_path_err(c, XS_WRITE, 0, paths[i], "EINVAL");
		xst_assert_path_err(c, XS_MKDIR, 0, paths[i], "EINVAL");
		xst_assert_path_err(c, XS_RM, 0, paths[i], "EINVAL");
		xst_assert_path_err(c, XS_DIRECTORY, 0, paths[i], "EINVAL");
	}
	/* Inside a path "@" is a permitted character. */
	xst_write(c, 0, "/a/@b/c", "v");
	xst_assert_read(c, 0, "/a/@b/c", "v");
}

static void test_get_domain_path_gives_local_domain_path(void **state)
{
	struct xst_conn *c = conn(state);
	uint32_t len;
	char *path;

	path = xst_call_data(c, XS_GET_DOMAIN_PATH, 0, XST_STR("5"), &len);
	assert_int_equal(len, sizeof("/local/domain/5"));
	assert_string_equal(path, "/local/domain/5");
	free(path);
	path = xst_call_data(c, XS_GET_DOMAIN_PATH, 0, XST_STR("0"), &len);
	assert_int_equal(len, sizeof("/local/domain/0"));
	assert_string_equal(path, "/local/domain/0");
	free(path);
}

static void test_replies_echo_any_req_id_and_tx_id_zero(void **state)
{
	struct xst_conn *c = conn(state);
	static const uint32_t ids[] = {
		0, 1, 0x7fffffff, 0xdeadbeef, 0xffffffff};

	for (unsigned int i = 0; i < 5; i++) {
		struct xst_msg m;

		xst_send_msg(c, XS_GET_DOMAIN_PATH, ids[i], 0, XST_STR("3"));
		xst_reply(c, ids[i], 0, &m);
		assert_int_equal(m.hdr.type, XS_GET_DOMAIN_PATH);
		xst_msg_fini(&m);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, xst_setup, xst_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_write_then_read_returns_value),
		T(test_write_overwrites_value),
		T(test_write_creates_missing_parents_with_empty_values),
		T(test_write_without_value_stores_empty_value),
		T(test_write_binary_value_with_nuls_round_trips),
		T(test_write_of_3000_byte_value_round_trips),
		T(test_read_of_missing_node_is_enoent),
		T(test_mkdir_creates_node_and_missing_parents),
		T(test_mkdir_leaves_existing_values_unchanged),
		T(test_rm_removes_node_and_all_children),
		T(test_rm_of_missing_node_with_existing_parent_is_ok),
		T(test_rm_of_missing_node_with_missing_parent_is_enoent),
		T(test_rm_of_root_is_einval),
		T(test_directory_lists_immediate_children_only),
		T(test_directory_of_root_includes_new_top_level_node),
		T(test_directory_of_node_without_children_is_empty),
		T(test_directory_of_missing_node_is_enoent),
		T(test_directory_part_gives_gencnt_and_all_children),
		T(test_directory_part_gencnt_is_stable_without_changes),
		T(test_directory_part_of_missing_node_is_enoent),
		T(test_directory_part_chunks_a_list_longer_than_payload_max),
		T(test_directory_part_gencnt_changes_when_children_change),
		T(test_directory_of_long_list_never_exceeds_payload_max),
		T(test_relative_path_resolves_against_local_domain_0),
		T(test_empty_path_is_einval),
		T(test_doubled_slash_is_einval),
		T(test_trailing_slash_is_einval),
		T(test_characters_outside_the_path_set_are_einval),
		T(test_absolute_path_of_3072_bytes_is_accepted),
		T(test_absolute_path_over_3072_bytes_is_einval),
		T(test_payload_without_nul_terminator_is_einval),
		T(test_special_paths_are_einval_for_node_operations),
		T(test_get_domain_path_gives_local_domain_path),
		T(test_replies_echo_any_req_id_and_tx_id_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
