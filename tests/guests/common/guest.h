/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every test guest shares: hypercalls the HVM way (VMMCALL with the
 * call number in RAX and arguments in RDI, RSI, RDX, R10, R8; the result
 * in RAX), console output through console_io and shutdown through
 * sched_op, as a PVH kernel of Xen does them.
 */
#ifndef GUESTS_GUEST_H
#define GUESTS_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event_channel.h"
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

static inline uint64_t guest_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void guest_main(const struct hvm_start_info *si);

/* ---- lib.c ------------------------------------------------------------ */
extern struct shared_info *volatile guest_shinfo;
extern volatile uint32_t guest_upcall_count;
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/** console_io output: %s %c %d %u %x, a 0 and width, l sizes. */
__attribute__((format(printf, 1, 2))) void guest_printf(const char *fmt, ...);
/** "PASS <text>\n". */
__attribute__((format(printf, 1, 2))) void guest_pass(const char *fmt, ...);
/** "FAIL <text>\n", then shut down with SHUTDOWN_crash. */
__attribute__((noreturn, format(printf, 1, 2))) void guest_fail(
	const char *fmt, ...);
/** Find shared_info, install the upcall vector (after the command line). */
void guest_setup(const struct hvm_start_info *si);
/** The value of name=value on the command line, NULL when absent. */
const char *guest_arg(const char *name);
unsigned long guest_arg_num(const char *name, unsigned long def);
bool guest_arg_is(const char *name, const char *value);
/** The hypervisor's system time (ns) from vcpu_info[0].time. */
uint64_t guest_now_ns(void);
long guest_evtchn_op(unsigned int cmd, void *arg);
long guest_evtchn_send(evtchn_port_t port);
bool guest_evtchn_test_and_clear(evtchn_port_t port);
/** Wait until port is pending (and clear it) by SCHEDOP_block or HLT;
 * returns how many times it had to wait. */
unsigned int guest_evtchn_wait(evtchn_port_t port, bool use_hlt);
/** STI; HLT (the upcall handler resumes after it). */
void guest_sti_hlt(void);

#endif
