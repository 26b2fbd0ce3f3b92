// SPDX-License-Identifier: MIT
/*
 * nvmetest vm ACTION BDF: the test VM's control channel (vmchannel.h) from
 * the shell: unplug a controller, plug it back in, set its SMART critical
 * warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { FLAG_VALUE };

static const struct cli_flag flags_vm[] = {
	{ "value", "smart-warning: the Critical Warning byte (0 to 0xff)", "N", 'v' },
	{ NULL, NULL, NULL, 0 },
};

static int vm(char **args, unsigned int flags, char **values)
{
	const char *action = args[0];
	char bdf[NVT_BDF_LEN];
	uint64_t value = 0;
	int ret;

	if (nvt_pcie_parse_bdf(args[1], bdf, sizeof(bdf))) {
		cli_err("vm: '%s' is not a PCI address (dddd:bb:dd.f or bb:dd.f)", args[1]);
		return EXIT_USAGE;
	}
	if (!strcmp(action, "smart-warning")) {
		if (!(flags & 1u << FLAG_VALUE)) {
			cli_err("vm: smart-warning needs --value N");
			return EXIT_USAGE;
		}
		if (cli_option(flags, values, FLAG_VALUE, "--value", 0xff, &value))
			return EXIT_USAGE;
	} else if (flags & 1u << FLAG_VALUE) {
		cli_err("vm: --value goes with smart-warning only");
		return EXIT_USAGE;
	}

	if (!strcmp(action, "poweroff"))
		ret = nvt_vm_poweroff(bdf);
	else if (!strcmp(action, "poweron"))
		ret = nvt_vm_poweron(bdf);
	else if (!strcmp(action, "smart-warning"))
		ret = nvt_vm_set_smart_warning(bdf, (unsigned int)value);
	else {
		cli_err("vm: unknown action '%s' (poweroff, poweron or smart-warning)", action);
		return EXIT_USAGE;
	}
	if (ret)
		return EXIT_FAILURE;	/* the library said why */

	if (!strcmp(action, "poweroff"))
		printf("%s: powered off (unplugged from the VM)\n", bdf);
	else if (!strcmp(action, "poweron"))
		printf("%s: powered on (plugged back in, unbound: nvmetest bind %s)\n", bdf, bdf);
	else
		printf("%s: SMART critical warning set to 0x%02x\n", bdf, (unsigned int)value);
	return EXIT_SUCCESS;
}

const struct cli_cmd cmd_vm = {
	.name = "vm",
	.args = "poweroff|poweron|smart-warning BDF",
	.summary = "power a controller of the test VM off and on, or set its SMART warning",
	.help = "Only inside the QEMU test VM (tests/vm/run), through its control channel to\n"
		"QEMU's monitor:\n"
		"  poweroff       unplug the controller (QMP device_del); the guest removes it\n"
		"                 from its PCI bus, so nvmetest.ko unbinds it first\n"
		"  poweron        plug it back in (device_add) with the same slot, serial and\n"
		"                 namespaces, whose data is kept; it comes back unbound\n"
		"  smart-warning  set the SMART / Health Critical Warning byte to --value: each\n"
		"                 newly set bit that is enabled raises an asynchronous event\n",
	.flags = flags_vm,
	.nargs = 2,
	.run = vm,
};
