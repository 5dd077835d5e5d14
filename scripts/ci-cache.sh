#!/usr/bin/env bash
# Times the cached run of docs/github-actions.yml's install steps, as a
# runner does them: actions/cache saved the installed root (~/.hookcheck)
# as a zstd tar after the first run; a later run restores it and puts
# hookcheck on PATH (`hookcheck --version`), with no build.
#   scripts/ci-cache.sh ROOT
# ROOT: a root made by the recipe's install step, e.g.
#   cargo install --locked --root ROOT --path conformance
set -euo pipefail
root=${1:?usage: scripts/ci-cache.sh ROOT (made by cargo install --root ROOT)}
[ -x "$root/bin/hookcheck" ] || { echo "error: $root/bin/hookcheck: not an installed hookcheck root" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Save, as actions/cache does at the end of the first run.
tar -C "$root" -cf - . | zstd -q -T0 -o "$work/cache.tzst"
echo "cache: $(du -h "$work/cache.tzst" | cut -f1) compressed, $(du -sh "$root" | cut -f1) installed"
# The cached run: restore, then the recipe's "Put hookcheck on PATH" step.
start=$(date +%s.%N)
mkdir "$work/home"
zstd -q -d -c "$work/cache.tzst" | tar -C "$work/home" -xf -
"$work/home/bin/hookcheck" --version
took=$(echo "$(date +%s.%N) - $start" | bc -l)
printf 'cached run: restore + hookcheck --version in %.2f s\n' "$took"
