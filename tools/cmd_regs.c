// SPDX-License-Identifier: MIT
/*
 * nvmetest regs DEV: the controller registers, decoded (NVMe 1.4 section 3.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <nvmetest/nvmetest.h>

#include "cli.h"

/* INTMC reads the same as INTMS; the registers past CMBSZ are optional. */
static const uint32_t shown[] = {
	NVT_REG_CAP, NVT_REG_VS, NVT_REG_INTMS, NVT_REG_CC, NVT_REG_CSTS, NVT_REG_NSSR,
	NVT_REG_AQA, NVT_REG_ASQ, NVT_REG_ACQ, NVT_REG_CMBLOC, NVT_REG_CMBSZ,
};

static int read_reg(struct nvt_ctrl *ctrl, uint32_t offset, int width, uint64_t *value)
{
	uint32_t v32;
	int ret;

	if (width == 8)
		return nvt_ctrl_reg_read64(ctrl, offset, value);
	ret = nvt_ctrl_reg_read32(ctrl, offset, &v32);
	*value = v32;
	return ret;
}

static int regs(char **args, unsigned int flags, char **values)
{
	static const struct nvt_ctrl_opts no_init = { .flags = NVT_CTRL_OPEN_NO_INIT };
	struct nvt_ctrl *ctrl;
	char text[1024];
	uint64_t value;
	size_t i;
	int width;

	(void)values;
	(void)flags;
	/* Look, do not touch: no init, which would reset the controller. */
	if (nvt_ctrl_open_opts(args[0], &no_init, &ctrl))
		return EXIT_FAILURE;
	for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		width = nvt_reg_width(shown[i]);
		if (read_reg(ctrl, shown[i], width, &value)) {
			nvt_ctrl_close(ctrl);
			return EXIT_FAILURE;
		}
		nvt_reg_decode(shown[i], value, text, sizeof(text));
		printf("%-6s 0x%02x  0x%0*llx%*s  %s\n", nvt_reg_name(shown[i]), shown[i],
		       2 * width, (unsigned long long)value, 2 * (8 - width), "", text);
	}
	nvt_ctrl_close(ctrl);
	return EXIT_SUCCESS;
}

const struct cli_cmd cmd_regs = {
	.name = "regs",
	.args = "DEV",
	.summary = "show the controller registers, decoded",
	.help = "Reads CAP, VS, INTMS, CC, CSTS, NSSR, AQA, ASQ, ACQ, CMBLOC and CMBSZ and\n"
		"prints each as NAME OFFSET VALUE FIELDS (NVMe 1.4 section 3.1).\n",
	.nargs = 1,
	.run = regs,
};
