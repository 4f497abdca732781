/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private declarations of the 9P2000.L server (p9server.h), shared by its
 * source files:
 *   p9server.c  exports, sessions, the fid table, dispatch, Tversion,
 *               Tattach, Twalk, Tclunk, Tflush, qids and name checks;
 *   p9s_file.c  Tlopen, Tlcreate, Tread, Twrite, Treaddir, Tfsync, Tlock,
 *               Tgetlock, Tstatfs, Tgetattr, Tsetattr, Treadlink;
 *   p9s_dir.c   Tmkdir, Tmknod, Tsymlink, Tlink, Trename, Trenameat,
 *               Tunlinkat, Tremove;
 *   p9s_xattr.c Txattrwalk, Txattrcreate and the mapped-xattr model.
 *
 * Invariants:
 *  1. Every fid of kind P9S_FID_FILE or P9S_FID_XATTR_WRITE holds an
 *     O_PATH descriptor (path_fd) of a file beneath the export root and
 *     the file's path relative to the root ("" for the root itself),
 *     updated when this session renames the file or one of its parents.
 *  2. open_fd is -1 unless the fid was opened by Tlopen/Tlcreate.
 *  3. A session never holds more than P9S_FID_MAX fids.
 *  4. Handlers parse the whole request and check it with p9s_in_end()
 *     before changing anything.
 *
 * Thread context: one thread per export (sessions and exports are not
 * locked; the qid map of an export is shared by its sessions).
 */
#ifndef P9BACKEND_P9S_PRIV_H
#define P9BACKEND_P9S_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "p9server.h"
#include "p9wire.h"

#define P9S_FID_MAX 16384u
#define P9S_FID_BUCKETS 1024u
/* Largest xattr value a guest may create (Linux's XATTR_SIZE_MAX). */
#define P9S_XATTR_SIZE_MAX 65536u
/* Bytes of xattr values all fids of a session may hold (ENOMEM beyond). */
#define P9S_XATTR_BYTES_MAX (16u << 20)
/* Longest path accepted for symlink targets (PATH_MAX with its NUL). */
#define P9S_TARGET_MAX 4095u
/* A buffer for "/proc/self/fd/<n>" and a component after it. */
#define P9S_PROC_LEN 32

/* The QEMU mapped-xattr names. */
#define P9S_VIRTFS_PREFIX "user.virtfs."
#define P9S_VIRTFS_UID "user.virtfs.uid"
#define P9S_VIRTFS_GID "user.virtfs.gid"
#define P9S_VIRTFS_MODE "user.virtfs.mode"
#define P9S_VIRTFS_RDEV "user.virtfs.rdev"

/* (st_dev, st_ino) pairs that do not fit the 48-bit inode scheme. */
struct p9s_qmap_entry {
	dev_t dev;
	ino_t ino;
	uint64_t path; /* 0 marks a free slot */
};

struct p9s_export {
	int ex_refs;
	int ex_root_fd; /* O_PATH|O_DIRECTORY */
	enum p9s_security_model ex_model;
	bool ex_readonly;
	dev_t *ex_devs; /* device index = position in this array */
	unsigned int ex_dev_count;
	struct p9s_qmap_entry *ex_qmap;
	size_t ex_qmap_cap; /* power of two, or 0 */
	size_t ex_qmap_count;
	uint64_t ex_qmap_next;
};

enum p9s_fid_kind {
	P9S_FID_FILE,
	P9S_FID_XATTR_READ,
	P9S_FID_XATTR_WRITE,
};

struct p9s_fid {
	struct p9s_fid *f_next; /* hash chain */
	uint32_t f_num;
	enum p9s_fid_kind f_kind;
	int f_path_fd;      /* O_PATH, or -1 for P9S_FID_XATTR_READ */
	char *f_path;       /* relative to the root, "" for the root */
	mode_t f_type;      /* S_IFMT bits of the file on disk */
	uint32_t f_uid;     /* the attach's n_uname */
	int f_open_fd;      /* -1 unless opened */
	int f_open_flags;   /* host O_* flags of f_open_fd */
	uint64_t f_dir_pos; /* readdir: where f_open_fd's stream is */
	/* xattr fids: the value read, or the value being written */
	uint8_t *f_xbuf;
	size_t f_xlen;    /* bytes in f_xbuf (read), declared size (write) */
	size_t f_xfilled; /* write: highest byte written */
	char *f_xname;    /* write: the attribute's name */
	int f_xflags;     /* write: XATTR_CREATE/XATTR_REPLACE */
};

struct p9s_session {
	struct p9s_export *s_ex;
	uint32_t s_max_msize;
	uint32_t s_msize;
	bool s_versioned;
	unsigned int s_fid_count;
	size_t s_xattr_bytes; /* sum of f_xlen over the xattr fids */
	struct p9s_fid *s_fids[P9S_FID_BUCKETS];
};

/* A request handler: parses in, writes the reply body to out. */
typedef int (*p9s_handler_fn)(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);

/* p9server.c */
int p9s_in_end(const struct p9_in *in);
int p9s_in_name(struct p9_in *in, char *buf);
int p9s_in_cstr(struct p9_in *in, char *buf, size_t cap, int too_long);
struct p9s_fid *p9s_fid_get(struct p9s_session *s, uint32_t num);
int p9s_fid_lookup(struct p9s_session *s, uint32_t num, struct p9s_fid **f);
int p9s_fid_new(struct p9s_session *s, uint32_t num, struct p9s_fid **f);
void p9s_fid_clunk(struct p9s_session *s, struct p9s_fid *f);
int p9s_fid_file(struct p9s_session *s, uint32_t num, struct p9s_fid **f);
char *p9s_path_join(const char *dir, const char *name);
int p9s_open_parent(
	struct p9s_session *s, const char *path, int *dfd, const char **base);
int p9s_openat_beneath(int dfd, const char *name, int flags, mode_t mode);
void p9s_proc_path(char *buf, int fd);
int p9s_qid_from_stat(
	struct p9s_export *ex, const struct stat *st, struct p9_qid *q);
int p9s_stat_fd(struct p9s_session *s, int fd, struct stat *st);
int p9s_qid_fd(struct p9s_session *s, int fd, struct p9_qid *q);
void p9s_rename_paths(struct p9s_session *s, const char *from, const char *to);
int p9s_set_owner(struct p9s_session *s, int fd, uint32_t uid, uint32_t gid);
int p9s_iounit(const struct p9s_session *s);

/* p9s_file.c */
int p9s_lopen(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_lcreate(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_read(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_write(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_readdir(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_fsync(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_lock(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_getlock(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_statfs(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_getattr(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_setattr(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_readlink(struct p9s_session *s, struct p9_in *in, struct p9_out *out);

/* p9s_dir.c */
int p9s_mkdir(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_mknod(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_symlink(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_link(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_rename(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_renameat(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_unlinkat(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_remove(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_finish_create(struct p9s_session *s, int fd, uint32_t uid, uint32_t gid,
	mode_t mode, dev_t rdev);

/* p9s_xattr.c */
int p9s_xattrwalk(struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_xattrcreate(
	struct p9s_session *s, struct p9_in *in, struct p9_out *out);
int p9s_xattr_commit(struct p9s_session *s, struct p9s_fid *f);
bool p9s_mapped(const struct p9s_session *s);
void p9s_mapped_stat(int fd, struct stat *st);
int p9s_mapped_set(int fd, uint32_t uid, uint32_t gid, mode_t mode, dev_t rdev);
int p9s_mapped_mode(int fd, mode_t *mode);

#endif /* P9BACKEND_P9S_PRIV_H */
