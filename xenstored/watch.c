/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements watches (docs/misc/xenstore.txt, "Watches"):
 * WATCH/UNWATCH bookkeeping and the matching of changed paths to
 * watches, which queues WATCH_EVENT messages on the watching connections
 * (delivered after the turn's commit, see conn.c).
 *
 * Watches are indexed by their absolute path, so an event on path P
 * costs one hash lookup per level of P: P itself, its parent, ..., "/".
 * Removing a subtree also walks the list of all watches to find those set
 * below the removed node (their event path is the watch's own path).
 *
 * Invariants:
 *   1. Every watch is on exactly three lists: its connection's, its
 *      index bucket's and the daemon's.
 *   2. dom->watch_count counts the watches of that domain's connections.
 *   3. An event reaches a connection only if it may read the node (as it
 *      is after the change, or was before a removal); the privileged
 *      domain sees all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

int xs_watch_index_init(struct xenstored *xs)
{
	TAILQ_INIT(&xs->watches);
	xs->watch_index = xs_hash_new();
	return xs->watch_index ? 0 : -ENOMEM;
}

void xs_watch_index_fini(struct xenstored *xs)
{
	xs_hash_free(xs->watch_index);
	xs->watch_index = NULL;
}

static void xs_watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->abspath);
	free(w->token);
	free(w);
}

static void xs_watch_unlink(struct xenstored *xs, struct xs_watch *w)
{
	struct xs_watch_list *bucket = xs_hash_get(xs->watch_index, w->abspath);

	TAILQ_REMOVE(&w->conn->watches, w, conn_link);
	TAILQ_REMOVE(&xs->watches, w, all_link);
	if (bucket) {
		TAILQ_REMOVE(bucket, w, path_link);
		if (TAILQ_EMPTY(bucket)) {
			xs_hash_remove(xs->watch_index, w->abspath);
			free(bucket);
		}
	}
	w->conn->domain->watch_count--;
	xs->watch_total--;
	xs_watch_free(w);
}

/** Queue one WATCH_EVENT "<epath>\0<token>\0" on the watch's connection. */
static void xs_watch_send(struct xs_watch *w, const char *epath, uint64_t seq)
{
	size_t plen = strlen(epath) + 1, tlen = strlen(w->token) + 1;
	char *buf;

	if (plen + tlen > XENSTORE_PAYLOAD_MAX) {
		/* A long token and a deep path: the event cannot be sent. */
		log_debug("conn %u: watch event of %zu bytes dropped",
			w->conn->id, plen + tlen);
		w->conn->xs->stats.watch_events_dropped++;
		return;
	}
	buf = malloc(plen + tlen);
	if (!buf) {
		log_warn("conn %u: no memory for a watch event", w->conn->id);
		return;
	}
	memcpy(buf, epath, plen);
	memcpy(buf + plen, w->token, tlen);
	xs_conn_queue_msg(
		w->conn, XS_WATCH_EVENT, 0, 0, buf, plen + tlen, seq, true);
	w->conn->xs->stats.watch_events++;
	free(buf);
}

/** The event path as the watch's owner named it (relative or not). */
static const char *xs_watch_epath(const struct xs_watch *w, const char *path)
{
	size_t base;

	if (w->path[0] == '/' || w->path[0] == '@') {
		return path;
	}
	/* abspath = "<base>/<w->path>", so the base is known. */
	base = strlen(w->abspath) - strlen(w->path);
	if (strlen(path) <= base) {
		return path;
	}
	return path + base;
}

/**
 * Resolve path for conn and find its watch (path, token). On success
 * *abspath is the resolved path (caller frees) and *found the watch or
 * NULL. Errors: those of xs_path_resolve().
 */
static int xs_watch_lookup(struct xs_conn *conn, const char *path,
	const char *token, char **abspath, struct xs_watch **found)
{
	struct xs_watch *w;
	int ret = xs_path_resolve(conn, path, true, abspath);

	*found = NULL;
	if (ret < 0) {
		return ret;
	}
	TAILQ_FOREACH(w, &conn->watches, conn_link) {
		if (strcmp(w->abspath, *abspath) == 0 &&
			strcmp(w->token, token) == 0) {
			*found = w;
			break;
		}
	}
	return 0;
}

/**
 * WATCH: add a watch for conn. path is as the client sent it; depth -1
 * means unlimited. Replies OK and queues the initial event.
 * Errors: -EINVAL (bad path), -EEXIST (same path and token), -E2BIG
 * (the domain's "watches" quota), -ENOMEM.
 */
int xs_watch_add(struct xs_conn *conn, const char *path, const char *token,
	int depth, uint64_t seq)
{
	struct xenstored *xs = conn->xs;
	struct xs_watch_list *bucket;
	struct xs_watch *w;
	char *abspath;
	int ret;

	ret = xs_watch_lookup(conn, path, token, &abspath, &w);
	if (ret < 0) {
		return ret;
	}
	if (w) {
		free(abspath);
		return -EEXIST;
	}
	if (xs_domain_quota_exceeded(xs, conn->domain, XS_Q_WATCHES,
		    conn->domain->watch_count + 1)) {
		free(abspath);
		return -E2BIG;
	}
	w = calloc(1, sizeof(*w));
	bucket = xs_hash_get(xs->watch_index, abspath);
	if (w && !bucket) {
		bucket = calloc(1, sizeof(*bucket));
		if (bucket) {
			TAILQ_INIT(bucket);
		}
		if (bucket && xs_hash_put(xs->watch_index, abspath, bucket)) {
			free(bucket);
			bucket = NULL;
		}
	}
	if (!w || !bucket || !(w->path = strdup(path)) ||
		!(w->token = strdup(token))) {
		if (w) {
			free(w->path);
		}
		free(w);
		free(abspath);
		return -ENOMEM;
	}
	w->abspath = abspath;
	w->conn = conn;
	w->depth = depth;
	TAILQ_INSERT_TAIL(&conn->watches, w, conn_link);
	TAILQ_INSERT_TAIL(bucket, w, path_link);
	TAILQ_INSERT_TAIL(&xs->watches, w, all_link);
	conn->domain->watch_count++;
	xs->watch_total++;
	conn->watches_dirty = true;
	return 0;
}

/** Queue the initial event of the watch just added as (path, token). */
void xs_watch_initial_event(
	struct xs_conn *conn, const char *path, const char *token, uint64_t seq)
{
	struct xs_watch *w;

	TAILQ_FOREACH_REVERSE(w, &conn->watches, xs_watch_list, conn_link)
	{
		if (strcmp(w->path, path) == 0 &&
			strcmp(w->token, token) == 0) {
			xs_watch_send(w, w->path, seq);
			return;
		}
	}
}

/** UNWATCH. Errors: -EINVAL (bad path), -ENOENT (no such watch). */
int xs_watch_remove(struct xs_conn *conn, const char *path, const char *token)
{
	struct xs_watch *w;
	char *abspath;
	int ret;

	ret = xs_watch_lookup(conn, path, token, &abspath, &w);
	if (ret < 0) {
		return ret;
	}
	free(abspath);
	if (!w) {
		return -ENOENT;
	}
	xs_watch_unlink(conn->xs, w);
	conn->watches_dirty = true;
	return 0;
}

void xs_watch_remove_all(struct xs_conn *conn)
{
	struct xs_watch *w;

	while ((w = TAILQ_FIRST(&conn->watches))) {
		xs_watch_unlink(conn->xs, w);
	}
}

static bool xs_watch_may_see(const struct xs_watch *w,
	const struct xs_perm *perms, unsigned int count)
{
	if (xs_conn_is_privileged(w->conn)) {
		return true;
	}
	if (!perms || count == 0) {
		return false;
	}
	return (xs_perms_access(w->conn, perms, count) & XS_PERM_READ) != 0;
}

/** Fire the watches set on prefix for an event on path. */
static void xs_watch_fire_bucket(struct xenstored *xs, const char *prefix,
	const char *path, const struct xs_perm *perms, unsigned int count,
	uint64_t seq)
{
	struct xs_watch_list *bucket = xs_hash_get(xs->watch_index, prefix);
	unsigned int depth;
	struct xs_watch *w;

	if (!bucket) {
		return;
	}
	depth = xs_path_depth_below(path, prefix);
	TAILQ_FOREACH(w, bucket, path_link) {
		if (w->depth >= 0 && depth > (unsigned int)w->depth) {
			continue;
		}
		if (xs_watch_may_see(w, perms, count)) {
			xs_watch_send(w, xs_watch_epath(w, path), seq);
		}
	}
}

/**
 * A change of path (creation, value or permission change): fire every
 * watch set on path or one of its ancestors.
 */
void xs_watch_fire(struct xenstored *xs, const char *path,
	const struct xs_perm *perms, unsigned int perm_count, uint64_t seq)
{
	char *prefix = strdup(path);
	char *slash;

	if (!prefix) {
		log_warn("no memory to fire watches on %s", path);
		return;
	}
	for (;;) {
		xs_watch_fire_bucket(xs, prefix, path, perms, perm_count, seq);
		if (strcmp(prefix, "/") == 0) {
			break;
		}
		slash = strrchr(prefix, '/');
		if (!slash) {
			break;
		}
		if (slash == prefix) {
			slash[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	free(prefix);
}

/**
 * The removal of the subtree at path: fire watches on path and its
 * ancestors, and every watch set below path, with the watch's own path
 * as the event path.
 */
void xs_watch_fire_rm(struct xenstored *xs, const char *path,
	const struct xs_perm *perms, unsigned int perm_count, uint64_t seq)
{
	struct xs_watch *w;

	xs_watch_fire(xs, path, perms, perm_count, seq);
	TAILQ_FOREACH(w, &xs->watches, all_link) {
		if (w->abspath[0] == '@' || strcmp(w->abspath, path) == 0 ||
			!xs_path_is_child(w->abspath, path)) {
			continue;
		}
		if (xs_watch_may_see(w, perms, perm_count)) {
			xs_watch_send(w, w->path, seq);
		}
	}
}

/**
 * A special event ("@introduceDomain", "@releaseDomain") about domid.
 * Watches with depth 1 get "<special>/<domid>"; "@releaseDomain/<domid>"
 * watches fire for that domain only. Readers need read access to the
 * special node.
 */
void xs_watch_fire_special(struct xenstored *xs, const char *special,
	unsigned int domid, uint64_t seq)
{
	struct xs_watch_list *bucket;
	struct xs_node *node = NULL;
	char with_id[64];
	struct xs_watch *w;

	snprintf(with_id, sizeof(with_id), "%s/%u", special, domid);
	if (xs_db_get(xs->db, special, &node) < 0) {
		node = NULL;
	}
	bucket = xs_hash_get(xs->watch_index, special);
	if (bucket) {
		TAILQ_FOREACH(w, bucket, path_link) {
			if (!xs_watch_may_see(w, node ? node->perms : NULL,
				    node ? node->perm_count : 0)) {
				continue;
			}
			xs_watch_send(
				w, w->depth == 1 ? with_id : special, seq);
		}
	}
	bucket = xs_hash_get(xs->watch_index, with_id);
	if (bucket) {
		TAILQ_FOREACH(w, bucket, path_link) {
			if (xs_watch_may_see(w, node ? node->perms : NULL,
				    node ? node->perm_count : 0)) {
				xs_watch_send(w, with_id, seq);
			}
		}
	}
	xs_node_free(node);
}
