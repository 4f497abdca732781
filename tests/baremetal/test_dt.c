/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the device-tree domain descriptions (xen/arch/x86/dt.c):
 * trees written with libfdt's sequential-write functions, then read back;
 * every required property, range, duplicate, limit and damaged tree.
 */
/* cmocka needs these first, in this order. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <libfdt.h>
#include <stdbool.h>
#include <string.h>

#include "dt.h"
#include "xen/errno.h"
#include "xen/lib.h"

/* dt.c logs through the core's printk; here it goes nowhere. */
void printk(enum printk_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

static char tree[8192];
static struct dt_domain out[DT_MAX_DOMAINS];
static unsigned int count;

/* Which properties a test domain node gets. */
struct node_spec {
	const char *name;
	const char *compatible;
	int domid, memory, vcpus, kernel; /* -1: left out */
	bool privileged;
	const char *bootargs;
};

static void add_u32(const char *name, int v)
{
	if (v >= 0) {
		assert_int_equal(fdt_property_u32(tree, name, (uint32_t)v), 0);
	}
}

static void add_node(const struct node_spec *n)
{
	assert_int_equal(fdt_begin_node(tree, n->name), 0);
	if (n->compatible != NULL) {
		assert_int_equal(
			fdt_property_string(tree, "compatible", n->compatible),
			0);
	}
	add_u32("domid", n->domid);
	add_u32("memory-mib", n->memory);
	add_u32("vcpus", n->vcpus);
	add_u32("kernel", n->kernel);
	if (n->privileged) {
		assert_int_equal(fdt_property(tree, "privileged", NULL, 0), 0);
	}
	if (n->bootargs != NULL) {
		assert_int_equal(
			fdt_property_string(tree, "bootargs", n->bootargs), 0);
	}
	assert_int_equal(fdt_end_node(tree), 0);
}

static void build(const struct node_spec *nodes, unsigned int n)
{
	unsigned int i;

	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_begin_node(tree, "domains"), 0);
	for (i = 0; i < n; i++) {
		add_node(&nodes[i]);
	}
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
}

static int read_tree(void)
{
	return dt_read_domains(tree, fdt_totalsize(tree), out, &count);
}

static const struct node_spec good = {
	"dom",
	"xenplat,domain",
	1,
	16,
	-1,
	1,
	false,
	NULL,
};

static void test_dt_reads_domains_and_skips_other_nodes(void **state)
{
	struct node_spec n[3] = {good, good, good};

	(void)state;
	n[0].name = "first";
	n[0].privileged = true;
	n[0].bootargs = "console=hvc0";
	n[0].vcpus = 2;
	n[1].name = "other";
	n[1].compatible = "example,thing";
	n[2].name = "second";
	n[2].domid = 7;
	n[2].kernel = 3;
	build(n, 3);
	assert_true(dt_is_fdt(tree, sizeof(tree)));
	assert_int_equal(read_tree(), 0);
	assert_int_equal(count, 2);
	assert_string_equal(out[0].name, "first");
	assert_int_equal(out[0].domid, 1);
	assert_true(out[0].privileged);
	assert_int_equal(out[0].memory_mib, 16);
	assert_int_equal(out[0].vcpus, 2);
	assert_string_equal(out[0].bootargs, "console=hvc0");
	assert_int_equal(out[1].domid, 7);
	assert_false(out[1].privileged);
	assert_int_equal(out[1].vcpus, 1); /* the default */
	assert_int_equal(out[1].kernel, 3);
	assert_string_equal(out[1].bootargs, "");
}

static void test_dt_missing_or_bad_properties_are_refused(void **state)
{
	struct node_spec n = good;

	(void)state;
	n.domid = -1;
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
	n = good;
	n.memory = -1;
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
	n = good;
	n.kernel = -1;
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
	n = good;
	n.memory = 0;
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
	n = good;
	n.vcpus = 33;
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
	n = good;
	n.domid = 0x7ff0; /* DOMID_SELF */
	build(&n, 1);
	assert_int_equal(read_tree(), -EINVAL);
}

static void test_dt_cells_of_the_wrong_size_are_refused(void **state)
{
	(void)state;
	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_begin_node(tree, "domains"), 0);
	assert_int_equal(fdt_begin_node(tree, "d"), 0);
	assert_int_equal(
		fdt_property_string(tree, "compatible", "xenplat,domain"), 0);
	assert_int_equal(fdt_property_u64(tree, "domid", 1), 0);
	assert_int_equal(fdt_property_u32(tree, "memory-mib", 1), 0);
	assert_int_equal(fdt_property_u32(tree, "kernel", 1), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	assert_int_equal(read_tree(), -EINVAL);
}

static void test_dt_duplicates_and_too_many_are_refused(void **state)
{
	struct node_spec n[DT_MAX_DOMAINS + 1];
	static char names[DT_MAX_DOMAINS + 1][8];
	unsigned int i;

	(void)state;
	n[0] = good;
	n[1] = good;
	n[1].name = "again";
	build(n, 2);
	assert_int_equal(read_tree(), -EEXIST);
	for (i = 0; i < DT_MAX_DOMAINS + 1; i++) {
		n[i] = good;
		names[i][0] = 'd';
		names[i][1] = (char)('a' + i);
		n[i].name = names[i];
		n[i].domid = (int)i;
	}
	build(n, DT_MAX_DOMAINS);
	assert_int_equal(read_tree(), 0);
	assert_int_equal(count, DT_MAX_DOMAINS);
	build(n, DT_MAX_DOMAINS + 1);
	assert_int_equal(read_tree(), -E2BIG);
}

static void test_dt_damaged_trees_are_refused(void **state)
{
	uint32_t size;

	(void)state;
	build(&good, 1);
	size = fdt_totalsize(tree);
	/* Shorter than the header says. */
	assert_int_equal(dt_read_domains(tree, size - 1, out, &count), -EINVAL);
	assert_false(dt_is_fdt(tree, 8));
	tree[0] = 0;
	assert_false(dt_is_fdt(tree, size));
	assert_int_equal(read_tree(), -EINVAL);
}

static void test_dt_no_domains_node_means_no_domains(void **state)
{
	(void)state;
	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	count = 99;
	assert_int_equal(read_tree(), 0);
	assert_int_equal(count, 0);
}

static void test_dt_kernel_image_inside_the_tree(void **state)
{
	static const uint8_t image[5] = {0x7f, 'E', 'L', 'F', 2};

	(void)state;
	assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_finish_reservemap(tree), 0);
	assert_int_equal(fdt_begin_node(tree, ""), 0);
	assert_int_equal(fdt_begin_node(tree, "domains"), 0);
	assert_int_equal(fdt_begin_node(tree, "inline"), 0);
	assert_int_equal(
		fdt_property_string(tree, "compatible", "xenplat,domain"), 0);
	assert_int_equal(fdt_property_u32(tree, "domid", 4), 0);
	assert_int_equal(fdt_property_u32(tree, "memory-mib", 8), 0);
	assert_int_equal(
		fdt_property(tree, "kernel-image", image, sizeof(image)), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_begin_node(tree, "empty"), 0);
	assert_int_equal(
		fdt_property_string(tree, "compatible", "xenplat,domain"), 0);
	assert_int_equal(fdt_property_u32(tree, "domid", 5), 0);
	assert_int_equal(fdt_property_u32(tree, "memory-mib", 8), 0);
	assert_int_equal(fdt_property(tree, "kernel-image", NULL, 0), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_end_node(tree), 0);
	assert_int_equal(fdt_finish(tree), 0);
	/* The second node's empty image makes the tree unusable. */
	assert_int_equal(read_tree(), -EINVAL);
	assert_non_null(out[0].kernel_image);
	assert_int_equal(out[0].kernel_image_len, sizeof(image));
	assert_memory_equal(out[0].kernel_image, image, sizeof(image));
	assert_true((const char *)out[0].kernel_image > tree &&
		    (const char *)out[0].kernel_image < tree + sizeof(tree));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dt_reads_domains_and_skips_other_nodes),
		cmocka_unit_test(test_dt_missing_or_bad_properties_are_refused),
		cmocka_unit_test(test_dt_cells_of_the_wrong_size_are_refused),
		cmocka_unit_test(test_dt_duplicates_and_too_many_are_refused),
		cmocka_unit_test(test_dt_damaged_trees_are_refused),
		cmocka_unit_test(test_dt_no_domains_node_means_no_domains),
		cmocka_unit_test(test_dt_kernel_image_inside_the_tree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
