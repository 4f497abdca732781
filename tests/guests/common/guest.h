/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every test guest shares: hypercalls the HVM way (VMMCALL with the
 * call number in RAX and arguments in RDI, RSI, RDX, R10, R8; the result
 * in RAX), console output through console_io and shutdown through
 * sched_op, as a PVH kernel of Xen does them.
 */
#ifndef GUESTS_GUEST_H
#define GUESTS_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "hvm/start_info.h"
#include "sched.h"
#include "xen.h"

static inline long guest_hypercall3(
	unsigned long op, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 : "a"(op)
			 : "memory");
	return ret;
}

static inline size_t guest_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

static inline long guest_puts(const char *s)
{
	return guest_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write,
		guest_strlen(s), (unsigned long)(uintptr_t)s);
}

static inline long guest_shutdown(unsigned int reason)
{
	struct sched_shutdown sd = {.reason = reason};

	return guest_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown,
		(unsigned long)(uintptr_t)&sd, 0);
}

void guest_main(const struct hvm_start_info *si);

#endif
