// SPDX-License-Identifier: GPL-2.0
/*
 * Command logs: a ring per queue of the latest commands and completions,
 * which any process that opens the controller can map read-only and read
 * live (NVT_IOCTL_MAP_CMDLOG, then mmap()).
 *
 * The admin queue's log is allocated at bind, so that it can always be
 * mapped, and lives as long as the controller struct (a mapping holds a
 * reference): it goes on across SETUP_ADMIN, and outlives an unbind while
 * mapped. Its writers hold the controller's q_lock, so there is one writer
 * at a time; readers follow the sequence count protocol of uapi.h.
 */
#include <linux/build_bug.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "nvtk.h"

#define NVTK_CMDLOG_BYTES	(sizeof(struct nvt_cmdlog_header) + \
				 NVT_CMDLOG_ENTRIES * sizeof(struct nvt_cmdlog_entry))

/**
 * nvtk_cmdlog_new() - allocate an empty command log with its header set.
 * @qid: the queue it logs.
 * @size: out: its length in bytes, a page multiple.
 *
 * Return: the log (zeroed, fit for remap_vmalloc_range(); vfree() it), or
 * NULL when out of memory.
 */
struct nvt_cmdlog_header *nvtk_cmdlog_new(u32 qid, size_t *size)
{
	struct nvt_cmdlog_header *hdr;

	BUILD_BUG_ON(sizeof(struct nvt_cmdlog_header) != 64);
	BUILD_BUG_ON(sizeof(struct nvt_cmdlog_entry) != 128);
	BUILD_BUG_ON(!is_power_of_2(NVT_CMDLOG_ENTRIES));
	BUILD_BUG_ON(PAGE_ALIGN(NVTK_CMDLOG_BYTES) > BIT(NVTK_MMAP_CMDLOG_SHIFT));

	*size = PAGE_ALIGN(NVTK_CMDLOG_BYTES);
	hdr = vmalloc_user(*size);
	if (!hdr)
		return NULL;
	hdr->magic = NVT_CMDLOG_MAGIC;
	hdr->entry_size = sizeof(struct nvt_cmdlog_entry);
	hdr->nr_entries = NVT_CMDLOG_ENTRIES;
	hdr->qid = qid;
	return hdr;
}

/**
 * nvtk_cmdlog_alloc() - allocate and initialise the admin command log.
 * @ctrl: the controller being probed.
 *
 * Return: 0 or -ENOMEM.
 */
int nvtk_cmdlog_alloc(struct nvtk_ctrl *ctrl)
{
	ctrl->cmdlog = nvtk_cmdlog_new(0, &ctrl->cmdlog_size);
	return ctrl->cmdlog ? 0 : -ENOMEM;
}

/**
 * nvtk_cmdlog_free() - free the admin command log (NULL is fine).
 * @ctrl: the controller, being freed.
 */
void nvtk_cmdlog_free(struct nvtk_ctrl *ctrl)
{
	vfree(ctrl->cmdlog);
	ctrl->cmdlog = NULL;
}

static struct nvt_cmdlog_entry *nvtk_cmdlog_entry(struct nvtk_ctrl *ctrl, u64 index)
{
	struct nvt_cmdlog_entry *entries = (void *)(ctrl->cmdlog + 1);

	return &entries[index % NVT_CMDLOG_ENTRIES];
}

static void nvtk_cmdlog_begin(struct nvt_cmdlog_entry *e)
{
	WRITE_ONCE(e->seq, e->seq + 1);
	/* A reader sees @seq odd before it sees any field change. */
	smp_wmb();
}

static void nvtk_cmdlog_end(struct nvt_cmdlog_entry *e)
{
	/* Every field is visible before @seq is even again. */
	smp_wmb();
	WRITE_ONCE(e->seq, e->seq + 1);
}

/**
 * nvtk_cmdlog_submit() - log a command as it is submitted.
 * @ctrl: the controller (caller holds its q_lock).
 * @sqe: the submission queue entry as sent.
 * @now: CLOCK_MONOTONIC time of the doorbell write, in ns.
 *
 * Return: the command's log index, for nvtk_cmdlog_complete().
 */
u64 nvtk_cmdlog_submit(struct nvtk_ctrl *ctrl, const __le32 *sqe, u64 now)
{
	struct nvt_cmdlog_header *hdr = ctrl->cmdlog;
	u64 index = hdr->next;
	struct nvt_cmdlog_entry *e = nvtk_cmdlog_entry(ctrl, index);
	int i;

	nvtk_cmdlog_begin(e);
	for (i = 0; i < ARRAY_SIZE(e->sqe); i++)
		e->sqe[i] = le32_to_cpu(sqe[i]);
	memset(e->cqe, 0, sizeof(e->cqe));
	e->submit_ns = now;
	e->complete_ns = 0;
	e->flags = 0;
	e->index = index;
	nvtk_cmdlog_end(e);
	/* The entry is complete before @next counts it. */
	smp_wmb();
	WRITE_ONCE(hdr->next, index + 1);
	return index;
}

/**
 * nvtk_cmdlog_complete() - log a command's completion (real or made up).
 * @ctrl: the controller (caller holds its q_lock).
 * @index: what nvtk_cmdlog_submit() returned for the command.
 * @cqe: the completion queue entry, four dwords.
 * @now: CLOCK_MONOTONIC time it was seen, in ns.
 * @flags: NVT_CPL_F_*.
 *
 * Nothing is logged when newer commands have overwritten the entry.
 */
void nvtk_cmdlog_complete(struct nvtk_ctrl *ctrl, u64 index, const u32 *cqe,
			  u64 now, u32 flags)
{
	struct nvt_cmdlog_entry *e = nvtk_cmdlog_entry(ctrl, index);

	if (e->index != index)
		return;
	nvtk_cmdlog_begin(e);
	memcpy(e->cqe, cqe, sizeof(e->cqe));
	e->complete_ns = now;
	e->flags = flags;
	nvtk_cmdlog_end(e);
}

/**
 * nvtk_ioctl_map_cmdlog() - NVT_IOCTL_MAP_CMDLOG: where to map a log.
 * @nf: the file.
 * @uarg: the user's struct nvt_ioctl_map_cmdlog.
 *
 * qid 0 is the admin queue's log, which the kernel writes; any other is the
 * log of a live IO queue of any file, which its library writes (queue.c).
 *
 * Return: 0, -EINVAL, -ENOENT, -ESTALE, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_map_cmdlog(struct nvtk_file *nf,
			   struct nvt_ioctl_map_cmdlog __user *uarg)
{
	struct nvt_ioctl_map_cmdlog arg;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 48);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (READ_ONCE(nf->ctrl->dead))
		return -ENODEV;
	if (arg.qid != 0) {
		int ret = nvtk_ioq_map_cmdlog(nf, arg.qid, &arg.mmap_offset, &arg.mmap_size);

		if (ret)
			return ret;
	} else {
		arg.mmap_offset = NVTK_MMAP_CMDLOG;
		arg.mmap_size = nf->ctrl->cmdlog_size;
	}
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;
}

/**
 * nvtk_cmdlog_mmap() - map (part of) a command log, read-only.
 * @nf: the file.
 * @vma: the mapping; vm_pgoff is in the command log region.
 *
 * Return: 0, -EINVAL (no such log, or beyond it), -EPERM (writable), or an
 * error of remap_vmalloc_range(). (IO queues' logs are mapped by queue.c.)
 */
int nvtk_cmdlog_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) - NVTK_MMAP_CMDLOG;
	u64 qid = off >> NVTK_MMAP_CMDLOG_SHIFT;
	unsigned long pgoff = (off & (BIT(NVTK_MMAP_CMDLOG_SHIFT) - 1)) >> PAGE_SHIFT;
	unsigned long npages = ctrl->cmdlog_size >> PAGE_SHIFT;
	int ret;

	if (qid != 0)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff)
		return -EINVAL;
	/* Nor may mprotect() make it writable later. */
	nvtk_vm_flags_clear(vma, VM_MAYWRITE);
	ret = remap_vmalloc_range(vma, ctrl->cmdlog, pgoff);
	if (ret)
		return ret;
	vma->vm_ops = &nvtk_ctrl_vm_ops;
	vma->vm_private_data = ctrl;
	nvtk_ctrl_get(ctrl);
	return 0;
}
