/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-rm [-s] [-t] key...: remove each key and its subtree, in one
 * transaction. -t then removes each parent left without children and with
 * an empty value, walking up towards the root (as the 4.17 tool does).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_rm_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_rm_entry = {
	.cmd_name = "rm",
	.cmd_usage = "[-h] [-s] [-t] key [...]",
	.cmd_exec = cmd_rm_exec,
};

struct cmd_rm_ctx {
	bool tidy;
	int count;
	char **keys;
	const char *failed;
};

static int cmd_rm_opt(int opt, const char *arg, void *ctx)
{
	struct cmd_rm_ctx *r = ctx;

	if (opt == 't') {
		r->tidy = true;
	}
	return 0;
}

/** True when path has no children and an empty value (ENOENT: false). */
static bool cmd_rm_is_bare(struct cli *cli, uint32_t tx_id, const char *path)
{
	unsigned int count = 1;
	char **names = NULL;
	char *val = NULL;
	size_t len = 1;

	if (xsc_directory(cli->cli_xsc, tx_id, path, &names, &count) == 0) {
		free(names);
	}
	if (count == 0 &&
		xsc_read(cli->cli_xsc, tx_id, path, &val, &len) == 0) {
		free(val);
	}
	return count == 0 && len == 0;
}

/** -t: remove the bare ancestors of path, nearest first; stops at "/". */
static int cmd_rm_tidy(struct cli *cli, uint32_t tx_id, const char *path)
{
	char *parent, *slash;
	int rc = 0;

	parent = strdup(path);
	if (parent == NULL) {
		return -ENOMEM;
	}
	for (;;) {
		slash = strrchr(parent, '/');
		if (slash == NULL || slash == parent) {
			break;
		}
		*slash = '\0';
		if (!cmd_rm_is_bare(cli, tx_id, parent)) {
			break;
		}
		rc = xsc_rm(cli->cli_xsc, tx_id, parent);
		if (rc < 0) {
			break;
		}
	}
	free(parent);
	return rc;
}

static int cmd_rm_keys(struct cli *cli, uint32_t tx_id, void *ctx)
{
	struct cmd_rm_ctx *r = ctx;
	int i, rc = 0;

	for (i = 0; i < r->count && rc == 0; i++) {
		rc = xsc_rm(cli->cli_xsc, tx_id, r->keys[i]);
		if (rc == 0 && r->tidy) {
			rc = cmd_rm_tidy(cli, tx_id, r->keys[i]);
		}
		if (rc < 0) {
			r->failed = r->keys[i];
		}
	}
	return rc;
}

static int cmd_rm_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_rm_ctx r = {0};
	int first, rc;

	first = cli_getopt(cli, argc, argv, "st", cmd_rm_opt, &r);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	r.count = argc - first;
	r.keys = argv + first;
	if (cli_connect(cli) < 0) {
		return 1;
	}
	rc = cli_transaction(cli, 5, cmd_rm_keys, &r);
	if (rc < 0 && r.failed != NULL) {
		cli_warnx(cli, "could not remove path %s", r.failed);
	} else if (rc < 0) {
		cli_warn(cli, rc, "couldn't end transaction");
	}
	return rc < 0 ? 1 : 0;
}
