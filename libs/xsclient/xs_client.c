/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The store client (prefix xsc_): one synchronous connection to a store
 * daemon's Unix socket, speaking docs/misc/xenstore.txt.
 *
 * Each request gets the next req_id; the call then reads messages until the
 * reply carrying that req_id arrives. WATCH_EVENT messages read meanwhile
 * are queued in arrival order for xsc_read_watch().
 *
 * Invariants:
 *  1. At most one request is outstanding: a reply whose req_id is not the
 *     one awaited is a protocol violation.
 *  2. Every header read from the socket is checked before its payload is
 *     read: a len above XENSTORE_PAYLOAD_MAX breaks the connection.
 *  3. Once broken (short read, oversize or malformed message, unexpected
 *     reply), the connection answers every further call with -EIO; the
 *     stream cannot be resynchronised.
 *  4. Writes and reads loop over partial transfers and EINTR, so a signal
 *     never splits a message.
 *
 * Thread context: none; one thread per connection.
 */
#include "xs_client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "io/xs_wire.h"

/** The conventional socket when neither the caller nor the environment names
 * one. */
#define XSC_DEFAULT_SOCKET "/run/xenstored/socket"
/** DIRECTORY_PART restarts before giving up on a node that keeps changing. */
#define XSC_DIR_PART_RESTART_MAX 16

/** One queued WATCH_EVENT: two NUL-terminated strings in one allocation. */
struct xsc_event {
	TAILQ_ENTRY(xsc_event) ev_entry;
	char *ev_path;
	char *ev_token;
};

struct xsc {
	int xsc_fd;
	uint32_t xsc_req_id; /* last req_id sent */
	bool xsc_broken;
	TAILQ_HEAD(, xsc_event) xsc_events;
};

/** One message read from the socket; payload is a heap buffer plus NUL. */
struct xsc_msg {
	struct xsd_sockmsg hdr;
	char *payload;
};

int xsc_error_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (strcmp(name, xsd_errors[i].errstring) == 0) {
			return -xsd_errors[i].errnum;
		}
	}
	return -EIO;
}

int xsc_open(const char *path, struct xsc **out)
{
	struct sockaddr_un addr;
	struct xsc *xsc;
	int fd;
	int rc;

	if (path == NULL) {
		path = getenv("XENSTORED_PATH");
	}
	if (path == NULL || path[0] == '\0') {
		path = XSC_DEFAULT_SOCKET;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		return -ENAMETOOLONG;
	}
	strcpy(addr.sun_path, path);

	xsc = calloc(1, sizeof(*xsc));
	if (xsc == NULL) {
		return -ENOMEM;
	}
	TAILQ_INIT(&xsc->xsc_events);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	while (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		if (errno != EINTR) {
			rc = -errno;
			close(fd);
			goto fail;
		}
	}
	xsc->xsc_fd = fd;
	*out = xsc;
	return 0;

fail:
	free(xsc);
	return rc;
}

void xsc_close(struct xsc *xsc)
{
	struct xsc_event *ev;

	if (xsc == NULL) {
		return;
	}
	while ((ev = TAILQ_FIRST(&xsc->xsc_events)) != NULL) {
		TAILQ_REMOVE(&xsc->xsc_events, ev, ev_entry);
		free(ev);
	}
	close(xsc->xsc_fd);
	free(xsc);
}

int xsc_fd(const struct xsc *xsc)
{
	return xsc->xsc_fd;
}

/** Mark the connection unusable (invariant 3) and return -EIO. */
static int xsc_break(struct xsc *xsc)
{
	xsc->xsc_broken = true;
	return -EIO;
}

/**
 * Write all of buf, looping over partial writes and EINTR. MSG_NOSIGNAL
 * keeps a closed peer from raising SIGPIPE. Returns 0, or -ECONNRESET /
 * the send error.
 */
static int xsc_write_all(struct xsc *xsc, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = send(xsc->xsc_fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			xsc->xsc_broken = true;
			return errno == EPIPE ? -ECONNRESET : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * Read exactly len bytes, looping over partial reads and EINTR. End of
 * stream gives -ECONNRESET; either failure breaks the connection.
 */
static int xsc_read_all(struct xsc *xsc, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(xsc->xsc_fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			xsc->xsc_broken = true;
			return n == 0 ? -ECONNRESET : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/**
 * Read one message. The header's len is checked (invariant 2) before the
 * payload is read. On success msg->payload is a heap buffer of hdr.len
 * bytes plus a NUL that the caller frees.
 */
static int xsc_read_msg(struct xsc *xsc, struct xsc_msg *msg)
{
	int rc;

	rc = xsc_read_all(xsc, &msg->hdr, sizeof(msg->hdr));
	if (rc < 0) {
		return rc;
	}
	if (msg->hdr.len > XENSTORE_PAYLOAD_MAX) {
		return xsc_break(xsc);
	}
	msg->payload = malloc(msg->hdr.len + 1);
	if (msg->payload == NULL) {
		return xsc_break(xsc);
	}
	rc = xsc_read_all(xsc, msg->payload, msg->hdr.len);
	if (rc < 0) {
		free(msg->payload);
		msg->payload = NULL;
		return rc;
	}
	msg->payload[msg->hdr.len] = '\0';
	return 0;
}

/**
 * Queue a WATCH_EVENT. The payload must hold two NUL-terminated strings
 * (path, token); anything else is malformed and breaks the connection.
 * Takes ownership of msg->payload in every case.
 */
static int xsc_queue_event(struct xsc *xsc, struct xsc_msg *msg)
{
	struct xsc_event *ev;
	size_t path_len, token_len;
	size_t len = msg->hdr.len;
	int rc = 0;

	path_len = strnlen(msg->payload, len);
	if (path_len >= len) {
		rc = xsc_break(xsc);
		goto out;
	}
	token_len = strnlen(msg->payload + path_len + 1, len - path_len - 1);
	if (token_len >= len - path_len - 1) {
		rc = xsc_break(xsc);
		goto out;
	}
	ev = malloc(sizeof(*ev) + path_len + token_len + 2);
	if (ev == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	ev->ev_path = (char *)(ev + 1);
	ev->ev_token = ev->ev_path + path_len + 1;
	memcpy(ev->ev_path, msg->payload, path_len + token_len + 2);
	TAILQ_INSERT_TAIL(&xsc->xsc_events, ev, ev_entry);
out:
	free(msg->payload);
	msg->payload = NULL;
	return rc;
}

int xsc_request(struct xsc *xsc, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *reply_type, char **reply,
	size_t *reply_len)
{
	struct xsd_sockmsg hdr;
	struct xsc_msg msg;
	int rc;

	if (xsc->xsc_broken) {
		return -EIO;
	}
	if (len > XENSTORE_PAYLOAD_MAX) {
		return -E2BIG;
	}
	hdr.type = type;
	hdr.req_id = ++xsc->xsc_req_id;
	hdr.tx_id = tx_id;
	hdr.len = (uint32_t)len;
	rc = xsc_write_all(xsc, &hdr, sizeof(hdr));
	if (rc == 0) {
		rc = xsc_write_all(xsc, payload, len);
	}
	if (rc < 0) {
		return rc;
	}
	for (;;) {
		rc = xsc_read_msg(xsc, &msg);
		if (rc < 0) {
			return rc;
		}
		if (msg.hdr.type != XS_WATCH_EVENT) {
			break;
		}
		rc = xsc_queue_event(xsc, &msg);
		if (rc < 0) {
			return rc;
		}
	}
	if (msg.hdr.req_id != hdr.req_id) {
		free(msg.payload);
		return xsc_break(xsc);
	}
	*reply_type = msg.hdr.type;
	*reply = msg.payload;
	*reply_len = msg.hdr.len;
	return 0;
}

/**
 * Send a request and turn an ERROR reply into its negative errno. A reply
 * of another type than the request's breaks the connection. On success
 * *reply (may be NULL to discard) is the caller's to free.
 */
static int xsc_call(struct xsc *xsc, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, char **reply, size_t *reply_len)
{
	uint32_t reply_type;
	size_t rlen;
	char *buf;
	int rc;

	rc = xsc_request(
		xsc, type, tx_id, payload, len, &reply_type, &buf, &rlen);
	if (rc < 0) {
		return rc;
	}
	if (reply_type == XS_ERROR) {
		rc = xsc_error_from_name(buf);
		free(buf);
		return rc;
	}
	if (reply_type != type) {
		free(buf);
		return xsc_break(xsc);
	}
	if (reply != NULL) {
		*reply = buf;
	} else {
		free(buf);
	}
	if (reply_len != NULL) {
		*reply_len = rlen;
	}
	return 0;
}

/**
 * Join count strings, each followed by its NUL, into a new buffer that
 * the caller frees. -E2BIG when the total exceeds the payload limit.
 */
static int xsc_join(const char *const *strs, unsigned int count, char **out,
	size_t *out_len)
{
	size_t len = 0, n;
	unsigned int i;
	char *buf;

	for (i = 0; i < count; i++) {
		n = strlen(strs[i]) + 1;
		if (n > XENSTORE_PAYLOAD_MAX - len) {
			return -E2BIG;
		}
		len += n;
	}
	buf = malloc(len + 1);
	if (buf == NULL) {
		return -ENOMEM;
	}
	len = 0;
	for (i = 0; i < count; i++) {
		n = strlen(strs[i]) + 1;
		memcpy(buf + len, strs[i], n);
		len += n;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/** Send a request whose payload is the given strings, each NUL-ended. */
static int xsc_call_strings(struct xsc *xsc, uint32_t type, uint32_t tx_id,
	const char *const *strs, unsigned int count, char **reply,
	size_t *reply_len)
{
	size_t len;
	char *buf;
	int rc;

	rc = xsc_join(strs, count, &buf, &len);
	if (rc < 0) {
		return rc;
	}
	rc = xsc_call(xsc, type, tx_id, buf, len, reply, reply_len);
	free(buf);
	return rc;
}

/**
 * Split len bytes of NUL-terminated strings into one allocation: count
 * pointers followed by the strings. An unterminated tail counts as one
 * more string. The caller frees *out with one free().
 */
static int xsc_split(
	const char *buf, size_t len, char ***out, unsigned int *count)
{
	unsigned int n = 0, i;
	char **arr;
	char *strs;
	size_t off;

	for (off = 0; off < len; off++) {
		if (buf[off] == '\0') {
			n++;
		}
	}
	if (len > 0 && buf[len - 1] != '\0') {
		n++;
	}
	arr = malloc((n + 1) * sizeof(char *) + len + 1);
	if (arr == NULL) {
		return -ENOMEM;
	}
	strs = (char *)(arr + n + 1);
	memcpy(strs, buf, len);
	strs[len] = '\0';
	for (i = 0, off = 0; i < n; i++) {
		arr[i] = strs + off;
		off += strlen(strs + off) + 1;
	}
	arr[n] = NULL;
	*out = arr;
	*count = n;
	return 0;
}

int xsc_read(struct xsc *xsc, uint32_t tx_id, const char *path, char **value,
	size_t *len)
{
	return xsc_call_strings(xsc, XS_READ, tx_id, &path, 1, value, len);
}

int xsc_write(struct xsc *xsc, uint32_t tx_id, const char *path,
	const void *value, size_t len)
{
	size_t path_len = strlen(path) + 1;
	char *buf;
	int rc;

	if (len > XENSTORE_PAYLOAD_MAX ||
		path_len > XENSTORE_PAYLOAD_MAX - len) {
		return -E2BIG;
	}
	buf = malloc(path_len + len + 1);
	if (buf == NULL) {
		return -ENOMEM;
	}
	memcpy(buf, path, path_len);
	if (len > 0) {
		memcpy(buf + path_len, value, len);
	}
	rc = xsc_call(xsc, XS_WRITE, tx_id, buf, path_len + len, NULL, NULL);
	free(buf);
	return rc;
}

int xsc_mkdir(struct xsc *xsc, uint32_t tx_id, const char *path)
{
	return xsc_call_strings(xsc, XS_MKDIR, tx_id, &path, 1, NULL, NULL);
}

int xsc_rm(struct xsc *xsc, uint32_t tx_id, const char *path)
{
	return xsc_call_strings(xsc, XS_RM, tx_id, &path, 1, NULL, NULL);
}

/** A string-list request whose reply becomes an array (see xsc_split). */
static int xsc_call_list(struct xsc *xsc, uint32_t type, uint32_t tx_id,
	const char *path, char ***out, unsigned int *count)
{
	size_t len;
	char *buf;
	int rc;

	rc = xsc_call_strings(xsc, type, tx_id, &path, 1, &buf, &len);
	if (rc < 0) {
		return rc;
	}
	rc = xsc_split(buf, len, out, count);
	free(buf);
	return rc;
}

/**
 * Append one DIRECTORY_PART chunk at *off. Sets *gen to the chunk's
 * generation string (first call) or compares with it, giving -EAGAIN on a
 * change. *done becomes true when the chunk ended the list (an empty name).
 */
static int xsc_dir_part(struct xsc *xsc, uint32_t tx_id, const char *path,
	char **all, size_t *off, char *gen, bool *done)
{
	char offstr[24];
	const char *args[2] = {path, offstr};
	size_t len, gen_len, data_len;
	char *buf, *tmp;
	int rc;

	snprintf(offstr, sizeof(offstr), "%zu", *off);
	rc = xsc_call_strings(
		xsc, XS_DIRECTORY_PART, tx_id, args, 2, &buf, &len);
	if (rc < 0) {
		return rc;
	}
	gen_len = strnlen(buf, len);
	if (gen_len >= len || gen_len >= 24) {
		rc = xsc_break(xsc);
		goto out;
	}
	if (gen[0] == '\0') {
		memcpy(gen, buf, gen_len + 1);
	} else if (strcmp(gen, buf) != 0) {
		rc = -EAGAIN;
		goto out;
	}
	data_len = len - gen_len - 1;
	/* The list ends with an empty name: a NUL right after a NUL. */
	if (data_len == 0 || (data_len == 1 && buf[gen_len + 1] == '\0') ||
		(data_len >= 2 && buf[len - 1] == '\0' &&
			buf[len - 2] == '\0')) {
		*done = true;
		data_len = data_len > 0 ? data_len - 1 : 0;
	}
	tmp = realloc(*all, *off + data_len + 1);
	if (tmp == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	*all = tmp;
	memcpy(*all + *off, buf + gen_len + 1, data_len);
	*off += data_len;
out:
	free(buf);
	return rc;
}

/** The DIRECTORY_PART loop, restarted when the generation changes. */
static int xsc_directory_part(struct xsc *xsc, uint32_t tx_id, const char *path,
	char ***names, unsigned int *count)
{
	unsigned int attempt;
	char *all = NULL;
	char gen[24];
	size_t off;
	bool done;
	int rc = -EAGAIN;

	for (attempt = 0; attempt < XSC_DIR_PART_RESTART_MAX && rc == -EAGAIN;
		attempt++) {
		gen[0] = '\0';
		off = 0;
		done = false;
		do {
			rc = xsc_dir_part(
				xsc, tx_id, path, &all, &off, gen, &done);
		} while (rc == 0 && !done);
	}
	if (rc == 0) {
		rc = xsc_split(all, off, names, count);
	}
	free(all);
	return rc;
}

int xsc_directory(struct xsc *xsc, uint32_t tx_id, const char *path,
	char ***names, unsigned int *count)
{
	int rc;

	rc = xsc_call_list(xsc, XS_DIRECTORY, tx_id, path, names, count);
	if (rc == -E2BIG) {
		rc = xsc_directory_part(xsc, tx_id, path, names, count);
	}
	return rc;
}

int xsc_get_perms(struct xsc *xsc, uint32_t tx_id, const char *path,
	char ***perms, unsigned int *count)
{
	return xsc_call_list(xsc, XS_GET_PERMS, tx_id, path, perms, count);
}

int xsc_set_perms(struct xsc *xsc, uint32_t tx_id, const char *path,
	const char *const *perms, unsigned int count)
{
	const char **args;
	int rc;

	args = calloc(count + 1, sizeof(*args));
	if (args == NULL) {
		return -ENOMEM;
	}
	args[0] = path;
	memcpy(args + 1, perms, count * sizeof(*args));
	rc = xsc_call_strings(
		xsc, XS_SET_PERMS, tx_id, args, count + 1, NULL, NULL);
	free(args);
	return rc;
}

int xsc_watch(struct xsc *xsc, const char *path, const char *token)
{
	const char *args[2] = {path, token};

	return xsc_call_strings(xsc, XS_WATCH, 0, args, 2, NULL, NULL);
}

int xsc_watch_depth(struct xsc *xsc, const char *path, const char *token,
	unsigned int depth)
{
	char depthstr[16];
	const char *args[3] = {path, token, depthstr};

	snprintf(depthstr, sizeof(depthstr), "%u", depth);
	return xsc_call_strings(xsc, XS_WATCH, 0, args, 3, NULL, NULL);
}

int xsc_unwatch(struct xsc *xsc, const char *path, const char *token)
{
	const char *args[2] = {path, token};

	return xsc_call_strings(xsc, XS_UNWATCH, 0, args, 2, NULL, NULL);
}

/** Milliseconds on the monotonic clock. */
static int64_t xsc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * Wait until the socket is readable, at most timeout_ms (< 0: forever),
 * restarting after EINTR with the time left. -ETIMEDOUT when it is not.
 */
static int xsc_wait_readable(struct xsc *xsc, int timeout_ms)
{
	struct pollfd pfd = {.fd = xsc->xsc_fd, .events = POLLIN};
	int64_t deadline = xsc_now_ms() + timeout_ms;
	int64_t left = timeout_ms;
	int n;

	for (;;) {
		n = poll(&pfd, 1, timeout_ms < 0 ? -1 : (int)left);
		if (n > 0) {
			return 0;
		}
		if (n == 0) {
			return -ETIMEDOUT;
		}
		if (errno != EINTR) {
			return -errno;
		}
		if (timeout_ms >= 0) {
			left = deadline - xsc_now_ms();
			if (left < 0) {
				left = 0;
			}
		}
	}
}

/** Hand out the first queued event as two heap strings. */
static int xsc_pop_event(struct xsc *xsc, char **path, char **token)
{
	struct xsc_event *ev = TAILQ_FIRST(&xsc->xsc_events);
	char *p, *t;

	p = strdup(ev->ev_path);
	t = strdup(ev->ev_token);
	if (p == NULL || t == NULL) {
		free(p);
		free(t);
		return -ENOMEM;
	}
	TAILQ_REMOVE(&xsc->xsc_events, ev, ev_entry);
	free(ev);
	*path = p;
	*token = t;
	return 0;
}

int xsc_read_watch(struct xsc *xsc, int timeout_ms, char **path, char **token)
{
	struct xsc_msg msg;
	int rc;

	while (TAILQ_EMPTY(&xsc->xsc_events)) {
		if (xsc->xsc_broken) {
			return -EIO;
		}
		rc = xsc_wait_readable(xsc, timeout_ms);
		if (rc < 0) {
			return rc;
		}
		rc = xsc_read_msg(xsc, &msg);
		if (rc < 0) {
			return rc;
		}
		if (msg.hdr.type != XS_WATCH_EVENT) {
			/* A reply while no request is outstanding (invariant
			 * 1). */
			free(msg.payload);
			return xsc_break(xsc);
		}
		rc = xsc_queue_event(xsc, &msg);
		if (rc < 0) {
			return rc;
		}
	}
	return xsc_pop_event(xsc, path, token);
}

int xsc_transaction_start(struct xsc *xsc, uint32_t *tx_id)
{
	const char *empty = "";
	unsigned long id;
	char *reply, *end;
	int rc;

	rc = xsc_call_strings(
		xsc, XS_TRANSACTION_START, 0, &empty, 1, &reply, NULL);
	if (rc < 0) {
		return rc;
	}
	errno = 0;
	id = strtoul(reply, &end, 10);
	if (errno != 0 || end == reply || *end != '\0' || id > UINT32_MAX) {
		rc = xsc_break(xsc);
	} else {
		*tx_id = (uint32_t)id;
	}
	free(reply);
	return rc;
}

int xsc_transaction_end(struct xsc *xsc, uint32_t tx_id, bool commit)
{
	const char *arg = commit ? "T" : "F";

	return xsc_call_strings(
		xsc, XS_TRANSACTION_END, tx_id, &arg, 1, NULL, NULL);
}

int xsc_control(struct xsc *xsc, const char *const *argv, unsigned int argc,
	char **out, size_t *len)
{
	return xsc_call_strings(xsc, XS_CONTROL, 0, argv, argc, out, len);
}
