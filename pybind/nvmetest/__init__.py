# SPDX-License-Identifier: MIT
"""nvmetest: Python binding of libnvmetest, one to one with the C API (ctypes).

    import nvmetest
    with nvmetest.Controller("nvmetest0") as ctrl:
        cap = ctrl.reg_read64(nvmetest.REG_CAP)
        print(nvmetest.reg_decode(nvmetest.REG_CAP, cap))

Errors: a failing call raises NvtError (an OSError, with .errno and the
library's message); bad arguments raise TypeError or ValueError.
"""
from .ctrl import Controller
from .errors import NvtError
from .listing import CtrlEntry, list_controllers
from .log import LOG_DEBUG, LOG_ERR, LOG_INFO, LOG_WARN, log_level, set_log_level
from .pcie import Pcie, PcieCap, PcieInfo, cap_name, parse_bdf
from . import regs
from .regs import *  # noqa: F401,F403  REG_CAP, REG_VS, ... (one per entry of REGS)

ABI_VERSION = 1
FEATURE_REGS, FEATURE_CONFIG, FEATURE_GENL = 1 << 0, 1 << 1, 1 << 2

__all__ = [
    "Controller", "CtrlEntry", "NvtError", "Pcie", "PcieCap", "PcieInfo",
    "list_controllers", "cap_name", "parse_bdf",
    "set_log_level", "log_level", "LOG_ERR", "LOG_WARN", "LOG_INFO", "LOG_DEBUG",
    "ABI_VERSION", "FEATURE_REGS", "FEATURE_CONFIG", "FEATURE_GENL",
]
__all__ += regs.__all__
