// SPDX-License-Identifier: MIT
/*
 * lib/cmdname.c: admin and NVM I/O command names by opcode.
 */
#include <nvmetest/cmdname.h>

#include "unit.h"

struct opname {
	uint8_t opcode;
	const char *name;
};

static const struct opname admin[] = {
	{ 0x00, "Delete I/O Submission Queue" },
	{ 0x01, "Create I/O Submission Queue" },
	{ 0x02, "Get Log Page" },
	{ 0x04, "Delete I/O Completion Queue" },
	{ 0x05, "Create I/O Completion Queue" },
	{ 0x06, "Identify" },
	{ 0x08, "Abort" },
	{ 0x09, "Set Features" },
	{ 0x0a, "Get Features" },
	{ 0x0c, "Asynchronous Event Request" },
	{ 0x0d, "Namespace Management" },
	{ 0x10, "Firmware Commit" },
	{ 0x11, "Firmware Image Download" },
	{ 0x14, "Device Self-test" },
	{ 0x15, "Namespace Attachment" },
	{ 0x18, "Keep Alive" },
	{ 0x19, "Directive Send" },
	{ 0x1a, "Directive Receive" },
	{ 0x1c, "Virtualization Management" },
	{ 0x1d, "NVMe-MI Send" },
	{ 0x1e, "NVMe-MI Receive" },
	{ 0x20, "Capacity Management" },
	{ 0x24, "Lockdown" },
	{ 0x7c, "Doorbell Buffer Config" },
	{ 0x7f, "Fabrics Commands" },
	{ 0x80, "Format NVM" },
	{ 0x81, "Security Send" },
	{ 0x82, "Security Receive" },
	{ 0x84, "Sanitize" },
	{ 0x86, "Get LBA Status" },
	{ 0x03, "Unknown" },
	{ 0x83, "Unknown" },
	{ 0xbf, "Unknown" },
	{ 0xc0, "Vendor Specific" },
	{ 0xff, "Vendor Specific" },
};

static const struct opname io[] = {
	{ 0x00, "Flush" },
	{ 0x01, "Write" },
	{ 0x02, "Read" },
	{ 0x04, "Write Uncorrectable" },
	{ 0x05, "Compare" },
	{ 0x08, "Write Zeroes" },
	{ 0x09, "Dataset Management" },
	{ 0x0c, "Verify" },
	{ 0x0d, "Reservation Register" },
	{ 0x0e, "Reservation Report" },
	{ 0x11, "Reservation Acquire" },
	{ 0x12, "I/O Management Receive" },
	{ 0x15, "Reservation Release" },
	{ 0x19, "Copy" },
	{ 0x1d, "I/O Management Send" },
	{ 0x79, "Zone Management Send" },
	{ 0x7a, "Zone Management Receive" },
	{ 0x7d, "Zone Append" },
	{ 0x03, "Unknown" },
	{ 0x06, "Unknown" },
	{ 0x7e, "Unknown" },
	{ 0x80, "Vendor Specific" },
	{ 0xc0, "Vendor Specific" },
	{ 0xff, "Vendor Specific" },
};

static void check_names(const char *(*fn)(uint8_t), const struct opname *want, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_msg(!strcmp(fn(want[i].opcode), want[i].name), "%02xh: '%s', want '%s'",
			      want[i].opcode, fn(want[i].opcode), want[i].name);
}

START_TEST(test_admin_names)
{
	check_names(nvt_admin_cmdname, admin, NVT_ARRAY_SIZE(admin));
}
END_TEST

START_TEST(test_io_names)
{
	check_names(nvt_io_cmdname, io, NVT_ARRAY_SIZE(io));
}
END_TEST

START_TEST(test_every_opcode_named)
{
	unsigned int opc, named_admin = 0, named_io = 0;

	for (opc = 0; opc < 256; opc++) {
		const char *a = nvt_admin_cmdname((uint8_t)opc), *i = nvt_io_cmdname((uint8_t)opc);

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(i);
		ck_assert_msg(!strcmp(a, "Vendor Specific") == (opc >= 0xc0), "admin %02xh", opc);
		ck_assert_msg(!strcmp(i, "Vendor Specific") == (opc >= 0x80), "io %02xh", opc);
		named_admin += strcmp(a, "Unknown") && strcmp(a, "Vendor Specific");
		named_io += strcmp(i, "Unknown") && strcmp(i, "Vendor Specific");
	}
	/* every named opcode of the tables above, and no others */
	ck_assert_uint_eq(named_admin, 30);
	ck_assert_uint_eq(named_io, 19);
}
END_TEST

static Suite *cmdname_suite(void)
{
	Suite *s = suite_create("cmdname");
	TCase *tc = tcase_create("cmdname");

	tcase_add_test(tc, test_admin_names);
	tcase_add_test(tc, test_io_names);
	tcase_add_test(tc, test_every_opcode_named);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(cmdname_suite)
