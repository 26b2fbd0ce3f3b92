// SPDX-License-Identifier: GPL-2.0
/*
 * The admin queue: NVT_IOCTL_SETUP_ADMIN, NVT_IOCTL_SUBMIT_ADMIN,
 * NVT_IOCTL_REAP_ADMIN, the admin interrupt and the tick.
 *
 * The kernel owns the queue memory, the CIDs and the PRPs; user space drives
 * CC and CSTS itself (NVMe 1.4 section 7.6.1), so SETUP_ADMIN only builds a
 * queue pair and programs AQA, ASQ and ACQ (sections 3.1.8-3.1.10) while the
 * controller is disabled.
 *
 * A command occupies a slot (its CID) from submission until the device
 * completes it or the queue is set up again. The slot holds the command's
 * buffer reference and PRP lists, and the completion record that goes to
 * the submitting file. The PRPs never let the device reach memory outside
 * the command's range: whatever it moves beyond goes to a sink page of the
 * kernel's (nvtk_prp_build()). The kernel sends commands of its own too
 * (creating and deleting IO queues: nvtk_admin_sync()), in the same slots.
 * Completions are reaped by the admin interrupt (vector 0) and by the tick,
 * which also expires host timeouts: a timed-out command is completed to its
 * file at once with a made-up CQE, but keeps its slot, buffer and PRP lists
 * until the device completes it for real (that completion is logged and
 * dropped) or the queue goes. A closed file's commands complete into the
 * void.
 *
 * Everything in struct nvtk_queue, and the pointer to it, is protected by
 * nvtk_ctrl.q_lock, which the interrupt handler takes: elsewhere it is
 * taken with interrupts off.
 */
#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/build_bug.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nvtk.h"

#define NVTK_TICK_MS		100
#define NVTK_SQE_DWORDS		16	/* 64-byte admin SQ entry (section 4.2) */
#define NVTK_CQE_DWORDS		4	/* 16-byte admin CQ entry (section 4.6) */

/*
 * PRP lists (section 4.3) are built in memory pages of 4 KiB << CC.MPS from
 * the pool of ctrl->prp_res[CC.MPS]. The worst case: 4 MiB at an unaligned
 * offset in 4 KiB pages, 1024 entries after PRP1, in three list pages.
 */
#define NVTK_PRP_BLOCKS_MAX	3
/* Submission queue entry, Command Dword 0 (section 4.2). */
#define NVTK_SQE_CDW0_OPC	GENMASK(7, 0)
#define NVTK_SQE_CDW0_PSDT	GENMASK(15, 14)
#define NVTK_SQE_CDW0_CID	GENMASK(31, 16)
/* Completion queue entry, Dwords 2 and 3 (section 4.6). */
#define NVTK_CQE_DW2_SQHD	GENMASK(15, 0)
#define NVTK_CQE_DW3_CID	GENMASK(15, 0)
#define NVTK_CQE_DW3_P		BIT(16)
#define NVTK_CQE_DW3_SF		GENMASK(31, 17)	/* Status Field (section 4.6.1) */
#define NVTK_SF_SCT_SC		GENMASK(10, 0)	/* SCT << 8 | SC in the SF */

/*
 * The PRP entries of one command and the list pages it holds until it
 * completes. @bounce_len non-zero: the range's second page is described by
 * entry 0 of list[0], and a device that moves exactly the range writes that
 * part into list[0] itself (PRP2 as a data pointer): copied to @bounce_dst
 * at completion (see nvtk_prp_build()).
 */
struct nvtk_prp {
	u64 prp1;
	u64 prp2;
	struct nvtk_prp_res *res;
	u32 mps;
	u32 bounce_len;
	void *bounce_dst;
	dma_addr_t second;
	__le64 *list[NVTK_PRP_BLOCKS_MAX];
	dma_addr_t list_dma[NVTK_PRP_BLOCKS_MAX];
};

/* A command the kernel sent itself and waits for (nvtk_admin_sync()). */
struct nvtk_sync {
	struct completion done;
	u32 cqe[4];
	u32 flags;
};

/*
 * One CID's slot. @busy from submission until the device completes the
 * command or the queue goes; @cpl until the file got a completion (real,
 * timed out or cancelled); @file NULL once the file is closed. @sync is
 * set instead of @file and @cpl for a command of the kernel's own, until
 * its waiter is woken or gives up.
 */
struct nvtk_cmd {
	struct nvtk_file *file;
	struct nvtk_cpl *cpl;
	struct nvtk_sync *sync;
	struct nvtk_buf *buf;
	const void *data;		/* buf->vaddr + buf_offset */
	u32 data_len;
	struct nvtk_prp prp;
	u64 log_index;
	unsigned long deadline;		/* jiffies, if @has_deadline */
	u32 cdw10;
	u8 opcode;
	bool busy;
	bool has_deadline;
	bool timed_out;
};

/* A buffer the device may use until the next SETUP_ADMIN. */
struct nvtk_pin {
	struct list_head node;
	struct nvtk_buf *buf;
};

struct nvtk_queue {
	u16 sq_depth;
	u16 cq_depth;
	__le32 *sq;
	dma_addr_t sq_dma;
	__le32 *cq;
	dma_addr_t cq_dma;
	u32 __iomem *sq_db;		/* SQ0TDBL (section 3.1.24) */
	u32 __iomem *cq_db;		/* CQ0HDBL (section 3.1.25) */
	u16 sq_tail;
	u16 sq_head;			/* from the last CQE's SQHD */
	u16 cq_head;
	u8 cq_phase;			/* the phase tag of new entries */
	u16 nr_cids;
	u16 next_cid;
	struct nvtk_cmd *cmds;		/* [nr_cids] */
	struct list_head pinned;	/* struct nvtk_pin */
};

static void nvtk_admin_tick(struct work_struct *work);

/**
 * nvtk_admin_init() - initialise the admin state of a new controller.
 * @ctrl: the controller, not yet visible to anyone.
 */
void nvtk_admin_init(struct nvtk_ctrl *ctrl)
{
	mutex_init(&ctrl->admin_mutex);
	spin_lock_init(&ctrl->q_lock);
	INIT_DELAYED_WORK(&ctrl->tick, nvtk_admin_tick);
}

/* ---- PRPs (section 4.3) ---- */

/*
 * The PRP resources for memory pages of 4 KiB << @mps_shift, made on first
 * use (the pool, the sink data page and the sink list page). Process
 * context. Return: the resources, or NULL when out of memory.
 */
static struct nvtk_prp_res *nvtk_prp_res_get(struct nvtk_ctrl *ctrl, u32 mps_shift)
{
	struct nvtk_prp_res *r = &ctrl->prp_res[mps_shift];
	size_t mps = SZ_4K << mps_shift;
	u32 i, n = mps / sizeof(__le64);

	mutex_lock(&ctrl->prp_mutex);
	if (r->pool)
		goto out;
	/* Memory pages aligned to the memory page size: a list chains at its end. */
	r->pool = dma_pool_create(NVTK_NAME "-prp", &ctrl->pdev->dev, mps, mps, 0);
	if (!r->pool)
		goto out;
	/* A memory page size the platform cannot give fails quietly. */
	r->sink = dma_pool_alloc(r->pool, GFP_KERNEL | __GFP_NOWARN, &r->sink_dma);
	r->sink_list = dma_pool_alloc(r->pool, GFP_KERNEL | __GFP_NOWARN, &r->sink_list_dma);
	if (!r->sink || !r->sink_list || (r->sink_dma | r->sink_list_dma) & (mps - 1)) {
		if (r->sink)
			dma_pool_free(r->pool, r->sink, r->sink_dma);
		if (r->sink_list)
			dma_pool_free(r->pool, r->sink_list, r->sink_list_dma);
		dma_pool_destroy(r->pool);
		memset(r, 0, sizeof(*r));
		goto out;
	}
	/* Every entry a data pointer to the sink, the last one chaining to itself. */
	for (i = 0; i < n - 1; i++)
		r->sink_list[i] = cpu_to_le64(r->sink_dma);
	r->sink_list[n - 1] = cpu_to_le64(r->sink_list_dma);
out:
	mutex_unlock(&ctrl->prp_mutex);
	return r->pool ? r : NULL;
}

/**
 * nvtk_prp_res_destroy() - free every sink and pool (remove).
 * @ctrl: the controller: no command holds a list page any more, and the
 *	device does no DMA (disabled, bus mastering off), unless
 *	ctrl->dma_unsafe says otherwise, in which case everything is leaked.
 */
void nvtk_prp_res_destroy(struct nvtk_ctrl *ctrl)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ctrl->prp_res); i++) {
		struct nvtk_prp_res *r = &ctrl->prp_res[i];

		if (!r->pool || ctrl->dma_unsafe)
			continue;
		dma_pool_free(r->pool, r->sink, r->sink_dma);
		dma_pool_free(r->pool, r->sink_list, r->sink_list_dma);
		dma_pool_destroy(r->pool);
		memset(r, 0, sizeof(*r));
	}
}

/* Any context: the pool frees without sleeping. */
static void nvtk_prp_free(struct nvtk_ctrl *ctrl, struct nvtk_prp *prp)
{
	int i;

	for (i = 0; i < NVTK_PRP_BLOCKS_MAX; i++)
		if (prp->list[i] && !ctrl->dma_unsafe)
			dma_pool_free(prp->res->pool, prp->list[i], prp->list_dma[i]);
	memset(prp, 0, sizeof(*prp));
}

/* What nvtk_prp_build() put in entry @i of list[0] of a bounce command. */
static __le64 nvtk_prp_bounce_entry(const struct nvtk_prp *prp, u32 i)
{
	if (i == 0)
		return cpu_to_le64(prp->second);
	if (i == prp->mps / sizeof(__le64) - 1)
		return cpu_to_le64(prp->res->sink_list_dma);
	return cpu_to_le64(prp->res->sink_dma);
}

/*
 * The device completed a command whose PRP2 was a list holding the range's
 * second page: if it wrote into the list page (it moved exactly the range,
 * or crossed one page boundary and stopped short of the range's end, so it
 * took PRP2 as a data pointer), copy that data where the range says. Up to
 * the last 8-byte entry it changed: entries past it still hold the list,
 * so the device did not get there (each entry is a page address, which
 * data written over it is not, in practice). A transfer that ends inside
 * an entry brings the rest of that entry along: at most 7 bytes of the
 * range that the device did not write.
 */
static void nvtk_prp_bounce(const struct nvtk_prp *prp)
{
	const __le64 *list = prp->list[0];
	u32 n = DIV_ROUND_UP(prp->bounce_len, 8), len = 0;

	while (n) {
		__le64 e = nvtk_prp_bounce_entry(prp, n - 1);
		u32 bytes = min_t(u32, 8, prp->bounce_len - (n - 1) * 8);

		if (memcmp(&list[n - 1], &e, bytes)) {
			len = min_t(u32, n * 8, prp->bounce_len);
			break;
		}
		n--;
	}
	memcpy(prp->bounce_dst, list, len);
}

/*
 * Describe the range for the device so that no transfer of any length can
 * reach memory outside the buffer's range and kernel memory kept for the
 * purpose (NVMe 1.4 section 4.3: the device takes PRP2 as a data pointer
 * when its own transfer crosses exactly one memory page boundary, as a list
 * pointer when it crosses more):
 *  - PRP1 is the first byte of the range, or the sink data page when there
 *    is no buffer;
 *  - PRP2 is a list of the range's remaining pages, then entries pointing
 *    to the sink data page; each list page's last entry chains to the next
 *    list page, and the last one's to the sink list page (all sink, its last
 *    entry chaining to itself). So a device that moves more than the range
 *    writes the rest to the sink, however long; a device that moves less
 *    and crosses one page boundary writes into the first list page, which
 *    the command owns until it completes. The sink list page is never a
 *    data pointer, so it is never written.
 *  - A range that crosses exactly one page boundary is the exception: its
 *    second page must be what PRP2 describes when the device moves exactly
 *    the range. A command that moves data to the controller (opcode bits
 *    1:0 = 01b), whose device can only read memory, and Doorbell Buffer
 *    Config, whose PRP2 is a page of its own, get the second page itself
 *    in PRP2. Any other command gets the list above, whose entry 0 is the
 *    second page: a device that moves more follows the list (to the second
 *    page, then the sink), and a device that moves exactly the range writes
 *    the second part into the list page, which nvtk_prp_bounce() copies to
 *    the buffer at completion.
 * The caller must not touch @prp on failure.
 */
static int nvtk_prp_build(struct nvtk_ctrl *ctrl, struct nvtk_buf *buf, u64 off,
			  u32 len, u8 opcode, u32 mps_shift, struct nvtk_prp *prp)
{
	u32 mps = SZ_4K << mps_shift, per = mps / sizeof(__le64);
	struct nvtk_prp_res *res;
	dma_addr_t page = 0;
	u32 nents = 0, i, b;

	memset(prp, 0, sizeof(*prp));
	res = nvtk_prp_res_get(ctrl, mps_shift);
	if (!res)
		return -ENOMEM;
	prp->res = res;
	prp->mps = mps;
	if (buf) {
		dma_addr_t addr = buf->iova + off;
		u32 first = mps - (addr & (mps - 1));

		prp->prp1 = addr;
		if (len > first) {
			page = addr + first;
			nents = DIV_ROUND_UP(len - first, mps);
		}
		if (nents == 1 && (opcode == NVTK_ADMIN_DBBC ||
				   FIELD_GET(NVTK_OPC_XFER, opcode) == NVTK_OPC_XFER_H2C)) {
			prp->prp2 = page;
			return 0;
		}
		if (nents == 1) {
			prp->bounce_dst = buf->vaddr + off + first;
			prp->bounce_len = len - first;
			prp->second = page;
		}
	} else {
		prp->prp1 = res->sink_dma;
	}

	b = 0;
	do {
		__le64 *list;
		dma_addr_t dma;
		u32 n;

		if (b == NVTK_PRP_BLOCKS_MAX) {
			nvtk_prp_free(ctrl, prp);
			return -ERANGE;	/* cannot happen for a buffer's range */
		}
		list = dma_pool_alloc(res->pool, GFP_KERNEL | __GFP_NOWARN, &dma);
		if (!list || (dma & (mps - 1))) {
			if (list)
				dma_pool_free(res->pool, list, dma);
			nvtk_prp_free(ctrl, prp);
			return -ENOMEM;
		}
		prp->list[b] = list;
		prp->list_dma[b] = dma;
		if (b)
			prp->list[b - 1][per - 1] = cpu_to_le64(dma);
		else
			prp->prp2 = dma;
		n = min(nents, per - 1);
		for (i = 0; i < n; i++, page += mps)
			list[i] = cpu_to_le64(page);
		for (; i < per - 1; i++)
			list[i] = cpu_to_le64(res->sink_dma);
		list[per - 1] = cpu_to_le64(res->sink_list_dma);
		nents -= n;
		b++;
	} while (nents);
	return 0;
}

/* ---- completing commands (q_lock held) ---- */

static void nvtk_file_deliver(struct nvtk_file *nf, struct nvtk_cpl *c)
{
	spin_lock(&nf->cpl_lock);
	list_add_tail(&c->node, &nf->cpls);
	spin_unlock(&nf->cpl_lock);
	wake_up(&nf->cpl_wait);
}

/* A CQE the host makes up: status and CID in DW3, the rest zero. */
static void nvtk_made_up_cqe(u32 *dw, u16 cid, u16 status)
{
	dw[0] = 0;
	dw[1] = 0;
	dw[2] = 0;
	dw[3] = FIELD_PREP(NVTK_CQE_DW3_SF, status) | cid;
}

/* The slot is free again: give back what the command held. */
static void nvtk_cmd_release(struct nvtk_ctrl *ctrl, struct nvtk_cmd *cmd)
{
	nvtk_prp_free(ctrl, &cmd->prp);
	if (cmd->buf)
		nvtk_buf_put_atomic(cmd->buf);
	memset(cmd, 0, sizeof(*cmd));
}

/*
 * Complete command @cid with CQE @dw. @flags 0: the device completed it;
 * NVT_CPL_F_TIMEOUT: the host gave up (the slot stays busy);
 * NVT_CPL_F_CANCELLED: the queue goes.
 */
static void nvtk_cmd_complete(struct nvtk_ctrl *ctrl, struct nvtk_queue *q,
			      u16 cid, const u32 *dw, u32 flags, u64 now)
{
	struct nvtk_cmd *cmd = &q->cmds[cid];
	u32 log_flags = flags | (cmd->timed_out ? NVT_CPL_F_TIMEOUT : 0);

	if (cmd->sync) {
		memcpy(cmd->sync->cqe, dw, sizeof(cmd->sync->cqe));
		cmd->sync->flags = flags;
		complete(&cmd->sync->done);
		cmd->sync = NULL;
	}
	if (cmd->cpl) {
		struct nvt_completion *c = &cmd->cpl->cpl;

		memcpy(c->cqe, dw, sizeof(c->cqe));
		c->complete_ns = now;
		c->flags = flags;
		if (cmd->file)
			nvtk_file_deliver(cmd->file, cmd->cpl);
		else
			kfree(cmd->cpl);
		cmd->cpl = NULL;
	}
	nvtk_cmdlog_complete(ctrl, cmd->log_index, dw, now, log_flags);
	if (flags & NVT_CPL_F_TIMEOUT)
		cmd->timed_out = true;
	else
		nvtk_cmd_release(ctrl, cmd);
}

/* Copy an ASCII field of Identify data, without its trailing spaces. */
static void nvtk_copy_trimmed(char *dst, const char *src, size_t len)
{
	memcpy(dst, src, len);
	while (len && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		len--;
	dst[len] = '\0';
}

/*
 * Identify Controller (CNS 01h) succeeded: keep SN (bytes 23:04) and MN
 * (bytes 63:24) of the Identify Controller data structure for the netlink
 * dump. The device wrote the data before the CQE, whose phase tag we read
 * before this (dma_rmb() in the reaper).
 */
static void nvtk_snoop_identify(struct nvtk_ctrl *ctrl, const struct nvtk_cmd *cmd)
{
	char sn[NVTK_SERIAL_LEN + 1], mn[NVTK_MODEL_LEN + 1];
	const char *id = cmd->data;

	if (!id || cmd->data_len < 64)
		return;
	nvtk_copy_trimmed(sn, id + 4, NVTK_SERIAL_LEN);
	nvtk_copy_trimmed(mn, id + 24, NVTK_MODEL_LEN);
	spin_lock(&nvtk_ctrls_lock);
	memcpy(ctrl->serial, sn, sizeof(sn));
	memcpy(ctrl->model, mn, sizeof(mn));
	spin_unlock(&nvtk_ctrls_lock);
}

/*
 * Set Features, or Get Features of the current value (SEL 000b, CDW10 bits
 * 10:8), of Number of Queues (section 5.21.1.7): DW0 of its completion is
 * what the controller allocated.
 */
static bool nvtk_is_nr_queues(const struct nvtk_cmd *cmd)
{
	if ((cmd->cdw10 & 0xff) != NVTK_FID_NR_QUEUES)
		return false;
	return cmd->opcode == NVTK_ADMIN_SET_FEATURES ||
	       (cmd->opcode == NVTK_ADMIN_GET_FEATURES && !(cmd->cdw10 & GENMASK(10, 8)));
}

/* DW0: NCQA in bits 31:16, NSQA in bits 15:0, both 0's based. */
static void nvtk_snoop_nr_queues(struct nvtk_ctrl *ctrl, u32 dw0)
{
	WRITE_ONCE(ctrl->granted_sq, (dw0 & 0xffff) + 1);
	WRITE_ONCE(ctrl->granted_cq, (dw0 >> 16) + 1);
}

static void nvtk_queue_handle_cqe(struct nvtk_ctrl *ctrl, struct nvtk_queue *q,
				  const u32 *dw, u64 now)
{
	u16 cid = FIELD_GET(NVTK_CQE_DW3_CID, dw[3]);
	u16 status = FIELD_GET(NVTK_CQE_DW3_SF, dw[3]) & NVTK_SF_SCT_SC;
	struct nvtk_cmd *cmd;

	if (cid >= q->nr_cids || !q->cmds[cid].busy) {
		dev_notice_ratelimited(&ctrl->pdev->dev,
				       "admin completion for CID %u, not outstanding\n", cid);
		return;
	}
	cmd = &q->cmds[cid];
	if (cmd->opcode == NVTK_ADMIN_AER) {
		struct nvtk_event ev = {
			.type = NVT_EVENT_AER, .cdw0 = dw[0], .status = status,
		};

		nvtk_genl_event(ctrl, &ev);
	}
	/* The data is complete before anyone looks at it. */
	if (cmd->prp.bounce_len)
		nvtk_prp_bounce(&cmd->prp);
	if (cmd->opcode == NVTK_ADMIN_IDENTIFY && (cmd->cdw10 & 0xff) == NVTK_CNS_CTRL &&
	    !status)
		nvtk_snoop_identify(ctrl, cmd);
	if (!status && nvtk_is_nr_queues(cmd))
		nvtk_snoop_nr_queues(ctrl, dw[0]);
	nvtk_cmd_complete(ctrl, q, cid, dw, 0, now);
}

/*
 * Consume every new entry of the CQ (section 4.6: an entry is new while its
 * phase tag equals the current phase, which flips at each wrap), then tell
 * the device with the CQ head doorbell. Return: whether any was there.
 */
static bool nvtk_queue_reap(struct nvtk_ctrl *ctrl, struct nvtk_queue *q)
{
	bool found = false;
	u64 now = 0;

	for (;;) {
		__le32 *e = &q->cq[q->cq_head * NVTK_CQE_DWORDS];
		u32 dw[NVTK_CQE_DWORDS];
		u16 sqhd;

		dw[3] = le32_to_cpu(READ_ONCE(e[3]));
		if (!!(dw[3] & NVTK_CQE_DW3_P) != q->cq_phase)
			break;
		/* Read the rest of the entry (and the data) only after its phase tag. */
		dma_rmb();
		dw[0] = le32_to_cpu(e[0]);
		dw[1] = le32_to_cpu(e[1]);
		dw[2] = le32_to_cpu(e[2]);
		if (++q->cq_head == q->cq_depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
		if (!found)
			now = ktime_get_ns();
		found = true;
		sqhd = FIELD_GET(NVTK_CQE_DW2_SQHD, dw[2]);
		if (sqhd < q->sq_depth)
			q->sq_head = sqhd;
		nvtk_queue_handle_cqe(ctrl, q, dw, now);
	}
	/* CQ0HDBL (section 3.1.25): the entries before cq_head may be reused. */
	if (found)
		writel(q->cq_head, q->cq_db);
	return found;
}

/* Complete every command whose host timeout passed (the slots stay busy). */
static void nvtk_queue_expire(struct nvtk_ctrl *ctrl, struct nvtk_queue *q)
{
	u64 now = ktime_get_ns();
	u16 cid;

	for (cid = 0; cid < q->nr_cids; cid++) {
		struct nvtk_cmd *cmd = &q->cmds[cid];
		struct nvtk_event ev = { .type = NVT_EVENT_TIMEOUT, .qid = 0 };
		u32 dw[NVTK_CQE_DWORDS];

		if (!cmd->busy || cmd->timed_out || !cmd->has_deadline ||
		    time_before(jiffies, cmd->deadline))
			continue;
		ev.opcode = cmd->opcode;
		ev.cid = cid;
		nvtk_genl_event(ctrl, &ev);
		nvtk_made_up_cqe(dw, cid, NVT_STATUS_HOST_TIMEOUT);
		nvtk_cmd_complete(ctrl, q, cid, dw, NVT_CPL_F_TIMEOUT, now);
	}
}

/* The queue goes: complete every command still in it as cancelled. */
static void nvtk_queue_cancel(struct nvtk_ctrl *ctrl, struct nvtk_queue *q)
{
	u64 now = ktime_get_ns();
	u16 cid;

	for (cid = 0; cid < q->nr_cids; cid++) {
		u32 dw[NVTK_CQE_DWORDS];

		if (!q->cmds[cid].busy)
			continue;
		nvtk_made_up_cqe(dw, cid, NVT_STATUS_HOST_CANCELLED);
		nvtk_cmd_complete(ctrl, q, cid, dw, NVT_CPL_F_CANCELLED, now);
	}
}

/**
 * nvtk_admin_irq() - the admin queue's interrupt handler (vector 0).
 * @irq: the interrupt.
 * @data: the controller.
 *
 * Return: IRQ_HANDLED, except on an INTx line without completions (the line
 * may be shared).
 */
irqreturn_t nvtk_admin_irq(int irq, void *data)
{
	struct nvtk_ctrl *ctrl = data;
	bool intx = ctrl->irq_type == NVT_IRQ_TYPE_INTX;
	bool found = false;

	/*
	 * A message vector is ours alone, and IO CQs may use it too: always
	 * counted (before the completions it brings are delivered) and claimed.
	 * A shared INTx line: claim only what we found, count nothing.
	 */
	if (!intx)
		atomic64_inc(&ctrl->irq_counters[0]);
	spin_lock(&ctrl->q_lock);
	if (ctrl->adminq)
		found = nvtk_queue_reap(ctrl, ctrl->adminq);
	spin_unlock(&ctrl->q_lock);
	return found || !intx ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * Every NVTK_TICK_MS while an admin queue exists: reap what a masked or lost
 * interrupt left, expire host timeouts, and report CSTS.CFS going to 1.
 */
static void nvtk_admin_tick(struct work_struct *work)
{
	struct nvtk_ctrl *ctrl = container_of(to_delayed_work(work),
					      struct nvtk_ctrl, tick);
	unsigned long flags;
	bool cfs;
	u32 csts;

	spin_lock_irqsave(&ctrl->q_lock, flags);
	if (!ctrl->adminq) {
		spin_unlock_irqrestore(&ctrl->q_lock, flags);
		return;
	}
	nvtk_queue_reap(ctrl, ctrl->adminq);
	nvtk_queue_expire(ctrl, ctrl->adminq);
	spin_unlock_irqrestore(&ctrl->q_lock, flags);

	/* Section 3.1.6; all ones is a function that is gone, not a fatal one. */
	csts = readl(ctrl->bar + NVTK_REG_CSTS);
	cfs = csts != ~0U && (csts & NVTK_CSTS_CFS);
	if (cfs && !ctrl->cfs) {
		struct nvtk_event ev = { .type = NVT_EVENT_FATAL };

		nvtk_genl_event(ctrl, &ev);
	}
	ctrl->cfs = cfs;

	queue_delayed_work(nvtk_wq, &ctrl->tick, msecs_to_jiffies(NVTK_TICK_MS));
}

/* ---- the queue pair ---- */

/* Free a queue nobody can reach any more and whose commands are gone. */
static void nvtk_queue_free(struct nvtk_ctrl *ctrl, struct nvtk_queue *q)
{
	struct nvtk_pin *pin, *tmp;

	list_for_each_entry_safe(pin, tmp, &q->pinned, node) {
		nvtk_buf_put(pin->buf);
		kfree(pin);
	}
	if (q->cq)
		nvtk_dma_free(ctrl, q->cq_depth * NVTK_CQE_DWORDS * 4, q->cq, q->cq_dma);
	if (q->sq)
		nvtk_dma_free(ctrl, q->sq_depth * NVTK_SQE_DWORDS * 4, q->sq, q->sq_dma);
	kvfree(q->cmds);
	kfree(q);
}

static struct nvtk_queue *nvtk_queue_alloc(struct nvtk_ctrl *ctrl, u16 sq_depth,
					   u16 cq_depth)
{
	struct device *dev = &ctrl->pdev->dev;
	u32 stride = 4U << FIELD_GET(NVTK_CAP_DSTRD,
				     lo_hi_readq(ctrl->bar + NVTK_REG_CAP));
	struct nvtk_queue *q;

	/* SQ0TDBL and CQ0HDBL must be in BAR0 (section 3.1.24). */
	if (NVTK_REG_DBS + 2 * stride > ctrl->bar_size)
		return ERR_PTR(-EIO);
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&q->pinned);
	q->sq_depth = sq_depth;
	q->cq_depth = cq_depth;
	/* The CQ must never overflow: no more outstanding than it holds. */
	q->nr_cids = min(sq_depth, cq_depth) - 1;
	q->cmds = kvcalloc(q->nr_cids, sizeof(*q->cmds), GFP_KERNEL);
	if (!q->cmds)
		goto err;
	/* Zeroed: every CQ entry has phase 0 until the device writes it. */
	q->sq = dma_alloc_coherent(dev, sq_depth * NVTK_SQE_DWORDS * 4, &q->sq_dma,
				   GFP_KERNEL);
	if (!q->sq)
		goto err;
	q->cq = dma_alloc_coherent(dev, cq_depth * NVTK_CQE_DWORDS * 4, &q->cq_dma,
				   GFP_KERNEL);
	if (!q->cq)
		goto err;
	q->cq_phase = 1;
	q->sq_db = ctrl->bar + NVTK_REG_DBS;
	q->cq_db = ctrl->bar + NVTK_REG_DBS + stride;
	return q;

err:
	nvtk_queue_free(ctrl, q);
	return ERR_PTR(-ENOMEM);
}

/**
 * nvtk_ioctl_setup_admin() - NVT_IOCTL_SETUP_ADMIN: (re)create the admin
 *	queue pair and program AQA, ASQ and ACQ.
 * @nf: the file.
 * @uarg: the user's struct nvt_ioctl_setup_admin.
 *
 * Return: 0, -EINVAL, -EBUSY, -ENOMEM, -EIO, -EFAULT or -ENODEV.
 */
long nvtk_ioctl_setup_admin(struct nvtk_file *nf,
			    struct nvt_ioctl_setup_admin __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvtk_event ev = { .type = NVT_EVENT_RESET };
	struct nvt_ioctl_setup_admin arg;
	struct nvtk_queue *q, *old;
	long ret;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 32);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.sq_depth < 2 || arg.sq_depth > NVT_ADMIN_MAX_DEPTH ||
	    arg.cq_depth < 2 || arg.cq_depth > NVT_ADMIN_MAX_DEPTH)
		return -EINVAL;

	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	mutex_lock(&ctrl->admin_mutex);
	if (!ctrl->irq_requested) {
		ret = -EIO;
		goto out;
	}
	/* The device must be done with the old queues (sections 3.1.5, 3.1.6). */
	if ((readl(ctrl->bar + NVTK_REG_CC) & NVTK_CC_EN) ||
	    (readl(ctrl->bar + NVTK_REG_CSTS) & NVTK_CSTS_RDY)) {
		ret = -EBUSY;
		goto out;
	}
	q = nvtk_queue_alloc(ctrl, arg.sq_depth, arg.cq_depth);
	if (IS_ERR(q)) {
		ret = PTR_ERR(q);
		goto out;
	}

	/* No tick while the queues change; the new one gets its own below. */
	cancel_delayed_work_sync(&ctrl->tick);
	spin_lock_irq(&ctrl->q_lock);
	old = ctrl->adminq;
	ctrl->adminq = q;
	if (old)
		nvtk_queue_cancel(ctrl, old);
	/* The controller is disabled: it has no IO queue, and grants again. */
	nvtk_ioq_invalidate(ctrl);
	spin_unlock_irq(&ctrl->q_lock);
	if (old)
		nvtk_queue_free(ctrl, old);
	nvtk_ioq_reset(ctrl);

	/* Sections 3.1.8-3.1.10: 0's based sizes, page-aligned bases. */
	writel((arg.cq_depth - 1) << 16 | (arg.sq_depth - 1), ctrl->bar + NVTK_REG_AQA);
	lo_hi_writeq(q->sq_dma, ctrl->bar + NVTK_REG_ASQ);
	lo_hi_writeq(q->cq_dma, ctrl->bar + NVTK_REG_ACQ);
	queue_delayed_work(nvtk_wq, &ctrl->tick, msecs_to_jiffies(NVTK_TICK_MS));
	nvtk_genl_event(ctrl, &ev);
	ret = 0;
out:
	mutex_unlock(&ctrl->admin_mutex);
	nvtk_ctrl_unlock(ctrl);
	return ret;
}

/*
 * The rules of uapi.h for the commands that make the device use memory
 * beyond the command (Create I/O Completion/Submission Queue, Doorbell
 * Buffer Config, Set Features Host Memory Buffer), with CC as read now.
 */
static int nvtk_check_admin_cmd(const struct nvt_ioctl_submit_admin *arg,
				const struct nvtk_buf *buf, u32 cc, u32 mps)
{
	u8 opcode = FIELD_GET(NVTK_SQE_CDW0_OPC, arg->sqe[0]);
	u32 cdw10 = arg->sqe[10], cdw11 = arg->sqe[11];
	u64 bytes;

	switch (opcode) {
	case NVTK_ADMIN_SET_FEATURES:
		/* Host Memory Buffer with EHB: a list of addresses. */
		if ((cdw10 & 0xff) == NVTK_FID_HMB && (cdw11 & BIT(0)))
			return -EPERM;
		return 0;
	case NVTK_ADMIN_CREATE_SQ:
	case NVTK_ADMIN_CREATE_CQ:
		/* PC clear: PRP1 would point to a PRP list in the buffer. */
		if (!(cdw11 & BIT(0)))
			return -EPERM;
		bytes = (u64)((cdw10 >> 16) + 1) << (opcode == NVTK_ADMIN_CREATE_SQ ?
			max_t(u32, FIELD_GET(NVTK_CC_IOSQES, cc), 6) :
			max_t(u32, FIELD_GET(NVTK_CC_IOCQES, cc), 4));
		if (!buf || bytes > arg->buf_len)
			return -ERANGE;
		return 0;
	case NVTK_ADMIN_DBBC:
		/* PRP1 and PRP2 are one memory page each. */
		if (!buf || ((buf->iova + arg->buf_offset) & (mps - 1)) ||
		    arg->buf_len != 2 * mps)
			return -ERANGE;
		return 0;
	default:
		return 0;
	}
}

static bool nvtk_admin_pins(u8 opcode)
{
	return opcode == NVTK_ADMIN_CREATE_SQ || opcode == NVTK_ADMIN_CREATE_CQ ||
	       opcode == NVTK_ADMIN_DBBC;
}

/* A free CID, or -1; the search goes round so that CIDs are not reused at once. */
static int nvtk_queue_alloc_cid(struct nvtk_queue *q)
{
	u16 i, cid;

	for (i = 0; i < q->nr_cids; i++) {
		cid = (q->next_cid + i) % q->nr_cids;
		if (!q->cmds[cid].busy) {
			q->next_cid = (cid + 1) % q->nr_cids;
			return cid;
		}
	}
	return -1;
}

/**
 * nvtk_ioctl_submit_admin() - NVT_IOCTL_SUBMIT_ADMIN: send one admin command.
 * @nf: the file; the completion goes to it.
 * @uarg: the user's struct nvt_ioctl_submit_admin; its cid is set.
 *
 * Return: 0, -EINVAL, -ENOENT, -ERANGE, -EPERM, -ENXIO, -EBUSY, -ENOMEM,
 * -EFAULT or -ENODEV.
 */
long nvtk_ioctl_submit_admin(struct nvtk_file *nf,
			     struct nvt_ioctl_submit_admin __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_ioctl_submit_admin arg;
	__le32 sqe[NVTK_SQE_DWORDS];
	struct nvtk_buf *buf = NULL;
	struct nvtk_pin *pin = NULL;
	struct nvtk_cpl *cpl;
	struct nvtk_cmd *cmd;
	struct nvtk_queue *q;
	struct nvtk_prp prp;
	unsigned long flags;
	u32 cc, mps, mps_shift;
	u8 opcode;
	int cid, i;
	long ret;
	u64 now;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 120);
	BUILD_BUG_ON(sizeof(arg.sqe) != NVTK_SQE_DWORDS * 4);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.buf_handle && (arg.buf_offset || arg.buf_len))
		return -EINVAL;
	/* The CID goes back there: fail before sending anything if it cannot. */
	if (clear_user(&uarg->cid, sizeof(arg.cid) + sizeof(arg.pad0)))
		return -EFAULT;
	opcode = FIELD_GET(NVTK_SQE_CDW0_OPC, arg.sqe[0]);

	if (arg.buf_handle) {
		buf = nvtk_buf_get(nf, arg.buf_handle);
		if (!buf)
			return -ENOENT;
		if (arg.buf_offset >= buf->size || arg.buf_len > buf->size - arg.buf_offset) {
			ret = -ERANGE;
			goto err_put;
		}
	}
	cpl = kzalloc(sizeof(*cpl), GFP_KERNEL);
	if (!cpl) {
		ret = -ENOMEM;
		goto err_put;
	}
	if (buf && nvtk_admin_pins(opcode)) {
		pin = kzalloc(sizeof(*pin), GFP_KERNEL);
		if (!pin) {
			ret = -ENOMEM;
			goto err_cpl;
		}
	}

	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		goto err_pin;
	cc = readl(ctrl->bar + NVTK_REG_CC);
	mps_shift = FIELD_GET(NVTK_CC_MPS, cc);
	mps = SZ_4K << mps_shift;
	ret = nvtk_check_admin_cmd(&arg, buf, cc, mps);
	if (ret)
		goto err_unlock;
	ret = nvtk_prp_build(ctrl, buf, arg.buf_offset, arg.buf_len, opcode, mps_shift, &prp);
	if (ret)
		goto err_unlock;

	/* Sent as given, except: CID, PSDT 00b (PRPs), MPTR and the PRPs. */
	for (i = 0; i < NVTK_SQE_DWORDS; i++)
		sqe[i] = cpu_to_le32(arg.sqe[i]);
	sqe[4] = 0;
	sqe[5] = 0;
	sqe[6] = cpu_to_le32(lower_32_bits(prp.prp1));
	sqe[7] = cpu_to_le32(upper_32_bits(prp.prp1));
	sqe[8] = cpu_to_le32(lower_32_bits(prp.prp2));
	sqe[9] = cpu_to_le32(upper_32_bits(prp.prp2));

	spin_lock_irqsave(&ctrl->q_lock, flags);
	q = ctrl->adminq;
	if (!q) {
		ret = -ENXIO;
		goto err_qunlock;
	}
	cid = nvtk_queue_alloc_cid(q);
	if (cid < 0 || (q->sq_tail + 1) % q->sq_depth == q->sq_head) {
		ret = -EBUSY;
		goto err_qunlock;
	}
	sqe[0] = cpu_to_le32((arg.sqe[0] & ~(NVTK_SQE_CDW0_CID | NVTK_SQE_CDW0_PSDT)) |
			     FIELD_PREP(NVTK_SQE_CDW0_CID, cid));
	memcpy(&q->sq[q->sq_tail * NVTK_SQE_DWORDS], sqe, sizeof(sqe));
	if (++q->sq_tail == q->sq_depth)
		q->sq_tail = 0;

	cmd = &q->cmds[cid];
	cmd->busy = true;
	cmd->file = nf;
	cmd->cpl = cpl;
	cmd->buf = buf;		/* the reference nvtk_buf_get() took */
	cmd->data = buf ? buf->vaddr + arg.buf_offset : NULL;
	cmd->data_len = arg.buf_len;
	cmd->prp = prp;
	cmd->opcode = opcode;
	cmd->cdw10 = arg.sqe[10];
	if (arg.timeout_ms) {
		cmd->has_deadline = true;
		cmd->deadline = jiffies + msecs_to_jiffies(arg.timeout_ms);
	}
	if (pin) {
		kref_get(&buf->ref);
		pin->buf = buf;
		list_add_tail(&pin->node, &q->pinned);
	}
	now = ktime_get_ns();
	cpl->cpl.tag = arg.tag;
	cpl->cpl.submit_ns = now;
	cpl->cpl.cid = cid;
	cpl->cpl.sqid = 0;
	cmd->log_index = nvtk_cmdlog_submit(ctrl, sqe, now);

	/*
	 * SQ0TDBL (section 3.1.24). No wmb(): writel() orders the SQE stores
	 * before the doorbell (memory-barriers.txt, KERNEL I/O BARRIER EFFECTS).
	 */
	writel(q->sq_tail, q->sq_db);
	spin_unlock_irqrestore(&ctrl->q_lock, flags);
	nvtk_ctrl_unlock(ctrl);

	/* The command is out: a fault now cannot take it back. */
	if (put_user((u16)cid, &uarg->cid))
		return -EFAULT;
	return 0;

err_qunlock:
	spin_unlock_irqrestore(&ctrl->q_lock, flags);
	nvtk_prp_free(ctrl, &prp);
err_unlock:
	nvtk_ctrl_unlock(ctrl);
err_pin:
	kfree(pin);
err_cpl:
	kfree(cpl);
err_put:
	if (buf)
		nvtk_buf_put(buf);
	return ret;
}

/**
 * nvtk_cqe_status() - the status of a completion: SCT << 8 | SC.
 * @cqe: the four dwords of a completion queue entry.
 *
 * Return: the status (section 4.6.1), 0 for success.
 */
u16 nvtk_cqe_status(const u32 *cqe)
{
	return FIELD_GET(NVTK_CQE_DW3_SF, cqe[3]) & NVTK_SF_SCT_SC;
}

/**
 * nvtk_ctrl_ready() - whether the controller processes commands now:
 *	CC.EN = 1, CSTS.RDY = 1, CSTS.CFS = 0 (sections 3.1.5, 3.1.6).
 * @ctrl: the controller; the caller is inside nvtk_ctrl_lock_live().
 *
 * Return: true if so.
 */
bool nvtk_ctrl_ready(struct nvtk_ctrl *ctrl)
{
	u32 csts = readl(ctrl->bar + NVTK_REG_CSTS);

	return csts != ~0U && (csts & NVTK_CSTS_RDY) && !(csts & NVTK_CSTS_CFS) &&
	       (readl(ctrl->bar + NVTK_REG_CC) & NVTK_CC_EN);
}

/**
 * nvtk_admin_sync() - send an admin command of the kernel's own and wait for
 *	its completion.
 * @ctrl: the controller.
 * @sqe: the 16 dwords of the entry; the CID is filled in, everything else
 *	(PRPs included) is sent as given.
 * @timeout_ms: how long to wait. On expiry the command keeps its CID (like
 *	a user command's host timeout) until the device completes it or the
 *	queue goes, and NVT_EVENT_TIMEOUT is published.
 * @cqe: out: the completion queue entry (4 dwords) when 0 is returned.
 *
 * Shares the CIDs with user commands and is logged like them. Must not be
 * called with ctrl->lock held: it takes it around the submission only, so
 * that an unbind is not held up by the wait (the unbind cancels it).
 *
 * Return: 0 (the device completed it: see @cqe), -ENXIO (no admin queue),
 * -EBUSY (admin queue full), -ETIMEDOUT, -ECANCELED (SETUP_ADMIN tore the
 * queue down), -ENODEV (unbound).
 */
int nvtk_admin_sync(struct nvtk_ctrl *ctrl, const u32 *sqe, u32 timeout_ms, u32 *cqe)
{
	struct nvtk_sync sync;
	__le32 le[NVTK_SQE_DWORDS];
	struct nvtk_queue *q;
	struct nvtk_cmd *cmd;
	unsigned long flags;
	int ret, cid, i;

	init_completion(&sync.done);
	ret = nvtk_ctrl_lock_live(ctrl);
	if (ret)
		return ret;
	spin_lock_irqsave(&ctrl->q_lock, flags);
	q = ctrl->adminq;
	if (!q) {
		ret = -ENXIO;
		goto err_unlock;
	}
	cid = nvtk_queue_alloc_cid(q);
	if (cid < 0 || (q->sq_tail + 1) % q->sq_depth == q->sq_head) {
		ret = -EBUSY;
		goto err_unlock;
	}
	for (i = 0; i < NVTK_SQE_DWORDS; i++)
		le[i] = cpu_to_le32(sqe[i]);
	le[0] = cpu_to_le32((sqe[0] & ~NVTK_SQE_CDW0_CID) | FIELD_PREP(NVTK_SQE_CDW0_CID, cid));
	memcpy(&q->sq[q->sq_tail * NVTK_SQE_DWORDS], le, sizeof(le));
	if (++q->sq_tail == q->sq_depth)
		q->sq_tail = 0;
	cmd = &q->cmds[cid];
	cmd->busy = true;
	cmd->sync = &sync;
	cmd->opcode = FIELD_GET(NVTK_SQE_CDW0_OPC, sqe[0]);
	cmd->cdw10 = sqe[10];
	cmd->log_index = nvtk_cmdlog_submit(ctrl, le, ktime_get_ns());
	/* SQ0TDBL (section 3.1.24); writel() orders the SQE before it. */
	writel(q->sq_tail, q->sq_db);
	spin_unlock_irqrestore(&ctrl->q_lock, flags);
	nvtk_ctrl_unlock(ctrl);

	if (!wait_for_completion_timeout(&sync.done, msecs_to_jiffies(timeout_ms))) {
		spin_lock_irqsave(&ctrl->q_lock, flags);
		/* Completed or cancelled meanwhile? Else it is still in the current queue. */
		if (!try_wait_for_completion(&sync.done)) {
			struct nvtk_event ev = { .type = NVT_EVENT_TIMEOUT, .qid = 0 };

			q = ctrl->adminq;
			for (cid = 0; q && cid < q->nr_cids; cid++) {
				cmd = &q->cmds[cid];
				if (cmd->sync != &sync)
					continue;
				cmd->sync = NULL;
				cmd->timed_out = true;
				ev.opcode = cmd->opcode;
				ev.cid = cid;
				nvtk_genl_event(ctrl, &ev);
			}
			spin_unlock_irqrestore(&ctrl->q_lock, flags);
			return -ETIMEDOUT;
		}
		spin_unlock_irqrestore(&ctrl->q_lock, flags);
	}
	if (sync.flags & NVT_CPL_F_CANCELLED)
		return READ_ONCE(ctrl->dead) ? -ENODEV : -ECANCELED;
	memcpy(cqe, sync.cqe, sizeof(sync.cqe));
	return 0;

err_unlock:
	spin_unlock_irqrestore(&ctrl->q_lock, flags);
	nvtk_ctrl_unlock(ctrl);
	return ret;
}

static bool nvtk_file_has_cpl(struct nvtk_file *nf)
{
	bool ret;

	spin_lock_irq(&nf->cpl_lock);
	ret = !list_empty(&nf->cpls);
	spin_unlock_irq(&nf->cpl_lock);
	return ret;
}

/**
 * nvtk_ioctl_reap_admin() - NVT_IOCTL_REAP_ADMIN: collect completions.
 * @nf: the file whose commands completed.
 * @uarg: the user's struct nvt_ioctl_reap_admin; its count is set.
 *
 * Return: 0, -EINVAL, -EFAULT, -EINTR or -ENODEV.
 */
long nvtk_ioctl_reap_admin(struct nvtk_file *nf,
			   struct nvt_ioctl_reap_admin __user *uarg)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvt_completion __user *out;
	struct nvt_ioctl_reap_admin arg;
	struct nvtk_cpl *c, *tmp;
	LIST_HEAD(batch);
	u32 n = 0, count = 0;

	BUILD_BUG_ON(sizeof(arg) % 8);
	BUILD_BUG_ON(sizeof(arg) != 40);
	BUILD_BUG_ON(sizeof(struct nvt_completion) != 48);

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memchr_inv(arg.reserved, 0, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.max_entries || arg.max_entries > 4096)
		return -EINVAL;
	out = u64_to_user_ptr(arg.entries);
	/* The count goes back there: fail before taking anything if it cannot. */
	if (put_user(0U, &uarg->count))
		return -EFAULT;

	if (arg.timeout_ms) {
		long left = wait_event_interruptible_timeout(nf->cpl_wait,
				nvtk_file_has_cpl(nf) || READ_ONCE(ctrl->removed),
				msecs_to_jiffies(arg.timeout_ms));

		if (left < 0)
			return -EINTR;
	}

	spin_lock_irq(&nf->cpl_lock);
	list_for_each_entry_safe(c, tmp, &nf->cpls, node) {
		if (n == arg.max_entries)
			break;
		list_move_tail(&c->node, &batch);
		n++;
	}
	spin_unlock_irq(&nf->cpl_lock);

	list_for_each_entry_safe(c, tmp, &batch, node) {
		if (copy_to_user(&out[count], &c->cpl, sizeof(c->cpl)))
			break;
		list_del(&c->node);
		kfree(c);
		count++;
	}
	if (!list_empty(&batch)) {
		/* A fault: what was not copied goes back, first in line. */
		spin_lock_irq(&nf->cpl_lock);
		list_splice(&batch, &nf->cpls);
		spin_unlock_irq(&nf->cpl_lock);
		if (!count)
			return -EFAULT;
	}
	if (!count && READ_ONCE(ctrl->removed))
		return -ENODEV;
	if (put_user(count, &uarg->count))
		return -EFAULT;
	return 0;
}

/**
 * nvtk_admin_detach_file() - a file is being released: its outstanding
 *	commands complete into the void from now on.
 * @nf: the file.
 */
void nvtk_admin_detach_file(struct nvtk_file *nf)
{
	struct nvtk_ctrl *ctrl = nf->ctrl;
	struct nvtk_queue *q;
	u16 cid;

	spin_lock_irq(&ctrl->q_lock);
	q = ctrl->adminq;
	for (cid = 0; q && cid < q->nr_cids; cid++)
		if (q->cmds[cid].file == nf)
			q->cmds[cid].file = NULL;
	spin_unlock_irq(&ctrl->q_lock);
}

/**
 * nvtk_admin_quiesce() - disable the controller at remove, so that it stops
 *	using the memory of its queues before that memory is freed.
 * @ctrl: the controller, dead (no ioctl touches it) but still mapped.
 *
 * Only when this binding set up an admin queue (else the controller uses
 * none of our memory) and the function is still there (CSTS not all ones).
 * Clears CC.EN (section 3.1.5) and waits up to CAP.TO for CSTS.RDY to
 * clear (section 7.6.2): the controller then has deleted every IO queue and
 * will post nothing more (no late AER completion into a freed admin CQ
 * when a later binding turns bus mastering on again). If it does not get
 * there, ctrl->dma_unsafe is set and DMA memory is leaked from then on.
 */
void nvtk_admin_quiesce(struct nvtk_ctrl *ctrl)
{
	bool has_q;

	spin_lock_irq(&ctrl->q_lock);
	has_q = ctrl->adminq;
	spin_unlock_irq(&ctrl->q_lock);
	if (has_q && nvtk_ctrl_disable(ctrl) == -ETIMEDOUT) {
		dev_err(&ctrl->pdev->dev,
			"CSTS.RDY still 1 after CC.EN=0 and CAP.TO: its DMA memory is leaked\n");
		ctrl->dma_unsafe = true;
	}
}

/**
 * nvtk_ctrl_disable() - CC.EN = 0 (if set), then wait up to CAP.TO for
 *	CSTS.RDY = 0 (NVMe 1.4 sections 3.1.5, 3.1.6).
 * @ctrl: the controller, with its BAR mapped.
 *
 * Return: 0 (disabled: it uses no host memory any more), -ENODEV (the
 * function reads all ones: gone or not answering) or -ETIMEDOUT.
 */
int nvtk_ctrl_disable(struct nvtk_ctrl *ctrl)
{
	unsigned long deadline;
	u32 csts, cc, to;

	csts = readl(ctrl->bar + NVTK_REG_CSTS);
	if (csts == ~0U)
		return -ENODEV;
	to = FIELD_GET(NVTK_CAP_TO, lo_hi_readq(ctrl->bar + NVTK_REG_CAP));
	cc = readl(ctrl->bar + NVTK_REG_CC);
	if (cc & NVTK_CC_EN)
		writel(cc & ~NVTK_CC_EN, ctrl->bar + NVTK_REG_CC);
	deadline = jiffies + msecs_to_jiffies((to + 1) * 500);
	for (;;) {
		csts = readl(ctrl->bar + NVTK_REG_CSTS);
		if (csts == ~0U)
			return -ENODEV;
		if (!(csts & NVTK_CSTS_RDY))
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		usleep_range(1000, 2000);
	}
}

/**
 * nvtk_admin_destroy() - tear the admin queue down at remove.
 * @ctrl: the controller: dead, disabled (nvtk_admin_quiesce()), its
 *	interrupt freed and bus mastering off, so that neither the device nor
 *	an ioctl touches the queue any more.
 *
 * Outstanding commands complete with NVT_CPL_F_CANCELLED (their files wake
 * up), and every buffer the queue held is let go.
 */
void nvtk_admin_destroy(struct nvtk_ctrl *ctrl)
{
	struct nvtk_queue *q;

	cancel_delayed_work_sync(&ctrl->tick);
	spin_lock_irq(&ctrl->q_lock);
	q = ctrl->adminq;
	ctrl->adminq = NULL;
	if (q)
		nvtk_queue_cancel(ctrl, q);
	spin_unlock_irq(&ctrl->q_lock);
	if (q)
		nvtk_queue_free(ctrl, q);
}
