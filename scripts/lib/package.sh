# Shared by install.sh and release.sh: the version and platform a package is for.
# Sourced, not run; expects `root` (the repository) and `script` (the caller's name).

# The version of the workspace ([workspace.package] in Cargo.toml).
workspace_version() {
  awk '
    /^\[workspace\.package\]/ { inside = 1; next }
    /^\[/ { inside = 0 }
    inside && /^version[ \t]*=/ { gsub(/^version[ \t]*=[ \t]*"|".*$/, ""); print; exit }
  ' "$root/Cargo.toml"
}

# Terraform's platform name for this machine, e.g. linux_amd64, darwin_arm64.
host_os_arch() {
  local os arch
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64|amd64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    i386|i686) arch=386 ;;
    armv6l|armv7l|arm) arch=arm ;;
    *) echo "$script: unsupported machine $(uname -m); pass --os-arch" >&2; return 1 ;;
  esac
  echo "${os}_${arch}"
}

# Fills `version` and `os_arch` when the caller left them empty, and checks the version.
resolve_version_and_platform() {
  [ -n "$version" ] || version="$(workspace_version)"
  if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
    echo "$script: not a semantic version: '$version'" >&2
    exit 1
  fi
  [ -n "$os_arch" ] || os_arch="$(host_os_arch)"
}

# Every platform a release can hold, in the Registry's naming.
ALL_PLATFORMS="linux_amd64 linux_arm64 windows_amd64 darwin_amd64 darwin_arm64"

# The Rust target a platform is built for. Linux builds are static (musl): no program
# interpreter and no shared libraries, so they run on Alpine, old glibc and distroless alike.
platform_target() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-musl ;;
    linux_arm64) echo aarch64-unknown-linux-musl ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    *) echo "$script: no build for platform '$1' (known: $ALL_PLATFORMS)" >&2; return 1 ;;
  esac
}

# The platforms this machine builds: on Linux the Linux ones and Windows (musl-tools, zig
# through cargo-zigbuild, and mingw-w64 cross-compile them); on macOS the two darwin ones,
# which need Apple's SDK.
host_platforms() {
  case "$(uname -s)" in
    Linux) echo "linux_amd64 linux_arm64 windows_amd64" ;;
    Darwin) echo "darwin_amd64 darwin_arm64" ;;
    *) echo "$script: builds run on Linux or macOS, not $(uname -s); pass --binary and --os-arch" >&2; return 1 ;;
  esac
}

# The provider's file name on a platform.
platform_executable() {
  case "$1" in
    windows_*) echo terraform-provider-databricks.exe ;;
    *) echo terraform-provider-databricks ;;
  esac
}

# Builds the provider for a platform with a cargo profile (release, or cross-debug in the
# tests); prints the path of the binary on stdout, cargo's output goes to stderr.
build_platform() {
  local os_arch=$1 profile=$2 target dir
  target="$(platform_target "$os_arch")" || return 1
  local build=(cargo build)
  # aarch64 musl has no Debian cross toolchain; zig compiles aws-lc's C and links.
  if [ "$os_arch" = linux_arm64 ] && [ "$(uname -s)" = Linux ]; then
    build=(cargo zigbuild)
  fi
  echo "$script: building $os_arch ($target, profile $profile) with ${build[*]}" >&2
  # Without SOURCE_DATE_EPOCH (it sets the zips' file times): the cc crate makes every C
  # dependency rebuild when it changes, and the C compiled here (aws-lc) has no date in it.
  (cd "$root" && env -u SOURCE_DATE_EPOCH "${build[@]}" --locked --profile "$profile" \
    --target "$target" --bin terraform-provider-databricks) >&2 || return 1
  dir="$profile"
  [ "$profile" = dev ] && dir=debug
  local target_dir="${CARGO_TARGET_DIR:-target}"
  case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
  echo "$target_dir/$target/$dir/$(platform_executable "$os_arch")"
}
