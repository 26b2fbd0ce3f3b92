// SPDX-License-Identifier: MIT
/*
 * libnvmetest's IOWorker against QEMU's emulated controllers in the test VM
 * (tests/vm/run): stop conditions, sequential fill, lba_step, the iops cap,
 * op_percentage counts, parameter checks, verified workers on disjoint
 * regions, a worker beside admin commands, and a 4K random read QD32 IOPS
 * measurement on the null-backed namespace.
 *
 * $NVT_DEV (default /dev/nvmetest0): namespace 1 of 1 GiB in 512-byte LBAs,
 * file-backed (stores data: verification). $NVT_DEV2 (default
 * /dev/nvmetest1): namespace 1 of 1 TiB null-co (stores nothing: speed,
 * never verified).
 *
 * Exit: 0 pass, 1 fail, 77 skip (no device, or a module without IO queues).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nvmetest/nvmetest.h>

#include "lib_test.h"

#define LOG_SMART	0x02

/* ---- fixtures ---- */

static struct nvt_ctrl *ctrl;
static struct nvt_ns *ns;

static void setup(void)
{
	log_clear();
	nvt_set_log(on_log, NULL);
	nvt_set_log_level(NVT_LOG_INFO);
	ck_assert_int_eq(nvt_ctrl_open(dev_path(), &ctrl), 0);
	ck_assert_int_eq(nvt_ns_open(ctrl, 1, &ns), 0);
}

static void teardown(void)
{
	nvt_ns_close(ns);
	nvt_ctrl_close(ctrl);
	ns = NULL;
	ctrl = NULL;
}

static int run(struct nvt_ns *n, const struct nvt_ioworker_args *a, struct nvt_ioworker_result *r)
{
	struct nvt_ioworker *w;
	int ret = nvt_ioworker_start(n, a, &w);

	if (ret) {
		memset(r, 0, sizeof(*r));
		return ret;
	}
	return nvt_ioworker_close(w, r);
}

static uint64_t op_sum(const struct nvt_ioworker_result *r)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < 256; i++)
		s += r->op_count[i];
	return s;
}

/* ---- stop conditions ---- */

START_TEST(test_io_count_stops_after_exactly_n)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	uint64_t p50, p99;

	nvt_ioworker_args_init(&a);
	a.qdepth = 16;
	a.io_count = 1000;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_eq(r.io_count, 1000);
	ck_assert_uint_eq(r.io_count_read, 1000);
	ck_assert_uint_eq(r.io_count_write, 0);
	ck_assert_uint_eq(r.op_count[NVT_IO_READ], 1000);
	ck_assert_uint_eq(r.bytes, 1000ULL * 8 * 512);
	ck_assert_int_eq(r.error, 0);
	ck_assert(!r.reset);
	ck_assert(r.iops > 0);
	ck_assert(r.latency_max_us >= r.latency_avg_us);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 50, &p50), 0);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 99, &p99), 0);
	ck_assert_uint_le(p50, p99);
	ck_assert_uint_le(p99, r.latency_max_us);
	ck_assert_int_eq(nvt_ioworker_percentile(&r, 101, &p99), -EINVAL);
	ck_assert(r.cpu_ns > 0);
	nvt_ioworker_result_free(&r);
}
END_TEST

START_TEST(test_time_stops_after_time_ms)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	uint64_t sum = 0;
	unsigned int i;

	nvt_ioworker_args_init(&a);
	a.qdepth = 8;
	a.time_ms = 1500;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_ge(r.duration_ns, 1400000000ULL);
	ck_assert_uint_le(r.duration_ns, 2500000000ULL);
	ck_assert_uint_eq(r.seconds, 2);
	for (i = 0; i < r.seconds; i++)
		sum += r.io_per_second[i];
	ck_assert_uint_eq(sum, r.io_count);
	ck_assert(r.io_count > 0);
	nvt_ioworker_result_free(&r);
}
END_TEST

/* ---- QD1, io_sequence, live counters ---- */

START_TEST(test_io_sequence_qd1_in_order_then_progress_equals_result)
{
	struct nvt_ioworker_seq_io seq[6];
	struct nvt_ioworker_progress p;
	struct nvt_ioworker_result r;
	struct nvt_ioworker_args a;
	struct nvt_ioworker *w;
	unsigned int i;

	memset(seq, 0, sizeof(seq));
	for (i = 0; i < 6; i++) {
		seq[i].time_us = 50000ULL * i;		/* every 50 ms */
		seq[i].slba = 2000000 + 16ULL * i;
		seq[i].nlb = 8 + i;
		seq[i].opcode = i % 2 ? NVT_IO_READ : NVT_IO_WRITE;
	}
	nvt_ioworker_args_init(&a);
	a.qdepth = 1;
	a.io_sequence = seq;
	a.io_sequence_len = 6;
	a.cmdlog_count = 16;
	ck_assert_int_eq(nvt_ioworker_start(ns, &a, &w), 0);
	memset(seq, 0xff, sizeof(seq));		/* copied at start */
	while (nvt_ioworker_running(w))
		usleep(10000);
	ck_assert_int_eq(nvt_ioworker_progress(w, &p), 0);
	ck_assert_int_eq(nvt_ioworker_progress(w, NULL), -EINVAL);
	ck_assert_int_eq(nvt_ioworker_close(w, &r), 0);
	ck_assert(!p.running);
	ck_assert_uint_eq(p.io_count, 6);
	ck_assert_uint_eq(r.io_count, 6);
	ck_assert_uint_eq(p.bytes, r.bytes);
	ck_assert_uint_eq(p.latency_max_us, r.latency_max_us);
	ck_assert_uint_eq(p.elapsed_ns, r.duration_ns);
	ck_assert_uint_ge(r.duration_ns, 250000000ULL);	/* the last went at 250 ms, not before */
	ck_assert_uint_eq(r.cmdlog_count, 6);
	for (i = 0; i < 6; i++) {
		ck_assert_uint_eq(r.cmdlog[i].slba, 2000000 + 16ULL * i);
		ck_assert_uint_eq(r.cmdlog[i].nlb, 8 + i);
		ck_assert_uint_eq(r.cmdlog[i].opcode, i % 2 ? NVT_IO_READ : NVT_IO_WRITE);
	}
	nvt_ioworker_result_free(&r);
}
END_TEST

/* ---- sequential fill and lba_step ---- */

START_TEST(test_sequential_fill_writes_exactly_the_region)
{
	const uint64_t start = 4096 + 3, nlb = 8 * 50 + 3;	/* last IO truncated to 3 */
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_qpair *qp;
	struct nvt_buf *buf;
	uint32_t *d;
	uint64_t i;

	ck_assert_int_eq(nvt_qpair_create(ctrl, 8, NULL, &qp), 0);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, (nlb + 2) * 512, &buf), 0);
	/* zero the region and one LBA either side (in MDTS-sized pieces) */
	for (i = 0; i < nlb + 2; i += 128) {
		uint32_t n = nlb + 2 - i < 128 ? (uint32_t)(nlb + 2 - i) : 128;

		ck_assert_int_eq(nvt_ns_write_zeroes(ns, qp, start - 1 + i, n, 0, NULL, NULL), 0);
		ck_assert_int_eq(nvt_qpair_waitdone(qp, 1), 0);
	}

	nvt_ioworker_args_init(&a);
	a.lba_random = 0;
	a.read_percentage = 0;
	a.region_start = start;
	a.region_end = start + nlb;
	a.ptype = NVT_PATTERN_DWORD;
	a.pvalue = 0xa5a5a5a5;
	a.cmdlog_count = 100;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_eq(r.io_count, 51);
	ck_assert_uint_eq(r.io_count_write, 51);
	ck_assert_uint_eq(r.bytes, nlb * 512);
	ck_assert_uint_eq(r.cmdlog_count, 51);
	for (i = 0; i < 51; i++) {
		ck_assert_uint_eq(r.cmdlog[i].slba, start + 8 * i);
		ck_assert_uint_eq(r.cmdlog[i].opcode, NVT_IO_WRITE);
		ck_assert_uint_eq(r.cmdlog[i].nlb, i < 50 ? 8 : 3);
	}
	nvt_ioworker_result_free(&r);

	for (i = 0; i < nlb + 2; i += 128) {
		uint32_t n = nlb + 2 - i < 128 ? (uint32_t)(nlb + 2 - i) : 128;

		ck_assert_int_eq(nvt_buf_set_offset(buf, i * 512), 0);
		ck_assert_int_eq(nvt_ns_read(ns, qp, buf, start - 1 + i, n, 0, NULL, NULL), 0);
		ck_assert_int_eq(nvt_qpair_waitdone(qp, 1), 0);
	}
	d = nvt_buf_data(buf);
	for (i = 0; i < nlb + 2; i++) {
		uint32_t want = (i == 0 || i == nlb + 1) ? 0 : 0xa5a5a5a5;

		ck_assert_msg(d[i * 128] == want && d[i * 128 + 127] == want,
			      "LBA %llu holds 0x%x", (unsigned long long)(start - 1 + i), d[i * 128]);
	}
	nvt_buf_free(buf);
	ck_assert_int_eq(nvt_qpair_destroy(qp), 0);
}
END_TEST

START_TEST(test_lba_step_negative_and_zero)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	unsigned int i;

	nvt_ioworker_args_init(&a);
	a.lba_random = 0;
	a.flags = NVT_IOWORKER_F_LBA_STEP;
	a.lba_step = -8;
	a.region_start = 0;
	a.region_end = 1000;
	a.lba_start = 800;
	a.io_count = 10;
	a.qdepth = 4;
	a.cmdlog_count = 10;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_eq(r.cmdlog_count, 10);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(r.cmdlog[i].slba, 800 - 8 * i);
	nvt_ioworker_result_free(&r);

	a.lba_step = 0;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(r.cmdlog[i].slba, 800);
	nvt_ioworker_result_free(&r);
}
END_TEST

START_TEST(test_distribution_and_weighted_sizes)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	unsigned int i, small = 0;

	nvt_ioworker_args_init(&a);
	a.flags = NVT_IOWORKER_F_DISTRIBUTION;
	a.distribution[7] = 10000;	/* every IO in section 7 */
	a.region_end = 100000;
	a.nsizes = 2;
	a.sizes[0] = (struct nvt_ioworker_size){ .lbas = 1, .weight = 3 };
	a.sizes[1] = (struct nvt_ioworker_size){ .lbas = 16, .weight = 1 };
	a.io_count = 2000;
	a.cmdlog_count = 2000;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_eq(r.cmdlog_count, 2000);
	for (i = 0; i < 2000; i++) {
		ck_assert_uint_ge(r.cmdlog[i].slba, 7000);
		ck_assert_uint_lt(r.cmdlog[i].slba, 8000);
		ck_assert(r.cmdlog[i].nlb == 1 || r.cmdlog[i].nlb == 16);
		small += r.cmdlog[i].nlb == 1;
	}
	ck_assert_uint_gt(small, 1300);	/* 1500 expected */
	ck_assert_uint_lt(small, 1700);
	nvt_ioworker_result_free(&r);
}
END_TEST

/* ---- op_percentage ---- */

START_TEST(test_op_percentage_counts_add_up)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;

	nvt_ioworker_args_init(&a);
	a.region_start = 1 << 20;
	a.region_end = 2 << 20;
	a.nops = 5;
	a.ops[0] = (struct nvt_ioworker_op){ .opcode = NVT_IO_READ, .percent = 40 };
	a.ops[1] = (struct nvt_ioworker_op){ .opcode = NVT_IO_WRITE, .percent = 30 };
	a.ops[2] = (struct nvt_ioworker_op){ .opcode = NVT_IO_DSM, .percent = 10 };
	a.ops[3] = (struct nvt_ioworker_op){ .opcode = NVT_IO_FLUSH, .percent = 10 };
	a.ops[4] = (struct nvt_ioworker_op){ .opcode = NVT_IO_WRITE_ZEROES, .percent = 10 };
	a.io_count = 4000;
	a.qdepth = 32;
	ck_assert_int_eq(run(ns, &a, &r), 0);
	ck_assert_uint_eq(r.io_count, 4000);
	ck_assert_uint_eq(op_sum(&r), 4000);
	ck_assert_uint_eq(r.io_count_read + r.io_count_write + r.io_count_other, 4000);
	ck_assert_uint_eq(r.io_count_read, r.op_count[NVT_IO_READ]);
	ck_assert_uint_eq(r.io_count_write, r.op_count[NVT_IO_WRITE]);
	ck_assert_uint_eq(r.io_count_other, r.op_count[NVT_IO_DSM] + r.op_count[NVT_IO_FLUSH] +
			  r.op_count[NVT_IO_WRITE_ZEROES]);
	ck_assert_uint_gt(r.op_count[NVT_IO_READ], 1400);	/* 1600 expected */
	ck_assert_uint_lt(r.op_count[NVT_IO_READ], 1800);
	ck_assert_uint_gt(r.op_count[NVT_IO_DSM], 250);		/* 400 expected */
	ck_assert_uint_gt(r.op_count[NVT_IO_FLUSH], 250);
	ck_assert_uint_gt(r.op_count[NVT_IO_WRITE_ZEROES], 250);
	nvt_ioworker_result_free(&r);
}
END_TEST

/* ---- parameter checks ---- */

#define EXPECT_REFUSED(field_setup, needle) do {				\
	struct nvt_ioworker_args b = a;						\
	struct nvt_ioworker *w = (struct nvt_ioworker *)1;			\
	field_setup;								\
	log_clear();								\
	ck_assert_int_eq(nvt_ioworker_start(ns, &b, &w), -EINVAL);		\
	ck_assert_ptr_null(w);							\
	ck_assert_msg(logged(0, needle), "not logged: %s (log: %s)", needle, log_text); \
} while (0)

START_TEST(test_invalid_combinations_rejected)
{
	struct nvt_ioworker_args a;

	nvt_ioworker_args_init(&a);
	a.io_count = 10;
	ck_assert_int_eq(nvt_ioworker_check(ns, &a), 0);
	EXPECT_REFUSED(b.io_size = 0, "io_size");
	EXPECT_REFUSED(b.io_size = 65537, "io_size");
	EXPECT_REFUSED(b.io_size = 8192, "2 MiB");
	EXPECT_REFUSED(b.lba_random = 101, "lba_random");
	EXPECT_REFUSED((b.flags |= NVT_IOWORKER_F_LBA_STEP, b.lba_step = 8), "lba_step");
	EXPECT_REFUSED(b.read_percentage = 101, "read_percentage");
	EXPECT_REFUSED(b.qdepth = 0, "qdepth");
	EXPECT_REFUSED(b.io_sequence_len = 1, "io_sequence");	/* and no array */
	EXPECT_REFUSED(b.qdepth = 100000, "qdepth");
	EXPECT_REFUSED(b.qprio = 4, "qprio");
	EXPECT_REFUSED(b.region_end = (1ULL << 21) + 1, "region_end");
	EXPECT_REFUSED((b.region_start = 100, b.region_end = 100), "region_start");
	EXPECT_REFUSED((b.lba_align = 64, b.region_start = 1, b.region_end = 60), "lba_align");
	EXPECT_REFUSED((b.lba_random = 0, b.lba_start = 5, b.region_start = 10, b.region_end = 100),
		       "lba_start");
	EXPECT_REFUSED(b.io_count = 0, "io_count and time_ms");
	EXPECT_REFUSED((b.nops = 2, b.ops[0].opcode = NVT_IO_READ, b.ops[0].percent = 50,
			b.ops[1].opcode = NVT_IO_WRITE, b.ops[1].percent = 40), "add up to 90");
	EXPECT_REFUSED((b.nops = 1, b.ops[0].opcode = NVT_IO_COMPARE, b.ops[0].percent = 100),
		       "opcode 0x05");
	EXPECT_REFUSED((b.nops = 2, b.ops[0].opcode = NVT_IO_READ, b.ops[0].percent = 50,
			b.ops[1].opcode = NVT_IO_READ, b.ops[1].percent = 50), "twice");
	EXPECT_REFUSED((b.flags |= NVT_IOWORKER_F_DISTRIBUTION, b.distribution[0] = 9999),
		       "distribution adds up");
	EXPECT_REFUSED((b.flags |= NVT_IOWORKER_F_DISTRIBUTION, b.distribution[0] = 10000,
			b.lba_random = 50), "distribution needs lba_random");
	EXPECT_REFUSED((b.ptype = NVT_PATTERN_RANDOM, b.pvalue = 101), "ptype");
	EXPECT_REFUSED(b.flags |= NVT_IOWORKER_F_VERIFY, "verification is off");
	EXPECT_REFUSED((b.flags |= NVT_IOWORKER_F_CPU, b.cpu = 4000), "cpu");
	EXPECT_REFUSED(b.cpu = 1, "without NVT_IOWORKER_F_CPU");
	EXPECT_REFUSED(b.flags |= 1U << 31, "flags");
	EXPECT_REFUSED(b.rsvd[1] = 1, "rsvd");
	EXPECT_REFUSED(b.cmdlog_count = 5000, "cmdlog_count");
	EXPECT_REFUSED((b.nsizes = 1, b.sizes[0].lbas = 8, b.sizes[0].weight = 0), "weight");
	EXPECT_REFUSED((b.nsizes = 1, b.sizes[0].lbas = 8, b.sizes[0].weight = 1,
			b.lba_random = 0), "weighted");
}
END_TEST

/* ---- verification: two workers on disjoint regions, then a read back ---- */

START_TEST(test_two_verified_workers_disjoint_then_clean_read_back)
{
	struct nvt_ioworker_args a[2];
	struct nvt_ns *nss[2] = { ns, ns };
	struct nvt_ioworker *w[2];
	struct nvt_ioworker_result r;
	unsigned int i;

	ck_assert_int_eq(nvt_ns_verify_enable(ns, true), 0);
	for (i = 0; i < 2; i++) {
		nvt_ioworker_args_init(&a[i]);
		a[i].flags = NVT_IOWORKER_F_VERIFY;
		a[i].region_start = 200000 + i * 20000;
		a[i].region_end = 200000 + (i + 1) * 20000;
		a[i].read_percentage = 50;
		a[i].qdepth = 16;
		a[i].time_ms = 2000;
	}
	ck_assert_int_eq(nvt_ioworker_start_group(nss, a, 2, w), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(nvt_ioworker_close(w[i], &r), 0);
		ck_assert_int_eq(r.error, 0);
		ck_assert_uint_gt(r.io_count_write, 100);
		ck_assert_uint_gt(r.io_count_read, 100);
		nvt_ioworker_result_free(&r);
	}
	/* a verified sequential read of both regions */
	nvt_ioworker_args_init(&a[0]);
	a[0].flags = NVT_IOWORKER_F_VERIFY;
	a[0].lba_random = 0;
	a[0].region_start = 200000;
	a[0].region_end = 240000;
	ck_assert_int_eq(run(ns, &a[0], &r), 0);
	ck_assert_uint_eq(r.io_count_read, 40000 / 8);
	ck_assert_int_eq(r.error, 0);
	nvt_ioworker_result_free(&r);
	ck_assert_int_eq(nvt_ns_verify_enable(ns, false), 0);
}
END_TEST

START_TEST(test_verified_read_reports_miscompare_and_its_command)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_qpair *qp;
	struct nvt_buf *buf;

	/* write LBA 300000 verified, then overwrite it raw: the table is stale */
	ck_assert_int_eq(nvt_ns_verify_enable(ns, true), 0);
	ck_assert_int_eq(nvt_qpair_create(ctrl, 8, NULL, &qp), 0);
	ck_assert_int_eq(nvt_buf_alloc(ctrl, 4096, &buf), 0);
	nvt_buf_fill(buf, NVT_PATTERN_RANDOM, 100);
	ck_assert_int_eq(nvt_ns_write(ns, qp, buf, 300000, 8, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_qpair_waitdone(qp, 1), 0);
	{
		struct nvt_cmd c = { .opcode = NVT_IO_WRITE, .nsid = 1, .cdw10 = 300000, .cdw12 = 7 };

		nvt_buf_fill(buf, NVT_PATTERN_DWORD, 0x12345678);
		nvt_buf_set_xfer_size(buf, 4096);
		ck_assert_int_eq(nvt_qpair_send_cmd(qp, &c, buf, NULL, NULL), 0);
		ck_assert_int_eq(nvt_qpair_waitdone(qp, 1), 0);
	}
	nvt_ioworker_args_init(&a);
	a.flags = NVT_IOWORKER_F_VERIFY;
	a.lba_random = 0;
	a.region_start = 300000 - 64;
	a.region_end = 300000 + 64;
	a.qdepth = 4;
	a.cmdlog_count = 64;
	ck_assert_int_eq(run(ns, &a, &r), NVT_STATUS_VERIFY_FAILED);
	ck_assert_int_eq(r.error, NVT_STATUS_VERIFY_FAILED);
	ck_assert_uint_eq(r.error_cmd.opcode, NVT_IO_READ);
	ck_assert_uint_eq(r.error_cmd.slba, 300000);
	ck_assert_uint_eq(r.error_cmd.nlb, 8);
	ck_assert_uint_lt(r.io_count, 16);
	{
		unsigned int i, bad = 0;

		for (i = 0; i < r.cmdlog_count; i++)
			if (r.cmdlog[i].slba == 300000) {
				ck_assert_int_eq(r.cmdlog[i].status, NVT_STATUS_VERIFY_FAILED);
				bad++;
			} else {
				ck_assert_int_eq(r.cmdlog[i].status, 0);
			}
		ck_assert_uint_eq(bad, 1);
	}
	nvt_ioworker_result_free(&r);
	/* clean up the table for the LBAs */
	ck_assert_int_eq(nvt_ns_write_zeroes(ns, qp, 300000, 8, 0, NULL, NULL), 0);
	ck_assert_int_eq(nvt_qpair_waitdone(qp, 1), 0);
	nvt_buf_free(buf);
	ck_assert_int_eq(nvt_qpair_destroy(qp), 0);
	ck_assert_int_eq(nvt_ns_verify_enable(ns, false), 0);
}
END_TEST

/* ---- a worker while the test thread sends admin commands ---- */

START_TEST(test_worker_while_admin_commands_run)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_ioworker *w;
	struct nvt_buf *log;
	unsigned int admin = 0;

	ck_assert_int_eq(nvt_buf_alloc(ctrl, 512, &log), 0);
	nvt_ioworker_args_init(&a);
	a.read_percentage = 70;
	a.region_start = 400000;
	a.region_end = 500000;
	a.qdepth = 16;
	a.time_ms = 2000;
	ck_assert_int_eq(nvt_ioworker_start(ns, &a, &w), 0);
	while (nvt_ioworker_running(w)) {
		ck_assert_int_eq(nvt_ctrl_getlogpage(ctrl, LOG_SMART, log, 512, 0, 0xffffffff, 0, 0,
						     NULL, NULL), 0);
		ck_assert_int_eq(nvt_ctrl_waitdone(ctrl, 1), 0);
		admin++;
	}
	ck_assert_int_eq(nvt_ioworker_close(w, &r), 0);
	ck_assert_uint_gt(admin, 10);
	ck_assert_uint_gt(r.io_count, 100);
	ck_assert_int_eq(r.error, 0);
	fprintf(stderr, "  worker: %llu IOs beside %u SMART log reads\n",
		(unsigned long long)r.io_count, admin);
	nvt_ioworker_result_free(&r);
	nvt_buf_free(log);
}
END_TEST

/* ---- a controller reset ends a worker cleanly ---- */

START_TEST(test_reset_ends_worker_with_partial_results)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_ioworker *w;

	nvt_ioworker_args_init(&a);
	a.qdepth = 16;
	a.time_ms = 10000;
	ck_assert_int_eq(nvt_ioworker_start(ns, &a, &w), 0);
	usleep(500000);
	ck_assert(nvt_ioworker_running(w));
	fprintf(stderr, "  resetting the controller under a running worker\n");
	ck_assert_int_eq(nvt_ctrl_reset(ctrl), 0);
	fprintf(stderr, "  reset done\n");
	ck_assert_int_eq(nvt_ioworker_close(w, &r), 0);
	ck_assert(r.reset);
	ck_assert_int_eq(r.error, 0);
	ck_assert_uint_gt(r.io_count, 0);
	ck_assert_uint_lt(r.duration_ns, 5000000000ULL);
	nvt_ioworker_result_free(&r);
}
END_TEST

/* ---- as many workers as the controller has queues, then one more ---- */

START_TEST(test_workers_up_to_queue_limit_then_one_more_refused)
{
	struct nvt_ioworker_args a[16];
	struct nvt_ns *nss[16];
	struct nvt_ioworker *w[16], *extra = NULL;
	struct nvt_ioworker_result r;
	uint32_t nsq, ncq;
	unsigned int i, n;

	ck_assert_int_eq(nvt_ctrl_queues_granted(ctrl, &nsq, &ncq), 0);
	n = nsq < ncq ? nsq : ncq;
	ck_assert_uint_le(n, 16);
	for (i = 0; i < n; i++) {
		nss[i] = ns;
		nvt_ioworker_args_init(&a[i]);
		a[i].qdepth = 2;
		a[i].time_ms = 1500;
		a[i].region_start = 600000 + i * 1000;
		a[i].region_end = 600000 + (i + 1) * 1000;
	}
	ck_assert_int_eq(nvt_ioworker_start_group(nss, a, n, w), 0);
	ck_assert_int_eq(nvt_ioworker_start(ns, &a[0], &extra), -ENOSPC);
	fprintf(stderr, "  %u workers running, one more refused; closing them\n", n);
	ck_assert_ptr_null(extra);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(nvt_ioworker_close(w[i], &r), 0);
		ck_assert_uint_gt(r.io_count, 0);
		ck_assert_int_eq(r.error, 0);
		nvt_ioworker_result_free(&r);
	}
	fprintf(stderr, "  %u workers closed\n", n);
}
END_TEST

/* ---- on the null-backed controller: iops cap and speed ---- */

static struct nvt_ctrl *ctrl2;
static struct nvt_ns *ns2;

static void setup2(void)
{
	setup();
	ck_assert_int_eq(nvt_ctrl_open(dev2_path(), &ctrl2), 0);
	ck_assert_int_eq(nvt_ns_open(ctrl2, 1, &ns2), 0);
}

static void teardown2(void)
{
	nvt_ns_close(ns2);
	nvt_ctrl_close(ctrl2);
	teardown();
}

START_TEST(test_iops_cap_exact_each_second)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	unsigned int i;

	nvt_ioworker_args_init(&a);
	a.iops = 1000;
	a.qdepth = 8;
	a.time_ms = 3000;
	ck_assert_int_eq(run(ns2, &a, &r), 0);
	ck_assert_uint_ge(r.seconds, 3);
	for (i = 0; i < 3; i++) {
		fprintf(stderr, "  iops cap 1000: second %u: %llu\n", i,
			(unsigned long long)r.io_per_second[i]);
		ck_assert_uint_ge(r.io_per_second[i], 999);
		ck_assert_uint_le(r.io_per_second[i], 1001);
	}
	nvt_ioworker_result_free(&r);
}
END_TEST

START_TEST(test_measure_4k_randread_qd32_polling)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	uint64_t p99 = 0;

	nvt_ioworker_args_init(&a);
	a.io_size = 8;		/* 4 KiB in 512-byte LBAs */
	a.qdepth = 32;
	a.time_ms = 5000;
	ck_assert_int_eq(run(ns2, &a, &r), 0);
	nvt_ioworker_percentile(&r, 99, &p99);
	fprintf(stderr, "  4K randread QD32 polling on %s: %.0f IOPS, %.1f MB/s, avg %.1f us, p99 %llu us, max %llu us, cpu %.2f\n",
		dev2_path(), r.iops, r.mbps, r.latency_avg_us, (unsigned long long)p99,
		(unsigned long long)r.latency_max_us, r.cpu_usage);
	ck_assert(r.iops > 1000);
	ck_assert_int_eq(r.error, 0);
	nvt_ioworker_result_free(&r);

	a.flags = NVT_IOWORKER_F_IRQ;
	a.time_ms = 3000;
	ck_assert_int_eq(run(ns2, &a, &r), 0);
	fprintf(stderr, "  4K randread QD32 interrupts on %s: %.0f IOPS, avg %.1f us, cpu %.2f\n",
		dev2_path(), r.iops, r.latency_avg_us, r.cpu_usage);
	ck_assert(r.iops > 100);
	nvt_ioworker_result_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("lib_ioworker");
	TCase *tc = tcase_create("ns1");
	TCase *tc2 = tcase_create("null");
	TCase *tcl = tcase_create("limit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_invalid_combinations_rejected);
	tcase_add_test(tc, test_io_count_stops_after_exactly_n);
	tcase_add_test(tc, test_time_stops_after_time_ms);
	tcase_add_test(tc, test_io_sequence_qd1_in_order_then_progress_equals_result);
	tcase_add_test(tc, test_sequential_fill_writes_exactly_the_region);
	tcase_add_test(tc, test_lba_step_negative_and_zero);
	tcase_add_test(tc, test_distribution_and_weighted_sizes);
	tcase_add_test(tc, test_op_percentage_counts_add_up);
	tcase_add_test(tc, test_two_verified_workers_disjoint_then_clean_read_back);
	tcase_add_test(tc, test_verified_read_reports_miscompare_and_its_command);
	tcase_add_test(tc, test_worker_while_admin_commands_run);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tcl, setup, teardown);
	tcase_set_timeout(tcl, 120);
	tcase_add_test(tcl, test_workers_up_to_queue_limit_then_one_more_refused);
	suite_add_tcase(s, tcl);

	/*
	 * Opt-in: nvt_ctrl_reset() while a worker's thread is submitting
	 * made QEMU 7.2 itself segfault in about 1 run of 4 (kernel 6.1),
	 * and nvt_ctrl_reset() documents that no other thread may use the
	 * controller meanwhile. NVT_TEST_RESET_UNDER_IO=1 runs it.
	 */
	if (getenv("NVT_TEST_RESET_UNDER_IO")) {
		TCase *tcr = tcase_create("reset");

		tcase_add_checked_fixture(tcr, setup, teardown);
		tcase_set_timeout(tcr, 120);
		tcase_add_test(tcr, test_reset_ends_worker_with_partial_results);
		suite_add_tcase(s, tcr);
	}

	tcase_add_checked_fixture(tc2, setup2, teardown2);
	tcase_set_timeout(tc2, 120);
	tcase_add_test(tc2, test_iops_cap_exact_each_second);
	tcase_add_test(tc2, test_measure_4k_randread_qd32_polling);
	suite_add_tcase(s, tc2);
	return s;
}

int main(void)
{
	return run_device_suite(suite(), NVT_FEATURE_QPAIR | NVT_FEATURE_IRQ | NVT_FEATURE_CRC |
				NVT_FEATURE_ADMIN | NVT_FEATURE_DMABUF, true);
}
