/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small synchronous 9P2000.L client for tests and benchmarks (prefix
 * p9c_): one request at a time over a transport that moves whole
 * messages. Transports: a Unix stream socket (p9c_unix), and the Xen 9pfs
 * rings of a hosted guest (p9front.h).
 *
 * Calls return 0 (or a count) on success and -errno on failure: the
 * Rlerror's errno, -EPROTO for a reply of the wrong type, tag or shape,
 * or the transport's error.
 */
#ifndef TESTS_P9_P9CLIENT_H
#define TESTS_P9_P9CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "p9wire.h"

struct p9c_transport {
	/* Send one whole message. 0 or -errno. */
	int (*send)(void *ctx, const void *msg, size_t len);
	/* Receive one whole message into buf: its length or -errno. */
	ssize_t (*recv)(void *ctx, void *buf, size_t cap);
	void (*close)(void *ctx);
	void *ctx;
};

struct p9c;

/* A client over t with buffers for messages of up to msize bytes. */
struct p9c *p9c_new(const struct p9c_transport *t, uint32_t msize);
/* Free the client and close its transport. */
void p9c_free(struct p9c *c);

/* A transport on a connected Unix stream socket at path (NULL: errno). */
struct p9c *p9c_unix(const char *path, uint32_t msize);

/* Raw halves of an exchange, for tests that pipeline requests. */
int p9c_send(struct p9c *c, const void *msg, size_t len);
ssize_t p9c_recv(struct p9c *c, void *buf, size_t cap);
/* Raw: send req (len bytes, a complete message), receive the reply. */
ssize_t p9c_rpc(
	struct p9c *c, const void *req, size_t len, void *rep, size_t cap);

/* Tversion 9P2000.L: the negotiated msize (> 0) or -errno. */
int64_t p9c_version(struct p9c *c, uint32_t msize);
uint32_t p9c_msize(const struct p9c *c);
int p9c_attach(
	struct p9c *c, uint32_t fid, uint32_t n_uname, struct p9_qid *qid);
/* Tattach naming the export (servers such as diod want aname). */
int p9c_attach_aname(struct p9c *c, uint32_t fid, const char *aname,
	uint32_t n_uname, struct p9_qid *qid);
/*
 * Walk from fid to newfid along path ('/'-separated names, "" clones).
 * 0 when every name was walked; -ENOENT (or the error) otherwise.
 */
int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path,
	struct p9_qid *qid);
int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid);
int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
	uint32_t mode, uint32_t gid, struct p9_qid *qid);
/* Bytes read/written (at most msize - 11 per call) or -errno. */
ssize_t p9c_read(
	struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t count);
ssize_t p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *buf,
	uint32_t count);
int p9c_clunk(struct p9c *c, uint32_t fid);
int p9c_remove(struct p9c *c, uint32_t fid);
int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	uint32_t gid, struct p9_qid *qid);
int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name,
	const char *target, uint32_t gid);
/* The target into buf (NUL-terminated): its length or -errno. */
int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t cap);
int p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
	uint32_t newdfid, const char *newname);
int p9c_unlinkat(
	struct p9c *c, uint32_t dfid, const char *name, uint32_t flags);
int p9c_fsync(struct p9c *c, uint32_t fid);

struct p9c_attr {
	uint64_t valid;
	struct p9_qid qid;
	uint32_t mode, uid, gid;
	uint64_t nlink, rdev, size, blksize, blocks;
	uint64_t mtime_sec, mtime_nsec;
};
int p9c_getattr(struct p9c *c, uint32_t fid, struct p9c_attr *a);
int p9c_setattr_mode_size(struct p9c *c, uint32_t fid, uint32_t valid,
	uint32_t mode, uint64_t size);

/*
 * Read a whole directory (fid opened) calling fn for every entry; the
 * number of entries or -errno (or fn's negative return).
 */
typedef int (*p9c_dirent_fn)(
	void *arg, const struct p9_qid *qid, uint8_t type, const char *name);
int p9c_readdir_all(struct p9c *c, uint32_t fid, p9c_dirent_fn fn, void *arg);

/* Xattrs: read name (or the list for "") into buf; its size or -errno. */
ssize_t p9c_xattr_get(struct p9c *c, uint32_t fid, uint32_t newfid,
	const char *name, void *buf, size_t cap);
/* Set (size > 0) or remove (NULL, 0) name on fid; fid is clunked. */
int p9c_xattr_set(struct p9c *c, uint32_t fid, const char *name,
	const void *value, size_t size, uint32_t flags);

/* Tlock: the status (P9_LOCK_*) or -errno. */
int p9c_lock(struct p9c *c, uint32_t fid, uint8_t type, uint64_t start,
	uint64_t length, uint32_t proc_id);
/* Tgetlock: 0 with *type the conflicting lock's type (or UNLCK). */
int p9c_getlock(struct p9c *c, uint32_t fid, uint8_t *type, uint64_t start,
	uint64_t length, uint32_t proc_id);

#endif
