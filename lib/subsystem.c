// SPDX-License-Identifier: MIT
/*
 * The NVM subsystem: shutdown notification, NVM subsystem reset, and power
 * through hooks (the test VM's control channel by default, S3 as the
 * fallback of a power cycle), with this process's controllers following
 * the function to its new binding when power comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#define SYSFS_PCI	"/sys/bus/pci"
#define RTC_WAKEALARM	"/sys/class/rtc/rtc0/wakealarm"
#define POWER_STATE	"/sys/power/state"
#define BIND_TIMEOUT_MS	10000

struct nvt_subsystem {
	struct nvt_ctrl *ctrl;		/* our reference */
	struct nvt_power_hooks hooks;	/* both NULL: none */
	char bdf[NVT_BDF_LEN];
};

static int vm_poweroff(void *ctx, const char *bdf)
{
	(void)ctx;
	return nvt_vm_poweroff(bdf);
}

static int vm_poweron(void *ctx, const char *bdf)
{
	(void)ctx;
	return nvt_vm_poweron(bdf);
}

int nvt_subsystem_open(struct nvt_ctrl *ctrl, const struct nvt_power_hooks *hooks,
		       struct nvt_subsystem **out)
{
	struct nvt_subsystem *sub;

	if (out)
		*out = NULL;
	if (!ctrl || !out || (hooks && (!hooks->poweroff || !hooks->poweron))) {
		nvt__err("nvt_subsystem_open: %s", !ctrl ? "ctrl is NULL" : !out ? "out is NULL" :
			 "power hooks need both poweroff and poweron");
		return -EINVAL;
	}
	sub = calloc(1, sizeof(*sub));
	if (!sub)
		return -ENOMEM;
	sub->ctrl = nvt_ctrl_ref(ctrl);
	memcpy(sub->bdf, ctrl->info.bdf, sizeof(sub->bdf));
	if (hooks)
		sub->hooks = *hooks;
	else if (nvt_vm_channel_available())
		sub->hooks = (struct nvt_power_hooks) { vm_poweroff, vm_poweron, NULL };
	*out = sub;
	return 0;
}

void nvt_subsystem_close(struct nvt_subsystem *sub)
{
	if (!sub)
		return;
	nvt_ctrl_close(sub->ctrl);
	free(sub);
}

int nvt_subsystem_shutdown_notify(struct nvt_subsystem *sub, int abrupt)
{
	if (!sub) {
		nvt__err("nvt_subsystem_shutdown_notify: sub is NULL");
		return -EINVAL;
	}
	return nvt_ctrl_shutdown(sub->ctrl, abrupt);
}

int nvt_subsystem_reset(struct nvt_subsystem *sub)
{
	if (!sub) {
		nvt__err("nvt_subsystem_reset: sub is NULL");
		return -EINVAL;
	}
	return nvt_pcie_reset(sub->ctrl->pcie, NVT_RESET_TYPE_NSSR);
}

/* Run the poweron (@on) or poweroff hook; says why it cannot or failed. */
static int run_hook(const char *fn, struct nvt_subsystem *sub, bool on)
{
	int ret;

	if (!sub) {
		nvt__err("%s: sub is NULL", fn);
		return -EINVAL;
	}
	if (!sub->hooks.poweroff) {
		nvt__err("%s: %s: no power hooks: give nvt_subsystem_open() a poweroff/poweron pair (or run in the test VM, whose control channel is the default)",
			 fn, sub->bdf);
		return -EOPNOTSUPP;
	}
	if (!on)
		nvt__ctrls_on(sub->bdf, nvt__ctrl_lost_queues, NULL);
	ret = (on ? sub->hooks.poweron : sub->hooks.poweroff)(sub->hooks.ctx, sub->bdf);
	if (ret)
		nvt__err("%s: %s: the %s hook failed: %s", fn, sub->bdf, on ? "poweron" : "poweroff",
			 strerror(ret < 0 ? -ret : ret));
	return ret;
}

int nvt_subsystem_poweroff(struct nvt_subsystem *sub)
{
	return run_hook(__func__, sub, false);
}

static int write_sysfs(const char *path, const char *value)
{
	int ret = nvt__sysfs_write(path, value);

	if (ret)
		nvt__err("writing '%s' to %s: %s", value, path, strerror(-ret));
	return ret;
}

/* Bind the function to nvmetest and wait for its device file. */
static int bind_nvmetest(const char *bdf)
{
	char path[PATH_MAX], dev[PATH_MAX];
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	unsigned int waited = 0;
	int ret;

	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/driver_override", bdf);
	ret = write_sysfs(path, "nvmetest");
	if (ret)
		return ret;
	/* Fails when a driver already has it; the wait below tells. */
	write_sysfs(SYSFS_PCI "/drivers_probe", bdf);
	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s", bdf);
	for (;;) {
		if (!nvt__bdf_node(path, dev, sizeof(dev), NULL) && !access(dev, R_OK | W_OK))
			return 0;
		if (waited >= BIND_TIMEOUT_MS) {
			nvt__err("%s: not bound to nvmetest %u ms after power came back", bdf,
				 waited);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
		waited += 20;
	}
}

/* A controller on the function moves to its new binding. */
static void reattach(struct nvt_ctrl *ctrl, void *arg)
{
	int *result = arg, ret;

	nvt__admin_drain_removed(ctrl);
	nvt__irq_fini(ctrl);
	ret = nvt__pcie_reopen(ctrl->pcie);
	if (!ret) {
		nvt_pcie_info(ctrl->pcie, &ctrl->info);
		nvt__ctrl_lost_queues(ctrl, NULL);
		if (ctrl->cmdlog)
			ret = nvt__cmdlog_remap(ctrl->cmdlog);
	}
	if (!ret)
		ret = nvt__ns_reattach_all(ctrl);
	if (ret)
		nvt__err("%s: a controller could not follow the function to its new binding: %s",
			 ctrl->info.bdf, strerror(-ret));
	if (!*result)
		*result = ret;
}

int nvt_subsystem_poweron(struct nvt_subsystem *sub)
{
	int ret = run_hook(__func__, sub, true);

	if (!ret)
		ret = bind_nvmetest(sub->bdf);
	if (!ret)
		nvt__ctrls_on(sub->bdf, reattach, &ret);
	return ret;
}

/* S3 with an RTC wake alarm, where the host has both. */
static int suspend_to_ram(const struct nvt_subsystem *sub, unsigned int sec)
{
	char states[256] = "", alarm[32];
	int fd, ret;
	ssize_t n;

	fd = open(POWER_STATE, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, states, sizeof(states) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0 || !strstr(states, "mem") || access(RTC_WAKEALARM, W_OK)) {
		nvt__err("nvt_subsystem_power_cycle: %s: no power hooks, and this host cannot suspend to RAM with an RTC wake alarm (%s, %s): give power hooks",
			 sub->bdf, POWER_STATE, RTC_WAKEALARM);
		return -EOPNOTSUPP;
	}
	snprintf(alarm, sizeof(alarm), "+%u", sec);
	ret = write_sysfs(RTC_WAKEALARM, "0");
	if (!ret)
		ret = write_sysfs(RTC_WAKEALARM, alarm);
	if (!ret)
		ret = write_sysfs(POWER_STATE, "mem");	/* returns after the wake */
	return ret;
}

int nvt_subsystem_power_cycle(struct nvt_subsystem *sub, unsigned int sec)
{
	struct timespec off = { (time_t)sec, 0 };
	int ret;

	if (!sub || !sec || sec > 3600) {
		nvt__err("nvt_subsystem_power_cycle: %s", sub ? "sec must be 1 to 3600" :
			 "sub is NULL");
		return -EINVAL;
	}
	if (!sub->hooks.poweroff) {
		nvt__ctrls_on(sub->bdf, nvt__ctrl_lost_queues, NULL);
		return suspend_to_ram(sub, sec);
	}
	ret = nvt_subsystem_poweroff(sub);
	if (ret)
		return ret;
	nanosleep(&off, NULL);
	return nvt_subsystem_poweron(sub);
}
