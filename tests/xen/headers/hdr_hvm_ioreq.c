/* SPDX-License-Identifier: GPL-2.0-only */
/* hvm/ioreq.h builds on its own and has Xen's ioreq page layouts. */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "hvm/ioreq.h"

int main(void)
{
	ioreq_t req;
	buf_ioreq_t b;
	unsigned char raw[8];

	CHECK_EQ(IOREQ_READ, 1);
	CHECK_EQ(IOREQ_WRITE, 0);
	CHECK_EQ(STATE_IOREQ_NONE, 0);
	CHECK_EQ(STATE_IOREQ_READY, 1);
	CHECK_EQ(STATE_IOREQ_INPROCESS, 2);
	CHECK_EQ(STATE_IORESP_READY, 3);
	CHECK_EQ(IOREQ_TYPE_PIO, 0);
	CHECK_EQ(IOREQ_TYPE_COPY, 1);
	CHECK_EQ(IOREQ_TYPE_PCI_CONFIG, 2);
	CHECK_EQ(IOREQ_TYPE_TIMEOFFSET, 7);
	CHECK_EQ(IOREQ_TYPE_INVALIDATE, 8);
	CHECK_EQ(IOREQ_BUFFER_SLOT_NUM, 511);
	CHECK_EQ(ACPI_PM_TMR_BLK_ADDRESS_V1, 0xb008);
	CHECK_EQ(ACPI_GPE0_BLK_ADDRESS_V0, 0x1f68);

	CHECK_EQ(sizeof(req), 32);
	CHECK_EQ(offsetof(ioreq_t, type), 31);
	CHECK_EQ(sizeof(b), 8);
	CHECK_EQ(sizeof(struct buffered_iopage), 4096);

	/* The flag bits share byte 30: state in 3:0, then ptr, dir, df. */
	memset(&req, 0, sizeof(req));
	req.state = STATE_IORESP_READY;
	req.data_is_ptr = 1;
	req.dir = IOREQ_READ;
	req.df = 1;
	req.type = IOREQ_TYPE_COPY;
	CHECK_EQ(((const unsigned char *)&req)[30], 0x73);
	CHECK_EQ(((const unsigned char *)&req)[31], 1);

	/* buf_ioreq: type, then pad/dir/size in bits 8-11, addr in 12-31. */
	memset(&b, 0, sizeof(b));
	b.type = IOREQ_TYPE_PIO;
	b.dir = IOREQ_WRITE;
	b.size = 2;
	b.addr = 0xabcde;
	b.data = 0x11223344;
	memcpy(raw, &b, sizeof(raw));
	CHECK_EQ(raw[0], 0);
	CHECK_EQ(raw[1], 0xe8);
	CHECK_EQ(raw[2], 0xcd);
	CHECK_EQ(raw[3], 0xab);
	CHECK_EQ(raw[4], 0x44);
	return check_result();
}
