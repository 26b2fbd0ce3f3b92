// SPDX-License-Identifier: MIT
/*
 * lib/pattern.c: pynvme's data patterns, the random number generator, the
 * hex dump, and data structure fields.
 */
#include <pthread.h>

#include <nvmetest/pattern.h>

#include "unit.h"

static uint8_t mem[4096 + 8];

static size_t count_byte(const uint8_t *p, size_t len, uint8_t value)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += p[i] == value;
	return n;
}

START_TEST(test_fill_bit)
{
	memset(mem, 0x5a, sizeof(mem));
	ck_assert_int_eq(nvt_pattern_fill(mem, 4096, NVT_PATTERN_BIT, 0), 0);
	ck_assert_uint_eq(count_byte(mem, 4096, 0), 4096);
	ck_assert_uint_eq(mem[4096], 0x5a);
	ck_assert_int_eq(nvt_pattern_fill(mem, 4096, NVT_PATTERN_BIT, 1), 0);
	ck_assert_uint_eq(count_byte(mem, 4096, 0xff), 4096);
	/* pynvme: any non-zero pvalue means all-one */
	nvt_pattern_fill(mem, 4096, NVT_PATTERN_BIT, 0);
	ck_assert_int_eq(nvt_pattern_fill(mem, 4096, NVT_PATTERN_BIT, 0x1234), 0);
	ck_assert_uint_eq(count_byte(mem, 4096, 0xff), 4096);
	ck_assert_uint_eq(mem[4096], 0x5a);
}
END_TEST

START_TEST(test_fill_dword)
{
	static const uint8_t le[] = { 0x78, 0x56, 0x34, 0x12 };
	size_t i;

	memset(mem, 0x5a, sizeof(mem));
	/* odd start and length: the last 10 % 4 bytes are zero, as in pynvme */
	ck_assert_int_eq(nvt_pattern_fill(mem + 1, 10, NVT_PATTERN_DWORD, 0x12345678), 0);
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(mem[1 + i], le[i % 4]);
	ck_assert_uint_eq(mem[9], 0);
	ck_assert_uint_eq(mem[10], 0);
	ck_assert_uint_eq(mem[0], 0x5a);
	ck_assert_uint_eq(mem[11], 0x5a);
	ck_assert_int_eq(nvt_pattern_fill(mem, 4096, NVT_PATTERN_DWORD, 0), 0);
	ck_assert_uint_eq(count_byte(mem, 4096, 0), 4096);
}
END_TEST

START_TEST(test_fill_random)
{
	static const struct {
		size_t len;
		uint32_t pvalue;
		size_t random;	/* len * pvalue / 100 */
	} cases[] = {
		{ 4096, 0, 0 }, { 4096, 100, 4096 }, { 4096, 50, 2048 }, { 4096, 1, 40 },
		{ 333, 30, 99 }, { 7, 99, 6 }, { 1, 100, 1 }, { 0, 100, 0 },
	};
	unsigned int i;
	size_t zeros;

	nvt_srand(1);
	for (i = 0; i < NVT_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len, n = cases[i].random;

		memset(mem, 0x5a, sizeof(mem));
		ck_assert_int_eq(nvt_pattern_fill(mem, len, NVT_PATTERN_RANDOM,
						  cases[i].pvalue), 0);
		/* random first, zero after; about 1 in 256 random bytes is zero */
		ck_assert_uint_eq(count_byte(mem + n, len - n, 0), len - n);
		zeros = count_byte(mem, n, 0);
		ck_assert_msg(zeros <= n / 64 + 1, "case %u: %zu of %zu random bytes are 0",
			      i, zeros, n);
		ck_assert_uint_eq(mem[len], 0x5a);
	}
	/* no byte value is missing from 4096 random bytes (seed 1) */
	nvt_pattern_fill(mem, 4096, NVT_PATTERN_RANDOM, 100);
	for (i = 0; i < 256; i++)
		ck_assert_msg(count_byte(mem, 4096, (uint8_t)i), "no byte %02x", i);
}
END_TEST

START_TEST(test_fill_invalid)
{
	memset(mem, 0x5a, sizeof(mem));
	ck_assert_int_eq(nvt_pattern_fill(mem, 64, NVT_PATTERN_RANDOM, 101), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(mem, 64, 1, 0), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(mem, 64, 8, 0), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(mem, 64, 16, 0), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(mem, 64, 0xbeee, 0), -EINVAL);
	ck_assert_uint_eq(count_byte(mem, 64, 0x5a), 64);
	ck_assert_int_eq(nvt_pattern_fill(NULL, 1, NVT_PATTERN_BIT, 0), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(NULL, 0, NVT_PATTERN_BIT, 0), 0);
	ck_assert_int_eq(nvt_pattern_fill(NULL, 0, NVT_PATTERN_RANDOM, 100), 0);
	ck_assert_int_eq(nvt_pattern_fill(NULL, 0, NVT_PATTERN_RANDOM, 101), -EINVAL);
	ck_assert_int_eq(nvt_pattern_fill(NULL, 0, 7, 0), -EINVAL);
}
END_TEST

START_TEST(test_rand_reference)
{
	/* xoshiro256** over splitmix64(seed): the reference implementations */
	nvt_srand(0);
	ck_assert_uint_eq(nvt_rand(), 0x99ec5f36cb75f2b4ull);
	ck_assert_uint_eq(nvt_rand(), 0xbf6e1f784956452aull);
	ck_assert_uint_eq(nvt_rand(), 0x1a5f849d4933e6e0ull);
	nvt_srand(42);
	ck_assert_uint_eq(nvt_rand(), 0x15780b2e0c2ec716ull);
	ck_assert_uint_eq(nvt_rand(), 0x6104d9866d113a7eull);
}
END_TEST

START_TEST(test_rand_bits)
{
	unsigned int ones[64] = { 0 }, i, b;
	const unsigned int n = 100000;

	nvt_srand(7);
	for (i = 0; i < n; i++) {
		uint64_t v = nvt_rand();

		for (b = 0; b < 64; b++)
			ones[b] += (v >> b) & 1;
	}
	for (b = 0; b < 64; b++)
		ck_assert_msg(ones[b] > n / 2 - n / 100 && ones[b] < n / 2 + n / 100,
			      "bit %u set %u times in %u", b, ones[b], n);
}
END_TEST

START_TEST(test_srand_reproducible)
{
	static uint8_t a[4096], b[4096];

	nvt_srand(1234);
	nvt_pattern_fill(a, sizeof(a), NVT_PATTERN_RANDOM, 100);
	nvt_srand(1234);
	nvt_pattern_fill(b, sizeof(b), NVT_PATTERN_RANDOM, 100);
	ck_assert_mem_eq(a, b, sizeof(a));
	nvt_srand(1235);
	nvt_pattern_fill(b, sizeof(b), NVT_PATTERN_RANDOM, 100);
	ck_assert(memcmp(a, b, sizeof(a)));
}
END_TEST

/* The first nvt_rand() of a new thread, after nvt_srand(*seed) if seed. */
static void *draw_first(void *seed)
{
	if (seed)
		nvt_srand(*(uint64_t *)seed);
	return (void *)(uintptr_t)nvt_rand();
}

static uint64_t draw_in_thread(uint64_t *seed)
{
	pthread_t t;
	void *v;

	ck_assert_int_eq(pthread_create(&t, NULL, draw_first, seed), 0);
	ck_assert_int_eq(pthread_join(t, &v), 0);
	return (uint64_t)(uintptr_t)v;
}

START_TEST(test_rand_per_thread)
{
	uint64_t seed = 99, mine, a, b;

	nvt_srand(seed);
	mine = nvt_rand();
	/* a thread that seeds itself draws the same sequence */
	ck_assert_uint_eq(draw_in_thread(&seed), mine);
	/* threads that do not get streams of their own */
	a = draw_in_thread(NULL);
	b = draw_in_thread(NULL);
	ck_assert_uint_ne(a, mine);
	ck_assert_uint_ne(b, mine);
	ck_assert_uint_ne(a, b);
	/* and drawing in them did not disturb this thread's sequence */
	nvt_srand(seed);
	ck_assert_uint_eq(nvt_rand(), mine);
}
END_TEST

static char out[8192];

START_TEST(test_hexdump_pynvme_examples)
{
	/* pynvme's Buffer docstring: b[0] = 0x5a, b[1:3] = [1, 2], ... */
	static const uint8_t head[] = { 0x5a, 1, 2, 0, 10, 11, 12, 13, 'x', 'y', 'c' };
	const char *line = "00000000  5a 01 02 00 0a 0b 0c 0d  78 79 63 00 00 00 00 00"
			   "   Z.......xyc.....\n";
	const char *dsm =
		"00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................\n"
		"00000010  00 00 00 00 12 ef cd ab  21 43 65 87 78 56 34 12  ........!Ce.xV4.\n"
		"00000020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  ................\n"
		"00000030  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   ................\n";

	memset(mem, 0, sizeof(mem));
	memcpy(mem, head, sizeof(head));
	ck_assert_int_eq(nvt_hexdump(mem, 16, 0, out, sizeof(out)), (int)strlen(line));
	ck_assert_str_eq(out, line);

	/* b.set_dsm_range(1, 0x1234567887654321, 0xabcdef12); b.dump(64) */
	memset(mem, 0, sizeof(mem));
	ck_assert_int_eq(nvt_dsm_range_set(mem, 4096, 1, 0x1234567887654321ull, 0xabcdef12, 0), 0);
	ck_assert_int_eq(nvt_hexdump(mem, 64, 0, out, sizeof(out)), (int)strlen(dsm));
	ck_assert_str_eq(out, dsm);
}
END_TEST

START_TEST(test_hexdump_layout)
{
	static const uint8_t odd[] = { 0x1f, ' ', '~', 0x7f, 0x80, 0xff, 'A' };
	const char *last = "00001000  1f 20 7e 7f 80 ff 41                               . ~...A\n";

	/* a short last line keeps its ASCII column where a full line has it */
	ck_assert_int_eq(nvt_hexdump(odd, sizeof(odd), 0x1000, out, sizeof(out)),
			 (int)strlen(last));
	ck_assert_str_eq(out, last);
	ck_assert_int_eq(nvt_hexdump(odd, 1, 0x123456789ull, out, sizeof(out)), 64);
	ck_assert_str_eq(out, "123456789  1f                                                 .\n");

	/* 20 bytes: one full line, then a short last one */
	memset(mem, 'a', 20);
	ck_assert_int_eq(nvt_hexdump(mem, 20, 0, out, sizeof(out)), 77 + 66);
	ck_assert_str_eq(out + 77, "00000010  61 61 61 61                                        aaaa\n");

	ck_assert_int_eq(nvt_hexdump(mem, 0, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_hexdump_truncated)
{
	char small[12];
	int full;

	memset(mem, 0, 4096);
	full = nvt_hexdump(mem, 4096, 0, NULL, 0);
	/* 255 lines of 77 characters, the last one has a space more */
	ck_assert_int_eq(full, 255 * 77 + 78);
	ck_assert_int_eq(nvt_hexdump(mem, 4096, 0, small, sizeof(small)), full);
	ck_assert_str_eq(small, "00000000  0");
	ck_assert_int_eq(nvt_hexdump(mem, 4096, 0, small, 1), full);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(nvt_hexdump(NULL, 1, 0, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(nvt_hexdump(mem, 1, 0, NULL, 1), -EINVAL);
}
END_TEST

START_TEST(test_le_field)
{
	static const uint8_t id[] = { 0x5a, 1, 2, 0, 10, 11, 12, 13, 0xff, 0x80 };
	uint64_t v = 1;

	/* pynvme: b.data(2, 0) == 0x02015a, b.data(2) == 2 */
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 0, 2, &v), 0);
	ck_assert_uint_eq(v, 0x02015a);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 2, 2, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 2, 9, &v), 0);
	ck_assert_uint_eq(v, 0x80ff0d0c0b0a0002ull);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 9, 9, &v), 0);
	ck_assert_uint_eq(v, 0x80);

	v = 1;
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 1, 9, &v), -EINVAL);	/* 9 bytes */
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 3, 2, &v), -EINVAL);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 8, 10, &v), -ERANGE);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 10, 10, &v), -ERANGE);
	ck_assert_int_eq(nvt_le_field(id, 0, 0, 0, &v), -ERANGE);
	ck_assert_int_eq(nvt_le_field(NULL, sizeof(id), 0, 0, &v), -EINVAL);
	ck_assert_int_eq(nvt_le_field(id, sizeof(id), 0, 0, NULL), -EINVAL);
	ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(test_str_field)
{
	/* Identify Controller: SN at 23:04, MN at 63:24, padded with spaces */
	static uint8_t id[64];
	char s[41];

	memset(id, ' ', sizeof(id));
	memcpy(id + 4, "S123 45", 7);
	memcpy(id + 24, "QEMU NVMe Ctrl", 14);
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 4, 23, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "S123 45");
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 24, 63, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "QEMU NVMe Ctrl");
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 0, 3, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "");
	/* trailing NULs and other white space go too */
	memcpy(id + 24, "Model\0\t\n\r \0", 11);
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 24, 34, s, sizeof(s)), 0);
	ck_assert_str_eq(s, "Model");

	/* exactly fits, then one byte short */
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 4, 23, s, 8), 0);
	ck_assert_str_eq(s, "S123 45");
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 4, 23, s, 7), -ENOSPC);
	ck_assert_str_eq(s, "S123 4");

	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 60, 64, s, sizeof(s)), -ERANGE);
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 5, 4, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(nvt_str_field(NULL, sizeof(id), 4, 5, s, sizeof(s)), -EINVAL);
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 4, 5, NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_str_field(id, sizeof(id), 4, 5, s, 0), -EINVAL);
}
END_TEST

START_TEST(test_dsm_range)
{
	static const uint8_t want[16] = {
		0x03, 0x00, 0x00, 0x00,				/* context attributes */
		0x08, 0x00, 0x00, 0x00,				/* length in LBAs */
		0x21, 0x43, 0x65, 0x87, 0x78, 0x56, 0x34, 0x12,	/* starting LBA */
	};

	memset(mem, 0x5a, sizeof(mem));
	ck_assert_int_eq(nvt_dsm_range_set(mem, 48, 2, 0x1234567887654321ull, 8, 3), 0);
	ck_assert_mem_eq(mem + 32, want, sizeof(want));
	ck_assert_uint_eq(count_byte(mem, 32, 0x5a), 32);
	ck_assert_uint_eq(mem[48], 0x5a);

	ck_assert_int_eq(nvt_dsm_range_set(mem, 47, 2, 0, 1, 0), -ERANGE);
	ck_assert_int_eq(nvt_dsm_range_set(mem, 48, 3, 0, 1, 0), -ERANGE);
	ck_assert_int_eq(nvt_dsm_range_set(mem, 4096, UINT32_MAX, 0, 1, 0), -ERANGE);
	ck_assert_int_eq(nvt_dsm_range_set(mem, 15, 0, 0, 1, 0), -ERANGE);
	ck_assert_int_eq(nvt_dsm_range_set(NULL, 4096, 0, 0, 1, 0), -EINVAL);
	ck_assert_uint_eq(count_byte(mem, 32, 0x5a), 32);
}
END_TEST

static Suite *pattern_suite(void)
{
	Suite *s = suite_create("pattern");
	TCase *fill = tcase_create("fill"), *rnd = tcase_create("rand");
	TCase *text = tcase_create("text");

	tcase_add_test(fill, test_fill_bit);
	tcase_add_test(fill, test_fill_dword);
	tcase_add_test(fill, test_fill_random);
	tcase_add_test(fill, test_fill_invalid);
	tcase_add_test(rnd, test_rand_reference);
	tcase_add_test(rnd, test_rand_bits);
	tcase_add_test(rnd, test_srand_reproducible);
	tcase_add_test(rnd, test_rand_per_thread);
	tcase_add_test(text, test_hexdump_pynvme_examples);
	tcase_add_test(text, test_hexdump_layout);
	tcase_add_test(text, test_hexdump_truncated);
	tcase_add_test(text, test_le_field);
	tcase_add_test(text, test_str_field);
	tcase_add_test(text, test_dsm_range);
	suite_add_tcase(s, fill);
	suite_add_tcase(s, rnd);
	suite_add_tcase(s, text);
	return s;
}

UNIT_MAIN(pattern_suite)
