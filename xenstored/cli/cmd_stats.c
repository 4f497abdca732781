/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore stats: the daemon's CONTROL "stats" reply, lines "key: value".
 * Printed as received; with --json one object, each value a number when
 * the whole value parses as one, else a string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_stats_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_stats_entry = {
	.cmd_name = "stats",
	.cmd_usage = "[-h] [--json]",
	.cmd_extension = true,
	.cmd_exec = cmd_stats_exec,
};

static int cmd_stats_opt(int opt, const char *arg, void *ctx)
{
	return 0;
}

/** The JSON form of one value: integer, real or string. */
static json_t *cmd_stats_value(const char *s)
{
	long long ll;
	double d;
	char *end;

	if (*s != '\0') {
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0') {
			return json_integer(ll);
		}
		d = strtod(s, &end);
		if (errno == 0 && *end == '\0') {
			return json_real(d);
		}
	}
	return json_string(s);
}

/** Turn "key: value" lines into an object; lines without ": " are kept
 * under their own text with a null value. */
static json_t *cmd_stats_parse(char *text)
{
	json_t *obj = json_object();
	char *line, *save = NULL, *sep;

	for (line = strtok_r(text, "\n", &save); line != NULL;
		line = strtok_r(NULL, "\n", &save)) {
		sep = strstr(line, ": ");
		if (sep == NULL) {
			json_object_set_new(obj, line, json_null());
			continue;
		}
		*sep = '\0';
		json_object_set_new(obj, line, cmd_stats_value(sep + 2));
	}
	return obj;
}

static int cmd_stats_exec(struct cli *cli, int argc, char **argv)
{
	const char *args[1] = {"stats"};
	json_t *doc;
	char *out;
	size_t len;
	int first, rc;

	first = cli_getopt(cli, argc, argv, "s", cmd_stats_opt, NULL);
	if (first < 0 || first != argc) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	rc = xsc_control(cli->cli_xsc, args, 1, &out, &len);
	if (rc < 0) {
		cli_warn(cli, rc, "control command stats failed");
		return 1;
	}
	if (!cli->cli_json) {
		len = strlen(out);
		printf("%s%s", out,
			len > 0 && out[len - 1] != '\n' ? "\n" : "");
		free(out);
		return 0;
	}
	doc = cmd_stats_parse(out);
	rc = cli_json_print(cli, doc);
	json_decref(doc);
	free(out);
	return rc;
}
