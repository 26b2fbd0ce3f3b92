# SPDX-License-Identifier: MIT
"""nvmetest: Python binding of libnvmetest, one to one with the C API (ctypes).

    import nvmetest
    with nvmetest.Controller("nvmetest0") as ctrl, nvmetest.Buffer(ctrl) as buf:
        ctrl.identify(buf).waitdone()
        print(buf.data(23, 4, str), ctrl.id_data(77), ctrl.mdts)
        with nvmetest.Qpair(ctrl, 64) as qp, nvmetest.Namespace(ctrl, 1, verify=True) as ns:
            ns.write(qp, buf, 0, 8).waitdone()
            ns.read(qp, buf, 0, 8).waitdone()

Errors: a failing call raises NvtError (an OSError, with .errno and the
library's message; NvtTimeoutError, also a TimeoutError, for -ETIMEDOUT); a
command the device failed raises NvmeStatusError (.status, .sct, .sc, .cqe)
from waitdone(); bad arguments raise TypeError or ValueError.
"""
from . import constants, ioworker, ns, qpair, regs, vmchannel
from .buf import Buffer
from .cmdlog import Cmdlog, CmdlogEntry
from .constants import *  # noqa: F401,F403  ADMIN_*, FID_*, LID_*, CNS_*, EVENT_*, ...
from .cpl import Completion
from .ctrl import Controller
from .errors import NvmeStatusError, NvtError, NvtTimeoutError
from .events import Event, Events, event_name
from .ioworker import *  # noqa: F401,F403  IOWorker, IOWorkerResult, ioworker_group, ...
from .listing import CtrlEntry, list_controllers
from .ns import *  # noqa: F401,F403  Namespace, IO_*, IO_FLAG_*, DSM_*, copy_range_set
from .qpair import *  # noqa: F401,F403  Qpair, irq_info, QPAIR_OPT_*, IRQ_TYPE_*
from .log import LOG_DEBUG, LOG_ERR, LOG_INFO, LOG_WARN, log_level, set_log_level
from .pattern import (PATTERN_BIT, PATTERN_DWORD, PATTERN_RANDOM, dsm_range_set, hexdump,
                      le_field, pattern, pattern_fill, rand, srand, str_field)
from .pcie import (ASPM_DISABLED, ASPM_L0S, ASPM_L0S_L1, ASPM_L1, D0, D1, D2, D3HOT, Pcie,
                   PcieCap, PcieInfo, PcieLink, cap_name, link_speed_name, parse_bdf)
from .regs import *  # noqa: F401,F403  REG_CAP, REG_VS, ... (one per entry of REGS)
from .subsystem import Subsystem
from .status import admin_cmdname, io_cmdname, status_format, status_from_cqe_dw3, status_name

ABI_VERSION = 1
FEATURE_REGS, FEATURE_CONFIG, FEATURE_GENL = 1 << 0, 1 << 1, 1 << 2
FEATURE_DMABUF, FEATURE_ADMIN, FEATURE_CMDLOG, FEATURE_EVENTS = 1 << 3, 1 << 4, 1 << 5, 1 << 6
FEATURE_QPAIR, FEATURE_IRQ, FEATURE_CRC, FEATURE_RESET = 1 << 7, 1 << 8, 1 << 9, 1 << 10

__all__ = [
    "Buffer", "Cmdlog", "CmdlogEntry", "Completion", "Controller", "CtrlEntry", "Event",
    "Events", "Subsystem", "NvmeStatusError", "NvtError", "NvtTimeoutError", "Pcie", "PcieCap", "PcieInfo",
    "PcieLink", "link_speed_name", "ASPM_DISABLED", "ASPM_L0S", "ASPM_L1", "ASPM_L0S_L1",
    "D0", "D1", "D2", "D3HOT",
    "list_controllers", "cap_name", "parse_bdf", "event_name",
    "set_log_level", "log_level", "LOG_ERR", "LOG_WARN", "LOG_INFO", "LOG_DEBUG",
    "status_name", "status_format", "status_from_cqe_dw3", "admin_cmdname", "io_cmdname",
    "PATTERN_BIT", "PATTERN_DWORD", "PATTERN_RANDOM", "pattern", "pattern_fill", "srand",
    "rand", "hexdump", "le_field", "str_field", "dsm_range_set",
    "ABI_VERSION", "FEATURE_REGS", "FEATURE_CONFIG", "FEATURE_GENL", "FEATURE_DMABUF",
    "FEATURE_ADMIN", "FEATURE_CMDLOG", "FEATURE_EVENTS", "FEATURE_QPAIR", "FEATURE_IRQ",
    "FEATURE_CRC", "FEATURE_RESET", "vmchannel",
]
__all__ += regs.__all__ + constants.__all__ + ns.__all__ + qpair.__all__ + ioworker.__all__
