/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An in-process xenstored for unit tests and the fuzz target: the real
 * daemon context (database in a temporary directory, real SQLite, real
 * handlers) with one client connection on a socketpair. Each request is
 * written to the client end, one loop turn is run, and the reply is read
 * back, exactly as the event loop would do it.
 */
#ifndef TESTS_XENSTORED_INPROC_H
#define TESTS_XENSTORED_INPROC_H

#include <stddef.h>
#include <stdint.h>

#include "xenstored.h"

#define INPROC_CLIENTS_MAX 8

struct inproc {
	struct xenstored xs;
	char dir[64];
	int client_fd;
	struct xs_conn *conn;
	int fds[INPROC_CLIENTS_MAX];
	struct xs_conn *conns[INPROC_CLIENTS_MAX];
	int client_count;
	uint32_t next_req_id;
	unsigned int events; /* WATCH_EVENTs seen while waiting */
	char last_event[512];
};

/**
 * Open another client connection speaking for domid and make it the one
 * that inproc_request() uses; returns the previous one's index. Clients
 * are numbered from 0 (the one inproc_start() opens, for dom0).
 */
int inproc_connect(struct inproc *ip, unsigned int domid);
/** Make client idx the one that inproc_request() uses. */
void inproc_use(struct inproc *ip, int idx);

/** Start with extra command-line options (NULL-terminated, may be NULL). */
int inproc_start(struct inproc *ip, const char *const *args);
void inproc_stop(struct inproc *ip);
/** Stop and start again on the same database. */
int inproc_restart(struct inproc *ip, const char *const *args);
/** Run loop turns until nothing is left to do. */
void inproc_run(struct inproc *ip);
/**
 * Send one request and return its reply (type, payload with a NUL added,
 * caller frees). Watch events read meanwhile are counted in ip->events.
 */
int inproc_request(struct inproc *ip, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *reply_type, char **reply,
	size_t *reply_len);
/** Send raw bytes on the client end and run the loop. */
int inproc_send_raw(struct inproc *ip, const void *data, size_t len);
/** Convenience: a string payload including its NUL; returns the reply. */
char *inproc_str(struct inproc *ip, uint32_t type, uint32_t tx_id,
	const char *payload, uint32_t *reply_type);
/** WRITE path=value (value without NUL); returns 0 or the error's -errno. */
int inproc_write(
	struct inproc *ip, uint32_t tx_id, const char *path, const char *value);

#endif
