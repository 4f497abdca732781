/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-chmod [-u] [-r] [-s] key mode...: set the permissions of key
 * (-r: and of all its descendants, parents first; -u: and of all its
 * ancestors below "/"), in one transaction. A mode is a letter r, w, b or
 * n and a domid; the domid is read as the 4.17 tool reads it (leading
 * digits, none meaning 0) and sent back in decimal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_chmod_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_chmod_entry = {
	.cmd_name = "chmod",
	.cmd_usage = "[-h] [-u] [-r] [-s] key <mode [modes...]>",
	.cmd_exec = cmd_chmod_exec,
};

struct cmd_chmod_ctx {
	bool recurse;
	bool upto;
	const char *key;
	char **perms;
	unsigned int count;
	const char *failed;
};

static int cmd_chmod_opt(int opt, const char *arg, void *ctx)
{
	struct cmd_chmod_ctx *c = ctx;

	if (opt == 'r') {
		c->recurse = true;
	} else if (opt == 'u') {
		c->upto = true;
	}
	return 0;
}

/** Set the perms on path and, with -r, its subtree. */
static int cmd_chmod_one(struct cli *cli, struct cmd_chmod_ctx *c,
	uint32_t tx_id, const char *path)
{
	unsigned int count = 0, i;
	char **names = NULL;
	char *child;
	int rc;

	rc = xsc_set_perms(cli->cli_xsc, tx_id, path,
		(const char *const *)c->perms, c->count);
	if (rc < 0) {
		c->failed = path;
		return rc;
	}
	if (c->recurse) {
		rc = xsc_directory(cli->cli_xsc, tx_id, path, &names, &count);
	}
	for (i = 0; i < count && rc == 0; i++) {
		child = cli_path_join(path, names[i]);
		rc = child == NULL ? -ENOMEM
				   : cmd_chmod_one(cli, c, tx_id, child);
		if (rc < 0 && c->failed == child) {
			/* Report the key given, as the 4.17 tool does. */
			c->failed = c->key;
		}
		free(child);
	}
	free(names);
	return rc;
}

static int cmd_chmod_apply(struct cli *cli, uint32_t tx_id, void *ctx)
{
	struct cmd_chmod_ctx *c = ctx;
	char *up, *slash;
	int rc;

	c->failed = NULL;
	rc = cmd_chmod_one(cli, c, tx_id, c->key);
	if (rc < 0 || !c->upto) {
		return rc;
	}
	up = strdup(c->key);
	if (up == NULL) {
		return -ENOMEM;
	}
	while (rc == 0 && (slash = strrchr(up, '/')) != NULL && slash != up) {
		*slash = '\0';
		rc = xsc_set_perms(cli->cli_xsc, tx_id, up,
			(const char *const *)c->perms, c->count);
	}
	if (rc < 0) {
		c->failed = c->key;
	}
	free(up);
	return rc;
}

/** Normalise the modes in place ("r" -> "r0"); -EINVAL names the bad one. */
static int cmd_chmod_parse(struct cli *cli, char **modes, unsigned int count)
{
	unsigned int i;
	long id;

	for (i = 0; i < count; i++) {
		if (strchr("rwbn", modes[i][0]) == NULL ||
			modes[i][0] == '\0') {
			cli_warnx(cli, "Invalid permission specification: '%c'",
				modes[i][0]);
			return -EINVAL;
		}
		id = strtol(modes[i] + 1, NULL, 10);
		if (asprintf(&modes[i], "%c%d", modes[i][0],
			    (int)(unsigned int)id) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

static int cmd_chmod_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_chmod_ctx c = {0};
	unsigned int i;
	int first, rc = 1;

	first = cli_getopt(cli, argc, argv, "urs", cmd_chmod_opt, &c);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	c.key = argv[first];
	c.count = (unsigned int)(argc - first - 1);
	c.perms = calloc(c.count + 1, sizeof(char *));
	if (c.perms == NULL) {
		return 1;
	}
	memcpy(c.perms, argv + first + 1, c.count * sizeof(char *));
	if (cmd_chmod_parse(cli, c.perms, c.count) < 0) {
		goto out;
	}
	if (cli_connect(cli) < 0) {
		goto out;
	}
	rc = cli_transaction(cli, 5, cmd_chmod_apply, &c);
	if (rc < 0) {
		cli_warn(cli, rc, "Error occurred setting permissions on '%s'",
			c.failed != NULL ? c.failed : c.key);
	}
	rc = rc < 0 ? 1 : 0;
out:
	for (i = 0; i < c.count; i++) {
		if (c.perms[i] != argv[first + 1 + i]) {
			free(c.perms[i]);
		}
	}
	free(c.perms);
	return rc;
}
