// SPDX-License-Identifier: MIT
/*
 * lib/name.c: device names, PCI addresses and their lookup in a fake sysfs.
 */
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static char out[PATH_MAX];

static void bdf_ok(const char *in, const char *expect)
{
	char bdf[NVT_BDF_LEN];

	ck_assert_msg(nvt_pcie_parse_bdf(in, bdf, sizeof(bdf)) == 0, "'%s' rejected", in);
	ck_assert_str_eq(bdf, expect);
}

START_TEST(test_bdf_valid)
{
	bdf_ok("0000:01:00.0", "0000:01:00.0");
	bdf_ok("01:00.0", "0000:01:00.0");
	bdf_ok("0000:AB:1f.7", "0000:ab:1f.7");
	bdf_ok("1:2.3", "0000:01:02.3");
	bdf_ok("10000:00:00.0", "10000:00:00.0");
	bdf_ok("ffff:ff:1f.7", "ffff:ff:1f.7");
}
END_TEST

START_TEST(test_bdf_invalid)
{
	static const char *const bad[] = {
		"", "01:00", "01:00.8", "01:20.0", "0000:01:00.0x", "g1:00.0", "0000:001:00.0",
		"123456:00:00.0", "01:00.0 ", " 01:00.0", "0000:01:00:0", "01.00.0", ":01:00.0",
		"0000::00.0", "01:00.", "nvmetest0", "0:0:0:00.0",
	};
	char bdf[NVT_BDF_LEN];
	unsigned int i;

	for (i = 0; i < NVT_ARRAY_SIZE(bad); i++)
		ck_assert_msg(nvt_pcie_parse_bdf(bad[i], bdf, sizeof(bdf)) == -EINVAL,
			      "'%s' accepted", bad[i]);
	ck_assert_int_eq(nvt_pcie_parse_bdf(NULL, bdf, sizeof(bdf)), -EINVAL);
	ck_assert_int_eq(nvt_pcie_parse_bdf("01:00.0", NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_pcie_parse_bdf("01:00.0", bdf, 12), -ENOSPC);
	ck_assert_int_eq(nvt_pcie_parse_bdf("01:00.0", bdf, 13), 0);
}
END_TEST

START_TEST(test_parse_name)
{
	ck_assert_int_eq(nvt__parse_name("/dev/nvmetest0", out, sizeof(out)), NVT__NAME_PATH);
	ck_assert_str_eq(out, "/dev/nvmetest0");
	ck_assert_int_eq(nvt__parse_name("nvmetest12", out, sizeof(out)), NVT__NAME_PATH);
	ck_assert_str_eq(out, "/dev/nvmetest12");
	ck_assert_int_eq(nvt__parse_name("./node", out, sizeof(out)), NVT__NAME_PATH);
	ck_assert_int_eq(nvt__parse_name("01:00.0", out, sizeof(out)), NVT__NAME_BDF);
	ck_assert_str_eq(out, "0000:01:00.0");
	ck_assert_int_eq(nvt__parse_name("nvmetest", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt__parse_name("nvmetest1a", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt__parse_name("nvme0", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt__parse_name("", out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt__parse_name(NULL, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt__parse_name("nvmetest123", out, 15), -ENOSPC);
}
END_TEST

/* A fake /sys with three functions: bound to nvmetest, to nvme, to nothing. */
static char root[] = "/tmp/nvt-sysfs-XXXXXX";

static void mkpath(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void fake_sysfs(void)
{
	char link[PATH_MAX];

	ck_assert_ptr_nonnull(mkdtemp(root));
	mkpath("bus/pci/drivers/nvme");
	mkpath("bus/pci/devices/0000:01:00.0/nvmetest/nvmetest3");
	mkpath("bus/pci/devices/0000:02:00.0");
	mkpath("bus/pci/devices/0000:03:00.0");
	snprintf(link, sizeof(link), "%s/bus/pci/devices/0000:02:00.0/driver", root);
	ck_assert_int_eq(symlink("../../../bus/pci/drivers/nvme", link), 0);
}

static void rm_fake_sysfs(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_resolve)
{
	unit_log_reset();
	ck_assert_int_eq(nvt__resolve_name(root, "01:00.0", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/dev/nvmetest3");
	ck_assert_int_eq(nvt__resolve_name(root, "0000:01:00.0", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/dev/nvmetest3");
	ck_assert_int_eq(nvt__resolve_name(root, "nvmetest7", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/dev/nvmetest7");
	ck_assert_str_eq(unit_log, "");
	ck_assert_int_eq(nvt__resolve_name(root, "01:00.0", out, 10), -ENOSPC);
}
END_TEST

START_TEST(test_resolve_errors)
{
	unit_log_reset();
	ck_assert_int_eq(nvt__resolve_name(root, "02:00.0", out, sizeof(out)), -ENODEV);
	ck_assert_log_contains("0000:02:00.0 is bound to nvme, not nvmetest; run: nvmetest bind 0000:02:00.0");
	ck_assert_int_eq(nvt__resolve_name(root, "03:00.0", out, sizeof(out)), -ENODEV);
	ck_assert_log_contains("0000:03:00.0 is not bound to any driver");
	ck_assert_int_eq(nvt__resolve_name(root, "04:00.0", out, sizeof(out)), -ENOENT);
	ck_assert_log_contains("no PCI function 0000:04:00.0");
	ck_assert_int_eq(nvt__resolve_name(root, "disk0", out, sizeof(out)), -EINVAL);
	ck_assert_log_contains("'disk0' is not a device name");
}
END_TEST

START_TEST(test_log_level)
{
	unit_log_reset();
	nvt_set_log_level(NVT_LOG_ERR);
	ck_assert_int_eq(nvt_log_level(), NVT_LOG_ERR);
	nvt__warn("dropped %d", 1);
	ck_assert_str_eq(unit_log, "");
	errno = EBADF;
	nvt__err("kept %d", 2);
	ck_assert_str_eq(unit_log, "kept 2");
	ck_assert_int_eq(errno, EBADF);
	nvt_set_log(NULL, NULL);
	nvt__err("nobody listens");
	ck_assert_str_eq(unit_log, "kept 2");
	nvt_set_log_level(NVT_LOG_INFO);
}
END_TEST

static Suite *name_suite(void)
{
	Suite *s = suite_create("name");
	TCase *parse = tcase_create("parse"), *resolve = tcase_create("resolve");

	tcase_add_test(parse, test_bdf_valid);
	tcase_add_test(parse, test_bdf_invalid);
	tcase_add_test(parse, test_parse_name);
	tcase_add_test(parse, test_log_level);
	tcase_add_unchecked_fixture(resolve, fake_sysfs, rm_fake_sysfs);
	tcase_add_test(resolve, test_resolve);
	tcase_add_test(resolve, test_resolve_errors);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, resolve);
	return s;
}

UNIT_MAIN(name_suite)
