# SPDX-License-Identifier: MIT
"""Pcie in user space: config space as slices and registers of any size and alignment,
the link, ASPM and the power state (D0 / D3hot), through the binding and `nvmetest pcie`."""
import errno

import pytest

import nvmetest
from conftest import nvmetest as tool

PM_CTRL = 4                 # PMCSR in the power management capability
NO_SOFT_RESET = 1 << 3
INTERRUPT_LINE = 0x3c


def test_slices_and_registers_read_the_header(pcie):
    assert pcie[0:4] == bytes([0x36, 0x1b, 0x10, 0x00])            # 1b36:0010
    assert pcie[0] == 0x36 and pcie[-1] == pcie[len(pcie) - 1]
    assert len(pcie) == pcie.info.config_size and bool(pcie)
    assert pcie[9:12] == bytes([0x02, 0x08, 0x01])                  # class 010802
    assert pcie.register(0, 4) == 0x00101b36
    assert pcie.register(1, 2) == 0x101b                            # unaligned
    assert pcie.register(0, 8) == pcie.cfg_read(4, 4) << 32 | 0x00101b36
    assert pcie.register(3, 8) == int.from_bytes(pcie[3:11], "little")
    assert pcie.read(0x41, 7) == pcie[0x41:0x48]


def test_unaligned_writes_reach_the_register_and_nothing_else(pcie):
    before = pcie[0x30:0x48]
    line = pcie[INTERRUPT_LINE]
    try:
        # 8 bytes at 0x39: reserved, Interrupt Line (the only writable byte), Pin,
        # Min_Gnt, Max_Lat, MSI-X capability ID.
        value = pcie.register(0x39, 8)
        new = value & ~(0xff << 24) | (line ^ 0x5a) << 24
        pcie.write_register(0x39, 8, new)
        assert pcie[INTERRUPT_LINE] == line ^ 0x5a
        assert pcie.register(0x39, 8) == new
        pcie[INTERRUPT_LINE] = line ^ 0xa5
        assert pcie.cfg_read(INTERRUPT_LINE, 1) == line ^ 0xa5
        pcie[INTERRUPT_LINE - 1:INTERRUPT_LINE + 1] = bytes([pcie[0x3b], line])
    finally:
        pcie.cfg_write(INTERRUPT_LINE, 1, line)
    assert pcie[0x30:0x48] == before


def test_link_of_the_emulated_function(pcie):
    link = pcie.link
    assert (link.speed, link.width, link.max_speed, link.max_width) == (1, 1, 1, 1)
    assert link.speed_name == link.max_speed_name == "2.5 GT/s"
    assert nvmetest.link_speed_name(4) == "16 GT/s" and nvmetest.link_speed_name(9) is None


def test_aspm_reads_back_and_qemu_keeps_it_off(pcie):
    exp = pcie.cap_offset(0x10)
    assert pcie.aspm_supported == nvmetest.ASPM_L0S                 # QEMU: L0s only
    pcie.aspm = nvmetest.ASPM_DISABLED
    assert pcie.aspm == nvmetest.ASPM_DISABLED == pcie.register(exp + 0x10, 2) & 3
    # QEMU 7.2's Link Control ASPM field is read-only: the write is caught, not trusted.
    with pytest.raises(nvmetest.NvtError) as e:
        pcie.aspm = nvmetest.ASPM_L0S
    assert e.value.errno == errno.EIO and "ignored the write of L0s" in str(e.value)
    assert pcie.aspm == nvmetest.ASPM_DISABLED


def test_d3hot_and_back_then_the_controller_still_answers(bdfs):
    with nvmetest.Controller("nvmetest0") as ctrl, nvmetest.Pcie("nvmetest0") as pcie, \
            nvmetest.Buffer(ctrl) as buf:
        pm = pcie.cap_offset(0x01)
        header = pcie[0:64]
        assert pcie.power_state == nvmetest.D0
        pcie.power_state = nvmetest.D3HOT
        assert pcie.power_state == nvmetest.D3HOT
        assert pcie.register(pm + PM_CTRL, 2) & 3 == 3
        pcie.power_state = nvmetest.D0
        assert pcie.power_state == nvmetest.D0
        assert pcie[0:64] == header
        # QEMU's function keeps its state (No_Soft_Reset): no restore, no re-init needed.
        assert pcie.register(pm + PM_CTRL, 2) & NO_SOFT_RESET
        ctrl.identify(buf).waitdone()
        assert buf.data(23, 4, str) == "NVT00000000"
        ctrl.reset()                # and a full re-init works too
        ctrl.identify(buf).waitdone()
        assert buf.data(23, 4, str) == "NVT00000000"


def test_bad_arguments_are_rejected(pcie):
    size = pcie.info.config_size
    cases = [(lambda: pcie.register(0, 3), errno.EINVAL),
             (lambda: pcie.register(size - 2, 4), errno.ERANGE),
             (lambda: pcie.read(size, 1), errno.ERANGE),
             (lambda: pcie.write_register(0x3c, 1, 0x100), errno.EINVAL),
             (lambda: setattr(pcie, "aspm", 4), errno.EINVAL),
             (lambda: setattr(pcie, "aspm", nvmetest.ASPM_L1), errno.EOPNOTSUPP),
             (lambda: setattr(pcie, "power_state", 4), errno.EINVAL),
             (lambda: setattr(pcie, "power_state", nvmetest.D1), errno.EOPNOTSUPP)]
    for func, err in cases:
        with pytest.raises(nvmetest.NvtError) as e:
            func()
        assert e.value.errno == err, (e.value, err)
    with pytest.raises(IndexError):
        pcie[size]
    with pytest.raises(ValueError):
        pcie[0:8:2]
    with pytest.raises(ValueError):
        pcie[0x3c:0x3e] = b"\x00"
    with pytest.raises(ValueError):
        pcie.register(-1, 4)
    assert pcie.power_state == nvmetest.D0 and pcie.aspm == nvmetest.ASPM_DISABLED


def test_tool_shows_and_sets_the_state(bdfs):
    res = tool("pcie", "nvmetest0")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "0000:01:00.0  /dev/nvmetest0"
    assert "  capabilities    [040] MSI-X" in lines
    assert "                  [080] PCI Express" in lines
    assert "  link            2.5 GT/s x1 (max 2.5 GT/s x1)" in lines
    assert "  power state     D0" in lines
    assert "  ASPM            disabled (supported: L0s)" in lines

    res = tool("pcie", "01:00.0", "--power-state", "d3hot")
    assert res.returncode == 0 and "  power state     D3hot" in res.stdout.splitlines()
    res = tool("pcie", "01:00.0", "--power-state", "D0", "--aspm", "off")
    assert res.returncode == 0 and "  power state     D0" in res.stdout.splitlines()

    res = tool("pcie", "nvmetest0", "--aspm", "l1")
    assert res.returncode == 1 and "does not support ASPM L1" in res.stderr
    for args, err in ((("--aspm", "l2"), "--aspm must be"),
                      (("--power-state", "d3cold"), "--power-state must be")):
        res = tool("pcie", "nvmetest0", *args)
        assert res.returncode == 2 and err in res.stderr
    res = tool("pcie", "nvmetest0", "--power-state", "d1")
    assert res.returncode == 1 and "does not support D1" in res.stderr
