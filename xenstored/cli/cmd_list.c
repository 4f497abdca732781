/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-list [-p] [-s] key...: print the children of each key, one per
 * line; -p prints "key/child" (plain concatenation, so "/" gives "//a",
 * as the 4.17 tool prints). With --json: an array of {path, children}.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xs_cli.h"

static int cmd_list_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_list_entry = {
	.cmd_name = "list",
	.cmd_usage = "[-h] [-p] [-s] key [...]",
	.cmd_exec = cmd_list_exec,
};

static int cmd_list_opt(int opt, const char *arg, void *ctx)
{
	bool *prefix = ctx;

	if (opt == 'p') {
		*prefix = true;
	}
	return 0;
}

/** Add {path, children} for one key to the JSON array doc. */
static void cmd_list_json(
	json_t *doc, const char *path, char **names, unsigned int count)
{
	json_t *children = json_array();
	unsigned int j;

	for (j = 0; j < count; j++) {
		json_array_append_new(children, json_string(names[j]));
	}
	json_array_append_new(doc,
		json_pack("{s:s,s:o}", "path", path, "children", children));
}

static int cmd_list_exec(struct cli *cli, int argc, char **argv)
{
	json_t *doc = NULL;
	bool prefix = false;
	unsigned int count, j;
	char **names;
	int i, first, rc = 1;

	first = cli_getopt(cli, argc, argv, "ps", cmd_list_opt, &prefix);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	doc = json_array();
	for (i = first; i < argc; i++) {
		if (xsc_directory(cli->cli_xsc, 0, argv[i], &names, &count) <
			0) {
			cli_warnx(cli, "could not list path %s", argv[i]);
			goto out;
		}
		if (cli->cli_json) {
			cmd_list_json(doc, argv[i], names, count);
		}
		for (j = 0; j < count && !cli->cli_json; j++) {
			printf("%s%s%s\n", prefix ? argv[i] : "",
				prefix ? "/" : "", names[j]);
		}
		free(names);
	}
	rc = cli->cli_json ? cli_json_print(cli, doc) : 0;
out:
	json_decref(doc);
	return rc;
}
