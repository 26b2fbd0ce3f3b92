# SPDX-License-Identifier: MIT
"""Pcie: a PCI function bound to nvmetest.ko (struct nvt_pcie)."""
import ctypes
import errno
from dataclasses import dataclass

from ._lib import BDF_LEN, PcieCapC, PcieInfoC, PciePtr, lib
from .errors import NvtError, call, name_arg, uint
from .handle import Handle

CONFIG_WIDTHS = (1, 2, 4)


@dataclass(frozen=True)
class PcieInfo:
    """struct nvt_pcie_info."""
    bdf: str
    domain: int
    bus: int
    dev: int
    fn: int
    vendor_id: int
    device_id: int
    subsys_vendor_id: int
    subsys_device_id: int
    class_code: int
    config_size: int
    bar0_size: int
    minor: int
    abi_version: int
    features: int


@dataclass(frozen=True)
class PcieCap:
    """struct nvt_pcie_cap, with the capability's name (None if unknown)."""
    offset: int
    id: int
    extended: bool
    version: int
    name: str


def parse_bdf(name):
    """nvt_pcie_parse_bdf(): "01:00.0" -> "0000:01:00.0"; NvtError(EINVAL) if malformed."""
    buf = ctypes.create_string_buffer(BDF_LEN)
    call(lib.nvt_pcie_parse_bdf, name_arg(name), buf, BDF_LEN)
    return buf.value.decode()


def cap_name(cap_id, extended=False):
    """nvt_pcie_cap_name(): e.g. cap_name(0x11) == "MSI-X"; None if unknown."""
    name = lib.nvt_pcie_cap_name(uint(cap_id, 32, "cap_id"), int(bool(extended)))
    return name.decode() if name else None


class Pcie(Handle):
    """An open /dev/nvmetestN: config space and capabilities (nvt_pcie_open).

    name: "/dev/nvmetestN", "nvmetestN", "dddd:bb:dd.f" or "bb:dd.f".
    """

    def __init__(self, name):
        super().__init__(None)
        ptr = PciePtr()
        call(lib.nvt_pcie_open, name_arg(name), ctypes.byref(ptr))
        self._ptr = ptr

    @classmethod
    def _adopt(cls, ptr):
        """Wrap a pointer that already holds its own reference."""
        obj = cls.__new__(cls)
        Handle.__init__(obj, ptr)
        return obj

    @staticmethod
    def _free(ptr):
        lib.nvt_pcie_close(ptr)

    @property
    def info(self):
        """nvt_pcie_info() as a PcieInfo."""
        c = PcieInfoC()
        call(lib.nvt_pcie_info, self._handle(), ctypes.byref(c))
        fields = {f: getattr(c, f) for f, _ in PcieInfoC._fields_}
        fields["bdf"] = c.bdf.decode()
        return PcieInfo(**fields)

    @property
    def fd(self):
        """nvt_pcie_fd(): the descriptor of /dev/nvmetestN, owned by this object."""
        return call(lib.nvt_pcie_fd, self._handle())

    def cfg_read(self, offset, width):
        """nvt_pcie_cfg_read(): read @width (1, 2 or 4) bytes of config space."""
        value = ctypes.c_uint32()
        call(lib.nvt_pcie_cfg_read, self._handle(), uint(offset, 32, "offset"),
             uint(width, 32, "width"), ctypes.byref(value))
        return value.value

    def cfg_write(self, offset, width, value):
        """nvt_pcie_cfg_write(): write @value in @width (1, 2 or 4) bytes of config space."""
        call(lib.nvt_pcie_cfg_write, self._handle(), uint(offset, 32, "offset"),
             uint(width, 32, "width"), uint(value, 32, "value"))

    def caps(self):
        """nvt_pcie_caps(): every capability, standard list then extended, as PcieCap."""
        n = call(lib.nvt_pcie_caps, self._handle(), None, 0)
        arr = (PcieCapC * max(n, 1))()
        n = min(call(lib.nvt_pcie_caps, self._handle(), arr, n), n)
        return [PcieCap(c.offset, c.id, bool(c.extended), c.version, cap_name(c.id, c.extended))
                for c in arr[:n]]

    def _find(self, func, cap_id):
        try:
            return call(func, self._handle(), uint(cap_id, 16, "cap_id"))
        except NvtError as e:
            if e.errno == errno.ENOENT:
                return None
            raise

    def cap_offset(self, cap_id):
        """nvt_pcie_cap_offset(): offset of a standard capability, None if absent."""
        return self._find(lib.nvt_pcie_cap_offset, cap_id)

    def ext_cap_offset(self, ext_cap_id):
        """nvt_pcie_ext_cap_offset(): offset of an extended capability, None if absent."""
        return self._find(lib.nvt_pcie_ext_cap_offset, ext_cap_id)

    def reset(self, kind="controller"):
        """nvt_pcie_reset(): reset the function in the kernel: "controller", "nssr", "flr",
        "hot" or "link". The controller is left disabled: Controller.reset() brings it up."""
        value = ctypes.c_int()
        if not isinstance(kind, str) or lib.nvt_reset_type_parse(kind.encode(),
                                                                 ctypes.byref(value)):
            raise ValueError(f"reset kind {kind!r}: one of controller, nssr, flr, hot, link")
        call(lib.nvt_pcie_reset, self._handle(), value.value)

    def __repr__(self):
        return f"<Pcie {self.info.bdf}>" if not self.closed else "<Pcie closed>"
