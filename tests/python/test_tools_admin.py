# SPDX-License-Identifier: MIT
"""The admin subcommands of the tool: identify, log, features, admin, reset."""
import pytest

import nvmetest
from admin_helpers import SERIAL0, TEMP_K
from conftest import nvmetest as tool


def fields(stdout):
    """NAME VALUE... lines as a dict of the first word to the rest."""
    out = {}
    for line in stdout.splitlines():
        name, _, rest = line.partition(" ")
        out[name] = rest.strip()
    return out


def ok(*args):
    res = tool(*args)
    assert res.returncode == 0, (args, res.stdout, res.stderr)
    return res.stdout


def test_identify_shows_the_serial_and_decoded_fields(bdfs):
    f = fields(ok("identify", "nvmetest0"))
    assert f["SN"] == SERIAL0
    assert f["MN"] == "QEMU NVMe Ctrl"
    assert f["VID"] == "0x1b36"
    assert f["VER"] == "0x00010400 (1.4.0)"
    assert f["MDTS"] == "5 (131072 bytes)"
    assert f["NN"] == "256"
    assert "Format-NVM" in f["OACS"] and "Namespace-Management" in f["OACS"]
    assert "Dataset-Management" in f["ONCS"]
    assert f["SQES"] == "0x66 (required 64 bytes, maximum 64 bytes)"
    assert f["VWC"].startswith("0x07 present")
    assert f["SUBNQN"] == f"nqn.2019-08.org.qemu:{SERIAL0}"
    assert f["WCTEMP"] == "343 K (70 C)"
    for dev in (bdfs[1], "/dev/nvmetest1", bdfs[1][5:]):
        assert fields(ok("identify", dev))["SN"] == "NVT00000001"


@pytest.mark.parametrize("nsid,nsze,lba_bytes,inuse", [("1", "2097152", "512", 0),
                                                       ("2", "65536", "4096", 4)])
def test_identify_namespace_sizes_and_formats(bdfs, nsid, nsze, lba_bytes, inuse):
    out = ok("identify", "nvmetest0", "--nsid", nsid)
    f = fields(out)
    assert f["NSZE"].startswith(f"{nsze} blocks")
    assert f["NLBAF"] == "7 (8 LBA formats)"
    formats = [line for line in out.splitlines() if line.startswith("  LBAF")]
    assert len(formats) == 8
    used = [line for line in formats if line.endswith("in use")]
    assert len(used) == 1 and used[0].startswith(f"  LBAF{inuse} ")
    assert f"({lba_bytes:>5} bytes)" in used[0]


def test_identify_raw_and_lists(bdfs):
    out = ok("identify", "nvmetest0", "--raw")
    assert len(out.splitlines()) == 256
    assert out.startswith("00000000  36 1b ")
    assert ok("identify", "nvmetest0", "--cns", "2").split() == ["NSID", "1", "NSID", "2"]
    res = tool("identify", "nvmetest0", "--nsid", "0x1000")
    assert res.returncode == 1
    assert res.stdout.strip() == "ERROR status: 00/0b Invalid Namespace or Format"


def test_log_smart_decodes_temperature(bdfs):
    f = ok("log", "nvmetest0", "2")
    assert f"composite temperature                {TEMP_K} K (50 C)" in f
    assert "critical warning                     0x00 -" in f
    assert "data units read" in f


def test_log_error_firmware_and_effects(bdfs):
    assert ok("log", "nvmetest0", "1").startswith("no error entries")
    fw = ok("log", "nvmetest0", "0x03")
    assert "active slot          1" in fw
    effects = ok("log", "nvmetest0", "5")
    admin, io = effects.split("I/O commands supported:")
    assert "06h Identify" in admin and "80h Format NVM" in admin
    assert "84h" not in admin                 # no sanitize in QEMU
    assert "01h Write" in io and "02h Read" in io
    raw = ok("log", "nvmetest0", "2", "--size", "64", "--raw")
    assert len(raw.splitlines()) == 4
    assert raw.startswith(f"00000000  00 {TEMP_K & 0xff:02x} {TEMP_K >> 8:02x} ")


def test_log_invalid_page_and_bad_arguments(bdfs):
    res = tool("log", "nvmetest0", "0x80")
    assert res.returncode == 1
    assert res.stdout.strip() == "ERROR status: 00/02 Invalid Field in Command"
    for args in (["log", "nvmetest0", "256"], ["log", "nvmetest0", "2", "--size", "6"],
                 ["log", "nvmetest0"], ["log", "nvmetest0", "2", "--offset", "2"]):
        assert tool(*args).returncode == 2, args


def test_features_lists_number_of_queues(bdfs):
    out = ok("features", "nvmetest0")
    lines = {line[:3]: line for line in out.splitlines()}
    assert "Number of Queues" in lines["07h"]
    assert "0x000f000f  NSQA=15 NCQA=15 (16 submission, 16 completion queues)" in lines["07h"]
    assert "WCE=1 (enabled)" in lines["06h"]
    assert "Arbitration" in lines["01h"]
    assert "TLER=0" in lines["05h"]             # namespace specific: read for namespace 1
    assert "IV=0 CD=1" in lines["09h"]
    assert "ERROR status: 00/02 Invalid Field in Command" in lines["0fh"]   # no keep alive


def test_features_one_and_capabilities(bdfs):
    assert "TMPTH=343 K (70 C)" in ok("features", "nvmetest0", "--fid", "4")
    assert "changeable" in ok("features", "nvmetest0", "--fid", "0x06", "--sel", "3")
    res = tool("features", "nvmetest0", "--fid", "0x99")
    assert res.returncode == 1
    assert "ERROR status: 00/02" in res.stdout
    assert tool("features", "nvmetest0", "--cdw11", "1").returncode == 2


def test_admin_invalid_opcode_shows_the_error_status(bdfs):
    for opcode in ("0xff", "0x3f"):
        res = tool("admin", "nvmetest0", "--opcode", opcode)
        assert res.returncode == 1
        lines = res.stdout.splitlines()
        assert lines[1] == "ERROR status: 00/01 Invalid Command Opcode"
        assert lines[2] == "cdw0: 0x00000000"
        assert "DNR 1" in lines[3]


def test_admin_identify_with_data_and_get_features(bdfs):
    out = ok("admin", "nvmetest0", "--opcode", "6", "--cdw10", "1", "--read",
             "--data-len", "64")
    lines = out.splitlines()
    assert lines[0] == "opcode 0x06 (Identify)"
    assert lines[1] == "status: 00/00 Successful Completion"
    assert "NVT00000000" in "".join(lines[5:])
    assert len(lines) == 4 + 1 + 4           # 64 bytes: 4 dump lines
    out = ok("admin", "nvmetest0", "--opcode", "0x0a", "--cdw10", "7")
    assert "cdw0: 0x000f000f" in out


def test_admin_write_sends_a_file(bdfs, tmp_path):
    data = bytearray(512)
    data[0] = 1                             # Host Behavior Support: ACRE
    path = tmp_path / "host-behavior.bin"
    path.write_bytes(bytes(data))
    try:
        ok("admin", "nvmetest0", "--opcode", "0x09", "--cdw10", "0x16", "--write", str(path))
        assert "ACRE=1" in ok("features", "nvmetest0", "--fid", "0x16")
    finally:
        path.write_bytes(bytes(512))
        ok("admin", "nvmetest0", "--opcode", "0x09", "--cdw10", "0x16", "--write", str(path))
    assert "ACRE=0" in ok("features", "nvmetest0", "--fid", "0x16")


def test_admin_timeout_and_usage(bdfs):
    with nvmetest.Controller("nvmetest0") as c:     # its AERs: a raw one is refused at once
        res = tool("admin", "nvmetest0", "--opcode", "0x0c", "--timeout", "1000")
        assert res.returncode == 1
        assert "ERROR status: 01/05 Asynchronous Event Request Limit Exceeded" in res.stdout
        assert c.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f
    for args in (["admin", "nvmetest0"], ["admin", "nvmetest0", "--opcode", "0x100"],
                 ["admin", "nvmetest0", "--opcode", "1", "--read", "--write", "/dev/null"],
                 ["admin", "nvmetest0", "--opcode"], ["admin", "--opcode", "1"]):
        res = tool(*args)
        assert res.returncode == 2, args
    assert "--cdw15" in ok("admin", "--help")


def test_reset_works_and_the_controller_answers(bdfs):
    with nvmetest.Events() as ev:
        out = ok("reset", "nvmetest0")
        assert out.strip() == ("/dev/nvmetest0 0000:01:00.0: controller reset done, controller "
                               "initialised, 16 IO submission and 16 IO completion queues granted")
        e = ev.next(timeout=10)
        assert e is not None and e.type == nvmetest.EVENT_RESET and e.minor == 0
    assert fields(ok("identify", "nvmetest0"))["SN"] == SERIAL0
    assert tool("reset", "nvmetest9").returncode == 1


def test_admin_subcommands_leave_a_working_controller_alone(ctrl):
    """A controller another process drives is used as it is: no reset."""
    generation = ctrl.generation
    with nvmetest.Events() as ev:
        assert fields(ok("identify", "nvmetest0"))["SN"] == SERIAL0
        ok("features", "nvmetest0", "--fid", "7")
        ok("log", "nvmetest0", "2")
        ok("regs", "nvmetest0")
        ok("cmdlog", "nvmetest0")
        assert ev.next(timeout=0.5) is None         # no reset event
    assert ctrl.generation == generation
    assert ctrl.getfeatures(nvmetest.FID_NUM_QUEUES).waitdone() == 0x000f000f
    assert ctrl.outstanding == 0


def test_admin_subcommands_initialise_a_disabled_controller(bdfs):
    with nvmetest.Controller("nvmetest0") as c:
        c.disable()
    res = tool("identify", "nvmetest0")
    assert res.returncode == 0, res.stderr
    assert fields(res.stdout)["SN"] == SERIAL0
    assert "running the default init" in res.stderr
    res = tool("identify", "nvmetest0", "--init")
    assert res.returncode == 0 and "note:" not in res.stderr


def test_help_of_the_new_subcommands(bdfs):
    for cmd in ("identify", "log", "features", "admin", "reset", "monitor", "cmdlog"):
        out = ok(cmd, "--help")
        assert out.startswith(f"usage: nvmetest {cmd}")
        assert cmd in ok("--help")


def test_admin_subcommands_after_a_rebind_set_up_the_admin_queue(restore):
    """Just bound, the kernel has no admin queue for the controller (unbind disabled
    it; at boot the firmware may have left it enabled): the tool initialises it."""
    bdf = restore[1]
    assert tool("unbind", bdf).returncode == 0
    res = tool("bind", bdf)
    assert res.returncode == 0, res.stderr
    dev = res.stdout.split()[-1]
    res = tool("identify", dev)
    assert res.returncode == 0, res.stderr
    assert fields(res.stdout)["SN"] == "NVT00000001"
    assert "running the default init" in res.stderr
    assert "no admin queue" not in res.stderr           # the expected failure stays quiet
    res = tool("identify", dev)                         # now it is set up: used as it is
    assert res.returncode == 0 and res.stderr == ""
