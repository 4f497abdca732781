/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-ls [-f] [-p] [-s] [-w] [path...]: print the subtree below each
 * path in turn (default "/") as the 4.17 tool does:
 *
 *   name = "escaped value"      one line per node, indented one space per
 *                               level (-f: the full path, no indent);
 *   . . . .  (b0,r1)            -p: dots to column min(60, width), then
 *                               the permissions; no dots with -f;
 *   name:                       the value could not be read.
 *
 * Without -f a value longer than the width allows (width: the terminal's
 * columns minus 2, or 80 when stdout is no terminal) is cut to
 * width - (name column) - 8 escaped characters and ends in \...". -w (ours)
 * never cuts. A directory that cannot be listed ends the walk (exit 1).
 * -w is ours (the 4.17 tool warns about it and ignores it); the usage
 * line stays the 4.17 one. With --json (one path at most): {path, nodes:
 * [{path, value[, encoding][, perms]}]}, depth first, below path only.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xs_cli.h"

/** " = \"...\"": what a cut value adds around its text. */
#define CMD_LS_TAG_LEN 8
/** The permission column never starts right of this. */
#define CMD_LS_PERM_COLUMN 60

static int cmd_ls_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_ls_entry = {
	.cmd_name = "ls",
	.cmd_usage = "[-h] [-f] [-p] [-s] [path]",
	.cmd_exec = cmd_ls_exec,
};

struct cmd_ls_ctx {
	bool full;
	bool perms;
	bool wide;
	int width;
	json_t *nodes; /* --json */
};

static int cmd_ls_opt(int opt, const char *arg, void *ctx)
{
	struct cmd_ls_ctx *l = ctx;

	if (opt == 'f') {
		l->full = true;
	} else if (opt == 'p') {
		l->perms = true;
	} else if (opt == 'w') {
		l->wide = true;
	}
	return 0;
}

/** The permission list "b0,r1" of path; NULL when it cannot be read. */
static char *cmd_ls_perms(struct cli *cli, const char *path, int *err)
{
	unsigned int count, i;
	size_t len = 1;
	char **perms;
	char *out;

	*err = xsc_get_perms(cli->cli_xsc, 0, path, &perms, &count);
	if (*err < 0) {
		return NULL;
	}
	for (i = 0; i < count; i++) {
		len += strlen(perms[i]) + 1;
	}
	out = calloc(1, len);
	for (i = 0; i < count && out != NULL; i++) {
		strcat(out, perms[i]);
		strcat(out, i + 1 < count ? "," : "");
	}
	free(perms);
	return out;
}

/** Print " = \"value\"" (cut when too wide); returns the new column. */
static int cmd_ls_value(
	struct cmd_ls_ctx *l, int col, const char *val, size_t len, bool *cut)
{
	char *esc = cli_escape(val, len);
	int room;

	if (esc == NULL) {
		esc = strdup("");
	}
	*cut = !l->full && (size_t)l->width < col + len + CMD_LS_TAG_LEN;
	if (*cut) {
		room = l->width - col - CMD_LS_TAG_LEN;
		printf(" = \"%.*s\\...\"", room > 0 ? room : 0, esc);
	} else {
		col += printf(" = \"%s\"", esc);
	}
	free(esc);
	return col;
}

/** The "  (perms)" column of -p, with its dot leader. */
static void cmd_ls_perm_column(struct cli *cli, struct cmd_ls_ctx *l,
	const char *path, const char *name, int col, bool cut)
{
	int limit =
		l->width < CMD_LS_PERM_COLUMN ? l->width : CMD_LS_PERM_COLUMN;
	char *perms;
	int err;

	if (!cut) {
		putchar(' ');
		col++;
		for (; !l->full && col < limit; col++) {
			putchar(col & 1 ? '.' : ' ');
		}
	}
	perms = cmd_ls_perms(cli, path, &err);
	if (perms == NULL) {
		cli_warn(cli, err, "\ncould not access permissions for %s",
			name);
		return;
	}
	printf("  (%s)", perms);
	free(perms);
}

/** One node's line in the classic format. */
static void cmd_ls_line(struct cli *cli, struct cmd_ls_ctx *l, const char *path,
	const char *name, int depth)
{
	bool cut = false;
	char *val;
	size_t len;
	int col;

	if (l->full) {
		col = printf("%s", path);
	} else {
		col = printf("%*s%s", depth, "", name);
	}
	if (xsc_read(cli->cli_xsc, 0, path, &val, &len) == 0) {
		col = cmd_ls_value(l, col, val, len, &cut);
		free(val);
	} else {
		printf(":\n");
	}
	if (l->perms) {
		cmd_ls_perm_column(cli, l, path, name, col, cut);
	}
	putchar('\n');
}

/** One node as a JSON object appended to l->nodes. */
static int cmd_ls_json(struct cli *cli, struct cmd_ls_ctx *l, const char *path)
{
	json_t *node, *arr;
	unsigned int count, i;
	char **perms;
	char *val;
	size_t len;
	int rc;

	rc = xsc_read(cli->cli_xsc, 0, path, &val, &len);
	if (rc < 0) {
		cli_warn(cli, rc, "couldn't read path %s", path);
		return rc;
	}
	node = json_pack("{s:s}", "path", path);
	cli_json_set_value(node, val, len);
	free(val);
	json_array_append_new(l->nodes, node);
	if (!l->perms) {
		return 0;
	}
	rc = xsc_get_perms(cli->cli_xsc, 0, path, &perms, &count);
	if (rc < 0) {
		cli_warn(cli, rc, "could not access permissions for %s", path);
		return rc;
	}
	arr = json_array();
	for (i = 0; i < count; i++) {
		json_array_append_new(arr, json_string(perms[i]));
	}
	json_object_set_new(node, "perms", arr);
	free(perms);
	return 0;
}

/** Walk the children of path, depth first. */
static int cmd_ls_walk(
	struct cli *cli, struct cmd_ls_ctx *l, const char *path, int depth)
{
	unsigned int count, i;
	char **names;
	char *child;
	int rc;

	rc = xsc_directory(cli->cli_xsc, 0, path, &names, &count);
	if (rc < 0) {
		cli_warn(cli, rc, "xs_directory (%s)", path);
		return rc;
	}
	for (i = 0; i < count && rc == 0; i++) {
		child = cli_path_join(path, names[i]);
		if (child == NULL) {
			rc = -ENOMEM;
			break;
		}
		if (l->nodes != NULL) {
			rc = cmd_ls_json(cli, l, child);
		} else {
			cmd_ls_line(cli, l, child, names[i], depth);
		}
		if (rc == 0) {
			rc = cmd_ls_walk(cli, l, child, depth + 1);
		}
		free(child);
	}
	free(names);
	return rc;
}

/** The line width: terminal columns minus 2, else 80; -w: unlimited. */
static int cmd_ls_width(const struct cmd_ls_ctx *l)
{
	struct winsize ws;

	if (l->wide) {
		return INT_MAX / 2;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		return ws.ws_col - 2;
	}
	return 80;
}

static int cmd_ls_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_ls_ctx l = {0};
	char *root[] = {"/"};
	char **paths = root;
	int first, count = 1, i, rc = 0;
	json_t *doc;

	first = cli_getopt(cli, argc, argv, "fpsw", cmd_ls_opt, &l);
	if (first < 0 || (cli->cli_json && argc - first > 1)) {
		return cli_usage(cli);
	}
	if (first < argc) {
		paths = argv + first;
		count = argc - first;
	}
	l.width = cmd_ls_width(&l);
	if (cli_connect(cli) < 0) {
		return 1;
	}
	if (cli->cli_json) {
		l.nodes = json_array();
	}
	for (i = 0; i < count && rc == 0; i++) {
		rc = cmd_ls_walk(cli, &l, paths[i], 0);
	}
	if (rc == 0 && cli->cli_json) {
		doc = json_pack(
			"{s:s,s:O}", "path", paths[0], "nodes", l.nodes);
		rc = cli_json_print(cli, doc) == 0 ? 0 : -EIO;
		json_decref(doc);
	}
	json_decref(l.nodes);
	return rc < 0 ? 1 : 0;
}
