/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hello guest: checks the PVH start_info it was given, finds Xen's
 * CPUID leaves, installs the hypercall page through the MSR they name and
 * prints through it and directly with VMMCALL (console_io), reads an I/O
 * port nobody emulates, then shuts down with SHUTDOWN_poweroff. Anything
 * unexpected shuts down with SHUTDOWN_crash, so the test sees the reason.
 */
#include "guest.h"

/* Filled by the hypervisor: entry i at i * 32 makes hypercall i. */
static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));

static void fail(const char *why)
{
	guest_puts(why);
	guest_shutdown(SHUTDOWN_crash);
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(0));
}

static long page_console_write(const char *s)
{
	long (*call)(unsigned long, unsigned long, unsigned long) =
		(void *)(hypercall_page + __HYPERVISOR_console_io * 32);

	return call(CONSOLEIO_write, guest_strlen(s), (unsigned long)s);
}

static int check_xen_leaves(void)
{
	uint32_t r[4];
	uint64_t page = (uint64_t)(uintptr_t)hypercall_page;
	char sig[13];

	cpuid(0x40000000, r);
	__builtin_memcpy(sig, &r[1], 12);
	sig[12] = '\0';
	if (r[0] < 0x40000002 || __builtin_memcmp(sig, "XenVMMXenVMM", 12)) {
		fail("hello: no Xen CPUID leaves\n");
		return -1;
	}
	cpuid(0x40000002, r);
	__asm__ volatile(
		"wrmsr"
		:
		: "c"(r[1]), "a"((uint32_t)page), "d"((uint32_t)(page >> 32)));
	if (page_console_write("hello: through the hypercall page\n") != 0) {
		fail("hello: the hypercall page does not work\n");
		return -1;
	}
	return 0;
}

void guest_main(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm;
	uint8_t port61;

	if (si->magic != XEN_HVM_START_MAGIC_VALUE || si->version < 1 ||
		si->memmap_entries == 0) {
		fail("hello: bad start_info\n");
		return;
	}
	mm = (const void *)(uintptr_t)si->memmap_paddr;
	if (mm[0].type != XEN_HVM_MEMMAP_TYPE_RAM || mm[0].size == 0) {
		fail("hello: no RAM in the memory map\n");
		return;
	}
	if (guest_puts("hello from the guest\n") != 0) {
		guest_shutdown(SHUTDOWN_crash);
		return;
	}
	/* An unknown hypercall answers -ENOSYS, as Xen. */
	if (guest_hypercall3(63, 0, 0, 0) != -38) {
		fail("hello: unknown hypercall did not give -ENOSYS\n");
		return;
	}
	if (check_xen_leaves() != 0) {
		return;
	}
	__asm__ volatile("inb $0x61, %0" : "=a"(port61));
	if (port61 != 0xff) {
		fail("hello: an unemulated port did not read all ones\n");
		return;
	}
	guest_puts("hello: shutting down\n");
	guest_shutdown(SHUTDOWN_poweroff);
}
