/* SPDX-License-Identifier: MIT */
/*
 * x86 part of the guest ABI: guest handles, the frame and word types,
 * trap tables, the vCPU register context and the arch part of the shared
 * info page.  Only the x86_64 flavour is provided.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/arch-x86/xen.h) exactly; this header is our own text.
 */
#ifndef __XEN_PUBLIC_ARCH_X86_XEN_H__
#define __XEN_PUBLIC_ARCH_X86_XEN_H__

#include <stddef.h>
#include <stdint.h>

#if !defined(__x86_64__)
#error "the guest ABI headers describe x86_64 only"
#endif

/*
 * Guest handles: a pointer into guest memory, wrapped in a struct so that
 * it cannot be dereferenced by accident.  Every handle type comes with a
 * const twin named const_<name>.
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type)                                 \
	typedef struct {                                                       \
		type *p;                                                       \
	} __guest_handle_##name

#define __DEFINE_XEN_GUEST_HANDLE(name, type)                                  \
	___DEFINE_XEN_GUEST_HANDLE(name, type);                                \
	___DEFINE_XEN_GUEST_HANDLE(const_##name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name) __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name) __guest_handle_##name
#define XEN_GUEST_HANDLE(name) __XEN_GUEST_HANDLE(name)
/* As a hypercall argument; the same thing on x86. */
#define XEN_GUEST_HANDLE_PARAM(name) XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val)                                     \
	do {                                                                   \
		(hnd).p = (val);                                               \
	} while (0)
#define set_xen_guest_handle(hnd, val) set_xen_guest_handle_raw(hnd, val)

/* Needs the handle macros above, so it comes after them. */
#include "xen-x86_64.h"

typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn "lx"

typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

/* x86 has the PV start_info page and a per-vCPU upcall mask. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/* The last GDT pages belong to Xen; guests use the entries below them. */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vCPUs whose vcpu_info lives in the shared info page. */
#define XEN_LEGACY_MAX_VCPUS 32

/*
 * One virtual IDT entry for HYPERVISOR_set_trap_table; a zero address
 * ends the table.  flags: bits 0-1 the DPL, bit 2 "clear the event mask".
 */
#define TI_GET_DPL(_ti) ((_ti)->flags & 3)
#define TI_GET_IF(_ti) ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if) ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
	uint8_t vector;
	uint8_t flags;
	uint16_t cs;
	unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

typedef uint64_t tsc_timestamp_t;

/* Full register state of a PV vCPU (VCPUOP_initialise, set/getvcpucontext). */
struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt; /* FXSAVE image, first so it stays 16-aligned */
#define VGCF_I387_VALID (1 << 0)
#define VGCF_IN_KERNEL (1 << 2)
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)
	unsigned long flags;
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];
	unsigned long ldt_base, ldt_ents;
	unsigned long gdt_frames[16], gdt_ents;
	unsigned long kernel_ss, kernel_sp;
	unsigned long ctrlreg[8]; /* ctrlreg[1] is the user page table */
	unsigned long debugreg[8];
	unsigned long event_callback_eip;
	unsigned long failsafe_callback_eip;
	unsigned long syscall_callback_eip;
	unsigned long vm_assist; /* bitmap of VMASST_TYPE_* */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/* The x86 tail of struct shared_info. */
struct arch_shared_info {
	unsigned long max_pfn; /* entries in the p2m */
	/* 3-level p2m tree root; 0 = not set up, ~0 = use p2m_vaddr */
	xen_pfn_t pfn_to_mfn_frame_list_list;
	unsigned long nmi_reason;
	/* Linear p2m list, valid when p2m_cr3 != 0. */
	unsigned long p2m_cr3;
	unsigned long p2m_vaddr;
	unsigned long p2m_generation; /* odd while an update is in flight */
};
typedef struct arch_shared_info arch_shared_info_t;

/* Arch part of XEN_DOMCTL_createdomain (versioned with the domctl ABI). */
struct xen_arch_domainconfig {
#define _XEN_X86_EMU_LAPIC 0
#define XEN_X86_EMU_LAPIC (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET 1
#define XEN_X86_EMU_HPET (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM 2
#define XEN_X86_EMU_PM (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC 3
#define XEN_X86_EMU_RTC (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC 4
#define XEN_X86_EMU_IOAPIC (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC 5
#define XEN_X86_EMU_PIC (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA 6
#define XEN_X86_EMU_VGA (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU 7
#define XEN_X86_EMU_IOMMU (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT 8
#define XEN_X86_EMU_PIT (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ 9
#define XEN_X86_EMU_USE_PIRQ (1U << _XEN_X86_EMU_USE_PIRQ)
#define XEN_X86_EMU_ALL                                                        \
	(XEN_X86_EMU_LAPIC | XEN_X86_EMU_HPET | XEN_X86_EMU_PM |               \
		XEN_X86_EMU_RTC | XEN_X86_EMU_IOAPIC | XEN_X86_EMU_PIC |       \
		XEN_X86_EMU_VGA | XEN_X86_EMU_IOMMU | XEN_X86_EMU_PIT |        \
		XEN_X86_EMU_USE_PIRQ)
	uint32_t emulation_flags;
};

/* HVM ACPI: online-vCPU bitmap location and the CPU hotplug GPE0 bit. */
#define XEN_ACPI_CPU_MAP 0xaf00
#define XEN_ACPI_GPE0_CPUHP_BIT 2

/* Prefix that makes Xen emulate the following instruction (CPUID). */
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"

__extension__ _Static_assert(
	sizeof(struct trap_info) == 16, "trap_info is 16 bytes");
__extension__ _Static_assert(sizeof(struct vcpu_guest_context) == 5168,
	"vcpu_guest_context is 5168 bytes on x86_64");
__extension__ _Static_assert(
	offsetof(struct vcpu_guest_context, user_regs) == 520,
	"user_regs follows fpu_ctxt and flags");
__extension__ _Static_assert(
	offsetof(struct vcpu_guest_context, trap_ctxt) == 720,
	"trap_ctxt follows user_regs");
__extension__ _Static_assert(
	offsetof(struct vcpu_guest_context, ctrlreg) == 4984, "ctrlreg offset");
__extension__ _Static_assert(
	offsetof(struct vcpu_guest_context, fs_base) == 5144, "fs_base offset");
__extension__ _Static_assert(sizeof(struct arch_shared_info) == 48,
	"arch_shared_info is 48 bytes on x86_64");
__extension__ _Static_assert(sizeof(struct xen_arch_domainconfig) == 4,
	"xen_arch_domainconfig is 4 bytes");

#endif /* __XEN_PUBLIC_ARCH_X86_XEN_H__ */
