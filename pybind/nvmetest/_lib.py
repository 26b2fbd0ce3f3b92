# SPDX-License-Identifier: MIT
"""Loading libnvmetest.so.0 and declaring every function it exports.

Search order: the file (or directory) named by $NVT_LIB; the repository's
build/lib next to this package (pybind/../build/lib); the system loader.
"""
import ctypes
import os
from pathlib import Path

SONAME = "libnvmetest.so.0"
BDF_LEN = 16


def _candidates():
    env = os.environ.get("NVT_LIB")
    if env:
        path = Path(env)
        return [str(path / SONAME if path.is_dir() else path)]
    built = Path(__file__).resolve().parent.parent.parent / "build" / "lib" / SONAME
    return ([str(built)] if built.exists() else []) + [SONAME]


def _load():
    errors = []
    for cand in _candidates():
        try:
            return ctypes.CDLL(cand, use_errno=True)
        except OSError as e:
            errors.append(f"{cand}: {e}")
    raise ImportError("cannot load libnvmetest (build it with `make`, or set NVT_LIB): "
                      + "; ".join(errors))


# Opaque objects: distinct pointer types, so one cannot stand for another.
class _Pcie(ctypes.Structure):
    pass


class _Ctrl(ctypes.Structure):
    pass


PciePtr = ctypes.POINTER(_Pcie)
CtrlPtr = ctypes.POINTER(_Ctrl)


class PcieInfoC(ctypes.Structure):
    """struct nvt_pcie_info (pcie.h)."""
    _fields_ = [
        ("bdf", ctypes.c_char * BDF_LEN),
        ("domain", ctypes.c_uint32),
        ("bus", ctypes.c_uint8),
        ("dev", ctypes.c_uint8),
        ("fn", ctypes.c_uint8),
        ("vendor_id", ctypes.c_uint16),
        ("device_id", ctypes.c_uint16),
        ("subsys_vendor_id", ctypes.c_uint16),
        ("subsys_device_id", ctypes.c_uint16),
        ("class_code", ctypes.c_uint32),
        ("config_size", ctypes.c_uint32),
        ("bar0_size", ctypes.c_uint64),
        ("minor", ctypes.c_uint32),
        ("abi_version", ctypes.c_uint32),
        ("features", ctypes.c_uint64),
    ]


class PcieCapC(ctypes.Structure):
    """struct nvt_pcie_cap (pcie.h)."""
    _fields_ = [
        ("offset", ctypes.c_uint16),
        ("id", ctypes.c_uint16),
        ("extended", ctypes.c_uint8),
        ("version", ctypes.c_uint8),
    ]


class CtrlEntryC(ctypes.Structure):
    """struct nvt_ctrl_entry (list.h)."""
    _fields_ = [
        ("minor", ctypes.c_uint32),
        ("bdf", ctypes.c_char * BDF_LEN),
        ("vendor_id", ctypes.c_uint16),
        ("device_id", ctypes.c_uint16),
        ("serial", ctypes.c_char * 24),
        ("model", ctypes.c_char * 44),
    ]


class _Buf(ctypes.Structure):
    pass


class _Cmdlog(ctypes.Structure):
    pass


class _Events(ctypes.Structure):
    pass


class _Qpair(ctypes.Structure):
    pass


class _Ns(ctypes.Structure):
    pass


BufPtr = ctypes.POINTER(_Buf)
CmdlogPtr = ctypes.POINTER(_Cmdlog)
EventsPtr = ctypes.POINTER(_Events)
QpairPtr = ctypes.POINTER(_Qpair)
NsPtr = ctypes.POINTER(_Ns)

_u8, _u16, _u32, _u64 = ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64

# typedef int (*nvt_ctrl_init_fn)(struct nvt_ctrl *ctrl, void *ctx);
INIT_FN = ctypes.CFUNCTYPE(ctypes.c_int, CtrlPtr, ctypes.c_void_p)


class CtrlOptsC(ctypes.Structure):
    """struct nvt_ctrl_opts (ctrl.h)."""
    _fields_ = [
        ("flags", _u32),
        ("sq_depth", _u16),
        ("cq_depth", _u16),
        ("timeout_ms", _u32),
        ("rsvd0", _u32),
        ("init", INIT_FN),
        ("init_ctx", ctypes.c_void_p),
        ("rsvd", _u64 * 4),
    ]


class CmdC(ctypes.Structure):
    """struct nvt_cmd (admin.h)."""
    _fields_ = [
        ("opcode", _u8),
        ("fuse", _u8),
        ("rsvd0", _u16),
        ("nsid", _u32),
        ("cdw2", _u32),
        ("cdw3", _u32),
        ("cdw10", _u32),
        ("cdw11", _u32),
        ("cdw12", _u32),
        ("cdw13", _u32),
        ("cdw14", _u32),
        ("cdw15", _u32),
        ("flags", _u32),
        ("timeout_ms", _u32),
        ("rsvd", _u32 * 2),
    ]


class CplC(ctypes.Structure):
    """struct nvt_cpl (admin.h)."""
    _fields_ = [
        ("cdw0", _u32),
        ("status", _u16),
        ("cid", _u16),
        ("qid", _u16),
        ("rsvd0", _u16),
        ("flags", _u32),
        ("cqe", _u32 * 4),
        ("sqe", _u32 * 16),
        ("latency_us", _u64),
        ("submit_ns", _u64),
        ("complete_ns", _u64),
    ]


# typedef void (*nvt_cb)(void *ctx, const struct nvt_cpl *cpl);
CB_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(CplC))


class CmdlogEntryC(ctypes.Structure):
    """struct nvt_cmdlog_entry (uapi.h)."""
    _fields_ = [
        ("sqe", _u32 * 16),
        ("cqe", _u32 * 4),
        ("submit_ns", _u64),
        ("complete_ns", _u64),
        ("seq", _u64),
        ("flags", _u32),
        ("pad0", _u32),
        ("index", _u64),
        ("reserved", _u64 * 1),
    ]


class EventC(ctypes.Structure):
    """struct nvt_event (events.h)."""
    _fields_ = [
        ("type", _u32),
        ("minor", _u32),
        ("bdf", ctypes.c_char * BDF_LEN),
        ("present", _u32),
        ("cdw0", _u32),
        ("status", _u16),
        ("cid", _u16),
        ("qid", _u16),
        ("opcode", _u8),
        ("rsvd0", _u8),
        ("reset_type", _u32),
        ("pci_state", _u32),
    ]


class QpairOptsC(ctypes.Structure):
    """struct nvt_qpair_opts (qpair.h)."""
    _fields_ = [
        ("flags", _u32),
        ("qid", _u16),
        ("vector", _u16),
        ("prio", _u8),
        ("rsvd0", _u8 * 7),
        ("rsvd", _u64 * 3),
    ]


class IoC(ctypes.Structure):
    """struct nvt_io (io.h)."""
    _fields_ = [
        ("opcode", _u8),
        ("fuse", _u8),
        ("io_flags", _u16),
        ("lba_count", _u32),
        ("lba", _u64),
        ("cdw2", _u32),
        ("cdw3", _u32),
        ("cdw13", _u32),
        ("cdw14", _u32),
        ("cdw15", _u32),
        ("flags", _u32),
        ("timeout_ms", _u32),
        ("rsvd", _u32 * 3),
    ]


class IoworkerSizeC(ctypes.Structure):
    """struct nvt_ioworker_size (ioworker.h)."""
    _fields_ = [("lbas", _u32), ("weight", _u32)]


class IoworkerOpC(ctypes.Structure):
    """struct nvt_ioworker_op (ioworker.h)."""
    _fields_ = [("opcode", _u8), ("rsvd", _u8 * 3), ("percent", _u32)]


IOWORKER_MAX_SIZES, IOWORKER_MAX_OPS, IOWORKER_SECTIONS = 16, 6, 100


class IoworkerSeqIoC(ctypes.Structure):
    """struct nvt_ioworker_seq_io (ioworker.h)."""
    _fields_ = [
        ("time_us", _u64),
        ("slba", _u64),
        ("nlb", _u32),
        ("opcode", _u8),
        ("rsvd", _u8 * 3),
    ]


class IoworkerArgsC(ctypes.Structure):
    """struct nvt_ioworker_args (ioworker.h)."""
    _fields_ = [
        ("flags", _u32),
        ("io_size", _u32),
        ("nsizes", _u32),
        ("sizes", IoworkerSizeC * IOWORKER_MAX_SIZES),
        ("lba_align", _u32),
        ("lba_random", _u32),
        ("lba_step", ctypes.c_int64),
        ("lba_start", _u64),
        ("region_start", _u64),
        ("region_end", _u64),
        ("read_percentage", _u32),
        ("nops", _u32),
        ("ops", IoworkerOpC * IOWORKER_MAX_OPS),
        ("qdepth", _u32),
        ("qprio", _u32),
        ("iops", _u64),
        ("io_count", _u64),
        ("time_ms", _u64),
        ("distribution", _u16 * IOWORKER_SECTIONS),
        ("ptype", _u32),
        ("pvalue", _u32),
        ("cpu", _u32),
        ("cmdlog_count", _u32),
        ("seed", _u64),
        ("io_sequence", ctypes.POINTER(IoworkerSeqIoC)),
        ("io_sequence_len", _u64),
        ("rsvd", _u64 * 2),
    ]


class IoworkerCmdC(ctypes.Structure):
    """struct nvt_ioworker_cmd (ioworker.h)."""
    _fields_ = [
        ("slba", _u64),
        ("nlb", _u32),
        ("opcode", _u8),
        ("rsvd", _u8 * 3),
        ("status", ctypes.c_int32),
    ]


class IoworkerResultC(ctypes.Structure):
    """struct nvt_ioworker_result (ioworker.h)."""
    _fields_ = [
        ("io_count_read", _u64),
        ("io_count_write", _u64),
        ("io_count_other", _u64),
        ("op_count", _u64 * 256),
        ("io_count", _u64),
        ("bytes", _u64),
        ("duration_ns", _u64),
        ("iops", ctypes.c_double),
        ("mbps", ctypes.c_double),
        ("latency_max_us", _u64),
        ("latency_avg_us", ctypes.c_double),
        ("latency_hist", ctypes.POINTER(_u32)),
        ("latency_buckets", ctypes.c_uint),
        ("io_per_second", ctypes.POINTER(_u64)),
        ("seconds", ctypes.c_uint),
        ("cmdlog", ctypes.POINTER(IoworkerCmdC)),
        ("cmdlog_count", ctypes.c_uint),
        ("cpu_ns", _u64),
        ("cpu_usage", ctypes.c_double),
        ("error", ctypes.c_int),
        ("error_cmd", IoworkerCmdC),
        ("reset", ctypes.c_bool),
    ]


class IoworkerProgressC(ctypes.Structure):
    """struct nvt_ioworker_progress (ioworker.h)."""
    _fields_ = [
        ("elapsed_ns", _u64),
        ("io_count", _u64),
        ("bytes", _u64),
        ("latency_sum_us", _u64),
        ("latency_max_us", _u64),
        ("running", ctypes.c_bool),
    ]


class _Ioworker(ctypes.Structure):
    pass


IoworkerPtr = ctypes.POINTER(_Ioworker)


class PcieLinkC(ctypes.Structure):
    """struct nvt_pcie_link (pcie.h)."""
    _fields_ = [("speed", ctypes.c_uint8), ("width", ctypes.c_uint8),
                ("max_speed", ctypes.c_uint8), ("max_width", ctypes.c_uint8)]


class _Sub(ctypes.Structure):
    pass


SubPtr = ctypes.POINTER(_Sub)
POWER_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p)


class HooksC(ctypes.Structure):
    """struct nvt_power_hooks (subsystem.h)."""
    _fields_ = [("poweroff", POWER_FN), ("poweron", POWER_FN), ("ctx", ctypes.c_void_p)]


LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

_c_int, _c_uint, _c_u32, _c_u64 = ctypes.c_int, ctypes.c_uint, ctypes.c_uint32, ctypes.c_uint64
_c_u8, _c_u16 = ctypes.c_uint8, ctypes.c_uint16
_c_str, _c_size, _c_void = ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p
_P = ctypes.POINTER
_CB = (CB_FN, _c_void)      # every command's (cb, ctx)
_U32x5 = [_c_u32] * 5       # cdw11 .. cdw15

# name: (restype, argtypes), as declared in include/nvmetest/*.h
_PROTOTYPES = {
    # log.h
    "nvt_set_log": (None, [LOG_FN, ctypes.c_void_p]),
    "nvt_set_log_level": (None, [_c_int]),
    "nvt_log_level": (_c_int, []),
    # pcie.h
    "nvt_pcie_parse_bdf": (_c_int, [_c_str, ctypes.c_char_p, _c_size]),
    "nvt_pcie_open": (_c_int, [_c_str, _P(PciePtr)]),
    "nvt_pcie_ref": (PciePtr, [PciePtr]),
    "nvt_pcie_close": (None, [PciePtr]),
    "nvt_pcie_info": (_c_int, [PciePtr, _P(PcieInfoC)]),
    "nvt_pcie_fd": (_c_int, [PciePtr]),
    "nvt_pcie_cfg_read": (_c_int, [PciePtr, _c_u32, _c_uint, _P(_c_u32)]),
    "nvt_pcie_cfg_write": (_c_int, [PciePtr, _c_u32, _c_uint, _c_u32]),
    "nvt_pcie_caps": (_c_int, [PciePtr, _P(PcieCapC), _c_uint]),
    "nvt_pcie_cap_offset": (_c_int, [PciePtr, _c_uint]),
    "nvt_pcie_ext_cap_offset": (_c_int, [PciePtr, _c_uint]),
    "nvt_pcie_cap_name": (_c_str, [_c_uint, _c_int]),
    "nvt_pcie_read": (_c_int, [PciePtr, _c_u32, _c_void, _c_size]),
    "nvt_pcie_write": (_c_int, [PciePtr, _c_u32, _c_void, _c_size]),
    "nvt_pcie_register_read": (_c_int, [PciePtr, _c_u32, _c_uint, _P(_c_u64)]),
    "nvt_pcie_register_write": (_c_int, [PciePtr, _c_u32, _c_uint, _c_u64]),
    "nvt_pcie_aspm": (_c_int, [PciePtr, _P(_c_uint), _P(_c_uint)]),
    "nvt_pcie_set_aspm": (_c_int, [PciePtr, _c_uint]),
    "nvt_pcie_power_state": (_c_int, [PciePtr, _P(_c_uint)]),
    "nvt_pcie_set_power_state": (_c_int, [PciePtr, _c_uint]),
    "nvt_pcie_link": (_c_int, [PciePtr, _P(PcieLinkC)]),
    "nvt_pcie_link_speed_name": (_c_str, [_c_uint]),
    # subsystem.h
    "nvt_subsystem_open": (_c_int, [CtrlPtr, _P(HooksC), _P(SubPtr)]),
    "nvt_subsystem_close": (None, [SubPtr]),
    "nvt_subsystem_shutdown_notify": (_c_int, [SubPtr, _c_int]),
    "nvt_subsystem_reset": (_c_int, [SubPtr]),
    "nvt_subsystem_poweroff": (_c_int, [SubPtr]),
    "nvt_subsystem_poweron": (_c_int, [SubPtr]),
    "nvt_subsystem_power_cycle": (_c_int, [SubPtr, _c_uint]),
    # vmchannel.h
    "nvt_vm_channel_available": (_c_int, []),
    "nvt_vm_poweroff": (_c_int, [_c_str]),
    "nvt_vm_poweron": (_c_int, [_c_str]),
    "nvt_vm_set_smart_warning": (_c_int, [_c_str, _c_uint]),
    # ctrl.h
    "nvt_ctrl_open": (_c_int, [_c_str, _P(CtrlPtr)]),
    "nvt_ctrl_open_opts": (_c_int, [_c_str, _P(CtrlOptsC), _P(CtrlPtr)]),
    "nvt_ctrl_create": (_c_int, [PciePtr, _P(CtrlPtr)]),
    "nvt_ctrl_create_opts": (_c_int, [PciePtr, _P(CtrlOptsC), _P(CtrlPtr)]),
    "nvt_ctrl_ref": (CtrlPtr, [CtrlPtr]),
    "nvt_ctrl_close": (None, [CtrlPtr]),
    "nvt_ctrl_pcie": (PciePtr, [CtrlPtr]),
    "nvt_ctrl_reg_read32": (_c_int, [CtrlPtr, _c_u32, _P(_c_u32)]),
    "nvt_ctrl_reg_read64": (_c_int, [CtrlPtr, _c_u32, _P(_c_u64)]),
    "nvt_ctrl_reg_write32": (_c_int, [CtrlPtr, _c_u32, _c_u32]),
    "nvt_ctrl_reg_write64": (_c_int, [CtrlPtr, _c_u32, _c_u64]),
    "nvt_ctrl_init_default": (_c_int, [CtrlPtr, _c_void]),
    "nvt_ctrl_disable": (_c_int, [CtrlPtr]),
    "nvt_ctrl_init_adminq": (_c_int, [CtrlPtr]),
    "nvt_ctrl_enable": (_c_int, [CtrlPtr]),
    "nvt_ctrl_identify_init": (_c_int, [CtrlPtr]),
    "nvt_ctrl_init_queues": (_c_int, [CtrlPtr, _c_u32, _c_u32]),
    "nvt_ctrl_queues_granted": (_c_int, [CtrlPtr, _P(_c_u32), _P(_c_u32)]),
    "nvt_ctrl_aer_arm": (_c_int, [CtrlPtr]),
    "nvt_ctrl_reset": (_c_int, [CtrlPtr]),
    "nvt_ctrl_shutdown": (_c_int, [CtrlPtr, _c_int]),
    "nvt_pcie_reset": (_c_int, [PciePtr, _c_int]),
    "nvt_reset_type_parse": (_c_int, [ctypes.c_char_p, _P(_c_int)]),
    "nvt_ctrl_generation": (_c_u32, [CtrlPtr]),
    "nvt_ctrl_id_data": (_c_int, [CtrlPtr, _c_uint, _c_uint, _P(_c_u64)]),
    "nvt_ctrl_id_str": (_c_int, [CtrlPtr, _c_uint, _c_uint, ctypes.c_char_p, _c_size]),
    "nvt_ctrl_id_copy": (_c_int, [CtrlPtr, _c_void, _c_size]),
    "nvt_ctrl_supports": (_c_int, [CtrlPtr, _c_uint]),
    "nvt_ctrl_cmdname": (_c_str, [CtrlPtr, _c_u8]),
    "nvt_ctrl_mdts": (_c_int, [CtrlPtr, _P(_c_u64)]),
    "nvt_ctrl_cap": (_c_int, [CtrlPtr, _P(_c_u64)]),
    # admin.h
    "nvt_ctrl_send_cmd": (_c_int, [CtrlPtr, _P(CmdC), BufPtr, *_CB]),
    "nvt_ctrl_waitdone": (_c_int, [CtrlPtr, _c_uint]),
    "nvt_ctrl_outstanding": (_c_uint, [CtrlPtr]),
    "nvt_ctrl_set_timeout": (_c_int, [CtrlPtr, _c_u32]),
    "nvt_ctrl_get_timeout": (_c_u32, [CtrlPtr]),
    "nvt_ctrl_latest_cid": (_c_u16, [CtrlPtr]),
    "nvt_ctrl_latest_latency": (_c_u64, [CtrlPtr]),
    "nvt_ctrl_latest_cdw0": (_c_u32, [CtrlPtr]),
    "nvt_ctrl_set_aer_cb": (_c_int, [CtrlPtr, *_CB]),
    "nvt_ctrl_identify": (_c_int, [CtrlPtr, BufPtr, _c_u32, _c_u8, _c_u16, _c_u8, *_CB]),
    "nvt_ctrl_getfeatures": (_c_int, [CtrlPtr, _c_u8, _c_u8, _c_u32, *_U32x5, BufPtr, *_CB]),
    "nvt_ctrl_setfeatures": (_c_int, [CtrlPtr, _c_u8, _c_u8, _c_u32, *_U32x5, BufPtr, *_CB]),
    "nvt_ctrl_getlogpage": (_c_int, [CtrlPtr, _c_u8, BufPtr, _c_u32, _c_u64, _c_u32, _c_u8,
                                     _c_u8, *_CB]),
    "nvt_ctrl_format": (_c_int, [CtrlPtr, _c_u32, _c_u8, _c_u8, _c_u8, _c_u8, _c_u8, *_CB]),
    "nvt_ctrl_sanitize": (_c_int, [CtrlPtr, _c_u8, _c_u8, _c_u8, _c_u8, _c_u8, _c_u32, *_CB]),
    "nvt_ctrl_dst": (_c_int, [CtrlPtr, _c_u8, _c_u32, *_CB]),
    "nvt_ctrl_fw_download": (_c_int, [CtrlPtr, BufPtr, _c_u64, _c_u32, *_CB]),
    "nvt_ctrl_fw_commit": (_c_int, [CtrlPtr, _c_u8, _c_u8, _c_u8, *_CB]),
    "nvt_ctrl_download_firmware": (_c_int, [CtrlPtr, _c_str, _c_u8, _c_u8, _c_u32]),
    "nvt_ctrl_abort": (_c_int, [CtrlPtr, _c_u16, _c_u16, *_CB]),
    "nvt_ctrl_aer": (_c_int, [CtrlPtr, *_CB]),
    "nvt_ctrl_security_send": (_c_int, [CtrlPtr, BufPtr, _c_u8, _c_u16, _c_u8, _c_u32, *_CB]),
    "nvt_ctrl_security_receive": (_c_int, [CtrlPtr, BufPtr, _c_u8, _c_u16, _c_u8, _c_u32,
                                           *_CB]),
    "nvt_ctrl_ns_mgmt": (_c_int, [CtrlPtr, _c_u8, BufPtr, _c_u32, _c_u8, *_CB]),
    "nvt_ctrl_ns_attach": (_c_int, [CtrlPtr, _c_u8, _c_u32, BufPtr, *_CB]),
    "nvt_ctrl_directive_send": (_c_int, [CtrlPtr, _c_u32, _c_u8, _c_u8, _c_u16, BufPtr, _c_u32,
                                         _c_u32, _c_u32, *_CB]),
    "nvt_ctrl_directive_receive": (_c_int, [CtrlPtr, _c_u32, _c_u8, _c_u8, _c_u16, BufPtr,
                                            _c_u32, _c_u32, _c_u32, *_CB]),
    # buf.h
    "nvt_buf_alloc": (_c_int, [CtrlPtr, _c_size, _P(BufPtr)]),
    "nvt_buf_free": (None, [BufPtr]),
    "nvt_buf_data": (_c_void, [BufPtr]),
    "nvt_buf_size": (_c_size, [BufPtr]),
    "nvt_buf_name": (_c_str, [BufPtr]),
    "nvt_buf_set_name": (_c_int, [BufPtr, _c_str]),
    "nvt_buf_offset": (_c_size, [BufPtr]),
    "nvt_buf_set_offset": (_c_int, [BufPtr, _c_size]),
    "nvt_buf_xfer_size": (_c_size, [BufPtr]),
    "nvt_buf_set_xfer_size": (_c_int, [BufPtr, _c_size]),
    "nvt_buf_iova": (_c_u64, [BufPtr]),
    "nvt_buf_handle": (_c_u32, [BufPtr]),
    "nvt_buf_ctrl": (CtrlPtr, [BufPtr]),
    "nvt_buf_fill": (_c_int, [BufPtr, _c_u32, _c_u32]),
    "nvt_buf_field": (_c_int, [BufPtr, _c_uint, _c_uint, _P(_c_u64)]),
    "nvt_buf_str": (_c_int, [BufPtr, _c_uint, _c_uint, ctypes.c_char_p, _c_size]),
    "nvt_buf_dump": (_c_int, [BufPtr, _c_size, ctypes.c_char_p, _c_size]),
    "nvt_buf_set_dsm_range": (_c_int, [BufPtr, _c_uint, _c_u64, _c_u32, _c_u32]),
    # cmdlog.h
    "nvt_cmdlog_open": (_c_int, [PciePtr, _c_u16, _P(CmdlogPtr)]),
    "nvt_cmdlog_close": (None, [CmdlogPtr]),
    "nvt_cmdlog_read": (_c_int, [CmdlogPtr, _c_uint, _P(CmdlogEntryC), _P(_c_uint)]),
    "nvt_cmdlog_size": (_c_uint, [CmdlogPtr]),
    "nvt_cmdlog_count": (_c_u64, [CmdlogPtr]),
    "nvt_cmdlog_format": (_c_int, [_P(CmdlogEntryC), _c_u16, ctypes.c_char_p, _c_size]),
    "nvt_ctrl_cmdlog": (_c_int, [CtrlPtr, _c_uint, _P(CmdlogEntryC), _P(_c_uint)]),
    # events.h
    "nvt_events_open": (_c_int, [_P(EventsPtr)]),
    "nvt_events_fd": (_c_int, [EventsPtr]),
    "nvt_events_next": (_c_int, [EventsPtr, _P(EventC), _c_int]),
    "nvt_events_close": (None, [EventsPtr]),
    "nvt_event_name": (_c_str, [_c_u32]),
    "nvt_event_format": (_c_int, [_P(EventC), ctypes.c_char_p, _c_size]),
    # regs.h
    "nvt_reg_name": (_c_str, [_c_u32]),
    "nvt_reg_offset": (_c_int, [_c_str]),
    "nvt_reg_width": (_c_int, [_c_u32]),
    "nvt_reg_field": (_c_int, [_c_u32, _c_str, _c_u64, _P(_c_u64)]),
    "nvt_reg_decode": (_c_int, [_c_u32, _c_u64, ctypes.c_char_p, _c_size]),
    # list.h
    "nvt_list": (_c_int, [_P(CtrlEntryC), _c_uint, _P(_c_uint)]),
    # status.h, cmdname.h
    "nvt_status_from_cqe_dw3": (_c_u16, [_c_u32]),
    "nvt_status_name": (_c_str, [_c_u16]),
    "nvt_status_format": (_c_int, [_c_u16, ctypes.c_char_p, _c_size]),
    "nvt_admin_cmdname": (_c_str, [_c_u8]),
    "nvt_io_cmdname": (_c_str, [_c_u8]),
    # qpair.h
    "nvt_qpair_create": (_c_int, [CtrlPtr, _c_uint, _P(QpairOptsC), _P(QpairPtr)]),
    "nvt_qpair_destroy": (_c_int, [QpairPtr]),
    "nvt_qpair_qid": (_c_u16, [QpairPtr]),
    "nvt_qpair_depth": (_c_uint, [QpairPtr]),
    "nvt_qpair_vector": (_c_int, [QpairPtr]),
    "nvt_qpair_ctrl": (CtrlPtr, [QpairPtr]),
    "nvt_qpair_send_cmd": (_c_int, [QpairPtr, _P(CmdC), BufPtr, *_CB]),
    "nvt_qpair_waitdone": (_c_int, [QpairPtr, _c_uint]),
    "nvt_qpair_outstanding": (_c_uint, [QpairPtr]),
    "nvt_qpair_cids_held": (_c_uint, [QpairPtr]),
    "nvt_qpair_set_timeout": (_c_int, [QpairPtr, _c_u32]),
    "nvt_qpair_get_timeout": (_c_u32, [QpairPtr]),
    "nvt_qpair_latest_cid": (_c_u16, [QpairPtr]),
    "nvt_qpair_latest_latency": (_c_u64, [QpairPtr]),
    "nvt_qpair_latest_cdw0": (_c_u32, [QpairPtr]),
    "nvt_qpair_cmdlog": (_c_int, [QpairPtr, _c_uint, _P(CmdlogEntryC), _P(_c_uint)]),
    "nvt_qpair_msix_clear": (_c_int, [QpairPtr]),
    "nvt_qpair_msix_isset": (_c_int, [QpairPtr]),
    "nvt_qpair_irq_count": (_c_int, [QpairPtr, _P(_c_u64)]),
    "nvt_qpair_msix_mask": (_c_int, [QpairPtr]),
    "nvt_qpair_msix_unmask": (_c_int, [QpairPtr]),
    "nvt_qpair_wait_irq": (_c_int, [QpairPtr, _c_uint]),
    "nvt_ctrl_irq_info": (_c_int, [CtrlPtr, _P(_c_u32), _P(_c_u32)]),
    # ns.h
    "nvt_ns_open": (_c_int, [CtrlPtr, _c_u32, _P(NsPtr)]),
    "nvt_ns_close": (None, [NsPtr]),
    "nvt_ns_nsid": (_c_u32, [NsPtr]),
    "nvt_ns_ctrl": (CtrlPtr, [NsPtr]),
    "nvt_ns_capacity": (_c_u64, [NsPtr]),
    "nvt_ns_lba_size": (_c_u32, [NsPtr]),
    "nvt_ns_meta_size": (_c_u32, [NsPtr]),
    "nvt_ns_lba_format": (_c_int, [NsPtr]),
    "nvt_ns_id_data": (_c_int, [NsPtr, _c_uint, _c_uint, _P(_c_u64)]),
    "nvt_ns_id_copy": (_c_int, [NsPtr, _c_void, _c_size]),
    "nvt_ns_refresh": (_c_int, [NsPtr]),
    "nvt_ns_get_lba_format": (_c_int, [NsPtr, _c_u32, _c_u32]),
    "nvt_ns_format": (_c_int, [NsPtr, _c_u32, _c_u32, _c_u8]),
    "nvt_ns_supports": (_c_int, [NsPtr, _c_uint]),
    "nvt_ns_cmdname": (_c_str, [NsPtr, _c_u8]),
    "nvt_ns_verify_enable": (_c_int, [NsPtr, ctypes.c_bool]),
    "nvt_ns_verify_enabled": (ctypes.c_bool, [NsPtr]),
    "nvt_ns_verify_limit": (_c_int, [NsPtr, _c_u64]),
    "nvt_ns_verify_nlba": (_c_u64, [NsPtr]),
    "nvt_ns_verify_reset": (_c_int, [NsPtr]),
    "nvt_ns_verify_pages": (_c_int, [NsPtr, _P(_c_u64)]),
    # io.h
    "nvt_ns_io": (_c_int, [NsPtr, QpairPtr, BufPtr, _P(IoC), *_CB]),
    "nvt_ns_read": (_c_int, [NsPtr, QpairPtr, BufPtr, _c_u64, _c_u32, _c_u16, *_CB]),
    "nvt_ns_write": (_c_int, [NsPtr, QpairPtr, BufPtr, _c_u64, _c_u32, _c_u16, *_CB]),
    "nvt_ns_compare": (_c_int, [NsPtr, QpairPtr, BufPtr, _c_u64, _c_u32, _c_u16, *_CB]),
    "nvt_ns_flush": (_c_int, [NsPtr, QpairPtr, *_CB]),
    "nvt_ns_write_zeroes": (_c_int, [NsPtr, QpairPtr, _c_u64, _c_u32, _c_u16, *_CB]),
    "nvt_ns_write_uncorrectable": (_c_int, [NsPtr, QpairPtr, _c_u64, _c_u32, *_CB]),
    "nvt_ns_verify": (_c_int, [NsPtr, QpairPtr, _c_u64, _c_u32, _c_u16, *_CB]),
    "nvt_ns_dsm": (_c_int, [NsPtr, QpairPtr, BufPtr, _c_uint, _c_u32, *_CB]),
    "nvt_ns_copy": (_c_int, [NsPtr, QpairPtr, BufPtr, _c_u64, _c_uint, _c_u16, *_CB]),
    "nvt_copy_range_set": (_c_int, [_c_void, _c_size, _c_uint, _c_u64, _c_u32]),
    # pattern.h
    "nvt_pattern_fill": (_c_int, [_c_void, _c_size, _c_u32, _c_u32]),
    "nvt_srand": (None, [_c_u64]),
    "nvt_rand": (_c_u64, []),
    "nvt_hexdump": (_c_int, [_c_void, _c_size, _c_size, ctypes.c_char_p, _c_size]),
    "nvt_le_field": (_c_int, [_c_void, _c_size, _c_uint, _c_uint, _P(_c_u64)]),
    "nvt_str_field": (_c_int, [_c_void, _c_size, _c_uint, _c_uint, ctypes.c_char_p, _c_size]),
    "nvt_dsm_range_set": (_c_int, [_c_void, _c_size, _c_uint, _c_u64, _c_u32, _c_u32]),
    # ioworker.h
    "nvt_ioworker_args_init": (None, [_P(IoworkerArgsC)]),
    "nvt_ioworker_check": (_c_int, [NsPtr, _P(IoworkerArgsC)]),
    "nvt_ioworker_start": (_c_int, [NsPtr, _P(IoworkerArgsC), _P(IoworkerPtr)]),
    "nvt_ioworker_start_group": (_c_int, [_P(NsPtr), _P(IoworkerArgsC), _c_uint,
                                          _P(IoworkerPtr)]),
    "nvt_ioworker_stop": (None, [IoworkerPtr]),
    "nvt_ioworker_running": (ctypes.c_bool, [IoworkerPtr]),
    "nvt_ioworker_close": (_c_int, [IoworkerPtr, _P(IoworkerResultC)]),
    "nvt_ioworker_result_free": (None, [_P(IoworkerResultC)]),
    "nvt_ioworker_percentile": (_c_int, [_P(IoworkerResultC), ctypes.c_double, _P(_c_u64)]),
    "nvt_ioworker_progress": (_c_int, [IoworkerPtr, _P(IoworkerProgressC)]),
    "nvt_ioworker_iops_consistency": (_c_int, [_P(IoworkerResultC), _P(ctypes.c_double)]),
}


def _declare(cdll):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        func = getattr(cdll, name)
        func.restype = restype
        func.argtypes = argtypes
    return cdll


lib = _declare(_load())
