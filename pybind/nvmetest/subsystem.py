# SPDX-License-Identifier: MIT
"""The NVM subsystem around a controller (subsystem.h): shutdown notification,
NVM subsystem reset, and power off / on / cycle through power hooks.

    with nvmetest.Subsystem(ctrl) as sub:      # the test VM's control channel
        sub.power_cycle(1)                     # off, 1 s, on, bound again
        ctrl.reset()                           # the same ctrl, namespaces, tables

Hooks are a pair of callables taking the PCI address (pynvme's poweroff_cb and
poweron_cb): Subsystem(ctrl, poweroff=off, poweron=on). A hook returns None or 0
when done; an exception or a non-zero value fails the call.
"""
import ctypes
import errno
import logging

from ._lib import POWER_FN, HooksC, SubPtr, lib
from .errors import call, uint
from .handle import Handle


def _power_fn(hook, what):
    """A C hook that calls @hook(bdf); exceptions become -EIO (and are logged)."""
    def fn(ctx, bdf):
        try:
            ret = hook(bdf.decode())
        except Exception:   # noqa: BLE001  a C caller cannot take an exception
            logging.getLogger("nvmetest").exception("the %s hook failed", what)
            return -errno.EIO
        return -abs(int(ret)) if ret else 0
    return POWER_FN(fn)


class Subsystem(Handle):
    """nvt_subsystem_open(): @ctrl's subsystem; hooks both None: the default
    (the test VM's control channel, or S3 for power_cycle)."""

    def __init__(self, ctrl, poweroff=None, poweron=None):
        super().__init__(None)
        if (poweroff is None) != (poweron is None):
            raise ValueError("give both poweroff and poweron hooks, or neither")
        for hook in (poweroff, poweron):
            if hook is not None and not callable(hook):
                raise TypeError("power hooks must be callables taking the PCI address")
        hooks = None
        if poweroff is not None:
            self._hooks = HooksC(_power_fn(poweroff, "poweroff"),
                                  _power_fn(poweron, "poweron"), None)
            hooks = ctypes.byref(self._hooks)
        ptr = SubPtr()
        call(lib.nvt_subsystem_open, ctrl._handle(), hooks, ctypes.byref(ptr))
        self._ptr = ptr

    @staticmethod
    def _free(ptr):
        lib.nvt_subsystem_close(ptr)

    def shutdown_notify(self, abrupt=False):
        """nvt_subsystem_shutdown_notify(): CC.SHN normal (or abrupt), wait for completion."""
        call(lib.nvt_subsystem_shutdown_notify, self._handle(), int(bool(abrupt)))

    def reset(self):
        """nvt_subsystem_reset(): NVM Subsystem Reset (EOPNOTSUPP where CAP.NSSRS is 0)."""
        call(lib.nvt_subsystem_reset, self._handle())

    def poweroff(self):
        """nvt_subsystem_poweroff(): the poweroff hook; this process's qpairs die first."""
        call(lib.nvt_subsystem_poweroff, self._handle())

    def poweron(self):
        """nvt_subsystem_poweron(): the poweron hook, bind again, controllers follow."""
        call(lib.nvt_subsystem_poweron, self._handle())

    def power_cycle(self, sec=10):
        """nvt_subsystem_power_cycle(): off, @sec seconds (1 .. 3600), on."""
        call(lib.nvt_subsystem_power_cycle, self._handle(), uint(sec, 32, "sec"))
