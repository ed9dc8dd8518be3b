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
