/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the tree operations of docs/misc/xenstore.txt
 * ("Database read, write and permissions operations") on the view of one
 * request: the committed tree in SQLite, or a transaction's overlay on it
 * (txn.c). Permission checks, quotas, implicit creation of parents,
 * inherited permissions, generation counts, per-domain node accounting
 * and watch events of direct (non-transaction) changes live here.
 *
 * Invariants:
 *   1. Every node has a parent row, except "/" and the special nodes.
 *   2. Creating or deleting a node gives its parent a new cgen.
 *   3. A direct change fires its watch events with the request's seq;
 *      a transaction's changes fire when it commits (txn.c).
 *   4. Called only between xs_db_req_begin() and xs_db_req_end() when the
 *      request writes (proto.c arranges that).
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static const char *const xs_special_nodes[] = {
	"@introduceDomain", "@releaseDomain"};

uint64_t xs_store_next_gen(struct xenstored *xs)
{
	return ++xs->gen;
}

/*
 * Children generations live in memory: a node whose set of children has
 * not changed since start-up reports gen_epoch, a value above every
 * generation handed out before, so a listing that spans a restart is
 * seen as changed. The hash holds only nodes touched since start-up.
 */
uint64_t xs_store_cgen(struct xenstored *xs, const char *path)
{
	uint64_t *v = xs_hash_get(xs->cgens, path);

	return v ? *v : xs->gen_epoch;
}

int xs_store_set_cgen(struct xenstored *xs, const char *path, uint64_t cgen)
{
	uint64_t *v = xs_hash_get(xs->cgens, path);

	if (!v) {
		v = malloc(sizeof(*v));
		if (!v || xs_hash_put(xs->cgens, path, v) < 0) {
			free(v);
			return -ENOMEM;
		}
	}
	*v = cgen;
	return 0;
}

void xs_store_forget_cgen(struct xenstored *xs, const char *path)
{
	free(xs_hash_remove(xs->cgens, path));
	xs_dircache_forget(xs, path);
}

/*
 * The children-list cache: the serialized children of recently listed
 * nodes, each tagged with the children generation it was built at and
 * valid only while the node still has that generation. At most
 * XS_DIRCACHE_MAX entries, least recently used evicted first. Emptied
 * whenever a rollback may have left a list built from rows that are gone.
 */
#define XS_DIRCACHE_MAX 256

struct xs_dircache_entry {
	char *path;
	uint64_t cgen;
	char *list;
	size_t len;
	TAILQ_ENTRY(xs_dircache_entry) link;
};

static void xs_dircache_drop(struct xenstored *xs, struct xs_dircache_entry *e)
{
	xs_hash_remove(xs->dircache, e->path);
	TAILQ_REMOVE(&xs->dircache_lru, e, link);
	xs->dircache_count--;
	free(e->path);
	free(e->list);
	free(e);
}

void xs_dircache_forget(struct xenstored *xs, const char *path)
{
	struct xs_dircache_entry *e = xs_hash_get(xs->dircache, path);

	if (e) {
		xs_dircache_drop(xs, e);
	}
}

void xs_dircache_clear(struct xenstored *xs)
{
	struct xs_dircache_entry *e;

	while ((e = TAILQ_FIRST(&xs->dircache_lru))) {
		xs_dircache_drop(xs, e);
	}
}

/** A copy of path's cached list if it is current (caller frees). */
static bool xs_dircache_get(struct xenstored *xs, const char *path,
	uint64_t cgen, char **list, size_t *len)
{
	struct xs_dircache_entry *e = xs_hash_get(xs->dircache, path);

	if (!e || e->cgen != cgen) {
		return false;
	}
	*list = malloc(e->len ? e->len : 1);
	if (!*list) {
		return false;
	}
	if (e->len) {
		memcpy(*list, e->list, e->len);
	}
	*len = e->len;
	TAILQ_REMOVE(&xs->dircache_lru, e, link);
	TAILQ_INSERT_HEAD(&xs->dircache_lru, e, link);
	return true;
}

/** Remember a list (copied); failure only means no caching. */
static void xs_dircache_put(struct xenstored *xs, const char *path,
	uint64_t cgen, const char *list, size_t len)
{
	struct xs_dircache_entry *e;

	xs_dircache_forget(xs, path);
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path)) ||
		!(e->list = malloc(len ? len : 1)) ||
		xs_hash_put(xs->dircache, path, e) < 0) {
		if (e) {
			free(e->path);
			free(e->list);
		}
		free(e);
		return;
	}
	if (len) {
		memcpy(e->list, list, len);
	}
	e->len = len;
	e->cgen = cgen;
	TAILQ_INSERT_HEAD(&xs->dircache_lru, e, link);
	if (++xs->dircache_count > XS_DIRCACHE_MAX) {
		xs_dircache_drop(xs,
			TAILQ_LAST(&xs->dircache_lru, xs_dircache_lru_head));
	}
}

static void xs_store_free_cgen(const char *key, void *value, void *arg)
{
	free(value);
}

void xs_store_fini(struct xenstored *xs)
{
	if (xs->dircache) {
		xs_dircache_clear(xs);
		xs_hash_free(xs->dircache);
		xs->dircache = NULL;
	}
	if (xs->cgens) {
		xs_hash_foreach(xs->cgens, xs_store_free_cgen, NULL);
		xs_hash_free(xs->cgens);
		xs->cgens = NULL;
	}
}

static bool xs_conn_node_quota_applies(struct xs_conn *conn)
{
	return !xs_conn_is_privileged(conn) ||
	       conn->domain->quota[XS_Q_NODES] != XS_QUOTA_UNSET;
}

/** The node at path in the request's view; caller frees *out. */
int xs_store_get(struct xs_req *req, const char *path, struct xs_node **out)
{
	if (req->txn) {
		return xs_txn_get(req->txn, req, path, out);
	}
	return xs_db_get(req->conn->xs->db, path, out);
}

/** Append name and its NUL to l. */
int xs_namelist_add(struct xs_namelist *l, const char *name)
{
	size_t n = strlen(name) + 1;
	char *grown;

	if (l->len + n > l->cap) {
		l->cap = (l->len + n) * 2;
		grown = realloc(l->buf, l->cap);
		if (!grown) {
			return -ENOMEM;
		}
		l->buf = grown;
	}
	memcpy(l->buf + l->len, name, n);
	l->len += n;
	return 0;
}

static int xs_store_child_add(const char *name, void *arg)
{
	return xs_namelist_add(arg, name);
}

/**
 * The children of path as NUL-terminated leaf names (*list, caller
 * frees; *len bytes) and the generation count of that list.
 */
int xs_store_children(struct xs_req *req, const char *path, char **list,
	size_t *len, uint64_t *gencnt)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_namelist l = {NULL, 0, 0};
	struct xs_node *node;
	int ret;

	if (req->txn) {
		return xs_txn_children(req->txn, req, path, list, len, gencnt);
	}
	ret = xs_db_get(xs->db, path, &node);
	if (ret < 0) {
		return ret;
	}
	xs_node_free(node);
	*gencnt = xs_store_cgen(xs, path);
	if (xs_dircache_get(xs, path, *gencnt, list, len)) {
		return 0;
	}
	ret = xs_db_children(xs->db, path, xs_store_child_add, &l);
	if (ret < 0) {
		free(l.buf);
		return ret;
	}
	xs_dircache_put(xs, path, *gencnt, l.buf, l.len);
	*list = l.buf;
	*len = l.len;
	return 0;
}

/** Store a changed or new node in the request's view. */
static int xs_store_put(struct xs_req *req, struct xs_node *node, bool created)
{
	struct xenstored *xs = req->conn->xs;
	char *parent;
	int ret;

	if (req->txn) {
		return xs_txn_put(req->txn, node, created);
	}
	ret = xs_db_put(xs->db, node);
	if (ret < 0 || !created) {
		return ret;
	}
	ret = xs_path_parent(node->path, &parent);
	if (ret == 0) {
		ret = xs_store_set_cgen(xs, parent, node->gen);
		free(parent);
	}
	return ret;
}

/** Check the node-size quota of a node the connection is writing. */
static int xs_store_check_size(struct xs_conn *conn, const struct xs_node *node)
{
	if (xs_domain_quota_exceeded(conn->xs, conn->domain, XS_Q_NODE_SIZE,
		    (int64_t)xs_node_size(node))) {
		return -ENOSPC;
	}
	return 0;
}

/**
 * Store a changed existing node (borrowed): node-size quota, a new
 * generation, and, outside a transaction, the watch events.
 */
static int xs_store_update(struct xs_req *req, struct xs_node *node)
{
	struct xs_conn *conn = req->conn;
	int ret = xs_store_check_size(conn, node);

	if (ret < 0) {
		return ret;
	}
	node->gen = xs_store_next_gen(conn->xs);
	ret = xs_store_put(req, node, false);
	if (ret == 0 && !req->txn) {
		xs_watch_fire(conn->xs, node->path, node->perms,
			node->perm_count, req->seq);
	}
	return ret;
}

/** Reserve count new nodes for owner in the request's view. */
static int xs_store_account_new(
	struct xs_req *req, unsigned int owner, int64_t count)
{
	struct xs_conn *conn = req->conn;
	struct xs_domain *dom;
	int64_t pending;

	dom = xs_domain_get(conn->xs, owner, true);
	if (!dom) {
		return -ENOMEM;
	}
	pending = req->txn && owner == conn->domain->domid
			  ? xs_txn_node_delta(req->txn)
			  : 0;
	if (owner == conn->domain->domid && xs_conn_node_quota_applies(conn) &&
		xs_domain_quota_exceeded(conn->xs, dom, XS_Q_NODES,
			dom->node_count + pending + count)) {
		return -ENOSPC;
	}
	if (req->txn) {
		if (owner == conn->domain->domid) {
			xs_txn_add_node_delta(req->txn, count);
		}
		return 0;
	}
	return xs_domain_adjust_nodes(conn->xs, owner, count);
}

/**
 * Create path and its missing parents. The nearest existing ancestor
 * must be writable; new nodes inherit its permissions, owned by the
 * connection's domain unless that domain is privileged.
 */
static int xs_store_create(
	struct xs_req *req, const char *path, const void *value, size_t len)
{
	struct xs_conn *conn = req->conn;
	struct xs_node *anc = NULL, *node;
	char *paths[XENSTORE_ABS_PATH_MAX / 2 + 1];
	unsigned int n = 0, i;
	char *cur = strdup(path), *up;
	int ret;

	if (!cur) {
		return -ENOMEM;
	}
	for (;;) {
		paths[n++] = cur;
		ret = xs_path_parent(cur, &up);
		if (ret < 0) {
			goto out;
		}
		ret = xs_store_get(req, up, &anc);
		if (ret == 0) {
			free(up);
			break;
		}
		if (ret != -ENOENT) {
			free(up);
			goto out;
		}
		cur = up;
	}
	if (!xs_perms_allow(conn, anc, XS_PERM_WRITE)) {
		ret = -EACCES;
		goto out;
	}
	if (!xs_conn_is_privileged(conn)) {
		anc->perms[0].id = (uint16_t)conn->domain->domid;
	}
	if (xs_domain_quota_exceeded(conn->xs, conn->domain, XS_Q_NODE_SIZE,
		    (int64_t)(len +
			      anc->perm_count * sizeof(struct xs_perm)))) {
		ret = -ENOSPC;
		goto out;
	}
	ret = xs_store_account_new(req, anc->perms[0].id, n);
	for (i = n; ret == 0 && i-- > 0;) {
		node = xs_node_new(paths[i], i == 0 ? value : "",
			i == 0 ? len : 0, anc->perms, anc->perm_count);
		if (!node) {
			ret = -ENOMEM;
			break;
		}
		node->gen = xs_store_next_gen(conn->xs);
		ret = xs_store_put(req, node, true);
		if (ret == 0 && i == 0 && !req->txn) {
			xs_watch_fire(conn->xs, path, node->perms,
				node->perm_count, req->seq);
		}
		xs_node_free(node);
	}
out:
	for (i = 0; i < n; i++) {
		free(paths[i]);
	}
	xs_node_free(anc);
	return ret;
}

/**
 * WRITE (keep_value false) or MKDIR (keep_value true) of path.
 * Errors: -EACCES, -ENOSPC (quota), -ENOENT never, storage errors.
 */
int xs_store_write(struct xs_req *req, const char *path, const void *value,
	size_t len, bool keep_value)
{
	struct xs_conn *conn = req->conn;
	struct xs_node *node;
	int ret;

	ret = xs_store_get(req, path, &node);
	if (ret == -ENOENT) {
		return xs_store_create(req, path, value, len);
	}
	if (ret < 0) {
		return ret;
	}
	if (keep_value) {
		ret = xs_perms_allow(conn, node, XS_PERM_WRITE) ? 0 : -EACCES;
		xs_node_free(node);
		return ret;
	}
	if (!xs_perms_allow(conn, node, XS_PERM_WRITE)) {
		ret = -EACCES;
	} else {
		ret = xs_node_set_value(node, value, len);
	}
	if (ret == 0) {
		ret = xs_store_update(req, node);
	}
	xs_node_free(node);
	return ret;
}

/**
 * SET_PERMS: only the owner (or the privileged domain, or a domain
 * targeting the owner) may change permissions; only the privileged
 * domain may hand the node to another owner.
 * Errors: -ENOENT, -EACCES, -EPERM, -ENOSPC (node-permissions quota).
 */
int xs_store_set_perms(struct xs_req *req, const char *path,
	const struct xs_perm *perms, unsigned int count)
{
	struct xs_conn *conn = req->conn;
	struct xs_node *node;
	unsigned int old_owner;
	int ret;

	if (xs_domain_quota_exceeded(
		    conn->xs, conn->domain, XS_Q_NODE_PERMS, count)) {
		return -ENOSPC;
	}
	ret = xs_store_get(req, path, &node);
	if (ret < 0) {
		return ret;
	}
	old_owner = node->perms[0].id;
	if (!xs_perms_allow(conn, node, XS_PERM_BOTH) ||
		(!xs_conn_is_privileged(conn) &&
			node->perms[0].id != conn->domain->domid &&
			node->perms[0].id !=
				(unsigned int)conn->domain->target)) {
		ret = -EACCES;
	} else if (!xs_conn_is_privileged(conn) && perms[0].id != old_owner) {
		ret = -EPERM;
	} else {
		ret = xs_node_set_perms(node, perms, count);
	}
	if (ret == 0) {
		ret = xs_store_update(req, node);
	}
	if (ret == 0 && old_owner != perms[0].id && !req->txn &&
		!xs_path_is_special(path)) {
		ret = xs_domain_adjust_nodes(conn->xs, perms[0].id, 1);
		if (ret == 0) {
			ret = xs_domain_adjust_nodes(conn->xs, old_owner, -1);
		}
	}
	xs_node_free(node);
	return ret;
}

static int xs_store_uncount(const char *path, const struct xs_perm *perms,
	unsigned int count, void *arg)
{
	struct xenstored *xs = arg;

	xs_store_forget_cgen(xs, path);
	return xs_domain_adjust_nodes(xs, perms[0].id, -1);
}

/**
 * RM: delete path and its subtree. A missing path is fine if its parent
 * exists. Errors: -EINVAL ("/" or special), -ENOENT (no parent),
 * -EACCES, storage errors.
 */
int xs_store_rm(struct xs_req *req, const char *path)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_node *node = NULL, *parent_node = NULL;
	char *parent;
	int ret;

	if (strcmp(path, "/") == 0 || xs_path_is_special(path)) {
		return -EINVAL;
	}
	ret = xs_path_parent(path, &parent);
	if (ret < 0) {
		return ret;
	}
	ret = xs_store_get(req, path, &node);
	if (ret == -ENOENT) {
		ret = xs_store_get(req, parent, &parent_node);
		xs_node_free(parent_node);
		free(parent);
		return ret == 0 ? 0 : ret;
	}
	if (ret == 0 && !xs_perms_allow(req->conn, node, XS_PERM_WRITE)) {
		ret = -EACCES;
	}
	if (ret == 0 && req->txn) {
		ret = xs_txn_delete(req->txn, req, path);
	} else if (ret == 0) {
		ret = xs_db_subtree(xs->db, path, xs_store_uncount, xs);
		if (ret == 0) {
			ret = xs_db_delete_subtree(xs->db, path);
		}
		if (ret == 0) {
			ret = xs_store_set_cgen(
				xs, parent, xs_store_next_gen(xs));
		}
		if (ret == 0) {
			xs_watch_fire_rm(xs, path, node->perms,
				node->perm_count, req->seq);
		}
	}
	xs_node_free(node);
	free(parent);
	return ret;
}

static int xs_store_count_owner(unsigned int owner, int64_t count, void *arg)
{
	struct xenstored *xs = arg;
	struct xs_domain *dom = xs_domain_get(xs, owner, true);

	if (!dom) {
		return -ENOMEM;
	}
	dom->node_count = count;
	return 0;
}

/**
 * Rebuild what memory derives from the database: the generation counter
 * and per-domain node counts. Used at start-up and after a failed commit.
 */
int xs_store_reload(struct xenstored *xs)
{
	uint64_t gen;
	int ret;

	/* Never hand out a generation count twice: only move forward. */
	ret = xs_db_get_generation(xs->db, &gen);
	if (ret < 0) {
		return ret;
	}
	if (gen > xs->gen) {
		xs->gen = gen;
	}
	xs_domain_reset_counts(xs);
	return xs_db_owner_counts(xs->db, xs_store_count_owner, xs);
}

/** Create "/" and the special nodes on a new database, owned by dom0. */
int xs_store_init_tree(struct xenstored *xs)
{
	static const struct xs_perm root_perms[] = {{0, XS_PERM_NONE}};
	struct xs_node *node;
	const char *paths[3] = {"/", xs_special_nodes[0], xs_special_nodes[1]};
	unsigned int i;
	int ret = 0;

	xs->cgens = xs_hash_new();
	xs->dircache = xs_hash_new();
	TAILQ_INIT(&xs->dircache_lru);
	if (!xs->cgens || !xs->dircache) {
		return -ENOMEM;
	}
	for (i = 0; i < 3 && ret == 0; i++) {
		node = NULL;
		ret = xs_db_get(xs->db, paths[i], &node);
		xs_node_free(node);
		if (ret != -ENOENT) {
			continue;
		}
		ret = 0;
		node = xs_node_new(paths[i], "", 0, root_perms, 1);
		if (!node) {
			return -ENOMEM;
		}
		node->gen = xs_store_next_gen(xs);
		ret = xs_db_req_begin(xs->db);
		if (ret == 0) {
			ret = xs_db_put(xs->db, node);
			xs_db_req_end(xs->db, ret == 0);
		}
		if (ret == 0) {
			ret = xs_db_commit(xs->db);
		}
		xs_node_free(node);
	}
	if (ret == 0) {
		ret = xs_store_reload(xs);
	}
	xs->gen_epoch = xs_store_next_gen(xs);
	return ret;
}
