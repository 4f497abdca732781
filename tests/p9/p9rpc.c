/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test helpers for the 9P server unit tests (p9rpc.h): requests built with
 * p9_out, replies parsed with p9_in and checked for form on every call.
 */
#include "p9rpc.h"

/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define P9T_XFID 0xfff0u /* scratch fid of the xattr helpers */

static int p9t_rm(
	const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void p9t_handshake(struct p9t *t, struct p9s_session *s)
{
	struct p9_out *o = p9t_begin(t, P9_TVERSION);

	p9_out_u32(o, P9T_MSIZE);
	p9_out_str(o, P9_VERSION_L);
	assert_int_equal(p9t_send_on(t, s), 0);
	o = p9t_begin(t, P9_TATTACH);
	p9_out_u32(o, P9T_ROOT);
	p9_out_u32(o, P9_NOFID);
	p9_out_str(o, "root");
	p9_out_str(o, "");
	p9_out_u32(o, (uint32_t)geteuid());
	assert_int_equal(p9t_send_on(t, s), 0);
}

void p9t_setup(struct p9t *t, enum p9s_security_model model, bool readonly)
{
	struct p9s_export_config cfg;

	memset(t, 0, sizeof(*t));
	strcpy(t->dir, "/tmp/p9test.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	cfg.path = t->dir;
	cfg.model = model;
	cfg.readonly = readonly;
	t->ex = p9s_export_open(&cfg);
	assert_non_null(t->ex);
	t->s = p9s_session_new(t->ex, P9T_MSIZE);
	assert_non_null(t->s);
	p9t_handshake(t, t->s);
}

struct p9s_session *p9t_session(struct p9t *t)
{
	struct p9s_session *s = p9s_session_new(t->ex, P9T_MSIZE);

	assert_non_null(s);
	p9t_handshake(t, s);
	return s;
}

void p9t_teardown(struct p9t *t)
{
	p9s_session_free(t->s);
	p9s_export_put(t->ex);
	nftw(t->dir, p9t_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static int p9t_fixture(
	void **state, enum p9s_security_model model, bool readonly)
{
	struct p9t *t = malloc(sizeof(*t));

	assert_non_null(t);
	p9t_setup(t, model, readonly);
	*state = t;
	return 0;
}

int p9t_fixture_none(void **state)
{
	return p9t_fixture(state, P9S_SECURITY_NONE, false);
}

int p9t_fixture_mapped(void **state)
{
	return p9t_fixture(state, P9S_SECURITY_MAPPED_XATTR, false);
}

int p9t_fixture_readonly(void **state)
{
	return p9t_fixture(state, P9S_SECURITY_NONE, true);
}

int p9t_fixture_teardown(void **state)
{
	struct p9t *t = *state;

	p9t_teardown(t);
	free(t);
	return 0;
}

const char *p9t_path(struct p9t *t, const char *name)
{
	static char buf[4200];

	snprintf(buf, sizeof(buf), "%s/%s", t->dir, name);
	return buf;
}

void p9t_mkfile(struct p9t *t, const char *name, const char *content)
{
	FILE *f = fopen(p9t_path(t, name), "w");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

struct p9_out *p9t_begin(struct p9t *t, uint8_t type)
{
	p9_out_init(&t->out, t->req, sizeof(t->req));
	t->tag = (uint16_t)(t->tag + 1) % 0xfff0u;
	p9_out_begin(&t->out, type, t->tag);
	return &t->out;
}

/** Check the form of the reply in t->rep; -ecode for Rlerror. */
static int p9t_check_reply(
	struct p9t *t, uint8_t reqtype, uint16_t tag, uint32_t msize)
{
	struct p9_in *in = &t->in;
	uint32_t size, ecode;
	uint16_t rtag;

	assert_true(t->rep_len >= P9_HDR_SIZE);
	assert_true(t->rep_len <= msize);
	p9_in_init(in, t->rep, t->rep_len);
	size = p9_in_u32(in);
	t->rep_type = p9_in_u8(in);
	rtag = p9_in_u16(in);
	assert_int_equal(size, t->rep_len);
	assert_int_equal(rtag, tag);
	if (t->rep_type == P9_RLERROR) {
		ecode = p9_in_u32(in);
		assert_true(p9_in_done(in));
		assert_true(ecode > 0 && ecode < 4096);
		return -(int)ecode;
	}
	assert_int_equal(t->rep_type, (uint8_t)(reqtype + 1));
	return 0;
}

int p9t_send_on(struct p9t *t, struct p9s_session *s)
{
	size_t len = p9_out_end(&t->out);
	uint32_t msize = p9s_session_msize(s);

	assert_true(len >= P9_HDR_SIZE);
	t->rep_len = p9s_handle(s, t->req, len, t->rep, sizeof(t->rep));
	return p9t_check_reply(t, t->req[4], t->tag, msize);
}

int p9t_send(struct p9t *t)
{
	return p9t_send_on(t, t->s);
}

int p9t_send_raw(struct p9t *t, const void *req, size_t len)
{
	uint32_t msize = p9s_session_msize(t->s);
	uint16_t tag = P9_NOTAG;
	const uint8_t *r = req;
	int rc;

	t->rep_len = p9s_handle(t->s, req, len, t->rep, sizeof(t->rep));
	if (len >= P9_HDR_SIZE) {
		tag = (uint16_t)(r[5] | r[6] << 8);
	}
	assert_true(t->rep_len >= P9_HDR_SIZE);
	if (t->rep[4] == P9_RLERROR) {
		rc = p9t_check_reply(
			t, 0, (uint16_t)(t->rep[5] | t->rep[6] << 8), msize);
		assert_true(t->rep[5] == (uint8_t)tag ||
			    (t->rep[5] == 0xff && t->rep[6] == 0xff));
		return rc;
	}
	return p9t_check_reply(t, r[4], tag, msize);
}

int p9t_version(struct p9t *t, uint32_t msize, const char *version,
	uint32_t *rmsize, char *rversion)
{
	struct p9_out *o = p9t_begin(t, P9_TVERSION);
	const char *v;
	uint16_t vl;
	int rc;

	p9_out_u32(o, msize);
	p9_out_str(o, version);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	*rmsize = p9_in_u32(&t->in);
	v = p9_in_str(&t->in, &vl);
	assert_true(p9_in_done(&t->in));
	memcpy(rversion, v, vl);
	rversion[vl] = '\0';
	return 0;
}

int p9t_attach(struct p9t *t, uint32_t fid, uint32_t n_uname, struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TATTACH);
	int rc;

	p9_out_u32(o, fid);
	p9_out_u32(o, P9_NOFID);
	p9_out_str(o, "user");
	p9_out_str(o, "");
	p9_out_u32(o, n_uname);
	rc = p9t_send(t);
	if (rc == 0) {
		p9_in_qid(&t->in, q);
		assert_true(p9_in_done(&t->in));
	}
	return rc;
}

int p9t_walk(struct p9t *t, uint32_t fid, uint32_t newfid, const char *path,
	uint16_t *nwqid, struct p9_qid *last)
{
	struct p9_out *o = p9t_begin(t, P9_TWALK);
	char buf[1024], *save = NULL, *tok;
	size_t count_pos;
	uint16_t n = 0, i;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u32(o, newfid);
	count_pos = o->pos;
	p9_out_u16(o, 0);
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, "/", &save); tok;
		tok = strtok_r(NULL, "/", &save)) {
		p9_out_str(o, tok);
		n++;
	}
	o->p[count_pos] = (uint8_t)n;
	o->p[count_pos + 1] = (uint8_t)(n >> 8);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	*nwqid = p9_in_u16(&t->in);
	for (i = 0; i < *nwqid; i++) {
		p9_in_qid(&t->in, last);
	}
	assert_true(p9_in_done(&t->in));
	return 0;
}

int p9t_clunk(struct p9t *t, uint32_t fid)
{
	p9_out_u32(p9t_begin(t, P9_TCLUNK), fid);
	return p9t_send(t);
}

static int p9t_qid_iounit(struct p9t *t, struct p9_qid *q)
{
	int rc = p9t_send(t);

	if (rc == 0) {
		p9_in_qid(&t->in, q);
		p9_in_u32(&t->in);
		assert_true(p9_in_done(&t->in));
	}
	return rc;
}

int p9t_lopen(struct p9t *t, uint32_t fid, uint32_t flags, struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TLOPEN);

	p9_out_u32(o, fid);
	p9_out_u32(o, flags);
	return p9t_qid_iounit(t, q);
}

int p9t_lcreate(struct p9t *t, uint32_t fid, const char *name, uint32_t flags,
	uint32_t mode, struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TLCREATE);

	p9_out_u32(o, fid);
	p9_out_str(o, name);
	p9_out_u32(o, flags);
	p9_out_u32(o, mode);
	p9_out_u32(o, (uint32_t)getegid());
	return p9t_qid_iounit(t, q);
}

int p9t_write(struct p9t *t, uint32_t fid, uint64_t off, const void *data,
	uint32_t len)
{
	struct p9_out *o = p9t_begin(t, P9_TWRITE);
	uint32_t n;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u64(o, off);
	p9_out_u32(o, len);
	p9_out_data(o, data, len);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	n = p9_in_u32(&t->in);
	assert_true(p9_in_done(&t->in));
	return (int)n;
}

int p9t_read(struct p9t *t, uint32_t fid, uint64_t off, uint32_t count,
	void *buf, size_t cap)
{
	struct p9_out *o = p9t_begin(t, P9_TREAD);
	const uint8_t *d;
	uint32_t n;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u64(o, off);
	p9_out_u32(o, count);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	n = p9_in_u32(&t->in);
	d = p9_in_take(&t->in, n);
	assert_true(p9_in_done(&t->in));
	assert_true(n <= count);
	if (buf) {
		memcpy(buf, d, n < cap ? n : cap);
	}
	return (int)n;
}

static int p9t_qid_reply(struct p9t *t, struct p9_qid *q)
{
	int rc = p9t_send(t);

	if (rc == 0) {
		p9_in_qid(&t->in, q);
		assert_true(p9_in_done(&t->in));
	}
	return rc;
}

int p9t_mkdir(struct p9t *t, uint32_t dfid, const char *name, uint32_t mode,
	struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TMKDIR);

	p9_out_u32(o, dfid);
	p9_out_str(o, name);
	p9_out_u32(o, mode);
	p9_out_u32(o, (uint32_t)getegid());
	return p9t_qid_reply(t, q);
}

int p9t_mknod(struct p9t *t, uint32_t dfid, const char *name, uint32_t mode,
	uint32_t major, uint32_t minor, struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TMKNOD);

	p9_out_u32(o, dfid);
	p9_out_str(o, name);
	p9_out_u32(o, mode);
	p9_out_u32(o, major);
	p9_out_u32(o, minor);
	p9_out_u32(o, (uint32_t)getegid());
	return p9t_qid_reply(t, q);
}

int p9t_symlink(struct p9t *t, uint32_t dfid, const char *name,
	const char *target, struct p9_qid *q)
{
	struct p9_out *o = p9t_begin(t, P9_TSYMLINK);

	p9_out_u32(o, dfid);
	p9_out_str(o, name);
	p9_out_str(o, target);
	p9_out_u32(o, (uint32_t)getegid());
	return p9t_qid_reply(t, q);
}

int p9t_readlink(struct p9t *t, uint32_t fid, char *buf, size_t cap)
{
	const char *s;
	uint16_t l;
	int rc;

	p9_out_u32(p9t_begin(t, P9_TREADLINK), fid);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	s = p9_in_str(&t->in, &l);
	assert_true(p9_in_done(&t->in));
	assert_true(l < cap);
	memcpy(buf, s, l);
	buf[l] = '\0';
	return (int)l;
}

static int p9t_empty_reply(struct p9t *t)
{
	int rc = p9t_send(t);

	if (rc == 0) {
		assert_true(p9_in_done(&t->in));
	}
	return rc;
}

int p9t_link(struct p9t *t, uint32_t dfid, uint32_t fid, const char *name)
{
	struct p9_out *o = p9t_begin(t, P9_TLINK);

	p9_out_u32(o, dfid);
	p9_out_u32(o, fid);
	p9_out_str(o, name);
	return p9t_empty_reply(t);
}

int p9t_rename(struct p9t *t, uint32_t fid, uint32_t dfid, const char *name)
{
	struct p9_out *o = p9t_begin(t, P9_TRENAME);

	p9_out_u32(o, fid);
	p9_out_u32(o, dfid);
	p9_out_str(o, name);
	return p9t_empty_reply(t);
}

int p9t_renameat(struct p9t *t, uint32_t odfid, const char *oldname,
	uint32_t ndfid, const char *newname)
{
	struct p9_out *o = p9t_begin(t, P9_TRENAMEAT);

	p9_out_u32(o, odfid);
	p9_out_str(o, oldname);
	p9_out_u32(o, ndfid);
	p9_out_str(o, newname);
	return p9t_empty_reply(t);
}

int p9t_unlinkat(struct p9t *t, uint32_t dfid, const char *name, uint32_t flags)
{
	struct p9_out *o = p9t_begin(t, P9_TUNLINKAT);

	p9_out_u32(o, dfid);
	p9_out_str(o, name);
	p9_out_u32(o, flags);
	return p9t_empty_reply(t);
}

int p9t_remove(struct p9t *t, uint32_t fid)
{
	p9_out_u32(p9t_begin(t, P9_TREMOVE), fid);
	return p9t_empty_reply(t);
}

int p9t_getattr(struct p9t *t, uint32_t fid, struct p9t_attr *a)
{
	struct p9_out *o = p9t_begin(t, P9_TGETATTR);
	struct p9_in *in = &t->in;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u64(o, P9_GETATTR_ALL);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	assert_int_equal(p9_in_u64(in), P9_GETATTR_BASIC);
	p9_in_qid(in, &a->qid);
	a->mode = p9_in_u32(in);
	a->uid = p9_in_u32(in);
	a->gid = p9_in_u32(in);
	a->nlink = p9_in_u64(in);
	a->rdev = p9_in_u64(in);
	a->size = p9_in_u64(in);
	p9_in_u64(in); /* blksize */
	p9_in_u64(in); /* blocks */
	a->atime = p9_in_u64(in);
	a->atime_ns = p9_in_u64(in);
	a->mtime = p9_in_u64(in);
	a->mtime_ns = p9_in_u64(in);
	p9_in_u64(in);
	p9_in_u64(in);
	p9_in_u64(in);
	p9_in_u64(in);
	p9_in_u64(in);
	p9_in_u64(in);
	assert_true(p9_in_done(in));
	return 0;
}

int p9t_setattr(struct p9t *t, uint32_t fid, uint32_t valid, uint32_t mode,
	uint32_t uid, uint32_t gid, uint64_t size, uint64_t atime,
	uint64_t mtime)
{
	struct p9_out *o = p9t_begin(t, P9_TSETATTR);

	p9_out_u32(o, fid);
	p9_out_u32(o, valid);
	p9_out_u32(o, mode);
	p9_out_u32(o, uid);
	p9_out_u32(o, gid);
	p9_out_u64(o, size);
	p9_out_u64(o, atime);
	p9_out_u64(o, 0);
	p9_out_u64(o, mtime);
	p9_out_u64(o, 0);
	return p9t_empty_reply(t);
}

int p9t_fsync(struct p9t *t, uint32_t fid, uint32_t datasync)
{
	struct p9_out *o = p9t_begin(t, P9_TFSYNC);

	p9_out_u32(o, fid);
	p9_out_u32(o, datasync);
	return p9t_empty_reply(t);
}

int p9t_statfs(struct p9t *t, uint32_t fid, uint32_t *type, uint32_t *bsize,
	uint32_t *namelen)
{
	int rc;

	p9_out_u32(p9t_begin(t, P9_TSTATFS), fid);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	*type = p9_in_u32(&t->in);
	*bsize = p9_in_u32(&t->in);
	p9_in_take(&t->in, 6 * 8);
	*namelen = p9_in_u32(&t->in);
	assert_true(p9_in_done(&t->in));
	return 0;
}

int p9t_lock(struct p9t *t, uint32_t fid, uint8_t type, uint32_t flags,
	uint64_t start, uint64_t length)
{
	struct p9_out *o = p9t_begin(t, P9_TLOCK);
	uint8_t status;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u8(o, type);
	p9_out_u32(o, flags);
	p9_out_u64(o, start);
	p9_out_u64(o, length);
	p9_out_u32(o, 42);
	p9_out_str(o, "client");
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	status = p9_in_u8(&t->in);
	assert_true(p9_in_done(&t->in));
	return status;
}

int p9t_getlock(struct p9t *t, uint32_t fid, uint8_t type, uint64_t start,
	uint64_t length, uint64_t *rstart, uint64_t *rlength)
{
	struct p9_out *o = p9t_begin(t, P9_TGETLOCK);
	uint8_t rtype;
	uint16_t l;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u8(o, type);
	p9_out_u64(o, start);
	p9_out_u64(o, length);
	p9_out_u32(o, 42);
	p9_out_str(o, "client");
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	rtype = p9_in_u8(&t->in);
	*rstart = p9_in_u64(&t->in);
	*rlength = p9_in_u64(&t->in);
	p9_in_u32(&t->in);
	p9_in_str(&t->in, &l);
	assert_true(p9_in_done(&t->in));
	return rtype;
}

int p9t_readdir(struct p9t *t, uint32_t fid, uint64_t off, uint32_t count,
	char *names, size_t cap, uint64_t *next, int *entries)
{
	struct p9_out *o = p9t_begin(t, P9_TREADDIR);
	struct p9_in ents;
	const uint8_t *d;
	uint32_t n;
	int rc;

	p9_out_u32(o, fid);
	p9_out_u64(o, off);
	p9_out_u32(o, count);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	n = p9_in_u32(&t->in);
	d = p9_in_take(&t->in, n);
	assert_true(p9_in_done(&t->in));
	assert_true(n <= count);
	p9_in_init(&ents, d, n);
	*entries = 0;
	while (ents.pos < ents.len) {
		struct p9_qid q;
		const char *name;
		uint16_t l;

		p9_in_qid(&ents, &q);
		*next = p9_in_u64(&ents);
		p9_in_u8(&ents);
		name = p9_in_str(&ents, &l);
		assert_false(ents.bad);
		if (names) {
			size_t used = strlen(names);

			assert_true(used + l + 2 < cap);
			memcpy(names + used, name, l);
			names[used + l] = '\n';
			names[used + l + 1] = '\0';
		}
		(*entries)++;
	}
	return (int)n;
}

int p9t_xattr_set(struct p9t *t, uint32_t fid, const char *name,
	const void *val, size_t len, uint32_t flags)
{
	struct p9_out *o;
	uint16_t nw;
	struct p9_qid q;
	int rc;

	assert_int_equal(p9t_walk(t, fid, P9T_XFID, "", &nw, &q), 0);
	o = p9t_begin(t, P9_TXATTRCREATE);
	p9_out_u32(o, P9T_XFID);
	p9_out_str(o, name);
	p9_out_u64(o, len);
	p9_out_u32(o, flags);
	rc = p9t_empty_reply(t);
	if (rc < 0) {
		p9t_clunk(t, P9T_XFID);
		return rc;
	}
	if (len) {
		rc = p9t_write(t, P9T_XFID, 0, val, (uint32_t)len);
		assert_int_equal(rc, (int)len);
	}
	return p9t_clunk(t, P9T_XFID);
}

int p9t_xattr_get(
	struct p9t *t, uint32_t fid, const char *name, void *buf, size_t cap)
{
	struct p9_out *o = p9t_begin(t, P9_TXATTRWALK);
	uint64_t size;
	int rc, n;

	p9_out_u32(o, fid);
	p9_out_u32(o, P9T_XFID);
	p9_out_str(o, name);
	rc = p9t_send(t);
	if (rc < 0) {
		return rc;
	}
	size = p9_in_u64(&t->in);
	assert_true(p9_in_done(&t->in));
	assert_true(size <= cap);
	n = p9t_read(t, P9T_XFID, 0, (uint32_t)cap, buf, cap);
	assert_int_equal(n, (int)size);
	assert_int_equal(p9t_clunk(t, P9T_XFID), 0);
	return n;
}

int p9t_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.') {
			n++;
		}
	}
	closedir(d);
	return n - 1; /* opendir's own */
}
