# SPDX-License-Identifier: MIT
"""Objects of the nvme module freed in any order, with commands and workers still
running, never crash. The orders run one after the other in a Python process of their
own, the last one leaving everything outstanding to the interpreter's exit."""
import os
import subprocess
import sys
from pathlib import Path

PYBIND = Path(__file__).resolve().parents[2] / "pybind"

SETUP = """
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
    "everything_outstanding_at_exit": "nvme0n1.read(qpair, buf, 0, 8); nvme0.getfeatures(7); "
                                      "w = nvme0n1.ioworker(io_size=8, time=5).start()",
}
LAST = "everything_outstanding_at_exit"


def order_code(name, addr):
    """The order as a function (its objects go when it returns); the last one at the top
    level (they go at the interpreter's exit)."""
    body = SETUP.format(addr=addr) + ORDERS[name].replace("; ", "\n")
    done = f"print('DONE {name}', flush=True)\n"
    if name == LAST:
        return body + "\n" + done
    return f"def {name}():\n" + "".join(f"    {ln}\n" for ln in body.strip().splitlines()) + \
        f"{name}()\n" + done


def test_deletion_in_any_order_never_crashes(pciaddr):
    names = sorted(n for n in ORDERS if n != LAST) + [LAST]
    script = "import gc\nimport nvme as d\n" + "".join(order_code(n, pciaddr) for n in names)
    env = dict(os.environ, PYTHONPATH=str(PYBIND))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=180, env=env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert [ln.split()[1] for ln in res.stdout.splitlines() if ln.startswith("DONE")] == names
