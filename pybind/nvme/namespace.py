# SPDX-License-Identifier: MIT
"""Namespace: pynvme's namespace, its IO commands and the IOWorker."""
import warnings

import nvmetest

from .buffer import nvt_buf
from .errors import NamespaceCreationError, controller_of, created
from .ioworker import IOWorker
from .qpair import Qpair


def _qpair(qpair):
    if not isinstance(qpair, Qpair):
        raise TypeError(f"qpair must be a Qpair, not {type(qpair).__name__}")
    return qpair.nvt


class Namespace:
    """pynvme's Namespace(nvme, nsid=1, nlba_verify=0): namespace @nsid of Controller
    @nvme; nlba_verify: data verification covers only the first LBAs (0: all).

    IO commands take pynvme's arguments and return the qpair. LBAs beyond the
    namespace are sent as they are (raw, unverified) so that the device answers
    them, as in pynvme.
    """

    def __init__(self, nvme, nsid=1, nlba_verify=0):
        self._nvt = created(NamespaceCreationError, f"namespace {nsid}", nvmetest.Namespace,
                            controller_of(nvme), nsid, nlba_verify)
        self._nvme = nvme

    @property
    def nvt(self):
        """The nvmetest.Namespace behind this one (lba_size, copy, verify_reset...)."""
        return self._nvt

    def close(self):
        """Close the namespace. Idempotent."""
        self._nvt.close()

    # ---- what it is ----

    @property
    def nsid(self):
        return self._nvt.nsid

    @property
    def capacity(self):
        """Bytes of the namespace: NVMCAP, or NSZE times the LBA size when the device
        reports no NVMCAP."""
        return self._nvt.id_data(63, 48) or self._nvt.capacity * self._nvt.lba_size

    def id_data(self, byte_end, byte_begin=None, type=int):
        """A field of Identify Namespace (bytes byte_begin..byte_end, int or str), from
        the copy read at open and after format()."""
        return self._nvt.id_data(byte_end, byte_begin, type)

    def cmdname(self, opcode):
        """The name of IO command @opcode."""
        return self._nvt.cmdname(opcode)

    def supports(self, opcode):
        """Is IO command @opcode supported (Commands Supported and Effects log)."""
        return self._nvt.supports(opcode)

    def get_lba_format(self, data_size=512, meta_size=0):
        """The lowest LBA format index with these sizes, or None."""
        return self._nvt.get_lba_format(data_size, meta_size)

    def format(self, data_size=512, meta_size=0, ses=0):
        """Format NVM this namespace to the LBA format with these sizes, then read its
        Identify data again and forget the verification data. Returns cdw0 (0); a
        failed Format warns."""
        try:
            self._nvt.format(data_size, meta_size, ses)
        except nvmetest.NvmeStatusError as e:
            warnings.warn(str(e), UserWarning, stacklevel=2)
        return self._nvme.nvt.latest_cdw0

    def verify_enable(self, enable=True):
        """Switch data verification on (or off). Returns True.

        Switched on, it starts from nothing known, as a new pynvme Namespace
        does: nvmetest keeps what was written for as long as the controller
        is bound, and for every process, so this forgets it (an LBA nobody
        wrote since is read unchecked, never reported falsely)."""
        was_on = self._nvt.verify_enabled
        ret = self._nvt.verify_enable(enable)
        if enable and not was_on:
            self._nvt.verify_reset()
        return ret

    # ---- IO commands ----

    def _beyond(self, lba, lba_count):
        return (isinstance(lba, int) and isinstance(lba_count, int)
                and 1 <= lba_count <= nvmetest.IO_MAX_LBAS
                and lba + lba_count > self._nvt.capacity)

    def _lba_cmd(self, method, opcode, qpair, buf, lba, lba_count, io_flags, cb, dwords):
        """An LBA command through nvmetest's builder; beyond the namespace, raw."""
        nvq = _qpair(qpair)
        nb = nvt_buf(buf, self._nvme) if buf is not False else False
        if self._beyond(lba, lba_count):
            d13, d14, d15 = dwords
            nvq.send_cmd(opcode, nb or None, self.nsid, lba & 0xffffffff,
                         lba >> 32 & 0xffffffff, (lba_count - 1) | (io_flags or 0) << 16,
                         d13, d14, d15, cb=qpair._adapt(cb))
            return qpair
        extra = dict(zip(("cdw13", "cdw14", "cdw15"), dwords))
        args = [nvq] + ([nb] if nb is not False else []) + [lba, lba_count]
        if io_flags is not None:
            args.append(io_flags)
        method(*args, cb=qpair._adapt(cb, qpair._verify_detail), **extra)
        return qpair

    def read(self, qpair, buf, lba, lba_count=1, io_flags=0, dword13=0, dword14=0, dword15=0,
             cb=None):
        """Read (02h) into @buf from its offset; verified when verification is on."""
        return self._lba_cmd(self._nvt.read, nvmetest.IO_READ, qpair, buf, lba, lba_count,
                             io_flags, cb, (dword13, dword14, dword15))

    def write(self, qpair, buf, lba, lba_count=1, io_flags=0, dword13=0, dword14=0,
              dword15=0, cb=None):
        """Write (01h) from @buf at its offset; with verification on, each LBA of the
        buffer is stamped first (LBA number, write token)."""
        return self._lba_cmd(self._nvt.write, nvmetest.IO_WRITE, qpair, buf, lba, lba_count,
                             io_flags, cb, (dword13, dword14, dword15))

    def compare(self, qpair, buf, lba, lba_count=1, io_flags=0, cb=None):
        """Compare (05h); a mismatch warns "ERROR status: 02/85"."""
        return self._lba_cmd(self._nvt.compare, nvmetest.IO_COMPARE, qpair, buf, lba,
                             lba_count, io_flags, cb, (0, 0, 0))

    def verify(self, qpair, lba, lba_count=1, io_flags=0, cb=None):
        """Verify (0Ch): the device checks the LBAs."""
        return self._lba_cmd(self._nvt.verify, nvmetest.IO_VERIFY, qpair, False, lba,
                             lba_count, io_flags, cb, (0, 0, 0))

    def write_zeroes(self, qpair, lba, lba_count=1, io_flags=0, cb=None):
        """Write Zeroes (08h); verification forgets the LBAs."""
        return self._lba_cmd(self._nvt.write_zeroes, nvmetest.IO_WRITE_ZEROES, qpair, False,
                             lba, lba_count, io_flags, cb, (0, 0, 0))

    def write_uncorrectable(self, qpair, lba, lba_count=1, cb=None):
        """Write Uncorrectable (04h); verification marks the LBAs uncorrectable."""
        return self._lba_cmd(self._nvt.write_uncorrectable, nvmetest.IO_WRITE_UNCORRECTABLE,
                             qpair, False, lba, lba_count, None, cb, (0, 0, 0))

    def flush(self, qpair, cb=None):
        """Flush (00h)."""
        self._nvt.flush(_qpair(qpair), cb=qpair._adapt(cb))
        return qpair

    def dsm(self, qpair, buf, range_count, attribute=0x4, cb=None):
        """Dataset Management (09h) of @range_count ranges set with buf.set_dsm_range();
        attribute 4: deallocate (trim)."""
        self._nvt.dsm(_qpair(qpair), nvt_buf(buf, self._nvme), range_count, attribute,
                      cb=qpair._adapt(cb))
        return qpair

    def send_cmd(self, opcode, qpair, buf=None, nsid=1, cdw10=0, cdw11=0, cdw12=0, cdw13=0,
                 cdw14=0, cdw15=0, cb=None):
        """Any IO command, raw (no LBA check, no data verification)."""
        _qpair(qpair).send_cmd(opcode, nvt_buf(buf, self._nvme), nsid, cdw10, cdw11, cdw12,
                               cdw13, cdw14, cdw15, cb=qpair._adapt(cb))
        return qpair

    def ioworker(self, io_size=8, lba_step=None, lba_align=None, lba_random=True,
                 read_percentage=100, op_percentage=None, time=0, qdepth=64, region_start=0,
                 region_end=0xffffffffffffffff, iops=0, io_count=0, lba_start=0, qprio=0,
                 distribution=None, ptype=0xbeef, pvalue=100, io_sequence=None,
                 output_io_per_second=None, output_percentile_latency=None,
                 output_cmdlog_list=None):
        """pynvme's ioworker(...): an IO generator on its own qpair, not started; see
        IOWorker. Verified when the namespace's verification is on."""
        return IOWorker(self, io_size, lba_step, lba_align, lba_random, read_percentage,
                        op_percentage, time, qdepth, region_start, region_end, iops, io_count,
                        lba_start, qprio, distribution, ptype, pvalue, io_sequence,
                        output_io_per_second, output_percentile_latency, output_cmdlog_list)

    def __repr__(self):
        return "<Namespace closed>" if self._nvt.closed else f"<Namespace {self.nsid}>"
