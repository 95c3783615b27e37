"""The real OpenID provider of the single sign-on tests: tests/oidc/provider.mjs (the `oidc-provider` npm
package) started on 127.0.0.1 for the test run, and a person's side of a sign-in at its login page.

Its packages are installed by `npm ci --prefix tests/oidc` (make install-dev and .ci/run do it).
Without Node.js (or without those packages) the tests that need the provider are skipped with a
message; with CI=true they fail instead, as the PostgreSQL and browser tests do.

A test module gets the `oidc_provider` fixture with `from tests.oidc.provider import provider_fixture  # noqa: F401`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest

FOLDER = Path(__file__).resolve().parent
SCRIPT = FOLDER / "provider.mjs"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

PASSWORD = "provider password"
# The provider's clients (provider.mjs): client id -> secret.
CLIENTS = {"trainer": "trainer client secret", "other-app": "other client secret",
           "trainer-brief": "brief client secret"}
# The provider's accounts: login name -> subject.
SUBJECTS = {"asha.k": "sub-0001-asha", "bruno.m": "sub-0002-bruno", "carla.d": "sub-0003-carla",
            "dina.o": "sub-0004-dina", "emil.s": "sub-0005-emil"}


def node_problem() -> str | None:
    """Why the provider cannot start here, or None."""
    node = shutil.which("node")
    if node is None:
        return "Node.js (node) not found (install Debian's nodejs package)"
    if not (FOLDER / "node_modules" / "oidc-provider" / "package.json").exists():
        return "the test provider's packages are not installed (run: npm ci --prefix tests/oidc)"
    return None


def _missing(message: str):
    if IN_CI:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(f"{message}: skipping the single sign-on tests against a real OpenID provider")


@dataclass
class Provider:
    issuer: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def config(self, client_id: str = "trainer", **extra) -> dict:
        """App settings for signing in through this provider as `client_id`."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": CLIENTS[client_id],
                "OIDC_BUTTON_LABEL": "Sign in with the mission account", **extra}


READY_SECONDS = 30


def _start_once(ready_seconds: float) -> Provider:
    log = Path(tempfile.mkstemp(prefix="trainer-oidc-provider-", suffix=".log")[1])
    with open(log, "wb") as errors:
        process = subprocess.Popen(["node", str(SCRIPT)], cwd=FOLDER, stdout=subprocess.PIPE, stderr=errors,
                                   stdin=subprocess.DEVNULL)
    # The script prints its issuer once it listens; a provider that says nothing in time is stopped,
    # so that a test run never waits on it forever.
    ready, _, _ = select.select([process.stdout], [], [], ready_seconds)
    line = process.stdout.readline() if ready else b""
    if not line:
        provider = Provider(issuer="", process=process, log=log)
        provider.stop()
        waited = "exited" if ready else f"said nothing within {ready_seconds:g} s"
        raise RuntimeError(f"the test OpenID provider {waited}: {log.read_text(errors='replace')[-2000:]}")
    return Provider(issuer=json.loads(line)["issuer"], process=process, log=log)


def start_provider(attempts: int = 2, ready_seconds: float = READY_SECONDS) -> Provider:
    """Start the provider, trying again once when a start fails or hangs."""
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(ready_seconds)
        except RuntimeError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")


@pytest.fixture(scope="session", name="oidc_provider")
def provider_fixture():
    """The test run's OpenID provider (one per test process)."""
    problem = node_problem()
    if problem:
        _missing(problem)
    try:
        provider = start_provider()
    except (OSError, RuntimeError, ValueError) as exc:
        _missing(f"the test OpenID provider did not start ({exc})")
    try:
        yield provider
    finally:
        provider.stop()


# --- a person's side of a sign-in, without a browser ------------------------------------------


@dataclass
class Person:
    """A browser's cookies at the provider, and a way to sign in at its login page."""

    provider: Provider
    session: object = field(default=None)

    def __post_init__(self):
        import requests

        self.session = requests.Session()

    def authorize(self, authorization_url: str, username: str | None = None, password: str = PASSWORD) -> str:
        """Follow the provider's redirects from the authorization URL, signing in at its login page when it
        asks (as `username`), until it sends the browser back to a client: that URL is returned."""
        url = authorization_url
        for _ in range(10):
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                location = urljoin(url, response.headers["Location"])
                if not location.startswith(self.provider.issuer + "/"):
                    return location
                url = location
                continue
            if response.status_code == 200 and "/interaction/" in url:
                if username is None:
                    raise AssertionError("the provider asks for a sign-in, and no username was given")
                response = self.session.post(url, data={"username": username, "password": password},
                                             allow_redirects=False, timeout=10)
                assert response.status_code == 303, response.text[:500]
                url = urljoin(url, response.headers["Location"])
                continue
            raise AssertionError(f"unexpected answer {response.status_code} from {url}: {response.text[:500]}")
        raise AssertionError("too many redirects at the provider")

    def cancel(self, authorization_url: str) -> str:
        """Go to the provider's login page and cancel there: the URL the provider sends the browser back to."""
        response = self.session.get(authorization_url, timeout=10)  # follows on to the login page
        assert "/interaction/" in response.url, response.text[:500]
        back = self.session.get(response.url + "/abort", allow_redirects=False, timeout=10)
        return self.authorize(urljoin(response.url, back.headers["Location"]))

    def tokens_for(self, client_id: str, username: str, redirect_uri: str, nonce: str) -> dict:
        """A complete sign-in of `username` to another client (`client_id`) with this nonce: its token response."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"client_id": client_id, "response_type": "code", "scope": "openid profile email",
                           "redirect_uri": redirect_uri, "state": secrets.token_urlsafe(16), "nonce": nonce,
                           "code_challenge": challenge, "code_challenge_method": "S256"})
        back = self.authorize(f"{self.provider.issuer}/auth?{query}", username)
        code = parse_qs(urlsplit(back).query)["code"][0]
        response = self.session.post(f"{self.provider.issuer}/token", auth=(client_id, CLIENTS[client_id]),
                                     data={"grant_type": "authorization_code", "code": code,
                                           "redirect_uri": redirect_uri, "code_verifier": verifier}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


def path_of(url: str) -> str:
    """The path and query of an absolute URL, for the app's test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

