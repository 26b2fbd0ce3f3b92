#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write, read back with data verification, catch a miscompare, and measure with an
ioworker, the pynvme way.

    python3 write_read_verify.py [PCIADDR]    # default: the first controller bound

It writes to LBAs 0-8191 of namespace 1: use a drive whose data you do not need.
"""
import sys
import warnings

import nvme as d
import nvmetest


def main():
    addr = sys.argv[1] if len(sys.argv) > 1 else nvmetest.list_controllers()[0].bdf
    d.srand(2024)
    nvme0 = d.Controller(d.Pcie(addr))
    nvme0n1 = d.Namespace(nvme0)
    nvme0n1.verify_enable(True)
    qpair = d.Qpair(nvme0, 16)

    buf = d.Buffer(4096, ptype=0xbeef, pvalue=100)           # random data
    nvme0n1.write(qpair, buf, 0, 8)
    nvme0n1.read(qpair, buf, 0, 8).waitdone(2)
    print("write + verified read of LBAs 0-7: ok")

    # A raw write is not recorded: the next verified read reports it as pynvme does.
    nvme0n1.send_cmd(0x01, qpair, d.Buffer(512), nsid=1, cdw10=3).waitdone()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nvme0n1.read(qpair, buf, 0, 8).waitdone()
    print("after a raw write to LBA 3:", caught[0].message)
    nvme0n1.write(qpair, buf, 0, 8).waitdone()               # recorded again

    r = nvme0n1.ioworker(io_size=8, lba_random=True, read_percentage=50, region_end=8192,
                         io_count=2000, qdepth=16).start().close()
    print(f"ioworker: {r.io_count_read} reads, {r.io_count_nonread} writes in {r.mseconds} ms, "
          f"max latency {r.latency_max_us} us, error {r.error}")
    qpair.delete()
    nvme0n1.close()
    nvme0.close()


if __name__ == "__main__":
    main()
