/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain configuration of `xl` (prefix xl_cfg_ for the syntax,
 * xl_domcfg_ for its meaning).
 *
 * Syntax (the xl.cfg(5) file format):
 *
 *   # a comment, up to the end of the line
 *   name = "demo"            a string in double quotes ...
 *   kernel = '/usr/bin/x'    ... or in single quotes; both take the C
 *                            escapes \\ \" \' \n \t \r \a \b \f \v \xHH
 *                            and \OOO (octal)
 *   memory = 4               a number (kept as written; checked when used)
 *   extra = [ "a", 'b', 3, ] a list of strings and numbers; it may span
 *                            lines, hold comments and end with a comma
 *   a = 1; b = 2             statements end at a newline or a ';'
 *   extra += [ "c" ]         += appends to a list or a string
 *
 * A key set twice keeps the last value. Command-line overrides
 * (xl create CONFIG KEY=VALUE...) are parsed as extra statements after the
 * file, named "command line"; there a value may also be a bare word, the
 * rest of the argument (kernel=/bin/guest).
 *
 * Errors: functions return 0 or a negative errno and write a message into
 * err (errlen bytes): "SOURCE:LINE: config parsing error near `TOKEN':
 * WHAT" for the syntax, "SOURCE:LINE: KEY: WHAT" for values.
 */
#ifndef TOOLS_XL_CFG_H
#define TOOLS_XL_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum xl_cfg_kind {
	XL_CFG_STRING,
	XL_CFG_NUMBER,
	XL_CFG_LIST,
};

struct xl_cfg_value {
	enum xl_cfg_kind kind;
	char *text;                 /* STRING and NUMBER: NUL-terminated */
	struct xl_cfg_value *items; /* LIST: scalars only */
	unsigned int count;
};

struct xl_cfg_setting {
	char *key;
	struct xl_cfg_value value;
	const char *source; /* where it was last set (owned by the xl_cfg) */
	unsigned int line;
};

struct xl_cfg {
	struct xl_cfg_setting *settings; /* in order of first assignment */
	unsigned int count;
	unsigned int cap;
	char **sources;
	unsigned int nsources;
	unsigned int overrides; /* command-line statements so far */
};

void xl_cfg_init(struct xl_cfg *cfg);
void xl_cfg_fini(struct xl_cfg *cfg);

/**
 * Parse text (len bytes, NUL bytes refused) as statements from source;
 * bare_words lets a value be an unquoted word (command-line overrides).
 * On error, cfg keeps the statements before the faulty one.
 */
int xl_cfg_parse(struct xl_cfg *cfg, const char *source, const char *text,
	size_t len, bool bare_words, char *err, size_t errlen);
/** Read and parse a file; -errno with "PATH: strerror" when unreadable. */
int xl_cfg_parse_file(
	struct xl_cfg *cfg, const char *path, char *err, size_t errlen);
/** One command-line override "KEY=VALUE" (or "KEY+=VALUE"). */
int xl_cfg_override(
	struct xl_cfg *cfg, const char *arg, char *err, size_t errlen);

/** The setting of key, or NULL. */
const struct xl_cfg_setting *xl_cfg_lookup(
	const struct xl_cfg *cfg, const char *key);
/**
 * A scalar setting as a string (numbers give their text). -ENOENT when
 * absent (nothing written to err), -EINVAL for a list.
 */
int xl_cfg_get_string(const struct xl_cfg *cfg, const char *key,
	const char **out, char *err, size_t errlen);
/**
 * A scalar setting as an unsigned integer (decimal, or hex with 0x),
 * quoted or not, at most max. -ENOENT when absent, -EINVAL otherwise.
 */
int xl_cfg_get_uint(const struct xl_cfg *cfg, const char *key, uint64_t max,
	uint64_t *out, char *err, size_t errlen);

/* ---- the domain configuration ------------------------------------------ */

/* What to do when the guest powers off, reboots or crashes. */
enum xl_action {
	XL_ACTION_DESTROY,
	XL_ACTION_PRESERVE,
};

#define XL_DEFAULT_MEMORY_MIB 2
#define XL_NAME_MAX 64

struct xl_domcfg {
	char *name;
	char *type;    /* "pv" or "pvh" */
	char *kernel;  /* the guest program */
	char *cmdline; /* NULL when none */
	uint64_t memory_mib;
	uint64_t maxmem_mib;
	unsigned int vcpus;
	bool uuid_given;
	uint8_t uuid[16];
	enum xl_action on_poweroff;
	enum xl_action on_reboot;
	enum xl_action on_crash;
};

/**
 * Check and extract the keys xl uses (docs/xl.md). Keys xl knows but the
 * hosted port cannot honour (disk, vif, ...) are ignored with a warning on
 * warn (NULL: silently); other unknown keys are ignored, as xl does.
 * Errors are -EINVAL with a message naming the setting.
 */
int xl_domcfg_load(const struct xl_cfg *cfg, struct xl_domcfg *dc, FILE *warn,
	char *err, size_t errlen);
void xl_domcfg_fini(struct xl_domcfg *dc);

const char *xl_action_name(enum xl_action a);
/** "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" or 32 hex digits; 0 or -EINVAL. */
int xl_uuid_parse(const char *s, uint8_t out[16]);
/** The dashed form, into out[37]. */
void xl_uuid_format(const uint8_t u[16], char out[37]);
/** A random (version 4) UUID; 0 or -errno. */
int xl_uuid_random(uint8_t out[16]);

#endif /* TOOLS_XL_CFG_H */
