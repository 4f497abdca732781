/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-watch [-n NR] key...: watch each key (token: the key) and
 * print the path of every event, one per line, flushed at once. The
 * first event of each watch is the one the store fires on registration.
 * -n NR exits after NR events; NR read as the 4.17 tool reads it, so 0
 * or a non-number exits at once and a negative NR never stops.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xs_cli.h"

static int cmd_watch_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_watch_entry = {
	.cmd_name = "watch",
	.cmd_usage = "[-h] [-n NR] key",
	.cmd_exec = cmd_watch_exec,
};

static int cmd_watch_opt(int opt, const char *arg, void *ctx)
{
	int *max = ctx;

	if (opt == 'n') {
		*max = atoi(arg);
	}
	return 0;
}

static int cmd_watch_exec(struct cli *cli, int argc, char **argv)
{
	char *path, *token;
	int max = -1, i, first, rc;

	first = cli_getopt(cli, argc, argv, "sn:", cmd_watch_opt, &max);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	for (i = first; i < argc; i++) {
		rc = xsc_watch(cli->cli_xsc, argv[i], argv[i]);
		if (rc < 0) {
			cli_warn(cli, rc, "could not watch path %s", argv[i]);
			return 1;
		}
	}
	while (max != 0) {
		rc = xsc_read_watch(cli->cli_xsc, -1, &path, &token);
		if (rc < 0) {
			cli_warn(cli, rc, "could not read watch event");
			return 1;
		}
		printf("%s\n", path);
		fflush(stdout);
		free(path);
		free(token);
		if (max > 0) {
			max--;
		}
	}
	return 0;
}
