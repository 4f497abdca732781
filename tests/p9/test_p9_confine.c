/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Confinement tests of the 9P server (p9backend/p9server.c walk rules,
 * p9s_dir.c name checks, p9s_xattr.c mapped-xattr): every attempt to
 * reach outside the export, through "..", symlinks, names with '/',
 * renames racing with walks or hard links, must fail; in mapped-xattr the
 * guest must neither see nor set user.virtfs.*, and special files must be
 * plain files on disk.
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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9rpc.h"

static void walk_ok(
	struct p9t *t, uint32_t fid, const char *path, struct p9_qid *q)
{
	struct p9_qid tmp;
	uint16_t n;

	assert_int_equal(p9t_walk(t, P9T_ROOT, fid, path, &n, q ? q : &tmp), 0);
}

/* A Twalk of one raw name (may contain anything) from the root. */
static int walk_raw(
	struct p9t *t, uint32_t newfid, const char *name, size_t len)
{
	struct p9_out *o = p9t_begin(t, P9_TWALK);

	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, newfid);
	p9_out_u16(o, 1);
	p9_out_strn(o, name, len);
	return p9t_send(t);
}

static void test_dotdot_at_the_root_stays_at_the_root(void **state)
{
	struct p9t *t = *state;
	char names[4096] = "";
	struct p9t_attr root;
	struct p9_qid q;
	uint64_t next;
	int entries, i;
	uint16_t n;

	assert_int_equal(p9t_getattr(t, P9T_ROOT, &root), 0);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(
			p9t_walk(t, P9T_ROOT, (uint32_t)i, "..", &n, &q), 0);
		assert_int_equal(n, 1);
		assert_int_equal(q.path, root.qid.path);
	}
	assert_int_equal(p9t_walk(t, 1, 10, "../../../..", &n, &q), 0);
	assert_int_equal(n, 4);
	assert_int_equal(q.path, root.qid.path);
	assert_int_equal(p9t_getattr(t, 10, &root), 0);
	assert_int_equal(root.qid.path, q.path);
	/* readdir's ".." entry at the root is the root */
	assert_int_equal(p9t_lopen(t, 10, P9_DOTL_RDONLY, &q), 0);
	assert_true(p9t_readdir(t, 10, 0, 4000, names, sizeof(names), &next,
			    &entries) > 0);
	assert_int_equal(entries, 2);
	{
		struct p9_out *o = p9t_begin(t, P9_TREADDIR);
		struct p9_in e;
		uint32_t len;

		p9_out_u32(o, 10);
		p9_out_u64(o, 0);
		p9_out_u32(o, 4000);
		assert_int_equal(p9t_send(t), 0);
		len = p9_in_u32(&t->in);
		p9_in_init(&e, p9_in_take(&t->in, len), len);
		while (e.pos < e.len) {
			struct p9_qid eq;
			const char *name;
			uint16_t l;

			p9_in_qid(&e, &eq);
			p9_in_u64(&e);
			p9_in_u8(&e);
			name = p9_in_str(&e, &l);
			assert_false(e.bad);
			assert_int_equal(eq.path, root.qid.path);
			assert_true((l == 1 && name[0] == '.') ||
				    (l == 2 && memcmp(name, "..", 2) == 0));
		}
	}
}

static void test_symlinks_out_of_the_export_cannot_be_walked(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;
	char buf[64];
	uint16_t n;

	assert_int_equal(symlink("/", p9t_path(t, "esc")), 0);
	assert_int_equal(symlink("../..", p9t_path(t, "up")), 0);
	assert_int_equal(mkdir(p9t_path(t, "d"), 0755), 0);
	assert_int_equal(symlink("/etc", p9t_path(t, "d/etc")), 0);

	walk_ok(t, 1, "esc", &q);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9t_readlink(t, 1, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "/");
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), -ELOOP);
	assert_int_equal(
		p9t_lopen(t, 1, P9_DOTL_RDONLY | P9_DOTL_DIRECTORY, &q),
		-ELOOP);
	assert_int_equal(p9t_walk(t, 1, 2, "etc", &n, &q), -ENOTDIR);
	/* through the link in one walk: stops after the link */
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "esc/etc/passwd", &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p9t_clunk(t, 2), -EBADF);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "up/tmp", &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "d/etc/passwd", &n, &q), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p9t_clunk(t, 2), -EBADF);
	walk_ok(t, 3, "up", NULL);
	assert_int_equal(p9t_readlink(t, 3, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "../..");
	/* creating beneath a symlink fid fails too */
	assert_int_equal(p9t_mkdir(t, 1, "x", 0755, &q), -ENOTDIR);
	assert_int_equal(
		p9t_lcreate(t, 1, "x", P9_DOTL_RDWR, 0600, &q), -ENOTDIR);
}

static void test_names_with_slashes_or_dots_are_invalid(void **state)
{
	struct p9t *t = *state;
	struct p9_qid q;

	assert_int_equal(mkdir(p9t_path(t, "a"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "a/b"), 0755), 0);
	assert_int_equal(walk_raw(t, 1, "../etc", 6), -EINVAL);
	assert_int_equal(walk_raw(t, 1, "a/b", 3), -EINVAL);
	assert_int_equal(walk_raw(t, 1, "/etc", 4), -EINVAL);
	assert_int_equal(walk_raw(t, 1, "", 0), -EINVAL);
	assert_int_equal(walk_raw(t, 1, ".", 1), -EINVAL);
	assert_int_equal(walk_raw(t, 1, "a\0b", 3), -EINVAL);
	assert_int_equal(p9s_session_fids(t->s), 1);
	assert_int_equal(
		p9t_lcreate(t, P9T_ROOT, "../x", P9_DOTL_RDWR, 0600, &q),
		-EINVAL);
	assert_int_equal(
		p9t_lcreate(t, P9T_ROOT, ".", P9_DOTL_RDWR, 0600, &q), -EINVAL);
	assert_int_equal(p9t_mkdir(t, P9T_ROOT, "..", 0755, &q), -EINVAL);
	assert_int_equal(p9t_mkdir(t, P9T_ROOT, "a/b/c", 0755, &q), -EINVAL);
	assert_int_equal(p9t_symlink(t, P9T_ROOT, "x/y", "t", &q), -EINVAL);
	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "../n", S_IFIFO | 0600, 0, 0, &q),
		-EINVAL);
	assert_int_equal(
		p9t_renameat(t, P9T_ROOT, "a", P9T_ROOT, "../a"), -EINVAL);
	assert_int_equal(
		p9t_renameat(t, P9T_ROOT, "a/b", P9T_ROOT, "c"), -EINVAL);
	assert_int_equal(
		p9t_unlinkat(t, P9T_ROOT, "a/b", P9_AT_REMOVEDIR), -EINVAL);
	assert_int_equal(p9t_link(t, P9T_ROOT, P9T_ROOT, "../l"), -EINVAL);
	walk_ok(t, 2, "a", NULL);
	assert_int_equal(p9t_rename(t, 2, P9T_ROOT, "../../a"), -EINVAL);
	assert_int_equal(access(p9t_path(t, "a/b"), F_OK), 0);
}

static void test_directory_swapped_for_a_symlink_gives_no_escape(void **state)
{
	struct p9t *t = *state;
	char old[4200];
	struct p9_qid q;
	uint16_t n;
	int rc;

	assert_int_equal(mkdir(p9t_path(t, "a"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "a/d"), 0755), 0);
	assert_int_equal(mkdir(p9t_path(t, "a/d/sub"), 0755), 0);
	walk_ok(t, 1, "a/d/sub", NULL);
	walk_ok(t, 2, "a", NULL);
	/* Dom0 (or a race) swaps "a" for a symlink to / */
	snprintf(old, sizeof(old), "%s", p9t_path(t, "a"));
	assert_int_equal(rename(old, p9t_path(t, "a.old")), 0);
	assert_int_equal(symlink("/", old), 0);
	/* ".." from sub goes by the tracked path "a/d": refused */
	rc = p9t_walk(t, 1, 3, "..", &n, &q);
	assert_true(rc == -ELOOP || rc == -ENOTDIR || rc == -EXDEV);
	/* a fresh walk stops at the symlink */
	assert_int_equal(p9t_walk(t, P9T_ROOT, 3, "a/etc", &n, &q), 0);
	assert_int_equal(n, 1);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9t_clunk(t, 3), -EBADF);
	/* the old fid still names the moved directory, inside the export */
	assert_int_equal(p9t_walk(t, 2, 3, "d/sub", &n, &q), 0);
	assert_int_equal(n, 2);
	assert_int_equal(p9t_mkdir(t, 2, "new", 0755, &q), 0);
	assert_int_equal(access(p9t_path(t, "a.old/new"), F_OK), 0);
	/* Tremove by a stale path refuses to remove another file */
	assert_int_equal(p9t_remove(t, 2), -ENOENT);
	assert_int_equal(access(p9t_path(t, "a.old"), F_OK), 0);
	assert_int_equal(access("/etc", F_OK), 0);
}

static void test_hard_links_cannot_reach_outside(void **state)
{
	struct p9t *t = *state;
	char outside[] = "/tmp/p9out.XXXXXX", target[64];
	struct stat st;
	int fd;

	fd = mkstemp(outside);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink(outside, p9t_path(t, "lnk")), 0);
	walk_ok(t, 1, "lnk", NULL);
	/* Tlink of the symlink fid links the symlink, never its target */
	assert_int_equal(p9t_link(t, P9T_ROOT, 1, "copy"), 0);
	assert_int_equal(lstat(p9t_path(t, "copy"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_nlink, 1);
	/* readlink shows the target string, nothing more */
	assert_true(p9t_readlink(t, 1, target, sizeof(target)) > 0);
	assert_string_equal(target, outside);
	unlink(outside);
}

static void test_mapped_xattrs_are_hidden_and_unsettable(void **state)
{
	struct p9t *t = *state;
	char buf[512];
	struct p9t_attr a;
	struct p9_qid q;
	struct stat st;
	uint32_t v;
	int n;

	walk_ok(t, 1, "", NULL);
	assert_int_equal(p9t_lcreate(t, 1, "f", P9_DOTL_RDWR, 0644, &q), 0);
	assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(
		getxattr(p9t_path(t, "f"), "user.virtfs.mode", &v, 4), 4);
	assert_int_equal(v, S_IFREG | 0644);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.mode, S_IFREG | 0644);

	assert_int_equal(p9t_xattr_set(t, 1, "user.mine", "v", 1, 0), 0);
	n = p9t_xattr_get(t, 1, "", buf, sizeof(buf));
	assert_int_equal(n, (int)sizeof("user.mine"));
	assert_memory_equal(buf, "user.mine", sizeof("user.mine"));
	assert_int_equal(
		p9t_xattr_get(t, 1, "user.virtfs.mode", buf, 64), -EACCES);
	assert_int_equal(
		p9t_xattr_set(t, 1, "user.virtfs.mode", "\0\0\0\0", 4, 0),
		-EACCES);
	assert_int_equal(
		p9t_xattr_set(t, 1, "user.virtfs.uid", NULL, 0, 0), -EACCES);
	assert_int_equal(
		getxattr(p9t_path(t, "f"), "user.virtfs.mode", &v, 4), 4);
	assert_int_equal(v, S_IFREG | 0644);

	/* setattr writes the mapped attributes only */
	assert_int_equal(
		p9t_setattr(t, 1,
			P9_SETATTR_MODE | P9_SETATTR_UID | P9_SETATTR_GID, 0640,
			4321, 8765, 0, 0, 0),
		0);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.mode, S_IFREG | 0640);
	assert_int_equal(a.uid, 4321);
	assert_int_equal(a.gid, 8765);
	assert_int_equal(stat(p9t_path(t, "f"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(st.st_uid, geteuid());
}

static void test_mapped_symlinks_and_dirs_are_plain_on_disk(void **state)
{
	struct p9t *t = *state;
	char buf[64];
	struct p9t_attr a;
	struct p9_qid q;
	struct stat st;
	uint16_t n;
	int fd;

	assert_int_equal(p9t_symlink(t, P9T_ROOT, "l", "/etc/passwd", &q), 0);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(lstat(p9t_path(t, "l"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	fd = open(p9t_path(t, "l"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 11);
	close(fd);
	assert_memory_equal(buf, "/etc/passwd", 11);
	walk_ok(t, 1, "l", &q);
	assert_int_equal(q.type, P9_QTSYMLINK);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.mode, S_IFLNK | 0777);
	assert_int_equal(p9t_readlink(t, 1, buf, sizeof(buf)), 11);
	assert_string_equal(buf, "/etc/passwd");
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDONLY, &q), -ELOOP);
	assert_int_equal(p9t_walk(t, P9T_ROOT, 2, "l/x", &n, &q), 0);
	assert_int_equal(n, 1);

	assert_int_equal(p9t_mkdir(t, P9T_ROOT, "d", 0755, &q), 0);
	assert_int_equal(stat(p9t_path(t, "d"), &st), 0);
	assert_int_equal(st.st_mode, S_IFDIR | 0700);
	walk_ok(t, 3, "d", NULL);
	assert_int_equal(p9t_getattr(t, 3, &a), 0);
	assert_int_equal(a.mode, S_IFDIR | 0755);
}

static void test_mapped_mknod_gives_a_regular_file(void **state)
{
	struct p9t *t = *state;
	struct p9t_attr a;
	struct p9_qid q;
	struct stat st;
	uint64_t rdev;
	uint32_t mode;

	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "null", S_IFCHR | 0666, 1, 3, &q), 0);
	assert_int_equal(stat(p9t_path(t, "null"), &st), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(
		getxattr(p9t_path(t, "null"), "user.virtfs.mode", &mode, 4), 4);
	assert_int_equal(mode, S_IFCHR | 0666);
	assert_int_equal(
		getxattr(p9t_path(t, "null"), "user.virtfs.rdev", &rdev, 8), 8);
	assert_int_equal(rdev, makedev(1, 3));
	walk_ok(t, 1, "null", NULL);
	assert_int_equal(p9t_getattr(t, 1, &a), 0);
	assert_int_equal(a.mode, S_IFCHR | 0666);
	assert_int_equal(a.rdev, makedev(1, 3));
	assert_int_equal(p9t_lopen(t, 1, P9_DOTL_RDWR, &q), -EACCES);

	assert_int_equal(
		p9t_mknod(t, P9T_ROOT, "fifo", S_IFIFO | 0644, 0, 0, &q), 0);
	assert_int_equal(stat(p9t_path(t, "fifo"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	walk_ok(t, 2, "fifo", NULL);
	assert_int_equal(p9t_getattr(t, 2, &a), 0);
	assert_int_equal(a.mode, S_IFIFO | 0644);
}

#define TN(f)                                                                  \
	cmocka_unit_test_setup_teardown(                                       \
		f, p9t_fixture_none, p9t_fixture_teardown)
#define TM(f)                                                                  \
	cmocka_unit_test_setup_teardown(                                       \
		f, p9t_fixture_mapped, p9t_fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TN(test_dotdot_at_the_root_stays_at_the_root),
		TN(test_symlinks_out_of_the_export_cannot_be_walked),
		TN(test_names_with_slashes_or_dots_are_invalid),
		TN(test_directory_swapped_for_a_symlink_gives_no_escape),
		TN(test_hard_links_cannot_reach_outside),
		TM(test_mapped_xattrs_are_hidden_and_unsettable),
		TM(test_mapped_symlinks_and_dirs_are_plain_on_disk),
		TM(test_mapped_mknod_gives_a_regular_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
