/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore restore [PATH] < FILE: write a `xenstore dump` document back,
 * at PATH or else at the document's "path", inside one transaction that is
 * retried (up to 5 times) when the commit meets EAGAIN. Every node of the
 * document is written with its value and, when its perms array is not
 * empty, its permissions; nodes already in the store and absent from the
 * document are left alone (a merge, not a replacement). The value of the
 * store's root "/" is never written. A malformed document writes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_restore_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_restore_entry = {
	.cmd_name = "restore",
	.cmd_usage = "[-h] [PATH] < FILE",
	.cmd_extension = true,
	.cmd_exec = cmd_restore_exec,
};

/** Restore attempts before giving up on EAGAIN. */
#define CMD_RESTORE_TRIES 5

struct cmd_restore_ctx {
	const char *path;
	const json_t *node;
	char *failed;
};

static int cmd_restore_opt(int opt, const char *arg, void *ctx)
{
	return 0;
}

/**
 * Check a node and its children before anything is written: a name
 * without '/', a decodable value, perms strings, children nodes. -EINVAL
 * otherwise.
 */
static int cmd_restore_check(const json_t *node, bool top)
{
	const json_t *perms = json_object_get(node, "perms");
	const json_t *children = json_object_get(node, "children");
	const json_t *name = json_object_get(node, "name");
	const json_t *item;
	size_t i, len;
	char *val;

	if (!json_is_object(node) || !json_is_string(name) ||
		(!top && (json_string_length(name) == 0 ||
				 strchr(json_string_value(name), '/')))) {
		return -EINVAL;
	}
	if (cli_json_get_value(node, &val, &len) < 0) {
		return -EINVAL;
	}
	free(val);
	if ((perms != NULL && !json_is_array(perms)) ||
		(children != NULL && !json_is_array(children))) {
		return -EINVAL;
	}
	json_array_foreach(perms, i, item)
	{
		if (!json_is_string(item)) {
			return -EINVAL;
		}
	}
	json_array_foreach(children, i, item)
	{
		if (cmd_restore_check(item, false) < 0) {
			return -EINVAL;
		}
	}
	return 0;
}

/** Set the perms array of node on path, when it has any. */
static int cmd_restore_perms(
	struct cli *cli, uint32_t tx_id, const char *path, const json_t *node)
{
	const json_t *perms = json_object_get(node, "perms");
	const char **strs;
	size_t count = json_array_size(perms), i;
	int rc;

	if (count == 0) {
		return 0;
	}
	strs = calloc(count, sizeof(*strs));
	if (strs == NULL) {
		return -ENOMEM;
	}
	for (i = 0; i < count; i++) {
		strs[i] = json_string_value(json_array_get(perms, i));
	}
	rc = xsc_set_perms(
		cli->cli_xsc, tx_id, path, strs, (unsigned int)count);
	free(strs);
	return rc;
}

/** Write node at path, then its children. */
static int cmd_restore_node(struct cli *cli, struct cmd_restore_ctx *r,
	uint32_t tx_id, const char *path, const json_t *node)
{
	const json_t *child;
	char *val, *sub;
	size_t len, i;
	int rc = 0;

	if (strcmp(path, "/") != 0) {
		rc = cli_json_get_value(node, &val, &len);
		if (rc == 0) {
			rc = xsc_write(cli->cli_xsc, tx_id, path, val, len);
			free(val);
		}
	}
	if (rc == 0) {
		rc = cmd_restore_perms(cli, tx_id, path, node);
	}
	if (rc < 0) {
		r->failed = r->failed != NULL ? r->failed : strdup(path);
		return rc;
	}
	json_array_foreach(json_object_get(node, "children"), i, child)
	{
		sub = cli_path_join(path,
			json_string_value(json_object_get(child, "name")));
		rc = sub == NULL ? -ENOMEM
				 : cmd_restore_node(cli, r, tx_id, sub, child);
		free(sub);
		if (rc < 0) {
			break;
		}
	}
	return rc;
}

static int cmd_restore_tx(struct cli *cli, uint32_t tx_id, void *ctx)
{
	struct cmd_restore_ctx *r = ctx;

	free(r->failed);
	r->failed = NULL;
	return cmd_restore_node(cli, r, tx_id, r->path, r->node);
}

static int cmd_restore_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_restore_ctx r = {0};
	json_error_t jerr;
	json_t *doc;
	int first, rc = 1;

	first = cli_getopt(cli, argc, argv, "s", cmd_restore_opt, NULL);
	if (first < 0 || argc - first > 1) {
		return cli_usage(cli);
	}
	doc = json_loadf(stdin, 0, &jerr);
	if (doc == NULL) {
		cli_warnx(cli, "invalid dump on standard input: line %d: %s",
			jerr.line, jerr.text);
		return 1;
	}
	r.node = json_object_get(doc, "node");
	r.path = first < argc ? argv[first]
			      : json_string_value(json_object_get(doc, "path"));
	if (r.path == NULL || r.path[0] != '/' ||
		cmd_restore_check(r.node, true) < 0) {
		cli_warnx(cli, "invalid dump on standard input");
		goto out;
	}
	if (cli_connect(cli) < 0) {
		goto out;
	}
	rc = cli_transaction(cli, CMD_RESTORE_TRIES, cmd_restore_tx, &r);
	if (rc < 0) {
		cli_warn(cli, rc, "could not restore path %s",
			r.failed != NULL ? r.failed : r.path);
	}
	rc = rc < 0 ? 1 : 0;
out:
	free(r.failed);
	json_decref(doc);
	return rc;
}
