# SPDX-License-Identifier: MIT
"""Pcie: pynvme's PCI function, its configuration space by bytes and registers."""
import nvmetest


class Pcie:
    """pynvme's Pcie(addr): the function at @addr ("01:00.0", "0000:01:00.0", str or
    bytes; also "nvmetestN"), bound to nvmetest.ko.

    pcie[i] reads byte i of the configuration space (pcie[a:b] a list of
    them), pcie[i] = v writes it.
    """

    def __init__(self, addr):
        if isinstance(addr, bytes):
            addr = addr.decode()
        if not isinstance(addr, str):
            raise TypeError(f"addr must be str or bytes, not {type(addr).__name__}")
        self._nvt = nvmetest.Pcie(addr)

    @classmethod
    def _adopt(cls, nvt_pcie):
        obj = cls.__new__(cls)
        obj._nvt = nvt_pcie
        return obj

    @property
    def nvt(self):
        """The nvmetest.Pcie behind this one."""
        return self._nvt

    @property
    def addr(self):
        """The function's address, "dddd:bb:dd.f"."""
        return self._nvt.info.bdf

    def close(self):
        """Release the function. Controllers made from it keep their own reference."""
        self._nvt.close()

    def __getitem__(self, index):
        if isinstance(index, slice):
            r = range(index.stop)[index]
            if r.step == 1 and r:      # one library call for the whole run of bytes
                return list(self._nvt.read(r.start, len(r)))
            return [self._nvt.cfg_read(i, 1) for i in r]
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"config space offsets are ints or slices, not "
                            f"{type(index).__name__}")
        return self._nvt.cfg_read(index, 1)

    def __setitem__(self, index, value):
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"config space offsets are ints, not {type(index).__name__}")
        self._nvt.cfg_write(index, 1, value)

    def register(self, offset, byte_count=4):
        """The little-endian value of @byte_count (1 to 8) bytes of configuration space
        from @offset (nvmetest.Pcie.read(): aligned 1, 2 and 4 byte reads are single
        accesses)."""
        if isinstance(byte_count, bool) or not isinstance(byte_count, int) \
                or not 1 <= byte_count <= 8:
            raise ValueError(f"byte_count {byte_count!r}: 1 to 8")
        return int.from_bytes(self._nvt.read(offset, byte_count), "little")

    def cap_offset(self, cap_id):
        """The offset of standard capability @cap_id, or None if the function has none."""
        return self._nvt.cap_offset(cap_id)

    @property
    def aspm(self):
        """ASPM Control of the function's Link Control: 0 off, 1 L0s, 2 L1, 3 both."""
        return self._nvt.aspm

    @aspm.setter
    def aspm(self, value):
        self._nvt.aspm = value

    @property
    def power_state(self):
        """PCI power state: 0 (D0) or 3 (D3hot)."""
        return self._nvt.power_state

    @power_state.setter
    def power_state(self, value):
        self._nvt.power_state = value

    def reset(self):
        """Hot reset (secondary bus reset of the upstream port); call
        Controller.reset() afterwards, as in pynvme."""
        self._nvt.reset("hot")

    def flr(self):
        """Function level reset; call Controller.reset() afterwards."""
        self._nvt.reset("flr")

    def __repr__(self):
        return "<Pcie closed>" if self._nvt.closed else f"<Pcie {self.addr}>"
