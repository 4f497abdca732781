/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-exists [-s] key...: exit 0 when every key exists, 1 otherwise,
 * printing nothing (the 4.17 tool takes no other flag: -p prints usage).
 * With --json: an array of {path, exists}, same exit status.
 */
#include <stdlib.h>

#include "xs_cli.h"

static int cmd_exists_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_exists_entry = {
	.cmd_name = "exists",
	.cmd_usage = "[-h] [-p] [-s] key [...]",
	.cmd_exec = cmd_exists_exec,
};

static int cmd_exists_opt(int opt, const char *arg, void *ctx)
{
	/* -p is listed by the 4.17 usage text yet refused by the tool. */
	return opt == 'p' ? -1 : 0;
}

static int cmd_exists_exec(struct cli *cli, int argc, char **argv)
{
	json_t *doc;
	bool found;
	char *val;
	size_t len;
	int i, first, rc = 0;

	first = cli_getopt(cli, argc, argv, "ps", cmd_exists_opt, NULL);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	doc = json_array();
	for (i = first; i < argc; i++) {
		found = xsc_read(cli->cli_xsc, 0, argv[i], &val, &len) == 0;
		if (found) {
			free(val);
		}
		if (!found) {
			rc = 1;
		}
		if (!cli->cli_json && !found) {
			break;
		}
		json_array_append_new(doc, json_pack("{s:s,s:b}", "path",
						   argv[i], "exists", found));
	}
	if (cli->cli_json && cli_json_print(cli, doc) != 0) {
		rc = 1;
	}
	json_decref(doc);
	return rc;
}
