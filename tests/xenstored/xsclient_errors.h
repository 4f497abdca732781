/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests: the negative errno of a wire error name ("ENOENT"). */
#ifndef TESTS_XENSTORED_ERRORS_H
#define TESTS_XENSTORED_ERRORS_H

#include <errno.h>
#include <string.h>

#include "io/xs_wire.h"

static inline int inproc_errno(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (strcmp(name, xsd_errors[i].errstring) == 0) {
			return -xsd_errors[i].errnum;
		}
	}
	return -EIO;
}

#endif
