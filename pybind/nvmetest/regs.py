# SPDX-License-Identifier: MIT
"""Controller registers as text (regs.h), and REG_<NAME> offsets (spec.h)."""
import ctypes

from ._lib import lib
from .errors import call, uint


def reg_name(offset):
    """nvt_reg_name(): "CAP" for 0; None if no known register starts at @offset."""
    name = lib.nvt_reg_name(uint(offset, 32, "offset"))
    return name.decode() if name else None


def reg_offset(name):
    """nvt_reg_offset(): the offset of a register by name; NvtError(ENOENT) if unknown."""
    if not isinstance(name, str):
        raise TypeError(f"register name must be str, not {type(name).__name__}")
    return call(lib.nvt_reg_offset, name.encode())


def reg_width(offset):
    """nvt_reg_width(): 4 or 8; NvtError(ENOENT) if no known register starts there."""
    return call(lib.nvt_reg_width, uint(offset, 32, "offset"))


def reg_field(offset, field, value):
    """nvt_reg_field(): the raw value of a field, e.g. reg_field(REG_CAP, "MQES", cap)."""
    if not isinstance(field, str):
        raise TypeError(f"field name must be str, not {type(field).__name__}")
    out = ctypes.c_uint64()
    call(lib.nvt_reg_field, uint(offset, 32, "offset"), field.encode(),
         uint(value, 64, "value"), ctypes.byref(out))
    return out.value


def reg_decode(offset, value):
    """nvt_reg_decode(): one line of text, e.g. reg_decode(REG_VS, 0x10400) -> "1.4.0 (...)"."""
    args = (uint(offset, 32, "offset"), uint(value, 64, "value"))
    n = call(lib.nvt_reg_decode, *args, None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    call(lib.nvt_reg_decode, *args, buf, n + 1)
    return buf.value.decode()


# REG_CAP, REG_VS, ...: every register the library knows (all lie below the doorbells).
REGS = {reg_name(off): off for off in range(0, 0x1000, 4) if reg_name(off)}
globals().update({"REG_" + name: off for name, off in REGS.items()})
__all__ = ["REGS", "reg_decode", "reg_field", "reg_name", "reg_offset", "reg_width"] + \
    ["REG_" + name for name in REGS]
