/* SPDX-License-Identifier: MIT */
/*
 * libnvmetest internals: shared by the library sources and the unit tests
 * (tests/unit builds with -Ilib and links the objects). Nothing here is
 * exported: lib/libnvmetest.map lists the public symbols.
 */
#ifndef NVT_PRIVATE_H
#define NVT_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <nvmetest/nvmetest.h>

#define NVT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
static inline int64_t nvt__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* log.c: deliver one message to the nvt_set_log() callback; keeps errno. */
void nvt__log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define nvt__err(...)	nvt__log(NVT_LOG_ERR, __VA_ARGS__)
#define nvt__warn(...)	nvt__log(NVT_LOG_WARN, __VA_ARGS__)
#define nvt__debug(...)	nvt__log(NVT_LOG_DEBUG, __VA_ARGS__)

/* name.c: what a device name given by the user designates. */
enum nvt__name_kind {
	NVT__NAME_PATH = 1,	/* a device node path: "/dev/nvmetest0" */
	NVT__NAME_BDF,		/* a PCI address, normalised "dddd:bb:dd.f" */
};

/*
 * Classify @name ("/dev/nvmetestN" or any path, "nvmetestN", "dddd:bb:dd.f",
 * "bb:dd.f") and write the device path or normalised BDF to @out.
 * Return: enum nvt__name_kind, -EINVAL (not a device name), -ENOSPC.
 */
int nvt__parse_name(const char *name, char *out, size_t len);

/*
 * Turn @name into the path of its /dev/nvmetestN node; a PCI address is
 * looked up below @sysfs (normally "/sys"). Logs why it fails.
 * Return: 0, -EINVAL, -ENOSPC, -ENOENT (no such PCI function), -ENODEV
 * (the function is not bound to nvmetest).
 */
int nvt__resolve_name(const char *sysfs, const char *name, char *path, size_t len);
/*
 * The /dev path of the nvmetest node below @devdir (a function's sysfs
 * directory), quietly; *@nodes (may be NULL): how many there are.
 * Return: 0, -ENODEV (none), -ENOSPC.
 */
int nvt__bdf_node(const char *devdir, char *path, size_t len, size_t *nodes);

/* sysfs.c: write @value to the sysfs attribute @path. Return: 0 or -errno
 * (not logged: some callers expect ENOENT). */
int nvt__sysfs_write(const char *path, const char *value);

/*
 * pcie.c: the function came back (a power cycle) and is bound to nvmetest
 * again: open its new device file onto the same descriptor number and read
 * its info again. Return: 0 or -errno (logged).
 */
int nvt__pcie_reopen(struct nvt_pcie *pcie);

/* pcicap.c: capability list walking over any config-space reader. */
#define NVT__CAPS_MAX	(192 / 4 + 3840 / 4)	/* most a walk can find */
typedef int (*nvt__cfg_read_fn)(void *ctx, uint32_t offset, unsigned int width,
				uint32_t *value);

/*
 * Walk the standard list (if Status.Capabilities List is set) and, when
 * @config_size > 256, the extended list at 0x100. Stops at a pointer out of
 * range, misaligned or seen before, so malformed lists always end.
 * Return: the number of capabilities found (entries beyond @max are
 * counted, not stored), or the first error of @rd.
 */
int nvt__cap_walk(nvt__cfg_read_fn rd, void *ctx, uint32_t config_size,
		  struct nvt_pcie_cap *caps, unsigned int max);

/* pcie.c: one checked NVT_IOCTL_{READ,WRITE}_{REG,CONFIG} on @fd. */
struct nvt__space {
	const char *name;	/* for messages: "config space", "BAR0" */
	unsigned long read_req;	/* NVT_IOCTL_READ_* */
	unsigned long write_req;	/* NVT_IOCTL_WRITE_* */
	uint64_t size;		/* bytes accessible */
};

/*
 * Read (@write false: *@value receives) or write (*@value is written) the
 * @width bytes at @offset of @space. @fn names the public function for
 * messages. Checks alignment, range and value width before the ioctl.
 * Return: 0, -EINVAL, -ERANGE or the ioctl's -errno.
 */
int nvt__access(const char *fn, int fd, const struct nvt__space *space, bool write,
		uint64_t offset, unsigned int width, uint64_t *value);

/* netlink.c: a libnl error (NLE_*, positive) as an errno. */
int nvt__nl_errno(int nle);

/* events.c: "SMART / health: temperature threshold, log page 02h". */
int nvt__aer_describe(uint32_t cdw0, char *buf, size_t len);

/* ---- the controller (ctrl.c, init.c, admin.c, cmd.c, buf.c) ---- */

/* A doubly linked list of struct nvt__req, with a sentinel head. */
struct nvt__list {
	struct nvt__list *next, *prev;
};

/* What a command is to the library. */
enum nvt__req_kind {
	NVT__REQ_USER,		/* counted by nvt_ctrl_waitdone() */
	NVT__REQ_AER,		/* a library AER: handled and re-armed */
	NVT__REQ_SYNC,		/* waited for by nvt__cmd_sync() */
};

/*
 * One command the library submitted, from submission until its callback
 * ran: first on ctrl->pending, then (completed) on ctrl->done.
 */
struct nvt__req {
	struct nvt__list node;		/* first: the list entry is the request */
	uint64_t tag;			/* the kernel returns it in the completion */
	enum nvt__req_kind kind;
	bool stale;			/* AER of an admin queue since set up again */
	uint32_t epoch;			/* ctrl->init_epoch if sent by an init sequence */
	uint32_t timeout_ms;		/* as sent */
	nvt_cb cb;
	void *ctx;
	struct nvt_cpl cpl;		/* sqe at submission, the rest at completion */
};

/* Completions taken per NVT_IOCTL_REAP_ADMIN. */
#define NVT__REAP_BATCH	64

/* irq.c: the controller's interrupt counter page (NVT_IOCTL_MAP_IRQS). */
struct nvt__irqs {
	bool mapped;
	uint32_t type;			/* NVT_IRQ_TYPE_* */
	uint32_t nr_vectors;
	uint64_t *counters;		/* the mapping: one counter per vector */
	size_t map_size;
	int *eventfds;			/* per vector, -1 until nvt__irq_eventfd() */
};

struct nvt_ctrl {
	int refs;			/* atomic */
	struct nvt_pcie *pcie;		/* our reference */
	int fd;				/* the pcie's, borrowed */
	struct nvt_pcie_info info;
	struct nvt__space bar0;		/* BAR0, for nvt__access() */
	struct nvt_ctrl_opts opts;	/* depths resolved; constant */
	uint64_t cap;			/* CAP as read at creation */
	uint32_t generation;		/* atomic: nvt_ctrl_generation() */

	/*
	 * lock protects everything below; it is never held while a callback
	 * runs nor while waiting in NVT_IOCTL_REAP_ADMIN. cond is signalled
	 * when the reaper ends a round, for threads waiting to reap.
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct nvt__list pending;	/* submitted, not completed */
	struct nvt__list done;		/* completed, callback not yet run */
	uint64_t next_tag;
	unsigned int outstanding;	/* NVT__REQ_USER not yet through waitdone */
	unsigned int aers;		/* library AERs in the current admin queue */
	bool reaping;			/* a thread is in NVT_IOCTL_REAP_ADMIN */
	bool waiting;			/* a thread is in nvt_ctrl_waitdone() */
	bool in_init;			/* an init sequence runs (open, reset) */
	uint32_t init_epoch;		/* counts init sequences */
	uint32_t timeout_ms;
	nvt_cb aer_cb;
	void *aer_ctx;
	uint16_t latest_cid;
	uint32_t latest_cdw0;
	uint64_t latest_latency;
	bool identified;
	bool have_effects;
	bool queues_known;
	uint32_t nsqa, ncqa;		/* granted IO queues, not 0's based */
	struct nvt_cmdlog *cmdlog;	/* nvt_ctrl_cmdlog(), mapped on first use */
	struct nvt_qpair *qpairs;	/* the IO path: live qpairs (qpair.c) */
	struct nvt_ns *namespaces;	/* open namespaces (ns.c) */
	struct nvt__irqs irqs;		/* interrupt counters (irq.c) */
	struct nvt_ctrl *registry_next;	/* the process's controllers (ctrl.c) */
	uint8_t id[4096];		/* Identify Controller */
	uint32_t effects[512];		/* Commands Supported and Effects, 0..2047 */
	struct nvt_completion reap_buf[NVT__REAP_BATCH];	/* the reaper's */
};

/* admin.c */
/*
 * Submit @cmd as @kind; *@reqp (if not NULL) receives the request, valid
 * until its completion is consumed. Logs why it fails.
 */
int nvt__submit(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		nvt_cb cb, void *ctx, enum nvt__req_kind kind, struct nvt__req **reqp);
/*
 * Submit @cmd and wait for its completion only (others are kept for
 * nvt_ctrl_waitdone()). *@cpl (if not NULL) receives it. Return: 0, the
 * status (positive), -ETIMEDOUT, -ECANCELED, -EDEADLK or a submit error.
 */
int nvt__cmd_sync(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		  struct nvt_cpl *cpl);
/* The admin queue was set up again: outstanding library AERs are gone. */
void nvt__admin_queue_reset(struct nvt_ctrl *ctrl);
/*
 * The function was removed: collect the cancellations of every command
 * still pending (they reach nvt_ctrl_waitdone() and the callbacks).
 */
void nvt__admin_drain_removed(struct nvt_ctrl *ctrl);
/*
 * An init sequence starts (@on true) or ends: meanwhile nvt_ctrl_waitdone()
 * counts only the commands the sequence sends, so that commands from
 * before a reset are left for the caller's next nvt_ctrl_waitdone().
 */
void nvt__admin_init_phase(struct nvt_ctrl *ctrl, bool on);
/* Check the fields of @cmd that the host refuses; logs as @fn. 0 or -EINVAL. */
int nvt__check_cmd(const char *fn, const struct nvt_cmd *cmd);
/* The dwords of @cmd in @sqe (CDW0 without CID, CDW4-9 left alone). */
void nvt__cmd_sqe(const struct nvt_cmd *cmd, uint32_t sqe[16]);
/* Whether the calling thread is in a callback of @ctrl. */
bool nvt__in_callback(struct nvt_ctrl *ctrl);
/* Initialise and free the admin state of a controller. */
int nvt__admin_init(struct nvt_ctrl *ctrl);
void nvt__admin_fini(struct nvt_ctrl *ctrl);

/* buf.c: the range a command transfers; logs why it is refused. */
int nvt__buf_range(const char *fn, struct nvt_ctrl *ctrl, const struct nvt_buf *buf,
		   uint32_t *handle, uint64_t *offset, uint32_t *len);

/*
 * cmd.c: build the commands that init.c also sends; @fn names the public
 * function for messages. Return: 0 or -EINVAL (a field out of range).
 */
int nvt__identify_cmd(struct nvt_cmd *cmd, uint32_t nsid, uint8_t cns, uint16_t cntid,
		      uint8_t csi);
int nvt__features_cmd(const char *fn, struct nvt_cmd *cmd, uint8_t opcode, uint8_t fid,
		      uint8_t sel_sv, uint32_t nsid, uint32_t cdw11, uint32_t cdw12,
		      uint32_t cdw13, uint32_t cdw14, uint32_t cdw15);
int nvt__getlogpage_cmd(const char *fn, struct nvt_cmd *cmd, uint8_t lid, uint32_t size,
			uint64_t offset, uint32_t nsid, uint8_t lsp, uint8_t rae);

/*
 * cmdlog.c: a command log over @size bytes at @map (a mapping, or test
 * memory: not unmapped by nvt_cmdlog_close()). Checks the header.
 * Return: 0, -EPROTO, -ENOMEM.
 */
int nvt__cmdlog_wrap(const void *map, size_t size, uint16_t qid, struct nvt_cmdlog **out);
/*
 * cmdlog.c: map the same queue's log of the pcie's (reopened) file in place
 * of the old one. Return: 0, -EPROTO (another size) or -errno.
 */
int nvt__cmdlog_remap(struct nvt_cmdlog *log);

/* init.c: run the init sequence of the options (the default for NO_INIT). */
int nvt__ctrl_run_init(struct nvt_ctrl *ctrl);
/* init.c: the controller lost its IO queues (a reset): every qpair is dead. */
void nvt__ctrl_forget_queues(struct nvt_ctrl *ctrl);

/*
 * ctrl.c: the controllers of this process, so that a reset or a power cycle
 * through any handle of a function reaches every controller on it.
 * nvt__ctrls_on() calls @fn for each controller on @bdf, under a lock that
 * keeps them from being freed meanwhile (@fn must not close one).
 */
void nvt__ctrls_on(const char *bdf, void (*fn)(struct nvt_ctrl *ctrl, void *arg), void *arg);
/*
 * reset.c: an nvt__ctrls_on() callback: the controller lost its IO queues
 * and its library AERs (a reset of the function, power going away).
 */
void nvt__ctrl_lost_queues(struct nvt_ctrl *ctrl, void *arg);

/* ---- the IO path (qpair.c, irq.c, ns.c, io.c, prp.c, vtable.c) ---- */

/*
 * irq.c. nvt__irq_map() maps the counter page once (ctrl->lock taken
 * inside); the others need it mapped. Return 0 or -errno, logged.
 */
int nvt__irq_map(struct nvt_ctrl *ctrl);
void nvt__irq_fini(struct nvt_ctrl *ctrl);
/* The eventfd the kernel signals at each interrupt of @vector (made once). */
int nvt__irq_eventfd(struct nvt_ctrl *ctrl, uint16_t vector, int *fd);
/* NVT_IOCTL_CTL_IRQ with NVT_IRQ_F_MASK or NVT_IRQ_F_UNMASK. */
int nvt__irq_ctl(struct nvt_ctrl *ctrl, uint16_t vector, uint32_t flag);

/*
 * prp.c: the PRP entries of @len bytes at device address @addr in memory
 * pages of @page bytes (NVMe 1.4 section 4.3). PRP2 is 0, the page after
 * PRP1's, or @list_iova after the list was written to @list (at most
 * @max entries, no chaining).
 * Return: the number of list entries written (0: no list); -E2BIG (more
 * than @max needed); -EINVAL (@page not a power of two of at least 8).
 */
int nvt__prp_build(uint64_t addr, uint64_t len, uint32_t page, uint64_t *list,
		   unsigned int max, uint64_t list_iova, uint64_t *prp1, uint64_t *prp2);

/*
 * vtable.c: a mapped verification table with the kernel's page bitmap
 * (bit i set: table page i exists). Runs are LBA ranges of the table.
 */
struct nvt__vtable {
	uint32_t *entries;		/* nlba entries (NVT_VERIFY_* of verify.h) */
	const uint8_t *bitmap;		/* read-only, little-endian bit order */
	uint64_t nlba;
	uint64_t nr_pages;		/* table pages (bits in the bitmap) */
	uint32_t page_entries;		/* entries per table page */
};

struct nvt__vrun {
	uint64_t slba;
	uint64_t nlb;
};

struct nvt__vruns {
	struct nvt__vrun *v;
	unsigned int n, cap;
};

/* Whether table page @page exists. */
bool nvt__vtable_page_exists(const struct nvt__vtable *t, uint64_t page);
/*
 * The LBAs of table page @page, if it exists: their count (0 for a page
 * that does not exist or lies beyond nlba), the first in *@first.
 */
uint64_t nvt__vtable_page_lbas(const struct nvt__vtable *t, uint64_t page, uint64_t *first);
/*
 * Append the part of [slba, slba + nlb) below t->nlba to @runs: all of it,
 * or with @existing_only only the LBAs whose table page exists.
 * Return: 0; -ENOMEM.
 */
int nvt__vruns_add(struct nvt__vruns *runs, const struct nvt__vtable *t, uint64_t slba,
		   uint64_t nlb, bool existing_only);
/* Sort by LBA and merge overlapping or adjacent runs. */
void nvt__vruns_normalise(struct nvt__vruns *runs);
void nvt__vruns_free(struct nvt__vruns *runs);
/* Take every run's LBA locks, or none: 0 or -EAGAIN. */
int nvt__vtable_trylock(const struct nvt__vtable *t, const struct nvt__vruns *runs);
void nvt__vtable_unlock(const struct nvt__vtable *t, const struct nvt__vruns *runs);
/* Set the runs' entries to 0 (unwritten) or to uncorrectable. */
void nvt__vtable_clear(const struct nvt__vtable *t, const struct nvt__vruns *runs);
void nvt__vtable_mark_uncorrectable(const struct nvt__vtable *t, const struct nvt__vruns *runs);
/* Release every lock in the pages that exist (nothing else is touched). */
void nvt__vtable_unlock_all(const struct nvt__vtable *t);
/*
 * Check read data: @data holds the LBAs from @slba on, the runs lie
 * inside. Return: 0, NVT_STATUS_VERIFY_FAILED with @msg, -EINVAL.
 */
int nvt__vtable_check(const struct nvt__vtable *t, const struct nvt__vruns *runs,
		      const void *data, uint64_t slba, uint32_t lba_size, char *msg,
		      size_t msglen);
/* Record a successful write of @data (LBAs from @slba) in the runs. */
void nvt__vtable_write_done(const struct nvt__vtable *t, const struct nvt__vruns *runs,
			    const void *data, uint64_t slba, uint32_t lba_size);
/* Table pages that exist. */
uint64_t nvt__vtable_pages(const struct nvt__vtable *t);

/* ns.c: the namespace object, shared with io.c and qpair.c. */
struct nvt_ns {
	int refs;			/* atomic: the opener's and commands' */
	unsigned int inflight;		/* atomic: commands using @vt */
	struct nvt_ctrl *ctrl;		/* our reference */
	struct nvt_ns *next;		/* ctrl->namespaces, under ctrl->lock */
	uint32_t nsid;
	uint64_t nsze;
	uint32_t lba_size;
	uint32_t meta_size;
	int lbaf;
	bool extended;			/* FLBAS bit 4: metadata inside the LBA */
	bool verify;			/* new commands are verified */
	uint64_t limit;			/* nvt_ns_verify_limit(); 0: none */
	struct nvt__vtable vt;		/* mapped while @vt_map */
	void *vt_map;
	size_t vt_map_size;
	void *vt_bitmap_map;
	size_t vt_bitmap_size;
	uint8_t id[4096];		/* Identify Namespace */
};

/* The table new commands of @ns use, or NULL (verification off). */
const struct nvt__vtable *nvt__ns_vtable(const struct nvt_ns *ns);
/* A command starts or stops using @ns's table (holds a reference). */
void nvt__ns_get(struct nvt_ns *ns);
void nvt__ns_put(struct nvt_ns *ns);
/* A Format NVM or Sanitize of @nsid (0xffffffff: all) succeeded. */
void nvt__ns_erased(struct nvt_ctrl *ctrl, uint32_t nsid);
/*
 * The controller's file was reopened on a new binding (a power cycle): each
 * verified namespace maps the new binding's table and copies its old one
 * into it, so verification goes on across the power cycle. Return: 0 or the
 * first error (that namespace's verification is off then).
 */
int nvt__ns_reattach_all(struct nvt_ctrl *ctrl);

/* What data verification does around one command (io.c -> qpair.c). */
enum nvt__vop {
	NVT__VOP_NONE,
	NVT__VOP_WRITE,		/* lock, stamp; on success record CRCs */
	NVT__VOP_READ,		/* lock existing pages; on success check */
	NVT__VOP_LOCK,		/* lock existing pages only (compare) */
	NVT__VOP_CLEAR,		/* lock; afterwards clear (write zeroes, trim, copy) */
	NVT__VOP_UNCORR,	/* lock and mark uncorrectable at submission */
};

struct nvt__vio {
	enum nvt__vop op;
	struct nvt_ns *ns;
	uint64_t slba;			/* the data's first LBA (read, write) */
	uint32_t nlb;			/* LBAs of data */
	const struct nvt__vrun *ranges;	/* LBAs to lock */
	unsigned int nranges;
	bool existing_only;		/* lock only pages that exist */
};

/*
 * qpair.c: submit @cmd on @qp with the PRPs of [@offset, @offset + @len)
 * of @buf (no buffer: @len 0), verification by @v (NULL: none). @fn names
 * the public function in messages.
 */
int nvt__qpair_submit(struct nvt_qpair *qp, const char *fn, const struct nvt_cmd *cmd,
		      struct nvt_buf *buf, uint64_t offset, uint64_t len, nvt_cb cb, void *ctx,
		      const struct nvt__vio *v);
/*
 * Batched SQ doorbells (the IOWorker's): from now on submissions on @qp only
 * write their SQEs and nvt__qpair_ring() rings once for all of them, saving
 * a doorbell write (an MMIO exit under virtualisation) per command. Reaping
 * rings first, so nothing waited for stays unsubmitted.
 */
void nvt__qpair_batch_doorbell(struct nvt_qpair *qp);
/* Ring the SQ tail doorbell if SQEs were written since it was last rung. */
void nvt__qpair_ring(struct nvt_qpair *qp);
/* The qpair's controller, for io.c's checks. */
struct nvt_ctrl *nvt__qpair_ctrl(const struct nvt_qpair *qp);
/* IO queues died (the generation changed): forget their commands. */
void nvt__io_reset(struct nvt_ctrl *ctrl);

/* io.c: an LBA range inside a namespace of @nsze LBAs; logs why not. */
int nvt__lba_check(const char *fn, uint32_t nsid, uint64_t nsze, uint64_t lba, uint64_t count);

#endif /* NVT_PRIVATE_H */
