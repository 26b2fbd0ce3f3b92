// SPDX-License-Identifier: MIT
/*
 * Resets of the function (NVT_IOCTL_RESET). A reset through any struct
 * nvt_pcie of a function kills the qpairs of every controller of this
 * process on it first, so that their users stop at once.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "private.h"

static const char *const type_names[] = {
	[NVT_RESET_TYPE_CONTROLLER] = "controller",
	[NVT_RESET_TYPE_NSSR] = "nssr",
	[NVT_RESET_TYPE_FLR] = "flr",
	[NVT_RESET_TYPE_HOT] = "hot",
	[NVT_RESET_TYPE_LINK] = "link",
};

void nvt__ctrl_lost_queues(struct nvt_ctrl *ctrl, void *arg)
{
	(void)arg;
	nvt__ctrl_forget_queues(ctrl);
	nvt__admin_queue_reset(ctrl);
}

static const char *reset_error(int err, enum nvt_reset_type type)
{
	switch (err) {
	case EOPNOTSUPP:
		switch (type) {
		case NVT_RESET_TYPE_NSSR:
			return "NVM subsystem reset is not supported (CAP.NSSRS is 0)";
		case NVT_RESET_TYPE_FLR:
			return "the function does not support Function Level Reset";
		default:
			return "the function has no PCIe port of its own above it to reset";
		}
	case EBUSY:
		return "another reset of the function is in progress";
	case ETIMEDOUT:
		return "the controller stayed ready (CSTS.RDY = 1) or the function did not answer again";
	case ENODEV:
		return "the function is no longer bound to nvmetest";
	default:
		return strerror(err);
	}
}

int nvt_pcie_reset(struct nvt_pcie *pcie, enum nvt_reset_type type)
{
	struct nvt_ioctl_reset r = { .type = type };
	struct nvt_pcie_info info;
	int err;

	if (!pcie) {
		nvt__err("nvt_pcie_reset: pcie is NULL");
		return -EINVAL;
	}
	nvt_pcie_info(pcie, &info);
	if (!nvt_reset_type_name(type)) {
		nvt__err("nvt_pcie_reset: %s: unknown reset type %d", info.bdf, (int)type);
		return -EINVAL;
	}
	if (!(info.features & NVT_FEATURE_RESET)) {
		nvt__err("nvt_pcie_reset: %s: this nvmetest.ko cannot reset functions", info.bdf);
		return -EOPNOTSUPP;
	}
	/*
	 * Ask first, so that a reset the function lacks loses nothing; then
	 * stop this process's qpair users before the reset, not after: they
	 * see -ESTALE instead of ringing doorbells of queues being torn down.
	 */
	r.flags = NVT_RESET_F_PROBE;
	err = ioctl(nvt_pcie_fd(pcie), NVT_IOCTL_RESET, &r) ? errno : 0;
	if (!err) {
		nvt__ctrls_on(info.bdf, nvt__ctrl_lost_queues, NULL);
		r.flags = 0;
		err = ioctl(nvt_pcie_fd(pcie), NVT_IOCTL_RESET, &r) ? errno : 0;
	}
	if (err) {
		nvt__err("nvt_pcie_reset: %s: %s reset: %s", info.bdf, type_names[type],
			 reset_error(err, type));
		return -err;
	}
	nvt__debug("%s: %s reset done", info.bdf, type_names[type]);
	return 0;
}

const char *nvt_reset_type_name(enum nvt_reset_type type)
{
	if ((unsigned int)type >= NVT_ARRAY_SIZE(type_names))
		return NULL;
	return type_names[type];
}

int nvt_reset_type_parse(const char *name, enum nvt_reset_type *type)
{
	unsigned int i;

	for (i = 0; name && type && i < NVT_ARRAY_SIZE(type_names); i++) {
		if (type_names[i] && !strcmp(name, type_names[i])) {
			*type = (enum nvt_reset_type)i;
			return 0;
		}
	}
	return -EINVAL;
}
