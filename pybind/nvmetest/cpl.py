# SPDX-License-Identifier: MIT
"""Completion: a completed command as callbacks see it (struct nvt_cpl), and the
dispatch of the library's callbacks to Python callables.

The library calls one C function pointer (a CFUNCTYPE made once, alive for the
whole process) with an integer key as context; the key maps to the callable.
So no CFUNCTYPE object can be collected while the library may still call it,
and an exception raised in a callback is kept and raised again by the
waitdone() that ran it, instead of being printed and lost by ctypes.
"""
import itertools
import threading
from dataclasses import dataclass

from ._lib import CB_FN
from .constants import CPL_F_CANCELLED, CPL_F_TIMEOUT
from .status import admin_cmdname, io_cmdname, status_format


class CommandFields:
    """What a Completion and a CmdlogEntry both tell from their .sqe, .flags and .qid."""

    @property
    def opcode(self):
        return self.sqe[0] & 0xff

    @property
    def nsid(self):
        return self.sqe[1]

    @property
    def cmdname(self):
        return io_cmdname(self.opcode) if self.qid else admin_cmdname(self.opcode)

    @property
    def timed_out(self):
        """The host gave up waiting: the CQE was made up (status 07/FF)."""
        return bool(self.flags & CPL_F_TIMEOUT)

    @property
    def cancelled(self):
        """The queue was set up again (a reset): the CQE was made up (status 07/FE)."""
        return bool(self.flags & CPL_F_CANCELLED)


@dataclass(frozen=True)
class Completion(CommandFields):
    """struct nvt_cpl.

    cdw0: completion dword 0; status: SCT << 8 | SC (0: success); cid, qid;
    flags: CPL_F_TIMEOUT / CPL_F_CANCELLED (a CQE made up by the host);
    cqe: DW0..DW3; sqe: the 16 dwords as sent (CID filled in, PRPs not);
    latency_us; submit_ns, complete_ns (CLOCK_MONOTONIC).
    """
    cdw0: int
    status: int
    cid: int
    qid: int
    flags: int
    cqe: tuple
    sqe: tuple
    latency_us: int
    submit_ns: int
    complete_ns: int

    @classmethod
    def from_c(cls, c):
        return cls(c.cdw0, c.status, c.cid, c.qid, c.flags, tuple(c.cqe), tuple(c.sqe),
                   c.latency_us, c.submit_ns, c.complete_ns)

    @property
    def sct(self):
        return self.status >> 8 & 0x7

    @property
    def sc(self):
        return self.status & 0xff

    @property
    def status1(self):
        """pynvme's status1: CQE DW3 bits 31:16 (status field and phase tag)."""
        return self.cqe[3] >> 16

    @property
    def dnr(self):
        return self.cqe[3] >> 31 & 1

    @property
    def more(self):
        return self.cqe[3] >> 30 & 1

    @property
    def crd(self):
        return self.cqe[3] >> 28 & 0x3

    @property
    def latency(self):
        """Microseconds from doorbell to completion (latency_us)."""
        return self.latency_us

    @property
    def ok(self):
        return self.status == 0

    def __str__(self):
        status = "success" if not self.status else status_format(self.status)
        return (f"{self.cmdname} (opcode {self.opcode:#04x}) cid {self.cid}: {status}, "
                f"cdw0 {self.cdw0:#010x}, {self.latency_us} us")


class _Entry:
    __slots__ = ("owner", "fn", "persistent", "counts")

    def __init__(self, owner, fn, persistent, counts):
        self.owner = owner          # the controller's _Dispatch
        self.fn = fn                # the Python callable, or None
        self.persistent = persistent  # the AER callback: stays registered
        self.counts = counts        # a command waitdone() counts (its status matters)


_entries = {}
_keys = itertools.count(1)
_lock = threading.Lock()


def _trampoline(ctx, cpl_p):
    """The one nvt_cb of the binding: never lets an exception into ctypes."""
    try:
        with _lock:
            entry = _entries.get(ctx)
            if entry is not None and not entry.persistent:
                del _entries[ctx]
                entry.owner.keys.discard(ctx)
        if entry is None:
            return
        cpl = Completion.from_c(cpl_p.contents)
        entry.owner.completed(cpl, entry)
    except BaseException as e:   # noqa: B902 - kept, raised again by waitdone()
        try:
            entry.owner.errors.append(e)
        except Exception:
            pass


CALLBACK = CB_FN(_trampoline)   # alive for the process: the library may call it any time


class _Dispatch:
    """The callback state of one controller."""

    def __init__(self):
        self.errors = []            # exceptions raised by callbacks, oldest first
        self.first_failed = None    # the first counted completion with an error status
        self.keys = set()
        self.aer_key = None

    def register(self, fn, persistent=False, counts=True):
        """A context key for the library; the callable runs when it completes."""
        if fn is not None and not callable(fn):
            raise TypeError(f"cb must be callable or None, not {type(fn).__name__}")
        with _lock:
            key = next(_keys)
            _entries[key] = _Entry(self, fn, persistent, counts)
            self.keys.add(key)
        return key

    def unregister(self, key):
        """The command was not submitted after all (or the AER callback changes)."""
        with _lock:
            _entries.pop(key, None)
            self.keys.discard(key)

    def completed(self, cpl, entry):
        if entry.counts and cpl.status and self.first_failed is None:
            self.first_failed = cpl
        if entry.fn is not None:
            entry.fn(cpl)

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def forget(self):
        """The controller is closed: its commands will never call back."""
        with _lock:
            for key in self.keys:
                _entries.pop(key, None)
            self.keys.clear()
