/* SPDX-License-Identifier: MIT */
/*
 * CRC32C (Castagnoli, reflected polynomial 82F63B78h), the checksum of the
 * data verification table. Internal to the library: not exported.
 */
#ifndef NVT_CRC32C_H
#define NVT_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * nvt_crc32c() - update a CRC32C with more data.
 * @crc: the CRC32C of the data before @data (0 to start).
 * @data: the bytes; may be NULL if @len is 0.
 * @len: how many.
 *
 * The value is the standard CRC32C (initial value and final XOR
 * FFFFFFFFh), so nvt_crc32c(0, "123456789", 9) == E3069283h, and
 * nvt_crc32c(nvt_crc32c(0, a, m), b, n) is the CRC32C of a followed by b.
 * Uses the faster here (timed on first use) of the SSE4.2 crc32 instruction,
 * where the CPU has it, and slice-by-8 tables. Thread-safe.
 */
uint32_t nvt_crc32c(uint32_t crc, const void *data, size_t len);

/* For the unit tests: each implementation on its own, same contract as
 * nvt_crc32c(). nvt__crc32c_sse42() may only be called if
 * nvt__crc32c_have_sse42() is true. */
uint32_t nvt__crc32c_table(uint32_t crc, const void *data, size_t len);
uint32_t nvt__crc32c_sse42(uint32_t crc, const void *data, size_t len);
bool nvt__crc32c_have_sse42(void);

#endif /* NVT_CRC32C_H */
