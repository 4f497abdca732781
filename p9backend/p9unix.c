// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Unix socket transport (transport.h): 9P messages on a stream
 * socket, each framed by its own size field, one session per client.
 *
 * Each client has an input buffer one message (plus a read-ahead) long
 * and an output buffer one reply long. A readable socket is read straight
 * into the input buffer, every complete message there is served, and each
 * reply is sent at once; only what the socket does not take waits in the
 * output buffer, and until it has gone no further request is served (the
 * socket is then not read). So a request costs one read, the file system
 * call and one send, and data is copied once each way.
 *
 * A client whose message claims a size below the 9P header or above the
 * largest msize is disconnected: the stream cannot be re-synchronised.
 */
#include <errno.h>
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

/* Read-ahead beyond one message: small requests arrive in batches. */
#define P9U_READ_AHEAD 65536u

struct p9u_client {
	struct p9u_client *next;
	struct p9u *u;
	int fd;
	struct event *rev;
	struct event *wev;
	struct p9s_session *s;
	uint8_t *in; /* max_msize + P9U_READ_AHEAD bytes */
	size_t in_len;
	uint8_t *out; /* max_msize bytes: the reply not yet sent */
	size_t out_off;
	size_t out_len;
};

struct p9u {
	struct event_base *base;
	struct evconnlistener *lis;
	struct p9s_export *ex;
	char *path;
	uint32_t max_msize;
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
	if (c->rev != NULL) {
		event_free(c->rev);
	}
	if (c->wev != NULL) {
		event_free(c->wev);
	}
	close(c->fd);
	p9s_session_free(c->s);
	free(c->in);
	free(c->out);
	free(c);
}

/*
 * Send what waits in the output buffer: 1 when it is all gone, 0 when the
 * socket is full, -1 when the client is gone.
 */
static int flush_out(struct p9u_client *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		}
		if (n <= 0) {
			return -1;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 1;
}

/*
 * Serve the complete messages in the input buffer while replies go out:
 * false when c was freed.
 */
static bool client_serve(struct p9u_client *c)
{
	size_t pos = 0;
	uint32_t size;
	int ret = 1;

	while (c->in_len - pos >= 4) {
		size = p9_get_u32(c->in + pos);
		if (size < P9_HDR_SIZE || size > c->u->max_msize) {
			log_debug("9P client: message size %u outside [7, %u]; "
				  "disconnected",
				size, c->u->max_msize);
			client_free(c);
			return false;
		}
		if (c->in_len - pos < size) {
			break;
		}
		c->out_len = p9s_handle(
			c->s, c->in + pos, size, c->out, c->u->max_msize);
		c->out_off = 0;
		pos += size;
		ret = flush_out(c);
		if (ret < 0) {
			client_free(c);
			return false;
		}
		if (ret == 0) {
			break; /* the rest after the reply has gone */
		}
	}
	if (pos > 0) {
		memmove(c->in, c->in + pos, c->in_len - pos);
		c->in_len -= pos;
	}
	if (ret == 0) {
		event_del(c->rev);
		event_add(c->wev, NULL);
	}
	return true;
}

static void on_read(evutil_socket_t fd, short what, void *arg)
{
	struct p9u_client *c = arg;
	size_t cap = (size_t)c->u->max_msize + P9U_READ_AHEAD;
	ssize_t n;

	(void)what;
	n = read(fd, c->in + c->in_len, cap - c->in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return;
	}
	if (n <= 0) {
		client_free(c);
		return;
	}
	c->in_len += (size_t)n;
	(void)client_serve(c);
}

static void on_write(evutil_socket_t fd, short what, void *arg)
{
	struct p9u_client *c = arg;
	int ret = flush_out(c);

	(void)fd;
	(void)what;
	if (ret < 0) {
		client_free(c);
		return;
	}
	if (ret > 0) {
		event_del(c->wev);
		event_add(c->rev, NULL);
		(void)client_serve(c); /* what arrived meanwhile */
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
	if (c == NULL) {
		log_warn("9P socket: no memory for a client");
		close(fd);
		return;
	}
	c->u = u;
	c->fd = fd;
	c->next = u->clients;
	u->clients = c;
	u->nr_clients++;
	evutil_make_socket_nonblocking(fd);
	c->s = p9s_session_new(u->ex, u->max_msize);
	c->in = malloc((size_t)u->max_msize + P9U_READ_AHEAD);
	c->out = malloc(u->max_msize);
	c->rev = event_new(u->base, fd, EV_READ | EV_PERSIST, on_read, c);
	c->wev = event_new(u->base, fd, EV_WRITE | EV_PERSIST, on_write, c);
	if (c->s == NULL || c->in == NULL || c->out == NULL || c->rev == NULL ||
		c->wev == NULL || event_add(c->rev, NULL)) {
		log_warn("9P socket: no memory for a client");
		client_free(c);
	}
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
	if (u->path == NULL) {
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
	free(u);
}

unsigned int p9u_clients(const struct p9u *u)
{
	return u->nr_clients;
}
