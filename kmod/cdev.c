// SPDX-License-Identifier: GPL-2.0
/*
 * The controller object's lifetime and its character device /dev/nvmetestN:
 * open, release, ioctl dispatch, mmap and poll.
 *
 * A controller is reachable from user space only through nvtk_ctrls: open
 * looks its minor up there and takes a reference under nvtk_ctrls_lock, so
 * it can never race with the struct being freed. Remove takes it off the
 * list, then marks it dead; files opened before that keep the struct alive
 * and get -ENODEV from every ioctl until their last close frees it.
 *
 * Each open file has a struct nvtk_file: its DMA buffers and the
 * completions of the admin commands it submitted. Release frees all of it;
 * commands still outstanding complete into the void, and the buffers they
 * use live on until they do (see dmabuf.c).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>

#include "nvtk.h"

/*
 * Bound controllers, sorted by minor. nvtk_ctrls_lock protects the list and
 * every controller's serial and model; it is a spinlock because the admin
 * interrupt fills those in (admin.c), so take it with interrupts off.
 */
LIST_HEAD(nvtk_ctrls);
DEFINE_SPINLOCK(nvtk_ctrls_lock);

/**
 * nvtk_ctrl_alloc() - allocate the controller object for a PCI function.
 * @pdev: the function being probed.
 *
 * Return: the object holding one reference (the binding's) and a reference
 * on @pdev, or NULL when out of memory.
 */
struct nvtk_ctrl *nvtk_ctrl_alloc(struct pci_dev *pdev)
{
	struct nvtk_ctrl *ctrl;

	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return NULL;
	ctrl->db_dummy = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!ctrl->db_dummy) {
		kfree(ctrl);
		return NULL;
	}
	kref_init(&ctrl->ref);
	init_rwsem(&ctrl->lock);
	INIT_LIST_HEAD(&ctrl->node);
	mutex_init(&ctrl->files_mutex);
	INIT_LIST_HEAD(&ctrl->files);
	mutex_init(&ctrl->prp_mutex);
	mutex_init(&ctrl->irq_mutex);
	nvtk_admin_init(ctrl);
	nvtk_ioq_init(ctrl);
	nvtk_crc_init(ctrl);
	ctrl->minor = -1;
	ctrl->pdev = pci_dev_get(pdev);
	return ctrl;
}

/* Everything that needed the device went at remove; the rest goes here. */
static void nvtk_ctrl_free(struct kref *ref)
{
	struct nvtk_ctrl *ctrl = container_of(ref, struct nvtk_ctrl, ref);

	nvtk_cmdlog_free(ctrl);
	nvtk_irq_free(ctrl);
	__free_page(ctrl->db_dummy);
	pci_dev_put(ctrl->pdev);
	kfree(ctrl);
}

/**
 * nvtk_ctrl_get() - take a reference on a controller the caller holds one on.
 * @ctrl: the controller.
 */
void nvtk_ctrl_get(struct nvtk_ctrl *ctrl)
{
	kref_get(&ctrl->ref);
}

/**
 * nvtk_ctrl_put() - drop a reference; the last one frees the controller.
 * @ctrl: the controller.
 */
void nvtk_ctrl_put(struct nvtk_ctrl *ctrl)
{
	kref_put(&ctrl->ref, nvtk_ctrl_free);
}

/**
 * nvtk_ctrl_lock_live() - begin an access to the hardware.
 * @ctrl: the controller.
 *
 * Takes @ctrl->lock shared; on success the BAR stays mapped and the function
 * stays bound until nvtk_ctrl_unlock(). Call it after copying the ioctl's
 * argument in and drop it before copying results out, so that no page fault
 * happens under the lock.
 *
 * Return: 0 with the lock held, or (lock not held) -ENODEV when the
 * controller has been unbound, -EBUSY while the function resets.
 */
int nvtk_ctrl_lock_live(struct nvtk_ctrl *ctrl)
{
	int ret;

	down_read(&ctrl->lock);
	ret = nvtk_ctrl_state(ctrl);
	if (ret)
		up_read(&ctrl->lock);
	return ret;
}

/**
 * nvtk_ctrl_unlock() - end an access begun by nvtk_ctrl_lock_live().
 * @ctrl: the controller.
 */
void nvtk_ctrl_unlock(struct nvtk_ctrl *ctrl)
{
	up_read(&ctrl->lock);
}

/**
 * nvtk_ctrl_kill() - mark a controller dead (remove).
 * @ctrl: the controller.
 *
 * Waits for the ioctls inside nvtk_ctrl_lock_live(); afterwards none starts,
 * so nothing arms the tick or rings a doorbell any more.
 */
void nvtk_ctrl_kill(struct nvtk_ctrl *ctrl)
{
	down_write(&ctrl->lock);
	WRITE_ONCE(ctrl->dead, true);
	up_write(&ctrl->lock);
}

/**
 * nvtk_ctrl_mark_removed() - every command of a dead controller has been
 *	cancelled: wake the files that wait for completions, so that they
 *	collect the cancellations and then see the controller gone.
 * @ctrl: the controller.
 */
void nvtk_ctrl_mark_removed(struct nvtk_ctrl *ctrl)
{
	struct nvtk_file *nf;

	WRITE_ONCE(ctrl->removed, true);
	mutex_lock(&ctrl->files_mutex);
	list_for_each_entry(nf, &ctrl->files, node)
		wake_up_all(&nf->cpl_wait);
	mutex_unlock(&ctrl->files_mutex);
}

/**
 * nvtk_zap_mappings() - remove the page table entries of every mapping of
 *	a range of mmap offsets, in every process; a later access faults again.
 * @ctrl: the controller.
 * @offset: the first mmap offset of the range.
 * @len: its length in bytes.
 *
 * A mapping holds its file, and a file stays in ctrl->files until its last
 * reference goes, so every mapping is in the address space of a file in
 * the list (several files opened through one node share theirs).
 */
void nvtk_zap_mappings(struct nvtk_ctrl *ctrl, u64 offset, u64 len)
{
	struct nvtk_file *nf;

	mutex_lock(&ctrl->files_mutex);
	list_for_each_entry(nf, &ctrl->files, node)
		unmap_mapping_range(nf->mapping, offset, len, 1);
	mutex_unlock(&ctrl->files_mutex);
}

/**
 * nvtk_vm_no_split() - vm_operations_struct.may_split of every mapping of
 *	the module: one mapping holds one reference, so no partial munmap or
 *	mprotect.
 * @vma: the mapping.
 * @addr: where it would be split.
 *
 * Return: -EINVAL.
 */
int nvtk_vm_no_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

/**
 * nvtk_ctrl_vm_open() - a mapping whose memory the controller owns (a copy
 *	made by fork or mremap) takes its own reference on the controller.
 * @vma: the mapping; vm_private_data is the controller.
 */
void nvtk_ctrl_vm_open(struct vm_area_struct *vma)
{
	nvtk_ctrl_get(vma->vm_private_data);
}

/**
 * nvtk_ctrl_vm_close() - such a mapping goes: drop its reference.
 * @vma: the mapping; vm_private_data is the controller.
 */
void nvtk_ctrl_vm_close(struct vm_area_struct *vma)
{
	nvtk_ctrl_put(vma->vm_private_data);
}

/* Mappings of memory the controller owns, without a fault handler. */
const struct vm_operations_struct nvtk_ctrl_vm_ops = {
	.open		= nvtk_ctrl_vm_open,
	.close		= nvtk_ctrl_vm_close,
	.may_split	= nvtk_vm_no_split,
};

static struct nvtk_ctrl *nvtk_ctrl_get_by_minor(int minor)
{
	struct nvtk_ctrl *ctrl;

	spin_lock_irq(&nvtk_ctrls_lock);
	list_for_each_entry(ctrl, &nvtk_ctrls, node) {
		if (ctrl->minor == minor) {
			kref_get(&ctrl->ref);
			spin_unlock_irq(&nvtk_ctrls_lock);
			return ctrl;
		}
	}
	spin_unlock_irq(&nvtk_ctrls_lock);
	return NULL;
}

static int nvtk_open(struct inode *inode, struct file *file)
{
	struct nvtk_ctrl *ctrl;
	struct nvtk_file *nf;

	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return -ENOMEM;
	ctrl = nvtk_ctrl_get_by_minor(iminor(inode));
	if (!ctrl) {
		kfree(nf);
		return -ENODEV;
	}
	nf->ctrl = ctrl;
	nf->id = atomic64_inc_return(&ctrl->next_file_id);
	nf->mapping = file->f_mapping;
	xa_init_flags(&nf->bufs, XA_FLAGS_ALLOC1);
	spin_lock_init(&nf->cpl_lock);
	INIT_LIST_HEAD(&nf->cpls);
	init_waitqueue_head(&nf->cpl_wait);
	xa_init(&nf->ioqs);
	INIT_LIST_HEAD(&nf->deferred_bufs);

	mutex_lock(&ctrl->files_mutex);
	list_add_tail(&nf->node, &ctrl->files);
	mutex_unlock(&ctrl->files_mutex);

	file->private_data = nf;
	return nonseekable_open(inode, file);
}

/*
 * The last close. No ioctl or mmap of this file runs any more (each holds
 * the file), and no mapping is left (each holds the file too). The file's
 * IO queues are deleted (the kernel sends Delete I/O SQ and CQ) before its
 * buffers go, since IO commands may use them.
 */
static int nvtk_release(struct inode *inode, struct file *file)
{
	struct nvtk_file *nf = file->private_data;
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvtk_cpl *c, *tmp;

	nvtk_ioq_release_file(nf);
	nvtk_irq_release_file(nf);
	/* From here on the admin queue delivers nothing to @nf. */
	nvtk_admin_detach_file(nf);
	list_for_each_entry_safe(c, tmp, &nf->cpls, node)
		kfree(c);

	mutex_lock(&ctrl->files_mutex);
	list_del(&nf->node);
	mutex_unlock(&ctrl->files_mutex);

	nvtk_bufs_release(nf);
	kfree(nf);
	nvtk_ctrl_put(ctrl);
	return 0;
}

static long nvtk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nvtk_file *nf = file->private_data;
	struct nvtk_ctrl *ctrl = nf->ctrl;
	void __user *argp = (void __user *)arg;

	/* A known number with a different size encoded is unknown too. */
	switch (cmd) {
	case NVT_IOCTL_GET_INFO:
		return nvtk_ioctl_get_info(ctrl, argp);
	case NVT_IOCTL_READ_REG:
		return nvtk_ioctl_read_reg(ctrl, argp);
	case NVT_IOCTL_WRITE_REG:
		return nvtk_ioctl_write_reg(ctrl, argp);
	case NVT_IOCTL_READ_CONFIG:
		return nvtk_ioctl_read_config(ctrl, argp);
	case NVT_IOCTL_WRITE_CONFIG:
		return nvtk_ioctl_write_config(ctrl, argp);
	case NVT_IOCTL_ALLOC_BUF:
		return nvtk_ioctl_alloc_buf(nf, argp);
	case NVT_IOCTL_FREE_BUF:
		return nvtk_ioctl_free_buf(nf, argp);
	case NVT_IOCTL_SETUP_ADMIN:
		return nvtk_ioctl_setup_admin(nf, argp);
	case NVT_IOCTL_SUBMIT_ADMIN:
		return nvtk_ioctl_submit_admin(nf, argp);
	case NVT_IOCTL_REAP_ADMIN:
		return nvtk_ioctl_reap_admin(nf, argp);
	case NVT_IOCTL_MAP_CMDLOG:
		return nvtk_ioctl_map_cmdlog(nf, argp);
	case NVT_IOCTL_CREATE_QPAIR:
		return nvtk_ioctl_create_qpair(nf, argp);
	case NVT_IOCTL_DELETE_QPAIR:
		return nvtk_ioctl_delete_qpair(nf, argp);
	case NVT_IOCTL_MAP_IRQS:
		return nvtk_ioctl_map_irqs(nf, argp);
	case NVT_IOCTL_CTL_IRQ:
		return nvtk_ioctl_ctl_irq(nf, argp);
	case NVT_IOCTL_MAP_CRC_TABLE:
		return nvtk_ioctl_map_crc_table(nf, argp);
	case NVT_IOCTL_RESET:
		return nvtk_ioctl_reset(ctrl, argp);
	default:
		return -ENOTTY;
	}
}

/* The offset says which region: see NVTK_MMAP_* in nvtk.h. */
static int nvtk_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct nvtk_file *nf = file->private_data;

	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (READ_ONCE(nf->ctrl->dead))
		return -ENODEV;
	if (off >= NVTK_MMAP_CRC)
		return nvtk_crc_mmap(nf, vma);
	if (off >= NVTK_MMAP_IOQ)
		return nvtk_ioq_mmap(nf, vma);
	if (off >= NVTK_MMAP_DB)
		return off < NVTK_MMAP_DB + NVTK_MMAP_DB_SPAN ? nvtk_db_mmap(nf, vma) : -EINVAL;
	if (off >= NVTK_MMAP_IRQ)
		return nvtk_irq_mmap(nf, vma);
	if (off >= NVTK_MMAP_CMDLOG)
		return nvtk_cmdlog_mmap(nf, vma);
	return nvtk_buf_mmap(nf, vma);
}

/* Readable while completions wait; hung up once the controller is gone. */
static __poll_t nvtk_poll(struct file *file, poll_table *wait)
{
	struct nvtk_file *nf = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &nf->cpl_wait, wait);
	spin_lock_irq(&nf->cpl_lock);
	if (!list_empty(&nf->cpls))
		mask |= EPOLLIN | EPOLLRDNORM;
	spin_unlock_irq(&nf->cpl_lock);
	if (READ_ONCE(nf->ctrl->removed))
		mask |= EPOLLHUP;
	return mask;
}

/* .owner makes every open file pin the module: see main.c. */
static const struct file_operations nvtk_fops = {
	.owner		= THIS_MODULE,
	.open		= nvtk_open,
	.release	= nvtk_release,
	.unlocked_ioctl	= nvtk_ioctl,
	/* The uapi structs have the same layout for 32-bit callers. */
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= nvtk_mmap,
	.poll		= nvtk_poll,
};

/* Insert @ctrl in nvtk_ctrls, keeping the list sorted by minor. */
static void nvtk_ctrls_insert(struct nvtk_ctrl *ctrl)
{
	struct nvtk_ctrl *pos;

	spin_lock_irq(&nvtk_ctrls_lock);
	list_for_each_entry(pos, &nvtk_ctrls, node) {
		if (pos->minor > ctrl->minor)
			break;
	}
	list_add_tail(&ctrl->node, &pos->node);
	spin_unlock_irq(&nvtk_ctrls_lock);
}

static void nvtk_ctrls_remove(struct nvtk_ctrl *ctrl)
{
	spin_lock_irq(&nvtk_ctrls_lock);
	list_del_init(&ctrl->node);
	spin_unlock_irq(&nvtk_ctrls_lock);
}

/**
 * nvtk_cdev_add() - give a controller its minor and make /dev/nvmetestN.
 * @ctrl: a controller whose BAR is mapped and ready for ioctls.
 *
 * The controller joins nvtk_ctrls (open and the netlink dump see it) before
 * the char device goes live, so the node never exists without a way to
 * open it.
 *
 * Return: 0, or a negative errno with nothing left registered.
 */
int nvtk_cdev_add(struct nvtk_ctrl *ctrl)
{
	dev_t devt;
	int ret;

	ret = ida_alloc_max(&nvtk_minors, NVTK_MINORS - 1, GFP_KERNEL);
	if (ret < 0)
		return ret;
	ctrl->minor = ret;
	devt = MKDEV(MAJOR(nvtk_devt), ctrl->minor);

	nvtk_ctrls_insert(ctrl);

	ctrl->cdev = cdev_alloc();
	if (!ctrl->cdev) {
		ret = -ENOMEM;
		goto err_remove;
	}
	ctrl->cdev->owner = THIS_MODULE;
	ctrl->cdev->ops = &nvtk_fops;
	ret = cdev_add(ctrl->cdev, devt, 1);
	if (ret) {
		/* Never added, so cdev_del() does not apply: drop cdev_alloc()'s reference. */
		kobject_put(&ctrl->cdev->kobj);
		goto err_remove;
	}

	ctrl->dev = device_create(nvtk_class, &ctrl->pdev->dev, devt, NULL,
				  NVTK_NAME "%d", ctrl->minor);
	if (IS_ERR(ctrl->dev)) {
		ret = PTR_ERR(ctrl->dev);
		goto err_cdev_del;
	}
	return 0;

err_cdev_del:
	cdev_del(ctrl->cdev);
err_remove:
	ctrl->cdev = NULL;
	ctrl->dev = NULL;
	nvtk_ctrls_remove(ctrl);
	ida_free(&nvtk_minors, ctrl->minor);
	return ret;
}

/**
 * nvtk_cdev_del() - remove /dev/nvmetestN and free the minor.
 * @ctrl: a controller registered by nvtk_cdev_add().
 *
 * No new open reaches @ctrl afterwards. Files already open keep their
 * reference; the caller marks the controller dead so that they get -ENODEV.
 */
void nvtk_cdev_del(struct nvtk_ctrl *ctrl)
{
	device_destroy(nvtk_class, MKDEV(MAJOR(nvtk_devt), ctrl->minor));
	cdev_del(ctrl->cdev);
	ctrl->cdev = NULL;
	nvtk_ctrls_remove(ctrl);
	ida_free(&nvtk_minors, ctrl->minor);
}
