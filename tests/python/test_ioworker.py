# SPDX-License-Identifier: MIT
"""IOWorker (pynvme's Namespace.ioworker) through the Python binding.

Speed is never asserted. The 1 TiB null namespace of nvmetest1 carries the
unverified runs; verification runs on namespace 1 of nvmetest0 (file-backed).
"""
import threading
import time

import pytest

import nvmetest
from io_helpers import ns1, qpair, vns1  # noqa: F401  fixtures


@pytest.fixture
def null_ns(bdfs):
    """Namespace 1 of nvmetest1: 1 TiB, null-co (stores nothing), never verified."""
    with nvmetest.Controller("nvmetest1") as c, nvmetest.Namespace(c, 1) as ns:
        yield ns


def test_io_count_stop_pynvme_shape(null_ns):
    r = null_ns.ioworker(io_size=8, lba_random=True, read_percentage=100,
                         io_count=1000, qdepth=16).start().close()
    assert r.error == 0 and r.ret == 0 and not r.reset
    assert r.io_count == 1000
    assert r.io_count_read == 1000 and r.io_count_nonread == 0 and r.io_count_write == 0
    assert r.op_count == {nvmetest.IO_READ: 1000}
    assert r.bytes == 1000 * 8 * 512


def test_qdepth_1_one_outstanding_io(null_ns):
    r = null_ns.ioworker(io_size=8, io_count=300, qdepth=1, output_cmdlog_list=[]).start().close()
    assert r.error == 0 and r.io_count == 300 and r.io_count_read == 300
    assert len(r.cmdlog) == 300 and all(c.status == 0 for c in r.cmdlog)


def test_progress_live_then_equal_to_the_result(null_ns):
    w = null_ns.ioworker(io_size=8, time=2, qdepth=16).start()
    seen = []
    while w.running:
        seen.append(w.progress())
        time.sleep(0.2)
    assert len(seen) >= 3 and any(p.running and p.io_count > 0 for p in seen)
    counts = [p.io_count for p in seen]
    assert counts == sorted(counts)
    end = w.progress()
    r = w.close()
    assert not end.running
    assert (end.io_count, end.bytes, end.latency_max_us) == (r.io_count, r.bytes, r.latency_max_us)
    assert end.elapsed_ns == r.duration_ns
    assert abs(end.latency_average_us - r.latency_average_us) < 1e-6
    with pytest.raises(RuntimeError):
        w.progress()


def test_io_sequence_replayed_in_order_at_its_times(null_ns):
    seq = [(1000 * i, 8, nvmetest.IO_WRITE if i % 3 else nvmetest.IO_READ, 100_000 * i)
           for i in range(10)]
    seq.append((0, 0, nvmetest.IO_FLUSH, 950_000))
    cmds = []
    r = null_ns.ioworker(io_sequence=seq, qdepth=1, output_cmdlog_list=cmds).start().close()
    assert r.error == 0 and r.io_count == 11
    assert r.op_count == {nvmetest.IO_READ: 4, nvmetest.IO_WRITE: 6, nvmetest.IO_FLUSH: 1}
    assert cmds == [(slba, nlb, opc) for slba, nlb, opc, _ in seq]
    # none went before its time: the last one at 950 ms
    assert r.duration_ns >= 950_000_000


def test_io_sequence_verified(vns1):
    lbas = [60000 + 16 * i for i in range(32)]
    seq = [(lba, 16, nvmetest.IO_WRITE, 0) for lba in lbas]
    seq += [(lba, 16, nvmetest.IO_READ, 1000) for lba in reversed(lbas)]
    r = vns1.ioworker(io_sequence=seq, qdepth=8, verify=True).start().close()
    assert r.error == 0, r.error_cmd
    assert r.io_count_write == 32 and r.io_count_read == 32


def test_iops_consistency(null_ns):
    r = null_ns.ioworker(io_size=8, time=3, qdepth=8).start().close()
    assert r.error == 0
    whole = r.io_per_second[:r.duration_ns // 1_000_000_000]
    assert len(whole) >= 2
    assert r.iops_consistency == pytest.approx(min(whole) / (sum(whole) / len(whole)))
    assert 0 < r.iops_consistency <= 1
    short = null_ns.ioworker(io_size=8, io_count=100).start().close()
    assert short.iops_consistency is None


def test_time_stop(null_ns):
    w = nvmetest.IOWorker(null_ns, io_size=8, time=1, qdepth=32, read_percentage=50)
    t0 = time.monotonic()
    r = w.start().close()
    elapsed = time.monotonic() - t0
    assert r.error == 0
    assert 0.9 <= elapsed < 30
    assert 900 <= r.mseconds < 30000
    assert r.io_count > 0 and r.io_count == r.io_count_read + r.io_count_write
    assert len(r.io_per_second) >= 1 and sum(r.io_per_second) == r.io_count
    assert w.result is r and w.close() is r     # close() again: the same result


def test_with_form(null_ns):
    with nvmetest.IOWorker(null_ns, io_size=4, lba_random=False, io_count=500,
                           region_start=1000, region_end=100000) as w:
        assert w.result is None
    r = w.result
    assert r.error == 0 and r.io_count == 500 and r.io_count_read == 500
    with null_ns.ioworker(io_size=8, io_count=100) as w2:
        pass
    assert w2.result.io_count == 100


def test_result_attributes_and_percentiles(null_ns):
    ips, pct, cmds = [], {50: None, 99: None, 99.9: None}, []
    r = null_ns.ioworker(io_size={8: 1, 16: 1}, read_percentage=70, io_count=3000, qdepth=8,
                         output_io_per_second=ips, output_percentile_latency=pct,
                         output_cmdlog_list=cmds).start().close()
    assert r.error == 0 and r.error_cmd is None
    assert r.io_count == 3000 == r.io_count_read + r.io_count_write
    assert r.io_count_nonread == r.io_count_write
    assert r.mseconds >= 0 and r.duration_ns > 0 and r.iops > 0 and r.bandwidth > 0
    assert r.latency_max_us >= r.latency_average_us > 0
    assert 0 < r.cpu_usage and r.cpu_ns > 0
    assert ips == r.io_per_second and sum(ips) == 3000
    assert set(pct) == {50, 99, 99.9}
    assert pct == r.latency_percentiles
    assert 0 < pct[50] <= pct[99] <= pct[99.9] <= max(r.latency_max_us, 1)
    assert r.percentile(99.9) == pct[99.9]
    assert r.percentile(100) >= r.percentile(0)
    with pytest.raises(ValueError):
        r.percentile(101)
    hist = r.latency_histogram()
    assert sum(hist.values()) == 3000
    assert len(cmds) == len(r.cmdlog) == 3000
    c = r.cmdlog[-1]
    assert c.opcode in (nvmetest.IO_READ, nvmetest.IO_WRITE) and c.nlb in (8, 16)
    assert cmds[-1] == (c.slba, c.nlb, c.opcode)
    assert r["io_count"] == 3000 and "IOWorkerResult" in repr(r)


def test_op_percentage_counts(ns1):
    ops = {nvmetest.IO_READ: 40, nvmetest.IO_WRITE: 30, nvmetest.IO_DSM: 10,
           nvmetest.IO_FLUSH: 10, nvmetest.IO_WRITE_ZEROES: 10}
    r = ns1.ioworker(io_size=8, op_percentage=ops, io_count=2000, qdepth=16,
                     region_end=65536).start().close()
    assert r.error == 0, r.error_cmd
    assert r.io_count == 2000
    assert sum(r.op_count.values()) == r.io_count
    assert set(r.op_count) <= set(ops)
    assert r.io_count_read == r.op_count.get(nvmetest.IO_READ, 0) > 0
    assert r.io_count_write == r.op_count.get(nvmetest.IO_WRITE, 0) > 0
    assert r.io_count_other == r.io_count - r.io_count_read - r.io_count_write > 0
    assert r.io_count_nonread == r.io_count - r.io_count_read


@pytest.mark.parametrize("params, words", [
    (dict(io_size=0, io_count=1), "io_size"),
    (dict(qdepth=0, io_count=1), "qdepth"),
    (dict(read_percentage=101, io_count=1), "read_percentage"),
    (dict(lba_random=101, io_count=1), "lba_random"),
    (dict(op_percentage={nvmetest.IO_READ: 50, nvmetest.IO_WRITE: 40}, io_count=1), "100"),
    (dict(op_percentage={nvmetest.IO_COMPARE: 100}, io_count=1), "opcode"),
    (dict(io_count=0, time=0), "io_count"),
    (dict(region_start=100, region_end=100, io_count=1), "region_start"),
    (dict(distribution=[100] * 99 + [0], io_count=1), "distribution"),
    (dict(distribution=[100] * 99, io_count=1), "distribution"),
    (dict(lba_random=True, lba_step=8, io_count=1), "lba_step"),
    (dict(qprio=4, io_count=1), "qprio"),
    (dict(ptype=12345, io_count=1), "pattern"),
    (dict(verify=True, io_count=1), "verif"),
    (dict(io_sequence=[(0, 0, 2, 8)]), "io_sequence"),
    (dict(io_sequence=[(0, 8, 2, 100), (8, 8, 2, 50)]), "before the previous"),
    (dict(io_sequence=[(1 << 50, 8, 2, 0)]), "capacity"),
    (dict(io_sequence=[(0, 8, 0x7f, 0)]), "opcode"),
    (dict(io_sequence=[(0, 8, 2, 0)], iops=100), "io_sequence"),
    (dict(io_sequence=[(0, 8, 2)]), "io_sequence"),
    (dict(io_sequence=[]), "io_sequence"),
])
def test_invalid_parameters(null_ns, params, words):
    with pytest.raises(ValueError, match=words):
        null_ns.ioworker(**params)


def test_invalid_types(null_ns):
    with pytest.raises(TypeError):
        nvmetest.IOWorker(null_ns, io_size="8", io_count=1)
    with pytest.raises(TypeError):
        nvmetest.IOWorker(object(), io_count=1)
    with pytest.raises(RuntimeError):
        null_ns.ioworker(io_count=1).close()     # never started


def test_two_verified_workers_disjoint_regions(ctrl, vns1, qpair):
    half = 8192
    writers = [vns1.ioworker(io_size=8, lba_random=False, read_percentage=0, verify=True,
                             region_start=i * half, region_end=(i + 1) * half, qdepth=16)
               for i in range(2)]
    nvmetest.ioworker_group(writers)        # pure sequential passes: end by themselves
    results = [w.close() for w in writers]
    for r in results:
        assert r.error == 0, r.error_cmd
        assert r.io_count == half // 8 == r.io_count_write
    # mixed random reads and writes, verified, concurrently on the two regions
    mixed = [vns1.ioworker(io_size={1: 1, 8: 2}, read_percentage=60, verify=True, time=1,
                           region_start=i * half, region_end=(i + 1) * half, qdepth=16).start()
             for i in range(2)]
    for w in mixed:
        r = w.close()
        assert r.error == 0, r.error_cmd
        assert r.io_count_read > 0 and r.io_count_write > 0
    # verified reads of everything, by a worker and by plain reads
    r = vns1.ioworker(io_size=64, lba_random=False, read_percentage=100, verify=True,
                      region_end=2 * half).start().close()
    assert r.error == 0 and r.io_count == 2 * half // 64
    with nvmetest.Buffer(ctrl, 64 * 512) as buf:
        for lba in range(0, 2 * half, 1024):
            vns1.read(qpair, buf, lba, 64).waitdone()


def _fill(vns, start, end):
    """A verified sequential write of LBAs start .. end - 1 (a pass ends by itself)."""
    r = vns.ioworker(io_size=8, lba_random=False, read_percentage=0, verify=True,
                     region_start=start, region_end=end, qdepth=8).start().close()
    assert r.error == 0, r.error_cmd
    assert r.io_count_write == (end - start + 7) // 8


def test_conflicting_reader_and_writer_no_false_miscompare(vns1):
    # A writer and a verified reader hammer the same 256 LBAs from two threads and
    # two qpairs: a read that overlaps a write in flight must neither check the old
    # CRC against new data nor the new CRC against old data (the library serialises
    # them with the table's lock bits).
    start, end = 40960, 40960 + 256
    _fill(vns1, start, end)
    pair = nvmetest.ioworker_group([
        vns1.ioworker(io_size={1: 1, 8: 3}, lba_align=1, read_percentage=0, verify=True,
                      time=2, region_start=start, region_end=end, qdepth=4),
        vns1.ioworker(io_size={1: 1, 8: 3}, lba_align=1, read_percentage=100, verify=True,
                      time=2, region_start=start, region_end=end, qdepth=4)])
    writer, reader = [w.close() for w in pair]
    assert writer.error == 0, writer.error_cmd
    assert reader.error == 0, reader.error_cmd
    assert writer.io_count_write > 0 and reader.io_count_read > 0
    # and what the writer left is what the table says
    r = vns1.ioworker(io_size=8, lba_random=False, read_percentage=100, verify=True,
                      region_start=start, region_end=end).start().close()
    assert r.error == 0 and r.io_count_read == 32


def test_read_waits_for_overlapping_write_in_flight(ctrl, vns1):
    # While a write is in flight the table still holds the old CRCs: a read of
    # those LBAs must not be checked against them. The write holds the LBAs'
    # lock bits until its completion is reaped and its CRCs recorded, so the
    # overlapping read is submitted only after that (and then checks clean).
    lba = 50000
    with nvmetest.Qpair(ctrl, 16) as qw, nvmetest.Qpair(ctrl, 16) as qr, \
            nvmetest.Buffer(ctrl, 4096) as wbuf, nvmetest.Buffer(ctrl, 4096) as rbuf:
        vns1.write(qw, wbuf, lba, 8).waitdone()
        vns1.write(qw, wbuf, lba, 8)        # new data; its completion is left unreaped
        time.sleep(0.3)                     # so the device has surely written it
        reaping = []

        def reap_later():
            time.sleep(0.5)
            reaping.append(time.monotonic())
            qw.waitdone()

        t = threading.Thread(target=reap_later)
        t.start()
        try:
            vns1.read(qr, rbuf, lba, 8).waitdone()   # 07/81 if checked against the old CRCs
            read_done = time.monotonic()
        finally:
            t.join()
        assert reaping and read_done > reaping[0]


def test_four_concurrent_verified_readers_clean(vns1):
    start, end = 81920, 81920 + 4096
    _fill(vns1, start, end)
    readers = nvmetest.ioworker_group([
        vns1.ioworker(io_size=8, read_percentage=100, verify=True, time=1,
                      region_start=start, region_end=end, qdepth=8) for _ in range(4)])
    for w in readers:
        r = w.close()
        assert r.error == 0, r.error_cmd
        assert r.io_count_read > 0 and r.io_count == r.io_count_read


def test_verify_needs_verified_namespace(ns1):
    with pytest.raises(ValueError, match="verif"):
        ns1.ioworker(verify=True, io_count=10)


def test_admin_while_running(ctrl, bdfs):
    with nvmetest.Controller("nvmetest1") as c1, nvmetest.Namespace(c1, 1) as ns, \
            nvmetest.Buffer(c1, 512) as log:
        w = ns.ioworker(io_size=8, time=2, qdepth=32, read_percentage=80).start()
        seen_running = 0
        for _ in range(10):
            if w.running:
                seen_running += 1
            c1.getlogpage(nvmetest.LID_SMART, log, 512).waitdone()
            time.sleep(0.05)
        assert seen_running > 0
        assert log.data(2, 1) > 0       # composite temperature, in kelvin
        r = w.close()
        assert r.error == 0 and r.io_count > 0
        assert not w.running


def test_stop_early(null_ns):
    w = null_ns.ioworker(io_size=8, time=30, qdepth=16).start()
    time.sleep(0.3)
    w.stop()
    t0 = time.monotonic()
    r = w.close()
    assert time.monotonic() - t0 < 10
    assert r.error == 0 and r.io_count > 0 and r.mseconds < 20000


def test_with_form_stops_on_exception(null_ns):
    t0 = time.monotonic()
    with pytest.raises(KeyError):
        with null_ns.ioworker(io_size=8, time=60) as w:
            time.sleep(0.2)
            raise KeyError("body failed")
    assert time.monotonic() - t0 < 20
    assert w.result is not None and w.result.error == 0 and w.result.io_count > 0


def test_dropped_worker_is_stopped(null_ns):
    import gc
    w = null_ns.ioworker(io_size=8, time=60).start()
    del w
    t0 = time.monotonic()
    gc.collect()
    assert time.monotonic() - t0 < 20
    r = null_ns.ioworker(io_size=8, io_count=10).start().close()   # the queue was freed
    assert r.error == 0


def test_group_all_or_nothing(ctrl, ns1):
    # more workers than nvmetest0 has IO queues: the group fails and none runs
    many = [ns1.ioworker(io_size=8, io_count=100, qdepth=2) for _ in range(40)]
    with pytest.raises(nvmetest.NvtError):
        nvmetest.ioworker_group(many)
    assert not any(w.running for w in many)
    pair = nvmetest.ioworker_group([ns1.ioworker(io_size=8, io_count=100, qdepth=2)
                                    for _ in range(2)])
    for w in pair:
        assert w.close().io_count == 100


def test_failed_command_reported(ns1, qpair):
    start = 1_000_000
    ops = {nvmetest.IO_WRITE_UNCORRECTABLE: 50, nvmetest.IO_READ: 50}
    try:
        r = ns1.ioworker(io_size=8, lba_random=True, op_percentage=ops, io_count=2000,
                         region_start=start, region_end=start + 64, qdepth=4).start().close()
        assert r.error > 0 and r.ret == r.error
        # QEMU 7.2 refuses Write Uncorrectable (00/01); a device that takes it fails
        # the reads of those LBAs instead: either way the first failure is reported
        assert r.error_cmd.opcode in ops
        assert start <= r.error_cmd.slba < start + 64 and r.error_cmd.status == r.error
        assert r.io_count < 2000
        with pytest.raises(nvmetest.NvmeStatusError):
            r.check()
    finally:
        ns1.write_zeroes(qpair, start, 64).waitdone()
