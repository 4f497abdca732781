/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the store's persistence on SQLite. It is the only
 * file that sees SQLite's API and result codes: BUSY and LOCKED become
 * -EAGAIN, FULL -ENOSPC, NOMEM -ENOMEM, anything else -EIO with a log line.
 *
 * The database runs in WAL mode. With synchronous=NORMAL (durability
 * "process") a committed transaction is in the WAL file in the kernel's
 * page cache, so it survives the daemon being killed; synchronous=FULL
 * (durability "power") also syncs the WAL on every commit.
 *
 * Batching (group commit), driven by daemon.c and proto.c:
 *
 *   idle --xs_db_req_begin()--> in batch, in request savepoint
 *        (BEGIN IMMEDIATE on the turn's first write request)
 *   in request --xs_db_req_end(ok)--> RELEASE (ok) or ROLLBACK TO (failed)
 *   in batch --xs_db_commit()--> idle (COMMIT; on failure ROLLBACK)
 *
 * Invariants:
 *   1. A request's changes are either all in the batch or none are.
 *   2. Prepared statements belong to this file; each is reset after use.
 *   3. Reads may run inside or outside a batch and see its changes.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xenstored.h"
#include "xs_schema.h"

#define XS_DB_PAGE_SIZE 1024
#define XS_DB_PAGE_SIZE_STR "1024"

enum xs_db_stmt {
	ST_GET,
	ST_PUT,
	ST_CHILDREN,
	ST_SUBTREE,
	ST_DEL_SUBTREE,
	ST_DEL_ONE,
	ST_OWNERS,
	ST_MAX_GEN,
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_COUNT_NODES,
	ST_DOM_PUT,
	ST_DOM_DEL,
	ST_DOM_LIST,
	ST_RING_PUT,
	ST_RING_GET,
	ST_RING_DEL,
	ST_WATCH_PUT,
	ST_WATCH_DEL,
	ST_WATCH_LIST,
	ST_COUNT
};

static const char *const xs_db_sql[ST_COUNT] = {
	[ST_GET] = "SELECT value, perms, gen FROM nodes"
		   " WHERE parent = ?1 AND name = ?2",
	[ST_PUT] = "INSERT OR REPLACE INTO nodes (parent, name, value, perms,"
		   " owner, gen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_CHILDREN] = "SELECT name FROM nodes WHERE parent = ?1"
			" ORDER BY name",
	[ST_SUBTREE] = "SELECT parent, name, perms FROM nodes"
		       " WHERE (parent = ?1 AND name = ?2)"
		       " OR (parent >= ?3 AND parent < ?4) OR parent = ?5",
	[ST_DEL_SUBTREE] = "DELETE FROM nodes"
			   " WHERE (parent = ?1 AND name = ?2)"
			   " OR (parent >= ?3 AND parent < ?4) OR parent = ?5",
	[ST_DEL_ONE] = "DELETE FROM nodes WHERE parent = ?1 AND name = ?2",
	[ST_OWNERS] = "SELECT owner, count(*) FROM nodes"
		      " WHERE parent <> '' OR name = '/' GROUP BY owner",
	[ST_MAX_GEN] = "SELECT max(gen) FROM nodes",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT req",
	[ST_RELEASE] = "RELEASE req",
	[ST_ROLLBACK_TO] = "ROLLBACK TO req",
	[ST_COUNT_NODES] = "SELECT count(*) FROM nodes",
	[ST_DOM_PUT] = "INSERT OR REPLACE INTO domains (domid, gfn, port,"
		       " target) VALUES (?1, ?2, ?3, ?4)",
	[ST_DOM_DEL] = "DELETE FROM domains WHERE domid = ?1",
	[ST_DOM_LIST] = "SELECT domid, gfn, port, target FROM domains"
			" ORDER BY domid",
	[ST_RING_PUT] = "INSERT OR REPLACE INTO ring_state (domid,"
			" req_cons_old, req_cons_new, rsp_prod, output, input)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_RING_GET] = "SELECT req_cons_old, req_cons_new, rsp_prod, output,"
			" input FROM ring_state WHERE domid = ?1",
	[ST_RING_DEL] = "DELETE FROM ring_state WHERE domid = ?1",
	[ST_WATCH_PUT] = "INSERT OR REPLACE INTO watches (domid, path, token,"
			 " depth) VALUES (?1, ?2, ?3, ?4)",
	[ST_WATCH_DEL] = "DELETE FROM watches WHERE domid = ?1",
	[ST_WATCH_LIST] = "SELECT path, token, depth FROM watches"
			  " WHERE domid = ?1",
};

/**
 * The key of a path: (parent, name). For "/" and special nodes the
 * parent is "" and the name the whole path. *parent_len is the length of
 * the parent part within path ("/" for a top-level node).
 */
static void xs_db_key(
	const char *path, const char **name, int *parent_len, bool *top)
{
	const char *slash = strrchr(path, '/');

	*top = false;
	if (path[0] != '/' || strcmp(path, "/") == 0) {
		*name = path;
		*parent_len = 0;
		return;
	}
	*name = slash + 1;
	*parent_len = (int)(slash - path);
	if (*parent_len == 0) {
		*top = true; /* parent is "/" */
	}
}

/** Bind path's key to parameters idx (parent) and idx + 1 (name). */
static void xs_db_bind_key(sqlite3_stmt *s, int idx, const char *path)
{
	const char *name;
	int plen;
	bool top;

	xs_db_key(path, &name, &plen, &top);
	if (top) {
		sqlite3_bind_text(s, idx, "/", 1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(s, idx, path, plen, SQLITE_STATIC);
	}
	sqlite3_bind_text(s, idx + 1, name, -1, SQLITE_STATIC);
}

struct xs_db {
	sqlite3 *sql;
	char *path;
	sqlite3_stmt *stmt[ST_COUNT];
	bool in_batch;
	bool in_request;
	bool in_savepoint;
	bool batch_is_request; /* the batch holds only the current request */
	int lost;       /* SQLite rolled the whole batch back: its error */
	bool last_full; /* the last failure was SQLITE_FULL */
};

/** Map a SQLite result code to a negative errno, logging the unexpected. */
static int xs_db_err(struct xs_db *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EAGAIN;
	case SQLITE_FULL:
		log_warn("database %s: full while %s", db->path, what);
		db->last_full = true;
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	default:
		log_err("database %s: %s: %s (%d)", db->path, what,
			sqlite3_errmsg(db->sql), rc);
		return -EIO;
	}
}

/** Run one statement that returns no rows. */
static int xs_db_step_done(struct xs_db *db, enum xs_db_stmt st)
{
	sqlite3_stmt *s = db->stmt[st];
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : xs_db_err(db, rc, xs_db_sql[st]);
}

static int xs_db_exec(struct xs_db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->sql, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		log_err("database %s: %s", db->path, msg ? msg : "error");
		sqlite3_free(msg);
		return rc == SQLITE_FULL ? -ENOSPC : -EIO;
	}
	return 0;
}

static int xs_db_user_version(struct xs_db *db, int *version)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(db->sql, "PRAGMA user_version", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		return xs_db_err(db, rc, "reading the schema version");
	}
	rc = sqlite3_step(s);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : xs_db_err(db, rc, "schema version");
}

/** Apply the migrations the database has not seen, each atomically. */
static int xs_db_migrate(struct xs_db *db)
{
	int count = sizeof(xs_schema_migrations) / sizeof(char *);
	char pragma[64];
	int version, ret;

	ret = xs_db_user_version(db, &version);
	if (ret < 0) {
		return ret;
	}
	if (version > count) {
		log_err("database %s has schema version %d; this xenstored "
			"knows up to %d",
			db->path, version, count);
		return -EIO;
	}
	for (; version < count; version++) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
			version + 1);
		ret = xs_db_exec(db, "BEGIN IMMEDIATE");
		if (ret == 0) {
			ret = xs_db_exec(db, xs_schema_migrations[version]);
		}
		if (ret == 0) {
			ret = xs_db_exec(db, pragma);
		}
		if (ret == 0) {
			ret = xs_db_exec(db, "COMMIT");
		}
		if (ret < 0) {
			xs_db_exec(db, "ROLLBACK");
			log_err("database %s: migration to version %d failed",
				db->path, version + 1);
			return ret;
		}
		log_info("database %s: schema version %d", db->path,
			version + 1);
	}
	return 0;
}

static int xs_db_configure(
	struct xs_db *db, bool power_durable, int64_t max_size)
{
	char sql[128];
	int ret;

	/*
	 * The daemon is the database's only user: exclusive locking keeps
	 * the WAL index in private memory and saves the file locking of
	 * every transaction. A second daemon on the same file gets BUSY.
	 */
	ret = xs_db_exec(db, "PRAGMA locking_mode = EXCLUSIVE");
	if (ret < 0) {
		return ret;
	}
	/*
	 * Small pages: a commit appends one page per changed B-tree page to
	 * the WAL, and xenstore nodes are small. Only a new database takes
	 * the size; an existing one keeps its own.
	 */
	ret = xs_db_exec(db, "PRAGMA page_size = " XS_DB_PAGE_SIZE_STR);
	if (ret < 0) {
		return ret;
	}
	/* A non-database file fails here, clearly. */
	ret = xs_db_exec(db, "PRAGMA journal_mode = WAL");
	if (ret < 0) {
		return ret;
	}
	ret = xs_db_exec(db, power_durable ? "PRAGMA synchronous = FULL"
					   : "PRAGMA synchronous = NORMAL");
	if (ret == 0) {
		ret = xs_db_exec(db, "PRAGMA foreign_keys = OFF");
	}
	if (ret == 0 && max_size > 0) {
		snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld",
			(long long)(max_size / XS_DB_PAGE_SIZE > 0
					    ? max_size / XS_DB_PAGE_SIZE
					    : 1));
		ret = xs_db_exec(db, sql);
	}
	return ret;
}

static int xs_db_prepare_all(struct xs_db *db)
{
	int i, rc;

	for (i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(db->sql, xs_db_sql[i], -1,
			SQLITE_PREPARE_PERSISTENT, &db->stmt[i], NULL);
		if (rc != SQLITE_OK) {
			return xs_db_err(db, rc, "preparing statements");
		}
	}
	return 0;
}

int xs_db_open(const char *path, bool power_durable, int64_t max_size,
	struct xs_db **out)
{
	struct xs_db *db;
	int rc, ret;

	db = calloc(1, sizeof(*db));
	if (!db) {
		return -ENOMEM;
	}
	db->path = strdup(path);
	if (!db->path) {
		free(db);
		return -ENOMEM;
	}
	ret = xs_mkdir_parents(path, 0700);
	if (ret < 0) {
		log_err("cannot create the directory of database %s: %s", path,
			strerror(-ret));
		goto fail;
	}
	rc = sqlite3_open_v2(path, &db->sql,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			SQLITE_OPEN_NOMUTEX,
		NULL);
	if (rc != SQLITE_OK) {
		log_err("cannot open database %s: %s", path,
			db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
		ret = -EIO;
		goto fail;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, 5000);
	ret = xs_db_configure(db, power_durable, max_size);
	if (ret == 0) {
		ret = xs_db_migrate(db);
	}
	if (ret == 0) {
		ret = xs_db_prepare_all(db);
	}
	if (ret < 0) {
		log_err("database %s is unusable (not a store database, "
			"corrupted, or not writable)",
			path);
		goto fail;
	}
	*out = db;
	return 0;
fail:
	xs_db_close(db);
	return ret;
}

void xs_db_close(struct xs_db *db)
{
	int i;

	if (!db) {
		return;
	}
	if (db->in_batch) {
		xs_db_exec(db, "ROLLBACK");
	}
	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(db->stmt[i]);
	}
	sqlite3_close(db->sql);
	free(db->path);
	free(db);
}

int xs_db_req_begin(struct xs_db *db)
{
	assert(!db->in_request);
	if (db->lost) {
		return db->lost; /* nothing more this turn */
	}
	db->in_request = true;
	db->in_savepoint = false;
	return 0;
}

/**
 * Before the request's first change: open the turn's transaction (BEGIN
 * IMMEDIATE) if needed, and the request's savepoint. Requests that change
 * nothing (MKDIR of an existing node, a refused write) cost no I/O.
 */
static int xs_db_req_touch(struct xs_db *db)
{
	int ret;

	assert(db->in_request);
	if (db->in_savepoint) {
		return 0;
	}
	if (!db->in_batch) {
		/*
		 * The turn's first writer: BEGIN alone isolates it, and a
		 * failure rolls back the whole (one-request) batch, so it
		 * needs no savepoint of its own.
		 */
		ret = xs_db_step_done(db, ST_BEGIN);
		if (ret == 0) {
			db->in_batch = true;
			db->in_savepoint = true;
			db->batch_is_request = true;
		}
		return ret;
	}
	ret = xs_db_step_done(db, ST_SAVEPOINT);
	if (ret == 0) {
		db->in_savepoint = true;
	}
	return ret;
}

int xs_db_req_end(struct xs_db *db, bool ok)
{
	bool whole_batch = db->batch_is_request;
	int ret = 0;

	if (!db->in_request) {
		return 0;
	}
	db->in_request = false;
	if (!db->in_savepoint) {
		return 0;
	}
	db->in_savepoint = false;
	db->batch_is_request = false;
	if (whole_batch) {
		/* The batch is this request: keep it, or drop it whole. */
		if (ok && !sqlite3_get_autocommit(db->sql)) {
			return 0;
		}
		if (!sqlite3_get_autocommit(db->sql)) {
			ret = xs_db_step_done(db, ST_ROLLBACK);
		} else if (ok) {
			ret = db->last_full ? -ENOSPC : -EIO;
		}
		db->last_full = false;
		db->in_batch = false;
		return ret;
	}
	if (sqlite3_get_autocommit(db->sql)) {
		/*
		 * After FULL, IOERR or NOMEM, SQLite may have rolled back the
		 * whole transaction, and with it the turn's earlier requests:
		 * the commit at the end of the turn must report them failed.
		 */
		log_warn("database %s: the turn's changes were rolled back",
			db->path);
		db->in_batch = false;
		db->lost = db->last_full ? -ENOSPC : -EIO;
		db->last_full = false;
		return db->lost;
	}
	if (!ok) {
		ret = xs_db_step_done(db, ST_ROLLBACK_TO);
	}
	if (ret == 0) {
		ret = xs_db_step_done(db, ST_RELEASE);
	}
	return ret;
}

/** True once the current request has changed something. */
bool xs_db_req_touched(const struct xs_db *db)
{
	return db->in_savepoint;
}

bool xs_db_in_batch(const struct xs_db *db)
{
	return db->in_batch || db->lost;
}

int xs_db_commit(struct xs_db *db)
{
	int rc, ret;

	if (db->lost) {
		ret = db->lost;
		db->lost = 0;
		return ret;
	}
	if (!db->in_batch) {
		return 0;
	}
	rc = sqlite3_step(db->stmt[ST_COMMIT]);
	sqlite3_reset(db->stmt[ST_COMMIT]);
	ret = rc == SQLITE_DONE ? 0 : xs_db_err(db, rc, "COMMIT");
	if (ret < 0 && !sqlite3_get_autocommit(db->sql)) {
		xs_db_step_done(db, ST_ROLLBACK);
	}
	db->in_batch = false;
	return ret;
}

/** Fill a node from the current row of ST_GET. */
static int xs_db_row_to_node(
	sqlite3_stmt *s, const char *path, struct xs_node **out)
{
	const void *value = sqlite3_column_blob(s, 0);
	int value_len = sqlite3_column_bytes(s, 0);
	const char *perms = sqlite3_column_blob(s, 1);
	int perms_len = sqlite3_column_bytes(s, 1);
	struct xs_perm *p = NULL;
	struct xs_node *node;
	unsigned int count;
	int ret;

	count = xs_proto_count_strings(perms, perms_len);
	ret = xs_perms_parse(perms, perms_len, count, &p);
	if (ret < 0 || count == 0) {
		log_err("node %s: stored permissions are invalid", path);
		free(p);
		return -EIO;
	}
	node = xs_node_new(path, value, value_len, p, count);
	free(p);
	if (!node) {
		return -ENOMEM;
	}
	node->gen = sqlite3_column_int64(s, 2);
	*out = node;
	return 0;
}

int xs_db_get(struct xs_db *db, const char *path, struct xs_node **out)
{
	sqlite3_stmt *s = db->stmt[ST_GET];
	int rc, ret;

	xs_db_bind_key(s, 1, path);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ret = xs_db_row_to_node(s, path, out);
	} else if (rc == SQLITE_DONE) {
		ret = -ENOENT;
	} else {
		ret = xs_db_err(db, rc, "reading a node");
	}
	sqlite3_reset(s);
	return ret;
}

int xs_db_put(struct xs_db *db, const struct xs_node *node)
{
	sqlite3_stmt *s = db->stmt[ST_PUT];
	char *perms;
	size_t perms_len;
	int ret;

	ret = xs_db_req_touch(db);
	if (ret < 0) {
		return ret;
	}
	ret = xs_perms_format(
		node->perms, node->perm_count, &perms, &perms_len);
	if (ret < 0) {
		return ret;
	}
	xs_db_bind_key(s, 1, node->path);
	sqlite3_bind_blob(
		s, 3, node->value, (int)node->value_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, perms, (int)perms_len, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, node->perms[0].id);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)node->gen);
	ret = xs_db_step_done(db, ST_PUT);
	sqlite3_clear_bindings(s);
	free(perms);
	return ret;
}

int xs_db_children(struct xs_db *db, const char *path,
	int (*fn)(const char *name, void *arg), void *arg)
{
	sqlite3_stmt *s = db->stmt[ST_CHILDREN];
	int rc, ret = 0;

	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);

		ret = fn(name ? name : "", arg);
		if (ret < 0) {
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = xs_db_err(db, rc, "listing children");
	}
	sqlite3_reset(s);
	return ret;
}

/**
 * Bind the rows of a subtree: the node itself (?1, ?2), every node whose
 * parent starts with "<path>/" (?3 to ?4), and the node's children (?5).
 * For "/" the node's children are the top-level nodes.
 */
static int xs_db_bind_subtree(
	sqlite3_stmt *s, const char *path, char **lo, char **hi)
{
	bool root = strcmp(path, "/") == 0;

	if (asprintf(lo, "%s/", root ? "" : path) < 0) {
		return -ENOMEM;
	}
	if (asprintf(hi, "%s0", root ? "" : path) < 0) {
		free(*lo);
		return -ENOMEM;
	}
	xs_db_bind_key(s, 1, path);
	sqlite3_bind_text(s, 3, *lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, *hi, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, path, -1, SQLITE_STATIC);
	return 0;
}

int xs_db_subtree(struct xs_db *db, const char *path,
	int (*fn)(const char *path, const struct xs_perm *perms,
		unsigned int count, void *arg),
	void *arg)
{
	sqlite3_stmt *s = db->stmt[ST_SUBTREE];
	char *lo, *hi;
	int rc, ret;

	ret = xs_db_bind_subtree(s, path, &lo, &hi);
	if (ret < 0) {
		return ret;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *parent = (const char *)sqlite3_column_text(s, 0);
		const char *name = (const char *)sqlite3_column_text(s, 1);
		const char *perms = sqlite3_column_blob(s, 2);
		int len = sqlite3_column_bytes(s, 2);
		unsigned int count = xs_proto_count_strings(perms, len);
		struct xs_perm *parsed = NULL;
		char *p = NULL;

		ret = xs_perms_parse(perms, len, count, &parsed);
		if (ret == 0 &&
			asprintf(&p, "%s/%s", strcmp(parent, "/") ? parent : "",
				name) < 0) {
			p = NULL;
			ret = -ENOMEM;
		}
		if (ret == 0) {
			ret = fn(p, parsed, count, arg);
		}
		free(p);
		free(parsed);
		if (ret < 0) {
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = xs_db_err(db, rc, "walking a subtree");
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	free(lo);
	free(hi);
	return ret;
}

int xs_db_delete_subtree(struct xs_db *db, const char *path)
{
	sqlite3_stmt *s = db->stmt[ST_DEL_SUBTREE];
	char *lo, *hi;
	int ret;

	ret = xs_db_req_touch(db);
	if (ret < 0) {
		return ret;
	}
	ret = xs_db_bind_subtree(s, path, &lo, &hi);
	if (ret < 0) {
		return ret;
	}
	ret = xs_db_step_done(db, ST_DEL_SUBTREE);
	sqlite3_clear_bindings(s);
	free(lo);
	free(hi);
	return ret;
}

int xs_db_delete(struct xs_db *db, const char *path)
{
	sqlite3_stmt *s = db->stmt[ST_DEL_ONE];
	int ret = xs_db_req_touch(db);

	if (ret < 0) {
		return ret;
	}
	xs_db_bind_key(s, 1, path);
	return xs_db_step_done(db, ST_DEL_ONE);
}

int xs_db_owner_counts(struct xs_db *db,
	int (*fn)(unsigned int owner, int64_t count, void *arg), void *arg)
{
	sqlite3_stmt *s = db->stmt[ST_OWNERS];
	int rc, ret = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ret = fn((unsigned int)sqlite3_column_int(s, 0),
			sqlite3_column_int64(s, 1), arg);
		if (ret < 0) {
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = xs_db_err(db, rc, "counting nodes");
	}
	sqlite3_reset(s);
	return ret;
}

int xs_db_get_generation(struct xs_db *db, uint64_t *gen)
{
	sqlite3_stmt *s = db->stmt[ST_MAX_GEN];
	int rc, ret = 0;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*gen = (uint64_t)sqlite3_column_int64(s, 0);
	} else {
		ret = rc == SQLITE_DONE ? -EIO
					: xs_db_err(db, rc, "reading meta");
	}
	sqlite3_reset(s);
	return ret;
}

int xs_db_node_count(struct xs_db *db, int64_t *count)
{
	sqlite3_stmt *s = db->stmt[ST_COUNT_NODES];
	int rc, ret = 0;

	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(s, 0);
	} else {
		ret = xs_db_err(db, rc, "counting nodes");
	}
	sqlite3_reset(s);
	return ret;
}

int xs_db_check(struct xs_db *db, char **report)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(db->sql, "PRAGMA quick_check", -1, &s, NULL);
	if (rc != SQLITE_OK) {
		return xs_db_err(db, rc, "checking");
	}
	rc = sqlite3_step(s);
	*report = strdup(rc == SQLITE_ROW
				 ? (const char *)sqlite3_column_text(s, 0)
				 : sqlite3_errmsg(db->sql));
	sqlite3_finalize(s);
	return *report ? 0 : -ENOMEM;
}

void xs_db_memory(struct xs_db *db, int64_t *sqlite_bytes, int64_t *file_bytes)
{
	struct stat st;

	*sqlite_bytes = sqlite3_memory_used();
	*file_bytes = stat(db->path, &st) == 0 ? st.st_size : -1;
}

const char *xs_db_path(const struct xs_db *db)
{
	return db->path;
}

/* ---- introduced domains, their rings and watches (schema version 2) ---- */

/**
 * Make sure the turn's batch is open for writes that belong to no request
 * (ring state and watches written at the end of a turn, or at start-up).
 */
static int xs_db_aux_touch(struct xs_db *db)
{
	int ret;

	if (db->lost) {
		return db->lost;
	}
	if (db->in_request) {
		return xs_db_req_touch(db);
	}
	if (db->in_batch) {
		return 0;
	}
	ret = xs_db_step_done(db, ST_BEGIN);
	if (ret == 0) {
		db->in_batch = true;
		db->batch_is_request = false;
	}
	return ret;
}

int xs_db_domain_put(struct xs_db *db, const struct xs_db_domain *dom)
{
	sqlite3_stmt *s = db->stmt[ST_DOM_PUT];
	int ret = xs_db_aux_touch(db);

	if (ret < 0) {
		return ret;
	}
	sqlite3_bind_int64(s, 1, dom->domid);
	sqlite3_bind_int64(s, 2, dom->gfn);
	sqlite3_bind_int64(s, 3, dom->port);
	sqlite3_bind_int64(s, 4, dom->target);
	return xs_db_step_done(db, ST_DOM_PUT);
}

/** Forget an introduced domain: its row, ring state and watches. */
int xs_db_domain_delete(struct xs_db *db, unsigned int domid)
{
	static const enum xs_db_stmt del[] = {
		ST_DOM_DEL, ST_RING_DEL, ST_WATCH_DEL};
	unsigned int i;
	int ret = xs_db_aux_touch(db);

	for (i = 0; ret == 0 && i < sizeof(del) / sizeof(del[0]); i++) {
		sqlite3_bind_int64(db->stmt[del[i]], 1, domid);
		ret = xs_db_step_done(db, del[i]);
	}
	return ret;
}

int xs_db_domains(struct xs_db *db,
	int (*fn)(const struct xs_db_domain *dom, void *arg), void *arg)
{
	sqlite3_stmt *s = db->stmt[ST_DOM_LIST];
	struct xs_db_domain dom;
	int rc, ret = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		dom.domid = (unsigned int)sqlite3_column_int64(s, 0);
		dom.gfn = sqlite3_column_int64(s, 1);
		dom.port = (uint32_t)sqlite3_column_int64(s, 2);
		dom.target = (int)sqlite3_column_int64(s, 3);
		ret = fn(&dom, arg);
		if (ret < 0) {
			break;
		}
	}
	sqlite3_reset(s);
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = xs_db_err(db, rc, "listing domains");
	}
	return ret;
}

int xs_db_ring_put(
	struct xs_db *db, unsigned int domid, const struct xs_db_ring *r)
{
	sqlite3_stmt *s = db->stmt[ST_RING_PUT];
	int ret = xs_db_aux_touch(db);

	if (ret < 0) {
		return ret;
	}
	sqlite3_bind_int64(s, 1, domid);
	sqlite3_bind_int64(s, 2, r->req_cons_old);
	sqlite3_bind_int64(s, 3, r->req_cons_new);
	sqlite3_bind_int64(s, 4, r->rsp_prod);
	sqlite3_bind_blob(s, 5, r->output ? r->output : "", (int)r->output_len,
		SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, r->input ? r->input : "", (int)r->input_len,
		SQLITE_STATIC);
	ret = xs_db_step_done(db, ST_RING_PUT);
	sqlite3_clear_bindings(s);
	return ret;
}

static void *xs_db_dup_blob(sqlite3_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s, col);
	int n = sqlite3_column_bytes(s, col);
	void *copy = malloc(n > 0 ? (size_t)n : 1);

	if (copy && n > 0) {
		memcpy(copy, p, (size_t)n);
	}
	*len = n > 0 ? (size_t)n : 0;
	return copy;
}

/** The stored ring state of domid; -ENOENT if none. Free the blobs. */
int xs_db_ring_get(struct xs_db *db, unsigned int domid, struct xs_db_ring *r)
{
	sqlite3_stmt *s = db->stmt[ST_RING_GET];
	int rc, ret = 0;

	memset(r, 0, sizeof(*r));
	sqlite3_bind_int64(s, 1, domid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r->req_cons_old = (uint32_t)sqlite3_column_int64(s, 0);
		r->req_cons_new = (uint32_t)sqlite3_column_int64(s, 1);
		r->rsp_prod = (uint32_t)sqlite3_column_int64(s, 2);
		r->output = xs_db_dup_blob(s, 3, &r->output_len);
		r->input = xs_db_dup_blob(s, 4, &r->input_len);
		if (!r->output || !r->input) {
			ret = -ENOMEM;
		}
	} else {
		ret = rc == SQLITE_DONE ? -ENOENT
					: xs_db_err(db, rc, "ring state");
	}
	sqlite3_reset(s);
	return ret;
}

/** Replace the stored watches of domid with those fn hands out. */
int xs_db_watches_put(struct xs_db *db, unsigned int domid,
	const struct xs_db_watch *w, unsigned int count)
{
	sqlite3_stmt *s = db->stmt[ST_WATCH_PUT];
	unsigned int i;
	int ret = xs_db_aux_touch(db);

	if (ret == 0) {
		sqlite3_bind_int64(db->stmt[ST_WATCH_DEL], 1, domid);
		ret = xs_db_step_done(db, ST_WATCH_DEL);
	}
	for (i = 0; ret == 0 && i < count; i++) {
		sqlite3_bind_int64(s, 1, domid);
		sqlite3_bind_text(s, 2, w[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, w[i].token, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, w[i].depth);
		ret = xs_db_step_done(db, ST_WATCH_PUT);
	}
	return ret;
}

int xs_db_watches(struct xs_db *db, unsigned int domid,
	int (*fn)(const struct xs_db_watch *w, void *arg), void *arg)
{
	sqlite3_stmt *s = db->stmt[ST_WATCH_LIST];
	struct xs_db_watch w;
	int rc, ret = 0;

	sqlite3_bind_int64(s, 1, domid);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		w.path = (const char *)sqlite3_column_text(s, 0);
		w.token = (const char *)sqlite3_column_text(s, 1);
		w.depth = (int)sqlite3_column_int64(s, 2);
		if (!w.path || !w.token) {
			continue;
		}
		ret = fn(&w, arg);
		if (ret < 0) {
			break;
		}
	}
	sqlite3_reset(s);
	if (ret == 0 && rc != SQLITE_DONE) {
		ret = xs_db_err(db, rc, "listing watches");
	}
	return ret;
}
