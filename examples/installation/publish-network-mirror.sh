# Write the network mirror's files (index.json, <version>.json with each zip's checksum, the
# zips) from a release's zips in dist/, then copy ./site to any static HTTPS host.
bash scripts/network-mirror.sh dist ./site
