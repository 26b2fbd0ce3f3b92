// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl handlers: GET_INFO, and register and config space access (the
 * other ioctls live with their objects: dmabuf.c, admin.c, cmdlog.c).
 *
 * Each handler copies its argument in, checks every field (the errno of each
 * bad field is documented in include/nvmetest/uapi.h), touches the hardware
 * between nvtk_ctrl_lock_live() and nvtk_ctrl_unlock(), and copies results
 * out after dropping the lock.
 */
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nvtk.h"

#define NVTK_FEATURES	(NVT_FEATURE_REGS | NVT_FEATURE_CONFIG | NVT_FEATURE_GENL | \
			 NVT_FEATURE_DMABUF | NVT_FEATURE_ADMIN | NVT_FEATURE_CMDLOG | \
			 NVT_FEATURE_EVENTS | NVT_FEATURE_QPAIR | NVT_FEATURE_IRQ | \
			 NVT_FEATURE_CRC | NVT_FEATURE_RESET)

/* Allowed access widths, as a mask of BIT(width in bytes). */
#define NVTK_REG_WIDTHS		(BIT(4) | BIT(8))
#define NVTK_CONFIG_WIDTHS	(BIT(1) | BIT(2) | BIT(4))

/**
 * nvtk_ioctl_get_info() - NVT_IOCTL_GET_INFO: describe the controller.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_get_info.
 *
 * Reads only @uarg->in and writes only the first
 * min(in.output_size_bytes, sizeof(out)) bytes of @uarg->out.
 *
 * Return: 0, -EINVAL, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_get_info(struct nvtk_ctrl *ctrl,
			 struct nvt_ioctl_get_info __user *uarg)
{
	struct nvt_ioctl_get_info arg;
	struct pci_dev *pdev = ctrl->pdev;
	size_t len;
	int ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 152);

	memset(&arg, 0, sizeof(arg));
	if (copy_from_user(&arg.in, &uarg->in, sizeof(arg.in)))
		return -EFAULT;
	if (arg.in.flags || memchr_inv(arg.in.reserved, 0, sizeof(arg.in.reserved)))
		return -EINVAL;

	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	arg.out.output_size_bytes = sizeof(arg.out);
	arg.out.abi_version = NVT_ABI_VERSION;
	arg.out.features = NVTK_FEATURES;
	arg.out.pci_domain = pci_domain_nr(pdev->bus);
	arg.out.pci_bus = pdev->bus->number;
	arg.out.pci_dev = PCI_SLOT(pdev->devfn);
	arg.out.pci_fn = PCI_FUNC(pdev->devfn);
	arg.out.vendor_id = pdev->vendor;
	arg.out.device_id = pdev->device;
	arg.out.subsys_vendor_id = pdev->subsystem_vendor;
	arg.out.subsys_device_id = pdev->subsystem_device;
	arg.out.class_code = pdev->class;
	arg.out.config_size = pdev->cfg_size;
	arg.out.bar0_size = ctrl->bar_size;
	arg.out.minor = ctrl->minor;
	nvtk_ctrl_unlock(ctrl);

	len = min_t(size_t, arg.in.output_size_bytes, sizeof(arg.out));
	if (copy_to_user(&uarg->out, &arg.out, len))
		return -EFAULT;
	return 0;
}

/*
 * A failed config access: gone (surprise removal) is -ENODEV as documented for
 * every ioctl, anything else -EIO. (pcibios_err_to_errno() would give errnos
 * that mean something else in this ABI, such as -EFAULT and -ENOTTY.)
 */
static int nvtk_config_errno(int ret)
{
	if (!ret)
		return 0;
	return ret == PCIBIOS_DEVICE_NOT_FOUND ? -ENODEV : -EIO;
}

/*
 * Check an access against a space of @size bytes. The value is checked only
 * for writes: a read overwrites it.
 */
static int nvtk_access_check(const struct nvt_ioctl_access *a,
			     unsigned long widths, u64 size, bool write)
{

	if (a->flags || memchr_inv(a->reserved, 0, sizeof(a->reserved)))
		return -EINVAL;
	if (a->width > 8 || !(BIT(a->width) & widths))
		return -EINVAL;
	if (a->offset & (a->width - 1))
		return -EINVAL;
	if (write && a->width < 8 && a->value >> (a->width * 8))
		return -EINVAL;
	if (a->offset > size || a->width > size - a->offset)
		return -ERANGE;
	return 0;
}

/*
 * The common start of the four access ioctls: copy the argument in, check it
 * against a space of @size bytes, then take the controller live. On success
 * the caller holds the lock (nvtk_ctrl_unlock() when done).
 */
static int nvtk_access_begin(struct nvtk_ctrl *ctrl, struct nvt_ioctl_access __user *uarg,
			     struct nvt_ioctl_access *a, unsigned long widths, u64 size,
			     bool write)
{
	int ret;

	BUILD_BUG_ON(sizeof(*a) % 8);
	if (copy_from_user(a, uarg, sizeof(*a)))
		return -EFAULT;
	ret = nvtk_access_check(a, widths, size, write);
	if (ret)
		return ret;
	return nvtk_ctrl_lock_live(ctrl);
}

/**
 * nvtk_ioctl_read_reg() - NVT_IOCTL_READ_REG: read a BAR0 register.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_access; its value is set.
 *
 * An 8-byte read is two 4-byte reads, low dword first (NVMe 1.4 section 3.1).
 *
 * Return: 0, -EINVAL, -ERANGE, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_read_reg(struct nvtk_ctrl *ctrl,
			 struct nvt_ioctl_access __user *uarg)
{
	struct nvt_ioctl_access a;
	u64 value;
	int ret;

	ret = nvtk_access_begin(ctrl, uarg, &a, NVTK_REG_WIDTHS, ctrl->bar_size, false);
	if (ret)
		return ret;
	if (a.width == 8)
		value = lo_hi_readq(ctrl->bar + a.offset);
	else
		value = readl(ctrl->bar + a.offset);
	nvtk_ctrl_unlock(ctrl);

	return put_user(value, &uarg->value);
}

/**
 * nvtk_ioctl_write_reg() - NVT_IOCTL_WRITE_REG: write a BAR0 register.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_access.
 *
 * An 8-byte write is two 4-byte writes, low dword first (NVMe 1.4
 * section 3.1).
 *
 * Return: 0, -EINVAL, -ERANGE, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_write_reg(struct nvtk_ctrl *ctrl,
			  struct nvt_ioctl_access __user *uarg)
{
	struct nvt_ioctl_access a;
	int ret;

	ret = nvtk_access_begin(ctrl, uarg, &a, NVTK_REG_WIDTHS, ctrl->bar_size, true);
	if (ret)
		return ret;
	if (a.width == 8)
		lo_hi_writeq(a.value, ctrl->bar + a.offset);
	else
		writel(a.value, ctrl->bar + a.offset);
	nvtk_ctrl_unlock(ctrl);
	return 0;
}

/**
 * nvtk_ioctl_read_config() - NVT_IOCTL_READ_CONFIG: read PCI config space.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_access; its value is set.
 *
 * Return: 0, -EINVAL, -ERANGE, -EFAULT, -ENODEV or -EIO.
 */
long nvtk_ioctl_read_config(struct nvtk_ctrl *ctrl,
			    struct nvt_ioctl_access __user *uarg)
{
	struct pci_dev *pdev = ctrl->pdev;
	struct nvt_ioctl_access a;
	u32 dword = 0;
	u16 word = 0;
	u8 byte = 0;
	u64 value;
	int ret;

	ret = nvtk_access_begin(ctrl, uarg, &a, NVTK_CONFIG_WIDTHS, pdev->cfg_size, false);
	if (ret)
		return ret;
	switch (a.width) {
	case 1:
		ret = pci_read_config_byte(pdev, a.offset, &byte);
		value = byte;
		break;
	case 2:
		ret = pci_read_config_word(pdev, a.offset, &word);
		value = word;
		break;
	default:
		ret = pci_read_config_dword(pdev, a.offset, &dword);
		value = dword;
		break;
	}
	nvtk_ctrl_unlock(ctrl);
	if (ret)
		return nvtk_config_errno(ret);

	return put_user(value, &uarg->value);
}

/**
 * nvtk_ioctl_write_config() - NVT_IOCTL_WRITE_CONFIG: write PCI config space.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_access.
 *
 * Return: 0, -EINVAL, -ERANGE, -EFAULT, -ENODEV or -EIO.
 */
long nvtk_ioctl_write_config(struct nvtk_ctrl *ctrl,
			     struct nvt_ioctl_access __user *uarg)
{
	struct pci_dev *pdev = ctrl->pdev;
	struct nvt_ioctl_access a;
	int ret;

	ret = nvtk_access_begin(ctrl, uarg, &a, NVTK_CONFIG_WIDTHS, pdev->cfg_size, true);
	if (ret)
		return ret;
	switch (a.width) {
	case 1:
		ret = pci_write_config_byte(pdev, a.offset, a.value);
		break;
	case 2:
		ret = pci_write_config_word(pdev, a.offset, a.value);
		break;
	default:
		ret = pci_write_config_dword(pdev, a.offset, a.value);
		break;
	}
	nvtk_ctrl_unlock(ctrl);
	return nvtk_config_errno(ret);
}
