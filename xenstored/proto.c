/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the message layer of docs/misc/xenstore.txt:
 * header checks, argument splitting, the mapping of errnos to the wire's
 * error names (xsd_errors in io/xs_wire.h; the only place that does it),
 * replies with the request's req_id and tx_id, and dispatch through the
 * handler tables of op_node.c, op_watch.c, op_txn.c and op_domain.c.
 *
 * Dispatch of one request:
 *   1. unknown type -> ENOSYS; WATCH_EVENT or ERROR from a client -> EINVAL;
 *   2. a tx_id for a type that uses transactions must name one of the
 *      connection's transactions -> else ENOENT;
 *   3. a request that changes the committed tree runs in its own
 *      savepoint of the turn's SQLite transaction (db.c), released if the
 *      handler succeeds and rolled back if it fails;
 *   4. the handler replies itself on success; a negative result becomes
 *      an ERROR reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/** 0, or -E2BIG for a payload the protocol forbids. */
int xs_proto_check_header(const struct xsd_sockmsg *hdr)
{
	return hdr->len > XENSTORE_PAYLOAD_MAX ? -E2BIG : 0;
}

/** Number of NUL-terminated strings in data (a trailing part counts not). */
unsigned int xs_proto_count_strings(const char *data, size_t len)
{
	unsigned int count = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == '\0') {
			count++;
		}
	}
	return count;
}

/**
 * Split req's payload into exactly argc NUL-terminated strings, which
 * must fill it completely. -EINVAL otherwise.
 */
int xs_proto_get_args(
	const struct xs_req *req, const char **argv, unsigned int argc)
{
	size_t off = 0, len = req->hdr.len;
	unsigned int i;

	if (xs_proto_count_strings(req->payload, len) != argc ||
		(len > 0 && req->payload[len - 1] != '\0')) {
		return -EINVAL;
	}
	for (i = 0; i < argc; i++) {
		argv[i] = req->payload + off;
		off += strlen(argv[i]) + 1;
	}
	return 0;
}

const char *xs_proto_error_name(int err)
{
	size_t i;

	if (err < 0) {
		err = -err;
	}
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (xsd_errors[i].errnum == err) {
			return xsd_errors[i].errstring;
		}
	}
	return "EIO";
}

void xs_reply(struct xs_req *req, const void *data, size_t len)
{
	if (len > XENSTORE_PAYLOAD_MAX) {
		xs_reply_error(req, -E2BIG);
		return;
	}
	xs_conn_queue_msg(req->conn, req->hdr.type, req->hdr.req_id,
		req->hdr.tx_id, data, len, req->seq, false);
}

/** Reply a string with its NUL. */
void xs_reply_str(struct xs_req *req, const char *str)
{
	xs_reply(req, str, strlen(str) + 1);
}

void xs_reply_ok(struct xs_req *req)
{
	xs_reply_str(req, "OK");
}

void xs_reply_error(struct xs_req *req, int err)
{
	const char *name = xs_proto_error_name(err);

	req->conn->xs->stats.errors++;
	xs_conn_queue_msg(req->conn, XS_ERROR, req->hdr.req_id, req->hdr.tx_id,
		name, strlen(name) + 1, req->seq, false);
}

static const struct {
	const struct xs_op *ops;
	const unsigned int *count;
} xs_op_tables[] = {
	{xs_ops_node, &xs_ops_node_count},
	{xs_ops_watch, &xs_ops_watch_count},
	{xs_ops_txn, &xs_ops_txn_count},
	{xs_ops_domain, &xs_ops_domain_count},
};

const struct xs_op *xs_proto_find_op(uint32_t type)
{
	unsigned int t, i;

	for (t = 0; t < sizeof(xs_op_tables) / sizeof(xs_op_tables[0]); t++) {
		for (i = 0; i < *xs_op_tables[t].count; i++) {
			if (xs_op_tables[t].ops[i].type == type) {
				return &xs_op_tables[t].ops[i];
			}
		}
	}
	return NULL;
}

const char *xs_proto_type_name(uint32_t type)
{
	const struct xs_op *op = xs_proto_find_op(type);

	if (op) {
		return op->name;
	}
	if (type == XS_WATCH_EVENT) {
		return "WATCH_EVENT";
	}
	return type == XS_ERROR ? "ERROR" : "UNKNOWN";
}

/** Before a write: leave the error state if the database lets us. */
static int xs_proto_writable(struct xenstored *xs)
{
	if (!xs->write_error) {
		return 0;
	}
	if (xs_store_reload(xs) < 0) {
		return -EIO;
	}
	log_info("database %s: state reloaded; writes accepted again",
		xs_db_path(xs->db));
	xs->write_error = false;
	return 0;
}

/** Run a request that may change the committed tree. */
static int xs_proto_run_write(struct xs_req *req, const struct xs_op *op)
{
	struct xenstored *xs = req->conn->xs;
	bool touched;
	int ret, end;

	ret = xs_proto_writable(xs);
	if (ret == 0) {
		ret = xs_db_req_begin(xs->db);
	}
	if (ret < 0) {
		return ret;
	}
	if (!xs->turn_first_write) {
		xs->turn_first_write = req->seq;
	}
	xs->counts_dirty = false;
	ret = op->handler(req);
	touched = xs_db_req_touched(xs->db);
	end = xs_db_req_end(xs->db, ret == 0);
	if ((ret < 0 && touched) || end < 0) {
		/* Lists built from rolled-back rows must not survive. */
		xs_dircache_clear(xs);
	}
	if ((ret < 0 || end < 0) && xs->counts_dirty) {
		/* Memory may have counted what the database dropped. */
		if (xs_store_reload(xs) < 0) {
			xs->write_error = true;
		}
	}
	if (ret == 0 && end < 0) {
		log_err("database %s: a request could not be finished",
			xs_db_path(xs->db));
		ret = end;
	}
	return ret;
}

void xs_proto_dispatch(struct xs_req *req)
{
	struct xenstored *xs = req->conn->xs;
	const struct xs_op *op = xs_proto_find_op(req->hdr.type);
	int ret;

	if (!op) {
		xs->stats.requests_bad++;
		ret = req->hdr.type == XS_WATCH_EVENT ||
				      req->hdr.type == XS_ERROR
			      ? -EINVAL
			      : -ENOSYS;
		log_debug("conn %u: message type %u refused", req->conn->id,
			req->hdr.type);
		xs_reply_error(req, ret);
		return;
	}
	xs->stats.requests[op->type]++;
	if (op->uses_txn && req->hdr.tx_id != 0) {
		req->txn = xs_txn_find(req->conn, req->hdr.tx_id);
		if (!req->txn && req->conn->restored) {
			req->txn = xs_txn_adopt(req->conn, req->hdr.tx_id);
		}
		if (!req->txn) {
			xs_reply_error(req, -ENOENT);
			return;
		}
	}
	if (op->writes && (!req->txn || op->type == XS_TRANSACTION_END)) {
		ret = xs_proto_run_write(req, op);
	} else {
		ret = op->handler(req);
	}
	if (ret < 0) {
		xs_reply_error(req, ret);
	}
}
