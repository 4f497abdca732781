/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guest_grant [TIMEOUT_SECONDS]: the guest half of the realxen "grant"
 * scenario (Dom0's half is dom0_xenif.c). Runs in a Linux guest of real
 * Xen, statically linked, on the raw Linux devices:
 *
 *  1. grants Dom0 one writable page (/dev/xen/gntalloc) and fills it with
 *     realxen_guest_byte();
 *  2. allocates an unbound event channel for Dom0 (/dev/xen/evtchn);
 *  3. publishes both under its home's data/realxen/ (gref, port) through
 *     /dev/xen/xenbus, which speaks the xenstore wire protocol;
 *  4. waits for Dom0's event, checks that Dom0 wrote realxen_dom0_byte()
 *     into the page, writes "ok" (or "fail: why") to data/realxen/result
 *     and notifies Dom0;
 *  5. waits for Dom0's data/realxen/done (so Dom0 unmaps first) and exits.
 *
 * Exit status 0 when every check passed. Messages go to the guest console.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/types.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
typedef __u16 domid_t; /* <xen/evtchn.h> uses it and does not define it */
#include <xen/evtchn.h>
#include <xen/gntalloc.h>

#include "io/xs_wire.h"
#include "realxen.h"

static int timeout_s = 60;

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("guest_grant: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the store, through /dev/xen/xenbus -------------------------------- */

static int xb_fd = -1;
static uint32_t xb_req_id;

static int full_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int full_read(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * One request: header and payload in one write, as the kernel's xenbus
 * device wants them. On success *reply holds the payload plus a NUL (free
 * it); an XS_ERROR reply gives -1 with its name in *reply.
 */
static int xb_request(
	uint32_t type, const void *payload, size_t len, char **reply)
{
	char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
	struct xsd_sockmsg hdr = {
		.type = type,
		.req_id = ++xb_req_id,
		.tx_id = 0,
		.len = (uint32_t)len,
	};
	char *body;

	*reply = NULL;
	if (len > XENSTORE_PAYLOAD_MAX)
		return -1;
	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), payload, len);
	if (full_write(xb_fd, buf, sizeof(hdr) + len) < 0)
		return -1;
	for (;;) {
		if (full_read(xb_fd, &hdr, sizeof(hdr)) < 0 ||
			hdr.len > XENSTORE_PAYLOAD_MAX)
			return -1;
		body = malloc(hdr.len + 1);
		if (!body || full_read(xb_fd, body, hdr.len) < 0) {
			free(body);
			return -1;
		}
		body[hdr.len] = '\0';
		if (hdr.type == XS_WATCH_EVENT || hdr.req_id != xb_req_id) {
			free(body); /* not ours: we set no watches */
			continue;
		}
		*reply = body;
		return hdr.type == XS_ERROR ? -1 : 0;
	}
}

static int xs_write(const char *path, const char *value)
{
	char payload[1024];
	size_t pl = strlen(path) + 1, vl = strlen(value);
	char *reply;
	int rc;

	if (pl + vl > sizeof(payload))
		return -1;
	memcpy(payload, path, pl);
	memcpy(payload + pl, value, vl);
	rc = xb_request(XS_WRITE, payload, pl + vl, &reply);
	if (rc < 0)
		msg("store write %s = \"%s\" failed: %s", path, value,
			reply ? reply : strerror(errno));
	free(reply);
	return rc;
}

/* *value: the node's value (free it); -1 when it cannot be read. */
static int xs_read(const char *path, char **value)
{
	int rc = xb_request(XS_READ, path, strlen(path) + 1, value);

	if (rc < 0) {
		free(*value);
		*value = NULL;
	}
	return rc;
}

/* ---- the scenario ------------------------------------------------------ */

static int evtchn_fd = -1;
static uint32_t local_port;

static int notify_dom0(void)
{
	struct ioctl_evtchn_notify n = {.port = local_port};

	if (ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0) {
		msg("IOCTL_EVTCHN_NOTIFY(%u): %s", local_port, strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for an event on our port; unmask it again. */
static int wait_event(int seconds)
{
	struct pollfd p = {.fd = evtchn_fd, .events = POLLIN};
	uint32_t port;
	int n;

	n = poll(&p, 1, seconds * 1000);
	if (n == 0) {
		msg("no event from dom0 within %d s", seconds);
		return -1;
	}
	if (n < 0 || read(evtchn_fd, &port, sizeof(port)) != sizeof(port)) {
		msg("reading /dev/xen/evtchn: %s", strerror(errno));
		return -1;
	}
	if (port != local_port)
		msg("event on port %u, expected %u", port, local_port);
	if (write(evtchn_fd, &port, sizeof(port)) != sizeof(port)) {
		msg("unmasking port %u: %s", port, strerror(errno));
		return -1;
	}
	return port == local_port ? 0 : -1;
}

static void fail_result(const char *why)
{
	char v[256];

	snprintf(v, sizeof(v), "fail: %s", why);
	xs_write(REALXEN_RESULT, v);
}

int main(int argc, char **argv)
{
	struct ioctl_gntalloc_alloc_gref alloc = {
		.domid = 0,
		.flags = GNTALLOC_FLAG_WRITABLE,
		.count = 1,
	};
	struct ioctl_evtchn_bind_unbound_port unbound = {.remote_domain = 0};
	char num[32], *val;
	volatile uint8_t *page;
	double t0 = now(), deadline;
	int gnt_fd, rc;
	size_t i;

	if (argc > 1)
		timeout_s = atoi(argv[1]) > 0 ? atoi(argv[1]) : timeout_s;

	xb_fd = open("/dev/xen/xenbus", O_RDWR);
	if (xb_fd < 0) {
		msg("open /dev/xen/xenbus: %s", strerror(errno));
		return 1;
	}

	gnt_fd = open("/dev/xen/gntalloc", O_RDWR);
	if (gnt_fd < 0) {
		msg("open /dev/xen/gntalloc: %s", strerror(errno));
		fail_result("no /dev/xen/gntalloc");
		return 1;
	}
	if (ioctl(gnt_fd, IOCTL_GNTALLOC_ALLOC_GREF, &alloc) < 0) {
		msg("IOCTL_GNTALLOC_ALLOC_GREF: %s", strerror(errno));
		fail_result("gntalloc refused");
		return 1;
	}
	page = mmap(NULL, REALXEN_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		gnt_fd, (off_t)alloc.index);
	if (page == MAP_FAILED) {
		msg("mmap of the granted page: %s", strerror(errno));
		fail_result("mmap of the granted page");
		return 1;
	}
	for (i = 0; i < REALXEN_PAGE; i++)
		page[i] = realxen_guest_byte(i);

	evtchn_fd = open("/dev/xen/evtchn", O_RDWR);
	if (evtchn_fd < 0) {
		msg("open /dev/xen/evtchn: %s", strerror(errno));
		fail_result("no /dev/xen/evtchn");
		return 1;
	}
	rc = ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &unbound);
	if (rc < 0) {
		msg("IOCTL_EVTCHN_BIND_UNBOUND_PORT: %s", strerror(errno));
		fail_result("no unbound port");
		return 1;
	}
	local_port = (uint32_t)rc;

	snprintf(num, sizeof(num), "%u", alloc.gref_ids[0]);
	if (xs_write(REALXEN_GREF, num) < 0)
		return 1;
	snprintf(num, sizeof(num), "%u", local_port);
	if (xs_write(REALXEN_PORT, num) < 0)
		return 1;
	msg("granted gref %u, unbound port %u for dom0 (%.2f s)",
		alloc.gref_ids[0], local_port, now() - t0);

	if (wait_event(timeout_s) < 0) {
		fail_result("no event from dom0");
		return 1;
	}
	for (i = 0; i < REALXEN_PAGE; i++) {
		if (page[i] != realxen_dom0_byte(i)) {
			msg("page byte %zu is 0x%02x, dom0 should have written "
			    "0x%02x",
				i, page[i], realxen_dom0_byte(i));
			fail_result("dom0's reply pattern is not in the page");
			notify_dom0();
			return 1;
		}
	}
	if (xs_write(REALXEN_RESULT, "ok") < 0 || notify_dom0() < 0)
		return 1;
	msg("dom0's reply is in the page; result ok (%.2f s)", now() - t0);

	/* Dom0 unmaps, then says done; only then give the page back. */
	deadline = now() + timeout_s;
	while (xs_read(REALXEN_DONE, &val) < 0) {
		if (now() > deadline) {
			msg("dom0 did not write %s within %d s", REALXEN_DONE,
				timeout_s);
			return 1;
		}
		usleep(100000);
	}
	msg("dom0 done: %s", val);
	free(val);
	munmap((void *)page, REALXEN_PAGE);
	close(gnt_fd);
	return 0;
}
