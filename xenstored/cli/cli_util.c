/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the CLI's verbs: messages in the 4.17 tools' format,
 * option parsing, the connection, transactions with retry, and the JSON
 * value encoding of schemas/cli-output.schema.json.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_cli.h"

int cli_usage(struct cli *cli)
{
	fflush(stdout);
	fprintf(stderr, "%s: Usage: %s %s\n", cli->cli_prog,
		cli->cli_usage_name, cli->cli_cmd->cmd_usage);
	return 1;
}

/** Print "<prog>: <fmt...>[: <strerror>]" on stderr. */
static void cli_vwarn(struct cli *cli, int err, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", cli->cli_prog);
	vfprintf(stderr, fmt, ap);
	if (err != 0) {
		fprintf(stderr, ": %s", strerror(-err));
	}
	fputc('\n', stderr);
}

void cli_warnx(struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(cli, 0, fmt, ap);
	va_end(ap);
}

void cli_warn(struct cli *cli, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(cli, err, fmt, ap);
	va_end(ap);
}

int cli_connect(struct cli *cli)
{
	int rc;

	if (cli->cli_xsc != NULL) {
		return 0;
	}
	rc = xsc_open(NULL, &cli->cli_xsc);
	if (rc < 0) {
		cli_warn(cli, rc, "xs_open");
	}
	return rc;
}

int cli_getopt(struct cli *cli, int argc, char **argv, const char *optstring,
	int (*on_opt)(int opt, const char *arg, void *ctx), void *ctx)
{
	static const struct option json_opts[] = {
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const struct option plain_opts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char opts[32];
	int opt;

	/* -h everywhere; a leading "+" (stop at the first operand) stays. */
	snprintf(opts, sizeof(opts), "%sh%s", optstring[0] == '+' ? "+" : "",
		optstring + (optstring[0] == '+'));
	optind = 1;
	while ((opt = getopt_long(argc, argv, opts,
			cli->cli_multicall ? json_opts : plain_opts, NULL)) !=
		-1) {
		if (opt == 'h') {
			return -1;
		}
		if (opt == 'J') {
			cli->cli_json = true;
		} else if (opt != '?' && on_opt(opt, optarg, ctx) < 0) {
			return -1;
		}
	}
	return optind;
}

int cli_json_print(struct cli *cli, json_t *doc)
{
	char *text;

	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		cli_warnx(cli, "cannot format JSON output");
		return 1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

/**
 * True when the bytes can stand as a JSON string as they are: valid UTF-8
 * (checked by jansson) without control characters other than tab and
 * newline, and without DEL.
 */
static bool cli_is_printable(const char *val, size_t len)
{
	json_t *probe;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)val[i];

		if ((c < ' ' && c != '\t' && c != '\n') || c == 0x7f) {
			return false;
		}
	}
	probe = json_stringn(val, len);
	if (probe == NULL) {
		return false;
	}
	json_decref(probe);
	return true;
}

int cli_json_set_value(json_t *obj, const char *val, size_t len)
{
	char *b64;
	int rc = 0;

	if (cli_is_printable(val, len)) {
		if (json_object_set_new(obj, "value", json_stringn(val, len))) {
			rc = -ENOMEM;
		}
		return rc;
	}
	b64 = cli_base64_encode((const unsigned char *)val, len);
	if (b64 == NULL) {
		return -ENOMEM;
	}
	if (json_object_set_new(obj, "value", json_string(b64)) ||
		json_object_set_new(obj, "encoding", json_string("base64"))) {
		rc = -ENOMEM;
	}
	free(b64);
	return rc;
}

int cli_json_get_value(const json_t *obj, char **val, size_t *len)
{
	const json_t *value = json_object_get(obj, "value");
	const json_t *enc = json_object_get(obj, "encoding");
	unsigned char *buf;
	int rc;

	if (value == NULL) {
		*val = strdup("");
		*len = 0;
		return *val == NULL ? -ENOMEM : 0;
	}
	if (!json_is_string(value)) {
		return -EINVAL;
	}
	if (enc == NULL) {
		*len = json_string_length(value);
		*val = malloc(*len + 1);
		if (*val == NULL) {
			return -ENOMEM;
		}
		memcpy(*val, json_string_value(value), *len + 1);
		return 0;
	}
	if (!json_is_string(enc) ||
		strcmp(json_string_value(enc), "base64") != 0) {
		return -EINVAL;
	}
	rc = cli_base64_decode(json_string_value(value), &buf, len);
	if (rc == 0) {
		*val = (char *)buf;
	}
	return rc;
}

char *cli_path_join(const char *path, const char *name)
{
	size_t plen = strlen(path);
	char *out;

	if (plen > 0 && path[plen - 1] == '/') {
		plen--;
	}
	if (asprintf(&out, "%.*s/%s", (int)plen, path, name) < 0) {
		return NULL;
	}
	return out;
}

int cli_transaction(struct cli *cli, unsigned int tries,
	int (*fn)(struct cli *cli, uint32_t tx_id, void *ctx), void *ctx)
{
	uint32_t tx_id;
	unsigned int i;
	int rc = -EAGAIN;

	for (i = 0; i < tries && rc == -EAGAIN; i++) {
		rc = xsc_transaction_start(cli->cli_xsc, &tx_id);
		if (rc < 0) {
			break;
		}
		rc = fn(cli, tx_id, ctx);
		if (rc < 0) {
			/* Abort; its own result cannot improve on fn's. */
			xsc_transaction_end(cli->cli_xsc, tx_id, false);
			continue;
		}
		rc = xsc_transaction_end(cli->cli_xsc, tx_id, true);
	}
	return rc;
}
