/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The common x86 start. Every boot path ends here with a struct boot_info:
 * head.S's 32-bit paths through x86_boot32() (PVH, multiboot2), the UEFI
 * stub through x86_efi_entry64 and x86_boot_efi(). From then on the order
 * is fixed, each step relying on the ones before it:
 *
 *   serial -> command line -> traps (GDT/TSS/IDT) -> PICs masked ->
 *   page allocator and heap -> TSC -> local APIC -> ACPI CPUs, SMP ->
 *   the core (console, domains, scheduler), SVM -> banner -> the boot
 *   domains (a device tree in module 0, else dom0 from module 0) -> test
 *   hook -> the domains run until they have shut down -> idle
 *
 * Then every CPU runs its scheduler loop (x86_cpu_run), the APs from the
 * moment the boot CPU releases them; they share the core under one lock.
 */
#include "dt.h"
#include "sched.h"
#include "svm.h"
#include "x86.h"
#include "xen/arch/arch.h"
#include "xen/domain.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched_if.h"

#define DOM0_DEFAULT_MEM (32ull << 20)
#define MSR_FS_BASE 0xc0000100

struct cmdline_opts x86_opts;
bool x86_svm_enabled;
static struct boot_info boot_info; /* the copy everything reads */
static uint32_t cpu_apic_ids[ACPI_MAX_CPUS];
/* Domains created at boot; the run ends when they are all shut down. */
static struct domain *boot_domains[DT_MAX_DOMAINS];
static unsigned int boot_domain_count;
static unsigned int boot_domains_down;
static bool boot_all_poweroff = true;
static bool boot_stop;
/* libfdt reads its stack canary at %fs:0x28 (dt.c). */
static uint64_t fs_area[8] __attribute__((aligned(64)));

void x86_boot32(uint32_t kind, uint32_t magic, uint32_t info);
void x86_boot_efi(const struct boot_info *bi);

__attribute__((noreturn)) void x86_halt(void)
{
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

__attribute__((noreturn)) void x86_exit(uint8_t code)
{
	outb(X86_DEBUG_EXIT_PORT, code);
	x86_halt(); /* not under QEMU: stop here */
}

/* libfdt's stack protector (dt.c). */
__attribute__((noreturn)) void __stack_chk_fail(void);
__attribute__((noreturn)) void __stack_chk_fail(void)
{
	x86_panic("stack protector: corrupted stack\n");
}

__attribute__((noreturn)) void x86_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintk(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(XENLOG_ERR, "panic: %s", buf);
	x86_exit(X86_EXIT_FAILURE);
}

/* Remap the 8259 PICs away from the exception vectors and mask them. */
static void pic_disable(void)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, X86_VEC_PIC_BASE);
	outb(0xa1, X86_VEC_PIC_BASE + 8);
	outb(0x21, 4);
	outb(0xa1, 2);
	outb(0x21, 1);
	outb(0xa1, 1);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void log_memory_map(const struct boot_info *bi)
{
	static const char *const names[] = {
		"?",
		"ram",
		"reserved",
		"acpi",
		"nvs",
		"bad",
	};
	unsigned int i;

	for (i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_range *r = &bi->mem[i];

		printk(XENLOG_DEBUG, " %016lx-%016lx %s\n",
			(unsigned long)r->start,
			(unsigned long)(r->start + r->len),
			names[r->type < ARRAY_SIZE(names) ? r->type : 0]);
	}
	for (i = 0; i < bi->mod_count; i++) {
		printk(XENLOG_INFO, "module %u: %016lx, %lu bytes, \"%s\"\n", i,
			(unsigned long)bi->mod[i].start,
			(unsigned long)bi->mod[i].len, bi->mod[i].cmdline);
	}
	if (bi->mem_dropped != 0 || bi->mod_dropped != 0) {
		printk(XENLOG_WARNING,
			"boot: %u memory ranges and %u modules did not fit\n",
			bi->mem_dropped, bi->mod_dropped);
	}
}

unsigned int x86_sched_cpus(void)
{
	return smp_cpus_online();
}

void x86_domain_shut_down(struct domain *d, unsigned int reason)
{
	unsigned int i;

	for (i = 0; i < boot_domain_count; i++) {
		if (boot_domains[i] == d) {
			boot_domains_down++;
			boot_all_poweroff &= reason == SHUTDOWN_poweroff;
		}
	}
	/* As on Xen, dom0 going away takes the machine with it. */
	if (d->domain_id == 0) {
		boot_stop = true;
	}
	if (boot_stop || boot_domains_down == boot_domain_count) {
		smp_kick_cpu(0); /* it may be idle in HLT */
	}
}

static void core_init(void)
{
	int rc;

	console_init();
	xen_version_set_commandline(boot_info.cmdline);
	domain_table_init();
	rc = sched_init(x86_opts.sched[0] != '\0' ? x86_opts.sched : NULL,
		x86_sched_cpus());
	if (rc != 0) {
		x86_panic("scheduler: error %d\n", rc);
	}
	printk(XENLOG_INFO, "sched: %s on %u of %u CPUs\n", sched_name(),
		x86_sched_cpus(), smp_cpus_online());
	if (svm_cpu_init() == 0) {
		x86_svm_enabled = true;
	} else {
		printk(XENLOG_WARNING,
			"svm: no SVM with nested paging: no domains\n");
	}
}

static bool run_finished(void)
{
	return boot_stop || boot_domains_down == boot_domain_count;
}

/*
 * Every CPU's loop once the boot domains exist: whatever the scheduler
 * picks for this CPU runs for its slice (the LAPIC timer's interrupt makes
 * it exit) or until an exit the host must see; with nothing to run, the
 * CPU waits in HLT for an interrupt or a kick. Pending interrupts are let
 * in between two picks, outside the core lock. The run ends when every
 * boot domain has shut down (or dom0 has); then the boot CPU stops the
 * machine: under QEMU an isa-debug-exit, success when every domain
 * powered off.
 */
__attribute__((noreturn)) void x86_cpu_run(unsigned int cpu)
{
	struct sched_decision dec;
	uint64_t exits, hlt_exits;

	if (cpu != 0 && svm_cpu_init() != 0) {
		printk(XENLOG_WARNING, "svm: cpu %u cannot run guests\n", cpu);
		x86_halt();
	}
	for (;;) {
		smp_core_lock();
		if (run_finished()) {
			break;
		}
		dec = sched_pick(cpu, NULL, arch_now_ns());
		x86_slice_program(
			dec.slice_ns != 0 ? arch_now_ns() + dec.slice_ns : 0);
		if (dec.unit != NULL) {
			svm_vcpu_run(dec.unit->vcpu);
		}
		smp_core_unlock();
		if (dec.unit != NULL) {
			__asm__ volatile("sti; nop; cli");
		} else {
			__asm__ volatile("sti; hlt; cli");
		}
	}
	smp_core_unlock();
	if (cpu != 0) {
		x86_halt();
	}
	svm_exit_counts(&exits, &hlt_exits);
	printk(XENLOG_INFO, "svm: %lu exits, %lu of them HLT\n",
		(unsigned long)exits, (unsigned long)hlt_exits);
	printk(XENLOG_INFO, "xen: %s shut down (%s), stopping\n",
		boot_stop ? "dom0" : "every domain",
		boot_all_poweroff ? "all powered off" : "not all powered off");
	x86_exit(boot_all_poweroff ? X86_EXIT_SUCCESS : X86_EXIT_FAILURE);
}

static void boot_domain_add(const struct domain_build_args *a)
{
	struct domain *d;
	int rc;

	rc = domain_build_pvh(a, &d);
	if (rc == -EINVAL) {
		printk(XENLOG_ERR, "d%u: the kernel is not a PVH kernel\n",
			a->domid);
		return;
	}
	if (rc != 0) {
		printk(XENLOG_ERR, "d%u: cannot build it: error %d\n", a->domid,
			rc);
		return;
	}
	boot_domains[boot_domain_count++] = d;
	domain_unpause_by_controller(d);
}

/* The domains a device tree in module 0 describes. */
static void boot_domains_from_dt(const struct boot_module *m)
{
	static struct dt_domain dt[DT_MAX_DOMAINS];
	static struct boot_module image;
	struct domain_build_args a;
	unsigned int count, i;
	int rc;

	rc = dt_read_domains(
		(const void *)(uintptr_t)m->start, m->len, dt, &count);
	if (rc != 0) {
		printk(XENLOG_ERR, "dt: cannot use the device tree: error %d\n",
			rc);
		return;
	}
	printk(XENLOG_INFO, "dt: %u domains described\n", count);
	for (i = 0; i < count; i++) {
		if (dt[i].kernel_image != NULL) {
			/* The kernel inside the tree (module 0 stays). */
			image.start = (uint64_t)(uintptr_t)dt[i].kernel_image;
			image.len = dt[i].kernel_image_len;
			a.kernel = &image;
		} else if (dt[i].kernel == 0 ||
			   dt[i].kernel >= boot_info.mod_count) {
			printk(XENLOG_ERR, "dt: domain '%s': no module %u\n",
				dt[i].name, dt[i].kernel);
			continue;
		} else {
			a.kernel = &boot_info.mod[dt[i].kernel];
		}
		a.domid = dt[i].domid;
		a.privileged = dt[i].privileged;
		a.mem_pages = (uint64_t)dt[i].memory_mib << (20 - PAGE_SHIFT);
		a.vcpus = dt[i].vcpus;
		a.cmdline = dt[i].bootargs;
		boot_domain_add(&a);
	}
}

/*
 * The boot domains: those of a device tree in module 0, or else dom0 from
 * module 0 when it is a PVH kernel. False when there are none.
 */
static bool boot_domains_start(void)
{
	const struct boot_module *m = &boot_info.mod[0];
	struct domain_build_args a;

	if (boot_info.mod_count == 0 || !x86_svm_enabled) {
		return false;
	}
	if (dt_is_fdt((const void *)(uintptr_t)m->start, m->len)) {
		boot_domains_from_dt(m);
		return boot_domain_count > 0;
	}
	a.domid = 0;
	a.privileged = true;
	a.mem_pages = (x86_opts.dom0_mem != 0 ? x86_opts.dom0_mem
					      : DOM0_DEFAULT_MEM) >>
		      PAGE_SHIFT;
	a.vcpus = 1;
	a.kernel = m;
	a.cmdline = m->cmdline;
	boot_domain_add(&a);
	return boot_domain_count > 0;
}

/*
 * Under sched=null with a CPU for every vCPU, a vCPU never shares its CPU:
 * its HLT may halt the CPU inside the guest (the x86 analogue of Xen's
 * vwfi=native), woken by the physical interrupt an event's kick sends.
 * Otherwise HLT exits and blocks the vCPU so that others can run.
 */
static void hlt_policy(void)
{
	unsigned int i, vcpus = 0;

	for (i = 0; i < boot_domain_count; i++) {
		vcpus += boot_domains[i]->max_vcpus;
	}
	if (memcmp(sched_name(), "null", 5) == 0 && vcpus <= x86_sched_cpus()) {
		svm_set_hlt_native(true);
		printk(XENLOG_INFO,
			"svm: HLT not intercepted (sched=null; vCPUs %u, CPUs "
			"%u)\n",
			vcpus, x86_sched_cpus());
	}
}

/* test=timer: ten one-shot LAPIC timer interrupts of 1 ms each. */
static void test_timer(void)
{
	uint64_t t0 = arch_now_ns(), ticks0 = lapic_timer_ticks(), us;
	unsigned int i;

	for (i = 1; i <= 10; i++) {
		arch_timer_program(arch_now_ns() + 1000000);
		while (lapic_timer_ticks() < ticks0 + i) {
			__asm__ volatile("sti; hlt; cli");
		}
	}
	us = (arch_now_ns() - t0) / 1000;
	printk(XENLOG_INFO, "test: timer: 10 ticks in %lu us\n",
		(unsigned long)us);
	/* Calibration rounds down: allow 10% early, never much more. */
	if (us < 9000) {
		x86_panic("timer fired early\n");
	}
}

/* test=alloc: the heap and the page allocator give back what they took. */
static void test_alloc(void)
{
	static void *p[256];
	uint64_t before = mm_free_bytes();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = arch_alloc(1u + (i * 97u) % 9000u);
		if (p[i] == NULL) {
			x86_panic("alloc %u failed\n", i);
		}
		memset(p[i], 0xa5, 1u + (i * 97u) % 9000u);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		arch_free(p[i]);
	}
	printk(XENLOG_INFO, "test: alloc: %lu KiB still held by the heap\n",
		(unsigned long)((before - mm_free_bytes()) >> 10));
}

static void run_test(const char *name)
{
	if (name[0] == '\0') {
		return;
	}
	printk(XENLOG_INFO, "test: %s\n", name);
	if (memcmp(name, "fault", 6) == 0) {
		printk(XENLOG_INFO, "test: reading address 0\n");
		(void)*(volatile uint64_t *)0;
	} else if (memcmp(name, "timer", 6) == 0) {
		test_timer();
	} else if (memcmp(name, "alloc", 6) == 0) {
		test_alloc();
	} else if (memcmp(name, "exit", 5) != 0) {
		x86_panic("unknown test '%s'\n", name);
	}
	printk(XENLOG_INFO, "test: pass\n");
	x86_exit(X86_EXIT_SUCCESS);
}

__attribute__((noreturn)) static void x86_start(void)
{
	struct boot_info *bi = &boot_info;
	unsigned int i, ncpu;
	bool have_domains;

	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)fs_area);
	fs_area[5] = rdtsc() | 1; /* the canary at %fs:0x28 */
	/* The loader's data is copied: make NULL dereferences fault. */
	x86_pt0[0] = 0;
	__asm__ volatile("invlpg (%0)" : : "r"(0ul) : "memory");
	cmdline_parse(&x86_opts, bi->cmdline);
	printk_set_level((enum printk_level)x86_opts.loglvl);
	traps_init();
	traps_cpu_init(0);
	pic_disable();
	printk(XENLOG_INFO, "xen: booted by %s, command line \"%s\"\n",
		boot_loader_name(bi->loader), bi->cmdline);
	for (i = 0; i < x86_opts.error_count && i < CMDLINE_MAX_ERRORS; i++) {
		printk(XENLOG_WARNING, "cmdline: ignored option '%s'\n",
			x86_opts.errors[i]);
	}
	log_memory_map(bi);
	if (mm_init(bi) != 0) {
		x86_panic("no usable RAM in the memory map\n");
	}
	time_init();
	lapic_init();
	ncpu = acpi_find_cpus(bi, cpu_apic_ids);
	smp_boot(bi, cpu_apic_ids, ncpu);
	core_init();
	printk(XENLOG_INFO, "xen: x86_64 bare-metal, %lu MiB usable, %u CPUs\n",
		(unsigned long)(mm_usable_bytes() >> 20), smp_cpus_online());
	have_domains = boot_domains_start();
	if (have_domains) {
		hlt_policy();
	}
	run_test(x86_opts.test);
	if (have_domains) {
		smp_release_aps();
		x86_cpu_run(0);
	}
	for (;;) {
		__asm__ volatile("sti; hlt; cli");
	}
}

void x86_boot32(uint32_t kind, uint32_t magic, uint32_t info)
{
	const void *p = (const void *)(uintptr_t)info;
	int rc;

	ns16550_init();
	if (kind == X86_BOOT_KIND_PVH) {
		rc = boot_pvh_parse(&boot_info, p);
	} else {
		rc = boot_mb2_parse(&boot_info, magic, p);
	}
	if (rc != 0) {
		x86_panic("bad boot information from the %s loader\n",
			kind == X86_BOOT_KIND_PVH ? "PVH" : "multiboot2");
	}
	x86_start();
}

void x86_boot_efi(const struct boot_info *bi)
{
	ns16550_init();
	memcpy(&boot_info, bi, sizeof(boot_info));
	boot_info_finish(&boot_info);
	x86_start();
}
