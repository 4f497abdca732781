/* SPDX-License-Identifier: MIT */
/*
 * HVM parameters: the HVM_PARAM_* indexes of HVMOP_set_param /
 * HVMOP_get_param and the values some of them take.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/hvm/params.h) exactly; this header is our own text.
 * HVM_NR_PARAMS is 38 as in 4.9 (HVM_PARAM_MCA_CAP, 38, came later).
 */
#ifndef __XEN_PUBLIC_HVM_PARAMS_H__
#define __XEN_PUBLIC_HVM_PARAMS_H__

#include "hvm_op.h"

/*
 * How vCPU 0's event channel upcall is delivered: 0 disables it,
 * otherwise bits 63:56 hold an HVM_PARAM_CALLBACK_TYPE_*.
 */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK xen_mk_ullong(0xFF00000000000000)
/* bits 55:0: the GSI (never 0) */
#define HVM_PARAM_CALLBACK_TYPE_GSI 0
/* bits 47:32 segment, 31:16 bus, 15:8 devfn, 1:0 INTx pin */
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX 1
/* bits 7:0: the vector (see XENFEAT_hvm_callback_vector) */
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2

/* The xenstore ring: its frame and event channel. */
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2

#define HVM_PARAM_PAE_ENABLED 4

/* Synchronous ioreq page of the default ioreq server. */
#define HVM_PARAM_IOREQ_PFN 5

/* Buffered ioreq page of the default ioreq server and its port. */
#define HVM_PARAM_BUFIOREQ_PFN 6
#define HVM_PARAM_BUFIOREQ_EVTCHN 26

/* Viridian (Hyper-V) enlightenments: a mask of HVMPV_* (base required). */
#define HVM_PARAM_VIRIDIAN 9

#define _HVMPV_base_freq 0
#define HVMPV_base_freq (1 << _HVMPV_base_freq)
#define _HVMPV_no_freq 1
#define HVMPV_no_freq (1 << _HVMPV_no_freq)
#define _HVMPV_time_ref_count 2
#define HVMPV_time_ref_count (1 << _HVMPV_time_ref_count)
#define _HVMPV_reference_tsc 3
#define HVMPV_reference_tsc (1 << _HVMPV_reference_tsc)
#define _HVMPV_hcall_remote_tlb_flush 4
#define HVMPV_hcall_remote_tlb_flush (1 << _HVMPV_hcall_remote_tlb_flush)
#define _HVMPV_apic_assist 5
#define HVMPV_apic_assist (1 << _HVMPV_apic_assist)
#define _HVMPV_crash_ctl 6
#define HVMPV_crash_ctl (1 << _HVMPV_crash_ctl)

#define HVMPV_feature_mask                                                     \
	(HVMPV_base_freq | HVMPV_no_freq | HVMPV_time_ref_count |              \
		HVMPV_reference_tsc | HVMPV_hcall_remote_tlb_flush |           \
		HVMPV_apic_assist | HVMPV_crash_ctl)

/* Virtual timer policy for ticks missed while a vCPU was descheduled. */
#define HVM_PARAM_TIMER_MODE 10
#define HVMPTM_delay_for_missed_ticks 0    /* default: replay them late */
#define HVMPTM_no_delay_for_missed_ticks 1 /* replay, time tracks wallclock */
#define HVMPTM_no_missed_ticks_pending 2   /* drop them */
#define HVMPTM_one_missed_tick_pending 3   /* fold them into one */

#define HVM_PARAM_HPET_ENABLED 11 /* boolean */
#define HVM_PARAM_IDENT_PT 12     /* EPT identity map used while CR0.PG=0 */
#define HVM_PARAM_DM_DOMAIN 13    /* device model domain (default 0) */
#define HVM_PARAM_ACPI_S_STATE 14 /* 0 or 3 */
#define HVM_PARAM_VM86_TSS 15     /* TSS used while CR0.PE=0 (VMX) */
#define HVM_PARAM_VPT_ALIGN 16    /* boolean: align periodic timers */

/* The PV console ring: its frame and event channel. */
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18

/* 0: ACPI PM blocks at 0x1f40 (old); 1: at 0xb000 (see ioreq.h). */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION 19

/* Deprecated. */
#define HVM_PARAM_MEMORY_EVENT_CR0 20
#define HVM_PARAM_MEMORY_EVENT_CR3 21
#define HVM_PARAM_MEMORY_EVENT_CR4 22
#define HVM_PARAM_MEMORY_EVENT_INT3 23
#define HVM_PARAM_MEMORY_EVENT_SINGLE_STEP 25
#define HVM_PARAM_MEMORY_EVENT_MSR 30

#define HVM_PARAM_NESTEDHVM 24 /* boolean */

/* Rings of the vm_event interfaces. */
#define HVM_PARAM_PAGING_RING_PFN 27
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_PARAM_SHARING_RING_PFN 29

/* SHUTDOWN_* reason used when the guest triple faults. */
#define HVM_PARAM_TRIPLE_FAULT_REASON 31

/* Frames set aside for ioreq servers: first and count. */
#define HVM_PARAM_IOREQ_SERVER_PFN 32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES 33

/* Guest physical address of the VM generation ID. */
#define HVM_PARAM_VM_GENERATION_ID_ADDR 34

/* Who may use altp2m. */
#define HVM_PARAM_ALTP2M 35
#define XEN_ALTP2M_disabled 0
#define XEN_ALTP2M_mixed 1    /* guest and tools */
#define XEN_ALTP2M_external 2 /* tools only */
#define XEN_ALTP2M_limited 3  /* guest: VMFUNC and #VE only */

/* x87 FIP/FDP width to save: 8, 4, or 0 (Xen picks). */
#define HVM_PARAM_X87_FIP_WIDTH 36

/* VM86 TSS: address in bits 31:0, size in bits 63:32. */
#define HVM_PARAM_VM86_TSS_SIZED 37

#define HVM_NR_PARAMS 38

#endif /* __XEN_PUBLIC_HVM_PARAMS_H__ */
