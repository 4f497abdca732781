// SPDX-License-Identifier: GPL-2.0-only
/* The test client (p9client.h). */
#include "p9client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct p9c {
	struct p9c_transport t;
	uint32_t msize;
	uint32_t bufsize;
	uint8_t *tx;
	uint8_t *rx;
	uint16_t tag;
	size_t rlen;
};

struct p9c *p9c_new(const struct p9c_transport *t, uint32_t msize)
{
	struct p9c *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		return NULL;
	}
	c->t = *t;
	c->msize = msize;
	c->bufsize = msize;
	c->tx = malloc(msize);
	c->rx = malloc(msize);
	if (c->tx == NULL || c->rx == NULL) {
		free(c->tx);
		free(c->rx);
		free(c);
		return NULL;
	}
	return c;
}

void p9c_free(struct p9c *c)
{
	if (c == NULL) {
		return;
	}
	if (c->t.close != NULL) {
		c->t.close(c->t.ctx);
	}
	free(c->tx);
	free(c->rx);
	free(c);
}

uint32_t p9c_msize(const struct p9c *c)
{
	return c->msize;
}

/* ---- the Unix socket transport ------------------------------------------- */

static int full_io(int fd, void *buf, size_t len, bool wr)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = wr ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return n == 0 ? -ECONNRESET : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int unix_send(void *ctx, const void *msg, size_t len)
{
	return full_io((int)(intptr_t)ctx, (void *)msg, len, true);
}

static ssize_t unix_recv(void *ctx, void *buf, size_t cap)
{
	int fd = (int)(intptr_t)ctx, ret;
	uint32_t size;

	ret = full_io(fd, buf, 4, false);
	if (ret != 0) {
		return ret;
	}
	size = p9_get_u32(buf);
	if (size < P9_HDR_SIZE || size > cap) {
		return -EPROTO;
	}
	ret = full_io(fd, (uint8_t *)buf + 4, size - 4, false);
	return ret != 0 ? ret : (ssize_t)size;
}

static void unix_close(void *ctx)
{
	close((int)(intptr_t)ctx);
}

struct p9c *p9c_unix(const char *path, uint32_t msize)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct p9c_transport t = {unix_send, unix_recv, unix_close, NULL};
	struct p9c *c;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return NULL;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		close(fd);
		return NULL;
	}
	t.ctx = (void *)(intptr_t)fd;
	c = p9c_new(&t, msize);
	if (c == NULL) {
		close(fd);
	}
	return c;
}

/* ---- messages --------------------------------------------------------------
 */

int p9c_send(struct p9c *c, const void *msg, size_t len)
{
	return c->t.send(c->t.ctx, msg, len);
}

ssize_t p9c_recv(struct p9c *c, void *buf, size_t cap)
{
	return c->t.recv(c->t.ctx, buf, cap);
}

ssize_t p9c_rpc(
	struct p9c *c, const void *req, size_t len, void *rep, size_t cap)
{
	int ret = c->t.send(c->t.ctx, req, len);

	if (ret != 0) {
		return ret;
	}
	return c->t.recv(c->t.ctx, rep, cap);
}

static void begin(struct p9c *c, struct p9_out *o, uint8_t type)
{
	p9_out_init(o, c->tx, c->msize);
	c->tag = (uint16_t)(c->tag + 1 == P9_NOTAG ? 1 : c->tag + 1);
	p9_out_begin(o, type, type == P9_TVERSION ? P9_NOTAG : c->tag);
}

/*
 * Send o, receive the reply and check its header; in gets the body.
 * 0, the Rlerror's -errno, or -EPROTO.
 */
static int call(struct p9c *c, struct p9_out *o, struct p9_in *in)
{
	size_t len = p9_out_end(o);
	uint8_t type = c->tx[4];
	uint16_t tag = (uint16_t)(c->tx[5] | c->tx[6] << 8);
	ssize_t n;
	uint32_t ecode;

	if (len == 0) {
		return -EMSGSIZE;
	}
	n = p9c_rpc(c, c->tx, len, c->rx, c->bufsize);
	if (n < 0) {
		return (int)n;
	}
	if ((size_t)n < P9_HDR_SIZE || p9_get_u32(c->rx) != (uint32_t)n) {
		return -EPROTO;
	}
	p9_in_init(in, c->rx, (size_t)n);
	(void)p9_in_u32(in);
	if (p9_in_u8(in) == P9_RLERROR) {
		if (p9_in_u16(in) != tag) {
			return -EPROTO;
		}
		ecode = p9_in_u32(in);
		return p9_in_done(in) && ecode != 0 && ecode < 4096
			       ? -(int)ecode
			       : -EPROTO;
	}
	if (c->rx[4] != type + 1 || p9_in_u16(in) != tag) {
		return -EPROTO;
	}
	return 0;
}

static int done(const struct p9_in *in)
{
	return p9_in_done(in) ? 0 : -EPROTO;
}

int64_t p9c_version(struct p9c *c, uint32_t msize)
{
	struct p9_out o;
	struct p9_in in;
	const char *v;
	uint16_t vlen;
	uint32_t got;
	int ret;

	begin(c, &o, P9_TVERSION);
	p9_out_u32(&o, msize);
	p9_out_str(&o, P9_VERSION_L);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	got = p9_in_u32(&in);
	v = p9_in_str(&in, &vlen);
	if (done(&in) != 0 || got > msize || got < P9_MIN_MSIZE) {
		return -EPROTO;
	}
	if (vlen != strlen(P9_VERSION_L) || memcmp(v, P9_VERSION_L, vlen)) {
		return -EPROTONOSUPPORT;
	}
	c->msize = got;
	return got;
}

int p9c_attach(
	struct p9c *c, uint32_t fid, uint32_t n_uname, struct p9_qid *qid)
{
	return p9c_attach_aname(c, fid, "", n_uname, qid);
}

int p9c_attach_aname(struct p9c *c, uint32_t fid, const char *aname,
	uint32_t n_uname, struct p9_qid *qid)
{
	struct p9_out o;
	struct p9_in in;
	struct p9_qid q;
	int ret;

	begin(c, &o, P9_TATTACH);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, P9_NOFID);
	p9_out_str(&o, "root");
	p9_out_str(&o, aname);
	p9_out_u32(&o, n_uname);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	p9_in_qid(&in, qid != NULL ? qid : &q);
	return done(&in);
}

int p9c_walk(struct p9c *c, uint32_t fid, uint32_t newfid, const char *path,
	struct p9_qid *qid)
{
	struct p9_out o;
	struct p9_in in;
	const char *p = path, *slash;
	unsigned int n = 0, i;
	uint16_t nq;
	struct p9_qid q = {0};
	int ret;
	size_t nlen;

	begin(c, &o, P9_TWALK);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, newfid);
	p9_out_u16(&o, 0); /* patched below */
	while (*p != '\0') {
		slash = strchr(p, '/');
		nlen = slash != NULL ? (size_t)(slash - p) : strlen(p);
		p9_out_strn(&o, p, nlen);
		n++;
		p += nlen;
		if (*p == '/') {
			p++;
		}
	}
	c->tx[P9_HDR_SIZE + 8] = (uint8_t)n;
	c->tx[P9_HDR_SIZE + 9] = (uint8_t)(n >> 8);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	nq = p9_in_u16(&in);
	for (i = 0; i < nq; i++) {
		p9_in_qid(&in, &q);
	}
	if (done(&in) != 0 || nq > n) {
		return -EPROTO;
	}
	if (nq < n) {
		return -ENOENT;
	}
	if (qid != NULL && n > 0) {
		*qid = q;
	}
	return 0;
}

int p9c_lopen(struct p9c *c, uint32_t fid, uint32_t flags, struct p9_qid *qid)
{
	struct p9_out o;
	struct p9_in in;
	struct p9_qid q;
	int ret;

	begin(c, &o, P9_TLOPEN);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, flags);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	p9_in_qid(&in, qid != NULL ? qid : &q);
	(void)p9_in_u32(&in); /* iounit */
	return done(&in);
}

int p9c_lcreate(struct p9c *c, uint32_t fid, const char *name, uint32_t flags,
	uint32_t mode, uint32_t gid, struct p9_qid *qid)
{
	struct p9_out o;
	struct p9_in in;
	struct p9_qid q;
	int ret;

	begin(c, &o, P9_TLCREATE);
	p9_out_u32(&o, fid);
	p9_out_str(&o, name);
	p9_out_u32(&o, flags);
	p9_out_u32(&o, mode);
	p9_out_u32(&o, gid);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	p9_in_qid(&in, qid != NULL ? qid : &q);
	(void)p9_in_u32(&in);
	return done(&in);
}

ssize_t p9c_read(
	struct p9c *c, uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
	struct p9_out o;
	struct p9_in in;
	const uint8_t *d;
	uint32_t n;
	int ret;

	if (count > c->msize - 24) {
		count = c->msize - 24;
	}
	begin(c, &o, P9_TREAD);
	p9_out_u32(&o, fid);
	p9_out_u64(&o, off);
	p9_out_u32(&o, count);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	n = p9_in_u32(&in);
	d = p9_in_take(&in, n);
	if (done(&in) != 0 || n > count) {
		return -EPROTO;
	}
	memcpy(buf, d, n);
	return n;
}

ssize_t p9c_write(struct p9c *c, uint32_t fid, uint64_t off, const void *buf,
	uint32_t count)
{
	struct p9_out o;
	struct p9_in in;
	uint32_t n;
	int ret;

	/* Linux and diod keep data to msize - 24 (their P9_IOHDRSZ). */
	if (count > c->msize - 24) {
		count = c->msize - 24;
	}
	begin(c, &o, P9_TWRITE);
	p9_out_u32(&o, fid);
	p9_out_u64(&o, off);
	p9_out_u32(&o, count);
	p9_out_data(&o, buf, count);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	n = p9_in_u32(&in);
	if (done(&in) != 0 || n > count) {
		return -EPROTO;
	}
	return n;
}

static int fid_only(struct p9c *c, uint8_t type, uint32_t fid)
{
	struct p9_out o;
	struct p9_in in;
	int ret;

	begin(c, &o, type);
	p9_out_u32(&o, fid);
	ret = call(c, &o, &in);
	return ret != 0 ? ret : done(&in);
}

int p9c_clunk(struct p9c *c, uint32_t fid)
{
	return fid_only(c, P9_TCLUNK, fid);
}

int p9c_remove(struct p9c *c, uint32_t fid)
{
	return fid_only(c, P9_TREMOVE, fid);
}

int p9c_fsync(struct p9c *c, uint32_t fid)
{
	struct p9_out o;
	struct p9_in in;
	int ret;

	begin(c, &o, P9_TFSYNC);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, 0);
	ret = call(c, &o, &in);
	return ret != 0 ? ret : done(&in);
}

int p9c_mkdir(struct p9c *c, uint32_t dfid, const char *name, uint32_t mode,
	uint32_t gid, struct p9_qid *qid)
{
	struct p9_out o;
	struct p9_in in;
	struct p9_qid q;
	int ret;

	begin(c, &o, P9_TMKDIR);
	p9_out_u32(&o, dfid);
	p9_out_str(&o, name);
	p9_out_u32(&o, mode);
	p9_out_u32(&o, gid);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	p9_in_qid(&in, qid != NULL ? qid : &q);
	return done(&in);
}

int p9c_symlink(struct p9c *c, uint32_t dfid, const char *name,
	const char *target, uint32_t gid)
{
	struct p9_out o;
	struct p9_in in;
	struct p9_qid q;
	int ret;

	begin(c, &o, P9_TSYMLINK);
	p9_out_u32(&o, dfid);
	p9_out_str(&o, name);
	p9_out_str(&o, target);
	p9_out_u32(&o, gid);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	p9_in_qid(&in, &q);
	return done(&in);
}

int p9c_readlink(struct p9c *c, uint32_t fid, char *buf, size_t cap)
{
	struct p9_out o;
	struct p9_in in;
	const char *t;
	uint16_t n;
	int ret;

	begin(c, &o, P9_TREADLINK);
	p9_out_u32(&o, fid);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	t = p9_in_str(&in, &n);
	if (done(&in) != 0 || (size_t)n + 1 > cap) {
		return -EPROTO;
	}
	memcpy(buf, t, n);
	buf[n] = '\0';
	return n;
}

int p9c_renameat(struct p9c *c, uint32_t olddfid, const char *oldname,
	uint32_t newdfid, const char *newname)
{
	struct p9_out o;
	struct p9_in in;
	int ret;

	begin(c, &o, P9_TRENAMEAT);
	p9_out_u32(&o, olddfid);
	p9_out_str(&o, oldname);
	p9_out_u32(&o, newdfid);
	p9_out_str(&o, newname);
	ret = call(c, &o, &in);
	return ret != 0 ? ret : done(&in);
}

int p9c_unlinkat(struct p9c *c, uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9_out o;
	struct p9_in in;
	int ret;

	begin(c, &o, P9_TUNLINKAT);
	p9_out_u32(&o, dfid);
	p9_out_str(&o, name);
	p9_out_u32(&o, flags);
	ret = call(c, &o, &in);
	return ret != 0 ? ret : done(&in);
}

int p9c_getattr(struct p9c *c, uint32_t fid, struct p9c_attr *a)
{
	struct p9_out o;
	struct p9_in in;
	int ret, i;

	begin(c, &o, P9_TGETATTR);
	p9_out_u32(&o, fid);
	p9_out_u64(&o, P9_GETATTR_BASIC);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	a->valid = p9_in_u64(&in);
	p9_in_qid(&in, &a->qid);
	a->mode = p9_in_u32(&in);
	a->uid = p9_in_u32(&in);
	a->gid = p9_in_u32(&in);
	a->nlink = p9_in_u64(&in);
	a->rdev = p9_in_u64(&in);
	a->size = p9_in_u64(&in);
	a->blksize = p9_in_u64(&in);
	a->blocks = p9_in_u64(&in);
	(void)p9_in_u64(&in); /* atime */
	(void)p9_in_u64(&in);
	a->mtime_sec = p9_in_u64(&in);
	a->mtime_nsec = p9_in_u64(&in);
	for (i = 0; i < 6; i++) { /* ctime, btime, gen, data_version */
		(void)p9_in_u64(&in);
	}
	return done(&in);
}

int p9c_setattr_mode_size(struct p9c *c, uint32_t fid, uint32_t valid,
	uint32_t mode, uint64_t size)
{
	struct p9_out o;
	struct p9_in in;
	int ret, i;

	begin(c, &o, P9_TSETATTR);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, valid);
	p9_out_u32(&o, mode);
	p9_out_u32(&o, 0); /* uid */
	p9_out_u32(&o, 0); /* gid */
	p9_out_u64(&o, size);
	for (i = 0; i < 4; i++) { /* atime, mtime */
		p9_out_u64(&o, 0);
	}
	ret = call(c, &o, &in);
	return ret != 0 ? ret : done(&in);
}

int p9c_readdir_all(struct p9c *c, uint32_t fid, p9c_dirent_fn fn, void *arg)
{
	struct p9_out o;
	struct p9_in in, ents;
	struct p9_qid q;
	uint64_t off = 0;
	const char *name;
	char nb[256];
	uint32_t n;
	uint16_t nlen;
	uint8_t type;
	int ret, total = 0;

	for (;;) {
		begin(c, &o, P9_TREADDIR);
		p9_out_u32(&o, fid);
		p9_out_u64(&o, off);
		p9_out_u32(&o, c->msize - P9_IOHDR_SIZE);
		ret = call(c, &o, &in);
		if (ret != 0) {
			return ret;
		}
		n = p9_in_u32(&in);
		p9_in_init(&ents, p9_in_take(&in, n), n);
		if (done(&in) != 0) {
			return -EPROTO;
		}
		if (n == 0) {
			return total;
		}
		while (ents.pos < ents.len) {
			p9_in_qid(&ents, &q);
			off = p9_in_u64(&ents);
			type = p9_in_u8(&ents);
			name = p9_in_str(&ents, &nlen);
			if (ents.bad || nlen >= sizeof(nb)) {
				return -EPROTO;
			}
			memcpy(nb, name, nlen);
			nb[nlen] = '\0';
			ret = fn != NULL ? fn(arg, &q, type, nb) : 0;
			if (ret < 0) {
				return ret;
			}
			total++;
		}
	}
}

ssize_t p9c_xattr_get(struct p9c *c, uint32_t fid, uint32_t newfid,
	const char *name, void *buf, size_t cap)
{
	struct p9_out o;
	struct p9_in in;
	uint64_t size, got = 0;
	ssize_t n;
	int ret;

	begin(c, &o, P9_TXATTRWALK);
	p9_out_u32(&o, fid);
	p9_out_u32(&o, newfid);
	p9_out_str(&o, name);
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	size = p9_in_u64(&in);
	if (done(&in) != 0) {
		return -EPROTO;
	}
	while (got < size && got < cap) {
		n = p9c_read(c, newfid, got, (uint8_t *)buf + got,
			(uint32_t)(cap - got));
		if (n <= 0) {
			break;
		}
		got += (uint64_t)n;
	}
	(void)p9c_clunk(c, newfid);
	return got == size ? (ssize_t)size : -EIO;
}

int p9c_xattr_set(struct p9c *c, uint32_t fid, const char *name,
	const void *value, size_t size, uint32_t flags)
{
	struct p9_out o;
	struct p9_in in;
	size_t off = 0;
	ssize_t n;
	int ret;

	begin(c, &o, P9_TXATTRCREATE);
	p9_out_u32(&o, fid);
	p9_out_str(&o, name);
	p9_out_u64(&o, size);
	p9_out_u32(&o, flags);
	ret = call(c, &o, &in);
	if (ret == 0) {
		ret = done(&in);
	}
	while (ret == 0 && off < size) {
		n = p9c_write(c, fid, off, (const uint8_t *)value + off,
			(uint32_t)(size - off));
		if (n <= 0) {
			ret = n < 0 ? (int)n : -EIO;
		} else {
			off += (size_t)n;
		}
	}
	if (ret != 0) {
		(void)p9c_clunk(c, fid);
		return ret;
	}
	return p9c_clunk(c, fid);
}

int p9c_lock(struct p9c *c, uint32_t fid, uint8_t type, uint64_t start,
	uint64_t length, uint32_t proc_id)
{
	struct p9_out o;
	struct p9_in in;
	uint8_t status;
	int ret;

	begin(c, &o, P9_TLOCK);
	p9_out_u32(&o, fid);
	p9_out_u8(&o, type);
	p9_out_u32(&o, 0); /* flags */
	p9_out_u64(&o, start);
	p9_out_u64(&o, length);
	p9_out_u32(&o, proc_id);
	p9_out_str(&o, "test");
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	status = p9_in_u8(&in);
	return done(&in) != 0 ? -EPROTO : status;
}

int p9c_getlock(struct p9c *c, uint32_t fid, uint8_t *type, uint64_t start,
	uint64_t length, uint32_t proc_id)
{
	struct p9_out o;
	struct p9_in in;
	uint16_t n;
	int ret;

	begin(c, &o, P9_TGETLOCK);
	p9_out_u32(&o, fid);
	p9_out_u8(&o, *type);
	p9_out_u64(&o, start);
	p9_out_u64(&o, length);
	p9_out_u32(&o, proc_id);
	p9_out_str(&o, "test");
	ret = call(c, &o, &in);
	if (ret != 0) {
		return ret;
	}
	*type = p9_in_u8(&in);
	(void)p9_in_u64(&in);
	(void)p9_in_u64(&in);
	(void)p9_in_u32(&in);
	(void)p9_in_str(&in, &n);
	return done(&in);
}
