/* SPDX-License-Identifier: MIT */
/*
 * I/O requests from Xen to a device model: the per-vCPU synchronous
 * ioreq slots (shared_iopage), the buffered ring (buffered_iopage) and
 * the ACPI PM block locations.
 *
 * Layouts, names and values follow Xen 4.9's public interface
 * (xen/include/public/hvm/ioreq.h) exactly; this header is our own text.
 * The bit-field layouts are those GCC and Clang give on x86_64.
 *
 * Synchronous flow: Xen fills slot[vcpu], sets STATE_IOREQ_READY and
 * signals vp_eport; the emulator sets INPROCESS, does the access, writes
 * data for reads, sets STATE_IORESP_READY and signals back.
 */
#ifndef _IOREQ_H_
#define _IOREQ_H_

#include <stddef.h>
#include <stdint.h>

/* ioreq.dir */
#define IOREQ_READ 1
#define IOREQ_WRITE 0

/* ioreq.state */
#define STATE_IOREQ_NONE 0
#define STATE_IOREQ_READY 1
#define STATE_IOREQ_INPROCESS 2
#define STATE_IORESP_READY 3

/* ioreq.type */
#define IOREQ_TYPE_PIO 0        /* port I/O */
#define IOREQ_TYPE_COPY 1       /* MMIO */
#define IOREQ_TYPE_PCI_CONFIG 2 /* addr: segment 63:48, bus 47:40, */
				/* dev 39:35, fn 34:32, reg 31:0 */
#define IOREQ_TYPE_TIMEOFFSET 7 /* guest RTC moved: data is the offset */
#define IOREQ_TYPE_INVALIDATE 8 /* drop the map cache */

/* __extension__: bit-fields of type uint8_t are a GNU C extension. */
__extension__ struct ioreq {
	uint64_t addr;     /* guest physical address or port */
	uint64_t data;     /* value, or its guest address if data_is_ptr */
	uint32_t count;    /* repetitions (rep prefix) */
	uint32_t size;     /* bytes per access */
	uint32_t vp_eport; /* event channel between Xen and the emulator */
	uint16_t _pad0;
	uint8_t state : 4;       /* STATE_* */
	uint8_t data_is_ptr : 1; /* data holds a guest address */
	uint8_t dir : 1;         /* IOREQ_READ / IOREQ_WRITE */
	uint8_t df : 1;          /* EFLAGS.DF: rep goes downwards */
	uint8_t _pad1 : 1;
	uint8_t type; /* IOREQ_TYPE_* */
};
typedef struct ioreq ioreq_t;

/* One slot per vCPU, indexed by vCPU id, in a page of its own. */
struct shared_iopage {
	struct ioreq vcpu_ioreq[1];
};
typedef struct shared_iopage shared_iopage_t;

/* One buffered (write-only, fire and forget) request. */
__extension__ struct buf_ioreq {
	uint8_t type; /* IOREQ_TYPE_* */
	uint8_t pad : 1;
	uint8_t dir : 1;    /* IOREQ_READ / IOREQ_WRITE */
	uint8_t size : 2;   /* 1 << size bytes; 8 bytes use two slots */
	uint32_t addr : 20; /* low 20 bits of the address */
	uint32_t data;
};
typedef struct buf_ioreq buf_ioreq_t;

/* Ring of buf_ioreq, indexed modulo IOREQ_BUFFER_SLOT_NUM; one page. */
#define IOREQ_BUFFER_SLOT_NUM 511
struct buffered_iopage {
#ifdef __XEN__
	union bufioreq_pointers {
		struct {
#endif
			uint32_t read_pointer;
			uint32_t write_pointer;
#ifdef __XEN__
		};
		uint64_t full;
	} ptrs;
#endif
	buf_ioreq_t buf_ioreq[IOREQ_BUFFER_SLOT_NUM];
};
typedef struct buffered_iopage buffered_iopage_t;

/*
 * ACPI PM1a event/control, PM timer and GPE0 blocks, by
 * HVM_PARAM_ACPI_IOPORTS_LOCATION.  Version 0 is the default.
 */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V0 0x1f40
#define ACPI_PM1A_CNT_BLK_ADDRESS_V0 (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V0 (ACPI_PM1A_EVT_BLK_ADDRESS_V0 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V0 (ACPI_PM_TMR_BLK_ADDRESS_V0 + 0x20)
#define ACPI_GPE0_BLK_LEN_V0 0x08

/* Version 1: where current QEMU puts them. */
#define ACPI_PM1A_EVT_BLK_ADDRESS_V1 0xb000
#define ACPI_PM1A_CNT_BLK_ADDRESS_V1 (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x04)
#define ACPI_PM_TMR_BLK_ADDRESS_V1 (ACPI_PM1A_EVT_BLK_ADDRESS_V1 + 0x08)
#define ACPI_GPE0_BLK_ADDRESS_V1 0xafe0
#define ACPI_GPE0_BLK_LEN_V1 0x04

#define ACPI_PM1A_EVT_BLK_ADDRESS ACPI_PM1A_EVT_BLK_ADDRESS_V0
#define ACPI_PM1A_CNT_BLK_ADDRESS ACPI_PM1A_CNT_BLK_ADDRESS_V0
#define ACPI_PM_TMR_BLK_ADDRESS ACPI_PM_TMR_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_ADDRESS ACPI_GPE0_BLK_ADDRESS_V0
#define ACPI_GPE0_BLK_LEN ACPI_GPE0_BLK_LEN_V0

__extension__ _Static_assert(sizeof(struct ioreq) == 32, "ioreq_t is 32 bytes");
__extension__ _Static_assert(
	offsetof(struct ioreq, count) == 16, "ioreq.count offset");
__extension__ _Static_assert(
	offsetof(struct ioreq, vp_eport) == 24, "ioreq.vp_eport offset");
__extension__ _Static_assert(
	offsetof(struct ioreq, type) == 31, "ioreq.type offset");
__extension__ _Static_assert(sizeof(struct shared_iopage) == 32,
	"shared_iopage declares one 32-byte slot");
__extension__ _Static_assert(
	sizeof(struct buf_ioreq) == 8, "buf_ioreq is 8 bytes");
__extension__ _Static_assert(
	offsetof(struct buf_ioreq, data) == 4, "buf_ioreq.data offset");
__extension__ _Static_assert(sizeof(struct buffered_iopage) == 4096,
	"buffered_iopage fills one page");
__extension__ _Static_assert(offsetof(struct buffered_iopage, buf_ioreq) == 8,
	"buffered_iopage slots follow the two pointers");

#endif /* _IOREQ_H_ */
