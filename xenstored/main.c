/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstored's entry point: parse the command line, build the context,
 * run the loop until SIGTERM, tear down.
 */
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

int main(int argc, char **argv)
{
	struct xenstored xs;
	bool exit_now;
	int ret;

	memset(&xs, 0, sizeof(xs));
	log_init("xenstored", LOG_LEVEL_INFO);
	xs_config_init(&xs.cli);
	xs_config_init(&xs.cfg);
	if (xs_config_parse_args(&xs.cli, argc, argv, &exit_now) < 0 ||
		exit_now) {
		xs_config_fini(&xs.cli);
		return exit_now ? 0 : 2;
	}
	ret = xs_daemon_init(&xs);
	if (ret == 0) {
		ret = xs_daemon_run(&xs);
	} else {
		log_err("start-up failed: %s", strerror(-ret));
	}
	xs_daemon_fini(&xs);
	return ret == 0 ? 0 : 1;
}
