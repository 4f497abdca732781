/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_version: the interface version (4.9), feature bits and build facts.
 * Every guest may ask; the command line only the control domain.
 */
#include "version.h"

#include "xen/guest_access.h"
#include "xen/hypercall.h"

#define XEN_MAJOR 4
#define XEN_MINOR 9

static const char extraversion[] = ".0-xenplat";
static const char capabilities[] = "xen-3.0-x86_64 hvm-3.0-x86_64";
static char commandline[1024];

void xen_version_set_commandline(const char *s)
{
	size_t n = strnlen(s, sizeof(commandline) - 1);

	memcpy(commandline, s, n);
	commandline[n] = '\0';
}

static uint32_t feature_word(struct domain *d, unsigned int idx)
{
	uint32_t f = 0;

	if (idx != 0) {
		return 0;
	}
	/* Guests here run with translated physical addresses (PVH-style). */
	f |= 1u << XENFEAT_auto_translated_physmap;
	f |= 1u << XENFEAT_supervisor_mode_kernel;
	f |= 1u << XENFEAT_hvm_callback_vector;
	f |= 1u << XENFEAT_hvm_safe_pvclock;
	f |= 1u << XENFEAT_gnttab_map_avail_bits;
	if (domain_is_control(d)) {
		f |= 1u << XENFEAT_dom0;
	}
	return f;
}

static long copy_string(
	struct vcpu *v, uint64_t arg, const char *s, size_t size)
{
	char buf[1024];
	size_t n = strnlen(s, size - 1);

	memset(buf, 0, size);
	memcpy(buf, s, n);
	return arch_copy_to_guest(v, arg, buf, size) != 0 ? -EFAULT : 0;
}

long do_xen_version(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct xen_compile_info ci;
	struct xen_platform_parameters pp;
	struct xen_feature_info fi;

	switch (cmd) {
	case XENVER_version:
		return (XEN_MAJOR << 16) | XEN_MINOR;
	case XENVER_extraversion:
		return copy_string(
			v, arg, extraversion, sizeof(xen_extraversion_t));
	case XENVER_compile_info:
		memset(&ci, 0, sizeof(ci));
		memcpy(ci.compiler, "gcc", 3);
		memcpy(ci.compile_by, "xenplat", 7);
		memcpy(ci.compile_domain, "local", 5);
		memcpy(ci.compile_date, __DATE__, sizeof(__DATE__));
		return copy_arg_to_guest(v, arg, &ci) != 0 ? -EFAULT : 0;
	case XENVER_capabilities:
		return copy_string(
			v, arg, capabilities, sizeof(xen_capabilities_info_t));
	case XENVER_changeset:
		return copy_string(
			v, arg, "xenplat", sizeof(xen_changeset_info_t));
	case XENVER_platform_parameters:
		pp.virt_start = 0xffff800000000000ul;
		return copy_arg_to_guest(v, arg, &pp) != 0 ? -EFAULT : 0;
	case XENVER_get_features:
		if (copy_arg_from_guest(v, &fi, arg) != 0) {
			return -EFAULT;
		}
		if (fi.submap_idx >= XENFEAT_NR_SUBMAPS) {
			return -EINVAL; /* as Xen */
		}
		fi.submap = feature_word(v->domain, fi.submap_idx);
		return copy_arg_to_guest(v, arg, &fi) != 0 ? -EFAULT : 0;
	case XENVER_pagesize:
		return PAGE_SIZE;
	case XENVER_guest_handle:
		return arch_copy_to_guest(v, arg, v->domain->handle,
			       sizeof(v->domain->handle)) != 0
			       ? -EFAULT
			       : 0;
	case XENVER_commandline:
		if (!domain_is_control(v->domain)) {
			return -EPERM;
		}
		return copy_string(
			v, arg, commandline, sizeof(xen_commandline_t));
	case XENVER_build_id:
		return -EPERM; /* no build id is recorded */
	default:
		return -ENOSYS;
	}
}
