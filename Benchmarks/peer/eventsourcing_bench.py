#!/usr/bin/env python3
"""Peer benchmark: the Python `eventsourcing` library (9.5.x) on SQLite.

Runs the same workloads as Rewind's Swift engine benchmark and prints ONE JSON
object on stdout. Progress and info go to stderr.

Storage workloads (append1x8, append100, append1000, bulk, readstream, scan)
drive eventsourcing's recorder layer directly (SQLiteApplicationRecorder with
StoredEvent objects), so they measure storage, not the domain model. The
rebuild workload uses the Application/Aggregate layer.

Durability: eventsourcing's SQLite datastore switches file databases to
journal_mode=WAL but never sets `synchronous`, so it runs with SQLite's
compiled-in default. We set it explicitly on every connection that the
recorder's connection pool creates (see PragmaSQLiteConnectionPool):
  durable workloads -> PRAGMA synchronous=FULL (WAL is fsynced on each commit)
  bulk workload     -> PRAGMA synchronous=OFF  (no fsync at all)
Each connection reads the pragma back right after setting it, and the values
are checked again on all live connections at the end of each run; both are
reported under "pragmas_verified" in each result.

See README.md in this directory for the output contract.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from typing import Any

try:
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.sqlite import (
        SQLiteApplicationRecorder,
        SQLiteConnection,
        SQLiteConnectionPool,
        SQLiteDatastore,
        SQLiteFactory,
    )
    from eventsourcing.utils import get_topic
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        f"eventsourcing_bench: cannot import eventsourcing ({exc}).\n"
        "Install it with: pip install -r Benchmarks/peer/requirements.txt\n"
    )
    sys.exit(3)

try:
    from importlib.metadata import version as _pkg_version

    ES_VERSION = _pkg_version("eventsourcing")
except Exception:  # pragma: no cover
    ES_VERSION = "unknown"

ALL_WORKLOADS = [
    "append1x8",
    "append100",
    "append1000",
    "bulk",
    "readstream",
    "scan",
    "rebuild",
]
TOPIC = "bench:MoneyDeposited"
SYNC_NAMES = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def log(msg: str) -> None:
    sys.stderr.write(f"[eventsourcing-bench] {msg}\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# SQLite datastore with explicit pragmas on every pooled connection
# --------------------------------------------------------------------------


class PragmaSQLiteConnectionPool(SQLiteConnectionPool):
    """eventsourcing's pool, plus `PRAGMA synchronous=<mode>` on each new
    connection. Every connection the recorder uses (readers and writers) is
    created by `_create_connection`, so this is the one place to hook."""

    def __init__(self, *, synchronous: str, **kwargs: Any):
        self.synchronous = synchronous.upper()
        self.created: list[sqlite3.Connection] = []
        self.readback: list[dict[str, Any]] = []
        self._created_lock = threading.Lock()
        super().__init__(**kwargs)

    def _create_connection(self) -> SQLiteConnection:
        conn = super()._create_connection()  # sets journal_mode=WAL on first use
        raw: sqlite3.Connection = conn._sqlite_conn  # noqa: SLF001
        raw.execute(f"PRAGMA synchronous={self.synchronous}")
        got = raw.execute("PRAGMA synchronous").fetchone()[0]
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
        if SYNC_NAMES.get(got) != self.synchronous:
            msg = f"PRAGMA synchronous={self.synchronous} did not stick (got {got})"
            raise RuntimeError(msg)
        with self._created_lock:
            self.created.append(raw)
            self.readback.append({"synchronous": got, "journal_mode": mode})
        return conn

    def verify(self) -> dict[str, Any]:
        """Re-read the pragmas on every connection still open."""
        live_sync: set[str] = set()
        live_mode: set[str] = set()
        live = 0
        with self._created_lock:
            conns = list(self.created)
        for raw in conns:
            try:
                s = raw.execute("PRAGMA synchronous").fetchone()[0]
                m = raw.execute("PRAGMA journal_mode").fetchone()[0]
            except sqlite3.ProgrammingError:  # closed
                continue
            live += 1
            live_sync.add(SYNC_NAMES.get(s, str(s)))
            live_mode.add(str(m))
        at_create = {SYNC_NAMES.get(r["synchronous"], "?") for r in self.readback}
        return {
            "requested_synchronous": self.synchronous,
            "connections_created": len(conns),
            "synchronous_at_create": sorted(at_create),
            "connections_rechecked": live,
            "synchronous_rechecked": sorted(live_sync),
            "journal_mode": sorted(live_mode | {r["journal_mode"] for r in self.readback}),
        }


class PragmaSQLiteDatastore(SQLiteDatastore):
    """SQLiteDatastore whose pool is a PragmaSQLiteConnectionPool.

    SQLiteDatastore.__init__ hard-codes SQLiteConnectionPool; it creates no
    connections, so we let it build its pool and replace it with ours, built
    from the same settings."""

    def __init__(self, db_name: str, *, synchronous: str, **kwargs: Any):
        super().__init__(db_name, **kwargs)
        old = self.pool
        self.pool = PragmaSQLiteConnectionPool(
            synchronous=synchronous,
            db_name=old.db_name,
            lock_timeout=old.lock_timeout,
            pool_size=old.pool_size,
            max_overflow=old.max_overflow,
            pool_timeout=old.pool_timeout,
            max_age=old.max_age,
            pre_ping=old.pre_ping,
        )
        old.close()


class PragmaSQLiteFactory(SQLiteFactory):
    """Infrastructure factory for the Application layer: standard
    SQLiteFactory configuration (SQLITE_DBNAME, SQLITE_LOCK_TIMEOUT, ...) plus
    our own env key SQLITE_SYNCHRONOUS. Selected with PERSISTENCE_MODULE set to
    this class's topic."""

    SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS"

    def __init__(self, env: Any):
        super().__init__(env)
        old = self.datastore
        self.datastore = PragmaSQLiteDatastore(
            db_name=old.pool.db_name,
            synchronous=self.env.get(self.SQLITE_SYNCHRONOUS, "FULL"),
            lock_timeout=old.pool.lock_timeout,
            single_row_tracking=old.single_row_tracking,
            originator_id_type=old.originator_id_type,
        )
        old.close()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def remove_db(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def db_size(path: str) -> int:
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(path + suffix)
        except FileNotFoundError:
            pass
    return total


def open_recorder(path: str, synchronous: str) -> SQLiteApplicationRecorder:
    datastore = PragmaSQLiteDatastore(path, synchronous=synchronous)
    recorder = SQLiteApplicationRecorder(datastore)
    recorder.create_table()
    return recorder


def close_recorder(recorder: SQLiteApplicationRecorder) -> dict[str, Any]:
    pool = recorder.datastore.pool
    assert isinstance(pool, PragmaSQLiteConnectionPool)
    verified = pool.verify()
    recorder.datastore.close()
    return verified


def percentile(sorted_samples: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_samples:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_samples)))
    return sorted_samples[min(rank, len(sorted_samples)) - 1]


def r1(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


class Payloads:
    """Pre-encoded ~100-byte JSON payloads (state bytes), fixed length."""

    def __init__(self, count: int = 4096):
        notes = "monthly transfer to savings"
        self.items = [
            json.dumps(
                {
                    "amountCents": 1000 + (i * 37) % 9000,
                    "currency": "EUR",
                    "reference": f"inv-{i:06d}",
                    "note": notes,
                },
                separators=(",", ":"),
            ).encode()
            for i in range(count)
        ]
        self.size = len(self.items[0])
        self.n = count

    def get(self, i: int) -> bytes:
        return self.items[i % self.n]


def make_batch(
    stream: uuid.UUID, first_version: int, count: int, payloads: Payloads, seq: int
) -> list[StoredEvent]:
    return [
        StoredEvent(
            originator_id=stream,
            originator_version=first_version + k,
            topic=TOPIC,
            state=payloads.get(seq + k),
        )
        for k in range(count)
    ]


# --------------------------------------------------------------------------
# write workloads
# --------------------------------------------------------------------------


def run_append1x8(path: str, args: argparse.Namespace, payloads: Payloads) -> dict[str, Any]:
    threads_n = 8
    per_thread = max(1, args.appends // threads_n)
    recorder = open_recorder(path, "FULL")
    streams = [uuid.uuid4() for _ in range(threads_n)]
    lat: list[list[int]] = [[] for _ in range(threads_n)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n + 1)

    def worker(t: int) -> None:
        stream = streams[t]
        out = lat[t]
        try:
            barrier.wait()
            for v in range(1, per_thread + 1):
                ev = [StoredEvent(stream, v, TOPIC, payloads.get(t * per_thread + v))]
                t0 = time.perf_counter_ns()
                recorder.insert_events(ev)
                out.append(time.perf_counter_ns() - t0)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    ths = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(threads_n)]
    for th in ths:
        th.start()
    barrier.wait()
    t0 = time.perf_counter()
    for th in ths:
        th.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise errors[0]
    total = threads_n * per_thread
    count = recorder.max_notification_id()
    verified = close_recorder(recorder)
    assert count == total, (count, total)
    return {
        "events": total,
        "appends": total,
        "seconds": elapsed,
        "samples_ns": [x for xs in lat for x in xs],
        "pragmas_verified": verified,
    }


def run_append_batches(
    path: str, batch: int, batches: int, streams_n: int, synchronous: str, payloads: Payloads
) -> dict[str, Any]:
    recorder = open_recorder(path, synchronous)
    streams = [uuid.uuid4() for _ in range(streams_n)]
    next_version = [1] * streams_n
    samples: list[int] = []
    gc.collect()
    t_start = time.perf_counter()
    for b in range(batches):
        s = b % streams_n
        events = make_batch(streams[s], next_version[s], batch, payloads, b * batch)
        t0 = time.perf_counter_ns()
        recorder.insert_events(events)
        samples.append(time.perf_counter_ns() - t0)
        next_version[s] += batch
    elapsed = time.perf_counter() - t_start
    total = batch * batches
    count = recorder.max_notification_id()
    verified = close_recorder(recorder)
    assert count == total, (count, total)
    return {
        "events": total,
        "appends": batches,
        "seconds": elapsed,
        "samples_ns": samples,
        "pragmas_verified": verified,
        "db_bytes": db_size(path),
    }


# --------------------------------------------------------------------------
# read workloads
# --------------------------------------------------------------------------

HOT_STREAM_EVENTS = 10_000


def build_read_db(path: str, args: argparse.Namespace, payloads: Payloads) -> uuid.UUID:
    """Bulk data (args.events over args.streams streams, batches of 1000,
    synchronous=OFF) plus one 10,000-event 'hot' stream, written as 10 batches
    of 1000 interleaved evenly with the bulk load."""
    remove_db(path)
    recorder = open_recorder(path, "OFF")
    batch = 1000
    streams = [uuid.uuid4() for _ in range(args.streams)]
    next_version = [1] * args.streams
    hot = uuid.uuid4()
    hot_version = 1
    batches = max(1, args.events // batch)
    hot_every = max(1, batches // (HOT_STREAM_EVENTS // batch))
    seq = 0
    for b in range(batches):
        s = b % args.streams
        recorder.insert_events(make_batch(streams[s], next_version[s], batch, payloads, seq))
        next_version[s] += batch
        seq += batch
        if hot_version <= HOT_STREAM_EVENTS and (b + 1) % hot_every == 0:
            recorder.insert_events(make_batch(hot, hot_version, batch, payloads, seq))
            hot_version += batch
            seq += batch
    while hot_version <= HOT_STREAM_EVENTS:
        recorder.insert_events(make_batch(hot, hot_version, batch, payloads, seq))
        hot_version += batch
        seq += batch
    close_recorder(recorder)
    return hot


def run_readstream(path: str, args: argparse.Namespace, payloads: Payloads) -> dict[str, Any]:
    hot = build_read_db(path, args, payloads)
    recorder = open_recorder(path, "FULL")
    total_rows = recorder.max_notification_id()
    warm = recorder.select_events(hot)  # warm-up, untimed
    assert len(warm) == HOT_STREAM_EVENTS, len(warm)
    samples: list[int] = []
    for _ in range(args.reads):
        t0 = time.perf_counter_ns()
        evs = recorder.select_events(hot)
        samples.append(time.perf_counter_ns() - t0)
        assert len(evs) == HOT_STREAM_EVENTS
    verified = close_recorder(recorder)
    return {
        "events": HOT_STREAM_EVENTS,
        "reads": args.reads,
        "db_events": total_rows,
        "samples_ns": samples,
        "pragmas_verified": verified,
    }


def run_scan(path: str, args: argparse.Namespace, payloads: Payloads) -> dict[str, Any]:
    build_read_db(path, args, payloads)
    recorder = open_recorder(path, "FULL")
    expected = recorder.max_notification_id()
    page = args.page
    samples: list[int] = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter_ns()
        n = 0
        start = 1
        last_id = 0
        while True:
            rows = recorder.select_notifications(start=start, limit=page)
            n += len(rows)
            if rows:
                last_id = rows[-1].id
                start = last_id + 1
            if len(rows) < page:
                break
        samples.append(time.perf_counter_ns() - t0)
        assert n == expected == last_id, (n, expected, last_id)
    verified = close_recorder(recorder)
    return {
        "events": expected,
        "page": page,
        "samples_ns": samples,
        "pragmas_verified": verified,
    }


# --------------------------------------------------------------------------
# rebuild (Application / Aggregate layer)
# --------------------------------------------------------------------------


class Account(Aggregate):
    @event("Opened")
    def __init__(self, owner: str) -> None:
        self.owner = owner
        self.balance_cents = 0

    @event("MoneyDeposited")
    def deposit(self, amount_cents: int) -> None:
        self.balance_cents += amount_cents


class Bank(Application):
    """No snapshotting: repository.get() replays every event."""


class SnapshottingBank(Application):
    """Snapshot every 100 versions (taken automatically by app.save())."""

    snapshotting_intervals = {Account: 100}  # noqa: RUF012


def app_env(path: str, synchronous: str = "FULL") -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": get_topic(PragmaSQLiteFactory),
        "SQLITE_DBNAME": path,
        "SQLITE_SYNCHRONOUS": synchronous,
    }


def run_rebuild(path: str, args: argparse.Namespace, payloads: Payloads) -> dict[str, Any]:
    n_events = args.rebuild_events
    interval = 100
    writer = SnapshottingBank(env=app_env(path))
    acct = Account("bench")  # version 1
    expected = 0
    for v in range(2, n_events + 1):
        amount = 1000 + (v * 37) % 9000
        acct.deposit(amount)
        expected += amount
        if v % interval == 0 or v == n_events:
            writer.save(acct)  # one transaction per 100 events; snapshots at v % 100 == 0
    assert acct.version == n_events
    n_snapshots = len(writer.snapshots.recorder.select_events(acct.id))
    writer.close()

    plain = Bank(env=app_env(path))
    snap = SnapshottingBank(env=app_env(path))
    tail = 50
    tail_version = (n_events // interval) * interval - interval + tail
    # Warm up both paths (topic cache, page cache).
    assert plain.repository.get(acct.id).balance_cents == expected
    assert snap.repository.get(acct.id).balance_cents == expected
    snap.repository.get(acct.id, version=tail_version)

    def timed(fn: Any) -> list[int]:
        out = []
        for _ in range(args.rebuilds):
            t0 = time.perf_counter_ns()
            a = fn()
            out.append(time.perf_counter_ns() - t0)
            assert a.version in (n_events, tail_version)
        return out

    no_snap = timed(lambda: plain.repository.get(acct.id))
    with_snap = timed(lambda: snap.repository.get(acct.id))
    snap_tail = timed(lambda: snap.repository.get(acct.id, version=tail_version))
    pool = plain.factory.datastore.pool
    verified = pool.verify() if isinstance(pool, PragmaSQLiteConnectionPool) else None
    plain.close()
    snap.close()
    return {
        "events": n_events,
        "snapshots": n_snapshots,
        "tail_version": tail_version,
        "no_snapshot_ns": no_snap,
        "snapshot_ns": with_snap,
        "snapshot_tail_ns": snap_tail,
        "pragmas_verified": verified,
    }


# --------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------


def summarize_write(runs: list[dict[str, Any]], notes: str, sync: str) -> dict[str, Any]:
    eps = [r["events"] / r["seconds"] for r in runs]
    samples = sorted(x / 1000.0 for r in runs for x in r["samples_ns"])
    return {
        "events_per_s": r1(statistics.median(eps)),
        "p50_us": r1(percentile(samples, 50)),
        "p99_us": r1(percentile(samples, 99)),
        "events": runs[0]["events"],
        "appends": runs[0]["appends"],
        "runs": len(runs),
        "events_per_s_runs": [r1(x) for x in eps],
        "synchronous": sync,
        "pragmas_verified": runs[-1]["pragmas_verified"],
        "notes": notes,
    }


def run_workload(name: str, args: argparse.Namespace, payloads: Payloads) -> dict[str, Any]:
    repeat = max(1, args.repeat)

    def fresh(run: int) -> str:
        path = os.path.join(args.dir, f"es-{name}-{run}.db")
        remove_db(path)
        return path

    def cleanup(path: str) -> None:
        if not args.keep:
            remove_db(path)

    if name in ("append1x8", "append100", "append1000", "bulk"):
        runs = []
        for k in range(repeat):
            path = fresh(k)
            if name == "append1x8":
                r = run_append1x8(path, args, payloads)
            elif name == "append100":
                r = run_append_batches(path, 100, max(1, args.durable_events // 100), 100, "FULL", payloads)
            elif name == "append1000":
                r = run_append_batches(path, 1000, max(1, args.durable_events // 1000), 100, "FULL", payloads)
            else:
                r = run_append_batches(path, 1000, max(1, args.events // 1000), args.streams, "OFF", payloads)
            cleanup(path)
            runs.append(r)
            log(f"  {name} run {k + 1}/{repeat}: {r['events'] / r['seconds']:,.0f} events/s")
        if name == "append1x8":
            notes = (
                "8 threads, each appending 1 event per insert_events() call (one "
                "transaction, one fsync each) to its own stream; one shared "
                "SQLiteApplicationRecorder. eventsourcing's pool admits one writer "
                "connection at a time (in-process writer lock), so commits are "
                "serialized, no group commit. Latency per append includes waiting "
                "for the writer lock."
            )
            return summarize_write(runs, notes, "FULL")
        if name in ("append100", "append1000"):
            b = 100 if name == "append100" else 1000
            notes = (
                f"insert_events() with batches of {b} events, one transaction per batch, "
                "single thread; batches go round-robin over 100 streams, each batch "
                "continues its stream. p50/p99 are per-batch commit latency."
            )
            return summarize_write(runs, notes, "FULL")
        notes = (
            f"bulk load of {runs[0]['events']} events in batches of 1000, one "
            f"transaction per batch, round-robin over {args.streams} streams, each batch "
            "continues its stream; synchronous=OFF (no fsync). p50/p99 per batch."
        )
        res = summarize_write(runs, notes, "OFF")
        res["db_bytes"] = runs[-1].get("db_bytes")
        return res

    if name == "readstream":
        path = fresh(0)
        r = run_readstream(path, args, payloads)
        cleanup(path)
        samples = sorted(x / 1000.0 for x in r["samples_ns"])
        med_us = statistics.median(samples)
        return {
            "events_per_s": r1(r["events"] / (med_us / 1e6)),
            "p50_us": r1(percentile(samples, 50)),
            "p99_us": r1(percentile(samples, 99)),
            "events": r["events"],
            "reads": r["reads"],
            "db_events": r["db_events"],
            "pragmas_verified": r["pragmas_verified"],
            "synchronous": "FULL",
            "notes": (
                "select_events(stream) for one whole 10,000-event stream (written as 10 "
                f"batches of 1000 interleaved with a bulk load of {args.events} events over "
                f"{args.streams} streams), repeated {r['reads']} times after 1 untimed "
                "warm-up; events_per_s from the median read; p50/p99 are per-read "
                "latency (whole stream) in us. Includes building StoredEvent objects."
            ),
        }

    if name == "scan":
        path = fresh(0)
        r = run_scan(path, args, payloads)
        cleanup(path)
        samples = sorted(x / 1000.0 for x in r["samples_ns"])
        med_us = statistics.median(samples)
        return {
            "events_per_s": r1(r["events"] / (med_us / 1e6)),
            "p50_us": None,
            "p99_us": None,
            "events": r["events"],
            "scans": len(samples),
            "scan_ms_runs": [r1(x / 1000.0) for x in samples],
            "pragmas_verified": r["pragmas_verified"],
            "synchronous": "FULL",
            "notes": (
                "select_notifications(start, limit=%d) paging through the whole "
                "notification log (rowid order = global order) of a fresh database built "
                "like readstream's; median of %d full scans. No warm-up scan (the file was just "
                "written, so it is in the OS page cache)." % (r["page"], len(samples))
            ),
        }

    if name == "rebuild":
        path = fresh(0)
        r = run_rebuild(path, args, payloads)
        cleanup(path)
        ns = statistics.median(r["no_snapshot_ns"]) / 1e6
        ss = statistics.median(r["snapshot_ns"]) / 1e6
        st = statistics.median(r["snapshot_tail_ns"]) / 1e6
        return {
            "events_per_s": r1(r["events"] / (ns / 1e3)),
            "p50_us": None,
            "p99_us": None,
            "events": r["events"],
            "rebuilds": args.rebuilds,
            "no_snapshot_ms": round(ns, 3),
            "snapshot_ms": round(ss, 3),
            "snapshot_tail50_ms": round(st, 3),
            "snapshots_stored": r["snapshots"],
            "pragmas_verified": r["pragmas_verified"],
            "synchronous": "FULL",
            "notes": (
                f"Account aggregate (Opened + {r['events'] - 1} MoneyDeposited = "
                f"{r['events']} events), saved 100 events per app.save(). "
                "no_snapshot_ms: Application without snapshotting, repository.get(id) "
                "replays all events. snapshot_ms: snapshotting_intervals={Account: 100}, "
                "so the latest snapshot is at the head and get(id) loads it plus 0 events. "
                f"snapshot_tail50_ms: get(id, version={r['tail_version']}) = snapshot + 50 "
                "events. Medians over rebuilds; aggregate cache off (default). "
                "events_per_s = events / no_snapshot time."
            ),
        }

    raise ValueError(name)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="eventsourcing (Python) SQLite peer benchmark; prints one JSON object on stdout."
    )
    p.add_argument("--dir", required=True, help="directory for database files (created if missing)")
    p.add_argument(
        "--workloads",
        default=",".join(ALL_WORKLOADS),
        help=f"comma-separated subset of {','.join(ALL_WORKLOADS)} (default: all)",
    )
    p.add_argument("--events", type=int, default=200_000, help="bulk size N (bulk, and base data for readstream/scan); default 200000")
    p.add_argument("--repeat", type=int, default=3, help="runs per write workload (fresh db each, median reported) and full scans for scan; default 3")
    p.add_argument("--appends", type=int, default=2000, help="total appends for append1x8 (split over 8 threads); default 2000")
    p.add_argument("--durable-events", type=int, default=50_000, help="events per run for append100/append1000; default 50000")
    p.add_argument("--streams", type=int, default=1000, help="streams for bulk load; default 1000")
    p.add_argument("--reads", type=int, default=20, help="timed whole-stream reads for readstream; default 20")
    p.add_argument("--page", type=int, default=10_000, help="page size for scan; default 10000")
    p.add_argument("--rebuild-events", type=int, default=10_000, help="events in the rebuild aggregate; default 10000")
    p.add_argument("--rebuilds", type=int, default=9, help="timed rebuilds per variant; default 9")
    p.add_argument("--keep", action="store_true", help="keep database files")
    args = p.parse_args(argv)
    names = [w.strip() for w in args.workloads.split(",") if w.strip()]
    if not names or names == ["all"]:
        names = list(ALL_WORKLOADS)
    bad = [w for w in names if w not in ALL_WORKLOADS]
    if bad:
        p.error(f"unknown workload(s): {','.join(bad)}; known: {','.join(ALL_WORKLOADS)}")
    args.workload_list = names
    if args.rebuild_events < 2 * 100:
        p.error("--rebuild-events must be >= 200")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    os.makedirs(args.dir, exist_ok=True)
    payloads = Payloads()
    started = time.perf_counter()
    log(
        f"eventsourcing {ES_VERSION}, SQLite {sqlite3.sqlite_version}, Python "
        f"{platform.python_version()}, dir={args.dir}, workloads={','.join(args.workload_list)}"
    )
    results: dict[str, Any] = {}
    failed = False
    for name in args.workload_list:
        log(f"workload {name} ...")
        t0 = time.perf_counter()
        try:
            results[name] = run_workload(name, args, payloads)
            res = results[name]
            lat = (
                f", p50={res['p50_us']}us p99={res['p99_us']}us"
                if res.get("p50_us") is not None
                else ""
            )
            log(
                f"workload {name}: {res.get('events_per_s')} events/s{lat} "
                f"({time.perf_counter() - t0:.1f}s)"
            )
        except Exception as e:  # noqa: BLE001
            failed = True
            results[name] = {"error": f"{type(e).__name__}: {e}", "events_per_s": None}
            log(f"workload {name} FAILED: {type(e).__name__}: {e}")
    out = {
        "library": "eventsourcing",
        "version": ES_VERSION,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "recorder": "eventsourcing.sqlite.SQLiteApplicationRecorder",
        "pragmas": {
            "journal_mode": "wal (set by eventsourcing's SQLiteConnectionPool)",
            "durable": {"synchronous": "FULL", "meaning": "WAL fsync (fdatasync) on every commit"},
            "nosync": {"synchronous": "OFF", "meaning": "no fsync"},
            "eventsourcing_default_synchronous": "not set by eventsourcing; SQLite compile-time default "
            + _compiled_default_sync(),
            "wal_autocheckpoint": 1000,
        },
        "payload_bytes": payloads.size,
        "topic": TOPIC,
        "params": {
            "events": args.events,
            "repeat": args.repeat,
            "appends": args.appends,
            "durable_events": args.durable_events,
            "streams": args.streams,
            "reads": args.reads,
            "page": args.page,
            "rebuild_events": args.rebuild_events,
            "rebuilds": args.rebuilds,
        },
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "total_seconds": round(time.perf_counter() - started, 2),
        "results": results,
    }
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
    return 1 if failed else 0


def _compiled_default_sync() -> str:
    try:
        c = sqlite3.connect(":memory:")
        opts = [r[0] for r in c.execute("PRAGMA compile_options")]
        c.close()
    except sqlite3.Error:
        return "unknown"
    d = next((o.split("=")[1] for o in opts if o.startswith("DEFAULT_SYNCHRONOUS=")), "2")
    w = next((o.split("=")[1] for o in opts if o.startswith("DEFAULT_WAL_SYNCHRONOUS=")), d)
    return f"synchronous={SYNC_NAMES.get(int(w), w)} in WAL mode (DEFAULT_WAL_SYNCHRONOUS={w})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
