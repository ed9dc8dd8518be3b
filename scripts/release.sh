#!/usr/bin/env bash
# Builds the provider for every platform this machine can build (or the one named) and writes
# the files the Terraform Registry expects into dist/:
#
#   terraform-provider-databricks_<version>_<os>_<arch>.zip   (holds terraform-provider-databricks_v<version>,
#                                                              .exe on Windows)
#   terraform-provider-databricks_<version>_manifest.json     (copy of terraform-registry-manifest.json)
#   terraform-provider-databricks_<version>_SHA256SUMS        (of every zip of the version in dist/ and the manifest)
#   terraform-provider-databricks_<version>_SHA256SUMS.sig    (only with GPG_FINGERPRINT set)
#
# On Linux: linux_amd64 and linux_arm64 (static, musl; arm64 through cargo-zigbuild) and
# windows_amd64 (mingw-w64). On macOS: darwin_amd64 and darwin_arm64. A release merges both
# machines' zips into one directory and runs this once more with --sums-only to list and sign
# them all (.github/workflows/release.yml does).
#
# Reproducible: `cargo build --profile release --locked` (the release profile strips symbols),
# every file in a zip gets the mtime SOURCE_DATE_EPOCH (default: the last commit's time), no
# extra attributes, mode 0755.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/release.sh [options]

  --os-arch OS_ARCH    build and package only this platform, e.g. linux_arm64 (default: every
                       platform this machine builds: linux_amd64 linux_arm64 windows_amd64 on
                       Linux, darwin_amd64 darwin_arm64 on macOS)
  --binary PATH        package this binary (for --os-arch, default this machine's platform)
                       instead of building
  --profile NAME       cargo profile of the builds (default: release)
  --sums-only          build nothing: write SHA256SUMS (and its signature) for the zips in --out
  --out DIR            output directory (default: dist/ in the repository)
  --version VERSION    release version (default: the workspace version in Cargo.toml)
  --zip-tool TOOL      `zip` or `python` (default: zip when installed, else python3's zipfile)
  -h, --help           show this help

Environment: SOURCE_DATE_EPOCH (file times in the zips), GPG_FINGERPRINT (sign SHA256SUMS).
USAGE
}

root="$(cd "$(dirname "$0")/.." && pwd)"
script=release.sh
# shellcheck source=lib/package.sh
source "$root/scripts/lib/package.sh"
name="terraform-provider-databricks"
binary=""
out="$root/dist"
version=""
os_arch=""
zip_tool=""
profile=release
sums_only=false

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --os-arch) os_arch="${2:?--os-arch needs a value}"; shift 2 ;;
    --profile) profile="${2:?--profile needs a cargo profile}"; shift 2 ;;
    --sums-only) sums_only=true; shift ;;
    --zip-tool) zip_tool="${2:?--zip-tool needs zip or python}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "release.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

if [ -n "$binary" ] && [ -z "$os_arch" ]; then
  os_arch="$(host_os_arch)"
fi
[ -n "$version" ] || version="$(workspace_version)"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
  echo "release.sh: not a semantic version: '$version'" >&2
  exit 1
fi
if [ -n "$os_arch" ]; then
  platform_target "$os_arch" >/dev/null || exit 2
  platforms=("$os_arch")
elif "$sums_only"; then
  platforms=()
else
  read -r -a platforms <<<"$(host_platforms)"
fi
if [ -z "$zip_tool" ]; then
  if command -v zip >/dev/null 2>&1; then zip_tool=zip; else zip_tool=python; fi
fi
case "$zip_tool" in zip|python) ;; *) echo "release.sh: --zip-tool is zip or python" >&2; exit 2 ;; esac

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null || true)"
fi
# Zip timestamps start in 1980.
if [ -z "$SOURCE_DATE_EPOCH" ] || [ "$SOURCE_DATE_EPOCH" -lt 315532800 ]; then
  SOURCE_DATE_EPOCH=315532800
fi
export SOURCE_DATE_EPOCH

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

manifest="${name}_${version}_manifest.json"
sums="${name}_${version}_SHA256SUMS"

# Writes the Registry's zip of one platform from one binary.
package() {
  local os_arch=$1 binary=$2 exe zip_name
  exe="${name}_v${version}"
  [[ "$os_arch" == windows_* ]] && exe="$exe.exe"
  zip_name="${name}_${version}_${os_arch}.zip"
  rm -rf "${stage:?}"/*
  cp "$binary" "$stage/$exe"
  chmod 0755 "$stage/$exe"
  touch -d "@$SOURCE_DATE_EPOCH" "$stage/$exe" 2>/dev/null || TZ=UTC touch -t "$(date -u -r "$SOURCE_DATE_EPOCH" +%Y%m%d%H%M.%S)" "$stage/$exe"
  rm -f "$out/$zip_name"
  if [ "$zip_tool" = zip ]; then
    # -X: no uid/gid or extended timestamps; TZ=UTC: the DOS time field is the same everywhere.
    (cd "$stage" && TZ=UTC zip -q -X -9 "$out/$zip_name" "$exe")
  else
    python3 - "$stage/$exe" "$exe" "$out/$zip_name" <<'PY'
import os, sys, time, zipfile
src, arcname, dest = sys.argv[1:4]
info = zipfile.ZipInfo(arcname, date_time=time.gmtime(int(os.environ["SOURCE_DATE_EPOCH"]))[:6])
info.create_system = 3  # Unix, so the mode below is honoured
info.external_attr = (0o100755 & 0xFFFF) << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dest, "w") as z:
    z.writestr(info, f.read(), compresslevel=9)
PY
  fi
}

for platform in ${platforms[@]+"${platforms[@]}"}; do
  built="$binary"
  if [ -z "$built" ]; then
    built="$(build_platform "$platform" "$profile")"
  fi
  if [ ! -f "$built" ]; then
    echo "release.sh: no provider binary at $built" >&2
    exit 1
  fi
  package "$platform" "$built"
done

cp "$root/terraform-registry-manifest.json" "$out/$manifest"

# Every zip of this version in the output (the platforms packaged into it, by this run or by
# runs on other machines whose zips were copied in) and the manifest.
(
  cd "$out"
  shopt -s nullglob
  zips=("${name}_${version}"_*.zip)
  if [ ${#zips[@]} -eq 0 ]; then
    echo "release.sh: no ${name}_${version}_*.zip in $out" >&2
    exit 1
  fi
  sha256 $(printf '%s\n' "${zips[@]}" "$manifest" | LC_ALL=C sort) > "$sums"
)

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  rm -f "$out/$sums.sig"
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign --output "$out/$sums.sig" "$out/$sums"
fi

echo "Wrote to $out:"
(cd "$out" && ls -1 "${name}_${version}"_*)
