// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Per-namespace CRC tables of nvmetest.ko (NVT_IOCTL_MAP_CRC_TABLE): pages
 * made as they are touched (the memory follows the LBAs written, not the
 * capacity), the bitmap of existing pages, sharing between processes and
 * files, clearing in place (NVT_CRC_F_RESET), a new table for a new LBA
 * count, the mapping rules and every bad field. The memory figure for the
 * 1 TiB namespace of /dev/nvmetest1 with 1 GiB of 512-byte LBAs written is
 * printed.
 *
 * The tables belong to the controller, not to a file; no admin queue is
 * needed. Tests use NVT_CRC_F_RESET to start from an empty table.
 *
 * Run: tests/vm/run [--kernel 6.1|6.12] -- build/tests/kmod/test_crc
 */
#include <sys/wait.h>

#include "kmod_test.h"

#define NLBA_NS1 (1ull << 21)		/* nvmetest0 namespace 1: 1 GiB of 512 B */

static int fd = -1;
static long ps;

static void setup(void)
{
	fd = dev_open();
	ps = sysconf(_SC_PAGESIZE);
}

static void teardown(void)
{
	if (fd >= 0)
		close(fd);
}

static int map_table(int f, uint32_t flags, uint32_t nsid, uint64_t nlba,
		     struct nvt_ioctl_map_crc_table *m)
{
	memset(m, 0, sizeof(*m));
	m->flags = flags;
	m->nsid = nsid;
	m->nlba = nlba;
	return xioctl(f, NVT_IOCTL_MAP_CRC_TABLE, m);
}

static uint64_t pages_now(int f, uint32_t nsid, uint64_t nlba)
{
	struct nvt_ioctl_map_crc_table m;

	ck_assert_int_eq(map_table(f, 0, nsid, nlba, &m), 0);
	return m.pages;
}

static volatile uint32_t *mmap_table(int f, const struct nvt_ioctl_map_crc_table *m)
{
	void *p = mmap(NULL, m->table_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, f,
		       m->table_mmap_offset);

	ck_assert_msg(p != MAP_FAILED, "mmap table: %s", strerror(errno));
	return p;
}

static const volatile uint8_t *mmap_bitmap(int f, const struct nvt_ioctl_map_crc_table *m)
{
	void *p = mmap(NULL, m->bitmap_mmap_size, PROT_READ, MAP_SHARED, f,
		       m->bitmap_mmap_offset);

	ck_assert_msg(p != MAP_FAILED, "mmap bitmap: %s", strerror(errno));
	return p;
}

static bool bit(const volatile uint8_t *bm, uint64_t i)
{
	return bm[i / 8] >> (i % 8) & 1;
}

START_TEST(test_map_gives_table_and_bitmap)
{
	struct nvt_ioctl_map_crc_table m;

	memset(&m, 0xff, sizeof(m));
	m.flags = NVT_CRC_F_RESET;
	m.nsid = 1;
	m.nlba = NLBA_NS1;
	memset(m.reserved, 0, sizeof(m.reserved));
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CRC_TABLE, &m), 0);
	ck_assert_uint_eq(m.table_mmap_size, 4 * NLBA_NS1);
	ck_assert_uint_eq(m.bitmap_mmap_size, 4096);	/* 2048 bits, one page */
	ck_assert_uint_eq(m.pages, 0);
	ck_assert_uint_eq(m.table_mmap_offset % ps, 0);
	ck_assert_uint_eq(m.bitmap_mmap_offset % ps, 0);
	ck_assert_uint_ne(m.table_mmap_offset, m.bitmap_mmap_offset);
	ck_assert_uint_eq(m.flags, NVT_CRC_F_RESET);
	ck_assert_uint_eq(m.nsid, 1);
	ck_assert_uint_eq(m.nlba, NLBA_NS1);
	/* A non-multiple of 1024 LBAs rounds the table up to a page. */
	ck_assert_int_eq(map_table(fd, 0, 77, 1, &m), 0);
	ck_assert_uint_eq(m.table_mmap_size, 4096);
	ck_assert_uint_eq(m.bitmap_mmap_size, 4096);
}
END_TEST

/* Touched pages are counted, untouched ones cost nothing; the bitmap says which. */
START_TEST(test_pages_follow_what_is_touched)
{
	struct nvt_ioctl_map_crc_table m;
	const volatile uint8_t *bm;
	volatile uint32_t *t;

	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 1, NLBA_NS1, &m), 0);
	t = mmap_table(fd, &m);
	bm = mmap_bitmap(fd, &m);
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 0);
	t[0] = 0x11111111;
	t[100 * 1024 + 5] = 0x22222222;		/* LBA 102405: table page 100 */
	t[NLBA_NS1 - 1] = 0x33333333;		/* the last LBA: page 2047 */
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 3);
	for (uint64_t i = 0; i < NLBA_NS1 / 1024; i++)
		ck_assert_msg(bit(bm, i) == (i == 0 || i == 100 || i == 2047), "bit %llu",
			      (unsigned long long)i);
	/* A page is made once, whoever touches it again. */
	t[1] = 1;
	t[100 * 1024] = 2;
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 3);
	ck_assert_uint_eq(t[0], 0x11111111);
	ck_assert_uint_eq(t[2], 0);
	munmap((void *)t, m.table_mmap_size);
	/* The table lives with the controller, not with the mapping or the file. */
	close(fd);
	fd = dev_open();
	ck_assert_int_eq(map_table(fd, 0, 1, NLBA_NS1, &m), 0);
	ck_assert_uint_eq(m.pages, 3);
	t = mmap_table(fd, &m);
	ck_assert_uint_eq(t[100 * 1024 + 5], 0x22222222);
	munmap((void *)t, m.table_mmap_size);
	munmap((void *)bm, m.bitmap_mmap_size);
}
END_TEST

/*
 * The 1 TiB null namespace of nvmetest1 (2^31 LBAs of 512 B, an 8 GiB
 * table) with 1 GiB written (2^21 LBAs): 2048 table pages, and the bitmap.
 */
START_TEST(test_memory_for_1tib_namespace_with_1gib_written)
{
	const uint64_t nlba = 1ull << 31, written = 1ull << 21;
	struct nvt_ioctl_map_crc_table m;
	const volatile uint8_t *bm;
	volatile uint32_t *t;
	int f = open("/dev/nvmetest1", O_RDWR | O_CLOEXEC);
	struct nvt_ioctl_get_info gi;

	if (f < 0) {
		fprintf(stderr, "SKIP: /dev/nvmetest1: %s\n", strerror(errno));
		return;
	}
	ck_assert_int_eq(get_info(f, &gi), 0);
	ck_assert_int_eq(map_table(f, NVT_CRC_F_RESET, 1, nlba, &m), 0);
	ck_assert_uint_eq(m.table_mmap_size, 8ull << 30);
	ck_assert_uint_eq(m.bitmap_mmap_size, 256 * 1024);
	ck_assert_uint_eq(m.pages, 0);
	t = mmap_table(f, &m);
	bm = mmap_bitmap(f, &m);
	/* Every LBA of the first GiB gets an entry. */
	for (uint64_t lba = 0; lba < written; lba++)
		t[lba] = (uint32_t)(lba * 2654435761u) >> 1 | 1;
	ck_assert_uint_eq(pages_now(f, 1, nlba), written * 4 / 4096);
	for (uint64_t i = 0; i < nlba / 1024; i += 997)
		ck_assert(bit(bm, i) == (i < written / 1024));
	fprintf(stderr, "CRC table of %s namespace 1 (%llu LBAs, %llu GiB table mapped): "
		"%llu LBAs written -> %llu table pages = %llu KiB, + bitmap %llu KiB "
		"= %llu KiB\n", "nvmetest1", (unsigned long long)nlba,
		(unsigned long long)(m.table_mmap_size >> 30), (unsigned long long)written,
		(unsigned long long)pages_now(f, 1, nlba),
		(unsigned long long)pages_now(f, 1, nlba) * 4,
		(unsigned long long)m.bitmap_mmap_size / 1024,
		(unsigned long long)(pages_now(f, 1, nlba) * 4 + m.bitmap_mmap_size / 1024));
	munmap((void *)t, m.table_mmap_size);
	munmap((void *)bm, m.bitmap_mmap_size);
	/* Give the memory back for the other tests: a one-LBA table replaces it. */
	ck_assert_int_eq(map_table(f, 0, 1, 1, &m), 0);
	close(f);
}
END_TEST

/* Another process, through its own file, maps the same table and sees and makes changes. */
START_TEST(test_second_process_shares_the_table)
{
	struct nvt_ioctl_map_crc_table m;
	volatile uint32_t *t;
	int status;
	pid_t pid;

	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 1, NLBA_NS1, &m), 0);
	t = mmap_table(fd, &m);
	t[5000] = 0xabcdef;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct nvt_ioctl_map_crc_table cm;
		int f = open(dev_path(), O_RDWR | O_CLOEXEC);
		volatile uint32_t *ct;

		if (f < 0 || map_table(f, 0, 1, NLBA_NS1, &cm) || cm.pages != 1)
			_exit(2);
		ct = mmap(NULL, cm.table_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, f,
			  cm.table_mmap_offset);
		if (ct == MAP_FAILED || ct[5000] != 0xabcdef)
			_exit(3);
		ct[5001] = 0x123456;
		ct[900000] = 0x654321;
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	ck_assert_uint_eq(t[5001], 0x123456);
	ck_assert_uint_eq(t[900000], 0x654321);
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 2);
	munmap((void *)t, m.table_mmap_size);
}
END_TEST

/* RESET clears in place: every mapping (this process's and another's) reads zeroes. */
START_TEST(test_reset_clears_every_mapping_in_place)
{
	struct nvt_ioctl_map_crc_table m, m2;
	const volatile uint8_t *bm;
	volatile uint32_t *t, *t2;
	int f2 = dev_open();

	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 1, NLBA_NS1, &m), 0);
	t = mmap_table(fd, &m);
	bm = mmap_bitmap(fd, &m);
	ck_assert_int_eq(map_table(f2, 0, 1, NLBA_NS1, &m2), 0);
	t2 = mmap_table(f2, &m2);
	for (int i = 0; i < 8; i++)
		t[i * 1024 * 10] = 100 + i;
	ck_assert_uint_eq(t2[30 * 1024], 103);
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 8);

	ck_assert_int_eq(map_table(f2, NVT_CRC_F_RESET, 1, NLBA_NS1, &m2), 0);
	ck_assert_uint_eq(m2.pages, 0);
	ck_assert_uint_eq(m2.table_mmap_offset, m.table_mmap_offset);
	for (int i = 0; i < 256; i++)
		ck_assert_uint_eq(bm[i], 0);
	for (int i = 0; i < 8; i++) {
		ck_assert_uint_eq(t[i * 1024 * 10], 0);
		ck_assert_uint_eq(t2[i * 1024 * 10], 0);
	}
	/* Reading made the pages again (readers check the bitmap first). */
	ck_assert_uint_eq(pages_now(fd, 1, NLBA_NS1), 8);
	t[1] = 7;
	ck_assert_uint_eq(t2[1], 7);
	munmap((void *)t, m.table_mmap_size);
	munmap((void *)t2, m2.table_mmap_size);
	munmap((void *)bm, m.bitmap_mmap_size);
	close(f2);
}
END_TEST

/* A new LBA count (a format) makes a new table; the old mapping keeps the old one. */
START_TEST(test_new_nlba_makes_a_new_table)
{
	struct nvt_ioctl_map_crc_table a, b, c;
	volatile uint32_t *ta, *tb;

	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 2, 65536, &a), 0);
	ta = mmap_table(fd, &a);
	ta[10] = 0x777;
	ck_assert_int_eq(map_table(fd, 0, 2, 8192, &b), 0);	/* formatted: 4 KiB -> 32 KiB LBAs */
	ck_assert_uint_ne(b.table_mmap_offset, a.table_mmap_offset);
	ck_assert_uint_eq(b.table_mmap_size, 8192 * 4);
	ck_assert_uint_eq(b.pages, 0);
	tb = mmap_table(fd, &b);
	ck_assert_uint_eq(tb[10], 0);
	ck_assert_uint_eq(ta[10], 0x777);
	/* The old table is no longer the namespace's: no new mapping of it. */
	ck_assert_ptr_eq(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, a.table_mmap_offset),
			 MAP_FAILED);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(ta[10], 0x777);
	munmap((void *)ta, a.table_mmap_size);
	/* Back to the first count: yet another, empty, table. */
	ck_assert_int_eq(map_table(fd, 0, 2, 65536, &c), 0);
	ck_assert_uint_ne(c.table_mmap_offset, a.table_mmap_offset);
	ck_assert_uint_eq(c.pages, 0);
	munmap((void *)tb, b.table_mmap_size);
}
END_TEST

/* Namespaces have tables of their own. */
START_TEST(test_namespaces_are_independent)
{
	struct nvt_ioctl_map_crc_table a, b;
	volatile uint32_t *ta, *tb;

	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 3, 4096, &a), 0);
	ck_assert_int_eq(map_table(fd, NVT_CRC_F_RESET, 4, 4096, &b), 0);
	ck_assert_uint_ne(a.table_mmap_offset, b.table_mmap_offset);
	ta = mmap_table(fd, &a);
	tb = mmap_table(fd, &b);
	ta[0] = 3;
	tb[0] = 4;
	ck_assert_uint_eq(ta[0], 3);
	ck_assert_uint_eq(pages_now(fd, 3, 4096), 1);
	ck_assert_uint_eq(pages_now(fd, 4, 4096), 1);
	munmap((void *)ta, a.table_mmap_size);
	munmap((void *)tb, b.table_mmap_size);
}
END_TEST

/* The largest table (2^40 LBAs: 4 TiB mapped, a 128 MiB bitmap). */
START_TEST(test_largest_nlba)
{
	struct nvt_ioctl_map_crc_table m;
	volatile uint32_t *t;

	ck_assert_int_eq(map_table(fd, 0, 99, 1ull << 40, &m), 0);
	ck_assert_uint_eq(m.table_mmap_size, 4ull << 40);
	ck_assert_uint_eq(m.bitmap_mmap_size, 128ull << 20);
	t = mmap_table(fd, &m);
	t[(1ull << 40) - 1] = 9;
	ck_assert_uint_eq(pages_now(fd, 99, 1ull << 40), 1);
	munmap((void *)t, m.table_mmap_size);
	ck_assert_int_eq(map_table(fd, 0, 99, 1, &m), 0);	/* and let it go */
}
END_TEST

START_TEST(test_bad_fields_are_einval)
{
	struct nvt_ioctl_map_crc_table m = { .nsid = 1, .nlba = NLBA_NS1 };

	switch (_i) {
	case 0: m.flags = 2; break;
	case 1: m.flags = 0x80000000u; break;
	case 2: case 3: case 4: m.reserved[_i - 2] = 1; break;
	case 5: m.nsid = 0; break;
	case 6: m.nsid = 0xffffffff; break;
	case 7: m.nlba = 0; break;
	case 8: m.nlba = (1ull << 40) + 1; break;
	default: m.nlba = ~0ull; break;
	}
	ck_assert_int_eq(xioctl(fd, NVT_IOCTL_MAP_CRC_TABLE, &m), -EINVAL);
	ck_assert_uint_eq(m.table_mmap_offset | m.bitmap_mmap_offset | m.pages, 0);
}
END_TEST

START_TEST(test_mapping_rules)
{
	struct nvt_ioctl_map_crc_table m;
	volatile uint32_t *t;
	void *p;

	ck_assert_int_eq(map_table(fd, 0, 1, NLBA_NS1, &m), 0);
	/* The table: shared only, within its size, in one piece. */
	p = mmap(NULL, m.table_mmap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 m.table_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	p = mmap(NULL, m.table_mmap_size + ps, PROT_READ, MAP_SHARED, fd, m.table_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	t = mmap_table(fd, &m);
	ck_assert_int_eq(munmap((void *)t, ps), -1);
	ck_assert_int_eq(errno, EINVAL);
	munmap((void *)t, m.table_mmap_size);
	/* Part of the table, at a page offset, is the same memory. */
	t = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.table_mmap_offset + 3 * ps);
	ck_assert_ptr_ne((void *)t, MAP_FAILED);
	t[0] = 0x31;
	munmap((void *)t, ps);
	t = mmap_table(fd, &m);
	ck_assert_uint_eq(t[3 * ps / 4], 0x31);
	munmap((void *)t, m.table_mmap_size);
	/* The bitmap: read-only, and it stays so. */
	p = mmap(NULL, m.bitmap_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 m.bitmap_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EPERM);
	p = mmap(NULL, m.bitmap_mmap_size, PROT_READ, MAP_SHARED, fd, m.bitmap_mmap_offset);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(mprotect(p, m.bitmap_mmap_size, PROT_READ | PROT_WRITE), -1);
	ck_assert_int_eq(errno, EACCES);
	munmap(p, m.bitmap_mmap_size);
	p = mmap(NULL, m.bitmap_mmap_size + ps, PROT_READ, MAP_SHARED, fd, m.bitmap_mmap_offset);
	ck_assert_ptr_eq(p, MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static Suite *crc_suite(void)
{
	Suite *s = suite_create("crc");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_map_gives_table_and_bitmap);
	tcase_add_test(tc, test_pages_follow_what_is_touched);
	tcase_add_test(tc, test_memory_for_1tib_namespace_with_1gib_written);
	tcase_add_test(tc, test_second_process_shares_the_table);
	tcase_add_test(tc, test_reset_clears_every_mapping_in_place);
	tcase_add_test(tc, test_new_nlba_makes_a_new_table);
	tcase_add_test(tc, test_namespaces_are_independent);
	tcase_add_test(tc, test_largest_nlba);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_bad_fields_are_einval, 0, 10);
	tcase_add_test(tc, test_mapping_rules);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	require_device();
	return run_suite(crc_suite());
}
