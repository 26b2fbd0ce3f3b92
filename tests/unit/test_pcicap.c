// SPDX-License-Identifier: MIT
/*
 * lib/pcicap.c: capability list walks over a fake config space, including
 * malformed and looping lists, and capability names.
 */
#include <linux/pci_regs.h>

#include "unit.h"

static uint8_t cfg[4096];
static int fail_at = -1;	/* offset whose read fails with -EIO */
static struct nvt_pcie_cap caps[NVT__CAPS_MAX];

static int cfg_read(void *ctx, uint32_t offset, unsigned int width, uint32_t *value)
{
	unsigned int i;

	ck_assert_ptr_eq(ctx, cfg);
	ck_assert_uint_le(offset + width, sizeof(cfg));
	ck_assert_uint_eq(offset % width, 0);
	if ((int)offset == fail_at)
		return -EIO;
	*value = 0;
	for (i = 0; i < width; i++)
		*value |= (uint32_t)cfg[offset + i] << (8 * i);
	return 0;
}

static void put32(uint32_t offset, uint32_t v)
{
	memcpy(&cfg[offset], &v, 4);	/* the tests run little-endian */
}

static void std_cap(uint8_t at, uint8_t id, uint8_t next)
{
	cfg[at] = id;
	cfg[at + 1] = next;
}

static void ext_cap(uint32_t at, uint16_t id, uint8_t ver, uint32_t next)
{
	put32(at, id | (uint32_t)ver << 16 | next << 20);
}

static int walk(uint32_t config_size, unsigned int max)
{
	return nvt__cap_walk(cfg_read, cfg, config_size, caps, max);
}

/* The layout of QEMU's NVMe function: PM, MSI-X, PCIe; no extended caps. */
static void qemu_layout(void)
{
	memset(cfg, 0, sizeof(cfg));
	memset(caps, 0xa5, sizeof(caps));
	fail_at = -1;
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	std_cap(0x40, PCI_CAP_ID_PM, 0x48);
	std_cap(0x48, PCI_CAP_ID_MSIX, 0x60);
	std_cap(0x60, PCI_CAP_ID_EXP, 0x00);
}

START_TEST(test_standard_list)
{
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 3);
	ck_assert_uint_eq(caps[0].offset, 0x40);
	ck_assert_uint_eq(caps[0].id, PCI_CAP_ID_PM);
	ck_assert_uint_eq(caps[1].offset, 0x48);
	ck_assert_uint_eq(caps[1].id, PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(caps[2].offset, 0x60);
	ck_assert_uint_eq(caps[2].id, PCI_CAP_ID_EXP);
	ck_assert_uint_eq(caps[2].extended, 0);
	ck_assert_uint_eq(caps[2].version, 0);
}
END_TEST

START_TEST(test_no_cap_list_bit)
{
	cfg[PCI_STATUS] = 0;
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 0);
}
END_TEST

START_TEST(test_loops_end)
{
	std_cap(0x60, PCI_CAP_ID_EXP, 0x48);		/* back to MSI-X */
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 3);
	std_cap(0x40, PCI_CAP_ID_PM, 0x40);		/* to itself */
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 1);
	std_cap(0x40, PCI_CAP_ID_PM, 0x4b);		/* reserved bits set: 0x48 */
	std_cap(0x48, PCI_CAP_ID_MSIX, 0x20);		/* into the header: stop */
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 2);
	cfg[PCI_CAPABILITY_LIST] = 0x3c;		/* list starts in the header */
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 0);
}
END_TEST

START_TEST(test_longest_list)
{
	unsigned int at;

	/* 48 capabilities fill 0x40..0xff; the last points back to the first. */
	for (at = 0x40; at < 0x100; at += 4)
		std_cap((uint8_t)at, PCI_CAP_ID_VNDR, (uint8_t)(at + 4 < 0x100 ? at + 4 : 0x40));
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 48);
	ck_assert_uint_eq(caps[47].offset, 0xfc);
}
END_TEST

START_TEST(test_extended_list)
{
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 2, 0x148);
	ext_cap(0x148, PCI_EXT_CAP_ID_DSN, 1, 0x000);
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 5);
	ck_assert_uint_eq(caps[3].offset, 0x100);
	ck_assert_uint_eq(caps[3].id, PCI_EXT_CAP_ID_ERR);
	ck_assert_uint_eq(caps[3].extended, 1);
	ck_assert_uint_eq(caps[3].version, 2);
	ck_assert_uint_eq(caps[4].offset, 0x148);
	ck_assert_uint_eq(caps[4].id, PCI_EXT_CAP_ID_DSN);
	ck_assert_uint_eq(caps[4].version, 1);
	/* Without extended config space, the extended list is not read. */
	ck_assert_int_eq(walk(256, NVT__CAPS_MAX), 3);
}
END_TEST

START_TEST(test_extended_malformed)
{
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 2, 0x100);	/* loops to itself */
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 4);
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 2, 0x080);	/* below 0x100 */
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 4);
	put32(0x100, 0xffffffff);			/* no extended space */
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 3);
	ext_cap(0x100, PCI_EXT_CAP_ID_ERR, 2, 0x200);
	ext_cap(0x200, PCI_EXT_CAP_ID_VNDR, 1, 0x100);	/* two-step loop */
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), 5);
}
END_TEST

START_TEST(test_room)
{
	ck_assert_int_eq(walk(4096, 2), 3);
	ck_assert_uint_eq(caps[1].id, PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(caps[2].offset, 0xa5a5);	/* untouched */
	ck_assert_int_eq(nvt__cap_walk(cfg_read, cfg, 4096, NULL, 0), 3);
}
END_TEST

START_TEST(test_read_error)
{
	fail_at = 0x48;
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), -EIO);
	fail_at = PCI_STATUS;
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), -EIO);
	fail_at = 0x100;
	ck_assert_int_eq(walk(4096, NVT__CAPS_MAX), -EIO);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(nvt_pcie_cap_name(PCI_CAP_ID_PM, 0), "Power Management");
	ck_assert_str_eq(nvt_pcie_cap_name(PCI_CAP_ID_MSIX, 0), "MSI-X");
	ck_assert_str_eq(nvt_pcie_cap_name(PCI_CAP_ID_EXP, 0), "PCI Express");
	ck_assert_str_eq(nvt_pcie_cap_name(PCI_EXT_CAP_ID_ERR, 1), "Advanced Error Reporting");
	ck_assert_str_eq(nvt_pcie_cap_name(PCI_EXT_CAP_ID_DOE, 1), "Data Object Exchange");
	ck_assert_ptr_null(nvt_pcie_cap_name(0, 0));
	ck_assert_ptr_null(nvt_pcie_cap_name(0xff, 0));
	ck_assert_ptr_null(nvt_pcie_cap_name(PCI_EXT_CAP_ID_AMD_XXX, 1));
	ck_assert_ptr_null(nvt_pcie_cap_name(0xffff, 1));
}
END_TEST

static Suite *pcicap_suite(void)
{
	Suite *s = suite_create("pcicap");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, qemu_layout, NULL);
	tcase_add_test(tc, test_standard_list);
	tcase_add_test(tc, test_no_cap_list_bit);
	tcase_add_test(tc, test_loops_end);
	tcase_add_test(tc, test_longest_list);
	tcase_add_test(tc, test_extended_list);
	tcase_add_test(tc, test_extended_malformed);
	tcase_add_test(tc, test_room);
	tcase_add_test(tc, test_read_error);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(pcicap_suite)
