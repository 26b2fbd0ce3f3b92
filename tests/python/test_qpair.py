# SPDX-License-Identifier: MIT
"""IO queue pairs: creation and deletion, limits, full queues, waitdone and callbacks,
use after delete or reset, the command log."""
import errno

import pytest

import nvmetest
from conftest import nvmetest as tool
from io_helpers import NS1_LBA_SIZE, QUEUES0
from io_helpers import ns1, qpair  # noqa: F401  fixtures


def test_qpair_defaults(ctrl, qpair):
    assert qpair.qid == 1                       # the lowest free id
    assert qpair.depth == 64
    assert qpair.vector == qpair.qid            # interrupts on the queue id's vector
    assert qpair.timeout == ctrl.timeout == nvmetest.CTRL_DEFAULT_TIMEOUT_MS
    assert qpair.outstanding == qpair.cids_held == 0
    assert qpair.latest_cid == 0 and qpair.latest_latency == 0
    assert qpair.ctrl is ctrl
    assert repr(qpair) == f"<Qpair qid 1 depth 64 vector {qpair.vector}>"
    qpair.timeout = 2500
    assert qpair.timeout == 2500


def test_create_every_granted_queue_then_one_more_fails_cleanly(ctrl, ns1):
    assert ctrl.queues_granted == (QUEUES0, QUEUES0)
    qps = []
    try:
        for _ in range(QUEUES0):
            qps.append(nvmetest.Qpair(ctrl, 2))
        assert sorted(q.qid for q in qps) == list(range(1, QUEUES0 + 1))
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Qpair(ctrl, 2)
        assert e.value.errno == errno.ENOSPC
        with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
            for q in qps:                       # every one of them works
                ns1.read(q, buf, q.qid).waitdone()
        [five] = [q for q in qps if q.qid == 5]
        qps.remove(five)
        five.close()                            # qid 5 is free again
        with nvmetest.Qpair(ctrl, 2) as again:
            assert again.qid == 5
    finally:
        for q in qps:
            q.close()
    with nvmetest.Qpair(ctrl, 2) as first:
        assert first.qid == 1


def test_explicit_queue_ids(ctrl):
    with nvmetest.Qpair(ctrl, 8, qid=QUEUES0) as last:
        assert last.qid == QUEUES0
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Qpair(ctrl, 8, qid=QUEUES0)
        assert e.value.errno == errno.EEXIST
    for qid in (0, QUEUES0 + 1):
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Qpair(ctrl, 8, qid=qid)
        assert e.value.errno == errno.EINVAL


def test_bad_creation_arguments(ctrl):
    mqes = ctrl.cap & 0xffff
    for kwargs in ({"depth": 1}, {"depth": mqes + 2}, {"prio": 4}, {"vector": 1000},
                   {"ien": False, "irq_wait": True}):
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Qpair(ctrl, **{"depth": 16, **kwargs})
        assert e.value.errno == errno.EINVAL, kwargs
    with pytest.raises(TypeError):
        nvmetest.Qpair("nvmetest0")
    with pytest.raises(ValueError):
        nvmetest.Qpair(ctrl, -1)
    with nvmetest.Qpair(ctrl, mqes + 1, prio=3) as big:
        assert big.depth == mqes + 1


def test_queue_overflow_is_refused_with_a_clear_error(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 4) as qp, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        for lba in range(3):                    # depth - 1 outstanding at most
            ns1.read(qp, buf, lba)
        assert qp.outstanding == 3
        with pytest.raises(nvmetest.NvtError) as e:
            ns1.read(qp, buf, 3)
        assert e.value.errno == errno.EBUSY
        assert "full" in str(e.value) and "3 commands outstanding" in str(e.value)
        with pytest.raises(nvmetest.NvtError) as e:
            qp.send_cmd(nvmetest.IO_FLUSH, nsid=1)
        assert e.value.errno == errno.EBUSY
        qp.waitdone(3)
        ns1.read(qp, buf, 3).waitdone()


def test_waitdone_counts_and_returns_like_the_controllers(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        with pytest.raises(nvmetest.NvtError) as e:
            qpair.waitdone()                     # nothing outstanding
        assert e.value.errno == errno.EINVAL
        assert qpair.waitdone(0) == 0
        ns1.read(qpair, buf, 0)
        ns1.read(qpair, buf, 1)
        assert qpair.outstanding == 2
        assert qpair.waitdone(2) == 0
        # The device may complete the two in either order.
        assert qpair.latest_cid in {e.cid for e in qpair.cmdlog(2)}
        ns1.read(qpair, buf, 2).waitdone()
        last = qpair.cmdlog(1)[0]
        assert qpair.latest_cid == last.cid and qpair.latest_cdw0 == 0
        assert qpair.latest_latency > 0


def test_callback_errors_and_nested_waitdone(ctrl, ns1, qpair):
    seen = []

    def bad(cpl):
        seen.append(cpl.cid)
        raise RuntimeError("from the callback")

    def nested(cpl):
        with pytest.raises(nvmetest.NvtError) as e:
            qpair.waitdone()
        seen.append(e.value.errno)

    with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        ns1.read(qpair, buf, 0, cb=bad)
        with pytest.raises(RuntimeError, match="from the callback"):
            qpair.waitdone()
        ns1.read(qpair, buf, 0, cb=nested).waitdone()
        with pytest.raises(TypeError):
            ns1.read(qpair, buf, 0, cb=42)
    assert seen[1] == errno.EDEADLK and qpair.outstanding == 0


def test_use_after_delete_gives_clear_errors(ctrl, ns1):
    qp = nvmetest.Qpair(ctrl, 8)
    with nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        ns1.read(qp, buf, 0, cb=lambda cpl: pytest.fail("a deleted qpair's callback ran"))
        qp.delete()                              # outstanding commands are forgotten
        assert qp.closed
        with pytest.raises(ValueError, match="Qpair is closed"):
            qp.waitdone()
        with pytest.raises(ValueError, match="Qpair is closed"):
            ns1.read(qp, buf, 0)
        with pytest.raises(ValueError):
            _ = qp.qid
        qp.close()                               # idempotent


def test_qpair_after_a_controller_reset_is_stale(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 8) as qp, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        ns1.read(qp, buf, 0).waitdone()
        ctrl.reset()
        for call in (lambda: ns1.read(qp, buf, 0), lambda: qp.waitdone(0),
                     lambda: qp.send_cmd(nvmetest.IO_FLUSH, nsid=1), qp.msix_clear):
            with pytest.raises(nvmetest.NvtError) as e:
                call()
            assert e.value.errno == errno.ESTALE
            assert "reset" in str(e.value)
    with nvmetest.Qpair(ctrl, 8) as qp, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        ns1.read(qp, buf, 0).waitdone()         # a new one works


def test_qpair_keeps_working_after_its_controller_object_is_closed(bdfs):
    ctrl = nvmetest.Controller("nvmetest0")
    qp = nvmetest.Qpair(ctrl, 8)
    ns = nvmetest.Namespace(ctrl, 1)
    buf = nvmetest.Buffer(ctrl, NS1_LBA_SIZE)
    ctrl.close()
    ns.read(qp, buf, 0).waitdone()
    assert qp.cmdlog()[-1].opcode == nvmetest.IO_READ
    qp.close()
    ns.close()
    buf.close()


def test_qpair_cmdlog_has_the_io_commands(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 8 * NS1_LBA_SIZE) as buf:
        ns1.write(qpair, buf, 0x10, 8)
        ns1.read(qpair, buf, 0x10, 8).waitdone(2)
    write, read = qpair.cmdlog(2)
    assert (write.opcode, read.opcode) == (nvmetest.IO_WRITE, nvmetest.IO_READ)
    assert write.qid == read.qid == qpair.qid
    assert write.cmdname == "Write" and read.cdw10 == 0x10 and read.nsid == 1
    assert read.status == 0 and not read.outstanding and read.index == write.index + 1
    assert read.sqe[6] != 0                     # the PRPs as the library sent them
    assert f"Read (02h) cid {read.cid}" in read.text
    assert qpair.cmdlog()[-2:] == [write, read]
    with nvmetest.Cmdlog("nvmetest0", qid=qpair.qid) as log:
        assert log.read(2) == [write, read]


def test_tool_cmdlog_of_an_io_queue_from_another_process(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 8 * NS1_LBA_SIZE) as buf:
        ns1.write(qpair, buf, 0x20, 8).waitdone()
        ns1.read(qpair, buf, 0x20, 8)           # still outstanding or done: either shows
        qpair.waitdone()
        res = tool("cmdlog", "nvmetest0", "--qid", str(qpair.qid), "-n", "2")
        assert res.returncode == 0, res.stderr
        lines = res.stdout.splitlines()
        assert lines[0].startswith(f"/dev/nvmetest0 0000:01:00.0 queue {qpair.qid}: ")
        assert f"qid {qpair.qid} cid " in lines[1] and " Write (01h) nsid 0x1 " in lines[1]
        assert " cdw10-15 00000020 00000000 00000007 " in lines[1]
        assert " Read (02h) nsid 0x1 " in lines[2]
        assert "-> 00/00 Successful Completion" in lines[2]
        ns1.read(qpair, buf, 0x20, 8).waitdone()  # the queue is undisturbed
    qid = qpair.qid
    qpair.close()
    res = tool("cmdlog", "nvmetest0", "--qid", str(qid))
    assert res.returncode == 1 and "no such queue" in res.stderr
