# Turn the filesystem mirror into the layout of a network mirror (index.json, <version>.json
# with each zip's checksum, the zips), then copy the directory to any static HTTPS host.
# Run it with the filesystem mirror in your CLI configuration.
terraform providers mirror \
  -platform=linux_amd64 \
  -platform=linux_arm64 \
  -platform=darwin_amd64 \
  -platform=darwin_arm64 \
  -platform=windows_amd64 \
  ./site
