/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements CONTROL (docs/misc/xenstore.txt, "Miscellaneous"),
 * the dynamic debugging interface behind xenstore-control:
 *
 *   help                      the commands
 *   log [on|off|LEVEL|+LEVEL|-LEVEL]
 *                             logging state, on/off, or the level
 *                             (err, warn, info, debug)
 *   memreport                 memory and size report
 *   quota [set NAME VALUE | DOMID]
 *                             global quotas, set one, or a domain's usage
 *   quota-soft [set NAME VALUE]
 *                             soft quotas
 *   stats                     counters: requests per type, connections,
 *                             transactions, conflicts, watch events
 *   check                     database and accounting consistency
 *   domains [FIRST]           per-domain usage, from domid FIRST on
 *   print STRING              write STRING to the log
 *
 * Output is text, one "key: value" per line, NUL-terminated; privileged
 * callers only (EACCES).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

struct xs_text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void xs_text_add(struct xs_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void xs_text_add(struct xs_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *grown;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || t->failed) {
		t->failed = true;
		return;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		grown = realloc(t->buf, t->cap);
		if (!grown) {
			t->failed = true;
			return;
		}
		t->buf = grown;
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/** Send t as the reply (E2BIG if it cannot fit) and free it. */
static int xs_text_reply(struct xs_req *req, struct xs_text *t)
{
	int ret = 0;

	if (t->failed) {
		ret = -ENOMEM;
	} else if (t->len + 1 > XENSTORE_PAYLOAD_MAX) {
		ret = -E2BIG;
	} else {
		xs_reply(req, t->buf ? t->buf : "", t->len + 1);
	}
	free(t->buf);
	return ret;
}

static int xs_control_help(
	struct xs_req *req, const char **argv, unsigned int argc);

static int xs_control_log(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xs_text t = {0};
	enum log_level level;
	const char *arg = argc > 1 ? argv[1] : NULL;

	if (!arg) {
		xs_text_add(&t,
			"logging: %s\nlevel: %s\n"
			"levels: err warn info debug\n",
			log_is_enabled() ? "on" : "off",
			log_level_name(log_get_level()));
		return xs_text_reply(req, &t);
	}
	if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0) {
		log_set_enabled(arg[1] == 'n');
	} else if ((arg[0] == '+' || arg[0] == '-') &&
		   log_level_parse(arg + 1, &level) == 0) {
		/* +LEVEL logs up to LEVEL; -LEVEL stops just below it. */
		if (arg[0] == '+') {
			log_set_level(level);
		} else if (level > LOG_LEVEL_ERR) {
			log_set_level(level == LOG_LEVEL_INFO ? LOG_LEVEL_WARN
				      : level == LOG_LEVEL_DEBUG
					      ? LOG_LEVEL_INFO
					      : LOG_LEVEL_ERR);
		}
	} else if (log_level_parse(arg, &level) == 0) {
		log_set_level(level);
	} else {
		return -EINVAL;
	}
	xs_reply_ok(req);
	return 0;
}

static long xs_control_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kib = -1;

	if (!f) {
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) {
			break;
		}
	}
	fclose(f);
	return kib;
}

static int xs_control_memreport(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_text t = {0};
	int64_t sql_bytes, file_bytes, nodes = -1;

	xs_db_memory(xs->db, &sql_bytes, &file_bytes);
	xs_db_node_count(xs->db, &nodes);
	xs_text_add(&t, "rss-kib: %ld\n", xs_control_rss_kib());
	xs_text_add(&t, "sqlite-heap-bytes: %lld\n", (long long)sql_bytes);
	xs_text_add(&t, "database-file-bytes: %lld\n", (long long)file_bytes);
	xs_text_add(&t, "nodes: %lld\n", (long long)nodes);
	xs_text_add(&t, "connections: %u\n", xs->conn_count);
	xs_text_add(&t, "watches: %u\n", xs->watch_total);
	xs_text_add(&t, "watch-paths: %zu\n", xs_hash_count(xs->watch_index));
	xs_text_add(&t, "transactions: %u\n", xs->txn_total);
	return xs_text_reply(req, &t);
}

/** quota / quota-soft with "set NAME VALUE". */
static int xs_control_quota_set(struct xs_req *req, int64_t *quota,
	const char **argv, unsigned int argc)
{
	enum xs_quota q;
	uint64_t v;

	if (argc != 4 || xs_quota_parse_name(argv[2], &q) < 0 ||
		xs_parse_uint(argv[3], INT32_MAX, &v) < 0) {
		return -EINVAL;
	}
	quota[q] = (int64_t)v;
	xs_reply_ok(req);
	return 0;
}

static void xs_control_quota_usage(
	struct xs_text *t, struct xenstored *xs, struct xs_domain *dom)
{
	int64_t used[XS_QUOTA_COUNT] = {0};
	unsigned int q;

	used[XS_Q_NODES] = dom->node_count;
	used[XS_Q_WATCHES] = dom->watch_count;
	used[XS_Q_TRANSACTIONS] = dom->txn_count;
	xs_text_add(t, "domain: %u\n", dom->domid);
	for (q = 0; q < XS_QUOTA_COUNT; q++) {
		xs_text_add(t, "%s: %lld/%lld\n",
			xs_quota_name((enum xs_quota)q), (long long)used[q],
			(long long)xs_domain_quota(xs, dom, (enum xs_quota)q));
	}
}

static int xs_control_quota_common(struct xs_req *req, int64_t *quota,
	bool soft, const char **argv, unsigned int argc)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_text t = {0};
	struct xs_domain *dom;
	unsigned int domid;
	unsigned int q;

	if (argc > 1 && strcmp(argv[1], "set") == 0) {
		return xs_control_quota_set(req, quota, argv, argc);
	}
	if (argc == 2 && !soft) {
		if (xs_domain_parse_domid(argv[1], &domid) < 0) {
			return -EINVAL;
		}
		dom = xs_domain_get(xs, domid, false);
		if (!dom) {
			return -ENOENT;
		}
		xs_control_quota_usage(&t, xs, dom);
		return xs_text_reply(req, &t);
	}
	if (argc != 1) {
		return -EINVAL;
	}
	for (q = 0; q < XS_QUOTA_COUNT; q++) {
		xs_text_add(&t, "%-18s %8lld  %s\n",
			xs_quota_name((enum xs_quota)q), (long long)quota[q],
			xs_quota_description((enum xs_quota)q));
	}
	return xs_text_reply(req, &t);
}

static int xs_control_quota(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	return xs_control_quota_common(
		req, req->conn->xs->cfg.quota, false, argv, argc);
}

static int xs_control_quota_soft(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	return xs_control_quota_common(
		req, req->conn->xs->cfg.quota_soft, true, argv, argc);
}

static int xs_control_stats(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xenstored *xs = req->conn->xs;
	const struct xs_stats *s = &xs->stats;
	struct xs_text t = {0};
	uint32_t type;

	xs_text_add(&t, "connections: %u\n", xs->conn_count);
	xs_text_add(&t, "connections-total: %llu\n",
		(unsigned long long)s->connections_total);
	xs_text_add(&t, "watches: %u\n", xs->watch_total);
	xs_text_add(&t, "transactions-open: %u\n", xs->txn_total);
	xs_text_add(&t, "transactions-started: %llu\n",
		(unsigned long long)s->txn_started);
	xs_text_add(&t, "transactions-committed: %llu\n",
		(unsigned long long)s->txn_committed);
	xs_text_add(&t, "transactions-aborted: %llu\n",
		(unsigned long long)s->txn_aborted);
	xs_text_add(&t, "transaction-conflicts: %llu\n",
		(unsigned long long)s->txn_conflicts);
	xs_text_add(&t, "watch-events: %llu\n",
		(unsigned long long)s->watch_events);
	xs_text_add(&t, "watch-events-dropped: %llu\n",
		(unsigned long long)s->watch_events_dropped);
	xs_text_add(&t, "commits: %llu\n", (unsigned long long)s->commits);
	xs_text_add(&t, "commit-failures: %llu\n",
		(unsigned long long)s->commit_failures);
	xs_text_add(&t, "error-replies: %llu\n", (unsigned long long)s->errors);
	xs_text_add(&t, "bad-requests: %llu\n",
		(unsigned long long)s->requests_bad);
	for (type = 0; type < XS_TYPE_COUNT; type++) {
		if (xs_proto_find_op(type)) {
			xs_text_add(&t, "requests-%s: %llu\n",
				xs_proto_type_name(type),
				(unsigned long long)s->requests[type]);
		}
	}
	return xs_text_reply(req, &t);
}

/* The longest "next: <domid>\n" line of a domains reply. */
#define XS_CONTROL_NEXT_LEN sizeof("next: 65535\n")

/**
 * domains [FIRST]: a line per domain record, in domid order from FIRST,
 * for dom0 and every domain that is introduced, has a ring, or owns
 * nodes, watches or transactions:
 *
 *   <domid>: nodes=N watches=N transactions=N introduced=yes|no ring=yes|no
 *
 * A reply that would not fit in a payload stops early with a last line
 * "next: <domid>": the caller asks again from there.
 */
static int xs_control_domains(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_text t = {0};
	struct xs_domain *dom;
	uint64_t first = 0;
	unsigned int id;
	char line[160];
	int n;

	if (argc > 2 || (argc == 2 && xs_parse_uint(argv[1], XS_DOMID_LIMIT,
					      &first) < 0)) {
		return -EINVAL;
	}
	for (id = (unsigned int)first; xs->domain_index && id <= XS_DOMID_LIMIT;
		id++) {
		dom = xs->domain_index[id];
		if (!dom ||
			(id != 0 && !dom->introduced && !dom->conn &&
				dom->node_count == 0 && dom->watch_count == 0 &&
				dom->txn_count == 0)) {
			continue;
		}
		n = snprintf(line, sizeof(line),
			"%u: nodes=%lld watches=%u transactions=%u "
			"introduced=%s ring=%s\n",
			id, (long long)dom->node_count, dom->watch_count,
			dom->txn_count, dom->introduced ? "yes" : "no",
			dom->conn ? "yes" : "no");
		if (t.len + (size_t)n + XS_CONTROL_NEXT_LEN >
			XENSTORE_PAYLOAD_MAX) {
			xs_text_add(&t, "next: %u\n", id);
			break;
		}
		xs_text_add(&t, "%s", line);
	}
	return xs_text_reply(req, &t);
}

/** check: SQLite's quick_check, then node counts against the database. */
static int xs_control_check(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_text t = {0};
	struct xs_domain *dom;
	int64_t before = 0, after = 0;
	char *report = NULL;
	int ret;

	ret = xs_db_check(xs->db, &report);
	if (ret < 0) {
		return ret;
	}
	LIST_FOREACH(dom, &xs->domains, link) {
		before += dom->node_count;
	}
	ret = xs_store_reload(xs);
	LIST_FOREACH(dom, &xs->domains, link) {
		after += dom->node_count;
	}
	xs_text_add(&t, "database: %s\n", report);
	xs_text_add(&t, "accounting: %s\n",
		ret == 0 && before == after ? "ok" : "repaired");
	free(report);
	return xs_text_reply(req, &t);
}

static int xs_control_print(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	if (argc != 2) {
		return -EINVAL;
	}
	log_info("control: %s", argv[1]);
	xs_reply_ok(req);
	return 0;
}

static const struct xs_control_cmd {
	const char *name;
	const char *args;
	int (*fn)(struct xs_req *req, const char **argv, unsigned int argc);
} xs_control_cmds[] = {
	{"check", "", xs_control_check},
	{"domains", "[FIRST]", xs_control_domains},
	{"help", "", xs_control_help},
	{"log", "[on|off|LEVEL|+LEVEL|-LEVEL]", xs_control_log},
	{"memreport", "", xs_control_memreport},
	{"print", "STRING", xs_control_print},
	{"quota", "[set NAME VALUE|DOMID]", xs_control_quota},
	{"quota-soft", "[set NAME VALUE]", xs_control_quota_soft},
	{"stats", "", xs_control_stats},
};

static int xs_control_help(
	struct xs_req *req, const char **argv, unsigned int argc)
{
	struct xs_text t = {0};
	size_t i;

	for (i = 0; i < sizeof(xs_control_cmds) / sizeof(xs_control_cmds[0]);
		i++) {
		xs_text_add(&t, "%s %s\n", xs_control_cmds[i].name,
			xs_control_cmds[i].args);
	}
	return xs_text_reply(req, &t);
}

/** CONTROL <command>|[<parameters>|]* */
int xs_control(struct xs_req *req)
{
	unsigned int argc = xs_proto_count_strings(req->payload, req->hdr.len);
	const char *argv[8];
	size_t i;

	if (!xs_conn_is_privileged(req->conn)) {
		return -EACCES;
	}
	if (argc == 0 || argc > 8 || xs_proto_get_args(req, argv, argc) < 0) {
		return -EINVAL;
	}
	for (i = 0; i < sizeof(xs_control_cmds) / sizeof(xs_control_cmds[0]);
		i++) {
		if (strcmp(argv[0], xs_control_cmds[i].name) == 0) {
			return xs_control_cmds[i].fn(req, argv, argc);
		}
	}
	return -EINVAL;
}
