# SPDX-License-Identifier: MIT
"""The test VM's control channel (vmchannel.h): power controllers off and on, set
their SMART critical warning, by asking QEMU from inside the guest.

    from nvmetest import vmchannel
    if vmchannel.available():
        vmchannel.poweroff("01:00.0")   # gone from the PCI bus (nvmetest unbound it)
        vmchannel.poweron("01:00.0")    # back, unbound: `nvmetest bind 01:00.0`

Failures raise NvtError with the library's errno: ENOTCONN (not in the test VM),
ENOENT (not a controller of the VM), EALREADY (already off / on), EIO (QEMU
refused), ETIMEDOUT.
"""
from ._lib import lib
from .errors import call, name_arg, uint

PORT_NAME = "org.nvmetest.qmp"
CONTROLLERS = "/run/nvmetest/vm-controllers"
TIMEOUT_S = 120


def available():
    """nvt_vm_channel_available(): True inside the test VM (port and controller table there)."""
    return bool(lib.nvt_vm_channel_available())


def poweroff(bdf):
    """nvt_vm_poweroff(): unplug the controller at @bdf; returns once it left the PCI bus."""
    call(lib.nvt_vm_poweroff, name_arg(bdf))


def poweron(bdf):
    """nvt_vm_poweron(): plug it back in, as it was; returns once it is on the PCI bus."""
    call(lib.nvt_vm_poweron, name_arg(bdf))


def set_smart_warning(bdf, value):
    """nvt_vm_set_smart_warning(): set the SMART Critical Warning byte (0 to 0xff)."""
    call(lib.nvt_vm_set_smart_warning, name_arg(bdf), uint(value, 8, "value"))
