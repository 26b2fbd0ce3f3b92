/* SPDX-License-Identifier: MIT */
/*
 * struct nvt_ioworker: an IO generator thread, pynvme's Namespace.ioworker().
 *
 *	struct nvt_ioworker_args a;
 *	struct nvt_ioworker_result r;
 *	struct nvt_ioworker *w;
 *
 *	nvt_ioworker_args_init(&a);		// pynvme's defaults
 *	a.io_size = 8; a.lba_random = 100; a.read_percentage = 100;
 *	a.qdepth = 32; a.time_ms = 10000;
 *	nvt_ioworker_start(ns, &a, &w);		// returns at once
 *	...					// admin commands meanwhile
 *	nvt_ioworker_close(w, &r);		// waits, then the results
 *	nvt_ioworker_percentile(&r, 99.0, &p99);
 *	nvt_ioworker_result_free(&r);
 *
 * Every worker creates its own qpair (depth qdepth + 1) on the namespace's
 * controller and runs in its own thread, pinned to one CPU, keeping qdepth
 * commands outstanding on the mapped queues with no system call per IO: it
 * polls the completion queue, or with NVT_IOWORKER_F_IRQ sleeps on the
 * queue's interrupt when it has nothing to submit. It fills every free slot
 * with a command and then rings the SQ tail doorbell once for all of them
 * (a doorbell write is the costliest step under virtualisation, where it
 * traps into the hypervisor). Each command slot has its own DMA buffer
 * sized for the largest IO, filled once with the data pattern (ptype,
 * pvalue).
 *
 * Data verification is the namespace's (nvt_ns_verify_enable(), verify.h):
 * with NVT_IOWORKER_F_VERIFY every command goes through io.h's builders, so
 * writes record CRCs and reads are checked (the namespace's verification
 * must be on). Without it reads are sent raw (unchecked), and writes, trims,
 * write zeroes and write uncorrectable still go through the builders when
 * the namespace's verification is on, so the table stays true for other
 * users of the namespace.
 *
 * A worker stops when: io_count commands completed; time_ms passed; a pure
 * sequential pass (lba_random 0, lba_step the io_size, no io_count nor
 * time_ms) reached region_end; every command of an io_sequence completed; nvt_ioworker_stop() was called; a command
 * failed (device status, host timeout, or a miscompare of verification:
 * the first error and its command are reported); or the controller was
 * reset (the qpair returns -ESTALE: the worker ends cleanly with its
 * partial results and result.reset set). Caution: nvt_ctrl_reset() wants
 * no other thread using the controller, and a reset from another thread
 * while a worker submits races its doorbell writes (QEMU 7.2 was seen to
 * crash); a reset by another process or by the device is what this path
 * is for, until the library can quiesce workers.
 *
 * Starting together: nvt_ioworker_start_group() creates every worker (all
 * parameters checked, qpairs and buffers allocated, threads started and
 * parked on a shared flag) and only then releases them at once, so their
 * first IOs and their clocks start together; if one cannot start, none
 * runs.
 *
 * Threads: a worker's own thread does all its IO. nvt_ioworker_start*(),
 * nvt_ioworker_stop() and nvt_ioworker_close() may be called from any
 * thread, but one worker must be closed exactly once. While workers run,
 * the caller may use the controller (admin commands) and other qpairs.
 */
#ifndef NVMETEST_IOWORKER_H
#define NVMETEST_IOWORKER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nvt_ns;
struct nvt_ioworker;

#define NVT_IOWORKER_MAX_SIZES		16	/* entries of @sizes */
#define NVT_IOWORKER_MAX_OPS		6	/* entries of @ops */
#define NVT_IOWORKER_SECTIONS		100	/* entries of @distribution */
#define NVT_IOWORKER_MAX_CMDLOG		4096	/* @cmdlog_count limit */
#define NVT_IOWORKER_LAT_BUCKETS	1000000	/* 1 us each; the last: >= 1 s */

/* struct nvt_ioworker_args.flags */
#define NVT_IOWORKER_F_LBA_STEP	(1U << 0)	/* @lba_step given (else: the io_size) */
#define NVT_IOWORKER_F_VERIFY	(1U << 1)	/* verified reads and writes */
#define NVT_IOWORKER_F_IRQ	(1U << 2)	/* sleep on the interrupt, don't spin */
#define NVT_IOWORKER_F_CPU	(1U << 3)	/* pin to @cpu (else: chosen) */
#define NVT_IOWORKER_F_DISTRIBUTION (1U << 4)	/* @distribution given */

/**
 * struct nvt_ioworker_size - one weighted IO size.
 * @lbas: LBAs per command, 1 .. 65536.
 * @weight: relative weight, 1 .. 1000000.
 */
struct nvt_ioworker_size {
	uint32_t lbas;
	uint32_t weight;
};

/**
 * struct nvt_ioworker_op - one entry of op_percentage.
 * @opcode: NVT_IO_READ, NVT_IO_WRITE, NVT_IO_DSM (trim: one range with the
 *	Deallocate attribute), NVT_IO_FLUSH, NVT_IO_WRITE_ZEROES or
 *	NVT_IO_WRITE_UNCORRECTABLE; each at most once.
 * @percent: 1 .. 100; the entries add up to 100.
 */
struct nvt_ioworker_op {
	uint8_t opcode;
	uint8_t rsvd[3];
	uint32_t percent;
};

/**
 * struct nvt_ioworker_seq_io - one command of a replayed trace (pynvme's
 *	io_sequence entry (slba, nlb, opcode, time_sent_us)).
 * @time_us: when to submit it, in microseconds from the start of IO; not
 *	below the entry before it.
 * @slba: its first LBA (ignored for flush).
 * @nlb: its LBAs, 1 .. 65536, at most 2 MiB, within the capacity
 *	(ignored for flush).
 * @opcode: as in struct nvt_ioworker_op.
 * @rsvd: must be 0.
 */
struct nvt_ioworker_seq_io {
	uint64_t time_us;
	uint64_t slba;
	uint32_t nlb;
	uint8_t opcode;
	uint8_t rsvd[3];
};

/**
 * struct nvt_ioworker_args - pynvme's ioworker() parameters. Start from
 *	nvt_ioworker_args_init(). LBA ranges are [start, end).
 * @flags: NVT_IOWORKER_F_*; other bits must be 0.
 * @io_size: LBAs per command when @nsizes is 0: 1 .. 65536, at most 2 MiB.
 * @nsizes: 0, or the weighted sizes in @sizes (pynvme's io_size dict).
 * @sizes: the weighted sizes.
 * @lba_align: random LBAs are multiples of it; 0: the io_size (1 with
 *	weighted sizes).
 * @lba_random: percentage of commands at a random LBA, 0 .. 100 (pynvme's
 *	True is 100); the others continue the sequential stream.
 * @lba_step: with NVT_IOWORKER_F_LBA_STEP, the distance from one
 *	sequential command to the next (0 repeats @lba_start, negative goes
 *	backwards); only with @lba_random 0. Default: the io_size (fixed
 *	sizes only).
 * @lba_start: the first sequential LBA, inside the region. A stream that
 *	leaves the region restarts at @region_start (@lba_step > 0) or at
 *	@lba_start (@lba_step < 0).
 * @region_start: first LBA of the region.
 * @region_end: end of the region (excluded), at most the capacity; UINT64_MAX
 *	means the capacity. A command that would cross it is truncated.
 * @read_percentage: 0 .. 100, reads vs writes; ignored when @nops is set.
 * @nops: 0, or the number of entries in @ops (pynvme's op_percentage).
 * @ops: the opcodes and their percentages.
 * @qdepth: commands the worker keeps outstanding, 1 .. CAP.MQES. Its
 *	qpair has qdepth + 1 entries (a queue of N entries holds N - 1
 *	commands), so all of them are on the device at once; 1 gives QD1
 *	(the next command is submitted only after the previous one was
 *	reaped). As pynvme's qdepth: it too keeps qdepth IOs in flight.
 * @qprio: the SQ's priority, 0 .. 3 (weighted round robin).
 * @iops: the most commands submitted in any second of the run (0: no cap);
 *	spread over the first 90% of each second.
 * @io_count: stop after this many commands (0: no limit).
 * @time_ms: stop after this many milliseconds (0: no limit). Either this,
 *	@io_count, or a pure sequential pass must end the run.
 * @distribution: with NVT_IOWORKER_F_DISTRIBUTION, the share of random
 *	commands, in 1/10000, that fall in each of 100 equal sections of the
 *	region (JEDEC-style hot spots); they add up to 10000; only with
 *	@lba_random 100.
 * @ptype: data pattern type of the write buffers (pattern.h).
 * @pvalue: data pattern value.
 * @cpu: with NVT_IOWORKER_F_CPU, the CPU to pin the thread to; else the
 *	allowed CPUs are used in turn.
 * @cmdlog_count: how many of the last commands the result lists, 0 .. 4096.
 * @seed: the worker's random seed (nvt_srand()); 0: one from nvt_rand() of
 *	the starting thread.
 * @io_sequence: NULL, or @io_sequence_len commands to replay (copied at
 *	start): each is submitted at its time_us, or as soon after as a
 *	command slot is free (at most @qdepth outstanding). The sizes, LBA,
 *	region and opcode parameters are then unused; @iops, @lba_step and
 *	@distribution are refused with it. The run ends when every command
 *	completed (or earlier by @io_count or @time_ms).
 * @io_sequence_len: entries of @io_sequence, 0 .. 2^24.
 * @rsvd: must be 0.
 */
struct nvt_ioworker_args {
	uint32_t flags;
	uint32_t io_size;
	uint32_t nsizes;
	struct nvt_ioworker_size sizes[NVT_IOWORKER_MAX_SIZES];
	uint32_t lba_align;
	uint32_t lba_random;
	int64_t lba_step;
	uint64_t lba_start;
	uint64_t region_start;
	uint64_t region_end;
	uint32_t read_percentage;
	uint32_t nops;
	struct nvt_ioworker_op ops[NVT_IOWORKER_MAX_OPS];
	uint32_t qdepth;
	uint32_t qprio;
	uint64_t iops;
	uint64_t io_count;
	uint64_t time_ms;
	uint16_t distribution[NVT_IOWORKER_SECTIONS];
	uint32_t ptype;
	uint32_t pvalue;
	uint32_t cpu;
	uint32_t cmdlog_count;
	uint64_t seed;
	const struct nvt_ioworker_seq_io *io_sequence;
	uint64_t io_sequence_len;
	uint64_t rsvd[2];
};

/**
 * struct nvt_ioworker_cmd - one command of a worker.
 * @slba: its first LBA (0 for flush).
 * @nlb: its LBAs, not 0's based (0 for flush).
 * @opcode: its opcode.
 * @rsvd: 0.
 * @status: its status (SCT << 8 | SC, NVT_STATUS_* of the library); 0
 *	also for a command that never completed (a reset). In
 *	@error_cmd: the error (a negative errno for a failed submission).
 */
struct nvt_ioworker_cmd {
	uint64_t slba;
	uint32_t nlb;
	uint8_t opcode;
	uint8_t rsvd[3];
	int32_t status;
};

/**
 * struct nvt_ioworker_result - what a worker did. Free the arrays with
 *	nvt_ioworker_result_free().
 * @io_count_read: Read commands completed.
 * @io_count_write: Write commands completed.
 * @io_count_other: other commands completed.
 * @op_count: commands completed, by opcode.
 * @io_count: all commands completed.
 * @bytes: data bytes read and written.
 * @duration_ns: from the start of IO to the last completion.
 * @iops: @io_count per second of @duration_ns.
 * @mbps: @bytes per second of @duration_ns, in MB (10^6 bytes).
 * @latency_max_us: the longest latency (from the command's submission,
 *	its SQE written, to its reaped completion; the doorbell follows the
 *	submissions of the same pass at once).
 * @latency_avg_us: the average latency.
 * @latency_hist: @latency_buckets counts: bucket i holds the commands of
 *	latency i microseconds, the last one every latency at or above it.
 * @latency_buckets: NVT_IOWORKER_LAT_BUCKETS.
 * @io_per_second: commands completed in each second of the run
 *	(pynvme's output_io_per_second); the last second may be partial.
 * @seconds: entries of @io_per_second.
 * @cmdlog: the last commands submitted, oldest first (pynvme's
 *	output_cmdlog_list).
 * @cmdlog_count: entries of @cmdlog.
 * @cpu_ns: CPU time of the worker thread (CLOCK_THREAD_CPUTIME_ID).
 * @cpu_usage: @cpu_ns / the thread's wall time (1.0: one busy core).
 * @error: 0; the first failed command's status (positive, e.g.
 *	NVT_STATUS_VERIFY_FAILED for a miscompare, NVT_STATUS_HOST_TIMEOUT);
 *	or a negative errno of a failed submission.
 * @error_cmd: the command of @error.
 * @reset: the controller was reset: the worker stopped early (not an
 *	error).
 */
struct nvt_ioworker_result {
	uint64_t io_count_read;
	uint64_t io_count_write;
	uint64_t io_count_other;
	uint64_t op_count[256];
	uint64_t io_count;
	uint64_t bytes;
	uint64_t duration_ns;
	double iops;
	double mbps;
	uint64_t latency_max_us;
	double latency_avg_us;
	uint32_t *latency_hist;
	unsigned int latency_buckets;
	uint64_t *io_per_second;
	unsigned int seconds;
	struct nvt_ioworker_cmd *cmdlog;
	unsigned int cmdlog_count;
	uint64_t cpu_ns;
	double cpu_usage;
	int error;
	struct nvt_ioworker_cmd error_cmd;
	bool reset;
};

/**
 * struct nvt_ioworker_progress - a running worker's counters so far.
 * @elapsed_ns: since its IO began (0 before); once it ended, its duration.
 * @io_count: commands completed successfully.
 * @bytes: data bytes read and written by them.
 * @latency_sum_us: the sum of their latencies (average: / @io_count).
 * @latency_max_us: the longest of them.
 * @running: the worker has not finished yet.
 *
 * The fields are read one by one while the worker runs, so they may be a
 * few commands apart from each other; each is exact for some moment.
 */
struct nvt_ioworker_progress {
	uint64_t elapsed_ns;
	uint64_t io_count;
	uint64_t bytes;
	uint64_t latency_sum_us;
	uint64_t latency_max_us;
	bool running;
};

/**
 * nvt_ioworker_args_init() - pynvme's ioworker() defaults.
 * @args: receives io_size 8, lba_random 100, read_percentage 100,
 *	qdepth 64, region 0 .. the capacity (UINT64_MAX), pattern random 100%
 *	(ptype NVT_PATTERN_RANDOM, pvalue 100); everything else 0. One of
 *	io_count and time_ms must still be set.
 *
 * Thread-safety: reentrant.
 */
void nvt_ioworker_args_init(struct nvt_ioworker_args *args);

/**
 * nvt_ioworker_check() - check parameters, as nvt_ioworker_start() does,
 *	without starting anything.
 * @ns: the namespace.
 * @args: the parameters.
 *
 * Return: 0; -EINVAL with an error logged that names the parameter or the
 * combination refused.
 *
 * Thread-safety: safe.
 */
int nvt_ioworker_check(struct nvt_ns *ns, const struct nvt_ioworker_args *args);

/**
 * nvt_ioworker_start() - start a worker, non-blocking.
 * @ns: the namespace; the worker holds the controller through its qpair,
 *	but the caller must keep @ns open until nvt_ioworker_close().
 * @args: the parameters, copied.
 * @out: receives the worker; NULL unless 0 is returned.
 *
 * Checks every parameter (nvt_ioworker_check()), creates the qpair and the
 * buffers, and starts the thread, which begins IO at once.
 *
 * Return: 0; -EINVAL (a bad parameter, logged: nothing was sent); an
 * error of nvt_qpair_create() (e.g. -ENOSPC: no free queue id) or of
 * nvt_buf_alloc(); -ENOMEM; or pthread_create()'s error, negated.
 *
 * Thread-safety: safe.
 */
int nvt_ioworker_start(struct nvt_ns *ns, const struct nvt_ioworker_args *args,
		       struct nvt_ioworker **out);

/**
 * nvt_ioworker_start_group() - start workers that begin IO together.
 * @ns: @n namespaces (each worker's).
 * @args: @n parameter sets.
 * @n: how many, 1 .. 1024.
 * @out: receives @n workers; all NULL unless 0 is returned.
 *
 * Every worker is checked and set up and its thread started but held; once
 * all are ready they are released together (see the top of this file).
 *
 * Return: as nvt_ioworker_start(), for the first worker that failed (then
 * none ran: the others were closed before any IO).
 *
 * Thread-safety: safe.
 */
int nvt_ioworker_start_group(struct nvt_ns *const *ns, const struct nvt_ioworker_args *args,
			     unsigned int n, struct nvt_ioworker **out);

/**
 * nvt_ioworker_stop() - ask a worker to stop early; returns at once.
 * @w: the worker.
 *
 * It submits nothing more and ends when its outstanding commands complete.
 *
 * Thread-safety: safe, from any thread, until nvt_ioworker_close().
 */
void nvt_ioworker_stop(struct nvt_ioworker *w);

/**
 * nvt_ioworker_running() - whether a worker's thread is still working.
 * @w: the worker.
 *
 * Return: true until the worker has finished its last command.
 *
 * Thread-safety: safe, from any thread, until nvt_ioworker_close().
 */
bool nvt_ioworker_running(const struct nvt_ioworker *w);

/**
 * nvt_ioworker_progress() - read a worker's live counters.
 * @w: the worker.
 * @p: receives the counters.
 *
 * Costs a few loads: the worker publishes its counters with relaxed
 * atomic stores at each completion, so polling this (e.g. once a second
 * for IOPS and MB/s from the differences) does not slow it down.
 *
 * Return: 0; -EINVAL (a NULL argument).
 *
 * Thread-safety: safe, from any thread, until nvt_ioworker_close().
 */
int nvt_ioworker_progress(const struct nvt_ioworker *w, struct nvt_ioworker_progress *p);

/**
 * nvt_ioworker_close() - wait for a worker to end, get its results, free it.
 * @w: the worker, or NULL (then 0 is returned and @res zeroed).
 * @res: receives the results, or NULL; free its arrays with
 *	nvt_ioworker_result_free().
 *
 * Deletes the worker's qpair and buffers.
 *
 * Return: 0 (the run ended as asked, or by a controller reset: see
 * @res->reset); the first error (@res->error: a positive status, or a
 * negative errno); -ENOMEM (the results' arrays could not be allocated:
 * the counts are still filled).
 *
 * Thread-safety: once per worker, from any thread.
 */
int nvt_ioworker_close(struct nvt_ioworker *w, struct nvt_ioworker_result *res);

/**
 * nvt_ioworker_result_free() - free the arrays of a result.
 * @res: the result, or NULL. Its array pointers become NULL.
 *
 * Thread-safety: reentrant.
 */
void nvt_ioworker_result_free(struct nvt_ioworker_result *res);

/**
 * nvt_ioworker_percentile() - a latency percentile of a result.
 * @res: the result.
 * @percent: 0 .. 100 (e.g. 99.9).
 * @us: receives the smallest latency, in microseconds, at or below which
 *	@percent percent of the commands completed.
 *
 * Return: 0; -EINVAL (NULL argument, @percent out of range); -ENODATA (no
 * command completed, or no histogram).
 *
 * Thread-safety: reentrant.
 */
int nvt_ioworker_percentile(const struct nvt_ioworker_result *res, double percent,
			    uint64_t *us);

/**
 * nvt_ioworker_iops_consistency() - how steady a run's IOPS were.
 * @res: the result.
 * @consistency: receives the IOPS of the 99.9th-percentile slowest whole
 *	second divided by the average IOPS of the whole seconds (Intel's
 *	"IOPS consistency", a fraction; 1.0: every second alike). With fewer
 *	than 1000 whole seconds that second is simply the slowest one. The
 *	last, partial second of @res->io_per_second is left out.
 *
 * Return: 0; -EINVAL (a NULL argument); -ENODATA (fewer than 2 whole
 * seconds, or no command completed); -ENOMEM.
 *
 * Thread-safety: reentrant.
 */
int nvt_ioworker_iops_consistency(const struct nvt_ioworker_result *res, double *consistency);

#ifdef __cplusplus
}
#endif

#endif /* NVMETEST_IOWORKER_H */
