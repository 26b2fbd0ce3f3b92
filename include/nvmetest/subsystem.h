/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_subsystem: the NVM subsystem around a controller, for what a
 * test does to the whole drive: shutdown notification, NVM subsystem reset,
 * and power off / on / cycle through pluggable power hooks (pynvme's
 * Subsystem with its poweron_cb and poweroff_cb).
 *
 * Power comes from hooks: a pair of callbacks given at open, else the test
 * VM's control channel (vmchannel.h) when there is one. Without either,
 * power_cycle() suspends the host to RAM with an RTC wake alarm (S3), where
 * the host offers it; poweroff() and poweron() alone need hooks.
 *
 * After power comes back the function is bound to nvmetest again and every
 * controller of this process on it follows it to the new binding: its
 * qpairs are gone (-ESTALE), the commands it had outstanding completed as
 * cancelled, and its verified namespaces keep their tables (the data
 * survives a power cycle, so does what verification knows of it). The
 * controller is left as a power-on leaves it: run nvt_ctrl_reset().
 */
#ifndef NVMETEST_SUBSYSTEM_H
#define NVMETEST_SUBSYSTEM_H

#include <nvmetest/ctrl.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_subsystem;

/**
 * struct nvt_power_hooks - how to take power from a function and give it back.
 * @poweroff: remove power: return once the function is gone from the PCI
 *	bus (0) or with -errno. Its driver's remove() runs meanwhile.
 * @poweron: give power back: return once the function is on the PCI bus
 *	again, unbound (0), or with -errno.
 * @ctx: passed to both, with the function's PCI address.
 */
struct nvt_power_hooks {
	int (*poweroff)(void *ctx, const char *bdf);
	int (*poweron)(void *ctx, const char *bdf);
	void *ctx;
};

/**
 * nvt_subsystem_open() - the subsystem of a controller.
 * @ctrl: the controller (the subsystem holds a reference).
 * @hooks: the power hooks (copied), or NULL for the default: the test VM's
 *	control channel if there is one (else no hooks).
 * @out: receives the subsystem.
 *
 * Return: 0, -EINVAL (NULL @ctrl or @out, or hooks with one callback
 * missing) or -ENOMEM.
 */
int nvt_subsystem_open(struct nvt_ctrl *ctrl, const struct nvt_power_hooks *hooks,
		       struct nvt_subsystem **out);

/**
 * nvt_subsystem_close() - drop the subsystem (NULL is fine).
 * @sub: the subsystem.
 */
void nvt_subsystem_close(struct nvt_subsystem *sub);

/**
 * nvt_subsystem_shutdown_notify() - tell the controller power is going away.
 * @sub: the subsystem.
 * @abrupt: 0 for a normal shutdown notification, 1 for an abrupt one.
 *
 * Return: what nvt_ctrl_shutdown() returns.
 */
int nvt_subsystem_shutdown_notify(struct nvt_subsystem *sub, int abrupt);

/**
 * nvt_subsystem_reset() - NVM Subsystem Reset, in the kernel (nvt_pcie_reset()).
 * @sub: the subsystem.
 *
 * Return: what nvt_pcie_reset() returns; -EOPNOTSUPP where CAP.NSSRS is 0.
 */
int nvt_subsystem_reset(struct nvt_subsystem *sub);

/**
 * nvt_subsystem_poweroff() - take power away (the poweroff hook).
 * @sub: the subsystem.
 *
 * The qpairs of this process's controllers on the function die first, so
 * that their users (an IOWorker) stop with their partial results.
 *
 * Return: 0, -EOPNOTSUPP (no hooks) or the hook's error.
 */
int nvt_subsystem_poweroff(struct nvt_subsystem *sub);

/**
 * nvt_subsystem_poweron() - give power back (the poweron hook), bind the
 *	function to nvmetest again and move this process's controllers on it
 *	to the new binding.
 * @sub: the subsystem.
 *
 * Return: 0; -EOPNOTSUPP (no hooks); the hook's error; -ETIMEDOUT (the
 * function did not come back bound within 10 s); another -errno of
 * binding or reopening it.
 */
int nvt_subsystem_poweron(struct nvt_subsystem *sub);

/**
 * nvt_subsystem_power_cycle() - power off, wait, power on.
 * @sub: the subsystem.
 * @sec: seconds without power, 1 .. 3600.
 *
 * With hooks: poweroff(), @sec seconds, poweron(). Without: suspends the
 * host to RAM with the RTC set to wake it after @sec seconds (S3: the drive
 * loses power), then handles the controllers as poweron() does.
 *
 * Return: 0; -EINVAL (@sec); -EOPNOTSUPP (no hooks and no S3 with an RTC
 * wake alarm here); the errors of poweroff(), poweron() or of suspending.
 */
int nvt_subsystem_power_cycle(struct nvt_subsystem *sub, unsigned int sec);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_SUBSYSTEM_H */
