# SPDX-License-Identifier: MIT
"""ioworker through the nvme module: pynvme's parameters and outputs."""
import pytest


def test_ioworker_io_count_read_and_result_fields(nvme0n1):
    r = nvme0n1.ioworker(io_size=8, lba_random=True, read_percentage=100, io_count=500,
                         qdepth=16).start().close()
    assert r.io_count_read == 500 and r.io_count_nonread == 0 and r.error == 0
    assert r["io_count_read"] == 500
    assert r.mseconds >= 0 and r.latency_max_us > 0 and r.latency_average_us > 0
    assert r.latency_max_us >= r.latency_average_us


def test_ioworker_with_form_and_mixed_sizes_and_ops(nvme0, nvme0n1):
    ops = {2: 50, 1: 50}
    with nvme0n1.ioworker(io_size={1: 1, 8: 2}, lba_random=True, op_percentage=ops,
                          io_count=600, qdepth=8, region_end=100000) as w:
        nvme0.getfeatures(7).waitdone()         # admin while it runs
    r = w.close()
    assert r.io_count == 600 and ops[2] + ops[1] == 600 and ops[2] > 150 and ops[1] > 150
    assert r.io_count_write == ops[1]


def test_ioworker_io_size_list_and_range_and_lba_align(nvme0n1):
    r = nvme0n1.ioworker(io_size=[1, 2, 4], lba_align=[1, 1, 1], io_count=100).start().close()
    assert r.io_count == 100
    r = nvme0n1.ioworker(io_size=range(1, 9), io_count=100).start().close()
    assert r.io_count == 100


def test_ioworker_sequential_step_region_and_cmdlog(nvme0n1):
    cmds = [None] * 10
    r = nvme0n1.ioworker(io_size=8, lba_step=16, lba_random=False, read_percentage=100,
                         region_start=1000, region_end=2000, lba_start=1000, io_count=20,
                         qdepth=2, output_cmdlog_list=cmds).start().close()
    assert r.io_count == 20 and len(cmds) == 10
    slbas = [c[0] for c in cmds]
    assert all(1000 <= s < 2000 and (s - 1000) % 16 == 0 for s in slbas)
    assert all(c[1] == 8 and c[2] == 2 for c in cmds)


def test_ioworker_time_iops_and_per_second_output(nvme0n1):
    per_second = []
    percentile = {50: 0, 99: 0}
    r = nvme0n1.ioworker(io_size=1, time=2, iops=100, qdepth=4,
                         output_io_per_second=per_second,
                         output_percentile_latency=percentile).start().close()
    assert 150 <= r.io_count <= 250                     # 100 IOPS for 2 s
    assert len(per_second) == r.mseconds // 1000 and sum(per_second) <= r.io_count
    assert all(n <= 110 for n in per_second)
    assert 0 < percentile[50] <= percentile[99]
    assert r.iops_consistency > 0


def test_ioworker_distribution_and_write_pattern(nvme0n1, qpair, buf):
    dist = [100] * 100
    r = nvme0n1.ioworker(io_size=8, lba_random=True, read_percentage=0, distribution=dist,
                         ptype=32, pvalue=0x5a5a5a5a, io_count=50,
                         output_cmdlog_list=[None] * 1).start().close()
    assert r.io_count_write == 50


def test_ioworker_verifies_when_the_namespace_does(nvme0n1, verify):
    w = nvme0n1.ioworker(io_size=8, read_percentage=0, region_end=8192, lba_random=False,
                         io_count=1024, qdepth=8).start().close()
    assert w.error == 0
    r = nvme0n1.ioworker(io_size=8, read_percentage=100, region_end=8192, io_count=500,
                         qdepth=8).start().close()
    assert r.error == 0 and r.io_count_read == 500


def test_ioworker_without_an_end_is_refused(nvme0n1):
    with pytest.raises(ValueError, match="when to stop"):
        nvme0n1.ioworker(io_size=8)


def test_ioworker_device_error_warns(nvme0n1):
    with pytest.warns(UserWarning, match="ioworker device respond an ERROR status: 00/01"):
        r = nvme0n1.ioworker(io_size=1, op_percentage={0x04: 100}, io_count=10).start() \
            .close()
    assert r.error == 0x001


def test_two_ioworkers_at_once(nvme0n1):
    a = nvme0n1.ioworker(io_size=8, io_count=300, qdepth=8).start()
    b = nvme0n1.ioworker(io_size=1, io_count=300, qdepth=8).start()
    assert a.close().io_count == 300 and b.close().io_count == 300
