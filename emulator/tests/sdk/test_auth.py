"""Authentication as a new user sets it up: AccountClient on the emulator's plain URL, found by
the SDK's own discovery (host metadata, then the account's OAuth document), token cached."""

import pytest

from databricks.sdk import AccountClient
from databricks.sdk.core import Config

from conftest import (
    ACCOUNT_ID,
    APP_ID,
    SDK_VERSION,
    SECRET,
    SP_ID,
    account_client,
    paths,
)


def test_account_client_on_a_plain_loopback_host_authenticates_through_discovery(emulator):
    # Exactly what the README tells a user to write: no discovery_url, no auth_type.
    a = AccountClient(
        host=emulator.url,
        account_id=ACCOUNT_ID,
        client_id=APP_ID,
        client_secret=SECRET,
    )
    sp = a.service_principals.get(SP_ID)
    assert sp.application_id == APP_ID
    assert [r.value for r in sp.roles] == ["account_admin"]
    assert a.config.auth_type == "oauth-m2m"

    log = emulator.requests()
    assert paths(log) == [
        "/.well-known/databricks-config",
        f"/oidc/accounts/{ACCOUNT_ID}/.well-known/oauth-authorization-server",
        f"/oidc/accounts/{ACCOUNT_ID}/v1/token",
        f"/api/2.0/accounts/{ACCOUNT_ID}/scim/v2/ServicePrincipals/{SP_ID}",
    ]
    token, scim = log[2], log[3]
    assert (token["method"], token["auth_scheme"], token["client_id"]) == ("POST", "Basic", APP_ID)
    assert scim["auth_scheme"] == "Bearer" and scim["client_id"] is None
    assert f"databricks-sdk-py/{SDK_VERSION}" in scim["user_agent"]
    assert "auth/oauth-m2m" in scim["user_agent"]
    assert all(r["status"] == 200 for r in log), log
    assert SECRET not in str(log)


def test_the_token_is_fetched_once_and_reused(emulator):
    a = account_client(emulator)
    a.service_principals.get(SP_ID)
    list(a.service_principals.list(filter=f'applicationId eq "{APP_ID}"'))
    list(a.service_principal_secrets.list(SP_ID))
    calls = emulator.calls()
    assert calls["token"] == 1, calls
    # The SDK's list asks for the next page until one comes back empty: two list calls.
    assert (calls["scim_get"], calls["scim_list"], calls["secrets_list"]) == (1, 2, 1), calls


def test_a_wrong_secret_is_refused_as_invalid_client(emulator):
    a = account_client(emulator, client_secret="dosewrongwrongwrong")
    with pytest.raises(Exception) as refused:
        a.service_principals.get(SP_ID)
    message = str(refused.value)
    assert "invalid_client" in message, message
    assert "Client authentication failed" in message, message
    assert "dosewrongwrongwrong" not in message
    assert emulator.calls()["scim_get"] == 0, "no API call without a token"


@pytest.mark.parametrize("document", ["oauth-authorization-server", "openid-configuration"])
def test_the_documented_discovery_url_override_reads_the_account_document(emulator, document):
    discovery = f"{emulator.url}/oidc/accounts/{ACCOUNT_ID}/.well-known/{document}"
    a = account_client(emulator, discovery_url=discovery)
    assert a.service_principals.get(SP_ID).id == SP_ID
    # The SDK still reads the host metadata, but the override decides which document is read.
    discovered = [p for p in paths(emulator.requests()) if "/.well-known/" in p]
    assert discovered == [
        "/.well-known/databricks-config",
        f"/oidc/accounts/{ACCOUNT_ID}/.well-known/{document}",
    ]


def test_a_client_that_uses_localhost_is_sent_to_localhost(emulator):
    port = emulator.url.rsplit(":", 1)[1]
    a = AccountClient(
        config=Config(
            host=f"http://localhost:{port}",
            account_id=ACCOUNT_ID,
            client_id=APP_ID,
            client_secret=SECRET,
            retry_timeout_seconds=30,
        )
    )
    assert a.config.discovery_url == (
        f"http://localhost:{port}/oidc/accounts/{ACCOUNT_ID}/.well-known/oauth-authorization-server"
    )
    assert a.service_principals.get(SP_ID).id == SP_ID


def test_https_works_once_the_emulator_ca_is_trusted(tls_emulator, monkeypatch):
    assert tls_emulator.url.startswith("https://127.0.0.1:")
    # requests (the SDK's HTTP library) reads its CA bundle from REQUESTS_CA_BUNDLE.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_emulator.ca_file))
    a = account_client(tls_emulator)
    assert a.config.discovery_url.startswith("https://127.0.0.1:")
    assert a.service_principals.get(SP_ID).id == SP_ID
    assert tls_emulator.calls()["token"] == 1


def test_https_without_trusting_the_emulator_ca_gets_nothing_through(tls_emulator, caplog):
    # requests trusts its own bundle (certifi), which does not hold the emulator's CA. The SDK
    # retries the failing host-metadata fetch, logs a warning, and then has no token endpoint.
    with pytest.raises(ValueError, match="Invalid URL 'None'"):
        account_client(tls_emulator, retry_timeout_seconds=2)
    assert "Failed to fetch host metadata" in caplog.text, caplog.text
    assert tls_emulator.requests() == [], "no request got past the TLS handshake"
