#!/usr/bin/env bash
# Creates target/sdk-venv: a Python virtual environment with the official Databricks SDK, which
# the emulator's SDK contract suite (emulator/tests/sdk/) and tests/acceptance/sdk.rs drive.
# Idempotent and quick when the environment already has the pinned versions.
#
#   bash scripts/lib/sdk-venv.sh            # create or update
#   DATABRICKS_SDK_PYTHON=/path/to/python   # tests use this interpreter instead (not this script)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/sdk-venv"

# The versions the suite is written against; change them together with the tests.
requirements=(
  "databricks-sdk==0.162.0"
  "pytest==9.2.0"
)

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "sdk-venv: $python is not on PATH; install Python 3.10 or later (e.g. apt-get install -y python3 python3-venv)" >&2
  exit 1
fi

# A marker with the pinned list: when it matches, the environment is complete and nothing runs.
marker="$venv/.requirements"
wanted="$(printf '%s\n' "${requirements[@]}")"
if [ -x "$venv/bin/python" ] && [ -f "$marker" ] && [ "$(cat "$marker")" = "$wanted" ]; then
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  mkdir -p "$root/target"
  if ! "$python" -m venv "$venv"; then
    rm -rf "$venv"
    echo "sdk-venv: '$python -m venv' failed; on Debian/Ubuntu: apt-get install -y python3-venv" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
printf '%s\n' "$wanted" >"$marker"
echo "sdk-venv: $("$venv/bin/python" -c 'import databricks.sdk.version as v; print("databricks-sdk", v.__version__)') in $venv" >&2
