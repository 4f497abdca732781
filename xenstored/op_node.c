/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the handlers of docs/misc/xenstore.txt "Database
 * read, write and permissions operations": READ, WRITE, MKDIR, RM,
 * DIRECTORY, DIRECTORY_PART, GET_PERMS and SET_PERMS. Each parses its
 * payload, resolves the path and calls store.c; on success it replies.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

/** The single path argument of req, resolved; caller frees *path. */
static int xs_op_path_arg(struct xs_req *req, bool allow_special, char **path)
{
	const char *arg;
	int ret = xs_proto_get_args(req, &arg, 1);

	if (ret < 0) {
		return ret;
	}
	return xs_path_resolve(req->conn, arg, allow_special, path);
}

/** The node at path, if the connection may access it as want. */
static int xs_op_get_checked(struct xs_req *req, const char *path,
	unsigned int want, struct xs_node **out)
{
	struct xs_node *node;
	int ret = xs_store_get(req, path, &node);

	if (ret < 0) {
		return ret;
	}
	if (!xs_perms_allow(req->conn, node, want)) {
		xs_node_free(node);
		return -EACCES;
	}
	*out = node;
	return 0;
}

static int xs_op_read(struct xs_req *req)
{
	struct xs_node *node;
	char *path;
	int ret = xs_op_path_arg(req, false, &path);

	if (ret < 0) {
		return ret;
	}
	ret = xs_op_get_checked(req, path, XS_PERM_READ, &node);
	if (ret == 0) {
		xs_reply(req, node->value, node->value_len);
		xs_node_free(node);
	}
	free(path);
	return ret;
}

static int xs_op_write(struct xs_req *req)
{
	size_t plen = strnlen(req->payload, req->hdr.len);
	char *path;
	int ret;

	if (plen == req->hdr.len) {
		return -EINVAL; /* no NUL after the path */
	}
	ret = xs_path_resolve(req->conn, req->payload, false, &path);
	if (ret < 0) {
		return ret;
	}
	ret = xs_store_write(req, path, req->payload + plen + 1,
		req->hdr.len - plen - 1, false);
	if (ret == 0) {
		xs_reply_ok(req);
	}
	free(path);
	return ret;
}

static int xs_op_mkdir(struct xs_req *req)
{
	char *path;
	int ret = xs_op_path_arg(req, false, &path);

	if (ret < 0) {
		return ret;
	}
	ret = xs_store_write(req, path, "", 0, true);
	if (ret == 0) {
		xs_reply_ok(req);
	}
	free(path);
	return ret;
}

static int xs_op_rm(struct xs_req *req)
{
	char *path;
	int ret = xs_op_path_arg(req, false, &path);

	if (ret < 0) {
		return ret;
	}
	ret = xs_store_rm(req, path);
	if (ret == 0) {
		xs_reply_ok(req);
	}
	free(path);
	return ret;
}

/** The children of the readable node at path. */
static int xs_op_list(struct xs_req *req, const char *path, char **list,
	size_t *len, uint64_t *gencnt)
{
	struct xs_node *node;
	int ret = xs_op_get_checked(req, path, XS_PERM_READ, &node);

	if (ret < 0) {
		return ret;
	}
	xs_node_free(node);
	return xs_store_children(req, path, list, len, gencnt);
}

static int xs_op_directory(struct xs_req *req)
{
	uint64_t gencnt;
	char *path, *list = NULL;
	size_t len = 0;
	int ret = xs_op_path_arg(req, false, &path);

	if (ret < 0) {
		return ret;
	}
	ret = xs_op_list(req, path, &list, &len, &gencnt);
	if (ret == 0 && len > XENSTORE_PAYLOAD_MAX) {
		ret = -E2BIG;
	}
	if (ret == 0) {
		xs_reply(req, list, len);
	}
	free(list);
	free(path);
	return ret;
}

/**
 * DIRECTORY_PART <path>|<offset>|: "<gencnt>|" and the children from
 * byte offset of the full list, as many whole names as fit in one
 * payload; an empty name (a second NUL) ends the list.
 */
static int xs_op_directory_part(struct xs_req *req)
{
	const char *argv[2];
	char gen[24], *path, *list = NULL, *reply;
	size_t len = 0, genlen, off, take = 0, n;
	uint64_t gencnt, offset;
	int ret = xs_proto_get_args(req, argv, 2);

	if (ret == 0) {
		ret = xs_parse_uint(argv[1], UINT32_MAX, &offset);
	}
	if (ret < 0) {
		return -EINVAL;
	}
	ret = xs_path_resolve(req->conn, argv[0], false, &path);
	if (ret < 0) {
		return ret;
	}
	ret = xs_op_list(req, path, &list, &len, &gencnt);
	free(path);
	if (ret < 0) {
		return ret;
	}
	genlen = (size_t)snprintf(gen, sizeof(gen), "%" PRIu64, gencnt) + 1;
	off = offset < len ? (size_t)offset : len;
	while (off + take < len) {
		n = strlen(list + off + take) + 1;
		if (genlen + take + n + 1 > XENSTORE_PAYLOAD_MAX) {
			break;
		}
		take += n;
	}
	reply = malloc(genlen + take + 1);
	if (!reply) {
		free(list);
		return -ENOMEM;
	}
	memcpy(reply, gen, genlen);
	if (take) {
		memcpy(reply + genlen, list + off, take);
	}
	n = genlen + take;
	if (off + take == len) {
		reply[n++] = '\0';
	}
	xs_reply(req, reply, n);
	free(reply);
	free(list);
	return 0;
}

static int xs_op_get_perms(struct xs_req *req)
{
	struct xs_node *node;
	char *path, *perms;
	size_t len;
	int ret = xs_op_path_arg(req, true, &path);

	if (ret < 0) {
		return ret;
	}
	ret = xs_op_get_checked(req, path, XS_PERM_READ, &node);
	free(path);
	if (ret < 0) {
		return ret;
	}
	ret = xs_perms_format(node->perms, node->perm_count, &perms, &len);
	if (ret == 0) {
		xs_reply(req, perms, len);
		free(perms);
	}
	xs_node_free(node);
	return ret;
}

static int xs_op_set_perms(struct xs_req *req)
{
	unsigned int count = xs_proto_count_strings(req->payload, req->hdr.len);
	struct xs_perm *perms;
	size_t plen;
	char *path;
	int ret;

	if (count < 2 || req->payload[req->hdr.len - 1] != '\0') {
		return -EINVAL;
	}
	plen = strlen(req->payload) + 1;
	ret = xs_perms_parse(
		req->payload + plen, req->hdr.len - plen, count - 1, &perms);
	if (ret < 0) {
		return ret;
	}
	ret = xs_path_resolve(req->conn, req->payload, true, &path);
	if (ret == 0) {
		ret = xs_store_set_perms(req, path, perms, count - 1);
		free(path);
	}
	if (ret == 0) {
		xs_reply_ok(req);
	}
	free(perms);
	return ret;
}

const struct xs_op xs_ops_node[] = {
	{XS_READ, "READ", false, true, xs_op_read},
	{XS_WRITE, "WRITE", true, true, xs_op_write},
	{XS_MKDIR, "MKDIR", true, true, xs_op_mkdir},
	{XS_RM, "RM", true, true, xs_op_rm},
	{XS_DIRECTORY, "DIRECTORY", false, true, xs_op_directory},
	{XS_DIRECTORY_PART, "DIRECTORY_PART", false, true,
		xs_op_directory_part},
	{XS_GET_PERMS, "GET_PERMS", false, true, xs_op_get_perms},
	{XS_SET_PERMS, "SET_PERMS", true, true, xs_op_set_perms},
};
const unsigned int xs_ops_node_count =
	sizeof(xs_ops_node) / sizeof(xs_ops_node[0]);
