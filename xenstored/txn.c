/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements transactions (docs/misc/xenstore.txt,
 * "Transactions") optimistically, per node.
 *
 * A transaction keeps an overlay: one entry per node it has touched,
 * holding the node as the transaction sees it (NULL when absent or
 * deleted) and what it observed in the committed tree at first access:
 * the node's gen (0 when absent) and, if it listed the children, the
 * node's cgen. Reads fill the overlay from the database on first use;
 * writes change only the overlay.
 *
 * TRANSACTION_END T, inside the request's savepoint:
 *   1. check: every entry's node still has the observed gen, and every
 *      listed node the observed cgen; otherwise -EAGAIN (conflict);
 *   2. apply: write changed nodes, delete removed ones, bump the cgen of
 *      nodes whose children changed, adjust per-domain node counts;
 *   3. fire the watch events of every changed path.
 * So two transactions conflict only if one changed a node the other read
 * or wrote; adding different children to one parent does not conflict
 * unless one of them listed that parent's children.
 *
 * Invariants:
 *   1. Entries are kept in first-access order; a node's parent is always
 *      accessed before the node is created, so replay creates top-down.
 *   2. entry_count never exceeds the "transaction-nodes" quota.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_txn_entry {
	char *path;
	struct xs_node *node; /* the transaction's view; NULL: absent */
	uint64_t base_gen;    /* committed gen at first access; 0: absent */
	unsigned int base_owner;
	struct xs_perm *base_perms; /* for the events of a removal */
	unsigned int base_perm_count;
	bool modified;
	bool listed; /* children were read */
	uint64_t base_cgen;
	bool children_changed;
	uint64_t cur_cgen; /* filled by the conflict check */
	TAILQ_ENTRY(xs_txn_entry) link;
};

struct xs_txn {
	uint32_t id;
	struct xs_conn *conn;
	struct xs_hash *entries;
	TAILQ_HEAD(, xs_txn_entry) order;
	unsigned int entry_count;
	int64_t node_delta;
	bool doomed; /* adopted after a restart: its commit is refused */
	TAILQ_ENTRY(xs_txn) link;
};

int64_t xs_txn_node_delta(const struct xs_txn *txn)
{
	return txn->node_delta;
}

void xs_txn_add_node_delta(struct xs_txn *txn, int64_t delta)
{
	txn->node_delta += delta;
}

/**
 * TRANSACTION_START: a new transaction on conn. Errors: -ENOSPC when the
 * domain's "transactions" quota is reached, -ENOMEM.
 */
static int xs_txn_new(struct xs_conn *conn, uint32_t want, uint32_t *id)
{
	struct xenstored *xs = conn->xs;
	struct xs_txn *txn;

	if (xs_domain_quota_exceeded(xs, conn->domain, XS_Q_TRANSACTIONS,
		    conn->domain->txn_count + 1)) {
		return -ENOSPC;
	}
	txn = calloc(1, sizeof(*txn));
	if (!txn || !(txn->entries = xs_hash_new())) {
		free(txn);
		return -ENOMEM;
	}
	TAILQ_INIT(&txn->order);
	if (want != 0) {
		txn->id = want;
		txn->doomed = true;
	} else {
		do {
			txn->id = ++xs->next_txn_id;
		} while (txn->id == 0 || xs_txn_find(conn, txn->id));
	}
	txn->conn = conn;
	TAILQ_INSERT_TAIL(&conn->txns, txn, link);
	conn->domain->txn_count++;
	xs->txn_total++;
	xs->stats.txn_started++;
	*id = txn->id;
	return 0;
}

int xs_txn_start(struct xs_conn *conn, uint32_t *id)
{
	return xs_txn_new(conn, 0, id);
}

/**
 * A guest ring restored after a restart uses a transaction the daemon
 * lost: take it on under the guest's id, serve it, and refuse its commit
 * with EAGAIN, so the guest retries the whole transaction as after a
 * conflict (which is what it met).
 */
struct xs_txn *xs_txn_adopt(struct xs_conn *conn, uint32_t id)
{
	uint32_t got;

	if (id == 0 || xs_txn_new(conn, id, &got) < 0) {
		return NULL;
	}
	log_info("conn %u: transaction %u lost in a restart: taken on, its "
		 "commit will be refused",
		conn->id, id);
	return xs_txn_find(conn, id);
}

struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id)
{
	struct xs_txn *txn;

	TAILQ_FOREACH(txn, &conn->txns, link) {
		if (txn->id == id) {
			return txn;
		}
	}
	return NULL;
}

/** Discard a transaction and detach it from its connection. */
void xs_txn_free(struct xs_txn *txn)
{
	struct xs_txn_entry *e;

	if (!txn) {
		return;
	}
	while ((e = TAILQ_FIRST(&txn->order))) {
		TAILQ_REMOVE(&txn->order, e, link);
		xs_node_free(e->node);
		free(e->base_perms);
		free(e->path);
		free(e);
	}
	xs_hash_free(txn->entries);
	TAILQ_REMOVE(&txn->conn->txns, txn, link);
	txn->conn->domain->txn_count--;
	txn->conn->xs->txn_total--;
	free(txn);
}

/** The entry of path, read from the database on first access. */
static int xs_txn_entry(
	struct xs_txn *txn, const char *path, struct xs_txn_entry **out)
{
	struct xenstored *xs = txn->conn->xs;
	struct xs_txn_entry *e = xs_hash_get(txn->entries, path);
	struct xs_node *node = NULL;
	int ret;

	if (e) {
		*out = e;
		return 0;
	}
	if (xs_domain_quota_exceeded(xs, txn->conn->domain, XS_Q_TXN_NODES,
		    txn->entry_count + 1)) {
		return -ENOSPC;
	}
	ret = xs_db_get(xs->db, path, &node);
	if (ret < 0 && ret != -ENOENT) {
		return ret;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->path = strdup(path)) ||
		xs_hash_put(txn->entries, path, e) < 0) {
		if (e) {
			free(e->path);
		}
		free(e);
		xs_node_free(node);
		return -ENOMEM;
	}
	if (node) {
		e->base_perms =
			calloc(node->perm_count, sizeof(*e->base_perms));
		if (!e->base_perms) {
			xs_hash_remove(txn->entries, path);
			free(e->path);
			free(e);
			xs_node_free(node);
			return -ENOMEM;
		}
		memcpy(e->base_perms, node->perms,
			node->perm_count * sizeof(*e->base_perms));
		e->base_perm_count = node->perm_count;
	}
	e->node = node;
	e->base_gen = node ? node->gen : 0;
	e->base_owner = node ? node->perms[0].id : 0;
	e->base_cgen = node ? xs_store_cgen(xs, path) : 0;
	TAILQ_INSERT_TAIL(&txn->order, e, link);
	txn->entry_count++;
	*out = e;
	return 0;
}

static struct xs_node *xs_txn_copy(const struct xs_node *node)
{
	struct xs_node *copy = xs_node_new(node->path, node->value,
		node->value_len, node->perms, node->perm_count);

	if (copy) {
		copy->gen = node->gen;
	}
	return copy;
}

int xs_txn_get(struct xs_txn *txn, struct xs_req *req, const char *path,
	struct xs_node **out)
{
	struct xs_txn_entry *e;
	int ret = xs_txn_entry(txn, path, &e);

	if (ret < 0) {
		return ret;
	}
	if (!e->node) {
		return -ENOENT;
	}
	*out = xs_txn_copy(e->node);
	return *out ? 0 : -ENOMEM;
}

/** Mark the children of path's parent as changed in the overlay. */
static int xs_txn_parent_changed(struct xs_txn *txn, const char *path)
{
	struct xs_txn_entry *pe;
	char *parent;
	int ret = xs_path_parent(path, &parent);

	if (ret < 0) {
		return ret;
	}
	ret = xs_txn_entry(txn, parent, &pe);
	if (ret == 0) {
		pe->children_changed = true;
	}
	free(parent);
	return ret;
}

/** Replace node->path's view by a copy of node (borrowed). */
int xs_txn_put(struct xs_txn *txn, struct xs_node *node, bool created)
{
	struct xs_txn_entry *e;
	struct xs_node *copy;
	int ret = xs_txn_entry(txn, node->path, &e);

	if (ret < 0) {
		return ret;
	}
	copy = xs_txn_copy(node);
	if (!copy) {
		return -ENOMEM;
	}
	xs_node_free(e->node);
	e->node = copy;
	e->modified = true;
	return created ? xs_txn_parent_changed(txn, node->path) : 0;
}

struct xs_txn_rm {
	struct xs_txn *txn;
	int ret;
};

static int xs_txn_rm_db_node(const char *path, const struct xs_perm *perms,
	unsigned int count, void *arg)
{
	struct xs_txn_rm *rm = arg;
	struct xs_txn_entry *e;
	int ret = xs_txn_entry(rm->txn, path, &e);

	if (ret < 0) {
		return ret;
	}
	if (e->node && e->base_gen &&
		e->node->perms[0].id == rm->txn->conn->domain->domid) {
		rm->txn->node_delta--;
	}
	xs_node_free(e->node);
	e->node = NULL;
	e->modified = true;
	return 0;
}

/** RM inside a transaction: every node of the subtree becomes absent. */
int xs_txn_delete(struct xs_txn *txn, struct xs_req *req, const char *path)
{
	struct xs_txn_rm rm = {txn, 0};
	struct xs_txn_entry *e;
	int ret;

	ret = xs_db_subtree(txn->conn->xs->db, path, xs_txn_rm_db_node, &rm);
	if (ret < 0) {
		return ret;
	}
	TAILQ_FOREACH(e, &txn->order, link) {
		if (e->node && xs_path_is_child(e->path, path)) {
			if (e->node->perms[0].id == txn->conn->domain->domid) {
				txn->node_delta--;
			}
			xs_node_free(e->node);
			e->node = NULL;
			e->modified = true;
		}
	}
	return xs_txn_parent_changed(txn, path);
}

struct xs_txn_list_ctx {
	struct xs_txn *txn;
	const char *path;
	struct xs_namelist names;
};

static char *xs_txn_child_path(const char *parent, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", strcmp(parent, "/") ? parent : "", name) <
		0) {
		return NULL;
	}
	return p;
}

/** A committed child is listed unless the overlay removed it. */
static int xs_txn_list_db_child(const char *name, void *arg)
{
	struct xs_txn_list_ctx *l = arg;
	char *child = xs_txn_child_path(l->path, name);
	struct xs_txn_entry *e;

	if (!child) {
		return -ENOMEM;
	}
	e = xs_hash_get(l->txn->entries, child);
	free(child);
	if (e && !e->node) {
		return 0;
	}
	return xs_namelist_add(&l->names, name);
}

static int xs_txn_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** Sort the NUL-separated names of l in place (same order as SQLite's). */
static int xs_txn_list_sort(struct xs_namelist *l)
{
	size_t count = xs_proto_count_strings(l->buf, l->len), i, off = 0;
	char **names, *sorted;

	if (count < 2) {
		return 0;
	}
	names = calloc(count, sizeof(*names));
	sorted = malloc(l->len);
	if (!names || !sorted) {
		free(names);
		free(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		names[i] = l->buf + off;
		off += strlen(names[i]) + 1;
	}
	qsort(names, count, sizeof(*names), xs_txn_name_cmp);
	for (off = 0, i = 0; i < count; i++) {
		memcpy(sorted + off, names[i], strlen(names[i]) + 1);
		off += strlen(names[i]) + 1;
	}
	free(names);
	free(l->buf);
	l->buf = sorted;
	return 0;
}

int xs_txn_children(struct xs_txn *txn, struct xs_req *req, const char *path,
	char **list, size_t *len, uint64_t *gencnt)
{
	struct xs_txn_list_ctx l = {txn, path, {NULL, 0, 0}};
	struct xs_txn_entry *e, *pe;
	char *parent;
	int ret;

	ret = xs_txn_entry(txn, path, &pe);
	if (ret < 0) {
		return ret;
	}
	if (!pe->node) {
		return -ENOENT;
	}
	if (!pe->listed) {
		pe->listed = true;
	}
	if (pe->base_gen) {
		ret = xs_db_children(
			txn->conn->xs->db, path, xs_txn_list_db_child, &l);
	}
	TAILQ_FOREACH(e, &txn->order, link) {
		if (ret < 0) {
			break;
		}
		if (!e->node || e->base_gen || strcmp(e->path, "/") == 0 ||
			xs_path_is_special(e->path)) {
			continue;
		}
		ret = xs_path_parent(e->path, &parent);
		if (ret == 0 && strcmp(parent, path) == 0) {
			ret = xs_namelist_add(
				&l.names, xs_path_basename(e->path));
		}
		free(parent);
	}
	if (ret == 0) {
		ret = xs_txn_list_sort(&l.names);
	}
	if (ret < 0) {
		free(l.names.buf);
		return ret;
	}
	*list = l.names.buf;
	*len = l.names.len;
	*gencnt = pe->children_changed ? pe->base_cgen + 1 : pe->base_cgen;
	return 0;
}

/** Step 1 of a commit: has anything this transaction saw changed? */
static int xs_txn_check(struct xs_txn *txn)
{
	struct xs_db *db = txn->conn->xs->db;
	struct xs_txn_entry *e;
	struct xs_node *cur;
	uint64_t gen;
	int ret;

	TAILQ_FOREACH(e, &txn->order, link) {
		cur = NULL;
		ret = xs_db_get(db, e->path, &cur);
		if (ret < 0 && ret != -ENOENT) {
			return ret;
		}
		gen = cur ? cur->gen : 0;
		e->cur_cgen = cur ? xs_store_cgen(txn->conn->xs, e->path) : 0;
		xs_node_free(cur);
		if (gen != e->base_gen ||
			(e->listed && e->cur_cgen != e->base_cgen)) {
			return -EAGAIN;
		}
	}
	return 0;
}

/** Step 2 for one entry: write or delete it, keep accounting right. */
static int xs_txn_apply_entry(
	struct xs_txn *txn, struct xs_txn_entry *e, uint64_t gen)
{
	struct xenstored *xs = txn->conn->xs;
	int ret;

	if (!e->node) {
		xs_store_forget_cgen(xs, e->path);
		ret = xs_db_delete(xs->db, e->path);
		if (ret == 0) {
			ret = xs_domain_adjust_nodes(xs, e->base_owner, -1);
		}
		return ret;
	}
	e->node->gen = gen;
	if (e->children_changed && xs_store_set_cgen(xs, e->path, gen) < 0) {
		return -ENOMEM;
	}
	ret = xs_db_put(xs->db, e->node);
	if (ret == 0 && !xs_path_is_special(e->path) &&
		(!e->base_gen || e->base_owner != e->node->perms[0].id)) {
		ret = xs_domain_adjust_nodes(xs, e->node->perms[0].id, 1);
		if (ret == 0 && e->base_gen) {
			ret = xs_domain_adjust_nodes(xs, e->base_owner, -1);
		}
	}
	return ret;
}

/** Steps 2 and 3 of a commit. */
static int xs_txn_apply(struct xs_txn *txn, uint64_t seq)
{
	struct xenstored *xs = txn->conn->xs;
	struct xs_txn_entry *e, *pe;
	uint64_t gen = xs_store_next_gen(xs);
	char *parent;
	int ret;

	TAILQ_FOREACH(e, &txn->order, link) {
		if (e->modified && !(!e->node && !e->base_gen)) {
			ret = xs_txn_apply_entry(txn, e, gen);
		} else if (e->children_changed && e->node) {
			ret = xs_store_set_cgen(xs, e->path, gen);
		} else {
			ret = 0;
		}
		if (ret < 0) {
			return ret;
		}
	}
	TAILQ_FOREACH(e, &txn->order, link) {
		if (!e->modified || (!e->node && !e->base_gen)) {
			continue;
		}
		if (e->node) {
			xs_watch_fire(xs, e->path, e->node->perms,
				e->node->perm_count, seq);
			continue;
		}
		/* Report a removed subtree once, at its top. */
		pe = NULL;
		if (xs_path_parent(e->path, &parent) == 0) {
			pe = xs_hash_get(txn->entries, parent);
			free(parent);
		}
		if (!pe || pe->node) {
			xs_watch_fire_rm(xs, e->path, e->base_perms,
				e->base_perm_count, seq);
		}
	}
	return 0;
}

/**
 * TRANSACTION_END of req->txn: commit (checking for conflicts) or abort.
 * The transaction is freed either way. Errors: -EAGAIN (conflict),
 * storage errors.
 */
int xs_txn_end(struct xs_req *req, bool commit)
{
	struct xs_txn *txn = req->txn;
	struct xenstored *xs = req->conn->xs;
	int ret = 0;

	if (commit && txn->doomed) {
		ret = -EAGAIN;
		xs->stats.txn_conflicts++;
	} else if (commit) {
		ret = xs_txn_check(txn);
		if (ret == 0) {
			ret = xs_txn_apply(txn, req->seq);
		}
		if (ret == -EAGAIN) {
			xs->stats.txn_conflicts++;
		} else if (ret == 0) {
			xs->stats.txn_committed++;
		}
	} else {
		xs->stats.txn_aborted++;
	}
	req->txn = NULL;
	xs_txn_free(txn);
	return ret;
}
