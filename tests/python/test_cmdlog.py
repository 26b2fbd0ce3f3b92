# SPDX-License-Identifier: MIT
"""Command logs: through the controller, a separate Cmdlog, and `nvmetest cmdlog` in
another process."""
import errno

import pytest

import nvmetest
from admin_helpers import init_without_aers
from conftest import nvmetest as tool


def test_controller_cmdlog_has_the_latest_commands(ctrl):
    with nvmetest.Buffer(ctrl) as buf:
        ctrl.identify(buf).getfeatures(nvmetest.FID_NUM_QUEUES).waitdone(2)
    ident, feat = ctrl.cmdlog(2)
    assert ident.opcode == nvmetest.ADMIN_IDENTIFY and ident.cmdname == "Identify"
    assert ident.cdw10 == 1 and ident.nsid == 0
    assert ident.status == 0 and not ident.outstanding
    assert feat.index == ident.index + 1
    assert feat.cdw0 == 0x000f000f and feat.cid == ctrl.latest_cid
    assert feat.latency_us >= 0 and feat.complete_ns >= feat.submit_ns
    assert str(feat).startswith(f"#{feat.index} Get Features (0ah) cid {feat.cid}")
    assert "status 00/00" in str(feat)
    everything = ctrl.cmdlog()
    assert everything[-2:] == [ident, feat]
    assert len(everything) >= 2


def test_separate_cmdlog_reads_the_same_ring(ctrl, bdfs):
    ctrl.send_cmd(0xff)
    with pytest.raises(nvmetest.NvmeStatusError):
        ctrl.waitdone()
    with nvmetest.Cmdlog("nvmetest0") as log:
        assert log.size >= nvmetest.CMDLOG_ENTRIES
        count = log.count
        last = log.read(1)[0]
        assert last.index == count - 1
        assert last.opcode == 0xff and last.status == nvmetest.status_from_cqe_dw3(last.cqe[3])
        assert last.status == 0x001
        assert "status 00/01 Invalid Command Opcode" in last.text
        assert log.read(3)[-1] == ctrl.cmdlog(1)[0]
    with nvmetest.Pcie(bdfs[0]) as pcie, nvmetest.Cmdlog(pcie, qid=0) as log:
        assert log.count == count


def test_cmdlog_shows_outstanding_and_timed_out_commands(bdfs):
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=800)
        entry = c.cmdlog(1)[0]
        assert entry.outstanding and entry.status is None and entry.latency_us is None
        assert "outstanding" in entry.text
        with pytest.raises(TimeoutError):
            c.waitdone()
        entry = c.cmdlog(1)[0]
        assert entry.timed_out and "timeout" in entry.text


def test_cmdlog_of_a_queue_that_does_not_exist(bdfs):
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Cmdlog("nvmetest0", qid=1)
    assert e.value.errno == errno.ENOENT
    with pytest.raises(ValueError):
        nvmetest.Cmdlog("nvmetest0", qid=70000)


def test_cmdlog_from_a_second_process_shows_the_identify(ctrl):
    with nvmetest.Buffer(ctrl) as buf:
        ctrl.identify(buf).waitdone()
    cid = ctrl.latest_cid
    res = tool("cmdlog", "nvmetest0", "-n", "5")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("/dev/nvmetest0 0000:01:00.0 queue 0: ")
    assert lines[0].endswith("commands logged, the last 5:")
    assert len(lines) == 6
    last = lines[-1]
    assert f" qid 0 cid {cid} Identify (06h) nsid 0x0 cdw10-15 00000001 00000000 " in last
    assert "-> 00/00 Successful Completion cdw0 0x00000000 latency " in last
    # Reading the log disturbed nothing: the controller's queue is the same.
    assert ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_tool_cmdlog_options(bdfs, ctrl):
    res = tool("cmdlog", "--qid", "0", "--entries", "0", "nvmetest0")
    assert res.returncode == 0, res.stderr
    assert len(res.stdout.splitlines()) > 1
    res = tool("cmdlog", "nvmetest0", "--qid", "3")
    assert res.returncode == 1
    assert "no such queue" in res.stderr
    res = tool("cmdlog", "nvmetest0", "-n", "x")
    assert res.returncode == 2
