# SPDX-License-Identifier: MIT
"""Namespaces: sizes and formats from Identify Namespace, supported commands, format,
the verification settings and what the table costs."""
import errno

import pytest

import nvmetest
from admin_helpers import INVALID_NSID
from io_helpers import NS1_LBA_SIZE, NS1_LBAS, NS2_LBA_SIZE, NS2_LBAS, verified
from io_helpers import ns1, ns2, qpair  # noqa: F401  fixtures

# QEMU's eight LBA formats: 512 and 4096 bytes of data, each with 0, 8, 16, 64 of metadata.
LBAFS = [(512, 0), (512, 8), (512, 16), (512, 64), (4096, 0), (4096, 8), (4096, 16),
         (4096, 64)]


def test_namespace_1_has_512_byte_lbas(ns1):
    assert ns1.nsid == 1 and ns1.capacity == NS1_LBAS and ns1.lba_size == NS1_LBA_SIZE
    assert ns1.meta_size == 0 and ns1.lba_format == 0
    assert ns1.id_data(7, 0) == NS1_LBAS                # NSZE
    assert ns1.id_data(26) & 0xf == 0                   # FLBAS
    assert ns1.id_data(25) == len(LBAFS) - 1            # NLBAF
    assert len(ns1.id_copy()) == 4096 and ns1.id_copy(8) == NS1_LBAS.to_bytes(8, "little")
    assert ns1.id_data(63, 48) == int.from_bytes(ns1.id_copy()[48:64], "little")  # NVMCAP
    assert not ns1.verify_enabled
    assert repr(ns1) == f"<Namespace nsid 1 {NS1_LBAS} LBAs of 512 bytes>"


def test_namespace_2_has_4096_byte_lbas(ns2):
    assert ns2.capacity == NS2_LBAS and ns2.lba_size == NS2_LBA_SIZE
    assert ns2.lba_format == 4 and ns2.id_data(26) & 0xf == 4


def test_get_lba_format_finds_each_format_by_its_sizes(ns1):
    for index, (data, meta) in enumerate(LBAFS):
        assert ns1.get_lba_format(data, meta) == index
    assert ns1.get_lba_format() == 0
    assert ns1.get_lba_format(1024, 0) is None
    assert ns1.get_lba_format(512, 32) is None


def test_supports_and_cmdname(ns1):
    for opcode in (nvmetest.IO_FLUSH, nvmetest.IO_WRITE, nvmetest.IO_READ,
                   nvmetest.IO_COMPARE, nvmetest.IO_WRITE_ZEROES, nvmetest.IO_DSM):
        assert ns1.supports(opcode), hex(opcode)
    assert not ns1.supports(nvmetest.IO_WRITE_UNCORRECTABLE)    # absent in QEMU 7.2
    assert not ns1.supports(0x7f)
    assert ns1.cmdname(nvmetest.IO_READ) == "Read"
    assert ns1.cmdname(nvmetest.IO_DSM) == "Dataset Management"
    assert ns1.cmdname(0x81) == "Vendor Specific"
    with pytest.raises(nvmetest.NvtError):
        ns1.supports(256)


def test_namespaces_that_do_not_exist(ctrl):
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Namespace(ctrl, 3)                     # below NN, not active
    assert e.value.errno == errno.ENOENT and "not active" in str(e.value)
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        nvmetest.Namespace(ctrl, 0x1000)                # above NN
    assert e.value.status == INVALID_NSID
    for nsid in (0, 0xffffffff):
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Namespace(ctrl, nsid)
        assert e.value.errno == errno.EINVAL
    with pytest.raises(TypeError):
        nvmetest.Namespace(None)


def test_namespace_use_after_close_is_a_clear_error(ctrl, qpair):
    ns = nvmetest.Namespace(ctrl, 1)
    ns.close()
    with nvmetest.Buffer(ctrl) as buf, pytest.raises(ValueError, match="Namespace is closed"):
        ns.read(qpair, buf, 0)
    with pytest.raises(ValueError):
        _ = ns.capacity


def test_format_ns2_to_512_bytes_and_back_refreshes_capacity_and_resets_verification(
        ctrl, qpair):
    with verified(ctrl, 2) as ns, nvmetest.Buffer(ctrl, 8 * 4096) as buf:
        try:
            ns.write(qpair, buf, 5, 1).waitdone()
            assert ns.format(512) == 0
            assert ns.capacity == NS2_LBAS * 8 and ns.lba_size == 512 and ns.lba_format == 0
            assert ns.verify_enabled and ns.verify_nlba == NS2_LBAS * 8
            buf.fill(nvmetest.PATTERN_BIT, 1)
            ns.read(qpair, buf, 40, 8).waitdone()     # formatted: zeros, nothing to check
            assert buf[:4096] == bytes(4096)
            ns.write(qpair, buf, NS2_LBAS * 8 - 8, 8).waitdone()
            ns.read(qpair, buf, NS2_LBAS * 8 - 8, 8).waitdone()
        finally:
            assert ns.format(4096) == 0
        assert ns.capacity == NS2_LBAS and ns.lba_size == 4096 and ns.lba_format == 4
        assert ns.verify_nlba == NS2_LBAS
        ns.read(qpair, buf, 5, 1).waitdone()              # the old record is gone
        assert buf[:4096] == bytes(4096)
        with pytest.raises(nvmetest.NvtError) as e:
            ns.format(1024)
        assert e.value.errno == errno.ENOENT
    with nvmetest.Namespace(ctrl, 2) as again:
        assert again.capacity == NS2_LBAS and again.lba_size == 4096


def test_refresh_sees_a_format_made_through_the_controller(ctrl, ns2):
    try:
        ctrl.format(lbaf=0, nsid=2).waitdone()
        assert ns2.lba_size == 4096                     # cached until refreshed
        ns2.refresh()
        assert ns2.lba_size == 512 and ns2.capacity == NS2_LBAS * 8
    finally:
        ctrl.format(lbaf=4, nsid=2).waitdone()
        ns2.refresh()
    assert ns2.lba_size == 4096 and ns2.capacity == NS2_LBAS


def test_verification_can_be_limited_to_the_first_lbas(ctrl, qpair):
    with nvmetest.Namespace(ctrl, 1, nlba_verify=1024, verify=True) as ns, \
            nvmetest.Buffer(ctrl, 2 * NS1_LBA_SIZE) as buf:
        assert ns.verify_nlba == 1024
        ns.verify_reset()
        ns.write(qpair, buf, 1023, 2).waitdone()
        assert int.from_bytes(buf[:8], "little") == 1023        # stamped
        # An unstamped write beyond the limit is never checked.
        ns.send_cmd(nvmetest.IO_WRITE, qpair, buf, cdw10=1024).waitdone()
        ns.read(qpair, buf, 1023, 2).waitdone()
        ns.verify_limit(0)                              # the whole namespace again
        assert ns.verify_nlba == NS1_LBAS
        ns.verify_enable(False)
        assert not ns.verify_enabled
        with pytest.raises(nvmetest.NvtError) as e:
            ns.verify_reset()
        assert e.value.errno == errno.ENODATA
    with verified(ctrl, 1):                             # leave a whole-namespace table behind
        pass


def test_lbas_beyond_the_verify_limit_are_not_stamped(ctrl, qpair):
    with nvmetest.Namespace(ctrl, 1, nlba_verify=1024, verify=True) as ns, \
            nvmetest.Buffer(ctrl, 2 * NS1_LBA_SIZE) as buf:
        ns.write(qpair, buf, 1023, 2).waitdone()
        assert int.from_bytes(buf[:8], "little") == 1023
        assert buf[NS1_LBA_SIZE:] == bytes(NS1_LBA_SIZE)       # LBA 1024 as it was
        ns.verify_limit(0)


def test_verification_table_memory_follows_the_lbas_written(ctrl, qpair):
    with verified(ctrl, 1) as ns, nvmetest.Buffer(ctrl, 8 * NS1_LBA_SIZE) as buf:
        before = ns.verify_pages
        ns.read(qpair, buf, 1_500_000, 8).waitdone()    # reading allocates nothing
        assert ns.verify_pages == before
        far = [100_000, 900_000, 1_700_000]             # 1024 LBAs per 4 KiB table page
        for lba in far:
            ns.write(qpair, buf, lba, 8).waitdone()
        assert ns.verify_pages - before == len(far)
        ns.write(qpair, buf, far[0] + 8, 8).waitdone()  # the same page again
        assert ns.verify_pages - before == len(far)
