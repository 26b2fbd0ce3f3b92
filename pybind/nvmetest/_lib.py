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


LOG_FN = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

_c_int, _c_uint, _c_u32, _c_u64 = ctypes.c_int, ctypes.c_uint, ctypes.c_uint32, ctypes.c_uint64
_c_str, _c_size = ctypes.c_char_p, ctypes.c_size_t
_P = ctypes.POINTER

# name: (restype, argtypes), as declared in include/nvmetest/*.h
_PROTOTYPES = {
    "nvt_set_log": (None, [LOG_FN, ctypes.c_void_p]),
    "nvt_set_log_level": (None, [_c_int]),
    "nvt_log_level": (_c_int, []),
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
    "nvt_ctrl_open": (_c_int, [_c_str, _P(CtrlPtr)]),
    "nvt_ctrl_create": (_c_int, [PciePtr, _P(CtrlPtr)]),
    "nvt_ctrl_close": (None, [CtrlPtr]),
    "nvt_ctrl_pcie": (PciePtr, [CtrlPtr]),
    "nvt_ctrl_reg_read32": (_c_int, [CtrlPtr, _c_u32, _P(_c_u32)]),
    "nvt_ctrl_reg_read64": (_c_int, [CtrlPtr, _c_u32, _P(_c_u64)]),
    "nvt_ctrl_reg_write32": (_c_int, [CtrlPtr, _c_u32, _c_u32]),
    "nvt_ctrl_reg_write64": (_c_int, [CtrlPtr, _c_u32, _c_u64]),
    "nvt_reg_name": (_c_str, [_c_u32]),
    "nvt_reg_offset": (_c_int, [_c_str]),
    "nvt_reg_width": (_c_int, [_c_u32]),
    "nvt_reg_field": (_c_int, [_c_u32, _c_str, _c_u64, _P(_c_u64)]),
    "nvt_reg_decode": (_c_int, [_c_u32, _c_u64, ctypes.c_char_p, _c_size]),
    "nvt_list": (_c_int, [_P(CtrlEntryC), _c_uint, _P(_c_uint)]),
}


def _declare(cdll):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        func = getattr(cdll, name)
        func.restype = restype
        func.argtypes = argtypes
    return cdll


lib = _declare(_load())
