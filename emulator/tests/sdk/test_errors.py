"""Error envelopes as the SDK maps them, and the answers it retries."""

import time

import pytest

from databricks.sdk.errors import (
    BadRequest,
    InvalidParameterValue,
    NotFound,
    PermissionDenied,
    ResourceConflict,
    ResourceDoesNotExist,
)
from databricks.sdk.service import iam

from conftest import APP_ID, APP_ID_2, SECRET_2, SP_ID, account_client

MISSING = "9999999999999999"


def test_a_missing_principal_is_not_found(emulator):
    a = account_client(emulator)
    with pytest.raises(NotFound, match=f"Service principal with id {MISSING} is not found"):
        a.service_principals.get(MISSING)
    with pytest.raises(ResourceDoesNotExist):
        list(a.service_principal_secrets.list(MISSING))
    with pytest.raises(NotFound):
        a.service_principals.delete(MISSING)


def test_a_principal_without_account_admin_is_permission_denied(emulator):
    a = account_client(emulator, client_id=APP_ID_2, client_secret=SECRET_2)
    with pytest.raises(PermissionDenied, match="API is disabled for users without account admin"):
        a.service_principals.get(SP_ID)


def test_a_taken_application_id_is_a_conflict(emulator):
    a = account_client(emulator)
    with pytest.raises(ResourceConflict, match="already exists"):
        a.service_principals.create(application_id=APP_ID, display_name="duplicate")


def test_bad_secret_requests_are_bad_requests(emulator):
    a = account_client(emulator)
    with pytest.raises(InvalidParameterValue, match="maximum lifetime"):
        a.service_principal_secrets.create(service_principal_id=SP_ID, lifetime="63072001s")
    for _ in range(4):
        a.service_principal_secrets.create(service_principal_id=SP_ID)
    with pytest.raises(BadRequest, match="maximum number of secrets"):
        a.service_principal_secrets.create(service_principal_id=SP_ID)


def test_an_unknown_patch_path_is_a_bad_request(emulator):
    a = account_client(emulator)
    op = iam.Patch(op=iam.PatchOp.REPLACE, path="userName", value="x")
    with pytest.raises(BadRequest, match="invalidPath"):
        a.service_principals.patch(SP_ID, operations=[op])


def test_429_is_retried_after_its_retry_after(emulator):
    a = account_client(emulator)
    a.service_principals.get(SP_ID)  # authenticate first: only the SCIM call is throttled
    emulator.inject("/api/", {"kind": "too_many_requests", "retry_after_seconds": 1})
    emulator.clear_requests()
    started = time.monotonic()
    assert a.service_principals.get(SP_ID).id == SP_ID
    assert time.monotonic() - started >= 1.0, "waited for Retry-After"
    assert [r["status"] for r in emulator.requests()] == [429, 200]


def test_503_is_retried(emulator):
    a = account_client(emulator)
    emulator.inject("/api/", {"kind": "unavailable"})
    ids = [s.id for s in a.service_principal_secrets.list(SP_ID)]
    assert ids, "the retry succeeded"
    statuses = [r["status"] for r in emulator.requests() if r["path"].endswith("/secrets")]
    assert statuses == [503, 200]
