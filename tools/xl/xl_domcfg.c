/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The meaning of an xl domain configuration (xl_cfg.h): the keys `xl
 * create` uses on the hosted port, their defaults and checks, and UUIDs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl_cfg.h"

/* Keys of xl.cfg(5) that the hosted port cannot honour. */
static const char *const unsupported_keys[] = {
	"bootloader",
	"ramdisk",
	"disk",
	"vif",
	"vfb",
	"vkb",
	"pci",
	"p9",
	"pvcalls",
	"vtpm",
	"channel",
	"usbctrl",
	"usbdev",
	"cpus",
	"cpus_soft",
	"device_model_version",
	"serial",
};

/* The xl.cfg actions the hosted port does not implement. */
static const char *const other_actions[] = {
	"restart",
	"rename-restart",
	"coredump-destroy",
	"coredump-restart",
	"soft-reset",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A scalar setting that must be one of a few words. */
static int setting_err(const struct xl_cfg *cfg, const char *key, char *err,
	size_t errlen, const char *what)
{
	const struct xl_cfg_setting *s = xl_cfg_lookup(cfg, key);

	set_err(err, errlen, "%s:%u: %s: %s", s ? s->source : "config",
		s ? s->line : 0, key, what);
	return -EINVAL;
}

/* An optional string: *out NULL when absent. */
static int opt_string(const struct xl_cfg *cfg, const char *key,
	const char **out, char *err, size_t errlen)
{
	int rc = xl_cfg_get_string(cfg, key, out, err, errlen);

	if (rc == -ENOENT) {
		*out = NULL;
		return 0;
	}
	return rc;
}

static int dup_into(char **dst, const char *src, char *err, size_t errlen)
{
	*dst = strdup(src);
	if (*dst == NULL) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int check_name(
	const struct xl_cfg *cfg, const char *name, char *err, size_t errlen)
{
	size_t i, n = strlen(name);
	bool digits = true;

	if (n == 0) {
		return setting_err(
			cfg, "name", err, errlen, "the name cannot be empty");
	}
	if (n > XL_NAME_MAX) {
		return setting_err(cfg, "name", err, errlen,
			"the name is longer than 64 characters");
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == 0x7f || c == '/') {
			return setting_err(cfg, "name", err, errlen,
				"the name cannot hold '/' or control "
				"characters");
		}
		if (c < '0' || c > '9') {
			digits = false;
		}
	}
	if (digits) {
		return setting_err(cfg, "name", err, errlen,
			"a name made of digits only would be taken for a "
			"domain id");
	}
	return 0;
}

static int parse_action(const struct xl_cfg *cfg, const char *key,
	enum xl_action *out, char *err, size_t errlen)
{
	const char *v;
	char what[160];
	size_t i;
	int rc = opt_string(cfg, key, &v, err, errlen);

	if (rc < 0) {
		return rc;
	}
	*out = XL_ACTION_DESTROY;
	if (v == NULL || strcmp(v, "destroy") == 0) {
		return 0;
	}
	if (strcmp(v, "preserve") == 0) {
		*out = XL_ACTION_PRESERVE;
		return 0;
	}
	for (i = 0; i < ARRAY_LEN(other_actions); i++) {
		if (strcmp(v, other_actions[i]) == 0) {
			snprintf(what, sizeof(what),
				"\"%s\" is not supported on the hosted port "
				"(use \"destroy\" or \"preserve\")",
				v);
			return setting_err(cfg, key, err, errlen, what);
		}
	}
	snprintf(what, sizeof(what), "invalid action \"%.100s\"", v);
	return setting_err(cfg, key, err, errlen, what);
}

static int load_type(const struct xl_cfg *cfg, struct xl_domcfg *dc, char *err,
	size_t errlen)
{
	const char *type, *builder;
	int rc;

	rc = opt_string(cfg, "type", &type, err, errlen);
	if (rc == 0) {
		rc = opt_string(cfg, "builder", &builder, err, errlen);
	}
	if (rc < 0) {
		return rc;
	}
	if (type == NULL) {
		if (builder == NULL || strcmp(builder, "generic") == 0) {
			type = "pv";
		} else if (strcmp(builder, "hvm") == 0) {
			return setting_err(cfg, "builder", err, errlen,
				"HVM guests do not run on the hosted port");
		} else {
			return setting_err(cfg, "builder", err, errlen,
				"unknown builder (\"generic\" or \"hvm\")");
		}
	} else if (strcmp(type, "hvm") == 0) {
		return setting_err(cfg, "type", err, errlen,
			"HVM guests do not run on the hosted port (use \"pv\" "
			"or \"pvh\")");
	} else if (strcmp(type, "pv") != 0 && strcmp(type, "pvh") != 0) {
		return setting_err(cfg, "type", err, errlen,
			"unknown type (\"pv\" or \"pvh\")");
	}
	return dup_into(&dc->type, type, err, errlen);
}

static int load_memory(const struct xl_cfg *cfg, struct xl_domcfg *dc,
	char *err, size_t errlen)
{
	/* 1 TiB: far beyond what the hosted port gives, and no overflow. */
	const uint64_t max = 1ull << 20;
	int rc;

	dc->memory_mib = XL_DEFAULT_MEMORY_MIB;
	rc = xl_cfg_get_uint(cfg, "memory", max, &dc->memory_mib, err, errlen);
	if (rc < 0 && rc != -ENOENT) {
		return rc;
	}
	if (dc->memory_mib == 0) {
		return setting_err(cfg, "memory", err, errlen,
			"a domain needs at least 1 MiB");
	}
	dc->maxmem_mib = dc->memory_mib;
	rc = xl_cfg_get_uint(cfg, "maxmem", max, &dc->maxmem_mib, err, errlen);
	if (rc < 0 && rc != -ENOENT) {
		return rc;
	}
	if (dc->maxmem_mib < dc->memory_mib) {
		return setting_err(
			cfg, "maxmem", err, errlen, "maxmem is below memory");
	}
	return 0;
}

static int load_vcpus(const struct xl_cfg *cfg, struct xl_domcfg *dc, char *err,
	size_t errlen)
{
	static const char *const keys[] = {"vcpus", "maxvcpus"};
	uint64_t v;
	size_t i;
	int rc;

	dc->vcpus = 1;
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		rc = xl_cfg_get_uint(cfg, keys[i], 4096, &v, err, errlen);
		if (rc == -ENOENT) {
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		if (v != 1) {
			return setting_err(cfg, keys[i], err, errlen,
				"only 1 vCPU is supported on the hosted port");
		}
	}
	return 0;
}

/* cmdline, or else "root=ROOT EXTRA" as xl builds it. */
static int load_cmdline(const struct xl_cfg *cfg, struct xl_domcfg *dc,
	FILE *warn, char *err, size_t errlen)
{
	const char *cmdline, *root, *extra;
	size_t n;
	int rc;

	rc = opt_string(cfg, "cmdline", &cmdline, err, errlen);
	if (rc == 0) {
		rc = opt_string(cfg, "root", &root, err, errlen);
	}
	if (rc == 0) {
		rc = opt_string(cfg, "extra", &extra, err, errlen);
	}
	if (rc < 0) {
		return rc;
	}
	if (cmdline != NULL) {
		if ((root != NULL || extra != NULL) && warn != NULL) {
			fprintf(warn, "xl: warning: cmdline is set: root and "
				      "extra are ignored\n");
		}
		return dup_into(&dc->cmdline, cmdline, err, errlen);
	}
	if (root == NULL && extra == NULL) {
		return 0;
	}
	n = (root ? strlen(root) + 6 : 0) + (extra ? strlen(extra) : 0) + 1;
	dc->cmdline = malloc(n);
	if (dc->cmdline == NULL) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (root != NULL) {
		snprintf(dc->cmdline, n, "root=%s%s%s", root, extra ? " " : "",
			extra ? extra : "");
	} else {
		snprintf(dc->cmdline, n, "%s", extra);
	}
	return 0;
}

int xl_domcfg_load(const struct xl_cfg *cfg, struct xl_domcfg *dc, FILE *warn,
	char *err, size_t errlen)
{
	const char *name, *kernel, *uuid;
	const struct xl_cfg_setting *s;
	size_t i;
	int rc;

	memset(dc, 0, sizeof(*dc));
	rc = opt_string(cfg, "name", &name, err, errlen);
	if (rc == 0 && name == NULL) {
		set_err(err, errlen, "Domain name must be specified.");
		rc = -EINVAL;
	}
	if (rc == 0) {
		rc = check_name(cfg, name, err, errlen);
	}
	if (rc == 0) {
		rc = dup_into(&dc->name, name, err, errlen);
	}
	if (rc == 0) {
		rc = load_type(cfg, dc, err, errlen);
	}
	if (rc == 0) {
		rc = load_memory(cfg, dc, err, errlen);
	}
	if (rc == 0) {
		rc = load_vcpus(cfg, dc, err, errlen);
	}
	if (rc == 0) {
		rc = opt_string(cfg, "kernel", &kernel, err, errlen);
	}
	if (rc == 0 && (kernel == NULL || kernel[0] == '\0')) {
		set_err(err, errlen,
			"kernel must be given: the guest program to run");
		rc = -EINVAL;
	}
	if (rc == 0) {
		rc = dup_into(&dc->kernel, kernel, err, errlen);
	}
	if (rc == 0) {
		rc = load_cmdline(cfg, dc, warn, err, errlen);
	}
	if (rc == 0) {
		rc = opt_string(cfg, "uuid", &uuid, err, errlen);
	}
	if (rc == 0 && uuid != NULL) {
		if (xl_uuid_parse(uuid, dc->uuid) < 0) {
			rc = setting_err(cfg, "uuid", err, errlen,
				"not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-"
				"xxxxxxxxxxxx)");
		} else {
			dc->uuid_given = true;
		}
	}
	if (rc == 0) {
		rc = parse_action(
			cfg, "on_poweroff", &dc->on_poweroff, err, errlen);
	}
	if (rc == 0) {
		rc = parse_action(
			cfg, "on_reboot", &dc->on_reboot, err, errlen);
	}
	if (rc == 0) {
		rc = parse_action(cfg, "on_crash", &dc->on_crash, err, errlen);
	}
	if (rc < 0) {
		xl_domcfg_fini(dc);
		return rc;
	}
	for (i = 0; warn != NULL && i < ARRAY_LEN(unsupported_keys); i++) {
		s = xl_cfg_lookup(cfg, unsupported_keys[i]);
		if (s != NULL) {
			fprintf(warn,
				"xl: warning: %s:%u: %s is not supported on "
				"the hosted port, ignored\n",
				s->source, s->line, s->key);
		}
	}
	return 0;
}

void xl_domcfg_fini(struct xl_domcfg *dc)
{
	free(dc->name);
	free(dc->type);
	free(dc->kernel);
	free(dc->cmdline);
	memset(dc, 0, sizeof(*dc));
}

const char *xl_action_name(enum xl_action a)
{
	return a == XL_ACTION_PRESERVE ? "preserve" : "destroy";
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int xl_uuid_parse(const char *s, uint8_t out[16])
{
	size_t len = strlen(s), i, o = 0;
	bool dashed = len == 36;
	int hi, lo;

	if (len != 36 && len != 32) {
		return -EINVAL;
	}
	for (i = 0; i < len;) {
		if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
			if (s[i] != '-') {
				return -EINVAL;
			}
			i++;
			continue;
		}
		hi = hex_digit(s[i]);
		lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0 || o >= 16) {
			return -EINVAL;
		}
		out[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return o == 16 ? 0 : -EINVAL;
}

void xl_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		"%02x%02x%02x%02x%02x%02x",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		u[10], u[11], u[12], u[13], u[14], u[15]);
}

int xl_uuid_random(uint8_t out[16])
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int e;

	if (fd < 0) {
		return -errno;
	}
	n = read(fd, out, 16);
	e = errno;
	close(fd);
	if (n != 16) {
		return n < 0 ? -e : -EIO;
	}
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40); /* version 4 */
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	return 0;
}
