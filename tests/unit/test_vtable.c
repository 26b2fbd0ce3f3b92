// SPDX-License-Identifier: MIT
/*
 * lib/vtable.c: the IO path's view of a verification table: runs clipped
 * to the verify limit, pages that do not exist skipped (a table in memory
 * whose missing pages are PROT_NONE, so touching one crashes the test),
 * locks taken all or none, checks, clears and unlock-all.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <nvmetest/pattern.h>
#include <nvmetest/verify.h>

#include "unit.h"

#define PAGES		8
#define LBA_SIZE	512

static struct nvt__vtable t;
static uint32_t *table;
static uint8_t bitmap[1];
static long page;
static struct nvt__vruns runs;
static char msg[160];

/* Table pages 0, 1, 3 and 6 exist; the others cannot be touched. */
static void setup(void)
{
	unsigned int i;

	page = sysconf(_SC_PAGESIZE);
	table = mmap(NULL, PAGES * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(table, MAP_FAILED);
	bitmap[0] = 1u << 0 | 1u << 1 | 1u << 3 | 1u << 6;
	for (i = 0; i < PAGES; i++)
		if (bitmap[0] >> i & 1)
			ck_assert_int_eq(mprotect((char *)table + i * page, page,
						  PROT_READ | PROT_WRITE), 0);
	t = (struct nvt__vtable) {
		.entries = table,
		.bitmap = bitmap,
		.nlba = PAGES * page / 4 - 100,	/* a limit inside the last page */
		.nr_pages = PAGES,
		.page_entries = (uint32_t)(page / 4),
	};
	memset(&runs, 0, sizeof(runs));
}

static void teardown(void)
{
	nvt__vruns_free(&runs);
	munmap(table, PAGES * page);
}

static uint64_t pe(void)
{
	return t.page_entries;
}

START_TEST(test_vtable_page_exists)
{
	ck_assert(nvt__vtable_page_exists(&t, 0));
	ck_assert(!nvt__vtable_page_exists(&t, 2));
	ck_assert(nvt__vtable_page_exists(&t, 6));
	ck_assert(!nvt__vtable_page_exists(&t, 8));	/* beyond the table */
	ck_assert_uint_eq(nvt__vtable_pages(&t), 4);
}
END_TEST

START_TEST(test_vtable_runs_all_and_existing)
{
	/* pages 1..3: all of it as one run; existing only: page 1 and page 3 */
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, pe() + 5, 3 * pe(), false), 0);
	ck_assert_uint_eq(runs.n, 1);
	ck_assert_uint_eq(runs.v[0].slba, pe() + 5);
	ck_assert_uint_eq(runs.v[0].nlb, 3 * pe());
	runs.n = 0;
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, pe() + 5, 3 * pe(), true), 0);
	ck_assert_uint_eq(runs.n, 2);
	ck_assert_uint_eq(runs.v[0].slba, pe() + 5);
	ck_assert_uint_eq(runs.v[0].nlb, pe() - 5);
	ck_assert_uint_eq(runs.v[1].slba, 3 * pe());
	ck_assert_uint_eq(runs.v[1].nlb, pe());	/* page 4 does not exist */
	/* pages 0 and 1 exist: one merged run */
	runs.n = 0;
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 10, 2 * pe(), true), 0);
	ck_assert_uint_eq(runs.n, 1);
	ck_assert_uint_eq(runs.v[0].nlb, 2 * pe() - 10);
}
END_TEST

START_TEST(test_vtable_runs_clipped_to_limit)
{
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, t.nlba - 4, 100, false), 0);
	ck_assert_uint_eq(runs.n, 1);
	ck_assert_uint_eq(runs.v[0].nlb, 4);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, t.nlba, 100, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 5, 0, false), 0);
	ck_assert_uint_eq(runs.n, 1);
}
END_TEST

START_TEST(test_vtable_normalise_overlaps)
{
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 100, 10, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 50, 10, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 105, 20, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 60, 5, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 200, 1, false), 0);
	nvt__vruns_normalise(&runs);
	ck_assert_uint_eq(runs.n, 3);
	ck_assert_uint_eq(runs.v[0].slba, 50);
	ck_assert_uint_eq(runs.v[0].nlb, 15);
	ck_assert_uint_eq(runs.v[1].slba, 100);
	ck_assert_uint_eq(runs.v[1].nlb, 25);
	ck_assert_uint_eq(runs.v[2].slba, 200);
	/* overlapping ranges of one command lock without conflicting with themselves */
	ck_assert_int_eq(nvt__vtable_trylock(&t, &runs), 0);
	nvt__vtable_unlock(&t, &runs);
}
END_TEST

START_TEST(test_vtable_trylock_all_or_none)
{
	struct nvt__vruns other = { 0 };

	ck_assert_int_eq(nvt__vruns_add(&other, &t, 3 * pe() + 7, 1, false), 0);
	ck_assert_int_eq(nvt__vtable_trylock(&t, &other), 0);
	/* runs on page 0 and page 3: the second conflicts, the first is given back */
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 0, 8, false), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, 3 * pe(), 16, false), 0);
	ck_assert_int_eq(nvt__vtable_trylock(&t, &runs), -EAGAIN);
	ck_assert_uint_eq(table[0] & NVT_VERIFY_LOCK, 0);
	ck_assert_uint_eq(table[3 * pe()] & NVT_VERIFY_LOCK, 0);
	ck_assert_uint_eq(table[3 * pe() + 7] & NVT_VERIFY_LOCK, NVT_VERIFY_LOCK);
	nvt__vtable_unlock(&t, &other);
	ck_assert_int_eq(nvt__vtable_trylock(&t, &runs), 0);
	ck_assert_uint_eq(table[3 * pe() + 15] & NVT_VERIFY_LOCK, NVT_VERIFY_LOCK);
	/* unlock-all releases every lock, in existing pages only */
	nvt__vtable_unlock_all(&t);
	ck_assert_uint_eq(table[0] & NVT_VERIFY_LOCK, 0);
	ck_assert_uint_eq(table[3 * pe() + 15] & NVT_VERIFY_LOCK, 0);
	nvt__vruns_free(&other);
}
END_TEST

START_TEST(test_vtable_write_check_clear)
{
	uint8_t *data = calloc(1, 2 * pe() * LBA_SIZE);
	uint64_t slba = pe() - 4;	/* pages 0..2: page 2 does not exist */

	ck_assert_ptr_nonnull(data);
	nvt_pattern_fill(data, 8 * LBA_SIZE, NVT_PATTERN_RANDOM, 100);
	ck_assert_int_eq(nvt_verify_stamp(data, slba, 8, LBA_SIZE, nvt_verify_next_token(8)), 0);
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, slba, 8, true), 0);
	nvt__vtable_write_done(&t, &runs, data, slba, LBA_SIZE);
	ck_assert_uint_ne(table[slba], 0);
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, slba, LBA_SIZE, msg, sizeof(msg)), 0);
	data[5 * LBA_SIZE + 100] ^= 1;
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, slba, LBA_SIZE, msg, sizeof(msg)),
			 NVT_STATUS_VERIFY_FAILED);
	ck_assert_msg(strstr(msg, "CRC mismatch"), "%s", msg);
	nvt__vtable_clear(&t, &runs);
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, slba, LBA_SIZE, msg, sizeof(msg)), 0);
	nvt__vtable_mark_uncorrectable(&t, &runs);
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, slba, LBA_SIZE, msg, sizeof(msg)),
			 NVT_STATUS_VERIFY_FAILED);
	ck_assert_msg(strstr(msg, "uncorrectable"), "%s", msg);

	nvt__vtable_clear(&t, &runs);
	free(data);

	/* a read spanning a missing page checks the rest and never touches it */
	data = calloc(1, (2 * pe() + 2) * LBA_SIZE);
	ck_assert_ptr_nonnull(data);
	runs.n = 0;
	ck_assert_int_eq(nvt__vruns_add(&runs, &t, pe(), 2 * pe() + 2, true), 0);
	ck_assert_uint_eq(runs.n, 2);
	ck_assert_int_eq(nvt__vtable_trylock(&t, &runs), 0);
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, pe(), LBA_SIZE, msg, sizeof(msg)), 0);
	nvt__vtable_unlock(&t, &runs);
	/* runs before the data's first LBA are a caller bug */
	ck_assert_int_eq(nvt__vtable_check(&t, &runs, data, pe() + 1, LBA_SIZE, msg, sizeof(msg)),
			 -EINVAL);
	free(data);
}
END_TEST

static Suite *vtable_suite(void)
{
	Suite *s = suite_create("vtable");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_vtable_page_exists);
	tcase_add_test(tc, test_vtable_runs_all_and_existing);
	tcase_add_test(tc, test_vtable_runs_clipped_to_limit);
	tcase_add_test(tc, test_vtable_normalise_overlaps);
	tcase_add_test(tc, test_vtable_trylock_all_or_none);
	tcase_add_test(tc, test_vtable_write_check_clear);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(vtable_suite)
