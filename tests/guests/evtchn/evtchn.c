/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The evtchn guest: event delivery through the upcall vector. It installs
 * an IDT entry for vector 0xf3, names it with HVM_PARAM_CALLBACK_IRQ
 * (type HVM_PARAM_CALLBACK_TYPE_VECTOR), binds an IPI event channel to
 * itself and sends on it twice: once with interrupts on (the upcall must
 * arrive as the hypercall returns) and once with them off (it must wait
 * and arrive right after STI). shared_info is the first page of the
 * reserved range that follows RAM in the start_info memory map, where the
 * bare-metal port places it (docs/baremetal.md).
 */
#include "event_channel.h"
#include "guest.h"
#include "hvm/hvm_op.h"
#include "hvm/params.h"

#define UPCALL_VECTOR 0xf3

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
volatile uint32_t upcall_count;
struct shared_info *volatile shinfo;

void upcall_entry(void);
__asm__(".text\n"
	".globl upcall_entry\n"
	"upcall_entry:\n"
	"	push %rax\n"
	"	lock incl upcall_count(%rip)\n"
	"	mov shinfo(%rip), %rax\n"
	"	movb $0, (%rax)\n" /* vcpu_info[0].evtchn_upcall_pending */
	"	pop %rax\n"
	"	iretq\n");

static void idt_install(void)
{
	uint64_t a = (uint64_t)(uintptr_t)upcall_entry;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed))
	idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	idt[UPCALL_VECTOR].off_lo = (uint16_t)a;
	idt[UPCALL_VECTOR].sel = 0x08;
	idt[UPCALL_VECTOR].attr = 0x8e;
	idt[UPCALL_VECTOR].off_mid = (uint16_t)(a >> 16);
	idt[UPCALL_VECTOR].off_hi = (uint32_t)(a >> 32);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static long evtchn_op(unsigned int cmd, void *arg)
{
	return guest_hypercall3(__HYPERVISOR_event_channel_op, cmd,
		(unsigned long)(uintptr_t)arg, 0);
}

static void fail(const char *why)
{
	guest_puts(why);
	guest_shutdown(SHUTDOWN_crash);
}

static void clear_pending(evtchn_port_t port)
{
	shinfo->evtchn_pending[port / 64] &= ~(1ull << (port % 64));
	shinfo->vcpu_info[0].evtchn_pending_sel = 0;
}

void guest_main(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm =
		(const void *)(uintptr_t)si->memmap_paddr;
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) |
			 UPCALL_VECTOR,
	};
	struct evtchn_bind_ipi bind = {.vcpu = 0};
	struct evtchn_send send;

	if (si->memmap_entries < 2) {
		fail("evtchn: no reserved range after RAM\n");
		return;
	}
	shinfo = (struct shared_info *)(uintptr_t)mm[1].addr;
	idt_install();
	if (guest_hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_param,
		    (unsigned long)(uintptr_t)&p, 0) != 0 ||
		evtchn_op(EVTCHNOP_bind_ipi, &bind) != 0) {
		fail("evtchn: set_param or bind_ipi failed\n");
		return;
	}
	send.port = bind.port;
	__asm__ volatile("sti");
	if (evtchn_op(EVTCHNOP_send, &send) != 0 || upcall_count != 1) {
		fail("evtchn: no upcall with interrupts on\n");
		return;
	}
	guest_puts("evtchn: upcall with interrupts on\n");
	clear_pending(bind.port);
	__asm__ volatile("cli");
	if (evtchn_op(EVTCHNOP_send, &send) != 0 || upcall_count != 1) {
		fail("evtchn: upcall while interrupts were off\n");
		return;
	}
	__asm__ volatile("sti; nop" ::: "memory");
	if (upcall_count != 2) {
		fail("evtchn: no upcall after sti\n");
		return;
	}
	guest_puts("evtchn: upcall after sti\n");
	guest_shutdown(SHUTDOWN_poweroff);
}
