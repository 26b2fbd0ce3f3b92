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
#include <nvmetest/nvmetest.h>

#define NVT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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
 * An init sequence starts (@on true) or ends: meanwhile nvt_ctrl_waitdone()
 * counts only the commands the sequence sends, so that commands from
 * before a reset are left for the caller's next nvt_ctrl_waitdone().
 */
void nvt__admin_init_phase(struct nvt_ctrl *ctrl, bool on);
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

/* init.c: run the init sequence of the options (the default for NO_INIT). */
int nvt__ctrl_run_init(struct nvt_ctrl *ctrl);

#endif /* NVT_PRIVATE_H */
