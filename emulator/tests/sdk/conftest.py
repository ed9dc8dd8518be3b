"""Fixtures of the SDK contract suite: the emulator binary, started per test from the quickstart
seed, its admin API, and AccountClients of the official Databricks SDK for Python pointed at it.

Run through `cargo nextest run -p databricks-account-emulator` (emulator/tests/sdk_contract.rs),
which passes the binary in EMULATOR_BIN and runs this directory with the interpreter of
target/sdk-venv (made by scripts/lib/sdk-venv.sh).
"""

import json
import os
import pathlib
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

import databricks.sdk.version
from databricks.sdk import AccountClient
from databricks.sdk.core import Config

# The version the suite is written against (scripts/lib/sdk-venv.sh pins it).
SDK_VERSION = "0.162.0"

SEED = pathlib.Path(__file__).resolve().parents[2] / "seeds" / "quickstart.json"

# The canonical identifiers of the seed (emulator/src/seed.rs, `canonical`).
ACCOUNT_ID = "0d2a7b1c-1234-4abc-9def-0123456789ab"
SP_ID = "2323502488275632"
APP_ID = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"
SECRET_ID = "09094e3230c893775eac3a9e7d912a8ad08ffd7e592feec9afd51958cb662110"
SECRET = "dose1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"
SP_ID_2 = "4105731968203517"
APP_ID_2 = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
SECRET_2 = "dose9z8y7x6w5v4u3t2s1r0q9p8o7n6m5l4k3j"


def pytest_configure(config):
    installed = databricks.sdk.version.__version__
    if installed != SDK_VERSION:
        pytest.exit(
            f"databricks-sdk {installed} is installed, the suite needs {SDK_VERSION}: "
            "run bash scripts/lib/sdk-venv.sh",
            returncode=3,
        )
    if not os.environ.get("EMULATOR_BIN"):
        pytest.exit(
            "EMULATOR_BIN is not set: run the suite with "
            "`cargo nextest run -p databricks-account-emulator --test sdk_contract`",
            returncode=3,
        )


class Emulator:
    """The emulator binary, started with the quickstart seed; stopped by `stop()`."""

    def __init__(self, tmp_path, tls=False):
        args = [os.environ["EMULATOR_BIN"], "--seed", str(SEED), "--quiet"]
        self.ca_file = None
        if tls:
            self.ca_file = tmp_path / "emulator-ca.pem"
            args += ["--tls", "--tls-ca-file", str(self.ca_file)]
        self._proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self.url = self._proc.stdout.readline().strip()
        if not self.url:
            self.stop()
            raise RuntimeError(f"the emulator printed no URL: {args}")
        self._ssl = (
            ssl.create_default_context(cafile=str(self.ca_file)) if tls else None
        )

    def admin(self, method, path, body=None):
        """Calls the admin API and returns its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}/_emulator{path}", data=data, method=method
        )
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, context=self._ssl, timeout=10) as resp:
            return json.loads(resp.read() or b"null")

    def requests(self):
        return self.admin("GET", "/requests")

    def clear_requests(self):
        self.admin("DELETE", "/requests")

    def calls(self):
        return self.admin("GET", "/calls")

    def inject(self, path_prefix, fault, count=1, method=None):
        rule = {"path_prefix": path_prefix, "count": count, "fault": fault}
        if method:
            rule["method"] = method
        return self.admin("POST", "/faults", rule)

    def service_principal(self, sp_id):
        """The admin view of a principal, or None when it does not exist."""
        try:
            return self.admin(
                "GET", f"/accounts/{ACCOUNT_ID}/service-principals/{sp_id}"
            )
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def stop(self):
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


@pytest.fixture
def emulator(tmp_path):
    emu = Emulator(tmp_path)
    yield emu
    emu.stop()


@pytest.fixture
def tls_emulator(tmp_path):
    emu = Emulator(tmp_path, tls=True)
    yield emu
    emu.stop()


def account_client(emu, client_id=APP_ID, client_secret=SECRET, **kwargs):
    """An AccountClient on the plain emulator URL (no discovery override) with a retry budget
    of 30 s instead of 300 s, so that a broken emulator fails a test instead of stalling it.
    Extra keyword arguments go to the SDK's Config.
    """
    kwargs.setdefault("retry_timeout_seconds", 30)
    config = Config(
        host=emu.url,
        account_id=ACCOUNT_ID,
        client_id=client_id,
        client_secret=client_secret,
        **kwargs,
    )
    return AccountClient(config=config)


def paths(records, method=None):
    """The paths of request-log records, optionally only those of one method."""
    return [r["path"] for r in records if method is None or r["method"] == method]
