# SPDX-License-Identifier: MIT
"""IOWorker: pynvme's ioworker over nvmetest's IOWorker (C threads, not a process).

    r = nvme0n1.ioworker(io_size=8, lba_random=True, read_percentage=100,
                         time=2).start().close()
    print(r.io_count_read, r.mseconds, r.latency_max_us, r.error)

    with nvme0n1.ioworker(io_size=8, io_count=1000):
        nvme0.getfeatures(7).waitdone()      # while it runs

close() returns nvmetest's IOWorkerResult: pynvme's fields by attribute or
key (io_count_read, io_count_nonread, io_count_write, mseconds, iops,
latency_max_us, latency_average_us, cpu_usage, error...). An error warns as
pynvme does ("ioworker device respond an ERROR status: 02/81", "ioworker host
ERROR -110: ..."). op_percentage, output_io_per_second,
output_percentile_latency and output_cmdlog_list are filled in by close().
"""
import os
import warnings

import nvmetest


def _io_sizes(io_size):
    """pynvme's io_size forms (int, range, list, dict) as nvmetest's (int or dict)."""
    if isinstance(io_size, (range, list, tuple)):
        return {int(s): 1 for s in io_size}
    return io_size


def _align(lba_align):
    """pynvme's lba_align (None, int, or a list, one per io_size) as one int."""
    if isinstance(lba_align, (list, tuple)):
        if len(set(lba_align)) != 1:
            raise ValueError(f"lba_align {lba_align}: nvmetest aligns every size alike, give "
                             "one value")
        return lba_align[0]
    return lba_align


class IOWorker:
    """One pynvme ioworker on Namespace @ns (see Namespace.ioworker for the parameters)."""

    def __init__(self, ns, io_size, lba_step, lba_align, lba_random, read_percentage,
                 op_percentage, time, qdepth, region_start, region_end, iops, io_count,
                 lba_start, qprio, distribution, ptype, pvalue, io_sequence,
                 output_io_per_second, output_percentile_latency, output_cmdlog_list):
        if io_sequence is None and not time and not io_count:
            raise ValueError("when to stop the ioworker? give time or io_count")
        cmdlog_count = None
        if output_cmdlog_list is not None:
            cmdlog_count = min(len(output_cmdlog_list), nvmetest.IOWORKER_MAX_CMDLOG)
        self._op_percentage = op_percentage
        self._per_second = output_io_per_second
        self._nvt = nvmetest.IOWorker(
            ns.nvt, io_size=_io_sizes(io_size), lba_align=_align(lba_align),
            lba_random=lba_random, read_percentage=read_percentage,
            op_percentage=op_percentage, time=time, qdepth=qdepth, region_start=region_start,
            region_end=region_end, iops=iops, io_count=io_count, lba_start=lba_start,
            qprio=qprio, distribution=distribution, ptype=ptype, pvalue=pvalue,
            output_io_per_second=output_io_per_second,
            output_percentile_latency=output_percentile_latency,
            output_cmdlog_list=output_cmdlog_list, lba_step=lba_step,
            verify=ns.nvt.verify_enabled, cmdlog_count=cmdlog_count,
            seed=nvmetest.rand() & 0xffffffff or 1, io_sequence=io_sequence)

    @property
    def nvt(self):
        """The nvmetest.IOWorker behind this one."""
        return self._nvt

    def start(self):
        """Start the worker; returns at once (self, for chaining)."""
        self._nvt.start()
        return self

    @property
    def running(self):
        """The worker is still sending IO."""
        return self._nvt.running

    def close(self):
        """Wait for the worker to end; returns its result (the same one on every call)."""
        first = self._nvt.result is None
        r = self._nvt.close()
        if first:
            self._report(r)
        return r

    def _report(self, r):
        if r.error > 0:
            warnings.warn(f"ioworker device respond an ERROR status: "
                          f"{r.error >> 8 & 0x7:02x}/{r.error & 0xff:02x}", UserWarning,
                          stacklevel=3)
        elif r.error < 0:
            warnings.warn(f"ioworker host ERROR {r.error}: {os.strerror(-r.error)}",
                          UserWarning, stacklevel=3)
        if self._op_percentage:
            for opcode in self._op_percentage:
                self._op_percentage[opcode] = r.op_count.get(opcode, 0)
        if self._per_second is not None:     # whole seconds only, as pynvme
            del self._per_second[r.mseconds // 1000:]
        if r.io_per_second:
            average = sum(r.io_per_second) / len(r.io_per_second)
            slowest = sorted(r.io_per_second, reverse=True)[len(r.io_per_second) * 999 // 1000]
            r.iops_consistency = slowest / average if average else 0.0

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *exc):
        if exc_type is not None:
            self._nvt.stop()
        self.close()
