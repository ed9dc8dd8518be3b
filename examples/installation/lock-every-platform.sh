# A team on Linux, macOS and Windows machines: record every platform's checksum once, from the
# mirror, and commit .terraform.lock.hcl. Without this, `terraform init` on another platform
# fails: the lock file only knows the checksum of the machine that created it. From a network
# mirror: -net-mirror=https://terraform-mirror.example.com/providers/ instead of -fs-mirror.
terraform providers lock \
  -fs-mirror=/usr/share/terraform/providers \
  -platform=linux_amd64 \
  -platform=linux_arm64 \
  -platform=darwin_amd64 \
  -platform=darwin_arm64 \
  -platform=windows_amd64
