// SPDX-License-Identifier: MIT
/*
 * nvmetest reset DEV: controller reset (CC.EN 1 -> 0, NVMe 1.4 section
 * 7.3.1) followed by the library's default init (section 7.6.1).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static int reset(char **args, unsigned int flags, char **values)
{
	static const struct nvt_ctrl_opts no_init = { .flags = NVT_CTRL_OPEN_NO_INIT };
	struct nvt_pcie_info info;
	struct nvt_ctrl *ctrl;
	uint32_t nsq = 0, ncq = 0;
	int ret;

	(void)flags;
	(void)values;
	if (nvt_ctrl_open_opts(args[0], &no_init, &ctrl))
		return EXIT_FAILURE;
	nvt_pcie_info(nvt_ctrl_pcie(ctrl), &info);
	/* With NVT_CTRL_OPEN_NO_INIT the reset runs the default init. */
	ret = nvt_ctrl_reset(ctrl);
	if (ret) {
		cli_print_failure(stderr, "reset", ret);
		nvt_ctrl_close(ctrl);
		return EXIT_FAILURE;
	}
	nvt_ctrl_queues_granted(ctrl, &nsq, &ncq);
	printf("/dev/nvmetest%u %s: controller reset and initialised, %u IO submission and %u IO completion queues granted\n",
	       info.minor, info.bdf, nsq, ncq);
	nvt_ctrl_close(ctrl);
	return EXIT_SUCCESS;
}

const struct cli_cmd cmd_reset = {
	.name = "reset",
	.args = "DEV",
	.summary = "reset the controller (CC.EN 1 -> 0) and initialise it again",
	.help = "Clears CC.EN, waits for CSTS.RDY = 0, then runs the library's default init:\n"
		"admin queue, CC and CC.EN = 1, Identify Controller, Number of Queues and\n"
		"Asynchronous Event Requests (which stay with the controller: their\n"
		"completions still reach `nvmetest monitor`). Every IO queue and every\n"
		"command outstanding, of any process, is gone.\n",
	.nargs = 1,
	.run = reset,
};
