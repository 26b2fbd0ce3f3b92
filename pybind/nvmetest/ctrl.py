# SPDX-License-Identifier: MIT
"""Controller: the NVMe controller of a function bound to nvmetest.ko (struct nvt_ctrl,
ctrl.h and admin.h), pynvme's Controller.

    with nvmetest.Controller("nvmetest0") as ctrl, nvmetest.Buffer(ctrl) as buf:
        ctrl.identify(buf).waitdone()
        ctrl.getfeatures(nvmetest.FID_NUM_QUEUES, cb=lambda cpl: print(cpl.cdw0)).waitdone()

Commands are asynchronous: each returns the controller, so calls chain, and
waitdone(n) reaps n completions, runs their callbacks (in the calling thread)
and raises for the first failure: NvmeStatusError for an error status,
NvtTimeoutError for a host timeout, NvtError(ECANCELED) for a command a
reset cancelled. A callback is called with one argument, a Completion.
"""
import ctypes
import errno
import threading
import weakref

from ._lib import CB_FN, INIT_FN, CmdC, CtrlOptsC, CtrlPtr, lib
from .buf import Buffer
from .cmdlog import Cmdlog, read_entries
from .constants import CMD_F_TIMEOUT, CNS_CTRL, CTRL_OPEN_NO_INIT
from .cpl import CALLBACK, _Dispatch
from .errors import (NvmeStatusError, call, call_status, clear_error, error_for, name_arg,
                     uint)
from .handle import Handle
from .pattern import read_field
from .pcie import Pcie


def _buf_arg(buf, required=False, what="buf"):
    if buf is None:
        if required:
            raise TypeError(f"{what} is required: a Buffer")
        return None
    if not isinstance(buf, Buffer):
        raise TypeError(f"{what} must be a Buffer or None, not {type(buf).__name__}")
    return buf._handle()


class Controller(Handle):
    """nvt_ctrl_open_opts(name) or, given a Pcie, nvt_ctrl_create_opts(pcie).

    By default the controller is reset and brought up by the library's default
    init (nvt_ctrl_init_default(): disable, admin queue, enable, Identify,
    Number of Queues, AERs). Options (struct nvt_ctrl_opts):
      init: a callable init(ctrl) run instead, at open and at every reset(),
            built from disable(), init_adminq(), enable(), identify_init(),
            init_queues(), aer_arm(), register writes and commands; it returns
            None or 0, or a negative errno / positive status to fail; an
            exception it raises is raised by the opening (or reset()) call;
      no_init: touch nothing (register access, or a controller another
            process drives); reset() then runs the default init;
      sq_depth, cq_depth: admin queue depths (0: 128);
      timeout_ms: the default host timeout of admin commands (0: 10000).
    The controller holds its own reference to the function, so a Pcie may be
    closed before or after it.
    """

    def __init__(self, dev, *, init=None, no_init=False, sq_depth=0, cq_depth=0,
                 timeout_ms=0):
        super().__init__(None)
        self._dispatch = _Dispatch()
        self._init_fn = init
        self._init_cb = None
        self._init_error = None
        self._in_waitdone = threading.local()
        opts = CtrlOptsC()
        opts.sq_depth = uint(sq_depth, 16, "sq_depth")
        opts.cq_depth = uint(cq_depth, 16, "cq_depth")
        opts.timeout_ms = uint(timeout_ms, 32, "timeout_ms")
        if no_init:
            if init is not None:
                raise ValueError("init and no_init exclude each other")
            opts.flags = CTRL_OPEN_NO_INIT
        if init is not None:
            if not callable(init):
                raise TypeError(f"init must be callable, not {type(init).__name__}")
            self._init_cb = INIT_FN(_init_trampoline(weakref.ref(self)))
            opts.init = self._init_cb
        ptr = CtrlPtr()
        clear_error()
        if isinstance(dev, Pcie):
            ret = lib.nvt_ctrl_create_opts(dev._handle(), ctypes.byref(opts), ctypes.byref(ptr))
        else:
            ret = lib.nvt_ctrl_open_opts(name_arg(dev), ctypes.byref(opts), ctypes.byref(ptr))
        if ret:
            self._ptr = None    # the init hook saw it; the library has freed it
            self._dispatch.forget()
            raise self._failure(ret)
        self._ptr = ptr
        self._raise_callback_errors()

    @staticmethod
    def _free(ptr):
        lib.nvt_ctrl_close(ptr)

    def close(self):
        """nvt_ctrl_close(): commands still outstanding are forgotten, their callbacks
        never run; buffers keep the C controller alive until they are closed."""
        if getattr(self, "_ptr", None):
            self._dispatch.forget()
        super().close()

    # ---- errors ----

    def _failure(self, ret):
        """The exception for a failed library call (the init hook's own first)."""
        err, self._init_error = self._init_error, None
        callback_errors = self._dispatch.take_errors()
        if err is not None:
            return err
        if callback_errors:
            return callback_errors[0]
        if ret > 0:
            return NvmeStatusError(ret)
        return error_for(ret)

    def _raise_callback_errors(self):
        errors = self._dispatch.take_errors()
        if errors:
            raise errors[0]

    def _checked(self, func, *args):
        """A call returning 0 / -errno / a positive status that may run the init hook."""
        clear_error()
        ret = func(self._handle(), *args)
        if ret:
            raise self._failure(ret)
        self._raise_callback_errors()

    # ---- bring-up (ctrl.h) ----

    @property
    def pcie(self):
        """A new Pcie for this controller's function, with its own reference: close it."""
        return Pcie._adopt(lib.nvt_pcie_ref(lib.nvt_ctrl_pcie(self._handle())))

    def init_default(self):
        """nvt_ctrl_init_default(): the whole default init sequence."""
        self._checked(lib.nvt_ctrl_init_default, None)

    def disable(self):
        """nvt_ctrl_disable(): CC.EN = 0, wait for CSTS.RDY = 0."""
        self._checked(lib.nvt_ctrl_disable)

    def init_adminq(self):
        """nvt_ctrl_init_adminq(): set up the admin queue pair (AQA, ASQ, ACQ)."""
        self._checked(lib.nvt_ctrl_init_adminq)

    def enable(self):
        """nvt_ctrl_enable(): write CC with EN = 1, wait for CSTS.RDY = 1."""
        self._checked(lib.nvt_ctrl_enable)

    def identify_init(self):
        """nvt_ctrl_identify_init(): Identify Controller (cached) and the effects log."""
        self._checked(lib.nvt_ctrl_identify_init)

    def init_queues(self, nsq=0, ncq=0):
        """nvt_ctrl_init_queues(): Set Features Number of Queues (0: as many as allowed)."""
        self._checked(lib.nvt_ctrl_init_queues, uint(nsq, 32, "nsq"), uint(ncq, 32, "ncq"))

    @property
    def queues_granted(self):
        """nvt_ctrl_queues_granted(): (IO submission queues, IO completion queues)."""
        nsq, ncq = ctypes.c_uint32(), ctypes.c_uint32()
        call(lib.nvt_ctrl_queues_granted, self._handle(), ctypes.byref(nsq), ctypes.byref(ncq))
        return nsq.value, ncq.value

    def aer_arm(self):
        """nvt_ctrl_aer_arm(): keep AERL + 1 library AERs outstanding."""
        self._checked(lib.nvt_ctrl_aer_arm)

    def reset(self):
        """nvt_ctrl_reset(): CC.EN 1 -> 0, then the init sequence again.

        Outstanding commands complete as cancelled at the next waitdone().
        """
        self._checked(lib.nvt_ctrl_reset)

    def shutdown(self, abrupt=False):
        """nvt_ctrl_shutdown(): CC.SHN normal (or abrupt), wait for CSTS.SHST = 10b."""
        self._checked(lib.nvt_ctrl_shutdown, int(bool(abrupt)))

    @property
    def generation(self):
        """nvt_ctrl_generation(): changes whenever the IO queues become invalid."""
        return lib.nvt_ctrl_generation(self._handle())

    # ---- registers ----

    def reg_read32(self, offset):
        """nvt_ctrl_reg_read32(): a 32-bit register, e.g. reg_read32(REG_VS)."""
        value = ctypes.c_uint32()
        call(lib.nvt_ctrl_reg_read32, self._handle(), uint(offset, 32, "offset"),
             ctypes.byref(value))
        return value.value

    def reg_read64(self, offset):
        """nvt_ctrl_reg_read64(): a 64-bit register, e.g. reg_read64(REG_CAP)."""
        value = ctypes.c_uint64()
        call(lib.nvt_ctrl_reg_read64, self._handle(), uint(offset, 32, "offset"),
             ctypes.byref(value))
        return value.value

    def reg_write32(self, offset, value):
        """nvt_ctrl_reg_write32()."""
        call(lib.nvt_ctrl_reg_write32, self._handle(), uint(offset, 32, "offset"),
             uint(value, 32, "value"))

    def reg_write64(self, offset, value):
        """nvt_ctrl_reg_write64()."""
        call(lib.nvt_ctrl_reg_write64, self._handle(), uint(offset, 32, "offset"),
             uint(value, 64, "value"))

    @property
    def cap(self):
        """nvt_ctrl_cap(): the CAP register."""
        value = ctypes.c_uint64()
        call(lib.nvt_ctrl_cap, self._handle(), ctypes.byref(value))
        return value.value

    # ---- what Identify said ----

    def id_data(self, end, begin=None, type=int):
        """pynvme's id_data(byte_end, byte_begin, type): a field of the cached Identify
        Controller data, e.g. id_data(1, 0) (VID), id_data(23, 4, str) (SN).

        Ints up to 8 bytes come from nvt_ctrl_id_data(), strings from
        nvt_ctrl_id_str(); wider ints (TNVMCAP) from nvt_ctrl_id_copy().
        """
        handle = self._handle()
        return read_field(end, begin, type, 4096,
                          lambda *a: call(lib.nvt_ctrl_id_str, handle, *a),
                          lambda *a: call(lib.nvt_ctrl_id_data, handle, *a),
                          lambda b, e: self.id_copy()[b:e])

    def id_copy(self, length=4096):
        """nvt_ctrl_id_copy(): the first @length bytes of the cached Identify data."""
        out = ctypes.create_string_buffer(uint(length, 16, "length"))
        call(lib.nvt_ctrl_id_copy, self._handle(), out, length)
        return out.raw

    def supports(self, opcode):
        """nvt_ctrl_supports(): 0-255 an admin opcode, 256-511 an I/O opcode + 256."""
        return bool(call(lib.nvt_ctrl_supports, self._handle(), uint(opcode, 32, "opcode")))

    def cmdname(self, opcode):
        """nvt_ctrl_cmdname(): the name of an admin command."""
        return lib.nvt_ctrl_cmdname(self._handle(), uint(opcode, 8, "opcode")).decode()

    @property
    def mdts(self):
        """nvt_ctrl_mdts(): the maximum data transfer size in bytes (0: no limit)."""
        value = ctypes.c_uint64()
        call(lib.nvt_ctrl_mdts, self._handle(), ctypes.byref(value))
        return value.value

    # ---- completions ----

    def waitdone(self, expected=1):
        """nvt_ctrl_waitdone(): reap @expected completions and run their callbacks.

        Returns DW0 of the latest completion (pynvme's waitdone()). Raises,
        after every callback ran: an exception a callback raised; NvtTimeoutError
        if a command timed out; NvtError(ECANCELED) if one was cancelled by a
        reset; NvmeStatusError for the first error status (its .completion set);
        NvtError(EDEADLK) from inside a callback, NvtError(EINVAL) for more
        than are outstanding.
        """
        handle = self._handle()
        expected = uint(expected, 32, "expected")
        nested = getattr(self._in_waitdone, "active", False)
        clear_error()
        if nested:      # from a callback: the library refuses; keep the outer state
            ret = lib.nvt_ctrl_waitdone(handle, expected)
            if ret:
                raise self._failure_plain(ret)
            return lib.nvt_ctrl_latest_cdw0(handle)
        self._dispatch.first_failed = None
        self._in_waitdone.active = True
        try:
            ret = lib.nvt_ctrl_waitdone(handle, expected)
        finally:
            self._in_waitdone.active = False
        self._raise_callback_errors()
        if ret > 0:
            failed = self._dispatch.first_failed
            raise NvmeStatusError(ret, failed if failed is not None and failed.status == ret
                                  else None)
        if ret < 0:
            raise error_for(ret)
        return lib.nvt_ctrl_latest_cdw0(handle)

    @staticmethod
    def _failure_plain(ret):
        return NvmeStatusError(ret) if ret > 0 else error_for(ret)

    @property
    def outstanding(self):
        """nvt_ctrl_outstanding(): commands waitdone() can wait for (AERs not included)."""
        return lib.nvt_ctrl_outstanding(self._handle())

    @property
    def timeout(self):
        """nvt_ctrl_get_timeout() / nvt_ctrl_set_timeout(): default host timeout in ms (0: none)."""
        return lib.nvt_ctrl_get_timeout(self._handle())

    @timeout.setter
    def timeout(self, ms):
        call(lib.nvt_ctrl_set_timeout, self._handle(), uint(ms, 32, "timeout"))

    @property
    def latest_cid(self):
        """nvt_ctrl_latest_cid()."""
        return lib.nvt_ctrl_latest_cid(self._handle())

    @property
    def latest_latency(self):
        """nvt_ctrl_latest_latency(): microseconds."""
        return lib.nvt_ctrl_latest_latency(self._handle())

    @property
    def latest_cdw0(self):
        """nvt_ctrl_latest_cdw0()."""
        return lib.nvt_ctrl_latest_cdw0(self._handle())

    def set_aer_cb(self, cb):
        """nvt_ctrl_set_aer_cb(): cb(completion) for every library AER that completes
        (in waitdone()); None: unhandled AERs are logged as warnings."""
        handle = self._handle()
        old = self._dispatch.aer_key
        if cb is None:
            call(lib.nvt_ctrl_set_aer_cb, handle, CB_FN(), None)     # NULL
            self._dispatch.aer_key = None
        else:
            key = self._dispatch.register(cb, persistent=True, counts=False)
            try:
                call(lib.nvt_ctrl_set_aer_cb, handle, CALLBACK, key)
            except BaseException:
                self._dispatch.unregister(key)
                raise
            self._dispatch.aer_key = key
        if old is not None:
            self._dispatch.unregister(old)

    # ---- commands (admin.h) ----

    def _submit(self, func, args, cb, counts=True):
        handle = self._handle()
        key = self._dispatch.register(cb, counts=counts)
        try:
            call(func, handle, *args, CALLBACK, key)
        except BaseException:
            self._dispatch.unregister(key)
            raise
        return self

    def send_cmd(self, opcode, buf=None, nsid=0, cdw10=0, cdw11=0, cdw12=0, cdw13=0, cdw14=0,
                 cdw15=0, *, cdw2=0, cdw3=0, fuse=0, timeout_ms=None, cb=None):
        """nvt_ctrl_send_cmd(): any admin command, legal or not.

        timeout_ms: this command's host timeout (0: none); None for the
        controller's (none for an AER opcode).
        """
        cmd = CmdC()
        cmd.opcode = uint(opcode, 8, "opcode")
        cmd.fuse = uint(fuse, 8, "fuse")
        cmd.nsid = uint(nsid, 32, "nsid")
        for name, value in (("cdw2", cdw2), ("cdw3", cdw3), ("cdw10", cdw10), ("cdw11", cdw11),
                            ("cdw12", cdw12), ("cdw13", cdw13), ("cdw14", cdw14),
                            ("cdw15", cdw15)):
            setattr(cmd, name, uint(value, 32, name))
        if timeout_ms is not None:
            cmd.flags = CMD_F_TIMEOUT
            cmd.timeout_ms = uint(timeout_ms, 32, "timeout_ms")
        bufp = _buf_arg(buf)
        return self._submit(lib.nvt_ctrl_send_cmd, (ctypes.byref(cmd), bufp), cb)

    def identify(self, buf, nsid=0, cns=CNS_CTRL, cntid=0, csi=0, cb=None):
        """nvt_ctrl_identify(): Identify (06h) into @buf (4096 bytes)."""
        return self._submit(lib.nvt_ctrl_identify,
                            (_buf_arg(buf, True), uint(nsid, 32, "nsid"), uint(cns, 8, "cns"),
                             uint(cntid, 16, "cntid"), uint(csi, 8, "csi")), cb)

    def _features(self, func, fid, sel_sv, what, nsid, cdws, buf, cb):
        return self._submit(func, (uint(fid, 8, "fid"), uint(sel_sv, 8, what),
                                   uint(nsid, 32, "nsid"),
                                   *(uint(v, 32, f"cdw{11 + i}") for i, v in enumerate(cdws)),
                                   _buf_arg(buf)), cb)

    def getfeatures(self, fid, sel=0, nsid=0, cdw11=0, cdw12=0, cdw13=0, cdw14=0, cdw15=0,
                    buf=None, cb=None):
        """nvt_ctrl_getfeatures(): Get Features (0Ah); the value is the completion's cdw0
        (waitdone()'s return value)."""
        return self._features(lib.nvt_ctrl_getfeatures, fid, sel, "sel", nsid,
                              (cdw11, cdw12, cdw13, cdw14, cdw15), buf, cb)

    def setfeatures(self, fid, sv=0, nsid=0, cdw11=0, cdw12=0, cdw13=0, cdw14=0, cdw15=0,
                    buf=None, cb=None):
        """nvt_ctrl_setfeatures(): Set Features (09h)."""
        return self._features(lib.nvt_ctrl_setfeatures, fid, sv, "sv", nsid,
                              (cdw11, cdw12, cdw13, cdw14, cdw15), buf, cb)

    def getlogpage(self, lid, buf, size=0, offset=0, nsid=0xffffffff, lsp=0, rae=0, cb=None):
        """nvt_ctrl_getlogpage(): Get Log Page (02h); size 0: the buffer's transfer size."""
        return self._submit(lib.nvt_ctrl_getlogpage,
                            (uint(lid, 8, "lid"), _buf_arg(buf, True), uint(size, 32, "size"),
                             uint(offset, 64, "offset"), uint(nsid, 32, "nsid"),
                             uint(lsp, 8, "lsp"), uint(rae, 8, "rae")), cb)

    def format(self, lbaf=0, ses=0, nsid=1, pil=0, pi=0, mset=0, cb=None):
        """nvt_ctrl_format(): Format NVM (80h). Erases the namespace."""
        return self._submit(lib.nvt_ctrl_format,
                            (uint(nsid, 32, "nsid"), uint(lbaf, 8, "lbaf"), uint(ses, 8, "ses"),
                             uint(pil, 8, "pil"), uint(pi, 8, "pi"), uint(mset, 8, "mset")), cb)

    def sanitize(self, sanact=2, ause=0, owpass=0, oipbp=0, nodas=0, ovrpat=0, cb=None):
        """nvt_ctrl_sanitize(): Sanitize (84h), by default a block erase."""
        return self._submit(lib.nvt_ctrl_sanitize,
                            (uint(sanact, 8, "sanact"), uint(ause, 8, "ause"),
                             uint(owpass, 8, "owpass"), uint(oipbp, 8, "oipbp"),
                             uint(nodas, 8, "nodas"), uint(ovrpat, 32, "ovrpat")), cb)

    def dst(self, stc=1, nsid=0xffffffff, cb=None):
        """nvt_ctrl_dst(): Device Self-test (14h), by default a short one."""
        return self._submit(lib.nvt_ctrl_dst, (uint(stc, 8, "stc"), uint(nsid, 32, "nsid")), cb)

    def fw_download(self, buf, offset=0, size=0, cb=None):
        """nvt_ctrl_fw_download(): Firmware Image Download (11h); size 0: the buffer's."""
        return self._submit(lib.nvt_ctrl_fw_download,
                            (_buf_arg(buf, True), uint(offset, 64, "offset"),
                             uint(size, 32, "size")), cb)

    def fw_commit(self, slot=0, action=1, bpid=0, cb=None):
        """nvt_ctrl_fw_commit(): Firmware Commit (10h)."""
        return self._submit(lib.nvt_ctrl_fw_commit,
                            (uint(slot, 8, "slot"), uint(action, 8, "action"),
                             uint(bpid, 8, "bpid")), cb)

    def download_firmware(self, path, slot=0, action=1, chunk=0):
        """nvt_ctrl_download_firmware(): pynvme's downfw(), synchronous."""
        call_status(lib.nvt_ctrl_download_firmware, self._handle(), name_arg(path),
                    uint(slot, 8, "slot"), uint(action, 8, "action"), uint(chunk, 32, "chunk"))

    def abort(self, cid, sqid=0, cb=None):
        """nvt_ctrl_abort(): Abort (08h) of command @cid of queue @sqid."""
        return self._submit(lib.nvt_ctrl_abort, (uint(sqid, 16, "sqid"), uint(cid, 16, "cid")),
                            cb)

    def aer(self, cb=None):
        """nvt_ctrl_aer(): a library AER (re-sent when it completes, not counted by
        waitdone()); cb (or the AER callback) gets its completion."""
        return self._submit(lib.nvt_ctrl_aer, (), cb, counts=False)

    def security_send(self, buf, secp=0, spsp=0, nssf=0, size=0, cb=None):
        """nvt_ctrl_security_send(): Security Send (81h)."""
        return self._submit(lib.nvt_ctrl_security_send,
                            (_buf_arg(buf, True), uint(secp, 8, "secp"), uint(spsp, 16, "spsp"),
                             uint(nssf, 8, "nssf"), uint(size, 32, "size")), cb)

    def security_receive(self, buf, secp=0, spsp=0, nssf=0, size=0, cb=None):
        """nvt_ctrl_security_receive(): Security Receive (82h)."""
        return self._submit(lib.nvt_ctrl_security_receive,
                            (_buf_arg(buf, True), uint(secp, 8, "secp"), uint(spsp, 16, "spsp"),
                             uint(nssf, 8, "nssf"), uint(size, 32, "size")), cb)

    def ns_mgmt(self, sel, buf=None, nsid=0, csi=0, cb=None):
        """nvt_ctrl_ns_mgmt(): Namespace Management (0Dh); create returns the NSID in cdw0."""
        return self._submit(lib.nvt_ctrl_ns_mgmt,
                            (uint(sel, 8, "sel"), _buf_arg(buf), uint(nsid, 32, "nsid"),
                             uint(csi, 8, "csi")), cb)

    def ns_attach(self, sel, nsid, buf, cb=None):
        """nvt_ctrl_ns_attach(): Namespace Attachment (15h) with a controller list."""
        return self._submit(lib.nvt_ctrl_ns_attach,
                            (uint(sel, 8, "sel"), uint(nsid, 32, "nsid"), _buf_arg(buf, True)),
                            cb)

    def _directive(self, func, nsid, doper, dtype, dspec, buf, size, cdw12, cdw13, cb):
        return self._submit(func, (uint(nsid, 32, "nsid"), uint(doper, 8, "doper"),
                                   uint(dtype, 8, "dtype"), uint(dspec, 16, "dspec"),
                                   _buf_arg(buf), uint(size, 32, "size"),
                                   uint(cdw12, 32, "cdw12"), uint(cdw13, 32, "cdw13")), cb)

    def directive_send(self, nsid=0, doper=0, dtype=0, dspec=0, buf=None, size=0, cdw12=0,
                       cdw13=0, cb=None):
        """nvt_ctrl_directive_send(): Directive Send (19h)."""
        return self._directive(lib.nvt_ctrl_directive_send, nsid, doper, dtype, dspec, buf,
                               size, cdw12, cdw13, cb)

    def directive_receive(self, nsid=0, doper=0, dtype=0, dspec=0, buf=None, size=0, cdw12=0,
                          cdw13=0, cb=None):
        """nvt_ctrl_directive_receive(): Directive Receive (1Ah)."""
        return self._directive(lib.nvt_ctrl_directive_receive, nsid, doper, dtype, dspec, buf,
                               size, cdw12, cdw13, cb)

    # ---- command log ----

    def cmdlog(self, n=0):
        """nvt_ctrl_cmdlog(): the latest @n admin commands (0: the whole ring), oldest
        first, as CmdlogEntry."""
        n = uint(n, 32, "n")
        room = n
        if not n:
            with self.pcie as pcie, Cmdlog(pcie) as log:
                room = log.size
        return read_entries(lib.nvt_ctrl_cmdlog, self._handle(), n, room, 0)

    def __repr__(self):
        if self.closed:
            return "<Controller closed>"
        with self.pcie as pcie:
            return f"<Controller {pcie.info.bdf}>"


def _init_trampoline(ref):
    """The C init hook of one Controller: runs its Python init(ctrl)."""
    def hook(ptr, _ctx):
        ctrl = ref()
        if ctrl is None:
            return -errno.ENODEV
        try:
            if not ctrl._ptr:       # at open: the hook works on the object being made
                ctrl._ptr = ptr
            ret = ctrl._init_fn(ctrl)
            if ret is None:
                return 0
            if not isinstance(ret, int) or isinstance(ret, bool):
                raise TypeError(f"init returned {type(ret).__name__}: None, 0, -errno or a "
                                "status")
            return ret
        except BaseException as e:      # noqa: B902 - raised again by the opening call
            ctrl._init_error = e
            return -errno.ECANCELED
    return hook
