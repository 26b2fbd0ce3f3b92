/* SPDX-License-Identifier: MIT */
/*
 * IO commands of the NVM command set on a namespace, pynvme's Namespace
 * read(), write(), compare(), flush(), write_zeroes(),
 * write_uncorrectable(), dsm(), verify(), and copy.
 *
 * Every builder fills a submission queue entry and submits it on a qpair
 * (qpair.h): it returns at once, the callback gets the completion, and
 * nvt_qpair_waitdone() reaps it. Arguments come in pynvme's order:
 *
 *	nvt_ns_write(ns, qp, buf, lba, lba_count, io_flags, cb, ctx);
 *	nvt_qpair_waitdone(qp, 1);
 *
 * Unlike nvt_qpair_send_cmd() (raw, anything goes), the builders check
 * their arguments and give clear errors: an LBA range outside the
 * namespace (lba + lba_count beyond nvt_ns_capacity()) is refused with
 * -ERANGE and a message, and so is a buffer too small for the transfer.
 * Transfers are not limited to MDTS: a larger one goes to the device,
 * which rejects it with its own status.
 *
 * Data: read, write and compare transfer lba_count * nvt_ns_lba_size()
 * bytes starting at the buffer's offset (nvt_buf_set_offset(): PRP1 is
 * the buffer's device address plus the offset); the buffer's transfer
 * size (nvt_buf_set_xfer_size()) is not used. Metadata is not transferred
 * (no MPTR): use a format without metadata, or nvt_qpair_send_cmd().
 * As in pynvme, a buffer must not be changed or freed while a command
 * uses it: with verification on, the library reads it again when the
 * command completes (a write's CRCs, a read's check).
 *
 * Data verification (when on for the namespace, nvt_ns_verify_enable();
 * the table semantics are in verify.h): LBAs at or beyond
 * nvt_ns_verify_nlba() are ignored.
 *  - Write: locks the LBAs, stamps each LBA of the buffer (its LBA number
 *    in the first 8 bytes, a write token in the last 8: the buffer is
 *    modified), submits; on success stores the CRC of each LBA.
 *  - Read: locks the LBAs, submits; on success checks each LBA that has an
 *    entry: a failure turns the status into NVT_STATUS_VERIFY_FAILED
 *    (07/81; struct nvt_cpl.cqe keeps what the device wrote) and logs an
 *    error naming the LBA and the reason ("CRC mismatch", "LBA mismatch",
 *    "uncorrectable").
 *  - Compare: locks (so no write of the LBAs runs meanwhile), checks
 *    nothing more than the device does.
 *  - Write Zeroes, and Dataset Management ranges with the Deallocate
 *    attribute: lock, submit, then clear the entries (whatever the
 *    status: after a failure the data is unknown, so it is not checked).
 *  - Write Uncorrectable: locks and marks the LBAs uncorrectable before
 *    submitting, as pynvme does, so even a device that fails the command
 *    (QEMU: 00/01) has them marked: a verified read of them then gives
 *    07/81 "uncorrectable" until they are written again.
 *  - Copy: locks the destination range and clears it afterwards (copied
 *    data carries its source LBA numbers, so it cannot be checked).
 *  - Flush, Verify: nothing.
 * LBA locks are taken with nvt_verify_trylock(); when another command
 * holds one, the submission reaps completions of its qpair (running their
 * callbacks) and tries again, and gives up after the qpair's timeout with
 * -EBUSY. Locks are released when the command completes, before its
 * callback runs (so a callback may submit a command on the same LBAs).
 * Locks of LBAs whose table page does not exist yet are not taken by
 * reads (nothing to check), nor by trims or write zeroes of more than
 * 65536 LBAs (so a large trim does not create the table).
 *
 * Return of every builder: 0 (submitted); -EINVAL (a NULL argument, a
 * qpair of another controller, @lba_count 0 or above 65536, a buffer
 * missing or of another controller, flags out of range); -ERANGE (LBAs
 * outside the namespace, the buffer too small for the transfer); -EBUSY
 * (the qpair is full, or the LBAs stayed locked for the qpair's timeout);
 * -ESTALE (the controller was reset since the qpair was created); -E2BIG;
 * -ENOMEM. Every error is logged.
 *
 * Thread-safety: as the qpair: the qpair's thread only. The namespace may
 * be used by several qpairs in several threads at once.
 */
#ifndef NVMETEST_IO_H
#define NVMETEST_IO_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/admin.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ns;
struct nvt_qpair;
struct nvt_buf;

/* NVM command set I/O opcodes (NVM Command Set 1.0 Figure 18). */
#define NVT_IO_FLUSH			0x00
#define NVT_IO_WRITE			0x01
#define NVT_IO_READ			0x02
#define NVT_IO_WRITE_UNCORRECTABLE	0x04
#define NVT_IO_COMPARE			0x05
#define NVT_IO_WRITE_ZEROES		0x08
#define NVT_IO_DSM			0x09
#define NVT_IO_VERIFY			0x0c
#define NVT_IO_COPY			0x19

/*
 * io_flags: the upper half of CDW12 (bits 31:16), as pynvme's io_flags
 * (NVM Command Set 1.0 Figures 26, 43, 64, 71).
 */
#define NVT_IO_FLAG_LR		(1U << 15)	/* CDW12 bit 31: Limited Retry */
#define NVT_IO_FLAG_FUA		(1U << 14)	/* bit 30: Force Unit Access */
#define NVT_IO_FLAG_PRINFO(x)	(((x) & 0xfU) << 10)	/* bits 29:26: PRACT, PRCHK */
#define NVT_IO_FLAG_DEAC	(1U << 9)	/* bit 25: Write Zeroes Deallocate */
#define NVT_IO_FLAG_STC		(1U << 8)	/* bit 24: Storage Tag Check */
#define NVT_IO_FLAG_DTYPE(x)	(((x) & 0xfU) << 4)	/* bits 23:20: Directive Type */

/* Dataset Management attributes, CDW11 (NVM Command Set 1.0 Figure 38). */
#define NVT_DSM_IDR		(1U << 0)	/* Integral Dataset for Read */
#define NVT_DSM_IDW		(1U << 1)	/* Integral Dataset for Write */
#define NVT_DSM_AD		(1U << 2)	/* Deallocate (trim) */

/* Most LBAs one command moves: NLB is 16 bits, 0's based. */
#define NVT_IO_MAX_LBAS		65536
/* Most Dataset Management ranges (NR, 8 bits 0's based). */
#define NVT_DSM_MAX_RANGES	256
/* Most Copy source ranges (NR, 8 bits 0's based). */
#define NVT_COPY_MAX_RANGES	256
/* Bytes of a Copy source range entry, format 0 (Figure 42). */
#define NVT_COPY_RANGE_SIZE	32

/**
 * struct nvt_io - an LBA command with every field, for nvt_ns_io().
 * @opcode: NVT_IO_READ, _WRITE, _COMPARE, _WRITE_ZEROES,
 *	_WRITE_UNCORRECTABLE or _VERIFY.
 * @fuse: CDW0 bits 09:08 (NVT_FUSE_*), 0 .. 3.
 * @io_flags: CDW12 bits 31:16 (NVT_IO_FLAG_*).
 * @lba: SLBA (CDW10-11).
 * @lba_count: LBAs, 1 .. NVT_IO_MAX_LBAS (NLB = @lba_count - 1).
 * @cdw2, @cdw3: sent as given.
 * @cdw13, @cdw14, @cdw15: sent as given (pynvme's dword13-15: DSM hints,
 *	directive specific, reference and application tags).
 * @flags: NVT_CMD_F_TIMEOUT or 0.
 * @timeout_ms: with NVT_CMD_F_TIMEOUT, this command's host timeout.
 * @rsvd: must be 0.
 */
struct nvt_io {
	uint8_t opcode;
	uint8_t fuse;
	uint16_t io_flags;
	uint32_t lba_count;
	uint64_t lba;
	uint32_t cdw2;
	uint32_t cdw3;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
	uint32_t flags;
	uint32_t timeout_ms;
	uint32_t rsvd[3];
};

/**
 * nvt_ns_io() - send an LBA command with every field.
 * @ns: the namespace.
 * @qp: the qpair (of the namespace's controller).
 * @buf: the data (read, write, compare); NULL for the others.
 * @io: the command.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * The builders below are this with the other fields 0.
 *
 * Return: see the top of this file; -EINVAL also for an opcode not listed
 * in struct nvt_io or reserved fields set.
 */
int nvt_ns_io(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf,
	      const struct nvt_io *io, nvt_cb cb, void *ctx);

/**
 * nvt_ns_read() - Read (02h), pynvme's read(qpair, buf, lba, lba_count,
 *	io_flags, cb).
 * @ns: the namespace.
 * @qp: the qpair.
 * @buf: receives lba_count * LBA size bytes at its offset.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @io_flags: CDW12 bits 31:16 (NVT_IO_FLAG_*).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_read(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_ns_write() - Write (01h), pynvme's write().
 * @ns: the namespace.
 * @qp: the qpair.
 * @buf: lba_count * LBA size bytes at its offset; with verification on,
 *	each LBA of it is stamped before submission.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @io_flags: CDW12 bits 31:16 (NVT_IO_FLAG_FUA ...).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_write(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		 uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_ns_compare() - Compare (05h), pynvme's compare(); a mismatch
 *	completes with 02/85 Compare Failure.
 * @ns: the namespace.
 * @qp: the qpair.
 * @buf: the data to compare, lba_count * LBA size bytes at its offset.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @io_flags: CDW12 bits 31:16.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_compare(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		   uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_ns_flush() - Flush (00h) of this namespace, pynvme's flush().
 * @ns: the namespace.
 * @qp: the qpair.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_flush(struct nvt_ns *ns, struct nvt_qpair *qp, nvt_cb cb, void *ctx);

/**
 * nvt_ns_write_zeroes() - Write Zeroes (08h), pynvme's write_zeroes().
 * @ns: the namespace.
 * @qp: the qpair.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @io_flags: CDW12 bits 31:16 (NVT_IO_FLAG_DEAC, _FUA ...).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_write_zeroes(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba,
			uint32_t lba_count, uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_ns_write_uncorrectable() - Write Uncorrectable (04h), pynvme's
 *	write_uncorrectable().
 * @ns: the namespace.
 * @qp: the qpair.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * With verification on, the LBAs are marked uncorrectable at submission
 * (see the top of this file).
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_write_uncorrectable(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba,
			       uint32_t lba_count, nvt_cb cb, void *ctx);

/**
 * nvt_ns_verify() - Verify (0Ch), pynvme's verify(): the device reads and
 *	checks the LBAs, no data is transferred.
 * @ns: the namespace.
 * @qp: the qpair.
 * @lba: the first LBA.
 * @lba_count: LBAs, 1 .. 65536.
 * @io_flags: CDW12 bits 31:16 (LR, FUA, PRINFO).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Not to be confused with nvt_ns_verify_enable() (host-side data
 * verification, ns.h).
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_verify(struct nvt_ns *ns, struct nvt_qpair *qp, uint64_t lba, uint32_t lba_count,
		  uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_ns_dsm() - Dataset Management (09h), pynvme's dsm(qpair, buf,
 *	range_count, attribute).
 * @ns: the namespace.
 * @qp: the qpair.
 * @buf: the ranges, 16 bytes each from the buffer's offset, written with
 *	nvt_buf_set_dsm_range() (ranges are checked against the capacity
 *	only when @attribute has NVT_DSM_AD: others are the device's
 *	business).
 * @range_count: ranges, 1 .. 256 (NR = @range_count - 1).
 * @attribute: CDW11, NVT_DSM_AD (pynvme's default 4: deallocate), IDR,
 *	IDW.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * With NVT_DSM_AD and verification on, each range is locked and cleared
 * (see the top of this file).
 *
 * Return: see the top of this file; -EINVAL also for @range_count out of
 * range.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_dsm(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf,
	       unsigned int range_count, uint32_t attribute, nvt_cb cb, void *ctx);

/**
 * nvt_ns_copy() - Copy (19h) with source range entries of format 0.
 * @ns: the namespace.
 * @qp: the qpair.
 * @buf: the source ranges, NVT_COPY_RANGE_SIZE bytes each from the
 *	buffer's offset, written with nvt_copy_range_set().
 * @lba: the destination's first LBA (SDLBA, CDW10-11).
 * @range_count: ranges, 1 .. 256 (NR, CDW12 bits 07:00, 0's based).
 * @io_flags: CDW12 bits 31:16 (LR, FUA, PRINFOW, DTYPE).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * The destination range (@lba, the sum of the sources' lengths) is
 * checked against the capacity. Check nvt_ns_supports(ns, NVT_IO_COPY)
 * first: a device without Copy answers 00/01.
 *
 * Return: see the top of this file.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_ns_copy(struct nvt_ns *ns, struct nvt_qpair *qp, struct nvt_buf *buf, uint64_t lba,
		unsigned int range_count, uint16_t io_flags, nvt_cb cb, void *ctx);

/**
 * nvt_copy_range_set() - write one Copy source range entry, format 0.
 * @mem: the range list (nvt_buf_data() of the Copy's buffer).
 * @size: bytes at @mem.
 * @index: which entry: bytes 32 * @index to 32 * @index + 31.
 * @slba: Starting LBA (bytes 15:08).
 * @nlb: LBAs, not 0's based, 1 .. 65536 (stored 0's based in bytes
 *	17:16).
 *
 * The other bytes of the entry are zeroed (NVM Command Set 1.0 Figure
 * 42).
 *
 * Return: 0; -EINVAL (@mem NULL, @nlb 0 or above 65536); -ERANGE (the
 * entry does not fit in @size).
 *
 * Thread-safety: reentrant.
 */
int nvt_copy_range_set(void *mem, size_t size, unsigned int index, uint64_t slba,
		       uint32_t nlb);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_IO_H */
