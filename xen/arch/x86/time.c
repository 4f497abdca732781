/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: the TSC, calibrated once against channel 2 of the 8254 PIT
 * (1193182 Hz), is the hypervisor's clock. arch_now_ns() counts from
 * time_init(). The TSC must be invariant (every CPU we run on and QEMU
 * provide that); its frequency is measured rather than trusted from CPUID.
 *
 * Guests read the same clock through Xen's pvclock (struct vcpu_time_info
 * in their vcpu_info): their TSC is the host's (no TSC offset), so one
 * record made when a vCPU first runs stays valid.
 */
#include "x86.h"
#include "xen.h"
#include "xen/arch/arch.h"
#include "xen/lib.h"

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61 /* bit 0: gate 2, bit 1: speaker, bit 5: OUT2 */
#define CALIBRATE_MS 20u

static uint64_t tsc_base;
static uint64_t tsc_khz;
static uint64_t ns_mult; /* ns = (tsc delta * ns_mult) >> 32 */

/* TSC ticks during one PIT mode-0 countdown of CALIBRATE_MS. */
static uint64_t pit_measure(void)
{
	uint16_t count = (uint16_t)(PIT_HZ / 1000 * CALIBRATE_MS);
	uint64_t t0, t1;
	uint32_t spins = 0;

	outb(PIT_GATE, (uint8_t)((inb(PIT_GATE) & ~0x03) | 0x00));
	outb(PIT_CMD, 0xb0); /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	outb(PIT_GATE, (uint8_t)((inb(PIT_GATE) & ~0x02) | 0x01));
	t0 = rdtsc();
	while ((inb(PIT_GATE) & 0x20) == 0 && spins++ < 100000000u) {
		cpu_relax();
	}
	t1 = rdtsc();
	outb(PIT_GATE, (uint8_t)(inb(PIT_GATE) & ~0x03));
	return t1 - t0;
}

void time_init(void)
{
	uint64_t ticks = pit_measure();

	tsc_khz = ticks / CALIBRATE_MS;
	if (tsc_khz == 0) {
		x86_panic("time: TSC calibration failed\n");
	}
	ns_mult = (1000000ull << 32) / tsc_khz;
	tsc_base = rdtsc();
	printk(XENLOG_INFO, "time: TSC %lu.%03lu MHz (PIT calibrated)\n",
		(unsigned long)(tsc_khz / 1000),
		(unsigned long)(tsc_khz % 1000));
}

uint64_t time_tsc_khz(void)
{
	return tsc_khz;
}

uint64_t arch_now_ns(void)
{
	uint64_t d;

	if (ns_mult == 0) {
		return 0;
	}
	d = rdtsc() - tsc_base;
	return (uint64_t)(((unsigned __int128)d * ns_mult) >> 32);
}

void time_udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_khz / 1000;

	while ((int64_t)(rdtsc() - end) < 0) {
		cpu_relax();
	}
}

void time_pvclock_fill(struct vcpu_time_info *t)
{
	uint64_t mul = ns_mult;
	int8_t shift = 0;

	/* ns = ((tsc delta << shift) * mul) >> 32 with a 32-bit mul. */
	while (mul > UINT32_MAX) {
		mul >>= 1;
		shift++;
	}
	__atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST);
	t->tsc_timestamp = rdtsc();
	t->system_time =
		(uint64_t)(((unsigned __int128)(t->tsc_timestamp - tsc_base) *
				   ns_mult) >>
			   32);
	t->tsc_to_system_mul = (uint32_t)mul;
	t->tsc_shift = shift;
	t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
	__atomic_store_n(&t->version, t->version + 1, __ATOMIC_SEQ_CST);
}
