/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore stats: the daemon's CONTROL "stats" reply, lines "key: value".
 * Printed as received; with --json one object, each value a number when
 * the whole value parses as one, else a string.
 *
 * xenstore stats domains: CONTROL "domains", page after page, lines
 * "<domid>: key=value ..." printed as received (without the "next:"
 * lines); with --json {"domains": [{"domid": N, key: value, ...}]}, each
 * value a number, yes/no a boolean, else a string.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

static int cmd_stats_exec(struct cli *cli, int argc, char **argv);

const struct cli_cmd cmd_stats_entry = {
	.cmd_name = "stats",
	.cmd_usage = "[-h] [--json] [domains]",
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

/** One "<domid>: key=value ..." line as an object; NULL if malformed. */
static json_t *cmd_stats_domain(char *line)
{
	char *end, *tok, *save = NULL, *eq;
	unsigned long domid;
	json_t *obj, *v;

	domid = strtoul(line, &end, 10);
	if (end == line || *end != ':') {
		return NULL;
	}
	obj = json_object();
	json_object_set_new(obj, "domid", json_integer((json_int_t)domid));
	for (tok = strtok_r(end + 1, " ", &save); tok != NULL;
		tok = strtok_r(NULL, " ", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL) {
			continue;
		}
		*eq = '\0';
		if (strcmp(eq + 1, "yes") == 0 || strcmp(eq + 1, "no") == 0) {
			v = json_boolean(eq[1] == 'y');
		} else {
			v = cmd_stats_value(eq + 1);
		}
		json_object_set_new(obj, tok, v);
	}
	return obj;
}

/** CONTROL domains from FIRST on until no "next:" line is left. */
static int cmd_stats_domains(struct cli *cli)
{
	json_t *list = json_array(), *doc, *obj;
	char first[24], *out, *line, *save, *next;
	const char *args[2] = {"domains", first};
	unsigned long from = 0, asked;
	size_t len;
	int rc = 0;

	do {
		asked = from;
		snprintf(first, sizeof(first), "%lu", from);
		rc = xsc_control(cli->cli_xsc, args, 2, &out, &len);
		if (rc < 0) {
			cli_warn(cli, rc, "control command domains failed");
			json_decref(list);
			return 1;
		}
		next = NULL;
		save = NULL;
		for (line = strtok_r(out, "\n", &save); line != NULL;
			line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "next: ", 6) == 0) {
				next = line + 6;
				from = strtoul(next, NULL, 10);
			} else if (!cli->cli_json) {
				printf("%s\n", line);
			} else if ((obj = cmd_stats_domain(line)) != NULL) {
				json_array_append_new(list, obj);
			}
		}
		free(out);
		if (next != NULL && from <= asked) {
			cli_warnx(cli, "control command domains: no progress");
			json_decref(list);
			return 1;
		}
	} while (next != NULL);
	if (cli->cli_json) {
		doc = json_object();
		json_object_set_new(doc, "domains", list);
		rc = cli_json_print(cli, doc);
		json_decref(doc);
		return rc;
	}
	json_decref(list);
	return 0;
}

static int cmd_stats_exec(struct cli *cli, int argc, char **argv)
{
	const char *args[1] = {"stats"};
	json_t *doc;
	char *out;
	size_t len;
	int first, rc;

	first = cli_getopt(cli, argc, argv, "s", cmd_stats_opt, NULL);
	if (first < 0 || (first != argc && (first != argc - 1 ||
						   strcmp(argv[first],
							   "domains") != 0))) {
		return cli_usage(cli);
	}
	if (cli_connect(cli) < 0) {
		return 1;
	}
	if (first != argc) {
		return cmd_stats_domains(cli);
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
