/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-read [-p] [-s] [-R] key...: print each key's value, escaped as
 * the 4.17 tools do unless -R (raw, no newline). -p prefixes "key: ".
 * Stops at the first key that cannot be read (exit 1). With --json: an
 * array of {path, value[, encoding]}, printed only when all keys were read.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xs_cli.h"

static int cmd_read_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_read_entry = {
	.cmd_name = "read",
	.cmd_usage = "[-h] [-p] [-s] [-R] key [...]",
	.cmd_exec = cmd_read_exec,
};

struct cmd_read_opts {
	bool prefix;
	bool raw;
};

static int cmd_read_opt(int opt, const char *arg, void *ctx)
{
	struct cmd_read_opts *o = ctx;

	if (opt == 'p') {
		o->prefix = true;
	} else if (opt == 'R') {
		o->raw = true;
	}
	return 0;
}

/** Print one value in the classic format. */
static void cmd_read_print(const struct cmd_read_opts *o, const char *path,
	const char *val, size_t len)
{
	char *esc;

	if (o->prefix) {
		printf("%s: ", path);
	}
	if (o->raw) {
		fwrite(val, 1, len, stdout);
		return;
	}
	esc = cli_escape(val, len);
	printf("%s\n", esc != NULL ? esc : "");
	free(esc);
}

static int cmd_read_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_read_opts o = {0};
	json_t *doc = NULL, *item;
	char *val;
	size_t len;
	int i, first, rc = 1;

	first = cli_getopt(cli, argc, argv, "psR", cmd_read_opt, &o);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	doc = json_array();
	for (i = first; i < argc; i++) {
		if (xsc_read(cli->cli_xsc, 0, argv[i], &val, &len) < 0) {
			cli_warnx(cli, "couldn't read path %s", argv[i]);
			goto out;
		}
		if (cli->cli_json) {
			item = json_pack("{s:s}", "path", argv[i]);
			cli_json_set_value(item, val, len);
			json_array_append_new(doc, item);
		} else {
			cmd_read_print(&o, argv[i], val, len);
		}
		free(val);
	}
	rc = cli->cli_json ? cli_json_print(cli, doc) : 0;
out:
	json_decref(doc);
	return rc;
}
