# SPDX-License-Identifier: MIT
"""Qpair: an IO submission and completion queue pair (struct nvt_qpair, qpair.h),
pynvme's Qpair.

    with nvmetest.Qpair(ctrl, depth=64) as qp, nvmetest.Namespace(ctrl, 1) as ns:
        ns.write(qp, buf, 0, 8).waitdone()
        qp.send_cmd(nvmetest.IO_FLUSH, nsid=1).waitdone()

Commands go through Namespace (ns.py) or Qpair.send_cmd(); each returns the
qpair, so `ns.read(qp, buf, 0).waitdone()` chains. waitdone(n) reaps n
completions and runs their callbacks in the calling thread, and raises as
Controller.waitdone() does: NvmeStatusError for the first error status (a
read that failed data verification: status 0x781, its message naming the LBA
and the reason), NvtTimeoutError for a host timeout.

A qpair is single-threaded: one thread at a time may use it (its callbacks
run in that thread); different qpairs may be used by different threads.
"""
import ctypes
import errno

from . import errors
from ._lib import CmdC, QpairOptsC, QpairPtr, lib
from .cmdlog import Cmdlog, read_entries
from .constants import CMD_F_TIMEOUT, STATUS_VERIFY_FAILED
from .cpl import CALLBACK, _Dispatch
from .errors import NvmeStatusError, call, clear_error, error_for, uint
from .handle import Handle
from .pcie import Pcie

# struct nvt_qpair_opts.flags
QPAIR_OPT_NO_IEN = 1 << 0
QPAIR_OPT_VECTOR = 1 << 1
QPAIR_OPT_QID = 1 << 2
QPAIR_OPT_IRQ_WAIT = 1 << 3

# nvt_ctrl_irq_info() types (uapi.h)
IRQ_TYPE_MSIX, IRQ_TYPE_MSI, IRQ_TYPE_INTX = 1, 2, 3
IRQ_TYPE_NAMES = {IRQ_TYPE_MSIX: "MSI-X", IRQ_TYPE_MSI: "MSI", IRQ_TYPE_INTX: "INTx"}


def _ctrl_handle(ctrl):
    from .ctrl import Controller    # ctrl.py imports buf.py, which this module does not need
    if not isinstance(ctrl, Controller):
        raise TypeError(f"ctrl must be a Controller, not {type(ctrl).__name__}")
    return ctrl._handle()


def irq_info(ctrl):
    """nvt_ctrl_irq_info(): (type, vectors) the kernel set up for @ctrl's interrupts:
    IRQ_TYPE_MSIX, _MSI or _INTX, and the number of vectors (vector 0 is the admin
    queue's)."""
    kind, nr = ctypes.c_uint32(), ctypes.c_uint32()
    call(lib.nvt_ctrl_irq_info, _ctrl_handle(ctrl), ctypes.byref(kind), ctypes.byref(nr))
    return kind.value, nr.value


def c_property(func, doc):
    """A read-only property that is func(handle) of the object's library handle."""
    return property(lambda self: func(self._handle()), doc=doc)


def build_cmd(opcode, nsid=0, cdws=(), *, fuse=0, timeout_ms=None):
    """A struct nvt_cmd: @cdws maps "cdw2", "cdw3", "cdw10" .. "cdw15" to values;
    timeout_ms None keeps the queue's default host timeout."""
    cmd = CmdC()
    cmd.opcode = uint(opcode, 8, "opcode")
    cmd.fuse = uint(fuse, 8, "fuse")
    cmd.nsid = uint(nsid, 32, "nsid")
    for name, value in cdws:
        setattr(cmd, name, uint(value, 32, name))
    if timeout_ms is not None:
        cmd.flags = CMD_F_TIMEOUT
        cmd.timeout_ms = uint(timeout_ms, 32, "timeout_ms")
    return cmd


class _QpairDispatch(_Dispatch):
    """A qpair's callbacks; also keeps the library's explanation of the first read
    that failed data verification (logged just before its callback runs)."""

    def __init__(self):
        super().__init__()
        self.verify_msg = None

    def completed(self, cpl, entry):
        if (entry.counts and cpl.status == STATUS_VERIFY_FAILED
                and self.first_failed is None):
            self.verify_msg = getattr(errors._last, "msg", None)
            clear_error()
        super().completed(cpl, entry)


class Qpair(Handle):
    """nvt_qpair_create(): an IO SQ and CQ of @depth entries each (2 .. CAP.MQES + 1),
    at most depth - 1 commands outstanding, pynvme's Qpair(nvme, depth, prio, ien, iv).

    prio: the SQ's QPRIO (0 urgent .. 3 low, weighted round robin only);
    ien: CQ interrupts enabled; vector: the CQ's interrupt vector (None: the
    queue id's, the library's default); qid: the queue id (None: the lowest
    free); irq_wait: waitdone() sleeps on the interrupt instead of polling.
    The qpair keeps its controller alive (the C object).
    """

    def __init__(self, ctrl, depth=64, prio=0, ien=True, vector=None, *, qid=None,
                 irq_wait=False):
        super().__init__(None)
        handle = _ctrl_handle(ctrl)
        opts = QpairOptsC()
        opts.prio = uint(prio, 8, "prio")
        if not ien:
            opts.flags |= QPAIR_OPT_NO_IEN
        if vector is not None:
            opts.flags |= QPAIR_OPT_VECTOR
            opts.vector = uint(vector, 16, "vector")
        if qid is not None:
            opts.flags |= QPAIR_OPT_QID
            opts.qid = uint(qid, 16, "qid")
        if irq_wait:
            opts.flags |= QPAIR_OPT_IRQ_WAIT
        ptr = QpairPtr()
        clear_error()
        ret = lib.nvt_qpair_create(handle, uint(depth, 32, "depth"), ctypes.byref(opts),
                                   ctypes.byref(ptr))
        if ret:
            raise NvmeStatusError(ret) if ret > 0 else error_for(ret)
        self._ptr = ptr
        self._ctrl = ctrl
        self._dispatch = _QpairDispatch()
        self._waiting = False

    @staticmethod
    def _free(ptr):
        lib.nvt_qpair_destroy(ptr)

    def close(self):
        """nvt_qpair_destroy(): delete the queues (pynvme's delete()). Commands still
        outstanding are forgotten: their callbacks never run. Raises the device's
        status of Delete I/O SQ/CQ (NvmeStatusError) after freeing the qpair anyway;
        NvtError(EDEADLK) from one of its callbacks (then nothing is freed)."""
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if not ptr:
            return
        clear_error()
        ret = lib.nvt_qpair_destroy(ptr)
        if ret == -errno.EDEADLK:
            self._ptr = ptr
        else:
            self._dispatch.forget()
        if ret:
            raise NvmeStatusError(ret) if ret > 0 else error_for(ret)

    delete = close

    # ---- what it is ----

    @property
    def ctrl(self):
        """The Controller the qpair was created on."""
        return self._ctrl

    qid = c_property(lib.nvt_qpair_qid, "nvt_qpair_qid(): the queue id of the SQ and the CQ.")
    depth = c_property(lib.nvt_qpair_depth, "nvt_qpair_depth(): entries of each ring.")

    @property
    def vector(self):
        """nvt_qpair_vector(): the CQ's interrupt vector; None without interrupts."""
        vector = lib.nvt_qpair_vector(self._handle())
        return None if vector < 0 else vector

    outstanding = c_property(lib.nvt_qpair_outstanding,
                             "nvt_qpair_outstanding(): commands waitdone() can wait for.")
    cids_held = c_property(lib.nvt_qpair_cids_held,
                           "nvt_qpair_cids_held(): outstanding commands plus timed-out ones "
                           "the device still holds.")

    @property
    def timeout(self):
        """nvt_qpair_get_timeout() / nvt_qpair_set_timeout(): host timeout in ms (0: none)."""
        return lib.nvt_qpair_get_timeout(self._handle())

    @timeout.setter
    def timeout(self, ms):
        call(lib.nvt_qpair_set_timeout, self._handle(), uint(ms, 32, "timeout"))

    latest_cid = c_property(lib.nvt_qpair_latest_cid, "nvt_qpair_latest_cid().")
    latest_latency = c_property(lib.nvt_qpair_latest_latency,
                                "nvt_qpair_latest_latency(): microseconds.")
    latest_cdw0 = c_property(lib.nvt_qpair_latest_cdw0, "nvt_qpair_latest_cdw0().")

    # ---- commands ----

    def _submit(self, func, args, cb):
        """Call a submitting function f(*args, cb, ctx) with a callback key of this qpair."""
        key = self._dispatch.register(cb)
        try:
            call(func, *args, CALLBACK, key)
        except BaseException:
            self._dispatch.unregister(key)
            raise
        return self

    def send_cmd(self, opcode, buf=None, nsid=0, cdw10=0, cdw11=0, cdw12=0, cdw13=0, cdw14=0,
                 cdw15=0, *, cdw2=0, cdw3=0, fuse=0, timeout_ms=None, cb=None):
        """nvt_qpair_send_cmd(): any IO command, raw: no LBA check, no data verification.

        timeout_ms: this command's host timeout (0: none); None for the qpair's.
        """
        from .ctrl import _buf_arg
        cmd = build_cmd(opcode, nsid, (("cdw2", cdw2), ("cdw3", cdw3), ("cdw10", cdw10),
                                       ("cdw11", cdw11), ("cdw12", cdw12), ("cdw13", cdw13),
                                       ("cdw14", cdw14), ("cdw15", cdw15)),
                        fuse=fuse, timeout_ms=timeout_ms)
        return self._submit(lib.nvt_qpair_send_cmd,
                            (self._handle(), ctypes.byref(cmd), _buf_arg(buf)), cb)

    def waitdone(self, expected=1):
        """nvt_qpair_waitdone(): reap @expected completions and run their callbacks.

        Returns DW0 of the latest completion. Raises, after every callback ran:
        an exception a callback raised; NvtTimeoutError if a command timed out;
        NvmeStatusError for the first error status (.completion set; a failed
        data verification is 0x781 and its message names the LBA and why);
        NvtError: EDEADLK from one of its own callbacks, EINVAL for more than
        are outstanding, ESTALE after a controller reset.
        """
        handle = self._handle()
        expected = uint(expected, 32, "expected")
        clear_error()
        if self._waiting:       # from a callback: the library refuses, state untouched
            raise error_for(lib.nvt_qpair_waitdone(handle, expected))
        self._dispatch.first_failed = self._dispatch.verify_msg = None
        self._waiting = True
        try:
            ret = lib.nvt_qpair_waitdone(handle, expected)
        finally:
            self._waiting = False
        callback_errors = self._dispatch.take_errors()
        if callback_errors:
            raise callback_errors[0]
        if ret > 0:
            raise self._status_error(ret)
        if ret < 0:
            raise error_for(ret)
        return lib.nvt_qpair_latest_cdw0(handle)

    def _status_error(self, status):
        failed, msg = self._dispatch.first_failed, self._dispatch.verify_msg
        if failed is None or failed.status != status:
            failed = None
        e = NvmeStatusError(status, failed)
        if status == STATUS_VERIFY_FAILED and msg:
            e.args = (f"{e.args[0]}: {msg}",)
        e.detail = msg if status == STATUS_VERIFY_FAILED else None
        return e

    def cmdlog(self, n=0):
        """nvt_qpair_cmdlog(): the latest @n commands of the queue (0: the whole ring),
        oldest first, as CmdlogEntry."""
        handle = self._handle()
        n = uint(n, 32, "n")
        room = n
        if not n:       # the ring's size; the C controller lives while the qpair does
            pcie = Pcie._adopt(lib.nvt_pcie_ref(lib.nvt_ctrl_pcie(lib.nvt_qpair_ctrl(handle))))
            with pcie, Cmdlog(pcie, self.qid) as log:
                room = log.size
        return read_entries(lib.nvt_qpair_cmdlog, handle, n, room, self.qid)

    # ---- interrupts ----

    def msix_clear(self):
        """nvt_qpair_msix_clear(): zero the interrupt counter of the qpair's vector."""
        call(lib.nvt_qpair_msix_clear, self._handle())

    def msix_isset(self):
        """nvt_qpair_msix_isset(): has the vector fired since the last clear."""
        return bool(call(lib.nvt_qpair_msix_isset, self._handle()))

    @property
    def irq_count(self):
        """nvt_qpair_irq_count(): interrupts of the qpair's vector since the last clear."""
        count = ctypes.c_uint64()
        call(lib.nvt_qpair_irq_count, self._handle(), ctypes.byref(count))
        return count.value

    def msix_mask(self):
        """nvt_qpair_msix_mask(): mask the vector (the device keeps it pending)."""
        call(lib.nvt_qpair_msix_mask, self._handle())

    def msix_unmask(self):
        """nvt_qpair_msix_unmask(): unmask the vector (a pending interrupt is delivered)."""
        call(lib.nvt_qpair_msix_unmask, self._handle())

    def wait_irq(self, timeout_ms=1000):
        """nvt_qpair_wait_irq(): sleep until the vector has fired (at once if its counter
        is not 0). True if it fired, False after @timeout_ms without an interrupt."""
        timeout_ms = uint(timeout_ms, 32, "timeout_ms")
        clear_error()
        ret = lib.nvt_qpair_wait_irq(self._handle(), timeout_ms)
        if ret == -errno.ETIMEDOUT:
            return False
        if ret < 0:
            raise error_for(ret)
        return True

    def __repr__(self):
        if self.closed:
            return "<Qpair closed>"
        return f"<Qpair qid {self.qid} depth {self.depth} vector {self.vector}>"


__all__ = ["Qpair", "irq_info", "QPAIR_OPT_NO_IEN", "QPAIR_OPT_VECTOR",
           "QPAIR_OPT_QID", "QPAIR_OPT_IRQ_WAIT", "IRQ_TYPE_MSIX", "IRQ_TYPE_MSI",
           "IRQ_TYPE_INTX", "IRQ_TYPE_NAMES"]
