# SPDX-License-Identifier: MIT
"""Events of nvmetest.ko, from its netlink "events" group (events.h).

    with nvmetest.Events() as ev:
        ...
        e = ev.next(timeout=5)      # an Event, or None after 5 s
        if e and e.type == nvmetest.EVENT_AER:
            print(e.cdw0, e)

Only events published after Events() are seen; no device needs to be open.
"""
import ctypes
import errno
from dataclasses import dataclass

from ._lib import EventC, EventsPtr, lib
from .constants import (EVENT_HAS_CDW0, EVENT_HAS_CID, EVENT_HAS_OPCODE,
                        EVENT_HAS_PCI_STATE, EVENT_HAS_QID, EVENT_HAS_RESET_TYPE,
                        EVENT_HAS_STATUS)
from .errors import call, error_for
from .handle import Handle


def event_name(event_type):
    """nvt_event_name(): "aer", "fatal", "timeout", "reset", "removed" or "unknown"."""
    return lib.nvt_event_name(event_type).decode()


@dataclass(frozen=True)
class Event:
    """struct nvt_event; fields the event does not carry are None."""
    type: int
    minor: int
    bdf: str
    present: int
    cdw0: object
    status: object
    opcode: object
    cid: object
    qid: object
    reset_type: object
    pci_state: object
    text: str

    @classmethod
    def from_c(cls, c):
        n = lib.nvt_event_format(ctypes.byref(c), None, 0)
        buf = ctypes.create_string_buffer(max(n, 0) + 1)
        lib.nvt_event_format(ctypes.byref(c), buf, len(buf))

        def opt(bit, value):
            return value if c.present & bit else None
        return cls(c.type, c.minor, c.bdf.decode(), c.present, opt(EVENT_HAS_CDW0, c.cdw0),
                   opt(EVENT_HAS_STATUS, c.status), opt(EVENT_HAS_OPCODE, c.opcode),
                   opt(EVENT_HAS_CID, c.cid), opt(EVENT_HAS_QID, c.qid),
                   opt(EVENT_HAS_RESET_TYPE, c.reset_type), opt(EVENT_HAS_PCI_STATE, c.pci_state),
                   buf.value.decode(errors="replace"))

    @property
    def name(self):
        return event_name(self.type)

    @property
    def dev(self):
        return f"/dev/nvmetest{self.minor}"

    def __str__(self):
        return self.text


class Events(Handle):
    """nvt_events_open(): a subscription to the events of every bound controller."""

    def __init__(self):
        super().__init__(None)
        ptr = EventsPtr()
        call(lib.nvt_events_open, ctypes.byref(ptr))
        self._ptr = ptr

    @staticmethod
    def _free(ptr):
        lib.nvt_events_close(ptr)

    def fileno(self):
        """nvt_events_fd(): the netlink socket, for select()/poll()."""
        return call(lib.nvt_events_fd, self._handle())

    def next(self, timeout=None):
        """nvt_events_next(): the next Event; None if none came within @timeout seconds.

        timeout None waits for ever, 0 does not wait. Raises NvtError with
        ENOBUFS when events were lost (the next call goes on with newer ones).
        """
        if timeout is None:
            ms = -1
        else:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
                raise TypeError(f"timeout must be a number of seconds or None, not "
                                f"{type(timeout).__name__}")
            if timeout < 0:
                raise ValueError("timeout must not be negative")
            ms = min(int(timeout * 1000 + 0.999), 2 ** 31 - 1)
        c = EventC()
        while True:
            ret = lib.nvt_events_next(self._handle(), ctypes.byref(c), ms)
            if ret == -errno.EINTR:
                continue
            if ret == -errno.ETIMEDOUT:
                return None
            if ret < 0:
                raise error_for(ret)
            return Event.from_c(c)

    def __iter__(self):
        """Events as they come, waiting for ever."""
        while True:
            yield self.next()

    def __repr__(self):
        return "<Events closed>" if self.closed else "<Events>"
