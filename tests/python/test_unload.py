# SPDX-License-Identifier: MIT
"""Module unload and reload with the tool and the binding."""
import errno
import gc
import os
import subprocess
from pathlib import Path

import pytest

import nvmetest
from conftest import module_loaded, nvmetest as tool, run


def test_rmmod_refused_while_open_then_reload_and_rebind(restore):
    bdfs = restore
    ctrl = nvmetest.Controller("nvmetest0")
    res = subprocess.run(["rmmod", "nvmetest"], capture_output=True, text=True)
    assert res.returncode != 0
    assert "in use" in res.stderr
    assert module_loaded()
    assert ctrl.reg_read32(nvmetest.REG_VS) == 0x10400

    ctrl.close()
    gc.collect()
    run("rmmod", "nvmetest")
    assert not module_loaded()
    assert not Path("/dev/nvmetest0").exists()
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.list_controllers()
    assert e.value.errno == errno.ENOENT and "nvmetest module not loaded" in e.value.strerror
    res = tool("list")
    assert res.returncode == 1 and "nvmetest module not loaded" in res.stderr
    res = tool("bind", bdfs[0])
    assert res.returncode == 1 and "modprobe nvmetest" in res.stderr

    run("insmod", os.environ["NVT_KMOD"])
    for bdf in bdfs:
        res = tool("bind", bdf)
        assert res.returncode == 0, res.stderr
    assert [e.bdf for e in nvmetest.list_controllers()] == bdfs
    for bdf in bdfs:
        with nvmetest.Controller(bdf) as c:
            assert c.reg_read32(nvmetest.REG_VS) == 0x10400
            assert nvmetest.reg_field(nvmetest.REG_CAP, "MQES",
                                      c.reg_read64(nvmetest.REG_CAP)) == 2047
