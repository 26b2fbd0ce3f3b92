#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Identify a controller and its namespaces, the pynvme way.

    python3 identify.py [PCIADDR]      # default: the first controller bound to nvmetest
"""
import sys

import nvme as d
import nvmetest


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else nvmetest.list_controllers()[0].bdf
    pcie = d.Pcie(addr)
    nvme0 = d.Controller(pcie)
    print(f"{nvme0.addr}: {nvme0.id_data(63, 24, str)}, serial {nvme0.id_data(23, 4, str)}, "
          f"firmware {nvme0.id_data(71, 64, str)}")
    print(f"  version {nvme0[0x8] >> 16}.{nvme0[0x8] >> 8 & 0xff}, MDTS {nvme0.mdts} bytes, "
          f"up to {(nvme0.cap & 0xffff) + 1} entries per queue")
    buf = d.Buffer(4096)
    nvme0.identify(buf, nsid=0, cns=2).waitdone()      # active namespace list
    for i in range(1024):
        nsid = buf.data(i * 4 + 3, i * 4)
        if not nsid:
            break
        ns = d.Namespace(nvme0, nsid)
        lbaf = ns.id_data(26) & 0xf
        lba_size = 1 << ns.id_data(128 + lbaf * 4 + 2)
        print(f"  namespace {nsid}: {ns.id_data(7, 0)} LBAs of {lba_size} bytes")
        ns.close()
    pcie.close()


if __name__ == "__main__":
    main()
