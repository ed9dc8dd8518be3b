#!/usr/bin/env bash
# Builds the provider for this machine and writes the files the Terraform Registry expects
# into dist/:
#
#   terraform-provider-databricks_<version>_<os>_<arch>.zip   (holds terraform-provider-databricks_v<version>)
#   terraform-provider-databricks_<version>_manifest.json     (copy of terraform-registry-manifest.json)
#   terraform-provider-databricks_<version>_SHA256SUMS        (of the zip files and the manifest)
#   terraform-provider-databricks_<version>_SHA256SUMS.sig    (only with GPG_FINGERPRINT set)
#
# Reproducible: `cargo build --release --locked` (the release profile strips symbols), every
# file in the zip gets the mtime SOURCE_DATE_EPOCH (default: the last commit's time), no
# extra attributes, mode 0755. Run it on each platform you publish and merge the zips and
# SHA256SUMS lines, or sign the merged SHA256SUMS once.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: scripts/release.sh [options]

  --binary PATH        package this binary instead of running `cargo build --release --locked`
  --out DIR            output directory (default: dist/ in the repository)
  --version VERSION    release version (default: the workspace version in Cargo.toml)
  --os-arch OS_ARCH    platform of the binary, e.g. linux_amd64 (default: this machine's)
  --zip-tool TOOL      `zip` or `python` (default: zip when installed, else python3's zipfile)
  -h, --help           show this help

Environment: SOURCE_DATE_EPOCH (file times in the zip), GPG_FINGERPRINT (sign SHA256SUMS).
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

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --os-arch) os_arch="${2:?--os-arch needs a value}"; shift 2 ;;
    --zip-tool) zip_tool="${2:?--zip-tool needs zip or python}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "release.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

resolve_version_and_platform
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

if [ -z "$binary" ]; then
  echo "Building (cargo build --release --locked)..." >&2
  (cd "$root" && cargo build --release --locked --bin "$name")
  binary="$root/target/release/$name"
fi
if [ ! -f "$binary" ]; then
  echo "release.sh: no provider binary at $binary" >&2
  exit 1
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

exe="${name}_v${version}"
zip_name="${name}_${version}_${os_arch}.zip"
manifest="${name}_${version}_manifest.json"
sums="${name}_${version}_SHA256SUMS"

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

cp "$root/terraform-registry-manifest.json" "$out/$manifest"

# Every zip of this version in the output (one per platform packaged into it) and the manifest.
(
  cd "$out"
  shopt -s nullglob
  sha256 $(printf '%s\n' "${name}_${version}"_*.zip "$manifest" | LC_ALL=C sort) > "$sums"
)

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  rm -f "$out/$sums.sig"
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign --output "$out/$sums.sig" "$out/$sums"
fi

echo "Wrote to $out:"
(cd "$out" && ls -1 "${name}_${version}"_*)
