// SPDX-License-Identifier: MIT
/*
 * nvmetest perf DEV: a fio-like benchmark over the library's IOWorker
 * (ioworker.h). --workers IOWorkers are started together on one namespace
 * (nvt_ioworker_start_group()), each with its own qpair and thread; random
 * workloads share the region, sequential ones get one slice of it each.
 * Prints a summary per worker and in total, a latency percentile table and
 * a histogram, or with --json one JSON object with all of that.
 *
 * On a terminal a live line, refreshed every second from the workers'
 * counters (nvt_ioworker_progress()), shows the last second's IOPS, MB/s
 * and average latency, the longest latency so far and the time left.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_NSID, OPT_RW, OPT_RWMIX, OPT_BS, OPT_QD, OPT_TIME, OPT_COUNT, OPT_VERIFY,
	OPT_WORKERS, OPT_IOPS, OPT_REGION, OPT_IRQ, OPT_JSON, OPT_INIT,
};

#define HAS(opt)	(flags & (1u << (opt)))
#define MAX_WORKERS	1024
#define DEFAULT_TIME_S	10
#define HIST_BUCKETS	21	/* < 1 us, [2^(i-1), 2^i) us, the last >= 2^19 us */

static const double percentiles[] = { 50, 90, 99, 99.9, 99.99 };
#define N_PCT	(sizeof(percentiles) / sizeof(percentiles[0]))

struct perf_args {
	const char *dev;
	uint32_t nsid;
	const char *rw;
	bool random;
	uint32_t read_pct;
	uint64_t bs;		/* bytes */
	uint64_t qd;
	uint64_t time_s;
	uint64_t count;
	uint64_t workers;
	uint64_t iops;
	bool region_set;
	uint64_t region_start, region_end;
	bool verify, irq, json;
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* --bs: bytes, with an optional k/m suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t len = strlen(s);
	uint64_t mult = 1, v;

	if (len && len < sizeof(num) && strchr("kKmM", s[len - 1])) {
		mult = strchr("kK", s[len - 1]) ? 1024 : 1024 * 1024;
		len--;
	}
	if (!len || len >= sizeof(num)) {
		cli_err("--bs: '%s' is not a size (512, 4k, 128k, 1m)", s);
		return -EINVAL;
	}
	memcpy(num, s, len);
	num[len] = '\0';
	if (cli_number("--bs", num, (2u << 20) / mult, &v))
		return -EINVAL;
	*out = v * mult;
	return 0;
}

/* --region START:END, LBAs, END excluded. */
static int parse_region(const char *s, struct perf_args *a)
{
	const char *colon = strchr(s, ':');
	char start[32];

	if (!colon || (size_t)(colon - s) >= sizeof(start)) {
		cli_err("--region: '%s' is not START:END (LBAs, END excluded)", s);
		return -EINVAL;
	}
	memcpy(start, s, colon - s);
	start[colon - s] = '\0';
	if (cli_number("--region START", start, UINT64_MAX, &a->region_start) ||
	    cli_number("--region END", colon + 1, UINT64_MAX, &a->region_end))
		return -EINVAL;
	if (a->region_end <= a->region_start) {
		cli_err("--region: END must be above START");
		return -EINVAL;
	}
	a->region_set = true;
	return 0;
}

static int parse_args(char **args, unsigned int flags, char **values, struct perf_args *a)
{
	uint64_t nsid = 1, mix = 50;

	a->dev = args[0];
	a->rw = HAS(OPT_RW) ? values[OPT_RW] : "randread";
	a->bs = 4096;
	a->qd = 32;
	a->workers = 1;
	a->verify = HAS(OPT_VERIFY);
	a->irq = HAS(OPT_IRQ);
	a->json = HAS(OPT_JSON);
	if (cli_option(flags, values, OPT_NSID, "--nsid", 0xfffffffe, &nsid) ||
	    cli_option(flags, values, OPT_RWMIX, "--rwmix", 100, &mix) ||
	    cli_option(flags, values, OPT_QD, "--qd", 65535, &a->qd) ||
	    cli_option(flags, values, OPT_TIME, "--time", UINT64_MAX / 1000, &a->time_s) ||
	    cli_option(flags, values, OPT_COUNT, "--count", UINT64_MAX, &a->count) ||
	    cli_option(flags, values, OPT_WORKERS, "--workers", MAX_WORKERS, &a->workers) ||
	    cli_option(flags, values, OPT_IOPS, "--iops", UINT64_MAX, &a->iops) ||
	    (HAS(OPT_BS) && parse_size(values[OPT_BS], &a->bs)) ||
	    (HAS(OPT_REGION) && parse_region(values[OPT_REGION], a)))
		return -EINVAL;
	a->nsid = (uint32_t)nsid;
	if (!strcmp(a->rw, "randread") || !strcmp(a->rw, "read"))
		a->read_pct = 100;
	else if (!strcmp(a->rw, "randwrite") || !strcmp(a->rw, "write"))
		a->read_pct = 0;
	else if (!strcmp(a->rw, "randrw"))
		a->read_pct = (uint32_t)mix;
	else {
		cli_err("--rw: '%s' is not randread, randwrite, read, write or randrw", a->rw);
		return -EINVAL;
	}
	a->random = !strncmp(a->rw, "rand", 4);
	if (HAS(OPT_RWMIX) && strcmp(a->rw, "randrw")) {
		cli_err("--rwmix goes with --rw randrw");
		return -EINVAL;
	}
	if (!nsid || !a->bs || !a->qd || !a->workers ||
	    (HAS(OPT_TIME) && !a->time_s) || (HAS(OPT_COUNT) && a->count < a->workers) ||
	    (a->iops && a->iops < a->workers)) {
		cli_err("perf: %s", !nsid ? "--nsid 0 is not a namespace" :
			!a->bs ? "--bs 0: at least one LBA" :
			!a->qd ? "--qd: at least 1" :
			!a->workers ? "--workers: at least 1" :
			HAS(OPT_TIME) && !a->time_s ? "--time: at least 1 second" :
			HAS(OPT_COUNT) ? "--count: at least one IO per worker" :
			"--iops: at least one IO per second per worker");
		return -EINVAL;
	}
	if (!HAS(OPT_TIME) && !HAS(OPT_COUNT))
		a->time_s = DEFAULT_TIME_S;
	return 0;
}

/* Worker @i's share of @total (the first ones get the remainder). */
static uint64_t share(uint64_t total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n);
}

/* The IOWorker parameters of each worker. Return: 0 or -EINVAL (explained). */
static int make_args(const struct perf_args *a, struct nvt_ns *ns, struct nvt_ioworker_args *wa)
{
	uint32_t lba_size = nvt_ns_lba_size(ns);
	uint64_t cap = nvt_ns_capacity(ns), start = 0, end = cap, len;
	unsigned int i, n = (unsigned int)a->workers;

	if (a->bs % lba_size) {
		cli_err("--bs: %" PRIu64 " bytes is not a multiple of the LBA size (%u bytes)",
			a->bs, lba_size);
		return -EINVAL;
	}
	if (a->region_set) {
		if (a->region_end > cap) {
			cli_err("--region: END %" PRIu64 " is beyond the namespace's %" PRIu64
				" LBAs", a->region_end, cap);
			return -EINVAL;
		}
		start = a->region_start;
		end = a->region_end;
	}
	len = end - start;
	if (!a->random && len / n < a->bs / lba_size) {
		cli_err("--region: too small for %u sequential workers of %" PRIu64 " bytes", n,
			a->bs);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		struct nvt_ioworker_args *w = &wa[i];

		nvt_ioworker_args_init(w);
		w->io_size = (uint32_t)(a->bs / lba_size);
		w->lba_random = a->random ? 100 : 0;
		w->read_percentage = a->read_pct;
		w->qdepth = (uint32_t)a->qd;
		w->time_ms = a->time_s * 1000;
		w->io_count = a->count ? share(a->count, n, i) : 0;
		w->iops = a->iops ? share(a->iops, n, i) : 0;
		w->region_start = start;
		w->region_end = end;
		if (!a->random) {	/* a slice each */
			w->region_start = start + len / n * i;
			w->region_end = i == n - 1 ? end : start + len / n * (i + 1);
		}
		w->lba_start = w->region_start;
		if (a->verify)
			w->flags |= NVT_IOWORKER_F_VERIFY;
		if (a->irq)
			w->flags |= NVT_IOWORKER_F_IRQ;
		if (nvt_ioworker_check(ns, w))
			return -EINVAL;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The workers' counters added up; the longest latency of all. */
static void progress_sum(struct nvt_ioworker **w, unsigned int n, struct nvt_ioworker_progress *t)
{
	struct nvt_ioworker_progress p;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (nvt_ioworker_progress(w[i], &p))
			continue;
		t->io_count += p.io_count;
		t->bytes += p.bytes;
		t->latency_sum_us += p.latency_sum_us;
		if (p.latency_max_us > t->latency_max_us)
			t->latency_max_us = p.latency_max_us;
		t->running |= p.running;
	}
}

/* One live line: the rates since @prev (taken @dt seconds before @cur). */
static void print_live(const struct perf_args *a, double el, double dt,
		       const struct nvt_ioworker_progress *prev,
		       const struct nvt_ioworker_progress *cur, unsigned int running,
		       unsigned int n, bool stopped)
{
	uint64_t ios = cur->io_count - prev->io_count;

	printf("\r\033[Kperf: %.0f s, %.0f IOPS, %.1f MB/s, lat avg %.1f us max %" PRIu64 " us",
	       el, ios / dt, (cur->bytes - prev->bytes) / dt / 1e6,
	       ios ? (double)(cur->latency_sum_us - prev->latency_sum_us) / ios : 0.0,
	       cur->latency_max_us);
	if (a->time_s)
		printf(", %.0f s left", el < a->time_s ? a->time_s - el : 0);
	if (n > 1 || stopped)
		printf(", %u of %u worker%s running%s", running, n, n == 1 ? "" : "s",
		       stopped ? ", stopping" : "");
	fflush(stdout);
}

/*
 * Wait for the workers; on a terminal, one live line a second. Ctrl-C asks
 * them to stop (they finish their outstanding commands).
 */
static void wait_workers(const struct perf_args *a, struct nvt_ioworker **w, unsigned int n)
{
	bool live = !a->json && isatty(STDOUT_FILENO), stopped = false;
	struct nvt_ioworker_progress prev, cur;
	double t0 = now_s(), last = 0;
	unsigned int i, running;

	memset(&prev, 0, sizeof(prev));
	for (;;) {
		double el = now_s() - t0;

		for (i = running = 0; i < n; i++)
			running += nvt_ioworker_running(w[i]);
		if (!running)
			break;
		if (interrupted && !stopped) {
			for (i = 0; i < n; i++)
				nvt_ioworker_stop(w[i]);
			stopped = true;
		}
		if (live && el - last >= 1.0) {
			progress_sum(w, n, &cur);
			print_live(a, el, el - last, &prev, &cur, running, n, stopped);
			prev = cur;
			last = el;
		}
		usleep(50000);
	}
	if (live && last > 0) {
		printf("\r\033[K");
		fflush(stdout);
	}
}

/* The sum of the workers' results; its latency_hist is a new array. */
static int total_of(const struct nvt_ioworker_result *r, unsigned int n,
		    struct nvt_ioworker_result *t)
{
	double lat_sum = 0;
	unsigned int i, b;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		t->io_count_read += r[i].io_count_read;
		t->io_count_write += r[i].io_count_write;
		t->io_count_other += r[i].io_count_other;
		t->io_count += r[i].io_count;
		t->bytes += r[i].bytes;
		t->cpu_ns += r[i].cpu_ns;
		t->cpu_usage += r[i].cpu_usage;
		lat_sum += r[i].latency_avg_us * r[i].io_count;
		if (r[i].duration_ns > t->duration_ns)
			t->duration_ns = r[i].duration_ns;
		if (r[i].latency_max_us > t->latency_max_us)
			t->latency_max_us = r[i].latency_max_us;
		if (!t->error && r[i].error) {
			t->error = r[i].error;
			t->error_cmd = r[i].error_cmd;
		}
	}
	if (t->io_count)
		t->latency_avg_us = lat_sum / t->io_count;
	if (t->duration_ns) {
		t->iops = t->io_count * 1e9 / t->duration_ns;
		t->mbps = t->bytes * 1e3 / t->duration_ns;
	}
	t->latency_hist = calloc(NVT_IOWORKER_LAT_BUCKETS, sizeof(uint32_t));
	if (!t->latency_hist)
		return -ENOMEM;
	t->latency_buckets = NVT_IOWORKER_LAT_BUCKETS;
	for (i = 0; i < n; i++)
		for (b = 0; r[i].latency_hist && b < r[i].latency_buckets &&
			    b < t->latency_buckets; b++) {
			uint64_t s = (uint64_t)t->latency_hist[b] + r[i].latency_hist[b];

			t->latency_hist[b] = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
		}
	return 0;
}

/* Commands per histogram bucket: < 1 us, then powers of 2. */
static void hist_of(const struct nvt_ioworker_result *t, uint64_t *h)
{
	unsigned int b, k;

	memset(h, 0, HIST_BUCKETS * sizeof(*h));
	for (b = 0; t->latency_hist && b < t->latency_buckets; b++) {
		if (!t->latency_hist[b])
			continue;
		for (k = 0; k < HIST_BUCKETS - 1 && b >= (1u << k); k++)
			;
		h[k] += t->latency_hist[b];
	}
}

static uint64_t hist_lo(unsigned int k)
{
	return k ? 1ull << (k - 1) : 0;
}

static const char *us_text(uint64_t us, char *buf, size_t len)
{
	if (us >= 1000000)
		snprintf(buf, len, "%.3g s", us / 1e6);
	else if (us >= 10000)
		snprintf(buf, len, "%.3g ms", us / 1e3);
	else
		snprintf(buf, len, "%" PRIu64 " us", us);
	return buf;
}

static const char *op_text(uint8_t opcode)
{
	return opcode == NVT_IO_READ ? "read" : opcode == NVT_IO_WRITE ? "write" : "command";
}

static const char *error_text(int error, char *buf, size_t len)
{
	if (error > 0)
		nvt_status_format((uint16_t)error, buf, len);
	else
		snprintf(buf, len, "ERROR: %s", strerror(-error));
	return buf;
}

static void print_error_line(FILE *f, const char *who, const struct nvt_ioworker_result *r)
{
	char text[128];

	fprintf(f, "%s: %s (%s of LBA 0x%" PRIx64 ", %u LBAs, opcode 0x%02x)\n", who,
		error_text(r->error, text, sizeof(text)), op_text(r->error_cmd.opcode),
		r->error_cmd.slba, r->error_cmd.nlb, r->error_cmd.opcode);
}

static void print_row(const char *who, const struct nvt_ioworker_result *r)
{
	printf("%-8s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %11.0f %9.1f %9.1f %9" PRIu64
	       " %6.0f%%\n", who, r->io_count, r->io_count_read, r->io_count_write, r->iops,
	       r->mbps, r->latency_avg_us, r->latency_max_us, r->cpu_usage * 100);
}

static void print_text(const struct perf_args *a, const struct nvt_ioworker_result *r,
		       unsigned int n, const struct nvt_ioworker_result *t)
{
	uint64_t h[HIST_BUCKETS], hmax = 0, us;
	unsigned int i, k, first = HIST_BUCKETS, last = 0;
	char who[32], lo[16], hi[16];

	printf("%-8s %12s %12s %12s %11s %9s %9s %9s %7s\n", "worker", "IOs", "reads", "writes",
	       "IOPS", "MB/s", "lat avg", "lat max", "CPU");
	for (i = 0; i < n; i++) {
		snprintf(who, sizeof(who), "%u", i);
		print_row(who, &r[i]);
	}
	if (n > 1)
		print_row("total", t);
	printf("(%.3f s; latencies in us; MB = 10^6 bytes; CPU: of one core)\n",
	       t->duration_ns / 1e9);
	for (i = 0; i < n; i++) {
		double c;

		if (!nvt_ioworker_iops_consistency(&r[i], &c))
			printf("worker %u: IOPS consistency %.3f (99.9th-percentile slowest second / average)\n",
			       i, c);
	}
	for (i = 0; i < n; i++) {
		if (r[i].error) {
			snprintf(who, sizeof(who), "worker %u", i);
			print_error_line(stdout, who, &r[i]);
		}
		if (r[i].reset)
			printf("worker %u: the controller was reset: partial results\n", i);
	}
	if (!t->io_count)
		return;
	printf("\nlatency percentiles:\n");
	for (i = 0; i < N_PCT; i++)
		if (!nvt_ioworker_percentile(t, percentiles[i], &us))
			printf("  %6g%%  %s\n", percentiles[i], us_text(us, lo, sizeof(lo)));
	hist_of(t, h);
	for (k = 0; k < HIST_BUCKETS; k++) {
		if (!h[k])
			continue;
		first = k < first ? k : first;
		last = k;
		hmax = h[k] > hmax ? h[k] : hmax;
	}
	printf("\nlatency histogram:\n");
	for (k = first; k <= last; k++) {
		int bar = (int)((h[k] * 40 + hmax - 1) / hmax);

		us_text(hist_lo(k), lo, sizeof(lo));
		if (k == HIST_BUCKETS - 1)
			snprintf(hi, sizeof(hi), "...");
		else
			us_text(hist_lo(k + 1), hi, sizeof(hi));
		printf("  %7s .. %-8s %6.2f%% %.*s\n", lo, hi, h[k] * 100.0 / t->io_count, bar,
		       "########################################");
	}
	(void)a;
}

static void json_result(const struct nvt_ioworker_result *r)
{
	double consistency;
	char text[128];
	const char *p;

	printf("{\"ios\": %" PRIu64 ", \"reads\": %" PRIu64 ", \"writes\": %" PRIu64
	       ", \"other\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"duration_s\": %.6f"
	       ", \"iops\": %.1f, \"mbps\": %.3f, \"lat_avg_us\": %.2f, \"lat_max_us\": %" PRIu64
	       ", \"cpu_usage\": %.4f, \"reset\": %s, \"iops_consistency\": ",
	       r->io_count, r->io_count_read, r->io_count_write, r->io_count_other, r->bytes,
	       r->duration_ns / 1e9, r->iops, r->mbps, r->latency_avg_us, r->latency_max_us,
	       r->cpu_usage, r->reset ? "true" : "false");
	if (!nvt_ioworker_iops_consistency(r, &consistency))
		printf("%.4f, \"error\": ", consistency);
	else
		printf("null, \"error\": ");
	if (!r->error) {
		printf("null}");
		return;
	}
	error_text(r->error, text, sizeof(text));
	printf("{\"status\": %d, \"text\": \"", r->error);
	for (p = text; *p; p++)
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char)*p >= 0x20)
			putchar(*p);
	printf("\", \"opcode\": %u, \"slba\": %" PRIu64 ", \"nlb\": %u}}", r->error_cmd.opcode,
	       r->error_cmd.slba, r->error_cmd.nlb);
}

static void print_json(const struct perf_args *a, const struct nvt_ioworker_result *r,
		       unsigned int n, const struct nvt_ioworker_result *t)
{
	uint64_t h[HIST_BUCKETS], us;
	unsigned int i, k;
	const char *sep = "";

	printf("{\"device\": \"%s\", \"nsid\": %u, \"rw\": \"%s\", \"bs\": %" PRIu64
	       ", \"qd\": %" PRIu64 ", \"workers\": %u, \"verify\": %s, \"results\": [",
	       a->dev, a->nsid, a->rw, a->bs, a->qd, n, a->verify ? "true" : "false");
	for (i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		json_result(&r[i]);
	}
	printf("], \"total\": ");
	json_result(t);
	printf(", \"percentiles_us\": {");
	for (i = 0; i < N_PCT; i++)
		if (!nvt_ioworker_percentile(t, percentiles[i], &us)) {
			printf("%s\"%g\": %" PRIu64, sep, percentiles[i], us);
			sep = ", ";
		}
	printf("}, \"histogram\": [");
	hist_of(t, h);
	sep = "";
	for (k = 0; k < HIST_BUCKETS; k++) {
		if (!h[k])
			continue;
		printf("%s{\"from_us\": %" PRIu64 ", \"to_us\": ", sep, hist_lo(k));
		if (k == HIST_BUCKETS - 1)
			printf("null");
		else
			printf("%" PRIu64, hist_lo(k + 1));
		printf(", \"count\": %" PRIu64 "}", h[k]);
		sep = ", ";
	}
	printf("]}\n");
}

static int perf_run(char **args, unsigned int flags, char **values)
{
	struct perf_args a = { 0 };
	struct nvt_ioworker_args *wa = NULL;
	struct nvt_ioworker_result *res = NULL, total = { 0 };
	struct nvt_ioworker **w = NULL;
	struct nvt_ns **nss = NULL;
	struct nvt_ctrl *ctrl = NULL;
	struct nvt_ns *ns = NULL;
	unsigned int n, i;
	int ret, status = EXIT_FAILURE;

	if (parse_args(args, flags, values, &a))
		return EXIT_USAGE;
	n = (unsigned int)a.workers;
	wa = calloc(n, sizeof(*wa));
	res = calloc(n, sizeof(*res));
	w = calloc(n, sizeof(*w));
	nss = calloc(n, sizeof(*nss));
	if (!wa || !res || !w || !nss) {
		cli_err("out of memory");
		goto out;
	}
	if (cli_ctrl_open(a.dev, HAS(OPT_INIT), &ctrl))
		goto out;
	if (cli_known_queues(ctrl))
		goto out;
	ret = nvt_ns_open(ctrl, a.nsid, &ns);
	if (ret) {
		cli_print_failure(stderr, "opening the namespace", ret);
		goto out;
	}
	if (a.verify && (ret = nvt_ns_verify_enable(ns, true))) {
		cli_print_failure(stderr, "--verify", ret);
		goto out;
	}
	if (make_args(&a, ns, wa)) {
		status = EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n; i++)
		nss[i] = ns;
	signal(SIGINT, on_sigint);
	ret = nvt_ioworker_start_group(nss, wa, n, w);
	if (ret) {
		cli_print_failure(stderr, "starting the workers", ret);
		goto out;
	}
	nvt_set_log_level(NVT_LOG_ERR);
	wait_workers(&a, w, n);
	status = EXIT_SUCCESS;
	for (i = 0; i < n; i++) {
		ret = nvt_ioworker_close(w[i], &res[i]);
		w[i] = NULL;
		if (ret == -ENOMEM)
			cli_err("worker %u: no memory for its latency histogram", i);
		if (res[i].error)
			status = EXIT_FAILURE;
	}
	if (total_of(res, n, &total)) {
		cli_err("out of memory");
		status = EXIT_FAILURE;
		goto out;
	}
	if (a.json)
		print_json(&a, res, n, &total);
	else
		print_text(&a, res, n, &total);
	for (i = 0; i < n; i++)
		if (res[i].error) {
			char who[32];

			snprintf(who, sizeof(who), "nvmetest: worker %u", i);
			print_error_line(stderr, who, &res[i]);
		}
out:
	for (i = 0; w && i < n; i++)
		nvt_ioworker_close(w[i], NULL);
	for (i = 0; res && i < n; i++)
		nvt_ioworker_result_free(&res[i]);
	free(total.latency_hist);
	free(wa);
	free(res);
	free(w);
	free(nss);
	nvt_ns_close(ns);
	nvt_ctrl_close(ctrl);
	return status;
}

static const struct cli_flag perf_flags[] = {
	[OPT_NSID] = { "nsid", "the namespace (default 1)", "N", 'n' },
	[OPT_RW] = { "rw", "randread (default), randwrite, read, write or randrw", "RW", 0 },
	[OPT_RWMIX] = { "rwmix", "reads in percent of randrw (default 50)", "PCT", 0 },
	[OPT_BS] = { "bs", "bytes per IO: 512, 4k (default), 128k, 1m ...", "SIZE", 0 },
	[OPT_QD] = { "qd", "commands outstanding per worker (default 32)", "N", 0 },
	[OPT_TIME] = { "time", "run for S seconds (default 10 without --count)", "S", 0 },
	[OPT_COUNT] = { "count", "stop after N IOs in all (shared by the workers)", "N", 0 },
	[OPT_VERIFY] = { "verify", "verify the data (the namespace's verification table)",
			 NULL, 0 },
	[OPT_WORKERS] = { "workers", "IOWorkers, started together (default 1)", "N", 0 },
	[OPT_IOPS] = { "iops", "cap of IOs per second in all (default: none)", "N", 0 },
	[OPT_REGION] = { "region", "LBAs START:END (END excluded; default: all)", "S:E", 0 },
	[OPT_IRQ] = { "irq", "sleep on the interrupt instead of polling", NULL, 0 },
	[OPT_JSON] = { "json", "print one JSON object, no progress line", NULL, 0 },
	[OPT_INIT] = CLI_FLAG_INIT,
	{ NULL, NULL, NULL, 0 },
};

const struct cli_cmd cmd_perf = {
	.name = "perf",
	.args = "DEV",
	.summary = "benchmark a namespace with IOWorkers (fio-like)",
	.help = "Runs --workers IOWorkers on namespace --nsid, started together, each with\n"
		"its own IO queue pair and thread. Random workloads share the region;\n"
		"sequential ones get a slice of it each. On a terminal a line shows the\n"
		"elapsed time and the time left (the workers' counts come at the end).\n"
		"Prints IOs, IOPS, MB/s, latency average and max and CPU usage per worker\n"
		"and in total, latency percentiles and a histogram; --json prints them as\n"
		"one JSON object. A worker stops at its first failed command (or\n"
		"miscompare with --verify), which is reported with its status.\n"
		"Exit status 1 if a worker fails, 2 for bad options.\n",
	.flags = perf_flags,
	.nargs = 1,
	.run = perf_run,
};
