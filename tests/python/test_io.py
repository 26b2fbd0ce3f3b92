# SPDX-License-Identifier: MIT
"""IO commands on the namespaces of nvmetest0: data in and out, every command,
transfer sizes, buffer offsets, argument checks."""
import errno

import pytest

import nvmetest
from io_helpers import (COMPARE_FAILURE, INVALID_FIELD, MDTS0, NS1_LBA_SIZE, NS1_LBAS,
                        NS2_LBA_SIZE, NS2_LBAS, pattern_bytes)
from io_helpers import ns1, ns2, qpair, vns1, vns2  # noqa: F401  fixtures


def test_write_then_read_back_in_the_write_callback(ctrl, ns1, qpair):
    data = pattern_bytes(8 * NS1_LBA_SIZE, 1)
    seen = []
    with nvmetest.Buffer(ctrl, len(data)) as wbuf, nvmetest.Buffer(ctrl, len(data)) as rbuf:
        wbuf[:] = data

        def written(cpl):
            seen.append(cpl)
            ns1.read(qpair, rbuf, 0x100, 8, cb=seen.append)     # chained from the callback

        assert ns1.write(qpair, wbuf, 0x100, 8, cb=written) is qpair
        qpair.waitdone()
        assert len(seen) == 1 and qpair.outstanding == 1
        qpair.waitdone()
        write, read = seen
        assert write.ok and write.opcode == nvmetest.IO_WRITE and write.qid == qpair.qid
        assert write.nsid == 1 and write.sqe[10] == 0x100 and write.sqe[12] & 0xffff == 7
        assert read.ok and read.opcode == nvmetest.IO_READ and read.cmdname == "Read"
        assert rbuf[:] == data


@pytest.mark.parametrize("nsid,lba_size,nlbas", [(1, NS1_LBA_SIZE, NS1_LBAS),
                                                 (2, NS2_LBA_SIZE, NS2_LBAS)])
def test_both_namespaces_write_and_read_their_last_lbas(ctrl, qpair, nsid, lba_size, nlbas):
    with nvmetest.Namespace(ctrl, nsid, verify=True) as ns, \
            nvmetest.Buffer(ctrl, 4 * lba_size) as buf, \
            nvmetest.Buffer(ctrl, 4 * lba_size) as back:
        assert ns.lba_size == lba_size and ns.capacity == nlbas
        buf[:] = pattern_bytes(4 * lba_size, nsid)
        ns.write(qpair, buf, nlbas - 4, 4).waitdone()
        ns.read(qpair, back, nlbas - 4, 4).waitdone()
        assert back[:] == buf[:]        # the stamps the write put into buf came back too
        assert int.from_bytes(back[lba_size:lba_size + 8], "little") == nlbas - 3


def test_write_then_compare_matches_and_a_mismatch_is_02_85(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 4 * NS1_LBA_SIZE) as buf:
        buf[:] = pattern_bytes(len(buf), 2)
        ns1.write(qpair, buf, 0x200, 4).waitdone()
        assert ns1.compare(qpair, buf, 0x200, 4).waitdone() == 0
        buf[3 * NS1_LBA_SIZE + 100] ^= 0xff
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            ns1.compare(qpair, buf, 0x200, 4).waitdone()
    assert e.value.status == COMPARE_FAILURE and (e.value.sct, e.value.sc) == (2, 0x85)
    assert str(e.value) == "ERROR status: 02/85 Compare Failure"
    assert e.value.completion.opcode == nvmetest.IO_COMPARE


def test_trim_then_verified_read_is_clean(ctrl, vns1, qpair):
    with nvmetest.Buffer(ctrl, 16 * NS1_LBA_SIZE) as buf, nvmetest.Buffer(ctrl, 4096) as ranges:
        vns1.write(qpair, buf, 0x300, 16).waitdone()
        ranges.set_dsm_range(0, 0x300, 8)
        ranges.set_dsm_range(1, 0x308, 8)
        vns1.dsm(qpair, ranges, 2).waitdone()
        # QEMU's raw file ignores the discard: the old data comes back, and is not checked.
        vns1.read(qpair, buf, 0x300, 16).waitdone()
        # Writing again makes the LBAs checked again.
        vns1.write(qpair, buf, 0x300, 16).waitdone()
        vns1.read(qpair, buf, 0x300, 16).waitdone()


def test_write_zeroes_then_read_gives_zeros_and_is_clean(ctrl, vns1, qpair):
    with nvmetest.Buffer(ctrl, 8 * NS1_LBA_SIZE, pvalue=1) as buf:
        vns1.write(qpair, buf, 0x400, 8).waitdone()
        vns1.write_zeroes(qpair, 0x400, 8).waitdone()
        buf.fill(nvmetest.PATTERN_BIT, 1)
        vns1.read(qpair, buf, 0x400, 8).waitdone()
        assert buf[:] == bytes(len(buf))


def test_write_uncorrectable_then_read_fails(ctrl, vns1, qpair):
    """QEMU has no Write Uncorrectable (00/01), yet the library marks the LBAs at
    submission (as pynvme does): a verified read of them fails until rewritten."""
    assert not vns1.supports(nvmetest.IO_WRITE_UNCORRECTABLE)
    with nvmetest.Buffer(ctrl, 4 * NS1_LBA_SIZE) as buf:
        vns1.write(qpair, buf, 0x500, 4).waitdone()
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            vns1.write_uncorrectable(qpair, 0x501, 2).waitdone()
        assert e.value.status == 0x001          # Invalid Command Opcode
        vns1.read(qpair, buf, 0x500, 1).waitdone()      # LBA 0x500 was not marked
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            vns1.read(qpair, buf, 0x500, 4).waitdone()
        assert e.value.status == nvmetest.STATUS_VERIFY_FAILED
        assert "uncorrectable" in str(e.value) and "LBA 0x501" in str(e.value)
        assert e.value.completion.opcode == nvmetest.IO_READ
        vns1.write(qpair, buf, 0x501, 2).waitdone()
        vns1.read(qpair, buf, 0x500, 4).waitdone()


def test_buffer_offset_reaches_prp1(ctrl, ns1, qpair):
    data = pattern_bytes(NS1_LBA_SIZE, 3)
    with nvmetest.Buffer(ctrl, 8192) as buf, nvmetest.Buffer(ctrl, 8192, pvalue=1) as back:
        buf[512:1024] = data
        buf.offset = 512
        ns1.write(qpair, buf, 0x600, 1).waitdone()
        back.offset = 0
        ns1.read(qpair, back, 0x600, 1).waitdone()
        assert back[0:512] == data and back[512:] == b"\xff" * (8192 - 512)
        back.fill(nvmetest.PATTERN_BIT, 1)
        back.offset = 4096 - 256         # a read that crosses a page: PRP1 and PRP2
        ns1.read(qpair, back, 0x600, 1).waitdone()
        assert back[3840:4352] == data
        assert back[:3840] == b"\xff" * 3840 and back[4352:] == b"\xff" * (8192 - 4352)
    entry = qpair.cmdlog(1)[0]
    assert entry.sqe[6] & 0xfff == 3840         # PRP1's page offset
    assert entry.sqe[8] & 0xfff == 0            # PRP2: the next page


@pytest.mark.parametrize("nlb", [1, 2, 7, 8, 9, 64, 255, MDTS0 // NS1_LBA_SIZE])
def test_transfers_of_one_lba_up_to_mdts(ctrl, vns1, qpair, nlb):
    size = nlb * NS1_LBA_SIZE
    with nvmetest.Buffer(ctrl, size) as buf, nvmetest.Buffer(ctrl, size) as back:
        buf[:] = pattern_bytes(size, nlb)
        vns1.write(qpair, buf, 0x1000 + nlb, nlb).waitdone()
        vns1.read(qpair, back, 0x1000 + nlb, nlb).waitdone()
        assert back[:] == buf[:]


def test_transfer_of_mdts_plus_one_lba_is_rejected_by_the_device(ctrl, ns1, qpair):
    nlb = MDTS0 // NS1_LBA_SIZE + 1
    with nvmetest.Buffer(ctrl, nlb * NS1_LBA_SIZE) as buf:
        for send in (ns1.write, ns1.read):
            with pytest.raises(nvmetest.NvmeStatusError) as e:
                send(qpair, buf, 0, nlb).waitdone()
            assert e.value.status == INVALID_FIELD and e.value.dnr == 1
    assert qpair.outstanding == 0


def test_out_of_range_lbas_and_bad_arguments_give_clear_errors(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 4096) as buf:
        for lba, nlb in ((NS1_LBAS, 1), (NS1_LBAS - 1, 2), (2 ** 64 - 1, 1)):
            with pytest.raises(nvmetest.NvtError) as e:
                ns1.read(qpair, buf, lba, nlb)
            assert e.value.errno == errno.ERANGE
            assert f"{lba:#x}" in str(e.value) and "outside namespace 1" in str(e.value)
        with pytest.raises(nvmetest.NvtError) as e:
            ns1.write_zeroes(qpair, NS1_LBAS, 1)
        assert e.value.errno == errno.ERANGE
        with pytest.raises(nvmetest.NvtError) as e:
            ns1.read(qpair, buf, 0, 9)          # 4608 bytes into a 4096-byte buffer
        assert e.value.errno == errno.ERANGE
        for nlb in (0, 65537):
            with pytest.raises(nvmetest.NvtError) as e:
                ns1.read(qpair, buf, 0, nlb)
            assert e.value.errno == errno.EINVAL
        with pytest.raises(TypeError):
            ns1.read(qpair, None, 0, 1)
        with pytest.raises(TypeError):
            ns1.read("qpair", buf, 0, 1)
        with pytest.raises(TypeError):
            ns1.read(qpair, buf, 0, 1, cdw16=1)
        with pytest.raises(ValueError):
            ns1.read(qpair, buf, -1, 1)
    assert qpair.outstanding == 0
    # The raw path checks nothing: the device answers LBA Out of Range (00/80).
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ns1.send_cmd(nvmetest.IO_WRITE_ZEROES, qpair, cdw10=NS1_LBAS & 0xffffffff).waitdone()
    assert e.value.status == 0x080


def test_io_flags_and_extra_fields_reach_the_command(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 4096) as buf:
        ns1.write(qpair, buf, 0x700, 8, nvmetest.IO_FLAG_FUA).waitdone()
        ns1.read(qpair, buf, 0x700, 8, nvmetest.IO_FLAG_FUA | nvmetest.IO_FLAG_LR,
                 cdw13=0x5a, cdw15=0x1234, timeout_ms=5000).waitdone()
    write, read = qpair.cmdlog(2)
    assert write.sqe[12] == (nvmetest.IO_FLAG_FUA << 16) | 7
    assert read.sqe[12] == ((nvmetest.IO_FLAG_FUA | nvmetest.IO_FLAG_LR) << 16) | 7
    assert read.sqe[13] == 0x5a and read.sqe[15] == 0x1234 and read.sqe[1] == 1


def test_flush_verify_and_write_zeroes_with_deallocate(ctrl, ns1, qpair):
    ns1.flush(qpair).waitdone()
    ns1.verify(qpair, 0x800, 8).waitdone()
    ns1.write_zeroes(qpair, 0x800, 8, nvmetest.IO_FLAG_DEAC).waitdone()
    flush, verify, wz = qpair.cmdlog(3)
    assert (flush.opcode, verify.opcode, wz.opcode) == (0x00, 0x0c, 0x08)
    assert flush.nsid == 1 and verify.sqe[12] == 7 and wz.sqe[12] >> 16 == nvmetest.IO_FLAG_DEAC


def test_copy_copies_ranges_and_verification_forgets_the_destination(ctrl, vns1, qpair):
    if not vns1.supports(nvmetest.IO_COPY):
        pytest.skip("this controller has no Copy")
    data = pattern_bytes(8 * NS1_LBA_SIZE, 4)
    with nvmetest.Buffer(ctrl, len(data)) as buf, nvmetest.Buffer(ctrl, 4096) as ranges:
        buf[:] = data
        vns1.write(qpair, buf, 0x900, 8).waitdone()
        stamped = buf[:]
        nvmetest.copy_range_set(ranges, 0, 0x900, 4)
        nvmetest.copy_range_set(ranges, 1, 0x904, 4)
        vns1.copy(qpair, ranges, 0xa00, 2).waitdone()
        buf.fill()
        vns1.read(qpair, buf, 0xa00, 8).waitdone()      # clean: the copy was forgotten
        assert buf[:] == stamped                         # source LBA numbers inside
        with pytest.raises(nvmetest.NvtError) as e:
            vns1.copy(qpair, ranges, NS1_LBAS - 4, 2)
        assert e.value.errno == errno.ERANGE


def test_send_cmd_sends_anything_raw(ctrl, ns1, qpair):
    with nvmetest.Buffer(ctrl, 4096) as buf:
        buf[:8] = b"rawdata!"
        ns1.send_cmd(nvmetest.IO_WRITE, qpair, buf, cdw10=0xb00, cdw12=0).waitdone()
        qpair.send_cmd(nvmetest.IO_READ, buf, nsid=1, cdw10=0xb00, cdw12=7).waitdone()
        assert buf[:8] == b"rawdata!"
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        qpair.send_cmd(0x7f, nsid=1).waitdone()
    assert e.value.status == 0x001 and e.value.completion.opcode == 0x7f
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        qpair.send_cmd(nvmetest.IO_FLUSH, nsid=0x1000).waitdone()
    assert e.value.status == 0x00b                          # Invalid Namespace or Format
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        qpair.send_cmd(nvmetest.IO_FLUSH, nsid=9).waitdone()
    assert e.value.status == 0x002                          # QEMU: an inactive namespace


def test_copy_range_set_writes_format_0_entries():
    mem = bytearray(64)
    nvmetest.copy_range_set(mem, 1, 0x1122334455, 0x100)
    assert mem[:32] == bytes(32)
    assert int.from_bytes(mem[40:48], "little") == 0x1122334455
    assert int.from_bytes(mem[48:50], "little") == 0xff
    with pytest.raises(nvmetest.NvtError):
        nvmetest.copy_range_set(mem, 2, 0, 1)
    with pytest.raises(nvmetest.NvtError):
        nvmetest.copy_range_set(mem, 0, 0, 0)
