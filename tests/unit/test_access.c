// SPDX-License-Identifier: MIT
/*
 * Argument checking that needs no device: lib/pcie.c's access checks and
 * the NULL handling of every constructor, destructor and accessor.
 */
#include <unistd.h>

#include "unit.h"

/* A 4 KiB space on a descriptor that is not open: only the checks pass. */
static const struct nvt__space space = {
	.name = "test space",
	.read_req = NVT_IOCTL_READ_CONFIG,
	.write_req = NVT_IOCTL_WRITE_CONFIG,
	.size = 4096,
};

static int access_at(bool write, uint64_t offset, unsigned int width, uint64_t value)
{
	return nvt__access("test", -1, &space, write, offset, width, &value);
}

START_TEST(test_alignment)
{
	unit_log_reset();
	ck_assert_int_eq(access_at(false, 2, 4, 0), -EINVAL);
	ck_assert_str_eq(unit_log, "test: offset 0x2 is not a multiple of the width 4");
	ck_assert_int_eq(access_at(true, 1, 2, 0), -EINVAL);
	ck_assert_int_eq(access_at(false, 4, 8, 0), -EINVAL);
}
END_TEST

START_TEST(test_range)
{
	unit_log_reset();
	ck_assert_int_eq(access_at(false, 4096, 1, 0), -ERANGE);
	ck_assert_str_eq(unit_log, "test: offset 0x1000 + 1 is beyond the 4096 bytes of test space");
	ck_assert_int_eq(access_at(false, 4092, 8, 0), -EINVAL);	/* misaligned first */
	ck_assert_int_eq(access_at(false, 4088, 8, 0), -EBADF);	/* fits: reaches the ioctl */
	ck_assert_int_eq(access_at(true, 0xfffffffffffffff0ULL, 8, 0), -ERANGE);
	ck_assert_int_eq(access_at(true, 0x8000000000000000ULL, 4, 0), -ERANGE);
}
END_TEST

START_TEST(test_value_width)
{
	unit_log_reset();
	ck_assert_int_eq(access_at(true, 0, 1, 0x100), -EINVAL);
	ck_assert_str_eq(unit_log, "test: value 0x100 does not fit in 1 bytes");
	ck_assert_int_eq(access_at(true, 0, 2, 0x10000), -EINVAL);
	ck_assert_int_eq(access_at(true, 0, 4, 0x100000000ULL), -EINVAL);
	ck_assert_int_eq(access_at(true, 0, 4, 0xffffffff), -EBADF);
	ck_assert_int_eq(access_at(true, 0, 8, ~0ULL), -EBADF);
	ck_assert_log_contains("test: write test space at 0x0 width 8: Bad file descriptor");
}
END_TEST

START_TEST(test_null_arguments)
{
	struct nvt_pcie *pcie = (struct nvt_pcie *)&pcie;
	struct nvt_ctrl *ctrl = (struct nvt_ctrl *)&ctrl;
	struct nvt_pcie_info info;
	uint32_t v32;
	uint64_t v64;
	unsigned int count;

	unit_log_reset();
	ck_assert_int_eq(nvt_pcie_open(NULL, &pcie), -EINVAL);
	ck_assert_ptr_null(pcie);
	ck_assert_int_eq(nvt_pcie_open("nvmetest0", NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_open("nvmetest0", NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_create(NULL, &ctrl), -EINVAL);
	ck_assert_ptr_null(ctrl);
	ck_assert_int_eq(nvt_pcie_info(NULL, &info), -EINVAL);
	ck_assert_int_eq(nvt_pcie_fd(NULL), -EINVAL);
	ck_assert_int_eq(nvt_pcie_cfg_read(NULL, 0, 4, &v32), -EINVAL);
	ck_assert_int_eq(nvt_pcie_cfg_write(NULL, 0, 4, 0), -EINVAL);
	ck_assert_int_eq(nvt_pcie_caps(NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_pcie_cap_offset(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_pcie_ext_cap_offset(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_reg_read32(NULL, 0, &v32), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_reg_read64(NULL, 0, &v64), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_reg_write32(NULL, 0, 0), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_reg_write64(NULL, 0, 0), -EINVAL);
	ck_assert_ptr_null(nvt_ctrl_pcie(NULL));
	ck_assert_ptr_null(nvt_pcie_ref(NULL));
	ck_assert_int_eq(nvt_list(NULL, 1, &count), -EINVAL);
	ck_assert_int_eq(nvt_list(NULL, 0, NULL), -EINVAL);
	nvt_pcie_close(NULL);
	nvt_ctrl_close(NULL);
}
END_TEST

START_TEST(test_open_errors)
{
	struct nvt_pcie *pcie;
	struct nvt_ctrl *ctrl;

	unit_log_reset();
	ck_assert_int_eq(nvt_pcie_open("/nonexistent/nvmetest0", &pcie), -ENOENT);
	ck_assert_ptr_null(pcie);
	ck_assert_log_contains("cannot open /nonexistent/nvmetest0: No such file or directory");
	ck_assert_int_eq(nvt_ctrl_open("/dev/null", &ctrl), -ENOTTY);
	ck_assert_ptr_null(ctrl);
	ck_assert_log_contains("/dev/null is not an nvmetest device");
	ck_assert_int_eq(nvt_pcie_open("not a device", &pcie), -EINVAL);
}
END_TEST

START_TEST(test_list_without_module)
{
	unsigned int count = 7;
	int ret;

	if (!access("/sys/module/nvmetest", F_OK))
		return;		/* loaded (in the VM): nothing to check here */
	unit_log_reset();
	ret = nvt_list(NULL, 0, &count);
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_uint_eq(count, 0);
	ck_assert_log_contains("nvmetest module not loaded");
}
END_TEST

static Suite *access_suite(void)
{
	Suite *s = suite_create("access");
	TCase *tc = tcase_create("arguments");

	tcase_add_test(tc, test_alignment);
	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_value_width);
	tcase_add_test(tc, test_null_arguments);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_list_without_module);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(access_suite)
