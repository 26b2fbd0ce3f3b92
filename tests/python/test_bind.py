# SPDX-License-Identifier: MIT
"""`nvmetest bind` / `unbind`: moving functions between nvmetest and the stock driver."""
import errno
import os
import re
import subprocess

import pytest

import nvmetest
from conftest import PCI, driver_of, ensure_all_bound, nvmetest as tool, run, wait_for


def bound_as(res, bdf):
    """The /dev node a successful `nvmetest bind` reports."""
    assert res.returncode == 0, res.stderr
    m = re.fullmatch(rf"{bdf}: bound to nvmetest as (/dev/nvmetest\d+)\n", res.stdout)
    assert m, res.stdout
    return m[1]


def test_unbind_and_rebind_through_the_tool(restore):
    bdf = restore[1]
    res = tool("unbind", bdf)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith(f"{bdf}: unbound from nvmetest; now ")
    assert driver_of(bdf) != "nvmetest"
    assert (PCI / "devices" / bdf / "driver_override").read_text().strip() == "(null)"
    assert [e.bdf for e in nvmetest.list_controllers()] == [restore[0]]
    with pytest.raises(nvmetest.NvtError) as e:
        nvmetest.Controller(bdf)
    assert e.value.errno == errno.ENODEV
    assert f"{bdf} is " in e.value.strerror and "run: nvmetest bind" in e.value.strerror

    dev = bound_as(tool("bind", bdf[5:]), bdf)
    with nvmetest.Controller(dev) as ctrl:
        assert ctrl.reg_read32(nvmetest.REG_VS) == 0x10400
    assert bound_as(tool("bind", bdf), bdf) == dev        # already bound: same node
    assert [e.bdf for e in nvmetest.list_controllers()] == restore

    # unbind also takes the device node.
    res = tool("unbind", dev)
    assert res.returncode == 0, res.stderr
    assert driver_of(bdf) != "nvmetest"
    bound_as(tool("bind", bdf), bdf)


def test_bind_and_unbind_refuse_other_functions(restore):
    res = tool("bind", "00:1f.7")
    assert (res.returncode, res.stderr) == (1, "nvmetest: no PCI function 0000:00:1f.7\n")
    other = next(d.name for d in sorted((PCI / "devices").iterdir())
                 if driver_of(d.name) not in (None, "nvmetest"))
    res = tool("unbind", other)
    assert res.returncode == 1
    assert f"{other} is bound to {driver_of(other)}, not nvmetest: leaving it alone" in res.stderr
    res = tool("bind", "not-a-bdf")
    assert res.returncode == 1 and "is not a PCI address" in res.stderr


def block_devices(bdf):
    """The stock driver's visible disks on @bdf (nvmeXnY, also with native multipath)."""
    names = set()
    for ctrl in (PCI / "devices" / bdf / "nvme").glob("nvme*"):
        for disk in ctrl.glob("nvme*n*"):
            m = re.fullmatch(r"nvme(\d+)c\d+n(\d+)", disk.name)
            names.add(f"nvme{m[1]}n{m[2]}" if m else disk.name)
    return sorted(names)


def disk_size(name):
    return int(open(f"/sys/class/block/{name}/size").read())


@pytest.fixture
def on_stock_driver(restore):
    """Controller 0 moved to the stock nvme driver, with its namespaces as block devices."""
    bdf = restore[0]
    res = tool("unbind", bdf)
    assert res.returncode == 0, res.stderr
    run("modprobe", "nvme")
    if driver_of(bdf) != "nvme":
        (PCI / "drivers_probe").write_text(bdf)
    wait_for(lambda: driver_of(bdf) == "nvme" and len(block_devices(bdf)) == 2 and
             all(os.path.exists(f"/dev/{d}") for d in block_devices(bdf)),
             "the nvme driver to expose both namespaces")
    yield bdf
    ensure_all_bound(restore)
    run("modprobe", "-r", "nvme")


def test_bind_refuses_a_mounted_filesystem(on_stock_driver, tmp_path):
    bdf = on_stock_driver
    disk = min(block_devices(bdf), key=disk_size)
    run("mkfs.ext4", "-q", "-F", f"/dev/{disk}")
    subprocess.run(["modprobe", "ext4"], capture_output=True)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    run("mount", "-t", "ext4", f"/dev/{disk}", str(mnt))
    try:
        res = tool("bind", bdf)
        assert res.returncode == 1
        assert f"refusing to bind {bdf}: it is bound to nvme and its storage is in use" \
            in res.stderr
        assert f"/dev/{disk} is mounted on {mnt}\n" in res.stderr
        assert "use --force" in res.stderr
        assert driver_of(bdf) == "nvme"
    finally:
        run("umount", str(mnt))
    dev = bound_as(tool("bind", bdf), bdf)
    assert driver_of(bdf) == "nvmetest"
    with nvmetest.Pcie(dev) as pcie:
        assert pcie.info.bdf == bdf


def test_bind_refuses_an_exclusively_open_disk_unless_forced(on_stock_driver):
    bdf = on_stock_driver
    disk = block_devices(bdf)[0]
    fd = os.open(f"/dev/{disk}", os.O_RDONLY | os.O_EXCL)
    try:
        res = tool("bind", bdf)
        assert res.returncode == 1
        assert f"/dev/{disk} is open exclusively by another program" in res.stderr
        assert driver_of(bdf) == "nvme"
        res = tool("bind", "--force", bdf)
        assert "warning: --force: taking" in res.stderr
        bound_as(res, bdf)
    finally:
        os.close(fd)
    assert driver_of(bdf) == "nvmetest"


def test_released_disk_binds_without_force(on_stock_driver):
    bdf = on_stock_driver
    fd = os.open(f"/dev/{block_devices(bdf)[-1]}", os.O_RDONLY | os.O_EXCL)
    os.close(fd)
    bound_as(tool("bind", bdf), bdf)
