# SPDX-License-Identifier: MIT
"""IO commands through the nvme module: chained IO, compare, trim, write zeroes,
write uncorrectable, out-of-range LBAs, buffers, data verification, queue limits,
interrupts."""
import warnings

import pytest

import nvme as d
from helpers import wait_msix


def test_write_then_read_chained_on_the_qpair(nvme0n1, qpair, verify):
    # NVMe does not order commands of one queue; with verification on, the read of
    # LBAs a write holds waits for that write (QEMU was seen to run them the other way)
    wbuf = d.Buffer(4096, ptype=32, pvalue=0x5a5aa5a5)
    rbuf = d.Buffer(4096)
    nvme0n1.write(qpair, wbuf, 0, 8)
    nvme0n1.read(qpair, rbuf, 0, 8).waitdone(2)
    assert rbuf[:] == wbuf[:]


def test_io_returns_the_qpair_and_callbacks_get_cdw0_and_status1(nvme0n1, qpair, buf):
    seen = []
    ret = nvme0n1.read(qpair, buf, 8, cb=lambda cdw0, status1: seen.append(status1))
    assert ret is qpair
    qpair.waitdone()
    assert seen == [seen[0]] and seen[0] >> 1 == 0
    assert qpair.latest_cid >= 0 and qpair.latest_latency > 0
    entries = qpair.cmdlog(1)
    assert entries[0].opcode == 0x02 and entries[0].sqe[10] == 8


def test_many_ios_then_one_waitdone(nvme0n1, qpair):
    bufs = [d.Buffer(512) for _ in range(20)]
    for i, b in enumerate(bufs):
        nvme0n1.read(qpair, b, i)
    qpair.waitdone(20)


def test_waitdone_for_more_than_sent_is_refused(nvme0n1, qpair, buf):
    nvme0n1.read(qpair, buf, 0)
    with pytest.raises(RuntimeError, match="outstanding"):
        qpair.waitdone(2)
    nvme0n1.read(qpair, buf, 0).waitdone()          # counted as waited for: a new wait


def test_compare_matches_then_warns_on_a_mismatch(nvme0n1, qpair):
    data = d.Buffer(512, ptype=0xbeef, pvalue=100)
    nvme0n1.write(qpair, data, 100).waitdone()
    nvme0n1.compare(qpair, data, 100).waitdone()
    data[0] ^= 0xff
    with pytest.warns(UserWarning, match="ERROR status: 02/85"):
        nvme0n1.compare(qpair, data, 100).waitdone()


def test_trim_then_verified_read_reports_nothing(nvme0n1, qpair, verify):
    data = d.Buffer(4096, pvalue=1)
    nvme0n1.write(qpair, data, 200, 8).waitdone()
    ranges = d.Buffer(4096)
    ranges.set_dsm_range(0, 200, 8)
    nvme0n1.dsm(qpair, ranges, 1).waitdone()
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # forgotten LBAs read without a report
        nvme0n1.read(qpair, data, 200, 8).waitdone()


def test_write_zeroes_then_read_gives_zeroes(nvme0n1, qpair, verify):
    data = d.Buffer(4096, pvalue=1)
    nvme0n1.write(qpair, data, 300, 8).waitdone()
    nvme0n1.write_zeroes(qpair, 300, 8).waitdone()
    nvme0n1.read(qpair, data, 300, 8).waitdone()
    assert data[:] == bytes(4096)


def test_write_uncorrectable_warns_and_verification_fails_the_read(nvme0n1, qpair, verify,
                                                                    buf):
    nvme0n1.write(qpair, buf, 400).waitdone()
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):   # QEMU has no such command
        nvme0n1.write_uncorrectable(qpair, 400).waitdone()
    with pytest.warns(UserWarning, match="ERROR status: 07/81.*LBA 0x190"):
        nvme0n1.read(qpair, buf, 400).waitdone()


def test_verification_reports_data_changed_behind_its_back(nvme0n1, qpair, verify):
    data = d.Buffer(512)
    nvme0n1.write(qpair, data, 500).waitdone()
    nvme0n1.read(qpair, data, 500).waitdone()               # verified: fine
    assert data.data(7, 0) == 500                           # the LBA number stamped
    raw = d.Buffer(512, pvalue=1)
    nvme0n1.send_cmd(0x01, qpair, raw, 1, 500).waitdone()   # raw write: not recorded
    with pytest.warns(UserWarning, match="ERROR status: 07/81"):
        nvme0n1.read(qpair, data, 500).waitdone()


def test_verification_off_reads_anything(nvme0n1, qpair, buf):
    raw = d.Buffer(512, pvalue=1)
    nvme0n1.send_cmd(0x01, qpair, raw, 1, 600).waitdone()
    nvme0n1.read(qpair, buf, 600).waitdone()
    assert buf[0:512] == raw[:]


def test_lba_beyond_the_namespace_is_sent_and_the_device_refuses_it(nvme0n1, qpair, buf):
    last = 2097152
    with pytest.warns(UserWarning, match="ERROR status: 00/80"):
        nvme0n1.read(qpair, buf, last).waitdone()
    with pytest.warns(UserWarning, match="ERROR status: 00/80"):
        nvme0n1.write_zeroes(qpair, last - 1, 2).waitdone()
    nvme0n1.read(qpair, buf, last - 1).waitdone()


def test_verify_and_flush_commands(nvme0n1, qpair):
    nvme0n1.verify(qpair, 0, 8)
    nvme0n1.flush(qpair).waitdone(2)


def test_io_send_cmd_with_an_invalid_opcode_warns(nvme0n1, qpair):
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):
        nvme0n1.send_cmd(0xff, qpair).waitdone()


def test_buffer_offset_moves_where_data_lands(nvme0n1, qpair):
    data = d.Buffer(1024, ptype=32, pvalue=0x11223344)
    nvme0n1.write(qpair, data, 700).waitdone()
    target = d.Buffer(1024)
    base = target.phys_addr
    target.offset = 512
    assert target.phys_addr == base + 512
    nvme0n1.read(qpair, target, 700).waitdone()
    assert target[0:512] == bytes(512)
    assert target[512:1024] == data[0:512]


def test_buffer_patterns():
    assert d.Buffer(64)[:] == bytes(64)
    assert d.Buffer(64, pvalue=1)[:] == b"\xff" * 64
    assert d.Buffer(64, ptype=32, pvalue=0x12345678).data(3, 0) == 0x12345678
    random_data = d.Buffer(4096, ptype=0xbeef, pvalue=100)[:]
    assert len(set(random_data)) > 200
    half = d.Buffer(4096, ptype=0xbeef, pvalue=50)[:]
    assert 1000 < half.count(0) < 3000


def test_buffer_made_before_the_controller_moves_to_it(pciaddr):
    early = d.Buffer(512, "early", ptype=32, pvalue=0xcafe)
    with pytest.raises(RuntimeError, match="Controller"):
        early.phys_addr
    early[0] = 0x42
    nvme0 = d.Controller(d.Pcie(pciaddr))
    try:
        ns, qp = d.Namespace(nvme0), d.Qpair(nvme0, 8)
        nvme0n1_data = early[:]
        ns.write(qp, early, 800).waitdone()
        assert early.phys_addr and early[:] == nvme0n1_data   # bytes kept when bound
        back = d.Buffer(512)
        ns.read(qp, back, 800).waitdone()
        assert back[:] == nvme0n1_data
        qp.delete()
        ns.close()
    finally:
        nvme0.close()


def test_buffer_indexing_dump_and_data():
    b = d.Buffer(1024, "example")
    b[0] = 0x5a
    b[1:3] = [1, 2]
    b[4:] = b"\x0a\x0b\x0c\x0d"
    assert b[:8:2] == b"Z\x02\n\x0c" and b[2] == 2 and b.data(2, 0) == 0x02015a
    assert b.dump(16).splitlines()[0] == "example"
    assert "5a 01 02 00 0a 0b 0c 0d" in b.dump(16)
    b.set_dsm_range(1, 0x1234567887654321, 0xabcdef12)
    assert b[16:32] == bytes(4) + bytes.fromhex("12efcdab2143658778563412")
    assert len(b) == b.size == 1024 and repr(b) == "<buffer name: example>"
    with pytest.raises(IndexError):
        b[1024]
    with pytest.raises(ValueError):
        d.Buffer(0)


def test_queue_limit_and_depth_limit(nvme0):
    qpairs = [d.Qpair(nvme0, 4) for _ in range(16)]       # QEMU was given 16
    assert sorted(q.sqid for q in qpairs) == list(range(1, 17))
    with pytest.raises(d.QpairCreationError):
        d.Qpair(nvme0, 4)
    for q in qpairs:
        q.delete()
    mqes = nvme0.cap & 0xffff
    with pytest.raises(d.QpairCreationError):
        d.Qpair(nvme0, mqes + 2)
    d.Qpair(nvme0, mqes + 1).delete()


def test_qpair_full_depth_of_outstanding_io(nvme0n1, nvme0):
    q = d.Qpair(nvme0, 16)
    bufs = [d.Buffer(512) for _ in range(15)]
    for i, b in enumerate(bufs):
        nvme0n1.read(q, b, i)
    with pytest.raises(OSError):
        nvme0n1.read(q, d.Buffer(512), 16)                # the 16th does not fit
    q.waitdone(15)
    q.delete()


def test_interrupts_fire_per_qpair_and_not_without_ien(nvme0, nvme0n1, buf):
    q1, q2 = d.Qpair(nvme0, 8), d.Qpair(nvme0, 8, ien=False)
    q1.msix_clear()
    assert not q1.msix_isset()
    nvme0n1.read(q1, buf, 0).waitdone()
    assert wait_msix(q1)
    nvme0n1.read(q2, buf, 0).waitdone()           # completes by polling
    q1.msix_clear()
    q1.msix_mask()
    nvme0n1.read(q1, buf, 0).waitdone()
    assert not q1.msix_isset()
    q1.msix_unmask()                              # the pending interrupt comes now
    assert wait_msix(q1)
    q1.delete()
    q2.delete()


def test_qpair_on_a_chosen_vector(nvme0, nvme0n1, buf):
    q = d.Qpair(nvme0, 8, iv=3)
    q.msix_clear()
    nvme0n1.read(q, buf, 0).waitdone()
    assert wait_msix(q)
    q.delete()


def test_namespace_2_with_4k_lbas(nvme0, qpair):
    ns2 = d.Namespace(nvme0, 2)
    assert ns2.id_data(7, 0) == 65536
    assert ns2.get_lba_format(4096, 0) == ns2.id_data(26) & 0xf
    data = d.Buffer(8192, ptype=32, pvalue=0x4b4b4b4b)
    back = d.Buffer(8192)
    ns2.write(qpair, data, 10, 2).waitdone()
    ns2.read(qpair, back, 10, 2).waitdone()
    assert back[:] == data[:]
    ns2.close()


def test_namespace_that_does_not_exist(nvme0):
    with pytest.raises(d.NamespaceCreationError):
        d.Namespace(nvme0, 9)


def test_verified_read_behind_a_write_of_the_same_lbas_counts_both(nvme0n1, qpair, verify):
    data = d.Buffer(4096, ptype=0xbeef, pvalue=100)
    nvme0n1.write(qpair, data, 1000, 8)
    nvme0n1.read(qpair, data, 1000, 8)          # waits for the write's LBAs: reaps it
    qpair.waitdone(2)
