/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xl create`: build a domain on the hosted port and run its guest program,
 * and the monitor that waits for the guest and applies on_poweroff,
 * on_reboot and on_crash (docs/xl.md).
 *
 * Steps, each undone on a later failure (undo()): create the domain
 * (paused) and set its memory; allocate the store and console event
 * channels; set the HVM params of both rings (the last two RAM frames) and
 * clear those frames; write the domain's store nodes in one transaction;
 * INTRODUCE it to xenstored; start the guest process; unpause.
 *
 * Processes: without -F, xl forks a monitor (setsid, double fork, output
 * to the guest's log) that forks the guest and reports through a pipe
 * whether exec() worked; xl then unpauses and exits. With -F, xl itself
 * is the guest's parent and its monitor. With -e, the guest is started
 * detached and nobody monitors it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "domctl.h"
#include "hvm/params.h"
#include "io/xs_wire.h"
#include "sched.h"
#include "xl.h"
#include "xl_cfg.h"

#define XL_PAGE_SIZE 4096
#define XL_TXN_TRIES 20
#define XL_CONSOLE_LIMIT "1048576"

struct create {
	struct xl *xl;
	struct xl_domcfg dc;
	bool paused;
	bool foreground;
	bool no_monitor;
	uint32_t domid;
	bool domain_made;
	bool nodes_written;
	bool introduced;
	char uuid_str[37];
	char vm_path[64];
	uint64_t store_gfn;
	uint64_t console_gfn;
	int store_port;
	int console_port;
	char kernel[PATH_MAX];
	char socket[PATH_MAX];
	char log_path[PATH_MAX];
	int log_fd;
	pid_t guest;
};

/* What a monitor needs to know about its domain. */
struct monitor {
	uint32_t domid;
	uint8_t uuid[16];
	char vm_path[64];
	enum xl_action on_poweroff;
	enum xl_action on_reboot;
	enum xl_action on_crash;
	pid_t guest;
};

/* The exec/monitor report sent through a pipe. */
struct spawn_report {
	int err;
	int pid;
};

static volatile sig_atomic_t monitor_signal;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void create_usage(void)
{
	fprintf(stderr, "Usage: xl create [-p] [-F] [-e] [-q] [-f FILE] "
			"<ConfigFile> [KEY=VALUE...]\n");
}

/* ---- store nodes ---------------------------------------------------- */

/* Writes in one transaction; the first error sticks. */
struct txw {
	struct xsc *xsc;
	uint32_t tx;
	int rc;
	char path[256];
};

static const char *txw_path(struct txw *t, const char *fmt, va_list ap)
{
	vsnprintf(t->path, sizeof(t->path), fmt, ap);
	return t->path;
}

static void txw_write(struct txw *t, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void txw_write(struct txw *t, const char *value, const char *fmt, ...)
{
	va_list ap;

	if (t->rc < 0) {
		return;
	}
	va_start(ap, fmt);
	txw_path(t, fmt, ap);
	va_end(ap);
	t->rc = xsc_write(t->xsc, t->tx, t->path, value, strlen(value));
}

/* mkdir (or an empty node when value is "") with permissions. */
static void txw_node(struct txw *t, const char *const *perms, unsigned int n,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void txw_node(struct txw *t, const char *const *perms, unsigned int n,
	const char *fmt, ...)
{
	va_list ap;

	if (t->rc < 0) {
		return;
	}
	va_start(ap, fmt);
	txw_path(t, fmt, ap);
	va_end(ap);
	t->rc = xsc_mkdir(t->xsc, t->tx, t->path);
	if (t->rc == 0) {
		t->rc = xsc_set_perms(t->xsc, t->tx, t->path, perms, n);
	}
}

static void txw_rm(struct txw *t, const char *path)
{
	int rc;

	if (t->rc < 0) {
		return;
	}
	rc = xsc_rm(t->xsc, t->tx, path);
	if (rc < 0 && rc != -ENOENT) {
		t->rc = rc;
	}
}

/* 1 when another running domain has the name (read in transaction tx). */
static int name_taken(struct create *c, uint32_t tx,
	const struct xenif_dominfo *all, int count)
{
	int i, taken = 0;
	char *n;

	for (i = 0; i < count && !taken; i++) {
		if (all[i].domid == c->domid) {
			continue;
		}
		n = xl_domain_name(c->xl, tx, all[i].domid);
		taken = n != NULL && strcmp(n, c->dc.name) == 0;
		free(n);
	}
	return taken;
}

static void write_domain_nodes(struct create *c, struct txw *t)
{
	const struct xl_domcfg *dc = &c->dc;
	char dom[32], libxl[32], self_r[16], self_n[16], buf[64];
	const char *roperm[2] = {"n0", self_r};
	const char *rwperm[1] = {self_n};
	const char *noperm[1] = {"n0"};
	const char *conperm[2] = {self_n, "r0"};
	static const char *const guest_dirs[] = {
		"data", "drivers", "feature", "attr", "error"};
	static const char *const control_nodes[] = {"shutdown",
		"feature-poweroff", "feature-reboot", "feature-suspend",
		"sysrq"};
	struct timeval tv;
	size_t i;

	snprintf(dom, sizeof(dom), "/local/domain/%u", c->domid);
	snprintf(libxl, sizeof(libxl), "/libxl/%u", c->domid);
	snprintf(self_r, sizeof(self_r), "r%u", c->domid);
	snprintf(self_n, sizeof(self_n), "n%u", c->domid);

	/* Leftovers of an earlier domain with this id go first. */
	txw_rm(t, dom);
	txw_rm(t, c->vm_path);
	txw_rm(t, libxl);
	txw_node(t, roperm, 2, "%s", dom);
	txw_node(t, roperm, 2, "%s", c->vm_path);
	txw_node(t, noperm, 1, "%s", libxl);
	txw_node(t, noperm, 1, "%s/device", libxl);

	txw_write(t, c->vm_path, "%s/vm", dom);
	txw_write(t, dc->name, "%s/name", dom);
	snprintf(buf, sizeof(buf), "%u", c->domid);
	txw_write(t, buf, "%s/domid", dom);

	txw_node(t, roperm, 2, "%s/cpu", dom);
	txw_write(t, "online", "%s/cpu/0/availability", dom);
	txw_node(t, roperm, 2, "%s/memory", dom);
	snprintf(buf, sizeof(buf), "%llu",
		(unsigned long long)(dc->maxmem_mib * 1024));
	txw_write(t, buf, "%s/memory/static-max", dom);
	snprintf(buf, sizeof(buf), "%llu",
		(unsigned long long)(dc->memory_mib * 1024));
	txw_write(t, buf, "%s/memory/target", dom);

	/* ~/device stays read-only; the guest may fill its suspend port. */
	txw_node(t, roperm, 2, "%s/device", dom);
	txw_node(t, rwperm, 1, "%s/device/suspend/event-channel", dom);

	txw_node(t, roperm, 2, "%s/control", dom);
	for (i = 0; i < sizeof(control_nodes) / sizeof(control_nodes[0]); i++) {
		txw_node(t, rwperm, 1, "%s/control/%s", dom, control_nodes[i]);
	}
	txw_write(t, "1", "%s/control/platform-feature-multiprocessor-suspend",
		dom);
	txw_write(t, "1", "%s/control/platform-feature-xs_reset_watches", dom);
	for (i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++) {
		txw_node(t, rwperm, 1, "%s/%s", dom, guest_dirs[i]);
	}

	/* The store ring (deprecated nodes, still written by libxl). */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->store_gfn);
	txw_write(t, buf, "%s/store/ring-ref", dom);
	snprintf(buf, sizeof(buf), "%d", c->store_port);
	txw_write(t, buf, "%s/store/port", dom);

	/* The primary console: a frontend directory owned by the guest. */
	txw_node(t, conperm, 2, "%s/console", dom);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)c->console_gfn);
	txw_write(t, buf, "%s/console/ring-ref", dom);
	snprintf(buf, sizeof(buf), "%d", c->console_port);
	txw_write(t, buf, "%s/console/port", dom);
	txw_write(t, XL_CONSOLE_LIMIT, "%s/console/limit", dom);

	txw_write(t, c->uuid_str, "%s/uuid", c->vm_path);
	txw_write(t, dc->name, "%s/name", c->vm_path);
	gettimeofday(&tv, NULL);
	snprintf(buf, sizeof(buf), "%lld.%06ld", (long long)tv.tv_sec,
		(long)tv.tv_usec);
	txw_write(t, buf, "%s/start_time", c->vm_path);
	txw_write(t, c->kernel, "%s/image/kernel", c->vm_path);
	txw_write(t, dc->cmdline ? dc->cmdline : "", "%s/image/cmdline",
		c->vm_path);

	txw_write(t, dc->type, "%s/type", libxl);
	txw_write(t, xl_action_name(dc->on_poweroff), "%s/hosted/on_poweroff",
		libxl);
	txw_write(
		t, xl_action_name(dc->on_reboot), "%s/hosted/on_reboot", libxl);
	txw_write(t, xl_action_name(dc->on_crash), "%s/hosted/on_crash", libxl);
	if (c->log_path[0] != '\0') {
		txw_write(t, c->log_path, "%s/hosted/log", libxl);
	}
}

/* All of a domain's nodes, in one transaction (retried on conflicts). */
static int write_nodes(struct create *c)
{
	struct xsc *xsc = xl_store(c->xl);
	struct xenif_dominfo *all;
	struct txw t;
	int tries, count, rc;

	if (xsc == NULL) {
		return -EIO;
	}
	for (tries = 0; tries < XL_TXN_TRIES; tries++) {
		count = xl_list_domains(c->xl, &all);
		if (count < 0) {
			return count;
		}
		memset(&t, 0, sizeof(t));
		t.xsc = xsc;
		rc = xsc_transaction_start(xsc, &t.tx);
		if (rc < 0) {
			free(all);
			xl_err("xl: cannot start a store transaction: %s",
				strerror(-rc));
			return rc;
		}
		if (name_taken(c, t.tx, all, count)) {
			free(all);
			xsc_transaction_end(xsc, t.tx, false);
			xl_err("Domain with name \"%s\" already exists.",
				c->dc.name);
			return -EEXIST;
		}
		free(all);
		write_domain_nodes(c, &t);
		if (t.rc < 0) {
			xsc_transaction_end(xsc, t.tx, false);
			if (t.rc == -EAGAIN) {
				continue;
			}
			xl_err("xl: cannot write %s: %s", t.path,
				strerror(-t.rc));
			return t.rc;
		}
		rc = xsc_transaction_end(xsc, t.tx, true);
		if (rc == -EAGAIN) {
			continue;
		}
		if (rc < 0) {
			xl_err("xl: domain creation store transaction failed: "
			       "%s",
				strerror(-rc));
			return rc;
		}
		c->nodes_written = true;
		return 0;
	}
	xl_err("xl: the store transaction kept conflicting; giving up");
	return -EAGAIN;
}

static int introduce(struct create *c)
{
	struct xsc *xsc = xl_store(c->xl);
	char payload[96], *reply = NULL;
	uint32_t type;
	size_t len;
	int n, rc;

	if (xsc == NULL) {
		return -EIO;
	}
	n = snprintf(payload, sizeof(payload), "%u%c%llu%c%d%c", c->domid, 0,
		(unsigned long long)c->store_gfn, 0, c->store_port, 0);
	rc = xsc_request(
		xsc, XS_INTRODUCE, 0, payload, (size_t)n, &type, &reply, &len);
	if (rc == 0 && type == XS_ERROR) {
		rc = xsc_error_from_name(reply);
		xl_err("xl: xenstored refused INTRODUCE of domain %u: %s (%s)",
			c->domid, reply, strerror(-rc));
	} else if (rc < 0) {
		xl_err("xl: INTRODUCE of domain %u failed: %s", c->domid,
			strerror(-rc));
	} else {
		c->introduced = true;
	}
	free(reply);
	return rc;
}

/* ---- the domain ------------------------------------------------------ */

static int make_domain(struct create *c)
{
	struct xenif *xi = c->xl->xi;
	struct xenif_domain_config cfg;
	struct xenif_dominfo info;
	uint8_t uuid[16];
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.max_vcpus = c->dc.vcpus;
	if (strcmp(c->dc.type, "pvh") == 0) {
		cfg.flags = XEN_DOMCTL_CDF_hvm_guest | XEN_DOMCTL_CDF_hap;
	}
	if (c->dc.uuid_given) {
		memcpy(uuid, c->dc.uuid, 16);
	} else {
		rc = xl_uuid_random(uuid);
		if (rc < 0) {
			xl_err("xl: cannot make a UUID: %s", strerror(-rc));
			return rc;
		}
		memcpy(c->dc.uuid, uuid, 16);
	}
	memcpy(cfg.handle, uuid, 16);
	xl_uuid_format(uuid, c->uuid_str);
	snprintf(c->vm_path, sizeof(c->vm_path), "/vm/%s", c->uuid_str);
	rc = xenif_domain_create(xi, &cfg, &c->domid);
	if (rc < 0) {
		xl_err("xl: cannot create the domain: %s", strerror(-rc));
		return rc;
	}
	c->domain_made = true;
	rc = xenif_domain_set_max_mem(xi, c->domid, c->dc.maxmem_mib * 1024);
	if (rc < 0) {
		xl_err("xl: cannot give domain %u %llu MiB: %s", c->domid,
			(unsigned long long)c->dc.maxmem_mib, strerror(-rc));
		return rc;
	}
	rc = xenif_domain_info(xi, c->domid, &info);
	if (rc < 0) {
		xl_err("xl: domain %u vanished: %s", c->domid, strerror(-rc));
		return rc;
	}
	if (info.max_pages < 2) {
		xl_err("xl: domain %u has %llu pages: too few for its rings",
			c->domid, (unsigned long long)info.max_pages);
		return -ENOMEM;
	}
	c->store_gfn = info.max_pages - 1;
	c->console_gfn = info.max_pages - 2;
	return 0;
}

static int setup_rings(struct create *c)
{
	struct xenif *xi = c->xl->xi;
	uint64_t gfns[2] = {c->store_gfn, c->console_gfn};
	int errs[2] = {0, 0}, rc;
	void *p;

	c->store_port = xenif_evtchn_alloc_unbound(xi, c->domid, 0);
	if (c->store_port < 0) {
		xl_err("xl: cannot allocate the store event channel: %s",
			strerror(-c->store_port));
		return c->store_port;
	}
	c->console_port = xenif_evtchn_alloc_unbound(xi, c->domid, 0);
	if (c->console_port < 0) {
		xl_err("xl: cannot allocate the console event channel: %s",
			strerror(-c->console_port));
		return c->console_port;
	}
	rc = xenif_hvm_param_set(
		xi, c->domid, HVM_PARAM_STORE_PFN, c->store_gfn);
	if (rc == 0) {
		rc = xenif_hvm_param_set(xi, c->domid, HVM_PARAM_STORE_EVTCHN,
			(uint64_t)c->store_port);
	}
	if (rc == 0) {
		rc = xenif_hvm_param_set(
			xi, c->domid, HVM_PARAM_CONSOLE_PFN, c->console_gfn);
	}
	if (rc == 0) {
		rc = xenif_hvm_param_set(xi, c->domid, HVM_PARAM_CONSOLE_EVTCHN,
			(uint64_t)c->console_port);
	}
	if (rc < 0) {
		xl_err("xl: cannot set the ring parameters of domain %u: %s",
			c->domid, strerror(-rc));
		return rc;
	}
	/* Fresh frames are zero on the hosted port; clear them anyway. */
	p = xenif_foreign_map(
		xi, c->domid, PROT_READ | PROT_WRITE, gfns, 2, errs);
	if (p == NULL || errs[0] != 0 || errs[1] != 0) {
		fprintf(stderr,
			"xl: warning: cannot clear the ring frames of domain "
			"%u: %s\n",
			c->domid, p == NULL ? strerror(errno) : "map error");
	}
	if (p != NULL) {
		if (errs[0] == 0) {
			memset(p, 0, XL_PAGE_SIZE);
		}
		if (errs[1] == 0) {
			memset((char *)p + XL_PAGE_SIZE, 0, XL_PAGE_SIZE);
		}
		xenif_foreign_unmap(xi, p, 2);
	}
	return 0;
}

static void undo(struct create *c)
{
	if (!c->domain_made) {
		return;
	}
	if (c->xl->xi != NULL) {
		xenif_domain_destroy(c->xl->xi, c->domid);
	}
	if (c->introduced) {
		xl_xs_release(c->xl, c->domid);
	}
	if (c->nodes_written) {
		xl_remove_domain_nodes(c->xl, c->domid, c->vm_path);
	}
	c->domain_made = false;
}

/* ---- the guest process ---------------------------------------------- */

static int open_log(struct create *c)
{
	const char *dir = getenv("XL_LOG_DIR");

	if (dir == NULL || dir[0] == '\0') {
		dir = "/var/log/xen";
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		xl_err("xl: cannot create the log directory %s: %s", dir,
			strerror(errno));
		return -errno;
	}
	snprintf(c->log_path, sizeof(c->log_path), "%s/guest-%s.log", dir,
		c->dc.name);
	c->log_fd = open(c->log_path,
		O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
	if (c->log_fd < 0) {
		xl_err("xl: cannot open the guest log %s: %s", c->log_path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* In the child: environment and arguments of the guest, then exec. */
static void exec_guest(struct create *c, int report_fd)
{
	char id[16], handle[33], *args[64], *copy = NULL, *tok, *save;
	unsigned int n = 0;
	int err;

	snprintf(id, sizeof(id), "%u", c->domid);
	xl_handle_hex(c->dc.uuid, handle);
	setenv("XEN_HOSTED_SOCKET", c->socket, 1);
	setenv("XEN_HOSTED_DOMID", id, 1);
	setenv("XEN_HOSTED_HANDLE", handle, 1);
	if (c->dc.cmdline != NULL) {
		setenv("XEN_HOSTED_CMDLINE", c->dc.cmdline, 1);
		copy = strdup(c->dc.cmdline);
	} else {
		unsetenv("XEN_HOSTED_CMDLINE");
	}
	args[n++] = c->kernel;
	for (tok = copy ? strtok_r(copy, " \t\n", &save) : NULL;
		tok != NULL && n < 63; tok = strtok_r(NULL, " \t\n", &save)) {
		args[n++] = tok;
	}
	args[n] = NULL;
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv(c->kernel, args);
	err = errno;
	if (write(report_fd, &err, sizeof(err)) < 0) {
		/* Nothing more to do: the parent sees EOF. */
	}
	_exit(127);
}

/* Fork and exec the guest; 0 with c->guest, or -errno of exec(). */
static int start_guest(struct create *c)
{
	int p[2], err = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) != 0) {
		return -errno;
	}
	fflush(NULL);
	c->guest = fork();
	if (c->guest < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		return -err;
	}
	if (c->guest == 0) {
		close(p[0]);
		exec_guest(c, p[1]);
	}
	close(p[1]);
	do {
		n = read(p[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(c->guest, NULL, 0);
		c->guest = 0;
		return -err;
	}
	return 0;
}

static void on_monitor_signal(int sig)
{
	monitor_signal = sig;
}

static enum xl_action action_for(const struct monitor *m, unsigned int why)
{
	switch (why) {
	case SHUTDOWN_poweroff:
	case SHUTDOWN_suspend:
		return m->on_poweroff;
	case SHUTDOWN_reboot:
		return m->on_reboot;
	case SHUTDOWN_crash:
		return m->on_crash;
	default: /* watchdog, soft reset: xl's defaults destroy */
		return XL_ACTION_DESTROY;
	}
}

static const char *reason_name(unsigned int why)
{
	static const char *const names[] = {"poweroff", "reboot", "suspend",
		"crash", "watchdog", "soft_reset"};

	return why < sizeof(names) / sizeof(names[0]) ? names[why] : "unknown";
}

/* The domain is ours and alive: 1; gone or another one: 0. */
static int domain_alive(
	struct xl *xl, const struct monitor *m, struct xenif_dominfo *info)
{
	struct xenif *xi = xl_xen(xl);

	if (xi == NULL || xenif_domain_info(xi, m->domid, info) != 0) {
		return 0;
	}
	return memcmp(info->handle, m->uuid, 16) == 0 && !info->dying;
}

/* After the guest ended, with its domain gone: tidy the store. */
static void tidy_gone_domain(struct xl *xl, const struct monitor *m)
{
	struct xenif_dominfo info;
	struct xenif *xi = xl_xen(xl);
	char *vm;

	if (xi != NULL && xenif_domain_info(xi, m->domid, &info) == 0 &&
		memcmp(info.handle, m->uuid, 16) != 0) {
		return; /* the id belongs to a new domain now */
	}
	vm = xl_xs_read(xl, 0, "/local/domain/%u/vm", m->domid);
	if (vm == NULL || strcmp(vm, m->vm_path) == 0) {
		xl_xs_release(xl, m->domid);
		xl_remove_domain_nodes(xl, m->domid, m->vm_path);
	}
	free(vm);
}

/*
 * Wait for the guest process to end (ending it if its domain was
 * destroyed under it), then apply the domain's action.
 */
static void monitor_run(struct xl *xl, const struct monitor *m)
{
	struct xenif_dominfo info;
	struct sigaction sa;
	int64_t next_check = 0, gone_since = 0, t;
	int status = 0, alive;
	enum xl_action act;
	pid_t r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_monitor_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	for (;;) {
		r = waitpid(m->guest, &status, WNOHANG);
		if (r == m->guest || (r < 0 && errno != EINTR)) {
			break;
		}
		if (monitor_signal != 0) {
			/* Pass it on: the guest shuts its domain down. */
			kill(m->guest, SIGTERM);
			monitor_signal = 0;
		}
		t = now_ms();
		if (t >= next_check) {
			next_check = t + 500;
			if (domain_alive(xl, m, &info)) {
				gone_since = 0;
			} else if (gone_since == 0) {
				gone_since = t;
			} else if (t - gone_since > 3000) {
				fprintf(stderr,
					"xl: domain %u is gone but its guest "
					"process %d is not: killing it\n",
					m->domid, (int)m->guest);
				kill(m->guest, SIGKILL);
			}
		}
		sleep_ms(50);
	}
	if (WIFEXITED(status)) {
		fprintf(stderr,
			"xl: guest of domain %u exited with status %d\n",
			m->domid, WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		fprintf(stderr, "xl: guest of domain %u killed by signal %d\n",
			m->domid, WTERMSIG(status));
	}
	alive = domain_alive(xl, m, &info);
	if (!alive) {
		fprintf(stderr, "xl: domain %u is gone; removing its nodes\n",
			m->domid);
		tidy_gone_domain(xl, m);
		return;
	}
	/* Shut down, or (keep-dead) crashed by the hosted port. */
	act = info.shutdown ? action_for(m, info.shutdown_reason) : m->on_crash;
	fprintf(stderr, "xl: domain %u shut down (%s): action %s\n", m->domid,
		info.shutdown ? reason_name(info.shutdown_reason) : "crash",
		xl_action_name(act));
	if (act == XL_ACTION_DESTROY) {
		xl_destroy_domain(xl, m->domid, m->uuid);
	}
}

static void monitor_from(struct monitor *m, const struct create *c)
{
	memset(m, 0, sizeof(*m));
	m->domid = c->domid;
	memcpy(m->uuid, c->dc.uuid, 16);
	snprintf(m->vm_path, sizeof(m->vm_path), "%s", c->vm_path);
	m->on_poweroff = c->dc.on_poweroff;
	m->on_reboot = c->dc.on_reboot;
	m->on_crash = c->dc.on_crash;
	m->guest = c->guest;
}

static void log_start(struct create *c)
{
	time_t now = time(NULL);
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&now));
	fprintf(stderr, "xl: %s: domain %u (%s): %s%s%s\n", when, c->domid,
		c->dc.name, c->kernel, c->dc.cmdline ? " " : "",
		c->dc.cmdline ? c->dc.cmdline : "");
}

/*
 * The detached child: a new session, output to the log, the guest forked
 * from here; reports {err, pid} on report_fd and, unless no_monitor,
 * monitors. Never returns.
 */
static void detached_child(struct create *c, int report_fd)
{
	struct spawn_report rep = {0, 0};
	struct monitor m;
	int fd, rc;

	/* Our copies of xl's connections: the parent keeps using them. */
	xl_close(c->xl);
	setsid();
	if (fork() != 0) {
		_exit(0); /* the parent reaps this one; the monitor is orphaned
			   */
	}
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(c->log_fd, 1);
	dup2(c->log_fd, 2);
	close(c->log_fd);
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (chdir("/") != 0) {
		/* The guest path is absolute; the directory does not matter. */
	}
	signal(SIGHUP, SIG_IGN);
	log_start(c);
	rc = start_guest(c);
	rep.err = -rc;
	rep.pid = (int)c->guest;
	if (rc < 0) {
		fprintf(stderr, "xl: cannot run %s: %s\n", c->kernel,
			strerror(-rc));
	}
	if (write(report_fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep)) {
		/* xl is gone: the guest stays, and we still monitor it. */
	}
	close(report_fd);
	if (rc < 0) {
		_exit(1);
	}
	if (!c->no_monitor) {
		monitor_from(&m, c);
		monitor_run(c->xl, &m);
	}
	xl_close(c->xl);
	_exit(0);
}

static int spawn_detached(struct create *c)
{
	struct spawn_report rep;
	pid_t child;
	int p[2], status;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) != 0) {
		return -errno;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (child == 0) {
		close(p[0]);
		detached_child(c, p[1]);
	}
	close(p[1]);
	waitpid(child, &status, 0);
	do {
		n = read(p[0], &rep, sizeof(rep));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != (ssize_t)sizeof(rep)) {
		xl_err("xl: the guest's monitor failed to start (see %s)",
			c->log_path);
		return -EIO;
	}
	if (rep.err != 0) {
		xl_err("xl: cannot run %s: %s", c->kernel, strerror(rep.err));
		return -rep.err;
	}
	c->guest = rep.pid;
	return 0;
}

static void record_guest_pid(struct create *c)
{
	struct xsc *xsc = xl_store(c->xl);
	char path[64], pid[16];

	if (xsc == NULL || c->guest <= 0) {
		return;
	}
	snprintf(path, sizeof(path), "/libxl/%u/hosted/guest-pid", c->domid);
	snprintf(pid, sizeof(pid), "%d", (int)c->guest);
	xsc_write(xsc, 0, path, pid, strlen(pid));
}

/* ---- the verb ------------------------------------------------------- */

static int load_config(
	struct create *c, const char *file, int nover, char **over)
{
	struct xl_cfg cfg;
	char err[512];
	int i, rc;

	xl_cfg_init(&cfg);
	fprintf(stderr, "Parsing config from %s\n", file);
	rc = xl_cfg_parse_file(&cfg, file, err, sizeof(err));
	if (rc < 0 && rc != -EINVAL) {
		xl_err("Failed to read config file: %s", err);
		xl_cfg_fini(&cfg);
		return rc;
	}
	for (i = 0; rc == 0 && i < nover; i++) {
		rc = xl_cfg_override(&cfg, over[i], err, sizeof(err));
	}
	if (rc == 0) {
		rc = xl_domcfg_load(&cfg, &c->dc, stderr, err, sizeof(err));
	}
	xl_cfg_fini(&cfg);
	if (rc < 0) {
		xl_err("%s", err);
		xl_err("Failed to parse config: %s", strerror(-rc));
	}
	return rc;
}

static int resolve_paths(struct create *c)
{
	const char *sock = getenv("XEN_HOSTED_SOCKET");

	if (realpath(c->dc.kernel, c->kernel) == NULL) {
		xl_err("xl: kernel %s: %s", c->dc.kernel, strerror(errno));
		return -errno;
	}
	if (access(c->kernel, X_OK) != 0) {
		xl_err("xl: kernel %s: %s", c->kernel, strerror(errno));
		return -errno;
	}
	if (sock == NULL || sock[0] == '\0') {
		sock = XENIF_HOSTED_DEFAULT_SOCKET;
	}
	if (sock[0] == '/' || realpath(sock, c->socket) == NULL) {
		snprintf(c->socket, sizeof(c->socket), "%s", sock);
	}
	return 0;
}

static int run_create(struct create *c)
{
	struct monitor m;
	int rc;

	if (xl_xen(c->xl) == NULL || xl_store(c->xl) == NULL) {
		return -EIO;
	}
	if (xenif_backend(c->xl->xi) != XENIF_HOSTED) {
		xl_err("xl: this xl builds domains on the hosted port only "
		       "(xen-hosted; set XEN_HOSTED_SOCKET); use Xen's xl on "
		       "a Xen host");
		return -ENOTSUP;
	}
	if (xl_name_to_domid(c->xl, c->dc.name, &c->domid) == 0) {
		xl_err("Domain with name \"%s\" already exists.", c->dc.name);
		return -EEXIST;
	}
	c->domid = 0;
	if (!c->foreground && (rc = open_log(c)) < 0) {
		return rc;
	}
	rc = make_domain(c);
	if (rc == 0) {
		rc = setup_rings(c);
	}
	if (rc == 0) {
		rc = write_nodes(c);
	}
	if (rc == 0) {
		rc = introduce(c);
	}
	if (rc == 0) {
		if (c->foreground) {
			log_start(c);
			rc = start_guest(c);
			if (rc < 0) {
				xl_err("xl: cannot run %s: %s", c->kernel,
					strerror(-rc));
			}
		} else {
			rc = spawn_detached(c);
		}
	}
	if (rc == 0) {
		record_guest_pid(c);
		if (!c->paused) {
			rc = xenif_domain_unpause(c->xl->xi, c->domid);
			if (rc < 0) {
				xl_err("xl: cannot unpause domain %u: %s",
					c->domid, strerror(-rc));
			}
		}
	}
	if (rc < 0) {
		undo(c);
		if (c->foreground && c->guest > 0) {
			waitpid(c->guest, NULL, 0);
		}
		return rc;
	}
	if (c->foreground) {
		monitor_from(&m, c);
		monitor_run(c->xl, &m);
	}
	return 0;
}

int xl_cmd_create(struct xl *xl, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"defconfig", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct create c;
	const char *file = NULL;
	int opt, rc;

	memset(&c, 0, sizeof(c));
	c.xl = xl;
	c.log_fd = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+hpFeqdVf:c", longopts, NULL)) !=
		-1) {
		switch (opt) {
		case 'p':
			c.paused = true;
			break;
		case 'F':
			c.foreground = true;
			break;
		case 'e':
			c.no_monitor = true;
			break;
		case 'f':
			file = optarg;
			break;
		case 'q':
		case 'd':
		case 'V':
			break;
		case 'c':
			xl_err("xl: the hosted port has no console client; the "
			       "guest's output is in its log (docs/xl.md)");
			return 1;
		case 'h':
			create_usage();
			return 0;
		default:
			create_usage();
			return 1;
		}
	}
	if (file == NULL && optind < argc &&
		strchr(argv[optind], '=') == NULL) {
		file = argv[optind++];
	}
	if (file == NULL) {
		xl_err("xl: no config file given");
		create_usage();
		return 1;
	}
	if (c.foreground && c.no_monitor) {
		xl_err("xl: -F and -e cannot be used together");
		return 1;
	}
	rc = load_config(&c, file, argc - optind, argv + optind);
	if (rc == 0) {
		rc = resolve_paths(&c);
	}
	if (rc == 0) {
		rc = run_create(&c);
	}
	if (c.log_fd >= 0) {
		close(c.log_fd);
	}
	xl_domcfg_fini(&c.dc);
	return rc < 0 ? 1 : 0;
}
