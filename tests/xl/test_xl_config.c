/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of xl's configuration parser (tools/xl/xl_cfg.h):
 *  - golden cases: each data/NAME.cfg, dumped one setting a line as
 *    "LINE KEY = VALUE" (strings re-quoted, lists in brackets), must equal
 *    data/NAME.expected;
 *  - syntax and value errors, with their source and line numbers;
 *  - command-line overrides (KEY=VALUE after the file);
 *  - the domain configuration: defaults, values, checks, and UUIDs.
 *
 * TEST_DATA_DIR names the data directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl_cfg.h"

/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

/* ---- helpers ---------------------------------------------------------- */

static char *data_path(const char *name)
{
	const char *dir = getenv("TEST_DATA_DIR");
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL) {
		fail_msg("cannot open %s", path);
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void dump_scalar(FILE *f, const struct xl_cfg_value *v)
{
	const unsigned char *s = (const unsigned char *)v->text;

	if (v->kind == XL_CFG_NUMBER) {
		fputs(v->text, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\x%02x", *s);
		} else {
			fputc(*s, f);
		}
	}
	fputc('"', f);
}

/* The settings as "LINE KEY = VALUE" lines; caller frees. */
static char *dump(const struct xl_cfg *cfg)
{
	char *out = NULL;
	size_t len = 0;
	unsigned int i, j;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	for (i = 0; i < cfg->count; i++) {
		const struct xl_cfg_setting *s = &cfg->settings[i];

		fprintf(f, "%u %s = ", s->line, s->key);
		if (s->value.kind == XL_CFG_LIST) {
			fputs("[ ", f);
			for (j = 0; j < s->value.count; j++) {
				dump_scalar(f, &s->value.items[j]);
				fputs(j + 1 < s->value.count ? ", " : " ", f);
			}
			fputc(']', f);
		} else {
			dump_scalar(f, &s->value);
		}
		fputc('\n', f);
	}
	fclose(f);
	return out;
}

/* Parse text as "t.cfg"; expect failure with exactly message msg. */
static void expect_parse_error(const char *text, const char *msg)
{
	struct xl_cfg cfg;
	char err[256] = "";

	xl_cfg_init(&cfg);
	assert_int_equal(xl_cfg_parse(&cfg, "t.cfg", text, strlen(text), false,
				 err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, msg);
	xl_cfg_fini(&cfg);
}

/* Parse text (must succeed) then load a domain config; expect msg. */
static void expect_domcfg_error(const char *text, const char *msg)
{
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "";

	xl_cfg_init(&cfg);
	assert_int_equal(xl_cfg_parse(&cfg, "t.cfg", text, strlen(text), false,
				 err, sizeof(err)),
		0);
	assert_int_equal(
		xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, msg);
	assert_null(dc.name);
	xl_cfg_fini(&cfg);
}

static void load_file(struct xl_cfg *cfg, const char *name)
{
	char *path = data_path(name), err[256] = "";
	int rc;

	xl_cfg_init(cfg);
	rc = xl_cfg_parse_file(cfg, path, err, sizeof(err));
	if (rc != 0) {
		fail_msg("%s: %s", name, err);
	}
	free(path);
}

/* ---- golden cases ---------------------------------------------------- */

static void test_golden(void **state)
{
	static const char *const cases[] = {
		"basic", "lists", "domain", "minimal", "unsupported"};
	struct xl_cfg cfg;
	char name[64], *expected, *actual, *path;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%s.cfg", cases[i]);
		load_file(&cfg, name);
		snprintf(name, sizeof(name), "%s.expected", cases[i]);
		path = data_path(name);
		expected = slurp(path);
		actual = dump(&cfg);
		if (strcmp(expected, actual) != 0) {
			fail_msg("%s: got\n%s\nexpected\n%s", cases[i], actual,
				expected);
		}
		free(path);
		free(expected);
		free(actual);
		xl_cfg_fini(&cfg);
	}
}

/* ---- errors ------------------------------------------------------------ */

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_parse_error("name = \"abc",
		"t.cfg:1: config parsing error near `\"abc': unterminated "
		"string");
	expect_parse_error("a = 'x\n'",
		"t.cfg:1: config parsing error near `'x': unterminated string");
	expect_parse_error("a = 1\nb = [1,\n2\nc = 3\n",
		"t.cfg:4: config parsing error near `c': expected `,' or `]' "
		"in a list");
	expect_parse_error("a = [\"x\"",
		"t.cfg:1: config parsing error near `[\"x\"': unterminated "
		"list");
	expect_parse_error("= 3",
		"t.cfg:1: config parsing error near `=': expected a setting "
		"name");
	expect_parse_error("\n\na 3",
		"t.cfg:3: config parsing error near `3': expected `=' after "
		"the setting name");
	expect_parse_error("a = b",
		"t.cfg:1: config parsing error near `b': expected a string, a "
		"number or a list");
	expect_parse_error("a = 1 2",
		"t.cfg:1: config parsing error near `2': expected the end of "
		"the statement");
	expect_parse_error("a = [[1]]",
		"t.cfg:1: config parsing error near `[1]]': lists cannot be "
		"nested");
	expect_parse_error("a = \"\\q\"",
		"t.cfg:1: config parsing error near `\\q\"': unknown escape in "
		"a string");
	expect_parse_error("a = \"x\\0\"",
		"t.cfg:1: config parsing error near `\\0\"': a string cannot "
		"hold a NUL character");
	expect_parse_error("# c\n\nx = [\n 1,\n 2 ]\ny = = 2",
		"t.cfg:6: config parsing error near `=': expected a string, a "
		"number or a list");
	expect_parse_error("a =",
		"t.cfg:1: config parsing error near `end of file': expected a "
		"string, a number or a list");
	expect_parse_error("a =\nb = 1",
		"t.cfg:1: config parsing error near `end of line': expected a "
		"string, a number or a list");
	expect_parse_error("a = 1\na += [2]",
		"t.cfg:2: a: cannot append a list to the number set at "
		"t.cfg:1");
}

static void test_error_keeps_earlier_settings(void **state)
{
	const char *text = "a = 1\nb = 2\nc = ?\nd = 4\n";
	struct xl_cfg cfg;
	char err[256];

	(void)state;
	xl_cfg_init(&cfg);
	assert_int_equal(xl_cfg_parse(&cfg, "t.cfg", text, strlen(text), false,
				 err, sizeof(err)),
		-EINVAL);
	assert_int_equal(cfg.count, 2);
	assert_non_null(xl_cfg_lookup(&cfg, "b"));
	assert_null(xl_cfg_lookup(&cfg, "d"));
	xl_cfg_fini(&cfg);
}

static void test_nul_byte_refused(void **state)
{
	static const char text[] = "a = 1\0b = 2";
	struct xl_cfg cfg;
	char err[256];

	(void)state;
	xl_cfg_init(&cfg);
	assert_int_equal(xl_cfg_parse(&cfg, "t.cfg", text, sizeof(text) - 1,
				 false, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, "t.cfg: the configuration holds a NUL byte");
	xl_cfg_fini(&cfg);
}

static void test_missing_file(void **state)
{
	struct xl_cfg cfg;
	char err[256];

	(void)state;
	xl_cfg_init(&cfg);
	assert_int_equal(
		xl_cfg_parse_file(&cfg, "/nonexistent/x.cfg", err, sizeof(err)),
		-ENOENT);
	assert_string_equal(
		err, "/nonexistent/x.cfg: No such file or directory");
	xl_cfg_fini(&cfg);
}

static void test_value_errors(void **state)
{
	(void)state;
	expect_domcfg_error("name = 'a'\nmemory = \"abc\"\nkernel = '/g'",
		"t.cfg:2: memory: `abc' is not a valid number");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nmemory = [ 1 ]",
		"t.cfg:3: memory: a list where a single value is expected");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nmemory = 0",
		"t.cfg:3: memory: a domain needs at least 1 MiB");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nmemory = 99999999999",
		"t.cfg:3: memory: 99999999999 is out of range (at most "
		"1048576)");
	expect_domcfg_error(
		"name = 'a'\nkernel = '/g'\nmemory = 0x10000000000000000",
		"t.cfg:3: memory: 0x10000000000000000 is out of range (at "
		"most 1048576)");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nmemory = 8\nmaxmem = 4",
		"t.cfg:4: maxmem: maxmem is below memory");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nvcpus = 2",
		"t.cfg:3: vcpus: only 1 vCPU is supported on the hosted port");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nmaxvcpus = 4",
		"t.cfg:3: maxvcpus: only 1 vCPU is supported on the hosted "
		"port");
	expect_domcfg_error("kernel = '/g'", "Domain name must be specified.");
	expect_domcfg_error("name = ''\nkernel = '/g'",
		"t.cfg:1: name: the name cannot be empty");
	expect_domcfg_error("name = 42\nkernel = '/g'",
		"t.cfg:1: name: a name made of digits only would be taken for "
		"a domain id");
	expect_domcfg_error("name = 'a/b'\nkernel = '/g'",
		"t.cfg:1: name: the name cannot hold '/' or control "
		"characters");
	expect_domcfg_error(
		"name = 'a'", "kernel must be given: the guest program to run");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\ntype = 'hvm'",
		"t.cfg:3: type: HVM guests do not run on the hosted port (use "
		"\"pv\" or \"pvh\")");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\ntype = 'arm'",
		"t.cfg:3: type: unknown type (\"pv\" or \"pvh\")");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nbuilder = 'hvm'",
		"t.cfg:3: builder: HVM guests do not run on the hosted port");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\non_reboot = 'restart'",
		"t.cfg:3: on_reboot: \"restart\" is not supported on the "
		"hosted port (use \"destroy\" or \"preserve\")");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\non_crash = 'explode'",
		"t.cfg:3: on_crash: invalid action \"explode\"");
	expect_domcfg_error("name = 'a'\nkernel = '/g'\nuuid = 'not-a-uuid'",
		"t.cfg:3: uuid: not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-"
		"xxxxxxxxxxxx)");
}

/* ---- overrides --------------------------------------------------------- */

static void test_overrides(void **state)
{
	const struct xl_cfg_setting *s;
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "";
	const char *v;
	uint64_t n;

	(void)state;
	load_file(&cfg, "domain.cfg");
	assert_int_equal(
		xl_cfg_override(&cfg, "memory=12", err, sizeof(err)), 0);
	assert_int_equal(xl_cfg_override(&cfg, "kernel=/usr/bin/other guest",
				 err, sizeof(err)),
		0);
	assert_int_equal(xl_cfg_override(&cfg, "name=\"web-2\" # renamed", err,
				 sizeof(err)),
		0);
	assert_int_equal(
		xl_cfg_override(&cfg, "extra+=' debug'", err, sizeof(err)), 0);
	assert_int_equal(
		xl_cfg_override(&cfg, "newkey = [ 1, 2 ]", err, sizeof(err)),
		0);

	assert_int_equal(
		xl_cfg_get_uint(&cfg, "memory", 1000, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 12);
	s = xl_cfg_lookup(&cfg, "memory");
	assert_string_equal(s->source, "command line");
	assert_int_equal(s->line, 1);
	assert_int_equal(s->value.kind, XL_CFG_NUMBER);
	assert_int_equal(
		xl_cfg_get_string(&cfg, "kernel", &v, err, sizeof(err)), 0);
	assert_string_equal(v, "/usr/bin/other guest");
	assert_int_equal(xl_cfg_lookup(&cfg, "kernel")->line, 2);
	assert_int_equal(
		xl_cfg_get_string(&cfg, "name", &v, err, sizeof(err)), 0);
	assert_string_equal(v, "web-2");
	assert_int_equal(
		xl_cfg_get_string(&cfg, "extra", &v, err, sizeof(err)), 0);
	assert_string_equal(v, "console=hvc0 quiet debug");
	assert_int_equal(xl_cfg_lookup(&cfg, "newkey")->value.count, 2);
	/* Settings untouched by overrides keep their file and line. */
	s = xl_cfg_lookup(&cfg, "on_reboot");
	assert_int_equal(s->line, 12);
	assert_non_null(strstr(s->source, "domain.cfg"));

	assert_int_equal(xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), 0);
	assert_string_equal(dc.name, "web-2");
	assert_int_equal(dc.memory_mib, 12);
	assert_int_equal(dc.maxmem_mib, 16);
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 console=hvc0 quiet "
					"debug");
	xl_domcfg_fini(&dc);

	/* Errors name the override by its position. */
	assert_int_equal(
		xl_cfg_override(&cfg, "novalue", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "command line:6: `novalue' is not KEY=VALUE");
	assert_int_equal(
		xl_cfg_override(&cfg, "memory=[1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "command line:7: config parsing error near "
				 "`[1': unterminated list");
	assert_int_equal(
		xl_cfg_override(&cfg, "=5", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "command line:8: `=5' is not KEY=VALUE");
	assert_int_equal(xl_cfg_override(&cfg, "vcpus=2", err, sizeof(err)), 0);
	assert_int_equal(
		xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "command line:9: vcpus: only 1 vCPU is "
				 "supported on the hosted port");
	xl_cfg_fini(&cfg);
}

/* ---- the domain configuration -------------------------------------- */

static void test_domain_values(void **state)
{
	static const uint8_t uuid[16] = {0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a,
		0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "";

	(void)state;
	load_file(&cfg, "domain.cfg");
	assert_int_equal(xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), 0);
	assert_string_equal(dc.name, "web-1");
	assert_string_equal(dc.type, "pvh");
	assert_string_equal(dc.kernel, "/opt/guests/demo");
	assert_string_equal(dc.cmdline, "root=/dev/xvda1 console=hvc0 quiet");
	assert_int_equal(dc.memory_mib, 8);
	assert_int_equal(dc.maxmem_mib, 16);
	assert_int_equal(dc.vcpus, 1);
	assert_true(dc.uuid_given);
	assert_memory_equal(dc.uuid, uuid, 16);
	assert_int_equal(dc.on_poweroff, XL_ACTION_DESTROY);
	assert_int_equal(dc.on_reboot, XL_ACTION_PRESERVE);
	assert_int_equal(dc.on_crash, XL_ACTION_PRESERVE);
	xl_domcfg_fini(&dc);
	xl_cfg_fini(&cfg);
}

static void test_domain_defaults(void **state)
{
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "";

	(void)state;
	load_file(&cfg, "minimal.cfg");
	assert_int_equal(xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), 0);
	assert_string_equal(dc.name, "tiny");
	assert_string_equal(dc.type, "pv");
	assert_int_equal(dc.memory_mib, XL_DEFAULT_MEMORY_MIB);
	assert_int_equal(dc.maxmem_mib, XL_DEFAULT_MEMORY_MIB);
	assert_int_equal(dc.vcpus, 1);
	assert_null(dc.cmdline);
	assert_false(dc.uuid_given);
	assert_int_equal(dc.on_poweroff, XL_ACTION_DESTROY);
	assert_int_equal(dc.on_reboot, XL_ACTION_DESTROY);
	assert_int_equal(dc.on_crash, XL_ACTION_DESTROY);
	xl_domcfg_fini(&dc);
	xl_cfg_fini(&cfg);
}

static void test_unsupported_keys_warn(void **state)
{
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "", *out = NULL;
	size_t len = 0;
	FILE *warn = open_memstream(&out, &len);

	(void)state;
	assert_non_null(warn);
	load_file(&cfg, "unsupported.cfg");
	assert_int_equal(xl_domcfg_load(&cfg, &dc, warn, err, sizeof(err)), 0);
	fclose(warn);
	assert_string_equal(dc.cmdline, "console=hvc0");
	assert_string_equal(dc.type, "pv");
	assert_non_null(strstr(out, "xl: warning: cmdline is set: root and "
				    "extra are ignored\n"));
	assert_non_null(strstr(out, "unsupported.cfg:3: disk is not supported "
				    "on the hosted port, ignored\n"));
	assert_non_null(strstr(out, "unsupported.cfg:4: vif is not supported "
				    "on the hosted port, ignored\n"));
	free(out);
	xl_domcfg_fini(&dc);
	xl_cfg_fini(&cfg);
}

static void test_extra_without_root(void **state)
{
	const char *text = "name='e'\nkernel='/g'\nextra='a b c'\n";
	struct xl_domcfg dc;
	struct xl_cfg cfg;
	char err[256] = "";

	(void)state;
	xl_cfg_init(&cfg);
	assert_int_equal(xl_cfg_parse(&cfg, "t.cfg", text, strlen(text), false,
				 err, sizeof(err)),
		0);
	assert_int_equal(xl_domcfg_load(&cfg, &dc, NULL, err, sizeof(err)), 0);
	assert_string_equal(dc.cmdline, "a b c");
	xl_domcfg_fini(&dc);
	xl_cfg_fini(&cfg);
}

static void test_uuids(void **state)
{
	uint8_t u[16], v[16];
	char s[37];

	(void)state;
	assert_int_equal(
		xl_uuid_parse("0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0", u), 0);
	xl_uuid_format(u, s);
	assert_string_equal(s, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_int_equal(
		xl_uuid_parse("0f1e2d3c4b5a69788796a5b4c3d2e1f0", v), 0);
	assert_memory_equal(u, v, 16);
	assert_int_equal(
		xl_uuid_parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f", u),
		-EINVAL);
	assert_int_equal(
		xl_uuid_parse("0f1e2d3c+4b5a-6978-8796-a5b4c3d2e1f0", u),
		-EINVAL);
	assert_int_equal(
		xl_uuid_parse("0g1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", u),
		-EINVAL);
	assert_int_equal(xl_uuid_random(u), 0);
	assert_int_equal(u[6] >> 4, 4);
	assert_int_equal(u[8] >> 6, 2);
	assert_int_equal(xl_uuid_random(v), 0);
	assert_memory_not_equal(u, v, 16);
	assert_string_equal(xl_action_name(XL_ACTION_DESTROY), "destroy");
	assert_string_equal(xl_action_name(XL_ACTION_PRESERVE), "preserve");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_error_keeps_earlier_settings),
		cmocka_unit_test(test_nul_byte_refused),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_value_errors),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_domain_values),
		cmocka_unit_test(test_domain_defaults),
		cmocka_unit_test(test_unsupported_keys_warn),
		cmocka_unit_test(test_extra_without_root),
		cmocka_unit_test(test_uuids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
