#!/usr/bin/env bash
# Builds a release binary of the provider and installs it into Terraform's implied local
# mirror, so that `terraform init` finds `terraform.local/okta-workflows/databricks` offline
# (no dev_overrides) and records it in .terraform.lock.hcl:
#
#   ~/.terraform.d/plugins/terraform.local/okta-workflows/databricks/<version>/<os>_<arch>/terraform-provider-databricks_v<version>
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/install.sh [options]

  --binary PATH       install this provider binary instead of running `cargo build --release --locked`
  --home DIR          install under DIR/.terraform.d/plugins instead of $HOME/.terraform.d/plugins
  --plugins-dir DIR   install under DIR (a Terraform plugin directory) instead
  --version VERSION   provider version to install as (default: the workspace version in Cargo.toml)
  --os-arch OS_ARCH   platform directory, e.g. linux_amd64 (default: this machine's)
  -h, --help          show this help

Reinstalling the same version with a different binary changes its checksum, and `terraform
init` (even with -upgrade) then refuses it in configurations whose .terraform.lock.hcl recorded
the old one. Record the new checksum there, then run `terraform init`:

  terraform providers lock -fs-mirror="$HOME/.terraform.d/plugins" terraform.local/okta-workflows/databricks
USAGE
}

root="$(cd "$(dirname "$0")/.." && pwd)"
script=install.sh
# shellcheck source=lib/package.sh
source "$root/scripts/lib/package.sh"
binary=""
home="${HOME:-}"
plugins_dir=""
version=""
os_arch=""

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --home) home="${2:?--home needs a directory}"; shift 2 ;;
    --plugins-dir) plugins_dir="${2:?--plugins-dir needs a directory}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --os-arch) os_arch="${2:?--os-arch needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

resolve_version_and_platform

if [ -z "$plugins_dir" ]; then
  if [ -z "$home" ]; then
    echo "install.sh: HOME is not set; pass --home or --plugins-dir" >&2
    exit 1
  fi
  plugins_dir="$home/.terraform.d/plugins"
fi

if [ -z "$binary" ]; then
  echo "Building the release binary (cargo build --release --locked)..." >&2
  (cd "$root" && cargo build --release --locked --bin terraform-provider-databricks)
  binary="$root/target/release/terraform-provider-databricks"
fi
if [ ! -f "$binary" ]; then
  echo "install.sh: no provider binary at $binary" >&2
  exit 1
fi

source_address="terraform.local/okta-workflows/databricks"
dest_dir="$plugins_dir/$source_address/$version/$os_arch"
dest="$dest_dir/terraform-provider-databricks_v$version"
replaced=""
if [ -f "$dest" ] && ! cmp -s "$binary" "$dest"; then
  replaced=1
fi
mkdir -p "$dest_dir"
# Copy next to the destination, then rename: a running `terraform` never sees half a file.
tmp="$(mktemp "$dest_dir/.install.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
cp "$binary" "$tmp"
chmod 0755 "$tmp"
mv -f "$tmp" "$dest"
trap - EXIT

echo "Installed $dest"
cat <<HINT
Use it with:

  terraform {
    required_providers {
      databricks = {
        source  = "$source_address"
        version = "$version"
      }
    }
  }

then run \`terraform init\`.
HINT
if [ -n "$replaced" ]; then
  echo
  echo "This replaced a different build of $version."
fi
cat <<HINT

Where .terraform.lock.hcl recorded an earlier build of $version, \`terraform init\` refuses this
one ("doesn't match any of the checksums previously recorded in the dependency lock file").
Record its checksum there, in that configuration's directory, then run \`terraform init\`:

  terraform providers lock -fs-mirror="$plugins_dir" $source_address
HINT
