// SPDX-License-Identifier: MIT
/*
 * struct nvt_pcie: an open /dev/nvmetestN, its GET_INFO and config space.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "private.h"

struct nvt_pcie {
	int refs;			/* atomic */
	int fd;
	struct nvt_pcie_info info;
	struct nvt__space config;	/* config space, for nvt__access() */
	char path[64];			/* for messages */
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
	ret = nvt__resolve_name("/sys", name, pcie->path, sizeof(pcie->path));
	if (ret)
		goto err_free;

	pcie->fd = open(pcie->path, O_RDWR | O_CLOEXEC);
	if (pcie->fd < 0) {
		ret = -errno;
		nvt__err("cannot open %s: %s%s", pcie->path, strerror(-ret),
			 ret == -ENOENT ? " (is the function bound? see nvmetest list)" : "");
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
