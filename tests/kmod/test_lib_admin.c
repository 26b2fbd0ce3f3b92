// SPDX-License-Identifier: MIT
/*
 * libnvmetest's admin path against QEMU's emulated controller in the test
 * VM (tests/vm/run): bring-up, every admin command with its real status,
 * callbacks, timeouts, resets, shutdown, buffers, cmdlog and events.
 *
 * The controller under test is $NVT_DEV (default /dev/nvmetest0): QEMU's
 * nvme0, serial NVT00000000, max_ioqpairs 16, MDTS 5, namespace 1 of 1 GiB
 * in 512-byte LBAs, namespace 2 of 256 MiB in 4096-byte LBAs (format
 * tests erase namespace 2). Facts about QEMU 7.2: shared/qemu-nvme.md (beside the repository).
 *
 * Exit: 0 pass, 1 fail, 77 skip (no device, or a module without admin
 * commands).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nvmetest/nvmetest.h>

#include "lib_test.h"


/* QEMU's nvme0 in tests/vm/run */
#define QEMU_SERIAL	"NVT00000000"
#define QEMU_MODEL	"QEMU NVMe Ctrl"
#define QEMU_IOQPAIRS	16
#define QEMU_MDTS_BYTES	(128 * 1024)	/* mdts=5, 4 KiB pages */
#define NS1_LBAS	(1ULL << 30) / 512
#define NS2_LBAS	(256ULL << 20) / 4096
#define QEMU_TEMP_K	323		/* composite temperature */

/* Statuses (SCT << 8 | SC) */
#define ST_INVALID_OPCODE	0x001
#define ST_INVALID_FIELD	0x002
#define ST_INVALID_NS		0x00b
#define ST_CTRL_LIST_INVALID	0x11c

/* ---- fixtures ---- */

static struct nvt_ctrl *ctrl;
static struct nvt_buf *buf;

static void setup(void)
{
	log_clear();
	nvt_set_log(on_log, NULL);
	nvt_set_log_level(NVT_LOG_DEBUG);
	ck_assert_int_eq(nvt_ctrl_open(dev_path(), &ctrl), 0);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 4096, &buf), 0);
}

static void teardown(void)
{
	nvt_buf_free(buf);
	buf = NULL;
	nvt_ctrl_close(ctrl);
	ctrl = NULL;
}

/* Records each completion a callback saw. */
struct seen {
	unsigned int n;
	struct nvt_cpl cpl[16];
	int waitdone_ret;	/* what waitdone() inside the callback returned */
	int tag[16];
};

struct seen_arg {
	struct seen *s;
	int tag;
};

static void record(void *ctx, const struct nvt_cpl *cpl)
{
	struct seen_arg *a = ctx;

	if (a->s->n < 16) {
		a->s->tag[a->s->n] = a->tag;
		a->s->cpl[a->s->n] = *cpl;
	}
	a->s->n++;
}

static int run_identify(struct nvt_ctrl *c, struct nvt_buf *b, uint32_t nsid, uint8_t cns)
{
	int ret = nvt_ctrl_identify(c, b, nsid, cns, 0, 0, NULL, NULL);

	return ret ? ret : nvt_ctrl_waitdone(c, 1);
}

/* Send @cmd alone, wait, return waitdone()'s value and the completion. */
static int run_cmd(const struct nvt_cmd *cmd, struct nvt_buf *b, struct nvt_cpl *cpl)
{
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };
	int ret;

	ret = nvt_ctrl_send_cmd(ctrl, cmd, b, record, &a);
	if (ret)
		return ret;
	ret = nvt_ctrl_waitdone(ctrl, 1);
	ck_assert_uint_eq(s.n, 1);
	if (cpl)
		*cpl = s.cpl[0];
	return ret;
}

/* ---- bring-up ---- */

START_TEST(test_default_init_identifies_the_controller)
{
	char sn[32], mn[48];
	uint64_t ver, nn, bytes, cap;
	uint32_t vs, cc, csts, nsq, ncq;

	ck_assert_int_eq(nvt_ctrl_id_str(ctrl, 23, 4, sn, sizeof(sn)), 0);
	ck_assert_str_eq(sn, QEMU_SERIAL);
	ck_assert_int_eq(nvt_ctrl_id_str(ctrl, 63, 24, mn, sizeof(mn)), 0);
	ck_assert_str_eq(mn, QEMU_MODEL);
	ck_assert_int_eq(nvt_ctrl_id_data(ctrl, 83, 80, &ver), 0);
	ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_VS, &vs), 0);
	ck_assert_uint_eq(ver, vs);
	ck_assert_uint_eq(vs, NVT_VS(1, 4, 0));
	ck_assert_int_eq(nvt_ctrl_id_data(ctrl, 519, 516, &nn), 0);
	ck_assert_uint_eq(nn, 256);

	/* CC as nvt_ctrl_enable() wrote it, and the controller ready. */
	ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc), 0);
	ck_assert_uint_eq(NVT_BITS_GET(cc, NVT_CC_EN), 1);
	ck_assert_uint_eq(NVT_BITS_GET(cc, NVT_CC_IOSQES), 6);
	ck_assert_uint_eq(NVT_BITS_GET(cc, NVT_CC_IOCQES), 4);
	ck_assert_uint_eq(NVT_BITS_GET(cc, NVT_CC_MPS), 0);
	ck_assert_uint_eq(NVT_BITS_GET(cc, NVT_CC_SHN), 0);
	ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_CSTS, &csts), 0);
	ck_assert_uint_eq(NVT_BITS_GET(csts, NVT_CSTS_RDY), 1);

	ck_assert_int_eq(nvt_ctrl_queues_granted(ctrl, &nsq, &ncq), 0);
	ck_assert_uint_eq(nsq, QEMU_IOQPAIRS);
	ck_assert_uint_eq(ncq, QEMU_IOQPAIRS);
	ck_assert_int_eq(nvt_ctrl_mdts(ctrl, &bytes), 0);
	ck_assert_uint_eq(bytes, QEMU_MDTS_BYTES);
	ck_assert_int_eq(nvt_ctrl_cap(ctrl, &cap), 0);
	ck_assert_uint_eq(NVT_BITS_GET(cap, NVT_CAP_TO), 15);	/* 7.5 s */
	ck_assert_str_eq(nvt_ctrl_cmdname(ctrl, 0x06), "Identify");
	ck_assert_uint_eq(nvt_ctrl_get_timeout(ctrl), 10000);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);	/* AERs not counted */
}
END_TEST

START_TEST(test_identify_namespaces_match_the_vm)
{
	uint64_t nsze, flbas;

	ck_assert_int_eq(run_identify(ctrl, buf, 1, NVT_CNS_NS), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 7, 0, &nsze), 0);
	ck_assert_uint_eq(nsze, NS1_LBAS);
	ck_assert_int_eq(run_identify(ctrl, buf, 2, NVT_CNS_NS), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 7, 0, &nsze), 0);
	ck_assert_uint_eq(nsze, NS2_LBAS);
	ck_assert_int_eq(nvt_buf_field(buf, 26, 26, &flbas), 0);
	/* LBA format of namespace 2: LBADS 12 (4096 bytes), bits 23:16 */
	ck_assert_int_eq(nvt_buf_field(buf, 128 + 4 * (flbas & 0xf) + 2,
				       128 + 4 * (flbas & 0xf) + 2, &nsze), 0);
	ck_assert_uint_eq(nsze, 12);
	/* the active namespace list: 1, 2, then 0 */
	ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_NS_ACTIVE_LIST), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 3, 0, &nsze), 0);
	ck_assert_uint_eq(nsze, 1);
	ck_assert_int_eq(nvt_buf_field(buf, 7, 4, &nsze), 0);
	ck_assert_uint_eq(nsze, 2);
	ck_assert_int_eq(nvt_buf_field(buf, 11, 8, &nsze), 0);
	ck_assert_uint_eq(nsze, 0);
}
END_TEST

struct hook {
	int calls;
	int fail_with;
};

/* pynvme's nvme_init done by hand, with 4 queue pairs and no AERs. */
static int my_init(struct nvt_ctrl *c, void *ctx)
{
	struct hook *h = ctx;
	struct nvt_buf *b;
	int ret;

	h->calls++;
	if (h->fail_with)
		return h->fail_with;
	ret = nvt_ctrl_disable(c);
	if (!ret)
		ret = nvt_ctrl_init_adminq(c);
	if (!ret)
		ret = nvt_ctrl_enable(c);
	if (ret)
		return ret;
	/* An Identify of our own, waited for like any command... */
	ret = nvt_buf_alloc(c, 4096, &b);
	if (ret)
		return ret;
	ret = nvt_ctrl_identify(c, b, 0, NVT_CNS_CTRL, 0, 0, NULL, NULL);
	if (!ret)
		ret = nvt_ctrl_waitdone(c, 1);
	nvt_buf_free(b);
	/* ...then the library's, which caches the data. */
	if (!ret)
		ret = nvt_ctrl_identify_init(c);
	if (!ret)
		ret = nvt_ctrl_init_queues(c, 4, 4);
	return ret;
}

START_TEST(test_custom_init_hook_runs_at_open_and_reset)
{
	struct hook h = { 0 };
	struct nvt_ctrl_opts o = { .init = my_init, .init_ctx = &h, .timeout_ms = 5000 };
	struct nvt_ctrl *c;
	uint32_t nsq = 0, ncq = 0;
	char sn[32];

	log_clear();
	nvt_set_log(on_log, NULL);
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), 0);
	ck_assert_int_eq(h.calls, 1);
	/* QEMU grants max_ioqpairs whatever is asked (4 here, cdw11 0x30003). */
	ck_assert_int_eq(nvt_ctrl_queues_granted(c, &nsq, &ncq), 0);
	ck_assert_uint_eq(nsq, QEMU_IOQPAIRS);
	ck_assert_uint_eq(ncq, QEMU_IOQPAIRS);
	{
		struct nvt_cmdlog_entry e;
		unsigned int n;

		ck_assert_int_eq(nvt_ctrl_cmdlog(c, 1, &e, &n), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_uint_eq(e.sqe[0] & 0xff, NVT_ADMIN_SET_FEATURES);
		ck_assert_uint_eq(e.sqe[10], NVT_FID_NUM_QUEUES);
		ck_assert_uint_eq(e.sqe[11], 0x00030003);
	}
	ck_assert_uint_eq(nvt_ctrl_get_timeout(c), 5000);
	ck_assert_int_eq(nvt_ctrl_id_str(c, 23, 4, sn, sizeof(sn)), 0);
	ck_assert_str_eq(sn, QEMU_SERIAL);
	ck_assert_int_eq(nvt_ctrl_reset(c), 0);
	ck_assert_int_eq(h.calls, 2);
	nvt_ctrl_close(c);

	/* A failing hook fails the open, with its value. */
	h.fail_with = -EIO;
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), -EIO);
	ck_assert_ptr_null(c);
	ck_assert(logged(NVT_LOG_ERR, "initialisation failed"));
}
END_TEST

START_TEST(test_no_init_leaves_the_controller_alone)
{
	struct nvt_ctrl_opts o = { .flags = NVT_CTRL_OPEN_NO_INIT };
	struct nvt_ctrl *c;
	uint32_t cc0, cc1;
	uint64_t v;

	ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_CC, &cc0), 0);
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), 0);
	ck_assert_int_eq(nvt_ctrl_reg_read32(c, NVT_REG_CC, &cc1), 0);
	ck_assert_uint_eq(cc0, cc1);
	ck_assert_int_eq(nvt_ctrl_id_data(c, 1, 0, &v), -ENODATA);
	ck_assert_int_eq(nvt_ctrl_supports(c, 6), -ENODATA);
	/* ...until a reset, which runs the default init. */
	ck_assert_int_eq(nvt_ctrl_reset(c), 0);
	ck_assert_int_eq(nvt_ctrl_id_data(c, 1, 0, &v), 0);
	ck_assert_uint_eq(v, 0x1b36);
	nvt_ctrl_close(c);

	o.flags = 0x80;
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), -EINVAL);
	o.flags = 0;
	o.sq_depth = 1;
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), -EINVAL);
}
END_TEST

START_TEST(test_small_admin_queue_fills_up)
{
	struct nvt_ctrl_opts o = { .sq_depth = 4, .cq_depth = 4 };
	struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT };
	struct hook h = { 0 };
	struct nvt_ctrl *c;
	int i;

	/* No library AERs: 3 CIDs (depth - 1), all taken by AERs that hang. */
	o.init = my_init;
	o.init_ctx = &h;
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(nvt_ctrl_send_cmd(c, &aer, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_send_cmd(c, &aer, NULL, NULL, NULL), -EBUSY);
	ck_assert(logged(NVT_LOG_ERR, "admin queue is full"));
	ck_assert_uint_eq(nvt_ctrl_outstanding(c), 3);
	/* A reset cancels them all. */
	ck_assert_int_eq(nvt_ctrl_reset(c), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(c, 3), -ECANCELED);
	nvt_ctrl_close(c);
}
END_TEST

/* ---- features and logs ---- */

START_TEST(test_features_set_and_read_back)
{
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };
	uint32_t orig;

	/* Temperature threshold (04h): over-temperature of the composite sensor. */
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_TEMP_THRESH, NVT_SEL_CURRENT, 0, 0, 0,
					      0, 0, 0, NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	orig = s.cpl[0].cdw0 & 0xffff;
	ck_assert_uint_eq(nvt_ctrl_latest_cdw0(ctrl), s.cpl[0].cdw0);
	ck_assert_uint_gt(orig, QEMU_TEMP_K);
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, 350, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.cpl[1].cdw0 & 0xffff, 350);
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, orig, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);

	/* Number of queues (07h): what init was granted, 0's based. */
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_NUM_QUEUES, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.cpl[2].cdw0, (QEMU_IOQPAIRS - 1) << 16 | (QEMU_IOQPAIRS - 1));

	/* Volatile write cache (06h): off, then on again. */
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_VOLATILE_WC, 0, 0, 0, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_VOLATILE_WC, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), 0);
	ck_assert_uint_eq(s.cpl[3].cdw0 & 1, 0);
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_VOLATILE_WC, 0, 0, 1, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_VOLATILE_WC, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), 0);
	ck_assert_uint_eq(s.cpl[4].cdw0 & 1, 1);

	/* Saving is never supported by QEMU: 01/0D Feature Identifier Not Saveable. */
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_VOLATILE_WC, 1, 0, 1, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0x10d);
	/* Bad arguments never reach the device. */
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, 4, 8, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, 4, 2, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_log_pages_smart_error_effects)
{
	uint64_t v;

	/* SMART / health (02h), controller-wide. */
	nvt_buf_fill(buf, NVT_PATTERN_BIT, 1);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, NVT_LID_SMART, buf, 512, 0, 0xffffffff, 0, 0,
					     NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 2, 1, &v), 0);
	ck_assert_uint_eq(v, QEMU_TEMP_K);
	ck_assert_int_eq(nvt_buf_field(buf, 0, 0, &v), 0);
	ck_assert_uint_eq(v, 0);	/* no critical warning */
	ck_assert_int_eq(nvt_buf_field(buf, 512, 512, &v), 0);
	ck_assert_uint_eq(v, 0xff);	/* 512 bytes asked: the rest untouched */

	/* Error information (01h): always empty on QEMU. */
	nvt_buf_fill(buf, NVT_PATTERN_BIT, 1);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, NVT_LID_ERROR, buf, 64, 0, 0, 0, 0, NULL,
					     NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 7, 0, &v), 0);
	ck_assert_uint_eq(v, 0);

	/* Commands supported and effects (05h); size 0 means the whole buffer. */
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, NVT_LID_CMD_EFFECTS, buf, 0, 0, 0, 0, 0, NULL,
					     NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 4 * 6 + 3, 4 * 6, &v), 0);
	ck_assert_uint_eq(v & 1, 1);		/* Identify: CSUPP */
	ck_assert_int_eq(nvt_buf_field(buf, 4 * 0x84 + 3, 4 * 0x84, &v), 0);
	ck_assert_uint_eq(v & 1, 0);		/* Sanitize: absent */

	/* An offset into the log page (LPOL): SMART from byte 4, temperature gone. */
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, NVT_LID_SMART, buf, 4, 0, 0xffffffff, 0, 0,
					     NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);

	/* Invalid field: QEMU answers any other log page with 00/02. */
	log_clear();
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 0x7f, buf, 512, 0, 0, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), ST_INVALID_FIELD);
	ck_assert(logged(NVT_LOG_WARN, "ERROR status: 00/02 Invalid Field in Command"));

	/* Sizes and offsets that are not dwords never reach the device. */
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 2, buf, 6, 0, 0, 0, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 2, buf, 8, 2, 0, 0, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 2, buf, 8192, 0, 0, 0, 0, NULL, NULL),
			 -ERANGE);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 2, NULL, 8, 0, 0, 0, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, 2, buf, 8, 0, 0, 16, 0, NULL, NULL), -EINVAL);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);
}
END_TEST

START_TEST(test_supports_follows_the_effects_log)
{
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_IDENTIFY), 1);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_GET_LOG_PAGE), 1);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_FORMAT_NVM), 1);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_SANITIZE), 0);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_FW_DOWNLOAD), 0);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, NVT_ADMIN_SECURITY_SEND), 0);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, 0x03), 0);
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, 256 + 0x01), 1);	/* Write */
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, 256 + 0x02), 1);	/* Read */
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, 256 + 0x04), 0);	/* Write Uncorrectable */
	ck_assert_int_eq(nvt_ctrl_supports(ctrl, 512), -EINVAL);
}
END_TEST

/* ---- statuses of every command on QEMU ---- */

START_TEST(test_invalid_opcode_and_namespace)
{
	struct nvt_cmd cmd = { .opcode = 0x03 };
	struct nvt_cpl cpl;

	log_clear();
	ck_assert_int_eq(run_cmd(&cmd, NULL, &cpl), ST_INVALID_OPCODE);
	ck_assert_uint_eq(cpl.status, ST_INVALID_OPCODE);
	ck_assert_uint_eq(NVT_CQE_DNR(cpl.cqe[3]), 1);
	ck_assert_uint_eq(NVT_CQE_CID(cpl.cqe[3]), cpl.cid);
	ck_assert_uint_eq(cpl.sqe[0], 0x03u | (uint32_t)cpl.cid << 16);
	ck_assert_uint_eq(cpl.qid, 0);
	ck_assert_uint_eq(cpl.flags, 0);
	ck_assert_uint_eq(nvt_ctrl_latest_cid(ctrl), cpl.cid);
	ck_assert(logged(NVT_LOG_WARN, "ERROR status: 00/01 Invalid Command Opcode"));

	/* Identify Namespace: NSID above NN (256) is invalid. */
	ck_assert_int_eq(run_identify(ctrl, buf, 0x1000, NVT_CNS_NS), ST_INVALID_NS);
	ck_assert(logged(NVT_LOG_WARN, "ERROR status: 00/0b Invalid Namespace or Format"));
	/* An absent NSID within NN: QEMU returns an all-zero structure. */
	nvt_buf_fill(buf, NVT_PATTERN_BIT, 1);
	ck_assert_int_eq(run_identify(ctrl, buf, 0x10, NVT_CNS_NS), 0);
	{
		uint64_t v;

		ck_assert_int_eq(nvt_buf_field(buf, 7, 0, &v), 0);
		ck_assert_uint_eq(v, 0);
	}
}
END_TEST

START_TEST(test_format_namespace_2)
{
	uint64_t flbas, nsze;
	struct nvt_buf *b;

	ck_assert_int_eq(run_identify(ctrl, buf, 2, NVT_CNS_NS), 0);
	ck_assert_int_eq(nvt_buf_field(buf, 26, 26, &flbas), 0);
	ck_assert_int_eq(nvt_ctrl_format(ctrl, 2, flbas & 0xf, 0, 0, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	/* Secure erase settings are accepted and ignored. */
	ck_assert_int_eq(nvt_ctrl_format(ctrl, 2, flbas & 0xf, 1, 0, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 4096, &b), 0);
	ck_assert_int_eq(run_identify(ctrl, b, 2, NVT_CNS_NS), 0);
	ck_assert_int_eq(nvt_buf_field(b, 26, 26, &nsze), 0);
	ck_assert_uint_eq(nsze, flbas);
	ck_assert_int_eq(nvt_buf_field(b, 7, 0, &nsze), 0);
	ck_assert_uint_eq(nsze, NS2_LBAS);
	nvt_buf_free(b);
	/* An LBA format that does not exist (QEMU lists 8). */
	ck_assert_int_eq(nvt_ctrl_format(ctrl, 2, 15, 0, 0, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0x10a);	/* Invalid Format */
	ck_assert_int_eq(nvt_ctrl_format(ctrl, 2, 64, 0, 0, 0, 0, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_absent_commands_give_invalid_opcode)
{
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };
	unsigned int i;

	log_clear();
	ck_assert_int_eq(nvt_ctrl_sanitize(ctrl, 2, 0, 0, 0, 0, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_dst(ctrl, 1, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_fw_download(ctrl, buf, 0, 4096, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_fw_commit(ctrl, 1, 1, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_security_send(ctrl, buf, 1, 0, 0, 512, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_security_receive(ctrl, buf, 1, 0, 0, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_ns_mgmt(ctrl, NVT_NS_MGMT_CREATE, buf, 0, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_directive_send(ctrl, 1, 1, 0, 0, NULL, 0, 0, 0, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_directive_receive(ctrl, 1, 1, 0, 0, buf, 4096, 0, 0, record,
						    &a), 0);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 9);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 9), ST_INVALID_OPCODE);
	ck_assert_uint_eq(s.n, 9);
	for (i = 0; i < 9; i++) {
		ck_assert_uint_eq(s.cpl[i].status, ST_INVALID_OPCODE);
		ck_assert_uint_eq(NVT_CQE_DNR(s.cpl[i].cqe[3]), 1);
	}
	/* the SQEs as built */
	ck_assert_uint_eq(s.cpl[0].sqe[0] & 0xff, NVT_ADMIN_SANITIZE);
	ck_assert_uint_eq(s.cpl[0].sqe[10], 2);
	ck_assert_uint_eq(s.cpl[2].sqe[10], 4096 / 4 - 1);
	ck_assert_uint_eq(s.cpl[3].sqe[10], 1u << 3 | 1);
	ck_assert_uint_eq(s.cpl[4].sqe[10], 1u << 24);
	ck_assert_uint_eq(s.cpl[4].sqe[11], 512);
	ck_assert_uint_eq(s.cpl[5].sqe[11], 4096);
	ck_assert_uint_eq(s.cpl[8].sqe[10], 4096 / 4 - 1);
	ck_assert_uint_eq(s.cpl[8].sqe[11], 1);
	ck_assert(logged(NVT_LOG_WARN, "ERROR status: 00/01 Invalid Command Opcode"));

	/* Namespace detach with an empty controller list; abort (never aborts). */
	s.n = 0;
	nvt_buf_fill(buf, NVT_PATTERN_BIT, 0);	/* number of identifiers: 0 */
	ck_assert_int_eq(nvt_ctrl_ns_attach(ctrl, NVT_NS_DETACH, 1, buf, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_abort(ctrl, 0, 0xfff, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), ST_CTRL_LIST_INVALID);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.cpl[0].status, ST_CTRL_LIST_INVALID);
	ck_assert_uint_eq(s.cpl[1].status, 0);
	ck_assert_uint_eq(s.cpl[1].cdw0 & 1, 1);	/* not aborted */
}
END_TEST

START_TEST(test_download_firmware_file)
{
	char path[] = "/tmp/nvt-fw-XXXXXX";
	char data[10000];
	int fd;

	memset(data, 0x5a, sizeof(data));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, sizeof(data)), (int)sizeof(data));
	close(fd);
	log_clear();
	/* QEMU has no firmware download: the first piece fails. */
	ck_assert_int_eq(nvt_ctrl_download_firmware(ctrl, path, 1, 1, 4096), ST_INVALID_OPCODE);
	ck_assert(logged(NVT_LOG_ERR, "Firmware Image Download at offset 0 failed"));
	ck_assert_int_eq(nvt_ctrl_download_firmware(ctrl, path, 1, 1, 6), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_download_firmware(ctrl, "/nonexistent", 1, 1, 0), -ENOENT);
	unlink(path);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);
}
END_TEST

START_TEST(test_send_cmd_vendor_specific_and_fused)
{
	struct nvt_cmd vs = { .opcode = 0xc0, .nsid = 1, .cdw10 = 0x12345678, .cdw15 = 0xabcd };
	struct nvt_cmd fused = { .opcode = NVT_ADMIN_IDENTIFY, .fuse = NVT_FUSE_FIRST,
				 .cdw10 = NVT_CNS_CTRL };
	struct nvt_cpl cpl;
	int ret;

	ck_assert_int_eq(run_cmd(&vs, NULL, &cpl), ST_INVALID_OPCODE);
	ck_assert_uint_eq(cpl.sqe[1], 1);
	ck_assert_uint_eq(cpl.sqe[10], 0x12345678);
	ck_assert_uint_eq(cpl.sqe[15], 0xabcd);
	/* QEMU refuses fused admin commands: Invalid Field. */
	ret = run_cmd(&fused, buf, &cpl);
	ck_assert_int_eq(ret, ST_INVALID_FIELD);
	ck_assert_uint_eq((cpl.sqe[0] >> 8) & 3, NVT_FUSE_FIRST);
	fused.fuse = 4;
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, &fused, buf, NULL, NULL), -EINVAL);
	fused.fuse = 0;
	fused.rsvd[1] = 1;
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, &fused, buf, NULL, NULL), -EINVAL);
	fused.rsvd[1] = 0;
	fused.flags = 2;
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, &fused, buf, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, NULL, buf, NULL, NULL), -EINVAL);
}
END_TEST

/* ---- callbacks ---- */

START_TEST(test_callbacks_run_in_order_with_cdw0)
{
	struct seen s = { 0 };
	struct seen_arg a[3] = { { &s, 1 }, { &s, 2 }, { &s, 3 } };

	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_NUM_QUEUES, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a[0]), 0);
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, buf, 0, NVT_CNS_CTRL, 0, 0, record, &a[1]), 0);
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_VOLATILE_WC, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a[2]), 0);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 3);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 4), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 3), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_int_eq(s.tag[0], 1);
	ck_assert_int_eq(s.tag[1], 2);
	ck_assert_int_eq(s.tag[2], 3);
	ck_assert_uint_eq(s.cpl[0].cdw0, (QEMU_IOQPAIRS - 1) << 16 | (QEMU_IOQPAIRS - 1));
	ck_assert_uint_eq(s.cpl[1].sqe[0] & 0xff, NVT_ADMIN_IDENTIFY);
	ck_assert_uint_lt(s.cpl[0].submit_ns, s.cpl[2].submit_ns);
	ck_assert_uint_le(s.cpl[2].submit_ns, s.cpl[2].complete_ns);
	ck_assert_uint_eq(nvt_ctrl_latest_cid(ctrl), s.cpl[2].cid);
	ck_assert_uint_eq(nvt_ctrl_latest_cdw0(ctrl), s.cpl[2].cdw0);
	ck_assert_uint_eq(nvt_ctrl_latest_latency(ctrl), s.cpl[2].latency_us);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 0), 0);	/* nothing left: at once */
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), -EINVAL);
}
END_TEST

static void waitdone_inside(void *ctx, const struct nvt_cpl *cpl)
{
	struct seen *s = ctx;

	(void)cpl;
	s->n++;
	s->waitdone_ret = nvt_ctrl_waitdone(ctrl, 1);
}

/* Chaining: each completion sends the next command, up to 3. */
static void chain(void *ctx, const struct nvt_cpl *cpl)
{
	struct seen *s = ctx;

	(void)cpl;
	if (++s->n < 3)
		ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_NUM_QUEUES, 0, 0, 0, 0, 0, 0,
						      0, NULL, chain, s), 0);
}

START_TEST(test_waitdone_refused_inside_a_callback_chaining_allowed)
{
	struct seen s = { 0 };

	log_clear();
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, buf, 0, 1, 0, 0, waitdone_inside, &s), 0);
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, buf, 0, 1, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(s.waitdone_ret, -EDEADLK);
	ck_assert(logged(NVT_LOG_ERR, "called from a completion callback"));

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_NUM_QUEUES, 0, 0, 0, 0, 0, 0, 0,
					      NULL, chain, &s), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.n, 1);
	/* Only what is outstanding at the call is waited for: one at a time. */
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 1);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), -EINVAL);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);
}
END_TEST

/* Another thread submits while this one waits. */
static int thread_done;		/* callbacks run, all in the waiting thread */

static void count_done(void *ctx, const struct nvt_cpl *cpl)
{
	(void)ctx;
	if (!cpl->status)
		thread_done++;
}

static void *submitter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++) {
		if (nvt_ctrl_getfeatures(ctrl, NVT_FID_NUM_QUEUES, 0, 0, 0, 0, 0, 0, 0, NULL,
					 count_done, NULL))
			return (void *)1;
		usleep(1000);
	}
	return NULL;
}

START_TEST(test_submit_from_another_thread_while_waiting)
{
	pthread_t t;
	void *r;
	int i;

	ck_assert_int_eq(pthread_create(&t, NULL, submitter, NULL), 0);
	for (i = 0; i < 10000 && thread_done < 20; i++) {
		unsigned int n = nvt_ctrl_outstanding(ctrl);

		ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, n), 0);
		if (!n)
			usleep(1000);
	}
	ck_assert_int_eq(pthread_join(t, &r), 0);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(thread_done, 20);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);
}
END_TEST

struct sync_arg {
	struct nvt_ctrl *c;
	int ret;
	int busy;	/* waitdone() while the main thread waits */
	long ms;
};

/* A synchronous command (Identify) while the main thread is the reaper. */
static void *sync_identify(void *arg)
{
	struct sync_arg *a = arg;
	struct timespec t0, t1;

	usleep(200000);
	a->busy = nvt_ctrl_waitdone(a->c, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a->ret = nvt_ctrl_identify_init(a->c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	a->ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	return NULL;
}

static int init_no_aer(struct nvt_ctrl *c, void *ctx);

START_TEST(test_sync_command_while_another_thread_waits)
{
	struct nvt_ctrl_opts o = { .init = init_no_aer };
	struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT, .flags = NVT_CMD_F_TIMEOUT,
			       .timeout_ms = 2000 };
	struct sync_arg a = { 0 };
	struct nvt_ctrl *c;
	pthread_t t;

	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), 0);
	a.c = c;
	ck_assert_int_eq(nvt_ctrl_send_cmd(c, &aer, NULL, NULL, NULL), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, sync_identify, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(c, 1), -ETIMEDOUT);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(a.ret, 0);
	ck_assert_int_lt(a.ms, 1000);	/* not held up by the waiting thread */
	ck_assert_int_eq(a.busy, -EBUSY);
	nvt_ctrl_close(c);
}
END_TEST

/* ---- timeouts, resets, shutdown ---- */

/* Init without library AERs, so an AER of the test is one QEMU accepts. */
static int init_no_aer(struct nvt_ctrl *c, void *ctx)
{
	(void)ctx;
	return nvt_ctrl_disable(c) ?: nvt_ctrl_init_adminq(c) ?: nvt_ctrl_enable(c) ?:
	       nvt_ctrl_identify_init(c) ?: nvt_ctrl_init_queues(c, 0, 0);
}

/* Wait up to @ms for an event of @type of controller @minor. */
static bool wait_event(struct nvt_events *ev, uint32_t type, uint32_t minor, int ms,
		       struct nvt_event *out)
{
	struct nvt_event e;
	char text[256];

	while (nvt_events_next(ev, &e, ms) == 0) {
		nvt_event_format(&e, text, sizeof(text));
		fprintf(stderr, "  event: %s\n", text);
		if (e.type == type && e.minor == minor) {
			if (out)
				*out = e;
			return true;
		}
	}
	return false;
}

static uint32_t my_minor(struct nvt_ctrl *c)
{
	struct nvt_pcie_info info;

	nvt_pcie_info(nvt_ctrl_pcie(c), &info);
	return info.minor;
}

START_TEST(test_host_timeout_then_the_controller_keeps_working)
{
	struct nvt_ctrl_opts o = { .init = init_no_aer };
	struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT, .flags = NVT_CMD_F_TIMEOUT,
			       .timeout_ms = 1000 };
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };
	struct nvt_events *ev = NULL;
	struct nvt_event e;
	struct nvt_ctrl *c;
	struct timespec t0, t1;
	char needle[96];
	long ms;
	int ret;

	ret = nvt_events_open(&ev);
	ck_assert_int_eq(ret, 0);
	log_clear();
	ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &c), 0);
	ck_assert_int_eq(nvt_ctrl_set_timeout(c, 1000), 0);
	ck_assert_uint_eq(nvt_ctrl_get_timeout(c), 1000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(nvt_ctrl_send_cmd(c, &aer, NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(c, 1), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 900);
	ck_assert_int_lt(ms, 5000);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.cpl[0].status, NVT_STATUS_HOST_TIMEOUT);
	ck_assert_uint_eq(s.cpl[0].flags & NVT_CPL_F_TIMEOUT, NVT_CPL_F_TIMEOUT);
	snprintf(needle, sizeof(needle), "Asynchronous Event Request (opcode 0x0c) CID %u",
		 s.cpl[0].cid);
	ck_assert(logged(NVT_LOG_ERR, needle));
	ck_assert(logged(NVT_LOG_WARN, "ERROR status: 07/ff"));
	ck_assert(wait_event(ev, NVT_EVENT_TIMEOUT, my_minor(c), 2000, &e));
	ck_assert_uint_eq(e.opcode, NVT_ADMIN_ASYNC_EVENT);
	ck_assert_uint_eq(e.cid, s.cpl[0].cid);
	ck_assert_uint_eq(e.present & NVT_EVENT_HAS_CID, NVT_EVENT_HAS_CID);

	/* The controller keeps working, under the 1 s default too. */
	{
		struct nvt_buf *b;

		ck_assert_int_eq(nvt_buf_alloc(c, 4096, &b), 0);
		ck_assert_int_eq(run_identify(c, b, 0, NVT_CNS_CTRL), 0);
		nvt_buf_free(b);
	}
	nvt_ctrl_close(c);
	nvt_events_close(ev);
}
END_TEST

START_TEST(test_reset_with_commands_outstanding)
{
	struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT };
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };
	struct nvt_events *ev;
	uint32_t gen;

	/* The library's 4 AERs fill QEMU's AERL + 1 slots: a fifth one fails. */
	ck_assert_int_eq(nvt_events_open(&ev), 0);
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, &aer, NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0x105);	/* AER Limit Exceeded */

	/* Without the library's AERs, ours waits: reset while it does. */
	{
		struct nvt_ctrl_opts o = { .init = init_no_aer };

		nvt_buf_free(buf);
		buf = NULL;
		nvt_ctrl_close(ctrl);
		ctrl = NULL;
		ck_assert_int_eq(nvt_ctrl_open_opts(dev_path(), &o, &ctrl), 0);
	}
	s.n = 0;
	ck_assert_int_eq(nvt_ctrl_send_cmd(ctrl, &aer, NULL, record, &a), 0);
	gen = nvt_ctrl_generation(ctrl);
	ck_assert_int_eq(nvt_ctrl_reset(ctrl), 0);
	ck_assert_uint_ne(nvt_ctrl_generation(ctrl), gen);
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 1);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), -ECANCELED);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.cpl[0].status, NVT_STATUS_HOST_CANCELLED);
	ck_assert_uint_eq(s.cpl[0].flags & NVT_CPL_F_CANCELLED, NVT_CPL_F_CANCELLED);
	ck_assert(wait_event(ev, NVT_EVENT_RESET, my_minor(ctrl), 2000, NULL));
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 4096, &buf), 0);
	ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_CTRL), 0);
	nvt_events_close(ev);
}
END_TEST

START_TEST(test_shutdown_normal_and_abrupt_then_init_again)
{
	uint32_t csts;
	int abrupt;

	for (abrupt = 0; abrupt <= 1; abrupt++) {
		ck_assert_int_eq(nvt_ctrl_shutdown(ctrl, abrupt), 0);
		ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_CSTS, &csts), 0);
		ck_assert_uint_eq(NVT_BITS_GET(csts, NVT_CSTS_SHST), NVT_CSTS_SHST_COMPLETE);
		ck_assert_int_eq(nvt_ctrl_reset(ctrl), 0);
		ck_assert_int_eq(nvt_ctrl_reg_read32(ctrl, NVT_REG_CSTS, &csts), 0);
		ck_assert_uint_eq(NVT_BITS_GET(csts, NVT_CSTS_SHST), NVT_CSTS_SHST_NORMAL);
		ck_assert_uint_eq(NVT_BITS_GET(csts, NVT_CSTS_RDY), 1);
		ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_CTRL), 0);
	}
	ck_assert_int_eq(nvt_ctrl_shutdown(ctrl, 2), -EINVAL);
}
END_TEST

/* ---- buffers ---- */

START_TEST(test_free_a_buffer_while_a_command_uses_it)
{
	struct nvt_buf *b;
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };

	ck_assert_int_eq(nvt_buf_alloc(ctrl, 8192, &b), 0);
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, b, 0, NVT_CNS_CTRL, 0, 0, record, &a), 0);
	nvt_buf_free(b);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
	ck_assert_uint_eq(s.n, 1);
	/* the controller is fine, and buffers keep coming */
	ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_CTRL), 0);
}
END_TEST

START_TEST(test_buffer_offsets_lengths_and_patterns)
{
	struct nvt_buf *b;
	char text[512], sn[32];
	uint64_t v;

	ck_assert_int_eq(nvt_buf_alloc(ctrl, 0, &b), -EINVAL);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, NVT_BUF_MAX_SIZE + 1, &b), -EINVAL);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, NVT_BUF_MAX_SIZE, &b), 0);
	ck_assert_uint_eq(nvt_buf_size(b), NVT_BUF_MAX_SIZE);
	ck_assert_uint_ne(nvt_buf_iova(b), 0);
	ck_assert_uint_ne(nvt_buf_handle(b), 0);
	ck_assert_ptr_eq(nvt_buf_ctrl(b), ctrl);
	ck_assert_str_eq(nvt_buf_name(b), "buffer");
	ck_assert_int_eq(nvt_buf_set_name(b, "big"), 0);
	ck_assert_str_eq(nvt_buf_name(b), "big");
	nvt_buf_free(b);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 1, &b), 0);
	ck_assert_int_eq(nvt_buf_fill(b, NVT_PATTERN_BIT, 1), 0);
	ck_assert_uint_eq(((unsigned char *)nvt_buf_data(b))[0], 0xff);
	nvt_buf_free(b);

	/* offsets and transfer sizes */
	ck_assert_int_eq(nvt_buf_set_offset(buf, 4096), -ERANGE);
	ck_assert_int_eq(nvt_buf_set_xfer_size(buf, 4097), -ERANGE);
	ck_assert_int_eq(nvt_buf_set_offset(buf, 100), 0);
	ck_assert_int_eq(nvt_buf_set_xfer_size(buf, 4096), 0);
	log_clear();
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, buf, 0, 1, 0, 0, NULL, NULL), -ERANGE);
	ck_assert(logged(NVT_LOG_ERR, "is beyond its 4096 bytes"));
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);

	/* An unaligned PRP1: the data lands at the offset. */
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 8192, &b), 0);
	ck_assert_int_eq(nvt_buf_fill(b, NVT_PATTERN_DWORD, 0xdeadbeef), 0);
	ck_assert_int_eq(nvt_buf_set_offset(b, 4), 0);
	ck_assert_uint_eq(nvt_buf_offset(b), 4);
	ck_assert_int_eq(nvt_buf_set_xfer_size(b, 4096), 0);
	ck_assert_uint_eq(nvt_buf_xfer_size(b), 4096);
	ck_assert_int_eq(run_identify(ctrl, b, 0, NVT_CNS_CTRL), 0);
	ck_assert_int_eq(nvt_buf_field(b, 3, 0, &v), 0);
	ck_assert_uint_eq(v, 0xdeadbeef);		/* before the offset: untouched */
	ck_assert_int_eq(nvt_buf_field(b, 5, 4, &v), 0);
	ck_assert_uint_eq(v, 0x1b36);			/* VID at offset 4 */
	ck_assert_int_eq(nvt_buf_str(b, 27, 8, sn, sizeof(sn)), 0);
	ck_assert_str_eq(sn, QEMU_SERIAL);
	ck_assert_int_gt(nvt_buf_dump(b, 32, text, sizeof(text)), 0);
	ck_assert_ptr_nonnull(strstr(text, "00000000  ef be ad de 36 1b"));
	ck_assert_int_eq(nvt_buf_set_dsm_range(b, 0, 0x10, 8, 0), 0);
	ck_assert_int_eq(nvt_buf_field(b, 15, 8, &v), 0);
	ck_assert_uint_eq(v, 0x10);
	ck_assert_int_eq(nvt_buf_set_dsm_range(b, 512, 0, 1, 0), -ERANGE);
	nvt_buf_free(b);

	/* A buffer whose handle the kernel no longer knows: a clear -ENOENT. */
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 4096, &b), 0);
	{
		struct nvt_ioctl_free_buf fb = { .handle = nvt_buf_handle(b) };

		ck_assert_int_eq(ioctl(nvt_pcie_fd(nvt_ctrl_pcie(ctrl)), NVT_IOCTL_FREE_BUF, &fb),
				 0);
	}
	log_clear();
	ck_assert_int_eq(nvt_ctrl_identify(ctrl, b, 0, 1, 0, 0, NULL, NULL), -ENOENT);
	ck_assert(logged(NVT_LOG_ERR, "the buffer is not allocated (any more) in this file"));
	ck_assert_uint_eq(nvt_ctrl_outstanding(ctrl), 0);
	nvt_buf_free(b);	/* its FREE_BUF fails, logged; the mapping goes */
	ck_assert(logged(NVT_LOG_ERR, "nvt_buf_free"));

	/* A buffer of another controller is refused. */
	if (!access("/dev/nvmetest1", F_OK) && strcmp(dev_path(), "/dev/nvmetest1")) {
		struct nvt_ctrl *c2;

		ck_assert_int_eq(nvt_ctrl_open("/dev/nvmetest1", &c2), 0);
		ck_assert_int_eq(nvt_buf_alloc(c2, 4096, &b), 0);
		nvt_ctrl_close(c2);	/* the buffer keeps it */
		ck_assert_int_eq(nvt_ctrl_identify(ctrl, b, 0, 1, 0, 0, NULL, NULL), -EINVAL);
		ck_assert_int_eq(run_identify(c2, b, 0, 1), 0);
		ck_assert_int_eq(nvt_buf_str(b, 23, 4, sn, sizeof(sn)), 0);
		ck_assert_str_eq(sn, "NVT00000001");
		nvt_buf_free(b);	/* and frees the controller */
	}
	nvt_buf_free(NULL);
}
END_TEST

START_TEST(test_close_with_commands_outstanding)
{
	struct nvt_cmd aer = { .opcode = NVT_ADMIN_ASYNC_EVENT };
	struct nvt_ctrl *c;
	struct nvt_buf *b;

	ck_assert_int_eq(nvt_ctrl_open(dev_path(), &c), 0);
	ck_assert_int_eq(nvt_buf_alloc(c, 4096, &b), 0);
	ck_assert_int_eq(nvt_ctrl_identify(c, b, 0, 1, 0, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_send_cmd(c, &aer, NULL, NULL, NULL), 0);
	nvt_ctrl_close(c);		/* the buffer still holds it */
	memset(nvt_buf_data(b), 0, 16);
	nvt_buf_free(b);		/* the last reference: closed with 2 outstanding */
	nvt_ctrl_close(NULL);

	/* Our own controller is unaffected; a new open works. */
	ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_CTRL), 0);
	ck_assert_int_eq(nvt_ctrl_open(dev_path(), &c), 0);
	nvt_ctrl_close(c);
}
END_TEST

/* ---- cmdlog ---- */

START_TEST(test_cmdlog_read_from_another_process)
{
	struct nvt_cmdlog_entry e[8];
	unsigned int n, i;
	uint16_t cid;
	int status;
	pid_t pid;
	char text[256];

	ck_assert_int_eq(run_identify(ctrl, buf, 0, NVT_CNS_CTRL), 0);
	cid = nvt_ctrl_latest_cid(ctrl);

	ck_assert_int_eq(nvt_ctrl_cmdlog(ctrl, 8, e, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(e[7].sqe[0] & 0xff, NVT_ADMIN_IDENTIFY);
	ck_assert_uint_eq(e[7].sqe[0] >> 16, cid);
	ck_assert_uint_ne(e[7].complete_ns, 0);
	ck_assert_uint_eq(e[7].index, e[6].index + 1);
	ck_assert_uint_ne(((uint64_t)e[7].sqe[7] << 32 | e[7].sqe[6]), 0);	/* PRP1 */
	ck_assert_int_gt(nvt_cmdlog_format(&e[7], 0, text, sizeof(text)), 0);
	fprintf(stderr, "  cmdlog: %s\n", text);
	ck_assert_ptr_nonnull(strstr(text, "Identify (06h)"));
	ck_assert_ptr_nonnull(strstr(text, "status 00/00"));

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		/* A second process, its own file: it sees the same log. */
		struct nvt_pcie *p;
		struct nvt_cmdlog *log;
		int found = 0;

		if (nvt_pcie_open(dev_path(), &p) || nvt_cmdlog_open(p, 0, &log))
			_exit(2);
		nvt_pcie_close(p);	/* the log keeps it */
		if (nvt_cmdlog_size(log) < NVT_CMDLOG_ENTRIES || nvt_cmdlog_count(log) < 8)
			_exit(3);
		if (nvt_cmdlog_read(log, 4, e, &n) || n != 4)
			_exit(4);
		for (i = 0; i < n; i++)
			if ((e[i].sqe[0] & 0xff) == NVT_ADMIN_IDENTIFY && e[i].sqe[0] >> 16 == cid)
				found = 1;
		nvt_cmdlog_close(log);
		_exit(found ? 0 : 5);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);

	/* An error shows its status; bad arguments are refused. */
	{
		struct nvt_cmd bad = { .opcode = 0x03 };

		ck_assert_int_eq(run_cmd(&bad, NULL, NULL), ST_INVALID_OPCODE);
		ck_assert_int_eq(nvt_ctrl_cmdlog(ctrl, 1, e, &n), 0);
		ck_assert_uint_eq(n, 1);
		nvt_cmdlog_format(&e[0], 0, text, sizeof(text));
		ck_assert_ptr_nonnull(strstr(text, "status 00/01 Invalid Command Opcode"));
	}
	{
		struct nvt_cmdlog *log;

		ck_assert_int_eq(nvt_cmdlog_open(nvt_ctrl_pcie(ctrl), 1, &log), -ENOENT);
		ck_assert_ptr_null(log);
	}
	ck_assert_int_eq(nvt_cmdlog_read(NULL, 1, e, &n), -EINVAL);
}
END_TEST

/* ---- AER and events ---- */

struct aer_seen {
	int n;
	uint32_t cdw0;
};

static void on_aer(void *ctx, const struct nvt_cpl *cpl)
{
	struct aer_seen *a = ctx;

	if (cpl->flags)
		return;		/* cancelled by a reset */
	a->n++;
	a->cdw0 = cpl->cdw0;
}

/* Over-temperature: Async Event Config 0Bh all SMART bits, threshold below 323 K. */
static void trigger_temperature_aer(uint32_t *orig)
{
	struct seen s = { 0 };
	struct seen_arg a = { .s = &s };

	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_ASYNC_EVENT, 0, 0, 0x1ff, 0, 0, 0,
					      0, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_getfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, 0, 0, 0, 0, 0,
					      NULL, record, &a), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), 0);
	*orig = s.cpl[0].cdw0 & 0xffff;
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, 300, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
}

/* Put the threshold back and read the SMART log with RAE 0 (unmasks the event). */
static void clear_temperature_aer(uint32_t orig)
{
	ck_assert_int_eq(nvt_ctrl_setfeatures(ctrl, NVT_FID_TEMP_THRESH, 0, 0, orig, 0, 0, 0, 0,
					      NULL, NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, NVT_LID_SMART, buf, 512, 0, 0xffffffff, 0, 0,
					     NULL, NULL), 0);
	ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 2), 0);
}

START_TEST(test_real_aer_reaches_the_callback_and_the_events)
{
	struct aer_seen seen = { 0 };
	struct nvt_events *ev;
	struct nvt_event e;
	uint32_t orig;
	char text[256];
	int i;

	ck_assert_int_eq(nvt_events_open(&ev), 0);
	ck_assert_int_ge(nvt_events_fd(ev), 0);
	ck_assert_int_eq(nvt_events_next(ev, &e, 0), -ETIMEDOUT);
	ck_assert_int_eq(nvt_ctrl_set_aer_cb(ctrl, on_aer, &seen), 0);
	trigger_temperature_aer(&orig);
	for (i = 0; i < 100 && !seen.n; i++) {
		ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 0), 0);
		usleep(20000);
	}
	ck_assert_int_eq(seen.n, 1);
	ck_assert_uint_eq(seen.cdw0, 0x00020101);
	ck_assert(wait_event(ev, NVT_EVENT_AER, my_minor(ctrl), 2000, &e));
	ck_assert_uint_eq(e.cdw0, 0x00020101);
	ck_assert_uint_eq(e.status, 0);
	nvt_event_format(&e, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "aer cdw0 0x00020101 (SMART / health: temperature threshold, log page 02h)"));
	clear_temperature_aer(orig);

	/* Nobody handles the next one: a warning, and a new AER still goes out. */
	log_clear();
	ck_assert_int_eq(nvt_ctrl_set_aer_cb(ctrl, NULL, NULL), 0);
	trigger_temperature_aer(&orig);
	for (i = 0; i < 100 && !logged(NVT_LOG_WARN, "unhandled AER"); i++) {
		ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 0), 0);
		usleep(20000);
	}
	ck_assert(logged(NVT_LOG_WARN, "unhandled AER: DW0 0x00020101"));
	clear_temperature_aer(orig);
	ck_assert_int_eq(seen.n, 1);

	/* ...and the re-armed AERs still work after a third event. */
	ck_assert_int_eq(nvt_ctrl_set_aer_cb(ctrl, on_aer, &seen), 0);
	trigger_temperature_aer(&orig);
	for (i = 0; i < 100 && seen.n < 2; i++) {
		ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 0), 0);
		usleep(20000);
	}
	ck_assert_int_eq(seen.n, 2);
	clear_temperature_aer(orig);
	nvt_events_close(ev);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("lib_admin");
	TCase *tc = tcase_create("admin");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_default_init_identifies_the_controller);
	tcase_add_test(tc, test_identify_namespaces_match_the_vm);
	tcase_add_test(tc, test_custom_init_hook_runs_at_open_and_reset);
	tcase_add_test(tc, test_no_init_leaves_the_controller_alone);
	tcase_add_test(tc, test_small_admin_queue_fills_up);
	tcase_add_test(tc, test_features_set_and_read_back);
	tcase_add_test(tc, test_log_pages_smart_error_effects);
	tcase_add_test(tc, test_supports_follows_the_effects_log);
	tcase_add_test(tc, test_invalid_opcode_and_namespace);
	tcase_add_test(tc, test_format_namespace_2);
	tcase_add_test(tc, test_absent_commands_give_invalid_opcode);
	tcase_add_test(tc, test_download_firmware_file);
	tcase_add_test(tc, test_send_cmd_vendor_specific_and_fused);
	tcase_add_test(tc, test_callbacks_run_in_order_with_cdw0);
	tcase_add_test(tc, test_waitdone_refused_inside_a_callback_chaining_allowed);
	tcase_add_test(tc, test_submit_from_another_thread_while_waiting);
	tcase_add_test(tc, test_sync_command_while_another_thread_waits);
	tcase_add_test(tc, test_host_timeout_then_the_controller_keeps_working);
	tcase_add_test(tc, test_reset_with_commands_outstanding);
	tcase_add_test(tc, test_shutdown_normal_and_abrupt_then_init_again);
	tcase_add_test(tc, test_free_a_buffer_while_a_command_uses_it);
	tcase_add_test(tc, test_buffer_offsets_lengths_and_patterns);
	tcase_add_test(tc, test_close_with_commands_outstanding);
	tcase_add_test(tc, test_cmdlog_read_from_another_process);
	tcase_add_test(tc, test_real_aer_reaches_the_callback_and_the_events);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_device_suite(suite(), NVT_FEATURE_ADMIN | NVT_FEATURE_DMABUF, false);
}
