# SPDX-License-Identifier: MIT
"""`nvmetest perf`: the fio-like benchmark over the IOWorker.

nvmetest1 is a 1 TiB null namespace (fast; never verified), nvmetest0's namespace 1 a
1 GiB file-backed one (for --verify). Every run passes --init (Number of Queues)."""
import json
import os
import pty
import re
import subprocess
import time

import pytest

import nvmetest
from conftest import TOOL, nvmetest as tool
from io_helpers import NS1_LBA_SIZE

PCTS = {"50", "90", "99", "99.9", "99.99"}


def run(*args, rc=0):
    res = tool(*args)
    assert res.returncode == rc, (args, res.stdout, res.stderr)
    return res


def perf_json(*args, rc=0):
    res = run("perf", *args, "--json", "--init", rc=rc)
    return json.loads(res.stdout), res


@pytest.fixture
def clean_table(bdfs):
    """Namespace 1 of nvmetest0 with an empty verification table, before and after."""
    def reset():
        with nvmetest.Controller("nvmetest0") as c, \
                nvmetest.Namespace(c, 1, verify=True) as ns:
            ns.verify_reset()
    reset()
    yield
    reset()


def test_randread_count_json(bdfs):
    out, _ = perf_json("nvmetest1", "--nsid", "1", "--rw", "randread", "--bs", "4k",
                       "--qd", "8", "--count", "2000")
    t = out["total"]
    assert t["ios"] == 2000 and t["reads"] == 2000 and t["writes"] == 0
    assert t["bytes"] == 2000 * 4096 and t["iops"] > 0 and t["error"] is None
    assert len(out["results"]) == 1 and out["results"][0]["ios"] == 2000
    assert set(out["percentiles_us"]) == PCTS
    p = [out["percentiles_us"][k] for k in ("50", "90", "99", "99.9", "99.99")]
    assert p == sorted(p) and p[-1] <= t["lat_max_us"]
    assert sum(b["count"] for b in out["histogram"]) == 2000


def test_live_line_on_a_terminal(bdfs):
    # stdout a pseudo-terminal: a progress line each second, with the rates
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(TOOL), "perf", "nvmetest1", "--rw", "randread", "--bs", "4k",
                             "--qd", "8", "--time", "3", "--init"],
                            stdout=slave, stderr=subprocess.PIPE, text=True)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:     # EIO: the tool closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    lines = [x for x in out.decode(errors="replace").split("\r") if x.startswith("\033[Kperf:")]
    assert lines, out
    m = re.match(r"\033\[Kperf: (\d+) s, (\d+) IOPS, ([\d.]+) MB/s, lat avg ([\d.]+) us "
                 r"max (\d+) us, (\d+) s left", lines[0])
    assert m, lines[0]
    iops, mbps = int(m.group(2)), float(m.group(3))
    assert iops > 0 and abs(mbps - iops * 4096 / 1e6) <= 0.05 * mbps + 0.1
    assert 0 < float(m.group(4)) <= int(m.group(5))


def test_time_stops_in_time(bdfs):
    t0 = time.monotonic()
    out, _ = perf_json("nvmetest1", "--rw", "randwrite", "--bs", "4k", "--qd", "16",
                       "--time", "2")
    took = time.monotonic() - t0
    assert 2 <= took < 20, took
    assert 1.9 <= out["total"]["duration_s"] <= 3
    assert out["total"]["writes"] > 0 and out["total"]["error"] is None


def test_iops_consistency_per_worker(bdfs):
    out, _ = perf_json("nvmetest1", "--rw", "randread", "--bs", "4k", "--qd", "8",
                       "--time", "3")
    assert 0 < out["results"][0]["iops_consistency"] <= 1
    assert out["total"]["iops_consistency"] is None     # the workers' seconds are not summed


def test_two_workers_sequential(bdfs):
    out, _ = perf_json("nvmetest1", "--rw", "read", "--bs", "128k", "--qd", "4",
                       "--count", "1001", "--workers", "2")
    assert [r["ios"] for r in out["results"]] == [501, 500]
    assert out["total"]["ios"] == 1001 and out["workers"] == 2


def test_text_output(bdfs):
    out = run("perf", "nvmetest1", "--rw", "randrw", "--rwmix", "70", "--count", "1000",
              "--qd", "4", "--workers", "2", "--init").stdout
    assert "worker" in out and "total" in out
    assert "latency percentiles:" in out and "99.99%" in out
    assert "latency histogram:" in out and "#" in out
    assert "\r" not in out           # no progress line when not on a terminal


def test_write_then_verified_read_is_clean(clean_table):
    bs = 4096
    region = 1024 * bs // NS1_LBA_SIZE           # 1024 IOs of 4k fill it exactly
    reg = f"0:{region}"
    out, _ = perf_json("nvmetest0", "--rw", "write", "--bs", "4k", "--qd", "8",
                       "--region", reg, "--count", "1024", "--workers", "2", "--verify")
    assert out["verify"] and out["total"]["writes"] == 1024
    out, _ = perf_json("nvmetest0", "--rw", "randread", "--bs", "4k", "--qd", "8",
                       "--region", reg, "--count", "3000", "--workers", "2", "--verify")
    assert out["total"]["reads"] == 3000 and out["total"]["error"] is None
    # An LBA overwritten without verification: a verified read reports 07/81, exit 1.
    with nvmetest.Controller("nvmetest0") as c, nvmetest.Qpair(c, 8) as qp, \
            nvmetest.Namespace(c, 1) as ns, nvmetest.Buffer(c, NS1_LBA_SIZE) as buf:
        ns.write(qp, buf, 5).waitdone()
    out, res = perf_json("nvmetest0", "--rw", "read", "--bs", "4k", "--qd", "4",
                         "--region", reg, "--count", "1024", "--verify", rc=1)
    err = out["total"]["error"]
    assert err["status"] == 0x781 and err["opcode"] == 2 and err["slba"] == 0
    assert "07/81" in res.stderr and "read of LBA 0x0" in res.stderr


@pytest.mark.parametrize("args, msg", [
    (["--rw", "sideways"], "--rw: 'sideways'"),
    (["--bs", "4x"], "--bs"),
    (["--bs", "1000"], "not a multiple of the LBA size"),
    (["--qd", "0"], "--qd"),
    (["--rwmix", "30"], "--rwmix goes with --rw randrw"),
    (["--region", "10"], "--region"),
    (["--region", "0:0x20000000000"], "beyond the namespace"),
    (["--count", "1", "--workers", "2"], "--count"),
    (["--workers", "0"], "--workers"),
    (["--time", "x"], "--time"),
    (["--frobnicate"], "unknown option"),
])
def test_bad_options_exit_2(bdfs, args, msg):
    res = run("perf", "nvmetest1", *args, "--init", rc=2)
    assert msg in res.stderr, res.stderr
