# SPDX-License-Identifier: MIT
"""Device tests of the Python binding and the nvmetest tool, run in the QEMU guest:

    tests/vm/run -- python3 -m pytest -q tests/python

The guest starts with nvmetest.ko loaded and both emulated controllers bound;
every test leaves them that way (see the `restore` fixture).
"""
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "pybind"))
TOOL = REPO / "build" / "bin" / "nvmetest"
PCI = Path("/sys/bus/pci")

QEMU_IDS = (0x1b36, 0x0010)
SERIALS = ("NVT00000000", "NVT00000001")


def nvmetest(*args):
    """Run the tool; returns the CompletedProcess (text, stdout and stderr captured)."""
    return subprocess.run([str(TOOL), *args], capture_output=True, text=True, timeout=120)


def run(*cmd):
    """Run a system command that must succeed."""
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)


def driver_of(bdf):
    link = PCI / "devices" / bdf / "driver"
    return os.path.basename(os.readlink(link)) if link.exists() else None


def module_loaded():
    return Path("/sys/module/nvmetest").exists()


def qemu_functions():
    """The BDFs of the emulated NVMe controllers, from sysfs, sorted."""
    found = []
    for dev in sorted((PCI / "devices").iterdir()):
        ids = tuple(int((dev / f).read_text(), 16) for f in ("vendor", "device"))
        if ids == QEMU_IDS:
            found.append(dev.name)
    return found


def wait_for(cond, what, timeout=20.0):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def ensure_all_bound(bdfs):
    """Back to the start state: module loaded, every controller bound to nvmetest."""
    gc.collect()    # objects of a failed test may still hold a device open
    if not module_loaded():
        run("insmod", os.environ["NVT_KMOD"])
    for bdf in bdfs:
        if driver_of(bdf) != "nvmetest":
            res = nvmetest("bind", "--force", bdf)
            assert res.returncode == 0, res.stderr
    for bdf in bdfs:
        assert driver_of(bdf) == "nvmetest"


@pytest.fixture(scope="session")
def bdfs():
    """Both controllers' BDFs; skips everything outside the test VM."""
    if not module_loaded() or not Path("/dev/nvmetest0").exists():
        pytest.skip("needs the test VM: tests/vm/run -- python3 -m pytest -q tests/python")
    found = qemu_functions()
    assert len(found) == 2, f"expected two emulated controllers, found {found}"
    return found


@pytest.fixture
def restore(bdfs):
    """For tests that unbind, rebind or unload: restores the start state afterwards."""
    yield bdfs
    ensure_all_bound(bdfs)


@pytest.fixture
def ctrl(bdfs):
    import nvmetest
    with nvmetest.Controller("nvmetest0") as c:
        yield c


@pytest.fixture
def pcie(bdfs):
    import nvmetest
    with nvmetest.Pcie("nvmetest0") as p:
        yield p
