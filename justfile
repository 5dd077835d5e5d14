# hookcheck tasks. `just` alone lists them.

# List every recipe with its one-line help
default:
    @just --list

# Check one plugin against its contract: just conformance PATH [--report-dir DIR] [--strict] … (PATH from where you are)
conformance path *args:
    #!/usr/bin/env bash
    set -euo pipefail
    root="{{justfile_directory()}}"
    cargo build --manifest-path "$root/Cargo.toml" -p hookcheck-conformance
    bin="${CARGO_TARGET_DIR:-$root/target}/debug/hookcheck"
    cd "{{invocation_directory()}}"
    # One of this repository's fixture plugins: build only that one, from source.
    fixtures="$(realpath -m "${CARGO_TARGET_DIR:-$root/target}")/fixtures/"
    case "$(realpath -m "{{path}}")" in "$fixtures"*) "$bin" fixtures "{{path}}" >/dev/null ;; esac
    exec "$bin" conformance "{{path}}" {{args}}

# List the conformance checks (optionally: just checks --profile lesstruct)
checks *args:
    cargo run --quiet -p hookcheck-conformance -- checks {{args}}

# Run the bundled example plugins through the engine (pylon + rustant)
demo:
    cargo run --quiet -p hookcheck-conformance -- demo

# Serve plugins over HTTP: just serve pylon fixtures/pylon/replay [--listen ADDR] [--record DIR] …
serve profile dir *args:
    cargo run --quiet -p hookcheck-conformance -- serve --profile {{profile}} --plugins {{dir}} {{args}}

# Replay recorded fixtures: just replay fixtures/writes pylon fixtures/pylon/replay
replay fixtures profile dir *args:
    cargo run --quiet -p hookcheck-conformance -- replay {{fixtures}} --profile {{profile}} --plugins {{dir}} {{args}}

# Build fixture plugins from source into target/fixtures/{wasm,native}/ (all, or the paths given)
fixtures *paths:
    cargo run --quiet -p hookcheck-conformance -- fixtures {{paths}}

# Run the whole test suite (unit, integration, doc tests, the Pylon plugin-repo example)
test:
    # Not --examples: the fixture plugins are examples, which the tests build
    # as plugins; as test executables they tested nothing and took 436 MB.
    # examples/pdk-plugin-repo's native plugin runs in this hookcheck.
    HOOKCHECK="${CARGO_TARGET_DIR:-$PWD/target}/debug/hookcheck" cargo test --workspace --lib --bins --tests --benches
    cargo test --workspace --doc
    just example-test

# Test the plugin-repo examples: examples/pylon-plugin-repo (its own workspace, hookcheck without `wasm`), and that `cargo test --features planted-bug` of examples/pdk-plugin-repo checks the plugin built with it (and fails)
example-test:
    #!/usr/bin/env bash
    set -euo pipefail
    cargo test --locked --manifest-path examples/pylon-plugin-repo/Cargo.toml --target-dir "${CARGO_TARGET_DIR:-target}"
    # The plugin's own test builds the plugin with the test's features: with
    # the planted bug the native build must fail FF-REQ-001.
    out=$(HOOKCHECK="${CARGO_TARGET_DIR:-$PWD/target}/debug/hookcheck" cargo test -p word-count --features planted-bug --test conformance -- the_native_build 2>&1) && {
        echo "$out"; echo "error: cargo test --features planted-bug passed: the test did not check the build with the feature"; exit 1; }
    grep -q "FF-REQ-001" <<<"$out" || { echo "$out"; echo "error: the planted bug failed, but not on FF-REQ-001"; exit 1; }
    echo "cargo test -p word-count --features planted-bug: fails on FF-REQ-001, as it must"

# Run every benchmark; writes reports/bench/before_request.{json,svg,md}
bench *args:
    cargo bench -p hookcheck-benches {{args}}

# Record before_request percentiles and fail if a ratio_p99 regressed past the baseline (--features peer-extism adds Extism)
bench-check *args:
    cargo run --release --quiet -p hookcheck-benches {{args}} --bin bench-check

# Statistical power of `hookcheck bench --against`, N runs per form (release): how often gate_slow10 is flagged against gate, and gate against itself
bench-power runs="10":
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release --quiet -p hookcheck-conformance
    bin="${CARGO_TARGET_DIR:-target}/release/hookcheck"
    native="${CARGO_TARGET_DIR:-target}/fixtures/native"
    wasm="${CARGO_TARGET_DIR:-target}/fixtures/wasm"
    "$bin" fixtures "$native/gate.so" "$native/gate_slow10.so" "$wasm/gate_wasm.wasm" "$wasm/gate_slow10_wasm.wasm" >/dev/null
    # Runs `hookcheck bench NEW --against OLD` {{runs}} times; prints how
    # many exited 1 and each run's new/old p50 and p99 estimates.
    power() {
        local new=$1 old=$2 flagged=0 ratios="" rc out
        for _ in $(seq {{runs}}); do
            rc=0
            out=$("$bin" bench "$new" --against "$old" 2>/dev/null) || rc=$?
            case $rc in 0) ;; 1) flagged=$((flagged + 1)) ;; *) echo "$new: hookcheck bench failed (exit $rc)"; exit 2 ;; esac
            ratios="$ratios $(sed -n 's/.*new\/old p50: \([0-9.]*\) .* p99: \([0-9.]*\) .*/\1\/\2/p' <<<"$out")"
        done
        echo "$(basename "$new") against $(basename "$old"): exit 1 in $flagged of {{runs}} runs (p50/p99 new/old:$ratios)"
    }
    for form in "pylon:gate_slow10 pylon:gate" "$native/gate_slow10.so $native/gate.so" "$wasm/gate_slow10_wasm.wasm $wasm/gate_wasm.wasm"; do
        set -- $form
        power "$1" "$2"
        power "$2" "$2"
    done

# Run every property test with many cases (about ten minutes here) and print the count
prop-long cases="600000":
    #!/usr/bin/env bash
    set -euo pipefail
    start=$(date +%s)
    PROPTEST_CASES={{cases}} cargo test --release -p hookcheck --test all -- properties:: pylon_oracle:: --test-threads 2
    echo "ran 9 properties x {{cases}} cases = $((9 * {{cases}})) generated cases, 2 WASM-compiling properties x $(( {{cases}} / 100 )) cases, plus 2 x 256 + 2 x 2048 broken-model runs, in $(( $(date +%s) - start )) s"

# Build the cargo-fuzz target for the memory-protocol reader (needs nightly + cargo-fuzz)
fuzz *args:
    cd fuzz && cargo +nightly fuzz run memory_protocol {{args}}

# Format every crate
fmt:
    cargo fmt --all

# Check formatting and clippy with warnings as errors
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo fmt --check --manifest-path examples/pylon-plugin-repo/Cargo.toml
    cargo clippy --locked --manifest-path examples/pylon-plugin-repo/Cargo.toml --target-dir "${CARGO_TARGET_DIR:-target}" --all-targets -- -D warnings
    cargo clippy -p word-count --target wasm32-wasip1 -- -D warnings
    # Builds without the `wasm` feature (a Pylon-only plugin repo's hookcheck)
    cargo clippy -p hookcheck-conformance --no-default-features -- -D warnings
