"""The service-principal lifecycle through AccountServicePrincipalsAPI and
ServicePrincipalSecretsAPI: what comes before a Workflows connection, and what breaks one."""

import re

import pytest

from databricks.sdk.errors import BadRequest, NotFound, PermissionDenied
from databricks.sdk.service import iam

from conftest import ACCOUNT_ID, SP_ID, account_client, paths

PATCH_SCHEMAS = [iam.PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP]
GRANT_ADMIN = iam.Patch(op=iam.PatchOp.ADD, path="roles", value=[{"value": "account_admin"}])


def new_admin_with_secret(a, name):
    """Creates a principal, grants it account_admin by PATCH and generates a secret."""
    sp = a.service_principals.create(display_name=name, active=True)
    a.service_principals.patch(sp.id, operations=[GRANT_ADMIN], schemas=PATCH_SCHEMAS)
    secret = a.service_principal_secrets.create(service_principal_id=sp.id, lifetime="3600s")
    return sp, secret


def test_create_grant_generate_list_and_delete(emulator):
    a = account_client(emulator)
    sp = a.service_principals.create(display_name="ci-pipeline", active=True)
    assert re.fullmatch(r"\d{16}", sp.id), sp.id
    assert re.fullmatch(r"[0-9a-f-]{36}", sp.application_id), sp.application_id
    assert (sp.display_name, sp.active, sp.roles) == ("ci-pipeline", True, [])

    a.service_principals.patch(sp.id, operations=[GRANT_ADMIN], schemas=PATCH_SCHEMAS)
    assert [r.value for r in a.service_principals.get(sp.id).roles] == ["account_admin"]

    secret = a.service_principal_secrets.create(service_principal_id=sp.id, lifetime="3600s")
    assert secret.secret.startswith("dose") and re.fullmatch(r"[0-9a-f]{64}", secret.id)
    assert secret.status == "ACTIVE" and secret.expire_time

    # The new principal signs in with its own secret and, as an account admin, reads itself.
    own = account_client(emulator, client_id=sp.application_id, client_secret=secret.secret)
    assert own.service_principals.get(sp.id).display_name == "ci-pipeline"

    found = list(a.service_principals.list(filter=f'applicationId eq "{sp.application_id}"'))
    assert [f.id for f in found] == [sp.id]
    assert [s.id for s in a.service_principal_secrets.list(sp.id)] == [secret.id]

    a.service_principal_secrets.delete(service_principal_id=sp.id, secret_id=secret.id)
    assert list(a.service_principal_secrets.list(sp.id)) == []
    a.service_principals.delete(sp.id)
    with pytest.raises(NotFound):
        a.service_principals.get(sp.id)
    assert emulator.service_principal(sp.id) is None

    writes = [
        (r["method"], r["path"], r["status"])
        for r in emulator.requests()
        if r["method"] != "GET" and "/v1/token" not in r["path"]
    ]
    base = f"/api/2.0/accounts/{ACCOUNT_ID}"
    assert writes == [
        ("POST", f"{base}/scim/v2/ServicePrincipals", 201),
        ("PATCH", f"{base}/scim/v2/ServicePrincipals/{sp.id}", 204),
        ("POST", f"{base}/servicePrincipals/{sp.id}/credentials/secrets", 200),
        ("DELETE", f"{base}/servicePrincipals/{sp.id}/credentials/secrets/{secret.id}", 200),
        ("DELETE", f"{base}/scim/v2/ServicePrincipals/{sp.id}", 204),
    ]


def test_list_pages_through_every_principal_by_start_index(emulator):
    a = account_client(emulator)
    created = {a.service_principals.create(display_name=f"bot-{i}").id for i in range(3)}
    emulator.clear_requests()
    listed = list(a.service_principals.list(count=2, attributes="id,displayName"))
    assert created <= {p.id for p in listed}
    assert len(listed) == 5, "two seeded principals and three new ones, each once"
    assert all(p.application_id is None for p in listed), "only the asked attributes"
    starts = [
        re.search(r"startIndex=(\d+)", r["query"]).group(1)
        for r in emulator.requests()
        if r["path"].endswith("/ServicePrincipals")
    ]
    assert starts == ["1", "3", "5", "6"], starts


def test_secret_listing_follows_next_page_token(emulator):
    a = account_client(emulator)
    new = [a.service_principal_secrets.create(service_principal_id=SP_ID).id for _ in range(3)]
    emulator.clear_requests()
    listed = [s.id for s in a.service_principal_secrets.list(SP_ID, page_size=2)]
    # The seed's valid secret plus three new ones; its expired secret is not listed.
    assert len(listed) == 4 and set(new) <= set(listed), listed
    queries = [r["query"] for r in emulator.requests() if r["path"].endswith("/secrets")]
    assert queries == ["page_size=2", "page_size=2&page_token=p2"], queries


def test_update_replaces_and_patch_deactivates_which_locks_the_principal_out(emulator):
    a = account_client(emulator)
    sp, secret = new_admin_with_secret(a, "to-rename")
    a.service_principals.update(
        sp.id,
        display_name="renamed",
        active=True,
        roles=[iam.ComplexValue(value="account_admin")],
    )
    assert a.service_principals.get(sp.id).display_name == "renamed"

    # What databricks_service_principal (account level) sends on destroy.
    deactivate = iam.Patch(op=iam.PatchOp.REPLACE, path="active", value=[{"value": "false"}])
    a.service_principals.patch(sp.id, operations=[deactivate], schemas=PATCH_SCHEMAS)
    assert a.service_principals.get(sp.id).active is False
    own = account_client(emulator, client_id=sp.application_id, client_secret=secret.secret)
    with pytest.raises(Exception, match="invalid_client"):
        own.service_principals.get(sp.id)

    # A plain False never reaches the server: Patch.as_dict() drops falsy values, so the
    # request has no value and is refused.
    with pytest.raises(BadRequest, match="value is required"):
        a.service_principals.patch(
            sp.id,
            operations=[iam.Patch(op=iam.PatchOp.REPLACE, path="active", value=False)],
            schemas=PATCH_SCHEMAS,
        )
    reactivate = iam.Patch(op=iam.PatchOp.REPLACE, path="active", value="true")
    a.service_principals.patch(sp.id, operations=[reactivate], schemas=PATCH_SCHEMAS)
    assert own.service_principals.get(sp.id).active is True


def test_removing_the_role_by_patch_takes_away_account_admin(emulator):
    a = account_client(emulator)
    sp, secret = new_admin_with_secret(a, "loses-admin")
    own = account_client(emulator, client_id=sp.application_id, client_secret=secret.secret)
    assert own.service_principals.get(sp.id).id == sp.id
    # What databricks_service_principal_role sends on destroy.
    revoke = iam.Patch(op=iam.PatchOp.REMOVE, path='roles[value eq "account_admin"]')
    a.service_principals.patch(sp.id, operations=[revoke], schemas=PATCH_SCHEMAS)
    with pytest.raises(PermissionDenied, match="without account admin status"):
        own.service_principals.get(sp.id)
    assert a.service_principals.get(sp.id).roles in (None, [])
