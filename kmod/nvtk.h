/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvmetest.ko internals: the controller and file objects and the functions
 * the files of the module share. Every non-static symbol starts with nvtk_.
 *
 * Lock order, outermost first (none of them is taken inside another one in
 * any other order):
 *	nvtk_ctrl.ioq_mutex > nvtk_ctrl.lock (rwsem) > nvtk_ctrl.irq_mutex
 *	> nvtk_ctrl.admin_mutex > nvtk_ctrl.prp_mutex
 *	> nvtk_ctrl.q_lock (spinlock, taken in the admin interrupt)
 *	> nvtk_ctrls_lock, nvtk_file.cpl_lock, nvtk_vec.lock (spinlocks)
 *	nvtk_ctrl.ioq_mutex > nvtk_ctrl.files_mutex
 *	nvtk_ctrl.crc_mutex > nvtk_ctrl.files_mutex > i_mmap_rwsem (zapping)
 *	device_lock > nvtk_ctrl.lock (resets, remove)
 * No mmap or fault path takes ioq_mutex, crc_mutex or files_mutex, and
 * none of them is held across a copy to or from user space, so mmap_lock
 * never nests outside them. The xa_locks of the xarrays nest inside
 * everything and take nothing else.
 */
#ifndef NVTK_H
#define NVTK_H

#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <nvmetest/uapi.h>

#define NVTK_NAME	"nvmetest"
#define NVTK_MINORS	256		/* /dev/nvmetest0 .. /dev/nvmetest255 */

/* Identify Controller SN is 20 bytes and MN 40 (NVMe 1.4 section 5.15.2.1). */
#define NVTK_SERIAL_LEN	20
#define NVTK_MODEL_LEN	40

/*
 * Controller registers (NVMe 1.4 section 3.1) and the fields the module
 * uses, with the spec's bit ranges.
 */
#define NVTK_REG_CAP	0x00		/* 3.1.1 Controller Capabilities */
#define NVTK_CAP_MQES	GENMASK_ULL(15, 0)	/* max queue entries, 0's based */
#define NVTK_CAP_TO	GENMASK_ULL(31, 24)	/* ready timeout, 500 ms units */
#define NVTK_CAP_DSTRD	GENMASK_ULL(35, 32)	/* doorbell stride 4 << n */
#define NVTK_REG_CC	0x14		/* 3.1.5 Controller Configuration */
#define NVTK_CC_EN	BIT(0)
#define NVTK_CC_MPS	GENMASK(10, 7)	/* memory page size 4 KiB << n */
#define NVTK_CC_IOSQES	GENMASK(19, 16)	/* I/O SQ entry size 2 ^ n */
#define NVTK_CC_IOCQES	GENMASK(23, 20)	/* I/O CQ entry size 2 ^ n */
#define NVTK_REG_CSTS	0x1c		/* 3.1.6 Controller Status */
#define NVTK_CSTS_RDY	BIT(0)
#define NVTK_CSTS_CFS	BIT(1)
#define NVTK_REG_AQA	0x24		/* 3.1.8 Admin Queue Attributes */
#define NVTK_REG_ASQ	0x28		/* 3.1.9 Admin SQ Base Address */
#define NVTK_REG_ACQ	0x30		/* 3.1.10 Admin CQ Base Address */
#define NVTK_REG_DBS	0x1000		/* 3.1.24-25 doorbells */

/* Admin opcodes the module looks at (NVMe 1.4 section 5, Admin Command Set). */
#define NVTK_ADMIN_DELETE_SQ	0x00
#define NVTK_ADMIN_CREATE_SQ	0x01
#define NVTK_ADMIN_DELETE_CQ	0x04
#define NVTK_ADMIN_CREATE_CQ	0x05
#define NVTK_ADMIN_IDENTIFY	0x06
#define NVTK_ADMIN_SET_FEATURES	0x09
#define NVTK_ADMIN_GET_FEATURES	0x0a
#define NVTK_ADMIN_AER		0x0c
#define NVTK_ADMIN_DBBC		0x7c
#define NVTK_CNS_CTRL		0x01	/* Identify: Controller data structure */
#define NVTK_FID_NR_QUEUES	0x07	/* Set/Get Features: Number of Queues */
#define NVTK_FID_HMB		0x0d	/* Set Features: Host Memory Buffer */
/* Opcode bits 1:0, data transfer direction (NVMe 1.4 figure 139). */
#define NVTK_OPC_XFER		GENMASK(1, 0)
#define NVTK_OPC_XFER_H2C	1	/* host to controller */

/* Status Invalid Queue Identifier: SCT 1h, SC 01h (section 5.4, 5.5). */
#define NVTK_STATUS_INVALID_QID	0x101

/*
 * mmap offsets. User space gets them from the ioctls and never computes
 * them; this layout is private to the module and may change.
 *	[0, 2^42)	DMA buffers: handle << NVTK_MMAP_BUF_SHIFT
 *	[2^44, 2^45)	the admin command log: NVTK_MMAP_CMDLOG (+ qid 0 << 20)
 *	[2^45, 2^46)	the interrupt counter page
 *	[2^46, 2^47)	the doorbells: BAR0 from NVTK_REG_DBS on
 *	[2^48, 2^61)	IO queues: + uid << 36 + kind << 34 (SQ, CQ, cmdlog)
 *	[2^61, 2^62)	CRC tables: + uid << 43, the bitmap at + 2^42
 */
#define NVTK_MMAP_BUF_SHIFT	22	/* ilog2(NVT_BUF_MAX_SIZE) */
#define NVTK_BUF_HANDLE_MAX	((1U << 20) - 1)
#define NVTK_MMAP_CMDLOG	(1ULL << 44)
#define NVTK_MMAP_CMDLOG_SHIFT	20
#define NVTK_MMAP_IRQ		(1ULL << 45)
#define NVTK_MMAP_DB		(1ULL << 46)
#define NVTK_MMAP_DB_SPAN	(1ULL << 46)
#define NVTK_MMAP_IOQ		(1ULL << 48)
#define NVTK_MMAP_IOQ_UID_SHIFT	36
#define NVTK_MMAP_IOQ_KIND_SHIFT 34
#define NVTK_IOQ_UID_MAX	((1U << 24) - 1)
#define NVTK_MMAP_CRC		(1ULL << 61)
#define NVTK_MMAP_CRC_UID_SHIFT	43
#define NVTK_MMAP_CRC_BITMAP	(1ULL << 42)
#define NVTK_CRC_UID_MAX	((1U << 18) - 1)

/* Host timeout of the commands the kernel sends itself (create/delete queue). */
#define NVTK_SYNC_TIMEOUT_MS	10000

struct nvtk_queue;
struct nvtk_vec;

/*
 * The PRP resources of one memory page size (4 KiB << CC.MPS), made on
 * first use (admin.c): a pool of memory pages for PRP lists, the sink data
 * page, and the sink list page whose entries all point to the sink data
 * page but the last, which points to the sink list page itself. See
 * nvtk_prp_build() in admin.c.
 */
struct nvtk_prp_res {
	struct dma_pool *pool;
	void *sink;
	dma_addr_t sink_dma;
	__le64 *sink_list;
	dma_addr_t sink_list_dma;
};

/**
 * struct nvtk_ctrl - one NVMe PCI function bound to nvmetest.
 * @ref: one reference for the binding (dropped in remove), one per open
 *	file (dropped at release), one per DMA buffer and one per command log
 *	mapping; the last put frees the struct.
 * @pdev: the function; we hold a reference until the struct is freed.
 * @minor: N of /dev/nvmetestN, from nvtk_minors; fixed while bound.
 * @node: entry in nvtk_ctrls, sorted by @minor, under nvtk_ctrls_lock.
 * @cdev: the character device (allocated apart, with its own lifetime:
 *	the VFS may still hold it after our last reference is gone).
 * @dev: the class device that makes /dev/nvmetestN.
 * @lock: protects @dead and every access to the hardware (@bar and the
 *	config space). ioctls hold it shared for the time of their access;
 *	remove holds it exclusive while it sets @dead. Nothing may sleep for
 *	long under it (remove waits for it).
 * @dead: set once the function is unbound; every ioctl then gives -ENODEV.
 *	Read without @lock (READ_ONCE) where a stale value is harmless.
 * @resetting: set under @lock while the function resets (reset.c): ioctls
 *	give -EBUSY and doorbell mappings show @db_dummy meanwhile.
 * @reset_result: NVTK_RESET_NOT_DONE (reset.c) while NVT_IOCTL_RESET has
 *	the PCI core reset the bus and our reset_done has not run yet, then
 *	what that reset_done returned.
 * @removed: set after @dead, once remove has cancelled every command: a
 *	file then has all the completions it will ever get (REAP_ADMIN gives
 *	-ENODEV when none is left, poll() reports EPOLLHUP).
 * @bar: BAR0, mapped whole while bound, NULL once unbound.
 * @bar_size: length of BAR0; fixed while the struct exists.
 * @serial: Identify Controller SN, NUL-terminated, empty until known.
 * @model: Identify Controller MN, NUL-terminated, empty until known.
 *	@serial and @model are read by the netlink dump under nvtk_ctrls_lock,
 *	so whoever fills them must hold it too.
 * @files_mutex: protects @files.
 * @files: the open files (struct nvtk_file), to wake them at unbind and to
 *	zap the mappings of their address spaces.
 * @next_file_id: the id of the next file opened (atomic).
 * @prp_mutex: serialises making @prp_res entries.
 * @prp_res: PRP lists and sinks per CC.MPS value (index), each made on
 *	first use and never changed afterwards; destroyed at remove once no
 *	command holds a block.
 * @dma_unsafe: the device may still be doing DMA (remove could not disable
 *	it): from then on DMA memory is leaked instead of freed.
 * @nr_vectors: interrupt vectors allocated at probe (0: none).
 * @irq_type: NVT_IRQ_TYPE_* of those vectors.
 * @irq_requested: vector 0 has the admin handler.
 * @irq_mutex: serialises requesting IO vectors and CTL_IRQ on them.
 * @vecs: per vector state [@nr_vectors] (irq.c).
 * @irq_counters: one atomic64 per vector, the page NVT_IOCTL_MAP_IRQS maps;
 *	from vmalloc_user() at probe, freed with the struct.
 * @irq_counters_size: its length in bytes, a page multiple.
 * @db_dummy: a zeroed page that a doorbell mapping shows after the unbind
 *	(freed with the struct, which every mapping holds).
 * @ioq_mutex: protects @ioqs, @orphan_bufs, every file's
 *	nvtk_file.ioqs and nvtk_file.deferred_bufs, and the state of every IO
 *	queue (queue.c). Held across the admin commands that create and delete
 *	IO queues.
 * @ioqs: IO queues by qid that the device may have: live ones, and
 *	orphans (whose deletion failed, kept until the next SETUP_ADMIN or the
 *	unbind); each entry holds a reference.
 * @ioq_uids: every IO queue still alive, by uid (for mmap; no reference).
 * @next_ioq_uid: cyclic uid allocation, under the xa_lock of @ioq_uids.
 * @ioq_gen: bumped by every SETUP_ADMIN and reset (nvtk_ioq_invalidate()):
 *	an IO queue made in an older generation is stale (the controller was
 *	disabled under it).
 * @orphan_bufs: buffers of closed files that orphaned IO queues may use.
 * @ioq_work: cleans stale IO queues up after a SETUP_ADMIN or a reset.
 * @granted_sq: Number of Queues allocated, I/O SQs (NSQA + 1), as the last
 *	successful Set/Get Features 07h said; 0 while unknown. Under @q_lock.
 * @granted_cq: the same for I/O CQs (NCQA + 1).
 * @crc_mutex: protects @crcs and the clearing of tables.
 * @crcs: the CRC table of each namespace by nsid (each holds a reference).
 * @crc_uids: every CRC table still alive, by uid (for mmap; no reference).
 * @next_crc_uid: cyclic uid allocation, under the xa_lock of @crc_uids.
 * @admin_mutex: serialises NVT_IOCTL_SETUP_ADMIN (building a queue and
 *	programming AQA/ASQ/ACQ with it).
 * @q_lock: protects @adminq and everything in the queue it points to, and
 *	the writes to @cmdlog. Taken in the admin interrupt handler.
 * @adminq: the admin queue pair, NULL until the first SETUP_ADMIN and
 *	after remove. While it exists the controller may use our memory, so
 *	remove disables the controller (CC.EN = 0, CSTS.RDY = 0 awaited up to
 *	CAP.TO: nvtk_admin_quiesce()) before any queue memory is freed.
 * @tick: every NVTK_TICK_MS while @adminq exists: reaps the admin CQ (a
 *	masked interrupt must not strand completions), expires host timeouts
 *	and watches CSTS.CFS.
 * @cfs: CSTS.CFS as the tick last saw it (only the tick uses it).
 * @cmdlog: the admin queue's command log (header and entries), from
 *	vmalloc_user() at probe, freed with the struct.
 * @cmdlog_size: its length in bytes, a page multiple.
 */
struct nvtk_ctrl {
	struct kref ref;
	struct pci_dev *pdev;
	int minor;
	struct list_head node;
	struct cdev *cdev;
	struct device *dev;

	struct rw_semaphore lock;
	bool dead;
	bool removed;
	bool resetting;
	int reset_result;
	void __iomem *bar;
	resource_size_t bar_size;

	char serial[NVTK_SERIAL_LEN + 1];
	char model[NVTK_MODEL_LEN + 1];

	struct mutex files_mutex;
	struct list_head files;
	atomic64_t next_file_id;

	struct mutex prp_mutex;
	struct nvtk_prp_res prp_res[16];
	bool dma_unsafe;

	int nr_vectors;
	u32 irq_type;
	bool irq_requested;
	struct mutex irq_mutex;
	struct nvtk_vec *vecs;
	atomic64_t *irq_counters;
	size_t irq_counters_size;
	struct page *db_dummy;

	struct mutex ioq_mutex;
	struct xarray ioqs;
	struct xarray ioq_uids;
	u32 next_ioq_uid;
	atomic_t ioq_gen;
	struct list_head orphan_bufs;
	struct work_struct ioq_work;
	u32 granted_sq;
	u32 granted_cq;

	struct mutex crc_mutex;
	struct xarray crcs;
	struct xarray crc_uids;
	u32 next_crc_uid;

	struct mutex admin_mutex;
	spinlock_t q_lock;
	struct nvtk_queue *adminq;
	struct delayed_work tick;
	bool cfs;

	struct nvt_cmdlog_header *cmdlog;
	size_t cmdlog_size;
};

/**
 * struct nvtk_file - one open /dev/nvmetestN.
 * @ctrl: the controller; the file holds a reference.
 * @id: unique among the files of @ctrl (never reused, unlike the pointer).
 * @mapping: the address space of the struct file, where its mappings are.
 * @node: entry in @ctrl->files, under @ctrl->files_mutex.
 * @bufs: the file's DMA buffers by handle (struct nvtk_buf, each holding
 *	the table's reference); the xarray's own lock protects it.
 * @next_handle: where the cyclic handle allocation goes on (under the
 *	xa_lock), so that a freed handle is not reused at once.
 * @cpl_lock: protects @cpls.
 * @cpls: completions delivered and not yet reaped (struct nvtk_cpl).
 * @cpl_wait: woken when a completion is delivered and at unbind.
 * @ioqs: the file's IO queues by qid (live or stale), each holding a
 *	reference; under @ctrl->ioq_mutex.
 * @deferred_bufs: buffers freed while the file had live IO queues
 *	(struct nvtk_buf.defer_node); under @ctrl->ioq_mutex.
 */
struct nvtk_file {
	struct nvtk_ctrl *ctrl;
	u64 id;
	struct address_space *mapping;
	struct list_head node;
	struct xarray bufs;
	u32 next_handle;
	spinlock_t cpl_lock;
	struct list_head cpls;
	wait_queue_head_t cpl_wait;
	struct xarray ioqs;
	struct list_head deferred_bufs;
};

/**
 * struct nvtk_cpl - a completion on its way to the file that submitted it.
 * @node: entry in nvtk_file.cpls once delivered.
 * @cpl: what NVT_IOCTL_REAP_ADMIN copies out.
 */
struct nvtk_cpl {
	struct list_head node;
	struct nvt_completion cpl;
};

/**
 * struct nvtk_buf - a DMA buffer (dmabuf.c).
 * @ref: one for the file's handle table, one per outstanding command that
 *	names it, one per pinning command (Create I/O queue, Doorbell Buffer
 *	Config) until the next SETUP_ADMIN, one per mapping.
 * @ctrl: whose device it is mapped for; the buffer holds a reference.
 * @vaddr: kernel address.
 * @iova: device address of byte 0.
 * @size: bytes, a page multiple.
 * @free_work: frees it when the last reference went in atomic context.
 * @defer_node: in nvtk_file.deferred_bufs or nvtk_ctrl.orphan_bufs while
 *	its handle is gone but an IO queue may still use it (the reference of
 *	the handle goes with it).
 */
struct nvtk_buf {
	struct kref ref;
	struct nvtk_ctrl *ctrl;
	void *vaddr;
	dma_addr_t iova;
	size_t size;
	struct work_struct free_work;
	struct list_head defer_node;
};

/**
 * struct nvtk_event - what nvtk_genl_event() publishes; each field but @type
 * is sent only with the events uapi.h lists it for.
 * @type: NVT_EVENT_*.
 * @cdw0: completion DW0 (AER).
 * @status: SCT << 8 | SC (AER).
 * @opcode: command opcode (TIMEOUT).
 * @cid: command identifier (TIMEOUT).
 * @qid: queue identifier (TIMEOUT).
 * @reset_type: NVT_RESET_* (RESET; 0: SETUP_ADMIN or a reset from elsewhere).
 * @pci_state: NVT_PCI_STATE_* (PCI_ERROR).
 */
struct nvtk_event {
	u32 type;
	u32 cdw0;
	u32 status;
	u32 opcode;
	u32 cid;
	u32 qid;
	u32 reset_type;
	u32 pci_state;
};

/* main.c: module-wide registrations */
extern dev_t nvtk_devt;
extern struct class *nvtk_class;
extern struct ida nvtk_minors;
extern struct workqueue_struct *nvtk_wq;

/* cdev.c: controller lifetime and the character device */
extern struct list_head nvtk_ctrls;
extern spinlock_t nvtk_ctrls_lock;

struct nvtk_ctrl *nvtk_ctrl_alloc(struct pci_dev *pdev);
void nvtk_ctrl_get(struct nvtk_ctrl *ctrl);
void nvtk_ctrl_put(struct nvtk_ctrl *ctrl);
int nvtk_ctrl_lock_live(struct nvtk_ctrl *ctrl);

/* -ENODEV once the function is unbound, -EBUSY while it resets, else 0. */
static inline int nvtk_ctrl_state(const struct nvtk_ctrl *ctrl)
{
	if (READ_ONCE(ctrl->dead))
		return -ENODEV;
	return READ_ONCE(ctrl->resetting) ? -EBUSY : 0;
}
void nvtk_ctrl_unlock(struct nvtk_ctrl *ctrl);
void nvtk_ctrl_kill(struct nvtk_ctrl *ctrl);
void nvtk_ctrl_mark_removed(struct nvtk_ctrl *ctrl);
int nvtk_cdev_add(struct nvtk_ctrl *ctrl);
int nvtk_vm_no_split(struct vm_area_struct *vma, unsigned long addr);
void nvtk_ctrl_vm_open(struct vm_area_struct *vma);
void nvtk_ctrl_vm_close(struct vm_area_struct *vma);
extern const struct vm_operations_struct nvtk_ctrl_vm_ops;
void nvtk_cdev_del(struct nvtk_ctrl *ctrl);

/* pci.c */
extern struct pci_driver nvtk_pci_driver;

/* ioctl.c: GET_INFO, register and config space access */
long nvtk_ioctl_get_info(struct nvtk_ctrl *ctrl,
			 struct nvt_ioctl_get_info __user *uarg);
long nvtk_ioctl_read_reg(struct nvtk_ctrl *ctrl,
			 struct nvt_ioctl_access __user *uarg);
long nvtk_ioctl_write_reg(struct nvtk_ctrl *ctrl,
			  struct nvt_ioctl_access __user *uarg);
long nvtk_ioctl_read_config(struct nvtk_ctrl *ctrl,
			    struct nvt_ioctl_access __user *uarg);
long nvtk_ioctl_write_config(struct nvtk_ctrl *ctrl,
			     struct nvt_ioctl_access __user *uarg);

/* dmabuf.c: DMA buffers */
long nvtk_ioctl_alloc_buf(struct nvtk_file *nf,
			  struct nvt_ioctl_alloc_buf __user *uarg);
long nvtk_ioctl_free_buf(struct nvtk_file *nf,
			 struct nvt_ioctl_free_buf __user *uarg);
void nvtk_dma_free(struct nvtk_ctrl *ctrl, size_t size, void *vaddr, dma_addr_t dma);
struct nvtk_buf *nvtk_buf_get(struct nvtk_file *nf, u32 handle);
void nvtk_buf_put(struct nvtk_buf *buf);
void nvtk_buf_put_atomic(struct nvtk_buf *buf);
void nvtk_bufs_release(struct nvtk_file *nf);
int nvtk_buf_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);

/* admin.c: the admin queue */
long nvtk_ioctl_setup_admin(struct nvtk_file *nf,
			    struct nvt_ioctl_setup_admin __user *uarg);
long nvtk_ioctl_submit_admin(struct nvtk_file *nf,
			     struct nvt_ioctl_submit_admin __user *uarg);
long nvtk_ioctl_reap_admin(struct nvtk_file *nf,
			   struct nvt_ioctl_reap_admin __user *uarg);
void nvtk_admin_init(struct nvtk_ctrl *ctrl);
irqreturn_t nvtk_admin_irq(int irq, void *data);
void nvtk_admin_detach_file(struct nvtk_file *nf);
int nvtk_admin_sync(struct nvtk_ctrl *ctrl, const u32 *sqe, u32 timeout_ms, u32 *cqe);
u16 nvtk_cqe_status(const u32 *cqe);
bool nvtk_ctrl_ready(struct nvtk_ctrl *ctrl);
void nvtk_admin_quiesce(struct nvtk_ctrl *ctrl);
int nvtk_ctrl_disable(struct nvtk_ctrl *ctrl);
void nvtk_admin_destroy(struct nvtk_ctrl *ctrl);
void nvtk_prp_res_destroy(struct nvtk_ctrl *ctrl);

/* queue.c: IO queue pairs */
void nvtk_ioq_init(struct nvtk_ctrl *ctrl);
long nvtk_ioctl_create_qpair(struct nvtk_file *nf,
			     struct nvt_ioctl_create_qpair __user *uarg);
long nvtk_ioctl_delete_qpair(struct nvtk_file *nf,
			     struct nvt_ioctl_delete_qpair __user *uarg);
int nvtk_ioq_map_cmdlog(struct nvtk_file *nf, u32 qid, u64 *offset, u64 *size);
int nvtk_ioq_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);
int nvtk_db_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);
bool nvtk_ioq_defer_buf(struct nvtk_file *nf, struct nvtk_buf *buf);
void nvtk_ioq_release_file(struct nvtk_file *nf);
void nvtk_ioq_invalidate(struct nvtk_ctrl *ctrl);
void nvtk_ioq_reset(struct nvtk_ctrl *ctrl);
void nvtk_ioq_destroy(struct nvtk_ctrl *ctrl);
void nvtk_zap_mappings(struct nvtk_ctrl *ctrl, u64 offset, u64 len);

/* reset.c: resets of the function and PCI error recovery */
extern const struct pci_error_handlers nvtk_pci_err_handlers;
extern const struct dev_pm_ops nvtk_pm_ops;
void nvtk_reset_prepare(struct nvtk_ctrl *ctrl);
int nvtk_reset_done(struct nvtk_ctrl *ctrl, u32 type);
long nvtk_ioctl_reset(struct nvtk_ctrl *ctrl, struct nvt_ioctl_reset __user *uarg);

/* irq.c: interrupt vectors */
int nvtk_irq_init(struct nvtk_ctrl *ctrl);
void nvtk_irq_exit(struct nvtk_ctrl *ctrl);
void nvtk_irq_free(struct nvtk_ctrl *ctrl);
int nvtk_irq_use(struct nvtk_ctrl *ctrl, u16 vector);
long nvtk_ioctl_map_irqs(struct nvtk_file *nf,
			 struct nvt_ioctl_map_irqs __user *uarg);
long nvtk_ioctl_ctl_irq(struct nvtk_file *nf,
			struct nvt_ioctl_ctl_irq __user *uarg);
int nvtk_irq_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);
void nvtk_irq_release_file(struct nvtk_file *nf);

/* crc.c: CRC tables */
void nvtk_crc_init(struct nvtk_ctrl *ctrl);
long nvtk_ioctl_map_crc_table(struct nvtk_file *nf,
			      struct nvt_ioctl_map_crc_table __user *uarg);
int nvtk_crc_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);
void nvtk_crc_destroy(struct nvtk_ctrl *ctrl);

/* cmdlog.c: command logs */
int nvtk_cmdlog_alloc(struct nvtk_ctrl *ctrl);
void nvtk_cmdlog_free(struct nvtk_ctrl *ctrl);
struct nvt_cmdlog_header *nvtk_cmdlog_new(u32 qid, size_t *size);
u64 nvtk_cmdlog_submit(struct nvtk_ctrl *ctrl, const __le32 *sqe, u64 now);
void nvtk_cmdlog_complete(struct nvtk_ctrl *ctrl, u64 index, const u32 *cqe,
			  u64 now, u32 flags);
long nvtk_ioctl_map_cmdlog(struct nvtk_file *nf,
			   struct nvt_ioctl_map_cmdlog __user *uarg);
int nvtk_cmdlog_mmap(struct nvtk_file *nf, struct vm_area_struct *vma);

/* genl.c: discovery and events */
int nvtk_genl_init(void);
void nvtk_genl_exit(void);
void nvtk_genl_event(struct nvtk_ctrl *ctrl, const struct nvtk_event *ev);
void nvtk_genl_flush(void);

#endif /* NVTK_H */
