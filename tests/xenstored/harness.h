/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integration test harness of xenstored (prefix xst_): runs the real
 * daemon binary ($XENSTORED_BIN) in a private mkdtemp() directory and talks
 * the xenstore wire protocol (docs/misc/xenstore.txt, io/xs_wire.h) to it
 * over its Unix socket, as a black box.
 *
 * Invariants:
 *   1. Every daemon a test starts is killed, and its directory removed, on
 *      every exit path: teardown, a failed assertion (cmocka jumps to the
 *      teardown), exit() (atexit handler), SIGINT/SIGTERM/SIGHUP (signal
 *      handler), and the test process dying (PR_SET_PDEATHSIG in the child).
 *   2. A daemon that died while a test ran fails that test in teardown,
 *      even when every reply looked right: a crash is never a pass.
 *   3. Requests get increasing req_ids starting at 1; the WATCH_EVENTs that
 *      arrive while a reply is awaited are queued on the connection, and
 *      every reply is checked to echo req_id and tx_id and to stay within
 *      XENSTORE_PAYLOAD_MAX.
 *
 * Everything asserts through cmocka, so the helpers are for the test's own
 * thread only (cmocka and the harness are single-threaded).
 *
 * Files in a daemon's directory: sock, db.sqlite (and SQLite's -wal, -shm,
 * -journal), daemon.log (the daemon's stdout and stderr, appended across
 * restarts) and config.json; xst_daemon_file() names others.
 */
#ifndef TESTS_XENSTORED_HARNESS_H
#define TESTS_XENSTORED_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* cmocka.h needs these three first; keep clang-format from sorting them. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "io/xs_wire.h"

/* How long a reply or an expected watch event may take. */
#define XST_TIMEOUT_MS 5000
/* How long the daemon may take to accept connections after exec. */
#define XST_START_TIMEOUT_MS 10000
/* Extra command-line arguments a test may pass to one start. */
#define XST_EXTRA_ARGS_MAX 24
/* Size of the buffers tests build payloads in (over the limit on purpose). */
#define XST_BUF_LEN (2 * XENSTORE_PAYLOAD_MAX)

/*
 * A string literal as a payload: XST_STR("/a") is the path and its NUL,
 * XST_RAW("/a\0v") the bytes without the literal's final NUL.
 */
#define XST_STR(lit) (lit), (uint32_t)sizeof(lit)
#define XST_RAW(lit) (lit), (uint32_t)(sizeof(lit) - 1)

struct xst_conn;

/** One daemon instance and its private directory. */
struct xst_daemon {
	char dir[128];
	char sock[160];
	char db[160];
	char log[160];
	pid_t pid;              /* 0 when not running */
	bool drop_privileges;   /* run as nobody when started by root */
	struct xst_conn *conns; /* open connections, closed on teardown */
};

/** One message as received: header and a heap body with an extra NUL. */
struct xst_msg {
	struct xsd_sockmsg hdr;
	char *body;
};

/** One client connection. */
struct xst_conn {
	struct xst_daemon *daemon;
	int fd;
	uint32_t next_req_id;
	struct xst_msg *events; /* WATCH_EVENTs received, not yet expected */
	unsigned int event_count;
	unsigned int event_cap;
	struct xst_conn *next;
};

/* Daemon life cycle. */

/** A new daemon record with its directory created; not started. */
struct xst_daemon *xst_daemon_new(void);
/** Kill the daemon if it runs, close its connections, remove its files. */
void xst_daemon_free(struct xst_daemon *d);
/**
 * Start the daemon with the standard arguments plus extra (NULL-terminated,
 * may be NULL) and wait until its socket accepts. Fails the test (with the
 * daemon's log) if it exits or does not listen in XST_START_TIMEOUT_MS.
 */
void xst_daemon_start(struct xst_daemon *d, const char *const *extra);
/** xst_daemon_start() with the extra arguments as a NULL-terminated list. */
void xst_daemon_start_args(struct xst_daemon *d, ...);
/**
 * Run the daemon with exactly the given arguments (NULL-terminated, after
 * argv[0]) and wait up to timeout_ms for it to exit. Returns the wait
 * status, or -1 if it was still running (it is then killed).
 */
int xst_daemon_run_to_exit(
	struct xst_daemon *d, const char *const *args, int timeout_ms);
/**
 * Wait up to timeout_ms for the daemon to exit; returns the wait status,
 * or -1 if it is still running.
 */
int xst_daemon_wait_exit(struct xst_daemon *d, int timeout_ms);
/** SIGTERM, wait up to 10 s, and assert a clean exit with status 0. */
void xst_daemon_stop(struct xst_daemon *d);
/** SIGKILL and reap. */
void xst_daemon_kill(struct xst_daemon *d);
/** True if the daemon process is still alive (reaps it if not). */
bool xst_daemon_is_running(struct xst_daemon *d);
/** The daemon's log so far; caller frees. */
char *xst_daemon_log(const struct xst_daemon *d);
/** Path of a file in the daemon's directory, into buf of size len. */
void xst_daemon_file(
	const struct xst_daemon *d, const char *name, char *buf, size_t len);
/** Create (or replace) a file in the daemon's directory. */
void xst_daemon_write_file(const struct xst_daemon *d, const char *name,
	const void *data, size_t len);

/* cmocka fixtures: *state is the struct xst_daemon. */

/** Start a daemon with the standard arguments. */
int xst_setup(void **state);
/** Only create the daemon record; the test starts it. */
int xst_setup_stopped(void **state);
/**
 * Fail if a daemon that was started has died, then stop it with SIGTERM
 * (asserting exit status 0) and remove everything.
 */
int xst_teardown(void **state);

/* Connections and raw messages. */

/** Connect to the daemon's socket (asserts). */
struct xst_conn *xst_connect(struct xst_daemon *d);
/** Close and free; accepts NULL. */
void xst_close(struct xst_conn *c);
/** Send raw bytes; 0 or a negative errno (EPIPE once the daemon closed). */
int xst_send_raw(struct xst_conn *c, const void *data, size_t len);
/** Send a message with the given header fields; asserts it was sent. */
void xst_send_msg(struct xst_conn *c, uint32_t type, uint32_t req_id,
	uint32_t tx_id, const void *payload, uint32_t len);
/** Send with the next req_id of the connection and return that req_id. */
uint32_t xst_send(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len);
/**
 * Receive the next message, whatever it is. Returns 0, -ETIMEDOUT, or
 * -ECONNRESET when the daemon closed the connection.
 */
int xst_recv(struct xst_conn *c, struct xst_msg *m, int timeout_ms);
/** Wait until the daemon closes the connection, discarding messages. */
bool xst_wait_closed(struct xst_conn *c, int timeout_ms);
/** Free a message's body; accepts a zeroed message. */
void xst_msg_fini(struct xst_msg *m);
/**
 * The next message that is not a WATCH_EVENT (those are queued), asserted
 * to be the reply to req_id in transaction tx_id.
 */
void xst_reply(
	struct xst_conn *c, uint32_t req_id, uint32_t tx_id, struct xst_msg *m);

/* Requests with checked replies. */

/** Send and receive; asserts the reply type is type or XS_ERROR. */
void xst_call(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, struct xst_msg *m);
/** Assert the reply is type with payload "OK\0". */
void xst_call_ok(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len);
/** Assert the reply is XS_ERROR with the error name err. */
void xst_call_err(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, const char *err);
/**
 * Assert a reply of type type; returns its payload (extra NUL added) and
 * its length in *len (may be NULL). Caller frees.
 */
char *xst_call_data(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, uint32_t *out_len);
/** The error name of an XS_ERROR reply, or NULL for another type. */
const char *xst_msg_error(const struct xst_msg *m);
/** Assert m is XS_ERROR with the error name err. */
void xst_assert_error(const struct xst_msg *m, const char *err);

/**
 * Join strings into buf, each followed by a NUL; the list ends with NULL.
 * Returns the length. Asserts it fits into len bytes.
 */
uint32_t xst_join(char *buf, size_t len, ...);

/* Store operations; each asserts success unless it says otherwise. */

void xst_write(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *value);
void xst_write_bin(struct xst_conn *c, uint32_t tx_id, const char *path,
	const void *value, uint32_t len);
void xst_mkdir(struct xst_conn *c, uint32_t tx_id, const char *path);
void xst_rm(struct xst_conn *c, uint32_t tx_id, const char *path);
/** READ; returns the value (extra NUL added). Caller frees. */
char *xst_read(
	struct xst_conn *c, uint32_t tx_id, const char *path, uint32_t *len);
/** Assert READ gives exactly the string expected. */
void xst_assert_read(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected);
/** Assert the request with path as its only argument fails with err. */
void xst_assert_path_err(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const char *path, const char *err);
/**
 * Assert DIRECTORY lists exactly the children in expected, a
 * comma-separated list in any order ("" for none).
 */
void xst_assert_dir(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected);
/** Assert GET_PERMS gives expected, comma-separated and in order. */
void xst_assert_perms(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected);
/** SET_PERMS with a comma-separated list ("b0,r5"). */
void xst_set_perms(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *perms);
/** TRANSACTION_START; returns the transaction id (never 0). */
uint32_t xst_txn_start(struct xst_conn *c);
/** TRANSACTION_END; err NULL expects OK, else that error name. */
void xst_txn_end(
	struct xst_conn *c, uint32_t tx_id, bool commit, const char *err);

/* Watches. */

/** WATCH, then expect its initial event (epath = wpath). */
void xst_watch(struct xst_conn *c, const char *path, const char *token);
void xst_unwatch(struct xst_conn *c, const char *path, const char *token);
/**
 * Wait for a WATCH_EVENT (path, token) among the queued and arriving ones
 * and consume it; asserts req_id and tx_id 0 and the payload format.
 */
void xst_expect_event(struct xst_conn *c, const char *path, const char *token);
/**
 * Assert no WATCH_EVENT is pending: a round trip on c first, so an event
 * queued by anything the daemon did before is in, then the queue is empty.
 */
void xst_expect_no_event(struct xst_conn *c);
/** A round trip on c (GET_DOMAIN_PATH 0), queueing events that arrive. */
void xst_barrier(struct xst_conn *c);
/** Drop every queued event. */
void xst_clear_events(struct xst_conn *c);

/** Milliseconds of CLOCK_MONOTONIC. */
int64_t xst_now_ms(void);

#endif /* TESTS_XENSTORED_HARNESS_H */
