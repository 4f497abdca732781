/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The spin guest: says so, then spins forever without a hypercall, so the
 * hypervisor can take the CPU back only by ending its time slice.
 */
#include "guest.h"

void guest_main(const struct hvm_start_info *si)
{
	(void)si;
	guest_puts("spin: spinning\n");
	for (;;) {
		__asm__ volatile("pause");
	}
}
