// SPDX-License-Identifier: MIT
/*
 * nvmetest pcie DEV: the function's capabilities, link, power state and ASPM,
 * decoded; sets ASPM (Link Control, PCIe 4.0 section 7.5.3.7) and the power
 * state (PMCSR, PCI PM 1.2 section 3.2.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

enum { FLAG_ASPM, FLAG_POWER };

static const struct cli_flag flags_pcie[] = {
	{ "aspm", "set ASPM first: off, l0s, l1 or l0s-l1", "STATE", 0 },
	{ "power-state", "set the power state first: d0 or d3hot", "STATE", 0 },
	{ NULL, NULL, NULL, 0 },
};

static const char *const aspm_names[] = { "off", "l0s", "l1", "l0s-l1" };
static const char *const aspm_text[] = { "disabled", "L0s", "L1", "L0s and L1" };
static const char *const power_names[] = { "d0", "d1", "d2", "d3hot" };

/*
 * Option @i, if given: *@out = the index of its value (any case) in @names.
 * Return: 0, or -1 after saying what the option takes.
 */
static int choice(unsigned int flags, char **values, int i, const char *const *names, int n,
		  int *out)
{
	char list[64] = "";
	size_t len;
	int k;

	if (!(flags & 1u << i))
		return 0;
	for (k = 0; k < n; k++) {
		if (!strcasecmp(values[i], names[k])) {
			*out = k;
			return 0;
		}
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s", k ? ", " : "", names[k]);
	}
	cli_err("pcie: --%s must be %s, not '%s'", flags_pcie[i].name, list, values[i]);
	return -1;
}

static void print_caps(struct nvt_pcie *pcie)
{
	struct nvt_pcie_cap caps[64];
	const char *name;
	int i, n;

	n = nvt_pcie_caps(pcie, caps, 64);
	printf("  capabilities    ");
	for (i = 0; i < n && i < 64; i++) {
		name = nvt_pcie_cap_name(caps[i].id, caps[i].extended);
		printf("%s[%03x] %s", i ? "\n                  " : "", caps[i].offset,
		       name ? name : "unknown");
		if (caps[i].extended)
			printf(" v%u", caps[i].version);
	}
	printf("%s\n", n ? "" : "none");
}

static void print_state(struct nvt_pcie *pcie)
{
	struct nvt_pcie_link link;
	unsigned int state, aspm, supported;
	const char *speed, *max;

	print_caps(pcie);
	if (!nvt_pcie_link(pcie, &link)) {
		speed = nvt_pcie_link_speed_name(link.speed);
		max = nvt_pcie_link_speed_name(link.max_speed);
		printf("  link            %s x%u (max %s x%u)\n", speed ? speed : "unknown",
		       link.width, max ? max : "unknown", link.max_width);
	}
	if (!nvt_pcie_power_state(pcie, &state))
		printf("  power state     D%s\n", state == NVT_PCIE_D3HOT ? "3hot" :
		       state == NVT_PCIE_D2 ? "2" : state == NVT_PCIE_D1 ? "1" : "0");
	if (!nvt_pcie_aspm(pcie, &aspm, &supported))
		printf("  ASPM            %s (supported: %s)\n", aspm_text[aspm],
		       supported ? aspm_text[supported] : "none");
}

static int pcie_cmd(char **args, unsigned int flags, char **values)
{
	struct nvt_pcie_info info;
	struct nvt_pcie *pcie;
	int aspm = -1, state = -1, ret = 0;

	if (choice(flags, values, FLAG_ASPM, aspm_names, 4, &aspm) ||
	    choice(flags, values, FLAG_POWER, power_names, 4, &state))
		return EXIT_USAGE;
	if (nvt_pcie_open(args[0], &pcie))
		return EXIT_FAILURE;
	if (aspm >= 0)
		ret = nvt_pcie_set_aspm(pcie, (unsigned int)aspm);
	if (!ret && state >= 0)
		ret = nvt_pcie_set_power_state(pcie, (unsigned int)state);
	if (!ret) {
		nvt_pcie_info(pcie, &info);
		printf("%s  /dev/nvmetest%u\n", info.bdf, info.minor);
		print_state(pcie);
	}
	nvt_pcie_close(pcie);
	return ret ? EXIT_FAILURE : EXIT_SUCCESS;	/* the library said why */
}

const struct cli_cmd cmd_pcie = {
	.name = "pcie",
	.args = "DEV",
	.summary = "show the PCIe capabilities, link, power state and ASPM; set them",
	.help = "Prints the capability list, the link's current and maximum speed and width,\n"
		"the power state (PMCSR) and ASPM (Link Control) with what the link supports.\n"
		"--aspm writes ASPM Control of this function only (not of the port above it);\n"
		"--power-state changes PMCSR, restoring the config header after D3hot -> D0 if\n"
		"the function resets itself then (No_Soft_Reset 0). A controller back from\n"
		"D3hot needs a reset and init (nvmetest reset DEV).\n",
	.flags = flags_pcie,
	.nargs = 1,
	.run = pcie_cmd,
};
