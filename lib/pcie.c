// SPDX-License-Identifier: MIT
/*
 * struct nvt_pcie: an open /dev/nvmetestN, its GET_INFO and config space.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* PCI Express control registers saved with the header (as pci_save_pcie_state()). */
static const uint8_t pcie_ctl_regs[] = {
	PCI_EXP_DEVCTL, PCI_EXP_LNKCTL, PCI_EXP_DEVCTL2, PCI_EXP_LNKCTL2,
};

/* What a function loses when it resets itself on D3hot -> D0. */
struct saved_config {
	bool valid;
	uint8_t header[PCI_STD_HEADER_SIZEOF];
	int exp;			/* PCI Express capability offset, or < 0 */
	uint16_t exp_ctl[NVT_ARRAY_SIZE(pcie_ctl_regs)];
	int msix;			/* MSI-X capability offset, or < 0 */
	uint16_t msix_flags;
};

struct nvt_pcie {
	int refs;			/* atomic */
	int fd;
	struct nvt_pcie_info info;
	struct nvt__space config;	/* config space, for nvt__access() */
	char path[64];			/* for messages */
	struct saved_config saved;	/* taken when the function leaves D0 */
};

int nvt__access(const char *fn, int fd, const struct nvt__space *space, bool write,
		uint64_t offset, unsigned int width, uint64_t *value)
{
	struct nvt_ioctl_access a = {
		.width = width,
		.offset = offset,
		.value = write ? *value : 0,
	};

	if (offset % width) {
		nvt__err("%s: offset 0x%llx is not a multiple of the width %u",
			 fn, (unsigned long long)offset, width);
		return -EINVAL;
	}
	if (offset >= space->size || space->size - offset < width) {
		nvt__err("%s: offset 0x%llx + %u is beyond the %llu bytes of %s",
			 fn, (unsigned long long)offset, width,
			 (unsigned long long)space->size, space->name);
		return -ERANGE;
	}
	if (write && width < 8 && (*value >> (8 * width))) {
		nvt__err("%s: value 0x%llx does not fit in %u bytes",
			 fn, (unsigned long long)*value, width);
		return -EINVAL;
	}
	if (ioctl(fd, write ? space->write_req : space->read_req, &a)) {
		int err = errno;

		nvt__err("%s: %s %s at 0x%llx width %u: %s", fn, write ? "write" : "read",
			 space->name, (unsigned long long)offset, width, strerror(err));
		return -err;
	}
	if (!write)
		*value = a.value;
	return 0;
}

static int get_info(struct nvt_pcie *pcie)
{
	struct nvt_ioctl_get_info gi = { .in.output_size_bytes = sizeof(gi.out) };
	struct nvt_pcie_info *info = &pcie->info;

	if (ioctl(pcie->fd, NVT_IOCTL_GET_INFO, &gi)) {
		int err = errno;

		if (err == ENOTTY || err == EINVAL)
			nvt__err("%s is not an nvmetest device (GET_INFO: %s)",
				 pcie->path, strerror(err));
		else
			nvt__err("%s: GET_INFO: %s", pcie->path, strerror(err));
		return -err;
	}
	if (gi.out.abi_version != NVT_ABI_VERSION) {
		nvt__err("%s: nvmetest.ko speaks ABI version %u, this library version %u: install a matching module and library",
			 pcie->path, gi.out.abi_version, NVT_ABI_VERSION);
		return -EPROTO;
	}
	snprintf(info->bdf, sizeof(info->bdf), "%04x:%02x:%02x.%x", gi.out.pci_domain & 0xfffff,
		 gi.out.pci_bus, gi.out.pci_dev, gi.out.pci_fn);
	info->domain = gi.out.pci_domain;
	info->bus = gi.out.pci_bus;
	info->dev = gi.out.pci_dev;
	info->fn = gi.out.pci_fn;
	info->vendor_id = gi.out.vendor_id;
	info->device_id = gi.out.device_id;
	info->subsys_vendor_id = gi.out.subsys_vendor_id;
	info->subsys_device_id = gi.out.subsys_device_id;
	info->class_code = gi.out.class_code;
	info->config_size = gi.out.config_size;
	info->bar0_size = gi.out.bar0_size;
	info->minor = gi.out.minor;
	info->abi_version = gi.out.abi_version;
	info->features = gi.out.features;
	return 0;
}

/* Resolve @name to its device node into @path and open it: the fd or -errno (logged). */
static int open_node(const char *name, char *path, size_t len)
{
	int fd, ret;

	ret = nvt__resolve_name("/sys", name, path, len);
	if (ret)
		return ret;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		nvt__err("cannot open %s: %s%s", path, strerror(-ret),
			 ret == -ENOENT ? " (is the function bound? see nvmetest list)" : "");
		return ret;
	}
	return fd;
}

int nvt_pcie_open(const char *name, struct nvt_pcie **out)
{
	struct nvt_pcie *pcie;
	int ret;

	if (!out) {
		nvt__err("nvt_pcie_open: out is NULL");
		return -EINVAL;
	}
	*out = NULL;
	pcie = calloc(1, sizeof(*pcie));
	if (!pcie)
		return -ENOMEM;
	pcie->refs = 1;
	pcie->fd = -1;
	pcie->fd = open_node(name, pcie->path, sizeof(pcie->path));
	if (pcie->fd < 0) {
		ret = pcie->fd;
		goto err_free;
	}
	ret = get_info(pcie);
	if (ret)
		goto err_close;
	pcie->config = (struct nvt__space) {
		.name = "config space",
		.read_req = NVT_IOCTL_READ_CONFIG,
		.write_req = NVT_IOCTL_WRITE_CONFIG,
		.size = pcie->info.config_size,
	};
	*out = pcie;
	return 0;

err_close:
	close(pcie->fd);
err_free:
	free(pcie);
	return ret;
}

int nvt__pcie_reopen(struct nvt_pcie *pcie)
{
	char path[sizeof(pcie->path)];
	int fd, ret;

	fd = open_node(pcie->info.bdf, path, sizeof(path));
	if (fd < 0)
		return fd;
	/* The same number: whoever borrowed pcie->fd reaches the new binding. */
	if (dup3(fd, pcie->fd, O_CLOEXEC) < 0) {
		ret = -errno;
		nvt__err("%s: dup3: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	close(fd);
	memcpy(pcie->path, path, sizeof(path));
	return get_info(pcie);
}

struct nvt_pcie *nvt_pcie_ref(struct nvt_pcie *pcie)
{
	if (pcie)
		__atomic_add_fetch(&pcie->refs, 1, __ATOMIC_RELAXED);
	return pcie;
}

void nvt_pcie_close(struct nvt_pcie *pcie)
{
	/* Release: our uses happen before the last holder frees. */
	if (!pcie || __atomic_sub_fetch(&pcie->refs, 1, __ATOMIC_ACQ_REL))
		return;
	close(pcie->fd);
	free(pcie);
}

int nvt_pcie_info(struct nvt_pcie *pcie, struct nvt_pcie_info *info)
{
	if (!pcie || !info) {
		nvt__err("nvt_pcie_info: %s is NULL", pcie ? "info" : "pcie");
		return -EINVAL;
	}
	*info = pcie->info;
	return 0;
}

int nvt_pcie_fd(struct nvt_pcie *pcie)
{
	return pcie ? pcie->fd : -EINVAL;
}

static int cfg_access(const char *fn, struct nvt_pcie *pcie, bool write, uint32_t offset,
		      unsigned int width, uint64_t *value)
{
	if (!pcie || !value) {
		nvt__err("%s: %s is NULL", fn, pcie ? "value" : "pcie");
		return -EINVAL;
	}
	if (width != 1 && width != 2 && width != 4) {
		nvt__err("%s: width %u is not 1, 2 or 4", fn, width);
		return -EINVAL;
	}
	return nvt__access(fn, pcie->fd, &pcie->config, write, offset, width, value);
}

int nvt_pcie_cfg_read(struct nvt_pcie *pcie, uint32_t offset, unsigned int width,
		      uint32_t *value)
{
	uint64_t v;
	int ret;

	ret = cfg_access(__func__, pcie, false, offset, width, value ? &v : NULL);
	if (!ret)
		*value = (uint32_t)v;
	return ret;
}

int nvt_pcie_cfg_write(struct nvt_pcie *pcie, uint32_t offset, unsigned int width,
		       uint32_t value)
{
	uint64_t v = value;

	return cfg_access(__func__, pcie, true, offset, width, &v);
}

static int cap_read(void *ctx, uint32_t offset, unsigned int width, uint32_t *value)
{
	return nvt_pcie_cfg_read(ctx, offset, width, value);
}

int nvt_pcie_caps(struct nvt_pcie *pcie, struct nvt_pcie_cap *caps, unsigned int max)
{
	if (!pcie || (!caps && max)) {
		nvt__err("nvt_pcie_caps: %s is NULL", pcie ? "caps" : "pcie");
		return -EINVAL;
	}
	return nvt__cap_walk(cap_read, pcie, pcie->info.config_size, caps, max);
}

static int find_cap(struct nvt_pcie *pcie, unsigned int id, int extended)
{
	struct nvt_pcie_cap caps[NVT__CAPS_MAX];
	int i, n;

	n = nvt_pcie_caps(pcie, caps, NVT_ARRAY_SIZE(caps));
	for (i = 0; i < n; i++)
		if (caps[i].id == id && caps[i].extended == extended)
			return caps[i].offset;
	return n < 0 ? n : -ENOENT;
}

int nvt_pcie_cap_offset(struct nvt_pcie *pcie, unsigned int cap_id)
{
	return find_cap(pcie, cap_id, 0);
}

int nvt_pcie_ext_cap_offset(struct nvt_pcie *pcie, unsigned int ext_cap_id)
{
	return find_cap(pcie, ext_cap_id, 1);
}

/* The largest naturally aligned access at @offset that @len bytes can hold. */
static unsigned int chunk_width(uint32_t offset, size_t len)
{
	if (!(offset % 4) && len >= 4)
		return 4;
	if (!(offset % 2) && len >= 2)
		return 2;
	return 1;
}

static int range_access(const char *fn, struct nvt_pcie *pcie, bool write, uint32_t offset,
			uint8_t *buf, size_t len)
{
	unsigned int w, i;
	uint64_t v;
	int ret;

	if (!pcie || (!buf && len)) {
		nvt__err("%s: %s is NULL", fn, pcie ? "buf" : "pcie");
		return -EINVAL;
	}
	if (offset > pcie->info.config_size || pcie->info.config_size - offset < len) {
		nvt__err("%s: 0x%x + %zu bytes is beyond the %u bytes of config space", fn,
			 offset, len, pcie->info.config_size);
		return -ERANGE;
	}
	for (; len; offset += w, buf += w, len -= w) {
		w = chunk_width(offset, len);
		v = 0;
		for (i = 0; write && i < w; i++)	/* config space is little-endian */
			v |= (uint64_t)buf[i] << (8 * i);
		ret = nvt__access(fn, pcie->fd, &pcie->config, write, offset, w, &v);
		if (ret)
			return ret;
		for (i = 0; !write && i < w; i++)
			buf[i] = (uint8_t)(v >> (8 * i));
	}
	return 0;
}

int nvt_pcie_read(struct nvt_pcie *pcie, uint32_t offset, void *buf, size_t len)
{
	return range_access(__func__, pcie, false, offset, buf, len);
}

int nvt_pcie_write(struct nvt_pcie *pcie, uint32_t offset, const void *buf, size_t len)
{
	/* Not written through: range_access() only reads @buf when it writes. */
	return range_access(__func__, pcie, true, offset, (uint8_t *)buf, len);
}

static bool register_size_ok(const char *fn, unsigned int size)
{
	if (size == 1 || size == 2 || size == 4 || size == 8)
		return true;
	nvt__err("%s: size %u is not 1, 2, 4 or 8", fn, size);
	return false;
}

int nvt_pcie_register_read(struct nvt_pcie *pcie, uint32_t offset, unsigned int size,
			   uint64_t *value)
{
	uint8_t b[8];
	unsigned int i;
	int ret;

	if (!value || !register_size_ok(__func__, size)) {
		if (!value)
			nvt__err("%s: value is NULL", __func__);
		return -EINVAL;
	}
	ret = range_access(__func__, pcie, false, offset, b, size);
	if (ret)
		return ret;
	for (*value = 0, i = 0; i < size; i++)
		*value |= (uint64_t)b[i] << (8 * i);
	return 0;
}

int nvt_pcie_register_write(struct nvt_pcie *pcie, uint32_t offset, unsigned int size,
			    uint64_t value)
{
	uint8_t b[8];
	unsigned int i;

	if (!register_size_ok(__func__, size))
		return -EINVAL;
	if (size < 8 && value >> (8 * size)) {
		nvt__err("%s: value 0x%llx does not fit in %u bytes", __func__,
			 (unsigned long long)value, size);
		return -EINVAL;
	}
	for (i = 0; i < size; i++)
		b[i] = (uint8_t)(value >> (8 * i));
	return range_access(__func__, pcie, true, offset, b, size);
}

/* Save what a soft reset on D3hot -> D0 loses (pci_save_state() minus MSI-X tables). */
static int save_config(struct nvt_pcie *pcie)
{
	struct saved_config *s = &pcie->saved;
	uint32_t v;
	size_t i;
	int ret;

	s->valid = false;
	ret = nvt_pcie_read(pcie, 0, s->header, sizeof(s->header));
	if (ret)
		return ret;
	s->exp = nvt_pcie_cap_offset(pcie, PCI_CAP_ID_EXP);
	for (i = 0; s->exp > 0 && i < NVT_ARRAY_SIZE(pcie_ctl_regs); i++) {
		ret = nvt_pcie_cfg_read(pcie, (uint32_t)s->exp + pcie_ctl_regs[i], 2, &v);
		if (ret)
			return ret;
		s->exp_ctl[i] = (uint16_t)v;
	}
	s->msix = nvt_pcie_cap_offset(pcie, PCI_CAP_ID_MSIX);
	if (s->msix > 0) {
		ret = nvt_pcie_cfg_read(pcie, (uint32_t)s->msix + PCI_MSIX_FLAGS, 2, &v);
		if (ret)
			return ret;
		s->msix_flags = (uint16_t)v;
	}
	s->valid = true;
	return 0;
}

/*
 * Restore it in pci_restore_config_space()'s order: the header's dwords 10-15,
 * the BARs, then cache line size, latency timer and, last, the command
 * register (so the BARs hold their addresses before decoding is on). Status
 * is not written: its error bits are write-1-to-clear.
 */
static int restore_config(struct nvt_pcie *pcie)
{
	const struct saved_config *s = &pcie->saved;
	size_t i;
	int ret;

	ret = nvt_pcie_write(pcie, PCI_CARDBUS_CIS, s->header + PCI_CARDBUS_CIS,
			     PCI_STD_HEADER_SIZEOF - PCI_CARDBUS_CIS) ?:
	      nvt_pcie_write(pcie, PCI_BASE_ADDRESS_0, s->header + PCI_BASE_ADDRESS_0,
			     PCI_CARDBUS_CIS - PCI_BASE_ADDRESS_0) ?:
	      nvt_pcie_write(pcie, PCI_CACHE_LINE_SIZE, s->header + PCI_CACHE_LINE_SIZE, 2) ?:
	      nvt_pcie_write(pcie, PCI_COMMAND, s->header + PCI_COMMAND, 2);
	for (i = 0; !ret && s->exp > 0 && i < NVT_ARRAY_SIZE(pcie_ctl_regs); i++)
		ret = nvt_pcie_cfg_write(pcie, (uint32_t)s->exp + pcie_ctl_regs[i], 2,
					 s->exp_ctl[i]);
	if (!ret && s->msix > 0)
		ret = nvt_pcie_cfg_write(pcie, (uint32_t)s->msix + PCI_MSIX_FLAGS, 2,
					 s->msix_flags);
	return ret;
}

/* The PM capability's offset, or -EOPNOTSUPP (logged) if there is none. */
static int pm_cap(const char *fn, struct nvt_pcie *pcie)
{
	int pm = nvt_pcie_cap_offset(pcie, PCI_CAP_ID_PM);

	if (pm == -ENOENT) {
		nvt__err("%s: %s has no power management capability", fn, pcie->info.bdf);
		return -EOPNOTSUPP;
	}
	return pm;
}

int nvt_pcie_power_state(struct nvt_pcie *pcie, unsigned int *state)
{
	uint32_t pmcsr;
	int pm, ret;

	if (!pcie || !state) {
		nvt__err("%s: %s is NULL", __func__, pcie ? "state" : "pcie");
		return -EINVAL;
	}
	pm = pm_cap(__func__, pcie);
	if (pm < 0)
		return pm;
	ret = nvt_pcie_cfg_read(pcie, (uint32_t)pm + PCI_PM_CTRL, 2, &pmcsr);
	if (!ret)
		*state = pmcsr & PCI_PM_CTRL_STATE_MASK;
	return ret;
}

int nvt_pcie_set_power_state(struct nvt_pcie *pcie, unsigned int state)
{
	/* PCI PM 1.2 section 5.6.1: 10 ms after a write to or from D3hot. */
	static const struct timespec d3hot_delay = { .tv_nsec = 10 * 1000 * 1000 };
	uint32_t pmc, pmcsr, cur;
	int pm, ret;

	if (!pcie || state > NVT_PCIE_D3HOT) {
		if (pcie)
			nvt__err("%s: state %u is not D0 (0), D1 (1), D2 (2) or D3hot (3)",
				 __func__, state);
		else
			nvt__err("%s: pcie is NULL", __func__);
		return -EINVAL;
	}
	pm = pm_cap(__func__, pcie);
	if (pm < 0)
		return pm;
	ret = nvt_pcie_cfg_read(pcie, (uint32_t)pm + PCI_PM_PMC, 2, &pmc) ?:
	      nvt_pcie_cfg_read(pcie, (uint32_t)pm + PCI_PM_CTRL, 2, &pmcsr);
	if (ret)
		return ret;
	if ((state == NVT_PCIE_D1 && !(pmc & PCI_PM_CAP_D1)) ||
	    (state == NVT_PCIE_D2 && !(pmc & PCI_PM_CAP_D2))) {
		nvt__err("%s: %s does not support D%u (PMC 0x%04x)", __func__, pcie->info.bdf,
			 state, pmc);
		return -EOPNOTSUPP;
	}
	cur = pmcsr & PCI_PM_CTRL_STATE_MASK;
	if (cur == state)
		return 0;
	if (cur == NVT_PCIE_D0) {
		ret = save_config(pcie);
		if (ret)
			return ret;
	}
	/* PME_Status is write-1-to-clear: leave it alone. */
	pmcsr = (pmcsr & ~(uint32_t)(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS)) | state;
	ret = nvt_pcie_cfg_write(pcie, (uint32_t)pm + PCI_PM_CTRL, 2, pmcsr);
	if (ret)
		return ret;
	if (cur == NVT_PCIE_D3HOT || state == NVT_PCIE_D3HOT)
		nanosleep(&d3hot_delay, NULL);
	if (state != NVT_PCIE_D0)
		return 0;
	if (cur == NVT_PCIE_D3HOT && !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET) && pcie->saved.valid)
		ret = restore_config(pcie);
	pcie->saved.valid = false;
	return ret;
}
