/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored's private header: every struct and prototype of the daemon,
 * grouped by the file that implements them (prefix xs_).
 *
 * The daemon is single-threaded and event-driven (libevent). All state
 * hangs off one struct xenstored built in main(). A loop turn is:
 *
 *   1. libevent runs ready callbacks: sockets are read into connection
 *      input buffers (conn.c); nothing is answered yet.
 *   2. xs_conn_process_all() parses complete requests and runs them
 *      (proto.c -> op_*.c). Writes go into one SQLite transaction that
 *      spans the turn, each request inside its own savepoint (db.c), so
 *      a failing request leaves nothing behind. Replies and watch events
 *      are queued on their connections, not sent.
 *   3. xs_turn_end() commits the turn's SQLite transaction (group
 *      commit), then releases the queued replies and events. If the
 *      commit fails, every reply that could depend on the lost writes is
 *      replaced by an error and the turn's watch events are dropped.
 *
 * Invariants:
 *   1. No reply leaves the daemon before the effects it reports are
 *      committed to the database.
 *   2. The database is the only copy of the tree; memory holds
 *      connections, watches, transactions and per-domain accounting.
 *   3. Per-domain node counts equal SELECT count(*) ... GROUP BY owner
 *      after every committed turn (reloaded after a failed commit).
 */
#ifndef XENSTORED_XENSTORED_H
#define XENSTORED_XENSTORED_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "io/xs_wire.h"
#include "log.h"

struct event;
struct event_base;
struct evbuffer;
struct xs_db;

#define XS_DOMID_MAX 0x7fef   /* last real domid (DOMID_FIRST_RESERVED - 1) */
#define XS_DOMID_LIMIT 0xffff /* any domid a permission entry can name */
#define XS_SUPPORTED_FEATURES XENSTORE_SERVER_FEATURE_WATCHDEPTH

/* Access bits of a permission entry. */
#define XS_PERM_NONE 0x0
#define XS_PERM_READ 0x1
#define XS_PERM_WRITE 0x2
#define XS_PERM_BOTH (XS_PERM_READ | XS_PERM_WRITE)

/* Quotas, in the order of Xen's names. */
enum xs_quota {
	XS_Q_NODES,
	XS_Q_WATCHES,
	XS_Q_OUTSTANDING,
	XS_Q_TRANSACTIONS,
	XS_Q_TXN_NODES,
	XS_Q_NODE_PERMS,
	XS_Q_PATH_MAX,
	XS_Q_NODE_SIZE,
	XS_QUOTA_COUNT
};
#define XS_QUOTA_UNSET (-1)

struct xs_perm {
	uint16_t id;
	uint8_t access; /* XS_PERM_* */
};

/* One node as stored. perms[0] is the owner and the default access. */
struct xs_node {
	char *path;
	char *value; /* value_len bytes plus a NUL for convenience */
	size_t value_len;
	struct xs_perm *perms;
	unsigned int perm_count;
	uint64_t gen; /* changed on creation, value or permission change */
};

/* A per-domain record: accounting, quotas, features. */
struct xs_domain {
	unsigned int domid;
	bool introduced;
	bool shutdown_reported; /* @releaseDomain fired for its shutdown */
	struct xs_conn *conn;   /* its ring connection, if connected */
	int64_t gfn;            /* INTRODUCE's ring frame */
	uint32_t port;          /* INTRODUCE's event channel (the guest's) */
	int target;             /* SET_TARGET: domid this one acts for, or -1 */
	uint32_t features;
	int64_t quota[XS_QUOTA_COUNT]; /* XS_QUOTA_UNSET: the global value */
	int64_t node_count;
	unsigned int watch_count;
	unsigned int txn_count;
	uint32_t soft_warned; /* bit per quota: soft limit logged */
	LIST_ENTRY(xs_domain) link;
};

struct xs_watch {
	struct xs_conn *conn;
	char *path;    /* as given by the client (may be relative) */
	char *abspath; /* resolved */
	char *token;
	int depth;                       /* -1: unlimited */
	TAILQ_ENTRY(xs_watch) conn_link; /* on conn->watches */
	TAILQ_ENTRY(xs_watch) path_link; /* on the hash bucket's list */
	TAILQ_ENTRY(xs_watch) all_link;  /* on xs->watches */
};
TAILQ_HEAD(xs_watch_list, xs_watch);

/* An outgoing message held until the turn's commit. */
struct xs_pending {
	struct evbuffer *buf;
	uint64_t seq;  /* request sequence number within the daemon */
	bool is_event; /* a WATCH_EVENT, dropped if the commit fails */
	uint32_t type, req_id, tx_id;
	TAILQ_ENTRY(xs_pending) link;
};
TAILQ_HEAD(xs_pending_list, xs_pending);

struct xs_txn;
TAILQ_HEAD(xs_txn_list, xs_txn);

struct xs_ring;
struct xs_hyp;

struct xs_conn {
	struct xenstored *xs;
	int fd;               /* the socket; -1 for a ring connection */
	struct xs_ring *ring; /* ring.c: a guest's ring connection */
	bool linked;          /* on xs->conns */
	bool watches_dirty;   /* ring: its stored watches are stale */
	bool ring_dirty;      /* ring: store its state this turn */
	bool restored;        /* ring: reattached after a restart */
	unsigned int id;      /* for logs */
	struct xs_domain *domain;
	struct event *ev_read;
	struct event *ev_write;
	struct evbuffer *in;
	struct evbuffer *out;
	struct xs_pending_list pending;
	unsigned int outstanding; /* requests whose replies are not sent */
	bool closing;
	bool queued; /* on xs->work */
	struct xs_watch_list watches;
	struct xs_txn_list txns;
	TAILQ_ENTRY(xs_conn) link;
	TAILQ_ENTRY(xs_conn) work_link;
	TAILQ_ENTRY(xs_conn) link_dirty; /* on xs->dirty while pending */
};
TAILQ_HEAD(xs_conn_list, xs_conn);

/* Counters reported by CONTROL stats. */
struct xs_stats {
	uint64_t requests[XS_TYPE_COUNT];
	uint64_t requests_bad;
	uint64_t errors;
	uint64_t connections_total;
	uint64_t txn_started, txn_committed, txn_aborted, txn_conflicts;
	uint64_t watch_events;
	uint64_t watch_events_dropped; /* longer than a payload may be */
	uint64_t commits, commit_failures;
};

struct xs_config {
	char *socket_path;
	char *db_path;
	char *config_path;
	enum log_level log_level;
	bool power_durable;
	int64_t db_max_size;
	char *xen_mode;       /* auto, none, hosted or linux */
	bool keep_dead_nodes; /* a dead domain's nodes stay */
	int64_t quota[XS_QUOTA_COUNT];
	int64_t quota_soft[XS_QUOTA_COUNT];
	/* Per-domain quota overrides from the config file. */
	struct xs_domain_quota {
		unsigned int domid;
		int64_t quota[XS_QUOTA_COUNT];
	} * domain_quota;
	unsigned int domain_quota_count;
};

struct xs_hash;
struct xs_dircache_entry;

/* The daemon's context. */
struct xenstored {
	struct event_base *base;
	struct xs_config cfg;
	struct xs_config cli; /* what the command line set */
	struct xs_db *db;
	struct xs_hyp *hyp; /* ring.c: the hypervisor interface, or NULL */
	int listen_fd;
	bool socket_activated; /* listen_fd came from systemd */
	struct event *ev_listen;
	struct event *ev_signals[3];
	bool quit;
	bool write_error;         /* refuse writes until a reload works */
	bool counts_dirty;        /* node counts changed by this request */
	uint64_t gen;             /* last generation count handed out */
	uint64_t gen_epoch;       /* children generation of untouched nodes */
	struct xs_hash *cgens;    /* path -> children generation if touched */
	struct xs_hash *dircache; /* path -> cached children list (store.c) */
	TAILQ_HEAD(xs_dircache_lru_head, xs_dircache_entry) dircache_lru;
	unsigned int dircache_count;
	uint64_t req_seq;          /* sequence of requests */
	uint64_t turn_first_write; /* seq of the turn's first write, or 0 */
	unsigned int next_conn_id;
	uint32_t next_txn_id;
	struct xs_conn_list conns;
	struct xs_conn_list work;  /* connections with unparsed input */
	struct xs_conn_list dirty; /* connections with pending output */
	struct xs_watch_list watches;
	struct xs_hash *watch_index; /* abspath -> struct xs_watch_list */
	LIST_HEAD(, xs_domain) domains;
	struct xs_domain **domain_index; /* by domid, XS_DOMID_LIMIT + 1 */
	struct xs_stats stats;
	unsigned int conn_count;
	unsigned int conns_closing; /* closed since the last turn's end */
	unsigned int watch_total;
	unsigned int txn_total;
};

/* A parsed request. */
struct xs_req {
	struct xs_conn *conn;
	struct xsd_sockmsg hdr;
	const char *payload; /* hdr.len bytes, NUL-terminated one past */
	uint64_t seq;
	struct xs_txn *txn; /* from hdr.tx_id, or NULL */
};

/* The handler table entry of one message type (op_*.c). */
struct xs_op {
	uint32_t type;
	const char *name;
	bool writes;   /* may change the tree */
	bool uses_txn; /* tx_id selects a transaction */
	int (*handler)(struct xs_req *req);
};

/* db.c */
int xs_db_open(const char *path, bool power_durable, int64_t max_size,
	struct xs_db **out);
void xs_db_close(struct xs_db *db);
int xs_db_req_begin(struct xs_db *db);
int xs_db_req_end(struct xs_db *db, bool ok);
bool xs_db_in_batch(const struct xs_db *db);
bool xs_db_req_touched(const struct xs_db *db);
int xs_db_commit(struct xs_db *db);
int xs_db_get(struct xs_db *db, const char *path, struct xs_node **out);
int xs_db_put(struct xs_db *db, const struct xs_node *node);
int xs_db_children(struct xs_db *db, const char *path,
	int (*fn)(const char *name, void *arg), void *arg);
int xs_db_subtree(struct xs_db *db, const char *path,
	int (*fn)(const char *path, const struct xs_perm *perms,
		unsigned int count, void *arg),
	void *arg);
int xs_db_delete_subtree(struct xs_db *db, const char *path);
int xs_db_delete(struct xs_db *db, const char *path);
int xs_db_owner_counts(struct xs_db *db,
	int (*fn)(unsigned int owner, int64_t count, void *arg), void *arg);
int xs_db_get_generation(struct xs_db *db, uint64_t *gen);
int xs_db_node_count(struct xs_db *db, int64_t *count);
int xs_db_check(struct xs_db *db, char **report);
void xs_db_memory(struct xs_db *db, int64_t *sqlite_bytes, int64_t *file_bytes);
const char *xs_db_path(const struct xs_db *db);
/* A domain introduced over a ring, as stored. */
struct xs_db_domain {
	unsigned int domid;
	int64_t gfn;
	uint32_t port; /* the guest's port */
	int target;    /* SET_TARGET, or -1 */
};
/* A ring's state at the last commit that touched it (schema v2). */
struct xs_db_ring {
	uint32_t req_cons_old, req_cons_new, rsp_prod;
	void *output;
	size_t output_len;
	void *input;
	size_t input_len;
};
struct xs_db_watch {
	const char *path;
	const char *token;
	int depth;
};
int xs_db_domain_put(struct xs_db *db, const struct xs_db_domain *dom);
int xs_db_domain_delete(struct xs_db *db, unsigned int domid);
int xs_db_domains(struct xs_db *db,
	int (*fn)(const struct xs_db_domain *dom, void *arg), void *arg);
int xs_db_ring_put(
	struct xs_db *db, unsigned int domid, const struct xs_db_ring *r);
int xs_db_ring_get(struct xs_db *db, unsigned int domid, struct xs_db_ring *r);
int xs_db_watches_put(struct xs_db *db, unsigned int domid,
	const struct xs_db_watch *w, unsigned int count);
int xs_db_watches(struct xs_db *db, unsigned int domid,
	int (*fn)(const struct xs_db_watch *w, void *arg), void *arg);

/* daemon.c */
int xs_daemon_init(struct xenstored *xs);
int xs_daemon_run(struct xenstored *xs);
void xs_daemon_fini(struct xenstored *xs);
void xs_turn_end(struct xenstored *xs);

/* config.c */
void xs_config_init(struct xs_config *cfg);
void xs_config_fini(struct xs_config *cfg);
int xs_config_parse_args(
	struct xs_config *cli, int argc, char **argv, bool *exit_now);
int xs_config_load_file(struct xs_config *cfg, const char *path);
void xs_config_merge(struct xs_config *dst, const struct xs_config *src);
int xs_quota_parse_name(const char *name, enum xs_quota *q);
const char *xs_quota_name(enum xs_quota q);
const char *xs_quota_description(enum xs_quota q);
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out);
int xs_mkdir_parents(const char *path, mode_t mode);

/* conn.c */
#define XS_CONN_IN_MAX (64 * 1024)
#define XS_CONN_OUT_MAX (16 * 1024 * 1024)
#define XS_PAGE_SIZE 4096
int xs_conn_new(struct xenstored *xs, int fd, struct xs_conn **out);
int xs_conn_new_ring(struct xenstored *xs, unsigned int domid,
	struct xs_ring *ring, struct xs_conn **out);
void xs_conn_queue_work(struct xs_conn *conn);
void xs_conn_reset(struct xs_conn *conn);
void xs_conn_free(struct xs_conn *conn);
void xs_conn_close(struct xs_conn *conn);
void xs_conn_process_all(struct xenstored *xs);
void xs_conn_queue_msg(struct xs_conn *conn, uint32_t type, uint32_t req_id,
	uint32_t tx_id, const void *data, size_t len, uint64_t seq,
	bool is_event);
void xs_conn_flush(struct xs_conn *conn, bool commit_ok,
	uint64_t first_write_seq, int commit_err);
bool xs_conn_is_privileged(const struct xs_conn *conn);

/* proto.c */
int xs_proto_check_header(const struct xsd_sockmsg *hdr);
unsigned int xs_proto_count_strings(const char *data, size_t len);
int xs_proto_get_args(
	const struct xs_req *req, const char **argv, unsigned int argc);
const char *xs_proto_error_name(int err);
void xs_proto_dispatch(struct xs_req *req);
void xs_reply(struct xs_req *req, const void *data, size_t len);
void xs_reply_str(struct xs_req *req, const char *str);
void xs_reply_ok(struct xs_req *req);
void xs_reply_error(struct xs_req *req, int err);
const struct xs_op *xs_proto_find_op(uint32_t type);
const char *xs_proto_type_name(uint32_t type);

/* path.c */
int xs_path_resolve(const struct xs_conn *conn, const char *in,
	bool allow_special, char **out);
bool xs_path_is_valid(const char *path);
bool xs_path_is_special(const char *path);
bool xs_path_is_child(const char *child, const char *parent);
int xs_path_parent(const char *path, char **out);
const char *xs_path_basename(const char *path);
unsigned int xs_path_depth_below(const char *path, const char *ancestor);
int xs_path_domain_relative_len(const char *path);

/* perms.c */
int xs_perms_parse(
	const char *data, size_t len, unsigned int count, struct xs_perm **out);
int xs_perms_format(const struct xs_perm *perms, unsigned int count, char **out,
	size_t *len);
unsigned int xs_perms_access(const struct xs_conn *conn,
	const struct xs_perm *perms, unsigned int count);
bool xs_perms_allow(const struct xs_conn *conn, const struct xs_node *node,
	unsigned int want);

/* node.c */
struct xs_node *xs_node_new(const char *path, const void *value, size_t len,
	const struct xs_perm *perms, unsigned int perm_count);
void xs_node_free(struct xs_node *node);
int xs_node_set_value(struct xs_node *node, const void *value, size_t len);
int xs_node_set_perms(
	struct xs_node *node, const struct xs_perm *perms, unsigned int count);
size_t xs_node_size(const struct xs_node *node);

/* store.c: the tree seen by one request, directly or in a transaction */
struct xs_namelist {
	char *buf; /* NUL-terminated names, one after the other */
	size_t len, cap;
};
int xs_namelist_add(struct xs_namelist *l, const char *name);
int xs_store_get(struct xs_req *req, const char *path, struct xs_node **out);
int xs_store_children(struct xs_req *req, const char *path, char **list,
	size_t *len, uint64_t *gencnt);
int xs_store_write(struct xs_req *req, const char *path, const void *value,
	size_t len, bool keep_value);
int xs_store_set_perms(struct xs_req *req, const char *path,
	const struct xs_perm *perms, unsigned int count);
int xs_store_rm(struct xs_req *req, const char *path);
int xs_store_init_tree(struct xenstored *xs);
int xs_store_reload(struct xenstored *xs);
uint64_t xs_store_next_gen(struct xenstored *xs);
uint64_t xs_store_cgen(struct xenstored *xs, const char *path);
int xs_store_set_cgen(struct xenstored *xs, const char *path, uint64_t cgen);
void xs_store_forget_cgen(struct xenstored *xs, const char *path);
void xs_dircache_forget(struct xenstored *xs, const char *path);
void xs_dircache_clear(struct xenstored *xs);
void xs_store_fini(struct xenstored *xs);

/* txn.c */
int xs_txn_start(struct xs_conn *conn, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id);
struct xs_txn *xs_txn_adopt(struct xs_conn *conn, uint32_t id);
int xs_txn_end(struct xs_req *req, bool commit);
void xs_txn_free(struct xs_txn *txn);
int xs_txn_get(struct xs_txn *txn, struct xs_req *req, const char *path,
	struct xs_node **out);
int xs_txn_put(struct xs_txn *txn, struct xs_node *node, bool created);
int xs_txn_delete(struct xs_txn *txn, struct xs_req *req, const char *path);
int xs_txn_children(struct xs_txn *txn, struct xs_req *req, const char *path,
	char **list, size_t *len, uint64_t *gencnt);
int64_t xs_txn_node_delta(const struct xs_txn *txn);
void xs_txn_add_node_delta(struct xs_txn *txn, int64_t delta);

/* watch.c */
int xs_watch_add(struct xs_conn *conn, const char *path, const char *token,
	int depth, uint64_t seq);
void xs_watch_initial_event(struct xs_conn *conn, const char *path,
	const char *token, uint64_t seq);
int xs_watch_remove(struct xs_conn *conn, const char *path, const char *token);
void xs_watch_remove_all(struct xs_conn *conn);
void xs_watch_fire(struct xenstored *xs, const char *path,
	const struct xs_perm *perms, unsigned int perm_count, uint64_t seq);
void xs_watch_fire_rm(struct xenstored *xs, const char *path,
	const struct xs_perm *perms, unsigned int perm_count, uint64_t seq);
void xs_watch_fire_special(struct xenstored *xs, const char *special,
	unsigned int domid, uint64_t seq);
int xs_watch_index_init(struct xenstored *xs);
void xs_watch_index_fini(struct xenstored *xs);

/* domain.c */
struct xs_domain *xs_domain_get(
	struct xenstored *xs, unsigned int domid, bool create);
void xs_domain_free_all(struct xenstored *xs);
int64_t xs_domain_quota(const struct xenstored *xs, const struct xs_domain *dom,
	enum xs_quota q);
bool xs_domain_quota_exceeded(struct xenstored *xs, struct xs_domain *dom,
	enum xs_quota q, int64_t value);
int xs_domain_adjust_nodes(
	struct xenstored *xs, unsigned int domid, int64_t delta);
void xs_domain_reset_counts(struct xenstored *xs);
int xs_domain_parse_domid(const char *s, unsigned int *domid);

/* ring.c */
int xs_ring_init(struct xenstored *xs);
void xs_ring_fini(struct xenstored *xs);
bool xs_ring_available(const struct xenstored *xs);
int xs_ring_introduce(struct xenstored *xs, unsigned int domid, int64_t gfn,
	uint32_t port, struct xs_conn **out);
void xs_ring_conn_free(struct xs_conn *conn);
void xs_ring_error(struct xs_conn *conn, uint32_t err);
void xs_ring_pull(struct xs_conn *conn);
void xs_ring_push(struct xs_conn *conn);
void xs_ring_turn_persist(struct xenstored *xs);
void xs_ring_turn_publish(struct xenstored *xs);
int xs_ring_restore(struct xenstored *xs);

/* domain.c: a domain that died (VIRQ_DOM_EXC) or was released */
int xs_domain_release(struct xenstored *xs, struct xs_domain *dom);
void xs_domains_gone(
	struct xenstored *xs, struct xs_domain *const *doms, unsigned int n);

/* control.c */
int xs_control(struct xs_req *req);

/* hash.c: string-keyed hash table of opaque values */
struct xs_hash *xs_hash_new(void);
void xs_hash_free(struct xs_hash *h);
void *xs_hash_get(const struct xs_hash *h, const char *key);
int xs_hash_put(struct xs_hash *h, const char *key, void *value);
void *xs_hash_remove(struct xs_hash *h, const char *key);
size_t xs_hash_count(const struct xs_hash *h);
void xs_hash_foreach(struct xs_hash *h,
	void (*fn)(const char *key, void *value, void *arg), void *arg);

/* op_node.c, op_watch.c, op_txn.c, op_domain.c: handler tables */
extern const struct xs_op xs_ops_node[];
extern const unsigned int xs_ops_node_count;
extern const struct xs_op xs_ops_watch[];
extern const unsigned int xs_ops_watch_count;
extern const struct xs_op xs_ops_txn[];
extern const unsigned int xs_ops_txn_count;
extern const struct xs_op xs_ops_domain[];
extern const unsigned int xs_ops_domain_count;

#endif /* XENSTORED_XENSTORED_H */
