#!/usr/bin/env python3
"""`rewind trace` through the real binary, timed to the tenth of a millisecond.

Runs `rewind trace LOG --correlation ID --json` (and, with --trees, `rewind trace LOG @P --json`
for TransferReceived events) on N random transfers of a bank log, alternating the builds given
(one warm-up run each first, not counted), and prints p50/p90/p99/max wall time and p50/p99 CPU
time (user + system of the child) per build in milliseconds: the "trace through the CLI" figures
of docs/BENCHMARKS.md (issue 12). /usr/bin/time (Benchmarks/cli-trace-p99.sh) rounds to 10 ms.

    python3 Benchmarks/cli-trace-timing.py --after .build/release/rewind --log LOG \
        [--before OLD/rewind --before-log COPY] [--runs 200] [--seed 12] [--trees]

Builds whose trace index formats differ rebuild each other's index/*.trc: give --before a copy
of the log (`cp -al LOG COPY`).
"""
import argparse, random, resource, subprocess, time


def targets(binary, log, trees, runs, seed):
    kind = "TransferReceived" if trees else "TransferSent"
    out = subprocess.run([binary, "find", log, f'.type == "{kind}"', "--json", "--limit", "200000"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    key = '"position":' if trees else '"correlationId":"'
    found = []
    for line in out:
        i = line.find(key)
        if i < 0:
            continue
        rest = line[i + len(key):]
        found.append("@" + rest.split(",")[0] if trees else rest.split('"')[0])
    random.Random(seed).shuffle(found)
    return found[:runs]


def run(binary, log, target):
    args = [binary, "trace", log] + ([target] if target.startswith("@") else ["--correlation", target]) + ["--json"]
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (t1 - t0) * 1000, (r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--after", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--before")
    p.add_argument("--before-log")
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--trees", action="store_true", help="trace events (@P) instead of correlations")
    a = p.parse_args()
    builds = [("after", a.after, a.log)]
    if a.before:
        builds.insert(0, ("before", a.before, a.before_log or a.log))
    chosen = targets(a.after, a.log, a.trees, a.runs, a.seed)
    figures = {name: ([], []) for name, _, _ in builds}
    for _, binary, log in builds:
        run(binary, log, chosen[0])
    for target in chosen:
        for name, binary, log in builds:
            wall, cpu = run(binary, log, target)
            figures[name][0].append(wall)
            figures[name][1].append(cpu)
    q = lambda v, f: sorted(v)[min(len(v) - 1, max(0, int(len(v) * f) - 1))]
    for name, (walls, cpus) in figures.items():
        print(f"{name}: {len(walls)} runs, wall ms p50 {q(walls, .5):.1f} p90 {q(walls, .9):.1f} "
              f"p99 {q(walls, .99):.1f} max {max(walls):.1f}; cpu ms p50 {q(cpus, .5):.1f} p99 {q(cpus, .99):.1f}")


if __name__ == "__main__":
    main()
