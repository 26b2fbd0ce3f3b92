# SPDX-License-Identifier: MIT
"""Identify: the cached controller data, identify commands, namespaces, supports()."""
import errno

import pytest

import nvmetest
from admin_helpers import (INVALID_NSID, MDTS0, MODEL, NN, NS1_LBA_SIZE, NS1_LBAS,
                           NS2_LBA_SIZE, NS2_LBAS, SERIAL0, VS_1_4)


@pytest.fixture
def buf(ctrl):
    with nvmetest.Buffer(ctrl, 4096, "identify") as b:
        yield b


def test_identify_serial_matches_emulated_controller(ctrl, buf):
    ctrl.identify(buf).waitdone()
    assert buf.data(23, 4, str) == SERIAL0
    assert ctrl.id_data(23, 4, str) == SERIAL0


def test_identify_fields_of_the_qemu_controller(ctrl, buf):
    ctrl.identify(buf).waitdone()
    assert buf.data(1, 0) == 0x1b36                     # VID
    assert buf.data(63, 24, str) == MODEL               # MN
    assert buf.data(71, 64, str).startswith("7.2")      # FR
    assert buf.data(83, 80) == VS_1_4                   # VER
    assert buf.data(77) == 5                            # MDTS
    assert buf.data(519, 516) == NN
    assert buf[:4096] == ctrl.id_copy()                 # the cached copy is the same
    assert ctrl.id_data(83, 80) == VS_1_4
    assert ctrl.id_data(519, 516) == NN
    assert ctrl.id_data(1023, 768, str) == f"nqn.2019-08.org.qemu:{SERIAL0}"
    assert ctrl.id_data(295, 280) == 0                  # a 16-byte field (TNVMCAP)


def test_mdts_is_128_kib(ctrl):
    assert ctrl.mdts == MDTS0
    with nvmetest.Controller("nvmetest1") as other:     # QEMU's default mdts=7
        assert other.mdts == 512 * 1024


@pytest.mark.parametrize("nsid,lbas,lba_size", [
    (1, NS1_LBAS, NS1_LBA_SIZE),
    (2, NS2_LBAS, NS2_LBA_SIZE),
])
def test_identify_namespace_sizes(ctrl, buf, nsid, lbas, lba_size):
    ctrl.identify(buf, nsid=nsid, cns=nvmetest.CNS_NS).waitdone()
    assert buf.data(7, 0) == lbas                       # NSZE
    assert buf.data(15, 8) == lbas                      # NCAP
    flbas = buf.data(26) & 0xf
    lbads = buf.data(128 + 4 * flbas + 2)
    assert 1 << lbads == lba_size
    assert buf.data(25) == 7                            # NLBAF: 8 formats


def test_identify_active_namespace_list(ctrl, buf):
    ctrl.identify(buf, cns=nvmetest.CNS_NS_ACTIVE_LIST).waitdone()
    assert [buf.data(4 * i + 3, 4 * i) for i in range(3)] == [1, 2, 0]


@pytest.mark.parametrize("nsid", [0, 0x1000, 0xffffffff])
def test_identify_invalid_namespace_is_00_0b(ctrl, buf, nsid):
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.identify(buf, nsid=nsid, cns=nvmetest.CNS_NS).waitdone()
    assert e.value.status == INVALID_NSID
    assert (e.value.sct, e.value.sc) == (0, 0x0b)
    assert str(e.value) == "ERROR status: 00/0b Invalid Namespace or Format"
    assert e.value.completion.opcode == nvmetest.ADMIN_IDENTIFY
    assert e.value.dnr == 1


def test_supports_reads_the_effects_log(ctrl):
    for opc in (nvmetest.ADMIN_IDENTIFY, nvmetest.ADMIN_GET_LOG_PAGE,
                nvmetest.ADMIN_FORMAT_NVM, nvmetest.ADMIN_ASYNC_EVENT):
        assert ctrl.supports(opc), hex(opc)
    for opc in (nvmetest.ADMIN_SANITIZE, nvmetest.ADMIN_FW_DOWNLOAD,
                nvmetest.ADMIN_SECURITY_SEND, nvmetest.ADMIN_DEV_SELF_TEST, 0xff):
        assert not ctrl.supports(opc), hex(opc)
    # I/O commands: 256 + opcode (Flush, Write, Read, Write Zeroes; not Write Uncorrectable).
    for opc in (0x00, 0x01, 0x02, 0x08):
        assert ctrl.supports(256 + opc), hex(opc)
    assert not ctrl.supports(256 + 0x04)
    with pytest.raises(ValueError):
        ctrl.supports(-1)
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.supports(512)
    assert e.value.errno == errno.EINVAL


def test_cmdname(ctrl):
    assert ctrl.cmdname(0x06) == "Identify"
    assert ctrl.cmdname(0x80) == "Format NVM"
    assert ctrl.cmdname(0xc5) == "Vendor Specific"
    assert nvmetest.io_cmdname(0x01) == "Write"


def test_id_data_argument_checks(ctrl):
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.id_data(4096, 4095)
    assert e.value.errno == errno.ERANGE
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.id_data(0, 1)
    assert e.value.errno == errno.EINVAL
    with pytest.raises(TypeError):
        ctrl.id_data(1, 0, float)
    with pytest.raises(ValueError):
        ctrl.id_data(-1)
