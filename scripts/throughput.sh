#!/usr/bin/env bash
# Plugins per minute of `hookcheck conformance DIR --jobs N` on directories
# of well-behaved bundled plugins (copies of them): native, WASM, mixed.
#   scripts/throughput.sh [COPIES] [HOOKCHECK]
# COPIES per plugin (default 25); HOOKCHECK defaults to the release build
# (target/release/hookcheck); JOBS defaults to the cores. The fixtures must
# be built (`hookcheck fixtures`).
set -euo pipefail
copies=${1:-25}
root="$(cd "$(dirname "$0")/.." && pwd)"
target=${CARGO_TARGET_DIR:-$root/target}
bin=${2:-$target/release/hookcheck}
jobs=${JOBS:-$(nproc)}
native=(admin_ok all_hooks mixin_a gate)
wasm=(hello content_transform slug gate_wasm)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/native" "$work/wasm" "$work/mixed"
for i in $(seq "$copies"); do
    for p in "${native[@]}"; do
        cp "$target/fixtures/native/$p.so" "$work/native/${p}_$i.so"
        cp "$target/fixtures/native/$p.so" "$work/mixed/${p}_$i.so"
    done
    for p in "${wasm[@]}"; do
        cp "$target/fixtures/wasm/$p.wasm" "$work/wasm/${p}_$i.wasm"
        cp "$target/fixtures/wasm/$p.wasm" "$work/mixed/${p}_$i.wasm"
    done
done
echo "hookcheck: $bin; --jobs $jobs; $(nproc) cores"
for set in native wasm mixed; do
    n=$(find "$work/$set" -type f | wc -l)
    start=$(date +%s.%N)
    "$bin" conformance "$work/$set" --jobs "$jobs" --json "$work/$set.json" >/dev/null 2>&1 || true
    took=$(echo "$(date +%s.%N) - $start" | bc -l)
    ran=$(jq 'length' "$work/$set.json")
    printf '%-6s %4d plugins (%d reported) in %6.1f s: %5.0f plugins/minute\n' \
        "$set" "$n" "$ran" "$took" "$(echo "$n * 60 / $took" | bc -l)"
done
