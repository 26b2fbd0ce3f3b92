# SPDX-License-Identifier: MIT
"""Controller reset, a custom init, Format and AERs through the nvme module."""
import time

import pytest

import nvme as d


def test_reset_keeps_data_and_needs_new_qpairs(nvme0, nvme0n1, buf):
    q = d.Qpair(nvme0, 8)
    data = d.Buffer(512, ptype=32, pvalue=0x13572468)
    nvme0n1.write(q, data, 900).waitdone()
    q.delete()
    nvme0.reset()
    assert nvme0[0x1c] & 1 == 1
    q = d.Qpair(nvme0, 8)
    nvme0n1.read(q, buf, 900).waitdone()
    assert buf[0:512] == data[:]
    q.delete()


def test_qpair_left_over_a_reset_raises_instead_of_corrupting(nvme0, nvme0n1, buf):
    q = d.Qpair(nvme0, 8)
    nvme0.reset()
    with pytest.raises(OSError):
        nvme0n1.read(q, buf, 0)
    q.delete()


def pynvme_init(nvme0, steps, aer=True):
    """An init sequence written as pynvme scripts write theirs."""
    nvme0[0x14] = 0
    while nvme0[0x1c] & 1:
        time.sleep(0.001)
    nvme0.init_adminq()
    nvme0[0x14] = 0x00460001
    while not nvme0[0x1c] & 1:
        time.sleep(0.001)
    nvme0.identify(d.Buffer(4096)).waitdone()
    nvme0.init_ns()
    nvme0.setfeatures(0x7, cdw11=0x00030003).waitdone()
    cdw0 = nvme0.getfeatures(0x7).waitdone()        # QEMU: the 16 it allows
    nvme0.init_queues(cdw0)
    if aer:
        nvme0.aer()
    steps.append(cdw0)


def test_custom_init_function_as_in_pynvme(pcie):
    steps = []

    def nvme_init(nvme0):
        pynvme_init(nvme0, steps)

    nvme0 = d.Controller(pcie, nvme_init)
    try:
        assert steps == [0x000f000f]
        assert nvme0.id_data(23, 4, str) == "NVT00000000"
        qpairs = [d.Qpair(nvme0, 4) for _ in range(16)]
        with pytest.raises(d.QpairCreationError):
            d.Qpair(nvme0, 4)
        for q in qpairs:
            q.delete()
        nvme0.reset()                           # runs the init again
        assert len(steps) == 2
    finally:
        nvme0.close()


def test_command_the_device_never_completes_raises_timeout_error(pcie):
    steps = []
    nvme0 = d.Controller(pcie, lambda n: pynvme_init(n, steps, aer=False))
    try:
        nvme0.timeout = 300
        with pytest.raises(TimeoutError):
            nvme0.send_cmd(0x0c).waitdone()         # an AER with no event to report
        nvme0.timeout = 10000
        assert nvme0.getfeatures(7).waitdone() == 0x000f000f
    finally:
        nvme0.close()


def test_controller_without_init_reads_registers_only(pcie):
    nvme0 = d.Controller(pcie, True)
    try:
        assert nvme0[0x08] == 0x10400
    finally:
        nvme0.close()


def test_format_changes_the_lba_size_and_back(nvme0, qpair, buf):
    ns2 = d.Namespace(nvme0, 2)
    data = d.Buffer(4096, pvalue=1)
    ns2.write(qpair, data, 0).waitdone()
    assert ns2.format(512) == 0
    assert ns2.id_data(7, 0) == 65536 * 8
    assert ns2.capacity == 256 << 20
    ns2.format(4096)
    assert ns2.id_data(7, 0) == 65536
    ns2.read(qpair, data, 0).waitdone()
    assert data[:] == bytes(4096)               # formatted: zeroes
    with pytest.raises(OSError):
        ns2.format(1024)                        # no such LBA format
    ns2.close()


def fire_temperature_aer(nvme0):
    """A SMART AER from a temperature threshold below the current temperature, waited
    for; then the threshold restored and the event unmasked again."""
    original = nvme0.getfeatures(0x4).waitdone() & 0xffff
    nvme0.setfeatures(0x0b, cdw11=0x1ff).waitdone()
    with pytest.warns(UserWarning, match="AER notification is triggered"):
        nvme0.setfeatures(0x4, cdw11=200).waitdone()     # below the current 323 K
        nvme0.waitdone()                                  # the AER itself
    nvme0.setfeatures(0x4, cdw11=original).waitdone()
    smart = d.Buffer(512)
    nvme0.getlogpage(0x02, smart, 512).waitdone()         # RAE 0: unmask the event


def test_aer_fires_on_temperature_threshold_and_waitdone_counts_it(nvme0, aer):
    events = []
    aer(lambda cdw0, status1: events.append(cdw0))
    fire_temperature_aer(nvme0)
    assert events and events[0] & 0xff == 0x01           # SMART / health status


def test_aer_callback_given_in_the_init_function_is_kept(pcie):
    events = []

    def nvme_init(nvme0):
        pynvme_init(nvme0, [], aer=False)
        nvme0.aer(lambda cdw0, status1: events.append(cdw0))

    nvme0 = d.Controller(pcie, nvme_init)
    try:
        fire_temperature_aer(nvme0)
        assert events and events[0] & 0xff == 0x01
    finally:
        nvme0.close()
