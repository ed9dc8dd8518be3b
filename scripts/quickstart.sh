#!/usr/bin/env bash
# Quickstart: build the provider, then let the real Terraform CLI load it through
# dev_overrides, trust it over AutoMTLS, read its schema and validate the example.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Building terraform-provider-databricks"
cargo build --quiet --bin terraform-provider-databricks

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/dev.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "terraform.local/okta-workflows/databricks" = "$PWD/target/debug"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cp examples/resources/databricks_workflow_connection/resource.tf "$work/main.tf"

step "Terraform starts the provider and reads its schema (AutoMTLS is on by default)"
terraform -chdir="$work" providers schema -json |
  python3 -c 'import json,sys; s=json.load(sys.stdin)["provider_schemas"]["terraform.local/okta-workflows/databricks"]["resource_schemas"]["databricks_workflow_connection"]["block"]["attributes"]; print("databricks_workflow_connection attributes:", ", ".join(sorted(s)))'

step "terraform validate on the example configuration"
terraform -chdir="$work" validate -no-color

step "An invalid value is refused, pointing at the attribute"
sed -i 's/cloud_provider       = "aws"/cloud_provider       = "amazon"/' "$work/main.tf"
terraform -chdir="$work" validate -no-color || true

step "Done. The connection lifecycle (apply, refresh, drift) arrives with the next milestone."
