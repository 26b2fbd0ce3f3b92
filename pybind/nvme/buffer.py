# SPDX-License-Identifier: MIT
"""Buffer: pynvme's DMA buffer, which a script may create before any controller.

pynvme allocates every buffer from one global DMA pool, so `Buffer(4096)`
works before `Controller(...)`. In nvmetest DMA memory belongs to a
controller (its /dev/nvmetestN), so this Buffer binds lazily:

- created while a Controller is open, it takes DMA memory of the newest open
  Controller at once;
- created before any, it lives in host memory (indexing, patterns, dump(),
  set_dsm_range() all work) until its first command, which gives it DMA
  memory of that command's controller, its bytes and offset copied over;
- used by a command of another controller later, it moves: new DMA memory
  of that controller, the bytes copied, the old memory freed (the kernel
  keeps it until commands still using it complete). Do not move a buffer
  while a command of its former controller still transfers into it.

phys_addr needs DMA memory: on a buffer still in host memory it binds to
the newest open Controller, and raises RuntimeError if none is open.
"""
import weakref

import nvmetest

_controllers = []   # weak references to the nvme.Controllers, oldest first


def register_controller(ctrl):
    """A new Controller: the one buffers made from now on bind to."""
    _controllers[:] = [r for r in _controllers if r() is not None]
    _controllers.append(weakref.ref(ctrl))


def current_controller():
    """The newest Controller still open, or None."""
    for ref in reversed(_controllers):
        ctrl = ref()
        if ctrl is not None and not ctrl._nvt.closed:
            return ctrl
    return None


class Buffer:
    """pynvme's Buffer(size=4096, name="buffer", pvalue=0, ptype=0): zeroed, or
    filled with a pattern (ptype 0: pvalue 0 all 00h, else all FFh; 32: pvalue
    repeated as a dword; 0xbeef: pvalue percent random bytes).

    buf[i] is a byte, buf[a:b] bytes; buf[i] = v and buf[a:] = b"..." (or a
    list of ints: as many bytes as given, from a) write. See the module's doc
    for where the memory lives.
    """

    def __init__(self, size=4096, name="buffer", pvalue=0, ptype=0):
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"size must be an int, not {type(size).__name__}")
        if not 0 < size <= nvmetest.BUF_MAX_SIZE:
            raise ValueError(f"size {size}: 1 to {nvmetest.BUF_MAX_SIZE} bytes")
        if not isinstance(name, str):
            raise TypeError(f"name must be str, not {type(name).__name__}")
        self._size = size
        self._name = name
        self._offset = 0
        self._mem = None            # the nvmetest.Buffer once bound
        self._host = bytearray(size)
        nvmetest.pattern_fill(self._host, ptype, pvalue)
        ctrl = current_controller()
        if ctrl is not None:
            self._dma_for(ctrl)

    # ---- where the memory is ----

    def _dma_for(self, ctrl):
        """The nvmetest.Buffer holding this buffer's bytes on @ctrl (nvme.Controller)."""
        nvc = ctrl._nvt
        mem = self._mem
        if mem is not None and not mem.closed and mem.ctrl is nvc:
            return mem
        new = nvmetest.Buffer(nvc, self._size, self._name[:nvmetest.BUF_NAME_MAX] or "buffer")
        new[:] = self._bytes()
        new.offset = self._offset
        self._mem, self._host = new, None
        if mem is not None:
            mem.close()
        return new

    def _bytes(self):
        return self._mem[:] if self._mem is not None else bytes(self._host)

    @property
    def nvt(self):
        """The nvmetest.Buffer behind this one (None while in host memory)."""
        return self._mem

    # ---- pynvme's attributes ----

    @property
    def size(self):
        """Bytes of the buffer."""
        return self._size

    def __len__(self):
        return self._size

    @property
    def name(self):
        return self._name

    @property
    def offset(self):
        """Where commands' data starts in the buffer (PRP1 points there)."""
        return self._offset

    @offset.setter
    def offset(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"offset must be an int, not {type(value).__name__}")
        if not 0 <= value < self._size:
            raise ValueError(f"offset {value}: 0 to {self._size - 1}")
        if self._mem is not None:
            self._mem.offset = value
        self._offset = value

    @property
    def phys_addr(self):
        """The device address of byte `offset` (binds the buffer, see the module's doc)."""
        if self._mem is None:
            ctrl = current_controller()
            if ctrl is None:
                raise RuntimeError(f"buffer {self._name!r} has no DMA memory yet: open a "
                                   "Controller first")
            self._dma_for(ctrl)
        return self._mem.iova + self._offset

    def data(self, byte_end, byte_begin=None, type=int):
        """pynvme's data(byte_end, byte_begin=None, type=int): the little-endian integer
        (or the ASCII string, trailing blanks removed) in bytes byte_begin..byte_end."""
        begin = byte_end if byte_begin is None else byte_begin
        raw = self[begin:byte_end + 1]
        if type is int:
            return int.from_bytes(raw, "little")
        if type is str:
            return raw.decode("ascii", errors="replace").rstrip()
        raise TypeError("type must be int or str")

    def dump(self, size=None):
        """pynvme's dump(size=None): the buffer's name, then a hex dump of its first
        @size bytes (all by default)."""
        if size is None or size > self._size:
            size = self._size
        return f"{self._name}\n" + nvmetest.hexdump(self[:size])

    def set_dsm_range(self, index, lba, lba_count, attr=0):
        """Dataset Management range @index (16 bytes each): attr, lba_count, lba."""
        if self._mem is not None:
            self._mem.set_dsm_range(index, lba, lba_count, attr)
        else:
            nvmetest.dsm_range_set(self._host, index, lba, lba_count, attr)

    # ---- bytes ----

    def _index(self, index):
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"Buffer indices must be ints or slices, not {type(index).__name__}")
        i = index + self._size if index < 0 else index
        if not 0 <= i < self._size:
            raise IndexError(f"Buffer index {index} out of range (size {self._size})")
        return i

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._size)
            if step == 1:
                stop = max(stop, start)
                return (self._mem[start:stop] if self._mem is not None
                        else bytes(self._host[start:stop]))
            return self._bytes()[index]
        i = self._index(index)
        return self._mem[i] if self._mem is not None else self._host[i]

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            start, _, step = index.indices(self._size)
            if step != 1:
                raise ValueError("Buffer slices take no step")
            data = bytes(value)
            if start + len(data) > self._size:
                raise IndexError(f"{len(data)} bytes from {start} go beyond the buffer "
                                 f"(size {self._size})")
            if self._mem is not None:
                self._mem[start:start + len(data)] = data
            else:
                self._host[start:start + len(data)] = data
            return
        i = self._index(index)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            raise ValueError(f"a byte is an int 0 to 255, not {value!r}")
        if self._mem is not None:
            self._mem[i] = value
        else:
            self._host[i] = value

    def __bytes__(self):
        return self._bytes()

    def __repr__(self):
        return f"<buffer name: {self._name}>"


def nvt_buf(buf, ctrl):
    """A command's buffer argument as the nvmetest.Buffer of @ctrl (None stays None)."""
    if buf is None:
        return None
    if isinstance(buf, Buffer):
        return buf._dma_for(ctrl)
    if isinstance(buf, nvmetest.Buffer):
        return buf
    raise TypeError(f"buf must be a Buffer or None, not {type(buf).__name__}")
