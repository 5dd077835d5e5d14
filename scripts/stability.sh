#!/usr/bin/env bash
# Runs every bundled fixture plugin and built-in RUNS times (default 20)
# with one busy loop per core beside it, and fails unless every run gives
# the same verdict vector (plugin, check, status) as the first.
#   scripts/stability.sh [RUNS] [HOOKCHECK]
# The fixtures must be built (`hookcheck fixtures`). Prints each run's time
# and every verdict that moved.
set -euo pipefail
runs=${1:-20}
root="$(cd "$(dirname "$0")/.." && pwd)"
bin=${2:-${CARGO_TARGET_DIR:-$root/target}/debug/hookcheck}
work=$(mktemp -d)
loops=()
cleanup() {
    for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq "$(nproc)"); do
    ( while :; do :; done ) &
    loops+=("$!")
done
echo "$(nproc) busy loops beside hookcheck; $runs runs"
moved=0
for i in $(seq "$runs"); do
    start=$(date +%s)
    "$root/scripts/verdicts.sh" "$work/run$i.tsv" "$bin" >/dev/null
    took=$(( $(date +%s) - start ))
    if [ "$i" -eq 1 ]; then
        echo "run 1: $(wc -l <"$work/run1.tsv") verdicts in ${took}s"
        continue
    fi
    if diff -q "$work/run1.tsv" "$work/run$i.tsv" >/dev/null; then
        echo "run $i: same verdicts (${took}s)"
    else
        moved=$((moved + 1))
        echo "run $i: MOVED (${took}s):"
        diff "$work/run1.tsv" "$work/run$i.tsv" | grep "^[<>]" | sed "s/^/  /" || true
    fi
done
if [ "$moved" -gt 0 ]; then
    echo "$moved of $((runs - 1)) runs gave other verdicts than run 1"
    exit 1
fi
echo "all $runs runs gave the same $(wc -l <"$work/run1.tsv") verdicts"
