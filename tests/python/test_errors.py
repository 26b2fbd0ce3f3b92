# SPDX-License-Identifier: MIT
"""Bad arguments and failures: which exception, which errno, which message."""
import errno

import pytest

import nvmetest
from conftest import PCI, driver_of, nvmetest as tool


@pytest.mark.parametrize("offset,width,err", [
    (0, 3, errno.EINVAL),       # width not 1, 2 or 4
    (0, 8, errno.EINVAL),
    (0, 0, errno.EINVAL),
    (1, 2, errno.EINVAL),       # misaligned
    (2, 4, errno.EINVAL),
    (4096, 1, errno.ERANGE),    # beyond the 4 KiB config space
    (4094, 4, errno.EINVAL),    # misaligned comes first
    (4092, 4, 0),               # the last dword is fine
])
def test_cfg_read_checks(pcie, offset, width, err):
    if not err:
        pcie.cfg_read(offset, width)
        return
    with pytest.raises(nvmetest.NvtError) as e:
        pcie.cfg_read(offset, width)
    assert e.value.errno == err
    assert "nvt_pcie_cfg_read" in e.value.strerror


def test_cfg_write_value_too_wide(pcie):
    with pytest.raises(nvmetest.NvtError) as e:
        pcie.cfg_write(0x3c, 1, 0x100)
    assert e.value.errno == errno.EINVAL
    assert "does not fit in 1 bytes" in str(e.value)


@pytest.mark.parametrize("call", [
    lambda p: p.cfg_read(-1, 4),
    lambda p: p.cfg_read(1 << 32, 4),
    lambda p: p.cfg_write(0, 4, 1 << 32),
    lambda p: p.cap_offset(-1),
])
def test_out_of_range_python_ints_are_value_errors(pcie, call):
    with pytest.raises(ValueError):
        call(pcie)


@pytest.mark.parametrize("call", [
    lambda p: p.cfg_read("0", 4),
    lambda p: p.cfg_read(0.0, 4),
    lambda p: p.cfg_read(True, 4),
    lambda p: p.cfg_write(0, 4, None),
])
def test_non_ints_are_type_errors(pcie, call):
    with pytest.raises(TypeError):
        call(pcie)


def test_register_access_checks(ctrl):
    with ctrl.pcie as pcie:
        bar0 = pcie.info.bar0_size
    cases = [
        (lambda: ctrl.reg_read32(2), errno.EINVAL),
        (lambda: ctrl.reg_read64(4), errno.EINVAL),
        (lambda: ctrl.reg_write64(0x2c, 0), errno.EINVAL),
        (lambda: ctrl.reg_write32(0x1c, 1 << 32), None),
        (lambda: ctrl.reg_read32(bar0), errno.ERANGE),
        (lambda: ctrl.reg_read64(bar0 - 8 + 0x10), errno.ERANGE),
    ]
    for call, err in cases:
        with pytest.raises(nvmetest.NvtError if err else ValueError) as e:
            call()
        assert err is None or e.value.errno == err


def test_bad_names(bdfs):
    other = next(d.name for d in sorted((PCI / "devices").iterdir())
                 if driver_of(d.name) not in (None, "nvmetest"))
    cases = [
        ("nvmetest9", errno.ENOENT, "cannot open /dev/nvmetest9"),
        ("disk", errno.EINVAL, "'disk' is not a device name"),
        ("00:1f.7", errno.ENOENT, "no PCI function 0000:00:1f.7"),
        (other, errno.ENODEV, f"{other} is bound to {driver_of(other)}, not nvmetest"),
        ("/dev/null", errno.ENOTTY, "not an nvmetest device"),
    ]
    for name, err, msg in cases:
        for cls in (nvmetest.Pcie, nvmetest.Controller):
            with pytest.raises(nvmetest.NvtError) as e:
                cls(name)
            assert e.value.errno == err, name
            assert msg in e.value.strerror, e.value.strerror
    with pytest.raises(TypeError):
        nvmetest.Controller(0)


def test_closed_objects_raise_value_error(bdfs):
    pcie = nvmetest.Pcie("nvmetest0")
    ctrl = nvmetest.Controller(pcie)
    pcie.close()
    pcie.close()                    # idempotent
    ctrl.close()
    with pytest.raises(ValueError):
        pcie.cfg_read(0, 4)
    with pytest.raises(ValueError):
        ctrl.reg_read32(0)
    with pytest.raises(ValueError):
        nvmetest.Controller(pcie)


def test_reg_helpers_errors():
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.reg_decode(0x1004, 0)
    assert e.value.errno == errno.ENOENT
    with pytest.raises(nvmetest.NvtError):
        nvmetest.reg_field(nvmetest.REG_CAP, "NOPE", 0)
    with pytest.raises(nvmetest.NvtError):
        nvmetest.parse_bdf("01:00")
    assert nvmetest.reg_name(0x04) is None
    with pytest.raises(TypeError):
        nvmetest.reg_offset(0)


def test_tool_errors_and_usage(bdfs):
    res = tool("regs", "nvmetest9")
    assert res.returncode == 1
    assert res.stderr == ("nvmetest: cannot open /dev/nvmetest9: No such file or directory "
                          "(is the function bound? see nvmetest list)\n")
    assert res.stdout == ""
    for args in (["regs"], ["regs", "a", "b"], ["frobnicate"], ["bind", "--bogus", "x"], []):
        res = tool(*args)
        assert res.returncode == 2, args
        assert "usage: nvmetest" in res.stderr
    for args in (["--help"], ["regs", "--help"], ["bind", "-h"]):
        res = tool(*args)
        assert res.returncode == 0
        assert res.stdout.startswith("usage: nvmetest")
    assert "--force" in tool("bind", "--help").stdout
