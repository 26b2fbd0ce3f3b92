// SPDX-License-Identifier: MIT
/*
 * lib/status.c: NVMe status names, pynvme's status text, CQE DW3 fields.
 */
#include <nvmetest/status.h>

#include "unit.h"

START_TEST(test_cqe_dw3_fields)
{
	/* DNR, More, CRD 2, SCT 1, SC 0Ah, phase 1, CID 1234h */
	uint32_t dw3 = 1u << 31 | 1u << 30 | 2u << 28 | 1u << 25 | 0x0au << 17 | 1u << 16 | 0x1234;

	ck_assert_uint_eq(nvt_status_from_cqe_dw3(dw3), 0x10a);
	ck_assert_uint_eq(NVT_CQE_DNR(dw3), 1);
	ck_assert_uint_eq(NVT_CQE_MORE(dw3), 1);
	ck_assert_uint_eq(NVT_CQE_CRD(dw3), 2);
	ck_assert_uint_eq(NVT_CQE_SCT(dw3), 1);
	ck_assert_uint_eq(NVT_CQE_SC(dw3), 0x0a);
	ck_assert_uint_eq(NVT_CQE_PHASE(dw3), 1);
	ck_assert_uint_eq(NVT_CQE_CID(dw3), 0x1234);
	ck_assert_uint_eq(nvt_status_from_cqe_dw3(1u << 16 | 0xffff), 0);
	ck_assert_uint_eq(nvt_status_from_cqe_dw3(0xffffffff), 0x7ff);
	ck_assert_uint_eq(nvt_status_from_cqe_dw3(0x781u << 17), NVT_STATUS_VERIFY_FAILED);
	dw3 = 0;
	ck_assert_uint_eq(NVT_CQE_DNR(dw3) | NVT_CQE_MORE(dw3) | NVT_CQE_CRD(dw3), 0);
	ck_assert_uint_eq(NVT_STATUS(2, 0x81), 0x281);
	ck_assert_uint_eq(NVT_STATUS_SCT(0x281), 2);
	ck_assert_uint_eq(NVT_STATUS_SC(0x281), 0x81);
}
END_TEST

static const struct {
	uint16_t status;
	const char *name;
} names[] = {
	{ 0x000, "Successful Completion" },
	{ 0x001, "Invalid Command Opcode" },
	{ 0x002, "Invalid Field in Command" },
	{ 0x008, "Command Aborted due to SQ Deletion" },
	{ 0x00b, "Invalid Namespace or Format" },
	{ 0x01d, "Sanitize In Progress" },
	{ 0x024, "Admin Command Media Not Ready" },
	{ 0x080, "LBA Out of Range" },
	{ 0x083, "Reservation Conflict" },
	{ 0x084, "Format In Progress" },
	{ 0x100, "Completion Queue Invalid" },
	{ 0x101, "Invalid Queue Identifier" },
	{ 0x102, "Invalid Queue Size" },
	{ 0x103, "Abort Command Limit Exceeded" },
	{ 0x105, "Asynchronous Event Request Limit Exceeded" },
	{ 0x106, "Invalid Firmware Slot" },
	{ 0x10a, "Invalid Format" },
	{ 0x10c, "Invalid Queue Deletion" },
	{ 0x11d, "Device Self-test In Progress" },
	{ 0x12d, "Identifier Unavailable" },
	{ 0x180, "Conflicting Attributes" },
	{ 0x181, "Invalid Protection Information" },
	{ 0x182, "Attempted Write to Read Only Range" },
	{ 0x183, "Command Size Limit Exceeded" },
	{ 0x1b9, "Zone Is Full" },
	{ 0x1bf, "Invalid Zone State Transition" },
	{ 0x280, "Write Fault" },
	{ 0x281, "Unrecovered Read Error" },
	{ 0x282, "End-to-end Guard Check Error" },
	{ 0x285, "Compare Failure" },
	{ 0x287, "Deallocated or Unwritten Logical Block" },
	{ 0x300, "Internal Path Error" },
	{ 0x303, "Asymmetric Access Transition" },
	{ 0x371, "Command Aborted By Host" },
	{ 0x781, "Data verification failed" },
	{ 0x7ff, "Host timeout" },
	/* no name */
	{ 0x017, "Unknown status" },
	{ 0x025, "Unknown status" },
	{ 0x0bf, "Unknown status" },
	{ 0x104, "Unknown status" },
	{ 0x1b5, "Unknown status" },
	{ 0x27f, "Unknown status" },
	{ 0x304, "Unknown status" },
	{ 0x400, "Unknown status" },
	{ 0x4c0, "Unknown status" },
	{ 0x6ff, "Unknown status" },
	/* C0h-FFh of types 0-3, and all of type 7 but ours */
	{ 0x0c0, "Vendor specific" },
	{ 0x1ff, "Vendor specific" },
	{ 0x2c5, "Vendor specific" },
	{ 0x3fe, "Vendor specific" },
	{ 0x700, "Vendor specific" },
	{ 0x780, "Vendor specific" },
	{ 0x7fd, "Vendor specific" },
	{ 0x7fe, "Host cancelled" },
};

START_TEST(test_status_names)
{
	unsigned int i;

	for (i = 0; i < NVT_ARRAY_SIZE(names); i++)
		ck_assert_msg(!strcmp(nvt_status_name(names[i].status), names[i].name),
			      "%03x: '%s', want '%s'", names[i].status,
			      nvt_status_name(names[i].status), names[i].name);
}
END_TEST

START_TEST(test_status_name_every_code)
{
	unsigned int s;

	for (s = 0; s <= 0xffff; s++) {
		const char *name = nvt_status_name((uint16_t)s);

		ck_assert_ptr_nonnull(name);
		ck_assert_msg(name[0], "%04x has an empty name", s);
		/* bits above 10 (DNR, More, CRD in a raw status field) are ignored */
		ck_assert_ptr_eq(name, nvt_status_name(s & 0x7ff));
	}
}
END_TEST

START_TEST(test_status_format)
{
	char buf[80];

	ck_assert_int_eq(nvt_status_format(0x001, buf, sizeof(buf)), 42);
	ck_assert_str_eq(buf, "ERROR status: 00/01 Invalid Command Opcode");
	nvt_status_format(NVT_STATUS_VERIFY_FAILED, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ERROR status: 07/81 Data verification failed");
	nvt_status_format(0x2ff, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ERROR status: 02/ff Vendor specific");
	nvt_status_format(0xc10a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ERROR status: 01/0a Invalid Format");

	/* like snprintf: truncated, NUL-terminated, full length returned */
	ck_assert_int_eq(nvt_status_format(0x001, buf, 20), 42);
	ck_assert_str_eq(buf, "ERROR status: 00/01");
	ck_assert_int_eq(nvt_status_format(0x001, NULL, 0), 42);
	ck_assert_int_eq(nvt_status_format(0x001, NULL, 1), -EINVAL);
}
END_TEST

static Suite *status_suite(void)
{
	Suite *s = suite_create("status");
	TCase *tc = tcase_create("status");

	tcase_add_test(tc, test_cqe_dw3_fields);
	tcase_add_test(tc, test_status_names);
	tcase_add_test(tc, test_status_name_every_code);
	tcase_add_test(tc, test_status_format);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(status_suite)
