/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * 9P2000.L on the wire (prefix p9_): message numbers, flag values and a
 * bounds-checked little-endian codec shared by the server, its transports
 * and the test clients.
 *
 * Every message is size[4] type[1] tag[2] body, little-endian, where size
 * counts the whole message. Strings are len[2] then len bytes, without a
 * terminating NUL. A qid is type[1] version[4] path[8].
 *
 * Reading never runs past the buffer: a short field sets the reader's
 * "bad" flag and yields zeroes, so a parser reads every field and checks
 * the flag once at the end. Writing likewise sets "full" instead of
 * overrunning, and p9_out_end() then reports 0.
 */
#ifndef P9BACKEND_P9WIRE_H
#define P9BACKEND_P9WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Message types (T = request, R = reply = T + 1). */
enum p9_type {
	P9_TLERROR = 6,
	P9_RLERROR = 7,
	P9_TSTATFS = 8,
	P9_RSTATFS = 9,
	P9_TLOPEN = 12,
	P9_RLOPEN = 13,
	P9_TLCREATE = 14,
	P9_RLCREATE = 15,
	P9_TSYMLINK = 16,
	P9_RSYMLINK = 17,
	P9_TMKNOD = 18,
	P9_RMKNOD = 19,
	P9_TRENAME = 20,
	P9_RRENAME = 21,
	P9_TREADLINK = 22,
	P9_RREADLINK = 23,
	P9_TGETATTR = 24,
	P9_RGETATTR = 25,
	P9_TSETATTR = 26,
	P9_RSETATTR = 27,
	P9_TXATTRWALK = 30,
	P9_RXATTRWALK = 31,
	P9_TXATTRCREATE = 32,
	P9_RXATTRCREATE = 33,
	P9_TREADDIR = 40,
	P9_RREADDIR = 41,
	P9_TFSYNC = 50,
	P9_RFSYNC = 51,
	P9_TLOCK = 52,
	P9_RLOCK = 53,
	P9_TGETLOCK = 54,
	P9_RGETLOCK = 55,
	P9_TLINK = 70,
	P9_RLINK = 71,
	P9_TMKDIR = 72,
	P9_RMKDIR = 73,
	P9_TRENAMEAT = 74,
	P9_RRENAMEAT = 75,
	P9_TUNLINKAT = 76,
	P9_RUNLINKAT = 77,
	P9_TVERSION = 100,
	P9_RVERSION = 101,
	P9_TAUTH = 102,
	P9_RAUTH = 103,
	P9_TATTACH = 104,
	P9_RATTACH = 105,
	P9_TERROR = 106, /* never sent */
	P9_RERROR = 107, /* 9P2000's string error; 9P2000.L uses Rlerror */
	P9_TFLUSH = 108,
	P9_RFLUSH = 109,
	P9_TWALK = 110,
	P9_RWALK = 111,
	P9_TOPEN = 112,
	P9_ROPEN = 113,
	P9_TCREATE = 114,
	P9_RCREATE = 115,
	P9_TREAD = 116,
	P9_RREAD = 117,
	P9_TWRITE = 118,
	P9_RWRITE = 119,
	P9_TCLUNK = 120,
	P9_RCLUNK = 121,
	P9_TREMOVE = 122,
	P9_RREMOVE = 123,
	P9_TSTAT = 124,
	P9_RSTAT = 125,
	P9_TWSTAT = 126,
	P9_RWSTAT = 127,
};

#define P9_HDR_SIZE 7u
#define P9_NOTAG 0xffffu
#define P9_NOFID 0xffffffffu
#define P9_NONUNAME 0xffffffffu
#define P9_MAXWELEM 16u
#define P9_VERSION_L "9P2000.L"
/* Bytes of an Rread/Rreaddir before the data: header + count[4]. */
#define P9_IOHDR_SIZE (P9_HDR_SIZE + 4u)
/* The smallest msize a server accepts. */
#define P9_MIN_MSIZE 4096u

/* qid.type */
#define P9_QTDIR 0x80u
#define P9_QTAPPEND 0x40u
#define P9_QTEXCL 0x20u
#define P9_QTMOUNT 0x10u
#define P9_QTAUTH 0x08u
#define P9_QTTMP 0x04u
#define P9_QTSYMLINK 0x02u
#define P9_QTLINK 0x01u
#define P9_QTFILE 0x00u

/* Tgetattr request_mask / Rgetattr valid */
#define P9_GETATTR_MODE 0x00000001ull
#define P9_GETATTR_NLINK 0x00000002ull
#define P9_GETATTR_UID 0x00000004ull
#define P9_GETATTR_GID 0x00000008ull
#define P9_GETATTR_RDEV 0x00000010ull
#define P9_GETATTR_ATIME 0x00000020ull
#define P9_GETATTR_MTIME 0x00000040ull
#define P9_GETATTR_CTIME 0x00000080ull
#define P9_GETATTR_INO 0x00000100ull
#define P9_GETATTR_SIZE 0x00000200ull
#define P9_GETATTR_BLOCKS 0x00000400ull
#define P9_GETATTR_BTIME 0x00000800ull
#define P9_GETATTR_GEN 0x00001000ull
#define P9_GETATTR_DATA_VERSION 0x00002000ull
#define P9_GETATTR_BASIC 0x000007ffull
#define P9_GETATTR_ALL 0x00003fffull

/* Tsetattr valid */
#define P9_SETATTR_MODE 0x00000001u
#define P9_SETATTR_UID 0x00000002u
#define P9_SETATTR_GID 0x00000004u
#define P9_SETATTR_SIZE 0x00000008u
#define P9_SETATTR_ATIME 0x00000010u
#define P9_SETATTR_MTIME 0x00000020u
#define P9_SETATTR_CTIME 0x00000040u
#define P9_SETATTR_ATIME_SET 0x00000080u
#define P9_SETATTR_MTIME_SET 0x00000100u

/* Tlopen/Tlcreate flags: the protocol's own values (Linux generic). */
#define P9_DOTL_RDONLY 00000000u
#define P9_DOTL_WRONLY 00000001u
#define P9_DOTL_RDWR 00000002u
#define P9_DOTL_ACCMODE 00000003u
#define P9_DOTL_CREATE 00000100u
#define P9_DOTL_EXCL 00000200u
#define P9_DOTL_NOCTTY 00000400u
#define P9_DOTL_TRUNC 00001000u
#define P9_DOTL_APPEND 00002000u
#define P9_DOTL_NONBLOCK 00004000u
#define P9_DOTL_DSYNC 00010000u
#define P9_DOTL_FASYNC 00020000u
#define P9_DOTL_DIRECT 00040000u
#define P9_DOTL_LARGEFILE 00100000u
#define P9_DOTL_DIRECTORY 00200000u
#define P9_DOTL_NOFOLLOW 00400000u
#define P9_DOTL_NOATIME 01000000u
#define P9_DOTL_CLOEXEC 02000000u
#define P9_DOTL_SYNC 04000000u

/* Tunlinkat flags */
#define P9_AT_REMOVEDIR 0x200u

/* Tlock/Tgetlock */
#define P9_LOCK_TYPE_RDLCK 0u
#define P9_LOCK_TYPE_WRLCK 1u
#define P9_LOCK_TYPE_UNLCK 2u
#define P9_LOCK_SUCCESS 0u
#define P9_LOCK_BLOCKED 1u
#define P9_LOCK_ERROR 2u
#define P9_LOCK_GRACE 3u
#define P9_LOCK_FLAGS_BLOCK 1u
#define P9_LOCK_FLAGS_RECLAIM 2u

struct p9_qid {
	uint8_t type;
	uint32_t version;
	uint64_t path;
};
#define P9_QID_SIZE 13u

/* ---- reading ---- */

struct p9_in {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

static inline void p9_in_init(struct p9_in *in, const void *p, size_t len)
{
	in->p = (const uint8_t *)p;
	in->len = len;
	in->pos = 0;
	in->bad = false;
}

/* The next n bytes, or NULL (and bad) if fewer remain. */
static inline const uint8_t *p9_in_take(struct p9_in *in, size_t n)
{
	const uint8_t *r;

	if (in->bad || n > in->len - in->pos) {
		in->bad = true;
		return NULL;
	}
	r = in->p + in->pos;
	in->pos += n;
	return r;
}

static inline uint8_t p9_in_u8(struct p9_in *in)
{
	const uint8_t *b = p9_in_take(in, 1);
	return b ? b[0] : 0;
}

static inline uint16_t p9_in_u16(struct p9_in *in)
{
	const uint8_t *b = p9_in_take(in, 2);
	return b ? (uint16_t)(b[0] | (uint16_t)b[1] << 8) : 0;
}

static inline uint32_t p9_in_u32(struct p9_in *in)
{
	const uint8_t *b = p9_in_take(in, 4);
	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			       (uint32_t)b[3] << 24
		 : 0;
}

static inline uint64_t p9_in_u64(struct p9_in *in)
{
	uint64_t lo = p9_in_u32(in);
	uint64_t hi = p9_in_u32(in);
	return lo | hi << 32;
}

/*
 * A string: a pointer into the message (not NUL-terminated) and its
 * length in *len; NULL with *len 0 (and bad) if the message is short.
 */
static inline const char *p9_in_str(struct p9_in *in, uint16_t *len)
{
	uint16_t n = p9_in_u16(in);
	const uint8_t *b = p9_in_take(in, n);

	*len = b ? n : 0;
	return (const char *)b;
}

static inline void p9_in_qid(struct p9_in *in, struct p9_qid *q)
{
	q->type = p9_in_u8(in);
	q->version = p9_in_u32(in);
	q->path = p9_in_u64(in);
}

/* Whether every byte was consumed and nothing was short. */
static inline bool p9_in_done(const struct p9_in *in)
{
	return !in->bad && in->pos == in->len;
}

/* ---- writing ---- */

struct p9_out {
	uint8_t *p;
	size_t cap;
	size_t pos;
	bool full;
};

static inline void p9_out_init(struct p9_out *out, void *p, size_t cap)
{
	out->p = (uint8_t *)p;
	out->cap = cap;
	out->pos = 0;
	out->full = false;
}

/* Room for n more bytes, or NULL (and full). */
static inline uint8_t *p9_out_room(struct p9_out *out, size_t n)
{
	uint8_t *r;

	if (out->full || n > out->cap - out->pos) {
		out->full = true;
		return NULL;
	}
	r = out->p + out->pos;
	out->pos += n;
	return r;
}

static inline void p9_out_u8(struct p9_out *out, uint8_t v)
{
	uint8_t *b = p9_out_room(out, 1);
	if (b)
		b[0] = v;
}

static inline void p9_out_u16(struct p9_out *out, uint16_t v)
{
	uint8_t *b = p9_out_room(out, 2);
	if (b) {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	}
}

static inline void p9_put_u32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline uint32_t p9_get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline void p9_out_u32(struct p9_out *out, uint32_t v)
{
	uint8_t *b = p9_out_room(out, 4);
	if (b)
		p9_put_u32(b, v);
}

static inline void p9_out_u64(struct p9_out *out, uint64_t v)
{
	p9_out_u32(out, (uint32_t)v);
	p9_out_u32(out, (uint32_t)(v >> 32));
}

static inline void p9_out_data(struct p9_out *out, const void *d, size_t n)
{
	uint8_t *b = p9_out_room(out, n);
	if (b && n)
		memcpy(b, d, n);
}

/* A string of n bytes (n above 65535 marks the message full). */
static inline void p9_out_strn(struct p9_out *out, const char *s, size_t n)
{
	if (n > 0xffffu) {
		out->full = true;
		return;
	}
	p9_out_u16(out, (uint16_t)n);
	p9_out_data(out, s, n);
}

static inline void p9_out_str(struct p9_out *out, const char *s)
{
	p9_out_strn(out, s, strlen(s));
}

static inline void p9_out_qid(struct p9_out *out, const struct p9_qid *q)
{
	p9_out_u8(out, q->type);
	p9_out_u32(out, q->version);
	p9_out_u64(out, q->path);
}

/* Start a message: size is filled in by p9_out_end(). */
static inline void p9_out_begin(struct p9_out *out, uint8_t type, uint16_t tag)
{
	out->pos = 0;
	out->full = false;
	p9_out_u32(out, 0);
	p9_out_u8(out, type);
	p9_out_u16(out, tag);
}

/* Finish the message: its size, or 0 if it did not fit. */
static inline size_t p9_out_end(struct p9_out *out)
{
	if (out->full || out->pos > 0xffffffffu)
		return 0;
	p9_put_u32(out->p, (uint32_t)out->pos);
	return out->pos;
}

#endif /* P9BACKEND_P9WIRE_H */
