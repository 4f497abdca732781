/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SMP bring-up: the boot CPU starts each other CPU the MADT lists with
 * INIT, then two STARTUP IPIs (the universal start-up algorithm of the
 * MultiProcessor Specification, B.4, which AMD and Intel still document),
 * one CPU at a time, and waits up to 100 ms for it to report in. Each AP
 * gets its own stack, GDT, TSS and the shared IDT, enables its local APIC,
 * reports and waits in HLT until smp_release_aps() sends it into its
 * scheduler loop (x86_cpu_run).
 *
 * The CPUs share the core under one lock (smp_core_lock): the core was
 * written for one caller at a time, and a lock keeps that true. A kick
 * (X86_VEC_KICK) makes another CPU leave its guest or HLT.
 *
 * CPU numbers are dense (0 = the boot CPU) in the order the MADT lists
 * the CPUs; x86_ap_cpu and x86_ap_stack_top hand one AP its number and
 * stack (trampoline.S).
 */
#include "x86.h"
#include "xen/lib.h"

#define AP_STACK_PAGES 4
#define AP_WAIT_US 100000

extern uint8_t x86_trampoline_start[], x86_trampoline_end[];

volatile uint64_t x86_ap_stack_top;
volatile uint32_t x86_ap_cpu;
static volatile unsigned int cpus_online = 1;
static volatile bool ap_reported;
static volatile bool aps_released;
static volatile int core_lock_word;
static uint32_t cpu_apic_id[ACPI_MAX_CPUS];
static uint8_t apic_to_cpu[256]; /* APIC IDs above 255: not started */

/* Whether [a, a + 4 KiB) overlaps a boot module (GRUB on UEFI puts them
 * below 1 MiB too). */
static bool page_holds_module(const struct boot_info *bi, uint64_t a)
{
	unsigned int i;

	for (i = 0; i < bi->mod_count; i++) {
		if (a < bi->mod[i].start + bi->mod[i].len &&
			bi->mod[i].start < a + 0x1000) {
			return true;
		}
	}
	return false;
}

/* A free RAM page below 1 MiB (the allocator never hands those out). */
static uint64_t trampoline_page(const struct boot_info *bi)
{
	unsigned int i;
	uint64_t a, end;

	for (i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type != BOOT_MEM_RAM) {
			continue;
		}
		a = (bi->mem[i].start + 0xfff) & ~0xfffull;
		if (a < 0x1000) {
			a = 0x1000;
		}
		end = bi->mem[i].start + bi->mem[i].len;
		for (; a + 0x1000 <= end && a + 0x1000 <= 0x9f000;
			a += 0x1000) {
			if (!page_holds_module(bi, a)) {
				return a;
			}
		}
	}
	return 0;
}

static void kick_irq(struct x86_regs *regs)
{
	(void)regs;
	lapic_eoi(); /* the interruption itself is the message */
}

__attribute__((noreturn)) void smp_ap_main(unsigned int cpu)
{
	traps_cpu_init(cpu);
	lapic_cpu_init();
	printk(XENLOG_INFO, "smp: cpu %u up (APIC id %u)\n", cpu, lapic_id());
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ap_reported, true, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&aps_released, __ATOMIC_ACQUIRE)) {
		__asm__ volatile("sti; hlt; cli");
	}
	x86_cpu_run(cpu);
}

unsigned int smp_cpu_id(void)
{
	uint32_t id = lapic_id();

	return id < ARRAY_SIZE(apic_to_cpu) ? apic_to_cpu[id] : 0;
}

void smp_kick_cpu(unsigned int cpu)
{
	if (cpu < cpus_online && cpu != smp_cpu_id()) {
		lapic_send_fixed(cpu_apic_id[cpu], X86_VEC_KICK);
	}
}

void smp_release_aps(void)
{
	unsigned int cpu;

	__atomic_store_n(&aps_released, true, __ATOMIC_RELEASE);
	for (cpu = 1; cpu < cpus_online; cpu++) {
		smp_kick_cpu(cpu);
	}
}

void smp_core_lock(void)
{
	while (__atomic_exchange_n(&core_lock_word, 1, __ATOMIC_ACQUIRE) != 0) {
		while (__atomic_load_n(&core_lock_word, __ATOMIC_RELAXED)) {
			cpu_relax();
		}
	}
}

void smp_core_unlock(void)
{
	__atomic_store_n(&core_lock_word, 0, __ATOMIC_RELEASE);
}

static bool start_ap(unsigned int cpu, uint32_t apic_id, uint64_t page)
{
	uint8_t *stack = mm_alloc_pages(AP_STACK_PAGES);
	uint64_t waited = 0;

	if (stack == NULL) {
		return false;
	}
	x86_ap_stack_top = (uint64_t)(uintptr_t)(stack + AP_STACK_PAGES * 4096);
	x86_ap_cpu = cpu;
	cpu_apic_id[cpu] = apic_id;
	apic_to_cpu[apic_id] = (uint8_t)cpu;
	ap_reported = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send_init(apic_id);
	time_udelay(10000);
	lapic_send_sipi(apic_id, (uint8_t)(page >> 12));
	time_udelay(200);
	if (!__atomic_load_n(&ap_reported, __ATOMIC_ACQUIRE)) {
		lapic_send_sipi(apic_id, (uint8_t)(page >> 12));
	}
	while (!__atomic_load_n(&ap_reported, __ATOMIC_ACQUIRE) &&
		waited < AP_WAIT_US) {
		time_udelay(100);
		waited += 100;
	}
	if (!ap_reported) {
		mm_free_pages(stack, AP_STACK_PAGES);
		return false;
	}
	return true;
}

unsigned int smp_boot(const struct boot_info *bi, const uint32_t *apic_ids,
	unsigned int count)
{
	uint64_t page = trampoline_page(bi);
	uint32_t self = lapic_id();
	unsigned int i, cpu = 1;
	size_t len = (size_t)(x86_trampoline_end - x86_trampoline_start);

	cpu_apic_id[0] = self;
	traps_set_handler(X86_VEC_KICK, kick_irq);
	if (page == 0) {
		printk(XENLOG_WARNING, "smp: no page below 1 MiB\n");
		return cpus_online;
	}
	memcpy((void *)(uintptr_t)page, x86_trampoline_start, len);
	for (i = 0; i < count; i++) {
		if (apic_ids[i] == self) {
			continue;
		}
		if (apic_ids[i] >= ARRAY_SIZE(apic_to_cpu) ||
			cpu >= ACPI_MAX_CPUS) {
			printk(XENLOG_WARNING,
				"smp: APIC id %u not started (limit)\n",
				apic_ids[i]);
			continue;
		}
		if (x86_opts.max_cpus != 0 && cpu >= x86_opts.max_cpus) {
			break;
		}
		if (!start_ap(cpu, apic_ids[i], page)) {
			printk(XENLOG_WARNING,
				"smp: APIC id %u did not start\n", apic_ids[i]);
			continue;
		}
		cpu++;
	}
	return cpus_online;
}

unsigned int smp_cpus_online(void)
{
	return cpus_online;
}
