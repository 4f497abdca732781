/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test helpers for the 9P server unit tests (prefix p9t_): a temporary
 * export under /tmp, an in-process session, and one function per request
 * that builds it with p9_out, runs p9s_handle() and checks that the reply
 * is well formed (size field == length <= msize, same tag, type R or
 * Rlerror). Functions return 0 (or a count) on success and -ecode for an
 * Rlerror; a badly formed reply fails the test at once.
 */
#ifndef TESTS_P9_P9RPC_H
#define TESTS_P9_P9RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "p9server.h"
#include "p9wire.h"

#define P9T_MSIZE 8192u
#define P9T_ROOT 0u /* the attached root fid */

struct p9t {
	char dir[64]; /* the exported directory */
	struct p9s_export *ex;
	struct p9s_session *s;
	uint8_t req[P9T_MSIZE + 64];
	uint8_t rep[P9T_MSIZE];
	struct p9_out out; /* the request being built */
	struct p9_in in;   /* the body of the last reply */
	size_t rep_len;
	uint8_t rep_type;
	uint16_t tag;
};

struct p9t_attr {
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, atime, atime_ns, mtime, mtime_ns;
};

/* A new export (model, readonly) and a versioned session with fid 0
 * attached to its root. Aborts the test on failure. */
void p9t_setup(struct p9t *t, enum p9s_security_model model, bool readonly);
/* Another session on the same export, versioned, root on fid 0. */
struct p9s_session *p9t_session(struct p9t *t);
void p9t_teardown(struct p9t *t);
/* cmocka fixtures: *state = a heap struct p9t set up with that model. */
int p9t_fixture_none(void **state);
int p9t_fixture_mapped(void **state);
int p9t_fixture_readonly(void **state);
int p9t_fixture_teardown(void **state);
/* Path of name inside the export (static buffer). */
const char *p9t_path(struct p9t *t, const char *name);
void p9t_mkfile(struct p9t *t, const char *name, const char *content);

/* Raw requests. */
struct p9_out *p9t_begin(struct p9t *t, uint8_t type);
int p9t_send(struct p9t *t);
int p9t_send_raw(struct p9t *t, const void *req, size_t len);
int p9t_send_on(struct p9t *t, struct p9s_session *s);

int p9t_version(struct p9t *t, uint32_t msize, const char *version,
	uint32_t *rmsize, char *rversion);
int p9t_attach(struct p9t *t, uint32_t fid, uint32_t n_uname, struct p9_qid *q);
/* Walk the '/'-separated components of path ("" clones); *nwqid gets the
 * count of qids replied, last the last of them. */
int p9t_walk(struct p9t *t, uint32_t fid, uint32_t newfid, const char *path,
	uint16_t *nwqid, struct p9_qid *last);
int p9t_clunk(struct p9t *t, uint32_t fid);
int p9t_lopen(struct p9t *t, uint32_t fid, uint32_t flags, struct p9_qid *q);
int p9t_lcreate(struct p9t *t, uint32_t fid, const char *name, uint32_t flags,
	uint32_t mode, struct p9_qid *q);
/* Bytes written, or -ecode. */
int p9t_write(struct p9t *t, uint32_t fid, uint64_t off, const void *data,
	uint32_t len);
/* Bytes read into buf (at most cap), or -ecode. */
int p9t_read(struct p9t *t, uint32_t fid, uint64_t off, uint32_t count,
	void *buf, size_t cap);
int p9t_mkdir(struct p9t *t, uint32_t dfid, const char *name, uint32_t mode,
	struct p9_qid *q);
int p9t_mknod(struct p9t *t, uint32_t dfid, const char *name, uint32_t mode,
	uint32_t major, uint32_t minor, struct p9_qid *q);
int p9t_symlink(struct p9t *t, uint32_t dfid, const char *name,
	const char *target, struct p9_qid *q);
int p9t_readlink(struct p9t *t, uint32_t fid, char *buf, size_t cap);
int p9t_link(struct p9t *t, uint32_t dfid, uint32_t fid, const char *name);
int p9t_rename(struct p9t *t, uint32_t fid, uint32_t dfid, const char *name);
int p9t_renameat(struct p9t *t, uint32_t odfid, const char *oldname,
	uint32_t ndfid, const char *newname);
int p9t_unlinkat(
	struct p9t *t, uint32_t dfid, const char *name, uint32_t flags);
int p9t_remove(struct p9t *t, uint32_t fid);
int p9t_getattr(struct p9t *t, uint32_t fid, struct p9t_attr *a);
int p9t_setattr(struct p9t *t, uint32_t fid, uint32_t valid, uint32_t mode,
	uint32_t uid, uint32_t gid, uint64_t size, uint64_t atime,
	uint64_t mtime);
int p9t_fsync(struct p9t *t, uint32_t fid, uint32_t datasync);
int p9t_statfs(struct p9t *t, uint32_t fid, uint32_t *type, uint32_t *bsize,
	uint32_t *namelen);
/* Status byte, or -ecode. */
int p9t_lock(struct p9t *t, uint32_t fid, uint8_t type, uint32_t flags,
	uint64_t start, uint64_t length);
/* Reply type, or -ecode. */
int p9t_getlock(struct p9t *t, uint32_t fid, uint8_t type, uint64_t start,
	uint64_t length, uint64_t *rstart, uint64_t *rlength);
/* Readdir: bytes of entries; each entry name appended to names as
 * "name\n" (when names is not NULL), *next = offset of the last entry. */
int p9t_readdir(struct p9t *t, uint32_t fid, uint64_t off, uint32_t count,
	char *names, size_t cap, uint64_t *next, int *entries);
/* Set an xattr through a clone (fid stays); size 0 removes. */
int p9t_xattr_set(struct p9t *t, uint32_t fid, const char *name,
	const void *val, size_t len, uint32_t flags);
/* Get a value (name "" lists): length, or -ecode. */
int p9t_xattr_get(
	struct p9t *t, uint32_t fid, const char *name, void *buf, size_t cap);
/* Open fds of this process. */
int p9t_fd_count(void);

#endif /* TESTS_P9_P9RPC_H */
