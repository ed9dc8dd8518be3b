#!/usr/bin/env bash
# Runs every check and test of the repository: formatting, lints, unit, property,
# integration and acceptance tests (the acceptance tests drive the real `terraform`).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo nextest run --workspace --locked --no-fail-fast
cargo test --workspace --doc --locked
