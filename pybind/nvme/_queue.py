# SPDX-License-Identifier: MIT
"""What a Controller (its admin queue) and a Qpair share: the nvmetest object
behind them, the latest command, the command log, and the count of
completions waitdone() has not counted yet."""
import contextlib
import logging

from ._cpl import Completed, adapt


class Queue:
    """Base of Controller and Qpair: self._nvt is the nvmetest object."""

    def __init__(self):
        self._nvt = None
        self._completed = Completed()
        self._waiting = False

    @contextlib.contextmanager
    def _waitdone(self, expected):
        """Around waitdone(): a second one from a completion callback gets nvmetest's
        refusal (OSError EDEADLK) instead of taking the completions the outer waits for.
        The completions reaped count as waited for, also when the wait raises (a
        timeout): the next waitdone() waits for new ones."""
        expected = check_count(expected)
        if self._waiting:
            self._nvt.waitdone(expected)        # raises: called from a callback
        self._waiting = True
        try:
            yield expected
        finally:
            self._waiting = False
            self._completed.take(min(self._completed.n, expected))

    def _adapt(self, cb, verify_detail=None):
        """The nvmetest callback of one command of this queue (see _cpl.adapt)."""
        return adapt(cb, self._completed, verify_detail)

    @property
    def nvt(self):
        """The nvmetest object behind this one (everything nvmetest adds)."""
        return self._nvt

    @property
    def latest_cid(self):
        """The CID of the latest completed command."""
        return self._nvt.latest_cid

    @property
    def latest_latency(self):
        """Microseconds of the latest completed command."""
        return self._nvt.latest_latency

    def cmdlog(self, count=0):
        """Log the latest @count commands (0: all kept) at INFO, and return them
        (nvmetest.CmdlogEntry, oldest first)."""
        entries = self._nvt.cmdlog(count)
        for e in entries:
            logging.info("%s", e)
        return entries


def check_count(expected):
    """waitdone()'s argument: a count of completions."""
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise ValueError(f"expected {expected!r}: a count, 0 or more")
    return expected
