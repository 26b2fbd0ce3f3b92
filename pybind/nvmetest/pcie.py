# SPDX-License-Identifier: MIT
"""Pcie: a PCI function bound to nvmetest.ko (struct nvt_pcie)."""
import ctypes
import errno
from dataclasses import dataclass

from ._lib import BDF_LEN, PcieCapC, PcieInfoC, PcieLinkC, PciePtr, lib
from .errors import NvtError, call, name_arg, uint
from .handle import Handle

CONFIG_WIDTHS = (1, 2, 4)
ASPM_DISABLED, ASPM_L0S, ASPM_L1, ASPM_L0S_L1 = 0, 1, 2, 3
D0, D1, D2, D3HOT = 0, 1, 2, 3


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


@dataclass(frozen=True)
class PcieLink:
    """struct nvt_pcie_link: speeds as codes (1 = 2.5 GT/s ... 6 = 64 GT/s) and names."""
    speed: int
    width: int
    max_speed: int
    max_width: int

    @property
    def speed_name(self):
        """nvt_pcie_link_speed_name() of the current speed, e.g. "8 GT/s"."""
        return link_speed_name(self.speed)

    @property
    def max_speed_name(self):
        """nvt_pcie_link_speed_name() of the maximum speed."""
        return link_speed_name(self.max_speed)


def link_speed_name(speed):
    """nvt_pcie_link_speed_name(): 3 -> "8 GT/s"; None if unknown."""
    name = lib.nvt_pcie_link_speed_name(uint(speed, 32, "speed"))
    return name.decode() if name else None


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

    def _range(self, key):
        """(offset, length) of an index or a slice of config space (IndexError if outside)."""
        size = self.info.config_size
        if isinstance(key, slice):
            start, stop, step = key.indices(size)
            if step != 1:
                raise ValueError("config space slices take no step")
            return start, max(stop - start, 0)
        if not isinstance(key, int) or isinstance(key, bool):
            raise TypeError(f"config space index must be an int or a slice, not "
                            f"{type(key).__name__}")
        offset = key + size if key < 0 else key
        if not 0 <= offset < size:
            raise IndexError(f"config space offset {key} is outside 0..{size - 1}")
        return offset, 1

    def read(self, offset, length):
        """nvt_pcie_read(): @length bytes of config space from @offset, any alignment."""
        buf = ctypes.create_string_buffer(uint(length, 32, "length"))
        call(lib.nvt_pcie_read, self._handle(), uint(offset, 32, "offset"), buf, length)
        return buf.raw

    def write(self, offset, data):
        """nvt_pcie_write(): write the bytes @data at @offset of config space."""
        data = bytes(data)
        call(lib.nvt_pcie_write, self._handle(), uint(offset, 32, "offset"), data, len(data))

    def __getitem__(self, key):
        """pcie[i] -> the byte at offset i (an int); pcie[a:b] -> bytes a to b - 1."""
        offset, length = self._range(key)
        data = self.read(offset, length)
        return data if isinstance(key, slice) else data[0]

    def __setitem__(self, key, value):
        """pcie[i] = byte; pcie[a:b] = bytes of exactly b - a bytes."""
        offset, length = self._range(key)
        if isinstance(key, slice):
            value = bytes(value)
            if len(value) != length:
                raise ValueError(f"{len(value)} bytes do not fill the {length}-byte slice")
        else:
            value = bytes([uint(value, 8, "byte")])
        self.write(offset, value)

    def __len__(self):
        """The config space size: pcie[len(pcie) - 1] is its last byte."""
        return self.info.config_size

    def __bool__(self):
        """Always true, open or closed (len() would ask the device)."""
        return True

    def register(self, offset, size):
        """nvt_pcie_register_read(): the little-endian value of @size (1, 2, 4, 8) bytes."""
        value = ctypes.c_uint64()
        call(lib.nvt_pcie_register_read, self._handle(), uint(offset, 32, "offset"),
             uint(size, 32, "size"), ctypes.byref(value))
        return value.value

    def write_register(self, offset, size, value):
        """nvt_pcie_register_write(): write @value as @size (1, 2, 4, 8) bytes."""
        call(lib.nvt_pcie_register_write, self._handle(), uint(offset, 32, "offset"),
             uint(size, 32, "size"), uint(value, 64, "value"))

    def _aspm(self):
        aspm, supported = ctypes.c_uint(), ctypes.c_uint()
        call(lib.nvt_pcie_aspm, self._handle(), ctypes.byref(aspm), ctypes.byref(supported))
        return aspm.value, supported.value

    @property
    def aspm(self):
        """ASPM Control of Link Control (ASPM_*); set it with `pcie.aspm = ASPM_L1`."""
        return self._aspm()[0]

    @aspm.setter
    def aspm(self, value):
        call(lib.nvt_pcie_set_aspm, self._handle(), uint(value, 32, "aspm"))

    @property
    def aspm_supported(self):
        """ASPM Support of Link Capabilities (bit 0 L0s, bit 1 L1)."""
        return self._aspm()[1]

    @property
    def power_state(self):
        """The PCI power state (D0 .. D3HOT); set it with `pcie.power_state = D3HOT`
        (nvt_pcie_set_power_state(): the config header is restored after D3hot -> D0)."""
        state = ctypes.c_uint()
        call(lib.nvt_pcie_power_state, self._handle(), ctypes.byref(state))
        return state.value

    @power_state.setter
    def power_state(self, value):
        call(lib.nvt_pcie_set_power_state, self._handle(), uint(value, 32, "power state"))

    @property
    def link(self):
        """nvt_pcie_link() as a PcieLink."""
        c = PcieLinkC()
        call(lib.nvt_pcie_link, self._handle(), ctypes.byref(c))
        return PcieLink(c.speed, c.width, c.max_speed, c.max_width)

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
