/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Extended attributes (Txattrwalk, Txattrcreate, and the Tread/Twrite/
 * Tclunk of xattr fids) and the mapped-xattr security model (p9s_priv.h
 * lists the other files).
 *
 * Txattrwalk captures a value (or with name "" the NUL-separated name
 * list) into a new fid that Tread reads. Txattrcreate turns a fid into a
 * write buffer of the declared size; Twrite fills it and Tclunk applies
 * it: setxattr, or removexattr when the declared size is 0 (how the Linux
 * client removes an attribute). A value not completely written by then
 * is refused with EINVAL and dropped.
 *
 * The values held by one session's fids are bounded by
 * P9S_XATTR_BYTES_MAX (ENOMEM beyond), so a guest cannot make the server
 * hold 16384 values of 64 KiB each.
 *
 * Attributes are reached through /proc/self/fd/<O_PATH fd>, which names
 * the fid's file itself. A symlink fid has no attributes here (an empty
 * list, ENODATA, EOPNOTSUPP to set): user.* attributes are not allowed on
 * symlinks anyway.
 *
 * Mapped-xattr keeps QEMU's on-disk format: user.virtfs.uid, .gid, .mode
 * (4 bytes each) and .rdev (8 bytes), host-endian. The guest never sees
 * nor touches those names: they are filtered from lists and EACCES on
 * get and set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "p9s_priv.h"

#define P9S_XATTR_NAME_MAX 255

bool p9s_mapped(const struct p9s_session *s)
{
	return s->s_ex->ex_model == P9S_SECURITY_MAPPED_XATTR;
}

static bool p9s_xattr_is_virtfs(const char *name)
{
	return strncmp(name, P9S_VIRTFS_PREFIX,
		       sizeof(P9S_VIRTFS_PREFIX) - 1) == 0;
}

/** Override st with the mapped uid/gid/mode/rdev that fd's file has. */
void p9s_mapped_stat(int fd, struct stat *st)
{
	char proc[P9S_PROC_LEN];
	uint32_t v32;
	uint64_t v64;

	if (S_ISLNK(st->st_mode)) {
		return;
	}
	p9s_proc_path(proc, fd);
	if (getxattr(proc, P9S_VIRTFS_UID, &v32, 4) == 4) {
		st->st_uid = v32;
	}
	if (getxattr(proc, P9S_VIRTFS_GID, &v32, 4) == 4) {
		st->st_gid = v32;
	}
	if (getxattr(proc, P9S_VIRTFS_MODE, &v32, 4) == 4) {
		st->st_mode = v32;
	}
	if (getxattr(proc, P9S_VIRTFS_RDEV, &v64, 8) == 8) {
		st->st_rdev = v64;
	}
}

/** The mapped mode of fd's file (its real mode if none is mapped). */
int p9s_mapped_mode(int fd, mode_t *mode)
{
	struct stat st;

	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		return -errno;
	}
	p9s_mapped_stat(fd, &st);
	*mode = st.st_mode;
	return 0;
}

/**
 * Store the mapped attributes of fd's file; P9_NONUNAME for uid or gid,
 * (mode_t)-1 and (dev_t)-1 leave that attribute alone.
 */
int p9s_mapped_set(int fd, uint32_t uid, uint32_t gid, mode_t mode, dev_t rdev)
{
	char proc[P9S_PROC_LEN];
	uint32_t v32;
	uint64_t v64;

	p9s_proc_path(proc, fd);
	if (uid != P9_NONUNAME &&
		setxattr(proc, P9S_VIRTFS_UID, &uid, 4, 0) < 0) {
		return -errno;
	}
	if (gid != P9_NONUNAME &&
		setxattr(proc, P9S_VIRTFS_GID, &gid, 4, 0) < 0) {
		return -errno;
	}
	v32 = mode;
	if (mode != (mode_t)-1 &&
		setxattr(proc, P9S_VIRTFS_MODE, &v32, 4, 0) < 0) {
		return -errno;
	}
	v64 = rdev;
	if (rdev != (dev_t)-1 &&
		setxattr(proc, P9S_VIRTFS_RDEV, &v64, 8, 0) < 0) {
		return -errno;
	}
	return 0;
}

/** Drop user.virtfs.* names from a listxattr list; its new length. */
static size_t p9s_xattr_filter(char *list, size_t len)
{
	size_t in = 0, out = 0;

	while (in < len) {
		size_t n = strnlen(list + in, len - in);

		if (!p9s_xattr_is_virtfs(list + in)) {
			memmove(list + out, list + in, n);
			out += n;
			if (in + n < len) {
				list[out++] = '\0';
			}
		}
		in += n + 1;
	}
	return out;
}

/**
 * Read the list (name NULL) or one value of fd's attributes into a new
 * buffer *buf of *len bytes (caller frees).
 */
static int p9s_xattr_fetch(int fd, const char *name, uint8_t **buf, size_t *len)
{
	char proc[P9S_PROC_LEN];
	ssize_t n, got;
	int tries;

	p9s_proc_path(proc, fd);
	for (tries = 0; tries < 4; tries++) {
		n = name ? getxattr(proc, name, NULL, 0)
			 : listxattr(proc, NULL, 0);
		if (n < 0) {
			return -errno;
		}
		*buf = malloc((size_t)n + 1);
		if (!*buf) {
			return -ENOMEM;
		}
		/* one spare byte: a size of 0 would only ask the size */
		got = name ? getxattr(proc, name, *buf, (size_t)n + 1)
			   : listxattr(proc, (char *)*buf, (size_t)n + 1);
		if (got >= 0) {
			*len = (size_t)got;
			return 0;
		}
		free(*buf);
		*buf = NULL;
		if (errno != ERANGE) {
			return -errno;
		}
	}
	return -ERANGE;
}

/** Txattrwalk fid newfid name → size; newfid reads the bytes. */
int p9s_xattrwalk(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[P9S_XATTR_NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), newnum = p9_in_u32(in);
	int rc = p9s_in_cstr(in, name, sizeof(name), -ERANGE);
	uint8_t *buf = NULL;
	struct p9s_fid *f, *nf;
	size_t len = 0;

	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0 && (newnum == num || p9s_fid_get(s, newnum))) {
		rc = -EBADF;
	}
	if (rc == 0 && p9s_mapped(s) && p9s_xattr_is_virtfs(name)) {
		rc = -EACCES;
	}
	if (rc < 0) {
		return rc;
	}
	if (S_ISLNK(f->f_type)) {
		if (name[0]) {
			return -ENODATA;
		}
	} else {
		rc = p9s_xattr_fetch(
			f->f_path_fd, name[0] ? name : NULL, &buf, &len);
		if (rc < 0) {
			return rc;
		}
		if (!name[0] && p9s_mapped(s)) {
			len = p9s_xattr_filter((char *)buf, len);
		}
	}
	rc = len > P9S_XATTR_BYTES_MAX - s->s_xattr_bytes
		     ? -ENOMEM
		     : p9s_fid_new(s, newnum, &nf);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	s->s_xattr_bytes += len;
	nf->f_kind = P9S_FID_XATTR_READ;
	nf->f_uid = f->f_uid;
	nf->f_xbuf = buf;
	nf->f_xlen = len;
	p9_out_u64(out, len);
	return 0;
}

/** Txattrcreate fid name attr_size flags: fid becomes a value to write. */
int p9s_xattrcreate(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[P9S_XATTR_NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), flags;
	int rc = p9s_in_cstr(in, name, sizeof(name), -ERANGE);
	uint64_t size = p9_in_u64(in);
	struct p9s_fid *f;
	uint8_t *buf;
	char *xname;

	flags = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc;
	if (rc == 0 &&
		(name[0] == '\0' ||
			(flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE)))) {
		rc = -EINVAL;
	}
	if (rc == 0 && size > P9S_XATTR_SIZE_MAX) {
		rc = -E2BIG;
	}
	if (rc == 0 && size > P9S_XATTR_BYTES_MAX - s->s_xattr_bytes) {
		rc = -ENOMEM;
	}
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0 && p9s_mapped(s) && p9s_xattr_is_virtfs(name)) {
		rc = -EACCES;
	}
	if (rc == 0 && S_ISLNK(f->f_type)) {
		rc = -EOPNOTSUPP;
	}
	if (rc < 0) {
		return rc;
	}
	buf = calloc(1, size ? (size_t)size : 1);
	xname = strdup(name);
	if (!buf || !xname) {
		free(buf);
		free(xname);
		return -ENOMEM;
	}
	if (f->f_open_fd >= 0) {
		close(f->f_open_fd);
		f->f_open_fd = -1;
	}
	f->f_kind = P9S_FID_XATTR_WRITE;
	s->s_xattr_bytes += (size_t)size;
	f->f_xbuf = buf;
	f->f_xlen = (size_t)size;
	f->f_xfilled = 0;
	f->f_xname = xname;
	f->f_xflags = (int)flags;
	return 0;
}

/** Apply the value of an xattr-create fid (at its clunk). */
int p9s_xattr_commit(struct p9s_session *s, struct p9s_fid *f)
{
	char proc[P9S_PROC_LEN];
	int rc;

	if (f->f_xfilled != f->f_xlen) {
		return -EINVAL;
	}
	p9s_proc_path(proc, f->f_path_fd);
	if (f->f_xlen == 0) {
		rc = removexattr(proc, f->f_xname);
	} else {
		rc = setxattr(
			proc, f->f_xname, f->f_xbuf, f->f_xlen, f->f_xflags);
	}
	return rc < 0 ? -errno : 0;
}
