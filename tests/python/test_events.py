# SPDX-License-Identifier: MIT
"""Events: AERs (library callback, unhandled warning, netlink), host timeouts, resets,
through the binding and `nvmetest monitor`."""
import logging
import os
import select
import subprocess
import time

import pytest

import nvmetest
from admin_helpers import AER_TEMP, init_without_aers, poll_until, restore_temperature
from conftest import TOOL


def next_event(ev, match, timeout=10.0):
    """The first event for which match(e) holds, skipping others."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        e = ev.next(timeout=max(end - time.monotonic(), 0))
        if e is not None and match(e):
            return e
    raise AssertionError("the expected event did not come")


def trigger_temperature_aer(ctrl):
    """Enable SMART events, then put the over-temperature threshold below 323 K."""
    ctrl.setfeatures(nvmetest.FID_ASYNC_EVENT, cdw11=0x1ff)
    ctrl.setfeatures(nvmetest.FID_TEMP_THRESH, cdw11=0x100)
    ctrl.waitdone(2)


def test_reset_publishes_an_event(ctrl):
    with nvmetest.Events() as ev:
        assert ev.fileno() >= 0
        assert ev.next(timeout=0) is None
        ctrl.reset()
        e = next_event(ev, lambda e: e.type == nvmetest.EVENT_RESET and e.minor == 0)
    assert e.name == "reset" and e.dev == "/dev/nvmetest0"
    assert e.bdf == "0000:01:00.0"
    assert e.cdw0 is None and e.opcode is None
    assert str(e) == "nvmetest0 0000:01:00.0 reset"


def test_host_timeout_publishes_an_event_with_opcode_and_cid(bdfs):
    seen = []
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c, \
            nvmetest.Events() as ev:
        c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=1000, cb=seen.append)
        with pytest.raises(nvmetest.NvtTimeoutError):
            c.waitdone()
        e = next_event(ev, lambda e: e.type == nvmetest.EVENT_TIMEOUT)
    assert (e.minor, e.opcode, e.cid, e.qid) == (0, nvmetest.ADMIN_ASYNC_EVENT, seen[0].cid, 0)
    assert f"timeout opcode 0x0c Asynchronous Event Request cid {seen[0].cid} qid 0" in e.text


def test_temperature_aer_reaches_the_callback_and_netlink(ctrl):
    got = []
    ctrl.set_aer_cb(got.append)
    try:
        with nvmetest.Events() as ev:
            trigger_temperature_aer(ctrl)
            poll_until(ctrl, lambda: got, what="the AER callback")
            e = next_event(ev, lambda e: e.type == nvmetest.EVENT_AER and e.minor == 0)
        assert got[0].cdw0 == AER_TEMP and got[0].ok
        assert got[0].opcode == nvmetest.ADMIN_ASYNC_EVENT
        assert e.cdw0 == AER_TEMP and e.status == 0
        assert "aer cdw0 0x00020101 (SMART / health: temperature threshold, log page 02h)" \
            in e.text
        # The library sent a new AER in its place: still AERL + 1 outstanding.
        outstanding = [x for x in ctrl.cmdlog(16) if x.opcode == 0x0c and x.outstanding]
        assert len(outstanding) == ctrl.id_data(259) + 1
    finally:
        ctrl.set_aer_cb(None)
        restore_temperature(ctrl)


def test_aer_with_its_own_callback(bdfs):
    got = []
    with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
        c.aer(cb=got.append)
        assert c.outstanding == 0       # a library AER: waitdone() does not count it
        try:
            trigger_temperature_aer(c)
            poll_until(c, lambda: got, what="the AER's own callback")
            assert got[0].cdw0 == AER_TEMP
        finally:
            restore_temperature(c)


def test_unhandled_aer_is_a_warning(ctrl, caplog):
    try:
        with caplog.at_level(logging.WARNING, logger="nvmetest"):
            trigger_temperature_aer(ctrl)
            poll_until(ctrl, lambda: "unhandled AER" in caplog.text, what="the warning")
        assert "unhandled AER: DW0 0x00020101" in caplog.text
    finally:
        restore_temperature(ctrl)


def test_aers_cancelled_by_a_reset_reach_the_callback(ctrl):
    got = []
    ctrl.set_aer_cb(got.append)
    ctrl.reset()
    ctrl.waitdone(0)
    assert len(got) == ctrl.id_data(259) + 1
    assert all(c.cancelled for c in got)
    ctrl.set_aer_cb(None)


class Monitor:
    """`nvmetest monitor` in a subprocess, its stdout read line by line as it comes."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([str(TOOL), "monitor", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        ready = self.proc.stderr.readline().decode()     # printed once subscribed
        assert ready.startswith("monitoring nvmetest events"), ready
        self.lines = []
        self.partial = b""

    def wait_for(self, text, timeout=20.0):
        """The first line holding @text (raw reads: no buffer hides lines from select())."""
        end = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not any(text in line for line in self.lines):
            left = end - time.monotonic()
            assert left > 0, f"monitor did not print {text!r}: {self.lines}"
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 65536)
                assert chunk, f"monitor ended: {self.lines}"
                *done, self.partial = (self.partial + chunk).split(b"\n")
                self.lines += [line.decode() for line in done]
        return next(line for line in self.lines if text in line)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()


def test_monitor_prints_reset_timeout_and_aer_live(bdfs):
    mon = Monitor("--timeout", "120")
    try:
        with nvmetest.Controller("nvmetest0", init=init_without_aers) as c:
            mon.wait_for("nvmetest0 0000:01:00.0 reset")
            c.send_cmd(nvmetest.ADMIN_ASYNC_EVENT, timeout_ms=500)
            with pytest.raises(TimeoutError):
                c.waitdone()
            line = mon.wait_for(" timeout ")
            assert "opcode 0x0c Asynchronous Event Request" in line
            c.reset()           # clears the timed-out AER
            c.aer()
            try:
                trigger_temperature_aer(c)
                line = mon.wait_for(" aer ")
                assert "aer cdw0 0x00020101 (SMART / health: temperature threshold" in line
            finally:
                restore_temperature(c)
        # Each line: local time, device, PCI address, event, details.
        stamp, dev, bdf, event = line.split()[:4]
        assert len(stamp) == 12 and stamp[2] == ":" and stamp[8] == "."
        assert (dev, bdf, event) == ("nvmetest0", "0000:01:00.0", "aer")
    finally:
        mon.stop()


def test_monitor_count_ends_it(bdfs, ctrl):
    mon = Monitor("--count", "1", "--timeout", "60")
    try:
        ctrl.reset()
        assert mon.proc.wait(timeout=30) == 0
        out = mon.proc.stdout.read().decode()
        assert len(out.splitlines()) == 1 and out.rstrip().endswith("reset")
    finally:
        mon.stop()


def test_monitor_timeout_without_enough_events_fails(bdfs):
    res = subprocess.run([str(TOOL), "monitor", "--count", "1", "--timeout", "1"],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 1
    assert res.stdout == ""
    assert "0 of 1 events in 1 s" in res.stderr

