#!/usr/bin/env bash
# Runs every check and test of the repository: formatting, lints, doc tests, unit, property,
# integration and acceptance tests (the acceptance tests drive the real `terraform`, the SDK
# contract tests the official Databricks SDK for Python in target/sdk-venv), and the other
# platforms: Windows and macOS linted, the static Linux builds and Windows built for the tests
# that run and package them. `.ci/install-tools` installs the tools this needs.
#
#   bash scripts/test.sh           # everything, as CI runs it
#   bash scripts/test.sh --quick   # the tests that need nothing but Rust (see below)
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
  "") ;;
  --quick)
    # Unit tests of every crate (with their property tests), the client's and the emulator's
    # integration tests and the provider binary at its gRPC edge, and the docs check: no
    # Terraform, no Python, no other platform. Targets are named, not filtered, so only these
    # are built: a target that no longer exists is an error from cargo, and a selection that
    # runs no test is an error from nextest. The same build as the full run (--workspace), so
    # either reuses the other's. Many of these tests wait (a 15 s retry window, timeouts)
    # rather than compute, so twice as many run at once as there are CPUs.
    cpus="$(getconf _NPROCESSORS_ONLN)"
    exec cargo nextest run --workspace --locked --no-fail-fast --profile quick \
      --test-threads "$((cpus * 2))" \
      --lib --bins --test integration --test grpc --test docs_up_to_date
    ;;
  *)
    echo "usage: bash scripts/test.sh [--quick]" >&2
    exit 2
    ;;
esac

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# What differs on Windows (TCP transport, console signals, the OS trust store) and macOS (the
# OS trust store), linted with those targets' cfg. zig compiles aws-lc's C for macOS, whose SDK
# Linux lacks, so macOS is checked, never linked here.
cargo clippy --locked --profile cross-debug --target x86_64-pc-windows-gnu \
  --bin terraform-provider-databricks -- -D warnings
for target in x86_64-apple-darwin aarch64-apple-darwin; do
  cargo-zigbuild clippy --locked --profile cross-debug --target "$target" \
    --bin terraform-provider-databricks -- -D warnings
done
cargo test --workspace --doc --locked
# The fuzz targets (own workspace, fuzz/) type-check on stable; only running them needs libFuzzer.
cargo check --manifest-path fuzz/Cargo.toml --locked --all-targets --target-dir target
# The official Databricks SDK for the SDK contract tests (quick when already there).
bash scripts/lib/sdk-venv.sh
# Every platform this machine releases (linux_amd64, linux_arm64, windows_amd64), built as
# scripts/release.sh builds them but unoptimised (profile cross-debug): the chroot, qemu,
# release and mirror tests run and package them, and find them up to date.
(
  root="$PWD"
  script=test.sh
  # shellcheck source=lib/package.sh
  source scripts/lib/package.sh
  for platform in $(host_platforms); do
    build_platform "$platform" cross-debug >/dev/null
  done
)
# Last, so its summary closes the output.
cargo nextest run --workspace --locked --no-fail-fast
