/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-control [-s] command [arg...]: send CONTROL with the command
 * and its arguments as given and print the reply text (a newline is added
 * when the reply does not end with one).
 */
#include <stdio.h>
#include <stdlib.h>

#include "xs_cli.h"

static int cmd_control_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_control_entry = {
	.cmd_name = "control",
	.cmd_usage = "[-h] [-s] command [arg ...]",
	.cmd_exec = cmd_control_exec,
};

static int cmd_control_opt(int opt, const char *arg, void *ctx)
{
	return 0;
}

static int cmd_control_exec(struct cli *cli, int argc, char **argv)
{
	char *out;
	size_t len;
	int first, rc;

	/* "+": the first operand ends the options; the rest pass through. */
	first = cli_getopt(cli, argc, argv, "+s", cmd_control_opt, NULL);
	if (first < 0 || first >= argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	rc = xsc_control(cli->cli_xsc, (const char *const *)argv + first,
		(unsigned int)(argc - first), &out, &len);
	if (rc < 0) {
		cli_warn(cli, rc, "control command %s failed", argv[first]);
		return 1;
	}
	while (len > 0 && out[len - 1] == '\0') {
		len--;
	}
	fwrite(out, 1, len, stdout);
	if (len > 0 && out[len - 1] != '\n') {
		putchar('\n');
	}
	free(out);
	return 0;
}
