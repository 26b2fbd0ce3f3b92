# SPDX-License-Identifier: MIT
"""Shared by the admin path tests: facts about the emulated controllers, init sequences."""
import time

import nvmetest

SERIAL0 = "NVT00000000"
MODEL = "QEMU NVMe Ctrl"
VS_1_4 = 0x10400
MDTS0 = 128 * 1024          # mdts=5 on nvme0, 4 KiB pages
NN = 256
NS1_LBAS, NS1_LBA_SIZE = 2097152, 512
NS2_LBAS, NS2_LBA_SIZE = 65536, 4096
QUEUES0 = 16                # max_ioqpairs=16 on nvme0
TEMP_K = 323                # QEMU's composite temperature
TEMP_THRESH_K = 343         # QEMU's default over temperature threshold (WCTEMP)
AER_TEMP = 0x00020101       # SMART / health, temperature threshold, log page 02h

INVALID_OPCODE = 0x001
INVALID_FIELD = 0x002
INVALID_NSID = 0x00b


def init_without_aers(ctrl):
    """The default init minus the AERs: a raw AER sent later then stays outstanding
    (with the library's AERs the controller answers 01/05 limit exceeded at once)."""
    ctrl.disable()
    ctrl.init_adminq()
    ctrl.enable()
    ctrl.identify_init()
    ctrl.init_queues()


def poll_until(ctrl, cond, timeout=10.0, what="the condition"):
    """Reap what completed (callbacks, AERs) until cond() holds."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        ctrl.waitdone(0)
        time.sleep(0.05)


def restore_temperature(ctrl):
    """Threshold back to QEMU's default, events masked again, the SMART event cleared."""
    with nvmetest.Buffer(ctrl, 512) as log:
        ctrl.setfeatures(nvmetest.FID_TEMP_THRESH, cdw11=TEMP_THRESH_K).waitdone()
        ctrl.setfeatures(nvmetest.FID_ASYNC_EVENT, cdw11=0).waitdone()
        ctrl.getlogpage(nvmetest.LID_SMART, log, 512, rae=0).waitdone()
