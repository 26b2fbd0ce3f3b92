// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt vectors.
 *
 * At bind, the function gets every vector it offers, MSI-X first, then MSI,
 * then INTx: the I/O queues will use vectors 1..n. Vector 0 belongs to the
 * admin completion queue (NVMe 1.4 section 3.1.8: the admin CQ always uses
 * interrupt vector 0) and gets its handler at once; it must cope with a
 * shared INTx line, so it claims only interrupts that found completions.
 *
 * No vector is no reason to refuse the bind (registers, config space and
 * buffers still work): NVT_IOCTL_SETUP_ADMIN then fails with -EIO.
 */
#include <linux/interrupt.h>
#include <linux/pci.h>

#include "compat.h"
#include "nvtk.h"

/**
 * nvtk_irq_init() - allocate the vectors and request vector 0.
 * @ctrl: the controller being probed (BAR0 mapped, admin state initialised).
 */
void nvtk_irq_init(struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int max, ret;

	max = pci_msix_vec_count(pdev);
	if (max <= 0)
		max = pci_msi_vec_count(pdev);
	if (max <= 0)
		max = 1;
	ret = pci_alloc_irq_vectors(pdev, 1, max,
				    PCI_IRQ_MSIX | PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0) {
		dev_notice(&pdev->dev, "no interrupt vector: %d\n", ret);
		return;
	}
	ctrl->nr_vectors = ret;

	ret = pci_request_irq(pdev, 0, nvtk_admin_irq, NULL, ctrl,
			      NVTK_NAME "-%s-q0", pci_name(pdev));
	if (ret) {
		dev_notice(&pdev->dev, "cannot request the admin interrupt: %d\n", ret);
		return;
	}
	ctrl->irq_requested = true;
}

/**
 * nvtk_irq_exit() - free vector 0's handler and every vector.
 * @ctrl: the controller being removed (or whose probe failed).
 *
 * On return the admin handler runs nowhere and never will again.
 */
void nvtk_irq_exit(struct nvtk_ctrl *ctrl)
{
	if (ctrl->irq_requested)
		pci_free_irq(ctrl->pdev, 0, ctrl);
	ctrl->irq_requested = false;
	if (ctrl->nr_vectors)
		pci_free_irq_vectors(ctrl->pdev);
	ctrl->nr_vectors = 0;
}
