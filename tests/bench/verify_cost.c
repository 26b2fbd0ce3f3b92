// SPDX-License-Identifier: MIT
/*
 * verify_cost: where a verified 4 KiB read spends its CPU time, without a
 * device. Prints one JSON line: microseconds per 4 KiB for the SSE4.2
 * CRC32C path (when the CPU has it), the table path, the path the library
 * chose (nvt_crc32c()), the read check of 8 LBAs of 512 bytes
 * (nvt_verify_read()), and a lock plus unlock of those 8 LBAs.
 *
 * Run it where the IO runs (in the VM, under TCG, the crc32 instruction is
 * emulated by a helper call and the table path wins; on hardware the
 * instruction does). No speed is asserted.
 */
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include <nvmetest/verify.h>

#include "crc32c.h"

#define ROUNDS	2000
#define BYTES	4096
#define LBA	512
#define NLBA	(1u << 16)

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static uint8_t data[BYTES] __attribute__((aligned(64)));
static uint32_t table[NLBA];
static volatile uint32_t sink;

/* Microseconds per call of @fn over the 4 KiB buffer. */
static double crc_cost(uint32_t (*fn)(uint32_t, const void *, size_t))
{
	double t;
	int i;

	for (i = 0; i < ROUNDS / 10; i++)	/* warm the caches and the clock first */
		sink += fn(0, data, BYTES);
	t = now_us();
	for (i = 0; i < ROUNDS; i++)
		sink += fn(0, data, BYTES);
	return (now_us() - t) / ROUNDS;
}

int main(void)
{
	double sse = -1, tab, used, check, lock, t;
	int i;

	for (i = 0; i < BYTES; i++)
		data[i] = (uint8_t)(i * 131 + 7);
	if (nvt__crc32c_have_sse42())
		sse = crc_cost(nvt__crc32c_sse42);
	tab = crc_cost(nvt__crc32c_table);
	used = crc_cost(nvt_crc32c);
	if (nvt_verify_stamp(data, 100, BYTES / LBA, LBA, 1) ||
	    nvt_verify_write_done(table, NLBA, data, 100, BYTES / LBA, LBA)) {
		fprintf(stderr, "verify_cost: stamping the test data failed\n");
		return 1;
	}
	t = now_us();
	for (i = 0; i < ROUNDS; i++)
		if (nvt_verify_read(table, NLBA, data, 100, BYTES / LBA, LBA, NULL, 0)) {
			fprintf(stderr, "verify_cost: the check of the test data failed\n");
			return 1;
		}
	check = (now_us() - t) / ROUNDS;
	t = now_us();
	for (i = 0; i < ROUNDS; i++) {
		nvt_verify_trylock(table, NLBA, 100, BYTES / LBA);
		nvt_verify_unlock(table, NLBA, 100, BYTES / LBA);
	}
	lock = (now_us() - t) / ROUNDS;
	printf("{\"tool\":\"nvmetest\",\"crc_sse42_us\":%.2f,\"crc_table_us\":%.2f,"
	       "\"crc_used_us\":%.2f,\"verify_read_us\":%.2f,\"lock_unlock_us\":%.2f}\n",
	       sse, tab, used, check, lock);
	return 0;
}
