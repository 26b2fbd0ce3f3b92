# SPDX-License-Identifier: MIT
"""What several pynvme-style tests share."""
import time

NS1_LBA_SIZE = 512


def wait_msix(qpair, timeout=2.0):
    """Poll msix_isset() as pynvme scripts do; True once the vector fired."""
    end = time.monotonic() + timeout
    while not qpair.msix_isset():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True
