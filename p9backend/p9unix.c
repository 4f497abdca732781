// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Unix socket transport (transport.h): 9P messages on a stream
 * socket, each framed by its own size field, one session per client.
 *
 * A client whose message claims a size below the 9P header or above the
 * largest msize is disconnected: the stream cannot be re-synchronised.
 * A client that does not read its replies stops being read once 4 MiB of
 * replies wait, and is read again when they drain.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "p9wire.h"
#include "transport.h"

#define P9U_OUT_HIGH (4u * 1024u * 1024u)

struct p9u_client {
	struct p9u_client *next;
	struct p9u *u;
	struct bufferevent *bev;
	struct p9s_session *s;
	bool throttled;
};

struct p9u {
	struct event_base *base;
	struct evconnlistener *lis;
	struct p9s_export *ex;
	char *path;
	uint32_t max_msize;
	uint8_t *req;
	uint8_t *rep;
	unsigned int nr_clients;
	struct p9u_client *clients;
};

static void client_free(struct p9u_client *c)
{
	struct p9u_client **pp;

	for (pp = &c->u->clients; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	c->u->nr_clients--;
	bufferevent_free(c->bev);
	p9s_session_free(c->s);
	free(c);
}

/* Serve every complete message waiting; false when c was freed. */
static bool client_serve(struct p9u_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_iovec v;
	uint8_t hdr[4], *req, *rep;
	uint32_t size;
	size_t len;

	while (evbuffer_get_length(out) < P9U_OUT_HIGH) {
		if (evbuffer_copyout(in, hdr, sizeof(hdr)) < (ev_ssize_t)4) {
			break;
		}
		size = p9_get_u32(hdr);
		if (size < P9_HDR_SIZE || size > c->u->max_msize) {
			log_debug("9P client: message size %u outside [7, %u]; "
				  "disconnected",
				size, c->u->max_msize);
			client_free(c);
			return false;
		}
		if (evbuffer_get_length(in) < size) {
			break;
		}
		/*
		 * In place when libevent holds the message in one piece,
		 * else one copy into our buffer (a pullup would allocate).
		 */
		if (evbuffer_get_contiguous_space(in) >= size) {
			req = evbuffer_pullup(in, size);
		} else {
			req = c->u->req;
			if (evbuffer_copyout(in, req, size) !=
				(ev_ssize_t)size) {
				req = NULL;
			}
		}
		if (req == NULL) {
			client_free(c);
			return false;
		}
		/* The reply goes straight into the output buffer. */
		rep = c->u->rep;
		if (evbuffer_reserve_space(out, c->u->max_msize, &v, 1) == 1 &&
			v.iov_len >= c->u->max_msize) {
			rep = v.iov_base;
		}
		len = p9s_handle(c->s, req, size, rep, c->u->max_msize);
		evbuffer_drain(in, size);
		if (rep != c->u->rep) {
			v.iov_len = len;
			if (evbuffer_commit_space(out, &v, 1) != 0) {
				client_free(c);
				return false;
			}
		} else if (evbuffer_add(out, rep, len) != 0) {
			client_free(c);
			return false;
		}
	}
	if (evbuffer_get_length(out) >= P9U_OUT_HIGH) {
		/* Stop reading until the replies drain (on_write). */
		c->throttled = true;
		bufferevent_disable(c->bev, EV_READ);
	}
	return true;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	(void)client_serve(arg);
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct p9u_client *c = arg;

	(void)bev;
	if (c->throttled) {
		c->throttled = false;
		bufferevent_enable(c->bev, EV_READ);
		(void)client_serve(c);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		client_free(arg);
	}
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd,
	struct sockaddr *sa, int salen, void *arg)
{
	struct p9u *u = arg;
	struct p9u_client *c;

	(void)lis;
	(void)sa;
	(void)salen;
	if (u->nr_clients >= P9U_MAX_CLIENTS) {
		log_warn("9P socket: %u clients already; refused",
			u->nr_clients);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c != NULL) {
		c->u = u;
		c->s = p9s_session_new(u->ex, u->max_msize);
		c->bev = bufferevent_socket_new(
			u->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (c == NULL || c->s == NULL || c->bev == NULL) {
		log_warn("9P socket: no memory for a client");
		if (c != NULL) {
			p9s_session_free(c->s);
			if (c->bev != NULL) {
				bufferevent_free(c->bev);
			} else {
				close(fd);
			}
			free(c);
		} else {
			close(fd);
		}
		return;
	}
	c->next = u->clients;
	u->clients = c;
	u->nr_clients++;
	/* on_write runs when the replies have drained to nothing. */
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	/* Whole large messages per system call, not libevent's 16 KiB. */
	(void)bufferevent_set_max_single_read(c->bev, c->u->max_msize + 4096);
	(void)bufferevent_set_max_single_write(c->bev, c->u->max_msize + 4096);
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

struct p9u *p9u_new(struct event_base *base, const char *path,
	struct p9s_export *ex, uint32_t max_msize)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct p9u *u;
	mode_t old;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path) || max_msize < P9_MIN_MSIZE) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	u = calloc(1, sizeof(*u));
	if (u == NULL) {
		return NULL;
	}
	u->base = base;
	u->ex = ex;
	u->max_msize = max_msize;
	u->path = strdup(path);
	u->req = malloc(max_msize);
	u->rep = malloc(max_msize);
	if (u->path == NULL || u->req == NULL || u->rep == NULL) {
		goto fail;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		goto fail;
	}
	(void)unlink(path);
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (err != 0 || listen(fd, 64) != 0) {
		err = errno;
		close(fd);
		errno = err;
		goto fail;
	}
	u->lis = evconnlistener_new(
		base, on_accept, u, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (u->lis == NULL) {
		close(fd);
		errno = ENOMEM;
		goto fail;
	}
	return u;
fail:
	err = errno;
	free(u->path);
	free(u->req);
	free(u->rep);
	free(u);
	errno = err;
	return NULL;
}

void p9u_free(struct p9u *u)
{
	if (u == NULL) {
		return;
	}
	while (u->clients != NULL) {
		client_free(u->clients);
	}
	evconnlistener_free(u->lis);
	(void)unlink(u->path);
	free(u->path);
	free(u->req);
	free(u->rep);
	free(u);
}

unsigned int p9u_clients(const struct p9u *u)
{
	return u->nr_clients;
}
