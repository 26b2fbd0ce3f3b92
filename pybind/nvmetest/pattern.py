# SPDX-License-Identifier: MIT
"""Data patterns, random numbers, hex dumps and data structure fields (pattern.h).

These work on Python bytes-like objects and need no device; Buffer has the
same operations on DMA memory.
"""
import ctypes
import errno

from ._lib import lib
from .errors import NvtError, call, uint

PATTERN_BIT = 0         # pvalue 0: all 00h, else all FFh
PATTERN_DWORD = 32      # pvalue repeated as a little-endian 32-bit word
PATTERN_RANDOM = 0xbeef  # pvalue % of the bytes random (0-100), the rest 00h


def _writable(mem):
    """A ctypes view of a writable bytes-like object (bytearray, writable memoryview)."""
    try:
        view = memoryview(mem)
    except TypeError:
        raise TypeError(f"expected a writable bytes-like object, not {type(mem).__name__}") \
            from None
    if view.readonly:
        raise TypeError("expected a writable bytes-like object (bytearray), not read-only")
    return (ctypes.c_char * view.nbytes).from_buffer(view), view.nbytes


def _readable(data):
    """A C copy of a bytes-like object, and its length."""
    data = bytes(data)
    return ctypes.create_string_buffer(data, len(data)), len(data)


def pattern(size, ptype=PATTERN_BIT, pvalue=0):
    """nvt_pattern_fill() into new memory: @size bytes of the pattern, as bytes."""
    buf = bytearray(uint(size, 64, "size"))
    pattern_fill(buf, ptype, pvalue)
    return bytes(buf)


def pattern_fill(mem, ptype=PATTERN_BIT, pvalue=0):
    """nvt_pattern_fill(): fill a writable bytes-like object (bytearray) with a pattern."""
    arr, n = _writable(mem)
    call(lib.nvt_pattern_fill, arr, n, uint(ptype, 32, "ptype"), uint(pvalue, 32, "pvalue"))


def srand(seed):
    """nvt_srand(): seed this thread's generator (and the process seed)."""
    lib.nvt_srand(uint(seed, 64, "seed"))


def rand():
    """nvt_rand(): 64 random bits from this thread's generator."""
    return lib.nvt_rand()


def hexdump(data, base=0):
    """nvt_hexdump(): pynvme's dump of @data, offsets from @base, as text."""
    mem, n = _readable(data)
    base = uint(base, 64, "base")
    size = call(lib.nvt_hexdump, mem, n, base, None, 0)
    out = ctypes.create_string_buffer(size + 1)
    call(lib.nvt_hexdump, mem, n, base, out, size + 1)
    return out.value.decode()


def read_field(end, begin, type, size, read_str, read_int, read_bytes):
    """pynvme's data(byte_end, byte_begin, type) over one of the library's readers.

    begin defaults to end (one byte); @size is the bytes there are. Strings go
    through read_str(end, begin, out, outlen), ints of up to 8 bytes through
    read_int(end, begin, value_p); wider ints (e.g. 16-byte counters) are
    built from read_bytes(begin, end + 1).
    """
    begin = end if begin is None else begin
    uint(end, 32, "end")
    uint(begin, 32, "begin")
    if type is str:
        outlen = max(end - begin + 2, 1)
        out = ctypes.create_string_buffer(outlen)
        read_str(end, begin, out, outlen)
        return out.value.decode(errors="replace")
    if type is not int:
        raise TypeError("type must be int or str")
    if end >= begin and end - begin >= 8:
        if end >= size:
            raise NvtError(errno.ERANGE, f"bytes {begin}..{end}: beyond the {size} bytes")
        return int.from_bytes(read_bytes(begin, end + 1), "little")
    value = ctypes.c_uint64()
    read_int(end, begin, ctypes.byref(value))
    return value.value


def le_field(data, end, begin=None):
    """nvt_le_field(): the little-endian integer in bytes begin..end (pynvme's order);
    wider than 8 bytes, from the bytes themselves."""
    mem, n = _readable(data)
    return read_field(end, begin, int, n, None,
                      lambda e, b, v: call(lib.nvt_le_field, mem, n, b, e, v),
                      lambda b, e: bytes(data)[b:e])


def str_field(data, end, begin=None):
    """nvt_str_field(): the ASCII string in bytes begin..end, trailing blanks removed."""
    mem, n = _readable(data)
    return read_field(end, begin, str, n,
                      lambda e, b, out, outlen: call(lib.nvt_str_field, mem, n, b, e, out,
                                                     outlen),
                      None, None)


def dsm_range_set(mem, index, slba, nlb, attr=0):
    """nvt_dsm_range_set(): write Dataset Management range @index into a bytearray."""
    arr, n = _writable(mem)
    call(lib.nvt_dsm_range_set, arr, n, uint(index, 32, "index"), uint(slba, 64, "slba"),
         uint(nlb, 32, "nlb"), uint(attr, 32, "attr"))


__all__ = ["PATTERN_BIT", "PATTERN_DWORD", "PATTERN_RANDOM", "pattern", "pattern_fill",
           "srand", "rand", "hexdump", "le_field", "str_field", "dsm_range_set"]
