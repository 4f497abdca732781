/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The crash guest: touches guest-physical memory beyond its RAM (mapped by
 * its own page tables, not by the hypervisor's nested ones). The nested
 * page fault must crash the domain, not the hypervisor.
 */
#include "guest.h"

void guest_main(const struct hvm_start_info *si)
{
	(void)si;
	guest_puts("crash: reading beyond RAM\n");
	(void)*(volatile uint64_t *)(uintptr_t)0x30000000; /* 768 MiB */
	guest_puts("crash: still running\n");
	guest_shutdown(SHUTDOWN_poweroff);
}
