/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain descriptions from a flattened device tree (dt.h), through the
 * system's libfdt. libfdt is built for user space: it may use the red zone
 * and the stack protector. So this runs only at boot with interrupts
 * disabled (NMIs and double faults switch to the IST stack), and start.c
 * sets up the canary libfdt reads at %fs:0x28.
 *
 * Pure apart from printk: unit-tested on the host with trees libfdt
 * writes (tests/baremetal/test_dt.c).
 */
#include "dt.h"

#include <libfdt.h>

#include "xen/lib.h"

#define DT_MAX_DOMID 0x7fefu /* DOMID_FIRST_RESERVED - 1 */

bool dt_is_fdt(const void *p, size_t len)
{
	return len >= sizeof(struct fdt_header) && fdt_magic(p) == FDT_MAGIC;
}

/* A one-cell property in [min, max]; def when absent and not required. */
static int prop_u32(const void *fdt, int node, const char *name, bool required,
	uint32_t def, uint32_t min, uint32_t max, uint32_t *out)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, name, &len);
	if (v == NULL) {
		*out = def;
		return required ? -EINVAL : 0;
	}
	if (len != sizeof(*v) || fdt32_to_cpu(*v) < min ||
		fdt32_to_cpu(*v) > max) {
		return -EINVAL;
	}
	*out = fdt32_to_cpu(*v);
	return 0;
}

static void prop_string(
	const void *fdt, int node, const char *name, char *dst, size_t size)
{
	const char *v;
	int len;
	size_t n = 0;

	v = fdt_getprop(fdt, node, name, &len);
	while (v != NULL && n < (size_t)len && n + 1 < size && v[n] != '\0') {
		dst[n] = v[n];
		n++;
	}
	dst[n] = '\0';
}

static int read_domain(const void *fdt, int node, struct dt_domain *d)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	size_t n;
	int rc, len;

	memset(d, 0, sizeof(*d));
	if (fdt_node_check_compatible(fdt, node, "xenplat,domain") != 0) {
		return 1; /* some other node: skipped */
	}
	n = name != NULL ? strnlen(name, DT_NAME_LEN - 1) : 0;
	if (n > 0) {
		memcpy(d->name, name, n);
	}
	rc = prop_u32(fdt, node, "domid", true, 0, 0, DT_MAX_DOMID, &d->domid);
	if (rc == 0) {
		rc = prop_u32(fdt, node, "memory-mib", true, 0, 1, 4095,
			&d->memory_mib);
	}
	if (rc == 0) {
		rc = prop_u32(fdt, node, "vcpus", false, 1, 1, 32, &d->vcpus);
	}
	d->kernel_image = fdt_getprop(fdt, node, "kernel-image", &len);
	if (d->kernel_image != NULL) {
		d->kernel_image_len = (uint32_t)len;
	}
	if (rc == 0) {
		rc = prop_u32(fdt, node, "kernel", d->kernel_image == NULL, 0,
			0, 255, &d->kernel);
	}
	if (rc == 0 && d->kernel_image != NULL && len == 0) {
		rc = -EINVAL;
	}
	if (rc != 0) {
		printk(XENLOG_ERR,
			"dt: domain node '%s': bad or missing property\n",
			d->name);
		return rc;
	}
	d->privileged = fdt_getprop(fdt, node, "privileged", NULL) != NULL;
	prop_string(fdt, node, "bootargs", d->bootargs, sizeof(d->bootargs));
	return 0;
}

int dt_read_domains(
	const void *fdt, size_t len, struct dt_domain *out, unsigned int *count)
{
	int parent, node, rc;
	unsigned int n = 0, i;

	*count = 0;
	if (!dt_is_fdt(fdt, len) || fdt_totalsize(fdt) > len ||
		fdt_check_header(fdt) != 0) {
		return -EINVAL;
	}
	parent = fdt_path_offset(fdt, "/domains");
	if (parent < 0) {
		return 0;
	}
	fdt_for_each_subnode(node, fdt, parent)
	{
		if (n == DT_MAX_DOMAINS) {
			return -E2BIG;
		}
		rc = read_domain(fdt, node, &out[n]);
		if (rc < 0) {
			return rc;
		}
		if (rc > 0) {
			continue;
		}
		for (i = 0; i < n; i++) {
			if (out[i].domid == out[n].domid) {
				return -EEXIST;
			}
		}
		n++;
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		return -EINVAL;
	}
	*count = n;
	return 0;
}
