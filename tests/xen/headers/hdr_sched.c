/* SPDX-License-Identifier: GPL-2.0-only */
/* sched.h builds on its own and carries Xen's sched_op ABI. */
#include <stddef.h>

#include "check.h"
#include "sched.h"

int main(void)
{
	evtchn_port_t ports[2] = {1, 2};
	struct sched_poll poll = {.nr_ports = 2, .timeout = 0};
	struct sched_shutdown sd = {.reason = SHUTDOWN_crash};

	set_xen_guest_handle(poll.ports, ports);
	CHECK(poll.ports.p == ports);
	CHECK_EQ(sd.reason, 3);

	CHECK_EQ(SCHEDOP_yield, 0);
	CHECK_EQ(SCHEDOP_block, 1);
	CHECK_EQ(SCHEDOP_shutdown, 2);
	CHECK_EQ(SCHEDOP_poll, 3);
	CHECK_EQ(SCHEDOP_remote_shutdown, 4);
	CHECK_EQ(SCHEDOP_shutdown_code, 5);
	CHECK_EQ(SCHEDOP_watchdog, 6);
	CHECK_EQ(SCHEDOP_pin_override, 7);

	CHECK_EQ(SHUTDOWN_poweroff, 0);
	CHECK_EQ(SHUTDOWN_reboot, 1);
	CHECK_EQ(SHUTDOWN_suspend, 2);
	CHECK_EQ(SHUTDOWN_crash, 3);
	CHECK_EQ(SHUTDOWN_watchdog, 4);
	CHECK_EQ(SHUTDOWN_soft_reset, 5);
	CHECK_EQ(SHUTDOWN_MAX, 5);

	CHECK_EQ(sizeof(sd), 4);
	CHECK_EQ(sizeof(poll), 24);
	CHECK_EQ(offsetof(struct sched_poll, timeout), 16);
	CHECK_EQ(sizeof(struct sched_remote_shutdown), 8);
	CHECK_EQ(sizeof(struct sched_watchdog), 8);
	return check_result();
}
