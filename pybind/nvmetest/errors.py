# SPDX-License-Identifier: MIT
"""The exceptions, and the checked call of a library function.

A library call returns 0, a negative errno or (commands) a positive NVMe
status SCT << 8 | SC:

  -errno        NvtError, an OSError with .errno and the library's message;
  -ETIMEDOUT    NvtTimeoutError, also a TimeoutError (a host timeout);
  status > 0    NvmeStatusError, with .status .sct .sc (and .cqe when known),
                whose message is pynvme's "ERROR status: 00/01 Invalid Command Opcode".
"""
import errno as _errno
import os
import threading

_last = threading.local()   # .msg: the library's last error in this thread


def record_error(msg):
    """Called by the log bridge for every NVT_LOG_ERR message."""
    _last.msg = msg


class NvtError(OSError):
    """A libnvmetest call failed: .errno is the errno, the message the library's."""


class NvtTimeoutError(NvtError, TimeoutError):
    """A host timeout (-ETIMEDOUT): a command did not complete in time."""


class NvmeStatusError(Exception):
    """The device completed a command with an error status.

    .status is SCT << 8 | SC, .sct and .sc its parts, .cqe the completion
    queue entry (DW0..DW3) when known (else None), .completion the whole
    Completion when known. str() is pynvme's "ERROR status: 00/01 Invalid Command Opcode".
    """

    def __init__(self, status, completion=None):
        from .status import status_format   # status.py imports this module
        self.status = status
        self.sct = status >> 8 & 0x7
        self.sc = status & 0xff
        self.completion = completion
        self.cqe = completion.cqe if completion is not None else None
        super().__init__(status_format(status))

    @property
    def dnr(self):
        """Do Not Retry, from the CQE (None when the CQE is not known)."""
        return None if self.cqe is None else self.cqe[3] >> 31 & 1


def clear_error():
    """Forget the library's last message: a call whose failure it explains follows."""
    _last.msg = None


def error_for(ret, msg=None):
    """The exception for a negative return value."""
    err = -ret
    text = msg or getattr(_last, "msg", None) or os.strerror(err)
    cls = NvtTimeoutError if err == _errno.ETIMEDOUT else NvtError
    return cls(err, text)


def call(func, *args):
    """Call a library function returning 0 (or a count) / -errno; raise NvtError on failure."""
    _last.msg = None
    ret = func(*args)
    if ret < 0:
        raise error_for(ret)
    return ret


def call_status(func, *args):
    """Call a library function returning 0 / -errno / a positive NVMe status."""
    _last.msg = None
    ret = func(*args)
    if ret < 0:
        raise error_for(ret)
    if ret > 0:
        raise NvmeStatusError(ret)
    return ret


def uint(value, bits, what):
    """Check an integer argument: TypeError if not an int, ValueError if out of range."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value < 1 << bits:
        raise ValueError(f"{what} {value:#x} is out of range (0 to {(1 << bits) - 1:#x})")
    return value


def name_arg(name):
    """A device name (str, bytes or os.PathLike) as bytes for C."""
    if isinstance(name, os.PathLike):
        name = os.fspath(name)
    if isinstance(name, str):
        return name.encode()
    if isinstance(name, bytes):
        return name
    raise TypeError(f"device name must be str, bytes or a path, not {type(name).__name__}")
