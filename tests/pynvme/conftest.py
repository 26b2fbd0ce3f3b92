# SPDX-License-Identifier: MIT
"""pynvme-style tests of the `nvme` module, run in the QEMU guest with its plugin:

    tests/vm/run -- python3 -m pytest -q tests/pynvme --pciaddr=0000:01:00.0

The tests use the `nvme` API and the plugin's fixtures only (nvme0, nvme0n1,
qpair, buf, verify, pcie, aer). The controller at 0000:01:00.0 in the guest
has 16 IO queue pairs, MDTS 128 KiB, namespace 1 of 2097152 512-byte LBAs
(file-backed, so data verification works) and namespace 2 of 4096-byte LBAs.
"""
import sys
from pathlib import Path

PYBIND = Path(__file__).resolve().parents[2] / "pybind"
sys.path.insert(0, str(PYBIND))

pytest_plugins = ["nvme.pytest_plugin"]
