/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 9P2000.L messages on the contents and attributes of one file: Tlopen,
 * Tlcreate, Tread, Twrite, Treaddir, Tfsync, Tlock, Tgetlock, Tstatfs,
 * Tgetattr, Tsetattr and Treadlink (p9s_priv.h lists the other files).
 *
 * Opening: a fid's O_PATH descriptor is reopened through
 * /proc/self/fd/<n>, so the file opened is the one walked to even if a
 * name changed since. Never with O_CREAT: Tlcreate creates, always
 * exclusively (EEXIST if the name exists: the Linux client sends it only
 * for a name it found absent), beneath the directory fid and without
 * following a symlink in the last component.
 * Symlinks give ELOOP. Character and block devices may be created (by
 * Tmknod) but never opened: EACCES, as on a nodev mount, so a guest
 * cannot reach Dom0 devices. FIFOs are opened with O_NONBLOCK so that a
 * request can never wait for a peer (the server is synchronous).
 *
 * Locks are open-file-description locks (F_OFD_SETLK), one description
 * per opened fid, never waited for: a conflict answers BLOCKED, even with
 * P9_LOCK_FLAGS_BLOCK (the Linux client polls again).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "p9s_priv.h"

/* The kernel's struct linux_dirent64 header before the name. */
struct p9s_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static const struct {
	uint32_t dotl;
	int host;
} p9s_open_flags[] = {
	{P9_DOTL_EXCL, O_EXCL},
	{P9_DOTL_TRUNC, O_TRUNC},
	{P9_DOTL_APPEND, O_APPEND},
	{P9_DOTL_NONBLOCK, O_NONBLOCK},
	{P9_DOTL_DSYNC, O_DSYNC},
	{P9_DOTL_DIRECT, O_DIRECT},
	{P9_DOTL_NOATIME, O_NOATIME},
	{P9_DOTL_SYNC, O_SYNC},
	{P9_DOTL_DIRECTORY, O_DIRECTORY},
};

/**
 * Host open flags for P9_DOTL_* flags: the access mode and the flags of
 * p9s_open_flags; CREATE, NOCTTY, FASYNC, LARGEFILE, CLOEXEC and NOFOLLOW
 * are dropped (the server decides those).
 */
static int p9s_host_flags(uint32_t dotl)
{
	int host;
	size_t i;

	switch (dotl & P9_DOTL_ACCMODE) {
	case P9_DOTL_WRONLY:
		host = O_WRONLY;
		break;
	case P9_DOTL_RDWR:
		host = O_RDWR;
		break;
	default:
		host = O_RDONLY;
		break;
	}
	for (i = 0; i < sizeof(p9s_open_flags) / sizeof(p9s_open_flags[0]);
		i++) {
		if (dotl & p9s_open_flags[i].dotl) {
			host |= p9s_open_flags[i].host;
		}
	}
	return host;
}

static bool p9s_flags_write(int host)
{
	return (host & O_ACCMODE) != O_RDONLY || (host & O_TRUNC);
}

/** An opened fid (f_open_fd valid): -EBADF/-EINVAL otherwise. */
static int p9s_fid_opened(
	struct p9s_session *s, uint32_t num, struct p9s_fid **f)
{
	int rc = p9s_fid_file(s, num, f);

	if (rc == 0 && (*f)->f_open_fd < 0) {
		rc = -EBADF;
	}
	return rc;
}

/** Reopen f's O_PATH fd with host flags; the new fd or -errno. */
static int p9s_reopen(struct p9s_session *s, struct p9s_fid *f, int host)
{
	char proc[P9S_PROC_LEN];
	struct stat st;
	int fd, rc;

	rc = p9s_stat_fd(s, f->f_path_fd, &st);
	if (rc < 0) {
		return rc;
	}
	if (S_ISLNK(st.st_mode) || S_ISLNK(f->f_type)) {
		return -ELOOP;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISCHR(f->f_type) ||
		S_ISBLK(f->f_type)) {
		return -EACCES;
	}
	if (S_ISFIFO(f->f_type)) {
		host |= O_NONBLOCK;
	}
	if (S_ISSOCK(f->f_type)) {
		return -ENXIO;
	}
	p9s_proc_path(proc, f->f_path_fd);
	fd = open(proc, host | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

/** Tlopen fid flags → qid iounit. */
int p9s_lopen(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), flags = p9_in_u32(in);
	int host = p9s_host_flags(flags), fd, rc;
	struct p9s_fid *f;
	struct p9_qid q;

	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (f->f_open_fd >= 0) {
		return -EINVAL;
	}
	if (s->s_ex->ex_readonly && p9s_flags_write(host)) {
		return -EROFS;
	}
	rc = p9s_qid_fd(s, f->f_path_fd, &q);
	if (rc < 0) {
		return rc;
	}
	fd = p9s_reopen(s, f, host);
	if (fd < 0) {
		return fd;
	}
	f->f_open_fd = fd;
	f->f_open_flags = host;
	f->f_dir_pos = 0;
	p9_out_qid(out, &q);
	p9_out_u32(out, (uint32_t)p9s_iounit(s));
	return 0;
}

/** Tlcreate fid name flags mode gid → qid iounit; fid becomes the file. */
int p9s_lcreate(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char name[NAME_MAX + 1], proc[P9S_PROC_LEN];
	uint32_t num = p9_in_u32(in), flags, mode, gid;
	int rc = p9s_in_name(in, name), host, fd, pfd;
	struct p9s_fid *f;
	struct p9_qid q;
	char *path;

	flags = p9_in_u32(in);
	mode = p9_in_u32(in);
	gid = p9_in_u32(in);
	rc = p9s_in_end(in) ?: rc;
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (f->f_open_fd >= 0 || !S_ISDIR(f->f_type)) {
		return f->f_open_fd >= 0 ? -EINVAL : -ENOTDIR;
	}
	/* always a new file: an existing one keeps its owner and mode */
	host = p9s_host_flags(flags) & ~O_DIRECTORY;
	host |= O_CREAT | O_EXCL;
	path = p9s_path_join(f->f_path, name);
	if (!path) {
		return -ENOMEM;
	}
	fd = p9s_openat_beneath(f->f_path_fd, name, host,
		p9s_mapped(s) ? 0600 : (mode & 07777));
	if (fd < 0) {
		free(path);
		return fd;
	}
	p9s_proc_path(proc, fd);
	pfd = open(proc, O_PATH | O_CLOEXEC);
	rc = pfd < 0 ? -errno : 0;
	if (rc == 0) {
		rc = p9s_finish_create(s, pfd, f->f_uid, gid,
			S_IFREG | (mode & 07777), (dev_t)-1);
	}
	if (rc == 0) {
		rc = p9s_qid_fd(s, pfd, &q);
	}
	if (rc < 0) {
		if (pfd >= 0) {
			close(pfd);
		}
		close(fd);
		free(path);
		unlinkat(f->f_path_fd, name, 0); /* half made: undo */
		return rc;
	}
	close(f->f_path_fd);
	free(f->f_path);
	f->f_path_fd = pfd;
	f->f_path = path;
	f->f_type = S_IFREG;
	f->f_open_fd = fd;
	f->f_open_flags = host & ~(O_CREAT | O_EXCL | O_TRUNC);
	p9_out_qid(out, &q);
	p9_out_u32(out, (uint32_t)p9s_iounit(s));
	return 0;
}

static int p9s_read_xattr(
	struct p9s_fid *f, uint64_t offset, uint32_t count, struct p9_out *out)
{
	size_t n = 0;

	if (f->f_kind != P9S_FID_XATTR_READ) {
		return -EBADF;
	}
	if (offset < f->f_xlen) {
		n = f->f_xlen - (size_t)offset;
		if (n > count) {
			n = count;
		}
	}
	p9_out_u32(out, (uint32_t)n);
	if (n) {
		p9_out_data(out, f->f_xbuf + offset, n);
	}
	return 0;
}

/** Tread fid offset count → count data. */
int p9s_read(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), count;
	uint64_t offset = p9_in_u64(in);
	struct p9s_fid *f;
	size_t room;
	ssize_t n;
	int rc;

	count = p9_in_u32(in);
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_lookup(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (offset > INT64_MAX) {
		return -EINVAL;
	}
	room = out->cap - out->pos - 4;
	if (count > room) {
		count = (uint32_t)room;
	}
	if (count > (uint32_t)p9s_iounit(s)) {
		count = (uint32_t)p9s_iounit(s);
	}
	if (f->f_kind != P9S_FID_FILE) {
		return p9s_read_xattr(f, offset, count, out);
	}
	if (f->f_open_fd < 0) {
		return -EBADF;
	}
	n = pread(f->f_open_fd, out->p + out->pos + 4, count, (off_t)offset);
	if (n < 0) {
		return -errno;
	}
	p9_out_u32(out, (uint32_t)n);
	p9_out_room(out, (size_t)n);
	return 0;
}

static int p9s_write_xattr(struct p9s_fid *f, uint64_t offset,
	const uint8_t *data, uint32_t count, struct p9_out *out)
{
	if (f->f_kind != P9S_FID_XATTR_WRITE) {
		return -EBADF;
	}
	if (offset > f->f_xlen || count > f->f_xlen - offset) {
		return -ENOSPC;
	}
	memcpy(f->f_xbuf + offset, data, count);
	if (offset + count > f->f_xfilled) {
		f->f_xfilled = (size_t)offset + count;
	}
	p9_out_u32(out, count);
	return 0;
}

/** Twrite fid offset count data → count. */
int p9s_write(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), count;
	uint64_t offset = p9_in_u64(in);
	const uint8_t *data;
	struct p9s_fid *f;
	ssize_t n;
	int rc;

	count = p9_in_u32(in);
	data = p9_in_take(in, count);
	rc = p9s_in_end(in);
	if (rc == 0 && count > (uint32_t)p9s_iounit(s)) {
		rc = -EINVAL;
	}
	if (rc == 0) {
		rc = p9s_fid_lookup(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (offset > INT64_MAX) {
		return -EINVAL;
	}
	if (f->f_kind != P9S_FID_FILE) {
		return p9s_write_xattr(f, offset, data, count, out);
	}
	if (f->f_open_fd < 0) {
		return -EBADF;
	}
	if (f->f_open_flags & O_APPEND) {
		n = write(f->f_open_fd, data, count);
	} else {
		n = pwrite(f->f_open_fd, data, count, (off_t)offset);
	}
	if (n < 0) {
		return -errno;
	}
	p9_out_u32(out, (uint32_t)n);
	return 0;
}

/** The qid and type byte of one directory entry of the opened dir f. */
static int p9s_dirent_qid(struct p9s_session *s, struct p9s_fid *f,
	const struct p9s_dirent64 *d, struct p9_qid *q, uint8_t *type)
{
	struct stat st;
	int fd = f->f_open_fd;

	*type = d->d_type;
	if (strcmp(d->d_name, "..") == 0 && f->f_path[0] == '\0') {
		fd = s->s_ex->ex_root_fd;
		if (fstat(fd, &st) < 0) {
			return -errno;
		}
	} else if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		/* gone since getdents: report what getdents saw */
		memset(q, 0, sizeof(*q));
		q->path = d->d_ino;
		return 0;
	}
	if (p9s_mapped(s) && S_ISREG(st.st_mode)) {
		int efd = p9s_openat_beneath(
			fd, d->d_name, O_PATH | O_NOFOLLOW, 0);

		if (efd >= 0) {
			p9s_mapped_stat(efd, &st);
			close(efd);
			*type = (uint8_t)IFTODT(st.st_mode);
		}
	}
	return p9s_qid_from_stat(s->s_ex, &st, q);
}

/**
 * Append the directory entries of buf[0..len) to out while they fit in
 * *room bytes; f->f_dir_pos follows each entry written. *stopped when an
 * entry did not fit (the stream must then be moved back).
 */
static int p9s_readdir_fill(struct p9s_session *s, struct p9s_fid *f,
	const uint8_t *buf, size_t len, size_t *room, struct p9_out *out,
	bool *stopped)
{
	size_t pos = 0;
	int rc;

	while (pos < len) {
		const struct p9s_dirent64 *d =
			(const struct p9s_dirent64 *)(buf + pos);
		size_t nl = strlen(d->d_name);
		size_t need = P9_QID_SIZE + 8 + 1 + 2 + nl;
		struct p9_qid q;
		uint8_t type;

		if (need > *room) {
			*stopped = true;
			return 0;
		}
		rc = p9s_dirent_qid(s, f, d, &q, &type);
		if (rc < 0) {
			return rc;
		}
		p9_out_qid(out, &q);
		p9_out_u64(out, (uint64_t)d->d_off);
		p9_out_u8(out, type);
		p9_out_strn(out, d->d_name, nl);
		*room -= need;
		f->f_dir_pos = (uint64_t)d->d_off;
		pos += d->d_reclen;
	}
	return 0;
}

/** Move the directory stream of f to the cookie pos. */
static int p9s_readdir_seek(struct p9s_fid *f, uint64_t pos)
{
	if (pos > INT64_MAX ||
		lseek(f->f_open_fd, (off_t)pos, SEEK_SET) == (off_t)-1) {
		return pos > INT64_MAX ? -EINVAL : -errno;
	}
	f->f_dir_pos = pos;
	return 0;
}

/**
 * Treaddir fid offset count → count entries: qid offset type name each,
 * never a partial entry. -EINVAL when count cannot hold the next entry
 * (an empty reply would mean the end of the directory).
 */
int p9s_readdir(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint8_t buf[8192] __attribute__((aligned(8)));
	uint32_t num = p9_in_u32(in), count;
	uint64_t offset = p9_in_u64(in);
	size_t room, start, count_pos;
	bool stopped = false;
	struct p9s_fid *f;
	long n;
	int rc;

	count = p9_in_u32(in);
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_opened(s, num, &f);
	}
	if (rc == 0 && !S_ISDIR(f->f_type)) {
		rc = -ENOTDIR;
	}
	if (rc == 0 && offset != f->f_dir_pos) {
		rc = p9s_readdir_seek(f, offset);
	}
	if (rc < 0) {
		return rc;
	}
	count_pos = out->pos;
	p9_out_u32(out, 0);
	room = out->cap - out->pos;
	if (room > count) {
		room = count;
	}
	start = out->pos;
	while (!stopped) {
		uint64_t before = f->f_dir_pos;

		n = syscall(SYS_getdents64, f->f_open_fd, buf, sizeof(buf));
		if (n <= 0) {
			rc = n < 0 ? -errno : 0;
			break;
		}
		rc = p9s_readdir_fill(
			s, f, buf, (size_t)n, &room, out, &stopped);
		if (rc == 0 && stopped) {
			/* the kernel's stream is past what was sent */
			rc = p9s_readdir_seek(f, f->f_dir_pos);
		}
		if (rc < 0) {
			p9s_readdir_seek(f, before);
			break;
		}
	}
	if (rc == 0 && stopped && out->pos == start) {
		rc = -EINVAL;
	}
	if (rc < 0) {
		return rc;
	}
	p9_put_u32(out->p + count_pos, (uint32_t)(out->pos - start));
	return 0;
}

/** Tfsync fid datasync. */
int p9s_fsync(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), datasync = p9_in_u32(in);
	struct p9s_fid *f;
	int rc = p9s_in_end(in);

	if (rc == 0) {
		rc = p9s_fid_opened(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	rc = datasync ? fdatasync(f->f_open_fd) : fsync(f->f_open_fd);
	return rc < 0 ? -errno : 0;
}

/** A struct flock for a 9P lock type and range: -EINVAL if out of range. */
static int p9s_flock(
	uint8_t type, uint64_t start, uint64_t length, struct flock *fl)
{
	static const short types[] = {F_RDLCK, F_WRLCK, F_UNLCK};

	if (type > P9_LOCK_TYPE_UNLCK || start > INT64_MAX ||
		length > INT64_MAX) {
		return -EINVAL;
	}
	memset(fl, 0, sizeof(*fl));
	fl->l_type = types[type];
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)start;
	fl->l_len = (off_t)length;
	return 0;
}

/** Tlock fid type flags start length proc_id client_id → status. */
int p9s_lock(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in);
	uint8_t type = p9_in_u8(in);
	uint64_t start, length;
	struct p9s_fid *f;
	struct flock fl;
	uint16_t cl;
	int rc;

	p9_in_u32(in); /* flags: BLOCK is answered like a try */
	start = p9_in_u64(in);
	length = p9_in_u64(in);
	p9_in_u32(in); /* proc_id: OFD locks belong to the fid */
	p9_in_str(in, &cl);
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_opened(s, num, &f);
	}
	if (rc == 0) {
		rc = p9s_flock(type, start, length, &fl);
	}
	if (rc < 0) {
		return rc;
	}
	if (fcntl(f->f_open_fd, F_OFD_SETLK, &fl) < 0) {
		if (errno != EAGAIN && errno != EACCES) {
			return -errno;
		}
		p9_out_u8(out, P9_LOCK_BLOCKED);
		return 0;
	}
	p9_out_u8(out, P9_LOCK_SUCCESS);
	return 0;
}

/**
 * Tgetlock fid type start length proc_id client_id → the first
 * conflicting lock, or the request with type UNLCK when there is none.
 */
int p9s_getlock(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), proc_id;
	uint8_t type = p9_in_u8(in);
	uint64_t start = p9_in_u64(in), length = p9_in_u64(in);
	struct p9s_fid *f;
	const char *client;
	struct flock fl;
	uint16_t cl;
	int rc;

	proc_id = p9_in_u32(in);
	client = p9_in_str(in, &cl);
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_opened(s, num, &f);
	}
	if (rc == 0) {
		rc = p9s_flock(type, start, length, &fl);
	}
	if (rc < 0) {
		return rc;
	}
	if (fcntl(f->f_open_fd, F_OFD_GETLK, &fl) < 0) {
		return -errno;
	}
	if (fl.l_type == F_UNLCK) {
		p9_out_u8(out, P9_LOCK_TYPE_UNLCK);
		p9_out_u64(out, start);
		p9_out_u64(out, length);
		p9_out_u32(out, proc_id);
	} else {
		p9_out_u8(out, fl.l_type == F_RDLCK ? P9_LOCK_TYPE_RDLCK
						    : P9_LOCK_TYPE_WRLCK);
		p9_out_u64(out, (uint64_t)fl.l_start);
		p9_out_u64(out, (uint64_t)fl.l_len);
		p9_out_u32(out, fl.l_pid > 0 ? (uint32_t)fl.l_pid : 0);
	}
	p9_out_strn(out, client, cl);
	return 0;
}

/** Tstatfs fid → type bsize blocks bfree bavail files ffree fsid namelen. */
int p9s_statfs(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in);
	struct p9s_fid *f;
	struct statfs st;
	uint64_t fsid;
	int rc = p9s_in_end(in);

	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (fstatfs(f->f_path_fd, &st) < 0) {
		return -errno;
	}
	memcpy(&fsid, &st.f_fsid, sizeof(fsid));
	p9_out_u32(out, (uint32_t)st.f_type);
	p9_out_u32(out, (uint32_t)st.f_bsize);
	p9_out_u64(out, st.f_blocks);
	p9_out_u64(out, st.f_bfree);
	p9_out_u64(out, st.f_bavail);
	p9_out_u64(out, st.f_files);
	p9_out_u64(out, st.f_ffree);
	p9_out_u64(out, fsid);
	p9_out_u32(out, (uint32_t)st.f_namelen);
	return 0;
}

/** Tgetattr fid request_mask → the basic attributes (mapped if so). */
int p9s_getattr(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in);
	struct p9s_fid *f;
	struct p9_qid q;
	struct stat st;
	int rc;

	p9_in_u64(in); /* request_mask: everything basic is cheap */
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0) {
		rc = p9s_stat_fd(s, f->f_path_fd, &st);
	}
	if (rc == 0) {
		rc = p9s_qid_from_stat(s->s_ex, &st, &q);
	}
	if (rc < 0) {
		return rc;
	}
	p9_out_u64(out, P9_GETATTR_BASIC);
	p9_out_qid(out, &q);
	p9_out_u32(out, st.st_mode);
	p9_out_u32(out, st.st_uid);
	p9_out_u32(out, st.st_gid);
	p9_out_u64(out, st.st_nlink);
	p9_out_u64(out, st.st_rdev);
	p9_out_u64(out, (uint64_t)st.st_size);
	p9_out_u64(out, (uint64_t)st.st_blksize);
	p9_out_u64(out, (uint64_t)st.st_blocks);
	p9_out_u64(out, (uint64_t)st.st_atim.tv_sec);
	p9_out_u64(out, (uint64_t)st.st_atim.tv_nsec);
	p9_out_u64(out, (uint64_t)st.st_mtim.tv_sec);
	p9_out_u64(out, (uint64_t)st.st_mtim.tv_nsec);
	p9_out_u64(out, (uint64_t)st.st_ctim.tv_sec);
	p9_out_u64(out, (uint64_t)st.st_ctim.tv_nsec);
	p9_out_u64(out, 0); /* btime_sec */
	p9_out_u64(out, 0); /* btime_nsec */
	p9_out_u64(out, 0); /* gen */
	p9_out_u64(out, 0); /* data_version */
	return 0;
}

struct p9s_setattr {
	uint32_t valid, mode, uid, gid;
	uint64_t size;
	struct timespec times[2];
};

static int p9s_setattr_mode(
	struct p9s_session *s, struct p9s_fid *f, const struct p9s_setattr *a)
{
	char proc[P9S_PROC_LEN];
	struct stat st;
	mode_t cur, mode;
	int rc;

	if (p9s_mapped(s)) {
		rc = p9s_mapped_mode(f->f_path_fd, &cur);
		if (rc < 0) {
			return rc;
		}
		return p9s_mapped_set(f->f_path_fd, P9_NONUNAME, P9_NONUNAME,
			(cur & S_IFMT) | (a->mode & 07777), (dev_t)-1);
	}
	if (S_ISLNK(f->f_type)) {
		return 0; /* a symlink's mode means nothing on Linux */
	}
	mode = a->mode & 07777;
	/*
	 * Set-ID bits on a file of the server's own that the guest user
	 * asking is not (a file whose chown the server could not make):
	 * never, or that user would run programs as the server's user.
	 */
	if ((mode & (S_ISUID | S_ISGID)) &&
		fstatat(f->f_path_fd, "", &st, AT_EMPTY_PATH) == 0 &&
		st.st_uid == geteuid() && f->f_uid != (uint32_t)geteuid()) {
		mode &= ~(mode_t)(S_ISUID | S_ISGID);
	}
	p9s_proc_path(proc, f->f_path_fd);
	return chmod(proc, mode) < 0 ? -errno : 0;
}

static int p9s_setattr_owner(
	struct p9s_session *s, struct p9s_fid *f, const struct p9s_setattr *a)
{
	uint32_t uid = a->valid & P9_SETATTR_UID ? a->uid : P9_NONUNAME;
	uint32_t gid = a->valid & P9_SETATTR_GID ? a->gid : P9_NONUNAME;

	if (p9s_mapped(s)) {
		return p9s_mapped_set(
			f->f_path_fd, uid, gid, (mode_t)-1, (dev_t)-1);
	}
	if (fchownat(f->f_path_fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
		return -errno;
	}
	return 0;
}

static int p9s_setattr_size(struct p9s_fid *f, uint64_t size)
{
	char proc[P9S_PROC_LEN];

	if (size > INT64_MAX) {
		return -EINVAL;
	}
	if (S_ISLNK(f->f_type) || S_ISDIR(f->f_type)) {
		return S_ISDIR(f->f_type) ? -EISDIR : -EINVAL;
	}
	if (f->f_open_fd >= 0 && (f->f_open_flags & O_ACCMODE) != O_RDONLY) {
		return ftruncate(f->f_open_fd, (off_t)size) < 0 ? -errno : 0;
	}
	p9s_proc_path(proc, f->f_path_fd);
	return truncate(proc, (off_t)size) < 0 ? -errno : 0;
}

static void p9s_setattr_time(uint32_t valid, uint32_t is, uint32_t set,
	uint64_t sec, uint64_t nsec, struct timespec *ts)
{
	if (!(valid & is)) {
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_OMIT;
	} else if (!(valid & set)) {
		ts->tv_sec = 0;
		ts->tv_nsec = UTIME_NOW;
	} else {
		ts->tv_sec = (time_t)sec;
		ts->tv_nsec = (long)(nsec > 999999999 ? 1000000000 : nsec);
	}
}

/** Tsetattr fid valid mode uid gid size atime mtime. */
int p9s_setattr(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in);
	struct p9s_setattr a;
	uint64_t as, an, ms, mn;
	struct p9s_fid *f;
	int rc;

	a.valid = p9_in_u32(in);
	a.mode = p9_in_u32(in);
	a.uid = p9_in_u32(in);
	a.gid = p9_in_u32(in);
	a.size = p9_in_u64(in);
	as = p9_in_u64(in);
	an = p9_in_u64(in);
	ms = p9_in_u64(in);
	mn = p9_in_u64(in);
	rc = p9s_in_end(in);
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0 && (a.valid & P9_SETATTR_MODE)) {
		rc = p9s_setattr_mode(s, f, &a);
	}
	if (rc == 0 && (a.valid & (P9_SETATTR_UID | P9_SETATTR_GID))) {
		rc = p9s_setattr_owner(s, f, &a);
	}
	if (rc == 0 && (a.valid & P9_SETATTR_SIZE)) {
		rc = p9s_setattr_size(f, a.size);
	}
	if (rc == 0 && (a.valid & (P9_SETATTR_ATIME | P9_SETATTR_MTIME))) {
		p9s_setattr_time(a.valid, P9_SETATTR_ATIME,
			P9_SETATTR_ATIME_SET, as, an, &a.times[0]);
		p9s_setattr_time(a.valid, P9_SETATTR_MTIME,
			P9_SETATTR_MTIME_SET, ms, mn, &a.times[1]);
		if (utimensat(f->f_path_fd, "", a.times, AT_EMPTY_PATH) < 0) {
			rc = -errno;
		}
	}
	return rc;
}

/** The target of a mapped symlink: the file's content. */
static ssize_t p9s_mapped_target(struct p9s_fid *f, char *buf, size_t cap)
{
	char proc[P9S_PROC_LEN];
	size_t len = 0;
	ssize_t n;
	int fd;

	p9s_proc_path(proc, f->f_path_fd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		return -errno;
	}
	while (len < cap) {
		n = read(fd, buf + len, cap - len);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	return (ssize_t)len;
}

/** Treadlink fid → target. */
int p9s_readlink(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	char buf[P9S_TARGET_MAX + 1];
	uint32_t num = p9_in_u32(in);
	struct p9s_fid *f;
	struct stat st;
	ssize_t n;
	int rc = p9s_in_end(in);

	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc == 0) {
		rc = p9s_stat_fd(s, f->f_path_fd, &st);
	}
	if (rc < 0) {
		return rc;
	}
	if (S_ISLNK(f->f_type)) {
		n = readlinkat(f->f_path_fd, "", buf, sizeof(buf));
		n = n < 0 ? -errno : n;
	} else if (S_ISLNK(st.st_mode) && S_ISREG(f->f_type)) {
		n = p9s_mapped_target(f, buf, sizeof(buf));
	} else {
		return -EINVAL;
	}
	if (n < 0) {
		return (int)n;
	}
	if ((size_t)n > P9S_TARGET_MAX || 2 + (size_t)n > out->cap - out->pos) {
		return -ENAMETOOLONG;
	}
	p9_out_strn(out, buf, (size_t)n);
	return 0;
}
