/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * This file implements the daemon's life: opening the database and the
 * Unix socket, the event loop with its per-turn group commit (see
 * xenstored.h for the turn), signals (SIGTERM/SIGINT: stop after the
 * current turn; SIGHUP: reread the configuration file), systemd
 * readiness, and shutdown.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "xenstored.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static void xs_daemon_notify(const char *state)
{
#if HAVE_LIBSYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

static void xs_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct xenstored *xs = arg;
	struct xs_conn *conn;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			log_warn_errno("accept");
		}
		return;
	}
	if (xs_conn_new(xs, cfd, &conn) < 0) {
		log_warn("no memory for a new connection");
		close(cfd);
		return;
	}
	log_debug("conn %u: new on the socket", conn->id);
}

/** A socket handed over by systemd (socket activation), or -1. */
static int xs_daemon_activated_fd(void)
{
#if HAVE_LIBSYSTEMD
	if (sd_listen_fds(1) == 1 && sd_is_socket_unix(SD_LISTEN_FDS_START,
					     SOCK_STREAM, 1, NULL, 0) > 0) {
		return SD_LISTEN_FDS_START;
	}
#endif
	return -1;
}

static int xs_daemon_listen(struct xenstored *xs)
{
	const char *path = xs->cfg.socket_path;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = xs_daemon_activated_fd();

	if (fd >= 0) {
		log_info("using the socket passed by systemd");
		evutil_make_socket_nonblocking(fd);
		xs->listen_fd = fd;
		xs->socket_activated = true;
		goto listening;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if (xs_mkdir_parents(path, 0755) < 0) {
		log_err_errno("cannot create the directory of %s", path);
		return -EIO;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		log_err_errno("socket");
		return -EIO;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		chmod(path, 0600) < 0 || listen(fd, 128) < 0) {
		log_err_errno("cannot listen on %s", path);
		close(fd);
		return -EIO;
	}
	xs->listen_fd = fd;
listening:
	xs->ev_listen =
		event_new(xs->base, fd, EV_READ | EV_PERSIST, xs_accept_cb, xs);
	if (!xs->ev_listen || event_add(xs->ev_listen, NULL) < 0) {
		return -ENOMEM;
	}
	return 0;
}

/** Build the effective configuration: file (if any), then command line. */
static int xs_daemon_load_config(struct xenstored *xs)
{
	struct xs_config file;
	int ret = 0;

	xs_config_init(&file);
	if (xs->cli.config_path) {
		ret = xs_config_load_file(&file, xs->cli.config_path);
	}
	if (ret < 0) {
		xs_config_fini(&file);
		return ret;
	}
	xs_config_merge(&file, &xs->cli);
	if (!file.socket_path || !file.db_path) {
		xs_config_fini(&file);
		return -ENOMEM;
	}
	xs_config_fini(&xs->cfg);
	xs->cfg = file;
	log_set_level(xs->cfg.log_level);
	return 0;
}

/** SIGHUP: reread the file; keep the old configuration if it is bad. */
static void xs_daemon_reload(struct xenstored *xs)
{
	char *socket_path = strdup(xs->cfg.socket_path);
	char *db_path = strdup(xs->cfg.db_path);
	struct xs_domain *dom;
	unsigned int i, q;

	if (!socket_path || !db_path || xs_daemon_load_config(xs) < 0) {
		log_warn("SIGHUP: configuration not reloaded");
	} else {
		/* The socket and database stay as they are until a restart. */
		free(xs->cfg.socket_path);
		free(xs->cfg.db_path);
		xs->cfg.socket_path = socket_path;
		xs->cfg.db_path = db_path;
		socket_path = db_path = NULL;
		LIST_FOREACH(dom, &xs->domains, link) {
			for (i = 0; i < xs->cfg.domain_quota_count; i++) {
				if (xs->cfg.domain_quota[i].domid !=
					dom->domid) {
					continue;
				}
				for (q = 0; q < XS_QUOTA_COUNT; q++) {
					dom->quota[q] = xs->cfg.domain_quota[i]
								.quota[q];
				}
			}
		}
		log_info("SIGHUP: configuration reloaded");
	}
	free(socket_path);
	free(db_path);
}

static void xs_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct xenstored *xs = arg;

	if (sig == SIGHUP) {
		xs_daemon_reload(xs);
		return;
	}
	log_info("signal %d: shutting down", (int)sig);
	xs->quit = true;
	event_base_loopbreak(xs->base);
}

int xs_daemon_init(struct xenstored *xs)
{
	static const int sigs[3] = {SIGTERM, SIGINT, SIGHUP};
	int i, ret;

	TAILQ_INIT(&xs->conns);
	TAILQ_INIT(&xs->work);
	TAILQ_INIT(&xs->dirty);
	LIST_INIT(&xs->domains);
	xs->listen_fd = -1;
	ret = xs_daemon_load_config(xs);
	if (ret < 0) {
		return ret;
	}
	if (xs_watch_index_init(xs) < 0 || !xs_domain_get(xs, 0, true)) {
		return -ENOMEM;
	}
	signal(SIGPIPE, SIG_IGN);
	xs->base = event_base_new();
	if (!xs->base) {
		return -ENOMEM;
	}
	ret = xs_db_open(xs->cfg.db_path, xs->cfg.power_durable,
		xs->cfg.db_max_size, &xs->db);
	if (ret == 0) {
		ret = xs_store_init_tree(xs);
	}
	if (ret == 0) {
		ret = xs_ring_init(xs);
	}
	if (ret == 0) {
		ret = xs_ring_restore(xs);
	}
	if (ret < 0) {
		return ret;
	}
	/* Commit and publish what reattaching the rings decided. */
	xs_turn_end(xs);
	ret = xs_daemon_listen(xs);
	if (ret < 0) {
		return ret;
	}
	for (i = 0; i < 3; i++) {
		xs->ev_signals[i] =
			evsignal_new(xs->base, sigs[i], xs_signal_cb, xs);
		if (!xs->ev_signals[i] ||
			event_add(xs->ev_signals[i], NULL) < 0) {
			return -ENOMEM;
		}
	}
	log_info("listening on %s, database %s", xs->cfg.socket_path,
		xs->cfg.db_path);
	return 0;
}

/**
 * Step 3 of a loop turn: commit the turn's writes, then release held
 * replies and events (error replies instead if the commit failed), then
 * free the connections that closed.
 */
void xs_turn_end(struct xenstored *xs)
{
	struct xs_conn *conn, *next;
	bool ok = true;
	int err = 0;

	xs_ring_turn_persist(xs);
	if (xs_db_in_batch(xs->db)) {
		err = xs_db_commit(xs->db);
		ok = err == 0;
		xs->stats.commits++;
		if (!ok) {
			xs->stats.commit_failures++;
			log_warn("database %s: commit failed: %s",
				xs_db_path(xs->db), xs_proto_error_name(err));
			xs_dircache_clear(xs);
			if (xs_store_reload(xs) < 0) {
				xs->write_error = true;
			}
		}
	}
	while ((conn = TAILQ_FIRST(&xs->dirty))) {
		TAILQ_REMOVE(&xs->dirty, conn, link_dirty);
		xs_conn_flush(conn, ok, xs->turn_first_write, err);
	}
	xs->turn_first_write = 0;
	xs_ring_turn_publish(xs);
	if (xs->conns_closing == 0) {
		return; /* no walk over thousands of connections per turn */
	}
	xs->conns_closing = 0;
	for (conn = TAILQ_FIRST(&xs->conns); conn; conn = next) {
		next = TAILQ_NEXT(conn, link);
		if (conn->closing) {
			xs_conn_free(conn);
		}
	}
}

int xs_daemon_run(struct xenstored *xs)
{
	xs_daemon_notify("READY=1");
	while (!xs->quit) {
		if (event_base_loop(xs->base, TAILQ_EMPTY(&xs->work)
						      ? EVLOOP_ONCE
						      : EVLOOP_NONBLOCK) < 0) {
			log_err("event loop failed");
			return -EIO;
		}
		xs_conn_process_all(xs);
		xs_turn_end(xs);
	}
	xs_daemon_notify("STOPPING=1");
	return 0;
}

void xs_daemon_fini(struct xenstored *xs)
{
	struct xs_conn *conn;
	int i;

	while ((conn = TAILQ_FIRST(&xs->conns))) {
		xs_conn_close(conn);
		xs_conn_free(conn);
	}
	for (i = 0; i < 3; i++) {
		if (xs->ev_signals[i]) {
			event_free(xs->ev_signals[i]);
		}
	}
	if (xs->ev_listen) {
		event_free(xs->ev_listen);
	}
	if (xs->listen_fd >= 0) {
		close(xs->listen_fd);
		if (!xs->socket_activated) {
			unlink(xs->cfg.socket_path);
		}
	}
	xs_ring_fini(xs);
	xs_db_close(xs->db);
	xs_store_fini(xs);
	xs_watch_index_fini(xs);
	xs_domain_free_all(xs);
	if (xs->base) {
		event_base_free(xs->base);
	}
	xs_config_fini(&xs->cfg);
	xs_config_fini(&xs->cli);
}
