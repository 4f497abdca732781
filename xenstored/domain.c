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
