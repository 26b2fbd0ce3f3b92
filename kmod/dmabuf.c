// SPDX-License-Identifier: GPL-2.0
/*
 * DMA buffers: NVT_IOCTL_ALLOC_BUF, NVT_IOCTL_FREE_BUF and their mmap().
 *
 * A buffer is one dma_alloc_coherent() area, contiguous for the device, that
 * user space maps with mmap() and names by handle in commands. It lives as
 * long as anything uses it: the file's handle table, each outstanding
 * command that names it, each command that pins it (Create I/O queue,
 * Doorbell Buffer Config: until the next SETUP_ADMIN) and each mapping hold
 * a reference. So FREE_BUF, close or unbind never give memory back that the
 * device or a process may still touch.
 *
 * The last reference may go in the admin interrupt (a command that used a
 * freed buffer completes), where dma_free_coherent() must not run:
 * nvtk_buf_put_atomic() leaves the free to nvtk_wq.
 */
#include <linux/build_bug.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "nvtk.h"

/* Pages of mmap offset per buffer handle. */
#define NVTK_BUF_PGOFF_SHIFT	(NVTK_MMAP_BUF_SHIFT - PAGE_SHIFT)

/**
 * nvtk_dma_free() - give back DMA memory of the controller's device, unless
 *	the device may still be doing DMA (remove could not disable it): then
 *	the memory is leaked, since a later binding would let the device write
 *	into whatever it became. Process context.
 * @ctrl: the controller.
 * @size: as allocated.
 * @vaddr: as allocated.
 * @dma: as allocated.
 */
void nvtk_dma_free(struct nvtk_ctrl *ctrl, size_t size, void *vaddr, dma_addr_t dma)
{
	if (READ_ONCE(ctrl->dma_unsafe))
		return;
	dma_free_coherent(&ctrl->pdev->dev, size, vaddr, dma);
}

static void nvtk_buf_free(struct nvtk_buf *buf)
{
	struct nvtk_ctrl *ctrl = buf->ctrl;

	nvtk_dma_free(ctrl, buf->size, buf->vaddr, buf->iova);
	kfree(buf);
	nvtk_ctrl_put(ctrl);
}

static void nvtk_buf_release(struct kref *ref)
{
	nvtk_buf_free(container_of(ref, struct nvtk_buf, ref));
}

static void nvtk_buf_free_work(struct work_struct *work)
{
	nvtk_buf_free(container_of(work, struct nvtk_buf, free_work));
}

static void nvtk_buf_release_atomic(struct kref *ref)
{
	struct nvtk_buf *buf = container_of(ref, struct nvtk_buf, ref);

	queue_work(nvtk_wq, &buf->free_work);
}

/**
 * nvtk_buf_put() - drop a reference to a buffer; process context only.
 * @buf: the buffer.
 */
void nvtk_buf_put(struct nvtk_buf *buf)
{
	might_sleep();
	kref_put(&buf->ref, nvtk_buf_release);
}

/**
 * nvtk_buf_put_atomic() - drop a reference to a buffer from any context; if
 *	it was the last, the memory goes back later, from nvtk_wq.
 * @buf: the buffer.
 */
void nvtk_buf_put_atomic(struct nvtk_buf *buf)
{
	kref_put(&buf->ref, nvtk_buf_release_atomic);
}

/**
 * nvtk_buf_get() - look a buffer up by handle.
 * @nf: the file whose handle it is.
 * @handle: the handle.
 *
 * Return: the buffer with a new reference, or NULL for no such handle.
 */
struct nvtk_buf *nvtk_buf_get(struct nvtk_file *nf, u32 handle)
{
	struct nvtk_buf *buf;

	/* The table's reference keeps @buf alive while we hold the lock. */
	xa_lock(&nf->bufs);
	buf = xa_load(&nf->bufs, handle);
	if (buf)
		kref_get(&buf->ref);
	xa_unlock(&nf->bufs);
	return buf;
}

/**
 * nvtk_ioctl_alloc_buf() - NVT_IOCTL_ALLOC_BUF: allocate a DMA buffer.
 * @nf: the file that will own it.
 * @uarg: the user's struct nvt_ioctl_alloc_buf.
 *
 * Return: 0, -EINVAL, -ENOMEM, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_alloc_buf(struct nvtk_file *nf,
			  struct nvt_ioctl_alloc_buf __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_alloc_buf arg;
	struct nvtk_buf *buf;
	u32 handle;
	int ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 64);
	BUILD_BUG_ON(NVT_BUF_MAX_SIZE != 1ULL << NVTK_MMAP_BUF_SHIFT);
	BUILD_BUG_ON((u64)NVTK_BUF_HANDLE_MAX << NVTK_MMAP_BUF_SHIFT >=
		     NVTK_MMAP_CMDLOG);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.size || arg.size > NVT_BUF_MAX_SIZE)
		return -EINVAL;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	kref_init(&buf->ref);
	INIT_WORK(&buf->free_work, nvtk_buf_free_work);
	INIT_LIST_HEAD(&buf->defer_node);
	buf->size = PAGE_ALIGN(arg.size);

	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		goto err_free;
	/* Zeroed memory; a large one may fail quietly (no allocation splat). */
	buf->vaddr = dma_alloc_coherent(&ctrl->pdev->dev, buf->size, &buf->iova,
					GFP_KERNEL | __GFP_NOWARN);
	nvtk_ctrl_unlock(ctrl);
	if (!buf->vaddr) {
		ret = -ENOMEM;
		goto err_free;
	}
	buf->ctrl = ctrl;
	nvtk_ctrl_get(ctrl);

	/* Cyclic, so that a stale handle does not name a new buffer at once. */
	ret = xa_alloc_cyclic(&nf->bufs, &handle, buf,
			      XA_LIMIT(1, NVTK_BUF_HANDLE_MAX), &nf->next_handle,
			      GFP_KERNEL);
	if (ret < 0) {
		nvtk_buf_put(buf);
		return ret == -EBUSY ? -ENOMEM : ret;
	}

	arg.handle = handle;
	arg.mmap_offset = (u64)handle << NVTK_MMAP_BUF_SHIFT;
	arg.mmap_size = buf->size;
	arg.iova = buf->iova;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		/* Unless another thread guessed the handle and freed it already. */
		if (xa_cmpxchg(&nf->bufs, handle, buf, NULL, 0) == buf)
			nvtk_buf_put(buf);
		return -EFAULT;
	}
	return 0;

err_free:
	kfree(buf);
	return ret;
}

/**
 * nvtk_ioctl_free_buf() - NVT_IOCTL_FREE_BUF: drop a buffer's handle.
 * @nf: the file that owns it.
 * @uarg: the user's struct nvt_ioctl_free_buf.
 *
 * The memory goes back once no command and no mapping uses it; while the
 * file has live IO queues, whose commands the kernel cannot see, the
 * handle's reference waits with them (nvtk_ioq_defer_buf()).
 *
 * Return: 0, -EINVAL, -ENOENT, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_free_buf(struct nvtk_file *nf,
			 struct nvt_ioctl_free_buf __user *uarg)
{
	struct nvt_ioctl_free_buf arg;
	struct nvtk_buf *buf;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 32);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (READ_ONCE(nf->ctrl->dead))
		return -ENODEV;

	buf = xa_erase(&nf->bufs, arg.handle);
	if (!buf)
		return -ENOENT;
	if (!nvtk_ioq_defer_buf(nf, buf))
		nvtk_buf_put(buf);
	return 0;
}

/**
 * nvtk_bufs_release() - drop every handle of a file that is being released.
 * @nf: the file.
 */
void nvtk_bufs_release(struct nvtk_file *nf)
{
	struct nvtk_buf *buf;
	unsigned long handle;

	xa_for_each(&nf->bufs, handle, buf) {
		xa_erase(&nf->bufs, handle);
		nvtk_buf_put(buf);
	}
	xa_destroy(&nf->bufs);
}

/* A mapping holds a reference; a fork's copy takes its own. */
static void nvtk_buf_vm_open(struct vm_area_struct *vma)
{
	struct nvtk_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
}

static void nvtk_buf_vm_close(struct vm_area_struct *vma)
{
	nvtk_buf_put(vma->vm_private_data);
}

static const struct vm_operations_struct nvtk_buf_vm_ops = {
	.open		= nvtk_buf_vm_open,
	.close		= nvtk_buf_vm_close,
	.may_split	= nvtk_vm_no_split,
};

/**
 * nvtk_buf_mmap() - map (part of) a DMA buffer.
 * @nf: the file that owns it.
 * @vma: the mapping; vm_pgoff is a buffer's mmap offset plus pages.
 *
 * Return: 0, -EINVAL (not MAP_SHARED, or beyond the buffer), -ENOENT (no
 * such buffer) or an error of dma_mmap_coherent().
 */
int nvtk_buf_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	unsigned long handle = vma->vm_pgoff >> NVTK_BUF_PGOFF_SHIFT;
	unsigned long pgoff = vma->vm_pgoff & (BIT(NVTK_BUF_PGOFF_SHIFT) - 1);
	unsigned long npages;
	struct nvtk_buf *buf;
	int ret;

	/* A private mapping would copy on write: the device would not see it. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (handle > NVTK_BUF_HANDLE_MAX)
		return -ENOENT;
	buf = nvtk_buf_get(nf, handle);
	if (!buf)
		return -ENOENT;

	npages = buf->size >> PAGE_SHIFT;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff) {
		ret = -EINVAL;
		goto err_put;
	}
	/* dma_mmap_coherent() takes the page offset in the buffer from here. */
	vma->vm_pgoff = pgoff;
	ret = dma_mmap_coherent(&nf->ctrl->pdev->dev, vma, buf->vaddr, buf->iova,
				buf->size);
	if (ret)
		goto err_put;
	nvtk_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nvtk_buf_vm_ops;
	vma->vm_private_data = buf;	/* the reference nvtk_buf_get() took */
	return 0;

err_put:
	nvtk_buf_put(buf);
	return ret;
}
