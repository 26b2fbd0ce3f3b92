// SPDX-License-Identifier: MIT
/*
 * lib/crc32c.c: CRC32C, table and SSE4.2 paths, against known vectors, a
 * bit-at-a-time reference and each other.
 */
#include "crc32c.h"
#include "unit.h"

/* The definition: one bit at a time, reflected polynomial 82F63B78h. */
static uint32_t crc32c_bitwise(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0u;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	}
	return ~crc;
}

typedef uint32_t (*crc_fn)(uint32_t crc, const void *data, size_t len);

static crc_fn impls[3];
static const char *impl_names[3];
static unsigned int n_impls;

static void setup(void)
{
	n_impls = 0;
	impls[n_impls] = nvt_crc32c;
	impl_names[n_impls++] = "nvt_crc32c";
	impls[n_impls] = nvt__crc32c_table;
	impl_names[n_impls++] = "table";
	if (nvt__crc32c_have_sse42()) {
		impls[n_impls] = nvt__crc32c_sse42;
		impl_names[n_impls++] = "sse4.2";
	}
}

START_TEST(test_known_vectors)
{
	/* RFC 3720 (iSCSI) B.4, and the usual check value */
	static uint8_t zeros[32], ones[32], inc[32], dec[32];
	static const struct {
		const void *data;
		size_t len;
		uint32_t crc;
	} v[] = {
		{ "123456789", 9, 0xe3069283 },
		{ "", 0, 0 },
		{ zeros, 32, 0x8a9136aa },
		{ ones, 32, 0x62a8ab43 },
		{ inc, 32, 0x46dd794e },
		{ dec, 32, 0x113fdb5c },
	};
	unsigned int i, j;

	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < 32; i++) {
		inc[i] = (uint8_t)i;
		dec[i] = (uint8_t)(31 - i);
	}
	for (j = 0; j < n_impls; j++)
		for (i = 0; i < NVT_ARRAY_SIZE(v); i++)
			ck_assert_msg(impls[j](0, v[i].data, v[i].len) == v[i].crc,
				      "%s vector %u: %08x, want %08x", impl_names[j], i,
				      impls[j](0, v[i].data, v[i].len), v[i].crc);
}
END_TEST

static uint8_t data[65536 + 16];

static void random_data(void)
{
	size_t i;

	srandom(12345);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)random();
}

START_TEST(test_against_reference)
{
	size_t len, off;
	unsigned int j;

	random_data();
	/* every length to 1100 at every alignment (past three short blocks of
	 * the SSE4.2 path's chains), then large ones (past three long ones) */
	for (off = 0; off < 8; off++) {
		for (len = 0; len <= 1100; len++) {
			uint32_t want = crc32c_bitwise(data + off, len);

			for (j = 0; j < n_impls; j++)
				ck_assert_msg(impls[j](0, data + off, len) == want,
					      "%s: len %zu offset %zu", impl_names[j], len, off);
		}
	}
	for (len = 4096; len <= 65536; len *= 4) {
		uint32_t want = crc32c_bitwise(data + 3, len);

		for (j = 0; j < n_impls; j++)
			ck_assert_msg(impls[j](0, data + 3, len) == want, "%s: len %zu",
				      impl_names[j], len);
	}
}
END_TEST

START_TEST(test_paths_agree)
{
	unsigned int i;

	if (!nvt__crc32c_have_sse42())
		return;	/* nothing to compare: the table path is tested above */
	random_data();
	srandom(777);
	for (i = 0; i < 20000; i++) {
		size_t off = (size_t)random() % 16, len = (size_t)random() % 65536;
		uint32_t seed = (uint32_t)random(), t = nvt__crc32c_table(seed, data + off, len);

		ck_assert_msg(nvt__crc32c_sse42(seed, data + off, len) == t,
			      "len %zu offset %zu crc %08x", len, off, seed);
		ck_assert_uint_eq(nvt_crc32c(seed, data + off, len), t);
	}
}
END_TEST

START_TEST(test_chaining)
{
	size_t split;
	unsigned int j;

	random_data();
	for (j = 0; j < n_impls; j++) {
		uint32_t whole = impls[j](0, data, 1000);

		for (split = 0; split <= 1000; split += 37)
			ck_assert_uint_eq(impls[j](impls[j](0, data, split), data + split,
						   1000 - split), whole);
	}
	ck_assert_uint_eq(nvt_crc32c(0x12345678, NULL, 0), 0x12345678);
}
END_TEST

static Suite *crc32c_suite(void)
{
	Suite *s = suite_create("crc32c");
	TCase *tc = tcase_create("crc32c");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_known_vectors);
	tcase_add_test(tc, test_against_reference);
	tcase_add_test(tc, test_paths_agree);
	tcase_add_test(tc, test_chaining);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(crc32c_suite)
