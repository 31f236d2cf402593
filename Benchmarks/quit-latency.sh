#!/bin/bash
# How long the real dashboard takes to quit after `q` while a projection handler spins (a jq
# `until(false; .)` with a ten-minute budget), and how long `rewind project run` takes to stop
# after SIGTERM in the same state. The target is one second each; the tests only check a loose
# bound (Tests/RewindCLITests/Support/QuitBound.swift), because a loaded machine cannot time
# it honestly inside a unit test. Prints each run and the medians.
#
#   bash Benchmarks/quit-latency.sh [REWIND] [RUNS]
#
# The dashboard runs in a private tmux server; the time is from `tmux send-keys q` to the
# process's exit (polled every 10 ms), so it includes one tmux round-trip.
set -euo pipefail
rewind=${1:-.build/release/rewind} runs=${2:-5}
work=$(mktemp -d)
sock="$work/tmux.sock"
trap 'tmux -S "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
log="$work/bank"
"$rewind" init "$log" > /dev/null 2>&1
printf '%s\n' \
  '{"stream":"account-1","type":"AccountOpened","data":{"owner":"ann"},"time":"2026-01-15T10:00:00Z"}' \
  '{"stream":"account-1","type":"MoneyDeposited","data":{"amountCents":500},"time":"2026-01-15T11:00:00Z"}' \
  | "$rewind" import "$log" - > /dev/null 2>&1
cat > "$log/rewind.toml" <<'TOML'
[limits]
handlerMillis = 600000

[aggregates.account]
streams = "account-*"
init = '{balanceCents: 0}'
[aggregates.account.on]
AccountOpened = '.owner = $e.data.owner'
MoneyDeposited = 'until(false; .)'

[projections.balances]
from = "category:account"
init = '0'
[projections.balances.on]
MoneyDeposited = 'until(false; .)'
TOML
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
dash=() term=()
for i in $(seq 1 "$runs"); do
  # The dashboard: wait until the state pane is replaying (the handler is spinning), then q.
  tmux -S "$sock" new-session -d -x 120 -y 34 "'$rewind' open '$log'; echo exited > '$work/done'"
  rm -f "$work/done"
  until tmux -S "$sock" capture-pane -p | grep -q "account-1"; do sleep 0.05; done
  sleep 1  # let the replay reach the spinning handler; this does not decide the outcome
  start=$(now); tmux -S "$sock" send-keys q
  until [ -e "$work/done" ]; do sleep 0.01; done
  d=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'); dash+=("$d"); echo "dashboard q → exit: $d s"
  tmux -S "$sock" kill-server 2>/dev/null || true
  # project run: wait until it burns CPU, then SIGTERM.
  "$rewind" project run "$log" > /dev/null 2>&1 & pid=$!
  sleep 1
  start=$(now); kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  d=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'); term+=("$d"); echo "project run SIGTERM → exit: $d s"
done
echo "median dashboard quit: $(printf '%s\n' "${dash[@]}" | median) s over $runs runs"
echo "median project run stop: $(printf '%s\n' "${term[@]}" | median) s over $runs runs"
