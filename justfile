# hookcheck tasks. `just` alone lists them.

# List every recipe with its one-line help
default:
    @just --list

# Check one plugin against its contract: just conformance PATH [--report-dir DIR] [--strict] …
conformance path *args:
    #!/usr/bin/env bash
    set -euo pipefail
    case "{{path}}" in target/fixtures/*) just fixtures >/dev/null ;; esac
    cargo build --quiet -p hookcheck-conformance
    exec target/debug/hookcheck conformance "{{path}}" {{args}}

# List the conformance checks (optionally: just checks --profile lesstruct)
checks *args:
    cargo run --quiet -p hookcheck-conformance -- checks {{args}}

# Run the bundled example plugins through the engine (pylon + rustant)
demo:
    cargo run --quiet -p hookcheck-conformance -- demo

# Build every fixture plugin from source into target/fixtures/{wasm,native}/
fixtures:
    cargo run --quiet -p hookcheck-conformance -- fixtures

# Run the whole test suite (unit, integration, doc tests)
test:
    cargo test --workspace --all-targets
    cargo test --workspace --doc

# Format every crate
fmt:
    cargo fmt --all

# Check formatting and clippy with warnings as errors
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
