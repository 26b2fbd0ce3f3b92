# SPDX-License-Identifier: MIT
"""Status and command names (status.h, cmdname.h)."""
import ctypes

from ._lib import lib
from .errors import call, uint


def status_name(status):
    """nvt_status_name(): the specification's name, e.g. status_name(0x002) == "Invalid Field in Command"."""
    return lib.nvt_status_name(uint(status, 16, "status")).decode()


def status_format(status):
    """nvt_status_format(): pynvme's "ERROR status: 00/01 Invalid Command Opcode"."""
    status = uint(status, 16, "status")
    n = call(lib.nvt_status_format, status, None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    call(lib.nvt_status_format, status, buf, n + 1)
    return buf.value.decode()


def status_from_cqe_dw3(dw3):
    """nvt_status_from_cqe_dw3(): SCT << 8 | SC of a CQE's dword 3."""
    return lib.nvt_status_from_cqe_dw3(uint(dw3, 32, "dw3"))


def admin_cmdname(opcode):
    """nvt_admin_cmdname(): e.g. admin_cmdname(0x06) == "Identify"."""
    return lib.nvt_admin_cmdname(uint(opcode, 8, "opcode")).decode()


def io_cmdname(opcode):
    """nvt_io_cmdname(): e.g. io_cmdname(0x01) == "Write"."""
    return lib.nvt_io_cmdname(uint(opcode, 8, "opcode")).decode()


__all__ = ["status_name", "status_format", "status_from_cqe_dw3", "admin_cmdname",
           "io_cmdname"]
