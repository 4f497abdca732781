/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-demo-guest: a guest program for the hosted port, run by `xl create`
 * (kernel = ".../xen-demo-guest"; docs/xl.md).
 *
 * It attaches as its domain (XEN_HOSTED_SOCKET, XEN_HOSTED_DOMID,
 * XEN_HOSTED_HANDLE), opens xenbus on its store ring, writes
 * ~/data/demo/hello = "hello from dN" and ~/data/demo/started (seconds
 * since the epoch), says so on its console, and watches
 * ~/control/shutdown. "poweroff" and "halt" shut the domain down with
 * SHUTDOWN_poweroff, "reboot" with SHUTDOWN_reboot; SIGTERM or SIGINT
 * powers off too. After a shutdown request it writes nothing more to the
 * store. Exit status: 0 after a shutdown, 1 when something failed (no
 * store ring, the connection to the hypervisor or the store lost).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hguest.h"
#include "hvm/params.h"
#include "sched.h"
#include "xenbus.h"

#define WATCH_TOKEN "demo-shutdown"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* A line on the domain's console (and on stderr, the guest's log). */
static void say(struct hg *hg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct hg *hg, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xen-demo-guest: %s", line);
	if (hg != NULL) {
		hg_console_write(hg, line);
	}
}

static int write_str(
	struct hg_xb *xb, const char *home, const char *rel, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", home, rel);
	return hg_xb_write(xb, 0, path, value, strlen(value));
}

/* The SHUTDOWN_* reason a control/shutdown value asks for, or -1. */
static int shutdown_reason(const char *v)
{
	if (strcmp(v, "poweroff") == 0 || strcmp(v, "halt") == 0) {
		return SHUTDOWN_poweroff;
	}
	if (strcmp(v, "reboot") == 0) {
		return SHUTDOWN_reboot;
	}
	return -1;
}

/* Wait for a shutdown request; the reason, or -errno. */
static int wait_for_shutdown(struct hg *hg, struct hg_xb *xb, const char *ctl)
{
	char *path, *token, *value;
	int rc, reason;

	for (;;) {
		if (got_signal != 0) {
			say(hg, "d%u: signal %d: powering off\n", hg_domid(hg),
				(int)got_signal);
			return SHUTDOWN_poweroff;
		}
		rc = hg_xb_read_watch(xb, 200, &path, &token);
		if (rc == -ETIMEDOUT || rc == -EINTR) {
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		free(path);
		free(token);
		rc = hg_xb_read(xb, 0, ctl, &value, NULL);
		if (rc == -ENOENT) {
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		reason = shutdown_reason(value);
		if (reason < 0 && value[0] != '\0') {
			say(hg, "d%u: ignoring control/shutdown \"%s\"\n",
				hg_domid(hg), value);
		}
		free(value);
		if (reason >= 0) {
			return reason;
		}
	}
}

static int run(struct hg *hg)
{
	const char *cmdline = getenv("XEN_HOSTED_CMDLINE");
	unsigned int domid = hg_domid(hg);
	char *home = NULL, ctl[256], value[64];
	struct hg_xb *xb;
	uint64_t pfn = 0;
	int rc, reason;

	say(hg, "d%u: demo guest started%s%s\n", domid,
		cmdline ? ", cmdline: " : "", cmdline ? cmdline : "");
	rc = hg_hvm_get_param(hg, HVM_PARAM_STORE_PFN, &pfn);
	if (rc < 0 || pfn == 0) {
		say(hg, "d%u: no store ring (HVM_PARAM_STORE_PFN is 0)\n",
			domid);
		return 1;
	}
	xb = hg_xb_open(hg);
	if (xb == NULL) {
		say(hg, "d%u: cannot open the store ring: %s\n", domid,
			strerror(errno));
		return 1;
	}
	rc = hg_xb_get_domain_path(xb, domid, &home);
	if (rc < 0) {
		say(hg, "d%u: GET_DOMAIN_PATH: %s\n", domid, strerror(-rc));
		hg_xb_close(xb);
		return 1;
	}
	snprintf(value, sizeof(value), "hello from d%u", domid);
	rc = write_str(xb, home, "data/demo/hello", value);
	if (rc == 0) {
		snprintf(value, sizeof(value), "%lld", (long long)time(NULL));
		rc = write_str(xb, home, "data/demo/started", value);
	}
	if (rc < 0) {
		say(hg, "d%u: cannot write data/demo: %s\n", domid,
			strerror(-rc));
		goto out;
	}
	/* Advertise what we answer to (optional: the nodes may be absent). */
	write_str(xb, home, "control/feature-poweroff", "1");
	write_str(xb, home, "control/feature-reboot", "1");
	snprintf(ctl, sizeof(ctl), "%s/control/shutdown", home);
	rc = hg_xb_watch(xb, ctl, WATCH_TOKEN);
	if (rc < 0) {
		say(hg, "d%u: cannot watch %s: %s\n", domid, ctl,
			strerror(-rc));
		goto out;
	}
	say(hg,
		"d%u: wrote %s/data/demo/hello; waiting for "
		"control/shutdown\n",
		domid, home);
	reason = wait_for_shutdown(hg, xb, ctl);
	if (reason < 0) {
		rc = reason;
		say(hg, "d%u: lost the store: %s\n", domid, strerror(-rc));
		goto out;
	}
	say(hg, "d%u: shutting down (%s)\n", domid,
		reason == SHUTDOWN_reboot ? "reboot" : "poweroff");
	rc = hg_shutdown(hg, (unsigned int)reason);
	if (rc < 0) {
		say(NULL, "d%u: SCHEDOP_shutdown: %s\n", domid, strerror(-rc));
	}
out:
	free(home);
	hg_xb_close(xb);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct hg *hg;
	int status;

	(void)argc;
	(void)argv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);

	hg = hg_attach();
	if (hg == NULL) {
		fprintf(stderr,
			"xen-demo-guest: cannot attach to the hosted "
			"port: %s\n",
			strerror(errno));
		return 1;
	}
	status = run(hg);
	hg_close(hg);
	return status;
}
