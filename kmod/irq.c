// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt vectors: NVT_IOCTL_MAP_IRQS, NVT_IOCTL_CTL_IRQ and the handlers.
 *
 * At bind, the function gets every vector it offers, MSI-X first, then MSI,
 * then INTx: the I/O queues will use vectors 1..n. Vector 0 belongs to the
 * admin completion queue (NVMe 1.4 section 3.1.8: the admin CQ always uses
 * interrupt vector 0) and gets its handler at once; it must cope with a
 * shared INTx line, so there it claims only interrupts that found
 * completions. An IO vector gets its handler when an IO CQ (or CTL_IRQ)
 * first uses it, and keeps it until the unbind.
 *
 * Every handler counts its interrupts in the counter page that
 * NVT_IOCTL_MAP_IRQS maps (one atomic64 per vector; user space may write
 * one to clear it, racing with the handler as it likes). An IO vector's
 * handler also signals the eventfd attached to the vector, and does
 * nothing else: it never looks at a CQ, so tests see delivery, masking and
 * coalescing as the device does them.
 *
 * No vector is no reason to refuse the bind (registers, config space and
 * buffers still work): NVT_IOCTL_SETUP_ADMIN then fails with -EIO.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "nvtk.h"

#define NVTK_IRQ_EVENTFD_NONE	0xffffffffU

/**
 * struct nvtk_vec - the state of one interrupt vector.
 * @ctrl: the controller (no reference: the vector lives in it).
 * @index: the vector's number.
 * @requested: an IO vector has its handler; under ctrl->irq_mutex.
 * @masked: NVT_IRQ_F_MASK is in force (disable_irq() done, not undone);
 *	under ctrl->irq_mutex.
 * @lock: protects @efd and @efd_owner; taken in the handler.
 * @efd: the eventfd each interrupt signals, or NULL.
 * @efd_owner: nvtk_file.id of the file that attached it.
 */
struct nvtk_vec {
	struct nvtk_ctrl *ctrl;
	u16 index;
	bool requested;
	bool masked;
	spinlock_t lock;
	struct eventfd_ctx *efd;
	u64 efd_owner;
};

/* An IO vector: count, signal, done (it never touches a CQ). */
static irqreturn_t nvtk_io_irq(int irq, void *data)
{
	struct nvtk_vec *v = data;

	atomic64_inc(&v->ctrl->irq_counters[v->index]);
	spin_lock(&v->lock);
	if (v->efd)
		nvtk_eventfd_signal(v->efd);
	spin_unlock(&v->lock);
	return IRQ_HANDLED;
}

/**
 * nvtk_irq_init() - allocate the vectors, their state and counters, and
 *	request vector 0.
 * @ctrl: the controller being probed (BAR0 mapped, admin state initialised).
 *
 * Return: 0, or -ENOMEM (no memory for the state; no vector is no error).
 */
int nvtk_irq_init(struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int max, ret, i;

	max = pci_msix_vec_count(pdev);
	if (max <= 0)
		max = pci_msi_vec_count(pdev);
	if (max <= 0)
		max = 1;
	ret = pci_alloc_irq_vectors(pdev, 1, max,
				    PCI_IRQ_MSIX | PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0) {
		dev_notice(&pdev->dev, "no interrupt vector: %d\n", ret);
		return 0;
	}
	ctrl->nr_vectors = ret;
	ctrl->irq_type = pdev->msix_enabled ? NVT_IRQ_TYPE_MSIX :
			 pdev->msi_enabled ? NVT_IRQ_TYPE_MSI : NVT_IRQ_TYPE_INTX;

	/* Zeroed, and fit for remap_vmalloc_range(). */
	ctrl->irq_counters_size = PAGE_ALIGN(ctrl->nr_vectors * sizeof(atomic64_t));
	ctrl->irq_counters = vmalloc_user(ctrl->irq_counters_size);
	ctrl->vecs = kcalloc(ctrl->nr_vectors, sizeof(*ctrl->vecs), GFP_KERNEL);
	if (!ctrl->irq_counters || !ctrl->vecs) {
		pci_free_irq_vectors(pdev);
		ctrl->nr_vectors = 0;
		return -ENOMEM;
	}
	for (i = 0; i < ctrl->nr_vectors; i++) {
		ctrl->vecs[i].ctrl = ctrl;
		ctrl->vecs[i].index = i;
		spin_lock_init(&ctrl->vecs[i].lock);
	}

	ret = pci_request_irq(pdev, 0, nvtk_admin_irq, NULL, ctrl,
			      NVTK_NAME "-%s-q0", pci_name(pdev));
	if (ret) {
		dev_notice(&pdev->dev, "cannot request the admin interrupt: %d\n", ret);
		return 0;
	}
	ctrl->irq_requested = true;
	return 0;
}

/**
 * nvtk_irq_use() - make sure an IO vector has its handler.
 * @ctrl: the controller; the caller is inside nvtk_ctrl_lock_live().
 * @vector: 1 .. nr_vectors - 1.
 *
 * Masking disables the vector at once (IRQ_DISABLE_UNLAZY: the MSI-X mask
 * bit is set by CTL_IRQ itself, not at the next interrupt).
 *
 * Return: 0 or the error of request_irq().
 */
int nvtk_irq_use(struct nvtk_ctrl *ctrl, u16 vector)
{
	struct pci_dev *pdev = ctrl->pdev;
	struct nvtk_vec *v = &ctrl->vecs[vector];
	int ret = 0;

	mutex_lock(&ctrl->irq_mutex);
	if (!v->requested) {
		irq_set_status_flags(pci_irq_vector(pdev, vector), IRQ_DISABLE_UNLAZY);
		ret = pci_request_irq(pdev, vector, nvtk_io_irq, NULL, v,
				      NVTK_NAME "-%s-v%u", pci_name(pdev), vector);
		if (ret)
			irq_clear_status_flags(pci_irq_vector(pdev, vector),
					       IRQ_DISABLE_UNLAZY);
		else
			v->requested = true;
	}
	mutex_unlock(&ctrl->irq_mutex);
	return ret;
}

/* Swap the eventfd of @v (NULL detaches); the old one is put. */
static void nvtk_vec_set_eventfd(struct nvtk_vec *v, struct eventfd_ctx *efd, u64 owner)
{
	struct eventfd_ctx *old;

	spin_lock_irq(&v->lock);
	old = v->efd;
	v->efd = efd;
	v->efd_owner = owner;
	spin_unlock_irq(&v->lock);
	if (old)
		eventfd_ctx_put(old);
}

/**
 * nvtk_irq_exit() - free every handler and every vector (remove, or a
 *	probe that failed).
 * @ctrl: the controller, dead.
 *
 * On return no handler runs anywhere and none ever will again. The counters
 * and the vector state stay (mappings may use the counters) until
 * nvtk_irq_free().
 */
void nvtk_irq_exit(struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int i;

	if (ctrl->irq_requested)
		pci_free_irq(pdev, 0, ctrl);
	ctrl->irq_requested = false;
	for (i = 1; i < ctrl->nr_vectors; i++) {
		struct nvtk_vec *v = &ctrl->vecs[i];

		if (!v->requested)
			continue;
		if (v->masked)
			enable_irq(pci_irq_vector(pdev, i));
		v->masked = false;
		pci_free_irq(pdev, i, v);
		irq_clear_status_flags(pci_irq_vector(pdev, i), IRQ_DISABLE_UNLAZY);
		v->requested = false;
		nvtk_vec_set_eventfd(v, NULL, 0);
	}
	if (ctrl->nr_vectors)
		pci_free_irq_vectors(pdev);
	ctrl->nr_vectors = 0;
}

/**
 * nvtk_irq_free() - free the counters and the vector state (the struct
 *	goes: no mapping is left).
 * @ctrl: the controller.
 */
void nvtk_irq_free(struct nvtk_ctrl *ctrl)
{
	vfree(ctrl->irq_counters);
	ctrl->irq_counters = NULL;
	kfree(ctrl->vecs);
	ctrl->vecs = NULL;
}

/**
 * nvtk_ioctl_map_irqs() - NVT_IOCTL_MAP_IRQS: where the counters are.
 * @nf: the file.
 * @uarg: the user's struct nvt_ioctl_map_irqs.
 *
 * Return: 0, -EINVAL, -EIO, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_map_irqs(struct nvtk_file *nf,
			 struct nvt_ioctl_map_irqs __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_map_irqs arg;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 56);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	if (!ctrl->nr_vectors) {
		nvtk_ctrl_unlock(ctrl);
		return -EIO;
	}
	arg.irq_type = ctrl->irq_type;
	arg.nr_vectors = ctrl->nr_vectors;
	arg.pad0 = 0;
	arg.mmap_offset = NVTK_MMAP_IRQ;
	arg.mmap_size = ctrl->irq_counters_size;
	nvtk_ctrl_unlock(ctrl);
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/**
 * nvtk_ioctl_ctl_irq() - NVT_IOCTL_CTL_IRQ: mask, unmask, attach an eventfd.
 * @nf: the file.
 * @uarg: the user's struct nvt_ioctl_ctl_irq.
 *
 * Mask and unmask are idempotent (a second mask is no deeper). Masking
 * disables the vector (disable_irq(): for MSI-X the vector control mask
 * bit); an interrupt that comes meanwhile stays pending in the device and
 * arrives at the unmask. Both hold for every file until changed.
 *
 * Return: 0, -EINVAL, -EBADF, -EFAULT, -ENODEV or an error of request_irq().
 */
long nvtk_ioctl_ctl_irq(struct nvtk_file *nf,
			struct nvt_ioctl_ctl_irq __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_ctl_irq arg;
	struct eventfd_ctx *efd = NULL;
	struct nvtk_vec *v;
	unsigned int irq;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 32);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (hweight32(arg.flags) != 1 ||
	    (arg.flags & ~(NVT_IRQ_F_MASK | NVT_IRQ_F_UNMASK | NVT_IRQ_F_EVENTFD)) ||
	    arg.pad0 || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (!(arg.flags & NVT_IRQ_F_EVENTFD) && arg.eventfd)
		return -EINVAL;
	if ((arg.flags & NVT_IRQ_F_EVENTFD) && arg.eventfd != NVTK_IRQ_EVENTFD_NONE) {
		efd = eventfd_ctx_fdget((int)arg.eventfd);
		if (IS_ERR(efd))
			return -EBADF;
	}

	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		goto out_put;
	ret = -EINVAL;
	if (!arg.vector || arg.vector >= ctrl->nr_vectors)
		goto out_unlock;
	ret = nvtk_irq_use(ctrl, arg.vector);
	if (ret)
		goto out_unlock;
	v = &ctrl->vecs[arg.vector];
	irq = pci_irq_vector(ctrl->pdev, arg.vector);

	mutex_lock(&ctrl->irq_mutex);
	switch (arg.flags) {
	case NVT_IRQ_F_MASK:
		if (!v->masked)
			disable_irq(irq);	/* waits for a handler running now */
		v->masked = true;
		break;
	case NVT_IRQ_F_UNMASK:
		if (v->masked)
			enable_irq(irq);
		v->masked = false;
		break;
	default:
		nvtk_vec_set_eventfd(v, efd, nf->id);
		efd = NULL;	/* the vector has it now */
		break;
	}
	mutex_unlock(&ctrl->irq_mutex);
	ret = 0;
out_unlock:
	nvtk_ctrl_unlock(ctrl);
out_put:
	if (efd)
		eventfd_ctx_put(efd);
	return ret;
}

/**
 * nvtk_irq_release_file() - a file goes: detach the eventfds it attached.
 * @nf: the file.
 */
void nvtk_irq_release_file(struct nvtk_file *nf)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	int i;

	/* After the unbind nr_vectors is 0 (the array stays until the struct goes). */
	for (i = 1; i < READ_ONCE(ctrl->nr_vectors); i++) {
		struct nvtk_vec *v = &ctrl->vecs[i];
		struct eventfd_ctx *old = NULL;

		spin_lock_irq(&v->lock);
		if (v->efd && v->efd_owner == nf->id) {
			old = v->efd;
			v->efd = NULL;
		}
		spin_unlock_irq(&v->lock);
		if (old)
			eventfd_ctx_put(old);
	}
}

/**
 * nvtk_irq_mmap() - map (part of) the counter page, read-write, shared.
 * @nf: the file.
 * @vma: the mapping; vm_pgoff is in the counter region.
 *
 * Return: 0, -EINVAL (not shared, beyond the counters, no vectors) or an
 * error of remap_vmalloc_range().
 */
int nvtk_irq_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	unsigned long pgoff = vma->vm_pgoff - (NVTK_MMAP_IRQ >> PAGE_SHIFT);
	unsigned long npages = ctrl->irq_counters_size >> PAGE_SHIFT;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || !ctrl->irq_counters)
		return -EINVAL;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff)
		return -EINVAL;
	ret = remap_vmalloc_range(vma, ctrl->irq_counters, pgoff);
	if (ret)
		return ret;
	nvtk_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nvtk_ctrl_vm_ops;
	vma->vm_private_data = ctrl;
	nvtk_ctrl_get(ctrl);
	return 0;
}
