/* SPDX-License-Identifier: GPL-2.0-only */
/* io/xenbus.h builds on its own and numbers the states as Xen does. */
#include "check.h"
#include "io/xenbus.h"

int main(void)
{
	XenbusState st = XenbusStateConnected;

	CHECK_EQ(XenbusStateUnknown, 0);
	CHECK_EQ(XenbusStateInitialising, 1);
	CHECK_EQ(XenbusStateInitWait, 2);
	CHECK_EQ(XenbusStateInitialised, 3);
	CHECK_EQ(st, 4);
	CHECK_EQ(XenbusStateClosing, 5);
	CHECK_EQ(XenbusStateClosed, 6);
	CHECK_EQ(XenbusStateReconfiguring, 7);
	CHECK_EQ(XenbusStateReconfigured, 8);
	return check_result();
}
