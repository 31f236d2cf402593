#!/bin/bash
# Times whole rewind commands of two builds on one log, alternating before and after runs, and
# prints each run's wall and CPU time (user + system) and peak memory: the before/after tables
# of docs/BENCHMARKS.md ("The .type search after the sealed-segment check table").
#
#   bash Benchmarks/cli-before-after.sh BEFORE_REWIND AFTER_REWIND LOG [RUNS]
#
# LOG: e.g. rewind generate bank --events 1000000 --seed 12 --out bank.jsonl && rewind init LOG
#      && rewind generate bank --config > LOG/rewind.toml && rewind import LOG bank.jsonl
set -euo pipefail
before=$1 after=$2 log=$3 runs=${4:-3}
out=$(mktemp)
tr=$("$before" find "$log" '.type == "TransferSent"' --limit 1 --json | sed 's/.*"correlationId":"\([^"]*\)".*/\1/')
while IFS='|' read -r name args; do
  for _ in $(seq 1 "$runs"); do
    for which in before after; do
      bin=$before; [ "$which" = after ] && bin=$after
      /usr/bin/time -f "$name $which %e %U %S %M" -a -o "$out" sh -c "'$bin' $args > /dev/null; test \$? -le 6"
    done
  done
done <<LIST
find-type|find '$log' '.type == "AccountOpened"' --json
find-data|find '$log' '.data.payer == "Northwind GmbH"' --json
export|export '$log'
read-open|read '$log' --limit 1
trace|trace '$log' --correlation $tr --json
sagas|sagas '$log' transfer --json
LIST
echo "command build wall_s user_s sys_s max_rss_kb"
cat "$out"
rm -f "$out"
