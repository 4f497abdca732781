/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements per-domain records: quotas (global defaults with
 * per-domain overrides, docs/misc/xenstore.txt GET_QUOTA/SET_QUOTA),
 * features (GET_FEATURE/SET_FEATURE), SET_TARGET, and the accounting the
 * quotas check (nodes owned, watches, transactions).
 *
 * Records are created on demand: for every domain that owns nodes, has a
 * connection, or was named by SET_QUOTA/SET_FEATURE/INTRODUCE. They are
 * found through an array indexed by domid (one lookup per request, with
 * thousands of domains), and listed on xs->domains for reports.
 *
 * Invariants:
 *   1. There is at most one record per domid.
 *   2. The privileged domain (0) is exempt from a quota unless that quota
 *      was set for domid 0 itself (as Xen's C daemon exempts dom0).
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/** The record of domid; with create, made if missing (NULL: no memory). */
struct xs_domain *xs_domain_get(
	struct xenstored *xs, unsigned int domid, bool create)
{
	struct xs_domain *dom;
	unsigned int i, q;

	if (domid > XS_DOMID_LIMIT) {
		return NULL;
	}
	if (!xs->domain_index) {
		/* Untouched pages of the array cost no memory. */
		xs->domain_index =
			calloc(XS_DOMID_LIMIT + 1, sizeof(*xs->domain_index));
		if (!xs->domain_index) {
			return NULL;
		}
	}
	if (xs->domain_index[domid] || !create) {
		return xs->domain_index[domid];
	}
	dom = calloc(1, sizeof(*dom));
	if (!dom) {
		return NULL;
	}
	dom->domid = domid;
	dom->target = -1;
	dom->features = XS_SUPPORTED_FEATURES;
	for (q = 0; q < XS_QUOTA_COUNT; q++) {
		dom->quota[q] = XS_QUOTA_UNSET;
	}
	for (i = 0; i < xs->cfg.domain_quota_count; i++) {
		if (xs->cfg.domain_quota[i].domid != domid) {
			continue;
		}
		for (q = 0; q < XS_QUOTA_COUNT; q++) {
			dom->quota[q] = xs->cfg.domain_quota[i].quota[q];
		}
	}
	LIST_INSERT_HEAD(&xs->domains, dom, link);
	xs->domain_index[domid] = dom;
	return dom;
}

void xs_domain_free_all(struct xenstored *xs)
{
	struct xs_domain *dom;

	while ((dom = LIST_FIRST(&xs->domains))) {
		LIST_REMOVE(dom, link);
		free(dom);
	}
	free(xs->domain_index);
	xs->domain_index = NULL;
}

/** The quota value in force for dom (0: unlimited). */
int64_t xs_domain_quota(const struct xenstored *xs, const struct xs_domain *dom,
	enum xs_quota q)
{
	if (dom->quota[q] != XS_QUOTA_UNSET) {
		return dom->quota[q];
	}
	if (dom->domid == 0) {
		return 0;
	}
	return xs->cfg.quota[q];
}

/**
 * True if value is over dom's quota q. Crossing a soft quota only logs
 * (at most once per domain and quota until it is below again).
 */
bool xs_domain_quota_exceeded(struct xenstored *xs, struct xs_domain *dom,
	enum xs_quota q, int64_t value)
{
	int64_t hard = xs_domain_quota(xs, dom, q);
	int64_t soft = xs->cfg.quota_soft[q];

	if (soft > 0 && value > soft && dom->domid != 0) {
		if (!(dom->soft_warned & (1u << q))) {
			log_info("dom%u: soft quota %s (%lld) exceeded: %lld",
				dom->domid, xs_quota_name(q), (long long)soft,
				(long long)value);
		}
		dom->soft_warned |= 1u << q;
	} else if (soft > 0) {
		dom->soft_warned &= ~(1u << q);
	}
	return hard > 0 && value > hard;
}

int xs_domain_adjust_nodes(
	struct xenstored *xs, unsigned int domid, int64_t delta)
{
	struct xs_domain *dom = xs_domain_get(xs, domid, true);

	if (!dom) {
		return -ENOMEM;
	}
	dom->node_count += delta;
	xs->counts_dirty = true;
	return 0;
}

void xs_domain_reset_counts(struct xenstored *xs)
{
	struct xs_domain *dom;

	LIST_FOREACH(dom, &xs->domains, link) {
		dom->node_count = 0;
	}
}

/** Parse a real domid (0 .. 0x7fef). -EINVAL otherwise. */
int xs_domain_parse_domid(const char *s, unsigned int *domid)
{
	uint64_t v;

	if (xs_parse_uint(s, XS_DOMID_MAX, &v) < 0) {
		return -EINVAL;
	}
	*domid = (unsigned int)v;
	return 0;
}

/* ---- introduced domains going away ----------------------------------- */

/**
 * Disconnect an introduced domain (RELEASE, or its death): its ring
 * connection closes (unbound and unmapped at the end of the turn), its
 * stored record goes, and @releaseDomain fires.
 */
int xs_domain_release(struct xenstored *xs, struct xs_domain *dom)
{
	int ret;

	if (dom->conn) {
		xs_conn_close(dom->conn);
	}
	dom->introduced = false;
	dom->shutdown_reported = false;
	ret = xs_db_domain_delete(xs->db, dom->domid);
	xs_watch_fire_special(xs, "@releaseDomain", dom->domid, ++xs->req_seq);
	return ret;
}

struct xs_dead_scan {
	const uint8_t *dead; /* bit per domid (XS_DOMID_LIMIT + 1): dead */
	char **owned;        /* nodes a dead domain owns */
	unsigned int nowned;
	char **granted; /* other nodes naming one in a permission */
	unsigned int ngranted;
	int err;
};

static bool xs_dead_is(const struct xs_dead_scan *s, unsigned int domid)
{
	return domid <= XS_DOMID_LIMIT &&
	       (s->dead[domid / 8] & (1u << (domid % 8)));
}

static int xs_dead_add(char ***list, unsigned int *n, const char *path)
{
	char **l = realloc(*list, sizeof(*l) * (*n + 1));

	if (!l) {
		return -ENOMEM;
	}
	*list = l;
	l[*n] = strdup(path);
	if (!l[*n]) {
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

static int xs_dead_scan_node(const char *path, const struct xs_perm *perms,
	unsigned int count, void *arg)
{
	struct xs_dead_scan *s = arg;
	unsigned int i;

	if (count == 0 || xs_path_is_special(path)) {
		return 0;
	}
	if (xs_dead_is(s, perms[0].id)) {
		return xs_dead_add(&s->owned, &s->nowned, path);
	}
	for (i = 1; i < count; i++) {
		if (xs_dead_is(s, perms[i].id)) {
			return xs_dead_add(&s->granted, &s->ngranted, path);
		}
	}
	return 0;
}

static int xs_dead_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/** Drop the dead domains' permission entries from the node at path. */
static int xs_dead_strip_perms(
	struct xs_req *req, const char *path, const struct xs_dead_scan *s)
{
	struct xs_node *node;
	struct xs_perm *perms;
	unsigned int i, n = 0;
	int ret;

	ret = xs_store_get(req, path, &node);
	if (ret < 0) {
		return ret == -ENOENT ? 0 : ret;
	}
	perms = calloc(node->perm_count, sizeof(*perms));
	if (!perms) {
		xs_node_free(node);
		return -ENOMEM;
	}
	perms[n++] = node->perms[0];
	for (i = 1; i < node->perm_count; i++) {
		if (!xs_dead_is(s, node->perms[i].id)) {
			perms[n++] = node->perms[i];
		}
	}
	ret = xs_store_set_perms(req, path, perms, n);
	free(perms);
	xs_node_free(node);
	return ret;
}

/**
 * The nodes of dead domains (docs/misc/xenstore.txt): those they own go
 * with their children; entries naming them in other nodes' permissions are
 * removed, so a later domain with the same id inherits nothing. One scan
 * of the tree serves every domain that died at once (n of them, the first
 * being domid), not one scan each.
 */
static void xs_domain_remove_nodes(struct xenstored *xs, const uint8_t *dead,
	unsigned int n, unsigned int domid)
{
	struct xs_dead_scan scan = {.dead = dead};
	const char *last = NULL;
	struct xs_conn internal;
	struct xs_req req;
	unsigned int i;
	int ret;

	ret = xs_db_subtree(xs->db, "/", xs_dead_scan_node, &scan);
	memset(&internal, 0, sizeof(internal));
	internal.xs = xs;
	internal.fd = -1;
	internal.closing = true; /* queues nothing */
	internal.domain = xs_domain_get(xs, 0, true);
	TAILQ_INIT(&internal.pending);
	TAILQ_INIT(&internal.watches);
	TAILQ_INIT(&internal.txns);
	memset(&req, 0, sizeof(req));
	req.conn = &internal;
	req.seq = ++xs->req_seq;
	if (ret == 0 && internal.domain && (scan.nowned || scan.ngranted)) {
		qsort(scan.owned, scan.nowned, sizeof(char *), xs_dead_cmp);
		ret = xs_db_req_begin(xs->db);
		if (ret == 0 && !xs->turn_first_write) {
			xs->turn_first_write = req.seq;
		}
		for (i = 0; ret == 0 && i < scan.nowned; i++) {
			/* Sorted: a removed node's children follow it. */
			if (i > 0 && xs_path_is_child(scan.owned[i], last)) {
				continue;
			}
			last = scan.owned[i];
			ret = xs_store_rm(&req, last);
			if (ret == -ENOENT) {
				ret = 0;
			}
		}
		for (i = 0; ret == 0 && i < scan.ngranted; i++) {
			ret = xs_dead_strip_perms(&req, scan.granted[i], &scan);
		}
		xs_db_req_end(xs->db, ret == 0);
		if (n == 1) {
			log_info(
				"dom%u: %u owned nodes removed, %u permissions "
				"dropped%s",
				domid, scan.nowned, scan.ngranted,
				ret == 0 ? "" : " (failed)");
		} else {
			log_info("%u dead domains: %u owned nodes removed, %u "
				 "permissions dropped%s",
				n, scan.nowned, scan.ngranted,
				ret == 0 ? "" : " (failed)");
		}
	}
	for (i = 0; i < scan.nowned; i++) {
		free(scan.owned[i]);
	}
	for (i = 0; i < scan.ngranted; i++) {
		free(scan.granted[i]);
	}
	free(scan.owned);
	free(scan.granted);
}

/**
 * The hypervisor says doms[0 .. n - 1] are dead: release them and clean up
 * after them.
 */
void xs_domains_gone(
	struct xenstored *xs, struct xs_domain *const *doms, unsigned int n)
{
	uint8_t *dead;
	unsigned int i;

	for (i = 0; i < n; i++) {
		xs_domain_release(xs, doms[i]);
	}
	if (n == 0 || xs->cfg.keep_dead_nodes) {
		return;
	}
	dead = calloc(XS_DOMID_LIMIT / 8 + 1, 1);
	if (!dead) {
		log_warn("no memory to remove the nodes of %u dead domains", n);
		return;
	}
	for (i = 0; i < n; i++) {
		dead[doms[i]->domid / 8] |= 1u << (doms[i]->domid % 8);
	}
	xs_domain_remove_nodes(xs, dead, n, doms[0]->domid);
	free(dead);
}
