/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the handlers of docs/misc/xenstore.txt "Domain
 * management and xenstored communications" and the quota/feature
 * messages: INTRODUCE, RELEASE, RESUME, SET_TARGET, GET_DOMAIN_PATH,
 * IS_DOMAIN_INTRODUCED, GET_FEATURE, SET_FEATURE, GET_QUOTA, SET_QUOTA,
 * and the table entry of CONTROL (control.c).
 *
 * All but GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED and GET_FEATURE without
 * a domid are for the privileged domain only (EACCES otherwise).
 * INTRODUCE maps the guest's ring and binds its event channel (ring.c);
 * without a hypervisor interface (--xen none, or none found) it is
 * checked in full and then refused with ENOSYS. Introduced domains are
 * stored, so a restarted daemon reattaches them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static int xs_op_need_priv(struct xs_req *req)
{
	return xs_conn_is_privileged(req->conn) ? 0 : -EACCES;
}

/** A signed decimal that fits in 64 bits (INTRODUCE's gfn). */
static int xs_op_parse_int(const char *s, int64_t *out)
{
	uint64_t v;
	bool neg = s[0] == '-';

	if (xs_parse_uint(s + (neg ? 1 : 0), INT64_MAX, &v) < 0) {
		return -EINVAL;
	}
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int xs_op_introduce_domain(
	struct xs_req *req, unsigned int domid, int64_t gfn, uint32_t port)
{
	struct xenstored *xs = req->conn->xs;
	struct xs_domain *dom = xs_domain_get(xs, domid, false);
	struct xs_db_domain row;
	struct xs_conn *conn;
	int ret;

	if (!xs_ring_available(xs)) {
		log_info("dom%u: INTRODUCE (gfn %lld, port %u) refused: no "
			 "hypervisor interface",
			domid, (long long)gfn, port);
		return -ENOSYS;
	}
	if (dom && dom->introduced) {
		/* Again with the same ring: nothing to do (as Xen). */
		if (dom->gfn == gfn && dom->port == port && dom->conn) {
			xs_reply_ok(req);
			return 0;
		}
		return -EINVAL;
	}
	ret = xs_ring_introduce(xs, domid, gfn, port, &conn);
	if (ret < 0) {
		return ret;
	}
	dom = conn->domain;
	row.domid = domid;
	row.gfn = gfn;
	row.port = port;
	row.target = dom->target;
	ret = xs_db_domain_put(xs->db, &row);
	if (ret < 0) {
		xs_conn_close(conn);
		return ret;
	}
	dom->introduced = true;
	dom->shutdown_reported = false;
	dom->gfn = gfn;
	dom->port = port;
	conn->ring_dirty = true;
	log_info("dom%u: introduced (ring frame %lld, port %u)", domid,
		(long long)gfn, port);
	xs_watch_fire_special(xs, "@introduceDomain", domid, req->seq);
	xs_conn_queue_work(conn);
	xs_reply_ok(req);
	return 0;
}

/** INTRODUCE <domid>|<gfn>|<evtchn>|[?] */
static int xs_op_introduce(struct xs_req *req)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	const char *argv[4];
	unsigned int domid;
	uint64_t port;
	int64_t gfn;
	int ret = xs_op_need_priv(req);

	if (ret < 0) {
		return ret;
	}
	if ((count != 3 && count != 4) ||
		xs_proto_get_args(req, argv, count) < 0 ||
		xs_domain_parse_domid(argv[0], &domid) < 0 || domid == 0 ||
		xs_op_parse_int(argv[1], &gfn) < 0 ||
		xs_parse_uint(argv[2], UINT32_MAX, &port) < 0) {
		return -EINVAL;
	}
	return xs_op_introduce_domain(req, domid, gfn, (uint32_t)port);
}

/** The introduced domain named by the request's single argument. */
static int xs_op_domain_arg(struct xs_req *req, struct xs_domain **out)
{
	const char *arg;
	unsigned int domid;
	struct xs_domain *dom;
	int ret = xs_op_need_priv(req);

	if (ret < 0) {
		return ret;
	}
	if (xs_proto_get_args(req, &arg, 1) < 0 ||
		xs_domain_parse_domid(arg, &domid) < 0 || domid == 0) {
		return -EINVAL;
	}
	dom = xs_domain_get(req->conn->xs, domid, false);
	if (!dom || !dom->introduced) {
		return -ENOENT;
	}
	*out = dom;
	return 0;
}

static int xs_op_release(struct xs_req *req)
{
	struct xs_domain *dom;
	int ret = xs_op_domain_arg(req, &dom);

	if (ret == 0) {
		ret = xs_domain_release(req->conn->xs, dom);
	}
	if (ret == 0) {
		xs_reply_ok(req);
	}
	return ret;
}

static int xs_op_resume(struct xs_req *req)
{
	struct xs_domain *dom;
	int ret = xs_op_domain_arg(req, &dom);

	if (ret == 0) {
		/* @releaseDomain fires again at its next shutdown. */
		dom->shutdown_reported = false;
		xs_reply_ok(req);
	}
	return ret;
}

/** SET_TARGET <domid>|<tdomid>|: both must be introduced. */
static int xs_op_set_target(struct xs_req *req)
{
	const char *argv[2];
	unsigned int domid, tdomid;
	struct xs_domain *dom, *tdom;
	int ret = xs_op_need_priv(req);

	if (ret < 0) {
		return ret;
	}
	if (xs_proto_get_args(req, argv, 2) < 0 ||
		xs_domain_parse_domid(argv[0], &domid) < 0 ||
		xs_domain_parse_domid(argv[1], &tdomid) < 0 || domid == 0) {
		return -EINVAL;
	}
	dom = xs_domain_get(req->conn->xs, domid, false);
	tdom = xs_domain_get(req->conn->xs, tdomid, false);
	if (!dom || !dom->introduced || !tdom ||
		(tdomid != 0 && !tdom->introduced)) {
		return -ENOENT;
	}
	dom->target = (int)tdomid;
	if (dom->conn) {
		struct xs_db_domain row = {.domid = domid,
			.gfn = dom->gfn,
			.port = dom->port,
			.target = dom->target};

		ret = xs_db_domain_put(req->conn->xs->db, &row);
		if (ret < 0) {
			return ret;
		}
	}
	xs_reply_ok(req);
	return 0;
}

static int xs_op_get_domain_path(struct xs_req *req)
{
	const char *arg;
	char path[32];
	uint64_t domid;

	if (xs_proto_get_args(req, &arg, 1) < 0 ||
		xs_parse_uint(arg, 65535, &domid) < 0) {
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid);
	xs_reply_str(req, path);
	return 0;
}

static int xs_op_is_introduced(struct xs_req *req)
{
	const char *arg;
	uint64_t domid;
	struct xs_domain *dom;

	if (xs_proto_get_args(req, &arg, 1) < 0 ||
		xs_parse_uint(arg, 65535, &domid) < 0) {
		return -EINVAL;
	}
	dom = xs_domain_get(req->conn->xs, (unsigned int)domid, false);
	xs_reply_str(req,
		domid == req->conn->domain->domid || (dom && dom->introduced)
			? "T"
			: "F");
	return 0;
}

/** GET_FEATURE [<domid>|] */
static int xs_op_get_feature(struct xs_req *req)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	struct xs_domain *dom = req->conn->domain;
	const char *arg;
	unsigned int domid;
	char reply[16];

	if (count > 0) {
		if (xs_op_need_priv(req) < 0) {
			return -EACCES;
		}
		if (xs_proto_get_args(req, &arg, 1) < 0 ||
			xs_domain_parse_domid(arg, &domid) < 0) {
			return -EINVAL;
		}
		dom = xs_domain_get(req->conn->xs, domid, true);
		if (!dom) {
			return -ENOMEM;
		}
	} else if (req->hdr.len > 0) {
		return -EINVAL;
	}
	snprintf(reply, sizeof(reply), "%u", dom->features);
	xs_reply_str(req, reply);
	return 0;
}

/** SET_FEATURE <domid>|<value>|: only bits we support, before INTRODUCE. */
static int xs_op_set_feature(struct xs_req *req)
{
	const char *argv[2];
	unsigned int domid;
	struct xs_domain *dom;
	uint64_t value;
	int ret = xs_op_need_priv(req);

	if (ret < 0) {
		return ret;
	}
	if (xs_proto_get_args(req, argv, 2) < 0 ||
		xs_domain_parse_domid(argv[0], &domid) < 0 ||
		xs_parse_uint(argv[1], UINT32_MAX, &value) < 0 ||
		(value & ~(uint64_t)XS_SUPPORTED_FEATURES)) {
		return -EINVAL;
	}
	dom = xs_domain_get(req->conn->xs, domid, true);
	if (!dom) {
		return -ENOMEM;
	}
	if (dom->introduced || domid == req->conn->domain->domid) {
		return -EBUSY;
	}
	dom->features = (uint32_t)value;
	xs_reply_ok(req);
	return 0;
}

static int xs_op_quota_names(struct xs_req *req)
{
	char reply[256] = "";
	unsigned int q;

	for (q = 0; q < XS_QUOTA_COUNT; q++) {
		if (q) {
			strcat(reply, " ");
		}
		strcat(reply, xs_quota_name((enum xs_quota)q));
	}
	xs_reply_str(req, reply);
	return 0;
}

/** GET_QUOTA [[<domid>|]<quota>|] */
static int xs_op_get_quota(struct xs_req *req)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	struct xenstored *xs = req->conn->xs;
	const char *argv[2];
	struct xs_domain *dom;
	unsigned int domid;
	enum xs_quota q;
	char reply[24];
	int64_t value;

	if (xs_op_need_priv(req) < 0) {
		return -EACCES;
	}
	if (count == 0 && req->hdr.len == 0) {
		return xs_op_quota_names(req);
	}
	if (count > 2 || xs_proto_get_args(req, argv, count) < 0 ||
		count == 0) {
		return -EINVAL;
	}
	if (xs_quota_parse_name(argv[count - 1], &q) < 0) {
		return -EINVAL;
	}
	if (count == 1) {
		value = xs->cfg.quota[q];
	} else {
		if (xs_domain_parse_domid(argv[0], &domid) < 0) {
			return -EINVAL;
		}
		dom = xs_domain_get(xs, domid, true);
		if (!dom) {
			return -ENOMEM;
		}
		value = xs_domain_quota(xs, dom, q);
	}
	snprintf(reply, sizeof(reply), "%lld", (long long)value);
	xs_reply_str(req, reply);
	return 0;
}

/** SET_QUOTA [<domid>|]<quota>|<value>| */
static int xs_op_set_quota(struct xs_req *req)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	struct xenstored *xs = req->conn->xs;
	const char *argv[3];
	struct xs_domain *dom;
	unsigned int domid;
	enum xs_quota q;
	uint64_t value;

	if (xs_op_need_priv(req) < 0) {
		return -EACCES;
	}
	if ((count != 2 && count != 3) ||
		xs_proto_get_args(req, argv, count) < 0 ||
		xs_quota_parse_name(argv[count - 2], &q) < 0 ||
		xs_parse_uint(argv[count - 1], INT32_MAX, &value) < 0) {
		return -EINVAL;
	}
	if (count == 2) {
		xs->cfg.quota[q] = (int64_t)value;
	} else {
		if (xs_domain_parse_domid(argv[0], &domid) < 0) {
			return -EINVAL;
		}
		dom = xs_domain_get(xs, domid, true);
		if (!dom) {
			return -ENOMEM;
		}
		dom->quota[q] = (int64_t)value;
	}
	xs_reply_ok(req);
	return 0;
}

const struct xs_op xs_ops_domain[] = {
	{XS_CONTROL, "CONTROL", false, false, xs_control},
	{XS_INTRODUCE, "INTRODUCE", true, false, xs_op_introduce},
	{XS_RELEASE, "RELEASE", true, false, xs_op_release},
	{XS_RESUME, "RESUME", false, false, xs_op_resume},
	{XS_SET_TARGET, "SET_TARGET", true, false, xs_op_set_target},
	{XS_GET_DOMAIN_PATH, "GET_DOMAIN_PATH", false, false,
		xs_op_get_domain_path},
	{XS_IS_DOMAIN_INTRODUCED, "IS_DOMAIN_INTRODUCED", false, false,
		xs_op_is_introduced},
	{XS_GET_FEATURE, "GET_FEATURE", false, false, xs_op_get_feature},
	{XS_SET_FEATURE, "SET_FEATURE", false, false, xs_op_set_feature},
	{XS_GET_QUOTA, "GET_QUOTA", false, false, xs_op_get_quota},
	{XS_SET_QUOTA, "SET_QUOTA", false, false, xs_op_set_quota},
};
const unsigned int xs_ops_domain_count =
	sizeof(xs_ops_domain) / sizeof(xs_ops_domain[0]);
