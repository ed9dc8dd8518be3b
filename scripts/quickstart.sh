#!/usr/bin/env bash
# Quickstart: build the provider and the account API emulator, create a verified
# connection with the real Terraform CLI, then watch a revoked secret show up as drift.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
say() { printf '    %s\n' "$*"; }

step "Building terraform-provider-databricks and the account API emulator"
cargo build --quiet --bin terraform-provider-databricks
cargo build --quiet -p databricks-account-emulator --bin databricks-account-emulator

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step "Starting the emulator with emulator/seeds/quickstart.json"
"$root/target/debug/databricks-account-emulator" --seed emulator/seeds/quickstart.json --quiet \
  >"$work/emulator.url" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 50); do [ -s "$work/emulator.url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/emulator.url")
say "A stand-in for the Databricks account API is listening on $url."
say "It knows one account, a service principal with the Account Admin role and its OAuth secret."

# Terraform loads the freshly built provider through dev_overrides: no `terraform init`.
cat >"$work/dev.tfrc" <<TFRC
provider_installation {
  dev_overrides {
    "terraform.local/okta-workflows/databricks" = "$root/target/debug"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/dev.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_VAR_host="$url" TF_VAR_client_secret="dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"
cp examples/quickstart/main.tf "$work/main.tf"
tf() { terraform -chdir="$work" "$@" -no-color -compact-warnings; }

step "terraform apply: the provider checks the credentials, then records the connection"
say "(token exchange with the connection's own secret, SCIM lookup of the principal, secret list)"
tf apply -auto-approve

step "terraform plan: nothing to do, the recorded connection matches the configuration"
tf plan -detailed-exitcode
say "exit code 0: no changes."

step "Someone deletes the OAuth secret in the Databricks account console"
curl -fsS -X DELETE "$url/_emulator/accounts/0d2a7b1c-1234-4abc-9def-0123456789ab/service-principals/2323502488275632/secrets/09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110" >/dev/null
say "(done through the emulator's admin API)"

step "A scheduled drift check: terraform plan -refresh-only -detailed-exitcode"
set +e
tf plan -refresh-only -detailed-exitcode
code=$?
set -e
if [ "$code" -ne 2 ]; then
  echo "expected exit code 2 (drift), got $code" >&2
  exit 1
fi
say "exit code 2: drift. The status went from \"verified\" to \"credentials_rejected\";"
say "a CI job running this command would now turn red, before any Okta flow fails."

step "terraform destroy: forget the connection (the secret is left alone by default)"
tf destroy -auto-approve

step "Done. Read README.md for management credentials, write-only secrets and drift recipes."
