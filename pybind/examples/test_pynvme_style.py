# SPDX-License-Identifier: MIT
"""A pynvme-style test file: run it from anywhere once nvmetest is installed,

    python3 -m pytest --pciaddr=0000:01:00.0 test_pynvme_style.py

The fixtures (nvme0, nvme0n1, qpair, buf, verify) come from the nvme plugin.
"""
import pytest

import nvme as d


def test_identify(nvme0, buf):
    nvme0.identify(buf).waitdone()
    assert buf.data(1, 0) == nvme0.id_data(1, 0)


def test_invalid_opcode_warns(nvme0):
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):
        nvme0.send_cmd(0xff).waitdone()


def test_write_read_verified(nvme0n1, qpair, verify):
    data = d.Buffer(4096, ptype=32, pvalue=0x12345678)
    nvme0n1.write(qpair, data, 0, 8).waitdone()
    nvme0n1.read(qpair, data, 0, 8).waitdone()
    assert data.data(7, 0) == 0           # LBA 0's number, stamped by verification


def test_ioworker(nvme0n1):
    r = nvme0n1.ioworker(io_size=8, read_percentage=100, io_count=200).start().close()
    assert r.io_count_read == 200 and r.error == 0
