# SPDX-License-Identifier: MIT
"""PCIe power states, resets and power cycles as pynvme scripts write them."""
import pytest

import nvme as d


def test_power_and_reset(pcie, nvme0, nvme0n1, subsystem):
    pcie.aspm = 0              # the emulated link has no writable ASPM beyond off
    assert pcie.aspm == 0
    pcie.power_state = 3       # PCI PM D3hot
    assert pcie.power_state == 3
    pcie.power_state = 0
    nvme0.reset()              # controller reset: CC.EN
    nvme0.getfeatures(7).waitdone()

    pcie.reset()               # PCIe hot reset
    nvme0.reset()              # reset the controller after a PCIe reset
    nvme0.getfeatures(7).waitdone()

    pcie.flr()
    nvme0.reset()
    nvme0.getfeatures(7).waitdone()

    with pytest.raises(OSError):
        subsystem.reset()      # no NSSR on this controller (CAP.NSSRS is 0)
    subsystem.shutdown_notify()
    nvme0.reset()
    nvme0.getfeatures(7).waitdone()


def test_power_cycle_keeps_data_and_verification(nvme0, nvme0n1, subsystem, verify):
    qpair = d.Qpair(nvme0, 16)
    data = d.Buffer(4096, ptype=0xbeef, pvalue=100)
    nvme0n1.write(qpair, data, 100, 8).waitdone()
    qpair.delete()
    subsystem.power_cycle(1)
    nvme0.reset()
    qpair = d.Qpair(nvme0, 16)
    back = d.Buffer(4096)
    nvme0n1.read(qpair, back, 100, 8).waitdone()   # verified against the table kept
    assert back[:] == data[:]
    qpair.delete()


def test_poweroff_poweron_with_callbacks(nvme0, pciaddr):
    import nvmetest
    calls = []

    def off():
        calls.append("off")
        nvmetest.vmchannel.poweroff(pciaddr)

    def on():
        calls.append("on")
        nvmetest.vmchannel.poweron(pciaddr)

    s = d.Subsystem(nvme0, poweron_cb=on, poweroff_cb=off)
    s.poweroff()
    s.poweron()
    nvme0.reset()
    nvme0.getfeatures(7).waitdone()
    s.close()
    assert calls == ["off", "on"]
