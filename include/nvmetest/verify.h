/* SPDX-License-Identifier: MIT */
/*
 * Data verification, pynvme's way: every LBA the host writes carries its
 * own LBA number and a never-repeating write token, a table keeps a
 * checksum per LBA, and every read is checked against the table.
 *
 * The table has one 32-bit entry per LBA of a namespace, from LBA 0 up to
 * a verify limit (nlba); LBAs at or beyond the limit are never tracked,
 * locked or checked. An entry (host byte order) is:
 *
 *   bit 31	the LBA lock (NVT_VERIFY_LOCK), held by the command that uses
 *		the LBA, so overlapping commands on one LBA take turns;
 *   bits 30:0	0 (NVT_VERIFY_UNWRITTEN): nothing known, never checked;
 *		7FFFFFFFh (NVT_VERIFY_UNCORRECTABLE): written uncorrectable,
 *		any read that returns data fails the check;
 *		anything else: CRC32C of the LBA's data shifted right by one
 *		(nvt_verify_crc()).
 *
 * The functions work on the caller's table and buffers. They use only
 * lock-free C11 atomics on the entries, so one table may be shared by any
 * number of threads and of processes that map it (the kernel module owns
 * the table and maps it into every process).
 *
 * The life of a command, as the I/O path uses these functions:
 *   write:  nvt_verify_lock() (or _trylock), nvt_verify_stamp() with a
 *	     token from nvt_verify_next_token(), submit, and on success
 *	     nvt_verify_write_done(); then nvt_verify_unlock().
 *   read:   lock, submit, on success nvt_verify_read(), unlock.
 *   Write Zeroes, Dataset Management deallocate: lock, submit, on success
 *	     nvt_verify_clear(), unlock. A later read of those LBAs is not
 *	     checked (whatever the device returns for deallocated LBAs).
 *   Write Uncorrectable: lock, submit, nvt_verify_mark_uncorrectable()
 *	     (pynvme marks even when the command fails), unlock.
 *   Format NVM, Sanitize: nvt_verify_reset().
 *   Controller reset with commands outstanding: nvt_verify_unlock_all().
 */
#ifndef NVMETEST_VERIFY_H
#define NVMETEST_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/status.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NVT_VERIFY_UNWRITTEN		0x00000000u
#define NVT_VERIFY_UNCORRECTABLE	0x7fffffffu
#define NVT_VERIFY_CRC_MASK		0x7fffffffu	/* bits 30:0 */
#define NVT_VERIFY_LOCK			0x80000000u	/* bit 31 */

/**
 * nvt_verify_crc() - the table value of one LBA's data.
 * @data: the LBA's data; may be NULL if @lba_size is 0.
 * @lba_size: bytes of data.
 *
 * The standard CRC32C of @data (as zlib-style crc32c(0, data, len), e.g.
 * E3069283h for "123456789") shifted right by one. The two values the
 * table reserves are moved aside, as pynvme does: 0 becomes 1 and
 * 7FFFFFFFh becomes 7FFFFFFEh, so written data always has an entry that
 * is checked.
 *
 * Return: a value from 1 to 7FFFFFFEh.
 *
 * Thread-safety: reentrant.
 */
uint32_t nvt_verify_crc(const void *data, uint32_t lba_size);

/**
 * nvt_verify_next_token() - reserve write tokens.
 * @n: how many consecutive tokens to reserve, one per LBA (0 reserves 1).
 *
 * Tokens make every write of an LBA different, so a read that returns an
 * older copy of the LBA fails its CRC check. The returned token and the
 * @n - 1 after it are the caller's; no thread of this process gets any of
 * them again until it has reserved 2^42 tokens. Bits 63:42 are the
 * process ID, so processes running at the same time never share a token.
 * Bits 41:0 count up from the time the process first asked (CLOCK_REALTIME
 * in nanoseconds modulo 2^42), so a later process that gets the same
 * process ID is unlikely to repeat an earlier one's tokens; a child made
 * by fork() starts afresh with its own process ID. Tokens are never 0.
 * (Processes in different PID namespaces can have the same process ID:
 * their tokens may repeat each other's.)
 *
 * Return: the first reserved token.
 *
 * Thread-safety: safe; lock-free.
 */
uint64_t nvt_verify_next_token(uint32_t n);

/**
 * nvt_verify_stamp() - mark the LBAs of a write buffer.
 * @buf: the data to write, @nlb LBAs of @lba_size bytes each.
 * @slba: the first LBA the buffer is written to.
 * @nlb: how many LBAs (not 0's based).
 * @lba_size: bytes per LBA: a multiple of 8, at least 16.
 * @token: from nvt_verify_next_token(@nlb).
 *
 * Writes, little-endian, the LBA number (@slba + i) into the first 8 bytes
 * of LBA i of the buffer and the token (@token + i) into its last 8 bytes,
 * as pynvme's buffer_fill_rawdata(). The other bytes keep their pattern.
 *
 * Return: 0; -EINVAL (@buf NULL with @nlb not 0, a bad @lba_size, or LBAs
 * past 2^64 - 1).
 *
 * Thread-safety: reentrant.
 */
int nvt_verify_stamp(void *buf, uint64_t slba, uint32_t nlb, uint32_t lba_size, uint64_t token);

/**
 * nvt_verify_lock() - lock the LBAs of a command, waiting for them.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @slba: the command's first LBA.
 * @nlb: the command's number of LBAs (not 0's based).
 *
 * Takes the lock bit of each LBA below @nlba, in ascending LBA order,
 * spinning and then yielding while another holder has it. Because every
 * caller locks in ascending order, commands whose ranges overlap never
 * deadlock each other; a command with several ranges (Dataset Management)
 * must lock them in ascending order too, or use nvt_verify_trylock().
 * Never wait here for an LBA that the calling thread itself must unlock
 * (a command it has outstanding and would reap later): use
 * nvt_verify_trylock() and reap completions until it succeeds.
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0, or LBAs past
 * 2^64 - 1).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_lock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb);

/**
 * nvt_verify_trylock() - lock the LBAs of a command if none is locked.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @slba: the command's first LBA.
 * @nlb: the command's number of LBAs (not 0's based).
 *
 * As nvt_verify_lock(), but where an LBA is locked it releases the locks
 * it took and returns at once (pynvme then queues the command and retries
 * it after reaping completions).
 *
 * Return: 0 (all locked); -EAGAIN (some LBA was locked: none is held);
 * -EINVAL (as nvt_verify_lock()).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_trylock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb);

/**
 * nvt_verify_unlock() - release the LBAs of a command.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @slba: the command's first LBA.
 * @nlb: the command's number of LBAs (not 0's based).
 *
 * Clears the lock bit of each LBA below @nlba; the rest of each entry is
 * kept. The caller must hold the locks (nothing checks who does).
 *
 * Return: 0; -EINVAL (as nvt_verify_lock()).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_unlock(uint32_t *table, uint64_t nlba, uint64_t slba, uint32_t nlb);

/**
 * nvt_verify_unlock_all() - release every LBA lock of a table.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 *
 * For a controller reset, after which the commands that held locks will
 * never complete (pynvme's crc32_unlock_all()).
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0).
 *
 * Thread-safety: safe across threads and processes, but releases locks
 * that other threads may still believe they hold.
 */
int nvt_verify_unlock_all(uint32_t *table, uint64_t nlba);

/**
 * nvt_verify_write_done() - record the data of a successful write.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @buf: the data written, @nlb LBAs of @lba_size bytes.
 * @slba: the write's first LBA.
 * @nlb: the write's number of LBAs (not 0's based).
 * @lba_size: bytes per LBA: a multiple of 8, at least 16.
 *
 * Sets the entry of each LBA below @nlba to nvt_verify_crc() of its data,
 * keeping the lock bit. Call it only when the write succeeded: after a
 * failed write nobody knows which LBAs the device updated.
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0, @buf NULL with @nlb
 * not 0, a bad @lba_size, or LBAs past 2^64 - 1).
 *
 * Thread-safety: safe across threads and processes sharing @table; hold
 * the LBA locks so that readers never see a half-updated range.
 */
int nvt_verify_write_done(uint32_t *table, uint64_t nlba, const void *buf, uint64_t slba,
			  uint32_t nlb, uint32_t lba_size);

/**
 * nvt_verify_clear() - forget the data of LBAs (Write Zeroes, deallocate).
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @slba: the first LBA.
 * @nlb: the number of LBAs (not 0's based).
 *
 * Sets the entries below @nlba to NVT_VERIFY_UNWRITTEN, keeping the lock
 * bits, so reads of these LBAs are not checked until they are written.
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0, or LBAs past
 * 2^64 - 1).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_clear(uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb);

/**
 * nvt_verify_mark_uncorrectable() - record a Write Uncorrectable.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @slba: the first LBA.
 * @nlb: the number of LBAs (not 0's based).
 *
 * Sets the entries below @nlba to NVT_VERIFY_UNCORRECTABLE, keeping the
 * lock bits: a read that returns data for these LBAs fails the check
 * until they are written, cleared or reset.
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0, or LBAs past
 * 2^64 - 1).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_mark_uncorrectable(uint32_t *table, uint64_t nlba, uint64_t slba, uint64_t nlb);

/**
 * nvt_verify_reset() - forget the whole namespace (Format NVM, Sanitize).
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 *
 * Sets every entry to NVT_VERIFY_UNWRITTEN, keeping the lock bits.
 *
 * Return: 0; -EINVAL (@table NULL with @nlba not 0).
 *
 * Thread-safety: safe across threads and processes sharing @table.
 */
int nvt_verify_reset(uint32_t *table, uint64_t nlba);

/**
 * nvt_verify_read() - check the data of a successful read.
 * @table: the verification table; may be NULL if @nlba is 0.
 * @nlba: the verify limit: entries in @table.
 * @buf: the data read, @nlb LBAs of @lba_size bytes.
 * @slba: the read's first LBA.
 * @nlb: the read's number of LBAs (not 0's based).
 * @lba_size: bytes per LBA: a multiple of 8, at least 16.
 * @msg: receives, on a failed check, a NUL-terminated line naming the
 *	first bad LBA and why (truncated to fit); untouched otherwise; may
 *	be NULL if @msglen is 0.
 * @msglen: size of @msg.
 *
 * LBAs at or beyond @nlba and LBAs whose entry is NVT_VERIFY_UNWRITTEN are
 * not checked. For every other LBA, in order, the check fails with:
 *   "uncorrectable: LBA 0x10 was written uncorrectable"
 *	the entry is NVT_VERIFY_UNCORRECTABLE;
 *   "LBA mismatch: LBA 0x10 holds data of LBA 0x20"
 *	the first 8 bytes hold another LBA's number (not all 0s or all
 *	1s: such data, as a deallocated LBA reads, goes on to the CRC
 *	check, as in pynvme);
 *   "CRC mismatch: LBA 0x10, expected 0x12345678, got 0x23456789"
 *	nvt_verify_crc() of the data is not the entry (stale, corrupt or
 *	lost data).
 *
 * Return: 0 (the data passed); NVT_STATUS_VERIFY_FAILED (07/81: a check
 * failed, @msg says which); -EINVAL (@table NULL with @nlba not 0, @buf
 * NULL with @nlb not 0, @msg NULL with @msglen not 0, a bad @lba_size, or
 * LBAs past 2^64 - 1).
 *
 * Thread-safety: safe across threads and processes sharing @table; hold
 * the LBA locks so that no write of these LBAs completes during the check.
 */
int nvt_verify_read(const uint32_t *table, uint64_t nlba, const void *buf, uint64_t slba,
		    uint32_t nlb, uint32_t lba_size, char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_VERIFY_H */
