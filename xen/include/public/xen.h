/* SPDX-License-Identifier: MIT */
/*
 * The core guest ABI: hypercall numbers, virtual IRQs, reserved domain
 * ids, the shared info page, the PV start_info page and the small types
 * every other interface header builds on.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/xen.h, interface version 0x00040900) exactly; this
 * header is our own text.  Only the current interface is described: no
 * __XEN_INTERFACE_VERSION__ compatibility variants.
 */
#ifndef __XEN_PUBLIC_XEN_H__
#define __XEN_PUBLIC_XEN_H__

#include <stddef.h>
#include <stdint.h>

#include "arch-x86/xen.h"

/* The interface revision these headers describe. */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040900

/* Handles for the primitive types. */
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);

/* Suffix a literal as unsigned / unsigned long / unsigned long long. */
#define __xen_mk_uint(x) x##U
#define __xen_mk_ulong(x) x##UL
#ifndef __xen_mk_ullong
#define __xen_mk_ullong(x) x##ULL
#endif
#define xen_mk_uint(x) __xen_mk_uint(x)
#define xen_mk_ulong(x) __xen_mk_ulong(x)
#define xen_mk_ullong(x) __xen_mk_ullong(x)

/* Hypercall numbers. */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
/* 11 is unused */
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_xc_reserved_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41

/* Numbers left to each architecture. */
#define __HYPERVISOR_arch_0 48
#define __HYPERVISOR_arch_1 49
#define __HYPERVISOR_arch_2 50
#define __HYPERVISOR_arch_3 51
#define __HYPERVISOR_arch_4 52
#define __HYPERVISOR_arch_5 53
#define __HYPERVISOR_arch_6 54
#define __HYPERVISOR_arch_7 55

/*
 * Virtual IRQs.  "per-vCPU" ones are bound once on each vCPU; "global"
 * ones once per domain (first on vCPU 0, rebindable later).
 */
#define VIRQ_TIMER 0        /* per-vCPU: timer tick or timeout */
#define VIRQ_DEBUG 1        /* per-vCPU: dump debug state */
#define VIRQ_CONSOLE 2      /* global, dom0: emergency console input */
#define VIRQ_DOM_EXC 3      /* global, dom0: a domain changed state */
#define VIRQ_TBUF 4         /* global, dom0: trace records ready */
#define VIRQ_DEBUGGER 6     /* global, dom0: a domain paused for debug */
#define VIRQ_XENOPROF 7     /* per-vCPU: oprofile sample ready */
#define VIRQ_CON_RING 8     /* global, dom0: console ring input */
#define VIRQ_PCPU_STATE 9   /* global, dom0: a pCPU changed state */
#define VIRQ_MEM_EVENT 10   /* global, dom0: memory event */
#define VIRQ_XC_RESERVED 11 /* global: reserved */
#define VIRQ_ENOMEM 12      /* global, dom0: Xen heap is low */
#define VIRQ_XENPMU 13      /* per-vCPU: PMU interrupt */

#define VIRQ_ARCH_0 16
#define VIRQ_ARCH_1 17
#define VIRQ_ARCH_2 18
#define VIRQ_ARCH_3 19
#define VIRQ_ARCH_4 20
#define VIRQ_ARCH_5 21
#define VIRQ_ARCH_6 22
#define VIRQ_ARCH_7 23

#define NR_VIRQS 24

/* HYPERVISOR_mmu_update: the command is in the low two bits of ptr. */
#define MMU_NORMAL_PT_UPDATE 0      /* *ptr = val, checked */
#define MMU_MACHPHYS_UPDATE 1       /* M2P[ptr >> PAGE_SHIFT] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as 0, keeping the A/D bits */

/* HYPERVISOR_mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE 16
#define MMUEXT_COPY_PAGE 17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19
#define MMUEXT_UNMARK_SUPER 20

struct mmuext_op {
	unsigned int cmd; /* MMUEXT_* */
	union {
		xen_pfn_t mfn;             /* pin, baseptr, page ops */
		unsigned long linear_addr; /* invlpg, set_ldt */
	} arg1;
	union {
		unsigned int nr_ents;                  /* set_ldt */
		XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI */
		xen_pfn_t src_mfn;                     /* copy_page */
	} arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

/* update_va_mapping flags; with UVMF_MULTI also OR in a vCPU mask pointer. */
#define UVMF_NONE (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI (xen_mk_ulong(0) << 2)
#define UVMF_LOCAL (xen_mk_ulong(0) << 2)
#define UVMF_ALL (xen_mk_ulong(1) << 2)

/* HYPERVISOR_console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* HYPERVISOR_vm_assist commands and types. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1

#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3 3
#define VMASST_TYPE_architectural_iopl 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict 32

/* Domain ids from here up are never ordinary domains. */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF xen_mk_uint(0x7FF0)    /* the calling domain */
#define DOMID_IO xen_mk_uint(0x7FF1)      /* owner of I/O memory */
#define DOMID_XEN xen_mk_uint(0x7FF2)     /* Xen's own pages */
#define DOMID_COW xen_mk_uint(0x7FF3)     /* owner of shared pages */
#define DOMID_INVALID xen_mk_uint(0x7FF4) /* unknown owner */
#define DOMID_IDLE xen_mk_uint(0x7FFF)    /* the idle domain */

typedef uint16_t domid_t;

/* One HYPERVISOR_mmu_update request. */
struct mmu_update {
	uint64_t ptr; /* machine address of the PTE, plus MMU_* command */
	uint64_t val;
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One HYPERVISOR_multicall entry. */
struct multicall_entry {
	xen_ulong_t op, result;
	xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vCPU time base.  'version' is odd while Xen updates the record;
 * readers retry until they see the same even value before and after.
 * now = system_time +
 *       ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time; /* ns since boot */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags; /* XEN_PVCLOCK_* */
	uint8_t pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1)

/*
 * Per-vCPU event state.  Xen sets evtchn_upcall_pending; the guest clears
 * it before scanning.  evtchn_upcall_mask non-zero blocks upcalls.  Each
 * bit of evtchn_pending_sel covers one word of shared_info.evtchn_pending.
 */
struct vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t evtchn_upcall_mask;
	xen_ulong_t evtchn_pending_sel;
	struct arch_vcpu_info arch;
	struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/* vcpu_info slots in the shared info page. */
#define MAX_VIRT_CPUS XEN_LEGACY_MAX_VCPUS

/*
 * The shared info page.  evtchn_pending / evtchn_mask are the 2-level
 * event channel bitmaps (4096 ports on x86_64); wc_* is the wallclock at
 * system time zero, versioned like vcpu_time_info.
 */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
	xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
	xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
	uint32_t wc_version;
	uint32_t wc_sec; /* seconds since the epoch, low 32 bits */
	uint32_t wc_nsec;
	uint32_t wc_sec_hi; /* seconds, high 32 bits */
#define xen_wc_sec_hi wc_sec_hi
	struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * PV start of day page (pointer in rsi).  All fields are refreshed on
 * resume except those from pt_base onwards.
 */
struct start_info {
	char magic[32];            /* "xen-<version>-<platform>" */
	unsigned long nr_pages;    /* pages given to the domain */
	unsigned long shared_info; /* machine address of shared_info */
	uint32_t flags;            /* SIF_* */
	xen_pfn_t store_mfn;       /* xenstore ring frame */
	uint32_t store_evtchn;     /* xenstore event channel */
	union {
		struct {
			xen_pfn_t mfn;   /* console ring frame */
			uint32_t evtchn; /* console event channel */
		} domU;
		struct {
			uint32_t info_off; /* offset of dom0_vga_console_info */
			uint32_t info_size; /* its size */
		} dom0;
	} console;
	unsigned long pt_base;      /* virtual address of the top page table */
	unsigned long nr_pt_frames; /* frames of bootstrap page tables */
	unsigned long mfn_list;     /* virtual address of the p2m list */
	unsigned long
		mod_start;     /* initrd: vaddr, or PFN if SIF_MOD_START_PFN */
	unsigned long mod_len; /* initrd length in bytes */
#define MAX_GUEST_CMDLINE 1024
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	unsigned long first_p2m_pfn; /* first frame of the initial p2m */
	unsigned long nr_p2m_frames; /* frames of the initial p2m */
};
typedef struct start_info start_info_t;

/* start_info.flags */
#define SIF_PRIVILEGED (1 << 0)      /* privileged domain */
#define SIF_INITDOMAIN (1 << 1)      /* the initial control domain */
#define SIF_MULTIBOOT_MOD (1 << 2)   /* the module is a multiboot package */
#define SIF_MOD_START_PFN (1 << 3)   /* mod_start is a PFN */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand a linear p2m */
#define SIF_PM_MASK (0xFF << 8)      /* reserved for power management */

/* Module descriptor inside a SIF_MULTIBOOT_MOD package. */
struct xen_multiboot_mod_list {
	uint32_t mod_start; /* first byte, relative to the package */
	uint32_t mod_end;   /* last byte (inclusive) */
	uint32_t cmdline;   /* NUL-terminated command line */
	uint32_t pad;       /* zero */
};

/* Dom0 console description, found at start_info.console.dom0.info_off. */
typedef struct dom0_vga_console_info {
	uint8_t video_type;
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70
	union {
		struct {
			uint16_t font_height;
			uint16_t cursor_x, cursor_y;
			uint16_t rows, columns;
		} text_mode_3;
		struct {
			uint16_t width, height;
			uint16_t bytes_per_line;
			uint16_t bits_per_pixel;
			uint32_t lfb_base;
			uint32_t lfb_size; /* in 64KiB units */
			uint8_t red_pos, red_size;
			uint8_t green_pos, green_size;
			uint8_t blue_pos, blue_size;
			uint8_t rsvd_pos, rsvd_size;
			uint32_t gbl_caps;
			uint16_t mode_attrs;
		} vesa_lfb;
	} u;
} dom0_vga_console_info_t;
#define xen_vga_console_info dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

/* A domain's UUID. */
typedef uint8_t xen_domain_handle_t[16];

__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* Types used by domctl and sysctl; no extra alignment is needed on x86_64. */
#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef XEN_GUEST_HANDLE_64
#define XEN_GUEST_HANDLE_64(name) XEN_GUEST_HANDLE(name)
#endif

/* A CPU (or node) bitmap passed by reference. */
struct xenctl_bitmap {
	XEN_GUEST_HANDLE_64(uint8) bitmap;
	uint32_t nr_bits;
};

__extension__ _Static_assert(
	sizeof(struct mmuext_op) == 24, "mmuext_op is 24 bytes");
__extension__ _Static_assert(
	offsetof(struct mmuext_op, arg2) == 16, "mmuext_op.arg2 offset");
__extension__ _Static_assert(
	sizeof(struct mmu_update) == 16, "mmu_update is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct multicall_entry) == 64, "multicall_entry is 64 bytes");
__extension__ _Static_assert(
	sizeof(struct vcpu_time_info) == 32, "vcpu_time_info is 32 bytes");
__extension__ _Static_assert(
	offsetof(struct vcpu_time_info, tsc_shift) == 28, "tsc_shift offset");
__extension__ _Static_assert(
	sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
__extension__ _Static_assert(
	offsetof(struct vcpu_info, evtchn_pending_sel) == 8,
	"evtchn_pending_sel offset");
__extension__ _Static_assert(
	offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch offset");
__extension__ _Static_assert(
	offsetof(struct vcpu_info, time) == 32, "vcpu_info.time offset");
__extension__ _Static_assert(sizeof(struct shared_info) == 3136,
	"shared_info is 3136 bytes on x86_64");
__extension__ _Static_assert(
	offsetof(struct shared_info, evtchn_pending) == 2048,
	"evtchn_pending offset");
__extension__ _Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560,
	"evtchn_mask offset");
__extension__ _Static_assert(
	offsetof(struct shared_info, wc_version) == 3072, "wc_version offset");
__extension__ _Static_assert(
	offsetof(struct shared_info, arch) == 3088, "shared_info.arch offset");
__extension__ _Static_assert(sizeof(struct start_info) == 1168,
	"start_info is 1168 bytes on x86_64");
__extension__ _Static_assert(
	offsetof(struct start_info, flags) == 48, "start_info.flags offset");
__extension__ _Static_assert(offsetof(struct start_info, store_mfn) == 56,
	"start_info.store_mfn offset");
__extension__ _Static_assert(offsetof(struct start_info, store_evtchn) == 64,
	"start_info.store_evtchn offset");
__extension__ _Static_assert(offsetof(struct start_info, console) == 72,
	"start_info.console offset");
__extension__ _Static_assert(offsetof(struct start_info, pt_base) == 88,
	"start_info.pt_base offset");
__extension__ _Static_assert(offsetof(struct start_info, cmd_line) == 128,
	"start_info.cmd_line offset");
__extension__ _Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152,
	"start_info.first_p2m_pfn offset");
__extension__ _Static_assert(sizeof(struct xen_multiboot_mod_list) == 16,
	"xen_multiboot_mod_list is 16 bytes");
__extension__ _Static_assert(sizeof(struct dom0_vga_console_info) == 36,
	"dom0_vga_console_info is 36 bytes");
__extension__ _Static_assert(offsetof(struct dom0_vga_console_info, u) == 4,
	"dom0_vga_console_info.u offset");
__extension__ _Static_assert(
	sizeof(xen_domain_handle_t) == 16, "xen_domain_handle_t is 16 bytes");
__extension__ _Static_assert(
	sizeof(struct xenctl_bitmap) == 16, "xenctl_bitmap is 16 bytes");

#endif /* __XEN_PUBLIC_XEN_H__ */
