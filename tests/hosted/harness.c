/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hosted port's integration harness (harness.h).
 */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LIVE 16

static struct xht_daemon *live[MAX_LIVE];
static bool handlers_installed;

static void remove_dir(const char *dir)
{
	char path[PATH_MAX];
	DIR *dp = opendir(dir);
	struct dirent *e;

	if (dp != NULL) {
		while ((e = readdir(dp)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
				strcmp(e->d_name, "..") == 0) {
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(dp);
	}
	rmdir(dir);
}

static void kill_all(void)
{
	unsigned int i;

	for (i = 0; i < MAX_LIVE; i++) {
		if (live[i] != NULL && live[i]->pid > 0) {
			kill(live[i]->pid, SIGKILL);
			waitpid(live[i]->pid, NULL, 0);
			remove_dir(live[i]->dir);
			live[i]->pid = 0;
		}
	}
}

static void on_signal(int sig)
{
	kill_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_handlers(void)
{
	if (handlers_installed) {
		return;
	}
	handlers_installed = true;
	atexit(kill_all);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct xht_daemon *xht_start(const char *const *extra)
{
	const char *bin = getenv("XEN_HOSTED_BIN");
	char handle_file[128];
	const char *argv[32];
	struct xht_daemon *d;
	unsigned int n = 0, i;
	int64_t deadline;
	struct stat st;
	int fd;

	install_handlers();
	if (bin == NULL) {
		bin = "xen-hosted";
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		return NULL;
	}
	snprintf(d->dir, sizeof(d->dir), "/tmp/xht-%d-XXXXXX", (int)getpid());
	if (mkdtemp(d->dir) == NULL) {
		free(d);
		return NULL;
	}
	snprintf(d->sock, sizeof(d->sock), "%s/sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/log", d->dir);
	argv[n++] = bin;
	argv[n++] = "--socket";
	argv[n++] = d->sock;
	for (i = 0; extra != NULL && extra[i] != NULL && n < 30; i++) {
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	d->pid = fork();
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < MAX_LIVE; i++) {
		if (live[i] == NULL) {
			live[i] = d;
			break;
		}
	}
	snprintf(handle_file, sizeof(handle_file), "%s.dom0", d->sock);
	deadline = now_ms() + 10000;
	while (now_ms() < deadline) {
		/*
		 * The whole handle: xen-hosted fills the file after creating
		 * it, and xenif_open() refuses a short one.
		 */
		if (stat(d->sock, &st) == 0 && stat(handle_file, &st) == 0 &&
			st.st_size >= 33) {
			setenv("XEN_HOSTED_SOCKET", d->sock, 1);
			return d;
		}
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			break;
		}
		usleep(5000);
	}
	xht_print_log(d);
	xht_stop(d);
	return NULL;
}

bool xht_running(struct xht_daemon *d)
{
	return d->pid > 0 && waitpid(d->pid, NULL, WNOHANG) == 0;
}

int xht_stop(struct xht_daemon *d)
{
	unsigned int i;
	int status = -1;
	int64_t deadline = now_ms() + 10000;

	if (d == NULL) {
		return -1;
	}
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		while (now_ms() < deadline) {
			if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
				break;
			}
			usleep(2000);
		}
		if (now_ms() >= deadline) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			status = -1;
		}
		d->pid = 0;
	}
	for (i = 0; i < MAX_LIVE; i++) {
		if (live[i] == d) {
			live[i] = NULL;
		}
	}
	remove_dir(d->dir);
	free(d);
	if (status >= 0 && WIFEXITED(status)) {
		return WEXITSTATUS(status);
	}
	return status >= 0 && WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

long xht_fd_count(const struct xht_daemon *d)
{
	char path[64];
	struct dirent *e;
	long n = 0;
	DIR *dp;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)d->pid);
	dp = opendir(path);
	if (dp == NULL) {
		return -1;
	}
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] != '.') {
			n++;
		}
	}
	closedir(dp);
	return n;
}

long xht_pid_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL) {
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) {
			break;
		}
	}
	fclose(f);
	return kib;
}

long xht_rss_kib(const struct xht_daemon *d)
{
	return xht_pid_rss_kib(d->pid);
}

void xht_print_log(const struct xht_daemon *d)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(d->log, "r");

	if (f == NULL) {
		return;
	}
	fprintf(stderr, "---- xen-hosted log (%s) ----\n", d->log);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		fwrite(buf, 1, n, stderr);
	}
	fclose(f);
}

pid_t xht_spawn_guest(struct xht_daemon *d, uint32_t domid,
	const uint8_t handle[16], int (*fn)(void *arg), void *arg)
{
	char hex[33], id[16];
	unsigned int i;
	pid_t pid;

	for (i = 0; i < 16; i++) {
		snprintf(hex + 2 * i, 3, "%02x", handle[i]);
	}
	snprintf(id, sizeof(id), "%u", domid);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setenv("XEN_HOSTED_SOCKET", d->sock, 1);
		setenv("XEN_HOSTED_DOMID", id, 1);
		setenv("XEN_HOSTED_HANDLE", hex, 1);
		_exit(fn(arg));
	}
	return pid;
}

int xht_wait_child(pid_t pid, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int status;

	while (now_ms() < deadline) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			if (WIFEXITED(status)) {
				return WEXITSTATUS(status);
			}
			return 128 + WTERMSIG(status);
		}
		usleep(1000);
	}
	return -1;
}
