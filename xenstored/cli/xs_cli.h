/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operator CLI `xenstore` (prefix cli_): one multi-call binary whose
 * verbs are const descriptors, one per cmd_<verb>.c file, gathered in the
 * table of main.c (tmux's cmd-*.c pattern).
 *
 * The classic verbs (read, write, ls, rm, list, exists, chmod, watch,
 * control) keep the flags, output and exit codes of Xen 4.17's
 * xenstore-utils, so scripts written for those tools keep working; they
 * answer both to `xenstore-<verb>` (argv[0]) and to `xenstore <verb>`. The
 * operator additions (dump, restore, stats, the --json flag) exist only
 * under `xenstore <verb>`.
 *
 * Exit status: 0 on success, 1 on any error, with a message on stderr that
 * names the path. Standard output is flushed before each message so that
 * combined output keeps its order.
 *
 * Thread context: single-threaded; the one struct cli lives in main().
 */
#ifndef XENSTORED_CLI_XS_CLI_H
#define XENSTORED_CLI_XS_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_client.h"

struct cli;

/** One verb: the descriptor each cmd_<verb>.c defines. */
struct cli_cmd {
	const char *cmd_name;  /* "read" */
	const char *cmd_usage; /* after the program name */
	/** Only reachable as `xenstore <verb>` (operator additions). */
	bool cmd_extension;
	/** Runs the verb; argv[0] is the program name. Returns exit status. */
	int (*cmd_exec)(struct cli *cli, int argc, char **argv);
};

/** The CLI's one context struct, built in main(). */
struct cli {
	const char *cli_prog; /* message prefix: "xenstore-read", "xenstore" */
	const char *cli_usage_name; /* "xenstore-read" or "xenstore read" */
	const struct cli_cmd *cli_cmd;
	struct xsc *cli_xsc; /* opened by cli_connect() */
	bool cli_json;       /* --json given (xenstore <verb> only) */
	bool cli_multicall;  /* invoked as `xenstore <verb>` */
};

/* The verbs, one per file. */
extern const struct cli_cmd cmd_read_entry;
extern const struct cli_cmd cmd_write_entry;
extern const struct cli_cmd cmd_ls_entry;
extern const struct cli_cmd cmd_rm_entry;
extern const struct cli_cmd cmd_list_entry;
extern const struct cli_cmd cmd_exists_entry;
extern const struct cli_cmd cmd_chmod_entry;
extern const struct cli_cmd cmd_watch_entry;
extern const struct cli_cmd cmd_control_entry;
extern const struct cli_cmd cmd_dump_entry;
extern const struct cli_cmd cmd_restore_entry;
extern const struct cli_cmd cmd_stats_entry;

/* cli_util.c */
/** Print "<prog>: Usage: <name> <usage>" on stderr; returns exit status 1. */
int cli_usage(struct cli *cli);
/** Print "<prog>: <message>" on stderr after flushing stdout. */
void cli_warnx(struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** As cli_warnx, appending ": <strerror(-err)>". */
void cli_warn(struct cli *cli, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** Open the connection unless open; prints the error. 0 or -errno. */
int cli_connect(struct cli *cli);
/**
 * Parse the options of a verb with getopt_long: optstring as getopt's,
 * plus --json when invoked as `xenstore <verb>`. Calls on_opt for each
 * option character; an unknown option is reported by getopt and ignored,
 * as the 4.17 tools do; -h returns -1 (print usage). Returns the index of
 * the first operand, or -1.
 */
int cli_getopt(struct cli *cli, int argc, char **argv, const char *optstring,
	int (*on_opt)(int opt, const char *arg, void *ctx), void *ctx);
/** Print a JSON document on stdout, followed by a newline; exit status. */
int cli_json_print(struct cli *cli, json_t *doc);
/**
 * Set "value" (and "encoding": "base64" when not printable UTF-8) on obj
 * for the len bytes of val. 0 or -ENOMEM.
 */
int cli_json_set_value(json_t *obj, const char *val, size_t len);
/** Decode the "value"/"encoding" members of obj; caller frees *val. */
int cli_json_get_value(const json_t *obj, char **val, size_t *len);
/** path + "/" + name without doubling the root slash; caller frees. */
char *cli_path_join(const char *path, const char *name);
/**
 * Run fn inside one transaction, committing when it returns 0 and retrying
 * the whole transaction when the commit (or fn) gives -EAGAIN, at most
 * tries times. Returns fn's or the commit's result.
 */
int cli_transaction(struct cli *cli, unsigned int tries,
	int (*fn)(struct cli *cli, uint32_t tx_id, void *ctx), void *ctx);

/* cli_escape.c */
/**
 * Render len bytes as the 4.17 tools print values: printable ASCII as is,
 * backslash doubled, \t \n \r, bytes below 8 as three octal digits, other
 * bytes as \xNN. Returns a new string (caller frees) or NULL on ENOMEM.
 */
char *cli_escape(const char *val, size_t len);
/**
 * Undo the escapes accepted on input by the 4.17 tools (\t \n \r \\,
 * \xNN, \ooo, any other escaped character stands for itself). Returns a
 * new buffer of *len bytes plus a NUL (caller frees) or NULL on ENOMEM.
 */
char *cli_unescape(const char *str, size_t *len);
/** base64 of len bytes; caller frees; NULL on ENOMEM. */
char *cli_base64_encode(const unsigned char *buf, size_t len);
/** Decode base64; -EINVAL on bad input; caller frees *out. */
int cli_base64_decode(const char *str, unsigned char **out, size_t *len);

#endif /* XENSTORED_CLI_XS_CLI_H */
