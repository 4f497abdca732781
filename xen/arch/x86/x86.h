/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bare-metal x86_64 port's private header: constants shared with the
 * assembly files, instruction wrappers and the prototypes of the port's
 * units, grouped by file.
 */
#ifndef X86_X86_H
#define X86_X86_H

/* ---- shared with head.S, entry.S and xen.ld --------------------------- */
#define X86_LOAD_ADDR 0x200000 /* the image is linked and run here */
#define X86_SEL_CODE64 0x08
#define X86_SEL_DATA 0x10
#define X86_SEL_CODE32 0x18
#define X86_SEL_TSS 0x20 /* 16 bytes: two GDT slots */
#define X86_BOOT_STACK_SIZE 16384
#define X86_BOOT_KIND_PVH 1
#define X86_BOOT_KIND_MB2 2

/* isa-debug-exit (QEMU): writing v to the port exits with (v << 1) | 1. */
#define X86_DEBUG_EXIT_PORT 0xf4
#define X86_EXIT_SUCCESS 0x10 /* QEMU exit status 33 */
#define X86_EXIT_FAILURE 0x11 /* QEMU exit status 35 */

/* Interrupt vectors. */
#define X86_VEC_PIC_BASE 0x20 /* the masked legacy PICs, remapped */
#define X86_VEC_TIMER 0xf0    /* local APIC timer */
#define X86_VEC_KICK 0xf1     /* IPI: leave the guest or HLT, look again */
#define X86_VEC_SPURIOUS 0xff

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_info.h"
#include "cmdline.h"

/* ---- instruction wrappers --------------------------------------------- */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile(
		"wrmsr"
		:
		: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

#define X86_READ_CR(n)                                                         \
	static inline uint64_t read_cr##n(void)                                \
	{                                                                      \
		uint64_t v;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));              \
		return v;                                                      \
	}
X86_READ_CR(0)
X86_READ_CR(2)
X86_READ_CR(3)
X86_READ_CR(4)

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* ---- the register frame entry.S builds (lowest address first) --------- */
struct x86_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* ---- head.S ----------------------------------------------------------- */
extern uint64_t x86_pml4[512];
extern uint64_t x86_pt0[512]; /* 4 KiB pages of the first 2 MiB */
extern uint8_t x86_image_start[], x86_image_end[]; /* from xen.ld */
void x86_efi_entry64(struct boot_info *bi);

/* ---- start.c ---------------------------------------------------------- */
/** The options in force (parsed from the boot command line). */
extern struct cmdline_opts x86_opts;
/** Whether SVM with nested paging is on: domains can be created. */
extern bool x86_svm_enabled;
/** Physical CPUs the scheduler places vCPUs on (every CPU online). */
unsigned int x86_sched_cpus(void);
struct domain;
/** d shut down (arch_domain_shutdown): dom0's shutdown ends the run. */
void x86_domain_shut_down(struct domain *d, unsigned int reason);
/** Exit QEMU through isa-debug-exit (or halt forever on a machine). */
__attribute__((noreturn)) void x86_exit(uint8_t code);
/** Stop this CPU for good. */
__attribute__((noreturn)) void x86_halt(void);
/** Log and exit with X86_EXIT_FAILURE. */
__attribute__((noreturn, format(printf, 1, 2))) void x86_panic(
	const char *fmt, ...);

/* ---- ns16550.c: the COM1 UART ------------------------------------------ */
void ns16550_init(void);
void ns16550_write(const char *s, size_t len);

/* ---- traps.c: GDT/TSS/IDT and the exception report ---------------------- */
void traps_init(void);
/** Load this CPU's GDT, TSS and the shared IDT (BSP after traps_init). */
void traps_cpu_init(unsigned int cpu);
typedef void (*x86_irq_handler)(struct x86_regs *regs);
void traps_set_handler(unsigned int vector, x86_irq_handler h);

/* ---- mm.c: page allocator and heap ------------------------------------ */
/** Put usable RAM of bi into the allocator; -ENOMEM if none. */
int mm_init(const struct boot_info *bi);
uint64_t mm_free_bytes(void);
uint64_t mm_usable_bytes(void);
/** count zeroed contiguous pages below 4 GiB (identity mapped); or NULL. */
void *mm_alloc_pages(size_t count);
void mm_free_pages(void *p, size_t count);

/* ---- time.c: TSC calibrated against the PIT --------------------------- */
void time_init(void);
uint64_t time_tsc_khz(void);
void time_udelay(uint64_t us);
struct vcpu_time_info;
/** Write Xen's pvclock record of the hypervisor's clock into t. */
void time_pvclock_fill(struct vcpu_time_info *t);

/* ---- lapic.c: local APIC, its timer and IPIs --------------------------- */
void lapic_init(void);
void lapic_cpu_init(void);
uint32_t lapic_id(void);
void lapic_eoi(void);
/** Fire X86_VEC_TIMER once, ns from now (0: stop). */
void lapic_timer_oneshot(uint64_t ns);
uint64_t lapic_timer_ticks(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_fixed(uint32_t apic_id, uint8_t vector);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);

/* ---- acpi.c: the MADT's CPUs ------------------------------------------ */
#define ACPI_MAX_CPUS 64
/** Fill apic_ids with enabled CPUs' APIC IDs; returns the count (0: none
 * found, the caller assumes one CPU). */
unsigned int acpi_find_cpus(
	const struct boot_info *bi, uint32_t apic_ids[ACPI_MAX_CPUS]);

/* ---- arch.c ----------------------------------------------------------- */
/** End the current time slice at deadline_ns (0: no slice). */
void x86_slice_program(uint64_t deadline_ns);
/** The LAPIC timer fired: run the core's timers if they are due. */
void x86_timer_interrupt(void);

/* ---- domain_build.c: a domain from a PVH kernel module ----------------- */
struct domain_build_args {
	uint32_t domid;
	bool privileged;
	uint64_t mem_pages;
	unsigned int vcpus;
	const struct boot_module *kernel;
	const char *cmdline;
};
/** Create and load a domain (paused by the controller); -EINVAL when the
 * kernel is not a PVH ELF64 image that fits its RAM. */
int domain_build_pvh(const struct domain_build_args *a, struct domain **out);

/* ---- smp.c ------------------------------------------------------------ */
/** Start the CPUs listed (BSP excluded); returns how many are up in all. */
unsigned int smp_boot(const struct boot_info *bi, const uint32_t *apic_ids,
	unsigned int count);
unsigned int smp_cpus_online(void);
/** This CPU's number (0: the boot CPU). */
unsigned int smp_cpu_id(void);
/** Make CPU cpu leave a guest or HLT and look at its work again. */
void smp_kick_cpu(unsigned int cpu);
/** Let the parked APs enter x86_cpu_run(). */
void smp_release_aps(void);
/** Entered by each AP from trampoline.S, on its own stack. */
__attribute__((noreturn)) void smp_ap_main(unsigned int cpu);
/**
 * The core's lock: xen/common/ expects one caller at a time, so every CPU
 * holds this while it calls into the core (scheduler, hypercalls, timers).
 * Taken with interrupts off; never held across VMRUN or HLT.
 */
void smp_core_lock(void);
void smp_core_unlock(void);

/* ---- start.c: every CPU's scheduler loop ------------------------------ */
__attribute__((noreturn)) void x86_cpu_run(unsigned int cpu);

#endif /* __ASSEMBLER__ */
#endif
