/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore-write [-s] [-R] key value [...]: write the pairs in one
 * transaction (retried on EAGAIN), unescaping values unless -R. A failed
 * write aborts the transaction: no pair is written (exit 1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_write_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_write_entry = {
	.cmd_name = "write",
	.cmd_usage = "[-h] [-s] [-R] key value [...]",
	.cmd_exec = cmd_write_exec,
};

struct cmd_write_ctx {
	bool raw;
	int count;
	char **pairs;
	const char *failed; /* the key whose write failed */
};

static int cmd_write_opt(int opt, const char *arg, void *ctx)
{
	struct cmd_write_ctx *w = ctx;

	if (opt == 'R') {
		w->raw = true;
	}
	return 0;
}

/** Write every pair inside tx_id. */
static int cmd_write_pairs(struct cli *cli, uint32_t tx_id, void *ctx)
{
	struct cmd_write_ctx *w = ctx;
	const char *key;
	char *val;
	size_t len;
	int i, rc = 0;

	for (i = 0; i + 1 < w->count && rc == 0; i += 2) {
		key = w->pairs[i];
		if (w->raw) {
			val = strdup(w->pairs[i + 1]);
			len = val != NULL ? strlen(val) : 0;
		} else {
			val = cli_unescape(w->pairs[i + 1], &len);
		}
		if (val == NULL) {
			return -ENOMEM;
		}
		rc = xsc_write(cli->cli_xsc, tx_id, key, val, len);
		if (rc < 0) {
			w->failed = key;
		}
		free(val);
	}
	return rc;
}

static int cmd_write_exec(struct cli *cli, int argc, char **argv)
{
	struct cmd_write_ctx w = {0};
	int first, rc;

	first = cli_getopt(cli, argc, argv, "sR", cmd_write_opt, &w);
	if (first < 0 || first >= argc || (argc - first) % 2 != 0) {
		return cli_usage(cli);
	}
	w.count = argc - first;
	w.pairs = argv + first;
	if (cli_connect(cli) < 0) {
		return 1;
	}
	rc = cli_transaction(cli, 5, cmd_write_pairs, &w);
	if (rc < 0 && w.failed != NULL) {
		cli_warnx(cli, "could not write path %s", w.failed);
	} else if (rc < 0) {
		cli_warn(cli, rc, "couldn't end transaction");
	}
	return rc < 0 ? 1 : 0;
}
