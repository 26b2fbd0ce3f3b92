// SPDX-License-Identifier: MIT
/*
 * iow_bench: one IOWorker run, one JSON line on stdout.
 *
 *   iow_bench DEV NSID RW BS QD SECONDS VERIFY CPU [REGION_LBAS [poll|irq]]
 *
 * DEV: /dev/nvmetestN, nvmetestN or a PCI address. RW: randread, randwrite
 * or read (sequential). BS: bytes per command (a multiple of the LBA
 * size). QD: commands outstanding (the IOWorker accepts 1 .. CAP.MQES).
 * SECONDS: run time. VERIFY 1: the namespace's data verification is
 * switched on, the region is first written sequentially (verified writes
 * record the CRCs; not timed), then the timed run uses
 * NVT_IOWORKER_F_VERIFY; VERIFY 0: no verification. CPU: the worker thread
 * is pinned there (NVT_IOWORKER_F_CPU). REGION_LBAS: the IO region from
 * LBA 0 (0 or absent: the whole namespace). poll (default) or irq: the
 * worker spins on its completion queue, or sleeps on the queue's interrupt
 * when it has nothing to submit (NVT_IOWORKER_F_IRQ).
 *
 * Never use VERIFY 1 on a null-co namespace: it stores nothing.
 * No speed is asserted: the numbers are printed, that's all.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvmetest/nvmetest.h>

static void usage(void)
{
	fprintf(stderr, "usage: iow_bench DEV NSID randread|randwrite|read BS QD SECONDS "
			"VERIFY(0|1) CPU [REGION_LBAS [poll|irq]]\n");
	exit(2);
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		usage();
	return v;
}

static int run(struct nvt_ns *ns, const struct nvt_ioworker_args *a, struct nvt_ioworker_result *r)
{
	struct nvt_ioworker *w;
	int ret = nvt_ioworker_start(ns, a, &w);

	if (ret) {
		memset(r, 0, sizeof(*r));
		return ret;
	}
	return nvt_ioworker_close(w, r);
}

int main(int argc, char **argv)
{
	struct nvt_ioworker_args a;
	struct nvt_ioworker_result r;
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_ns *ns = NULL;
	const char *dev, *rw;
	unsigned long long nsid, bs, qd, secs, verify, cpu, region = 0;
	uint64_t p99 = 0, p50 = 0;
	uint32_t lbasz;
	uint32_t mode = 0;
	int ret;

	if (argc < 9 || argc > 11)
		usage();
	dev = argv[1];
	nsid = num(argv[2]);
	rw = argv[3];
	bs = num(argv[4]);
	qd = num(argv[5]);
	secs = num(argv[6]);
	verify = num(argv[7]);
	cpu = num(argv[8]);
	if (argc >= 10)
		region = num(argv[9]);
	if (argc >= 11) {
		if (!strcmp(argv[10], "irq"))
			mode = NVT_IOWORKER_F_IRQ;
		else if (strcmp(argv[10], "poll"))
			usage();
	}
	if (strcmp(rw, "randread") && strcmp(rw, "randwrite") && strcmp(rw, "read"))
		usage();

	ret = nvt_ctrl_open(dev, &ctrl);
	if (ret) {
		fprintf(stderr, "iow_bench: nvt_ctrl_open(%s): %d\n", dev, ret);
		return 1;
	}
	ret = nvt_ns_open(ctrl, (uint32_t)nsid, &ns);
	if (ret) {
		fprintf(stderr, "iow_bench: nvt_ns_open(%llu): %d\n", nsid, ret);
		nvt_ctrl_close(ctrl);
		return 1;
	}
	lbasz = nvt_ns_lba_size(ns);
	if (!bs || bs % lbasz) {
		fprintf(stderr, "iow_bench: bs %llu is not a multiple of the LBA size %u\n", bs, lbasz);
		ret = 1;
		goto out;
	}

	if (verify) {
		ret = nvt_ns_verify_enable(ns, true);
		if (ret) {
			fprintf(stderr, "iow_bench: nvt_ns_verify_enable: %d\n", ret);
			goto out_fail;
		}
		if (strcmp(rw, "randwrite")) {
			/* Fill the region (verified writes record the CRCs), not timed. */
			nvt_ioworker_args_init(&a);
			a.flags = NVT_IOWORKER_F_VERIFY | NVT_IOWORKER_F_CPU;
			a.cpu = (uint32_t)cpu;
			a.io_size = (uint32_t)(bs / lbasz);
			a.lba_random = 0;
			a.read_percentage = 0;
			a.qdepth = 32;
			a.region_start = 0;
			a.region_end = region ? region : UINT64_MAX;
			ret = run(ns, &a, &r);
			if (ret) {
				fprintf(stderr, "iow_bench: fill: %d (error %d)\n", ret, r.error);
				nvt_ioworker_result_free(&r);
				goto out_fail;
			}
			fprintf(stderr, "iow_bench: filled %llu LBAs in %.2f s\n",
				(unsigned long long)(r.bytes / lbasz), r.duration_ns / 1e9);
			nvt_ioworker_result_free(&r);
		}
	}

	nvt_ioworker_args_init(&a);
	a.flags = NVT_IOWORKER_F_CPU | mode | (verify ? NVT_IOWORKER_F_VERIFY : 0);
	a.cpu = (uint32_t)cpu;
	a.io_size = (uint32_t)(bs / lbasz);
	a.lba_random = strcmp(rw, "read") ? 100 : 0;
	a.read_percentage = strcmp(rw, "randwrite") ? 100 : 0;
	a.qdepth = (uint32_t)qd;
	a.time_ms = secs * 1000;
	a.region_start = 0;
	a.region_end = region ? region : UINT64_MAX;
	ret = run(ns, &a, &r);
	if (ret) {
		fprintf(stderr, "iow_bench: run: %d (error %d)\n", ret, r.error);
		nvt_ioworker_result_free(&r);
		goto out_fail;
	}
	nvt_ioworker_percentile(&r, 99.0, &p99);
	nvt_ioworker_percentile(&r, 50.0, &p50);
	printf("{\"tool\":\"nvmetest\",\"dev\":\"%s\",\"nsid\":%llu,\"rw\":\"%s\",\"bs\":%llu,"
	       "\"qd\":%llu,\"verify\":%llu,\"mode\":\"%s\",\"cpu\":%llu,\"seconds\":%.3f,\"ios\":%llu,"
	       "\"iops\":%.1f,\"mbps\":%.1f,\"avg_us\":%.2f,\"p50_us\":%llu,\"p99_us\":%llu,"
	       "\"max_us\":%llu,\"cpu_usage\":%.3f}\n",
	       dev, nsid, rw, bs, qd, verify, mode ? "irq" : "poll", cpu, r.duration_ns / 1e9,
	       (unsigned long long)r.io_count, r.iops, r.mbps, r.latency_avg_us,
	       (unsigned long long)p50, (unsigned long long)p99,
	       (unsigned long long)r.latency_max_us, r.cpu_usage);
	fflush(stdout);
	nvt_ioworker_result_free(&r);
	ret = 0;
	goto out;
out_fail:
	ret = 1;
out:
	nvt_ns_close(ns);
	nvt_ctrl_close(ctrl);
	return ret;
}
