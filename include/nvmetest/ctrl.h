/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_ctrl: the NVMe controller of a function bound to nvmetest.ko.
 *
 * This is the base object that later grows initialisation, admin commands
 * and queues. Today it gives access to the controller registers in BAR0
 * (NVMe 1.4 section 3.1); register names and fields are in spec.h.
 */
#ifndef NVMETEST_CTRL_H
#define NVMETEST_CTRL_H

#include <stdint.h>
#include <nvmetest/pcie.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ctrl;

/**
 * nvt_ctrl_open() - open the controller of a function bound to nvmetest.
 * @name: as for nvt_pcie_open(): "/dev/nvmetestN", "nvmetestN" or a PCI
 *	address.
 * @out: receives the controller.
 *
 * Same as nvt_pcie_open() followed by nvt_ctrl_create() and
 * nvt_pcie_close(): the controller holds the only reference to its pcie.
 * The controller is not reset or initialised.
 *
 * Return: 0, or a negative errno of nvt_pcie_open() or nvt_ctrl_create().
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_open(const char *name, struct nvt_ctrl **out);

/**
 * nvt_ctrl_create() - make a controller on an open pcie.
 * @pcie: the function; the controller takes its own reference, so the
 *	caller may nvt_pcie_close() its reference at any time.
 * @out: receives the controller.
 *
 * Return: 0; -EINVAL (NULL argument); -ENOMEM; -ENXIO (the module does not
 * offer register access, or BAR0 is too small for the NVMe registers).
 *
 * Thread-safety: reentrant.
 */
int nvt_ctrl_create(struct nvt_pcie *pcie, struct nvt_ctrl **out);

/**
 * nvt_ctrl_close() - free a controller.
 * @ctrl: the controller, or NULL (then nothing happens).
 *
 * Drops the controller's pcie reference.
 *
 * Thread-safety: no other thread may use @ctrl during or after the call.
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

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_CTRL_H */
