# SPDX-License-Identifier: MIT
"""Command logs: the kernel's ring of a queue's latest commands (cmdlog.h).

    with nvmetest.Cmdlog("nvmetest0") as log:      # no init: any process may watch
        for e in log.read(5):
            print(e)

Controller.cmdlog(n) reads its admin queue's log the same way.
"""
import ctypes
from dataclasses import dataclass

from ._lib import CmdlogEntryC, CmdlogPtr, lib
from .cpl import CommandFields
from .errors import call, uint
from .handle import Handle
from .pcie import Pcie
from .status import status_from_cqe_dw3


@dataclass(frozen=True)
class CmdlogEntry(CommandFields):
    """struct nvt_cmdlog_entry, with its queue and decoded fields.

    index: the command's log index; sqe, cqe: the 16 and 4 dwords (cqe zero
    while outstanding); submit_ns, complete_ns (0 while outstanding),
    CLOCK_MONOTONIC; flags: CPL_F_TIMEOUT / CPL_F_CANCELLED; text: the
    library's one-line description (nvt_cmdlog_format()).
    """
    qid: int
    index: int
    sqe: tuple
    cqe: tuple
    submit_ns: int
    complete_ns: int
    flags: int
    text: str

    @classmethod
    def from_c(cls, c, qid):
        n = lib.nvt_cmdlog_format(ctypes.byref(c), qid, None, 0)
        buf = ctypes.create_string_buffer(max(n, 0) + 1)
        lib.nvt_cmdlog_format(ctypes.byref(c), qid, buf, len(buf))
        return cls(qid, c.index, tuple(c.sqe), tuple(c.cqe), c.submit_ns, c.complete_ns,
                   c.flags, buf.value.decode(errors="replace"))

    @property
    def cid(self):
        return self.sqe[0] >> 16

    @property
    def cdw10(self):
        return self.sqe[10]

    @property
    def outstanding(self):
        return not self.complete_ns

    @property
    def status(self):
        """SCT << 8 | SC of the CQE (None while outstanding)."""
        return None if self.outstanding else status_from_cqe_dw3(self.cqe[3])

    @property
    def cdw0(self):
        return self.cqe[0]

    @property
    def latency_us(self):
        """Microseconds from submission to completion (None while outstanding)."""
        if self.outstanding:
            return None
        return max(self.complete_ns - self.submit_ns, 0) // 1000

    def __str__(self):
        return self.text


def read_entries(func, handle, n, room, qid):
    """Call nvt_cmdlog_read()-like @func and decode what it copied."""
    arr = (CmdlogEntryC * max(room, 1))()
    count = ctypes.c_uint()
    call(func, handle, n, arr, ctypes.byref(count))
    return [CmdlogEntry.from_c(arr[i], qid) for i in range(min(count.value, room))]


class Cmdlog(Handle):
    """nvt_cmdlog_open(): the mapped command log of queue @qid of a function.

    dev: a Pcie, or a name as for Pcie(). Opening touches nothing on the
    controller: another process may be driving it.
    """

    def __init__(self, dev, qid=0):
        super().__init__(None)
        qid = uint(qid, 16, "qid")
        own = None
        if not isinstance(dev, Pcie):
            dev = own = Pcie(dev)
        try:
            ptr = CmdlogPtr()
            call(lib.nvt_cmdlog_open, dev._handle(), qid, ctypes.byref(ptr))
        finally:
            if own is not None:
                own.close()     # the log holds its own reference
        self._ptr = ptr
        self.qid = qid

    @staticmethod
    def _free(ptr):
        lib.nvt_cmdlog_close(ptr)

    @property
    def size(self):
        """nvt_cmdlog_size(): entries the ring holds."""
        return lib.nvt_cmdlog_size(self._handle())

    @property
    def count(self):
        """nvt_cmdlog_count(): commands logged so far."""
        return lib.nvt_cmdlog_count(self._handle())

    def read(self, n=0):
        """nvt_cmdlog_read(): the latest @n commands (0: the whole ring), oldest first."""
        n = uint(n, 32, "n")
        room = n if n and n <= self.size else self.size
        return read_entries(lib.nvt_cmdlog_read, self._handle(), n, room, self.qid)

    def __repr__(self):
        return "<Cmdlog closed>" if self.closed else f"<Cmdlog qid {self.qid}>"
