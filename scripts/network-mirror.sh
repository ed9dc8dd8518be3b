#!/usr/bin/env bash
# Writes a Terraform provider network mirror (the provider network mirror protocol: static
# files) from release zips, to copy to any static HTTPS host:
#
#   OUT/terraform.local/okta-workflows/databricks/index.json        {"versions":{"<version>":{}}}
#   OUT/terraform.local/okta-workflows/databricks/<version>.json    each platform's zip and its zh: checksum
#   OUT/terraform.local/okta-workflows/databricks/<the zips>
#
# usage: scripts/network-mirror.sh DIST OUT [VERSION]
#   DIST: a directory with terraform-provider-databricks_<version>_<os>_<arch>.zip files
#         (scripts/release.sh's output; every platform's zips merged)
#   VERSION: default the workspace version in Cargo.toml
# A mirror of several versions: run it once per version into the same OUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
script=network-mirror.sh
# shellcheck source=lib/package.sh
source "$root/scripts/lib/package.sh"
dist="${1:?usage: scripts/network-mirror.sh DIST OUT [VERSION]}"
out="${2:?usage: scripts/network-mirror.sh DIST OUT [VERSION]}"
version="${3:-$(workspace_version)}"
name=terraform-provider-databricks
provider_dir="$out/terraform.local/okta-workflows/databricks"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}

mkdir -p "$provider_dir"
archives=""
for platform in $ALL_PLATFORMS; do
  zip="${name}_${version}_${platform}.zip"
  [ -f "$dist/$zip" ] || continue
  cp "$dist/$zip" "$provider_dir/$zip"
  sum="$(sha256 "$dist/$zip" | cut -d' ' -f1)"
  [ -z "$archives" ] || archives="$archives,"
  archives="$archives\"$platform\":{\"url\":\"$zip\",\"hashes\":[\"zh:$sum\"]}"
done
if [ -z "$archives" ]; then
  echo "$script: no ${name}_${version}_*.zip in $dist" >&2
  exit 1
fi
printf '{"archives":{%s}}\n' "$archives" >"$provider_dir/$version.json"

# index.json lists every version whose <version>.json is in the directory.
versions=""
for json in "$provider_dir"/*.json; do
  v="$(basename "$json" .json)"
  [ "$v" = index ] && continue
  [ -z "$versions" ] || versions="$versions,"
  versions="$versions\"$v\":{}"
done
printf '{"versions":{%s}}\n' "$versions" >"$provider_dir/index.json"
echo "Wrote $provider_dir"
