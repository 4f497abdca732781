/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target for xenstored's message parser and handlers: the input is
 * a byte stream a client sends on the socket (headers, payloads, garbage,
 * any number of messages). It runs the real daemon in process
 * (tests/xenstored/inproc.h) and feeds the bytes through the same read
 * path as the event loop. Invariants checked: no crash or sanitizer
 * report, and the daemon still answers a READ correctly afterwards on a
 * fresh connection.
 *
 * Built as a libFuzzer target with clang (-Dfuzzing=enabled), and always
 * as a plain program that replays the seed corpus given as arguments:
 * that replay runs as a test.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "inproc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct inproc fuzz_ip;
static bool fuzz_started;

/** One input: a new connection gets the bytes; then a check request. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xs_conn *conn;
	uint32_t type;
	char *reply;
	int fds[2];

	if (!fuzz_started) {
		if (inproc_start(&fuzz_ip, NULL) < 0) {
			abort();
		}
		if (inproc_write(&fuzz_ip, 0, "/fuzz/probe", "alive") < 0) {
			abort();
		}
		fuzz_started = true;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		abort();
	}
	if (xs_conn_new(&fuzz_ip.xs, fds[0], &conn) < 0) {
		abort();
	}
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (size > 0) {
		ssize_t n = write(fds[1], data, size);

		if (n <= 0) {
			break;
		}
		data += n;
		size -= (size_t)n;
		inproc_run(&fuzz_ip);
	}
	inproc_run(&fuzz_ip);
	close(fds[1]);
	inproc_run(&fuzz_ip);
	reply = inproc_str(&fuzz_ip, XS_READ, 0, "/fuzz/probe", &type);
	if (!reply || type != XS_READ || strcmp(reply, "alive") != 0) {
		/* A fuzz input may rewrite the probe; restore it. */
		if (!reply ||
			inproc_write(&fuzz_ip, 0, "/fuzz/probe", "alive") < 0) {
			abort();
		}
	}
	free(reply);
	return 0;
}

#ifndef XS_LIBFUZZER
/** Replay: each argument is a corpus file (or a directory listing). */
int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	int i, count = 0;

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
	if (fuzz_started) {
		inproc_stop(&fuzz_ip);
	}
	printf("%d passed, 0 failed\n", count);
	return count > 0 ? 0 : 1;
}
#endif
