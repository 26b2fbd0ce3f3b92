# SPDX-License-Identifier: MIT
"""The test VM's control channel: power a controller off and on (data kept, bound again),
the SMART critical warning as a real AER, bad arguments."""
import ctypes
import errno

import pytest

import nvmetest
from admin_helpers import poll_until
from conftest import PCI, SERIALS, ensure_all_bound, nvmetest as tool
from io_helpers import NS1_LBA_SIZE, NS2_LBA_SIZE, pattern_bytes
from test_events import Monitor, next_event
from nvmetest import vmchannel

BDF0, BDF1 = "0000:01:00.0", "0000:02:00.0"
AER_SMART_SPARE = 0x00020201    # SMART / health, available spare below threshold (bit 0)


@pytest.fixture
def powered(restore):
    """Skips outside the VM; afterwards every controller is powered on and bound again."""
    if not vmchannel.available():
        pytest.skip("needs the test VM's control channel (tests/vm/run)")
    yield restore
    for bdf in restore:
        if not (PCI / "devices" / bdf).exists():
            vmchannel.poweron(bdf)
    ensure_all_bound(restore)


def write_then_read(nsid, lba, data, write):
    """Write @data at @lba of namespace @nsid of nvmetest0 (@write), or read it back."""
    with nvmetest.Controller(BDF0) as c, nvmetest.Namespace(c, nsid) as ns, \
            nvmetest.Qpair(c, 16) as qp, nvmetest.Buffer(c, len(data)) as buf:
        nlb = len(data) // ns.lba_size
        if write:
            buf[:] = data
            ns.write(qp, buf, lba, nlb).waitdone()
        ns.read(qp, buf, lba, nlb).waitdone()
        return buf[:]


def test_poweroff_poweron_keeps_the_namespaces_data(powered):
    data1 = pattern_bytes(8 * NS1_LBA_SIZE, 11)
    data2 = pattern_bytes(2 * NS2_LBA_SIZE, 12)
    assert write_then_read(1, 0x1000, data1, True) == data1
    assert write_then_read(2, 0x20, data2, True) == data2

    vmchannel.poweroff(BDF0)
    assert not (PCI / "devices" / BDF0).exists()
    assert not (PCI / "drivers" / "nvmetest" / BDF0).exists()
    vmchannel.poweron(BDF0)
    assert (PCI / "devices" / BDF0).exists()
    assert not (PCI / "devices" / BDF0 / "driver").exists()     # back unbound

    res = tool("bind", BDF0)
    assert res.returncode == 0, res.stderr
    with nvmetest.Controller(BDF0) as c:
        assert c.id_data(23, 4, str) == SERIALS[0]
    assert write_then_read(1, 0x1000, data1, False) == data1
    assert write_then_read(2, 0x20, data2, False) == data2


def test_poweroff_under_an_open_handle_publishes_removed_and_the_handle_fails(powered):
    with nvmetest.Controller(BDF0) as c, nvmetest.Events() as ev:
        assert c.reg_read32(0x08) == 0x10400                   # VS 1.4
        vmchannel.poweroff(BDF0)
        e = next_event(ev, lambda e: e.type == nvmetest.EVENT_REMOVED and e.bdf == BDF0)
        with pytest.raises(nvmetest.NvtError) as err:
            c.reg_read32(0x08)
        assert err.value.errno == errno.ENODEV
    assert e.name == "removed"
    vmchannel.poweron(BDF0)
    assert tool("bind", BDF0).returncode == 0
    with nvmetest.Controller(BDF0) as c:
        assert c.reg_read32(0x08) == 0x10400


def test_tool_powers_the_second_controller_off_and_on(powered):
    res = tool("vm", "poweroff", "02:00.0")
    assert (res.returncode, res.stdout) == (0, f"{BDF1}: powered off (unplugged from the VM)\n")
    assert not (PCI / "devices" / BDF1).exists()
    res = tool("vm", "poweroff", "02:00.0")
    assert res.returncode == 1 and "is not on the PCI bus" in res.stderr
    res = tool("vm", "poweron", BDF1)
    assert res.returncode == 0, res.stderr
    assert res.stdout == f"{BDF1}: powered on (plugged back in, unbound: nvmetest bind {BDF1})\n"
    res = tool("bind", BDF1)
    assert res.returncode == 0, res.stderr
    res = tool("identify", BDF1)
    assert res.returncode == 0 and SERIALS[1] in res.stdout


def test_smart_warning_raises_an_aer_for_the_callback_and_the_monitor(powered):
    got = []
    mon = Monitor("--timeout", "120")
    try:
        with nvmetest.Controller(BDF0) as c, nvmetest.Events() as ev, \
                nvmetest.Buffer(c, 512) as log:
            c.set_aer_cb(got.append)
            c.setfeatures(nvmetest.FID_ASYNC_EVENT, cdw11=0x1ff).waitdone()
            try:
                vmchannel.set_smart_warning(BDF0, 0x01)
                poll_until(c, lambda: got, what="the AER callback")
                e = next_event(ev, lambda e: e.type == nvmetest.EVENT_AER and e.minor == 0)
                line = mon.wait_for(" aer ")
            finally:
                vmchannel.set_smart_warning(BDF0, 0)
                c.set_aer_cb(None)
                c.setfeatures(nvmetest.FID_ASYNC_EVENT, cdw11=0).waitdone()
                c.getlogpage(nvmetest.LID_SMART, log, 512, rae=0).waitdone()
        assert got[0].ok and got[0].cdw0 == AER_SMART_SPARE
        assert e.cdw0 == AER_SMART_SPARE
        assert f"nvmetest0 {BDF0} aer cdw0 0x{AER_SMART_SPARE:08x} (SMART / health" in line
    finally:
        mon.stop()


def test_bad_arguments_are_rejected(powered):
    cases = [(vmchannel.poweroff, ("01:00",), errno.EINVAL),
             (vmchannel.poweron, ("00:1f.7",), errno.ENOENT),     # not a VM controller
             (vmchannel.poweron, (BDF0,), errno.EALREADY),         # already on
             (vmchannel.set_smart_warning, ("zz", 1), errno.EINVAL)]
    for func, args, err in cases:
        with pytest.raises(nvmetest.NvtError) as e:
            func(*args)
        assert e.value.errno == err, (func.__name__, args)
    with pytest.raises(ValueError):
        vmchannel.set_smart_warning(BDF0, 0x100)
    assert nvmetest._lib.lib.nvt_vm_set_smart_warning(BDF0.encode(), 0x100) == -errno.EINVAL
    assert nvmetest._lib.lib.nvt_vm_poweroff(ctypes.c_char_p()) == -errno.EINVAL
    for args, err in ((("vm", "reboot", BDF0), "unknown action 'reboot'"),
                      (("vm", "poweroff", "1:2:3"), "is not a PCI address"),
                      (("vm", "smart-warning", BDF0), "needs --value"),
                      (("vm", "smart-warning", BDF0, "--value", "256"), "not a number"),
                      (("vm", "poweron", BDF0, "--value", "1"), "smart-warning only")):
        res = tool(*args)
        assert res.returncode == 2 and err in res.stderr, (args, res.stderr)
