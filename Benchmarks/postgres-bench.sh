#!/usr/bin/env bash
# The PostgreSQL store's benchmarks (docs/BENCHMARKS.md, "PostgreSQL store"):
#   Benchmarks/postgres-bench.sh [--events N] [--no-build] [--reload] [--load-only] [--keep-running]
# Starts a private PostgreSQL 15 on 127.0.0.1:$PGBENCH_PORT (default 55439) with its data in
# $PGBENCH_DIR (default /tmp/rewind-bench-pg, kept between runs), loads N Marten events
# (default 100,000; 10,000,000 for the record) with generate_series if the table does not hold
# exactly N, and prints:
#   (a) `rewind streams URL > /dev/null`: wall time, median of 3;
#   (b) random jumps in the largest stream (rewind-pg-bench jumps): p50/p99 of 200;
#   (c) `rewind export URL > /dev/null` and rewind-pg-bench readall (SQLEventStore.readAll),
#       in events/s, in the same run as psql's \copy of the same columns in seq_id order, and the ratio.
# The data directory is rebuilt by deleting it (or --reload, which drops and reloads the tables).
# The server is stopped at the end unless --keep-running. RUNS=N sets the runs of (c) (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

EVENTS=100000
BUILD=1
RELOAD=0
KEEP=0
LOAD_ONLY=0
while [ $# -gt 0 ]; do
    case "$1" in
        --events) EVENTS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --reload) RELOAD=1; shift ;;
        --keep-running) KEEP=1; shift ;;
        --load-only) LOAD_ONLY=1; shift ;;
        *) echo "usage: $0 [--events N] [--no-build] [--reload] [--load-only] [--keep-running]" >&2; exit 2 ;;
    esac
done

DIR="${PGBENCH_DIR:-/tmp/rewind-bench-pg}"
PORT="${PGBENCH_PORT:-55439}"
BIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
SCRATCH_PATH="${SCRATCH_PATH:-.build}"
CONFIG="${CONFIG:-release}"   # debug only to try the script itself
URL="postgresql://rewind@127.0.0.1:$PORT/bench?sslmode=disable"
RUNAS=()
if [ "$(id -u)" = 0 ]; then RUNAS=(/usr/sbin/runuser -u postgres --); fi

if [ "$BUILD" = 1 ]; then
    echo "postgres-bench: swift build -c $CONFIG (rewind, rewind-pg-bench)" >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH_PATH" --product rewind >&2
    swift build -c "$CONFIG" --scratch-path "$SCRATCH_PATH" --product rewind-pg-bench >&2
fi
REWIND="$SCRATCH_PATH/$CONFIG/rewind"
PGBENCH="$SCRATCH_PATH/$CONFIG/rewind-pg-bench"

psqlq() { "$BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$DIR/socket" -p "$PORT" -U rewind "$@"; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# --- the server -----------------------------------------------------------------------------
if [ ! -f "$DIR/data/PG_VERSION" ]; then
    echo "postgres-bench: initdb in $DIR/data" >&2
    mkdir -p "$DIR/data" "$DIR/socket"
    if [ "${#RUNAS[@]}" -gt 0 ]; then chown -R postgres "$DIR"; fi
    "${RUNAS[@]}" "$BIN/initdb" -D "$DIR/data" -U rewind --auth=trust -E UTF8 --no-locale -N >/dev/null
fi
if ! "$BIN/pg_isready" -q -h "$DIR/socket" -p "$PORT"; then
    "${RUNAS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o \
        "-p $PORT -k $DIR/socket -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_wal_size=8GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null
fi
stop_server() {
    if [ "$KEEP" = 0 ]; then "${RUNAS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true; fi
}
trap stop_server EXIT
psqlq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'bench'" | grep -q 1 || psqlq -d postgres -c "CREATE DATABASE bench"

# --- the data -------------------------------------------------------------------------------
LOADED="$(psqlq -d bench -c "SELECT coalesce(obj_description('public.mt_events'::regclass), '')" 2>/dev/null || true)"
if [ "$RELOAD" = 1 ] || [ "$LOADED" != "rewind-bench $EVENTS" ]; then
    echo "postgres-bench: loading $EVENTS events (was: '${LOADED:-nothing}')" >&2
    t0=$(now_ns)
    {
        echo "DROP TABLE IF EXISTS public.mt_events, public.mt_streams, public.mt_event_progression CASCADE;"
        echo "DROP SEQUENCE IF EXISTS public.mt_events_sequence;"
        "$PGBENCH" schema
        cat <<SQL
DROP INDEX public.pk_mt_events_stream_and_version;
DROP INDEX public.pk_mt_events_id_unique;
SET session_replication_role = replica;  -- no foreign-key checks while loading
SET maintenance_work_mem = '1GB';
-- The mix: every B-th event goes to one long stream (100,000 events at 10 M); of the rest, 90 %
-- round-robin over streams of 100 events ("carts") and 10 % over streams of 1,000 ("accounts").
CREATE TEMP TABLE p AS SELECT $EVENTS::int8 AS n, greatest(2, $EVENTS::int8 / 100000) AS b;
ALTER TABLE p ADD COLUMN sc int8, ADD COLUMN ca int8, ADD COLUMN sa int8, ADD COLUMN sb int8;
UPDATE p SET sc = n - n / b;
UPDATE p SET ca = sc * 9 / 10;
UPDATE p SET sa = greatest(1, ca / 100), sb = greatest(1, (sc - ca) / 1000);
INSERT INTO public.mt_streams (id, tenant_id, type, version, timestamp, created, is_archived)
SELECT md5('stream-' || k)::uuid, '*DEFAULT*', t, v, timestamptz '2026-01-01 00:00:00+00', timestamptz '2026-01-01 00:00:00+00', false
FROM (
    SELECT -1 AS k, 'ledger' AS t, n / b AS v FROM p
    UNION ALL SELECT k, 'cart', ca / sa + CASE WHEN k < ca % sa THEN 1 ELSE 0 END FROM p, generate_series(0, sa - 1) k
    UNION ALL SELECT sa + k, 'account', (sc - ca) / sb + CASE WHEN k < (sc - ca) % sb THEN 1 ELSE 0 END FROM p, generate_series(0, sb - 1) k
) s WHERE v > 0;
INSERT INTO public.mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, correlation_id, causation_id, headers, is_archived)
SELECT x, md5('event-' || x)::uuid, md5('stream-' || k)::uuid, v,
       jsonb_build_object('n', x, 'amount', ((x * 7919) % 100000) / 100.0, 'sku', 'SKU-' || (x % 977), 'qty', x % 5 + 1, 'note', 'event number ' || x),
       CASE WHEN v = 1 THEN 'opened' ELSE (ARRAY['item_added', 'item_removed', 'price_changed', 'note_added'])[x % 4 + 1] END,
       timestamptz '2026-01-01 00:00:00+00' + x * interval '1 millisecond', '*DEFAULT*', 'Bench.Event',
       'corr-' || (x / 10), NULL, NULL, false
FROM (
    SELECT x,
           CASE WHEN x % b = 0 THEN -1
                WHEN j < ca THEN j % sa
                ELSE sa + (j - ca) % sb END AS k,
           CASE WHEN x % b = 0 THEN x / b
                WHEN j < ca THEN j / sa + 1
                ELSE (j - ca) / sb + 1 END AS v
    FROM (SELECT x, (x - 1) - (x - 1) / b AS j, b, ca, sa, sb FROM p, generate_series(1, p.n) x) q
) e;
SELECT setval('public.mt_events_sequence', (SELECT n FROM p));
INSERT INTO public.mt_event_progression (name, last_seq_id, last_updated)
SELECT 'HighWaterMark', n, now() FROM p UNION ALL SELECT 'Carts:All', n, now() FROM p UNION ALL SELECT 'Ledger:All', n - n / 100, now() FROM p;
SQL
        "$PGBENCH" schema   # the two indexes dropped above, built once over the loaded rows
        echo "VACUUM (ANALYZE) public.mt_events; VACUUM (ANALYZE) public.mt_streams;"
        echo "COMMENT ON TABLE public.mt_events IS 'rewind-bench $EVENTS';"
    } | psqlq -d bench >/dev/null
    echo "postgres-bench: loaded in $(( $(ms_since "$t0") / 1000 )) s" >&2
fi
SIZE="$(psqlq -d bench -c "SELECT pg_size_pretty(pg_total_relation_size('public.mt_events'))")"
STREAMS="$(psqlq -d bench -c "SELECT count(*) FROM public.mt_streams")"
echo "postgres-bench: $EVENTS events in $STREAMS streams, mt_events $SIZE with indexes; PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'); load $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$LOAD_ONLY" = 1 ] && exit 0

# --- (a) open + list streams ----------------------------------------------------------------
STATE="$(mktemp -d)"
times=()
for i in 1 2 3; do
    t0=$(now_ns)
    "$REWIND" streams "$URL" --state-dir "$STATE" >/dev/null
    times+=("$(ms_since "$t0")")
done
echo "(a) rewind streams URL > /dev/null: ${times[*]} ms; median $(printf '%s\n' "${times[@]}" | median) ms"

# --- (b) random jumps -----------------------------------------------------------------------
echo "(b) rewind-pg-bench jumps URL --count 200:"
"$PGBENCH" jumps "$URL" --count 200 | sed 's/^/    /'

# --- (c) the whole table in order -----------------------------------------------------------
COPY_SQL="\\copy (select seq_id, stream_id, version, type, data, timestamp from mt_events order by seq_id) to '/dev/null'"
copy_ms=()
export_ms=()
for i in $(seq 1 "${RUNS:-3}"); do
    t0=$(now_ns); psqlq -d bench -c "$COPY_SQL" >/dev/null; copy_ms+=("$(ms_since "$t0")")
    t0=$(now_ns); "$REWIND" export "$URL" --state-dir "$STATE" >/dev/null; export_ms+=("$(ms_since "$t0")")
done
cm="$(printf '%s\n' "${copy_ms[@]}" | median)"
em="$(printf '%s\n' "${export_ms[@]}" | median)"
echo "(c) psql \\copy (… order by seq_id) to /dev/null: ${copy_ms[*]} ms; median $cm ms = $(( EVENTS * 1000 / (cm > 0 ? cm : 1) )) events/s"
echo "    rewind export URL > /dev/null: ${export_ms[*]} ms; median $em ms = $(( EVENTS * 1000 / (em > 0 ? em : 1) )) events/s; export/copy time ratio $(awk "BEGIN {printf \"%.2f\", $em / ($cm > 0 ? $cm : 1)}")"
"$PGBENCH" readall "$URL" --runs "${RUNS:-3}" | sed 's/^/    /'
rm -rf "$STATE"
