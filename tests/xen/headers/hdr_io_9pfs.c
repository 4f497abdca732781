/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * io/9pfs.h builds on its own: the index page layout, and the flex ring
 * helpers it defines copy across the wrap point and count queued bytes.
 */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "io/9pfs.h"

int main(void)
{
	unsigned char ring[16];
	unsigned char out[16];
	RING_IDX prod = 12, cons = 12;
	RING_IDX mprod, mcons;
	struct xen_9pfs_data data;

	CHECK_EQ(offsetof(struct xen_9pfs_data_intf, in_cons), 0);
	CHECK_EQ(offsetof(struct xen_9pfs_data_intf, out_cons), 64);
	CHECK_EQ(offsetof(struct xen_9pfs_data_intf, ring_order), 128);
	CHECK_EQ(offsetof(struct xen_9pfs_data_intf, ref), 132);
	CHECK_EQ(sizeof(grant_ref_t), 4);

	CHECK_EQ(xen_9pfs_mask(17, 16), 1);
	CHECK_EQ(xen_9pfs_queued(prod, cons, 16), 0);

	/* Write 8 bytes from index 12: 4 at the end, 4 at the start. */
	memset(ring, 0, sizeof(ring));
	mprod = xen_9pfs_mask(prod, 16);
	mcons = xen_9pfs_mask(cons, 16);
	xen_9pfs_write_packet(ring, "ABCDEFGH", 8, &mprod, mcons, 16);
	CHECK_EQ(mprod, 4);
	CHECK(memcmp(ring + 12, "ABCD", 4) == 0);
	CHECK(memcmp(ring, "EFGH", 4) == 0);
	prod += 8;
	CHECK_EQ(xen_9pfs_queued(prod, cons, 16), 8);
	CHECK(xen_9pfs_get_ring_ptr(ring, prod, 16) == ring + 4);

	/* Read them back the same way. */
	memset(out, 0, sizeof(out));
	xen_9pfs_read_packet(out, ring, 8, mprod, &mcons, 16);
	CHECK_EQ(mcons, 4);
	CHECK(memcmp(out, "ABCDEFGH", 8) == 0);
	cons += 8;
	CHECK_EQ(xen_9pfs_queued(prod, cons, 16), 0);

	/* A full ring queues all 16 bytes; wrapped indexes still count. */
	CHECK_EQ(xen_9pfs_queued(cons + 16, cons, 16), 16);
	CHECK_EQ(xen_9pfs_queued(3, 0xfffffffeU, 16), 5);

	data.in = ring;
	data.out = ring + 8;
	CHECK(data.out - data.in == 8);
	return check_result();
}
