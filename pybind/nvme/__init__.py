# SPDX-License-Identifier: MIT
"""nvme: pynvme's Python API over nvmetest, so pynvme scripts run on nvmetest.

    import nvme as d
    pcie = d.Pcie("01:00.0")
    nvme0 = d.Controller(pcie)
    nvme0n1 = d.Namespace(nvme0)
    qpair = d.Qpair(nvme0, 64)
    buf = d.Buffer(4096)
    nvme0.identify(buf).waitdone()
    nvme0n1.write(qpair, buf, 0, 8).waitdone()

Classes and calls keep pynvme's names, arguments and defaults; a command
the device fails warns UserWarning "ERROR status: SCT/SC" as in pynvme, a
host timeout raises TimeoutError. Every object has .nvt, the nvmetest object
behind it, for what nvmetest adds. The differences that remain are listed,
with their reasons, in DIFFERENCES.md next to this file. The pytest plugin
(fixtures nvme0, nvme0n1, qpair, buf, verify, pcie, aer, --pciaddr) is
nvme.pytest_plugin.
"""
import logging
import random

import nvmetest

from .buffer import Buffer
from .controller import Controller
from .errors import (NamespaceCreationError, NamespaceDeletionError, NvmeDeletionError,
                     NvmeEnumerateError, QpairCreationError, QpairDeletionError)
from .ioworker import IOWorker
from .namespace import Namespace
from .pcie import Pcie
from .qpair import Qpair
from .subsystem import Subsystem


def srand(seed):
    """Seed both Python's random module and the library's generator (IOWorker seeds,
    random data patterns)."""
    logging.info("setup random seed: 0x%x", seed)
    nvmetest.srand(seed)
    random.seed(seed)


__all__ = ["Buffer", "Controller", "IOWorker", "Namespace", "Pcie", "Qpair", "Subsystem", "srand",
           "NamespaceCreationError", "NamespaceDeletionError", "NvmeDeletionError",
           "NvmeEnumerateError", "QpairCreationError", "QpairDeletionError"]
