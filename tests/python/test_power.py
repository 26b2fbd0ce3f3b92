# SPDX-License-Identifier: MIT
"""Power through the Subsystem (subsystem.h) in the test VM: a power cycle keeps
the data and the verification table and the same handles go on; custom hooks;
a surprise removal under a running IOWorker with files open, then re-add and
bind; bad arguments. The VM's control channel does the unplugging
(tests/vm/README.md); pciehp takes a few seconds each way.
"""
import errno
import subprocess

import pytest

import nvmetest
from conftest import TOOL, driver_of, ensure_all_bound, nvmetest as tool
from io_helpers import verified

REGION = 2048


@pytest.fixture
def vm(bdfs):
    if not nvmetest.vmchannel.available():
        pytest.skip("needs the test VM's control channel")
    yield bdfs
    for bdf in bdfs:     # whatever a failed test left off comes back
        try:
            nvmetest.vmchannel.poweron(bdf)
        except nvmetest.NvtError:
            pass
    ensure_all_bound(bdfs)


def write_region(ns):
    r = ns.ioworker(io_size=16, lba_random=False, read_percentage=0, verify=True,
                    region_end=REGION, qdepth=8).start().close()
    assert r.error == 0 and r.io_count == REGION // 16


def read_region(ns):
    return ns.ioworker(io_size=16, lba_random=False, read_percentage=100, verify=True,
                       region_end=REGION, qdepth=8).start().close()


def test_power_cycle_keeps_data_table_and_handles(vm):
    with nvmetest.Controller("nvmetest0") as ctrl, verified(ctrl, 1) as ns, \
            nvmetest.Subsystem(ctrl) as sub:
        write_region(ns)
        ctrl.cmdlog(8)           # mapped before: must show the new binding's log after
        with nvmetest.Events() as ev:
            sub.power_cycle(1)
            e = ev.next(timeout=30)
            assert e is not None and e.type == nvmetest.EVENT_REMOVED, e
        assert driver_of(vm[0]) == "nvmetest"
        ctrl.reset()
        r = read_region(ns)
        assert r.error == 0 and r.io_count == REGION // 16
        # the data is on the medium: LBA 5 carries its LBA number, verified against the table
        with nvmetest.Qpair(ctrl, 8) as qp, nvmetest.Buffer(ctrl, 512) as buf:
            ns.read(qp, buf, 5, 1).waitdone()
            assert buf.data(7, 0) == 5
        assert any(e.opcode == nvmetest.ADMIN_IDENTIFY for e in ctrl.cmdlog(16))


def test_custom_hooks_are_called(vm):
    calls = []

    def off(bdf):
        calls.append(("off", bdf))
        nvmetest.vmchannel.poweroff(bdf)

    def on(bdf):
        calls.append(("on", bdf))
        nvmetest.vmchannel.poweron(bdf)

    with nvmetest.Controller("nvmetest0") as ctrl, \
            nvmetest.Subsystem(ctrl, poweroff=off, poweron=on) as sub:
        sub.poweroff()
        with pytest.raises(nvmetest.NvtError) as e:
            ctrl.reg_read32(nvmetest.REG_CSTS)
        assert e.value.errno == errno.ENODEV
        sub.poweron()
        ctrl.reset()
        assert ctrl.id_data(23, 4, str).startswith("NVT00000000")
    assert calls == [("off", vm[0]), ("on", vm[0])]


def test_failing_hook_reports_and_loses_nothing(vm):
    def boom(bdf):
        raise RuntimeError("no power switch here")

    with nvmetest.Controller("nvmetest0") as ctrl, \
            nvmetest.Subsystem(ctrl, poweroff=boom, poweron=boom) as sub:
        with pytest.raises(nvmetest.NvtError) as e:
            sub.poweroff()
        assert e.value.errno == errno.EIO
        with nvmetest.Qpair(ctrl, 8):
            pass                 # the qpairs died, the controller did not
        ctrl.reset()


def test_surprise_removal_under_ioworker_then_readd(vm):
    with nvmetest.Controller("nvmetest1") as ctrl, nvmetest.Namespace(ctrl, 1) as ns:
        w = ns.ioworker(io_size=8, qdepth=16, time=60, read_percentage=100).start()
        # another process pulls the drive: this one learns it from the device
        subprocess.run([str(TOOL), "vm", "poweroff", vm[1]], check=True, timeout=120)
        r = w.close()
        assert r.io_count > 0 and (r.error != 0 or r.reset), r
        with pytest.raises(nvmetest.NvtError) as e:
            ctrl.reg_read32(nvmetest.REG_CSTS)
        assert e.value.errno == errno.ENODEV
    res = tool("vm", "poweron", vm[1])
    assert res.returncode == 0, res.stderr
    res = tool("bind", vm[1])
    assert res.returncode == 0, res.stderr
    with nvmetest.Controller(vm[1]) as ctrl:
        assert ctrl.id_data(23, 4, str).startswith("NVT00000001")


def test_bad_arguments(vm, ctrl):
    with pytest.raises(ValueError):
        nvmetest.Subsystem(ctrl, poweroff=lambda bdf: None)
    with pytest.raises(TypeError):
        nvmetest.Subsystem(ctrl, poweroff=1, poweron=2)
    with nvmetest.Subsystem(ctrl) as sub:
        for sec in (0, 3601):
            with pytest.raises(nvmetest.NvtError) as e:
                sub.power_cycle(sec)
            assert e.value.errno == errno.EINVAL
        with pytest.raises(nvmetest.NvtError) as e:
            sub.reset()
        assert e.value.errno == errno.EOPNOTSUPP
        sub.shutdown_notify()
    ctrl.reset()
