// SPDX-License-Identifier: MIT
/*
 * struct nvt_ctrl: an NVMe controller on an nvt_pcie; today its registers
 * (NVMe 1.4 section 3.1).
 */
#include <errno.h>
#include <stdlib.h>

#include "private.h"

struct nvt_ctrl {
	struct nvt_pcie *pcie;		/* our reference */
	struct nvt__space bar0;		/* BAR0, for nvt__access() */
};

/* BAR0 must hold at least the registers up to CMBSTS (section 3.1). */
#define REGS_MIN_SIZE	(NVT_REG_CMBSTS + 4)

int nvt_ctrl_create(struct nvt_pcie *pcie, struct nvt_ctrl **out)
{
	struct nvt_pcie_info info;
	struct nvt_ctrl *ctrl;

	if (out)
		*out = NULL;
	if (!pcie || !out) {
		nvt__err("nvt_ctrl_create: %s is NULL", pcie ? "out" : "pcie");
		return -EINVAL;
	}
	nvt_pcie_info(pcie, &info);
	if (!(info.features & NVT_FEATURE_REGS)) {
		nvt__err("%s: nvmetest.ko does not offer register access", info.bdf);
		return -ENXIO;
	}
	if (info.bar0_size < REGS_MIN_SIZE) {
		nvt__err("%s: BAR0 has %llu bytes, too few for the NVMe registers",
			 info.bdf, (unsigned long long)info.bar0_size);
		return -ENXIO;
	}
	ctrl = calloc(1, sizeof(*ctrl));
	if (!ctrl)
		return -ENOMEM;
	ctrl->pcie = nvt_pcie_ref(pcie);
	ctrl->bar0 = (struct nvt__space) {
		.name = "BAR0",
		.read_req = NVT_IOCTL_READ_REG,
		.write_req = NVT_IOCTL_WRITE_REG,
		.size = info.bar0_size,
	};
	*out = ctrl;
	return 0;
}

int nvt_ctrl_open(const char *name, struct nvt_ctrl **out)
{
	struct nvt_pcie *pcie;
	int ret;

	if (!out) {
		nvt__err("nvt_ctrl_open: out is NULL");
		return -EINVAL;
	}
	*out = NULL;
	ret = nvt_pcie_open(name, &pcie);
	if (ret)
		return ret;
	ret = nvt_ctrl_create(pcie, out);
	nvt_pcie_close(pcie);
	return ret;
}

void nvt_ctrl_close(struct nvt_ctrl *ctrl)
{
	if (!ctrl)
		return;
	nvt_pcie_close(ctrl->pcie);
	free(ctrl);
}

struct nvt_pcie *nvt_ctrl_pcie(struct nvt_ctrl *ctrl)
{
	return ctrl ? ctrl->pcie : NULL;
}

static int reg_access(const char *fn, struct nvt_ctrl *ctrl, bool write, uint32_t offset,
		      unsigned int width, uint64_t *value)
{
	if (!ctrl || !value) {
		nvt__err("%s: %s is NULL", fn, ctrl ? "value" : "ctrl");
		return -EINVAL;
	}
	return nvt__access(fn, nvt_pcie_fd(ctrl->pcie), &ctrl->bar0, write, offset, width,
			   value);
}

int nvt_ctrl_reg_read32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t *value)
{
	uint64_t v;
	int ret;

	ret = reg_access(__func__, ctrl, false, offset, 4, value ? &v : NULL);
	if (!ret)
		*value = (uint32_t)v;
	return ret;
}

int nvt_ctrl_reg_read64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t *value)
{
	return reg_access(__func__, ctrl, false, offset, 8, value);
}

int nvt_ctrl_reg_write32(struct nvt_ctrl *ctrl, uint32_t offset, uint32_t value)
{
	uint64_t v = value;

	return reg_access(__func__, ctrl, true, offset, 4, &v);
}

int nvt_ctrl_reg_write64(struct nvt_ctrl *ctrl, uint32_t offset, uint64_t value)
{
	return reg_access(__func__, ctrl, true, offset, 8, &value);
}
