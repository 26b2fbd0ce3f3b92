/* SPDX-License-Identifier: MIT */
/*
 * Data in buffers: pynvme's data patterns, a fast seedable random number
 * generator, a hex dump, and reading and writing fields of NVMe data
 * structures. All of it works on caller memory and needs no device.
 */
#ifndef NVMETEST_PATTERN_H
#define NVMETEST_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Pattern types (ptype) of nvt_pattern_fill(), pynvme's Buffer(pvalue,
 * ptype) and IOWorker(pvalue, ptype):
 *
 * NVT_PATTERN_BIT	pvalue 0: every byte 00h; any other pvalue: every
 *			byte FFh.
 * NVT_PATTERN_DWORD	pvalue repeated as a little-endian 32-bit word; the
 *			last len % 4 bytes are 00h (pynvme leaves them as
 *			they were allocated: zero).
 * NVT_PATTERN_RANDOM	pvalue (0 to 100) is the percentage of random bytes:
 *			the first len * pvalue / 100 bytes (rounded down)
 *			are random, the rest 00h; 0 is all zero, 100 fully
 *			random (incompressible).
 */
#define NVT_PATTERN_BIT		0
#define NVT_PATTERN_DWORD	32
#define NVT_PATTERN_RANDOM	0xbeef

/**
 * nvt_pattern_fill() - fill memory with a data pattern.
 * @mem: the memory; may be NULL if @len is 0.
 * @len: bytes to fill, all of them (see NVT_PATTERN_* for each byte).
 * @ptype: NVT_PATTERN_BIT, NVT_PATTERN_DWORD or NVT_PATTERN_RANDOM.
 * @pvalue: the pattern value, as for pynvme's Buffer().
 *
 * Random bytes come from the calling thread's nvt_rand() generator, so
 * nvt_srand() makes them reproducible (pynvme reads /dev/urandom instead).
 *
 * Return: 0; -EINVAL (unknown @ptype, @pvalue above 100 for
 * NVT_PATTERN_RANDOM, or @mem NULL with @len not 0), and then @mem is
 * unchanged.
 *
 * Thread-safety: reentrant; advances only the calling thread's generator.
 */
int nvt_pattern_fill(void *mem, size_t len, uint32_t ptype, uint32_t pvalue);

/**
 * nvt_srand() - seed the calling thread's random number generator.
 * @seed: any value; the same seed gives the same sequence of nvt_rand()
 *	values and of random data and LBAs drawn from it.
 *
 * Every thread has its own generator (xoshiro256**, seeded through
 * splitmix64). This call seeds the calling thread's generator with @seed
 * and makes @seed the process seed. A thread that draws without having
 * called nvt_srand() seeds itself at its first draw from the process seed
 * (from the time and process ID if nvt_srand() was never called) and the
 * order in which threads first drew. So, like pynvme's d.srand(seed), a
 * script that seeds and then draws in one thread is reproducible; to make
 * worker threads reproducible, draw one seed per worker with nvt_rand() in
 * the seeded thread and have each worker call nvt_srand() with its own.
 * A child made by fork() continues its parent's sequence.
 *
 * Thread-safety: safe to call at any time; affects the calling thread and
 * threads that have not drawn yet.
 */
void nvt_srand(uint64_t seed);

/**
 * nvt_rand() - the next number of the calling thread's generator.
 *
 * Not for cryptography.
 *
 * Return: 64 uniformly distributed random bits.
 *
 * Thread-safety: safe; every thread draws from its own generator.
 */
uint64_t nvt_rand(void);

/**
 * nvt_hexdump() - format memory the way pynvme's Buffer.dump() shows it.
 * @mem: the bytes; may be NULL if @len is 0.
 * @len: how many bytes to show.
 * @base: the offset printed for the first byte.
 * @out: receives the NUL-terminated text, truncated to fit; may be NULL if
 *	@outlen is 0.
 * @outlen: size of @out.
 *
 * One line per 16 bytes: the offset in at least 8 hex digits, the bytes in
 * two groups of eight two-digit hex values, and the bytes as ASCII ('.'
 * for anything not printable); every line ends with a newline. Spacing is
 * SPDK's spdk_log_dump(), which pynvme uses, e.g. for 16 bytes:
 *   "00000000  5a 01 02 00 0a 0b 0c 0d  00 00 00 00 00 00 00 00   Z...............\n"
 * (the ASCII column follows two spaces on every line but the last, which
 * has three). pynvme's buffer name line is not part of the text. Unlike
 * SPDK, a short last line is padded so its ASCII column lines up.
 * @len 0 gives "".
 *
 * Return: the length of the whole text, like snprintf(3): a value >=
 * @outlen means it was truncated; -EINVAL (@mem NULL with @len not 0, or
 * @out NULL with @outlen not 0); -EOVERFLOW (the text would be longer than
 * INT_MAX).
 *
 * Thread-safety: reentrant.
 */
int nvt_hexdump(const void *mem, size_t len, size_t base, char *out, size_t outlen);

/**
 * nvt_le_field() - read a little-endian integer field, as pynvme's
 *	buf.data(end, begin).
 * @mem: the data structure, e.g. an Identify Controller buffer.
 * @size: bytes at @mem.
 * @begin: the field's first byte, as the specification numbers it.
 * @end: the field's last byte, included (@end == @begin for one byte).
 * @value: receives the field's value.
 *
 * Return: 0; -EINVAL (@mem or @value NULL, @end < @begin, or a field wider
 * than 8 bytes); -ERANGE (@end is beyond @size).
 *
 * Thread-safety: reentrant.
 */
int nvt_le_field(const void *mem, size_t size, unsigned int begin, unsigned int end,
		 uint64_t *value);

/**
 * nvt_str_field() - read an ASCII string field, as pynvme's
 *	buf.data(end, begin, type=str).
 * @mem: the data structure, e.g. an Identify Controller buffer.
 * @size: bytes at @mem.
 * @begin: the field's first byte, as the specification numbers it.
 * @end: the field's last byte, included.
 * @out: receives the field without its trailing spaces, other white space
 *	and NULs, NUL-terminated; truncated to fit.
 * @outlen: size of @out.
 *
 * The bytes are copied as they are, so a NUL inside the field ends the
 * string early. pynvme strips only white space (Python's str.rstrip()).
 *
 * Return: 0; -EINVAL (@mem or @out NULL, @outlen 0, or @end < @begin);
 * -ERANGE (@end is beyond @size); -ENOSPC (@out was too small: it holds
 * what fitted).
 *
 * Thread-safety: reentrant.
 */
int nvt_str_field(const void *mem, size_t size, unsigned int begin, unsigned int end,
		  char *out, size_t outlen);

/**
 * nvt_dsm_range_set() - write one Dataset Management range, as pynvme's
 *	buf.set_dsm_range(index, lba, lba_count, attr).
 * @mem: the range list (the data of a Dataset Management command).
 * @size: bytes at @mem.
 * @index: which range; range @index takes bytes 16 * @index to
 *	16 * @index + 15.
 * @slba: Starting LBA (bytes 15:08 of the range).
 * @nlb: Length in logical blocks (bytes 07:04), not 0's based.
 * @attr: Context Attributes (bytes 03:00).
 *
 * The fields are stored little-endian (NVM Command Set 1.0 Figure 39).
 *
 * Return: 0; -EINVAL (@mem NULL); -ERANGE (the range does not fit in
 * @size).
 *
 * Thread-safety: reentrant.
 */
int nvt_dsm_range_set(void *mem, size_t size, unsigned int index, uint64_t slba, uint32_t nlb,
		      uint32_t attr);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_PATTERN_H */
