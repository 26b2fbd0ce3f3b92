# SPDX-License-Identifier: MIT
"""Resets of the function done in the kernel (Pcie.reset, `nvmetest reset --type`):
each with IO in flight, then re-init and a verified read of data written before;
many controller resets under a running IOWorker; resets from sysfs; bad input.
"""
import errno
import fcntl
import struct
import time

import pytest

import nvmetest
from conftest import PCI, nvmetest as tool
from io_helpers import verified

REGION = 4096                   # LBAs of namespace 1 written before each reset
KINDS = ["controller", "flr", "hot", "link"]
NVT_IOCTL_RESET = 0x4018e410    # _IOW(0xE4, 16, struct nvt_ioctl_reset), 24 bytes


def events_of(ev, bdf, kind, timeout=10):
    """Events of @bdf until one of @kind arrives (or None after @timeout s)."""
    while True:
        e = ev.next(timeout=timeout)
        if e is None or (e.bdf == bdf and e.type == kind):
            return e


@pytest.fixture
def written(ctrl):
    """Namespace 1, verified, with its first REGION LBAs written by a worker."""
    ns = verified(ctrl, 1)
    r = ns.ioworker(io_size=64, lba_random=False, read_percentage=0, verify=True,
                    region_end=REGION, qdepth=16).start().close()
    assert r.error == 0 and r.io_count == REGION // 64
    yield ns
    ns.close()


def verified_read_back(ctrl, ns):
    r = ns.ioworker(io_size=64, lba_random=False, read_percentage=100, verify=True,
                    region_end=REGION, qdepth=8).start().close()
    assert r.error == 0, r.error_cmd
    assert r.io_count == REGION // 64


@pytest.mark.parametrize("kind", KINDS)
def test_reset_with_io_in_flight(ctrl, bdfs, written, kind):
    with nvmetest.Events() as ev:
        # reads of the written region and writes above it, verified, in flight
        w = written.ioworker(io_size=8, read_percentage=50, verify=True, time=30, qdepth=32,
                             region_end=2 * REGION).start()
        time.sleep(0.5)
        with ctrl.pcie as pcie:
            pcie.reset(kind)
        r = w.close()
        assert r.reset and r.error == 0, (r.error, r.error_cmd)
        e = events_of(ev, bdfs[0], nvmetest.EVENT_RESET)
        assert e is not None and e.reset_type == ["controller", "nssr", "flr", "hot",
                                                  "link"].index(kind) + 1, e
    # disabled by the reset; the stale qpair is gone with the worker
    assert ctrl.reg_read32(nvmetest.REG_CSTS) & 1 == 0
    ctrl.reset()
    verified_read_back(ctrl, written)


def test_stale_handles_after_reset(ctrl, pcie, written):
    qp = nvmetest.Qpair(ctrl, 16)
    buf = nvmetest.Buffer(ctrl, 4096)
    pcie.reset("flr")          # another handle of the same function
    with pytest.raises(nvmetest.NvtError) as e:
        written.read(qp, buf, 0, 8).waitdone()
    assert e.value.errno == errno.ESTALE
    qp.close()
    ctrl.reset()
    with nvmetest.Qpair(ctrl, 16) as qp2:
        written.read(qp2, buf, 0, 8).waitdone()
    buf.close()


def test_controller_resets_under_running_ioworker(ctrl, written):
    with ctrl.pcie as pcie:
        for i in range(100):
            w = written.ioworker(io_size=8, read_percentage=100, verify=True, time=10,
                                 region_end=REGION, qdepth=16).start()
            time.sleep(0.02)
            pcie.reset("controller")
            r = w.close()
            assert r.reset and r.error == 0, (i, r.error_cmd)
            ctrl.reset()
    verified_read_back(ctrl, written)


def test_sysfs_reset_is_seen(ctrl, bdfs, written):
    with nvmetest.Events() as ev:
        (PCI / "devices" / bdfs[0] / "reset").write_text("1")
        e = events_of(ev, bdfs[0], nvmetest.EVENT_RESET)
        assert e is not None and e.reset_type == 0
    ctrl.reset()
    verified_read_back(ctrl, written)


def test_nssr_not_supported(pcie, ctrl):
    with pytest.raises(nvmetest.NvtError) as e:
        pcie.reset("nssr")
    assert e.value.errno == errno.EOPNOTSUPP
    ctrl.getlogpage(nvmetest.LID_SMART, nvmetest.Buffer(ctrl, 512), 512).waitdone()


@pytest.mark.parametrize("kind", ["", "FLR", "warm", None, 3])
def test_bad_kind(pcie, kind):
    with pytest.raises(ValueError):
        pcie.reset(kind)


@pytest.mark.parametrize("fields", [(0, 0, 0, 0), (6, 0, 0, 0), (3, 2, 0, 0), (3, 0, 1, 0)])
def test_bad_ioctl_arguments(pcie, fields):
    arg = bytearray(struct.pack("<IIQQ", *fields))
    with pytest.raises(OSError) as e:
        fcntl.ioctl(pcie.fd, NVT_IOCTL_RESET, arg)
    assert e.value.errno == errno.EINVAL


def test_probe_does_nothing(ctrl, pcie):
    csts = ctrl.reg_read32(nvmetest.REG_CSTS)
    for kind, result in ((3, 0), (4, 0), (5, 0), (2, errno.EOPNOTSUPP)):
        arg = bytearray(struct.pack("<IIQQ", kind, 1, 0, 0))     # NVT_RESET_F_PROBE
        if result:
            with pytest.raises(OSError) as e:
                fcntl.ioctl(pcie.fd, NVT_IOCTL_RESET, arg)
            assert e.value.errno == result
        else:
            fcntl.ioctl(pcie.fd, NVT_IOCTL_RESET, arg)
    assert ctrl.reg_read32(nvmetest.REG_CSTS) == csts and csts & 1
    ctrl.getlogpage(nvmetest.LID_SMART, nvmetest.Buffer(ctrl, 512), 512).waitdone()


def test_tool_reset_types(bdfs):
    for kind in KINDS:
        res = tool("reset", "--type", kind, "nvmetest0")
        assert res.returncode == 0, res.stderr
        assert f"{kind} reset done" in res.stdout
    res = tool("reset", "--type", "nssr", "nvmetest0")
    assert res.returncode == 1 and "not supported" in res.stderr
    res = tool("reset", "--type", "bogus", "nvmetest0")
    assert res.returncode == 2 and "--type" in res.stderr
