# SPDX-License-Identifier: MIT
"""PCI config space and capabilities through the binding and `nvmetest config`."""
import nvmetest
from conftest import QEMU_IDS, nvmetest as tool

PM, PCIE, MSIX = 0x01, 0x10, 0x11


def test_info_describes_the_qemu_controller(pcie, bdfs):
    info = pcie.info
    assert info.bdf == bdfs[0]
    assert (info.vendor_id, info.device_id) == QEMU_IDS
    assert info.class_code == 0x010802
    assert info.config_size == 4096
    assert info.bar0_size >= 0x1000
    assert info.minor == 0
    assert info.abi_version == nvmetest.ABI_VERSION
    assert info.features & nvmetest.FEATURE_REGS
    assert info.features & nvmetest.FEATURE_CONFIG
    assert f"{info.domain:04x}:{info.bus:02x}:{info.dev:02x}.{info.fn:x}" == info.bdf
    assert pcie.fd >= 0


def test_header_reads_agree_with_info(pcie):
    info = pcie.info
    assert pcie.cfg_read(0x00, 2) == info.vendor_id
    assert pcie.cfg_read(0x02, 2) == info.device_id
    assert pcie.cfg_read(0x00, 4) == info.device_id << 16 | info.vendor_id
    assert pcie.cfg_read(0x08, 4) >> 8 == 0x010802
    assert pcie.cfg_read(0x0b, 1) == 0x01     # base class: mass storage
    assert pcie.cfg_read(0x2c, 2) == info.subsys_vendor_id
    assert pcie.cfg_read(0x2e, 2) == info.subsys_device_id


def test_capabilities_are_found(pcie):
    offsets = {cap: pcie.cap_offset(cap) for cap in (PM, MSIX, PCIE)}
    for cap, offset in offsets.items():
        assert offset is not None and 0x40 <= offset < 0x100, (cap, offset)
        assert pcie.cfg_read(offset, 1) == cap
    caps = pcie.caps()
    standard = [(c.id, c.offset, c.name) for c in caps if not c.extended]
    assert sorted(standard) == sorted([(PM, offsets[PM], "Power Management"),
                                       (MSIX, offsets[MSIX], "MSI-X"),
                                       (PCIE, offsets[PCIE], "PCI Express")])
    # QEMU's controller has no extended capabilities (no AER).
    assert [c for c in caps if c.extended] == []
    assert pcie.ext_cap_offset(0x01) is None
    assert pcie.cap_offset(0x05) is None      # no MSI


def test_msix_table_has_65_vectors(pcie):
    msix = pcie.cap_offset(MSIX)
    assert (pcie.cfg_read(msix + 2, 2) & 0x7ff) + 1 == 65


def test_cfg_write_round_trips_interrupt_line(pcie):
    old = pcie.cfg_read(0x3c, 1)      # Interrupt Line: a read/write scratch byte
    try:
        pcie.cfg_write(0x3c, 1, 0x5a)
        assert pcie.cfg_read(0x3c, 1) == 0x5a
    finally:
        pcie.cfg_write(0x3c, 1, old)
    assert pcie.cfg_read(0x3c, 1) == old


def test_every_name_form_opens_the_same_function(bdfs):
    for i, bdf in enumerate(bdfs):
        for name in (f"nvmetest{i}", f"/dev/nvmetest{i}", bdf, bdf[5:], bdf.upper()):
            with nvmetest.Pcie(name) as p:
                assert (p.info.bdf, p.info.minor) == (bdf, i), name


def test_tool_config(bdfs):
    res = tool("config", "nvmetest0")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.startswith(f"{bdfs[0]}  /dev/nvmetest0\n")
    assert "vendor:device    1b36:0010" in out
    assert "class            010802 (NVM Express)" in out
    assert "config space     4096 bytes" in out
    assert "BAR0 " in out and "64-bit memory" in out
    assert "MSI-X: table size 65" in out
    assert "Power Management: v3, state D0" in out
    assert "PCI Express: v2, Endpoint, link" in out
    std, ext = out.split("standard capabilities:\n")[1].split("extended capabilities:\n")
    assert len(std.splitlines()) == 3
    assert ext.strip() == "none"
