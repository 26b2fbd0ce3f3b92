# SPDX-License-Identifier: MIT
"""Controller registers through the binding and `nvmetest regs`."""
import nvmetest
from conftest import nvmetest as tool

QEMU_CAP = 0x004018200f0107ff


def test_version_register_is_1_4_0(ctrl):
    vs = ctrl.reg_read32(nvmetest.REG_VS)
    assert vs == 0x10400
    assert nvmetest.reg_decode(nvmetest.REG_VS, vs) == "1.4.0 (MJR=1 MNR=4 TER=0)"


def test_cap_fields_through_the_binding(ctrl):
    cap = ctrl.reg_read64(nvmetest.REG_CAP)
    assert cap == QEMU_CAP
    assert nvmetest.reg_field(nvmetest.REG_CAP, "MQES", cap) == 2047
    assert nvmetest.reg_field(nvmetest.REG_CAP, "TO", cap) == 15
    assert nvmetest.reg_field(nvmetest.REG_CAP, "CQR", cap) == 1
    text = nvmetest.reg_decode(nvmetest.REG_CAP, cap)
    assert "MQES=2047 (2048 entries)" in text
    assert "TO=15 (7500 ms)" in text
    assert "MPSMAX=4 (64 KiB)" in text


def test_64bit_reads_match_two_32bit_reads(ctrl):
    for reg in (nvmetest.REG_CAP, nvmetest.REG_ASQ, nvmetest.REG_ACQ):
        wide = ctrl.reg_read64(reg)
        assert wide == ctrl.reg_read32(reg) | ctrl.reg_read32(reg + 4) << 32


def test_controller_is_enabled_and_ready(ctrl):
    cc, csts = ctrl.reg_read32(nvmetest.REG_CC), ctrl.reg_read32(nvmetest.REG_CSTS)
    assert nvmetest.reg_field(nvmetest.REG_CC, "EN", cc) == 1
    assert nvmetest.reg_decode(nvmetest.REG_CSTS, csts).startswith("RDY=1 CFS=0")


def test_reg_write64_round_trips_asq(ctrl):
    old = ctrl.reg_read64(nvmetest.REG_ASQ)
    try:
        ctrl.reg_write64(nvmetest.REG_ASQ, 0x12345000)
        assert ctrl.reg_read64(nvmetest.REG_ASQ) == 0x12345000
        assert ctrl.reg_read32(nvmetest.REG_ASQ) == 0x12345000
    finally:
        ctrl.reg_write64(nvmetest.REG_ASQ, old)
    assert ctrl.reg_read64(nvmetest.REG_ASQ) == old


def test_reg_write32_masks_and_unmasks_interrupts(ctrl):
    # MSI-X is not enabled yet, so INTMS/INTMC are the interrupt mask (NVMe 1.4 3.1.3).
    ctrl.reg_write32(nvmetest.REG_INTMS, 0x1)
    try:
        assert ctrl.reg_read32(nvmetest.REG_INTMS) & 0x1
    finally:
        ctrl.reg_write32(nvmetest.REG_INTMC, 0x1)
    assert ctrl.reg_read32(nvmetest.REG_INTMS) & 0x1 == 0


def test_controller_on_a_pcie_outlives_it(bdfs):
    pcie = nvmetest.Pcie(bdfs[1])
    ctrl = nvmetest.Controller(pcie)
    pcie.close()
    assert ctrl.reg_read32(nvmetest.REG_VS) == 0x10400
    with ctrl.pcie as again:
        assert again.info.bdf == bdfs[1]
        assert again.info.minor == 1
    ctrl.close()
    assert ctrl.closed


def test_tool_regs(bdfs):
    for dev in ("nvmetest0", "/dev/nvmetest0", bdfs[0], bdfs[0][5:]):
        res = tool("regs", dev)
        assert res.returncode == 0, res.stderr
        lines = {line.split()[0]: line for line in res.stdout.splitlines()}
        assert list(lines) == ["CAP", "VS", "INTMS", "CC", "CSTS", "NSSR", "AQA", "ASQ",
                               "ACQ", "CMBLOC", "CMBSZ"]
        assert lines["CAP"].split()[2] == f"0x{QEMU_CAP:016x}"
        assert "MQES=2047 (2048 entries)" in lines["CAP"]
        assert lines["VS"].split()[1:4] == ["0x08", "0x00010400", "1.4.0"]
        assert "RDY=1" in lines["CSTS"]
