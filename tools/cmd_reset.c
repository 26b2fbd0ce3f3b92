// SPDX-License-Identifier: MIT
/*
 * nvmetest reset DEV [--type T]: a reset of the function, done in the kernel
 * (controller, nssr, flr, hot, link), then the library's default init
 * (NVMe 1.4 section 7.6.1) unless --no-init.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

enum { F_TYPE, F_NO_INIT };

static const struct cli_flag reset_flags[] = {
	[F_TYPE] = { "type", "controller (default), nssr, flr, hot or link", "T", 't' },
	[F_NO_INIT] = { "no-init", "leave the controller disabled after the reset", NULL, 0 },
	{ 0 },
};

static int reset(char **args, unsigned int flags, char **values)
{
	static const struct nvt_ctrl_opts no_init = { .flags = NVT_CTRL_OPEN_NO_INIT };
	enum nvt_reset_type type = NVT_RESET_TYPE_CONTROLLER;
	struct nvt_pcie_info info;
	struct nvt_ctrl *ctrl;
	uint32_t nsq = 0, ncq = 0;
	int ret;

	if ((flags & 1U << F_TYPE) && nvt_reset_type_parse(values[F_TYPE], &type)) {
		cli_err("--type: '%s' is not one of controller, nssr, flr, hot, link",
			values[F_TYPE]);
		return EXIT_USAGE;
	}
	if (nvt_ctrl_open_opts(args[0], &no_init, &ctrl))
		return EXIT_FAILURE;
	nvt_pcie_info(nvt_ctrl_pcie(ctrl), &info);
	ret = nvt_pcie_reset(nvt_ctrl_pcie(ctrl), type);
	if (!ret && !(flags & 1U << F_NO_INIT))
		ret = nvt_ctrl_reset(ctrl);	/* with NO_INIT: the default init */
	if (ret) {
		cli_print_failure(stderr, "reset", ret);
		nvt_ctrl_close(ctrl);
		return EXIT_FAILURE;
	}
	if (flags & 1U << F_NO_INIT) {
		printf("/dev/nvmetest%u %s: %s reset done, controller left disabled\n", info.minor,
		       info.bdf, nvt_reset_type_name(type));
	} else {
		nvt_ctrl_queues_granted(ctrl, &nsq, &ncq);
		printf("/dev/nvmetest%u %s: %s reset done, controller initialised, %u IO submission and %u IO completion queues granted\n",
		       info.minor, info.bdf, nvt_reset_type_name(type), nsq, ncq);
	}
	nvt_ctrl_close(ctrl);
	return EXIT_SUCCESS;
}

const struct cli_cmd cmd_reset = {
	.name = "reset",
	.args = "DEV",
	.summary = "reset the function (controller, NSSR, FLR, hot reset, link) and initialise it again",
	.help = "Resets in the kernel, with the PCI state saved and restored:\n"
		"  controller  CC.EN 1 -> 0, CSTS.RDY = 0 awaited\n"
		"  nssr        NVM Subsystem Reset (only where CAP.NSSRS is 1)\n"
		"  flr         PCIe Function Level Reset\n"
		"  hot         secondary bus reset of the upstream port\n"
		"  link        Link Disable on the upstream port, then enable\n"
		"then runs the library's default init: admin queue, CC and CC.EN = 1,\n"
		"Identify Controller, Number of Queues and Asynchronous Event Requests\n"
		"(which stay with the controller: their completions still reach\n"
		"`nvmetest monitor`). Every IO queue and every command outstanding, of any\n"
		"process, is gone.\n",
	.flags = reset_flags,
	.nargs = 1,
	.run = reset,
};
