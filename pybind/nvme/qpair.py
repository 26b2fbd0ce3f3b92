# SPDX-License-Identifier: MIT
"""Qpair: pynvme's IO submission and completion queue pair."""
import nvmetest

from ._cpl import library_message, reap
from ._queue import Queue
from .errors import QpairCreationError, QpairDeletionError, controller_of, created


class Qpair(Queue):
    """pynvme's Qpair(nvme, depth, prio=0, ien=True, iv=None): an IO SQ and CQ of
    @depth entries (2 .. CAP.MQES + 1) on Controller @nvme; prio: the SQ's
    priority (weighted round robin); ien: CQ interrupts on; iv: the CQ's
    interrupt vector (None: the queue id's).

    IO commands are Namespace methods that return the qpair, so
    `nvme0n1.write(qpair, buf, 0).waitdone()` chains.
    """

    def __init__(self, nvme, depth, prio=0, ien=True, iv=None):
        super().__init__()
        self._nvt = created(QpairCreationError, "qpair create fail", nvmetest.Qpair,
                            controller_of(nvme), depth, prio, ien, iv)
        self._nvme = nvme

    @property
    def sqid(self):
        """The queue id of the SQ (and its CQ)."""
        return self._nvt.qid

    def _verify_detail(self):
        """The library's explanation of the latest failed data verification."""
        return library_message() or self._nvt._dispatch.verify_msg

    def waitdone(self, expected=1):
        """Reap @expected completions of the qpair and run their callbacks, commands
        that callbacks send included. Returns cdw0 of the latest.

        A failed command warns (UserWarning "ERROR status: ..."; a read that
        failed data verification "ERROR status: 07/81 ..." naming the LBA);
        TimeoutError for a host timeout; RuntimeError when fewer commands are
        outstanding than expected. Not from a callback.
        """
        nvq, done = self._nvt, self._completed
        with self._waitdone(expected) as expected:
            while done.n < expected:
                n = min(expected - done.n, nvq.outstanding)
                if not n:
                    raise RuntimeError(f"qpair {self.sqid}: waitdone({expected}) but only "
                                       f"{done.n} command(s) completed or outstanding")
                reap(nvq.waitdone, n)
        return nvq.latest_cdw0

    def msix_clear(self):
        """Zero the interrupt counter of the qpair's vector."""
        self._nvt.msix_clear()

    def msix_isset(self):
        """Has the qpair's vector fired since msix_clear()."""
        return self._nvt.msix_isset()

    def msix_mask(self):
        """Mask the qpair's MSI-X vector."""
        self._nvt.msix_mask()

    def msix_unmask(self):
        """Unmask the qpair's MSI-X vector (a pending interrupt is delivered)."""
        self._nvt.msix_unmask()

    def delete(self):
        """Delete the SQ and the CQ; outstanding commands are forgotten. Idempotent."""
        try:
            self._nvt.close()
        except (nvmetest.NvtError, nvmetest.NvmeStatusError) as e:
            raise QpairDeletionError(f"qpair delete fail: {e}") from e

    close = delete

    def __repr__(self):
        return "<qpair: deleted>" if self._nvt.closed else f"<qpair: {self.sqid}>"
