# SPDX-License-Identifier: MIT
"""pynvme's Subsystem: power and NVM subsystem reset around a controller."""
import nvmetest


class Subsystem:
    """pynvme's Subsystem(nvme, poweron_cb=None, poweroff_cb=None). The callbacks take
    no arguments and return when power is on / off (the function back on / gone from
    the PCI bus); without them, the test VM's control channel (or S3 for power_cycle).
    After power_cycle(), poweron() or reset(), call Controller.reset(), as in pynvme:
    the same Controller and Namespace objects go on, verification tables included."""

    def __init__(self, nvme, poweron_cb=None, poweroff_cb=None):
        if (poweron_cb is None) != (poweroff_cb is None):
            raise ValueError("give both poweron_cb and poweroff_cb, or neither")
        hooks = {}
        if poweron_cb is not None:
            hooks = {"poweroff": lambda bdf: poweroff_cb(), "poweron": lambda bdf: poweron_cb()}
        self._nvt = nvmetest.Subsystem(nvme.nvt, **hooks)

    @property
    def nvt(self):
        """The nvmetest.Subsystem behind this one."""
        return self._nvt

    def power_cycle(self, sec=10):
        """Power off, wait @sec seconds, power on."""
        self._nvt.power_cycle(sec)

    def poweroff(self):
        """Take power away: the controller disappears from the PCI bus."""
        self._nvt.poweroff()

    def poweron(self):
        """Give power back: the controller is bound to nvmetest again."""
        self._nvt.poweron()

    def reset(self):
        """NVM Subsystem Reset (NSSR); raises where CAP.NSSRS is 0."""
        self._nvt.reset()

    def shutdown_notify(self, abrupt=False):
        """Shutdown notification (CC.SHN normal, or abrupt)."""
        self._nvt.shutdown_notify(abrupt)

    def close(self):
        """Release it (the controller stays)."""
        self._nvt.close()
