// SPDX-License-Identifier: MIT
/*
 * nvmetest list: the controllers bound to nvmetest, from its netlink family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <nvmetest/nvmetest.h>

#include "cli.h"

/* All entries, in an array the caller frees; retried if controllers appear. */
static int fetch(struct nvt_ctrl_entry **out, unsigned int *count)
{
	struct nvt_ctrl_entry *e = NULL;
	unsigned int room = 0;
	int ret;

	ret = nvt_list(NULL, 0, count);
	while (!ret && *count > room) {
		free(e);
		room = *count;
		e = calloc(room, sizeof(*e));
		ret = e ? nvt_list(e, room, count) : -ENOMEM;
	}
	if (ret == -ENOMEM)
		cli_err("out of memory");
	*out = e;
	return ret;
}

static int list(char **args, unsigned int flags, char **values)
{
	struct nvt_ctrl_entry *e;
	unsigned int count, i;

	(void)values;
	(void)args;
	(void)flags;
	if (fetch(&e, &count)) {
		free(e);
		return EXIT_FAILURE;
	}
	printf("%-16s %-13s %-10s %-20s %s\n", "DEV", "BDF", "VID:DID", "SERIAL", "MODEL");
	for (i = 0; i < count; i++)
		printf("/dev/nvmetest%-3u %-13s %04x:%04x  %-20s %s\n", e[i].minor, e[i].bdf,
		       e[i].vendor_id, e[i].device_id, *e[i].serial ? e[i].serial : "-",
		       *e[i].model ? e[i].model : "-");
	free(e);
	return EXIT_SUCCESS;
}

const struct cli_cmd cmd_list = {
	.name = "list",
	.args = "",
	.summary = "list the controllers bound to nvmetest",
	.help = "One line per controller: device node, PCI address, vendor:device id,\n"
		"serial number and model (\"-\" until the module has identified it).\n",
	.nargs = 0,
	.run = list,
};
