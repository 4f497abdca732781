/* SPDX-License-Identifier: GPL-2.0-only */
/* io/console.h builds on its own and has Xen's console ring page. */
#include <stddef.h>

#include "check.h"
#include "io/console.h"

int main(void)
{
	static struct xencons_interface intf;

	CHECK_EQ(sizeof(intf), 3088);
	CHECK_EQ(sizeof(intf.in), 1024);
	CHECK_EQ(sizeof(intf.out), 2048);
	CHECK_EQ(offsetof(struct xencons_interface, in_cons), 3072);
	CHECK_EQ(offsetof(struct xencons_interface, out_prod), 3084);
	CHECK_EQ(sizeof(XENCONS_RING_IDX), 4);
	CHECK_EQ(MASK_XENCONS_IDX(1025, intf.in), 1);
	CHECK_EQ(MASK_XENCONS_IDX(2049, intf.out), 1);
	CHECK_EQ(MASK_XENCONS_IDX(0xffffffffU, intf.out), 2047);
	return check_result();
}
