# SPDX-License-Identifier: MIT
"""Controller: the NVMe controller of a function bound to nvmetest.ko (struct nvt_ctrl)."""
import ctypes

from ._lib import CtrlPtr, lib
from .errors import call, name_arg, uint
from .handle import Handle
from .pcie import Pcie


class Controller(Handle):
    """nvt_ctrl_open(name) or, given a Pcie, nvt_ctrl_create(pcie).

    The controller holds its own reference to the function, so the Pcie may be
    closed before or after it.
    """

    def __init__(self, dev):
        super().__init__(None)
        ptr = CtrlPtr()
        if isinstance(dev, Pcie):
            call(lib.nvt_ctrl_create, dev._handle(), ctypes.byref(ptr))
        else:
            call(lib.nvt_ctrl_open, name_arg(dev), ctypes.byref(ptr))
        self._ptr = ptr

    @staticmethod
    def _free(ptr):
        lib.nvt_ctrl_close(ptr)

    @property
    def pcie(self):
        """A new Pcie for this controller's function, with its own reference: close it."""
        return Pcie._adopt(lib.nvt_pcie_ref(lib.nvt_ctrl_pcie(self._handle())))

    def reg_read32(self, offset):
        """nvt_ctrl_reg_read32(): a 32-bit register, e.g. reg_read32(REG_VS)."""
        value = ctypes.c_uint32()
        call(lib.nvt_ctrl_reg_read32, self._handle(), uint(offset, 32, "offset"),
             ctypes.byref(value))
        return value.value

    def reg_read64(self, offset):
        """nvt_ctrl_reg_read64(): a 64-bit register, e.g. reg_read64(REG_CAP)."""
        value = ctypes.c_uint64()
        call(lib.nvt_ctrl_reg_read64, self._handle(), uint(offset, 32, "offset"),
             ctypes.byref(value))
        return value.value

    def reg_write32(self, offset, value):
        """nvt_ctrl_reg_write32()."""
        call(lib.nvt_ctrl_reg_write32, self._handle(), uint(offset, 32, "offset"),
             uint(value, 32, "value"))

    def reg_write64(self, offset, value):
        """nvt_ctrl_reg_write64()."""
        call(lib.nvt_ctrl_reg_write64, self._handle(), uint(offset, 32, "offset"),
             uint(value, 64, "value"))

    def __repr__(self):
        if self.closed:
            return "<Controller closed>"
        with self.pcie as pcie:
            return f"<Controller {pcie.info.bdf}>"
