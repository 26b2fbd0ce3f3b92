// SPDX-License-Identifier: MIT
/*
 * The admin command path: submission (NVT_IOCTL_SUBMIT_ADMIN), reaping
 * (NVT_IOCTL_REAP_ADMIN), callbacks, nvt_ctrl_waitdone(), the library's
 * AERs and host timeouts (the kernel expires them; we report them).
 *
 * A request lives on ctrl->pending from submission until its completion
 * is reaped, then on ctrl->done until it is consumed: its callback run by
 * nvt_ctrl_waitdone() (user commands and library AERs) or its waiter
 * woken (nvt__cmd_sync()). Whoever needs completions becomes the reaper
 * (ctrl->reaping): it waits in the kernel without ctrl->lock, then moves
 * what it got to ctrl->done and wakes the others through ctrl->cond.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "private.h"

/* The longest one wait in NVT_IOCTL_REAP_ADMIN; waiting goes on after it. */
#define REAP_SLICE_MS	1000

/* The controller whose callback the calling thread is running, if any. */
static __thread struct nvt_ctrl *cb_ctrl;

static void list_init(struct nvt__list *h)
{
	h->next = h;
	h->prev = h;
}

static void list_add_tail(struct nvt__list *n, struct nvt__list *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static void list_del(struct nvt__list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n;
	n->prev = n;
}

static struct nvt__req *req_of(struct nvt__list *n)
{
	return (struct nvt__req *)n;	/* node is the first member */
}

int nvt__admin_init(struct nvt_ctrl *ctrl)
{
	int ret;

	list_init(&ctrl->pending);
	list_init(&ctrl->done);
	ret = pthread_mutex_init(&ctrl->lock, NULL);
	if (ret)
		return -ret;
	ret = pthread_cond_init(&ctrl->cond, NULL);
	if (ret) {
		pthread_mutex_destroy(&ctrl->lock);
		return -ret;
	}
	return 0;
}

static void free_list(struct nvt__list *h)
{
	while (h->next != h) {
		struct nvt__list *n = h->next;

		list_del(n);
		free(req_of(n));
	}
}

void nvt__admin_fini(struct nvt_ctrl *ctrl)
{
	/* Forgotten without callbacks: the kernel cancels them at close. */
	free_list(&ctrl->pending);
	free_list(&ctrl->done);
	pthread_cond_destroy(&ctrl->cond);
	pthread_mutex_destroy(&ctrl->lock);
}

bool nvt__in_callback(struct nvt_ctrl *ctrl)
{
	return cb_ctrl == ctrl;
}

void nvt__admin_init_phase(struct nvt_ctrl *ctrl, bool on)
{
	pthread_mutex_lock(&ctrl->lock);
	ctrl->in_init = on;
	if (on)
		ctrl->init_epoch++;
	pthread_mutex_unlock(&ctrl->lock);
}

void nvt__admin_queue_reset(struct nvt_ctrl *ctrl)
{
	struct nvt__list *n;

	pthread_mutex_lock(&ctrl->lock);
	for (n = ctrl->pending.next; n != &ctrl->pending; n = n->next)
		if (req_of(n)->kind == NVT__REQ_AER)
			req_of(n)->stale = true;
	ctrl->aers = 0;
	pthread_mutex_unlock(&ctrl->lock);
}

/* ---- submission ---- */

int nvt__check_cmd(const char *fn, const struct nvt_cmd *cmd)
{
	unsigned int i;

	if (cmd->flags & ~NVT_CMD_F_TIMEOUT) {
		nvt__err("%s: unknown struct nvt_cmd flags 0x%x", fn, cmd->flags);
		return -EINVAL;
	}
	if (cmd->fuse > 3) {
		nvt__err("%s: fuse %u does not fit in CDW0 bits 09:08", fn, cmd->fuse);
		return -EINVAL;
	}
	for (i = 0; i < NVT_ARRAY_SIZE(cmd->rsvd); i++)
		if (cmd->rsvd[i])
			break;
	if (cmd->rsvd0 || i < NVT_ARRAY_SIZE(cmd->rsvd)) {
		nvt__err("%s: reserved fields of struct nvt_cmd must be 0", fn);
		return -EINVAL;
	}
	return 0;
}

void nvt__cmd_sqe(const struct nvt_cmd *cmd, uint32_t sqe[16])
{
	/* Figure 105: CDW0 FUSE 09:08, OPC 07:00; CID and PRPs are filled later */
	sqe[0] = cmd->opcode | (uint32_t)cmd->fuse << 8;
	sqe[1] = cmd->nsid;
	sqe[2] = cmd->cdw2;
	sqe[3] = cmd->cdw3;
	sqe[10] = cmd->cdw10;
	sqe[11] = cmd->cdw11;
	sqe[12] = cmd->cdw12;
	sqe[13] = cmd->cdw13;
	sqe[14] = cmd->cdw14;
	sqe[15] = cmd->cdw15;
}

static void log_submit_error(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, int err,
			     const struct nvt_ioctl_submit_admin *arg)
{
	const char *why;

	switch (err) {
	case ENXIO:
		why = "no admin queue: set it up first (nvt_ctrl_init_adminq())";
		break;
	case EBUSY:
		why = "the admin queue is full (every CID in use)";
		break;
	case ENOENT:
		why = "the buffer is not allocated (any more) in this file";
		break;
	case ERANGE:
		why = "the kernel refuses the buffer range for this command";
		break;
	case EPERM:
		why = "the kernel refuses to pass this command (see NVT_IOCTL_SUBMIT_ADMIN)";
		break;
	default:
		why = strerror(err);
		break;
	}
	nvt__err("%s: submitting %s (opcode 0x%02x, buffer %u offset %llu length %u): %s",
		 ctrl->info.bdf, nvt_admin_cmdname(cmd->opcode), cmd->opcode, arg->buf_handle,
		 (unsigned long long)arg->buf_offset, arg->buf_len, why);
}

int nvt__submit(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		nvt_cb cb, void *ctx, enum nvt__req_kind kind, struct nvt__req **reqp)
{
	struct nvt_ioctl_submit_admin arg;
	struct nvt__req *req;
	uint32_t *sqe;
	int ret;

	if (!ctrl || !cmd) {
		nvt__err("nvt_ctrl_send_cmd: %s is NULL", ctrl ? "cmd" : "ctrl");
		return -EINVAL;
	}
	ret = nvt__check_cmd("nvt_ctrl_send_cmd", cmd);
	if (ret)
		return ret;
	memset(&arg, 0, sizeof(arg));
	if (buf) {
		uint64_t offset;

		ret = nvt__buf_range("nvt_ctrl_send_cmd", ctrl, buf, &arg.buf_handle, &offset,
				     &arg.buf_len);
		if (ret)
			return ret;
		arg.buf_offset = offset;
	}
	req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	req->kind = kind;
	req->cb = cb;
	req->ctx = ctx;
	sqe = req->cpl.sqe;
	nvt__cmd_sqe(cmd, sqe);
	memcpy(arg.sqe, sqe, sizeof(arg.sqe));

	pthread_mutex_lock(&ctrl->lock);
	if (cmd->flags & NVT_CMD_F_TIMEOUT)
		req->timeout_ms = cmd->timeout_ms;
	else if (kind == NVT__REQ_AER || cmd->opcode == NVT_ADMIN_ASYNC_EVENT)
		req->timeout_ms = 0;
	else
		req->timeout_ms = ctrl->timeout_ms;
	arg.timeout_ms = req->timeout_ms;
	req->tag = ++ctrl->next_tag;
	req->epoch = ctrl->in_init ? ctrl->init_epoch : 0;
	arg.tag = req->tag;
	/* On the list before the doorbell: a reaper may see it complete at once. */
	list_add_tail(&req->node, &ctrl->pending);
	if (ioctl(ctrl->fd, NVT_IOCTL_SUBMIT_ADMIN, &arg)) {
		ret = -errno;
		list_del(&req->node);
		pthread_mutex_unlock(&ctrl->lock);
		log_submit_error(ctrl, cmd, -ret, &arg);
		free(req);
		return ret;
	}
	req->cpl.cid = arg.cid;
	sqe[0] |= (uint32_t)arg.cid << 16;
	if (kind == NVT__REQ_USER)
		ctrl->outstanding++;
	else if (kind == NVT__REQ_AER)
		ctrl->aers++;
	pthread_mutex_unlock(&ctrl->lock);
	nvt__debug("%s: sent %s (opcode 0x%02x) CID %u", ctrl->info.bdf,
		   nvt_admin_cmdname(cmd->opcode), cmd->opcode, arg.cid);
	if (reqp)
		*reqp = req;
	return 0;
}

int nvt_ctrl_send_cmd(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		      nvt_cb cb, void *ctx)
{
	return nvt__submit(ctrl, cmd, buf, cb, ctx, NVT__REQ_USER, NULL);
}

/* ---- reaping ---- */

static struct nvt__req *find_pending(struct nvt_ctrl *ctrl, uint64_t tag)
{
	struct nvt__list *n;

	for (n = ctrl->pending.next; n != &ctrl->pending; n = n->next)
		if (req_of(n)->tag == tag)
			return req_of(n);
	return NULL;
}

/* A completion from the kernel: its request moves to ctrl->done. */
static void complete_one(struct nvt_ctrl *ctrl, const struct nvt_completion *c)
{
	struct nvt__req *req = find_pending(ctrl, c->tag);
	struct nvt_cpl *cpl;

	if (!req) {
		nvt__debug("%s: a completion (CID %u, tag %llu) of no command outstanding here: dropped",
			   ctrl->info.bdf, c->cid, (unsigned long long)c->tag);
		return;
	}
	cpl = &req->cpl;
	memcpy(cpl->cqe, c->cqe, sizeof(cpl->cqe));
	cpl->cdw0 = c->cqe[0];
	cpl->status = nvt_status_from_cqe_dw3(c->cqe[3]);
	cpl->cid = c->cid;
	cpl->qid = c->sqid;
	cpl->flags = c->flags;
	cpl->submit_ns = c->submit_ns;
	cpl->complete_ns = c->complete_ns;
	cpl->latency_us = c->complete_ns > c->submit_ns ?
			  (c->complete_ns - c->submit_ns) / 1000 : 0;
	list_del(&req->node);
	list_add_tail(&req->node, &ctrl->done);
}

/*
 * One round as the reaper: the caller holds ctrl->lock and has set
 * ctrl->reaping; the lock is dropped while waiting in the kernel.
 * -ENODEV is not logged when @gone_expected.
 * Return: 0 (EINTR counts as an empty round) or -errno of the ioctl.
 */
static int reap_round(struct nvt_ctrl *ctrl, uint32_t timeout_ms, bool gone_expected)
{
	struct nvt_ioctl_reap_admin arg = {
		.timeout_ms = timeout_ms,
		.max_entries = NVT__REAP_BATCH,
		.entries = (uintptr_t)ctrl->reap_buf,
	};
	int ret = 0, err = 0;
	unsigned int i;

	pthread_mutex_unlock(&ctrl->lock);
	if (ioctl(ctrl->fd, NVT_IOCTL_REAP_ADMIN, &arg))
		err = errno;
	pthread_mutex_lock(&ctrl->lock);
	if (err && err != EINTR) {
		if (err != ENODEV || !gone_expected)
			nvt__err("%s: reaping admin completions: %s", ctrl->info.bdf,
				 err == ENODEV ? "the controller is gone (unbound or powered off)" :
				 strerror(err));
		ret = -err;
	} else if (!err) {
		for (i = 0; i < arg.count && i < NVT__REAP_BATCH; i++)
			complete_one(ctrl, &ctrl->reap_buf[i]);
	}
	ctrl->reaping = false;
	pthread_cond_broadcast(&ctrl->cond);
	return ret;
}

void nvt__admin_drain_removed(struct nvt_ctrl *ctrl)
{
	unsigned int rounds = 0;

	pthread_mutex_lock(&ctrl->lock);
	while (ctrl->reaping)
		pthread_cond_wait(&ctrl->cond, &ctrl->lock);
	/* The kernel hands out every cancellation, then says -ENODEV. */
	while (ctrl->pending.next != &ctrl->pending && rounds++ < 64) {
		ctrl->reaping = true;
		if (reap_round(ctrl, 0, true))
			break;
	}
	pthread_mutex_unlock(&ctrl->lock);
}

/* ---- consuming completions ---- */

static int cpl_result(const struct nvt_cpl *cpl)
{
	if (cpl->flags & NVT_CPL_F_TIMEOUT)
		return -ETIMEDOUT;
	if (cpl->flags & NVT_CPL_F_CANCELLED)
		return -ECANCELED;
	return cpl->status;
}

/* Take @req off ctrl->done and account for it; called with ctrl->lock. */
static void take_done(struct nvt_ctrl *ctrl, struct nvt__req *req)
{
	list_del(&req->node);
	ctrl->latest_cid = req->cpl.cid;
	ctrl->latest_cdw0 = req->cpl.cdw0;
	ctrl->latest_latency = req->cpl.latency_us;
	if (req->kind == NVT__REQ_USER)
		ctrl->outstanding--;
	else if (req->kind == NVT__REQ_AER && !req->stale)
		ctrl->aers--;
}

/* Say what went wrong with a completion (without ctrl->lock). */
static void log_cpl(struct nvt_ctrl *ctrl, const struct nvt__req *req)
{
	const struct nvt_cpl *cpl = &req->cpl;
	uint8_t opcode = cpl->sqe[0] & 0xff;
	char text[128];

	if (req->kind == NVT__REQ_AER && (cpl->flags || req->stale)) {
		nvt__debug("%s: library AER CID %u ended by a reset", ctrl->info.bdf, cpl->cid);
		return;
	}
	if (!cpl->status)
		return;
	if (cpl->flags & NVT_CPL_F_TIMEOUT)
		nvt__err("%s: host timeout: admin command %s (opcode 0x%02x) CID %u did not complete in %u ms",
			 ctrl->info.bdf, nvt_admin_cmdname(opcode), opcode, cpl->cid,
			 req->timeout_ms);
	nvt_status_format(cpl->status, text, sizeof(text));
	nvt__warn("%s", text);
}

/* Run what a consumed library AER asks for (without ctrl->lock). */
static void handle_aer(struct nvt_ctrl *ctrl, struct nvt__req *req, nvt_cb cb, void *ctx)
{
	static const struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT };
	const struct nvt_cpl *cpl = &req->cpl;
	bool live = !req->stale && !cpl->flags;
	char what[96];

	if (cb) {
		cb(ctx, cpl);
	} else if (live && !cpl->status) {
		nvt__aer_describe(cpl->cdw0, what, sizeof(what));
		nvt__warn("unhandled AER: DW0 0x%08x (%s)", cpl->cdw0, what);
	}
	/* A failed AER (e.g. 01/05 limit exceeded) is not sent again. */
	if (live && !cpl->status &&
	    nvt__submit(ctrl, &aer, NULL, NULL, NULL, NVT__REQ_AER, NULL))
		nvt__err("%s: could not send a new AER after one completed", ctrl->info.bdf);
}

/* A Format NVM or Sanitize that succeeded erased data: reset verification. */
static void erased(struct nvt_ctrl *ctrl, const struct nvt_cpl *cpl)
{
	uint8_t opcode = cpl->sqe[0] & 0xff;

	if (cpl->status || cpl->flags)
		return;
	if (opcode == NVT_ADMIN_FORMAT_NVM)
		nvt__ns_erased(ctrl, cpl->sqe[1]);
	else if (opcode == NVT_ADMIN_SANITIZE)
		nvt__ns_erased(ctrl, 0xffffffff);
}

/* Run @req's callback and free it; called with ctrl->lock, which is dropped. */
static void run_done(struct nvt_ctrl *ctrl, struct nvt__req *req)
{
	struct nvt_ctrl *outer = cb_ctrl;
	nvt_cb cb = req->cb;
	void *ctx = req->ctx;

	if (req->kind == NVT__REQ_AER && !cb) {
		cb = ctrl->aer_cb;
		ctx = ctrl->aer_ctx;
	}
	take_done(ctrl, req);
	pthread_mutex_unlock(&ctrl->lock);
	log_cpl(ctrl, req);
	erased(ctrl, &req->cpl);
	cb_ctrl = ctrl;
	if (req->kind == NVT__REQ_AER)
		handle_aer(ctrl, req, cb, ctx);
	else if (cb)
		cb(ctx, &req->cpl);
	cb_ctrl = outer;
	free(req);
	pthread_mutex_lock(&ctrl->lock);
}

/* Whether nvt_ctrl_waitdone() takes @req now (see nvt__admin_init_phase()). */
static bool waitable(const struct nvt_ctrl *ctrl, const struct nvt__req *req)
{
	switch (req->kind) {
	case NVT__REQ_AER:
		return true;
	case NVT__REQ_USER:
		return !ctrl->in_init || req->epoch == ctrl->init_epoch;
	default:
		return false;
	}
}

/* The oldest completed request nvt_ctrl_waitdone() consumes, or NULL. */
static struct nvt__req *first_done(struct nvt_ctrl *ctrl)
{
	struct nvt__list *n;

	for (n = ctrl->done.next; n != &ctrl->done; n = n->next)
		if (waitable(ctrl, req_of(n)))
			return req_of(n);
	return NULL;
}

/* User commands nvt_ctrl_waitdone() can wait for now. */
static unsigned int waitable_count(struct nvt_ctrl *ctrl)
{
	struct nvt__list *lists[] = { &ctrl->pending, &ctrl->done };
	unsigned int i, count = 0;
	struct nvt__list *n;

	if (!ctrl->in_init)
		return ctrl->outstanding;
	for (i = 0; i < NVT_ARRAY_SIZE(lists); i++)
		for (n = lists[i]->next; n != lists[i]; n = n->next)
			count += req_of(n)->kind == NVT__REQ_USER && waitable(ctrl, req_of(n));
	return count;
}

/* The waitdone result so far: timeouts first, then cancels, then statuses. */
static void fold_result(int *acc, int r)
{
	if (!r || *acc == -ETIMEDOUT)
		return;
	if (r == -ETIMEDOUT || (r == -ECANCELED && *acc >= 0) || !*acc)
		*acc = r;
}

int nvt_ctrl_waitdone(struct nvt_ctrl *ctrl, unsigned int n)
{
	unsigned int got = 0;
	bool polled = false;
	int result = 0, ret = 0;
	struct nvt__req *req;

	if (!ctrl) {
		nvt__err("nvt_ctrl_waitdone: ctrl is NULL");
		return -EINVAL;
	}
	if (nvt__in_callback(ctrl)) {
		nvt__err("nvt_ctrl_waitdone: called from a completion callback of %s: refused, the callback would wait for itself (send the next command from the callback, wait outside)",
			 ctrl->info.bdf);
		return -EDEADLK;
	}
	pthread_mutex_lock(&ctrl->lock);
	if (ctrl->waiting) {
		pthread_mutex_unlock(&ctrl->lock);
		nvt__err("nvt_ctrl_waitdone: another thread is waiting for completions of %s",
			 ctrl->info.bdf);
		return -EBUSY;
	}
	if (n > waitable_count(ctrl)) {
		unsigned int out = waitable_count(ctrl);

		pthread_mutex_unlock(&ctrl->lock);
		nvt__err("nvt_ctrl_waitdone(%u): only %u command%s outstanding on %s",
			 n, out, out == 1 ? " is" : "s are", ctrl->info.bdf);
		return -EINVAL;
	}
	ctrl->waiting = true;
	for (;;) {
		if ((!n || got < n) && (req = first_done(ctrl))) {
			bool counts = req->kind == NVT__REQ_USER;
			int r = cpl_result(&req->cpl);

			run_done(ctrl, req);
			if (counts) {
				got++;
				fold_result(&result, r);
			}
			continue;
		}
		if ((n && got >= n) || (!n && polled))
			break;
		if (ctrl->reaping) {
			if (!n)
				break;	/* someone else is collecting: nothing to wait for */
			pthread_cond_wait(&ctrl->cond, &ctrl->lock);
			continue;
		}
		ctrl->reaping = true;
		ret = reap_round(ctrl, n ? REAP_SLICE_MS : 0, false);
		polled = true;
		if (ret)
			break;
	}
	ctrl->waiting = false;
	pthread_mutex_unlock(&ctrl->lock);
	return ret ? ret : result;
}

int nvt__cmd_sync(struct nvt_ctrl *ctrl, const struct nvt_cmd *cmd, struct nvt_buf *buf,
		  struct nvt_cpl *cpl)
{
	struct nvt__req *req;
	int ret;

	if (ctrl && nvt__in_callback(ctrl)) {
		nvt__err("%s: a synchronous command from a completion callback: refused, it would wait for itself",
			 ctrl->info.bdf);
		return -EDEADLK;
	}
	ret = nvt__submit(ctrl, cmd, buf, NULL, NULL, NVT__REQ_SYNC, &req);
	if (ret)
		return ret;
	pthread_mutex_lock(&ctrl->lock);
	for (;;) {
		struct nvt__list *n;

		for (n = ctrl->done.next; n != &ctrl->done && req_of(n) != req; n = n->next)
			;
		if (n != &ctrl->done)
			break;
		if (ctrl->reaping) {
			pthread_cond_wait(&ctrl->cond, &ctrl->lock);
			continue;
		}
		ctrl->reaping = true;
		ret = reap_round(ctrl, REAP_SLICE_MS, false);
		if (ret) {
			/* The request stays listed; freed with the controller. */
			pthread_mutex_unlock(&ctrl->lock);
			return ret;
		}
	}
	take_done(ctrl, req);
	pthread_mutex_unlock(&ctrl->lock);
	log_cpl(ctrl, req);
	if (cpl)
		*cpl = req->cpl;
	ret = cpl_result(&req->cpl);
	free(req);
	return ret;
}

/* ---- settings and what happened last ---- */

/* A field of the controller read under its lock; 0 for a NULL controller. */
#define LOCKED_GET(ctrl, field) ({					\
	__typeof__((ctrl)->field) v_ = 0;				\
	if (ctrl) {							\
		pthread_mutex_lock(&(ctrl)->lock);			\
		v_ = (ctrl)->field;					\
		pthread_mutex_unlock(&(ctrl)->lock);			\
	}								\
	v_;								\
})

unsigned int nvt_ctrl_outstanding(struct nvt_ctrl *ctrl)
{
	return LOCKED_GET(ctrl, outstanding);
}

int nvt_ctrl_set_timeout(struct nvt_ctrl *ctrl, uint32_t timeout_ms)
{
	if (!ctrl) {
		nvt__err("nvt_ctrl_set_timeout: ctrl is NULL");
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	ctrl->timeout_ms = timeout_ms;
	pthread_mutex_unlock(&ctrl->lock);
	return 0;
}

uint32_t nvt_ctrl_get_timeout(struct nvt_ctrl *ctrl)
{
	return LOCKED_GET(ctrl, timeout_ms);
}

int nvt_ctrl_set_aer_cb(struct nvt_ctrl *ctrl, nvt_cb cb, void *ctx)
{
	if (!ctrl) {
		nvt__err("nvt_ctrl_set_aer_cb: ctrl is NULL");
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	ctrl->aer_cb = cb;
	ctrl->aer_ctx = ctx;
	pthread_mutex_unlock(&ctrl->lock);
	return 0;
}

uint16_t nvt_ctrl_latest_cid(struct nvt_ctrl *ctrl)
{
	return LOCKED_GET(ctrl, latest_cid);
}

uint64_t nvt_ctrl_latest_latency(struct nvt_ctrl *ctrl)
{
	return LOCKED_GET(ctrl, latest_latency);
}

uint32_t nvt_ctrl_latest_cdw0(struct nvt_ctrl *ctrl)
{
	return LOCKED_GET(ctrl, latest_cdw0);
}
