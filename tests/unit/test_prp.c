// SPDX-License-Identifier: MIT
/*
 * lib/prp.c: PRP1/PRP2/PRP list building for every shape of transfer
 * (NVMe 1.4 section 4.3), with 4 KiB and 64 KiB memory pages.
 */
#include "unit.h"

#define PAGE	4096u
#define LIST	0x7000000ull	/* device address of the list page */

static uint64_t list[PAGE / 8];
static uint64_t prp1, prp2;

static int build(uint64_t addr, uint64_t len)
{
	memset(list, 0xa5, sizeof(list));
	prp1 = prp2 = 0xdead;
	return nvt__prp_build(addr, len, PAGE, list, PAGE / 8, LIST, &prp1, &prp2);
}

START_TEST(test_prp_one_page)
{
	ck_assert_int_eq(build(0x100000, 512), 0);
	ck_assert_uint_eq(prp1, 0x100000);
	ck_assert_uint_eq(prp2, 0);
	/* exactly the page */
	ck_assert_int_eq(build(0x100000, PAGE), 0);
	ck_assert_uint_eq(prp2, 0);
	ck_assert_uint_eq(list[0], 0xa5a5a5a5a5a5a5a5ull);
}
END_TEST

START_TEST(test_prp_offset_reaches_prp1)
{
	/* a buffer offset, even an odd one, is PRP1's offset in its page */
	ck_assert_int_eq(build(0x100000 + 3, 16), 0);
	ck_assert_uint_eq(prp1, 0x100003);
	ck_assert_uint_eq(prp2, 0);
	/* the rest of PRP1's page plus one more: PRP2 is that page */
	ck_assert_int_eq(build(0x100000 + 512, PAGE), 0);
	ck_assert_uint_eq(prp1, 0x100200);
	ck_assert_uint_eq(prp2, 0x101000);
}
END_TEST

START_TEST(test_prp_two_pages)
{
	ck_assert_int_eq(build(0x200000, 2 * PAGE), 0);
	ck_assert_uint_eq(prp1, 0x200000);
	ck_assert_uint_eq(prp2, 0x201000);
}
END_TEST

START_TEST(test_prp_list)
{
	unsigned int i;

	/* 128 KiB aligned: PRP1 + 31 list entries */
	ck_assert_int_eq(build(0x300000, 128 * 1024), 31);
	ck_assert_uint_eq(prp1, 0x300000);
	ck_assert_uint_eq(prp2, LIST);
	for (i = 0; i < 31; i++)
		ck_assert_uint_eq(list[i], 0x301000 + (uint64_t)i * PAGE);
	ck_assert_uint_eq(list[31], 0xa5a5a5a5a5a5a5a5ull);
	/* unaligned start: one more page touched */
	ck_assert_int_eq(build(0x300000 + 512, 128 * 1024), 32);
	ck_assert_uint_eq(list[0], 0x301000);
	ck_assert_uint_eq(list[31], 0x320000);
	/* three pages: a list of two */
	ck_assert_int_eq(build(0x300000, 3 * PAGE), 2);
	ck_assert_uint_eq(prp2, LIST);
}
END_TEST

START_TEST(test_prp_list_limit)
{
	/* one list page of 512 entries: 2 MiB after PRP1's page */
	ck_assert_int_eq(build(0x400000, PAGE + 512ull * PAGE), 512);
	ck_assert_int_eq(build(0x400000, PAGE + 512ull * PAGE + 1), -E2BIG);
	ck_assert_int_eq(build(0x400000, 4ull << 20), -E2BIG);
}
END_TEST

START_TEST(test_prp_big_pages_and_bad_page)
{
	uint64_t p1, p2, l[4];

	ck_assert_int_eq(nvt__prp_build(0x10000, 65536 * 2, 65536, l, 4, LIST, &p1, &p2), 0);
	ck_assert_uint_eq(p2, 0x20000);
	ck_assert_int_eq(nvt__prp_build(0x10000, 65536 * 4, 65536, l, 4, LIST, &p1, &p2), 3);
	ck_assert_uint_eq(l[2], 0x40000);
	ck_assert_int_eq(nvt__prp_build(0, 1, 3000, l, 4, LIST, &p1, &p2), -EINVAL);
	ck_assert_int_eq(nvt__prp_build(0, 1, 4, l, 4, LIST, &p1, &p2), -EINVAL);
}
END_TEST

START_TEST(test_prp_no_data)
{
	ck_assert_int_eq(build(0x500000, 0), 0);
	ck_assert_uint_eq(prp1, 0x500000);
	ck_assert_uint_eq(prp2, 0);
}
END_TEST

static Suite *prp_suite(void)
{
	Suite *s = suite_create("prp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_prp_one_page);
	tcase_add_test(tc, test_prp_offset_reaches_prp1);
	tcase_add_test(tc, test_prp_two_pages);
	tcase_add_test(tc, test_prp_list);
	tcase_add_test(tc, test_prp_list_limit);
	tcase_add_test(tc, test_prp_big_pages_and_bad_page);
	tcase_add_test(tc, test_prp_no_data);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(prp_suite)
