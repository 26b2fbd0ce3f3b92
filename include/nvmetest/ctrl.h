/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_ctrl: the NVMe controller of a function bound to nvmetest.ko,
 * pynvme's Controller.
 *
 * Opening a controller brings it up the NVMe way (NVMe 1.4 section 7.6.1)
 * unless told otherwise: disable, admin queue, enable, Identify
 * Controller, Number of Queues, AERs. Each step is exported so a test can
 * run its own sequence instead (struct nvt_ctrl_opts.init, pynvme's
 * nvme_init_func). Registers (section 3.1) are read and written with
 * nvt_ctrl_reg_*(); names and fields are in spec.h. Admin commands are in
 * admin.h.
 *
 * A controller is reference counted: the objects made from it (buffers,
 * and later namespaces and queues) hold a reference, so they may be freed
 * in any order. Use one controller object per open file: two controllers
 * made from the same nvt_pcie would reap each other's completions.
 */
#ifndef NVMETEST_CTRL_H
#define NVMETEST_CTRL_H

#include <stddef.h>
#include <stdint.h>
#include <nvmetest/pcie.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;

/**
 * typedef nvt_ctrl_init_fn - a controller initialisation sequence.
 * @ctrl: the controller, its admin queue not necessarily set up.
 * @ctx: struct nvt_ctrl_opts.init_ctx.
 *
 * Runs at open and again at every nvt_ctrl_reset(). Build it from
 * nvt_ctrl_disable(), nvt_ctrl_init_adminq(), nvt_ctrl_enable(),
 * nvt_ctrl_identify_init(), nvt_ctrl_init_queues(), nvt_ctrl_aer_arm(),
 * register access and any admin command (waited for with
 * nvt_ctrl_waitdone(), which counts only the sequence's own commands:
 * those outstanding from before a reset are left for the caller);
 * nvt_ctrl_init_default() is the whole default.
 *
 * Return: 0, or a negative errno or positive status, which the opening
 * (or reset) call returns.
 */
typedef int (*nvt_ctrl_init_fn)(struct nvt_ctrl *ctrl, void *ctx);

/* struct nvt_ctrl_opts.flags */
#define NVT_CTRL_OPEN_NO_INIT	(1U << 0)	/* touch nothing: no init at all */

/* Defaults of struct nvt_ctrl_opts. */
#define NVT_CTRL_DEFAULT_ADMIN_DEPTH	128
#define NVT_CTRL_DEFAULT_TIMEOUT_MS	10000

/**
 * struct nvt_ctrl_opts - how to open a controller; all zero is the default.
 * @flags: NVT_CTRL_OPEN_*; other bits must be 0. With
 *	NVT_CTRL_OPEN_NO_INIT, opening neither resets nor initialises the
 *	controller and no init hook runs (issue 2's raw register access);
 *	nvt_ctrl_reset() then runs the default init.
 * @sq_depth: admin SQ entries for nvt_ctrl_init_adminq(), 2 ..
 *	NVT_ADMIN_MAX_DEPTH; 0 for NVT_CTRL_DEFAULT_ADMIN_DEPTH.
 * @cq_depth: admin CQ entries, likewise.
 * @timeout_ms: default host timeout of admin commands; 0 for
 *	NVT_CTRL_DEFAULT_TIMEOUT_MS (nvt_ctrl_set_timeout() can set none).
 * @init: the init sequence, run at open and at every reset; NULL for
 *	nvt_ctrl_init_default().
 * @init_ctx: passed to @init.
 * @rsvd: must be 0.
 */
struct nvt_ctrl_opts {
	uint32_t flags;
	uint16_t sq_depth;
	uint16_t cq_depth;
	uint32_t timeout_ms;
	uint32_t rsvd0;
	nvt_ctrl_init_fn init;
	void *init_ctx;
	uint64_t rsvd[4];
};

/**
 * nvt_ctrl_open() - open and initialise the controller of a function.
 * @name: as for nvt_pcie_open(): "/dev/nvmetestN", "nvmetestN" or a PCI
 *	address.
 * @out: receives the controller.
 *
 * nvt_ctrl_open_opts() with default options: the controller is reset and
 * brought up by nvt_ctrl_init_default(), as pynvme's Controller(pcie).
 *
 * Return: as nvt_ctrl_open_opts().
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_open(const char *name, struct nvt_ctrl **out);

/**
 * nvt_ctrl_open_opts() - open a controller with options.
 * @name: as for nvt_pcie_open().
 * @opts: the options, or NULL for the defaults.
 * @out: receives the controller.
 *
 * Same as nvt_pcie_open(), nvt_ctrl_create_opts() and nvt_pcie_close():
 * the controller holds the only reference to its pcie.
 *
 * Return: 0; a negative errno of nvt_pcie_open() or
 * nvt_ctrl_create_opts(); the failure of the init sequence (then nothing
 * is opened).
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_open_opts(const char *name, const struct nvt_ctrl_opts *opts,
		       struct nvt_ctrl **out);

/**
 * nvt_ctrl_create() - make and initialise a controller on an open pcie.
 * @pcie: the function; the controller takes its own reference, so the
 *	caller may nvt_pcie_close() its reference at any time.
 * @out: receives the controller.
 *
 * nvt_ctrl_create_opts() with default options.
 *
 * Return: as nvt_ctrl_create_opts().
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_create(struct nvt_pcie *pcie, struct nvt_ctrl **out);

/**
 * nvt_ctrl_create_opts() - make a controller on an open pcie, with options.
 * @pcie: the function; the controller takes its own reference.
 * @opts: the options, or NULL for the defaults.
 * @out: receives the controller.
 *
 * Unless @opts has NVT_CTRL_OPEN_NO_INIT, runs the init sequence
 * (@opts->init, or nvt_ctrl_init_default()).
 *
 * Return: 0; -EINVAL (NULL argument, unknown flags, reserved fields, a
 * depth of 1 or above NVT_ADMIN_MAX_DEPTH); -ENOMEM; -ENXIO (the module
 * does not offer register access, or BAR0 is too small for the NVMe
 * registers); -EOPNOTSUPP (the module cannot run admin commands, and an
 * init was asked for); the failure of the init sequence (then *@out is
 * NULL and the controller is freed).
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_create_opts(struct nvt_pcie *pcie, const struct nvt_ctrl_opts *opts,
			 struct nvt_ctrl **out);

/**
 * nvt_ctrl_ref() - take another reference to a controller.
 * @ctrl: the controller.
 *
 * Each reference is dropped with nvt_ctrl_close().
 *
 * Return: @ctrl.
 *
 * Thread-safety: safe against concurrent nvt_ctrl_ref()/nvt_ctrl_close()
 * of other references.
 */
struct nvt_ctrl *nvt_ctrl_ref(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_close() - drop a reference to a controller.
 * @ctrl: the controller, or NULL (then nothing happens).
 *
 * With the last reference (the caller's, and those of every buffer and
 * other object made from it) the controller is freed: commands still
 * outstanding are forgotten without their callbacks (the kernel cancels
 * them when the file closes and keeps their buffers until the device is
 * done), and the controller's pcie reference is dropped. The controller is
 * left as it is: not shut down.
 *
 * Thread-safety: the caller must not use this reference afterwards; no
 * other thread may be in a call on the last reference.
 */
void nvt_ctrl_close(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_pcie() - the function under a controller.
 * @ctrl: the controller.
 *
 * Return: the controller's pcie, borrowed: valid while @ctrl is open; take
 * nvt_pcie_ref() to keep it longer. NULL if @ctrl is NULL.
 *
 * Thread-safety: safe.
 */
struct nvt_pcie *nvt_ctrl_pcie(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_reg_read32() - read a 32-bit controller register.
 * @ctrl: the controller.
 * @offset: byte offset in BAR0, a multiple of 4 (e.g. NVT_REG_VS).
 * @value: receives the value.
 *
 * Return: 0; -EINVAL (misaligned @offset, NULL argument); -ERANGE
 * (beyond BAR0); -ENODEV (the device went away).
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_ctrl_reg_read32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t *value);

/**
 * nvt_ctrl_reg_read64() - read a 64-bit controller register.
 * @ctrl: the controller.
 * @offset: byte offset in BAR0, a multiple of 8 (e.g. NVT_REG_CAP).
 * @value: receives the value; the module reads the low dword first.
 *
 * Return: as nvt_ctrl_reg_read32().
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_ctrl_reg_read64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t *value);

/**
 * nvt_ctrl_reg_write32() - write a 32-bit controller register.
 * @ctrl: the controller.
 * @offset: byte offset in BAR0, a multiple of 4 (e.g. NVT_REG_CC).
 * @value: the value.
 *
 * Nothing stops a write that disables or breaks the controller: that is
 * what a test tool is for.
 *
 * Return: as nvt_ctrl_reg_read32().
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_ctrl_reg_write32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t value);

/**
 * nvt_ctrl_reg_write64() - write a 64-bit controller register.
 * @ctrl: the controller.
 * @offset: byte offset in BAR0, a multiple of 8 (e.g. NVT_REG_ASQ).
 * @value: the value; the module writes the low dword first.
 *
 * Return: as nvt_ctrl_reg_read32().
 *
 * Thread-safety: safe; each access is one ioctl.
 */
int nvt_ctrl_reg_write64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t value);

/**
 * nvt_ctrl_init_default() - the default init sequence (NVMe 1.4 7.6.1).
 * @ctrl: the controller.
 * @ctx: unused (so it fits struct nvt_ctrl_opts.init).
 *
 * nvt_ctrl_disable(), nvt_ctrl_init_adminq(), nvt_ctrl_enable(),
 * nvt_ctrl_identify_init(), nvt_ctrl_init_queues(@ctrl, 0, 0),
 * nvt_ctrl_aer_arm(), stopping at the first failure.
 *
 * Return: 0, or the failure of the step that failed.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_init_default(struct nvt_ctrl *ctrl, void *ctx);

/**
 * nvt_ctrl_disable() - clear CC.EN and wait for CSTS.RDY to be 0.
 * @ctrl: the controller.
 *
 * Waits up to CAP.TO (500 ms units, section 3.1.1). Every IO queue becomes
 * invalid (nvt_ctrl_generation() changes); outstanding admin commands are
 * completed as cancelled at the next nvt_ctrl_init_adminq().
 *
 * Return: 0; -ETIMEDOUT (RDY still 1 after CAP.TO, logged); -EINVAL;
 * -ENODEV.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_disable(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_init_adminq() - set up the admin queue pair (AQA, ASQ, ACQ).
 * @ctrl: the controller, disabled (CC.EN 0, CSTS.RDY 0).
 *
 * NVT_IOCTL_SETUP_ADMIN with the depths of struct nvt_ctrl_opts. Commands
 * outstanding on the old queue complete with NVT_CPL_F_CANCELLED (status
 * NVT_STATUS_HOST_CANCELLED) at the next nvt_ctrl_waitdone().
 *
 * Return: 0; -EBUSY (the controller is enabled); -EOPNOTSUPP (the module
 * has no NVT_FEATURE_ADMIN); -ENOMEM; -EIO (no interrupt vector);
 * -ENODEV.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_init_adminq(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_enable() - configure CC and set CC.EN, wait for CSTS.RDY.
 * @ctrl: the controller, disabled, its admin queue set up.
 *
 * Writes CC with IOSQES 6 (64 bytes), IOCQES 4 (16 bytes), MPS for the
 * host page size (clamped to CAP.MPSMIN..MPSMAX), CSS NVM, AMS round
 * robin, SHN 0 and EN 1 (section 3.1.5), then waits up to CAP.TO for
 * CSTS.RDY = 1.
 *
 * Return: 0; -EIO (CSTS.CFS: the controller reports a fatal error,
 * logged); -ETIMEDOUT (RDY still 0 after CAP.TO); -EINVAL; -ENODEV.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_enable(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_identify_init() - read and cache what the library needs to know.
 * @ctrl: the controller, enabled.
 *
 * Sends Identify Controller into the cached data of nvt_ctrl_id_data() and
 * reads the Commands Supported and Effects log (05h) for
 * nvt_ctrl_supports() when LPA bit 1 says it exists. Waits for both
 * itself; other completions are kept for nvt_ctrl_waitdone().
 *
 * Return: 0; the status or -errno of Identify (the effects log failing
 * only logs a warning).
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_identify_init(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_init_queues() - Set Features Number of Queues (07h).
 * @ctrl: the controller, enabled.
 * @nsq: IO submission queues wanted (not 0's based), 1 .. 65535; 0 for
 *	the most (65535).
 * @ncq: IO completion queues wanted, likewise.
 *
 * Remembers the counts the controller granted (completion DW0), for
 * nvt_ctrl_queues_granted(). Waits for the command itself.
 *
 * Return: 0; the command's status or -errno.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_init_queues(struct nvt_ctrl *ctrl, uint32_t nsq, uint32_t ncq);

/**
 * nvt_ctrl_queues_granted() - the IO queue counts the controller granted.
 * @ctrl: the controller.
 * @nsq: receives the IO submission queues (not 0's based), or NULL.
 * @ncq: receives the IO completion queues, or NULL.
 *
 * Return: 0; -ENODATA (nvt_ctrl_init_queues() has not succeeded since the
 * last reset); -EINVAL (@ctrl NULL).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_queues_granted(struct nvt_ctrl *ctrl, uint32_t *nsq, uint32_t *ncq);

/**
 * nvt_ctrl_aer_arm() - keep AERL + 1 library AERs outstanding.
 * @ctrl: the controller, identified (AERL comes from the cached Identify
 *	Controller data; 4 AERs if it is not known).
 *
 * Sends nvt_ctrl_aer(ctrl, NULL, NULL) until AERL + 1 are outstanding.
 *
 * Return: 0; -errno of the first submission that failed.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_aer_arm(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_reset() - controller reset: CC.EN 1 -> 0, then init again.
 * @ctrl: the controller.
 *
 * nvt_ctrl_disable() then the init sequence of the open options (the
 * default init for NVT_CTRL_OPEN_NO_INIT). Commands outstanding are
 * completed as cancelled (their callbacks run at the next
 * nvt_ctrl_waitdone()); IO queues of this controller become invalid
 * (nvt_ctrl_generation() changes). Buffers stay valid.
 *
 * Return: 0, or the failure of disable or of the init sequence.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile; not from a
 * callback (-EDEADLK).
 */
int nvt_ctrl_reset(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_shutdown() - shutdown notification (CC.SHN, section 7.6.2).
 * @ctrl: the controller, enabled.
 * @abrupt: 0 for a normal shutdown (SHN 01b), 1 for an abrupt one (10b).
 *
 * Writes CC.SHN and waits for CSTS.SHST = 10b (shutdown complete) up to
 * RTD3E (Identify Controller) or CAP.TO, whichever is longer. The
 * controller then needs nvt_ctrl_reset() to work again.
 *
 * Return: 0; -ETIMEDOUT (SHST not 10b in time, logged); -EINVAL; -ENODEV.
 *
 * Thread-safety: no other thread may use @ctrl meanwhile.
 */
int nvt_ctrl_shutdown(struct nvt_ctrl *ctrl, int abrupt);

/**
 * nvt_ctrl_generation() - the controller's queue generation.
 * @ctrl: the controller.
 *
 * Changes whenever the controller is disabled or its admin queue set up
 * again: an IO queue made under another generation is gone.
 *
 * Return: the generation; 0 if @ctrl is NULL.
 *
 * Thread-safety: safe.
 */
uint32_t nvt_ctrl_generation(struct nvt_ctrl *ctrl);

/**
 * nvt_ctrl_id_data() - read a field of the cached Identify Controller
 *	data, pynvme's id_data(end, begin).
 * @ctrl: the controller.
 * @end: the field's last byte, included.
 * @begin: the field's first byte.
 * @value: receives the little-endian value.
 *
 * E.g. VID nvt_ctrl_id_data(ctrl, 1, 0, &v), MDTS (77, 77).
 *
 * Return: 0; -ENODATA (not identified yet: nvt_ctrl_identify_init());
 * -EINVAL (NULL argument, @end < @begin, wider than 8 bytes); -ERANGE
 * (@end above 4095).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_id_data(struct nvt_ctrl *ctrl, unsigned int end, unsigned int begin,
		     uint64_t *value);

/**
 * nvt_ctrl_id_str() - read a string field of the cached Identify
 *	Controller data, pynvme's id_data(end, begin, str).
 * @ctrl: the controller.
 * @end: the field's last byte, included.
 * @begin: the field's first byte.
 * @out: receives the string, trailing blanks removed.
 * @outlen: size of @out.
 *
 * E.g. SN (23, 4), MN (63, 24), FR (71, 64).
 *
 * Return: 0; -ENODATA; -EINVAL; -ERANGE; -ENOSPC (as nvt_str_field()).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_id_str(struct nvt_ctrl *ctrl, unsigned int end, unsigned int begin, char *out,
		    size_t outlen);

/**
 * nvt_ctrl_id_copy() - copy the cached Identify Controller data.
 * @ctrl: the controller.
 * @out: receives up to @len bytes of the 4096-byte structure.
 * @len: bytes to copy, at most 4096.
 *
 * Return: 0; -ENODATA (not identified yet); -EINVAL.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_id_copy(struct nvt_ctrl *ctrl, void *out, size_t len);

/**
 * nvt_ctrl_supports() - is a command supported, pynvme's supports(opcode).
 * @ctrl: the controller, identified.
 * @opcode: 0..255 an admin opcode, 256..511 the I/O opcode (@opcode - 256)
 *	of the NVM command set.
 *
 * From the CSUPP bit of the Commands Supported and Effects log read by
 * nvt_ctrl_identify_init(). A controller without that log (LPA bit 1
 * clear, or the read failed) gets a table from its Identify data: the
 * mandatory admin commands (00h-02h, 04h-06h, 08h-0Ah, 0Ch), the optional
 * ones OACS, ONCS and SANICAP advertise, and Flush, Write and Read.
 *
 * Return: 1 (supported); 0 (not supported); -ENODATA (not identified
 * yet); -EINVAL (@opcode above 511, @ctrl NULL).
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_supports(struct nvt_ctrl *ctrl, unsigned int opcode);

/**
 * nvt_ctrl_cmdname() - the name of an admin command, pynvme's cmdname().
 * @ctrl: the controller (unused today: names follow the specification).
 * @opcode: the opcode.
 *
 * Return: a static string, as nvt_admin_cmdname(). Never NULL.
 *
 * Thread-safety: safe.
 */
const char *nvt_ctrl_cmdname(struct nvt_ctrl *ctrl, uint8_t opcode);

/**
 * nvt_ctrl_mdts() - the maximum data transfer size in bytes.
 * @ctrl: the controller, identified.
 * @bytes: receives 2 ^ MDTS * 2 ^ (12 + CAP.MPSMIN), or 0 when MDTS is 0
 *	(no limit).
 *
 * Return: 0; -ENODATA (not identified yet); -EINVAL.
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_mdts(struct nvt_ctrl *ctrl, uint64_t *bytes);

/**
 * nvt_ctrl_cap() - read CAP (section 3.1.1).
 * @ctrl: the controller.
 * @cap: receives the register.
 *
 * Return: as nvt_ctrl_reg_read64().
 *
 * Thread-safety: safe.
 */
int nvt_ctrl_cap(struct nvt_ctrl *ctrl, uint64_t *cap);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_CTRL_H */
