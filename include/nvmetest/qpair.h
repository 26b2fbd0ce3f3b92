/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_qpair: an IO submission and completion queue pair, pynvme's
 * Qpair (NVMe 1.4 sections 4.1, 7.2).
 *
 * The kernel creates the queues (NVT_IOCTL_CREATE_QPAIR) and maps their
 * rings, the doorbells and the queue's command log into the process; from
 * then on the library submits and reaps with no system call: it writes the
 * SQE into the mapped SQ, rings the SQ tail doorbell, polls the phase tag
 * of the mapped CQ and rings the CQ head doorbell.
 *
 *	struct nvt_qpair *qp;
 *	nvt_qpair_create(ctrl, 64, NULL, &qp);
 *	nvt_ns_read(ns, qp, buf, 0, 8, 0, NULL, NULL);	// io.h
 *	ret = nvt_qpair_waitdone(qp, 1);		// 0, -errno or SCT << 8 | SC
 *	nvt_qpair_destroy(qp);
 *
 * Commands: nvt_qpair_send_cmd() sends anything, raw; io.h has the NVM
 * command builders (which add LBA range checks and data verification).
 * Every command gets a CID, which is its slot: at most depth - 1 commands
 * are outstanding (a full queue refuses more with -EBUSY).
 *
 * Host timeouts: each command has the qpair's timeout (by default the
 * controller's, nvt_ctrl_get_timeout(), at creation). When it expires,
 * nvt_qpair_waitdone() completes the command with status
 * NVT_STATUS_HOST_TIMEOUT (07/FF, flags NVT_CPL_F_TIMEOUT), logs an error
 * naming the opcode, command name and CID, and runs its callback; its CID
 * (and the LBA locks of data verification) stay held until the device
 * completes it after all (then nothing more is reported) or the qpair is
 * destroyed.
 *
 * Command log: every command is logged at submission and at completion in
 * the queue's ring (struct nvt_cmdlog_entry of uapi.h, with its sequence
 * protocol), which another process reads live with
 * nvt_cmdlog_open(pcie, qid) (`nvmetest cmdlog DEV --qid N`).
 *
 * Interrupts: a qpair's CQ has interrupts enabled (pynvme's default) on a
 * vector that by default is its queue id. The kernel counts each interrupt
 * of a vector in a mapped counter page and never consumes CQ entries, so
 * nvt_qpair_msix_isset() / nvt_qpair_msix_clear() observe delivery and
 * nvt_qpair_msix_mask() / nvt_qpair_msix_unmask() mask the vector.
 * nvt_qpair_wait_irq() sleeps on an eventfd until the vector fires, and a
 * qpair created with NVT_QPAIR_OPT_IRQ_WAIT sleeps the same way in
 * nvt_qpair_waitdone() instead of spinning (at most 10 ms at a time, so a
 * missed wake-up only costs time: the kernel keeps one eventfd per vector
 * and controller, and another process attaching one to the same vector
 * replaces ours). Mask and unmask act on the vector for every user of the
 * controller.
 *
 * Resets: a controller reset, disable or admin queue setup (anything that
 * changes nvt_ctrl_generation()) kills every IO queue. Every call on a
 * qpair made before it returns -ESTALE from then on (the outstanding
 * commands are forgotten: their callbacks never run, their LBA locks are
 * released); nvt_qpair_destroy() still frees it.
 *
 * Threads: a qpair is single-threaded by contract: all calls on one qpair
 * (submissions, nvt_qpair_waitdone(), the msix and irq calls) must come
 * from one thread at a time, and its callbacks run in the thread calling
 * nvt_qpair_waitdone(). Nothing checks this. Different qpairs may be used
 * by different threads at the same time (pynvme's IOWorker model); the
 * controller's admin path stays usable from any thread meanwhile.
 */
#ifndef NVMETEST_QPAIR_H
#define NVMETEST_QPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nvmetest/uapi.h>
#include <nvmetest/admin.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;
struct nvt_buf;
struct nvt_qpair;
struct nvt_cmdlog_entry;

/* struct nvt_qpair_opts.flags */
#define NVT_QPAIR_OPT_NO_IEN	(1U << 0)	/* CQ interrupts disabled (IEN 0) */
#define NVT_QPAIR_OPT_VECTOR	(1U << 1)	/* use @vector, not the default */
#define NVT_QPAIR_OPT_QID	(1U << 2)	/* use @qid, not the lowest free id */
#define NVT_QPAIR_OPT_IRQ_WAIT	(1U << 3)	/* waitdone sleeps on the interrupt */

/**
 * struct nvt_qpair_opts - how to create a qpair; all zero is pynvme's
 *	default: interrupts enabled on the vector of the queue's id, the
 *	lowest free queue id, priority 0, polling waitdone.
 * @flags: NVT_QPAIR_OPT_*; other bits must be 0. NVT_QPAIR_OPT_IRQ_WAIT
 *	cannot be combined with NVT_QPAIR_OPT_NO_IEN.
 * @qid: with NVT_QPAIR_OPT_QID, the queue id wanted, 1 .. the count the
 *	controller granted (nvt_ctrl_queues_granted()).
 * @vector: with NVT_QPAIR_OPT_VECTOR, the CQ's interrupt vector (IV),
 *	below the number of vectors the kernel allocated (vector 0 is
 *	shared with the admin queue). Without it: the queue id if there is
 *	such a vector, else 1 + (qid - 1) % (vectors - 1) (0 when the
 *	kernel has a single vector: MSI or INTx).
 * @prio: Create I/O SQ QPRIO (CDW11 bits 02:01), 0 (urgent) .. 3 (low);
 *	it matters only with weighted round robin arbitration.
 * @rsvd0, @rsvd: must be 0.
 */
struct nvt_qpair_opts {
	uint32_t flags;
	uint16_t qid;
	uint16_t vector;
	uint8_t prio;
	uint8_t rsvd0[7];
	uint64_t rsvd[3];
};

/**
 * nvt_qpair_create() - create an IO queue pair and map it.
 * @ctrl: the controller, enabled, with Number of Queues set (the
 *	default init does it; a controller opened with
 *	NVT_CTRL_OPEN_NO_INIT in a second process uses the count the kernel
 *	knows); the qpair takes a reference to it.
 * @depth: entries of the SQ and of the CQ, 2 .. CAP.MQES + 1 (QEMU: 2048);
 *	at most @depth - 1 commands can be outstanding.
 * @opts: the options, or NULL for the defaults (see struct
 *	nvt_qpair_opts).
 * @out: receives the qpair; NULL unless 0 is returned.
 *
 * NVT_IOCTL_CREATE_QPAIR (Create I/O Completion Queue then Create I/O
 * Submission Queue, NVMe 1.4 sections 5.3 and 5.4), then the mappings of
 * the SQ, the CQ, the doorbells and the command log. The host timeout of
 * its commands starts as the controller's.
 *
 * Return: 0; the device's status (positive) when it refused Create I/O
 * CQ or SQ (logged; no queue is left); -EINVAL (NULL argument, @depth out
 * of range, unknown flags, reserved fields, @prio above 3, a vector the
 * kernel does not have, a queue id above the granted count);
 * -EOPNOTSUPP (the module has no NVT_FEATURE_QPAIR); -ENOSPC (every queue id the
 * controller granted is in use); -EEXIST (the id asked for is in use);
 * -ENXIO (the controller is not enabled); -ETIMEDOUT (the device did not
 * answer the create commands); -ENOMEM; -ENODEV.
 *
 * Thread-safety: safe; any thread may create qpairs of one controller.
 */
int nvt_qpair_create(struct nvt_ctrl *ctrl, unsigned int depth,
		     const struct nvt_qpair_opts *opts, struct nvt_qpair **out);

/**
 * nvt_qpair_destroy() - delete the queues and free the qpair, pynvme's
 *	Qpair.delete().
 * @qp: the qpair, or NULL (then nothing happens and 0 is returned).
 *
 * NVT_IOCTL_DELETE_QPAIR (Delete I/O SQ, which makes the device complete
 * or abort every command of the SQ, section 5.6, then Delete I/O CQ).
 * Commands still outstanding are forgotten: their callbacks do not run;
 * the LBA locks they held are released and the verification entries of
 * the LBAs they were changing are cleared (their data is unknown). The
 * qpair is freed whatever the outcome, and its controller reference
 * dropped. After a controller reset the queues are gone already: the
 * qpair is just freed.
 *
 * Return: 0; the device's status of Delete I/O SQ or CQ (logged);
 * -ETIMEDOUT (the device did not answer); -ENODEV. Either way @qp is
 * freed.
 *
 * Thread-safety: no other thread may use @qp during or after the call;
 * not from one of its callbacks (-EDEADLK, nothing freed).
 */
int nvt_qpair_destroy(struct nvt_qpair *qp);

/**
 * nvt_qpair_qid() - the queue id (SQ and CQ share it).
 * @qp: the qpair.
 *
 * Return: 1 .. 65535; 0 if @qp is NULL.
 *
 * Thread-safety: safe.
 */
uint16_t nvt_qpair_qid(const struct nvt_qpair *qp);

/**
 * nvt_qpair_depth() - entries of each ring, as created.
 * @qp: the qpair.
 *
 * Return: the depth; 0 if @qp is NULL.
 *
 * Thread-safety: safe.
 */
unsigned int nvt_qpair_depth(const struct nvt_qpair *qp);

/**
 * nvt_qpair_vector() - the CQ's interrupt vector.
 * @qp: the qpair.
 *
 * Return: the vector (meaningful only with interrupts enabled); -1 for a
 * qpair created with NVT_QPAIR_OPT_NO_IEN; -EINVAL if @qp is NULL.
 *
 * Thread-safety: safe.
 */
int nvt_qpair_vector(const struct nvt_qpair *qp);

/**
 * nvt_qpair_ctrl() - the controller of a qpair.
 * @qp: the qpair.
 *
 * Return: the controller, borrowed (valid while @qp lives); NULL if @qp is
 * NULL.
 *
 * Thread-safety: safe.
 */
struct nvt_ctrl *nvt_qpair_ctrl(const struct nvt_qpair *qp);

/**
 * nvt_qpair_send_cmd() - send any IO command, raw.
 * @qp: the qpair.
 * @cmd: the command (struct nvt_cmd of admin.h: opcode, fuse, NSID,
 *	CDW2-3, CDW10-15, timeout); sent as given, legal or not.
 * @buf: the data buffer, or NULL; the command's PRPs describe the range
 *	from nvt_buf_offset() of nvt_buf_xfer_size() bytes (or to the end
 *	of the buffer). PRP1 is the buffer's device address plus the offset,
 *	whatever its alignment; PRP2 is the next memory page, or a PRP list
 *	(NVMe 1.4 section 4.3) built in a per-qpair pool of DMA memory. It
 *	must belong to the qpair's controller.
 * @cb: called when the command completes, or NULL.
 * @ctx: passed to @cb.
 *
 * No LBA range check and no data verification: that is what io.h's
 * builders add (pynvme's send_cmd() does neither). The library fills the
 * CID and the PRPs (CDW6-9); PSDT and MPTR (CDW4-5) are 0.
 *
 * Return: 0 (submitted; the status arrives in the callback and in
 * nvt_qpair_waitdone()); -EINVAL (NULL @qp or @cmd, reserved fields,
 * unknown flags, @fuse above 3, a buffer of another controller); -ERANGE
 * (offset plus transfer size beyond the buffer); -E2BIG (a transfer that
 * needs more than one PRP list page: above 2 MiB with 4 KiB pages);
 * -EBUSY (depth - 1 commands are outstanding: reap some first);
 * -ESTALE (the controller was reset since the qpair was created);
 * -ENOMEM. Logged.
 *
 * Thread-safety: the qpair's thread only; callbacks may call it
 * (chaining).
 */
int nvt_qpair_send_cmd(struct nvt_qpair *qp, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		       nvt_cb cb, void *ctx);

/**
 * nvt_qpair_waitdone() - reap completions and run their callbacks,
 *	pynvme's Qpair.waitdone(expected).
 * @qp: the qpair.
 * @n: how many commands to wait for; 0 processes only what has completed
 *	already, without waiting.
 *
 * Reaps the CQ by phase tag, rings the CQ head doorbell, and for each
 * completion does the data verification of io.h's commands, then runs the
 * callback (struct nvt_cpl of admin.h, @qid the queue id), in completion
 * order. Commands whose host timeout expires meanwhile are completed with
 * NVT_STATUS_HOST_TIMEOUT. Only commands outstanding at the call count
 * toward @n: one that a callback sends (chaining) takes another call. With
 * NVT_QPAIR_OPT_IRQ_WAIT the thread sleeps on the vector's interrupt
 * while nothing has completed; otherwise it polls.
 *
 * Return: 0 if all of them succeeded; -ETIMEDOUT if any had a host
 * timeout (its callback ran with NVT_STATUS_HOST_TIMEOUT and an error
 * naming the opcode, command name and CID was logged); else the positive
 * status of the first, in completion order, that failed (a read that
 * failed data verification: NVT_STATUS_VERIFY_FAILED, 07/81). Either way
 * every callback ran. -EDEADLK (called from a callback of this qpair);
 * -EINVAL (@qp NULL, or @n above the commands outstanding: nothing is
 * reaped); -ESTALE (the controller was reset since the qpair was
 * created).
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_waitdone(struct nvt_qpair *qp, unsigned int n);

/**
 * nvt_qpair_outstanding() - commands nvt_qpair_waitdone() can wait for.
 * @qp: the qpair.
 *
 * Return: commands submitted whose callbacks have not run; 0 if @qp is
 * NULL. Timed-out commands whose CIDs are still held are not counted (see
 * nvt_qpair_cids_held()).
 *
 * Thread-safety: the qpair's thread only.
 */
unsigned int nvt_qpair_outstanding(const struct nvt_qpair *qp);

/**
 * nvt_qpair_cids_held() - CIDs in use: outstanding commands plus those
 *	that timed out and that the device has not completed yet.
 * @qp: the qpair.
 *
 * Return: the count (at most depth - 1); 0 if @qp is NULL.
 *
 * Thread-safety: the qpair's thread only.
 */
unsigned int nvt_qpair_cids_held(const struct nvt_qpair *qp);

/**
 * nvt_qpair_set_timeout() - the host timeout of the qpair's commands.
 * @qp: the qpair.
 * @timeout_ms: milliseconds; 0 for none. Applies to commands submitted
 *	afterwards (a struct nvt_cmd with NVT_CMD_F_TIMEOUT has its own),
 *	and bounds how long a submission waits for locked LBAs.
 *
 * Return: 0; -EINVAL (@qp NULL).
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_set_timeout(struct nvt_qpair *qp, uint32_t timeout_ms);

/**
 * nvt_qpair_get_timeout() - the host timeout of the qpair's commands.
 * @qp: the qpair.
 *
 * Return: milliseconds (0: none); 0 if @qp is NULL.
 *
 * Thread-safety: the qpair's thread only.
 */
uint32_t nvt_qpair_get_timeout(const struct nvt_qpair *qp);

/**
 * nvt_qpair_latest_cid() - CID of the latest completion processed,
 *	pynvme's Qpair.latest_cid.
 * @qp: the qpair.
 *
 * Return: the CID; 0 before any completion or if @qp is NULL.
 *
 * Thread-safety: the qpair's thread only.
 */
uint16_t nvt_qpair_latest_cid(const struct nvt_qpair *qp);

/**
 * nvt_qpair_latest_latency() - latency of the latest completion processed.
 * @qp: the qpair.
 *
 * Return: microseconds from the doorbell write to the reaping of the
 * completion; 0 before any or if @qp is NULL.
 *
 * Thread-safety: the qpair's thread only.
 */
uint64_t nvt_qpair_latest_latency(const struct nvt_qpair *qp);

/**
 * nvt_qpair_latest_cdw0() - DW0 of the latest completion processed.
 * @qp: the qpair.
 *
 * Return: completion dword 0 (pynvme's waitdone() value); 0 before any.
 *
 * Thread-safety: the qpair's thread only.
 */
uint32_t nvt_qpair_latest_cdw0(const struct nvt_qpair *qp);

/**
 * nvt_qpair_cmdlog() - the latest commands of the qpair, pynvme's
 *	Qpair.cmdlog().
 * @qp: the qpair.
 * @n: as nvt_cmdlog_read().
 * @out: as nvt_cmdlog_read().
 * @count: as nvt_cmdlog_read().
 *
 * Reads the qpair's own (writable) mapping of its command log.
 *
 * Return: as nvt_cmdlog_read(); -ENODATA (the kernel's log header was not
 * valid at creation: nothing is logged).
 *
 * Thread-safety: safe (the sequence protocol makes reads consistent).
 */
int nvt_qpair_cmdlog(struct nvt_qpair *qp, unsigned int n, struct nvt_cmdlog_entry *out,
		     unsigned int *count);

/* ---- interrupts (the qpair's vector) ---- */

/**
 * nvt_qpair_msix_clear() - zero the interrupt counter of the qpair's
 *	vector, pynvme's msix_clear().
 * @qp: the qpair.
 *
 * Return: 0; -EINVAL (@qp NULL, or a qpair without interrupts); -ESTALE.
 *
 * Thread-safety: the qpair's thread only (qpairs sharing a vector share
 * its counter).
 */
int nvt_qpair_msix_clear(struct nvt_qpair *qp);

/**
 * nvt_qpair_msix_isset() - has the qpair's vector fired since the last
 *	clear, pynvme's msix_isset().
 * @qp: the qpair.
 *
 * Return: 1 (the counter is not 0); 0; -EINVAL; -ESTALE.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_msix_isset(struct nvt_qpair *qp);

/**
 * nvt_qpair_irq_count() - the interrupt counter of the qpair's vector.
 * @qp: the qpair.
 * @count: receives the interrupts counted since the last clear.
 *
 * Return: 0; -EINVAL; -ESTALE.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_irq_count(struct nvt_qpair *qp, uint64_t *count);

/**
 * nvt_qpair_msix_mask() - mask the qpair's vector, pynvme's msix_mask().
 * @qp: the qpair.
 *
 * MSI-X: the vector control mask bit (PCIe section 7.7.2). While it is
 * masked the device keeps the interrupt pending; unmasking delivers it.
 *
 * Return: 0; -EINVAL (@qp NULL, no interrupts); -ESTALE; -errno of
 * NVT_IOCTL_CTL_IRQ.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_msix_mask(struct nvt_qpair *qp);

/**
 * nvt_qpair_msix_unmask() - unmask the qpair's vector, pynvme's
 *	msix_unmask().
 * @qp: the qpair.
 *
 * Return: as nvt_qpair_msix_mask().
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_msix_unmask(struct nvt_qpair *qp);

/**
 * nvt_qpair_wait_irq() - sleep until the qpair's vector has fired.
 * @qp: the qpair.
 * @timeout_ms: the longest wait; 0 does not wait.
 *
 * Returns at once if the vector's counter is not 0 (see
 * nvt_qpair_msix_isset(); clear it first to wait for a new interrupt),
 * else sleeps in poll(2) on an eventfd the kernel signals at each
 * interrupt of the vector (NVT_IOCTL_CTL_IRQ). Reaps nothing.
 *
 * Return: 0 (the counter is not 0); -ETIMEDOUT; -EINVAL (@qp NULL, no
 * interrupts); -ESTALE; -EOPNOTSUPP (the module has no NVT_FEATURE_IRQ);
 * -errno of eventfd(2) or the ioctl.
 *
 * Thread-safety: the qpair's thread only.
 */
int nvt_qpair_wait_irq(struct nvt_qpair *qp, unsigned int timeout_ms);

/**
 * nvt_ctrl_irq_info() - the interrupts the kernel set up for a controller.
 * @ctrl: the controller.
 * @type: receives NVT_IRQ_TYPE_MSIX, _MSI or _INTX (uapi.h), or NULL.
 * @nr_vectors: receives the vectors allocated (vector 0 is the admin
 *	queue's), or NULL.
 *
 * Maps the counter page on first use (NVT_IOCTL_MAP_IRQS).
 *
 * Return: 0; -EINVAL (@ctrl NULL); -EOPNOTSUPP (no NVT_FEATURE_IRQ);
 * -EIO (no vectors); -errno of the ioctl or mmap(2).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_irq_info(struct nvt_ctrl *ctrl, uint32_t *type, uint32_t *nr_vectors);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_QPAIR_H */
