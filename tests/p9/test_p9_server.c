/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the 9P2000.L server (p9backend/p9server.c and p9s_*.c):
 * every message with a success and a failure case, run against a
 * temporary export under /tmp through p9s_handle().
 */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9rpc.h"

static void assert_qid_equal(const struct p9_qid *a, const struct p9_qid *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->path, b->path);
}

/* Walk path from the root to fid, asserting success. */
static void walk_ok(
	struct p9t *t, uint32_t fid, const char *path, struct p9_qid *q)
{
	struct p9_qid tmp;
	uint16_t n;

	assert_int_equal(p9t_walk(t, P9T_ROOT, fid, path, &n, q ? q : &tmp), 0);
}

static void test_version_clamps_msize_and_rejects_unknown_versions(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;
	char v[64];
	uint32_t m;
	uint16_t n;

	assert_int_equal(p9t_version(t, 1u << 20, "9P2000.L", &m, v), 0);
	assert_int_equal(m, P9T_MSIZE);
	assert_string_equal(v, "9P2000.L");
	assert_int_equal(p9s_session_fids(t->s), 0);

	assert_int_equal(p9t_version(t, 5000, "9P2000.L", &m, v), 0);
	assert_int_equal(m, 5000);
	assert_int_equal(p9s_session_msize(t->s), 5000);

	assert_int_equal(p9t_version(t, 8192, "9P2000.u", &m, v), 0);
	assert_string_equal(v, "unknown");
	assert_int_equal(p9t_attach(t, 0, 0, &q), -EPROTO);

	assert_int_equal(p9t_version(t, 100, "9P2000.L", &m, v), -EINVAL);
	assert_int_equal(p9t_attach(t, 0, 0, &q), -EPROTO);

	assert_int_equal(p9t_version(t, 8192, "9P2000.L", &m, v), 0);
	assert_int_equal(p9t_attach(t, 0, 0, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(p9t_walk(t, 0, 1, "", &n, &q), 0);
	assert_int_equal(p9s_session_fids(t->s), 2);
	/* a new Tversion clunks everything */
	assert_int_equal(p9t_version(t, 8192, "9P2000.L", &m, v), 0);
	assert_int_equal(p9s_session_fids(t->s), 0);
	assert_int_equal(p9t_attach(t, 0, 0, &q), 0);
}

static void test_unversioned_session_answers_eproto(void **state)
{
	struct p9t *t = *state;
	struct p9s_session *s = p9s_session_new(t->ex, P9T_MSIZE);
	struct p9_out *o;

	assert_non_null(s);
	assert_int_equal(p9s_session_msize(s), P9T_MSIZE);
	o = p9t_begin(t, P9_TATTACH);
	p9_out_u32(o, 0);
	p9_out_u32(o, P9_NOFID);
	p9_out_str(o, "");
	p9_out_str(o, "");
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send_on(t, s), -EPROTO);
	p9_out_u32(p9t_begin(t, P9_TCLUNK), 0);
	assert_int_equal(p9t_send_on(t, s), -EPROTO);
	p9s_session_free(s);
	assert_null(p9s_session_new(t->ex, 100));
}

static void test_auth_is_not_needed_and_legacy_messages_are_not_supported(
	void **state)
{
	static const uint8_t legacy[] = {P9_TOPEN, P9_TCREATE, P9_TSTAT,
		P9_TWSTAT, P9_TLERROR, P9_TERROR, P9_RLERROR, 200, 0};
	struct p9t *t = *state;
	struct p9_out *o = p9t_begin(t, P9_TAUTH);
	size_t i;

	p9_out_u32(o, 1);
	p9_out_str(o, "user");
	p9_out_str(o, "");
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -ENOENT); /* "no auth needed" */
	for (i = 0; i < sizeof(legacy); i++) {
		o = p9t_begin(t, legacy[i]);
		p9_out_u32(o, 0);
		p9_out_u8(o, 0);
		assert_int_equal(p9t_send(t), -EOPNOTSUPP);
	}
}

static void test_attach_needs_nofid_afid_and_a_free_fid(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q, r;
	struct p9_out *o;

	assert_int_equal(p9t_attach(t, P9T_ROOT, 0, &q), -EBADF);
	assert_int_equal(p9t_attach(t, 7, 1000, &q), 0);
	assert_int_equal(p9t_attach(t, 8, 1000, &r), 0);
	assert_qid_equal(&q, &r);
	o = p9t_begin(t, P9_TATTACH);
	p9_out_u32(o, 9);
	p9_out_u32(o, 3);
	p9_out_str(o, "");
	p9_out_str(o, "");
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -EOPNOTSUPP);
}

static void test_walk_clones_walks_and_stops_partially(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q, root;
	uint16_t n;

	assert_int_equal(mkdir(p9t_path(t, "a"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "a/b"), 0755), 0);
	p9t_mkfile(t, "a/b/f", "x");

	assert_int_equal(p9t_walk(t, P9T_ROOT, 1, "", &n, &q), 0);
	assert_int_equal(n, 0);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 7, "..", &n, &root), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "a/b/f", &n, &q), 0);
	assert_int_equal(n, 3);
	assert_int_equal(q.type, P9_QTFILE);
	/* a partial walk: qids so far, newfid not created */
	assert_int_equal(p9t_walk(t, P9T_ROOT, 3, "a/nope/x", &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(q.type, P9_QTDIR);
	assert_int_equal(p9t_clunk(t, 3), -EBADF);
	/* the first element failing is an error */
	assert_int_equal(p9t_walk(t, P9T_ROOT, 3, "nope", &n, &q), -ENOENT);
	/* newfid in use, unknown fid, walking from a file */
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "a", &n, &q), -EBADF);
	assert_int_equal(p9t_walk(t, 99, 3, "a", &n, &q), -EBADF);
	assert_int_equal(p9t_walk(t, 2, 3, "x", &n, &q), -ENOTDIR);
	/* newfid == fid moves the fid only when the whole walk succeeds */
	assert_int_equal(p9t_walk(t, 1, 1, "a/zzz", &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p9t_walk(t, 1, 4, "a", &n, &q), 0);
	assert_int_equal(p9t_walk(t, 1, 1, "a/b", &n, &q), 0);
	assert_int_equal(p9t_walk(t, 1, 5, "f", &n, &q), 0);
	assert_int_equal(p9t_walk(t, 1, 6, "../..", &n, &q), 0);
	assert_qid_equal(&q, &root);
}

static void test_lcreate_write_and_read_back(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a;
	struct p9_qid q;
	char buf[64];
	struct stat st;

	walk_ok(t, 1, "", NULL);
	assert_int_equal(p9t_lcreate(t, 1, "f", P9_DOTL_RDWR, 0640, &q), 0);
	assert_int_equal(q.type, P9_QTFILE);
	assert_int_equal(p9t_write(t, 1, 0, "hello world", 11), 11);
	assert_int_equal(p9t_write(t, 1, 6, "WORLD", 5), 5);
	assert_int_equal(p9t_read(t, 1, 0, 64, buf, sizeof(buf)), 11);
	assert_memory_equal(buf, "hello WORLD", 11);
	assert_int_equal(p9t_read(t, 1, 6, 3, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "WOR", 3);
	assert_int_equal(p9t_read(t, 1, 100, 10, buf, sizeof(buf)), 0);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.size, 11);
	assert_int_equal(a.mode, S_IFREG | 0640);
	assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0640);
	assert_int_equal(st.st_size, 11);

	walk_ok(t, 2, "", NULL);
	assert_int_equal(
		p9t_lcreate(t, 2, "f",
			P9_DOTL_RDWR | P9_DOTL_CREATE | P9_DOTL_EXCL, 0600, &q),
		-EEXIST);
	assert_int_equal(p9t_lcreate(t, 1, "g", P9_DOTL_RDWR, 0600, &q),
		-EINVAL); /* fid 1 is an opened file now */
	walk_ok(t, 3, "f", NULL);
	assert_int_equal(
		p9t_lcreate(t, 3, "g", P9_DOTL_RDWR, 0600, &q), -ENOTDIR);
	assert_int_equal(
		p9t_lcreate(t, 2, "..", P9_DOTL_RDWR, 0600, &q), -EINVAL);
	assert_int_equal(p9t_write(t, 3, 0, "x", 1), -EBADF);
	assert_int_equal(p9t_read(t, 3, 0, 1, buf, 1), -EBADF);
}

static void test_lopen_translates_flags_and_refuses_bad_opens(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;
	char buf[16];
	struct p9_out *o;
	uint32_t iounit;

	p9t_mkfile(t, "f", "content");
	assert_int_equal(symlink("f", p9t_path(t, "l")), 0);
	walk_ok(t, 1, "f", NULL);
	o = p9t_begin(t, P9_TLOPEN);
	p9_out_u32(o, 1);
	p9_out_u32(o, P9_DOTL_RDONLY | P9_DOTL_LARGEFILE | P9_DOTL_NOCTTY);
	assert_int_equal(p9t_send(t), 0);
	p9_in_qid(&t->in, &q);
	iounit = p9_in_u32(&t->in);
	assert_int_equal(iounit, P9T_MSIZE - P9_IOHDR_SIZE);
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), -EINVAL);
	assert_int_equal(p9t_write(t, 1, 0, "x", 1), -EBADF);
	assert_int_equal(p9t_read(t, 1, 0, 16, buf, sizeof(buf)), 7);

	walk_ok(t, 2, "f", NULL);
	assert_int_equal(
		p9t_lopen(t, 2, P9_DOTL_WRONLY | P9_DOTL_TRUNC, &q), 0);
	assert_int_equal(p9t_read(t, 1, 0, 16, buf, sizeof(buf)), 0);
	walk_ok(t, 3, "l", &q);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9t_lopen(t, 3, P9_DOTL_RDONLY, &q), -ELOOP);
	assert_int_equal(p9t_lopen(t, 77, P9_DOTL_RDONLY, &q), -EBADF);
	walk_ok(t, 4, "", NULL);
	assert_int_equal(p9t_lopen(t, 4, P9_DOTL_RDWR, &q), -EISDIR);
	assert_int_equal(
		p9t_lopen(t, 4, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, &q), 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort the newline-separated list in buf in place order into out. */
static size_t sorted_lines(char *buf, char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(buf, "\n", &save); tok && n < max;
		tok = strtok_r(NULL, "\n", &save)) {
		out[n++] = tok;
	}
	qsort(out, n, sizeof(*out), cmp_str);
	return n;
}

static void test_readdir_with_small_counts_lists_each_entry_once(void **state)
{
	static char names[16384], expect[16384];
	char *got[128], *want[128];
	struct p9t *t = *state;
	struct p9_qid q;
	uint64_t off = 0, next = 0;
	int i, entries, rounds = 0, rc;
	size_t ng, nw;

	names[0] = '\0';
	strcpy(expect, ".\n..\n");
	for (i = 0; i < 60; i++) {
		char name[64];

		snprintf(name, sizeof(name), "file-%d-%.*s", i, i % 17,
			"xxxxxxxxxxxxxxxxxxxxxxxx");
		p9t_mkfile(t, name, "");
		strcat(expect, name);
		strcat(expect, "\n");
	}
	assert_int_equal(mkdir(p9t_path(t, "sub"), 0755), 0);
	strcat(expect, "sub\n");
	walk_ok(t, 1, "", NULL);
	assert_int_equal(
		p9t_readdir(t, 1, 0, 100, NULL, 0, &next, &entries), -EBADF);
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), 0);
	for (;;) {
		rc = p9t_readdir(
			t, 1, off, 100, names, sizeof(names), &next, &entries);
		assert_true(rc >= 0);
		if (rc == 0) {
			break;
		}
		assert_true(entries >= 1);
		off = next;
		rounds++;
	}
	assert_true(rounds > 10);
	ng = sorted_lines(names, got, 128);
	nw = sorted_lines(expect, want, 128);
	assert_int_equal(ng, nw);
	for (i = 0; i < (int)ng; i++) {
		assert_string_equal(got[i], want[i]);
	}
	/* rewinding gives the first entries again; too small a count */
	assert_true(p9t_readdir(t, 1, 0, 4000, NULL, 0, &next, &entries) > 0);
	assert_int_equal(entries, 63);
	assert_int_equal(
		p9t_readdir(t, 1, 0, 10, NULL, 0, &next, &entries), -EINVAL);
	walk_ok(t, 2, "sub", NULL);
	walk_ok(t, 3, "file-1-x", NULL);
	assert_int_equal(p9t_lopen(t, 3, P9_DOTL_RDONLY, &q), 0);
	assert_int_equal(
		p9t_readdir(t, 3, 0, 100, NULL, 0, &next, &entries), -ENOTDIR);
}

static void test_mkdir_builds_trees_with_exact_modes(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;
	struct stat st;
	uint16_t n;

	umask(022);
	assert_int_equal(p9t_mkdir(t, P9T_ROOT, "a", 0775, &q), 0);
	assert_int_equal(q.type, P9_QTDIR);
	walk_ok(t, 1, "a", NULL);
	assert_int_equal(p9t_mkdir(t, 1, "b", 0700, &q), 0);
	assert_int_equal(p9t_walk(t, 1, 2, "b", &n, &q), 0);
	assert_int_equal(p9t_mkdir(t, 2, "c", 0777, &q), 0);
	assert_int_equal(stat(p9t_path(t, "a"), &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0775);
	assert_int_equal(stat(p9t_path(t, "a/b/c"), &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0777);
	assert_int_equal(p9t_mkdir(t, 1, "b", 0700, &q), -EEXIST);
	assert_int_equal(p9t_mkdir(t, 1, ".", 0700, &q), -EINVAL);
	assert_int_equal(p9t_mkdir(t, 1, "x/y", 0700, &q), -EINVAL);
	assert_int_equal(p9t_mkdir(t, 1, "", 0700, &q), -EINVAL);
	assert_int_equal(p9t_mkdir(t, 99, "z", 0700, &q), -EBADF);
	p9t_mkfile(t, "file", "");
	walk_ok(t, 3, "file", NULL);
	assert_int_equal(p9t_mkdir(t, 3, "z", 0700, &q), -ENOTDIR);
}

static void test_rename_renameat_unlinkat_and_remove(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;
	struct stat st;

	assert_int_equal(mkdir(p9t_path(t, "d"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "d/sub"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "e"), 0755), 0);
	p9t_mkfile(t, "f", "data");
	p9t_mkfile(t, "d/sub/g", "data");

	/* Trename moves f into e; the fid's path follows */
	walk_ok(t, 1, "f", NULL);
	walk_ok(t, 2, "e", NULL);
	assert_int_equal(p9t_rename(t, 1, 2, "f2"), 0);
	assert_int_equal(stat(p9t_path(t, "e/f2"), &st), 0);
	assert_int_equal(p9t_rename(t, 1, 2, "a/b"), -EINVAL);
	assert_int_equal(p9t_rename(t, P9T_ROOT, 2, "r"), -EBUSY);

	/* Trenameat of a directory carries the fids below it */
	walk_ok(t, 3, "d/sub/g", NULL);
	assert_int_equal(p9t_renameat(t, P9T_ROOT, "d", 2, "moved"), 0);
	assert_int_equal(stat(p9t_path(t, "e/moved/sub/g"), &st), 0);
	assert_int_equal(p9t_renameat(t, P9T_ROOT, "nope", 2, "x"), -ENOENT);
	assert_int_equal(p9t_remove(t, 3), 0);
	assert_int_equal(stat(p9t_path(t, "e/moved/sub/g"), &st), -1);
	assert_int_equal(p9t_clunk(t, 3), -EBADF);
	assert_int_equal(p9t_remove(t, 1), 0);
	assert_int_equal(stat(p9t_path(t, "e/f2"), &st), -1);

	/* Tunlinkat */
	assert_int_equal(p9t_unlinkat(t, 2, "moved", 0), -EISDIR);
	assert_int_equal(
		p9t_unlinkat(t, 2, "moved", P9_AT_REMOVEDIR), -ENOTEMPTY);
	walk_ok(t, 4, "e/moved", NULL);
	assert_int_equal(p9t_unlinkat(t, 4, "sub", P9_AT_REMOVEDIR), 0);
	assert_int_equal(p9t_unlinkat(t, 2, "moved", P9_AT_REMOVEDIR), 0);
	assert_int_equal(p9t_unlinkat(t, 2, "moved", P9_AT_REMOVEDIR), -ENOENT);
	assert_int_equal(p9t_unlinkat(t, 2, "..", P9_AT_REMOVEDIR), -EINVAL);

	/* Tremove of the root fails, but the fid is clunked anyway */
	walk_ok(t, 5, "", NULL);
	assert_int_equal(p9t_remove(t, 5), -EBUSY);
	assert_int_equal(p9t_clunk(t, 5), -EBADF);
	assert_int_equal(p9t_remove(t, 5), -EBADF);
	/* a directory through Tremove */
	assert_int_equal(p9t_remove(t, 2), 0);
	assert_int_equal(stat(p9t_path(t, "e"), &st), -1);
	assert_int_equal(p9t_mkdir(t, 4, "x", 0755, &q), -ENOENT);
}

static void test_symlink_and_readlink(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a;
	struct p9_qid q;
	char buf[256];

	assert_int_equal(p9t_symlink(t, P9T_ROOT, "l", "target/x", &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(readlink(p9t_path(t, "l"), buf, sizeof(buf)), 8);
	walk_ok(t, 1, "l", NULL);
	assert_int_equal(p9t_readlink(t, 1, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "target/x");
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_true(S_ISLNK(a.mode));
	assert_int_equal(a.size, 8);
	assert_int_equal(p9t_symlink(t, P9T_ROOT, "l", "y", &q), -EEXIST);
	assert_int_equal(p9t_symlink(t, P9T_ROOT, "m", "", &q), -ENOENT);
	assert_int_equal(p9t_readlink(t, P9T_ROOT, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(p9t_readlink(t, 42, buf, sizeof(buf)), -EBADF);
}

static void test_link_adds_a_name(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a;
	struct stat s1, s2;

	p9t_mkfile(t, "f", "x");
	assert_int_equal(mkdir(p9t_path(t, "d"), 0755), 0);
	walk_ok(t, 1, "f", NULL);
	walk_ok(t, 2, "d", NULL);
	assert_int_equal(p9t_link(t, 2, 1, "h"), 0);
	assert_int_equal(stat(p9t_path(t, "f"), &s1), 0);
	assert_int_equal(stat(p9t_path(t, "d/h"), &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.nlink, 2);
	assert_int_equal(p9t_link(t, 2, 1, "h"), -EEXIST);
	assert_int_equal(p9t_link(t, P9T_ROOT, 2, "dirlink"), -EPERM);
	assert_int_equal(p9t_link(t, 1, 2, "x"), -ENOTDIR);
}

static void test_mknod_makes_fifos_and_unopenable_devices(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a;
	struct p9_qid q;
	struct stat st;

	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "fifo", S_IFIFO | 0640, 0, 0, &q), 0);
	assert_int_equal(stat(p9t_path(t, "fifo"), &st), 0);
	assert_int_equal(st.st_mode, S_IFIFO | 0640);
	walk_ok(t, 1, "fifo", NULL);
	/* never blocks waiting for a writer */
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), 0);
	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "dir", S_IFDIR | 0755, 0, 0, &q),
		-EINVAL);
	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "reg", S_IFREG | 0600, 0, 0, &q), 0);
	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "fifo", S_IFIFO | 0600, 0, 0, &q),
		-EEXIST);
	if (geteuid() != 0) {
		return;
	}
	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "null", S_IFCHR | 0666, 1, 3, &q), 0);
	walk_ok(t, 2, "null", NULL);
	assert_int_equal(p9t_getattr(t, 2, &a), 0);
	assert_int_equal(a.mode, S_IFCHR | 0666);
	assert_int_equal(a.rdev, makedev(1, 3));
	assert_int_equal(p9t_lopen(t, 2, P9_DOTL_RDONLY, &q), -EACCES);
}

static void test_getattr_and_setattr_change_mode_size_times_owner(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a, b;
	struct stat st;

	p9t_mkfile(t, "f", "0123456789");
	walk_ok(t, 1, "f", NULL);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.size, 10);
	assert_int_equal(a.nlink, 1);
	assert_int_equal(a.qid.type, P9_QTFILE);
	assert_int_equal(p9t_getattr(t, 9, &a), -EBADF);

	assert_int_equal(
		p9t_setattr(t, 1, P9_SETATTR_MODE, 0604, 0, 0, 0, 0, 0), 0);
	assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0604);
	assert_int_equal(
		p9t_setattr(t, 1, P9_SETATTR_SIZE, 0, 0, 0, 3, 0, 0), 0);
	assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(
		p9t_setattr(t, 1,
			P9_SETATTR_ATIME | P9_SETATTR_ATIME_SET |
				P9_SETATTR_MTIME | P9_SETATTR_MTIME_SET,
			0, 0, 0, 0, 1000000, 2000000),
		0);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.atime, 1000000);
	assert_int_equal(a.mtime, 2000000);
	/* MTIME without MTIME_SET means now; atime is left alone */
	assert_int_equal(
		p9t_setattr(t, 1, P9_SETATTR_MTIME, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(p9t_getattr(t, 1, &b), 0);
	assert_int_equal(b.atime, 1000000);
	assert_true(b.mtime > 2000000);
	assert_int_equal(
		p9t_setattr(t, 1, P9_SETATTR_SIZE, 0, 0, 0, ~0ull, 0, 0),
		-EINVAL);
	assert_int_equal(
		p9t_setattr(t, P9T_ROOT, P9_SETATTR_SIZE, 0, 0, 0, 0, 0, 0),
		-EISDIR);
	if (geteuid() == 0) {
		assert_int_equal(
			p9t_setattr(t, 1, P9_SETATTR_UID | P9_SETATTR_GID, 0,
				1234, 5678, 0, 0, 0),
			0);
		assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 5678);
	} else {
		assert_int_equal(
			p9t_setattr(t, 1, P9_SETATTR_UID, 0, 1234, 0, 0, 0, 0),
			-EPERM);
	}
}

static void test_statfs_and_fsync(void **state)
{
	struct p9t *t = *state;
	uint32_t type, bsize, namelen;
	struct p9_qid q;

	assert_int_equal(p9t_statfs(t, P9T_ROOT, &type, &bsize, &namelen), 0);
	assert_true(bsize > 0);
	assert_int_equal(namelen, 255);
	assert_int_equal(p9t_statfs(t, 5, &type, &bsize, &namelen), -EBADF);
	walk_ok(t, 1, "", NULL);
	assert_int_equal(p9t_lcreate(t, 1, "f", P9_DOTL_WRONLY, 0600, &q), 0);
	assert_int_equal(p9t_write(t, 1, 0, "abc", 3), 3);
	assert_int_equal(p9t_fsync(t, 1, 0), 0);
	assert_int_equal(p9t_fsync(t, 1, 1), 0);
	assert_int_equal(p9t_fsync(t, P9T_ROOT, 0), -EBADF);
}

static void test_xattrs_set_get_list_and_remove(void **state)
{
	struct p9t *t = *state;
	char buf[512];
	struct p9_out *o;
	int n;

	p9t_mkfile(t, "f", "");
	walk_ok(t, 1, "f", NULL);
	assert_int_equal(p9t_xattr_set(t, 1, "user.test", "value1", 6, 0), 0);
	n = p9t_xattr_get(t, 1, "user.test", buf, sizeof(buf));
	assert_int_equal(n, 6);
	assert_memory_equal(buf, "value1", 6);
	assert_int_equal(getxattr(p9t_path(t, "f"), "user.test", buf, 64), 6);
	assert_int_equal(p9t_xattr_set(t, 1, "user.two", "2", 1, 0), 0);
	n = p9t_xattr_get(t, 1, "", buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(memmem(buf, (size_t)n, "user.test\0", 10));
	assert_non_null(memmem(buf, (size_t)n, "user.two\0", 9));
	assert_int_equal(p9t_xattr_set(t, 1, "user.test", "x", 1, XATTR_CREATE),
		-EEXIST);
	assert_int_equal(p9t_xattr_set(t, 1, "user.new", "x", 1, XATTR_REPLACE),
		-ENODATA);
	/* size 0 removes */
	assert_int_equal(p9t_xattr_set(t, 1, "user.test", NULL, 0, 0), 0);
	assert_int_equal(
		p9t_xattr_get(t, 1, "user.test", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(
		p9t_xattr_get(t, 9, "user.two", buf, sizeof(buf)), -EBADF);

	/* the declared size bounds writes; a short value is refused */
	walk_ok(t, 2, "f", NULL);
	o = p9t_begin(t, P9_TXATTRCREATE);
	p9_out_u32(o, 2);
	p9_out_str(o, "user.big");
	p9_out_u64(o, 65537);
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -E2BIG);
	o = p9t_begin(t, P9_TXATTRCREATE);
	p9_out_u32(o, 2);
	p9_out_str(o, "user.short");
	p9_out_u64(o, 4);
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), 0);
	assert_int_equal(p9t_write(t, 2, 2, "abc", 3), -ENOSPC);
	assert_int_equal(p9t_write(t, 2, 0, "ab", 2), 2);
	assert_int_equal(p9t_getattr(t, 2, NULL), -EINVAL);
	assert_int_equal(p9t_clunk(t, 2), -EINVAL);
	assert_int_equal(getxattr(p9t_path(t, "f"), "user.short", buf, 64), -1);
	assert_int_equal(p9t_clunk(t, 2), -EBADF);
}

static int xattrcreate(struct p9t *t, uint32_t fid, uint64_t size)
{
	struct p9_out *o = p9t_begin(t, P9_TXATTRCREATE);

	p9_out_u32(o, fid);
	p9_out_str(o, "user.big");
	p9_out_u64(o, size);
	p9_out_u32(o, 0);
	return p9t_send(t);
}

static void test_pending_xattr_values_are_bounded_per_session(void **state)
{
	struct p9t *t = *state;
	uint32_t i;

	/* 256 values of 64 KiB fill the 16 MiB a session may hold */
	for (i = 1; i <= 256; i++) {
		walk_ok(t, i, "", NULL);
		assert_int_equal(xattrcreate(t, i, 65536), 0);
	}
	walk_ok(t, 300, "", NULL);
	assert_int_equal(xattrcreate(t, 300, 65536), -ENOMEM);
	assert_int_equal(xattrcreate(t, 300, 0), 0);
	assert_int_equal(p9t_clunk(t, 1), -EINVAL); /* never written */
	walk_ok(t, 301, "", NULL);
	assert_int_equal(xattrcreate(t, 301, 65536), 0);
	for (i = 2; i <= 256; i++) {
		assert_int_equal(p9t_clunk(t, i), -EINVAL);
	}
	assert_int_equal(p9t_clunk(t, 301), -EINVAL);
	/* size 0 with nothing to remove */
	assert_int_equal(p9t_clunk(t, 300), -ENODATA);
}

static void test_locks_conflict_between_fids_and_unlock(void **state)
{
	struct p9t *t = *state;
	uint64_t start, len;
	struct p9_qid q;

	p9t_mkfile(t, "f", "0123456789");
	walk_ok(t, 1, "f", NULL);
	walk_ok(t, 2, "f", NULL);
	assert_int_equal(p9t_lock(t, 1, P9_LOCK_TYPE_WRLCK, 0, 0, 0), -EBADF);
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDWR, &q), 0);
	assert_int_equal(p9t_lopen(t, 2, P9_DOTL_RDWR, &q), 0);
	assert_int_equal(
		p9t_lock(t, 1, P9_LOCK_TYPE_WRLCK, 0, 0, 5), P9_LOCK_SUCCESS);
	assert_int_equal(
		p9t_lock(t, 2, P9_LOCK_TYPE_WRLCK, 0, 3, 0), P9_LOCK_BLOCKED);
	assert_int_equal(
		p9t_lock(t, 2, P9_LOCK_TYPE_RDLCK, P9_LOCK_FLAGS_BLOCK, 0, 1),
		P9_LOCK_BLOCKED);
	assert_int_equal(
		p9t_lock(t, 2, P9_LOCK_TYPE_WRLCK, 0, 5, 5), P9_LOCK_SUCCESS);
	assert_int_equal(
		p9t_getlock(t, 2, P9_LOCK_TYPE_WRLCK, 0, 0, &start, &len),
		P9_LOCK_TYPE_WRLCK);
	assert_int_equal(start, 0);
	assert_int_equal(len, 5);
	assert_int_equal(
		p9t_lock(t, 1, P9_LOCK_TYPE_UNLCK, 0, 0, 0), P9_LOCK_SUCCESS);
	assert_int_equal(
		p9t_getlock(t, 2, P9_LOCK_TYPE_WRLCK, 0, 5, &start, &len),
		P9_LOCK_TYPE_UNLCK);
	assert_int_equal(
		p9t_lock(t, 2, P9_LOCK_TYPE_WRLCK, 0, 0, 0), P9_LOCK_SUCCESS);
	assert_int_equal(p9t_lock(t, 2, 7, 0, 0, 0), -EINVAL);
	/* clunking releases the lock */
	assert_int_equal(p9t_clunk(t, 2), 0);
	assert_int_equal(
		p9t_lock(t, 1, P9_LOCK_TYPE_WRLCK, 0, 0, 0), P9_LOCK_SUCCESS);
}

static void test_flush_answers_rflush(void **state)
{
	struct p9t *t = *state;
	struct p9_out *o = p9t_begin(t, P9_TFLUSH);

	p9_out_u16(o, 17);
	assert_int_equal(p9t_send(t), 0);
	assert_true(p9_in_done(&t->in));
	o = p9t_begin(t, P9_TFLUSH);
	p9_out_u32(o, 17);
	assert_int_equal(p9t_send(t), -EINVAL);
}

static void test_readonly_export_refuses_every_modification(void **state)
{
	struct p9t *t = *state;
	struct p9_out *o;
	struct p9_qid q;
	char buf[16];

	p9t_mkfile(t, "f", "data");
	assert_int_equal(mkdir(p9t_path(t, "d"), 0755), 0);
	walk_ok(t, 1, "f", NULL);
	walk_ok(t, 2, "d", NULL);
	walk_ok(t, 3, "f", NULL);
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_WRONLY, &q), -EROFS);
	assert_int_equal(
		p9t_lopen(t, 1, P9_DOTL_RDONLY | P9_DOTL_TRUNC, &q), -EROFS);
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), 0);
	assert_int_equal(p9t_read(t, 1, 0, 16, buf, sizeof(buf)), 4);
	assert_int_equal(p9t_write(t, 1, 0, "x", 1), -EROFS);
	assert_int_equal(
		p9t_lcreate(t, 2, "n", P9_DOTL_RDWR, 0600, &q), -EROFS);
	assert_int_equal(p9t_mkdir(t, 2, "n", 0700, &q), -EROFS);
	assert_int_equal(
		p9t_mknod(t, 2, "n", S_IFIFO | 0600, 0, 0, &q), -EROFS);
	assert_int_equal(p9t_symlink(t, 2, "n", "t", &q), -EROFS);
	assert_int_equal(p9t_link(t, 2, 3, "n"), -EROFS);
	assert_int_equal(p9t_rename(t, 3, 2, "n"), -EROFS);
	assert_int_equal(p9t_renameat(t, P9T_ROOT, "f", 2, "n"), -EROFS);
	assert_int_equal(p9t_unlinkat(t, P9T_ROOT, "f", 0), -EROFS);
	assert_int_equal(
		p9t_setattr(t, 3, P9_SETATTR_MODE, 0600, 0, 0, 0, 0, 0),
		-EROFS);
	assert_int_equal(p9t_xattr_set(t, 3, "user.x", "1", 1, 0), -EROFS);
	o = p9t_begin(t, P9_TXATTRCREATE);
	p9_out_u32(o, 3);
	p9_out_str(o, "user.x");
	p9_out_u64(o, 1);
	p9_out_u32(o, 0);
	assert_int_equal(p9t_send(t), -EROFS);
	assert_int_equal(p9t_remove(t, 3), -EROFS);
	assert_int_equal(p9t_clunk(t, 3), -EBADF); /* clunked anyway */
	assert_true(access(p9t_path(t, "f"), F_OK) == 0);
	assert_int_equal(p9t_getattr(t, 2, &(struct p9t_attr){0}), 0);
	assert_int_equal(p9t_xattr_get(t, 2, "", buf, sizeof(buf)) >= 0, 1);
}

static void test_qid_paths_are_stable_and_distinct(void **state)
{
	struct p9t *t = *state;
	struct p9_qid a1, a2, b, root;
	struct p9t_attr at;
	char other[4200];

	p9t_mkfile(t, "a", "1");
	p9t_mkfile(t, "b", "1");
	walk_ok(t, 1, "a", &a1);
	walk_ok(t, 2, "a", &a2);
	walk_ok(t, 3, "b", &b);
	walk_ok(t, 4, "..", &root);
	assert_int_equal(a1.path, a2.path);
	assert_int_equal(a1.version, a2.version);
	assert_int_not_equal(a1.path, b.path);
	assert_int_not_equal(a1.path, root.path);
	assert_int_equal(root.type, P9_QTDIR);
	assert_int_equal(root.version, 0);
	assert_int_equal(p9t_getattr(t, 1, &at), 0);
	assert_int_equal(at.qid.path, a1.path);
	/* the same file under another name has the same qid path */
	snprintf(other, sizeof(other), "%s", p9t_path(t, "a"));
	assert_int_equal(link(other, p9t_path(t, "c")), 0);
	walk_ok(t, 5, "c", &b);
	assert_int_equal(b.path, a1.path);
}

static void test_fid_table_is_bounded_and_leaves_no_descriptors(void **state)
{
	struct p9t *t = *state;
	struct p9s_session *s2;
	int base = p9t_fd_count();
	struct rlimit rl;
	struct p9_qid q;
	uint32_t i;
	uint16_t n;

	p9t_mkfile(t, "f", "x");
	for (i = 1; i <= 200; i++) {
		assert_int_equal(p9t_walk(t, P9T_ROOT, i, "f", &n, &q), 0);
		assert_int_equal(p9t_lopen(t, i, P9_DOTL_RDWR, &q), 0);
	}
	assert_int_equal(p9s_session_fids(t->s), 201);
	assert_true(p9t_fd_count() >= base + 400);
	for (i = 1; i <= 200; i++) {
		assert_int_equal(p9t_clunk(t, i), 0);
	}
	assert_int_equal(p9t_fd_count(), base);

	/* a second session freed with open fids and locks releases all */
	s2 = p9t_session(t);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 50, "f", &n, &q), 0);
	assert_int_equal(p9t_lopen(t, 50, P9_DOTL_RDWR, &q), 0);
	p9t_begin(t, P9_TWALK);
	p9_out_u32(&t->out, P9T_ROOT);
	p9_out_u32(&t->out, 1);
	p9_out_u16(&t->out, 1);
	p9_out_str(&t->out, "f");
	assert_int_equal(p9t_send_on(t, s2), 0);
	p9t_begin(t, P9_TLOPEN);
	p9_out_u32(&t->out, 1);
	p9_out_u32(&t->out, P9_DOTL_RDWR);
	assert_int_equal(p9t_send_on(t, s2), 0);
	p9t_begin(t, P9_TLOCK);
	p9_out_u32(&t->out, 1);
	p9_out_u8(&t->out, P9_LOCK_TYPE_WRLCK);
	p9_out_u32(&t->out, 0);
	p9_out_u64(&t->out, 0);
	p9_out_u64(&t->out, 0);
	p9_out_u32(&t->out, 1);
	p9_out_str(&t->out, "s2");
	assert_int_equal(p9t_send_on(t, s2), 0);
	assert_int_equal(p9_in_u8(&t->in), P9_LOCK_SUCCESS);
	assert_int_equal(
		p9t_lock(t, 50, P9_LOCK_TYPE_WRLCK, 0, 0, 0), P9_LOCK_BLOCKED);
	p9s_session_free(s2);
	assert_int_equal(
		p9t_lock(t, 50, P9_LOCK_TYPE_WRLCK, 0, 0, 0), P9_LOCK_SUCCESS);
	assert_int_equal(p9t_clunk(t, 50), 0);
	assert_int_equal(p9t_fd_count(), base);

	/* the per-session limit (needs 16384 descriptors) */
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < 16384 + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < 16384 + 64) {
		print_message("skipping the 16384-fid limit: RLIMIT_NOFILE\n");
		return;
	}
	for (i = 1; i < 16384; i++) {
		assert_int_equal(p9t_walk(t, P9T_ROOT, i, "", &n, &q), 0);
	}
	assert_int_equal(p9s_session_fids(t->s), 16384);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 20000, "", &n, &q), -EMFILE);
	assert_int_equal(p9t_attach(t, 20001, 0, &q), -EMFILE);
	for (i = 1; i < 16384; i++) {
		assert_int_equal(p9t_clunk(t, i), 0);
	}
	assert_int_equal(p9t_fd_count(), base);
}

static void test_security_model_names_parse(void **state)
{
	enum p9s_security_model m;
	struct p9s_export_config cfg = {.path = "relative"};

	assert_int_equal(p9s_security_model_parse("none", &m), 0);
	assert_int_equal(m, P9S_SECURITY_NONE);
	assert_int_equal(p9s_security_model_parse("passthrough", &m), 0);
	assert_int_equal(m, P9S_SECURITY_NONE);
	assert_int_equal(p9s_security_model_parse("mapped", &m), 0);
	assert_int_equal(m, P9S_SECURITY_MAPPED_XATTR);
	assert_int_equal(p9s_security_model_parse("mapped-xattr", &m), 0);
	assert_int_equal(p9s_security_model_parse("mapped-file", &m), -EINVAL);
	assert_string_equal(p9s_security_model_name(P9S_SECURITY_NONE), "none");
	assert_string_equal(p9s_security_model_name(P9S_SECURITY_MAPPED_XATTR),
		"mapped-xattr");
	assert_null(p9s_export_open(&cfg));
	assert_int_equal(errno, EINVAL);
	cfg.path = "/nonexistent/p9/export";
	assert_null(p9s_export_open(&cfg));
	assert_int_equal(errno, ENOENT);
	cfg.path = "/etc/hostname";
	assert_null(p9s_export_open(&cfg));
	assert_int_equal(errno, ENOTDIR);
	p9s_export_put(NULL);
	p9s_session_free(NULL);
}

/*
 * An unprivileged server cannot give a new file to the guest's user; the
 * file stays the server's and must then never be set-user-ID or
 * set-group-ID, neither at creation nor by a later setattr. Run in a
 * child that drops to nobody (as root), else as we are.
 */
static void test_files_left_to_the_server_never_get_setid_bits(void **state)
{
	struct p9t *t = *state;
	struct stat st;
	struct p9_qid q;
	uint16_t n;
	pid_t pid;
	int status, rc = 0;

	if (geteuid() == 0) {
		assert_int_equal(chown(t->dir, 65534, 65534), 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 &&
			(setgid(65534) != 0 || setuid(65534) != 0)) {
			_exit(2);
		}
		/* Another user than ours: the chown must fail. */
		if (p9t_attach(t, 5, 4321, &q) != 0 ||
			p9t_walk(t, 5, 6, "", &n, &q) != 0) {
			_exit(3);
		}
		rc = p9t_lcreate(t, 6, "setid", P9_DOTL_RDWR, 06755, &q);
		if (rc != 0) {
			_exit(4);
		}
		if (stat(p9t_path(t, "setid"), &st) != 0 ||
			st.st_uid != geteuid() ||
			(st.st_mode & 07777) != 0755) {
			_exit(5);
		}
		if (p9t_setattr(t, 6, P9_SETATTR_MODE, 04711, 0, 0, 0, 0, 0) !=
				0 ||
			stat(p9t_path(t, "setid"), &st) != 0 ||
			(st.st_mode & 07777) != 0711) {
			_exit(6);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#define T(f)                                                                   \
	cmocka_unit_test_setup_teardown(                                       \
		f, p9t_fixture_none, p9t_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version_clamps_msize_and_rejects_unknown_versions),
		T(test_unversioned_session_answers_eproto),
		T(test_auth_is_not_needed_and_legacy_messages_are_not_supported),
		T(test_attach_needs_nofid_afid_and_a_free_fid),
		T(test_walk_clones_walks_and_stops_partially),
		T(test_lcreate_write_and_read_back),
		T(test_lopen_translates_flags_and_refuses_bad_opens),
		T(test_readdir_with_small_counts_lists_each_entry_once),
		T(test_mkdir_builds_trees_with_exact_modes),
		T(test_rename_renameat_unlinkat_and_remove),
		T(test_symlink_and_readlink),
		T(test_link_adds_a_name),
		T(test_mknod_makes_fifos_and_unopenable_devices),
		T(test_getattr_and_setattr_change_mode_size_times_owner),
		T(test_files_left_to_the_server_never_get_setid_bits),
		T(test_statfs_and_fsync),
		T(test_xattrs_set_get_list_and_remove),
		T(test_pending_xattr_values_are_bounded_per_session),
		T(test_locks_conflict_between_fids_and_unlock),
		T(test_flush_answers_rflush),
		cmocka_unit_test_setup_teardown(
			test_readonly_export_refuses_every_modification,
			p9t_fixture_readonly, p9t_fixture_teardown),
		T(test_qid_paths_are_stable_and_distinct),
		T(test_fid_table_is_bounded_and_leaves_no_descriptors),
		cmocka_unit_test(test_security_model_names_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
