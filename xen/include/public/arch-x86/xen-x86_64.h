/* SPDX-License-Identifier: MIT */
/*
 * x86_64 specifics of the guest ABI: flat segment selectors, the Xen
 * virtual address hole, the saved register frame and the arch part of
 * struct vcpu_info.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/arch-x86/xen-x86_64.h) exactly; this header is our
 * own text.  Registers carry only their 64-bit names (rax, rip, ...).
 *
 * Hypercalls: arguments in rdi, rsi, rdx, r10, r8, r9; result in rax; the
 * entry for hypercall N is at hypercall_page + N * 32.
 */

/* The guest handle macros live in arch-x86/xen.h; it includes us back. */
#include "xen.h"

#ifndef __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__

#include <stddef.h>
#include <stdint.h>

/* Flat selectors in Xen's part of every GDT (entries 260-262). */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/* The hole reserved for Xen, and the read-only M2P table inside it. */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END 0xFFFF880000000000
#define __MACH2PHYS_VIRT_START 0xFFFF800000000000
#define __MACH2PHYS_VIRT_END 0xFFFF804000000000

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START 0xFFFF800000000000UL
#define HYPERVISOR_VIRT_END 0xFFFF880000000000UL
#endif
#define MACH2PHYS_VIRT_START 0xFFFF800000000000UL
#define MACH2PHYS_VIRT_END 0xFFFF804000000000UL
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* HYPERVISOR_set_segment_base(which, base) */
#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL 3 /* base[15:0] is a user %gs selector */

/* iret_context.flags: the guest left through SYSCALL; return with SYSRET. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL VGCF_in_syscall

/* What HYPERVISOR_iret pops from the guest kernel stack (top first). */
struct iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/* Saved general registers of a vCPU; the order is ABI. */
struct cpu_user_regs {
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code;   /* Xen private */
	uint32_t entry_vector; /* Xen private */
	uint64_t rip;
	uint16_t cs, _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	uint64_t rflags; /* IF mirrors !saved_upcall_mask */
	uint64_t rsp;
	uint16_t ss, _pad2[3];
	uint16_t es, _pad3[3];
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3]; /* non-zero: wins over fs_base */
	uint16_t gs, _pad6[3]; /* non-zero: wins over gs_base_user */
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

/* The x86 part of struct vcpu_info; pad keeps vcpu_info at 64 bytes. */
struct arch_vcpu_info {
	unsigned long cr2;
	unsigned long pad;
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

typedef unsigned long xen_callback_t;

__extension__ _Static_assert(
	sizeof(struct iret_context) == 72, "iret_context is 72 bytes");
__extension__ _Static_assert(
	sizeof(struct cpu_user_regs) == 200, "cpu_user_regs is 200 bytes");
__extension__ _Static_assert(offsetof(struct cpu_user_regs, error_code) == 120,
	"error_code follows the 15 GPRs");
__extension__ _Static_assert(
	offsetof(struct cpu_user_regs, rip) == 128, "rip offset");
__extension__ _Static_assert(
	offsetof(struct cpu_user_regs, saved_upcall_mask) == 140,
	"saved_upcall_mask offset");
__extension__ _Static_assert(
	offsetof(struct cpu_user_regs, rflags) == 144, "rflags offset");
__extension__ _Static_assert(
	offsetof(struct cpu_user_regs, gs) == 192, "gs offset");
__extension__ _Static_assert(
	sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info is 16 bytes");

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_X86_64_H__ */
