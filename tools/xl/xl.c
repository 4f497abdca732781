/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xl`: entry point, verb table and the helpers the verbs share (xl.h).
 */
#include "xl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/xs_wire.h"

struct xl_verb {
	const char *name;
	int (*fn)(struct xl *xl, int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct xl_verb verbs[] = {
	{"create", xl_cmd_create, "[-p] [-F] [-e] <ConfigFile> [KEY=VALUE...]",
		"Create a domain from config file <ConfigFile>"},
	{"list", xl_cmd_list, "[-l] [Domain ...]",
		"List information about all/some domains"},
	{"destroy", xl_cmd_destroy, "<Domain>",
		"Terminate a domain immediately"},
	{"shutdown", xl_cmd_shutdown, "[-w] <-a|Domain>",
		"Issue a shutdown signal to a domain"},
	{"reboot", xl_cmd_reboot, "[-w] <-a|Domain>",
		"Issue a reboot signal to a domain"},
	{"pause", xl_cmd_pause, "<Domain>", "Pause execution of a domain"},
	{"unpause", xl_cmd_unpause, "<Domain>", "Unpause a paused domain"},
	{"domid", xl_cmd_domid, "<DomainName>",
		"Convert a domain name to domain id"},
	{"domname", xl_cmd_domname, "<DomainId>",
		"Convert a domain id to domain name"},
	{"info", xl_cmd_info, "", "Get information about Xen host"},
};

#define NR_VERBS (sizeof(verbs) / sizeof(verbs[0]))

void xl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct xenif *xl_xen(struct xl *xl)
{
	if (xl->xi == NULL) {
		xl->xi = xenif_open(XENIF_AUTO, NULL);
		if (xl->xi == NULL) {
			xl_err("xl: cannot reach the hypervisor: %s",
				strerror(errno));
		}
	}
	return xl->xi;
}

struct xsc *xl_store(struct xl *xl)
{
	int rc;

	if (xl->xsc == NULL) {
		rc = xsc_open(NULL, &xl->xsc);
		if (rc < 0) {
			xl->xsc = NULL;
			xl_err("xl: cannot connect to xenstored: %s",
				strerror(-rc));
		}
	}
	return xl->xsc;
}

void xl_close(struct xl *xl)
{
	xenif_close(xl->xi);
	xl->xi = NULL;
	xsc_close(xl->xsc);
	xl->xsc = NULL;
}

int xl_list_domains(struct xl *xl, struct xenif_dominfo **out)
{
	struct xenif_dominfo *all = NULL, *n;
	struct xenif *xi = xl_xen(xl);
	unsigned int count = 0, cap = 0;
	uint32_t first = 0;
	int got;

	if (xi == NULL) {
		return -EIO;
	}
	for (;;) {
		if (cap - count < 64) {
			cap += 256;
			n = realloc(all, sizeof(*n) * cap);
			if (n == NULL) {
				free(all);
				xl_err("xl: out of memory");
				return -ENOMEM;
			}
			all = n;
		}
		got = xenif_domain_getinfo(xi, first, cap - count, all + count);
		if (got < 0) {
			free(all);
			xl_err("xl: cannot list domains: %s", strerror(-got));
			return got;
		}
		count += (unsigned int)got;
		if (got == 0 || count < cap) {
			break;
		}
		first = all[count - 1].domid + 1;
	}
	*out = all;
	return (int)count;
}

char *xl_xs_read(struct xl *xl, uint32_t tx, const char *fmt, ...)
{
	struct xsc *xsc = xl_store(xl);
	char path[256], *value = NULL;
	size_t len;
	va_list ap;

	if (xsc == NULL) {
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (xsc_read(xsc, tx, path, &value, &len) < 0) {
		return NULL;
	}
	return value;
}

char *xl_domain_name(struct xl *xl, uint32_t tx, uint32_t domid)
{
	char *name = xl_xs_read(xl, tx, "/local/domain/%u/name", domid);

	if (name == NULL && domid == 0) {
		name = strdup("Domain-0");
	}
	return name;
}

int xl_name_to_domid(struct xl *xl, const char *name, uint32_t *domid)
{
	struct xenif_dominfo *all;
	int count, i, rc = -ENOENT;
	char *n;

	count = xl_list_domains(xl, &all);
	if (count < 0) {
		return count;
	}
	for (i = 0; i < count && rc == -ENOENT; i++) {
		n = xl_domain_name(xl, 0, all[i].domid);
		if (n != NULL && strcmp(n, name) == 0) {
			*domid = all[i].domid;
			rc = 0;
		}
		free(n);
	}
	free(all);
	return rc;
}

static bool all_digits(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9') {
			return false;
		}
	}
	return true;
}

int xl_find_domain(struct xl *xl, const char *arg, uint32_t *domid)
{
	struct xenif_dominfo info;
	unsigned long v;
	int rc;

	if (all_digits(arg)) {
		errno = 0;
		v = strtoul(arg, NULL, 10);
		if (errno == 0 && v < 0x7ff0 && xl_xen(xl) != NULL &&
			xenif_domain_info(xl->xi, (uint32_t)v, &info) == 0) {
			*domid = (uint32_t)v;
			return 0;
		}
		rc = -ENOENT;
	} else {
		rc = xl_name_to_domid(xl, arg, domid);
	}
	if (rc == -ENOENT) {
		xl_err("%s is an invalid domain identifier", arg);
	}
	return rc < 0 ? rc : 0;
}

int xl_remove_domain_nodes(struct xl *xl, uint32_t domid, const char *vm_path)
{
	struct xsc *xsc = xl_store(xl);
	char path[128];
	int rc, ret = 0;

	if (xsc == NULL) {
		return -EIO;
	}
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	rc = xsc_rm(xsc, 0, path);
	if (rc < 0 && rc != -ENOENT) {
		ret = rc;
	}
	if (vm_path != NULL && strncmp(vm_path, "/vm/", 4) == 0 &&
		vm_path[4] != '\0' && strchr(vm_path + 4, '/') == NULL) {
		rc = xsc_rm(xsc, 0, vm_path);
		if (rc < 0 && rc != -ENOENT) {
			ret = rc;
		}
	}
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	rc = xsc_rm(xsc, 0, path);
	if (rc < 0 && rc != -ENOENT) {
		ret = rc;
	}
	return ret;
}

int xl_xs_release(struct xl *xl, uint32_t domid)
{
	struct xsc *xsc = xl_store(xl);
	uint32_t type;
	char arg[16], *reply = NULL;
	size_t len;
	int rc;

	if (xsc == NULL) {
		return -EIO;
	}
	snprintf(arg, sizeof(arg), "%u", domid);
	rc = xsc_request(
		xsc, XS_RELEASE, 0, arg, strlen(arg) + 1, &type, &reply, &len);
	if (rc == 0 && type == XS_ERROR) {
		rc = xsc_error_from_name(reply);
	}
	free(reply);
	return rc;
}

const char *xl_errno_name(int err)
{
	size_t i;

	if (err < 0) {
		err = -err;
	}
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (xsd_errors[i].errnum == err) {
			return xsd_errors[i].errstring;
		}
	}
	return "E?";
}

void xl_handle_hex(const uint8_t h[16], char out[33])
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	}
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage xl [-v] [-h] <subcommand> [args]\n\n");
	fprintf(f, "xl full list of subcommands:\n\n");
	for (i = 0; i < NR_VERBS; i++) {
		fprintf(f, " %-19s %s\n", verbs[i].name, verbs[i].help);
	}
	fprintf(f, "\nThis xl runs domains on the hosted port (xen-hosted); "
		   "see docs/xl.md.\n");
}

static int verb_help(const char *name)
{
	size_t i;

	for (i = 0; i < NR_VERBS; i++) {
		if (strcmp(verbs[i].name, name) == 0) {
			printf("Usage: xl %s %s\n\n%s.\n", verbs[i].name,
				verbs[i].usage, verbs[i].help);
			return 0;
		}
	}
	fprintf(stderr, "command \"%s\" not implemented\n", name);
	usage(stderr);
	return 1;
}

int main(int argc, char **argv)
{
	struct xl xl = {0};
	int i = 1, rc;
	size_t v;

	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "-h") == 0 ||
			strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "-v") != 0 && strcmp(argv[i], "-f") != 0 &&
			strcmp(argv[i], "-N") != 0) {
			fprintf(stderr, "xl: unknown global option %s\n",
				argv[i]);
			usage(stderr);
			return 1;
		}
		i++;
	}
	if (i >= argc) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc) {
			return verb_help(argv[i + 1]);
		}
		usage(stdout);
		return 0;
	}
	for (v = 0; v < NR_VERBS; v++) {
		if (strcmp(verbs[v].name, argv[i]) == 0) {
			break;
		}
	}
	if (v == NR_VERBS) {
		fprintf(stderr, "command \"%s\" not implemented\n", argv[i]);
		usage(stderr);
		return 1;
	}
	if (i + 1 < argc && (strcmp(argv[i + 1], "-h") == 0 ||
				    strcmp(argv[i + 1], "--help") == 0)) {
		return verb_help(verbs[v].name);
	}
	rc = verbs[v].fn(&xl, argc - i, argv + i);
	xl_close(&xl);
	return rc;
}
