# SPDX-License-Identifier: MIT
"""list_controllers(): the controllers bound to nvmetest.ko (nvt_list, netlink)."""
import ctypes
from dataclasses import dataclass

from ._lib import CtrlEntryC, lib
from .errors import call


@dataclass(frozen=True)
class CtrlEntry:
    """struct nvt_ctrl_entry."""
    minor: int
    bdf: str
    vendor_id: int
    device_id: int
    serial: str
    model: str

    @property
    def dev(self):
        """The device node, "/dev/nvmetestN"."""
        return f"/dev/nvmetest{self.minor}"


def list_controllers():
    """Every controller bound to nvmetest, by minor; NvtError(ENOENT) if the module is not loaded."""
    count = ctypes.c_uint()
    call(lib.nvt_list, None, 0, ctypes.byref(count))
    room = 0
    while count.value > room:       # again if controllers appeared in between
        room = count.value
        arr = (CtrlEntryC * room)()
        call(lib.nvt_list, arr, room, ctypes.byref(count))
    return [CtrlEntry(e.minor, e.bdf.decode(), e.vendor_id, e.device_id,
                      e.serial.decode(errors="replace"), e.model.decode(errors="replace"))
            for e in (arr[:min(count.value, room)] if room else [])]
