# SPDX-License-Identifier: MIT
"""Interrupts of IO queues: MSI-X vectors counted per vector by the kernel, masking,
queues without interrupts, and waiting for an interrupt instead of polling."""
import errno
import time

import pytest

import nvmetest
from io_helpers import NS1_LBA_SIZE, QUEUES0
from io_helpers import ns1  # noqa: F401  fixture


def io(ns, qp, buf, n=4):
    for lba in range(n):
        ns.write(qp, buf, lba)
    qp.waitdone(n)


def test_controller_has_an_msix_vector_per_queue(ctrl):
    kind, vectors = nvmetest.irq_info(ctrl)
    assert kind == nvmetest.IRQ_TYPE_MSIX and nvmetest.IRQ_TYPE_NAMES[kind] == "MSI-X"
    assert vectors >= QUEUES0 + 1


def test_interrupts_are_counted_per_vector(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 16) as qp1, nvmetest.Qpair(ctrl, 16) as qp2, \
            nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        assert (qp1.vector, qp2.vector) == (qp1.qid, qp2.qid)
        qp1.msix_clear()
        qp2.msix_clear()
        assert not qp1.msix_isset() and qp1.irq_count == 0
        io(ns1, qp1, buf)
        assert qp1.wait_irq(2000)
        assert qp1.msix_isset() and qp1.irq_count >= 1
        assert not qp2.msix_isset() and qp2.irq_count == 0
        io(ns1, qp2, buf)
        assert qp2.wait_irq(2000) and qp2.irq_count >= 1
        qp1.msix_clear()
        assert not qp1.msix_isset() and qp1.irq_count == 0


def test_masked_vector_counts_nothing_and_io_still_completes_by_polling(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 16) as qp, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        qp.msix_clear()
        qp.msix_mask()
        try:
            io(ns1, qp, buf, 8)                 # completes: waitdone polls the CQ
            assert not qp.wait_irq(300)
            assert qp.irq_count == 0 and not qp.msix_isset()
        finally:
            qp.msix_unmask()
        assert qp.wait_irq(2000)                # the pending interrupt arrives on unmask
        assert qp.irq_count >= 1
        qp.msix_clear()
        io(ns1, qp, buf)
        assert qp.wait_irq(2000)


def test_qpair_without_interrupts_completes_by_polling(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 16, ien=False) as qp, nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        assert qp.vector is None
        io(ns1, qp, buf)
        for call in (qp.msix_clear, qp.msix_isset, qp.msix_mask, lambda: qp.irq_count,
                     lambda: qp.wait_irq(10)):
            with pytest.raises(nvmetest.NvtError) as e:
                call()
            assert e.value.errno == errno.EINVAL
            assert "without interrupts" in str(e.value)


def test_qpairs_on_one_vector_share_its_counter(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 16, vector=5) as qa, nvmetest.Qpair(ctrl, 16, vector=5) as qb, \
            nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        assert qa.vector == qb.vector == 5 and qa.qid != 5
        qa.msix_clear()
        io(ns1, qb, buf)
        assert qa.wait_irq(2000) and qa.irq_count == qb.irq_count >= 1


def test_wait_irq_times_out_without_io(ctrl):
    with nvmetest.Qpair(ctrl, 16) as qp:
        qp.msix_clear()
        start = time.monotonic()
        assert qp.wait_irq(200) is False
        assert time.monotonic() - start >= 0.18
        assert qp.wait_irq(0) is False


def test_irq_wait_qpair_sleeps_on_the_interrupt(ctrl, ns1):
    with nvmetest.Qpair(ctrl, 64, irq_wait=True) as qp, \
            nvmetest.Buffer(ctrl, NS1_LBA_SIZE) as buf:
        qp.msix_clear()
        for _ in range(5):
            io(ns1, qp, buf, 32)
        assert qp.irq_count >= 1 and qp.outstanding == 0
