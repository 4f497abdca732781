/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore dump [PATH]: print the subtree at PATH (default "/") as one
 * JSON document, read inside one transaction so that it is a consistent
 * snapshot:
 *
 *   {"path": "/a", "node": {"name": "a", "value": "...",
 *    ["encoding": "base64",] "perms": ["n0"], "children": [...]}}
 *
 * The root node's name is its leaf name ("/" for the store's root).
 * Values that are not printable UTF-8 are base64 with "encoding".
 * Schema: schemas/cli-output.schema.json ($defs/dump).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_dump_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_dump_entry = {
	.cmd_name = "dump",
	.cmd_usage = "[-h] [PATH]",
	.cmd_extension = true,
	.cmd_exec = cmd_dump_exec,
};

struct cmd_dump_ctx {
	const char *path;
	json_t *doc;
	const char *failed;
	char *failed_copy;
};

static int cmd_dump_opt(int opt, const char *arg, void *ctx)
{
	return 0;
}

/** Remember the first path that failed, for the message. */
static int cmd_dump_fail(struct cmd_dump_ctx *d, const char *path, int rc)
{
	if (d->failed_copy == NULL) {
		d->failed_copy = strdup(path);
	}
	return rc;
}

/** The array of permission strings of path, or NULL (rc set). */
static json_t *cmd_dump_perms(
	struct cli *cli, uint32_t tx_id, const char *path, int *rc)
{
	unsigned int count, i;
	json_t *arr;
	char **perms;

	*rc = xsc_get_perms(cli->cli_xsc, tx_id, path, &perms, &count);
	if (*rc < 0) {
		return NULL;
	}
	arr = json_array();
	for (i = 0; i < count; i++) {
		json_array_append_new(arr, json_string(perms[i]));
	}
	free(perms);
	return arr;
}

/** Build the node at path and, recursively, its children into *out. */
static int cmd_dump_node(struct cli *cli, struct cmd_dump_ctx *d,
	uint32_t tx_id, const char *path, const char *name, json_t **out)
{
	json_t *node, *perms, *children, *child_node;
	unsigned int count = 0, i;
	char **names = NULL;
	char *val, *child;
	size_t len;
	int rc;

	rc = xsc_read(cli->cli_xsc, tx_id, path, &val, &len);
	if (rc < 0) {
		return cmd_dump_fail(d, path, rc);
	}
	node = json_pack("{s:s}", "name", name);
	cli_json_set_value(node, val, len);
	free(val);
	perms = cmd_dump_perms(cli, tx_id, path, &rc);
	if (rc == 0) {
		json_object_set_new(node, "perms", perms);
		rc = xsc_directory(cli->cli_xsc, tx_id, path, &names, &count);
	}
	if (rc < 0) {
		json_decref(node);
		return cmd_dump_fail(d, path, rc);
	}
	children = json_array();
	json_object_set_new(node, "children", children);
	for (i = 0; i < count && rc == 0; i++) {
		child = cli_path_join(path, names[i]);
		rc = child == NULL ? -ENOMEM
				   : cmd_dump_node(cli, d, tx_id, child,
					     names[i], &child_node);
		if (rc == 0) {
			json_array_append_new(children, child_node);
		}
		free(child);
	}
	free(names);
	if (rc < 0) {
		json_decref(node);
		return rc;
	}
	*out = node;
	return 0;
}

/** Transaction body: build d->doc. Ends with -ECANCELED so it aborts. */
static int cmd_dump_tx(struct cli *cli, uint32_t tx_id, void *ctx)
{
	struct cmd_dump_ctx *d = ctx;
	const char *leaf = strrchr(d->path, '/');
	json_t *node;
	int rc;

	free(d->failed_copy);
	d->failed_copy = NULL;
	leaf = (leaf == NULL || leaf[1] == '\0') ? d->path : leaf + 1;
	rc = cmd_dump_node(cli, d, tx_id, d->path, leaf, &node);
	if (rc < 0) {
		return rc;
	}
	json_decref(d->doc);
	d->doc = json_pack("{s:s,s:o}", "path", d->path, "node", node);
	/* Nothing to commit: abort the read-only transaction. */
	return -ECANCELED;
}

static int cmd_dump_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_dump_ctx d = {.path = "/"};
	int first, rc;

	first = cli_getopt(cli, argc, argv, "s", cmd_dump_opt, NULL);
	if (first < 0 || argc - first > 1) {
		return cli_usage(cli);
	}
	if (first < argc) {
		d.path = argv[first];
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	rc = cli_transaction(cli, 5, cmd_dump_tx, &d);
	if (rc == -ECANCELED && d.doc != NULL) {
		rc = cli_json_print(cli, d.doc) == 0 ? 0 : -EIO;
	} else {
		cli_warn(cli, rc, "could not dump path %s",
			d.failed_copy != NULL ? d.failed_copy : d.path);
	}
	json_decref(d.doc);
	free(d.failed_copy);
	return rc < 0 ? 1 : 0;
}
