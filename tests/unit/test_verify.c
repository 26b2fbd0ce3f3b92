// SPDX-License-Identifier: MIT
/*
 * lib/verify.c: the data verification table: stamping, tokens, LBA locks,
 * write/clear/uncorrectable/reset bookkeeping, read checks, and a
 * multi-thread stress with memory standing in for the device.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nvmetest/pattern.h>
#include <nvmetest/verify.h>

#include "crc32c.h"
#include "unit.h"

#define NLBA		16
#define LBA_SIZE	512

static uint32_t table[NLBA];
static uint8_t buf[NLBA * LBA_SIZE];
static char msg[160];

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void setup(void)
{
	memset(table, 0, sizeof(table));
	memset(msg, 0, sizeof(msg));
	nvt_srand(2024);
	nvt_pattern_fill(buf, sizeof(buf), NVT_PATTERN_RANDOM, 100);
}

/* Write LBAs slba.. with fresh data: stamp, "device write", write_done. */
static void write_lbas(uint64_t slba, uint32_t nlb)
{
	uint8_t *p = buf + slba * LBA_SIZE;

	nvt_pattern_fill(p, (size_t)nlb * LBA_SIZE, NVT_PATTERN_RANDOM, 100);
	ck_assert_int_eq(nvt_verify_stamp(p, slba, nlb, LBA_SIZE, nvt_verify_next_token(nlb)), 0);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, p, slba, nlb, LBA_SIZE), 0);
}

static int read_lbas(uint64_t slba, uint32_t nlb)
{
	return nvt_verify_read(table, NLBA, buf + slba * LBA_SIZE, slba, nlb, LBA_SIZE, msg,
			       sizeof(msg));
}

/*
 * Data whose CRC32C is @crc: 12 given bytes, then 4 chosen by running the
 * CRC register backwards from the wanted value (for a reflected CRC, the
 * entry of table[] whose top byte matches undoes one byte step).
 */
static void forge(uint8_t data[16], uint32_t crc)
{
	uint32_t t[256], c, reg, i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		t[i] = c;
	}
	reg = ~crc;
	for (k = 0; k < 4; k++) {
		for (i = 0; (t[i] >> 24) != (reg >> 24); i++)
			;
		reg = ((reg ^ t[i]) << 8) | i;
	}
	reg ^= ~nvt_crc32c(0, data, 12);
	for (k = 0; k < 4; k++)
		data[12 + k] = (uint8_t)(reg >> (8 * k));
}

START_TEST(test_crc_values)
{
	static const struct {
		uint32_t crc, entry;
	} reserved[] = {
		{ 0x00000000, 1 }, { 0x00000001, 1 }, { 0x00000002, 1 },
		{ 0xfffffffe, 0x7ffffffe }, { 0xffffffff, 0x7ffffffe }, { 0xfffffffc, 0x7ffffffe },
	};
	uint8_t data[16] = { 7 };	/* LBA 7 in bytes 7:0 */
	unsigned int i;

	ck_assert_uint_eq(nvt_verify_crc("123456789", 9), 0xe3069283u >> 1);
	for (i = 0; i < NVT_ARRAY_SIZE(reserved); i++) {
		forge(data, reserved[i].crc);
		ck_assert_uint_eq(nvt_crc32c(0, data, sizeof(data)), reserved[i].crc);
		ck_assert_uint_eq(nvt_verify_crc(data, sizeof(data)), reserved[i].entry);
	}

	/* data whose CRC would read "unwritten" is still checked */
	forge(data, 0);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, data, 7, 1, sizeof(data)), 0);
	ck_assert_uint_eq(table[7], 1);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, data, 7, 1, sizeof(data), NULL, 0), 0);
	data[9] ^= 1;
	ck_assert_int_eq(nvt_verify_read(table, NLBA, data, 7, 1, sizeof(data), NULL, 0),
			 NVT_STATUS_VERIFY_FAILED);
}
END_TEST

START_TEST(test_stamp)
{
	uint64_t token = nvt_verify_next_token(3);
	uint8_t before[3 * LBA_SIZE];
	unsigned int i;

	memcpy(before, buf, sizeof(before));
	ck_assert_int_eq(nvt_verify_stamp(buf, 0x1122334455ull, 3, LBA_SIZE, token), 0);
	for (i = 0; i < 3; i++) {
		const uint8_t *lba = buf + i * LBA_SIZE;

		ck_assert_uint_eq(le64_at(lba), 0x1122334455ull + i);
		ck_assert_uint_eq(le64_at(lba + LBA_SIZE - 8), token + i);
		ck_assert_mem_eq(lba + 8, before + i * LBA_SIZE + 8, LBA_SIZE - 16);
	}
	ck_assert_mem_eq(buf + 3 * LBA_SIZE, before + 3 * LBA_SIZE, 0);

	ck_assert_int_eq(nvt_verify_stamp(buf, 0, 1, 16, token), 0);
	ck_assert_int_eq(nvt_verify_stamp(buf, 0, 1, 8, token), -EINVAL);
	ck_assert_int_eq(nvt_verify_stamp(buf, 0, 1, 20, token), -EINVAL);
	ck_assert_int_eq(nvt_verify_stamp(buf, 0, 1, 0, token), -EINVAL);
	ck_assert_int_eq(nvt_verify_stamp(NULL, 0, 1, LBA_SIZE, token), -EINVAL);
	ck_assert_int_eq(nvt_verify_stamp(NULL, 0, 0, LBA_SIZE, token), 0);
	ck_assert_int_eq(nvt_verify_stamp(buf, UINT64_MAX, 1, LBA_SIZE, token), 0);
	ck_assert_uint_eq(le64_at(buf), UINT64_MAX);
	ck_assert_int_eq(nvt_verify_stamp(buf, UINT64_MAX, 2, LBA_SIZE, token), -EINVAL);
}
END_TEST

START_TEST(test_token_sequence)
{
	uint64_t a = nvt_verify_next_token(5), b = nvt_verify_next_token(1);
	uint64_t c = nvt_verify_next_token(0), d = nvt_verify_next_token(1);

	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a >> 42, (uint64_t)getpid());
	ck_assert_uint_eq(b, a + 5);
	ck_assert_uint_eq(c, b + 1);
	ck_assert_uint_eq(d, c + 1);	/* 0 reserved one */
}
END_TEST

#define TOKEN_THREADS	4
#define TOKEN_CALLS	5000

struct span {
	uint64_t first;
	uint32_t n;
};

static struct span spans[TOKEN_THREADS * TOKEN_CALLS];

static void *reserve_tokens(void *arg)
{
	struct span *s = arg;
	unsigned int i;

	nvt_srand((uint64_t)(s - spans));
	for (i = 0; i < TOKEN_CALLS; i++) {
		s[i].n = 1 + (uint32_t)(nvt_rand() % 256);
		s[i].first = nvt_verify_next_token(s[i].n);
	}
	return NULL;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

START_TEST(test_token_threads_disjoint)
{
	pthread_t t[TOKEN_THREADS];
	unsigned int i;

	for (i = 0; i < TOKEN_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, reserve_tokens,
						&spans[i * TOKEN_CALLS]), 0);
	for (i = 0; i < TOKEN_THREADS; i++)
		pthread_join(t[i], NULL);
	qsort(spans, NVT_ARRAY_SIZE(spans), sizeof(spans[0]), span_cmp);
	for (i = 1; i < NVT_ARRAY_SIZE(spans); i++)
		ck_assert_msg(spans[i - 1].first + spans[i - 1].n <= spans[i].first,
			      "tokens %llx+%u and %llx overlap",
			      (unsigned long long)spans[i - 1].first, spans[i - 1].n,
			      (unsigned long long)spans[i].first);
}
END_TEST

START_TEST(test_token_fork)
{
	uint64_t parent, child;
	int fd[2], status;
	pid_t pid;

	nvt_verify_next_token(1);
	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		child = nvt_verify_next_token(1);
		_exit(write(fd[1], &child, sizeof(child)) == sizeof(child) ? 0 : 1);
	}
	parent = nvt_verify_next_token(1);
	ck_assert_int_eq(read(fd[0], &child, sizeof(child)), sizeof(child));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_uint_eq(child >> 42, (uint64_t)pid);
	ck_assert_uint_eq(parent >> 42, (uint64_t)getpid());
	close(fd[0]);
	close(fd[1]);
}
END_TEST

START_TEST(test_lock_trylock)
{
	unsigned int i;

	ck_assert_int_eq(nvt_verify_lock(table, NLBA, 2, 3), 0);
	for (i = 0; i < NLBA; i++)
		ck_assert_uint_eq(table[i], i >= 2 && i < 5 ? NVT_VERIFY_LOCK : 0);
	/* 3 is held: nothing of 0..3 stays locked by the failed attempt */
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 0, 4), -EAGAIN);
	ck_assert_uint_eq(table[0] | table[1], 0);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 4, 2), -EAGAIN);
	ck_assert_uint_eq(table[5], 0);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 5, 2), 0);
	ck_assert_uint_eq(table[5] & table[6], NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, 2, 3), 0);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 0, 4), 0);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, 0, 4), 0);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, 5, 2), 0);
	for (i = 0; i < NLBA; i++)
		ck_assert_uint_eq(table[i], 0);

	/* LBAs at or beyond the verify limit are not tracked */
	ck_assert_int_eq(nvt_verify_lock(table, NLBA, 14, 10), 0);
	ck_assert_uint_eq(table[14] & table[15], NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 16, 100), 0);
	ck_assert_int_eq(nvt_verify_lock(table, NLBA, 1000, 1), 0);
	ck_assert_int_eq(nvt_verify_unlock_all(table, NLBA), 0);
	ck_assert_uint_eq(table[14] | table[15], 0);
}
END_TEST

START_TEST(test_lock_keeps_entry)
{
	uint32_t crc1;

	write_lbas(0, 4);
	crc1 = table[1];
	ck_assert_uint_ne(crc1, 0);
	ck_assert_int_eq(nvt_verify_lock(table, NLBA, 0, 4), 0);
	ck_assert_uint_eq(table[1], crc1 | NVT_VERIFY_LOCK);
	/* updates under the lock keep the lock bit */
	write_lbas(1, 1);
	ck_assert_uint_eq(table[1] & NVT_VERIFY_LOCK, NVT_VERIFY_LOCK);
	ck_assert_uint_ne(table[1], crc1 | NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_mark_uncorrectable(table, NLBA, 2, 1), 0);
	ck_assert_uint_eq(table[2], NVT_VERIFY_UNCORRECTABLE | NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_clear(table, NLBA, 3, 1), 0);
	ck_assert_uint_eq(table[3], NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_reset(table, NLBA), 0);
	ck_assert_uint_eq(table[0] & table[1] & table[2] & table[3], NVT_VERIFY_LOCK);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, 0, 4), 0);
	ck_assert_uint_eq(table[0] | table[1] | table[2] | table[3], 0);
}
END_TEST

static _Atomic int waiter_locked;

static void *lock_waiter(void *arg)
{
	(void)arg;
	nvt_verify_lock(table, NLBA, 2, 4);
	atomic_store(&waiter_locked, 1);
	return NULL;
}

static uint32_t entry(unsigned int lba)
{
	return __atomic_load_n(&table[lba], __ATOMIC_ACQUIRE);
}

START_TEST(test_lock_waits)
{
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	unsigned int i;
	pthread_t t;

	ck_assert_int_eq(nvt_verify_lock(table, NLBA, 5, 1), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, lock_waiter, NULL), 0);
	/* it takes 2..4 on the way up, then waits for 5 */
	for (i = 0; i < 1000 && !(entry(4) & NVT_VERIFY_LOCK); i++)
		nanosleep(&ms10, NULL);
	ck_assert_uint_eq(entry(2) & entry(3) & entry(4), NVT_VERIFY_LOCK);
	nanosleep(&ms10, NULL);
	ck_assert_int_eq(atomic_load(&waiter_locked), 0);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, 5, 1), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(atomic_load(&waiter_locked), 1);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, 5, 1), -EAGAIN);
}
END_TEST

START_TEST(test_read_good)
{
	write_lbas(0, NLBA);
	ck_assert_int_eq(read_lbas(0, NLBA), 0);
	ck_assert_int_eq(read_lbas(3, 5), 0);
	ck_assert_str_eq(msg, "");
	/* unwritten LBAs are not checked, whatever they hold */
	ck_assert_int_eq(nvt_verify_clear(table, NLBA, 4, 2), 0);
	memset(buf + 4 * LBA_SIZE, 0xa5, 2 * LBA_SIZE);
	ck_assert_int_eq(read_lbas(0, NLBA), 0);
	/* nor are LBAs beyond the verify limit */
	ck_assert_int_eq(nvt_verify_read(table, 8, buf + 8 * LBA_SIZE, 8, 8, LBA_SIZE, msg,
					 sizeof(msg)), 0);
}
END_TEST

START_TEST(test_read_lba_mismatch)
{
	write_lbas(0, 8);
	/* the device returned LBA 2's data for LBA 5 */
	memcpy(buf + 5 * LBA_SIZE, buf + 2 * LBA_SIZE, LBA_SIZE);
	ck_assert_int_eq(read_lbas(4, 4), NVT_STATUS_VERIFY_FAILED);
	ck_assert_str_eq(msg, "LBA mismatch: LBA 0x5 holds data of LBA 0x2");
	/* data that reads as deallocated is a CRC mismatch, as in pynvme */
	memset(buf + 5 * LBA_SIZE, 0xff, LBA_SIZE);
	ck_assert_int_eq(read_lbas(4, 4), NVT_STATUS_VERIFY_FAILED);
	ck_assert_ptr_nonnull(strstr(msg, "CRC mismatch: LBA 0x5,"));
	memset(buf + 5 * LBA_SIZE, 0, LBA_SIZE);
	ck_assert_int_eq(read_lbas(4, 4), NVT_STATUS_VERIFY_FAILED);
	ck_assert_ptr_nonnull(strstr(msg, "CRC mismatch: LBA 0x5,"));
}
END_TEST

START_TEST(test_read_crc_mismatch)
{
	uint8_t old[LBA_SIZE];
	char want[80];
	uint32_t expected;

	write_lbas(0, 8);
	/* one flipped bit */
	buf[6 * LBA_SIZE + 100] ^= 0x10;
	expected = table[6];
	snprintf(want, sizeof(want), "CRC mismatch: LBA 0x6, expected 0x%08x, got 0x%08x",
		 expected, nvt_verify_crc(buf + 6 * LBA_SIZE, LBA_SIZE));
	ck_assert_int_eq(read_lbas(0, 8), NVT_STATUS_VERIFY_FAILED);
	ck_assert_str_eq(msg, want);

	/* stale data: the previous write of the same LBA (same pattern, older token) */
	write_lbas(6, 1);
	memcpy(old, buf + 6 * LBA_SIZE, LBA_SIZE);
	ck_assert_int_eq(nvt_verify_stamp(buf + 6 * LBA_SIZE, 6, 1, LBA_SIZE,
					  nvt_verify_next_token(1)), 0);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, buf + 6 * LBA_SIZE, 6, 1, LBA_SIZE), 0);
	memcpy(buf + 6 * LBA_SIZE, old, LBA_SIZE);
	ck_assert_int_eq(read_lbas(6, 1), NVT_STATUS_VERIFY_FAILED);
	ck_assert_ptr_nonnull(strstr(msg, "CRC mismatch: LBA 0x6,"));
}
END_TEST

START_TEST(test_read_uncorrectable)
{
	write_lbas(0, 8);
	ck_assert_int_eq(nvt_verify_mark_uncorrectable(table, NLBA, 3, 2), 0);
	ck_assert_int_eq(read_lbas(0, 3), 0);
	ck_assert_int_eq(read_lbas(0, 8), NVT_STATUS_VERIFY_FAILED);
	ck_assert_str_eq(msg, "uncorrectable: LBA 0x3 was written uncorrectable");
	ck_assert_int_eq(read_lbas(4, 1), NVT_STATUS_VERIFY_FAILED);
	/* rewritten, it reads fine again */
	write_lbas(3, 2);
	ck_assert_int_eq(read_lbas(0, 8), 0);
}
END_TEST

START_TEST(test_read_first_bad_lba)
{
	write_lbas(0, 8);
	buf[6 * LBA_SIZE + 9] ^= 1;
	buf[3 * LBA_SIZE + 9] ^= 1;
	ck_assert_int_eq(read_lbas(0, 8), NVT_STATUS_VERIFY_FAILED);
	ck_assert_ptr_nonnull(strstr(msg, "CRC mismatch: LBA 0x3,"));
	/* a short message is truncated, and no message is needed at all */
	ck_assert_int_eq(nvt_verify_read(table, NLBA, buf, 0, 8, LBA_SIZE, msg, 13),
			 NVT_STATUS_VERIFY_FAILED);
	ck_assert_str_eq(msg, "CRC mismatch");
	ck_assert_int_eq(nvt_verify_read(table, NLBA, buf, 0, 8, LBA_SIZE, NULL, 0),
			 NVT_STATUS_VERIFY_FAILED);
}
END_TEST

START_TEST(test_clear_reset)
{
	unsigned int i;

	write_lbas(0, NLBA);
	memset(buf, 0, sizeof(buf));	/* Write Zeroes / deallocate of everything */
	ck_assert_int_eq(read_lbas(0, NLBA), NVT_STATUS_VERIFY_FAILED);
	ck_assert_int_eq(nvt_verify_clear(table, NLBA, 0, 8), 0);
	ck_assert_int_eq(read_lbas(0, 8), 0);
	ck_assert_int_eq(read_lbas(0, 9), NVT_STATUS_VERIFY_FAILED);
	ck_assert_int_eq(nvt_verify_clear(table, NLBA, 10, UINT64_MAX - 10), 0);
	ck_assert_uint_eq(table[9] != 0 && table[10] == 0 && table[15] == 0, 1);
	ck_assert_int_eq(nvt_verify_reset(table, NLBA), 0);
	for (i = 0; i < NLBA; i++)
		ck_assert_uint_eq(table[i], 0);
	ck_assert_int_eq(read_lbas(0, NLBA), 0);
}
END_TEST

START_TEST(test_bad_arguments)
{
	/* no table: verification off, everything succeeds and checks nothing */
	ck_assert_int_eq(nvt_verify_lock(NULL, 0, 0, 8), 0);
	ck_assert_int_eq(nvt_verify_trylock(NULL, 0, 0, 8), 0);
	ck_assert_int_eq(nvt_verify_unlock(NULL, 0, 0, 8), 0);
	ck_assert_int_eq(nvt_verify_unlock_all(NULL, 0), 0);
	ck_assert_int_eq(nvt_verify_write_done(NULL, 0, buf, 0, 8, LBA_SIZE), 0);
	ck_assert_int_eq(nvt_verify_clear(NULL, 0, 0, 8), 0);
	ck_assert_int_eq(nvt_verify_mark_uncorrectable(NULL, 0, 0, 8), 0);
	ck_assert_int_eq(nvt_verify_reset(NULL, 0), 0);
	ck_assert_int_eq(nvt_verify_read(NULL, 0, buf, 0, 8, LBA_SIZE, NULL, 0), 0);

	ck_assert_int_eq(nvt_verify_lock(NULL, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_trylock(NULL, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_unlock(NULL, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_unlock_all(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_write_done(NULL, 1, buf, 0, 1, LBA_SIZE), -EINVAL);
	ck_assert_int_eq(nvt_verify_clear(NULL, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_mark_uncorrectable(NULL, 1, 0, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_reset(NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_read(NULL, 1, buf, 0, 1, LBA_SIZE, NULL, 0), -EINVAL);

	/* LBAs past 2^64 - 1 */
	ck_assert_int_eq(nvt_verify_lock(table, NLBA, UINT64_MAX, 2), -EINVAL);
	ck_assert_int_eq(nvt_verify_trylock(table, NLBA, UINT64_MAX, 2), -EINVAL);
	ck_assert_int_eq(nvt_verify_unlock(table, NLBA, UINT64_MAX, 2), -EINVAL);
	ck_assert_int_eq(nvt_verify_clear(table, NLBA, 2, UINT64_MAX), -EINVAL);
	ck_assert_int_eq(nvt_verify_mark_uncorrectable(table, NLBA, 2, UINT64_MAX), -EINVAL);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, buf, UINT64_MAX, 2, LBA_SIZE), -EINVAL);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, buf, UINT64_MAX, 2, LBA_SIZE, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(nvt_verify_lock(table, NLBA, UINT64_MAX, 1), 0);

	/* buffers and LBA sizes */
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, NULL, 0, 1, LBA_SIZE), -EINVAL);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, buf, 0, 1, 100), -EINVAL);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, NULL, 0, 1, LBA_SIZE, NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, buf, 0, 1, 8, NULL, 0), -EINVAL);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, buf, 0, 1, LBA_SIZE, NULL, 1), -EINVAL);
	ck_assert_int_eq(nvt_verify_write_done(table, NLBA, NULL, 0, 0, LBA_SIZE), 0);
	ck_assert_int_eq(nvt_verify_read(table, NLBA, NULL, 0, 0, LBA_SIZE, NULL, 0), 0);
}
END_TEST

/*
 * Stress: threads write, read and trim random ranges of a small namespace
 * whose "device" is memory. Each command holds its LBA locks from before
 * its data moves until its table update is done, as the I/O path will, so
 * no read may ever fail. Data moves one LBA at a time with a yield now and
 * then, to give a missing lock every chance to show.
 */
#define STRESS_THREADS	4
#define STRESS_ITERS	50000
#define STRESS_MAX_NLB	4

static uint8_t device[NLBA * LBA_SIZE];
static uint32_t stress_table[NLBA];
static _Atomic unsigned long stress_failures, stress_writes, stress_checked_reads;
static char stress_msg[160];

static void device_copy(uint8_t *dst, const uint8_t *src, uint32_t nlb, bool slow)
{
	uint32_t i;

	for (i = 0; i < nlb; i++) {
		memcpy(dst + (size_t)i * LBA_SIZE, src + (size_t)i * LBA_SIZE, LBA_SIZE);
		if (slow)
			sched_yield();
	}
}

static void *stress_worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg, iter;
	uint8_t data[STRESS_MAX_NLB * LBA_SIZE];
	char m[sizeof(stress_msg)];

	nvt_srand(id + 1);
	for (iter = 0; iter < STRESS_ITERS; iter++) {
		uint64_t r = nvt_rand(), slba = r % NLBA;
		uint32_t nlb = 1 + (uint32_t)(r >> 8) % STRESS_MAX_NLB, op = (r >> 16) % 10, i;
		uint8_t *dev;
		bool slow = (r >> 24) % 8 == 0;

		if (slba + nlb > NLBA)
			nlb = (uint32_t)(NLBA - slba);
		dev = device + slba * LBA_SIZE;
		/* half the threads wait for locks, half try and retry */
		if (id % 2)
			while (nvt_verify_trylock(stress_table, NLBA, slba, nlb) == -EAGAIN)
				sched_yield();
		else
			nvt_verify_lock(stress_table, NLBA, slba, nlb);
		if (op < 4) {		/* write */
			nvt_pattern_fill(data, (size_t)nlb * LBA_SIZE, NVT_PATTERN_RANDOM, 100);
			nvt_verify_stamp(data, slba, nlb, LBA_SIZE, nvt_verify_next_token(nlb));
			device_copy(dev, data, nlb, slow);
			nvt_verify_write_done(stress_table, NLBA, data, slba, nlb, LBA_SIZE);
			atomic_fetch_add(&stress_writes, 1);
		} else if (op < 9) {	/* read */
			device_copy(data, dev, nlb, slow);
			for (i = 0; i < nlb; i++)
				if (__atomic_load_n(&stress_table[slba + i], __ATOMIC_RELAXED) &
				    NVT_VERIFY_CRC_MASK)
					break;
			if (i < nlb)
				atomic_fetch_add(&stress_checked_reads, 1);
			if (nvt_verify_read(stress_table, NLBA, data, slba, nlb, LBA_SIZE, m,
					    sizeof(m)) && !atomic_fetch_add(&stress_failures, 1))
				memcpy(stress_msg, m, sizeof(m));
		} else {		/* Write Zeroes */
			memset(dev, 0, (size_t)nlb * LBA_SIZE);
			nvt_verify_clear(stress_table, NLBA, slba, nlb);
		}
		nvt_verify_unlock(stress_table, NLBA, slba, nlb);
	}
	return NULL;
}

START_TEST(test_stress_no_false_miscompare)
{
	pthread_t t[STRESS_THREADS];
	uintptr_t i;

	for (i = 0; i < STRESS_THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, stress_worker, (void *)i), 0);
	for (i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	ck_assert_msg(atomic_load(&stress_failures) == 0, "%lu false miscompares, first: %s",
		      atomic_load(&stress_failures), stress_msg);
	/* it did check data, and left no LBA locked */
	ck_assert_uint_gt(atomic_load(&stress_writes), STRESS_THREADS * STRESS_ITERS / 5);
	ck_assert_uint_gt(atomic_load(&stress_checked_reads), STRESS_THREADS * STRESS_ITERS / 5);
	for (i = 0; i < NLBA; i++)
		ck_assert_uint_eq(stress_table[i] & NVT_VERIFY_LOCK, 0);
	ck_assert_int_eq(nvt_verify_read(stress_table, NLBA, device, 0, NLBA, LBA_SIZE, NULL, 0),
			 0);
}
END_TEST

static Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify"), *stress = tcase_create("stress");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_crc_values);
	tcase_add_test(tc, test_stamp);
	tcase_add_test(tc, test_token_sequence);
	tcase_add_test(tc, test_token_threads_disjoint);
	tcase_add_test(tc, test_token_fork);
	tcase_add_test(tc, test_lock_trylock);
	tcase_add_test(tc, test_lock_keeps_entry);
	tcase_add_test(tc, test_lock_waits);
	tcase_add_test(tc, test_read_good);
	tcase_add_test(tc, test_read_lba_mismatch);
	tcase_add_test(tc, test_read_crc_mismatch);
	tcase_add_test(tc, test_read_uncorrectable);
	tcase_add_test(tc, test_read_first_bad_lba);
	tcase_add_test(tc, test_clear_reset);
	tcase_add_test(tc, test_bad_arguments);
	tcase_add_test(stress, test_stress_no_false_miscompare);
	tcase_set_timeout(stress, 120);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, stress);
	return s;
}

UNIT_MAIN(verify_suite)
