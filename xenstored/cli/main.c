/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry point of the `xenstore` multi-call binary: picks the verb from
 * basename(argv[0]) ("xenstore-read") or from the first operand
 * (`xenstore [--json] [-s] read ...`) and runs its descriptor.
 *
 * Invariants:
 *  1. The table lists each verb once; extensions (cmd_extension) are only
 *     reachable through `xenstore <verb>`.
 *  2. The connection is opened by the verb after its arguments are checked,
 *     so usage errors never need a running daemon (as in the 4.17 tools).
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

/** Every verb, in the order `xenstore` lists them. */
static const struct cli_cmd *const cli_cmds[] = {
	&cmd_read_entry,
	&cmd_write_entry,
	&cmd_ls_entry,
	&cmd_rm_entry,
	&cmd_list_entry,
	&cmd_exists_entry,
	&cmd_chmod_entry,
	&cmd_watch_entry,
	&cmd_control_entry,
	&cmd_dump_entry,
	&cmd_restore_entry,
	&cmd_stats_entry,
};

#define CLI_CMD_COUNT (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

/** The verb called name, or NULL. */
static const struct cli_cmd *cli_find(const char *name, bool multicall)
{
	size_t i;

	for (i = 0; i < CLI_CMD_COUNT; i++) {
		if (strcmp(cli_cmds[i]->cmd_name, name) == 0 &&
			(multicall || !cli_cmds[i]->cmd_extension)) {
			return cli_cmds[i];
		}
	}
	return NULL;
}

/** `xenstore` without a usable verb: list the verbs; exit status 1. */
static int cli_main_usage(const char *argv0)
{
	size_t i;

	fprintf(stderr,
		"xenstore: Usage: %s [--json] [-s] <command> [-h] [...]\n",
		argv0);
	fprintf(stderr, "commands:\n");
	for (i = 0; i < CLI_CMD_COUNT; i++) {
		fprintf(stderr, "  %s %s\n", cli_cmds[i]->cmd_name,
			cli_cmds[i]->cmd_usage);
	}
	return 1;
}

/**
 * `xenstore [--json] [-s] <verb> args...`: consume the global flags and
 * the verb; *argv_io then starts at the verb (its argv[0]).
 */
static int cli_multicall(struct cli *cli, int *argc_io, char ***argv_io)
{
	char **argv = *argv_io;
	int argc = *argc_io, i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--json") == 0) {
			cli->cli_json = true;
		} else if (strcmp(argv[i], "-s") != 0) {
			return cli_main_usage(argv[0]);
		}
		i++;
	}
	if (i >= argc) {
		return cli_main_usage(argv[0]);
	}
	cli->cli_cmd = cli_find(argv[i], true);
	if (cli->cli_cmd == NULL) {
		fprintf(stderr, "xenstore: unknown command %s\n", argv[i]);
		return cli_main_usage(argv[0]);
	}
	if (asprintf((char **)&cli->cli_usage_name, "%s %s", argv[0], argv[i]) <
		0) {
		return 1;
	}
	*argc_io = argc - i;
	*argv_io = argv + i;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	char *name, *copy;
	int rc;

	copy = strdup(argv[0] != NULL ? argv[0] : "xenstore");
	if (copy == NULL) {
		return 1;
	}
	name = basename(copy);
	cli.cli_prog = name;
	if (strncmp(name, "xenstore-", 9) == 0) {
		cli.cli_cmd = cli_find(name + 9, false);
	}
	if (cli.cli_cmd != NULL) {
		cli.cli_usage_name = strdup(argv[0]);
	} else {
		cli.cli_prog = "xenstore";
		cli.cli_multicall = true;
		rc = cli_multicall(&cli, &argc, &argv);
		if (rc != 0) {
			goto out;
		}
	}
	rc = cli.cli_cmd->cmd_exec(&cli, argc, argv);
	if (fflush(stdout) != 0) {
		rc = 1;
	}
	xsc_close(cli.cli_xsc);
out:
	free((char *)cli.cli_usage_name);
	free(copy);
	return rc;
}
