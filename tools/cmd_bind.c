// SPDX-License-Identifier: MIT
/*
 * nvmetest bind / unbind: hand a PCI function to nvmetest.ko and back,
 * through driver_override (Documentation/ABI/testing/sysfs-bus-pci).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nvmetest/nvmetest.h>

#include "cli.h"

#define DRIVER		"nvmetest"
#define FLAG_FORCE	(1u << 0)

static int write_attr(const char *bdf, const char *attr, const char *value)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/%s", bdf, attr);
	ret = sysfs_write(path, value);
	if (ret)
		cli_err("%s: writing '%s' to %s: %s", bdf, value, path, strerror(-ret));
	return ret;
}

static int write_bus(const char *bdf, const char *file)
{
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s", file);
	ret = sysfs_write(path, bdf);
	if (ret)
		cli_err("%s: writing it to %s: %s", bdf, path, strerror(-ret));
	return ret;
}

/* Normalise @arg into @bdf and check that the function exists. */
static int get_bdf(const char *arg, char *bdf)
{
	char path[PATH_MAX];

	if (nvt_pcie_parse_bdf(arg, bdf, NVT_BDF_LEN)) {
		cli_err("'%s' is not a PCI address (dddd:bb:dd.f or bb:dd.f)", arg);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s", bdf);
	if (!sysfs_exists(path)) {
		cli_err("no PCI function %s", bdf);
		return -ENOENT;
	}
	return 0;
}

/* After a probe: the node the module made, through the library. */
static int report_node(const char *bdf)
{
	struct nvt_pcie_info info;
	struct nvt_pcie *pcie;
	int ret;

	ret = nvt_pcie_open(bdf, &pcie);
	if (ret)
		return ret;
	nvt_pcie_info(pcie, &info);
	nvt_pcie_close(pcie);
	printf("%s: bound to " DRIVER " as /dev/nvmetest%u\n", bdf, info.minor);
	return 0;
}

static int bind(char **args, unsigned int flags, char **values)
{
	char bdf[NVT_BDF_LEN], driver[NAME_MAX + 1] = "", why[4096];
	int n;

	(void)values;
	if (get_bdf(args[0], bdf))
		return EXIT_FAILURE;
	if (!sysfs_exists(SYSFS_PCI "/drivers/" DRIVER)) {
		cli_err("the nvmetest module is not loaded: run modprobe nvmetest (or insmod nvmetest.ko)");
		return EXIT_FAILURE;
	}
	sysfs_driver(bdf, driver, sizeof(driver));
	if (!strcmp(driver, DRIVER))
		return report_node(bdf) ? EXIT_FAILURE : EXIT_SUCCESS;

	n = storage_in_use(bdf, why, sizeof(why));
	if (n > 0 && !(flags & FLAG_FORCE)) {
		cli_err("refusing to bind %s: it is bound to %s and its storage is in use:\n%s"
			"unmount or release it first, or use --force to take it anyway",
			bdf, driver, why);
		return EXIT_FAILURE;
	}
	if (n > 0)
		cli_err("warning: --force: taking %s from %s although:\n%s", bdf, driver, why);

	/* Override first, so nothing else binds it between unbind and probe. */
	if (write_attr(bdf, "driver_override", DRIVER) ||
	    (*driver && write_attr(bdf, "driver/unbind", bdf)))
		return EXIT_FAILURE;
	write_bus(bdf, "drivers_probe");
	driver[0] = '\0';
	sysfs_driver(bdf, driver, sizeof(driver));
	if (strcmp(driver, DRIVER)) {
		cli_err("%s: nvmetest did not bind it (probe failed: see dmesg)", bdf);
		return EXIT_FAILURE;
	}
	return report_node(bdf) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* A PCI address, or a device node resolved through the library. */
static int unbind_target(const char *arg, char *bdf)
{
	struct nvt_pcie_info info;
	struct nvt_pcie *pcie;

	if (!nvt_pcie_parse_bdf(arg, bdf, NVT_BDF_LEN))
		return get_bdf(arg, bdf);
	if (nvt_pcie_open(arg, &pcie))
		return -ENODEV;
	nvt_pcie_info(pcie, &info);
	nvt_pcie_close(pcie);
	memcpy(bdf, info.bdf, NVT_BDF_LEN);
	return 0;
}

static int unbind(char **args, unsigned int flags, char **values)
{
	char bdf[NVT_BDF_LEN], driver[NAME_MAX + 1] = "";

	(void)values;
	(void)flags;
	if (unbind_target(args[0], bdf))
		return EXIT_FAILURE;
	sysfs_driver(bdf, driver, sizeof(driver));
	if (*driver && strcmp(driver, DRIVER)) {
		cli_err("%s is bound to %s, not nvmetest: leaving it alone", bdf, driver);
		return EXIT_FAILURE;
	}
	if ((*driver && write_bus(bdf, "drivers/" DRIVER "/unbind")) ||
	    write_attr(bdf, "driver_override", "\n"))
		return EXIT_FAILURE;
	/* Let the stock driver (if loaded) take it back; failing is fine. */
	sysfs_write(SYSFS_PCI "/drivers_probe", bdf);
	driver[0] = '\0';
	sysfs_driver(bdf, driver, sizeof(driver));
	printf("%s: unbound from " DRIVER "; now %s%s\n", bdf, *driver ? "bound to " : "",
	       *driver ? driver : "without a driver");
	return EXIT_SUCCESS;
}

static const struct cli_flag bind_flags[] = {
	{ "force", "bind even if the function's block devices are mounted or in use", NULL, 0 },
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_bind = {
	.name = "bind",
	.args = "BDF",
	.summary = "give a PCI function to nvmetest (unbinding it from its driver)",
	.help = "Sets driver_override to nvmetest, unbinds the function from its current\n"
		"driver and probes it. Refuses, unless --force, when a block device of the\n"
		"function (a namespace or partition of the stock nvme driver) is mounted,\n"
		"used as swap, held by another device or open exclusively.\n",
	.flags = bind_flags,
	.nargs = 1,
	.run = bind,
};

const struct cli_cmd cmd_unbind = {
	.name = "unbind",
	.args = "BDF|DEV",
	.summary = "release a function from nvmetest, back to the stock driver",
	.help = "Unbinds the function from nvmetest, clears driver_override and probes it\n"
		"again, so the stock nvme driver (if loaded) takes it back.\n",
	.nargs = 1,
	.run = unbind,
};
