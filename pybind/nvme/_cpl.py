# SPDX-License-Identifier: MIT
"""Completions delivered as pynvme delivers them.

A pynvme callback takes either (cdw0, status1) or one argument, the CQE as
four dwords. Every completion with an error status raises a UserWarning
"ERROR status: SCT/SC ..." after the callback ran, so that
`pytest.warns(UserWarning, match="ERROR status: 00/01")` catches it; an
AssertionError raised by a callback becomes a UserWarning "ASSERT: ...".
A host timeout gives no warning: waitdone() raises TimeoutError for it.
"""
import errno
import inspect
import logging
import warnings

from nvmetest import STATUS_VERIFY_FAILED, NvmeStatusError, NvtError, status_format
from nvmetest import errors as _nvt_errors

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _arity(cb):
    """1 or 2: how many positional arguments callback @cb takes."""
    if not callable(cb):
        raise TypeError(f"cb must be callable or None, not {type(cb).__name__}")
    try:
        params = inspect.signature(cb).parameters.values()
    except (TypeError, ValueError):     # a builtin without a signature: give both
        return 2
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return 2
    n = sum(1 for p in params if p.kind in _POSITIONAL)
    if n not in (1, 2):
        raise TypeError(f"a command callback takes (cdw0, status1) or (cqe), not {n} "
                        "arguments")
    return n


def status_warning(cpl, detail=None):
    """Warn about a completion with an error status, in pynvme's words."""
    text = status_format(cpl.status)
    if detail:
        text = f"{text}: {detail}"
    warnings.warn(text, UserWarning, stacklevel=2)


def call_user(cb, arity, cpl):
    """Run a pynvme-style callback; an AssertionError in it becomes a warning."""
    try:
        if arity == 2:
            cb(cpl.cdw0, cpl.status1)
        else:
            cb(cpl.cqe)
    except AssertionError as e:
        warnings.warn(f"ASSERT: {e}", UserWarning, stacklevel=2)


class Completed:
    """Completions of one queue that no waitdone() has counted yet.

    pynvme's waitdone(n) counts completions, whenever they were reaped; the
    library may reap one early (a verified read waiting for the LBAs a write
    still holds reaps that write), so each queue counts its own.
    """

    def __init__(self):
        self.n = 0

    def take(self, n):
        """Count @n of them as waited for."""
        self.n -= n


def adapt(cb, completed, verify_detail=None):
    """The nvmetest callback of a command whose pynvme callback is @cb (or None),
    counted in @completed (a Completed).

    verify_detail(): the library's explanation of a failed data verification
    (status 07/81), added to the warning.
    """
    arity = _arity(cb) if cb is not None else 0

    def on_completion(cpl):
        completed.n += 1
        if cb is not None:
            call_user(cb, arity, cpl)
        if cpl.status and not cpl.timed_out:
            detail = None
            if cpl.status == STATUS_VERIFY_FAILED and verify_detail is not None:
                detail = verify_detail()
            status_warning(cpl, detail)
    return on_completion


def library_message():
    """The library's latest error message in this thread, or None."""
    return getattr(_nvt_errors._last, "msg", None)


def aer_adapter(counter, cb):
    """The AER callback of a controller: count, log and warn as pynvme does, then
    run the user's callback @cb (or None). @counter() is called for each AER."""
    arity = _arity(cb) if cb is not None else 0

    def on_aer(cpl):
        if cpl.cancelled:       # dropped by a reset: no event happened
            return
        counter()
        logging.warning("AER triggered, dword0: 0x%x, status1: 0x%x", cpl.cdw0, cpl.status1)
        warnings.warn(f"AER notification is triggered: 0x{cpl.cdw0:x}", UserWarning,
                      stacklevel=2)
        if cb is not None:
            call_user(cb, arity, cpl)
        if cpl.status:
            status_warning(cpl)
    return on_aer


def reap(func, *args):
    """Run an nvmetest waitdone(): error statuses were already warned about in the
    callbacks, and commands a reset cancelled too; timeouts and the rest raise."""
    try:
        func(*args)
    except NvmeStatusError:
        pass
    except TimeoutError:
        raise
    except NvtError as e:
        if e.errno != errno.ECANCELED:
            raise
