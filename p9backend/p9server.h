/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 9P2000.L file server (prefix p9s_), independent of any transport.
 *
 * An export is one directory of Dom0 shared with a guest, with its
 * security model and read-only flag. A session is one 9P connection to
 * an export (a socket client or one Xen 9pfs device): its negotiated
 * msize and its fid table. The same export may serve many sessions.
 *
 * Requests are handled one at a time, to completion, in the order the
 * transport hands them over: a request in, exactly one reply out. A reply
 * is never larger than the session's msize. Errors are Rlerror with a
 * Linux errno value.
 *
 * Confinement: every path a request names is resolved beneath the export
 * root (openat2 with RESOLVE_BENEATH and no symlink following for walks),
 * so "..", absolute or relative symlinks and races with Dom0 renames can
 * never reach outside it.
 */
#ifndef P9BACKEND_P9SERVER_H
#define P9BACKEND_P9SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum p9s_security_model {
	/*
	 * "none" (also accepted as "passthrough"): the guest's uids, gids
	 * and modes are applied to the files as they are (needs
	 * CAP_CHOWN/CAP_FOWNER/CAP_MKNOD to be fully effective; without them
	 * ownership changes fail with EPERM).
	 */
	P9S_SECURITY_NONE = 0,
	/*
	 * "mapped-xattr": files are created owned by the server with modes
	 * 0600/0700; the guest's uid, gid, mode and rdev live in the xattrs
	 * user.virtfs.uid/gid/mode/rdev; device nodes, fifos and sockets are
	 * regular files and symlinks are regular files holding the target.
	 * Guests cannot see or set user.virtfs.* themselves.
	 */
	P9S_SECURITY_MAPPED_XATTR = 1,
};

/* "none", "passthrough" or "mapped-xattr" (also "mapped"): 0 or -EINVAL. */
int p9s_security_model_parse(const char *s, enum p9s_security_model *m);
const char *p9s_security_model_name(enum p9s_security_model m);

struct p9s_export_config {
	const char *path; /* absolute path of the exported directory */
	enum p9s_security_model model;
	bool readonly; /* every modifying request fails with EROFS */
};

struct p9s_export;
struct p9s_session;

/*
 * Open the export root. NULL with errno (ENOTDIR, ENOENT, EINVAL for a
 * relative path, ...).
 */
struct p9s_export *p9s_export_open(const struct p9s_export_config *cfg);
/* Drop the caller's reference; sessions hold their own. Accepts NULL. */
void p9s_export_put(struct p9s_export *ex);

/*
 * A new session on ex; max_msize bounds the msize a Tversion may
 * negotiate (the transport's largest message, at least P9_MIN_MSIZE).
 * Until Tversion, only Tversion is accepted.
 */
struct p9s_session *p9s_session_new(struct p9s_export *ex, uint32_t max_msize);
/* Clunk every fid (releasing locks) and free. Accepts NULL. */
void p9s_session_free(struct p9s_session *s);
/* The negotiated msize (max_msize before Tversion). */
uint32_t p9s_session_msize(const struct p9s_session *s);
/* Open fids (for reports and leak tests). */
unsigned int p9s_session_fids(const struct p9s_session *s);

/*
 * Handle one request of len bytes (its size field must equal len; the
 * transport checks that before calling). Writes the reply to out, whose
 * capacity must be at least the session's msize, and returns its length
 * (always at least P9_HDR_SIZE: a malformed request gets an Rlerror with
 * EINVAL, or EPROTO if even its header is unreadable, under the request's
 * tag).
 */
size_t p9s_handle(struct p9s_session *s, const uint8_t *req, size_t len,
	uint8_t *out, size_t cap);

#endif /* P9BACKEND_P9SERVER_H */
