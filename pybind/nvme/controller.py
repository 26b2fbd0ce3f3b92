# SPDX-License-Identifier: MIT
"""Controller: pynvme's NVMe controller, its registers and admin commands.

Every admin command returns the controller (so `nvme0.getfeatures(7).waitdone()`
chains) and takes pynvme's arguments, with cb called as (cdw0, status1) or
(cqe). waitdone() reaps completions; a failed command warns "ERROR status:
SCT/SC" instead of raising, a host timeout raises TimeoutError.
"""
import logging
import os
import time
import weakref

import nvmetest

from ._cpl import aer_adapter, reap, status_warning
from ._queue import Queue
from .buffer import nvt_buf, register_controller
from .errors import NvmeEnumerateError, created
from .pcie import Pcie

ADMIN_MI_SEND = 0x1d
ADMIN_MI_RECV = 0x1e
AER_POLL_S = 0.001


def _init_hook(ref, func):
    """The nvmetest init hook running pynvme's nvme_init_func(nvme0)."""
    def hook(nvc):
        ctrl = ref()
        ctrl._nvt = nvc      # at open, the object being made
        ctrl._in_init = True
        try:
            return func(ctrl)
        finally:
            ctrl._in_init = False
    return hook


def _aer_counter(ref):
    """Counts AER completions on the controller, without keeping it alive."""
    def count():
        ctrl = ref()
        if ctrl is not None:
            ctrl._aers += 1
    return count


class Controller(Queue):
    """pynvme's Controller(pcie, nvme_init_func=None); pcie is a Pcie, or (older
    pynvme) an address such as b'01:00.0'.

    nvme_init_func: None, the library's default init (disable, admin queue,
    enable, Identify, Number of Queues, AERs); True, no init at all; or a
    callable nvme_init_func(nvme0) run at creation and at every reset(),
    written as in pynvme with register writes, init_adminq(), identify(),
    init_ns(), setfeatures(), init_queues(cdw0) and aer().
    """

    def __init__(self, pcie, nvme_init_func=None):
        super().__init__()
        self._aers = 0         # AER completions no waitdone() has counted yet
        self._in_init = False
        self._aer_set = False  # aer() was called (in nvme_init_func, say)
        self._pcie = None
        if isinstance(pcie, Pcie):
            self._pcie, dev = pcie, pcie.nvt
        elif isinstance(pcie, (bytes, str, os.PathLike)):
            dev = os.fsdecode(pcie)
        else:
            raise TypeError(f"pcie must be a Pcie or an address, not {type(pcie).__name__}")
        kwargs = {}
        if nvme_init_func is True:
            kwargs["no_init"] = True
        elif callable(nvme_init_func):
            kwargs["init"] = _init_hook(weakref.ref(self), nvme_init_func)
        elif nvme_init_func is not None:
            raise TypeError("nvme_init_func must be None, True or a callable")
        self._nvt = created(NvmeEnumerateError, f"fail to create the controller {dev}",
                            nvmetest.Controller, dev, **kwargs)
        if not self._aer_set:
            self.aer()
        register_controller(self)

    def close(self):
        """Close the controller (nvmetest's; pynvme has none). Its namespaces, qpairs
        and buffers stay safe to use and to delete, in any order."""
        self._nvt.close()

    # ---- what it is ----

    @property
    def pcie(self):
        """The Pcie of the controller's function."""
        if self._pcie is None:
            self._pcie = Pcie._adopt(self._nvt.pcie)
        return self._pcie

    @property
    def addr(self):
        """The function's address, "dddd:bb:dd.f"."""
        return self.pcie.addr

    @property
    def cap(self):
        """The 64-bit CAP register."""
        return self._nvt.cap

    @property
    def mdts(self):
        """The maximum data transfer size in bytes, at most the largest Buffer (4 MiB)."""
        mdts = self._nvt.mdts
        return min(mdts, nvmetest.BUF_MAX_SIZE) if mdts else nvmetest.BUF_MAX_SIZE

    @property
    def timeout(self):
        """The host timeout of commands in milliseconds; assign to change it."""
        return self._nvt.timeout

    @timeout.setter
    def timeout(self, msec):
        self._nvt.timeout = msec

    def id_data(self, byte_end, byte_begin=None, type=int, nsid=0, cns=1):
        """A field of Identify data (bytes byte_begin..byte_end, int or str). Identify
        Controller (nsid 0, cns 1) is read from the copy the init took; any other
        nsid/cns sends the Identify command."""
        if nsid == 0 and cns == 1:
            return self._nvt.id_data(byte_end, byte_begin, type)
        with nvmetest.Buffer(self._nvt, 4096) as buf:
            self._nvt.identify(buf, nsid, cns).waitdone()
            return buf.data(byte_end, byte_begin, type)

    def supports(self, opcode):
        """Is the command supported (Commands Supported and Effects log): 0-255 an
        admin opcode, 256-511 an IO opcode + 256."""
        return self._nvt.supports(opcode)

    def cmdname(self, opcode):
        """The name of admin command @opcode."""
        return self._nvt.cmdname(opcode)

    # ---- registers ----

    @staticmethod
    def _reg_offset(offset):
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise TypeError(f"register offsets are ints, not {type(offset).__name__}")
        if offset % 4:
            raise ValueError(f"register offset {offset:#x} is not 4-byte aligned")
        return offset

    def __getitem__(self, offset):
        """A 32-bit register; SystemError if it reads all ones (the device is gone)."""
        value = self._nvt.reg_read32(self._reg_offset(offset))
        if value == 0xffffffff:
            raise SystemError(f"register {offset:#x} reads 0xffffffff: the device is gone")
        return value

    def __setitem__(self, offset, value):
        self._nvt.reg_write32(self._reg_offset(offset), value)

    # ---- init steps for nvme_init_func ----

    def init_adminq(self):
        """Set up the admin queue (AQA, ASQ, ACQ). Returns 0."""
        self._nvt.init_adminq()
        return 0

    def init_ns(self):
        """Read and keep Identify Controller and the effects log. Returns 0."""
        self._nvt.identify_init()
        return 0

    def init_queues(self, cdw0=None):
        """Record the IO queues granted; @cdw0 is Get Features Number of Queues' (None:
        ask for as many as allowed)."""
        if cdw0 is None:
            self._nvt.init_queues()
        else:
            self._nvt.init_queues((cdw0 & 0xffff) + 1, (cdw0 >> 16) + 1)
        return 0

    def reset(self):
        """Controller reset (CC.EN 1 -> 0) and the init again. Delete the qpairs first:
        after it they raise ESTALE."""
        self._nvt.reset()

    # ---- completions ----

    def waitdone(self, expected=1):
        """Reap @expected admin completions, AERs included, and run their callbacks.

        Commands outstanding count first; an AER completion counts when no
        command is left to wait for (so `setfeatures(...).waitdone()` then
        `waitdone()` for the AER it caused works whenever the AER came).
        Returns cdw0 of the latest. A failed command warns (UserWarning "ERROR
        status: ..."); TimeoutError when a command (or the AERs waited for)
        takes longer than the controller's timeout. Not from a callback.
        """
        nvc, done = self._nvt, self._completed
        with self._waitdone(expected) as expected:
            deadline = None
            while done.n < expected:
                n = min(expected - done.n, nvc.outstanding)
                if n:                       # commands first: AERs wait for a later call
                    reap(nvc.waitdone, n)
                    continue
                if self._aers:
                    taken = min(self._aers, expected - done.n)
                    self._aers -= taken
                    done.n += taken
                    continue
                if deadline is None:
                    deadline = time.monotonic() + nvc.timeout / 1000
                elif nvc.timeout and time.monotonic() > deadline:
                    raise TimeoutError(f"waitdone({expected}): {expected - done.n} "
                                       f"completion(s) did not come within {nvc.timeout} ms "
                                       "(no command outstanding)")
                time.sleep(AER_POLL_S)
                reap(nvc.waitdone, 0)       # what has completed: AERs
        return nvc.latest_cdw0

    # ---- admin commands ----

    def _send(self, func, *args, cb=None, **kwargs):
        func(*args, cb=self._adapt(cb), **kwargs)
        return self

    def _buf(self, buf):
        return nvt_buf(buf, self)

    def send_cmd(self, opcode, buf=None, nsid=0, cdw10=0, cdw11=0, cdw12=0, cdw13=0, cdw14=0,
                 cdw15=0, cb=None):
        """Any admin command, legal or not, with the controller's timeout (also an
        Asynchronous Event Request: pynvme's waitdone() times out on it too)."""
        return self._send(self._nvt.send_cmd, opcode, self._buf(buf), nsid, cdw10, cdw11,
                          cdw12, cdw13, cdw14, cdw15, timeout_ms=self._nvt.timeout, cb=cb)

    def abort(self, cid, sqid=0, cb=None):
        """Abort (08h) command @cid of queue @sqid."""
        return self._send(self._nvt.abort, cid, sqid, cb=cb)

    def identify(self, buf, nsid=0, cns=1, cntid=0, csi=0, nvmsetid=0, cb=None):
        """Identify (06h) into @buf."""
        if nvmsetid:
            return self.send_cmd(nvmetest.ADMIN_IDENTIFY, buf, nsid, cns | cntid << 16,
                                 nvmsetid | csi << 24, cb=cb)
        return self._send(self._nvt.identify, self._buf(buf), nsid, cns, cntid, csi, cb=cb)

    def getfeatures(self, fid, sel=0, buf=None, cdw11=0, cdw12=0, cdw13=0, cdw14=0, cdw15=0,
                    nsid=1, cb=None):
        """Get Features (0Ah); the value is cdw0 (waitdone()'s return value)."""
        return self._send(self._nvt.getfeatures, fid, sel, nsid, cdw11, cdw12, cdw13, cdw14,
                          cdw15, self._buf(buf), cb=cb)

    def setfeatures(self, fid, sv=0, buf=None, cdw11=0, cdw12=0, cdw13=0, cdw14=0, cdw15=0,
                    nsid=0xffffffff, cb=None):
        """Set Features (09h)."""
        return self._send(self._nvt.setfeatures, fid, sv, nsid, cdw11, cdw12, cdw13, cdw14,
                          cdw15, self._buf(buf), cb=cb)

    def getlogpage(self, lid, buf, size=None, offset=0, nsid=0xffffffff, cb=None, *, lsp=0,
                   rae=0):
        """Get Log Page (02h) of @size bytes (None: the buffer from its offset)."""
        return self._send(self._nvt.getlogpage, lid, self._buf(buf), size or 0, offset, nsid,
                          lsp, rae, cb=cb)

    def format(self, lbaf=0, ses=0, nsid=1, cb=None):
        """Format NVM (80h). Namespace.format() also updates the namespace's data."""
        return self._send(self._nvt.format, lbaf, ses, nsid, cb=cb)

    def sanitize(self, option=2, pattern=0, cb=None):
        """Sanitize (84h): @option is CDW10 (2: block erase), @pattern CDW11."""
        return self.send_cmd(nvmetest.ADMIN_SANITIZE, None, 0, option, pattern, cb=cb)

    def dst(self, stc=1, nsid=0xffffffff, cb=None):
        """Device Self-test (14h)."""
        return self._send(self._nvt.dst, stc, nsid, cb=cb)

    def fw_download(self, buf, offset, size=None, cb=None):
        """Firmware Image Download (11h) of @size bytes (None: the buffer's) at @offset."""
        return self._send(self._nvt.fw_download, self._buf(buf), offset, size or 0, cb=cb)

    def fw_commit(self, slot, action, cb=None):
        """Firmware Commit (10h)."""
        return self._send(self._nvt.fw_commit, slot, action, cb=cb)

    def downfw(self, filename, slot=0, action=1):
        """Download the firmware file in chunks, then commit it (synchronous); a
        failed command warns."""
        logging.info("download firmware image %s to slot %d and activate", filename, slot)
        try:
            self._nvt.download_firmware(filename, slot, action)
        except nvmetest.NvmeStatusError as e:
            status_warning(e)

    def aer(self, cb=None):
        """Call @cb for every Asynchronous Event (with pynvme's warning "AER notification
        is triggered"). The library keeps its AERs outstanding from the init on; in an
        nvme_init_func this also sends them."""
        self._nvt.set_aer_cb(aer_adapter(_aer_counter(weakref.ref(self)), cb))
        self._aer_set = True
        if self._in_init:
            self._nvt.aer_arm()
        return self

    def security_send(self, buf, spsp, secp=1, nssf=0, size=None, cb=None):
        """Security Send (81h)."""
        return self._send(self._nvt.security_send, self._buf(buf), secp, spsp, nssf,
                          size or 0, cb=cb)

    def security_receive(self, buf, spsp, secp=1, nssf=0, size=None, cb=None):
        """Security Receive (82h)."""
        return self._send(self._nvt.security_receive, self._buf(buf), secp, spsp, nssf,
                          size or 0, cb=cb)

    def _mi(self, opc, opcode, dword0, dword1, buf, mtype, cb):
        if mtype not in (1, 4):
            raise ValueError(f"mtype {mtype!r}: 1 (MI command) or 4 (MI control primitive)")
        return self.send_cmd(opc, buf, 0, mtype << 11 | 4, opcode, dword0, dword1, cb=cb)

    def mi_send(self, opcode, dword0=0, dword1=0, buf=None, mtype=1, cb=None):
        """NVMe-MI Send (1Dh)."""
        return self._mi(ADMIN_MI_SEND, opcode, dword0, dword1, buf, mtype, cb)

    def mi_receive(self, opcode, dword0=0, dword1=0, buf=None, mtype=1, cb=None):
        """NVMe-MI Receive (1Eh)."""
        return self._mi(ADMIN_MI_RECV, opcode, dword0, dword1, buf, mtype, cb)

    def __repr__(self):
        return "<Controller closed>" if self._nvt.closed else f"<Controller {self.addr}>"
