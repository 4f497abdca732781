/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's command line: space-separated options, each "name" or
 * "name=value". Unknown options are reported and ignored, as Xen does; a
 * bad value leaves the default and is reported too.
 *
 *   console=com1|none   where the log goes (default com1)
 *   loglvl=err|warning|info|debug|all   the printk threshold (info)
 *   sched=null|credit   the scheduler (credit)
 *   dom0_mem=<n>[k|K|m|M|g|G]   dom0's RAM (bytes without a suffix)
 *   smp=<n>             use at most n CPUs (default: all the MADT lists)
 *   test=<name>         a self-test hook (docs/baremetal.md)
 *
 * Pure code: no I/O; unit-tested on the host (tests/baremetal/test_cmdline.c).
 */
#ifndef X86_CMDLINE_H
#define X86_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_VALUE_LEN 32
#define CMDLINE_MAX_ERRORS 4

enum cmdline_console {
	CMDLINE_CONSOLE_COM1 = 0,
	CMDLINE_CONSOLE_NONE,
};

struct cmdline_opts {
	enum cmdline_console console;
	int loglvl;                    /* an enum printk_level value */
	char sched[CMDLINE_VALUE_LEN]; /* "" = the core's default */
	uint64_t dom0_mem;             /* bytes; 0 = default */
	unsigned int max_cpus;         /* 0 = no limit */
	char test[CMDLINE_VALUE_LEN];  /* "" = no test hook */
	unsigned int error_count;      /* options that were not accepted */
	char errors[CMDLINE_MAX_ERRORS][CMDLINE_VALUE_LEN];
};

/** Parse s into o (defaults first). Never fails: see error_count. */
void cmdline_parse(struct cmdline_opts *o, const char *s);
/** Parse a size "<n>[kKmMgG]"; -EINVAL for junk or overflow. */
int cmdline_parse_size(const char *s, uint64_t *out);

#endif
