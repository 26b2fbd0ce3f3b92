// SPDX-License-Identifier: MIT
/*
 * lib/vmchannel.c outside the test VM: bad arguments are refused before
 * anything else, and without the channel every call says so. Skips (77)
 * where the channel exists (inside the VM the device tests cover it).
 */
#include "unit.h"

START_TEST(test_bad_arguments_first)
{
	unit_log_reset();
	ck_assert_int_eq(nvt_vm_poweroff(NULL), -EINVAL);
	ck_assert_log_contains("'(null)' is not a PCI address");
	ck_assert_int_eq(nvt_vm_poweron("01:00"), -EINVAL);
	ck_assert_log_contains("nvt_vm_poweron: '01:00' is not a PCI address");
	ck_assert_int_eq(nvt_vm_set_smart_warning("01:00.0", 0x100), -EINVAL);
	ck_assert_log_contains("value 0x100 does not fit the Critical Warning byte");
	ck_assert_int_eq(nvt_vm_set_smart_warning("0000:01:00.0x", 1), -EINVAL);
}
END_TEST

START_TEST(test_no_channel_outside_the_vm)
{
	unit_log_reset();
	ck_assert_int_eq(nvt_vm_channel_available(), 0);
	ck_assert_int_eq(nvt_vm_poweroff("01:00.0"), -ENOTCONN);
	ck_assert_log_contains("nvt_vm_poweroff: no VM control channel");
	ck_assert_int_eq(nvt_vm_poweron("0000:01:00.0"), -ENOTCONN);
	ck_assert_int_eq(nvt_vm_set_smart_warning("01:00.0", 0x1f), -ENOTCONN);
	ck_assert_log_contains("this runs only in the test VM");
}
END_TEST

static Suite *vmchannel_suite(void)
{
	Suite *s = suite_create("vmchannel");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_bad_arguments_first);
	tcase_add_test(tc, test_no_channel_outside_the_vm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	if (nvt_vm_channel_available())
		return 77;
	sr = srunner_create(vmchannel_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
