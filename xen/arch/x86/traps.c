/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptor tables and traps. One IDT shared by all CPUs; each CPU has its
 * own GDT (a copy of head.S's) and TSS, whose IST1 stack takes double
 * faults, NMIs and machine checks so that a broken stack still gives a
 * report. An exception in the hypervisor is fatal: the report names the
 * vector, error code, RIP, CR2 and every register, then QEMU exits with
 * X86_EXIT_FAILURE. Interrupts go to the handler registered for their
 * vector (traps_set_handler).
 *
 * Layouts: AMD64 Architecture Programmer's Manual vol. 2, 4.8.3 (system
 * descriptors), 8.9 (long-mode IDT gates), 12.2.5 (the 64-bit TSS).
 */
#include "x86.h"
#include "xen/lib.h"

#define TRAPS_MAX_CPUS ACPI_MAX_CPUS
#define IST_STACK_SIZE 8192
#define GDT_ENTRIES 6

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "long-mode gate is 16 bytes");

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint8_t x86_vector_stubs[];
extern uint64_t x86_gdt[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static x86_irq_handler handlers[256];
static uint64_t cpu_gdt[TRAPS_MAX_CPUS][GDT_ENTRIES]
	__attribute__((aligned(16)));
static struct tss64 cpu_tss[TRAPS_MAX_CPUS] __attribute__((aligned(16)));
static uint8_t ist_stack[TRAPS_MAX_CPUS][IST_STACK_SIZE]
	__attribute__((aligned(16)));
static volatile int report_lock;

static const char *const exc_names[32] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor segment overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved 15",
	"#MF x87 floating point",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD floating point",
	"#VE virtualization",
	"#CP control protection",
	"reserved 22",
	"reserved 23",
	"reserved 24",
	"reserved 25",
	"reserved 26",
	"reserved 27",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security",
	"reserved 31",
};

static void set_gate(unsigned int vec, unsigned int ist)
{
	uint64_t a = (uint64_t)(uintptr_t)(x86_vector_stubs + 16 * vec);
	struct idt_gate *g = &idt[vec];

	g->offset_lo = (uint16_t)a;
	g->selector = X86_SEL_CODE64;
	g->ist = (uint8_t)ist;
	g->type_attr = 0x8e; /* present, DPL 0, 64-bit interrupt gate */
	g->offset_mid = (uint16_t)(a >> 16);
	g->offset_hi = (uint32_t)(a >> 32);
	g->reserved = 0;
}

void traps_init(void)
{
	unsigned int v;

	for (v = 0; v < 256; v++) {
		set_gate(v, (v == 2 || v == 8 || v == 18) ? 1 : 0);
	}
}

void traps_set_handler(unsigned int vector, x86_irq_handler h)
{
	handlers[vector & 0xff] = h;
}

/* A 16-byte available 64-bit TSS descriptor in slots[0..1]. */
static void set_tss_desc(uint64_t *slots, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)(uintptr_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	slots[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
		   (((base >> 24) & 0xff) << 56);
	slots[1] = base >> 32;
}

void traps_cpu_init(unsigned int cpu)
{
	struct desc_ptr gdtr, idtr;
	uint64_t *gdt = cpu_gdt[cpu];
	struct tss64 *tss = &cpu_tss[cpu];

	memcpy(gdt, x86_gdt, 4 * sizeof(uint64_t));
	memset(tss, 0, sizeof(*tss));
	tss->ist[0] = (uint64_t)(uintptr_t)(ist_stack[cpu] + IST_STACK_SIZE);
	tss->iomap_base = sizeof(*tss); /* no I/O permission bitmap */
	set_tss_desc(&gdt[X86_SEL_TSS / 8], tss);
	gdtr.limit = sizeof(cpu_gdt[0]) - 1;
	gdtr.base = (uint64_t)(uintptr_t)gdt;
	idtr.limit = sizeof(idt) - 1;
	idtr.base = (uint64_t)(uintptr_t)idt;
	/* Same selectors as head.S's GDT: CS and the data segments stay. */
	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	__asm__ volatile("ltr %w0" : : "r"(X86_SEL_TSS));
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* The top of the interrupted stack, when it lies in mapped memory. */
static void report_stack(uint64_t rsp)
{
	const uint64_t *sp = (const uint64_t *)(uintptr_t)rsp;
	unsigned int i;

	if (rsp < 0x1000 || rsp > (4ull << 30) - 64 || (rsp & 7) != 0) {
		return;
	}
	for (i = 0; i < 8; i += 4) {
		printk(XENLOG_ERR, "stack %016lx %016lx %016lx %016lx\n",
			(unsigned long)sp[i], (unsigned long)sp[i + 1],
			(unsigned long)sp[i + 2], (unsigned long)sp[i + 3]);
	}
}

static void report(const struct x86_regs *r)
{
	const char *name = r->vector < 32 ? exc_names[r->vector] : "interrupt";

	printk(XENLOG_ERR,
		"*** exception %lu (%s) on cpu %u, error code 0x%lx\n",
		(unsigned long)r->vector, name, lapic_id(),
		(unsigned long)r->error_code);
	printk(XENLOG_ERR, "rip %016lx cs %04lx rflags %016lx\n",
		(unsigned long)r->rip, (unsigned long)r->cs,
		(unsigned long)r->rflags);
	printk(XENLOG_ERR, "rsp %016lx ss %04lx cr2 %016lx\n",
		(unsigned long)r->rsp, (unsigned long)r->ss,
		(unsigned long)read_cr2());
	printk(XENLOG_ERR, "cr0 %016lx cr3 %016lx cr4 %016lx\n",
		(unsigned long)read_cr0(), (unsigned long)read_cr3(),
		(unsigned long)read_cr4());
	printk(XENLOG_ERR, "rax %016lx rbx %016lx rcx %016lx\n",
		(unsigned long)r->rax, (unsigned long)r->rbx,
		(unsigned long)r->rcx);
	printk(XENLOG_ERR, "rdx %016lx rsi %016lx rdi %016lx\n",
		(unsigned long)r->rdx, (unsigned long)r->rsi,
		(unsigned long)r->rdi);
	printk(XENLOG_ERR, "rbp %016lx r8  %016lx r9  %016lx\n",
		(unsigned long)r->rbp, (unsigned long)r->r8,
		(unsigned long)r->r9);
	printk(XENLOG_ERR, "r10 %016lx r11 %016lx r12 %016lx\n",
		(unsigned long)r->r10, (unsigned long)r->r11,
		(unsigned long)r->r12);
	printk(XENLOG_ERR, "r13 %016lx r14 %016lx r15 %016lx\n",
		(unsigned long)r->r13, (unsigned long)r->r14,
		(unsigned long)r->r15);
	report_stack(r->rsp);
}

void x86_trap(struct x86_regs *r);
void x86_trap(struct x86_regs *r)
{
	x86_irq_handler h = handlers[r->vector & 0xff];

	if (r->vector >= 32 && h != NULL) {
		h(r);
		return;
	}
	if (r->vector >= 32) {
		/* The spurious vector and the masked PICs' spurious IRQs 7
		 * and 15 need no EOI; anything else unexpected is logged. */
		if (r->vector != X86_VEC_SPURIOUS &&
			r->vector != X86_VEC_PIC_BASE + 7 &&
			r->vector != X86_VEC_PIC_BASE + 15) {
			printk(XENLOG_WARNING, "unexpected interrupt %lu\n",
				(unsigned long)r->vector);
		}
		return;
	}
	/* Only one CPU reports; a second fault while reporting halts. */
	if (__atomic_exchange_n(&report_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		x86_halt();
	}
	report(r);
	x86_exit(X86_EXIT_FAILURE);
}
