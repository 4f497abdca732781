/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verbs of `xl` other than create: list, destroy, shutdown, reboot,
 * pause, unpause, domid, domname, info (docs/xl.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "sched.h"
#include "xl.h"
#include "xl_cfg.h"

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* The verb's single operand after its options; NULL after a usage line. */
static const char *one_operand(int argc, char **argv, const char *usage)
{
	if (optind + 1 != argc) {
		fprintf(stderr, "Usage: xl %s %s\n", argv[0], usage);
		return NULL;
	}
	return argv[optind];
}

/* Options-free verbs: skip "--" and refuse options. */
static bool no_options(int argc, char **argv, const char *usage)
{
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+h")) != -1) {
		fprintf(stderr, "Usage: xl %s %s\n", argv[0], usage);
		return false;
	}
	return true;
}

/* ---- list ------------------------------------------------------------ */

static void state_letters(const struct xenif_dominfo *d, char out[7])
{
	out[0] = d->running ? 'r' : '-';
	out[1] = d->blocked ? 'b' : '-';
	out[2] = d->paused ? 'p' : '-';
	out[3] = d->shutdown ? 's' : '-';
	out[4] =
		d->shutdown && d->shutdown_reason == SHUTDOWN_crash ? 'c' : '-';
	out[5] = d->dying ? 'd' : '-';
	out[6] = '\0';
}

static uint64_t mem_mib(const struct xenif_dominfo *d)
{
	return d->tot_pages * 4 / 1024;
}

static void json_set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL) {
		json_object_set_new(o, key, json_string(v));
	}
}

/* A decimal node value of domain domid; def when absent or malformed. */
static long long xs_number(
	struct xl *xl, long long def, uint32_t domid, const char *rel)
{
	char *v = xl_xs_read(xl, 0, "/local/domain/%u/%s", domid, rel), *end;
	long long n;

	if (v == NULL) {
		return def;
	}
	n = strtoll(v, &end, 10);
	if (end == v || *end != '\0') {
		n = def;
	}
	free(v);
	return n;
}

/* One domain of `xl list -l`: its domid and configuration. */
static json_t *domain_json(struct xl *xl, const struct xenif_dominfo *d)
{
	json_t *o = json_object(), *config = json_object();
	json_t *c_info = json_object(), *b_info = json_object();
	char uuid[37], letters[7], *name, *vm, *type, *v;
	long long maxkb, target;

	name = xl_domain_name(xl, 0, d->domid);
	vm = xl_xs_read(xl, 0, "/local/domain/%u/vm", d->domid);
	type = xl_xs_read(xl, 0, "/libxl/%u/type", d->domid);
	xl_uuid_format(d->handle, uuid);

	json_object_set_new(o, "domid", json_integer(d->domid));
	/* Without xl's record: what the hypervisor's flags say. */
	if (type != NULL) {
		json_set_str(c_info, "type", type);
	} else {
		json_set_str(c_info, "type", d->hvm ? "pvh" : "pv");
	}
	json_set_str(c_info, "name", name);
	json_set_str(c_info, "uuid", uuid);
	json_object_set_new(config, "c_info", c_info);

	maxkb = xs_number(
		xl, (long long)d->max_pages * 4, d->domid, "memory/static-max");
	target = xs_number(
		xl, (long long)d->tot_pages * 4, d->domid, "memory/target");
	json_object_set_new(b_info, "max_vcpus",
		json_integer(d->nr_online_vcpus ? d->nr_online_vcpus : 1));
	json_object_set_new(b_info, "max_memkb", json_integer(maxkb));
	json_object_set_new(b_info, "target_memkb", json_integer(target));
	if (vm != NULL) {
		v = xl_xs_read(xl, 0, "%s/image/kernel", vm);
		json_set_str(b_info, "kernel", v);
		free(v);
		v = xl_xs_read(xl, 0, "%s/image/cmdline", vm);
		if (v != NULL && v[0] != '\0') {
			json_set_str(b_info, "cmdline", v);
		}
		free(v);
	}
	json_object_set_new(config, "b_info", b_info);
	if (d->domid != 0) {
		static const char *const acts[] = {
			"on_poweroff", "on_reboot", "on_crash"};
		size_t i;

		for (i = 0; i < 3; i++) {
			v = xl_xs_read(xl, 0, "/libxl/%u/hosted/%s", d->domid,
				acts[i]);
			json_set_str(config, acts[i], v);
			free(v);
		}
	}
	json_object_set_new(o, "config", config);
	state_letters(d, letters);
	json_set_str(o, "state", letters);
	free(name);
	free(vm);
	free(type);
	return o;
}

static int list_long(struct xl *xl, const struct xenif_dominfo *doms, int count)
{
	json_t *arr = json_array();
	char *s;
	int i;

	for (i = 0; i < count; i++) {
		json_array_append_new(arr, domain_json(xl, &doms[i]));
	}
	s = json_dumps(arr, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (s == NULL) {
		xl_err("xl: out of memory");
		return 1;
	}
	printf("%s\n", s);
	free(s);
	return 0;
}

static void list_short(
	struct xl *xl, const struct xenif_dominfo *doms, int count)
{
	char letters[7], *name;
	int i;

	printf("Name                                        ID   Mem "
	       "VCPUs\tState\tTime(s)\n");
	for (i = 0; i < count; i++) {
		name = xl_domain_name(xl, 0, doms[i].domid);
		state_letters(&doms[i], letters);
		/* The hosted port does not account CPU time: 0.0. */
		printf("%-40s %5u %5llu %5u     %s  %8.1f\n",
			name ? name : "(null)", doms[i].domid,
			(unsigned long long)mem_mib(&doms[i]),
			doms[i].nr_online_vcpus, letters, 0.0);
		free(name);
	}
}

int xl_cmd_list(struct xl *xl, int argc, char **argv)
{
	struct xenif_dominfo *all, *sel;
	bool lng = false;
	int opt, count, nsel = 0, i, j, rc;
	uint32_t domid;

	optind = 1;
	while ((opt = getopt(argc, argv, "+lvZh")) != -1) {
		if (opt == 'l') {
			lng = true;
		} else if (opt != 'v' && opt != 'Z') {
			fprintf(stderr, "Usage: xl list [-l] [Domain ...]\n");
			return 1;
		}
	}
	count = xl_list_domains(xl, &all);
	if (count < 0) {
		return 1;
	}
	if (optind < argc) {
		sel = calloc((size_t)(argc - optind), sizeof(*sel));
		if (sel == NULL) {
			free(all);
			return 1;
		}
		for (i = optind; i < argc; i++) {
			if (xl_find_domain(xl, argv[i], &domid) < 0) {
				free(sel);
				free(all);
				return 1;
			}
			for (j = 0; j < count; j++) {
				if (all[j].domid == domid) {
					sel[nsel++] = all[j];
				}
			}
		}
		free(all);
		all = sel;
		count = nsel;
	}
	if (lng) {
		rc = list_long(xl, all, count);
	} else {
		list_short(xl, all, count);
		rc = 0;
	}
	free(all);
	return rc;
}

/* ---- destroy -------------------------------------------------------- */

/* True while pid is a live process with our domain's handle. */
static bool is_guest_of(pid_t pid, const char *handle_hex)
{
	char path[64], buf[8192], want[64];
	size_t wlen, off = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		return false; /* gone, or a zombie */
	}
	buf[n] = '\0';
	wlen = (size_t)snprintf(
		want, sizeof(want), "XEN_HOSTED_HANDLE=%s", handle_hex);
	while (off < (size_t)n) {
		if (strncmp(buf + off, want, wlen + 1) == 0) {
			return true;
		}
		off += strlen(buf + off) + 1;
	}
	return false;
}

/*
 * The guest process normally ends by itself when the hosted port closes
 * its connection (ECONNRESET); one that does not is killed after 2 s.
 */
static void end_guest(pid_t pid, const uint8_t handle[16])
{
	char hex[33];
	int waited;

	if (pid <= 1) {
		return;
	}
	xl_handle_hex(handle, hex);
	for (waited = 0; waited < 2000; waited += 20) {
		if (!is_guest_of(pid, hex)) {
			return;
		}
		sleep_ms(20);
	}
	if (is_guest_of(pid, hex)) {
		fprintf(stderr,
			"xl: guest process %d did not exit: killing it\n",
			(int)pid);
		kill(pid, SIGKILL);
	}
}

int xl_destroy_domain(struct xl *xl, uint32_t domid, const uint8_t *handle)
{
	struct xenif_dominfo info;
	struct xenif *xi = xl_xen(xl);
	char *vm, *pid;
	long gpid = 0;
	int rc;

	if (xi == NULL) {
		return -EIO;
	}
	rc = xenif_domain_info(xi, domid, &info);
	if (rc < 0) {
		return rc;
	}
	if (handle != NULL && memcmp(info.handle, handle, 16) != 0) {
		return -ESRCH;
	}
	vm = xl_xs_read(xl, 0, "/local/domain/%u/vm", domid);
	pid = xl_xs_read(xl, 0, "/libxl/%u/hosted/guest-pid", domid);
	if (pid != NULL) {
		gpid = strtol(pid, NULL, 10);
	}
	rc = xenif_domain_destroy(xi, domid);
	if (rc < 0 && rc != -ESRCH) {
		xl_err("xl: cannot destroy domain %u: %s", domid,
			strerror(-rc));
		free(vm);
		free(pid);
		return rc;
	}
	xl_xs_release(xl, domid);
	rc = xl_remove_domain_nodes(xl, domid, vm);
	if (rc < 0) {
		xl_err("xl: cannot remove the store nodes of domain %u: %s",
			domid, strerror(-rc));
	}
	end_guest((pid_t)gpid, info.handle);
	free(vm);
	free(pid);
	return rc;
}

int xl_cmd_destroy(struct xl *xl, int argc, char **argv)
{
	const char *arg;
	uint32_t domid;
	int opt;

	optind = 1;
	while ((opt = getopt(argc, argv, "+fh")) != -1) {
		if (opt != 'f') {
			fprintf(stderr, "Usage: xl destroy [-f] <Domain>\n");
			return 1;
		}
	}
	arg = one_operand(argc, argv, "[-f] <Domain>");
	if (arg == NULL) {
		return 1;
	}
	if (xl_find_domain(xl, arg, &domid) < 0) {
		return 1;
	}
	if (domid == 0) {
		xl_err("Cannot destroy privileged domain 0.");
		return 1;
	}
	return xl_destroy_domain(xl, domid, NULL) < 0 ? 1 : 0;
}

/* ---- shutdown, reboot ---------------------------------------------- */

/* Wait until the domain shut down or is gone. */
static void wait_shutdown(
	struct xl *xl, uint32_t domid, const uint8_t handle[16])
{
	struct xenif_dominfo info;

	for (;;) {
		if (xenif_domain_info(xl->xi, domid, &info) != 0 ||
			memcmp(info.handle, handle, 16) != 0 || info.dying) {
			fprintf(stderr, "Domain %u has been destroyed.\n",
				domid);
			return;
		}
		if (info.shutdown) {
			fprintf(stderr,
				"Domain %u has been shut down, reason code "
				"%u\n",
				domid, info.shutdown_reason);
			return;
		}
		sleep_ms(100);
	}
}

static int control_one(
	struct xl *xl, uint32_t domid, const char *cmd, const char *verbing)
{
	struct xsc *xsc = xl_store(xl);
	char path[64];
	int rc;

	if (xsc == NULL) {
		return -EIO;
	}
	if (domid == 0) {
		xl_err("xl: domain 0 is the host's own: not %s it", verbing);
		return -EINVAL;
	}
	fprintf(stderr, "%s domain %u\n",
		strcmp(cmd, "poweroff") == 0 ? "Shutting down" : "Rebooting",
		domid);
	snprintf(
		path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
	rc = xsc_write(xsc, 0, path, cmd, strlen(cmd));
	if (rc < 0) {
		xl_err("xl: cannot write %s: %s", path, strerror(-rc));
	}
	return rc;
}

static int shutdown_verb(struct xl *xl, int argc, char **argv, const char *cmd,
	const char *verbing)
{
	struct xenif_dominfo *all = NULL, one;
	bool wait = false, every = false;
	uint8_t(*handles)[16] = NULL;
	uint32_t *ids = NULL, domid;
	int opt, count = 0, i, n = 0, rc = 0;

	optind = 1;
	while ((opt = getopt(argc, argv, "+awFh")) != -1) {
		if (opt == 'a') {
			every = true;
		} else if (opt == 'w') {
			wait = true;
		} else if (opt != 'F') {
			fprintf(stderr, "Usage: xl %s [-w] <-a|Domain>\n",
				argv[0]);
			return 1;
		}
	}
	if (every != (optind == argc) || optind + 1 < argc) {
		fprintf(stderr, "Usage: xl %s [-w] <-a|Domain>\n", argv[0]);
		return 1;
	}
	if (every) {
		count = xl_list_domains(xl, &all);
		if (count < 0) {
			return 1;
		}
	} else {
		if (xl_find_domain(xl, argv[optind], &domid) < 0 ||
			xenif_domain_info(xl->xi, domid, &one) < 0) {
			return 1;
		}
		all = malloc(sizeof(*all));
		if (all == NULL) {
			return 1;
		}
		all[0] = one;
		count = 1;
	}
	ids = calloc((size_t)count + 1, sizeof(*ids));
	handles = calloc((size_t)count + 1, sizeof(*handles));
	if (ids == NULL || handles == NULL) {
		rc = -ENOMEM;
	}
	for (i = 0; rc == 0 && i < count; i++) {
		if (every && all[i].domid == 0) {
			continue;
		}
		rc = control_one(xl, all[i].domid, cmd, verbing);
		ids[n] = all[i].domid;
		memcpy(handles[n++], all[i].handle, 16);
	}
	if (rc == 0 && wait) {
		fprintf(stderr, "Waiting for %d domains\n", n);
		for (i = 0; i < n; i++) {
			wait_shutdown(xl, ids[i], handles[i]);
		}
	}
	free(ids);
	free(handles);
	free(all);
	return rc < 0 ? 1 : 0;
}

int xl_cmd_shutdown(struct xl *xl, int argc, char **argv)
{
	return shutdown_verb(xl, argc, argv, "poweroff", "shutting down");
}

int xl_cmd_reboot(struct xl *xl, int argc, char **argv)
{
	return shutdown_verb(xl, argc, argv, "reboot", "rebooting");
}

/* ---- pause, unpause ----------------------------------------------- */

static int pause_verb(struct xl *xl, int argc, char **argv, bool pause)
{
	const char *arg;
	uint32_t domid;
	int rc;

	if (!no_options(argc, argv, "<Domain>")) {
		return 1;
	}
	arg = one_operand(argc, argv, "<Domain>");
	if (arg == NULL || xl_find_domain(xl, arg, &domid) < 0) {
		return 1;
	}
	rc = pause ? xenif_domain_pause(xl->xi, domid)
		   : xenif_domain_unpause(xl->xi, domid);
	if (rc < 0) {
		xl_err("xl: cannot %s domain %u: %s",
			pause ? "pause" : "unpause", domid, strerror(-rc));
		return 1;
	}
	return 0;
}

int xl_cmd_pause(struct xl *xl, int argc, char **argv)
{
	return pause_verb(xl, argc, argv, true);
}

int xl_cmd_unpause(struct xl *xl, int argc, char **argv)
{
	return pause_verb(xl, argc, argv, false);
}

/* ---- domid, domname ------------------------------------------------ */

int xl_cmd_domid(struct xl *xl, int argc, char **argv)
{
	const char *name;
	uint32_t domid;

	if (!no_options(argc, argv, "<DomainName>")) {
		return 1;
	}
	name = one_operand(argc, argv, "<DomainName>");
	if (name == NULL) {
		return 1;
	}
	if (xl_name_to_domid(xl, name, &domid) < 0) {
		xl_err("Can't get domid of domain name '%s', maybe this domain "
		       "does not exist.",
			name);
		return 1;
	}
	printf("%u\n", domid);
	return 0;
}

int xl_cmd_domname(struct xl *xl, int argc, char **argv)
{
	struct xenif_dominfo info;
	const char *arg;
	char *name = NULL, *end;
	unsigned long v;

	if (!no_options(argc, argv, "<DomainId>")) {
		return 1;
	}
	arg = one_operand(argc, argv, "<DomainId>");
	if (arg == NULL) {
		return 1;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v >= 0x7ff0) {
		xl_err("Invalid domain id.");
		return 1;
	}
	if (xl_xen(xl) != NULL &&
		xenif_domain_info(xl->xi, (uint32_t)v, &info) == 0) {
		name = xl_domain_name(xl, 0, (uint32_t)v);
	}
	if (name == NULL) {
		xl_err("Can't get domain name of domain id '%lu', maybe this "
		       "domain does not exist.",
			v);
		return 1;
	}
	printf("%s\n", name);
	free(name);
	return 0;
}

/* ---- info ---------------------------------------------------------- */

static long long meminfo_mib(const char *key)
{
	char line[256];
	long long kib = -1;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL) {
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			kib = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib < 0 ? -1 : kib / 1024;
}

static void info_line(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void info_line(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-23s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

int xl_cmd_info(struct xl *xl, int argc, char **argv)
{
	struct xenif_dominfo *all;
	struct utsname u;
	uint64_t pages = 0;
	int count, i;

	if (!no_options(argc, argv, "") || optind != argc) {
		if (optind != argc) {
			fprintf(stderr, "Usage: xl info\n");
		}
		return 1;
	}
	count = xl_list_domains(xl, &all);
	if (count < 0) {
		return 1;
	}
	for (i = 0; i < count; i++) {
		pages += all[i].tot_pages;
	}
	free(all);
	if (uname(&u) == 0) {
		info_line("host", "%s", u.nodename);
		info_line("release", "%s", u.release);
		info_line("version", "%s", u.version);
		info_line("machine", "%s", u.machine);
	}
	info_line("nr_cpus", "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	info_line("total_memory", "%lld", meminfo_mib("MemTotal"));
	info_line("free_memory", "%lld", meminfo_mib("MemAvailable"));
	info_line("xen_backend", "%s", xenif_backend_name(xl->xi));
	info_line("nr_domains", "%d", count);
	info_line("domain_memory", "%llu",
		(unsigned long long)(pages * 4 / 1024));
	info_line("xend_config_format", "4");
	return 0;
}
