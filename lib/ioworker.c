// SPDX-License-Identifier: MIT
/*
 * IOWorker: pynvme's Namespace.ioworker(), an IO generator thread on its own
 * qpair (see include/nvmetest/ioworker.h for the behaviour).
 *
 * Structure: nvt_ioworker_check() validates; iow_setup() derives the lookup
 * tables (sizes, opcodes, hot-spot sections), creates the qpair and one
 * buffer set per command slot; iow_thread() runs the loop: submit while
 * fewer than qdepth commands are outstanding and pacing allows, then reap
 * with nvt_qpair_waitdone(qp, 0) (no system call: the CQ is mapped), or
 * with F_IRQ nvt_qpair_waitdone(qp, 1) on a qpair that sleeps on its
 * interrupt when there is nothing to submit.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "private.h"
#include <nvmetest/ioworker.h>

#define IOW_DSM_BYTES	4096

/* A group's start flag, freed by the last of its workers. */
struct iow_group {
	atomic_int go;
	atomic_int refs;
};

struct iow_slot {
	struct nvt_ioworker *w;
	struct nvt_buf *rbuf;		/* reads */
	struct nvt_buf *wbuf;		/* writes: == rbuf unless both are mixed */
	struct nvt_buf *dsm;		/* the trim range, when trims are mixed */
	uint64_t slba;
	uint32_t nlb;
	uint8_t opcode;
	uint64_t log_pos;		/* its cmdlog sequence number + 1, or 0 */
	struct iow_slot *next_free;
};

/*
 * Counters another thread may read while the worker runs: written only by
 * the worker's thread (relaxed stores: a plain move on x86), so progress
 * costs the IO loop nothing but the stores.
 */
struct iow_live {
	_Atomic uint64_t t0;		/* CLOCK_MONOTONIC ns at start of IO; 0: not yet */
	_Atomic uint64_t t_end;		/* ns at the last completion once ended; 0: running */
	_Atomic uint64_t io_count;
	_Atomic uint64_t bytes;
	_Atomic uint64_t lat_sum;
	_Atomic uint64_t lat_max;
};

/* What the caller starts, waits for and closes. */
struct nvt_ioworker {
	struct nvt_ioworker_args a;	/* copied, with defaults resolved */
	struct nvt_ns *ns;
	struct nvt_qpair *qp;
	pthread_t thread;
	bool thread_started;
	atomic_int *go;			/* 1: start IO; shared within a group */
	struct iow_group *group;	/* the group's flag, counted; or NULL */
	atomic_int own_go;
	atomic_int stop;		/* nvt_ioworker_stop() */
	atomic_int running;		/* the thread has not finished */
	struct iow_live live;		/* for nvt_ioworker_progress() */

	/* derived at setup, read-only in the thread */
	uint32_t lba_size;
	uint32_t max_lbas;
	uint64_t cap;
	uint64_t rnd_first;		/* first aligned LBA of the region */
	uint64_t rnd_count;		/* aligned LBAs in the region */
	uint32_t align;
	int64_t step;
	bool fill;			/* a pure sequential pass ends the run */
	bool ns_verify;			/* the namespace's verification is on */
	uint32_t size_total;		/* sum of weights */
	uint8_t op_table[100];		/* opcode of each percent */
	uint8_t section_table[10000];	/* section of each 1/10000 */
	int cpu;

	struct iow_slot *slots;
	struct iow_slot *free_slots;
	unsigned int nslots;

	/* the thread's state and results; read by close after the join */
	uint64_t cur;			/* next sequential LBA */
	bool seq_done;
	uint64_t submitted;
	uint64_t t0;			/* CLOCK_MONOTONIC ns at start of IO */
	uint64_t t_last;
	uint64_t lat_sum;
	uint64_t *ips;
	unsigned int ips_cap;
	uint64_t pace_sec;
	uint64_t pace_count;
	uint64_t cmdlog_pos;
	bool failed;
	struct nvt_ioworker_seq_io *seq;	/* the io_sequence copy, or NULL */
	uint64_t seq_pos;		/* its next entry */
	struct nvt_ioworker_result r;	/* arrays owned until close hands them */
};

static uint64_t iow_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void nvt_ioworker_args_init(struct nvt_ioworker_args *args)
{
	if (!args)
		return;
	memset(args, 0, sizeof(*args));
	args->io_size = 8;
	args->lba_random = 100;
	args->read_percentage = 100;
	args->qdepth = 64;
	args->region_end = UINT64_MAX;
	args->ptype = NVT_PATTERN_RANDOM;
	args->pvalue = 100;
}

static bool iow_op_known(uint8_t opc)
{
	return opc == NVT_IO_READ || opc == NVT_IO_WRITE || opc == NVT_IO_DSM ||
	       opc == NVT_IO_FLUSH || opc == NVT_IO_WRITE_ZEROES ||
	       opc == NVT_IO_WRITE_UNCORRECTABLE;
}

static bool iow_op_modifies(uint8_t opc)
{
	return opc == NVT_IO_WRITE || opc == NVT_IO_DSM || opc == NVT_IO_WRITE_ZEROES ||
	       opc == NVT_IO_WRITE_UNCORRECTABLE;
}

#define BAD(...) do { nvt__err("ioworker: " __VA_ARGS__); return -EINVAL; } while (0)

#define IOW_MAX_SEQUENCE	(1u << 24)

/* Checks the io_sequence of @a; *max_lbas: its largest command. */
static int iow_validate_seq(const struct nvt_ioworker_args *a, uint64_t cap, uint32_t lba_size,
			    uint32_t *max_lbas)
{
	const struct nvt_ioworker_seq_io *e = a->io_sequence;
	uint64_t i;

	if (!e || !a->io_sequence_len || a->io_sequence_len > IOW_MAX_SEQUENCE)
		BAD("io_sequence: %llu entries at %p: 1 .. %u entries, not NULL",
		    (unsigned long long)a->io_sequence_len, (const void *)e, IOW_MAX_SEQUENCE);
	if (a->iops || (a->flags & (NVT_IOWORKER_F_LBA_STEP | NVT_IOWORKER_F_DISTRIBUTION)))
		BAD("io_sequence replays its own times and LBAs: not with iops, lba_step or distribution");
	*max_lbas = 1;
	for (i = 0; i < a->io_sequence_len; i++, e++) {
		if (!iow_op_known(e->opcode))
			BAD("io_sequence[%llu]: opcode 0x%02x is not one of read, write, trim, flush, write zeroes, write uncorrectable",
			    (unsigned long long)i, e->opcode);
		if (e->rsvd[0] || e->rsvd[1] || e->rsvd[2])
			BAD("io_sequence[%llu]: rsvd is not 0", (unsigned long long)i);
		if (i && e->time_us < e[-1].time_us)
			BAD("io_sequence[%llu]: time %llu us is before the previous entry's %llu us",
			    (unsigned long long)i, (unsigned long long)e->time_us,
			    (unsigned long long)e[-1].time_us);
		if ((a->flags & NVT_IOWORKER_F_VERIFY) && e->opcode == NVT_IO_WRITE_UNCORRECTABLE)
			BAD("verify with write uncorrectable: its reads would fail the check");
		if (e->opcode == NVT_IO_FLUSH)
			continue;
		if (e->nlb < 1 || e->nlb > NVT_IO_MAX_LBAS || (uint64_t)e->nlb * lba_size > 2u << 20)
			BAD("io_sequence[%llu]: nlb %u: 1 .. %u LBAs, at most 2 MiB",
			    (unsigned long long)i, e->nlb, NVT_IO_MAX_LBAS);
		if (e->slba >= cap || e->nlb > cap - e->slba)
			BAD("io_sequence[%llu]: LBAs %llu + %u: beyond the capacity %llu",
			    (unsigned long long)i, (unsigned long long)e->slba, e->nlb,
			    (unsigned long long)cap);
		if (e->nlb > *max_lbas)
			*max_lbas = e->nlb;
	}
	return 0;
}

/* Checks @a and, if @w is not NULL, fills its derived fields. */
static int iow_validate(struct nvt_ns *ns, const struct nvt_ioworker_args *a,
			struct nvt_ioworker *w)
{
	const uint32_t known = NVT_IOWORKER_F_LBA_STEP | NVT_IOWORKER_F_VERIFY |
			       NVT_IOWORKER_F_IRQ | NVT_IOWORKER_F_CPU |
			       NVT_IOWORKER_F_DISTRIBUTION;
	uint64_t cap, region_end, span, rnd_first, mqes_cap;
	uint32_t lba_size, max_lbas = 0, min_lbas = UINT32_MAX, align;
	bool reads = false, writes = false;
	unsigned int i, j;
	char probe[8];

	if (!ns || !a)
		BAD("ns or args is NULL");
	if (a->flags & ~known)
		BAD("flags 0x%x: unknown bits 0x%x", a->flags, a->flags & ~known);
	for (i = 0; i < NVT_ARRAY_SIZE(a->rsvd); i++)
		if (a->rsvd[i])
			BAD("rsvd[%u] is not 0", i);
	cap = nvt_ns_capacity(ns);
	lba_size = nvt_ns_lba_size(ns);
	if (!cap || !lba_size)
		BAD("the namespace has no capacity or LBA size");

	/* io_size or the weighted sizes */
	if (a->nsizes > NVT_IOWORKER_MAX_SIZES)
		BAD("nsizes %u: at most %u weighted sizes", a->nsizes, NVT_IOWORKER_MAX_SIZES);
	if (!a->nsizes) {
		if (a->io_size < 1 || a->io_size > NVT_IO_MAX_LBAS)
			BAD("io_size %u: 1 .. %u LBAs", a->io_size, NVT_IO_MAX_LBAS);
		max_lbas = min_lbas = a->io_size;
	}
	for (i = 0; i < a->nsizes; i++) {
		if (a->sizes[i].lbas < 1 || a->sizes[i].lbas > NVT_IO_MAX_LBAS)
			BAD("sizes[%u].lbas %u: 1 .. %u LBAs", i, a->sizes[i].lbas,
			    NVT_IO_MAX_LBAS);
		if (a->sizes[i].weight < 1 || a->sizes[i].weight > 1000000)
			BAD("sizes[%u].weight %u: 1 .. 1000000", i, a->sizes[i].weight);
		if (a->sizes[i].lbas > max_lbas)
			max_lbas = a->sizes[i].lbas;
		if (a->sizes[i].lbas < min_lbas)
			min_lbas = a->sizes[i].lbas;
	}
	if ((uint64_t)max_lbas * lba_size > 2u << 20)
		BAD("io_size %u LBAs of %u bytes: at most 2 MiB per command", max_lbas, lba_size);
	if ((a->io_sequence || a->io_sequence_len) &&
	    iow_validate_seq(a, cap, lba_size, &max_lbas))
		return -EINVAL;

	/* region */
	region_end = a->region_end == UINT64_MAX ? cap : a->region_end;
	if (region_end > cap)
		BAD("region_end %llu: beyond the capacity %llu",
		    (unsigned long long)region_end, (unsigned long long)cap);
	if (a->region_start >= region_end)
		BAD("region_start %llu: not below region_end %llu",
		    (unsigned long long)a->region_start, (unsigned long long)region_end);
	span = region_end - a->region_start;

	/* alignment and random LBAs */
	if (a->lba_random > 100)
		BAD("lba_random %u: a percentage, 0 .. 100", a->lba_random);
	align = a->lba_align ? a->lba_align : (a->nsizes ? 1 : a->io_size);
	rnd_first = (a->region_start + align - 1) / align * align;
	if (a->lba_random && rnd_first >= region_end)
		BAD("lba_align %u: no aligned LBA in the region %llu .. %llu", align,
		    (unsigned long long)a->region_start, (unsigned long long)region_end);

	/* sequential stream */
	if ((a->flags & NVT_IOWORKER_F_LBA_STEP) && a->lba_random)
		BAD("lba_step is only for sequential IO (lba_random 0, not %u)", a->lba_random);
	if (!(a->flags & NVT_IOWORKER_F_LBA_STEP) && a->nsizes && a->lba_random < 100)
		BAD("lba_step must be given for sequential IO with weighted io sizes");
	if ((a->flags & NVT_IOWORKER_F_LBA_STEP) &&
	    (a->lba_step > (int64_t)span || a->lba_step < -(int64_t)span))
		BAD("lba_step %lld: larger than the region (%llu LBAs)",
		    (long long)a->lba_step, (unsigned long long)span);
	if (a->lba_start && (a->lba_start < a->region_start || a->lba_start >= region_end))
		BAD("lba_start %llu: outside the region %llu .. %llu",
		    (unsigned long long)a->lba_start, (unsigned long long)a->region_start,
		    (unsigned long long)region_end);

	/* opcodes */
	if (a->read_percentage > 100)
		BAD("read_percentage %u: 0 .. 100", a->read_percentage);
	if (a->nops > NVT_IOWORKER_MAX_OPS)
		BAD("op_percentage: %u entries, at most %u", a->nops, NVT_IOWORKER_MAX_OPS);
	if (a->nops) {
		uint32_t sum = 0;

		for (i = 0; i < a->nops; i++) {
			if (!iow_op_known(a->ops[i].opcode))
				BAD("op_percentage: opcode 0x%02x is not one of read, write, trim, flush, write zeroes, write uncorrectable",
				    a->ops[i].opcode);
			if (a->ops[i].rsvd[0] || a->ops[i].rsvd[1] || a->ops[i].rsvd[2])
				BAD("op_percentage[%u]: rsvd is not 0", i);
			if (a->ops[i].percent < 1 || a->ops[i].percent > 100)
				BAD("op_percentage: opcode 0x%02x has %u%%: 1 .. 100",
				    a->ops[i].opcode, a->ops[i].percent);
			for (j = 0; j < i; j++)
				if (a->ops[j].opcode == a->ops[i].opcode)
					BAD("op_percentage: opcode 0x%02x given twice",
					    a->ops[i].opcode);
			sum += a->ops[i].percent;
			if (a->ops[i].opcode == NVT_IO_READ)
				reads = true;
			if (a->ops[i].opcode == NVT_IO_WRITE)
				writes = true;
		}
		if (sum != 100)
			BAD("op_percentage: the percentages add up to %u, not 100", sum);
	} else {
		reads = a->read_percentage > 0;
		writes = a->read_percentage < 100;
	}

	/* queue */
	if (nvt_ctrl_cap(nvt_ns_ctrl(ns), &mqes_cap))
		BAD("cannot read CAP for the queue limit");
	mqes_cap &= 0xffff;	/* CAP.MQES, 0's based: depth mqes + 1 */
	if (a->qdepth < 1 || a->qdepth > mqes_cap)
		BAD("qdepth %u: 1 .. %llu (CAP.MQES)", a->qdepth, (unsigned long long)mqes_cap);
	if (a->qprio > 3)
		BAD("qprio %u: 0 .. 3", a->qprio);

	/* stop conditions */
	if (a->distribution[0] && !(a->flags & NVT_IOWORKER_F_DISTRIBUTION))
		BAD("distribution given without NVT_IOWORKER_F_DISTRIBUTION");
	if (a->flags & NVT_IOWORKER_F_DISTRIBUTION) {
		uint32_t sum = 0;

		if (a->lba_random != 100)
			BAD("distribution needs lba_random 100, not %u", a->lba_random);
		if (span < NVT_IOWORKER_SECTIONS)
			BAD("distribution needs a region of at least 100 LBAs");
		for (i = 0; i < NVT_IOWORKER_SECTIONS; i++)
			sum += a->distribution[i];
		if (sum != 10000)
			BAD("distribution adds up to %u, not 10000", sum);
	}

	/* data, verification, CPU, results */
	if (nvt_pattern_fill(probe, sizeof(probe), a->ptype, a->pvalue))
		BAD("ptype %u / pvalue %u: not a data pattern", a->ptype, a->pvalue);
	if ((a->flags & NVT_IOWORKER_F_VERIFY) && !nvt_ns_verify_enabled(ns))
		BAD("verify: the namespace's data verification is off (nvt_ns_verify_enable())");
	if ((a->flags & NVT_IOWORKER_F_VERIFY) && a->nops)
		for (i = 0; i < a->nops; i++)
			if (a->ops[i].opcode == NVT_IO_WRITE_UNCORRECTABLE)
				BAD("verify with write uncorrectable: its reads would fail the check");
	if (a->flags & NVT_IOWORKER_F_CPU) {
		cpu_set_t set;

		if (a->cpu >= CPU_SETSIZE)
			BAD("cpu %u: out of range", a->cpu);
		if (sched_getaffinity(0, sizeof(set), &set) || !CPU_ISSET(a->cpu, &set))
			BAD("cpu %u: not one the process may run on", a->cpu);
	} else if (a->cpu) {
		BAD("cpu %u given without NVT_IOWORKER_F_CPU", a->cpu);
	}
	if (a->cmdlog_count > NVT_IOWORKER_MAX_CMDLOG)
		BAD("cmdlog_count %u: at most %u", a->cmdlog_count, NVT_IOWORKER_MAX_CMDLOG);

	{
		int64_t step = (a->flags & NVT_IOWORKER_F_LBA_STEP) ? a->lba_step :
			       (int64_t)(a->nsizes ? 0 : a->io_size);
		bool fill = a->lba_random == 0 && !a->nsizes && step == (int64_t)a->io_size &&
			    !a->io_count && !a->time_ms;

		if (!a->io_count && !a->time_ms && !fill && !a->io_sequence_len)
			BAD("io_count and time_ms are both 0: only a pure sequential pass (lba_random 0, lba_step = io_size) ends by itself");
		if (w) {
			w->lba_size = lba_size;
			w->max_lbas = max_lbas;
			w->cap = cap;
			w->a.region_end = region_end;
			w->align = align;
			w->rnd_first = rnd_first;
			w->rnd_count = rnd_first < region_end ?
				       (region_end - 1 - rnd_first) / align + 1 : 0;
			w->step = step;
			w->fill = fill;
			w->ns_verify = nvt_ns_verify_enabled(ns);
			w->cur = a->lba_start ? a->lba_start : a->region_start;
		}
	}
	(void)reads;
	(void)writes;
	(void)min_lbas;
	return 0;
}

int nvt_ioworker_check(struct nvt_ns *ns, const struct nvt_ioworker_args *args)
{
	return iow_validate(ns, args, NULL);
}

/* ---- the IO loop (the worker's thread) ---- */

static uint64_t iow_rand_below(uint64_t n)
{
	return n ? nvt_rand() % n : 0;
}

static uint32_t iow_pick_size(struct nvt_ioworker *w)
{
	uint64_t r;
	unsigned int i;

	if (!w->a.nsizes)
		return w->a.io_size;
	r = iow_rand_below(w->size_total);
	for (i = 0; i < w->a.nsizes; i++) {
		if (r < w->a.sizes[i].weight)
			return w->a.sizes[i].lbas;
		r -= w->a.sizes[i].weight;
	}
	return w->a.sizes[0].lbas;
}

static uint8_t iow_pick_op(struct nvt_ioworker *w)
{
	if (w->a.nops)
		return w->op_table[iow_rand_below(100)];
	if (w->a.read_percentage == 100)
		return NVT_IO_READ;
	if (w->a.read_percentage == 0)
		return NVT_IO_WRITE;
	return iow_rand_below(100) < w->a.read_percentage ? NVT_IO_READ : NVT_IO_WRITE;
}

static uint64_t iow_random_lba(struct nvt_ioworker *w)
{
	uint64_t lo, hi, first, count;

	if (!(w->a.flags & NVT_IOWORKER_F_DISTRIBUTION))
		return w->rnd_first + iow_rand_below(w->rnd_count) * w->align;
	{
		unsigned int s = w->section_table[iow_rand_below(10000)];
		uint64_t span = w->a.region_end - w->a.region_start;

		lo = w->a.region_start + span * s / NVT_IOWORKER_SECTIONS;
		hi = w->a.region_start + span * (s + 1) / NVT_IOWORKER_SECTIONS;
		first = (lo + w->align - 1) / w->align * w->align;
		if (first >= hi)
			return lo;
		count = (hi - 1 - first) / w->align + 1;
		return first + iow_rand_below(count) * w->align;
	}
}

/* The next sequential LBA; false when a pure pass is over. */
static bool iow_seq_lba(struct nvt_ioworker *w, uint64_t *lba)
{
	const struct nvt_ioworker_args *a = &w->a;

	if (w->seq_done)
		return false;
	*lba = w->cur;
	if (w->step >= 0) {
		uint64_t next = w->cur + (uint64_t)w->step;

		if (next >= a->region_end) {
			if (w->fill)
				w->seq_done = true;
			next = a->region_start;
		}
		w->cur = next;
	} else {
		uint64_t back = (uint64_t)(-w->step);

		w->cur = (w->cur < a->region_start + back) ?
			 (a->lba_start ? a->lba_start : a->region_start) : w->cur - back;
	}
	return true;
}

static void iow_fail(struct nvt_ioworker *w, int err, uint8_t opc, uint64_t slba, uint32_t nlb)
{
	if (w->failed)
		return;
	w->failed = true;
	w->r.error = err;
	w->r.error_cmd.opcode = opc;
	w->r.error_cmd.slba = slba;
	w->r.error_cmd.nlb = nlb;
	w->r.error_cmd.status = err;
	nvt__err("ioworker: opcode 0x%02x slba %llu nlb %u failed: %s%d (0x%x)", opc,
		 (unsigned long long)slba, nlb, err < 0 ? "errno " : "status ", err < 0 ? -err : err,
		 err < 0 ? 0 : err);
}

static void iow_cb(void *ctx, const struct nvt_cpl *cpl)
{
	struct iow_slot *s = ctx;
	struct nvt_ioworker *w = s->w;
	uint64_t now = iow_now(), lat = cpl->latency_us, sec;

	/* the status into its cmdlog entry, unless newer commands took it */
	if (s->log_pos && w->cmdlog_pos - s->log_pos < w->a.cmdlog_count)
		w->r.cmdlog[(s->log_pos - 1) % w->a.cmdlog_count].status = cpl->status;
	if (cpl->status) {
		iow_fail(w, cpl->status, s->opcode, s->slba, s->nlb);
	} else {
		w->r.io_count++;
		w->r.op_count[s->opcode]++;
		if (s->opcode == NVT_IO_READ) {
			w->r.io_count_read++;
			w->r.bytes += (uint64_t)s->nlb * w->lba_size;
		} else if (s->opcode == NVT_IO_WRITE) {
			w->r.io_count_write++;
			w->r.bytes += (uint64_t)s->nlb * w->lba_size;
		} else {
			w->r.io_count_other++;
		}
		w->lat_sum += lat;
		if (lat > w->r.latency_max_us)
			w->r.latency_max_us = lat;
		w->r.latency_hist[lat < NVT_IOWORKER_LAT_BUCKETS ? lat :
				  NVT_IOWORKER_LAT_BUCKETS - 1]++;
		atomic_store_explicit(&w->live.io_count, w->r.io_count, memory_order_relaxed);
		atomic_store_explicit(&w->live.bytes, w->r.bytes, memory_order_relaxed);
		atomic_store_explicit(&w->live.lat_sum, w->lat_sum, memory_order_relaxed);
		atomic_store_explicit(&w->live.lat_max, w->r.latency_max_us, memory_order_relaxed);
		sec = (now - w->t0) / 1000000000ULL;
		if (sec >= w->ips_cap) {
			unsigned int ncap = w->ips_cap * 2 > sec + 1 ? w->ips_cap * 2 :
					    (unsigned int)sec + 16;
			uint64_t *n = realloc(w->ips, ncap * sizeof(*n));

			if (n) {
				memset(n + w->ips_cap, 0, (ncap - w->ips_cap) * sizeof(*n));
				w->ips = n;
				w->ips_cap = ncap;
			}
		}
		if (sec < w->ips_cap) {
			w->ips[sec]++;
			if (sec + 1 > w->r.seconds)
				w->r.seconds = (unsigned int)sec + 1;
		}
	}
	w->t_last = now;
	s->next_free = w->free_slots;
	w->free_slots = s;
}

/* May a command be submitted now under the iops cap? */
static bool iow_paced(struct nvt_ioworker *w, uint64_t now)
{
	uint64_t el = now - w->t0, sec = el / 1000000000ULL, in = el % 1000000000ULL;
	uint64_t allowed;

	if (!w->a.iops)
		return true;
	if (sec != w->pace_sec) {
		w->pace_sec = sec;
		w->pace_count = 0;
	}
	/* spread over the first 900 ms, so the last completes within the second */
	allowed = in >= 900000000ULL ? w->a.iops :
		  (uint64_t)((unsigned __int128)w->a.iops * in / 900000000ULL) + 1;
	if (allowed > w->a.iops)
		allowed = w->a.iops;
	return w->pace_count < allowed;
}

static int iow_submit(struct nvt_ioworker *w, struct iow_slot *s)
{
	struct nvt_cmd cmd;
	struct nvt_buf *buf = NULL;
	bool lib = (w->a.flags & NVT_IOWORKER_F_VERIFY) ||
		   (w->ns_verify && iow_op_modifies(s->opcode));
	uint32_t nsid = nvt_ns_nsid(w->ns);

	if (s->opcode == NVT_IO_DSM) {
		nvt_dsm_range_set(nvt_buf_data(s->dsm), IOW_DSM_BYTES, 0, s->slba, s->nlb, 0);
		if (lib)
			return nvt_ns_dsm(w->ns, w->qp, s->dsm, 1, NVT_DSM_AD, iow_cb, s);
		buf = s->dsm;
		nvt_buf_set_xfer_size(buf, 16);
	}
	if (lib) {
		struct nvt_io io;

		memset(&io, 0, sizeof(io));
		io.opcode = s->opcode;
		io.lba = s->slba;
		io.lba_count = s->nlb;
		if (s->opcode == NVT_IO_READ)
			buf = s->rbuf;
		else if (s->opcode == NVT_IO_WRITE)
			buf = s->wbuf;
		if (s->opcode == NVT_IO_FLUSH)
			return nvt_ns_flush(w->ns, w->qp, iow_cb, s);
		return nvt_ns_io(w->ns, w->qp, buf, &io, iow_cb, s);
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.opcode = s->opcode;
	cmd.nsid = nsid;
	if (s->opcode == NVT_IO_DSM) {
		cmd.cdw10 = 0;		/* NR: one range */
		cmd.cdw11 = NVT_DSM_AD;
	} else if (s->opcode != NVT_IO_FLUSH) {
		cmd.cdw10 = (uint32_t)s->slba;
		cmd.cdw11 = (uint32_t)(s->slba >> 32);
		cmd.cdw12 = s->nlb - 1;
		if (s->opcode == NVT_IO_READ || s->opcode == NVT_IO_WRITE) {
			buf = s->opcode == NVT_IO_READ ? s->rbuf : s->wbuf;
			nvt_buf_set_xfer_size(buf, (size_t)s->nlb * w->lba_size);
		}
	}
	return nvt_qpair_send_cmd(w->qp, &cmd, buf, iow_cb, s);
}

/* Is the next io_sequence entry due (or is there none left)? */
static bool iow_seq_due(const struct nvt_ioworker *w, uint64_t now)
{
	return !w->seq || w->seq_pos >= w->a.io_sequence_len ||
	       now - w->t0 >= w->seq[w->seq_pos].time_us * 1000ULL;
}

/* Picks the next command into @s; false when there is none (pass over). */
static bool iow_next(struct nvt_ioworker *w, struct iow_slot *s)
{
	uint64_t lba;
	uint32_t nlb;

	if (w->seq) {
		const struct nvt_ioworker_seq_io *e;

		if (w->seq_pos >= w->a.io_sequence_len)
			return false;
		e = &w->seq[w->seq_pos++];
		s->opcode = e->opcode;
		s->slba = e->opcode == NVT_IO_FLUSH ? 0 : e->slba;
		s->nlb = e->opcode == NVT_IO_FLUSH ? 0 : e->nlb;
		return true;
	}
	nlb = iow_pick_size(w);

	s->opcode = iow_pick_op(w);
	if (w->a.lba_random == 100 ||
	    (w->a.lba_random && iow_rand_below(100) < w->a.lba_random)) {
		lba = iow_random_lba(w);
	} else if (!iow_seq_lba(w, &lba)) {
		return false;
	}
	if (nlb > w->a.region_end - lba)
		nlb = (uint32_t)(w->a.region_end - lba);	/* truncated to fit */
	if (s->opcode == NVT_IO_FLUSH) {
		s->slba = 0;
		s->nlb = 0;
	} else {
		s->slba = lba;
		s->nlb = nlb;
	}
	return true;
}

static void iow_log_cmd(struct nvt_ioworker *w, struct iow_slot *s)
{
	struct nvt_ioworker_cmd *c;

	if (!w->a.cmdlog_count)
		return;
	c = &w->r.cmdlog[w->cmdlog_pos++ % w->a.cmdlog_count];
	s->log_pos = w->cmdlog_pos;
	c->slba = s->slba;
	c->nlb = s->nlb;
	c->opcode = s->opcode;
	c->status = 0;
}

static void iow_pin(struct nvt_ioworker *w)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *iow_thread(void *arg)
{
	struct nvt_ioworker *w = arg;
	const bool irq = w->a.flags & NVT_IOWORKER_F_IRQ;
	struct timespec c0, c1;
	uint64_t deadline = 0, wall0;
	bool more = true;
	int ret;

	iow_pin(w);
	nvt_srand(w->a.seed);
	while (!atomic_load_explicit(w->go, memory_order_acquire)) {
		if (atomic_load(&w->stop))
			break;
		sched_yield();
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	w->t0 = wall0 = iow_now();
	w->t_last = w->t0;
	atomic_store_explicit(&w->live.t0, w->t0, memory_order_release);
	if (w->a.time_ms)
		deadline = w->t0 + w->a.time_ms * 1000000ULL;

	while (!atomic_load(&w->stop)) {
		uint64_t now = iow_now();
		bool submitted = false;

		if (w->failed)
			break;
		if (deadline && now >= deadline)
			break;
		if (w->a.io_count && w->submitted >= w->a.io_count)
			more = false;
		while (more && w->free_slots && iow_paced(w, now) && iow_seq_due(w, now)) {
			struct iow_slot *s = w->free_slots;

			if (!iow_next(w, s)) {
				more = false;
				break;
			}
			w->free_slots = s->next_free;
			ret = iow_submit(w, s);
			if (ret) {
				s->next_free = w->free_slots;
				w->free_slots = s;
				if (ret == -ESTALE)
					w->r.reset = true;
				else
					iow_fail(w, ret, s->opcode, s->slba, s->nlb);
				more = false;
				break;
			}
			iow_log_cmd(w, s);
			w->submitted++;
			w->pace_count++;
			submitted = true;
			if (w->a.io_count && w->submitted >= w->a.io_count) {
				more = false;
				break;
			}
		}
		nvt__qpair_ring(w->qp);
		if (w->r.reset || w->failed)
			break;
		if (!more && !nvt_qpair_outstanding(w->qp))
			break;
		if (nvt_qpair_outstanding(w->qp)) {
			/* sleep on the interrupt only when nothing can be submitted */
			bool wait = irq && (!w->free_slots || !more) && !submitted;

			ret = nvt_qpair_waitdone(w->qp, wait ? 1 : 0);
			if (ret == -ESTALE) {
				w->r.reset = true;
				break;
			}
		} else if (w->a.iops || w->seq) {
			/* idle under the cap or before the next replayed command */
			struct timespec ts = { 0, 20000 };

			if (irq)
				nanosleep(&ts, NULL);
		}
	}
	/* drain what is outstanding (unless the queues are gone) */
	if (!w->r.reset) {
		unsigned int n = nvt_qpair_outstanding(w->qp);

		if (n && nvt_qpair_waitdone(w->qp, n) == -ESTALE)
			w->r.reset = true;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	w->r.cpu_ns = (uint64_t)(c1.tv_sec - c0.tv_sec) * 1000000000ULL + c1.tv_nsec - c0.tv_nsec;
	{
		uint64_t wall = iow_now() - wall0;

		w->r.cpu_usage = wall ? (double)w->r.cpu_ns / (double)wall : 0;
	}
	w->r.duration_ns = w->t_last - w->t0;
	atomic_store_explicit(&w->live.t_end, w->t_last ? w->t_last : 1, memory_order_release);
	atomic_store(&w->running, 0);
	return NULL;
}

/* ---- set-up, start, close ---- */

static atomic_uint iow_next_cpu;

static int iow_choose_cpu(void)
{
	cpu_set_t set;
	unsigned int n, i, k;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	n = (unsigned int)CPU_COUNT(&set);
	if (!n)
		return 0;
	k = atomic_fetch_add(&iow_next_cpu, 1) % n;
	for (c = 0, i = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && i++ == k)
			return c;
	return 0;
}

static void iow_free(struct nvt_ioworker *w)
{
	unsigned int i;

	if (!w)
		return;
	nvt_qpair_destroy(w->qp);
	for (i = 0; w->slots && i < w->nslots; i++) {
		if (w->slots[i].wbuf != w->slots[i].rbuf)
			nvt_buf_free(w->slots[i].wbuf);
		nvt_buf_free(w->slots[i].rbuf);
		nvt_buf_free(w->slots[i].dsm);
	}
	free(w->slots);
	free(w->seq);
	free(w->ips);
	free(w->r.latency_hist);
	free(w->r.cmdlog);
	if (w->group && atomic_fetch_sub(&w->group->refs, 1) == 1)
		free(w->group);
	free(w);
}

static int iow_setup(struct nvt_ns *ns, const struct nvt_ioworker_args *args,
		     struct nvt_ioworker **out)
{
	struct nvt_ctrl *ctrl = nvt_ns_ctrl(ns);
	struct nvt_qpair_opts qo;
	struct nvt_ioworker *w;
	bool reads = false, writes = false, trims = false;
	unsigned int i, j, k;
	int ret;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->a = *args;
	ret = iow_validate(ns, args, w);
	if (ret)
		goto fail;
	w->ns = ns;
	w->go = &w->own_go;
	atomic_init(&w->own_go, 0);
	atomic_init(&w->stop, 0);
	atomic_init(&w->running, 1);
	w->cpu = (w->a.flags & NVT_IOWORKER_F_CPU) ? (int)w->a.cpu : iow_choose_cpu();
	if (!w->a.seed)
		w->a.seed = nvt_rand() | 1;

	/* tables */
	for (i = 0; i < w->a.nsizes; i++)
		w->size_total += w->a.sizes[i].weight;
	if (w->a.io_sequence_len) {
		uint64_t n = w->a.io_sequence_len, e;

		w->seq = malloc(n * sizeof(*w->seq));
		if (!w->seq) {
			ret = -ENOMEM;
			goto fail;
		}
		memcpy(w->seq, w->a.io_sequence, n * sizeof(*w->seq));
		w->a.io_sequence = w->seq;
		for (e = 0; e < n; e++) {
			reads |= w->seq[e].opcode == NVT_IO_READ;
			writes |= w->seq[e].opcode == NVT_IO_WRITE;
			trims |= w->seq[e].opcode == NVT_IO_DSM;
		}
	} else if (w->a.nops) {
		for (i = 0, k = 0; i < w->a.nops; i++)
			for (j = 0; j < w->a.ops[i].percent; j++)
				w->op_table[k++] = w->a.ops[i].opcode;
		for (i = 0; i < w->a.nops; i++) {
			reads |= w->a.ops[i].opcode == NVT_IO_READ;
			writes |= w->a.ops[i].opcode == NVT_IO_WRITE;
			trims |= w->a.ops[i].opcode == NVT_IO_DSM;
		}
	} else {
		reads = w->a.read_percentage > 0;
		writes = w->a.read_percentage < 100;
	}
	if (w->a.flags & NVT_IOWORKER_F_DISTRIBUTION)
		for (i = 0, k = 0; i < NVT_IOWORKER_SECTIONS; i++)
			for (j = 0; j < w->a.distribution[i]; j++)
				w->section_table[k++] = (uint8_t)i;

	/* results */
	w->r.latency_hist = calloc(NVT_IOWORKER_LAT_BUCKETS, sizeof(*w->r.latency_hist));
	w->r.latency_buckets = NVT_IOWORKER_LAT_BUCKETS;
	w->ips_cap = w->a.time_ms ? (unsigned int)(w->a.time_ms / 1000 + 2) : 64;
	w->ips = calloc(w->ips_cap, sizeof(*w->ips));
	if (w->a.cmdlog_count)
		w->r.cmdlog = calloc(w->a.cmdlog_count, sizeof(*w->r.cmdlog));
	if (!w->r.latency_hist || !w->ips || (w->a.cmdlog_count && !w->r.cmdlog)) {
		ret = -ENOMEM;
		goto fail;
	}

	/* qpair and buffers */
	memset(&qo, 0, sizeof(qo));
	qo.prio = (uint8_t)w->a.qprio;
	if (w->a.flags & NVT_IOWORKER_F_IRQ)
		qo.flags |= NVT_QPAIR_OPT_IRQ_WAIT;
	ret = nvt_qpair_create(ctrl, w->a.qdepth + 1, &qo, &w->qp);
	if (ret) {
		nvt__err("ioworker: cannot create its qpair of depth %u: %d", w->a.qdepth + 1, ret);
		goto fail;
	}
	/* one doorbell per pass over the free slots, not one per command */
	nvt__qpair_batch_doorbell(w->qp);
	w->nslots = w->a.qdepth;
	w->slots = calloc(w->nslots, sizeof(*w->slots));
	if (!w->slots) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < w->nslots; i++) {
		struct iow_slot *s = &w->slots[i];
		size_t bytes = (size_t)w->max_lbas * w->lba_size;

		s->w = w;
		ret = nvt_buf_alloc(ctrl, bytes, &s->rbuf);
		if (ret)
			goto fail;
		nvt_buf_fill(s->rbuf, w->a.ptype, w->a.pvalue);
		s->wbuf = s->rbuf;
		if (reads && writes) {
			ret = nvt_buf_alloc(ctrl, bytes, &s->wbuf);
			if (ret) {
				s->wbuf = s->rbuf;
				goto fail;
			}
			nvt_buf_fill(s->wbuf, w->a.ptype, w->a.pvalue);
		}
		if (trims) {
			ret = nvt_buf_alloc(ctrl, IOW_DSM_BYTES, &s->dsm);
			if (ret)
				goto fail;
		}
		s->next_free = w->free_slots;
		w->free_slots = s;
	}
	*out = w;
	return 0;
fail:
	iow_free(w);
	return ret;
}

static int iow_launch(struct nvt_ioworker *w)
{
	int ret = pthread_create(&w->thread, NULL, iow_thread, w);

	if (ret) {
		nvt__err("ioworker: pthread_create: %d", ret);
		return -ret;
	}
	w->thread_started = true;
	return 0;
}

int nvt_ioworker_start(struct nvt_ns *ns, const struct nvt_ioworker_args *args,
		       struct nvt_ioworker **out)
{
	struct nvt_ioworker *w;
	int ret;

	if (!out)
		BAD("out is NULL");
	*out = NULL;
	ret = iow_setup(ns, args, &w);
	if (ret)
		return ret;
	atomic_store(w->go, 1);
	ret = iow_launch(w);
	if (ret) {
		iow_free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int nvt_ioworker_start_group(struct nvt_ns *const *ns, const struct nvt_ioworker_args *args,
			     unsigned int n, struct nvt_ioworker **out)
{
	struct iow_group *g;
	unsigned int i, k;
	int ret = 0;

	if (!ns || !args || !out || n < 1 || n > 1024)
		BAD("start_group: NULL argument or n %u out of 1 .. 1024", n);
	for (i = 0; i < n; i++)
		out[i] = NULL;
	/* check every parameter set before setting anything up */
	for (i = 0; i < n; i++) {
		ret = iow_validate(ns[i], &args[i], NULL);
		if (ret) {
			nvt__err("ioworker: start_group: worker %u refused", i);
			return ret;
		}
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	atomic_init(&g->go, 0);
	atomic_init(&g->refs, (int)n);
	for (i = 0; i < n; i++) {
		ret = iow_setup(ns[i], &args[i], &out[i]);
		if (!ret) {
			out[i]->go = &g->go;
			ret = iow_launch(out[i]);
			if (ret) {
				iow_free(out[i]);
				out[i] = NULL;
			} else {
				out[i]->group = g;
			}
		}
		if (ret) {
			/* stop and free the i launched ones, then the other refs */
			for (k = 0; k < i; k++) {
				atomic_store(&out[k]->stop, 1);
				pthread_join(out[k]->thread, NULL);
				iow_free(out[k]);
				out[k] = NULL;
			}
			if (atomic_fetch_sub(&g->refs, (int)(n - i)) == (int)(n - i))
				free(g);
			return ret;
		}
	}
	/* release them together: each waits for this in iow_thread() */
	atomic_store_explicit(&g->go, 1, memory_order_release);
	return 0;
}

void nvt_ioworker_stop(struct nvt_ioworker *w)
{
	if (w)
		atomic_store(&w->stop, 1);
}

bool nvt_ioworker_running(const struct nvt_ioworker *w)
{
	return w && atomic_load(&((struct nvt_ioworker *)w)->running);
}

int nvt_ioworker_progress(const struct nvt_ioworker *w, struct nvt_ioworker_progress *p)
{
	struct iow_live *l;
	uint64_t t0, t_end;

	if (!w || !p)
		return -EINVAL;
	l = &((struct nvt_ioworker *)w)->live;
	memset(p, 0, sizeof(*p));
	t_end = atomic_load_explicit(&l->t_end, memory_order_acquire);
	t0 = atomic_load_explicit(&l->t0, memory_order_acquire);
	p->running = !t_end;
	if (t0)
		p->elapsed_ns = (t_end ? t_end : iow_now()) - t0;
	p->io_count = atomic_load_explicit(&l->io_count, memory_order_relaxed);
	p->bytes = atomic_load_explicit(&l->bytes, memory_order_relaxed);
	p->latency_sum_us = atomic_load_explicit(&l->lat_sum, memory_order_relaxed);
	p->latency_max_us = atomic_load_explicit(&l->lat_max, memory_order_relaxed);
	return 0;
}

int nvt_ioworker_close(struct nvt_ioworker *w, struct nvt_ioworker_result *res)
{
	struct nvt_ioworker_result *r;
	int ret = 0;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!w)
		return 0;
	if (w->thread_started)
		pthread_join(w->thread, NULL);
	r = &w->r;
	if (r->duration_ns) {
		r->iops = (double)r->io_count * 1e9 / (double)r->duration_ns;
		r->mbps = (double)r->bytes * 1e3 / (double)r->duration_ns;
	}
	if (r->io_count)
		r->latency_avg_us = (double)w->lat_sum / (double)r->io_count;
	if (w->a.cmdlog_count && w->cmdlog_pos) {
		/* rotate the ring to oldest first */
		unsigned int n = w->cmdlog_pos < w->a.cmdlog_count ?
				 (unsigned int)w->cmdlog_pos : w->a.cmdlog_count;
		unsigned int first = w->cmdlog_pos < w->a.cmdlog_count ? 0 :
				     (unsigned int)(w->cmdlog_pos % w->a.cmdlog_count);
		struct nvt_ioworker_cmd *c = malloc(n * sizeof(*c));
		unsigned int i;

		if (c) {
			for (i = 0; i < n; i++)
				c[i] = r->cmdlog[(first + i) % w->a.cmdlog_count];
			free(r->cmdlog);
			r->cmdlog = c;
			r->cmdlog_count = n;
		} else {
			ret = -ENOMEM;
		}
	}
	r->io_per_second = w->ips;
	w->ips = NULL;
	if (r->error)
		ret = r->error;
	if (res) {
		*res = *r;
	} else {
		free(r->latency_hist);
		free(r->cmdlog);
		free(r->io_per_second);
	}
	r->latency_hist = NULL;
	r->cmdlog = NULL;
	r->io_per_second = NULL;
	iow_free(w);
	return ret;
}

void nvt_ioworker_result_free(struct nvt_ioworker_result *res)
{
	if (!res)
		return;
	free(res->latency_hist);
	free(res->io_per_second);
	free(res->cmdlog);
	res->latency_hist = NULL;
	res->io_per_second = NULL;
	res->cmdlog = NULL;
}
