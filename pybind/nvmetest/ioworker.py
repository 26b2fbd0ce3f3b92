# SPDX-License-Identifier: MIT
"""IOWorker: an IO generator thread on its own qpair (struct nvt_ioworker,
ioworker.h), pynvme's Namespace.ioworker().

    r = ns.ioworker(io_size=8, lba_random=True, read_percentage=100, time=2).start().close()
    print(r.io_count_read, r.iops, r.latency_average_us, r.percentile(99.9))

    with nvmetest.IOWorker(ns, io_size={8: 1, 64: 3}, io_count=10000, qdepth=32) as w:
        ctrl.getlogpage(nvmetest.LID_SMART, buf, 512).waitdone()   # while it runs
    print(w.result.io_count)

Parameters are pynvme's (io_size, lba_align, lba_random, read_percentage,
op_percentage, time, qdepth, region_start, region_end, iops, io_count,
lba_start, qprio, distribution, ptype, pvalue, io_sequence, output_io_per_second,
output_percentile_latency, output_cmdlog_list) plus keyword-only lba_step,
verify, irq, cpu, cmdlog_count and seed. An invalid parameter raises
ValueError with the library's message (at construction: nothing runs).
start() returns at once; close() waits for the worker to end and returns an
IOWorkerResult (attribute access, as pynvme's). A worker that failed a command
does not raise: result.error is its status (or a negative errno) and
result.error_cmd the command; result.check() raises for it.
progress() reads the live counters of a running worker (IOPS, MB/s, latency).
ioworker_group() starts several workers so that their first IOs begin together.
"""
import ctypes
import errno
import weakref

from ._lib import (IoworkerArgsC, IoworkerProgressC, IoworkerPtr, IoworkerResultC,
                   IoworkerSeqIoC, NsPtr, lib)
from .errors import NvmeStatusError, clear_error, error_for
from .ns import Namespace

IOWORKER_MAX_SIZES = 16
IOWORKER_MAX_OPS = 6
IOWORKER_SECTIONS = 100
IOWORKER_MAX_CMDLOG = 4096
IOWORKER_LAT_BUCKETS = 1000000

# struct nvt_ioworker_args.flags
_F_LBA_STEP, _F_VERIFY, _F_IRQ, _F_CPU, _F_DISTRIBUTION = 1, 2, 4, 8, 16
_U64_MAX = (1 << 64) - 1


def _int(value, what, lo, hi):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise ValueError(f"{what} {value}: out of range ({lo} .. {hi})")
    return value


class IOWorkerCmd:
    """One command of a worker (struct nvt_ioworker_cmd): slba, nlb, opcode, status."""

    __slots__ = ("slba", "nlb", "opcode", "status")

    def __init__(self, c):
        self.slba, self.nlb, self.opcode, self.status = c.slba, c.nlb, c.opcode, c.status

    def as_tuple(self):
        """pynvme's output_cmdlog_list entry shape: (slba, nlb, opcode)."""
        return (self.slba, self.nlb, self.opcode)

    def __repr__(self):
        return (f"<IOWorkerCmd opcode {self.opcode:#04x} slba {self.slba} nlb {self.nlb} "
                f"status {self.status:#x}>")


class IOWorkerProgress:
    """A running worker's counters so far (struct nvt_ioworker_progress): elapsed_ns,
    io_count, bytes, latency_sum_us, latency_max_us, running; and derived from them
    seconds, iops and mbps (averages since the start of IO) and latency_average_us."""

    __slots__ = ("elapsed_ns", "io_count", "bytes", "latency_sum_us", "latency_max_us",
                 "running", "seconds", "iops", "mbps", "latency_average_us")

    def __init__(self, p):
        self.elapsed_ns, self.io_count, self.bytes = p.elapsed_ns, p.io_count, p.bytes
        self.latency_sum_us, self.latency_max_us = p.latency_sum_us, p.latency_max_us
        self.running = bool(p.running)
        self.seconds = p.elapsed_ns / 1e9
        self.iops = p.io_count / self.seconds if p.elapsed_ns else 0.0
        self.mbps = p.bytes / 1e6 / self.seconds if p.elapsed_ns else 0.0
        self.latency_average_us = p.latency_sum_us / p.io_count if p.io_count else 0.0

    def __repr__(self):
        return (f"<IOWorkerProgress {self.io_count} IOs in {self.seconds:.1f} s, "
                f"{self.iops:.0f} IOPS, max {self.latency_max_us} us>")


def _free_result(res):
    lib.nvt_ioworker_result_free(ctypes.byref(res))


class IOWorkerResult:
    """What a worker did (struct nvt_ioworker_result), with pynvme's names:

    io_count_read, io_count_write (= io_count_nonread when only reads and
    writes), io_count_nonread (every command but reads), io_count_other,
    io_count, op_count ({opcode: count}, nonzero only), bytes, mseconds,
    duration_ns, iops, bandwidth (MB/s, 10^6 bytes), mbps (the same),
    latency_max_us, latency_average_us, io_per_second (list), cmdlog (list of
    IOWorkerCmd, oldest first), cpu_usage, cpu_ns, error (0, a positive
    status, or a negative errno), error_cmd (IOWorkerCmd or None), reset,
    iops_consistency (the 99.9th-percentile slowest whole second's IOPS / the
    average of the whole seconds, see nvt_ioworker_iops_consistency(); None
    for runs of under 2 whole seconds),
    percentile(p), latency_percentiles (the output_percentile_latency dict
    asked for, else {}), ret (nvt_ioworker_close()'s return value).
    """

    def __init__(self, res, ret, percentiles=()):
        self._res = res     # kept: percentile() reads its histogram
        self._finalizer = weakref.finalize(self, _free_result, res)
        self.ret = ret
        self.io_count_read = res.io_count_read
        self.io_count_write = res.io_count_write
        self.io_count_other = res.io_count_other
        self.io_count = res.io_count
        self.io_count_nonread = res.io_count - res.io_count_read
        self.op_count = {i: n for i, n in enumerate(res.op_count) if n}
        self.bytes = res.bytes
        self.duration_ns = res.duration_ns
        self.mseconds = res.duration_ns // 1000000
        self.iops = res.iops
        self.mbps = self.bandwidth = res.mbps
        self.latency_max_us = res.latency_max_us
        self.latency_average_us = res.latency_avg_us
        self.io_per_second = ([res.io_per_second[i] for i in range(res.seconds)]
                              if res.io_per_second else [])
        self.cmdlog = ([IOWorkerCmd(res.cmdlog[i]) for i in range(res.cmdlog_count)]
                       if res.cmdlog else [])
        self.cpu_ns = res.cpu_ns
        self.cpu_usage = res.cpu_usage
        self.error = res.error
        self.error_cmd = IOWorkerCmd(res.error_cmd) if res.error else None
        self.reset = bool(res.reset)
        self.latency_percentiles = {p: self.percentile(p) for p in percentiles}
        c = ctypes.c_double()
        ret = lib.nvt_ioworker_iops_consistency(ctypes.byref(res), ctypes.byref(c))
        self.iops_consistency = c.value if ret == 0 else None

    def percentile(self, percent):
        """nvt_ioworker_percentile(): the smallest latency in microseconds at or below
        which @percent (0 .. 100) percent of the commands completed; None when no
        command completed."""
        us = ctypes.c_uint64()
        clear_error()
        ret = lib.nvt_ioworker_percentile(ctypes.byref(self._res), float(percent),
                                          ctypes.byref(us))
        if ret == -errno.ENODATA:
            return None
        if ret == -errno.EINVAL:
            raise ValueError(f"percent {percent}: 0 .. 100")
        if ret < 0:
            raise error_for(ret)
        return us.value

    def latency_histogram(self):
        """{microseconds: count} of the nonzero buckets (the last: >= 1 s)."""
        r = self._res
        if not r.latency_hist:
            return {}
        arr = ctypes.cast(r.latency_hist,
                          ctypes.POINTER(ctypes.c_uint32 * r.latency_buckets)).contents
        return {i: n for i, n in enumerate(arr) if n}

    def check(self):
        """Raise for the worker's error: NvmeStatusError (a status) or NvtError (-errno)."""
        if self.error > 0:
            raise NvmeStatusError(self.error)
        if self.error < 0:
            raise error_for(self.error)
        return self

    def __getitem__(self, key):      # pynvme's results were also read as a dict
        return getattr(self, key)

    def __repr__(self):
        return (f"<IOWorkerResult io_count {self.io_count} (read {self.io_count_read}, "
                f"write {self.io_count_write}, other {self.io_count_other}) "
                f"{self.mseconds} ms, {self.iops:.0f} IOPS, error {self.error}>")


class IOWorker:
    """pynvme's Namespace.ioworker(): an IO generator on @ns (see the module's doc).

    io_size: LBAs per command, or {lbas: weight}; lba_random: True/False or a
    percentage; op_percentage: {opcode: percent} adding up to 100 (overrides
    read_percentage); time: seconds (float allowed); region_end: excluded,
    0xffffffffffffffff (or anything beyond) is the capacity; distribution: 100
    ints adding up to 10000 (lba_random 100 only); ptype/pvalue: the write data
    pattern (pattern.py); lba_step: the sequential stride (lba_random 0);
    io_sequence: [(slba, nlb, opcode, time_sent_us), ...] replayed at those times
    (pynvme's; the size, LBA and opcode parameters are then unused);
    verify: verified reads and writes (the namespace's verification must be
    on); irq: sleep on the interrupt instead of polling; cpu: pin the thread;
    cmdlog_count: commands the result lists (default: 4096 when
    output_cmdlog_list is given, else 0); seed: the random seed (0: derived).
    output_io_per_second (a list), output_percentile_latency (a dict of
    percentiles as keys) and output_cmdlog_list (a list of (slba, nlb,
    opcode)) are filled in by close(), as pynvme does.
    """

    def __init__(self, ns, io_size=8, lba_align=None, lba_random=True, read_percentage=100,
                 op_percentage=None, time=0, qdepth=64, region_start=0, region_end=_U64_MAX,
                 iops=0, io_count=0, lba_start=0, qprio=0, distribution=None, ptype=0xbeef,
                 pvalue=100, io_sequence=None, output_io_per_second=None,
                 output_percentile_latency=None, output_cmdlog_list=None, *, lba_step=None,
                 verify=False, irq=False, cpu=None, cmdlog_count=None, seed=0):
        if not isinstance(ns, Namespace):
            raise TypeError(f"ns must be a Namespace, not {type(ns).__name__}")
        a = IoworkerArgsC()
        lib.nvt_ioworker_args_init(ctypes.byref(a))
        self._seq = None
        if io_sequence is not None:
            self._seq = _sequence(io_sequence)
            a.io_sequence = self._seq
            a.io_sequence_len = len(self._seq)
        if isinstance(io_size, dict):
            if not 1 <= len(io_size) <= IOWORKER_MAX_SIZES:
                raise ValueError(f"io_size: 1 .. {IOWORKER_MAX_SIZES} weighted sizes, "
                                 f"not {len(io_size)}")
            a.nsizes = len(io_size)
            for i, (lbas, weight) in enumerate(io_size.items()):
                a.sizes[i].lbas = _int(lbas, "io_size lbas", 0, 0xffffffff)
                a.sizes[i].weight = _int(weight, "io_size weight", 0, 0xffffffff)
        else:
            a.io_size = _int(io_size, "io_size", 0, 0xffffffff)
        a.lba_align = 0 if lba_align is None else _int(lba_align, "lba_align", 0, 0xffffffff)
        if isinstance(lba_random, bool):
            a.lba_random = 100 if lba_random else 0
        else:
            a.lba_random = _int(lba_random, "lba_random", 0, 0xffffffff)
        a.read_percentage = _int(read_percentage, "read_percentage", 0, 0xffffffff)
        if op_percentage:
            if not isinstance(op_percentage, dict):
                raise TypeError("op_percentage must be a dict {opcode: percent}")
            if len(op_percentage) > IOWORKER_MAX_OPS:
                raise ValueError(f"op_percentage: {len(op_percentage)} entries, at most "
                                 f"{IOWORKER_MAX_OPS}")
            a.nops = len(op_percentage)
            for i, (opc, pct) in enumerate(op_percentage.items()):
                a.ops[i].opcode = _int(opc, "op_percentage opcode", 0, 0xff)
                a.ops[i].percent = _int(pct, "op_percentage percent", 0, 0xffffffff)
        if not isinstance(time, (int, float)) or isinstance(time, bool) or time < 0:
            raise ValueError(f"time {time!r}: seconds, 0 or more")
        a.time_ms = int(round(time * 1000))
        if time and not a.time_ms:
            a.time_ms = 1
        a.qdepth = _int(qdepth, "qdepth", 0, 0xffffffff)
        a.region_start = _int(region_start, "region_start", 0, _U64_MAX)
        region_end = _int(region_end, "region_end", 0, _U64_MAX)
        a.region_end = _U64_MAX if region_end > ns.capacity else region_end
        a.iops = _int(iops, "iops", 0, _U64_MAX)
        a.io_count = _int(io_count, "io_count", 0, _U64_MAX)
        a.lba_start = _int(lba_start, "lba_start", 0, _U64_MAX)
        a.qprio = _int(qprio, "qprio", 0, 0xffffffff)
        if lba_step is not None:
            a.flags |= _F_LBA_STEP
            a.lba_step = _int(lba_step, "lba_step", -(1 << 63), (1 << 63) - 1)
        if distribution is not None:
            if len(distribution) != IOWORKER_SECTIONS:
                raise ValueError(f"distribution: {IOWORKER_SECTIONS} entries, not "
                                 f"{len(distribution)}")
            a.flags |= _F_DISTRIBUTION
            for i, v in enumerate(distribution):
                a.distribution[i] = _int(v, "distribution entry", 0, 0xffff)
        a.ptype = _int(ptype, "ptype", 0, 0xffffffff)
        a.pvalue = _int(pvalue, "pvalue", 0, 0xffffffff)
        if verify:
            a.flags |= _F_VERIFY
        if irq:
            a.flags |= _F_IRQ
        if cpu is not None:
            a.flags |= _F_CPU
            a.cpu = _int(cpu, "cpu", 0, 0xffffffff)
        if cmdlog_count is None:
            cmdlog_count = IOWORKER_MAX_CMDLOG if output_cmdlog_list is not None else 0
        a.cmdlog_count = _int(cmdlog_count, "cmdlog_count", 0, 0xffffffff)
        a.seed = _int(seed, "seed", 0, _U64_MAX)

        clear_error()
        ret = lib.nvt_ioworker_check(ns._handle(), ctypes.byref(a))
        if ret == -errno.EINVAL:
            raise ValueError(error_for(ret).strerror)
        if ret < 0:
            raise error_for(ret)
        self._ns = ns
        self._args = a
        self._ptr = None
        self._started = False
        self._outputs = (output_io_per_second, output_percentile_latency, output_cmdlog_list)
        self.result = None

    # ---- running ----

    @property
    def args(self):
        """The struct nvt_ioworker_args passed to the library (a ctypes copy)."""
        return self._args

    def _adopt(self, ptr):
        self._ptr = ptr
        self._started = True
        self._finalizer = weakref.finalize(self, _abandon, ptr)

    def start(self):
        """nvt_ioworker_start(): start the worker; returns at once (self, for chaining)."""
        if self._started:
            raise RuntimeError("the IOWorker was already started")
        ptr = IoworkerPtr()
        clear_error()
        ret = lib.nvt_ioworker_start(self._ns._handle(), ctypes.byref(self._args),
                                     ctypes.byref(ptr))
        if ret == -errno.EINVAL:
            raise ValueError(error_for(ret).strerror)
        if ret < 0:
            raise error_for(ret)
        self._adopt(ptr)
        return self

    def stop(self):
        """nvt_ioworker_stop(): ask the worker to stop early; returns at once."""
        if self._ptr:
            lib.nvt_ioworker_stop(self._ptr)

    @property
    def running(self):
        """nvt_ioworker_running(): the worker is still working."""
        return bool(self._ptr) and bool(lib.nvt_ioworker_running(self._ptr))

    def progress(self):
        """nvt_ioworker_progress(): the worker's live counters (IOWorkerProgress),
        cheap enough to poll while it runs; call it before close()."""
        if not self._ptr:
            raise RuntimeError("the IOWorker is not running (not started, or closed)")
        p = IoworkerProgressC()
        ret = lib.nvt_ioworker_progress(self._ptr, ctypes.byref(p))
        if ret < 0:
            raise error_for(ret)
        return IOWorkerProgress(p)

    def close(self):
        """nvt_ioworker_close(): wait for the worker to end (the GIL is released), free
        it, fill pynvme's output_* arguments, and return the IOWorkerResult (also
        self.result). Idempotent: a second call returns the same result."""
        if self.result is not None:
            return self.result
        if not self._started:
            raise RuntimeError("the IOWorker was not started")
        ptr, self._ptr = self._ptr, None
        self._finalizer.detach()
        res = IoworkerResultC()
        ret = lib.nvt_ioworker_close(ptr, ctypes.byref(res))
        ips, pct, cmds = self._outputs
        self.result = IOWorkerResult(res, ret, list(pct) if pct else ())
        if ips is not None:
            ips[:] = self.result.io_per_second
        if pct is not None:
            pct.update(self.result.latency_percentiles)
        if cmds is not None:
            cmds[:] = [c.as_tuple() for c in self.result.cmdlog]
        return self.result

    def __enter__(self):
        if not self._started:
            self.start()
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is not None and self._ptr:
            self.stop()     # the body failed: don't wait out the whole run
        self.close()

    def __repr__(self):
        state = ("closed" if self.result is not None else
                 "running" if self.running else "done" if self._started else "not started")
        return f"<IOWorker nsid {self._ns.nsid} {state}>"


def _abandon(ptr):
    """A started worker dropped without close(): stop it and free it."""
    try:
        lib.nvt_ioworker_stop(ptr)
        lib.nvt_ioworker_close(ptr, None)
    except Exception:   # interpreter shutdown
        pass


def ioworker_group(workers):
    """nvt_ioworker_start_group(): start IOWorkers (not yet started) so that their
    first IOs and clocks begin together; if one cannot start, none runs (ValueError
    for a bad parameter, NvtError otherwise). Returns the list."""
    workers = list(workers)
    if not 1 <= len(workers) <= 1024:
        raise ValueError(f"ioworker_group: 1 .. 1024 workers, not {len(workers)}")
    for w in workers:
        if not isinstance(w, IOWorker):
            raise TypeError(f"ioworker_group takes IOWorkers, not {type(w).__name__}")
        if w._started:
            raise RuntimeError("an IOWorker of the group was already started")
    n = len(workers)
    nss = (NsPtr * n)(*[w._ns._handle() for w in workers])
    args = (IoworkerArgsC * n)(*[w._args for w in workers])
    out = (IoworkerPtr * n)()
    clear_error()
    ret = lib.nvt_ioworker_start_group(nss, args, n, out)
    if ret == -errno.EINVAL:
        raise ValueError(error_for(ret).strerror)
    if ret < 0:
        raise error_for(ret)
    for w, ptr in zip(workers, out):
        w._adopt(ptr)
    return workers


def _sequence(io_sequence):
    """pynvme's io_sequence, [(slba, nlb, opcode, time_sent_us), ...], as the C array
    (kept alive by the IOWorker: the library copies it only at start)."""
    entries = list(io_sequence)
    if not entries:
        raise ValueError("io_sequence: at least one (slba, nlb, opcode, time_sent_us) entry")
    arr = (IoworkerSeqIoC * len(entries))()
    for e, item in zip(arr, entries):
        if not isinstance(item, (tuple, list)) or len(item) != 4:
            raise ValueError(f"io_sequence entry {item!r}: (slba, nlb, opcode, time_sent_us)")
        slba, nlb, opcode, time_us = item
        e.slba = _int(slba, "io_sequence slba", 0, _U64_MAX)
        e.nlb = _int(nlb, "io_sequence nlb", 0, 0xffffffff)
        e.opcode = _int(opcode, "io_sequence opcode", 0, 0xff)
        e.time_us = _int(time_us, "io_sequence time_sent_us", 0, _U64_MAX)
    return arr


def _ns_ioworker(self, io_size=8, *args, **kwargs):
    """pynvme's Namespace.ioworker(io_size=8, lba_align=None, lba_random=True, ...):
    an IOWorker on this namespace, not started (see nvmetest.IOWorker)."""
    return IOWorker(self, io_size, *args, **kwargs)


Namespace.ioworker = _ns_ioworker   # attached here: ns.py stays as it is

__all__ = ["IOWorker", "IOWorkerResult", "IOWorkerProgress", "IOWorkerCmd", "ioworker_group",
           "IOWORKER_MAX_SIZES", "IOWORKER_MAX_OPS", "IOWORKER_SECTIONS",
           "IOWORKER_MAX_CMDLOG", "IOWORKER_LAT_BUCKETS"]
