// SPDX-License-Identifier: MIT
/*
 * PCI capability lists (PCI Local Bus 3.0 section 6.7; PCI Express Base
 * 4.0 section 7.6 for the extended list), capability names, and the link
 * registers of the PCI Express capability (section 7.5.3: Link
 * Capabilities, Control and Status).
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>

#include "private.h"

#define STD_FIRST	0x40	/* capabilities start after the header */
#define STD_END		0x100
#define EXT_FIRST	0x100
#define EXT_END		0x1000

/* Store one capability; count it even if there is no room. */
static void add_cap(struct nvt_pcie_cap *caps, unsigned int max, int n,
		    uint32_t offset, uint32_t id, int extended, uint32_t version)
{
	if ((unsigned int)n >= max)
		return;
	caps[n] = (struct nvt_pcie_cap) {
		.offset = (uint16_t)offset,
		.id = (uint16_t)id,
		.extended = (uint8_t)extended,
		.version = (uint8_t)version,
	};
}

static int walk_std(nvt__cfg_read_fn rd, void *ctx, struct nvt_pcie_cap *caps,
		    unsigned int max, int n)
{
	uint8_t seen[STD_END / 4] = { 0 };
	uint32_t status, ptr, hdr;
	int ret;

	ret = rd(ctx, PCI_STATUS, 2, &status);
	if (ret)
		return ret;
	if (!(status & PCI_STATUS_CAP_LIST))
		return n;
	ret = rd(ctx, PCI_CAPABILITY_LIST, 1, &ptr);
	if (ret)
		return ret;
	/* The bottom two bits of every pointer are reserved. */
	for (ptr &= ~3u; ptr >= STD_FIRST && ptr < STD_END && !seen[ptr / 4]; ptr &= ~3u) {
		seen[ptr / 4] = 1;
		ret = rd(ctx, ptr, 2, &hdr);	/* ID, then next pointer */
		if (ret)
			return ret;
		add_cap(caps, max, n++, ptr, hdr & 0xff, 0, 0);
		ptr = hdr >> 8;
	}
	return n;
}

static int walk_ext(nvt__cfg_read_fn rd, void *ctx, struct nvt_pcie_cap *caps,
		    unsigned int max, int n)
{
	uint8_t seen[(EXT_END - EXT_FIRST) / 4] = { 0 };
	uint32_t ptr = EXT_FIRST, hdr = 0;
	int ret;

	for (; ptr >= EXT_FIRST && ptr < EXT_END && !seen[(ptr - EXT_FIRST) / 4];
	     ptr = PCI_EXT_CAP_NEXT(hdr)) {
		seen[(ptr - EXT_FIRST) / 4] = 1;
		ret = rd(ctx, ptr, 4, &hdr);
		if (ret)
			return ret;
		/* No extended capabilities: all zeros; no such space: all ones. */
		if (hdr == 0 || hdr == 0xffffffff)
			break;
		add_cap(caps, max, n++, ptr, PCI_EXT_CAP_ID(hdr), 1, PCI_EXT_CAP_VER(hdr));
	}
	return n;
}

int nvt__cap_walk(nvt__cfg_read_fn rd, void *ctx, uint32_t config_size,
		  struct nvt_pcie_cap *caps, unsigned int max)
{
	int n = walk_std(rd, ctx, caps, max, 0);

	if (n >= 0 && config_size > EXT_FIRST)
		n = walk_ext(rd, ctx, caps, max, n);
	return n;
}

static const char *const std_names[] = {
	[PCI_CAP_ID_PM]		= "Power Management",
	[PCI_CAP_ID_AGP]	= "AGP",
	[PCI_CAP_ID_VPD]	= "Vital Product Data",
	[PCI_CAP_ID_SLOTID]	= "Slot Identification",
	[PCI_CAP_ID_MSI]	= "MSI",
	[PCI_CAP_ID_CHSWP]	= "CompactPCI Hot Swap",
	[PCI_CAP_ID_PCIX]	= "PCI-X",
	[PCI_CAP_ID_HT]		= "HyperTransport",
	[PCI_CAP_ID_VNDR]	= "Vendor Specific",
	[PCI_CAP_ID_DBG]	= "Debug Port",
	[PCI_CAP_ID_CCRC]	= "CompactPCI Central Resource Control",
	[PCI_CAP_ID_SHPC]	= "PCI Hot-Plug",
	[PCI_CAP_ID_SSVID]	= "Bridge Subsystem Vendor ID",
	[PCI_CAP_ID_AGP3]	= "AGP 8x",
	[PCI_CAP_ID_SECDEV]	= "Secure Device",
	[PCI_CAP_ID_EXP]	= "PCI Express",
	[PCI_CAP_ID_MSIX]	= "MSI-X",
	[PCI_CAP_ID_SATA]	= "SATA Data/Index Configuration",
	[PCI_CAP_ID_AF]		= "Advanced Features",
	[PCI_CAP_ID_EA]		= "Enhanced Allocation",
	[0x15]			= "Flattening Portal Bridge",
};

static const char *const ext_names[] = {
	[PCI_EXT_CAP_ID_ERR]	= "Advanced Error Reporting",
	[PCI_EXT_CAP_ID_VC]	= "Virtual Channel",
	[PCI_EXT_CAP_ID_DSN]	= "Device Serial Number",
	[PCI_EXT_CAP_ID_PWR]	= "Power Budgeting",
	[PCI_EXT_CAP_ID_RCLD]	= "Root Complex Link Declaration",
	[PCI_EXT_CAP_ID_RCILC]	= "Root Complex Internal Link Control",
	[PCI_EXT_CAP_ID_RCEC]	= "Root Complex Event Collector Endpoint Association",
	[PCI_EXT_CAP_ID_MFVC]	= "Multi-Function Virtual Channel",
	[PCI_EXT_CAP_ID_VC9]	= "Virtual Channel (MFVC present)",
	[PCI_EXT_CAP_ID_RCRB]	= "Root Complex Register Block Header",
	[PCI_EXT_CAP_ID_VNDR]	= "Vendor Specific",
	[PCI_EXT_CAP_ID_CAC]	= "Configuration Access Correlation",
	[PCI_EXT_CAP_ID_ACS]	= "Access Control Services",
	[PCI_EXT_CAP_ID_ARI]	= "Alternative Routing-ID Interpretation",
	[PCI_EXT_CAP_ID_ATS]	= "Address Translation Services",
	[PCI_EXT_CAP_ID_SRIOV]	= "Single Root I/O Virtualization",
	[PCI_EXT_CAP_ID_MRIOV]	= "Multi-Root I/O Virtualization",
	[PCI_EXT_CAP_ID_MCAST]	= "Multicast",
	[PCI_EXT_CAP_ID_PRI]	= "Page Request Interface",
	[PCI_EXT_CAP_ID_REBAR]	= "Resizable BAR",
	[PCI_EXT_CAP_ID_DPA]	= "Dynamic Power Allocation",
	[PCI_EXT_CAP_ID_TPH]	= "TPH Requester",
	[PCI_EXT_CAP_ID_LTR]	= "Latency Tolerance Reporting",
	[PCI_EXT_CAP_ID_SECPCI]	= "Secondary PCI Express",
	[PCI_EXT_CAP_ID_PMUX]	= "Protocol Multiplexing",
	[PCI_EXT_CAP_ID_PASID]	= "Process Address Space ID",
	[0x1c]			= "LN Requester",
	[PCI_EXT_CAP_ID_DPC]	= "Downstream Port Containment",
	[PCI_EXT_CAP_ID_L1SS]	= "L1 PM Substates",
	[PCI_EXT_CAP_ID_PTM]	= "Precision Time Measurement",
	[0x20]			= "M-PCIe",
	[0x21]			= "FRS Queueing",
	[0x22]			= "Readiness Time Reporting",
	[PCI_EXT_CAP_ID_DVSEC]	= "Designated Vendor-Specific",
	[0x24]			= "VF Resizable BAR",
	[PCI_EXT_CAP_ID_DLF]	= "Data Link Feature",
	[PCI_EXT_CAP_ID_PL_16GT] = "Physical Layer 16.0 GT/s",
	[0x27]			= "Lane Margining at the Receiver",
	[0x28]			= "Hierarchy ID",
	[0x29]			= "Native PCIe Enclosure Management",
	[0x2a]			= "Physical Layer 32.0 GT/s",
	[0x2b]			= "Alternate Protocol",
	[0x2c]			= "System Firmware Intermediary",
	[PCI_EXT_CAP_ID_DOE]	= "Data Object Exchange",
};

const char *nvt_pcie_cap_name(unsigned int id, int extended)
{
	if (extended)
		return id < NVT_ARRAY_SIZE(ext_names) ? ext_names[id] : NULL;
	return id < NVT_ARRAY_SIZE(std_names) ? std_names[id] : NULL;
}

/* The PCI Express capability's offset, or -EOPNOTSUPP (logged) if there is none. */
static int exp_cap(const char *fn, struct nvt_pcie *pcie)
{
	int exp = nvt_pcie_cap_offset(pcie, PCI_CAP_ID_EXP);

	if (exp == -ENOENT) {
		nvt__err("%s: the function has no PCI Express capability", fn);
		return -EOPNOTSUPP;
	}
	return exp;
}

/*
 * Link Capabilities and the 16-bit register at @reg of the PCI Express
 * capability, for @fn; @out is the caller's output argument, @what its name.
 * Return: the capability's offset, or -errno (logged).
 */
static int read_link(const char *fn, struct nvt_pcie *pcie, const void *out, const char *what,
		     unsigned int reg, uint32_t *lnkcap, uint32_t *value)
{
	int exp;

	if (!pcie || !out) {
		nvt__err("%s: %s is NULL", fn, pcie ? what : "pcie");
		return -EINVAL;
	}
	exp = exp_cap(fn, pcie);
	if (exp < 0)
		return exp;
	return nvt_pcie_cfg_read(pcie, (uint32_t)exp + PCI_EXP_LNKCAP, 4, lnkcap) ?:
	       nvt_pcie_cfg_read(pcie, (uint32_t)exp + reg, 2, value) ?: exp;
}

int nvt_pcie_aspm(struct nvt_pcie *pcie, unsigned int *aspm, unsigned int *supported)
{
	uint32_t lnkcap, lnkctl;
	int ret;

	ret = read_link(__func__, pcie, aspm, "aspm", PCI_EXP_LNKCTL, &lnkcap, &lnkctl);
	if (ret < 0)
		return ret;
	*aspm = lnkctl & PCI_EXP_LNKCTL_ASPMC;
	if (supported)
		*supported = (lnkcap & PCI_EXP_LNKCAP_ASPMS) >> 10;
	return 0;
}

int nvt_pcie_set_aspm(struct nvt_pcie *pcie, unsigned int aspm)
{
	static const char *const names[] = { "disabled", "L0s", "L1", "L0s and L1" };
	unsigned int cur, supported;
	uint32_t lnkcap, lnkctl;
	int exp, ret;

	if (pcie && aspm > NVT_PCIE_ASPM_L0S_L1) {
		nvt__err("%s: ASPM %u is not 0 (disabled), 1 (L0s), 2 (L1) or 3 (L0s and L1)",
			 __func__, aspm);
		return -EINVAL;
	}
	exp = read_link(__func__, pcie, &cur, "aspm", PCI_EXP_LNKCTL, &lnkcap, &lnkctl);
	if (exp < 0)
		return exp;
	supported = (lnkcap & PCI_EXP_LNKCAP_ASPMS) >> 10;
	if (aspm & ~supported) {
		nvt__err("%s: the link does not support ASPM %s (Link Capabilities: %s)",
			 __func__, names[aspm], names[supported]);
		return -EOPNOTSUPP;
	}
	lnkctl = (lnkctl & ~(uint32_t)PCI_EXP_LNKCTL_ASPMC) | aspm;
	ret = nvt_pcie_cfg_write(pcie, (uint32_t)exp + PCI_EXP_LNKCTL, 2, lnkctl) ?:
	      nvt_pcie_cfg_read(pcie, (uint32_t)exp + PCI_EXP_LNKCTL, 2, &lnkctl);
	if (ret)
		return ret;
	cur = lnkctl & PCI_EXP_LNKCTL_ASPMC;
	if (cur != aspm) {
		/* QEMU 7.2's emulated functions do this: the field is read-only. */
		nvt__err("%s: the function kept ASPM %s: its ASPM Control field ignored the write of %s",
			 __func__, names[cur], names[aspm]);
		return -EIO;
	}
	return 0;
}

int nvt_pcie_link(struct nvt_pcie *pcie, struct nvt_pcie_link *link)
{
	uint32_t lnkcap, lnksta;
	int ret;

	ret = read_link(__func__, pcie, link, "link", PCI_EXP_LNKSTA, &lnkcap, &lnksta);
	if (ret < 0)
		return ret;
	*link = (struct nvt_pcie_link) {
		.speed = lnksta & PCI_EXP_LNKSTA_CLS,
		.width = (lnksta & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT,
		.max_speed = lnkcap & PCI_EXP_LNKCAP_SLS,
		.max_width = (lnkcap & PCI_EXP_LNKCAP_MLW) >> 4,
	};
	return 0;
}

const char *nvt_pcie_link_speed_name(unsigned int speed)
{
	static const char *const speeds[] = {
		NULL, "2.5 GT/s", "5 GT/s", "8 GT/s", "16 GT/s", "32 GT/s", "64 GT/s",
	};

	return speed < NVT_ARRAY_SIZE(speeds) ? speeds[speed] : NULL;
}
