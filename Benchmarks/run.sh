#!/usr/bin/env bash
# The engine benchmarks in one command (see docs/BENCHMARKS.md):
#   Benchmarks/run.sh [rewind-bench options]      e.g. --quick, --json, --no-peer, --workloads scan,open
# Installs the Python peer's requirements if they are missing, builds rewind-bench in release
# (scratch path .build-bench, or $SCRATCH_PATH) and runs it with the arguments passed through.
# Set PYTHON to choose the peer's interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
SCRATCH_PATH="${SCRATCH_PATH:-.build-bench}"

if command -v "$PYTHON" >/dev/null 2>&1; then
    if ! "$PYTHON" -c 'import eventsourcing' >/dev/null 2>&1; then
        echo "run.sh: installing the peer's requirements (pip install -r Benchmarks/peer/requirements.txt)" >&2
        "$PYTHON" -m pip install -r Benchmarks/peer/requirements.txt >&2 \
            || echo "run.sh: pip install failed; rewind-bench will report Rewind's figures alone" >&2
    fi
else
    echo "run.sh: $PYTHON not found; rewind-bench will report Rewind's figures alone" >&2
fi

echo "run.sh: swift build -c release --scratch-path $SCRATCH_PATH --product rewind-bench" >&2
swift build -c release --scratch-path "$SCRATCH_PATH" --product rewind-bench >&2
exec "$SCRATCH_PATH/release/rewind-bench" --python "$PYTHON" "$@"
