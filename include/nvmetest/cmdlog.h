/* SPDX-License-Identifier: MIT */
/*
 * Command logs: the kernel's ring of the latest commands of a queue and
 * their completions (NVT_IOCTL_MAP_CMDLOG, at least NVT_CMDLOG_ENTRIES),
 * mapped read-only, so any process that opens the device can read it
 * live, while another one drives the controller.
 *
 * Entries are struct nvt_cmdlog_entry of uapi.h: the SQE as sent (CID and
 * PRPs filled in), the CQE, the submit and complete times, the flags.
 */
#ifndef NVMETEST_CMDLOG_H
#define NVMETEST_CMDLOG_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_pcie;
struct nvt_ctrl;
struct nvt_cmdlog;

/**
 * nvt_cmdlog_open() - map the command log of a queue.
 * @pcie: the function (nvt_ctrl_pcie() for a controller's); the log takes
 *	a reference. Opening a pcie does not touch the controller, so a
 *	second process can watch one that another process drives.
 * @qid: the queue; 0 is the admin queue.
 * @out: receives the log.
 *
 * Return: 0; -EINVAL (NULL argument); -ENOENT (no such queue);
 * -EOPNOTSUPP (the module has no NVT_FEATURE_CMDLOG); -EPROTO (the mapped
 * header is not a command log of this ABI: bad magic, entry size or
 * count); -ENOMEM; -ENODEV; another errno of mmap(2).
 *
 * Thread-safety: reentrant.
 */
int nvt_cmdlog_open(struct nvt_pcie *pcie, uint16_t qid, struct nvt_cmdlog **out);

/**
 * nvt_cmdlog_close() - unmap a command log.
 * @log: the log, or NULL (then nothing happens).
 *
 * Thread-safety: no other thread may use @log during or after the call.
 */
void nvt_cmdlog_close(struct nvt_cmdlog *log);

/**
 * nvt_cmdlog_read() - copy the latest commands of the log.
 * @log: the log.
 * @n: how many of the latest commands to copy; 0 for as many as the ring
 *	holds.
 * @out: receives up to @n entries, oldest first (newest last); room for
 *	@n entries, or for nvt_cmdlog_size() entries when @n is 0.
 * @count: receives the number of entries copied: fewer than @n when fewer
 *	commands were logged, or when an entry was being rewritten faster
 *	than it could be copied (it is skipped, after a few tries).
 *
 * Each entry is copied with the sequence protocol of uapi.h (the copy is
 * kept only if @seq was even, non-zero and unchanged around it, and its
 * @index is the one wanted), so a copy is never torn. A command still
 * outstanding has @complete_ns 0.
 *
 * Return: 0; -EINVAL (NULL argument).
 *
 * Thread-safety: safe; the log is read-only.
 */
int nvt_cmdlog_read(struct nvt_cmdlog *log, unsigned int n, struct nvt_cmdlog_entry *out,
		    unsigned int *count);

/**
 * nvt_cmdlog_size() - entries the ring holds.
 * @log: the log.
 *
 * Return: the number of entries (NVT_CMDLOG_ENTRIES or more); 0 if @log
 * is NULL.
 *
 * Thread-safety: safe.
 */
unsigned int nvt_cmdlog_size(struct nvt_cmdlog *log);

/**
 * nvt_cmdlog_count() - commands logged so far (the header's @next).
 * @log: the log.
 *
 * Return: the count; 0 if @log is NULL.
 *
 * Thread-safety: safe.
 */
uint64_t nvt_cmdlog_count(struct nvt_cmdlog *log);

/**
 * nvt_cmdlog_format() - describe one entry on one line.
 * @entry: the entry.
 * @qid: its queue (0 names admin opcodes, others I/O opcodes).
 * @buf: receives the NUL-terminated text, truncated to fit; may be NULL
 *	if @len is 0.
 * @len: size of @buf.
 *
 * The text is e.g.
 * "#12 Identify (06h) cid 3 nsid 0x0 cdw10 0x00000001 status 00/00
 * cdw0 0x0 latency 153 us" for a completed command, with the status
 * name for errors ("status 00/01 Invalid Command Opcode"), "timeout" or
 * "cancelled" for made-up completions, and "outstanding" in place of the
 * status and latency while it is.
 *
 * Return: the length of the whole text, like snprintf(3); -EINVAL
 * (@entry NULL, or @buf NULL with @len not 0).
 *
 * Thread-safety: reentrant.
 */
int nvt_cmdlog_format(const struct nvt_cmdlog_entry *entry, uint16_t qid, char *buf,
		      size_t len);

/**
 * nvt_ctrl_cmdlog() - the latest admin commands of a controller.
 * @ctrl: the controller.
 * @n: as nvt_cmdlog_read().
 * @out: as nvt_cmdlog_read().
 * @count: as nvt_cmdlog_read().
 *
 * Maps the admin queue's log on first use and keeps it with @ctrl.
 *
 * Return: as nvt_cmdlog_open() and nvt_cmdlog_read().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_cmdlog(struct nvt_ctrl *ctrl, unsigned int n, struct nvt_cmdlog_entry *out,
		    unsigned int *count);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_CMDLOG_H */
