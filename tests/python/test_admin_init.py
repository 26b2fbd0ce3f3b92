# SPDX-License-Identifier: MIT
"""Bringing a controller up: the default init, a custom one, reset and shutdown."""
import errno
import time

import pytest

import nvmetest
from admin_helpers import QUEUES0, SERIAL0, init_without_aers

CSTS_RDY, CSTS_SHST_MASK, CSTS_SHST_COMPLETE = 0x1, 0xc, 0x8


def field(name, reg, value):
    return nvmetest.reg_field(reg, name, value)


def test_default_init_enables_and_identifies(ctrl):
    cc = ctrl.reg_read32(nvmetest.REG_CC)
    assert field("EN", nvmetest.REG_CC, cc) == 1
    assert field("IOSQES", nvmetest.REG_CC, cc) == 6
    assert field("IOCQES", nvmetest.REG_CC, cc) == 4
    assert ctrl.reg_read32(nvmetest.REG_CSTS) & CSTS_RDY
    assert ctrl.id_data(23, 4, str) == SERIAL0
    assert ctrl.queues_granted == (QUEUES0, QUEUES0)
    # AQA holds the default depths, 0's based (128 entries each).
    assert ctrl.reg_read32(nvmetest.REG_AQA) == (127 << 16 | 127)
    assert ctrl.timeout == nvmetest.CTRL_DEFAULT_TIMEOUT_MS


def test_admin_queue_depths_and_timeout_options(bdfs):
    with nvmetest.Controller("nvmetest0", sq_depth=16, cq_depth=32, timeout_ms=2500) as c:
        assert c.reg_read32(nvmetest.REG_AQA) == (31 << 16 | 15)
        assert c.timeout == 2500
        assert c.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


@pytest.mark.parametrize("kw", [dict(sq_depth=1), dict(cq_depth=4097)])
def test_bad_admin_queue_depth_is_einval(bdfs, kw):
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Controller("nvmetest0", **kw)
    assert e.value.errno == errno.EINVAL


def test_custom_init_runs_the_spec_sequence_by_hand(bdfs):
    steps = []

    def init(c):
        # NVMe 1.4 7.6.1, with the library's steps and our own register writes.
        c.disable()
        steps.append("disabled")
        c.init_adminq()
        cap = c.cap
        mps = field("MPSMIN", nvmetest.REG_CAP, cap)
        cc = 6 << 16 | 4 << 20 | mps << 7 | 1    # IOSQES, IOCQES, MPS, CSS NVM, AMS RR, EN
        c.reg_write32(nvmetest.REG_CC, cc)
        end = time.monotonic() + 7.5
        while not c.reg_read32(nvmetest.REG_CSTS) & CSTS_RDY:
            assert time.monotonic() < end, "CSTS.RDY did not become 1"
            time.sleep(0.001)
        steps.append("enabled")
        c.identify_init()
        c.init_queues(4, 2)
        # Any command works inside the sequence, waited for with waitdone().
        with nvmetest.Buffer(c, 4096) as buf:
            c.identify(buf, nsid=1, cns=nvmetest.CNS_NS).waitdone()
            steps.append(buf.data(7, 0))

    with nvmetest.Controller("nvmetest0", init=init) as c:
        assert steps == ["disabled", "enabled", 2097152]
        # QEMU grants all its queue pairs whatever is asked (the spec allows it).
        asked = [e for e in c.cmdlog(8) if e.opcode == nvmetest.ADMIN_SET_FEATURES]
        assert asked[-1].sqe[10] == nvmetest.FID_NUM_QUEUES
        assert asked[-1].sqe[11] == (2 - 1) << 16 | (4 - 1)
        assert c.queues_granted == (QUEUES0, QUEUES0)
        assert c.id_data(23, 4, str) == SERIAL0
        # No AERs in this sequence: none outstanding in the command log.
        assert not [e for e in c.cmdlog(10) if e.opcode == 0x0c and e.outstanding]
        c.reset()       # runs the hook again
        assert steps[3:] == ["disabled", "enabled", 2097152]


def test_custom_init_failure_fails_the_open(bdfs):
    class Boom(Exception):
        pass

    def raising(c):
        c.disable()
        raise Boom("no")

    with pytest.raises(Boom):
        nvmetest.Controller("nvmetest0", init=raising)
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Controller("nvmetest0", init=lambda c: -errno.EIO)
    assert e.value.errno == errno.EIO
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        nvmetest.Controller("nvmetest0", init=lambda c: 0x002)
    assert (e.value.sct, e.value.sc) == (0, 2)
    with pytest.raises(TypeError):
        nvmetest.Controller("nvmetest0", init=42)
    with pytest.raises(ValueError):
        nvmetest.Controller("nvmetest0", init=init_without_aers, no_init=True)
    # The controller is left disabled by the failed hook; a default open brings it back.
    with nvmetest.Controller("nvmetest0") as c:
        assert c.id_data(23, 4, str) == SERIAL0


def test_no_init_touches_nothing(ctrl):
    generation = ctrl.generation
    asq = ctrl.reg_read64(nvmetest.REG_ASQ)
    with nvmetest.Controller("nvmetest0", no_init=True) as raw:
        assert raw.reg_read64(nvmetest.REG_ASQ) == asq
        with pytest.raises(nvmetest.NvtError) as e:
            raw.id_data(1, 0)
        assert e.value.errno == errno.ENODATA
    # The first controller's queue is intact: its commands still work.
    assert ctrl.generation == generation
    assert ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_building_blocks_one_by_one(bdfs):
    with nvmetest.Controller("nvmetest0", no_init=True) as c:
        g0 = c.generation
        c.disable()
        assert not c.reg_read32(nvmetest.REG_CSTS) & CSTS_RDY
        assert c.generation != g0
        c.init_adminq()
        c.enable()
        assert c.reg_read32(nvmetest.REG_CSTS) & CSTS_RDY
        with pytest.raises(nvmetest.NvtError) as e:
            c.queues_granted
        assert e.value.errno == errno.ENODATA
        c.identify_init()
        c.init_queues(8, 8)
        assert c.queues_granted == (QUEUES0, QUEUES0)
        c.aer_arm()
        outstanding_aers = [e for e in c.cmdlog(8) if e.opcode == 0x0c and e.outstanding]
        assert len(outstanding_aers) == c.id_data(259) + 1    # AERL + 1
        c.aer_arm()     # already armed: nothing more sent
        assert len([e for e in c.cmdlog(16) if e.opcode == 0x0c and e.outstanding]) == \
            len(outstanding_aers)
        assert c.outstanding == 0


def test_admin_queue_setup_on_an_enabled_controller_is_busy(bdfs):
    with nvmetest.Controller("nvmetest0") as c:
        with pytest.raises(nvmetest.NvtError) as e:
            c.init_adminq()       # the controller is enabled
        assert e.value.errno == errno.EBUSY


def test_reset_gives_a_working_controller_and_new_generation(ctrl):
    g = ctrl.generation
    ctrl.reset()
    assert ctrl.generation != g
    assert ctrl.queues_granted == (QUEUES0, QUEUES0)
    assert ctrl.getfeatures(nvmetest.FID_VOLATILE_WC).waitdone() == 1


def test_reset_with_commands_outstanding_cancels_them(bdfs):
    seen = []
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        # Asynchronous Event Requests sent as plain commands never complete by themselves.
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, cb=seen.append)
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, cb=seen.append)
        assert c.outstanding == 2
        c.reset()
        with pytest.raises(nvmetest.NvtError) as e:
            c.waitdone(2)
        assert e.value.errno == errno.ECANCELED
        assert len(seen) == 2
        assert all(cpl.cancelled and cpl.status == nvmetest.STATUS_HOST_CANCELLED
                   for cpl in seen)
        assert c.outstanding == 0
        assert c.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


@pytest.mark.parametrize("abrupt", [False, True])
def test_shutdown_then_reset_brings_it_back(ctrl, abrupt):
    ctrl.shutdown(abrupt=abrupt)
    csts = ctrl.reg_read32(nvmetest.REG_CSTS)
    assert csts & CSTS_SHST_MASK == CSTS_SHST_COMPLETE
    shn = field("SHN", nvmetest.REG_CC, ctrl.reg_read32(nvmetest.REG_CC))
    assert shn == (2 if abrupt else 1)
    ctrl.reset()
    assert ctrl.reg_read32(nvmetest.REG_CSTS) & (CSTS_SHST_MASK | CSTS_RDY) == CSTS_RDY
    assert ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_close_with_commands_outstanding_then_reopen(bdfs):
    c = nvmetest.Controller("nvmetest0", init=init_without_aers)
    called = []
    c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, cb=called.append)
    with nvmetest.Buffer(c) as buf:
        c.identify(buf, cb=called.append)
    c.close()
    assert called == []     # forgotten without their callbacks
    with nvmetest.Controller("nvmetest0") as again:
        assert again.id_data(23, 4, str) == SERIAL0


def test_controller_on_pcie_with_options(bdfs):
    with nvmetest.Pcie(bdfs[1]) as pcie:
        c = nvmetest.Controller(pcie, timeout_ms=3000)
    with c:
        assert c.timeout == 3000
        assert c.id_data(23, 4, str) == "NVT00000001"
        assert c.queues_granted == (64, 64)
