// SPDX-License-Identifier: MIT
/*
 * Controller bring-up (NVMe 1.4 section 7.6.1), reset and shutdown
 * (section 7.6.2), in steps a custom init sequence can reuse.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* The mask of a register field given as its "hi, lo" range (spec.h). */
#define MASK(range)		MASK_(range)
#define MASK_(hi, lo)		((uint32_t)NVT_GENMASK(hi, lo))

/* CAP.TO in milliseconds (section 3.1.1: 500 ms units; 0 read as 1). */
static uint64_t cap_timeout_ms(const struct nvt_ctrl *ctrl)
{
	uint64_t to = NVT_BITS_GET(ctrl->cap, NVT_CAP_TO);

	return (to ? to : 1) * 500;
}

/*
 * Poll CSTS until (CSTS & @mask) == @want, for at most @timeout_ms.
 * CSTS.CFS ends the wait with -EIO when @cfs_fails. Logs a timeout as
 * "@fn: @what".
 */
static int wait_csts(struct nvt_ctrl *ctrl, const char *fn, const char *what, uint32_t mask,
		     uint32_t want, uint64_t timeout_ms, bool cfs_fails)
{
	int64_t deadline = nvt__now_ms() + timeout_ms;
	struct timespec tick = { .tv_nsec = 1000000 };
	uint32_t csts;
	int ret;

	for (;;) {
		ret = nvt_ctrl_reg_read32(ctrl, NVT_REG_CSTS, &csts);
		if (ret)
			return ret;
		if (csts == 0xffffffff) {
			nvt__err("%s: %s: CSTS reads all ones: the device is gone", fn,
				 ctrl->info.bdf);
			return -ENODEV;
		}
		if ((csts & mask) == want)
			return 0;
		if (cfs_fails && NVT_BITS_GET(csts, NVT_CSTS_CFS)) {
			nvt__err("%s: %s: the controller reports a fatal error (CSTS.CFS = 1, CSTS 0x%08x)",
				 fn, ctrl->info.bdf, csts);
			return -EIO;
		}
		if (nvt__now_ms() > deadline) {
			nvt__err("%s: %s: %s not within %llu ms (CSTS 0x%08x)", fn, ctrl->info.bdf,
				 what, (unsigned long long)timeout_ms, csts);
			return -ETIMEDOUT;
		}
		nanosleep(&tick, NULL);
	}
}

void nvt__ctrl_forget_queues(struct nvt_ctrl *ctrl)
{
	/* IO queues die with a reset: make every qpair see it. */
	__atomic_add_fetch(&ctrl->generation, 1, __ATOMIC_ACQ_REL);
	nvt__io_reset(ctrl);
	pthread_mutex_lock(&ctrl->lock);
	ctrl->queues_known = false;
	pthread_mutex_unlock(&ctrl->lock);
}

int nvt_ctrl_disable(struct nvt_ctrl *ctrl)
{
	uint32_t cc;
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_disable: ctrl is NULL");
		return -EINVAL;
	}
	ret = nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc);
	if (ret)
		return ret;
	/* Section 3.1.5: EN 1 -> 0 resets the controller; SHN goes too. */
	if (cc & MASK(NVT_CC_EN) || NVT_BITS_GET(cc, NVT_CC_SHN)) {
		cc &= ~(MASK(NVT_CC_EN) | MASK(NVT_CC_SHN));
		ret = nvt_ctrl_reg_write32(ctrl, NVT_REG_CC, cc);
		if (ret)
			return ret;
	}
	nvt__ctrl_forget_queues(ctrl);
	return wait_csts(ctrl, __func__, "CSTS.RDY = 0", MASK(NVT_CSTS_RDY), 0,
			 cap_timeout_ms(ctrl), false);
}

int nvt_ctrl_init_adminq(struct nvt_ctrl *ctrl)
{
	struct nvt_ioctl_setup_admin sa = { 0 };
	int err;

	if (!ctrl) {
		nvt__err("nvt_ctrl_init_adminq: ctrl is NULL");
		return -EINVAL;
	}
	if (!(ctrl->info.features & NVT_FEATURE_ADMIN)) {
		nvt__err("nvt_ctrl_init_adminq: this nvmetest.ko has no admin queue support");
		return -EOPNOTSUPP;
	}
	sa.sq_depth = ctrl->opts.sq_depth;
	sa.cq_depth = ctrl->opts.cq_depth;
	if (ioctl(ctrl->fd, NVT_IOCTL_SETUP_ADMIN, &sa)) {
		err = errno;
		nvt__err("nvt_ctrl_init_adminq: %s: %s", ctrl->info.bdf,
			 err == EBUSY ? "the controller is enabled (CC.EN or CSTS.RDY is 1): disable it first" :
			 err == EIO ? "no interrupt vector for the admin queue" : strerror(err));
		return -err;
	}
	__atomic_add_fetch(&ctrl->generation, 1, __ATOMIC_ACQ_REL);
	nvt__io_reset(ctrl);
	nvt__admin_queue_reset(ctrl);
	return 0;
}

/* log2 of the host page size, as CC.MPS wants it (2 ^ (12 + MPS)). */
static unsigned int host_mps(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int shift = 12;

	while (page > 0 && (1L << shift) < page && shift < 27)
		shift++;
	return shift - 12;
}

int nvt_ctrl_enable(struct nvt_ctrl *ctrl)
{
	unsigned int mps, mpsmin, mpsmax;
	uint32_t cc;
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_enable: ctrl is NULL");
		return -EINVAL;
	}
	ret = nvt_ctrl_cap(ctrl, &ctrl->cap);
	if (ret)
		return ret;
	mpsmin = NVT_BITS_GET(ctrl->cap, NVT_CAP_MPSMIN);
	mpsmax = NVT_BITS_GET(ctrl->cap, NVT_CAP_MPSMAX);
	mps = host_mps();
	if (mps < mpsmin)
		mps = mpsmin;
	if (mps > mpsmax)
		mps = mpsmax;
	cc = (uint32_t)(NVT_BITS_PREP(6, NVT_CC_IOSQES) | NVT_BITS_PREP(4, NVT_CC_IOCQES) |
			NVT_BITS_PREP(mps, NVT_CC_MPS) |
			NVT_BITS_PREP(NVT_CC_CSS_NVM, NVT_CC_CSS) |
			NVT_BITS_PREP(NVT_CC_AMS_RR, NVT_CC_AMS) | NVT_BITS_PREP(1, NVT_CC_EN));
	ret = nvt_ctrl_reg_write32(ctrl, NVT_REG_CC, cc);
	if (ret)
		return ret;
	return wait_csts(ctrl, __func__, "CSTS.RDY = 1", MASK(NVT_CSTS_RDY),
			 MASK(NVT_CSTS_RDY), cap_timeout_ms(ctrl), true);
}

#define ID_AERL		259	/* Asynchronous Event Request Limit, 0's based */
#define ID_LPA		261	/* Log Page Attributes: bit 1 effects log */
#define ID_RTD3E	88	/* RTD3 Entry Latency, 4 bytes, microseconds */

int nvt_ctrl_identify_init(struct nvt_ctrl *ctrl)
{
	struct nvt_buf *buf;
	struct nvt_cmd cmd;
	const uint8_t *data;
	unsigned int i;
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_identify_init: ctrl is NULL");
		return -EINVAL;
	}
	ret = nvt_buf_alloc(ctrl, 4096, &buf);
	if (ret)
		return ret;
	nvt_buf_set_name(buf, "identify_init");
	data = nvt_buf_data(buf);
	nvt__identify_cmd(&cmd, 0, NVT_CNS_CTRL, 0, 0);
	ret = nvt__cmd_sync(ctrl, &cmd, buf, NULL);
	if (ret) {
		nvt__err("nvt_ctrl_identify_init: %s: Identify Controller failed", ctrl->info.bdf);
		goto out;
	}
	pthread_mutex_lock(&ctrl->lock);
	memcpy(ctrl->id, data, sizeof(ctrl->id));
	ctrl->identified = true;
	ctrl->have_effects = false;
	pthread_mutex_unlock(&ctrl->lock);

	if (!(data[ID_LPA] & 0x2))
		goto out;
	memset(nvt_buf_data(buf), 0, 4096);
	nvt__getlogpage_cmd(__func__, &cmd, NVT_LID_CMD_EFFECTS, 4096, 0, 0, 0, 0);
	if (nvt__cmd_sync(ctrl, &cmd, buf, NULL)) {
		nvt__warn("%s: the Commands Supported and Effects log could not be read: nvt_ctrl_supports() goes by the Identify data",
			  ctrl->info.bdf);
		goto out;
	}
	pthread_mutex_lock(&ctrl->lock);
	for (i = 0; i < NVT_ARRAY_SIZE(ctrl->effects); i++)
		ctrl->effects[i] = (uint32_t)data[4 * i] | (uint32_t)data[4 * i + 1] << 8 |
				   (uint32_t)data[4 * i + 2] << 16 |
				   (uint32_t)data[4 * i + 3] << 24;
	ctrl->have_effects = true;
	pthread_mutex_unlock(&ctrl->lock);
out:
	nvt_buf_free(buf);
	return ret;
}

int nvt_ctrl_init_queues(struct nvt_ctrl *ctrl, uint32_t nsq, uint32_t ncq)
{
	struct nvt_cmd cmd;
	struct nvt_cpl cpl;
	int ret;

	if (!ctrl || nsq > 65535 || ncq > 65535) {
		nvt__err("nvt_ctrl_init_queues: %s", ctrl ? "at most 65535 queues of each kind" :
			 "ctrl is NULL");
		return -EINVAL;
	}
	nsq = nsq ? nsq : 65535;
	ncq = ncq ? ncq : 65535;
	/* Section 5.21.1.7: NSQR bits 15:0, NCQR bits 31:16, 0's based. */
	nvt__features_cmd(__func__, &cmd, NVT_ADMIN_SET_FEATURES, NVT_FID_NUM_QUEUES, 0, 0,
			  (ncq - 1) << 16 | (nsq - 1), 0, 0, 0, 0);
	ret = nvt__cmd_sync(ctrl, &cmd, NULL, &cpl);
	if (ret == NVT_STATUS_CMD_SEQ_ERROR) {
		/*
		 * Queues were created since the last reset (maybe by another
		 * process): the count is fixed now (section 5.21.1.7), so read
		 * what was granted instead.
		 */
		nvt__features_cmd(__func__, &cmd, NVT_ADMIN_GET_FEATURES, NVT_FID_NUM_QUEUES, 0, 0,
				  0, 0, 0, 0, 0);
		ret = nvt__cmd_sync(ctrl, &cmd, NULL, &cpl);
	}
	if (ret) {
		nvt__err("nvt_ctrl_init_queues: %s: Set Features Number of Queues failed",
			 ctrl->info.bdf);
		return ret;
	}
	pthread_mutex_lock(&ctrl->lock);
	ctrl->nsqa = (cpl.cdw0 & 0xffff) + 1;
	ctrl->ncqa = (cpl.cdw0 >> 16) + 1;
	ctrl->queues_known = true;
	pthread_mutex_unlock(&ctrl->lock);
	return 0;
}

int nvt_ctrl_queues_granted(struct nvt_ctrl *ctrl, uint32_t *nsq, uint32_t *ncq)
{
	int ret = 0;

	if (!ctrl) {
		nvt__err("nvt_ctrl_queues_granted: ctrl is NULL");
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	if (!ctrl->queues_known) {
		ret = -ENODATA;
	} else {
		if (nsq)
			*nsq = ctrl->nsqa;
		if (ncq)
			*ncq = ctrl->ncqa;
	}
	pthread_mutex_unlock(&ctrl->lock);
	if (ret)
		nvt__err("nvt_ctrl_queues_granted: %s: Number of Queues not set since the last reset",
			 ctrl->info.bdf);
	return ret;
}

int nvt_ctrl_aer_arm(struct nvt_ctrl *ctrl)
{
	unsigned int want, have;
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_aer_arm: ctrl is NULL");
		return -EINVAL;
	}
	pthread_mutex_lock(&ctrl->lock);
	want = (ctrl->identified ? ctrl->id[ID_AERL] : 3) + 1;
	have = ctrl->aers;
	pthread_mutex_unlock(&ctrl->lock);
	for (; have < want; have++) {
		ret = nvt_ctrl_aer(ctrl, NULL, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

int nvt_ctrl_init_default(struct nvt_ctrl *ctrl, void *ctx)
{
	int ret;

	(void)ctx;
	ret = nvt_ctrl_disable(ctrl);
	if (!ret)
		ret = nvt_ctrl_init_adminq(ctrl);
	if (!ret)
		ret = nvt_ctrl_enable(ctrl);
	if (!ret)
		ret = nvt_ctrl_identify_init(ctrl);
	if (!ret)
		ret = nvt_ctrl_init_queues(ctrl, 0, 0);
	if (!ret)
		ret = nvt_ctrl_aer_arm(ctrl);
	return ret;
}

int nvt__ctrl_run_init(struct nvt_ctrl *ctrl)
{
	int ret;

	nvt__admin_init_phase(ctrl, true);
	if (ctrl->opts.init && !(ctrl->opts.flags & NVT_CTRL_OPEN_NO_INIT))
		ret = ctrl->opts.init(ctrl, ctrl->opts.init_ctx);
	else
		ret = nvt_ctrl_init_default(ctrl, NULL);
	nvt__admin_init_phase(ctrl, false);
	if (ret)
		nvt__err("%s: controller initialisation failed: %s", ctrl->info.bdf,
			 ret > 0 ? nvt_status_name((uint16_t)ret) : strerror(-ret));
	return ret;
}

int nvt_ctrl_reset(struct nvt_ctrl *ctrl)
{
	int ret;

	if (!ctrl) {
		nvt__err("nvt_ctrl_reset: ctrl is NULL");
		return -EINVAL;
	}
	if (nvt__in_callback(ctrl)) {
		nvt__err("nvt_ctrl_reset: called from a completion callback of %s: refused",
			 ctrl->info.bdf);
		return -EDEADLK;
	}
	ret = nvt_ctrl_disable(ctrl);
	if (ret)
		return ret;
	return nvt__ctrl_run_init(ctrl);
}

int nvt_ctrl_shutdown(struct nvt_ctrl *ctrl, int abrupt)
{
	uint64_t timeout, rtd3e = 0;
	uint32_t cc;
	int ret;

	if (!ctrl || (abrupt != 0 && abrupt != 1)) {
		nvt__err("nvt_ctrl_shutdown: %s", ctrl ? "abrupt must be 0 or 1" : "ctrl is NULL");
		return -EINVAL;
	}
	ret = nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc);
	if (ret)
		return ret;
	cc &= ~MASK(NVT_CC_SHN);
	cc |= (uint32_t)NVT_BITS_PREP(abrupt ? NVT_CC_SHN_ABRUPT : NVT_CC_SHN_NORMAL, NVT_CC_SHN);
	ret = nvt_ctrl_reg_write32(ctrl, NVT_REG_CC, cc);
	if (ret)
		return ret;
	timeout = cap_timeout_ms(ctrl);
	pthread_mutex_lock(&ctrl->lock);
	if (ctrl->identified)
		nvt_le_field(ctrl->id, sizeof(ctrl->id), ID_RTD3E, ID_RTD3E + 3, &rtd3e);
	pthread_mutex_unlock(&ctrl->lock);
	if (rtd3e / 1000 > timeout)
		timeout = rtd3e / 1000;
	/* Section 7.6.2: SHST 10b, shutdown processing complete. */
	return wait_csts(ctrl, __func__, "CSTS.SHST = 10b (shutdown complete)",
			 MASK(NVT_CSTS_SHST),
			 (uint32_t)NVT_BITS_PREP(NVT_CSTS_SHST_COMPLETE, NVT_CSTS_SHST), timeout,
			 false);
}
