// SPDX-License-Identifier: MIT
/*
 * lib/ioworker.c and ioworker_stats.c, the parts that need no device:
 * pynvme's defaults, NULL handling, latency percentiles from the
 * microsecond histogram, IOPS consistency from the IOs per second. (Parameter
 * checks need a namespace: tests/kmod/test_lib_ioworker.c.)
 */
#include <nvmetest/ioworker.h>

#include "unit.h"

START_TEST(test_args_init_is_pynvme_defaults)
{
	struct nvt_ioworker_args a;

	memset(&a, 0xff, sizeof(a));
	nvt_ioworker_args_init(&a);
	ck_assert_uint_eq(a.io_size, 8);
	ck_assert_uint_eq(a.lba_random, 100);
	ck_assert_uint_eq(a.read_percentage, 100);
	ck_assert_uint_eq(a.qdepth, 64);
	ck_assert_uint_eq(a.region_start, 0);
	ck_assert_uint_eq(a.region_end, UINT64_MAX);
	ck_assert_uint_eq(a.ptype, NVT_PATTERN_RANDOM);
	ck_assert_uint_eq(a.pvalue, 100);
	ck_assert_uint_eq(a.flags, 0);
	ck_assert_uint_eq(a.io_count, 0);
	ck_assert_uint_eq(a.time_ms, 0);
	ck_assert_ptr_null(a.io_sequence);
	ck_assert_uint_eq(a.io_sequence_len, 0);
	ck_assert_uint_eq(a.rsvd[1], 0);
	nvt_ioworker_args_init(NULL);	/* no crash */
}
END_TEST

START_TEST(test_null_arguments)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_ioworker *w = (struct nvt_ioworker *)1;

	unit_log_reset();
	nvt_ioworker_args_init(&a);
	ck_assert_int_eq(nvt_ioworker_check(NULL, &a), -EINVAL);
	ck_assert_log_contains("NULL");
	ck_assert_int_eq(nvt_ioworker_start(NULL, &a, &w), -EINVAL);
	ck_assert_ptr_null(w);
	ck_assert_int_eq(nvt_ioworker_start_group(NULL, &a, 1, &w), -EINVAL);
	memset(&r, 0xff, sizeof(r));
	ck_assert_int_eq(nvt_ioworker_close(NULL, &r), 0);
	ck_assert_uint_eq(r.io_count, 0);
	ck_assert_ptr_null(r.latency_hist);
	nvt_ioworker_result_free(NULL);
	nvt_ioworker_stop(NULL);
	ck_assert(!nvt_ioworker_running(NULL));
}
END_TEST

START_TEST(test_percentiles_from_histogram)
{
	struct nvt_ioworker_result r;
	uint64_t us;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 50, &us), -ENODATA);
	r.latency_buckets = NVT_IOWORKER_LAT_BUCKETS;
	r.latency_hist = calloc(r.latency_buckets, sizeof(*r.latency_hist));
	ck_assert_ptr_nonnull(r.latency_hist);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 50, &us), -ENODATA);
	/* 100 commands: latencies 1 .. 100 us, one each */
	for (i = 1; i <= 100; i++)
		r.latency_hist[i] = 1;
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 50, &us), 0);
	ck_assert_uint_eq(us, 50);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 99, &us), 0);
	ck_assert_uint_eq(us, 99);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 99.5, &us), 0);
	ck_assert_uint_eq(us, 100);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 100, &us), 0);
	ck_assert_uint_eq(us, 100);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 0, &us), 0);
	ck_assert_uint_eq(us, 1);
	/* the overflow bucket */
	r.latency_hist[NVT_IOWORKER_LAT_BUCKETS - 1] = 100;
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 75, &us), 0);
	ck_assert_uint_eq(us, NVT_IOWORKER_LAT_BUCKETS - 1);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, -1, &us), -EINVAL);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 100.01, &us), -EINVAL);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 50, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ioworker_percentile(NULL, 50, &us), -EINVAL);
	nvt_ioworker_result_free(&r);
	ck_assert_ptr_null(r.latency_hist);
}
END_TEST

START_TEST(test_iops_consistency_from_io_per_second)
{
	uint64_t ips[2001];
	struct nvt_ioworker_result r;
	double c;
	unsigned int i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, &c), -ENODATA);
	ck_assert_int_eq(nvt_ioworker_iops_consistency(NULL, &c), -EINVAL);
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, NULL), -EINVAL);
	r.io_per_second = ips;

	/* 4 whole seconds 100, 100, 50, 150 and a partial one (left out) */
	ips[0] = 100, ips[1] = 100, ips[2] = 50, ips[3] = 150, ips[4] = 3;
	r.seconds = 5;
	r.duration_ns = 4300000000ULL;
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, &c), 0);
	ck_assert_double_eq_tol(c, 50.0 / 100.0, 1e-12);

	/* under 2 whole seconds: nothing to say */
	r.duration_ns = 1900000000ULL;
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, &c), -ENODATA);

	/* 2000 seconds at 1000 IOPS but the 2 slowest at 10 and 20: the 99.9th
	 * percentile slowest is the third slowest (index 2000 / 1000) */
	for (i = 0; i < 2000; i++)
		ips[i] = 1000;
	ips[7] = 10, ips[1500] = 20, ips[900] = 900;
	r.seconds = 2000;
	r.duration_ns = 2000ULL * 1000000000ULL;
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, &c), 0);
	ck_assert_double_eq_tol(c, 900.0 / ((1000.0 * 1997 + 10 + 20 + 900) / 2000), 1e-12);

	/* nothing completed */
	memset(ips, 0, sizeof(ips));
	ck_assert_int_eq(nvt_ioworker_iops_consistency(&r, &c), -ENODATA);
}
END_TEST

static Suite *ioworker_suite(void)
{
	Suite *s = suite_create("ioworker");
	TCase *tc = tcase_create("ioworker");

	tcase_add_test(tc, test_args_init_is_pynvme_defaults);
	tcase_add_test(tc, test_null_arguments);
	tcase_add_test(tc, test_percentiles_from_histogram);
	tcase_add_test(tc, test_iops_consistency_from_io_per_second);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(ioworker_suite)
