// SPDX-License-Identifier: GPL-2.0
/*
 * IO queue pairs: NVT_IOCTL_CREATE_QPAIR, NVT_IOCTL_DELETE_QPAIR, the
 * mappings of their rings, of their command logs and of the doorbells, and
 * their lifetime across resets, unbinds and closes.
 *
 * The kernel allocates the rings and sends Create I/O CQ and SQ (NVMe 1.4
 * sections 5.4, 5.3) itself through the admin queue (nvtk_admin_sync());
 * afterwards user space writes SQEs into the mapped SQ, rings the mapped
 * doorbell and polls the mapped CQ, with no system call per command.
 *
 * A queue (struct nvtk_ioq) is referenced by:
 *  - ctrl->ioqs, while the device may have it: from its creation until it
 *    is deleted, or until the controller is reset (SETUP_ADMIN) or unbound.
 *    A queue whose deletion failed stays there as an orphan (its qid taken,
 *    its memory kept) until then;
 *  - the owning file's nvtk_file.ioqs, while the file has the handle: until
 *    DELETE_QPAIR (even one that gives -ESTALE) or the file's release;
 *  - each mapping of its rings or its command log.
 * The ring memory goes back with the last reference, so never while the
 * device may still use it, and never under a process that maps it.
 *
 * A queue is stale once the controller was reset under it (its generation
 * is older than ctrl->ioq_gen) or unbound: nothing is sent for it any more,
 * its ioctls give -ESTALE (-ENODEV after the unbind), and its mappings stay
 * valid memory. The work item of SETUP_ADMIN drops the stale queues from
 * ctrl->ioqs and lets go of the buffers that were kept for them.
 *
 * Buffers: the kernel does not see which buffer an IO command uses, so a
 * buffer freed while its file has live IO queues keeps its handle's
 * reference (nvtk_file.deferred_bufs) until the file has none left; the
 * buffers of a closed file whose queues became orphans wait in
 * ctrl->orphan_bufs until the orphans go.
 *
 * All of this state is under ctrl->ioq_mutex, which is held across the
 * admin commands too, so queue creations and deletions are serialised.
 */
#include <linux/bitfield.h>
#include <linux/build_bug.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "nvtk.h"

/* What an IO queue's mmap offset names: NVTK_MMAP_IOQ + uid << 36 + kind << 34. */
enum {
	NVTK_IOQ_MAP_SQ,
	NVTK_IOQ_MAP_CQ,
	NVTK_IOQ_MAP_CMDLOG,
};

/* Admin command fields (sections 5.3-5.6). */
#define NVTK_QUEUE_PC		BIT(0)		/* CDW11: physically contiguous */
#define NVTK_CQ_IEN		BIT(1)		/* Create I/O CQ CDW11: interrupts enabled */
#define NVTK_SQ_QPRIO		GENMASK(2, 1)	/* Create I/O SQ CDW11: priority */
#define NVTK_QID_MAX		0xffff

/**
 * struct nvtk_ioq - an IO queue pair (see the top of the file).
 * @ref: see the top of the file.
 * @ctrl: the controller; the queue holds a reference.
 * @owner: nvtk_file.id of the file that created it.
 * @uid: its name in the mmap offsets (ctrl->ioq_uids).
 * @gen: ctrl->ioq_gen when it was created.
 * @qid: the SQ and CQ identifier.
 * @depth: entries of each ring.
 * @deleted: out of the owner's handles (deleted, or an orphan): no new
 *	mapping. Written under ctrl->ioq_mutex, read anywhere.
 * @orphan: the deletion failed; kept in ctrl->ioqs until reset or unbind.
 * @sq, @sq_dma, @sq_size: the SQ ring (a memory page multiple).
 * @cq, @cq_dma, @cq_size: the CQ ring.
 * @cmdlog, @cmdlog_size: the command log the library writes.
 */
struct nvtk_ioq {
	struct kref ref;
	struct nvtk_ctrl *ctrl;
	u64 owner;
	u32 uid;
	int gen;
	u16 qid;
	u16 depth;
	bool deleted;
	bool orphan;
	void *sq;
	dma_addr_t sq_dma;
	size_t sq_size;
	void *cq;
	dma_addr_t cq_dma;
	size_t cq_size;
	struct nvt_cmdlog_header *cmdlog;
	size_t cmdlog_size;
};

static void nvtk_ioq_work(struct work_struct *work);

/**
 * nvtk_ioq_init() - initialise the IO queue state of a new controller.
 * @ctrl: the controller, not yet visible to anyone.
 */
void nvtk_ioq_init(struct nvtk_ctrl *ctrl)
{
	mutex_init(&ctrl->ioq_mutex);
	xa_init(&ctrl->ioqs);
	xa_init_flags(&ctrl->ioq_uids, XA_FLAGS_ALLOC1);
	atomic_set(&ctrl->ioq_gen, 0);
	INIT_LIST_HEAD(&ctrl->orphan_bufs);
	INIT_WORK(&ctrl->ioq_work, nvtk_ioq_work);
}

/* ---- lifetime ---- */

/* The last reference: the device and every process are done with it. */
static void nvtk_ioq_release(struct kref *ref)
{
	struct nvtk_ioq *q = container_of(ref, struct nvtk_ioq, ref);
	struct nvtk_ctrl *ctrl = q->ctrl;

	xa_erase(&ctrl->ioq_uids, q->uid);
	if (q->sq)
		nvtk_dma_free(ctrl, q->sq_size, q->sq, q->sq_dma);
	if (q->cq)
		nvtk_dma_free(ctrl, q->cq_size, q->cq, q->cq_dma);
	vfree(q->cmdlog);
	kfree(q);
	nvtk_ctrl_put(ctrl);
}

/* Process context only (the rings may go). */
static void nvtk_ioq_put(struct nvtk_ioq *q)
{
	kref_put(&q->ref, nvtk_ioq_release);
}

/* Not stale: the controller was neither reset nor unbound since its creation. */
static bool nvtk_ioq_current(const struct nvtk_ioq *q)
{
	return !READ_ONCE(q->ctrl->dead) && q->gen == atomic_read(&q->ctrl->ioq_gen);
}

/* Usable through its handle: current, and neither deleted nor an orphan. */
static bool nvtk_ioq_live(const struct nvtk_ioq *q)
{
	return nvtk_ioq_current(q) && !READ_ONCE(q->deleted);
}

/* Under ioq_mutex. */
static bool nvtk_file_has_live_ioq(struct nvtk_file *nf)
{
	struct nvtk_ioq *q;
	unsigned long qid;

	xa_for_each(&nf->ioqs, qid, q)
		if (nvtk_ioq_live(q))
			return true;
	return false;
}

static void nvtk_bufs_put_list(struct list_head *list)
{
	struct nvtk_buf *buf, *tmp;

	list_for_each_entry_safe(buf, tmp, list, defer_node) {
		list_del_init(&buf->defer_node);
		nvtk_buf_put(buf);
	}
}

/*
 * Under ioq_mutex: drop the stale queues from ctrl->ioqs (the device has
 * none of them any more), and let go of the buffers nothing can use now.
 */
static void nvtk_ioq_cleanup(struct nvtk_ctrl *ctrl)
{
	struct nvtk_file *nf;
	struct nvtk_ioq *q;
	unsigned long qid;
	bool orphans = false;

	xa_for_each(&ctrl->ioqs, qid, q) {
		if (nvtk_ioq_current(q)) {
			orphans |= q->orphan;
			continue;
		}
		xa_erase(&ctrl->ioqs, qid);
		WRITE_ONCE(q->deleted, q->deleted || q->orphan);
		nvtk_ioq_put(q);
	}
	mutex_lock(&ctrl->files_mutex);
	list_for_each_entry(nf, &ctrl->files, node)
		if (!list_empty(&nf->deferred_bufs) && !nvtk_file_has_live_ioq(nf))
			nvtk_bufs_put_list(&nf->deferred_bufs);
	mutex_unlock(&ctrl->files_mutex);
	if (!orphans)
		nvtk_bufs_put_list(&ctrl->orphan_bufs);
}

static void nvtk_ioq_work(struct work_struct *work)
{
	struct nvtk_ctrl *ctrl = container_of(work, struct nvtk_ctrl, ioq_work);

	mutex_lock(&ctrl->ioq_mutex);
	nvtk_ioq_cleanup(ctrl);
	mutex_unlock(&ctrl->ioq_mutex);
}

/**
 * nvtk_ioq_invalidate() - the controller is disabled (SETUP_ADMIN or a
 *	reset): every IO queue is stale and Number of Queues grants again.
 *	Call with ctrl->q_lock held, then nvtk_ioq_reset().
 * @ctrl: the controller.
 */
void nvtk_ioq_invalidate(struct nvtk_ctrl *ctrl)
{
	lockdep_assert_held(&ctrl->q_lock);
	atomic_inc(&ctrl->ioq_gen);
	ctrl->granted_sq = 0;
	ctrl->granted_cq = 0;
}

/**
 * nvtk_ioq_reset() - after nvtk_ioq_invalidate(): clean the stale IO
 *	queues up soon.
 * @ctrl: the controller.
 */
void nvtk_ioq_reset(struct nvtk_ctrl *ctrl)
{
	queue_work(nvtk_wq, &ctrl->ioq_work);
}

/**
 * nvtk_ioq_destroy() - the unbind: the controller is disabled and bus
 *	mastering is off, so every queue and every kept buffer can go (their
 *	memory stays while mapped).
 * @ctrl: the controller, dead.
 */
void nvtk_ioq_destroy(struct nvtk_ctrl *ctrl)
{
	cancel_work_sync(&ctrl->ioq_work);
	mutex_lock(&ctrl->ioq_mutex);
	nvtk_ioq_cleanup(ctrl);
	mutex_unlock(&ctrl->ioq_mutex);
}

/**
 * nvtk_ioq_defer_buf() - FREE_BUF: keep the handle's reference while the
 *	file has live IO queues.
 * @nf: the file.
 * @buf: the buffer, out of the file's handles.
 *
 * Return: true if the reference is kept (the caller must not drop it).
 */
bool nvtk_ioq_defer_buf(struct nvtk_file *nf, struct nvtk_buf *buf)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	bool keep;

	mutex_lock(&ctrl->ioq_mutex);
	keep = nvtk_file_has_live_ioq(nf);
	if (keep)
		list_add_tail(&buf->defer_node, &nf->deferred_bufs);
	mutex_unlock(&ctrl->ioq_mutex);
	return keep;
}

/* ---- the rings ---- */

static struct nvtk_ioq *nvtk_ioq_alloc(struct nvtk_file *nf, u16 qid, u16 depth,
				       u32 cc, u32 mps)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct device *dev = &ctrl->pdev->dev;
	/* Entry sizes as CC says, never less than the spec's minimum. */
	u32 sqes = max_t(u32, FIELD_GET(NVTK_CC_IOSQES, cc), 6);
	u32 cqes = max_t(u32, FIELD_GET(NVTK_CC_IOCQES, cc), 4);
	struct nvtk_ioq *q;
	int ret;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	kref_init(&q->ref);
	q->ctrl = ctrl;
	nvtk_ctrl_get(ctrl);
	q->owner = nf->id;
	q->qid = qid;
	q->depth = depth;
	/*
	 * Whole pages, and at least one memory page: a coherent allocation is
	 * aligned to its size rounded up to a power of two, and PRP1 of a
	 * contiguous queue must be memory page aligned (section 5.3).
	 */
	q->sq_size = max_t(size_t, PAGE_ALIGN((size_t)depth << sqes), mps);
	q->cq_size = max_t(size_t, PAGE_ALIGN((size_t)depth << cqes), mps);
	/* Zeroed: every CQ entry has phase 0 until the device writes it. */
	q->sq = dma_alloc_coherent(dev, q->sq_size, &q->sq_dma, GFP_KERNEL | __GFP_NOWARN);
	q->cq = dma_alloc_coherent(dev, q->cq_size, &q->cq_dma, GFP_KERNEL | __GFP_NOWARN);
	q->cmdlog = nvtk_cmdlog_new(qid, &q->cmdlog_size);
	ret = -ENOMEM;
	if (!q->sq || !q->cq || !q->cmdlog || ((q->sq_dma | q->cq_dma) & (mps - 1)))
		goto err;
	/* Cyclic, so that a stale mmap offset does not name a new queue at once. */
	ret = xa_alloc_cyclic(&ctrl->ioq_uids, &q->uid, q, XA_LIMIT(1, NVTK_IOQ_UID_MAX),
			      &ctrl->next_ioq_uid, GFP_KERNEL);
	if (ret < 0) {
		q->uid = 0;
		ret = -ENOMEM;
		goto err;
	}
	return q;

err:
	nvtk_ioq_put(q);
	return ERR_PTR(ret);
}

/* ---- the doorbells (section 3.1.24-25) ---- */

/*
 * Bytes of BAR0 from the first doorbell on that may be mapped: up to the
 * end of BAR0, or to the MSI-X table or PBA when they are in BAR0 (mapped
 * writable they would let a process aim the device's interrupt messages at
 * any address), in whole pages.
 */
static u64 nvtk_db_limit(struct nvtk_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	u64 limit = ctrl->bar_size;
	static const int regs[] = { PCI_MSIX_TABLE, PCI_MSIX_PBA };
	int i;

	for (i = 0; pdev->msix_cap && i < ARRAY_SIZE(regs); i++) {
		u32 v = 0;

		pci_read_config_dword(pdev, pdev->msix_cap + regs[i], &v);
		if ((v & PCI_MSIX_TABLE_BIR) == 0 && (v & PCI_MSIX_TABLE_OFFSET) >= NVTK_REG_DBS)
			limit = min_t(u64, limit, v & PCI_MSIX_TABLE_OFFSET);
	}
	limit = round_down(limit, PAGE_SIZE);
	return limit > NVTK_REG_DBS ? limit - NVTK_REG_DBS : 0;
}

static vm_fault_t nvtk_db_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct nvtk_ctrl *ctrl = vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff - (NVTK_MMAP_DB >> PAGE_SHIFT);
	unsigned long pfn;
	vm_fault_t ret;

	/*
	 * While bound, the BAR; while the function resets or once it is
	 * unbound, a page of nothing, so that a process that still rings a
	 * doorbell neither crashes nor reaches whatever the BAR's addresses
	 * become. Decided and inserted under the lock: the reset and the
	 * unbind change the state under it in write mode and zap the pages
	 * afterwards, so no page inserted in the old state survives.
	 */
	down_read(&ctrl->lock);
	if (nvtk_ctrl_state(ctrl))
		pfn = page_to_pfn(ctrl->db_dummy);
	else
		pfn = ((pci_resource_start(ctrl->pdev, 0) + NVTK_REG_DBS) >> PAGE_SHIFT) + pgoff;
	ret = vmf_insert_pfn(vma, vmf->address, pfn);
	up_read(&ctrl->lock);
	return ret;
}

static const struct vm_operations_struct nvtk_db_vm_ops = {
	.open		= nvtk_ctrl_vm_open,
	.close		= nvtk_ctrl_vm_close,
	.fault		= nvtk_db_fault,
	.may_split	= nvtk_vm_no_split,
};

/**
 * nvtk_db_mmap() - map (part of) the doorbells, uncached, MAP_SHARED only.
 * @nf: the file.
 * @vma: the mapping; vm_pgoff is in the doorbell region.
 *
 * Pages are put in at the first access (nvtk_db_fault()): a mapping only
 * becomes reachable by the unbind's zap once mmap() returned.
 *
 * Return: 0 or -EINVAL (not shared, or beyond the doorbells).
 */
int nvtk_db_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	unsigned long pgoff = vma->vm_pgoff - (NVTK_MMAP_DB >> PAGE_SHIFT);
	u64 npages;
	int ret;

	BUILD_BUG_ON(NVTK_REG_DBS % PAGE_SIZE);
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	npages = nvtk_db_limit(ctrl) >> PAGE_SHIFT;
	nvtk_ctrl_unlock(ctrl);
	if (pgoff >= npages || vma_pages(vma) > npages - pgoff)
		return -EINVAL;
	nvtk_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_ops = &nvtk_db_vm_ops;
	vma->vm_private_data = ctrl;
	nvtk_ctrl_get(ctrl);
	return 0;
}

/* ---- the mappings of a queue ---- */

static void nvtk_ioq_vm_open(struct vm_area_struct *vma)
{
	struct nvtk_ioq *q = vma->vm_private_data;

	kref_get(&q->ref);
}

static void nvtk_ioq_vm_close(struct vm_area_struct *vma)
{
	nvtk_ioq_put(vma->vm_private_data);
}

static const struct vm_operations_struct nvtk_ioq_vm_ops = {
	.open		= nvtk_ioq_vm_open,
	.close		= nvtk_ioq_vm_close,
	.may_split	= nvtk_vm_no_split,
};

static u64 nvtk_ioq_offset(const struct nvtk_ioq *q, int kind)
{
	return NVTK_MMAP_IOQ + ((u64)q->uid << NVTK_MMAP_IOQ_UID_SHIFT) +
	       ((u64)kind << NVTK_MMAP_IOQ_KIND_SHIFT);
}

/**
 * nvtk_ioq_mmap() - map (part of) a ring or the command log of an IO queue.
 * @nf: the file.
 * @vma: the mapping; vm_pgoff is in the IO queue region.
 *
 * The rings only through the file that created the queue, read-write; the
 * command log through that file read-write, through any other read-only.
 *
 * Return: 0, -EINVAL (not shared, beyond the region), -ENOENT (no such
 * queue, deleted, or rings of another file's queue), -ESTALE (the queue
 * went with a reset), -EPERM (another file's log, writable), or an error
 * of the mapping functions.
 */
int nvtk_ioq_mmap(struct nvtk_file *nf, struct vm_area_struct *vma)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	u64 rel = ((u64)vma->vm_pgoff << PAGE_SHIFT) - NVTK_MMAP_IOQ;
	u64 uid = rel >> NVTK_MMAP_IOQ_UID_SHIFT;
	int kind = (rel >> NVTK_MMAP_IOQ_KIND_SHIFT) & 3;
	unsigned long pgoff = (rel & (BIT_ULL(NVTK_MMAP_IOQ_KIND_SHIFT) - 1)) >> PAGE_SHIFT;
	bool owner;
	struct nvtk_ioq *q;
	size_t size;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || kind > NVTK_IOQ_MAP_CMDLOG ||
	    uid > NVTK_IOQ_UID_MAX)
		return -EINVAL;
	xa_lock(&ctrl->ioq_uids);
	q = xa_load(&ctrl->ioq_uids, uid);
	if (q && !kref_get_unless_zero(&q->ref))
		q = NULL;
	xa_unlock(&ctrl->ioq_uids);
	if (!q)
		return -ENOENT;

	owner = q->owner == nf->id;
	ret = -ENOENT;
	if (READ_ONCE(q->deleted) || (!owner && kind != NVTK_IOQ_MAP_CMDLOG))
		goto err_put;
	ret = -ESTALE;
	if (!nvtk_ioq_current(q))
		goto err_put;
	size = kind == NVTK_IOQ_MAP_SQ ? q->sq_size :
	       kind == NVTK_IOQ_MAP_CQ ? q->cq_size : q->cmdlog_size;
	ret = -EINVAL;
	if (pgoff >= size >> PAGE_SHIFT || vma_pages(vma) > (size >> PAGE_SHIFT) - pgoff)
		goto err_put;

	switch (kind) {
	case NVTK_IOQ_MAP_SQ:
	case NVTK_IOQ_MAP_CQ:
		/* dma_mmap_coherent() takes the page offset in the ring from here. */
		vma->vm_pgoff = pgoff;
		if (kind == NVTK_IOQ_MAP_SQ)
			ret = dma_mmap_coherent(&ctrl->pdev->dev, vma, q->sq, q->sq_dma,
						q->sq_size);
		else
			ret = dma_mmap_coherent(&ctrl->pdev->dev, vma, q->cq, q->cq_dma,
						q->cq_size);
		break;
	default:
		if (!owner) {
			ret = -EPERM;
			if (vma->vm_flags & VM_WRITE)
				goto err_put;
			/* Nor may mprotect() make it writable later. */
			nvtk_vm_flags_clear(vma, VM_MAYWRITE);
		}
		ret = remap_vmalloc_range(vma, q->cmdlog, pgoff);
		break;
	}
	if (ret)
		goto err_put;
	nvtk_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &nvtk_ioq_vm_ops;
	vma->vm_private_data = q;	/* the reference taken above */
	return 0;

err_put:
	nvtk_ioq_put(q);
	return ret;
}

/**
 * nvtk_ioq_map_cmdlog() - NVT_IOCTL_MAP_CMDLOG for an IO queue.
 * @nf: the file asking.
 * @qid: the queue id, not 0.
 * @offset: out: the mmap offset of the queue's command log.
 * @size: out: its length.
 *
 * Return: 0, -ENOENT (no live queue with that id) or -ESTALE (the file's
 * own queue with that id went with a reset).
 */
int nvtk_ioq_map_cmdlog(struct nvtk_file *nf, u32 qid, u64 *offset, u64 *size)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvtk_ioq *q;
	int ret = -ENOENT;

	if (qid > NVTK_QID_MAX)
		return -ENOENT;
	mutex_lock(&ctrl->ioq_mutex);
	q = xa_load(&ctrl->ioqs, qid);
	if (q && nvtk_ioq_live(q)) {
		*offset = nvtk_ioq_offset(q, NVTK_IOQ_MAP_CMDLOG);
		*size = q->cmdlog_size;
		ret = 0;
	} else {
		q = xa_load(&nf->ioqs, qid);
		if (q && !nvtk_ioq_live(q))
			ret = -ESTALE;
	}
	mutex_unlock(&ctrl->ioq_mutex);
	return ret;
}

/* ---- create and delete ---- */

/*
 * Send an admin command built here and wait for it: 0 with *status set, or
 * a negative errno of nvtk_admin_sync(). A full admin queue is waited out
 * for a second (user commands complete meanwhile).
 */
static int nvtk_ioq_cmd(struct nvtk_ctrl *ctrl, u8 opcode, u32 cdw10, u32 cdw11,
			u64 prp1, u16 *status)
{
	u32 sqe[16] = { 0 }, cqe[4];
	int ret, tries = 100;

	sqe[0] = opcode;
	sqe[6] = lower_32_bits(prp1);
	sqe[7] = upper_32_bits(prp1);
	sqe[10] = cdw10;
	sqe[11] = cdw11;
	while ((ret = nvtk_admin_sync(ctrl, sqe, NVTK_SYNC_TIMEOUT_MS, cqe)) == -EBUSY &&
	       --tries)
		msleep(10);
	if (!ret)
		*status = nvtk_cqe_status(cqe);
	return ret;
}

/* A deletion leaves no queue: done, or the device has no such queue. */
static bool nvtk_ioq_status_gone(u16 status)
{
	return status == 0 || status == NVTK_STATUS_INVALID_QID;
}

/*
 * Keep @q in ctrl->ioqs (taking over the caller's reference) with its qid
 * taken and its memory kept, until the next reset or the unbind: the
 * device may still have it.
 */
static void nvtk_ioq_orphan(struct nvtk_ioq *q)
{
	q->orphan = true;
	WRITE_ONCE(q->deleted, true);
	if (xa_is_err(xa_store(&q->ctrl->ioqs, q->qid, q, GFP_KERNEL))) {
		/* No memory for the entry: leak it rather than free what the device may use. */
		dev_err(&q->ctrl->pdev->dev, "IO queue %u leaked\n", q->qid);
	}
}

/*
 * Delete @q (in ctrl->ioqs, current) on the device: Delete I/O SQ, then
 * Delete I/O CQ (sections 5.6, 5.5). Afterwards @q is either out of
 * ctrl->ioqs (the device has no such queue; that reference dropped) or an
 * orphan in it. Under ioq_mutex.
 *
 * Return: 0 (the statuses are set), -ENXIO or -EBUSY (the controller does
 * not process commands, or the admin queue stays full: nothing was sent
 * unless @q is marked deleted, then it is an orphan), -ETIMEDOUT (@q is an
 * orphan), -ESTALE or -ENODEV (a reset or the unbind came: the queue is
 * gone with it).
 */
static int nvtk_ioq_delete(struct nvtk_ioq *q, u16 *sq_status, u16 *cq_status)
{
	struct nvtk_ctrl *ctrl = q->ctrl;
	bool ready;
	int ret;

	*sq_status = 0;
	*cq_status = 0;
	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	ready = nvtk_ctrl_ready(ctrl);
	nvtk_ctrl_unlock(ctrl);
	if (!ready)
		return -ENXIO;

	ret = nvtk_ioq_cmd(ctrl, NVTK_ADMIN_DELETE_SQ, q->qid, 0, 0, sq_status);
	if (ret == -EBUSY || ret == -ENXIO)
		return ret;
	if (!ret)
		ret = nvtk_ioq_cmd(ctrl, NVTK_ADMIN_DELETE_CQ, q->qid, 0, 0, cq_status);
	if (ret == -ECANCELED || ret == -ENODEV)
		return ret == -ECANCELED ? -ESTALE : -ENODEV;	/* the cleanup drops it */

	WRITE_ONCE(q->deleted, true);
	if (!ret && nvtk_ioq_status_gone(*sq_status) && nvtk_ioq_status_gone(*cq_status)) {
		xa_erase(&ctrl->ioqs, q->qid);
		nvtk_ioq_put(q);
		return 0;
	}
	q->orphan = true;
	return ret;
}

/* The doorbell mapping: its size, and whether queue @qid's doorbells are in it. */
static int nvtk_db_geometry(struct nvtk_ctrl *ctrl, u32 stride, u32 max_qid, u16 qid,
			    u64 *size)
{
	u64 want = PAGE_ALIGN(2ULL * (max_qid + 1) * stride);

	*size = min(want, nvtk_db_limit(ctrl));
	return 2ULL * (qid + 1) * stride <= *size ? 0 : -EIO;
}

/**
 * nvtk_ioctl_create_qpair() - NVT_IOCTL_CREATE_QPAIR.
 * @nf: the file that will own the queue.
 * @uarg: the user's struct nvt_ioctl_create_qpair.
 *
 * Return: 0 (see the statuses), -EINVAL, -ENXIO, -ENOSPC, -EEXIST, -EBUSY,
 * -ETIMEDOUT, -ESTALE, -EIO, -ENOMEM, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_create_qpair(struct nvtk_file *nf,
			     struct nvt_ioctl_create_qpair __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_create_qpair arg;
	struct nvtk_ioq *q, *old;
	u32 cc, stride, max_qid, g_sq, g_cq;
	u16 qid, cq_status = 0, sq_status = 0;
	bool ien, ready;
	u64 cap, db_size;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 120);
	BUILD_BUG_ON(NVTK_MMAP_IOQ + ((u64)NVTK_IOQ_UID_MAX << NVTK_MMAP_IOQ_UID_SHIFT) +
		     BIT_ULL(NVTK_MMAP_IOQ_UID_SHIFT) > NVTK_MMAP_CRC);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if ((arg.flags & ~NVT_QPAIR_F_IEN) || arg.pad0 ||
	    memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.depth < 2 || arg.sq_prio > 3)
		return -EINVAL;
	ien = arg.flags & NVT_QPAIR_F_IEN;
	/* Every output is written, zero where there is nothing to say. */
	arg.cq_status = 0;
	arg.sq_status = 0;
	arg.sq_mmap_offset = 0;
	arg.sq_mmap_size = 0;
	arg.cq_mmap_offset = 0;
	arg.cq_mmap_size = 0;
	arg.db_mmap_offset = 0;
	arg.db_mmap_size = 0;
	arg.sq_db_offset = 0;
	arg.cq_db_offset = 0;
	arg.cmdlog_mmap_offset = 0;
	arg.cmdlog_mmap_size = 0;
	/* The results go back there: fail before creating anything if they cannot. */
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;

	mutex_lock(&ctrl->ioq_mutex);
	nvtk_ioq_cleanup(ctrl);
	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		goto out;
	spin_lock_irq(&ctrl->q_lock);
	ready = ctrl->adminq;
	g_sq = ctrl->granted_sq;
	g_cq = ctrl->granted_cq;
	spin_unlock_irq(&ctrl->q_lock);
	ready = ready && nvtk_ctrl_ready(ctrl);
	cap = lo_hi_readq(ctrl->bar + NVTK_REG_CAP);
	cc = readl(ctrl->bar + NVTK_REG_CC);
	stride = 4U << FIELD_GET(NVTK_CAP_DSTRD, cap);
	max_qid = g_sq && g_cq ? min3(g_sq, g_cq, (u32)NVTK_QID_MAX) : NVTK_QID_MAX;

	ret = -ENXIO;
	if (!ready)
		goto out_unlock;
	ret = -EINVAL;
	if (arg.depth > FIELD_GET(NVTK_CAP_MQES, cap) + 1 || arg.vector >= ctrl->nr_vectors ||
	    (ien && ctrl->irq_type == NVT_IRQ_TYPE_INTX) || arg.qid > max_qid)
		goto out_unlock;
	if (arg.qid) {
		ret = -EEXIST;
		if (xa_load(&ctrl->ioqs, arg.qid))
			goto out_unlock;
		qid = arg.qid;
	} else {
		u32 idx;

		ret = -ENOSPC;
		for (qid = 0, idx = 1; idx <= max_qid; idx++) {
			if (!xa_load(&ctrl->ioqs, idx)) {
				qid = idx;
				break;
			}
		}
		if (!qid)
			goto out_unlock;
	}
	ret = nvtk_db_geometry(ctrl, stride, max_qid, qid, &db_size);
	if (ret)
		goto out_unlock;
	arg.qid = qid;
	if (ien && arg.vector) {
		ret = nvtk_irq_use(ctrl, arg.vector);
		if (ret)
			goto out_unlock;
	}
	nvtk_ctrl_unlock(ctrl);

	q = nvtk_ioq_alloc(nf, qid, arg.depth, cc, SZ_4K << FIELD_GET(NVTK_CC_MPS, cc));
	if (IS_ERR(q)) {
		ret = PTR_ERR(q);
		goto out;
	}
	q->gen = atomic_read(&ctrl->ioq_gen);

	/* Create I/O Completion Queue (section 5.4): QSIZE, QID; IV, IEN, PC. */
	ret = nvtk_ioq_cmd(ctrl, NVTK_ADMIN_CREATE_CQ, (arg.depth - 1) << 16 | qid,
			   (u32)arg.vector << 16 | (ien ? NVTK_CQ_IEN : 0) | NVTK_QUEUE_PC,
			   q->cq_dma, &cq_status);
	if (ret || cq_status)
		goto err_queue;
	/* Create I/O Submission Queue (section 5.3): QSIZE, QID; CQID, QPRIO, PC. */
	ret = nvtk_ioq_cmd(ctrl, NVTK_ADMIN_CREATE_SQ, (arg.depth - 1) << 16 | qid,
			   (u32)qid << 16 | FIELD_PREP(NVTK_SQ_QPRIO, arg.sq_prio) | NVTK_QUEUE_PC,
			   q->sq_dma, &sq_status);
	if (ret || sq_status) {
		u16 status;
		int err;

		if (ret == -ECANCELED || ret == -ENODEV)
			goto err_queue;
		if (ret) {
			/* The CQ exists (and the SQ may, after a timeout): keep them. */
			nvtk_ioq_orphan(q);
			goto out;
		}
		/* The CQ alone exists: delete it again. */
		err = nvtk_ioq_cmd(ctrl, NVTK_ADMIN_DELETE_CQ, qid, 0, 0, &status);
		if (err == -ETIMEDOUT || err == -EBUSY || (!err && !nvtk_ioq_status_gone(status)))
			nvtk_ioq_orphan(q);
		else
			nvtk_ioq_put(q);
		ret = 0;
		goto done;
	}

	/* The ctrl table's reference, and the file's. */
	ret = xa_err(xa_store(&ctrl->ioqs, qid, q, GFP_KERNEL));
	if (ret) {
		nvtk_ioq_orphan(q);	/* it exists on the device: keep it */
		goto out;
	}
	kref_get(&q->ref);
	old = xa_store(&nf->ioqs, qid, q, GFP_KERNEL);
	if (xa_is_err(old)) {
		/* The device has it: it stays in ctrl->ioqs as an orphan. */
		nvtk_ioq_put(q);
		q->orphan = true;
		WRITE_ONCE(q->deleted, true);
		ret = -ENOMEM;
		goto out;
	}
	if (old)
		nvtk_ioq_put(old);	/* the file's stale queue of the same id */

	arg.sq_mmap_offset = nvtk_ioq_offset(q, NVTK_IOQ_MAP_SQ);
	arg.sq_mmap_size = q->sq_size;
	arg.cq_mmap_offset = nvtk_ioq_offset(q, NVTK_IOQ_MAP_CQ);
	arg.cq_mmap_size = q->cq_size;
	arg.db_mmap_offset = NVTK_MMAP_DB;
	arg.db_mmap_size = db_size;
	arg.sq_db_offset = 2 * qid * stride;
	arg.cq_db_offset = (2 * qid + 1) * stride;
	arg.cmdlog_mmap_offset = nvtk_ioq_offset(q, NVTK_IOQ_MAP_CMDLOG);
	arg.cmdlog_mmap_size = q->cmdlog_size;
	ret = 0;
	goto done;

err_queue:
	/* A timeout: the device may still create the queue on our memory. */
	if (ret == -ETIMEDOUT)
		nvtk_ioq_orphan(q);
	else
		nvtk_ioq_put(q);
	if (ret == -ECANCELED)
		ret = -ESTALE;
	if (ret)
		goto out;
done:
	arg.cq_status = cq_status;
	arg.sq_status = sq_status;
	mutex_unlock(&ctrl->ioq_mutex);
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;	/* the queue, if any, is the file's: close deletes it */
	return 0;

out_unlock:
	nvtk_ctrl_unlock(ctrl);
out:
	mutex_unlock(&ctrl->ioq_mutex);
	return ret;
}

/**
 * nvtk_ioctl_delete_qpair() - NVT_IOCTL_DELETE_QPAIR.
 * @nf: the file that owns the queue.
 * @uarg: the user's struct nvt_ioctl_delete_qpair.
 *
 * Return: 0 (see the statuses), -EINVAL, -ENOENT, -ESTALE, -ENXIO,
 * -ETIMEDOUT, -EBUSY, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_delete_qpair(struct nvtk_file *nf,
			     struct nvt_ioctl_delete_qpair __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_delete_qpair arg;
	struct nvtk_ioq *q;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 40);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.pad0 || arg.pad1 ||
	    memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	arg.sq_status = 0;
	arg.cq_status = 0;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	if (READ_ONCE(ctrl->dead))
		return -ENODEV;

	mutex_lock(&ctrl->ioq_mutex);
	nvtk_ioq_cleanup(ctrl);
	q = xa_load(&nf->ioqs, arg.qid);
	ret = -ENOENT;
	if (!q)
		goto out;
	if (!nvtk_ioq_current(q)) {
		/* Nothing to send: the reset deleted it on the device. */
		xa_erase(&nf->ioqs, arg.qid);
		nvtk_ioq_put(q);
		ret = READ_ONCE(ctrl->dead) ? -ENODEV : -ESTALE;
		goto out;
	}
	ret = nvtk_ioq_delete(q, &arg.sq_status, &arg.cq_status);
	if ((ret == -ENXIO || ret == -EBUSY) && !READ_ONCE(q->deleted))
		goto out;	/* nothing sent: the handle stays */
	/* Whatever the device said, the handle is gone. */
	xa_erase(&nf->ioqs, arg.qid);
	nvtk_ioq_put(q);
	if (!nvtk_file_has_live_ioq(nf))
		nvtk_bufs_put_list(&nf->deferred_bufs);
	mutex_unlock(&ctrl->ioq_mutex);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
	return 0;

out:
	mutex_unlock(&ctrl->ioq_mutex);
	return ret;
}

/**
 * nvtk_ioq_release_file() - a file goes: delete its live IO queues, and
 *	let go of the buffers kept for them, or keep them for the orphans.
 * @nf: the file, being released (no ioctl or mapping of it is left).
 */
void nvtk_ioq_release_file(struct nvtk_file *nf)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	bool orphans = false;
	struct nvtk_ioq *q;
	unsigned long qid;

	mutex_lock(&ctrl->ioq_mutex);
	nvtk_ioq_cleanup(ctrl);
	xa_for_each(&nf->ioqs, qid, q) {
		u16 sq_status, cq_status;

		xa_erase(&nf->ioqs, qid);
		if (nvtk_ioq_current(q)) {
			int ret = nvtk_ioq_delete(q, &sq_status, &cq_status);

			if (ret == -EBUSY) {
				WRITE_ONCE(q->deleted, true);
				q->orphan = true;
			} else if (ret == -ENXIO) {
				bool off = false;

				/* Not processing commands: disabled means no IO queue. */
				if (!nvtk_ctrl_lock_live(ctrl)) {
					off = !(readl(ctrl->bar + NVTK_REG_CC) & NVTK_CC_EN) &&
					      !(readl(ctrl->bar + NVTK_REG_CSTS) & NVTK_CSTS_RDY);
					nvtk_ctrl_unlock(ctrl);
				}
				WRITE_ONCE(q->deleted, true);
				if (off) {
					xa_erase(&ctrl->ioqs, q->qid);
					nvtk_ioq_put(q);
				} else {
					q->orphan = true;
				}
			}
			orphans |= q->orphan && nvtk_ioq_current(q);
		}
		nvtk_ioq_put(q);
	}
	if (orphans) {
		struct nvtk_buf *buf;
		unsigned long handle;

		/* The orphans' commands may still use any of the file's buffers. */
		list_splice_tail_init(&nf->deferred_bufs, &ctrl->orphan_bufs);
		xa_for_each(&nf->bufs, handle, buf) {
			xa_erase(&nf->bufs, handle);
			list_add_tail(&buf->defer_node, &ctrl->orphan_bufs);
		}
	} else {
		nvtk_bufs_put_list(&nf->deferred_bufs);
	}
	mutex_unlock(&ctrl->ioq_mutex);
	xa_destroy(&nf->ioqs);
}
