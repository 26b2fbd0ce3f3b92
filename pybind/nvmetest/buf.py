# SPDX-License-Identifier: MIT
"""Buffer: a DMA buffer of a controller, pynvme's Buffer (struct nvt_buf, buf.h).

    with nvmetest.Buffer(ctrl, 4096, "identify") as buf:
        ctrl.identify(buf).waitdone()
        print(buf.data(23, 4, str), buf[0:2], buf.dump(64))

Indexing reads and writes the mapped memory: buf[i] is an int, buf[a:b] bytes;
buf[a:b] = b"..." writes. The memory is the device's: read it only after the
command that fills it was reaped (waitdone()).
"""
import ctypes

from ._lib import BufPtr, lib
from .errors import call, uint
from .handle import Handle
from .pattern import PATTERN_BIT, read_field


class Buffer(Handle):
    """nvt_buf_alloc(): @size zeroed bytes (1 to 4 MiB) of DMA memory for @ctrl's commands.

    name: for messages and dumps; pvalue, ptype: a pattern to fill it with
    (pynvme's Buffer(size, name, pvalue, ptype)), by default all zero.
    The buffer keeps its controller alive (the C object): free them in any order.
    Freeing a buffer a command still uses is safe: the kernel keeps the memory
    until the command is done.
    """

    def __init__(self, ctrl, size=4096, name="buffer", pvalue=0, ptype=PATTERN_BIT):
        super().__init__(None)
        from .ctrl import Controller    # ctrl.py imports this module
        if not isinstance(ctrl, Controller):
            raise TypeError(f"ctrl must be a Controller, not {type(ctrl).__name__}")
        ptr = BufPtr()
        call(lib.nvt_buf_alloc, ctrl._handle(), uint(size, 64, "size"), ctypes.byref(ptr))
        self._ptr = ptr
        self._ctrl = ctrl
        self._size = size
        self._addr = lib.nvt_buf_data(ptr)
        if name != "buffer":
            self.name = name
        if ptype != PATTERN_BIT or pvalue:
            self.fill(ptype, pvalue)

    @staticmethod
    def _free(ptr):
        lib.nvt_buf_free(ptr)

    @property
    def ctrl(self):
        """The Controller the buffer was allocated on."""
        return self._ctrl

    @property
    def size(self):
        """nvt_buf_size(): the size asked for."""
        return lib.nvt_buf_size(self._handle())

    def __len__(self):
        return self.size

    @property
    def name(self):
        """nvt_buf_name() / nvt_buf_set_name() (at most 63 bytes kept)."""
        return lib.nvt_buf_name(self._handle()).decode(errors="replace")

    @name.setter
    def name(self, value):
        if not isinstance(value, str):
            raise TypeError(f"name must be str, not {type(value).__name__}")
        call(lib.nvt_buf_set_name, self._handle(), value.encode())

    @property
    def offset(self):
        """nvt_buf_offset() / nvt_buf_set_offset(): where commands' data starts (reaches PRP1)."""
        return lib.nvt_buf_offset(self._handle())

    @offset.setter
    def offset(self, value):
        call(lib.nvt_buf_set_offset, self._handle(), uint(value, 64, "offset"))

    @property
    def xfer_size(self):
        """nvt_buf_xfer_size() / nvt_buf_set_xfer_size(): bytes commands transfer (0: to the end)."""
        return lib.nvt_buf_xfer_size(self._handle())

    @xfer_size.setter
    def xfer_size(self, value):
        call(lib.nvt_buf_set_xfer_size, self._handle(), uint(value, 64, "xfer_size"))

    @property
    def iova(self):
        """nvt_buf_iova(): the device address of byte 0."""
        return lib.nvt_buf_iova(self._handle())

    phys_addr = iova    # pynvme's name

    @property
    def handle(self):
        """nvt_buf_handle(): the kernel's handle of the buffer."""
        return lib.nvt_buf_handle(self._handle())

    def fill(self, ptype=PATTERN_BIT, pvalue=0):
        """nvt_buf_fill(): the whole buffer with a pattern (PATTERN_BIT/DWORD/RANDOM)."""
        call(lib.nvt_buf_fill, self._handle(), uint(ptype, 32, "ptype"),
             uint(pvalue, 32, "pvalue"))

    def data(self, end, begin=None, type=int):
        """pynvme's buf.data(byte_end, byte_begin, type): a little-endian int or a str field.

        begin defaults to end (one byte). Ints up to 8 bytes come from
        nvt_buf_field(), strings from nvt_buf_str(); wider ints (e.g. 16-byte
        counters) are read from the bytes.
        """
        handle = self._handle()
        return read_field(end, begin, type, self._size,
                          lambda *a: call(lib.nvt_buf_str, handle, *a),
                          lambda *a: call(lib.nvt_buf_field, handle, *a),
                          lambda b, e: self[b:e])

    def dump(self, size=None):
        """nvt_buf_dump(): pynvme's hex dump of the first @size bytes (all by default)."""
        size = 0 if size is None else uint(size, 64, "size")
        n = call(lib.nvt_buf_dump, self._handle(), size, None, 0)
        out = ctypes.create_string_buffer(n + 1)
        call(lib.nvt_buf_dump, self._handle(), size, out, n + 1)
        return out.value.decode()

    def set_dsm_range(self, index, lba, lba_count, attr=0):
        """nvt_buf_set_dsm_range(): Dataset Management range @index (16 bytes each)."""
        call(lib.nvt_buf_set_dsm_range, self._handle(), uint(index, 32, "index"),
             uint(lba, 64, "lba"), uint(lba_count, 32, "lba_count"), uint(attr, 32, "attr"))

    def view(self):
        """A writable memoryview of the whole buffer: valid only until close()."""
        self._handle()
        return memoryview((ctypes.c_char * self._size).from_address(self._addr)).cast("B")

    def _span(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self._size)
            if step != 1:
                raise ValueError("Buffer slices take no step")
            return start, max(stop, start)
        if not isinstance(key, int) or isinstance(key, bool):
            raise TypeError(f"Buffer indices must be ints or slices, not {type(key).__name__}")
        index = key + self._size if key < 0 else key
        if not 0 <= index < self._size:
            raise IndexError(f"Buffer index {key} out of range (size {self._size})")
        return index, None

    def __getitem__(self, key):
        self._handle()
        start, stop = self._span(key)
        if stop is None:
            return ctypes.c_uint8.from_address(self._addr + start).value
        return ctypes.string_at(self._addr + start, stop - start)

    def __setitem__(self, key, value):
        self._handle()
        start, stop = self._span(key)
        if stop is None:
            ctypes.c_uint8.from_address(self._addr + start).value = uint(value, 8, "byte")
            return
        data = bytes(value)
        if len(data) != stop - start:
            raise ValueError(f"Buffer slice [{start}:{stop}] takes {stop - start} bytes, "
                             f"got {len(data)}")
        ctypes.memmove(self._addr + start, data, len(data))

    def __bytes__(self):
        return self[:]

    def __repr__(self):
        if self.closed:
            return "<Buffer closed>"
        return (f"<Buffer {self.name!r} size={self._size} offset={self.offset} "
                f"xfer_size={self.xfer_size} iova={self.iova:#x}>")
