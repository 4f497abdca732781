/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The integration harness of the hosted port (prefix xht_): runs the real
 * xen-hosted binary ($XEN_HOSTED_BIN) in a private mkdtemp() directory with
 * its own socket, and forks guest processes that attach to it.
 *
 * Every daemon and guest a test starts is killed and its directory removed
 * on every exit path (teardown, exit(), fatal signals, and the test process
 * dying: PR_SET_PDEATHSIG in each child). A daemon that died during a test
 * fails that test in teardown.
 */
#ifndef TESTS_HOSTED_HARNESS_H
#define TESTS_HOSTED_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct xht_daemon {
	char dir[64];
	char sock[96];
	char log[96];
	pid_t pid;
};

/** Start xen-hosted with extra arguments (NULL-terminated, may be NULL). */
struct xht_daemon *xht_start(const char *const *extra);
/** SIGTERM, wait, check a clean exit (returns its status), remove dir. */
int xht_stop(struct xht_daemon *d);
bool xht_running(struct xht_daemon *d);
/** Open file descriptors of the daemon (from /proc/PID/fd). */
long xht_fd_count(const struct xht_daemon *d);
/** The daemon's resident set, in KiB (VmRSS). */
long xht_rss_kib(const struct xht_daemon *d);
/** The resident set of any process, in KiB (VmRSS); -1 if unknown. */
long xht_pid_rss_kib(pid_t pid);
/** Print the daemon's log to stderr (for failures). */
void xht_print_log(const struct xht_daemon *d);

/**
 * Fork a guest process: in the child, fn(arg, domid, handle) runs with
 * XEN_HOSTED_SOCKET, XEN_HOSTED_DOMID and XEN_HOSTED_HANDLE set and its
 * return value becomes the exit status. Returns the child's pid.
 */
pid_t xht_spawn_guest(struct xht_daemon *d, uint32_t domid,
	const uint8_t handle[16], int (*fn)(void *arg), void *arg);
/** Wait for a child; its exit status, or 128 + signal, or -1 on timeout. */
int xht_wait_child(pid_t pid, int timeout_ms);

#endif
