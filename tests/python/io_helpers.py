# SPDX-License-Identifier: MIT
"""Shared by the IO path tests: facts about the emulated namespaces, fixtures for
qpairs and namespaces (import them into a test module), small helpers."""
import pytest

import nvmetest
from admin_helpers import MDTS0, NS1_LBA_SIZE, NS1_LBAS, NS2_LBA_SIZE, NS2_LBAS, QUEUES0

INVALID_FIELD = 0x002       # 00/02: QEMU's answer to a transfer above MDTS
COMPARE_FAILURE = 0x285     # 02/85
VERIFY_FAILED = nvmetest.STATUS_VERIFY_FAILED   # 07/81


@pytest.fixture
def qpair(ctrl):
    """A qpair of 64 entries on nvmetest0, default options."""
    with nvmetest.Qpair(ctrl, 64) as qp:
        yield qp


@pytest.fixture
def ns1(ctrl):
    """Namespace 1 of nvmetest0 (512-byte LBAs), verification off."""
    with nvmetest.Namespace(ctrl, 1) as ns:
        yield ns


@pytest.fixture
def ns2(ctrl):
    """Namespace 2 of nvmetest0 (4096-byte LBAs), verification off."""
    with nvmetest.Namespace(ctrl, 2) as ns:
        yield ns


def verified(ctrl, nsid):
    """A Namespace with data verification on and an empty table: what earlier tests
    (or processes) recorded is forgotten, so every test starts afresh."""
    ns = nvmetest.Namespace(ctrl, nsid, verify=True)
    ns.verify_reset()
    return ns


@pytest.fixture
def vns1(ctrl):
    """Namespace 1 with data verification on, its table reset."""
    with verified(ctrl, 1) as ns:
        yield ns


@pytest.fixture
def vns2(ctrl):
    """Namespace 2 with data verification on, its table reset."""
    with verified(ctrl, 2) as ns:
        yield ns


def pattern_bytes(size, seed):
    """@size bytes that differ for every @seed (random, reproducible)."""
    nvmetest.srand(seed)
    return nvmetest.pattern(size, nvmetest.PATTERN_RANDOM, 100)


def lba_stamp(data, lba_size, i=0):
    """(LBA number, write token) stamped into LBA @i of @data by a verified write."""
    lba = data[i * lba_size:]
    return (int.from_bytes(lba[:8], "little"),
            int.from_bytes(lba[lba_size - 8:lba_size], "little"))
