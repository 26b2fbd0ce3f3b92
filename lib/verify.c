// SPDX-License-Identifier: MIT
/*
 * Data verification table, with pynvme's semantics (its driver.c:
 * buffer_fill_rawdata(), buffer_calc_csum(), buffer_update_crc(),
 * buffer_verify_data(), crc32_clear(), crc32_lock_lba()), made safe for
 * many threads and processes: every entry is only ever changed with an
 * atomic read-modify-write, so the lock bit and the checksum bits of one
 * entry never overwrite each other.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nvmetest/verify.h>

#include "crc32c.h"

typedef _Atomic uint32_t entry_t;

/* The table is shared with other processes: its atomics must not need a
 * lock that lives in one process. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2 && sizeof(entry_t) == sizeof(uint32_t),
	       "table entries need lock-free 32-bit atomics");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the token counter needs lock-free 64-bit atomics");

#define SPINS_BEFORE_YIELD	64
#define TOKEN_COUNT_BITS	42	/* below them, the process ID */
#define TOKEN_COUNT_MASK	((UINT64_C(1) << TOKEN_COUNT_BITS) - 1)

static entry_t *entries(uint32_t *table)
{
	return (entry_t *)table;
}

/* LBAs slba to slba + nlb - 1 exist: they do not go past 2^64 - 1. */
static bool range_ok(uint64_t slba, uint64_t nlb)
{
	return !nlb || slba + (nlb - 1) >= slba;
}

/*
 * Of the LBAs slba to slba + nlb - 1, how many the table tracks (they all
 * are below nlba, so they start at entry slba). -EINVAL for a NULL table
 * that should have entries, or a range past the last LBA number.
 */
static int tracked(const uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb,
		   uint64_t *count)
{
	if ((!table && nlba) || !range_ok(slba, nlb))
		return -EINVAL;
	if (slba >= nlba)
		*count = 0;
	else
		*count = nlb < nlba - slba ? nlb : nlba - slba;
	return 0;
}

/* Checks shared by the functions that look into LBA data. */
static bool buf_ok(const void *buf, uint32_t nlb, uint32_t lba_size)
{
	return (buf || !nlb) && lba_size >= 2 * sizeof(uint64_t) &&
	       lba_size % sizeof(uint64_t) == 0;
}

uint32_t nvt_verify_crc(const void *data, uint32_t lba_size)
{
	uint32_t crc = nvt_crc32c(0, data, lba_size) >> 1;

	/* reserved: 0 unwritten, 7FFFFFFFh uncorrectable */
	if (crc == NVT_VERIFY_UNWRITTEN)
		return 1;
	if (crc == NVT_VERIFY_UNCORRECTABLE)
		return NVT_VERIFY_UNCORRECTABLE - 1;
	return crc;
}

/* Write tokens: the process ID above a per-process counter. */
static _Atomic uint64_t token_pid_bits;
static _Atomic uint64_t token_counter;
static pthread_once_t token_once = PTHREAD_ONCE_INIT;

static void token_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	atomic_store(&token_pid_bits, (uint64_t)getpid() << TOKEN_COUNT_BITS);
	atomic_store(&token_counter,
		     ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) & TOKEN_COUNT_MASK);
}

static void token_init(void)
{
	token_start();
	pthread_atfork(NULL, NULL, token_start);
}

uint64_t nvt_verify_next_token(uint32_t n)
{
	uint64_t old, first;

	if (!n)
		n = 1;
	pthread_once(&token_once, token_init);
	old = atomic_load_explicit(&token_counter, memory_order_relaxed);
	do {
		first = old;
		/* n tokens must not wrap into the process ID bits */
		if ((first & TOKEN_COUNT_MASK) + n > TOKEN_COUNT_MASK + 1)
			first = (first | TOKEN_COUNT_MASK) + 1;
	} while (!atomic_compare_exchange_weak_explicit(&token_counter, &old, first + n,
							memory_order_relaxed,
							memory_order_relaxed));
	return atomic_load_explicit(&token_pid_bits, memory_order_relaxed) |
	       (first & TOKEN_COUNT_MASK);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

int nvt_verify_stamp(void *buf, uint64_t slba, uint32_t nlb, uint32_t lba_size, uint64_t token)
{
	uint8_t *lba = buf;
	uint32_t i;

	if (!buf_ok(buf, nlb, lba_size) || !range_ok(slba, nlb))
		return -EINVAL;
	for (i = 0; i < nlb; i++, lba += lba_size) {
		put_le64(lba, slba + i);
		put_le64(lba + lba_size - sizeof(uint64_t), token + i);
	}
	return 0;
}

/* Take the lock bit of @e if it is free. */
static bool lock_one(entry_t *e)
{
	uint32_t old = atomic_load_explicit(e, memory_order_relaxed);

	while (!(old & NVT_VERIFY_LOCK))
		if (atomic_compare_exchange_weak_explicit(e, &old, old | NVT_VERIFY_LOCK,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	return false;
}

static void unlock_entries(entry_t *e, uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		atomic_fetch_and_explicit(&e[i], ~NVT_VERIFY_LOCK, memory_order_release);
}

/* Set bits 30:0 of @n entries to @value, keeping their lock bits. */
static void set_entries(entry_t *e, uint64_t n, uint32_t value)
{
	uint64_t i;
	uint32_t old;

	for (i = 0; i < n; i++) {
		if (!value) {
			atomic_fetch_and_explicit(&e[i], NVT_VERIFY_LOCK, memory_order_release);
			continue;
		}
		old = atomic_load_explicit(&e[i], memory_order_relaxed);
		while (!atomic_compare_exchange_weak_explicit(&e[i], &old,
							      (old & NVT_VERIFY_LOCK) | value,
							      memory_order_release,
							      memory_order_relaxed))
			;
	}
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

int nvt_verify_lock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb)
{
	entry_t *e = entries(table);
	unsigned int spins;
	uint64_t count, i;
	int ret;

	ret = tracked(table, nlba, slba, nlb, &count);
	if (ret)
		return ret;
	/* ascending order: two lockers never each hold what the other needs */
	for (i = 0; i < count; i++)
		for (spins = 0; !lock_one(&e[slba + i]); spins++)
			if (spins < SPINS_BEFORE_YIELD)
				cpu_relax();
			else
				sched_yield();
	return 0;
}

int nvt_verify_trylock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb)
{
	entry_t *e = entries(table);
	uint64_t count, i;
	int ret;

	ret = tracked(table, nlba, slba, nlb, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		if (!lock_one(&e[slba + i])) {
			unlock_entries(&e[slba], i);
			return -EAGAIN;
		}
	}
	return 0;
}

int nvt_verify_unlock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb)
{
	uint64_t count;
	int ret = tracked(table, nlba, slba, nlb, &count);

	if (!ret && count)
		unlock_entries(entries(table) + slba, count);
	return ret;
}

int nvt_verify_unlock_all(uint32_t *table, uint64_t nlba)
{
	if (!table && nlba)
		return -EINVAL;
	unlock_entries(entries(table), nlba);
	return 0;
}

int nvt_verify_write_done(uint32_t *table, uint64_t nlba, const void *buf, uint64_t slba,
			  uint32_t nlb, uint32_t lba_size)
{
	const uint8_t *lba = buf;
	entry_t *e = entries(table);
	uint64_t count, i;
	int ret;

	if (!buf_ok(buf, nlb, lba_size))
		return -EINVAL;
	ret = tracked(table, nlba, slba, nlb, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++, lba += lba_size)
		set_entries(&e[slba + i], 1, nvt_verify_crc(lba, lba_size));
	return 0;
}

/* Set the tracked entries of LBAs slba.. to @value, keeping lock bits. */
static int set_range(uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb,
		     uint32_t value)
{
	uint64_t count;
	int ret = tracked(table, nlba, slba, nlb, &count);

	if (!ret && count)
		set_entries(entries(table) + slba, count, value);
	return ret;
}

int nvt_verify_clear(uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb)
{
	return set_range(table, nlba, slba, nlb, NVT_VERIFY_UNWRITTEN);
}

int nvt_verify_mark_uncorrectable(uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb)
{
	return set_range(table, nlba, slba, nlb, NVT_VERIFY_UNCORRECTABLE);
}

int nvt_verify_reset(uint32_t *table, uint64_t nlba)
{
	return set_range(table, nlba, 0, nlba, NVT_VERIFY_UNWRITTEN);
}

int nvt_verify_read(const uint32_t *table, uint64_t nlba, const void *buf, uint64_t slba,
		    uint32_t nlb, uint32_t lba_size, char *msg, size_t msglen)
{
	const entry_t *e = (const entry_t *)table;
	const uint8_t *lba = buf;
	uint32_t expected, got;
	uint64_t count, i, n;
	int ret;

	if (!buf_ok(buf, nlb, lba_size) || (!msg && msglen))
		return -EINVAL;
	ret = tracked(table, nlba, slba, nlb, &count);
	if (ret)
		return ret;
	for (i = 0; i < count; i++, lba += lba_size) {
		expected = atomic_load_explicit(&e[slba + i], memory_order_acquire) &
			   NVT_VERIFY_CRC_MASK;
		if (expected == NVT_VERIFY_UNWRITTEN)
			continue;
		if (expected == NVT_VERIFY_UNCORRECTABLE) {
			if (msglen)
				snprintf(msg, msglen, "uncorrectable: LBA 0x%llx was written uncorrectable",
					 (unsigned long long)(slba + i));
			return NVT_STATUS_VERIFY_FAILED;
		}
		/* as pynvme, data that looks deallocated (first 8 bytes all 0s
		 * or all 1s) is left to the CRC check */
		n = get_le64(lba);
		if (n != slba + i && n != 0 && n != UINT64_MAX) {
			if (msglen)
				snprintf(msg, msglen, "LBA mismatch: LBA 0x%llx holds data of LBA 0x%llx",
					 (unsigned long long)(slba + i), (unsigned long long)n);
			return NVT_STATUS_VERIFY_FAILED;
		}
		got = nvt_verify_crc(lba, lba_size);
		if (got != expected) {
			if (msglen)
				snprintf(msg, msglen, "CRC mismatch: LBA 0x%llx, expected 0x%08x, got 0x%08x",
					 (unsigned long long)(slba + i), expected, got);
			return NVT_STATUS_VERIFY_FAILED;
		}
	}
	return 0;
}
