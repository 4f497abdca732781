/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0_xenif DOMID [WAIT_SECONDS [pvh|pv]]: the Dom0 half of the realxen
 * "grant" scenario, the acceptance test of libs/xenif's Linux backend
 * against real Xen 4.17 (the guest half is guest_grant.c). Through
 * libs/xenif and a libs/xsclient connection to the store it:
 *
 *  1. checks xenif_domain_info() for Dom0, the guest and a missing domain;
 *  2. waits for the guest's data/realxen/{gref,port} (a watch);
 *  3. binds the guest's unbound port (xenif_evtchn_bind_interdomain) and
 *     takes the event Xen raises on bind;
 *  4. maps the granted page read-write, checks the guest's pattern and
 *     writes the reply pattern;
 *  5. maps the same grant read-only: reads see the reply, the mapping is
 *     not writable (/proc/self/maps, and a write faults);
 *  6. notifies the guest and waits (poll, xenif_evtchn_pending) for its
 *     event and its "ok" in data/realxen/result;
 *  7. unmaps, unbinds, and writes data/realxen/done for the guest.
 *
 * One line per check on stdout ("dom0_xenif: ok ..." or "dom0_xenif:
 * FAIL ..."); exit status 0 when every check passed.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "realxen.h"
#include "xenif.h"
#include "xs_client.h"

#define XEN_DOMINF_hvm_guest (1u << 1)

static unsigned int checks, failures;
static int wait_s = 60;
static const char *step = "start";

static void report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (!ok)
		failures++;
	printf("dom0_xenif: %s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("dom0_xenif: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A call into the library that never returns must not hang the run. */
static void on_alarm(int sig)
{
	char buf[256];
	int n;

	(void)sig;
	n = snprintf(buf, sizeof(buf),
		"dom0_xenif: FAIL step '%s' did not finish within %d s\n", step,
		wait_s);
	if (n > 0)
		(void)!write(STDOUT_FILENO, buf, (size_t)n);
	_exit(1);
}

static void begin(const char *what)
{
	step = what;
	alarm((unsigned int)wait_s + 5);
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Does a write of the byte already there fault? (It changes nothing.) */
static bool write_faults(volatile uint8_t *p)
{
	struct sigaction sa = {.sa_handler = on_segv}, old_segv, old_bus;
	bool faulted;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		uint8_t v = *p;

		*p = v;
		faulted = false;
	} else {
		faulted = true;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted;
}

/* The permissions /proc/self/maps gives the mapping at addr ("r--s"). */
static bool maps_perms(const void *addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	uintptr_t a = (uintptr_t)addr;
	unsigned long lo, hi;
	char line[512];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
			a >= lo && a < hi) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* A node's value, or NULL while it does not exist. */
static char *read_node(struct xsc *xs, const char *path)
{
	char *v = NULL;
	size_t len;

	return xsc_read(xs, 0, path, &v, &len) == 0 ? v : NULL;
}

/*
 * Wait (through a watch on dir) until every node in names exists; fill
 * values (heap strings). A result node that says "fail..." ends the wait.
 */
static int wait_nodes(struct xsc *xs, const char *dir, const char *const *names,
	char **values, unsigned int n)
{
	double deadline = now() + wait_s;
	char path[256], *wpath, *wtoken, *res;
	unsigned int i, have;
	int rc;

	rc = xsc_watch(xs, dir, "realxen");
	if (rc < 0) {
		note("watch %s: %s", dir, strerror(-rc));
		return rc;
	}
	for (;;) {
		have = 0;
		for (i = 0; i < n; i++) {
			if (!values[i]) {
				snprintf(path, sizeof(path), "%s/%s", dir,
					names[i]);
				values[i] = read_node(xs, path);
			}
			have += values[i] != NULL;
		}
		if (have == n)
			break;
		snprintf(path, sizeof(path), "%s/result", dir);
		res = read_node(xs, path);
		if (res && strncmp(res, "fail", 4) == 0) {
			note("the guest gave up: %s", res);
			free(res);
			rc = -ECANCELED;
			break;
		}
		free(res);
		int left = (int)((deadline - now()) * 1000);
		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		rc = xsc_read_watch(xs, left, &wpath, &wtoken);
		if (rc == 0) {
			free(wpath);
			free(wtoken);
		} else if (rc != -ETIMEDOUT) {
			note("reading watch events: %s", strerror(-rc));
			break;
		}
	}
	xsc_unwatch(xs, dir, "realxen");
	return have == n ? 0 : rc;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Index of the first byte that differs from the pattern, or -1. */
static long first_mismatch(const volatile uint8_t *p, uint8_t (*pat)(size_t))
{
	for (size_t i = 0; i < REALXEN_PAGE; i++)
		if (p[i] != pat(i))
			return (long)i;
	return -1;
}

static void check_domains(struct xenif *xi, uint32_t domid, const char *type)
{
	struct xenif_dominfo di;
	int rc;

	memset(&di, 0, sizeof(di));
	rc = xenif_domain_info(xi, 0, &di);
	report(rc == 0 && di.domid == 0 && !di.hvm && !di.dying,
		"xenif_domain_info(0): rc %d, domid %" PRIu32 ", %s, %" PRIu64
		" pages",
		rc, di.domid, di.hvm ? "hvm" : "pv", di.tot_pages);

	memset(&di, 0, sizeof(di));
	rc = xenif_domain_info(xi, domid, &di);
	bool want_hvm = type && strcmp(type, "pvh") == 0;
	bool type_ok = !type || di.hvm == want_hvm;
	/* 96 MB of memory: at least 90 MB present, within its maximum. */
	bool mem_ok = di.tot_pages >= (90u << 20) / REALXEN_PAGE &&
		      di.tot_pages <= di.max_pages;
	report(rc == 0 && di.domid == domid && type_ok && mem_ok && !di.dying &&
			!di.shutdown && di.nr_online_vcpus == 1,
		"xenif_domain_info(%" PRIu32 "): rc %d, %s (flags 0x%" PRIx32
		"), %" PRIu64 "/%" PRIu64 " pages, %" PRIu32 " vcpu(s)%s%s",
		domid, rc, di.hvm ? "hvm" : "pv", di.flags, di.tot_pages,
		di.max_pages, di.nr_online_vcpus, di.dying ? ", dying" : "",
		di.shutdown ? ", shut down" : "");

	rc = xenif_domain_info(xi, 31000, &di);
	report(rc == -ESRCH, "xenif_domain_info(31000) of no domain: %d (%s)",
		rc, rc < 0 ? strerror(-rc) : "found");
}

int main(int argc, char **argv)
{
	const char *type = argc > 3 ? argv[3] : NULL;
	const char *names[] = {"gref", "port"};
	char *values[2] = {NULL, NULL};
	char dir[128], path[160], perms[5] = "";
	struct xenif *xi = NULL;
	struct xenif_evtchn *xe = NULL;
	struct xenif_gnttab *xg = NULL;
	struct xsc *xs = NULL;
	volatile uint8_t *rw = NULL, *ro = NULL;
	uint32_t domid, gref = 0, port = 0;
	int rc, got, local = -1;
	double t0 = now(), deadline;
	struct pollfd pfd;
	char *result = NULL;
	long bad;

	if (argc < 2 || !parse_u32(argv[1], &domid) || domid == 0) {
		fprintf(stderr,
			"usage: dom0_xenif DOMID [WAIT_SECONDS [pvh|pv]]\n");
		return 2;
	}
	if (argc > 2 && atoi(argv[2]) > 0)
		wait_s = atoi(argv[2]);
	signal(SIGALRM, on_alarm);
	snprintf(dir, sizeof(dir), "/local/domain/%" PRIu32 "/%s", domid,
		REALXEN_DIR);

	begin("open");
	xi = xenif_open(XENIF_LINUX, NULL);
	report(xi != NULL, "xenif_open(XENIF_LINUX): %s",
		xi ? xenif_backend_name(xi) : strerror(errno));
	if (!xi)
		goto out;
	rc = xsc_open(NULL, &xs);
	report(rc == 0, "connected to the store (%s)",
		rc == 0 ? (getenv("XENSTORED_PATH") ? getenv("XENSTORED_PATH")
						    : "/run/xenstored/socket")
			: strerror(-rc));
	if (rc < 0)
		goto out;

	begin("domain info");
	check_domains(xi, domid, type);

	begin("wait for the guest's grant");
	rc = wait_nodes(xs, dir, names, values, 2);
	report(rc == 0 && parse_u32(values[0], &gref) &&
			parse_u32(values[1], &port),
		"the guest published gref %s, port %s (%.1f s)",
		values[0] ? values[0] : "-", values[1] ? values[1] : "-",
		now() - t0);
	if (rc < 0 || !gref || !port)
		goto out;

	begin("bind the event channel");
	xe = xenif_evtchn_open(xi);
	report(xe != NULL && xenif_evtchn_fd(xe) >= 0, "xenif_evtchn_open: %s",
		xe ? "ok" : strerror(errno));
	if (!xe)
		goto out;
	local = xenif_evtchn_bind_interdomain(xe, domid, port);
	report(local >= 0,
		"xenif_evtchn_bind_interdomain(%" PRIu32 ", %" PRIu32
		"): %d%s%s",
		domid, port, local, local < 0 ? " " : "",
		local < 0 ? strerror(-local) : "");
	if (local < 0)
		goto out;
	/*
	 * Xen raises the new port once on bind (EVTCHNOP_bind_interdomain
	 * sets it pending so that no notification is lost); the guest sends
	 * nothing before our notify. So: nothing, or our port, which stays
	 * masked until unmasked.
	 */
	usleep(100000);
	rc = xenif_evtchn_pending(xe);
	report(rc == -EAGAIN || rc == local,
		"xenif_evtchn_pending after bind: %d (%s)", rc,
		rc == local ? "the bind-time event"
		: rc < 0    ? strerror(-rc)
			    : "another port");
	if (rc == local) {
		rc = xenif_evtchn_unmask(xe, (uint32_t)local);
		report(rc == 0, "xenif_evtchn_unmask(%d): %d", local, rc);
		rc = xenif_evtchn_pending(xe);
		report(rc == -EAGAIN, "xenif_evtchn_pending then: %d (%s)", rc,
			rc < 0 ? strerror(-rc) : "a port");
	}

	begin("map read-write");
	xg = xenif_gnttab_open(xi);
	report(xg != NULL, "xenif_gnttab_open: %s",
		xg ? "ok" : strerror(errno));
	if (!xg)
		goto out;
	rw = xenif_gnttab_map(xg, domid, &gref, 1, PROT_READ | PROT_WRITE);
	report(rw != NULL, "xenif_gnttab_map(gref %" PRIu32 ", read-write): %s",
		gref, rw ? "mapped" : strerror(errno));
	if (!rw)
		goto out;
	bad = first_mismatch(rw, realxen_guest_byte);
	report(bad < 0, "the page holds the guest's pattern%s",
		bad < 0 ? "" : " (no: see the byte below)");
	if (bad >= 0) {
		note("byte %ld is 0x%02x, the guest wrote 0x%02x", bad, rw[bad],
			realxen_guest_byte((size_t)bad));
		goto out;
	}
	for (size_t i = 0; i < REALXEN_PAGE; i++)
		rw[i] = realxen_dom0_byte(i);
	__sync_synchronize();

	begin("map read-only");
	ro = xenif_gnttab_map(xg, domid, &gref, 1, PROT_READ);
	report(ro != NULL, "xenif_gnttab_map(gref %" PRIu32 ", read-only): %s",
		gref, ro ? "mapped" : strerror(errno));
	if (ro) {
		bad = first_mismatch(ro, realxen_dom0_byte);
		report(bad < 0, "the read-only map reads the reply pattern%s",
			bad < 0 ? "" : " (no)");
		bool found = maps_perms((const void *)ro, perms);
		report(found && perms[0] == 'r' && perms[1] == '-',
			"the read-only map is PROT_READ in /proc/self/maps: %s",
			found ? perms : "not found");
		report(write_faults(ro), "a write to the read-only map faults");
		rc = xenif_gnttab_unmap(xg, (void *)ro, 1);
		report(rc == 0, "xenif_gnttab_unmap(read-only): %d", rc);
		ro = NULL;
	}

	begin("event round trip");
	rc = xenif_evtchn_notify(xe, (uint32_t)local);
	report(rc == 0, "xenif_evtchn_notify(%d): %d", local, rc);
	if (rc < 0)
		goto out;
	pfd = (struct pollfd){.fd = xenif_evtchn_fd(xe), .events = POLLIN};
	got = -EAGAIN;
	deadline = now() + wait_s;
	while (got == -EAGAIN && now() < deadline) {
		rc = poll(&pfd, 1, (int)((deadline - now()) * 1000) + 1);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0)
			got = xenif_evtchn_pending(xe);
	}
	report(got == local,
		"the guest's event arrived on port %d: %d (%.1f s)", local, got,
		now() - t0);
	if (got >= 0) {
		rc = xenif_evtchn_unmask(xe, (uint32_t)got);
		report(rc == 0, "xenif_evtchn_unmask(%d): %d", got, rc);
	}
	begin("the guest's result");
	snprintf(path, sizeof(path), "%s/result", dir);
	deadline = now() + wait_s;
	while (!(result = read_node(xs, path)) && now() < deadline)
		usleep(100000);
	report(result && strcmp(result, "ok") == 0,
		"the guest's result: \"%s\"", result ? result : "(none)");
	free(result);

out:
	begin("clean up");
	if (rw) {
		rc = xenif_gnttab_unmap(xg, (void *)rw, 1);
		report(rc == 0, "xenif_gnttab_unmap(read-write): %d", rc);
	}
	if (local >= 0) {
		rc = xenif_evtchn_unbind(xe, (uint32_t)local);
		report(rc == 0, "xenif_evtchn_unbind(%d): %d", local, rc);
	}
	if (xg)
		xenif_gnttab_close(xg);
	if (xe)
		xenif_evtchn_close(xe);
	if (xs) {
		/* The guest waits for this before it frees the page. */
		const char *done = failures ? "fail" : "pass";

		snprintf(path, sizeof(path), "%s/done", dir);
		xsc_write(xs, 0, path, done, strlen(done));
		xsc_close(xs);
	}
	if (xi)
		xenif_close(xi);
	free(values[0]);
	free(values[1]);
	alarm(0);
	if (failures || checks == 0)
		note("FAILED: %u of %u checks failed (%.1f s)", failures,
			checks, now() - t0);
	else
		note("PASSED: all %u checks (%.1f s)", checks, now() - t0);
	return failures || checks == 0 ? 1 : 0;
}
