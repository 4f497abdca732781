/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode, whichever the
 * firmware left enabled: spurious vector, EOI, the one-shot timer and the
 * INIT/STARTUP IPIs of SMP bring-up. Register offsets: AMD64 Architecture
 * Programmer's Manual vol. 2, 16.3; x2APIC MSR = 0x800 + offset / 16.
 *
 * The timer runs from the bus clock divided by 16; its rate is measured
 * against the TSC once (lapic_init) and shared by all CPUs.
 */
#include "x86.h"
#include "xen/arch/arch.h"
#include "xen/domain.h"
#include "xen/lib.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)

#define APIC_ID 0x20
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define APIC_LVT_MASKED (1u << 16)
#define APIC_ICR_BUSY (1u << 12)
#define APIC_ICR_INIT 0x00004500u /* INIT, level assert */
#define APIC_ICR_SIPI 0x00004600u /* STARTUP, level assert */

static volatile uint32_t *apic_mmio;
static bool x2apic;
static uint64_t timer_ticks_per_ms; /* after the divide-by-16 */
static volatile uint64_t timer_irqs;

static uint32_t apic_read(uint32_t reg)
{
	if (x2apic) {
		return (uint32_t)rdmsr(0x800 + reg / 16);
	}
	return apic_mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic) {
		wrmsr(0x800 + reg / 16, v);
		return;
	}
	apic_mmio[reg / 4] = v;
}

uint32_t lapic_id(void)
{
	if (apic_mmio == NULL && !x2apic) {
		return 0;
	}
	return x2apic ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void timer_irq(struct x86_regs *regs)
{
	(void)regs;
	timer_irqs++;
	lapic_eoi();
	x86_timer_interrupt();
}

/* Per CPU: enable, accept every priority, mask LINT pins and the timer. */
void lapic_cpu_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if ((base & APIC_BASE_ENABLE) == 0) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	}
	apic_write(APIC_SVR, 0x100 | X86_VEC_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_DIV, 0x3); /* divide by 16 */
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | X86_VEC_TIMER);
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t t0, elapsed;
	uint32_t left;

	x2apic = (base & APIC_BASE_X2APIC) != 0;
	apic_mmio = (volatile uint32_t *)(uintptr_t)(base & 0xffffff000ull);
	lapic_cpu_init();
	traps_set_handler(X86_VEC_TIMER, timer_irq);
	/* Count down from the top, masked, for about 10 ms of TSC time. */
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
	t0 = rdtsc();
	time_udelay(10000);
	left = apic_read(APIC_TIMER_CUR);
	elapsed = rdtsc() - t0;
	apic_write(APIC_TIMER_INIT, 0);
	timer_ticks_per_ms = (uint64_t)(0xffffffffu - left) * time_tsc_khz() /
			     (elapsed == 0 ? 1 : elapsed);
	if (timer_ticks_per_ms == 0) {
		timer_ticks_per_ms = 1;
	}
	printk(XENLOG_INFO,
		"lapic: id %u, %s mode, timer %lu kHz (after divide by 16)\n",
		lapic_id(), x2apic ? "x2APIC" : "xAPIC",
		(unsigned long)timer_ticks_per_ms);
}

void lapic_timer_oneshot(uint64_t ns)
{
	uint64_t count;

	if (ns == 0) {
		apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	count = ns / 1000 * timer_ticks_per_ms / 1000;
	if (count == 0) {
		count = 1;
	} else if (count > 0xffffffffu) {
		count = 0xffffffffu;
	}
	apic_write(APIC_LVT_TIMER, X86_VEC_TIMER); /* one-shot, unmasked */
	apic_write(APIC_TIMER_INIT, (uint32_t)count);
}

uint64_t lapic_timer_ticks(void)
{
	return timer_irqs;
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
	unsigned int spins = 0;

	if (x2apic) {
		wrmsr(0x830, ((uint64_t)apic_id << 32) | icr);
		return;
	}
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, icr);
	while ((apic_read(APIC_ICR_LO) & APIC_ICR_BUSY) != 0 &&
		spins++ < 1000000) {
		cpu_relax();
	}
}

void lapic_send_init(uint32_t apic_id)
{
	send_ipi(apic_id, APIC_ICR_INIT);
}

void lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	send_ipi(apic_id, 0x00004000u | vector); /* fixed, assert */
}

void lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	send_ipi(apic_id, APIC_ICR_SIPI | page);
}
