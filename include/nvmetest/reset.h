/* SPDX-License-Identifier: MIT */
/*
 * Resets of a PCI function bound to nvmetest, done in the kernel with the
 * PCI state saved and restored (NVT_IOCTL_RESET in uapi.h).
 *
 * After any of them the controller is disabled, its admin queue is gone
 * and every IO queue pair is stale: the controllers of this process on the
 * function see it at once (their qpairs give -ESTALE, an IOWorker ends with
 * its partial results and reset set), other processes at their next
 * command. Bring the controller up again with nvt_ctrl_reset().
 */
#ifndef NVMETEST_RESET_H
#define NVMETEST_RESET_H

#include <nvmetest/pcie.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum nvt_reset_type - what nvt_pcie_reset() does.
 * @NVT_RESET_TYPE_CONTROLLER: CC.EN 1 -> 0, CSTS.RDY = 0 awaited.
 * @NVT_RESET_TYPE_NSSR: NVM Subsystem Reset; only where CAP.NSSRS is 1.
 * @NVT_RESET_TYPE_FLR: PCIe Function Level Reset.
 * @NVT_RESET_TYPE_HOT: secondary bus reset of the upstream port.
 * @NVT_RESET_TYPE_LINK: Link Disable on the upstream port, then enable.
 */
enum nvt_reset_type {
	NVT_RESET_TYPE_CONTROLLER = NVT_RESET_CONTROLLER,
	NVT_RESET_TYPE_NSSR = NVT_RESET_NSSR,
	NVT_RESET_TYPE_FLR = NVT_RESET_FLR,
	NVT_RESET_TYPE_HOT = NVT_RESET_HOT,
	NVT_RESET_TYPE_LINK = NVT_RESET_LINK,
};

/**
 * nvt_pcie_reset() - reset the function.
 * @pcie: the function.
 * @type: the reset.
 *
 * Return: 0; -EINVAL (unknown @type); -EOPNOTSUPP (the function has no
 * such reset: NSSR without CAP.NSSRS, FLR without the capability, hot
 * reset or link disable without a port of its own above it); -EBUSY
 * (another reset is in progress); -ETIMEDOUT (the controller stayed ready,
 * or the function did not answer again); -ENODEV (unbound); -EIO.
 * Each failure is logged with its reason.
 */
int nvt_pcie_reset(struct nvt_pcie *pcie, enum nvt_reset_type type);

/**
 * nvt_reset_type_name() - the name of a reset type, as the tool takes it.
 * @type: the reset.
 *
 * Return: "controller", "nssr", "flr", "hot" or "link"; NULL if unknown.
 */
const char *nvt_reset_type_name(enum nvt_reset_type type);

/**
 * nvt_reset_type_parse() - a reset type from its name.
 * @name: "controller", "nssr", "flr", "hot" or "link".
 * @type: out: the reset.
 *
 * Return: 0, or -EINVAL for any other name (not logged).
 */
int nvt_reset_type_parse(const char *name, enum nvt_reset_type *type);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_RESET_H */
