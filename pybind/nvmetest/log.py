# SPDX-License-Identifier: MIT
"""The library's messages go to the Python logger "nvmetest".

Errors also become the message of the NvtError raised for the failing call.
The logger has a NullHandler: configure logging to see the messages.
"""
import logging

from ._lib import LOG_FN, lib
from .errors import record_error

LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG = 3, 4, 6, 7

logger = logging.getLogger("nvmetest")
logger.addHandler(logging.NullHandler())

_LEVELS = {LOG_ERR: logging.ERROR, LOG_WARN: logging.WARNING, LOG_INFO: logging.INFO,
           LOG_DEBUG: logging.DEBUG}


def _bridge(level, msg, _ctx):
    text = msg.decode(errors="replace")
    if level <= LOG_ERR:
        record_error(text)
    logger.log(_LEVELS.get(level, logging.DEBUG), "%s", text)


_callback = LOG_FN(_bridge)    # kept alive for as long as the library may call it
lib.nvt_set_log(_callback, None)


def set_log_level(level):
    """nvt_set_log_level(): the most verbose level the library delivers."""
    lib.nvt_set_log_level(int(level))


def log_level():
    """nvt_log_level()."""
    return lib.nvt_log_level()
