"""What a user's pipeline does around the provider, with the official Databricks SDK for Python:

    provision.py create NAME
        creates a service principal, grants it account_admin by SCIM PATCH and generates an
        OAuth secret; prints {"service_principal_id", "application_id", "secret_id", "secret"}
    provision.py delete-secret SERVICE_PRINCIPAL_ID SECRET_ID
        deletes the secret; prints {}

The account admin's credentials come from DATABRICKS_HOST, DATABRICKS_ACCOUNT_ID,
DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET, as the SDK reads them.
Run by tests/acceptance/sdk.rs (tests/support/sdk.rs).
"""

import json
import sys

from databricks.sdk import AccountClient
from databricks.sdk.service import iam


def create(a, name):
    sp = a.service_principals.create(display_name=name, active=True)
    a.service_principals.patch(
        sp.id,
        operations=[
            iam.Patch(op=iam.PatchOp.ADD, path="roles", value=[{"value": "account_admin"}])
        ],
        schemas=[iam.PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP],
    )
    secret = a.service_principal_secrets.create(service_principal_id=sp.id, lifetime="86400s")
    return {
        "service_principal_id": sp.id,
        "application_id": sp.application_id,
        "secret_id": secret.id,
        "secret": secret.secret,
    }


def delete_secret(a, sp_id, secret_id):
    a.service_principal_secrets.delete(service_principal_id=sp_id, secret_id=secret_id)
    return {}


def main(argv):
    a = AccountClient()
    if argv[:1] == ["create"] and len(argv) == 2:
        result = create(a, argv[1])
    elif argv[:1] == ["delete-secret"] and len(argv) == 3:
        result = delete_secret(a, argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
