/* SPDX-License-Identifier: MIT */
/*
 * Admin commands of a controller (NVMe 1.4 section 5), pynvme's style:
 * every command is asynchronous. A call builds the submission queue entry
 * and hands it to the kernel (NVT_IOCTL_SUBMIT_ADMIN), which assigns the
 * CID, builds the PRPs from the buffer and rings the doorbell; it returns at
 * once. nvt_ctrl_waitdone() later reaps completions and runs each command's
 * callback, in completion order, in the thread that calls it.
 *
 *	nvt_ctrl_identify(ctrl, buf, 0, NVT_CNS_CTRL, 0, 0, NULL, NULL);
 *	ret = nvt_ctrl_waitdone(ctrl, 1);	// 0, -errno or SCT << 8 | SC
 *
 * Every specific command below builds a struct nvt_cmd and goes through
 * nvt_ctrl_send_cmd(); the generic call sends anything, legal or not.
 *
 * Returns: a submitting call returns 0 (submitted) or a negative errno (not
 * submitted: no callback will run). The device's status arrives in the
 * callback and in nvt_ctrl_waitdone()'s return value. Every completion with
 * an error status is logged at NVT_LOG_WARN in pynvme's words, e.g.
 * "ERROR status: 00/01 Invalid Command Opcode" (nvt_status_format()).
 *
 * Threads: any thread may submit while another one is in
 * nvt_ctrl_waitdone(); a mutex per controller guards submission and the
 * bookkeeping of outstanding commands. Callbacks run in the thread calling
 * nvt_ctrl_waitdone(), never concurrently for one controller.
 *
 * Asynchronous Event Requests sent by nvt_ctrl_aer() (and by the default
 * init, nvt_ctrl_aer_arm()) are the library's: nvt_ctrl_waitdone() does not
 * count them, and when one completes it calls its callback (or the
 * controller's AER callback, or logs "unhandled AER"), then sends a new one.
 * An AER opcode sent through nvt_ctrl_send_cmd() is an ordinary command.
 */
#ifndef NVMETEST_ADMIN_H
#define NVMETEST_ADMIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;
struct nvt_buf;

/* Admin command opcodes (NVMe 1.4 Figure 139, NVMe 2.0 Figure 28). */
#define NVT_ADMIN_DELETE_SQ		0x00
#define NVT_ADMIN_CREATE_SQ		0x01
#define NVT_ADMIN_GET_LOG_PAGE		0x02
#define NVT_ADMIN_DELETE_CQ		0x04
#define NVT_ADMIN_CREATE_CQ		0x05
#define NVT_ADMIN_IDENTIFY		0x06
#define NVT_ADMIN_ABORT			0x08
#define NVT_ADMIN_SET_FEATURES		0x09
#define NVT_ADMIN_GET_FEATURES		0x0a
#define NVT_ADMIN_ASYNC_EVENT		0x0c
#define NVT_ADMIN_NS_MGMT		0x0d
#define NVT_ADMIN_FW_COMMIT		0x10
#define NVT_ADMIN_FW_DOWNLOAD		0x11
#define NVT_ADMIN_DEV_SELF_TEST		0x14
#define NVT_ADMIN_NS_ATTACH		0x15
#define NVT_ADMIN_KEEP_ALIVE		0x18
#define NVT_ADMIN_DIRECTIVE_SEND	0x19
#define NVT_ADMIN_DIRECTIVE_RECV	0x1a
#define NVT_ADMIN_VIRT_MGMT		0x1c
#define NVT_ADMIN_NVME_MI_SEND		0x1d
#define NVT_ADMIN_NVME_MI_RECV		0x1e
#define NVT_ADMIN_DBBUF_CONFIG		0x7c
#define NVT_ADMIN_FORMAT_NVM		0x80
#define NVT_ADMIN_SECURITY_SEND		0x81
#define NVT_ADMIN_SECURITY_RECV		0x82
#define NVT_ADMIN_SANITIZE		0x84
#define NVT_ADMIN_GET_LBA_STATUS	0x86

/* Identify CNS values (NVMe 1.4 Figure 244, 2.0 Figure 273). */
#define NVT_CNS_NS			0x00	/* Identify Namespace */
#define NVT_CNS_CTRL			0x01	/* Identify Controller */
#define NVT_CNS_NS_ACTIVE_LIST		0x02	/* active NSID list */
#define NVT_CNS_NS_DESC_LIST		0x03	/* NS identification descriptors */
#define NVT_CNS_CSI_NS			0x05	/* I/O command set specific NS */
#define NVT_CNS_CSI_CTRL		0x06	/* I/O command set specific ctrl */
#define NVT_CNS_NS_PRESENT_LIST		0x10	/* allocated NSID list */
#define NVT_CNS_NS_PRESENT		0x11	/* Identify allocated namespace */
#define NVT_CNS_CTRL_NS_LIST		0x12	/* controllers attached to NS */
#define NVT_CNS_CTRL_LIST		0x13	/* controllers in the subsystem */

/* Feature identifiers (NVMe 1.4 Figure 271). */
#define NVT_FID_ARBITRATION		0x01
#define NVT_FID_POWER_MGMT		0x02
#define NVT_FID_LBA_RANGE		0x03
#define NVT_FID_TEMP_THRESH		0x04
#define NVT_FID_ERR_RECOVERY		0x05
#define NVT_FID_VOLATILE_WC		0x06
#define NVT_FID_NUM_QUEUES		0x07
#define NVT_FID_IRQ_COALESCE		0x08
#define NVT_FID_IRQ_CONFIG		0x09
#define NVT_FID_WRITE_ATOMIC		0x0a
#define NVT_FID_ASYNC_EVENT		0x0b
#define NVT_FID_AUTO_PST		0x0c
#define NVT_FID_HOST_MEM_BUF		0x0d
#define NVT_FID_TIMESTAMP		0x0e
#define NVT_FID_KATO			0x0f
#define NVT_FID_HOST_BEHAVIOR		0x16

/* Get Features select (SEL, CDW10 bits 10:08). */
#define NVT_SEL_CURRENT			0
#define NVT_SEL_DEFAULT			1
#define NVT_SEL_SAVED			2
#define NVT_SEL_SUPPORTED		3

/* Log page identifiers (NVMe 1.4 Figure 191). */
#define NVT_LID_ERROR			0x01
#define NVT_LID_SMART			0x02
#define NVT_LID_FW_SLOT			0x03
#define NVT_LID_CHANGED_NS		0x04
#define NVT_LID_CMD_EFFECTS		0x05
#define NVT_LID_DEV_SELF_TEST		0x06
#define NVT_LID_TELEMETRY_HOST		0x07
#define NVT_LID_TELEMETRY_CTRL		0x08
#define NVT_LID_SANITIZE		0x81

/* Fused operation (CDW0 bits 09:08). */
#define NVT_FUSE_NONE			0
#define NVT_FUSE_FIRST			1
#define NVT_FUSE_SECOND			2

/* Namespace management SEL and attachment SEL. */
#define NVT_NS_MGMT_CREATE		0
#define NVT_NS_MGMT_DELETE		1
#define NVT_NS_ATTACH			0
#define NVT_NS_DETACH			1

/* struct nvt_cmd.flags */
#define NVT_CMD_F_TIMEOUT	(1U << 0)	/* use @timeout_ms, not the default */

/**
 * struct nvt_cmd - a command to send, in submission queue entry fields
 *	(NVMe 1.4 Figure 105).
 * @opcode: CDW0 bits 07:00.
 * @fuse: CDW0 bits 09:08 (NVT_FUSE_*); values above 3 are refused.
 * @rsvd0: must be 0.
 * @nsid: CDW1.
 * @cdw2, @cdw3: sent as given.
 * @cdw10 .. @cdw15: sent as given.
 * @flags: NVT_CMD_F_*; other bits must be 0.
 * @timeout_ms: with NVT_CMD_F_TIMEOUT, the host timeout of this command
 *	(0: none). Without it, the controller's timeout
 *	(nvt_ctrl_set_timeout()), or none for an Asynchronous Event Request.
 * @rsvd: must be 0.
 *
 * The CID, PSDT, MPTR and the PRPs (CDW4-9) are the kernel's: it fills
 * them from the buffer. A zero-initialised struct plus an opcode is a
 * valid command.
 */
struct nvt_cmd {
	uint8_t opcode;
	uint8_t fuse;
	uint16_t rsvd0;
	uint32_t nsid;
	uint32_t cdw2;
	uint32_t cdw3;
	uint32_t cdw10;
	uint32_t cdw11;
	uint32_t cdw12;
	uint32_t cdw13;
	uint32_t cdw14;
	uint32_t cdw15;
	uint32_t flags;
	uint32_t timeout_ms;
	uint32_t rsvd[2];
};

/* struct nvt_cpl.flags: the uapi's NVT_CPL_F_TIMEOUT, NVT_CPL_F_CANCELLED */

/**
 * struct nvt_cpl - a completed command, as a callback sees it.
 * @cdw0: completion dword 0 (command specific: e.g. the feature value of
 *	Get Features, the event of an AER).
 * @status: SCT << 8 | SC (0: success). A host timeout is
 *	NVT_STATUS_HOST_TIMEOUT (07/FF), a command cancelled by a reset
 *	(its queue was set up again) NVT_STATUS_HOST_CANCELLED (07/FE).
 * @cid: the command identifier the kernel assigned.
 * @qid: the submission queue (0: admin).
 * @flags: NVT_CPL_F_TIMEOUT and/or NVT_CPL_F_CANCELLED (uapi.h): the CQE
 *	was made up by the host.
 * @cqe: the whole completion queue entry, DW0..DW3 (DW3 also holds phase,
 *	DNR, More and CRD: see NVT_CQE_*() in status.h).
 * @sqe: the submission queue entry as the library sent it, CID filled in;
 *	CDW4-9 (MPTR, PRPs) are zero here: the kernel's values are in the
 *	cmdlog.
 * @latency_us: microseconds from the doorbell write to the completion
 *	(the kernel's timestamps).
 * @submit_ns, @complete_ns: those timestamps, CLOCK_MONOTONIC.
 */
struct nvt_cpl {
	uint32_t cdw0;
	uint16_t status;
	uint16_t cid;
	uint16_t qid;
	uint16_t rsvd0;
	uint32_t flags;
	uint32_t cqe[4];
	uint32_t sqe[16];
	uint64_t latency_us;
	uint64_t submit_ns;
	uint64_t complete_ns;
};

/**
 * typedef nvt_cb - a command's completion callback.
 * @ctx: the pointer given with the command.
 * @cpl: the completion; valid only during the call.
 *
 * Runs in the thread calling nvt_ctrl_waitdone(). It may submit commands
 * (chaining) and read or write buffers, but must not call
 * nvt_ctrl_waitdone() (refused with -EDEADLK), nvt_ctrl_reset(),
 * nvt_ctrl_close() of the last reference, or free the controller.
 */
typedef void (*nvt_cb)(void *ctx, const struct nvt_cpl *cpl);

/**
 * nvt_ctrl_send_cmd() - send any admin command.
 * @ctrl: the controller, with its admin queue set up.
 * @cmd: the command (see struct nvt_cmd).
 * @buf: the data buffer, or NULL for none; the command transfers the
 *	buffer's range from nvt_buf_offset() of nvt_buf_xfer_size() bytes
 *	(or up to the end). It must belong to @ctrl.
 * @cb: called when the command completes, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: 0 (submitted); -EINVAL (NULL @ctrl or @cmd, reserved fields or
 * unknown flags set, @fuse above 3, a buffer of another controller);
 * -ERANGE (offset plus transfer size beyond the buffer, or a range the
 * kernel refuses for this opcode); -ENOENT (the buffer was freed);
 * -ENXIO (no admin queue: the controller was opened with
 * NVT_CTRL_OPEN_NO_INIT and nvt_ctrl_init_adminq() was not called);
 * -EBUSY (the admin queue is full); -EPERM (a command the kernel refuses
 * to pass, see NVT_IOCTL_SUBMIT_ADMIN); -ENOMEM; -ENODEV.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_send_cmd(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		      nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_waitdone() - reap completions and run their callbacks.
 * @ctrl: the controller.
 * @n: how many commands to wait for (pynvme's waitdone(expected)); 0
 *	processes only what has completed already, without waiting.
 *
 * Collects completions (NVT_IOCTL_REAP_ADMIN) until @n commands of this
 * controller have completed, oldest completion first, and runs each
 * callback in that order. The library's AERs (nvt_ctrl_aer()) do not
 * count: met on the way, each runs its handler and a new AER is sent.
 * Commands with a host timeout end at the latest when it expires; a
 * command without one (e.g. an AER opcode sent with nvt_ctrl_send_cmd())
 * may make this wait forever. Only commands outstanding at the call are
 * waited for: one that a callback sends (chaining) takes another call.
 * Inside an init sequence (struct nvt_ctrl_opts.init) only the commands
 * that sequence sent count; those from before the reset, completed as
 * cancelled, wait for the next call after it.
 *
 * Return: 0 if all of them succeeded; -ETIMEDOUT if any had a host
 * timeout (its callback ran with status NVT_STATUS_HOST_TIMEOUT and an
 * error naming opcode, command name and CID was logged); else -ECANCELED
 * if any was cancelled by a reset (status NVT_STATUS_HOST_CANCELLED); else
 * the positive status of the first, in completion order, that the device
 * failed. Either way every callback ran. -EDEADLK (called from a callback
 * of this controller); -EINVAL (@n above the number of commands
 * outstanding: nothing is reaped); -EBUSY (another thread is in
 * nvt_ctrl_waitdone() of this controller); -EINTR is retried, not
 * returned; -ENODEV (the device went away; the completions that were
 * queued ran first).
 *
 * Thread-safety: one thread at a time per controller (else -EBUSY);
 * other threads may submit meanwhile.
 */
int nvt_ctrl_waitdone(struct nvt_ctrl *ctrl, unsigned int n);

/**
 * nvt_ctrl_outstanding() - commands nvt_ctrl_waitdone() can wait for.
 * @ctrl: the controller.
 *
 * Return: the commands submitted whose callbacks have not run yet, the
 * library's AERs not included; 0 if @ctrl is NULL.
 *
 * Thread-safety: safe.
 */
unsigned int nvt_ctrl_outstanding(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_set_timeout() - set the default host timeout of admin commands.
 * @ctrl: the controller.
 * @timeout_ms: milliseconds (default 10000); 0 for none. Applies to
 *	commands submitted afterwards, except AERs (never timed out unless
 *	a struct nvt_cmd asks with NVT_CMD_F_TIMEOUT).
 *
 * Return: 0; -EINVAL (@ctrl NULL).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_set_timeout(struct nvt_ctrl *ctrl, uint32_t timeout_ms);

/**
 * nvt_ctrl_get_timeout() - the default host timeout of admin commands.
 * @ctrl: the controller.
 *
 * Return: milliseconds (0: none); 0 if @ctrl is NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ctrl_get_timeout(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_latest_cid() - CID of the latest completion processed.
 * @ctrl: the controller.
 *
 * "Processed" means its callback ran (or would have) in
 * nvt_ctrl_waitdone() or in a synchronous library call; AERs included.
 *
 * Return: the CID; 0 before any completion or if @ctrl is NULL.
 *
 * Thread-safety: safe.
 */
uint16_t nvt_ctrl_latest_cid(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_latest_latency() - latency of the latest completion processed.
 * @ctrl: the controller.
 *
 * Return: microseconds from doorbell to completion; 0 before any.
 *
 * Thread-safety: safe.
 */
uint64_t nvt_ctrl_latest_latency(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_latest_cdw0() - DW0 of the latest completion processed.
 * @ctrl: the controller.
 *
 * Return: completion dword 0 (pynvme's waitdone() return value); 0 before
 * any.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ctrl_latest_cdw0(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_set_aer_cb() - handle AER completions.
 * @ctrl: the controller.
 * @cb: called for every completion of a library AER that has no callback
 *	of its own, after which a new AER is sent; NULL to drop it (then
 *	each one logs a warning "unhandled AER: DW0 0x...").
 * @ctx: passed to @cb.
 *
 * The callback also sees AERs that fail (e.g. 01/05 Asynchronous Event
 * Request Limit Exceeded) and those cancelled by a reset (flags
 * NVT_CPL_F_CANCELLED); those are not re-sent.
 *
 * Return: 0; -EINVAL (@ctrl NULL).
 *
 * Thread-safety: safe; the change applies to completions processed after
 * the call.
 */
int nvt_ctrl_set_aer_cb(struct nvt_ctrl *ctrl, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_identify() - Identify (06h).
 * @ctrl: the controller.
 * @buf: receives the 4096-byte data structure.
 * @nsid: CDW1.
 * @cns: Controller or Namespace Structure, CDW10 bits 07:00 (NVT_CNS_*).
 * @cntid: controller identifier, CDW10 bits 31:16.
 * @csi: command set identifier, CDW11 bits 31:24.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a NULL @buf.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_identify(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint32_t nsid, uint8_t cns,
		      uint16_t cntid, uint8_t csi, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_getfeatures() - Get Features (0Ah).
 * @ctrl: the controller.
 * @fid: feature identifier, CDW10 bits 07:00 (NVT_FID_*).
 * @sel: select, CDW10 bits 10:08 (NVT_SEL_*); 0..7.
 * @nsid: CDW1 (0 for controller features).
 * @cdw11 .. @cdw15: sent as given (feature specific).
 * @buf: data buffer for features that return data, or NULL.
 * @cb: completion callback, or NULL; the value is in cpl->cdw0.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @sel above 7.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_getfeatures(struct nvt_ctrl *ctrl, uint8_t fid, uint8_t sel, uint32_t nsid,
			 uint32_t cdw11, uint32_t cdw12, uint32_t cdw13, uint32_t cdw14,
			 uint32_t cdw15, struct nvt_buf *buf, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_setfeatures() - Set Features (09h).
 * @ctrl: the controller.
 * @fid: feature identifier, CDW10 bits 07:00 (NVT_FID_*).
 * @sv: save, CDW10 bit 31 (0 or 1).
 * @nsid: CDW1 (0 for controller features).
 * @cdw11 .. @cdw15: sent as given (feature specific).
 * @buf: data buffer for features that take data, or NULL.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @sv above 1.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_setfeatures(struct nvt_ctrl *ctrl, uint8_t fid, uint8_t sv, uint32_t nsid,
			 uint32_t cdw11, uint32_t cdw12, uint32_t cdw13, uint32_t cdw14,
			 uint32_t cdw15, struct nvt_buf *buf, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_getlogpage() - Get Log Page (02h).
 * @ctrl: the controller.
 * @lid: log page identifier, CDW10 bits 07:00 (NVT_LID_*).
 * @buf: receives the data.
 * @size: bytes to read, a multiple of 4 (NUMD = @size / 4 - 1, split into
 *	NUMDL, CDW10 bits 31:16, and NUMDU, CDW11 bits 15:00); 0 means the
 *	buffer's transfer size rounded down to a multiple of 4.
 * @offset: byte offset in the log page, a multiple of 4 (LPOL CDW12,
 *	LPOU CDW13).
 * @nsid: CDW1 (0xffffffff for the controller-wide SMART log).
 * @lsp: log specific field, CDW10 bits 11:08 (0..15).
 * @rae: retain asynchronous event, CDW10 bit 15 (0 or 1).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a NULL @buf, a size or
 * offset not a multiple of 4, @size 0 with less than 4 bytes to
 * transfer, @lsp above 15, @rae above 1; -ERANGE for @size beyond the
 * buffer's range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_getlogpage(struct nvt_ctrl *ctrl, uint8_t lid, struct nvt_buf *buf, uint32_t size,
			uint64_t offset, uint32_t nsid, uint8_t lsp, uint8_t rae, nvt_cb cb,
			void *ctx);

/**
 * nvt_ctrl_format() - Format NVM (80h). Erases the namespace.
 * @ctrl: the controller.
 * @nsid: CDW1 (0xffffffff: all namespaces).
 * @lbaf: LBA format index 0..63: bits 3:0 go to CDW10 bits 03:00, bits
 *	5:4 to LBAFU, CDW10 bits 13:12 (NVMe 2.0).
 * @ses: secure erase settings, CDW10 bits 11:09 (0..7).
 * @pil: protection information location, CDW10 bit 08 (0 or 1).
 * @pi: protection information, CDW10 bits 07:05 (0..7).
 * @mset: metadata settings, CDW10 bit 04 (0 or 1).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a field out of range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_format(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t lbaf, uint8_t ses,
		    uint8_t pil, uint8_t pi, uint8_t mset, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_sanitize() - Sanitize (84h). Erases every namespace.
 * @ctrl: the controller.
 * @sanact: sanitize action, CDW10 bits 02:00 (1 exit failure mode,
 *	2 block erase, 3 overwrite, 4 crypto erase).
 * @ause: allow unrestricted sanitize exit, CDW10 bit 03 (0 or 1).
 * @owpass: overwrite pass count, CDW10 bits 07:04 (0..15).
 * @oipbp: overwrite invert pattern between passes, CDW10 bit 08.
 * @nodas: no deallocate after sanitize, CDW10 bit 09.
 * @ovrpat: overwrite pattern, CDW11.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a field out of range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_sanitize(struct nvt_ctrl *ctrl, uint8_t sanact, uint8_t ause, uint8_t owpass,
		      uint8_t oipbp, uint8_t nodas, uint32_t ovrpat, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_dst() - Device Self-test (14h).
 * @ctrl: the controller.
 * @stc: self-test code, CDW10 bits 03:00 (1 short, 2 extended, 0Eh
 *	vendor specific, 0Fh abort).
 * @nsid: CDW1 (0: no namespace, 0xffffffff: all).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @stc above 15.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_dst(struct nvt_ctrl *ctrl, uint8_t stc, uint32_t nsid, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_fw_download() - Firmware Image Download (11h).
 * @ctrl: the controller.
 * @buf: the image piece.
 * @offset: byte offset of the piece in the image, a multiple of 4
 *	(OFST, CDW11, in dwords).
 * @size: bytes of the piece, a multiple of 4, not 0 (NUMD, CDW10, 0's
 *	based dwords); 0 means the buffer's transfer size.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a NULL @buf or sizes
 * and offsets not multiples of 4; -ERANGE for @size beyond the buffer's
 * range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_fw_download(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint64_t offset,
			 uint32_t size, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_fw_commit() - Firmware Commit (10h).
 * @ctrl: the controller.
 * @slot: firmware slot, CDW10 bits 02:00 (0: the controller chooses).
 * @action: commit action, CDW10 bits 05:03 (0..7).
 * @bpid: boot partition ID, CDW10 bit 31 (0 or 1).
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a field out of range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_fw_commit(struct nvt_ctrl *ctrl, uint8_t slot, uint8_t action, uint8_t bpid,
		       nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_download_firmware() - pynvme's downfw(): download a firmware
 *	file and commit it, synchronously.
 * @ctrl: the controller.
 * @path: the image file.
 * @slot: firmware slot for the commit.
 * @action: commit action (e.g. 1: replace and activate at the next reset).
 * @chunk: bytes per Firmware Image Download, a multiple of 4; 0 for
 *	min(MDTS, 32 KiB) (and FWUG, when the controller sets it).
 *
 * Sends the file in pieces, each waited for, then the commit. Other
 * commands' completions met meanwhile are kept for the next
 * nvt_ctrl_waitdone().
 *
 * Return: 0; the first failing status (positive), -ETIMEDOUT, or a
 * negative errno (reading the file, -EINVAL for bad arguments or an empty
 * file, -EFBIG for a file above 4 GiB).
 *
 * Thread-safety: safe; must not be called from a callback (-EDEADLK).
 */
int nvt_ctrl_download_firmware(struct nvt_ctrl *ctrl, const char *path, uint8_t slot,
			       uint8_t action, uint32_t chunk);

/**
 * nvt_ctrl_abort() - Abort (08h).
 * @ctrl: the controller.
 * @sqid: submission queue of the command to abort, CDW10 bits 15:00.
 * @cid: its command identifier, CDW10 bits 31:16.
 * @cb: completion callback, or NULL; cpl->cdw0 bit 0 is 1 when the
 *	command was not aborted.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_abort(struct nvt_ctrl *ctrl, uint16_t sqid, uint16_t cid, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_aer() - send a library Asynchronous Event Request (0Ch).
 * @ctrl: the controller.
 * @cb: called when it completes instead of the controller's AER callback,
 *	or NULL for that one.
 * @ctx: passed to @cb.
 *
 * No host timeout; not counted by nvt_ctrl_waitdone(). When it completes
 * successfully, a new AER (without @cb) is sent in its place.
 *
 * Return: as nvt_ctrl_send_cmd().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_aer(struct nvt_ctrl *ctrl, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_security_send() - Security Send (81h).
 * @ctrl: the controller.
 * @buf: the data.
 * @secp: security protocol, CDW10 bits 31:24.
 * @spsp: SP specific, CDW10 bits 23:08 (SPSP1:SPSP0).
 * @nssf: NVMe security specific field, CDW10 bits 07:00.
 * @size: transfer length in bytes, CDW11; 0 means the buffer's transfer
 *	size.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for a NULL @buf; -ERANGE
 * for @size beyond the buffer's range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_security_send(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint8_t secp,
			   uint16_t spsp, uint8_t nssf, uint32_t size, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_security_receive() - Security Receive (82h).
 * @ctrl: the controller.
 * @buf: receives the data.
 * @secp: security protocol, CDW10 bits 31:24.
 * @spsp: SP specific, CDW10 bits 23:08.
 * @nssf: NVMe security specific field, CDW10 bits 07:00.
 * @size: allocation length in bytes, CDW11; 0 means the buffer's
 *	transfer size.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_security_send().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_security_receive(struct nvt_ctrl *ctrl, struct nvt_buf *buf, uint8_t secp,
			      uint16_t spsp, uint8_t nssf, uint32_t size, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_ns_mgmt() - Namespace Management (0Dh).
 * @ctrl: the controller.
 * @sel: CDW10 bits 03:00 (NVT_NS_MGMT_CREATE, NVT_NS_MGMT_DELETE).
 * @buf: the namespace data structure for create, or NULL.
 * @nsid: CDW1 (0 for create; the namespace, or 0xffffffff, for delete).
 * @csi: command set identifier, CDW11 bits 31:24 (create).
 * @cb: completion callback, or NULL; create returns the new NSID in
 *	cpl->cdw0.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @sel above 15.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_ns_mgmt(struct nvt_ctrl *ctrl, uint8_t sel, struct nvt_buf *buf, uint32_t nsid,
		     uint8_t csi, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_ns_attach() - Namespace Attachment (15h).
 * @ctrl: the controller.
 * @sel: CDW10 bits 03:00 (NVT_NS_ATTACH, NVT_NS_DETACH).
 * @nsid: CDW1, the namespace.
 * @buf: the controller list.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @sel above 15 or a
 * NULL @buf.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_ns_attach(struct nvt_ctrl *ctrl, uint8_t sel, uint32_t nsid, struct nvt_buf *buf,
		       nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_directive_send() - Directive Send (19h).
 * @ctrl: the controller.
 * @nsid: CDW1.
 * @doper: directive operation, CDW11 bits 07:00.
 * @dtype: directive type, CDW11 bits 15:08.
 * @dspec: directive specific, CDW11 bits 31:16.
 * @buf: the data, or NULL.
 * @size: bytes, a multiple of 4 (NUMD, CDW10, 0's based dwords); 0 with a
 *	buffer means its transfer size, 0 without one sends NUMD 0.
 * @cdw12: operation specific (e.g. enable directive: ENDIR, TDTYPE).
 * @cdw13: operation specific.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_send_cmd(); -EINVAL also for @size not a multiple
 * of 4; -ERANGE for @size beyond the buffer's range.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_directive_send(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t doper, uint8_t dtype,
			    uint16_t dspec, struct nvt_buf *buf, uint32_t size, uint32_t cdw12,
			    uint32_t cdw13, nvt_cb cb, void *ctx);

/**
 * nvt_ctrl_directive_receive() - Directive Receive (1Ah).
 * @ctrl: the controller.
 * @nsid: CDW1.
 * @doper: directive operation, CDW11 bits 07:00.
 * @dtype: directive type, CDW11 bits 15:08.
 * @dspec: directive specific, CDW11 bits 31:16.
 * @buf: receives the data, or NULL.
 * @size: as nvt_ctrl_directive_send().
 * @cdw12: operation specific.
 * @cdw13: operation specific.
 * @cb: completion callback, or NULL.
 * @ctx: passed to @cb.
 *
 * Return: as nvt_ctrl_directive_send().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_directive_receive(struct nvt_ctrl *ctrl, uint32_t nsid, uint8_t doper,
			       uint8_t dtype, uint16_t dspec, struct nvt_buf *buf, uint32_t size,
			       uint32_t cdw12, uint32_t cdw13, nvt_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_ADMIN_H */
