// SPDX-License-Identifier: GPL-2.0-only
/*
 * p9backend serving a directory on its Unix socket (--socket/--export),
 * as a process: our test client (p9client.h) and diod's own client tools
 * (diodcat, diodls from Debian's diod package) against it.
 *
 * Covered: msize negotiation, a workload whose results the test checks in
 * the directory, several clients at once, a client that sends a message
 * size below the header or above the msize (disconnected; the daemon
 * serves the next), a client that vanishes mid-message, --read-only,
 * --security-model mapped-xattr as seen on disk, and diodcat/diodls
 * reading through the socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include "p9client.h"

#define ROOT 1u

struct srv {
	char dir[64];    /* the export */
	char rundir[64]; /* socket and log */
	char sock[128];
	char log[128];
	pid_t pid;
};

/* The daemon of the running test, killed by the teardown if it failed. */
static struct srv live;

static int teardown(void **state)
{
	char cmd[200];

	(void)state;
	if (live.pid > 0) {
		kill(live.pid, SIGKILL);
		waitpid(live.pid, NULL, 0);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", live.dir,
			live.rundir);
		live.pid = 0;
		if (system(cmd) != 0) {
			return -1;
		}
	}
	return 0;
}

static void srv_print_log(struct srv *s)
{
	char line[512];
	FILE *f = fopen(s->log, "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		fprintf(stderr, "p9backend: %s", line);
	}
	if (f != NULL) {
		fclose(f);
	}
}

static void srv_start(struct srv *s, const char *const *extra)
{
	const char *bin = getenv("P9BACKEND_BIN");
	const char *argv[24];
	struct stat st;
	int n = 0, fd, i;

	assert_non_null(bin);
	snprintf(s->dir, sizeof(s->dir), "/tmp/p9export.XXXXXX");
	snprintf(s->rundir, sizeof(s->rundir), "/tmp/p9run.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	assert_non_null(mkdtemp(s->rundir));
	snprintf(s->sock, sizeof(s->sock), "%s/9p.sock", s->rundir);
	snprintf(s->log, sizeof(s->log), "%s/log", s->rundir);
	argv[n++] = bin;
	argv[n++] = "--xen";
	argv[n++] = "none";
	argv[n++] = "--socket";
	argv[n++] = s->sock;
	argv[n++] = "--export";
	argv[n++] = s->dir;
	argv[n++] = "--log-level";
	argv[n++] = "debug";
	for (i = 0; extra != NULL && extra[i] != NULL && n < 22; i++) {
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	live = *s;
	for (i = 0; i < 1000; i++) {
		if (stat(s->sock, &st) == 0) {
			/* Owner-only, whatever the umask. */
			assert_int_equal(st.st_mode & 0777, 0600);
			return;
		}
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			break;
		}
		usleep(10000);
	}
	srv_print_log(s);
	fail_msg("p9backend did not start");
}

static void srv_stop(struct srv *s)
{
	int status = -1, i;
	char cmd[200];

	assert_int_equal(waitpid(s->pid, &status, WNOHANG), 0);
	kill(s->pid, SIGTERM);
	for (i = 0; i < 1000; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			break;
		}
		usleep(10000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		srv_print_log(s);
	}
	live.pid = 0;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", s->dir, s->rundir);
	assert_int_equal(system(cmd), 0);
}

static struct p9c *client(struct srv *s, uint32_t msize)
{
	struct p9c *c = p9c_unix(s->sock, msize);

	assert_non_null(c);
	assert_true(p9c_version(c, msize) > 0);
	assert_int_equal(p9c_attach(c, ROOT, 0, NULL), 0);
	return c;
}

static void put_file(const char *dir, const char *name, const char *data)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

/* Run cmd; its stdout (up to cap - 1 bytes) in out; the exit status. */
static int run_cmd(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	if (p == NULL) {
		return -1;
	}
	n = fread(out, 1, cap - 1, p);
	out[n] = '\0';
	return pclose(p);
}

/* ---- tests ------------------------------------------------------------------
 */

static void test_msize_is_negotiated_down(void **state)
{
	struct srv s;
	const char *extra[] = {"--msize", "65536", NULL};
	struct p9c *c;

	(void)state;
	srv_start(&s, extra);
	c = p9c_unix(s.sock, 1u << 20);
	assert_non_null(c);
	assert_int_equal(p9c_version(c, 1u << 20), 65536);
	assert_int_equal(p9c_msize(c), 65536);
	p9c_free(c);
	c = p9c_unix(s.sock, 8192);
	assert_int_equal(p9c_version(c, 8192), 8192);
	p9c_free(c);
	srv_stop(&s);
}

static void test_workload_lands_in_the_directory(void **state)
{
	struct srv s;
	struct p9c *c;
	static uint8_t big[300000], back[300000];
	char p[256];
	struct stat st;
	ssize_t n;
	size_t i;
	int fd;

	(void)state;
	srv_start(&s, NULL);
	c = client(&s, 65536);
	assert_int_equal(p9c_walk(c, ROOT, 2, "", NULL), 0);
	assert_int_equal(p9c_mkdir(c, 2, "a", 0750, 0, NULL), 0);
	assert_int_equal(p9c_walk(c, ROOT, 3, "a", NULL), 0);
	assert_int_equal(
		p9c_lcreate(c, 3, "f", P9_DOTL_RDWR, 0640, 0, NULL), 0);
	for (i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i ^ (i >> 8));
	}
	for (i = 0; i < sizeof(big); i += (size_t)n) {
		n = p9c_write(c, 3, i, big + i, (uint32_t)(sizeof(big) - i));
		assert_true(n > 0);
	}
	assert_int_equal(p9c_clunk(c, 3), 0);
	assert_int_equal(p9c_renameat(c, 2, "a", 2, "b"), 0);
	p9c_free(c);

	snprintf(p, sizeof(p), "%s/b/f", s.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, (off_t)sizeof(big));
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	close(fd);
	assert_memory_equal(big, back, sizeof(big));
	snprintf(p, sizeof(p), "%s/b", s.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	srv_stop(&s);
}

static void test_many_clients_at_once(void **state)
{
	struct srv s;
	struct p9c *c[20];
	char name[16], buf[16];
	unsigned int i;

	(void)state;
	srv_start(&s, NULL);
	for (i = 0; i < 20; i++) {
		c[i] = client(&s, 16384);
		assert_int_equal(p9c_walk(c[i], ROOT, 2, "", NULL), 0);
		snprintf(name, sizeof(name), "c%u", i);
		assert_int_equal(
			p9c_lcreate(c[i], 2, name, P9_DOTL_RDWR, 0600, 0, NULL),
			0);
	}
	/* Interleaved: each client's fids are its own. */
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "client %u", i);
		assert_int_equal(p9c_write(c[i], 2, 0, buf, strlen(buf)),
			(ssize_t)strlen(buf));
	}
	for (i = 0; i < 20; i++) {
		char back[16] = {0};

		snprintf(buf, sizeof(buf), "client %u", i);
		assert_int_equal(p9c_read(c[i], 2, 0, back, sizeof(back)),
			(ssize_t)strlen(buf));
		assert_string_equal(back, buf);
		p9c_free(c[i]);
	}
	srv_stop(&s);
}

/* Raw bytes on a fresh connection; whether the server then hangs up. */
static bool hangs_up_after(struct srv *s, const void *bytes, size_t len)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char buf[64];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct timeval tv = {5, 0};
	ssize_t n;

	strcpy(sun.sun_path, s->sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n == 0;
}

static void test_bad_framing_disconnects_only_that_client(void **state)
{
	struct srv s;
	const uint8_t tiny[7] = {3, 0, 0, 0, P9_TVERSION, 0xff, 0xff};
	const uint8_t huge[7] = {0, 0, 0, 0x40, P9_TVERSION, 0xff, 0xff};
	struct p9c *c;
	int fd;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	(void)state;
	srv_start(&s, NULL);
	c = client(&s, 8192);
	assert_true(hangs_up_after(&s, tiny, sizeof(tiny)));
	assert_true(hangs_up_after(&s, huge, sizeof(huge)));
	/* Half a message, then gone. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sun.sun_path, s.sock);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(write(fd, "\x40\0\0\0\x64", 5), 5);
	close(fd);
	/* The first client carries on. */
	assert_int_equal(p9c_walk(c, ROOT, 2, "", NULL), 0);
	assert_int_equal(p9c_clunk(c, 2), 0);
	p9c_free(c);
	srv_stop(&s);
}

/*
 * 100 Treads of 60,000 bytes sent before any reply is read: 6 MB of
 * replies cannot all wait in the socket, so the server must stop and
 * resume; every reply arrives whole and in order.
 */
static void test_a_client_that_reads_late_gets_every_reply(void **state)
{
	struct srv s;
	static uint8_t data[60000], rep[70000];
	uint8_t msg[64];
	struct p9_out o;
	struct p9_in in;
	struct p9c *c;
	const uint8_t *d;
	uint32_t n;
	size_t i;
	int k;

	(void)state;
	srv_start(&s, NULL);
	for (i = 0; i < sizeof(data); i++) {
		data[i] = (uint8_t)(i * 31);
	}
	c = client(&s, 65536);
	assert_int_equal(p9c_walk(c, ROOT, 2, "", NULL), 0);
	assert_int_equal(
		p9c_lcreate(c, 2, "late", P9_DOTL_RDWR, 0600, 0, NULL), 0);
	for (i = 0; i < sizeof(data); i += 30000) {
		assert_int_equal(p9c_write(c, 2, i, data + i, 30000), 30000);
	}
	for (k = 0; k < 100; k++) {
		p9_out_init(&o, msg, sizeof(msg));
		p9_out_begin(&o, P9_TREAD, (uint16_t)(1000 + k));
		p9_out_u32(&o, 2);
		p9_out_u64(&o, 0);
		p9_out_u32(&o, sizeof(data));
		assert_int_equal(p9c_send(c, msg, p9_out_end(&o)), 0);
	}
	usleep(200000);
	for (k = 0; k < 100; k++) {
		assert_int_equal(p9c_recv(c, rep, sizeof(rep)),
			(ssize_t)(P9_IOHDR_SIZE + sizeof(data)));
		p9_in_init(&in, rep, P9_IOHDR_SIZE + sizeof(data));
		(void)p9_in_u32(&in);
		assert_int_equal(p9_in_u8(&in), P9_RREAD);
		assert_int_equal(p9_in_u16(&in), 1000 + k);
		n = p9_in_u32(&in);
		d = p9_in_take(&in, n);
		assert_non_null(d);
		assert_int_equal(n, sizeof(data));
		assert_memory_equal(d, data, sizeof(data));
	}
	assert_int_equal(p9c_clunk(c, 2), 0);
	p9c_free(c);
	srv_stop(&s);
}

static void test_read_only_export_refuses_changes(void **state)
{
	struct srv s;
	const char *extra[] = {"--read-only", NULL};
	struct p9c *c;
	char buf[32];
	struct stat st;
	char p[256];

	(void)state;
	srv_start(&s, extra);
	put_file(s.dir, "keep", "unchanged");
	c = client(&s, 8192);
	assert_int_equal(p9c_walk(c, ROOT, 2, "", NULL), 0);
	assert_int_equal(
		p9c_lcreate(c, 2, "new", P9_DOTL_RDWR, 0600, 0, NULL), -EROFS);
	assert_int_equal(p9c_mkdir(c, 2, "d", 0700, 0, NULL), -EROFS);
	assert_int_equal(p9c_unlinkat(c, 2, "keep", 0), -EROFS);
	assert_int_equal(p9c_walk(c, ROOT, 3, "keep", NULL), 0);
	assert_int_equal(p9c_lopen(c, 3, P9_DOTL_RDWR, NULL), -EROFS);
	assert_int_equal(p9c_lopen(c, 3, P9_DOTL_RDONLY, NULL), 0);
	assert_int_equal(p9c_read(c, 3, 0, buf, sizeof(buf)), 9);
	p9c_free(c);
	snprintf(p, sizeof(p), "%s/new", s.dir);
	assert_int_equal(stat(p, &st), -1);
	srv_stop(&s);
}

static void test_mapped_xattr_keeps_guest_ownership_in_xattrs(void **state)
{
	struct srv s;
	const char *extra[] = {"--security-model", "mapped-xattr", NULL};
	struct p9c *c;
	struct p9c_attr a;
	struct stat st;
	char p[256];
	uint32_t mode;

	(void)state;
	srv_start(&s, extra);
	c = client(&s, 8192);
	assert_int_equal(p9c_walk(c, ROOT, 2, "", NULL), 0);
	assert_int_equal(
		p9c_lcreate(c, 2, "owned", P9_DOTL_RDWR, 0604, 1234, NULL), 0);
	assert_int_equal(p9c_walk(c, ROOT, 3, "owned", NULL), 0);
	assert_int_equal(p9c_getattr(c, 3, &a), 0);
	assert_int_equal(a.mode & 07777, 0604);
	assert_int_equal(a.gid, 1234);
	p9c_free(c);
	/* On disk: the server's file, the guest's view in xattrs. */
	snprintf(p, sizeof(p), "%s/owned", s.dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(getxattr(p, "user.virtfs.mode", &mode, sizeof(mode)),
		(ssize_t)sizeof(mode));
	assert_int_equal(mode & 07777, 0604);
	srv_stop(&s);
}

static void test_diod_client_tools_read_through_the_socket(void **state)
{
	struct srv s;
	char cmd[512], out[256];

	(void)state;
	if (access("/usr/sbin/diodcat", X_OK) != 0) {
		skip();
	}
	srv_start(&s, NULL);
	put_file(s.dir, "hello.txt", "hello from dom0\n");
	assert_int_equal(mkdir(strcat(strcpy(cmd, s.dir), "/sub"), 0755), 0);
	snprintf(cmd, sizeof(cmd),
		"timeout 20 /usr/sbin/diodcat -s %s -a / hello.txt", s.sock);
	assert_int_equal(run_cmd(cmd, out, sizeof(out)), 0);
	assert_string_equal(out, "hello from dom0\n");
	snprintf(cmd, sizeof(cmd), "timeout 20 /usr/sbin/diodls -s %s -a / /",
		s.sock);
	assert_int_equal(run_cmd(cmd, out, sizeof(out)), 0);
	assert_non_null(strstr(out, "hello.txt"));
	assert_non_null(strstr(out, "sub"));
	srv_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_msize_is_negotiated_down, teardown),
		cmocka_unit_test_teardown(
			test_workload_lands_in_the_directory, teardown),
		cmocka_unit_test_teardown(test_many_clients_at_once, teardown),
		cmocka_unit_test_teardown(
			test_bad_framing_disconnects_only_that_client,
			teardown),
		cmocka_unit_test_teardown(
			test_a_client_that_reads_late_gets_every_reply,
			teardown),
		cmocka_unit_test_teardown(
			test_read_only_export_refuses_changes, teardown),
		cmocka_unit_test_teardown(
			test_mapped_xattr_keeps_guest_ownership_in_xattrs,
			teardown),
		cmocka_unit_test_teardown(
			test_diod_client_tools_read_through_the_socket,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
