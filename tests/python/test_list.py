# SPDX-License-Identifier: MIT
"""Discovery over generic netlink: list_controllers() and `nvmetest list`."""
import nvmetest
from conftest import QEMU_IDS, SERIALS, nvmetest as tool


def test_netlink_dump_lists_both_controllers(bdfs):
    entries = nvmetest.list_controllers()
    assert [e.bdf for e in entries] == bdfs
    for i, e in enumerate(entries):
        assert e.minor == i
        assert e.dev == f"/dev/nvmetest{i}"
        assert (e.vendor_id, e.device_id) == QEMU_IDS
        # Serial and model appear once the module has identified the controller.
        assert e.serial in ("", SERIALS[i])
        assert e.model in ("", "QEMU NVMe Ctrl")
        with nvmetest.Pcie(e.dev) as pcie:
            assert pcie.info.bdf == e.bdf


def test_tool_list(bdfs):
    res = tool("list")
    assert res.returncode == 0, res.stderr
    header, *rows = res.stdout.splitlines()
    assert header.split() == ["DEV", "BDF", "VID:DID", "SERIAL", "MODEL"]
    assert len(rows) == 2
    for i, (row, e) in enumerate(zip(rows, nvmetest.list_controllers())):
        dev, bdf, ids, serial, model = row.split(maxsplit=4)
        assert (dev, bdf, ids) == (f"/dev/nvmetest{i}", bdfs[i], "1b36:0010")
        assert serial == (e.serial or "-")
        assert model == (e.model or "-")
