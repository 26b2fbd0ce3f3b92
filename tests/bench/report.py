#!/usr/bin/env python3
"""Benchmark results: fio JSON to result lines (in the guest), result lines to a table (host).

  report.py --fio FILE.json...          in the guest: one "NVT-BENCH TAG JSON" line per
                                        fio output file named TAG.ENGINE.json
  report.py CONSOLE.log [--header TXT]  on the host: the markdown table from the
                                        NVT-BENCH lines of the VM's console log
Numbers are reported as measured; nothing here judges them.
"""
import json
import os
import re
import sys

WORKLOADS = [
    ("rr4k_qd1", "4K random read QD1"),
    ("rr4k_qd2", "4K random read QD2"),
    ("rr4k_qd32", "4K random read QD32"),
    ("rw4k_qd32", "4K random write QD32"),
    ("sr128k_qd8", "128K sequential read QD8"),
]
ENGINES = ["io_uring", "libaio", "io_uring_cmd"]


def fio_lines(paths):
    for p in paths:
        base = os.path.basename(p)[: -len(".json")]
        tag, eng = base.rsplit(".", 1)
        try:
            with open(p) as f:
                text = f.read()
            # fio may print notes before the JSON object.
            d = json.loads(text[text.index("{"):])
            job = d["jobs"][0]
            if job.get("error"):
                raise ValueError("fio job error %s" % job["error"])
            side = job["read"] if job["read"]["total_ios"] else job["write"]
            clat = side["clat_ns"]
            pct = clat.get("percentile", {})
            out = {
                "tool": "fio", "engine": eng, "iops": side["iops"],
                "avg_us": clat["mean"] / 1000.0,
                "p99_us": pct.get("99.000000", 0) / 1000.0,
                "ios": side["total_ios"], "seconds": job["job_runtime"] / 1000.0,
                "usr_cpu": job["usr_cpu"], "sys_cpu": job["sys_cpu"],
            }
        except Exception as e:  # report, don't fail the run
            out = {"tool": "fio", "engine": eng, "error": str(e)[:200]}
        print("NVT-BENCH %s %s" % (tag, json.dumps(out, separators=(",", ":"))), flush=True)


def parse_console(path):
    res = {}
    with open(path, errors="replace") as f:
        for line in f:
            line = line.replace("\r", "").strip()
            m = re.search(r"NVT-BENCH (\S+) (\{.*\})\s*$", line)
            if not m:
                continue
            try:
                d = json.loads(m.group(2))
            except ValueError:
                continue
            key = m.group(1) if d.get("tool") == "nvmetest" else "%s/%s" % (m.group(1), d.get("engine"))
            res[key] = d
    return res


def num(d, k, fmt):
    if not d or "error" in d or k not in d:
        return "n/a"
    return fmt % d[k]


def table(res, header):
    out = []
    if header:
        out.append(header)
        out.append("")
    out.append("| workload | nvmetest IOPS | avg us | p99 us | fio io_uring IOPS | avg us | p99 us "
               "| libaio IOPS | io_uring_cmd IOPS | ratio ours/io_uring |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for tag, name in WORKLOADS:
        ours = res.get(tag)
        iu = res.get(tag + "/io_uring")
        la = res.get(tag + "/libaio")
        uc = res.get(tag + "/io_uring_cmd")
        if ours is None and iu is None:
            continue
        ratio = "n/a"
        if ours and iu and "error" not in ours and "error" not in iu and iu["iops"]:
            ratio = "%.2f" % (ours["iops"] / iu["iops"])
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, num(ours, "iops", "%.0f"), num(ours, "avg_us", "%.1f"), num(ours, "p99_us", "%d"),
            num(iu, "iops", "%.0f"), num(iu, "avg_us", "%.1f"), num(iu, "p99_us", "%.0f"),
            num(la, "iops", "%.0f"), num(uc, "iops", "%.0f"), ratio))
        for who, d in (("nvmetest", ours), ("fio io_uring", iu), ("fio libaio", la),
                       ("fio io_uring_cmd", uc)):
            if d and "error" in d:
                notes.append("- %s, %s: %s" % (name, who, d["error"]))
    cpu = [(n, res[t]["cpu_usage"]) for t, n in WORKLOADS
           if t in res and "cpu_usage" in res[t]]
    if cpu:
        notes.append("- nvmetest worker thread CPU use (1.0 = one busy core): " +
                     ", ".join("%s %.2f" % c for c in cpu))
    fcpu = [(n, res[t + "/io_uring"]["usr_cpu"] + res[t + "/io_uring"]["sys_cpu"])
            for t, n in WORKLOADS if t + "/io_uring" in res and "usr_cpu" in res[t + "/io_uring"]]
    if fcpu:
        notes.append("- fio io_uring job CPU (usr+sys %): " + ", ".join("%s %.0f" % c for c in fcpu))
    if notes:
        out.append("")
        out.extend(notes)

    irq = [(n, res[t + "_irq"]) for t, n in WORKLOADS if t + "_irq" in res]
    if irq:
        out.append("")
        out.append("nvmetest IOWorker in interrupt mode (NVT_IOWORKER_F_IRQ; the table above polls):")
        out.append("")
        for n, d in irq:
            out.append("- %s: %s IOPS, avg %s us, p99 %s us, worker CPU %s" % (
                n, num(d, "iops", "%.0f"), num(d, "avg_us", "%.1f"), num(d, "p99_us", "%d"),
                num(d, "cpu_usage", "%.2f")))

    pairs = sorted(k[len("verify_on"):] for k in res if k.startswith("verify_on"))
    out.append("")
    if not pairs:
        out.append("Verification on/off: n/a (missing)")
    for i in pairs:
        on, off = res.get("verify_on" + i), res.get("verify_off" + i)
        if on and off and "error" not in on and "error" not in off and off["iops"]:
            out.append("Verification%s (4K random read QD32, file-backed 0000:01:00.0 ns 1, 128 MiB region "
                       "written first): on %.0f IOPS (avg %.1f us, p99 %d us), off %.0f IOPS (avg %.1f us, "
                       "p99 %d us): overhead %.1f%% of IOPS." % (
                           " pair " + i if i else "",
                           on["iops"], on["avg_us"], on["p99_us"], off["iops"], off["avg_us"],
                           off["p99_us"], 100.0 * (off["iops"] - on["iops"]) / off["iops"]))
        else:
            out.append("Verification on/off%s: n/a (%s / %s)" % (
                " pair " + i if i else "",
                (on or {}).get("error", "missing"), (off or {}).get("error", "missing")))
        out.append("")
    if out[-1] == "":
        out.pop()

    sweep = [(int(k[len("sweep_qd"):]), v) for k, v in res.items() if k.startswith("sweep_qd")]
    if sweep:
        sweep.sort()
        out.append("")
        out.append("IOPS vs queue depth (nvmetest IOWorker, 4K random read, null-co, one CPU):")
        out.append("")
        out.append("| QD | IOPS | avg us | p99 us | worker CPU |")
        out.append("|---:|---:|---:|---:|---:|")
        for qd, d in sweep:
            out.append("| %d | %s | %s | %s | %s |" % (qd, num(d, "iops", "%.0f"), num(d, "avg_us", "%.1f"),
                                                     num(d, "p99_us", "%d"), num(d, "cpu_usage", "%.2f")))
    return "\n".join(out) + "\n"


def main():
    args = sys.argv[1:]
    if args and args[0] == "--fio":
        fio_lines(args[1:])
        return 0
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    header = ""
    if len(args) >= 3 and args[1] == "--header":
        header = args[2]
    res = parse_console(args[0])
    if not res:
        print("report.py: no NVT-BENCH lines in %s" % args[0], file=sys.stderr)
        return 1
    sys.stdout.write(table(res, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
