#!/usr/bin/env python3
"""Sums one dotnet-counters CSV (System.Runtime) of the server over a profiling window.

usage: profile-counters.py COUNTERS.csv REQUESTS CPU_TICKS CLK_TCK
prints one tab-separated line: requests, CPU ms per request (from /proc ticks), GC allocated
bytes per request, gen0, gen1 and gen2 collections in the window, peak working set (MB) and the
highest per-interval CPU % (100 % = one core).
"""
import csv
import re
import sys
from collections import defaultdict


def main() -> None:
    path, requests, ticks, clk_tck = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    allocated = 0.0
    gcs = defaultdict(float)
    working_set = 0.0
    cpu_per_stamp = defaultdict(float)
    try:
        rows = list(csv.DictReader(open(path, newline="")))
    except FileNotFoundError:
        rows = []
    for row in rows:
        name = row.get("Counter Name") or ""
        kind = row.get("Counter Type") or ""
        try:
            value = float(row.get("Mean/Increment") or "nan")
        except ValueError:
            continue
        if value != value:
            continue
        if "total_allocated" in name or name.startswith("Allocation Rate"):
            allocated += value
        elif "gc.collections" in name or re.match(r"Gen \d GC Count", name):
            gen = re.search(r"gen\s*(\d)", name, re.IGNORECASE)
            if gen:
                gcs[gen.group(1)] += value
        elif "working_set" in name or name.startswith("Working Set"):
            scale = 1 if "(MB)" in name else 1 / (1024 * 1024)
            working_set = max(working_set, value * scale)
        elif "cpu.time" in name and kind == "Rate":
            cpu_per_stamp[row.get("Timestamp")] += value * 100  # CPU s per 1 s interval
        elif name.startswith("CPU Usage"):
            cpu_per_stamp[row.get("Timestamp")] = max(cpu_per_stamp[row.get("Timestamp")], value)
    per = max(requests, 1)
    cpu_ms = ticks * 1000.0 / clk_tck / per
    print("\t".join([
        str(requests),
        f"{cpu_ms:.3f}",
        f"{allocated / per:.0f}",
        f"{gcs['0']:.0f}",
        f"{gcs['1']:.0f}",
        f"{gcs['2']:.0f}",
        f"{working_set:.0f}",
        f"{max(cpu_per_stamp.values(), default=float('nan')):.0f}",
    ]))


if __name__ == "__main__":
    main()
