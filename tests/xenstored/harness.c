/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the xenstored integration test harness declared in
 * harness.h: starting, stopping and killing the real daemon in a private
 * directory, and a small synchronous client of the xenstore wire protocol
 * (docs/misc/xenstore.txt) whose every step is a cmocka assertion.
 *
 * Invariants:
 *   1. live[] lists every daemon record whose directory exists; the atexit
 *      and signal handlers walk it, so nothing outlives the test process.
 *      The signal handler uses only async-signal-safe calls (kill, unlink,
 *      rmdir) on paths prepared in advance.
 *   2. A connection's event queue holds WATCH_EVENTs in arrival order;
 *      replies are never queued (one request is outstanding at a time in
 *      xst_call(), tests that pipeline use xst_send()/xst_recv()).
 *
 * Thread context: the test's thread only.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define XST_LIVE_MAX 16
#define XST_NOBODY 65534

/* Files the harness or the daemon may create in a daemon's directory. */
static const char *const xst_known_files[] = {
	"sock",
	"db.sqlite",
	"db.sqlite-wal",
	"db.sqlite-shm",
	"db.sqlite-journal",
	"daemon.log",
	"config.json",
};

/* Daemons whose directories exist (invariant 1). */
static struct xst_daemon *live[XST_LIVE_MAX];
static bool handlers_installed;

int64_t xst_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/** Remove the known files and the directory; async-signal-safe. */
static void remove_known_files(const char *dir)
{
	char path[256];
	size_t dlen = strlen(dir);

	for (size_t i = 0; i < sizeof(xst_known_files) / sizeof(char *); i++) {
		size_t flen = strlen(xst_known_files[i]);

		if (dlen + 1 + flen + 1 > sizeof(path)) {
			continue;
		}
		memcpy(path, dir, dlen);
		path[dlen] = '/';
		memcpy(path + dlen + 1, xst_known_files[i], flen + 1);
		unlink(path);
	}
	rmdir(dir);
}

/** Kill every live daemon and remove its directory (signal-safe). */
static void kill_all_live(void)
{
	for (unsigned int i = 0; i < XST_LIVE_MAX; i++) {
		if (live[i] == NULL) {
			continue;
		}
		if (live[i]->pid > 0) {
			kill(live[i]->pid, SIGKILL);
		}
		remove_known_files(live[i]->dir);
	}
}

static void on_fatal_signal(int sig)
{
	kill_all_live();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_cleanup(void)
{
	for (unsigned int i = 0; i < XST_LIVE_MAX; i++) {
		if (live[i] != NULL) {
			xst_daemon_free(live[i]);
		}
	}
}

static void install_handlers(void)
{
	struct sigaction sa;

	if (handlers_installed) {
		return;
	}
	handlers_installed = true;
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	atexit(on_exit_cleanup);
}

static int remove_entry(
	const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_DP) {
		rmdir(path);
	} else {
		unlink(path);
	}
	return 0;
}

/** Remove the whole directory tree under path (best effort). */
static void remove_tree(const char *path)
{
	/* Depth first, not following symbolic links. */
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	remove_known_files(path);
}

struct xst_daemon *xst_daemon_new(void)
{
	struct xst_daemon *d;
	const char *tmp = getenv("TMPDIR");
	unsigned int slot;

	install_handlers();
	for (slot = 0; slot < XST_LIVE_MAX; slot++) {
		if (live[slot] == NULL) {
			break;
		}
	}
	assert_true(slot < XST_LIVE_MAX);
	d = calloc(1, sizeof(*d));
	assert_non_null(d);
	/* sun_path is short: fall back to /tmp for a long $TMPDIR. */
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 60) {
		tmp = "/tmp";
	}
	snprintf(
		d->dir, sizeof(d->dir), "%s/xst-%d-XXXXXX", tmp, (int)getpid());
	if (mkdtemp(d->dir) == NULL) {
		fail_msg("mkdtemp %s: %s", d->dir, strerror(errno));
	}
	snprintf(d->sock, sizeof(d->sock), "%s/sock", d->dir);
	snprintf(d->db, sizeof(d->db), "%s/db.sqlite", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/daemon.log", d->dir);
	live[slot] = d;
	return d;
}

void xst_daemon_free(struct xst_daemon *d)
{
	if (d == NULL) {
		return;
	}
	while (d->conns != NULL) {
		xst_close(d->conns);
	}
	if (d->pid > 0) {
		xst_daemon_kill(d);
	}
	remove_tree(d->dir);
	for (unsigned int i = 0; i < XST_LIVE_MAX; i++) {
		if (live[i] == d) {
			live[i] = NULL;
		}
	}
	free(d);
}

void xst_daemon_file(
	const struct xst_daemon *d, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", d->dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

void xst_daemon_write_file(const struct xst_daemon *d, const char *name,
	const void *data, size_t len)
{
	char path[256];
	FILE *f;

	xst_daemon_file(d, name, path, sizeof(path));
	f = fopen(path, "wb");
	if (f == NULL) {
		fail_msg("open %s: %s", path, strerror(errno));
	}
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

char *xst_daemon_log(const struct xst_daemon *d)
{
	FILE *f = fopen(d->log, "rb");
	char *buf;
	size_t len = 0;
	size_t cap = 4096;

	buf = malloc(cap);
	assert_non_null(buf);
	if (f != NULL) {
		size_t n;

		while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
			len += n;
			if (cap - len < 2) {
				cap *= 2;
				buf = realloc(buf, cap);
				assert_non_null(buf);
			}
		}
		fclose(f);
	}
	buf[len] = '\0';
	return buf;
}

static void print_log(const struct xst_daemon *d)
{
	char *text = xst_daemon_log(d);

	print_message("---- daemon log (%s) ----\n%s---- end of log ----\n",
		d->log, text);
	free(text);
}

/** Build argv: binary, then the given arguments; returns a heap array. */
static char **build_argv(
	const char *bin, const char *const *pre, const char *const *extra)
{
	unsigned int n = 0;
	unsigned int i = 0;
	char **argv;

	for (unsigned int k = 0; pre != NULL && pre[k] != NULL; k++) {
		n++;
	}
	for (unsigned int k = 0; extra != NULL && extra[k] != NULL; k++) {
		n++;
	}
	argv = calloc(n + 2, sizeof(char *));
	assert_non_null(argv);
	argv[i++] = (char *)bin;
	for (unsigned int k = 0; pre != NULL && pre[k] != NULL; k++) {
		argv[i++] = (char *)pre[k];
	}
	for (unsigned int k = 0; extra != NULL && extra[k] != NULL; k++) {
		argv[i++] = (char *)extra[k];
	}
	argv[i] = NULL;
	return argv;
}

/** The child side of spawn(): never returns. */
static void exec_child(
	const struct xst_daemon *d, char **argv, pid_t parent, int log_fd)
{
	int null_fd = open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) {
		_exit(127);
	}
	if (null_fd >= 0) {
		dup2(null_fd, STDIN_FILENO);
	}
	dup2(log_fd, STDOUT_FILENO);
	dup2(log_fd, STDERR_FILENO);
	if (d->drop_privileges && geteuid() == 0) {
		if (setgroups(0, NULL) != 0 || setgid(XST_NOBODY) != 0 ||
			setuid(XST_NOBODY) != 0) {
			_exit(126);
		}
	}
	/* Unix sockets and files of the daemon must not depend on our umask. */
	umask(022);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "xst: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/** Fork and exec the daemon with argv; sets d->pid. */
static void spawn(struct xst_daemon *d, char **argv)
{
	pid_t parent = getpid();
	int log_fd;
	pid_t pid;

	log_fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		fail_msg("open %s: %s", d->log, strerror(errno));
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fail_msg("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		exec_child(d, argv, parent, log_fd);
	}
	close(log_fd);
	d->pid = pid;
}

static const char *daemon_binary(void)
{
	const char *bin = getenv("XENSTORED_BIN");

	if (bin == NULL || bin[0] == '\0') {
		fail_msg("XENSTORED_BIN is not set");
	}
	return bin;
}

/** Try one connect(); returns the fd or -1. */
static int try_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void xst_daemon_start(struct xst_daemon *d, const char *const *extra)
{
	/* XST_LOG_LEVEL=debug helps to understand a failing test. */
	const char *level = getenv("XST_LOG_LEVEL");
	const char *const std_args[] = {
		"--socket",
		d->sock,
		"--database",
		d->db,
		"--log-level",
		level != NULL ? level : "warn",
		NULL,
	};
	int64_t deadline = xst_now_ms() + XST_START_TIMEOUT_MS;
	char **argv;

	assert_int_equal(d->pid, 0);
	argv = build_argv(daemon_binary(), std_args, extra);
	spawn(d, argv);
	free(argv);
	for (;;) {
		int fd = try_connect(d->sock);

		if (fd >= 0) {
			close(fd);
			return;
		}
		if (!xst_daemon_is_running(d)) {
			print_log(d);
			fail_msg("xenstored exited during start-up");
		}
		if (xst_now_ms() > deadline) {
			print_log(d);
			xst_daemon_kill(d);
			fail_msg("xenstored did not listen on %s in %d ms",
				d->sock, XST_START_TIMEOUT_MS);
		}
		usleep(2000);
	}
}

void xst_daemon_start_args(struct xst_daemon *d, ...)
{
	const char *args[XST_EXTRA_ARGS_MAX + 1];
	unsigned int n = 0;
	const char *a;
	va_list ap;

	va_start(ap, d);
	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(n < XST_EXTRA_ARGS_MAX);
		args[n++] = a;
	}
	va_end(ap);
	args[n] = NULL;
	xst_daemon_start(d, args);
}

int xst_daemon_wait_exit(struct xst_daemon *d, int timeout_ms)
{
	int64_t deadline = xst_now_ms() + timeout_ms;
	int status;

	for (;;) {
		pid_t r = waitpid(d->pid, &status, WNOHANG);

		if (r == d->pid) {
			d->pid = 0;
			return status;
		}
		if (r < 0 && errno != EINTR) {
			d->pid = 0;
			return -1;
		}
		if (xst_now_ms() > deadline) {
			return -1;
		}
		usleep(1000);
	}
}

int xst_daemon_run_to_exit(
	struct xst_daemon *d, const char *const *args, int timeout_ms)
{
	char **argv;
	int status;

	assert_int_equal(d->pid, 0);
	argv = build_argv(daemon_binary(), NULL, args);
	spawn(d, argv);
	free(argv);
	status = xst_daemon_wait_exit(d, timeout_ms);
	if (status == -1 && d->pid > 0) {
		xst_daemon_kill(d);
	}
	return status;
}

bool xst_daemon_is_running(struct xst_daemon *d)
{
	int status;

	if (d->pid <= 0) {
		return false;
	}
	if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
		if (WIFSIGNALED(status)) {
			print_message("xenstored (pid %d) died of signal %d\n",
				(int)d->pid, WTERMSIG(status));
		} else {
			print_message("xenstored (pid %d) exited with %d\n",
				(int)d->pid, WEXITSTATUS(status));
		}
		d->pid = 0;
		return false;
	}
	return true;
}

void xst_daemon_stop(struct xst_daemon *d)
{
	int status;

	assert_true(d->pid > 0);
	kill(d->pid, SIGTERM);
	status = xst_daemon_wait_exit(d, 10000);
	if (status == -1) {
		print_log(d);
		xst_daemon_kill(d);
		fail_msg("xenstored did not exit within 10 s of SIGTERM");
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		print_log(d);
		fail_msg("xenstored did not exit cleanly on SIGTERM (status "
			 "0x%x)",
			status);
	}
}

void xst_daemon_kill(struct xst_daemon *d)
{
	if (d->pid <= 0) {
		return;
	}
	kill(d->pid, SIGKILL);
	while (waitpid(d->pid, NULL, 0) < 0 && errno == EINTR) {
	}
	d->pid = 0;
}

int xst_setup(void **state)
{
	struct xst_daemon *d = xst_daemon_new();

	*state = d;
	xst_daemon_start(d, NULL);
	return 0;
}

int xst_setup_stopped(void **state)
{
	*state = xst_daemon_new();
	return 0;
}

int xst_teardown(void **state)
{
	struct xst_daemon *d = *state;
	int rc = 0;

	if (d == NULL) {
		return 0;
	}
	while (d->conns != NULL) {
		xst_close(d->conns);
	}
	if (getenv("XST_LOG_LEVEL") != NULL) {
		print_log(d);
	}
	if (d->pid > 0) {
		if (!xst_daemon_is_running(d)) {
			print_message("xenstored died during the test\n");
			print_log(d);
			rc = -1;
		} else {
			int status;

			kill(d->pid, SIGTERM);
			status = xst_daemon_wait_exit(d, 10000);
			if (status == -1 || !WIFEXITED(status) ||
				WEXITSTATUS(status) != 0) {
				print_message("xenstored did not exit cleanly "
					      "on SIGTERM (status 0x%x)\n",
					status);
				print_log(d);
				rc = -1;
			}
		}
	}
	xst_daemon_free(d);
	*state = NULL;
	return rc;
}

struct xst_conn *xst_connect(struct xst_daemon *d)
{
	struct xst_conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->fd = try_connect(d->sock);
	if (c->fd < 0) {
		fail_msg("connect %s: %s", d->sock, strerror(errno));
	}
	c->daemon = d;
	c->next_req_id = 1;
	c->next = d->conns;
	d->conns = c;
	return c;
}

void xst_close(struct xst_conn *c)
{
	struct xst_conn **pp;

	if (c == NULL) {
		return;
	}
	for (pp = &c->daemon->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	xst_clear_events(c);
	free(c->events);
	close(c->fd);
	free(c);
}

int xst_send_raw(struct xst_conn *c, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void xst_send_msg(struct xst_conn *c, uint32_t type, uint32_t req_id,
	uint32_t tx_id, const void *payload, uint32_t len)
{
	struct xsd_sockmsg hdr = {
		.type = type,
		.req_id = req_id,
		.tx_id = tx_id,
		.len = len,
	};
	char *buf = malloc(sizeof(hdr) + len + 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, &hdr, sizeof(hdr));
	if (len > 0) {
		memcpy(buf + sizeof(hdr), payload, len);
	}
	rc = xst_send_raw(c, buf, sizeof(hdr) + len);
	free(buf);
	if (rc != 0) {
		fail_msg("send type %u: %s", type, strerror(-rc));
	}
}

uint32_t xst_send(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len)
{
	uint32_t req_id = c->next_req_id++;

	xst_send_msg(c, type, req_id, tx_id, payload, len);
	return req_id;
}

/** Read exactly len bytes before deadline: 0, -ETIMEDOUT or -ECONNRESET. */
static int read_full(int fd, void *buf, size_t len, int64_t deadline)
{
	char *p = buf;

	while (len > 0) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - xst_now_ms();
		ssize_t n;

		if (left < 0) {
			left = 0;
		}
		if (poll(&pfd, 1, (int)left) == 0) {
			return -ETIMEDOUT;
		}
		n = recv(fd, p, len, 0);
		if (n == 0) {
			return -ECONNRESET;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return -ECONNRESET;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int xst_recv(struct xst_conn *c, struct xst_msg *m, int timeout_ms)
{
	int64_t deadline = xst_now_ms() + timeout_ms;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = read_full(c->fd, &m->hdr, sizeof(m->hdr), deadline);
	if (rc != 0) {
		return rc;
	}
	/* The limit holds in both directions (xenstore.txt). */
	if (m->hdr.len > XENSTORE_PAYLOAD_MAX) {
		fail_msg("daemon sent a payload of %u bytes (type %u)",
			m->hdr.len, m->hdr.type);
	}
	m->body = malloc(m->hdr.len + 1);
	assert_non_null(m->body);
	/* The body follows its header at once: give it the full timeout. */
	rc = read_full(
		c->fd, m->body, m->hdr.len, xst_now_ms() + XST_TIMEOUT_MS);
	if (rc != 0) {
		xst_msg_fini(m);
		return rc;
	}
	m->body[m->hdr.len] = '\0';
	return 0;
}

bool xst_wait_closed(struct xst_conn *c, int timeout_ms)
{
	int64_t deadline = xst_now_ms() + timeout_ms;

	for (;;) {
		char buf[512];
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		int64_t left = deadline - xst_now_ms();
		ssize_t n;

		if (left <= 0) {
			return false;
		}
		if (poll(&pfd, 1, (int)left) == 0) {
			return false;
		}
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
			return true;
		}
	}
}

void xst_msg_fini(struct xst_msg *m)
{
	free(m->body);
	m->body = NULL;
}

static void check_event(const struct xst_msg *m);

/** Append a WATCH_EVENT to the connection's queue, taking its body. */
static void queue_event(struct xst_conn *c, struct xst_msg *m)
{
	check_event(m);
	if (c->event_count == c->event_cap) {
		c->event_cap = c->event_cap ? c->event_cap * 2 : 8;
		c->events =
			realloc(c->events, c->event_cap * sizeof(*c->events));
		assert_non_null(c->events);
	}
	c->events[c->event_count++] = *m;
	memset(m, 0, sizeof(*m));
}

void xst_reply(
	struct xst_conn *c, uint32_t req_id, uint32_t tx_id, struct xst_msg *m)
{
	for (;;) {
		int rc = xst_recv(c, m, XST_TIMEOUT_MS);

		if (rc == -ETIMEDOUT) {
			fail_msg("no reply to req_id %u within %d ms", req_id,
				XST_TIMEOUT_MS);
		}
		if (rc != 0) {
			fail_msg(
				"connection closed awaiting req_id %u", req_id);
		}
		if (m->hdr.type == XS_WATCH_EVENT) {
			queue_event(c, m);
			continue;
		}
		break;
	}
	if (m->hdr.req_id != req_id || m->hdr.tx_id != tx_id) {
		fail_msg("reply (type %u) has req_id %u tx_id %u, expected "
			 "req_id %u tx_id %u",
			m->hdr.type, m->hdr.req_id, m->hdr.tx_id, req_id,
			tx_id);
	}
}

void xst_call(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, struct xst_msg *m)
{
	uint32_t req_id = xst_send(c, type, tx_id, payload, len);

	xst_reply(c, req_id, tx_id, m);
	if (m->hdr.type != type && m->hdr.type != XS_ERROR) {
		fail_msg("reply to type %u has type %u", type, m->hdr.type);
	}
}

const char *xst_msg_error(const struct xst_msg *m)
{
	if (m->hdr.type != XS_ERROR) {
		return NULL;
	}
	return m->body;
}

void xst_assert_error(const struct xst_msg *m, const char *err)
{
	if (m->hdr.type != XS_ERROR) {
		fail_msg("expected ERROR %s, got type %u payload \"%.*s\"", err,
			m->hdr.type, (int)m->hdr.len, m->body);
	}
	/* "E<something>|": the name and its NUL. */
	if (m->hdr.len != strlen(err) + 1 || strcmp(m->body, err) != 0) {
		fail_msg("expected ERROR %s, got ERROR \"%.*s\" (len %u)", err,
			(int)m->hdr.len, m->body, m->hdr.len);
	}
}

void xst_call_ok(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len)
{
	struct xst_msg m;

	xst_call(c, type, tx_id, payload, len, &m);
	if (m.hdr.type != type) {
		fail_msg("type %u: expected OK, got ERROR %s", type, m.body);
	}
	if (m.hdr.len != 3 || memcmp(m.body, "OK", 3) != 0) {
		fail_msg("type %u: expected \"OK\\0\", got \"%.*s\" (len %u)",
			type, (int)m.hdr.len, m.body, m.hdr.len);
	}
	xst_msg_fini(&m);
}

void xst_call_err(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, const char *err)
{
	struct xst_msg m;

	xst_call(c, type, tx_id, payload, len, &m);
	if (m.hdr.type != XS_ERROR || strcmp(m.body, err) != 0) {
		fail_msg("type %u \"%.*s\": expected ERROR %s, got %s \"%.*s\"",
			type, (int)strnlen(payload, len), (const char *)payload,
			err, m.hdr.type == XS_ERROR ? "ERROR" : "reply",
			(int)m.hdr.len, m.body);
	}
	xst_assert_error(&m, err);
	xst_msg_fini(&m);
}

char *xst_call_data(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const void *payload, uint32_t len, uint32_t *out_len)
{
	struct xst_msg m;

	xst_call(c, type, tx_id, payload, len, &m);
	if (m.hdr.type != type) {
		fail_msg("type %u: expected a reply, got ERROR %s", type,
			m.body);
	}
	if (out_len != NULL) {
		*out_len = m.hdr.len;
	}
	return m.body;
}

uint32_t xst_join(char *buf, size_t len, ...)
{
	size_t off = 0;
	const char *s;
	va_list ap;

	va_start(ap, len);
	while ((s = va_arg(ap, const char *)) != NULL) {
		size_t n = strlen(s) + 1;

		assert_true(n <= len - off);
		memcpy(buf + off, s, n);
		off += n;
	}
	va_end(ap);
	return (uint32_t)off;
}

void xst_write_bin(struct xst_conn *c, uint32_t tx_id, const char *path,
	const void *value, uint32_t len)
{
	size_t plen = strlen(path) + 1;
	char *buf = malloc(plen + len + 1);

	assert_non_null(buf);
	memcpy(buf, path, plen);
	if (len > 0) {
		memcpy(buf + plen, value, len);
	}
	xst_call_ok(c, XS_WRITE, tx_id, buf, (uint32_t)(plen + len));
	free(buf);
}

void xst_write(
	struct xst_conn *c, uint32_t tx_id, const char *path, const char *value)
{
	xst_write_bin(c, tx_id, path, value, (uint32_t)strlen(value));
}

void xst_mkdir(struct xst_conn *c, uint32_t tx_id, const char *path)
{
	xst_call_ok(c, XS_MKDIR, tx_id, path, (uint32_t)strlen(path) + 1);
}

void xst_rm(struct xst_conn *c, uint32_t tx_id, const char *path)
{
	xst_call_ok(c, XS_RM, tx_id, path, (uint32_t)strlen(path) + 1);
}

char *xst_read(
	struct xst_conn *c, uint32_t tx_id, const char *path, uint32_t *len)
{
	return xst_call_data(
		c, XS_READ, tx_id, path, (uint32_t)strlen(path) + 1, len);
}

void xst_assert_read(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected)
{
	struct xst_msg m;

	xst_call(c, XS_READ, tx_id, path, (uint32_t)strlen(path) + 1, &m);
	if (m.hdr.type != XS_READ) {
		fail_msg("READ %s: expected \"%s\", got ERROR %s", path,
			expected, m.body);
	}
	if (m.hdr.len != strlen(expected) ||
		memcmp(m.body, expected, m.hdr.len) != 0) {
		fail_msg("READ %s: expected \"%s\", got \"%.*s\" (len %u)",
			path, expected, (int)m.hdr.len, m.body, m.hdr.len);
	}
	xst_msg_fini(&m);
}

void xst_assert_path_err(struct xst_conn *c, uint32_t type, uint32_t tx_id,
	const char *path, const char *err)
{
	xst_call_err(c, type, tx_id, path, (uint32_t)strlen(path) + 1, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/**
 * Sort a list of count NUL-separated names (or comma-separated when sep is
 * ',') and join them with commas into a new string.
 */
static char *sorted_csv(const char *data, size_t len, char sep)
{
	char *copy = malloc(len + 1);
	char **names;
	unsigned int count = 0;
	char *out;
	size_t olen = 0;

	assert_non_null(copy);
	memcpy(copy, data, len);
	copy[len] = '\0';
	names = calloc(len + 1, sizeof(char *));
	assert_non_null(names);
	for (size_t i = 0; i < len;) {
		size_t n = 0;

		while (i + n < len && copy[i + n] != sep) {
			n++;
		}
		copy[i + n] = '\0';
		names[count++] = copy + i;
		i += n + 1;
	}
	qsort(names, count, sizeof(char *), cmp_str);
	out = malloc(len + 2);
	assert_non_null(out);
	for (unsigned int i = 0; i < count; i++) {
		size_t n = strlen(names[i]);

		if (i > 0) {
			out[olen++] = ',';
		}
		memcpy(out + olen, names[i], n);
		olen += n;
	}
	out[olen] = '\0';
	free(names);
	free(copy);
	return out;
}

void xst_assert_dir(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected)
{
	struct xst_msg m;
	char *got;
	char *want;

	xst_call(c, XS_DIRECTORY, tx_id, path, (uint32_t)strlen(path) + 1, &m);
	if (m.hdr.type != XS_DIRECTORY) {
		fail_msg("DIRECTORY %s: expected \"%s\", got ERROR %s", path,
			expected, m.body);
	}
	/* "<child-leaf-name>|*": every name is NUL-terminated. */
	if (m.hdr.len > 0 && m.body[m.hdr.len - 1] != '\0') {
		fail_msg("DIRECTORY %s: reply lacks its final NUL", path);
	}
	got = sorted_csv(m.body, m.hdr.len ? m.hdr.len - 1 : 0, '\0');
	want = sorted_csv(expected, strlen(expected), ',');
	if (strcmp(got, want) != 0) {
		fail_msg("DIRECTORY %s: expected {%s}, got {%s}", path, want,
			got);
	}
	free(got);
	free(want);
	xst_msg_fini(&m);
}

void xst_assert_perms(struct xst_conn *c, uint32_t tx_id, const char *path,
	const char *expected)
{
	struct xst_msg m;

	xst_call(c, XS_GET_PERMS, tx_id, path, (uint32_t)strlen(path) + 1, &m);
	if (m.hdr.type != XS_GET_PERMS) {
		fail_msg("GET_PERMS %s: expected \"%s\", got ERROR %s", path,
			expected, m.body);
	}
	if (m.hdr.len == 0 || m.body[m.hdr.len - 1] != '\0') {
		fail_msg("GET_PERMS %s: reply is not a NUL-terminated list",
			path);
	}
	/* Order matters here: the first entry is the owner. */
	for (uint32_t i = 0; i + 1 < m.hdr.len; i++) {
		if (m.body[i] == '\0') {
			m.body[i] = ',';
		}
	}
	if (strcmp(m.body, expected) != 0) {
		fail_msg("GET_PERMS %s: expected \"%s\", got \"%s\"", path,
			expected, m.body);
	}
	xst_msg_fini(&m);
}

void xst_set_perms(
	struct xst_conn *c, uint32_t tx_id, const char *path, const char *perms)
{
	char buf[XST_BUF_LEN];
	size_t plen = strlen(path) + 1;
	size_t len = strlen(perms) + 1;

	assert_true(plen + len <= sizeof(buf));
	memcpy(buf, path, plen);
	memcpy(buf + plen, perms, len);
	for (size_t i = plen; i < plen + len; i++) {
		if (buf[i] == ',') {
			buf[i] = '\0';
		}
	}
	xst_call_ok(c, XS_SET_PERMS, tx_id, buf, (uint32_t)(plen + len));
}

uint32_t xst_txn_start(struct xst_conn *c)
{
	uint32_t len;
	char *id = xst_call_data(c, XS_TRANSACTION_START, 0, "", 1, &len);
	char *end;
	unsigned long v;

	/* "<transid>|": unsigned decimal and its NUL. */
	if (len < 2 || id[len - 1] != '\0') {
		fail_msg("TRANSACTION_START: bad reply \"%.*s\"", (int)len, id);
	}
	errno = 0;
	v = strtoul(id, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > UINT32_MAX) {
		fail_msg("TRANSACTION_START: bad transaction id \"%s\"", id);
	}
	free(id);
	return (uint32_t)v;
}

void xst_txn_end(
	struct xst_conn *c, uint32_t tx_id, bool commit, const char *err)
{
	const char *arg = commit ? "T" : "F";

	if (err == NULL) {
		xst_call_ok(c, XS_TRANSACTION_END, tx_id, arg, 2);
	} else {
		xst_call_err(c, XS_TRANSACTION_END, tx_id, arg, 2, err);
	}
}

void xst_watch(struct xst_conn *c, const char *path, const char *token)
{
	char buf[XST_BUF_LEN];
	uint32_t len = xst_join(buf, sizeof(buf), path, token, NULL);

	xst_call_ok(c, XS_WATCH, 0, buf, len);
	xst_expect_event(c, path, token);
}

void xst_unwatch(struct xst_conn *c, const char *path, const char *token)
{
	char buf[XST_BUF_LEN];
	uint32_t len = xst_join(buf, sizeof(buf), path, token, NULL);

	xst_call_ok(c, XS_UNWATCH, 0, buf, len);
}

/** Check the format of a WATCH_EVENT: "<epath>|<token>|", ids 0. */
static void check_event(const struct xst_msg *m)
{
	size_t plen;

	if (m->hdr.req_id != 0 || m->hdr.tx_id != 0) {
		fail_msg("WATCH_EVENT with req_id %u tx_id %u (must be 0)",
			m->hdr.req_id, m->hdr.tx_id);
	}
	plen = strnlen(m->body, m->hdr.len);
	if (plen >= m->hdr.len || m->body[m->hdr.len - 1] != '\0' ||
		strlen(m->body + plen + 1) + plen + 2 != m->hdr.len) {
		fail_msg("WATCH_EVENT payload is not <epath>|<token>| (len %u)",
			m->hdr.len);
	}
}

static bool event_matches(
	const struct xst_msg *m, const char *path, const char *token)
{
	return strcmp(m->body, path) == 0 &&
	       strcmp(m->body + strlen(m->body) + 1, token) == 0;
}

static void describe_events(const struct xst_conn *c)
{
	for (unsigned int i = 0; i < c->event_count; i++) {
		const struct xst_msg *e = &c->events[i];

		print_message("  queued event: \"%s\" token \"%s\"\n", e->body,
			e->body + strlen(e->body) + 1);
	}
}

void xst_expect_event(struct xst_conn *c, const char *path, const char *token)
{
	int64_t deadline = xst_now_ms() + XST_TIMEOUT_MS;

	for (;;) {
		struct xst_msg m;
		int64_t left;
		int rc;

		for (unsigned int i = 0; i < c->event_count; i++) {
			if (event_matches(&c->events[i], path, token)) {
				xst_msg_fini(&c->events[i]);
				memmove(&c->events[i], &c->events[i + 1],
					(c->event_count - i - 1) *
						sizeof(*c->events));
				c->event_count--;
				return;
			}
		}
		left = deadline - xst_now_ms();
		rc = left > 0 ? xst_recv(c, &m, (int)left) : -ETIMEDOUT;
		if (rc != 0) {
			describe_events(c);
			fail_msg("no WATCH_EVENT \"%s\" token \"%s\" (%s)",
				path, token,
				rc == -ETIMEDOUT ? "timed out"
						 : "connection closed");
		}
		if (m.hdr.type != XS_WATCH_EVENT) {
			fail_msg("unexpected message type %u req_id %u while "
				 "awaiting an event",
				m.hdr.type, m.hdr.req_id);
		}
		queue_event(c, &m);
	}
}

void xst_barrier(struct xst_conn *c)
{
	char *path = xst_call_data(c, XS_GET_DOMAIN_PATH, 0, "0", 2, NULL);

	free(path);
}

void xst_expect_no_event(struct xst_conn *c)
{
	xst_barrier(c);
	if (c->event_count > 0) {
		describe_events(c);
		fail_msg("%u unexpected WATCH_EVENT(s)", c->event_count);
	}
}

void xst_clear_events(struct xst_conn *c)
{
	for (unsigned int i = 0; i < c->event_count; i++) {
		xst_msg_fini(&c->events[i]);
	}
	c->event_count = 0;
}
