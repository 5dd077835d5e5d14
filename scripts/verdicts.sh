#!/usr/bin/env bash
# Writes the verdict vector of every bundled fixture plugin and built-in:
# one line per plugin and check, `plugin<TAB>check<TAB>status`, sorted.
#   scripts/verdicts.sh OUT.tsv [HOOKCHECK]
# HOOKCHECK defaults to target/debug/hookcheck; the fixtures must be built
# (`hookcheck fixtures`).
set -euo pipefail
out=${1:?usage: scripts/verdicts.sh OUT.tsv [HOOKCHECK]}
root="$(cd "$(dirname "$0")/.." && pwd)"
bin=${2:-${CARGO_TARGET_DIR:-$root/target}/debug/hookcheck}
fixtures="${CARGO_TARGET_DIR:-$root/target}/fixtures"
json=$(mktemp)
trap 'rm -f "$json"' EXIT
mapfile -t bundled < <(
    "$bin" conformance pylon:__list__ 2>&1 | sed -n 's/.*(known: \(.*\))$/\1/p' | tr ',' '\n' | sed 's/^ *//; s/^/pylon:/'
    "$bin" conformance rustant:__list__ 2>&1 | sed -n 's/.*(known: \(.*\))$/\1/p' | tr ',' '\n' | sed 's/^ *//; s/^/rustant:/'
)
"$bin" conformance "$fixtures/native" "$fixtures/wasm" "$root/fixtures/wat" "${bundled[@]}" \
    --jobs "${JOBS:-2}" --json "$json" >/dev/null 2>&1 || true
jq -r '.[] | .artifact as $a | .checks[] | [$a, .id, (.status + (if .fails_run then "!" else "" end))] | @tsv' "$json" \
    | sed "s#$root/##; s#${CARGO_TARGET_DIR:-$root/target}/#target/#" | sort >"$out"
echo "$(cut -f1 "$out" | sort -u | wc -l) plugins, $(wc -l <"$out") verdicts in $out"
