/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The system boundary of the xenif Linux backend (linux.c): every system
 * call it makes goes through xenif_linux_sys, and every device it opens is
 * named under xenif_linux_dev_prefix. Both default to the real thing (libc
 * and "/dev/xen"); unit tests swap in fakes before xenif_open() and put the
 * defaults back afterwards. Not thread-safe: set them before any handle
 * exists.
 */
#ifndef LIBS_XENIF_LINUX_SYS_H
#define LIBS_XENIF_LINUX_SYS_H

#include <stddef.h>
#include <sys/types.h>

struct xenif_linux_sys {
	int (*open)(const char *path, int flags, ...);
	int (*close)(int fd);
	/* Returns what ioctl(2) returns: >= 0, or -1 with errno set. */
	int (*ioctl)(int fd, unsigned long request, void *arg);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd,
		off_t offset);
	int (*munmap)(void *addr, size_t len);
	ssize_t (*read)(int fd, void *buf, size_t len);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*access)(const char *path, int mode);
	int (*mlock)(const void *addr, size_t len);
};

/** The calls linux.c makes; initially thin wrappers around libc. */
extern struct xenif_linux_sys xenif_linux_sys;
/** The libc wrappers, to restore xenif_linux_sys after a test. */
extern const struct xenif_linux_sys xenif_linux_sys_default;

/** Where the devices are: evtchn, gntdev, privcmd, hypercall. */
extern const char *xenif_linux_dev_prefix;
#define XENIF_LINUX_DEV_PREFIX_DEFAULT "/dev/xen"

#endif
