#!/usr/bin/env bash
# Runs every check and test of the repository: formatting, lints, doc tests, unit, property,
# integration and acceptance tests (the acceptance tests drive the real `terraform`, the SDK
# contract tests the official Databricks SDK for Python in target/sdk-venv).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --doc --locked
# The fuzz targets (own workspace, fuzz/) type-check on stable; only running them needs libFuzzer.
cargo check --manifest-path fuzz/Cargo.toml --locked --all-targets --target-dir target
# The official Databricks SDK for the SDK contract tests (quick when already there).
bash scripts/lib/sdk-venv.sh
# Last, so its summary closes the output.
cargo nextest run --workspace --locked --no-fail-fast
