/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the in-process daemon of inproc.h.
 */
#include "inproc.h"

#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xsclient_errors.h"

static int inproc_boot(struct inproc *ip, const char *const *args)
{
	char sock[128], db[128];
	const char *argv[32];
	int argc = 0, fds[2];
	bool exit_now;

	snprintf(sock, sizeof(sock), "%s/sock", ip->dir);
	snprintf(db, sizeof(db), "%s/db.sqlite", ip->dir);
	argv[argc++] = "xenstored";
	argv[argc++] = "--socket";
	argv[argc++] = sock;
	argv[argc++] = "--database";
	argv[argc++] = db;
	argv[argc++] = "--log-level";
	argv[argc++] = "err";
	while (args && *args && argc < 31) {
		argv[argc++] = *args++;
	}
	argv[argc] = NULL;
	memset(&ip->xs, 0, sizeof(ip->xs));
	xs_config_init(&ip->xs.cli);
	xs_config_init(&ip->xs.cfg);
	if (xs_config_parse_args(&ip->xs.cli, argc, (char **)argv, &exit_now) <
			0 ||
		xs_daemon_init(&ip->xs) < 0) {
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		return -1;
	}
	if (xs_conn_new(&ip->xs, fds[0], &ip->conn) < 0) {
		return -1;
	}
	ip->client_fd = fds[1];
	ip->fds[0] = fds[1];
	ip->conns[0] = ip->conn;
	ip->client_count = 1;
	return 0;
}

int inproc_connect(struct inproc *ip, unsigned int domid)
{
	int fds[2], idx = ip->client_count;

	if (idx >= INPROC_CLIENTS_MAX ||
		socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0 ||
		xs_conn_new(&ip->xs, fds[0], &ip->conns[idx]) < 0) {
		return -1;
	}
	ip->conns[idx]->domain = xs_domain_get(&ip->xs, domid, true);
	ip->fds[idx] = fds[1];
	ip->client_count++;
	inproc_use(ip, idx);
	return idx;
}

void inproc_use(struct inproc *ip, int idx)
{
	ip->client_fd = ip->fds[idx];
	ip->conn = ip->conns[idx];
}

int inproc_start(struct inproc *ip, const char *const *args)
{
	memset(ip, 0, sizeof(*ip));
	snprintf(ip->dir, sizeof(ip->dir), "/tmp/xs-unit-XXXXXX");
	if (!mkdtemp(ip->dir)) {
		return -1;
	}
	log_init("xenstored-test", LOG_LEVEL_ERR);
	return inproc_boot(ip, args);
}

static void inproc_shutdown(struct inproc *ip)
{
	int i;

	for (i = 0; i < ip->client_count; i++) {
		close(ip->fds[i]);
	}
	ip->client_count = 0;
	ip->client_fd = -1;
	xs_daemon_fini(&ip->xs);
}

void inproc_stop(struct inproc *ip)
{
	char cmd[128];

	inproc_shutdown(ip);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", ip->dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot remove %s\n", ip->dir);
	}
}

int inproc_restart(struct inproc *ip, const char *const *args)
{
	inproc_shutdown(ip);
	return inproc_boot(ip, args);
}

void inproc_run(struct inproc *ip)
{
	int i;

	for (i = 0; i < 64; i++) {
		event_base_loop(ip->xs.base, EVLOOP_NONBLOCK);
		xs_conn_process_all(&ip->xs);
		xs_turn_end(&ip->xs);
		if (TAILQ_EMPTY(&ip->xs.work)) {
			event_base_loop(ip->xs.base, EVLOOP_NONBLOCK);
			if (TAILQ_EMPTY(&ip->xs.work)) {
				break;
			}
		}
	}
}

int inproc_send_raw(struct inproc *ip, const void *data, size_t len)
{
	if (write(ip->client_fd, data, len) != (ssize_t)len) {
		return -1;
	}
	inproc_run(ip);
	return 0;
}

static int inproc_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	struct pollfd pfd = {fd, POLLIN, 0};
	ssize_t n;

	while (got < len) {
		if (poll(&pfd, 1, 2000) <= 0) {
			return -1;
		}
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0) {
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

int inproc_request(struct inproc *ip, uint32_t type, uint32_t tx_id,
	const void *payload, size_t len, uint32_t *reply_type, char **reply,
	size_t *reply_len)
{
	struct xsd_sockmsg hdr = {
		type, ++ip->next_req_id, tx_id, (uint32_t)len};
	char *buf;

	if (write(ip->client_fd, &hdr, sizeof(hdr)) != sizeof(hdr) ||
		(len && write(ip->client_fd, payload, len) != (ssize_t)len)) {
		return -1;
	}
	inproc_run(ip);
	for (;;) {
		struct xsd_sockmsg rh;

		if (inproc_read_full(ip->client_fd, &rh, sizeof(rh)) < 0 ||
			rh.len > XENSTORE_PAYLOAD_MAX) {
			return -1;
		}
		buf = malloc(rh.len + 1);
		if (!buf || inproc_read_full(ip->client_fd, buf, rh.len) < 0) {
			free(buf);
			return -1;
		}
		buf[rh.len] = '\0';
		if (rh.type == XS_WATCH_EVENT) {
			ip->events++;
			snprintf(ip->last_event, sizeof(ip->last_event),
				"%.200s %.200s", buf, buf + strlen(buf) + 1);
			free(buf);
			continue;
		}
		if (rh.req_id != hdr.req_id || rh.tx_id != hdr.tx_id) {
			free(buf);
			return -1;
		}
		*reply_type = rh.type;
		*reply = buf;
		*reply_len = rh.len;
		return 0;
	}
}

char *inproc_str(struct inproc *ip, uint32_t type, uint32_t tx_id,
	const char *payload, uint32_t *reply_type)
{
	size_t len;
	char *reply;

	if (inproc_request(ip, type, tx_id, payload,
		    payload ? strlen(payload) + 1 : 0, reply_type, &reply,
		    &len) < 0) {
		return NULL;
	}
	return reply;
}

int inproc_write(
	struct inproc *ip, uint32_t tx_id, const char *path, const char *value)
{
	size_t plen = strlen(path) + 1, vlen = strlen(value);
	char *payload = malloc(plen + vlen), *reply;
	uint32_t type;
	size_t len;
	int ret;

	memcpy(payload, path, plen);
	memcpy(payload + plen, value, vlen);
	ret = inproc_request(
		ip, XS_WRITE, tx_id, payload, plen + vlen, &type, &reply, &len);
	free(payload);
	if (ret < 0) {
		return -EPIPE;
	}
	ret = type == XS_ERROR ? inproc_errno(reply) : 0;
	free(reply);
	return ret;
}
