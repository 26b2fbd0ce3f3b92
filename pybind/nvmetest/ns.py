# SPDX-License-Identifier: MIT
"""Namespace: a namespace of a controller and its IO commands (struct nvt_ns, ns.h
and io.h), pynvme's Namespace.

    with nvmetest.Namespace(ctrl, 1, verify=True) as ns, nvmetest.Qpair(ctrl) as qp, \\
            nvmetest.Buffer(ctrl, 4096) as buf:
        ns.write(qp, buf, 0, 8).waitdone()
        ns.read(qp, buf, 0, 8, cb=lambda cpl: print(cpl)).waitdone()

IO commands take pynvme's arguments (qpair, buf, lba, lba_count=1, io_flags=0,
cb=None), check them (LBAs outside the namespace: NvtError ERANGE) and return
the qpair. The other fields of the command (cdw2, cdw3, cdw13-15, fuse,
timeout_ms) are keyword-only. With data verification on, writes stamp and
record each LBA and reads check them against the kernel's table, shared by
every process verifying the namespace: a failed check makes waitdone() raise
NvmeStatusError 0x781 (07/81) naming the LBA and the reason.
"""
import ctypes
import errno

from ._lib import IoC, NsPtr, lib
from .buf import Buffer
from .constants import CMD_F_TIMEOUT
from .errors import NvmeStatusError, call, call_status, clear_error, error_for, uint
from .handle import Handle
from .pattern import _writable, read_field
from .qpair import Qpair, _ctrl_handle, c_property

# NVM command set I/O opcodes (NVM Command Set 1.0 Figure 18).
IO_FLUSH = 0x00
IO_WRITE = 0x01
IO_READ = 0x02
IO_WRITE_UNCORRECTABLE = 0x04
IO_COMPARE = 0x05
IO_WRITE_ZEROES = 0x08
IO_DSM = 0x09
IO_VERIFY = 0x0c
IO_COPY = 0x19

# io_flags: CDW12 bits 31:16.
IO_FLAG_LR = 1 << 15        # Limited Retry
IO_FLAG_FUA = 1 << 14       # Force Unit Access
IO_FLAG_DEAC = 1 << 9       # Write Zeroes Deallocate
IO_FLAG_STC = 1 << 8        # Storage Tag Check


def io_flag_prinfo(x):
    """IO_FLAG_PRINFO(x): PRACT and PRCHK, CDW12 bits 29:26."""
    return (x & 0xf) << 10


def io_flag_dtype(x):
    """IO_FLAG_DTYPE(x): Directive Type, CDW12 bits 23:20."""
    return (x & 0xf) << 4


# Dataset Management attributes (CDW11).
DSM_IDR = 1 << 0
DSM_IDW = 1 << 1
DSM_AD = 1 << 2             # deallocate (trim)

IO_MAX_LBAS = 65536
DSM_MAX_RANGES = 256
COPY_MAX_RANGES = 256
COPY_RANGE_SIZE = 32


def copy_range_set(mem, index, slba, nlb):
    """nvt_copy_range_set(): Copy source range entry @index (32 bytes, format 0) in a
    Buffer or a bytearray."""
    args = (uint(index, 32, "index"), uint(slba, 64, "slba"), uint(nlb, 32, "nlb"))
    if isinstance(mem, Buffer):
        call(lib.nvt_copy_range_set, lib.nvt_buf_data(mem._handle()), mem.size, *args)
        return
    arr, n = _writable(mem)
    call(lib.nvt_copy_range_set, arr, n, *args)


def _qpair_handle(qpair):
    if not isinstance(qpair, Qpair):
        raise TypeError(f"qpair must be a Qpair, not {type(qpair).__name__}")
    return qpair._handle()


def _buf_handle(buf, required):
    from .ctrl import _buf_arg
    return _buf_arg(buf, required)


_EXTRA = ("cdw2", "cdw3", "cdw13", "cdw14", "cdw15")
_KEYWORDS = frozenset(_EXTRA + ("fuse", "timeout_ms"))


class Namespace(Handle):
    """nvt_ns_open(): namespace @nsid of @ctrl (Identify Namespace, kept), pynvme's
    Namespace(nvme, nsid, nlba_verify).

    nlba_verify: verify only the first LBAs (0: the whole namespace); verify:
    switch data verification on now (verify_enable()). The namespace keeps its
    controller alive (the C object).
    """

    def __init__(self, ctrl, nsid=1, nlba_verify=0, *, verify=False):
        super().__init__(None)
        handle = _ctrl_handle(ctrl)
        ptr = NsPtr()
        clear_error()
        ret = lib.nvt_ns_open(handle, uint(nsid, 32, "nsid"), ctypes.byref(ptr))
        if ret:
            raise NvmeStatusError(ret) if ret > 0 else error_for(ret)
        self._ptr = ptr
        self._ctrl = ctrl
        if nlba_verify:
            self.verify_limit(nlba_verify)
        if verify:
            self.verify_enable(True)

    @staticmethod
    def _free(ptr):
        lib.nvt_ns_close(ptr)

    # ---- what it is ----

    @property
    def ctrl(self):
        """The Controller the namespace was opened on."""
        return self._ctrl

    nsid = c_property(lib.nvt_ns_nsid, "nvt_ns_nsid().")
    capacity = c_property(lib.nvt_ns_capacity,
                          "nvt_ns_capacity(): NSZE, the size in LBAs (pynvme's capacity in "
                          "bytes is id_data(63, 48), NVMCAP).")
    lba_size = c_property(lib.nvt_ns_lba_size,
                          "nvt_ns_lba_size(): bytes of data per LBA of the format in use.")
    meta_size = c_property(lib.nvt_ns_meta_size,
                           "nvt_ns_meta_size(): bytes of metadata per LBA of the format in use.")

    @property
    def lba_format(self):
        """nvt_ns_lba_format(): the index of the LBA format in use (FLBAS)."""
        return call(lib.nvt_ns_lba_format, self._handle())

    def id_data(self, end, begin=None, type=int):
        """pynvme's id_data(byte_end, byte_begin, type): a field of the cached Identify
        Namespace data, e.g. id_data(7, 0) (NSZE), id_data(26) (FLBAS)."""
        handle = self._handle()

        def read_str(e, b, out, outlen):
            data = self.id_copy()
            mem = ctypes.create_string_buffer(data, len(data))
            call(lib.nvt_str_field, mem, len(data), b, e, out, outlen)

        return read_field(end, begin, type, 4096, read_str,
                          lambda *a: call(lib.nvt_ns_id_data, handle, *a),
                          lambda b, e: self.id_copy()[b:e])

    def id_copy(self, length=4096):
        """nvt_ns_id_copy(): the first @length bytes of the cached Identify Namespace data."""
        out = ctypes.create_string_buffer(uint(length, 16, "length"))
        call(lib.nvt_ns_id_copy, self._handle(), out, length)
        return out.raw

    def refresh(self):
        """nvt_ns_refresh(): read Identify Namespace again (after a format made another way)."""
        call_status(lib.nvt_ns_refresh, self._handle())

    def get_lba_format(self, data_size=512, meta_size=0):
        """nvt_ns_get_lba_format(): the lowest LBA format index with these sizes, or None."""
        clear_error()
        ret = lib.nvt_ns_get_lba_format(self._handle(), uint(data_size, 32, "data_size"),
                                        uint(meta_size, 32, "meta_size"))
        if ret == -errno.ENOENT:
            return None
        if ret < 0:
            raise error_for(ret)
        return ret

    def format(self, data_size=512, meta_size=0, ses=0):
        """nvt_ns_format(): Format NVM this namespace to the LBA format with these sizes,
        then refresh() and reset the verification table. Returns 0; raises
        NvmeStatusError for the device's status, NvtError(ENOENT) for no such format."""
        return call_status(lib.nvt_ns_format, self._handle(), uint(data_size, 32, "data_size"),
                           uint(meta_size, 32, "meta_size"), uint(ses, 8, "ses"))

    def supports(self, opcode):
        """nvt_ns_supports(): is the IO command supported (Commands Supported and Effects)."""
        return bool(call(lib.nvt_ns_supports, self._handle(), uint(opcode, 32, "opcode")))

    def cmdname(self, opcode):
        """nvt_ns_cmdname(): the name of an IO command."""
        return lib.nvt_ns_cmdname(self._handle(), uint(opcode, 8, "opcode")).decode()

    # ---- data verification ----

    def verify_enable(self, enable=True):
        """nvt_ns_verify_enable(): switch data verification on (maps the kernel's table
        of the namespace) or off. Returns True."""
        call(lib.nvt_ns_verify_enable, self._handle(), bool(enable))
        return True

    @property
    def verify_enabled(self):
        """nvt_ns_verify_enabled()."""
        return bool(lib.nvt_ns_verify_enabled(self._handle()))

    def verify_limit(self, nlba):
        """nvt_ns_verify_limit(): verify only LBAs 0 .. @nlba - 1 (0: all), pynvme's
        nlba_verify. Every process must use the same limit: another one clears the table."""
        call(lib.nvt_ns_verify_limit, self._handle(), uint(nlba, 64, "nlba"))

    verify_nlba = c_property(lib.nvt_ns_verify_nlba,
                             "nvt_ns_verify_nlba(): LBAs the verification covers.")

    def verify_reset(self):
        """nvt_ns_verify_reset(): forget every LBA of the table, for every process."""
        call(lib.nvt_ns_verify_reset, self._handle())

    @property
    def verify_pages(self):
        """nvt_ns_verify_pages(): memory pages the table has now (4096 entries each)."""
        pages = ctypes.c_uint64()
        call(lib.nvt_ns_verify_pages, self._handle(), ctypes.byref(pages))
        return pages.value

    # ---- IO commands ----

    def io(self, qpair, opcode, buf=None, lba=0, lba_count=1, io_flags=0, cb=None, *, cdw2=0,
           cdw3=0, cdw13=0, cdw14=0, cdw15=0, fuse=0, timeout_ms=None):
        """nvt_ns_io(): an LBA command with every field: IO_READ, IO_WRITE, IO_COMPARE
        (with @buf), IO_WRITE_ZEROES, IO_WRITE_UNCORRECTABLE, IO_VERIFY."""
        io = IoC()
        io.opcode = uint(opcode, 8, "opcode")
        io.fuse = uint(fuse, 8, "fuse")
        io.io_flags = uint(io_flags, 16, "io_flags")
        io.lba = uint(lba, 64, "lba")
        io.lba_count = uint(lba_count, 32, "lba_count")
        for name, value in zip(_EXTRA, (cdw2, cdw3, cdw13, cdw14, cdw15)):
            setattr(io, name, uint(value, 32, name))
        if timeout_ms is not None:
            io.flags = CMD_F_TIMEOUT
            io.timeout_ms = uint(timeout_ms, 32, "timeout_ms")
        return qpair._submit(lib.nvt_ns_io, (self._handle(), _qpair_handle(qpair),
                                             _buf_handle(buf, False), ctypes.byref(io)), cb)

    def _lba_cmd(self, opcode, func, qpair, buf, lba, lba_count, io_flags, cb, extra):
        """The builder @func, or nvt_ns_io() when a keyword-only field is given.
        @buf is False for commands without data; @io_flags None for those without."""
        unknown = sorted(set(extra) - _KEYWORDS)
        if unknown:
            raise TypeError(f"unexpected keyword argument {unknown[0]!r} (the extra fields are "
                            f"{', '.join(sorted(_KEYWORDS))})")
        if any(extra.get(k) for k in _EXTRA + ("fuse",)) or extra.get("timeout_ms") is not None:
            return self.io(qpair, opcode, None if buf is False else buf, lba, lba_count,
                           io_flags or 0, cb, **extra)
        args = [self._handle(), _qpair_handle(qpair)]
        if buf is not False:
            args.append(_buf_handle(buf, True))
        args += [uint(lba, 64, "lba"), uint(lba_count, 32, "lba_count")]
        if io_flags is not None:
            args.append(uint(io_flags, 16, "io_flags"))
        return qpair._submit(func, args, cb)

    def read(self, qpair, buf, lba, lba_count=1, io_flags=0, cb=None, **extra):
        """nvt_ns_read(): Read (02h) of @lba_count LBAs into @buf at its offset; with
        verification on, the data is checked at completion.
        Keyword-only: cdw2, cdw3, cdw13, cdw14, cdw15, fuse, timeout_ms."""
        return self._lba_cmd(IO_READ, lib.nvt_ns_read, qpair, buf, lba, lba_count, io_flags,
                             cb, extra)

    def write(self, qpair, buf, lba, lba_count=1, io_flags=0, cb=None, **extra):
        """nvt_ns_write(): Write (01h) from @buf at its offset; with verification on,
        each LBA of the buffer is stamped first (the buffer changes)."""
        return self._lba_cmd(IO_WRITE, lib.nvt_ns_write, qpair, buf, lba, lba_count,
                             io_flags, cb, extra)

    def compare(self, qpair, buf, lba, lba_count=1, io_flags=0, cb=None, **extra):
        """nvt_ns_compare(): Compare (05h); a mismatch completes with 02/85."""
        return self._lba_cmd(IO_COMPARE, lib.nvt_ns_compare, qpair, buf, lba, lba_count,
                             io_flags, cb, extra)

    def write_zeroes(self, qpair, lba, lba_count=1, io_flags=0, cb=None, **extra):
        """nvt_ns_write_zeroes(): Write Zeroes (08h); verification forgets the LBAs."""
        return self._lba_cmd(IO_WRITE_ZEROES, lib.nvt_ns_write_zeroes, qpair, False, lba,
                             lba_count, io_flags, cb, extra)

    def write_uncorrectable(self, qpair, lba, lba_count=1, cb=None, **extra):
        """nvt_ns_write_uncorrectable(): Write Uncorrectable (04h); verification marks the
        LBAs uncorrectable at submission, whatever the device answers."""
        return self._lba_cmd(IO_WRITE_UNCORRECTABLE, lib.nvt_ns_write_uncorrectable, qpair,
                             False, lba, lba_count, None, cb, extra)

    def verify(self, qpair, lba, lba_count=1, io_flags=0, cb=None, **extra):
        """nvt_ns_verify(): Verify (0Ch): the device checks the LBAs, no data moves (not
        the host's data verification: that is verify_enable())."""
        return self._lba_cmd(IO_VERIFY, lib.nvt_ns_verify, qpair, False, lba, lba_count,
                             io_flags, cb, extra)

    def flush(self, qpair, cb=None):
        """nvt_ns_flush(): Flush (00h) of this namespace."""
        return qpair._submit(lib.nvt_ns_flush, (self._handle(), _qpair_handle(qpair)), cb)

    def dsm(self, qpair, buf, range_count, attribute=DSM_AD, cb=None):
        """nvt_ns_dsm(): Dataset Management (09h) of @range_count ranges written with
        buf.set_dsm_range(); by default deallocate (trim)."""
        return qpair._submit(lib.nvt_ns_dsm,
                             (self._handle(), _qpair_handle(qpair), _buf_handle(buf, True),
                              uint(range_count, 32, "range_count"),
                              uint(attribute, 32, "attribute")), cb)

    def copy(self, qpair, buf, lba, range_count=1, io_flags=0, cb=None):
        """nvt_ns_copy(): Copy (19h) of @range_count source ranges written with
        copy_range_set() to LBA @lba."""
        return qpair._submit(lib.nvt_ns_copy,
                             (self._handle(), _qpair_handle(qpair), _buf_handle(buf, True),
                              uint(lba, 64, "lba"), uint(range_count, 32, "range_count"),
                              uint(io_flags, 16, "io_flags")), cb)

    def send_cmd(self, opcode, qpair, buf=None, nsid=None, cdw10=0, cdw11=0, cdw12=0, cdw13=0,
                 cdw14=0, cdw15=0, *, cdw2=0, cdw3=0, fuse=0, timeout_ms=None, cb=None):
        """pynvme's send_cmd(opcode, qpair, buf, nsid, cdw10 .. cdw15): any IO command,
        raw (nvt_qpair_send_cmd(): no LBA check, no data verification); nsid None is
        this namespace's."""
        _qpair_handle(qpair)
        return qpair.send_cmd(opcode, buf, self.nsid if nsid is None else nsid, cdw10, cdw11,
                              cdw12, cdw13, cdw14, cdw15, cdw2=cdw2, cdw3=cdw3, fuse=fuse,
                              timeout_ms=timeout_ms, cb=cb)

    def __repr__(self):
        if self.closed:
            return "<Namespace closed>"
        return (f"<Namespace nsid {self.nsid} {self.capacity} LBAs of {self.lba_size} bytes"
                f"{', verified' if self.verify_enabled else ''}>")


__all__ = ["Namespace", "copy_range_set", "io_flag_prinfo", "io_flag_dtype", "IO_FLUSH",
           "IO_WRITE", "IO_READ", "IO_WRITE_UNCORRECTABLE", "IO_COMPARE", "IO_WRITE_ZEROES",
           "IO_DSM", "IO_VERIFY", "IO_COPY", "IO_FLAG_LR", "IO_FLAG_FUA", "IO_FLAG_DEAC",
           "IO_FLAG_STC", "DSM_IDR", "DSM_IDW", "DSM_AD", "IO_MAX_LBAS", "DSM_MAX_RANGES",
           "COPY_MAX_RANGES", "COPY_RANGE_SIZE"]
