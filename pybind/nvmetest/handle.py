# SPDX-License-Identifier: MIT
"""Base of the objects that own a library handle: close() and `with`."""


class Handle:
    """Owns one library object; close() frees it, __del__ only as a safety net."""

    def __init__(self, ptr):
        self._ptr = ptr

    @staticmethod
    def _free(ptr):
        raise NotImplementedError

    def _handle(self):
        if not self._ptr:
            raise ValueError(f"{type(self).__name__} is closed")
        return self._ptr

    @property
    def closed(self):
        return not self._ptr

    def close(self):
        """Free the library object; further use raises ValueError. Idempotent."""
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            self._free(ptr)

    def __enter__(self):
        self._handle()
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:   # interpreter shutdown: nothing left to report to
            pass
