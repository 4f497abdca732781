/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 9P2000.L server core (p9server.h): exports, sessions, the fid table,
 * request dispatch and the messages that manage fids (Tversion, Tattach,
 * Twalk, Tclunk, Tflush), plus helpers shared by the other p9s_*.c files
 * (name checks, confined opens, qids). Protocol: the 9P2000.L messages as
 * the Linux client (net/9p) and the 9P2000.L specification define them.
 *
 * Session states:
 *
 *   unversioned --Tversion "9P2000.L", msize >= P9_MIN_MSIZE--> versioned
 *   versioned   --Tversion (any)--> unversioned, all fids clunked
 *                                   (then versioned again if it is valid)
 *
 * (p9s_version() performs both transitions.) An unversioned session
 * answers everything except Tversion with Rlerror EPROTO.
 *
 * Walk rules (p9s_walk_step): a name is non-empty, at most NAME_MAX bytes,
 * without '/' or NUL, and neither "." (EINVAL: a 9P client never sends it)
 * nor, at the root, able to leave: ".." at the root stays at the root.
 * Other ".." steps reopen the parent of the fid's tracked path from the
 * root fd. Every open uses openat2() with RESOLVE_BENEATH and
 * RESOLVE_NO_SYMLINKS, so a step never follows a symlink: a fid can be a
 * symlink, but walking from it fails with ENOTDIR. Every name of a Twalk
 * is checked before the first step: one bad name fails the whole request
 * with EINVAL (no partial Rwalk).
 *
 * Fids: a hash table per session (P9S_FID_BUCKETS chains), at most
 * P9S_FID_MAX fids (EMFILE beyond). Unknown fid: EBADF; a newfid in use:
 * EBADF, except Twalk's newfid == fid.
 */
#include "p9server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "p9s_priv.h"

struct p9s_op {
	uint8_t type;
	bool writes; /* refused with EROFS on a read-only export */
	p9s_handler_fn fn;
	const char *name;
};

static int p9s_attach(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);
static int p9s_walk(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);
static int p9s_clunk(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);
static int p9s_flush(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);
static int p9s_auth(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);

static const struct p9s_op p9s_ops[] = {
	{P9_TSTATFS, false, p9s_statfs, "Tstatfs"},
	{P9_TLOPEN, false, p9s_lopen, "Tlopen"},
	{P9_TLCREATE, true, p9s_lcreate, "Tlcreate"},
	{P9_TSYMLINK, true, p9s_symlink, "Tsymlink"},
	{P9_TMKNOD, true, p9s_mknod, "Tmknod"},
	{P9_TRENAME, true, p9s_rename, "Trename"},
	{P9_TREADLINK, false, p9s_readlink, "Treadlink"},
	{P9_TGETATTR, false, p9s_getattr, "Tgetattr"},
	{P9_TSETATTR, true, p9s_setattr, "Tsetattr"},
	{P9_TXATTRWALK, false, p9s_xattrwalk, "Txattrwalk"},
	{P9_TXATTRCREATE, true, p9s_xattrcreate, "Txattrcreate"},
	{P9_TREADDIR, false, p9s_readdir, "Treaddir"},
	{P9_TFSYNC, false, p9s_fsync, "Tfsync"},
	{P9_TLOCK, false, p9s_lock, "Tlock"},
	{P9_TGETLOCK, false, p9s_getlock, "Tgetlock"},
	{P9_TLINK, true, p9s_link, "Tlink"},
	{P9_TMKDIR, true, p9s_mkdir, "Tmkdir"},
	{P9_TRENAMEAT, true, p9s_renameat, "Trenameat"},
	{P9_TUNLINKAT, true, p9s_unlinkat, "Tunlinkat"},
	{P9_TAUTH, false, p9s_auth, "Tauth"},
	{P9_TATTACH, false, p9s_attach, "Tattach"},
	{P9_TFLUSH, false, p9s_flush, "Tflush"},
	{P9_TWALK, false, p9s_walk, "Twalk"},
	{P9_TREAD, false, p9s_read, "Tread"},
	{P9_TWRITE, true, p9s_write, "Twrite"},
	{P9_TCLUNK, false, p9s_clunk, "Tclunk"},
	/* Tremove checks EROFS itself: its fid is clunked even then */
	{P9_TREMOVE, false, p9s_remove, "Tremove"},
};

/* ---- security models ---- */

int p9s_security_model_parse(const char *s, enum p9s_security_model *m)
{
	if (!s) {
		return -EINVAL;
	}
	if (strcmp(s, "none") == 0 || strcmp(s, "passthrough") == 0) {
		*m = P9S_SECURITY_NONE;
		return 0;
	}
	if (strcmp(s, "mapped-xattr") == 0 || strcmp(s, "mapped") == 0) {
		*m = P9S_SECURITY_MAPPED_XATTR;
		return 0;
	}
	return -EINVAL;
}

const char *p9s_security_model_name(enum p9s_security_model m)
{
	switch (m) {
	case P9S_SECURITY_NONE:
		return "none";
	case P9S_SECURITY_MAPPED_XATTR:
		return "mapped-xattr";
	}
	return "unknown";
}

/* ---- exports ---- */

struct p9s_export *p9s_export_open(const struct p9s_export_config *cfg)
{
	struct p9s_export *ex;
	int fd;

	if (!cfg || !cfg->path || cfg->path[0] != '/' ||
		(cfg->model != P9S_SECURITY_NONE &&
			cfg->model != P9S_SECURITY_MAPPED_XATTR)) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(cfg->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return NULL;
	}
	ex = calloc(1, sizeof(*ex));
	if (!ex) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	ex->ex_refs = 1;
	ex->ex_root_fd = fd;
	ex->ex_model = cfg->model;
	ex->ex_readonly = cfg->readonly;
	ex->ex_qmap_next = 1;
	return ex;
}

static void p9s_export_get(struct p9s_export *ex)
{
	ex->ex_refs++;
}

void p9s_export_put(struct p9s_export *ex)
{
	if (!ex || --ex->ex_refs > 0) {
		return;
	}
	close(ex->ex_root_fd);
	free(ex->ex_devs);
	free(ex->ex_qmap);
	free(ex);
}

/* ---- qids ---- */

static size_t p9s_qmap_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull;

	h ^= (uint64_t)dev * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h ^ (h >> 29));
}

static int p9s_qmap_grow(struct p9s_export *ex)
{
	size_t cap = ex->ex_qmap_cap ? ex->ex_qmap_cap * 2 : 64;
	struct p9s_qmap_entry *t = calloc(cap, sizeof(*t));
	size_t i, j;

	if (!t) {
		return -ENOMEM;
	}
	for (i = 0; i < ex->ex_qmap_cap; i++) {
		struct p9s_qmap_entry *e = &ex->ex_qmap[i];

		if (!e->path) {
			continue;
		}
		j = p9s_qmap_hash(e->dev, e->ino) & (cap - 1);
		while (t[j].path) {
			j = (j + 1) & (cap - 1);
		}
		t[j] = *e;
	}
	free(ex->ex_qmap);
	ex->ex_qmap = t;
	ex->ex_qmap_cap = cap;
	return 0;
}

/** The sequential qid path of (dev, ino), top bit set; -ENOMEM. */
static int p9s_qmap_path(
	struct p9s_export *ex, dev_t dev, ino_t ino, uint64_t *path)
{
	size_t j;
	int rc;

	if (ex->ex_qmap_count * 2 >= ex->ex_qmap_cap) {
		rc = p9s_qmap_grow(ex);
		if (rc < 0) {
			return rc;
		}
	}
	j = p9s_qmap_hash(dev, ino) & (ex->ex_qmap_cap - 1);
	while (ex->ex_qmap[j].path) {
		if (ex->ex_qmap[j].dev == dev && ex->ex_qmap[j].ino == ino) {
			*path = ex->ex_qmap[j].path;
			return 0;
		}
		j = (j + 1) & (ex->ex_qmap_cap - 1);
	}
	ex->ex_qmap[j].dev = dev;
	ex->ex_qmap[j].ino = ino;
	ex->ex_qmap[j].path = (1ull << 63) | ex->ex_qmap_next++;
	ex->ex_qmap_count++;
	*path = ex->ex_qmap[j].path;
	return 0;
}

/** The index of dev in the export's device list (added if new). */
static int p9s_dev_index(struct p9s_export *ex, dev_t dev)
{
	dev_t *d;
	unsigned int i;

	for (i = 0; i < ex->ex_dev_count; i++) {
		if (ex->ex_devs[i] == dev) {
			return (int)i;
		}
	}
	if (ex->ex_dev_count >= 0x7fffu) {
		return -ENOSPC;
	}
	d = realloc(ex->ex_devs, (ex->ex_dev_count + 1) * sizeof(*d));
	if (!d) {
		return -ENOMEM;
	}
	ex->ex_devs = d;
	d[ex->ex_dev_count] = dev;
	return (int)ex->ex_dev_count++;
}

/**
 * The qid of a file whose (possibly mapped) attributes are st: type from
 * the file type, path from (st_dev, st_ino), version from the mtime of
 * regular files. -ENOMEM if the qid map cannot grow.
 */
int p9s_qid_from_stat(
	struct p9s_export *ex, const struct stat *st, struct p9_qid *q)
{
	int idx;

	if (S_ISDIR(st->st_mode)) {
		q->type = P9_QTDIR;
	} else if (S_ISLNK(st->st_mode)) {
		q->type = P9_QTSYMLINK;
	} else {
		q->type = P9_QTFILE;
	}
	q->version = 0;
	if (S_ISREG(st->st_mode)) {
		q->version = (uint32_t)((uint64_t)st->st_mtim.tv_sec ^
					(uint64_t)st->st_mtim.tv_nsec);
	}
	idx = p9s_dev_index(ex, st->st_dev);
	if (idx >= 0 && (uint64_t)st->st_ino < (1ull << 48)) {
		q->path = (uint64_t)idx << 48 | (uint64_t)st->st_ino;
		return 0;
	}
	return p9s_qmap_path(ex, st->st_dev, st->st_ino, &q->path);
}

/** fstat of an O_PATH fd without following it, mapped attributes applied. */
int p9s_stat_fd(struct p9s_session *s, int fd, struct stat *st)
{
	if (fstatat(fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		return -errno;
	}
	if (p9s_mapped(s)) {
		p9s_mapped_stat(fd, st);
	}
	return 0;
}

int p9s_qid_fd(struct p9s_session *s, int fd, struct p9_qid *q)
{
	struct stat st;
	int rc = p9s_stat_fd(s, fd, &st);

	if (rc < 0) {
		return rc;
	}
	return p9s_qid_from_stat(s->s_ex, &st, q);
}

/* ---- small helpers ---- */

/** -EINVAL unless the whole request was read and nothing was short. */
int p9s_in_end(const struct p9_in *in)
{
	return p9_in_done(in) ? 0 : -EINVAL;
}

/**
 * Read a string into buf (cap bytes with its NUL). -EINVAL for a short
 * message or an embedded NUL; too_long (a negative errno) if it does not
 * fit. On error the reader may be left mid-message.
 */
int p9s_in_cstr(struct p9_in *in, char *buf, size_t cap, int too_long)
{
	uint16_t len;
	const char *p = p9_in_str(in, &len);

	buf[0] = '\0';
	if (!p) {
		return -EINVAL;
	}
	if (memchr(p, '\0', len)) {
		return -EINVAL;
	}
	if (len >= cap) {
		return too_long;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

static bool p9s_name_is_valid(const char *name)
{
	return name[0] != '\0' && !strchr(name, '/') &&
	       strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/**
 * Read a name to create, remove or rename into buf (NAME_MAX + 1 bytes):
 * -EINVAL if malformed, empty, ".", ".." or containing '/';
 * -ENAMETOOLONG above NAME_MAX.
 */
int p9s_in_name(struct p9_in *in, char *buf)
{
	int rc = p9s_in_cstr(in, buf, NAME_MAX + 1, -ENAMETOOLONG);

	if (rc < 0) {
		return rc;
	}
	return p9s_name_is_valid(buf) ? 0 : -EINVAL;
}

void p9s_proc_path(char *buf, int fd)
{
	snprintf(buf, P9S_PROC_LEN, "/proc/self/fd/%d", fd);
}

/**
 * openat2() beneath dfd without following any symlink; the new fd or
 * -errno. name must be a single validated component or a relative path.
 */
int p9s_openat_beneath(int dfd, const char *name, int flags, mode_t mode)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_CLOEXEC);
	if (flags & O_CREAT) {
		how.mode = mode;
	}
	how.resolve =
		RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	do {
		fd = syscall(SYS_openat2, dfd, name, &how, sizeof(how));
	} while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? -errno : (int)fd;
}

/** dir + "/" + name (or name if dir is the root ""); NULL on ENOMEM. */
char *p9s_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (!p) {
		return NULL;
	}
	if (dl) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nl + 1);
	return p;
}

/**
 * Open the parent directory of a tracked path (O_PATH, from the root) and
 * point *base at its last component. -EBUSY for the root itself.
 */
int p9s_open_parent(
	struct p9s_session *s, const char *path, int *dfd, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	int fd;

	if (path[0] == '\0') {
		return -EBUSY;
	}
	if (!slash) {
		*base = path;
		parent = strdup(".");
	} else {
		*base = slash + 1;
		parent = strndup(path, (size_t)(slash - path));
	}
	if (!parent) {
		return -ENOMEM;
	}
	fd = p9s_openat_beneath(
		s->s_ex->ex_root_fd, parent, O_PATH | O_DIRECTORY, 0);
	free(parent);
	if (fd < 0) {
		return fd;
	}
	*dfd = fd;
	return 0;
}

int p9s_iounit(const struct p9s_session *s)
{
	return (int)(s->s_msize - P9_IOHDR_SIZE);
}

/**
 * Give a newly created file (O_PATH or open fd) to uid/gid in model none:
 * 0, 1 when the server lacked the right (EPERM: without CAP_CHOWN new
 * files stay the server's), or -errno.
 */
int p9s_set_owner(struct p9s_session *s, int fd, uint32_t uid, uint32_t gid)
{
	(void)s;
	if (fchownat(fd, "", uid == P9_NONUNAME ? (uid_t)-1 : uid,
		    gid == P9_NONUNAME ? (gid_t)-1 : gid, AT_EMPTY_PATH) < 0) {
		return errno == EPERM ? 1 : -errno;
	}
	return 0;
}

/* ---- the fid table ---- */

static size_t p9s_fid_bucket(uint32_t num)
{
	return (num * 2654435761u) >> 22 & (P9S_FID_BUCKETS - 1);
}

struct p9s_fid *p9s_fid_get(struct p9s_session *s, uint32_t num)
{
	struct p9s_fid *f = s->s_fids[p9s_fid_bucket(num)];

	while (f && f->f_num != num) {
		f = f->f_next;
	}
	return f;
}

/** The fid numbered num, or -EBADF. */
int p9s_fid_lookup(struct p9s_session *s, uint32_t num, struct p9s_fid **f)
{
	*f = p9s_fid_get(s, num);
	return *f ? 0 : -EBADF;
}

/** A file fid (not an xattr fid) numbered num: -EBADF or -EINVAL. */
int p9s_fid_file(struct p9s_session *s, uint32_t num, struct p9s_fid **f)
{
	int rc = p9s_fid_lookup(s, num, f);

	if (rc == 0 && (*f)->f_kind != P9S_FID_FILE) {
		rc = -EINVAL;
	}
	return rc;
}

/**
 * Add an empty fid numbered num (no descriptors yet, path NULL):
 * -EBADF if num is in use or P9_NOFID, -EMFILE at P9S_FID_MAX, -ENOMEM.
 */
int p9s_fid_new(struct p9s_session *s, uint32_t num, struct p9s_fid **out)
{
	struct p9s_fid *f;
	size_t b = p9s_fid_bucket(num);

	if (num == P9_NOFID || p9s_fid_get(s, num)) {
		return -EBADF;
	}
	if (s->s_fid_count >= P9S_FID_MAX) {
		return -EMFILE;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		return -ENOMEM;
	}
	f->f_num = num;
	f->f_path_fd = -1;
	f->f_open_fd = -1;
	f->f_next = s->s_fids[b];
	s->s_fids[b] = f;
	s->s_fid_count++;
	*out = f;
	return 0;
}

/** Remove f from the table and release everything it holds. */
void p9s_fid_clunk(struct p9s_session *s, struct p9s_fid *f)
{
	struct p9s_fid **pp = &s->s_fids[p9s_fid_bucket(f->f_num)];

	while (*pp != f) {
		pp = &(*pp)->f_next;
	}
	*pp = f->f_next;
	s->s_fid_count--;
	if (f->f_open_fd >= 0) {
		close(f->f_open_fd);
	}
	if (f->f_path_fd >= 0) {
		close(f->f_path_fd);
	}
	free(f->f_path);
	if (f->f_kind != P9S_FID_FILE) {
		s->s_xattr_bytes -= f->f_xlen;
	}
	free(f->f_xbuf);
	free(f->f_xname);
	free(f);
}

static void p9s_fid_clunk_all(struct p9s_session *s)
{
	size_t b;

	for (b = 0; b < P9S_FID_BUCKETS; b++) {
		while (s->s_fids[b]) {
			p9s_fid_clunk(s, s->s_fids[b]);
		}
	}
}

/**
 * After this session renamed "from" to "to", rewrite the tracked paths of
 * its fids at or below "from". A fid whose new path cannot be allocated
 * keeps its old one (it only matters for "..", Trename and Tremove).
 */
void p9s_rename_paths(struct p9s_session *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), b;
	struct p9s_fid *f;

	for (b = 0; b < P9S_FID_BUCKETS; b++) {
		for (f = s->s_fids[b]; f; f = f->f_next) {
			char *p;
			size_t rest;

			if (!f->f_path || strncmp(f->f_path, from, fl) != 0 ||
				(f->f_path[fl] != '\0' &&
					f->f_path[fl] != '/')) {
				continue;
			}
			rest = strlen(f->f_path + fl);
			p = malloc(tl + rest + 1);
			if (!p) {
				continue;
			}
			memcpy(p, to, tl);
			memcpy(p + tl, f->f_path + fl, rest + 1);
			free(f->f_path);
			f->f_path = p;
		}
	}
}

/* ---- sessions ---- */

struct p9s_session *p9s_session_new(struct p9s_export *ex, uint32_t max_msize)
{
	struct p9s_session *s;

	if (!ex || max_msize < P9_MIN_MSIZE) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	p9s_export_get(ex);
	s->s_ex = ex;
	s->s_max_msize = max_msize;
	s->s_msize = max_msize;
	return s;
}

void p9s_session_free(struct p9s_session *s)
{
	if (!s) {
		return;
	}
	p9s_fid_clunk_all(s);
	p9s_export_put(s->s_ex);
	free(s);
}

uint32_t p9s_session_msize(const struct p9s_session *s)
{
	return s->s_msize;
}

unsigned int p9s_session_fids(const struct p9s_session *s)
{
	return s->s_fid_count;
}

/* ---- fid management messages ---- */

/** Tversion msize[4] version[s]: resets the session, then negotiates. */
static int p9s_version(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t msize = p9_in_u32(in);
	uint16_t vlen;
	const char *v = p9_in_str(in, &vlen);
	int rc = p9s_in_end(in);

	if (rc < 0) {
		return rc;
	}
	p9s_fid_clunk_all(s);
	s->s_versioned = false;
	if (msize > s->s_max_msize) {
		msize = s->s_max_msize;
	}
	if (msize < P9_MIN_MSIZE) {
		return -EINVAL;
	}
	s->s_msize = msize;
	if (vlen != strlen(P9_VERSION_L) ||
		memcmp(v, P9_VERSION_L, vlen) != 0) {
		p9_out_u32(out, msize);
		p9_out_str(out, "unknown");
		return 0;
	}
	s->s_versioned = true;
	p9_out_u32(out, msize);
	p9_out_str(out, P9_VERSION_L);
	return 0;
}

/**
 * Tauth: this server has no authentication. ENOENT, not EOPNOTSUPP, is
 * the answer 9P clients such as diod's libnpclient read as "attach
 * without an afid"; the Linux client never sends Tauth unless asked to.
 */
static int p9s_auth(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	return -ENOENT;
}

/** Tattach fid afid uname aname n_uname: fid becomes the export root. */
static int p9s_attach(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), afid = p9_in_u32(in), uid;
	uint16_t l1, l2;
	struct p9s_fid *f;
	struct p9_qid q;
	int fd, rc;

	p9_in_str(in, &l1); /* uname: n_uname is what counts */
	p9_in_str(in, &l2); /* aname: one export per session */
	uid = p9_in_u32(in);
	rc = p9s_in_end(in);
	if (rc < 0) {
		return rc;
	}
	if (afid != P9_NOFID) {
		return -EOPNOTSUPP;
	}
	if (p9s_fid_get(s, num)) {
		return -EBADF;
	}
	fd = p9s_openat_beneath(
		s->s_ex->ex_root_fd, ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0) {
		return fd;
	}
	rc = p9s_qid_fd(s, fd, &q);
	if (rc == 0) {
		rc = p9s_fid_new(s, num, &f);
	}
	if (rc == 0) {
		f->f_path = strdup("");
		if (!f->f_path) {
			p9s_fid_clunk(s, f);
			rc = -ENOMEM;
		}
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	f->f_kind = P9S_FID_FILE;
	f->f_path_fd = fd;
	f->f_type = S_IFDIR;
	f->f_uid = uid;
	p9_out_qid(out, &q);
	return 0;
}

struct p9s_walk_state {
	int fd;     /* current O_PATH fd (owned unless == the fid's) */
	char *path; /* current tracked path (owned) */
};

/** Take one step of a walk from w by name; -errno leaves w unchanged. */
static int p9s_walk_step(struct p9s_session *s, struct p9s_walk_state *w,
	const char *name, struct p9_qid *q)
{
	char *np;
	int fd, rc;

	if (strcmp(name, "..") == 0) {
		char *slash = strrchr(w->path, '/');

		np = slash ? strndup(w->path, (size_t)(slash - w->path))
			   : strdup("");
		if (!np) {
			return -ENOMEM;
		}
		fd = p9s_openat_beneath(s->s_ex->ex_root_fd, np[0] ? np : ".",
			O_PATH | O_DIRECTORY, 0);
	} else {
		np = p9s_path_join(w->path, name);
		if (!np) {
			return -ENOMEM;
		}
		fd = p9s_openat_beneath(w->fd, name, O_PATH | O_NOFOLLOW, 0);
	}
	if (fd < 0) {
		free(np);
		return fd;
	}
	rc = p9s_qid_fd(s, fd, q);
	if (rc < 0) {
		close(fd);
		free(np);
		return rc;
	}
	w->fd = fd;
	w->path = np;
	return 0;
}

static int p9s_walk_check_names(
	struct p9_in *in, uint16_t count, char names[][NAME_MAX + 1])
{
	uint16_t i;
	int rc;

	for (i = 0; i < count; i++) {
		rc = p9s_in_cstr(in, names[i], NAME_MAX + 1, -ENAMETOOLONG);
		if (rc < 0) {
			return rc;
		}
		if (names[i][0] == '\0' || strchr(names[i], '/') ||
			strcmp(names[i], ".") == 0) {
			return -EINVAL;
		}
	}
	return p9s_in_end(in);
}

/** Attach the result of a walk to newfid (fid itself when equal). */
static int p9s_walk_commit(struct p9s_session *s, struct p9s_fid *f,
	uint32_t newnum, struct p9s_walk_state *w)
{
	struct p9s_fid *nf = f;
	struct stat st;
	int rc;

	if (fstatat(w->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
		return -errno;
	}
	if (newnum != f->f_num) {
		rc = p9s_fid_new(s, newnum, &nf);
		if (rc < 0) {
			return rc;
		}
		nf->f_kind = P9S_FID_FILE;
		nf->f_uid = f->f_uid;
	} else {
		close(nf->f_path_fd);
		free(nf->f_path);
	}
	nf->f_path_fd = w->fd;
	nf->f_path = w->path;
	nf->f_type = st.st_mode & S_IFMT;
	return 0;
}

/** Twalk fid newfid nwname wname*: Rwalk with the qids walked. */
static int p9s_walk(struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	uint32_t num = p9_in_u32(in), newnum = p9_in_u32(in);
	uint16_t count = p9_in_u16(in), i, done = 0;
	char names[P9_MAXWELEM][NAME_MAX + 1];
	struct p9_qid qids[P9_MAXWELEM];
	struct p9s_walk_state w;
	struct p9s_fid *f;
	int rc;

	if (count > P9_MAXWELEM) {
		return -EINVAL;
	}
	rc = p9s_walk_check_names(in, count, names);
	if (rc == 0) {
		rc = p9s_fid_file(s, num, &f);
	}
	if (rc < 0) {
		return rc;
	}
	if (newnum != num && p9s_fid_get(s, newnum)) {
		return -EBADF;
	}
	w.fd = fcntl(f->f_path_fd, F_DUPFD_CLOEXEC, 0);
	w.path = strdup(f->f_path);
	if (w.fd < 0 || !w.path) {
		rc = w.fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	for (i = 0; i < count; i++) {
		struct p9s_walk_state prev = w;

		rc = p9s_walk_step(s, &w, names[i], &qids[i]);
		if (rc < 0) {
			break;
		}
		close(prev.fd);
		free(prev.path);
		done++;
	}
	if (done == count) {
		rc = p9s_walk_commit(s, f, newnum, &w);
		if (rc == 0) {
			w.fd = -1;
			w.path = NULL;
		}
	} else if (done > 0) {
		rc = 0; /* a partial walk: the qids so far, newfid untouched */
	}
	if (rc == 0) {
		p9_out_u16(out, done);
		for (i = 0; i < done; i++) {
			p9_out_qid(out, &qids[i]);
		}
	}
out:
	if (w.fd >= 0) {
		close(w.fd);
	}
	free(w.path);
	return rc;
}

/** Tclunk fid: an xattr-create fid applies its attribute here. */
static int p9s_clunk(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out)
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
	if (f->f_kind == P9S_FID_XATTR_WRITE) {
		rc = p9s_xattr_commit(s, f);
	}
	p9s_fid_clunk(s, f);
	return rc;
}

/** Tflush oldtag: requests run to completion in order, nothing to do. */
static int p9s_flush(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out)
{
	p9_in_u16(in);
	return p9s_in_end(in);
}

/* ---- dispatch ---- */

static size_t p9s_lerror(struct p9_out *out, uint16_t tag, int err)
{
	p9_out_begin(out, P9_RLERROR, tag);
	p9_out_u32(out, (uint32_t)err);
	return p9_out_end(out);
}

static const struct p9s_op *p9s_op_find(uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(p9s_ops) / sizeof(p9s_ops[0]); i++) {
		if (p9s_ops[i].type == type) {
			return &p9s_ops[i];
		}
	}
	return NULL;
}

static int p9s_dispatch(struct p9s_session *s, uint8_t type, struct p9_in *in,
	struct p9_out *out)
{
	const struct p9s_op *op;

	if (type == P9_TVERSION) {
		return p9s_version(s, in, out);
	}
	if (!s->s_versioned) {
		return -EPROTO;
	}
	op = p9s_op_find(type);
	if (!op) {
		return -EOPNOTSUPP;
	}
	if (op->writes && s->s_ex->ex_readonly) {
		return -EROFS;
	}
	return op->fn(s, in, out);
}

size_t p9s_handle(struct p9s_session *s, const uint8_t *req, size_t len,
	uint8_t *outbuf, size_t cap)
{
	struct p9_in in;
	struct p9_out out;
	uint32_t size;
	uint8_t type;
	uint16_t tag;
	size_t n;
	int rc;

	if (cap < P9_HDR_SIZE + 4) {
		return 0;
	}
	if (cap > s->s_msize) {
		cap = s->s_msize;
	}
	p9_out_init(&out, outbuf, cap);
	p9_in_init(&in, req, len);
	size = p9_in_u32(&in);
	type = p9_in_u8(&in);
	tag = p9_in_u16(&in);
	if (in.bad) {
		return p9s_lerror(&out, P9_NOTAG, EPROTO);
	}
	if (size != len) {
		return p9s_lerror(&out, tag, EINVAL);
	}
	p9_out_begin(&out, (uint8_t)(type + 1), tag);
	rc = p9s_dispatch(s, type, &in, &out);
	if (rc < 0) {
		return p9s_lerror(&out, tag, -rc);
	}
	n = p9_out_end(&out);
	if (n == 0) {
		/* cannot happen: every reply is bounded by msize */
		return p9s_lerror(&out, tag, EMSGSIZE);
	}
	return n;
}
