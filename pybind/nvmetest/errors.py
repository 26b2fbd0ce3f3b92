# SPDX-License-Identifier: MIT
"""NvtError, and the checked call of a library function."""
import os
import threading

_last = threading.local()   # .msg: the library's last error in this thread


def record_error(msg):
    """Called by the log bridge for every NVT_LOG_ERR message."""
    _last.msg = msg


class NvtError(OSError):
    """A libnvmetest call failed: .errno is the errno, the message the library's."""


def call(func, *args):
    """Call a library function returning 0 / -errno; raise NvtError on failure."""
    _last.msg = None
    ret = func(*args)
    if ret < 0:
        raise NvtError(-ret, getattr(_last, "msg", None) or os.strerror(-ret))
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
