/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the handlers of docs/misc/xenstore.txt "Watches":
 * WATCH (with the optional depth of XENSTORE_SERVER_FEATURE_WATCHDEPTH),
 * UNWATCH and RESET_WATCHES. The tx_id of these requests is ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/** "<path>|<token>|" optionally followed by "<depth>|" and reserved parts. */
static int xs_op_watch_args(
	struct xs_req *req, const char **path, const char **token, int *depth)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	uint64_t d;

	if (count < 2 || req->payload[req->hdr.len - 1] != '\0') {
		return -EINVAL;
	}
	*path = req->payload;
	*token = *path + strlen(*path) + 1;
	*depth = -1;
	if (count >= 3 && depth) {
		const char *arg = *token + strlen(*token) + 1;

		if (*arg) {
			if (xs_parse_uint(arg, 65535, &d) < 0) {
				return -EINVAL;
			}
			*depth = (int)d;
		}
	}
	return 0;
}

static int xs_op_watch(struct xs_req *req)
{
	const char *path, *token;
	int depth, ret;

	ret = xs_op_watch_args(req, &path, &token, &depth);
	if (ret == 0) {
		ret = xs_watch_add(req->conn, path, token, depth, req->seq);
	}
	if (ret == 0) {
		xs_reply_ok(req);
		xs_watch_initial_event(req->conn, path, token, req->seq);
	}
	return ret;
}

static int xs_op_unwatch(struct xs_req *req)
{
	const char *path, *token;
	int depth, ret;

	ret = xs_op_watch_args(req, &path, &token, &depth);
	if (ret == 0) {
		ret = xs_watch_remove(req->conn, path, token);
	}
	if (ret == 0) {
		xs_reply_ok(req);
	}
	return ret;
}

/** RESET_WATCHES: drop every watch and transaction of the caller. */
static int xs_op_reset_watches(struct xs_req *req)
{
	struct xs_txn *txn;

	xs_watch_remove_all(req->conn);
	while ((txn = TAILQ_FIRST(&req->conn->txns))) {
		xs_txn_free(txn);
	}
	xs_reply_ok(req);
	return 0;
}

const struct xs_op xs_ops_watch[] = {
	{XS_WATCH, "WATCH", false, false, xs_op_watch},
	{XS_UNWATCH, "UNWATCH", false, false, xs_op_unwatch},
	{XS_RESET_WATCHES, "RESET_WATCHES", false, false, xs_op_reset_watches},
};
const unsigned int xs_ops_watch_count =
	sizeof(xs_ops_watch) / sizeof(xs_ops_watch[0]);
