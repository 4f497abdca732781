/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM: the VMCB (AMD64 Architecture Programmer's Manual vol. 2,
 * appendix B, "Layout of VMCB"), per-CPU enabling and one vCPU's world
 * switch and exit handling.
 */
#ifndef X86_SVM_H
#define X86_SVM_H

#include <stdbool.h>
#include <stdint.h>

#include "p2m.h"

struct vcpu;
struct domain;

/* ---- the VMCB, byte offsets of appendix B -------------------------- */
#define VMCB_INTERCEPT_CR 0x000
#define VMCB_INTERCEPT_DR 0x004
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_MISC1 0x00c
#define VMCB_INTERCEPT_MISC2 0x010
#define VMCB_IOPM_BASE 0x040
#define VMCB_MSRPM_BASE 0x048
#define VMCB_TSC_OFFSET 0x050
#define VMCB_ASID 0x058
#define VMCB_TLB_CONTROL 0x05c
#define VMCB_VINTR 0x060
#define VMCB_INT_SHADOW 0x068
#define VMCB_EXITCODE 0x070
#define VMCB_EXITINFO1 0x078
#define VMCB_EXITINFO2 0x080
#define VMCB_EXITINTINFO 0x088
#define VMCB_NP_ENABLE 0x090
#define VMCB_EVENTINJ 0x0a8
#define VMCB_N_CR3 0x0b0
#define VMCB_CLEAN 0x0c0
#define VMCB_NRIP 0x0c8
/* State save area. */
#define VMCB_ES 0x400
#define VMCB_CS 0x410
#define VMCB_SS 0x420
#define VMCB_DS 0x430
#define VMCB_FS 0x440
#define VMCB_GS 0x450
#define VMCB_GDTR 0x460
#define VMCB_LDTR 0x470
#define VMCB_IDTR 0x480
#define VMCB_TR 0x490
#define VMCB_CPL 0x4cb
#define VMCB_EFER 0x4d0
#define VMCB_CR4 0x548
#define VMCB_CR3 0x550
#define VMCB_CR0 0x558
#define VMCB_DR7 0x560
#define VMCB_DR6 0x568
#define VMCB_RFLAGS 0x570
#define VMCB_RIP 0x578
#define VMCB_RSP 0x5d8
#define VMCB_RAX 0x5f8
#define VMCB_CR2 0x640
#define VMCB_G_PAT 0x668

/* Intercept bits (MISC1 and MISC2 words). */
#define SVM_INTERCEPT_INTR (1u << 0)
#define SVM_INTERCEPT_NMI (1u << 1)
#define SVM_INTERCEPT_VINTR (1u << 4)
#define SVM_INTERCEPT_CPUID (1u << 18)
#define SVM_INTERCEPT_HLT (1u << 24)
#define SVM_INTERCEPT_IOIO (1u << 27)
#define SVM_INTERCEPT_MSR (1u << 28)
#define SVM_INTERCEPT_SHUTDOWN (1u << 31)
#define SVM_INTERCEPT_VMRUN (1u << 0)
#define SVM_INTERCEPT_VMMCALL (1u << 1)

/* Exit codes (appendix C). */
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_IOIO 0x7b
#define SVM_EXIT_MSR 0x7c
#define SVM_EXIT_SHUTDOWN 0x7f
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMMCALL 0x81
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffull

/** Guest registers VMRUN does not switch; svm_entry.S's layout. */
struct svm_gprs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/** One vCPU's SVM state (v->arch). */
struct svm_vcpu {
	uint8_t *vmcb; /* one page */
	struct svm_gprs gprs;
	uint64_t upcall_pending; /* an event is waiting to be injected */
	int running_cpu;         /* the CPU in svm_vcpu_run() now, or -1 */
	int first_cpu;           /* where it first ran, -1: not yet */
};

/** One domain's machine state (d->arch). */
struct x86_domain {
	struct p2m p2m;
	uint32_t asid;
	bool launched;
};

/* The VMCB as fields of given width. */
#define VMCB64(v, off) (*(volatile uint64_t *)((v)->vmcb + (off)))
#define VMCB32(v, off) (*(volatile uint32_t *)((v)->vmcb + (off)))
#define VMCB16(v, off) (*(volatile uint16_t *)((v)->vmcb + (off)))
#define VMCB8(v, off) (*(volatile uint8_t *)((v)->vmcb + (off)))

/** Whether this CPU has SVM with nested paging (and the BIOS allows it). */
bool svm_available(void);
/** ASIDs are 1 .. svm_asid_limit() - 1 (0 is the host's). */
uint32_t svm_asid_limit(void);
/** Enable SVM on the calling CPU (each CPU once); -ENODEV without SVM
 * and nested paging. */
int svm_cpu_init(void);
/** Set up v's VMCB for a PVH start at entry with EBX = ebx. */
int svm_vcpu_init(struct vcpu *v, uint32_t entry, uint32_t ebx);
void svm_vcpu_fini(struct vcpu *v);
/**
 * Run v until an exit the scheduler must see (block, shutdown, IRQ).
 * Called and returns with the core lock held (smp_core_lock).
 */
void svm_vcpu_run(struct vcpu *v);
/**
 * on: guests' HLT is no longer intercepted: it halts the physical CPU
 * inside the guest until an interrupt, which exits (Xen's vwfi=native on
 * Arm). Only for when every vCPU has a CPU of its own (sched=null), since
 * a halted vCPU keeps its CPU. Applies from each vCPU's next entry.
 */
void svm_set_hlt_native(bool on);
/** Exits of all CPUs so far, and how many of them were HLT. */
void svm_exit_counts(uint64_t *exits, uint64_t *hlt_exits);
/** Make v's CPU leave the guest if v runs now (kick, pause). */
void svm_vcpu_kick(struct vcpu *v);

/* svm_entry.S */
void svm_world_switch(
	uint64_t vmcb_pa, struct svm_gprs *gprs, uint64_t host_save_pa);

#endif
