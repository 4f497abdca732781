/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements xenstored's configuration: defaults, the command
 * line (options of docs/xenstored.md, with Xen's C daemon's short
 * options for quotas), and the JSON configuration file
 * (schemas/xenstored-config.schema.json), read with jansson.
 *
 * The command line wins over the file: main() parses the command line
 * into one struct, the file into another, and merges the first over the
 * second, also after SIGHUP rereads the file.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xenstored.h"

#define XS_UNSET (-1)

static const struct {
	const char *name;
	const char *descr;
	int64_t def;
} xs_quotas[XS_QUOTA_COUNT] = {
	[XS_Q_NODES] = {"nodes", "Nodes per domain", 1000},
	[XS_Q_WATCHES] = {"watches", "Watches per domain", 128},
	[XS_Q_OUTSTANDING] = {"outstanding", "Outstanding requests per domain",
		20},
	[XS_Q_TRANSACTIONS] = {"transactions", "Active transactions per domain",
		10},
	[XS_Q_TXN_NODES] = {"transaction-nodes",
		"Max. number of accessed nodes per transaction", 1024},
	[XS_Q_NODE_PERMS] = {"node-permissions",
		"Max. number of permissions per node", 5},
	[XS_Q_PATH_MAX] = {"path-max", "Max. length of a node path",
		XENSTORE_REL_PATH_MAX},
	[XS_Q_NODE_SIZE] = {"node-size", "Max. size of a node", 2048},
};

int xs_quota_parse_name(const char *name, enum xs_quota *q)
{
	unsigned int i;

	for (i = 0; i < XS_QUOTA_COUNT; i++) {
		if (strcmp(name, xs_quotas[i].name) == 0) {
			*q = (enum xs_quota)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *xs_quota_name(enum xs_quota q)
{
	return xs_quotas[q].name;
}

const char *xs_quota_description(enum xs_quota q)
{
	return xs_quotas[q].descr;
}

/** Strict decimal: digits only, no sign, at most max. -EINVAL otherwise. */
int xs_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s) {
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max) {
			return -EINVAL;
		}
	}
	*out = v;
	return 0;
}

/**
 * Create the missing directories above the file at path (mkdir -p of its
 * directory); the last one gets mode, the ones above it 0755.
 * Errors: negative errno of mkdir().
 */
int xs_mkdir_parents(const char *path, mode_t mode)
{
	char *dir = strdup(path);
	char *p, *last;
	int ret = 0;

	if (!dir) {
		return -ENOMEM;
	}
	last = strrchr(dir, '/');
	if (!last || last == dir) {
		free(dir);
		return 0;
	}
	*last = '\0';
	for (p = dir + 1; ret == 0; p++) {
		char c = *p;

		if (c != '/' && c != '\0') {
			continue;
		}
		*p = '\0';
		if (mkdir(dir, c == '\0' ? mode : 0755) < 0 &&
			errno != EEXIST) {
			ret = -errno;
		}
		*p = c;
		if (c == '\0') {
			break;
		}
	}
	free(dir);
	return ret;
}

/** Every field unset, so that merging knows what was given. */
void xs_config_init(struct xs_config *cfg)
{
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = (enum log_level)XS_UNSET;
	cfg->db_max_size = XS_UNSET;
	cfg->power_durable = false;
	for (i = 0; i < XS_QUOTA_COUNT; i++) {
		cfg->quota[i] = XS_UNSET;
		cfg->quota_soft[i] = XS_UNSET;
	}
}

/** Fill unset fields with the built-in defaults. */
static int xs_config_defaults(struct xs_config *cfg)
{
	const char *env = getenv("XENSTORED_PATH");
	unsigned int i;

	if (!cfg->socket_path) {
		cfg->socket_path =
			strdup(env && *env ? env : XS_DEFAULT_SOCKET);
	}
	if (!cfg->db_path) {
		cfg->db_path = strdup(XS_DEFAULT_DATABASE);
	}
	if (!cfg->xen_mode) {
		cfg->xen_mode = strdup("auto");
	}
	if ((int)cfg->log_level == XS_UNSET) {
		cfg->log_level = LOG_LEVEL_INFO;
	}
	if (cfg->db_max_size == XS_UNSET) {
		cfg->db_max_size = 0;
	}
	for (i = 0; i < XS_QUOTA_COUNT; i++) {
		if (cfg->quota[i] == XS_UNSET) {
			cfg->quota[i] = xs_quotas[i].def;
		}
		if (cfg->quota_soft[i] == XS_UNSET) {
			cfg->quota_soft[i] = 0;
		}
	}
	return cfg->socket_path && cfg->db_path && cfg->xen_mode ? 0 : -ENOMEM;
}

void xs_config_fini(struct xs_config *cfg)
{
	free(cfg->socket_path);
	free(cfg->db_path);
	free(cfg->config_path);
	free(cfg->xen_mode);
	free(cfg->domain_quota);
	memset(cfg, 0, sizeof(*cfg));
}

static void xs_config_set_str(char **dst, const char *src)
{
	if (src) {
		free(*dst);
		*dst = strdup(src);
	}
}

/**
 * dst = src over dst: every field src sets replaces dst's; then the
 * defaults fill what neither set.
 */
void xs_config_merge(struct xs_config *dst, const struct xs_config *src)
{
	unsigned int i;

	xs_config_set_str(&dst->socket_path, src->socket_path);
	xs_config_set_str(&dst->db_path, src->db_path);
	xs_config_set_str(&dst->config_path, src->config_path);
	if ((int)src->log_level != XS_UNSET) {
		dst->log_level = src->log_level;
	}
	if (src->power_durable) {
		dst->power_durable = true;
	}
	xs_config_set_str(&dst->xen_mode, src->xen_mode);
	if (src->keep_dead_nodes) {
		dst->keep_dead_nodes = true;
	}
	if (src->db_max_size != XS_UNSET) {
		dst->db_max_size = src->db_max_size;
	}
	for (i = 0; i < XS_QUOTA_COUNT; i++) {
		if (src->quota[i] != XS_UNSET) {
			dst->quota[i] = src->quota[i];
		}
		if (src->quota_soft[i] != XS_UNSET) {
			dst->quota_soft[i] = src->quota_soft[i];
		}
	}
	xs_config_defaults(dst);
}

/** "what=N" into quota[what]. */
static int xs_config_quota_arg(int64_t *quota, const char *arg)
{
	const char *eq = strchr(arg, '=');
	enum xs_quota q;
	uint64_t v;
	char name[64];

	if (!eq || (size_t)(eq - arg) >= sizeof(name)) {
		return -EINVAL;
	}
	memcpy(name, arg, eq - arg);
	name[eq - arg] = '\0';
	if (xs_quota_parse_name(name, &q) < 0 ||
		xs_parse_uint(eq + 1, INT32_MAX, &v) < 0) {
		return -EINVAL;
	}
	quota[q] = (int64_t)v;
	return 0;
}

static int xs_config_uint_arg(int64_t *dst, const char *arg)
{
	uint64_t v;

	if (xs_parse_uint(arg, INT64_MAX, &v) < 0) {
		return -EINVAL;
	}
	*dst = (int64_t)v;
	return 0;
}

static void xs_config_usage(FILE *f)
{
	fprintf(f,
		"usage: xenstored [options]\n"
		"  -s, --socket PATH          Unix socket (default "
		"$XENSTORED_PATH or " XS_DEFAULT_SOCKET ")\n"
		"  -D, --database PATH        SQLite database "
		"(default " XS_DEFAULT_DATABASE ")\n"
		"  -c, --config FILE          JSON configuration file\n"
		"  -l, --log-level LEVEL      err, warn, info or debug\n"
		"  -E, --entry-nb N           quota nodes per domain\n"
		"  -S, --entry-size N         quota node-size\n"
		"  -W, --watch-nb N           quota watches per domain\n"
		"  -t, --transaction N        quota transactions per domain\n"
		"  -A, --perm-nb N            quota node-permissions\n"
		"  -M, --path-max N           quota path-max\n"
		"  -Q, --quota WHAT=N         any quota by name\n"
		"  -q, --quota-soft WHAT=N    soft quota: log when crossed\n"
		"      --durability MODE      process (default) or power\n"
		"      --database-max-size N  refuse writes beyond N bytes\n"
		"  -X, --xen MODE             hypervisor interface for guest "
		"rings:\n"
		"                             auto (default), hosted, linux or "
		"none\n"
		"      --keep-dead-nodes      keep the nodes a dead domain "
		"owned\n"
		"  -N, --no-fork              (always in the foreground)\n"
		"  -V, --version              print the version\n"
		"  -H, --help                 this text\n");
}

enum { OPT_DURABILITY = 256, OPT_DB_MAX, OPT_KEEP_DEAD_NODES };

static const struct option xs_options[] = {
	{"socket", required_argument, NULL, 's'},
	{"database", required_argument, NULL, 'D'},
	{"config", required_argument, NULL, 'c'},
	{"log-level", required_argument, NULL, 'l'},
	{"entry-nb", required_argument, NULL, 'E'},
	{"entry-size", required_argument, NULL, 'S'},
	{"watch-nb", required_argument, NULL, 'W'},
	{"transaction", required_argument, NULL, 't'},
	{"perm-nb", required_argument, NULL, 'A'},
	{"path-max", required_argument, NULL, 'M'},
	{"quota", required_argument, NULL, 'Q'},
	{"quota-soft", required_argument, NULL, 'q'},
	{"durability", required_argument, NULL, OPT_DURABILITY},
	{"database-max-size", required_argument, NULL, OPT_DB_MAX},
	{"xen", required_argument, NULL, 'X'},
	{"keep-dead-nodes", no_argument, NULL, OPT_KEEP_DEAD_NODES},
	{"no-fork", no_argument, NULL, 'N'},
	{"version", no_argument, NULL, 'V'},
	{"help", no_argument, NULL, 'H'},
	{NULL, 0, NULL, 0},
};

/** "--name" of an option, for messages. */
static const char *xs_config_opt_name(int opt)
{
	static char buf[48];
	const struct option *o;

	for (o = xs_options; o->name; o++) {
		if (o->val == opt) {
			snprintf(buf, sizeof(buf), "--%s", o->name);
			return buf;
		}
	}
	return "an option";
}

static int xs_config_one_arg(struct xs_config *cli, int opt, const char *arg)
{
	enum log_level level;

	switch (opt) {
	case 's':
		xs_config_set_str(&cli->socket_path, arg);
		return 0;
	case 'D':
		xs_config_set_str(&cli->db_path, arg);
		return 0;
	case 'c':
		xs_config_set_str(&cli->config_path, arg);
		return 0;
	case 'l':
		if (log_level_parse(arg, &level) < 0) {
			return -EINVAL;
		}
		cli->log_level = level;
		return 0;
	case 'E':
		return xs_config_uint_arg(&cli->quota[XS_Q_NODES], arg);
	case 'S':
		return xs_config_uint_arg(&cli->quota[XS_Q_NODE_SIZE], arg);
	case 'W':
		return xs_config_uint_arg(&cli->quota[XS_Q_WATCHES], arg);
	case 't':
		return xs_config_uint_arg(&cli->quota[XS_Q_TRANSACTIONS], arg);
	case 'A':
		return xs_config_uint_arg(&cli->quota[XS_Q_NODE_PERMS], arg);
	case 'M':
		return xs_config_uint_arg(&cli->quota[XS_Q_PATH_MAX], arg);
	case 'Q':
		return xs_config_quota_arg(cli->quota, arg);
	case 'q':
		return xs_config_quota_arg(cli->quota_soft, arg);
	case OPT_DURABILITY:
		if (strcmp(arg, "power") == 0) {
			cli->power_durable = true;
		} else if (strcmp(arg, "process") != 0) {
			return -EINVAL;
		}
		return 0;
	case OPT_DB_MAX:
		return xs_config_uint_arg(&cli->db_max_size, arg);
	case 'X':
		if (strcmp(arg, "auto") && strcmp(arg, "none") &&
			strcmp(arg, "hosted") && strcmp(arg, "linux")) {
			return -EINVAL;
		}
		xs_config_set_str(&cli->xen_mode, arg);
		return 0;
	case OPT_KEEP_DEAD_NODES:
		cli->keep_dead_nodes = true;
		return 0;
	case 'N':
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * Parse the command line into cli (initialised by xs_config_init()).
 * *exit_now is set for --help and --version. -EINVAL for a bad option,
 * after a message on stderr.
 */
int xs_config_parse_args(
	struct xs_config *cli, int argc, char **argv, bool *exit_now)
{
	int opt;

	*exit_now = false;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:D:c:l:E:S:W:t:A:M:Q:q:X:NVH",
			xs_options, NULL)) != -1) {
		if (opt == 'H') {
			xs_config_usage(stdout);
			*exit_now = true;
			return 0;
		}
		if (opt == 'V') {
			printf("xenstored %s\n", PACKAGE_VERSION);
			*exit_now = true;
			return 0;
		}
		if (opt == '?' || xs_config_one_arg(cli, opt, optarg) < 0) {
			if (opt != '?') {
				fprintf(stderr,
					"xenstored: invalid value for %s: %s\n",
					xs_config_opt_name(opt), optarg);
			}
			xs_config_usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "xenstored: unexpected argument %s\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/** A quota object {"name": N, ...} into quota[]. */
static int xs_config_json_quotas(json_t *obj, int64_t *quota, const char *where)
{
	const char *key;
	enum xs_quota q;
	json_t *val;

	if (!json_is_object(obj)) {
		log_err("config: \"%s\" must be an object", where);
		return -EINVAL;
	}
	json_object_foreach(obj, key, val)
	{
		if (xs_quota_parse_name(key, &q) < 0) {
			log_err("config: unknown quota \"%s\" in \"%s\"", key,
				where);
			return -EINVAL;
		}
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
			json_integer_value(val) > INT32_MAX) {
			log_err("config: %s.%s must be an integer from 0 to "
				"2147483647",
				where, key);
			return -EINVAL;
		}
		quota[q] = json_integer_value(val);
	}
	return 0;
}

static int xs_config_json_domains(struct xs_config *cfg, json_t *obj)
{
	const char *key;
	json_t *val;
	uint64_t domid;
	unsigned int i = 0, q;
	int ret;

	if (!json_is_object(obj)) {
		log_err("config: \"domain-quota\" must be an object");
		return -EINVAL;
	}
	cfg->domain_quota =
		calloc(json_object_size(obj) + 1, sizeof(*cfg->domain_quota));
	if (!cfg->domain_quota) {
		return -ENOMEM;
	}
	json_object_foreach(obj, key, val)
	{
		if (xs_parse_uint(key, XS_DOMID_MAX, &domid) < 0) {
			log_err("config: domain-quota: \"%s\" is not a domid",
				key);
			return -EINVAL;
		}
		cfg->domain_quota[i].domid = (unsigned int)domid;
		for (q = 0; q < XS_QUOTA_COUNT; q++) {
			cfg->domain_quota[i].quota[q] = XS_QUOTA_UNSET;
		}
		ret = xs_config_json_quotas(
			val, cfg->domain_quota[i].quota, "domain-quota");
		if (ret < 0) {
			return ret;
		}
		i++;
	}
	cfg->domain_quota_count = i;
	return 0;
}

static int xs_config_json_string(json_t *val, const char *key, char **dst)
{
	if (!json_is_string(val)) {
		log_err("config: \"%s\" must be a string", key);
		return -EINVAL;
	}
	xs_config_set_str(dst, json_string_value(val));
	return 0;
}

static int xs_config_json_key(
	struct xs_config *cfg, const char *key, json_t *val)
{
	enum log_level level;

	if (strcmp(key, "socket") == 0) {
		return xs_config_json_string(val, key, &cfg->socket_path);
	}
	if (strcmp(key, "database") == 0) {
		return xs_config_json_string(val, key, &cfg->db_path);
	}
	if (strcmp(key, "log-level") == 0) {
		if (!json_is_string(val) ||
			log_level_parse(json_string_value(val), &level) < 0) {
			log_err("config: \"log-level\" must be err, warn, "
				"info or debug");
			return -EINVAL;
		}
		cfg->log_level = level;
		return 0;
	}
	if (strcmp(key, "durability") == 0) {
		if (!json_is_string(val) ||
			(strcmp(json_string_value(val), "process") &&
				strcmp(json_string_value(val), "power"))) {
			log_err("config: \"durability\" must be process or "
				"power");
			return -EINVAL;
		}
		cfg->power_durable =
			strcmp(json_string_value(val), "power") == 0;
		return 0;
	}
	if (strcmp(key, "database-max-size") == 0) {
		if (!json_is_integer(val) || json_integer_value(val) < 0) {
			log_err("config: \"database-max-size\" must be a "
				"non-negative integer");
			return -EINVAL;
		}
		cfg->db_max_size = json_integer_value(val);
		return 0;
	}
	if (strcmp(key, "xen") == 0) {
		if (!json_is_string(val) ||
			(strcmp(json_string_value(val), "auto") &&
				strcmp(json_string_value(val), "none") &&
				strcmp(json_string_value(val), "hosted") &&
				strcmp(json_string_value(val), "linux"))) {
			log_err("config: \"xen\" must be auto, none, hosted or "
				"linux");
			return -EINVAL;
		}
		xs_config_set_str(&cfg->xen_mode, json_string_value(val));
		return 0;
	}
	if (strcmp(key, "keep-dead-nodes") == 0) {
		if (!json_is_boolean(val)) {
			log_err("config: \"keep-dead-nodes\" must be true or "
				"false");
			return -EINVAL;
		}
		cfg->keep_dead_nodes = json_is_true(val);
		return 0;
	}
	if (strcmp(key, "quota") == 0) {
		return xs_config_json_quotas(val, cfg->quota, key);
	}
	if (strcmp(key, "quota-soft") == 0) {
		return xs_config_json_quotas(val, cfg->quota_soft, key);
	}
	if (strcmp(key, "domain-quota") == 0) {
		return xs_config_json_domains(cfg, val);
	}
	log_err("config: unknown key \"%s\"", key);
	return -EINVAL;
}

/**
 * Read the JSON file at path into cfg (initialised by xs_config_init()).
 * Errors: -EINVAL (unreadable, not JSON, or a bad key, logged), -ENOMEM.
 */
int xs_config_load_file(struct xs_config *cfg, const char *path)
{
	json_error_t jerr;
	const char *key;
	json_t *root, *val;
	int ret = 0;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root && jerr.line < 0) {
		log_err("config %s: %s", path, jerr.text);
		return -EINVAL;
	}
	if (!root) {
		log_err("config %s: line %d: %s", path, jerr.line, jerr.text);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		log_err("config %s: the top level must be an object", path);
		json_decref(root);
		return -EINVAL;
	}
	json_object_foreach(root, key, val)
	{
		ret = xs_config_json_key(cfg, key, val);
		if (ret < 0) {
			break;
		}
	}
	json_decref(root);
	return ret;
}
