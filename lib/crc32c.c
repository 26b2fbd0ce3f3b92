// SPDX-License-Identifier: MIT
/*
 * CRC32C: the SSE4.2 crc32 instruction where the CPU has it and it is the
 * faster path, slice-by-8 tables elsewhere. The choice is made once, on
 * first use, by timing both: under an emulator such as QEMU's TCG the crc32
 * instruction goes through a helper call per instruction and costs about 6
 * times the table path (40 vs 7 us per 4 KiB), while on hardware it is
 * several times faster than the tables.
 *
 * The instruction takes 3 cycles but can start one per cycle, so the SSE4.2
 * path runs three independent chains over three blocks of equal length and
 * joins them with "shift by a block of zero bytes" tables: the CRC register
 * is linear, crc(c, A B) = shift(crc(c, A), |B|) ^ crc(0, B).
 */
#include <endian.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "crc32c.h"

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define HAVE_SSE42_PATH	1
#endif

#define CRC32C_POLY	0x82f63b78u	/* reflected 1EDC6F41h */

/* table[k][b]: the CRC of byte b followed by k zero bytes. */
static uint32_t table[8][256];
static uint32_t (*crc_impl)(uint32_t crc, const uint8_t *p, size_t len);
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* The raw register update: no initial or final inversion. */
static uint32_t crc_table_raw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t v;

	for (; len >= sizeof(v); p += sizeof(v), len -= sizeof(v)) {
		memcpy(&v, p, sizeof(v));
		v = le64toh(v) ^ crc;
		crc = table[7][v & 0xff] ^ table[6][(v >> 8) & 0xff] ^
		      table[5][(v >> 16) & 0xff] ^ table[4][(v >> 24) & 0xff] ^
		      table[3][(v >> 32) & 0xff] ^ table[2][(v >> 40) & 0xff] ^
		      table[1][(v >> 48) & 0xff] ^ table[0][v >> 56];
	}
	while (len--)
		crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#ifdef HAVE_SSE42_PATH
/*
 * Block lengths of the three chains, in bytes (multiples of 8): three long
 * blocks cover a 4 KiB LBA but 16 bytes, three short ones a 512-byte LBA
 * but 8.
 */
#define LONG_BLOCK	1360
#define SHORT_BLOCK	168

/* shift_long[k][b]: byte b at bits 8k..8k+7 of the register, followed by
 * LONG_BLOCK zero bytes; shift_short the same for SHORT_BLOCK. */
static uint32_t shift_long[4][256], shift_short[4][256];

/* The tables of a shift by @len zero bytes, from the 32 single-bit shifts. */
static void shift_init(uint32_t shift[4][256], size_t len)
{
	static const uint8_t zeros[LONG_BLOCK];
	uint32_t bit[32];
	unsigned int i, k, b;

	for (i = 0; i < 32; i++)
		bit[i] = crc_table_raw(1u << i, zeros, len);
	for (k = 0; k < 4; k++)
		for (b = 0; b < 256; b++) {
			shift[k][b] = 0;
			for (i = 0; i < 8; i++)
				if (b & (1u << i))
					shift[k][b] ^= bit[8 * k + i];
		}
}

static uint32_t shift_by(const uint32_t shift[4][256], uint32_t crc)
{
	return shift[0][crc & 0xff] ^ shift[1][(crc >> 8) & 0xff] ^
	       shift[2][(crc >> 16) & 0xff] ^ shift[3][crc >> 24];
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Runs of three blocks of @block bytes each, as long as @len lasts. */
__attribute__((target("sse4.2")))
static uint64_t crc_sse42_three(uint64_t c0, const uint8_t **pp, size_t *len, size_t block,
				const uint32_t shift[4][256])
{
	const uint8_t *p = *pp;
	uint64_t c1, c2;
	size_t i;

	for (; *len >= 3 * block; *len -= 3 * block, p += 3 * block) {
		c1 = c2 = 0;
		for (i = 0; i < block; i += 8) {
			c0 = _mm_crc32_u64(c0, load64(p + i));
			c1 = _mm_crc32_u64(c1, load64(p + block + i));
			c2 = _mm_crc32_u64(c2, load64(p + 2 * block + i));
		}
		c0 = shift_by(shift, (uint32_t)c0) ^ c1;
		c0 = shift_by(shift, (uint32_t)c0) ^ c2;
	}
	*pp = p;
	return c0;
}

__attribute__((target("sse4.2")))
static uint32_t crc_sse42_raw(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c;

	for (; len && ((uintptr_t)p & 7); len--)
		crc = _mm_crc32_u8(crc, *p++);
	c = crc_sse42_three(crc, &p, &len, LONG_BLOCK, shift_long);
	c = crc_sse42_three(c, &p, &len, SHORT_BLOCK, shift_short);
	for (; len >= 8; p += 8, len -= 8)
		c = _mm_crc32_u64(c, load64(p));
	crc = (uint32_t)c;
	while (len--)
		crc = _mm_crc32_u8(crc, *p++);
	return crc;
}
#endif

#define CALIBRATE_BYTES	4096
#define CALIBRATE_ROUNDS	3

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The shortest of a few timed runs of @fn over 4 KiB. */
static uint64_t time_impl(uint32_t (*fn)(uint32_t, const uint8_t *, size_t), const uint8_t *buf)
{
	uint64_t best = UINT64_MAX, t;
	volatile uint32_t sink;
	int i;

	for (i = 0; i < CALIBRATE_ROUNDS; i++) {
		t = now_ns();
		sink = fn(0, buf, CALIBRATE_BYTES);
		t = now_ns() - t;
		if (t < best)
			best = t;
	}
	(void)sink;
	return best;
}

static bool cpu_has_sse42(void)
{
#ifdef HAVE_SSE42_PATH
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse4.2");
#else
	return false;
#endif
}

static void crc_init(void)
{
	uint32_t b, k, c;

	for (b = 0; b < 256; b++) {
		c = b;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		table[0][b] = c;
	}
	for (b = 0; b < 256; b++)
		for (k = 1; k < 8; k++)
			table[k][b] = (table[k - 1][b] >> 8) ^ table[0][table[k - 1][b] & 0xff];
	crc_impl = crc_table_raw;
#ifdef HAVE_SSE42_PATH
	if (cpu_has_sse42()) {
		static uint8_t buf[CALIBRATE_BYTES];

		shift_init(shift_long, LONG_BLOCK);
		shift_init(shift_short, SHORT_BLOCK);

		for (b = 0; b < CALIBRATE_BYTES; b++)
			buf[b] = (uint8_t)(b * 131 + 7);
		if (time_impl(crc_sse42_raw, buf) <= time_impl(crc_table_raw, buf))
			crc_impl = crc_sse42_raw;
	}
#endif
}

uint32_t nvt_crc32c(uint32_t crc, const void *data, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_impl(~crc, data, len);
}

uint32_t nvt__crc32c_table(uint32_t crc, const void *data, size_t len)
{
	pthread_once(&crc_once, crc_init);
	return ~crc_table_raw(~crc, data, len);
}

uint32_t nvt__crc32c_sse42(uint32_t crc, const void *data, size_t len)
{
#ifdef HAVE_SSE42_PATH
	pthread_once(&crc_once, crc_init);	/* the shift tables */
	return ~crc_sse42_raw(~crc, data, len);
#else
	return nvt__crc32c_table(crc, data, len);
#endif
}

bool nvt__crc32c_have_sse42(void)
{
	return cpu_has_sse42();
}
