# SPDX-License-Identifier: MIT
"""Admin commands against the emulated controller: statuses, callbacks, chaining,
timeouts."""
import errno
import logging
import threading
import time

import pytest

import nvmetest
from admin_helpers import (INVALID_FIELD, INVALID_NSID, INVALID_OPCODE, NS2_LBAS, QUEUES0,
                           TEMP_K, TEMP_THRESH_K, init_without_aers)


@pytest.fixture
def buf(ctrl):
    with nvmetest.Buffer(ctrl, 4096) as b:
        yield b


# ---- features ----

def test_number_of_queues_granted_16(ctrl):
    cdw0 = ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone()
    assert cdw0 == (QUEUES0 - 1) << 16 | (QUEUES0 - 1)
    assert ctrl.latest_cdw0 == cdw0
    assert ctrl.queues_granted == (QUEUES0, QUEUES0)


def test_temperature_threshold_round_trip(ctrl):
    try:
        ctrl.setfeatures(nvmetest.FID_TEMP_THRESH, cdw11=0x150).waitdone()
        assert ctrl.getfeatures(nvmetest.FID_TEMP_THRESH).waitdone() == 0x150
    finally:
        ctrl.setfeatures(nvmetest.FID_TEMP_THRESH, cdw11=TEMP_THRESH_K).waitdone()
    assert ctrl.getfeatures(nvmetest.FID_TEMP_THRESH).waitdone() == TEMP_THRESH_K


def test_volatile_write_cache_off_and_on(ctrl):
    assert ctrl.getfeatures(nvmetest.FID_VOLATILE_WC).waitdone() == 1
    try:
        ctrl.setfeatures(nvmetest.FID_VOLATILE_WC, cdw11=0).waitdone()
        assert ctrl.getfeatures(nvmetest.FID_VOLATILE_WC).waitdone() == 0
    finally:
        ctrl.setfeatures(nvmetest.FID_VOLATILE_WC, cdw11=1).waitdone()
    assert ctrl.getfeatures(nvmetest.FID_VOLATILE_WC).waitdone() == 1


def test_feature_capabilities_and_save_not_supported(ctrl):
    caps = ctrl.getfeatures(nvmetest.FID_TEMP_THRESH, sel=nvmetest.SEL_SUPPORTED).waitdone()
    assert caps & 0x4           # changeable
    assert not caps & 0x1       # not saveable
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.setfeatures(nvmetest.FID_TEMP_THRESH, sv=1, cdw11=TEMP_THRESH_K).waitdone()
    assert e.value.sct == 1     # command specific: Feature Identifier Not Saveable
    assert e.value.sc == 0x0d
    with pytest.raises(nvmetest.NvtError) as e2:
        ctrl.getfeatures(nvmetest.FID_ARBITRATION, sel=8)
    assert e2.value.errno == errno.EINVAL


def test_timestamp_feature_with_a_buffer(ctrl, buf):
    buf.xfer_size = 8
    ctrl.getfeatures(nvmetest.FID_TIMESTAMP, buf=buf).waitdone()
    first = buf.data(5, 0)
    time.sleep(0.2)
    ctrl.getfeatures(nvmetest.FID_TIMESTAMP, buf=buf).waitdone()
    assert buf.data(5, 0) > first


# ---- log pages ----

def test_smart_log_composite_temperature(ctrl, buf):
    ctrl.getlogpage(nvmetest.LID_SMART, buf, 512).waitdone()
    assert buf.data(2, 1) == TEMP_K
    assert buf.data(0) == 0         # no critical warning


def test_error_log_is_empty(ctrl, buf):
    ctrl.getlogpage(nvmetest.LID_ERROR, buf, 64).waitdone()
    assert buf[:64] == bytes(64)


def test_effects_log_marks_identify_supported(ctrl, buf):
    ctrl.getlogpage(nvmetest.LID_CMD_EFFECTS, buf, 4096).waitdone()
    assert buf.data(4 * 0x06 + 3, 4 * 0x06) & 1         # ACS Identify: CSUPP
    assert buf.data(4 * 0x80 + 3, 4 * 0x80) & 0b11 == 0b11   # Format: CSUPP, LBCC
    assert not buf.data(4 * 0x84 + 3, 4 * 0x84) & 1     # Sanitize


def test_log_page_size_zero_uses_the_transfer_size(ctrl, buf):
    buf.xfer_size = 512
    ctrl.getlogpage(nvmetest.LID_SMART, buf).waitdone()
    e = ctrl.cmdlog(1)[0]
    assert e.opcode == nvmetest.ADMIN_GET_LOG_PAGE
    assert e.cdw10 >> 16 == 512 // 4 - 1        # NUMDL
    assert buf.data(2, 1) == TEMP_K


def test_invalid_log_page_is_invalid_field(ctrl, buf):
    # QEMU 7.2 answers Invalid Field, not Invalid Log Page (01/09).
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.getlogpage(0x80, buf, 512).waitdone()
    assert e.value.status == INVALID_FIELD


# ---- statuses ----

@pytest.mark.parametrize("opcode", [0x3f, 0xff])
def test_invalid_opcode_is_00_01(ctrl, opcode, caplog):
    with caplog.at_level(logging.WARNING, logger="nvmetest"):
        with pytest.raises(nvmetest.NvmeStatusError) as e:
            ctrl.send_cmd(opcode).waitdone()
    assert e.value.status == INVALID_OPCODE
    assert str(e.value) == "ERROR status: 00/01 Invalid Command Opcode"
    assert e.value.cqe is not None and e.value.dnr == 1
    assert "ERROR status: 00/01 Invalid Command Opcode" in caplog.text


def test_get_log_page_invalid_namespace(ctrl, buf):
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.getlogpage(nvmetest.LID_SMART, buf, 512, nsid=0x1000).waitdone()
    assert e.value.status == INVALID_NSID


@pytest.mark.parametrize("send", [
    lambda c, b: c.ns_mgmt(nvmetest.NS_MGMT_DELETE, nsid=2),
    lambda c, b: c.fw_download(b, 0, 4096),
    lambda c, b: c.fw_commit(1, 1),
    lambda c, b: c.sanitize(),
    lambda c, b: c.dst(1),
    lambda c, b: c.security_send(b, secp=1),
    lambda c, b: c.security_receive(b, secp=0),
    lambda c, b: c.directive_send(nsid=1, doper=1, dtype=0),
    lambda c, b: c.directive_receive(nsid=1, doper=1, dtype=0, buf=b, size=4096),
    lambda c, b: c.send_cmd(nvmetest.ADMIN_KEEP_ALIVE),
], ids=["ns-mgmt", "fw-download", "fw-commit", "sanitize", "dst", "security-send",
        "security-receive", "directive-send", "directive-receive", "keep-alive"])
def test_commands_absent_in_qemu_are_invalid_opcode(ctrl, buf, send):
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        send(ctrl, buf).waitdone()
    assert e.value.status == INVALID_OPCODE
    assert e.value.dnr == 1


def test_abort_is_accepted_but_never_aborts(ctrl):
    cdw0 = ctrl.abort(cid=0x1234).waitdone()
    assert cdw0 & 1 == 1        # bit 0: command not aborted


def test_format_namespace_2_and_back(ctrl, buf):
    try:
        ctrl.send_cmd(nvmetest.ADMIN_FORMAT_NVM, nsid=2, cdw10=0, timeout_ms=60000)
        ctrl.waitdone()
        ctrl.identify(buf, nsid=2, cns=nvmetest.CNS_NS).waitdone()
        assert buf.data(26) & 0xf == 0
        assert buf.data(7, 0) == NS2_LBAS * 8       # 512-byte blocks now
    finally:
        ctrl.timeout = 60000
        ctrl.format(lbaf=4, nsid=2).waitdone()
    ctrl.identify(buf, nsid=2, cns=nvmetest.CNS_NS).waitdone()
    assert buf.data(26) & 0xf == 4
    assert buf.data(7, 0) == NS2_LBAS


def test_format_invalid_lba_format_is_invalid_format(ctrl):
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.format(lbaf=15, nsid=2).waitdone()
    assert (e.value.sct, e.value.sc) == (1, 0x0a)


# ---- callbacks and chaining ----

def test_callbacks_get_cdw0_and_status_in_submission_order(ctrl):
    seen = []
    ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=lambda c: seen.append(("nq", c)))
    ctrl.send_cmd(0xff, cb=lambda c: seen.append(("bad", c)))
    ctrl.getfeatures(nvmetest.FID_VOLATILE_WC, cb=lambda c: seen.append(("vwc", c)))
    assert ctrl.outstanding == 3
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.waitdone(3)
    assert [name for name, _ in seen] == ["nq", "bad", "vwc"]
    nq, bad, vwc = (c for _, c in seen)
    assert nq.cdw0 == 0x000f000f and nq.status == 0 and nq.ok
    assert bad.status == INVALID_OPCODE and bad.sct == 0 and bad.sc == 1 and bad.dnr
    assert vwc.cdw0 == 1
    assert e.value.completion == bad
    assert nq.opcode == nvmetest.ADMIN_GET_FEATURES and nq.sqe[10] & 0xff == 7
    assert nq.cid == nq.cqe[3] & 0xffff
    assert nq.latency_us == (nq.complete_ns - nq.submit_ns) // 1000
    assert ctrl.latest_cid == vwc.cid
    assert ctrl.latest_latency == vwc.latency_us
    assert ctrl.outstanding == 0


def test_chained_commands_then_waitdone_n(ctrl, buf):
    cdw0 = (ctrl.identify(buf)
                .getfeatures(nvmetest.FID_VOLATILE_WC)
                .getfeatures(nvmetest.FID_NUM_QUEUES)
                .waitdone(3))
    assert cdw0 == 0x000f000f       # DW0 of the last one
    assert buf.data(1, 0) == 0x1b36


def test_callback_may_send_the_next_command(ctrl):
    seen = []

    def first(cpl):
        seen.append(cpl.cdw0)
        ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=lambda c: seen.append(c.cdw0))

    ctrl.getfeatures(nvmetest.FID_VOLATILE_WC, cb=first).waitdone()
    assert seen == [1]
    assert ctrl.outstanding == 1
    ctrl.waitdone()
    assert seen == [1, 0x000f000f]


def test_waitdone_inside_a_callback_is_refused(ctrl):
    errors = []

    def cb(cpl):
        try:
            ctrl.waitdone()
        except nvmetest.NvtError as e:
            errors.append(e)

    ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=cb).waitdone()
    assert len(errors) == 1
    assert errors[0].errno == errno.EDEADLK
    assert "callback" in errors[0].strerror
    assert ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_exception_in_a_callback_is_raised_by_waitdone(ctrl):
    ran = []

    def bad(cpl):
        raise KeyError("from the callback")

    ctrl.getfeatures(nvmetest.FID_VOLATILE_WC, cb=bad)
    ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=ran.append)
    with pytest.raises(KeyError, match="from the callback"):
        ctrl.waitdone(2)
    assert len(ran) == 1            # the other callbacks ran anyway
    assert ctrl.outstanding == 0


def test_waitdone_more_than_outstanding_is_einval(ctrl):
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.waitdone(1)
    assert e.value.errno == errno.EINVAL
    assert ctrl.waitdone(0) == ctrl.latest_cdw0


def test_callback_must_be_callable(ctrl):
    with pytest.raises(TypeError):
        ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=42)
    assert ctrl.outstanding == 0


def test_send_cmd_passes_every_dword(ctrl):
    seen = []
    ctrl.send_cmd(0xc1, nsid=0x11223344, cdw10=10, cdw11=11, cdw12=12, cdw13=13, cdw14=14,
                  cdw15=15, cdw2=2, cdw3=3, cb=seen.append)
    with pytest.raises(nvmetest.NvmeStatusError):
        ctrl.waitdone()
    sqe = seen[0].sqe
    assert sqe[0] & 0xffff == 0xc1 and sqe[0] >> 16 == seen[0].cid
    assert sqe[1:4] == (0x11223344, 2, 3)
    assert sqe[10:16] == (10, 11, 12, 13, 14, 15)
    log = ctrl.cmdlog(1)[0]
    assert log.sqe[:4] == sqe[:4] and log.sqe[10:] == sqe[10:]


def test_fused_bits_reach_the_sqe(ctrl):
    seen = []
    ctrl.send_cmd(nvmetest.ADMIN_GET_FEATURES, cdw10=7, fuse=1, cb=seen.append)
    with pytest.raises(nvmetest.NvmeStatusError):
        ctrl.waitdone()         # an admin command may not be fused: Invalid Field
    assert seen[0].sqe[0] >> 8 & 3 == 1
    with pytest.raises(nvmetest.NvtError) as e:
        ctrl.send_cmd(0x0a, fuse=4)
    assert e.value.errno == errno.EINVAL


# ---- host timeouts ----

def test_host_timeout_of_an_aer_then_the_controller_keeps_working(bdfs):
    seen = []
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        start = time.monotonic()
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=1000, cb=seen.append)
        with pytest.raises(nvmetest.NvtTimeoutError) as e:
            c.waitdone()
        elapsed = time.monotonic() - start
        assert isinstance(e.value, TimeoutError)
        assert e.value.errno == errno.ETIMEDOUT
        assert 0.9 < elapsed < 5
        assert seen[0].timed_out and seen[0].status == nvmetest.STATUS_HOST_TIMEOUT
        assert c.cmdlog(1)[0].timed_out
        assert c.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_controller_timeout_applies_to_later_commands(bdfs):
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        c.timeout = 500
        assert c.timeout == 500
        # An AER opcode sent raw takes no default timeout; one given per command does.
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=500)
        with pytest.raises(TimeoutError):
            c.waitdone()
        c.timeout = 0
        assert c.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f


def test_download_firmware_helper_reports_the_first_failure(ctrl, tmp_path):
    image = tmp_path / "fw.bin"
    image.write_bytes(bytes(range(256)) * 40)       # 10240 bytes: several pieces
    with pytest.raises(nvmetest.NvmeStatusError) as e:
        ctrl.download_firmware(str(image), slot=1, action=1, chunk=4096)
    assert e.value.status == INVALID_OPCODE         # QEMU has no Firmware Image Download
    first = ctrl.cmdlog(1)[0]
    assert first.opcode == nvmetest.ADMIN_FW_DOWNLOAD and first.cdw10 == 4096 // 4 - 1
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    with pytest.raises(nvmetest.NvtError) as e2:
        ctrl.download_firmware(str(empty))
    assert e2.value.errno == errno.EINVAL


def test_one_waiter_at_a_time_while_others_submit(bdfs):
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=3000)     # completes by timing out
        ran_in = []
        results = []

        def waiter():
            try:
                results.append(c.waitdone(1))
            except Exception as e:      # reported by the main thread
                results.append(e)

        t = threading.Thread(target=waiter)
        t.start()
        time.sleep(0.5)
        with pytest.raises(nvmetest.NvtError) as e:
            c.waitdone(1)               # the other thread is waiting
        assert e.value.errno == errno.EBUSY
        # Submitting meanwhile is fine; the waiting thread reaps it and runs the callback.
        c.getfeatures(nvmetest.FID_NUM_QUEUES,
                      cb=lambda cpl: ran_in.append(threading.current_thread()))
        t.join(timeout=10)
        assert not t.is_alive()
        assert results == [0x000f000f] and ran_in == [t]
        with pytest.raises(nvmetest.NvtTimeoutError):
            c.waitdone(1)               # the AER's host timeout
