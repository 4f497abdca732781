/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the handlers of docs/misc/xenstore.txt
 * "Transactions": TRANSACTION_START and TRANSACTION_END (txn.c holds the
 * transactions themselves).
 */
#include <stdio.h>
#include <string.h>

#include "xenstored.h"

/** TRANSACTION_START with a non-zero tx_id is refused (EBUSY). */
static int xs_op_txn_start(struct xs_req *req)
{
	char reply[16];
	uint32_t id;
	int ret;

	if (req->hdr.tx_id != 0) {
		return -EBUSY;
	}
	ret = xs_txn_start(req->conn, &id);
	if (ret < 0) {
		return ret;
	}
	snprintf(reply, sizeof(reply), "%u", id);
	xs_reply_str(req, reply);
	return 0;
}

/** TRANSACTION_END "T|" commits, "F|" aborts. */
static int xs_op_txn_end(struct xs_req *req)
{
	const char *arg;
	int ret;

	if (!req->txn) {
		return -ENOENT;
	}
	if (xs_proto_get_args(req, &arg, 1) < 0 ||
		(strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0)) {
		return -EINVAL;
	}
	ret = xs_txn_end(req, arg[0] == 'T');
	if (ret == 0) {
		xs_reply_ok(req);
	}
	return ret;
}

const struct xs_op xs_ops_txn[] = {
	{XS_TRANSACTION_START, "TRANSACTION_START", false, false,
		xs_op_txn_start},
	{XS_TRANSACTION_END, "TRANSACTION_END", true, true, xs_op_txn_end},
};
const unsigned int xs_ops_txn_count =
	sizeof(xs_ops_txn) / sizeof(xs_ops_txn[0]);
