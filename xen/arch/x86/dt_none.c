/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Built instead of dt.c when libfdt is not installed: no module is ever
 * taken for a device tree.
 */
#include "dt.h"
#include "xen/lib.h"

bool dt_is_fdt(const void *p, size_t len)
{
	(void)p;
	(void)len;
	return false;
}

int dt_read_domains(
	const void *fdt, size_t len, struct dt_domain *out, unsigned int *count)
{
	(void)fdt;
	(void)len;
	(void)out;
	*count = 0;
	return -EOPNOTSUPP;
}
