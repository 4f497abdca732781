/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains described at boot by a device tree passed as a boot module
 * (docs/baremetal.md, "Domains from a device tree"). The tree is read with
 * libfdt; this unit turns it into plain descriptions and checks them.
 *
 *   /domains/<name> {
 *       compatible = "xenplat,domain";
 *       domid = <n>;           (0 .. 32751; each at most once)
 *       privileged;            (optional: a control domain)
 *       memory-mib = <n>;      (1 .. 4095)
 *       vcpus = <n>;           (optional, default 1; 1 .. 32)
 *       kernel = <i>;          (boot module index of its PVH kernel)
 *       kernel-image = [...];  (or: the PVH kernel itself, inside the tree,
 *                               as dtc's /incbin/ puts it: one module
 *                               then boots several domains)
 *       bootargs = "...";      (optional: the kernel's command line)
 *   };
 */
#ifndef X86_DT_H
#define X86_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_MAX_DOMAINS 8
#define DT_NAME_LEN 32
#define DT_BOOTARGS_LEN 128

struct dt_domain {
	char name[DT_NAME_LEN];
	uint32_t domid;
	bool privileged;
	uint32_t memory_mib;
	uint32_t vcpus;
	uint32_t kernel;          /* module index (no kernel_image) */
	const void *kernel_image; /* or the kernel inside the tree */
	uint32_t kernel_image_len;
	char bootargs[DT_BOOTARGS_LEN];
};

/** Whether the len bytes at p start with a flattened device tree. */
bool dt_is_fdt(const void *p, size_t len);
/**
 * Read the domains of the tree at fdt (len bytes) into out (at most
 * DT_MAX_DOMAINS); *count is how many. -EINVAL for a damaged tree or a
 * domain node with a missing or out-of-range property (the message names
 * the node), -E2BIG for too many domains, -EEXIST for a repeated domid.
 */
int dt_read_domains(const void *fdt, size_t len, struct dt_domain *out,
	unsigned int *count);

#endif
