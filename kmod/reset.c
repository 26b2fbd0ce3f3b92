// SPDX-License-Identifier: GPL-2.0
/*
 * Resets of the function: NVT_IOCTL_RESET, the PCI core's reset callbacks
 * (sysfs "reset", a bus reset of a neighbour), PCI error recovery and
 * system sleep (the drive loses power in S3).
 *
 * Every reset runs between nvtk_reset_prepare() and nvtk_reset_done().
 * Prepare marks the controller resetting: ioctls give -EBUSY and doorbell
 * mappings fault in a page of nothing, so user space cannot reach the
 * function while it resets. Done makes sure the controller is disabled
 * (a reset that left it enabled, say a link disable the port ignores, is
 * followed by CC.EN = 0), then tears down what the controller lost: the
 * admin queue with its outstanding commands, and every IO queue (stale).
 * Only then is their memory given back, so the device never writes into
 * memory that went elsewhere.
 */
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/pci.h>
#include <linux/pm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nvtk.h"

#define NVTK_REG_NSSR		0x20		/* 3.1.7 NVM Subsystem Reset */
#define NVTK_NSSR_MAGIC		0x4e564d65	/* "NVMe" */
#define NVTK_CAP_NSSRS		BIT_ULL(36)
/* PCIe r5.0 section 6.6.1: 100 ms after a reset before config requests. */
#define NVTK_RESET_SETTLE_MS	100
/* How long a function may answer config reads with all ones afterwards. */
#define NVTK_RESET_ANSWER_MS	2000
/*
 * Between fencing the doorbells and resetting: time for what the device
 * already fetched to reach its medium. Commands stay outstanding for the
 * host all the same (nobody reaps them); QEMU 7.2's controller crashes
 * (nvme_rw_complete_cb after the queue was freed) when a reset lands on a
 * block request still in flight.
 */
#define NVTK_RESET_QUIESCE_MS	100

/* Enter or leave the resetting state; see nvtk_db_fault() for the zap. */
static void nvtk_reset_set(struct nvtk_ctrl *ctrl, bool resetting)
{
	down_write(&ctrl->lock);
	WRITE_ONCE(ctrl->resetting, resetting);
	up_write(&ctrl->lock);
	nvtk_zap_mappings(ctrl, NVTK_MMAP_DB, NVTK_MMAP_DB_SPAN);
}

/**
 * nvtk_reset_prepare() - keep user space away from a function about to be
 *	reset.
 * @ctrl: the controller.
 *
 * Waits for the ioctls that are touching the hardware; later ones give
 * -EBUSY until nvtk_reset_done(), then lets the device finish what it
 * fetched (NVTK_RESET_QUIESCE_MS). The tick goes on: it only reads CSTS
 * (all ones during a reset is not a fatal status) and the admin CQ, whose
 * memory stays until done.
 */
void nvtk_reset_prepare(struct nvtk_ctrl *ctrl)
{
	nvtk_reset_set(ctrl, true);
	msleep(NVTK_RESET_QUIESCE_MS);
}

/**
 * nvtk_reset_done() - the function was reset: invalidate what the
 *	controller lost and let user space back in.
 * @ctrl: the controller, prepared by nvtk_reset_prepare().
 * @type: NVT_RESET_* for the event (0: a reset from elsewhere).
 *
 * Return: 0, -ETIMEDOUT (the controller kept CSTS.RDY = 1: its queues are
 * kept, since it may still use them) or -EIO (the function reads all
 * ones: everything is torn down, as a reset function uses no memory).
 */
int nvtk_reset_done(struct nvtk_ctrl *ctrl, u32 type)
{
	struct nvtk_event ev = { .type = NVT_EVENT_RESET, .reset_type = type };
	int ret;

	ret = nvtk_ctrl_disable(ctrl);
	if (ret == -ETIMEDOUT) {
		dev_err(&ctrl->pdev->dev, "still ready (CSTS.RDY = 1) after a reset: queues kept\n");
		nvtk_reset_set(ctrl, false);
		return ret;
	}
	nvtk_admin_destroy(ctrl);
	spin_lock_irq(&ctrl->q_lock);
	nvtk_ioq_invalidate(ctrl);
	spin_unlock_irq(&ctrl->q_lock);
	nvtk_ioq_reset(ctrl);
	nvtk_reset_set(ctrl, false);
	nvtk_genl_event(ctrl, &ev);
	return ret == -ENODEV ? -EIO : 0;
}

/*
 * After a reset that may take the function off the link: wait until it
 * answers config reads again (all ones while it does not), at most
 * NVTK_RESET_ANSWER_MS.
 */
static int nvtk_wait_answer(struct pci_dev *pdev)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(NVTK_RESET_ANSWER_MS);
	u32 id;

	msleep(NVTK_RESET_SETTLE_MS);
	for (;;) {
		if (!pci_read_config_dword(pdev, PCI_VENDOR_ID, &id) && id != ~0U &&
		    (id & 0xffff) != 0x0001)	/* 0001h: Configuration RRS */
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		msleep(20);
	}
}

/* The upstream port of a function alone below it, or NULL. */
static struct pci_dev *nvtk_own_port(struct pci_dev *pdev)
{
	struct pci_dev *port = pci_upstream_bridge(pdev);

	if (!port || !pci_is_pcie(port) || !list_is_singular(&pdev->bus->devices))
		return NULL;
	return port;
}

/* NVMe 1.4 section 3.1.7; only where CAP.NSSRS says it exists. */
static int nvtk_do_nssr(struct nvtk_ctrl *ctrl)
{
	writel(NVTK_NSSR_MAGIC, ctrl->bar + NVTK_REG_NSSR);
	/* The subsystem reset may take the link down (section 7.3.1). */
	return nvtk_wait_answer(ctrl->pdev);
}

/* PCIe r5.0 section 7.5.3.7: Link Disable, then enable and retrain. */
static int nvtk_do_link_disable(struct pci_dev *pdev, struct pci_dev *port)
{
	pcie_capability_set_word(port, PCI_EXP_LNKCTL, PCI_EXP_LNKCTL_LD);
	msleep(NVTK_RESET_SETTLE_MS);
	pcie_capability_clear_word(port, PCI_EXP_LNKCTL, PCI_EXP_LNKCTL_LD);
	return nvtk_wait_answer(pdev);
}

/*
 * Whether the function has reset @type: 0 or -EOPNOTSUPP. With the device
 * lock held (the BAR stays mapped).
 */
static int nvtk_reset_possible(struct nvtk_ctrl *ctrl, u32 type)
{
	struct pci_dev *pdev = ctrl->pdev;

	switch (type) {
	case NVT_RESET_NSSR:
		if (!(lo_hi_readq(ctrl->bar + NVTK_REG_CAP) & NVTK_CAP_NSSRS))
			return -EOPNOTSUPP;
		return 0;
	case NVT_RESET_FLR:
		return pcie_reset_flr(pdev, PCI_RESET_PROBE) ? -EOPNOTSUPP : 0;
	case NVT_RESET_HOT:
	case NVT_RESET_LINK:
		return nvtk_own_port(pdev) ? 0 : -EOPNOTSUPP;
	default:
		return 0;
	}
}

/*
 * The resets this module performs itself, between prepare and done, with
 * the device lock held (no remove, no other reset of it meanwhile) and user
 * config access blocked.
 */
static int nvtk_reset_locked(struct nvtk_ctrl *ctrl, u32 type)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret, done;

	nvtk_reset_prepare(ctrl);
	pci_cfg_access_lock(pdev);
	pci_save_state(pdev);
	switch (type) {
	case NVT_RESET_CONTROLLER:
		ret = 0;	/* nvtk_reset_done() disables it */
		break;
	case NVT_RESET_NSSR:
		ret = nvtk_do_nssr(ctrl);
		break;
	case NVT_RESET_FLR:
		ret = pcie_reset_flr(pdev, PCI_RESET_DO_RESET);
		break;
	default:
		ret = nvtk_do_link_disable(pdev, nvtk_own_port(pdev));
		break;
	}
	pci_restore_state(pdev);
	pci_cfg_access_unlock(pdev);
	done = nvtk_reset_done(ctrl, type);
	return ret ? ret : done;
}

/* reset_result until our reset_done ran. */
#define NVTK_RESET_NOT_DONE	1

/*
 * Hot reset: the PCI core resets the slot or bus (pci_reset_bus(): it
 * locks the devices there, calls our reset_prepare/reset_done and keeps
 * pciehp quiet). Once our hooks ran the reset happened, whatever the core
 * says about the link afterwards (QEMU's root ports never set Data Link
 * Layer Link Active again, so the core's wait for it fails although the
 * function answers).
 */
static int nvtk_reset_hot(struct nvtk_ctrl *ctrl)
{
	int ret, done;

	WRITE_ONCE(ctrl->reset_result, NVTK_RESET_NOT_DONE);
	ret = pci_reset_bus(ctrl->pdev);
	done = READ_ONCE(ctrl->reset_result);
	if (done != NVTK_RESET_NOT_DONE) {
		if (ret)
			dev_info(&ctrl->pdev->dev, "bus reset done; the PCI core said %d\n", ret);
		return done;
	}
	if (ret == -EAGAIN)
		return -EBUSY;	/* the core could not lock every device there */
	if (ret == -ENOTTY)
		return -EOPNOTSUPP;
	return ret;
}

/**
 * nvtk_ioctl_reset() - NVT_IOCTL_RESET: reset the function.
 * @ctrl: the controller of the file.
 * @uarg: the user's struct nvt_ioctl_reset.
 *
 * Return: 0, -EINVAL, -EOPNOTSUPP, -EBUSY, -ETIMEDOUT, -EIO, -EFAULT or
 * -ENODEV.
 */
long nvtk_ioctl_reset(struct nvtk_ctrl *ctrl, struct nvt_ioctl_reset __user *uarg)
{
	struct nvt_ioctl_reset arg;
	struct device *dev = &ctrl->pdev->dev;
	bool go;
	int ret;

	BUILD_BUG_ON(sizeof(arg) != 24);
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~NVT_RESET_F_PROBE) || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.type < NVT_RESET_CONTROLLER || arg.type > NVT_RESET_LINK)
		return -EINVAL;

	/* Not with ctrl->lock held: prepare takes it, and remove waits for it. */
	device_lock(dev);
	ret = nvtk_ctrl_state(ctrl);
	if (!ret)
		ret = nvtk_reset_possible(ctrl, arg.type);
	go = !ret && !(arg.flags & NVT_RESET_F_PROBE);
	if (go && arg.type != NVT_RESET_HOT)
		ret = nvtk_reset_locked(ctrl, arg.type);
	device_unlock(dev);
	/* pci_reset_bus() takes the device locks of the bus itself. */
	if (go && arg.type == NVT_RESET_HOT)
		ret = nvtk_reset_hot(ctrl);
	return ret;
}

/* ---- the PCI core's callbacks (struct pci_error_handlers) ---- */

/*
 * A reset the core does (sysfs "reset", pci_reset_bus() of ours or of a
 * neighbour): prepare here, done in nvtk_pci_reset_done().
 */
static void nvtk_pci_reset_prepare(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);

	if (ctrl)
		nvtk_reset_prepare(ctrl);
}

static void nvtk_pci_reset_done(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);
	u32 type;

	if (!ctrl)
		return;
	/* ours (a hot reset) while NVT_IOCTL_RESET awaits it, else the core's */
	type = READ_ONCE(ctrl->reset_result) == NVTK_RESET_NOT_DONE ? NVT_RESET_HOT : 0;
	WRITE_ONCE(ctrl->reset_result, nvtk_reset_done(ctrl, type));
}

static void nvtk_pci_event(struct nvtk_ctrl *ctrl, u32 state)
{
	struct nvtk_event ev = { .type = NVT_EVENT_PCI_ERROR, .pci_state = state };

	nvtk_genl_event(ctrl, &ev);
}

/*
 * Error recovery (AER, DPC, EEH): report each step as an event. A frozen
 * channel is treated as a reset: prepare now, done at slot_reset.
 */
static pci_ers_result_t nvtk_pci_error_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return PCI_ERS_RESULT_NONE;
	switch (state) {
	case pci_channel_io_normal:
		nvtk_pci_event(ctrl, NVT_PCI_STATE_NORMAL);
		return PCI_ERS_RESULT_CAN_RECOVER;
	case pci_channel_io_frozen:
		nvtk_pci_event(ctrl, NVT_PCI_STATE_FROZEN);
		if (!READ_ONCE(ctrl->resetting))
			nvtk_reset_prepare(ctrl);
		return PCI_ERS_RESULT_NEED_RESET;
	default:
		nvtk_pci_event(ctrl, NVT_PCI_STATE_FAILED);
		return PCI_ERS_RESULT_DISCONNECT;
	}
}

static pci_ers_result_t nvtk_pci_slot_reset(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);

	if (!ctrl)
		return PCI_ERS_RESULT_NONE;
	pci_restore_state(pdev);
	if (!READ_ONCE(ctrl->resetting))
		nvtk_reset_prepare(ctrl);	/* recovery without a frozen step */
	return nvtk_reset_done(ctrl, 0) ? PCI_ERS_RESULT_DISCONNECT : PCI_ERS_RESULT_RECOVERED;
}

static void nvtk_pci_resume(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);

	if (ctrl)
		nvtk_pci_event(ctrl, NVT_PCI_STATE_RESUMED);
}

/*
 * System sleep: the drive loses power in S3, so suspend is a reset that
 * begins (the controller is disabled: no DMA while memory sleeps) and
 * resume is where it ends.
 */
static int nvtk_pm_suspend(struct device *dev)
{
	struct nvtk_ctrl *ctrl = dev_get_drvdata(dev);

	if (ctrl) {
		nvtk_reset_prepare(ctrl);
		nvtk_ctrl_disable(ctrl);
	}
	return 0;
}

static int nvtk_pm_resume(struct device *dev)
{
	struct nvtk_ctrl *ctrl = dev_get_drvdata(dev);

	if (ctrl)
		nvtk_reset_done(ctrl, 0);
	return 0;
}

DEFINE_SIMPLE_DEV_PM_OPS(nvtk_pm_ops, nvtk_pm_suspend, nvtk_pm_resume);

/* Used by nvtk_pci_driver (pci.c). */
const struct pci_error_handlers nvtk_pci_err_handlers = {
	.error_detected	= nvtk_pci_error_detected,
	.slot_reset	= nvtk_pci_slot_reset,
	.resume		= nvtk_pci_resume,
	.reset_prepare	= nvtk_pci_reset_prepare,
	.reset_done	= nvtk_pci_reset_done,
};
