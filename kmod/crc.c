// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace CRC tables for data verification: NVT_IOCTL_MAP_CRC_TABLE
 * and the mappings of a table and its page bitmap.
 *
 * A table holds 4 bytes per LBA and is mapped shared, read-write, into
 * every process that verifies. Its pages are allocated when first touched
 * (the fault handler puts a zeroed page in the table's xarray and sets its
 * bit in the bitmap), so the memory follows the LBAs written, not the
 * capacity. The bitmap (one bit per table page) is allocated up front and
 * mapped read-only, so readers can skip unwritten ranges without touching
 * (and so allocating) their pages.
 *
 * The tables belong to the controller, not to a file: they live from the
 * first MAP_CRC_TABLE of a namespace until the unbind (and, while mapped,
 * after it). Clearing:
 *  - NVT_CRC_F_RESET with the same nlba clears the table in place: every
 *    page goes and every mapping of the table, in every process, is zapped,
 *    so all of them see zeroes (and fresh pages) at their next access, at
 *    the same offsets;
 *  - a different nlba makes a new table with new mmap offsets; mappings of
 *    the old one keep the old table (its pages, its contents) until they
 *    are unmapped, and see nothing of the new one.
 *
 * Locks: ctrl->crc_mutex protects ctrl->crcs and serialises the clearing;
 * nvtk_crc.sem keeps faults out while a table is cleared, and each page's
 * lock is held from the fault's lookup until its PTE is in place (see
 * nvtk_crc_clear()).
 */
#include <linux/build_bug.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "nvtk.h"

#define NVTK_CRC_NLBA_MAX	(1ULL << 40)

/**
 * struct nvtk_crc - the CRC table of a namespace.
 * @ref: one for ctrl->crcs while it is the namespace's table, one per
 *	mapping of the table or the bitmap.
 * @ctrl: the controller; the table holds a reference.
 * @uid: its name in the mmap offsets (ctrl->crc_uids).
 * @nsid: the namespace.
 * @nlba: LBAs covered.
 * @table_size: 4 * @nlba, in whole pages.
 * @npages: @table_size in pages.
 * @sem: faults take it shared, nvtk_crc_clear() exclusive.
 * @pages: the table's pages by index, each holding a page reference.
 * @bitmap: bit i set once page i exists; vmalloc_user().
 * @bitmap_size: its length in bytes, whole pages.
 * @nr_pages: pages in @pages.
 * @retired: no longer the namespace's table (replaced, or the unbind): no
 *	new mapping. Written under ctrl->crc_mutex.
 */
struct nvtk_crc {
	struct kref ref;
	struct nvtk_ctrl *ctrl;
	u32 uid;
	u32 nsid;
	u64 nlba;
	u64 table_size;
	u64 npages;
	struct rw_semaphore sem;
	struct xarray pages;
	unsigned long *bitmap;
	size_t bitmap_size;
	atomic64_t nr_pages;
	bool retired;
};

/**
 * nvtk_crc_init() - initialise the CRC state of a new controller.
 * @ctrl: the controller, not yet visible to anyone.
 */
void nvtk_crc_init(struct nvtk_ctrl *ctrl)
{
	mutex_init(&ctrl->crc_mutex);
	xa_init(&ctrl->crcs);
	xa_init_flags(&ctrl->crc_uids, XA_FLAGS_ALLOC1);
}

static u64 nvtk_crc_offset(const struct nvtk_crc *t)
{
	return NVTK_MMAP_CRC + ((u64)t->uid << NVTK_MMAP_CRC_UID_SHIFT);
}

/* Drop every page (no mapping may still show one: see the callers). */
static void nvtk_crc_free_pages(struct nvtk_crc *t)
{
	struct page *page;
	unsigned long index;

	xa_for_each(&t->pages, index, page) {
		/* A fault holding the page locked has its PTE in place once we get the lock. */
		lock_page(page);
		xa_erase(&t->pages, index);
		unlock_page(page);
		put_page(page);
	}
}

static void nvtk_crc_release(struct kref *ref)
{
	struct nvtk_crc *t = container_of(ref, struct nvtk_crc, ref);
	struct nvtk_ctrl *ctrl = t->ctrl;

	if (t->uid)
		xa_erase(&ctrl->crc_uids, t->uid);
	nvtk_crc_free_pages(t);
	xa_destroy(&t->pages);
	vfree(t->bitmap);
	kfree(t);
	nvtk_ctrl_put(ctrl);
}

static void nvtk_crc_put(struct nvtk_crc *t)
{
	kref_put(&t->ref, nvtk_crc_release);
}

static struct nvtk_crc *nvtk_crc_alloc(struct nvtk_ctrl *ctrl, u32 nsid, u64 nlba)
{
	struct nvtk_crc *t;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	kref_init(&t->ref);
	t->ctrl = ctrl;
	nvtk_ctrl_get(ctrl);
	t->nsid = nsid;
	t->nlba = nlba;
	t->table_size = PAGE_ALIGN(nlba * sizeof(__u32));
	t->npages = t->table_size >> PAGE_SHIFT;
	init_rwsem(&t->sem);
	xa_init(&t->pages);
	atomic64_set(&t->nr_pages, 0);
	t->bitmap_size = PAGE_ALIGN(BITS_TO_LONGS(t->npages) * sizeof(long));
	/* Zeroed, and fit for remap_vmalloc_range(). */
	t->bitmap = vmalloc_user(t->bitmap_size);
	if (!t->bitmap) {
		nvtk_crc_put(t);
		return ERR_PTR(-ENOMEM);
	}
	ret = xa_alloc_cyclic(&ctrl->crc_uids, &t->uid, t, XA_LIMIT(1, NVTK_CRC_UID_MAX),
			      &ctrl->next_crc_uid, GFP_KERNEL);
	if (ret < 0) {
		t->uid = 0;
		nvtk_crc_put(t);
		return ERR_PTR(-ENOMEM);
	}
	return t;
}

/*
 * Clear @t in place, under ctrl->crc_mutex. With @t->sem held exclusive no
 * fault looks a page up; each page is taken out under its page lock, which
 * a fault holds until the page's PTE is in place, so every PTE of an old
 * page exists before the zap below, which removes them all. Later faults
 * find an empty table.
 */
static void nvtk_crc_clear(struct nvtk_crc *t)
{
	down_write(&t->sem);
	nvtk_crc_free_pages(t);
	bitmap_zero(t->bitmap, t->npages);
	atomic64_set(&t->nr_pages, 0);
	up_write(&t->sem);
	nvtk_zap_mappings(t->ctrl, nvtk_crc_offset(t), t->table_size);
}

/**
 * nvtk_ioctl_map_crc_table() - NVT_IOCTL_MAP_CRC_TABLE.
 * @nf: the file.
 * @uarg: the user's struct nvt_ioctl_map_crc_table.
 *
 * Return: 0, -EINVAL, -ENOMEM, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_map_crc_table(struct nvtk_file *nf,
			      struct nvt_ioctl_map_crc_table __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_map_crc_table arg;
	struct nvtk_crc *t, *old;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 80);
	BUILD_BUG_ON(NVTK_MMAP_CRC + ((u64)NVTK_CRC_UID_MAX << NVTK_MMAP_CRC_UID_SHIFT) +
		     BIT_ULL(NVTK_MMAP_CRC_UID_SHIFT) - 1 > (u64)LLONG_MAX);
	BUILD_BUG_ON(NVTK_CRC_NLBA_MAX * sizeof(__u32) > NVTK_MMAP_CRC_BITMAP);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~NVT_CRC_F_RESET) || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.nsid || arg.nsid == 0xffffffff || !arg.nlba || arg.nlba > NVTK_CRC_NLBA_MAX)
		return -EINVAL;

	mutex_lock(&ctrl->crc_mutex);
	ret = -ENODEV;
	if (READ_ONCE(ctrl->dead))
		goto out;
	t = xa_load(&ctrl->crcs, arg.nsid);
	if (!t || t->nlba != arg.nlba) {
		t = nvtk_crc_alloc(ctrl, arg.nsid, arg.nlba);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto out;
		}
		old = xa_store(&ctrl->crcs, arg.nsid, t, GFP_KERNEL);
		if (xa_is_err(old)) {
			nvtk_crc_put(t);
			ret = -ENOMEM;
			goto out;
		}
		if (old) {
			WRITE_ONCE(old->retired, true);
			nvtk_crc_put(old);	/* its mappings keep it */
		}
	} else if (arg.flags & NVT_CRC_F_RESET) {
		nvtk_crc_clear(t);
	}
	arg.table_mmap_offset = nvtk_crc_offset(t);
	arg.table_mmap_size = t->table_size;
	arg.bitmap_mmap_offset = nvtk_crc_offset(t) + NVTK_MMAP_CRC_BITMAP;
	arg.bitmap_mmap_size = t->bitmap_size;
	arg.pages = atomic64_read(&t->nr_pages);
	ret = 0;
out:
	mutex_unlock(&ctrl->crc_mutex);
	if (!ret && copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return ret;
}

/**
 * nvtk_crc_destroy() - the unbind: the controller lets go of its tables
 *	(their mappings keep them).
 * @ctrl: the controller, dead.
 */
void nvtk_crc_destroy(struct nvtk_ctrl *ctrl)
{
	struct nvtk_crc *t;
	unsigned long nsid;

	mutex_lock(&ctrl->crc_mutex);
	xa_for_each(&ctrl->crcs, nsid, t) {
		xa_erase(&ctrl->crcs, nsid);
		WRITE_ONCE(t->retired, true);
		nvtk_crc_put(t);
	}
	mutex_unlock(&ctrl->crc_mutex);
}

/*
 * A table page, made on first touch. Returned locked (VM_FAULT_LOCKED): the
 * page lock is held until the PTE is in place, see nvtk_crc_clear().
 */
static vm_fault_t nvtk_crc_fault(struct vm_fault *vmf)
{
	struct nvtk_crc *t = vmf->vma->vm_private_data;
	unsigned long index = vmf->pgoff - (nvtk_crc_offset(t) >> PAGE_SHIFT);
	struct page *page, *cur;

	if (index >= t->npages)
		return VM_FAULT_SIGBUS;
	down_read(&t->sem);
	page = xa_load(&t->pages, index);
	if (!page) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			goto oom;
		cur = xa_cmpxchg(&t->pages, index, NULL, page, GFP_KERNEL);
		if (xa_is_err(cur)) {
			__free_page(page);
			goto oom;
		}
		if (cur) {
			/* Another fault put one there first. */
			__free_page(page);
			page = cur;
		} else {
			set_bit(index, t->bitmap);
			atomic64_inc(&t->nr_pages);
		}
	}
	get_page(page);		/* the PTE's reference */
	lock_page(page);
	up_read(&t->sem);
	vmf->page = page;
	return VM_FAULT_LOCKED;

oom:
	up_read(&t->sem);
	return VM_FAULT_OOM;
}

static void nvtk_crc_vm_open(struct vm_area_struct *vma)
{
	struct nvtk_crc *t = vma->vm_private_data;

	kref_get(&t->ref);
}

static void nvtk_crc_vm_close(struct vm_area_struct *vma)
{
	nvtk_crc_put(vma->vm_private_data);
}

static const struct vm_operations_struct nvtk_crc_table_vm_ops = {
	.open		= nvtk_crc_vm_open,
	.close		= nvtk_crc_vm_close,
	.fault		= nvtk_crc_fault,
	.may_split	= nvtk_vm_no_split,
};

static const struct vm_operations_struct nvtk_crc_bitmap_vm_ops = {
	.open		= nvtk_crc_vm_open,
	.close		= nvtk_crc_vm_close,
	.may_split	= nvtk_vm_no_split,
};

/**
 * nvtk_crc_mmap() - map (part of) a CRC table (shared, read-write) or its
 *	bitmap (read-only).
 * @nf: the file.
 * @vma: the mapping; vm_pgoff is in the CRC region.
 *
 * Return: 0, -EINVAL (not shared, beyond the table or bitmap), -ENOENT (no
 * such table, or no longer the namespace's), -EPERM (a writable bitmap) or an error of
 * remap_vmalloc_range().
 */
int nvtk_crc_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	u64 rel = ((u64)vma->vm_pgoff << PAGE_SHIFT) - NVTK_MMAP_CRC;
	u64 uid = rel >> NVTK_MMAP_CRC_UID_SHIFT;
	u64 inner = rel & (BIT_ULL(NVTK_MMAP_CRC_UID_SHIFT) - 1);
	bool bitmap = inner >= NVTK_MMAP_CRC_BITMAP;
	unsigned long pgoff, npages;
	struct nvtk_crc *t;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || uid > NVTK_CRC_UID_MAX)
		return -EINVAL;
	xa_lock(&ctrl->crc_uids);
	t = xa_load(&ctrl->crc_uids, uid);
	if (t && !kref_get_unless_zero(&t->ref))
		t = NULL;
	xa_unlock(&ctrl->crc_uids);
	if (!t)
		return -ENOENT;
	ret = -ENOENT;
	if (READ_ONCE(t->retired))
		goto err_put;

	if (bitmap) {
		pgoff = (inner - NVTK_MMAP_CRC_BITMAP) >> PAGE_SHIFT;
		npages = t->bitmap_size >> PAGE_SHIFT;
	} else {
		pgoff = inner >> PAGE_SHIFT;
		npages = t->npages;
	}
	ret = -EINVAL;
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff)
		goto err_put;
	if (bitmap) {
		ret = -EPERM;
		if (vma->vm_flags & VM_WRITE)
			goto err_put;
		nvtk_vm_flags_clear(vma, VM_MAYWRITE);
		ret = remap_vmalloc_range(vma, t->bitmap, pgoff);
		if (ret)
			goto err_put;
		vma->vm_ops = &nvtk_crc_bitmap_vm_ops;
	} else {
		/* Never in a core dump: that would touch (allocate) every page. */
		vma->vm_ops = &nvtk_crc_table_vm_ops;
	}
	nvtk_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = t;	/* the reference taken above */
	return 0;

err_put:
	nvtk_crc_put(t);
	return ret;
}
