# SPDX-License-Identifier: MIT
"""pytest plugin: pynvme's fixtures and --pciaddr, loaded by pytest through the
`pytest11` entry point that `make install` writes (or with `-p nvme.pytest_plugin`).

    python3 -m pytest --pciaddr=0000:01:00.0 my_test.py

    def test_identify(nvme0, buf):
        nvme0.identify(buf).waitdone()
        assert buf.data(1, 0) == nvme0.id_data(1, 0)

Fixtures: pciaddr (session: --pciaddr, or the first controller bound to
nvmetest), pcie, nvme0, nvme0n1, subsystem, qpair (depth 64), buf (session: a 4 KiB
Buffer, see nvme.buffer for how it follows the controllers), verify
(data verification of nvme0n1 on), aer (a function registering an AER
callback). Every test gets a random seed (--nvme-seed to choose it), logged
and passed to nvme.srand(); it is also the test's user property "seed".
Disable the plugin with `-p no:nvmetest`, e.g. next to pynvme's own conftest.py.
"""
import logging
import time

import pytest

import nvmetest

import nvme as d

LOG_FORMAT = "[%(asctime)s.%(msecs)03d] %(levelname)s %(funcName)s(%(lineno)d): %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def pytest_addoption(parser):
    group = parser.getgroup("nvme", "NVMe device under test (nvmetest)")
    group.addoption("--pciaddr", action="store", default="",
                    help="PCI address (BDF) of the device under test, e.g. 0000:01:00.0 "
                    "(default: the first controller bound to nvmetest)")
    group.addoption("--nvme-seed", action="store", default=None, type=lambda s: int(s, 0),
                    help="the random seed of every test (default: one from the clock, "
                    "logged)")


def pytest_configure(config):
    """pynvme's log format, unless the command line or an ini file chose one."""
    for name, value in (("log_format", LOG_FORMAT), ("log_date_format", LOG_DATE_FORMAT),
                        ("log_cli_format", LOG_FORMAT),
                        ("log_cli_date_format", LOG_DATE_FORMAT)):
        if config.getoption(name, None) is None and name not in config.inicfg:
            setattr(config.option, name, value)


@pytest.fixture(autouse=True)
def script(request):
    """Every test: a random seed, logged and recorded, and the test's duration."""
    seed = request.config.getoption("--nvme-seed")
    if seed is None:
        seed = int(time.time() * 1000000) & 0xffffffff
    request.node.user_properties.append(("seed", seed))
    logging.info("random seed of %s: 0x%x (--nvme-seed=0x%x repeats it)", request.node.nodeid,
                 seed, seed)
    d.srand(seed)
    start = time.monotonic()
    yield
    logging.info("test duration: %.3f sec", time.monotonic() - start)


@pytest.fixture(scope="session")
def pciaddr(request):
    """--pciaddr, or the address of the first controller bound to nvmetest."""
    addr = request.config.getoption("--pciaddr")
    if addr:
        return addr
    try:
        found = nvmetest.list_controllers()
    except nvmetest.NvtError as e:
        pytest.skip(f"no --pciaddr and no controller bound to nvmetest ({e})")
    if not found:
        pytest.skip("no --pciaddr and no controller bound to nvmetest (nvmetest bind BDF)")
    return found[0].bdf


def _closing(obj, finish="close"):
    """A fixture's body: yield @obj, then call its @finish method."""
    yield obj
    getattr(obj, finish)()


@pytest.fixture
def pcie(pciaddr):
    yield from _closing(d.Pcie(pciaddr))


@pytest.fixture
def nvme0(pcie):
    yield from _closing(d.Controller(pcie))


@pytest.fixture
def subsystem(nvme0):
    yield from _closing(d.Subsystem(nvme0))


@pytest.fixture
def nvme0n1(nvme0):
    yield from _closing(d.Namespace(nvme0))


@pytest.fixture
def qpair(nvme0):
    yield from _closing(d.Qpair(nvme0, 64), "delete")


@pytest.fixture(scope="session")
def buf():
    return d.Buffer(4096, "pynvme buffer")


@pytest.fixture
def verify(nvme0n1):
    """Data verification of nvme0n1 on for the test (from nothing known, see
    Namespace.verify_enable)."""
    return nvme0n1.verify_enable(True)


@pytest.fixture
def aer(nvme0):
    """A function aer(cb): cb(cdw0, status1) (or cb(cqe)) runs for every Asynchronous
    Event of nvme0, reaped by nvme0.waitdone()."""
    def register(cb):
        nvme0.aer(cb)
    yield register
    if not nvme0.nvt.closed:
        nvme0.aer(None)
