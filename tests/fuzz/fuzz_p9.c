/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target for the 9P2000.L server (p9backend/p9server.h): the input
 * is a sequence of requests, split by their size[4] prefixes as a
 * transport would (a size beyond the input is clamped to what is left,
 * one below the header size takes the bytes of a header), fed to one
 * session after a Tversion and a Tattach of fid 0. Each input runs three
 * times, on fresh temporary exports in model "none", in "mapped-xattr"
 * and read-only, each holding "f", "d/g", a symlink "l" and a fifo "p"
 * (tests/fuzz/corpus/p9/README describes the seeds).
 *
 * Invariants checked: no crash or sanitizer report; every reply's size
 * field equals its returned length, which is at most the session's msize,
 * and is the matching R-message or Rlerror under the request's tag (or
 * P9_NOTAG); in replay mode, no descriptor is left open at the end.
 *
 * Built as a libFuzzer target with clang (-Dfuzzing=enabled), and always
 * as a plain program that replays the seed corpus given as arguments:
 * that replay runs as a test.
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p9server.h"
#include "p9wire.h"

#define FUZZ_MSIZE 8192u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t fuzz_reply[FUZZ_MSIZE];

static int fuzz_rm(
	const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void fuzz_put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		abort();
	}
	fputs(text, f);
	fclose(f);
}

/** A fresh export directory with a few files of each kind. */
static void fuzz_make_tree(char *dir)
{
	char path[256];

	strcpy(dir, "/tmp/fuzz_p9.XXXXXX");
	if (!mkdtemp(dir)) {
		abort();
	}
	fuzz_put(dir, "f", "0123456789abcdef");
	snprintf(path, sizeof(path), "%s/d", dir);
	if (mkdir(path, 0755) < 0) {
		abort();
	}
	fuzz_put(dir, "d/g", "in d");
	snprintf(path, sizeof(path), "%s/l", dir);
	if (symlink("f", path) < 0) {
		abort();
	}
	snprintf(path, sizeof(path), "%s/p", dir);
	if (mkfifo(path, 0644) < 0) {
		abort();
	}
}

/** Run one request and check the form of its reply. */
static void fuzz_one(struct p9s_session *s, const uint8_t *req, size_t len)
{
	uint32_t msize = p9s_session_msize(s);
	size_t n = p9s_handle(s, req, len, fuzz_reply, sizeof(fuzz_reply));
	uint8_t type;

	if (n < P9_HDR_SIZE || n > msize || p9_get_u32(fuzz_reply) != n) {
		abort();
	}
	type = fuzz_reply[4];
	if (type == P9_RLERROR) {
		if (n != P9_HDR_SIZE + 4) {
			abort();
		}
		if (len < P9_HDR_SIZE) {
			if (fuzz_reply[5] != 0xff || fuzz_reply[6] != 0xff) {
				abort();
			}
		} else if (memcmp(fuzz_reply + 5, req + 5, 2) != 0) {
			abort();
		}
		return;
	}
	if (len < P9_HDR_SIZE || type != (uint8_t)(req[4] + 1) ||
		memcmp(fuzz_reply + 5, req + 5, 2) != 0) {
		abort();
	}
}

/** Negotiate and attach fid 0, as a client would first. */
static void fuzz_handshake(struct p9s_session *s)
{
	uint8_t buf[64];
	struct p9_out o;
	size_t len;

	p9_out_init(&o, buf, sizeof(buf));
	p9_out_begin(&o, P9_TVERSION, P9_NOTAG);
	p9_out_u32(&o, FUZZ_MSIZE);
	p9_out_str(&o, P9_VERSION_L);
	len = p9_out_end(&o);
	fuzz_one(s, buf, len);
	p9_out_begin(&o, P9_TATTACH, 0);
	p9_out_u32(&o, 0);
	p9_out_u32(&o, P9_NOFID);
	p9_out_str(&o, "root");
	p9_out_str(&o, "");
	p9_out_u32(&o, 0);
	len = p9_out_end(&o);
	fuzz_one(s, buf, len);
}

static void fuzz_run(enum p9s_security_model model, bool readonly,
	const uint8_t *data, size_t size)
{
	struct p9s_export_config cfg;
	struct p9s_export *ex;
	struct p9s_session *s;
	char dir[64];

	fuzz_make_tree(dir);
	cfg.path = dir;
	cfg.model = model;
	cfg.readonly = readonly;
	ex = p9s_export_open(&cfg);
	s = ex ? p9s_session_new(ex, FUZZ_MSIZE) : NULL;
	if (!s) {
		abort();
	}
	fuzz_handshake(s);
	while (size > 0) {
		size_t len = size >= 4 ? p9_get_u32(data) : size;

		if (len > size) {
			len = size;
		}
		if (len < P9_HDR_SIZE) {
			len = size < P9_HDR_SIZE ? size : P9_HDR_SIZE;
		}
		fuzz_one(s, data, len);
		data += len;
		size -= len;
	}
	p9s_session_free(s);
	p9s_export_put(ex);
	nftw(dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/** One input: the same requests on three kinds of export. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(P9S_SECURITY_NONE, false, data, size);
	fuzz_run(P9S_SECURITY_MAPPED_XATTR, false, data, size);
	fuzz_run(P9S_SECURITY_NONE, true, data, size);
	return 0;
}

#ifndef P9_LIBFUZZER
static int fuzz_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d) {
		abort();
	}
	while ((e = readdir(d))) {
		n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

/** Replay: each argument is a corpus file. */
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i, count = 0, fds = fuzz_fd_count();

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		count++;
	}
	if (fuzz_fd_count() != fds) {
		fprintf(stderr, "descriptors leaked: %d before, %d after\n",
			fds, fuzz_fd_count());
		return 1;
	}
	printf("%d passed, 0 failed\n", count);
	return count > 0 ? 0 : 1;
}
#endif
