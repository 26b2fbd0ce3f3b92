// SPDX-License-Identifier: MIT
/*
 * nvmetest config DEV: the PCI configuration header (type 0, PCI Local Bus
 * 3.0 section 6.2) and the capability lists, decoded.
 */
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <nvmetest/nvmetest.h>

#include "cli.h"

static struct nvt_pcie *pcie;
static int read_err;

/* Config reads for printing: a failure is remembered and reads as zero. */
static uint32_t rd(uint32_t offset, unsigned int width)
{
	uint32_t v = 0;

	if (!read_err)
		read_err = nvt_pcie_cfg_read(pcie, offset, width, &v);
	return read_err ? 0 : v;
}

/* Print " name" for each set bit of @v that has a name. */
static void print_bits(uint32_t v, const char *const *names, unsigned int n)
{
	unsigned int bit;

	for (bit = 0; bit < n; bit++)
		if ((v & (1u << bit)) && names[bit])
			printf(" %s", names[bit]);
}

static void print_header(const struct nvt_pcie_info *info)
{
	static const char *const command[] = {
		[0] = "io", [1] = "memory", [2] = "bus-master", [6] = "parity-response",
		[8] = "serr", [10] = "intx-disable",
	};
	static const char *const status[] = {
		[3] = "intx-pending", [4] = "capabilities", [5] = "66mhz",
		[8] = "master-parity-error", [11] = "signaled-target-abort",
		[12] = "received-target-abort", [13] = "received-master-abort",
		[14] = "signaled-system-error", [15] = "detected-parity-error",
	};
	uint32_t cmd = rd(PCI_COMMAND, 2), sts = rd(PCI_STATUS, 2), pin;

	printf("%s  /dev/nvmetest%u\n", info->bdf, info->minor);
	printf("  vendor:device    %04x:%04x\n", rd(PCI_VENDOR_ID, 2), rd(PCI_DEVICE_ID, 2));
	printf("  subsystem        %04x:%04x\n", rd(PCI_SUBSYSTEM_VENDOR_ID, 2),
	       rd(PCI_SUBSYSTEM_ID, 2));
	printf("  class            %06x%s\n", rd(PCI_CLASS_REVISION, 4) >> 8,
	       (rd(PCI_CLASS_REVISION, 4) >> 8) == 0x010802 ? " (NVM Express)" : "");
	printf("  revision         %02x\n", rd(PCI_REVISION_ID, 1));
	printf("  command          %04x", cmd);
	print_bits(cmd, command, sizeof(command) / sizeof(command[0]));
	printf("\n  status           %04x", sts);
	print_bits(sts, status, sizeof(status) / sizeof(status[0]));
	printf("\n  header type      %02x%s\n", rd(PCI_HEADER_TYPE, 1),
	       rd(PCI_HEADER_TYPE, 1) & 0x80 ? " (multi-function)" : "");
	pin = rd(PCI_INTERRUPT_PIN, 1);
	printf("  interrupt        line %u, pin %c\n", rd(PCI_INTERRUPT_LINE, 1),
	       pin >= 1 && pin <= 4 ? (char)('A' + pin - 1) : '-');
	printf("  config space     %u bytes\n", info->config_size);
}

/* Sizes come from sysfs: sizing a BAR by writing it would disturb the device. */
static void print_bars(const struct nvt_pcie_info *info)
{
	unsigned long long start, end, flags, size[6] = { 0 };
	char path[128];
	uint32_t lo, hi;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), SYSFS_PCI "/devices/%s/resource", info->bdf);
	f = fopen(path, "re");
	for (i = 0; f && i < 6 && fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3; i++)
		size[i] = end > start ? end - start + 1 : 0;
	if (f)
		fclose(f);
	for (i = 0; i < 6; i++) {
		lo = rd(PCI_BASE_ADDRESS_0 + 4 * i, 4);
		if (lo & PCI_BASE_ADDRESS_SPACE_IO) {
			if (lo & (uint32_t)PCI_BASE_ADDRESS_IO_MASK)
				printf("  BAR%d             %08x  I/O, %llu bytes\n", i,
				       lo & (uint32_t)PCI_BASE_ADDRESS_IO_MASK, size[i]);
			continue;
		}
		hi = (lo & PCI_BASE_ADDRESS_MEM_TYPE_64) && i < 5 ? rd(PCI_BASE_ADDRESS_0 + 4 * (i + 1), 4) : 0;
		if ((lo & PCI_BASE_ADDRESS_MEM_MASK) || hi || size[i])
			printf("  BAR%d             %08x%08x  %s-bit memory%s, %llu bytes\n", i, hi,
			       lo & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK,
			       lo & PCI_BASE_ADDRESS_MEM_TYPE_64 ? "64" : "32",
			       lo & PCI_BASE_ADDRESS_MEM_PREFETCH ? ", prefetchable" : "",
			       i == 0 ? (unsigned long long)info->bar0_size : size[i]);
		if (lo & PCI_BASE_ADDRESS_MEM_TYPE_64)
			i++;
	}
}

static const char *pcie_type(unsigned int type)
{
	static const char *const types[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "Endpoint",
		[PCI_EXP_TYPE_LEG_END] = "Legacy Endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "Root Port",
		[PCI_EXP_TYPE_UPSTREAM] = "Upstream Port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "Downstream Port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "PCIe to PCI Bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "PCI to PCIe Bridge",
		[PCI_EXP_TYPE_RC_END] = "Root Complex Integrated Endpoint",
		[PCI_EXP_TYPE_RC_EC] = "Root Complex Event Collector",
	};

	return type < sizeof(types) / sizeof(types[0]) && types[type] ? types[type] : "reserved";
}

static const char *link_speed(unsigned int speed)
{
	static const char *const speeds[] = {
		"?", "2.5 GT/s", "5 GT/s", "8 GT/s", "16 GT/s", "32 GT/s", "64 GT/s",
	};

	return speed < sizeof(speeds) / sizeof(speeds[0]) ? speeds[speed] : "?";
}

static void print_pcie(uint32_t at)
{
	uint32_t flags = rd(at + PCI_EXP_FLAGS, 2), type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	uint32_t lnkcap = rd(at + PCI_EXP_LNKCAP, 4), lnksta = rd(at + PCI_EXP_LNKSTA, 2);
	uint32_t devctl = rd(at + PCI_EXP_DEVCTL, 2);

	printf(" v%u, %s, link %s x%u (max %s x%u), MPS %u, MRRS %u", flags & PCI_EXP_FLAGS_VERS,
	       pcie_type(type), link_speed(lnksta & PCI_EXP_LNKSTA_CLS),
	       (lnksta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT,
	       link_speed(lnkcap & PCI_EXP_LNKCAP_SLS), (lnkcap & PCI_EXP_LNKCAP_MLW) >> 4,
	       128u << ((devctl & PCI_EXP_DEVCTL_PAYLOAD) >> 5),
	       128u << ((devctl & PCI_EXP_DEVCTL_READRQ) >> 12));
}

static void print_cap_details(const struct nvt_pcie_cap *c)
{
	uint32_t v;

	if (c->extended) {
		printf(" v%u", c->version);
		if (c->id == PCI_EXT_CAP_ID_DSN)
			printf(", serial %08x%08x", rd(c->offset + 8, 4), rd(c->offset + 4, 4));
		return;
	}
	switch (c->id) {
	case PCI_CAP_ID_PM:
		printf(" v%u, state D%u", rd(c->offset + PCI_PM_PMC, 2) & PCI_PM_CAP_VER_MASK,
		       rd(c->offset + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK);
		break;
	case PCI_CAP_ID_MSI:
		v = rd(c->offset + PCI_MSI_FLAGS, 2);
		printf(" %s, %u vectors capable, %s", v & PCI_MSI_FLAGS_ENABLE ? "enabled" : "disabled",
		       1u << ((v & PCI_MSI_FLAGS_QMASK) >> 1),
		       v & PCI_MSI_FLAGS_64BIT ? "64-bit" : "32-bit");
		break;
	case PCI_CAP_ID_MSIX:
		v = rd(c->offset + PCI_MSIX_FLAGS, 2);
		printf(" table size %u, %s%s, table BAR%u+0x%x, PBA BAR%u+0x%x",
		       (v & PCI_MSIX_FLAGS_QSIZE) + 1,
		       v & PCI_MSIX_FLAGS_ENABLE ? "enabled" : "disabled",
		       v & PCI_MSIX_FLAGS_MASKALL ? ", masked" : "",
		       rd(c->offset + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_BIR,
		       rd(c->offset + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_OFFSET,
		       rd(c->offset + PCI_MSIX_PBA, 4) & PCI_MSIX_PBA_BIR,
		       rd(c->offset + PCI_MSIX_PBA, 4) & PCI_MSIX_PBA_OFFSET);
		break;
	case PCI_CAP_ID_EXP:
		print_pcie(c->offset);
		break;
	}
}

static void print_caps(const struct nvt_pcie_cap *caps, int n)
{
	const char *name;
	int i, ext, shown;

	for (ext = 0; ext < 2; ext++) {
		printf("%s capabilities:\n", ext ? "extended" : "standard");
		for (i = 0, shown = 0; i < n; i++) {
			if (caps[i].extended != ext)
				continue;
			shown++;
			name = nvt_pcie_cap_name(caps[i].id, ext);
			printf("  [%03x] %02x %s:", caps[i].offset, caps[i].id, name ? name : "unknown");
			print_cap_details(&caps[i]);
			printf("\n");
		}
		if (!shown)
			printf("  none\n");
	}
}

static int config(char **args, unsigned int flags, char **values)
{
	struct nvt_pcie_info info;
	struct nvt_pcie_cap *caps = NULL;
	int n, ret = EXIT_FAILURE;

	(void)values;
	(void)flags;
	if (nvt_pcie_open(args[0], &pcie))
		return EXIT_FAILURE;
	nvt_pcie_info(pcie, &info);
	n = nvt_pcie_caps(pcie, NULL, 0);
	if (n >= 0)
		caps = calloc((size_t)n + 1, sizeof(*caps));
	if (caps && nvt_pcie_caps(pcie, caps, (unsigned int)n) == n) {
		print_header(&info);
		print_bars(&info);
		print_caps(caps, n);
		ret = read_err ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	free(caps);
	nvt_pcie_close(pcie);
	return ret;
}

const struct cli_cmd cmd_config = {
	.name = "config",
	.args = "DEV",
	.summary = "show the PCI config space header and capabilities, decoded",
	.help = "Prints the type 0 header (ids, command, status, class, BARs, interrupt)\n"
		"and the standard and extended capability lists, with details for power\n"
		"management, MSI, MSI-X and PCI Express.\n",
	.nargs = 1,
	.run = config,
};
