// SPDX-License-Identifier: MIT
/*
 * struct nvt_qpair: an IO SQ/CQ pair created by the kernel
 * (NVT_IOCTL_CREATE_QPAIR) and driven from user space with no system call
 * per command: SQEs written into the mapped SQ, the SQ tail doorbell rung
 * through the mapped doorbell page, completions found by the CQ phase tag
 * and acknowledged with the CQ head doorbell (NVMe 1.4 sections 4.1, 4.6,
 * 7.2). CIDs are slots: slot i holds the command with CID i from
 * submission until the device completes it (even after its host timeout).
 *
 * Single-threaded by contract (qpair.h): nothing here is locked, except
 * the controller's list of qpairs.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

enum slot_state {
	SLOT_FREE,
	SLOT_BUSY,		/* submitted, callback not run */
	SLOT_TIMEDOUT,		/* callback ran with a host timeout, CID held */
};

struct slot {
	enum slot_state state;
	enum nvt__vop vop;
	nvt_cb cb;
	void *ctx;
	struct nvt_ns *ns;		/* with @vop: a reference */
	uint8_t *data;			/* read/write data, LBA @slba first */
	uint64_t slba;
	uint32_t lba_size;
	struct nvt__vruns runs;		/* LBAs this command holds locked */
	uint64_t submit_ns;
	uint64_t deadline_ns;		/* 0: no host timeout */
	uint32_t timeout_ms;
	uint64_t log_index;
	uint32_t sqe[16];
};

#define CQE_DWORDS	4		/* IOCQES 4: 16-byte entries */
#define SQE_BYTES	64		/* IOSQES 6 */
#define REAP_BATCH	64
#define POOL_CHUNK	64		/* PRP list pages per pool buffer */
#define MAX_NEST	8		/* reaps nested in callbacks (lock waits) */
#define IRQ_SLICE_MS	10		/* longest sleep before looking again */

struct nvt_qpair {
	struct nvt_ctrl *ctrl;		/* our reference */
	struct nvt_qpair *next;		/* ctrl->qpairs, under ctrl->lock */
	uint32_t generation;		/* nvt_ctrl_generation() at creation */
	bool dead;			/* nvt__io_reset() forgot its commands */
	uint16_t qid;
	uint16_t depth;
	int vector;			/* -1: interrupts disabled */
	bool irq_wait;
	int efd;			/* the vector's eventfd once needed */
	uint32_t page;			/* memory page size, CC.MPS */

	void *sq;			/* the rings and doorbells, mapped */
	size_t sq_size;
	volatile uint32_t *cq;
	size_t cq_size;
	void *db;
	size_t db_size;
	volatile uint32_t *sq_db;
	volatile uint32_t *cq_db;
	uint16_t sq_tail;
	uint16_t sq_db_tail;		/* the tail the doorbell was last given */
	bool batch_db;			/* submissions leave the doorbell to nvt__qpair_ring() */
	uint16_t cq_head;
	uint32_t phase;

	void *log_map;			/* the command log, writable */
	size_t log_size;
	struct nvt_cmdlog *log;		/* for reading it back; NULL: not logged */
	struct nvt_cmdlog_header *log_hdr;
	uint8_t *log_entries;
	uint32_t log_entry_size;
	uint32_t log_nr;

	struct slot *slots;		/* depth of them, by CID */
	uint16_t *free_cids;		/* a stack */
	unsigned int nfree;
	unsigned int held;		/* CIDs in use */
	unsigned int outstanding;	/* callbacks not run */
	uint64_t completed;		/* callbacks run */
	uint64_t earliest_deadline;	/* 0: none */
	uint32_t timeout_ms;
	int *result;			/* the nvt_qpair_waitdone() in progress */
	unsigned int nest;
	struct nvt__vruns scratch;	/* a spare runs array */
	uint32_t pend[REAP_BATCH][CQE_DWORDS];	/* reaped, not processed yet */
	unsigned int pend_at, pend_n;
	uint64_t pend_ns;		/* when they were reaped */

	struct nvt_buf **pool;		/* PRP list pages, POOL_CHUNK per buffer */
	unsigned int npool;

	uint16_t latest_cid;
	uint32_t latest_cdw0;
	uint64_t latest_latency;
};

/* The qpair whose callback the calling thread runs, if any. */
static __thread struct nvt_qpair *cb_qp;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static bool data_changing(enum nvt__vop op)
{
	return op == NVT__VOP_WRITE || op == NVT__VOP_CLEAR || op == NVT__VOP_UNCORR;
}

static int check_live(const char *fn, struct nvt_qpair *qp)
{
	if (qp->generation == nvt_ctrl_generation(qp->ctrl))
		return 0;
	nvt__err("%s: qpair %u of %s died with a controller reset: destroy it and create a new one",
		 fn, qp->qid, qp->ctrl->info.bdf);
	return -ESTALE;
}

/* ---- the command log (uapi.h's sequence protocol, we are its only writer) ---- */

static struct nvt_cmdlog_entry *log_entry(struct nvt_qpair *qp, uint64_t index)
{
	return (struct nvt_cmdlog_entry *)(qp->log_entries +
		(size_t)(index & (qp->log_nr - 1)) * qp->log_entry_size);
}

static void log_begin(struct nvt_cmdlog_entry *e)
{
	uint64_t seq = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&e->seq, seq + 1, __ATOMIC_RELAXED);
	/* readers must see the odd count before any field changes */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void log_end(struct nvt_cmdlog_entry *e)
{
	/* release: the fields are written before the count is even again */
	__atomic_store_n(&e->seq, __atomic_load_n(&e->seq, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELEASE);
}

static void log_submit(struct nvt_qpair *qp, struct slot *s)
{
	struct nvt_cmdlog_entry *e;
	uint64_t index;

	if (!qp->log)
		return;
	index = __atomic_load_n(&qp->log_hdr->next, __ATOMIC_RELAXED);
	e = log_entry(qp, index);
	log_begin(e);
	memcpy(e->sqe, s->sqe, sizeof(e->sqe));
	memset(e->cqe, 0, sizeof(e->cqe));
	e->submit_ns = s->submit_ns;
	e->complete_ns = 0;
	e->flags = 0;
	e->index = index;
	log_end(e);
	__atomic_store_n(&qp->log_hdr->next, index + 1, __ATOMIC_RELEASE);
	s->log_index = index;
}

static void log_complete(struct nvt_qpair *qp, const struct slot *s, const uint32_t cqe[4],
			 uint64_t when, uint32_t flags)
{
	struct nvt_cmdlog_entry *e;

	if (!qp->log)
		return;
	e = log_entry(qp, s->log_index);
	if (e->index != s->log_index)
		return;		/* the ring went round: the entry holds a newer command */
	log_begin(e);
	memcpy(e->cqe, cqe, sizeof(e->cqe));
	e->complete_ns = when;
	e->flags = flags;
	log_end(e);
}

/* ---- creation and destruction ---- */

static int check_opts(const struct nvt_qpair_opts *o)
{
	unsigned int i;

	if (o->flags & ~(NVT_QPAIR_OPT_NO_IEN | NVT_QPAIR_OPT_VECTOR | NVT_QPAIR_OPT_QID |
			 NVT_QPAIR_OPT_IRQ_WAIT)) {
		nvt__err("nvt_qpair_create: unknown flags 0x%x", o->flags);
		return -EINVAL;
	}
	if ((o->flags & NVT_QPAIR_OPT_NO_IEN) && (o->flags & NVT_QPAIR_OPT_IRQ_WAIT)) {
		nvt__err("nvt_qpair_create: NVT_QPAIR_OPT_IRQ_WAIT needs interrupts (not NVT_QPAIR_OPT_NO_IEN)");
		return -EINVAL;
	}
	for (i = 0; i < NVT_ARRAY_SIZE(o->rsvd0); i++)
		if (o->rsvd0[i])
			goto rsvd;
	for (i = 0; i < NVT_ARRAY_SIZE(o->rsvd); i++)
		if (o->rsvd[i])
			goto rsvd;
	if (o->prio > 3) {
		nvt__err("nvt_qpair_create: prio %u: QPRIO is 0 (urgent) to 3 (low)", o->prio);
		return -EINVAL;
	}
	if ((o->flags & NVT_QPAIR_OPT_QID) && !o->qid) {
		nvt__err("nvt_qpair_create: queue id 0 is the admin queue");
		return -EINVAL;
	}
	return 0;
rsvd:
	nvt__err("nvt_qpair_create: reserved fields of struct nvt_qpair_opts must be 0");
	return -EINVAL;
}

/* pynvme's default: the vector of the queue's id. */
static uint16_t default_vector(uint16_t qid, uint32_t nr_vectors)
{
	if (nr_vectors <= 1)
		return 0;
	if (qid < nr_vectors)
		return qid;
	return (uint16_t)(1 + (qid - 1) % (nr_vectors - 1));
}

static bool qid_used_here(struct nvt_ctrl *ctrl, uint16_t qid)
{
	struct nvt_qpair *q;
	bool used = false;

	pthread_mutex_lock(&ctrl->lock);
	for (q = ctrl->qpairs; q && !used; q = q->next)
		used = q->qid == qid && q->generation == nvt_ctrl_generation(ctrl);
	pthread_mutex_unlock(&ctrl->lock);
	return used;
}

static void log_create_error(struct nvt_ctrl *ctrl, const struct nvt_ioctl_create_qpair *cq,
			     int err, uint32_t granted)
{
	const char *why;
	char text[96];

	switch (err) {
	case ENOSPC:
		if (granted == UINT16_MAX)
			snprintf(text, sizeof(text), "every queue id the controller granted is in use");
		else
			snprintf(text, sizeof(text),
				 "every queue id the controller granted (%u) is in use", granted);
		why = text;
		break;
	case EEXIST:
		why = "that queue id is in use";
		break;
	case ENXIO:
		why = "the controller is not enabled with an admin queue";
		break;
	case ETIMEDOUT:
		why = "the device did not answer Create I/O CQ/SQ";
		break;
	case EINVAL:
		why = "the kernel refused the arguments (a queue id above the granted count, depth, vector or priority)";
		break;
	default:
		why = strerror(err);
		break;
	}
	nvt__err("nvt_qpair_create: %s: qid %u depth %u vector %u: %s", ctrl->info.bdf, cq->qid,
		 cq->depth, cq->vector, why);
}

/* The create ioctl, trying queue ids from the lowest free one. */
static int create_queues(struct nvt_ctrl *ctrl, const struct nvt_qpair_opts *o,
			 struct nvt_ioctl_create_qpair *cq, uint32_t granted, uint32_t nr_vectors)
{
	uint32_t qid = (o->flags & NVT_QPAIR_OPT_QID) ? o->qid : 1;
	bool search = !(o->flags & NVT_QPAIR_OPT_QID), skipped = false;
	struct nvt_ioctl_create_qpair arg;
	int err;

	for (;;) {
		if (search) {
			while (qid <= granted && qid_used_here(ctrl, (uint16_t)qid))
				qid++;
			if (qid > granted)
				qid = 0;	/* none free here: the kernel says why */
		}
		arg = *cq;
		arg.qid = (uint16_t)qid;
		if (!(o->flags & NVT_QPAIR_OPT_VECTOR) && !(o->flags & NVT_QPAIR_OPT_NO_IEN))
			arg.vector = default_vector(qid ? (uint16_t)qid : 1, nr_vectors);
		if (!ioctl(ctrl->fd, NVT_IOCTL_CREATE_QPAIR, &arg)) {
			*cq = arg;
			return 0;
		}
		err = errno;
		/* another file holds it: try the next id */
		if (search && err == EEXIST && qid && qid < granted) {
			qid++;
			skipped = true;
			continue;
		}
		/* past the last id in use (EINVAL: above the granted count) */
		if (search && (err == EEXIST || (err == EINVAL && skipped)))
			err = ENOSPC;
		log_create_error(ctrl, &arg, err, granted);
		return -err;
	}
}

static void *map_region(struct nvt_ctrl *ctrl, const char *what, uint64_t offset, uint64_t size,
			int *err)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ctrl->fd, (off_t)offset);

	if (p != MAP_FAILED)
		return p;
	*err = -errno;
	nvt__err("nvt_qpair_create: %s: mapping the %s (%llu bytes): %s", ctrl->info.bdf, what,
		 (unsigned long long)size, strerror(errno));
	return NULL;
}

static void unmap_all(struct nvt_qpair *qp)
{
	if (qp->sq)
		munmap(qp->sq, qp->sq_size);
	if (qp->cq)
		munmap((void *)qp->cq, qp->cq_size);
	if (qp->db)
		munmap(qp->db, qp->db_size);
	nvt_cmdlog_close(qp->log);
	if (qp->log_map)
		munmap(qp->log_map, qp->log_size);
}

static void free_qpair(struct nvt_qpair *qp)
{
	unsigned int i;

	unmap_all(qp);
	for (i = 0; i < qp->npool; i++)
		nvt_buf_free(qp->pool[i]);
	if (qp->slots)
		for (i = 0; i < qp->depth; i++)
			nvt__vruns_free(&qp->slots[i].runs);
	nvt__vruns_free(&qp->scratch);
	free(qp->pool);
	free(qp->slots);
	free(qp->free_cids);
	nvt_ctrl_close(qp->ctrl);
	free(qp);
}

static int delete_queues(struct nvt_ctrl *ctrl, uint16_t qid)
{
	struct nvt_ioctl_delete_qpair dq = { .qid = qid };

	if (ioctl(ctrl->fd, NVT_IOCTL_DELETE_QPAIR, &dq)) {
		int err = errno;

		if (err != ESTALE)
			nvt__err("%s: deleting qpair %u: %s", ctrl->info.bdf, qid,
				 err == ETIMEDOUT ? "the device did not answer Delete I/O SQ/CQ" :
				 strerror(err));
		return -err;
	}
	if (dq.sq_status || dq.cq_status) {
		char text[96];

		nvt_status_format(dq.sq_status ? dq.sq_status : dq.cq_status, text, sizeof(text));
		nvt__err("%s: deleting qpair %u: Delete I/O %s failed: %s", ctrl->info.bdf, qid,
			 dq.sq_status ? "SQ" : "CQ", text);
		return dq.sq_status ? dq.sq_status : dq.cq_status;
	}
	return 0;
}

/* Take the mappings the kernel handed out, and check them. */
static int map_queues(struct nvt_qpair *qp, const struct nvt_ioctl_create_qpair *cq)
{
	struct nvt_ctrl *ctrl = qp->ctrl;
	int ret = 0;

	if (cq->sq_mmap_size < (uint64_t)qp->depth * SQE_BYTES ||
	    cq->cq_mmap_size < (uint64_t)qp->depth * CQE_DWORDS * 4 ||
	    cq->sq_db_offset + 4 > cq->db_mmap_size || cq->cq_db_offset + 4 > cq->db_mmap_size ||
	    cq->sq_db_offset % 4 || cq->cq_db_offset % 4) {
		nvt__err("nvt_qpair_create: %s: the kernel's queue mappings do not fit depth %u",
			 ctrl->info.bdf, qp->depth);
		return -EPROTO;
	}
	qp->sq_size = cq->sq_mmap_size;
	qp->sq = map_region(ctrl, "SQ", cq->sq_mmap_offset, cq->sq_mmap_size, &ret);
	qp->cq_size = cq->cq_mmap_size;
	if (qp->sq)
		qp->cq = map_region(ctrl, "CQ", cq->cq_mmap_offset, cq->cq_mmap_size, &ret);
	qp->db_size = cq->db_mmap_size;
	if (qp->cq)
		qp->db = map_region(ctrl, "doorbells", cq->db_mmap_offset, cq->db_mmap_size, &ret);
	if (!qp->db)
		return ret;
	qp->sq_db = (volatile uint32_t *)((uint8_t *)qp->db + cq->sq_db_offset);
	qp->cq_db = (volatile uint32_t *)((uint8_t *)qp->db + cq->cq_db_offset);

	/* The command log: without it, commands are just not logged. */
	if (!cq->cmdlog_mmap_size)
		return 0;
	qp->log_size = cq->cmdlog_mmap_size;
	qp->log_map = map_region(ctrl, "command log", cq->cmdlog_mmap_offset,
				 cq->cmdlog_mmap_size, &ret);
	if (!qp->log_map)
		return ret;
	if (nvt__cmdlog_wrap(qp->log_map, qp->log_size, qp->qid, &qp->log)) {
		nvt__warn("%s: qpair %u: the kernel's command log is not usable: IO commands are not logged",
			  ctrl->info.bdf, qp->qid);
		qp->log = NULL;
		return 0;
	}
	qp->log_hdr = qp->log_map;
	qp->log_entries = (uint8_t *)qp->log_map + sizeof(*qp->log_hdr);
	qp->log_entry_size = qp->log_hdr->entry_size;
	qp->log_nr = qp->log_hdr->nr_entries;
	return 0;
}

int nvt_qpair_create(struct nvt_ctrl *ctrl, unsigned int depth,
		     const struct nvt_qpair_opts *opts, struct nvt_qpair **out)
{
	static const struct nvt_qpair_opts defaults;
	struct nvt_ioctl_create_qpair cq = { 0 };
	uint32_t nsq, ncq, granted, nr_vectors = 0, cc;
	unsigned int mqes, i;
	struct nvt_qpair *qp;
	int ret;

	if (out)
		*out = NULL;
	if (!ctrl || !out) {
		nvt__err("nvt_qpair_create: %s is NULL", ctrl ? "out" : "ctrl");
		return -EINVAL;
	}
	if (!opts)
		opts = &defaults;
	ret = check_opts(opts);
	if (ret)
		return ret;
	if (!(ctrl->info.features & NVT_FEATURE_QPAIR)) {
		nvt__err("nvt_qpair_create: %s: this nvmetest.ko has no IO queues (NVT_FEATURE_QPAIR)",
			 ctrl->info.bdf);
		return -EOPNOTSUPP;
	}
	mqes = (unsigned int)NVT_BITS_GET(ctrl->cap, NVT_CAP_MQES);
	if (depth < 2 || depth > mqes + 1) {
		nvt__err("nvt_qpair_create: depth %u: %s takes 2 to %u entries (CAP.MQES + 1)",
			 depth, ctrl->info.bdf, mqes + 1);
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	nsq = ctrl->queues_known ? ctrl->nsqa : 0;
	ncq = ctrl->queues_known ? ctrl->ncqa : 0;
	pthread_mutex_unlock(&ctrl->lock);
	/* unknown (another process set Number of Queues): the kernel knows */
	granted = !nsq ? UINT16_MAX : nsq < ncq ? nsq : ncq;
	if (!(opts->flags & NVT_QPAIR_OPT_NO_IEN)) {
		ret = nvt__irq_map(ctrl);
		if (ret)
			return ret;
		nr_vectors = ctrl->irqs.nr_vectors;
		if ((opts->flags & NVT_QPAIR_OPT_VECTOR) && opts->vector >= nr_vectors) {
			nvt__err("nvt_qpair_create: vector %u: %s has %u vectors (0 .. %u)",
				 opts->vector, ctrl->info.bdf, nr_vectors, nr_vectors - 1);
			return -EINVAL;
		}
	}
	ret = nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc);
	if (ret)
		return ret;
	qp = calloc(1, sizeof(*qp));
	if (!qp)
		return -ENOMEM;
	qp->ctrl = nvt_ctrl_ref(ctrl);
	qp->depth = (uint16_t)depth;
	qp->efd = -1;
	qp->page = 1u << (12 + NVT_BITS_GET(cc, NVT_CC_MPS));
	qp->timeout_ms = nvt_ctrl_get_timeout(ctrl);
	qp->irq_wait = opts->flags & NVT_QPAIR_OPT_IRQ_WAIT;
	qp->slots = calloc(depth, sizeof(*qp->slots));
	qp->free_cids = calloc(depth, sizeof(*qp->free_cids));
	qp->npool = (depth + POOL_CHUNK - 1) / POOL_CHUNK;
	qp->pool = calloc(qp->npool, sizeof(*qp->pool));
	if (!qp->slots || !qp->free_cids || !qp->pool) {
		qp->npool = 0;
		free_qpair(qp);
		return -ENOMEM;
	}
	/* CID 0 first; the top CID is never needed (depth - 1 in flight) */
	for (i = depth; i-- > 0;)
		qp->free_cids[qp->nfree++] = (uint16_t)i;

	cq.flags = (opts->flags & NVT_QPAIR_OPT_NO_IEN) ? 0 : NVT_QPAIR_F_IEN;
	cq.depth = (uint16_t)depth;
	cq.vector = opts->vector;
	cq.sq_prio = opts->prio;
	qp->generation = nvt_ctrl_generation(ctrl);
	ret = create_queues(ctrl, opts, &cq, granted, nr_vectors);
	if (ret) {
		free_qpair(qp);
		return ret;
	}
	qp->qid = cq.qid;
	qp->vector = (cq.flags & NVT_QPAIR_F_IEN) ? cq.vector : -1;
	if (cq.cq_status || cq.sq_status) {
		char text[96];

		ret = cq.cq_status ? cq.cq_status : cq.sq_status;
		nvt_status_format((uint16_t)ret, text, sizeof(text));
		nvt__err("nvt_qpair_create: %s: Create I/O %s (qid %u, depth %u) failed: %s",
			 ctrl->info.bdf, cq.cq_status ? "Completion Queue" : "Submission Queue",
			 cq.qid, depth, text);
		free_qpair(qp);
		return ret;
	}
	ret = map_queues(qp, &cq);
	if (ret) {
		delete_queues(ctrl, qp->qid);
		free_qpair(qp);
		return ret;
	}
	qp->phase = 1;	/* the CQ starts zeroed: phase tag 1 marks new entries */
	pthread_mutex_lock(&ctrl->lock);
	qp->next = ctrl->qpairs;
	ctrl->qpairs = qp;
	pthread_mutex_unlock(&ctrl->lock);
	nvt__debug("%s: qpair %u created: depth %u, %s", ctrl->info.bdf, qp->qid, depth,
		   qp->vector < 0 ? "no interrupts" : "interrupts on");
	*out = qp;
	return 0;
}

/* Give back the verification state of slot @s (its command is over). */
static void release_runs(struct slot *s, bool clear, bool unlock)
{
	const struct nvt__vtable *t;

	if (s->vop == NVT__VOP_NONE)
		return;
	t = &s->ns->vt;
	if (clear && data_changing(s->vop))
		nvt__vtable_clear(t, &s->runs);
	if (unlock)
		nvt__vtable_unlock(t, &s->runs);
	s->runs.n = 0;
	s->vop = NVT__VOP_NONE;
	nvt__ns_put(s->ns);
	s->ns = NULL;
}

void nvt__io_reset(struct nvt_ctrl *ctrl)
{
	struct nvt_qpair *qp;
	struct nvt_ns *ns;

	/*
	 * Only mark the qpairs: each belongs to one thread (an IOWorker's may
	 * be reaping right now), so their slots are given back by that thread,
	 * at nvt_qpair_destroy(), where the LBAs of writes that were in flight
	 * become unknown.
	 */
	pthread_mutex_lock(&ctrl->lock);
	for (qp = ctrl->qpairs; qp; qp = qp->next)
		__atomic_store_n(&qp->dead, true, __ATOMIC_RELEASE);
	/* pynvme's crc32_unlock_all(): commands of other files died too. */
	for (ns = ctrl->namespaces; ns; ns = ns->next)
		if (ns->vt_map)
			nvt__vtable_unlock_all(&ns->vt);
	pthread_mutex_unlock(&ctrl->lock);
}

int nvt_qpair_destroy(struct nvt_qpair *qp)
{
	struct nvt_ctrl *ctrl;
	struct nvt_qpair **pp;
	bool gone;
	unsigned int i;
	int ret = 0;

	if (!qp)
		return 0;
	if (cb_qp == qp) {
		nvt__err("nvt_qpair_destroy: called from a callback of qpair %u: refused", qp->qid);
		return -EDEADLK;
	}
	ctrl = qp->ctrl;
	pthread_mutex_lock(&ctrl->lock);
	for (pp = &ctrl->qpairs; *pp && *pp != qp; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = qp->next;
	gone = qp->dead || qp->generation != nvt_ctrl_generation(ctrl);
	pthread_mutex_unlock(&ctrl->lock);
	if (!gone) {
		ret = delete_queues(ctrl, qp->qid);
		if (ret == -ESTALE) {
			/* another file reset the controller */
			nvt__debug("%s: qpair %u had died with a reset", ctrl->info.bdf, qp->qid);
			ret = 0;
		}
	}
	/*
	 * The device is done with the SQ (section 5.6: Delete I/O SQ aborts
	 * what it holds), or the reset killed it: what was in flight changed
	 * the LBAs in an unknown way.
	 */
	for (i = 0; i < qp->depth; i++)
		if (qp->slots[i].state != SLOT_FREE)
			release_runs(&qp->slots[i], true, !qp->dead);
	free_qpair(qp);
	return ret;
}

uint16_t nvt_qpair_qid(const struct nvt_qpair *qp)
{
	return qp ? qp->qid : 0;
}

unsigned int nvt_qpair_depth(const struct nvt_qpair *qp)
{
	return qp ? qp->depth : 0;
}

int nvt_qpair_vector(const struct nvt_qpair *qp)
{
	if (!qp) {
		nvt__err("nvt_qpair_vector: qp is NULL");
		return -EINVAL;
	}
	return qp->vector;
}

struct nvt_ctrl *nvt_qpair_ctrl(const struct nvt_qpair *qp)
{
	return qp ? qp->ctrl : NULL;
}

struct nvt_ctrl *nvt__qpair_ctrl(const struct nvt_qpair *qp)
{
	return qp->ctrl;
}

unsigned int nvt_qpair_outstanding(const struct nvt_qpair *qp)
{
	return qp ? qp->outstanding : 0;
}

unsigned int nvt_qpair_cids_held(const struct nvt_qpair *qp)
{
	return qp ? qp->held : 0;
}

int nvt_qpair_set_timeout(struct nvt_qpair *qp, uint32_t timeout_ms)
{
	if (!qp) {
		nvt__err("nvt_qpair_set_timeout: qp is NULL");
		return -EINVAL;
	}
	qp->timeout_ms = timeout_ms;
	return 0;
}

uint32_t nvt_qpair_get_timeout(const struct nvt_qpair *qp)
{
	return qp ? qp->timeout_ms : 0;
}

uint16_t nvt_qpair_latest_cid(const struct nvt_qpair *qp)
{
	return qp ? qp->latest_cid : 0;
}

uint64_t nvt_qpair_latest_latency(const struct nvt_qpair *qp)
{
	return qp ? qp->latest_latency : 0;
}

uint32_t nvt_qpair_latest_cdw0(const struct nvt_qpair *qp)
{
	return qp ? qp->latest_cdw0 : 0;
}

int nvt_qpair_cmdlog(struct nvt_qpair *qp, unsigned int n, struct nvt_cmdlog_entry *out,
		     unsigned int *count)
{
	if (!qp) {
		nvt__err("nvt_qpair_cmdlog: qp is NULL");
		return -EINVAL;
	}
	if (!qp->log) {
		nvt__err("nvt_qpair_cmdlog: qpair %u has no usable command log", qp->qid);
		return -ENODATA;
	}
	return nvt_cmdlog_read(qp->log, n, out, count);
}

/* ---- completion ---- */

/* The waitdone result so far: timeouts first, then the first failure. */
static void fold_result(struct nvt_qpair *qp, int r)
{
	int *acc = qp->result;

	if (!acc || !r || *acc == -ETIMEDOUT)
		return;
	if (r == -ETIMEDOUT || !*acc)
		*acc = r;
}

static void run_callback(struct nvt_qpair *qp, nvt_cb cb, void *ctx, const struct nvt_cpl *cpl)
{
	struct nvt_qpair *outer = cb_qp;

	if (!cb)
		return;
	cb_qp = qp;
	cb(ctx, cpl);
	cb_qp = outer;
}

static void free_slot(struct nvt_qpair *qp, struct slot *s, uint16_t cid)
{
	s->state = SLOT_FREE;
	s->cb = NULL;
	s->ctx = NULL;
	s->data = NULL;
	qp->free_cids[qp->nfree++] = cid;
	qp->held--;
}

static void warn_status(const struct nvt_qpair *qp, const struct nvt_cpl *cpl)
{
	char text[128];

	nvt_status_format(cpl->status, text, sizeof(text));
	nvt__warn("%s", text);
	nvt__debug("%s: qpair %u: %s (opcode 0x%02x) CID %u: %s", qp->ctrl->info.bdf, qp->qid,
		   nvt_io_cmdname(cpl->sqe[0] & 0xff), cpl->sqe[0] & 0xff, cpl->cid, text);
}

/* Data verification once the device is done; may change the status. */
static void verify_done(struct nvt_qpair *qp, struct slot *s, struct nvt_cpl *cpl)
{
	const struct nvt__vtable *t;
	char msg[160];
	int r;

	if (s->vop == NVT__VOP_NONE)
		return;
	t = &s->ns->vt;
	switch (s->vop) {
	case NVT__VOP_WRITE:
		if (!cpl->status)
			nvt__vtable_write_done(t, &s->runs, s->data, s->slba, s->lba_size);
		break;
	case NVT__VOP_READ:
		if (cpl->status)
			break;
		msg[0] = '\0';
		r = nvt__vtable_check(t, &s->runs, s->data, s->slba, s->lba_size, msg,
				      sizeof(msg));
		if (r == NVT_STATUS_VERIFY_FAILED) {
			cpl->status = NVT_STATUS_VERIFY_FAILED;
			nvt__err("%s: qpair %u: Read of LBA 0x%llx (%u LBAs, nsid %u) CID %u failed data verification: %s",
				 qp->ctrl->info.bdf, qp->qid, (unsigned long long)s->slba,
				 (cpl->sqe[12] & 0xffff) + 1, s->ns->nsid, cpl->cid, msg);
		}
		break;
	case NVT__VOP_CLEAR:
		/* whatever the status: after a failure the data is unknown */
		nvt__vtable_clear(t, &s->runs);
		break;
	default:
		break;
	}
	release_runs(s, false, true);
}

/* The device completed the command in CQE @dw. */
static void complete_cqe(struct nvt_qpair *qp, const uint32_t dw[4], uint64_t now)
{
	uint16_t cid = NVT_CQE_CID(dw[3]);
	struct slot *s = cid < qp->depth ? &qp->slots[cid] : NULL;
	struct nvt_cpl cpl;
	nvt_cb cb;
	void *ctx;

	if (!s || s->state == SLOT_FREE) {
		nvt__err("%s: qpair %u: a completion for CID %u, which has no command outstanding (DW0 0x%08x DW2 0x%08x DW3 0x%08x): ignored",
			 qp->ctrl->info.bdf, qp->qid, cid, dw[0], dw[2], dw[3]);
		return;
	}
	if (s->state == SLOT_TIMEDOUT) {
		/* its callback ran at the timeout; now the CID is free again */
		log_complete(qp, s, dw, now, NVT_CPL_F_TIMEOUT);
		nvt__debug("%s: qpair %u: CID %u, timed out before, completed by the device",
			   qp->ctrl->info.bdf, qp->qid, cid);
		/* the callback's owner may have reused the buffer: data unknown */
		release_runs(s, true, true);
		free_slot(qp, s, cid);
		return;
	}
	memset(&cpl, 0, sizeof(cpl));
	cpl.cdw0 = dw[0];
	cpl.status = nvt_status_from_cqe_dw3(dw[3]);
	cpl.cid = cid;
	cpl.qid = qp->qid;
	memcpy(cpl.cqe, dw, sizeof(cpl.cqe));
	memcpy(cpl.sqe, s->sqe, sizeof(cpl.sqe));
	cpl.submit_ns = s->submit_ns;
	cpl.complete_ns = now;
	cpl.latency_us = now > s->submit_ns ? (now - s->submit_ns) / 1000 : 0;
	log_complete(qp, s, dw, now, 0);
	verify_done(qp, s, &cpl);
	cb = s->cb;
	ctx = s->ctx;
	free_slot(qp, s, cid);
	qp->outstanding--;
	qp->completed++;
	qp->latest_cid = cid;
	qp->latest_cdw0 = cpl.cdw0;
	qp->latest_latency = cpl.latency_us;
	if (cpl.status)
		warn_status(qp, &cpl);
	fold_result(qp, cpl.status);
	run_callback(qp, cb, ctx, &cpl);
}

/*
 * Process the reaped completions, reaping a batch first if none is left.
 * The batch lives in the qpair, so that a reap nested in a callback (a
 * submission waiting for LBA locks) goes on with it in order: the
 * completions that would release those locks may be in it.
 * Return: completions processed.
 */
static unsigned int process_cq(struct nvt_qpair *qp)
{
	unsigned int got = 0;

	/* what waits for completions must have been submitted to the device */
	nvt__qpair_ring(qp);

	if (qp->pend_at == qp->pend_n) {
		unsigned int n = 0;

		while (n < REAP_BATCH) {
			volatile uint32_t *e = qp->cq + (size_t)qp->cq_head * CQE_DWORDS;
			uint32_t dw3 = e[3];

			if (NVT_CQE_PHASE(dw3) != qp->phase)
				break;
			/* the rest of the entry is read after its phase tag */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			qp->pend[n][0] = e[0];
			qp->pend[n][1] = e[1];
			qp->pend[n][2] = e[2];
			qp->pend[n][3] = dw3;
			n++;
			if (++qp->cq_head == qp->depth) {
				qp->cq_head = 0;
				qp->phase ^= 1;
			}
		}
		if (!n)
			return 0;
		/* the entries are copied before the device may reuse them */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		*qp->cq_db = qp->cq_head;	/* section 4.1: CQ head doorbell */
		qp->pend_at = 0;
		qp->pend_n = n;
		qp->pend_ns = now_ns();
	}
	while (qp->pend_at < qp->pend_n) {
		uint32_t dw[CQE_DWORDS];

		/* a callback may reset the controller: the rest is forgotten then */
		if (qp->dead) {
			qp->pend_at = qp->pend_n = 0;
			break;
		}
		memcpy(dw, qp->pend[qp->pend_at++], sizeof(dw));
		complete_cqe(qp, dw, qp->pend_ns);
		got++;
	}
	return got;
}

static void expire(struct nvt_qpair *qp, struct slot *s, uint16_t cid, uint64_t now)
{
	uint8_t opcode = s->sqe[0] & 0xff;
	struct nvt_cpl cpl;

	memset(&cpl, 0, sizeof(cpl));
	cpl.status = NVT_STATUS_HOST_TIMEOUT;
	cpl.cid = cid;
	cpl.qid = qp->qid;
	cpl.flags = NVT_CPL_F_TIMEOUT;
	cpl.cqe[2] = (uint32_t)qp->qid << 16;
	cpl.cqe[3] = (uint32_t)NVT_STATUS_HOST_TIMEOUT << 17 | cid;
	memcpy(cpl.sqe, s->sqe, sizeof(cpl.sqe));
	cpl.submit_ns = s->submit_ns;
	cpl.complete_ns = now;
	cpl.latency_us = (now - s->submit_ns) / 1000;
	s->state = SLOT_TIMEDOUT;
	log_complete(qp, s, cpl.cqe, now, NVT_CPL_F_TIMEOUT);
	nvt__err("%s: host timeout: IO command %s (opcode 0x%02x) CID %u on qpair %u did not complete in %u ms",
		 qp->ctrl->info.bdf, nvt_io_cmdname(opcode), opcode, cid, qp->qid, s->timeout_ms);
	qp->outstanding--;
	qp->completed++;
	qp->latest_cid = cid;
	qp->latest_cdw0 = 0;
	qp->latest_latency = cpl.latency_us;
	fold_result(qp, -ETIMEDOUT);
	run_callback(qp, s->cb, s->ctx, &cpl);
}

static void check_timeouts(struct nvt_qpair *qp, uint64_t now)
{
	uint64_t earliest = 0;
	unsigned int i;

	if (!qp->earliest_deadline || now < qp->earliest_deadline)
		return;
	for (i = 0; i < qp->depth && !qp->dead; i++) {
		struct slot *s = &qp->slots[i];

		if (s->state == SLOT_BUSY && s->deadline_ns && now >= s->deadline_ns)
			expire(qp, s, (uint16_t)i, now);
	}
	/* callbacks may have submitted: look again */
	for (i = 0; i < qp->depth; i++) {
		struct slot *s = &qp->slots[i];

		if (s->state == SLOT_BUSY && s->deadline_ns &&
		    (!earliest || s->deadline_ns < earliest))
			earliest = s->deadline_ns;
	}
	qp->earliest_deadline = earliest;
}

/* Whether the CQ holds an entry not reaped yet. */
static bool cq_pending(const struct nvt_qpair *qp)
{
	return NVT_CQE_PHASE(qp->cq[(size_t)qp->cq_head * CQE_DWORDS + 3]) == qp->phase;
}

/* Nothing completed: sleep on the interrupt, or spin a little. */
static void idle(struct nvt_qpair *qp, unsigned int *spins)
{
	int timeout = IRQ_SLICE_MS;
	struct pollfd pfd;
	uint64_t v, now;

	if (qp->irq_wait && qp->efd < 0 && nvt__irq_eventfd(qp->ctrl, (uint16_t)qp->vector, &qp->efd))
		qp->irq_wait = false;	/* logged: fall back to polling */
	if (!qp->irq_wait) {
		if (++*spins < 1000)
			cpu_relax();
		else
			sched_yield();
		return;
	}
	/* drain first: an interrupt after this wakes the poll below */
	while (read(qp->efd, &v, sizeof(v)) == sizeof(v))
		;
	if (cq_pending(qp))
		return;
	if (qp->earliest_deadline) {
		now = now_ns();
		if (qp->earliest_deadline <= now)
			return;
		if ((qp->earliest_deadline - now) / 1000000 < (uint64_t)timeout)
			timeout = (int)((qp->earliest_deadline - now) / 1000000) + 1;
	}
	pfd = (struct pollfd) { .fd = qp->efd, .events = POLLIN };
	poll(&pfd, 1, timeout);
}

int nvt_qpair_waitdone(struct nvt_qpair *qp, unsigned int n)
{
	unsigned int spins = 0;
	uint64_t target;
	int result = 0, ret;
	int *outer;

	if (!qp) {
		nvt__err("nvt_qpair_waitdone: qp is NULL");
		return -EINVAL;
	}
	if (cb_qp == qp) {
		nvt__err("nvt_qpair_waitdone: called from a completion callback of qpair %u: refused, the callback would wait for itself (send the next command from the callback, wait outside)",
			 qp->qid);
		return -EDEADLK;
	}
	ret = check_live("nvt_qpair_waitdone", qp);
	if (ret)
		return ret;
	if (n > qp->outstanding) {
		nvt__err("nvt_qpair_waitdone(%u): only %u command%s outstanding on qpair %u of %s",
			 n, qp->outstanding, qp->outstanding == 1 ? " is" : "s are", qp->qid,
			 qp->ctrl->info.bdf);
		return -EINVAL;
	}
	target = qp->completed + n;
	outer = qp->result;
	qp->result = &result;
	for (;;) {
		unsigned int got = process_cq(qp);

		if (qp->dead) {
			result = check_live("nvt_qpair_waitdone", qp);
			break;
		}
		check_timeouts(qp, now_ns());
		if (!n || qp->completed >= target)
			break;
		if (got) {
			spins = 0;
			continue;
		}
		idle(qp, &spins);
	}
	qp->result = outer;
	return result;
}

/* ---- submission ---- */

/*
 * Lock the LBAs of @v into @runs: on a conflict, reap this qpair's
 * completions and try again, for at most the qpair's timeout. Callbacks
 * run meanwhile may submit (and lock) too: @runs is the caller's alone.
 */
static int lock_lbas(struct nvt_qpair *qp, const char *fn, const struct nvt__vio *v,
		     const struct nvt__vtable *t, struct nvt__vruns *runs)
{
	uint64_t deadline = 0;
	unsigned int i, spins = 0;
	int ret;

	for (i = 0; i < v->nranges; i++) {
		ret = nvt__vruns_add(runs, t, v->ranges[i].slba, v->ranges[i].nlb,
				     v->existing_only);
		if (ret)
			return ret;
	}
	nvt__vruns_normalise(runs);
	if (qp->timeout_ms)
		deadline = now_ns() + (uint64_t)qp->timeout_ms * 1000000;
	while (nvt__vtable_trylock(t, runs)) {
		uint64_t now = now_ns();

		if (deadline && now >= deadline) {
			nvt__err("%s: qpair %u: LBAs 0x%llx.. of nsid %u stayed locked by other commands for %u ms: not submitted",
				 fn, qp->qid, (unsigned long long)runs->v[0].slba, v->ns->nsid,
				 qp->timeout_ms);
			return -EBUSY;
		}
		/* our own commands may hold them: reap, unless nested too deep */
		if (qp->nest < MAX_NEST) {
			qp->nest++;
			if (process_cq(qp))
				spins = 0;
			check_timeouts(qp, now);
			qp->nest--;
		}
		if (qp->dead || qp->generation != nvt_ctrl_generation(qp->ctrl)) {
			check_live(fn, qp);
			return -ESTALE;
		}
		if (++spins < 1000)
			cpu_relax();
		else
			sched_yield();
	}
	return 0;
}

/* Keep a runs array for the next command, or free it. */
static void keep_runs(struct nvt_qpair *qp, struct nvt__vruns *runs)
{
	if (!qp->scratch.v) {
		qp->scratch = *runs;
		qp->scratch.n = 0;
	} else {
		nvt__vruns_free(runs);
	}
	memset(runs, 0, sizeof(*runs));
}

/* The PRP list page of CID @cid (pool buffers made on first use). */
static int list_page(struct nvt_qpair *qp, uint16_t cid, uint64_t **list, uint64_t *iova)
{
	unsigned int chunk = cid / POOL_CHUNK, at = cid % POOL_CHUNK;
	int ret;

	if (!qp->pool[chunk]) {
		ret = nvt_buf_alloc(qp->ctrl, (size_t)POOL_CHUNK * qp->page, &qp->pool[chunk]);
		if (ret)
			return ret;
		nvt_buf_set_name(qp->pool[chunk], "PRP lists");
	}
	*list = (uint64_t *)((uint8_t *)nvt_buf_data(qp->pool[chunk]) + (size_t)at * qp->page);
	*iova = nvt_buf_iova(qp->pool[chunk]) + (uint64_t)at * qp->page;
	return 0;
}

static int build_prps(struct nvt_qpair *qp, const char *fn, struct nvt_buf *buf, uint64_t offset,
		      uint64_t len, uint16_t cid, uint32_t *sqe)
{
	uint64_t addr, prp1 = 0, prp2 = 0, first, list_iova = 0, *list = NULL;
	int ret;

	if (buf) {
		addr = nvt_buf_iova(buf) + offset;
		first = qp->page - (addr & (qp->page - 1));
		if (len > first + qp->page) {
			ret = list_page(qp, cid, &list, &list_iova);
			if (ret)
				return ret;
		}
		ret = nvt__prp_build(addr, len, qp->page, list, list ? qp->page / 8 : 0,
				     list_iova, &prp1, &prp2);
		if (ret < 0) {
			nvt__err("%s: %llu bytes need more than one PRP list page (%u entries): not supported",
				 fn, (unsigned long long)len, qp->page / 8);
			return ret;
		}
	}
	sqe[6] = (uint32_t)prp1;
	sqe[7] = (uint32_t)(prp1 >> 32);
	sqe[8] = (uint32_t)prp2;
	sqe[9] = (uint32_t)(prp2 >> 32);
	return 0;
}

static int check_buf(struct nvt_qpair *qp, const char *fn, struct nvt_buf *buf, uint64_t offset,
		     uint64_t len)
{
	if (nvt_buf_ctrl(buf) != qp->ctrl) {
		nvt__err("%s: buffer \"%s\" belongs to another controller than qpair %u's",
			 fn, nvt_buf_name(buf), qp->qid);
		return -EINVAL;
	}
	if (offset > nvt_buf_size(buf) || len > nvt_buf_size(buf) - offset) {
		nvt__err("%s: buffer \"%s\": offset %llu + %llu bytes is beyond its %zu bytes",
			 fn, nvt_buf_name(buf), (unsigned long long)offset,
			 (unsigned long long)len, nvt_buf_size(buf));
		return -ERANGE;
	}
	return 0;
}

int nvt__qpair_submit(struct nvt_qpair *qp, const char *fn, const struct nvt_cmd *cmd,
		      struct nvt_buf *buf, uint64_t offset, uint64_t len, nvt_cb cb, void *ctx,
		      const struct nvt__vio *v)
{
	const struct nvt__vtable *t = NULL;
	struct nvt__vruns runs = { 0 };
	struct slot *s;
	uint16_t cid;
	uint32_t *sqe;
	int ret;

	ret = check_live(fn, qp);
	if (!ret)
		ret = nvt__check_cmd(fn, cmd);
	if (!ret && buf)
		ret = check_buf(qp, fn, buf, offset, len);
	if (ret)
		return ret;
	if (v && v->op != NVT__VOP_NONE)
		t = nvt__ns_vtable(v->ns);
	if (t) {
		/* the spare array is ours now: nested submissions take their own */
		runs = qp->scratch;
		memset(&qp->scratch, 0, sizeof(qp->scratch));
		ret = lock_lbas(qp, fn, v, t, &runs);
		if (ret) {
			keep_runs(qp, &runs);
			return ret;
		}
	}
	if (qp->held >= qp->depth - 1u) {
		nvt__err("%s: qpair %u is full: %u commands outstanding (depth %u takes %u); reap some with nvt_qpair_waitdone()",
			 fn, qp->qid, qp->held, qp->depth, qp->depth - 1);
		ret = -EBUSY;
		goto unlock;
	}
	cid = qp->free_cids[qp->nfree - 1];
	s = &qp->slots[cid];
	sqe = s->sqe;
	memset(sqe, 0, sizeof(s->sqe));
	ret = build_prps(qp, fn, buf, offset, len, cid, sqe);
	if (ret)
		goto unlock;
	qp->nfree--;
	nvt__cmd_sqe(cmd, sqe);
	/* CDW0: CID 31:16, PSDT 15:14 0 (PRPs) (Figure 105) */
	sqe[0] |= (uint32_t)cid << 16;
	s->state = SLOT_BUSY;
	s->cb = cb;
	s->ctx = ctx;
	s->vop = NVT__VOP_NONE;
	if (t) {
		/* the locked runs move to the slot; its old array is kept spare */
		struct nvt__vruns old = s->runs;

		s->runs = runs;
		keep_runs(qp, &old);
		s->vop = v->op;
		s->ns = v->ns;
		nvt__ns_get(v->ns);
		s->slba = v->slba;
		s->lba_size = v->ns->lba_size;
		s->data = buf ? (uint8_t *)nvt_buf_data(buf) + offset : NULL;
		if (v->op == NVT__VOP_WRITE && v->slba < nvt_ns_verify_nlba(v->ns)) {
			/* LBAs past the verify limit are written as the caller filled them. */
			uint64_t room = nvt_ns_verify_nlba(v->ns) - v->slba;
			uint32_t n = room < v->nlb ? (uint32_t)room : v->nlb;

			nvt_verify_stamp(s->data, v->slba, n, s->lba_size, nvt_verify_next_token(n));
		}
		else if (v->op == NVT__VOP_UNCORR)
			nvt__vtable_mark_uncorrectable(t, &s->runs);
	}
	s->timeout_ms = (cmd->flags & NVT_CMD_F_TIMEOUT) ? cmd->timeout_ms : qp->timeout_ms;
	qp->held++;
	qp->outstanding++;
	s->submit_ns = now_ns();
	s->deadline_ns = s->timeout_ms ? s->submit_ns + (uint64_t)s->timeout_ms * 1000000 : 0;
	if (s->deadline_ns && (!qp->earliest_deadline || s->deadline_ns < qp->earliest_deadline))
		qp->earliest_deadline = s->deadline_ns;
	log_submit(qp, s);
	memcpy((uint8_t *)qp->sq + (size_t)qp->sq_tail * SQE_BYTES, sqe, SQE_BYTES);
	if (++qp->sq_tail == qp->depth)
		qp->sq_tail = 0;
	if (!qp->batch_db)
		nvt__qpair_ring(qp);
	return 0;
unlock:
	if (t) {
		nvt__vtable_unlock(t, &runs);
		keep_runs(qp, &runs);
	}
	return ret;
}

void nvt__qpair_ring(struct nvt_qpair *qp)
{
	if (qp->sq_db_tail == qp->sq_tail || qp->dead)
		return;
	/* the SQEs (and the stamped data) reach memory before the doorbell */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*qp->sq_db = qp->sq_tail;	/* section 4.1: SQ tail doorbell */
	qp->sq_db_tail = qp->sq_tail;
}

void nvt__qpair_batch_doorbell(struct nvt_qpair *qp)
{
	qp->batch_db = true;
}

int nvt_qpair_send_cmd(struct nvt_qpair *qp, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		       nvt_cb cb, void *ctx)
{
	uint64_t offset = 0, len = 0;

	if (!qp || !cmd) {
		nvt__err("nvt_qpair_send_cmd: %s is NULL", qp ? "cmd" : "qp");
		return -EINVAL;
	}
	if (buf) {
		offset = nvt_buf_offset(buf);
		len = nvt_buf_xfer_size(buf);
		if (!len)
			len = nvt_buf_size(buf) - offset;
	}
	return nvt__qpair_submit(qp, "nvt_qpair_send_cmd", cmd, buf, offset, len, cb, ctx, NULL);
}

/* ---- interrupts ---- */

static int irq_qp(const char *fn, struct nvt_qpair *qp)
{
	if (!qp) {
		nvt__err("%s: qp is NULL", fn);
		return -EINVAL;
	}
	if (qp->vector < 0) {
		nvt__err("%s: qpair %u was created without interrupts", fn, qp->qid);
		return -EINVAL;
	}
	return check_live(fn, qp);
}

static uint64_t *counter(struct nvt_qpair *qp)
{
	return &qp->ctrl->irqs.counters[qp->vector];
}

int nvt_qpair_msix_clear(struct nvt_qpair *qp)
{
	int ret = irq_qp(__func__, qp);

	if (!ret)
		__atomic_store_n(counter(qp), 0, __ATOMIC_RELAXED);
	return ret;
}

int nvt_qpair_msix_isset(struct nvt_qpair *qp)
{
	int ret = irq_qp(__func__, qp);

	return ret ? ret : __atomic_load_n(counter(qp), __ATOMIC_RELAXED) != 0;
}

int nvt_qpair_irq_count(struct nvt_qpair *qp, uint64_t *count)
{
	int ret = irq_qp(__func__, qp);

	if (!ret && !count) {
		nvt__err("nvt_qpair_irq_count: count is NULL");
		ret = -EINVAL;
	}
	if (!ret)
		*count = __atomic_load_n(counter(qp), __ATOMIC_RELAXED);
	return ret;
}

int nvt_qpair_msix_mask(struct nvt_qpair *qp)
{
	int ret = irq_qp(__func__, qp);

	return ret ? ret : nvt__irq_ctl(qp->ctrl, (uint16_t)qp->vector, NVT_IRQ_F_MASK);
}

int nvt_qpair_msix_unmask(struct nvt_qpair *qp)
{
	int ret = irq_qp(__func__, qp);

	return ret ? ret : nvt__irq_ctl(qp->ctrl, (uint16_t)qp->vector, NVT_IRQ_F_UNMASK);
}

int nvt_qpair_wait_irq(struct nvt_qpair *qp, unsigned int timeout_ms)
{
	uint64_t deadline, now, v;
	struct pollfd pfd;
	int ret = irq_qp(__func__, qp);

	if (ret)
		return ret;
	if (qp->efd < 0) {
		ret = nvt__irq_eventfd(qp->ctrl, (uint16_t)qp->vector, &qp->efd);
		if (ret)
			return ret;
	}
	deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	for (;;) {
		while (read(qp->efd, &v, sizeof(v)) == sizeof(v))
			;
		if (__atomic_load_n(counter(qp), __ATOMIC_ACQUIRE))
			return 0;
		now = now_ns();
		if (now >= deadline)
			return -ETIMEDOUT;
		pfd = (struct pollfd) { .fd = qp->efd, .events = POLLIN };
		if (poll(&pfd, 1, (int)((deadline - now + 999999) / 1000000)) < 0 && errno != EINTR) {
			ret = -errno;
			nvt__err("nvt_qpair_wait_irq: poll: %s", strerror(errno));
			return ret;
		}
	}
}
