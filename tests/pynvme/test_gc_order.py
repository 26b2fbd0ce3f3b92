# SPDX-License-Identifier: MIT
"""Objects of the nvme module freed in any order, with commands and workers still
running, never crash: each script runs in its own Python process."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PYBIND = Path(__file__).resolve().parents[2] / "pybind"

SETUP = """
import gc
import nvme as d
pcie = d.Pcie({addr!r})
nvme0 = d.Controller(pcie)
nvme0n1 = d.Namespace(nvme0)
qpair = d.Qpair(nvme0, 16)
buf = d.Buffer(4096)
nvme0n1.write(qpair, buf, 0, 8).waitdone()
"""

ORDERS = {
    "controller_first": "del nvme0; gc.collect(); del qpair; del buf; del nvme0n1; del pcie",
    "pcie_closed_first": "pcie.close(); nvme0n1.read(qpair, buf, 0, 8).waitdone(); "
                         "del nvme0; del buf; del qpair; del nvme0n1",
    "buffer_first_with_a_read_outstanding": "nvme0n1.read(qpair, buf, 0, 8); del buf; "
                                            "gc.collect(); del nvme0; del qpair",
    "everything_outstanding_at_exit": "nvme0n1.read(qpair, buf, 0, 8); "
                                      "nvme0.getfeatures(7)",
    "explicit_closes_reversed": "nvme0.close(); nvme0n1.close(); qpair.delete(); "
                                "pcie.close(); del buf",
    "qpair_deleted_with_io_outstanding": "nvme0n1.write(qpair, buf, 8, 8); qpair.delete(); "
                                         "del nvme0n1; del nvme0",
    "ioworker_running_when_all_go": "w = nvme0n1.ioworker(io_size=8, time=1).start(); "
                                    "del nvme0n1; del nvme0; del qpair; gc.collect(); "
                                    "assert w.close().io_count > 0",
    "ioworker_dropped_unclosed": "w = nvme0n1.ioworker(io_size=8, time=5).start(); "
                                 "del w; gc.collect()",
    "cycle_collected_late": "qpair.me = qpair; nvme0.me = nvme0; del qpair; del nvme0; "
                            "del nvme0n1; gc.collect()",
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_deletion_order_never_crashes(pciaddr, order):
    script = SETUP.format(addr=pciaddr) + ORDERS[order].replace("; ", "\n") + \
        "\nprint('DONE')\n"
    env = dict(os.environ, PYTHONPATH=str(PYBIND))
    res = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                         text=True, timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("DONE")
