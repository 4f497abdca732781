/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A store client (prefix xsc_): speaks the xenstore wire protocol
 * (docs/misc/xenstore.txt) to a store daemon over its Unix socket.
 *
 * One struct xsc is one connection. Calls are synchronous: a request is
 * sent and the call returns when the reply with the same req_id arrives.
 * WATCH_EVENT messages that arrive meanwhile are queued and handed out by
 * xsc_read_watch(). Not thread-safe: one thread per connection.
 *
 * Errors: every function that can fail returns 0 or a negative errno. An
 * ERROR reply from the store becomes the negative errno its name denotes
 * ("ENOENT" gives -ENOENT); a broken connection gives -EIO or -ECONNRESET.
 * Strings returned through out parameters are NUL-terminated heap copies
 * that the caller frees with free(); arrays of strings are one allocation
 * (pointers followed by the strings) freed with a single free().
 */
#ifndef LIBS_XS_CLIENT_H
#define LIBS_XS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xsc;

/**
 * Connect to the store. path NULL means $XENSTORED_PATH, or else the
 * conventional /run/xenstored/socket. On success *out is a new connection
 * that the caller closes with xsc_close().
 */
int xsc_open(const char *path, struct xsc **out);
/** Close and free; accepts NULL. */
void xsc_close(struct xsc *xsc);
/** The socket, for poll(); readable means a reply or event may be there. */
int xsc_fd(const struct xsc *xsc);

/**
 * Send one raw request and wait for its reply. The payload is sent as
 * given (callers add the NULs the message type needs). On success
 * *reply_type is the reply's type (XS_ERROR included: then the result is
 * still 0 and the payload holds the error name), *reply a heap buffer
 * with one extra NUL byte after *reply_len bytes.
 */
int xsc_request(struct xsc *xsc, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *reply_type, char **reply,
	size_t *reply_len);

/** READ: *value (NUL added) and *len, the value's length. */
int xsc_read(struct xsc *xsc, uint32_t tx_id, const char *path, char **value,
	size_t *len);
int xsc_write(struct xsc *xsc, uint32_t tx_id, const char *path,
	const void *value, size_t len);
int xsc_mkdir(struct xsc *xsc, uint32_t tx_id, const char *path);
int xsc_rm(struct xsc *xsc, uint32_t tx_id, const char *path);
/**
 * Children of path, as leaf names, in the store's order. Uses DIRECTORY
 * and, when the list does not fit in one payload (E2BIG), DIRECTORY_PART
 * chunks checked against the generation count (restarting on change).
 */
int xsc_directory(struct xsc *xsc, uint32_t tx_id, const char *path,
	char ***names, unsigned int *count);
/** GET_PERMS: strings such as "b0", "r3". */
int xsc_get_perms(struct xsc *xsc, uint32_t tx_id, const char *path,
	char ***perms, unsigned int *count);
int xsc_set_perms(struct xsc *xsc, uint32_t tx_id, const char *path,
	const char *const *perms, unsigned int count);

int xsc_watch(struct xsc *xsc, const char *path, const char *token);
/** WATCH with a depth (needs XENSTORE_SERVER_FEATURE_WATCHDEPTH). */
int xsc_watch_depth(struct xsc *xsc, const char *path, const char *token,
	unsigned int depth);
int xsc_unwatch(struct xsc *xsc, const char *path, const char *token);
/**
 * Next queued or arriving WATCH_EVENT. timeout_ms < 0 waits forever;
 * -ETIMEDOUT when none arrived in time.
 */
int xsc_read_watch(struct xsc *xsc, int timeout_ms, char **path,
	char **token);

int xsc_transaction_start(struct xsc *xsc, uint32_t *tx_id);
/** commit false aborts; a conflicting commit gives -EAGAIN. */
int xsc_transaction_end(struct xsc *xsc, uint32_t tx_id, bool commit);

/** CONTROL with argv strings; *out is the reply text. */
int xsc_control(struct xsc *xsc, const char *const *argv, unsigned int argc,
	char **out, size_t *len);

/** Map a wire error name ("EACCES") to a negative errno; -EIO if unknown. */
int xsc_error_from_name(const char *name);

#endif /* LIBS_XS_CLIENT_H */
