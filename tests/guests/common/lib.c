/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the test guests share beyond guest.h: formatted output through
 * console_io, the command line's name=value words, shared_info (the first
 * page of the reserved range after RAM in the start_info memory map, as
 * the bare-metal port places it), the upcall vector and its IDT entry,
 * Xen's pvclock (vcpu_info.time) and waiting for an event channel.
 *
 * Waiting follows Xen's protocol: clear evtchn_upcall_pending, then test
 * the port's pending bit, with interrupts off so that an upcall cannot
 * clear the flag between the test and the wait; SCHEDOP_block (or HLT)
 * returns at once when the flag is set meanwhile. The upcall handler moves
 * an interrupted RIP past guest_hlt_insn, so an upcall taken just before
 * the HLT cannot leave the vCPU halted with its event consumed.
 */
#include <stdarg.h>

#include "event_channel.h"
#include "guest.h"
#include "hvm/hvm_op.h"
#include "hvm/params.h"

#define GUEST_UPCALL_VECTOR 0xf3

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, attr;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
static const char *cmdline = "";
struct shared_info *volatile guest_shinfo;
volatile uint32_t guest_upcall_count;

void guest_upcall_entry(void);
__asm__(".text\n"
	".globl guest_upcall_entry\n"
	"guest_upcall_entry:\n"
	"	push %rax\n"
	"	lock incl guest_upcall_count(%rip)\n"
	"	lea guest_hlt_insn(%rip), %rax\n"
	"	cmp %rax, 8(%rsp)\n"
	"	jne 1f\n"
	"	incq 8(%rsp)\n" /* do not go back into the HLT */
	"1:	mov guest_shinfo(%rip), %rax\n"
	"	movb $0, (%rax)\n" /* vcpu_info[0].evtchn_upcall_pending */
	"	pop %rax\n"
	"	iretq\n"
	".globl guest_sti_hlt\n"
	"guest_sti_hlt:\n"
	"	sti\n"
	".globl guest_hlt_insn\n"
	"guest_hlt_insn:\n"
	"	hlt\n"
	"	ret\n");

/* ---- output ---------------------------------------------------------- */

struct out {
	char buf[256];
	size_t len;
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < sizeof(o->buf)) {
		o->buf[o->len++] = c;
	}
}

static void out_num(struct out *o, uint64_t v, unsigned int base,
	unsigned int width, char pad)
{
	char tmp[24];
	unsigned int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (width > n) {
		out_char(o, pad);
		width--;
	}
	while (n > 0) {
		out_char(o, tmp[--n]);
	}
}

/* %s %c %d %u %x with an optional 0 and width, l and ll sizes. */
static void out_format(struct out *o, const char *fmt, va_list ap)
{
	unsigned int width, longs;
	const char *s;
	char pad;
	int64_t sv;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			out_char(o, *fmt);
			continue;
		}
		fmt++;
		pad = ' ';
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++) {
			width = width * 10 + (unsigned int)(*fmt - '0');
		}
		for (longs = 0; *fmt == 'l'; fmt++) {
			longs++;
		}
		switch (*fmt) {
		case 's':
			for (s = va_arg(ap, const char *); *s != '\0'; s++) {
				out_char(o, *s);
			}
			break;
		case 'c':
			out_char(o, (char)va_arg(ap, int));
			break;
		case 'd':
			sv = longs > 0 ? va_arg(ap, long) : va_arg(ap, int);
			if (sv < 0) {
				out_char(o, '-');
				sv = -sv;
			}
			out_num(o, (uint64_t)sv, 10, width, pad);
			break;
		case 'u':
		case 'x':
			out_num(o,
				longs > 0 ? va_arg(ap, unsigned long)
					  : va_arg(ap, unsigned int),
				*fmt == 'u' ? 10 : 16, width, pad);
			break;
		default:
			out_char(o, '%');
			out_char(o, *fmt);
			break;
		}
	}
}

void guest_printf(const char *fmt, ...)
{
	struct out o = {.len = 0};
	va_list ap;

	va_start(ap, fmt);
	out_format(&o, fmt, ap);
	va_end(ap);
	o.buf[o.len] = '\0';
	guest_puts(o.buf);
}

void guest_pass(const char *fmt, ...)
{
	struct out o = {.len = 0};
	va_list ap;

	memcpy(o.buf, "PASS ", 5);
	o.len = 5;
	va_start(ap, fmt);
	out_format(&o, fmt, ap);
	va_end(ap);
	out_char(&o, '\n');
	o.buf[o.len] = '\0';
	guest_puts(o.buf);
}

void guest_fail(const char *fmt, ...)
{
	struct out o = {.len = 0};
	va_list ap;

	memcpy(o.buf, "FAIL ", 5);
	o.len = 5;
	va_start(ap, fmt);
	out_format(&o, fmt, ap);
	va_end(ap);
	out_char(&o, '\n');
	o.buf[o.len] = '\0';
	guest_puts(o.buf);
	guest_shutdown(SHUTDOWN_crash);
	for (;;) {
		__asm__ volatile("cli; hlt");
	}
}

/* ---- command line ---------------------------------------------------- */

const char *guest_arg(const char *name)
{
	size_t n = guest_strlen(name);
	const char *p = cmdline;

	while (*p != '\0') {
		while (*p == ' ') {
			p++;
		}
		if (memcmp(p, name, n) == 0 && p[n] == '=') {
			return p + n + 1;
		}
		while (*p != '\0' && *p != ' ') {
			p++;
		}
	}
	return NULL;
}

unsigned long guest_arg_num(const char *name, unsigned long def)
{
	const char *v = guest_arg(name);
	unsigned long n = 0;

	if (v == NULL || *v < '0' || *v > '9') {
		return def;
	}
	for (; *v >= '0' && *v <= '9'; v++) {
		n = n * 10 + (unsigned long)(*v - '0');
	}
	return n;
}

bool guest_arg_is(const char *name, const char *value)
{
	const char *v = guest_arg(name);
	size_t n = guest_strlen(value);

	return v != NULL && memcmp(v, value, n) == 0 &&
	       (v[n] == '\0' || v[n] == ' ');
}

/* ---- set-up ---------------------------------------------------------- */

static void idt_install(void)
{
	uint64_t a = (uint64_t)(uintptr_t)guest_upcall_entry;
	struct idt_gate *g = &idt[GUEST_UPCALL_VECTOR];
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed))
	idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	g->off_lo = (uint16_t)a;
	g->sel = 0x08;
	g->attr = 0x8e;
	g->off_mid = (uint16_t)(a >> 16);
	g->off_hi = (uint32_t)(a >> 32);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void guest_setup(const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *mm =
		(const void *)(uintptr_t)si->memmap_paddr;
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) |
			 GUEST_UPCALL_VECTOR,
	};

	if (si->cmdline_paddr != 0) {
		cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
	}
	if (si->memmap_entries < 2) {
		guest_fail("setup: no reserved range after RAM");
	}
	guest_shinfo = (struct shared_info *)(uintptr_t)mm[1].addr;
	idt_install();
	if (guest_hypercall3(__HYPERVISOR_hvm_op, HVMOP_set_param,
		    (unsigned long)(uintptr_t)&p, 0) != 0) {
		guest_fail("setup: HVM_PARAM_CALLBACK_IRQ refused");
	}
}

/* ---- time ------------------------------------------------------------ */

uint64_t guest_now_ns(void)
{
	volatile struct vcpu_time_info *t = &guest_shinfo->vcpu_info[0].time;
	uint32_t ver, mul;
	uint64_t tsc, stamp, sys, delta;
	int8_t shift;

	do {
		ver = t->version;
		__asm__ volatile("" ::: "memory");
		stamp = t->tsc_timestamp;
		sys = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		tsc = guest_rdtsc();
		__asm__ volatile("" ::: "memory");
	} while ((ver & 1) != 0 || ver != t->version);
	delta = tsc - stamp;
	if (shift < 0) {
		delta >>= -shift;
	} else {
		delta <<= shift;
	}
	return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* ---- event channels -------------------------------------------------- */

long guest_evtchn_op(unsigned int cmd, void *arg)
{
	return guest_hypercall3(__HYPERVISOR_event_channel_op, cmd,
		(unsigned long)(uintptr_t)arg, 0);
}

long guest_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send s = {.port = port};

	return guest_evtchn_op(EVTCHNOP_send, &s);
}

bool guest_evtchn_test_and_clear(evtchn_port_t port)
{
	volatile xen_ulong_t *w = &guest_shinfo->evtchn_pending[port / 64];
	xen_ulong_t bit = 1ull << (port % 64);

	return (__atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST) & bit) != 0;
}

unsigned int guest_evtchn_wait(evtchn_port_t port, bool use_hlt)
{
	volatile uint8_t *upcall =
		&guest_shinfo->vcpu_info[0].evtchn_upcall_pending;
	unsigned int sleeps = 0;

	for (;;) {
		__asm__ volatile("cli" ::: "memory");
		*upcall = 0;
		guest_shinfo->vcpu_info[0].evtchn_pending_sel = 0;
		if (guest_evtchn_test_and_clear(port)) {
			__asm__ volatile("sti" ::: "memory");
			return sleeps;
		}
		sleeps++;
		if (use_hlt) {
			guest_sti_hlt();
		} else {
			guest_hypercall3(
				__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
			__asm__ volatile("sti; nop" ::: "memory");
		}
	}
}

/* ---- what the compiler may call -------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n-- > 0) {
		*d++ = *s++;
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n-- > 0) {
		*d++ = (uint8_t)c;
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n > 0; n--, x++, y++) {
		if (*x != *y) {
			return *x < *y ? -1 : 1;
		}
	}
	return 0;
}
