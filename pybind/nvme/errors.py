# SPDX-License-Identifier: MIT
"""pynvme's exception names for objects that cannot be made or removed.

Each carries the nvmetest exception that caused it as __cause__.
"""
import nvmetest


def created(error, what, factory, *args, **kwargs):
    """factory(*args, **kwargs); its nvmetest failure raised as @error("what: why"), a
    host timeout as TimeoutError."""
    try:
        return factory(*args, **kwargs)
    except TimeoutError:
        raise
    except (nvmetest.NvtError, nvmetest.NvmeStatusError) as e:
        raise error(f"{what}: {e}") from e


def controller_of(nvme):
    """The nvmetest.Controller of @nvme, which must be an nvme.Controller."""
    from .controller import Controller      # controller.py imports this module
    if not isinstance(nvme, Controller):
        raise TypeError(f"nvme must be a Controller, not {type(nvme).__name__}")
    return nvme.nvt


class NvmeEnumerateError(Exception):
    """The controller could not be opened or initialised."""


class NvmeDeletionError(Exception):
    """The controller could not be closed."""


class QpairCreationError(Exception):
    """The IO queue pair could not be created (e.g. no queue id left)."""


class QpairDeletionError(Exception):
    """Deleting the IO queue pair failed."""


class NamespaceCreationError(Exception):
    """The namespace could not be opened (e.g. no such NSID)."""


class NamespaceDeletionError(Exception):
    """The namespace could not be closed."""
