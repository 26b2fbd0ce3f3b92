# SPDX-License-Identifier: MIT
"""DMA buffers: memory access, patterns, offset and transfer size reaching the PRPs,
freeing while in use, bad arguments."""
import errno

import pytest

import nvmetest
from admin_helpers import SERIAL0, init_without_aers


@pytest.fixture
def buf(ctrl):
    with nvmetest.Buffer(ctrl, 4096) as b:
        yield b


def test_new_buffer_is_zeroed_and_named(ctrl):
    with nvmetest.Buffer(ctrl, 5000, "mine") as b:
        assert b.size == len(b) == 5000
        assert b.name == "mine"
        assert b.offset == 0 and b.xfer_size == 0
        assert b[:] == bytes(5000)
        assert b.iova and b.iova == b.phys_addr and b.iova % 4096 == 0
        assert b.handle
        assert b.ctrl is ctrl
        assert "mine" in repr(b)
        b.name = "x" * 100
        assert b.name == "x" * 63


def test_indexing_and_slicing(buf):
    buf[0] = 0x5a
    buf[1:4] = b"\x01\x02\x03"
    buf[-1] = 0xff
    assert buf[0] == 0x5a and buf[-1] == 0xff
    assert buf[0:4] == b"\x5a\x01\x02\x03"
    assert buf[4094:] == b"\x00\xff"
    assert bytes(buf)[:2] == b"\x5a\x01"
    view = buf.view()
    view[10] = 7
    assert buf[10] == 7
    with pytest.raises(IndexError):
        buf[4096]
    with pytest.raises(ValueError):
        buf[0:4] = b"12"
    with pytest.raises(ValueError):
        buf[0] = 256
    with pytest.raises(TypeError):
        buf["a"]


@pytest.mark.parametrize("ptype,pvalue,first", [
    (nvmetest.PATTERN_BIT, 0, b"\x00" * 8),
    (nvmetest.PATTERN_BIT, 1, b"\xff" * 8),
    (nvmetest.PATTERN_DWORD, 0x12345678, b"\x78\x56\x34\x12" * 2),
])
def test_fill_patterns(buf, ptype, pvalue, first):
    buf.fill(ptype, pvalue)
    assert buf[:8] == first
    assert buf[:] == nvmetest.pattern(4096, ptype, pvalue)


def test_random_pattern_compressibility_and_seed(ctrl):
    with nvmetest.Buffer(ctrl, 4096, pvalue=50, ptype=nvmetest.PATTERN_RANDOM) as b:
        assert b[2048:] == bytes(2048)
        assert b[:2048] != bytes(2048)
        nvmetest.srand(7)
        b.fill(nvmetest.PATTERN_RANDOM, 100)
        first = b[:]
        nvmetest.srand(7)
        b.fill(nvmetest.PATTERN_RANDOM, 100)
        assert b[:] == first
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Buffer(ctrl, 16, ptype=nvmetest.PATTERN_RANDOM, pvalue=101)
    assert e.value.errno == errno.EINVAL


def test_data_dump_and_dsm_range(buf):
    buf[0:4] = b"Z\x01\x02\x00"
    buf[4:12] = b"AB CD   "
    assert buf.data(1, 0) == 0x015a
    assert buf.data(3, 0) == 0x0002015a
    assert buf.data(0) == 0x5a
    assert buf.data(11, 4, str) == "AB CD"
    assert buf.data(15, 0) == int.from_bytes(buf[0:16], "little")    # wider than 8 bytes
    assert buf.dump(16) == ("00000000  5a 01 02 00 41 42 20 43  44 20 20 20 00 00 00 00"
                            "   Z...AB CD   ....\n")
    assert len(buf.dump().splitlines()) == 256
    buf.set_dsm_range(1, 0x1122334455, 8, attr=3)
    assert buf.data(16 + 3, 16) == 3
    assert buf.data(16 + 7, 16 + 4) == 8
    assert buf.data(16 + 15, 16 + 8) == 0x1122334455
    with pytest.raises(nvmetest.NvtError) as e:
        buf.set_dsm_range(256, 0, 1)
    assert e.value.errno == errno.ERANGE
    with pytest.raises(nvmetest.NvtError) as e:
        buf.data(4096, 4095)
    assert e.value.errno == errno.ERANGE


def test_identify_at_offset_0x10_lands_there_and_reaches_prp1(ctrl):
    with nvmetest.Buffer(ctrl, 8192) as b:
        b.offset = 0x10
        b.xfer_size = 4096
        ctrl.identify(b).waitdone()
        assert b[:0x10] == bytes(0x10)
        assert b.data(0x11, 0x10) == 0x1b36
        assert b.data(0x10 + 23, 0x10 + 4, str) == SERIAL0
        assert b[0x10 + 4096:] == bytes(4096 - 0x10)
        entry = ctrl.cmdlog(1)[0]
        prp1 = entry.sqe[6] | entry.sqe[7] << 32
        assert prp1 == b.iova + 0x10                 # unaligned PRP1, as asked


def test_transfer_size_limits_what_the_device_writes(ctrl):
    with nvmetest.Buffer(ctrl, 8192) as b:
        b.fill(nvmetest.PATTERN_BIT, 1)
        b.xfer_size = 4096
        ctrl.identify(b).waitdone()
        assert b.data(1, 0) == 0x1b36
        assert b[4096:] == b"\xff" * 4096
        entry = ctrl.cmdlog(1)[0]
        # PRP2 is a kernel list page that ends in the sink: never the buffer's
        # second page, so the device cannot reach beyond the 4096 bytes asked.
        assert entry.sqe[8] | entry.sqe[9] << 32 not in (0, b.iova + 4096)


def test_bad_sizes_offsets_and_lengths(ctrl, buf):
    for size, err in ((0, errno.EINVAL), (nvmetest.BUF_MAX_SIZE + 1, errno.EINVAL)):
        with pytest.raises(nvmetest.NvtError) as e:
            nvmetest.Buffer(ctrl, size)
        assert e.value.errno == err
    with pytest.raises(ValueError):
        nvmetest.Buffer(ctrl, -1)
    with pytest.raises(TypeError):
        nvmetest.Buffer("nvmetest0", 4096)
    with pytest.raises(nvmetest.NvtError) as e:
        buf.offset = 4096
    assert e.value.errno == errno.ERANGE
    with pytest.raises(nvmetest.NvtError) as e:
        buf.xfer_size = 4097
    assert e.value.errno == errno.ERANGE
    buf.offset = 1024
    buf.xfer_size = 4096            # allowed alone; refused with the offset at submission
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.identify(buf)
    assert e.value.errno == errno.ERANGE
    assert ctrl.outstanding == 0
    buf.offset = 0
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.getlogpage(nvmetest.LID_SMART, buf, 510)       # not a multiple of 4
    assert e.value.errno == errno.EINVAL
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.getlogpage(nvmetest.LID_SMART, buf, 8192)      # beyond the buffer
    assert e.value.errno == errno.ERANGE
    with pytest.raises(TypeError):
        ctrl.identify(None)
    with pytest.raises(TypeError):
        ctrl.identify(b"not a buffer")


def test_buffer_of_another_controller_is_refused(ctrl, bdfs):
    with nvmetest.Controller("nvmetest1") as other, nvmetest.Buffer(other) as theirs:
        with pytest.raises(nvmetest.NvtError) as e:
            ctrl.identify(theirs)
        assert e.value.errno == errno.EINVAL
        assert "belongs to" in e.value.strerror


def test_closed_buffer_raises_value_error(ctrl):
    b = nvmetest.Buffer(ctrl)
    b.close()
    b.close()
    assert b.closed and repr(b) == "<Buffer closed>"
    for use in (lambda: b[0], lambda: b.fill(), lambda: b.size, lambda: ctrl.identify(b)):
        with pytest.raises(ValueError):
            use()


def test_freeing_a_buffer_in_use_is_safe(ctrl):
    seen = []
    b = nvmetest.Buffer(ctrl, 4096)
    ctrl.identify(b, cb=seen.append)
    b.close()                   # the device still writes into it: the kernel keeps it
    ctrl.waitdone()
    assert seen[0].ok
    with nvmetest.Buffer(ctrl, 4096) as again:       # memory is fine, commands work
        ctrl.identify(again).waitdone()
        assert again.data(23, 4, str) == SERIAL0


def test_freeing_a_buffer_of_an_outstanding_command_then_reset(bdfs):
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        b = nvmetest.Buffer(c, 4096)
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, buf=b)     # holds the buffer, never completes
        b.close()
        c.reset()
        with pytest.raises(nvmetest.NvtError) as e:
            c.waitdone()
        assert e.value.errno == errno.ECANCELED


def test_buffer_outlives_its_controller(bdfs):
    c = nvmetest.Controller("nvmetest0")
    b = nvmetest.Buffer(c, 4096)
    c.close()
    b[0:4] = b"abcd"                # the C controller lives until the buffer goes
    assert b.data(3, 0, str) == "abcd"
    b.close()


def test_largest_buffer_transfers(ctrl):
    with nvmetest.Buffer(ctrl, nvmetest.BUF_MAX_SIZE) as b:
        b.offset = nvmetest.BUF_MAX_SIZE - 4096
        ctrl.identify(b).waitdone()
        assert b.data(nvmetest.BUF_MAX_SIZE - 4096 + 1, nvmetest.BUF_MAX_SIZE - 4096) == 0x1b36


def low_memory(size):
    """Guest physical memory from address 0 (x86 lets root read the first 1 MiB)."""
    try:
        with open("/dev/mem", "rb", buffering=0) as f:
            return f.read(size)
    except OSError as e:
        pytest.skip(f"/dev/mem is not readable here: {e}")


def test_short_range_never_lets_the_device_write_outside_the_buffer(ctrl):
    with nvmetest.Buffer(ctrl, 4096) as b:
        b.offset = 4096 - 16            # 16 bytes described; Identify moves 4096
        try:
            ctrl.identify(b).waitdone()
        except (nvmetest.NvtError, nvmetest.NvmeStatusError):
            pass                        # refusing the range is fine too
        assert SERIAL0.encode() not in low_memory(4096), \
            "Identify data landed at physical address 0"
