/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * outb VALUE [PORT]: write one byte to an I/O port (default 0xf4, QEMU's
 * isa-debug-exit, which ends QEMU with status (VALUE << 1) | 1). Runs in
 * the realxen Dom0 (a Xen PV domain): ioperm() first, and /dev/port when
 * ioperm is refused. Linked statically; busybox has no outb.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <unistd.h>

static int parse(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno || *end || end == s || *out > max ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long value, port = 0xf4;
	unsigned char byte;
	int fd;

	if (argc < 2 || argc > 3 || parse(argv[1], 0xff, &value) ||
		(argc == 3 && parse(argv[2], 0xffff, &port))) {
		fprintf(stderr, "usage: outb VALUE [PORT]\n");
		return 2;
	}
	byte = (unsigned char)value;
	if (ioperm(port, 1, 1) == 0) {
		outb(byte, port);
		return 0;
	}
	fprintf(stderr, "outb: ioperm(0x%lx): %s; trying /dev/port\n", port,
		strerror(errno));
	fd = open("/dev/port", O_WRONLY);
	if (fd < 0 || pwrite(fd, &byte, 1, (off_t)port) != 1) {
		fprintf(stderr, "outb: /dev/port: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
