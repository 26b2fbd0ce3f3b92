// SPDX-License-Identifier: MIT
/*
 * Figures derived from an IOWorker's result (include/nvmetest/ioworker.h):
 * latency percentiles from its microsecond histogram, and IOPS consistency
 * from its IOs per second.
 */
#include <errno.h>
#include <stdlib.h>

#include <nvmetest/ioworker.h>

int nvt_ioworker_percentile(const struct nvt_ioworker_result *res, double percent,
			    uint64_t *us)
{
	uint64_t total = 0, want, acc = 0;
	unsigned int i;

	if (!res || !us || !(percent >= 0.0 && percent <= 100.0))
		return -EINVAL;
	if (!res->latency_hist || !res->latency_buckets)
		return -ENODATA;
	for (i = 0; i < res->latency_buckets; i++)
		total += res->latency_hist[i];
	if (!total)
		return -ENODATA;
	want = (uint64_t)(percent / 100.0 * (double)total + 0.999999);
	if (want < 1)
		want = 1;
	for (i = 0; i < res->latency_buckets; i++) {
		acc += res->latency_hist[i];
		if (acc >= want) {
			*us = i;
			return 0;
		}
	}
	*us = res->latency_buckets - 1;
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int nvt_ioworker_iops_consistency(const struct nvt_ioworker_result *res, double *consistency)
{
	uint64_t whole, i, sum = 0, *sorted;
	double avg;

	if (!res || !consistency)
		return -EINVAL;
	whole = res->duration_ns / 1000000000ULL;
	if (whole > res->seconds)
		whole = res->seconds;
	if (whole < 2 || !res->io_per_second)
		return -ENODATA;
	sorted = malloc(whole * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (i = 0; i < whole; i++) {
		sorted[i] = res->io_per_second[i];
		sum += sorted[i];
	}
	if (!sum) {
		free(sorted);
		return -ENODATA;
	}
	qsort(sorted, whole, sizeof(*sorted), u64_cmp);
	avg = (double)sum / (double)whole;
	/* 99.9% of the seconds were at least this fast */
	*consistency = (double)sorted[whole / 1000] / avg;
	free(sorted);
	return 0;
}
