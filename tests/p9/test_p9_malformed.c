/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Robustness tests of the 9P server's parser (p9s_handle in
 * p9backend/p9server.c and every handler): short headers, size fields
 * that lie, truncated bodies and trailing bytes for every message type,
 * oversized strings, embedded NULs, bad fids, too many walk names, write
 * counts that do not match, huge read counts, an unversioned session, and
 * thousands of seeded random messages. Every reply must be well formed:
 * its size field equals the returned length, which is at most msize, and
 * it is the matching R-message or Rlerror.
 */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9rpc.h"

/* fid 0: the root; fid 1: the file "f", opened read-write; fid 2: "lnk";
 * fid 3: the directory "d", opened. */
#define FID_FILE 1u
#define FID_LINK 2u
#define FID_DIR 3u /* "d", opened */

/* Walk and open fids 1 to 3 (the files may be gone: then no matter). */
static void prime_fids(struct p9t *t)
{
	struct p9_qid q;
	uint16_t n;

	if (p9t_walk(t, P9T_ROOT, FID_FILE, "f", &n, &q) == 0) {
		p9t_lopen(t, FID_FILE, P9_DOTL_RDWR, &q);
	}
	p9t_walk(t, P9T_ROOT, FID_LINK, "lnk", &n, &q);
	if (p9t_walk(t, P9T_ROOT, FID_DIR, "d", &n, &q) == 0) {
		p9t_lopen(t, FID_DIR, P9_DOTL_RDONLY, &q);
	}
}

static int setup(void **state)
{
	struct p9t *t = malloc(sizeof(*t));

	assert_non_null(t);
	p9t_setup(t, P9S_SECURITY_NONE, false);
	p9t_mkfile(t, "f", "0123456789");
	assert_int_equal(mkdir(p9t_path(t, "d"), 0755), 0);
	assert_int_equal(symlink("f", p9t_path(t, "lnk")), 0);
	prime_fids(t);
	assert_int_equal(p9s_session_fids(t->s), 4);
	*state = t;
	return 0;
}

/* A valid body of each message type, naming fid 0 or fid 1 first. */
static void build_body(struct p9_out *o, uint8_t type)
{
	switch (type) {
	case P9_TVERSION:
		p9_out_u32(o, P9T_MSIZE);
		p9_out_str(o, P9_VERSION_L);
		break;
	case P9_TAUTH:
	case P9_TATTACH:
		p9_out_u32(o, 5);
		if (type == P9_TATTACH) {
			p9_out_u32(o, P9_NOFID);
		}
		p9_out_str(o, "user");
		p9_out_str(o, "");
		p9_out_u32(o, 0);
		break;
	case P9_TFLUSH:
		p9_out_u16(o, 1);
		break;
	case P9_TWALK:
		p9_out_u32(o, P9T_ROOT);
		p9_out_u32(o, 5);
		p9_out_u16(o, 1);
		p9_out_str(o, "f");
		break;
	case P9_TLOPEN:
		p9_out_u32(o, P9T_ROOT);
		p9_out_u32(o, 0);
		break;
	case P9_TLCREATE:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "new");
		p9_out_u32(o, P9_DOTL_RDWR);
		p9_out_u32(o, 0600);
		p9_out_u32(o, 0);
		break;
	case P9_TREAD:
		p9_out_u32(o, FID_FILE);
		p9_out_u64(o, 0);
		p9_out_u32(o, 10);
		break;
	case P9_TWRITE:
		p9_out_u32(o, FID_FILE);
		p9_out_u64(o, 0);
		p9_out_u32(o, 3);
		p9_out_data(o, "abc", 3);
		break;
	case P9_TCLUNK:
	case P9_TREMOVE:
		p9_out_u32(o, FID_FILE);
		break;
	case P9_TREADLINK:
		p9_out_u32(o, FID_LINK);
		break;
	case P9_TSTATFS:
		p9_out_u32(o, P9T_ROOT);
		break;
	case P9_TSYMLINK:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "sym");
		p9_out_str(o, "target");
		p9_out_u32(o, 0);
		break;
	case P9_TMKNOD:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "node");
		p9_out_u32(o, S_IFIFO | 0600);
		p9_out_u32(o, 0);
		p9_out_u32(o, 0);
		p9_out_u32(o, 0);
		break;
	case P9_TRENAME:
		p9_out_u32(o, FID_FILE);
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "g");
		break;
	case P9_TGETATTR:
		p9_out_u32(o, P9T_ROOT);
		p9_out_u64(o, P9_GETATTR_ALL);
		break;
	case P9_TSETATTR:
		p9_out_u32(o, FID_FILE);
		p9_out_u32(o, P9_SETATTR_SIZE);
		p9_out_u32(o, 0);
		p9_out_u32(o, 0);
		p9_out_u32(o, 0);
		p9_out_u64(o, 2);
		p9_out_u64(o, 0);
		p9_out_u64(o, 0);
		p9_out_u64(o, 0);
		p9_out_u64(o, 0);
		break;
	case P9_TXATTRWALK:
		p9_out_u32(o, P9T_ROOT);
		p9_out_u32(o, 5);
		p9_out_str(o, "");
		break;
	case P9_TXATTRCREATE:
		p9_out_u32(o, FID_FILE);
		p9_out_str(o, "user.a");
		p9_out_u64(o, 1);
		p9_out_u32(o, 0);
		break;
	case P9_TREADDIR:
		p9_out_u32(o, FID_DIR);
		p9_out_u64(o, 0);
		p9_out_u32(o, 100);
		break;
	case P9_TFSYNC:
		p9_out_u32(o, FID_FILE);
		p9_out_u32(o, 0);
		break;
	case P9_TLOCK:
		p9_out_u32(o, FID_FILE);
		p9_out_u8(o, P9_LOCK_TYPE_WRLCK);
		p9_out_u32(o, 0);
		p9_out_u64(o, 0);
		p9_out_u64(o, 0);
		p9_out_u32(o, 1);
		p9_out_str(o, "client");
		break;
	case P9_TGETLOCK:
		p9_out_u32(o, FID_FILE);
		p9_out_u8(o, P9_LOCK_TYPE_WRLCK);
		p9_out_u64(o, 0);
		p9_out_u64(o, 0);
		p9_out_u32(o, 1);
		p9_out_str(o, "client");
		break;
	case P9_TLINK:
		p9_out_u32(o, P9T_ROOT);
		p9_out_u32(o, FID_FILE);
		p9_out_str(o, "hard");
		break;
	case P9_TMKDIR:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "dir");
		p9_out_u32(o, 0755);
		p9_out_u32(o, 0);
		break;
	case P9_TRENAMEAT:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "f");
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "g");
		break;
	case P9_TUNLINKAT:
		p9_out_u32(o, P9T_ROOT);
		p9_out_str(o, "d");
		p9_out_u32(o, P9_AT_REMOVEDIR);
		break;
	default:
		fail();
	}
}

static const uint8_t all_types[] = {P9_TVERSION, P9_TAUTH, P9_TATTACH,
	P9_TFLUSH, P9_TWALK, P9_TLOPEN, P9_TLCREATE, P9_TREAD, P9_TWRITE,
	P9_TCLUNK, P9_TREMOVE, P9_TSTATFS, P9_TSYMLINK, P9_TMKNOD, P9_TRENAME,
	P9_TREADLINK, P9_TGETATTR, P9_TSETATTR, P9_TXATTRWALK, P9_TXATTRCREATE,
	P9_TREADDIR, P9_TFSYNC, P9_TLOCK, P9_TGETLOCK, P9_TLINK, P9_TMKDIR,
	P9_TRENAMEAT, P9_TUNLINKAT};
#define TYPE_COUNT (sizeof(all_types) / sizeof(all_types[0]))

/* Build a valid message of type into buf; its length. */
static size_t build_msg(uint8_t *buf, size_t cap, uint8_t type, uint16_t tag)
{
	struct p9_out o;

	p9_out_init(&o, buf, cap);
	p9_out_begin(&o, type, tag);
	build_body(&o, type);
	return p9_out_end(&o);
}

/* Send len bytes of buf after fixing its size field to len. */
static int send_sized(struct p9t *t, uint8_t *buf, size_t len)
{
	p9_put_u32(buf, (uint32_t)len);
	return p9t_send_raw(t, buf, len);
}

/* Fid 1 is still open on "f" and nothing else changed. */
static void assert_state_unchanged(struct p9t *t)
{
	char buf[16];
	struct stat st;

	assert_int_equal(p9s_session_fids(t->s), 4);
	assert_int_equal(p9t_read(t, FID_FILE, 0, 10, buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "0123456789", 10);
	assert_int_equal(stat(p9t_path(t, "d"), &st), 0);
	assert_int_equal(stat(p9t_path(t, "new"), &st), -1);
	assert_int_equal(stat(p9t_path(t, "g"), &st), -1);
	assert_int_equal(p9s_session_msize(t->s), P9T_MSIZE);
}

static void test_valid_bodies_of_every_type_are_accepted(void **state)
{
	uint8_t buf[256];
	size_t i, len;
	int rc;

	for (i = 0; i < TYPE_COUNT; i++) {
		void *st = NULL;

		assert_int_equal(setup(&st), 0);
		len = build_msg(buf, sizeof(buf), all_types[i], 9);
		rc = p9t_send_raw(st, buf, len);
		if (all_types[i] == P9_TAUTH) {
			assert_int_equal(rc, -ENOENT);
		} else {
			assert_int_equal(rc, 0);
		}
		p9t_fixture_teardown(&st);
	}
}

static void test_short_headers_get_eproto_without_a_tag(void **state)
{
	static const uint8_t hdr[] = {7, 0, 0, 0, P9_TCLUNK, 1, 0};
	struct p9t *t = *state;
	size_t len;

	for (len = 0; len < P9_HDR_SIZE; len++) {
		t->rep_len = p9s_handle(t->s, hdr, len, t->rep, sizeof(t->rep));
		assert_int_equal(t->rep_len, P9_HDR_SIZE + 4);
		assert_int_equal(p9_get_u32(t->rep), t->rep_len);
		assert_int_equal(t->rep[4], P9_RLERROR);
		assert_int_equal(t->rep[5], 0xff);
		assert_int_equal(t->rep[6], 0xff);
		assert_int_equal(p9_get_u32(t->rep + 7), EPROTO);
	}
	/* a bare header of a body-less type is a short body: EINVAL */
	assert_int_equal(p9t_send_raw(t, hdr, sizeof(hdr)), -EINVAL);
	assert_state_unchanged(t);
}

static void test_size_fields_that_lie_are_refused(void **state)
{
	struct p9t *t = *state;
	uint8_t buf[256];
	size_t len = build_msg(buf, sizeof(buf), P9_TREAD, 3);

	p9_put_u32(buf, (uint32_t)len + 100);
	assert_int_equal(p9t_send_raw(t, buf, len), -EINVAL);
	p9_put_u32(buf, (uint32_t)len - 1);
	assert_int_equal(p9t_send_raw(t, buf, len), -EINVAL);
	p9_put_u32(buf, 0xffffffffu);
	assert_int_equal(p9t_send_raw(t, buf, len), -EINVAL);
	p9_put_u32(buf, 0);
	assert_int_equal(p9t_send_raw(t, buf, len), -EINVAL);
	assert_state_unchanged(t);
}

static void test_truncated_bodies_and_trailing_bytes_are_einval(void **state)
{
	struct p9t *t = *state;
	uint8_t buf[256];
	size_t i, len, cut;

	for (i = 0; i < TYPE_COUNT; i++) {
		len = build_msg(buf, sizeof(buf), all_types[i], 4);
		for (cut = P9_HDR_SIZE; cut < len; cut++) {
			int rc = send_sized(t, buf, cut);

			if (all_types[i] == P9_TAUTH) {
				assert_true(rc == -EINVAL || rc == -ENOENT);
			} else {
				assert_int_equal(rc, -EINVAL);
			}
		}
		buf[len] = 0x5a;
		if (all_types[i] != P9_TAUTH) {
			assert_int_equal(send_sized(t, buf, len + 1), -EINVAL);
		}
	}
	assert_state_unchanged(t);
}

static void test_strings_longer_than_the_message_are_einval(void **state)
{
	struct p9t *t = *state;
	struct p9_out *o;

	o = p9t_begin(t, P9_TWALK);
	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, 5);
	p9_out_u16(o, 1);
	p9_out_u16(o, 0xffff);
	p9_out_data(o, "abc", 3);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TXATTRWALK);
	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, 5);
	p9_out_u16(o, 10);
	p9_out_data(o, "user", 4);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TVERSION);
	p9_out_u32(o, P9T_MSIZE);
	p9_out_u16(o, 9);
	p9_out_data(o, P9_VERSION_L, 8);
	assert_int_equal(p9t_send(t), -EINVAL);
	assert_state_unchanged(t);
}

static void test_embedded_nul_bytes_are_einval(void **state)
{
	struct p9t *t = *state;
	struct p9_out *o;

	o = p9t_begin(t, P9_TLCREATE);
	p9_out_u32(o, P9T_ROOT);
	p9_out_strn(o, "new\0x", 5);
	p9_out_u32(o, P9_DOTL_RDWR);
	p9_out_u32(o, 0600);
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TXATTRWALK);
	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, 5);
	p9_out_strn(o, "user.a\0b", 8);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TSYMLINK);
	p9_out_u32(o, P9T_ROOT);
	p9_out_str(o, "sym");
	p9_out_strn(o, "/a\0/b", 5);
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TVERSION);
	p9_out_u32(o, P9T_MSIZE);
	p9_out_strn(o, "9P2000.L\0", 9);
	assert_int_equal(p9t_send(t), 0);
	assert_memory_equal(t->rep + 11, "\7\0unknown", 9);
}

static void test_unknown_fids_are_ebadf_for_every_type(void **state)
{
	struct p9t *t = *state;
	uint8_t buf[256];
	size_t i, len;

	for (i = 0; i < TYPE_COUNT; i++) {
		uint8_t type = all_types[i];

		if (type == P9_TVERSION || type == P9_TAUTH ||
			type == P9_TATTACH || type == P9_TFLUSH) {
			continue;
		}
		len = build_msg(buf, sizeof(buf), type, 2);
		p9_put_u32(buf + P9_HDR_SIZE, 999);
		assert_int_equal(p9t_send_raw(t, buf, len), -EBADF);
	}
	assert_state_unchanged(t);
}

static void test_walk_of_seventeen_names_is_einval(void **state)
{
	struct p9t *t = *state;
	struct p9_out *o = p9t_begin(t, P9_TWALK);
	int i;

	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, 5);
	p9_out_u16(o, 17);
	for (i = 0; i < 17; i++) {
		p9_out_str(o, "..");
	}
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TWALK);
	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, 5);
	p9_out_u16(o, 16);
	for (i = 0; i < 16; i++) {
		p9_out_str(o, "..");
	}
	assert_int_equal(p9t_send(t), 0);
	assert_int_equal(p9_in_u16(&t->in), 16);
	assert_int_equal(p9t_clunk(t, 5), 0);
	assert_state_unchanged(t);
}

static void test_write_counts_must_match_the_data(void **state)
{
	static uint8_t big[P9T_MSIZE];
	struct p9t *t = *state;
	struct p9_out *o;

	o = p9t_begin(t, P9_TWRITE);
	p9_out_u32(o, FID_FILE);
	p9_out_u64(o, 0);
	p9_out_u32(o, 10);
	p9_out_data(o, "abc", 3);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TWRITE);
	p9_out_u32(o, FID_FILE);
	p9_out_u64(o, 0);
	p9_out_u32(o, 2);
	p9_out_data(o, "abc", 3);
	assert_int_equal(p9t_send(t), -EINVAL);
	o = p9t_begin(t, P9_TWRITE);
	p9_out_u32(o, FID_FILE);
	p9_out_u64(o, 0);
	p9_out_u32(o, 0xffffffffu);
	assert_int_equal(p9t_send(t), -EINVAL);
	/* more data than msize - P9_IOHDR_SIZE */
	o = p9t_begin(t, P9_TWRITE);
	p9_out_u32(o, FID_FILE);
	p9_out_u64(o, 0);
	p9_out_u32(o, P9T_MSIZE - P9_IOHDR_SIZE + 1);
	p9_out_data(o, big, P9T_MSIZE - P9_IOHDR_SIZE + 1);
	assert_int_equal(p9t_send(t), -EINVAL);
	/* offsets beyond off_t */
	o = p9t_begin(t, P9_TWRITE);
	p9_out_u32(o, FID_FILE);
	p9_out_u64(o, 1ull << 63);
	p9_out_u32(o, 1);
	p9_out_u8(o, 'x');
	assert_int_equal(p9t_send(t), -EINVAL);
	assert_state_unchanged(t);
}

static void test_huge_read_counts_are_clamped_to_msize(void **state)
{
	static char data[20000];
	struct p9t *t = *state;
	struct p9_qid q;
	uint16_t n;
	FILE *f;
	int rc;

	memset(data, 'z', sizeof(data));
	f = fopen(p9t_path(t, "big"), "w");
	assert_non_null(f);
	fwrite(data, 1, sizeof(data), f);
	fclose(f);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 5, "big", &n, &q), 0);
	assert_int_equal(p9t_lopen(t, 5, P9_DOTL_RDONLY, &q), 0);
	rc = p9t_read(t, 5, 0, 0xffffffffu, NULL, 0);
	assert_int_equal(rc, P9T_MSIZE - P9_IOHDR_SIZE);
	assert_int_equal(t->rep_len, P9T_MSIZE);
	rc = p9t_read(t, 5, 1ull << 63, 10, NULL, 0);
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(p9t_clunk(t, 5), 0);
	/* a smaller msize bounds replies too */
	{
		char v[32];
		uint32_t m;

		assert_int_equal(p9t_version(t, 4096, P9_VERSION_L, &m, v), 0);
		assert_int_equal(p9t_attach(t, 0, 0, &q), 0);
		assert_int_equal(p9t_walk(t, 0, 2, "big", &n, &q), 0);
		assert_int_equal(p9t_lopen(t, 2, P9_DOTL_RDONLY, &q), 0);
		assert_int_equal(p9t_read(t, 2, 0, 100000, NULL, 0),
			4096 - P9_IOHDR_SIZE);
		assert_int_equal(t->rep_len, 4096);
	}
}

static void test_unversioned_session_refuses_every_type(void **state)
{
	struct p9t *t = *state;
	struct p9s_session *s = p9s_session_new(t->ex, P9T_MSIZE);
	uint8_t buf[256], rep[P9T_MSIZE];
	size_t i, len, rlen;

	assert_non_null(s);
	for (i = 0; i < TYPE_COUNT; i++) {
		if (all_types[i] == P9_TVERSION) {
			continue;
		}
		len = build_msg(buf, sizeof(buf), all_types[i], 6);
		rlen = p9s_handle(s, buf, len, rep, sizeof(rep));
		assert_int_equal(rlen, P9_HDR_SIZE + 4);
		assert_int_equal(rep[4], P9_RLERROR);
		assert_int_equal(rep[5], 6);
		assert_int_equal(p9_get_u32(rep + 7), EPROTO);
	}
	assert_int_equal(p9s_session_fids(s), 0);
	p9s_session_free(s);
	assert_state_unchanged(t);
}

static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

/* One random message into buf; its length (the size field may lie). */
static size_t random_msg(uint8_t *buf, size_t cap)
{
	static const char *const names[] = {
		"f", "d", "..", "x", "", "a/b", "user.a", "new", "g", "."};
	uint32_t mode = rng() % 4;
	size_t len, i;

	if (mode == 0) {
		len = rng() % 80;
		for (i = 0; i < len; i++) {
			buf[i] = (uint8_t)rng();
		}
		if (len >= 4 && rng() % 2) {
			p9_put_u32(buf, (uint32_t)len);
		}
		return len;
	}
	if (mode == 1 || mode == 2) {
		uint8_t type = all_types[rng() % TYPE_COUNT];

		len = build_msg(buf, cap, type, (uint16_t)rng());
		for (i = mode == 1 ? 0 : rng() % 4; i > 0 && len > 4; i--) {
			buf[4 + rng() % (len - 4)] = (uint8_t)rng();
		}
		return len;
	}
	/* a known type with fields of plausible values */
	{
		struct p9_out o;
		uint32_t fields = rng() % 10;

		p9_out_init(&o, buf, cap);
		p9_out_begin(
			&o, all_types[rng() % TYPE_COUNT], (uint16_t)rng());
		for (i = 0; i < fields; i++) {
			switch (rng() % 5) {
			case 0:
				p9_out_u32(&o, rng() % 8);
				break;
			case 1:
				p9_out_str(&o, names[rng() % 10]);
				break;
			case 2:
				p9_out_u64(&o, rng() % 3 ? rng() % 64 : ~0ull);
				break;
			case 3:
				p9_out_u8(&o, (uint8_t)rng());
				break;
			default:
				p9_out_u16(&o, (uint16_t)(rng() % 4));
				break;
			}
		}
		return p9_out_end(&o);
	}
}

static void check_reply(const uint8_t *req, size_t len, const uint8_t *rep,
	size_t rlen, uint32_t msize)
{
	assert_true(rlen >= P9_HDR_SIZE);
	assert_true(rlen <= msize);
	assert_int_equal(p9_get_u32(rep), rlen);
	if (rep[4] == P9_RLERROR) {
		assert_int_equal(rlen, P9_HDR_SIZE + 4);
		assert_true(p9_get_u32(rep + 7) > 0);
		if (len >= P9_HDR_SIZE) {
			assert_memory_equal(rep + 5, req + 5, 2);
		} else {
			assert_int_equal(rep[5] & rep[6], 0xff);
		}
		return;
	}
	assert_true(len >= P9_HDR_SIZE);
	assert_int_equal(rep[4], (uint8_t)(req[4] + 1));
	assert_memory_equal(rep + 5, req + 5, 2);
}

static void test_random_messages_always_get_well_formed_replies(void **state)
{
	struct p9t *t = *state;
	static uint8_t buf[P9T_MSIZE], rep[P9T_MSIZE];
	struct p9s_session *s;
	struct p9_qid q;
	int base, i, ok = 0;
	uint16_t n;

	rng_state = 0x9e3779b97f4a7c15ull;
	p9s_session_free(t->s);
	base = p9t_fd_count();
	t->s = p9t_session(t);
	for (i = 0; i < 4000; i++) {
		size_t len = random_msg(buf, sizeof(buf)), rlen;
		uint32_t msize = p9s_session_msize(t->s);

		rlen = p9s_handle(t->s, buf, len, rep, sizeof(rep));
		check_reply(buf, len, rep, rlen, msize);
		ok += rep[4] != P9_RLERROR;
		if (i % 50 == 49) {
			s = t->s;
			t->s = p9t_session(t);
			p9s_session_free(s);
			prime_fids(t);
		}
	}
	print_message("%d of 4000 random requests succeeded\n", ok);
	assert_true(ok > 300);
	/* still serving */
	s = t->s;
	t->s = p9t_session(t);
	p9s_session_free(s);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 1, "", &n, &q), 0);
	assert_int_equal(p9t_getattr(t, 1, &(struct p9t_attr){0}), 0);
	p9s_session_free(t->s);
	t->s = NULL;
	assert_int_equal(p9t_fd_count(), base);
	t->s = p9t_session(t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, p9t_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_valid_bodies_of_every_type_are_accepted),
		T(test_short_headers_get_eproto_without_a_tag),
		T(test_size_fields_that_lie_are_refused),
		T(test_truncated_bodies_and_trailing_bytes_are_einval),
		T(test_strings_longer_than_the_message_are_einval),
		T(test_embedded_nul_bytes_are_einval),
		T(test_unknown_fids_are_ebadf_for_every_type),
		T(test_walk_of_seventeen_names_is_einval),
		T(test_write_counts_must_match_the_data),
		T(test_huge_read_counts_are_clamped_to_msize),
		T(test_unversioned_session_refuses_every_type),
		T(test_random_messages_always_get_well_formed_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
