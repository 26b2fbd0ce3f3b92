# SPDX-License-Identifier: MIT
"""Data verification on the IO path: stamps, miscompares, overlapping IO, and the
table that every process shares."""
import subprocess
import sys
import textwrap

import pytest

import nvmetest
from conftest import REPO
from io_helpers import NS1_LBA_SIZE, VERIFY_FAILED, lba_stamp, pattern_bytes, verified
from io_helpers import qpair, vns1, vns2  # noqa: F401  fixtures


@pytest.mark.parametrize("nsid", [1, 2])
def test_verified_write_stamps_every_lba(ctrl, qpair, nsid):
    with verified(ctrl, nsid) as ns, nvmetest.Buffer(ctrl, 4 * ns.lba_size) as buf:
        size = ns.lba_size
        data = pattern_bytes(4 * size, 5)
        buf[:] = data
        ns.write(qpair, buf, 0x40, 4).waitdone()
        stamps = [lba_stamp(buf[:], size, i) for i in range(4)]
        assert [lba for lba, _ in stamps] == [0x40, 0x41, 0x42, 0x43]
        tokens = [token for _, token in stamps]
        assert len(set(tokens)) == 4 and all(tokens)
        for i in range(4):      # only the first and last 8 bytes of each LBA change
            assert buf[i * size + 8:(i + 1) * size - 8] == data[i * size + 8:(i + 1) * size - 8]
        ns.write(qpair, buf, 0x40, 4).waitdone()
        assert all(lba_stamp(buf[:], size, i)[1] not in tokens for i in range(4))


def test_raw_write_of_unstamped_data_then_verified_read_is_07_81(ctrl, vns1, qpair):
    with nvmetest.Buffer(ctrl, 4 * NS1_LBA_SIZE) as buf:
        vns1.write(qpair, buf, 0x80, 4).waitdone()
        vns1.read(qpair, buf, 0x80, 4).waitdone()
        buf.fill(nvmetest.PATTERN_DWORD, 0x12345678)
        vns1.send_cmd(nvmetest.IO_WRITE, qpair, buf, cdw10=0x82).waitdone()   # 1 LBA, raw
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            vns1.read(qpair, buf, 0x80, 4).waitdone()
    err = e.value
    assert err.status == VERIFY_FAILED and (err.sct, err.sc) == (7, 0x81)
    assert str(err).startswith("ERROR status: 07/81 ")
    assert "LBA 0x82" in str(err) and "mismatch" in str(err)
    assert err.detail in str(err)
    assert err.completion.status == VERIFY_FAILED and err.completion.cqe[3] >> 17 == 0


def test_stale_data_of_the_right_lba_fails_the_crc_check(ctrl, vns1, qpair):
    """A write lost by the device (simulated: the old copy written back raw) still
    carries the right LBA number: only the token tells it apart."""
    with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as old, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as new:
        vns1.write(qpair, old, 0x90).waitdone()
        vns1.write(qpair, new, 0x90).waitdone()
        vns1.send_cmd(nvmetest.IO_WRITE, qpair, old, cdw10=0x90).waitdone()
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            vns1.read(qpair, new, 0x90).waitdone()
    assert e.value.status == VERIFY_FAILED and "CRC mismatch: LBA 0x90" in str(e.value)


def test_trim_of_the_whole_namespace_forgets_every_lba(ctrl, vns1, qpair):
    """Trims this large take no LBA locks (they would build the whole table), yet they
    must still clear the entries that exist."""
    with nvmetest.Buffer(ctrl, 8 * NS1_LBA_SIZE) as buf, nvmetest.Buffer(ctrl, 4096) as ranges:
        vns1.write(qpair, buf, 0x5000, 8).waitdone()
        vns1.send_cmd(nvmetest.IO_WRITE_ZEROES, qpair, cdw10=0x5003).waitdone()  # raw
        with pytest.raises(nvmetest.NvmeStatusError):
            vns1.read(qpair, buf, 0x5000, 8).waitdone()
        ranges.set_dsm_range(0, 0, vns1.capacity)
        vns1.dsm(qpair, ranges, 1).waitdone()
        vns1.read(qpair, buf, 0x5000, 8).waitdone()


def test_a_callback_sees_the_failed_verification(ctrl, vns1, qpair):
    seen = []
    with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        vns1.write(qpair, buf, 0xa0).waitdone()
        vns1.send_cmd(nvmetest.IO_WRITE_ZEROES, qpair, cdw10=0xa0).waitdone()  # raw: not cleared
        vns1.read(qpair, buf, 0xa0, cb=seen.append)
        vns1.read(qpair, buf, 0xa1, cb=seen.append)     # unwritten: never checked
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            qpair.waitdone(2)
    bad, good = sorted(seen, key=lambda c: c.sqe[10])
    assert bad.status == VERIFY_FAILED and good.status == 0
    assert e.value.completion == bad


def test_1000_overlapping_writes_to_one_lba_then_a_verified_read_is_clean(ctrl, vns1):
    lba = 0xc0
    failures = []

    def check(cpl):
        if cpl.status:
            failures.append(cpl)

    with nvmetest.Qpair(ctrl, 64) as qp:
        bufs = [nvmetest.Buffer(ctrl, NS1_LBA_SIZE, pvalue=i, ptype=nvmetest.PATTERN_DWORD)
                for i in range(16)]
        reads = [nvmetest.Buffer(ctrl, NS1_LBA_SIZE) for _ in range(4)]
        try:
            for i in range(1000):
                vns1.write(qp, bufs[i % len(bufs)], lba, cb=check)
                if i % 10 == 5:                 # reads mixed in: each sees one whole write
                    vns1.read(qp, reads[i % len(reads)], lba, cb=check)
                if qp.outstanding > 32:
                    qp.waitdone(qp.outstanding)
            qp.waitdone(qp.outstanding)
            assert not failures, failures[0]
            vns1.read(qp, reads[0], lba).waitdone()
            assert lba_stamp(reads[0][:], NS1_LBA_SIZE) == lba_stamp(bufs[999 % 16][:],
                                                                    NS1_LBA_SIZE)
        finally:
            for b in bufs + reads:
                b.close()


# One process of the two-process test: it drives its own qpair, verifying through the
# kernel's table of namespace 1 that the other process shares. It reads commands
# ("phase" lines) from stdin and answers each with one line on stdout.
WORKER = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    import nvmetest
    me, other = int(sys.argv[2], 0), int(sys.argv[3], 0)
    n = 64
    ctrl = nvmetest.Controller("nvmetest0", no_init=True)
    ctrl.identify_init()
    ctrl.init_queues()          # no IO queue exists yet (see the test)
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    ns = nvmetest.Namespace(ctrl, 1, verify=True)
    qp = nvmetest.Qpair(ctrl, 16)
    buf = nvmetest.Buffer(ctrl, n * 512)
    buf.fill(nvmetest.PATTERN_RANDOM, 100)
    ns.write(qp, buf, me, n).waitdone()
    print("written", flush=True)
    for line in sys.stdin:
        what = line.split()
        try:
            if what[0] == "read":       # both regions, verified
                ns.read(qp, buf, me, n).waitdone()
                ns.read(qp, buf, other, n).waitdone()
                print("clean", flush=True)
            elif what[0] == "raw":      # unstamped data into LBA N of the other region
                buf.fill(nvmetest.PATTERN_DWORD, 0xdeadbeef)
                ns.send_cmd(nvmetest.IO_WRITE, qp, buf, cdw10=int(what[1], 0)).waitdone()
                print("done", flush=True)
            elif what[0] == "quit":
                break
        except nvmetest.NvmeStatusError as e:
            print(f"status {e.status:#x} {e}", flush=True)
    qp.close()
    ns.close()
    ctrl.close()
""")


class Worker:
    def __init__(self, me, other):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(REPO / "pybind"), hex(me), hex(other)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def say(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def hear(self):
        line = self.proc.stdout.readline().strip()
        if not line:
            self.proc.wait(30)
            raise AssertionError(f"worker died: {self.proc.stderr.read()}")
        return line

    def finish(self):
        try:
            self.say("quit")
        except BrokenPipeError:
            pass
        assert self.proc.wait(60) == 0, self.proc.stderr.read()


def test_two_processes_write_and_verify_disjoint_regions_through_the_shared_table(ctrl):
    region_a, region_b = 0x20000, 0x30000
    with verified(ctrl, 1):
        pass                    # an empty table for the whole namespace
    ctrl.reset()                # no IO queue yet: both workers may set Number of Queues
    a, b = Worker(region_a, region_b), Worker(region_b, region_a)
    try:
        assert (a.hear(), b.hear()) == ("ready", "ready")
        a.say("go")
        b.say("go")
        assert (a.hear(), b.hear()) == ("written", "written")
        for w in (a, b):
            w.say("read")
            assert w.hear() == "clean"          # the other's region checks out here too
        a.say(f"raw {region_b + 7:#x}")
        assert a.hear() == "done"
        b.say("read")
        answer = b.hear()
        assert answer.startswith(f"status {VERIFY_FAILED:#x} ERROR status: 07/81 ")
        assert f"LBA {region_b + 7:#x}" in answer
        a.say("read")
        assert a.hear().startswith(f"status {VERIFY_FAILED:#x}")    # A sees it as well
    finally:
        for w in (a, b):
            w.finish()
    with verified(ctrl, 1):
        pass                    # forget the corrupted LBA
