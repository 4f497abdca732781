/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 9P2000.L messages that change directories: Tmkdir, Tmknod, Tsymlink,
 * Tlink, Trename, Trenameat, Tunlinkat and Tremove (p9s_priv.h lists the
 * other files).
 *
 * Every name is one validated component (p9s_in_name: not empty, ".",
 * ".." nor containing '/'), used relative to a directory fid's O_PATH
 * descriptor, so nothing is created or removed outside the export.
 *
 * Ownership and modes (p9s_finish_create): in model "none" a new file is
 * given to (the fid's n_uname, the request's gid) and then gets exactly
 * the requested mode, whatever the server's umask. EPERM from the chown is
 * ignored: without CAP_CHOWN new files stay the server's. In mapped-xattr
 * files are the server's with modes 0600/0700 and the guest's view lives
 * in user.virtfs.*; fifos, sockets, devices and symlinks are regular files
 * (a symlink's content is its target).
 *
 * Paths tracked by fids follow this session's renames
 * (p9s_rename_paths); Tremove and Trename use the tracked path, and
 * Tremove checks it still names the fid's file.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "p9s_priv.h"

/**
 * Set owner and mode of a file just created (fd: O_PATH or open) as the
 * model says; mode includes the file type, rdev is (dev_t)-1 unless a
 * device. -errno on failure (the file stays).
 */
int p9s_finish_create(struct p9s_session *s, int fd, uint32_t uid, uint32_t gid,
	mode_t mode, dev_t rdev)
{
	char proc[P9S_PROC_LEN];
	int rc;

	if (p9s_mapped(s)) {
		return p9s_mapped_set(fd, uid, gid, mode, rdev);
	}
	rc = p9s_set_owner(s, fd, uid, gid);
	if (rc < 0 || S_ISLNK(mode)) {
		return rc < 0 ? rc : 0;
	}
	/*
	 * A file that stayed the server's never gets set-user-ID or
	 * set-group-ID bits: the guest's user would run as the server's.
	 */
	if (rc == 1) {
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	}
	p9s_proc_path(proc, fd);
	return chmod(proc, mode & 07777) < 0 ? -errno : 0;
}

/** A directory fid numbered num: -EBADF, -EINVAL or -ENOTDIR. */
static int p9s_fid_dir(struct p9s_session *s, uint32_t num, struct p9s_fid **f)
{
	int rc = p9s_fid_file(s, num, f);

	if (rc == 0 && !S_ISDIR((*f)->f_type)) {
		rc = -ENOTDIR;
	}
	return rc;
}

/**
 * Finish a creation: close fd (the new file's) and reply with its qid,
 * or after an error rc, remove the half-made name again and return rc.
 */
static int p9s_reply_created(struct p9s_session *s, int dfd, const char *name,
	int fd, int rc, struct p9_out *out)
{
	struct p9_qid q;
	struct stat st;

	if (rc == 0) {
		rc = p9s_qid_fd(s, fd, &q);
	}
	if (rc < 0 && fstatat(fd, "", &st, AT_EMPTY_PATH) == 0) {
		unlinkat(dfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
	}
	close(fd);
	if (rc == 0) {
		p9_out_qid(out, &q);
	}
	return rc;
}

/**
 * Mapped-xattr: create name in dfd as a regular file of mode 0600 holding
 * len bytes of data; its new O_PATH descriptor in *pfd.
 */
static int p9s_mapped_create(
	int dfd, const char *name, const char *data, size_t len, int *pfd)
{
	char proc[P9S_PROC_LEN];
	int fd, rc = 0;

	fd = p9s_openat_beneath(dfd, name, O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd < 0) {
		return fd;
	}
	if (len && write(fd, data, len) != (ssize_t)len) {
		rc = -EIO;
	}
	p9s_proc_path(proc, fd);
	*pfd = open(proc, O_PATH | O_CLOEXEC);
	if (rc == 0 && *pfd < 0) {
		rc = -errno;
	}
	close(fd);
	if (rc < 0) {
		if (*pfd >= 0) {
			close(*pfd);
		}
		unlinkat(dfd, name, 0);
	}
	return rc;
}

/** Tmkdir dfid name mode gid → qid. */
int p9s_mkdir(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), mode, gid;
	struct p9s_fid *f;
	int rc = p9s_in_name(in, name), fd;

	mode = p9_in_u32(in);
	gid = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_dir(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (mkdirat(f->f_path_fd, name, p9s_mapped(s) ? 0700 : mode & 07777) <
		0) {
		return -errno;
	}
	fd = p9s_openat_beneath(
		f->f_path_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd < 0) {
		return fd;
	}
	rc = p9s_finish_create(
		s, fd, f->f_uid, gid, S_IFDIR | (mode & 07777), (dev_t)-1);
	return p9s_reply_created(s, f->f_path_fd, name, fd, rc, out);
}

/** Tmknod dfid name mode major minor gid → qid. */
int p9s_mknod(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), mode, major, minor, gid;
	int rc = p9s_in_name(in, name), fd;
	struct p9s_fid *f;
	dev_t rdev;

	mode = p9_in_u32(in);
	major = p9_in_u32(in);
	minor = p9_in_u32(in);
	gid = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_dir(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if ((mode & S_IFMT) == 0) {
		mode |= S_IFREG;
	}
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
	case S_IFCHR:
	case S_IFBLK:
		break;
	default:
		return -EINVAL;
	}
	rdev = makedev(major, minor);
	if (p9s_mapped(s)) {
		rc = p9s_mapped_create(f->f_path_fd, name, NULL, 0, &fd);
		if (rc < 0) {
			return rc;
		}
	} else {
		if (mknodat(f->f_path_fd, name, mode & (S_IFMT | 07777), rdev) <
			0) {
			return -errno;
		}
		fd = p9s_openat_beneath(
			f->f_path_fd, name, O_PATH | O_NOFOLLOW, 0);
		if (fd < 0) {
			return fd;
		}
	}
	rc = p9s_finish_create(
		s, fd, f->f_uid, gid, mode & (S_IFMT | 07777), rdev);
	return p9s_reply_created(s, f->f_path_fd, name, fd, rc, out);
}

/** Tsymlink fid name symtgt gid → qid. */
int p9s_symlink(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1], target[P9S_TARGET_MAX + 1];
	uint32_t num = p9_in_u32(in), gid;
	int rc = p9s_in_name(in, name), rc2, fd;
	struct p9s_fid *f;

	rc2 = p9s_in_cstr(in, target, sizeof(target), -ENAMETOOLONG);
	gid = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc ?: rc2;
	if (rc == 0 && target[0] == '\0') {
		rc = -ENOENT;
	}
	if (rc == 0) {
		rc = p9s_fid_dir(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (p9s_mapped(s)) {
		rc = p9s_mapped_create(
			f->f_path_fd, name, target, strlen(target), &fd);
		if (rc < 0) {
			return rc;
		}
	} else {
		if (symlinkat(target, f->f_path_fd, name) < 0) {
			return -errno;
		}
		fd = p9s_openat_beneath(
			f->f_path_fd, name, O_PATH | O_NOFOLLOW, 0);
		if (fd < 0) {
			return fd;
		}
	}
	rc = p9s_finish_create(s, fd, f->f_uid, gid, S_IFLNK | 0777, (dev_t)-1);
	return p9s_reply_created(s, f->f_path_fd, name, fd, rc, out);
}

/** Tlink dfid fid name: a new name in dfid for fid's file. */
int p9s_link(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1], proc[P9S_PROC_LEN];
	uint32_t dnum = p9_in_u32(in), num = p9_in_u32(in);
	int rc = p9s_in_name(in, name);
	struct p9s_fid *df, *f;

	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_dir(s, dnum, &df);
	}
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	p9s_proc_path(proc, f->f_path_fd);
	if (linkat(AT_FDCWD, proc, df->f_path_fd, name, AT_SYMLINK_FOLLOW) <
		0) {
		return -errno;
	}
	return 0;
}

/** Rename olddir/oldname to newdir/newname and update tracked paths. */
static int p9s_do_rename(struct p9s_session *s, int odfd, const char *oldname,
	const char *oldpath, struct p9s_fid *ndf, const char *newname)
{
	char *newpath = p9s_path_join(ndf->f_path, newname);

	if (!newpath) {
		return -ENOMEM;
	}
	if (renameat(odfd, oldname, ndf->f_path_fd, newname) < 0) {
		free(newpath);
		return -errno;
	}
	p9s_rename_paths(s, oldpath, newpath);
	free(newpath);
	return 0;
}

/** Trename fid dfid name: move fid's file (by its tracked path). */
int p9s_rename(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), dnum = p9_in_u32(in);
	int rc = p9s_in_name(in, name), pfd;
	struct p9s_fid *f, *df;
	const char *base;
	char *oldpath;

	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0) {
		rc = p9s_fid_dir(s, dnum, &df);
	}
	if (rc < 0) {
		return rc;
	}
	oldpath = strdup(f->f_path);
	if (!oldpath) {
		return -ENOMEM;
	}
	rc = p9s_open_parent(s, oldpath, &pfd, &base);
	if (rc == 0) {
		rc = p9s_do_rename(s, pfd, base, oldpath, df, name);
		close(pfd);
	}
	free(oldpath);
	return rc;
}

/** Trenameat olddirfid oldname newdirfid newname. */
int p9s_renameat(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char oldname[NAME_MAX + 1], newname[NAME_MAX + 1];
	uint32_t onum = p9_in_u32(in), nnum;
	int rc = p9s_in_name(in, oldname), rc2;
	struct p9s_fid *odf, *ndf;
	char *oldpath;

	nnum = p9_in_u32(in);
	rc2 = p9s_in_name(in, newname);
	rc = p9s_in_end(in) ?: rc ?: rc2;
	if (rc == 0) {
		rc = p9s_fid_dir(s, onum, &odf);
	}
	if (rc == 0) {
		rc = p9s_fid_dir(s, nnum, &ndf);
	}
	if (rc < 0) {
		return rc;
	}
	oldpath = p9s_path_join(odf->f_path, oldname);
	if (!oldpath) {
		return -ENOMEM;
	}
	rc = p9s_do_rename(s, odf->f_path_fd, oldname, oldpath, ndf, newname);
	free(oldpath);
	return rc;
}

/** Tunlinkat dirfid name flags (P9_AT_REMOVEDIR for a directory). */
int p9s_unlinkat(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1];
	uint32_t num = p9_in_u32(in), flags;
	int rc = p9s_in_name(in, name);
	struct p9s_fid *f;

	flags = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_dir(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (unlinkat(f->f_path_fd, name,
		    flags & P9_AT_REMOVEDIR ? AT_REMOVEDIR : 0) < 0) {
		return -errno;
	}
	return 0;
}

/** Remove fid's file through its tracked path, if it still names it. */
static int p9s_remove_file(struct p9s_session *s, struct p9s_fid *f)
{
	struct stat a, b;
	const char *base;
	int pfd, rc;

	if (f->f_kind != P9S_FID_FILE) {
		return -EINVAL;
	}
	rc = p9s_open_parent(s, f->f_path, &pfd, &base);
	if (rc < 0) {
		return rc;
	}
	if (fstatat(f->f_path_fd, "", &a, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) <
			0 ||
		fstatat(pfd, base, &b, AT_SYMLINK_NOFOLLOW) < 0) {
		rc = -errno;
	} else if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		rc = -ENOENT; /* renamed behind our back */
	} else if (unlinkat(pfd, base, S_ISDIR(b.st_mode) ? AT_REMOVEDIR : 0) <
		   0) {
		rc = -errno;
	}
	close(pfd);
	return rc;
}

/** Tremove fid: remove the file and clunk the fid, whatever the result. */
int p9s_remove(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in);
	struct p9s_fid *f;
	int rc = p9s_in_end(in);

	if (rc == 0) {
		rc = p9s_fid_lookup(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	rc = s->s_ex->ex_readonly ? -EROFS : p9s_remove_file(s, f);
	p9s_fid_clunk(s, f);
	return rc;
}
