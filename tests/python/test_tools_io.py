# SPDX-License-Identifier: MIT
"""`nvmetest read|write|trim`: IO from the command line, with verification through the
kernel's shared table and hex dumps.

Most runs pass --init, so each starts from a freshly initialised controller;
test_io_twice_without_init checks that a controller is also usable as it is."""
import re

import pytest

import nvmetest
from conftest import nvmetest as tool
from io_helpers import MDTS0, NS1_LBA_SIZE, NS2_LBA_SIZE

LAT = re.compile(r"^latency: \d+ us$", re.M)


def run(*args, rc=0):
    res = tool(*args)
    assert res.returncode == rc, (args, res.stdout, res.stderr)
    return res


@pytest.fixture
def clean_table(bdfs):
    """Namespaces 1 and 2 with empty verification tables, before and after."""
    def reset():
        with nvmetest.Controller("nvmetest0") as c:
            for nsid in (1, 2):
                with nvmetest.Namespace(c, nsid, verify=True) as ns:
                    ns.verify_reset()
    reset()
    yield
    reset()


def test_write_then_verified_read_with_dump(clean_table):
    out = run("write", "nvmetest0", "--init", "--lba", "100", "--count", "2", "--verify",
              "--pattern", "0x5a5aa5a5").stdout
    lines = out.splitlines()
    assert lines[0] == ("write: nsid 1, LBA 0x64, 2 LBAs of 512 bytes, 1 command on qid 1, "
                        "data verification on")
    assert lines[1] == "status: 00/00 Successful Completion" and LAT.match(lines[2])
    out = run("read", "nvmetest0", "--init", "-l", "100", "-c", "2", "--verify",
              "--dump").stdout
    lines = out.splitlines()
    dump = lines[1:-2]
    assert len(dump) == 2 * NS1_LBA_SIZE // 16
    assert dump[0].startswith("00000000  64 00 00 00 00 00 00 00  a5 a5 5a 5a a5 a5 5a 5a ")
    assert dump[32].startswith("00000200  65 00 00 00 00 00 00 00  a5 a5 5a 5a ")
    assert dump[1].startswith("00000010  a5 a5 5a 5a a5 a5 5a 5a  a5 a5 5a 5a a5 a5 5a 5a ")
    assert lines[-2] == "status: 00/00 Successful Completion" and LAT.match(lines[-1])


def test_verified_read_of_corrupted_data_prints_07_81_and_exits_1(clean_table):
    run("write", "nvmetest0", "--init", "--lba", "0x200", "--count", "8", "--verify",
        "--pattern", "random")
    with nvmetest.Controller("nvmetest0") as c, nvmetest.Qpair(c, 8) as qp, \
            nvmetest.Namespace(c, 1) as ns, nvmetest.Buffer(c, NS1_LBA_SIZE) as buf:
        ns.write(qp, buf, 0x203).waitdone()      # verification off: unstamped zeros
    res = run("read", "nvmetest0", "--init", "--lba", "0x200", "--count", "8", "--verify",
              rc=1)
    assert ("ERROR status: 07/81 Data verification failed (read of LBA 0x200, 8 LBAs, CID "
            in res.stdout)
    assert "Successful" not in res.stdout
    assert "LBA 0x203" in res.stderr and "CRC mismatch" in res.stderr
    run("read", "nvmetest0", "--init", "--lba", "0x200", "--count", "3", "--verify")
    # Without --verify nothing is checked.
    run("read", "nvmetest0", "--init", "--lba", "0x200", "--count", "8")


def test_trim_then_verified_read_is_clean(clean_table):
    run("write", "nvmetest0", "--init", "--lba", "0x300", "--count", "16", "--verify")
    with nvmetest.Controller("nvmetest0") as c, nvmetest.Qpair(c, 8) as qp, \
            nvmetest.Namespace(c, 1) as ns, nvmetest.Buffer(c, NS1_LBA_SIZE) as buf:
        ns.write(qp, buf, 0x305).waitdone()      # unstamped: fails once the tool checks it
    run("read", "nvmetest0", "--init", "--lba", "0x300", "--count", "16", "--verify", rc=1)
    out = run("trim", "nvmetest0", "--init", "--lba", "0x300", "--count", "16",
              "--verify").stdout
    assert out.startswith("trim: nsid 1, LBA 0x300, 16 LBAs of 512 bytes, 1 command on qid 1")
    assert "status: 00/00 Successful Completion" in out
    run("read", "nvmetest0", "--init", "--lba", "0x300", "--count", "16", "--verify")


def test_transfers_above_mdts_are_split(clean_table):
    count = 3 * MDTS0 // NS1_LBA_SIZE + 10      # 3 full commands and a short one
    out = run("write", "nvmetest0", "--init", "--lba", "0x1000", "--count", str(count),
              "--verify", "--pattern", "random:50", "--depth", "3").stdout
    assert f"{count} LBAs of 512 bytes, 4 commands on qid 1" in out
    assert "status: 00/00 Successful Completion (4 commands)" in out
    assert re.search(r"^latency: min \d+ us, average \d+ us, max \d+ us$", out, re.M)
    out = run("read", "nvmetest0", "--init", "--lba", "0x1000", "--count", str(count),
              "--verify", "--dump").stdout
    offsets = [line.split()[0] for line in out.splitlines() if re.match("^[0-9a-f]{8} ", line)]
    assert len(offsets) == count * NS1_LBA_SIZE // 16
    assert offsets[-1] == f"{count * NS1_LBA_SIZE - 16:08x}"


def test_namespace_2_and_explicit_queue(clean_table):
    out = run("write", "nvmetest0", "--init", "--nsid", "2", "--lba", "7", "--count", "3",
              "--verify", "--qid", "9", "--depth", "8", "--fua").stdout
    assert out.startswith(f"write: nsid 2, LBA 0x7, 3 LBAs of {NS2_LBA_SIZE} bytes, "
                          "1 command on qid 9, data verification on")
    out = run("read", "nvmetest0", "--init", "-n", "2", "-l", "7", "-c", "3", "--verify",
              "--dump").stdout
    assert "00000000  07 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00 " in out
    assert "00002000  09 00 00 00 00 00 00 00  " in out


def test_io_twice_without_init(bdfs):
    run("write", "nvmetest0", "--init")     # makes (and deletes) an IO queue
    run("write", "nvmetest0")
    run("read", "nvmetest0")


def test_errors_and_usage():
    res = run("read", "nvmetest0", "--init", "--lba", str(2097152 - 1), "--count", "2", rc=1)
    assert "namespace 1 has 2097152 LBAs (0x0 .. 0x1fffff)" in res.stderr
    res = run("read", "nvmetest0", "--init", "--nsid", "0x1000", rc=1)
    assert res.stdout.strip() == "ERROR status: 00/0b Invalid Namespace or Format"
    res = run("read", "nvmetest0", "--init", "--nsid", "3", rc=1)
    assert "not active" in res.stderr
    res = run("write", "nvmetest0", "--init", "--qid", "17", rc=1)
    assert "qid" in res.stderr or "queue" in res.stderr
    for args in (("--count", "0"), ("--pattern", "stripes"), ("--pattern", "random:101"),
                 ("--depth", "1"), ("--qid", "0"), ("--nsid", "0"), ("--bogus",),
                 ("--lba", "-1")):
        res = run("write", "nvmetest0", *args, rc=2)
        assert res.stderr.startswith("nvmetest: "), args
    run("trim", "nvmetest0", "--pattern", "one", rc=2)
    run("read", "nvmetest0", "--pattern", "one", rc=2)
    run("read", rc=2)


@pytest.mark.parametrize("cmd,option", [("read", "--dump"), ("write", "--pattern"),
                                        ("trim", "--verify")])
def test_help(cmd, option):
    out = run(cmd, "--help").stdout
    assert out.startswith(f"usage: nvmetest {cmd} DEV [OPTIONS]")
    assert option in out and "--lba LBA" in out and "--init" in out
    assert cmd in run("--help").stdout
