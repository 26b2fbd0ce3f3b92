/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nvmetest kernel <-> user ABI.
 *
 * Shared verbatim by nvmetest.ko and libnvmetest. Rules:
 *  - only __u8/__u16/__u32/__u64, explicit padding, sizes a multiple of 8;
 *  - every struct has flags and reserved space; unknown flags or non-zero
 *    reserved fields give -EINVAL;
 *  - extend only by appending; an incompatible change takes a new number;
 *  - NVT_IOCTL_GET_INFO (nr 0) is frozen forever.
 *
 * Errors common to every ioctl on /dev/nvmetestN:
 *  -ENOTTY  unknown ioctl number (or wrong size encoded in it)
 *  -EFAULT  the argument pointer is not readable/writable
 *  -ENODEV  the controller was unbound or removed after the file was opened
 *  -EBUSY   a reset of the function is in progress (NVT_IOCTL_RESET, a
 *           reset from sysfs, or PCI error recovery); try again after it
 *
 * mmap() on /dev/nvmetestN takes an offset an ioctl handed out (plus a
 * page multiple within that region) and a length within the region.
 * Errors: -EINVAL (an offset of no region, a length beyond the region, a
 * region other than a command log or CRC bitmap mapped without
 * MAP_SHARED), -ENOENT (no buffer or queue there: freed, deleted, or never
 * made by this file; IO queue rings map only through the file that created
 * the queue), -EPERM (PROT_WRITE on the admin command log, on another
 * file's IO queue command log, or on a CRC bitmap), -ESTALE (an IO queue
 * that went with a controller reset), -ENODEV (after unbind). Mappings
 * made before an unbind or a reset stay valid memory until munmap() (the
 * doorbell mapping shows a page of zeroes from the unbind on); they cannot
 * be split (partial munmap or mprotect: -EINVAL) nor grown.
 *
 * Unbinding a controller whose admin queue was set up disables it (CC.EN
 * = 0, then up to CAP.TO for CSTS.RDY = 0) before its queue memory is
 * freed, so that it can never write into memory given back.
 */
#ifndef NVMETEST_UAPI_H
#define NVMETEST_UAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define NVT_ABI_VERSION		1

/* ioctl type byte; unassigned in Documentation/userspace-api/ioctl */
#define NVT_IOCTL_TYPE		0xE4

/* Feature bits reported by NVT_IOCTL_GET_INFO (out.features). */
#define NVT_FEATURE_REGS	(1ULL << 0)	/* READ_REG / WRITE_REG */
#define NVT_FEATURE_CONFIG	(1ULL << 1)	/* READ_CONFIG / WRITE_CONFIG */
#define NVT_FEATURE_GENL	(1ULL << 2)	/* "nvmetest" generic netlink */
#define NVT_FEATURE_DMABUF	(1ULL << 3)	/* ALLOC_BUF / FREE_BUF, mmap */
#define NVT_FEATURE_ADMIN	(1ULL << 4)	/* SETUP_ADMIN, SUBMIT/REAP_ADMIN */
#define NVT_FEATURE_CMDLOG	(1ULL << 5)	/* MAP_CMDLOG */
#define NVT_FEATURE_EVENTS	(1ULL << 6)	/* netlink "events" group */
#define NVT_FEATURE_QPAIR	(1ULL << 7)	/* CREATE/DELETE_QPAIR */
#define NVT_FEATURE_IRQ		(1ULL << 8)	/* MAP_IRQS, CTL_IRQ */
#define NVT_FEATURE_CRC		(1ULL << 9)	/* MAP_CRC_TABLE */
#define NVT_FEATURE_RESET	(1ULL << 10)	/* RESET, PCI error events */

/**
 * struct nvt_ioctl_get_info - NVT_IOCTL_GET_INFO, frozen forever.
 * @in.output_size_bytes: bytes of @out the caller has room for; the kernel
 *	fills min(this, sizeof(out)) bytes and zero-fills what it does not know.
 * @in.flags: must be 0.
 * @out.output_size_bytes: sizeof(out) as the kernel knows it.
 * @out.abi_version: NVT_ABI_VERSION of the module.
 * @out.features: NVT_FEATURE_* bits.
 * @out.pci_domain, pci_bus, pci_dev, pci_fn: the bound function's address.
 * @out.vendor_id, device_id, subsys_vendor_id, subsys_device_id: PCI ids.
 * @out.class_code: 24-bit class code (0x010802 for NVMe).
 * @out.config_size: bytes of config space (256, or 4096 with extended space).
 * @out.bar0_size: length of BAR0 in bytes.
 * @out.minor: N of /dev/nvmetestN.
 *
 * Errors: -EINVAL (in.flags or in.reserved non-zero).
 */
struct nvt_ioctl_get_info {
	struct {
		__u32 output_size_bytes;
		__u32 flags;
		__u64 reserved[3];
	} in;
	struct {
		__u32 output_size_bytes;
		__u32 abi_version;
		__u64 features;
		__u32 pci_domain;
		__u8 pci_bus;
		__u8 pci_dev;
		__u8 pci_fn;
		__u8 pad0;
		__u16 vendor_id;
		__u16 device_id;
		__u16 subsys_vendor_id;
		__u16 subsys_device_id;
		__u32 class_code;
		__u32 config_size;
		__u64 bar0_size;
		__u32 minor;
		__u32 pad1;
		__u64 reserved[8];
	} out;
};

/**
 * struct nvt_ioctl_access - one register or config-space access.
 * Used by NVT_IOCTL_READ_REG, NVT_IOCTL_WRITE_REG (BAR0, @width 4 or 8;
 * an 8-byte access is done low dword first, as NVMe 1.4 section 3.1 allows)
 * and NVT_IOCTL_READ_CONFIG, NVT_IOCTL_WRITE_CONFIG (PCI config space,
 * @width 1, 2 or 4).
 * @flags: must be 0.
 * @width: access size in bytes.
 * @offset: byte offset, a multiple of @width.
 * @value: read: written by the kernel (zero-extended); write: the value,
 *	whose bits above @width must be zero.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, width, misaligned offset, value too wide),
 * -ERANGE (offset + width beyond BAR0 or beyond the config space),
 * -EIO (config space only: the platform failed the config access).
 */
struct nvt_ioctl_access {
	__u32 flags;
	__u32 width;
	__u64 offset;
	__u64 value;
	__u64 reserved[2];
};

#define NVT_IOCTL_GET_INFO	_IOWR(NVT_IOCTL_TYPE, 0, struct nvt_ioctl_get_info)
#define NVT_IOCTL_READ_REG	_IOWR(NVT_IOCTL_TYPE, 1, struct nvt_ioctl_access)
#define NVT_IOCTL_WRITE_REG	_IOW(NVT_IOCTL_TYPE, 2, struct nvt_ioctl_access)
#define NVT_IOCTL_READ_CONFIG	_IOWR(NVT_IOCTL_TYPE, 3, struct nvt_ioctl_access)
#define NVT_IOCTL_WRITE_CONFIG	_IOW(NVT_IOCTL_TYPE, 4, struct nvt_ioctl_access)

/*
 * DMA buffers. Memory the device reads and writes is always kernel memory:
 * a buffer is allocated by the kernel, mapped into the process with mmap(),
 * and named in commands by its handle. A freed buffer (or a closed file)
 * keeps its memory until no outstanding command and no mapping uses it, so
 * the device can never write into memory that was given back.
 */
#define NVT_BUF_MAX_SIZE	(4ULL << 20)	/* physically contiguous */

/**
 * struct nvt_ioctl_alloc_buf - NVT_IOCTL_ALLOC_BUF: allocate a DMA buffer.
 * @flags: must be 0.
 * @handle: out: the buffer's name in later ioctls of this file (never 0).
 * @size: bytes wanted, 1 .. NVT_BUF_MAX_SIZE (rounded up to whole pages);
 *	the memory is zeroed.
 * @mmap_offset: out: pass to mmap() to map the buffer.
 * @mmap_size: out: the length to map (@size rounded up to pages).
 * @iova: out: the device address of byte 0; the buffer is contiguous in
 *	the device's address space, for tests that build their own PRPs.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, size 0 or above NVT_BUF_MAX_SIZE),
 * -ENOMEM (no contiguous DMA memory of that size).
 */
struct nvt_ioctl_alloc_buf {
	__u32 flags;
	__u32 handle;
	__u64 size;
	__u64 mmap_offset;
	__u64 mmap_size;
	__u64 iova;
	__u64 reserved[3];
};

/**
 * struct nvt_ioctl_free_buf - NVT_IOCTL_FREE_BUF: give a buffer back.
 * @flags: must be 0.
 * @handle: the buffer; the handle is invalid at once, the memory lives on
 *	while a command or a mapping still uses it.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved), -ENOENT (no such handle in this file).
 */
struct nvt_ioctl_free_buf {
	__u32 flags;
	__u32 handle;
	__u64 reserved[3];
};

/*
 * Admin queue (NVMe 1.4 section 7.6.1). User space drives CC and CSTS with
 * register access; the kernel owns the queue memory, the CIDs and the PRPs.
 */
#define NVT_ADMIN_MAX_DEPTH	4096	/* AQA.ASQS/ACQS hold 12 bits */

/**
 * struct nvt_ioctl_setup_admin - NVT_IOCTL_SETUP_ADMIN: (re)create the admin
 * queue pair and program AQA, ASQ and ACQ. Needs the controller disabled
 * (CC.EN = 0 and CSTS.RDY = 0), so the device no longer touches the old
 * queues: every admin command still outstanding on them is completed at
 * once with NVT_CPL_F_CANCELLED, and every IO queue pair becomes stale
 * (see NVT_IOCTL_CREATE_QPAIR). Publishes NVT_EVENT_RESET.
 * @flags: must be 0.
 * @sq_depth: admin SQ entries, 2 .. NVT_ADMIN_MAX_DEPTH.
 * @cq_depth: admin CQ entries, 2 .. NVT_ADMIN_MAX_DEPTH.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, depth), -EBUSY (CC.EN or CSTS.RDY is
 * set), -ENOMEM, -EIO (no interrupt vector could be set up).
 */
struct nvt_ioctl_setup_admin {
	__u32 flags;
	__u16 sq_depth;
	__u16 cq_depth;
	__u64 reserved[3];
};

/**
 * struct nvt_ioctl_submit_admin - NVT_IOCTL_SUBMIT_ADMIN: send one admin
 * command. The kernel copies @sqe, then sets the CID (CDW0 bits 31:16),
 * clears PSDT (CDW0 bits 15:14: PRPs) and MPTR (CDW4-5), and fills PRP1 and
 * PRP2 (CDW6-9) from the buffer (NVMe 1.4 section 4.3); everything else
 * (opcode, fuse, NSID, CDW2-3, CDW10-15) is sent as given, legal or not.
 *
 * PRPs: the device decides by its own transfer length how far it goes
 * and whether PRP2 is a data pointer (the transfer crosses exactly one
 * memory page boundary) or a list pointer (more than one), so the kernel
 * describes the range such that no transfer of any length reaches memory
 * outside it: PRP1 is the range's first byte (without a buffer: a kernel
 * "sink" page), and PRP2 always points to a PRP list page of the command's
 * own, holding the range's remaining pages, then entries pointing to the
 * sink page, its last entry chaining on to the next list page or to a
 * list that chains to itself and points only to the sink. A device that
 * moves more than the range writes the rest into the sink, however long; a
 * device that moves less and crosses one page boundary writes into the
 * command's list page. The spec calls PRP2 reserved when the transfer does
 * not cross a page boundary; real devices and QEMU ignore it then. The one
 * exception: a range crossing exactly one page boundary with a command
 * that moves data to the controller (opcode bits 1:0 = 01b; such a device
 * only reads memory) or Doorbell Buffer Config gets its second page in
 * PRP2 itself. For any other command with such a range, PRP2 is the list
 * (entry 0: the range's second page); a device that moves exactly the
 * range takes PRP2 as a data pointer and writes the second part into the
 * list page, and the kernel copies it to the buffer before the completion
 * is delivered (up to the last list entry the device changed, so at most
 * 7 bytes of the range beyond the device's data may change).
 *
 * Create I/O SQ/CQ (01h/05h) and Doorbell Buffer Config (7Ch) make the
 * device use the buffer beyond the command's completion: their buffer stays
 * allocated until the next NVT_IOCTL_SETUP_ADMIN, and the device must not
 * be told memory outside it: Create I/O SQ/CQ needs PC (CDW11 bit 0) set
 * (-EPERM otherwise: the buffer would be a PRP list) and a range that holds
 * the whole queue, CDW10.QSIZE + 1 entries of 2 ^ CC.IOSQES (at least 64)
 * or 2 ^ CC.IOCQES (at least 16) bytes (-ERANGE otherwise); Doorbell
 * Buffer Config needs a range of exactly two memory pages starting on a
 * memory page boundary (-ERANGE otherwise): PRP1 is the shadow doorbell
 * page, PRP2 the EventIdx page. Set Features Host Memory Buffer (0Dh) with
 * EHB set is refused (-EPERM): its descriptor list holds addresses the
 * kernel cannot check.
 * @flags: must be 0.
 * @buf_handle: the data buffer, or 0 for none (then @buf_offset and
 *	@buf_len must be 0).
 * @buf_offset: byte offset of the data in the buffer (any alignment: an
 *	unaligned PRP1 is the test's business), below the buffer's size
 *	(its @mmap_size).
 * @buf_len: bytes of data, @buf_offset + @buf_len <= the buffer's size.
 *	The PRPs describe this range (see above), for a memory page size of
 *	2 ^ (12 + CC.MPS) as read at submission; @buf_len should be what the
 *	command transfers: what a device moves beyond it is lost in the sink,
 *	and only a device moving exactly the range, or less, fills it.
 * @timeout_ms: host timeout; 0 for none (e.g. AER). When it expires the
 *	command is completed to the caller with NVT_CPL_F_TIMEOUT and status
 *	NVT_STATUS_HOST_TIMEOUT, NVT_EVENT_TIMEOUT is published, and the CID
 *	and buffer stay held until the device completes it or the queue is
 *	set up again.
 * @tag: returned unchanged in the completion.
 * @sqe: the 64-byte submission queue entry, CDW0 first.
 * @cid: out: the command identifier the kernel assigned.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, offset/length without a buffer),
 * -ENOENT (no such buffer handle), -ERANGE (data beyond the buffer, or a
 * range that breaks the rules above), -EPERM (see above), -ENXIO (no admin
 * queue: NVT_IOCTL_SETUP_ADMIN first), -EBUSY (admin SQ full, or every CID
 * in use: at most min(sq_depth, cq_depth) - 1 commands are outstanding, a
 * timed-out one included, and the commands the kernel sends itself to
 * create and delete IO queues take CIDs too), -ENOMEM.
 */
struct nvt_ioctl_submit_admin {
	__u32 flags;
	__u32 buf_handle;
	__u64 buf_offset;
	__u32 buf_len;
	__u32 timeout_ms;
	__u64 tag;
	__u32 sqe[16];
	__u16 cid;
	__u16 pad0[3];
	__u64 reserved[2];
};

/* nvt_completion.flags */
#define NVT_CPL_F_TIMEOUT	(1U << 0)	/* host timeout, CQE made up */
#define NVT_CPL_F_CANCELLED	(1U << 1)	/* queue torn down, CQE made up */

/* Made-up statuses, vendor specific type 7 (NVMe 1.4 figure 125). */
#define NVT_STATUS_HOST_TIMEOUT		0x7ff
#define NVT_STATUS_HOST_CANCELLED	0x7fe

/**
 * struct nvt_completion - one completed command, as NVT_IOCTL_REAP_ADMIN
 * returns it.
 * @cqe: the 16-byte completion queue entry (DW0..DW3) as the device wrote
 *	it; for NVT_CPL_F_TIMEOUT/CANCELLED, DW3 holds the made-up status
 *	(bits 31:17) and the CID, the rest is zero.
 * @tag: the submitter's tag.
 * @submit_ns: CLOCK_MONOTONIC time of the doorbell write.
 * @complete_ns: CLOCK_MONOTONIC time the completion was seen.
 * @flags: NVT_CPL_F_*.
 * @cid: the command identifier.
 * @sqid: the submission queue (0: admin).
 */
struct nvt_completion {
	__u32 cqe[4];
	__u64 tag;
	__u64 submit_ns;
	__u64 complete_ns;
	__u32 flags;
	__u16 cid;
	__u16 sqid;
};

/**
 * struct nvt_ioctl_reap_admin - NVT_IOCTL_REAP_ADMIN: collect completions
 * of admin commands this file submitted. Waits until at least one is there
 * or @timeout_ms passes (0: do not wait). poll() on the file reports
 * POLLIN while completions are waiting.
 * @flags: must be 0.
 * @timeout_ms: the longest wait.
 * @max_entries: room in @entries (1 .. 4096).
 * @count: out: completions written to @entries (0 if the wait timed out).
 * @entries: user pointer to struct nvt_completion[@max_entries].
 * @reserved: must be zero.
 *
 * After an unbind, the completions already queued (those of the commands
 * the unbind cancelled included) can still be reaped; then -ENODEV.
 *
 * Errors: -EINVAL (flags, reserved, max_entries), -EFAULT (@entries),
 * -EINTR (a signal came while waiting; nothing was lost).
 */
struct nvt_ioctl_reap_admin {
	__u32 flags;
	__u32 timeout_ms;
	__u32 max_entries;
	__u32 count;
	__u64 entries;
	__u64 reserved[2];
};

/*
 * Command log: a ring per queue of the latest commands and completions,
 * mapped read-only so another process can read it live. The kernel writes
 * the admin queue's ring (the commands it sends itself included); the
 * library writes the ring of each IO queue, in the same layout.
 */
#define NVT_CMDLOG_MAGIC	0x4e56434cU	/* "NVCL" */
#define NVT_CMDLOG_ENTRIES	2048

/**
 * struct nvt_cmdlog_header - the first 64 bytes of a mapped command log.
 * @magic: NVT_CMDLOG_MAGIC.
 * @entry_size: sizeof(struct nvt_cmdlog_entry) as the kernel knows it.
 * @nr_entries: entries in the ring (a power of two).
 * @qid: the queue it logs.
 * @next: commands logged so far; the newest is at (@next - 1) % @nr_entries.
 */
struct nvt_cmdlog_header {
	__u32 magic;
	__u32 entry_size;
	__u32 nr_entries;
	__u32 qid;
	__u64 next;
	__u64 reserved[5];
};

/**
 * struct nvt_cmdlog_entry - one logged command; the entries follow the
 * header, the command of log index i in entry i % nr_entries. An entry is
 * written more than once (at submission, at completion, and once more
 * after a host timeout, when the device completes the command or the queue
 * goes), so @seq is a sequence count: the writer makes it odd, writes, then
 * makes it even again, each step adding 1 (it never goes back; 0 means
 * never written). A reader copies the entry and keeps the copy only if @seq
 * was even, non-zero and unchanged before and after the copy, then checks
 * @index to know which command it holds.
 * @sqe: the submission queue entry as sent (CID and PRPs filled in).
 * @cqe: the completion entry, zero until @complete_ns is set.
 * @submit_ns: CLOCK_MONOTONIC time of submission.
 * @complete_ns: CLOCK_MONOTONIC time of completion, 0 while outstanding.
 * @seq: see above.
 * @flags: NVT_CPL_F_* once completed.
 * @index: the command's log index (0 for the first command logged).
 */
struct nvt_cmdlog_entry {
	__u32 sqe[16];
	__u32 cqe[4];
	__u64 submit_ns;
	__u64 complete_ns;
	__u64 seq;
	__u32 flags;
	__u32 pad0;
	__u64 index;
	__u64 reserved[1];
};

/**
 * struct nvt_ioctl_map_cmdlog - NVT_IOCTL_MAP_CMDLOG: where to mmap() the
 * command log of a queue (read-only, PROT_READ only, except for the file
 * that created the IO queue, which may map it writable).
 * @flags: must be 0.
 * @qid: the queue; 0 is the admin queue, any other a live IO queue pair of
 *	any file of the controller.
 * @mmap_offset: out: pass to mmap().
 * @mmap_size: out: header plus entries, rounded up to pages.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved), -ENOENT (no such queue), -ESTALE (no
 * live one, and this file's own queue of that id went with a reset).
 */
struct nvt_ioctl_map_cmdlog {
	__u32 flags;
	__u32 qid;
	__u64 mmap_offset;
	__u64 mmap_size;
	__u64 reserved[3];
};

#define NVT_IOCTL_ALLOC_BUF	_IOWR(NVT_IOCTL_TYPE, 5, struct nvt_ioctl_alloc_buf)
#define NVT_IOCTL_FREE_BUF	_IOW(NVT_IOCTL_TYPE, 6, struct nvt_ioctl_free_buf)
#define NVT_IOCTL_SETUP_ADMIN	_IOW(NVT_IOCTL_TYPE, 7, struct nvt_ioctl_setup_admin)
#define NVT_IOCTL_SUBMIT_ADMIN	_IOWR(NVT_IOCTL_TYPE, 8, struct nvt_ioctl_submit_admin)
#define NVT_IOCTL_REAP_ADMIN	_IOWR(NVT_IOCTL_TYPE, 9, struct nvt_ioctl_reap_admin)
#define NVT_IOCTL_MAP_CMDLOG	_IOWR(NVT_IOCTL_TYPE, 10, struct nvt_ioctl_map_cmdlog)

/*
 * IO queue pairs (NVMe 1.4 sections 5.3, 5.4, 7.6.1). The kernel allocates
 * the rings and sends Create I/O CQ and SQ; after that user space writes
 * SQEs into the mapped SQ, rings the mapped doorbell and polls the mapped CQ
 * itself, with no system call per command.
 *
 * Buffers: the kernel cannot see which buffer an IO command uses, so a
 * buffer freed while this file has live IO queues keeps its memory until
 * the file has none left: deleted (the device completes or aborts every
 * command of a deleted SQ, section 5.6), stale (the controller was reset)
 * or unbound. Closing the file deletes its live queues (the kernel sends
 * Delete I/O SQ and CQ) before its buffers go; a queue whose deletion
 * fails keeps the file's buffers until the next reset or the unbind.
 * The doorbell mapping covers every doorbell of the controller, the admin
 * ones too: ringing another queue's doorbell is the test's business. It
 * stops before an MSI-X table or PBA that lies in BAR0.
 *
 * Stale queues: NVT_IOCTL_SETUP_ADMIN (the controller was disabled, so it
 * deleted every IO queue) makes every IO queue pair stale: nothing is sent
 * for it any more, DELETE_QPAIR gives -ESTALE and frees the handle, its
 * id is free for new queues, and its mappings stay valid memory until
 * unmapped. After an unbind every ioctl gives -ENODEV as always.
 *
 * The kernel learns how many queues the controller granted from the
 * successful Set Features (and Get Features, current value) Number of
 * Queues (07h) completions of the admin queue: min(NSQA, NCQA) + 1 ids
 * from then until the next SETUP_ADMIN; before that, any id up to 65535
 * and the device answers.
 */
#define NVT_QPAIR_F_IEN		(1U << 0)	/* CQ interrupts enabled */

/**
 * struct nvt_ioctl_create_qpair - NVT_IOCTL_CREATE_QPAIR: an IO CQ and SQ
 * with the same id, rings of kernel memory (zeroed, physically contiguous,
 * PC = 1), entries of 2 ^ CC.IOSQES and 2 ^ CC.IOCQES bytes as read now.
 * The kernel sends Create I/O CQ, then Create I/O SQ, through the admin
 * queue itself (logged in the admin command log).
 * @flags: NVT_QPAIR_F_*.
 * @qid: in: the queue id wanted, or 0 for the lowest free one; out: the id.
 * @depth: entries of each ring, 2 .. min(CAP.MQES + 1, 65535).
 * @vector: interrupt vector for the CQ (sent as IV, with or without
 *	NVT_QPAIR_F_IEN), below NVT_IOCTL_MAP_IRQS's nr_vectors. Vector 0 is
 *	the admin queue's (allowed: its counter counts both).
 * @sq_prio: Create I/O SQ QPRIO, 0 (urgent) .. 3 (low).
 * @pad0: must be zero.
 * @cq_status: out: status of Create I/O CQ (SCT << 8 | SC), 0 on success.
 * @sq_status: out: status of Create I/O SQ (0 if it was not sent because
 *	Create I/O CQ failed); when either is non-zero no queue exists
 *	afterwards (the CQ is deleted again) and the ioctl still returns 0,
 *	so tests can see the device's answer.
 * @sq_mmap_offset, @sq_mmap_size: out: the SQ ring (read-write), a page
 *	multiple at least depth entries long.
 * @cq_mmap_offset, @cq_mmap_size: out: the CQ ring (read-write).
 * @db_mmap_offset, @db_mmap_size: out: the doorbell page(s) of BAR0, from
 *	SQ0TDBL on, for every queue id the controller granted (uncached).
 * @sq_db_offset: out: byte offset of this SQ's tail doorbell in that mapping.
 * @cq_db_offset: out: byte offset of this CQ's head doorbell in it.
 * @cmdlog_mmap_offset, @cmdlog_mmap_size: out: the queue's command log,
 *	writable through this file (the library logs IO commands), read-only
 *	to others through NVT_IOCTL_MAP_CMDLOG.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, pad0, depth, vector, prio, qid above
 * the granted count, NVT_QPAIR_F_IEN with INTx), -ENXIO (controller not
 * enabled and ready with an admin queue), -ENOSPC (every queue id the
 * controller granted is in use), -EEXIST (the id asked for is in use, or
 * kept by a queue whose deletion failed), -EBUSY (the admin queue stayed
 * full for a second), -ETIMEDOUT (the device did not answer the create
 * commands within 10 s: the id stays taken until the next reset), -ESTALE
 * (a SETUP_ADMIN came meanwhile), -EIO (this queue's doorbells are not in
 * BAR0, or only behind the MSI-X table), -ENOMEM.
 */
struct nvt_ioctl_create_qpair {
	__u32 flags;
	__u16 qid;
	__u16 depth;
	__u16 vector;
	__u8 sq_prio;
	__u8 pad0;
	__u16 cq_status;
	__u16 sq_status;
	__u64 sq_mmap_offset;
	__u64 sq_mmap_size;
	__u64 cq_mmap_offset;
	__u64 cq_mmap_size;
	__u64 db_mmap_offset;
	__u64 db_mmap_size;
	__u32 sq_db_offset;
	__u32 cq_db_offset;
	__u64 cmdlog_mmap_offset;
	__u64 cmdlog_mmap_size;
	__u64 reserved[4];
};

/**
 * struct nvt_ioctl_delete_qpair - NVT_IOCTL_DELETE_QPAIR: send Delete I/O
 * SQ, then Delete I/O CQ, and free the rings once unmapped. Unless nothing
 * was sent (-ENXIO, -EBUSY), the handle is gone afterwards, whatever the
 * device answered; if the device may still have the queue (a status other
 * than success or Invalid Queue Identifier, or a timeout), its memory and
 * id are kept until the next reset or the unbind.
 * @flags: must be 0.
 * @qid: a queue this file created.
 * @pad0, @pad1: must be zero.
 * @sq_status, @cq_status: out: the device's statuses.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, pads), -ENOENT (no such queue of this
 * file), -ESTALE (the queue died with a controller reset: it is freed,
 * nothing is sent), -ENXIO (the controller is not enabled and ready:
 * nothing sent, the queue stays), -EBUSY (the admin queue stayed full:
 * nothing sent), -ETIMEDOUT.
 */
struct nvt_ioctl_delete_qpair {
	__u32 flags;
	__u16 qid;
	__u16 pad0;
	__u16 sq_status;
	__u16 cq_status;
	__u32 pad1;
	__u64 reserved[3];
};

/* Interrupts. */
#define NVT_IRQ_TYPE_MSIX	1
#define NVT_IRQ_TYPE_MSI	2
#define NVT_IRQ_TYPE_INTX	3

/**
 * struct nvt_ioctl_map_irqs - NVT_IOCTL_MAP_IRQS: where to mmap() the
 * interrupt counter page (MAP_SHARED, read-write): one __u64 per vector,
 * counted by the kernel's handler (which never consumes CQ entries); user
 * space may write a counter to clear it. Vector 0 counts the admin queue's
 * interrupts (and those of IO CQs on vector 0); with INTx it is not
 * counted. The page stays valid memory after an unbind.
 * @flags: must be 0.
 * @irq_type: out: NVT_IRQ_TYPE_*.
 * @nr_vectors: out: vectors allocated (vector 0 is the admin queue's).
 * @mmap_offset, @mmap_size: out.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved), -EIO (no vectors could be allocated).
 */
struct nvt_ioctl_map_irqs {
	__u32 flags;
	__u32 irq_type;
	__u32 nr_vectors;
	__u32 pad0;
	__u64 mmap_offset;
	__u64 mmap_size;
	__u64 reserved[3];
};

#define NVT_IRQ_F_MASK		(1U << 0)	/* mask the vector */
#define NVT_IRQ_F_UNMASK	(1U << 1)	/* unmask it */
#define NVT_IRQ_F_EVENTFD	(1U << 2)	/* signal @eventfd per interrupt */

/**
 * struct nvt_ioctl_ctl_irq - NVT_IOCTL_CTL_IRQ: mask or unmask an IO vector
 * (MSI-X: the vector control mask bit, section 7.5.1.1 of PCIe), or attach
 * an eventfd that each interrupt on it signals (0xffffffff detaches). Mask
 * and unmask hold for the controller (every file), are idempotent (a
 * second mask needs one unmask), and an interrupt raised while masked
 * arrives at the unmask. An eventfd replaces the vector's previous one and
 * is detached when the file that attached it is closed.
 * @flags: exactly one of NVT_IRQ_F_*.
 * @vector: 1 .. nr_vectors - 1.
 * @eventfd: with NVT_IRQ_F_EVENTFD; must be 0 otherwise.
 * @pad0: must be zero.
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, pad0, vector, eventfd without
 * NVT_IRQ_F_EVENTFD), -EBADF (not an eventfd), or the error of
 * request_irq() when the vector's handler could not be installed.
 */
struct nvt_ioctl_ctl_irq {
	__u32 flags;
	__u32 vector;
	__u32 eventfd;
	__u32 pad0;
	__u64 reserved[2];
};

/*
 * Per-namespace CRC tables for data verification: 4 bytes per LBA
 * (CRC32C >> 1; 0 = unwritten, 0x7fffffff = uncorrectable; bit 31 = LBA
 * lock), shared by every process and thread, kept while the controller
 * stays bound. Readers consult the bitmap first and skip LBAs whose table
 * page does not exist (never written), so reading does not allocate.
 */
#define NVT_CRC_F_RESET		(1U << 0)	/* clear every entry */

/**
 * struct nvt_ioctl_map_crc_table - NVT_IOCTL_MAP_CRC_TABLE: where to mmap()
 * the verification table of a namespace (read-write, MAP_SHARED) and its
 * page bitmap (read-only: bit i set once table page i exists). The first
 * call for a namespace creates the table; later calls with the same @nlba
 * share it; a different @nlba (the namespace was formatted) or
 * NVT_CRC_F_RESET clears it. Table pages are allocated when first touched
 * (read or written), so the memory follows the LBAs written, not the
 * capacity. NVT_CRC_F_RESET with the same @nlba clears the table in place:
 * every existing mapping, in every process, reads zeroes from then on (the
 * same offsets stay valid). A different @nlba makes a new table at new
 * offsets: mappings of the old one keep the old table, unchanged, until
 * unmapped (map the new one). Tables live while the controller is bound
 * (and while mapped), not with the file.
 * @flags: NVT_CRC_F_*.
 * @nsid: 1 .. 0xfffffffe.
 * @nlba: LBAs covered (Identify Namespace NSZE, or fewer to limit
 *	verification), 1 .. 2^40.
 * @table_mmap_offset, @table_mmap_size: out: 4 bytes per LBA.
 * @bitmap_mmap_offset, @bitmap_mmap_size: out: one bit per table page.
 * @pages: out: table pages allocated now (the memory cost).
 * @reserved: must be zero.
 *
 * Errors: -EINVAL (flags, reserved, nsid, nlba), -ENOMEM.
 */
struct nvt_ioctl_map_crc_table {
	__u32 flags;
	__u32 nsid;
	__u64 nlba;
	__u64 table_mmap_offset;
	__u64 table_mmap_size;
	__u64 bitmap_mmap_offset;
	__u64 bitmap_mmap_size;
	__u64 pages;
	__u64 reserved[3];
};

#define NVT_IOCTL_CREATE_QPAIR	_IOWR(NVT_IOCTL_TYPE, 11, struct nvt_ioctl_create_qpair)
#define NVT_IOCTL_DELETE_QPAIR	_IOWR(NVT_IOCTL_TYPE, 12, struct nvt_ioctl_delete_qpair)
#define NVT_IOCTL_MAP_IRQS	_IOWR(NVT_IOCTL_TYPE, 13, struct nvt_ioctl_map_irqs)
#define NVT_IOCTL_CTL_IRQ	_IOW(NVT_IOCTL_TYPE, 14, struct nvt_ioctl_ctl_irq)
#define NVT_IOCTL_MAP_CRC_TABLE	_IOWR(NVT_IOCTL_TYPE, 15, struct nvt_ioctl_map_crc_table)

/* Reset types of NVT_IOCTL_RESET. */
#define NVT_RESET_CONTROLLER	1	/* CC.EN 1 -> 0, CSTS.RDY = 0 awaited */
#define NVT_RESET_NSSR		2	/* NVM Subsystem Reset (CAP.NSSRS) */
#define NVT_RESET_FLR		3	/* PCIe Function Level Reset */
#define NVT_RESET_HOT		4	/* secondary bus reset of the upstream port */
#define NVT_RESET_LINK		5	/* upstream port's Link Disable, then enable */

#define NVT_RESET_F_PROBE	(1U << 0)	/* only say whether @type is possible */

/**
 * struct nvt_ioctl_reset - NVT_IOCTL_RESET: reset the function, in the kernel.
 * @type: NVT_RESET_*.
 * @flags: NVT_RESET_F_*. With NVT_RESET_F_PROBE nothing is done: 0 if the
 *	function has this reset, else the -EOPNOTSUPP the reset would give.
 * @reserved: must be zero.
 *
 * Around every reset the kernel saves and restores the PCI state (config
 * space, MSI-X), keeps user space away from the hardware (other ioctls
 * give -EBUSY, doorbell mappings show a page of nothing) and, once the
 * controller can no longer use host memory (CSTS.RDY = 0; a reset that
 * leaves it enabled is followed by CC.EN = 0), invalidates what the
 * controller lost: outstanding admin commands complete with
 * NVT_CPL_F_CANCELLED, the admin queue is gone (SUBMIT_ADMIN gives -ENXIO
 * until the next SETUP_ADMIN) and every IO queue pair is stale (see
 * NVT_IOCTL_CREATE_QPAIR). NVT_EVENT_RESET is published. The controller is
 * left disabled, ready for SETUP_ADMIN and a new initialisation. Resets
 * from elsewhere (sysfs "reset", a bus reset of a neighbour, PCI error
 * recovery) do the same.
 *
 * Errors: -EINVAL (type, flags, reserved), -EOPNOTSUPP (the function has
 * no such reset: NSSR without CAP.NSSRS, FLR without the capability, hot
 * reset or link disable without an upstream port that only this function
 * sits behind), -EBUSY (another reset is in progress, or the PCI core
 * could not lock the bus), -ETIMEDOUT (the controller kept CSTS.RDY = 1,
 * or the function did not answer again in time after the reset), -EIO.
 */
struct nvt_ioctl_reset {
	__u32 type;
	__u32 flags;
	__u64 reserved[2];
};

#define NVT_IOCTL_RESET		_IOW(NVT_IOCTL_TYPE, 16, struct nvt_ioctl_reset)

/*
 * Generic netlink family "nvmetest".
 * NVT_GENL_CMD_GET_CTRL with NLM_F_DUMP: one message per bound controller,
 * carrying the attributes below (SERIAL and MODEL only once known).
 */
#define NVT_GENL_NAME		"nvmetest"
#define NVT_GENL_VERSION	1

#define NVT_GENL_CMD_UNSPEC	0
#define NVT_GENL_CMD_GET_CTRL	1
#define NVT_GENL_CMD_EVENT	2	/* multicast only */
#define NVT_GENL_CMD_MAX	NVT_GENL_CMD_EVENT

#define NVT_GENL_A_UNSPEC	0
#define NVT_GENL_A_MINOR	1	/* u32: N of /dev/nvmetestN */
#define NVT_GENL_A_BDF		2	/* string: "dddd:bb:dd.f" */
#define NVT_GENL_A_VENDOR_ID	3	/* u16 */
#define NVT_GENL_A_DEVICE_ID	4	/* u16 */
#define NVT_GENL_A_SERIAL	5	/* string, Identify Controller SN */
#define NVT_GENL_A_MODEL	6	/* string, Identify Controller MN */
#define NVT_GENL_A_EVENT	7	/* u32: NVT_EVENT_* */
#define NVT_GENL_A_CDW0		8	/* u32: completion DW0 (AER) */
#define NVT_GENL_A_STATUS	9	/* u32: SCT << 8 | SC */
#define NVT_GENL_A_OPCODE	10	/* u32: command opcode */
#define NVT_GENL_A_CID		11	/* u32: command identifier */
#define NVT_GENL_A_QID		12	/* u32: queue identifier */
#define NVT_GENL_A_RESET_TYPE	13	/* u32: NVT_RESET_*, 0 = other */
#define NVT_GENL_A_PCI_STATE	14	/* u32: NVT_PCI_STATE_* */
#define NVT_GENL_A_MAX		NVT_GENL_A_PCI_STATE

/*
 * Multicast group "events": NVT_GENL_CMD_EVENT messages, each with MINOR,
 * BDF and EVENT, plus the attributes named here.
 */
#define NVT_GENL_MCGRP_EVENTS	"events"
#define NVT_EVENT_AER		1	/* AER completed: CDW0, STATUS */
#define NVT_EVENT_FATAL		2	/* CSTS.CFS became 1 */
#define NVT_EVENT_TIMEOUT	3	/* host timeout: OPCODE, CID, QID */
#define NVT_EVENT_RESET		4	/* queues torn down: SETUP_ADMIN, or a
					 * reset of the function (RESET_TYPE) */
#define NVT_EVENT_REMOVED	5	/* unbound or surprise-removed */
#define NVT_EVENT_PCI_ERROR	6	/* PCI error recovery step: PCI_STATE */

/* NVT_GENL_A_PCI_STATE: where PCI error recovery (AER, DPC, EEH) is. */
#define NVT_PCI_STATE_NORMAL	1	/* error reported, IO still works */
#define NVT_PCI_STATE_FROZEN	2	/* IO blocked, the link will be reset */
#define NVT_PCI_STATE_FAILED	3	/* permanent failure: it will be removed */
#define NVT_PCI_STATE_RESUMED	4	/* recovered: the function works again */

#endif /* NVMETEST_UAPI_H */
