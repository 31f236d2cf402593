#!/bin/bash
# Runs `rewind trace LOG --correlation ID --json` through the real binary on N random transfer
# correlations of LOG, alternating the two builds (BEFORE may equal AFTER), and prints each
# build's p50/p99/max of wall time and the p50 of CPU time (user + system) in milliseconds:
# the "trace through the CLI" figures of docs/BENCHMARKS.md (issue 12).
#
#   bash Benchmarks/cli-trace-p99.sh BEFORE_REWIND AFTER_REWIND LOG [N] [SEED]
#
# LOG: a bank log, e.g. for 10,000,000 events:
#   rewind generate bank --events 10000000 --seed 12 --out bank.jsonl && rewind init LOG
#   && rewind generate bank --config > LOG/rewind.toml && rewind import LOG bank.jsonl
# The first trace builds the sealed segments' index/*.trc files; one warm-up run of each build
# comes first and is not counted. Correlations are drawn from the transfers' TransferSent
# events with SEED (default 12), so both builds trace the same ids in the same order.
#
# BEFORE_LOG (environment, default LOG): the log the BEFORE build traces. Builds whose trace
# index formats differ rebuild each other's index/*.trc files; give BEFORE a copy of the log
# (`cp -al LOG COPY`: the segments are shared, index files are replaced by rename, not edited).
set -euo pipefail
before=$1 after=$2 log=$3 runs=${4:-100} seed=${5:-12}
before_log=${BEFORE_LOG:-$log}
ids=$(mktemp) out=$(mktemp)
trap 'rm -f "$ids" "$out"' EXIT
"$after" find "$log" '.type == "TransferSent"' --json \
  | sed -n 's/.*"correlationId":"\([^"]*\)".*/\1/p' \
  | shuf -n "$runs" --random-source=<(yes "$seed") > "$ids"
first=$(head -n 1 "$ids")
"$before" trace "$before_log" --correlation "$first" --json > /dev/null
"$after" trace "$log" --correlation "$first" --json > /dev/null
while read -r id; do
  for which in before after; do
    bin=$before dir=$before_log; [ "$which" = after ] && bin=$after dir=$log
    /usr/bin/time -f "$which %e %U %S" -a -o "$out" "$bin" trace "$dir" --correlation "$id" --json > /dev/null
  done
done < "$ids"
# Percentiles with sort (not gawk's asort: Debian's default awk is mawk).
pick() { sort -n | awk -v q="$1" '{ v[NR] = $1 } END { i = int(NR * q); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.0f", v[i] }'; }
for which in before after; do
  walls=$(grep "^$which " "$out" | awk '{ print $2 * 1000 }')
  cpus=$(grep "^$which " "$out" | awk '{ print ($3 + $4) * 1000 }')
  n=$(printf '%s\n' "$walls" | wc -l)
  echo "$which: $n runs, wall ms p50 $(printf '%s\n' "$walls" | pick 0.5) p99 $(printf '%s\n' "$walls" | pick 0.99) max $(printf '%s\n' "$walls" | pick 1); cpu ms p50 $(printf '%s\n' "$cpus" | pick 0.5)"
done
