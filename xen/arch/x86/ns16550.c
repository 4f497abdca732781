/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The COM1 UART (a 16550 at I/O port 0x3f8): 115200 baud, 8 data bits, no
 * parity, one stop bit, polled output. Writers on several CPUs are
 * serialised by a spinlock so lines do not interleave within a write.
 */
#include "x86.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (DLAB 0) */
#define UART_DLL 0 /* divisor latch low (DLAB 1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03

static volatile int ns16550_lock;
static bool ns16550_up;

void ns16550_init(void)
{
	outb(COM1 + UART_IER, 0x00); /* no interrupts */
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, 1); /* 115200 = 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_FCR, 0x07); /* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
	ns16550_up = true;
}

static void ns16550_putc(char c)
{
	unsigned int spins = 0;

	/* Bounded: a missing UART must not hang the hypervisor. */
	while ((inb(COM1 + UART_LSR) & UART_LSR_THRE) == 0 &&
		spins++ < 100000) {
		cpu_relax();
	}
	outb(COM1 + UART_THR, (uint8_t)c);
}

void ns16550_write(const char *s, size_t len)
{
	size_t i;

	if (!ns16550_up) {
		return;
	}
	while (__atomic_exchange_n(&ns16550_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		cpu_relax();
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '\n') {
			ns16550_putc('\r');
		}
		ns16550_putc(s[i]);
	}
	__atomic_store_n(&ns16550_lock, 0, __ATOMIC_RELEASE);
}
