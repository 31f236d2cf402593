#!/usr/bin/env python3
"""Import throughput side by side: `rewind import --no-sync` of a generated bank history by two
builds of rewind (before and after), and Python's json.loads over the same file alone.

Every run uses a fresh log; each tool runs --runs times, alternating, and the medians are
printed with each process's CPU seconds (user + system) and peak RSS (from wait4). On a busy
machine the wall time mostly measures the wait for a core; the CPU time is what the work cost.
Also times a re-import of the same file (every event already present: nothing is written).

    python3 Benchmarks/import-bench.py --before OLD/rewind --after .build/release/rewind \
        --events 1000000 --runs 3 --dir /tmp/import-bench
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(argv, stdout=subprocess.DEVNULL):
    """Runs argv; returns (seconds, peak RSS in MB); CPU seconds go to the last element of CPU."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed ({status}): {err[-2000:]}")
    CPU.append(usage.ru_utime + usage.ru_stime)
    return seconds, usage.ru_maxrss / 1024.0


CPU = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/rewind-import-bench")
    args = ap.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    data = os.path.join(args.dir, f"bank-{args.events}.jsonl")
    if not os.path.exists(data):
        with open(data + ".tmp", "wb") as out:
            subprocess.run([args.after, "generate", "bank", "--events", str(args.events), "--seed", "7"], stdout=out, check=True)
        os.rename(data + ".tmp", data)
    size = os.path.getsize(data)
    with open(data, "rb") as f:
        lines = sum(1 for _ in f)
    print(f"input: {data}, {lines:,} lines, {size / 1e6:.1f} MB", flush=True)

    parse = ("import json, sys\n"
             "n = 0\n"
             "with open(sys.argv[1], 'rb') as f:\n"
             "    for line in f:\n"
             "        json.loads(line); n += 1\n")
    results = {"before": [], "after": [], "after re-import": [], "python json.loads": []}
    rss = {k: [] for k in results}
    cpu = {k: [] for k in results}
    for r in range(args.runs):
        for name, binary in (("before", args.before), ("after", args.after)):
            log = os.path.join(args.dir, f"log-{name}")
            shutil.rmtree(log, ignore_errors=True)
            subprocess.run([binary, "init", log], stdout=subprocess.DEVNULL, check=True)
            s, m = run([binary, "import", "--no-sync", log, data])
            results[name].append(s)
            rss[name].append(m)
            cpu[name].append(CPU[-1])
            print(f"run {r + 1} {name}: {s:.2f} s = {lines / s:,.0f} events/s, CPU {CPU[-1]:.2f} s, peak RSS {m:.0f} MB", flush=True)
            if name == "after":
                s, m = run([binary, "import", "--no-sync", log, data])
                results["after re-import"].append(s)
                rss["after re-import"].append(m)
                cpu["after re-import"].append(CPU[-1])
                print(f"run {r + 1} after re-import (nothing new): {s:.2f} s, CPU {CPU[-1]:.2f} s, peak RSS {m:.0f} MB", flush=True)
            shutil.rmtree(log, ignore_errors=True)
        s, m = run([sys.executable, "-c", parse, data])
        results["python json.loads"].append(s)
        rss["python json.loads"].append(m)
        cpu["python json.loads"].append(CPU[-1])
        print(f"run {r + 1} python json.loads: {s:.2f} s = {lines / s:,.0f} lines/s, CPU {CPU[-1]:.2f} s, peak RSS {m:.0f} MB", flush=True)

    print()
    print(f"medians of {args.runs} ({lines:,} events, {size / 1e6:.1f} MB):")
    print("| tool | seconds | events/s | CPU seconds | events per CPU second | peak RSS MB |")
    print("|:--|--:|--:|--:|--:|--:|")
    for name, seconds in results.items():
        med = statistics.median(seconds)
        c = statistics.median(cpu[name])
        print(f"| {name} | {med:.2f} | {lines / med:,.0f} | {c:.2f} | {lines / c:,.0f} | {statistics.median(rss[name]):.0f} |")
    before = statistics.median(results["before"])
    after = statistics.median(results["after"])
    py = statistics.median(results["python json.loads"])
    print(f"\nwall time: after is {before / after:.1f}x before, {py / after:.1f}x Python's json.loads alone")
    before, after, py = (statistics.median(cpu[k]) for k in ("before", "after", "python json.loads"))
    print(f"CPU time: after is {before / after:.1f}x before, {py / after:.1f}x Python's json.loads alone")


if __name__ == "__main__":
    main()
