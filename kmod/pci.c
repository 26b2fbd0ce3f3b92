// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI driver: probe and remove.
 *
 * The id table is empty: nvmetest binds only a function that user space hands
 * it through driver_override (the `nvmetest bind BDF` tool, or by hand:
 * unbind from nvme, write "nvmetest" to driver_override, write the BDF to
 * /sys/bus/pci/drivers_probe). It never claims a disk by itself.
 *
 * Probe does not touch the controller's registers: the library runs the
 * initialisation, so that custom init sequences stay possible.
 */
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <linux/sizes.h>

#include "nvtk.h"

/*
 * Undo the probe's steps from the interrupt vectors to the PRP pools, for a
 * probe that failed at nvtk_cdev_add() or for an unbind. A racing open may
 * hold a reference, so the controller is marked dead first: its ioctls stop
 * before anything goes.
 */
static void nvtk_pci_teardown(struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;

	nvtk_ctrl_kill(ctrl);
	/* The controller lets go of every queue (CC.EN = 0) ... */
	nvtk_admin_quiesce(ctrl);
	/* ... user space no longer reaches the BAR through a doorbell mapping, */
	nvtk_zap_mappings(ctrl, NVTK_MMAP_DB, NVTK_MMAP_DB_SPAN);
	/* no interrupt handler runs from here on ... */
	nvtk_irq_exit(ctrl);
	/* ... and the device DMAs no more, */
	pci_clear_master(pdev);
	/* so outstanding commands can be cancelled and their memory let go. */
	nvtk_admin_destroy(ctrl);
	nvtk_ioq_destroy(ctrl);
	nvtk_crc_destroy(ctrl);
	nvtk_ctrl_mark_removed(ctrl);
	nvtk_prp_res_destroy(ctrl);
}

static int nvtk_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nvtk_ctrl *ctrl;
	int ret;

	/* NVMe 1.4 section 3.1: the controller registers are in memory BAR0. */
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "BAR0 is not a memory BAR\n");
		return -ENODEV;
	}

	ctrl = nvtk_ctrl_alloc(pdev);
	if (!ctrl)
		return -ENOMEM;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_put;

	ret = pci_request_mem_regions(pdev, NVTK_NAME);
	if (ret)
		goto err_disable;

	/* NVMe addresses are 64-bit (PRPs, ASQ, ACQ); take less if we must. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		goto err_release;
	pci_set_master(pdev);

	ctrl->bar_size = pci_resource_len(pdev, 0);
	ctrl->bar = pci_ioremap_bar(pdev, 0);
	if (!ctrl->bar) {
		ret = -ENOMEM;
		goto err_release;
	}

	/* Freed with the struct: it may stay mapped after an unbind. */
	ret = nvtk_cmdlog_alloc(ctrl);
	if (ret)
		goto err_unmap;

	ret = nvtk_irq_init(ctrl);
	if (ret)
		goto err_unmap;

	ret = nvtk_cdev_add(ctrl);
	if (ret)
		goto err_teardown;

	pci_set_drvdata(pdev, ctrl);
	dev_info(&pdev->dev, "bound as /dev/" NVTK_NAME "%d, %d interrupt vectors\n",
		 ctrl->minor, ctrl->nr_vectors);
	return 0;

err_teardown:
	nvtk_pci_teardown(ctrl);
err_unmap:
	iounmap(ctrl->bar);
	ctrl->bar = NULL;
err_release:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_put:
	nvtk_ctrl_put(ctrl);
	return ret;
}

/*
 * Unbind: no new open can find the controller, open files see it dead
 * (-ENODEV) and their waiters wake up with their commands cancelled, the
 * hardware is released at once, and the struct is freed at the last close
 * (or munmap of a command log, a queue, the counters, or free of a buffer).
 *
 * If this binding set up an admin queue, the controller is disabled
 * (CC.EN = 0, then CSTS.RDY = 0 awaited up to CAP.TO) before any queue
 * memory is freed: otherwise it would keep queues in memory given back,
 * and write into it (an AER completing, say) as soon as a later binding
 * turns bus mastering on again. Bus mastering is off afterwards as well.
 * The kernel resets nothing else by itself.
 */
static void nvtk_pci_remove(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl = pci_get_drvdata(pdev);
	struct nvtk_event ev = { .type = NVT_EVENT_REMOVED };

	nvtk_cdev_del(ctrl);
	nvtk_pci_teardown(ctrl);
	iounmap(ctrl->bar);
	ctrl->bar = NULL;
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	nvtk_genl_event(ctrl, &ev);
	nvtk_ctrl_put(ctrl);
}

/* Bound only through driver_override: no ids, and no MODULE_DEVICE_TABLE. */
struct pci_driver nvtk_pci_driver = {
	.name		= NVTK_NAME,
	.id_table	= NULL,
	.probe		= nvtk_pci_probe,
	.remove		= nvtk_pci_remove,
	.err_handler	= &nvtk_pci_err_handlers,
	.driver.pm	= pm_sleep_ptr(&nvtk_pm_ops),
};
